/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ub-meter.h"

/*
 * UbMeter: the always-visible responsiveness meter.
 *
 * Two clocks are watched. A heartbeat source at G_PRIORITY_HIGH fires every
 * millisecond; the gap between two of its dispatches is how long the main
 * loop could not run anything (a "stall"). The frame clock's tick callback
 * gives the interval between two frames. Both are kept twice: in a ring of
 * 100 buckets of 100 ms (the last 10 s, drawn as a graph and summarised by
 * the label) and in histograms since the last reset (what tests and
 * benchmarks read through ub_meter_get_stats()).
 *
 * Everything here runs on the main thread only; nothing is shared.
 *
 * To stay cheap the meter is split into three children: a tiny pulse that
 * redraws every frame, a graph that redraws only when a bucket rolls over
 * (ten times a second), and a label that changes only when its text does.
 */

#define HEARTBEAT_INTERVAL_MS 1
#define BUCKET_USEC           (100 * G_TIME_SPAN_MILLISECOND)
#define N_BUCKETS             100 /* 100 × 100 ms = 10 s */
#define HIST_BIN_USEC         100
#define HIST_N_BINS           20000 /* 2 s at 0.1 ms; longer values land in the last bin */
#define GRAPH_SCALE_MS        50.0
#define FRAME_BUDGET_MS       (1000.0 / 60.0)

typedef struct
{
  gint64 epoch;          /* time / BUCKET_USEC of the bucket's slot, or -1 */
  gint64 max_stall_usec;
  gint64 max_frame_usec;
} Bucket;

typedef struct
{
  guint32 bins[HIST_N_BINS];
  guint   count;
  gint64  max_usec;
} Histogram;

struct _UbMeter
{
  GtkWidget  parent_instance;

  /* Children */
  GtkWidget *pulse;
  GtkWidget *graph;
  GtkWidget *label;

  /* Heartbeat: a G_PRIORITY_HIGH timeout on the default main context */
  GSource   *heartbeat;
  gint64     last_heartbeat_usec;

  /* Frame clock */
  guint      tick_id;
  gint64     last_frame_usec;
  gint64     last_drawn_epoch;
  int        shown_stall_ms;

  /* The last 10 s, for the graph and the label */
  Bucket     buckets[N_BUCKETS];

  /* Since the last reset, for tests and benchmarks */
  Histogram *stalls;
  Histogram *frames;
  gint64     total_stall_usec;
  gint64     self_cost_usec;
  guint      self_cost_frames;
};

G_DEFINE_FINAL_TYPE (UbMeter, ub_meter, GTK_TYPE_WIDGET)

static void
histogram_add (Histogram *hist,
               gint64     usec)
{
  gint64 bin = usec / HIST_BIN_USEC;

  hist->bins[MIN (bin, HIST_N_BINS - 1)]++;
  hist->count++;
  hist->max_usec = MAX (hist->max_usec, usec);
}

/* Nearest-rank percentile, in milliseconds. A value in the overflow bin is
 * reported as the maximum, which is exact when it is the largest sample. */
static double
histogram_percentile_ms (const Histogram *hist,
                         double           percentile)
{
  guint64 rank;
  guint64 seen = 0;

  if (hist->count == 0)
    return 0.0;

  rank = (guint64) ceil (percentile / 100.0 * hist->count);
  rank = CLAMP (rank, 1, hist->count);

  for (guint i = 0; i < HIST_N_BINS; i++)
    {
      seen += hist->bins[i];
      if (seen >= rank)
        {
          double upper_ms = (i + 1) * HIST_BIN_USEC / 1000.0;

          if (i == HIST_N_BINS - 1)
            return hist->max_usec / 1000.0;
          return MIN (upper_ms, hist->max_usec / 1000.0);
        }
    }

  return hist->max_usec / 1000.0;
}

static Bucket *
bucket_for (UbMeter *self,
            gint64   now_usec)
{
  gint64 epoch = now_usec / BUCKET_USEC;
  Bucket *bucket = &self->buckets[epoch % N_BUCKETS];

  if (bucket->epoch != epoch)
    {
      bucket->epoch = epoch;
      bucket->max_stall_usec = 0;
      bucket->max_frame_usec = 0;
    }

  return bucket;
}

static gint64
window_max_stall_usec (UbMeter *self,
                       gint64   now_usec)
{
  gint64 epoch = now_usec / BUCKET_USEC;
  gint64 max = 0;

  for (guint i = 0; i < N_BUCKETS; i++)
    if (self->buckets[i].epoch > epoch - N_BUCKETS)
      max = MAX (max, self->buckets[i].max_stall_usec);

  return max;
}

static gboolean
heartbeat_cb (gpointer user_data)
{
  UbMeter *self = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 gap = now - self->last_heartbeat_usec;
  Bucket *bucket;

  self->last_heartbeat_usec = now;

  /* A stall is attributed to the bucket in which it ended. */
  bucket = bucket_for (self, now);
  bucket->max_stall_usec = MAX (bucket->max_stall_usec, gap);
  histogram_add (self->stalls, gap);
  if (gap > FRAME_BUDGET_MS * 1000)
    self->total_stall_usec += gap;

  self->self_cost_usec += g_get_monotonic_time () - now;

  return G_SOURCE_CONTINUE;
}

/* The heartbeat starts once the window's first frame is on screen: it
 * measures the main loop of a window that is up, not the styling, layout
 * and first paint of the window itself. */
static void
start_heartbeat (UbMeter *self)
{
  self->last_heartbeat_usec = g_get_monotonic_time ();
  self->heartbeat = g_timeout_source_new (HEARTBEAT_INTERVAL_MS);
  g_source_set_priority (self->heartbeat, G_PRIORITY_HIGH);
  g_source_set_callback (self->heartbeat, heartbeat_cb, self, NULL);
  g_source_set_static_name (self->heartbeat, "[unblock] meter heartbeat");
  g_source_attach (self->heartbeat, NULL);
}

static void
update_label (UbMeter *self,
              gint64   now_usec)
{
  int stall_ms = (int) (window_max_stall_usec (self, now_usec) / 1000);

  if (stall_ms != self->shown_stall_ms)
    {
      char text[64];

      self->shown_stall_ms = stall_ms;
      g_snprintf (text, sizeof text, _("Longest stall: %d ms"), stall_ms);
      gtk_inscription_set_text (GTK_INSCRIPTION (self->label), text);

      if (stall_ms > 2 * FRAME_BUDGET_MS)
        gtk_widget_add_css_class (self->label, "error");
      else
        gtk_widget_remove_css_class (self->label, "error");
    }
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *frame_clock,
         gpointer       user_data)
{
  UbMeter *self = UB_METER (widget);
  gint64 start = g_get_monotonic_time ();
  gint64 epoch;

  /* A tick comes before its frame is drawn: the second one is the first
   * after the window's first frame was painted. */
  if (self->heartbeat == NULL)
    {
      if (self->last_frame_usec != 0)
        start_heartbeat (self);
      self->last_frame_usec = start;
      return G_SOURCE_CONTINUE;
    }

  /* The wall-clock time of the tick, not the frame clock's frame time: GDK
   * smooths the latter for animations, which would hide a late frame. */
  if (self->last_frame_usec != 0)
    {
      gint64 interval = start - self->last_frame_usec;
      Bucket *bucket = bucket_for (self, start);

      bucket->max_frame_usec = MAX (bucket->max_frame_usec, interval);
      histogram_add (self->frames, interval);
    }
  self->last_frame_usec = start;

  gtk_widget_queue_draw (self->pulse);

  epoch = start / BUCKET_USEC;
  if (epoch != self->last_drawn_epoch)
    {
      self->last_drawn_epoch = epoch;
      gtk_widget_queue_draw (self->graph);
      update_label (self, start);
    }

  self->self_cost_frames++;
  self->self_cost_usec += g_get_monotonic_time () - start;

  return G_SOURCE_CONTINUE;
}

/* A named colour of the style in use (libadwaita's accent, warning and
 * error colours follow the dark and high-contrast styles), with @alpha
 * applied; @fallback where the style names no such colour. */
static GdkRGBA
style_colour (GtkWidget  *widget,
              const char *name,
              GdkRGBA     fallback,
              float       alpha)
{
  GdkRGBA colour;

G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (!gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), name, &colour))
    colour = fallback;
G_GNUC_END_IGNORE_DEPRECATIONS

  colour.alpha *= alpha;
  return colour;
}

/* The meter's two drawings: each a plain widget that draws with its
 * UbMeterDrawFunc and counts the time it took in the meter's own cost. */

typedef void (*UbMeterDrawFunc) (UbMeter     *meter,
                                 GtkWidget   *widget,
                                 GtkSnapshot *snapshot);

#define UB_TYPE_METER_AREA (ub_meter_area_get_type ())
G_DECLARE_FINAL_TYPE (UbMeterArea, ub_meter_area, UB, METER_AREA, GtkWidget)

struct _UbMeterArea
{
  GtkWidget        parent_instance;
  UbMeter         *meter; /* (unowned) the parent */
  UbMeterDrawFunc  draw;
};

G_DEFINE_FINAL_TYPE (UbMeterArea, ub_meter_area, GTK_TYPE_WIDGET)

static void
ub_meter_area_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  UbMeterArea *self = UB_METER_AREA (widget);
  gint64 start = g_get_monotonic_time ();

  self->draw (self->meter, widget, snapshot);
  self->meter->self_cost_usec += g_get_monotonic_time () - start;
}

static void
ub_meter_area_class_init (UbMeterAreaClass *klass)
{
  GTK_WIDGET_CLASS (klass)->snapshot = ub_meter_area_snapshot;
}

static void
ub_meter_area_init (UbMeterArea *self)
{
}

/* @css_name is the element name data/style.css styles it by. */
static GtkWidget *
ub_meter_area_new (UbMeter         *meter,
                   const char      *css_name,
                   UbMeterDrawFunc  draw,
                   int              width,
                   int              height,
                   const char      *tooltip)
{
  UbMeterArea *self = g_object_new (UB_TYPE_METER_AREA,
                                    "css-name", css_name,
                                    "width-request", width,
                                    "height-request", height,
                                    "tooltip-text", tooltip,
                                    NULL);

  self->meter = meter;
  self->draw = draw;
  gtk_widget_set_parent (GTK_WIDGET (self), GTK_WIDGET (meter));
  return GTK_WIDGET (self);
}

/* The pulse: a dot sweeping back and forth, positioned by the frame clock.
 * It glides when frames are regular and visibly jumps when they are not. */
static void
draw_pulse (UbMeter     *meter,
            GtkWidget   *widget,
            GtkSnapshot *snapshot)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  double size = MIN (height, 10);
  double phase = 0.0;
  double x;
  GdkRGBA track = style_colour (widget, "window_fg_color", (GdkRGBA) { 0.5, 0.5, 0.5, 1.0 }, 0.25);
  GdkRGBA dot = style_colour (widget, "accent_bg_color", (GdkRGBA) { 0.21, 0.52, 0.89, 1.0 }, 1.0);

  if (clock != NULL)
    {
      /* One sweep per second, there and back. */
      gint64 t = gdk_frame_clock_get_frame_time (clock) % (2 * G_USEC_PER_SEC);
      phase = t / (double) G_USEC_PER_SEC;
      if (phase > 1.0)
        phase = 2.0 - phase;
    }

  gtk_snapshot_append_color (snapshot, &track,
                             &GRAPHENE_RECT_INIT (0, (height - 2) / 2.0, width, 2));
  x = phase * (width - size);
  gtk_snapshot_append_color (snapshot, &dot,
                             &GRAPHENE_RECT_INIT (x, (height - size) / 2.0, size, size));
}

/* The graph: per 100 ms bucket, a bar for the longest frame interval and a
 * red bar for the longest stall when it exceeded a frame. */
static void
draw_graph (UbMeter     *meter,
            GtkWidget   *widget,
            GtkSnapshot *snapshot)
{
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  double bar_width = width / (double) N_BUCKETS;
  gint64 now_epoch = g_get_monotonic_time () / BUCKET_USEC;
  GdkRGBA background = style_colour (widget, "window_fg_color", (GdkRGBA) { 0.5, 0.5, 0.5, 1.0 }, 0.08);
  GdkRGBA budget_line = style_colour (widget, "window_fg_color", (GdkRGBA) { 0.5, 0.5, 0.5, 1.0 }, 0.6);
  GdkRGBA frame_ok = style_colour (widget, "accent_bg_color", (GdkRGBA) { 0.21, 0.52, 0.89, 1.0 }, 0.8);
  GdkRGBA frame_slow = style_colour (widget, "warning_color", (GdkRGBA) { 0.96, 0.76, 0.07, 1.0 }, 0.9);
  GdkRGBA stall = style_colour (widget, "error_color", (GdkRGBA) { 0.88, 0.11, 0.14, 1.0 }, 0.9);
  double budget_y;

  gtk_snapshot_append_color (snapshot, &background, &GRAPHENE_RECT_INIT (0, 0, width, height));

  for (guint i = 0; i < N_BUCKETS; i++)
    {
      gint64 epoch = now_epoch - (N_BUCKETS - 1) + i;
      const Bucket *bucket = &meter->buckets[epoch % N_BUCKETS];
      double x = i * bar_width;
      double frame_ms;
      double stall_ms;
      double h;

      if (bucket->epoch != epoch)
        continue;

      frame_ms = bucket->max_frame_usec / 1000.0;
      stall_ms = bucket->max_stall_usec / 1000.0;

      if (frame_ms > 0)
        {
          h = MIN (frame_ms / GRAPH_SCALE_MS, 1.0) * height;
          gtk_snapshot_append_color (snapshot,
                                     frame_ms > 2 * FRAME_BUDGET_MS ? &frame_slow : &frame_ok,
                                     &GRAPHENE_RECT_INIT (x, height - h, MAX (bar_width - 1, 1), h));
        }

      if (stall_ms > FRAME_BUDGET_MS)
        {
          h = MIN (stall_ms / GRAPH_SCALE_MS, 1.0) * height;
          gtk_snapshot_append_color (snapshot, &stall,
                                     &GRAPHENE_RECT_INIT (x, height - h, MAX (bar_width / 2, 1), h));
        }
    }

  budget_y = height - FRAME_BUDGET_MS / GRAPH_SCALE_MS * height;
  gtk_snapshot_append_color (snapshot, &budget_line,
                             &GRAPHENE_RECT_INIT (0, budget_y, width, 1));
}

/* UbMeter */

static void
ub_meter_dispose (GObject *object)
{
  UbMeter *self = UB_METER (object);

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }

  if (self->heartbeat != NULL)
    {
      g_source_destroy (self->heartbeat);
      g_clear_pointer (&self->heartbeat, g_source_unref);
    }

  g_clear_pointer (&self->pulse, gtk_widget_unparent);
  g_clear_pointer (&self->graph, gtk_widget_unparent);
  g_clear_pointer (&self->label, gtk_widget_unparent);

  G_OBJECT_CLASS (ub_meter_parent_class)->dispose (object);
}

static void
ub_meter_finalize (GObject *object)
{
  UbMeter *self = UB_METER (object);

  g_clear_pointer (&self->stalls, g_free);
  g_clear_pointer (&self->frames, g_free);

  G_OBJECT_CLASS (ub_meter_parent_class)->finalize (object);
}

static void
ub_meter_class_init (UbMeterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ub_meter_dispose;
  object_class->finalize = ub_meter_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "meter");
}

static void
ub_meter_init (UbMeter *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 12);

  self->stalls = g_new0 (Histogram, 1);
  self->frames = g_new0 (Histogram, 1);
  for (guint i = 0; i < N_BUCKETS; i++)
    self->buckets[i].epoch = -1;
  self->shown_stall_ms = -1;
  self->last_drawn_epoch = -1;

  self->pulse = ub_meter_area_new (self, "meterpulse", draw_pulse, 48, 12,
                                   _("Moves once per frame: smooth when the main thread is free"));
  gtk_widget_set_valign (self->pulse, GTK_ALIGN_CENTER);

  self->graph = ub_meter_area_new (self, "metergraph", draw_graph, 80, 24,
                                   _("Last 10 s: longest frame interval (blue, yellow when over "
                                     "two frames) and main-loop stalls over one frame (red); "
                                     "the line marks 16.7 ms, the top 50 ms"));
  gtk_widget_set_hexpand (self->graph, TRUE);

  /* An inscription, not a label: its size is its room for "Longest
   * stall: 9999 ms", whatever it says, so a new figure is only redrawn;
   * a label's new text would lay the whole window out. */
  self->label = gtk_inscription_new (NULL);
  gtk_inscription_set_min_chars (GTK_INSCRIPTION (self->label), 22);
  gtk_inscription_set_nat_chars (GTK_INSCRIPTION (self->label), 22);
  gtk_widget_set_tooltip_text (self->label, _("The longest main-loop stall in the last 10 seconds"));
  gtk_inscription_set_xalign (GTK_INSCRIPTION (self->label), 0.0f);
  gtk_widget_add_css_class (self->label, "numeric");
  gtk_widget_add_css_class (self->label, "caption");
  gtk_widget_set_parent (self->label, GTK_WIDGET (self));
  update_label (self, g_get_monotonic_time ());

  self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick_cb, NULL, NULL);
}

GtkWidget *
ub_meter_new (void)
{
  return g_object_new (UB_TYPE_METER, NULL);
}

/**
 * ub_meter_get_max_stall_ms:
 *
 * Returns: the longest main-loop stall in the last 10 s, in milliseconds:
 *   the figure the meter's label shows.
 */
double
ub_meter_get_max_stall_ms (UbMeter *self)
{
  g_return_val_if_fail (UB_IS_METER (self), 0.0);

  return window_max_stall_usec (self, g_get_monotonic_time ()) / 1000.0;
}

/**
 * ub_meter_get_frame_interval_percentile:
 * @percentile: between 0 and 100
 *
 * Returns: the given percentile of the frame intervals since the last
 *   reset, in milliseconds
 */
double
ub_meter_get_frame_interval_percentile (UbMeter *self,
                                        double   percentile)
{
  g_return_val_if_fail (UB_IS_METER (self), 0.0);
  g_return_val_if_fail (percentile >= 0.0 && percentile <= 100.0, 0.0);

  return histogram_percentile_ms (self->frames, percentile);
}

/**
 * ub_meter_get_stats:
 * @stats: (out caller-allocates): where to store the figures
 *
 * Reads the figures recorded since the last ub_meter_reset().
 */
void
ub_meter_get_stats (UbMeter      *self,
                    UbMeterStats *stats)
{
  g_return_if_fail (UB_IS_METER (self));
  g_return_if_fail (stats != NULL);

  stats->max_stall_ms = self->stalls->max_usec / 1000.0;
  stats->stall_p99_ms = histogram_percentile_ms (self->stalls, 99.0);
  stats->frame_p50_ms = histogram_percentile_ms (self->frames, 50.0);
  stats->frame_p99_ms = histogram_percentile_ms (self->frames, 99.0);
  stats->frame_max_ms = self->frames->max_usec / 1000.0;
  stats->n_frames = self->frames->count;
  stats->n_heartbeats = self->stalls->count;
  stats->total_stall_ms = self->total_stall_usec / 1000.0;
  stats->self_cost_us_per_frame =
    self->self_cost_frames ? (double) self->self_cost_usec / self->self_cost_frames : 0.0;
}

/**
 * ub_meter_reset:
 *
 * Starts a new measurement: clears the figures that ub_meter_get_stats()
 * reports. The 10 s graph and label are not affected.
 */
void
ub_meter_reset (UbMeter *self)
{
  g_return_if_fail (UB_IS_METER (self));

  memset (self->stalls, 0, sizeof *self->stalls);
  memset (self->frames, 0, sizeof *self->frames);
  self->total_stall_usec = 0;
  self->self_cost_usec = 0;
  self->self_cost_frames = 0;
  /* The previous heartbeat and tick are kept: a gap that spans the reset
   * is real and belongs to the new measurement. */
}
