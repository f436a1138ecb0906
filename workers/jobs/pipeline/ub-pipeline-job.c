/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-job.h"
#include "ub-pipeline.h"

/*
 * The pipeline's work as one job: decode a PNG and scale it down, what
 * the decoder and the scaler workers do between them. Blocking mode runs
 * it on the main thread (ub_job_run_blocking()), so the Channels page's
 * negative control is the same code path as every other page's.
 */

static GVariant *
decode_scale_job (GVariant      *params,
                  UbJobContext  *context,
                  GError       **error)
{
  guint32 max_size, source_width = 0, source_height = 0, width, height;
  g_autoptr(UbPngImage) small = NULL;
  g_autoptr(GBytes) bytes = NULL;
  const char *path;

  g_variant_get (params, "(&su)", &path, &max_size);
  small = ub_pipeline_decode_scale_file (path, MAX (max_size, 1), &source_width, &source_height,
                                         ub_job_context_get_cancellable (context), error);
  if (small == NULL)
    return NULL;

  width = small->width;
  height = small->height;
  bytes = ub_png_image_steal_bytes (g_steal_pointer (&small));
  return g_variant_new ("((uu)(uu)@ay)", width, height, source_width, source_height,
                        g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING, bytes, TRUE));
}

/**
 * ub_pipeline_job_register:
 *
 * Registers %UB_PIPELINE_JOB_DECODE_SCALE (part of ub_jobs_register_all()).
 */
void
ub_pipeline_job_register (void)
{
  ub_job_register (UB_PIPELINE_JOB_DECODE_SCALE, G_VARIANT_TYPE (UB_PIPELINE_JOB_DECODE_SCALE_TYPE),
                   decode_scale_job);
}

/**
 * ub_pipeline_decode_scale_params_new:
 * @path: a PNG file
 * @max_size: the largest side of the result
 *
 * Returns: (transfer floating): the job's parameters
 */
GVariant *
ub_pipeline_decode_scale_params_new (const char *path,
                                     guint       max_size)
{
  g_return_val_if_fail (path != NULL, NULL);

  return g_variant_new ("(su)", path, (guint32) max_size);
}

/**
 * ub_pipeline_decode_scale_result_parse:
 * @result: the job's result
 * @width: (out): the result's width
 * @height: (out): its height
 * @source_width: (out) (optional): the decoded image's width
 * @source_height: (out) (optional): its height
 *
 * Returns: (transfer full) (nullable): the result's RGBA pixels, or %NULL
 *   if @result does not hold width × height of them
 */
GBytes *
ub_pipeline_decode_scale_result_parse (GVariant *result,
                                       guint32  *width,
                                       guint32  *height,
                                       guint32  *source_width,
                                       guint32  *source_height)
{
  g_autoptr(GVariant) pixels = NULL;
  guint32 sw, sh;

  g_return_val_if_fail (width != NULL && height != NULL, NULL);

  *width = *height = 0;
  if (result == NULL || !g_variant_is_of_type (result, G_VARIANT_TYPE ("((uu)(uu)ay)")))
    return NULL;

  g_variant_get (result, "((uu)(uu)@ay)", width, height, &sw, &sh, &pixels);
  if (source_width != NULL)
    *source_width = sw;
  if (source_height != NULL)
    *source_height = sh;
  if ((guint64) *width * *height * 4 != g_variant_get_size (pixels))
    {
      *width = *height = 0;
      return NULL;
    }
  return g_variant_get_data_as_bytes (pixels);
}
