/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* UbWorker's internals, for the port and the runtime registry. Not
 * installed; not part of the public API. */

#include "ub-worker.h"

G_BEGIN_DECLS

/* Threads started by UbWorker may wait on a full bounded channel; others
 * (the UI thread above all) get UB_ERROR_FULL instead. */
gboolean _ub_thread_may_block (void);

/* For the runtime snapshot; safe from any thread while @self is alive. */
void     _ub_worker_get_info  (UbWorker       *self,
                               const char    **kind,
                               UbWorkerState  *state,
                               guint          *n_pending);

G_END_DECLS
