/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-channels-page.h"
#include "ub-data-page.h"
#include "ub-images-page.h"
#include "ub-primes-page.h"
#include "ub-primes-run.h"
#include "ub-run-manager.h"
#include "ub-runtime.h"
#include "ub-store.h"
#include "ub-test-files.h"
#include "ub-test-gtk.h"
#include "ub-test-pipeline.h"

/*
 * Work outlives its window: closing the last window while a run goes on
 * keeps the application alive in the background, says so in a
 * notification with a button to stop, and notifies again when the run
 * ends; activating that notification reopens the window on the run.
 * Notifications are read through the application's notice sink: there is
 * no session bus in tests.
 */

#define PI_2E10 G_GUINT64_CONSTANT (882206716)

typedef struct
{
  char *id;
  char *title;
  char *body;
  char *default_action;
  char *button_action;
} Notice;

static GPtrArray *notices;

static void
notice_free (gpointer data)
{
  Notice *notice = data;

  g_free (notice->id);
  g_free (notice->title);
  g_free (notice->body);
  g_free (notice->default_action);
  g_free (notice->button_action);
  g_free (notice);
}

static void
collect_notice (UbApplication  *app,
                const UbNotice *notice,
                gpointer        user_data)
{
  Notice *copy = g_new0 (Notice, 1);

  copy->id = g_strdup (notice->id);
  copy->title = g_strdup (notice->title);
  copy->body = g_strdup (notice->body);
  copy->default_action = g_strdup (notice->default_action);
  copy->button_action = g_strdup (notice->button_action);
  g_ptr_array_add (notices, copy);
}

static Notice *
find_notice (const char *id)
{
  for (guint i = notices->len; i > 0; i--)
    {
      Notice *notice = g_ptr_array_index (notices, i - 1);

      if (g_strcmp0 (notice->id, id) == 0)
        return notice;
    }
  return NULL;
}

static void
activate_detailed (const char *detailed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) target = NULL;
  g_autofree char *name = NULL;

  g_assert_true (g_action_parse_detailed_name (detailed, &name, &target, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (name, "app."));
  g_action_group_activate_action (G_ACTION_GROUP (ub_test_gtk_get_app ()), name + 4, target);
}

static gboolean
no_window (gpointer user_data)
{
  return gtk_application_get_windows (GTK_APPLICATION (ub_test_gtk_get_app ())) == NULL;
}

static gboolean
run_made_progress (gpointer user_data)
{
  return ub_run_get_done (user_data) > 0;
}

static gboolean
run_finished (gpointer user_data)
{
  return ub_run_is_finished (user_data);
}

static gboolean
no_threads_left (gpointer user_data)
{
  return ub_runtime_get_n_running_threads () == 0;
}

/* Starts a count in a fresh window, then closes the window as a user
 * would, once the count is under way. */
static UbRun *
start_then_close (const char *from,
                  const char *to)
{
  UbWindow *window = ub_test_gtk_new_window ();
  UbPrimesPage *page = UB_PRIMES_PAGE (ub_window_get_page (window, "primes"));
  UbRun *run;

  ub_window_show_page (window, "primes");
  ub_primes_page_set_input (page, from, to, FALSE, 2);
  g_action_group_activate_action (G_ACTION_GROUP (window), "start", NULL);
  run = g_object_ref (ub_page_get_run (UB_PAGE (page)));
  g_assert_true (ub_test_gtk_run_until (run_made_progress, run, 60000));

  g_ptr_array_set_size (notices, 0);
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (ub_test_gtk_run_until (no_window, NULL, 10000));
  return run;
}

static void
test_close_keeps_working (void)
{
  g_autoptr(UbRun) run = NULL;
  UbApplication *app = ub_test_gtk_get_app ();
  Notice *notice;
  GtkWindow *window;
  UbPrimesPage *page;
  guint64 count = 0;

  if (!ub_test_gtk_have_display ())
    return;

  run = start_then_close ("0", "2e10");
  if (ub_run_is_finished (run))
    {
      g_test_incomplete ("The count finished before the window was closed");
      return;
    }

  /* Still running, in the background, with a way to stop it. */
  g_assert_true (ub_application_is_in_background (app));
  g_assert_cmpint (ub_run_get_state (run), ==, UB_RUN_RUNNING);
  notice = find_notice ("background");
  g_assert_nonnull (notice);
  g_assert_cmpstr (notice->button_action, ==, "app.quit");

  /* Its end is a notification that leads back to it. */
  g_assert_true (ub_test_gtk_run_until (run_finished, run, 300000));
  g_assert_cmpint (ub_run_get_state (run), ==, UB_RUN_DONE);
  g_assert_cmpuint (ub_primes_run_get_count (UB_PRIMES_RUN (run)), ==, PI_2E10);
  notice = find_notice (UB_PRIMES_RUN_KEY);
  g_assert_nonnull (notice);
  g_assert_true (g_str_has_prefix (notice->title, "Done:"));
  g_assert_false (ub_application_is_in_background (app));

  activate_detailed (notice->default_action);
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_assert_nonnull (window);
  g_assert_cmpstr (ub_window_get_visible_page_name (UB_WINDOW (window)), ==,
                   "primes");
  page = UB_PRIMES_PAGE (ub_window_get_page (UB_WINDOW (window), "primes"));
  g_assert_true (ub_page_get_run (UB_PAGE (page)) == run);
  g_assert_true (ub_primes_page_get_result (page, &count, NULL));
  g_assert_cmpuint (count, ==, PI_2E10);
}

/* A run that fails with no window says so, with the reason. */
static void
test_failure_notifies (void)
{
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(UbRun) run = NULL;
  UbApplication *app = ub_test_gtk_get_app ();
  UbWindow *window;
  UbDataPage *page;
  Notice *notice;

  if (!ub_test_gtk_have_display ())
    return;

  path = ub_test_make_holes ((gint64) 64 << 30);
  dir = g_path_get_dirname (path);
  window = ub_test_gtk_new_window ();
  ub_window_show_page (window, "data");
  page = UB_DATA_PAGE (ub_window_get_page (window, "data"));
  ub_data_page_set_input (page, path, 0, UB_DATA_MODE_SHA256);
  g_action_group_activate_action (G_ACTION_GROUP (window), "start", NULL);
  run = g_object_ref (ub_page_get_run (UB_PAGE (page)));
  g_assert_true (ub_test_gtk_run_until (run_made_progress, run, 60000));
  g_ptr_array_set_size (notices, 0);
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (ub_test_gtk_run_until (no_window, NULL, 10000));
  g_assert_true (ub_application_is_in_background (app));

  /* The file is cut short under the hash: the run fails, in the background. */
  g_assert_cmpint (truncate (path, 4096), ==, 0);
  g_assert_true (ub_test_gtk_run_until (run_finished, run, 60000));
  g_assert_cmpint (ub_run_get_state (run), ==, UB_RUN_FAILED);
  notice = find_notice (ub_run_get_key (run));
  g_assert_nonnull (notice);
  g_test_message ("%s: %s", notice->title, notice->body);
  g_assert_true (g_str_has_prefix (notice->title, "Failed:"));
  g_assert_nonnull (notice->body);
  g_assert_nonnull (strstr (notice->body, "holes.bin"));
  g_assert_false (ub_application_is_in_background (app));
  g_assert_true (ub_test_gtk_run_until (no_threads_left, NULL, 30000));

  ub_test_remove_tree (dir);
}

static void
test_stop_from_notification (void)
{
  g_autoptr(UbRun) run = NULL;
  g_autoptr(GVariant) saved = NULL;
  UbApplication *app = ub_test_gtk_get_app ();
  Notice *notice;

  if (!ub_test_gtk_have_display ())
    return;

  run = start_then_close ("1e13", "2e13");
  g_assert_true (ub_application_is_in_background (app));
  notice = find_notice ("background");
  g_assert_nonnull (notice);

  /* The notification's Stop button quits as Ctrl+Q does: saved, stopped. */
  activate_detailed (notice->button_action);
  g_assert_false (ub_application_is_in_background (app));
  g_assert_cmpint (ub_run_get_state (run), ==, UB_RUN_PAUSED);
  g_assert_null (ub_run_get_pool (run));
  g_assert_cmpuint (ub_run_manager_get_n_active (ub_run_manager_get_default ()), ==, 0);
  saved = ub_store_dup (ub_store_get_default (), "primes.job");
  g_assert_nonnull (saved);
  g_assert_true (ub_test_gtk_run_until (no_threads_left, NULL, 30000));
}

static gboolean
run_is_running (gpointer user_data)
{
  return ub_run_get_state (user_data) == UB_RUN_RUNNING && ub_run_get_done (user_data) > 0;
}

/* Once @run is under way, closes @window: the run goes on in the
 * background, to its end. FALSE if it was over too soon to tell. */
static gboolean
close_and_finish (UbWindow *window,
                  UbRun    *run)
{
  g_assert_true (ub_test_gtk_run_until (run_is_running, run, 60000));
  if (ub_run_is_finished (run))
    {
      g_test_incomplete ("The work was done before the window was closed");
      return FALSE;
    }

  g_ptr_array_set_size (notices, 0);
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (ub_test_gtk_run_until (no_window, NULL, 10000));
  g_assert_true (ub_application_is_in_background (ub_test_gtk_get_app ()));
  g_assert_cmpint (ub_run_get_state (run), ==, UB_RUN_RUNNING);

  g_assert_true (ub_test_gtk_run_until (run_finished, run, 300000));
  g_assert_cmpint (ub_run_get_state (run), ==, UB_RUN_DONE);
  return TRUE;
}

/* Work that is not a job call, here the gallery's sample writer, is a run
 * too: it outlives its window and notifies. */
static void
test_samples_in_background (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ub-background-XXXXXX", NULL);
  UbApplication *app = ub_test_gtk_get_app ();
  g_autoptr(UbRun) run = NULL;
  UbWindow *window;
  UbImagesPage *page;
  Notice *notice;

  if (!ub_test_gtk_have_display ())
    return;

  window = ub_test_gtk_new_window ();
  ub_window_show_page (window, "images");
  page = UB_IMAGES_PAGE (ub_window_get_page (window, "images"));
  /* Seconds of writing: 24 photo-like images of 1024². */
  ub_images_page_generate_samples (page, dir, 24, 1024);
  run = ub_run_manager_dup_run (ub_run_manager_get_default (), "images.samples");
  g_assert_nonnull (run);
  g_assert_cmpuint (ub_run_get_total (run), ==, 24);
  if (!close_and_finish (window, run))
    return;
  g_assert_cmpuint (ub_run_get_done (run), ==, 24);
  for (guint i = 0; i < 24; i++)
    {
      g_autofree char *name = g_strdup_printf ("sample-%02u-1024x1024.png", i + 1);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
    }
  notice = find_notice ("images.samples");
  g_assert_nonnull (notice);
  g_assert_true (g_str_has_prefix (notice->title, "Done:"));
  g_assert_false (ub_application_is_in_background (app));

  /* The notification leads to the page the run belongs to. */
  activate_detailed (notice->default_action);
  window = UB_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (window);
  g_assert_cmpstr (ub_window_get_visible_page_name (window), ==, "images");
  g_assert_true (ub_test_gtk_run_until (no_threads_left, NULL, 30000));
  ub_test_remove_tree (dir);
}

/* The Channels pipeline's work too: the run takes the pipeline over when
 * the window goes, and the pipeline's workers finish in the background. */
static void
test_pipeline_in_background (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ub-background-XXXXXX", NULL);
  g_auto(GStrv) paths = ub_test_write_samples (dir, "big", 12, 2048, 3);
  UbApplication *app = ub_test_gtk_get_app ();
  g_autoptr(UbRun) run = NULL;
  UbWindow *window;
  Notice *notice;

  if (!ub_test_gtk_have_display ())
    return;

  window = ub_test_gtk_new_window ();
  ub_window_show_page (window, "channels");
  ub_channels_page_run_files (UB_CHANNELS_PAGE (ub_window_get_page (window, "channels")),
                              (const char * const *) paths);
  run = ub_run_manager_dup_run (ub_run_manager_get_default (), "channels");
  g_assert_nonnull (run);
  g_assert_cmpuint (ub_run_get_total (run), ==, 12);
  if (!close_and_finish (window, run))
    return;
  g_assert_cmpuint (ub_run_get_done (run), ==, 12);
  notice = find_notice ("channels");
  g_assert_nonnull (notice);
  g_assert_true (g_str_has_prefix (notice->title, "Done:"));
  g_assert_false (ub_application_is_in_background (app));
  /* The run terminated the pipeline it took over. */
  g_assert_true (ub_test_gtk_run_until (no_threads_left, NULL, 30000));
  ub_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  int status;

  ub_test_gtk_init (&argc, &argv);
  notices = g_ptr_array_new_with_free_func (notice_free);
  if (ub_test_gtk_get_app () != NULL)
    ub_application_set_notice_sink (ub_test_gtk_get_app (), collect_notice, NULL);

  g_test_summary ("Closing the last window keeps runs going, notifies, and can stop them");

  g_test_add_func ("/background/close-keeps-working-and-notifies", test_close_keeps_working);
  g_test_add_func ("/background/failure-notifies", test_failure_notifies);
  g_test_add_func ("/background/stop-from-notification", test_stop_from_notification);
  g_test_add_func ("/background/samples-finish-and-notify", test_samples_in_background);
  g_test_add_func ("/background/pipeline-finishes-and-notifies", test_pipeline_in_background);

  status = g_test_run ();
  g_clear_pointer (&notices, g_ptr_array_unref);
  return status;
}
