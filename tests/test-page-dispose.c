/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-channels-page.h"
#include "ub-data-page.h"
#include "ub-images-page.h"
#include "ub-primes-page.h"
#include "ub-runtime.h"
#include "ub-test-files.h"
#include "ub-test-gtk.h"

/*
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
test_primes (void)
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
test_data (void)
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
test_images (void)
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
test_channels (void)
{
  g_autofree char *dir = NULL;
  GtkWidget *page, *window;

  if (!ub_test_gtk_have_display ())
    return;

  ub_test_gtk_new_window ();
  dir = g_build_filename (g_get_user_cache_dir (), "unblock", "dispose-channels", NULL);
  page = ub_channels_page_new ();
  window = host (page);
  ub_channels_page_set_samples (UB_CHANNELS_PAGE (page), dir, 24, 1024);
  ub_page_start (UB_PAGE (page));
  dispose_busy (window, page);
}

int
main (int    argc,
      char **argv)
{
  ub_test_gtk_init (&argc, &argv);

  g_test_summary ("A page disposed mid-run is finalized and gets nothing delivered afterwards");

  g_test_add_func ("/page-dispose/primes", test_primes);
  g_test_add_func ("/page-dispose/data", test_data);
  g_test_add_func ("/page-dispose/images", test_images);
  g_test_add_func ("/page-dispose/channels", test_channels);

  return g_test_run ();
}
