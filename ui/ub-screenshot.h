/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

GdkTexture *ub_screenshot_render   (GtkWidget  *widget,
                                    GError    **error);
gboolean    ub_screenshot_save     (GtkWidget  *widget,
                                    const char *path,
                                    GError    **error);
void        ub_screenshot_when_painted (GtkWidget           *widget,
                                        guint                n_frames,
                                        guint                min_delay_ms,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean    ub_screenshot_when_painted_finish (GtkWidget     *widget,
                                               GAsyncResult  *result,
                                               GError       **error);

G_END_DECLS
