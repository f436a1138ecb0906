/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* A run's progress and its rate/ETA accounting. Not installed; not part
 * of the public API. */

#include "ub-run.h"

G_BEGIN_DECLS

/* Counts only the work done while running, over the time spent running:
 * work restored before the run started, and time spent paused, count for
 * nothing. Belongs to the run's thread. */
typedef struct
{
  UbRunClock  clock;          /* (nullable): the monotonic clock if NULL */
  gpointer    clock_data;

  /* Progress, in the run's unit */
  guint64     done;
  guint64     total;

  /* The sum of the running intervals, and the work done in them.
   * running_since and base_done describe the current interval. */
  gboolean    running;
  gint64      running_usec;
  gint64      running_since;
  guint64     work_before;
  guint64     base_done;
} UbRunMeter;

void     _ub_run_meter_set_running   (UbRunMeter *meter,
                                      gboolean    running);
void     _ub_run_meter_set_progress  (UbRunMeter *meter,
                                      guint64     done,
                                      guint64     total);
void     _ub_run_meter_restart       (UbRunMeter *meter);
gint64   _ub_run_meter_running_time  (UbRunMeter *meter);
double   _ub_run_meter_rate          (UbRunMeter *meter);
double   _ub_run_meter_eta           (UbRunMeter *meter);

G_END_DECLS
