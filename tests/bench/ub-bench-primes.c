/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>

#ifdef HAVE_PRIMESIEVE
#include <primesieve.h>
#endif

#include "ub-bench-commands.h"
#include "ub-primes.h"
#include "ub-primes-sieve-window.h"

extern char **environ;

/*
 * unblock-bench primes: the prime engine against primesieve, counting the
 * primes of four ranges at four heights with one thread and with two,
 * interleaved round by round, every count checked against primesieve's;
 * wall time is the figure, CPU time beside it tells a slow run from a
 * busy machine. First, the peak RSS, wall and CPU time of one count per
 * height and thread count, up to right below 2^64, each in a process of
 * its own, with the high-water mark of the bucket memory all the
 * process's sieves held together; right below 2^64 the sieves work in
 * windows under the memory limit (384 MiB for the whole process, however
 * many threads), and a row without the limit gives what the windows cost.
 *
 * The anchor is the `primesieve -c -q` command (its start-up, about a
 * millisecond, is then part of its time), else libprimesieve when it was
 * found at build time. Without either, our times are printed alone.
 *
 *   unblock-bench primes [--no-rss | --rss-only]
 */

typedef struct
{
  const char *name;
  guint64     from;
  guint64     to;
} Case;

static const Case cases[] = {
  { "[0, 1e10]", 0, G_GUINT64_CONSTANT (10000000000) },
  { "[1e12, 1e12+1e10]", G_GUINT64_CONSTANT (1000000000000),
    G_GUINT64_CONSTANT (1010000000000) },
  { "[1e15, 1e15+1e10]", G_GUINT64_CONSTANT (1000000000000000),
    G_GUINT64_CONSTANT (1000010000000000) },
  { "[1e18, 1e18+1e9]", G_GUINT64_CONSTANT (1000000000000000000),
    G_GUINT64_CONSTANT (1000000001000000000) },
};

/* Heights whose peak RSS is reported: the cases and the top of 2^64. */
static const Case rss_cases[] = {
  { "[0, 1e10]", 0, G_GUINT64_CONSTANT (10000000000) },
  { "[1e12, 1e12+1e10]", G_GUINT64_CONSTANT (1000000000000),
    G_GUINT64_CONSTANT (1010000000000) },
  { "[1e15, 1e15+1e10]", G_GUINT64_CONSTANT (1000000000000000),
    G_GUINT64_CONSTANT (1000010000000000) },
  { "[1e18, 1e18+1e9]", G_GUINT64_CONSTANT (1000000000000000000),
    G_GUINT64_CONSTANT (1000000001000000000) },
  { "[2^64-1e10, 2^64-1]", G_MAXUINT64 - G_GUINT64_CONSTANT (10000000000) + 1,
    G_MAXUINT64 },
};

static const guint thread_counts[] = { 1, 2 };

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

static double child_cpu;   /* CPU seconds of the last run_child() */

static double
cpu_seconds (const struct rusage *usage)
{
  return usage->ru_utime.tv_sec + usage->ru_utime.tv_usec * 1e-6 +
         usage->ru_stime.tv_sec + usage->ru_stime.tv_usec * 1e-6;
}

/* CPU seconds of this process so far, all threads. */
static double
self_cpu (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return cpu_seconds (&usage);
}

/* Runs @argv to its end; its standard output is returned (owned), its
 * CPU time kept in child_cpu and its peak RSS stored in @rss_kib. That
 * peak includes what this process held when it spawned the child, so
 * the RSS table is made before anything is counted here. */
static char *
run_child (const char * const *argv,
           gsize              *rss_kib)
{
  posix_spawn_file_actions_t actions;
  struct rusage usage;
  GString *out = g_string_new (NULL);
  char buf[256];
  int fds[2];
  pid_t pid;
  int status = 0;
  ssize_t n;

  if (pipe (fds) != 0)
    g_error ("pipe failed");
  posix_spawn_file_actions_init (&actions);
  posix_spawn_file_actions_adddup2 (&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose (&actions, fds[0]);
  posix_spawn_file_actions_addclose (&actions, fds[1]);
  if (posix_spawn (&pid, argv[0], &actions, NULL, (char **) argv, environ) != 0)
    g_error ("could not run %s", argv[0]);
  posix_spawn_file_actions_destroy (&actions);
  close (fds[1]);
  while ((n = read (fds[0], buf, sizeof buf)) > 0)
    g_string_append_len (out, buf, n);
  close (fds[0]);
  if (wait4 (pid, &status, 0, &usage) != pid ||
      !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    g_error ("%s failed", argv[0]);
  if (rss_kib != NULL)
    *rss_kib = (gsize) usage.ru_maxrss;
  child_cpu = cpu_seconds (&usage);
  return g_string_free (out, FALSE);
}

static guint64
count_primesieve (Anchor   anchor,
                  guint64  from,
                  guint64  to,
                  guint    n_threads,
                  gsize   *rss_kib)
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
    const char *argv[] = { primesieve_path, from_s, to_s, "-c", "-q", "-t", threads_s, NULL };
    g_autofree char *out = run_child (argv, rss_kib);

    return g_ascii_strtoull (out, NULL, 10);
  }
}

/* Both return wall seconds and store CPU seconds in @cpu. */
static double
time_unblock (const Case *c,
              guint       n_threads,
              guint64    *count,
              double     *cpu)
{
  double t0 = ub_bench_now ();
  double c0 = self_cpu ();

  *count = count_unblock (c->from, c->to, n_threads);
  *cpu = self_cpu () - c0;
  return ub_bench_now () - t0;
}

static double
time_primesieve (Anchor      anchor,
                 const Case *c,
                 guint       n_threads,
                 guint64    *count,
                 double     *cpu)
{
  double t0 = ub_bench_now ();
  double c0 = self_cpu ();

  *count = count_primesieve (anchor, c->from, c->to, n_threads, NULL);
  *cpu = anchor == ANCHOR_COMMAND ? child_cpu : self_cpu () - c0;
  return ub_bench_now () - t0;
}

/* The child of report_rss(): one count on @threads_s threads under the
 * memory limit @limit_s (0: the default), printed with the high-water
 * mark of the bucket memory, in bytes. */
static int
rss_child (const char *from_s,
           const char *to_s,
           const char *threads_s,
           const char *limit_s)
{
  guint64 count;

  ub_primes_set_memory_limit ((gsize) g_ascii_strtoull (limit_s, NULL, 10));
  count = count_unblock (g_ascii_strtoull (from_s, NULL, 10),
                         g_ascii_strtoull (to_s, NULL, 10),
                         (guint) g_ascii_strtoull (threads_s, NULL, 10));
  {
    UbSieveBudgetStats st;

    _ub_sieve_budget_get_stats (&st);
    printf ("%" G_GUINT64_FORMAT " %" G_GSIZE_FORMAT "\n", count, st.held_peak);
  }
  return 0;
}

/* One count in a process of its own: its RSS (KiB), bucket memory's
 * high-water mark (bytes), wall and CPU seconds. */
static guint64
rss_run (const Case *c,
         guint       n_threads,
         gsize       limit,
         gsize      *rss_kib,
         gsize      *buckets,
         double     *wall,
         double     *cpu)
{
  double t0 = ub_bench_now ();
  char *end = NULL;
  guint64 count;
  g_autofree char *from_s = g_strdup_printf ("%" G_GUINT64_FORMAT, c->from);
  g_autofree char *to_s = g_strdup_printf ("%" G_GUINT64_FORMAT, c->to);
  g_autofree char *threads_s = g_strdup_printf ("%u", n_threads);
  g_autofree char *limit_s = g_strdup_printf ("%" G_GSIZE_FORMAT, limit);
  const char *argv[] = { "/proc/self/exe", "primes", "--rss-child", from_s, to_s,
                         threads_s, limit_s, NULL };
  g_autofree char *out = run_child (argv, rss_kib);

  *wall = ub_bench_now () - t0;
  *cpu = child_cpu;
  count = g_ascii_strtoull (out, &end, 10);
  *buckets = (gsize) g_ascii_strtoull (end, NULL, 10);
  return count;
}

/* Peak RSS, wall and CPU time of one count per height and thread count,
 * ours and (with the command as anchor) primesieve's, each in a fresh
 * process, and our buckets' high-water mark; right below 2^64 also ours
 * without the memory limit, one thread. */
static int
report_rss (Anchor anchor)
{
  printf ("%-22s %3s %8s %8s %8s %6s %8s %8s %6s %8s %8s %6s\n", "peak RSS, time",
          "thr", "buckets", "ours MiB", "primesv", "ratio", "wall s", "primesv", "ratio",
          "CPU s", "primesv", "ratio");
  for (gsize i = 0; i < G_N_ELEMENTS (rss_cases); i++)
    for (guint t = 0; t < G_N_ELEMENTS (thread_counts) + (i + 1 == G_N_ELEMENTS (rss_cases)); t++)
      {
        const Case *c = &rss_cases[i];
        gboolean unbounded = t == G_N_ELEMENTS (thread_counts);
        guint n_threads = unbounded ? 1 : thread_counts[t];
        g_autofree char *name = unbounded ? g_strdup ("  same, no limit") : g_strdup (c->name);
        gsize ours = 0, theirs = 0, buckets = 0;
        double cpu_ours, cpu_theirs, wall_ours, wall_theirs, t0;
        guint64 n_ours, n_theirs;

        n_ours = rss_run (c, n_threads, unbounded ? G_MAXSIZE : 0, &ours, &buckets,
                          &wall_ours, &cpu_ours);
        if (anchor != ANCHOR_COMMAND)
          {
            printf ("%-22s %3u %8.1f %8.1f %8s %6s %8.2f %8s %6s %8.2f %8s %6s\n",
                    name, n_threads, buckets / 1048576.0, ours / 1024.0, "-", "-",
                    wall_ours, "-", "-", cpu_ours, "-", "-");
            continue;
          }
        t0 = ub_bench_now ();
        n_theirs = count_primesieve (anchor, c->from, c->to, n_threads, &theirs);
        wall_theirs = ub_bench_now () - t0;
        cpu_theirs = child_cpu;
        if (n_ours != n_theirs)
          {
            fprintf (stderr, "unblock-bench: primes in %s: unblock counts %"
                     G_GUINT64_FORMAT ", primesieve %" G_GUINT64_FORMAT "\n",
                     c->name, n_ours, n_theirs);
            return 1;
          }
        printf ("%-22s %3u %8.1f %8.1f %8.1f %5.2fx %8.2f %8.2f %5.2fx %8.2f %8.2f %5.2fx\n",
                name, n_threads, buckets / 1048576.0, ours / 1024.0, theirs / 1024.0,
                (double) ours / (double) theirs, wall_ours, wall_theirs,
                wall_ours / wall_theirs, cpu_ours, cpu_theirs, cpu_ours / cpu_theirs);
        fflush (stdout);
      }
  return 0;
}

int
ub_bench_primes (int    argc,
                 char **argv)
{
  Anchor anchor = ANCHOR_NONE;
  guint rounds = ub_bench_rounds (3);
  const guint n_cases = G_N_ELEMENTS (cases);
  const guint n_threads = G_N_ELEMENTS (thread_counts);
  double ours[G_N_ELEMENTS (cases)][G_N_ELEMENTS (thread_counts)][64];
  double theirs[G_N_ELEMENTS (cases)][G_N_ELEMENTS (thread_counts)][64];
  double ratios[G_N_ELEMENTS (cases)][G_N_ELEMENTS (thread_counts)][64];
  double cpu_ratios[G_N_ELEMENTS (cases)][G_N_ELEMENTS (thread_counts)][64];
  double cpu_ours[G_N_ELEMENTS (cases)][G_N_ELEMENTS (thread_counts)][64];
  double cpu_theirs[G_N_ELEMENTS (cases)][G_N_ELEMENTS (thread_counts)][64];
  double cpu1 = 0, cpu2 = 1;
  gboolean with_rss = TRUE;
  gboolean rss_only = FALSE;
  guint64 c1, c2 = 0;
  int status = 0;

  if (argc == 6 && strcmp (argv[1], "--rss-child") == 0)
    return rss_child (argv[2], argv[3], argv[4], argv[5]);
  if (argc == 2 && strcmp (argv[1], "--no-rss") == 0)
    with_rss = FALSE;
  if (argc == 2 && strcmp (argv[1], "--rss-only") == 0)
    rss_only = TRUE;

  primesieve_path = g_find_program_in_path ("primesieve");
  if (primesieve_path != NULL)
    anchor = ANCHOR_COMMAND;
#ifdef HAVE_PRIMESIEVE
  else
    anchor = ANCHOR_LIBRARY;
#endif

  ub_bench_header ("primes: count primes, unblock vs primesieve");
  rounds = MIN (rounds, 64);
  if (anchor == ANCHOR_NONE)
    printf ("primesieve not installed, ratios skipped (Debian: primesieve-bin)\n");
  else
    printf ("anchor: primesieve %s; wall and CPU time, %u rounds after a warm-up, "
            "interleaved A/B, medians\n",
            anchor == ANCHOR_LIBRARY ? "library" : "-c -q (command)", rounds);
  fflush (stdout);

  /* First, while this process is still small (see run_child()). */
  if (with_rss && report_rss (anchor) != 0)
    {
      status = 1;
      goto out;
    }
  if (rss_only)
    goto out;

  /* Warm-up: tables, page faults, CPU frequency. */
  time_unblock (&cases[0], 1, &c1, &cpu1);
  if (anchor != ANCHOR_NONE)
    time_primesieve (anchor, &cases[0], 1, &c2, &cpu2);

  for (guint r = 0; r < rounds; r++)
    for (guint i = 0; i < n_cases; i++)
      for (guint t = 0; t < n_threads; t++)
        {
          /* Alternate who goes first, so neither always runs warm. */
          if (anchor == ANCHOR_NONE)
            {
              ours[i][t][r] = time_unblock (&cases[i], thread_counts[t], &c1, &cpu1);
              cpu_ours[i][t][r] = cpu1;
              continue;
            }
          if (r % 2 == 0)
            {
              ours[i][t][r] = time_unblock (&cases[i], thread_counts[t], &c1, &cpu1);
              theirs[i][t][r] = time_primesieve (anchor, &cases[i], thread_counts[t], &c2, &cpu2);
            }
          else
            {
              theirs[i][t][r] = time_primesieve (anchor, &cases[i], thread_counts[t], &c2, &cpu2);
              ours[i][t][r] = time_unblock (&cases[i], thread_counts[t], &c1, &cpu1);
            }
          if (c1 != c2)
            {
              fprintf (stderr, "unblock-bench: primes in %s: unblock counts %"
                       G_GUINT64_FORMAT ", primesieve %" G_GUINT64_FORMAT "\n",
                       cases[i].name, c1, c2);
              status = 1;
              goto out;
            }
          ratios[i][t][r] = ours[i][t][r] / theirs[i][t][r];
          cpu_ratios[i][t][r] = cpu1 / cpu2;
          cpu_ours[i][t][r] = cpu1;
          cpu_theirs[i][t][r] = cpu2;
        }

  printf ("\n%-20s %7s %10s %10s %10s %10s %10s %10s\n", "range", "threads",
          "ours s", "primesv s", "wall ratio", "ours CPU", "primesv", "CPU ratio");
  for (guint i = 0; i < n_cases; i++)
    for (guint t = 0; t < n_threads; t++)
      {
        if (anchor == ANCHOR_NONE)
          printf ("%-20s %7u %10.3f %10s %10s %10.3f %10s %10s\n", cases[i].name,
                  thread_counts[t], ub_bench_median (ours[i][t], rounds),
                  "-", "-", ub_bench_median (cpu_ours[i][t], rounds), "-", "-");
        else
          printf ("%-20s %7u %10.3f %10.3f %9.2fx %10.3f %10.3f %9.2fx\n",
                  cases[i].name, thread_counts[t],
                  ub_bench_median (ours[i][t], rounds),
                  ub_bench_median (theirs[i][t], rounds),
                  ub_bench_median (ratios[i][t], rounds),
                  ub_bench_median (cpu_ours[i][t], rounds),
                  ub_bench_median (cpu_theirs[i][t], rounds),
                  ub_bench_median (cpu_ratios[i][t], rounds));
      }
  if (anchor != ANCHOR_NONE)
    printf ("counts: every one equal to primesieve's; the ratios are "
            "medians of per-round ratios, ours / primesieve's\n");

out:
  g_clear_pointer (&primesieve_path, g_free);
  return status;
}
