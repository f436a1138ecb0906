/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ub-activity-button.h"
#include "ub-meter.h"

G_BEGIN_DECLS

#define UB_TYPE_WINDOW (ub_window_get_type ())

G_DECLARE_FINAL_TYPE (UbWindow, ub_window, UB, WINDOW, AdwApplicationWindow)

UbWindow   *ub_window_new          (GtkApplication *application);
UbMeter    *ub_window_get_meter    (UbWindow       *self);
UbActivityButton *ub_window_get_activity_button (UbWindow *self);
GtkWidget  *ub_window_get_page     (UbWindow       *self,
                                    const char     *name);
GtkWidget  *ub_window_get_visible_page      (UbWindow   *self);
const char *ub_window_get_visible_page_name (UbWindow   *self);
gboolean    ub_window_show_page    (UbWindow       *self,
                                    const char     *name);
void        ub_window_show_last_page (UbWindow     *self);
void        ub_window_show_message (UbWindow   *self,
                                    const char *message);
const char *ub_window_get_message  (UbWindow   *self);
void        ub_window_resume_saved (UbWindow   *self);
void        ub_window_save_views   (UbWindow   *self);
void        ub_window_restore_views (UbWindow  *self);
gboolean    ub_window_is_closing   (UbWindow   *self);
gboolean    ub_window_was_closed   (UbWindow   *self);

G_END_DECLS
