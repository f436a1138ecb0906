/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-run-meter-private.h"

/* Below this much running time a rate says nothing yet. */
#define MIN_RATE_USEC (200 * G_TIME_SPAN_MILLISECOND)

static gint64
now_usec (UbRunMeter *meter)
{
  return meter->clock ? meter->clock (meter->clock_data) : g_get_monotonic_time ();
}

static guint64
work_while_running (UbRunMeter *meter)
{
  guint64 work = meter->work_before;

  if (meter->running && meter->done > meter->base_done)
    work += meter->done - meter->base_done;
  return work;
}

/* Closes the running interval, or opens one. */
void
_ub_run_meter_set_running (UbRunMeter *meter,
                           gboolean    running)
{
  gint64 now;

  if (meter->running == running)
    return;

  now = now_usec (meter);
  if (meter->running)
    {
      meter->running_usec += now - meter->running_since;
      meter->work_before = work_while_running (meter);
    }
  meter->running = running;
  if (running)
    {
      meter->running_since = now;
      meter->base_done = meter->done;
    }
}

void
_ub_run_meter_set_progress (UbRunMeter *meter,
                            guint64     done,
                            guint64     total)
{
  /* Work restored before the run started is where it begins, not work
   * it did. */
  if (!meter->running)
    meter->base_done = done;
  else if (done < meter->base_done)
    {
      /* Progress went back (a part started over): measure from here. */
      meter->work_before += meter->done > meter->base_done ? meter->done - meter->base_done : 0;
      meter->base_done = done;
    }

  meter->done = done;
  meter->total = total;
}

/* A new phase, measured apart: everything counts from now. */
void
_ub_run_meter_restart (UbRunMeter *meter)
{
  meter->running_usec = 0;
  meter->running_since = now_usec (meter);
  meter->work_before = 0;
  meter->done = 0;
  meter->base_done = 0;
  meter->total = 0;
}

gint64
_ub_run_meter_running_time (UbRunMeter *meter)
{
  if (meter->running)
    return meter->running_usec + (now_usec (meter) - meter->running_since);
  return meter->running_usec;
}

double
_ub_run_meter_rate (UbRunMeter *meter)
{
  gint64 running = _ub_run_meter_running_time (meter);
  guint64 work = work_while_running (meter);

  if (running < MIN_RATE_USEC || work == 0)
    return 0;
  return (double) work * G_USEC_PER_SEC / (double) running;
}

/* The seconds left at the current rate, or -1 if unknown. */
double
_ub_run_meter_eta (UbRunMeter *meter)
{
  double rate = _ub_run_meter_rate (meter);

  if (rate <= 0 || meter->total == 0 || meter->done > meter->total)
    return -1;
  return (double) (meter->total - meter->done) / rate;
}
