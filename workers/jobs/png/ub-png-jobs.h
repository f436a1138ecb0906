/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ub-job.h"
#include "ub-png.h"

G_BEGIN_DECLS

/*
 * PNG jobs. Pixels come back as straight RGBA8, tightly packed (stride =
 * 4 × width), in an "ay" that owns the decoder's own buffer: the array is
 * built around the buffer without copying it, crosses the port by
 * reference, and the GBytes the parsers below return hand the very same
 * memory to a GdkMemoryTexture. The buffer goes back to the decoder's pool
 * when the last reference is dropped.
 *
 * Callers build parameters and read results with the functions below, so
 * that the type strings are spelled only here:
 *
 * "png.thumbnail" (su): path, largest side
 *   → (uuuuay): width, height, the original's width and height, pixels;
 *   found in and kept in the desktop's thumbnail cache when the process
 *   set one with ub_png_jobs_set_thumbnail_cache() and the side is one
 *   of the cache's sizes (see ub-png-thumbnail-cache.h)
 * "png.screen-thumbnail" (su): path, largest side as drawn (device pixels)
 *   → (uuuuay), as "png.thumbnail" but premultiplied B, G, R, A
 *   (GDK_MEMORY_B8G8R8A8_PREMULTIPLIED), reduced from the thumbnail of the
 *   cache's size class above the drawn side: drawing it scales and
 *   converts nothing
 * "png.decode" (s): path
 *   → (uuay): width, height, pixels
 *   progress (d): the fraction decoded
 * "png.levels" (s): path
 *   → (uua(uuay)): the image's width and height, then the levels of
 *   ub_png_levels_build(), largest first (the first is smaller than the
 *   image when ub_png_levels_decode_file() reduced it), each as width, height and premultiplied B, G, R, A
 *   pixels (GDK_MEMORY_B8G8R8A8_PREMULTIPLIED), stride 4 × width
 *   progress (d): the fraction done
 * "png.sample" (suut): path, width, height, seed
 *   → (t): the file's size; writes a photo-like sample image, atomically
 * "png.info" (s): path
 *   → (uuyybb): what the header says (see #UbPngInfo)
 * "png.check" (s): path
 *   → (u): the number of chunks; fails unless every chunk, its CRC and the
 *   image data are whole (see ub_png_check_file())
 * "png.encode" (suuay): path, width, height, RGBA8 pixels (stride 4 × width)
 *   → (t): the file's size; writes the PNG atomically
 */

#define UB_PNG_JOB_THUMBNAIL      "png.thumbnail"
#define UB_PNG_JOB_THUMBNAIL_TYPE "(su)"
#define UB_PNG_JOB_SCREEN_THUMBNAIL      "png.screen-thumbnail"
#define UB_PNG_JOB_SCREEN_THUMBNAIL_TYPE "(su)"
#define UB_PNG_JOB_DECODE         "png.decode"
#define UB_PNG_JOB_DECODE_TYPE    "(s)"
#define UB_PNG_JOB_LEVELS         "png.levels"
#define UB_PNG_JOB_LEVELS_TYPE    "(s)"
#define UB_PNG_JOB_SAMPLE         "png.sample"
#define UB_PNG_JOB_SAMPLE_TYPE    "(suut)"
#define UB_PNG_JOB_INFO           "png.info"
#define UB_PNG_JOB_INFO_TYPE      "(s)"
#define UB_PNG_JOB_CHECK          "png.check"
#define UB_PNG_JOB_CHECK_TYPE     "(s)"
#define UB_PNG_JOB_ENCODE         "png.encode"
#define UB_PNG_JOB_ENCODE_TYPE    "(suuay)"

void      ub_png_jobs_register            (void);
void      ub_png_jobs_set_thumbnail_cache (const char  *root);

GVariant *ub_png_thumbnail_params_new     (const char  *path,
                                           guint        max_size);
GVariant *ub_png_screen_thumbnail_params_new (const char *path,
                                              guint       drawn_size);
void      ub_png_thumbnail_result_parse   (GVariant    *result,
                                           guint32     *width,
                                           guint32     *height,
                                           guint32     *full_width,
                                           guint32     *full_height,
                                           GBytes     **pixels);

GVariant *ub_png_decode_params_new        (const char  *path);
void      ub_png_decode_result_parse      (GVariant    *result,
                                           guint32     *width,
                                           guint32     *height,
                                           GBytes     **pixels);
double    ub_png_progress_parse           (GVariant    *progress);

GVariant *ub_png_levels_params_new        (const char  *path);
void      ub_png_levels_result_parse      (GVariant    *result,
                                           guint32     *width,
                                           guint32     *height,
                                           GVariant   **levels);
gsize     ub_png_levels_get_n_levels      (GVariant    *levels);
void      ub_png_levels_get_level         (GVariant    *levels,
                                           gsize        index_,
                                           guint32     *width,
                                           guint32     *height,
                                           GBytes     **pixels);

GVariant *ub_png_sample_params_new        (const char  *path,
                                           guint32      width,
                                           guint32      height,
                                           guint64      seed);
guint64   ub_png_sample_result_parse      (GVariant    *result);

GVariant *ub_png_info_params_new          (const char  *path);
GVariant *ub_png_check_params_new         (const char  *path);
guint     ub_png_check_result_parse       (GVariant    *result);
void      ub_png_info_result_parse        (GVariant    *result,
                                           UbPngInfo   *info);

GVariant *ub_png_encode_params_new        (const char  *path,
                                           guint32      width,
                                           guint32      height,
                                           GBytes      *pixels);
guint64   ub_png_encode_result_parse      (GVariant    *result);

G_END_DECLS
