/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>

#include "ub-error.h"
#include "ub-primes.h"
#include "ub-primes-sieve.h"
#include "ub-primes-sieve-window.h"

/*
 * The prime job: counting and enumerating the primes of a range of 64-bit
 * numbers with the segmented sieve of ub-primes-sieve.c. It knows nothing
 * of ports or workers: the caller passes a cancellable and callbacks, and
 * keeps the UbPrimesRecord that says how far the job went.
 */

#define RECORD_TYPE "(ttttb)"

/* Boundaries between split parts fall on multiples of this when the parts
 * are long enough: a whole number of 64 KiB sieve blocks. */
#define SPLIT_ALIGN_BIG ((guint64) 30 * 65536)

/**
 * ub_primes_record_init:
 * @record: (out caller-allocates): the record to fill
 * @from: first number
 * @to: last number, at least @from
 *
 * Sets @record to a job over [@from, @to] that has not started.
 */
void
ub_primes_record_init (UbPrimesRecord *record,
                       guint64         from,
                       guint64         to)
{
  g_return_if_fail (record != NULL);
  g_return_if_fail (from <= to);

  record->from = from;
  record->to = to;
  record->next = from;
  record->count = 0;
  record->done = FALSE;
}

/**
 * ub_primes_record_to_variant:
 * @record: a record
 *
 * Returns: (transfer full): a new non-floating `(ttttb)` variant holding
 *   from, to, next, count and done.
 */
GVariant *
ub_primes_record_to_variant (const UbPrimesRecord *record)
{
  g_return_val_if_fail (record != NULL, NULL);

  return g_variant_ref_sink (g_variant_new (RECORD_TYPE,
                                            record->from, record->to,
                                            record->next, record->count,
                                            record->done));
}

/* Upper bound of π(x) for x > 1 (Rosser and Schoenfeld: < 1.25506 x/ln x). */
static double
pi_upper (double x)
{
  return x < 17 ? x : 1.25506 * x / log (x);
}

/* Lower bound of π(x) (Rosser and Schoenfeld: > x/ln x for x ≥ 17). */
static double
pi_lower (double x)
{
  return x < 17 ? 0 : x / log (x);
}

/**
 * ub_primes_count_bounds:
 * @from: first number
 * @last: last number, at least @from
 * @min: (out): no fewer primes than this lie in [@from, @last]
 * @max: (out): no more than this
 *
 * Bounds that any true count satisfies, cheap to compute: a record read
 * from disk whose count falls outside them is forged or corrupt. The upper
 * bound is Montgomery and Vaughan's 2n/ln n (n the length of the range)
 * and the count of odd numbers plus one; the lower one π(@last) −
 * π(@from − 1) from Rosser and Schoenfeld's bounds of π. Both leave a
 * margin for rounding.
 */
void
ub_primes_count_bounds (guint64  from,
                        guint64  last,
                        guint64 *min,
                        guint64 *max)
{
  guint64 n = last - from + (last - from < G_MAXUINT64 ? 1 : 0);
  double upper = (double) (n / 2 + 2);
  double lower;

  if (n >= 2)
    upper = MIN (upper, 2.0 * (double) n / log ((double) n) + 2);
  lower = pi_lower ((double) last) - (from > 1 ? pi_upper ((double) (from - 1)) : 0);

  *max = upper >= 1.8e19 ? G_MAXUINT64 : (guint64) upper;
  *min = lower > 2 ? (guint64) (lower * (1 - 1e-9)) - 1 : 0;
}

/* Whether @count primes can lie in [@from, @end] (done) or [@from, @end). */
static gboolean
count_is_possible (guint64  from,
                   guint64  end,
                   gboolean done,
                   guint64  count)
{
  guint64 min, max;

  if (!done && end == from)
    return count == 0;

  /* A part not yet done has counted [from, next). */
  ub_primes_count_bounds (from, done ? end : end - 1, &min, &max);
  return count >= min && count <= max;
}

/**
 * ub_primes_record_from_variant:
 * @variant: a variant from ub_primes_record_to_variant(), maybe read back
 *   from disk
 * @record: (out caller-allocates): the record to fill
 * @error: return location for a #GError
 *
 * Reads a record back, checking that it is consistent: a record that comes
 * from a file can be corrupt.
 *
 * Returns: %TRUE on success; %FALSE with %UB_ERROR_INVALID_DATA (and
 *   @record untouched) otherwise
 */
gboolean
ub_primes_record_from_variant (GVariant        *variant,
                               UbPrimesRecord  *record,
                               GError         **error)
{
  guint64 from, to, next, count;
  gboolean done;

  g_return_val_if_fail (variant != NULL, FALSE);
  g_return_val_if_fail (record != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!g_variant_is_of_type (variant, G_VARIANT_TYPE (RECORD_TYPE)))
    {
      g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                   _("Prime job record has type “%s”, expected “%s”"),
                   g_variant_get_type_string (variant), RECORD_TYPE);
      return FALSE;
    }

  g_variant_get (variant, RECORD_TYPE, &from, &to, &next, &count, &done);

  if (from > to || (!done && (next < from || next > to)) ||
      (!done && count > next - from) || (done && count > to - from + 1) ||
      !count_is_possible (from, done ? to : next, done, count))
    {
      g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                   _("Prime job record is inconsistent (from %llu, to %llu, next %llu, count %llu)"),
                   (unsigned long long) from, (unsigned long long) to,
                   (unsigned long long) next, (unsigned long long) count);
      return FALSE;
    }

  record->from = from;
  record->to = to;
  record->next = done ? to : next;
  record->count = count;
  record->done = done;
  return TRUE;
}

static guint64
numbers_between (guint64 from,
                 guint64 last)
{
  guint64 n = last - from;

  return n == G_MAXUINT64 ? n : n + 1;
}

/**
 * ub_primes_run:
 * @record: (inout): where the job stands; updated after every segment
 * @primes_func: (nullable) (scope call): receives the primes in order, or
 *   %NULL to only count them
 * @progress_func: (nullable) (scope call): called after each segment
 * @user_data: closure for both callbacks
 * @cancellable: (nullable): a #GCancellable, checked between segments
 * @error: return location for a #GError
 *
 * Sieves the rest of @record's range, from @record->next on. On success
 * @record is done and @record->count is the number of primes in the range.
 *
 * When @cancellable fires, the run stops at the next segment boundary and
 * returns %G_IO_ERROR_CANCELLED; @record then says exactly how far it got
 * (every prime below @record->next was counted and passed to @primes_func,
 * none above), so running it again produces the rest of the result of an
 * uninterrupted run. That is also how a job is paused.
 *
 * Memory: the segment (half the L2 cache) plus eight bytes for each
 * sieving prime up to sqrt(@to) that has a multiple in the range; the
 * sieving primes themselves are made segment by segment as they are
 * needed. That would be about 1.3 GB for 10^10 numbers right below 2^64
 * (primesieve holds as much), a few MB below 10^12: past the limit set
 * with ub_primes_set_memory_limit() the range is sieved in windows that
 * fit, the sieving primes being made again for each. That limit is for
 * all the runs of the process together.
 *
 * Returns: %TRUE when the range is done, %FALSE with @error set otherwise
 */
gboolean
ub_primes_run (UbPrimesRecord        *record,
               UbPrimesFunc           primes_func,
               UbPrimesProgressFunc   progress_func,
               gpointer               user_data,
               GCancellable          *cancellable,
               GError               **error)
{
  g_autoptr(UbSieve) sieve = NULL;
  guint64 total;

  g_return_val_if_fail (record != NULL, FALSE);
  g_return_val_if_fail (record->from <= record->to, FALSE);
  g_return_val_if_fail (record->done ||
                        (record->next >= record->from && record->next <= record->to),
                        FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (record->done)
    return TRUE;

  total = numbers_between (record->from, record->to);
  sieve = _ub_sieve_new (record->next, record->to);

  for (;;)
    {
      GError *local_error = NULL;
      guint64 lo, hi, count;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      if (!_ub_sieve_next (sieve, primes_func, user_data, cancellable,
                           &lo, &hi, &count, &local_error))
        {
          if (local_error != NULL)
            {
              g_propagate_error (error, local_error);
              return FALSE;
            }
          g_assert_not_reached ();
        }

      record->count += count;
      if (hi == record->to)
        {
          record->next = record->to;
          record->done = TRUE;
        }
      else
        {
          record->next = hi + 1;
        }

      if (progress_func != NULL)
        progress_func (numbers_between (record->from, hi), total, user_data);

      if (record->done)
        return TRUE;
    }
}

/**
 * ub_primes_count:
 * @from: first number
 * @to: last number, at least @from
 * @count: (out): number of primes in [@from, @to]
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Counts the primes in [@from, @to] in one go; see ub_primes_run().
 *
 * Returns: %TRUE on success
 */
gboolean
ub_primes_count (guint64        from,
                 guint64        to,
                 guint64       *count,
                 GCancellable  *cancellable,
                 GError       **error)
{
  UbPrimesRecord record;

  g_return_val_if_fail (from <= to, FALSE);
  g_return_val_if_fail (count != NULL, FALSE);

  ub_primes_record_init (&record, from, to);
  if (!ub_primes_run (&record, NULL, NULL, NULL, cancellable, error))
    return FALSE;
  *count = record.count;
  return TRUE;
}

/**
 * ub_primes_split:
 * @from: first number
 * @to: last number, at least @from
 * @n_parts: how many parts are wanted, at least 1
 * @n_ranges: (out): how many parts are returned
 *
 * Cuts [@from, @to] into contiguous parts of about equal length for a pool
 * of workers: part i + 1 starts right after part i ends, the first starts
 * at @from and the last ends at @to. Inner boundaries fall on multiples of
 * 30 (of 30 × 65536 when the parts are long), so no part shares a sieve
 * byte with another. A short range gives fewer parts than asked.
 *
 * Returns: (transfer full) (array length=n_ranges): the parts, free with
 *   g_free()
 */
UbPrimesRange *
ub_primes_split (guint64  from,
                 guint64  to,
                 guint    n_parts,
                 guint   *n_ranges)
{
  UbPrimesRange *ranges;
  guint64 span;
  guint64 align;
  guint64 start;
  guint n = 0;

  g_return_val_if_fail (from <= to, NULL);
  g_return_val_if_fail (n_parts >= 1, NULL);
  g_return_val_if_fail (n_ranges != NULL, NULL);

  span = to - from;   /* numbers - 1 */
  align = span / n_parts >= 4 * SPLIT_ALIGN_BIG ? SPLIT_ALIGN_BIG : 30;
  ranges = g_new (UbPrimesRange, n_parts);
  start = from;

  for (guint i = 1; i < n_parts; i++)
    {
      /* from + span * i / n_parts, without overflow */
      guint64 cut = from + (guint64) (((unsigned __int128) span * i) / n_parts);

      cut -= cut % align;
      if (cut <= start || cut > to)
        continue;
      ranges[n].from = start;
      ranges[n].to = cut - 1;
      n++;
      start = cut;
    }
  ranges[n].from = start;
  ranges[n].to = to;
  n++;

  *n_ranges = n;
  return ranges;
}

/**
 * ub_primes_merge:
 * @parts: (array length=n_parts): finished records of contiguous parts, in
 *   order
 * @n_parts: how many, at least 1
 * @merged: (out caller-allocates): the finished record of the whole range
 * @error: return location for a #GError
 *
 * Adds up the counts of the parts of a split range.
 *
 * Returns: %TRUE on success; %FALSE with %UB_ERROR_INVALID_DATA when a part
 *   is not finished or the parts do not tile one range
 */
gboolean
ub_primes_merge (const UbPrimesRecord  *parts,
                 guint                  n_parts,
                 UbPrimesRecord        *merged,
                 GError               **error)
{
  guint64 count = 0;

  g_return_val_if_fail (parts != NULL, FALSE);
  g_return_val_if_fail (n_parts >= 1, FALSE);
  g_return_val_if_fail (merged != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint i = 0; i < n_parts; i++)
    {
      if (!parts[i].done)
        {
          g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                       _("Part %u of the prime job is not finished"), i);
          return FALSE;
        }
      if (i > 0 && (parts[i - 1].to == G_MAXUINT64 ||
                    parts[i].from != parts[i - 1].to + 1))
        {
          g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                       _("Part %u of the prime job does not follow part %u"), i, i - 1);
          return FALSE;
        }
      count += parts[i].count;
    }

  merged->from = parts[0].from;
  merged->to = parts[n_parts - 1].to;
  merged->next = merged->to;
  merged->count = count;
  merged->done = TRUE;
  return TRUE;
}

/**
 * ub_primes_set_cache_sizes:
 * @l1_bytes: the L1 data cache to size blocks for, or 0 for the CPU's own
 * @l2_bytes: the L2 cache to size segments for, or 0 for the CPU's own
 *
 * Pins the cache sizes that new runs size their segments and blocks from,
 * instead of those the CPU reports. Runs already going keep theirs. For
 * tests and benchmarks, whose expectations must not depend on the machine:
 * a given size makes the same segments on every CPU.
 *
 * Callable from any thread.
 */
void
ub_primes_set_cache_sizes (gsize l1_bytes,
                           gsize l2_bytes)
{
  _ub_sieve_set_cache_sizes (l1_bytes, l2_bytes);
}

/* The numbers a segment, or a window, of a run over [@from, @to] spans
 * with the settings now in force: a sieve is made and dropped. */
static guint64
sieve_numbers (guint64  from,
               guint64  to,
               gboolean window)
{
  g_autoptr(UbSieve) sieve = _ub_sieve_new (from, to);

  return window ? _ub_sieve_get_window_numbers (sieve)
                : _ub_sieve_get_segment_numbers (sieve);
}

/**
 * ub_primes_get_segment_numbers:
 * @from: first number
 * @to: last number, at least @from
 *
 * Returns: how many numbers one segment of a run over [@from, @to] spans
 *   with the cache sizes now in force: the run reports progress, and can
 *   be stopped, once per segment
 */
guint64
ub_primes_get_segment_numbers (guint64 from,
                               guint64 to)
{
  g_return_val_if_fail (from <= to, 0);

  return sieve_numbers (from, to, FALSE);
}

/**
 * ub_primes_set_memory_limit:
 * @bytes: what the large-prime buckets of all the runs of the process may
 *   hold together, or 0 for the default of 384 MiB
 *
 * Bounds the memory of the runs, all together: every run, and every
 * thread of a split count, sizes each window from one budget, its share
 * among the runs live at that moment (15/16 of @bytes is for the
 * buckets, the rest for the segments and the like). A run whose buckets
 * would pass its share sieves its range in windows whose buckets fit, at
 * the cost of making the sieving primes again for every window: right
 * below 2^64 that is a pass over the 203 million primes below 2^32 per
 * window. Counts are the same either way. Runs take a new limit at their
 * next window, or at their next segment when they hold more than it
 * allows. Callable from any thread.
 */
void
ub_primes_set_memory_limit (gsize bytes)
{
  _ub_sieve_set_memory_limit (bytes);
}

/**
 * ub_primes_get_window_numbers:
 * @from: first number
 * @to: last number, at least @from
 *
 * Returns: how many numbers one window of a run over [@from, @to] spans
 *   under the memory limit now in force (see ub_primes_set_memory_limit()):
 *   at least the whole range when it is sieved in one go, one segment at
 *   the least; saturated to %G_MAXUINT64
 */
guint64
ub_primes_get_window_numbers (guint64 from,
                              guint64 to)
{
  g_return_val_if_fail (from <= to, 0);

  return sieve_numbers (from, to, TRUE);
}

/**
 * ub_primes_set_portable_only:
 * @only: %TRUE to count with portable code even where the CPU has POPCNT
 *
 * For tests and benchmarks: runs both paths on one CPU. Callable from any
 * thread; runs already going may change path at their next segment.
 */
void
ub_primes_set_portable_only (gboolean only)
{
  _ub_sieve_set_portable_only (only);
}

/**
 * ub_primes_set_sieve_only:
 * @only: %TRUE to sieve short ranges high up with every prime up to
 *   their square root, never with the small primes and Miller–Rabin
 *
 * For tests and benchmarks: checks the sieve itself where the engine would
 * rather confirm survivors one by one. Callable from any thread; it takes
 * effect for counts started afterwards.
 */
void
ub_primes_set_sieve_only (gboolean only)
{
  _ub_sieve_set_sieve_only (only);
}

/**
 * ub_primes_get_implementation:
 *
 * Returns: (transfer none): "popcnt" or "portable": the code that counts
 */
const char *
ub_primes_get_implementation (void)
{
  return _ub_sieve_get_implementation ();
}
