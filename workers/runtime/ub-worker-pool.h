/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ub-remote.h"
#include "ub-worker.h"

G_BEGIN_DECLS

#define UB_TYPE_WORKER_POOL (ub_worker_pool_get_type ())

G_DECLARE_FINAL_TYPE (UbWorkerPool, ub_worker_pool, UB, WORKER_POOL, GObject)

UbWorkerPool *ub_worker_pool_new           (const char           *kind,
                                            guint                 n_workers,
                                            GError              **error);
void          ub_worker_pool_set_name      (UbWorkerPool         *self,
                                            const char           *name);
guint         ub_worker_pool_get_n_workers (UbWorkerPool         *self);
UbWorker     *ub_worker_pool_get_worker    (UbWorkerPool         *self,
                                            guint                 index_);
UbWorker     *ub_worker_pool_pick          (UbWorkerPool         *self);
void          ub_worker_pool_terminate     (UbWorkerPool         *self);

void          ub_worker_pool_call_async    (UbWorkerPool         *self,
                                            const char           *method,
                                            GVariant             *params,
                                            GCancellable         *cancellable,
                                            UbRemoteProgressFunc  progress,
                                            gpointer              progress_data,
                                            GDestroyNotify        progress_destroy,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
GVariant     *ub_worker_pool_call_finish   (UbWorkerPool         *self,
                                            GAsyncResult         *result,
                                            GError              **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
