/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdint.h>

#include "ub-png.h"

/*
 * libFuzzer target for the PNG decoder: every input goes through the header
 * reader, the full decode and the streaming thumbnail, from memory. Limits
 * are lowered so that a fuzzer-made header cannot make one run slow; the
 * code paths are the same.
 */

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static UbPngPool *pool;
  UbPngLimits limits;
  UbPngInfo info;
  UbPngImage *image;

  if (pool == NULL)
    pool = ub_png_pool_new (16 << 20, 2);

  ub_png_limits_init_default (&limits);
  limits.max_pixels = 1 << 20;
  limits.max_chunk_size = 1 << 20;

  if (ub_png_read_info_data (data, size, &info, NULL))
    g_assert (info.width > 0 && info.height > 0);

  image = ub_png_decode_data (data, size, &limits, pool, NULL, NULL);
  if (image != NULL)
    {
      g_assert (image->stride == (gsize) image->width * 4);
      g_assert (image->size == image->stride * image->height);
      ub_png_image_free (image);
    }

  image = ub_png_thumbnail_data (data, size, 16, &limits, pool, NULL, NULL);
  ub_png_image_free (image);

  return 0;
}
