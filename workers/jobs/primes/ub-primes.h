/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * UbPrimesRecord:
 * @from: first number of the range
 * @to: last number of the range (inclusive)
 * @next: first number not sieved yet; meaningless once @done
 * @count: number of primes in [@from, @next) (in [@from, @to] once @done)
 * @done: whether the whole range has been sieved
 *
 * The whole state of a prime job between two segments: a plain value that
 * can be copied, saved with ub_primes_record_to_variant() and handed back to
 * ub_primes_run() to carry on exactly where it stopped.
 */
typedef struct
{
  guint64  from;
  guint64  to;
  guint64  next;
  guint64  count;
  gboolean done;
} UbPrimesRecord;

/**
 * UbPrimesRange:
 * @from: first number
 * @to: last number (inclusive)
 *
 * One part of a split range.
 */
typedef struct
{
  guint64 from;
  guint64 to;
} UbPrimesRange;

/**
 * UbPrimesFunc:
 * @primes: (array length=n_primes): the next primes, strictly increasing
 * @n_primes: how many, at least 1
 * @user_data: closure
 *
 * Receives the primes of a run in order, in batches of up to a thousand.
 * @primes is only valid during the call.
 */
typedef void (*UbPrimesFunc) (const guint64 *primes,
                              gsize          n_primes,
                              gpointer       user_data);

/**
 * UbPrimesProgressFunc:
 * @done: numbers of the range sieved so far
 * @total: numbers in the range (saturated to %G_MAXUINT64 for the full 2^64)
 * @user_data: closure
 *
 * Called after each segment (a few million numbers, about a millisecond):
 * keep it cheap. Cancelling the run's cancellable from here stops the run
 * before the next segment.
 */
typedef void (*UbPrimesProgressFunc) (guint64  done,
                                      guint64  total,
                                      gpointer user_data);

void           ub_primes_record_init         (UbPrimesRecord        *record,
                                              guint64                from,
                                              guint64                to);
GVariant      *ub_primes_record_to_variant   (const UbPrimesRecord  *record);
gboolean       ub_primes_record_from_variant (GVariant              *variant,
                                              UbPrimesRecord        *record,
                                              GError               **error);
void           ub_primes_count_bounds        (guint64                from,
                                              guint64                last,
                                              guint64               *min,
                                              guint64               *max);

gboolean       ub_primes_run                 (UbPrimesRecord        *record,
                                              UbPrimesFunc           primes_func,
                                              UbPrimesProgressFunc   progress_func,
                                              gpointer               user_data,
                                              GCancellable          *cancellable,
                                              GError               **error);
gboolean       ub_primes_count               (guint64                from,
                                              guint64                to,
                                              guint64               *count,
                                              GCancellable          *cancellable,
                                              GError               **error);

UbPrimesRange *ub_primes_split               (guint64                from,
                                              guint64                to,
                                              guint                  n_parts,
                                              guint                 *n_ranges);
gboolean       ub_primes_merge               (const UbPrimesRecord  *parts,
                                              guint                  n_parts,
                                              UbPrimesRecord        *merged,
                                              GError               **error);

void           ub_primes_set_cache_sizes     (gsize                  l1_bytes,
                                              gsize                  l2_bytes);
guint64        ub_primes_get_segment_numbers (guint64                from,
                                              guint64                to);
void           ub_primes_set_memory_limit    (gsize                  bytes);
guint64        ub_primes_get_window_numbers  (guint64                from,
                                              guint64                to);
void           ub_primes_set_portable_only   (gboolean               only);
void           ub_primes_set_sieve_only      (gboolean               only);
const char    *ub_primes_get_implementation  (void);

G_END_DECLS
