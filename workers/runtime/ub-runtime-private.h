/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The process-wide registry of ports and workers (ub-runtime.c), fed by
 * the port and the worker. Not installed; not part of the public API. */

#include "ub-port-private.h"

G_BEGIN_DECLS

/* The registry lock also protects every label. */
void  _ub_runtime_lock               (void);
void  _ub_runtime_unlock             (void);
void  _ub_runtime_add_endpoint       (UbEndpoint  *ep,
                                      char        *label);
void  _ub_runtime_remove_endpoint    (UbEndpoint  *ep);
char *_ub_runtime_dup_endpoint_label (UbEndpoint  *ep);
void  _ub_runtime_set_endpoint_label (UbEndpoint  *ep,
                                      const char  *label);
void  _ub_runtime_add_worker         (GObject     *worker);
void  _ub_runtime_remove_worker      (GObject     *worker);
void  _ub_runtime_thread_started     (void);
void  _ub_runtime_thread_joined      (void);

/* Any thread but the main one may wait on a full bounded channel; the
 * main thread (the UI's) gets UB_ERROR_FULL instead. */
gboolean _ub_runtime_thread_may_block (void);

G_END_DECLS
