/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The medium tier of the sieve (ub-primes-sieve.c): sieving primes with a
 * few to a few dozen multiples per segment. Too few for the unrolled
 * loops of the small tier to pay for their set-up, too many for one
 * bucket entry per multiple. Each prime's multiples in the segment are
 * crossed off in a loop that starts at its place in the mod-30 cycle;
 * the primes are kept in 64 lists, one per (residue of p, place in the
 * cycle), so that where that loop is entered is the same for a whole
 * list and the jump into it is predicted.
 *
 * A UbMedium belongs to one sieve and is used by one thread at a time.
 */

typedef struct _UbMedium UbMedium;

UbMedium *_ub_medium_new   (void);
void      _ub_medium_free  (UbMedium *medium);
void      _ub_medium_add   (UbMedium *medium,
                            guint32   a,
                            guint32   pos,
                            guint     state);
void      _ub_medium_cross (UbMedium *medium,
                            guint8   *s,
                            guint32   end);
gsize     _ub_medium_count (const UbMedium *medium);

G_END_DECLS
