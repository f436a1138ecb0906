/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "ub-runtime-view.h"
#include "ub-runtime.h"
#include "ub-ui.h"

/*
 * A live view of every worker and port of the runtime.
 *
 * The view polls ub_runtime_snapshot() every 250 ms while it is mapped, and
 * updates two grids of labels in place: a label's text is set only when it
 * changed, rows are added when the runtime grows and hidden when it
 * shrinks. Rates come from the counters' deltas between polls. The cost of
 * each update is measured and shown. Main thread only.
 */

#define POLL_INTERVAL_MS 250
#define PREBUILT_ROWS    16

enum {
  PORT_LABEL,
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
  WORKER_KIND,
  WORKER_STATE,
  WORKER_CALLS,
  N_WORKER_COLUMNS
};

static const char *port_titles[N_PORT_COLUMNS] = {
  N_("Port"), N_("In/s"), N_("Out/s"), N_("Queue"), N_("High-water"), N_("Dropped"), N_("Replaced"), N_("Msg errors"),
};

static const char *worker_titles[N_WORKER_COLUMNS] = {
  N_("Worker"), N_("State"), N_("Pending calls"),
};

/* What the last poll saw of one port, to compute rates. */
typedef struct
{
  guint64 posted;
  guint64 delivered;
  guint   seen;       /* the poll that last saw it */
} PortHistory;

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
  GHashTable         *history;      /* "label\037n" → PortHistory */

  guint               poll_id;
  guint               poll_count;
  gint64              last_poll;

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
               guint64   now,
               guint64   before,
               double    seconds,
               gboolean  known)
{
  char text[32];

  if (!known || seconds <= 0)
    {
      set_cell (label, "—");
      return;
    }
  g_snprintf (text, sizeof text, "%.0f", now >= before ? (now - before) / seconds : 0.0);
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
add_titles (GtkGrid     *grid,
            const char **titles,
            guint        n_columns)
{
  for (guint c = 0; c < n_columns; c++)
    {
      GtkLabel *label = new_cell (c > 0, TRUE);

      gtk_label_set_text (label, _(titles[c]));
      gtk_grid_attach (grid, GTK_WIDGET (label), c, 0, 1, 1);
    }
}

/* Returns the cells of data row @row, creating them if needed. */
static GtkLabel **
ensure_row (GtkGrid   *grid,
            GPtrArray *cells,
            guint      n_columns,
            guint      row)
{
  while (cells->len < (row + 1) * n_columns)
    {
      guint r = cells->len / n_columns, c = cells->len % n_columns;
      GtkLabel *label = new_cell (c > 0, FALSE);

      if (c == 0)
        {
          gtk_label_set_ellipsize (label, PANGO_ELLIPSIZE_MIDDLE);
          gtk_label_set_width_chars (label, 24);
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

static const char *
state_name (UbWorkerState state)
{
  switch (state)
    {
    case UB_WORKER_STATE_STARTING:   return _("starting");
    case UB_WORKER_STATE_RUNNING:    return _("running");
    case UB_WORKER_STATE_CLOSED:     return _("closed itself");
    case UB_WORKER_STATE_EXITED:     return _("exited");
    case UB_WORKER_STATE_TERMINATED: return _("terminated");
    default:                         return "?";
    }
}

static void
update_workers (UbRuntimeView     *self,
                UbRuntimeSnapshot *snapshot)
{
  for (guint i = 0; i < snapshot->workers->len; i++)
    {
      UbRuntimeWorkerInfo *info = &g_array_index (snapshot->workers, UbRuntimeWorkerInfo, i);
      GtkLabel **row = ensure_row (self->workers_grid, self->worker_cells, N_WORKER_COLUMNS, i);

      set_cell (row[WORKER_KIND], info->kind);
      set_cell (row[WORKER_STATE], state_name (info->state));
      set_cell_uint (row[WORKER_CALLS], info->n_pending_calls);
    }
  hide_rows_from (self->worker_cells, N_WORKER_COLUMNS, snapshot->workers->len);
}

static void
update_ports (UbRuntimeView     *self,
              UbRuntimeSnapshot *snapshot,
              double             seconds)
{
  g_autoptr(GHashTable) occurrences = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer value;

  for (guint i = 0; i < snapshot->ports->len; i++)
    {
      UbRuntimePortInfo *info = &g_array_index (snapshot->ports, UbRuntimePortInfo, i);
      const char *label = info->label != NULL ? info->label : "(unlabelled)";
      GtkLabel **row = ensure_row (self->ports_grid, self->port_cells, N_PORT_COLUMNS, i);
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (occurrences, label));
      char key[256];
      PortHistory *history;
      gboolean known;

      /* Ports have no identity in a snapshot: the nth port of a label is
       * taken to be the same port as in the last poll. */
      g_hash_table_insert (occurrences, (gpointer) label, GUINT_TO_POINTER (n + 1));
      g_snprintf (key, sizeof key, "%s\037%u", label, n);
      history = g_hash_table_lookup (self->history, key);
      known = history != NULL && history->seen + 1 == self->poll_count;
      if (history == NULL)
        {
          history = g_new0 (PortHistory, 1);
          g_hash_table_insert (self->history, g_strdup (key), history);
        }

      set_cell (row[PORT_LABEL], label);
      set_rate_cell (row[PORT_IN_RATE], info->stats.delivered, history->delivered, seconds, known);
      set_rate_cell (row[PORT_OUT_RATE], info->stats.posted, history->posted, seconds, known);
      set_cell_uint (row[PORT_DEPTH], info->stats.queue_depth);
      set_cell_uint (row[PORT_HIGH_WATER], info->stats.high_water);
      set_cell_uint (row[PORT_DROPPED], info->stats.dropped);
      set_cell_uint (row[PORT_REPLACED], info->stats.replaced);
      set_cell_uint (row[PORT_ERRORS], info->stats.message_errors);

      history->posted = info->stats.posted;
      history->delivered = info->stats.delivered;
      history->seen = self->poll_count;
    }
  hide_rows_from (self->port_cells, N_PORT_COLUMNS, snapshot->ports->len);

  g_hash_table_iter_init (&iter, self->history);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((PortHistory *) value)->seen != self->poll_count)
      g_hash_table_iter_remove (&iter);
}

static gboolean
poll_cb (gpointer user_data)
{
  ub_runtime_view_refresh (UB_RUNTIME_VIEW (user_data));
  return G_SOURCE_CONTINUE;
}

static void
ub_runtime_view_map (GtkWidget *widget)
{
  UbRuntimeView *self = UB_RUNTIME_VIEW (widget);

  GTK_WIDGET_CLASS (ub_runtime_view_parent_class)->map (widget);

  ub_runtime_view_refresh (self);
  if (self->poll_id == 0)
    self->poll_id = g_timeout_add_full (G_PRIORITY_DEFAULT_IDLE, POLL_INTERVAL_MS,
                                        poll_cb, self, NULL);
}

static void
ub_runtime_view_unmap (GtkWidget *widget)
{
  UbRuntimeView *self = UB_RUNTIME_VIEW (widget);

  g_clear_handle_id (&self->poll_id, g_source_remove);
  self->last_poll = 0;

  GTK_WIDGET_CLASS (ub_runtime_view_parent_class)->unmap (widget);
}

static void
ub_runtime_view_dispose (GObject *object)
{
  UbRuntimeView *self = UB_RUNTIME_VIEW (object);

  g_clear_handle_id (&self->poll_id, g_source_remove);
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

  g_clear_pointer (&self->history, g_hash_table_unref);

  G_OBJECT_CLASS (ub_runtime_view_parent_class)->finalize (object);
}

static void
ub_runtime_view_class_init (UbRuntimeViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ub_runtime_view_dispose;
  object_class->finalize = ub_runtime_view_finalize;
  widget_class->map = ub_runtime_view_map;
  widget_class->unmap = ub_runtime_view_unmap;

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
  self->history = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  add_titles (self->workers_grid, worker_titles, N_WORKER_COLUMNS);
  add_titles (self->ports_grid, port_titles, N_PORT_COLUMNS);

  /* Build the rows a typical runtime needs now, not during an update. */
  ensure_row (self->workers_grid, self->worker_cells, N_WORKER_COLUMNS, PREBUILT_ROWS / 2 - 1);
  ensure_row (self->ports_grid, self->port_cells, N_PORT_COLUMNS, PREBUILT_ROWS - 1);
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
  double seconds = self->last_poll > 0 ? (start - self->last_poll) / (double) G_USEC_PER_SEC : 0;
  g_autofree char *text = NULL;
  gint64 cost;

  g_return_if_fail (UB_IS_RUNTIME_VIEW (self));

  snapshot = ub_runtime_snapshot ();
  self->poll_count++;
  update_workers (self, snapshot);
  update_ports (self, snapshot, seconds);
  g_signal_emit (self, signals[UPDATED], 0);

  self->last_poll = start;
  cost = g_get_monotonic_time () - start;
  self->stats.n_updates++;
  self->stats.last_usec = cost;
  self->stats.max_usec = MAX (self->stats.max_usec, cost);
  self->stats.total_usec += cost;
  self->stats.n_ports = snapshot->ports->len;
  self->stats.n_workers = snapshot->workers->len;

  text = g_strdup_printf (_("%u worker threads running · updated every %u ms while shown · "
                          "this update cost the main thread %.3f ms (mean %.3f, max %.3f)"),
                          snapshot->n_running_threads, POLL_INTERVAL_MS, cost / 1000.0,
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
