/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ub-port.h"
#include "ub-remote.h"

G_BEGIN_DECLS

/**
 * UbWorkerState:
 * @UB_WORKER_STATE_STARTING: the thread is starting
 * @UB_WORKER_STATE_RUNNING: the entry point is running
 * @UB_WORKER_STATE_CLOSED: the worker closed itself (ub_worker_scope_close())
 * @UB_WORKER_STATE_EXITED: the entry point returned
 * @UB_WORKER_STATE_TERMINATED: the owner terminated the worker
 *
 * The life of a worker, as shown in the runtime snapshot.
 */
typedef enum
{
  UB_WORKER_STATE_STARTING,
  UB_WORKER_STATE_RUNNING,
  UB_WORKER_STATE_CLOSED,
  UB_WORKER_STATE_EXITED,
  UB_WORKER_STATE_TERMINATED,
} UbWorkerState;

/**
 * UB_WORKER_NICE_INCREMENT:
 *
 * How much nicer than the thread that created it a worker thread runs.
 */
#define UB_WORKER_NICE_INCREMENT 5

/**
 * UbWorkerEntry:
 * @scope: the worker's scope: its port, cancellable, kind and loop
 * @user_data: the data given to ub_worker_kind_register()
 * @error: return location for a #GError
 *
 * A worker kind's entry point, run on the worker's own thread with the
 * worker's #GMainContext as thread-default. Most entry points expose
 * methods or connect to the scope's port and call ub_worker_scope_run().
 *
 * Returns: %FALSE with @error set to report an error to the owner
 */
typedef gboolean (*UbWorkerEntry) (UbWorkerScope  *scope,
                                   gpointer        user_data,
                                   GError        **error);

#define UB_TYPE_WORKER (ub_worker_get_type ())

G_DECLARE_FINAL_TYPE (UbWorker, ub_worker, UB, WORKER, GObject)

void           ub_worker_kind_register        (const char     *kind,
                                               UbWorkerEntry   entry,
                                               gpointer        user_data);
gboolean       ub_worker_kind_is_registered   (const char     *kind);

UbWorker      *ub_worker_new                  (const char     *kind,
                                               GError        **error);
UbPort        *ub_worker_get_port             (UbWorker       *self);
UbRemote      *ub_worker_get_remote           (UbWorker       *self);
const char    *ub_worker_get_kind             (UbWorker       *self);
void           ub_worker_set_name             (UbWorker       *self,
                                               const char     *name);
char          *ub_worker_dup_name             (UbWorker       *self);
UbWorkerState  ub_worker_get_state            (UbWorker       *self);
void           ub_worker_terminate            (UbWorker       *self);

UbPort        *ub_worker_scope_get_port        (UbWorkerScope  *scope);
GCancellable  *ub_worker_scope_get_cancellable (UbWorkerScope  *scope);
const char    *ub_worker_scope_get_kind        (UbWorkerScope  *scope);
GMainContext  *ub_worker_scope_get_context     (UbWorkerScope  *scope);
void           ub_worker_scope_set_activity    (UbWorkerScope  *scope,
                                                const char     *activity);
void           ub_worker_scope_run             (UbWorkerScope  *scope);
void           ub_worker_scope_quit            (UbWorkerScope  *scope);
void           ub_worker_scope_close           (UbWorkerScope  *scope);
void           ub_worker_scope_report_error    (UbWorkerScope  *scope,
                                                const GError   *error);
void           ub_worker_scope_expose          (UbWorkerScope  *scope,
                                                const char     *method,
                                                UbRemoteMethod  func,
                                                gpointer        user_data,
                                                GDestroyNotify  destroy);

G_END_DECLS
