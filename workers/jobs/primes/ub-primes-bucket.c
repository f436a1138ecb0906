/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <pthread.h>
#include <string.h>

#include "ub-primes-bucket.h"
#include "ub-primes-cross.h"
#include "ub-primes-sieve-window.h"
#include "ub-primes-wheel.h"

/*
 * The mod-210 wheel of the bucket tier. Its multiples p q skip the
 * cofactors q divisible by 7 as well (7 is pre-sieved), 48 in 210 instead
 * of 56. A state is (index of p mod 30) * 48 + (index of q mod 210) and
 * the step from it is a DQ + CORR bytes for p = 30 a + rp: only the
 * constant part depends on rp and q.
 */
#define W210_STATES (8 * 48)

typedef struct
{
  guint8  mask;     /* clears the bit of p q in its byte */
  guint8  dq;       /* growth of q to the next cofactor coprime to 210 */
  guint8  corr;     /* constant part of the byte step */
  guint8  pad;
  guint32 next;     /* state of the next multiple */
} W210Step;

typedef struct
{
  W210Step w210[W210_STATES];
  guint8   q210_index[210];       /* index among the 48, or 0xff */
  guint8   q210_skip[210];        /* distance to the next coprime residue */
} Wheel210;

/* Written once by init_wheel210() under pthread_once, read-only afterwards. */
static Wheel210 *wheel210;

static void
init_wheel210 (void)
{
  Wheel210 *t = g_new0 (Wheel210, 1);
  guint8 res[48];
  guint n = 0;

  for (guint r = 1; r < 210; r++)
    if (r % 2 != 0 && r % 3 != 0 && r % 5 != 0 && r % 7 != 0)
      res[n++] = (guint8) r;
  g_assert (n == 48);

  memset (t->q210_index, 0xff, sizeof t->q210_index);
  for (guint j = 0; j < 48; j++)
    t->q210_index[res[j]] = (guint8) j;
  for (guint r = 0; r < 210; r++)
    {
      guint d = 0;

      while (t->q210_index[(r + d) % 210] == 0xff)
        d++;
      t->q210_skip[r] = (guint8) d;
    }

  for (guint i = 0; i < 8; i++)
    for (guint j = 0; j < 48; j++)
      {
        guint rp = wheel_res[i];
        guint rq = res[j];
        guint rq_next = j == 47 ? 211 : res[j + 1];
        W210Step *w = &t->w210[i * 48 + j];

        w->mask = (guint8) ~(1u << bit_of_res[(rp * rq) % 30]);
        w->dq = (guint8) (rq_next - rq);
        w->corr = (guint8) ((rp * rq_next) / 30 - (rp * rq) / 30);
        w->pad = 0;
        w->next = i * 48 + (j + 1) % 48;
      }

  /* Never freed: the wheel lives as long as the process. */
  wheel210 = t;
}

/* pthread_once rather than g_once_init_enter(): ThreadSanitizer sees the
 * ordering it gives, and GLib 2.74's is hidden inside the library. */
static const Wheel210 *
get_wheel210 (void)
{
  static pthread_once_t once = PTHREAD_ONCE_INIT;

  pthread_once (&once, init_wheel210);
  return wheel210;
}

/*
 * A bucket is a chain of blocks aligned to their size. The bucket's handle
 * is the pointer to the next free entry of its newest block: when that
 * pointer is aligned to BLOCK_BYTES the block is full (or there is none),
 * and the block of a handle is found by rounding it down, so pushing an
 * entry reads and writes one pointer. Only the newest block of a chain
 * can be partly filled.
 */
#define BLOCK_BYTES 8192
#define BLOCK_ENTRIES ((BLOCK_BYTES - 2 * sizeof (gpointer)) / sizeof (UbSieveEntry))
typedef struct _Block Block;
struct _Block
{
  Block        *next;     /* older, full block of the same bucket */
  gpointer      pad;
  UbSieveEntry  e[BLOCK_ENTRIES];
};
G_STATIC_ASSERT (sizeof (Block) == BLOCK_BYTES);

static inline Block *
block_of (UbSieveEntry *top)
{
  return (Block *) (((guintptr) top - 1) & ~(guintptr) (BLOCK_BYTES - 1));
}

#define SLAB_BLOCKS 64

struct _UbBuckets
{
  guint     log2_seg;
  gsize     seg_bytes;
  guint64   n_segs;
  guint64   end_seg;          /* multiples from this segment on are dropped */

  /* Bucket (g mod n_buckets) holds the primes whose next multiple lies in
   * segment g; each is the handle of its newest block (see Block), NULL if
   * empty. */
  UbSieveEntry **buckets;     /* (owned) */
  guint64   bucket_mask;
  const W210Step *w210;       /* (unowned) from the wheel */
  const guint8 *q210_index;   /* (unowned) */
  const guint8 *q210_skip;    /* (unowned) */
  Block    *free_blocks;
  GPtrArray *slabs;           /* (owned) (nullable) until a bucket is used;
                               * charged to the budget */
};

/* Segments of 2^@log2_seg bytes, @n_segs of them, sieving primes up to
 * @plimit. */
UbBuckets *
_ub_buckets_new (guint   log2_seg,
                 guint64 n_segs,
                 guint64 plimit)
{
  const Wheel210 *t = get_wheel210 ();
  UbBuckets *b = g_new0 (UbBuckets, 1);
  /* Enough buckets for the longest step of the largest prime (11 p / 30
   * bytes from where it is added), and no more than there are segments. */
  guint64 max_step = plimit / 30 * 11 + 64;
  guint64 need = MIN ((max_step >> log2_seg) + 3, n_segs + 1);
  guint64 n = 1;

  while (n < need)
    n <<= 1;
  b->log2_seg = log2_seg;
  b->seg_bytes = (gsize) 1 << log2_seg;
  b->n_segs = n_segs;
  b->end_seg = n_segs;
  b->buckets = g_new0 (UbSieveEntry *, n);
  b->bucket_mask = n - 1;
  b->w210 = t->w210;
  b->q210_index = t->q210_index;
  b->q210_skip = t->q210_skip;
  return b;
}

/* Bytes of bucket memory allocated. */
gsize
_ub_buckets_get_bytes (const UbBuckets *b)
{
  return b->slabs != NULL ? b->slabs->len * SLAB_BLOCKS * sizeof (Block) : 0;
}

static void
free_slabs (UbBuckets *b)
{
  _ub_sieve_budget_charge (-(gssize) _ub_buckets_get_bytes (b));
  g_clear_pointer (&b->slabs, g_ptr_array_unref);
  b->free_blocks = NULL;
}

void
_ub_buckets_free (UbBuckets *b)
{
  if (b == NULL)
    return;
  g_free (b->buckets);
  free_slabs (b);
  g_free (b);
}

/* Makes segment @end_seg the end of the window: multiples from there on
 * are not filed. At most the number of segments. */
void
_ub_buckets_set_end (UbBuckets *b,
                     guint64    end_seg)
{
  b->end_seg = MIN (end_seg, b->n_segs);
}

/* Empties every bucket, keeping the blocks for reuse. */
void
_ub_buckets_clear (UbBuckets *s)
{
  for (guint64 i = 0; i <= s->bucket_mask; i++)
    {
      UbSieveEntry *top = s->buckets[i];
      Block *b = top != NULL ? block_of (top) : NULL;

      while (b != NULL)
        {
          Block *next = b->next;

          b->next = s->free_blocks;
          s->free_blocks = b;
          b = next;
        }
      s->buckets[i] = NULL;
    }
}

/* Empties every bucket and, when more than @max_bytes are allocated,
 * gives all the memory back. */
void
_ub_buckets_clear_to (UbBuckets *s,
                      gsize      max_bytes)
{
  _ub_buckets_clear (s);
  if (_ub_buckets_get_bytes (s) > max_bytes)
    free_slabs (s);
}

/* Starts a new block in front of the full (or absent) one of @top and
 * returns its first entry. */
G_GNUC_NO_INLINE static UbSieveEntry *
new_block (UbBuckets    *s,
           UbSieveEntry *top)
{
  Block *b = s->free_blocks;

  if (b == NULL)
    {
      Block *slab = g_aligned_alloc (SLAB_BLOCKS, sizeof (Block), BLOCK_BYTES);

      _ub_sieve_budget_charge (SLAB_BLOCKS * sizeof (Block));
      if (s->slabs == NULL)
        s->slabs = g_ptr_array_new_with_free_func (g_aligned_free);
      g_ptr_array_add (s->slabs, slab);
      for (gsize i = 0; i < SLAB_BLOCKS; i++)
        {
          slab[i].next = b;
          b = &slab[i];
        }
    }
  s->free_blocks = b->next;
  b->next = top != NULL ? block_of (top) : NULL;
  return b->e;
}

static inline void
bucket_push (UbBuckets *s,
             guint64    g,
             guint32    a,
             guint32    packed)
{
  UbSieveEntry **slot = &s->buckets[g & s->bucket_mask];
  UbSieveEntry *top = *slot;

  if (G_UNLIKELY (((guintptr) top & (BLOCK_BYTES - 1)) == 0))
    top = new_block (s, top);
  top->a = a;
  top->packed = packed;
  *slot = top + 1;
}

/* The first multiple p q of @p at @start or later with q coprime to 210
 * and at least p: its offset from @start, and the index of q mod 210
 * among the 48. Past start, the first multiple of p there is start + d
 * with d the complement of start mod p; its cofactor q is then stepped up
 * to the next one coprime to 210, k p further. Offsets from start stay
 * below 11 p, so neither the range check nor the byte index needs the
 * 128-bit product p q. */
static inline guint64
first_multiple (const UbBuckets *s,
                guint32          p,
                guint64          start,
                guint           *q_index)
{
  guint64 q, d;
  guint qm, k;

  if ((guint64) p * p >= start)
    {
      q = p;
      d = (guint64) p * p - start;
    }
  else
    {
      guint64 r = start % p;

      q = start / p + (r != 0);
      d = r != 0 ? p - r : 0;
    }
  qm = (guint) (q % 210);
  k = s->q210_skip[qm];
  /* 209 is coprime to 210: the step never wraps q mod 210. */
  *q_index = s->q210_index[qm + k];
  return d + (guint64) k * p;
}

/* Files the @n sieving primes @primes, the segment @seg starting at byte
 * @base being the next one sieved, under the segments of their first
 * multiples there or later: at least p², cofactor coprime to 210. A prime
 * whose first such multiple is past @to is left out. */
void
_ub_buckets_add_primes (UbBuckets     *s,
                        guint64        seg,
                        guint64        base,
                        guint64        to,
                        const guint32 *primes,
                        gsize          n)
{
  const guint64 start = base * 30;
  const ub_u128 window = (ub_u128) (s->end_seg - seg) * s->seg_bytes * 30 - 1;
  const guint64 span = window < to - start ? (guint64) window : to - start;
  const gsize seg_mask = s->seg_bytes - 1;
  const guint log2_seg = s->log2_seg;

  for (gsize i = 0; i < n; i++)
    {
      guint32 p = primes[i];
      guint qi;
      guint64 off = first_multiple (s, p, start, &qi);

      if (off > span)
        continue;
      bucket_push (s, seg + ((off / 30) >> log2_seg), p / 30,
                   (guint32) ((off / 30) & seg_mask) << 9 |
                   ((guint32) bit_of_res[p % 30] * 48 + qi));
    }
}

/* Crosses off the multiples of the @n sieving primes @primes in the @len
 * bytes of @buf, the segment starting at byte @base, without filing them:
 * for a window of one segment when no bucket memory is to be had. */
void
_ub_buckets_cross_direct (const UbBuckets *s,
                          guint8          *buf,
                          gsize            len,
                          guint64          base,
                          const guint32   *primes,
                          gsize            n)
{
  const guint64 start = base * 30;
  const W210Step *const w = s->w210;

  for (gsize i = 0; i < n; i++)
    {
      guint32 p = primes[i];
      gsize a = p / 30;
      guint qi;
      guint64 pos = first_multiple (s, p, start, &qi) / 30;
      guint32 st = (guint32) bit_of_res[p % 30] * 48 + qi;

      while (pos < len)
        {
          const W210Step *step = &w[st];

          buf[pos] &= step->mask;
          pos += a * step->dq + step->corr;
          st = step->next;
        }
    }
}

/*
 * Crosses off in @buf the bucket primes of segment @seg. Each entry crosses
 * one multiple and moves to the bucket of its next one, which may be this
 * segment's again: the bucket is then taken up once more. One multiple per
 * entry, rather than a loop per prime over the segment, leaves no branch
 * on how many multiples a prime has here, which nothing could predict.
 */
void
_ub_buckets_cross (UbBuckets *sv,
                   guint8    *buf,
                   guint64    seg)
{
  /* All in locals: the stores into the sieve are through a byte pointer,
   * which may alias anything, so fields read through @sv would be read
   * again after every multiple crossed. */
  guint8 *s = buf;
  const W210Step *const w = sv->w210;
  UbSieveEntry **const buckets = sv->buckets;
  const guint64 bucket_mask = sv->bucket_mask;
  const gsize seg_mask = sv->seg_bytes - 1;
  const guint log2_seg = sv->log2_seg;
  const guint64 n_ahead = sv->end_seg - seg;
  UbSieveEntry **slot = &buckets[seg & bucket_mask];
  UbSieveEntry *end;

  while ((end = *slot) != NULL)
    {
      Block *b = block_of (end);

      *slot = NULL;
      while (b != NULL)
        {
          Block *next = b->next;

          for (const UbSieveEntry *e = b->e; e != end; e++)
            {
              gsize a = e->a;
              gsize pos = e->packed >> 9;
              guint32 st = e->packed & 511;
              const W210Step *step = &w[st];
              gsize ahead;

              s[pos] &= step->mask;
              pos += a * step->dq + step->corr;
              ahead = pos >> log2_seg;
              if (G_LIKELY (ahead < n_ahead))
                {
                  UbSieveEntry **to = &buckets[(seg + ahead) & bucket_mask];
                  UbSieveEntry *top = *to;

                  if (G_UNLIKELY (((guintptr) top & (BLOCK_BYTES - 1)) == 0))
                    top = new_block (sv, top);
                  top->a = (guint32) a;
                  top->packed = (guint32) (pos & seg_mask) << 9 | step->next;
                  *to = top + 1;
                }
            }

          b->next = sv->free_blocks;
          sv->free_blocks = b;
          b = next;
          end = b != NULL ? b->e + BLOCK_ENTRIES : NULL;
        }
    }
}
