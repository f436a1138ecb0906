/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "test-primes-common.h"

/*
 * Runs of the prime sieve engine: progress, cancellation, resuming from
 * saved records, the record's GVariant form, and splitting a range across
 * threads.
 */

/* ---- progress, cancellation, resuming --------------------------------- */

typedef struct
{
  GCancellable *cancellable;
  guint         calls;
  guint         cancel_at;
  guint64       last_done;
  guint64       total;
  Collect       collect;
} Run;

static void
on_progress (guint64  done,
             guint64  total,
             gpointer user_data)
{
  Run *run = user_data;

  g_assert_cmpuint (done, >, run->last_done);
  g_assert_cmpuint (done, <=, total);
  run->last_done = done;
  run->total = total;
  if (++run->calls == run->cancel_at)
    g_cancellable_cancel (run->cancellable);
}

static void
on_primes (const guint64 *primes,
           gsize          n,
           gpointer       user_data)
{
  Run *run = user_data;

  collect_primes (primes, n, &run->collect);
}

static void
test_progress (gconstpointer data)
{
  UbPrimesRecord record;
  Run run = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("Progress grows after each segment and ends at the total");

  apply_config (data);

  ub_primes_record_init (&record, 1000, 100000000);
  g_assert_true (ub_primes_run (&record, NULL, on_progress, &run, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (run.calls, >, 1);
  g_assert_cmpuint (run.total, ==, 100000000 - 1000 + 1);
  g_assert_cmpuint (run.last_done, ==, run.total);
  g_assert_cmpuint (record.count, ==, 5761455 - 168);

  /* the full 2^64 saturates instead of wrapping */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    Run full = { cancellable, 0, 1, 0, 0, { 0 } };

    ub_primes_record_init (&record, 0, TOP);
    g_assert_false (ub_primes_run (&record, NULL, on_progress, &full, cancellable, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_cmpuint (full.total, ==, G_MAXUINT64);
    g_assert_cmpuint (full.last_done, ==, record.next);
  }
}

static void
test_cancel (gconstpointer data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  UbPrimesRecord record;
  Run run = { cancellable, 0, 3, 0, 0, { 0 } };
  guint64 to, whole;

  g_test_summary ("Cancelling from the progress callback stops at a segment "
                  "boundary with a record that resumes to the exact count");

  apply_config (data);

  /* Six segments: the third is not the last. */
  to = 10 + 6 * ub_primes_get_segment_numbers (10, G_MAXUINT64 / 2) - 1;
  whole = count (10, to);
  ub_primes_record_init (&record, 10, to);
  g_assert_false (ub_primes_run (&record, NULL, on_progress, &run, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  g_assert_cmpuint (run.calls, ==, 3);
  g_assert_false (record.done);
  g_assert_cmpuint (record.from, ==, 10);
  g_assert_cmpuint (record.to, ==, to);
  g_assert_cmpuint (record.next, >, 10);
  g_assert_cmpuint (record.next, <, to);
  g_assert_cmpuint (record.next - 10, ==, run.last_done);
  if (record.next < REF_N)
    g_assert_cmpuint (record.count, ==, ref_count (10, record.next - 1));

  /* cancelled before the start: nothing moves */
  {
    UbPrimesRecord copy = record;

    g_assert_false (ub_primes_run (&record, NULL, NULL, NULL, cancellable, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
    assert_records_equal (&copy, &record);
  }

  g_assert_true (ub_primes_run (&record, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (record.done);
  g_assert_cmpuint (record.count, ==, whole);

  /* running a finished record again changes nothing */
  g_assert_true (ub_primes_run (&record, NULL, NULL, NULL, NULL, &error));
  g_assert_cmpuint (record.count, ==, whole);
}

/* Stops after every few segments, saves the record as a GVariant, reads it
 * back and carries on: the counts and the enumerated primes equal those of
 * an uninterrupted run. */
static void
resume_in_steps_limited (guint64 from,
                         guint64 n_segments,
                         guint   step,
                         gsize   limit)
{
  guint64 to = from + ub_primes_get_segment_numbers (from, G_MAXUINT64 / 2) * n_segments - 1;
  g_autoptr(GError) error = NULL;
  UbPrimesRecord record;
  guint64 n_counted = 0;
  g_autoptr(GArray) whole = enumerate (from, to, &n_counted);
  g_autoptr(GArray) pieces = g_array_new (FALSE, FALSE, sizeof (guint64));
  Collect collect = { pieces, 0, 0, FALSE, 0 };
  guint n_stops = 0;

  ub_primes_set_memory_limit (limit);
  ub_primes_record_init (&record, from, to);
  while (!record.done)
    {
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      g_autoptr(GVariant) saved = NULL;
      Run run = { cancellable, 0, step, 0, 0, collect };
      gboolean finished;

      finished = ub_primes_run (&record, on_primes, on_progress, &run, cancellable, &error);
      collect = run.collect;
      if (!finished)
        {
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
          g_clear_error (&error);
          n_stops++;
          /* everything below next was delivered, nothing above */
          g_assert_cmpuint (collect.n, ==, record.count);
          if (collect.any)
            g_assert_cmpuint (collect.last, <, record.next);
        }

      saved = ub_primes_record_to_variant (&record);
      memset (&record, 0xaa, sizeof record);
      g_assert_true (ub_primes_record_from_variant (saved, &record, &error));
      g_assert_no_error (error);
    }

  ub_primes_set_memory_limit (0);

  /* A stop every @step segments; the last segment finishes instead. */
  g_assert_cmpuint (n_stops, >=, (n_segments - 1) / step);
  g_assert_cmpuint (record.count, ==, n_counted);
  g_assert_cmpuint (pieces->len, ==, whole->len);
  g_assert_cmpmem (pieces->data, pieces->len * sizeof (guint64),
                   whole->data, whole->len * sizeof (guint64));
}

static void
resume_in_steps (guint64 from,
                 guint64 n_segments,
                 guint   step)
{
  resume_in_steps_limited (from, n_segments, step, 0);
}

/* The same with a memory limit of one byte for the pieces: every segment
 * a window. */
static void
resume_windowed_in_steps (guint64 from,
                          guint64 n_segments,
                          guint   step)
{
  resume_in_steps_limited (from, n_segments, step, 1);
}

static void
test_resume (gconstpointer data)
{
  g_test_summary ("Resuming from saved records at several points equals an "
                  "uninterrupted run");

  apply_config (data);

  resume_in_steps (0, 4, 1);
  resume_in_steps (7, 5, 2);
  resume_in_steps (G_GUINT64_CONSTANT (1000000000000), 7, 3);
}

static void
test_resume_windowed (gconstpointer data)
{
  g_test_summary ("Resuming a run sieved window by window under a tiny memory "
                  "limit equals an uninterrupted run without the limit");

  apply_config (data);

  /* The reference runs unbounded; then every segment is a window of its
   * own, and each resumed run starts its windows afresh. */
  ub_primes_set_memory_limit (1);
  g_assert_cmpuint (ub_primes_get_window_numbers (G_GUINT64_CONSTANT (1000000000000000),
                                                  G_GUINT64_CONSTANT (1000000100000000)),
                    ==, ub_primes_get_segment_numbers (G_GUINT64_CONSTANT (1000000000000000),
                                                       G_GUINT64_CONSTANT (1000000100000000)));
  ub_primes_set_memory_limit (0);
  resume_windowed_in_steps (G_GUINT64_CONSTANT (1000000000000000) + 11, 6, 2);
}

static void
test_record_variant (gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  UbPrimesRecord record, back;
  static const char *bad[] = {
    "(uint64 10, uint64 5, uint64 10, uint64 0, false)",     /* from > to */
    "(uint64 10, uint64 50, uint64 9, uint64 0, false)",     /* next < from */
    "(uint64 10, uint64 50, uint64 51, uint64 0, false)",    /* next > to */
    "(uint64 10, uint64 50, uint64 20, uint64 11, false)",   /* count > numbers */
    "(uint64 10, uint64 50, uint64 50, uint64 42, true)",    /* count > numbers */
    "(uint64 0, uint64 999999, uint64 999999, uint64 0, true)",         /* too few */
    "(uint64 0, uint64 999999, uint64 999999, uint64 400000, true)",    /* too many */
    "(uint64 0, uint64 9999999, uint64 5000000, uint64 100, false)",    /* too few so far */
    "(uint64 10, uint64 50, uint64 20, uint64 1)",           /* wrong type */
    "(10, 50, 20, 1, false)",                                /* wrong type */
  };

  g_test_summary ("Records survive a GVariant round trip; corrupt ones are refused");

  apply_config (data);

  /* π(12344) − π(2) = 1473: a count the range can hold. */
  record = (UbPrimesRecord) { 3, TOP, 12345, 1473, FALSE };
  {
    g_autoptr(GVariant) v = ub_primes_record_to_variant (&record);

    g_assert_false (g_variant_is_floating (v));
    g_assert_true (ub_primes_record_from_variant (v, &back, &error));
    g_assert_no_error (error);
    assert_records_equal (&record, &back);
  }

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GVariant) v = g_variant_ref_sink (g_variant_parse (NULL, bad[i], NULL, NULL, NULL));

      back = record;
      g_assert_false (ub_primes_record_from_variant (v, &back, &error));
      g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
      g_clear_error (&error);
      assert_records_equal (&record, &back);
    }
}

/* ---- splitting -------------------------------------------------------- */

static void
check_split (guint64 from,
             guint64 to,
             guint   n_parts)
{
  g_autofree UbPrimesRange *ranges = NULL;
  guint n = 0;

  ranges = ub_primes_split (from, to, n_parts, &n);
  g_assert_cmpuint (n, >=, 1);
  g_assert_cmpuint (n, <=, n_parts);
  g_assert_cmpuint (ranges[0].from, ==, from);
  g_assert_cmpuint (ranges[n - 1].to, ==, to);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpuint (ranges[i].from, <=, ranges[i].to);
      if (i > 0)
        {
          g_assert_cmpuint (ranges[i].from, ==, ranges[i - 1].to + 1);
          g_assert_cmpuint (ranges[i].from % 30, ==, 0);
        }
    }
  if (to - from >= (guint64) 30 * n_parts * 2)
    g_assert_cmpuint (n, ==, n_parts);
}

typedef struct
{
  UbPrimesRecord record;
  GThread       *thread;
} Part;

static gpointer
run_part (gpointer data)
{
  Part *part = data;

  if (!ub_primes_run (&part->record, NULL, NULL, NULL, NULL, NULL))
    return GINT_TO_POINTER (1);
  return NULL;
}

static guint64
count_split (guint64  from,
             guint64  to,
             guint    n_parts,
             gboolean threads)
{
  g_autofree UbPrimesRange *ranges = ub_primes_split (from, to, n_parts, &n_parts);
  g_autofree Part *parts = g_new0 (Part, n_parts);
  g_autofree UbPrimesRecord *records = g_new0 (UbPrimesRecord, n_parts);
  g_autoptr(GError) error = NULL;
  UbPrimesRecord merged;

  for (guint i = 0; i < n_parts; i++)
    {
      ub_primes_record_init (&parts[i].record, ranges[i].from, ranges[i].to);
      if (threads)
        parts[i].thread = g_thread_new ("test-primes", run_part, &parts[i]);
      else
        g_assert_null (run_part (&parts[i]));
    }
  for (guint i = 0; i < n_parts; i++)
    {
      if (threads)
        g_assert_null (g_thread_join (parts[i].thread));
      records[i] = parts[i].record;
    }

  g_assert_true (ub_primes_merge (records, n_parts, &merged, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (merged.from, ==, from);
  g_assert_cmpuint (merged.to, ==, to);
  g_assert_true (merged.done);

  if (n_parts >= 2)
    {
      /* a gap or an unfinished part is refused */
      records[1].from++;
      g_assert_false (ub_primes_merge (records, n_parts, &merged, &error));
      g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
      g_clear_error (&error);
      records[1].from--;
      records[0].done = FALSE;
      g_assert_false (ub_primes_merge (records, n_parts, &merged, &error));
      g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
    }

  return merged.count;
}

static void
test_split (gconstpointer data)
{
  static const guint64 ranges[][2] = {
    { 0, 0 }, { 0, 100 }, { 5, 1000 }, { 0, 100000000 }, { 123457, 98765431 },
    { G_GUINT64_CONSTANT (1000000000000), G_GUINT64_CONSTANT (1000050000000) },
    { TOP - 1000, TOP }, { 0, TOP },
  };

  g_test_summary ("Splitting across N parts, in threads or not, equals one part");

  apply_config (data);

  for (gsize i = 0; i < G_N_ELEMENTS (ranges); i++)
    for (guint n = 1; n <= 9; n++)
      check_split (ranges[i][0], ranges[i][1], n);

  for (gsize i = 0; i < 6; i++)
    {
      guint64 from = ranges[i][0], to = ranges[i][1];
      guint64 whole;

      /* the two widest low ranges take most of a minute under a sanitizer */
      if (UNDER_SANITIZER && !g_test_slow () && (i == 3 || i == 4))
        continue;
      whole = count (from, to);

      g_assert_cmpuint (count_split (from, to, 1, FALSE), ==, whole);
      g_assert_cmpuint (count_split (from, to, 4, FALSE), ==, whole);
      g_assert_cmpuint (count_split (from, to, 2, TRUE), ==, whole);
      g_assert_cmpuint (count_split (from, to, 3, TRUE), ==, whole);
    }
}

static const PrimesCase cases[] = {
  { "run/progress", test_progress, CPU | PINNED },
  { "run/cancel", test_cancel, PINNED },
  { "run/resume-windowed", test_resume_windowed, CPU | PINNED },
  { "run/resume", test_resume, PINNED },
  { "record/variant", test_record_variant, CPU },
  { "split/threads", test_split, CPU },
};

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  ref_init ();
  add_cases (cases, G_N_ELEMENTS (cases));
  return g_test_run ();
}
