/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "ub-primes-page.h"
#include "ub-runtime.h"
#include "ub-test-gtk.h"

/* π(x) for the ranges used here, from the literature. */
#define PI_1E6 G_GUINT64_CONSTANT (78498)
#define PI_1E8 G_GUINT64_CONSTANT (5761455)
#define PI_5E9 G_GUINT64_CONSTANT (234954223)

static UbPrimesPage *
show_primes_page (void)
{
  GtkWidget *page = ub_test_gtk_show_page ("primes");

  g_assert_true (gtk_widget_get_mapped (page));
  return UB_PRIMES_PAGE (page);
}

static gboolean
page_finished (gpointer user_data)
{
  UbPrimesPageState state = ub_primes_page_get_state (user_data);

  return state == UB_PRIMES_PAGE_DONE || state == UB_PRIMES_PAGE_IDLE;
}

static gboolean
page_made_progress (gpointer user_data)
{
  guint64 count;
  guint64 done;

  ub_primes_page_get_result (user_data, &count, &done);
  return done > 0 || ub_primes_page_get_state (user_data) != UB_PRIMES_PAGE_RUNNING;
}

static void
assert_count (UbPrimesPage *page,
              guint64       expected)
{
  guint64 count = 0;

  g_assert_null (ub_primes_page_get_error (page));
  g_assert_cmpint (ub_primes_page_get_state (page), ==, UB_PRIMES_PAGE_DONE);
  g_assert_true (ub_primes_page_get_result (page, &count, NULL));
  g_assert_cmpuint (count, ==, expected);
}

static void
test_count_in_workers (void)
{
  UbPrimesPage *page;

  if (!ub_test_gtk_have_display ())
    return;

  page = show_primes_page ();
  ub_primes_page_set_input (page, "0", "1e8", FALSE, 2);
  ub_test_gtk_window_action ("start");
  g_assert_cmpint (ub_primes_page_get_state (page), ==, UB_PRIMES_PAGE_RUNNING);

  g_assert_true (ub_test_gtk_run_until (page_finished, page, 120000));
  assert_count (page, PI_1E8);
}

/* Sends @action to a running page, checks that the page is then in @state
 * and that nothing moves for a while after: the workers' late reports are
 * dropped. Returns how many numbers were done at that moment. */
static guint64
interrupt_and_hold (UbPrimesPage      *page,
                    const char        *action,
                    UbPrimesPageState  state)
{
  guint64 count_at;
  guint64 done_at;
  guint64 count;
  guint64 done;

  ub_test_gtk_window_action (action);
  g_assert_cmpint (ub_primes_page_get_state (page), ==, state);
  ub_primes_page_get_result (page, &count_at, &done_at);

  ub_test_gtk_run_for_ms (300);
  ub_primes_page_get_result (page, &count, &done);
  g_assert_cmpuint (count, ==, count_at);
  g_assert_cmpuint (done, ==, done_at);
  g_assert_cmpint (ub_primes_page_get_state (page), ==, state);
  return done_at;
}

static void
test_pause_resume_is_exact (void)
{
  UbPrimesPage *page;
  guint64 done_at_pause;

  if (!ub_test_gtk_have_display ())
    return;

  page = show_primes_page ();
  ub_primes_page_set_input (page, "0", "5e9", FALSE, 2);
  ub_test_gtk_window_action ("start");
  g_assert_true (ub_test_gtk_run_until (page_made_progress, page, 120000));
  if (ub_primes_page_get_state (page) == UB_PRIMES_PAGE_DONE)
    {
      g_test_incomplete ("The range finished before it could be paused");
      return;
    }

  done_at_pause = interrupt_and_hold (page, "pause", UB_PRIMES_PAGE_PAUSED);
  g_test_message ("paused at %" G_GUINT64_FORMAT " of 5e9 numbers", done_at_pause);

  ub_test_gtk_window_action ("pause");
  g_assert_cmpint (ub_primes_page_get_state (page), ==, UB_PRIMES_PAGE_RUNNING);
  g_assert_true (ub_test_gtk_run_until (page_finished, page, 300000));
  assert_count (page, PI_5E9);
}

static void
test_cancel_stops_at_once (void)
{
  UbPrimesPage *page;

  if (!ub_test_gtk_have_display ())
    return;

  page = show_primes_page ();
  ub_primes_page_set_input (page, "1e12", "1e13", FALSE, 2);
  ub_test_gtk_window_action ("start");
  g_assert_true (ub_test_gtk_run_until (page_made_progress, page, 120000));

  interrupt_and_hold (page, "cancel", UB_PRIMES_PAGE_IDLE);

  /* And the page can start again. */
  ub_primes_page_set_input (page, "0", "1e6", FALSE, 2);
  ub_test_gtk_window_action ("start");
  g_assert_true (ub_test_gtk_run_until (page_finished, page, 120000));
  assert_count (page, PI_1E6);
}

static void
test_bad_input_is_explained (void)
{
  static const struct
  {
    const char *from;
    const char *to;
    const char *expect;
  } cases[] = {
    { "0", "abc", "“abc” is not a number" },
    { "-5", "10", "negative" },
    { "10", "5", "must not be larger" },
    { "0", "2^64", "too large" },
  };
  UbPrimesPage *page;

  if (!ub_test_gtk_have_display ())
    return;

  page = show_primes_page ();
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *message;

      ub_primes_page_set_input (page, cases[i].from, cases[i].to, FALSE, 1);
      ub_test_gtk_window_action ("start");
      message = ub_primes_page_get_error (page);
      g_test_message ("[%s, %s] → %s", cases[i].from, cases[i].to, message);
      g_assert_nonnull (message);
      g_assert_nonnull (strstr (message, cases[i].expect));
      g_assert_cmpint (ub_primes_page_get_state (page), !=, UB_PRIMES_PAGE_RUNNING);
    }
}

static void
test_blocking_mode_same_result (void)
{
  UbPrimesPage *page;

  if (!ub_test_gtk_have_display ())
    return;

  page = show_primes_page ();
  ub_primes_page_set_input (page, "0", "1e8", FALSE, 2);
  ub_test_gtk_set_blocking (TRUE);
  ub_test_gtk_window_action ("start");
  ub_test_gtk_set_blocking (FALSE);

  /* The job ran to the end inside the action: the main thread was busy. */
  assert_count (page, PI_1E8);
}

static gchar *
read_file (const char *path,
           gsize      *length)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, length, &error);
  g_assert_no_error (error);
  return contents;
}

static void
test_list_to_file (void)
{
  UbPrimesPage *page;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  gsize length;

  if (!ub_test_gtk_have_display ())
    return;

  dir = g_dir_make_tmp ("unblock-primes-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "primes.txt", NULL);

  page = show_primes_page ();
  ub_primes_page_set_input (page, "0", "1e6", TRUE, 2);
  ub_primes_page_set_list_path (page, path);
  ub_test_gtk_window_action ("start");
  g_assert_true (ub_test_gtk_run_until (page_finished, page, 120000));
  assert_count (page, PI_1E6);
  ub_primes_page_set_list_path (page, NULL);

  contents = read_file (path, &length);
  lines = g_strsplit (contents, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, PI_1E6 + 1);
  g_assert_cmpstr (lines[0], ==, "2");
  g_assert_cmpstr (lines[1], ==, "3");
  g_assert_cmpstr (lines[PI_1E6 - 1], ==, "999983");
  g_assert_cmpstr (lines[PI_1E6], ==, "");

  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* The text of the List mode view, and its frame's title. */
static const char *
shown_primes (UbPrimesPage  *page,
              const char   **title)
{
  GObject *label = gtk_widget_get_template_child (GTK_WIDGET (page), UB_TYPE_PRIMES_PAGE,
                                                  "recent_label");
  GObject *frame = gtk_widget_get_template_child (GTK_WIDGET (page), UB_TYPE_PRIMES_PAGE,
                                                  "recent_frame");

  *title = gtk_frame_get_label (GTK_FRAME (frame));
  return gtk_label_get_text (GTK_LABEL (label));
}

static void
test_list_shows_whole_result (void)
{
  const char *below_100 = "2  3  5  7  11  13  17  19  23  29  31  37  41  43  47  53  59  61  67  "
                          "71  73  79  83  89  97";
  UbPrimesPage *page;
  const char *title;
  const char *text;

  g_test_summary ("List mode shows every prime when the result fits, from every worker in order, "
                  "and otherwise says it shows the latest (the end of the range)");

  if (!ub_test_gtk_have_display ())
    return;

  page = show_primes_page ();
  for (guint workers = 1; workers <= 4; workers *= 2)
    {
      ub_primes_page_set_input (page, "0", "100", TRUE, workers);
      ub_test_gtk_window_action ("start");
      g_assert_true (ub_test_gtk_run_until (page_finished, page, 120000));
      assert_count (page, 25);
      text = shown_primes (page, &title);
      g_assert_cmpstr (text, ==, below_100);
      g_assert_true (g_str_has_prefix (title, "All "));
    }

  /* 78 498 primes do not fit: the view shows the last of them. */
  ub_primes_page_set_input (page, "0", "1e6", TRUE, 2);
  ub_test_gtk_window_action ("start");
  g_assert_true (ub_test_gtk_run_until (page_finished, page, 120000));
  assert_count (page, PI_1E6);
  text = shown_primes (page, &title);
  g_assert_true (g_str_has_prefix (title, "Latest "));
  g_assert_true (g_str_has_suffix (text, "  999961  999979  999983"));
}

static gboolean
no_threads_left (gpointer user_data)
{
  return ub_runtime_get_n_running_threads () == 0;
}

static void
test_close_window_during_work (void)
{
  UbPrimesPage *page;

  if (!ub_test_gtk_have_display ())
    return;

  page = show_primes_page ();
  ub_primes_page_set_input (page, "1e15", "2e15", FALSE, 2);
  ub_test_gtk_window_action ("start");
  g_assert_true (ub_test_gtk_run_until (page_made_progress, page, 120000));
  g_assert_cmpuint (ub_runtime_get_n_running_threads (), >=, 2);

  gtk_window_destroy (GTK_WINDOW (ub_test_gtk_get_window ()));

  /* The workers are cancelled and joined without the main thread waiting. */
  if (!ub_test_gtk_run_until (no_threads_left, NULL, 30000))
    {
      g_autoptr(UbRuntimeSnapshot) snapshot = ub_runtime_snapshot ();

      for (guint i = 0; i < snapshot->workers->len; i++)
        {
          UbRuntimeWorkerInfo *info = &g_array_index (snapshot->workers, UbRuntimeWorkerInfo, i);

          g_test_message ("left: worker %s in state %d, %u calls pending",
                          info->kind, info->state, info->n_pending_calls);
        }
      g_error ("%u worker threads still running", snapshot->n_running_threads);
    }
  ub_test_gtk_run_for_ms (100);
}

int
main (int    argc,
      char **argv)
{
  ub_test_gtk_init (&argc, &argv);

  g_test_summary ("The Primes page: counts in workers, pause/resume, cancel, errors, blocking mode");

  g_test_add_func ("/primes-page/count-in-workers", test_count_in_workers);
  g_test_add_func ("/primes-page/pause-resume-is-exact", test_pause_resume_is_exact);
  g_test_add_func ("/primes-page/cancel-stops-at-once", test_cancel_stops_at_once);
  g_test_add_func ("/primes-page/bad-input-is-explained", test_bad_input_is_explained);
  g_test_add_func ("/primes-page/blocking-mode-same-result", test_blocking_mode_same_result);
  g_test_add_func ("/primes-page/list-to-file", test_list_to_file);
  g_test_add_func ("/primes-page/list-shows-whole-result", test_list_shows_whole_result);
  g_test_add_func ("/primes-page/close-window-during-work", test_close_window_during_work);

  return g_test_run ();
}
