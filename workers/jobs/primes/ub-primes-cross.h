/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A sieving prime p = 30 a + rp and where it is in its cycle (see
 * ub-primes-wheel.h). */
typedef struct
{
  guint32 a;        /* p / 30 */
  guint32 packed;   /* next byte << 6 | index of p mod 30 << 3 | step k */
} UbSieveEntry;

void _ub_sieve_cross_small (guint8       *s,
                            guint32       end,
                            UbSieveEntry *primes,
                            gsize         n);

G_END_DECLS
