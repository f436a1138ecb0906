/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-primes-cross.h"
#include "ub-primes-wheel.h"

/*
 * Crossing off the small and medium sieving primes: each prime's cycle of
 * eight steps is unrolled for its residue, so the inner loop crosses off
 * eight multiples per turn with constant masks and offsets.
 */

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
void
_ub_sieve_cross_small (guint8       *s,
                       guint32       end,
                       UbSieveEntry *primes,
                       gsize         n)
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
