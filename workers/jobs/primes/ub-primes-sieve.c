/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <pthread.h>

#include <math.h>
#include <string.h>
#include <unistd.h>

#include "ub-primes-bucket.h"
#include "ub-primes-cross.h"
#include "ub-primes-medium.h"
#include "ub-primes-mr.h"
#include "ub-primes-presieve.h"
#include "ub-primes-sieve.h"
#include "ub-primes-sieve-window.h"
#include "ub-primes-wheel.h"

/* ------------------------------------------------------------------ */
/* Tables built once: the primes below 2^16 and the cache sizes.      */

typedef struct
{
  guint32 *small_primes;          /* primes in (UB_PRESIEVE_LAST, 2^16) */
  gsize    n_small_primes;
  gsize    l1_bytes;
  gsize    l2_bytes;
} Tables;

/* Written once by init_tables() under pthread_once, read-only afterwards. */
static Tables *tables;

static gsize
cache_size (int name, gsize fallback)
{
  long v = sysconf (name);

  return v > 0 ? (gsize) v : fallback;
}

static void
init_tables (void)
{
    {
      Tables *t = g_new0 (Tables, 1);
      g_autofree guint8 *composite = g_malloc0 (1u << 16);

      for (guint32 i = 2; i * i < (1u << 16); i++)
        if (!composite[i])
          for (guint32 j = i * i; j < (1u << 16); j += i)
            composite[j] = 1;
      for (guint32 i = UB_PRESIEVE_LAST + 1; i < (1u << 16); i++)
        if (!composite[i])
          t->n_small_primes++;
      t->small_primes = g_new (guint32, t->n_small_primes);
      t->n_small_primes = 0;
      for (guint32 i = UB_PRESIEVE_LAST + 1; i < (1u << 16); i++)
        if (!composite[i])
          t->small_primes[t->n_small_primes++] = i;

#ifdef _SC_LEVEL1_DCACHE_SIZE
      t->l1_bytes = cache_size (_SC_LEVEL1_DCACHE_SIZE, 32 * 1024);
      t->l2_bytes = cache_size (_SC_LEVEL2_CACHE_SIZE, 256 * 1024);
#else
      t->l1_bytes = 32 * 1024;
      t->l2_bytes = 256 * 1024;
#endif

      /* Never freed: the tables live as long as the process. */
      tables = t;
    }
}

/* Cache sizes pinned by ub_primes_set_cache_sizes(), in bytes; 0 means
 * "as the CPU reports". Read by every new sieve, written by tests and
 * benchmarks at any time: atomic. */
static gsize pinned_l1_bytes;
static gsize pinned_l2_bytes;

/* Set by ub_primes_set_portable_only(); atomic. */
static gint portable_only;

/* Set by ub_primes_set_sieve_only(); read by every new sieve; atomic. */
static gint sieve_only;

void
_ub_sieve_set_cache_sizes (gsize l1_bytes,
                           gsize l2_bytes)
{
  g_atomic_pointer_set (&pinned_l1_bytes, l1_bytes);
  g_atomic_pointer_set (&pinned_l2_bytes, l2_bytes);
}

void
_ub_sieve_set_portable_only (gboolean only)
{
  g_atomic_int_set (&portable_only, !!only);
}

void
_ub_sieve_set_sieve_only (gboolean only)
{
  g_atomic_int_set (&sieve_only, !!only);
}

/* pthread_once rather than g_once_init_enter(): ThreadSanitizer sees the
 * ordering it gives, and GLib 2.74's is hidden inside the library. */
static const Tables *
get_tables (void)
{
  static pthread_once_t once = PTHREAD_ONCE_INIT;

  pthread_once (&once, init_tables);
  return tables;
}

/* ------------------------------------------------------------------ */

#define EMIT_BATCH 1024

struct _UbSieve
{
  guint64   from;
  guint64   to;
  guint64   first_byte;       /* from / 30 */
  guint64   last_byte;        /* to / 30 */
  guint64   seg;              /* index of the next segment */
  guint64   n_segs;
  gboolean  done;

  guint     log2_seg;
  gsize     seg_bytes;        /* S */
  gsize     block_bytes;      /* L1-sized block for the small primes */
  guint8   *buf;              /* (owned) S + 64 bytes, 64-aligned */
  guint8   *buf_alloc;        /* (owned) */

  /* Sieving primes up to small_limit: crossed off block by block; up to
   * medium_limit: crossed off over the whole segment with the unrolled
   * loops; up to sorted_limit: by the medium tier, in lists by state;
   * larger ones: by the bucket tier. */
  guint32   small_limit;
  guint32   medium_limit;
  guint32   sorted_limit;
  UbMedium *sorted;           /* (owned) */
  UbSieveEntry *small;        /* (owned) */
  gsize     n_small;
  gsize     small_alloc;
  UbSieveEntry *medium;       /* (owned) */
  gsize     n_medium;
  gsize     medium_alloc;

  /* Larger sieving primes, one multiple at a time, within a window of
   * window_segs segments ending before segment window_end (see
   * ub-primes-sieve-window.h); those filed so far are the primes in
   * (sorted_limit, bucket_hi]. replay: they are still to be filed again
   * for the window that starts at seg. budgeted: the sieve has a bucket
   * tier, is counted in the process-wide budget and holds reserved bytes
   * of it for the window; direct: it holds none, and the window is one
   * segment whose bucket primes are crossed off without being filed.
   * window_segs is 0 until the first window is planned. */
  UbBuckets *buckets;         /* (owned) */
  guint64   window_segs;
  guint64   window_end;
  guint32   bucket_hi;
  gboolean  replay;
  gboolean  budgeted;
  gboolean  direct;
  gsize     reserved;

  /* Where sieving primes come from: the static table or a child sieve. */
  guint64   plimit;           /* isqrt (to), or MR_SIEVE_LIMIT when mr */
  gboolean  mr;               /* survivors are confirmed by Miller–Rabin */
  gboolean  source_done;
  const guint32 *src;         /* (unowned) the table or cbuf: primes not yet */
  gsize     src_n;            /* added are src[src_pos, src_n) */
  gsize     src_pos;
  UbSieve  *child;            /* (owned) (nullable) */
  guint32  *cbuf;             /* (owned) primes from the child */
  gsize     cbuf_n;
  gsize     cbuf_pos;
  gsize     cbuf_alloc;

  guint64   out[EMIT_BATCH];
};

#define MR_SIEVE_LIMIT ((guint64) 1 << 20)

static gboolean use_miller_rabin (guint64 from,
                                  guint64 to,
                                  guint64 plimit);

static guint64
isqrt64 (guint64 n)
{
  guint64 r = (guint64) sqrtl ((long double) n);

  while ((ub_u128) r * r > n)
    r--;
  while ((ub_u128) (r + 1) * (r + 1) <= n)
    r++;
  return r;
}

UbSieve *
_ub_sieve_new (guint64 from,
               guint64 to)
{
  const Tables *t = get_tables ();
  UbSieve *s;
  guint64 span_bytes;
  gsize l1_bytes, l2_bytes;
  gsize want;

  g_return_val_if_fail (from <= to, NULL);

  s = g_new0 (UbSieve, 1);
  s->from = from;
  s->to = to;
  s->first_byte = from / 30;
  s->last_byte = to / 30;
  span_bytes = s->last_byte - s->first_byte + 1;

  l1_bytes = (gsize) g_atomic_pointer_get (&pinned_l1_bytes);
  l2_bytes = (gsize) g_atomic_pointer_get (&pinned_l2_bytes);
  if (l1_bytes == 0)
    l1_bytes = t->l1_bytes;
  if (l2_bytes == 0)
    l2_bytes = t->l2_bytes;

  /* Segment: half the L2 cache, less for short ranges. */
  want = MAX (l2_bytes / 2, 32 * 1024);
  want = MIN (want, 4 * 1024 * 1024);
  s->log2_seg = 15;
  while (((gsize) 1 << (s->log2_seg + 1)) <= want &&
         ((guint64) 1 << s->log2_seg) < span_bytes)
    s->log2_seg++;
  s->seg_bytes = (gsize) 1 << s->log2_seg;
  s->block_bytes = CLAMP (l1_bytes & ~(gsize) 8191, 16 * 1024, 64 * 1024);
  s->block_bytes = MIN (s->block_bytes, s->seg_bytes);
  s->n_segs = (span_bytes - 1) / s->seg_bytes + 1;

  s->buf_alloc = g_malloc (s->seg_bytes + 128);
  s->buf = (guint8 *) (((guintptr) s->buf_alloc + 63) & ~(guintptr) 63);

  s->plimit = isqrt64 (to);
  s->mr = use_miller_rabin (from, to, s->plimit);
  if (s->mr)
    s->plimit = MR_SIEVE_LIMIT;
  /* Measured with the benchmark: the unrolled loops stop paying for
   * their dispatch at about 16 multiples per segment; below that the
   * sorted lists beat one bucket entry per multiple down to about two
   * (4 S: 8 S / p multiples on the mod-30 wheel). */
  s->small_limit = (guint32) s->block_bytes / 4;
  s->medium_limit = (guint32) s->seg_bytes / 2;
  s->sorted_limit = (guint32) s->seg_bytes * 4;
  s->sorted = _ub_medium_new ();

  s->buckets = _ub_buckets_new (s->log2_seg, s->n_segs, s->plimit);
  /* The first window is planned with the first segment. */
  s->budgeted = s->plimit > s->sorted_limit;
  if (s->budgeted)
    _ub_sieve_budget_join ();

  /* Room for the small sieving primes up front: one allocation. */
  {
    double x = (double) MIN (s->plimit, (guint64) s->small_limit) + 16.0;

    s->small_alloc = (gsize) (1.3 * x / log (x)) + 16;
    s->small = g_new (UbSieveEntry, s->small_alloc);
  }

  if (s->plimit < (1u << 16))
    {
      s->src = t->small_primes;
      while (s->src_n < t->n_small_primes && t->small_primes[s->src_n] <= s->plimit)
        s->src_n++;
    }
  else
    {
      s->child = _ub_sieve_new (UB_PRESIEVE_LAST + 1, s->plimit);
    }

  return s;
}

void
_ub_sieve_free (UbSieve *s)
{
  if (s == NULL)
    return;
  g_clear_pointer (&s->child, _ub_sieve_free);
  g_free (s->cbuf);
  g_free (s->small);
  g_free (s->medium);
  g_clear_pointer (&s->sorted, _ub_medium_free);
  g_clear_pointer (&s->buckets, _ub_buckets_free);
  if (s->budgeted)
    _ub_sieve_budget_leave (s->reserved);
  g_free (s->buf_alloc);
  g_free (s);
}

/* ------------------------------------------------------------------ */
/* Short ranges high up: the primes up to MR_SIEVE_LIMIT and Miller–Rabin
 * (see ub-primes-mr.c), unless the sieve alone is asked for.           */

static gboolean
use_miller_rabin (guint64 from,
                  guint64 to,
                  guint64 plimit)
{
  return plimit > MR_SIEVE_LIMIT && !g_atomic_int_get (&sieve_only) &&
         _ub_primes_mr_pays (from, to, plimit, MR_SIEVE_LIMIT);
}

/* ------------------------------------------------------------------ */
/* Sieving primes                                                       */

static void
collect_child_primes (const guint64 *primes,
                      gsize          n,
                      gpointer       user_data)
{
  UbSieve *s = user_data;

  if (s->cbuf_n + n > s->cbuf_alloc)
    {
      s->cbuf_alloc = MAX (s->cbuf_alloc * 2, s->cbuf_n + n);
      s->cbuf = g_renew (guint32, s->cbuf, s->cbuf_alloc);
    }
  for (gsize i = 0; i < n; i++)
    s->cbuf[s->cbuf_n++] = (guint32) primes[i];
}

/* Makes src[src_pos, src_n) the next sieving primes from the child.
 * 1: some; 0: none left; -1: cancelled. */
static int
source_refill (UbSieve       *s,
               GCancellable  *cancellable,
               GError       **error)
{
  if (s->child == NULL)
    return 0;

  s->cbuf_n = 0;
  while (s->cbuf_n == 0)
    {
      guint64 lo, hi, count;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return -1;
      if (!_ub_sieve_next (s->child, collect_child_primes, s, NULL,
                           &lo, &hi, &count, NULL))
        return 0;
    }
  s->src = s->cbuf;
  s->src_n = s->cbuf_n;
  s->src_pos = 0;
  return 1;
}

/* Starts crossing off p at its first multiple in the segment at @base or
 * later: at least p², cofactor coprime to 30, no further than to. */
static void
add_sieving_prime (UbSieve *s,
                   guint32  p,
                   guint64  base)
{
  guint64 start = base * 30;
  guint64 n0 = MAX ((guint64) p * p, start);
  guint64 q = n0 / p;
  ub_u128 prod;
  guint64 rel;
  guint32 packed;

  if (q * p < n0)
    q++;
  q += to_coprime[q % 30];
  prod = (ub_u128) p * q;
  if (prod > s->to)
    return;
  rel = (guint64) prod / 30 - base;
  packed = (guint32) bit_of_res[p % 30] << 3 | bit_of_res[q % 30];

  if (p > s->medium_limit)
    _ub_medium_add (s->sorted, p / 30, (guint32) rel, packed);
  else if (p <= s->small_limit)
    {
      if (s->n_small == s->small_alloc)
        {
          s->small_alloc = MAX (64, s->small_alloc * 2);
          s->small = g_renew (UbSieveEntry, s->small, s->small_alloc);
        }
      s->small[s->n_small].a = p / 30;
      s->small[s->n_small].packed = (guint32) rel << 6 | packed;
      s->n_small++;
    }
  else
    {
      if (s->n_medium == s->medium_alloc)
        {
          s->medium_alloc = MAX (64, s->medium_alloc * 2);
          s->medium = g_renew (UbSieveEntry, s->medium, s->medium_alloc);
        }
      s->medium[s->n_medium].a = p / 30;
      s->medium[s->n_medium].packed = (guint32) rel << 6 | packed;
      s->n_medium++;
    }
}

/* Adds the sieving primes whose square is at most @seg_hi, the last
 * number of the segment at @base: one by one for the loop tiers, in runs
 * for the bucket tier. */
static gboolean
add_sieving_primes (UbSieve       *s,
                    guint64        base,
                    guint64        seg_hi,
                    GCancellable  *cancellable,
                    GError       **error)
{
  while (!s->source_done)
    {
      const guint32 *src;
      gsize j, k;

      if (s->src_pos == s->src_n)
        {
          int r = source_refill (s, cancellable, error);

          if (r < 0)
            return FALSE;
          if (r == 0)
            {
              s->source_done = TRUE;
              break;
            }
        }
      src = s->src;
      j = s->src_pos;
      while (j < s->src_n && src[j] <= s->sorted_limit &&
             (guint64) src[j] * src[j] <= seg_hi)
        add_sieving_prime (s, src[j++], base);
      k = j;
      while (k < s->src_n && (guint64) src[k] * src[k] <= seg_hi)
        k++;
      if (k > j)
        {
          /* Direct: not filed, crossed off segment by segment as the
           * primes in (sorted_limit, bucket_hi]. */
          if (!s->direct)
            _ub_buckets_add_primes (s->buckets, s->seg, base, s->to, src + j, k - j);
          s->bucket_hi = src[k - 1];
        }
      s->src_pos = k;
      if (k < s->src_n)
        break;
    }
  return TRUE;
}

typedef struct
{
  UbSieve *sieve;
  guint64  base;
  gsize    len;       /* direct: the bytes of the segment to cross in */
} Replay;

static void
replay_primes (const guint64 *primes,
               gsize          n,
               gpointer       user_data)
{
  Replay *r = user_data;
  guint32 p32[EMIT_BATCH];

  g_assert (n <= EMIT_BATCH);
  for (gsize i = 0; i < n; i++)
    p32[i] = (guint32) primes[i];
  if (r->sieve->direct)
    _ub_buckets_cross_direct (r->sieve->buckets, r->sieve->buf, r->len, r->base, p32, n);
  else
    _ub_buckets_add_primes (r->sieve->buckets, r->sieve->seg, r->base,
                            r->sieve->to, p32, n);
}

/* Files the bucket primes filed so far again, for the window that starts
 * with the segment at @base: they are made anew by a sieve of their own,
 * over (sorted_limit, bucket_hi]. The buckets, empty at the end of the
 * last window, are emptied first, so a replay stopped by @cancellable can
 * be done again from the start. When direct, the primes cross off their
 * multiples in the @len bytes of the segment instead. */
static gboolean
replay_bucket_primes (UbSieve       *s,
                      guint64        base,
                      gsize          len,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(UbSieve) primes = NULL;
  Replay r = { s, base, len };
  guint64 lo, hi, count;

  _ub_buckets_clear (s->buckets);
  if (s->bucket_hi <= s->sorted_limit)
    return TRUE;
  primes = _ub_sieve_new ((guint64) s->sorted_limit + 1, s->bucket_hi);
  while (_ub_sieve_next (primes, replay_primes, &r, NULL, &lo, &hi, &count, NULL))
    if (g_cancellable_set_error_if_cancelled (cancellable, error))
      return FALSE;
  return TRUE;
}

/* How many of the segments ahead the next window takes within @budget
 * bytes, 0 when not even one fits; *@bytes is its estimate. */
static guint64
plan_segments (const UbSieve *s,
               gsize          budget,
               gsize         *bytes)
{
  guint64 ahead = s->n_segs - s->seg;

  *bytes = 0;
  if (!s->budgeted)
    return ahead;
  return _ub_sieve_window_segments (ahead, s->seg_bytes, s->sorted_limit,
                                    s->plimit, budget, bytes);
}

/* Starts a window at the next segment: gives back the budget held for the
 * last one and reserves the largest window the budget offers now, or none
 * when not even one segment fits (direct). */
static void
start_window (UbSieve *s)
{
  guint64 segs;
  gsize bytes;

  if (s->reserved > 0)
    _ub_sieve_budget_release (s->reserved);
  s->reserved = 0;
  /* Another sieve may take what was offered before this one reserves it:
   * then ask again, for less. */
  do
    segs = plan_segments (s, _ub_sieve_budget_offer (), &bytes);
  while (s->budgeted && segs > 0 && !_ub_sieve_budget_reserve (bytes));
  if (s->budgeted)
    s->reserved = bytes;
  _ub_buckets_clear_to (s->buckets, s->reserved);
  s->direct = s->budgeted && segs == 0;
  s->window_segs = MAX (segs, 1);
  s->window_end = s->seg + s->window_segs;
  _ub_buckets_set_end (s->buckets, s->window_end);
}

/* ------------------------------------------------------------------ */
/* Crossing off                                                         */

static guint64
popcount_plain (const guint64 *w,
                gsize          n)
{
  guint64 c = 0;

  for (gsize i = 0; i < n; i++)
    c += (guint64) __builtin_popcountll (w[i]);
  return c;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
__attribute__ ((target ("popcnt")))
static guint64
popcount_hw (const guint64 *w,
             gsize          n)
{
  guint64 c = 0;

  for (gsize i = 0; i < n; i++)
    c += (guint64) __builtin_popcountll (w[i]);
  return c;
}

/* Written once by probe_popcnt() under pthread_once, read-only afterwards. */
static gboolean have_popcnt;

static void
probe_popcnt (void)
{
  __builtin_cpu_init ();
  have_popcnt = __builtin_cpu_supports ("popcnt");
}

static gboolean
use_popcnt (void)
{
  /* pthread_once: ThreadSanitizer sees its ordering, and the CPU model
   * libgcc fills in is written by one thread only. */
  static pthread_once_t once = PTHREAD_ONCE_INIT;

  pthread_once (&once, probe_popcnt);
  return have_popcnt && !g_atomic_int_get (&portable_only);
}

static guint64
popcount_words (const guint64 *w,
                gsize          n)
{
  if (use_popcnt ())
    return popcount_hw (w, n);
  return popcount_plain (w, n);
}
#else
#define popcount_words popcount_plain
#define use_popcnt() FALSE
#endif

const char *
_ub_sieve_get_implementation (void)
{
  return use_popcnt () ? "popcnt" : "portable";
}

guint64
_ub_sieve_get_segment_numbers (const UbSieve *sieve)
{
  return (guint64) sieve->seg_bytes * 30;
}

/* The window now, or the one the budget would give before the first. */
guint64
_ub_sieve_get_window_numbers (const UbSieve *sieve)
{
  guint64 segs = sieve->window_segs;
  gsize bytes;
  ub_u128 n;

  if (segs == 0)
    segs = MAX (plan_segments (sieve, _ub_sieve_budget_offer (), &bytes), 1);
  n = (ub_u128) segs * sieve->seg_bytes * 30;

  return n > G_MAXUINT64 ? G_MAXUINT64 : (guint64) n;
}

G_GNUC_NO_INLINE static void
emit_segment (UbSieve         *sv,
              guint64          base,
              gsize            n_words,
              UbSieveEmitFunc  emit,
              gpointer         user_data)
{
  const guint64 *words = (const guint64 *) sv->buf;
  gsize n_out = 0;

  for (gsize j = 0; j < n_words; j++)
    {
      guint64 w = words[j];
      guint64 n30 = (base + 8 * j) * 30;

      while (w != 0)
        {
          sv->out[n_out++] = n30 + off64[__builtin_ctzll (w)];
          w &= w - 1;
          if (n_out == EMIT_BATCH)
            {
              emit (sv->out, n_out, user_data);
              n_out = 0;
            }
        }
    }
  if (n_out > 0)
    emit (sv->out, n_out, user_data);
}

/* Sieves the next segment; its numbers [*seg_lo, *seg_hi] (clipped to the
 * range) hold *count primes, which @emit (nullable) receives in order.
 * Returns FALSE at the end of the range, or on cancellation with @error
 * set (the segment is then not done). */
gboolean
_ub_sieve_next (UbSieve          *sv,
                UbSieveEmitFunc   emit,
                gpointer          user_data,
                GCancellable     *cancellable,
                guint64          *seg_lo,
                guint64          *seg_hi,
                guint64          *count,
                GError          **error)
{
  guint64 base;
  gsize n;
  gsize n_words;
  guint64 lo, hi;
  guint64 c = 0;
  static const guint32 tiny[] = { 2, 3, 5 };

  if (sv->done)
    return FALSE;

  base = sv->first_byte + sv->seg * sv->seg_bytes;
  n = (gsize) MIN ((guint64) sv->seg_bytes, sv->last_byte - base + 1);
  lo = MAX (sv->from, base * 30);
  hi = (base + sv->seg_bytes - 1 >= sv->last_byte) ? sv->to : (base + sv->seg_bytes) * 30 - 1;

  /* A window ends at its last segment, or early when the sieve holds
   * more than its share of the budget since others joined. */
  if (sv->seg == sv->window_end || sv->window_segs == 0 ||
      (sv->reserved > 0 && _ub_sieve_budget_over_share (sv->reserved)))
    {
      start_window (sv);
      sv->replay = !sv->direct;
    }
  if (sv->replay)
    {
      if (!replay_bucket_primes (sv, base, 0, cancellable, error))
        return FALSE;
      sv->replay = FALSE;
    }
  if (!add_sieving_primes (sv, base, hi, cancellable, error))
    return FALSE;

  _ub_presieve_fill (sv->buf, base, n);
  _ub_presieve_restore (sv->buf, base, n);
  if (sv->direct && !replay_bucket_primes (sv, base, n, cancellable, error))
    return FALSE;

  for (gsize off = 0; off < n; off += sv->block_bytes)
    _ub_sieve_cross_small (sv->buf + off, (guint32) MIN (sv->block_bytes, n - off),
                 sv->small, sv->n_small);
  _ub_sieve_cross_small (sv->buf, (guint32) n, sv->medium, sv->n_medium);
  _ub_medium_cross (sv->sorted, sv->buf, (guint32) n);
  _ub_buckets_cross (sv->buckets, sv->buf, sv->seg);

  /* Keep only [lo, hi]. */
  if (sv->seg == 0)
    sv->buf[0] &= mask_from_res (sv->from % 30);
  if (base + n - 1 == sv->last_byte)
    sv->buf[n - 1] &= mask_upto_res (sv->to % 30);
  n_words = (n + 7) / 8;
  memset (sv->buf + n, 0, n_words * 8 - n);
  if (sv->mr)
    _ub_primes_mr_confirm ((guint64 *) sv->buf, base, n_words);

  if (emit != NULL)
    {
      guint64 small_out[3];
      gsize n_small_out = 0;

      for (gsize i = 0; i < G_N_ELEMENTS (tiny); i++)
        if (tiny[i] >= lo && tiny[i] <= hi)
          small_out[n_small_out++] = tiny[i];
      if (n_small_out > 0)
        emit (small_out, n_small_out, user_data);
      c += n_small_out;
      emit_segment (sv, base, n_words, emit, user_data);
      c += popcount_words ((const guint64 *) sv->buf, n_words);
    }
  else
    {
      for (gsize i = 0; i < G_N_ELEMENTS (tiny); i++)
        if (tiny[i] >= lo && tiny[i] <= hi)
          c++;
      c += popcount_words ((const guint64 *) sv->buf, n_words);
    }

  sv->seg++;
  if (sv->seg == sv->n_segs)
    sv->done = TRUE;

  *seg_lo = lo;
  *seg_hi = hi;
  *count = c;
  return TRUE;
}
