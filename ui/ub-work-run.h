/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ub-run.h"

G_BEGIN_DECLS

#define UB_TYPE_WORK_RUN (ub_work_run_get_type ())

G_DECLARE_FINAL_TYPE (UbWorkRun, ub_work_run, UB, WORK_RUN, UbRun)

UbWorkRun *ub_work_run_new      (const char     *key,
                                 const char     *title,
                                 const char     *unit,
                                 gboolean        blocking);
UbWorkRun *ub_work_run_add      (const char     *key,
                                 const char     *title,
                                 const char     *unit,
                                 guint64         total,
                                 gboolean        blocking);
void       ub_work_run_hold     (UbWorkRun      *self,
                                 gpointer        work,
                                 GDestroyNotify  destroy);

G_END_DECLS
