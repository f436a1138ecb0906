/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <pthread.h>

#include <math.h>

#include "ub-primes-sieve-window.h"

/* Bytes the buckets of all sieves together may hold, set by
 * ub_primes_set_memory_limit(); 0 means the default. Read at every window,
 * written at any time: atomic. */
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

/* Bucket entries, blocks and slabs, from ub-primes-bucket.c. */
#define ENTRY_BYTES 8
#define BLOCK_BYTES 8192
#define SLAB_BYTES (64 * BLOCK_BYTES)

/*
 * An estimate from above of the bytes the buckets hold at the start of a
 * window of @window_numbers numbers spread over @n_window_segs segments,
 * the bucket primes being those in (@bucket_min, @plimit]. A prime p has
 * an entry when one of its multiples p q, q coprime to 210, lies in the
 * window: q runs over W / p consecutive numbers, 48 in 210 of them
 * coprime, so the chance is at most min (1, 48 W / 210 p). The sum over
 * the primes is the integral of that over the density 1 / ln t of the
 * primes, taken numerically in u = ln t. Each bucket also has one block
 * partly filled, and the blocks come in slabs: one slab partly used.
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
  return entries * ENTRY_BYTES + (double) (n_window_segs + 1) * BLOCK_BYTES + SLAB_BYTES;
}

/*
 * How many of the @n_segs segments of @seg_bytes bytes (30 numbers each)
 * ahead a window takes so that its buckets fit in @budget bytes: all of
 * them when they fit, else the most that do, 0 when not even one does.
 * *@bytes is the estimate for that window.
 */
guint64
_ub_sieve_window_segments (guint64  n_segs,
                           gsize    seg_bytes,
                           guint64  bucket_min,
                           guint64  plimit,
                           gsize    budget,
                           gsize   *bytes)
{
  double numbers = (double) seg_bytes * 30.0;
  double limit = (double) budget;
  double est;
  guint64 lo = 0, hi = n_segs;

  est = _ub_sieve_window_bucket_bytes ((guint64) MIN (numbers * (double) n_segs, 1.8e19),
                                       n_segs, bucket_min, plimit);
  if (est <= limit)
    {
      *bytes = (gsize) ceil (est);
      return n_segs;
    }
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
  *bytes = lo == 0 ? 0
                   : (gsize) ceil (_ub_sieve_window_bucket_bytes ((guint64) (numbers * (double) lo),
                                                                   lo, bucket_min, plimit));
  return lo;
}

/* ------------------------------------------------------------------ */
/* The process-wide budget                                              */

/*
 * Every sieve with a bucket tier, in every thread of every run, takes the
 * memory of its windows from one pool: 15/16 of the limit, the rest being
 * left for the segments, the sieves that make the sieving primes and the
 * blocks' slack. At the start of each window a sieve gives back what it
 * held and reserves the estimate of its next window, sized to at most
 * its share (the pool over the sieves live at that moment) and to what
 * is free; when not even one segment fits it sieves that segment with no
 * bucket memory at all (ub-primes-sieve.c), so the reservations never
 * pass the pool and progress never waits on another sieve. A sieve that
 * holds more than its share when another joins ends its window early.
 *
 * Owned by this file; every field is written under budget_lock, a
 * pthread mutex (not a GMutex, whose futex ThreadSanitizer cannot see).
 * n_live is also read without the lock, atomically, once a segment.
 */
static pthread_mutex_t budget_lock = PTHREAD_MUTEX_INITIALIZER;
static struct
{
  gint  n_live;           /* sieves with a bucket tier, joined */
  gsize reserved;         /* sum of their reservations */
  gsize held;             /* bucket bytes they hold (slabs allocated) */
  gsize reserved_peak;    /* high-water marks since the last reset */
  gsize held_peak;
} budget;

static gsize
budget_pool (void)
{
  return _ub_sieve_get_memory_limit () / 16 * 15;
}

void
_ub_sieve_budget_join (void)
{
  pthread_mutex_lock (&budget_lock);
  g_atomic_int_inc (&budget.n_live);
  pthread_mutex_unlock (&budget_lock);
}

void
_ub_sieve_budget_leave (gsize reserved)
{
  pthread_mutex_lock (&budget_lock);
  g_assert (budget.reserved >= reserved);
  budget.reserved -= reserved;
  g_atomic_int_add (&budget.n_live, -1);
  pthread_mutex_unlock (&budget_lock);
}

/* What the next window of a joined sieve holding nothing may reserve now:
 * its share, or what is free if less. */
gsize
_ub_sieve_budget_offer (void)
{
  gsize pool = budget_pool ();
  gsize offer;

  pthread_mutex_lock (&budget_lock);
  offer = pool / (gsize) MAX (budget.n_live, 1);
  offer = MIN (offer, pool - MIN (pool, budget.reserved));
  pthread_mutex_unlock (&budget_lock);
  return offer;
}

/* Reserves @bytes if the reservations stay within the pool. */
gboolean
_ub_sieve_budget_reserve (gsize bytes)
{
  gsize pool = budget_pool ();
  gboolean ok;

  pthread_mutex_lock (&budget_lock);
  ok = budget.reserved <= pool && bytes <= pool - budget.reserved;
  if (ok)
    {
      budget.reserved += bytes;
      budget.reserved_peak = MAX (budget.reserved_peak, budget.reserved);
    }
  pthread_mutex_unlock (&budget_lock);
  return ok;
}

void
_ub_sieve_budget_release (gsize bytes)
{
  pthread_mutex_lock (&budget_lock);
  g_assert (budget.reserved >= bytes);
  budget.reserved -= bytes;
  pthread_mutex_unlock (&budget_lock);
}

/* Whether a sieve holding @reserved holds more than its share now. Once a
 * segment: no lock, the count read atomically. */
gboolean
_ub_sieve_budget_over_share (gsize reserved)
{
  gint n_live = g_atomic_int_get (&budget.n_live);

  return reserved > budget_pool () / (gsize) MAX (n_live, 1);
}

/* Bucket memory allocated (@bytes > 0) or freed (< 0), by ub-primes-bucket.c. */
void
_ub_sieve_budget_charge (gssize bytes)
{
  pthread_mutex_lock (&budget_lock);
  g_assert (bytes >= 0 || budget.held >= (gsize) -bytes);
  budget.held += bytes;
  budget.held_peak = MAX (budget.held_peak, budget.held);
  pthread_mutex_unlock (&budget_lock);
}

void
_ub_sieve_budget_get_stats (UbSieveBudgetStats *stats)
{
  pthread_mutex_lock (&budget_lock);
  stats->n_live = (guint) budget.n_live;
  stats->reserved = budget.reserved;
  stats->held = budget.held;
  stats->reserved_peak = budget.reserved_peak;
  stats->held_peak = budget.held_peak;
  pthread_mutex_unlock (&budget_lock);
}

void
_ub_sieve_budget_reset_peaks (void)
{
  pthread_mutex_lock (&budget_lock);
  budget.reserved_peak = budget.reserved;
  budget.held_peak = budget.held;
  pthread_mutex_unlock (&budget_lock);
}
