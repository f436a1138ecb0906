/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* unblock-bench channel's latency half (ub-bench-channel-latency.c). */

#define LATENCY_N 2000   /* pings per round */

typedef struct
{
  double *one_way;      /* µs, one per ping */
  double *round_trip;   /* µs */
  guint   n;
} UbLatency;

void   ub_latency_register    (void);
void   ub_latency_init        (UbLatency  *latency,
                               guint       rounds);
void   ub_latency_clear       (UbLatency  *latency);
double ub_latency_print       (const char *name,
                               UbLatency  *latency);

void   ub_latency_port_worker (UbLatency  *latency);
void   ub_latency_port_thread (UbLatency  *latency);
void   ub_latency_idle        (UbLatency  *latency);
void   ub_latency_queue       (UbLatency  *latency);
void   ub_latency_eventfd     (UbLatency  *latency);

/* The overhead half (ub-bench-channel-overhead.c). */

guint  ub_overhead_sample_size (void);
void   ub_overhead_init       (void);
void   ub_overhead_workload   (guint       n,
                               gboolean    port_only);
void   ub_overhead_round      (GArray     *samples);
void   ub_overhead_print      (GArray     *samples);
void   ub_overhead_print_last (GArray     *samples);

G_END_DECLS
