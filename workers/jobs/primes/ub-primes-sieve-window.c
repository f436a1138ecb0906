/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "ub-primes-sieve-window.h"

/* Bytes the buckets of one sieve may hold, set by
 * ub_primes_set_memory_limit(); 0 means the default. Read by every new
 * sieve, written at any time: atomic. */
static gsize memory_limit;

void
_ub_sieve_set_memory_limit (gsize bytes)
{
  g_atomic_pointer_set (&memory_limit, bytes);
}

gsize
_ub_sieve_get_memory_limit (void)
{
  gsize limit = (gsize) g_atomic_pointer_get (&memory_limit);

  return limit != 0 ? limit : UB_SIEVE_DEFAULT_MEMORY_LIMIT;
}

/* Bucket entries and blocks, from ub-primes-bucket.c. */
#define ENTRY_BYTES 8
#define BLOCK_BYTES 8192

/*
 * An estimate from above of the bytes the buckets hold at the start of a
 * window of @window_numbers numbers spread over @n_window_segs segments,
 * the bucket primes being those in (@bucket_min, @plimit]. A prime p has
 * an entry when one of its multiples p q, q coprime to 210, lies in the
 * window: q runs over W / p consecutive numbers, 48 in 210 of them
 * coprime, so the chance is at most min (1, 48 W / 210 p). The sum over
 * the primes is the integral of that over the density 1 / ln t of the
 * primes, taken numerically in u = ln t. Each bucket also has one block
 * partly filled.
 */
double
_ub_sieve_window_bucket_bytes (guint64 window_numbers,
                               guint64 n_window_segs,
                               guint64 bucket_min,
                               guint64 plimit)
{
  const int steps = 512;
  double cw = (double) window_numbers * 48.0 / 210.0;
  double u0, u1, du, entries = 0;

  if (plimit <= bucket_min)
    return 0;
  u0 = log ((double) MAX (bucket_min, 2));
  u1 = log ((double) plimit);
  du = (u1 - u0) / steps;
  for (int i = 0; i < steps; i++)
    {
      double u = u0 + (i + 0.5) * du;
      double t = exp (u);

      entries += MIN (1.0, cw / t) * t / u * du;
    }
  return entries * ENTRY_BYTES + (double) (n_window_segs + 1) * BLOCK_BYTES;
}

/*
 * How many of the @n_segs segments of @seg_bytes bytes (30 numbers each)
 * a window takes so that the buckets stay under the memory limit: all of
 * them when they fit, else the most that do, at least one.
 */
guint64
_ub_sieve_window_segments (guint64 n_segs,
                           gsize   seg_bytes,
                           guint64 bucket_min,
                           guint64 plimit)
{
  /* A sixteenth of the limit is left for the rest: the segment, the
   * sieves that make the sieving primes, their buffers, the blocks'
   * slack. A thirty-second was measured to leave a run right below 2^64
   * 2 % over 256 MiB. */
  double limit = (double) _ub_sieve_get_memory_limit () * (15.0 / 16.0);
  double numbers = (double) seg_bytes * 30.0;
  guint64 lo = 1, hi = n_segs;

  if (_ub_sieve_window_bucket_bytes ((guint64) MIN (numbers * (double) n_segs, 1.8e19),
                                     n_segs, bucket_min, plimit) <= limit)
    return n_segs;
  /* The estimate grows with the window: the largest that fits. */
  while (lo < hi)
    {
      guint64 mid = lo + (hi - lo + 1) / 2;

      if (_ub_sieve_window_bucket_bytes ((guint64) (numbers * (double) mid), mid,
                                         bucket_min, plimit) <= limit)
        lo = mid;
      else
        hi = mid - 1;
    }
  return lo;
}
