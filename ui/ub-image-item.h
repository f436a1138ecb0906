/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum
{
  UB_IMAGE_QUEUED,
  UB_IMAGE_DECODING,
  UB_IMAGE_DONE,
  UB_IMAGE_ERROR,
} UbImageState;

#define UB_TYPE_IMAGE_ITEM (ub_image_item_get_type ())

G_DECLARE_FINAL_TYPE (UbImageItem, ub_image_item, UB, IMAGE_ITEM, GObject)

UbImageItem  *ub_image_item_new           (const char   *path);
const char   *ub_image_item_get_path      (UbImageItem  *self);
const char   *ub_image_item_get_name      (UbImageItem  *self);
UbImageState  ub_image_item_get_state     (UbImageItem  *self);
const char   *ub_image_item_get_error     (UbImageItem  *self);
GdkTexture   *ub_image_item_get_thumbnail (UbImageItem  *self);
void          ub_image_item_get_size      (UbImageItem  *self,
                                           guint        *width,
                                           guint        *height);
char         *ub_image_item_dup_status    (UbImageItem  *self);

void          ub_image_item_set_queued    (UbImageItem  *self);
void          ub_image_item_set_decoding  (UbImageItem  *self);
void          ub_image_item_set_thumbnail (UbImageItem  *self,
                                           GdkTexture   *texture,
                                           guint         width,
                                           guint         height);
void          ub_image_item_set_error     (UbImageItem  *self,
                                           const char   *message);

G_END_DECLS
