/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "ub-png.h"
#include "ub-png-jobs.h"
#include "ub-png-levels.h"
#include "ub-png-sample.h"

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

static GVariant *
thumbnail_job (GVariant      *params,
               UbJobContext  *context,
               GError       **error)
{
  UbPngLimits limits;
  UbPngInfo info;
  UbPngImage *image;
  const char *path;
  guint32 max_size;
  guint32 width;
  guint32 height;

  g_variant_get (params, "(&su)", &path, &max_size);
  ub_png_limits_init_default (&limits);

  if (!ub_png_read_info_file (path, &info, error))
    return NULL;

  image = ub_png_thumbnail_file (path, MAX (max_size, 1), &limits, ub_png_pool_get_default (),
                                 ub_job_context_get_cancellable (context), error);
  if (image == NULL)
    return NULL;

  width = image->width;
  height = image->height;
  return g_variant_new ("(uuuu@ay)", width, height, info.width, info.height,
                        pixels_variant (image));
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
  UbPngLimits limits;
  UbPngImage *image;
  const char *path;
  guint32 width;
  guint32 height;

  g_variant_get (params, "(&s)", &path);
  ub_png_limits_init_default (&limits);

  image = ub_png_decode_file (path, &limits, ub_png_pool_get_default (), cancellable,
                              on_levels_progress, context, error);
  if (image == NULL)
    return NULL;

  width = image->width;
  height = image->height;
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
  GStatBuf st;

  g_variant_get (params, "(&suut)", &path, &width, &height, &seed);
  ub_png_encode_options_init_default (&options);

  if (!ub_png_sample_write_file (path, width, height, seed, UB_PNG_FORMAT_RGBA8, &options,
                                 ub_job_context_get_cancellable (context), error))
    return NULL;

  return g_variant_new ("(t)", g_stat (path, &st) == 0 ? (guint64) st.st_size : 0);
}

void
ub_png_jobs_register (void)
{
  ub_job_register (UB_PNG_JOB_THUMBNAIL, G_VARIANT_TYPE (UB_PNG_JOB_THUMBNAIL_TYPE), thumbnail_job);
  ub_job_register (UB_PNG_JOB_DECODE, G_VARIANT_TYPE (UB_PNG_JOB_DECODE_TYPE), decode_job);
  ub_job_register (UB_PNG_JOB_LEVELS, G_VARIANT_TYPE (UB_PNG_JOB_LEVELS_TYPE), levels_job);
  ub_job_register (UB_PNG_JOB_SAMPLE, G_VARIANT_TYPE (UB_PNG_JOB_SAMPLE_TYPE), sample_job);
}
