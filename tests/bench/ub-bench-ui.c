/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <gdk/x11/gdkx.h>
#include <X11/Xatom.h>

#include "ub-bench.h"
#include "ub-bench-commands.h"
#include "ub-test-gtk.h"
#include "ub-test-workloads.h"

/*
 * unblock-bench ui [--hogs N] [WORKLOAD…]: the responsiveness tests'
 * scenarios, measured. For each workload, worker mode and blocking mode
 * alternate over the rounds in one run; the table gives the median over
 * rounds of each figure: the longest main-loop stall and its 99th
 * percentile, frame intervals, and the latency of keys typed (through
 * XTest, from another thread) into the page's entry while the work runs.
 * Each worker-mode row ends with a verdict against the one-frame targets,
 * and the main thread's time on a CPU and waiting for one: a row measured
 * while other programs kept the main thread waiting (see
 * TOO_LOADED_WAIT_SHARE) measured the machine, not the app, and is not
 * judged.
 *
 * --hogs N starts N busy loops at the app's own priority for the whole run,
 * as other programs on a busy machine would be; the target is then two
 * frames.
 *
 * The first row is the floor: the same measurement of the window with
 * nothing running ("idle"), whatever workloads are asked for. Each verdict
 * also says how far its row is above that floor: a figure that misses its
 * target but not the floor's measured the display and the machine, not
 * the work.
 *
 * Xvfb runs no window manager, and without one GTK 4.8 asks the X server
 * again whether there is one each time it looks for a window manager hint
 * (several times per layout of the window), a round trip each; a desktop
 * answers once and GTK remembers. So that the benchmark measures what a
 * desktop would, it sets up a window manager's check window
 * (_NET_SUPPORTING_WM_CHECK) that claims no hint at all, unless a window
 * manager is there already or UB_BENCH_NO_WM_CHECK=1 is set.
 *
 * Needs a display: build-aux/bench ui runs it on a private Xvfb.
 */

#define MEASURE_MS      3000
#define N_KEYS          100
#define KEY_INTERVAL_MS 25

/* The targets, in ms: one frame at 60 Hz plus jitter on a quiet machine,
 * two frames with every CPU contended. */
#define QUIET_MAX_STALL  16.0
#define QUIET_FRAME_P99  17.5
#define QUIET_KEY_P99     8.0
#define HOGS_MAX_STALL   33.0

/* A row is not judged when the machine was busy with other programs: its
 * main thread waited for a CPU for more than this share of the measured
 * span and the load average was over TOO_LOADED_LOAD_PER_CPU per CPU. The
 * app's own workers alone make the main thread wait 7-11 % on a quiet
 * 2-CPU machine (load below 1), so the wait alone does not tell. */
#define TOO_LOADED_WAIT_SHARE   0.05
#define TOO_LOADED_LOAD_PER_CPU 2.0

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
  double outlasted;  /* 1 if the work outlasted the window */
  double cpu_ms;     /* the main thread's time on a CPU (schedstat) */
  double wait_ms;    /* and waiting for one */
  double wait_share; /* wait_ms over the measured span */
  double layouts;    /* the window's layouts per second (worker mode) */
  double allocations; /* its own allocations (new size requests) per second */
  double paints;     /* and its frames per second */
} Figures;

static void
measure (const UbTestWorkload *workload,
         gboolean              blocking,
         Figures              *figures)
{
  g_auto(UbTestMeasurement) m = { 0 };

  if (blocking)
    ub_test_workload_measure_blocking (workload, N_KEYS, KEY_INTERVAL_MS, &m);
  else
    ub_test_workload_measure_workers (workload, MEASURE_MS, N_KEYS, KEY_INTERVAL_MS, &m);

  if (!blocking && !m.outlasted)
    g_printerr ("  (%s finished after %u ms, before the end of the measurement)\n",
                workload->name, m.measured_ms);
  if (blocking && !m.finished)
    g_printerr ("  (%s did not finish in blocking mode)\n", workload->name);

  figures->max_stall = m.stats.max_stall_ms;
  figures->stall_p99 = m.stats.stall_p99_ms;
  figures->frame_p50 = m.stats.frame_p50_ms;
  figures->frame_p99 = m.stats.frame_p99_ms;
  figures->frame_max = m.stats.frame_max_ms;
  figures->meter_us = m.stats.self_cost_us_per_frame;
  figures->work_ms = m.work_ms;
  figures->outlasted = m.outlasted;
  figures->cpu_ms = m.cpu_ms;
  figures->wait_ms = m.wait_ms;
  figures->wait_share = m.work_ms > 0 ? m.wait_ms / m.work_ms : 0;
  figures->layouts = m.work_ms > 0 ? 1000 * m.n_layouts / m.work_ms : 0;
  figures->allocations = m.work_ms > 0 ? 1000 * m.n_allocations / m.work_ms : 0;
  figures->paints = m.work_ms > 0 ? 1000 * m.n_paints / m.work_ms : 0;
  figures->key_p50 = m.n_keys > 0 ? ub_bench_percentile (m.key_latencies, m.n_keys, 50) : -1;
  figures->key_p99 = m.n_keys > 0 ? ub_bench_percentile (m.key_latencies, m.n_keys, 99) : -1;
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

static double
min_of (Figures *rounds,
        guint    n,
        gsize    offset)
{
  double min = G_MAXDOUBLE;

  for (guint i = 0; i < n; i++)
    min = MIN (min, G_STRUCT_MEMBER (double, &rounds[i], offset));
  return min;
}

#define MEDIAN(field) median_of (rounds, n, G_STRUCT_OFFSET (Figures, field))

static void
print_row (const char *workload,
           const char *mode,
           Figures    *rounds,
           guint       n)
{
  printf ("%-8s %-9s %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f %9.0f\n",
          workload, mode, MEDIAN (max_stall), MEDIAN (stall_p99), MEDIAN (frame_p50),
          MEDIAN (frame_p99), MEDIAN (frame_max), MEDIAN (key_p50), MEDIAN (key_p99),
          MEDIAN (work_ms));
  fflush (stdout);
}

/* One line per worker-mode row: each median against its target. */
static gboolean
print_verdict (const char *workload,
               Figures    *rounds,
               guint       n,
               guint       n_hogs,
               gboolean   *judged)
{
  g_autoptr(GString) line = g_string_new (NULL);
  gboolean pass = TRUE;
  gboolean too_loaded;
  double load[1] = { -1 };

  getloadavg (load, 1);
  too_loaded = n_hogs == 0 && MEDIAN (wait_share) > TOO_LOADED_WAIT_SHARE &&
               load[0] > TOO_LOADED_LOAD_PER_CPU * g_get_num_processors ();

  if (min_of (rounds, n, G_STRUCT_OFFSET (Figures, outlasted)) < 1)
    {
      g_string_append (line, "; the work ended inside the window");
      pass = FALSE;
    }

  if (n_hogs > 0)
    {
      if (MEDIAN (max_stall) > HOGS_MAX_STALL)
        pass = FALSE;
      g_string_append_printf (line, "; stall %.1f %s %.0f", MEDIAN (max_stall),
                              MEDIAN (max_stall) > HOGS_MAX_STALL ? ">" : "≤", HOGS_MAX_STALL);
    }
  else
    {
      struct { const char *name; double value, target; } checks[] = {
        { "stall", MEDIAN (max_stall), QUIET_MAX_STALL },
        { "frame p99", MEDIAN (frame_p99), QUIET_FRAME_P99 },
        { "key p99", MEDIAN (key_p99), QUIET_KEY_P99 },
      };

      for (guint i = 0; i < G_N_ELEMENTS (checks); i++)
        {
          gboolean over = checks[i].value > checks[i].target;

          pass &= !over;
          g_string_append_printf (line, "; %s %.1f %s %.1f", checks[i].name, checks[i].value,
                                  over ? ">" : "≤", checks[i].target);
        }
    }

  printf ("  verdict %-8s %s%s\n", workload,
          too_loaded ? "NOT JUDGED (machine too loaded)" : pass ? "PASS" : "FAIL", line->str);
  printf ("  main thread %.0f ms on a CPU, %.0f ms waiting for one (%.1f %% of the span); "
          "load average %.1f\n", MEDIAN (cpu_ms), MEDIAN (wait_ms), 100 * MEDIAN (wait_share),
          load[0]);
  printf ("  the window laid out %.1f times a second (allocated anew %.1f), "
          "painted %.1f frames a second\n",
          MEDIAN (layouts), MEDIAN (allocations), MEDIAN (paints));
  fflush (stdout);
  *judged = !too_loaded;
  return pass || too_loaded;
}

/* Busy loops at this process's priority, as other programs would be. */
static GArray *
start_hogs (guint n_hogs)
{
  GArray *pids = g_array_new (FALSE, FALSE, sizeof (GPid));

  for (guint i = 0; i < n_hogs; i++)
    {
      const char *argv[] = { "/bin/sh", "-c", "while :; do :; done", NULL };
      g_autoptr(GError) error = NULL;
      GPid pid;

      if (!g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                          &pid, &error))
        g_error ("Cannot start a CPU hog: %s", error->message);
      g_array_append_val (pids, pid);
    }
  return pids;
}

static void
stop_hogs (GArray *pids)
{
  for (guint i = 0; i < pids->len; i++)
    {
      GPid pid = g_array_index (pids, GPid, i);

      kill (pid, SIGTERM);
      waitpid (pid, NULL, 0);
      g_spawn_close_pid (pid);
    }
  g_array_unref (pids);
}

/* A stand-in for a window manager's check window: see the top of the
 * file. It lives as long as the process's connection to the display. */
static gboolean
stand_in_wm_check (void)
{
  GdkDisplay *display = gdk_display_get_default ();
  Display *xdisplay;
  Window root, check;
  Atom supporting, supported, name, utf8, type = None;
  int format;
  unsigned long n_items, bytes_after;
  unsigned char *data = NULL;
  static const char wm_name[] = "unblock-bench";

  if (g_strcmp0 (g_getenv ("UB_BENCH_NO_WM_CHECK"), "1") == 0 || !GDK_IS_X11_DISPLAY (display))
    return FALSE;

  xdisplay = gdk_x11_display_get_xdisplay (display);
  root = DefaultRootWindow (xdisplay);
  supporting = XInternAtom (xdisplay, "_NET_SUPPORTING_WM_CHECK", False);
  supported = XInternAtom (xdisplay, "_NET_SUPPORTED", False);
  name = XInternAtom (xdisplay, "_NET_WM_NAME", False);
  utf8 = XInternAtom (xdisplay, "UTF8_STRING", False);

  XGetWindowProperty (xdisplay, root, supporting, 0, 1, False, XA_WINDOW, &type, &format,
                      &n_items, &bytes_after, &data);
  g_clear_pointer (&data, XFree);
  if (type != None)
    return FALSE;

  check = XCreateSimpleWindow (xdisplay, root, -1, -1, 1, 1, 0, 0, 0);
  XChangeProperty (xdisplay, check, supporting, XA_WINDOW, 32, PropModeReplace,
                   (unsigned char *) &check, 1);
  XChangeProperty (xdisplay, check, name, utf8, 8, PropModeReplace,
                   (const unsigned char *) wm_name, strlen (wm_name));
  /* No hint supported: GTK behaves as it does with no window manager,
   * frames included (no _NET_WM_FRAME_DRAWN to wait for). */
  XChangeProperty (xdisplay, root, supported, XA_ATOM, 32, PropModeReplace,
                   (unsigned char *) &supporting, 1);
  XChangeProperty (xdisplay, root, supporting, XA_WINDOW, 32, PropModeReplace,
                   (unsigned char *) &check, 1);
  XSync (xdisplay, False);
  return TRUE;
}

/* How far a row is above the idle floor, figure by figure; a figure over
 * its target but within 10 % (and 0.5 ms) of the floor's is "at the
 * floor". */
static void
print_floor (Figures *rounds,
             guint    n,
             Figures *floor_rounds,
             guint    n_hogs)
{
  g_autoptr(GString) line = g_string_new (NULL);
  gboolean pass = TRUE;
  struct { const char *name; gsize offset; double target; } checks[] = {
    { "stall", G_STRUCT_OFFSET (Figures, max_stall), n_hogs > 0 ? HOGS_MAX_STALL : QUIET_MAX_STALL },
    { "frame p99", G_STRUCT_OFFSET (Figures, frame_p99), n_hogs > 0 ? G_MAXDOUBLE : QUIET_FRAME_P99 },
    { "key p99", G_STRUCT_OFFSET (Figures, key_p99), n_hogs > 0 ? G_MAXDOUBLE : QUIET_KEY_P99 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (checks); i++)
    {
      double value = median_of (rounds, n, checks[i].offset);
      double floor_value = median_of (floor_rounds, n, checks[i].offset);
      gboolean ok = value <= checks[i].target || value <= floor_value * 1.1 + 0.5;

      pass &= ok;
      g_string_append_printf (line, "%s %s %+.1f", i > 0 ? "," : "", checks[i].name,
                              value - floor_value);
    }
  printf ("  against the idle floor: %s (over the floor:%s)\n", pass ? "PASS" : "FAIL",
          line->str);
  fflush (stdout);
}

int
ub_bench_ui (int    argc,
             char **argv)
{
  guint n_rounds = ub_bench_rounds (3);
  g_autofree Figures *workers = g_new0 (Figures, n_rounds);
  g_autofree Figures *blocking = g_new0 (Figures, n_rounds);
  g_autofree Figures *idle = g_new0 (Figures, n_rounds);
  g_autoptr(GArray) meter_costs = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GPtrArray) only = g_ptr_array_new ();
  g_autoptr(GArray) hogs = NULL;
  guint n_hogs = 0, n_failed = 0, n_judged = 0;
  gboolean judged, wm_check;

  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--hogs") && i + 1 < argc)
        n_hogs = g_ascii_strtoull (argv[++i], NULL, 10);
      else
        g_ptr_array_add (only, argv[i]);
    }

  if (!ub_test_gtk_init_app ())
    {
      fprintf (stderr, "unblock-bench ui: no display; run it as build-aux/bench ui\n");
      return 1;
    }

  wm_check = stand_in_wm_check ();

  ub_bench_header ("ui: responsiveness while each workload runs (worker vs blocking)");
  printf ("%u rounds, medians; %d ms measured per worker run; %u keys every %u ms; %u CPUs; "
          "%u CPU hogs\n", n_rounds, MEASURE_MS, N_KEYS, KEY_INTERVAL_MS,
          g_get_num_processors (), n_hogs);
  if (n_hogs > 0)
    printf ("targets for worker mode: longest stall ≤ %.0f ms\n", HOGS_MAX_STALL);
  else
    printf ("targets for worker mode: longest stall ≤ %.0f ms, frame p99 ≤ %.1f ms, "
            "key p99 ≤ %.0f ms\n", QUIET_MAX_STALL, QUIET_FRAME_P99, QUIET_KEY_P99);
  printf ("window manager: %s\n", wm_check ? "a stand-in check window claiming no hint "
          "(UB_BENCH_NO_WM_CHECK=1: none)" : "none set up by the benchmark");
  printf ("%-8s %-9s %8s %8s %8s %8s %8s %8s %8s %9s\n", "workload", "mode", "stall", "stall",
          "frame", "frame", "frame", "key", "key", "work");
  printf ("%-8s %-9s %8s %8s %8s %8s %8s %8s %8s %9s\n", "", "", "max", "p99", "p50", "p99",
          "max", "p50", "p99", "ms");

  ub_test_workloads_set_window (MEASURE_MS);
  hogs = start_hogs (n_hogs);

  /* The floor: a warm-up, then the rounds. */
  measure (ub_test_workloads_get_idle (), FALSE, &idle[0]);
  for (guint r = 0; r < n_rounds; r++)
    measure (ub_test_workloads_get_idle (), FALSE, &idle[r]);
  print_row ("idle", "workers", idle, n_rounds);
  print_verdict ("idle", idle, n_rounds, n_hogs, &judged);

  for (guint w = 0; w < ub_test_workloads_get_n (); w++)
    {
      const UbTestWorkload *workload = ub_test_workloads_get (w);

      if (only->len > 0 && !g_ptr_array_find_with_equal_func (only, workload->name, g_str_equal, NULL))
        continue;

      /* A warm-up run, unmeasured: files, caches, first-use costs. */
      measure (workload, FALSE, &workers[0]);

      for (guint r = 0; r < n_rounds; r++)
        {
          measure (workload, FALSE, &workers[r]);
          measure (workload, TRUE, &blocking[r]);
          g_array_append_val (meter_costs, workers[r].meter_us);
        }

      print_row (workload->name, "workers", workers, n_rounds);
      print_row (workload->name, "blocking", blocking, n_rounds);
      if (!print_verdict (workload->name, workers, n_rounds, n_hogs, &judged))
        n_failed++;
      print_floor (workers, n_rounds, idle, n_hogs);
      n_judged += judged;
    }

  stop_hogs (g_steal_pointer (&hogs));

  printf ("all figures in ms; \"work\" is the measured span (worker mode) or the job's "
          "length (blocking mode)\n");
  printf ("the meter's own cost on the main thread: %.1f µs per frame (median)\n",
          ub_bench_median ((double *) meter_costs->data, meter_costs->len));
  printf ("%u worker-mode rows judged, %u of them missed their targets; the others were "
          "measured while the main thread waited for a CPU more than %.0f %% of the time at a "
          "load average over %.0f per CPU\n",
          n_judged, n_failed, 100 * TOO_LOADED_WAIT_SHARE, TOO_LOADED_LOAD_PER_CPU);
  return 0;
}
