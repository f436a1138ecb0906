/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ub-ui.h"
#include "ub-blocking-pipeline.h"
#include "ub-channels-control.h"
#include "ub-channels-diagram.h"
#include "ub-channels-page.h"
#include "ub-pipeline.h"
#include "ub-runtime-view.h"
#include "ub-sample-writer.h"

G_BEGIN_DECLS

/* The Channels page's parts share its instance: the page and its pipeline
 * (ub-channels-page.c) and what it says about them (ub-channels-status.c).
 * All of it is the main thread's. */
struct _UbChannelsPage
{
  GtkWidget                  parent_instance;

  /* Template widgets */
  AdwActionRow              *status_row;
  GtkWidget                 *samples_box;
  GtkProgressBar            *samples_bar;
  GtkLabel                  *error_label;
  GtkStack                  *view_stack;
  UbChannelsDiagram         *diagram;
  UbRuntimeView             *runtime_view;
  GtkInscription            *bytes_label;
  GtkLevelBar               *share_bar;
  GtkLabel                  *acks_label;
  GtkFlowBox                *results_box;
  GtkSwitch                 *single_switch;
  GtkButton                 *pause_button;
  GtkStack                  *pause_stack;

  /* Owned references */
  UbPipeline                *pipeline;
  UbChannelsControl         *control;
  UbSampleWriter            *samples;      /* (nullable) while sample images are written */
  GArray                    *arrivals;     /* guint: result indices, in arrival order */
  GPtrArray                 *textures;     /* GdkTexture: the results, in arrival order */
  UbBlockingPipeline        *blocking;     /* (nullable) blocking mode's run */
  UbRun                     *run;          /* (nullable): the pipeline's work in the run manager */
  char                      *folder;
  char                      *error;

  guint                      n_samples;
  guint                      sample_size;
  guint64                    blocking_bytes;  /* bytes decode+scale moved on the main thread */
  gboolean                   paused;
  gboolean                   cancelled;
};

gboolean _ub_channels_page_running_blocking (UbChannelsPage *self);
guint    _ub_channels_page_n_samples_left   (UbChannelsPage *self);
void     _ub_channels_page_set_label        (GtkLabel       *label,
                                             const char     *text);
void     _ub_channels_page_update_labels    (UbChannelsPage *self);

/* ub-channels-run.c */
UbRun   *_ub_channels_page_track_pipeline     (UbChannelsPage *self,
                                               guint           n_images);
UbRun   *_ub_channels_page_start_blocking_run (guint           n_images);
gboolean _ub_channels_page_leave_pipeline     (UbRun          *run);

G_END_DECLS
