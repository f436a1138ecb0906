/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* UbRun's internals, shared between the object (ub-run.c), its parts'
 * calls (ub-run-parts.c) and its meter. Not installed; not part of the
 * public API. */

#include "ub-run.h"
#include "ub-run-meter-private.h"
#include "ub-worker-pool.h"

G_BEGIN_DECLS

/* Everything belongs to the thread that made the run. */
typedef struct
{
  /* Construct-only */
  char          *key;
  char          *unit;
  guint          n_parts;
  gboolean       blocking;

  char          *title;
  char          *phase;
  UbRunState     state;
  GError        *error;        /* (owned) (nullable): why it failed */

  /* Owned references */
  UbWorkerPool  *pool;         /* (nullable): made on the first launch */
  GCancellable  *cancellable;  /* (nullable): the current launch's */

  /* The current launch: replies of an older one are dropped */
  guint          generation;
  guint          n_launches;
  guint          n_running;
  gboolean      *part_done;    /* (owned) n_parts flags */

  /* Progress, rate and ETA */
  UbRunMeter     meter;
} UbRunPrivate;


/* ub-run.c */
UbRunPrivate *_ub_run_get_private   (UbRun      *self);
void          _ub_run_set_state     (UbRun      *self,
                                     UbRunState  state);
void          _ub_run_finish        (UbRun      *self,
                                     UbRunState  state);
void          _ub_run_emit_progress (UbRun      *self);

/* ub-run-parts.c */
void          _ub_run_launch        (UbRun      *self);
void          _ub_run_stop_calls    (UbRun      *self);
void          _ub_run_drop_pool     (UbRun      *self);

G_END_DECLS
