/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "ub-test-gtk.h"
#include "ub-test-workloads.h"

/*
 * A progress report is a redraw, not a layout of the window. While a run
 * in workers reports progress, its page shows a new fraction, percent and
 * status line several times a second; none of that may give the window a
 * new size request (a label's new text does: it measures and allocates the
 * whole window again, and on X11 asks the server about its monitor), nor
 * keep the frame clock laying the window out at every frame (an entry row
 * replaying its animation does). Counts, not times: the window's own
 * allocations and the frame clock's layout phases against the progress
 * updates the page's bar received in the same span.
 */

#define SETTLE_MS     400
#define MAX_MEASURE_MS 4000
#define ENOUGH_UPDATES 20
#define MIN_UPDATES    6

/* The workloads whose pages only report progress while they run: the
 * others add content as they go (gallery tiles, pipeline results), and a
 * new widget is a layout of its own. */
static const char * const progress_only[] = { "primes", "data", "decode", "sha256", NULL };

static GtkWidget *
find_mapped_bar (GtkWidget *widget)
{
  if (GTK_IS_PROGRESS_BAR (widget) && gtk_widget_get_mapped (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *bar = find_mapped_bar (child);

      if (bar != NULL)
        return bar;
    }
  return NULL;
}

static void
count_update (GtkProgressBar *bar,
              GParamSpec     *pspec,
              guint          *counter)
{
  (*counter)++;
}

static void
count_phase (GdkFrameClock *clock,
             guint         *counter)
{
  (*counter)++;
}

typedef struct
{
  guint n_updates;
  guint n_allocations;
  guint n_layouts;
  guint n_paints;
  guint measured_ms;
} Counts;

static void
count_during_run (const UbTestWorkload *workload,
                  Counts               *counts)
{
  UbWindow *window = ub_test_gtk_new_window ();
  GdkFrameClock *clock;
  GtkWidget *bar;
  gulong ids[3];

  memset (counts, 0, sizeof *counts);
  workload->prepare (window, FALSE);
  ub_test_gtk_run_for_ms (200);
  workload->start (window);
  g_assert_true (workload->is_running (window));
  /* Past the start: the run's row in the activity list, the page's
   * buttons changing, a first tooltip are layouts once per run. */
  ub_test_gtk_run_for_ms (SETTLE_MS);
  bar = find_mapped_bar (GTK_WIDGET (window));
  g_assert_nonnull (bar);

  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  ids[0] = g_signal_connect (bar, "notify::fraction", G_CALLBACK (count_update), &counts->n_updates);
  ids[1] = g_signal_connect (clock, "layout", G_CALLBACK (count_phase), &counts->n_layouts);
  ids[2] = g_signal_connect (clock, "paint", G_CALLBACK (count_phase), &counts->n_paints);
  ub_test_gtk_count_allocations (window, &counts->n_allocations);

  while (counts->n_updates < ENOUGH_UPDATES && counts->measured_ms < MAX_MEASURE_MS &&
         workload->is_running (window))
    {
      ub_test_gtk_run_for_ms (100);
      counts->measured_ms += 100;
    }

  ub_test_gtk_count_allocations (NULL, NULL);
  g_signal_handler_disconnect (bar, ids[0]);
  g_signal_handler_disconnect (clock, ids[1]);
  g_signal_handler_disconnect (clock, ids[2]);
  workload->cancel (window);
  gtk_window_destroy (GTK_WINDOW (window));
  ub_test_gtk_run_for_ms (100);
}

static void
test_progress_is_a_redraw (gconstpointer data)
{
  const UbTestWorkload *workload = data;
  Counts counts;

  if (!ub_test_gtk_have_display ())
    return;

  count_during_run (workload, &counts);
  g_test_message ("%s: %u progress updates in %u ms: %u window allocations, "
                  "%u layout phases, %u frames painted",
                  workload->name, counts.n_updates, counts.measured_ms,
                  counts.n_allocations, counts.n_layouts, counts.n_paints);
  if (counts.n_updates < MIN_UPDATES)
    {
      g_test_incomplete ("Too few progress updates to judge");
      return;
    }

  /* A widget that asks for a new size at each report makes one
   * allocation per update; a new percent now and then, or the meter's
   * figure, is far fewer. */
  g_assert_cmpuint (counts.n_allocations * 4, <=, counts.n_updates);
  /* A fraction moved is a layout of the bar alone, one per update; an
   * animation restarted at each update lays out at every frame. */
  g_assert_cmpuint (counts.n_layouts, <=, 2 * counts.n_updates);
}

int
main (int   argc,
      char *argv[])
{
  ub_test_gtk_init (&argc, &argv);
  /* Work sized to outlast the settling and twenty updates. */
  ub_test_workloads_set_window (SETTLE_MS + 100 * ENOUGH_UPDATES + 600);

  g_test_summary ("A run's progress reports redraw its page; they neither give the window "
                  "a new size nor lay it out at every frame");

  for (guint i = 0; i < ub_test_workloads_get_n (); i++)
    {
      const UbTestWorkload *workload = ub_test_workloads_get (i);
      g_autofree char *path = NULL;

      if (!g_strv_contains (progress_only, workload->name))
        continue;
      path = g_strdup_printf ("/progress-layout/%s/progress-is-a-redraw", workload->name);
      g_test_add_data_func (path, workload, test_progress_is_a_redraw);
    }
  return g_test_run ();
}
