/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "ub-channels-draw.h"

/*
 * The parts of the Channels diagram, drawn with cairo in the widget's own
 * colours (the style's foreground, accent and warning colours, so that
 * they follow the dark and high-contrast styles). Main thread only.
 */

#define PORT_SIZE 7.0
#define QUEUE_BAR 22.0

graphene_point_t
ub_channels_point (double x,
                   double y)
{
  return GRAPHENE_POINT_INIT (x, y);
}

graphene_point_t
ub_channels_curve_at (const UbChannelsCurve *g,
                      double                t)
{
  double u = 1 - t;
  double a = u * u * u, b = 3 * u * u * t, c = 3 * u * t * t, d = t * t * t;

  return ub_channels_point (a * g->p[0].x + b * g->p[1].x + c * g->p[2].x + d * g->p[3].x,
                            a * g->p[0].y + b * g->p[1].y + c * g->p[2].y + d * g->p[3].y);
}

void
ub_channels_get_colors (GtkWidget           *widget,
                        UbChannelsColors    *colors)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  GtkStyleContext *context = gtk_widget_get_style_context (widget);

  gtk_style_context_get_color (context, &colors->fg);
  if (!gtk_style_context_lookup_color (context, "accent_color", &colors->accent))
    gdk_rgba_parse (&colors->accent, "#1c71d8");
  if (!gtk_style_context_lookup_color (context, "card_bg_color", &colors->background))
    gdk_rgba_parse (&colors->background, "#ffffff");
  if (!gtk_style_context_lookup_color (context, "warning_color", &colors->warning))
    gdk_rgba_parse (&colors->warning, "#c64600");
  G_GNUC_END_IGNORE_DEPRECATIONS
}

void
ub_channels_set_color (cairo_t        *cr,
                       const GdkRGBA  *color,
                       double          alpha)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * alpha);
}

static void
rounded_rect (cairo_t                *cr,
              const graphene_rect_t  *r,
              double                 radius)
{
  double x = r->origin.x, y = r->origin.y, w = r->size.width, h = r->size.height;

  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - radius, y + radius, radius, -G_PI / 2, 0);
  cairo_arc (cr, x + w - radius, y + h - radius, radius, 0, G_PI / 2);
  cairo_arc (cr, x + radius, y + h - radius, radius, G_PI / 2, G_PI);
  cairo_arc (cr, x + radius, y + radius, radius, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

/* Draws @text with its top-left at (@x, @y), ellipsised to @width. */
void
ub_channels_draw_text (GtkWidget          *widget,
                       cairo_t            *cr,
                       const char         *text,
                       double             x,
                       double             y,
                       double             width,
                       gboolean           bold,
                       gboolean           centred)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, NULL);

  if (bold)
    {
      g_autofree char *escaped = g_markup_escape_text (text, -1);
      g_autofree char *markup = g_strdup_printf ("<b>%s</b>", escaped);

      pango_layout_set_markup (layout, markup, -1);
    }
  else
    pango_layout_set_text (layout, text, -1);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_alignment (layout, centred ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

void
ub_channels_draw_node (GtkWidget                      *widget,
                       cairo_t                        *cr,
                       const UbChannelsColors         *colors,
                       const UbChannelsNode           *node,
                       const graphene_rect_t          *r)
{
  double alpha = node->ended ? 0.45 : 1.0;

  if (node->kind == UB_CHANNELS_NODE_BROADCAST)
    {
      cairo_arc (cr, r->origin.x + UB_CHANNELS_HUB_RADIUS, r->origin.y + UB_CHANNELS_HUB_RADIUS,
                 UB_CHANNELS_HUB_RADIUS, 0, 2 * G_PI);
      ub_channels_set_color (cr, &colors->background, 1);
      cairo_fill_preserve (cr);
      ub_channels_set_color (cr, &colors->accent, 0.12);
      cairo_fill_preserve (cr);
      ub_channels_set_color (cr, &colors->fg, 0.5);
      cairo_set_line_width (cr, 1.5);
      cairo_stroke (cr);
      ub_channels_set_color (cr, &colors->fg, 0.8);
      ub_channels_draw_text (widget, cr, node->detail, r->origin.x - 110,
                             r->origin.y + 2 * UB_CHANNELS_HUB_RADIUS + 2,
                             2 * UB_CHANNELS_HUB_RADIUS + 220, FALSE, TRUE);
      return;
    }

  rounded_rect (cr, r, 8);
  if (node->kind == UB_CHANNELS_NODE_MAIN)
    ub_channels_set_color (cr, &colors->accent, 0.15);
  else
    ub_channels_set_color (cr, &colors->fg, 0.06 * alpha);
  cairo_fill_preserve (cr);
  if (node->kind == UB_CHANNELS_NODE_MAIN)
    ub_channels_set_color (cr, &colors->accent, 0.9);
  else
    ub_channels_set_color (cr, &colors->fg, 0.35 * alpha);
  cairo_set_line_width (cr, node->kind == UB_CHANNELS_NODE_MAIN ? 2 : 1);
  cairo_stroke (cr);

  ub_channels_set_color (cr, &colors->fg, alpha);
  ub_channels_draw_text (widget, cr, node->name, r->origin.x + 8, r->origin.y + 5,
                         r->size.width - 16, TRUE, FALSE);
  ub_channels_set_color (cr, &colors->fg, 0.65 * alpha);
  ub_channels_draw_text (widget, cr, node->detail, r->origin.x + 8, r->origin.y + 24,
                         r->size.width - 16, FALSE, FALSE);
}

/* A port: a square where the line meets its context, and its queue as a
 * bar that fills towards the capacity (or the high-water mark). */
static void
draw_port (cairo_t                       *cr,
           const UbChannelsColors        *colors,
           const UbChannelsEnd           *end,
           graphene_point_t              at,
           graphene_point_t              towards)
{
  double dx = towards.x - at.x, dy = towards.y - at.y;
  double length = MAX (hypot (dx, dy), 1);
  double x = at.x + dx / length * 6, y = at.y + dy / length * 6;
  double scale = MAX (MAX (end->capacity, end->high_water), 8);

  cairo_rectangle (cr, x - PORT_SIZE / 2, y - PORT_SIZE / 2, PORT_SIZE, PORT_SIZE);
  ub_channels_set_color (cr, &colors->fg, 0.9);
  cairo_fill (cr);

  if (end->high_water == 0)
    return;
  cairo_rectangle (cr, x + PORT_SIZE / 2 + 2, y - QUEUE_BAR / 2, 4, QUEUE_BAR);
  ub_channels_set_color (cr, &colors->fg, 0.15);
  cairo_fill (cr);
  if (end->depth > 0)
    {
      double h = QUEUE_BAR * MIN (end->depth / scale, 1.0);

      cairo_rectangle (cr, x + PORT_SIZE / 2 + 2, y + QUEUE_BAR / 2 - h, 4, h);
      ub_channels_set_color (cr, &colors->warning, 1);
      cairo_fill (cr);
    }
}

void
ub_channels_draw_edge (GtkWidget                      *widget,
                       cairo_t                        *cr,
                       const UbChannelsColors         *colors,
                       const UbChannelsEdge           *edge,
                       const UbChannelsCurve          *g)
{
  double thickness = 1.5 + MIN (7, log2 (1 + edge->rate));

  cairo_move_to (cr, g->p[0].x, g->p[0].y);
  cairo_curve_to (cr, g->p[1].x, g->p[1].y, g->p[2].x, g->p[2].y, g->p[3].x, g->p[3].y);
  cairo_set_line_width (cr, thickness);
  if (edge->broadcast)
    cairo_set_dash (cr, (double []) { 5, 4 }, 2, 0);
  ub_channels_set_color (cr, edge->rate >= 0.5 ? &colors->accent : &colors->fg,
                         edge->rate >= 0.5 ? 0.7 : 0.35);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);

  if (!edge->broadcast)
    draw_port (cr, colors, &edge->end[0], g->p[0], ub_channels_curve_at (g, 0.1));
  draw_port (cr, colors, &edge->end[1], g->p[3], ub_channels_curve_at (g, 0.9));

  if (edge->rate >= 0.5)
    {
      graphene_point_t mid = ub_channels_curve_at (g, 0.5);
      g_autofree char *text = g_strdup_printf (_("%.0f/s"), edge->rate);

      ub_channels_set_color (cr, &colors->fg, 0.9);
      ub_channels_draw_text (widget, cr, text, mid.x - 40, mid.y - 18, 80, FALSE, TRUE);
    }
}

void
ub_channels_draw_legend (GtkWidget              *widget,
                         cairo_t                *cr,
                         const UbChannelsColors *colors,
                         double                  x,
                         double                  width)
{
  ub_channels_set_color (cr, &colors->fg, 0.6);
  ub_channels_draw_text (widget, cr,
                         _("Each line is a channel; the squares at its ends are its two ports, "
                           "in the thread that receives on them. A bar is a port's queue; a dot "
                           "is a batch delivered."),
                         x, x / 2, width, FALSE, FALSE);
}
