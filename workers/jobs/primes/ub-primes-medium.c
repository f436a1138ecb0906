/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-primes-medium.h"
#include "ub-primes-wheel.h"

/* A medium prime p = 30 a + rp whose next multiple to cross is at byte pos
 * of the segment about to be sieved; its state is the list it is in. */
typedef struct
{
  guint32 a;
  guint32 pos;
} Entry;

typedef struct
{
  Entry *v;       /* (owned) */
  gsize  n;
  gsize  alloc;
} List;

#define N_STATES 64

struct _UbMedium
{
  /* cur: the primes of the segment about to be crossed, by state; next:
   * where crossing files them for the segment after. */
  List lists[2][N_STATES];
  guint cur;
};

UbMedium *
_ub_medium_new (void)
{
  return g_new0 (UbMedium, 1);
}

void
_ub_medium_free (UbMedium *m)
{
  if (m == NULL)
    return;
  for (guint h = 0; h < 2; h++)
    for (guint st = 0; st < N_STATES; st++)
      g_free (m->lists[h][st].v);
  g_free (m);
}

G_GNUC_NO_INLINE static void
list_grow (List *l)
{
  l->alloc = MAX (16, l->alloc * 2);
  l->v = g_renew (Entry, l->v, l->alloc);
}

static inline void
list_push (List    *l,
           guint32  a,
           guint32  pos)
{
  if (G_UNLIKELY (l->n == l->alloc))
    list_grow (l);
  l->v[l->n].a = a;
  l->v[l->n].pos = pos;
  l->n++;
}

/* @state: index of p mod 30 << 3 | place k in the cycle of the multiple
 * at @pos (see ub-primes-wheel.h). */
void
_ub_medium_add (UbMedium *m,
                guint32   a,
                guint32   pos,
                guint     state)
{
  g_assert (state < N_STATES);
  list_push (&m->lists[m->cur][state], a, pos);
}

gsize
_ub_medium_count (const UbMedium *m)
{
  gsize n = 0;

  for (guint st = 0; st < N_STATES; st++)
    n += m->lists[m->cur][st].n;
  return n;
}

/* Step k of the cycle of a prime of residue index R: stop and file the
 * prime if the multiple is past the segment, else cross it off and move
 * on to the next. */
#define MSTEP(R, k) \
  case k: \
    if (G_UNLIKELY (i >= end)) \
      { \
        list_push (&next[(R) * 8 + (k)], a, i - end); \
        break; \
      } \
    s[i] &= MASK (R, k); \
    i += a * DQ (k) + CC (R, k);

/* Crosses off in s[0, end) the @n primes of residue index R at place @k. */
#define DEFINE_CROSS(R) \
static void \
cross_##R (guint8 *restrict s, \
           guint32 end, \
           const Entry *restrict e, \
           gsize n, \
           guint k, \
           List *next) \
{ \
  for (gsize j = 0; j < n; j++) \
    { \
      guint32 a = e[j].a; \
      guint32 i = e[j].pos; \
      switch (k) \
        { \
          for (;;) \
            { \
              MSTEP (R, 0) G_GNUC_FALLTHROUGH; \
              MSTEP (R, 1) G_GNUC_FALLTHROUGH; \
              MSTEP (R, 2) G_GNUC_FALLTHROUGH; \
              MSTEP (R, 3) G_GNUC_FALLTHROUGH; \
              MSTEP (R, 4) G_GNUC_FALLTHROUGH; \
              MSTEP (R, 5) G_GNUC_FALLTHROUGH; \
              MSTEP (R, 6) G_GNUC_FALLTHROUGH; \
              MSTEP (R, 7) \
            } \
          break; \
        default: \
          g_assert_not_reached (); \
        } \
    } \
}

DEFINE_CROSS (0)
DEFINE_CROSS (1)
DEFINE_CROSS (2)
DEFINE_CROSS (3)
DEFINE_CROSS (4)
DEFINE_CROSS (5)
DEFINE_CROSS (6)
DEFINE_CROSS (7)

typedef void (*CrossFunc) (guint8 *s, guint32 end, const Entry *e, gsize n,
                           guint k, List *next);

/* Crosses off the medium primes in s[0, end), the segment about to be
 * sieved; their positions move on by end. */
void
_ub_medium_cross (UbMedium *m,
                  guint8   *s,
                  guint32   end)
{
  static const CrossFunc cross[8] = {
    cross_0, cross_1, cross_2, cross_3, cross_4, cross_5, cross_6, cross_7,
  };
  List *cur = m->lists[m->cur];
  List *next = m->lists[m->cur ^ 1];

  for (guint st = 0; st < N_STATES; st++)
    {
      cross[st >> 3] (s, end, cur[st].v, cur[st].n, st & 7, next);
      cur[st].n = 0;
    }
  m->cur ^= 1;
}
