/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The MessageChannel runtime in one include, plus the process-wide
 * registry that the live view (the Channels page) reads. */

#include "ub-broadcast-channel.h"
#include "ub-buffer.h"
#include "ub-channel.h"
#include "ub-error.h"
#include "ub-message.h"
#include "ub-port.h"
#include "ub-remote.h"
#include "ub-worker.h"
#include "ub-worker-pool.h"

G_BEGIN_DECLS

/**
 * UbRuntimePortInfo:
 * @label: (owned): the port's label
 * @broadcast: (owned) (nullable): for the hub port of a #UbBroadcastChannel
 *   (one per channel name and context), the channel's name
 * @id: the port's identity, stable for its life and never reused (a
 *   transferred port keeps it)
 * @peer_id: the @id of the port it is entangled with, 0 if none (hubs);
 *   the peer may be gone
 * @owner_id: the @id of the worker whose thread receives on the port, or 0
 *   for any other thread (in the app, the main thread)
 * @stats: its counters
 */
typedef struct
{
  char        *label;
  char        *broadcast;
  guint        id;
  guint        peer_id;
  guint        owner_id;
  UbPortStats  stats;
} UbRuntimePortInfo;

/**
 * UbRuntimeWorkerInfo:
 * @kind: (owned): the worker's kind
 * @name: (owned): what it is for (ub_worker_set_name()), by default its kind
 *   and a number
 * @activity: (owned) (nullable): what it is doing now
 *   (ub_worker_scope_set_activity()), %NULL when idle
 * @id: its identity, never reused; ports name it as their owner
 * @state: its state
 * @n_pending_calls: remote calls not yet completed
 */
typedef struct
{
  char          *kind;
  char          *name;
  char          *activity;
  guint          id;
  UbWorkerState  state;
  guint          n_pending_calls;
} UbRuntimeWorkerInfo;

/**
 * UbRuntimeSnapshot:
 * @ports: (element-type UbRuntimePortInfo): every live port, oldest first
 * @workers: (element-type UbRuntimeWorkerInfo): every live worker, oldest first
 * @n_running_threads: worker threads started and not yet joined
 */
typedef struct
{
  GArray *ports;
  GArray *workers;
  guint   n_running_threads;
} UbRuntimeSnapshot;

UbRuntimeSnapshot *ub_runtime_snapshot                 (void);
void               ub_runtime_snapshot_free            (UbRuntimeSnapshot *snapshot);
guint              ub_runtime_get_n_running_threads    (void);
gboolean           ub_runtime_wait_for_threads         (gint64             timeout_usec);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UbRuntimeSnapshot, ub_runtime_snapshot_free)

G_END_DECLS
