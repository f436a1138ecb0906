/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-primes-page.h"
#include "ub-test-gtk.h"

static gboolean
has_width (gpointer user_data)
{
  int *size = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (ub_test_gtk_get_app ()));

  return window != NULL && gtk_widget_get_width (GTK_WIDGET (window)) <= size[0] &&
         gtk_widget_get_width (GTK_WIDGET (window)) >= size[0] - 40;
}

/* What the window was when it went, the next one starts with: its size,
 * its page, and the Primes page's worker count. */
static void
test_window_state_kept (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  UbWindow *window;
  UbPrimesPage *page;
  int size[2] = { 640, 480 };
  int width, height;

  if (!ub_test_gtk_have_display ())
    return;

  window = ub_test_gtk_new_window ();
  gtk_window_set_default_size (GTK_WINDOW (window), size[0], size[1]);
  g_assert_true (ub_test_gtk_run_until (has_width, size, 10000));
  g_assert_true (ub_window_show_page (window, "data"));
  page = UB_PRIMES_PAGE (ub_window_get_page (window, "primes"));
  ub_primes_page_set_input (page, "0", "1000", FALSE, 3);
  g_assert_true (ub_window_show_page (window, "primes"));
  g_action_group_activate_action (G_ACTION_GROUP (window), "start", NULL);
  g_assert_true (ub_window_show_page (window, "data"));

  /* The next start. */
  window = ub_test_gtk_new_window ();
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, size[0]);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, size[0]);
  g_assert_cmpint (height, ==, size[1]);
  g_assert_cmpstr (ub_window_get_visible_page_name (window), ==, "data");
  g_assert_true (ub_test_gtk_run_until (has_width, size, 10000));
  page = UB_PRIMES_PAGE (ub_window_get_page (window, "primes"));
  {
    GtkSpinButton *spin = GTK_SPIN_BUTTON (gtk_widget_get_template_child (GTK_WIDGET (page),
                                                                           UB_TYPE_PRIMES_PAGE,
                                                                           "workers_spin"));

    g_assert_cmpint (gtk_spin_button_get_value_as_int (spin), ==, 3);
  }
  g_assert_cmpuint (g_settings_get_uint (settings, "workers"), ==, 3);

  /* Maximising needs a window manager, which the headless display has
   * not: the maximised state is not checked here. */
  g_settings_reset (settings, "window-maximized");
  g_settings_reset (settings, "last-page");
}

int
main (int    argc,
      char **argv)
{
  ub_test_gtk_init (&argc, &argv);

  g_test_summary ("Settings: what the window was, the next window starts with");
  g_test_add_func ("/settings/window-state-kept", test_window_state_kept);

  return g_test_run ();
}
