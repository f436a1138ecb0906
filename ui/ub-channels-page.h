/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "ub-page.h"

#include "ub-channels-diagram.h"
#include "ub-pipeline.h"
#include "ub-runtime-view.h"

G_BEGIN_DECLS

/**
 * UbChannelsPageTexts:
 * @status: the status row: what the page is doing
 * @bytes: where the pipeline's bytes went, or what it waits for
 * @acks: who acknowledged the last control command, or why nobody has
 * @samples_progress: the share of the sample images written, -1 when no
 *   progress bar is shown
 */
typedef struct
{
  const char *status;
  const char *bytes;
  const char *acks;
  double      samples_progress;
} UbChannelsPageTexts;

#define UB_TYPE_CHANNELS_PAGE (ub_channels_page_get_type ())

G_DECLARE_FINAL_TYPE (UbChannelsPage, ub_channels_page, UB, CHANNELS_PAGE, UbPage)

GtkWidget    *ub_channels_page_new               (void);
void          ub_channels_page_set_samples       (UbChannelsPage            *self,
                                                  const char                *folder,
                                                  guint                      n_images,
                                                  guint                      size);
void          ub_channels_page_run_files         (UbChannelsPage            *self,
                                                  const char * const        *paths);
void          ub_channels_page_set_one_worker    (UbChannelsPage            *self,
                                                  gboolean                   one_worker);
void          ub_channels_page_refresh           (UbChannelsPage            *self);
void          ub_channels_page_get_update_stats  (UbChannelsPage            *self,
                                                  UbRuntimeViewStats        *stats);
const guint  *ub_channels_page_get_arrivals      (UbChannelsPage            *self,
                                                  guint                     *n_arrivals);
UbPipeline   *ub_channels_page_get_pipeline      (UbChannelsPage            *self);
guint64       ub_channels_page_get_main_bytes    (UbChannelsPage            *self);
void          ub_channels_page_get_texts         (UbChannelsPage            *self,
                                                  UbChannelsPageTexts       *texts);
gboolean      ub_channels_page_is_paused         (UbChannelsPage            *self);
const char   *ub_channels_page_get_error         (UbChannelsPage            *self);
UbChannelsDiagram *ub_channels_page_get_diagram  (UbChannelsPage            *self);
void          ub_channels_page_show_view         (UbChannelsPage            *self,
                                                  const char                *name);

G_END_DECLS
