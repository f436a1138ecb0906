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
 * comes before the memory goes. runtime_mutex also protects every label.
 * Nothing here is taken while a port's queue lock is held. */
static GMutex runtime_mutex;
static GHashTable *endpoint_labels;   /* (owned) UbEndpoint → char * label */
static GPtrArray *endpoint_order;     /* (owned) UbEndpoint, creation order */
static GPtrArray *workers;            /* (owned) UbWorker, creation order */

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

void
_ub_runtime_add_endpoint (UbEndpoint *ep,
                          char       *label)
{
  ub_mutex_lock (&runtime_mutex);
  if (endpoint_labels == NULL)
    {
      endpoint_labels = g_hash_table_new_full (NULL, NULL, NULL, g_free);
      endpoint_order = g_ptr_array_new ();
    }
  g_hash_table_insert (endpoint_labels, ep, label);
  g_ptr_array_add (endpoint_order, ep);
  ub_mutex_unlock (&runtime_mutex);
}

void
_ub_runtime_remove_endpoint (UbEndpoint *ep)
{
  ub_mutex_lock (&runtime_mutex);
  if (endpoint_labels != NULL && g_hash_table_remove (endpoint_labels, ep))
    g_ptr_array_remove (endpoint_order, ep);
  ub_mutex_unlock (&runtime_mutex);
}

char *
_ub_runtime_dup_endpoint_label (UbEndpoint *ep)
{
  char *label;

  ub_mutex_lock (&runtime_mutex);
  label = g_strdup (g_hash_table_lookup (endpoint_labels, ep));
  ub_mutex_unlock (&runtime_mutex);
  return label;
}

void
_ub_runtime_set_endpoint_label (UbEndpoint *ep,
                                const char *label)
{
  ub_mutex_lock (&runtime_mutex);
  if (g_hash_table_contains (endpoint_labels, ep))
    g_hash_table_insert (endpoint_labels, ep, g_strdup (label));
  ub_mutex_unlock (&runtime_mutex);
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
}

static void
clear_worker_info (UbRuntimeWorkerInfo *info)
{
  g_clear_pointer (&info->kind, g_free);
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
      UbRuntimePortInfo info = { 0 };

      info.label = g_strdup (g_hash_table_lookup (endpoint_labels, ep));
      _ub_endpoint_get_stats (ep, &info.stats);
      g_array_append_val (snapshot->ports, info);
    }
  for (guint i = 0; workers != NULL && i < workers->len; i++)
    {
      UbRuntimeWorkerInfo info = { 0 };
      const char *kind;

      _ub_worker_get_info (g_ptr_array_index (workers, i), &kind, &info.state,
                           &info.n_pending_calls);
      info.kind = g_strdup (kind);
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
