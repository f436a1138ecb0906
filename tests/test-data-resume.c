/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "ub-base64.h"
#include "ub-data-identity.h"
#include "ub-data-jobs.h"
#include "ub-data-page.h"
#include "ub-durable.h"
#include "ub-page.h"
#include "ub-resume-bar.h"
#include "ub-state.h"
#include "ub-test-files.h"
#include "ub-test-gtk.h"

/*
 * Saved work on the Data page as a hostile or unlucky user leaves it: a
 * record naming files that are not the app's, offsets that do not fit, an
 * input changed since. Each is found out before anything is written: the
 * page offers "Start over" with the reason, or the run fails saying why,
 * and no file outside the app's cache folder is touched.
 */

/* Base64 lines of 76 characters hold 57 bytes: offsets that agree. */
#define LINE_IN  57
#define LINE_OUT 77

static char *work_dir;

static gboolean
state_flushed (gpointer user_data)
{
  return ub_state_is_flushed ();
}

/* The run the page launched has ended, one way or another. */
static gboolean
page_settled (gpointer user_data)
{
  UbRun *run = ub_page_get_run (user_data);

  return run != NULL && !ub_run_is_active (run);
}

static char *
work_path (const char *name)
{
  return g_build_filename (work_dir, name, NULL);
}

/* A record of the form the data job saves, with whatever a forger likes
 * in it: @partial and @output are paths of the forger's choosing. */
static void
forge_record (const char           *input,
              const char           *output,
              const char           *partial,
              guint64               lines_done,
              const UbDataIdentity *identity)
{
  const guint32 sha_state[8] = { 0 };
  GVariantDict resume;
  GVariantDict record;

  g_variant_dict_init (&resume, NULL);
  g_variant_dict_insert (&resume, "input-offset", "t", lines_done * LINE_IN);
  g_variant_dict_insert (&resume, "output-offset", "t", lines_done * LINE_OUT);
  g_variant_dict_insert_value (&resume, "sha256-state",
                               g_variant_new_fixed_array (G_VARIANT_TYPE_UINT32, sha_state, 8,
                                                          sizeof (guint32)));
  g_variant_dict_insert (&resume, "partial", "s", partial);
  g_variant_dict_insert_value (&resume, "identity", ub_data_identity_to_variant (identity));

  g_variant_dict_init (&record, NULL);
  g_variant_dict_insert (&record, "mode", "u", (guint32) UB_DATA_MODE_BASE64_ENCODE);
  g_variant_dict_insert (&record, "wrap", "u", (guint32) 76);
  g_variant_dict_insert (&record, "input", "s", input);
  g_variant_dict_insert (&record, "output", "s", output);
  g_variant_dict_insert (&record, "total", "x", (gint64) identity->size);
  g_variant_dict_insert_value (&record, "resume", g_variant_dict_end (&resume));

  ub_state_set (UB_DATA_JOBS_STATE_KEY, g_variant_dict_end (&record));
  g_assert_true (ub_test_gtk_run_until (state_flushed, NULL, 30000));
}

static UbResumeBar *
resume_bar (UbDataPage *page)
{
  return UB_RESUME_BAR (gtk_widget_get_template_child (GTK_WIDGET (page), UB_TYPE_DATA_PAGE,
                                                       "resume_bar"));
}

/* The next window, as after a restart: its Data page and what it offers. */
static UbDataPage *
next_window_page (void)
{
  UbWindow *window = ub_test_gtk_new_window ();

  ub_window_show_page (window, "data");
  return UB_DATA_PAGE (ub_window_get_page (window, "data"));
}

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Clicks the bar's button labelled @label, as a user would. */
static void
click (UbResumeBar *bar,
       const char  *label)
{
  GtkWidget *button = find_button (GTK_WIDGET (bar), label);

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button) && gtk_widget_get_visible (button));
  /* What a click emits, at once (activating animates first). */
  g_signal_emit_by_name (button, "clicked");
}

static void
assert_untouched (const char *path)
{
  g_autofree char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "the user's own file\n");
}

static void
make_input (const char *path,
            gsize       len,
            guint32     seed)
{
  g_autofree guint8 *data = ub_test_make_bytes (len, seed);

  ub_test_write_file (path, data, len);
}

static void
assert_encoding_of (const char *output,
                    const char *input)
{
  g_autofree char *data = NULL;
  g_autofree char *encoded = NULL;
  g_autofree char *contents = NULL;
  gsize len, encoded_len, contents_len;

  g_assert_true (g_file_get_contents (input, &data, &len, NULL));
  encoded = ub_base64_encode ((const guint8 *) data, len, 76, &encoded_len);
  g_assert_true (g_file_get_contents (output, &contents, &contents_len, NULL));
  g_assert_cmpmem (contents, contents_len, encoded, encoded_len);
}

static void
test_forged_paths_untouched (void)
{
  g_autofree char *input = work_path ("forged-in.bin");
  g_autofree char *precious = work_path ("precious.txt");
  g_autoptr(GError) error = NULL;
  UbDataIdentity identity;
  UbDataPage *page;
  UbResumeBar *bar;
  const char *message;

  g_test_summary ("A saved record naming the user's own file as its partial output and its "
                  "output: resuming it fails saying why, discarding it removes the record, "
                  "and the file is never opened, cut, renamed or deleted");

  if (!ub_test_gtk_have_display ())
    return;

  make_input (input, 100 * LINE_IN, 1);
  ub_test_write_file (precious, "the user's own file\n", 20);
  g_assert_true (ub_data_identity_read (input, TRUE, &identity, &error));
  g_assert_no_error (error);

  /* Resume: the record fits its input, but the partial output it claims
   * ten lines of is not the app's (the app's own holds nothing). */
  ub_durable_remove_partial (UB_DATA_JOBS_PARTIAL_NAME);
  forge_record (input, precious, precious, 10, &identity);
  page = next_window_page ();
  bar = resume_bar (page);
  g_assert_true (ub_resume_bar_is_offered (bar));
  g_assert_cmpstr (ub_resume_bar_get_action_label (bar), ==, "_Resume");
  click (bar, "_Resume");
  g_assert_true (ub_test_gtk_run_until (page_settled, page, 120000));
  message = ub_data_page_get_error (page);
  g_test_message ("resuming said: %s", message);
  g_assert_nonnull (message);
  g_assert_cmpint (ub_data_page_get_state (page), ==, UB_DATA_PAGE_IDLE);
  assert_untouched (precious);

  /* Discard: the record goes, the file it names stays. */
  forge_record (input, precious, precious, 10, &identity);
  page = next_window_page ();
  bar = resume_bar (page);
  g_assert_true (ub_resume_bar_is_offered (bar));
  click (bar, "_Discard");
  g_assert_true (ub_test_gtk_run_until (state_flushed, NULL, 30000));
  g_assert_null (ub_state_dup (UB_DATA_JOBS_STATE_KEY));
  assert_untouched (precious);
}

/* The record fits the input as it was; @change makes it not fit any more
 * (or leaves the input and breaks the record). The page must offer
 * "Start over" saying @reason, and starting over must encode the input as
 * it is now, nothing of the stale partial output spliced in. */
static void
check_start_over (void        (*change) (const char *input, UbDataIdentity *saved),
                  const char   *reason)
{
  g_autofree char *input = work_path ("changed-in.bin");
  g_autofree char *precious = work_path ("precious.txt");
  g_autofree char *partial = ub_durable_dup_partial_path (UB_DATA_JOBS_PARTIAL_NAME);
  g_autoptr(GError) error = NULL;
  UbDataIdentity identity;
  UbDataPage *page;
  UbResumeBar *bar;
  const char *message;

  if (!ub_test_gtk_have_display ())
    return;

  make_input (input, 100 * LINE_IN + 5, 2);
  ub_test_write_file (precious, "the user's own file\n", 20);
  g_assert_true (ub_data_identity_read (input, TRUE, &identity, &error));
  g_assert_no_error (error);
  /* What a first run left: ten lines of output, of another input. */
  {
    g_autofree char *stale = g_strnfill (10 * LINE_OUT, '#');

    ub_test_write_file (partial, stale, 10 * LINE_OUT);
  }

  change (input, &identity);
  forge_record (input, precious, precious, 10, &identity);
  page = next_window_page ();
  bar = resume_bar (page);
  g_assert_true (ub_resume_bar_is_offered (bar));
  message = ub_resume_bar_get_message (bar);
  g_test_message ("the page offers: %s", message);
  g_assert_cmpstr (ub_resume_bar_get_action_label (bar), ==, "_Start over");
  g_assert_nonnull (strstr (message, reason));

  click (bar, "_Start over");
  g_assert_true (ub_test_gtk_run_until (page_settled, page, 120000));
  g_assert_null (ub_data_page_get_error (page));
  g_assert_cmpint (ub_data_page_get_state (page), ==, UB_DATA_PAGE_DONE);
  assert_encoding_of (ub_data_page_get_output_path (page), input);
  assert_untouched (precious);
}

static void
append_to_input (const char     *input,
                 UbDataIdentity *saved)
{
  FILE *f = fopen (input, "a");

  g_assert_nonnull (f);
  fputs ("a newer version", f);
  fclose (f);
}

static void
replace_input (const char     *input,
               UbDataIdentity *saved)
{
  g_autofree char *other = g_strconcat (input, ".new", NULL);

  /* Same size, another file in its place (a save by an editor). */
  make_input (other, saved->size, 3);
  g_assert_cmpint (g_rename (other, input), ==, 0);
}

static void
offset_past_end (const char     *input,
                 UbDataIdentity *saved)
{
  /* The record claims a file of a tenth of the lines it says are done. */
  saved->size = 5 * LINE_IN;
  g_assert_cmpint (truncate (input, (off_t) saved->size), ==, 0);
  {
    GStatBuf st;

    g_assert_cmpint (g_stat (input, &st), ==, 0);
    saved->mtime_usec = (gint64) st.st_mtim.tv_sec * G_USEC_PER_SEC + st.st_mtim.tv_nsec / 1000;
  }
}

static void
test_start_over_newer_input (void)
{
  g_test_summary ("Saved work on an input that has grown since is offered as Start over, "
                  "with the reason; starting over encodes the input as it is now");
  check_start_over (append_to_input, "size changed");
}

static void
test_start_over_replaced_input (void)
{
  g_test_summary ("Saved work on an input replaced by another file of the same size is "
                  "offered as Start over, with the reason");
  check_start_over (replace_input, "another file has taken its place");
}

static void
test_start_over_offset_past_end (void)
{
  g_test_summary ("A record whose offset lies past the end of its input is offered as "
                  "Start over, with the reason; it never gives output padded with NULs");
  check_start_over (offset_past_end, "past the end");
}

/* The input changed in place, its size and time put back: only the
 * hashes tell. The job refuses before it writes, saying why. */
static void
test_contents_changed (void)
{
  g_autofree char *input = work_path ("edited-in.bin");
  g_autoptr(GError) error = NULL;
  UbDataIdentity identity;
  UbDataPage *page;
  UbResumeBar *bar;
  const char *message;

  g_test_summary ("Saved work on an input whose contents changed, size and time put back, "
                  "is refused by the job before it writes, with the reason");

  if (!ub_test_gtk_have_display ())
    return;

  make_input (input, 100 * LINE_IN, 4);
  g_assert_true (ub_data_identity_read (input, TRUE, &identity, &error));
  g_assert_no_error (error);
  identity.head[0] ^= 1;   /* as if the first MiB had been another */
  forge_record (input, "", "", 10, &identity);

  page = next_window_page ();
  bar = resume_bar (page);
  g_assert_true (ub_resume_bar_is_offered (bar));
  click (bar, ub_resume_bar_get_action_label (bar));
  g_assert_true (ub_test_gtk_run_until (page_settled, page, 120000));
  message = ub_data_page_get_error (page);
  g_test_message ("resuming said: %s", message);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "contents changed"));
  g_assert_cmpint (ub_data_page_get_state (page), ==, UB_DATA_PAGE_IDLE);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  ub_test_gtk_init (&argc, &argv);
  work_dir = g_dir_make_tmp ("unblock-data-resume-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/data-resume/forged-paths-untouched", test_forged_paths_untouched);
  g_test_add_func ("/data-resume/start-over/newer-input", test_start_over_newer_input);
  g_test_add_func ("/data-resume/start-over/replaced-input", test_start_over_replaced_input);
  g_test_add_func ("/data-resume/start-over/offset-past-end", test_start_over_offset_past_end);
  g_test_add_func ("/data-resume/contents-changed", test_contents_changed);

  status = g_test_run ();
  ub_test_remove_tree (work_dir);
  g_free (work_dir);
  return status;
}
