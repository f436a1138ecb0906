/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ub-activity-button.h"
#include "ub-run-status.h"

/*
 * The header bar's activity button, as the Files app shows its file
 * operations: a popover listing every run of the run manager (the page
 * it belongs to, its job, a progress bar, its state, a cancel button),
 * from whichever page is shown. While anything runs, the button draws the
 * runs' combined progress as a pie; with nothing to list it hides.
 *
 * Main thread only. Each row holds its run and disconnects from it in
 * dispose, so nothing a run reports reaches a row that is gone; the list
 * box follows the manager (a GListModel) through gtk_list_box_bind_model().
 */

#define UB_TYPE_ACTIVITY_ROW (ub_activity_row_get_type ())
G_DECLARE_FINAL_TYPE (UbActivityRow, ub_activity_row, UB, ACTIVITY_ROW, GtkListBoxRow)

struct _UbActivityRow
{
  GtkListBoxRow   parent_instance;

  UbRun          *run;      /* (owned) */
  char           *page;     /* (owned): the title of the run's page */
  GtkLabel       *title;
  GtkLabel       *state;
  GtkProgressBar *bar;
  GtkButton      *cancel;
};

G_DEFINE_FINAL_TYPE (UbActivityRow, ub_activity_row, GTK_TYPE_LIST_BOX_ROW)

struct _UbActivityButton
{
  GtkWidget       parent_instance;

  GtkMenuButton  *button;
  GtkDrawingArea *pie;
  GtkListBox     *list;

  UbRunManager   *manager;  /* (owned) (nullable) */
  AdwViewStack   *stack;    /* (nullable) weak: the window's pages, for their names */
  gboolean        indicating;
  guint           redraw_id;  /* while indicating: the pie follows the runs */
};

G_DEFINE_FINAL_TYPE (UbActivityButton, ub_activity_button, GTK_TYPE_WIDGET)

static void
row_update (UbActivityRow *self)
{
  g_autofree char *status = ub_run_status_dup_text (self->run);
  /* TRANSLATORS: a page's name, then what its run does */
  g_autofree char *title = g_strdup_printf (_("%s — %s"), self->page,
                                            ub_run_get_title (self->run) ? ub_run_get_title (self->run) : "");

  gtk_label_set_text (self->title, title);
  gtk_label_set_text (self->state, status);
  ub_run_status_show_progress (self->run, self->bar);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel), ub_run_is_active (self->run));
}

/* A row follows its run only while it is on screen, and catches up when
 * the popover opens: a label given new text queues a resize, and every
 * resize makes the window compute its size anew, which on X11 waits for
 * the display server several times (the monitor, the work area). The
 * runs report progress many times a second; the popover is mostly shut. */
static void
on_run_changed (UbRun         *run,
                GParamSpec    *pspec,
                UbActivityRow *self)
{
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    row_update (self);
}

static void
on_cancel_clicked (UbActivityRow *self)
{
  ub_run_cancel (self->run);
}

static void
ub_activity_row_dispose (GObject *object)
{
  UbActivityRow *self = UB_ACTIVITY_ROW (object);

  if (self->run != NULL)
    g_signal_handlers_disconnect_by_data (self->run, self);
  g_clear_object (&self->run);
  g_clear_pointer (&self->page, g_free);

  G_OBJECT_CLASS (ub_activity_row_parent_class)->dispose (object);
}

static void
ub_activity_row_class_init (UbActivityRowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ub_activity_row_dispose;
}

static void
ub_activity_row_init (UbActivityRow *self)
{
}

/* "Primes", for a run whose key is "primes": the page's own title. */
static char *
dup_page_title (UbActivityButton *self,
                const char       *key)
{
  /* A page's runs are keyed by its name, or by its name and a dot. */
  g_autofree char *name = key ? g_strndup (key, strcspn (key, ".")) : NULL;
  GtkWidget *child = self->stack && name ? adw_view_stack_get_child_by_name (self->stack, name) : NULL;
  AdwViewStackPage *page = child ? adw_view_stack_get_page (self->stack, child) : NULL;
  const char *title = page ? adw_view_stack_page_get_title (page) : NULL;
  GString *out;

  if (title == NULL)
    return g_strdup (key);

  /* Without its mnemonic underline. */
  out = g_string_new (NULL);
  for (const char *c = title; *c != '\0'; c++)
    if (*c != '_' || (c > title && c[-1] == '_'))
      g_string_append_c (out, *c);
  return g_string_free (out, FALSE);
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  UbActivityButton *button = user_data;
  UbActivityRow *self = g_object_new (UB_TYPE_ACTIVITY_ROW, NULL);
  GtkWidget *grid = gtk_grid_new ();

  self->run = g_object_ref (item);
  self->page = dup_page_title (button, ub_run_get_key (item));
  if (self->page == NULL)
    self->page = g_strdup ("");

  self->title = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->title, 0);
  /* Ranges and file names are long: wrap rather than cut them. */
  gtk_label_set_wrap (self->title, TRUE);
  gtk_label_set_wrap_mode (self->title, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (self->title, 36);
  gtk_widget_set_hexpand (GTK_WIDGET (self->title), TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->title), "heading");

  self->bar = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_widget_set_valign (GTK_WIDGET (self->bar), GTK_ALIGN_CENTER);

  self->state = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->state, 0);
  gtk_label_set_ellipsize (self->state, PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (GTK_WIDGET (self->state), "caption");
  gtk_widget_add_css_class (GTK_WIDGET (self->state), "dim-label");

  self->cancel = GTK_BUTTON (gtk_button_new_from_icon_name ("process-stop-symbolic"));
  gtk_widget_set_valign (GTK_WIDGET (self->cancel), GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (GTK_WIDGET (self->cancel), "circular");
  gtk_widget_add_css_class (GTK_WIDGET (self->cancel), "flat");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->cancel), _("Cancel"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->cancel),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Cancel"), -1);
  g_signal_connect_swapped (self->cancel, "clicked", G_CALLBACK (on_cancel_clicked), self);

  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 4);
  gtk_widget_set_margin_top (grid, 6);
  gtk_widget_set_margin_bottom (grid, 6);
  gtk_widget_set_margin_start (grid, 6);
  gtk_widget_set_margin_end (grid, 6);
  gtk_grid_attach (GTK_GRID (grid), GTK_WIDGET (self->title), 0, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), GTK_WIDGET (self->bar), 0, 1, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), GTK_WIDGET (self->state), 0, 2, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), GTK_WIDGET (self->cancel), 1, 0, 1, 3);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (self), grid);

  g_signal_connect (self->run, "notify::state", G_CALLBACK (on_run_changed), self);
  g_signal_connect (self->run, "notify::fraction", G_CALLBACK (on_run_changed), self);
  g_signal_connect (self->run, "notify::phase", G_CALLBACK (on_run_changed), self);
  g_signal_connect (self->run, "notify::title", G_CALLBACK (on_run_changed), self);
  g_signal_connect (self, "map", G_CALLBACK (row_update), NULL);
  row_update (self);
  return GTK_WIDGET (self);
}

/* The active runs' combined progress: a pie, with a faint full circle
 * under it. */
static void
draw_pie (GtkDrawingArea *area,
          cairo_t        *cr,
          int             width,
          int             height,
          gpointer        user_data)
{
  UbActivityButton *self = user_data;
  double done = 0, total = 0;
  double radius = MIN (width, height) / 2.0 - 1;
  double cx = width / 2.0, cy = height / 2.0;
  GdkRGBA color;
  guint n = self->manager ? g_list_model_get_n_items (G_LIST_MODEL (self->manager)) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(UbRun) run = g_list_model_get_item (G_LIST_MODEL (self->manager), i);
      double fraction = ub_run_get_fraction (run);

      if (!ub_run_is_active (run))
        continue;
      done += MAX (fraction, 0);
      total += 1;
    }

  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &color);
  cairo_set_source_rgba (cr, color.red, color.green, color.blue, color.alpha * 0.25);
  cairo_arc (cr, cx, cy, radius, 0, 2 * G_PI);
  cairo_fill (cr);

  if (total == 0)
    return;
  cairo_set_source_rgba (cr, color.red, color.green, color.blue, color.alpha);
  cairo_move_to (cr, cx, cy);
  cairo_arc (cr, cx, cy, radius, -G_PI / 2, -G_PI / 2 + 2 * G_PI * MAX (done / total, 0.02));
  cairo_close_path (cr);
  cairo_fill (cr);
}

static gboolean redraw_pie (gpointer user_data);

static void
sync_button (UbActivityButton *self)
{
  guint n_items = self->manager ? g_list_model_get_n_items (G_LIST_MODEL (self->manager)) : 0;
  guint n_active = self->manager ? ub_run_manager_get_n_active (self->manager) : 0;
  g_autofree char *tooltip = NULL;

  self->indicating = n_active > 0;
  gtk_widget_set_visible (GTK_WIDGET (self), n_items > 0);
  if (n_active > 0)
    tooltip = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u run going", "%u runs going",
                                            n_active), n_active);
  else
    tooltip = g_strdup (_("Recent Work"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), tooltip);
  /* Progress comes from many runs, often: the pie is redrawn on a
   * timer rather than on every report. */
  if (self->indicating && self->redraw_id == 0)
    self->redraw_id = g_timeout_add (250, redraw_pie, self);
  else if (!self->indicating)
    g_clear_handle_id (&self->redraw_id, g_source_remove);
  gtk_widget_queue_draw (GTK_WIDGET (self->pie));
}

static void
on_manager_changed (UbActivityButton *self)
{
  sync_button (self);
}

static void
on_row_activated (GtkListBox       *list,
                  GtkListBoxRow    *row,
                  UbActivityButton *self)
{
  const char *key = ub_run_get_key (UB_ACTIVITY_ROW (row)->run);

  gtk_menu_button_popdown (self->button);
  if (key != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.show-page", "s", key);
}

static gboolean
redraw_pie (gpointer user_data)
{
  UbActivityButton *self = user_data;

  gtk_widget_queue_draw (GTK_WIDGET (self->pie));
  return G_SOURCE_CONTINUE;
}

/**
 * ub_activity_button_set_manager:
 * @manager: (nullable): the runs to list
 */
void
ub_activity_button_set_manager (UbActivityButton *self,
                                UbRunManager     *manager)
{
  g_return_if_fail (UB_IS_ACTIVITY_BUTTON (self));
  g_return_if_fail (manager == NULL || UB_IS_RUN_MANAGER (manager));

  if (self->manager != NULL)
    g_signal_handlers_disconnect_by_data (self->manager, self);
  g_set_object (&self->manager, manager);
  gtk_list_box_bind_model (self->list, G_LIST_MODEL (manager), create_row, self, NULL);
  if (manager != NULL)
    {
      g_signal_connect_swapped (manager, "items-changed", G_CALLBACK (on_manager_changed), self);
      g_signal_connect_swapped (manager, "notify::n-active", G_CALLBACK (on_manager_changed), self);
    }
  sync_button (self);
}

/**
 * ub_activity_button_set_page_names:
 * @stack: (nullable): the window's pages, whose titles name the runs'
 */
void
ub_activity_button_set_page_names (UbActivityButton *self,
                                   AdwViewStack     *stack)
{
  g_return_if_fail (UB_IS_ACTIVITY_BUTTON (self));

  g_set_weak_pointer (&self->stack, stack);
  /* Rows made before are named again. */
  if (self->manager != NULL)
    gtk_list_box_bind_model (self->list, G_LIST_MODEL (self->manager), create_row, self, NULL);
}

static void
ub_activity_button_dispose (GObject *object)
{
  UbActivityButton *self = UB_ACTIVITY_BUTTON (object);

  if (self->manager != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->manager, self);
      gtk_list_box_bind_model (self->list, NULL, NULL, NULL, NULL);
    }
  g_clear_object (&self->manager);
  g_clear_handle_id (&self->redraw_id, g_source_remove);
  g_clear_weak_pointer (&self->stack);
  if (self->button != NULL)
    gtk_widget_unparent (GTK_WIDGET (self->button));
  self->button = NULL;

  G_OBJECT_CLASS (ub_activity_button_parent_class)->dispose (object);
}

static void
ub_activity_button_class_init (UbActivityButtonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ub_activity_button_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "activitybutton");
}

static void
ub_activity_button_init (UbActivityButton *self)
{
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *placeholder = gtk_label_new (_("No work yet"));

  self->pie = GTK_DRAWING_AREA (gtk_drawing_area_new ());
  gtk_drawing_area_set_content_width (self->pie, 16);
  gtk_drawing_area_set_content_height (self->pie, 16);
  gtk_drawing_area_set_draw_func (self->pie, draw_pie, self, NULL);

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_list_box_set_placeholder (self->list, placeholder);
  gtk_widget_add_css_class (placeholder, "dim-label");
  g_signal_connect (self->list, "row-activated", G_CALLBACK (on_row_activated), self);

  /* The manager keeps one run per page: a short list, which needs no
   * scrolling. */
  gtk_widget_set_size_request (GTK_WIDGET (self->list), 340, -1);
  gtk_popover_set_child (GTK_POPOVER (popover), GTK_WIDGET (self->list));

  self->button = GTK_MENU_BUTTON (gtk_menu_button_new ());
  gtk_menu_button_set_child (self->button, GTK_WIDGET (self->pie));
  gtk_menu_button_set_popover (self->button, popover);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Work in Progress"), -1);
  gtk_widget_set_parent (GTK_WIDGET (self->button), GTK_WIDGET (self));

  ub_activity_button_set_manager (self, ub_run_manager_get_default ());
}

GtkWidget *
ub_activity_button_new (void)
{
  return g_object_new (UB_TYPE_ACTIVITY_BUTTON, NULL);
}

/**
 * ub_activity_button_is_indicating:
 *
 * Returns: whether the button shows that work is going on
 */
gboolean
ub_activity_button_is_indicating (UbActivityButton *self)
{
  g_return_val_if_fail (UB_IS_ACTIVITY_BUTTON (self), FALSE);

  return self->indicating;
}

void
ub_activity_button_popup (UbActivityButton *self)
{
  g_return_if_fail (UB_IS_ACTIVITY_BUTTON (self));

  gtk_menu_button_popup (self->button);
}

void
ub_activity_button_popdown (UbActivityButton *self)
{
  g_return_if_fail (UB_IS_ACTIVITY_BUTTON (self));

  gtk_menu_button_popdown (self->button);
}

guint
ub_activity_button_get_n_rows (UbActivityButton *self)
{
  guint n = 0;

  g_return_val_if_fail (UB_IS_ACTIVITY_BUTTON (self), 0);

  while (gtk_list_box_get_row_at_index (self->list, (int) n) != NULL)
    n++;
  return n;
}

static UbActivityRow *
row_at (UbActivityButton *self,
        guint             index)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->list, (int) index);

  return UB_IS_ACTIVITY_ROW (row) ? UB_ACTIVITY_ROW (row) : NULL;
}

/**
 * ub_activity_button_get_row_run:
 *
 * Returns: (transfer none) (nullable): the run row @index shows
 */
UbRun *
ub_activity_button_get_row_run (UbActivityButton *self,
                                guint             index)
{
  UbActivityRow *row;

  g_return_val_if_fail (UB_IS_ACTIVITY_BUTTON (self), NULL);

  row = row_at (self, index);
  return row ? row->run : NULL;
}

/**
 * ub_activity_button_get_row_fraction:
 *
 * Returns: what row @index's progress bar shows, or -1 without the row
 */
double
ub_activity_button_get_row_fraction (UbActivityButton *self,
                                     guint             index)
{
  UbActivityRow *row;

  g_return_val_if_fail (UB_IS_ACTIVITY_BUTTON (self), -1);

  row = row_at (self, index);
  return row ? gtk_progress_bar_get_fraction (row->bar) : -1;
}

/**
 * ub_activity_button_get_row_title:
 *
 * Returns: (nullable): the title of row @index: its page, then its job
 */
const char *
ub_activity_button_get_row_title (UbActivityButton *self,
                                  guint             index)
{
  UbActivityRow *row;

  g_return_val_if_fail (UB_IS_ACTIVITY_BUTTON (self), NULL);

  row = row_at (self, index);
  return row ? gtk_label_get_text (row->title) : NULL;
}

/**
 * ub_activity_button_get_row_state:
 *
 * Returns: (nullable): the state line of row @index
 */
const char *
ub_activity_button_get_row_state (UbActivityButton *self,
                                  guint             index)
{
  UbActivityRow *row;

  g_return_val_if_fail (UB_IS_ACTIVITY_BUTTON (self), NULL);

  row = row_at (self, index);
  return row ? gtk_label_get_text (row->state) : NULL;
}

/**
 * ub_activity_button_cancel_row:
 *
 * Clicks row @index's cancel button, as a user would.
 */
void
ub_activity_button_cancel_row (UbActivityButton *self,
                               guint             index)
{
  UbActivityRow *row;

  g_return_if_fail (UB_IS_ACTIVITY_BUTTON (self));

  row = row_at (self, index);
  if (row != NULL && gtk_widget_get_visible (GTK_WIDGET (row->cancel)))
    g_signal_emit_by_name (row->cancel, "clicked");
}
