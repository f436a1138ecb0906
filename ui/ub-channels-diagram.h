/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "ub-channels-model.h"
#include "ub-runtime-view.h"

G_BEGIN_DECLS

#define UB_TYPE_CHANNELS_DIAGRAM (ub_channels_diagram_get_type ())

G_DECLARE_FINAL_TYPE (UbChannelsDiagram, ub_channels_diagram, UB, CHANNELS_DIAGRAM, GtkWidget)

GtkWidget       *ub_channels_diagram_new          (void);
void             ub_channels_diagram_refresh      (UbChannelsDiagram  *self);
UbChannelsModel *ub_channels_diagram_get_model    (UbChannelsDiagram  *self);
guint            ub_channels_diagram_get_n_pulses (UbChannelsDiagram  *self);
guint            ub_channels_diagram_get_n_layer_draws (UbChannelsDiagram *self);
void             ub_channels_diagram_get_stats    (UbChannelsDiagram  *self,
                                                   UbRuntimeViewStats *stats);

G_END_DECLS
