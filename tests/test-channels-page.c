/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ub-channels-page.h"
#include "ub-job.h"
#include "ub-jobs.h"
#include "ub-page.h"
#include "ub-png-jobs.h"
#include "ub-runtime.h"
#include "ub-test-gtk.h"
#include "ub-test-files.h"
#include "ub-test-runtime.h"
#include "ub-test-pipeline.h"

/* The Channels page: the live view of the runtime, the decoder → scaler
 * pipeline driven from the UI, the broadcast control, blocking mode, and
 * closing the window while frames are in flight. */

#define N_IMAGES   12
#define SMALL_SIZE 256
#define LARGE_SIZE 512

static GStrv large_paths;

static UbChannelsPage *
show_channels_page (void)
{
  return UB_CHANNELS_PAGE (ub_test_gtk_show_page ("channels"));
}

static guint
n_arrivals (UbChannelsPage *page)
{
  guint n = 0;

  ub_channels_page_get_arrivals (page, &n);
  return n;
}

static gboolean
all_arrived (gpointer user_data)
{
  return n_arrivals (user_data) == N_IMAGES;
}

static gboolean
some_arrived (gpointer user_data)
{
  return n_arrivals (user_data) >= 1;
}

static void
assert_in_order (UbChannelsPage *page,
                 guint           n_expected)
{
  guint n = 0;
  const guint *arrivals = ub_channels_page_get_arrivals (page, &n);

  g_assert_cmpuint (n, ==, n_expected);
  for (guint i = 0; i < n; i++)
    g_assert_cmpuint (arrivals[i], ==, i);
}

/* Everything the scaler posted has reached the page (or there is no scaler). */
static gboolean
scaler_drained (gpointer user_data)
{
  UbPortStats worker_side, owner_side;

  if (!ub_test_find_port ("worker " UB_PIPELINE_SCALER_KIND " (worker)", &worker_side) ||
      !ub_test_find_port ("worker " UB_PIPELINE_SCALER_KIND " (owner)", &owner_side))
    return TRUE;
  return worker_side.posted == owner_side.delivered;
}

typedef struct
{
  UbChannelsPage *page;
  const char     *command;
} AckWait;

static gboolean
both_acked (gpointer user_data)
{
  AckWait *wait = user_data;
  const char *acks = ub_channels_page_get_acks (wait->page);
  g_autofree char *decoder = g_strdup_printf ("decoder (%s)", wait->command);
  g_autofree char *scaler = g_strdup_printf ("scaler (%s)", wait->command);

  return strstr (acks, decoder) != NULL && strstr (acks, scaler) != NULL;
}

/* The results strip: the only flow box on the page. */
static GtkWidget *
find_flow_box (GtkWidget *widget)
{
  if (GTK_IS_FLOW_BOX (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_flow_box (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_pipeline_from_samples (void)
{
  g_autofree char *folder = NULL;
  UbChannelsPage *page;
  UbPipeline *pipeline;
  UbPipelineStats stats;
  UbPortStats pipe_out, pipe_in;
  GtkWidget *box, *child;
  guint n_children = 0;

  g_test_summary ("Run from the page, N generated images go decoder → scaler and arrive "
                  "complete and in order; the main thread's ports carried only the requests "
                  "and the results, and the counters equal the traffic");

  if (!ub_test_gtk_have_display ())
    return;

  page = show_channels_page ();
  folder = g_build_filename (g_get_user_cache_dir (), "unblock", "pipeline-test", NULL);
  ub_channels_page_set_samples (page, folder, N_IMAGES, SMALL_SIZE);
  ub_test_gtk_window_action ("start");
  g_assert_true (ub_test_gtk_run_until (all_arrived, page, 60000));
  g_assert_null (ub_channels_page_get_error (page));
  assert_in_order (page, N_IMAGES);

  pipeline = ub_channels_page_get_pipeline (page);
  g_assert_nonnull (pipeline);
  g_assert_cmpint (ub_pipeline_get_mode (pipeline), ==, UB_PIPELINE_TWO_WORKERS);
  ub_pipeline_get_stats (pipeline, &stats);
  g_assert_cmpuint (stats.n_results, ==, N_IMAGES);
  g_assert_cmpuint (stats.n_errors, ==, 0);
  g_assert_cmpuint (stats.owner_messages, ==, 2 + 2 * N_IMAGES);
  g_assert_cmpuint (stats.between_bytes, >=, (guint64) N_IMAGES * SMALL_SIZE * SMALL_SIZE * 4);
  g_assert_cmpuint (stats.owner_bytes * 4, <, stats.between_bytes);

  ub_test_assert_pipeline_ports (N_IMAGES, &pipe_out, &pipe_in);

  box = find_flow_box (GTK_WIDGET (page));
  g_assert_nonnull (box);
  for (child = gtk_widget_get_first_child (box); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n_children++;
  g_assert_cmpuint (n_children, ==, N_IMAGES);
}

typedef struct
{
  UbChannelsPage *page;
  guint           n_updates;
} UpdateWait;

static gboolean
updated_since (gpointer user_data)
{
  UpdateWait *wait = user_data;
  UbRuntimeViewStats stats;

  ub_channels_page_get_update_stats (wait->page, &stats);
  return stats.n_updates >= wait->n_updates + 2;
}

static gboolean
page_unmapped (gpointer user_data)
{
  return !gtk_widget_get_mapped (user_data);
}

static void
test_live_view (void)
{
  UbRuntimeViewStats stats;
  UbChannelsPage *page;
  UpdateWait wait;

  g_test_summary ("The live view polls only while shown, lists the pipeline's workers and "
                  "ports, and each update costs the main thread little");

  if (!ub_test_gtk_have_display ())
    return;

  page = show_channels_page ();
  for (guint i = 0; i < 20; i++)
    ub_channels_page_refresh (page);
  ub_channels_page_get_update_stats (page, &stats);
  g_assert_cmpuint (stats.n_workers, >=, 2);
  g_assert_cmpuint (stats.n_ports, >=, 6);
  g_test_message ("live-view update: %u updates, %u workers, %u ports, last %.3f ms, "
                  "mean %.3f ms, max %.3f ms",
                  stats.n_updates, stats.n_workers, stats.n_ports, stats.last_usec / 1000.0,
                  stats.total_usec / 1000.0 / stats.n_updates, stats.max_usec / 1000.0);
  if (!ub_test_gtk_skip_timing ())
    g_assert_cmpint (stats.max_usec, <, 50 * 1000);

  /* With a hundred more ports, an update still costs little. */
  {
    g_autoptr(GPtrArray) channels = g_ptr_array_new_with_free_func (g_object_unref);
    UbRuntimeViewStats before, after;

    for (guint i = 0; i < 50; i++)
      g_ptr_array_add (channels, ub_channel_new (0));
    ub_channels_page_refresh (page);
    ub_channels_page_get_update_stats (page, &before);
    for (guint i = 0; i < 20; i++)
      ub_channels_page_refresh (page);
    ub_channels_page_get_update_stats (page, &after);
    g_assert_cmpuint (after.n_ports, >=, stats.n_ports + 100);
    g_test_message ("live-view update with %u ports: mean %.3f ms over 20 updates, last %.3f ms",
                    after.n_ports, (after.total_usec - before.total_usec) / 1000.0 / 20,
                    after.last_usec / 1000.0);
  }

  /* It polls by itself while shown… */
  wait.page = page;
  wait.n_updates = stats.n_updates;
  g_assert_true (ub_test_gtk_run_until (updated_since, &wait, 10000));

  /* …and not at all while another page is shown. */
  g_action_group_activate_action (G_ACTION_GROUP (ub_test_gtk_get_window ()), "show-page",
                                  g_variant_new_string ("primes"));
  g_assert_true (ub_test_gtk_run_until (page_unmapped, page, 10000));
  ub_channels_page_get_update_stats (page, &stats);
  ub_test_gtk_run_for_ms (700);
  {
    UbRuntimeViewStats later;

    ub_channels_page_get_update_stats (page, &later);
    g_assert_cmpuint (later.n_updates, ==, stats.n_updates);
  }
  show_channels_page ();
}

static void
test_broadcast_pause_cancel (void)
{
  UbChannelsPage *page;
  AckWait wait;
  guint n_seen;

  g_test_summary ("Pause, resume and cancel go out on the broadcast channel; both pipeline "
                  "workers honour them and the page shows their acknowledgements");

  if (!ub_test_gtk_have_display ())
    return;

  page = show_channels_page ();
  wait.page = page;

  /* Pause right after the requests went out. */
  ub_channels_page_run_files (page, (const char * const *) large_paths);
  ub_test_gtk_window_action ("pause");
  g_assert_true (ub_channels_page_is_paused (page));
  wait.command = "pause";
  g_assert_true (ub_test_gtk_run_until (both_acked, &wait, 30000));
  g_assert_true (ub_test_gtk_run_until (scaler_drained, NULL, 30000));
  n_seen = n_arrivals (page);
  g_assert_cmpuint (n_seen, <, N_IMAGES);

  /* An observation window: nothing moves while paused. */
  ub_test_gtk_run_for_ms (300);
  g_assert_cmpuint (n_arrivals (page), ==, n_seen);
  g_assert_true (ub_page_is_busy (UB_PAGE (page)));

  ub_test_gtk_window_action ("pause");
  g_assert_false (ub_channels_page_is_paused (page));
  g_assert_true (ub_test_gtk_run_until (all_arrived, page, 60000));
  assert_in_order (page, N_IMAGES);
  wait.command = "resume";
  g_assert_true (ub_test_gtk_run_until (both_acked, &wait, 30000));

  /* Cancel: the workers drop the run themselves. */
  ub_channels_page_run_files (page, (const char * const *) large_paths);
  ub_test_gtk_window_action ("cancel");
  wait.command = "cancel";
  g_assert_true (ub_test_gtk_run_until (both_acked, &wait, 30000));
  g_assert_true (ub_test_gtk_run_until (scaler_drained, NULL, 30000));
  g_assert_false (ub_page_is_busy (UB_PAGE (page)));
  n_seen = n_arrivals (page);
  ub_test_gtk_run_for_ms (300);
  g_assert_cmpuint (n_arrivals (page), ==, n_seen);
  g_assert_true (ub_test_gtk_run_until (scaler_drained, NULL, 30000));
  g_test_message ("cancelled after %u of %u results", n_seen, N_IMAGES);
}

static void
test_blocking_mode (void)
{
  UbChannelsPage *page;
  guint64 before;

  g_test_summary ("In blocking mode the same decode+scale runs on the main thread, and the "
                  "page counts all of its bytes as the main thread's");

  if (!ub_test_gtk_have_display ())
    return;

  page = show_channels_page ();
  before = ub_channels_page_get_main_bytes (page);
  ub_test_gtk_set_blocking (TRUE);
  ub_channels_page_run_files (page, (const char * const *) large_paths);

  /* Paused before its first step, blocking mode does nothing (and does
   * not spin) until resumed. */
  ub_test_gtk_window_action ("pause");
  ub_test_gtk_run_for_ms (200);
  g_assert_cmpuint (n_arrivals (page), ==, 0);
  ub_test_gtk_window_action ("pause");
  g_assert_true (ub_test_gtk_run_until (all_arrived, page, 60000));
  ub_test_gtk_set_blocking (FALSE);

  assert_in_order (page, N_IMAGES);
  g_assert_cmpuint (ub_channels_page_get_main_bytes (page) - before, >=,
                    (guint64) N_IMAGES * LARGE_SIZE * LARGE_SIZE * 4);
}

static gboolean
no_threads_left (gpointer user_data)
{
  return ub_runtime_get_n_running_threads () == 0;
}

static void
test_close_mid_flow (void)
{
  UbChannelsPage *page;
  gpointer weak;

  g_test_summary ("Closing the window while frames are in flight stops the workers, leaks "
                  "nothing and delivers nothing to the disposed page");

  if (!ub_test_gtk_have_display ())
    return;

  page = show_channels_page ();
  ub_channels_page_run_files (page, (const char * const *) large_paths);
  g_assert_true (ub_test_gtk_run_until (some_arrived, page, 60000));
  g_assert_cmpuint (ub_runtime_get_n_running_threads (), >=, 2);

  weak = page;
  g_object_add_weak_pointer (G_OBJECT (page), &weak);
  gtk_window_destroy (GTK_WINDOW (ub_test_gtk_get_window ()));
  g_assert_null (weak);

  g_assert_true (ub_test_gtk_run_until (no_threads_left, NULL, 30000));
  ub_test_gtk_run_for_ms (100);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *dir = NULL;
  int ret;

  ub_test_gtk_init (&argc, &argv);
  ub_jobs_register_all ();

  dir = g_dir_make_tmp ("unblock-channels-XXXXXX", NULL);
  g_assert_nonnull (dir);
  large_paths = ub_test_write_samples (dir, "large", N_IMAGES, LARGE_SIZE, 7);

  g_test_add_func ("/channels-page/pipeline-from-samples", test_pipeline_from_samples);
  g_test_add_func ("/channels-page/live-view", test_live_view);
  g_test_add_func ("/channels-page/broadcast-pause-resume-cancel", test_broadcast_pause_cancel);
  g_test_add_func ("/channels-page/blocking-mode", test_blocking_mode);
  g_test_add_func ("/channels-page/close-mid-flow", test_close_mid_flow);

  ret = g_test_run ();

  ub_test_remove_tree (dir);
  g_strfreev (large_paths);
  return ret;
}
