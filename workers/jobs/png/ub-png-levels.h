/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ub-png.h"
#include "ub-png-image.h"

G_BEGIN_DECLS

/*
 * A mipmap pyramid for showing a large image at any zoom: level 0 is the
 * image itself, each next level half the previous one (rounded up), box
 * filtered with alpha weighting by the thumbnail scaler, down to the first
 * level whose sides both fit in @min_size. The levels come out in the
 * layout a cairo image surface uses on a little-endian machine (B, G, R,
 * A bytes, premultiplied; GDK_MEMORY_B8G8R8A8_PREMULTIPLIED), so drawing
 * them needs no conversion. Plain memory: built by one thread, then
 * handed on whole.
 */

#define UB_PNG_LEVELS_MIN_SIZE 128

/*
 * An image of more pixels than this (256 MiB of RGBA) is never held at
 * full resolution: ub_png_levels_decode_file() decodes it row by row
 * straight into a level that fits UB_PNG_LEVELS_REDUCED_SIZE², a large
 * screen's worth, so that a small file declaring a huge image (a zlib
 * bomb) costs memory in proportion to the screen, not to its claim.
 */
#define UB_PNG_LEVELS_MAX_FULL_PIXELS ((guint64) 8192 * 8192)
#define UB_PNG_LEVELS_REDUCED_SIZE    4096

UbPngImage *ub_png_levels_decode_file (const char         *path,
                                       UbPngPool          *pool,
                                       GCancellable       *cancellable,
                                       UbPngProgressFunc   progress,
                                       gpointer            progress_data,
                                       UbPngInfo          *info,
                                       GError            **error);
GPtrArray *ub_png_levels_build         (UbPngImage    *image,
                                        guint32        min_size,
                                        UbPngPool     *pool,
                                        GCancellable  *cancellable,
                                        GError       **error);
void       ub_png_levels_size          (guint32        width,
                                        guint32        height,
                                        guint          level,
                                        guint32       *out_width,
                                        guint32       *out_height);
void       ub_png_image_premultiply_bgra (UbPngImage  *image);

G_END_DECLS
