/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "ub-channels-diagram.h"
#include "ub-channels-draw.h"

/*
 * The runtime drawn as a picture: the main thread on the left, the workers
 * on the right, broadcast channels as hubs between them. Each line is a
 * channel: the squares at its two ends are its two ports, in the contexts
 * that receive on them, and the bar beside a port is its queue. A line
 * thickens with its messages per second, and a dot runs along it towards
 * the port that received each batch.
 *
 * The diagram polls ub_runtime_snapshot() every 250 ms while it is mapped
 * (a timeout of the main loop: no worker ever touches it) and animates the
 * dots on the frame clock only while some are in flight. Main thread only.
 *
 * Between two polls only the dots move: the legend and the lines below
 * them, and the threads' boxes above, are drawn once into two images
 * (layers) that every frame appends again, so that a frame of the
 * animation strokes a few dots and copies the rest. A poll, a new size or
 * a new style draws the layers again.
 */

#define PULSE_USEC       (500 * 1000)
#define MAX_PULSES       3      /* per edge end and poll */
#define MARGIN           12.0
#define LEGEND_HEIGHT    28.0
#define NODE_HEIGHT      46.0
#define ROW_GAP          14.0
#define COLUMN_GAP       28.0

typedef struct
{
  graphene_rect_t rect;     /* nodes; hubs: the circle's bounds */
} NodeGeometry;

typedef struct
{
  guint  key;               /* the edge's key */
  guint  to_end;            /* the end that received the batch */
  gint64 start;             /* frame-clock time it leaves the other end */
} Pulse;

struct _UbChannelsDiagram
{
  GtkWidget           parent_instance;

  UbChannelsModel    *model;      /* (owned) */
  GArray             *nodes;      /* (owned) NodeGeometry, from the last layout */
  GArray             *edges;      /* (owned) UbChannelsCurve, the same */
  GArray             *pulses;     /* (owned) Pulse in flight */
  guint               tick_id;
  guint               n_columns_laid;
  UbRuntimeViewStats  stats;

  /* The layers, as of the last poll; NULL once it is out of date */
  GskRenderNode      *below;      /* (owned) (nullable) legend and lines */
  GskRenderNode      *above;      /* (owned) (nullable) the threads' boxes */
  double              layers_width;
  double              layers_height;
  int                 layers_scale;
  guint               n_layer_draws;
};

enum {
  UPDATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (UbChannelsDiagram, ub_channels_diagram, GTK_TYPE_WIDGET)

/* Layout ------------------------------------------------------------------- */

static double
node_width (double width)
{
  return CLAMP ((width - 2 * MARGIN) / 3.4, 104, 190);
}

static guint
count_kind (UbChannelsModel    *model,
            UbChannelsNodeKind  kind)
{
  guint n = 0;

  for (guint i = 0; i < ub_channels_model_get_n_nodes (model); i++)
    n += ub_channels_model_get_node (model, i)->kind == kind;
  return n;
}

/* Places every node in a @width × @height area. */
static void
layout_nodes (UbChannelsDiagram *self,
              double             width,
              double             height)
{
  guint n_nodes = ub_channels_model_get_n_nodes (self->model);
  guint n_workers = count_kind (self->model, UB_CHANNELS_NODE_WORKER);
  guint n_hubs = count_kind (self->model, UB_CHANNELS_NODE_BROADCAST);
  double w = node_width (width);
  double top = MARGIN + LEGEND_HEIGHT;
  double avail = MAX (height - top - MARGIN, NODE_HEIGHT);
  guint rows_fit = MAX (1, (guint) ((avail + ROW_GAP) / (NODE_HEIGHT + ROW_GAP)));
  guint max_columns = MAX (1, (guint) ((width - 2 * MARGIN - w - 2 * COLUMN_GAP) / (w + COLUMN_GAP)));
  guint n_columns = MIN (MAX (1, (n_workers + rows_fit - 1) / rows_fit), max_columns);
  guint rows = MAX (1, (n_workers + n_columns - 1) / n_columns);
  double row_step = rows > 1 ? MIN (NODE_HEIGHT + 2 * ROW_GAP, (avail - NODE_HEIGHT) / (rows - 1))
                             : 0;
  double workers_left = width - MARGIN - n_columns * w - (n_columns - 1) * COLUMN_GAP;
  double hub_x = (MARGIN + w + workers_left) / 2;
  guint worker = 0, hub = 0;

  row_step = MAX (row_step, NODE_HEIGHT + 4);
  self->n_columns_laid = n_columns;
  g_array_set_size (self->nodes, n_nodes);
  for (guint i = 0; i < n_nodes; i++)
    {
      const UbChannelsNode *node = ub_channels_model_get_node (self->model, i);
      NodeGeometry *geometry = &g_array_index (self->nodes, NodeGeometry, i);

      switch (node->kind)
        {
        case UB_CHANNELS_NODE_MAIN:
          graphene_rect_init (&geometry->rect, MARGIN, top + (avail - NODE_HEIGHT) / 2, w, NODE_HEIGHT);
          break;

        case UB_CHANNELS_NODE_WORKER:
          {
            guint column = worker / rows, row = worker % rows;
            double block = (rows - 1) * row_step + NODE_HEIGHT;
            double y = top + MAX (0, (avail - block) / 2) + row * row_step;
            double x = width - MARGIN - w - (n_columns - 1 - column) * (w + COLUMN_GAP);

            graphene_rect_init (&geometry->rect, x, y, w, NODE_HEIGHT);
            worker++;
          }
          break;

        case UB_CHANNELS_NODE_BROADCAST:
        default:
          {
            /* Low in the gap between the main thread and the workers,
             * below the lines that run straight across. */
            double y = top + avail - UB_CHANNELS_HUB_RADIUS * 2 - 18 - hub * (UB_CHANNELS_HUB_RADIUS * 2 + 26);

            graphene_rect_init (&geometry->rect, hub_x - UB_CHANNELS_HUB_RADIUS, MAX (top, y),
                                UB_CHANNELS_HUB_RADIUS * 2, UB_CHANNELS_HUB_RADIUS * 2);
            hub++;
          }
          break;
        }
    }
  (void) n_hubs;
}

static void
layout_edge (UbChannelsDiagram    *self,
             const UbChannelsEdge *edge,
             double                offset,
             UbChannelsCurve      *geometry)
{
  const graphene_rect_t *a = &g_array_index (self->nodes, NodeGeometry, edge->node[0]).rect;
  const graphene_rect_t *b = &g_array_index (self->nodes, NodeGeometry, edge->node[1]).rect;
  double acx = a->origin.x + a->size.width / 2, bcx = b->origin.x + b->size.width / 2;
  double acy = a->origin.y + a->size.height / 2, bcy = b->origin.y + b->size.height / 2;

  if (edge->broadcast)
    {
      /* From the hub to the side of the member that faces it. */
      double bx = bcx < acx ? b->origin.x + b->size.width : b->origin.x;
      double by = MIN (bcy + 10 + offset, b->origin.y + b->size.height - 4);

      geometry->p[0] = ub_channels_point (acx, acy);
      geometry->p[1] = ub_channels_point ((acx + bx) / 2, acy);
      geometry->p[2] = ub_channels_point ((acx + bx) / 2, by);
      geometry->p[3] = ub_channels_point (bx, by);
      return;
    }

  if (edge->node[0] == edge->node[1])
    {
      /* Both ports in one context: a loop above the node. */
      double x = a->origin.x + a->size.width * (0.3 + offset / 100), y = a->origin.y;

      geometry->p[0] = ub_channels_point (x, y);
      geometry->p[1] = ub_channels_point (x - 10, y - 34);
      geometry->p[2] = ub_channels_point (x + 30, y - 34);
      geometry->p[3] = ub_channels_point (x + 20, y);
      return;
    }

  if (fabs (acx - bcx) < 1)
    {
      /* Two workers in one column: a bow into the gap on their left. */
      double x = a->origin.x;
      double bow = 36 + fabs (acy - bcy) / 6;

      geometry->p[0] = ub_channels_point (x, acy + offset);
      geometry->p[1] = ub_channels_point (x - bow, acy + offset);
      geometry->p[2] = ub_channels_point (x - bow, bcy + offset);
      geometry->p[3] = ub_channels_point (x, bcy + offset);
      return;
    }

  {
    gboolean a_left = acx < bcx;
    double ax = a_left ? a->origin.x + a->size.width : a->origin.x;
    double bx = a_left ? b->origin.x : b->origin.x + b->size.width;
    double dx = (bx - ax) / 2;
    /* Each end leans towards the other node, so that the lines leaving
     * one node fan out instead of sharing a point. */
    double ay = acy + CLAMP ((bcy - acy) / 6 + offset, -a->size.height / 2 + 6, a->size.height / 2 - 6);
    double by = bcy + CLAMP ((acy - bcy) / 6 + offset, -b->size.height / 2 + 6, b->size.height / 2 - 6);

    geometry->p[0] = ub_channels_point (ax, ay);
    geometry->p[1] = ub_channels_point (ax + dx, ay);
    geometry->p[2] = ub_channels_point (bx - dx, by);
    geometry->p[3] = ub_channels_point (bx, by);
  }
}

/* Places every edge; parallel edges between two nodes fan out. */
static void
layout_edges (UbChannelsDiagram *self)
{
  guint n_edges = ub_channels_model_get_n_edges (self->model);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) keys = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_edges);

  g_array_set_size (self->edges, n_edges);
  for (guint i = 0; i < n_edges; i++)
    {
      const UbChannelsEdge *edge = ub_channels_model_get_edge (self->model, i);
      gint64 key = ((gint64) MIN (edge->node[0], edge->node[1]) << 32) | MAX (edge->node[0], edge->node[1]);
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (seen, &key));
      double offset = (n % 2 == 0 ? 1 : -1) * 7.0 * ((n + 1) / 2);

      g_array_append_val (keys, key);
      g_hash_table_insert (seen, &g_array_index (keys, gint64, keys->len - 1), GUINT_TO_POINTER (n + 1));
      layout_edge (self, edge, offset, &g_array_index (self->edges, UbChannelsCurve, i));
    }
}

static void
draw_pulses (UbChannelsDiagram      *self,
             cairo_t                *cr,
             const UbChannelsColors *colors,
             gint64                  now)
{
  for (guint i = 0; i < self->pulses->len; i++)
    {
      const Pulse *pulse = &g_array_index (self->pulses, Pulse, i);
      double t = (now - pulse->start) / (double) PULSE_USEC;

      if (t < 0 || t > 1)
        continue;
      for (guint e = 0; e < self->edges->len; e++)
        {
          const UbChannelsEdge *edge = ub_channels_model_get_edge (self->model, e);
          graphene_point_t at;

          if (edge->key != pulse->key)
            continue;
          at = ub_channels_curve_at (&g_array_index (self->edges, UbChannelsCurve, e),
                          pulse->to_end == 1 ? t : 1 - t);
          cairo_arc (cr, at.x, at.y, 4, 0, 2 * G_PI);
          ub_channels_set_color (cr, &colors->accent, 1);
          cairo_fill (cr);
          break;
        }
    }
}

static void
clear_layers (UbChannelsDiagram *self)
{
  g_clear_pointer (&self->below, gsk_render_node_unref);
  g_clear_pointer (&self->above, gsk_render_node_unref);
}

/* Draws one layer into an image of the widget's size in device pixels. */
static GskRenderNode *
draw_layer (UbChannelsDiagram      *self,
            const UbChannelsColors *colors,
            double                  width,
            double                  height,
            int                     scale,
            gboolean                boxes)
{
  GtkWidget *widget = GTK_WIDGET (self);
  int pixel_width = MAX (1, (int) ceil (width * scale));
  int pixel_height = MAX (1, (int) ceil (height * scale));
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, pixel_width,
                                                         pixel_height);
  GskRenderNode *node;
  cairo_t *cr;

  cairo_surface_set_device_scale (surface, scale, scale);
  cr = cairo_create (surface);
  if (boxes)
    {
      for (guint i = 0; i < self->nodes->len; i++)
        ub_channels_draw_node (widget, cr, colors, ub_channels_model_get_node (self->model, i),
                               &g_array_index (self->nodes, NodeGeometry, i).rect);
    }
  else
    {
      ub_channels_draw_legend (widget, cr, colors, MARGIN, width - 2 * MARGIN);
      for (guint i = 0; i < self->edges->len; i++)
        ub_channels_draw_edge (widget, cr, colors, ub_channels_model_get_edge (self->model, i),
                               &g_array_index (self->edges, UbChannelsCurve, i));
    }
  cairo_destroy (cr);
  self->n_layer_draws++;

  /* Painted from a cairo node as they are: the cairo renderer blits them,
   * where it would convert a texture node's pixels to floats and back in
   * every frame (GTK 4.8). */
  node = gsk_cairo_node_new (&GRAPHENE_RECT_INIT (0, 0, width, height));
  cr = gsk_cairo_node_get_draw_context (node);
  cairo_set_source_surface (cr, surface, 0, 0);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return node;
}

static void
ub_channels_diagram_snapshot (GtkWidget   *widget,
                              GtkSnapshot *snapshot)
{
  UbChannelsDiagram *self = UB_CHANNELS_DIAGRAM (widget);
  double width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  int scale = gtk_widget_get_scale_factor (widget);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gint64 now = clock != NULL ? gdk_frame_clock_get_frame_time (clock) : g_get_monotonic_time ();
  cairo_t *cr;
  UbChannelsColors colors;

  ub_channels_get_colors (widget, &colors);
  if (self->below == NULL || width != self->layers_width || height != self->layers_height ||
      scale != self->layers_scale)
    {
      clear_layers (self);
      layout_nodes (self, width, height);
      layout_edges (self);
      self->below = draw_layer (self, &colors, width, height, scale, FALSE);
      self->above = draw_layer (self, &colors, width, height, scale, TRUE);
      self->layers_width = width;
      self->layers_height = height;
      self->layers_scale = scale;
    }

  gtk_snapshot_append_node (snapshot, self->below);
  if (self->pulses->len > 0)
    {
      cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
      draw_pulses (self, cr, &colors, now);
      cairo_destroy (cr);
    }
  gtk_snapshot_append_node (snapshot, self->above);
}

static void
ub_channels_diagram_css_changed (GtkWidget         *widget,
                                 GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (ub_channels_diagram_parent_class)->css_changed (widget, change);

  /* The colours and the font may have changed. */
  clear_layers (UB_CHANNELS_DIAGRAM (widget));
}

static void
ub_channels_diagram_measure (GtkWidget      *widget,
                             GtkOrientation  orientation,
                             int             for_size,
                             int            *minimum,
                             int            *natural,
                             int            *minimum_baseline,
                             int            *natural_baseline)
{
  UbChannelsDiagram *self = UB_CHANNELS_DIAGRAM (widget);
  guint n_workers = count_kind (self->model, UB_CHANNELS_NODE_WORKER);
  guint n_hubs = count_kind (self->model, UB_CHANNELS_NODE_BROADCAST);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 320;
      *natural = 640;
    }
  else
    {
      /* Two columns of workers at the least, one at best. */
      guint rows = MAX (MAX ((n_workers + 1) / 2, n_hubs), 3);

      *minimum = (int) (2 * MARGIN + LEGEND_HEIGHT + rows * (NODE_HEIGHT + 4) + 20);
      *natural = (int) (2 * MARGIN + LEGEND_HEIGHT + MAX (n_workers, 4) * (NODE_HEIGHT + ROW_GAP));
    }
}

/* Tooltips ----------------------------------------------------------------- */

static char *
describe_end (UbChannelsModel     *model,
              const UbChannelsEnd *end,
              guint                node)
{
  return g_strdup_printf (_("“%s” in %s: %u queued (high-water %u), %.0f delivered/s"),
                          end->label != NULL ? end->label : _("unlabelled"),
                          ub_channels_model_get_node (model, node)->name,
                          end->depth, end->high_water, end->rate);
}

static gboolean
ub_channels_diagram_query_tooltip (GtkWidget  *widget,
                                   int         x,
                                   int         y,
                                   gboolean    keyboard,
                                   GtkTooltip *tooltip)
{
  UbChannelsDiagram *self = UB_CHANNELS_DIAGRAM (widget);
  graphene_point_t at = GRAPHENE_POINT_INIT (x, y);

  for (guint i = 0; i < self->nodes->len; i++)
    if (graphene_rect_contains_point (&g_array_index (self->nodes, NodeGeometry, i).rect, &at))
      {
        const UbChannelsNode *node = ub_channels_model_get_node (self->model, i);
        g_autofree char *text = g_strdup_printf ("%s\n%s", node->name, node->detail);

        gtk_tooltip_set_text (tooltip, text);
        return TRUE;
      }

  for (guint i = 0; i < self->edges->len; i++)
    {
      const UbChannelsCurve *g = &g_array_index (self->edges, UbChannelsCurve, i);

      for (double t = 0; t <= 1.0; t += 0.05)
        {
          graphene_point_t p = ub_channels_curve_at (g, t);

          if (hypot (p.x - x, p.y - y) < 6)
            {
              const UbChannelsEdge *edge = ub_channels_model_get_edge (self->model, i);
              g_autofree char *b = describe_end (self->model, &edge->end[1], edge->node[1]);
              g_autofree char *text = NULL;

              if (edge->broadcast)
                text = g_strdup_printf (_("A %s channel's hub port: every instance in that thread "
                                          "receives through it\n%s"),
                                        ub_channels_model_get_node (self->model, edge->node[0])->detail, b);
              else
                {
                  g_autofree char *a = describe_end (self->model, &edge->end[0], edge->node[0]);

                  text = g_strdup_printf (_("A channel: two entangled ports\n%s\n%s"), a, b);
                }
              gtk_tooltip_set_text (tooltip, text);
              return TRUE;
            }
        }
    }
  return FALSE;
}

/* Polling and pulses ------------------------------------------------------- */

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  UbChannelsDiagram *self = UB_CHANNELS_DIAGRAM (widget);
  gint64 now = gdk_frame_clock_get_frame_time (clock);

  for (guint i = self->pulses->len; i > 0; i--)
    if (now - g_array_index (self->pulses, Pulse, i - 1).start > PULSE_USEC)
      g_array_remove_index (self->pulses, i - 1);

  gtk_widget_queue_draw (widget);
  if (self->pulses->len > 0)
    return G_SOURCE_CONTINUE;
  self->tick_id = 0;
  return G_SOURCE_REMOVE;
}

/* One dot per batch delivered since the last poll (a few at most), spread
 * over the next poll interval. */
static void
launch_pulses (UbChannelsDiagram *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));
  gint64 now = clock != NULL ? gdk_frame_clock_get_frame_time (clock) : g_get_monotonic_time ();

  /* Hidden, nothing runs them (and nothing would see them). */
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;

  for (guint i = 0; i < ub_channels_model_get_n_edges (self->model); i++)
    {
      const UbChannelsEdge *edge = ub_channels_model_get_edge (self->model, i);

      for (guint e = 0; e < 2; e++)
        {
          guint n = MIN (edge->end[e].new_batches, MAX_PULSES);

          for (guint k = 0; k < n; k++)
            {
              Pulse pulse = { edge->key, e, now + k * (UB_RUNTIME_POLL_INTERVAL_MS * 1000 / MAX_PULSES) };

              g_array_append_val (self->pulses, pulse);
            }
        }
    }

  if (self->pulses->len > 0 && self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick_cb, NULL, NULL);
}

static void
ub_channels_diagram_unmap (GtkWidget *widget)
{
  UbChannelsDiagram *self = UB_CHANNELS_DIAGRAM (widget);

  if (self->tick_id != 0)
    gtk_widget_remove_tick_callback (widget, self->tick_id);
  self->tick_id = 0;
  g_array_set_size (self->pulses, 0);

  GTK_WIDGET_CLASS (ub_channels_diagram_parent_class)->unmap (widget);
}

/* GObject ------------------------------------------------------------------ */

static void
ub_channels_diagram_dispose (GObject *object)
{
  g_object_set_data (object, "ub-runtime-poll", NULL);

  G_OBJECT_CLASS (ub_channels_diagram_parent_class)->dispose (object);
}

static void
ub_channels_diagram_finalize (GObject *object)
{
  UbChannelsDiagram *self = UB_CHANNELS_DIAGRAM (object);

  g_clear_pointer (&self->model, ub_channels_model_free);
  g_clear_pointer (&self->nodes, g_array_unref);
  g_clear_pointer (&self->edges, g_array_unref);
  g_clear_pointer (&self->pulses, g_array_unref);
  clear_layers (self);

  G_OBJECT_CLASS (ub_channels_diagram_parent_class)->finalize (object);
}

static void
ub_channels_diagram_class_init (UbChannelsDiagramClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ub_channels_diagram_dispose;
  object_class->finalize = ub_channels_diagram_finalize;
  widget_class->snapshot = ub_channels_diagram_snapshot;
  widget_class->measure = ub_channels_diagram_measure;
  widget_class->unmap = ub_channels_diagram_unmap;
  widget_class->query_tooltip = ub_channels_diagram_query_tooltip;
  widget_class->css_changed = ub_channels_diagram_css_changed;

  /**
   * UbChannelsDiagram::updated:
   *
   * The diagram has just polled the runtime.
   */
  signals[UPDATED] = g_signal_new ("updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
  gtk_widget_class_set_css_name (widget_class, "channels-diagram");
}

static void
ub_channels_diagram_init (UbChannelsDiagram *self)
{
  self->model = ub_channels_model_new ();
  self->nodes = g_array_new (FALSE, TRUE, sizeof (NodeGeometry));
  self->edges = g_array_new (FALSE, TRUE, sizeof (UbChannelsCurve));
  self->pulses = g_array_new (FALSE, FALSE, sizeof (Pulse));
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  ub_runtime_poll_while_mapped (GTK_WIDGET (self), (UbRuntimePollFunc) ub_channels_diagram_refresh);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Diagram of the threads and the channels between them"), -1);
}

GtkWidget *
ub_channels_diagram_new (void)
{
  return g_object_new (UB_TYPE_CHANNELS_DIAGRAM, NULL);
}

/**
 * ub_channels_diagram_refresh:
 *
 * Takes a runtime snapshot and redraws from it now, as the poll does, and
 * emits #UbChannelsDiagram::updated.
 */
void
ub_channels_diagram_refresh (UbChannelsDiagram *self)
{
  g_autoptr(UbRuntimeSnapshot) snapshot = NULL;
  guint n_before, n_after;
  gint64 start, cost;

  g_return_if_fail (UB_IS_CHANNELS_DIAGRAM (self));

  start = g_get_monotonic_time ();
  n_before = ub_channels_model_get_n_nodes (self->model);
  snapshot = ub_runtime_snapshot ();
  ub_channels_model_update (self->model, snapshot, start);
  n_after = ub_channels_model_get_n_nodes (self->model);

  /* The geometry follows the model at once: tooltips look it up. */
  layout_nodes (self, gtk_widget_get_width (GTK_WIDGET (self)),
                gtk_widget_get_height (GTK_WIDGET (self)));
  layout_edges (self);
  launch_pulses (self);
  clear_layers (self);
  if (n_after != n_before)
    gtk_widget_queue_resize (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[UPDATED], 0);

  cost = g_get_monotonic_time () - start;
  self->stats.n_updates++;
  self->stats.last_usec = cost;
  self->stats.max_usec = MAX (self->stats.max_usec, cost);
  self->stats.total_usec += cost;
  self->stats.n_ports = snapshot->ports->len;
  self->stats.n_workers = snapshot->workers->len;
}

/**
 * ub_channels_diagram_get_model:
 *
 * Returns: (transfer none): what the diagram draws: its nodes and edges as
 *   of the last refresh
 */
UbChannelsModel *
ub_channels_diagram_get_model (UbChannelsDiagram *self)
{
  g_return_val_if_fail (UB_IS_CHANNELS_DIAGRAM (self), NULL);

  return self->model;
}

/**
 * ub_channels_diagram_get_n_pulses:
 *
 * Returns: the batches whose dots are still to run or running
 */
guint
ub_channels_diagram_get_n_pulses (UbChannelsDiagram *self)
{
  g_return_val_if_fail (UB_IS_CHANNELS_DIAGRAM (self), 0);

  return self->pulses->len;
}

/**
 * ub_channels_diagram_get_stats:
 * @stats: (out caller-allocates): what the diagram's updates cost
 */
void
ub_channels_diagram_get_stats (UbChannelsDiagram  *self,
                               UbRuntimeViewStats *stats)
{
  g_return_if_fail (UB_IS_CHANNELS_DIAGRAM (self));
  g_return_if_fail (stats != NULL);

  *stats = self->stats;
}

/**
 * ub_channels_diagram_get_n_layer_draws:
 *
 * Returns: how many times the diagram drew its still parts (two layers
 *   per poll at most, none for a frame that only moves the dots)
 */
guint
ub_channels_diagram_get_n_layer_draws (UbChannelsDiagram *self)
{
  g_return_val_if_fail (UB_IS_CHANNELS_DIAGRAM (self), 0);

  return self->n_layer_draws;
}
