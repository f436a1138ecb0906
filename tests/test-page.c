/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>

#include "ub-channels-page.h"
#include "ub-data-page.h"
#include "ub-images-page.h"
#include "ub-primes-page.h"
#include "ub-resume-bar.h"
#include "ub-run-manager.h"
#include "ub-runtime.h"
#include "ub-test-files.h"
#include "ub-test-gtk.h"

/*
 * What UbPage does for every page.
 *
 * What a page shows is about the run it shows, now: an error about an
 * input goes once the input changes, a new start clears what the last
 * run said, the bar says the same number as its text, and a reload
 * leaves the form as the user filled it.
 *
 * A page disposed while its work goes on (its window destroyed, as a
 * reload does) gets nothing delivered afterwards. The primes and data
 * runs belong to the application, so they go on and keep reporting
 * progress, to no page; the gallery and the channels demo stop their
 * workers, whose replies in flight are dropped. A reply or a progress
 * report reaching a freed page is a use-after-free: run this suite under
 * ASan too (build-aux/test --sanitize). Here each page is also checked
 * to be finalized, and the work to go on (or stop) as it should.
 */

static gboolean
is_null (gpointer user_data)
{
  return *(gpointer *) user_data == NULL;
}

static gboolean
no_threads_left (gpointer user_data)
{
  return ub_runtime_get_n_running_threads () == 0;
}

static gboolean
page_is_busy (gpointer user_data)
{
  return ub_page_is_busy (user_data);
}

typedef struct
{
  UbRun   *run;
  guint64  beyond;
} Beyond;

static gboolean
run_went_beyond (gpointer user_data)
{
  Beyond *wait = user_data;

  return ub_run_get_done (wait->run) > wait->beyond;
}

/* @page alone in a window of its own, shown: no application, so that
 * destroying it leaves the application's runs alone. */
static GtkWidget *
host (GtkWidget *page)
{
  GtkWidget *window = gtk_window_new ();

  /* Every page has its notes entry, found by UbPage. */
  g_assert_true (GTK_IS_EDITABLE (ub_page_get_notes_entry (UB_PAGE (page))));
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 600);
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));
  ub_test_gtk_wait_painted (window, 2);
  return window;
}

/* Destroys @page's window and waits until the page is finalized. */
static void
destroy_page (GtkWidget *window,
              GtkWidget *page)
{
  gpointer gone = page;

  g_object_add_weak_pointer (G_OBJECT (page), &gone);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (ub_test_gtk_run_until (is_null, &gone, 10000));
}

/* A page bound to an application run: the run outlives the page and goes
 * on reporting progress, which must reach nothing. */
static void
dispose_mid_run (GtkWidget *page)
{
  GtkWidget *window = host (page);
  g_autoptr(UbRun) run = NULL;
  Beyond wait;

  ub_page_start (UB_PAGE (page));
  run = g_object_ref (ub_page_get_run (UB_PAGE (page)));
  wait.run = run;
  wait.beyond = 0;
  g_assert_true (ub_test_gtk_run_until (run_went_beyond, &wait, 60000));
  g_assert_cmpint (ub_run_get_state (run), ==, UB_RUN_RUNNING);

  destroy_page (window, page);

  /* It goes on, reporting to no page. */
  g_assert_cmpint (ub_run_get_state (run), ==, UB_RUN_RUNNING);
  wait.beyond = ub_run_get_done (run);
  g_assert_true (ub_test_gtk_run_until (run_went_beyond, &wait, 60000));
  wait.beyond = ub_run_get_done (run);
  g_assert_true (ub_test_gtk_run_until (run_went_beyond, &wait, 60000));

  ub_run_cancel (run);
  g_assert_true (ub_test_gtk_run_until (no_threads_left, NULL, 10000));
}

static void
test_dispose_primes (void)
{
  GtkWidget *page;

  if (!ub_test_gtk_have_display ())
    return;

  ub_test_gtk_new_window ();
  page = ub_primes_page_new ();
  /* Minutes of work: cancelled once the page is gone. */
  ub_primes_page_set_input (UB_PRIMES_PAGE (page), "1e13", "2e13", FALSE, 2);
  dispose_mid_run (page);
}

static void
test_dispose_data (void)
{
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  GtkWidget *page;

  if (!ub_test_gtk_have_display ())
    return;

  ub_test_gtk_new_window ();
  path = ub_test_make_holes ((gint64) 64 << 30);
  dir = g_path_get_dirname (path);
  page = ub_data_page_new ();
  ub_data_page_set_input (UB_DATA_PAGE (page), path, 0, UB_DATA_MODE_SHA256);
  dispose_mid_run (page);
  ub_test_remove_tree (dir);
}

/* A page whose own workers stop with it: destroyed while busy, it is
 * finalized and every worker thread is joined, with no reply delivered. */
static void
dispose_busy (GtkWidget *window,
              GtkWidget *page)
{
  g_assert_true (ub_test_gtk_run_until (page_is_busy, page, 60000));
  destroy_page (window, page);
  g_assert_true (ub_test_gtk_run_until (no_threads_left, NULL, 10000));
}

static void
test_dispose_images (void)
{
  g_autofree char *dir = NULL;
  GtkWidget *page, *window;

  if (!ub_test_gtk_have_display ())
    return;

  ub_test_gtk_new_window ();
  dir = g_build_filename (g_get_user_cache_dir (), "unblock", "dispose-gallery", NULL);
  ub_test_gtk_make_gallery (dir, 200, 512);
  page = ub_images_page_new ();
  window = host (page);
  ub_images_page_open_folder (UB_IMAGES_PAGE (page), dir);
  dispose_busy (window, page);
}

static void
test_dispose_channels (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(UbRun) run = NULL;
  GtkWidget *page, *window;

  if (!ub_test_gtk_have_display ())
    return;

  ub_test_gtk_new_window ();
  dir = g_build_filename (g_get_user_cache_dir (), "unblock", "dispose-channels", NULL);
  page = ub_channels_page_new ();
  window = host (page);
  ub_channels_page_set_samples (UB_CHANNELS_PAGE (page), dir, 24, 1024);
  ub_page_start (UB_PAGE (page));
  g_assert_true (ub_test_gtk_run_until (page_is_busy, page, 60000));

  /* Its sample writing is a run of the application's: it outlives the
   * page, reporting to nothing, until it is cancelled. */
  run = ub_run_manager_dup_run (ub_run_manager_get_default (), "channels.samples");
  g_assert_nonnull (run);
  destroy_page (window, page);
  if (ub_run_is_active (run))
    {
      Beyond wait = { run, ub_run_get_done (run) };

      g_assert_true (ub_test_gtk_run_until (run_went_beyond, &wait, 60000));
      ub_run_cancel (run);
    }
  g_assert_true (ub_test_gtk_run_until (no_threads_left, NULL, 10000));
}

static gpointer
child (gpointer    page,
       GType       type,
       const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (page), type, name);

  g_assert_nonnull (object);
  return object;
}

static gboolean
page_idle (gpointer user_data)
{
  return !page_is_busy (user_data);
}

static gboolean
run_made_progress (gpointer user_data)
{
  UbRun *run = ub_page_get_run (user_data);

  return run != NULL && ub_run_get_done (run) > 0;
}

static void
test_data_error_goes_with_new_input (void)
{
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  UbDataPage *page;

  if (!ub_test_gtk_have_display ())
    return;

  ub_test_gtk_new_window ();
  page = UB_DATA_PAGE (ub_test_gtk_show_page ("data"));

  /* File input, no file: the start explains. */
  adw_combo_row_set_selected (child (page, UB_TYPE_DATA_PAGE, "input_dropdown"), 0);
  ub_test_gtk_window_action ("start");
  g_assert_nonnull (ub_data_page_get_error (page));
  g_assert_false (ub_page_is_busy (UB_PAGE (page)));

  /* Choosing a file answers it. */
  path = ub_test_make_holes (1 << 20);
  dir = g_path_get_dirname (path);
  ub_data_page_set_input (page, path, 0, UB_DATA_MODE_SHA256);
  g_assert_null (ub_data_page_get_error (page));

  /* A file that cannot be read fails its run; another file clears the
   * failure before anything starts. */
  ub_data_page_set_input (page, "/nonexistent-unblock/input.bin", 0, UB_DATA_MODE_SHA256);
  ub_test_gtk_window_action ("start");
  g_assert_true (ub_test_gtk_run_until (page_idle, page, 60000));
  g_assert_nonnull (ub_data_page_get_error (page));
  ub_data_page_set_input (page, path, 0, UB_DATA_MODE_SHA256);
  g_assert_null (ub_data_page_get_error (page));
  g_assert_cmpstr (ub_page_get_status (UB_PAGE (page)), ==, "");

  ub_test_remove_tree (dir);
}

static void
test_primes_error_clears_last_run (void)
{
  UbPrimesPage *page;
  GtkProgressBar *bar;

  if (!ub_test_gtk_have_display ())
    return;

  ub_test_gtk_new_window ();
  page = UB_PRIMES_PAGE (ub_test_gtk_show_page ("primes"));
  bar = child (page, UB_TYPE_PRIMES_PAGE, "progress_bar");

  ub_primes_page_set_input (page, "1e13", "2e13", FALSE, 1);
  ub_test_gtk_window_action ("start");
  g_assert_true (ub_test_gtk_run_until (run_made_progress, page, 60000));
  ub_test_gtk_window_action ("cancel");
  g_assert_true (g_str_has_prefix (ub_page_get_status (UB_PAGE (page)), "Stopped"));

  /* A new start with a bad input: its error, and nothing of the last run. */
  ub_primes_page_set_input (page, "10", "5", FALSE, 1);
  ub_test_gtk_window_action ("start");
  g_assert_nonnull (ub_primes_page_get_error (page));
  g_assert_cmpstr (ub_page_get_status (UB_PAGE (page)), ==, "");
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (bar), ==, 0);
  g_assert_cmpstr (gtk_progress_bar_get_text (bar), ==, "");
}

typedef struct
{
  UbPage         *page;
  GtkProgressBar *bar;
} BarWait;

static gboolean
bar_moved (gpointer user_data)
{
  BarWait *wait = user_data;

  return gtk_progress_bar_get_fraction (wait->bar) > 0.01 || page_idle (wait->page);
}

static void
test_bar_matches_its_text (void)
{
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  UbDataPage *page;
  BarWait wait;
  double shown;

  if (!ub_test_gtk_have_display ())
    return;

  ub_test_gtk_new_window ();
  page = UB_DATA_PAGE (ub_test_gtk_show_page ("data"));
  path = ub_test_make_holes ((gint64) 16 << 30);
  dir = g_path_get_dirname (path);
  ub_data_page_set_input (page, path, 0, UB_DATA_MODE_SHA256);
  ub_test_gtk_window_action ("start");

  wait.page = UB_PAGE (page);
  wait.bar = child (page, UB_TYPE_DATA_PAGE, "progress_bar");
  g_assert_true (ub_test_gtk_run_until (bar_moved, &wait, 60000));
  g_assert_true (ub_page_is_busy (UB_PAGE (page)));
  ub_page_update (UB_PAGE (page));

  /* "12 %" over a bar at 0.123 (the text in whole percents, rounded
   * down), and both the run's own fraction. */
  shown = g_ascii_strtod (gtk_progress_bar_get_text (wait.bar), NULL) / 100;
  g_test_message ("bar %.4f, its text “%s”, the run %.4f", gtk_progress_bar_get_fraction (wait.bar),
                  gtk_progress_bar_get_text (wait.bar),
                  ub_run_get_fraction (ub_page_get_run (UB_PAGE (page))));
  g_assert_cmpfloat (shown, <=, gtk_progress_bar_get_fraction (wait.bar) + 1e-9);
  g_assert_cmpfloat (shown, >, gtk_progress_bar_get_fraction (wait.bar) - 0.01);
  g_assert_cmpfloat_with_epsilon (gtk_progress_bar_get_fraction (wait.bar),
                                  ub_run_get_fraction (ub_page_get_run (UB_PAGE (page))), 0.0006);

  ub_test_gtk_window_action ("cancel");
  ub_test_remove_tree (dir);
}

static gboolean
new_window_shown (gpointer user_data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (ub_test_gtk_get_app ()));

  return window != NULL && window != user_data;
}

static void
test_reload_keeps_the_form (void)
{
  UbWindow *window;
  UbPrimesPage *page;

  if (!ub_test_gtk_have_display ())
    return;

  window = ub_test_gtk_new_window ();
  page = UB_PRIMES_PAGE (ub_test_gtk_show_page ("primes"));
  ub_primes_page_set_input (page, "12345", "2e13", FALSE, 1);
  ub_test_gtk_window_action ("start");
  g_assert_true (ub_test_gtk_run_until (run_made_progress, page, 60000));

  g_action_group_activate_action (G_ACTION_GROUP (ub_test_gtk_get_app ()), "reload", NULL);
  g_assert_true (ub_test_gtk_run_until (new_window_shown, window, 10000));
  window = ub_test_gtk_get_window ();
  page = UB_PRIMES_PAGE (ub_window_get_page (window, "primes"));

  /* Nothing to resume, and the form says what runs, as the user wrote it. */
  g_assert_false (ub_resume_bar_is_offered (child (page, UB_TYPE_PRIMES_PAGE, "resume_bar")));
  g_assert_cmpstr (gtk_editable_get_text (child (page, UB_TYPE_PRIMES_PAGE, "from_entry")), ==,
                   "12345");
  g_assert_cmpstr (gtk_editable_get_text (child (page, UB_TYPE_PRIMES_PAGE, "to_entry")), ==,
                   "2e13");
  ub_test_gtk_window_action ("cancel");
}

int
main (int    argc,
      char **argv)
{
  ub_test_gtk_init (&argc, &argv);

  g_test_summary ("Every page: its status, error and bar are about its current run and input; "
                  "disposed mid-run, it is finalized and gets nothing delivered afterwards");

  g_test_add_func ("/page/status/data-error-goes-with-new-input", test_data_error_goes_with_new_input);
  g_test_add_func ("/page/status/primes-error-clears-last-run", test_primes_error_clears_last_run);
  g_test_add_func ("/page/status/bar-matches-its-text", test_bar_matches_its_text);
  g_test_add_func ("/page/status/reload-keeps-the-form", test_reload_keeps_the_form);
  g_test_add_func ("/page/dispose/primes", test_dispose_primes);
  g_test_add_func ("/page/dispose/data", test_dispose_data);
  g_test_add_func ("/page/dispose/images", test_dispose_images);
  g_test_add_func ("/page/dispose/channels", test_dispose_channels);

  return g_test_run ();
}
