/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-png-decoder-private.h"

/*
 * Thumbnails straight from the decoder: each row of a non-interlaced image
 * is folded into the thumbnail by the alpha-correct box scaler
 * (ub-png-scaler.h) as libpng produces it, so the image is never held
 * whole.
 */

/**
 * ub_png_thumbnail_size:
 * @width: source width
 * @height: source height
 * @max_size: the bounding square's side, > 0
 * @out_width: (out): thumbnail width
 * @out_height: (out): thumbnail height
 *
 * The largest size within @max_size × @max_size with the source's aspect
 * ratio (rounded, at least 1), never larger than the source.
 */
void
ub_png_thumbnail_size (guint32  width,
                       guint32  height,
                       guint    max_size,
                       guint32 *out_width,
                       guint32 *out_height)
{
  guint32 w = width, h = height;

  g_return_if_fail (max_size > 0);

  if (width > max_size || height > max_size)
    {
      if (width >= height)
        {
          w = max_size;
          h = ((guint64) height * max_size + width / 2) / width;
        }
      else
        {
          h = max_size;
          w = ((guint64) width * max_size + height / 2) / height;
        }
    }
  *out_width = MAX (w, 1);
  *out_height = MAX (h, 1);
}

static UbPngImage *
decoder_thumbnail (UbPngDecoder  *d,
                   guint          max_size,
                   GError       **error)
{
  guint32 tw, th;

  if (!_ub_png_decoder_start (d, error))
    return NULL;

  ub_png_thumbnail_size (d->header.width, d->header.height, max_size, &tw, &th);

  if (tw == d->header.width && th == d->header.height)
    {
      /* Small enough already: a plain decode, from a non-pooled buffer. */
      d->image = ub_png_image_new (tw, th, NULL);
      if (d->image == NULL)
        return _ub_png_decoder_out_of_memory (error);
      if (!_ub_png_decoder_read_rows (d, error))
        return NULL;
      return g_steal_pointer (&d->image);
    }

  d->thumbnail = ub_png_image_new (tw, th, d->pool);
  ub_png_scaler_init (&d->scaler, d->header.width, d->header.height, tw, th);
  if (d->passes == 1)
    d->row = g_malloc ((gsize) d->header.width * 4);
  else
    d->image = ub_png_image_new (d->header.width, d->header.height, d->pool);
  if (d->thumbnail == NULL || (d->passes != 1 && d->image == NULL))
    return _ub_png_decoder_out_of_memory (error);

  if (!_ub_png_decoder_read_rows (d, error))
    return NULL;

  /* An interlaced source is whole only now: scale it down in one go. */
  if (d->image != NULL)
    for (guint32 y = 0; y < d->header.height; y++)
      ub_png_scaler_push_row (&d->scaler, d->image->pixels + y * d->image->stride,
                              d->thumbnail);

  return g_steal_pointer (&d->thumbnail);
}

/**
 * ub_png_thumbnail_file:
 * @path: a file name
 * @max_size: the thumbnail fits within @max_size × @max_size
 * @limits: (nullable): limits, or %NULL for the defaults
 * @pool: (nullable): where the pixel buffers come from, or %NULL
 * @cancellable: (nullable): checked between rows
 * @error: return location for a #GError
 *
 * Decodes and scales down at once with an alpha-weighted box filter of
 * exact coverage. A non-interlaced image is never held whole: each row is
 * folded into the thumbnail as libpng produces it. An interlaced image is
 * decoded whole first. An image already within @max_size is returned as it
 * is.
 *
 * Returns: (transfer full): the thumbnail, or %NULL with @error set
 */
UbPngImage *
ub_png_thumbnail_file (const char         *path,
                       guint               max_size,
                       const UbPngLimits  *limits,
                       UbPngPool          *pool,
                       GCancellable       *cancellable,
                       GError            **error)
{
  UbPngDecoder d;
  UbPngImage *image = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (max_size > 0, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  _ub_png_decoder_init (&d, limits, pool, cancellable);
  if (_ub_png_decoder_open_file (&d, path, error))
    image = decoder_thumbnail (&d, max_size, error);
  _ub_png_decoder_clear (&d);

  return image;
}

/**
 * ub_png_thumbnail_data:
 * @data: (array length=size): PNG bytes
 * @size: length of @data
 * @max_size: the thumbnail fits within @max_size × @max_size
 * @limits: (nullable): limits, or %NULL for the defaults
 * @pool: (nullable): where the pixel buffers come from, or %NULL
 * @cancellable: (nullable): checked between rows
 * @error: return location for a #GError
 *
 * As ub_png_thumbnail_file(), from memory.
 *
 * Returns: (transfer full): the thumbnail, or %NULL with @error set
 */
UbPngImage *
ub_png_thumbnail_data (const guint8       *data,
                       gsize               size,
                       guint               max_size,
                       const UbPngLimits  *limits,
                       UbPngPool          *pool,
                       GCancellable       *cancellable,
                       GError            **error)
{
  UbPngDecoder d;
  UbPngImage *image;

  g_return_val_if_fail (data != NULL || size == 0, NULL);
  g_return_val_if_fail (max_size > 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  _ub_png_decoder_init (&d, limits, pool, cancellable);
  d.data = data;
  d.size = size;
  image = decoder_thumbnail (&d, max_size, error);
  _ub_png_decoder_clear (&d);

  return image;
}
