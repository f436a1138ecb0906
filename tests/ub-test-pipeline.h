/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ub-job.h"
#include "ub-pipeline.h"
#include "ub-png-jobs.h"
#include "ub-test-runtime.h"

G_BEGIN_DECLS

/* What the suites of the decoder → scaler pipeline share: its input, made
 * by the sample job the app uses (so the jobs must be registered first),
 * and the port counters of a finished run. */

/* Writes @n images of @size × @size, PREFIX-00.png, PREFIX-01.png …, into
 * @dir, from the seeds @first_seed, @first_seed + 1 … Returns their paths,
 * %NULL-terminated. */
static inline GStrv
ub_test_write_samples (const char *dir,
                       const char *prefix,
                       guint       n,
                       guint       size,
                       guint64     first_seed)
{
  GStrv paths = g_new0 (char *, n + 1);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s-%02u.png", prefix, i);
      g_autoptr(GVariant) reply = NULL;
      g_autoptr(GError) error = NULL;

      paths[i] = g_build_filename (dir, name, NULL);
      reply = ub_job_run_sync (UB_PNG_JOB_SAMPLE,
                               ub_png_sample_params_new (paths[i], size, size, first_seed + i),
                               NULL, NULL, NULL, &error);
      g_assert_no_error (error);
    }
  return paths;
}

/* Checks the per-port counters of a two-worker pipeline that delivered all
 * its @n results, while its workers are alive. Fills in the counters of
 * the decoder's and the scaler's ends of the channel between them, for
 * the caller's own checks. */
static inline void
ub_test_assert_pipeline_ports (guint        n,
                               UbPortStats *decoder_end,
                               UbPortStats *scaler_end)
{
  UbPortStats decoder_owner, scaler_owner;

  /* The scaler posts the credit for a frame after its result, so the last
   * credit may still be on its way when the last result is in. */
  UB_TEST_RUN_UNTIL (ub_test_find_port ("pipeline scaler ← decoder", scaler_end) &&
                     ub_test_find_port ("pipeline decoder → scaler", decoder_end) &&
                     scaler_end->posted == n && decoder_end->delivered == n);
  g_assert_true (ub_test_find_port ("worker " UB_PIPELINE_DECODER_KIND " (owner)", &decoder_owner));
  g_assert_true (ub_test_find_port ("worker " UB_PIPELINE_SCALER_KIND " (owner)", &scaler_owner));

  /* The owner sent the decoder a setup and @n requests, and got nothing back. */
  g_assert_cmpuint (decoder_owner.posted, ==, n + 1);
  g_assert_cmpuint (decoder_owner.delivered, ==, 0);
  /* The scaler got a setup from the owner and sent back exactly @n results. */
  g_assert_cmpuint (scaler_owner.posted, ==, 1);
  g_assert_cmpuint (scaler_owner.delivered, ==, n);
  /* Between the workers: @n frames one way, @n credits the other. */
  g_assert_cmpuint (decoder_end->posted, ==, n);
  g_assert_cmpuint (scaler_end->delivered, ==, n);
}

G_END_DECLS
