/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "ub-channels-model.h"

G_BEGIN_DECLS

/* How the Channels diagram draws its parts with cairo: a thread as a box,
 * a broadcast channel as a hub, a channel as a curve with a port at each
 * end. The layout is the diagram's (ub-channels-diagram.c). */

#define UB_CHANNELS_HUB_RADIUS 14.0

/**
 * UbChannelsCurve:
 * @p: a cubic Bézier from an edge's end 0 to its end 1
 */
typedef struct
{
  graphene_point_t p[4];
} UbChannelsCurve;

typedef struct
{
  GdkRGBA fg;
  GdkRGBA background;
  GdkRGBA accent;
  GdkRGBA warning;
} UbChannelsColors;

graphene_point_t ub_channels_point       (double                  x,
                                          double                  y);
graphene_point_t ub_channels_curve_at    (const UbChannelsCurve  *curve,
                                          double                  t);
void             ub_channels_get_colors  (GtkWidget              *widget,
                                          UbChannelsColors       *colors);
void             ub_channels_set_color   (cairo_t                *cr,
                                          const GdkRGBA          *color,
                                          double                  alpha);
void             ub_channels_draw_text   (GtkWidget              *widget,
                                          cairo_t                *cr,
                                          const char             *text,
                                          double                  x,
                                          double                  y,
                                          double                  width,
                                          gboolean                bold,
                                          gboolean                centred);
void             ub_channels_draw_node   (GtkWidget              *widget,
                                          cairo_t                *cr,
                                          const UbChannelsColors *colors,
                                          const UbChannelsNode   *node,
                                          const graphene_rect_t  *rect);
void             ub_channels_draw_edge   (GtkWidget              *widget,
                                          cairo_t                *cr,
                                          const UbChannelsColors *colors,
                                          const UbChannelsEdge   *edge,
                                          const UbChannelsCurve  *curve);
void             ub_channels_draw_legend (GtkWidget              *widget,
                                          cairo_t                *cr,
                                          const UbChannelsColors *colors,
                                          double                  x,
                                          double                  width);

G_END_DECLS
