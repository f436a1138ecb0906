/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "ub-png.h"
#include "ub-png-jobs.h"
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
  ub_job_register (UB_PNG_JOB_SAMPLE, G_VARIANT_TYPE (UB_PNG_JOB_SAMPLE_TYPE), sample_job);
}
