/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <string.h>
#ifdef __linux__
# include <sys/resource.h>
# include <unistd.h>
#endif

#include "ub-channel.h"
#include "ub-error.h"
#include "ub-name-table-private.h"
#include "ub-port-private.h"
#include "ub-remote-private.h"
#include "ub-runtime-private.h"
#include "ub-worker-private.h"

/**
 * UbWorker:
 *
 * A worker thread, the analogue of a web `Worker`: a #GThread with its own
 * #GMainContext and loop, running the entry point of a kind registered at
 * start-up, and talking to its owner through one #UbChannel.
 *
 * The owner keeps port1 (started at creation in the owner's thread-default
 * context, as a web worker's implicit port is), the worker gets port2 in its
 * #UbWorkerScope. Messages posted before the worker is ready wait in its
 * queue.
 *
 * Priority: on Linux, where nice values are per thread, a worker thread
 * runs %UB_WORKER_NICE_INCREMENT nicer than the thread that created it. On
 * other systems setpriority() applies to the whole process, so nothing is
 * changed there and workers run at the same priority as the UI.
 *
 * This file holds the object, the registry of kinds and the joining of
 * worker threads; the thread's body and #UbWorkerScope are in
 * ub-worker-scope.c.
 */

typedef struct
{
  UbWorkerEntry entry;
  gpointer      user_data;
} KindEntry;

/* kind name → KindEntry, filled at start-up, read by ub_worker_new(). */
static UbNameTable kinds = UB_NAME_TABLE_INIT (g_free);

/* The last worker id handed out (atomic). */
static gint last_worker_id;

struct _UbWorker
{
  GObject         parent_instance;

  UbWorkerShared *shared;      /* (owned) */
  UbPort         *port;        /* (owned) the owner's end */
  UbRemote       *remote;      /* (owned) */
  gboolean        terminated;  /* owner thread only */
};

enum {
  SIGNAL_ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (UbWorker, ub_worker, G_TYPE_OBJECT)

/* Shared with the worker thread ----------------------------------------- */

UbWorkerShared *
_ub_worker_shared_ref (UbWorkerShared *shared)
{
  ub_ref_count_inc (&shared->ref_count);
  return shared;
}

void
_ub_worker_shared_unref (UbWorkerShared *shared)
{
  if (!ub_ref_count_dec (&shared->ref_count))
    return;

  g_clear_object (&shared->worker_port);
  g_clear_object (&shared->cancellable);
  g_clear_pointer (&shared->link, _ub_remote_link_unref);
  g_assert (shared->thread == NULL);
  g_mutex_clear (&shared->thread_lock);
  g_free (shared->kind);
  g_free (shared->name);
  g_free (shared->activity);
  g_free (shared);
}

/* Kinds -------------------------------------------------------------------- */

/**
 * ub_worker_kind_register:
 * @kind: the kind name, e.g. "primes"
 * @entry: (scope forever): its entry point
 * @user_data: data for @entry
 *
 * Registers a worker kind, normally at start-up. Only registered kinds can
 * be spawned (the analogue of the web's same-origin rule). Registering a
 * name again replaces the entry point.
 */
void
ub_worker_kind_register (const char    *kind,
                         UbWorkerEntry  entry,
                         gpointer       user_data)
{
  KindEntry *value;

  g_return_if_fail (kind != NULL);
  g_return_if_fail (entry != NULL);

  value = g_new0 (KindEntry, 1);
  value->entry = entry;
  value->user_data = user_data;

  _ub_name_table_replace (&kinds, kind, value);
}

/**
 * ub_worker_kind_is_registered:
 * @kind: a kind name
 *
 * Returns: whether @kind can be spawned
 */
gboolean
ub_worker_kind_is_registered (const char *kind)
{
  g_return_val_if_fail (kind != NULL, FALSE);

  return _ub_name_table_contains (&kinds, kind);
}

static void
copy_kind (gconstpointer value,
           gpointer      dest)
{
  *(KindEntry *) dest = *(const KindEntry *) value;
}

/* Reaper ------------------------------------------------------------------- */

static gpointer
reap_thread (gpointer data)
{
  g_thread_join (data);
  _ub_runtime_thread_joined ();
  return NULL;
}

/* Joins @thread off the calling (UI) thread, on a short-lived thread of
 * its own: a worker that ignores its cancellable then delays no other. */
static void
reap (GThread *thread)
{
  g_thread_unref (g_thread_new ("ub-reaper", reap_thread, thread));
}

/* The owner's side of the hand-over: called once, when the thread was
 * created (@thread) and again with NULL when the owner lets it go. */
static void
shared_set_thread (UbWorkerShared *shared,
                   GThread        *thread)
{
  GThread *to_reap = NULL;

  ub_mutex_lock (&shared->thread_lock);
  if (thread != NULL && shared->exited)
    to_reap = thread;
  else if (thread != NULL)
    shared->thread = thread;
  else
    to_reap = g_steal_pointer (&shared->thread);
  ub_mutex_unlock (&shared->thread_lock);

  if (to_reap != NULL)
    reap (to_reap);
}

/* The worker thread's side, as the last thing it does: a worker whose
 * entry point returned is joined now, not when its owner lets it go. */
void
_ub_worker_shared_thread_exiting (UbWorkerShared *shared)
{
  GThread *to_reap;

  ub_mutex_lock (&shared->thread_lock);
  shared->exited = TRUE;
  to_reap = g_steal_pointer (&shared->thread);
  ub_mutex_unlock (&shared->thread_lock);

  if (to_reap != NULL)
    reap (to_reap);
}

/* Owner side --------------------------------------------------------------- */

static gboolean
owner_filter (UbPort    *port,
              UbMessage *message,
              gpointer   user_data)
{
  UbWorker *self = user_data;

  if (strncmp (message->kind, UB_RESERVED_KIND_PREFIX, strlen (UB_RESERVED_KIND_PREFIX)) != 0)
    return FALSE;

  if (strcmp (message->kind, UB_WORKER_ERROR_KIND) == 0)
    {
      const char *domain, *text;
      gint32 code;
      g_autoptr(GError) error = NULL;

      if (message->body == NULL || !g_variant_is_of_type (message->body, G_VARIANT_TYPE ("(sis)")))
        return TRUE;
      g_variant_get (message->body, "(&si&s)", &domain, &code, &text);
      error = g_error_new_literal (g_quark_from_string (domain), code, text);
      g_signal_emit (self, signals[SIGNAL_ERROR], 0, error);
      return TRUE;
    }

  return _ub_remote_handle_message (self->remote, message);
}

/* The worker's end closed: the thread is done (or closed itself), so no
 * pending call can ever be answered. */
static void
owner_port_closed_cb (UbPort   *port,
                      UbWorker *self)
{
  g_autoptr(GError) error = g_error_new (UB_ERROR, UB_ERROR_TERMINATED,
                                         _("The worker “%s” has exited"), self->shared->kind);

  _ub_remote_fail_all (self->remote, error);
}

static void
ub_worker_dispose (GObject *object)
{
  UbWorker *self = UB_WORKER (object);

  _ub_runtime_remove_worker (object);

  if (self->shared != NULL)
    ub_worker_terminate (self);

  if (self->port != NULL)
    _ub_port_set_filter (self->port, NULL, NULL);
  g_clear_object (&self->port);
  g_clear_object (&self->remote);

  G_OBJECT_CLASS (ub_worker_parent_class)->dispose (object);
}

static void
ub_worker_finalize (GObject *object)
{
  UbWorker *self = UB_WORKER (object);

  g_clear_pointer (&self->shared, _ub_worker_shared_unref);

  G_OBJECT_CLASS (ub_worker_parent_class)->finalize (object);
}

static void
ub_worker_class_init (UbWorkerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ub_worker_dispose;
  object_class->finalize = ub_worker_finalize;

  /**
   * UbWorker::error:
   * @worker: the worker
   * @error: the #GError raised in the worker (domain, code, message intact)
   *
   * An error was reported by the worker (its entry point failed, or it
   * called ub_worker_scope_report_error()). Emitted on the owner's context.
   */
  signals[SIGNAL_ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
ub_worker_init (UbWorker *self)
{
}

/**
 * ub_worker_new:
 * @kind: a registered worker kind
 * @error: return location for a #GError
 *
 * Starts a worker of @kind on a new thread. Its port is started in the
 * calling thread's thread-default context, so connect to it right away.
 * An unknown kind fails with %G_IO_ERROR_NOT_FOUND.
 *
 * Returns: (transfer full) (nullable): the worker
 */
UbWorker *
ub_worker_new (const char  *kind,
               GError     **error)
{
  g_autoptr(UbWorker) self = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *label = NULL;
  KindEntry entry = { 0 };
  UbWorkerShared *shared;
  GThread *thread;

  g_return_val_if_fail (kind != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!_ub_name_table_lookup (&kinds, kind, copy_kind, &entry))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("No worker kind “%s” is registered"), kind);
      return NULL;
    }

  shared = g_new0 (UbWorkerShared, 1);
  ub_ref_count_init (&shared->ref_count);
  shared->kind = g_strdup (kind);
  shared->entry = entry.entry;
  shared->entry_data = entry.user_data;
  shared->cancellable = g_cancellable_new ();
  shared->link = _ub_remote_link_new ();
  g_mutex_init (&shared->thread_lock);
  atomic_store (&shared->state, UB_WORKER_STATE_STARTING);
#ifdef __linux__
  errno = 0;
  shared->nice = getpriority (PRIO_PROCESS, (id_t) gettid ());
  if (errno != 0)
    shared->nice = 0;
  shared->nice = MIN (shared->nice + UB_WORKER_NICE_INCREMENT, 19);
#endif

  shared->id = (guint) g_atomic_int_add (&last_worker_id, 1) + 1;

  self = g_object_new (UB_TYPE_WORKER, NULL);
  self->shared = shared;
  _ub_port_new_pair (0, &self->port, &shared->worker_port);
  shared->worker_port_id = _ub_runtime_get_endpoint_id (shared->worker_port->endpoint);
  label = g_strdup_printf ("%s #%u", kind, shared->id);
  ub_worker_set_name (self, label);

  self->remote = _ub_remote_new (self->port, shared->link);
  _ub_port_set_filter (self->port, owner_filter, self);
  g_signal_connect_object (self->port, "close", G_CALLBACK (owner_port_closed_cb), self, 0);
  ub_port_start (self->port);

  _ub_runtime_thread_started ();
  thread = g_thread_try_new (kind, _ub_worker_thread, _ub_worker_shared_ref (shared), &local_error);
  if (thread == NULL)
    {
      _ub_runtime_thread_joined ();
      self->terminated = TRUE;
      atomic_store (&shared->state, UB_WORKER_STATE_TERMINATED);
      _ub_worker_shared_unref (shared);
      ub_port_close (self->port);
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  _("Could not start worker “%s”: "), kind);
      return NULL;
    }
  shared_set_thread (shared, thread);
  _ub_runtime_add_worker (G_OBJECT (self));

  return g_steal_pointer (&self);
}

/**
 * ub_worker_get_port:
 * @self: a #UbWorker
 *
 * Returns: (transfer none): the owner's end of the worker's channel
 */
UbPort *
ub_worker_get_port (UbWorker *self)
{
  g_return_val_if_fail (UB_IS_WORKER (self), NULL);

  return self->port;
}

/**
 * ub_worker_get_kind:
 * @self: a #UbWorker
 *
 * Returns: (transfer none): the worker's kind
 */
const char *
ub_worker_get_kind (UbWorker *self)
{
  g_return_val_if_fail (UB_IS_WORKER (self), NULL);

  return self->shared->kind;
}

/**
 * ub_worker_get_state:
 * @self: a #UbWorker
 *
 * Returns: the worker's state; safe from any thread
 */
UbWorkerState
ub_worker_get_state (UbWorker *self)
{
  g_return_val_if_fail (UB_IS_WORKER (self), UB_WORKER_STATE_TERMINATED);

  return atomic_load (&self->shared->state);
}

/**
 * ub_worker_get_remote:
 * @self: a #UbWorker
 *
 * Returns: (transfer none): the worker's #UbRemote, for calling the
 *   methods it exposes
 */
UbRemote *
ub_worker_get_remote (UbWorker *self)
{
  g_return_val_if_fail (UB_IS_WORKER (self), NULL);

  return self->remote;
}

/**
 * ub_worker_terminate:
 * @self: a #UbWorker
 *
 * Terminates the worker and returns at once: nothing more from it is
 * delivered (not even messages already queued), its scope's cancellable
 * fires and its loop quits, pending remote calls fail with
 * %UB_ERROR_TERMINATED, and the thread is joined on another thread.
 * Terminating twice does nothing.
 */
void
ub_worker_terminate (UbWorker *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (UB_IS_WORKER (self));

  if (self->terminated)
    return;
  self->terminated = TRUE;

  /* Cancel first, so the worker sees the cancellable fired by the time the
   * close reaches its loop. */
  atomic_store (&self->shared->state, UB_WORKER_STATE_TERMINATED);
  g_cancellable_cancel (self->shared->cancellable);
  _ub_remote_link_cancel_all (self->shared->link);
  ub_port_close (self->port);

  error = g_error_new (UB_ERROR, UB_ERROR_TERMINATED,
                       _("The worker “%s” was terminated"), self->shared->kind);
  _ub_remote_fail_all (self->remote, error);

  shared_set_thread (self->shared, NULL);
}

/**
 * ub_worker_set_name:
 * @self: a #UbWorker
 * @name: what the worker is for, e.g. "png decode #2"
 *
 * Names the worker in the runtime snapshot, and its channel's two ports
 * after it. Safe from any thread.
 */
void
ub_worker_set_name (UbWorker   *self,
                    const char *name)
{
  g_autofree char *owner_label = NULL;
  g_autofree char *worker_label = NULL;

  g_return_if_fail (UB_IS_WORKER (self));
  g_return_if_fail (name != NULL);

  _ub_runtime_lock ();
  g_free (self->shared->name);
  self->shared->name = g_strdup (name);
  _ub_runtime_unlock ();

  owner_label = g_strdup_printf ("%s (owner's end)", name);
  worker_label = g_strdup_printf ("%s (worker's end)", name);
  ub_port_set_label (self->port, owner_label);
  _ub_runtime_set_label_by_id (self->shared->worker_port_id, worker_label);
}

/**
 * ub_worker_dup_name:
 * @self: a #UbWorker
 *
 * Returns: (transfer full): the worker's name; safe from any thread
 */
char *
ub_worker_dup_name (UbWorker *self)
{
  char *name;

  g_return_val_if_fail (UB_IS_WORKER (self), NULL);

  _ub_runtime_lock ();
  name = g_strdup (self->shared->name);
  _ub_runtime_unlock ();
  return name;
}

/* Called with the registry's lock held. */
void
_ub_worker_get_info_locked (UbWorker            *self,
                            UbRuntimeWorkerInfo *info)
{
  info->kind = g_strdup (self->shared->kind);
  info->name = g_strdup (self->shared->name);
  info->activity = g_strdup (self->shared->activity);
  info->id = self->shared->id;
  info->state = atomic_load (&self->shared->state);
  info->n_pending_calls = ub_remote_get_n_pending (self->remote);
}
