/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ub-primes-page.h"
#include "ub-state.h"
#include "ub-store.h"
#include "ub-test-gtk.h"
#include "ub-test-saved.h"

/*
 * A saved prime count that was tampered with, resumed through the Primes
 * page: a record another installation sealed (a forgery, to this one),
 * or one whose count no range can have, is never shown as the result;
 * the count is made again. A record this installation sealed is resumed
 * as it is (the control: the page does show what it is given). Each case
 * runs in a child process, with a state folder of its own.
 */

static char *scratch;
static char *self_path;

typedef enum
{
  SEALED_HERE,
  SEALED_ELSEWHERE,
  IMPOSSIBLE,
} Case;

static UbPrimesPage *
primes_page (UbWindow *window)
{
  return UB_PRIMES_PAGE (ub_window_get_page (window, "primes"));
}

static gboolean
store_loaded (gpointer user_data)
{
  return ub_state_is_loaded ();
}

static gboolean
page_done (gpointer user_data)
{
  return ub_primes_page_get_state (user_data) == UB_PRIMES_PAGE_DONE;
}

static gboolean
state_flushed (gpointer user_data)
{
  return ub_state_is_flushed ();
}

/* Whether any label under @widget shows @number, with or without digit
 * group separators. */
static gboolean
shows_number (GtkWidget *widget,
              guint64    number)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, number);

  if (GTK_IS_LABEL (widget) && gtk_widget_is_drawable (widget))
    {
      const char *text = gtk_label_get_text (GTK_LABEL (widget));
      g_autoptr(GString) bare = g_string_new (NULL);

      for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
        {
          gunichar c = g_utf8_get_char (p);

          if (g_unichar_isdigit (c))
            g_string_append_unichar (bare, c);
          else if (!g_unichar_isspace (c) && c != ',' && c != '.' && c != 0x202f && c != 0xa0)
            g_string_append_c (bare, ' ');
        }
      if (strstr (bare->str, digits) != NULL)
        return TRUE;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (shows_number (child, number))
      return TRUE;
  return FALSE;
}

/* In a child process: resume what is saved, run it to its end, and print
 * the result, whether the page ever showed the saved count, and what the
 * window told the user. */
static int
child_resume (guint64 saved_count)
{
  UbWindow *window = ub_test_gtk_get_window ();
  UbPrimesPage *page = primes_page (window);
  gboolean showed_saved = FALSE;
  const char *message;
  guint64 count = 0;

  if (!ub_test_gtk_run_until (store_loaded, NULL, 30000))
    return 1;
  ub_test_gtk_show_page ("primes");
  ub_window_resume_saved (window);
  if (ub_primes_page_get_state (page) == UB_PRIMES_PAGE_IDLE)
    {
      g_printerr ("nothing was resumed\n");
      return 1;
    }

  /* Painted at least once as resumed, then to its end. */
  ub_test_gtk_wait_painted (GTK_WIDGET (page), 2);
  showed_saved = shows_number (GTK_WIDGET (page), saved_count);
  if (!ub_test_gtk_run_until (page_done, page, 120000) ||
      !ub_primes_page_get_result (page, &count, NULL))
    return 1;
  ub_test_gtk_wait_painted (GTK_WIDGET (page), 2);
  showed_saved = showed_saved || shows_number (GTK_WIDGET (page), saved_count);

  message = ub_window_get_message (window);
  g_print ("%" G_GUINT64_FORMAT " %d\n%s\n", count, showed_saved, message ? message : "(none)");

  if (!ub_test_gtk_run_until (state_flushed, NULL, 30000))
    return 1;
  return 0;
}

/* A finished count over [0, 10⁶) in one part, saved in @dir. */
static void
save_job (const char *dir,
          Case        which,
          guint64     count)
{
  g_autofree char *elsewhere = g_strconcat (dir, "-elsewhere", NULL);
  g_autoptr(UbStore) here = ub_store_new_for_directory (dir, NULL);
  g_autoptr(UbStore) other = ub_store_new_for_directory (elsewhere, NULL);

  g_assert_nonnull (here);
  g_assert_nonnull (other);
  g_assert_true (ub_store_set (here, "primes.job", ub_test_primes_job_new (), NULL));
  g_assert_true (ub_store_set (which == SEALED_ELSEWHERE ? other : here, "primes.part.0",
                               ub_test_primes_part_new (count), NULL));
  if (which == SEALED_ELSEWHERE)
    ub_test_copy_saved (elsewhere, dir, "primes.part.0.gvariant");
}

typedef struct
{
  const char *path;
  const char *summary;
  Case        which;
  guint64     saved_count;
  guint64     count;        /* what the page must show once done */
  const char *message;      /* what the window must say ("(none)": nothing) */
} Resume;

static const Resume resumes[] = {
  /* One short of the truth, within the bounds. */
  { "/primes-page/forged/sealed-here",
    "Control: a finished record this installation sealed is shown as it is, so the page "
    "would show a forged one that got through",
    SEALED_HERE, UB_TEST_PI_1E6 - 1, UB_TEST_PI_1E6 - 1, "(none)" },
  { "/primes-page/forged/sealed-elsewhere",
    "A finished record another installation sealed is never shown: the count is made "
    "again, and the user is told why",
    SEALED_ELSEWHERE, UB_TEST_PI_1E6 - 1, UB_TEST_PI_1E6, "“primes.part.0” could not be trusted" },
  /* More primes than the range has odd numbers. */
  { "/primes-page/forged/impossible-count",
    "A finished record whose count no range of a million numbers can have is never shown, "
    "even sealed here: the count is made again",
    IMPOSSIBLE, 500001, UB_TEST_PI_1E6, NULL },
};

/* Runs the child on what the case saved. */
static void
test_resume (gconstpointer data)
{
  static const char *names[] = { "here", "elsewhere", "impossible" };
  const Resume *r = data;
  g_autofree char *dir = g_build_filename (scratch, names[r->which], NULL);
  g_autofree char *count_arg = g_strdup_printf ("%" G_GUINT64_FORMAT, r->saved_count);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_auto(GStrv) envp = g_get_environ ();
  g_auto(GStrv) lines = NULL;
  const char *argv[] = { self_path, "--child-resume", count_arg, NULL };
  int showed_saved = 0;
  guint64 count = 0;
  int status;

  if (!ub_test_gtk_have_display ())
    return;

  g_test_summary (r->summary);
  save_job (dir, r->which, r->saved_count);
  envp = g_environ_setenv (envp, "UNBLOCK_STATE_DIR", dir, TRUE);
  g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status,
                &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_test_message ("%s: %s", names[r->which], out);

  lines = g_strsplit (out, "\n", 3);
  g_assert_cmpuint (g_strv_length (lines), >=, 2);
  g_assert_cmpint (sscanf (lines[0], "%" G_GUINT64_FORMAT " %d", &count, &showed_saved), ==, 2);
  g_assert_cmpuint (count, ==, r->count);
  /* The saved count was on the page exactly when it was the answer. */
  g_assert_cmpint (showed_saved, ==, r->count == r->saved_count);
  if (r->message != NULL)
    g_assert_nonnull (strstr (lines[1], r->message));
}

int
main (int    argc,
      char **argv)
{
  self_path = g_strdup (argv[0]);
  if (argc > 2 && g_str_equal (argv[1], "--child-resume"))
    {
      if (!ub_test_gtk_init_app ())
        return 77;
      return child_resume (g_ascii_strtoull (argv[2], NULL, 10));
    }

  ub_test_gtk_init (&argc, &argv);
  for (guint i = 0; i < G_N_ELEMENTS (resumes); i++)
    g_test_add_data_func (resumes[i].path, &resumes[i], test_resume);

  return ub_test_gtk_run_in_scratch ("unblock-forged-XXXXXX", &scratch);
}
