/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "ub-broadcast-channel.h"
#include "ub-channel.h"
#include "ub-error.h"
#include "ub-pipeline.h"
#include "ub-pipeline-private.h"
#include "ub-png-scaler.h"
#include "ub-worker.h"

/* Scaling ------------------------------------------------------------------ */

/**
 * ub_pipeline_scale:
 * @source: an RGBA8 image
 * @max_size: the largest side of the result
 * @pool: (nullable): where the result's buffer comes from
 *
 * Shrinks @source to fit in @max_size × @max_size with the PNG engine's
 * alpha-weighted box filter (ub_png_scale_image()), as the thumbnails are
 * made. An image that already fits is copied as is.
 *
 * Returns: (transfer full) (nullable): the scaled image, or %NULL if its
 *   buffer cannot be had
 */
UbPngImage *
ub_pipeline_scale (const UbPngImage *source,
                   guint             max_size,
                   UbPngPool        *pool)
{
  guint32 width, height;

  g_return_val_if_fail (source != NULL && source->pixels != NULL, NULL);
  g_return_val_if_fail (max_size > 0, NULL);

  ub_png_thumbnail_size (source->width, source->height, max_size, &width, &height);
  return ub_png_scale_image (source, width, height, pool);
}

/**
 * ub_pipeline_decode_scale_file:
 * @path: a PNG file
 * @max_size: the largest side of the result
 * @source_width: (out) (optional): the file's width
 * @source_height: (out) (optional): the file's height
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Decodes and scales in the calling thread: what the one-worker reference
 * does, and what blocking mode runs on the main thread.
 *
 * Returns: (transfer full) (nullable): the scaled image
 */
UbPngImage *
ub_pipeline_decode_scale_file (const char    *path,
                               guint          max_size,
                               guint32       *source_width,
                               guint32       *source_height,
                               GCancellable  *cancellable,
                               GError       **error)
{
  g_autoptr(UbPngImage) image = NULL;
  UbPngLimits limits;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (max_size > 0, NULL);

  ub_png_limits_init_default (&limits);
  image = ub_png_decode_file (path, &limits, ub_png_pool_get_default (), cancellable,
                              NULL, NULL, error);
  if (image == NULL)
    return NULL;

  if (source_width != NULL)
    *source_width = image->width;
  if (source_height != NULL)
    *source_height = image->height;

  return ub_pipeline_scale (image, max_size, ub_png_pool_get_default ());
}

/* Owner side --------------------------------------------------------------- */

/**
 * UbPipeline:
 *
 * The owner's handle on a pipeline: its workers, the current run and the
 * byte counters. Used by one thread, the one that created it; results are
 * emitted in that thread's thread-default context, in the order the images
 * were pushed.
 */
struct _UbPipeline
{
  GObject          parent_instance;

  UbPipelineMode   mode;
  UbWorker        *first;    /* (owned) the decoder, or the single worker */
  UbWorker        *scaler;   /* (owned) (nullable) */
  UbPort          *results;  /* (unowned) the port results arrive on */
  guint            run;
  guint            next_index;
  UbPipelineStats  stats;
};

enum {
  SIGNAL_RESULT,
  SIGNAL_IMAGE_ERROR,
  SIGNAL_WORKER_ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (UbPipeline, ub_pipeline, G_TYPE_OBJECT)

static void
on_result_message (UbPort     *port,
                   UbMessage  *message,
                   UbPipeline *self)
{
  GVariant *body = ub_message_get_body (message);
  guint run, index;

  self->stats.owner_messages++;
  if (body != NULL)
    self->stats.owner_bytes += g_variant_get_size (body);

  if (ub_message_is_kind (message, KIND_RESULT))
    {
      guint width, height, source_width, source_height;
      guint64 between;
      UbBuffer *buffer = NULL;

      g_variant_get (body, "(uuuuuut)", &run, &index, &width, &height,
                     &source_width, &source_height, &between);
      self->stats.between_bytes += between;
      if (ub_message_get_n_buffers (message) == 1)
        {
          buffer = ub_message_get_buffer (message, 0);
          self->stats.owner_bytes += ub_buffer_get_size (buffer);
        }
      if (run != self->run)
        return;

      if (buffer == NULL || ub_buffer_get_size (buffer) != (gsize) width * height * 4)
        {
          self->stats.n_errors++;
          g_signal_emit (self, signals[SIGNAL_IMAGE_ERROR], 0, index,
                         _("The result arrived without its pixels"));
          return;
        }
      self->stats.n_results++;
      g_signal_emit (self, signals[SIGNAL_RESULT], 0, index, width, height, buffer);
    }
  else if (ub_message_is_kind (message, KIND_ERROR))
    {
      const char *why;

      g_variant_get (body, "(uu&s)", &run, &index, &why);
      if (run != self->run)
        return;
      self->stats.n_errors++;
      g_signal_emit (self, signals[SIGNAL_IMAGE_ERROR], 0, index, why);
    }
}

static void
on_worker_error (UbWorker     *worker,
                 const GError *error,
                 UbPipeline   *self)
{
  g_signal_emit (self, signals[SIGNAL_WORKER_ERROR], 0, error);
}

static void
ub_pipeline_dispose (GObject *object)
{
  UbPipeline *self = UB_PIPELINE (object);

  ub_pipeline_terminate (self);
  if (self->results != NULL)
    g_signal_handlers_disconnect_by_data (self->results, self);
  self->results = NULL;
  if (self->first != NULL)
    g_signal_handlers_disconnect_by_data (self->first, self);
  if (self->scaler != NULL)
    g_signal_handlers_disconnect_by_data (self->scaler, self);
  g_clear_object (&self->first);
  g_clear_object (&self->scaler);

  G_OBJECT_CLASS (ub_pipeline_parent_class)->dispose (object);
}

static void
ub_pipeline_class_init (UbPipelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ub_pipeline_dispose;

  /**
   * UbPipeline::result:
   * @pipeline: the pipeline
   * @index: the image's index in its run
   * @width: the result's width
   * @height: the result's height
   * @pixels: (transfer none): RGBA8, stride 4 × @width, transferred from
   *   the worker; take a reference (or ub_buffer_dup_bytes()) to keep it
   */
  signals[SIGNAL_RESULT] =
    g_signal_new ("result", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 4, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_UINT, UB_TYPE_BUFFER);

  /**
   * UbPipeline::image-error:
   * @pipeline: the pipeline
   * @index: the image's index in its run
   * @message: why it failed
   */
  signals[SIGNAL_IMAGE_ERROR] =
    g_signal_new ("image-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * UbPipeline::worker-error:
   * @pipeline: the pipeline
   * @error: an error one of its workers reported
   */
  signals[SIGNAL_WORKER_ERROR] =
    g_signal_new ("worker-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
ub_pipeline_init (UbPipeline *self)
{
}

static gboolean
post_setup (UbPipeline  *self,
            UbWorker    *worker,
            const char  *control_name,
            guint        max_size,
            UbPort      *port,
            GError     **error)
{
  g_autoptr(UbMessage) message = ub_message_new (KIND_SETUP, g_variant_new ("(su)", control_name,
                                                                       max_size));
  gpointer transfer[] = { port, NULL };

  self->stats.owner_bytes += g_variant_get_size (ub_message_get_body (message));
  self->stats.owner_messages++;
  return ub_port_post_message (ub_worker_get_port (worker), message, transfer, NULL, error);
}

/**
 * ub_pipeline_new:
 * @mode: two workers linked by a channel, or one worker doing both steps
 * @max_size: the largest side of a result
 * @control_name: (nullable): the broadcast channel the workers obey
 * @error: return location for a #GError
 *
 * Starts the pipeline's workers. In two-worker mode the owner creates a
 * channel and transfers one port to the decoder and the other to the
 * scaler; from then on frames go from worker to worker.
 *
 * Returns: (transfer full) (nullable): the pipeline
 */
UbPipeline *
ub_pipeline_new (UbPipelineMode   mode,
                 guint            max_size,
                 const char      *control_name,
                 GError         **error)
{
  g_autoptr(UbPipeline) self = NULL;

  g_return_val_if_fail (max_size > 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ub_pipeline_register ();
  if (control_name == NULL)
    control_name = "";

  self = g_object_new (UB_TYPE_PIPELINE, NULL);
  self->mode = mode;

  if (mode == UB_PIPELINE_ONE_WORKER)
    {
      self->first = ub_worker_new (UB_PIPELINE_SINGLE_KIND, error);
      if (self->first != NULL)
        ub_worker_set_name (self->first, UB_PIPELINE_SINGLE_NAME);
      if (self->first == NULL ||
          !post_setup (self, self->first, control_name, max_size, NULL, error))
        return NULL;
      self->results = ub_worker_get_port (self->first);
    }
  else
    {
      g_autoptr(UbChannel) channel = NULL;
      g_autoptr(UbPort) to_scaler = NULL;
      g_autoptr(UbPort) from_decoder = NULL;

      self->first = ub_worker_new (UB_PIPELINE_DECODER_KIND, error);
      if (self->first == NULL)
        return NULL;
      self->scaler = ub_worker_new (UB_PIPELINE_SCALER_KIND, error);
      if (self->scaler == NULL)
        return NULL;
      ub_worker_set_name (self->first, UB_PIPELINE_DECODER_NAME);
      ub_worker_set_name (self->scaler, UB_PIPELINE_SCALER_NAME);

      channel = ub_channel_new (0);
      to_scaler = ub_channel_steal_port1 (channel);
      from_decoder = ub_channel_steal_port2 (channel);
      ub_port_set_label (to_scaler, UB_PIPELINE_DECODER_NAME " → scale");
      ub_port_set_label (from_decoder, UB_PIPELINE_SCALER_NAME " ← decode");

      if (!post_setup (self, self->first, control_name, max_size, to_scaler, error) ||
          !post_setup (self, self->scaler, control_name, max_size, from_decoder, error))
        return NULL;
      self->results = ub_worker_get_port (self->scaler);
      g_signal_connect (self->scaler, "error", G_CALLBACK (on_worker_error), self);
    }

  g_signal_connect (self->first, "error", G_CALLBACK (on_worker_error), self);
  g_signal_connect (self->results, "message", G_CALLBACK (on_result_message), self);
  self->run = 1;

  return g_steal_pointer (&self);
}

/**
 * ub_pipeline_get_mode:
 * @self: a #UbPipeline
 *
 * Returns: how the pipeline was built
 */
UbPipelineMode
ub_pipeline_get_mode (UbPipeline *self)
{
  g_return_val_if_fail (UB_IS_PIPELINE (self), UB_PIPELINE_TWO_WORKERS);

  return self->mode;
}

/**
 * ub_pipeline_new_run:
 * @self: a #UbPipeline
 *
 * Starts a new run: results of earlier runs are ignored from now on, and
 * the per-run counters start again from zero.
 *
 * Returns: the new run's number
 */
guint
ub_pipeline_new_run (UbPipeline *self)
{
  g_return_val_if_fail (UB_IS_PIPELINE (self), 0);

  self->run++;
  self->next_index = 0;
  self->stats.n_posted = 0;
  self->stats.n_results = 0;
  self->stats.n_errors = 0;
  return self->run;
}

/**
 * ub_pipeline_get_run:
 * @self: a #UbPipeline
 *
 * Returns: the current run's number (what a "cancel" broadcast names)
 */
guint
ub_pipeline_get_run (UbPipeline *self)
{
  g_return_val_if_fail (UB_IS_PIPELINE (self), 0);

  return self->run;
}

/**
 * ub_pipeline_push:
 * @self: a #UbPipeline
 * @path: a PNG file
 *
 * Sends @path down the pipeline, in the current run.
 *
 * Returns: the image's index in the run
 */
guint
ub_pipeline_push (UbPipeline *self,
                  const char *path)
{
  g_autoptr(GVariant) body = NULL;
  g_autoptr(GError) error = NULL;
  guint index;

  g_return_val_if_fail (UB_IS_PIPELINE (self), 0);
  g_return_val_if_fail (path != NULL, 0);

  index = self->next_index++;
  body = g_variant_ref_sink (g_variant_new ("(uus)", self->run, index, path));
  self->stats.n_posted++;
  self->stats.owner_bytes += g_variant_get_size (body);
  self->stats.owner_messages++;
  if (self->first == NULL ||
      !ub_port_post (ub_worker_get_port (self->first), KIND_DECODE, g_variant_ref (body), &error))
    {
      self->stats.n_errors++;
      g_signal_emit (self, signals[SIGNAL_IMAGE_ERROR], 0, index,
                     error != NULL ? error->message : _("The pipeline was terminated"));
    }
  return index;
}

/**
 * ub_pipeline_is_idle:
 * @self: a #UbPipeline
 *
 * Returns: whether every image of the current run has come back
 */
gboolean
ub_pipeline_is_idle (UbPipeline *self)
{
  g_return_val_if_fail (UB_IS_PIPELINE (self), TRUE);

  return self->stats.n_results + self->stats.n_errors >= self->stats.n_posted;
}

/**
 * ub_pipeline_get_stats:
 * @self: a #UbPipeline
 * @stats: (out caller-allocates): where to store the counters
 */
void
ub_pipeline_get_stats (UbPipeline      *self,
                       UbPipelineStats *stats)
{
  g_return_if_fail (UB_IS_PIPELINE (self));
  g_return_if_fail (stats != NULL);

  *stats = self->stats;
}

/**
 * ub_pipeline_terminate:
 * @self: a #UbPipeline
 *
 * Terminates the workers at once; nothing more is emitted.
 */
void
ub_pipeline_terminate (UbPipeline *self)
{
  g_return_if_fail (UB_IS_PIPELINE (self));

  if (self->first != NULL)
    ub_worker_terminate (self->first);
  if (self->scaler != NULL)
    ub_worker_terminate (self->scaler);
}
