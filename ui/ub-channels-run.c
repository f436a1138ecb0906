/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "ub-channels-page-private.h"
#include "ub-work-run.h"

/*
 * The pipeline's work as a run of the application's run manager (key
 * "channels"): it counts the images that came out of the pipeline, so the
 * activity list shows it and can pause or cancel it, and when the page
 * goes away mid-work the run keeps the pipeline, which goes on in the
 * background, notifies when it is done, and is terminated then. Main
 * thread only; the run owns what follows, the page only looks.
 */

#define WORK_KEY "ub-channels-work"

typedef struct
{
  UbPipeline *pipeline;       /* (owned) */
  UbRun      *run;            /* (unowned): the run holds this */
  guint       n_images;
  guint       n_done;
  gboolean    owns_pipeline;  /* the page is gone: terminate it with the run */
} PipelineWork;

static void
pipeline_work_free (gpointer data)
{
  PipelineWork *work = data;

  g_signal_handlers_disconnect_by_data (work->pipeline, work);
  if (work->owns_pipeline)
    ub_pipeline_terminate (work->pipeline);
  g_object_unref (work->pipeline);
  g_free (work);
}

static void
count_image (PipelineWork *work)
{
  work->n_done++;
  ub_run_set_progress (work->run, work->n_done, work->n_images);
  if (work->n_done >= work->n_images)
    ub_run_complete (work->run);
}

static void
on_worker_error (UbPipeline   *pipeline,
                 const GError *error,
                 PipelineWork *work)
{
  ub_run_fail (work->run, error);
}

static char *
dup_title (guint n_images)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Decoding and scaling %u image",
                                       "Decoding and scaling %u images", n_images),
                          n_images);
}

/**
 * _ub_channels_page_track_pipeline:
 * @n_images: images pushed into the pipeline's current run
 *
 * Returns: (transfer full): the run that stands for them, running
 */
UbRun *
_ub_channels_page_track_pipeline (UbChannelsPage *self,
                                  guint           n_images)
{
  g_autofree char *title = dup_title (n_images);
  UbWorkRun *run = ub_work_run_add ("channels", title, _("images"), n_images, FALSE);
  PipelineWork *work = g_new0 (PipelineWork, 1);

  work->pipeline = g_object_ref (self->pipeline);
  work->run = UB_RUN (run);
  work->n_images = n_images;
  /* An image out, or failed: its arguments do not matter here. */
  g_signal_connect_swapped (work->pipeline, "result", G_CALLBACK (count_image), work);
  g_signal_connect_swapped (work->pipeline, "image-error", G_CALLBACK (count_image), work);
  g_signal_connect (work->pipeline, "worker-error", G_CALLBACK (on_worker_error), work);
  g_object_set_data (G_OBJECT (run), WORK_KEY, work);
  ub_work_run_hold (run, work, pipeline_work_free);
  if (n_images == 0)
    ub_run_complete (UB_RUN (run));
  return UB_RUN (run);
}

/**
 * _ub_channels_page_start_blocking_run:
 *
 * Returns: (transfer full): a blocking-mode run for @n_images, running;
 *   the page reports its progress and completes it
 */
UbRun *
_ub_channels_page_start_blocking_run (guint n_images)
{
  g_autofree char *title = dup_title (n_images);

  return UB_RUN (ub_work_run_add ("channels", title, _("images"), n_images, TRUE));
}

/**
 * _ub_channels_page_leave_pipeline:
 * @run: (nullable): the page's run
 *
 * For a page going away: if @run still runs in the pipeline, the run
 * takes the pipeline over (it terminates it when it ends).
 *
 * Returns: whether it did; the page then must not terminate the pipeline
 */
gboolean
_ub_channels_page_leave_pipeline (UbRun *run)
{
  PipelineWork *work;

  if (run == NULL || !ub_run_is_active (run))
    return FALSE;
  work = g_object_get_data (G_OBJECT (run), WORK_KEY);
  if (work == NULL)
    return FALSE;
  work->owns_pipeline = TRUE;
  return TRUE;
}
