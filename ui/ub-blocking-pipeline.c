/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "ub-blocking-pipeline.h"
#include "ub-job.h"
#include "ub-pipeline.h"

/*
 * The Channels page's negative control: the pipeline's decode and scale
 * as one job (UB_PIPELINE_JOB_DECODE_SCALE), every image one after the
 * other on the main thread through ub_job_run_blocking(), from the one
 * dispatch that starts the run: the strategy of every blocking mode, so
 * every byte goes through the main thread. Main thread only.
 */

struct _UbBlockingPipeline
{
  GStrv                 paths;      /* (owned) */
  guint                 n_images;
  guint                 max_size;
  UbBlockingResultFunc  func;
  gpointer              user_data;
  guint                 next;       /* the next image to do */
  GCancellable         *cancellable; /* (owned): cancelled when freed */
};

static void
decode_one (UbBlockingPipeline *self,
            guint               index)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  guint32 width = 0, height = 0, source_width = 0, source_height = 0;
  guint64 main_bytes = 0;

  reply = ub_job_run_blocking (UB_PIPELINE_JOB_DECODE_SCALE,
                               ub_pipeline_decode_scale_params_new (self->paths[index], self->max_size),
                               self->cancellable, NULL, NULL, &error);
  if (reply != NULL)
    {
      bytes = ub_pipeline_decode_scale_result_parse (reply, &width, &height, &source_width,
                                                     &source_height);
      if (bytes == NULL)
        g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                             _("The decoded image does not match its size"));
    }
  /* The full image and its result both lived on the main thread. */
  if (bytes != NULL)
    main_bytes = (guint64) source_width * source_height * 4 + g_bytes_get_size (bytes);

  self->func (index, width, height, bytes, error != NULL ? error->message : NULL, main_bytes,
              self->user_data);
}

/**
 * ub_blocking_pipeline_new:
 * @paths: (array zero-terminated=1): PNG files
 * @max_size: the largest side of a result
 * @func: called for each image, in order, from ub_blocking_pipeline_run()
 *
 * Returns: (transfer full): a run, not started
 */
UbBlockingPipeline *
ub_blocking_pipeline_new (const char * const   *paths,
                          guint                 max_size,
                          UbBlockingResultFunc  func,
                          gpointer              user_data)
{
  UbBlockingPipeline *self = g_new0 (UbBlockingPipeline, 1);

  self->paths = g_strdupv ((char **) paths);
  self->n_images = g_strv_length (self->paths);
  self->max_size = max_size;
  self->func = func;
  self->user_data = user_data;
  self->cancellable = g_cancellable_new ();
  return self;
}

/**
 * ub_blocking_pipeline_run:
 *
 * Decodes and scales every image, here, and returns when all are done.
 * @func may free the run (the page being cancelled meanwhile): then
 * nothing more is done, and this returns %FALSE.
 *
 * Returns: %TRUE if the run is still there
 */
gboolean
ub_blocking_pipeline_run (UbBlockingPipeline *self)
{
  g_autoptr(GCancellable) cancellable = g_object_ref (self->cancellable);

  while (self->next < self->n_images)
    {
      guint index = self->next++;

      decode_one (self, index);
      if (g_cancellable_is_cancelled (cancellable))
        return FALSE;
    }
  return TRUE;
}

void
ub_blocking_pipeline_free (UbBlockingPipeline *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_strfreev (self->paths);
  g_free (self);
}

/**
 * ub_blocking_pipeline_is_running:
 *
 * Returns: whether images are left to do
 */
gboolean
ub_blocking_pipeline_is_running (UbBlockingPipeline *self)
{
  return self->next < self->n_images;
}

guint
ub_blocking_pipeline_get_n_done (UbBlockingPipeline *self)
{
  return self->next;
}

guint
ub_blocking_pipeline_get_n_images (UbBlockingPipeline *self)
{
  return self->n_images;
}
