/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * UbPngFormat:
 * @UB_PNG_FORMAT_RGBA8: rows of R, G, B, A bytes; written as RGBA
 * @UB_PNG_FORMAT_RGB8: rows of R, G, B bytes; written as RGB
 * @UB_PNG_FORMAT_RGBX8: rows of R, G, B, A bytes; A is dropped, written as RGB
 *
 * The layout of the rows handed to the encoder.
 */
typedef enum
{
  UB_PNG_FORMAT_RGBA8,
  UB_PNG_FORMAT_RGB8,
  UB_PNG_FORMAT_RGBX8,
} UbPngFormat;

/**
 * UbPngFilter:
 * @UB_PNG_FILTER_NONE: no filter
 * @UB_PNG_FILTER_SUB: left neighbour
 * @UB_PNG_FILTER_UP: upper neighbour (fast both ways: the cheapest to undo
 *   when decoding, and on photographs as small as %UB_PNG_FILTER_SUB)
 * @UB_PNG_FILTER_AVERAGE: average of left and up
 * @UB_PNG_FILTER_PAETH: Paeth predictor
 * @UB_PNG_FILTER_ADAPTIVE: libpng picks per row among all five (slowest)
 */
typedef enum
{
  UB_PNG_FILTER_NONE,
  UB_PNG_FILTER_SUB,
  UB_PNG_FILTER_UP,
  UB_PNG_FILTER_AVERAGE,
  UB_PNG_FILTER_PAETH,
  UB_PNG_FILTER_ADAPTIVE,
} UbPngFilter;

/**
 * UbPngEncodeOptions:
 * @compression_level: zlib level, 0 (store) to 9 (smallest)
 * @filter: the row filter
 * @text: (nullable) (array zero-terminated=1): keyword, text, keyword,
 *   text… written as tEXt chunks before the pixels, in Latin-1; %NULL
 *   for none
 *
 * The defaults (level 2, %UB_PNG_FILTER_UP) favour speed: large images
 * are written often (samples, screenshots) and read back locally.
 */
typedef struct
{
  int                 compression_level;
  UbPngFilter         filter;
  const char * const *text;
} UbPngEncodeOptions;

/**
 * UbPngWriter:
 *
 * Writes a PNG row by row, to a file or to memory, so that the whole image
 * never needs to exist at once. A file is written to a temporary file in
 * the same directory and renamed over the destination by
 * ub_png_writer_finish(): readers see the old file or the complete new
 * one, never a partial one, and a writer freed before finishing (or one
 * that failed) leaves nothing behind. A writer belongs to one thread.
 */
typedef struct _UbPngWriter UbPngWriter;

void         ub_png_encode_options_init_default (UbPngEncodeOptions *options);

UbPngWriter *ub_png_writer_new_file     (const char                *path,
                                         guint32                    width,
                                         guint32                    height,
                                         UbPngFormat                format,
                                         const UbPngEncodeOptions  *options,
                                         GError                   **error);
UbPngWriter *ub_png_writer_new_memory   (guint32                    width,
                                         guint32                    height,
                                         UbPngFormat                format,
                                         const UbPngEncodeOptions  *options,
                                         GError                   **error);
gboolean     ub_png_writer_write_rows   (UbPngWriter               *writer,
                                         const guint8              *rows,
                                         guint32                    n_rows,
                                         gsize                      stride,
                                         GError                   **error);
gboolean     ub_png_writer_finish       (UbPngWriter               *writer,
                                         GError                   **error);
GBytes      *ub_png_writer_finish_bytes (UbPngWriter               *writer,
                                         GError                   **error);
void         ub_png_writer_free         (UbPngWriter               *writer);

gboolean     ub_png_encode_file         (const char                *path,
                                         const guint8              *pixels,
                                         guint32                    width,
                                         guint32                    height,
                                         gsize                      stride,
                                         UbPngFormat                format,
                                         const UbPngEncodeOptions  *options,
                                         GCancellable              *cancellable,
                                         GError                   **error);
GBytes      *ub_png_encode_bytes        (const guint8              *pixels,
                                         guint32                    width,
                                         guint32                    height,
                                         gsize                      stride,
                                         UbPngFormat                format,
                                         const UbPngEncodeOptions  *options,
                                         GCancellable              *cancellable,
                                         GError                   **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UbPngWriter, ub_png_writer_free)

G_END_DECLS
