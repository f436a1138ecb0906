/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "ub-images-page.h"
#include "ub-jobs.h"
#include "ub-png.h"
#include "ub-sample-writer.h"
#include "ub-test-cases.h"
#include "ub-test-files.h"
#include "ub-test-gtk.h"

/*
 * The Images page's sample images: the writer that makes them off the
 * main thread, the empty state that offers them, and making or stopping
 * them from the page.
 */

static char *gallery_root;

static UbImagesPage *
show_images_page (void)
{
  return UB_IMAGES_PAGE (ub_test_gtk_show_page ("images"));
}

typedef struct
{
  guint n_progress;
  guint n_done;
  guint n_failed;
} WriterEvents;

static void
on_writer_progress (UbSampleWriter *writer,
                    const char     *path,
                    WriterEvents   *events)
{
  /* Each image is reported once it is there, not only at the end. */
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  events->n_progress++;
}

static void
on_writer_done (UbSampleWriter *writer,
                WriterEvents   *events)
{
  events->n_done++;
}

static void
on_writer_failed (UbSampleWriter *writer,
                  const char     *message,
                  WriterEvents   *events)
{
  events->n_failed++;
}

static gboolean
writer_finished (gpointer user_data)
{
  WriterEvents *events = user_data;

  return events->n_done + events->n_failed > 0;
}

/* The sample writer writes only what is missing, says so image by image,
 * and ends once; a folder it cannot create is an error at the start. */
static void
test_sample_writer (void)
{
  g_autofree char *dir = g_build_filename (gallery_root, "writer", NULL);
  g_autofree char *blocker = g_build_filename (gallery_root, "writer-blocker", NULL);
  g_autofree char *blocked = g_build_filename (blocker, "inside", NULL);
  g_autoptr(UbSampleWriter) writer = NULL;
  g_autoptr(UbSampleWriter) failing = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) paths = NULL;
  g_autoptr(GError) error = NULL;
  WriterEvents events = { 0 };

  writer = ub_sample_writer_new (dir, 3, 48);
  kept = ub_sample_writer_dup_path (writer, 1);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (kept, "already here", -1, &error);
  g_assert_no_error (error);

  g_signal_connect (writer, "progress", G_CALLBACK (on_writer_progress), &events);
  g_signal_connect (writer, "done", G_CALLBACK (on_writer_done), &events);
  g_signal_connect (writer, "failed", G_CALLBACK (on_writer_failed), &events);
  g_assert_true (ub_sample_writer_start (writer, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ub_sample_writer_get_n_left (writer), ==, 2);

  g_assert_true (ub_test_gtk_run_until (writer_finished, &events, 60000));
  g_assert_cmpuint (events.n_failed, ==, 0);
  g_assert_cmpuint (events.n_done, ==, 1);
  g_assert_cmpuint (events.n_progress, ==, 2);
  g_assert_cmpuint (ub_sample_writer_get_n_left (writer), ==, 0);

  paths = ub_sample_writer_dup_paths (writer);
  g_assert_cmpuint (g_strv_length (paths), ==, 3);
  g_assert_cmpstr (paths[1], ==, kept);
  for (guint i = 0; i < 3; i++)
    g_assert_true (g_file_test (paths[i], G_FILE_TEST_IS_REGULAR));
  g_file_get_contents (kept, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==, "already here");

  /* Nothing missing: done at once, without a signal. */
  g_clear_object (&writer);
  writer = ub_sample_writer_new (dir, 3, 48);
  g_assert_true (ub_sample_writer_start (writer, NULL, &error));
  g_assert_cmpuint (ub_sample_writer_get_n_left (writer), ==, 0);

  g_file_set_contents (blocker, "a file, not a folder", -1, &error);
  g_assert_no_error (error);
  failing = ub_sample_writer_new (blocked, 2, 48);
  g_assert_false (ub_sample_writer_start (failing, NULL, &error));
  g_assert_nonnull (error);
  g_assert_cmpuint (ub_sample_writer_get_n_left (failing), ==, 0);
}

typedef struct
{
  UbImagesPage *page;
  guint         n_images;
  gboolean      saw_partial;   /* some shown while others were still written */
  gboolean      saw_bar;
} SamplesWatch;

static gboolean
samples_opened (gpointer user_data)
{
  SamplesWatch *watch = user_data;
  UbImagesPageStats stats;
  guint n_shown = g_list_model_get_n_items (ub_images_page_get_model (watch->page));

  ub_images_page_get_stats (watch->page, &stats);
  if (stats.n_generating > 0)
    {
      g_assert_cmpfloat (stats.samples_progress, >=, 0);
      g_assert_cmpfloat (stats.samples_progress, <, 1);
      g_assert_false (stats.empty_shown);
      watch->saw_bar = TRUE;
      /* Shown as written: exactly those not still to come. */
      g_assert_cmpuint (n_shown, ==, watch->n_images - stats.n_generating);
    }
  return stats.n_generating == 0 && n_shown == watch->n_images;
}

/* An image joined the gallery: were others still being written? */
static void
on_gallery_changed (GListModel   *model,
                    guint         position,
                    guint         removed,
                    guint         added,
                    SamplesWatch *watch)
{
  UbImagesPageStats stats;

  ub_images_page_get_stats (watch->page, &stats);
  if (added > 0 && stats.n_generating > 0)
    watch->saw_partial = TRUE;
}

static void
find_widgets (GtkWidget *widget,
              GType      type,
              GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (found, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    find_widgets (child, type, found);
}

static gboolean
all_finished (gpointer user_data)
{
  guint n = g_list_model_get_n_items (ub_images_page_get_model (user_data));

  return n > 0 && ub_test_gtk_count_images (user_data, UB_IMAGE_DONE) + ub_test_gtk_count_images (user_data, UB_IMAGE_ERROR) == n;
}

/* Before anything is open, the page says what to do, with the buttons. */
static void
test_empty_state (void)
{
  UbImagesPage *page;
  UbImagesPageStats stats;
  GtkWidget *status_page = NULL;
  g_autoptr(GPtrArray) found = g_ptr_array_new ();
  gboolean open_folder = FALSE, generate = FALSE;

  if (!ub_test_gtk_have_display ())
    return;

  page = show_images_page ();
  ub_images_page_get_stats (page, &stats);
  g_assert_true (stats.empty_shown);
  g_assert_cmpfloat (stats.samples_progress, <, 0);

  find_widgets (GTK_WIDGET (page), ADW_TYPE_STATUS_PAGE, found);
  g_assert_cmpuint (found->len, ==, 1);
  status_page = g_ptr_array_index (found, 0);
  g_assert_true (gtk_widget_get_mapped (status_page));
  g_assert_cmpstr (adw_status_page_get_description (ADW_STATUS_PAGE (status_page)), ==,
                   "Open a folder or generate samples");
  g_assert_nonnull (adw_status_page_get_icon_name (ADW_STATUS_PAGE (status_page)));

  g_ptr_array_set_size (found, 0);
  find_widgets (status_page, GTK_TYPE_BUTTON, found);
  for (guint i = 0; i < found->len; i++)
    {
      const char *action = gtk_actionable_get_action_name (g_ptr_array_index (found, i));

      open_folder |= g_strcmp0 (action, "images.open-folder") == 0;
      generate |= g_strcmp0 (action, "images.generate") == 0;
    }
  g_assert_true (open_folder);
  g_assert_true (generate);
}

/* Generating samples writes them in the page's workers, then opens them. */
static void
test_generate_samples (void)
{
  g_autofree char *dir = g_build_filename (gallery_root, "generated", NULL);
  UbImagesPage *page;
  UbImagesPageStats stats;

  if (!ub_test_gtk_have_display ())
    return;

  page = show_images_page ();
  ub_images_page_generate_samples (page, dir, 4, 64);
  ub_images_page_get_stats (page, &stats);
  g_assert_cmpuint (stats.n_generating, ==, 4);
  g_assert_true (ub_page_is_busy (UB_PAGE (page)));

  {
    SamplesWatch watch = { page, 4 };
    gulong handler = g_signal_connect (ub_images_page_get_model (page), "items-changed",
                                       G_CALLBACK (on_gallery_changed), &watch);

    g_assert_true (ub_test_gtk_run_until (samples_opened, &watch, 60000));
    g_signal_handler_disconnect (ub_images_page_get_model (page), handler);
    g_assert_true (watch.saw_bar);
    /* With four images written one by one, one was shown before the last. */
    g_assert_true (watch.saw_partial);
  }
  g_assert_null (ub_images_page_get_error (page));
  /* Added one by one, the tiles are bound (and queued) as they are laid out. */
  g_assert_true (ub_test_gtk_run_until (all_finished, page, 60000));
  g_assert_cmpuint (ub_test_gtk_count_images (page, UB_IMAGE_DONE), ==, 4);
  ub_images_page_get_stats (page, &stats);
  g_assert_cmpfloat (stats.samples_progress, <, 0);
}

static gboolean
one_sample_shown (gpointer user_data)
{
  return g_list_model_get_n_items (ub_images_page_get_model (user_data)) >= 1;
}

/* The stop button ends the writing at once; what was written stays shown. */
static void
test_stop_samples (void)
{
  g_autofree char *dir = g_build_filename (gallery_root, "stopped", NULL);
  UbImagesPage *page;
  UbImagesPageStats stats;
  guint n_shown;

  if (!ub_test_gtk_have_display ())
    return;

  page = show_images_page ();
  ub_images_page_generate_samples (page, dir, 24, 1024);
  g_assert_true (ub_test_gtk_run_until (one_sample_shown, page, 60000));
  ub_test_gtk_window_action ("cancel");
  ub_images_page_get_stats (page, &stats);
  g_assert_cmpuint (stats.n_generating, ==, 0);
  g_assert_cmpfloat (stats.samples_progress, <, 0);
  n_shown = g_list_model_get_n_items (ub_images_page_get_model (page));
  g_assert_cmpuint (n_shown, >=, 1);
  g_test_message ("stopped after %u of 24 samples", n_shown);
  if (n_shown == 24)
    return;

  /* Nothing more arrives. */
  ub_test_gtk_run_for_ms (300);
  g_assert_cmpuint (g_list_model_get_n_items (ub_images_page_get_model (page)), ==, n_shown);
  ub_images_page_get_stats (page, &stats);
  g_assert_false (stats.empty_shown);
}

static const UbTestCase cases[] = {
  { "/images-samples/empty-state", test_empty_state },
  { "/images-samples/sample-writer", test_sample_writer },
  { "/images-samples/generate-samples", test_generate_samples },
  { "/images-samples/stop-samples", test_stop_samples },
};

int
main (int    argc,
      char **argv)
{
  ub_test_gtk_init (&argc, &argv);
  ub_jobs_register_all ();

  UB_TEST_ADD_CASES (cases);
  return ub_test_gtk_run_in_scratch ("unblock-samples-XXXXXX", &gallery_root);
}
