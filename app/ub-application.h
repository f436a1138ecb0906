/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define UB_TYPE_APPLICATION (ub_application_get_type ())

G_DECLARE_FINAL_TYPE (UbApplication, ub_application, UB, APPLICATION, GtkApplication)

UbApplication *ub_application_new             (void);
gboolean       ub_application_get_blocking    (UbApplication *self);
int            ub_application_get_exit_status (UbApplication *self);

G_END_DECLS
