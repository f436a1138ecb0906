/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <pthread.h>

#include <math.h>
#include <string.h>
#include <unistd.h>

#include "ub-primes-sieve.h"

/*
 * Layout: byte i of the whole number line stands for the 30 numbers
 * [30 i, 30 i + 29]; its bit k is the number 30 i + RES(k), RES being the
 * eight residues coprime to 30. A segment is S = 2^log2_seg consecutive
 * bytes of that line.
 *
 * Crossing off the multiples of a sieving prime p = 30 a + rp walks the
 * cofactors q = 30 b + rq that are coprime to 30: rq cycles through the
 * eight residues, and in every cycle of eight steps the byte index of p q
 * grows by exactly p, while the bit hit at step k and the constant part
 * of each step depend only on (rp, k). A prime's state is therefore its
 * a, the next byte to cross and the pair (rp, k) packed in 6 bits.
 */

typedef unsigned __int128 ub_u128;

#define RES(k) ((k) == 0 ? 1 : (k) == 1 ? 7 : (k) == 2 ? 11 : (k) == 3 ? 13 : \
                (k) == 4 ? 17 : (k) == 5 ? 19 : (k) == 6 ? 23 : 29)
#define BIT_OF(r) ((r) == 1 ? 0 : (r) == 7 ? 1 : (r) == 11 ? 2 : (r) == 13 ? 3 : \
                   (r) == 17 ? 4 : (r) == 19 ? 5 : (r) == 23 ? 6 : 7)
/* Mask clearing the bit of p q when p ≡ RES(R) and q ≡ RES(k) (mod 30). */
#define MASK(R, k) ((guint8) ~(1u << BIT_OF ((RES (R) * RES (k)) % 30)))
/* Growth of q between step k and step k + 1 of the cycle. */
#define DQ(k) ((k) == 0 ? 6 : (k) == 1 ? 4 : (k) == 2 ? 2 : (k) == 3 ? 4 : \
               (k) == 4 ? 2 : (k) == 5 ? 4 : (k) == 6 ? 6 : 2)
/* Constant part of the byte step after step k: the step is a DQ(k) + CC. */
#define CC(R, k) ((k) < 7 ? (RES (R) * RES ((k) + 1)) / 30 - (RES (R) * RES (k)) / 30 \
                          : RES (R) - (RES (R) * 29) / 30)
/* Constant part of the byte offset of step k from step 0 of a cycle. */
#define OFF(R, k) ((RES (R) * RES (k)) / 30)

#define ROW8(M, R) M (R, 0), M (R, 1), M (R, 2), M (R, 3), \
                   M (R, 4), M (R, 5), M (R, 6), M (R, 7)
#define TABLE64(M) { ROW8 (M, 0), ROW8 (M, 1), ROW8 (M, 2), ROW8 (M, 3), \
                     ROW8 (M, 4), ROW8 (M, 5), ROW8 (M, 6), ROW8 (M, 7) }
#define DQ2(R, k) DQ (k)
#define NEXT_RW(R, k) ((R) * 8 + ((k) + 1) % 8)

static const guint8 mask_tab[64] = TABLE64 (MASK);
static const guint8 cc_tab[64] = TABLE64 (CC);
static const guint8 dq_tab[64] = TABLE64 (DQ2);
static const guint8 next_rw_tab[64] = TABLE64 (NEXT_RW);

static const guint8 wheel_res[8] = { 1, 7, 11, 13, 17, 19, 23, 29 };

/* Offset from the first number of a 64-bit word to the number of bit b. */
#define OFF64(R, k) (30 * (R) + RES (k))
static const guint8 off64[64] = TABLE64 (OFF64);

/* 0xff for residues that share a factor with 30. */
static const guint8 bit_of_res[30] = {
  0xff, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 0xff, 0xff,
  0xff, 2, 0xff, 3, 0xff, 0xff, 0xff, 4, 0xff, 5,
  0xff, 0xff, 0xff, 6, 0xff, 0xff, 0xff, 0xff, 0xff, 7,
};

/* Distance from a residue to the next residue coprime to 30 (or itself). */
static const guint8 to_coprime[30] = {
  1, 0, 5, 4, 3, 2, 1, 0, 3, 2, 1, 0, 1, 0, 3, 2, 1, 0, 1, 0, 3, 2, 1, 0, 5, 4, 3, 2, 1, 0,
};

/* Bits of a byte whose residue is >= r, and <= r. */
static guint8
mask_from_res (guint r)
{
  guint8 m = 0;

  for (guint k = 0; k < 8; k++)
    if (wheel_res[k] >= r)
      m |= 1u << k;
  return m;
}

static guint8
mask_upto_res (guint r)
{
  guint8 m = 0;

  for (guint k = 0; k < 8; k++)
    if (wheel_res[k] <= r)
      m |= 1u << k;
  return m;
}

/* ------------------------------------------------------------------ */
/* Tables built once: pre-sieve patterns and the primes below 2^16.    */

/* Groups of primes pre-sieved together: each pattern repeats every
 * product-of-the-group bytes. The first is copied, the rest are ANDed. */
static const guint32 presieve_groups[][4] = {
  { 7, 11, 13, 17 },   /* with 19 below: 323323 bytes */
  { 23, 29, 31, 0 },
  { 37, 41, 43, 0 },
  { 47, 53, 0, 0 },
  { 59, 61, 0, 0 },
  { 67, 71, 0, 0 },
  { 73, 79, 0, 0 },
  { 83, 89, 0, 0 },
  { 97, 101, 0, 0 },
};
#define N_PRESIEVE G_N_ELEMENTS (presieve_groups)
#define PRESIEVE_LAST 101u   /* largest pre-sieved prime */

static const guint32 presieve_primes[] = {
  7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79,
  83, 89, 97, 101,
};

typedef struct
{
  guint8  *pattern[N_PRESIEVE];   /* (owned) never freed: process-wide */
  gsize    period[N_PRESIEVE];
  guint32 *small_primes;          /* primes in (PRESIEVE_LAST, 2^16) */
  gsize    n_small_primes;
  gsize    l1_bytes;
  gsize    l2_bytes;
} Tables;

/* Written once by init_tables() under pthread_once, read-only afterwards. */
static Tables *tables;

static void
cross_pattern (guint8  *pattern,
               gsize    period,
               guint32  p)
{
  for (guint k = 0; k < 8; k++)
    {
      /* smallest byte i with 30 i + RES(k) ≡ 0 (mod p) */
      gsize i = 0;

      while ((30 * i + wheel_res[k]) % p != 0)
        i++;
      for (; i < period; i += p)
        pattern[i] &= (guint8) ~(1u << k);
    }
}

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

      for (gsize g = 0; g < N_PRESIEVE; g++)
        {
          gsize period = 1;

          for (gsize j = 0; j < 4 && presieve_groups[g][j] != 0; j++)
            period *= presieve_groups[g][j];
          if (g == 0)
            period *= 19;
          t->period[g] = period;
          t->pattern[g] = g_malloc (period + 64);
          memset (t->pattern[g], 0xff, period);
          for (gsize j = 0; j < 4 && presieve_groups[g][j] != 0; j++)
            cross_pattern (t->pattern[g], period, presieve_groups[g][j]);
          if (g == 0)
            cross_pattern (t->pattern[g], period, 19);
        }

      for (guint32 i = 2; i * i < (1u << 16); i++)
        if (!composite[i])
          for (guint32 j = i * i; j < (1u << 16); j += i)
            composite[j] = 1;
      for (guint32 i = PRESIEVE_LAST + 1; i < (1u << 16); i++)
        if (!composite[i])
          t->n_small_primes++;
      t->small_primes = g_new (guint32, t->n_small_primes);
      t->n_small_primes = 0;
      for (guint32 i = PRESIEVE_LAST + 1; i < (1u << 16); i++)
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

typedef struct
{
  guint32 a;        /* p / 30 */
  guint32 packed;   /* next byte << 6 | index of p mod 30 << 3 | step k */
} Entry;

#define BLOCK_ENTRIES 510
typedef struct _Block Block;
struct _Block
{
  Block   *next;
  guint32  n;
  Entry    e[BLOCK_ENTRIES];
};

#define SLAB_BLOCKS 64
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
   * medium_limit: crossed off over the whole segment. */
  guint32   small_limit;
  guint32   medium_limit;
  Entry    *small;            /* (owned) */
  gsize     n_small;
  gsize     small_alloc;
  Entry    *medium;           /* (owned) */
  gsize     n_medium;
  gsize     medium_alloc;

  /* Larger sieving primes: bucket (g mod n_buckets) holds the primes
   * whose next multiple lies in segment g. */
  Block   **buckets;          /* (owned) */
  guint64   bucket_mask;
  Block    *free_blocks;
  GPtrArray *slabs;           /* (owned) (nullable) until a bucket is used */

  /* Where sieving primes come from: the static table or a child sieve. */
  guint64   plimit;           /* isqrt (to), or MR_SIEVE_LIMIT when mr */
  gboolean  mr;               /* survivors are confirmed by Miller–Rabin */
  guint32   pending;          /* next prime not yet added, if have_pending */
  gboolean  have_pending;
  gboolean  source_done;
  const guint32 *table;       /* (unowned) primes from the static table */
  gsize     table_n;
  gsize     table_pos;
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
  guint64 max_step;
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
  s->block_bytes = 1 << 14;
  while (s->block_bytes * 2 <= l1_bytes && s->block_bytes < 64 * 1024)
    s->block_bytes *= 2;
  s->block_bytes = MIN (s->block_bytes, s->seg_bytes);
  s->n_segs = (span_bytes - 1) / s->seg_bytes + 1;

  s->buf_alloc = g_malloc (s->seg_bytes + 128);
  s->buf = (guint8 *) (((guintptr) s->buf_alloc + 63) & ~(guintptr) 63);

  s->plimit = isqrt64 (to);
  s->mr = use_miller_rabin (from, to, s->plimit);
  if (s->mr)
    s->plimit = MR_SIEVE_LIMIT;
  /* Measured here: these limits are where the unrolled loops stop paying
   * for their dispatch and the buckets start to. */
  s->small_limit = (guint32) s->block_bytes / 4;
  s->medium_limit = (guint32) s->seg_bytes / 2;

  /* Enough buckets for the longest step of the largest prime, and no
   * more than there are segments. */
  max_step = s->plimit / 4 + 64;
  {
    guint64 need = MIN ((max_step >> s->log2_seg) + 2, s->n_segs + 1);
    guint64 n = 1;

    while (n < need)
      n <<= 1;
    s->buckets = g_new0 (Block *, n);
    s->bucket_mask = n - 1;
  }

  /* Room for the small sieving primes up front: one allocation. */
  {
    double x = (double) MIN (s->plimit, (guint64) s->small_limit) + 16.0;

    s->small_alloc = (gsize) (1.3 * x / log (x)) + 16;
    s->small = g_new (Entry, s->small_alloc);
  }

  if (s->plimit < (1u << 16))
    {
      s->table = t->small_primes;
      s->table_n = t->n_small_primes;
    }
  else
    {
      s->child = _ub_sieve_new (PRESIEVE_LAST + 1, s->plimit);
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
  g_free (s->buckets);
  g_clear_pointer (&s->slabs, g_ptr_array_unref);
  g_free (s->buf_alloc);
  g_free (s);
}

/* ------------------------------------------------------------------ */
/* Short ranges high up                                                 */

/*
 * Right below 2^64 the sieve needs every prime up to 2^32 and a division
 * for each, about two seconds whatever the range's length. A short range
 * there is cheaper to sieve with the primes up to MR_SIEVE_LIMIT only and
 * to confirm each survivor with a Miller–Rabin test, which is exact for
 * 64-bit numbers with Sinclair's seven bases.
 */
static gboolean
use_miller_rabin (guint64 from,
                  guint64 to,
                  guint64 plimit)
{
  double numbers, sieve_cost, mr_cost;

  if (plimit <= MR_SIEVE_LIMIT || from < MR_SIEVE_LIMIT * MR_SIEVE_LIMIT)
    return FALSE;

  /* Rough costs in nanoseconds, measured here: about 10 ns per sieving
   * prime to set up; the survivors of the primes up to 2^20 (4 % of the
   * numbers) cost 0.75 µs each and the primes among them 3.75 µs. */
  numbers = (double) (to - from) + 1.0;
  sieve_cost = (double) plimit / log ((double) plimit) * 10.0;
  mr_cost = numbers * 0.0405 * 750.0 + numbers / log ((double) to) * 3750.0;
  return mr_cost < sieve_cost;
}

/* a b / 2^64 mod n, for a, b < n odd, with ninv = -1/n mod 2^64. */
static inline guint64
mont_mul (guint64 a,
          guint64 b,
          guint64 n,
          guint64 ninv)
{
  ub_u128 t = (ub_u128) a * b;
  guint64 m = (guint64) t * ninv;
  ub_u128 mn = (ub_u128) m * n;
  ub_u128 r = (t >> 64) + (mn >> 64) + ((guint64) t != 0);

  return (guint64) (r >= n ? r - n : r);
}

/* Exact for every odd n > 2^40 with no factor below 2^20. */
static gboolean
is_prime_mr (guint64 n)
{
  static const guint64 bases[] = { 2, 325, 9375, 28178, 450775, 9780504, 1795265022 };
  guint64 inv = n;
  guint64 ninv, r1, r2, minus_one, d = n - 1;
  guint s = 0;

  for (guint i = 0; i < 5; i++)
    inv *= 2 - n * inv;
  ninv = -inv;
  r1 = (-n) % n;                              /* 2^64 mod n */
  r2 = (guint64) (((ub_u128) r1 * r1) % n);   /* 2^128 mod n */
  minus_one = n - r1;
  while ((d & 1) == 0)
    {
      d >>= 1;
      s++;
    }

  for (gsize i = 0; i < G_N_ELEMENTS (bases); i++)
    {
      guint64 a = mont_mul (bases[i] % n, r2, n, ninv);
      guint64 x = r1;
      guint64 e = d;
      gboolean composite = TRUE;

      for (; e > 0; e >>= 1)
        {
          if (e & 1)
            x = mont_mul (x, a, n, ninv);
          a = mont_mul (a, a, n, ninv);
        }
      if (x == r1 || x == minus_one)
        continue;
      for (guint k = 1; k < s; k++)
        {
          x = mont_mul (x, x, n, ninv);
          if (x == minus_one)
            {
              composite = FALSE;
              break;
            }
        }
      if (composite)
        return FALSE;
    }
  return TRUE;
}

/* Clears the bits of the survivors that are not prime. */
static void
confirm_survivors (UbSieve *sv,
                   guint64  base,
                   gsize    n_words)
{
  guint64 *words = (guint64 *) sv->buf;

  for (gsize j = 0; j < n_words; j++)
    {
      guint64 w = words[j];
      guint64 n30 = (base + 8 * j) * 30;

      while (w != 0)
        {
          guint b = (guint) __builtin_ctzll (w);

          w &= w - 1;
          if (!is_prime_mr (n30 + off64[b]))
            words[j] &= ~((guint64) 1 << b);
        }
    }
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

/* 1: *p is the next sieving prime; 0: none left; -1: cancelled. */
static int
source_next (UbSieve       *s,
             guint32       *p,
             GCancellable  *cancellable,
             GError       **error)
{
  if (s->child == NULL)
    {
      if (s->table_pos < s->table_n && s->table[s->table_pos] <= s->plimit)
        {
          *p = s->table[s->table_pos++];
          return 1;
        }
      return 0;
    }

  while (s->cbuf_pos == s->cbuf_n)
    {
      guint64 lo, hi, count;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return -1;
      s->cbuf_n = s->cbuf_pos = 0;
      if (!_ub_sieve_next (s->child, collect_child_primes, s, NULL,
                           &lo, &hi, &count, NULL))
        return 0;
    }
  *p = s->cbuf[s->cbuf_pos++];
  return 1;
}

static Block *
new_block (UbSieve  *s,
           Block   **slot)
{
  Block *b = s->free_blocks;

  if (b == NULL)
    {
      Block *slab = g_new (Block, SLAB_BLOCKS);

      if (s->slabs == NULL)
        s->slabs = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (s->slabs, slab);
      for (gsize i = 0; i < SLAB_BLOCKS; i++)
        {
          slab[i].next = b;
          b = &slab[i];
        }
    }
  s->free_blocks = b->next;
  b->n = 0;
  b->next = *slot;
  *slot = b;
  return b;
}

static inline void
bucket_push (UbSieve *s,
             guint64  g,
             guint32  a,
             guint32  packed)
{
  Block **slot = &s->buckets[g & s->bucket_mask];
  Block *b = *slot;

  if (G_UNLIKELY (b == NULL || b->n == BLOCK_ENTRIES))
    b = new_block (s, slot);
  b->e[b->n].a = a;
  b->e[b->n].packed = packed;
  b->n++;
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

  if (p <= s->small_limit)
    {
      if (s->n_small == s->small_alloc)
        {
          s->small_alloc = MAX (64, s->small_alloc * 2);
          s->small = g_renew (Entry, s->small, s->small_alloc);
        }
      s->small[s->n_small].a = p / 30;
      s->small[s->n_small].packed = (guint32) rel << 6 | packed;
      s->n_small++;
    }
  else if (p <= s->medium_limit)
    {
      if (s->n_medium == s->medium_alloc)
        {
          s->medium_alloc = MAX (64, s->medium_alloc * 2);
          s->medium = g_renew (Entry, s->medium, s->medium_alloc);
        }
      s->medium[s->n_medium].a = p / 30;
      s->medium[s->n_medium].packed = (guint32) rel << 6 | packed;
      s->n_medium++;
    }
  else
    {
      bucket_push (s, s->seg + (rel >> s->log2_seg), p / 30,
                   (guint32) (rel & (s->seg_bytes - 1)) << 6 | packed);
    }
}

static gboolean
add_sieving_primes (UbSieve       *s,
                    guint64        base,
                    guint64        seg_hi,
                    GCancellable  *cancellable,
                    GError       **error)
{
  while (!s->source_done)
    {
      if (!s->have_pending)
        {
          int r = source_next (s, &s->pending, cancellable, error);

          if (r < 0)
            return FALSE;
          if (r == 0)
            {
              s->source_done = TRUE;
              break;
            }
          s->have_pending = TRUE;
        }
      if ((guint64) s->pending * s->pending > seg_hi)
        break;
      add_sieving_prime (s, s->pending, base);
      s->have_pending = FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Crossing off                                                         */

#define STEP(R, k) \
  if (i >= end) { w = k; break; } \
  s[i] &= MASK (R, k); \
  i += a * DQ (k) + CC (R, k);

#define GROUP(R) \
  case R * 8 + 0: \
    for (;;) \
      { \
        if (end > a28 + OFF (R, 7)) \
          { \
            guint32 lim = end - a28 - OFF (R, 7); \
            guint32 step = a30 + RES (R); \
            for (; i < lim; i += step) \
              { \
                guint8 *q = s + i; \
                q[0] &= MASK (R, 0); \
                q[a6 + OFF (R, 1)] &= MASK (R, 1); \
                q[a10 + OFF (R, 2)] &= MASK (R, 2); \
                q[a12 + OFF (R, 3)] &= MASK (R, 3); \
                q[a16 + OFF (R, 4)] &= MASK (R, 4); \
                q[a18 + OFF (R, 5)] &= MASK (R, 5); \
                q[a22 + OFF (R, 6)] &= MASK (R, 6); \
                q[a28 + OFF (R, 7)] &= MASK (R, 7); \
              } \
          } \
        STEP (R, 0) G_GNUC_FALLTHROUGH; \
  case R * 8 + 1: STEP (R, 1) G_GNUC_FALLTHROUGH; \
  case R * 8 + 2: STEP (R, 2) G_GNUC_FALLTHROUGH; \
  case R * 8 + 3: STEP (R, 3) G_GNUC_FALLTHROUGH; \
  case R * 8 + 4: STEP (R, 4) G_GNUC_FALLTHROUGH; \
  case R * 8 + 5: STEP (R, 5) G_GNUC_FALLTHROUGH; \
  case R * 8 + 6: STEP (R, 6) G_GNUC_FALLTHROUGH; \
  case R * 8 + 7: STEP (R, 7) \
      } \
    break;

/* Crosses off the small primes in s[0, end); their positions are kept
 * relative to s and move on by end. */
G_GNUC_NO_INLINE static void
cross_small (guint8  *s,
             guint32  end,
             Entry   *primes,
             gsize    n)
{
  for (gsize j = 0; j < n; j++)
    {
      guint32 a = primes[j].a;
      guint32 packed = primes[j].packed;
      guint32 i = packed >> 6;
      guint32 w = packed & 7;
      guint32 a6 = a * 6, a10 = a * 10, a12 = a * 12, a16 = a * 16;
      guint32 a18 = a * 18, a22 = a * 22, a28 = a * 28, a30 = a * 30;

      if (i >= end)
        {
          primes[j].packed = packed - (end << 6);
          continue;
        }

      switch (packed & 63)
        {
          GROUP (0)
          GROUP (1)
          GROUP (2)
          GROUP (3)
          GROUP (4)
          GROUP (5)
          GROUP (6)
          GROUP (7)
        default:
          g_assert_not_reached ();
        }

      primes[j].packed = (i - end) << 6 | (packed & 56) | w;
    }
}

G_GNUC_NO_INLINE static void
cross_buckets (UbSieve *sv)
{
  guint8 *s = sv->buf;
  const guint32 seg_bytes = (guint32) sv->seg_bytes;
  const guint log2_seg = sv->log2_seg;
  Block **slot = &sv->buckets[sv->seg & sv->bucket_mask];
  Block *b = *slot;

  *slot = NULL;
  while (b != NULL)
    {
      Block *next = b->next;
      const Entry *e = b->e;
      guint32 n = b->n;

      for (guint32 j = 0; j < n; j++)
        {
          guint32 a = e[j].a;
          guint32 pos = e[j].packed >> 6;
          guint32 rw = e[j].packed & 63;
          guint64 g;

          do
            {
              s[pos] &= mask_tab[rw];
              pos += a * dq_tab[rw] + cc_tab[rw];
              rw = next_rw_tab[rw];
            }
          while (pos < seg_bytes);

          g = sv->seg + (pos >> log2_seg);
          if (g < sv->n_segs)
            bucket_push (sv, g, a, (pos & (seg_bytes - 1)) << 6 | rw);
        }

      b->next = sv->free_blocks;
      sv->free_blocks = b;
      b = next;
    }
}

/* dst[0, n) = AND of the nine patterns at their offsets; no pattern wraps
 * within n bytes. */
static inline void
and_patterns (guint8        *restrict dst,
              const guint8 **src,
              gsize          n)
{
  const guint8 *restrict s0 = src[0], *restrict s1 = src[1], *restrict s2 = src[2];
  const guint8 *restrict s3 = src[3], *restrict s4 = src[4], *restrict s5 = src[5];
  const guint8 *restrict s6 = src[6], *restrict s7 = src[7], *restrict s8 = src[8];
  gsize i = 0;

  for (; i + 8 <= n; i += 8)
    {
      guint64 v0, v1, v2, v3, v4, v5, v6, v7, v8;

      memcpy (&v0, s0 + i, 8);
      memcpy (&v1, s1 + i, 8);
      memcpy (&v2, s2 + i, 8);
      memcpy (&v3, s3 + i, 8);
      memcpy (&v4, s4 + i, 8);
      memcpy (&v5, s5 + i, 8);
      memcpy (&v6, s6 + i, 8);
      memcpy (&v7, s7 + i, 8);
      memcpy (&v8, s8 + i, 8);
      v0 &= v1 & v2 & v3 & v4 & v5 & v6 & v7 & v8;
      memcpy (dst + i, &v0, 8);
    }
  for (; i < n; i++)
    dst[i] = s0[i] & s1[i] & s2[i] & s3[i] & s4[i] & s5[i] & s6[i] & s7[i] & s8[i];
}

/* Fills buf[0, n) for the bytes from @base on with the multiples of the
 * pre-sieved primes crossed off, in one pass. */
G_GNUC_NO_INLINE static void
presieve (const Tables *t,
          guint8       *buf,
          guint64       base,
          gsize         n)
{
  gsize off[N_PRESIEVE];
  const guint8 *src[N_PRESIEVE];
  gsize done = 0;

  G_STATIC_ASSERT (N_PRESIEVE == 9);

  for (gsize g = 0; g < N_PRESIEVE; g++)
    off[g] = (gsize) (base % t->period[g]);

  while (done < n)
    {
      gsize chunk = n - done;

      for (gsize g = 0; g < N_PRESIEVE; g++)
        {
          chunk = MIN (chunk, t->period[g] - off[g]);
          src[g] = t->pattern[g] + off[g];
        }
      and_patterns (buf + done, src, chunk);
      for (gsize g = 0; g < N_PRESIEVE; g++)
        {
          off[g] += chunk;
          if (off[g] == t->period[g])
            off[g] = 0;
        }
      done += chunk;
    }
}

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
  const Tables *t = get_tables ();
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

  if (!add_sieving_primes (sv, base, hi, cancellable, error))
    return FALSE;

  presieve (t, sv->buf, base, n);
  if (base * 30 <= PRESIEVE_LAST)
    {
      if (base == 0)
        sv->buf[0] &= (guint8) ~1u;   /* 1 is not prime */
      for (gsize i = 0; i < G_N_ELEMENTS (presieve_primes); i++)
        {
          guint32 p = presieve_primes[i];

          if (p / 30 >= base && p / 30 < base + n)
            sv->buf[p / 30 - base] |= 1u << bit_of_res[p % 30];
        }
    }

  for (gsize off = 0; off < n; off += sv->block_bytes)
    cross_small (sv->buf + off, (guint32) MIN (sv->block_bytes, n - off),
                 sv->small, sv->n_small);
  cross_small (sv->buf, (guint32) n, sv->medium, sv->n_medium);
  cross_buckets (sv);

  /* Keep only [lo, hi]. */
  if (sv->seg == 0)
    sv->buf[0] &= mask_from_res (sv->from % 30);
  if (base + n - 1 == sv->last_byte)
    sv->buf[n - 1] &= mask_upto_res (sv->to % 30);
  n_words = (n + 7) / 8;
  memset (sv->buf + n, 0, n_words * 8 - n);
  if (sv->mr)
    confirm_survivors (sv, base, n_words);

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
