/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-run-private.h"
#include "ub-worker-pool.h"

/*
 * A run drives its parts: one job call per part at a time, each in its
 * own worker of the run's pool, side by side. Pausing cancels the calls
 * and keeps the workers; resuming asks the subclass for each unfinished
 * part's next call, which starts from the part's last progress.
 *
 * Blocking mode is how a run executes, not a property of its job: the
 * very same calls run one after the other on the calling thread through
 * ub_job_run_blocking(), progress included; ub_run_start() returns when the
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

UbRunPrivate *
_ub_run_get_private (UbRun *self)
{
  return ub_run_get_instance_private (self);
}

void
_ub_run_emit_progress (UbRun *self)
{
  g_signal_emit (self, signals[PROGRESS], 0);
}

void
_ub_run_set_state (UbRun      *self,
                   UbRunState  state)
{
  UbRunPrivate *priv = ub_run_get_instance_private (self);

  if (priv->state == state)
    return;

  priv->state = state;
  _ub_run_meter_set_running (&priv->meter, state == UB_RUN_RUNNING);

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ETA]);
  g_object_thaw_notify (G_OBJECT (self));
}

/* Into a final state: the workers go, the signal tells the owner. */
void
_ub_run_finish (UbRun      *self,
                UbRunState  state)
{
  UbRunPrivate *priv = ub_run_get_instance_private (self);

  g_assert (state == UB_RUN_DONE || state == UB_RUN_FAILED || state == UB_RUN_CANCELLED);

  _ub_run_stop_calls (self);
  _ub_run_drop_pool (self);
  if (state != UB_RUN_FAILED && UB_RUN_GET_CLASS (self)->discard != NULL)
    UB_RUN_GET_CLASS (self)->discard (self);
  if (state == UB_RUN_DONE && priv->meter.total > priv->meter.done)
    priv->meter.total = priv->meter.done;
  _ub_run_set_state (self, state);
  g_signal_emit (self, signals[FINISHED], 0);
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

  _ub_run_launch (self);
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

  _ub_run_stop_calls (self);
  _ub_run_set_state (self, UB_RUN_PAUSED);
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

  _ub_run_launch (self);
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

  _ub_run_finish (self, UB_RUN_CANCELLED);
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
      _ub_run_stop_calls (self);
      _ub_run_set_state (self, UB_RUN_PAUSED);
    }
  _ub_run_drop_pool (self);
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
      _ub_run_finish (self, UB_RUN_CANCELLED);
      return;
    }

  g_clear_error (&priv->error);
  priv->error = g_error_copy (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
  _ub_run_finish (self, UB_RUN_FAILED);
}

/**
 * ub_run_complete:
 *
 * Ends an active run as done. For subclasses whose owner does the work
 * (UbRunClass.launch); a run of job calls ends by itself.
 */
void
ub_run_complete (UbRun *self)
{
  g_return_if_fail (UB_IS_RUN (self));

  if (ub_run_is_active (self))
    _ub_run_finish (self, UB_RUN_DONE);
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

  _ub_run_meter_set_progress (&priv->meter, done, total);

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
  _ub_run_meter_restart (&priv->meter);
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

  priv->meter.clock = clock;
  priv->meter.clock_data = user_data;
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

  return priv->meter.done;
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

  return priv->meter.total;
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
  if (priv->meter.total == 0)
    return -1;
  return CLAMP ((double) priv->meter.done / (double) priv->meter.total, 0.0, 1.0);
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

  return _ub_run_meter_running_time (&priv->meter);
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

  g_return_val_if_fail (UB_IS_RUN (self), 0);

  return _ub_run_meter_rate (&priv->meter);
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

  g_return_val_if_fail (UB_IS_RUN (self), -1);

  if (!ub_run_is_active (self))
    return -1;
  return _ub_run_meter_eta (&priv->meter);
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
  _ub_run_stop_calls (self);
  _ub_run_drop_pool (self);

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
      g_value_set_uint64 (value, priv->meter.done);
      break;
    case PROP_TOTAL:
      g_value_set_uint64 (value, priv->meter.total);
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
