/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "ub-error.h"
#include "ub-job.h"
#include "ub-job-private.h"
#include "ub-name-table-private.h"
#include "ub-remote.h"
#include "ub-worker.h"

/* Progress is reported at most this often: often enough for a smooth
 * progress bar, rarely enough that the reports cost nothing. */
#define PROGRESS_INTERVAL_USEC (50 * G_TIME_SPAN_MILLISECOND)

/* A resumable job saves its state this often, and when asked. */
#define CHECKPOINT_INTERVAL_USEC G_USEC_PER_SEC

typedef struct
{
  GVariantType *params_type;
  UbJobFunc     func;
} JobDefinition;

static void job_definition_free (gpointer data);

/* name → JobDefinition: filled at start-up and read from any thread after
 * that; its lock makes late registrations (tests) safe too. */
static UbNameTable registry = UB_NAME_TABLE_INIT (job_definition_free);

struct _UbJobContext
{
  GCancellable       *cancellable;  /* (unowned) */
  UbRemoteInvocation *invocation;   /* (unowned) (nullable): set in a worker */
  UbJobProgressFunc   progress;     /* (nullable): set in blocking mode */
  gpointer            progress_data;
  gint64              last_report;  /* monotonic time of the last report */

  /* Checkpoints: read and written by the job's thread, except that
   * acked_request is read under checkpoint_lock by ub_jobs_checkpoint_acked() */
  gboolean            resumable;
  gint64              last_checkpoint;
  guint               seen_request;
  guint               acked_request;
};

/* Checkpoint requests (the beforeunload analogue): the owner bumps the
 * request number; every resumable job saves its state at its next chance
 * and acknowledges the number it saw. */
static guint checkpoint_request;     /* (atomic) */
static GMutex checkpoint_lock;
static GPtrArray *resumable_jobs;    /* UbJobContext*, protected by checkpoint_lock */

static void
job_definition_free (gpointer data)
{
  JobDefinition *def = data;

  g_variant_type_free (def->params_type);
  g_free (def);
}

/**
 * ub_job_register:
 * @name: the job's name, also its remote method name in a "jobs" worker
 * @params_type: the type its parameters must have
 * @func: the job
 *
 * Registers a job. Call at start-up, before any worker runs it.
 */
void
ub_job_register (const char         *name,
                 const GVariantType *params_type,
                 UbJobFunc           func)
{
  JobDefinition *def;

  g_return_if_fail (name != NULL);
  g_return_if_fail (params_type != NULL);
  g_return_if_fail (func != NULL);

  def = g_new0 (JobDefinition, 1);
  def->params_type = g_variant_type_copy (params_type);
  def->func = func;
  _ub_name_table_replace (&registry, name, def);
}

gboolean
ub_job_is_registered (const char *name)
{
  g_return_val_if_fail (name != NULL, FALSE);

  return _ub_name_table_contains (&registry, name);
}

typedef struct
{
  GVariant  *params;   /* (unowned) */
  UbJobFunc  func;
  gboolean   type_ok;
} JobLookup;

static void
copy_job (gconstpointer value,
          gpointer      dest)
{
  const JobDefinition *def = value;
  JobLookup *lookup = dest;

  lookup->func = def->func;
  lookup->type_ok = g_variant_is_of_type (lookup->params, def->params_type);
}

/* Copies what a caller needs so the lock is not held while a job runs;
 * definitions are never removed, only replaced before use. */
static gboolean
lookup_job (const char    *name,
            GVariant      *params,
            UbJobFunc     *func,
            GError       **error)
{
  JobLookup lookup = { params, NULL, FALSE };

  if (!_ub_name_table_lookup (&registry, name, copy_job, &lookup))
    {
      g_set_error (error, UB_ERROR, UB_ERROR_NO_SUCH_METHOD, _("There is no job called “%s”"), name);
      return FALSE;
    }

  if (!lookup.type_ok)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The job “%s” cannot take parameters of type “%s”"),
                   name, g_variant_get_type_string (params));
      return FALSE;
    }

  *func = lookup.func;
  return TRUE;
}

static GVariant *
run_job (const char    *name,
         GVariant      *params,
         UbJobContext  *context,
         GError       **error)
{
  UbJobFunc func;
  GVariant *result;

  if (!lookup_job (name, params, &func, error))
    return NULL;

  if (g_cancellable_set_error_if_cancelled (context->cancellable, error))
    return NULL;

  result = func (params, context, error);
  g_assert (result != NULL || error == NULL || *error != NULL);

  if (context->resumable)
    {
      g_mutex_lock (&checkpoint_lock);
      g_ptr_array_remove_fast (resumable_jobs, context);
      g_mutex_unlock (&checkpoint_lock);
    }

  return result != NULL ? g_variant_ref_sink (result) : NULL;
}

/* Runs a job on the calling thread (ub-job-private.h). */
GVariant *
_ub_job_run_here (const char         *name,
                  GVariant           *params,
                  GCancellable       *cancellable,
                  UbJobProgressFunc   progress,
                  gpointer            user_data,
                  GError            **error)
{
  g_autoptr(GVariant) owned_params = NULL;
  UbJobContext context = { 0 };

  owned_params = g_variant_ref_sink (params);
  context.cancellable = cancellable;
  context.progress = progress;
  context.progress_data = user_data;

  return run_job (name, owned_params, &context, error);
}

/**
 * ub_job_run_sync:
 * @name: a registered job
 * @params: (transfer floating): its parameters, of the registered type
 * @cancellable: (nullable): stops the job
 * @progress: (nullable) (scope call) (closure user_data): called on this
 *   thread with each progress report
 * @user_data: data for @progress
 * @error: return location for a #GError
 *
 * Runs a job on the calling thread, for tools and tests (a fixture, the
 * CLI). The application's blocking mode uses ub_job_run_blocking(), which
 * runs the job the same way and accounts for it.
 *
 * Returns: (transfer full): the job's result
 */
GVariant *
ub_job_run_sync (const char         *name,
                 GVariant           *params,
                 GCancellable       *cancellable,
                 UbJobProgressFunc   progress,
                 gpointer            user_data,
                 GError            **error)
{
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (params != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return _ub_job_run_here (name, params, cancellable, progress, user_data, error);
}

GCancellable *
ub_job_context_get_cancellable (UbJobContext *context)
{
  g_return_val_if_fail (context != NULL, NULL);

  return context->cancellable;
}

/**
 * ub_job_context_is_blocking:
 *
 * Returns: %TRUE when the job runs on the caller's thread rather than in
 *   a worker
 */
gboolean
ub_job_context_is_blocking (UbJobContext *context)
{
  g_return_val_if_fail (context != NULL, FALSE);

  return context->invocation == NULL;
}

/**
 * ub_job_context_should_report:
 *
 * Returns: whether enough time passed since the last progress report for
 *   another to be worth building
 */
gboolean
ub_job_context_should_report (UbJobContext *context)
{
  g_return_val_if_fail (context != NULL, FALSE);

  return g_get_monotonic_time () - context->last_report >= PROGRESS_INTERVAL_USEC;
}

/**
 * ub_job_context_report_progress:
 * @progress: (transfer floating): the progress, in the job's own format
 *
 * Reports progress: in a worker it is posted as a latest-value message, so
 * a report not yet delivered is replaced by this one.
 */
void
ub_job_context_report_progress (UbJobContext *context,
                                GVariant     *progress)
{
  g_autoptr(GVariant) owned = NULL;

  g_return_if_fail (context != NULL);
  g_return_if_fail (progress != NULL);

  owned = g_variant_ref_sink (progress);
  context->last_report = g_get_monotonic_time ();

  if (context->invocation != NULL)
    ub_remote_invocation_report_progress (context->invocation, owned);
  else if (context->progress != NULL)
    context->progress (owned, context->progress_data);
}

/**
 * ub_job_context_set_resumable:
 *
 * Declares that the job saves checkpoints: from now on a checkpoint
 * request waits for it (see ub_jobs_request_checkpoint()).
 */
void
ub_job_context_set_resumable (UbJobContext *context)
{
  g_return_if_fail (context != NULL);

  if (context->resumable)
    return;

  context->resumable = TRUE;
  context->last_checkpoint = g_get_monotonic_time ();
  context->seen_request = context->acked_request = g_atomic_int_get (&checkpoint_request);

  g_mutex_lock (&checkpoint_lock);
  if (resumable_jobs == NULL)
    resumable_jobs = g_ptr_array_new ();
  g_ptr_array_add (resumable_jobs, context);
  g_mutex_unlock (&checkpoint_lock);
}

/**
 * ub_job_context_checkpoint_due:
 *
 * Returns: whether the job should save its state now: a second has passed
 *   since the last save, or the owner asked for one
 */
gboolean
ub_job_context_checkpoint_due (UbJobContext *context)
{
  guint request;

  g_return_val_if_fail (context != NULL, FALSE);

  if (!context->resumable)
    return FALSE;

  request = g_atomic_int_get (&checkpoint_request);
  if (request != context->acked_request)
    {
      context->seen_request = request;
      return TRUE;
    }

  context->seen_request = request;
  return g_get_monotonic_time () - context->last_checkpoint >= CHECKPOINT_INTERVAL_USEC;
}

/**
 * ub_job_context_checkpoint_saved:
 *
 * Tells the owner the job's state is saved, as of the request it last saw.
 */
void
ub_job_context_checkpoint_saved (UbJobContext *context)
{
  g_return_if_fail (context != NULL);

  context->last_checkpoint = g_get_monotonic_time ();
  g_mutex_lock (&checkpoint_lock);
  context->acked_request = context->seen_request;
  g_mutex_unlock (&checkpoint_lock);
}

/**
 * ub_jobs_request_checkpoint:
 *
 * Asks every running resumable job, in any thread, to save its state at
 * its next chance. Returns at once.
 *
 * Returns: the request's number, for ub_jobs_checkpoint_acked()
 */
guint
ub_jobs_request_checkpoint (void)
{
  return (guint) g_atomic_int_add (&checkpoint_request, 1) + 1;
}

/**
 * ub_jobs_checkpoint_acked:
 * @request: a number from ub_jobs_request_checkpoint()
 *
 * Returns: whether every resumable job still running has saved its state
 *   since @request was made
 */
gboolean
ub_jobs_checkpoint_acked (guint request)
{
  gboolean acked = TRUE;

  g_mutex_lock (&checkpoint_lock);
  for (guint i = 0; resumable_jobs != NULL && i < resumable_jobs->len; i++)
    {
      UbJobContext *context = g_ptr_array_index (resumable_jobs, i);

      /* Request numbers only grow; compare as a wrapping difference. */
      if ((gint) (context->acked_request - request) < 0)
        acked = FALSE;
    }
  g_mutex_unlock (&checkpoint_lock);

  return acked;
}

/* The worker side: every registered job is a remote method. */

static void
cancel_job (GCancellable *scope_cancellable,
            gpointer      user_data)
{
  g_cancellable_cancel (user_data);
}

static GVariant *
job_remote_method (UbRemoteInvocation  *invocation,
                   GVariant            *params,
                   gpointer             user_data,
                   GError             **error)
{
  UbJobContext context = { 0 };
  UbWorkerScope *scope = ub_remote_invocation_get_scope (invocation);
  const char *method = ub_remote_invocation_get_method (invocation);
  GCancellable *scope_cancellable;
  GVariant *result;
  gulong handler;

  context.cancellable = ub_remote_invocation_get_cancellable (invocation);
  context.invocation = invocation;

  /* Terminating the worker cancels its scope: the running job stops too. */
  scope_cancellable = ub_worker_scope_get_cancellable (scope);
  handler = g_cancellable_connect (scope_cancellable, G_CALLBACK (cancel_job),
                                   context.cancellable, NULL);

  ub_worker_scope_set_activity (scope, method);
  result = run_job (method, params, &context, error);
  ub_worker_scope_set_activity (scope, NULL);

  g_cancellable_disconnect (scope_cancellable, handler);
  return result;
}

static gboolean
jobs_worker_entry (UbWorkerScope  *scope,
                   gpointer        user_data,
                   GError        **error)
{
  g_auto(GStrv) names = _ub_name_table_dup_names (&registry);

  for (guint i = 0; names[i] != NULL; i++)
    ub_worker_scope_expose (scope, names[i], job_remote_method, NULL, NULL);

  ub_worker_scope_run (scope);
  return TRUE;
}

/**
 * ub_jobs_register_worker_kind:
 *
 * Registers the "jobs" worker kind, whose workers expose every registered
 * job as a remote method. Safe to call more than once.
 */
void
ub_jobs_register_worker_kind (void)
{
  static gsize registered = 0;

  if (g_once_init_enter (&registered))
    {
      ub_worker_kind_register (UB_JOB_WORKER_KIND, jobs_worker_entry, NULL);
      g_once_init_leave (&registered, 1);
    }
}
