/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-image-levels.h"
#include "ub-png-jobs.h"

/*
 * UbImageLevels holds the mipmap pyramid of one image as a worker made it
 * (the "png.levels" job), in the layout the cairo renderer draws from
 * (premultiplied B, G, R, A), and cuts each level into tiles: textures
 * over the worker's own buffer, made when first asked for (a few
 * pointers, no pixel copied), so that a frame touches only the tiles in
 * view.
 *
 * The largest level is usually the image itself; for an image too large
 * to hold whole (see UB_PNG_LEVELS_MAX_FULL_PIXELS) the worker decodes it
 * straight to a screen-sized level, and the image's own size is kept
 * apart from its levels' so that zoom still counts image pixels.
 *
 * Plain memory, owned by one canvas: main thread only.
 */

typedef struct
{
  GBytes      *pixels;   /* (owned) the worker's buffer, shared by the tiles */
  guint        width;
  guint        height;
  gsize        stride;
  guint        n_columns;
  guint        n_rows;
  GdkTexture **tiles;    /* (owned) n_columns × n_rows, each made when first drawn */
} Level;

struct _UbImageLevels
{
  guint32  width;        /* the image's, at full resolution */
  guint32  height;
  GArray  *levels;       /* of Level, largest first, never empty */
};

/*
 * A level's buffer is tens of megabytes: freeing it unmaps its pages,
 * several milliseconds of page-table work measured on the main thread
 * when the viewer moved to the next image. Whoever lets go of a level
 * last (the levels, or a frame's render nodes still holding a tile), the
 * buffer itself is let go of in a thread of its own. The pool is made
 * once and lives as long as the process; it only ever holds GBytes.
 */
static void
release_in_thread (gpointer data,
                   gpointer user_data)
{
  g_bytes_unref (data);
}

static void
release_later (gpointer data)
{
  static GThreadPool *releaser;
  static gsize made;

  if (g_once_init_enter (&made))
    {
      releaser = g_thread_pool_new (release_in_thread, NULL, 1, FALSE, NULL);
      g_once_init_leave (&made, 1);
    }
  if (releaser == NULL || !g_thread_pool_push (releaser, data, NULL))
    g_bytes_unref (data);
}

/* @pixels, in a wrapper whose last unref frees them in the releaser. */
static GBytes *
wrap_for_release (GBytes *pixels)
{
  gsize size;
  gconstpointer data = g_bytes_get_data (pixels, &size);

  return g_bytes_new_with_free_func (data, size, release_later, pixels);
}

static void
level_clear (gpointer data)
{
  Level *level = data;

  for (guint i = 0; i < level->n_columns * level->n_rows; i++)
    g_clear_object (&level->tiles[i]);
  g_clear_pointer (&level->tiles, g_free);
  g_clear_pointer (&level->pixels, g_bytes_unref);
}

static Level *
get_level (UbImageLevels *self,
           guint          index_)
{
  g_assert (index_ < self->levels->len);

  return &g_array_index (self->levels, Level, index_);
}

/**
 * ub_image_levels_new:
 * @image_width: the image's width at full resolution
 * @image_height: likewise
 * @levels: the levels of a "png.levels" result (see
 *   ub_png_levels_result_parse()): largest first, stride 4 × width, none
 *   larger than the image nor than the level before it
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the levels, or %NULL with @error
 *   set when @levels do not describe the image
 */
UbImageLevels *
ub_image_levels_new (guint32    image_width,
                     guint32    image_height,
                     GVariant  *levels,
                     GError   **error)
{
  g_autoptr(UbImageLevels) self = g_new0 (UbImageLevels, 1);
  guint32 max_width = image_width, max_height = image_height;
  gsize n;

  g_return_val_if_fail (levels != NULL, NULL);

  self->width = image_width;
  self->height = image_height;
  self->levels = g_array_new (FALSE, TRUE, sizeof (Level));
  g_array_set_clear_func (self->levels, level_clear);

  n = ub_png_levels_get_n_levels (levels);
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr(GBytes) pixels = NULL;
      Level level = { 0 };
      guint32 width, height;

      ub_png_levels_get_level (levels, i, &width, &height, &pixels);
      level.stride = (gsize) width * 4;
      if (width == 0 || height == 0 || width > max_width || height > max_height ||
          g_bytes_get_size (pixels) != level.stride * height)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "Level %" G_GSIZE_FORMAT " of a %u × %u image does not hold %u × %u pixels",
                       i, image_width, image_height, width, height);
          return NULL;
        }
      max_width = width;
      max_height = height;
      level.pixels = wrap_for_release (g_steal_pointer (&pixels));
      level.width = width;
      level.height = height;
      level.n_columns = (width + UB_IMAGE_LEVELS_TILE_SIZE - 1) / UB_IMAGE_LEVELS_TILE_SIZE;
      level.n_rows = (height + UB_IMAGE_LEVELS_TILE_SIZE - 1) / UB_IMAGE_LEVELS_TILE_SIZE;
      level.tiles = g_new0 (GdkTexture *, level.n_columns * level.n_rows);
      g_array_append_val (self->levels, level);
    }

  if (self->levels->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "A %u × %u image came without any level", image_width, image_height);
      return NULL;
    }

  return g_steal_pointer (&self);
}

void
ub_image_levels_free (UbImageLevels *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->levels, g_array_unref);
  g_free (self);
}

guint32
ub_image_levels_get_width (UbImageLevels *self)
{
  return self->width;
}

guint32
ub_image_levels_get_height (UbImageLevels *self)
{
  return self->height;
}

guint
ub_image_levels_get_n_levels (UbImageLevels *self)
{
  return self->levels->len;
}

void
ub_image_levels_get_size (UbImageLevels *self,
                          guint          index_,
                          guint         *width,
                          guint         *height)
{
  Level *level = get_level (self, index_);

  *width = level->width;
  *height = level->height;
}

void
ub_image_levels_get_grid (UbImageLevels *self,
                          guint          index_,
                          guint         *n_columns,
                          guint         *n_rows)
{
  Level *level = get_level (self, index_);

  *n_columns = level->n_columns;
  *n_rows = level->n_rows;
}

/**
 * ub_image_levels_pick:
 * @screen_width: the image's width on screen, in device pixels
 * @screen_height: likewise
 *
 * The smallest level at least as large as the image on screen, so that a
 * level is never shrunk by more than half; the largest when none is.
 */
guint
ub_image_levels_pick (UbImageLevels *self,
                      double         screen_width,
                      double         screen_height)
{
  for (guint i = self->levels->len; i-- > 1;)
    {
      Level *level = get_level (self, i);

      if (level->width >= screen_width - 0.5 && level->height >= screen_height - 0.5)
        return i;
    }
  return 0;
}

/**
 * ub_image_levels_get_tile:
 *
 * A texture over one tile of a level's buffer: the rows keep the level's
 * stride, so nothing is copied. Made the first time it is asked for.
 *
 * Returns: (transfer none): the tile
 */
GdkTexture *
ub_image_levels_get_tile (UbImageLevels *self,
                          guint          index_,
                          guint          column,
                          guint          row)
{
  Level *level = get_level (self, index_);
  GdkTexture **tile;

  g_assert (column < level->n_columns && row < level->n_rows);

  tile = &level->tiles[row * level->n_columns + column];
  if (*tile == NULL)
    {
      guint x = column * UB_IMAGE_LEVELS_TILE_SIZE;
      guint y = row * UB_IMAGE_LEVELS_TILE_SIZE;
      guint width = MIN (UB_IMAGE_LEVELS_TILE_SIZE, level->width - x);
      guint height = MIN (UB_IMAGE_LEVELS_TILE_SIZE, level->height - y);
      gsize offset = y * level->stride + (gsize) x * 4;
      gsize size = (height - 1) * level->stride + (gsize) width * 4;
      g_autoptr(GBytes) bytes = g_bytes_new_from_bytes (level->pixels, offset, size);

      *tile = gdk_memory_texture_new (width, height, GDK_MEMORY_B8G8R8A8_PREMULTIPLIED, bytes,
                                      level->stride);
    }

  return *tile;
}

/**
 * ub_image_levels_dup_level:
 *
 * Returns: (transfer full): a texture of a whole level, over the same
 *   memory as its tiles
 */
GdkTexture *
ub_image_levels_dup_level (UbImageLevels *self,
                           guint          index_)
{
  Level *level = get_level (self, index_);

  return gdk_memory_texture_new (level->width, level->height, GDK_MEMORY_B8G8R8A8_PREMULTIPLIED,
                                 level->pixels, level->stride);
}

/**
 * ub_image_levels_create_surface:
 *
 * A cairo image surface over a level's buffer, to scale it from: the
 * pixels are not copied, and the surface keeps them alive. It must not be
 * drawn to.
 *
 * Returns: (transfer full): the surface
 */
cairo_surface_t *
ub_image_levels_create_surface (UbImageLevels *self,
                                guint          index_)
{
  static const cairo_user_data_key_t pixels_key;
  Level *level = get_level (self, index_);
  cairo_surface_t *surface;

  /* Premultiplied B, G, R, A in memory is cairo's ARGB32 on a
   * little-endian CPU only. */
  g_return_val_if_fail (G_BYTE_ORDER == G_LITTLE_ENDIAN, NULL);
  surface = cairo_image_surface_create_for_data ((guchar *) g_bytes_get_data (level->pixels, NULL),
                                                 CAIRO_FORMAT_ARGB32, level->width, level->height,
                                                 level->stride);
  cairo_surface_set_user_data (surface, &pixels_key, g_bytes_ref (level->pixels),
                               (cairo_destroy_func_t) g_bytes_unref);
  return surface;
}
