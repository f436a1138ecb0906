/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "ub-image-item.h"

G_BEGIN_DECLS

/* The side of the square a tile draws its thumbnail in, in logical pixels */
#define UB_IMAGE_TILE_ART_SIZE 180

#define UB_TYPE_IMAGE_TILE (ub_image_tile_get_type ())

G_DECLARE_FINAL_TYPE (UbImageTile, ub_image_tile, UB, IMAGE_TILE, GtkWidget)

GtkWidget   *ub_image_tile_new           (void);
UbImageItem *ub_image_tile_get_item      (UbImageTile *self);
void         ub_image_tile_set_item      (UbImageTile *self,
                                          UbImageItem *item);
GdkTexture  *ub_image_tile_get_thumbnail (UbImageTile *self);

G_END_DECLS
