/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The bucket tier of the sieve (ub-primes-sieve.c): the sieving primes too
 * large to be worth a loop over each segment. Bucket g holds the primes
 * whose next multiple lies in segment g; each entry crosses one multiple
 * and is filed under the segment of its next one. Multiples walk the
 * mod-210 wheel, so cofactors divisible by 7 are skipped too. A window
 * (see ub-primes-sieve-window.h) ends the buckets early: multiples past
 * its last segment are dropped. The memory of the blocks is charged to
 * the process-wide budget of ub-primes-sieve-window.c.
 *
 * A UbBuckets belongs to one sieve and is used by one thread at a time.
 */

typedef struct _UbBuckets UbBuckets;

UbBuckets *_ub_buckets_new   (guint      log2_seg,
                              guint64    n_segs,
                              guint64    plimit);
void       _ub_buckets_free  (UbBuckets *buckets);
void       _ub_buckets_set_end (UbBuckets *buckets,
                                guint64    end_seg);
void       _ub_buckets_clear (UbBuckets *buckets);
void       _ub_buckets_clear_to (UbBuckets *buckets,
                                 gsize      max_bytes);
gsize      _ub_buckets_get_bytes (const UbBuckets *buckets);
void       _ub_buckets_add_primes (UbBuckets     *buckets,
                                   guint64        seg,
                                   guint64        base,
                                   guint64        to,
                                   const guint32 *primes,
                                   gsize          n);
void       _ub_buckets_cross_direct (const UbBuckets *buckets,
                                     guint8          *buf,
                                     gsize            len,
                                     guint64          base,
                                     const guint32   *primes,
                                     gsize            n);
void       _ub_buckets_cross (UbBuckets *buckets,
                              guint8    *buf,
                              guint64    seg);

G_END_DECLS
