/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <string.h>
#ifdef __linux__
# include <sys/resource.h>
# include <unistd.h>
#endif

#include "ub-error.h"
#include "ub-port-private.h"
#include "ub-remote-private.h"
#include "ub-runtime-private.h"
#include "ub-worker-private.h"

/*
 * The worker's side of a #UbWorker: the body of its thread, which sets up
 * the #UbWorkerScope (the worker's end of the channel, its own main
 * context and loop) and runs the kind's entry point in it, and the scope's
 * API, which belongs to that thread. The object, its kinds and the joining
 * of its thread are in ub-worker.c.
 */

/* Worker thread ------------------------------------------------------------ */

/* The scope's side of remote calls, made on first use. */
static UbRemoteServer *
scope_get_server (UbWorkerScope *scope)
{
  if (scope->server == NULL)
    scope->server = _ub_remote_server_new (scope->shared->link, scope);
  return scope->server;
}

static gboolean
scope_filter (UbPort    *port,
              UbMessage *message,
              gpointer   user_data)
{
  UbWorkerScope *scope = user_data;

  if (strncmp (message->kind, UB_RESERVED_KIND_PREFIX "remote.",
               strlen (UB_RESERVED_KIND_PREFIX "remote.")) != 0)
    return FALSE;

  return _ub_remote_server_handle (scope_get_server (scope), port, message);
}

/* The owner's end closed (terminate, or the owner dropped it): the loop
 * quits. This travels through the port's own queue, after everything the
 * owner posted, so it is never lost, even before ub_worker_scope_run(). */
static void
scope_peer_closed_cb (UbPort        *port,
                      UbWorkerScope *scope)
{
  ub_worker_scope_quit (scope);
}

static void
lower_priority (int nice)
{
#ifdef __linux__
  if (setpriority (PRIO_PROCESS, (id_t) gettid (), nice) != 0)
    g_debug ("Could not lower the worker thread's priority: %s", g_strerror (errno));
#endif
}

gpointer
_ub_worker_thread (gpointer data)
{
  UbWorkerShared *shared = data;
  UbWorkerScope scope = { 0 };
  g_autoptr(GError) error = NULL;
  int expected;

  lower_priority (shared->nice);
  _ub_runtime_set_thread_worker (shared->id);

  scope.shared = shared;
  scope.port = g_steal_pointer (&shared->worker_port);
  if (scope.port->endpoint != NULL)
    _ub_endpoint_note_owner (scope.port->endpoint);
  scope.context = g_main_context_new ();
  g_main_context_push_thread_default (scope.context);
  scope.loop = g_main_loop_new (scope.context, FALSE);

  g_signal_connect (scope.port, "close", G_CALLBACK (scope_peer_closed_cb), &scope);

  _ub_port_set_filter (scope.port, scope_filter, &scope);

  expected = UB_WORKER_STATE_STARTING;
  atomic_compare_exchange_strong (&shared->state, &expected, UB_WORKER_STATE_RUNNING);

  if (!g_cancellable_is_cancelled (shared->cancellable) &&
      !shared->entry (&scope, shared->entry_data, &error))
    {
      if (error == NULL)
        g_set_error (&error, UB_ERROR, UB_ERROR_FAILED,
                     _("Worker “%s” failed without saying why"), shared->kind);
      ub_worker_scope_report_error (&scope, error);
    }

  expected = UB_WORKER_STATE_RUNNING;
  atomic_compare_exchange_strong (&shared->state, &expected, UB_WORKER_STATE_EXITED);

  /* Closing the port tells the owner, after everything the worker posted. */
  ub_port_close (scope.port);
  _ub_port_set_filter (scope.port, NULL, NULL);
  g_clear_object (&scope.port);
  g_clear_pointer (&scope.server, _ub_remote_server_free);
  while (g_main_context_iteration (scope.context, FALSE))
    ;
  g_clear_pointer (&scope.loop, g_main_loop_unref);
  g_main_context_pop_thread_default (scope.context);
  g_clear_pointer (&scope.context, g_main_context_unref);

  _ub_worker_shared_thread_exiting (shared);
  _ub_worker_shared_unref (shared);
  return NULL;
}

/* Scope -------------------------------------------------------------------- */

/**
 * ub_worker_scope_get_port:
 * @scope: a #UbWorkerScope
 *
 * Returns: (transfer none): the worker's end of its channel
 */
UbPort *
ub_worker_scope_get_port (UbWorkerScope *scope)
{
  g_return_val_if_fail (scope != NULL, NULL);

  return scope->port;
}

/**
 * ub_worker_scope_get_cancellable:
 * @scope: a #UbWorkerScope
 *
 * Returns: (transfer none): a cancellable that fires when the worker is
 *   terminated; pass it to the jobs the worker runs
 */
GCancellable *
ub_worker_scope_get_cancellable (UbWorkerScope *scope)
{
  g_return_val_if_fail (scope != NULL, NULL);

  return scope->shared->cancellable;
}

/**
 * ub_worker_scope_get_kind:
 * @scope: a #UbWorkerScope
 *
 * Returns: (transfer none): the worker's kind
 */
const char *
ub_worker_scope_get_kind (UbWorkerScope *scope)
{
  g_return_val_if_fail (scope != NULL, NULL);

  return scope->shared->kind;
}

/**
 * ub_worker_scope_set_activity:
 * @scope: a #UbWorkerScope
 * @activity: (nullable): what the worker is doing now, or %NULL when idle
 *
 * Shows @activity beside the worker's name in the runtime snapshot.
 * Worker thread only.
 */
void
ub_worker_scope_set_activity (UbWorkerScope *scope,
                              const char    *activity)
{
  g_return_if_fail (scope != NULL);

  _ub_runtime_lock ();
  g_free (scope->shared->activity);
  scope->shared->activity = g_strdup (activity);
  _ub_runtime_unlock ();
}

/**
 * ub_worker_scope_get_context:
 * @scope: a #UbWorkerScope
 *
 * Returns: (transfer none): the worker's own main context (thread-default
 *   on the worker thread)
 */
GMainContext *
ub_worker_scope_get_context (UbWorkerScope *scope)
{
  g_return_val_if_fail (scope != NULL, NULL);

  return scope->context;
}

/**
 * ub_worker_scope_run:
 * @scope: a #UbWorkerScope
 *
 * Starts the worker's port and runs the worker's loop until
 * ub_worker_scope_quit(), ub_worker_scope_close() or termination.
 */
void
ub_worker_scope_run (UbWorkerScope *scope)
{
  g_return_if_fail (scope != NULL);

  ub_port_start (scope->port);
  if (!scope->quit && !g_cancellable_is_cancelled (scope->shared->cancellable))
    g_main_loop_run (scope->loop);
}

/**
 * ub_worker_scope_quit:
 * @scope: a #UbWorkerScope
 *
 * Makes ub_worker_scope_run() return. Worker thread only.
 */
void
ub_worker_scope_quit (UbWorkerScope *scope)
{
  g_return_if_fail (scope != NULL);

  scope->quit = TRUE;
  g_main_loop_quit (scope->loop);
}

/**
 * ub_worker_scope_close:
 * @scope: a #UbWorkerScope
 *
 * The worker closes itself (web: `self.close()`): incoming messages,
 * queued or future, are discarded silently, and the loop quits. What the
 * worker posts afterwards, until its entry point returns, still reaches
 * the owner, as on the web. Worker thread only.
 */
void
ub_worker_scope_close (UbWorkerScope *scope)
{
  int expected = UB_WORKER_STATE_RUNNING;

  g_return_if_fail (scope != NULL);

  atomic_compare_exchange_strong (&scope->shared->state, &expected, UB_WORKER_STATE_CLOSED);
  _ub_port_close_receive (scope->port);
  ub_worker_scope_quit (scope);
}

/**
 * ub_worker_scope_report_error:
 * @scope: a #UbWorkerScope
 * @error: the error
 *
 * Reports @error to the owner, where it arrives as the worker's
 * #UbWorker::error signal. Worker thread only.
 */
void
ub_worker_scope_report_error (UbWorkerScope *scope,
                              const GError  *error)
{
  g_return_if_fail (scope != NULL);
  g_return_if_fail (error != NULL);

  if (scope->port == NULL || ub_port_is_closed (scope->port))
    {
      g_debug ("Worker “%s” error after close: %s", scope->shared->kind, error->message);
      return;
    }

  _ub_port_post_runtime (scope->port, UB_WORKER_ERROR_KIND,
                         g_variant_new ("(sis)", g_quark_to_string (error->domain),
                                        error->code, error->message),
                         NULL);
}

/**
 * ub_worker_scope_expose:
 * @scope: a #UbWorkerScope
 * @method: the method name
 * @func: (scope notified): the implementation
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data when the worker ends
 *
 * Exposes @method to the owner's ub_remote_call_async(). Calls are served
 * in order on the worker thread while the worker's loop runs (or while it
 * waits in ub_port_receive()). Worker thread only.
 */
void
ub_worker_scope_expose (UbWorkerScope  *scope,
                        const char     *method,
                        UbRemoteMethod  func,
                        gpointer        user_data,
                        GDestroyNotify  destroy)
{
  g_return_if_fail (scope != NULL);
  g_return_if_fail (method != NULL);
  g_return_if_fail (func != NULL);

  _ub_remote_server_add (scope_get_server (scope), method, func, user_data, destroy);
}
