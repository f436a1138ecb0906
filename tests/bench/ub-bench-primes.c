/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#ifdef HAVE_PRIMESIEVE
#include <primesieve.h>
#endif

#include "ub-bench-commands.h"
#include "ub-primes.h"

/*
 * unblock-bench primes: the prime engine against primesieve, counting the
 * primes of four ranges with one thread and with two, interleaved round by
 * round. primesieve is the library when it was found at build time, else
 * the `primesieve` command run as a subprocess (its start-up is then part
 * of its time), else the benchmark says so and skips.
 */

typedef struct
{
  const char *name;
  guint64     from;
  guint64     to;
} Case;

static const Case cases[] = {
  { "[0, 1e9]", 0, G_GUINT64_CONSTANT (1000000000) },
  { "[0, 1e10]", 0, G_GUINT64_CONSTANT (10000000000) },
  { "[1e12, 1e12+1e10]", G_GUINT64_CONSTANT (1000000000000),
    G_GUINT64_CONSTANT (1010000000000) },
  { "[1e18, 1e18+1e9]", G_GUINT64_CONSTANT (1000000000000000000),
    G_GUINT64_CONSTANT (1000000001000000000) },
};

typedef struct
{
  guint64 from;
  guint64 to;
  guint64 count;
} Part;

static gpointer
count_part (gpointer data)
{
  Part *part = data;

  if (!ub_primes_count (part->from, part->to, &part->count, NULL, NULL))
    g_error ("counting failed");
  return NULL;
}

/* Our engine: the range split in @n_threads parts, one GThread each. */
static guint64
count_unblock (guint64 from,
               guint64 to,
               guint   n_threads)
{
  g_autofree UbPrimesRange *ranges = NULL;
  Part parts[8];
  GThread *threads[8];
  guint n = 0;
  guint64 total = 0;

  if (n_threads == 1)
    {
      guint64 count = 0;

      if (!ub_primes_count (from, to, &count, NULL, NULL))
        g_error ("counting failed");
      return count;
    }

  ranges = ub_primes_split (from, to, MIN (n_threads, 8), &n);
  for (guint i = 0; i < n; i++)
    {
      parts[i].from = ranges[i].from;
      parts[i].to = ranges[i].to;
      threads[i] = g_thread_new ("ub-bench-primes", count_part, &parts[i]);
    }
  for (guint i = 0; i < n; i++)
    {
      g_thread_join (threads[i]);
      total += parts[i].count;
    }
  return total;
}

typedef enum
{
  ANCHOR_NONE,
  ANCHOR_LIBRARY,
  ANCHOR_COMMAND,
} Anchor;

static char *primesieve_path;

static guint64
count_primesieve (Anchor  anchor,
                  guint64 from,
                  guint64 to,
                  guint   n_threads)
{
#ifdef HAVE_PRIMESIEVE
  if (anchor == ANCHOR_LIBRARY)
    {
      primesieve_set_num_threads ((int) n_threads);
      return primesieve_count_primes (from, to);
    }
#endif
  {
    g_autofree char *from_s = g_strdup_printf ("%" G_GUINT64_FORMAT, from);
    g_autofree char *to_s = g_strdup_printf ("%" G_GUINT64_FORMAT, to);
    g_autofree char *threads_s = g_strdup_printf ("%u", n_threads);
    g_autofree char *out = NULL;
    g_autoptr(GError) error = NULL;
    const char *argv[] = { primesieve_path, from_s, to_s, "-c", "-q", "-t", threads_s, NULL };
    int status = 0;

    if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL,
                       NULL, NULL, &out, NULL, &status, &error) ||
        !g_spawn_check_wait_status (status, &error))
      g_error ("primesieve failed: %s", error->message);
    return g_ascii_strtoull (out, NULL, 10);
  }
}

static double
time_unblock (const Case *c,
              guint       n_threads,
              guint64    *count)
{
  double t0 = ub_bench_now ();

  *count = count_unblock (c->from, c->to, n_threads);
  return ub_bench_now () - t0;
}

static double
time_primesieve (Anchor      anchor,
                 const Case *c,
                 guint       n_threads,
                 guint64    *count)
{
  double t0 = ub_bench_now ();

  *count = count_primesieve (anchor, c->from, c->to, n_threads);
  return ub_bench_now () - t0;
}

int
ub_bench_primes (int    argc,
                 char **argv)
{
  Anchor anchor = ANCHOR_NONE;
  guint rounds = ub_bench_rounds (5);
  const guint n_cases = G_N_ELEMENTS (cases);
  const guint thread_counts[] = { 1, 2 };
  double ours[G_N_ELEMENTS (cases)][2][64];
  double theirs[G_N_ELEMENTS (cases)][2][64];
  double ratios[G_N_ELEMENTS (cases)][2][64];
  guint64 c1, c2;

#ifdef HAVE_PRIMESIEVE
  anchor = ANCHOR_LIBRARY;
#endif
  if (anchor == ANCHOR_NONE)
    {
      primesieve_path = g_find_program_in_path ("primesieve");
      if (primesieve_path != NULL)
        anchor = ANCHOR_COMMAND;
    }

  ub_bench_header ("primes: count primes, unblock vs primesieve");
  if (anchor == ANCHOR_NONE)
    {
      printf ("skipped: neither libprimesieve (build time) nor the primesieve "
              "command (Debian: primesieve-bin) is available\n");
      return 0;
    }

  rounds = MIN (rounds, 64);
  printf ("anchor: primesieve %s; %u rounds after a warm-up, interleaved\n",
          anchor == ANCHOR_LIBRARY ? "library" : "command (subprocess)", rounds);
  fflush (stdout);

  /* Warm-up: tables, page faults, CPU frequency. */
  time_unblock (&cases[0], 1, &c1);
  time_primesieve (anchor, &cases[0], 1, &c2);

  for (guint r = 0; r < rounds; r++)
    for (guint i = 0; i < n_cases; i++)
      for (guint t = 0; t < G_N_ELEMENTS (thread_counts); t++)
        {
          /* Alternate who goes first, so neither always runs warm. */
          if (r % 2 == 0)
            {
              ours[i][t][r] = time_unblock (&cases[i], thread_counts[t], &c1);
              theirs[i][t][r] = time_primesieve (anchor, &cases[i], thread_counts[t], &c2);
            }
          else
            {
              theirs[i][t][r] = time_primesieve (anchor, &cases[i], thread_counts[t], &c2);
              ours[i][t][r] = time_unblock (&cases[i], thread_counts[t], &c1);
            }
          if (c1 != c2)
            {
              fprintf (stderr, "unblock-bench: primes in %s: unblock counts %"
                       G_GUINT64_FORMAT ", primesieve %" G_GUINT64_FORMAT "\n",
                       cases[i].name, c1, c2);
              return 1;
            }
          ratios[i][t][r] = ours[i][t][r] / theirs[i][t][r];
        }

  printf ("%-20s %7s %12s %12s %14s\n",
          "range", "threads", "unblock (s)", "primesieve", "ratio (median)");
  for (guint i = 0; i < n_cases; i++)
    for (guint t = 0; t < G_N_ELEMENTS (thread_counts); t++)
      printf ("%-20s %7u %12.3f %12.3f %13.2fx\n",
              cases[i].name, thread_counts[t],
              ub_bench_median (ours[i][t], rounds),
              ub_bench_median (theirs[i][t], rounds),
              ub_bench_median (ratios[i][t], rounds));
  printf ("peak RSS: %" G_GSIZE_FORMAT " KiB\n", ub_bench_peak_rss_kib ());

  g_clear_pointer (&primesieve_path, g_free);
  return 0;
}
