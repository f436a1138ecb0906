/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include <errno.h>
#include <glib/gstdio.h>

#include "ub-broadcast-channel.h"
#include "ub-channels-page.h"
#include "ub-job.h"
#include "ub-page.h"
#include "ub-pipeline.h"
#include "ub-png-jobs.h"
#include "ub-runtime-view.h"
#include "ub-sample-writer.h"
#include "ub-ui-format.h"
#include "ub-ui.h"
#include "ub-worker-pool.h"

/*
 * The Channels page: a live view of every worker and port of the runtime
 * (UbRuntimeView), and a worker-to-worker pipeline to watch in it.
 *
 * The pipeline: the page creates a channel, transfers port1 to a decoder
 * worker and port2 to a scaler worker (UbPipeline), posts file names to the
 * decoder and receives only the scaled results from the scaler. The page
 * shows how many bytes crossed the main thread and how many went between
 * the workers. Pause, resume and cancel go out on the "unblock.control"
 * broadcast channel, and every pipeline worker acknowledges on it.
 *
 * In blocking mode the same decode+scale runs on the main thread, one image
 * per main-loop iteration: every byte then goes through the main thread.
 */

#define N_SAMPLES        24
#define SAMPLE_SIZE      1024
#define RESULT_SIZE      96
struct _UbChannelsPage
{
  GtkWidget                  parent_instance;

  /* Template widgets */
  GtkWidget                 *content;
  GtkLabel                  *status_label;
  GtkLabel                  *error_label;
  UbRuntimeView             *runtime_view;
  GtkLabel                  *bytes_label;
  GtkLevelBar               *share_bar;
  GtkLabel                  *acks_label;
  GtkFlowBox                *results_box;
  GtkCheckButton            *single_check;
  GtkButton                 *pause_button;

  /* Owned references */
  UbPipeline                *pipeline;
  UbBroadcastChannel        *control;
  UbSampleWriter            *samples;      /* (nullable) while sample images are written */
  GArray                    *arrivals;     /* guint: result indices, in arrival order */
  GPtrArray                 *blocking_paths; /* (element-type utf8) blocking mode's queue */
  char                      *folder;
  char                      *error;
  char                      *acks[3];      /* decoder, scaler, single: last command */
  char                      *sent;         /* the last command broadcast */

  guint                      blocking_id;
  guint                      blocking_next;
  guint                      n_samples;
  guint                      sample_size;
  guint64                    blocking_bytes;  /* bytes decode+scale moved on the main thread */
  guint                      blocking_done;
  gboolean                   paused;
  gboolean                   cancelled;
  gboolean                   running_blocking;
};


G_DEFINE_FINAL_TYPE (UbChannelsPage, ub_channels_page, UB_TYPE_PAGE)

static void
show_error (UbChannelsPage *self,
            const char     *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

/* Pipeline ----------------------------------------------------------------- */

static guint
n_expected (UbChannelsPage *self)
{
  UbPipelineStats stats = { 0 };

  if (self->running_blocking)
    return self->blocking_paths != NULL ? self->blocking_paths->len : 0;
  if (self->pipeline != NULL)
    ub_pipeline_get_stats (self->pipeline, &stats);
  return stats.n_posted;
}

static guint
n_samples_left (UbChannelsPage *self)
{
  return self->samples != NULL ? ub_sample_writer_get_n_left (self->samples) : 0;
}

static void
update_pipeline_labels (UbChannelsPage *self)
{
  UbPipelineStats stats = { 0 };
  g_autofree char *main_text = NULL;
  g_autofree char *between_text = NULL;
  g_autofree char *text = NULL;
  g_autofree char *status = NULL;
  guint64 main_bytes, between_bytes;
  double share;

  if (self->pipeline != NULL)
    ub_pipeline_get_stats (self->pipeline, &stats);

  if (n_samples_left (self) > 0)
    status = g_strdup_printf (_("Writing sample images: %u left…"), n_samples_left (self));
  else if (self->running_blocking)
    status = g_strdup_printf (_("Blocking mode: %u of %u decoded and scaled on the main thread"),
                              self->blocking_done, n_expected (self));
  else if (self->pipeline != NULL)
    status = g_strdup_printf (_("%s · %u of %u images back · %u errors%s%s"),
                              ub_pipeline_get_mode (self->pipeline) == UB_PIPELINE_TWO_WORKERS
                                ? _("decoder → scaler") : _("one worker"),
                              stats.n_results, stats.n_posted, stats.n_errors,
                              self->paused ? " · paused" : "",
                              self->cancelled ? " · cancelled" : "");
  if (status != NULL && g_strcmp0 (gtk_label_get_text (self->status_label), status) != 0)
    gtk_label_set_text (self->status_label, status);

  main_bytes = stats.owner_bytes + self->blocking_bytes;
  between_bytes = stats.between_bytes;

  if (main_bytes + between_bytes == 0)
    return;

  share = main_bytes / (double) (main_bytes + between_bytes);
  main_text = ub_format_bytes (main_bytes);
  between_text = ub_format_bytes (between_bytes);
  text = g_strdup_printf (_("Through the main thread: %s (%llu messages%s)\n"
                          "Between the workers: %s\n"
                          "The main thread carried %.2f %% of the bytes"),
                          main_text, (unsigned long long) stats.owner_messages,
                          self->blocking_bytes > 0 ? _(", and blocking mode's own decoding") : "",
                          between_text, 100.0 * share);
  if (g_strcmp0 (gtk_label_get_text (self->bytes_label), text) != 0)
    gtk_label_set_text (self->bytes_label, text);
  gtk_level_bar_set_value (self->share_bar, share);
}

static void
update_acks (UbChannelsPage *self,
             const char     *sent)
{
  static const char *roles[] = { "decoder", "scaler", "single" };
  g_autoptr(GString) text = g_string_new (NULL);

  g_string_append_printf (text, _("Control channel “%s”: sent “%s”. Acknowledged by:"),
                          UB_PIPELINE_CONTROL_CHANNEL, sent);
  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    if (self->acks[i] != NULL)
      g_string_append_printf (text, " %s (%s)", roles[i], self->acks[i]);
  gtk_label_set_text (self->acks_label, text->str);
}

static void
on_control_message (UbBroadcastChannel *control,
                    UbMessage          *message,
                    UbChannelsPage     *self)
{
  const char *role, *command;
  guint slot;

  if (!ub_pipeline_ack_parse (message, &role, &command))
    return;

  if (g_str_equal (role, "decoder"))
    slot = 0;
  else if (g_str_equal (role, "scaler"))
    slot = 1;
  else if (g_str_equal (role, "single"))
    slot = 2;
  else
    return;

  g_free (self->acks[slot]);
  self->acks[slot] = g_strdup (command);
  update_acks (self, self->sent != NULL ? self->sent : _("nothing"));
}

static void
broadcast (UbChannelsPage *self,
           const char     *kind,
           const char     *name,
           GVariant       *body)
{
  g_autoptr(GError) error = NULL;

  if (self->control == NULL)
    {
      self->control = ub_broadcast_channel_new (UB_PIPELINE_CONTROL_CHANNEL);
      g_signal_connect (self->control, "message", G_CALLBACK (on_control_message), self);
    }

  for (guint i = 0; i < G_N_ELEMENTS (self->acks); i++)
    g_clear_pointer (&self->acks[i], g_free);
  g_free (self->sent);
  self->sent = g_strdup (name);
  if (!ub_broadcast_channel_post (self->control, kind, body, &error))
    show_error (self, error->message);
  update_acks (self, name);
}

static void
add_result (UbChannelsPage *self,
            guint           index,
            guint           width,
            guint           height,
            GBytes         *pixels)
{
  g_autoptr(GdkTexture) texture = NULL;
  GtkWidget *picture;

  g_array_append_val (self->arrivals, index);

  /* The bytes are the worker's own buffer: the texture wraps it, no copy. */
  texture = gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8A8, pixels, (gsize) width * 4);
  picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_widget_set_size_request (picture, RESULT_SIZE / 2, RESULT_SIZE / 2);
  gtk_flow_box_append (self->results_box, picture);
}

static void
on_pipeline_result (UbPipeline     *pipeline,
                    guint           index,
                    guint           width,
                    guint           height,
                    UbBuffer       *pixels,
                    UbChannelsPage *self)
{
  g_autoptr(GBytes) bytes = ub_buffer_dup_bytes (pixels);

  if (bytes != NULL)
    add_result (self, index, width, height, bytes);
  if (ub_pipeline_is_idle (pipeline))
    update_pipeline_labels (self);
}

static void
on_pipeline_image_error (UbPipeline     *pipeline,
                         guint           index,
                         const char     *message,
                         UbChannelsPage *self)
{
  g_autofree char *text = g_strdup_printf (_("Image %u: %s"), index + 1, message);

  show_error (self, text);
}

static void
on_pipeline_worker_error (UbPipeline     *pipeline,
                          const GError   *error,
                          UbChannelsPage *self)
{
  show_error (self, error->message);
}

static void
clear_pipeline (UbChannelsPage *self)
{
  if (self->pipeline == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->pipeline, self);
  ub_pipeline_terminate (self->pipeline);
  g_clear_object (&self->pipeline);
}

static void
clear_results (UbChannelsPage *self)
{
  GtkWidget *child;

  g_array_set_size (self->arrivals, 0);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->results_box))) != NULL)
    gtk_flow_box_remove (self->results_box, child);
}

static void
stop_blocking (UbChannelsPage *self)
{
  g_clear_handle_id (&self->blocking_id, g_source_remove);
  g_clear_pointer (&self->blocking_paths, g_ptr_array_unref);
  self->running_blocking = FALSE;
}

/* Blocking mode: one image per main-loop iteration, on the main thread. */
static gboolean
blocking_step (gpointer user_data)
{
  UbChannelsPage *self = user_data;
  g_autoptr(UbPngImage) small = NULL;
  g_autoptr(GError) error = NULL;
  guint32 width = 0, height = 0;
  guint index;

  if (self->paused)
    {
      /* Resumed by toggle_pause(); an idle that does nothing would spin. */
      self->blocking_id = 0;
      return G_SOURCE_REMOVE;
    }
  if (self->blocking_paths == NULL || self->blocking_next >= self->blocking_paths->len)
    {
      self->blocking_id = 0;
      self->running_blocking = FALSE;
      update_pipeline_labels (self);
      return G_SOURCE_REMOVE;
    }

  index = self->blocking_next++;
  small = ub_pipeline_decode_scale_file (g_ptr_array_index (self->blocking_paths, index),
                                         RESULT_SIZE, &width, &height, NULL, &error);
  self->blocking_done++;
  if (small == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Image %u: %s"), index + 1, error->message);

      show_error (self, text);
    }
  else
    {
      guint32 w = small->width, h = small->height;
      g_autoptr(GBytes) bytes = NULL;

      /* The full image and its result both lived on the main thread. */
      self->blocking_bytes += (guint64) width * height * 4 + small->size;
      bytes = ub_png_image_steal_bytes (g_steal_pointer (&small));
      add_result (self, index, w, h, bytes);
    }
  update_pipeline_labels (self);
  return G_SOURCE_CONTINUE;
}

static gboolean
ensure_pipeline (UbChannelsPage *self)
{
  UbPipelineMode mode = gtk_check_button_get_active (self->single_check)
                          ? UB_PIPELINE_ONE_WORKER : UB_PIPELINE_TWO_WORKERS;
  g_autoptr(GError) error = NULL;

  if (self->pipeline != NULL && ub_pipeline_get_mode (self->pipeline) == mode)
    return TRUE;

  clear_pipeline (self);
  self->pipeline = ub_pipeline_new (mode, RESULT_SIZE, UB_PIPELINE_CONTROL_CHANNEL, &error);
  if (self->pipeline == NULL)
    {
      show_error (self, error->message);
      return FALSE;
    }
  g_signal_connect (self->pipeline, "result", G_CALLBACK (on_pipeline_result), self);
  g_signal_connect (self->pipeline, "image-error", G_CALLBACK (on_pipeline_image_error), self);
  g_signal_connect (self->pipeline, "worker-error", G_CALLBACK (on_pipeline_worker_error), self);
  return TRUE;
}

/**
 * ub_channels_page_run_files:
 * @paths: (array zero-terminated=1): PNG files
 *
 * Sends @paths through the pipeline (or, in blocking mode, decodes and
 * scales them on the main thread), replacing the results shown.
 */
void
ub_channels_page_run_files (UbChannelsPage     *self,
                            const char * const *paths)
{
  g_return_if_fail (UB_IS_CHANNELS_PAGE (self));
  g_return_if_fail (paths != NULL);

  show_error (self, NULL);
  stop_blocking (self);
  clear_results (self);
  self->cancelled = FALSE;
  if (self->paused)
    {
      self->paused = FALSE;
      gtk_button_set_label (self->pause_button, "_Pause All");
      broadcast (self, UB_PIPELINE_RESUME, "resume", NULL);
    }

  if (ub_page_get_blocking (UB_PAGE (self)))
    {
      self->blocking_paths = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; paths[i] != NULL; i++)
        g_ptr_array_add (self->blocking_paths, g_strdup (paths[i]));
      self->blocking_next = 0;
      self->blocking_done = 0;
      self->running_blocking = TRUE;
      self->blocking_id = g_idle_add_full (G_PRIORITY_DEFAULT, blocking_step, self, NULL);
      update_pipeline_labels (self);
      return;
    }

  if (!ensure_pipeline (self))
    return;

  ub_pipeline_new_run (self->pipeline);
  for (guint i = 0; paths[i] != NULL; i++)
    ub_pipeline_push (self->pipeline, paths[i]);
  update_pipeline_labels (self);
}

static void
clear_samples (UbChannelsPage *self)
{
  if (self->samples == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->samples, self);
  ub_sample_writer_cancel (self->samples);
  g_clear_object (&self->samples);
}

static void
on_samples_done (UbChannelsPage *self,
                 UbSampleWriter *samples)
{
  g_auto(GStrv) paths = ub_sample_writer_dup_paths (samples);

  clear_samples (self);
  ub_channels_page_run_files (self, (const char * const *) paths);
}

static void
on_samples_failed (UbChannelsPage *self,
                   const char     *message,
                   UbSampleWriter *samples)
{
  show_error (self, message);
  update_pipeline_labels (self);
}

static void
start_samples (UbChannelsPage *self)
{
  g_autoptr(GError) error = NULL;

  clear_samples (self);
  show_error (self, NULL);

  /* The writer's own workers: they stop once the images are written. */
  self->samples = ub_sample_writer_new (self->folder, self->n_samples, self->sample_size);
  if (!ub_sample_writer_start (self->samples, NULL, &error))
    {
      show_error (self, error->message);
      clear_samples (self);
      return;
    }

  if (ub_sample_writer_get_n_left (self->samples) == 0)
    {
      on_samples_done (self, self->samples);
      return;
    }

  g_signal_connect_swapped (self->samples, "progress", G_CALLBACK (update_pipeline_labels), self);
  g_signal_connect_swapped (self->samples, "done", G_CALLBACK (on_samples_done), self);
  g_signal_connect_swapped (self->samples, "failed", G_CALLBACK (on_samples_failed), self);
  update_pipeline_labels (self);
}

static void
on_runtime_updated (UbChannelsPage *self)
{
  update_pipeline_labels (self);
}

/* UbPage ------------------------------------------------------------------- */

static void
ub_channels_page_start (UbPage *page)
{
  start_samples (UB_CHANNELS_PAGE (page));
}

static void
ub_channels_page_cancel (UbPage *page)
{
  UbChannelsPage *self = UB_CHANNELS_PAGE (page);

  clear_samples (self);
  stop_blocking (self);
  self->cancelled = TRUE;
  broadcast (self, UB_PIPELINE_CANCEL, "cancel",
             g_variant_new_uint32 (self->pipeline != NULL ? ub_pipeline_get_run (self->pipeline) : 0));
  update_pipeline_labels (self);
}

static void
ub_channels_page_toggle_pause (UbPage *page)
{
  UbChannelsPage *self = UB_CHANNELS_PAGE (page);

  self->paused = !self->paused;
  gtk_button_set_label (self->pause_button, self->paused ? "_Resume All" : "_Pause All");
  if (self->paused)
    broadcast (self, UB_PIPELINE_PAUSE, "pause", NULL);
  else
    broadcast (self, UB_PIPELINE_RESUME, "resume", NULL);
  if (!self->paused && self->running_blocking && self->blocking_id == 0)
    self->blocking_id = g_idle_add_full (G_PRIORITY_DEFAULT, blocking_step, self, NULL);
  update_pipeline_labels (self);
}

static gboolean
ub_channels_page_is_busy (UbPage *page)
{
  UbChannelsPage *self = UB_CHANNELS_PAGE (page);

  return n_samples_left (self) > 0 || self->running_blocking ||
         (self->pipeline != NULL && !self->cancelled && !ub_pipeline_is_idle (self->pipeline));
}


/* GObject ------------------------------------------------------------------ */

static void
ub_channels_page_dispose (GObject *object)
{
  UbChannelsPage *self = UB_CHANNELS_PAGE (object);

  /* Nothing the workers still send may reach this page. */
  clear_samples (self);
  stop_blocking (self);
  clear_pipeline (self);
  if (self->control != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->control, self);
      ub_broadcast_channel_close (self->control);
      g_clear_object (&self->control);
    }

  G_OBJECT_CLASS (ub_channels_page_parent_class)->dispose (object);
}

static void
ub_channels_page_finalize (GObject *object)
{
  UbChannelsPage *self = UB_CHANNELS_PAGE (object);

  g_clear_pointer (&self->arrivals, g_array_unref);
  g_clear_pointer (&self->folder, g_free);
  g_clear_pointer (&self->error, g_free);
  g_clear_pointer (&self->sent, g_free);
  for (guint i = 0; i < G_N_ELEMENTS (self->acks); i++)
    g_clear_pointer (&self->acks[i], g_free);

  G_OBJECT_CLASS (ub_channels_page_parent_class)->finalize (object);
}

static void
ub_channels_page_class_init (UbChannelsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  UbPageClass *page_class = UB_PAGE_CLASS (klass);

  object_class->dispose = ub_channels_page_dispose;
  page_class->start = ub_channels_page_start;
  page_class->cancel = ub_channels_page_cancel;
  page_class->toggle_pause = ub_channels_page_toggle_pause;
  page_class->start_demo = ub_channels_page_start;
  page_class->is_busy = ub_channels_page_is_busy;
  object_class->finalize = ub_channels_page_finalize;

  ub_page_class_set_template (widget_class, "/io/unblock/Unblock/ub-channels-page.ui");
  gtk_widget_class_bind_template_child (widget_class, UbChannelsPage, content);
  gtk_widget_class_bind_template_child (widget_class, UbChannelsPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, UbChannelsPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, UbChannelsPage, runtime_view);
  gtk_widget_class_bind_template_child (widget_class, UbChannelsPage, bytes_label);
  gtk_widget_class_bind_template_child (widget_class, UbChannelsPage, share_bar);
  gtk_widget_class_bind_template_child (widget_class, UbChannelsPage, acks_label);
  gtk_widget_class_bind_template_child (widget_class, UbChannelsPage, results_box);
  gtk_widget_class_bind_template_child (widget_class, UbChannelsPage, single_check);
  gtk_widget_class_bind_template_child (widget_class, UbChannelsPage, pause_button);
  gtk_widget_class_bind_template_callback (widget_class, on_runtime_updated);

  g_type_ensure (UB_TYPE_RUNTIME_VIEW);
}

static void
ub_channels_page_init (UbChannelsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->arrivals = g_array_new (FALSE, FALSE, sizeof (guint));
  self->folder = g_build_filename (g_get_user_cache_dir (), "unblock", "pipeline", NULL);
  self->n_samples = N_SAMPLES;
  self->sample_size = SAMPLE_SIZE;

}

GtkWidget *
ub_channels_page_new (void)
{
  return g_object_new (UB_TYPE_CHANNELS_PAGE, NULL);
}

/**
 * ub_channels_page_set_samples:
 * @folder: where the sample images are written
 * @n_images: how many the pipeline runs
 * @size: their width and height
 */
void
ub_channels_page_set_samples (UbChannelsPage *self,
                              const char     *folder,
                              guint           n_images,
                              guint           size)
{
  g_return_if_fail (UB_IS_CHANNELS_PAGE (self));
  g_return_if_fail (folder != NULL);
  g_return_if_fail (n_images > 0 && size > 0);

  g_free (self->folder);
  self->folder = g_strdup (folder);
  self->n_samples = n_images;
  self->sample_size = size;
}

/**
 * ub_channels_page_set_one_worker:
 * @one_worker: run decode and scale in one worker (the reference)
 */
void
ub_channels_page_set_one_worker (UbChannelsPage *self,
                                 gboolean        one_worker)
{
  g_return_if_fail (UB_IS_CHANNELS_PAGE (self));

  gtk_check_button_set_active (self->single_check, one_worker);
}

/**
 * ub_channels_page_refresh:
 *
 * Updates the live view now, as the poll does.
 */
void
ub_channels_page_refresh (UbChannelsPage *self)
{
  g_return_if_fail (UB_IS_CHANNELS_PAGE (self));

  ub_runtime_view_refresh (self->runtime_view);
}

/**
 * ub_channels_page_get_update_stats:
 * @stats: (out caller-allocates): what the live view's updates cost
 */
void
ub_channels_page_get_update_stats (UbChannelsPage     *self,
                                   UbRuntimeViewStats *stats)
{
  g_return_if_fail (UB_IS_CHANNELS_PAGE (self));

  ub_runtime_view_get_stats (self->runtime_view, stats);
}

/**
 * ub_channels_page_get_arrivals:
 * @n_arrivals: (out): how many results are shown
 *
 * Returns: (transfer none) (array length=n_arrivals): the results' indices
 *   in the order they arrived
 */
const guint *
ub_channels_page_get_arrivals (UbChannelsPage *self,
                               guint          *n_arrivals)
{
  g_return_val_if_fail (UB_IS_CHANNELS_PAGE (self), NULL);
  g_return_val_if_fail (n_arrivals != NULL, NULL);

  *n_arrivals = self->arrivals->len;
  return (const guint *) self->arrivals->data;
}

/**
 * ub_channels_page_get_pipeline:
 *
 * Returns: (transfer none) (nullable): the page's pipeline, if one ran
 */
UbPipeline *
ub_channels_page_get_pipeline (UbChannelsPage *self)
{
  g_return_val_if_fail (UB_IS_CHANNELS_PAGE (self), NULL);

  return self->pipeline;
}

/**
 * ub_channels_page_get_main_bytes:
 *
 * Returns: bytes the pipeline moved through the main thread, blocking mode
 *   included
 */
guint64
ub_channels_page_get_main_bytes (UbChannelsPage *self)
{
  UbPipelineStats stats = { 0 };

  g_return_val_if_fail (UB_IS_CHANNELS_PAGE (self), 0);

  if (self->pipeline != NULL)
    ub_pipeline_get_stats (self->pipeline, &stats);
  return stats.owner_bytes + self->blocking_bytes;
}

/**
 * ub_channels_page_get_acks:
 *
 * Returns: (transfer none): the acknowledgement line shown
 */
const char *
ub_channels_page_get_acks (UbChannelsPage *self)
{
  g_return_val_if_fail (UB_IS_CHANNELS_PAGE (self), NULL);

  return gtk_label_get_text (self->acks_label);
}

/**
 * ub_channels_page_is_paused:
 *
 * Returns: whether the page last broadcast "pause"
 */
gboolean
ub_channels_page_is_paused (UbChannelsPage *self)
{
  g_return_val_if_fail (UB_IS_CHANNELS_PAGE (self), FALSE);

  return self->paused;
}

/**
 * ub_channels_page_get_error:
 *
 * Returns: (transfer none) (nullable): the error shown, if any
 */
const char *
ub_channels_page_get_error (UbChannelsPage *self)
{
  g_return_val_if_fail (UB_IS_CHANNELS_PAGE (self), NULL);

  return self->error;
}
