/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "ub-channels-model.h"
#include "ub-runtime-view.h"
#include "ub-runtime.h"
#include "ub-ui.h"

/*
 * A live view of every worker and port of the runtime.
 *
 * The view polls ub_runtime_snapshot() every 250 ms while it is mapped, and
 * updates two grids of labels in place: a label's text is set only when it
 * changed, rows are added when the runtime grows and hidden when it
 * shrinks. Rates come from the counters' deltas between polls, port by
 * port (a port keeps its id for life), and each port names the thread
 * that receives on it. Every column title explains itself in a tooltip.
 * The cost of each update is measured and shown. Main thread only.
 */

#define PREBUILT_ROWS    16

enum {
  PORT_LABEL,
  PORT_OWNER,
  PORT_IN_RATE,
  PORT_OUT_RATE,
  PORT_DEPTH,
  PORT_HIGH_WATER,
  PORT_DROPPED,
  PORT_REPLACED,
  PORT_ERRORS,
  N_PORT_COLUMNS
};

enum {
  WORKER_NAME,
  WORKER_ACTIVITY,
  WORKER_STATE,
  WORKER_CALLS,
  N_WORKER_COLUMNS
};

typedef struct
{
  const char *title;
  const char *tooltip;
} Column;

static const Column port_columns[N_PORT_COLUMNS] = {
  { N_("Port"), N_("The port's label: what its channel is for, and which end this is") },
  { N_("Received in"), N_("The thread whose loop receives this port's messages") },
  { N_("In/s"), N_("Messages delivered to this port per second, over the last poll") },
  { N_("Out/s"), N_("Messages posted from this port per second, over the last poll") },
  { N_("Queue"), N_("Messages posted to this port and not yet delivered") },
  { N_("High-water"), N_("The longest the queue has ever been: how far the receiver fell behind") },
  { N_("Dropped"), N_("Messages discarded because the port was closed or its worker terminated") },
  { N_("Replaced"), N_("Latest-value posts (progress) that replaced an undelivered one, "
                       "so the receiver sees only the newest") },
  { N_("Msg errors"), N_("Messages that could not be decoded and fired “messageerror”") },
};

static const Column worker_columns[N_WORKER_COLUMNS] = {
  { N_("Worker"), N_("What the worker thread is for") },
  { N_("Doing"), N_("The job it runs now") },
  { N_("State"), N_("Starting, running, or how it ended") },
  { N_("Pending calls"), N_("Remote calls sent to it and not answered yet") },
};

struct _UbRuntimeView
{
  GtkWidget           parent_instance;

  /* Template widgets */
  GtkGrid            *workers_grid;
  GtkGrid            *ports_grid;
  GtkLabel           *update_label;

  /* Owned references */
  GPtrArray          *worker_cells; /* GtkLabel, N_WORKER_COLUMNS per row */
  GPtrArray          *port_cells;   /* GtkLabel, N_PORT_COLUMNS per row */
  UbChannelsModel    *model;        /* (owned) rates and thread names */


  UbRuntimeViewStats  stats;
};

enum {
  UPDATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (UbRuntimeView, ub_runtime_view, GTK_TYPE_WIDGET)

static void
set_cell (GtkLabel   *label,
          const char *text)
{
  if (g_strcmp0 (gtk_label_get_text (label), text) != 0)
    gtk_label_set_text (label, text);
  if (!gtk_widget_get_visible (GTK_WIDGET (label)))
    gtk_widget_set_visible (GTK_WIDGET (label), TRUE);
}

static void
set_cell_uint (GtkLabel *label,
               guint64   value)
{
  char text[32];

  g_snprintf (text, sizeof text, "%" G_GUINT64_FORMAT, value);
  set_cell (label, text);
}

static void
set_rate_cell (GtkLabel *label,
               double    rate)
{
  char text[32];

  if (rate < 0)
    {
      set_cell (label, "—");
      return;
    }
  g_snprintf (text, sizeof text, "%.0f", rate);
  set_cell (label, text);
}

static GtkLabel *
new_cell (gboolean numeric,
          gboolean heading)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), numeric ? 1.0 : 0.0);
  if (numeric)
    gtk_widget_add_css_class (label, "numeric");
  if (heading)
    gtk_widget_add_css_class (label, "dim-label");
  return GTK_LABEL (label);
}

static void
add_titles (GtkGrid      *grid,
            const Column *columns,
            guint         n_columns,
            guint         n_text_columns)
{
  for (guint c = 0; c < n_columns; c++)
    {
      GtkLabel *label = new_cell (c >= n_text_columns, TRUE);

      gtk_label_set_text (label, _(columns[c].title));
      gtk_widget_set_tooltip_text (GTK_WIDGET (label), _(columns[c].tooltip));
      gtk_grid_attach (grid, GTK_WIDGET (label), c, 0, 1, 1);
    }
}

/* Returns the cells of data row @row, creating them if needed. */
static GtkLabel **
ensure_row (GtkGrid   *grid,
            GPtrArray *cells,
            guint      n_columns,
            guint      n_text_columns,
            guint      row)
{
  while (cells->len < (row + 1) * n_columns)
    {
      guint r = cells->len / n_columns, c = cells->len % n_columns;
      GtkLabel *label = new_cell (c >= n_text_columns, FALSE);

      if (c < n_text_columns)
        {
          gtk_label_set_ellipsize (label, PANGO_ELLIPSIZE_MIDDLE);
          gtk_label_set_width_chars (label, c == 0 ? 24 : 16);
          gtk_label_set_max_width_chars (label, c == 0 ? 36 : 22);
        }
      gtk_grid_attach (grid, GTK_WIDGET (label), c, r + 1, 1, 1);
      g_ptr_array_add (cells, label);
    }
  return (GtkLabel **) &cells->pdata[row * n_columns];
}

static void
hide_rows_from (GPtrArray *cells,
                guint      n_columns,
                guint      row)
{
  for (guint i = row * n_columns; i < cells->len; i++)
    if (gtk_widget_get_visible (cells->pdata[i]))
      gtk_widget_set_visible (cells->pdata[i], FALSE);
}

static void
update_workers (UbRuntimeView     *self,
                UbRuntimeSnapshot *snapshot)
{
  for (guint i = 0; i < snapshot->workers->len; i++)
    {
      UbRuntimeWorkerInfo *info = &g_array_index (snapshot->workers, UbRuntimeWorkerInfo, i);
      GtkLabel **row = ensure_row (self->workers_grid, self->worker_cells, N_WORKER_COLUMNS, 2, i);

      set_cell (row[WORKER_NAME], info->name);
      set_cell (row[WORKER_ACTIVITY], info->activity != NULL ? info->activity : _("idle"));
      set_cell (row[WORKER_STATE], ub_channels_worker_state_name (info->state));
      set_cell_uint (row[WORKER_CALLS], info->n_pending_calls);
    }
  hide_rows_from (self->worker_cells, N_WORKER_COLUMNS, snapshot->workers->len);
}

static void
update_ports (UbRuntimeView     *self,
              UbRuntimeSnapshot *snapshot)
{
  for (guint i = 0; i < snapshot->ports->len; i++)
    {
      UbRuntimePortInfo *info = &g_array_index (snapshot->ports, UbRuntimePortInfo, i);
      GtkLabel **row = ensure_row (self->ports_grid, self->port_cells, N_PORT_COLUMNS, 2, i);
      double in_rate, out_rate;

      ub_channels_model_get_port_rates (self->model, info->id, &in_rate, &out_rate);
      set_cell (row[PORT_LABEL], info->label != NULL ? info->label : _("(unlabelled)"));
      set_cell (row[PORT_OWNER], ub_channels_model_get_owner_name (self->model, info->owner_id));
      set_rate_cell (row[PORT_IN_RATE], in_rate);
      set_rate_cell (row[PORT_OUT_RATE], out_rate);
      set_cell_uint (row[PORT_DEPTH], info->stats.queue_depth);
      set_cell_uint (row[PORT_HIGH_WATER], info->stats.high_water);
      set_cell_uint (row[PORT_DROPPED], info->stats.dropped);
      set_cell_uint (row[PORT_REPLACED], info->stats.replaced);
      set_cell_uint (row[PORT_ERRORS], info->stats.message_errors);
    }
  hide_rows_from (self->port_cells, N_PORT_COLUMNS, snapshot->ports->len);
}

/* Polling while shown, for the views of the runtime ------------------------ */

typedef struct
{
  GtkWidget         *widget;   /* (unowned) the poll lives in its data */
  UbRuntimePollFunc  refresh;
  guint              id;
} Poll;

static gboolean
poll_cb (gpointer user_data)
{
  Poll *poll = user_data;

  poll->refresh (poll->widget);
  return G_SOURCE_CONTINUE;
}

static void
poll_on_map (GtkWidget *widget,
             Poll      *poll)
{
  poll->refresh (widget);
  if (poll->id == 0)
    poll->id = g_timeout_add_full (G_PRIORITY_DEFAULT_IDLE, UB_RUNTIME_POLL_INTERVAL_MS,
                                   poll_cb, poll, NULL);
}

static void
poll_on_unmap (GtkWidget *widget,
               Poll      *poll)
{
  g_clear_handle_id (&poll->id, g_source_remove);
}

static void
poll_free (gpointer data)
{
  Poll *poll = data;

  g_clear_handle_id (&poll->id, g_source_remove);
  g_signal_handlers_disconnect_by_data (poll->widget, poll);
  g_free (poll);
}

/**
 * ub_runtime_poll_while_mapped:
 * @widget: a view of the runtime
 * @refresh: (scope forever): what takes a snapshot and shows it
 *
 * Calls @refresh when @widget is mapped and every
 * %UB_RUNTIME_POLL_INTERVAL_MS while it stays mapped, on the main loop;
 * never while it is hidden, nor after it is disposed.
 */
void
ub_runtime_poll_while_mapped (GtkWidget         *widget,
                              UbRuntimePollFunc  refresh)
{
  Poll *poll = g_new0 (Poll, 1);

  poll->widget = widget;
  poll->refresh = refresh;
  g_object_set_data_full (G_OBJECT (widget), "ub-runtime-poll", poll, poll_free);
  g_signal_connect (widget, "map", G_CALLBACK (poll_on_map), poll);
  g_signal_connect (widget, "unmap", G_CALLBACK (poll_on_unmap), poll);
}

static void
ub_runtime_view_dispose (GObject *object)
{
  UbRuntimeView *self = UB_RUNTIME_VIEW (object);

  g_object_set_data (object, "ub-runtime-poll", NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), UB_TYPE_RUNTIME_VIEW);
  ub_widget_unparent_children (GTK_WIDGET (self));
  g_clear_pointer (&self->worker_cells, g_ptr_array_unref);
  g_clear_pointer (&self->port_cells, g_ptr_array_unref);

  G_OBJECT_CLASS (ub_runtime_view_parent_class)->dispose (object);
}

static void
ub_runtime_view_finalize (GObject *object)
{
  UbRuntimeView *self = UB_RUNTIME_VIEW (object);

  g_clear_pointer (&self->model, ub_channels_model_free);

  G_OBJECT_CLASS (ub_runtime_view_parent_class)->finalize (object);
}

static void
ub_runtime_view_class_init (UbRuntimeViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ub_runtime_view_dispose;
  object_class->finalize = ub_runtime_view_finalize;

  /**
   * UbRuntimeView::updated:
   *
   * The view has just polled the runtime: for figures shown beside it that
   * are polled as often.
   */
  signals[UPDATED] = g_signal_new ("updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/unblock/Unblock/ub-runtime-view.ui");
  gtk_widget_class_bind_template_child (widget_class, UbRuntimeView, workers_grid);
  gtk_widget_class_bind_template_child (widget_class, UbRuntimeView, ports_grid);
  gtk_widget_class_bind_template_child (widget_class, UbRuntimeView, update_label);
}

static void
ub_runtime_view_init (UbRuntimeView *self)
{
  GtkLayoutManager *layout;

  gtk_widget_init_template (GTK_WIDGET (self));

  layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 6);

  self->worker_cells = g_ptr_array_new ();
  self->port_cells = g_ptr_array_new ();
  self->model = ub_channels_model_new ();
  ub_runtime_poll_while_mapped (GTK_WIDGET (self), (UbRuntimePollFunc) ub_runtime_view_refresh);

  add_titles (self->workers_grid, worker_columns, N_WORKER_COLUMNS, 2);
  add_titles (self->ports_grid, port_columns, N_PORT_COLUMNS, 2);

  /* Build the rows a typical runtime needs now, not during an update. */
  ensure_row (self->workers_grid, self->worker_cells, N_WORKER_COLUMNS, 2, PREBUILT_ROWS / 2 - 1);
  ensure_row (self->ports_grid, self->port_cells, N_PORT_COLUMNS, 2, PREBUILT_ROWS - 1);
  hide_rows_from (self->worker_cells, N_WORKER_COLUMNS, 0);
  hide_rows_from (self->port_cells, N_PORT_COLUMNS, 0);
}

GtkWidget *
ub_runtime_view_new (void)
{
  return g_object_new (UB_TYPE_RUNTIME_VIEW, NULL);
}

/**
 * ub_runtime_view_refresh:
 *
 * Updates the view now, as the poll does, and emits
 * #UbRuntimeView::updated.
 */
void
ub_runtime_view_refresh (UbRuntimeView *self)
{
  gint64 start = g_get_monotonic_time ();
  g_autoptr(UbRuntimeSnapshot) snapshot = NULL;
  g_autofree char *text = NULL;
  gint64 cost;

  g_return_if_fail (UB_IS_RUNTIME_VIEW (self));

  snapshot = ub_runtime_snapshot ();
  ub_channels_model_update (self->model, snapshot, start);
  update_workers (self, snapshot);
  update_ports (self, snapshot);
  g_signal_emit (self, signals[UPDATED], 0);

  cost = g_get_monotonic_time () - start;
  self->stats.n_updates++;
  self->stats.last_usec = cost;
  self->stats.max_usec = MAX (self->stats.max_usec, cost);
  self->stats.total_usec += cost;
  self->stats.n_ports = snapshot->ports->len;
  self->stats.n_workers = snapshot->workers->len;

  text = g_strdup_printf (_("%u worker threads running · updated every %u ms while shown · "
                            "this update cost the main thread %.3f ms (mean %.3f, max %.3f)"),
                          snapshot->n_running_threads, UB_RUNTIME_POLL_INTERVAL_MS, cost / 1000.0,
                          self->stats.total_usec / 1000.0 / self->stats.n_updates,
                          self->stats.max_usec / 1000.0);
  gtk_label_set_text (self->update_label, text);
}

/**
 * ub_runtime_view_get_stats:
 * @stats: (out caller-allocates): what the view's updates cost
 */
void
ub_runtime_view_get_stats (UbRuntimeView      *self,
                           UbRuntimeViewStats *stats)
{
  g_return_if_fail (UB_IS_RUNTIME_VIEW (self));
  g_return_if_fail (stats != NULL);

  *stats = self->stats;
}
