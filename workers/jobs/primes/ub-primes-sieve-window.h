/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The windows of the sieve (ub-primes-sieve.c), private to workers/.
 *
 * The bucket tier holds one 8-byte entry for each sieving prime with a
 * multiple ahead in the range: right below 2^64, for 10^10 numbers, most
 * of the 203 million primes below 2^32, 1.3 GB. When that would pass the
 * memory limit the range is sieved in windows of whole segments, each
 * small enough for its entries to fit: the buckets then only take the
 * multiples inside the current window, and at the start of each window
 * the bucket primes are made again by a sieve of their own and placed
 * anew. That costs one pass over the sieving primes per window; the
 * largest window that fits keeps the number of passes down.
 *
 * The limit is for the whole process: every sieve with a bucket tier, in
 * every thread of every run, reserves its windows from one budget (see
 * ub-primes-sieve-window.c). A sieve for which not even one segment fits
 * crosses its bucket primes straight into the segment, holding no bucket
 * memory, until a later segment finds room.
 */

#define UB_SIEVE_DEFAULT_MEMORY_LIMIT ((gsize) 384 * 1024 * 1024)

void    _ub_sieve_set_memory_limit    (gsize    bytes);
gsize   _ub_sieve_get_memory_limit    (void);

double  _ub_sieve_window_bucket_bytes (guint64  window_numbers,
                                       guint64  n_window_segs,
                                       guint64  bucket_min,
                                       guint64  plimit);
guint64 _ub_sieve_window_segments     (guint64  n_segs,
                                       gsize    seg_bytes,
                                       guint64  bucket_min,
                                       guint64  plimit,
                                       gsize    budget,
                                       gsize   *bytes);

/* The process-wide budget. */
typedef struct
{
  guint n_live;           /* sieves with a bucket tier */
  gsize reserved;         /* their reservations, bytes */
  gsize held;             /* bucket memory they hold, bytes */
  gsize reserved_peak;    /* high-water marks since the last reset */
  gsize held_peak;
} UbSieveBudgetStats;

void     _ub_sieve_budget_join        (void);
void     _ub_sieve_budget_leave       (gsize    reserved);
gsize    _ub_sieve_budget_offer       (void);
gboolean _ub_sieve_budget_reserve     (gsize    bytes);
void     _ub_sieve_budget_release     (gsize    bytes);
gboolean _ub_sieve_budget_over_share  (gsize    reserved);
void     _ub_sieve_budget_charge      (gssize   bytes);

/* For tests and benchmarks. */
void     _ub_sieve_budget_get_stats   (UbSieveBudgetStats *stats);
void     _ub_sieve_budget_reset_peaks (void);

G_END_DECLS
