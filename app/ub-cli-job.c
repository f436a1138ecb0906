/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "ub-cli-job.h"
#include "ub-durable.h"
#include "ub-job.h"
#include "ub-runtime.h"
#include "ub-worker-pool.h"

/*
 * One job of a sub-command, run in a worker of the "jobs" kind exactly as
 * the application runs it: this thread only runs the main loop that
 * collects the progress and the result.
 *
 * SIGINT, SIGTERM and SIGHUP cancel the job and wait for it to end, so
 * that it removes what it was writing; the signal's number is handed back
 * for the exit status. A second signal is not caught: it ends the process
 * at once, in case the job is blocked reading a terminal. A signal that
 * was ignored when the process started is left ignored.
 */

#define JOIN_TIMEOUT (10 * G_USEC_PER_SEC)

static const int caught_signals[] = { SIGINT, SIGTERM, SIGHUP };

/* Lives on the stack of ub_cli_run_job(); everything runs on its thread. */
typedef struct
{
  GCancellable      *cancellable;
  GVariant          *result;        /* (owned) (nullable) */
  GError            *error;         /* (owned) (nullable) */
  gboolean           finished;
  int                signal_number;
  GSource           *signals[G_N_ELEMENTS (caught_signals)];  /* (owned) (nullable) */

  /* Progress on a terminal (fraction NULL when not shown) */
  UbCliFractionFunc  fraction;
  gint64             last_print;
  gboolean           printed;
} JobCall;

/**
 * ub_cli_signal_is_ignored:
 * @signal_number: SIGINT, SIGTERM or SIGHUP
 *
 * A signal the process was started with ignored (a background job's
 * SIGINT, nohup's SIGHUP) stays ignored: nothing in the CLI catches it.
 *
 * Returns: whether @signal_number is ignored
 */
gboolean
ub_cli_signal_is_ignored (int signal_number)
{
  struct sigaction action;

  return sigaction (signal_number, NULL, &action) == 0 && action.sa_handler == SIG_IGN;
}

static void
remove_signal_sources (JobCall *call)
{
  for (guint i = 0; i < G_N_ELEMENTS (call->signals); i++)
    if (call->signals[i] != NULL)
      {
        g_source_destroy (call->signals[i]);
        g_clear_pointer (&call->signals[i], g_source_unref);
        signal (caught_signals[i], SIG_DFL);
      }
}

static gboolean
on_signal (gpointer user_data)
{
  JobCall *call = user_data;

  for (guint i = 0; i < G_N_ELEMENTS (call->signals); i++)
    if (call->signals[i] == g_main_current_source ())
      call->signal_number = caught_signals[i];

  remove_signal_sources (call);
  g_cancellable_cancel (call->cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_progress (GVariant *progress,
             gpointer  user_data)
{
  JobCall *call = user_data;
  gint64 now = g_get_monotonic_time ();
  double fraction = call->fraction (progress);

  if (fraction < 0 || now - call->last_print < 200 * G_TIME_SPAN_MILLISECOND)
    return;

  call->last_print = now;
  call->printed = TRUE;
  fprintf (stderr, "\r\033[K%5.1f %%", 100.0 * MIN (fraction, 1.0));
  fflush (stderr);
}

static void
on_done (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  JobCall *call = user_data;

  call->result = ub_worker_pool_call_finish (UB_WORKER_POOL (object), result, &call->error);
  call->finished = TRUE;
}

/**
 * ub_cli_run_job:
 * @name: the job, as the catalogue registered it
 * @params: (transfer floating): its parameters
 * @fraction: (nullable): reads the job's progress; when given and standard
 *   error is a terminal, the progress is shown there
 * @signal_number: (out): the signal that stopped the job, or 0
 * @error: return location for a #GError
 *
 * Runs @name in a worker and waits for it, the signals above cancelling
 * it. The worker is joined before this returns.
 *
 * Returns: (transfer full) (nullable): the job's result, or %NULL with
 *   @error set (%G_IO_ERROR_CANCELLED when a signal stopped it)
 */
GVariant *
ub_cli_run_job (const char         *name,
                GVariant           *params,
                UbCliFractionFunc   fraction,
                int                *signal_number,
                GError            **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(UbWorkerPool) pool = NULL;
  JobCall call = { 0 };

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (signal_number != NULL, NULL);

  *signal_number = 0;

  /* The pool delivers to the context that is the default when it is made. */
  g_main_context_push_thread_default (context);
  pool = ub_worker_pool_new (UB_JOB_WORKER_KIND, 1, error);
  if (pool == NULL)
    {
      g_main_context_pop_thread_default (context);
      g_variant_unref (g_variant_ref_sink (params));
      return NULL;
    }
  call.cancellable = cancellable;
  call.fraction = fraction != NULL && isatty (STDERR_FILENO) ? fraction : NULL;

  for (guint i = 0; i < G_N_ELEMENTS (caught_signals); i++)
    {
      if (ub_cli_signal_is_ignored (caught_signals[i]))
        continue;
      call.signals[i] = g_unix_signal_source_new (caught_signals[i]);
      g_source_set_callback (call.signals[i], on_signal, &call, NULL);
      g_source_attach (call.signals[i], context);
    }

  ub_worker_pool_call_async (pool, name, params, cancellable,
                             call.fraction != NULL ? on_progress : NULL, &call, NULL,
                             on_done, &call);
  while (!call.finished)
    g_main_context_iteration (context, TRUE);

  /* Cancelled or not, the job has stopped writing only once its worker
   * is joined: wait for that before the process may exit. */
  ub_worker_pool_terminate (pool);
  if (!ub_runtime_wait_for_threads (JOIN_TIMEOUT) && call.signal_number != 0)
    {
      /* A worker blocked in a read (a FIFO nobody writes to any more)
       * sees the cancel only when the read returns: the process leaves
       * without it, and takes its half-written file along. */
      ub_durable_remove_for_signal ();
    }

  remove_signal_sources (&call);
  if (call.printed)
    fputs ("\r\033[K", stderr);
  g_main_context_pop_thread_default (context);

  *signal_number = call.signal_number;
  if (call.error != NULL)
    {
      g_propagate_error (error, call.error);
      return NULL;
    }
  return call.result;
}
