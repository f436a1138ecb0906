/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define UB_IMAGE_LEVELS_TILE_SIZE 512

typedef struct _UbImageLevels UbImageLevels;

UbImageLevels *ub_image_levels_new            (guint32        image_width,
                                               guint32        image_height,
                                               GVariant      *levels,
                                               GError       **error);
void           ub_image_levels_free           (UbImageLevels *self);
guint32        ub_image_levels_get_width      (UbImageLevels *self);
guint32        ub_image_levels_get_height     (UbImageLevels *self);
guint          ub_image_levels_get_n_levels   (UbImageLevels *self);
void           ub_image_levels_get_size       (UbImageLevels *self,
                                               guint          level,
                                               guint         *width,
                                               guint         *height);
void           ub_image_levels_get_grid       (UbImageLevels *self,
                                               guint          level,
                                               guint         *n_columns,
                                               guint         *n_rows);
guint          ub_image_levels_pick           (UbImageLevels *self,
                                               double         screen_width,
                                               double         screen_height);
GdkTexture    *ub_image_levels_get_tile       (UbImageLevels *self,
                                               guint          level,
                                               guint          column,
                                               guint          row);
GdkTexture    *ub_image_levels_dup_level      (UbImageLevels *self,
                                               guint          level);
cairo_surface_t *ub_image_levels_create_surface (UbImageLevels *self,
                                               guint          level);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UbImageLevels, ub_image_levels_free)

G_END_DECLS
