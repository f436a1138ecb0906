/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include <adwaita.h>
#include <string.h>

#include "ub-data-page.h"
#include "ub-data-run.h"
#include "ub-test-files.h"
#include "ub-test-gtk.h"

static UbDataPage *
show_data_page (void)
{
  return UB_DATA_PAGE (ub_test_gtk_show_page ("data"));
}

static gboolean
page_settled (gpointer user_data)
{
  UbDataPageState state = ub_data_page_get_state (user_data);

  return state == UB_DATA_PAGE_DONE || state == UB_DATA_PAGE_IDLE;
}

static void
run_page (UbDataPage *page)
{
  ub_test_gtk_window_action ("start");
  g_assert_true (ub_test_gtk_run_until (page_settled, page, 120000));
}

static char *
read_output (UbDataPage *page)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_assert_nonnull (ub_data_page_get_output_path (page));
  g_file_get_contents (ub_data_page_get_output_path (page), &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static void
test_encode_text (void)
{
  UbDataPage *page;
  g_autofree char *output = NULL;
  g_autofree char *preview = NULL;

  if (!ub_test_gtk_have_display ())
    return;

  page = show_data_page ();
  ub_data_page_set_input (page, NULL, 0, UB_DATA_MODE_BASE64_ENCODE);
  ub_data_page_set_text (page, "Many hands make light work.");
  run_page (page);

  g_assert_null (ub_data_page_get_error (page));
  g_assert_cmpint (ub_data_page_get_state (page), ==, UB_DATA_PAGE_DONE);
  output = read_output (page);
  g_assert_cmpstr (output, ==, "TWFueSBoYW5kcyBtYWtlIGxpZ2h0IHdvcmsu\n");
  preview = ub_data_page_dup_preview (page);
  g_assert_cmpstr (preview, ==, "TWFueSBoYW5kcyBtYWtlIGxpZ2h0IHdvcmsu\n");
}

static void
test_decode_error_names_offset (void)
{
  UbDataPage *page;
  const char *message;

  if (!ub_test_gtk_have_display ())
    return;

  page = show_data_page ();
  ub_data_page_set_input (page, NULL, 0, UB_DATA_MODE_BASE64_DECODE);
  ub_data_page_set_text (page, "TWFu\nSGVs$G8=");
  run_page (page);

  message = ub_data_page_get_error (page);
  g_test_message ("error: %s", message);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "offset 9"));
  g_assert_cmpint (ub_data_page_get_state (page), ==, UB_DATA_PAGE_IDLE);
  g_assert_null (ub_data_page_get_output_path (page));
}

static char *
make_file (gsize size)
{
  g_autoptr(GError) error = NULL;
  g_autofree guchar *data = g_malloc (size);
  char *path = NULL;
  int fd;

  for (gsize i = 0; i < size; i++)
    data[i] = (guchar) ((i * 2654435761u) >> 13);

  fd = g_file_open_tmp ("unblock-data-XXXXXX", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (path, (const char *) data, size, &error);
  g_assert_no_error (error);
  return path;
}

static void
test_hash_file (void)
{
  UbDataPage *page;
  g_autofree char *path = make_file (3 * 1024 * 1024 + 17);
  g_autofree char *contents = NULL;
  g_autofree char *expected = NULL;
  gsize length;

  if (!ub_test_gtk_have_display ())
    return;

  g_file_get_contents (path, &contents, &length, NULL);
  expected = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);

  page = show_data_page ();
  ub_data_page_set_input (page, path, 0, UB_DATA_MODE_SHA256);
  run_page (page);

  g_assert_null (ub_data_page_get_error (page));
  g_assert_cmpstr (ub_data_page_get_digest (page), ==, expected);

  /* The same in blocking mode, on the main thread. */
  g_action_group_change_action_state (G_ACTION_GROUP (ub_test_gtk_get_app ()), "blocking",
                                      g_variant_new_boolean (TRUE));
  ub_test_gtk_window_action ("start");
  g_action_group_change_action_state (G_ACTION_GROUP (ub_test_gtk_get_app ()), "blocking",
                                      g_variant_new_boolean (FALSE));
  g_assert_cmpint (ub_data_page_get_state (page), ==, UB_DATA_PAGE_DONE);
  g_assert_cmpstr (ub_data_page_get_digest (page), ==, expected);

  g_unlink (path);
}

static void
test_encode_decode_round_trip (void)
{
  UbDataPage *page;
  g_autofree char *path = make_file (5 * 1024 * 1024 + 3);
  g_autofree char *encoded_path = NULL;
  g_autofree char *original = NULL;
  g_autofree char *decoded = NULL;
  gsize original_length;
  gsize decoded_length;

  if (!ub_test_gtk_have_display ())
    return;

  page = show_data_page ();
  ub_data_page_set_input (page, path, 0, UB_DATA_MODE_BASE64_ENCODE);
  run_page (page);
  g_assert_null (ub_data_page_get_error (page));

  encoded_path = g_strconcat (path, ".b64", NULL);
  g_assert_cmpint (g_rename (ub_data_page_get_output_path (page), encoded_path), ==, 0);

  ub_data_page_set_input (page, encoded_path, 0, UB_DATA_MODE_BASE64_DECODE);
  run_page (page);
  g_assert_null (ub_data_page_get_error (page));

  g_file_get_contents (path, &original, &original_length, NULL);
  g_file_get_contents (ub_data_page_get_output_path (page), &decoded, &decoded_length, NULL);
  g_assert_cmpmem (decoded, decoded_length, original, original_length);

  g_unlink (path);
  g_unlink (encoded_path);
}

static gboolean
page_running (gpointer user_data)
{
  return ub_data_page_get_state (user_data) == UB_DATA_PAGE_RUNNING ||
         page_settled (user_data);
}

static void
test_cancel_leaves_no_output (void)
{
  UbDataPage *page;
  g_autofree char *output = g_build_filename (g_get_user_cache_dir (), "unblock", "data",
                                              "result.b64", NULL);

  if (!ub_test_gtk_have_display ())
    return;

  g_unlink (output);
  page = show_data_page ();
  ub_data_page_set_input (page, NULL, 64, UB_DATA_MODE_BASE64_ENCODE);
  ub_test_gtk_window_action ("start");
  g_assert_cmpint (ub_data_page_get_state (page), ==, UB_DATA_PAGE_GENERATING);
  g_assert_true (ub_test_gtk_run_until (page_running, page, 120000));
  ub_test_gtk_window_action ("cancel");
  g_assert_cmpint (ub_data_page_get_state (page), ==, UB_DATA_PAGE_IDLE);

  /* Let the worker notice; it removes its temporary file. */
  ub_test_gtk_run_for_ms (500);
  g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));

  /* The random input was kept and is reused: this run skips generating. */
  ub_test_gtk_window_action ("start");
  g_assert_cmpint (ub_data_page_get_state (page), ==, UB_DATA_PAGE_RUNNING);
  g_assert_true (ub_test_gtk_run_until (page_settled, page, 120000));
  g_assert_cmpint (ub_data_page_get_state (page), ==, UB_DATA_PAGE_DONE);
  g_assert_true (g_file_test (output, G_FILE_TEST_EXISTS));
}

static gboolean
page_paused (gpointer user_data)
{
  UbRun *run = ub_page_get_run (user_data);

  return run == NULL || ub_run_get_state (run) != UB_RUN_RUNNING;
}

static void
test_pause_resume_is_exact (void)
{
  UbDataPage *page;
  g_autofree char *path = make_file (24 * 1024 * 1024 + 5);
  g_autofree char *expected = NULL;
  g_autofree char *got = NULL;
  guint n_pauses = 0;

  g_test_summary ("Ctrl+P pauses an encode (no progress while paused) and again resumes it; "
                  "the output is byte for byte that of a run never paused");

  if (!ub_test_gtk_have_display ())
    return;

  page = show_data_page ();
  ub_data_page_set_input (page, path, 0, UB_DATA_MODE_BASE64_ENCODE);
  run_page (page);
  g_assert_null (ub_data_page_get_error (page));
  expected = read_output (page);

  ub_test_gtk_window_action ("start");
  while (ub_page_get_run (UB_PAGE (page)) != NULL &&
         ub_run_is_active (ub_page_get_run (UB_PAGE (page))))
    {
      UbRun *run = ub_page_get_run (UB_PAGE (page));
      guint64 before, after;

      if (ub_run_get_state (run) == UB_RUN_RUNNING)
        {
          ub_test_gtk_window_action ("pause");
          g_assert_cmpint (ub_run_get_state (run), ==, UB_RUN_PAUSED);
          n_pauses++;

          /* Paused means stopped: the worker does no more of it. */
          ub_data_page_get_progress (page, &before, NULL);
          ub_test_gtk_run_for_ms (300);
          ub_data_page_get_progress (page, &after, NULL);
          g_assert_cmpuint (after, ==, before);
          g_assert_cmpint (ub_run_get_state (run), ==, UB_RUN_PAUSED);

          ub_test_gtk_window_action ("pause");
          g_assert_cmpint (ub_run_get_state (run), !=, UB_RUN_PAUSED);
          /* Some of it runs before the next pause. */
          ub_test_gtk_run_until (page_paused, page, 150);
        }
      else
        {
          g_assert_true (ub_test_gtk_run_until (page_settled, page, 120000));
        }
      if (n_pauses >= 5)
        g_assert_true (ub_test_gtk_run_until (page_settled, page, 120000));
    }

  g_assert_cmpuint (n_pauses, >=, 1);
  g_assert_null (ub_data_page_get_error (page));
  g_assert_cmpint (ub_data_page_get_state (page), ==, UB_DATA_PAGE_DONE);
  got = read_output (page);
  g_assert_cmpstr (got, ==, expected);
  g_unlink (path);
}

static void
test_drop_file (void)
{
  g_autofree char *chosen = make_file (1000);
  g_autofree char *dropped = make_file (4096 + 7);
  g_autofree char *contents = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *folder = g_path_get_dirname (dropped);
  gsize length;
  UbDataPage *page;

  g_test_summary ("A file dropped on the Data page becomes its input; a folder, two files or "
                  "a drop during a job are refused with a message");

  if (!ub_test_gtk_have_display ())
    return;

  g_file_get_contents (dropped, &contents, &length, NULL);
  expected = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);

  page = show_data_page ();
  ub_data_page_set_input (page, chosen, 0, UB_DATA_MODE_SHA256);
  {
    const char *paths[] = { dropped, NULL };

    g_assert_true (ub_test_gtk_drop_files (GTK_WIDGET (page), paths, FALSE));
  }
  run_page (page);
  g_assert_null (ub_data_page_get_error (page));
  g_assert_cmpstr (ub_data_page_get_digest (page), ==, expected);

  {
    const char *folders[] = { folder, NULL };
    const char *two[] = { chosen, dropped, NULL };

    g_assert_false (ub_test_gtk_drop_files (GTK_WIDGET (page), folders, TRUE));
    g_assert_nonnull (ub_data_page_get_error (page));
    g_assert_false (ub_test_gtk_drop_files (GTK_WIDGET (page), two, TRUE));
    g_assert_nonnull (ub_data_page_get_error (page));
  }

  /* As a list, as a file manager drops it: still the input. */
  {
    const char *paths[] = { dropped, NULL };

    g_assert_true (ub_test_gtk_drop_files (GTK_WIDGET (page), paths, TRUE));
    g_assert_null (ub_data_page_get_error (page));
  }
  run_page (page);
  g_assert_cmpstr (ub_data_page_get_digest (page), ==, expected);

  g_unlink (chosen);
  g_unlink (dropped);
}

static void
test_missing_file (void)
{
  UbDataPage *page;
  const char *message;

  if (!ub_test_gtk_have_display ())
    return;

  page = show_data_page ();
  ub_data_page_set_input (page, "/nonexistent-unblock/input.bin", 0, UB_DATA_MODE_SHA256);
  run_page (page);
  message = ub_data_page_get_error (page);
  g_test_message ("error: %s", message);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "input.bin"));
}

static gboolean
cache_measured (gpointer user_data)
{
  guint64 size;

  return ub_data_page_get_cache_size (user_data, &size);
}

static AdwMessageDialog *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

static gboolean
cache_empty (gpointer user_data)
{
  guint64 size = G_MAXUINT64;

  return ub_data_page_get_cache_size (user_data, &size) && size == 0;
}

static void
test_cache_clear (void)
{
  g_autofree char *result = ub_data_run_dup_output_path (UB_DATA_MODE_BASE64_ENCODE);
  g_autofree char *folder = ub_data_run_dup_cache_dir ();
  g_autofree char *outside = make_file (1000);
  g_autofree char *elsewhere = g_strconcat (outside, ".b64", NULL);
  AdwMessageDialog *dialog;
  UbDataPage *page;
  guint64 size = 0;

  g_test_summary ("The cache folder's size is shown once a run ends; Clear… asks first, "
                  "then removes what the cache holds, and nothing written elsewhere");

  if (!ub_test_gtk_have_display ())
    return;

  /* Measured before any run, in a window of its own. */
  ub_test_gtk_new_window ();
  page = show_data_page ();
  g_assert_null (ub_page_get_run (UB_PAGE (page)));
  g_assert_true (ub_test_gtk_run_until (cache_measured, page, 30000));
  ub_data_page_set_input (page, outside, 0, UB_DATA_MODE_BASE64_ENCODE);
  ub_data_page_set_output (page, elsewhere);
  run_page (page);
  ub_data_page_set_output (page, NULL);
  run_page (page);
  g_assert_cmpint (ub_data_page_get_state (page), ==, UB_DATA_PAGE_DONE);
  g_assert_true (g_file_test (result, G_FILE_TEST_IS_REGULAR));
  g_assert_true (ub_test_gtk_run_until (cache_measured, page, 30000));
  g_assert_true (ub_data_page_get_cache_size (page, &size));
  g_test_message ("the cache holds %" G_GUINT64_FORMAT " bytes", size);
  g_assert_cmpuint (size, >=, 1352);   /* 1000 bytes, encoded */

  /* Asked first: cancelling keeps everything. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "data.clear-cache", NULL));
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  ub_test_gtk_run_for_ms (50);
  g_assert_true (g_file_test (result, G_FILE_TEST_IS_REGULAR));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "data.clear-cache", NULL));
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "clear");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_true (ub_test_gtk_run_until (cache_empty, page, 30000));
  g_assert_false (g_file_test (result, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (ub_test_count_entries (folder), ==, 0);
  g_assert_true (g_file_test (elsewhere, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (outside, G_FILE_TEST_IS_REGULAR));

  /* Its result went with the cache: saving it says so. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "data.save", NULL));
  g_assert_nonnull (ub_data_page_get_error (page));
  g_assert_nonnull (strstr (ub_data_page_get_error (page), "cleared"));
  g_unlink (elsewhere);
  g_unlink (outside);
}

int
main (int    argc,
      char **argv)
{
  ub_test_gtk_init (&argc, &argv);

  g_test_summary ("The Data page: base64 and SHA-256 through a worker, errors, cancel");

  g_test_add_func ("/data-page/encode-text", test_encode_text);
  g_test_add_func ("/data-page/decode-error-names-offset", test_decode_error_names_offset);
  g_test_add_func ("/data-page/hash-file", test_hash_file);
  g_test_add_func ("/data-page/encode-decode-round-trip", test_encode_decode_round_trip);
  g_test_add_func ("/data-page/pause-resume-is-exact", test_pause_resume_is_exact);
  g_test_add_func ("/data-page/cancel-leaves-no-output", test_cancel_leaves_no_output);
  g_test_add_func ("/data-page/missing-file", test_missing_file);
  g_test_add_func ("/data-page/drop-file", test_drop_file);
  g_test_add_func ("/data-page/cache-clear", test_cache_clear);

  return g_test_run ();
}
