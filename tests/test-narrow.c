/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-test-gtk.h"

/* The smallest window GNOME's guidelines ask an app to fit: a phone, or a
 * quarter of a small laptop screen. */
#define NARROW_WIDTH  360
#define NARROW_HEIGHT 600

static const struct
{
  const char *name;
  gboolean    reflows; /* fits the width without scrolling sideways */
} pages[] = {
  { "primes", TRUE },
  { "images", FALSE },
  { "data", TRUE },
  { "channels", FALSE },
};

typedef struct
{
  GtkWidget *window;
  guint      n_checked;
  GString   *cut_off;
} Reach;

static gboolean
overflows_sideways (GtkScrolledWindow *scroller)
{
  GtkAdjustment *h = gtk_scrolled_window_get_hadjustment (scroller);

  return gtk_adjustment_get_upper (h) - gtk_adjustment_get_lower (h) >
         gtk_adjustment_get_page_size (h) + 0.5;
}

/* Whether @widget sits in a view that scrolls sideways, where lying
 * beyond the window's edge is fine (a wide table). */
static gboolean
scrolls_sideways (GtkWidget *widget)
{
  for (GtkWidget *w = gtk_widget_get_parent (widget); w != NULL; w = gtk_widget_get_parent (w))
    if (GTK_IS_SCROLLED_WINDOW (w) && overflows_sideways (GTK_SCROLLED_WINDOW (w)))
      return TRUE;
  return FALSE;
}

/* Names the widgets that ask for more than @width, down the tree. */
static void
report_wide (GtkWidget *widget,
             int        width,
             int        depth)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int min_width;

      if (!gtk_widget_get_visible (child))
        continue;
      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
      if (min_width > width && depth < 12)
        {
          g_test_message ("%*s%s needs %d px", depth * 2, "", G_OBJECT_TYPE_NAME (child), min_width);
          report_wide (child, width, depth + 1);
        }
    }
}

static gboolean
is_control (GtkWidget *widget)
{
  return GTK_IS_BUTTON (widget) || GTK_IS_EDITABLE (widget) || GTK_IS_DROP_DOWN (widget) ||
         GTK_IS_SWITCH (widget) || GTK_IS_CHECK_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget) ||
         GTK_IS_SCALE (widget);
}

/* Every control the user can see lies within the window's width. */
static void
check_reach (GtkWidget *widget,
             Reach     *reach)
{
  if (!gtk_widget_get_mapped (widget))
    return;

  if (is_control (widget) && !scrolls_sideways (widget))
    {
      graphene_rect_t bounds;

      g_assert_true (gtk_widget_compute_bounds (widget, reach->window, &bounds));
      reach->n_checked++;
      if (bounds.origin.x < 0 ||
          bounds.origin.x + bounds.size.width > gtk_widget_get_width (reach->window) + 0.5)
        g_string_append_printf (reach->cut_off, " %s at x %.0f…%.0f;",
                                G_OBJECT_TYPE_NAME (widget), bounds.origin.x,
                                bounds.origin.x + bounds.size.width);
      return;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    check_reach (child, reach);
}

static gboolean
has_size (gpointer user_data)
{
  GtkWidget *window = user_data;

  /* The default size counts the window's frame, the allocation not. */
  return gtk_widget_get_width (window) <= NARROW_WIDTH &&
         gtk_widget_get_height (window) <= NARROW_HEIGHT &&
         gtk_widget_get_height (window) >= NARROW_HEIGHT - 40;
}

/* At 360 × 600 every page fits: no page asks for more width or height
 * than the window has, the view switcher moves to the bottom bar, and
 * every control the page shows can be reached. */
static void
test_narrow_pages_fit (void)
{
  UbWindow *window;
  GtkWidget *bar;

  if (!ub_test_gtk_have_display ())
    return;

  window = ub_test_gtk_new_window ();
  gtk_window_unmaximize (GTK_WINDOW (window));
  gtk_window_set_default_size (GTK_WINDOW (window), NARROW_WIDTH, NARROW_HEIGHT);
  if (!ub_test_gtk_run_until (has_size, window, 10000))
    {
      int min_width, min_height;

      for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
        {
          gtk_widget_measure (ub_window_get_page (window, pages[i].name),
                              GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
          g_test_message ("The %s page needs %d px", pages[i].name, min_width);
        }
      gtk_widget_measure (GTK_WIDGET (ub_window_get_meter (window)),
                          GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
      g_test_message ("The meter needs %d px", min_width);
      gtk_widget_measure (GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), UB_TYPE_WINDOW, "header_bar")),
                          GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
      g_test_message ("The header bar needs %d px", min_width);
      gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_HORIZONTAL, -1,
                          &min_width, NULL, NULL, NULL);
      gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_VERTICAL, NARROW_WIDTH,
                          &min_height, NULL, NULL, NULL);
      g_error ("The window is %d × %d, not %d × %d; it needs at least %d × %d",
               gtk_widget_get_width (GTK_WIDGET (window)),
               gtk_widget_get_height (GTK_WIDGET (window)),
               NARROW_WIDTH, NARROW_HEIGHT, min_width, min_height);
    }

  bar = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), UB_TYPE_WINDOW, "switcher_bar"));
  g_assert_nonnull (bar);
  g_test_message ("The window is %d × %d", gtk_widget_get_width (GTK_WIDGET (window)),
                  gtk_widget_get_height (GTK_WIDGET (window)));

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      GtkWidget *page = ub_window_get_page (window, pages[i].name);
      GtkWidget *scroller = gtk_widget_get_ancestor (page, GTK_TYPE_SCROLLED_WINDOW);
      Reach reach = { GTK_WIDGET (window), 0, g_string_new (NULL) };
      int min_width;

      g_assert_true (ub_window_show_page (window, pages[i].name));
      ub_test_gtk_wait_painted (GTK_WIDGET (window), 2);

      gtk_widget_measure (page, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
      g_test_message ("%s: needs %d px, has %d × %d in a view of %d × %d", pages[i].name,
                      min_width, gtk_widget_get_width (page), gtk_widget_get_height (page),
                      gtk_widget_get_width (scroller), gtk_widget_get_height (scroller));
      /* The page has all it needs, and when that is more than the
       * window has, it scrolls. */
      g_assert_cmpint (min_width, <=, gtk_widget_get_width (page));
      g_assert_cmpint (gtk_widget_get_width (scroller), <=, NARROW_WIDTH);
      if (pages[i].reflows)
        {
          report_wide (page, gtk_widget_get_width (scroller) - 40, 0);
          g_assert_cmpint (gtk_widget_get_width (page), <=, gtk_widget_get_width (scroller));
          g_assert_false (overflows_sideways (GTK_SCROLLED_WINDOW (scroller)));
        }

      check_reach (page, &reach);
      if (reach.cut_off->len > 0)
        g_error ("On the %s page, controls lie beyond the window's edge:%s",
                 pages[i].name, reach.cut_off->str);
      /* A page that does not reflow scrolls as a whole: its controls
       * are all reached that way. */
      if (pages[i].reflows)
        g_assert_cmpuint (reach.n_checked, >, 0);
      g_string_free (reach.cut_off, TRUE);
    }

  /* Too narrow for the switcher in the header bar: it moves to the bottom. */
  g_assert_true (adw_view_switcher_bar_get_reveal (ADW_VIEW_SWITCHER_BAR (bar)));
  g_assert_true (gtk_widget_get_mapped (bar));
}

static gboolean
bar_hidden (gpointer user_data)
{
  return !adw_view_switcher_bar_get_reveal (user_data);
}

static gboolean
is_wide (gpointer user_data)
{
  return gtk_widget_get_width (user_data) >= 1000;
}

/* And wide, the switcher is in the header bar and the bottom bar hides. */
static void
test_wide_has_no_bottom_bar (void)
{
  UbWindow *window;
  GtkWidget *bar;

  if (!ub_test_gtk_have_display ())
    return;

  window = ub_test_gtk_new_window ();
  /* The size the last window had is remembered: ask for a wide one. */
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  g_assert_true (ub_test_gtk_run_until (is_wide, window, 10000));
  bar = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), UB_TYPE_WINDOW, "switcher_bar"));
  g_assert_true (ub_test_gtk_run_until (bar_hidden, bar, 10000));
}

int
main (int    argc,
      char **argv)
{
  ub_test_gtk_init (&argc, &argv);

  g_test_add_func ("/narrow/pages-fit-360x600", test_narrow_pages_fit);
  g_test_add_func ("/narrow/wide-has-no-bottom-bar", test_wide_has_no_bottom_bar);

  return g_test_run ();
}
