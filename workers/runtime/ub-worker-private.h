/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* UbWorker's internals, for the port and the runtime registry. Not
 * installed; not part of the public API. */

#include "ub-runtime.h"
#include "ub-worker.h"

G_BEGIN_DECLS

/* For the runtime snapshot, with the registry's lock held; safe from any
 * thread while @self is alive. Fills every field of @info. */
void     _ub_worker_get_info_locked (UbWorker            *self,
                                     UbRuntimeWorkerInfo *info);

G_END_DECLS
