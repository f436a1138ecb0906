/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>

#include "ub-error.h"
#include "ub-primes.h"

/*
 * Tests of the prime sieve engine (workers/jobs/primes/ub-primes.c): counts against
 * known values and against a trivially correct reference sieve, the edges
 * of wheel bytes, words and segments, enumeration, cancellation, resuming
 * from saved records, and splitting a range across threads.
 */

#define TOP G_MAXUINT64

/* Sanitizer builds run the exhaustive sweeps over fewer sets. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define UNDER_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define UNDER_SANITIZER 1
#endif
#endif
#ifndef UNDER_SANITIZER
#define UNDER_SANITIZER 0
#endif

/* ---- configurations ---------------------------------------------------- */

/* The sieve sizes its segments and blocks from the CPU's caches and counts
 * with POPCNT where the CPU has it. Each case runs on what this machine
 * picks and with sizes pinned, so that no expectation depends on the CPU:
 * they are all derived from ub_primes_get_segment_numbers(). */
typedef struct
{
  const char *name;
  gsize       l1_bytes;   /* 0: the CPU's own */
  gsize       l2_bytes;
  gboolean    portable;
} Config;

static const Config configs[] = {
  { "cpu", 0, 0, FALSE },
  { "portable", 0, 0, TRUE },
  { "l2-256k", 32 * 1024, 256 * 1024, FALSE },
  { "l2-2m", 48 * 1024, 2048 * 1024, FALSE },
};

static void
apply_config (const Config *config)
{
  ub_primes_set_cache_sizes (config->l1_bytes, config->l2_bytes);
  ub_primes_set_portable_only (config->portable);
  g_test_message ("segments of %" G_GUINT64_FORMAT " numbers, %s popcount",
                  ub_primes_get_segment_numbers (0, G_MAXUINT64 / 2),
                  ub_primes_get_implementation ());
}

/* ---- reference -------------------------------------------------------- */

/* A plain sieve of Eratosthenes over [0, REF_N) with prefix counts: read
 * only after ref_init (), shared by all tests. */
#define REF_N ((guint64) 1 << 25)
static guint8 *ref_composite;
static guint32 *ref_prefix;   /* ref_prefix[n] = primes < n */

static void
ref_init (void)
{
  ref_composite = g_malloc0 (REF_N);
  ref_prefix = g_new (guint32, REF_N + 1);
  ref_composite[0] = ref_composite[1] = 1;
  for (guint64 i = 2; i * i < REF_N; i++)
    if (!ref_composite[i])
      for (guint64 j = i * i; j < REF_N; j += i)
        ref_composite[j] = 1;
  ref_prefix[0] = 0;
  for (guint64 i = 0; i < REF_N; i++)
    ref_prefix[i + 1] = ref_prefix[i] + !ref_composite[i];
}

static guint64
ref_count (guint64 from,
           guint64 to)
{
  g_assert_cmpuint (to, <, REF_N);
  return ref_prefix[to + 1] - ref_prefix[from];
}

static guint64
mulmod (guint64 a,
        guint64 b,
        guint64 m)
{
  return (guint64) (((unsigned __int128) a * b) % m);
}

static guint64
powmod (guint64 a,
        guint64 e,
        guint64 m)
{
  guint64 r = 1;

  a %= m;
  while (e > 0)
    {
      if (e & 1)
        r = mulmod (r, a, m);
      a = mulmod (a, a, m);
      e >>= 1;
    }
  return r;
}

/* Deterministic Miller–Rabin for all 64-bit numbers (the first twelve
 * primes as bases). */
static gboolean
is_prime_mr (guint64 n)
{
  static const guint64 bases[] = { 2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37 };
  guint64 d;
  guint s = 0;

  if (n < 2)
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (bases); i++)
    {
      if (n == bases[i])
        return TRUE;
      if (n % bases[i] == 0)
        return FALSE;
    }
  d = n - 1;
  while ((d & 1) == 0)
    {
      d >>= 1;
      s++;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bases); i++)
    {
      guint64 x = powmod (bases[i], d, n);
      gboolean witness = TRUE;

      if (x == 1 || x == n - 1)
        continue;
      for (guint r = 1; r < s; r++)
        {
          x = mulmod (x, x, n);
          if (x == n - 1)
            {
              witness = FALSE;
              break;
            }
        }
      if (witness)
        return FALSE;
    }
  return TRUE;
}

static void
assert_records_equal (const UbPrimesRecord *a,
                      const UbPrimesRecord *b)
{
  g_assert_cmpuint (a->from, ==, b->from);
  g_assert_cmpuint (a->to, ==, b->to);
  g_assert_cmpuint (a->next, ==, b->next);
  g_assert_cmpuint (a->count, ==, b->count);
  g_assert_cmpint (a->done, ==, b->done);
}

static guint64
count (guint64 from,
       guint64 to)
{
  g_autoptr(GError) error = NULL;
  guint64 c = G_MAXUINT64;

  g_assert_true (ub_primes_count (from, to, &c, NULL, &error));
  g_assert_no_error (error);
  return c;
}

/* Collects enumerated primes, checking order as they come. */
typedef struct
{
  GArray  *primes;
  guint64  n;
  guint64  last;
  gboolean any;
  guint    batches;
} Collect;

static void
collect_primes (const guint64 *primes,
                gsize          n,
                gpointer       user_data)
{
  Collect *c = user_data;

  g_assert_cmpuint (n, >, 0);
  c->batches++;
  for (gsize i = 0; i < n; i++)
    {
      if (c->any)
        g_assert_cmpuint (primes[i], >, c->last);
      c->last = primes[i];
      c->any = TRUE;
      c->n++;
    }
  if (c->primes != NULL)
    g_array_append_vals (c->primes, primes, (guint) n);
}

static GArray *
enumerate (guint64  from,
           guint64  to,
           guint64 *n_counted)
{
  g_autoptr(GError) error = NULL;
  Collect c = { g_array_new (FALSE, FALSE, sizeof (guint64)), 0, 0, FALSE, 0 };
  UbPrimesRecord record;

  ub_primes_record_init (&record, from, to);
  g_assert_true (ub_primes_run (&record, collect_primes, NULL, &c, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (record.done);
  g_assert_cmpuint (record.count, ==, c.primes->len);
  *n_counted = record.count;
  return c.primes;
}

/* ---- counts ----------------------------------------------------------- */

static void
test_pi_powers_of_ten (gconstpointer data)
{
  static const guint64 pi[] = {
    0, 4, 25, 168, 1229, 9592, 78498, 664579, 5761455, 50847534, 455052511,
  };
  guint64 p10 = 1;

  g_test_summary ("π(10^k) for k = 0 … 9, and 10 with -m slow");

  apply_config (data);

  for (guint k = 0; k < G_N_ELEMENTS (pi); k++, p10 *= 10)
    {
      /* 10^9 takes a quarter of a minute under ThreadSanitizer */
      if ((k == 10 || (k == 9 && UNDER_SANITIZER)) && !g_test_slow ())
        break;
      g_test_message ("π(10^%u)", k);
      g_assert_cmpuint (count (0, p10), ==, pi[k]);
      /* from 1 and from 2 give the same */
      if (k <= 8)
        {
          g_assert_cmpuint (count (1, p10), ==, pi[k]);
          if (p10 >= 2)
            g_assert_cmpuint (count (2, p10), ==, pi[k]);
        }
    }
}

/* Known counts right below 2^64, computed independently with primesieve. */
static void
test_top_of_range (gconstpointer data)
{
  static const struct { guint64 width; guint64 n; gboolean slow; } windows[] = {
    { 100, 3, FALSE },
    { 100000, 2139, FALSE },
    { 10000000, 225271, FALSE },
    { 100000000, 2253052, TRUE },
    { 1000000000, 22537866, TRUE },
  };
  guint64 n_counted = 0;
  g_autoptr(GArray) primes = NULL;

  g_test_summary ("Counts in windows [2^64 − w, 2^64 − 1] match primesieve's");

  apply_config (data);

  /* One enumeration of the widest fast window checks the narrower ones. */
  primes = enumerate (TOP - 10000000, TOP, &n_counted);
  for (gsize i = 0; i < G_N_ELEMENTS (windows); i++)
    {
      guint64 from = TOP - windows[i].width;
      guint64 n = 0;

      if (windows[i].width <= 10000000)
        {
          for (guint j = 0; j < primes->len; j++)
            if (g_array_index (primes, guint64, j) >= from)
              n++;
          g_assert_cmpuint (n, ==, windows[i].n);
        }
      else if (g_test_slow ())
        {
          g_assert_cmpuint (count (from, TOP), ==, windows[i].n);
        }
    }

  /* The largest prime below 2^64 is 2^64 − 59. */
  g_assert_cmpuint (g_array_index (primes, guint64, primes->len - 1), ==, TOP - 58);
  for (guint j = primes->len - 50; j < primes->len; j++)
    g_assert_true (is_prime_mr (g_array_index (primes, guint64, j)));
  if (g_test_slow ())
    {
      g_assert_cmpuint (count (TOP - 58, TOP), ==, 1);
      g_assert_cmpuint (count (TOP - 57, TOP), ==, 0);
      g_assert_cmpuint (count (TOP, TOP), ==, 0);
    }
}

/* Other known counts from primesieve. */
static void
test_known_ranges (gconstpointer data)
{
  g_test_summary ("Counts of mid-sized ranges at large offsets match primesieve's");

  apply_config (data);

  g_assert_cmpuint (count (G_GUINT64_CONSTANT (10000000000000000),
                           G_GUINT64_CONSTANT (10000000010000000)), ==, 271897);
  g_assert_cmpuint (count (G_GUINT64_CONSTANT (9223372036854775808),
                           G_GUINT64_CONSTANT (9223372036864775808)), ==, 228925);
  if (g_test_slow ())
    {
      g_assert_cmpuint (count (G_GUINT64_CONSTANT (1000000000000000000),
                               G_GUINT64_CONSTANT (1000000000010000000)), ==, 241295);
      g_assert_cmpuint (count (G_GUINT64_CONSTANT (1000000000000),
                               G_GUINT64_CONSTANT (1010000000000)), ==, 361840208);
      g_assert_cmpuint (count (G_GUINT64_CONSTANT (1000000000000000000),
                               G_GUINT64_CONSTANT (1000000001000000000)), ==, 24127085);
    }
}

/* Every range with to <= 10^5, through prefix sums: all FROM for a set of
 * TO, all TO for a set of FROM, every pair below 400, random pairs. */
static void
test_small_ranges (gconstpointer data)
{
  static const guint64 tos[] = { 100000, 99991, 65536, 30029, 31 };
  static const guint64 froms[] = { 0, 7, 31, 2, 29, 103, 7680, 65521 };
  const guint64 limit = 100000;
  /* the first few of each set always, all of them with -m slow */
  const gsize n_tos = g_test_slow () ? G_N_ELEMENTS (tos) : UNDER_SANITIZER ? 1 : 2;
  const gsize n_froms = g_test_slow () ? G_N_ELEMENTS (froms) : UNDER_SANITIZER ? 1 : 3;
  /* Sanitizers look for memory errors and races, not for wrong counts: the
   * plain run sweeps every number, they sample. */
  const guint64 stride = UNDER_SANITIZER && !g_test_slow () ? 17 : 1;
  const guint64 pairs_below = UNDER_SANITIZER && !g_test_slow () ? 120 : 400;
  const guint n_random = UNDER_SANITIZER && !g_test_slow () ? 2000 : 20000;

  g_test_summary ("Ranges with to ≤ 10^5 match a plain sieve");

  apply_config (data);

  for (gsize i = 0; i < n_tos; i++)
    for (guint64 from = 0; from <= tos[i]; from += stride)
      if (count (from, tos[i]) != ref_count (from, tos[i]))
        g_assert_cmpuint (count (from, tos[i]), ==, ref_count (from, tos[i]));

  for (gsize i = 0; i < n_froms; i++)
    for (guint64 to = froms[i]; to <= limit; to += stride)
      if (count (froms[i], to) != ref_count (froms[i], to))
        g_assert_cmpuint (count (froms[i], to), ==, ref_count (froms[i], to));

  for (guint64 from = 0; from < pairs_below; from++)
    for (guint64 to = from; to < pairs_below; to++)
      if (count (from, to) != ref_count (from, to))
        g_assert_cmpuint (count (from, to), ==, ref_count (from, to));

  for (guint i = 0; i < n_random; i++)
    {
      guint64 a = (guint64) g_test_rand_int_range (0, (gint32) limit + 1);
      guint64 b = (guint64) g_test_rand_int_range (0, (gint32) limit + 1);
      guint64 from = MIN (a, b), to = MAX (a, b);

      if (count (from, to) != ref_count (from, to))
        g_assert_cmpuint (count (from, to), ==, ref_count (from, to));
    }
}

/* Edges: multiples of 30 (wheel bytes), of 240 (64-bit words), of 30 × 2^k
 * (blocks and segments of every size the engine may pick). */
static void
test_boundaries (gconstpointer data)
{
  const guint64 end = REF_N - 1;
  g_autoptr(GArray) edges = g_array_new (FALSE, FALSE, sizeof (guint64));
  static const gint64 deltas[] = { -31, -30, -29, -2, -1, 0, 1, 2, 29, 30, 31 };

  g_test_summary ("Ranges starting or ending at wheel, word, block and segment edges");

  apply_config (data);

  for (guint k = 0; k <= 20; k++)
    for (guint64 m = 1; m <= 3; m++)
      {
        guint64 e = (guint64) 30 * m << k;

        for (gsize d = 0; d < G_N_ELEMENTS (deltas); d++)
          {
            gint64 v = (gint64) e + deltas[d];

            if (v >= 0 && (guint64) v <= end)
              g_array_append_val (edges, v);
          }
      }

  for (guint i = 0; i < edges->len; i++)
    {
      guint64 e = g_array_index (edges, guint64, i);

      if (e < (1 << 22) || g_test_slow ())
        g_assert_cmpuint (count (0, e), ==, ref_count (0, e));
      if (e > end - (1 << 22) || g_test_slow ())
        g_assert_cmpuint (count (e, end), ==, ref_count (e, end));
      g_assert_cmpuint (count (e, e), ==, ref_count (e, e));
      if (e + 1000 <= end)
        g_assert_cmpuint (count (e, e + 1000), ==, ref_count (e, e + 1000));
      if (e >= 1000)
        g_assert_cmpuint (count (e - 1000, e), ==, ref_count (e - 1000, e));
    }

  /* ranges one or two segments long, give or take a number, with the
   * segments in use (as far as the reference sieve reaches) */
  for (guint64 k = 1; k <= 2; k++)
    for (gint64 d = -1; d <= 1; d++)
      {
        guint64 seg = ub_primes_get_segment_numbers (0, end);
        guint64 e = (guint64) ((gint64) (seg * k) + d);

        if (e + 31 > end)
          {
            g_test_message ("segments of %" G_GUINT64_FORMAT " numbers: %" G_GUINT64_FORMAT
                            " is past the reference sieve", seg, e);
            continue;
          }
        g_assert_cmpuint (count (0, e), ==, ref_count (0, e));
        g_assert_cmpuint (count (31, e + 31), ==, ref_count (31, e + 31));
      }

  /* single numbers: primes, composites, 0, 1, 2 */
  for (guint64 n = 0; n < 1000; n++)
    g_assert_cmpuint (count (n, n), ==, !ref_composite[n]);
  g_assert_cmpuint (count (0, 0), ==, 0);
  g_assert_cmpuint (count (1, 1), ==, 0);
  g_assert_cmpuint (count (2, 2), ==, 1);
  g_assert_cmpuint (count (0, 2), ==, 1);
  g_assert_cmpuint (count (16777213, 16777213), ==, 1);   /* prime */
  g_assert_cmpuint (count (16777215, 16777215), ==, 0);
  g_assert_cmpuint (count (G_GUINT64_CONSTANT (4294967291), G_GUINT64_CONSTANT (4294967291)), ==, 1);
  g_assert_cmpuint (count (G_GUINT64_CONSTANT (4294967297), G_GUINT64_CONSTANT (4294967297)), ==, 0);
  /* the square of the largest sieving prime */
  if (g_test_slow ())
    g_assert_cmpuint (count (G_GUINT64_CONSTANT (18446744030759878681),   /* 4294967291² */
                             G_GUINT64_CONSTANT (18446744030759878681)), ==, 0);
}

/* Random short ranges at large offsets against Miller–Rabin. */
static void
test_random_large_offsets (gconstpointer data)
{
  guint n_ranges = g_test_slow () ? 200 : 40;

  g_test_summary ("Short ranges at offsets up to 10^15 match Miller–Rabin");

  apply_config (data);

  for (guint i = 0; i < n_ranges; i++)
    {
      guint exp = (guint) g_test_rand_int_range (7, 16);
      guint64 scale = 1;
      guint64 from, to, expected = 0, n_counted = 0;
      g_autoptr(GArray) primes = NULL;
      guint j = 0;

      for (guint e = 0; e < exp; e++)
        scale *= 10;
      from = scale + ((guint64) g_test_rand_int () << 20 ^ (guint64) g_test_rand_int ()) % scale;
      to = from + (guint64) g_test_rand_int_range (0, 5000);

      primes = enumerate (from, to, &n_counted);
      for (guint64 n = from; n <= to; n++)
        if (is_prime_mr (n))
          {
            expected++;
            g_assert_cmpuint (j, <, primes->len);
            g_assert_cmpuint (g_array_index (primes, guint64, j), ==, n);
            j++;
          }
      g_assert_cmpuint (n_counted, ==, expected);
      g_assert_cmpuint (count (from, to), ==, expected);
    }
}

/* Short ranges high up are sieved with small primes and confirmed with
 * Miller–Rabin; longer ones are sieved with all primes up to their square
 * root. Both ways must agree on every sub-range. */
static void
test_short_vs_long (gconstpointer data)
{
  static const guint64 offsets[] = {
    G_GUINT64_CONSTANT (1000000000000000),
    G_GUINT64_CONSTANT (1234567890123456789),
  };

  g_test_summary ("Short ranges at large offsets agree with the long range around them");

  apply_config (data);

  for (gsize i = 0; i < G_N_ELEMENTS (offsets); i++)
    {
      guint64 from = offsets[i];
      guint64 width = i == 0 ? 600000 : 60000000;
      guint64 n_counted = 0;
      g_autoptr(GArray) primes = NULL;

      if (i == 1 && !g_test_slow ())
        continue;
      primes = enumerate (from, from + width, &n_counted);

      for (guint k = 0; k < 30; k++)
        {
          guint64 a = from + (guint64) g_test_rand_int_range (0, (gint32) width);
          guint64 len = (guint64) g_test_rand_int_range (0, 20000);
          guint64 b = MIN (a + len, from + width);
          guint64 expected = 0;

          for (guint j = 0; j < primes->len; j++)
            {
              guint64 p = g_array_index (primes, guint64, j);

              expected += p >= a && p <= b;
            }
          g_assert_cmpuint (count (a, b), ==, expected);
        }
    }
}

/* ---- enumeration ------------------------------------------------------ */

static void
test_enumerate (gconstpointer data)
{
  static const guint64 ranges[][2] = {
    { 0, 10000000 }, { 0, 0 }, { 0, 2 }, { 2, 5 }, { 6, 6 }, { 7, 7 },
    { 1000003, 9000017 }, { 30 << 18, (30 << 19) + 7 }, { 5, 200 },
  };

  g_test_summary ("Enumeration gives exactly the primes, in increasing order");

  apply_config (data);

  for (gsize i = 0; i < G_N_ELEMENTS (ranges); i++)
    {
      guint64 from = ranges[i][0], to = ranges[i][1], n_counted = 0;
      g_autoptr(GArray) primes = enumerate (from, to, &n_counted);
      guint j = 0;

      g_assert_cmpuint (n_counted, ==, ref_count (from, to));
      g_assert_cmpuint (count (from, to), ==, n_counted);
      for (guint64 n = from; n <= to; n++)
        if (!ref_composite[n])
          g_assert_cmpuint (g_array_index (primes, guint64, j++), ==, n);
      g_assert_cmpuint (j, ==, primes->len);
    }
}

/* ---- progress, cancellation, resuming --------------------------------- */

typedef struct
{
  GCancellable *cancellable;
  guint         calls;
  guint         cancel_at;
  guint64       last_done;
  guint64       total;
  Collect       collect;
} Run;

static void
on_progress (guint64  done,
             guint64  total,
             gpointer user_data)
{
  Run *run = user_data;

  g_assert_cmpuint (done, >, run->last_done);
  g_assert_cmpuint (done, <=, total);
  run->last_done = done;
  run->total = total;
  if (++run->calls == run->cancel_at)
    g_cancellable_cancel (run->cancellable);
}

static void
on_primes (const guint64 *primes,
           gsize          n,
           gpointer       user_data)
{
  Run *run = user_data;

  collect_primes (primes, n, &run->collect);
}

static void
test_progress (gconstpointer data)
{
  UbPrimesRecord record;
  Run run = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("Progress grows after each segment and ends at the total");

  apply_config (data);

  ub_primes_record_init (&record, 1000, 100000000);
  g_assert_true (ub_primes_run (&record, NULL, on_progress, &run, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (run.calls, >, 1);
  g_assert_cmpuint (run.total, ==, 100000000 - 1000 + 1);
  g_assert_cmpuint (run.last_done, ==, run.total);
  g_assert_cmpuint (record.count, ==, 5761455 - 168);

  /* the full 2^64 saturates instead of wrapping */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    Run full = { cancellable, 0, 1, 0, 0, { 0 } };

    ub_primes_record_init (&record, 0, TOP);
    g_assert_false (ub_primes_run (&record, NULL, on_progress, &full, cancellable, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_cmpuint (full.total, ==, G_MAXUINT64);
    g_assert_cmpuint (full.last_done, ==, record.next);
  }
}

static void
test_cancel (gconstpointer data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  UbPrimesRecord record;
  Run run = { cancellable, 0, 3, 0, 0, { 0 } };
  guint64 to, whole;

  g_test_summary ("Cancelling from the progress callback stops at a segment "
                  "boundary with a record that resumes to the exact count");

  apply_config (data);

  /* Six segments: the third is not the last. */
  to = 10 + 6 * ub_primes_get_segment_numbers (10, G_MAXUINT64 / 2) - 1;
  whole = count (10, to);
  ub_primes_record_init (&record, 10, to);
  g_assert_false (ub_primes_run (&record, NULL, on_progress, &run, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  g_assert_cmpuint (run.calls, ==, 3);
  g_assert_false (record.done);
  g_assert_cmpuint (record.from, ==, 10);
  g_assert_cmpuint (record.to, ==, to);
  g_assert_cmpuint (record.next, >, 10);
  g_assert_cmpuint (record.next, <, to);
  g_assert_cmpuint (record.next - 10, ==, run.last_done);
  if (record.next < REF_N)
    g_assert_cmpuint (record.count, ==, ref_count (10, record.next - 1));

  /* cancelled before the start: nothing moves */
  {
    UbPrimesRecord copy = record;

    g_assert_false (ub_primes_run (&record, NULL, NULL, NULL, cancellable, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
    assert_records_equal (&copy, &record);
  }

  g_assert_true (ub_primes_run (&record, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (record.done);
  g_assert_cmpuint (record.count, ==, whole);

  /* running a finished record again changes nothing */
  g_assert_true (ub_primes_run (&record, NULL, NULL, NULL, NULL, &error));
  g_assert_cmpuint (record.count, ==, whole);
}

/* Stops after every few segments, saves the record as a GVariant, reads it
 * back and carries on: the counts and the enumerated primes equal those of
 * an uninterrupted run. */
static void
resume_in_steps (guint64 from,
                 guint64 n_segments,
                 guint   step)
{
  guint64 to = from + ub_primes_get_segment_numbers (from, G_MAXUINT64 / 2) * n_segments - 1;
  g_autoptr(GError) error = NULL;
  UbPrimesRecord record;
  guint64 n_counted = 0;
  g_autoptr(GArray) whole = enumerate (from, to, &n_counted);
  g_autoptr(GArray) pieces = g_array_new (FALSE, FALSE, sizeof (guint64));
  Collect collect = { pieces, 0, 0, FALSE, 0 };
  guint n_stops = 0;

  ub_primes_record_init (&record, from, to);
  while (!record.done)
    {
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      g_autoptr(GVariant) saved = NULL;
      Run run = { cancellable, 0, step, 0, 0, collect };
      gboolean finished;

      finished = ub_primes_run (&record, on_primes, on_progress, &run, cancellable, &error);
      collect = run.collect;
      if (!finished)
        {
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
          g_clear_error (&error);
          n_stops++;
          /* everything below next was delivered, nothing above */
          g_assert_cmpuint (collect.n, ==, record.count);
          if (collect.any)
            g_assert_cmpuint (collect.last, <, record.next);
        }

      saved = ub_primes_record_to_variant (&record);
      memset (&record, 0xaa, sizeof record);
      g_assert_true (ub_primes_record_from_variant (saved, &record, &error));
      g_assert_no_error (error);
    }

  /* A stop every @step segments; the last segment finishes instead. */
  g_assert_cmpuint (n_stops, >=, (n_segments - 1) / step);
  g_assert_cmpuint (record.count, ==, n_counted);
  g_assert_cmpuint (pieces->len, ==, whole->len);
  g_assert_cmpmem (pieces->data, pieces->len * sizeof (guint64),
                   whole->data, whole->len * sizeof (guint64));
}

static void
test_resume (gconstpointer data)
{
  g_test_summary ("Resuming from saved records at several points equals an "
                  "uninterrupted run");

  apply_config (data);

  resume_in_steps (0, 4, 1);
  resume_in_steps (7, 5, 2);
  resume_in_steps (G_GUINT64_CONSTANT (1000000000000), 7, 3);
}

static void
test_record_variant (gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  UbPrimesRecord record, back;
  static const char *bad[] = {
    "(uint64 10, uint64 5, uint64 10, uint64 0, false)",     /* from > to */
    "(uint64 10, uint64 50, uint64 9, uint64 0, false)",     /* next < from */
    "(uint64 10, uint64 50, uint64 51, uint64 0, false)",    /* next > to */
    "(uint64 10, uint64 50, uint64 20, uint64 11, false)",   /* count > numbers */
    "(uint64 10, uint64 50, uint64 50, uint64 42, true)",    /* count > numbers */
    "(uint64 0, uint64 999999, uint64 999999, uint64 0, true)",         /* too few */
    "(uint64 0, uint64 999999, uint64 999999, uint64 400000, true)",    /* too many */
    "(uint64 0, uint64 9999999, uint64 5000000, uint64 100, false)",    /* too few so far */
    "(uint64 10, uint64 50, uint64 20, uint64 1)",           /* wrong type */
    "(10, 50, 20, 1, false)",                                /* wrong type */
  };

  g_test_summary ("Records survive a GVariant round trip; corrupt ones are refused");

  apply_config (data);

  /* π(12344) − π(2) = 1473: a count the range can hold. */
  record = (UbPrimesRecord) { 3, TOP, 12345, 1473, FALSE };
  {
    g_autoptr(GVariant) v = ub_primes_record_to_variant (&record);

    g_assert_false (g_variant_is_floating (v));
    g_assert_true (ub_primes_record_from_variant (v, &back, &error));
    g_assert_no_error (error);
    assert_records_equal (&record, &back);
  }

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GVariant) v = g_variant_ref_sink (g_variant_parse (NULL, bad[i], NULL, NULL, NULL));

      back = record;
      g_assert_false (ub_primes_record_from_variant (v, &back, &error));
      g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
      g_clear_error (&error);
      assert_records_equal (&record, &back);
    }
}

/* ---- splitting -------------------------------------------------------- */

static void
check_split (guint64 from,
             guint64 to,
             guint   n_parts)
{
  g_autofree UbPrimesRange *ranges = NULL;
  guint n = 0;

  ranges = ub_primes_split (from, to, n_parts, &n);
  g_assert_cmpuint (n, >=, 1);
  g_assert_cmpuint (n, <=, n_parts);
  g_assert_cmpuint (ranges[0].from, ==, from);
  g_assert_cmpuint (ranges[n - 1].to, ==, to);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpuint (ranges[i].from, <=, ranges[i].to);
      if (i > 0)
        {
          g_assert_cmpuint (ranges[i].from, ==, ranges[i - 1].to + 1);
          g_assert_cmpuint (ranges[i].from % 30, ==, 0);
        }
    }
  if (to - from >= (guint64) 30 * n_parts * 2)
    g_assert_cmpuint (n, ==, n_parts);
}

typedef struct
{
  UbPrimesRecord record;
  GThread       *thread;
} Part;

static gpointer
run_part (gpointer data)
{
  Part *part = data;

  if (!ub_primes_run (&part->record, NULL, NULL, NULL, NULL, NULL))
    return GINT_TO_POINTER (1);
  return NULL;
}

static guint64
count_split (guint64  from,
             guint64  to,
             guint    n_parts,
             gboolean threads)
{
  g_autofree UbPrimesRange *ranges = ub_primes_split (from, to, n_parts, &n_parts);
  g_autofree Part *parts = g_new0 (Part, n_parts);
  g_autofree UbPrimesRecord *records = g_new0 (UbPrimesRecord, n_parts);
  g_autoptr(GError) error = NULL;
  UbPrimesRecord merged;

  for (guint i = 0; i < n_parts; i++)
    {
      ub_primes_record_init (&parts[i].record, ranges[i].from, ranges[i].to);
      if (threads)
        parts[i].thread = g_thread_new ("test-primes", run_part, &parts[i]);
      else
        g_assert_null (run_part (&parts[i]));
    }
  for (guint i = 0; i < n_parts; i++)
    {
      if (threads)
        g_assert_null (g_thread_join (parts[i].thread));
      records[i] = parts[i].record;
    }

  g_assert_true (ub_primes_merge (records, n_parts, &merged, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (merged.from, ==, from);
  g_assert_cmpuint (merged.to, ==, to);
  g_assert_true (merged.done);

  if (n_parts >= 2)
    {
      /* a gap or an unfinished part is refused */
      records[1].from++;
      g_assert_false (ub_primes_merge (records, n_parts, &merged, &error));
      g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
      g_clear_error (&error);
      records[1].from--;
      records[0].done = FALSE;
      g_assert_false (ub_primes_merge (records, n_parts, &merged, &error));
      g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
    }

  return merged.count;
}

static void
test_split (gconstpointer data)
{
  static const guint64 ranges[][2] = {
    { 0, 0 }, { 0, 100 }, { 5, 1000 }, { 0, 100000000 }, { 123457, 98765431 },
    { G_GUINT64_CONSTANT (1000000000000), G_GUINT64_CONSTANT (1000050000000) },
    { TOP - 1000, TOP }, { 0, TOP },
  };

  g_test_summary ("Splitting across N parts, in threads or not, equals one part");

  apply_config (data);

  for (gsize i = 0; i < G_N_ELEMENTS (ranges); i++)
    for (guint n = 1; n <= 9; n++)
      check_split (ranges[i][0], ranges[i][1], n);

  for (gsize i = 0; i < 6; i++)
    {
      guint64 from = ranges[i][0], to = ranges[i][1];
      guint64 whole;

      /* the two widest low ranges take most of a minute under a sanitizer */
      if (UNDER_SANITIZER && !g_test_slow () && (i == 3 || i == 4))
        continue;
      whole = count (from, to);

      g_assert_cmpuint (count_split (from, to, 1, FALSE), ==, whole);
      g_assert_cmpuint (count_split (from, to, 4, FALSE), ==, whole);
      g_assert_cmpuint (count_split (from, to, 2, TRUE), ==, whole);
      g_assert_cmpuint (count_split (from, to, 3, TRUE), ==, whole);
    }
}

/* Bits: which configurations a case runs in. */
#define CPU      (1u << 0)
#define PORTABLE (1u << 1)
#define PINNED   (1u << 2 | 1u << 3)

static const struct
{
  const char        *path;
  GTestDataFunc      func;
  guint              configs;
} tests[] = {
  { "count/pi-10^k", test_pi_powers_of_ten, CPU },
  { "count/top-of-range", test_top_of_range, CPU },
  { "count/known-ranges", test_known_ranges, CPU },
  { "count/small-ranges", test_small_ranges, CPU | PORTABLE },
  { "count/boundaries", test_boundaries, CPU | PORTABLE | PINNED },
  { "count/random-large-offsets", test_random_large_offsets, CPU },
  { "count/short-vs-long", test_short_vs_long, CPU },
  { "enumerate/in-order", test_enumerate, CPU | PORTABLE | PINNED },
  { "run/progress", test_progress, CPU | PINNED },
  { "run/cancel", test_cancel, PINNED },
  { "run/resume", test_resume, PINNED },
  { "record/variant", test_record_variant, CPU },
  { "split/threads", test_split, CPU },
};

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  ref_init ();

  for (gsize i = 0; i < G_N_ELEMENTS (tests); i++)
    for (gsize c = 0; c < G_N_ELEMENTS (configs); c++)
      {
        g_autofree char *path = NULL;

        /* Sizes matter to the cases that walk segments; POPCNT to those
         * that count. The heaviest counts run once, on this CPU's own. */
        if (!(tests[i].configs & (1u << c)))
          continue;
        /* Under a sanitizer, one pinned size (the small one, with the most
         * segments) and the portable count where it counts the most. */
        if (UNDER_SANITIZER && !g_test_slow () &&
            (c == 3 || (c == 1 && tests[i].func == test_boundaries)))
          continue;
        path = g_strdup_printf ("/primes/%s/%s", configs[c].name, tests[i].path);
        g_test_add_data_func (path, &configs[c], tests[i].func);
      }

  return g_test_run ();
}
