/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ub-run.h"

G_BEGIN_DECLS

#define UB_TYPE_RUN_MANAGER (ub_run_manager_get_type ())

G_DECLARE_FINAL_TYPE (UbRunManager, ub_run_manager, UB, RUN_MANAGER, GObject)

UbRunManager *ub_run_manager_new          (void);
UbRunManager *ub_run_manager_get_default  (void);
void          ub_run_manager_add          (UbRunManager *self,
                                           UbRun        *run);
UbRun        *ub_run_manager_dup_run      (UbRunManager *self,
                                           const char   *key);
guint         ub_run_manager_get_n_active (UbRunManager *self);
void          ub_run_manager_checkpoint   (UbRunManager *self);
void          ub_run_manager_stop_all     (UbRunManager *self);
gboolean      ub_run_manager_claim_offer  (UbRunManager *self,
                                           const char   *key);

G_END_DECLS
