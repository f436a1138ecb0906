/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "ub-error.h"
#include "ub-jobs.h"
#include "ub-pipeline.h"
#include "ub-png-jobs.h"

/*
 * Blocking mode's one strategy, ub_job_run_blocking(): the job's own
 * function on the calling thread, its progress delivered there from
 * inside the job, failures and cancellation as a worker reports them, and
 * every call counted.
 */

#define TEST_JOB_STEPS "test.steps"

static char *work_dir;

typedef struct
{
  GThread *thread;
  guint    n_reports;
  guint    cancel_at;     /* 0: never */
  GCancellable *cancellable;  /* (unowned) (nullable) */
  guint    last_step;
} Progress;

/* (u) n: reports steps 1..n, stopping when cancelled; returns n. */
static GVariant *
steps_job (GVariant      *params,
           UbJobContext  *context,
           GError       **error)
{
  guint32 n;

  g_variant_get (params, "(u)", &n);
  g_assert_true (ub_job_context_is_blocking (context));
  for (guint32 i = 1; i <= n; i++)
    {
      if (g_cancellable_set_error_if_cancelled (ub_job_context_get_cancellable (context), error))
        return NULL;
      ub_job_context_report_progress (context, g_variant_new_uint32 (i));
    }
  return g_variant_new_uint32 (n);
}

static void
on_progress (GVariant *progress,
             gpointer  user_data)
{
  Progress *seen = user_data;
  UbJobBlockingStats stats;

  /* On the caller's thread, while the call runs. */
  g_assert_true (g_thread_self () == seen->thread);
  ub_job_get_blocking_stats (&stats);
  g_assert_cmpuint (stats.n_running, ==, 1);

  seen->n_reports++;
  seen->last_step = g_variant_get_uint32 (progress);
  if (seen->cancel_at != 0 && seen->last_step == seen->cancel_at)
    g_cancellable_cancel (seen->cancellable);
}

static void
test_progress (void)
{
  Progress seen = { g_thread_self (), 0, 0, NULL, 0 };
  UbJobBlockingStats before, after;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  g_test_summary ("A blocking job runs on this thread, its progress delivered here, from "
                  "inside the job, before the call returns; the call is counted");

  ub_job_get_blocking_stats (&before);
  reply = ub_job_run_blocking (TEST_JOB_STEPS, g_variant_new ("(u)", 7), NULL, on_progress,
                               &seen, &error);
  ub_job_get_blocking_stats (&after);

  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_get_uint32 (reply), ==, 7);
  g_assert_cmpuint (seen.n_reports, ==, 7);
  g_assert_cmpuint (seen.last_step, ==, 7);
  g_assert_cmpuint (after.n_calls, ==, before.n_calls + 1);
  g_assert_cmpuint (after.n_running, ==, 0);
  g_assert_cmpint (after.usec, >=, before.usec);
}

static void
test_fail (void)
{
  g_autofree char *not_png = g_build_filename (work_dir, "not.png", NULL);
  UbJobBlockingStats before, after;
  g_autoptr(GError) error = NULL;
  GVariant *reply;

  g_test_summary ("A blocking job fails as it would in a worker: an unknown job, parameters "
                  "of the wrong type, a job's own error; each call is still counted and over");

  ub_job_get_blocking_stats (&before);

  reply = ub_job_run_blocking ("test.no-such-job", g_variant_new ("(u)", 1), NULL, NULL, NULL,
                               &error);
  g_assert_null (reply);
  g_assert_error (error, UB_ERROR, UB_ERROR_NO_SUCH_METHOD);
  g_clear_error (&error);

  reply = ub_job_run_blocking (TEST_JOB_STEPS, g_variant_new ("(s)", "seven"), NULL, NULL, NULL,
                               &error);
  g_assert_null (reply);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (not_png, "this is not a PNG", -1, NULL));
  reply = ub_job_run_blocking (UB_PIPELINE_JOB_DECODE_SCALE,
                               ub_pipeline_decode_scale_params_new (not_png, 64), NULL, NULL, NULL,
                               &error);
  g_assert_null (reply);
  g_assert_nonnull (error);
  g_assert_nonnull (error->message);
  g_assert_cmpstr (error->message, !=, "");
  g_clear_error (&error);

  ub_job_get_blocking_stats (&after);
  g_assert_cmpuint (after.n_calls, ==, before.n_calls + 3);
  g_assert_cmpuint (after.n_running, ==, 0);

  g_assert_cmpint (g_unlink (not_png), ==, 0);
}

static void
test_decode_scale (void)
{
  g_autofree char *path = g_build_filename (work_dir, "sample.png", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) sample = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GBytes) pixels = NULL;
  guint32 width, height, source_width, source_height;

  g_test_summary ("pipeline.decode-scale, the Channels page's blocking job: a 400 × 100 "
                  "sample comes back at most 64 px wide, its proportions kept");

  sample = ub_job_run_sync (UB_PNG_JOB_SAMPLE, ub_png_sample_params_new (path, 400, 100, 5), NULL,
                            NULL, NULL, &error);
  g_assert_no_error (error);

  reply = ub_job_run_blocking (UB_PIPELINE_JOB_DECODE_SCALE,
                               ub_pipeline_decode_scale_params_new (path, 64), NULL, NULL, NULL,
                               &error);
  g_assert_no_error (error);
  pixels = ub_pipeline_decode_scale_result_parse (reply, &width, &height, &source_width,
                                                  &source_height);
  g_assert_nonnull (pixels);
  g_assert_cmpuint (source_width, ==, 400);
  g_assert_cmpuint (source_height, ==, 100);
  g_assert_cmpuint (width, ==, 64);
  g_assert_cmpuint (height, ==, 16);
  g_assert_cmpuint (g_bytes_get_size (pixels), ==, (gsize) width * height * 4);

  g_assert_cmpint (g_unlink (path), ==, 0);
}

static void
test_cancel (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Progress seen = { g_thread_self (), 0, 3, cancellable, 0 };
  g_autoptr(GError) error = NULL;
  GVariant *reply;

  g_test_summary ("A blocking job cancelled before it starts does nothing; cancelled from its "
                  "own progress it stops at its next check, with G_IO_ERROR_CANCELLED");

  reply = ub_job_run_blocking (TEST_JOB_STEPS, g_variant_new ("(u)", 1000), cancellable,
                               on_progress, &seen, &error);
  g_assert_null (reply);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (seen.last_step, ==, 3);
  g_assert_cmpuint (seen.n_reports, ==, 3);
  g_clear_error (&error);

  /* Already cancelled: the job never runs. */
  seen.n_reports = 0;
  reply = ub_job_run_blocking (TEST_JOB_STEPS, g_variant_new ("(u)", 1000), cancellable,
                               on_progress, &seen, &error);
  g_assert_null (reply);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (seen.n_reports, ==, 0);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  ub_jobs_register_all ();
  ub_job_register (TEST_JOB_STEPS, G_VARIANT_TYPE ("(u)"), steps_job);

  g_test_add_func ("/job-blocking/progress", test_progress);
  g_test_add_func ("/job-blocking/fail", test_fail);
  g_test_add_func ("/job-blocking/cancel", test_cancel);
  g_test_add_func ("/job-blocking/decode-scale", test_decode_scale);

  work_dir = g_dir_make_tmp ("ub-blocking-XXXXXX", NULL);
  g_assert_nonnull (work_dir);
  status = g_test_run ();
  g_rmdir (work_dir);
  g_free (work_dir);
  return status;
}
