/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ub-data-page.h"
#include "ub-data-run.h"

G_BEGIN_DECLS

/*
 * The Data page's struct, shared by ub-data-page.c (the form, the run, the
 * preview), ub-data-output.c (where the result goes: the destination,
 * Save Result As…, the toast that says it was written) and ub-data-cache.c
 * (the cache folder: its size, Clear…).
 */
struct _UbDataPage
{
  UbPage           parent_instance;

  /* Template widgets */
  AdwComboRow     *input_dropdown;
  AdwComboRow     *op_dropdown;
  AdwActionRow    *output_row;
  AdwActionRow    *cache_row;
  GtkStack        *input_stack;
  GtkLabel        *input_label;
  GtkSpinButton   *size_spin;
  GtkTextView     *input_view;
  GtkLabel        *result_label;
  GtkTextView     *preview_view;

  /* Owned references */
  GtkNativeDialog *chooser;
  GCancellable    *save_cancellable;
  char            *input_path;
  char            *output_path; /* (nullable): the chosen destination; NULL: the cache */
  UbRun           *shown;       /* (nullable): the run whose result is shown */
  GCancellable    *cache_cancellable; /* (nullable): the measuring of the cache */

  /* The cache folder (ub-data-cache.c) */
  guint64          cache_bytes;
  gboolean         cache_measured;
  gboolean         clearing;
  gpointer         measured_run;   /* compared only, never dereferenced */
  UbRunState       measured_state;

  /* The last restore_run() gave a fresh run: saved work that did not fit */
  gboolean         offer_start_over;
};

UbDataRun *_ub_data_page_current_run      (UbDataPage     *self);
void       _ub_data_page_output_class_init (GtkWidgetClass *widget_class);
char      *_ub_data_page_dup_output_path  (UbDataPage     *self,
                                           UbDataMode      mode);
void       _ub_data_page_update_output    (UbDataPage     *self,
                                           UbRun          *run);
void       _ub_data_page_result_shown     (UbDataPage     *self,
                                           UbDataRun      *run);
void       _ub_data_page_cache_class_init (GtkWidgetClass *widget_class);
void       _ub_data_page_measure_cache    (UbDataPage     *self);
void       _ub_data_page_update_cache     (UbDataPage     *self,
                                           UbRun          *run);
char      *_ub_data_page_take_chosen      (UbDataPage      *self,
                                           GtkNativeDialog *dialog,
                                           int              response,
                                           const char      *not_local);

G_END_DECLS
