/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include <errno.h>
#include <glib/gstdio.h>

#include "ub-job.h"
#include "ub-png-jobs.h"
#include "ub-sample-writer.h"
#include "ub-work-run.h"

/*
 * Writes a folder of photo-like sample PNGs, one "png.sample" call per
 * image, in workers: the pages that need images to show their engines
 * make them with this. Images already in the folder are kept. Main thread
 * only.
 *
 * "progress" is emitted after each image written, with its path, so that
 * a gallery can show it at once; then "done" once all are there. "failed"
 * ends the writing at the first error. After ub_sample_writer_cancel()
 * nothing more is emitted.
 *
 * Given a run key (ub_sample_writer_set_run_key()), the writing is a run
 * of the application's run manager: the activity list shows it and can
 * cancel it (the writer then fails, saying so), and the run holds the
 * writer, so that the writing goes on, and notifies when it ends, after
 * the page that started it is gone.
 */

struct _UbSampleWriter
{
  GObject       parent_instance;

  char         *folder;
  guint         n_images;
  guint         size;

  /* Owned references */
  UbWorkerPool *pool;        /* the caller's, or one of the writer's own */
  GCancellable *cancellable;

  gboolean      own_pool;    /* the pool is the writer's: terminate it when done */
  gboolean      blocking;    /* write on the calling thread, in ub_sample_writer_start() */
  guint         n_left;      /* calls not answered yet; 0 once done, failed or cancelled */

  char         *run_key;     /* (nullable) */
  UbWorkRun    *run;         /* (owned) (nullable): the writing, in the run manager */
  guint         n_missing;   /* images to write in this run */
  guint         n_written;
};

enum {
  PROGRESS,
  DONE,
  FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (UbSampleWriter, ub_sample_writer, G_TYPE_OBJECT)

static void
release_pool (UbSampleWriter *self)
{
  if (self->own_pool && self->pool != NULL)
    ub_worker_pool_terminate (self->pool);
  g_clear_object (&self->pool);
}

/* Ends the run before the signals, whose handlers may cancel the writer. */
static void
end_run (UbSampleWriter *self,
         const GError   *error)
{
  if (self->run == NULL)
    return;
  if (error != NULL)
    ub_run_fail (UB_RUN (self->run), error);
  else
    ub_run_complete (UB_RUN (self->run));
}

static void
count_written (UbSampleWriter *self)
{
  self->n_written++;
  if (self->run != NULL)
    ub_run_set_progress (UB_RUN (self->run), self->n_written, self->n_missing);
}

/* Cancelled from the activity list: stop, and tell the page. Paused,
 * which only quitting does (ub_run_stop()): stop. */
static void
on_run_state (UbSampleWriter *self)
{
  g_autoptr(UbSampleWriter) keep = g_object_ref (self);
  UbRunState state = ub_run_get_state (UB_RUN (self->run));

  if (self->n_left == 0 || (state != UB_RUN_CANCELLED && state != UB_RUN_PAUSED))
    return;

  self->n_left = 0;
  g_cancellable_cancel (self->cancellable);
  release_pool (self);
  if (state == UB_RUN_CANCELLED)
    g_signal_emit (self, signals[FAILED], 0, _("Writing the sample images was cancelled"));
}

static void
track_run (UbSampleWriter *self)
{
  if (self->run_key == NULL || self->n_missing == 0)
    return;

  self->run = ub_work_run_add (self->run_key, _("Writing sample images"), _("images"),
                               self->n_missing, self->blocking);
  ub_work_run_hold (self->run, g_object_ref (self), g_object_unref);
  g_signal_connect_object (self->run, "notify::state", G_CALLBACK (on_run_state), self,
                           G_CONNECT_SWAPPED);
}

/* One image's call. */
typedef struct
{
  UbSampleWriter *self;   /* (owned) */
  char           *path;   /* (owned) */
} SampleCall;

static void
sample_call_free (SampleCall *call)
{
  g_object_unref (call->self);
  g_free (call->path);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SampleCall, sample_call_free)

static void
on_sample_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(SampleCall) call = user_data;
  UbSampleWriter *self = call->self;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = ub_worker_pool_call_finish (UB_WORKER_POOL (object), result, &error);
  if (self->n_left == 0 || g_cancellable_is_cancelled (self->cancellable))
    return;

  if (reply == NULL)
    {
      self->n_left = 0;
      release_pool (self);
      end_run (self, error);
      g_signal_emit (self, signals[FAILED], 0, error->message);
      return;
    }

  self->n_left--;
  count_written (self);
  if (self->n_left == 0)
    end_run (self, NULL);
  g_signal_emit (self, signals[PROGRESS], 0, call->path);
  if (self->n_left > 0 || g_cancellable_is_cancelled (self->cancellable))
    return;

  release_pool (self);
  g_signal_emit (self, signals[DONE], 0);
}

static void
ub_sample_writer_dispose (GObject *object)
{
  UbSampleWriter *self = UB_SAMPLE_WRITER (object);

  ub_sample_writer_cancel (self);
  if (self->run != NULL)
    g_signal_handlers_disconnect_by_data (self->run, self);
  g_clear_object (&self->run);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (ub_sample_writer_parent_class)->dispose (object);
}

static void
ub_sample_writer_finalize (GObject *object)
{
  UbSampleWriter *self = UB_SAMPLE_WRITER (object);

  g_clear_pointer (&self->folder, g_free);
  g_clear_pointer (&self->run_key, g_free);

  G_OBJECT_CLASS (ub_sample_writer_parent_class)->finalize (object);
}

static void
ub_sample_writer_class_init (UbSampleWriterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ub_sample_writer_dispose;
  object_class->finalize = ub_sample_writer_finalize;

  /**
   * UbSampleWriter::progress:
   * @path: (type filename): the image just written
   *
   * One more image is written (the last one too, before #UbSampleWriter::done);
   * ub_sample_writer_get_n_left() says how many are still to come.
   */
  signals[PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * UbSampleWriter::done:
   *
   * Every image is in the folder.
   */
  signals[DONE] = g_signal_new ("done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * UbSampleWriter::failed:
   * @message: why an image could not be written
   *
   * The writing stopped at its first error.
   */
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
ub_sample_writer_init (UbSampleWriter *self)
{
  self->cancellable = g_cancellable_new ();
}

/**
 * ub_sample_writer_new:
 * @folder: where to write the images
 * @n_images: how many
 * @size: their width and height
 *
 * Returns: (transfer full): a writer that has not started
 */
UbSampleWriter *
ub_sample_writer_new (const char *folder,
                      guint       n_images,
                      guint       size)
{
  UbSampleWriter *self;

  g_return_val_if_fail (folder != NULL, NULL);
  g_return_val_if_fail (size > 0, NULL);

  self = g_object_new (UB_TYPE_SAMPLE_WRITER, NULL);
  self->folder = g_strdup (folder);
  self->n_images = n_images;
  self->size = size;
  return self;
}

/**
 * ub_sample_writer_start:
 * @pool: (nullable): the workers to write in; %NULL: the writer starts
 *   one worker per core of its own, and stops them when it is done
 *
 * Creates the folder and asks the workers for each image missing from it.
 * When none is missing, the writer is done at once and emits nothing:
 * ub_sample_writer_get_n_left() is then 0.
 *
 * Returns: %FALSE with @error set if the folder cannot be created or the
 *   workers cannot start
 */
gboolean
ub_sample_writer_start (UbSampleWriter  *self,
                        UbWorkerPool    *pool,
                        GError         **error)
{
  g_return_val_if_fail (UB_IS_SAMPLE_WRITER (self), FALSE);
  g_return_val_if_fail (pool == NULL || UB_IS_WORKER_POOL (pool), FALSE);
  g_return_val_if_fail (self->pool == NULL && self->n_left == 0, FALSE);

  if (g_mkdir_with_parents (self->folder, 0755) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot create “%s”: %s"), self->folder, g_strerror (saved_errno));
      return FALSE;
    }

  self->n_missing = self->n_written = 0;
  for (guint i = 0; i < self->n_images; i++)
    {
      g_autofree char *path = ub_sample_writer_dup_path (self, i);

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        self->n_missing++;
    }
  track_run (self);

  for (guint i = 0; i < self->n_images; i++)
    {
      g_autofree char *path = ub_sample_writer_dup_path (self, i);
      SampleCall *call;

      if (g_file_test (path, G_FILE_TEST_EXISTS))
        continue;

      /* Blocking mode: the very same job, here, before anything else runs. */
      if (self->blocking)
        {
          g_autoptr(GVariant) reply = NULL;
          g_autoptr(GError) local_error = NULL;

          reply = ub_job_run_blocking (UB_PNG_JOB_SAMPLE,
                                       ub_png_sample_params_new (path, self->size, self->size,
                                                                 (guint64) i + 1),
                                       NULL, NULL, NULL, &local_error);
          if (reply == NULL)
            {
              end_run (self, local_error);
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          count_written (self);
          continue;
        }

      if (self->pool == NULL && pool != NULL)
        self->pool = g_object_ref (pool);
      if (self->pool == NULL)
        {
          self->pool = ub_worker_pool_new (UB_JOB_WORKER_KIND, MAX (g_get_num_processors (), 1),
                                           error);
          if (self->pool == NULL)
            {
              if (error != NULL)
                end_run (self, *error);
              ub_sample_writer_cancel (self);
              return FALSE;
            }
          ub_worker_pool_set_name (self->pool, "sample writer");
          self->own_pool = TRUE;
        }

      self->n_left++;
      call = g_new0 (SampleCall, 1);
      call->self = g_object_ref (self);
      call->path = g_strdup (path);
      ub_worker_pool_call_async (self->pool, UB_PNG_JOB_SAMPLE,
                                 ub_png_sample_params_new (path, self->size, self->size,
                                                           (guint64) i + 1),
                                 self->cancellable, NULL, NULL, NULL, on_sample_done, call);
    }


  if (self->blocking)
    end_run (self, NULL);
  return TRUE;
}

/**
 * ub_sample_writer_set_blocking:
 * @blocking: whether ub_sample_writer_start() writes the images itself,
 *   on the calling thread, instead of asking workers
 *
 * The application's blocking mode, for the negative control.
 */
void
ub_sample_writer_set_blocking (UbSampleWriter *self,
                               gboolean        blocking)
{
  g_return_if_fail (UB_IS_SAMPLE_WRITER (self));

  self->blocking = !!blocking;
}

/**
 * ub_sample_writer_cancel:
 *
 * Stops the writing: the calls still running are cancelled, the writer's
 * own workers terminated, and no signal is emitted any more. Images
 * already written stay.
 */
void
ub_sample_writer_cancel (UbSampleWriter *self)
{
  g_return_if_fail (UB_IS_SAMPLE_WRITER (self));

  self->n_left = 0;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  release_pool (self);
  if (self->run != NULL)
    ub_run_cancel (UB_RUN (self->run));
}

/**
 * ub_sample_writer_set_run_key:
 * @key: (nullable): the key of the writing's run in the run manager, e.g.
 *   "images.samples"; %NULL (the default): no run
 *
 * Call before ub_sample_writer_start().
 */
void
ub_sample_writer_set_run_key (UbSampleWriter *self,
                              const char     *key)
{
  g_return_if_fail (UB_IS_SAMPLE_WRITER (self));

  g_free (self->run_key);
  self->run_key = g_strdup (key);
}

/**
 * ub_sample_writer_get_run:
 *
 * Returns: (transfer none) (nullable): the writing's run, once started
 */
UbRun *
ub_sample_writer_get_run (UbSampleWriter *self)
{
  g_return_val_if_fail (UB_IS_SAMPLE_WRITER (self), NULL);

  return self->run != NULL ? UB_RUN (self->run) : NULL;
}

const char *
ub_sample_writer_get_folder (UbSampleWriter *self)
{
  g_return_val_if_fail (UB_IS_SAMPLE_WRITER (self), NULL);

  return self->folder;
}

guint
ub_sample_writer_get_n_images (UbSampleWriter *self)
{
  g_return_val_if_fail (UB_IS_SAMPLE_WRITER (self), 0);

  return self->n_images;
}

/**
 * ub_sample_writer_get_n_left:
 *
 * Returns: how many images are still being written; 0 before the start,
 *   and once the writer is done, has failed or was cancelled
 */
guint
ub_sample_writer_get_n_left (UbSampleWriter *self)
{
  g_return_val_if_fail (UB_IS_SAMPLE_WRITER (self), 0);

  return self->n_left;
}

/**
 * ub_sample_writer_dup_path:
 * @index: which image, from 0
 *
 * Returns: (transfer full) (type filename): where image @index goes
 */
char *
ub_sample_writer_dup_path (UbSampleWriter *self,
                           guint           index)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (UB_IS_SAMPLE_WRITER (self), NULL);

  name = g_strdup_printf ("sample-%02u-%ux%u.png", index + 1, self->size, self->size);
  return g_build_filename (self->folder, name, NULL);
}

/**
 * ub_sample_writer_dup_paths:
 *
 * Returns: (transfer full) (array zero-terminated=1): every image's path,
 *   in order
 */
GStrv
ub_sample_writer_dup_paths (UbSampleWriter *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (UB_IS_SAMPLE_WRITER (self), NULL);

  for (guint i = 0; i < self->n_images; i++)
    {
      g_autofree char *path = ub_sample_writer_dup_path (self, i);

      g_strv_builder_add (builder, path);
    }
  return g_strv_builder_end (builder);
}

/**
 * ub_sample_writer_connect:
 * @on_progress: called as `on_progress (data, path, writer)` when an image
 *   is written
 * @on_done: called as `on_done (data, writer)` when every image is there
 * @on_failed: called as `on_failed (data, message, writer)`
 * @data: what the handlers are for; ub_sample_writer_clear() disconnects them
 *
 * Connects a view to the writer's "progress", "done" and "failed" signals.
 */
void
ub_sample_writer_connect (UbSampleWriter *self,
                          GCallback       on_progress,
                          GCallback       on_done,
                          GCallback       on_failed,
                          gpointer        data)
{
  g_return_if_fail (UB_IS_SAMPLE_WRITER (self));

  g_signal_connect_swapped (self, "progress", on_progress, data);
  g_signal_connect_swapped (self, "done", on_done, data);
  g_signal_connect_swapped (self, "failed", on_failed, data);
}

/**
 * ub_sample_writer_clear:
 * @writer: (inout) (nullable): a writer, or %NULL
 * @data: (nullable): whose handlers to disconnect first
 *
 * Stops the writer, disconnects @data's handlers so that nothing more
 * reaches it, and drops the reference.
 */
void
ub_sample_writer_clear (UbSampleWriter **writer,
                        gpointer         data)
{
  g_return_if_fail (writer != NULL);

  if (*writer == NULL)
    return;
  if (data != NULL)
    g_signal_handlers_disconnect_by_data (*writer, data);
  ub_sample_writer_cancel (*writer);
  g_clear_object (writer);
}

/**
 * ub_sample_writer_detach:
 * @writer: (inout) (nullable): a writer, or %NULL
 * @data: (nullable): whose handlers to disconnect
 *
 * For a page going away: disconnects @data's handlers and drops the
 * reference. A writer with a run goes on writing, held by its run, which
 * says when it ends; one without is stopped (ub_sample_writer_clear()).
 */
void
ub_sample_writer_detach (UbSampleWriter **writer,
                         gpointer         data)
{
  g_return_if_fail (writer != NULL);

  if (*writer == NULL)
    return;
  if ((*writer)->run == NULL || !ub_run_is_active (UB_RUN ((*writer)->run)))
    {
      ub_sample_writer_clear (writer, data);
      return;
    }
  if (data != NULL)
    g_signal_handlers_disconnect_by_data (*writer, data);
  g_clear_object (writer);
}
