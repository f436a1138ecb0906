/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "ub-image-levels.h"

G_BEGIN_DECLS

/* The side of a chunk, in device pixels. */
#define UB_IMAGE_CHUNKS_SIZE 256

typedef struct _UbImageChunks UbImageChunks;

UbImageChunks *ub_image_chunks_new            (void);
void           ub_image_chunks_free           (UbImageChunks *self);
void           ub_image_chunks_clear          (UbImageChunks *self);
void           ub_image_chunks_snapshot       (UbImageChunks *self,
                                               GtkSnapshot   *snapshot,
                                               UbImageLevels *levels,
                                               guint          level,
                                               double         zoom,
                                               int            device_scale,
                                               double         origin_x,
                                               double         origin_y,
                                               double         view_width,
                                               double         view_height);
guint          ub_image_chunks_get_n_drawn    (UbImageChunks *self);
guint          ub_image_chunks_get_n_rendered (UbImageChunks *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UbImageChunks, ub_image_chunks_free)

G_END_DECLS
