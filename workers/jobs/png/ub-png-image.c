/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-png-image.h"

/**
 * ub_png_image_new:
 * @width: > 0
 * @height: > 0
 * @pool: (nullable): where the buffer comes from
 *
 * An RGBA8 image with undefined contents.
 *
 * Returns: (transfer full) (nullable): the image, or %NULL if the memory
 *   for it cannot be had
 */
UbPngImage *
ub_png_image_new (guint32    width,
                  guint32    height,
                  UbPngPool *pool)
{
  UbPngImage *image;

  g_return_val_if_fail (width > 0 && height > 0, NULL);

  image = g_new0 (UbPngImage, 1);
  image->width = width;
  image->height = height;
  image->stride = (gsize) width * 4;
  image->size = image->stride * height;
  image->pool = pool != NULL ? ub_png_pool_ref (pool) : NULL;
  image->pixels = ub_png_pool_acquire (pool, image->size, NULL);
  if (image->pixels == NULL)
    {
      g_clear_pointer (&image->pool, ub_png_pool_unref);
      g_free (image);
      return NULL;
    }

  return image;
}

/**
 * ub_png_image_free:
 * @image: (nullable) (transfer full): an image
 *
 * Returns the pixel buffer to its pool (if it still has it) and frees
 * @image.
 */
void
ub_png_image_free (UbPngImage *image)
{
  if (image == NULL)
    return;

  ub_png_pool_release (image->pool, image->pixels, image->size);
  g_clear_pointer (&image->pool, ub_png_pool_unref);
  g_free (image);
}

typedef struct
{
  UbPngPool *pool;   /* (owned) (nullable) */
  guint8    *pixels; /* (owned) */
  gsize      size;
} PixelsOwner;

static void
pixels_owner_free (gpointer data)
{
  PixelsOwner *owner = data;

  ub_png_pool_release (owner->pool, owner->pixels, owner->size);
  g_clear_pointer (&owner->pool, ub_png_pool_unref);
  g_free (owner);
}

/**
 * ub_png_image_steal_pixels:
 * @image: (transfer full): an image
 * @out_size: (out) (optional): bytes in the buffer
 * @out_free_func: (out): call it with @out_free_data to release the buffer
 * @out_free_data: (out): closure for @out_free_func
 *
 * Takes the pixel buffer out of @image without copying it and frees
 * @image. Releasing the buffer returns it to its pool, from any thread.
 *
 * Returns: (transfer full): the pixels
 */
guint8 *
ub_png_image_steal_pixels (UbPngImage     *image,
                           gsize          *out_size,
                           GDestroyNotify *out_free_func,
                           gpointer       *out_free_data)
{
  PixelsOwner *owner;
  guint8 *pixels;

  g_return_val_if_fail (image != NULL, NULL);
  g_return_val_if_fail (out_free_func != NULL, NULL);
  g_return_val_if_fail (out_free_data != NULL, NULL);

  owner = g_new (PixelsOwner, 1);
  owner->pool = g_steal_pointer (&image->pool);
  owner->pixels = pixels = g_steal_pointer (&image->pixels);
  owner->size = image->size;

  if (out_size != NULL)
    *out_size = image->size;
  *out_free_func = pixels_owner_free;
  *out_free_data = owner;

  g_free (image);
  return pixels;
}

/**
 * ub_png_image_steal_bytes:
 * @image: (transfer full): an image
 *
 * Wraps the pixel buffer in a #GBytes without copying it (suitable for
 * gdk_memory_texture_new() with GDK_MEMORY_R8G8B8A8 and the image's
 * stride) and frees @image. The buffer goes back to its pool when the
 * last reference to the #GBytes is dropped.
 *
 * Returns: (transfer full): the pixels
 */
GBytes *
ub_png_image_steal_bytes (UbPngImage *image)
{
  GDestroyNotify free_func;
  gpointer free_data;
  gsize size;
  guint8 *pixels;

  g_return_val_if_fail (image != NULL, NULL);

  pixels = ub_png_image_steal_pixels (image, &size, &free_func, &free_data);
  return g_bytes_new_with_free_func (pixels, size, free_func, free_data);
}
