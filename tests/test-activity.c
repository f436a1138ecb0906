/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-activity-button.h"
#include "ub-data-page.h"
#include "ub-images-page.h"
#include "ub-primes-page.h"
#include "ub-run-manager.h"
#include "ub-test-files.h"
#include "ub-test-gtk.h"

/*
 * Several runs at once, one in each page, and the header bar's activity
 * button that lists them all from any page: each row's bar moves with its
 * own run, and a row's cancel button cancels that run and no other.
 */

typedef struct
{
  UbActivityButton *button;
  guint             index;
  double            beyond;
} RowBeyond;

static gboolean
row_went_beyond (gpointer user_data)
{
  RowBeyond *wait = user_data;

  return ub_activity_button_get_row_fraction (wait->button, wait->index) > wait->beyond;
}

typedef struct
{
  UbRun  *run;
  double  beyond;
} RunBeyond;

static gboolean
run_went_beyond (gpointer user_data)
{
  RunBeyond *wait = user_data;

  return ub_run_get_fraction (wait->run) > wait->beyond;
}

static void
wait_row_moves (UbActivityButton *button,
                guint             index)
{
  RowBeyond wait = { button, index, ub_activity_button_get_row_fraction (button, index) };

  g_assert_cmpfloat (wait.beyond, >=, 0);
  g_assert_true (ub_test_gtk_run_until (row_went_beyond, &wait, 60000));
}

/* The row showing the run with @key. */
static guint
row_of (UbActivityButton *button,
        const char       *key)
{
  for (guint i = 0; i < ub_activity_button_get_n_rows (button); i++)
    if (g_strcmp0 (ub_run_get_key (ub_activity_button_get_row_run (button, i)), key) == 0)
      return i;
  g_assert_not_reached ();
}

static gboolean
run_made_progress (gpointer user_data)
{
  return ub_run_get_done (user_data) > 0;
}

static gboolean
new_window_shown (gpointer user_data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (ub_test_gtk_get_app ()));

  return window != NULL && window != user_data;
}

static void
test_two_runs_listed (void)
{
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  UbActivityButton *button;
  UbWindow *window;
  UbPage *primes, *data;
  UbRun *primes_run, *data_run;
  guint primes_row, data_row;
  double shut_fraction;

  if (!ub_test_gtk_have_display ())
    return;

  path = ub_test_make_holes ((gint64) 64 << 30);
  dir = g_path_get_dirname (path);
  window = ub_test_gtk_new_window ();
  button = ub_window_get_activity_button (window);
  /* Nothing to list yet: the button stays out of the way. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (button)));
  g_assert_false (ub_activity_button_is_indicating (button));

  /* Minutes of work each; both are cancelled below. */
  ub_window_show_page (window, "primes");
  primes = UB_PAGE (ub_window_get_page (window, "primes"));
  ub_primes_page_set_input (UB_PRIMES_PAGE (primes), "1e13", "2e13", FALSE, 1);
  g_action_group_activate_action (G_ACTION_GROUP (window), "start", NULL);

  ub_window_show_page (window, "data");
  data = UB_PAGE (ub_window_get_page (window, "data"));
  ub_data_page_set_input (UB_DATA_PAGE (data), path, 0, UB_DATA_MODE_SHA256);
  g_action_group_activate_action (G_ACTION_GROUP (window), "start", NULL);

  primes_run = ub_page_get_run (primes);
  data_run = ub_page_get_run (data);
  g_assert_nonnull (primes_run);
  g_assert_nonnull (data_run);
  g_assert_true (primes_run != data_run);
  g_assert_cmpint (ub_run_get_state (primes_run), ==, UB_RUN_RUNNING);
  g_assert_cmpint (ub_run_get_state (data_run), ==, UB_RUN_RUNNING);
  g_assert_true (ub_test_gtk_run_until (run_made_progress, primes_run, 60000));
  g_assert_true (ub_test_gtk_run_until (run_made_progress, data_run, 60000));

  /* From another page: the button is in the header bar, and it shows
   * that work goes on. */
  ub_window_show_page (window, "images");
  ub_test_gtk_wait_painted (GTK_WIDGET (window), 2);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (button)));
  g_assert_true (ub_activity_button_is_indicating (button));

  ub_activity_button_popup (button);
  g_assert_cmpuint (ub_activity_button_get_n_rows (button), ==, 2);
  primes_row = row_of (button, "primes");
  data_row = row_of (button, "data");
  g_assert_true (ub_activity_button_get_row_run (button, primes_row) == primes_run);
  g_assert_true (ub_activity_button_get_row_run (button, data_row) == data_run);
  /* Each names its page, then its job. */
  g_test_message ("%s / %s", ub_activity_button_get_row_title (button, primes_row),
                  ub_activity_button_get_row_title (button, data_row));
  g_assert_true (g_str_has_prefix (ub_activity_button_get_row_title (button, primes_row),
                                   "Primes — Counting primes"));
  g_assert_true (g_str_has_prefix (ub_activity_button_get_row_title (button, data_row),
                                   "Data — Hashing holes.bin"));

  /* Each bar moves with its own run. */
  wait_row_moves (button, primes_row);
  wait_row_moves (button, data_row);
  g_assert_cmpfloat (ub_activity_button_get_row_fraction (button, data_row), <=,
                     ub_run_get_fraction (data_run));

  /* Shut, the rows stop following their runs (each new text would make
   * the window compute its size again); opened, they catch up. */
  ub_activity_button_popdown (button);
  shut_fraction = ub_activity_button_get_row_fraction (button, data_row);
  {
    RunBeyond beyond = { data_run, shut_fraction };

    g_assert_true (ub_test_gtk_run_until (run_went_beyond, &beyond, 60000));
  }
  g_assert_cmpfloat (ub_activity_button_get_row_fraction (button, data_row), ==, shut_fraction);
  ub_activity_button_popup (button);
  {
    RowBeyond wait = { button, data_row, shut_fraction };

    g_assert_true (ub_test_gtk_run_until (row_went_beyond, &wait, 60000));
  }

  /* Cancelling one row cancels that run only. */
  ub_activity_button_cancel_row (button, primes_row);
  g_assert_cmpint (ub_run_get_state (primes_run), ==, UB_RUN_CANCELLED);
  g_assert_cmpint (ub_run_get_state (data_run), ==, UB_RUN_RUNNING);
  g_assert_cmpstr (ub_activity_button_get_row_state (button, primes_row), ==, "Stopped");
  g_assert_true (ub_activity_button_is_indicating (button));
  wait_row_moves (button, data_row);
  g_assert_cmpint (ub_run_get_state (data_run), ==, UB_RUN_RUNNING);
  g_assert_false (ub_page_is_busy (primes));
  g_assert_true (ub_page_is_busy (data));

  /* A reloaded window lists the same runs. */
  g_action_group_activate_action (G_ACTION_GROUP (ub_test_gtk_get_app ()), "reload", NULL);
  g_assert_true (ub_test_gtk_run_until (new_window_shown, window, 10000));
  window = ub_test_gtk_get_window ();
  button = ub_window_get_activity_button (window);
  g_assert_cmpuint (ub_activity_button_get_n_rows (button), ==, 2);
  g_assert_true (ub_activity_button_get_row_run (button, row_of (button, "data")) == data_run);

  ub_activity_button_cancel_row (button, row_of (button, "data"));
  g_assert_cmpint (ub_run_get_state (data_run), ==, UB_RUN_CANCELLED);
  g_assert_false (ub_activity_button_is_indicating (button));
  /* Finished runs stay listed, with how they ended. */
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (button)));

  ub_test_remove_tree (dir);
}

/* Work that is not a job call is listed too, under its page's name, and
 * its row's cancel button stops it: here the gallery's sample writer. */
static void
test_samples_listed (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ub-activity-XXXXXX", NULL);
  UbActivityButton *button;
  UbImagesPageStats stats;
  UbImagesPage *page;
  UbWindow *window;
  UbRun *run;
  guint row;

  if (!ub_test_gtk_have_display ())
    return;

  window = ub_test_gtk_new_window ();
  button = ub_window_get_activity_button (window);
  ub_window_show_page (window, "images");
  page = UB_IMAGES_PAGE (ub_window_get_page (window, "images"));
  ub_images_page_generate_samples (page, dir, 24, 1024);

  ub_activity_button_popup (button);
  row = row_of (button, "images.samples");
  run = ub_activity_button_get_row_run (button, row);
  g_assert_cmpint (ub_run_get_state (run), ==, UB_RUN_RUNNING);
  g_test_message ("%s", ub_activity_button_get_row_title (button, row));
  g_assert_true (g_str_has_prefix (ub_activity_button_get_row_title (button, row),
                                   "Images — Writing sample images"));
  g_assert_true (ub_test_gtk_run_until (run_made_progress, run, 60000));
  if (!ub_run_is_active (run))
    {
      g_test_incomplete ("The samples were written before they could be cancelled");
      return;
    }
  wait_row_moves (button, row);

  ub_activity_button_cancel_row (button, row);
  g_assert_cmpint (ub_run_get_state (run), ==, UB_RUN_CANCELLED);
  /* The page stopped writing (its thumbnails may still be decoding),
   * and says so. */
  ub_images_page_get_stats (page, &stats);
  g_assert_cmpuint (stats.n_generating, ==, 0);
  g_assert_nonnull (ub_images_page_get_error (page));
  ub_activity_button_popdown (button);
  ub_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  ub_test_gtk_init (&argc, &argv);

  g_test_summary ("Runs go on in several pages at once; the activity button lists and cancels each");

  g_test_add_func ("/activity/two-runs-listed-and-cancelled-apart", test_two_runs_listed);
  g_test_add_func ("/activity/samples-listed-and-cancelled", test_samples_listed);

  return g_test_run ();
}
