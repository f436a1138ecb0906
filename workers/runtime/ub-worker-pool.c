/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-worker-pool.h"

/**
 * UbWorkerPool:
 *
 * N workers of one kind. Work goes to the least busy one: the one with the
 * fewest pending remote calls, ties broken in turn. A pool is used on the
 * thread that created it, like the workers it owns.
 */
struct _UbWorkerPool
{
  GObject    parent_instance;

  GPtrArray *workers;   /* (owned) UbWorker; owner thread only */
  guint      next;      /* round-robin start for ties; owner thread only */
};

G_DEFINE_FINAL_TYPE (UbWorkerPool, ub_worker_pool, G_TYPE_OBJECT)

static void
ub_worker_pool_dispose (GObject *object)
{
  UbWorkerPool *self = UB_WORKER_POOL (object);

  g_clear_pointer (&self->workers, g_ptr_array_unref);

  G_OBJECT_CLASS (ub_worker_pool_parent_class)->dispose (object);
}

static void
ub_worker_pool_class_init (UbWorkerPoolClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ub_worker_pool_dispose;
}

static void
ub_worker_pool_init (UbWorkerPool *self)
{
  self->workers = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * ub_worker_pool_new:
 * @kind: a registered worker kind
 * @n_workers: how many workers, at least 1
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): a pool of @n_workers workers
 */
UbWorkerPool *
ub_worker_pool_new (const char  *kind,
                    guint        n_workers,
                    GError     **error)
{
  g_autoptr(UbWorkerPool) self = NULL;

  g_return_val_if_fail (kind != NULL, NULL);
  g_return_val_if_fail (n_workers > 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (UB_TYPE_WORKER_POOL, NULL);
  for (guint i = 0; i < n_workers; i++)
    {
      UbWorker *worker = ub_worker_new (kind, error);

      if (worker == NULL)
        {
          ub_worker_pool_terminate (self);
          return NULL;
        }
      g_ptr_array_add (self->workers, worker);
    }

  return g_steal_pointer (&self);
}

/**
 * ub_worker_pool_set_name:
 * @self: a #UbWorkerPool
 * @name: what the pool's workers are for, e.g. "thumbnails"
 *
 * Names the workers "@name #1" to "@name #N" in the runtime snapshot.
 */
void
ub_worker_pool_set_name (UbWorkerPool *self,
                         const char   *name)
{
  g_return_if_fail (UB_IS_WORKER_POOL (self));
  g_return_if_fail (name != NULL);

  for (guint i = 0; i < self->workers->len; i++)
    {
      g_autofree char *worker_name = g_strdup_printf ("%s #%u", name, i + 1);

      ub_worker_set_name (g_ptr_array_index (self->workers, i), worker_name);
    }
}

/**
 * ub_worker_pool_get_n_workers:
 * @self: a #UbWorkerPool
 *
 * Returns: the number of workers
 */
guint
ub_worker_pool_get_n_workers (UbWorkerPool *self)
{
  g_return_val_if_fail (UB_IS_WORKER_POOL (self), 0);

  return self->workers->len;
}

/**
 * ub_worker_pool_get_worker:
 * @self: a #UbWorkerPool
 * @index_: which worker
 *
 * Returns: (transfer none): the worker
 */
UbWorker *
ub_worker_pool_get_worker (UbWorkerPool *self,
                           guint         index_)
{
  g_return_val_if_fail (UB_IS_WORKER_POOL (self), NULL);
  g_return_val_if_fail (index_ < self->workers->len, NULL);

  return g_ptr_array_index (self->workers, index_);
}

/**
 * ub_worker_pool_pick:
 * @self: a #UbWorkerPool
 *
 * Returns: (transfer none): the least busy worker
 */
UbWorker *
ub_worker_pool_pick (UbWorkerPool *self)
{
  UbWorker *best = NULL;
  guint best_load = G_MAXUINT;

  g_return_val_if_fail (UB_IS_WORKER_POOL (self), NULL);

  for (guint i = 0; i < self->workers->len; i++)
    {
      UbWorker *worker = g_ptr_array_index (self->workers, (self->next + i) % self->workers->len);
      guint load = ub_remote_get_n_pending (ub_worker_get_remote (worker));

      if (load < best_load)
        {
          best = worker;
          best_load = load;
        }
    }
  self->next = (self->next + 1) % self->workers->len;
  return best;
}

/**
 * ub_worker_pool_terminate:
 * @self: a #UbWorkerPool
 *
 * Terminates every worker of the pool.
 */
void
ub_worker_pool_terminate (UbWorkerPool *self)
{
  g_return_if_fail (UB_IS_WORKER_POOL (self));

  for (guint i = 0; i < self->workers->len; i++)
    ub_worker_terminate (g_ptr_array_index (self->workers, i));
}

/* The worker's answer completes the pool's own task, so that the caller's
 * callback sees the pool as its source object, as GIO's convention has it. */
static void
call_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GError) error = NULL;

  value = ub_remote_call_finish (UB_REMOTE (source), result, &error);
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_steal_pointer (&value), (GDestroyNotify) g_variant_unref);
}

/**
 * ub_worker_pool_call_async:
 * @self: a #UbWorkerPool
 * @method: the method name
 * @params: (nullable): its parameters; a floating reference is sunk
 * @cancellable: (nullable): a #GCancellable
 * @progress: (nullable) (scope notified) (closure progress_data) (destroy progress_destroy):
 *   called on this thread with the latest progress
 * @progress_data: data for @progress
 * @progress_destroy: (nullable): frees @progress_data once the call is over
 * @callback: (scope async) (closure user_data): called when the call completes
 * @user_data: data for @callback
 *
 * Calls @method on the least busy worker; see ub_remote_call_async(),
 * with the remote's default timeout.
 * Finish with ub_worker_pool_call_finish().
 */
void
ub_worker_pool_call_async (UbWorkerPool         *self,
                           const char           *method,
                           GVariant             *params,
                           GCancellable         *cancellable,
                           UbRemoteProgressFunc  progress,
                           gpointer              progress_data,
                           GDestroyNotify        progress_destroy,
                           GAsyncReadyCallback   callback,
                           gpointer              user_data)
{
  GTask *task;

  g_return_if_fail (UB_IS_WORKER_POOL (self));
  g_return_if_fail (self->workers->len > 0);
  g_return_if_fail (method != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ub_worker_pool_call_async);
  g_task_set_name (task, "ub_worker_pool_call");
  /* The remote call already answers a cancellation at once. */
  g_task_set_check_cancellable (task, FALSE);

  ub_remote_call_async (ub_worker_get_remote (ub_worker_pool_pick (self)), method, params, -1,
                        cancellable, progress, progress_data, progress_destroy,
                        call_done, task);
}

/**
 * ub_worker_pool_call_finish:
 * @self: a #UbWorkerPool
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the method's result; %NULL with
 *   @error unset if the method returned no value
 */
GVariant *
ub_worker_pool_call_finish (UbWorkerPool  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (UB_IS_WORKER_POOL (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ub_worker_pool_call_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
