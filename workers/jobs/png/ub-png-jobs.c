/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <glib/gstdio.h>
#include <string.h>

#include "ub-error.h"
#include "ub-png.h"
#include "ub-png-check.h"
#include "ub-png-encode.h"
#include "ub-png-jobs.h"
#include "ub-png-levels.h"
#include "ub-png-sample.h"
#include "ub-png-scaler.h"
#include "ub-png-thumbnail-cache.h"

typedef struct
{
  GDestroyNotify free_func;
  gpointer       free_data;
} PixelsRelease;

static void
release_pixels (gpointer data)
{
  PixelsRelease *release = data;

  release->free_func (release->free_data);
  g_free (release);
}

/* Moves the image's buffer into an "ay": no copy. */
static GVariant *
pixels_variant (UbPngImage *image)
{
  PixelsRelease *release = g_new0 (PixelsRelease, 1);
  gsize size = 0;
  guint8 *pixels = ub_png_image_steal_pixels (image, &size, &release->free_func,
                                              &release->free_data);

  return g_variant_new_from_data (G_VARIANT_TYPE_BYTESTRING, pixels, size, TRUE,
                                  release_pixels, release);
}

/* Where png.thumbnail keeps and finds thumbnails: the desktop's shared
 * cache once the application asks for it, none by default (a command
 * line tool or a test must not write into the user's cache unasked).
 * Set on the main thread, read by the job on any worker: protected by
 * thumbnail_cache_lock. */
static GMutex thumbnail_cache_lock;
static char *thumbnail_cache_root;

/**
 * ub_png_jobs_set_thumbnail_cache:
 * @root: (nullable): a thumbnail cache folder (usually
 *   ub_thumbnail_cache_dup_default_root()), or %NULL to use none
 *
 * Makes png.thumbnail look in @root before decoding, and keep what it
 * decodes there. Callable from any thread; jobs already running keep the
 * folder they started with.
 */
void
ub_png_jobs_set_thumbnail_cache (const char *root)
{
  g_mutex_lock (&thumbnail_cache_lock);
  g_free (thumbnail_cache_root);
  thumbnail_cache_root = g_strdup (root);
  g_mutex_unlock (&thumbnail_cache_lock);
}

static char *
dup_thumbnail_cache_root (void)
{
  char *root;

  g_mutex_lock (&thumbnail_cache_lock);
  root = g_strdup (thumbnail_cache_root);
  g_mutex_unlock (&thumbnail_cache_lock);
  return root;
}

/* Only what is wrong with the file itself is worth remembering; a
 * cancelled or interrupted read is tried again next time. */
static gboolean
is_lasting_failure (const GError *error)
{
  return g_error_matches (error, UB_ERROR, UB_ERROR_INVALID_DATA) ||
         g_error_matches (error, UB_ERROR, UB_ERROR_TOO_LARGE);
}

/* The cache applies when it is set, it keeps a size at least as large,
 * and the file is not itself in the cache: thumbnails of thumbnails are
 * not made. */
static char *
dup_cache_root_for (const UbThumbnailSource *source,
                    guint                    max_size)
{
  g_autofree char *root = dup_thumbnail_cache_root ();
  g_autofree char *prefix = NULL;

  if (root == NULL || ub_thumbnail_cache_size_for (max_size) == 0)
    return NULL;

  prefix = g_strconcat (root, G_DIR_SEPARATOR_S, NULL);
  if (g_str_has_prefix (source->path, prefix))
    return NULL;

  return g_steal_pointer (&root);
}

static GVariant *
thumbnail_result (UbPngImage *image,
                  guint32     width,
                  guint32     height)
{
  guint32 thumb_width = image->width;
  guint32 thumb_height = image->height;

  return g_variant_new ("(uuuu@ay)", thumb_width, thumb_height, width, height,
                        pixels_variant (image));
}

/* The thumbnail of @path within @max_size × @max_size, from the desktop's
 * cache when it has one, else decoded (and kept there); @width and
 * @height are the original's. */
static UbPngImage *
thumbnail_image (const char    *path,
                 guint32        max_size,
                 UbJobContext  *context,
                 guint32       *width,
                 guint32       *height,
                 GError       **error)
{
  g_auto(UbThumbnailSource) source = { 0 };
  g_autofree char *root = NULL;
  g_autoptr(GError) local_error = NULL;
  UbPngLimits limits;
  UbPngInfo info;
  UbPngImage *image = NULL;

  max_size = MAX (max_size, 1);
  ub_png_limits_init_default (&limits);

  if (!ub_thumbnail_source_init (&source, path, error))
    return NULL;

  root = dup_cache_root_for (&source, max_size);
  if (root != NULL)
    {
      switch (ub_thumbnail_cache_lookup (root, &source, max_size, &limits,
                                         ub_png_pool_get_default (), &image,
                                         width, height, error))
        {
        case UB_THUMBNAIL_HIT:
          return image;
        case UB_THUMBNAIL_FAILED_BEFORE:
          return NULL;
        case UB_THUMBNAIL_MISS:
        default:
          break;
        }
    }

  if (ub_png_read_info_file (path, &info, &local_error))
    image = ub_png_thumbnail_file (path, max_size, &limits, ub_png_pool_get_default (),
                                   ub_job_context_get_cancellable (context), &local_error);

  if (image == NULL)
    {
      if (root != NULL && is_lasting_failure (local_error))
        ub_thumbnail_cache_store_failure (root, &source, local_error, NULL);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  /* Only a thumbnail of the size class's own size is kept: a smaller
   * one would not serve the next caller that asks for the class.
   * A thumbnail that cannot be kept is still a thumbnail: the cache
   * being read-only or full costs the next open a decode, nothing more. */
  if (root != NULL && ub_thumbnail_cache_size_for (max_size) == max_size &&
      !ub_thumbnail_cache_store (root, &source, max_size, image, info.width, info.height,
                                 &local_error))
    g_debug ("Cannot keep the thumbnail of %s: %s", path, local_error->message);

  *width = info.width;
  *height = info.height;
  return image;
}

static GVariant *
thumbnail_job (GVariant      *params,
               UbJobContext  *context,
               GError       **error)
{
  UbPngImage *image;
  const char *path;
  guint32 max_size;
  guint32 width;
  guint32 height;

  g_variant_get (params, "(&su)", &path, &max_size);
  image = thumbnail_image (path, max_size, context, &width, &height, error);
  if (image == NULL)
    return NULL;

  return thumbnail_result (image, width, height);
}

/* A thumbnail to be drawn as it is: the cache's size class above the
 * drawn side (so that the desktop's cache still serves and is filled),
 * reduced to the drawn side and premultiplied, so that the renderer
 * copies it without converting or scaling anything. */
static GVariant *
screen_thumbnail_job (GVariant      *params,
                      UbJobContext  *context,
                      GError       **error)
{
  g_autoptr(UbPngImage) image = NULL;
  const char *path;
  guint32 drawn_size;
  guint32 width, height, drawn_width, drawn_height;
  guint size_class;

  g_variant_get (params, "(&su)", &path, &drawn_size);
  drawn_size = MAX (drawn_size, 1);
  size_class = ub_thumbnail_cache_size_for (drawn_size);
  image = thumbnail_image (path, size_class != 0 ? size_class : drawn_size, context,
                           &width, &height, error);
  if (image == NULL)
    return NULL;

  /* From the original's proportions, not the thumbnail's rounded ones. */
  ub_png_thumbnail_size (width, height, drawn_size, &drawn_width, &drawn_height);
  drawn_width = MIN (drawn_width, image->width);
  drawn_height = MIN (drawn_height, image->height);
  if (drawn_width != image->width || drawn_height != image->height)
    {
      UbPngImage *reduced = ub_png_scale_image (image, drawn_width, drawn_height,
                                                ub_png_pool_get_default ());

      if (reduced == NULL)
        {
          g_set_error (error, UB_ERROR, UB_ERROR_TOO_LARGE,
                       _("No memory for a %u × %u thumbnail"), drawn_width, drawn_height);
          return NULL;
        }
      ub_png_image_free (g_steal_pointer (&image));
      image = reduced;
    }
  ub_png_image_premultiply_bgra (image);

  return thumbnail_result (g_steal_pointer (&image), width, height);
}

static void
on_decode_progress (double   fraction,
                    gpointer user_data)
{
  UbJobContext *context = user_data;

  if (ub_job_context_should_report (context))
    ub_job_context_report_progress (context, g_variant_new_double (fraction));
}

static GVariant *
decode_job (GVariant      *params,
            UbJobContext  *context,
            GError       **error)
{
  UbPngLimits limits;
  UbPngImage *image;
  const char *path;
  guint32 width;
  guint32 height;

  g_variant_get (params, "(&s)", &path);
  ub_png_limits_init_default (&limits);

  image = ub_png_decode_file (path, &limits, ub_png_pool_get_default (),
                              ub_job_context_get_cancellable (context),
                              on_decode_progress, context, error);
  if (image == NULL)
    return NULL;

  width = image->width;
  height = image->height;
  return g_variant_new ("(uu@ay)", width, height, pixels_variant (image));
}

/* The decode is most of the work; the levels take the last fifth. */
#define LEVELS_DECODE_SHARE 0.8

static void
on_levels_progress (double   fraction,
                    gpointer user_data)
{
  on_decode_progress (fraction * LEVELS_DECODE_SHARE, user_data);
}

static GVariant *
levels_job (GVariant      *params,
            UbJobContext  *context,
            GError       **error)
{
  GCancellable *cancellable = ub_job_context_get_cancellable (context);
  g_autoptr(GPtrArray) levels = NULL;
  GVariantBuilder builder;
  UbPngImage *image;
  const char *path;
  UbPngInfo info;
  guint32 width;
  guint32 height;

  g_variant_get (params, "(&s)", &path);

  /* Level 0 may be a reduction of a huge image: the result gives the
   * image's own size. */
  image = ub_png_levels_decode_file (path, ub_png_pool_get_default (), cancellable,
                                     on_levels_progress, context, &info, error);
  if (image == NULL)
    return NULL;

  width = info.width;
  height = info.height;
  levels = ub_png_levels_build (image, UB_PNG_LEVELS_MIN_SIZE, ub_png_pool_get_default (),
                                cancellable, error);
  if (levels == NULL)
    return NULL;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(uuay)"));
  for (guint i = 0; i < levels->len; i++)
    {
      UbPngImage *level = g_steal_pointer (&g_ptr_array_index (levels, i));
      guint32 level_width = level->width;
      guint32 level_height = level->height;

      g_variant_builder_add (&builder, "(uu@ay)", level_width, level_height,
                             pixels_variant (level));
    }

  return g_variant_new ("(uua(uuay))", width, height, &builder);
}

static guint64
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (guint64) st.st_size : 0;
}

static GVariant *
sample_job (GVariant      *params,
            UbJobContext  *context,
            GError       **error)
{
  UbPngEncodeOptions options;
  const char *path;
  guint32 width;
  guint32 height;
  guint64 seed;

  g_variant_get (params, "(&suut)", &path, &width, &height, &seed);
  ub_png_encode_options_init_default (&options);

  if (!ub_png_sample_write_file (path, width, height, seed, UB_PNG_FORMAT_RGBA8, &options,
                                 ub_job_context_get_cancellable (context), error))
    return NULL;

  return g_variant_new ("(t)", file_size (path));
}

static GVariant *
info_job (GVariant      *params,
          UbJobContext  *context,
          GError       **error)
{
  const char *path;
  UbPngInfo info;

  g_variant_get (params, "(&s)", &path);
  if (!ub_png_read_info_file (path, &info, error))
    return NULL;

  return g_variant_new ("(uuyybb)", info.width, info.height, info.color_type, info.bit_depth,
                        info.interlaced, info.has_alpha);
}

static GVariant *
check_job (GVariant      *params,
           UbJobContext  *context,
           GError       **error)
{
  const char *path;
  guint n_chunks;

  g_variant_get (params, "(&s)", &path);
  if (!ub_png_check_file (path, ub_job_context_get_cancellable (context), &n_chunks, error))
    return NULL;

  return g_variant_new ("(u)", n_chunks);
}

static GVariant *
encode_job (GVariant      *params,
            UbJobContext  *context,
            GError       **error)
{
  g_autoptr(GVariant) pixels = NULL;
  const guint8 *data;
  const char *path;
  guint32 width;
  guint32 height;
  gsize size;

  g_variant_get (params, "(&suu@ay)", &path, &width, &height, &pixels);
  data = g_variant_get_fixed_array (pixels, &size, 1);
  if (width == 0 || height == 0 || size % ((gsize) 4 * width) != 0 ||
      size / ((gsize) 4 * width) != height)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                   _("%zu bytes are not %u × %u RGBA pixels"), size, width, height);
      return NULL;
    }

  if (!ub_png_encode_file (path, data, width, height, (gsize) width * 4, UB_PNG_FORMAT_RGBA8,
                           NULL, ub_job_context_get_cancellable (context), error))
    return NULL;

  return g_variant_new ("(t)", file_size (path));
}

void
ub_png_jobs_register (void)
{
  ub_job_register (UB_PNG_JOB_THUMBNAIL, G_VARIANT_TYPE (UB_PNG_JOB_THUMBNAIL_TYPE), thumbnail_job);
  ub_job_register (UB_PNG_JOB_SCREEN_THUMBNAIL, G_VARIANT_TYPE (UB_PNG_JOB_SCREEN_THUMBNAIL_TYPE),
                   screen_thumbnail_job);
  ub_job_register (UB_PNG_JOB_DECODE, G_VARIANT_TYPE (UB_PNG_JOB_DECODE_TYPE), decode_job);
  ub_job_register (UB_PNG_JOB_LEVELS, G_VARIANT_TYPE (UB_PNG_JOB_LEVELS_TYPE), levels_job);
  ub_job_register (UB_PNG_JOB_SAMPLE, G_VARIANT_TYPE (UB_PNG_JOB_SAMPLE_TYPE), sample_job);
  ub_job_register (UB_PNG_JOB_INFO, G_VARIANT_TYPE (UB_PNG_JOB_INFO_TYPE), info_job);
  ub_job_register (UB_PNG_JOB_CHECK, G_VARIANT_TYPE (UB_PNG_JOB_CHECK_TYPE), check_job);
  ub_job_register (UB_PNG_JOB_ENCODE, G_VARIANT_TYPE (UB_PNG_JOB_ENCODE_TYPE), encode_job);
}

/* Parameters and results */

/* The bytes of an "ay", sharing its memory. */
static GBytes *
dup_pixels (GVariant *array)
{
  return g_variant_get_data_as_bytes (array);
}

/**
 * ub_png_thumbnail_params_new:
 * @path: the PNG file
 * @max_size: the largest side of the thumbnail
 *
 * Returns: (transfer floating): parameters for "png.thumbnail"
 */
GVariant *
ub_png_thumbnail_params_new (const char *path,
                             guint       max_size)
{
  g_return_val_if_fail (path != NULL, NULL);

  return g_variant_new (UB_PNG_JOB_THUMBNAIL_TYPE, path, (guint32) max_size);
}

/**
 * ub_png_screen_thumbnail_params_new:
 * @path: the PNG file
 * @drawn_size: the largest side of the thumbnail as drawn, in device pixels
 *
 * Returns: (transfer floating): parameters for "png.screen-thumbnail"; its
 *   result is parsed with ub_png_thumbnail_result_parse()
 */
GVariant *
ub_png_screen_thumbnail_params_new (const char *path,
                                    guint       drawn_size)
{
  g_return_val_if_fail (path != NULL, NULL);

  return g_variant_new (UB_PNG_JOB_SCREEN_THUMBNAIL_TYPE, path, (guint32) drawn_size);
}

/**
 * ub_png_thumbnail_result_parse:
 * @result: a result of "png.thumbnail"
 * @width: (out) (optional): the thumbnail's width
 * @height: (out) (optional): the thumbnail's height
 * @full_width: (out) (optional): the original's width
 * @full_height: (out) (optional): the original's height
 * @pixels: (out) (optional) (transfer full): the pixels, stride 4 × width,
 *   sharing the result's memory: RGBA8 ("png.thumbnail"), or premultiplied
 *   B, G, R, A ("png.screen-thumbnail")
 */
void
ub_png_thumbnail_result_parse (GVariant  *result,
                               guint32   *width,
                               guint32   *height,
                               guint32   *full_width,
                               guint32   *full_height,
                               GBytes   **pixels)
{
  g_autoptr(GVariant) array = NULL;

  g_return_if_fail (result != NULL && g_variant_is_of_type (result, G_VARIANT_TYPE ("(uuuuay)")));

  /* g_variant_get() skips the outputs left NULL. */
  g_variant_get (result, "(uuuu@ay)", width, height, full_width, full_height,
                 pixels != NULL ? &array : NULL);
  if (pixels != NULL)
    *pixels = dup_pixels (array);
}

/**
 * ub_png_decode_params_new:
 * @path: the PNG file
 *
 * Returns: (transfer floating): parameters for "png.decode"
 */
GVariant *
ub_png_decode_params_new (const char *path)
{
  g_return_val_if_fail (path != NULL, NULL);

  return g_variant_new (UB_PNG_JOB_DECODE_TYPE, path);
}

/**
 * ub_png_decode_result_parse:
 * @result: a result of "png.decode"
 * @width: (out) (optional): the image's width
 * @height: (out) (optional): the image's height
 * @pixels: (out) (optional) (transfer full): the pixels, stride 4 × width,
 *   sharing the result's memory: RGBA8 ("png.thumbnail"), or premultiplied
 *   B, G, R, A ("png.screen-thumbnail")
 */
void
ub_png_decode_result_parse (GVariant  *result,
                            guint32   *width,
                            guint32   *height,
                            GBytes   **pixels)
{
  g_autoptr(GVariant) array = NULL;

  g_return_if_fail (result != NULL && g_variant_is_of_type (result, G_VARIANT_TYPE ("(uuay)")));

  g_variant_get (result, "(uu@ay)", width, height, pixels != NULL ? &array : NULL);
  if (pixels != NULL)
    *pixels = dup_pixels (array);
}

/**
 * ub_png_progress_parse:
 * @progress: a progress report of "png.decode" or "png.levels"
 *
 * Returns: the fraction done, from 0 to 1
 */
double
ub_png_progress_parse (GVariant *progress)
{
  g_return_val_if_fail (progress != NULL && g_variant_is_of_type (progress, G_VARIANT_TYPE_DOUBLE),
                        0.0);

  return CLAMP (g_variant_get_double (progress), 0.0, 1.0);
}

/**
 * ub_png_levels_params_new:
 * @path: the PNG file
 *
 * Returns: (transfer floating): parameters for "png.levels"
 */
GVariant *
ub_png_levels_params_new (const char *path)
{
  g_return_val_if_fail (path != NULL, NULL);

  return g_variant_new (UB_PNG_JOB_LEVELS_TYPE, path);
}

/**
 * ub_png_levels_result_parse:
 * @result: a result of "png.levels"
 * @width: (out) (optional): the image's width
 * @height: (out) (optional): the image's height
 * @levels: (out) (optional) (transfer full): the levels, largest first; read
 *   them with ub_png_levels_get_n_levels() and ub_png_levels_get_level()
 */
void
ub_png_levels_result_parse (GVariant  *result,
                            guint32   *width,
                            guint32   *height,
                            GVariant **levels)
{
  g_return_if_fail (result != NULL && g_variant_is_of_type (result, G_VARIANT_TYPE ("(uua(uuay))")));

  g_variant_get (result, "(uu@a(uuay))", width, height, levels);
}

/**
 * ub_png_levels_get_n_levels:
 * @levels: the levels of a "png.levels" result
 *
 * Returns: how many levels there are
 */
gsize
ub_png_levels_get_n_levels (GVariant *levels)
{
  g_return_val_if_fail (levels != NULL && g_variant_is_of_type (levels, G_VARIANT_TYPE ("a(uuay)")), 0);

  return g_variant_n_children (levels);
}

/**
 * ub_png_levels_get_level:
 * @levels: the levels of a "png.levels" result
 * @index_: which level, 0 for the largest
 * @width: (out) (optional): the level's width
 * @height: (out) (optional): the level's height
 * @pixels: (out) (optional) (transfer full): its premultiplied B, G, R, A
 *   pixels, stride 4 × width, sharing the result's memory
 */
void
ub_png_levels_get_level (GVariant  *levels,
                         gsize      index_,
                         guint32   *width,
                         guint32   *height,
                         GBytes   **pixels)
{
  g_autoptr(GVariant) array = NULL;

  g_return_if_fail (index_ < ub_png_levels_get_n_levels (levels));

  g_variant_get_child (levels, index_, "(uu@ay)", width, height, pixels != NULL ? &array : NULL);
  if (pixels != NULL)
    *pixels = dup_pixels (array);
}

/**
 * ub_png_sample_params_new:
 * @path: where to write the sample
 * @width: its width
 * @height: its height
 * @seed: the seed of its pattern: the same seed, the same image
 *
 * Returns: (transfer floating): parameters for "png.sample"
 */
GVariant *
ub_png_sample_params_new (const char *path,
                          guint32     width,
                          guint32     height,
                          guint64     seed)
{
  g_return_val_if_fail (path != NULL, NULL);

  return g_variant_new (UB_PNG_JOB_SAMPLE_TYPE, path, width, height, seed);
}

/* The (t) of "png.sample" and "png.encode". */
static guint64
size_result_parse (GVariant *result)
{
  guint64 size;

  g_return_val_if_fail (result != NULL && g_variant_is_of_type (result, G_VARIANT_TYPE ("(t)")), 0);

  g_variant_get (result, "(t)", &size);
  return size;
}

/**
 * ub_png_sample_result_parse:
 * @result: a result of "png.sample"
 *
 * Returns: the size of the file written
 */
guint64
ub_png_sample_result_parse (GVariant *result)
{
  return size_result_parse (result);
}

/**
 * ub_png_info_params_new:
 * @path: the PNG file
 *
 * Returns: (transfer floating): parameters for "png.info"
 */
GVariant *
ub_png_info_params_new (const char *path)
{
  g_return_val_if_fail (path != NULL, NULL);

  return g_variant_new (UB_PNG_JOB_INFO_TYPE, path);
}

/**
 * ub_png_info_result_parse:
 * @result: a result of "png.info"
 * @info: (out caller-allocates): what the file's header says
 */
void
ub_png_info_result_parse (GVariant  *result,
                          UbPngInfo *info)
{
  guint8 color_type, bit_depth;
  gboolean interlaced, has_alpha;

  g_return_if_fail (result != NULL && g_variant_is_of_type (result, G_VARIANT_TYPE ("(uuyybb)")));
  g_return_if_fail (info != NULL);

  memset (info, 0, sizeof *info);
  g_variant_get (result, "(uuyybb)", &info->width, &info->height, &color_type, &bit_depth,
                 &interlaced, &has_alpha);
  info->color_type = color_type;
  info->bit_depth = bit_depth;
  info->interlaced = interlaced;
  info->has_alpha = has_alpha;
}

/**
 * ub_png_check_params_new:
 * @path: the PNG file to check whole
 *
 * Returns: (transfer floating): parameters for "png.check"
 */
GVariant *
ub_png_check_params_new (const char *path)
{
  g_return_val_if_fail (path != NULL, NULL);

  return g_variant_new (UB_PNG_JOB_CHECK_TYPE, path);
}

/**
 * ub_png_check_result_parse:
 * @result: a result of "png.check"
 *
 * Returns: the number of chunks in the file, IEND included
 */
guint
ub_png_check_result_parse (GVariant *result)
{
  guint32 n_chunks;

  g_return_val_if_fail (result != NULL && g_variant_is_of_type (result, G_VARIANT_TYPE ("(u)")), 0);

  g_variant_get (result, "(u)", &n_chunks);
  return n_chunks;
}

/**
 * ub_png_encode_params_new:
 * @path: where to write the PNG
 * @width: the image's width
 * @height: the image's height
 * @pixels: its straight RGBA8 pixels, stride 4 × width; shared, not copied
 *
 * Returns: (transfer floating): parameters for "png.encode"
 */
GVariant *
ub_png_encode_params_new (const char *path,
                          guint32     width,
                          guint32     height,
                          GBytes     *pixels)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (pixels != NULL, NULL);

  return g_variant_new ("(suu@ay)", path, width, height,
                        g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING, pixels, TRUE));
}

/**
 * ub_png_encode_result_parse:
 * @result: a result of "png.encode"
 *
 * Returns: the size of the file written
 */
guint64
ub_png_encode_result_parse (GVariant *result)
{
  return size_result_parse (result);
}
