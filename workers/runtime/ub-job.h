/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * Jobs are plain functions: parameters in, a result or a GError out, with a
 * context for cancellation and progress. They know nothing of ports, so the
 * same function runs in a worker (exposed as a remote method of the "jobs"
 * worker kind) or on the calling thread (the UI's blocking mode).
 */

typedef struct _UbJobContext UbJobContext;

typedef GVariant *(*UbJobFunc)         (GVariant     *params,
                                        UbJobContext *context,
                                        GError      **error);
typedef void      (*UbJobProgressFunc) (GVariant     *progress,
                                        gpointer      user_data);

#define UB_JOB_WORKER_KIND "jobs"

void          ub_job_register                 (const char         *name,
                                               const GVariantType *params_type,
                                               UbJobFunc           func);
gboolean      ub_job_is_registered            (const char         *name);
void          ub_jobs_register_worker_kind    (void);

GVariant     *ub_job_run_sync                 (const char         *name,
                                               GVariant           *params,
                                               GCancellable       *cancellable,
                                               UbJobProgressFunc   progress,
                                               gpointer            user_data,
                                               GError            **error);

/**
 * UbJobBlockingStats:
 * @n_calls: jobs run through ub_job_run_blocking() so far
 * @n_running: of those, how many are running now (nested calls count)
 * @usec: the time spent inside them, in microseconds of the monotonic
 *   clock; a call nested inside another is counted once, in the outer one
 *
 * What blocking mode has run, for the negative controls and the benchmark.
 */
typedef struct
{
  guint64 n_calls;
  guint   n_running;
  gint64  usec;
} UbJobBlockingStats;

GVariant     *ub_job_run_blocking             (const char         *name,
                                               GVariant           *params,
                                               GCancellable       *cancellable,
                                               UbJobProgressFunc   progress,
                                               gpointer            user_data,
                                               GError            **error);
void          ub_job_get_blocking_stats       (UbJobBlockingStats *out);

GCancellable *ub_job_context_get_cancellable  (UbJobContext       *context);
gboolean      ub_job_context_should_report    (UbJobContext       *context);
void          ub_job_context_report_progress  (UbJobContext       *context,
                                               GVariant           *progress);
gboolean      ub_job_context_is_blocking      (UbJobContext       *context);
void          ub_job_context_set_resumable    (UbJobContext       *context);
gboolean      ub_job_context_checkpoint_due   (UbJobContext       *context);
void          ub_job_context_checkpoint_saved (UbJobContext       *context);

guint         ub_jobs_request_checkpoint      (void);
gboolean      ub_jobs_checkpoint_acked        (guint               request);

G_END_DECLS
