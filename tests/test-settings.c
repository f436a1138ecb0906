/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-primes-page.h"
#include "ub-test-files.h"
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

/* The first start, in a subprocess: a size, a page and a worker count,
 * then the window closes as a user would close it. */
static void
test_first_start (void)
{
  g_autoptr(GSettings) settings = NULL;
  UbWindow *window;
  int size[2] = { 700, 520 };

  if (!g_test_subprocess ())
    {
      g_test_skip ("a part of /settings/kept-across-restart");
      return;
    }

  settings = g_settings_new (APP_ID);
  window = ub_test_gtk_new_window ();
  gtk_window_set_default_size (GTK_WINDOW (window), size[0], size[1]);
  g_assert_true (ub_test_gtk_run_until (has_width, size, 10000));
  ub_primes_page_set_input (UB_PRIMES_PAGE (ub_window_get_page (window, "primes")),
                            "0", "1000", FALSE, 4);
  g_assert_true (ub_window_show_page (window, "primes"));
  g_action_group_activate_action (G_ACTION_GROUP (window), "start", NULL);
  g_assert_true (ub_window_show_page (window, "data"));
  gtk_window_destroy (GTK_WINDOW (window));
  g_settings_sync ();
}

/* The next start, in another process: the window it opens is the one
 * the first start left. */
static void
test_next_start (void)
{
  UbWindow *window;
  GtkSpinButton *spin;
  int width, height;

  if (!g_test_subprocess ())
    {
      g_test_skip ("a part of /settings/kept-across-restart");
      return;
    }

  window = ub_test_gtk_new_window ();
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 700);
  g_assert_cmpint (height, ==, 520);
  g_assert_cmpstr (ub_window_get_visible_page_name (window), ==, "data");
  spin = GTK_SPIN_BUTTON (gtk_widget_get_template_child (ub_window_get_page (window, "primes"),
                                                         UB_TYPE_PRIMES_PAGE, "workers_spin"));
  g_assert_cmpint (gtk_spin_button_get_value_as_int (spin), ==, 4);
}

/* Two starts of the app in two processes, settings on the disk (GLib's
 * keyfile backend in the home they share, see main()). */
static void
test_kept_across_restart (void)
{
  g_autofree char *keyfile = NULL;

  if (!ub_test_gtk_have_display ())
    return;

  g_test_trap_subprocess ("/settings/restart/first", 60 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  keyfile = g_build_filename (g_getenv ("UB_TEST_SHARED_HOME"), "config", "glib-2.0",
                              "settings", "keyfile", NULL);
  g_assert_true (g_file_test (keyfile, G_FILE_TEST_IS_REGULAR));

  g_test_trap_subprocess ("/settings/restart/next", 60 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static char *shared_home; /* (nullable): made by this process, removed at exit */

static void
remove_shared_home (void)
{
  ub_test_remove_tree (shared_home);
}

int
main (int    argc,
      char **argv)
{
  /* Before any thread starts: one home for this process and the starts
   * it runs as subprocesses (they inherit both variables), settings in
   * files there. */
  if (g_getenv ("UB_TEST_SHARED_HOME") == NULL)
    {
      shared_home = g_dir_make_tmp ("unblock-settings-XXXXXX", NULL);
      g_assert_nonnull (shared_home);
      g_setenv ("UB_TEST_SHARED_HOME", shared_home, TRUE);
      atexit (remove_shared_home);
    }
  g_setenv ("GSETTINGS_BACKEND", "keyfile", TRUE);

  ub_test_gtk_init (&argc, &argv);

  g_test_summary ("Settings: what the window was, the next window starts with");
  g_test_add_func ("/settings/window-state-kept", test_window_state_kept);
  g_test_add_func ("/settings/kept-across-restart", test_kept_across_restart);
  g_test_add_func ("/settings/restart/first", test_first_start);
  g_test_add_func ("/settings/restart/next", test_next_start);

  return g_test_run ();
}
