/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-primes-mr.h"
#include "ub-primes-wheel.h"

/*
 * Miller–Rabin in Montgomery form, for the survivors of a short range
 * high up that the sieve crossed off only with the primes below 2^20.
 */

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
gboolean
_ub_primes_is_prime_mr (guint64 n)
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
