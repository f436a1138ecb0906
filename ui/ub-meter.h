/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define UB_TYPE_METER (ub_meter_get_type ())

G_DECLARE_FINAL_TYPE (UbMeter, ub_meter, UB, METER, GtkWidget)

/**
 * UbMeterStats:
 * @max_stall_ms: the longest gap between two heartbeats of the main loop
 * @stall_p99_ms: 99th percentile of the gaps between heartbeats
 * @frame_p50_ms: median interval between two frame-clock ticks
 * @frame_p99_ms: 99th percentile of the frame intervals
 * @frame_max_ms: the longest frame interval
 * @n_frames: how many frame intervals were recorded
 * @n_heartbeats: how many heartbeat gaps were recorded
 * @total_stall_ms: the sum of the gaps longer than a frame (16.7 ms): how
 *   long the main loop was unable to run anything, in total
 * @self_cost_us_per_frame: time the meter itself spent on the main thread
 *   (heartbeat, tick and drawing), divided by the number of frames
 *
 * The meter's figures since the last ub_meter_reset().
 */
typedef struct
{
  double max_stall_ms;
  double stall_p99_ms;
  double frame_p50_ms;
  double frame_p99_ms;
  double frame_max_ms;
  guint  n_frames;
  guint  n_heartbeats;
  double total_stall_ms;
  double self_cost_us_per_frame;
} UbMeterStats;

GtkWidget *ub_meter_new                           (void);
double     ub_meter_get_max_stall_ms              (UbMeter      *self);
double     ub_meter_get_frame_interval_percentile (UbMeter      *self,
                                                   double        percentile);
void       ub_meter_get_stats                     (UbMeter      *self,
                                                   UbMeterStats *stats);
void       ub_meter_reset                         (UbMeter      *self);

G_END_DECLS
