/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "ub-channels-page-private.h"
#include "ub-ui-format.h"

/*
 * What the Channels page says: the status row, the samples' progress, and
 * how many bytes went through the main thread and between the workers.
 */

gboolean
_ub_channels_page_running_blocking (UbChannelsPage *self)
{
  return self->blocking != NULL && ub_blocking_pipeline_is_running (self->blocking);
}

static guint
n_expected (UbChannelsPage *self)
{
  UbPipelineStats stats = { 0 };

  if (_ub_channels_page_running_blocking (self))
    return ub_blocking_pipeline_get_n_images (self->blocking);
  if (self->pipeline != NULL)
    ub_pipeline_get_stats (self->pipeline, &stats);
  return stats.n_posted;
}

guint
_ub_channels_page_n_samples_left (UbChannelsPage *self)
{
  return self->samples != NULL ? ub_sample_writer_get_n_left (self->samples) : 0;
}

void
_ub_channels_page_set_label (GtkLabel   *label,
                             const char *text)
{
  if (g_strcmp0 (gtk_label_get_text (label), text) != 0)
    gtk_label_set_text (label, text);
}

/* The status row and the sample progress: what the page is doing now. */
static void
update_status (UbChannelsPage *self)
{
  UbPipelineStats stats = { 0 };
  g_autofree char *status = NULL;
  guint n_left = _ub_channels_page_n_samples_left (self);

  if (self->pipeline != NULL)
    ub_pipeline_get_stats (self->pipeline, &stats);

  gtk_widget_set_visible (self->samples_box, n_left > 0);
  if (n_left > 0)
    {
      guint n_images = ub_sample_writer_get_n_images (self->samples);

      status = g_strdup_printf (_("Writing sample images: %u of %u written"),
                                n_images - n_left, n_images);
      gtk_progress_bar_set_fraction (self->samples_bar,
                                     (n_images - n_left) / (double) MAX (n_images, 1));
    }
  else if (_ub_channels_page_running_blocking (self))
    status = g_strdup_printf (_("Blocking mode: %u of %u decoded and scaled on the main thread"),
                              ub_blocking_pipeline_get_n_done (self->blocking), n_expected (self));
  else if (self->pipeline != NULL && stats.n_posted > 0)
    {
      const char *shape = ub_pipeline_get_mode (self->pipeline) == UB_PIPELINE_TWO_WORKERS
                            ? _("Decoder → scaler") : _("One worker");
      const char *state = self->cancelled ? _("cancelled")
                          : self->paused ? _("paused")
                          : ub_pipeline_is_idle (self->pipeline) ? _("done") : _("running");

      status = g_strdup_printf (_("%s, %s: %u of %u images back, %u errors"), shape, state,
                                stats.n_results, stats.n_posted, stats.n_errors);
    }
  else if (self->cancelled)
    status = g_strdup (_("Cancelled"));
  if (status != NULL && g_strcmp0 (adw_action_row_get_subtitle (self->status_row), status) != 0)
    adw_action_row_set_subtitle (self->status_row, status);
}

/* The bytes are an inscription: a new text is only a redraw. */
static void
set_bytes_text (UbChannelsPage *self,
                const char     *text)
{
  if (g_strcmp0 (gtk_inscription_get_text (self->bytes_label), text) != 0)
    gtk_inscription_set_text (self->bytes_label, text);
}

void
_ub_channels_page_update_labels (UbChannelsPage *self)
{
  UbPipelineStats stats = { 0 };
  g_autofree char *main_text = NULL;
  g_autofree char *between_text = NULL;
  g_autofree char *text = NULL;
  guint64 main_bytes, between_bytes;
  double share;

  update_status (self);
  if (self->pipeline != NULL)
    ub_pipeline_get_stats (self->pipeline, &stats);

  main_bytes = stats.owner_bytes + self->blocking_bytes;
  between_bytes = stats.between_bytes;

  /* Nothing has crossed yet: say what the page waits for. */
  if (main_bytes + between_bytes == 0)
    {
      if (_ub_channels_page_n_samples_left (self) > 0)
        set_bytes_text (self, _("Waiting for the sample images to be written…"));
      else if (_ub_channels_page_running_blocking (self) || (self->pipeline != NULL && stats.n_posted > 0 &&
                                          !self->cancelled))
        set_bytes_text (self, _("Requests sent; waiting for the first result…"));
      return;
    }

  share = main_bytes / (double) (main_bytes + between_bytes);
  main_text = ub_format_bytes (main_bytes);
  between_text = ub_format_bytes (between_bytes);
  text = g_strdup_printf (_("Through the main thread: %s (%llu messages%s)\n"
                            "Between the workers: %s\n"
                            "The main thread carried %.2f %% of the bytes"),
                          main_text, (unsigned long long) stats.owner_messages,
                          self->blocking_bytes > 0 ? _(", and blocking mode's own decoding") : "",
                          between_text, 100.0 * share);
  set_bytes_text (self, text);
  gtk_level_bar_set_value (self->share_bar, share);
}
