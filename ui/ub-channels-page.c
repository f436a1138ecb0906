/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "ub-blocking-pipeline.h"
#include "ub-channels-control.h"
#include "ub-channels-diagram.h"
#include "ub-channels-page-private.h"
#include "ub-job.h"
#include "ub-page.h"
#include "ub-pipeline.h"
#include "ub-png-jobs.h"
#include "ub-run-manager.h"
#include "ub-runtime-view.h"
#include "ub-sample-writer.h"
#include "ub-texture-paintable.h"
#include "ub-ui.h"
#include "ub-worker-pool.h"

/*
 * The Channels page: a live picture of every thread and channel of the
 * runtime (UbChannelsDiagram, with the same in tables, UbRuntimeView),
 * and a worker-to-worker pipeline to watch in it.
 *
 * The pipeline: the page creates a channel, transfers port1 to a decoder
 * worker and port2 to a scaler worker (UbPipeline), posts file names to the
 * decoder and receives only the scaled results from the scaler. The page
 * shows how many bytes crossed the main thread and how many went between
 * the workers. Pause, resume and cancel go out on the "unblock.control"
 * broadcast channel, and every pipeline worker acknowledges on it.
 *
 * In blocking mode the same decode+scale runs on the main thread, as one
 * job per image, image after image (ub_job_run_blocking()): every byte
 * then goes through the main thread.
 */

#define N_SAMPLES        24
#define SAMPLE_SIZE      1024
#define RESULT_SIZE      96


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

static void
on_control_changed (UbChannelsPage *self)
{
  _ub_channels_page_set_label (self->acks_label, ub_channels_control_get_text (self->control));
}

static void
broadcast (UbChannelsPage *self,
           const char     *kind,
           const char     *command,
           GVariant       *body)
{
  g_autoptr(GError) error = NULL;

  if (!ub_channels_control_send (self->control, kind, command, body, self->pipeline != NULL, &error))
    show_error (self, error->message);
}

static void
show_result (UbChannelsPage *self,
             guint           index,
             GdkTexture     *texture)
{
  g_autoptr(UbTexturePaintable) paintable = ub_texture_paintable_new (texture);
  GtkWidget *picture;

  g_array_append_val (self->arrivals, index);
  g_ptr_array_add (self->textures, g_object_ref (texture));
  /* Drawn from a node kept, not converted again in every frame. */
  picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (paintable));
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_widget_set_size_request (picture, RESULT_SIZE / 2, RESULT_SIZE / 2);
  gtk_flow_box_append (self->results_box, picture);
}

static void
add_result (UbChannelsPage *self,
            guint           index,
            guint           width,
            guint           height,
            GBytes         *pixels)
{
  g_autoptr(GdkTexture) texture = NULL;

  /* The bytes are the worker's own buffer: the texture wraps it, no copy. */
  texture = gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8A8, pixels, (gsize) width * 4);
  show_result (self, index, texture);
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
    _ub_channels_page_update_labels (self);
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

static void apply_pause (UbChannelsPage *self, gboolean paused);
static void ub_channels_page_cancel (UbPage *page);

/* A pause or a cancel made from the activity list. */
static void
on_run_state (UbChannelsPage *self)
{
  UbRunState state = ub_run_get_state (self->run);

  if (state == UB_RUN_CANCELLED && !self->cancelled)
    ub_channels_page_cancel (UB_PAGE (self));
  else if ((state == UB_RUN_PAUSED) != self->paused && ub_run_is_active (self->run))
    apply_pause (self, state == UB_RUN_PAUSED);
}

static void
set_run (UbChannelsPage *self,
         UbRun          *run)
{
  if (self->run != NULL)
    g_signal_handlers_disconnect_by_data (self->run, self);
  g_set_object (&self->run, run);
  if (run != NULL)
    g_signal_connect_swapped (run, "notify::state", G_CALLBACK (on_run_state), self);
}

static void
clear_results (UbChannelsPage *self)
{
  GtkWidget *child;

  g_array_set_size (self->arrivals, 0);
  g_ptr_array_set_size (self->textures, 0);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->results_box))) != NULL)
    gtk_flow_box_remove (self->results_box, child);
}

static void
stop_blocking (UbChannelsPage *self)
{
  g_clear_pointer (&self->blocking, ub_blocking_pipeline_free);
}

static void
on_blocking_result (guint       index,
                    guint       width,
                    guint       height,
                    GBytes     *pixels,
                    const char *error,
                    guint64     main_bytes,
                    gpointer    user_data)
{
  UbChannelsPage *self = user_data;

  self->blocking_bytes += main_bytes;
  if (self->run != NULL && self->blocking != NULL)
    ub_run_set_progress (self->run, ub_blocking_pipeline_get_n_done (self->blocking),
                         ub_blocking_pipeline_get_n_images (self->blocking));
  if (error != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Image %u: %s"), index + 1, error);

      show_error (self, text);
    }
  else
    add_result (self, index, width, height, pixels);
  _ub_channels_page_update_labels (self);
}

static void
connect_pipeline (UbChannelsPage *self)
{
  g_signal_connect (self->pipeline, "result", G_CALLBACK (on_pipeline_result), self);
  g_signal_connect (self->pipeline, "image-error", G_CALLBACK (on_pipeline_image_error), self);
  g_signal_connect (self->pipeline, "worker-error", G_CALLBACK (on_pipeline_worker_error), self);
}

static gboolean
ensure_pipeline (UbChannelsPage *self)
{
  UbPipelineMode mode = gtk_switch_get_active (self->single_switch)
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
  connect_pipeline (self);
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
  /* The old run's end is not this page's cancel. */
  set_run (self, NULL);
  clear_results (self);
  self->cancelled = FALSE;
  if (self->paused)
    {
      self->paused = FALSE;
      gtk_stack_set_visible_child_name (self->pause_stack, "pause");
      broadcast (self, UB_PIPELINE_RESUME, "resume", NULL);
    }

  if (ub_page_get_blocking (UB_PAGE (self)))
    {
      /* Back only when every image is done, as a blocking run is. */
      g_autoptr(UbRun) run = NULL;

      self->blocking = ub_blocking_pipeline_new (paths, RESULT_SIZE, on_blocking_result, self);
      run = _ub_channels_page_start_blocking_run (ub_blocking_pipeline_get_n_images (self->blocking));
      set_run (self, run);
      _ub_channels_page_update_labels (self);
      if (ub_blocking_pipeline_run (self->blocking))
        {
          ub_run_complete (run);
          _ub_channels_page_update_labels (self);
        }
      return;
    }

  if (!ensure_pipeline (self))
    return;

  ub_pipeline_new_run (self->pipeline);
  {
    g_autoptr(UbRun) run = _ub_channels_page_track_pipeline (self, g_strv_length ((char **) paths));

    set_run (self, run);
  }
  for (guint i = 0; paths[i] != NULL; i++)
    ub_pipeline_push (self->pipeline, paths[i]);
  _ub_channels_page_update_labels (self);
}

static void
clear_samples (UbChannelsPage *self)
{
  ub_sample_writer_clear (&self->samples, self);
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
  _ub_channels_page_update_labels (self);
}

static void
connect_samples (UbChannelsPage *self)
{
  ub_sample_writer_connect (self->samples,
                            G_CALLBACK (_ub_channels_page_update_labels),
                            G_CALLBACK (on_samples_done),
                            G_CALLBACK (on_samples_failed),
                            self);
}

static void
start_samples (UbChannelsPage *self)
{
  g_autoptr(GError) error = NULL;

  clear_samples (self);
  show_error (self, NULL);

  /* The writer's own workers: they stop once the images are written. */
  self->samples = ub_sample_writer_new (self->folder, self->n_samples, self->sample_size);
  ub_sample_writer_set_run_key (self->samples, "channels.samples");
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

  connect_samples (self);
  _ub_channels_page_update_labels (self);
}

static void
on_runtime_updated (UbChannelsPage *self)
{
  _ub_channels_page_update_labels (self);
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
  if (self->run != NULL)
    ub_run_cancel (self->run);
  broadcast (self, UB_PIPELINE_CANCEL, "cancel",
             g_variant_new_uint32 (self->pipeline != NULL ? ub_pipeline_get_run (self->pipeline) : 0));
  _ub_channels_page_update_labels (self);
}

static void
ub_channels_page_toggle_pause (UbPage *page)
{
  UbChannelsPage *self = UB_CHANNELS_PAGE (page);

  apply_pause (self, !self->paused);
  if (self->run != NULL && ub_run_is_active (self->run) && !ub_run_get_blocking (self->run))
    {
      if (self->paused)
        ub_run_pause (self->run);
      else
        ub_run_resume (self->run);
    }
}

static void
apply_pause (UbChannelsPage *self,
             gboolean        paused)
{
  self->paused = paused;
  gtk_stack_set_visible_child_name (self->pause_stack, self->paused ? "resume" : "pause");
  if (self->paused)
    broadcast (self, UB_PIPELINE_PAUSE, "pause", NULL);
  else
    broadcast (self, UB_PIPELINE_RESUME, "resume", NULL);
  _ub_channels_page_update_labels (self);
}

static gboolean
ub_channels_page_is_busy (UbPage *page)
{
  UbChannelsPage *self = UB_CHANNELS_PAGE (page);

  return _ub_channels_page_n_samples_left (self) > 0 || _ub_channels_page_running_blocking (self) ||
         (self->pipeline != NULL && !self->cancelled && !ub_pipeline_is_idle (self->pipeline));
}

/* Reload ------------------------------------------------------------------- */

/* What a page hands over to the next window's page: the pipeline with its
 * workers, the sample writer, and the results shown so far. Owned by the
 * application between the two pages, then by the page that takes it; used
 * on the main thread only. */
typedef struct
{
  UbPipeline     *pipeline;   /* (owned) (nullable) */
  UbSampleWriter *samples;    /* (owned) (nullable) */
  GArray         *arrivals;   /* (owned) */
  GPtrArray      *textures;   /* (owned) */
  guint64         blocking_bytes;
  gboolean        paused;
  gboolean        cancelled;
} ChannelsWork;

/* No page took it: the work stops. */
static void
channels_work_free (gpointer data)
{
  ChannelsWork *work = data;

  ub_sample_writer_clear (&work->samples, NULL);
  if (work->pipeline != NULL)
    ub_pipeline_terminate (work->pipeline);
  g_clear_object (&work->pipeline);
  g_clear_pointer (&work->arrivals, g_array_unref);
  g_clear_pointer (&work->textures, g_ptr_array_unref);
  g_free (work);
}

static void
ub_channels_page_hand_over (UbPage *page)
{
  UbChannelsPage *self = UB_CHANNELS_PAGE (page);
  ChannelsWork *work = g_new0 (ChannelsWork, 1);

  /* Blocking mode's run holds no worker: it goes with the page. */
  if (self->pipeline != NULL)
    g_signal_handlers_disconnect_by_data (self->pipeline, self);
  if (self->samples != NULL)
    g_signal_handlers_disconnect_by_data (self->samples, self);
  work->pipeline = g_steal_pointer (&self->pipeline);
  work->samples = g_steal_pointer (&self->samples);
  work->arrivals = g_array_ref (self->arrivals);
  work->textures = g_ptr_array_ref (self->textures);
  work->blocking_bytes = self->blocking_bytes;
  work->paused = self->paused;
  work->cancelled = self->cancelled;
  ub_page_keep_work (page, work, channels_work_free);
}

/* A reloaded window: the pipeline as it was, in the same workers. */
static void
take_over (UbChannelsPage *self)
{
  ChannelsWork *work = ub_page_take_work (UB_PAGE (self));
  g_autoptr(UbRun) run = NULL;

  if (work == NULL)
    return;

  run = ub_run_manager_dup_run (ub_run_manager_get_default (), "channels");
  if (run != NULL && ub_run_is_active (run))
    set_run (self, run);

  self->pipeline = g_steal_pointer (&work->pipeline);
  if (self->pipeline != NULL)
    {
      gtk_switch_set_active (self->single_switch,
                             ub_pipeline_get_mode (self->pipeline) == UB_PIPELINE_ONE_WORKER);
      connect_pipeline (self);
    }
  self->samples = g_steal_pointer (&work->samples);
  if (self->samples != NULL)
    connect_samples (self);
  for (guint i = 0; i < work->arrivals->len; i++)
    show_result (self, g_array_index (work->arrivals, guint, i), work->textures->pdata[i]);
  self->blocking_bytes = work->blocking_bytes;
  self->paused = work->paused;
  self->cancelled = work->cancelled;
  gtk_stack_set_visible_child_name (self->pause_stack, self->paused ? "resume" : "pause");
  channels_work_free (work);
  _ub_channels_page_update_labels (self);
}

/* GObject ------------------------------------------------------------------ */

static void
ub_channels_page_dispose (GObject *object)
{
  UbChannelsPage *self = UB_CHANNELS_PAGE (object);

  /* Nothing the workers still send may reach this page; the samples go
   * on being written in their run. */
  ub_sample_writer_detach (&self->samples, self);
  stop_blocking (self);
  /* A run still going in the pipeline takes it over (the background). */
  if (self->pipeline != NULL && _ub_channels_page_leave_pipeline (self->run))
    {
      g_signal_handlers_disconnect_by_data (self->pipeline, self);
      g_clear_object (&self->pipeline);
    }
  clear_pipeline (self);
  set_run (self, NULL);
  if (self->control != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->control, self);
      ub_channels_control_close (self->control);
      g_clear_object (&self->control);
    }

  G_OBJECT_CLASS (ub_channels_page_parent_class)->dispose (object);
}

static void
ub_channels_page_finalize (GObject *object)
{
  UbChannelsPage *self = UB_CHANNELS_PAGE (object);

  g_clear_pointer (&self->arrivals, g_array_unref);
  g_clear_pointer (&self->textures, g_ptr_array_unref);
  g_clear_pointer (&self->folder, g_free);
  g_clear_pointer (&self->error, g_free);

  G_OBJECT_CLASS (ub_channels_page_parent_class)->finalize (object);
}

static const UbPageChild channels_children[] = {
  UB_PAGE_CHILD (UbChannelsPage, status_row), UB_PAGE_CHILD (UbChannelsPage, samples_box),
  UB_PAGE_CHILD (UbChannelsPage, samples_bar), UB_PAGE_CHILD (UbChannelsPage, error_label),
  UB_PAGE_CHILD (UbChannelsPage, view_stack), UB_PAGE_CHILD (UbChannelsPage, diagram),
  UB_PAGE_CHILD (UbChannelsPage, runtime_view), UB_PAGE_CHILD (UbChannelsPage, bytes_label),
  UB_PAGE_CHILD (UbChannelsPage, share_bar), UB_PAGE_CHILD (UbChannelsPage, acks_label),
  UB_PAGE_CHILD (UbChannelsPage, results_box), UB_PAGE_CHILD (UbChannelsPage, single_switch),
  UB_PAGE_CHILD (UbChannelsPage, pause_button),
  { NULL }
};

static const UbPageCallback channels_callbacks[] = {
  UB_PAGE_CALLBACK (on_runtime_updated),
  { NULL }
};

static void
ub_channels_page_class_init (UbChannelsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  UbPageClass *page_class = UB_PAGE_CLASS (klass);

  object_class->dispose = ub_channels_page_dispose;
  UB_PAGE_CLASS_IMPLEMENT_WORK (page_class, ub_channels_page);
  page_class->toggle_pause = ub_channels_page_toggle_pause;
  object_class->finalize = ub_channels_page_finalize;

  ub_page_class_set_view (widget_class, "/io/unblock/Unblock/ub-channels-page.ui",
                          UB_PAGE_VIEW_PLAIN, channels_children, channels_callbacks);

  g_type_ensure (UB_TYPE_RUNTIME_VIEW);
  g_type_ensure (UB_TYPE_CHANNELS_DIAGRAM);
}

static void
ub_channels_page_init (UbChannelsPage *self)
{
  GtkWidget *label;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* "Pause All" and "Resume All" share one width: the buttons never move. */
  self->pause_stack = GTK_STACK (gtk_stack_new ());
  label = gtk_label_new_with_mnemonic (_("_Pause All"));
  gtk_stack_add_named (self->pause_stack, label, "pause");
  label = gtk_label_new_with_mnemonic (_("_Resume All"));
  gtk_stack_add_named (self->pause_stack, label, "resume");
  gtk_button_set_child (self->pause_button, GTK_WIDGET (self->pause_stack));

  self->control = ub_channels_control_new (UB_PIPELINE_CONTROL_CHANNEL);
  g_signal_connect_swapped (self->control, "changed", G_CALLBACK (on_control_changed), self);
  on_control_changed (self);

  self->arrivals = g_array_new (FALSE, FALSE, sizeof (guint));
  self->folder = g_build_filename (g_get_user_cache_dir (), "unblock", "pipeline", NULL);
  self->n_samples = N_SAMPLES;
  self->sample_size = SAMPLE_SIZE;
  self->textures = g_ptr_array_new_with_free_func (g_object_unref);
  take_over (self);
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

  gtk_switch_set_active (self->single_switch, one_worker);
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

  ub_channels_diagram_refresh (self->diagram);
  ub_runtime_view_refresh (self->runtime_view);
}

/**
 * ub_channels_page_get_update_stats:
 * @stats: (out caller-allocates): what the updates of the view shown
 *   (diagram or tables) cost
 */
void
ub_channels_page_get_update_stats (UbChannelsPage     *self,
                                   UbRuntimeViewStats *stats)
{
  g_return_if_fail (UB_IS_CHANNELS_PAGE (self));

  if (gtk_stack_get_visible_child (self->view_stack) == GTK_WIDGET (self->diagram))
    ub_channels_diagram_get_stats (self->diagram, stats);
  else
    ub_runtime_view_get_stats (self->runtime_view, stats);
}

/**
 * ub_channels_page_get_diagram:
 *
 * Returns: (transfer none): the live diagram
 */
UbChannelsDiagram *
ub_channels_page_get_diagram (UbChannelsPage *self)
{
  g_return_val_if_fail (UB_IS_CHANNELS_PAGE (self), NULL);

  return self->diagram;
}

/**
 * ub_channels_page_show_view:
 * @name: "diagram" or "tables"
 */
void
ub_channels_page_show_view (UbChannelsPage *self,
                            const char     *name)
{
  g_return_if_fail (UB_IS_CHANNELS_PAGE (self));

  gtk_stack_set_visible_child_name (self->view_stack, name);
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

/**
 * ub_channels_page_get_texts:
 * @texts: (out caller-allocates): what the page says now
 */
void
ub_channels_page_get_texts (UbChannelsPage      *self,
                            UbChannelsPageTexts *texts)
{
  g_return_if_fail (UB_IS_CHANNELS_PAGE (self));

  texts->status = adw_action_row_get_subtitle (self->status_row);
  texts->bytes = gtk_inscription_get_text (self->bytes_label);
  texts->acks = gtk_label_get_text (self->acks_label);
  texts->samples_progress = gtk_widget_get_visible (self->samples_box)
                              ? gtk_progress_bar_get_fraction (self->samples_bar) : -1;
}
