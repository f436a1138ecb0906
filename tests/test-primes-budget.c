/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <pthread.h>

#include "test-primes-common.h"
#include "ub-primes-sieve.h"
#include "ub-primes-sieve-window.h"

/*
 * The memory limit is for the whole process: sieves running at once, in
 * one thread or several, share it. Each case splits a range whose count
 * primesieve gave into parts, sieves them at once under a limit that
 * they would pass if each had it to itself, and checks the counts and the
 * budget's high-water marks: the reservations within the pool (15/16 of
 * the limit), the bucket memory allocated within the limit.
 */

typedef struct
{
  guint64 from;
  guint64 to;
  guint64 n;      /* primes, from primesieve */
} Known;

/* Right below 2^64 every window makes the primes below 2^32 again, about
 * a second; sanitizers run the threads there at 10^15. */
static const Known near_top = { G_MAXUINT64 - 100000000, G_MAXUINT64, 2253052 };
static const Known at_1e15 = {
  G_GUINT64_CONSTANT (1000000000000000), G_GUINT64_CONSTANT (1000000300000000), 8683939
};

static const Known *
height (void)
{
  return UNDER_SANITIZER ? &at_1e15 : &near_top;
}

#define N_PARTS 3

static guint64
isqrt64 (guint64 n)
{
  guint64 r = (guint64) sqrtl ((long double) n);

  while ((unsigned __int128) r * r > n)
    r--;
  while ((unsigned __int128) (r + 1) * (r + 1) <= n)
    r++;
  return r;
}

/* A limit three quarters of what the buckets of @n_sharing parts of @k
 * sieved in one window each would take: each part is sieved in two
 * windows or three. */
static gsize
tight_limit (const Known *k,
             guint        n_parts,
             guint        n_sharing)
{
  guint64 seg = ub_primes_get_segment_numbers (k->from, k->to);
  guint64 part = (k->to - k->from) / n_parts;
  double est = _ub_sieve_window_bucket_bytes (part, part / seg + 1,
                                              seg / 30 * 4, isqrt64 (k->to));

  return (gsize) (est * n_sharing * 3 / 4 * 16 / 15);
}

static void
setup (void)
{
  ub_primes_set_cache_sizes (32 * 1024, 256 * 1024);
  ub_primes_set_sieve_only (TRUE);
  ub_primes_set_memory_limit (0);
}

static void
teardown (void)
{
  UbSieveBudgetStats st;

  ub_primes_set_memory_limit (0);
  ub_primes_set_sieve_only (FALSE);
  ub_primes_set_cache_sizes (0, 0);
  /* Every sieve gave back what it held. */
  _ub_sieve_budget_get_stats (&st);
  g_assert_cmpuint (st.n_live, ==, 0);
  g_assert_cmpuint (st.reserved, ==, 0);
  g_assert_cmpuint (st.held, ==, 0);
}

static void
assert_peaks_within (gsize limit)
{
  UbSieveBudgetStats st;

  _ub_sieve_budget_get_stats (&st);
  g_test_message ("limit %" G_GSIZE_FORMAT ": reserved at most %" G_GSIZE_FORMAT
                  ", held at most %" G_GSIZE_FORMAT,
                  limit, st.reserved_peak, st.held_peak);
  g_assert_cmpuint (st.reserved_peak, >, 0);
  g_assert_cmpuint (st.reserved_peak, <=, limit / 16 * 15);
  g_assert_cmpuint (st.held_peak, <=, limit);
}

/* ---- one thread, sieves stepped in turn -------------------------------- */

/* At 10^15, where it is quick: deterministic, so this is the case that
 * fails for sure if each sieve had the whole limit to itself. */
static void
test_interleaved (void)
{
  const Known *k = &at_1e15;
  UbPrimesRange *parts;
  guint n_parts;
  UbSieve *sieves[N_PARTS];
  guint64 counts[N_PARTS] = { 0 };
  guint64 windows[N_PARTS] = { 0 };
  gboolean more[N_PARTS];
  gboolean any = TRUE;
  guint64 total = 0, seg;
  gsize limit;

  g_test_summary ("Sieves stepped in turn in one thread share the memory "
                  "limit: each gets windows of its share, none passes it");

  setup ();
  parts = ub_primes_split (k->from, k->to, N_PARTS, &n_parts);
  g_assert_cmpuint (n_parts, ==, N_PARTS);
  seg = ub_primes_get_segment_numbers (k->from, k->to);
  limit = tight_limit (k, N_PARTS, N_PARTS);
  ub_primes_set_memory_limit (limit);
  _ub_sieve_budget_reset_peaks ();

  /* All live before any sieves, as in threads started together. */
  for (guint i = 0; i < N_PARTS; i++)
    {
      sieves[i] = _ub_sieve_new (parts[i].from, parts[i].to);
      more[i] = TRUE;
    }
  while (any)
    {
      any = FALSE;
      for (guint i = 0; i < N_PARTS; i++)
        {
          guint64 lo, hi, c;

          if (!more[i])
            continue;
          more[i] = _ub_sieve_next (sieves[i], NULL, NULL, NULL, &lo, &hi, &c, NULL);
          counts[i] += more[i] ? c : 0;
          windows[i] = MAX (windows[i], _ub_sieve_get_window_numbers (sieves[i]));
          any |= more[i];
        }
    }
  assert_peaks_within (limit);

  for (guint i = 0; i < N_PARTS; i++)
    {
      /* Windows of more than a segment, less than the part. */
      g_test_message ("part %u: windows of up to %" G_GUINT64_FORMAT " numbers",
                      i, windows[i]);
      g_assert_cmpuint (windows[i], >, seg);
      g_assert_cmpuint (windows[i], <, parts[i].to - parts[i].from);
      total += counts[i];
      _ub_sieve_free (sieves[i]);
    }
  g_assert_cmpuint (total, ==, k->n);
  g_free (parts);
  teardown ();
}

/* ---- threads ---------------------------------------------------------- */

typedef struct
{
  pthread_barrier_t *start;
  guint64            from;
  guint64            to;
  guint64            count;
  guint              repeat;      /* short ranges counted one after another */
  guint64            step;
  GThread           *thread;
} Part;

static gpointer
run_part (gpointer data)
{
  Part *part = data;
  g_autoptr(GError) error = NULL;

  pthread_barrier_wait (part->start);
  for (guint r = 0; r < MAX (part->repeat, 1); r++)
    {
      guint64 from = part->from + r * part->step;
      guint64 to = part->repeat > 0 ? from + part->step - 1 : part->to;
      guint64 c = 0;

      g_assert_true (ub_primes_count (from, to, &c, NULL, &error));
      g_assert_no_error (error);
      part->count += c;
    }
  return NULL;
}

static void
run_parts (Part  *parts,
           guint  n)
{
  pthread_barrier_t start;

  pthread_barrier_init (&start, NULL, n);
  for (guint i = 0; i < n; i++)
    {
      parts[i].start = &start;
      parts[i].thread = g_thread_new ("test-budget", run_part, &parts[i]);
    }
  for (guint i = 0; i < n; i++)
    g_thread_join (parts[i].thread);
  pthread_barrier_destroy (&start);
}

static void
test_threads (void)
{
  const Known *k = height ();
  UbPrimesRange *ranges;
  guint n_parts;
  Part parts[N_PARTS] = { { 0 } };
  guint64 total = 0;
  gsize limit;

  g_test_summary ("Counts in threads at once share the memory limit and are "
                  "exact");

  setup ();
  ranges = ub_primes_split (k->from, k->to, N_PARTS, &n_parts);
  g_assert_cmpuint (n_parts, ==, N_PARTS);
  limit = tight_limit (k, N_PARTS, N_PARTS);
  ub_primes_set_memory_limit (limit);
  _ub_sieve_budget_reset_peaks ();

  for (guint i = 0; i < N_PARTS; i++)
    {
      parts[i].from = ranges[i].from;
      parts[i].to = ranges[i].to;
    }
  run_parts (parts, N_PARTS);
  assert_peaks_within (limit);

  for (guint i = 0; i < N_PARTS; i++)
    total += parts[i].count;
  g_assert_cmpuint (total, ==, k->n);
  g_free (ranges);
  teardown ();
}

/* Two long counts at 10^15 while a third thread starts and finishes short
 * ones, each with a bucket tier of its own, against the same budget. */
static void
test_churn (void)
{
  const Known *k = &at_1e15;
  UbPrimesRange *ranges;
  guint n_parts;
  Part parts[3] = { { 0 } };
  guint64 seg, step, shorts_ref = 0;
  gsize limit;

  g_test_summary ("Sieves starting and finishing while others are mid-window "
                  "leave the counts exact and the budget within the limit");

  setup ();
  seg = ub_primes_get_segment_numbers (k->from, k->to);
  step = 2 * seg;

  /* The short ones' reference: one after another, unbounded. */
  for (guint r = 0; r < 16; r++)
    {
      guint64 from = k->to + 1 + r * step, c = 0;

      g_assert_true (ub_primes_count (from, from + step - 1, &c, NULL, NULL));
      shorts_ref += c;
    }

  ranges = ub_primes_split (k->from, k->to, 2, &n_parts);
  g_assert_cmpuint (n_parts, ==, 2);
  limit = tight_limit (k, 2, 2);
  ub_primes_set_memory_limit (limit);
  _ub_sieve_budget_reset_peaks ();

  for (guint i = 0; i < 2; i++)
    {
      parts[i].from = ranges[i].from;
      parts[i].to = ranges[i].to;
    }
  parts[2].from = k->to + 1;
  parts[2].repeat = 16;
  parts[2].step = step;
  run_parts (parts, 3);
  assert_peaks_within (limit);

  g_assert_cmpuint (parts[0].count + parts[1].count, ==, k->n);
  g_assert_cmpuint (parts[2].count, ==, shorts_ref);
  g_free (ranges);
  teardown ();
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/primes/budget/interleaved", test_interleaved);
  g_test_add_func ("/primes/budget/threads", test_threads);
  g_test_add_func ("/primes/budget/churn", test_churn);
  return g_test_run ();
}
