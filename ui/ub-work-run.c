/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-run-manager.h"
#include "ub-work-run.h"

/*
 * A run whose owner does the work itself rather than through job calls:
 * the gallery's thumbnails, the sample writer, the Channels pipeline. It
 * puts that work in the run manager with the others, so the activity
 * list shows it, its cancel button stops it, and finishing it with no
 * window open sends a notification; and it can hold the work (the
 * writer, the pipeline) so that it outlives the page that started it.
 *
 * The owner reports with ub_run_set_progress(), ends the run with
 * ub_run_complete() or ub_run_fail(), and follows its state (a pause or a
 * cancel made from the activity list). In blocking mode the owner does
 * the work on the spot through ub_job_run_blocking(), as every blocking
 * path does. Main thread only.
 */

struct _UbWorkRun
{
  UbRun          parent_instance;

  gpointer       work;          /* (owned) (nullable): kept until the run ends */
  GDestroyNotify work_destroy;
};

G_DEFINE_FINAL_TYPE (UbWorkRun, ub_work_run, UB_TYPE_RUN)

static void
drop_work (UbWorkRun *self)
{
  gpointer work = g_steal_pointer (&self->work);

  if (work != NULL && self->work_destroy != NULL)
    self->work_destroy (work);
  self->work_destroy = NULL;
}

/* The owner started the work already, or resumes it on notify::state. */
static void
ub_work_run_launch (UbRun *run)
{
}

static void
on_finished (UbWorkRun *self)
{
  drop_work (self);
}

static void
ub_work_run_dispose (GObject *object)
{
  drop_work (UB_WORK_RUN (object));

  G_OBJECT_CLASS (ub_work_run_parent_class)->dispose (object);
}

static void
ub_work_run_class_init (UbWorkRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  UbRunClass *run_class = UB_RUN_CLASS (klass);

  object_class->dispose = ub_work_run_dispose;
  run_class->launch = ub_work_run_launch;
}

static void
ub_work_run_init (UbWorkRun *self)
{
  g_signal_connect (self, "finished", G_CALLBACK (on_finished), NULL);
}

/**
 * ub_work_run_new:
 * @key: the run's key in the run manager
 * @title: what the activity list calls it
 * @unit: (nullable): what its progress counts, e.g. "images"
 * @blocking: whether the owner does the work on the main thread
 *
 * Returns: (transfer full): a queued run
 */
UbWorkRun *
ub_work_run_new (const char *key,
                 const char *title,
                 const char *unit,
                 gboolean    blocking)
{
  g_return_val_if_fail (key != NULL, NULL);

  return g_object_new (UB_TYPE_WORK_RUN,
                       "key", key,
                       "title", title,
                       "unit", unit,
                       "n-parts", 1,
                       "blocking", blocking,
                       NULL);
}

/**
 * ub_work_run_add:
 * @total: how much there is to do, in @unit
 *
 * Makes a run (ub_work_run_new()), puts it in the default run manager in
 * place of the finished one with the same key, and starts it.
 *
 * Returns: (transfer full): the run, running
 */
UbWorkRun *
ub_work_run_add (const char *key,
                 const char *title,
                 const char *unit,
                 guint64     total,
                 gboolean    blocking)
{
  UbRunManager *manager = ub_run_manager_get_default ();
  g_autoptr(UbRun) old = ub_run_manager_dup_run (manager, key);
  UbWorkRun *self;

  /* One run per key at a time: the owner's new work replaces its old. */
  if (old != NULL)
    ub_run_cancel (old);

  self = ub_work_run_new (key, title, unit, blocking);
  ub_run_set_progress (UB_RUN (self), 0, total);
  ub_run_manager_add (manager, UB_RUN (self));
  ub_run_start (UB_RUN (self));
  return self;
}

/**
 * ub_work_run_hold:
 * @work: (transfer full) (nullable): what does the work
 * @destroy: (nullable): frees @work
 *
 * The run keeps @work until it ends (done, failed or cancelled), then
 * frees it: work held so goes on without the page that started it.
 */
void
ub_work_run_hold (UbWorkRun      *self,
                  gpointer        work,
                  GDestroyNotify  destroy)
{
  g_return_if_fail (UB_IS_WORK_RUN (self));

  drop_work (self);
  if (ub_run_is_finished (UB_RUN (self)))
    {
      if (work != NULL && destroy != NULL)
        destroy (work);
      return;
    }
  self->work = work;
  self->work_destroy = destroy;
}
