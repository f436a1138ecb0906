/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "ub-base64.h"
#include "ub-data-identity.h"
#include "ub-data-jobs.h"
#include "ub-data-page.h"
#include "ub-data-run.h"
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
              const UbDataIdentity *identity,
              GVariant             *output_identity)
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
  if (output_identity != NULL)
    g_variant_dict_insert_value (&resume, "output-identity", output_identity);

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

/* An input of @len bytes, the user's own file at @users, and what a
 * checkpoint records of the input. */
static void
prepare (const char     *input,
         gsize           len,
         guint32         seed,
         const char     *users,
         UbDataIdentity *identity)
{
  g_autoptr(GError) error = NULL;

  make_input (input, len, seed);
  ub_test_write_file (users, "the user's own file\n", 20);
  g_assert_true (ub_data_identity_read (input, TRUE, identity, &error));
  g_assert_no_error (error);
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
                  "output: the page offers to start over saying why, starting over writes "
                  "the app's own file, discarding it removes the record, and the file is "
                  "never opened, cut, renamed or deleted");

  if (!ub_test_gtk_have_display ())
    return;

  make_input (input, 100 * LINE_IN, 1);
  ub_test_write_file (precious, "the user's own file\n", 20);
  g_assert_true (ub_data_identity_read (input, TRUE, &identity, &error));
  g_assert_no_error (error);

  /* The record fits its input, but the partial output it claims ten
   * lines of is not the app's (the app's own holds nothing), and it says
   * nothing of the file its output names: starting over is offered, and
   * writes the app's own file. */
  ub_durable_remove_partial (UB_DATA_JOBS_PARTIAL_NAME);
  forge_record (input, precious, precious, 10, &identity, NULL);
  page = next_window_page ();
  bar = resume_bar (page);
  g_assert_true (ub_resume_bar_is_offered (bar));
  message = ub_resume_bar_get_message (bar);
  g_test_message ("the page offers: %s", message);
  g_assert_cmpstr (ub_resume_bar_get_action_label (bar), ==, "_Start over");
  g_assert_nonnull (strstr (message, "not kept"));
  click (bar, "_Start over");
  g_assert_true (ub_test_gtk_run_until (page_settled, page, 120000));
  g_assert_null (ub_data_page_get_error (page));
  g_assert_cmpint (ub_data_page_get_state (page), ==, UB_DATA_PAGE_DONE);
  {
    g_autofree char *own = ub_data_run_dup_output_path (UB_DATA_MODE_BASE64_ENCODE);

    g_assert_cmpstr (ub_data_page_get_output_path (page), ==, own);
  }
  assert_untouched (precious);

  /* Discard: the record goes, the file it names stays. */
  forge_record (input, precious, precious, 10, &identity, NULL);
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
/* What a stopped job keeps: @lines lines of output, in the app's cache. */
static void
write_partial (guint lines)
{
  g_autofree char *partial = ub_durable_dup_partial_path (UB_DATA_JOBS_PARTIAL_NAME);
  g_autofree char *stale = g_strnfill (lines * LINE_OUT, '#');

  ub_test_write_file (partial, stale, lines * LINE_OUT);
}

static void
check_start_over (void        (*change) (const char *input, UbDataIdentity *saved),
                  const char   *reason)
{
  g_autofree char *input = work_path ("changed-in.bin");
  g_autofree char *precious = work_path ("precious.txt");
  g_autofree char *partial = ub_durable_dup_partial_path (UB_DATA_JOBS_PARTIAL_NAME);
  UbDataIdentity identity;
  UbDataPage *page;
  UbResumeBar *bar;
  const char *message;

  if (!ub_test_gtk_have_display ())
    return;

  prepare (input, 100 * LINE_IN + 5, 2, precious, &identity);
  /* What a first run left: ten lines of output, of another input. */
  {
    g_autofree char *stale = g_strnfill (10 * LINE_OUT, '#');

    ub_test_write_file (partial, stale, 10 * LINE_OUT);
  }

  change (input, &identity);
  forge_record (input, precious, precious, 10, &identity, NULL);
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
  write_partial (10);
  forge_record (input, "", "", 10, &identity, NULL);

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

/* The first @lines lines of @input's encoding, as a stopped job keeps them. */
static void
write_true_partial (const char *input,
                    guint       lines)
{
  g_autofree char *partial = ub_durable_dup_partial_path (UB_DATA_JOBS_PARTIAL_NAME);
  g_autofree char *data = NULL;
  g_autofree char *encoded = NULL;
  gsize len, encoded_len;

  g_assert_true (g_file_get_contents (input, &data, &len, NULL));
  g_assert_cmpuint (len, >=, lines * LINE_IN);
  encoded = ub_base64_encode ((const guint8 *) data, lines * LINE_IN, 76, &encoded_len);
  g_assert_cmpuint (encoded_len, ==, lines * LINE_OUT);
  ub_test_write_file (partial, encoded, encoded_len);
}

/* A job stopped on its way to @dest, which held the user's file: resuming
 * it writes @dest, if nothing was put there since (@change == NULL), and
 * else offers to start over into the app's own file, @dest left as it is. */
static void
check_destination (const char *change)
{
  g_autofree char *input = work_path ("to-dest-in.bin");
  g_autofree char *dest = work_path ("dest.b64");
  g_autofree char *partial = ub_durable_dup_partial_path (UB_DATA_JOBS_PARTIAL_NAME);
  g_autoptr(GVariant) output_identity = NULL;
  UbDataIdentity identity;
  UbDataPage *page;
  UbResumeBar *bar;
  const char *message;

  if (!ub_test_gtk_have_display ())
    return;

  prepare (input, 100 * LINE_IN + 3, 5, dest, &identity);
  output_identity = g_variant_ref_sink (ub_data_identity_dup_output (dest));
  write_true_partial (input, 10);
  if (change != NULL)
    ub_test_write_file (dest, change, strlen (change));
  forge_record (input, dest, partial, 10, &identity, g_variant_ref (output_identity));

  page = next_window_page ();
  bar = resume_bar (page);
  g_assert_true (ub_resume_bar_is_offered (bar));
  message = ub_resume_bar_get_message (bar);
  g_test_message ("the page offers: %s", message);
  if (change == NULL)
    {
      g_assert_cmpstr (ub_resume_bar_get_action_label (bar), ==, "_Resume");
      click (bar, "_Resume");
      g_assert_true (ub_test_gtk_run_until (page_settled, page, 120000));
      g_assert_null (ub_data_page_get_error (page));
      g_assert_cmpint (ub_data_page_get_state (page), ==, UB_DATA_PAGE_DONE);
      g_assert_cmpstr (ub_data_page_get_output_path (page), ==, dest);
      assert_encoding_of (dest, input);
      g_assert_false (g_file_test (partial, G_FILE_TEST_EXISTS));
    }
  else
    {
      g_autofree char *own = ub_data_run_dup_output_path (UB_DATA_MODE_BASE64_ENCODE);
      g_autofree char *contents = NULL;

      g_assert_cmpstr (ub_resume_bar_get_action_label (bar), ==, "_Start over");
      g_assert_nonnull (strstr (message, "which the result replaces, changed"));
      click (bar, "_Start over");
      g_assert_true (ub_test_gtk_run_until (page_settled, page, 120000));
      g_assert_null (ub_data_page_get_error (page));
      g_assert_cmpint (ub_data_page_get_state (page), ==, UB_DATA_PAGE_DONE);
      g_assert_cmpstr (ub_data_page_get_output_path (page), ==, own);
      assert_encoding_of (own, input);
      g_assert_true (g_file_get_contents (dest, &contents, NULL, NULL));
      g_assert_cmpstr (contents, ==, change);
    }
}

static void
test_destination_resumed (void)
{
  g_test_summary ("Work stopped on its way to a file the user chose resumes into that file "
                  "when the file is as it was: the result is byte for byte the encoding");
  check_destination (NULL);
}

static void
test_destination_changed (void)
{
  g_test_summary ("Work stopped on its way to a file that changed since is offered as Start "
                  "over, naming the file; starting over writes the app's own file and "
                  "leaves the changed one as it is");
  check_destination ("written by someone else meanwhile\n");
}

/* The page's own runs, bound for a destination chosen before the start. */

static gboolean
page_running (gpointer user_data)
{
  UbRun *run = ub_page_get_run (user_data);
  guint64 done = 0;

  ub_data_page_get_progress (user_data, &done, NULL);
  return run != NULL && (done > 0 || !ub_run_is_active (run));
}

typedef struct
{
  const char *partial;
  const char *dest;
} Paused;

/* The paused job has kept its partial output, or it had finished and put
 * the result in place before the pause reached it. */
static gboolean
pause_landed (gpointer user_data)
{
  Paused *paused = user_data;
  g_autofree char *contents = NULL;

  if (g_file_test (paused->partial, G_FILE_TEST_IS_REGULAR))
    return TRUE;
  return g_file_get_contents (paused->dest, &contents, NULL, NULL) &&
         g_strcmp0 (contents, "old\n") != 0;
}

/* An input of @len bytes, and @dest holding "old" in a @folder of its own;
 * no partial output in the cache. */
static void
prepare_destination (const char *input,
                     gsize       len,
                     const char *folder,
                     const char *dest)
{
  make_input (input, len, 9);
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  ub_test_write_file (dest, "old\n", 4);
  ub_durable_remove_partial (UB_DATA_JOBS_PARTIAL_NAME);
}

static gboolean
open_folder_shown (gpointer user_data)
{
  return find_button (GTK_WIDGET (gtk_widget_get_root (user_data)), "Open Folder") != NULL;
}

static UbDataPage *
show_data_page (void)
{
  return UB_DATA_PAGE (ub_test_gtk_show_page ("data"));
}

static void
assert_contents (const char *path,
                 const char *expected)
{
  g_autofree char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, expected);
}

static void
test_written_directly (void)
{
  g_autofree char *input = work_path ("direct-in.bin");
  g_autofree char *folder = g_build_filename (work_dir, "out", NULL);
  g_autofree char *dest = g_build_filename (folder, "chosen.b64", NULL);
  g_autofree char *own = ub_data_run_dup_output_path (UB_DATA_MODE_BASE64_ENCODE);
  g_autofree char *partial = ub_durable_dup_partial_path (UB_DATA_JOBS_PARTIAL_NAME);
  UbDataPage *page;
  struct stat st;

  g_test_summary ("A destination chosen before the start receives the result directly: the "
                  "cache holds no copy, the mode of the file it replaces is kept, and no "
                  "temporary file is left beside it");

  if (!ub_test_gtk_have_display ())
    return;

  prepare_destination (input, 3 * 1024 * 1024 + 11, folder, dest);
  g_assert_cmpint (g_chmod (dest, 0640), ==, 0);
  g_unlink (own);

  page = show_data_page ();
  ub_data_page_set_input (page, input, 0, UB_DATA_MODE_BASE64_ENCODE);
  ub_data_page_set_output (page, dest);
  ub_test_gtk_window_action ("start");
  g_assert_true (ub_test_gtk_run_until (page_settled, page, 120000));

  g_assert_null (ub_data_page_get_error (page));
  g_assert_cmpint (ub_data_page_get_state (page), ==, UB_DATA_PAGE_DONE);
  g_assert_cmpstr (ub_data_page_get_output_path (page), ==, dest);
  assert_encoding_of (dest, input);
  g_assert_cmpint (g_stat (dest, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0640);
  g_assert_false (g_file_test (own, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (partial, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (ub_test_count_entries (folder), ==, 1);
  /* Said in a toast, with a button that opens the folder. */
  g_assert_true (ub_test_gtk_run_until (open_folder_shown, page, 10000));

  /* Back to the cache: the next result is the app's own file. */
  ub_data_page_set_output (page, NULL);
  ub_test_gtk_window_action ("start");
  g_assert_true (ub_test_gtk_run_until (page_settled, page, 120000));
  g_assert_cmpstr (ub_data_page_get_output_path (page), ==, own);
  assert_encoding_of (own, input);
}

static void
test_pause_keeps_partial (void)
{
  g_autofree char *input = work_path ("paused-in.bin");
  g_autofree char *folder = g_build_filename (work_dir, "paused", NULL);
  g_autofree char *dest = g_build_filename (folder, "chosen.b64", NULL);
  g_autofree char *partial = ub_durable_dup_partial_path (UB_DATA_JOBS_PARTIAL_NAME);
  Paused paused = { partial, dest };
  UbDataPage *page;
  UbRun *run;

  g_test_summary ("Pausing a run bound for a destination keeps what it wrote in the cache "
                  "and leaves the destination as it was; resuming puts the whole result "
                  "in place and removes the partial output; cancelling keeps nothing");

  if (!ub_test_gtk_have_display ())
    return;

  prepare_destination (input, 96 * 1024 * 1024 + 5, folder, dest);

  page = show_data_page ();
  ub_data_page_set_input (page, input, 0, UB_DATA_MODE_BASE64_ENCODE);
  ub_data_page_set_output (page, dest);
  ub_test_gtk_window_action ("start");
  g_assert_true (ub_test_gtk_run_until (page_running, page, 60000));
  run = ub_page_get_run (UB_PAGE (page));
  if (ub_run_get_state (run) != UB_RUN_RUNNING)
    {
      g_test_skip ("The run ended before it could be paused");
      return;
    }

  /* Paused at its first progress report, a fraction of the way. */
  ub_test_gtk_window_action ("pause");
  g_assert_cmpint (ub_run_get_state (run), ==, UB_RUN_PAUSED);
  g_assert_true (ub_test_gtk_run_until (pause_landed, &paused, 60000));
  if (!g_file_test (partial, G_FILE_TEST_IS_REGULAR))
    {
      g_test_skip ("The job had finished when the pause reached it");
      return;
    }
  assert_contents (dest, "old\n");
  g_assert_cmpuint (ub_test_count_entries (folder), ==, 1);

  ub_test_gtk_window_action ("pause");
  g_assert_true (ub_test_gtk_run_until (page_settled, page, 120000));
  g_assert_null (ub_data_page_get_error (page));
  g_assert_cmpint (ub_data_page_get_state (page), ==, UB_DATA_PAGE_DONE);
  assert_encoding_of (dest, input);
  g_assert_false (g_file_test (partial, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (ub_test_count_entries (folder), ==, 1);

  /* Cancelled for good: nothing kept, the destination as it was. */
  ub_test_write_file (dest, "old\n", 4);
  ub_test_gtk_window_action ("start");
  g_assert_true (ub_test_gtk_run_until (page_running, page, 60000));
  run = ub_page_get_run (UB_PAGE (page));
  if (ub_run_get_state (run) == UB_RUN_RUNNING)
    {
      ub_test_gtk_window_action ("pause");
      g_assert_true (ub_test_gtk_run_until (pause_landed, &paused, 60000));
    }
  if (g_file_test (partial, G_FILE_TEST_IS_REGULAR))
    {
      ub_test_gtk_window_action ("cancel");
      g_assert_true (ub_test_gtk_run_until (page_settled, page, 60000));
      g_assert_false (g_file_test (partial, G_FILE_TEST_EXISTS));
      assert_contents (dest, "old\n");
      g_assert_cmpuint (ub_test_count_entries (folder), ==, 1);
    }
  g_unlink (input);
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
  g_test_add_func ("/data-resume/destination/resumed", test_destination_resumed);
  g_test_add_func ("/data-resume/destination/changed", test_destination_changed);
  g_test_add_func ("/data-resume/destination/written-directly", test_written_directly);
  g_test_add_func ("/data-resume/destination/pause-keeps-partial", test_pause_keeps_partial);

  status = g_test_run ();
  ub_test_remove_tree (work_dir);
  g_free (work_dir);
  return status;
}
