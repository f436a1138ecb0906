/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#ifdef __linux__
# include <sys/types.h>
# include <unistd.h>
#endif

#include "ub-runtime.h"
#include "ub-runtime-private.h"
#include "ub-worker-private.h"

/* The process-wide registry of live ports and workers.
 *
 * Endpoints add themselves when created and remove themselves when freed;
 * workers from creation to dispose. Neither list owns its entries: an entry
 * is valid while it is in the list, because removal (under runtime_mutex)
 * comes before the memory goes. runtime_mutex also protects every record
 * (label, ids, broadcast name) and every worker's name and activity.
 * Nothing here is taken while a port's queue lock is held. */
typedef struct
{
  char *label;      /* (owned) */
  char *broadcast;  /* (owned) (nullable): the channel a hub port serves */
  guint id;         /* immutable, never reused */
  guint peer_id;    /* the entangled endpoint's id, 0 if none */
} EndpointRecord;

static GMutex runtime_mutex;
static GHashTable *endpoint_records;  /* (owned) UbEndpoint → EndpointRecord */
static GPtrArray *endpoint_order;     /* (owned) UbEndpoint, creation order */
static GPtrArray *workers;            /* (owned) UbWorker, creation order */
static guint next_endpoint_id;        /* runtime_mutex */

/* The worker a thread runs (its id), unset on every other thread. Each
 * thread reads and writes only its own. */
static GPrivate thread_worker;

/* Worker threads started and not yet joined; waiters sleep on threads_cond. */
static GMutex threads_mutex;
static GCond threads_cond;
static guint n_threads;               /* protected by threads_mutex */

/* The main thread is the process's first: on Linux the one whose thread
 * id is the process id. Elsewhere, the one that owns the global default
 * main context (the UI's loop) stands for it. */
gboolean
_ub_runtime_thread_may_block (void)
{
#ifdef __linux__
  return gettid () != getpid ();
#else
  return !g_main_context_is_owner (g_main_context_default ());
#endif
}

void
_ub_runtime_lock (void)
{
  ub_mutex_lock (&runtime_mutex);
}

void
_ub_runtime_unlock (void)
{
  ub_mutex_unlock (&runtime_mutex);
}

static void
endpoint_record_free (gpointer data)
{
  EndpointRecord *record = data;

  g_free (record->label);
  g_free (record->broadcast);
  g_free (record);
}

void
_ub_runtime_add_endpoint (UbEndpoint *ep,
                          char       *label)
{
  EndpointRecord *record = g_new0 (EndpointRecord, 1);

  record->label = label;
  ub_mutex_lock (&runtime_mutex);
  if (endpoint_records == NULL)
    {
      endpoint_records = g_hash_table_new_full (NULL, NULL, NULL, endpoint_record_free);
      endpoint_order = g_ptr_array_new ();
    }
  record->id = ++next_endpoint_id;
  g_hash_table_insert (endpoint_records, ep, record);
  g_ptr_array_add (endpoint_order, ep);
  ub_mutex_unlock (&runtime_mutex);
}

void
_ub_runtime_remove_endpoint (UbEndpoint *ep)
{
  ub_mutex_lock (&runtime_mutex);
  if (endpoint_records != NULL && g_hash_table_remove (endpoint_records, ep))
    g_ptr_array_remove (endpoint_order, ep);
  ub_mutex_unlock (&runtime_mutex);
}

/* Call with runtime_mutex held. */
static EndpointRecord *
lookup_record_locked (UbEndpoint *ep)
{
  return endpoint_records != NULL ? g_hash_table_lookup (endpoint_records, ep) : NULL;
}

char *
_ub_runtime_dup_endpoint_label (UbEndpoint *ep)
{
  EndpointRecord *record;
  char *label;

  ub_mutex_lock (&runtime_mutex);
  record = lookup_record_locked (ep);
  label = record != NULL ? g_strdup (record->label) : NULL;
  ub_mutex_unlock (&runtime_mutex);
  return label;
}

/* Replaces what is given of @ep's record; NULL leaves a field alone. */
static void
update_record (UbEndpoint *ep,
               const char *label,
               const char *broadcast)
{
  EndpointRecord *record;

  ub_mutex_lock (&runtime_mutex);
  record = lookup_record_locked (ep);
  if (record != NULL && label != NULL)
    {
      g_free (record->label);
      record->label = g_strdup (label);
    }
  if (record != NULL && broadcast != NULL)
    {
      g_free (record->broadcast);
      record->broadcast = g_strdup (broadcast);
    }
  ub_mutex_unlock (&runtime_mutex);
}

void
_ub_runtime_set_endpoint_label (UbEndpoint *ep,
                                const char *label)
{
  update_record (ep, label, NULL);
}

/* Marks @ep as the hub port of the broadcast channel @name, and labels it. */
void
_ub_runtime_set_endpoint_broadcast (UbEndpoint *ep,
                                    const char *name)
{
  g_autofree char *label = g_strdup_printf ("broadcast %s", name);

  update_record (ep, label, name);
}

guint
_ub_runtime_get_endpoint_id (UbEndpoint *ep)
{
  EndpointRecord *record;
  guint id;

  ub_mutex_lock (&runtime_mutex);
  record = lookup_record_locked (ep);
  id = record != NULL ? record->id : 0;
  ub_mutex_unlock (&runtime_mutex);
  return id;
}

/* For an endpoint the caller holds no reference on; a gone one is skipped. */
void
_ub_runtime_set_label_by_id (guint       id,
                             const char *label)
{
  ub_mutex_lock (&runtime_mutex);
  for (guint i = 0; id != 0 && endpoint_order != NULL && i < endpoint_order->len; i++)
    {
      EndpointRecord *record = g_hash_table_lookup (endpoint_records,
                                                    g_ptr_array_index (endpoint_order, i));

      if (record->id == id)
        {
          g_free (record->label);
          record->label = g_strdup (label);
          break;
        }
    }
  ub_mutex_unlock (&runtime_mutex);
}

void
_ub_runtime_note_entangled (UbEndpoint *ep1,
                            UbEndpoint *ep2)
{
  EndpointRecord *record1, *record2;

  ub_mutex_lock (&runtime_mutex);
  record1 = lookup_record_locked (ep1);
  record2 = lookup_record_locked (ep2);
  if (record1 != NULL && record2 != NULL)
    {
      record1->peer_id = record2->id;
      record2->peer_id = record1->id;
    }
  ub_mutex_unlock (&runtime_mutex);
}

guint
_ub_runtime_get_thread_worker (void)
{
  return GPOINTER_TO_UINT (g_private_get (&thread_worker));
}

void
_ub_runtime_set_thread_worker (guint worker_id)
{
  g_private_set (&thread_worker, GUINT_TO_POINTER (worker_id));
}

void
_ub_runtime_add_worker (GObject *worker)
{
  ub_mutex_lock (&runtime_mutex);
  if (workers == NULL)
    workers = g_ptr_array_new ();
  g_ptr_array_add (workers, worker);
  ub_mutex_unlock (&runtime_mutex);
}

void
_ub_runtime_remove_worker (GObject *worker)
{
  ub_mutex_lock (&runtime_mutex);
  if (workers != NULL)
    g_ptr_array_remove (workers, worker);
  ub_mutex_unlock (&runtime_mutex);
}

void
_ub_runtime_thread_started (void)
{
  ub_mutex_lock (&threads_mutex);
  n_threads++;
  ub_mutex_unlock (&threads_mutex);
}

void
_ub_runtime_thread_joined (void)
{
  ub_mutex_lock (&threads_mutex);
  g_assert (n_threads > 0);
  n_threads--;
  g_cond_broadcast (&threads_cond);
  ub_mutex_unlock (&threads_mutex);
}

/**
 * ub_runtime_get_n_running_threads:
 *
 * Returns: the number of worker threads started and not yet joined
 */
guint
ub_runtime_get_n_running_threads (void)
{
  guint n;

  ub_mutex_lock (&threads_mutex);
  n = n_threads;
  ub_mutex_unlock (&threads_mutex);
  return n;
}

/**
 * ub_runtime_wait_for_threads:
 * @timeout_usec: how long to wait at most
 *
 * Waits until every worker thread has been joined (terminated workers are
 * joined on a helper thread). Tests use it to prove nothing was left behind.
 *
 * Returns: %TRUE if no worker thread is left
 */
gboolean
ub_runtime_wait_for_threads (gint64 timeout_usec)
{
  gint64 deadline = g_get_monotonic_time () + timeout_usec;
  gboolean done;

  ub_mutex_lock (&threads_mutex);
  while (n_threads > 0)
    if (!ub_cond_wait_until (&threads_cond, &threads_mutex, deadline))
      break;
  done = n_threads == 0;
  ub_mutex_unlock (&threads_mutex);
  return done;
}

static void
clear_port_info (UbRuntimePortInfo *info)
{
  g_clear_pointer (&info->label, g_free);
  g_clear_pointer (&info->broadcast, g_free);
}

static void
clear_worker_info (UbRuntimeWorkerInfo *info)
{
  g_clear_pointer (&info->kind, g_free);
  g_clear_pointer (&info->name, g_free);
  g_clear_pointer (&info->activity, g_free);
}

/**
 * ub_runtime_snapshot:
 *
 * Takes a consistent-enough picture of every live port and worker, for a
 * live view. Safe from any thread.
 *
 * Returns: (transfer full): the snapshot; free with ub_runtime_snapshot_free()
 */
UbRuntimeSnapshot *
ub_runtime_snapshot (void)
{
  UbRuntimeSnapshot *snapshot = g_new0 (UbRuntimeSnapshot, 1);

  snapshot->ports = g_array_new (FALSE, TRUE, sizeof (UbRuntimePortInfo));
  g_array_set_clear_func (snapshot->ports, (GDestroyNotify) clear_port_info);
  snapshot->workers = g_array_new (FALSE, TRUE, sizeof (UbRuntimeWorkerInfo));
  g_array_set_clear_func (snapshot->workers, (GDestroyNotify) clear_worker_info);

  ub_mutex_lock (&runtime_mutex);
  for (guint i = 0; endpoint_order != NULL && i < endpoint_order->len; i++)
    {
      UbEndpoint *ep = g_ptr_array_index (endpoint_order, i);
      EndpointRecord *record = g_hash_table_lookup (endpoint_records, ep);
      UbRuntimePortInfo info = { 0 };

      info.label = g_strdup (record->label);
      info.broadcast = g_strdup (record->broadcast);
      info.id = record->id;
      info.peer_id = record->peer_id;
      info.owner_id = _ub_endpoint_get_owner (ep);
      _ub_endpoint_get_stats (ep, &info.stats);
      g_array_append_val (snapshot->ports, info);
    }
  for (guint i = 0; workers != NULL && i < workers->len; i++)
    {
      UbRuntimeWorkerInfo info = { 0 };

      _ub_worker_get_info_locked (g_ptr_array_index (workers, i), &info);
      g_array_append_val (snapshot->workers, info);
    }
  ub_mutex_unlock (&runtime_mutex);

  snapshot->n_running_threads = ub_runtime_get_n_running_threads ();
  return snapshot;
}

/**
 * ub_runtime_snapshot_free:
 * @snapshot: (transfer full): a snapshot
 */
void
ub_runtime_snapshot_free (UbRuntimeSnapshot *snapshot)
{
  g_return_if_fail (snapshot != NULL);

  g_array_unref (snapshot->ports);
  g_array_unref (snapshot->workers);
  g_free (snapshot);
}
