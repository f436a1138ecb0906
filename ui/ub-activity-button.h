/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ub-run-manager.h"

G_BEGIN_DECLS

#define UB_TYPE_ACTIVITY_BUTTON (ub_activity_button_get_type ())

G_DECLARE_FINAL_TYPE (UbActivityButton, ub_activity_button, UB, ACTIVITY_BUTTON, GtkWidget)

GtkWidget    *ub_activity_button_new            (void);
void          ub_activity_button_set_manager    (UbActivityButton *self,
                                                 UbRunManager     *manager);
void          ub_activity_button_set_page_names (UbActivityButton *self,
                                                 AdwViewStack     *stack);
gboolean      ub_activity_button_is_indicating  (UbActivityButton *self);
void          ub_activity_button_popup          (UbActivityButton *self);
void          ub_activity_button_popdown        (UbActivityButton *self);
guint         ub_activity_button_get_n_rows     (UbActivityButton *self);
UbRun        *ub_activity_button_get_row_run    (UbActivityButton *self,
                                                 guint             index);
double        ub_activity_button_get_row_fraction (UbActivityButton *self,
                                                   guint             index);
const char   *ub_activity_button_get_row_title  (UbActivityButton *self,
                                                 guint             index);
const char   *ub_activity_button_get_row_state  (UbActivityButton *self,
                                                 guint             index);
void          ub_activity_button_cancel_row     (UbActivityButton *self,
                                                 guint             index);

G_END_DECLS
