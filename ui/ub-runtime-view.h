/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/**
 * UbRuntimeViewStats:
 * @n_updates: updates done
 * @last_usec: what the last one cost the main thread
 * @max_usec: the most one cost
 * @total_usec: all of them together
 * @n_ports: ports shown by the last update
 * @n_workers: workers shown by the last update
 */
typedef struct
{
  guint  n_updates;
  gint64 last_usec;
  gint64 max_usec;
  gint64 total_usec;
  guint  n_ports;
  guint  n_workers;
} UbRuntimeViewStats;

/* How often the views of the runtime take a snapshot while shown. */
#define UB_RUNTIME_POLL_INTERVAL_MS 250

typedef void (*UbRuntimePollFunc) (GtkWidget *widget);

void ub_runtime_poll_while_mapped (GtkWidget         *widget,
                                   UbRuntimePollFunc  refresh);

#define UB_TYPE_RUNTIME_VIEW (ub_runtime_view_get_type ())

G_DECLARE_FINAL_TYPE (UbRuntimeView, ub_runtime_view, UB, RUNTIME_VIEW, GtkWidget)

GtkWidget *ub_runtime_view_new       (void);
void       ub_runtime_view_refresh   (UbRuntimeView      *self);
void       ub_runtime_view_get_stats (UbRuntimeView      *self,
                                      UbRuntimeViewStats *stats);

G_END_DECLS
