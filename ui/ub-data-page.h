/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ub-page.h"

#include "ub-data-job.h"

G_BEGIN_DECLS

typedef enum
{
  UB_DATA_PAGE_IDLE,
  UB_DATA_PAGE_GENERATING,
  UB_DATA_PAGE_RUNNING,
  UB_DATA_PAGE_DONE,
} UbDataPageState;

#define UB_TYPE_DATA_PAGE (ub_data_page_get_type ())

G_DECLARE_FINAL_TYPE (UbDataPage, ub_data_page, UB, DATA_PAGE, UbPage)

GtkWidget       *ub_data_page_new             (void);
UbDataPageState  ub_data_page_get_state       (UbDataPage *self);
void             ub_data_page_set_input       (UbDataPage *self,
                                               const char *path,
                                               guint       random_mib,
                                               UbDataMode  mode);
void             ub_data_page_set_text        (UbDataPage *self,
                                               const char *text);
const char      *ub_data_page_get_digest      (UbDataPage *self);
const char      *ub_data_page_get_output_path (UbDataPage *self);
void             ub_data_page_set_output      (UbDataPage *self,
                                               const char *path);
char            *ub_data_page_dup_preview     (UbDataPage *self);
const char      *ub_data_page_get_error       (UbDataPage *self);
void             ub_data_page_get_progress    (UbDataPage *self,
                                               guint64    *done,
                                               gint64     *total);
gboolean         ub_data_page_get_cache_size  (UbDataPage *self,
                                               guint64    *size);

G_END_DECLS
