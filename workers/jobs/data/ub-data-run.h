/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ub-data-jobs.h"
#include "ub-run.h"

G_BEGIN_DECLS

#define UB_DATA_RUN_KEY "data"

#define UB_TYPE_DATA_RUN (ub_data_run_get_type ())

G_DECLARE_FINAL_TYPE (UbDataRun, ub_data_run, UB, DATA_RUN, UbRun)

UbDataRun  *ub_data_run_new             (UbDataMode   mode,
                                         const char  *input_path,
                                         GBytes      *text,
                                         guint64      random_size,
                                         const char  *output_path,
                                         gboolean     blocking);
UbDataRun  *ub_data_run_new_from_saved  (gboolean     blocking,
                                         char       **offer);
void        ub_data_run_forget_saved    (void);
char       *ub_data_run_dup_output_path (UbDataMode   mode);
char       *ub_data_run_dup_cache_dir   (void);
const char *ub_data_run_get_start_over_reason (UbDataRun *self);
UbDataMode  ub_data_run_get_mode        (UbDataRun   *self);
const char *ub_data_run_get_input_path  (UbDataRun   *self);
const char *ub_data_run_get_output_path (UbDataRun   *self);
gboolean    ub_data_run_is_generating   (UbDataRun   *self);
GVariant   *ub_data_run_get_result      (UbDataRun   *self);
gint64      ub_data_run_get_input_size  (UbDataRun   *self);

G_END_DECLS
