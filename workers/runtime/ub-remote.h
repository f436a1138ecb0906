/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Declared in ub-worker.h, which includes this header. */
typedef struct _UbWorkerScope UbWorkerScope;

#define UB_TYPE_REMOTE (ub_remote_get_type ())

G_DECLARE_FINAL_TYPE (UbRemote, ub_remote, UB, REMOTE, GObject)

typedef struct _UbRemoteInvocation UbRemoteInvocation;

/**
 * UbRemoteMethod:
 * @invocation: the call: its cancellable and progress reporter
 * @params: (nullable): the parameters
 * @user_data: the data given to ub_worker_scope_expose()
 * @error: return location for a #GError
 *
 * A method exposed by a worker; runs on the worker thread.
 *
 * Returns: (transfer full) (nullable): the result (a floating reference is
 *   sunk), or %NULL with @error set; %NULL without error means "no value"
 */
typedef GVariant *(*UbRemoteMethod) (UbRemoteInvocation  *invocation,
                                     GVariant            *params,
                                     gpointer             user_data,
                                     GError             **error);

/**
 * UbRemoteProgressFunc:
 * @progress: (transfer none): the latest progress value
 * @user_data: the progress data given with the call
 *
 * Receives progress on the owner's thread. Intermediate values may be
 * skipped (progress is posted as a latest value), never reordered.
 */
typedef void (*UbRemoteProgressFunc) (GVariant *progress,
                                      gpointer  user_data);

/* Worker side: methods are exposed with ub_worker_scope_expose() */
GCancellable  *ub_remote_invocation_get_cancellable   (UbRemoteInvocation  *invocation);
const char    *ub_remote_invocation_get_method        (UbRemoteInvocation  *invocation);
UbWorkerScope *ub_remote_invocation_get_scope         (UbRemoteInvocation  *invocation);
void           ub_remote_invocation_report_progress   (UbRemoteInvocation  *invocation,
                                                       GVariant            *progress);

/* Owner side: a worker's remote is ub_worker_get_remote() */
void           ub_remote_set_default_timeout          (UbRemote            *self,
                                                       guint                timeout_msec);
guint          ub_remote_get_n_pending                (UbRemote            *self);
void           ub_remote_call_async                   (UbRemote            *self,
                                                       const char          *method,
                                                       GVariant            *params,
                                                       int                  timeout_msec,
                                                       GCancellable        *cancellable,
                                                       UbRemoteProgressFunc progress,
                                                       gpointer             progress_data,
                                                       GDestroyNotify       progress_destroy,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
GVariant      *ub_remote_call_finish                  (UbRemote            *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

G_END_DECLS
