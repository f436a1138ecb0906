/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-job.h"
#include "ub-run.h"
#include "ub-worker-pool.h"

/*
 * A run drives its parts: one job call per part at a time, each in its
 * own worker of the run's pool, side by side. Pausing cancels the calls
 * and keeps the workers; resuming asks the subclass for each unfinished
 * part's next call, which starts from the part's last progress.
 *
 * Blocking mode is how a run executes, not a property of its job: the
 * very same calls run one after the other on the calling thread through
 * ub_job_run_sync(), progress included; ub_run_start() returns when the
 * run is over. Every job runs this way; no page has a strategy of its own.
 *
 * Rate and ETA count only the work done while this run was running, over
 * the time it spent running: work restored from a checkpoint before it
 * started, and time spent paused, count for nothing.
 *
 * A run belongs to the thread that made it (the main thread in the app):
 * its replies and progress arrive there, and nothing in it is shared with
 * the workers except the parameters, which are immutable GVariants.
 */

/* Below this much running time a rate says nothing yet. */
#define MIN_RATE_USEC (200 * G_TIME_SPAN_MILLISECOND)

typedef struct
{
  /* Construct-only */
  char          *key;
  char          *unit;
  guint          n_parts;
  gboolean       blocking;

  char          *title;
  char          *phase;
  UbRunState     state;
  GError        *error;        /* (owned) (nullable): why it failed */

  /* Owned references */
  UbWorkerPool  *pool;         /* (nullable): made on the first launch */
  GCancellable  *cancellable;  /* (nullable): the current launch's */

  /* The current launch: replies of an older one are dropped */
  guint          generation;
  guint          n_launches;
  guint          n_running;
  gboolean      *part_done;    /* (owned) n_parts flags */

  /* Progress, in the subclass's unit */
  guint64        done;
  guint64        total;

  /* Running time: the sum of the running intervals, and the work done
   * in them. running_since and base_done describe the current interval. */
  UbRunClock     clock;
  gpointer       clock_data;
  gint64         running_usec;
  gint64         running_since;
  guint64        work_before;
  guint64        base_done;
} UbRunPrivate;

G_DEFINE_ENUM_TYPE (UbRunState, ub_run_state,
                    G_DEFINE_ENUM_VALUE (UB_RUN_QUEUED, "queued"),
                    G_DEFINE_ENUM_VALUE (UB_RUN_RUNNING, "running"),
                    G_DEFINE_ENUM_VALUE (UB_RUN_PAUSED, "paused"),
                    G_DEFINE_ENUM_VALUE (UB_RUN_CANCELLED, "cancelled"),
                    G_DEFINE_ENUM_VALUE (UB_RUN_FAILED, "failed"),
                    G_DEFINE_ENUM_VALUE (UB_RUN_DONE, "done"))

G_DEFINE_TYPE_WITH_PRIVATE (UbRun, ub_run, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_KEY,
  PROP_TITLE,
  PROP_UNIT,
  PROP_PHASE,
  PROP_N_PARTS,
  PROP_BLOCKING,
  PROP_STATE,
  PROP_DONE,
  PROP_TOTAL,
  PROP_FRACTION,
  PROP_RATE,
  PROP_ETA,
  PROP_ERROR,
  N_PROPS
};

enum {
  PROGRESS,
  FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

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

static gint64
now_usec (UbRunPrivate *priv)
{
  return priv->clock ? priv->clock (priv->clock_data) : g_get_monotonic_time ();
}

static guint64
work_while_running (UbRunPrivate *priv)
{
  guint64 work = priv->work_before;

  if (priv->state == UB_RUN_RUNNING && priv->done > priv->base_done)
    work += priv->done - priv->base_done;
  return work;
}

static void
set_state (UbRun      *self,
           UbRunState  state)
{
  UbRunPrivate *priv = ub_run_get_instance_private (self);
  gint64 now = now_usec (priv);

  if (priv->state == state)
    return;

  /* Close the running interval, or open one. */
  if (priv->state == UB_RUN_RUNNING)
    {
      priv->running_usec += now - priv->running_since;
      priv->work_before = work_while_running (priv);
    }
  priv->state = state;
  if (state == UB_RUN_RUNNING)
    {
      priv->running_since = now;
      priv->base_done = priv->done;
    }

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ETA]);
  g_object_thaw_notify (G_OBJECT (self));
}

static void
stop_calls (UbRun *self)
{
  UbRunPrivate *priv = ub_run_get_instance_private (self);

  priv->generation++;
  priv->n_running = 0;
  if (priv->cancellable != NULL)
    g_cancellable_cancel (priv->cancellable);
  g_clear_object (&priv->cancellable);
}

static void
drop_pool (UbRun *self)
{
  UbRunPrivate *priv = ub_run_get_instance_private (self);

  /* Pending calls fail with UB_ERROR_TERMINATED at once. */
  if (priv->pool != NULL)
    ub_worker_pool_terminate (priv->pool);
  g_clear_object (&priv->pool);
}

/* Into a final state: the workers go, the signal tells the owner. */
static void
finish (UbRun      *self,
        UbRunState  state)
{
  UbRunPrivate *priv = ub_run_get_instance_private (self);

  g_assert (state == UB_RUN_DONE || state == UB_RUN_FAILED || state == UB_RUN_CANCELLED);

  stop_calls (self);
  drop_pool (self);
  if (state != UB_RUN_FAILED && UB_RUN_GET_CLASS (self)->discard != NULL)
    UB_RUN_GET_CLASS (self)->discard (self);
  if (state == UB_RUN_DONE && priv->total > priv->done)
    priv->total = priv->done;
  set_state (self, state);
  g_signal_emit (self, signals[FINISHED], 0);
}

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
  UbRunPrivate *priv = ub_run_get_instance_private (self);

  if (call->generation != priv->generation || priv->state != UB_RUN_RUNNING)
    return;

  UB_RUN_GET_CLASS (self)->part_progress (self, call->part, progress);
  g_signal_emit (self, signals[PROGRESS], 0);
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
  UbRunPrivate *priv = ub_run_get_instance_private (self);

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
  g_signal_emit (self, signals[PROGRESS], 0);

  /* The subclass may have failed the run while taking the result. */
  if (call->generation != priv->generation || priv->state != UB_RUN_RUNNING)
    return;

  launch_part (self, call->part);
  if (priv->n_running == 0 && all_parts_done (priv))
    finish (self, UB_RUN_DONE);
}

static void
launch_part (UbRun *self,
             guint  part)
{
  UbRunPrivate *priv = ub_run_get_instance_private (self);
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
  g_signal_emit (call->run, signals[PROGRESS], 0);
}

/* Every part, call after call, on this thread. */
static void
run_blocking (UbRun *self)
{
  UbRunPrivate *priv = ub_run_get_instance_private (self);
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

          reply = ub_job_run_sync (job, params, priv->cancellable,
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
          g_signal_emit (self, signals[PROGRESS], 0);
          if (generation != priv->generation || priv->state != UB_RUN_RUNNING)
            return;
        }
    }

  finish (self, UB_RUN_DONE);
}

static void
launch (UbRun *self)
{
  UbRunPrivate *priv = ub_run_get_instance_private (self);
  g_autoptr(GError) error = NULL;

  stop_calls (self);
  priv->cancellable = g_cancellable_new ();
  priv->n_launches++;
  set_state (self, UB_RUN_RUNNING);

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

  for (guint part = 0; part < priv->n_parts; part++)
    if (!priv->part_done[part])
      launch_part (self, part);

  if (priv->n_running == 0)
    finish (self, UB_RUN_DONE);
}

/**
 * ub_run_start:
 *
 * Starts a queued run. In blocking mode it returns when the run is over.
 */
void
ub_run_start (UbRun *self)
{
  UbRunPrivate *priv = ub_run_get_instance_private (self);

  g_return_if_fail (UB_IS_RUN (self));
  g_return_if_fail (priv->state == UB_RUN_QUEUED);

  launch (self);
}

/**
 * ub_run_pause:
 *
 * Pauses a running run: its calls are cancelled, its parts keep their
 * last progress, and what resuming after a restart needs is saved. A run
 * in blocking mode cannot be paused (it holds the thread).
 */
void
ub_run_pause (UbRun *self)
{
  UbRunPrivate *priv = ub_run_get_instance_private (self);

  g_return_if_fail (UB_IS_RUN (self));

  if (priv->state != UB_RUN_RUNNING || priv->blocking)
    return;

  stop_calls (self);
  set_state (self, UB_RUN_PAUSED);
  ub_run_checkpoint (self);
}

/**
 * ub_run_resume:
 *
 * Resumes a paused run, in the workers it had.
 */
void
ub_run_resume (UbRun *self)
{
  UbRunPrivate *priv = ub_run_get_instance_private (self);

  g_return_if_fail (UB_IS_RUN (self));

  if (priv->state != UB_RUN_PAUSED)
    return;

  launch (self);
}

void
ub_run_toggle_pause (UbRun *self)
{
  UbRunPrivate *priv = ub_run_get_instance_private (self);

  g_return_if_fail (UB_IS_RUN (self));

  if (priv->state == UB_RUN_RUNNING)
    ub_run_pause (self);
  else if (priv->state == UB_RUN_PAUSED)
    ub_run_resume (self);
}

/**
 * ub_run_cancel:
 *
 * Stops the run for good and forgets what it saved.
 */
void
ub_run_cancel (UbRun *self)
{
  g_return_if_fail (UB_IS_RUN (self));

  if (!ub_run_is_active (self))
    return;

  finish (self, UB_RUN_CANCELLED);
}

/**
 * ub_run_stop:
 *
 * Stops an active run as quitting does: its calls are cancelled, its
 * workers terminated, and it stays paused. It saves nothing more: what
 * its jobs checkpointed (asked for before quitting, and every second
 * anyway) is what the next start resumes from, and a write queued now
 * could land after the process is gone.
 */
void
ub_run_stop (UbRun *self)
{
  UbRunPrivate *priv = ub_run_get_instance_private (self);

  g_return_if_fail (UB_IS_RUN (self));

  if (priv->state == UB_RUN_RUNNING)
    {
      stop_calls (self);
      set_state (self, UB_RUN_PAUSED);
    }
  drop_pool (self);
}

/**
 * ub_run_checkpoint:
 *
 * Saves what an active run needs to resume after a restart and its jobs
 * do not save themselves.
 */
void
ub_run_checkpoint (UbRun *self)
{
  g_return_if_fail (UB_IS_RUN (self));

  if (ub_run_is_active (self) && UB_RUN_GET_CLASS (self)->save != NULL)
    UB_RUN_GET_CLASS (self)->save (self);
}

/**
 * ub_run_fail:
 * @error: why
 *
 * Ends the run with @error; its other parts are stopped. For subclasses,
 * e.g. when a result does not make sense. A cancellation error (from the
 * run's own cancellable) cancels instead.
 */
void
ub_run_fail (UbRun        *self,
             const GError *error)
{
  UbRunPrivate *priv = ub_run_get_instance_private (self);

  g_return_if_fail (UB_IS_RUN (self));
  g_return_if_fail (error != NULL);

  if (!ub_run_is_active (self))
    return;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      finish (self, UB_RUN_CANCELLED);
      return;
    }

  g_clear_error (&priv->error);
  priv->error = g_error_copy (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
  finish (self, UB_RUN_FAILED);
}

/**
 * ub_run_set_progress:
 * @done: how much is done, in the run's unit, including what was done
 *   before a restart
 * @total: how much there is, or 0 if unknown
 */
void
ub_run_set_progress (UbRun   *self,
                     guint64  done,
                     guint64  total)
{
  UbRunPrivate *priv = ub_run_get_instance_private (self);

  g_return_if_fail (UB_IS_RUN (self));

  /* Work restored before the run started is where it begins, not work
   * it did. */
  if (priv->state != UB_RUN_RUNNING)
    priv->base_done = done;
  else if (done < priv->base_done)
    {
      /* Progress went back (a part started over): measure from here. */
      priv->work_before += priv->done > priv->base_done ? priv->done - priv->base_done : 0;
      priv->base_done = done;
    }

  priv->done = done;
  priv->total = total;

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DONE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTAL]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ETA]);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * ub_run_set_phase:
 * @phase: (nullable): what the run does now, e.g. "Generating random data"
 *
 * Starts a new phase whose work is measured apart: the rate counts from
 * here.
 */
void
ub_run_set_phase (UbRun      *self,
                  const char *phase)
{
  UbRunPrivate *priv = ub_run_get_instance_private (self);

  g_return_if_fail (UB_IS_RUN (self));

  g_free (priv->phase);
  priv->phase = g_strdup (phase);
  priv->running_usec = 0;
  priv->running_since = now_usec (priv);
  priv->work_before = 0;
  priv->done = 0;
  priv->base_done = 0;
  priv->total = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PHASE]);
}

/**
 * ub_run_set_clock:
 * @clock: (nullable): the clock rate and ETA read, or %NULL for the
 *   monotonic clock
 *
 * For tests: a clock they control.
 */
void
ub_run_set_clock (UbRun      *self,
                  UbRunClock  clock,
                  gpointer    user_data)
{
  UbRunPrivate *priv = ub_run_get_instance_private (self);

  g_return_if_fail (UB_IS_RUN (self));
  g_return_if_fail (priv->state == UB_RUN_QUEUED);

  priv->clock = clock;
  priv->clock_data = user_data;
}

const char *
ub_run_get_key (UbRun *self)
{
  UbRunPrivate *priv = ub_run_get_instance_private (self);

  g_return_val_if_fail (UB_IS_RUN (self), NULL);

  return priv->key;
}

const char *
ub_run_get_title (UbRun *self)
{
  UbRunPrivate *priv = ub_run_get_instance_private (self);

  g_return_val_if_fail (UB_IS_RUN (self), NULL);

  return priv->title;
}

void
ub_run_set_title (UbRun      *self,
                  const char *title)
{
  UbRunPrivate *priv = ub_run_get_instance_private (self);

  g_return_if_fail (UB_IS_RUN (self));

  if (g_strcmp0 (priv->title, title) == 0)
    return;
  g_free (priv->title);
  priv->title = g_strdup (title);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

const char *
ub_run_get_unit (UbRun *self)
{
  UbRunPrivate *priv = ub_run_get_instance_private (self);

  g_return_val_if_fail (UB_IS_RUN (self), NULL);

  return priv->unit;
}

/**
 * ub_run_get_phase:
 *
 * Returns: (nullable): what the run does now, if it said
 */
const char *
ub_run_get_phase (UbRun *self)
{
  UbRunPrivate *priv = ub_run_get_instance_private (self);

  g_return_val_if_fail (UB_IS_RUN (self), NULL);

  return priv->phase;
}

UbRunState
ub_run_get_state (UbRun *self)
{
  UbRunPrivate *priv = ub_run_get_instance_private (self);

  g_return_val_if_fail (UB_IS_RUN (self), UB_RUN_FAILED);

  return priv->state;
}

/**
 * ub_run_is_active:
 *
 * Returns: whether the run is queued, running or paused: not over
 */
gboolean
ub_run_is_active (UbRun *self)
{
  UbRunPrivate *priv = ub_run_get_instance_private (self);

  g_return_val_if_fail (UB_IS_RUN (self), FALSE);

  return priv->state == UB_RUN_QUEUED || priv->state == UB_RUN_RUNNING ||
         priv->state == UB_RUN_PAUSED;
}

gboolean
ub_run_is_finished (UbRun *self)
{
  g_return_val_if_fail (UB_IS_RUN (self), FALSE);

  return !ub_run_is_active (self);
}

gboolean
ub_run_get_blocking (UbRun *self)
{
  UbRunPrivate *priv = ub_run_get_instance_private (self);

  g_return_val_if_fail (UB_IS_RUN (self), FALSE);

  return priv->blocking;
}

guint
ub_run_get_n_parts (UbRun *self)
{
  UbRunPrivate *priv = ub_run_get_instance_private (self);

  g_return_val_if_fail (UB_IS_RUN (self), 0);

  return priv->n_parts;
}

guint64
ub_run_get_done (UbRun *self)
{
  UbRunPrivate *priv = ub_run_get_instance_private (self);

  g_return_val_if_fail (UB_IS_RUN (self), 0);

  return priv->done;
}

/**
 * ub_run_get_total:
 *
 * Returns: how much work there is, or 0 if not known (yet)
 */
guint64
ub_run_get_total (UbRun *self)
{
  UbRunPrivate *priv = ub_run_get_instance_private (self);

  g_return_val_if_fail (UB_IS_RUN (self), 0);

  return priv->total;
}

/**
 * ub_run_get_fraction:
 *
 * Returns: how much is done, from 0 to 1, or -1 when the total is unknown
 */
double
ub_run_get_fraction (UbRun *self)
{
  UbRunPrivate *priv = ub_run_get_instance_private (self);

  g_return_val_if_fail (UB_IS_RUN (self), -1);

  if (priv->state == UB_RUN_DONE)
    return 1.0;
  if (priv->total == 0)
    return -1;
  return CLAMP ((double) priv->done / (double) priv->total, 0.0, 1.0);
}

/**
 * ub_run_get_running_time:
 *
 * Returns: how long the run (its current phase) has been running, in
 *   microseconds, pauses excluded
 */
gint64
ub_run_get_running_time (UbRun *self)
{
  UbRunPrivate *priv = ub_run_get_instance_private (self);

  g_return_val_if_fail (UB_IS_RUN (self), 0);

  if (priv->state == UB_RUN_RUNNING)
    return priv->running_usec + (now_usec (priv) - priv->running_since);
  return priv->running_usec;
}

/**
 * ub_run_get_rate:
 *
 * Returns: the work done per second of this run's own running time, or
 *   0 while there is too little of either to tell
 */
double
ub_run_get_rate (UbRun *self)
{
  UbRunPrivate *priv = ub_run_get_instance_private (self);
  gint64 running;
  guint64 work;

  g_return_val_if_fail (UB_IS_RUN (self), 0);

  running = ub_run_get_running_time (self);
  work = work_while_running (priv);
  if (running < MIN_RATE_USEC || work == 0)
    return 0;
  return (double) work * G_USEC_PER_SEC / (double) running;
}

/**
 * ub_run_get_eta:
 *
 * Returns: the seconds left at the current rate, or -1 if unknown
 */
double
ub_run_get_eta (UbRun *self)
{
  UbRunPrivate *priv = ub_run_get_instance_private (self);
  double rate;

  g_return_val_if_fail (UB_IS_RUN (self), -1);

  rate = ub_run_get_rate (self);
  if (!ub_run_is_active (self) || rate <= 0 || priv->total == 0 || priv->done > priv->total)
    return -1;
  return (double) (priv->total - priv->done) / rate;
}

/**
 * ub_run_get_error:
 *
 * Returns: (nullable): why the run failed
 */
const GError *
ub_run_get_error (UbRun *self)
{
  UbRunPrivate *priv = ub_run_get_instance_private (self);

  g_return_val_if_fail (UB_IS_RUN (self), NULL);

  return priv->error;
}

/**
 * ub_run_get_n_launches:
 *
 * Returns: how many times the run (re)started its calls: once, plus once
 *   per resume
 */
guint
ub_run_get_n_launches (UbRun *self)
{
  UbRunPrivate *priv = ub_run_get_instance_private (self);

  g_return_val_if_fail (UB_IS_RUN (self), 0);

  return priv->n_launches;
}

/**
 * ub_run_get_pool:
 *
 * Returns: (transfer none) (nullable): the workers of a run that is
 *   running or paused
 */
UbWorkerPool *
ub_run_get_pool (UbRun *self)
{
  UbRunPrivate *priv = ub_run_get_instance_private (self);

  g_return_val_if_fail (UB_IS_RUN (self), NULL);

  return priv->pool;
}

static void
ub_run_constructed (GObject *object)
{
  UbRun *self = UB_RUN (object);
  UbRunPrivate *priv = ub_run_get_instance_private (self);

  G_OBJECT_CLASS (ub_run_parent_class)->constructed (object);

  priv->part_done = g_new0 (gboolean, priv->n_parts);
}

static void
ub_run_dispose (GObject *object)
{
  UbRun *self = UB_RUN (object);

  /* Nothing is in flight here: each call holds a reference. */
  stop_calls (self);
  drop_pool (self);

  G_OBJECT_CLASS (ub_run_parent_class)->dispose (object);
}

static void
ub_run_finalize (GObject *object)
{
  UbRun *self = UB_RUN (object);
  UbRunPrivate *priv = ub_run_get_instance_private (self);

  g_clear_pointer (&priv->key, g_free);
  g_clear_pointer (&priv->unit, g_free);
  g_clear_pointer (&priv->title, g_free);
  g_clear_pointer (&priv->phase, g_free);
  g_clear_pointer (&priv->part_done, g_free);
  g_clear_error (&priv->error);

  G_OBJECT_CLASS (ub_run_parent_class)->finalize (object);
}

static void
ub_run_get_property (GObject    *object,
                     guint       prop_id,
                     GValue     *value,
                     GParamSpec *pspec)
{
  UbRun *self = UB_RUN (object);
  UbRunPrivate *priv = ub_run_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_KEY:
      g_value_set_string (value, priv->key);
      break;
    case PROP_TITLE:
      g_value_set_string (value, priv->title);
      break;
    case PROP_UNIT:
      g_value_set_string (value, priv->unit);
      break;
    case PROP_PHASE:
      g_value_set_string (value, priv->phase);
      break;
    case PROP_N_PARTS:
      g_value_set_uint (value, priv->n_parts);
      break;
    case PROP_BLOCKING:
      g_value_set_boolean (value, priv->blocking);
      break;
    case PROP_STATE:
      g_value_set_enum (value, priv->state);
      break;
    case PROP_DONE:
      g_value_set_uint64 (value, priv->done);
      break;
    case PROP_TOTAL:
      g_value_set_uint64 (value, priv->total);
      break;
    case PROP_FRACTION:
      g_value_set_double (value, ub_run_get_fraction (self));
      break;
    case PROP_RATE:
      g_value_set_double (value, ub_run_get_rate (self));
      break;
    case PROP_ETA:
      g_value_set_double (value, ub_run_get_eta (self));
      break;
    case PROP_ERROR:
      g_value_set_boxed (value, priv->error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ub_run_set_property (GObject      *object,
                     guint         prop_id,
                     const GValue *value,
                     GParamSpec   *pspec)
{
  UbRun *self = UB_RUN (object);
  UbRunPrivate *priv = ub_run_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_KEY:
      priv->key = g_value_dup_string (value);
      break;
    case PROP_TITLE:
      ub_run_set_title (self, g_value_get_string (value));
      break;
    case PROP_UNIT:
      priv->unit = g_value_dup_string (value);
      break;
    case PROP_N_PARTS:
      priv->n_parts = g_value_get_uint (value);
      break;
    case PROP_BLOCKING:
      priv->blocking = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ub_run_class_init (UbRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags co = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = ub_run_constructed;
  object_class->dispose = ub_run_dispose;
  object_class->finalize = ub_run_finalize;
  object_class->get_property = ub_run_get_property;
  object_class->set_property = ub_run_set_property;

  /**
   * UbRun:key:
   *
   * Which view the run belongs to (e.g. "primes"): the run manager keeps
   * one run per key.
   */
  properties[PROP_KEY] = g_param_spec_string ("key", NULL, NULL, NULL, co);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * UbRun:unit:
   *
   * What :done and :total count, for people (e.g. "numbers", "B").
   */
  properties[PROP_UNIT] = g_param_spec_string ("unit", NULL, NULL, NULL, co);
  properties[PROP_PHASE] = g_param_spec_string ("phase", NULL, NULL, NULL, ro);
  properties[PROP_N_PARTS] = g_param_spec_uint ("n-parts", NULL, NULL, 1, 256, 1, co);
  /**
   * UbRun:blocking:
   *
   * Whether the run executes on the thread that starts it, the negative
   * control, rather than in workers.
   */
  properties[PROP_BLOCKING] = g_param_spec_boolean ("blocking", NULL, NULL, FALSE, co);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, UB_TYPE_RUN_STATE,
                                              UB_RUN_QUEUED, ro);
  properties[PROP_DONE] = g_param_spec_uint64 ("done", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_TOTAL] = g_param_spec_uint64 ("total", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_FRACTION] = g_param_spec_double ("fraction", NULL, NULL, -1, 1, -1, ro);
  properties[PROP_RATE] = g_param_spec_double ("rate", NULL, NULL, 0, G_MAXDOUBLE, 0, ro);
  properties[PROP_ETA] = g_param_spec_double ("eta", NULL, NULL, -1, G_MAXDOUBLE, -1, ro);
  properties[PROP_ERROR] = g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * UbRun::progress:
   *
   * A part reported progress or finished a call.
   */
  signals[PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * UbRun::finished:
   *
   * The run reached a final state (done, failed or cancelled), once.
   */
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ub_run_init (UbRun *self)
{
  UbRunPrivate *priv = ub_run_get_instance_private (self);

  priv->n_parts = 1;
  priv->state = UB_RUN_QUEUED;
}
