/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-job.h"
#include "ub-job-private.h"

/*
 * Blocking mode, the negative control that shows what the workers buy,
 * has one strategy, for every job and every page:
 *
 *   the job's very same function runs on the thread that owns the work
 *   (the GTK main thread), called through ub_job_run_blocking() at the
 *   moment the worker path would have posted the call; its progress
 *   reaches the caller synchronously, on that thread, from inside the
 *   job; the call returns only when the job is over. Work made of several
 *   calls (a run's parts, a folder's thumbnails, a batch of images) makes
 *   them one after the other, from the one main-loop dispatch that starts
 *   the work, without going back to the loop in between.
 *
 * Nothing is split into idles, moved to a thread or scheduled otherwise,
 * so the main loop is stalled for as long as the work takes, as it would
 * be in an application without workers. Every call is counted (calls and
 * time), so a test can tell that a page's blocking mode went through here
 * and compare the time spent in jobs with the time the loop was stalled.
 */

/* Protected by stats_lock; any thread may read them. */
static GMutex stats_lock;
static UbJobBlockingStats stats;
static gint64 outer_started;  /* when the outermost running call began */

/**
 * ub_job_run_blocking:
 * @name: a registered job
 * @params: (transfer floating): its parameters, of the registered type
 * @cancellable: (nullable): stops the job (e.g. cancelled from @progress)
 * @progress: (nullable) (scope call) (closure user_data): called on this
 *   thread, from inside the job, with each progress report
 * @user_data: data for @progress
 * @error: return location for a #GError
 *
 * Runs a job in blocking mode: on the calling thread, to its end (see the
 * strategy above). The job sees ub_job_context_is_blocking() return
 * %TRUE. An unknown job or parameters of the wrong type fail at once, with
 * the same errors as in a worker; a cancelled job fails with
 * %G_IO_ERROR_CANCELLED.
 *
 * Returns: (transfer full): the job's result, or %NULL with @error set
 */
GVariant *
ub_job_run_blocking (const char         *name,
                     GVariant           *params,
                     GCancellable       *cancellable,
                     UbJobProgressFunc   progress,
                     gpointer            user_data,
                     GError            **error)
{
  GVariant *result;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (params != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g_mutex_lock (&stats_lock);
  stats.n_calls++;
  if (stats.n_running++ == 0)
    outer_started = g_get_monotonic_time ();
  g_mutex_unlock (&stats_lock);

  result = _ub_job_run_here (name, params, cancellable, progress, user_data, error);

  g_mutex_lock (&stats_lock);
  if (--stats.n_running == 0)
    stats.usec += g_get_monotonic_time () - outer_started;
  g_mutex_unlock (&stats_lock);

  return result;
}

/**
 * ub_job_get_blocking_stats:
 * @out: (out caller-allocates): filled with what blocking mode has run
 *   since the process started
 *
 * Safe from any thread. Compare two readings to measure one piece of work.
 */
void
ub_job_get_blocking_stats (UbJobBlockingStats *out)
{
  g_return_if_fail (out != NULL);

  g_mutex_lock (&stats_lock);
  *out = stats;
  g_mutex_unlock (&stats_lock);
}
