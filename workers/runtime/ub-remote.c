/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "ub-error.h"
#include "ub-remote.h"
#include "ub-port-private.h"
#include "ub-remote-private.h"

/**
 * UbRemote:
 *
 * GIO-style calls on a worker, the analogue of Comlink's `wrap`/`expose`.
 *
 * The worker exposes named methods with ub_worker_scope_expose(); the owner
 * calls them with ub_remote_call_async() on ub_worker_get_remote(). Calls
 * travel on the worker's channel as reserved messages matched by id:
 *
 *  - `ub.remote.call`     owner → worker  `(tsmv)` id, method, params
 *  - `ub.remote.return`   worker → owner  `(tmv)` id, result
 *  - `ub.remote.error`    worker → owner  `(tsis)` id, domain, code, message
 *  - `ub.remote.progress` worker → owner  `(tv)` id, value (latest-value)
 *
 * An error crosses as its domain's registered name, code and message, and
 * is rebuilt with g_quark_from_string(), so the domain compares equal on
 * the owner's side (every GLib error domain is a quark registered by name).
 *
 * A UbRemote is used on the thread that owns the worker; only
 * ub_remote_get_n_pending() may be called from any thread.
 */

#define CALL_KIND     UB_RESERVED_KIND_PREFIX "remote.call"
#define RETURN_KIND   UB_RESERVED_KIND_PREFIX "remote.return"
#define ERROR_KIND    UB_RESERVED_KIND_PREFIX "remote.error"
#define PROGRESS_KIND UB_RESERVED_KIND_PREFIX "remote.progress"

struct _UbRemoteLink
{
  UbRefCount       ref_count;
  GMutex           mutex;
  GHashTable      *calls;   /* (owned) protected by mutex: id → GCancellable
                             * of each call not yet finished or given up */
};

typedef struct
{
  guint64               id;
  GTask                *task;            /* (owned) */
  UbRemoteProgressFunc  progress;        /* (nullable) */
  gpointer              progress_data;   /* (owned) by progress_destroy */
  GDestroyNotify        progress_destroy;
  GSource              *cancel_source;   /* (owned) (nullable) */
  GSource              *timeout_source;  /* (owned) (nullable) */
} Call;

struct _UbRemote
{
  GObject        parent_instance;

  UbPort        *port;           /* (owned) the owner's end of the worker channel */
  UbRemoteLink  *link;           /* (owned) */
  GHashTable    *calls;          /* (owned) id → Call; owner thread only */
  guint64        next_id;        /* owner thread only */
  guint          default_timeout_msec;
  gint           n_pending;      /* (atomic) for the snapshot */
  GError        *terminated;     /* (owned) (nullable) set once terminated */
};

struct _UbRemoteServer
{
  /* Worker thread only. */
  UbRemoteLink  *link;     /* (owned) */
  UbWorkerScope *scope;    /* (unowned) */
  GHashTable    *methods;  /* (owned) name → Method */
};

typedef struct
{
  UbRemoteMethod  func;
  gpointer        user_data;
  GDestroyNotify  destroy;
} Method;

struct _UbRemoteInvocation
{
  UbRemoteServer *server;
  UbPort         *port;
  guint64         id;
  const char     *method;
  GCancellable   *cancellable;
  char           *progress_key;  /* (owned) (nullable) */
};

G_DEFINE_FINAL_TYPE (UbRemote, ub_remote, G_TYPE_OBJECT)

/* Link --------------------------------------------------------------------- */

UbRemoteLink *
_ub_remote_link_new (void)
{
  UbRemoteLink *link = g_new0 (UbRemoteLink, 1);

  ub_ref_count_init (&link->ref_count);
  g_mutex_init (&link->mutex);
  link->calls = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  return link;
}

UbRemoteLink *
_ub_remote_link_ref (UbRemoteLink *link)
{
  ub_ref_count_inc (&link->ref_count);
  return link;
}

void
_ub_remote_link_unref (UbRemoteLink *link)
{
  if (!ub_ref_count_dec (&link->ref_count))
    return;

  g_hash_table_unref (link->calls);
  g_mutex_clear (&link->mutex);
  g_free (link);
}

static void
link_add (UbRemoteLink *link,
          guint64       id)
{
  ub_mutex_lock (&link->mutex);
  g_hash_table_insert (link->calls, g_memdup2 (&id, sizeof id), g_cancellable_new ());
  ub_mutex_unlock (&link->mutex);
}

/* Returns (transfer full) the call's cancellable, or NULL if the owner has
 * given up on the call already. */
static GCancellable *
link_lookup (UbRemoteLink *link,
             guint64       id)
{
  GCancellable *cancellable;

  ub_mutex_lock (&link->mutex);
  cancellable = g_hash_table_lookup (link->calls, &id);
  if (cancellable != NULL)
    g_object_ref (cancellable);
  ub_mutex_unlock (&link->mutex);
  return cancellable;
}

static void
link_remove (UbRemoteLink *link,
             guint64       id,
             gboolean      cancel)
{
  g_autoptr(GCancellable) cancellable = NULL;
  gpointer key = NULL;

  ub_mutex_lock (&link->mutex);
  if (g_hash_table_steal_extended (link->calls, &id, &key, (gpointer *) &cancellable))
    g_free (key);
  ub_mutex_unlock (&link->mutex);

  /* Cancel outside the lock: handlers run synchronously. */
  if (cancel && cancellable != NULL)
    g_cancellable_cancel (cancellable);
}

void
_ub_remote_link_cancel_all (UbRemoteLink *link)
{
  g_autoptr(GHashTable) calls = NULL;
  GHashTableIter iter;
  gpointer value;

  ub_mutex_lock (&link->mutex);
  calls = g_steal_pointer (&link->calls);
  link->calls = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  ub_mutex_unlock (&link->mutex);

  g_hash_table_iter_init (&iter, calls);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_cancellable_cancel (value);
}

/* Owner side --------------------------------------------------------------- */

static void
call_free (Call *call)
{
  if (call->cancel_source != NULL)
    g_source_destroy (call->cancel_source);
  g_clear_pointer (&call->cancel_source, g_source_unref);
  if (call->timeout_source != NULL)
    g_source_destroy (call->timeout_source);
  g_clear_pointer (&call->timeout_source, g_source_unref);
  g_clear_object (&call->task);
  if (call->progress_destroy != NULL)
    call->progress_destroy (call->progress_data);
  g_free (call);
}

/* Takes @call out of the pending table; the caller completes its task. */
static GTask *
call_finish (UbRemote *self,
             Call     *call)
{
  GTask *task = g_steal_pointer (&call->task);

  g_hash_table_steal (self->calls, &call->id);
  g_atomic_int_add (&self->n_pending, -1);
  call_free (call);
  return task;
}

static void
call_fail (UbRemote     *self,
           Call         *call,
           const GError *error,
           gboolean      cancel_worker)
{
  guint64 id = call->id;
  g_autoptr(GTask) task = call_finish (self, call);

  if (cancel_worker)
    link_remove (self->link, id, TRUE);
  g_task_return_error (task, g_error_copy (error));
}

static gboolean
call_cancelled_cb (GCancellable *cancellable,
                   gpointer      user_data)
{
  Call *call = user_data;
  UbRemote *self = g_task_get_source_object (call->task);
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                 _("The call was cancelled"));

  call_fail (self, call, error, TRUE);
  return G_SOURCE_REMOVE;
}

static gboolean
call_timeout_cb (gpointer user_data)
{
  Call *call = user_data;
  UbRemote *self = g_task_get_source_object (call->task);
  g_autoptr(GError) error = g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                         _("The call to “%s” timed out"),
                                         (const char *) g_task_get_task_data (call->task));

  call_fail (self, call, error, TRUE);
  return G_SOURCE_REMOVE;
}

static void
ub_remote_dispose (GObject *object)
{
  UbRemote *self = UB_REMOTE (object);

  if (self->calls != NULL && g_hash_table_size (self->calls) > 0)
    {
      g_autoptr(GError) error = g_error_new_literal (UB_ERROR, UB_ERROR_TERMINATED,
                                                     _("The worker is gone"));
      _ub_remote_fail_all (self, error);
    }

  g_clear_object (&self->port);

  G_OBJECT_CLASS (ub_remote_parent_class)->dispose (object);
}

static void
ub_remote_finalize (GObject *object)
{
  UbRemote *self = UB_REMOTE (object);

  g_clear_pointer (&self->calls, g_hash_table_unref);
  g_clear_pointer (&self->link, _ub_remote_link_unref);
  g_clear_error (&self->terminated);

  G_OBJECT_CLASS (ub_remote_parent_class)->finalize (object);
}

static void
ub_remote_class_init (UbRemoteClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ub_remote_dispose;
  object_class->finalize = ub_remote_finalize;
}

static void
ub_remote_init (UbRemote *self)
{
  self->calls = g_hash_table_new (g_int64_hash, g_int64_equal);
}

UbRemote *
_ub_remote_new (UbPort       *owner_port,
                UbRemoteLink *link)
{
  UbRemote *self = g_object_new (UB_TYPE_REMOTE, NULL);

  self->port = g_object_ref (owner_port);
  self->link = _ub_remote_link_ref (link);
  return self;
}

void
_ub_remote_fail_all (UbRemote     *self,
                     const GError *error)
{
  g_autoptr(GList) calls = NULL;

  if (self->terminated == NULL && g_error_matches (error, UB_ERROR, UB_ERROR_TERMINATED))
    self->terminated = g_error_copy (error);

  calls = g_hash_table_get_values (self->calls);
  for (GList *l = calls; l != NULL; l = l->next)
    call_fail (self, l->data, error, TRUE);
}

gboolean
_ub_remote_handle_message (UbRemote  *self,
                           UbMessage *message)
{
  GVariant *body = message->body;
  guint64 id;
  Call *call;

  if (strcmp (message->kind, RETURN_KIND) == 0 &&
      body != NULL && g_variant_is_of_type (body, G_VARIANT_TYPE ("(tmv)")))
    {
      g_autoptr(GVariant) result = NULL;
      g_autoptr(GTask) task = NULL;

      g_variant_get (body, "(tmv)", &id, &result);
      if ((call = g_hash_table_lookup (self->calls, &id)) == NULL)
        return TRUE;
      link_remove (self->link, id, FALSE);
      task = call_finish (self, call);
      g_task_return_pointer (task, g_steal_pointer (&result), (GDestroyNotify) g_variant_unref);
      return TRUE;
    }

  if (strcmp (message->kind, ERROR_KIND) == 0 &&
      body != NULL && g_variant_is_of_type (body, G_VARIANT_TYPE ("(tsis)")))
    {
      const char *domain, *text;
      gint32 code;
      g_autoptr(GTask) task = NULL;

      g_variant_get (body, "(t&si&s)", &id, &domain, &code, &text);
      if ((call = g_hash_table_lookup (self->calls, &id)) == NULL)
        return TRUE;
      link_remove (self->link, id, FALSE);
      task = call_finish (self, call);
      g_task_return_new_error (task, g_quark_from_string (domain), code, "%s", text);
      return TRUE;
    }

  if (strcmp (message->kind, PROGRESS_KIND) == 0 &&
      body != NULL && g_variant_is_of_type (body, G_VARIANT_TYPE ("(tv)")))
    {
      g_autoptr(GVariant) value = NULL;

      g_variant_get (body, "(tv)", &id, &value);
      call = g_hash_table_lookup (self->calls, &id);
      if (call != NULL && call->progress != NULL)
        call->progress (value, call->progress_data);
      return TRUE;
    }

  return FALSE;
}

/**
 * ub_remote_set_default_timeout:
 * @self: a #UbRemote
 * @timeout_msec: the timeout of a ub_remote_call_async() that asks for
 *   the default, 0 for none
 */
void
ub_remote_set_default_timeout (UbRemote *self,
                               guint     timeout_msec)
{
  g_return_if_fail (UB_IS_REMOTE (self));

  self->default_timeout_msec = timeout_msec;
}

/**
 * ub_remote_get_n_pending:
 * @self: a #UbRemote
 *
 * Returns: the number of calls not yet completed; safe from any thread
 */
guint
ub_remote_get_n_pending (UbRemote *self)
{
  g_return_val_if_fail (UB_IS_REMOTE (self), 0);

  return (guint) g_atomic_int_get (&self->n_pending);
}

/**
 * ub_remote_call_async:
 * @self: a #UbRemote
 * @method: the method name
 * @params: (nullable): its parameters; a floating reference is sunk
 * @timeout_msec: give up after this long (%G_IO_ERROR_TIMED_OUT), 0 never,
 *   -1 for the remote's default (ub_remote_set_default_timeout())
 * @cancellable: (nullable): a #GCancellable
 * @progress: (nullable) (scope notified) (closure progress_data) (destroy progress_destroy):
 *   called on this thread with the latest progress
 * @progress_data: data for @progress
 * @progress_destroy: (nullable): frees @progress_data once the call is over,
 *   before @callback runs
 * @callback: (scope async) (closure user_data): called when the call completes
 * @user_data: data for @callback
 *
 * Calls @method on the worker. Cancelling @cancellable cancels the
 * worker's cancellable for this call and completes the call with
 * %G_IO_ERROR_CANCELLED without waiting for the worker. A terminated worker
 * fails every pending call with %UB_ERROR_TERMINATED; an unknown method
 * fails with %UB_ERROR_NO_SUCH_METHOD. The callback runs in the calling
 * thread's thread-default context.
 */
void
ub_remote_call_async (UbRemote             *self,
                      const char           *method,
                      GVariant             *params,
                      int                   timeout_msec,
                      GCancellable         *cancellable,
                      UbRemoteProgressFunc  progress,
                      gpointer              progress_data,
                      GDestroyNotify        progress_destroy,
                      GAsyncReadyCallback   callback,
                      gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) owned_params = NULL;
  g_autoptr(GMainContext) context = NULL;
  Call *call;

  if (params != NULL)
    owned_params = g_variant_ref_sink (params);

  g_return_if_fail (UB_IS_REMOTE (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (timeout_msec >= -1);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  if (timeout_msec < 0)
    timeout_msec = (int) MIN (self->default_timeout_msec, G_MAXINT);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ub_remote_call_async);
  g_task_set_task_data (task, g_strdup (method), g_free);
  g_task_set_name (task, "ub_remote_call");

  call = g_new0 (Call, 1);
  call->progress = progress;
  call->progress_data = progress_data;
  call->progress_destroy = progress_destroy;

  if (g_task_return_error_if_cancelled (task))
    {
      call_free (call);
      return;
    }

  if (self->terminated != NULL)
    {
      call_free (call);
      g_task_return_error (task, g_error_copy (self->terminated));
      return;
    }

  call->id = ++self->next_id;
  link_add (self->link, call->id);
  if (!_ub_port_post_runtime (self->port, CALL_KIND,
                              g_variant_new ("(tsmv)", call->id, method, owned_params),
                              &error))
    {
      link_remove (self->link, call->id, FALSE);
      call_free (call);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  call->task = g_steal_pointer (&task);
  g_hash_table_insert (self->calls, &call->id, call);
  g_atomic_int_add (&self->n_pending, 1);

  context = g_main_context_ref_thread_default ();
  if (cancellable != NULL)
    {
      call->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (call->cancel_source, G_SOURCE_FUNC (call_cancelled_cb), call, NULL);
      g_source_set_priority (call->cancel_source, G_PRIORITY_DEFAULT);
      g_source_attach (call->cancel_source, context);
    }
  if (timeout_msec > 0)
    {
      call->timeout_source = g_timeout_source_new (timeout_msec);
      g_source_set_callback (call->timeout_source, call_timeout_cb, call, NULL);
      g_source_attach (call->timeout_source, context);
    }
}

/**
 * ub_remote_call_finish:
 * @self: a #UbRemote
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the method's result; %NULL with
 *   @error unset if the method returned no value
 */
GVariant *
ub_remote_call_finish (UbRemote      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (UB_IS_REMOTE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Worker side -------------------------------------------------------------- */

static void
method_free (Method *method)
{
  if (method->destroy != NULL)
    method->destroy (method->user_data);
  g_free (method);
}

UbRemoteServer *
_ub_remote_server_new (UbRemoteLink  *link,
                       UbWorkerScope *scope)
{
  UbRemoteServer *server = g_new0 (UbRemoteServer, 1);

  server->link = _ub_remote_link_ref (link);
  server->scope = scope;
  server->methods = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) method_free);
  return server;
}

void
_ub_remote_server_free (UbRemoteServer *server)
{
  g_hash_table_unref (server->methods);
  _ub_remote_link_unref (server->link);
  g_free (server);
}

void
_ub_remote_server_add (UbRemoteServer *server,
                       const char     *name,
                       UbRemoteMethod  func,
                       gpointer        user_data,
                       GDestroyNotify  destroy)
{
  Method *method = g_new0 (Method, 1);

  method->func = func;
  method->user_data = user_data;
  method->destroy = destroy;
  g_hash_table_replace (server->methods, g_strdup (name), method);
}

gboolean
_ub_remote_server_handle (UbRemoteServer *server,
                          UbPort         *port,
                          UbMessage      *message)
{
  g_autoptr(GVariant) params = NULL;
  g_autoptr(GVariant) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  UbRemoteInvocation invocation = { 0 };
  const char *name;
  Method *method;
  guint64 id;

  if (strcmp (message->kind, CALL_KIND) != 0 || message->body == NULL ||
      !g_variant_is_of_type (message->body, G_VARIANT_TYPE ("(tsmv)")))
    return FALSE;

  g_variant_get (message->body, "(t&smv)", &id, &name, &params);

  /* The owner already gave up on this call. */
  cancellable = link_lookup (server->link, id);
  if (cancellable == NULL)
    return TRUE;

  method = g_hash_table_lookup (server->methods, name);
  if (method == NULL)
    {
      g_set_error (&error, UB_ERROR, UB_ERROR_NO_SUCH_METHOD,
                   _("The worker exposes no method “%s”"), name);
    }
  else if (!g_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      invocation.server = server;
      invocation.port = port;
      invocation.id = id;
      invocation.method = name;
      invocation.cancellable = cancellable;
      result = method->func (&invocation, params, method->user_data, &error);
      if (result != NULL)
        g_variant_take_ref (result);
      g_clear_pointer (&invocation.progress_key, g_free);
    }

  link_remove (server->link, id, FALSE);

  if (ub_port_is_closed (port))
    return TRUE;

  if (error != NULL)
    _ub_port_post_runtime (port, ERROR_KIND,
                           g_variant_new ("(tsis)", id, g_quark_to_string (error->domain),
                                          error->code, error->message),
                           NULL);
  else
    _ub_port_post_runtime (port, RETURN_KIND, g_variant_new ("(tmv)", id, result), NULL);

  return TRUE;
}

/**
 * ub_remote_invocation_get_cancellable:
 * @invocation: a #UbRemoteInvocation
 *
 * Returns: (transfer none): fires when the owner cancels the call, it
 *   times out, or the worker is terminated
 */
GCancellable *
ub_remote_invocation_get_cancellable (UbRemoteInvocation *invocation)
{
  g_return_val_if_fail (invocation != NULL, NULL);

  return invocation->cancellable;
}

/**
 * ub_remote_invocation_get_method:
 * @invocation: a #UbRemoteInvocation
 *
 * Returns: (transfer none): the method name
 */
const char *
ub_remote_invocation_get_method (UbRemoteInvocation *invocation)
{
  g_return_val_if_fail (invocation != NULL, NULL);

  return invocation->method;
}

/**
 * ub_remote_invocation_get_scope:
 * @invocation: a #UbRemoteInvocation
 *
 * Returns: (transfer none): the scope of the worker serving the call
 */
UbWorkerScope *
ub_remote_invocation_get_scope (UbRemoteInvocation *invocation)
{
  g_return_val_if_fail (invocation != NULL, NULL);

  return invocation->server->scope;
}

/**
 * ub_remote_invocation_report_progress:
 * @invocation: a #UbRemoteInvocation
 * @progress: the progress value; a floating reference is sunk
 *
 * Sends progress to the caller as a latest value: a report not yet
 * delivered is replaced, so reporting often never floods the owner.
 */
void
ub_remote_invocation_report_progress (UbRemoteInvocation *invocation,
                                      GVariant           *progress)
{
  g_autoptr(GVariant) value = NULL;

  g_return_if_fail (invocation != NULL);
  g_return_if_fail (progress != NULL);

  value = g_variant_ref_sink (progress);
  if (invocation->progress_key == NULL)
    invocation->progress_key = g_strdup_printf (PROGRESS_KIND "/%" G_GUINT64_FORMAT,
                                                invocation->id);
  _ub_port_post_latest_runtime (invocation->port, invocation->progress_key, PROGRESS_KIND,
                                g_variant_new ("(tv)", invocation->id, value), NULL);
}
