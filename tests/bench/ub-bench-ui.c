/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include "ub-bench.h"
#include "ub-bench-commands.h"
#include "ub-test-gtk.h"
#include "ub-test-keys.h"
#include "ub-test-workloads.h"

/*
 * unblock-bench ui: the responsiveness tests' scenarios, measured. For
 * each workload, worker mode and blocking mode alternate over the rounds
 * in one run; the table gives the median over rounds of each figure: the
 * longest main-loop stall and its 99th percentile, frame intervals, and
 * the latency of keys typed (through XTest, from another thread) into the
 * page's entry while the work runs.
 *
 * Needs a display: build-aux/bench ui runs it on a private Xvfb.
 */

#define MEASURE_MS      3000
#define N_KEYS          100
#define KEY_INTERVAL_MS 25

typedef struct
{
  double max_stall;
  double stall_p99;
  double frame_p50;
  double frame_p99;
  double frame_max;
  double key_p50;
  double key_p99;
  double work_ms;
  double meter_us;
} Figures;

static gboolean
typer_done (gpointer user_data)
{
  return ub_key_typer_is_done (user_data);
}

static void
read_keys (UbKeyTyper *typer,
           Figures    *figures)
{
  g_autofree double *latencies = NULL;
  guint n = 0;

  if (typer == NULL)
    {
      figures->key_p50 = figures->key_p99 = -1;
      return;
    }

  g_assert_true (ub_test_gtk_run_until (typer_done, typer, 60000));
  latencies = ub_key_typer_dup_latencies_ms (typer, &n);
  figures->key_p50 = ub_bench_percentile (latencies, n, 50);
  figures->key_p99 = ub_bench_percentile (latencies, n, 99);
}

static void
read_meter (UbMeter *meter,
            Figures *figures)
{
  UbMeterStats stats;

  ub_meter_get_stats (meter, &stats);
  figures->max_stall = stats.max_stall_ms;
  figures->stall_p99 = stats.stall_p99_ms;
  figures->frame_p50 = stats.frame_p50_ms;
  figures->frame_p99 = stats.frame_p99_ms;
  figures->frame_max = stats.frame_max_ms;
  figures->meter_us = stats.self_cost_us_per_frame;
}

static void
measure_workers (const UbTestWorkload *workload,
                 Figures              *figures)
{
  UbWindow *window = ub_test_gtk_new_window ();
  UbMeter *meter = ub_window_get_meter (window);
  g_autoptr(UbKeyTyper) typer = NULL;
  gint64 start;

  workload->prepare (window, FALSE);
  ub_test_gtk_run_for_ms (200);
  ub_meter_reset (meter);

  start = g_get_monotonic_time ();
  workload->start (window);
  if (ub_key_typer_supported ())
    typer = ub_key_typer_start (workload->get_entry (window), N_KEYS, KEY_INTERVAL_MS);

  for (guint elapsed = 0; elapsed < MEASURE_MS; elapsed += 100)
    {
      if (workload->step != NULL)
        workload->step (window);
      ub_test_gtk_run_for_ms (100);
    }
  read_keys (typer, figures);
  if (!workload->is_running (window))
    g_printerr ("  (%s finished before the end of the measurement)\n", workload->name);
  figures->work_ms = (g_get_monotonic_time () - start) / 1000.0;
  ub_test_gtk_run_for_ms (100);

  read_meter (meter, figures);
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
measure_blocking (const UbTestWorkload *workload,
                  Figures              *figures)
{
  BlockingRun run = { workload, ub_test_gtk_new_window (), 0 };
  UbMeter *meter = ub_window_get_meter (run.window);
  g_autoptr(UbKeyTyper) typer = NULL;

  workload->prepare (run.window, TRUE);
  g_action_group_change_action_state (G_ACTION_GROUP (ub_test_gtk_get_app ()), "blocking",
                                      g_variant_new_boolean (TRUE));
  ub_test_gtk_run_for_ms (200);
  ub_meter_reset (meter);

  if (ub_key_typer_supported ())
    typer = ub_key_typer_start (workload->get_entry (run.window), N_KEYS, KEY_INTERVAL_MS);
  g_idle_add (start_blocking, &run);
  g_assert_true (ub_test_gtk_run_until (blocking_finished, &run, 600000));
  figures->work_ms = (g_get_monotonic_time () - run.started) / 1000.0;
  read_keys (typer, figures);
  ub_test_gtk_run_for_ms (100);

  g_action_group_change_action_state (G_ACTION_GROUP (ub_test_gtk_get_app ()), "blocking",
                                      g_variant_new_boolean (FALSE));
  read_meter (meter, figures);
  workload->cancel (run.window);
  gtk_window_destroy (GTK_WINDOW (run.window));
}

/* The median of one field over the rounds. */
static double
median_of (Figures *rounds,
           guint    n,
           gsize    offset)
{
  g_autofree double *values = g_new (double, n);

  for (guint i = 0; i < n; i++)
    values[i] = G_STRUCT_MEMBER (double, &rounds[i], offset);
  return ub_bench_median (values, n);
}

static void
print_row (const char *workload,
           const char *mode,
           Figures    *rounds,
           guint       n)
{
  printf ("%-8s %-9s %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f %9.0f\n",
          workload, mode,
          median_of (rounds, n, G_STRUCT_OFFSET (Figures, max_stall)),
          median_of (rounds, n, G_STRUCT_OFFSET (Figures, stall_p99)),
          median_of (rounds, n, G_STRUCT_OFFSET (Figures, frame_p50)),
          median_of (rounds, n, G_STRUCT_OFFSET (Figures, frame_p99)),
          median_of (rounds, n, G_STRUCT_OFFSET (Figures, frame_max)),
          median_of (rounds, n, G_STRUCT_OFFSET (Figures, key_p50)),
          median_of (rounds, n, G_STRUCT_OFFSET (Figures, key_p99)),
          median_of (rounds, n, G_STRUCT_OFFSET (Figures, work_ms)));
  fflush (stdout);
}

int
ub_bench_ui (int    argc,
             char **argv)
{
  guint n_rounds = ub_bench_rounds (3);
  const char *only = argc > 1 ? argv[1] : NULL;
  g_autofree Figures *workers = g_new0 (Figures, n_rounds);
  g_autofree Figures *blocking = g_new0 (Figures, n_rounds);
  g_autoptr(GArray) meter_costs = g_array_new (FALSE, FALSE, sizeof (double));

  if (!ub_test_gtk_init_app ())
    {
      fprintf (stderr, "unblock-bench ui: no display; run it as build-aux/bench ui\n");
      return 1;
    }

  ub_bench_header ("ui: responsiveness while each workload runs (worker vs blocking)");
  printf ("%u rounds, medians; %d ms measured per worker run; %u keys every %u ms; %u CPUs\n",
          n_rounds, MEASURE_MS, N_KEYS, KEY_INTERVAL_MS, g_get_num_processors ());
  printf ("%-8s %-9s %8s %8s %8s %8s %8s %8s %8s %9s\n", "workload", "mode", "stall", "stall",
          "frame", "frame", "frame", "key", "key", "work");
  printf ("%-8s %-9s %8s %8s %8s %8s %8s %8s %8s %9s\n", "", "", "max", "p99", "p50", "p99",
          "max", "p50", "p99", "ms");

  for (guint w = 0; w < ub_test_workloads_get_n (); w++)
    {
      const UbTestWorkload *workload = ub_test_workloads_get (w);

      if (only != NULL && !g_str_equal (only, workload->name))
        continue;

      /* A warm-up run, unmeasured: files, caches, first-use costs. */
      measure_workers (workload, &workers[0]);

      for (guint r = 0; r < n_rounds; r++)
        {
          measure_workers (workload, &workers[r]);
          measure_blocking (workload, &blocking[r]);
          g_array_append_val (meter_costs, workers[r].meter_us);
        }

      print_row (workload->name, "workers", workers, n_rounds);
      print_row (workload->name, "blocking", blocking, n_rounds);
    }

  printf ("all figures in ms; \"work\" is the measured span (worker mode) or the job's "
          "length (blocking mode)\n");
  printf ("the meter's own cost on the main thread: %.1f µs per frame (median)\n",
          ub_bench_median ((double *) meter_costs->data, meter_costs->len));
  return 0;
}
