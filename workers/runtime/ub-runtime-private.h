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
guint _ub_runtime_get_endpoint_id    (UbEndpoint  *ep);
void  _ub_runtime_set_label_by_id    (guint        id,
                                      const char  *label);
void  _ub_runtime_note_entangled     (UbEndpoint  *ep1,
                                      UbEndpoint  *ep2);
void  _ub_runtime_set_endpoint_broadcast (UbEndpoint *ep,
                                      const char  *name);
void  _ub_runtime_add_worker         (GObject     *worker);
void  _ub_runtime_remove_worker      (GObject     *worker);
void  _ub_runtime_thread_started     (void);
void  _ub_runtime_thread_joined      (void);

/* The id of the worker the calling thread runs, 0 on any other thread
 * (the main thread's ports have owner 0). Set once by the worker thread. */
guint _ub_runtime_get_thread_worker  (void);
void  _ub_runtime_set_thread_worker  (guint        worker_id);

/* Any thread but the main one may wait on a full bounded channel; the
 * main thread (the UI's) gets UB_ERROR_FULL instead. */
gboolean _ub_runtime_thread_may_block (void);

G_END_DECLS
