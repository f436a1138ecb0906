/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "ub-png-levels.h"
#include "ub-png-scaler.h"

/**
 * ub_png_levels_size:
 * @level: 0 for the image itself
 *
 * The size of a level of a @width × @height image: each level halves the
 * previous one, rounding up, so that no source pixel is lost.
 */
void
ub_png_levels_size (guint32  width,
                    guint32  height,
                    guint    level,
                    guint32 *out_width,
                    guint32 *out_height)
{
  for (guint i = 0; i < level; i++)
    {
      width = (width + 1) / 2;
      height = (height + 1) / 2;
    }
  *out_width = width;
  *out_height = height;
}

/**
 * ub_png_image_premultiply_bgra:
 * @image: straight RGBA8
 *
 * Rewrites @image in place as premultiplied B, G, R, A bytes.
 */
void
ub_png_image_premultiply_bgra (UbPngImage *image)
{
  for (guint32 y = 0; y < image->height; y++)
    {
      guint8 *p = image->pixels + (gsize) y * image->stride;

      for (guint32 x = 0; x < image->width; x++, p += 4)
        {
          guint a = p[3];
          guint r = (p[0] * a + 127) / 255;
          guint g = (p[1] * a + 127) / 255;
          guint b = (p[2] * a + 127) / 255;

          p[0] = b;
          p[1] = g;
          p[2] = r;
        }
    }
}

/* The next level down, from the straight pixels of @src. */
static UbPngImage *
half_of (const UbPngImage *src,
         UbPngPool        *pool,
         GError          **error)
{
  UbPngImage *dst;
  guint32 width, height;

  ub_png_levels_size (src->width, src->height, 1, &width, &height);
  dst = ub_png_scale_image (src, width, height, pool);
  if (dst == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                 _("Not enough memory for a %u × %u level"), width, height);
  return dst;
}

/**
 * ub_png_levels_decode_file:
 * @path: a PNG file
 * @pool: (nullable): where the pixel buffer comes from
 * @cancellable: (nullable): checked between rows
 * @progress: (nullable): called on this thread as the rows come in
 * @progress_data: its closure
 * @info: (out): what the file's header says, the image's size at full
 *   resolution included
 * @error: return location for a #GError
 *
 * Decodes the largest level worth holding: the image itself when it has
 * at most UB_PNG_LEVELS_MAX_FULL_PIXELS pixels, else a reduction to fit
 * UB_PNG_LEVELS_REDUCED_SIZE², made as the rows stream in so that the
 * full-size pixels are never held. An interlaced image that large cannot
 * be reduced that way (its rows come in seven passes) and is refused.
 *
 * Returns: (transfer full): straight RGBA8, or %NULL with @error set
 */
UbPngImage *
ub_png_levels_decode_file (const char         *path,
                           UbPngPool          *pool,
                           GCancellable       *cancellable,
                           UbPngProgressFunc   progress,
                           gpointer            progress_data,
                           UbPngInfo          *info,
                           GError            **error)
{
  UbPngLimits limits;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (info != NULL, NULL);

  if (!ub_png_read_info_file (path, info, error))
    return NULL;

  ub_png_limits_init_default (&limits);
  if ((guint64) info->width * info->height <= UB_PNG_LEVELS_MAX_FULL_PIXELS)
    {
      /* Should the file change in between, the bound still holds. */
      limits.max_pixels = MIN (limits.max_pixels, UB_PNG_LEVELS_MAX_FULL_PIXELS);
      return ub_png_decode_file (path, &limits, pool, cancellable, progress, progress_data,
                                 error);
    }

  if (info->interlaced)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("This image is interlaced and too large to show (%u × %u)"),
                   info->width, info->height);
      return NULL;
    }

  if (progress != NULL)
    progress (0.0, progress_data);
  return ub_png_thumbnail_file (path, UB_PNG_LEVELS_REDUCED_SIZE, &limits, pool, cancellable,
                                error);
}

/**
 * ub_png_levels_build:
 * @image: (transfer full): straight RGBA8, as decoded; it becomes level 0
 * @min_size: the smallest level is the first whose sides are both at most
 *   this
 * @pool: (nullable): where the smaller levels' buffers come from
 *
 * Each level is made from the one above while that one is still straight
 * RGBA, then the one above is premultiplied in place: no pixel is copied
 * and no buffer beyond the levels themselves is needed.
 *
 * Returns: (transfer full) (element-type UbPngImage) (nullable): the
 *   levels, largest first, or %NULL on cancellation or lack of memory
 */
GPtrArray *
ub_png_levels_build (UbPngImage    *image,
                     guint32        min_size,
                     UbPngPool     *pool,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(GPtrArray) levels = g_ptr_array_new_with_free_func ((GDestroyNotify) ub_png_image_free);
  UbPngImage *level = image;

  g_return_val_if_fail (image != NULL, NULL);
  g_return_val_if_fail (min_size > 0, NULL);

  g_ptr_array_add (levels, image);
  while (level->width > min_size || level->height > min_size)
    {
      UbPngImage *next;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      next = half_of (level, pool, error);
      if (next == NULL)
        return NULL;
      ub_png_image_premultiply_bgra (level);
      g_ptr_array_add (levels, next);
      level = next;
    }
  ub_png_image_premultiply_bgra (level);

  return g_steal_pointer (&levels);
}
