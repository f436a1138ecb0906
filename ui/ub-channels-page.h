/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "ub-page.h"

#include "ub-pipeline.h"
#include "ub-runtime-view.h"

G_BEGIN_DECLS

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
const char   *ub_channels_page_get_acks          (UbChannelsPage            *self);
gboolean      ub_channels_page_is_paused         (UbChannelsPage            *self);
const char   *ub_channels_page_get_error         (UbChannelsPage            *self);

G_END_DECLS
