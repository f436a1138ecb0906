/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ub-png-image.h"

G_BEGIN_DECLS

/**
 * UbPngLimits:
 * @max_width: widest image accepted
 * @max_height: tallest image accepted
 * @max_pixels: most pixels (width × height) accepted
 * @max_chunk_size: largest ancillary chunk libpng will buffer, in bytes
 * @max_chunk_cache: most ancillary chunks libpng will keep
 * @max_malloc: largest single allocation libpng may make, in bytes
 *
 * Limits against hostile files. They are checked as soon as the header is
 * read, before any pixel memory is allocated.
 */
typedef struct
{
  guint32 max_width;
  guint32 max_height;
  guint64 max_pixels;
  gsize   max_chunk_size;
  guint32 max_chunk_cache;
  gsize   max_malloc;
} UbPngLimits;

void ub_png_limits_init_default (UbPngLimits *limits);

/**
 * UbPngInfo:
 * @width: in pixels
 * @height: in pixels
 * @color_type: the PNG colour type (0, 2, 3, 4 or 6)
 * @bit_depth: 1, 2, 4, 8 or 16
 * @interlaced: whether the image is Adam7 interlaced
 * @has_alpha: whether the image has an alpha channel or a tRNS chunk
 *
 * What the header (IHDR, and tRNS when it comes before the pixels) says.
 */
typedef struct
{
  guint32  width;
  guint32  height;
  guint8   color_type;
  guint8   bit_depth;
  gboolean interlaced;
  gboolean has_alpha;
} UbPngInfo;

/**
 * UbPngProgressFunc:
 * @fraction: between 0 and 1
 * @user_data: closure
 *
 * Called on the decoding thread, at most every few rows.
 */
typedef void (*UbPngProgressFunc) (double   fraction,
                                   gpointer user_data);

gboolean    ub_png_read_info_file   (const char         *path,
                                     UbPngInfo          *info,
                                     GError            **error);
gboolean    ub_png_read_info_data   (const guint8       *data,
                                     gsize               size,
                                     UbPngInfo          *info,
                                     GError            **error);

UbPngImage *ub_png_decode_file      (const char         *path,
                                     const UbPngLimits  *limits,
                                     UbPngPool          *pool,
                                     GCancellable       *cancellable,
                                     UbPngProgressFunc   progress,
                                     gpointer            progress_data,
                                     GError            **error);
UbPngImage *ub_png_decode_data      (const guint8       *data,
                                     gsize               size,
                                     const UbPngLimits  *limits,
                                     UbPngPool          *pool,
                                     GCancellable       *cancellable,
                                     GError            **error);

UbPngImage *ub_png_thumbnail_file   (const char         *path,
                                     guint               max_size,
                                     const UbPngLimits  *limits,
                                     UbPngPool          *pool,
                                     GCancellable       *cancellable,
                                     GError            **error);
UbPngImage *ub_png_thumbnail_data   (const guint8       *data,
                                     gsize               size,
                                     guint               max_size,
                                     const UbPngLimits  *limits,
                                     UbPngPool          *pool,
                                     GCancellable       *cancellable,
                                     GError            **error);
void        ub_png_set_whole_inflate_max (gsize      bytes);

void        ub_png_thumbnail_size   (guint32             width,
                                     guint32             height,
                                     guint               max_size,
                                     guint32            *out_width,
                                     guint32            *out_height);

G_END_DECLS
