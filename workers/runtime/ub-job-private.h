/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Shared by the job registry (ub-job.c) and the blocking path
 * (ub-job-blocking.c). Not part of the public API. */

#include "ub-job.h"

G_BEGIN_DECLS

GVariant *_ub_job_run_here (const char         *name,
                            GVariant           *params,
                            GCancellable       *cancellable,
                            UbJobProgressFunc   progress,
                            gpointer            user_data,
                            GError            **error);

G_END_DECLS
