/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-data-jobs.h"
#include "ub-data-stream-job.h"
#include "ub-job.h"
#include "ub-jobs.h"
#include "ub-pipeline.h"
#include "ub-png-jobs.h"
#include "ub-primes-job.h"

/*
 * The catalogue: the one place that names every job Unblock has. The
 * runtime's registry knows jobs only by the names registered here, so
 * adding a job means writing its folder under jobs/ and one line below.
 */

/**
 * ub_jobs_register_all:
 *
 * Registers every job and the "jobs" worker kind that runs them. Call once
 * at start-up (the application's startup, the CLI's main, a test's main),
 * before creating a worker; safe to repeat.
 */
void
ub_jobs_register_all (void)
{
  static gsize registered = 0;

  if (g_once_init_enter (&registered))
    {
      ub_primes_job_register ();
      ub_data_jobs_register ();
      ub_data_stream_job_register ();
      ub_png_jobs_register ();
      ub_pipeline_register ();
      ub_pipeline_job_register ();
      ub_jobs_register_worker_kind ();
      g_once_init_leave (&registered, 1);
    }
}
