/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ub-job.h"

G_BEGIN_DECLS

/*
 * PNG jobs. Pixels come back as straight RGBA8, tightly packed (stride =
 * 4 × width), in an "ay" that owns the decoder's own buffer: the array is
 * built around the buffer without copying it, crosses the port by
 * reference, and g_variant_get_data_as_bytes() hands the very same memory
 * to a GdkMemoryTexture. The buffer goes back to the decoder's pool when
 * the last reference is dropped.
 *
 * "png.thumbnail" (su): path, largest side
 *   → (uuuuay): width, height, the original's width and height, pixels;
 *   found in and kept in the desktop's thumbnail cache when the process
 *   set one with ub_png_jobs_set_thumbnail_cache() and the side is one
 *   of the cache's sizes (see ub-png-thumbnail-cache.h)
 * "png.decode" (s): path
 *   → (uuay): width, height, pixels
 *   progress (d): the fraction decoded
 * "png.levels" (s): path
 *   → (uua(uuay)): width, height, then the levels of ub_png_levels_build(),
 *   largest first, each as width, height and premultiplied B, G, R, A
 *   pixels (GDK_MEMORY_B8G8R8A8_PREMULTIPLIED), stride 4 × width
 *   progress (d): the fraction done
 * "png.sample" (suut): path, width, height, seed
 *   → (t): the file's size; writes a photo-like sample image, atomically
 */

#define UB_PNG_JOB_THUMBNAIL      "png.thumbnail"
#define UB_PNG_JOB_THUMBNAIL_TYPE "(su)"
#define UB_PNG_JOB_DECODE         "png.decode"
#define UB_PNG_JOB_DECODE_TYPE    "(s)"
#define UB_PNG_JOB_LEVELS         "png.levels"
#define UB_PNG_JOB_LEVELS_TYPE    "(s)"
#define UB_PNG_JOB_SAMPLE         "png.sample"
#define UB_PNG_JOB_SAMPLE_TYPE    "(suut)"

void ub_png_jobs_register            (void);
void ub_png_jobs_set_thumbnail_cache (const char *root);

G_END_DECLS
