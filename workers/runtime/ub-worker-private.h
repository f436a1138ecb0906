/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* UbWorker's internals, for the port and the runtime registry. Not
 * installed; not part of the public API. */

#include "ub-worker.h"

G_BEGIN_DECLS

/* For the runtime snapshot; safe from any thread while @self is alive. */
void     _ub_worker_get_info  (UbWorker       *self,
                               const char    **kind,
                               UbWorkerState  *state,
                               guint          *n_pending);

G_END_DECLS
