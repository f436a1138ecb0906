/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "ub-image-levels.h"

G_BEGIN_DECLS

#define UB_TYPE_IMAGE_CANVAS (ub_image_canvas_get_type ())

G_DECLARE_FINAL_TYPE (UbImageCanvas, ub_image_canvas, UB, IMAGE_CANVAS, GtkWidget)

#define UB_IMAGE_CANVAS_TILE_SIZE UB_IMAGE_LEVELS_TILE_SIZE

GtkWidget  *ub_image_canvas_new               (void);
void        ub_image_canvas_set_levels        (UbImageCanvas *self,
                                               guint32        width,
                                               guint32        height,
                                               GVariant      *levels);
void        ub_image_canvas_clear             (UbImageCanvas *self);
gboolean    ub_image_canvas_has_image         (UbImageCanvas *self);
guint       ub_image_canvas_get_n_levels      (UbImageCanvas *self);
GdkTexture *ub_image_canvas_dup_level         (UbImageCanvas *self,
                                               guint          level);

double      ub_image_canvas_get_zoom          (UbImageCanvas *self);
gboolean    ub_image_canvas_get_fit           (UbImageCanvas *self);
void        ub_image_canvas_set_fit           (UbImageCanvas *self);
void        ub_image_canvas_zoom_at           (UbImageCanvas *self,
                                               double         zoom,
                                               double         x,
                                               double         y);
void        ub_image_canvas_zoom_centred      (UbImageCanvas *self,
                                               double         zoom);
void        ub_image_canvas_widget_to_image   (UbImageCanvas *self,
                                               double         x,
                                               double         y,
                                               double        *image_x,
                                               double        *image_y);

guint       ub_image_canvas_get_drawn_level   (UbImageCanvas *self);
guint       ub_image_canvas_get_n_drawn_tiles (UbImageCanvas *self);
guint       ub_image_canvas_get_n_scaled_chunks (UbImageCanvas *self);
guint       ub_image_canvas_get_n_tiles       (UbImageCanvas *self,
                                               guint          level);

G_END_DECLS
