/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

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

/*
 * Right below 2^64 the sieve needs every prime up to 2^32 and a division
 * for each, about two seconds whatever the range's length. A short range
 * there is cheaper to sieve with the primes up to @mr_limit only and to
 * confirm each survivor with a Miller–Rabin test, which is exact for
 * 64-bit numbers with Sinclair's seven bases. Whether it is, for
 * [@from, @to] and the sieving primes up to @plimit.
 */
gboolean
_ub_primes_mr_pays (guint64 from,
                    guint64 to,
                    guint64 plimit,
                    guint64 mr_limit)
{
  double numbers, sieve_cost, mr_cost;

  if (plimit <= mr_limit || from < mr_limit * mr_limit)
    return FALSE;

  /* Rough costs in nanoseconds, measured here: about 10 ns per sieving
   * prime to set up; the survivors of the primes up to 2^20 (4 % of the
   * numbers) cost 0.75 µs each and the primes among them 3.75 µs. */
  numbers = (double) (to - from) + 1.0;
  sieve_cost = (double) plimit / log ((double) plimit) * 10.0;
  mr_cost = numbers * 0.0405 * 750.0 + numbers / log ((double) to) * 3750.0;
  return mr_cost < sieve_cost;
}

/* Clears the bits of the survivors that are not prime in the @n_words
 * words of a segment that starts at byte @base. */
void
_ub_primes_mr_confirm (guint64 *words,
                       guint64  base,
                       gsize    n_words)
{
  for (gsize j = 0; j < n_words; j++)
    {
      guint64 w = words[j];
      guint64 n30 = (base + 8 * j) * 30;

      while (w != 0)
        {
          guint b = (guint) __builtin_ctzll (w);

          w &= w - 1;
          if (!_ub_primes_is_prime_mr (n30 + off64[b]))
            words[j] &= ~((guint64) 1 << b);
        }
    }
}
