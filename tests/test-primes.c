/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "test-primes-common.h"

/*
 * Tests of the prime sieve engine (workers/jobs/primes/ub-primes.c): counts
 * against known values and against a trivially correct reference sieve,
 * the edges of wheel bytes, words and segments, and enumeration. Runs,
 * resuming and splitting: test-primes-run.c.
 */

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

/* The sieving primes change tier at multiples of the segment (S bytes, 30 S
 * numbers): the unrolled loops below S / 2, sorted lists of loops below
 * 4 S, buckets above. A prime on either side of each edge, and of S and
 * 8 S for good measure, must cross off its multiples from p² on through
 * the segments after: none of them may come out as a prime, every number
 * enumerated must pass Miller–Rabin, and the count must not depend on
 * where the range is cut. */
static void
test_tier_edges (gconstpointer data)
{
  static const struct { guint num, den; } edges[] = {
    { 1, 2 }, { 1, 1 }, { 4, 1 }, { 8, 1 },
  };

  g_test_summary ("Sieving primes at the edges of the tiers cross off all their multiples");

  apply_config (data);

  for (gsize i = 0; i < G_N_ELEMENTS (edges); i++)
    for (gint side = -1; side <= 1; side += 2)
      {
        /* S from a range as high as the one tested, which it is not far
         * from: the segment shrinks only for short ranges */
        guint64 seg = ub_primes_get_segment_numbers (G_GUINT64_CONSTANT (1) << 40,
                                                     G_GUINT64_CONSTANT (1) << 41) / 30;
        guint64 limit = seg * edges[i].num / edges[i].den;
        guint64 p = side < 0 ? limit : limit + 1;
        guint64 from, to, n_counted = 0, cut;
        g_autoptr(GArray) primes = NULL;
        gsize j = 0, n_checked = 0;

        while (!is_prime_mr (p))
          p += side;
        from = p * p - 1000;
        to = p * p + 4 * 30 * seg;
        g_test_message ("p = %" G_GUINT64_FORMAT " (%s %u/%u S), [%" G_GUINT64_FORMAT
                        ", %" G_GUINT64_FORMAT "]", p, side < 0 ? "<=" : ">",
                        edges[i].num, edges[i].den, from, to);
        g_assert_cmpuint (ub_primes_get_segment_numbers (from, to) / 30, ==, seg);

        primes = enumerate (from, to, &n_counted);
        /* no multiple p q, q ≥ p, is among the primes */
        for (guint64 m = p * p; m <= to; m += 2 * p)
          {
            while (j < primes->len && g_array_index (primes, guint64, j) < m)
              j++;
            g_assert_true (j == primes->len || g_array_index (primes, guint64, j) != m);
            n_checked++;
          }
        g_assert_cmpuint (n_checked, >=, 2);
        /* nothing crossed off that should not be, spot-checked */
        for (guint k = 0; k < primes->len; k += 1 + primes->len / 2000)
          g_assert_true (is_prime_mr (g_array_index (primes, guint64, k)));
        {
          guint64 expected = 0;

          for (guint64 n = from; n <= from + 3000; n++)
            expected += is_prime_mr (n);
          g_assert_cmpuint (count (from, from + 3000), ==, expected);
        }
        cut = from + (guint64) g_test_rand_int_range (1, (gint32) MIN (to - from, G_MAXINT32));
        g_assert_cmpuint (count (from, cut) + count (cut + 1, to), ==, n_counted);
      }
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

/* Right below 2^64 the sieve proper needs every prime below 2^32: short
 * ranges there go through it only when told to. Their counts must match
 * an independent Miller–Rabin count of every number, and the engine's own
 * Miller–Rabin path. */
static void
test_sieve_near_top (gconstpointer data)
{
  static const struct { guint64 to; guint64 width; } ranges[] = {
    { TOP, 200000 },
    /* not aligned to a byte of 30 numbers, 2^33 below the top */
    { TOP - (G_GUINT64_CONSTANT (1) << 33) - 12345, 150007 },
  };

  g_test_summary ("Short ranges below 2^64 sieved with every prime up to 2^32 "
                  "count as Miller–Rabin does");

  apply_config (data);

  /* Placing the 203 million primes below 2^32 takes minutes under
   * ThreadSanitizer, which has no threads to look at here. */
  if (UNDER_TSAN && !g_test_slow ())
    {
      g_test_skip ("too slow under ThreadSanitizer; run with -m slow");
      return;
    }

  for (gsize i = 0; i < G_N_ELEMENTS (ranges); i++)
    {
      guint64 to = ranges[i].to;
      guint64 from = to - ranges[i].width + 1;
      guint64 expected = 0;
      guint64 sieved, confirmed;

      /* A sanitizer run checks memory, not counts: one range does. */
      if (i > 0 && UNDER_SANITIZER && !g_test_slow ())
        break;
      for (guint64 n = from; ; n++)
        {
          expected += is_prime_mr (n);
          if (n == to)
            break;
        }
      ub_primes_set_sieve_only (TRUE);
      sieved = count (from, to);
      ub_primes_set_sieve_only (FALSE);
      confirmed = count (from, to);
      g_test_message ("[%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT "]: %"
                      G_GUINT64_FORMAT " primes", from, to, expected);
      g_assert_cmpuint (expected, >, 0);
      g_assert_cmpuint (sieved, ==, expected);
      g_assert_cmpuint (confirmed, ==, expected);
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

/* ---- windows under a memory limit ------------------------------------ */

/* Known counts from primesieve, at heights where the bucket tier holds
 * most sieving primes. */
static const struct { guint64 from; guint64 to; guint64 n; } window_ranges[] = {
  { G_GUINT64_CONSTANT (100000000012345), G_GUINT64_CONSTANT (100001000000678), 31019063 },
  { G_GUINT64_CONSTANT (1000000000000000), G_GUINT64_CONSTANT (1000000300000000), 8683939 },
};

static void
test_windowed (gconstpointer data)
{
  g_test_summary ("A memory limit too small for the buckets sieves window by "
                  "window, with the counts and primes of the unbounded run");

  apply_config (data);

  for (gsize i = 0; i < G_N_ELEMENTS (window_ranges); i++)
    {
      guint64 from = window_ranges[i].from, to = window_ranges[i].to;
      guint64 seg = ub_primes_get_segment_numbers (from, to);
      guint64 unbounded, windowed;

      ub_primes_set_memory_limit (0);
      g_assert_cmpuint (ub_primes_get_window_numbers (from, to), >, to - from);
      unbounded = count (from, to);

      /* One segment a window: the sieving primes are made again for each. */
      ub_primes_set_memory_limit (1);
      g_assert_cmpuint (ub_primes_get_window_numbers (from, to), ==, seg);
      g_assert_cmpuint (seg, <, (to - from) / 4);
      windowed = count (from, to);
      ub_primes_set_memory_limit (0);

      g_assert_cmpuint (unbounded, ==, window_ranges[i].n);
      g_assert_cmpuint (windowed, ==, window_ranges[i].n);
    }

  /* The primes themselves, in order, over a few windows of a range that
   * starts and ends inside wheel bytes. */
  {
    guint64 from = window_ranges[1].from + 7;
    guint64 to = from + 3 * ub_primes_get_segment_numbers (from, from + 40000000) + 11;
    guint64 n_unbounded = 0, n_windowed = 0;
    g_autoptr(GArray) unbounded = enumerate (from, to, &n_unbounded);
    g_autoptr(GArray) windowed = NULL;

    ub_primes_set_memory_limit (1);
    g_assert_cmpuint (ub_primes_get_window_numbers (from, to), <, to - from);
    windowed = enumerate (from, to, &n_windowed);
    ub_primes_set_memory_limit (0);

    g_assert_cmpuint (n_windowed, ==, n_unbounded);
    g_assert_cmpuint (windowed->len, ==, unbounded->len);
    g_assert_cmpmem (windowed->data, windowed->len * sizeof (guint64),
                     unbounded->data, unbounded->len * sizeof (guint64));
  }
}

/* Right below 2^64 every window makes the 203 million primes below 2^32
 * again: a few windows take a few seconds. */
static void
test_windowed_near_top (gconstpointer data)
{
  const guint64 from = TOP - 100000000;
  guint64 window;

  g_test_summary ("Right below 2^64, a count in windows under a memory limit "
                  "equals primesieve's");

  apply_config (data);

  if (!g_test_slow ())
    {
      g_test_skip ("a pass over the primes below 2^32 per window; run with -m slow");
      return;
    }

  ub_primes_set_sieve_only (TRUE);
  ub_primes_set_memory_limit (32 * 1024 * 1024);
  window = ub_primes_get_window_numbers (from, TOP);
  g_test_message ("windows of %" G_GUINT64_FORMAT " numbers", window);
  g_assert_cmpuint (window, <, TOP - from);
  g_assert_cmpuint (count (from, TOP), ==, 2253052);
  ub_primes_set_memory_limit (0);
  ub_primes_set_sieve_only (FALSE);
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

static const PrimesCase cases[] = {
  { "count/pi-10^k", test_pi_powers_of_ten, CPU },
  { "count/top-of-range", test_top_of_range, CPU },
  { "count/known-ranges", test_known_ranges, CPU },
  { "count/small-ranges", test_small_ranges, CPU | PORTABLE },
  { "count/boundaries", test_boundaries, CPU | PORTABLE | PINNED, PORTABLE },
  { "count/tier-edges", test_tier_edges, CPU | PINNED },
  { "count/random-large-offsets", test_random_large_offsets, CPU },
  { "count/short-vs-long", test_short_vs_long, CPU },
  { "count/sieve-near-top", test_sieve_near_top, CPU },
  { "count/windowed", test_windowed, CPU | PINNED },
  { "count/windowed-near-top", test_windowed_near_top, CPU },
  { "enumerate/in-order", test_enumerate, CPU | PORTABLE | PINNED },
};

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  ref_init ();
  add_cases (cases, G_N_ELEMENTS (cases));
  return g_test_run ();
}
