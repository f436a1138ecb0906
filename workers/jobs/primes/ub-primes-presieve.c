/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <pthread.h>
#include <string.h>

#include "ub-primes-presieve.h"
#include "ub-primes-wheel.h"

/*
 * Pre-sieving: the multiples of the primes 7 … 101 fall in patterns that
 * repeat, so a segment starts as the AND of nine precomputed patterns
 * instead of being crossed off prime by prime.
 */

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

static const guint32 presieve_primes[] = {
  7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79,
  83, 89, 97, 101,
};

typedef struct
{
  guint8 *pattern[N_PRESIEVE];   /* (owned) never freed: process-wide */
  gsize   period[N_PRESIEVE];
} Patterns;

/* Written once by init_patterns() under pthread_once, read-only afterwards. */
static Patterns *patterns;

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

static void
init_patterns (void)
{
  Patterns *t = g_new0 (Patterns, 1);

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

  /* Never freed: the patterns live as long as the process. */
  patterns = t;
}

/* pthread_once rather than g_once_init_enter(): ThreadSanitizer sees the
 * ordering it gives, and GLib 2.74's is hidden inside the library. */
static const Patterns *
get_patterns (void)
{
  static pthread_once_t once = PTHREAD_ONCE_INIT;

  pthread_once (&once, init_patterns);
  return patterns;
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
void
_ub_presieve_fill (guint8  *buf,
                   guint64  base,
                   gsize    n)
{
  const Patterns *t = get_patterns ();
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

/* Gives back to buf[0, n), the bytes from @base on, the bits of the
 * pre-sieved primes themselves, and takes away the bit of 1. */
void
_ub_presieve_restore (guint8  *buf,
                      guint64  base,
                      gsize    n)
{
  if (base * 30 > UB_PRESIEVE_LAST)
    return;

  if (base == 0)
    buf[0] &= (guint8) ~1u;   /* 1 is not prime */
  for (gsize i = 0; i < G_N_ELEMENTS (presieve_primes); i++)
    {
      guint32 p = presieve_primes[i];

      if (p / 30 >= base && p / 30 < base + n)
        buf[p / 30 - base] |= 1u << bit_of_res[p % 30];
    }
}
