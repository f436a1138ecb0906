/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ub-window.h"

G_BEGIN_DECLS

/*
 * The showcase workloads, driven through the window's actions as a user
 * would drive them. Shared by the responsiveness tests and the UI
 * benchmark so that both measure the same thing.
 */

typedef struct
{
  const char *name;
  /* Shows the page and fills its inputs: a long job for worker mode, a
   * job of a second or so for blocking mode (it freezes the window). */
  void       (*prepare)     (UbWindow *window,
                             gboolean  blocking);
  void       (*start)       (UbWindow *window);
  gboolean   (*is_running)  (UbWindow *window);
  void       (*cancel)      (UbWindow *window);
  /* Called every 100 ms while the work is measured (the gallery scrolls). */
  void       (*step)        (UbWindow *window);
  /* Whether it finished, with the right result. */
  gboolean   (*finished_ok) (UbWindow *window);
  /* Somewhere to type while it runs. */
  GtkWidget *(*get_entry)   (UbWindow *window);
  /* In blocking mode, the least part of the work's time the main loop is
   * stalled: nearly all of it for work done in one piece; a little less
   * for work done in batches, where the loop runs between two (the
   * gallery's thumbnails, batch after batch as tiles appear). */
  double      blocking_stall_fraction;
} UbTestWorkload;

/**
 * UbTestMeasurement:
 * @stats: the window's meter over the measured span
 * @key_latencies: (array length=n_keys) (owned): per key typed, the time
 *   from the press to the entry's change, in ms
 * @n_keys: how many keys arrived
 * @measured_ms: how long the work was measured while it ran
 * @outlasted: whether the work was still running at the end of the window
 * @work_ms: the measured span (worker mode) or the job's length (blocking)
 * @finished: in blocking mode, whether the work ended with the right result
 * @cpu_ms: the main thread's time on a CPU meanwhile (Linux schedstat)
 * @wait_ms: its time waiting for a CPU: what other processes can have
 *   added to any stall
 * @n_layouts: in worker mode, how many times the window was laid out
 *   while the work ran (its frame clock's layout phase): a widget that
 *   queues a resize at each progress report shows here
 * @n_paints: likewise, how many frames it painted
 * @n_allocations: in worker mode, how many times the window itself was
 *   allocated while the work ran: once per resize queued anywhere in it
 */
typedef struct
{
  UbMeterStats stats;
  double      *key_latencies;
  guint        n_keys;
  guint        measured_ms;
  gboolean     outlasted;
  double       work_ms;
  gboolean     finished;
  double       cpu_ms;
  double       wait_ms;
  guint        n_layouts;
  guint        n_paints;
  guint        n_allocations;
} UbTestMeasurement;

guint                 ub_test_workloads_get_n      (void);
const UbTestWorkload *ub_test_workloads_get        (guint                 index_);
void                  ub_test_workloads_set_window (guint                 ms);
const UbTestWorkload *ub_test_workloads_get_idle   (void);

void                  ub_test_workload_measure_workers  (const UbTestWorkload *workload,
                                                         guint                 window_ms,
                                                         guint                 n_keys,
                                                         guint                 key_interval_ms,
                                                         UbTestMeasurement    *measurement);
void                  ub_test_workload_measure_blocking (const UbTestWorkload *workload,
                                                         guint                 n_keys,
                                                         guint                 key_interval_ms,
                                                         UbTestMeasurement    *measurement);
double                ub_test_measurement_get_max_key_ms (const UbTestMeasurement *measurement);
void                  ub_test_measurement_clear         (UbTestMeasurement    *measurement);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (UbTestMeasurement, ub_test_measurement_clear)

G_END_DECLS
