/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-job.h"
#include "ub-run-private.h"

/*
 * A run's parts: one job call per part at a time, each in its own worker
 * of the run's pool, side by side, or in blocking mode one after the
 * other on the calling thread through ub_job_run_blocking(). Each reply is
 * handed to the subclass (part_finished), which keeps what it needs, and
 * the part's next call starts from where the part got to, until the
 * subclass has no call left for it. Replies and progress of an older
 * launch (before a pause or a cancel) are recognised by their generation
 * and dropped.
 */

/* Cancels the current launch's calls: their replies will be dropped. */
void
_ub_run_stop_calls (UbRun *self)
{
  UbRunPrivate *priv = _ub_run_get_private (self);

  priv->generation++;
  priv->n_running = 0;
  if (priv->cancellable != NULL)
    g_cancellable_cancel (priv->cancellable);
  g_clear_object (&priv->cancellable);
}

void
_ub_run_drop_pool (UbRun *self)
{
  UbRunPrivate *priv = _ub_run_get_private (self);

  /* Pending calls fail with UB_ERROR_TERMINATED at once. */
  if (priv->pool != NULL)
    ub_worker_pool_terminate (priv->pool);
  g_clear_object (&priv->pool);
}

/* What a call in flight needs to find its way back. */
typedef struct
{
  UbRun        *run;   /* (owned): kept until the call completes */
  UbWorkerPool *pool;  /* (owned): the pool that made the call */
  guint         generation;
  guint         part;
} PartCall;

static void
part_call_free (PartCall *call)
{
  g_clear_object (&call->run);
  g_clear_object (&call->pool);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PartCall, part_call_free)

static GVariant *
dup_part_call (UbRun       *self,
               guint        part,
               const char **job)
{
  UbRunClass *klass = UB_RUN_GET_CLASS (self);
  GVariant *params;

  *job = NULL;
  params = klass->dup_part_call ? klass->dup_part_call (self, part, job) : NULL;
  if (params == NULL)
    return NULL;

  g_assert (*job != NULL);
  return g_variant_take_ref (params);
}

static gboolean
all_parts_done (UbRunPrivate *priv)
{
  for (guint i = 0; i < priv->n_parts; i++)
    if (!priv->part_done[i])
      return FALSE;
  return TRUE;
}

static void launch_part (UbRun *self,
                         guint  part);

static void
on_part_progress (GVariant *progress,
                  gpointer  user_data)
{
  PartCall *call = user_data;
  UbRun *self = call->run;
  UbRunPrivate *priv = _ub_run_get_private (self);

  if (call->generation != priv->generation || priv->state != UB_RUN_RUNNING)
    return;

  UB_RUN_GET_CLASS (self)->part_progress (self, call->part, progress);
  _ub_run_emit_progress (self);
}

static void
on_part_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(PartCall) call = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  UbRun *self = call->run;
  UbRunPrivate *priv = _ub_run_get_private (self);

  reply = ub_worker_pool_call_finish (call->pool, result, &error);

  /* A reply to a launch that was paused, cancelled or stopped. */
  if (call->generation != priv->generation || priv->state != UB_RUN_RUNNING)
    return;

  priv->n_running--;
  if (reply == NULL)
    {
      ub_run_fail (self, error);
      return;
    }

  if (UB_RUN_GET_CLASS (self)->part_finished != NULL)
    UB_RUN_GET_CLASS (self)->part_finished (self, call->part, reply);
  _ub_run_emit_progress (self);

  /* The subclass may have failed the run while taking the result. */
  if (call->generation != priv->generation || priv->state != UB_RUN_RUNNING)
    return;

  launch_part (self, call->part);
  if (priv->n_running == 0 && all_parts_done (priv))
    _ub_run_finish (self, UB_RUN_DONE);
}

static void
launch_part (UbRun *self,
             guint  part)
{
  UbRunPrivate *priv = _ub_run_get_private (self);
  g_autoptr(GVariant) params = NULL;
  const char *job;
  PartCall *call;

  params = dup_part_call (self, part, &job);
  if (params == NULL)
    {
      priv->part_done[part] = TRUE;
      return;
    }

  call = g_new0 (PartCall, 1);
  call->run = g_object_ref (self);
  call->pool = g_object_ref (priv->pool);
  call->generation = priv->generation;
  call->part = part;

  priv->n_running++;
  /* The call's data outlives its progress: no progress is delivered
   * after the completion callback, which frees it. */
  ub_worker_pool_call_async (priv->pool, job, params, priv->cancellable,
                             on_part_progress, call, NULL, on_part_done, call);
}

static void
on_blocking_progress (GVariant *progress,
                      gpointer  user_data)
{
  PartCall *call = user_data;

  UB_RUN_GET_CLASS (call->run)->part_progress (call->run, call->part, progress);
  _ub_run_emit_progress (call->run);
}

/* Every part, call after call, on this thread. */
static void
run_blocking (UbRun *self)
{
  UbRunPrivate *priv = _ub_run_get_private (self);
  guint generation = priv->generation;

  for (guint part = 0; part < priv->n_parts; part++)
    {
      while (!priv->part_done[part])
        {
          g_autoptr(GVariant) params = NULL;
          g_autoptr(GVariant) reply = NULL;
          g_autoptr(GError) error = NULL;
          PartCall call = { self, NULL, generation, part };
          const char *job;

          params = dup_part_call (self, part, &job);
          if (params == NULL)
            {
              priv->part_done[part] = TRUE;
              break;
            }

          reply = ub_job_run_blocking (job, params, priv->cancellable,
                                       on_blocking_progress, &call, &error);
          if (generation != priv->generation || priv->state != UB_RUN_RUNNING)
            return;
          if (reply == NULL)
            {
              ub_run_fail (self, error);
              return;
            }
          if (UB_RUN_GET_CLASS (self)->part_finished != NULL)
            UB_RUN_GET_CLASS (self)->part_finished (self, part, reply);
          _ub_run_emit_progress (self);
          if (generation != priv->generation || priv->state != UB_RUN_RUNNING)
            return;
        }
    }

  _ub_run_finish (self, UB_RUN_DONE);
}

/* Starts (or restarts) the calls of every unfinished part. */
void
_ub_run_launch (UbRun *self)
{
  UbRunPrivate *priv = _ub_run_get_private (self);
  g_autoptr(GError) error = NULL;

  _ub_run_stop_calls (self);
  priv->cancellable = g_cancellable_new ();
  priv->n_launches++;
  _ub_run_set_state (self, UB_RUN_RUNNING);

  /* The owner does the work (in blocking mode through
   * ub_job_run_blocking(), as the parts' calls below). */
  if (UB_RUN_GET_CLASS (self)->launch != NULL)
    {
      UB_RUN_GET_CLASS (self)->launch (self);
      return;
    }

  if (priv->blocking)
    {
      run_blocking (self);
      return;
    }

  if (priv->pool == NULL)
    priv->pool = ub_worker_pool_new (UB_JOB_WORKER_KIND, priv->n_parts, &error);
  if (priv->pool == NULL)
    {
      ub_run_fail (self, error);
      return;
    }
  /* The run's workers are named after it: "primes #1", "primes #2"… */
  ub_worker_pool_set_name (priv->pool, priv->key);

  for (guint part = 0; part < priv->n_parts; part++)
    if (!priv->part_done[part])
      launch_part (self, part);

  if (priv->n_running == 0)
    _ub_run_finish (self, UB_RUN_DONE);
}
