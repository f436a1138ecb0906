/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-blocking-pipeline.h"
#include "ub-pipeline.h"

/*
 * The Channels page's negative control: the pipeline's decode and scale
 * run on the main thread instead, one image per main-loop iteration, so
 * that every byte goes through the main thread. Main thread only.
 */

struct _UbBlockingPipeline
{
  GStrv                 paths;      /* (owned) */
  guint                 n_images;
  guint                 max_size;
  UbBlockingResultFunc  func;
  gpointer              user_data;
  guint                 next;       /* the next image to do */
  guint                 idle_id;    /* 0 while paused or finished */
  gboolean              paused;
};

static gboolean
step (gpointer user_data)
{
  UbBlockingPipeline *self = user_data;
  g_autoptr(UbPngImage) small = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  guint32 width = 0, height = 0, w = 0, h = 0;
  guint64 main_bytes = 0;
  guint index;

  if (self->next >= self->n_images)
    {
      self->idle_id = 0;
      return G_SOURCE_REMOVE;
    }

  index = self->next++;
  small = ub_pipeline_decode_scale_file (self->paths[index], self->max_size, &width, &height,
                                         NULL, &error);
  if (small != NULL)
    {
      /* The full image and its result both lived on the main thread. */
      main_bytes = (guint64) width * height * 4 + small->size;
      w = small->width;
      h = small->height;
      bytes = ub_png_image_steal_bytes (g_steal_pointer (&small));
    }

  /* The last one: finished before the callback looks. */
  if (self->next >= self->n_images)
    self->idle_id = 0;
  self->func (index, w, h, bytes, error != NULL ? error->message : NULL, main_bytes,
              self->user_data);
  return self->idle_id != 0 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/**
 * ub_blocking_pipeline_new:
 * @paths: (array zero-terminated=1): PNG files
 * @max_size: the largest side of a result
 * @func: called for each image, in order, on the main loop
 *
 * Returns: (transfer full): a run that has started
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
  if (self->n_images > 0)
    self->idle_id = g_idle_add_full (G_PRIORITY_DEFAULT, step, self, NULL);
  return self;
}

void
ub_blocking_pipeline_free (UbBlockingPipeline *self)
{
  g_clear_handle_id (&self->idle_id, g_source_remove);
  g_strfreev (self->paths);
  g_free (self);
}

/**
 * ub_blocking_pipeline_set_paused:
 *
 * A paused run does nothing at all (an idle that did nothing would spin)
 * until it is resumed.
 */
void
ub_blocking_pipeline_set_paused (UbBlockingPipeline *self,
                                 gboolean            paused)
{
  self->paused = paused;
  if (paused)
    g_clear_handle_id (&self->idle_id, g_source_remove);
  else if (self->idle_id == 0 && self->next < self->n_images)
    self->idle_id = g_idle_add_full (G_PRIORITY_DEFAULT, step, self, NULL);
}

/**
 * ub_blocking_pipeline_is_running:
 *
 * Returns: whether images are left to do, paused or not
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
