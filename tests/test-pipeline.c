/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ub-job.h"
#include "ub-jobs.h"
#include "ub-pipeline.h"
#include "ub-png-jobs.h"
#include "ub-test-cases.h"
#include "ub-test-files.h"
#include "ub-test-runtime.h"
#include "ub-test-pipeline.h"

/* The decoder → scaler pipeline: order, completeness, where the bytes go,
 * and the broadcast control, through real worker threads. */

#define N_IMAGES   10
#define IMAGE_SIZE 320
#define MAX_SIZE   64

static char *images_dir;
static GStrv paths;

typedef struct
{
  GArray    *indices;  /* guint, in arrival order */
  GPtrArray *pixels;   /* GBytes, in arrival order */
  GArray    *errors;   /* guint, indices that failed */
} Results;

static void
on_result (UbPipeline *pipeline,
           guint       index,
           guint       width,
           guint       height,
           UbBuffer   *pixels,
           Results    *results)
{
  g_array_append_val (results->indices, index);
  g_ptr_array_add (results->pixels, ub_buffer_dup_bytes (pixels));
}

static void
on_image_error (UbPipeline *pipeline,
                guint       index,
                const char *message,
                Results    *results)
{
  g_array_append_val (results->errors, index);
}

static void
results_init (Results    *results,
              UbPipeline *pipeline)
{
  results->indices = g_array_new (FALSE, FALSE, sizeof (guint));
  results->pixels = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  results->errors = g_array_new (FALSE, FALSE, sizeof (guint));
  g_signal_connect (pipeline, "result", G_CALLBACK (on_result), results);
  g_signal_connect (pipeline, "image-error", G_CALLBACK (on_image_error), results);
}

static void
results_clear (Results *results)
{
  g_clear_pointer (&results->indices, g_array_unref);
  g_clear_pointer (&results->pixels, g_ptr_array_unref);
  g_clear_pointer (&results->errors, g_array_unref);
}

static guint
count_ports (const char *label)
{
  g_autoptr(UbRuntimeSnapshot) snapshot = ub_runtime_snapshot ();
  guint n = 0;

  for (guint i = 0; i < snapshot->ports->len; i++)
    {
      UbRuntimePortInfo *info = &g_array_index (snapshot->ports, UbRuntimePortInfo, i);

      n += g_strcmp0 (info->label, label) == 0 && !info->stats.closed;
    }
  return n;
}

static void
wait_no_threads (void)
{
  g_assert_true (ub_runtime_wait_for_threads (30 * G_USEC_PER_SEC));
}

static void
test_scale (void)
{
  g_autoptr(UbPngImage) source = ub_png_image_new (4, 2, NULL);
  g_autoptr(UbPngImage) small = NULL;
  static const guint8 left[4] = { 10, 20, 30, 255 }, right[4] = { 30, 40, 50, 255 };
  static const guint8 red[4] = { 200, 0, 0, 255 }, clear_blue[4] = { 0, 0, 255, 0 };

  g_test_summary ("The pipeline scales with the PNG engine's box filter: each output pixel "
                  "is the alpha-weighted mean of exactly the pixels it covers");

  for (guint y = 0; y < 2; y++)
    for (guint x = 0; x < 4; x++)
      memcpy (source->pixels + y * source->stride + x * 4, x < 2 ? left : right, 4);

  small = ub_pipeline_scale (source, 2, NULL);
  g_assert_cmpuint (small->width, ==, 2);
  g_assert_cmpuint (small->height, ==, 1);
  g_assert_cmpmem (small->pixels, 4, left, 4);
  g_assert_cmpmem (small->pixels + 4, 4, right, 4);

  g_clear_pointer (&small, ub_png_image_free);
  small = ub_pipeline_scale (source, 1, NULL);
  g_assert_cmpuint (small->width, ==, 1);
  g_assert_cmpuint (small->height, ==, 1);
  g_assert_cmpuint (small->pixels[0], ==, 20);
  g_assert_cmpuint (small->pixels[1], ==, 30);
  g_assert_cmpuint (small->pixels[2], ==, 40);
  g_assert_cmpuint (small->pixels[3], ==, 255);

  /* A transparent pixel's colour does not bleed into the result: half
   * opaque red, not purple. */
  for (guint y = 0; y < 2; y++)
    for (guint x = 0; x < 4; x++)
      memcpy (source->pixels + y * source->stride + x * 4, x % 2 == 0 ? red : clear_blue, 4);
  g_clear_pointer (&small, ub_png_image_free);
  small = ub_pipeline_scale (source, 2, NULL);
  for (guint x = 0; x < 2; x++)
    {
      g_assert_cmpuint (small->pixels[4 * x + 0], ==, 200);
      g_assert_cmpuint (small->pixels[4 * x + 1], ==, 0);
      g_assert_cmpuint (small->pixels[4 * x + 2], ==, 0);
      g_assert_cmpuint (small->pixels[4 * x + 3], ==, 128);
    }

  /* An image that already fits comes back as it was, transparent colour
   * included. */
  g_clear_pointer (&small, ub_png_image_free);
  small = ub_pipeline_scale (source, 4, NULL);
  g_assert_cmpuint (small->width, ==, 4);
  g_assert_cmpmem (small->pixels, small->size, source->pixels, source->size);
}

static void
test_two_workers (void)
{
  g_autoptr(UbPipeline) pipeline = NULL;
  g_autoptr(GError) error = NULL;
  UbPortStats pipe_decoder, pipe_scaler;
  UbPipelineStats stats;
  Results results;
  guint64 result_bytes = 0;

  g_test_summary ("N images go through decoder and scaler workers and come back complete "
                  "and in order; the owner's ports carry only requests and results, and "
                  "the port counters equal the traffic");

  pipeline = ub_pipeline_new (UB_PIPELINE_TWO_WORKERS, MAX_SIZE, NULL, &error);
  g_assert_no_error (error);
  results_init (&results, pipeline);

  for (guint i = 0; i < N_IMAGES; i++)
    g_assert_cmpuint (ub_pipeline_push (pipeline, paths[i]), ==, i);
  UB_TEST_RUN_UNTIL (ub_pipeline_is_idle (pipeline));

  g_assert_cmpuint (results.errors->len, ==, 0);
  g_assert_cmpuint (results.indices->len, ==, N_IMAGES);
  for (guint i = 0; i < N_IMAGES; i++)
    {
      g_autoptr(UbPngImage) expected = NULL;
      GBytes *got = g_ptr_array_index (results.pixels, i);

      g_assert_cmpuint (g_array_index (results.indices, guint, i), ==, i);
      expected = ub_pipeline_decode_scale_file (paths[i], MAX_SIZE, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got),
                       expected->pixels, expected->size);
      result_bytes += g_bytes_get_size (got);
    }

  /* Per-port counters, while the workers are alive. */
  ub_test_assert_pipeline_ports (N_IMAGES, &pipe_decoder, &pipe_scaler);
  g_assert_cmpuint (pipe_scaler.high_water, <=, UB_PIPELINE_WINDOW);
  g_assert_cmpuint (pipe_scaler.dropped + pipe_decoder.dropped, ==, 0);

  /* Bytes: the full-size pixels went between the workers only. */
  ub_pipeline_get_stats (pipeline, &stats);
  g_assert_cmpuint (stats.n_posted, ==, N_IMAGES);
  g_assert_cmpuint (stats.n_results, ==, N_IMAGES);
  g_assert_cmpuint (stats.owner_messages, ==, 2 + N_IMAGES + N_IMAGES);
  g_assert_cmpuint (stats.between_bytes, >=, (guint64) N_IMAGES * IMAGE_SIZE * IMAGE_SIZE * 4);
  g_assert_cmpuint (stats.owner_bytes, >=, result_bytes);
  g_assert_cmpuint (stats.owner_bytes, <, result_bytes + 2048 * (N_IMAGES + 2));
  g_assert_cmpuint (stats.owner_bytes * 10, <, stats.between_bytes);

  results_clear (&results);
  g_clear_object (&pipeline);
  wait_no_threads ();
}

static void
test_one_worker (void)
{
  g_autoptr(UbPipeline) pipeline = NULL;
  g_autoptr(GError) error = NULL;
  UbPipelineStats stats;
  Results results;

  g_test_summary ("The one-worker reference gives the same results in the same order, "
                  "with nothing between workers");

  pipeline = ub_pipeline_new (UB_PIPELINE_ONE_WORKER, MAX_SIZE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ub_pipeline_get_mode (pipeline), ==, UB_PIPELINE_ONE_WORKER);
  results_init (&results, pipeline);

  for (guint i = 0; i < N_IMAGES; i++)
    ub_pipeline_push (pipeline, paths[i]);
  UB_TEST_RUN_UNTIL (ub_pipeline_is_idle (pipeline));

  g_assert_cmpuint (results.indices->len, ==, N_IMAGES);
  for (guint i = 0; i < N_IMAGES; i++)
    g_assert_cmpuint (g_array_index (results.indices, guint, i), ==, i);

  ub_pipeline_get_stats (pipeline, &stats);
  g_assert_cmpuint (stats.between_bytes, ==, 0);

  results_clear (&results);
  g_clear_object (&pipeline);
  wait_no_threads ();
}

static void
test_bad_file (void)
{
  g_autoptr(UbPipeline) pipeline = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bad = g_build_filename (images_dir, "not-a-png.png", NULL);
  Results results;

  g_test_summary ("A file that cannot be decoded is reported by index, and the images "
                  "after it still arrive in order");

  g_file_set_contents (bad, "definitely not a PNG", -1, &error);
  g_assert_no_error (error);

  pipeline = ub_pipeline_new (UB_PIPELINE_TWO_WORKERS, MAX_SIZE, NULL, &error);
  g_assert_no_error (error);
  results_init (&results, pipeline);

  ub_pipeline_push (pipeline, paths[0]);
  ub_pipeline_push (pipeline, bad);
  ub_pipeline_push (pipeline, paths[1]);
  UB_TEST_RUN_UNTIL (ub_pipeline_is_idle (pipeline));

  g_assert_cmpuint (results.errors->len, ==, 1);
  g_assert_cmpuint (g_array_index (results.errors, guint, 0), ==, 1);
  g_assert_cmpuint (results.indices->len, ==, 2);
  g_assert_cmpuint (g_array_index (results.indices, guint, 0), ==, 0);
  g_assert_cmpuint (g_array_index (results.indices, guint, 1), ==, 2);

  results_clear (&results);
  g_clear_object (&pipeline);
  wait_no_threads ();
}

typedef struct
{
  GPtrArray *acks;  /* "role:command" */
} Acks;

static void
on_ack (UbBroadcastChannel *channel,
        UbMessage          *message,
        Acks               *acks)
{
  const char *role, *command;

  if (!ub_pipeline_ack_parse (message, &role, &command))
    return;
  g_ptr_array_add (acks->acks, g_strdup_printf ("%s:%s", role, command));
}

static gboolean
has_ack (Acks       *acks,
         const char *ack)
{
  return g_ptr_array_find_with_equal_func (acks->acks, ack, g_str_equal, NULL);
}

static void
test_broadcast_control (void)
{
  g_autoptr(UbBroadcastChannel) control = ub_broadcast_channel_new ("test.pipeline.control");
  g_autoptr(UbPipeline) pipeline = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ack_log = g_ptr_array_new_with_free_func (g_free);
  Acks acks = { ack_log };
  UbPortStats before, after;
  Results results;
  guint cancelled_run;

  g_test_summary ("Both workers honour pause, resume and cancel broadcast on the control "
                  "channel, and acknowledge each");

  g_signal_connect (control, "message", G_CALLBACK (on_ack), &acks);
  pipeline = ub_pipeline_new (UB_PIPELINE_TWO_WORKERS, MAX_SIZE, "test.pipeline.control", &error);
  g_assert_no_error (error);
  results_init (&results, pipeline);

  /* Both workers have joined the channel once their instances exist. */
  UB_TEST_RUN_UNTIL (count_ports ("broadcast test.pipeline.control") == 3);

  /* Pause: acknowledged by both; then nothing comes back. */
  g_assert_true (ub_broadcast_channel_post (control, UB_PIPELINE_PAUSE, NULL, &error));
  UB_TEST_RUN_UNTIL (has_ack (&acks, "decoder:pause") && has_ack (&acks, "scaler:pause"));
  for (guint i = 0; i < N_IMAGES; i++)
    ub_pipeline_push (pipeline, paths[i]);
  {
    /* An observation window, not a wait for anything: while paused no
     * result may arrive however long we look. */
    gint64 end = g_get_monotonic_time () + 150 * 1000;
    GSource *tick = g_timeout_source_new (10);

    g_source_set_callback (tick, ub_test_tick, NULL, NULL);
    g_source_attach (tick, NULL);
    while (g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, TRUE);
    g_source_destroy (tick);
    g_source_unref (tick);
  }
  g_assert_cmpuint (results.indices->len, ==, 0);

  /* Resume: everything arrives, in order. */
  g_assert_true (ub_broadcast_channel_post (control, UB_PIPELINE_RESUME, NULL, &error));
  UB_TEST_RUN_UNTIL (ub_pipeline_is_idle (pipeline));
  g_assert_true (has_ack (&acks, "decoder:resume"));
  g_assert_cmpuint (results.indices->len, ==, N_IMAGES);
  for (guint i = 0; i < N_IMAGES; i++)
    g_assert_cmpuint (g_array_index (results.indices, guint, i), ==, i);
  UB_TEST_RUN_UNTIL (has_ack (&acks, "scaler:resume"));

  /* Cancel a paused run: its work is dropped by the workers themselves. */
  g_ptr_array_set_size (ack_log, 0);
  g_assert_true (ub_broadcast_channel_post (control, UB_PIPELINE_PAUSE, NULL, &error));
  UB_TEST_RUN_UNTIL (has_ack (&acks, "decoder:pause") && has_ack (&acks, "scaler:pause"));
  cancelled_run = ub_pipeline_new_run (pipeline);
  for (guint i = 0; i < N_IMAGES; i++)
    ub_pipeline_push (pipeline, paths[i]);
  g_assert_true (ub_broadcast_channel_post (control, UB_PIPELINE_CANCEL,
                                            g_variant_new_uint32 (cancelled_run), &error));
  UB_TEST_RUN_UNTIL (has_ack (&acks, "decoder:cancel") && has_ack (&acks, "scaler:cancel"));
  g_assert_true (ub_broadcast_channel_post (control, UB_PIPELINE_RESUME, NULL, &error));

  g_assert_true (ub_test_find_port (UB_PIPELINE_SCALER_NAME " (owner's end)", &before));
  g_array_set_size (results.indices, 0);
  ub_pipeline_new_run (pipeline);
  ub_pipeline_push (pipeline, paths[0]);
  UB_TEST_RUN_UNTIL (ub_pipeline_is_idle (pipeline));
  g_assert_true (ub_test_find_port (UB_PIPELINE_SCALER_NAME " (owner's end)", &after));

  /* FIFO: any result of the cancelled run would have come before this one. */
  g_assert_cmpuint (results.indices->len, ==, 1);
  g_assert_cmpuint (after.delivered - before.delivered, ==, 1);

  results_clear (&results);
  g_clear_object (&pipeline);
  wait_no_threads ();
}

static void
test_terminate_mid_flow (void)
{
  g_autoptr(UbPipeline) pipeline = NULL;
  g_autoptr(GError) error = NULL;
  Results results;

  g_test_summary ("Dropping the pipeline while frames are in flight stops both workers and "
                  "emits nothing more");

  pipeline = ub_pipeline_new (UB_PIPELINE_TWO_WORKERS, MAX_SIZE, NULL, &error);
  g_assert_no_error (error);
  results_init (&results, pipeline);
  for (guint i = 0; i < N_IMAGES; i++)
    ub_pipeline_push (pipeline, paths[i]);
  UB_TEST_RUN_UNTIL (results.indices->len >= 1);

  g_clear_object (&pipeline);
  wait_no_threads ();
  ub_test_drain_context ();
  g_assert_cmpuint (results.indices->len, <, N_IMAGES);
  g_assert_cmpuint (count_ports ("pipeline decode → scale"), ==, 0);
  results_clear (&results);
}

static const UbTestCase cases[] = {
  { "/pipeline/scale", test_scale },
  { "/pipeline/two-workers/order-and-counters", test_two_workers },
  { "/pipeline/one-worker/same-results", test_one_worker },
  { "/pipeline/two-workers/bad-file", test_bad_file },
  { "/pipeline/broadcast/pause-resume-cancel", test_broadcast_control },
  { "/pipeline/two-workers/terminate-mid-flow", test_terminate_mid_flow },
};

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  ub_jobs_register_all ();

  images_dir = g_dir_make_tmp ("unblock-pipeline-XXXXXX", NULL);
  g_assert_nonnull (images_dir);
  paths = ub_test_write_samples (images_dir, "img", N_IMAGES, IMAGE_SIZE, 1);

  UB_TEST_ADD_CASES (cases);

  ret = g_test_run ();

  ub_test_remove_tree (images_dir);
  g_strfreev (paths);
  g_free (images_dir);
  return ret;
}
