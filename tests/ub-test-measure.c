/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ub-test-gtk.h"
#include "ub-test-keys.h"
#include "ub-test-workloads.h"

/*
 * Measuring a workload: the window's meter, keys typed into its entry,
 * and the main thread's CPU time, in worker mode over a fixed window and
 * in blocking mode over the job's length.
 */

/* The main thread's time on a CPU and waiting for one (Linux schedstat),
 * in ms: tells a stall caused here from one caused by the machine. */
static void
read_schedstat (double *run_ms,
                double *wait_ms)
{
  g_autofree char *contents = NULL;
  guint64 run = 0, wait = 0;

  *run_ms = *wait_ms = 0;
  if (!g_file_get_contents ("/proc/thread-self/schedstat", &contents, NULL, NULL))
    return;
  if (sscanf (contents, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT, &run, &wait) == 2)
    {
      *run_ms = run / 1e6;
      *wait_ms = wait / 1e6;
    }
}

static gboolean
typer_done (gpointer user_data)
{
  return ub_key_typer_is_done (user_data);
}

static UbKeyTyper *
start_typing (GtkWidget *entry,
              guint      n_keys,
              guint      key_interval_ms)
{
  if (n_keys == 0 || !ub_key_typer_supported ())
    return NULL;
  return ub_key_typer_start (entry, n_keys, key_interval_ms);
}

/* Waits for the keys typed to arrive, a minute at most: a key the X
 * server dropped (seen on a very loaded machine, after a long blocking
 * run) must not stop the measurement. The keys that arrived are counted
 * in @measurement; callers that need every key check n_keys. */
static void
finish_typing (UbKeyTyper        *typer,
               UbTestMeasurement *measurement)
{
  if (typer == NULL)
    return;
  if (!ub_test_gtk_run_until (typer_done, typer, 60000))
    g_printerr ("  (%u of %u keys sent arrived within a minute)\n",
                ub_key_typer_get_n_received (typer), ub_key_typer_get_n_sent (typer));
  measurement->key_latencies = ub_key_typer_dup_latencies_ms (typer, &measurement->n_keys);
}

/* With UB_TEST_STALL_LOG=MS in the environment, every gap of more than MS
 * ms in the main loop is printed with its monotonic start and end (µs), to
 * be matched with a profile recorded with `perf record -k mono`. */
typedef struct
{
  gint64 last;
  gint64 threshold;
} StallLog;

static gboolean
stall_log_beat (gpointer user_data)
{
  StallLog *log = user_data;
  gint64 now = g_get_monotonic_time ();

  if (log->last != 0 && now - log->last > log->threshold)
    g_printerr ("stall %.1f ms from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT "\n",
                (now - log->last) / 1000.0, log->last, now);
  log->last = now;
  return G_SOURCE_CONTINUE;
}

static guint
stall_log_start (void)
{
  const char *threshold = g_getenv ("UB_TEST_STALL_LOG");
  StallLog *log;

  if (threshold == NULL)
    return 0;
  log = g_new0 (StallLog, 1);
  log->threshold = g_ascii_strtoll (threshold, NULL, 10) * 1000;
  return g_timeout_add_full (G_PRIORITY_HIGH, 1, stall_log_beat, log, g_free);
}

static void
count (GdkFrameClock *clock,
       guint         *counter)
{
  (*counter)++;
}

/**
 * ub_test_workload_measure_workers:
 * @window_ms: how long to measure, at most: the work must outlast it
 * @n_keys: keys to type into the page while it runs (0: none)
 *
 * Runs @workload in workers in a new window, as a user would, and measures
 * the main loop while the work runs and the keys arrive; the last 100 ms
 * after the window let a stall that ends late be recorded.
 */
void
ub_test_workload_measure_workers (const UbTestWorkload *workload,
                                  guint                 window_ms,
                                  guint                 n_keys,
                                  guint                 key_interval_ms,
                                  UbTestMeasurement    *measurement)
{
  UbWindow *window = ub_test_gtk_new_window ();
  UbMeter *meter = ub_window_get_meter (window);
  g_autoptr(UbKeyTyper) typer = NULL;
  double run_before, wait_before, run_after, wait_after;
  GdkFrameClock *clock;
  gulong layout_id, paint_id;
  guint stall_log;
  gint64 start;

  memset (measurement, 0, sizeof *measurement);
  workload->prepare (window, FALSE);
  ub_test_gtk_run_for_ms (200);
  ub_meter_reset (meter);
  read_schedstat (&run_before, &wait_before);

  stall_log = stall_log_start ();
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  layout_id = g_signal_connect (clock, "layout", G_CALLBACK (count), &measurement->n_layouts);
  paint_id = g_signal_connect (clock, "paint", G_CALLBACK (count), &measurement->n_paints);
  ub_test_gtk_count_allocations (window, &measurement->n_allocations);
  start = g_get_monotonic_time ();
  workload->start (window);
  g_assert_true (workload->is_running (window));
  typer = start_typing (workload->get_entry (window), n_keys, key_interval_ms);

  while (measurement->measured_ms < window_ms && workload->is_running (window))
    {
      if (workload->step != NULL)
        workload->step (window);
      ub_test_gtk_run_for_ms (100);
      measurement->measured_ms += 100;
    }
  measurement->outlasted = workload->is_running (window);
  if (stall_log != 0)
    g_printerr ("measured %s from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT "\n",
                workload->name, start, g_get_monotonic_time ());
  g_signal_handler_disconnect (clock, layout_id);
  g_signal_handler_disconnect (clock, paint_id);
  ub_test_gtk_count_allocations (NULL, NULL);
  finish_typing (typer, measurement);
  measurement->work_ms = (g_get_monotonic_time () - start) / 1000.0;
  ub_test_gtk_run_for_ms (100);

  ub_meter_get_stats (meter, &measurement->stats);
  read_schedstat (&run_after, &wait_after);
  measurement->cpu_ms = run_after - run_before;
  measurement->wait_ms = wait_after - wait_before;
  g_clear_handle_id (&stall_log, g_source_remove);

  workload->cancel (window);
  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct
{
  const UbTestWorkload *workload;
  UbWindow             *window;
  gint64                started;
} BlockingRun;

static gboolean
start_blocking (gpointer user_data)
{
  BlockingRun *run = user_data;

  /* Activated from the main loop, as a click would be. */
  run->started = g_get_monotonic_time ();
  run->workload->start (run->window);
  return G_SOURCE_REMOVE;
}

static gboolean
blocking_finished (gpointer user_data)
{
  BlockingRun *run = user_data;

  return run->started != 0 && run->workload->finished_ok (run->window);
}

static void
set_blocking (gboolean blocking)
{
  g_action_group_change_action_state (G_ACTION_GROUP (ub_test_gtk_get_app ()), "blocking",
                                      g_variant_new_boolean (blocking));
}

/**
 * ub_test_workload_measure_blocking:
 * @n_keys: keys to type into the page while it runs (0: none)
 *
 * Runs @workload's blocking-mode job to its end in a new window, started
 * from the main loop as a click would, and measures the main loop.
 */
void
ub_test_workload_measure_blocking (const UbTestWorkload *workload,
                                   guint                 n_keys,
                                   guint                 key_interval_ms,
                                   UbTestMeasurement    *measurement)
{
  BlockingRun run = { workload, ub_test_gtk_new_window (), 0 };
  UbMeter *meter = ub_window_get_meter (run.window);
  g_autoptr(UbKeyTyper) typer = NULL;
  double run_before, wait_before, run_after, wait_after;

  memset (measurement, 0, sizeof *measurement);
  workload->prepare (run.window, TRUE);
  set_blocking (TRUE);
  ub_test_gtk_run_for_ms (200);
  ub_meter_reset (meter);
  read_schedstat (&run_before, &wait_before);

  typer = start_typing (workload->get_entry (run.window), n_keys, key_interval_ms);
  g_idle_add (start_blocking, &run);
  measurement->finished = ub_test_gtk_run_until (blocking_finished, &run, 600000);
  measurement->work_ms = (g_get_monotonic_time () - run.started) / 1000.0;
  finish_typing (typer, measurement);
  /* The last stall is recorded when the loop runs again. */
  ub_test_gtk_run_for_ms (100);
  set_blocking (FALSE);

  ub_meter_get_stats (meter, &measurement->stats);
  read_schedstat (&run_after, &wait_after);
  measurement->cpu_ms = run_after - run_before;
  measurement->wait_ms = wait_after - wait_before;

  workload->cancel (run.window);
  gtk_window_destroy (GTK_WINDOW (run.window));
}

double
ub_test_measurement_get_max_key_ms (const UbTestMeasurement *measurement)
{
  double max = 0;

  for (guint i = 0; i < measurement->n_keys; i++)
    max = MAX (max, measurement->key_latencies[i]);
  return max;
}

void
ub_test_measurement_clear (UbTestMeasurement *measurement)
{
  g_clear_pointer (&measurement->key_latencies, g_free);
}
