/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "ub-image-canvas.h"
#include "ub-image-chunks.h"
#include "ub-image-levels.h"

/*
 * UbImageCanvas draws a large image at any zoom without scaling or
 * converting it whole on the main thread. A worker hands over a mipmap
 * pyramid (the "png.levels" job) in the layout the cairo renderer draws
 * from (premultiplied B, G, R, A), and the canvas draws the smallest
 * level still at least as large as the image on screen, so a level is
 * never shrunk by more than half. UbImageLevels cuts each level into
 * tiles over the worker's buffer and the canvas appends only the tiles in
 * view. The cairo renderer would resample each drawn tile in every frame:
 * with it, the canvas draws the level already scaled to the zoom instead,
 * in chunks made once per zoom (UbImageChunks), so that a frame while the
 * user pans is a copy of the visible area, whatever the zoom and the
 * image's size.
 *
 * It is a GtkScrollable: put it in a GtkScrolledWindow for scrollbars.
 * Ctrl+scroll and pinch zoom at the pointer; dragging pans.
 */

#define MIN_ZOOM    0.02
#define MAX_ZOOM    16.0
#define SCROLL_STEP 1.15

struct _UbImageCanvas
{
  GtkWidget      parent_instance;

  /* Owned references */
  GtkAdjustment *hadjustment;
  GtkAdjustment *vadjustment;
  UbImageLevels *levels;         /* (nullable) the image shown */
  UbImageChunks *chunks;         /* its level scaled to the zoom, for the cairo renderer */

  guint          hscroll_policy : 1;
  guint          vscroll_policy : 1;
  guint          fit : 1;
  guint          has_pointer : 1;

  double         zoom;
  double         pointer_x;
  double         pointer_y;
  double         drag_start_x;   /* the adjustments' values when a drag began */
  double         drag_start_y;
  double         pinch_start_zoom;

  guint          notify_id;      /* a zoom notification deferred out of size_allocate */

  /* What the last frame drew */
  guint          drawn_level;
  guint          n_drawn_tiles;
};

enum
{
  PROP_0,
  PROP_ZOOM,
  PROP_FIT,
  N_PROPS,
  PROP_HADJUSTMENT = N_PROPS,
  PROP_VADJUSTMENT,
  PROP_HSCROLL_POLICY,
  PROP_VSCROLL_POLICY,
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE_WITH_CODE (UbImageCanvas, ub_image_canvas, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SCROLLABLE, NULL))

static double
image_width (UbImageCanvas *self)
{
  return self->levels != NULL ? ub_image_levels_get_width (self->levels) : 0;
}

static double
image_height (UbImageCanvas *self)
{
  return self->levels != NULL ? ub_image_levels_get_height (self->levels) : 0;
}

/* Fit to the widget, never enlarging. */
static double
fit_zoom (UbImageCanvas *self)
{
  double width = MAX (gtk_widget_get_width (GTK_WIDGET (self)), 1);
  double height = MAX (gtk_widget_get_height (GTK_WIDGET (self)), 1);

  if (self->levels == NULL)
    return 1.0;

  return CLAMP (MIN (MIN (width / image_width (self), height / image_height (self)), 1.0),
                MIN_ZOOM, MAX_ZOOM);
}

/* Where the image's left edge is in the widget, along one axis: centred
 * when it is smaller than the widget, else scrolled. */
static double
origin (GtkAdjustment *adjustment,
        double         content,
        double         view)
{
  if (content <= view)
    return floor ((view - content) / 2);
  return adjustment != NULL ? -gtk_adjustment_get_value (adjustment) : 0;
}

static void
configure (GtkAdjustment *adjustment,
           double         content,
           double         view,
           double         value)
{
  double upper = MAX (content, view);

  if (adjustment == NULL)
    return;

  value = content <= view ? 0 : CLAMP (value, 0, upper - view);
  gtk_adjustment_configure (adjustment, value, 0, upper, view * 0.1, view * 0.9, view);
}

static void
configure_adjustments (UbImageCanvas *self,
                       double         hvalue,
                       double         vvalue)
{
  configure (self->hadjustment, image_width (self) * self->zoom,
             gtk_widget_get_width (GTK_WIDGET (self)), hvalue);
  configure (self->vadjustment, image_height (self) * self->zoom,
             gtk_widget_get_height (GTK_WIDGET (self)), vvalue);
}

static double
adjustment_value (GtkAdjustment *adjustment)
{
  return adjustment != NULL ? gtk_adjustment_get_value (adjustment) : 0;
}

/**
 * ub_image_canvas_widget_to_image:
 *
 * The image pixel (at full resolution) under the widget point @x, @y.
 */
void
ub_image_canvas_widget_to_image (UbImageCanvas *self,
                                 double         x,
                                 double         y,
                                 double        *image_x,
                                 double        *image_y)
{
  g_return_if_fail (UB_IS_IMAGE_CANVAS (self));

  *image_x = (x - origin (self->hadjustment, image_width (self) * self->zoom,
                          gtk_widget_get_width (GTK_WIDGET (self)))) / self->zoom;
  *image_y = (y - origin (self->vadjustment, image_height (self) * self->zoom,
                          gtk_widget_get_height (GTK_WIDGET (self)))) / self->zoom;
}

static void
set_zoom_internal (UbImageCanvas *self,
                   double         zoom,
                   gboolean       fit)
{
  gboolean zoom_changed = self->zoom != zoom;
  gboolean fit_changed = self->fit != fit;

  self->zoom = zoom;
  self->fit = fit;
  if (zoom_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
  if (fit_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FIT]);
}

/**
 * ub_image_canvas_zoom_at:
 * @zoom: the new zoom, 1.0 for one image pixel per screen pixel
 * @x: a point in the widget, which keeps showing the same image pixel
 *   (unless that would scroll past an edge)
 * @y: likewise
 */
void
ub_image_canvas_zoom_at (UbImageCanvas *self,
                         double         zoom,
                         double         x,
                         double         y)
{
  double image_x, image_y;

  g_return_if_fail (UB_IS_IMAGE_CANVAS (self));

  ub_image_canvas_widget_to_image (self, x, y, &image_x, &image_y);
  set_zoom_internal (self, CLAMP (zoom, MIN_ZOOM, MAX_ZOOM), FALSE);
  configure_adjustments (self, image_x * self->zoom - x, image_y * self->zoom - y);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * ub_image_canvas_zoom_centred:
 *
 * Zooms about the middle of the widget, as the keyboard does.
 */
void
ub_image_canvas_zoom_centred (UbImageCanvas *self,
                              double         zoom)
{
  g_return_if_fail (UB_IS_IMAGE_CANVAS (self));

  ub_image_canvas_zoom_at (self, zoom, gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
                           gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
}

void
ub_image_canvas_set_fit (UbImageCanvas *self)
{
  g_return_if_fail (UB_IS_IMAGE_CANVAS (self));

  set_zoom_internal (self, fit_zoom (self), TRUE);
  configure_adjustments (self, 0, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

double
ub_image_canvas_get_zoom (UbImageCanvas *self)
{
  g_return_val_if_fail (UB_IS_IMAGE_CANVAS (self), 1.0);

  return self->zoom;
}

gboolean
ub_image_canvas_get_fit (UbImageCanvas *self)
{
  g_return_val_if_fail (UB_IS_IMAGE_CANVAS (self), TRUE);

  return self->fit;
}

/* Input */

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           UbImageCanvas            *self)
{
  self->pointer_x = x;
  self->pointer_y = y;
  self->has_pointer = TRUE;
}

static void
on_leave (GtkEventControllerMotion *controller,
          UbImageCanvas            *self)
{
  self->has_pointer = FALSE;
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           UbImageCanvas            *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  double zoom = self->zoom * pow (SCROLL_STEP, -dy);

  /* Plain scrolling goes on to the scrolled window. */
  if (!(state & GDK_CONTROL_MASK) || dy == 0 || self->levels == NULL)
    return FALSE;

  if (self->has_pointer)
    ub_image_canvas_zoom_at (self, zoom, self->pointer_x, self->pointer_y);
  else
    ub_image_canvas_zoom_centred (self, zoom);
  return TRUE;
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               UbImageCanvas  *self)
{
  self->drag_start_x = adjustment_value (self->hadjustment);
  self->drag_start_y = adjustment_value (self->vadjustment);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grabbing");
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          offset_x,
                double          offset_y,
                UbImageCanvas  *self)
{
  if (self->hadjustment != NULL)
    gtk_adjustment_set_value (self->hadjustment, self->drag_start_x - offset_x);
  if (self->vadjustment != NULL)
    gtk_adjustment_set_value (self->vadjustment, self->drag_start_y - offset_y);
}

static void
on_drag_end (GtkGestureDrag *gesture,
             double          offset_x,
             double          offset_y,
             UbImageCanvas  *self)
{
  gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
}

static void
on_pinch_begin (GtkGesture       *gesture,
                GdkEventSequence *sequence,
                UbImageCanvas    *self)
{
  self->pinch_start_zoom = self->zoom;
}

static void
on_pinch_scale_changed (GtkGestureZoom *gesture,
                        double          scale,
                        UbImageCanvas  *self)
{
  double x, y;

  if (self->levels == NULL)
    return;
  if (!gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &x, &y))
    {
      x = gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
      y = gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;
    }
  ub_image_canvas_zoom_at (self, self->pinch_start_zoom * scale, x, y);
}

/* Levels */

/**
 * ub_image_canvas_set_levels:
 * @width: the image's width at full resolution
 * @height: likewise
 * @levels: the levels of a "png.levels" result (see
 *   ub_png_levels_result_parse())
 *
 * Shows a new image, fitted to the widget. The pixels are used where they
 * are: each level's texture tiles point into the array's own memory.
 */
void
ub_image_canvas_set_levels (UbImageCanvas *self,
                            guint32        width,
                            guint32        height,
                            GVariant      *levels)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (UB_IS_IMAGE_CANVAS (self));
  g_return_if_fail (levels != NULL);

  ub_image_chunks_clear (self->chunks);
  g_clear_pointer (&self->levels, ub_image_levels_free);
  self->levels = ub_image_levels_new (width, height, levels, &error);
  if (self->levels == NULL)
    g_critical ("%s", error->message);

  ub_image_canvas_set_fit (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
ub_image_canvas_clear (UbImageCanvas *self)
{
  g_return_if_fail (UB_IS_IMAGE_CANVAS (self));

  ub_image_chunks_clear (self->chunks);
  g_clear_pointer (&self->levels, ub_image_levels_free);
  self->n_drawn_tiles = 0;
  ub_image_canvas_set_fit (self);
}

gboolean
ub_image_canvas_has_image (UbImageCanvas *self)
{
  g_return_val_if_fail (UB_IS_IMAGE_CANVAS (self), FALSE);

  return self->levels != NULL;
}

guint
ub_image_canvas_get_n_levels (UbImageCanvas *self)
{
  g_return_val_if_fail (UB_IS_IMAGE_CANVAS (self), 0);

  return self->levels != NULL ? ub_image_levels_get_n_levels (self->levels) : 0;
}

/**
 * ub_image_canvas_dup_level:
 *
 * Returns: (transfer full): a texture of a whole level, over the same
 *   memory as its tiles
 */
GdkTexture *
ub_image_canvas_dup_level (UbImageCanvas *self,
                           guint          index_)
{
  g_return_val_if_fail (UB_IS_IMAGE_CANVAS (self), NULL);
  g_return_val_if_fail (index_ < ub_image_canvas_get_n_levels (self), NULL);

  return ub_image_levels_dup_level (self->levels, index_);
}

/**
 * ub_image_canvas_get_drawn_level:
 *
 * Which level the last frame drew from (0 is the full image).
 */
guint
ub_image_canvas_get_drawn_level (UbImageCanvas *self)
{
  g_return_val_if_fail (UB_IS_IMAGE_CANVAS (self), 0);

  return self->drawn_level;
}

/**
 * ub_image_canvas_get_n_drawn_tiles:
 *
 * How many tiles the last frame drew.
 */
guint
ub_image_canvas_get_n_drawn_tiles (UbImageCanvas *self)
{
  g_return_val_if_fail (UB_IS_IMAGE_CANVAS (self), 0);

  return self->n_drawn_tiles;
}

/**
 * ub_image_canvas_get_n_scaled_chunks:
 *
 * With the cairo renderer, how many chunks of the level were scaled since
 * the zoom last changed: a frame that pans scales only what came into
 * view, a frame that does not move scales nothing.
 */
guint
ub_image_canvas_get_n_scaled_chunks (UbImageCanvas *self)
{
  g_return_val_if_fail (UB_IS_IMAGE_CANVAS (self), 0);

  return ub_image_chunks_get_n_rendered (self->chunks);
}

guint
ub_image_canvas_get_n_tiles (UbImageCanvas *self,
                             guint          index_)
{
  guint n_columns, n_rows;

  g_return_val_if_fail (UB_IS_IMAGE_CANVAS (self), 0);
  g_return_val_if_fail (index_ < ub_image_canvas_get_n_levels (self), 0);

  ub_image_levels_get_grid (self->levels, index_, &n_columns, &n_rows);
  return n_columns * n_rows;
}

/* GtkWidget */

/* Whether frames are drawn by the cairo renderer, which resamples a
 * scaled texture in every frame, where a GPU renderer does it for free. */
static gboolean
draws_with_cairo (GtkWidget *widget)
{
  GtkNative *native = gtk_widget_get_native (widget);

  return G_BYTE_ORDER == G_LITTLE_ENDIAN && native != NULL &&
         GSK_IS_CAIRO_RENDERER (gtk_native_get_renderer (native));
}

static void
ub_image_canvas_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  UbImageCanvas *self = UB_IMAGE_CANVAS (widget);
  double view_width = gtk_widget_get_width (widget);
  double view_height = gtk_widget_get_height (widget);
  double device_scale = gtk_widget_get_scale_factor (widget);
  gboolean chunks = draws_with_cairo (widget);
  double origin_x, origin_y, scale_x, scale_y;
  guint width, height, n_columns, n_rows;

  self->n_drawn_tiles = 0;
  if (self->levels == NULL)
    return;

  self->drawn_level = ub_image_levels_pick (self->levels,
                                            image_width (self) * self->zoom * device_scale,
                                            image_height (self) * self->zoom * device_scale);
  ub_image_levels_get_size (self->levels, self->drawn_level, &width, &height);
  ub_image_levels_get_grid (self->levels, self->drawn_level, &n_columns, &n_rows);
  origin_x = origin (self->hadjustment, image_width (self) * self->zoom, view_width);
  origin_y = origin (self->vadjustment, image_height (self) * self->zoom, view_height);
  /* Screen pixels per pixel of this level */
  scale_x = image_width (self) * self->zoom / width;
  scale_y = image_height (self) * self->zoom / height;

  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, view_width, view_height));
  if (chunks)
    ub_image_chunks_snapshot (self->chunks, snapshot, self->levels, self->drawn_level, self->zoom,
                              device_scale, origin_x, origin_y, view_width, view_height);

  /* The level's tiles in view: drawn as they are for a GPU renderer,
   * only counted for the cairo one. */
  for (guint row = 0; row < n_rows; row++)
    {
      /* Edges rounded to whole pixels, so that neighbours meet exactly. */
      double top = round (origin_y + row * UB_IMAGE_LEVELS_TILE_SIZE * scale_y);
      double bottom = round (origin_y + MIN ((row + 1) * UB_IMAGE_LEVELS_TILE_SIZE, height) * scale_y);

      if (bottom <= 0 || top >= view_height)
        continue;

      for (guint column = 0; column < n_columns; column++)
        {
          double left = round (origin_x + column * UB_IMAGE_LEVELS_TILE_SIZE * scale_x);
          double right = round (origin_x + MIN ((column + 1) * UB_IMAGE_LEVELS_TILE_SIZE, width) * scale_x);

          if (right <= 0 || left >= view_width)
            continue;

          if (!chunks)
            gtk_snapshot_append_texture (snapshot,
                                         ub_image_levels_get_tile (self->levels, self->drawn_level,
                                                                   column, row),
                                         &GRAPHENE_RECT_INIT (left, top, right - left, bottom - top));
          self->n_drawn_tiles++;
        }
    }
  gtk_snapshot_pop (snapshot);
}

static void
ub_image_canvas_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  UbImageCanvas *self = UB_IMAGE_CANVAS (widget);
  double size = orientation == GTK_ORIENTATION_HORIZONTAL ? image_width (self) : image_height (self);

  *minimum = 1;
  *natural = self->fit ? 1 : MAX (1, (int) ceil (size * self->zoom));
}

static gboolean
notify_zoom_later (gpointer user_data)
{
  UbImageCanvas *self = user_data;

  self->notify_id = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
  return G_SOURCE_REMOVE;
}

static void
ub_image_canvas_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  UbImageCanvas *self = UB_IMAGE_CANVAS (widget);
  double zoom = fit_zoom (self);

  /* Handlers may resize other widgets, which cannot happen while the
   * window is being laid out: they hear of it just after. */
  if (self->fit && zoom != self->zoom)
    {
      self->zoom = zoom;
      if (self->notify_id == 0)
        self->notify_id = g_idle_add (notify_zoom_later, self);
    }
  configure_adjustments (self, adjustment_value (self->hadjustment),
                         adjustment_value (self->vadjustment));
}

/* GtkScrollable */

static void
set_adjustment (UbImageCanvas  *self,
                GtkAdjustment **slot,
                GtkAdjustment  *adjustment)
{
  if (*slot == adjustment && adjustment != NULL)
    return;

  if (*slot != NULL)
    g_signal_handlers_disconnect_by_func (*slot, gtk_widget_queue_draw, self);
  g_clear_object (slot);

  if (adjustment == NULL)
    adjustment = gtk_adjustment_new (0, 0, 0, 0, 0, 0);
  *slot = g_object_ref_sink (adjustment);
  g_signal_connect_swapped (adjustment, "value-changed", G_CALLBACK (gtk_widget_queue_draw), self);
  configure_adjustments (self, adjustment_value (self->hadjustment),
                         adjustment_value (self->vadjustment));
}

static void
ub_image_canvas_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  UbImageCanvas *self = UB_IMAGE_CANVAS (object);

  switch (prop_id)
    {
    case PROP_ZOOM:
      g_value_set_double (value, self->zoom);
      break;
    case PROP_FIT:
      g_value_set_boolean (value, self->fit);
      break;
    case PROP_HADJUSTMENT:
      g_value_set_object (value, self->hadjustment);
      break;
    case PROP_VADJUSTMENT:
      g_value_set_object (value, self->vadjustment);
      break;
    case PROP_HSCROLL_POLICY:
      g_value_set_enum (value, self->hscroll_policy);
      break;
    case PROP_VSCROLL_POLICY:
      g_value_set_enum (value, self->vscroll_policy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ub_image_canvas_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  UbImageCanvas *self = UB_IMAGE_CANVAS (object);

  switch (prop_id)
    {
    case PROP_HADJUSTMENT:
      set_adjustment (self, &self->hadjustment, g_value_get_object (value));
      break;
    case PROP_VADJUSTMENT:
      set_adjustment (self, &self->vadjustment, g_value_get_object (value));
      break;
    case PROP_HSCROLL_POLICY:
      self->hscroll_policy = g_value_get_enum (value);
      gtk_widget_queue_resize (GTK_WIDGET (self));
      break;
    case PROP_VSCROLL_POLICY:
      self->vscroll_policy = g_value_get_enum (value);
      gtk_widget_queue_resize (GTK_WIDGET (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ub_image_canvas_dispose (GObject *object)
{
  UbImageCanvas *self = UB_IMAGE_CANVAS (object);

  g_clear_handle_id (&self->notify_id, g_source_remove);
  if (self->hadjustment != NULL)
    g_signal_handlers_disconnect_by_func (self->hadjustment, gtk_widget_queue_draw, self);
  if (self->vadjustment != NULL)
    g_signal_handlers_disconnect_by_func (self->vadjustment, gtk_widget_queue_draw, self);
  g_clear_object (&self->hadjustment);
  g_clear_object (&self->vadjustment);
  g_clear_pointer (&self->chunks, ub_image_chunks_free);
  g_clear_pointer (&self->levels, ub_image_levels_free);

  G_OBJECT_CLASS (ub_image_canvas_parent_class)->dispose (object);
}

static void
ub_image_canvas_class_init (UbImageCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = ub_image_canvas_get_property;
  object_class->set_property = ub_image_canvas_set_property;
  object_class->dispose = ub_image_canvas_dispose;

  widget_class->snapshot = ub_image_canvas_snapshot;
  widget_class->measure = ub_image_canvas_measure;
  widget_class->size_allocate = ub_image_canvas_size_allocate;

  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, MIN_ZOOM, MAX_ZOOM, 1.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FIT] =
    g_param_spec_boolean ("fit", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_object_class_override_property (object_class, PROP_HADJUSTMENT, "hadjustment");
  g_object_class_override_property (object_class, PROP_VADJUSTMENT, "vadjustment");
  g_object_class_override_property (object_class, PROP_HSCROLL_POLICY, "hscroll-policy");
  g_object_class_override_property (object_class, PROP_VSCROLL_POLICY, "vscroll-policy");

  gtk_widget_class_set_css_name (widget_class, "ub-image-canvas");
}

static void
ub_image_canvas_init (UbImageCanvas *self)
{
  GtkEventController *controller;
  GtkGesture *gesture;

  self->zoom = 1.0;
  self->fit = TRUE;
  self->chunks = ub_image_chunks_new ();
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "enter", G_CALLBACK (on_motion), self);
  g_signal_connect (controller, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (controller, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  g_signal_connect (controller, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  gesture = gtk_gesture_drag_new ();
  g_signal_connect (gesture, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (gesture, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (gesture, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_zoom_new ();
  g_signal_connect (gesture, "begin", G_CALLBACK (on_pinch_begin), self);
  g_signal_connect (gesture, "scale-changed", G_CALLBACK (on_pinch_scale_changed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));
}

/**
 * ub_image_canvas_new:
 *
 * Returns: (transfer floating): an empty canvas
 */
GtkWidget *
ub_image_canvas_new (void)
{
  return g_object_new (UB_TYPE_IMAGE_CANVAS, NULL);
}
