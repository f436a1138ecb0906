/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "ub-image-canvas.h"

G_BEGIN_DECLS

#define UB_TYPE_IMAGE_VIEWER (ub_image_viewer_get_type ())

G_DECLARE_FINAL_TYPE (UbImageViewer, ub_image_viewer, UB, IMAGE_VIEWER, GtkWindow)

GtkWidget         *ub_image_viewer_new           (const char         *path,
                                                  gboolean            blocking);
GtkWidget         *ub_image_viewer_new_for_list  (const char * const *paths,
                                                  guint               position,
                                                  gboolean            blocking);
UbImageCanvas     *ub_image_viewer_get_canvas    (UbImageViewer      *self);
GtkScrolledWindow *ub_image_viewer_get_scroller  (UbImageViewer      *self);
double             ub_image_viewer_get_zoom      (UbImageViewer      *self);
double             ub_image_viewer_get_progress  (UbImageViewer      *self);
gboolean           ub_image_viewer_is_loaded     (UbImageViewer      *self);
const char        *ub_image_viewer_get_error     (UbImageViewer      *self);
const char        *ub_image_viewer_get_path      (UbImageViewer      *self);

G_END_DECLS
