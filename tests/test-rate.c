/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>

#include "ub-primes-page.h"
#include "ub-resume-bar.h"
#include "ub-run-manager.h"
#include "ub-store.h"
#include "ub-test-gtk.h"

/*
 * The rate and ETA a page shows count only the work done since the run
 * (re)started, over its own running time. Work restored from a checkpoint
 * is not work done since: after a restart and Resume, and again after a
 * reload, the page's status line must agree with the real rate, measured
 * here from the run's progress over the wall time since the resume,
 * within 2×.
 */

/* How long the first run goes before quitting: long enough that counting
 * its work as done after the resume would more than double the rate. */
#define FIRST_RUN_USEC (4 * G_USEC_PER_SEC)
/* How long the run goes on before each check. */
#define MEASURE_USEC   (2 * G_USEC_PER_SEC)

static gboolean
no_window (gpointer user_data)
{
  return gtk_application_get_windows (GTK_APPLICATION (ub_test_gtk_get_app ())) == NULL;
}

static gboolean
ran_for (gpointer user_data)
{
  UbRun *run = user_data;

  return ub_run_get_running_time (run) >= FIRST_RUN_USEC;
}

static gboolean
ran_since (gpointer user_data)
{
  const gint64 *until = user_data;

  return g_get_monotonic_time () >= *until;
}

static gboolean
new_window_shown (gpointer user_data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (ub_test_gtk_get_app ()));

  return window != NULL && window != user_data;
}

/* "8.53 G numbers/s" → 8.53e9 */
static double
parse_rate (const char *text)
{
  static const char prefixes[] = "kMGTPE";
  char *end;
  double value = g_ascii_strtod (text, &end);
  const char *p;

  g_assert_true (end != text);
  while (*end == ' ')
    end++;
  p = strchr (prefixes, *end);
  if (*end != '\0' && p != NULL && end[1] == ' ')
    for (gsize i = 0; i <= (gsize) (p - prefixes); i++)
      value *= 1000;
  return value;
}

/* "0.84 s", "42 s", "3:05" or "2:03:05" → seconds */
static double
parse_duration (const char *text)
{
  g_auto(GStrv) fields = NULL;
  double seconds = 0;

  if (g_str_has_suffix (text, " s"))
    return g_ascii_strtod (text, NULL);
  fields = g_strsplit (text, ":", -1);
  g_assert_cmpuint (g_strv_length (fields), >=, 2);
  for (guint i = 0; fields[i] != NULL; i++)
    seconds = seconds * 60 + g_ascii_strtod (fields[i], NULL);
  return seconds;
}

/* The rate and ETA of a status line such as "8.53 G numbers/s · ETA
 * 1:02:03 · 1 worker · 123 primes so far". */
static void
parse_status (const char *status,
              double     *rate,
              double     *eta)
{
  g_auto(GStrv) parts = g_strsplit (status, " · ", -1);

  g_test_message ("the page says: %s", status);
  g_assert_cmpuint (g_strv_length (parts), >=, 2);
  g_assert_true (g_str_has_suffix (parts[0], " numbers/s"));
  g_assert_true (g_str_has_prefix (parts[1], "ETA "));
  *rate = parse_rate (parts[0]);
  *eta = parse_duration (parts[1] + strlen ("ETA "));
}

/* Measures the run's real rate from its progress over wall time since
 * it was resumed (at @since, from @restored), then checks what the page
 * says against it. The page's rate is the same quantity, so this holds
 * however the machine's load changes; counting restored work as done
 * since, or time before the resume, breaks it. */
static void
check_page_rate (UbPage  *page,
                 gint64   since,
                 guint64  restored)
{
  UbRun *run = ub_page_get_run (page);
  gint64 end, until;
  guint64 done_end;
  double real_rate, shown_rate, shown_eta, real_eta;

  g_assert_nonnull (run);
  until = g_get_monotonic_time () + MEASURE_USEC;
  g_assert_true (ub_test_gtk_run_until (ran_since, &until, MEASURE_USEC / 1000 + 10000));
  /* The page redraws from the latest progress, now. */
  ub_page_update (page);
  end = g_get_monotonic_time ();
  done_end = ub_run_get_done (run);
  g_assert_cmpint (ub_run_get_state (run), ==, UB_RUN_RUNNING);
  g_assert_cmpuint (done_end, >, restored);

  real_rate = (double) (done_end - restored) * G_USEC_PER_SEC / (double) (end - since);
  real_eta = (double) (ub_run_get_total (run) - done_end) / real_rate;
  parse_status (ub_page_get_status (page), &shown_rate, &shown_eta);
  g_test_message ("real rate %.3g/s, shown %.3g/s; real ETA %.0f s, shown %.0f s",
                  real_rate, shown_rate, real_eta, shown_eta);

  g_assert_cmpfloat (shown_rate, >=, real_rate / 2);
  g_assert_cmpfloat (shown_rate, <=, real_rate * 2);
  g_assert_cmpfloat (shown_eta, >=, real_eta / 2);
  g_assert_cmpfloat (shown_eta, <=, real_eta * 2);
}

static void
test_rate_after_resume (void)
{
  UbWindow *window;
  UbPage *page;
  UbResumeBar *bar;
  UbRun *run;
  guint64 restored;
  gint64 since;

  if (!ub_test_gtk_have_display ())
    return;

  /* Hours of work for one worker: cancelled at the end. */
  window = ub_test_gtk_new_window ();
  page = UB_PAGE (ub_window_get_page (window, "primes"));
  ub_primes_page_set_input (UB_PRIMES_PAGE (page), "0", "1e14", FALSE, 1);
  g_action_group_activate_action (G_ACTION_GROUP (window), "start", NULL);
  run = ub_page_get_run (page);
  g_assert_true (ub_test_gtk_run_until (ran_for, run, 60000));

  /* Ctrl+Q: the work stops, checkpointed. */
  g_action_group_activate_action (G_ACTION_GROUP (ub_test_gtk_get_app ()), "quit", NULL);
  g_assert_true (ub_test_gtk_run_until (no_window, NULL, 10000));

  /* The next start offers it; Resume, as a user would. */
  window = ub_test_gtk_get_window ();
  page = UB_PAGE (ub_window_get_page (window, "primes"));
  bar = UB_RESUME_BAR (gtk_widget_get_template_child (GTK_WIDGET (page), UB_TYPE_PRIMES_PAGE,
                                                      "resume_bar"));
  g_assert_true (ub_resume_bar_is_offered (bar));
  since = g_get_monotonic_time ();
  g_signal_emit_by_name (bar, "resume");
  run = ub_page_get_run (page);
  g_assert_nonnull (run);
  restored = ub_run_get_done (run);
  g_test_message ("resumed at %" G_GUINT64_FORMAT " numbers", restored);
  g_assert_cmpuint (restored, >, 0);
  /* Resuming fills the form as the user wrote it, not in digits. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (gtk_widget_get_template_child (
                     GTK_WIDGET (page), UB_TYPE_PRIMES_PAGE, "to_entry"))), ==, "1e14");
  check_page_rate (page, since, restored);

  /* A reload keeps the run, and the rate stays right. */
  g_action_group_activate_action (G_ACTION_GROUP (ub_test_gtk_get_app ()), "reload", NULL);
  g_assert_true (ub_test_gtk_run_until (new_window_shown, window, 10000));
  window = ub_test_gtk_get_window ();
  page = UB_PAGE (ub_window_get_page (window, "primes"));
  g_assert_true (ub_page_get_run (page) == run);
  check_page_rate (page, since, restored);

  ub_page_cancel (page);
  g_assert_cmpint (ub_run_get_state (run), ==, UB_RUN_CANCELLED);
}

int
main (int    argc,
      char **argv)
{
  ub_test_gtk_init (&argc, &argv);

  g_test_summary ("After a resume and a reload, the page's rate and ETA are within 2× of the real rate");

  g_test_add_func ("/rate/after-resume-and-reload", test_rate_after_resume);

  return g_test_run ();
}
