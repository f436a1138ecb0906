/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * The segmented sieve behind ub-primes.c (private to workers/).
 *
 * A UbSieve walks an inclusive range [from, to] of 64-bit numbers one
 * segment at a time. Each segment is a bit array of numbers coprime to 30
 * (8 per byte) of half the L2 cache; it is pre-sieved by ANDing patterns
 * of the primes 7 … 101, then the sieving primes below a quarter of the
 * L1 cache are crossed off L1-sized block by block with unrolled loops,
 * those below half a segment over the whole segment with the same loops,
 * those below four segments by the medium tier (ub-primes-medium.c), a
 * loop per prime over its few multiples, the primes kept in lists by
 * where the loop starts; the larger ones are kept in buckets, one per
 * future segment (ub-primes-bucket.c), so a prime is only touched in the
 * segments it hits; these walk a mod-210 wheel, one multiple per entry.
 *
 * Sieving primes are produced on demand by a smaller sieve of the same
 * kind running over [103, sqrt(to)], so memory is the segment plus one
 * 8-byte entry per sieving prime that has a multiple in the range, or in
 * the current window when that would pass the memory limit (see
 * ub-primes-sieve-window.h). Short
 * ranges above 2^40 may instead be sieved with the primes below 2^20 and
 * their survivors confirmed by Miller–Rabin.
 *
 * A UbSieve is used by one thread at a time.
 */

typedef struct _UbSieve UbSieve;

/* Receives the primes of a segment in increasing order, in batches. */
typedef void (*UbSieveEmitFunc) (const guint64 *primes,
                                 gsize          n_primes,
                                 gpointer       user_data);

UbSieve  *_ub_sieve_new        (guint64          from,
                                guint64          to);
void      _ub_sieve_free       (UbSieve         *sieve);
gboolean  _ub_sieve_next       (UbSieve         *sieve,
                                UbSieveEmitFunc  emit,
                                gpointer         user_data,
                                GCancellable    *cancellable,
                                guint64         *seg_lo,
                                guint64         *seg_hi,
                                guint64         *count,
                                GError         **error);

guint64     _ub_sieve_get_segment_numbers (const UbSieve *sieve);
guint64     _ub_sieve_get_window_numbers  (const UbSieve *sieve);

void        _ub_sieve_set_cache_sizes     (gsize          l1_bytes,
                                           gsize          l2_bytes);
void        _ub_sieve_set_portable_only   (gboolean       only);
void        _ub_sieve_set_sieve_only      (gboolean       only);
const char *_ub_sieve_get_implementation  (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UbSieve, _ub_sieve_free)

G_END_DECLS
