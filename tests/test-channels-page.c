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
#include "ub-test-cases.h"
#include "ub-test-files.h"
#include "ub-test-gtk.h"
#include "ub-test-runtime.h"
#include "ub-test-pipeline.h"

/* The Channels page: the live view of the runtime, the decoder → scaler
 * pipeline driven from the UI, the broadcast control, blocking mode, and
 * closing the window while frames are in flight. */

#define N_IMAGES   12
#define SMALL_SIZE 256
#define LARGE_SIZE 512

static GStrv large_paths;

static UbChannelsPageTexts
texts (UbChannelsPage *page)
{
  UbChannelsPageTexts texts;

  ub_channels_page_get_texts (page, &texts);
  return texts;
}

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

  if (!ub_test_find_port (UB_PIPELINE_SCALER_NAME " (worker's end)", &worker_side) ||
      !ub_test_find_port (UB_PIPELINE_SCALER_NAME " (owner's end)", &owner_side))
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
  const char *acks = texts (wait->page).acks;
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

typedef struct
{
  UbChannelsPage *page;
  gboolean        saw_progress;
  gboolean        saw_waiting;
} SamplesWatch;

static gboolean
samples_watched (gpointer user_data)
{
  SamplesWatch *watch = user_data;
  double progress = texts (watch->page).samples_progress;

  if (progress >= 0 && strstr (texts (watch->page).status, "Writing sample images"))
    watch->saw_progress = TRUE;
  if (progress >= 0 && strstr (texts (watch->page).bytes, "Waiting for the sample"))
    watch->saw_waiting = TRUE;
  /* Never "no pipeline has run" while the samples are written. */
  if (progress >= 0)
    g_assert_null (strstr (texts (watch->page).bytes, "No pipeline has run"));
  return n_arrivals (watch->page) == N_IMAGES;
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
  ub_test_remove_tree (folder);
  ub_test_gtk_window_action ("start");
  {
    SamplesWatch watch = { page };

    /* While they are written: a progress bar, and the real state. */
    g_assert_cmpfloat (texts (page).samples_progress, >=, 0);
    g_assert_nonnull (strstr (texts (page).status, "Writing sample images"));
    g_assert_true (ub_test_gtk_run_until (samples_watched, &watch, 60000));
    g_assert_true (watch.saw_progress);
    g_assert_true (watch.saw_waiting);
    g_assert_cmpfloat (texts (page).samples_progress, <, 0);
  }
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

static int
compare_lines (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

/* The graph a snapshot describes, as sorted lines: "node NAME" for the
 * main thread, each worker and each broadcast channel, "edge A | B" (A
 * and B sorted) for each entangled pair whose two threads are known and
 * each broadcast hub port. Built here from the snapshot alone, to check
 * the diagram against. */
static char *
snapshot_graph (UbRuntimeSnapshot *snapshot)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) names = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) hubs = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) text = g_string_new (NULL);

  g_hash_table_insert (names, GUINT_TO_POINTER (0), (gpointer) "Main thread");
  g_ptr_array_add (lines, g_strdup ("node Main thread"));
  for (guint i = 0; i < snapshot->workers->len; i++)
    {
      UbRuntimeWorkerInfo *info = &g_array_index (snapshot->workers, UbRuntimeWorkerInfo, i);

      g_hash_table_insert (names, GUINT_TO_POINTER (info->id), info->name);
      g_ptr_array_add (lines, g_strdup_printf ("node %s", info->name));
    }
  for (guint i = 0; i < snapshot->ports->len; i++)
    {
      UbRuntimePortInfo *a = &g_array_index (snapshot->ports, UbRuntimePortInfo, i);
      const char *a_name = g_hash_table_lookup (names, GUINT_TO_POINTER (a->owner_id));

      if (a_name == NULL && a->owner_id != 0)
        continue;
      if (a->broadcast != NULL)
        {
          g_autofree char *hub = g_strdup_printf ("broadcast %s", a->broadcast);

          if (!g_hash_table_contains (hubs, a->broadcast))
            {
              g_hash_table_add (hubs, a->broadcast);
              g_ptr_array_add (lines, g_strdup_printf ("node %s", hub));
            }
          g_ptr_array_add (lines, g_strdup_printf ("edge %s | %s",
                                                   g_strcmp0 (hub, a_name) < 0 ? hub : a_name,
                                                   g_strcmp0 (hub, a_name) < 0 ? a_name : hub));
          continue;
        }
      for (guint j = 0; j < snapshot->ports->len; j++)
        {
          UbRuntimePortInfo *b = &g_array_index (snapshot->ports, UbRuntimePortInfo, j);
          const char *b_name = g_hash_table_lookup (names, GUINT_TO_POINTER (b->owner_id));

          if (b->id != a->peer_id || a->id > b->id || (b_name == NULL && b->owner_id != 0))
            continue;
          g_ptr_array_add (lines, g_strdup_printf ("edge %s | %s",
                                                   g_strcmp0 (a_name, b_name) < 0 ? a_name : b_name,
                                                   g_strcmp0 (a_name, b_name) < 0 ? b_name : a_name));
        }
    }
  g_ptr_array_sort (lines, compare_lines);
  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (text, "%s\n", (char *) g_ptr_array_index (lines, i));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The same lines, from what the diagram draws. */
static char *
diagram_graph (UbChannelsDiagram *diagram)
{
  UbChannelsModel *model = ub_channels_diagram_get_model (diagram);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < ub_channels_model_get_n_nodes (model); i++)
    g_ptr_array_add (lines, g_strdup_printf ("node %s", ub_channels_model_get_node (model, i)->name));
  for (guint i = 0; i < ub_channels_model_get_n_edges (model); i++)
    {
      const UbChannelsEdge *edge = ub_channels_model_get_edge (model, i);
      const char *a = ub_channels_model_get_node (model, edge->node[0])->name;
      const char *b = ub_channels_model_get_node (model, edge->node[1])->name;

      g_ptr_array_add (lines, g_strdup_printf ("edge %s | %s", g_strcmp0 (a, b) < 0 ? a : b,
                                               g_strcmp0 (a, b) < 0 ? b : a));
    }
  g_ptr_array_sort (lines, compare_lines);
  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (text, "%s\n", (char *) g_ptr_array_index (lines, i));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Refreshes the diagram between two snapshots that agree (the runtime
 * may change under a refresh: a sample writer's worker ending), and
 * returns their graph. */
static char *
refresh_between_equal_snapshots (UbChannelsDiagram *diagram)
{
  for (guint attempt = 0; attempt < 50; attempt++)
    {
      g_autoptr(UbRuntimeSnapshot) before = ub_runtime_snapshot ();
      g_autoptr(UbRuntimeSnapshot) after = NULL;
      g_autofree char *graph = snapshot_graph (before);
      g_autofree char *graph_after = NULL;

      ub_channels_diagram_refresh (diagram);
      after = ub_runtime_snapshot ();
      graph_after = snapshot_graph (after);
      if (g_str_equal (graph, graph_after))
        return g_steal_pointer (&graph);
      ub_test_gtk_run_for_ms (20);
    }
  g_assert_not_reached ();
}

static gboolean
has_pulses (gpointer user_data)
{
  return ub_channels_diagram_get_n_pulses (user_data) > 0;
}

static gboolean
single_worker_drawn (gpointer user_data)
{
  g_autofree char *graph = diagram_graph (user_data);

  /* No refresh here: the diagram polls by itself while shown. */
  return strstr (graph, "node " UB_PIPELINE_SINGLE_NAME "\n") != NULL &&
         strstr (graph, "node " UB_PIPELINE_DECODER_NAME "\n") == NULL &&
         strstr (graph, "node " UB_PIPELINE_SCALER_NAME "\n") == NULL;
}

static void
count_poll (guint *n_polls)
{
  (*n_polls)++;
}

static void
test_diagram (void)
{
  g_autofree char *expected = NULL;
  g_autofree char *drawn = NULL;
  UbChannelsDiagram *diagram;
  guint n_draws, n_polls;
  gulong updated_id;
  UbChannelsPage *page;
  AckWait wait;

  g_test_summary ("The diagram's nodes and edges are the snapshot's threads and channels "
                  "while the pipeline runs: the decoder and the scaler joined by the channel "
                  "whose ports were transferred to them; dots run while batches flow; and it "
                  "redraws by itself when workers end");

  if (!ub_test_gtk_have_display ())
    return;

  page = show_channels_page ();
  ub_channels_page_show_view (page, "diagram");
  diagram = ub_channels_page_get_diagram (page);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (diagram)));

  /* Paused mid-run, the graph holds still. */
  ub_channels_page_set_one_worker (page, FALSE);
  ub_channels_page_run_files (page, (const char * const *) large_paths);
  ub_test_gtk_window_action ("pause");
  wait.page = page;
  wait.command = "pause";
  g_assert_true (ub_test_gtk_run_until (both_acked, &wait, 30000));

  expected = refresh_between_equal_snapshots (diagram);
  drawn = diagram_graph (diagram);
  g_test_message ("diagram:\n%s", drawn);
  g_assert_cmpstr (drawn, ==, expected);
  g_assert_nonnull (strstr (drawn, "edge " UB_PIPELINE_DECODER_NAME " | " UB_PIPELINE_SCALER_NAME "\n"));
  g_assert_nonnull (strstr (drawn, "edge Main thread | " UB_PIPELINE_DECODER_NAME "\n"));
  g_assert_nonnull (strstr (drawn, "edge Main thread | " UB_PIPELINE_SCALER_NAME "\n"));
  g_assert_nonnull (strstr (drawn, "node broadcast " UB_PIPELINE_CONTROL_CHANNEL "\n"));
  g_assert_nonnull (strstr (drawn, "edge broadcast " UB_PIPELINE_CONTROL_CHANNEL " | " UB_PIPELINE_DECODER_NAME "\n"));
  g_assert_nonnull (strstr (drawn, "edge Main thread | broadcast " UB_PIPELINE_CONTROL_CHANNEL "\n"));

  /* Flowing again: batches reach the ports, and dots run. */
  ub_test_gtk_window_action ("pause");
  g_assert_true (ub_test_gtk_run_until (has_pulses, diagram, 30000));

  /* A frame that only moves the dots draws none of the still parts, which
   * only the diagram's own polls (two layers each) draw again, and the
   * first frame after the poll that launched the dots: eight draws over
   * four frames if each frame drew them. */
  n_draws = ub_channels_diagram_get_n_layer_draws (diagram);
  n_polls = 0;
  updated_id = g_signal_connect_swapped (diagram, "updated", G_CALLBACK (count_poll), &n_polls);
  for (guint i = 0; i < 4; i++)
    {
      gtk_widget_queue_draw (GTK_WIDGET (diagram));
      ub_test_gtk_wait_painted (GTK_WIDGET (diagram), 1);
    }
  g_signal_handler_disconnect (diagram, updated_id);
  g_test_message ("layers drawn %u times over four frames and %u polls",
                  ub_channels_diagram_get_n_layer_draws (diagram) - n_draws, n_polls);
  g_assert_cmpuint (ub_channels_diagram_get_n_layer_draws (diagram) - n_draws, <=, 2 * (n_polls + 1));
  n_draws = ub_channels_diagram_get_n_layer_draws (diagram);
  ub_channels_diagram_refresh (diagram);
  ub_test_gtk_wait_painted (GTK_WIDGET (diagram), 1);
  g_assert_cmpuint (ub_channels_diagram_get_n_layer_draws (diagram) - n_draws, >=, 2);
  g_assert_true (ub_test_gtk_run_until (all_arrived, page, 60000));

  /* One worker instead of two: the two pipeline workers end, and the
   * diagram's own poll draws the one that replaced them. */
  ub_channels_page_set_one_worker (page, TRUE);
  ub_channels_page_run_files (page, (const char * const *) large_paths);
  g_assert_true (ub_test_gtk_run_until (single_worker_drawn, diagram, 30000));
  g_assert_true (ub_test_gtk_run_until (all_arrived, page, 60000));
  g_clear_pointer (&expected, g_free);
  g_clear_pointer (&drawn, g_free);
  expected = refresh_between_equal_snapshots (diagram);
  drawn = diagram_graph (diagram);
  g_assert_cmpstr (drawn, ==, expected);
  ub_channels_page_set_one_worker (page, FALSE);
}

static void
collect_labels (GtkWidget  *widget,
                GHashTable *labels)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget))
    g_hash_table_insert (labels, (gpointer) gtk_label_get_text (GTK_LABEL (widget)), widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_labels (child, labels);
}

static void
test_tables (void)
{
  g_autoptr(GHashTable) labels = g_hash_table_new (g_str_hash, g_str_equal);
  UbRuntimeViewStats before, after;
  UbChannelsPage *page;
  GtkWidget *label;

  g_test_summary ("The tables are one click from the diagram; every column title explains "
                  "itself in a tooltip, and ports name the thread that receives on them");

  if (!ub_test_gtk_have_display ())
    return;

  page = show_channels_page ();
  ub_channels_page_run_files (page, (const char * const *) large_paths);
  g_assert_true (ub_test_gtk_run_until (all_arrived, page, 60000));

  ub_channels_page_show_view (page, "tables");
  ub_channels_page_get_update_stats (page, &before);
  ub_channels_page_refresh (page);
  ub_channels_page_get_update_stats (page, &after);
  g_assert_cmpuint (after.n_updates, ==, before.n_updates + 1);

  collect_labels (GTK_WIDGET (page), labels);
  for (guint i = 0; i < 2; i++)
    {
      const char *title = i == 0 ? "High-water" : "Replaced";
      const char *tooltip;

      label = g_hash_table_lookup (labels, title);
      g_assert_nonnull (label);
      g_assert_true (gtk_widget_get_mapped (label));
      tooltip = gtk_widget_get_tooltip_text (label);
      g_assert_nonnull (tooltip);
      g_assert_cmpuint (strlen (tooltip), >, 20);
    }
  g_assert_nonnull (g_hash_table_lookup (labels, "Received in"));
  /* The workers by name, and as the receivers of their own ends. */
  g_assert_nonnull (g_hash_table_lookup (labels, UB_PIPELINE_DECODER_NAME));
  g_assert_nonnull (g_hash_table_lookup (labels, "pipeline decode → scale"));
  g_assert_null (g_hash_table_lookup (labels, "jobs"));

  ub_channels_page_show_view (page, "diagram");
}

static void
test_controls_before_any_run (void)
{
  UbChannelsPage *page;
  const char *acks;

  g_test_summary ("Pause All before any pipeline ran says nobody is there to acknowledge, "
                  "instead of an empty list");

  if (!ub_test_gtk_have_display ())
    return;

  page = show_channels_page ();
  g_assert_null (ub_channels_page_get_pipeline (page));
  ub_test_gtk_window_action ("pause");
  acks = texts (page).acks;
  g_assert_nonnull (strstr (acks, "“pause”"));
  g_assert_nonnull (strstr (acks, "No pipeline worker is running"));
  g_assert_null (strstr (acks, "Acknowledged by"));
  ub_test_gtk_window_action ("pause");
  g_assert_false (ub_channels_page_is_paused (page));
}

static void
test_blocking_mode (void)
{
  UbChannelsPage *page;
  UbJobBlockingStats calls_before, calls_after;
  guint64 before;

  g_test_summary ("In blocking mode the same decode+scale runs on the main thread, one "
                  "pipeline.decode-scale job per image through ub_job_run_blocking(), all "
                  "done when the run returns; the page counts all of its bytes as the main "
                  "thread's");

  if (!ub_test_gtk_have_display ())
    return;

  page = show_channels_page ();
  before = ub_channels_page_get_main_bytes (page);
  ub_test_gtk_set_blocking (TRUE);
  ub_job_get_blocking_stats (&calls_before);
  ub_channels_page_run_files (page, (const char * const *) large_paths);
  ub_job_get_blocking_stats (&calls_after);

  /* Back only when every image is done, as any blocking run. */
  g_assert_true (all_arrived (page));
  g_assert_cmpuint (calls_after.n_calls - calls_before.n_calls, ==, N_IMAGES);
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

static const UbTestCase cases[] = {
  { "/channels-page/controls-before-any-run", test_controls_before_any_run },
  { "/channels-page/pipeline-from-samples", test_pipeline_from_samples },
  { "/channels-page/live-view", test_live_view },
  { "/channels-page/diagram", test_diagram },
  { "/channels-page/tables", test_tables },
  { "/channels-page/broadcast-pause-resume-cancel", test_broadcast_pause_cancel },
  { "/channels-page/blocking-mode", test_blocking_mode },
  { "/channels-page/close-mid-flow", test_close_mid_flow },
};

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

  UB_TEST_ADD_CASES (cases);

  ret = g_test_run ();

  ub_test_remove_tree (dir);
  g_strfreev (large_paths);
  return ret;
}
