/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "ub-png-pool.h"

G_BEGIN_DECLS

/**
 * UbPngImage:
 * @pixels: straight (not premultiplied) RGBA, 8 bits per sample, row-major
 * @size: bytes in @pixels (@stride × @height)
 * @width: in pixels
 * @height: in pixels
 * @stride: bytes per row, always 4 × @width
 *
 * A decoded image. The pixel layout is GDK_MEMORY_R8G8B8A8. The buffer
 * comes from a #UbPngPool and goes back to it on ub_png_image_free(), or
 * can be taken over without a copy by ub_png_image_steal_bytes() or
 * ub_png_image_steal_pixels(). An image belongs to one thread at a time;
 * it may be handed to another thread whole.
 */
typedef struct
{
  guint8  *pixels;
  gsize    size;
  guint32  width;
  guint32  height;
  gsize    stride;

  /*< private >*/
  UbPngPool *pool; /* (owned) (nullable) */
} UbPngImage;

UbPngImage *ub_png_image_new          (guint32          width,
                                       guint32          height,
                                       UbPngPool       *pool);
void        ub_png_image_free         (UbPngImage      *image);
GBytes     *ub_png_image_steal_bytes  (UbPngImage      *image);
guint8     *ub_png_image_steal_pixels (UbPngImage      *image,
                                       gsize           *out_size,
                                       GDestroyNotify  *out_free_func,
                                       gpointer        *out_free_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UbPngImage, ub_png_image_free)

G_END_DECLS
