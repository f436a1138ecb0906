/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

void      ub_ui_init                  (void);
void      ub_widget_unparent_children (GtkWidget  *widget);
AdwToast *ub_toast_new                (const char *title);
AdwToast *ub_toast_new_for_file       (const char *title,
                                       GFile      *file);
void      ub_widget_add_toast         (GtkWidget  *widget,
                                       AdwToast   *toast);
void      ub_widget_toast_written     (GtkWidget  *widget,
                                       gpointer    about,
                                       const char *title,
                                       const char *path);
GSettings *ub_ui_dup_settings         (void);
void       ub_ui_remember_folder      (const char *path);
GMenuModel *ub_ui_recent_folders_menu_new (void);
void       ub_ui_use_memory_settings  (void);
GtkDropTarget *ub_file_drop_target_new (void);
GSList        *ub_file_drop_get_files  (const GValue *value);

G_END_DECLS
