/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sys/stat.h>

#include <glib/gstdio.h>
#include <zlib.h>

#include "ub-image-tile.h"
#include "ub-folder-scan.h"
#include "ub-images-page.h"
#include "ub-jobs.h"
#include "ub-png-jobs.h"
#include "ub-png.h"
#include "ub-sample-writer.h"
#include "ub-test-cases.h"
#include "ub-test-files.h"
#include "ub-test-gtk.h"

static char *gallery_root;

static UbImagesPage *
show_images_page (void)
{
  return UB_IMAGES_PAGE (ub_test_gtk_show_page ("images"));
}

/* @n copies of one sample of @size² pixels in a folder of their own. */
static char *
make_gallery (const char *name,
              guint       n,
              guint       size)
{
  char *dir = g_build_filename (gallery_root, name, NULL);

  ub_test_gtk_make_gallery (dir, n, size);
  return dir;
}

typedef struct
{
  UbImagesPage *page;
  guint         n_items;
} Settle;

/* The folder is listed and every tile on screen is decoded or failed,
 * and nothing is decoding any more. */
static gboolean
gallery_settled (gpointer user_data)
{
  Settle *settle = user_data;
  GListModel *model = ub_images_page_get_model (settle->page);
  UbImagesPageStats stats;
  guint n_visible = 0;

  if (g_list_model_get_n_items (model) != settle->n_items)
    return FALSE;

  for (guint i = 0; i < settle->n_items; i++)
    {
      g_autoptr(UbImageItem) item = g_list_model_get_item (model, i);
      UbImageState state = ub_image_item_get_state (item);

      if (!ub_images_page_is_visible_item (settle->page, item))
        continue;
      n_visible++;
      if (state != UB_IMAGE_DONE && state != UB_IMAGE_ERROR)
        return FALSE;
    }

  ub_images_page_get_stats (settle->page, &stats);
  return n_visible > 0 && stats.thumbnails.n_in_flight == 0;
}

static void
wait_settled (UbImagesPage *page,
              guint         n_items)
{
  Settle settle = { page, n_items };

  g_assert_true (ub_test_gtk_run_until (gallery_settled, &settle, 120000));
}

static void
test_states_and_errors (void)
{
  UbImagesPage *page;
  g_autofree char *dir = NULL;
  g_autofree char *truncated = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *model;
  gsize length;
  /* A valid signature and IHDR claiming 100000 × 100000, CRC included. */
  static const guint8 huge[] = {
    0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
    0, 0, 0, 13, 'I', 'H', 'D', 'R',
    0x00, 0x01, 0x86, 0xa0, 0x00, 0x01, 0x86, 0xa0, 8, 6, 0, 0, 0,
    0x00, 0x00, 0x00, 0x00,
  };
  guint8 huge_png[sizeof huge];

  if (!ub_test_gtk_have_display ())
    return;

  dir = make_gallery ("states", 5, 300);

  /* Broken files beside them: random bytes, a cut file, a hostile header. */
  path = g_build_filename (dir, "broken.png", NULL);
  g_file_set_contents (path, "this is not a PNG at all", -1, &error);
  g_assert_no_error (error);
  g_clear_pointer (&path, g_free);

  path = g_build_filename (dir, "img-000.png", NULL);
  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  truncated = g_build_filename (dir, "truncated.png", NULL);
  g_file_set_contents (truncated, contents, length / 2, &error);
  g_assert_no_error (error);
  g_clear_pointer (&path, g_free);

  memcpy (huge_png, huge, sizeof huge);
  {
    guint32 crc = (guint32) crc32 (0, huge_png + 12, 17);

    huge_png[29] = crc >> 24;
    huge_png[30] = crc >> 16;
    huge_png[31] = crc >> 8;
    huge_png[32] = crc;
  }
  path = g_build_filename (dir, "huge.png", NULL);
  g_file_set_contents (path, (const char *) huge_png, sizeof huge_png, &error);
  g_assert_no_error (error);

  page = show_images_page ();
  ub_images_page_open_folder (page, dir);
  wait_settled (page, 8);

  g_assert_cmpuint (ub_test_gtk_count_images (page, UB_IMAGE_DONE), ==, 5);
  g_assert_cmpuint (ub_test_gtk_count_images (page, UB_IMAGE_ERROR), ==, 3);

  model = ub_images_page_get_model (page);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(UbImageItem) item = g_list_model_get_item (model, i);
      g_autofree char *status = ub_image_item_dup_status (item);

      g_test_message ("%s: %s", ub_image_item_get_name (item), status);
      if (ub_image_item_get_state (item) == UB_IMAGE_DONE)
        {
          GdkTexture *thumbnail = ub_image_item_get_thumbnail (item);
          int scale = gtk_widget_get_scale_factor (GTK_WIDGET (page));
          guint width, height;

          g_assert_nonnull (thumbnail);
          /* Made at the size the tile draws it, in device pixels */
          g_assert_cmpint (gdk_texture_get_width (thumbnail), ==, UB_IMAGE_TILE_ART_SIZE * scale);
          g_assert_cmpint (gdk_texture_get_height (thumbnail), ==, UB_IMAGE_TILE_ART_SIZE * scale);
          ub_image_item_get_size (item, &width, &height);
          g_assert_cmpuint (width, ==, 300);
          g_assert_cmpuint (height, ==, 300);
        }
      else
        {
          g_assert_nonnull (ub_image_item_get_error (item));
          g_assert_true (g_str_has_prefix (status, "Error: "));
          g_assert_null (ub_image_item_get_thumbnail (item));
        }
    }
}

static void
on_item_state (UbImageItem *item,
               GParamSpec  *pspec,
               GPtrArray   *started)
{
  if (ub_image_item_get_state (item) == UB_IMAGE_DECODING && !g_ptr_array_find (started, item, NULL))
    g_ptr_array_add (started, item);
}

static gboolean
model_filled (gpointer user_data)
{
  return g_list_model_get_n_items (ub_images_page_get_model (user_data)) > 0;
}

static void
test_visible_first (void)
{
  UbImagesPage *page;
  g_autofree char *dir = NULL;
  g_autoptr(GPtrArray) started = g_ptr_array_new ();
  GListModel *model;
  guint n_visible = 0;

  if (!ub_test_gtk_have_display ())
    return;

  dir = make_gallery ("order", 60, 512);
  page = show_images_page ();
  ub_images_page_open_folder (page, dir);
  g_assert_true (ub_test_gtk_run_until (model_filled, page, 10000));

  model = ub_images_page_get_model (page);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(UbImageItem) item = g_list_model_get_item (model, i);

      g_signal_connect (item, "notify::state", G_CALLBACK (on_item_state), started);
    }

  wait_settled (page, 60);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(UbImageItem) item = g_list_model_get_item (model, i);

      n_visible += ub_images_page_is_visible_item (page, item);
      g_signal_handlers_disconnect_by_data (item, started);
    }

  g_test_message ("%u tiles on screen, %u decodes started", n_visible, started->len);
  g_assert_cmpuint (n_visible, >, 0);
  g_assert_cmpuint (n_visible, <, 60);
  g_assert_cmpuint (started->len, >=, n_visible);

  /* The first decodes were all for tiles on screen. */
  for (guint i = 0; i < n_visible; i++)
    g_assert_true (ub_images_page_is_visible_item (page, started->pdata[i]));
}

static gboolean
decoding (gpointer user_data)
{
  UbImagesPageStats stats;

  ub_images_page_get_stats (user_data, &stats);
  return stats.thumbnails.n_in_flight > 0;
}

static void
scroll_to_end (UbImagesPage *page)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (ub_images_page_get_scroller (page));

  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) -
                                        gtk_adjustment_get_page_size (adjustment));
  /* Tiles move at the next layout. */
  ub_test_gtk_wait_painted (GTK_WIDGET (page), 2);
}

static void
scroll_to_top (UbImagesPage *page)
{
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (ub_images_page_get_scroller (page)), 0);
  ub_test_gtk_wait_painted (GTK_WIDGET (page), 2);
}

static void
test_scroll_cancels_and_cache_evicts (void)
{
  UbImagesPage *page;
  g_autofree char *dir = NULL;
  UbImagesPageStats stats;

  if (!ub_test_gtk_have_display ())
    return;

  dir = make_gallery ("scroll", 60, 1024);
  page = show_images_page ();
  ub_images_page_set_cache_size (page, 12);
  ub_images_page_open_folder (page, dir);
  g_assert_true (ub_test_gtk_run_until (decoding, page, 30000));

  /* Far away while the top row decodes: those decodes are abandoned. */
  scroll_to_end (page);
  wait_settled (page, 60);

  ub_images_page_get_stats (page, &stats);
  g_test_message ("decoded %u, cancelled %u, evicted %u, cached %u, bound %u",
                  stats.thumbnails.n_decoded, stats.thumbnails.n_cancelled, stats.thumbnails.n_evicted, stats.thumbnails.n_cached,
                  stats.thumbnails.n_visible);
  g_assert_cmpuint (stats.thumbnails.n_cancelled, >, 0);

  /* Back to the top: those come back into view and are decoded again
   * once the cache has made room for them. */
  scroll_to_top (page);
  wait_settled (page, 60);
  scroll_to_end (page);
  wait_settled (page, 60);

  ub_images_page_get_stats (page, &stats);
  g_test_message ("decoded %u, cancelled %u, evicted %u, cached %u",
                  stats.thumbnails.n_decoded, stats.thumbnails.n_cancelled, stats.thumbnails.n_evicted, stats.thumbnails.n_cached);
  g_assert_cmpuint (stats.thumbnails.n_evicted, >, 0);
  g_assert_cmpuint (stats.thumbnails.n_cached, <=, MAX (12, stats.thumbnails.n_visible));
  ub_images_page_set_cache_size (page, 240);
}

static void
test_blocking_mode (void)
{
  UbImagesPage *page;
  g_autofree char *dir = NULL;

  if (!ub_test_gtk_have_display ())
    return;

  dir = make_gallery ("blocking", 8, 300);
  page = show_images_page ();
  g_action_group_change_action_state (G_ACTION_GROUP (ub_test_gtk_get_app ()), "blocking",
                                      g_variant_new_boolean (TRUE));
  ub_images_page_open_folder (page, dir);
  wait_settled (page, 8);
  g_action_group_change_action_state (G_ACTION_GROUP (ub_test_gtk_get_app ()), "blocking",
                                      g_variant_new_boolean (FALSE));

  g_assert_cmpuint (ub_test_gtk_count_images (page, UB_IMAGE_DONE), ==, 8);
}

/* A tile shows its item and follows it, and only it, until it gets
 * another. */
static void
test_tile_follows_item (void)
{
  g_autoptr(UbImageItem) first = ub_image_item_new ("/nowhere/first.png");
  g_autoptr(UbImageItem) second = ub_image_item_new ("/nowhere/second.png");
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GBytes) pixels = NULL;
  GtkWidget *tile;
  GtkStack *art;
  GtkWidget *picture;
  GtkWidget *error_box;
  GtkLabel *error_text;
  GtkLabel *name;
  GtkLabel *status;
  guint8 rgba[4] = { 255, 0, 0, 255 };
  const char *long_error = "Not a PNG file: the signature is wrong, and every byte after it "
                           "was read in vain; this message goes on for a while";

  if (!ub_test_gtk_have_display ())
    return;

  tile = g_object_ref_sink (ub_image_tile_new ());
  art = GTK_STACK (gtk_widget_get_first_child (tile));
  picture = gtk_stack_get_child_by_name (art, "picture");
  error_box = gtk_stack_get_child_by_name (art, "error");
  error_text = GTK_LABEL (gtk_widget_get_last_child (error_box));
  name = GTK_LABEL (gtk_widget_get_next_sibling (GTK_WIDGET (art)));
  status = GTK_LABEL (gtk_widget_get_next_sibling (GTK_WIDGET (name)));

  ub_image_tile_set_item (UB_IMAGE_TILE (tile), first);
  g_assert_true (ub_image_tile_get_item (UB_IMAGE_TILE (tile)) == first);
  g_assert_cmpstr (gtk_label_get_text (name), ==, "first.png");
  g_assert_cmpstr (gtk_label_get_text (status), ==, "Queued");
  g_assert_null (ub_image_tile_get_thumbnail (UB_IMAGE_TILE (tile)));

  pixels = g_bytes_new (rgba, sizeof rgba);
  texture = gdk_memory_texture_new (1, 1, GDK_MEMORY_R8G8B8A8, pixels, 4);
  ub_image_item_set_thumbnail (first, texture, 640, 480);
  g_assert_true (ub_image_tile_get_thumbnail (UB_IMAGE_TILE (tile)) == texture);
  g_assert_cmpstr (gtk_label_get_text (status), ==, "640 × 480");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (tile), ==, "640 × 480");

  g_assert_true (gtk_stack_get_visible_child (art) == picture);

  /* A failure: an icon and the start of the message where the thumbnail
   * was, the whole message in the tooltip. */
  ub_image_item_set_error (first, long_error);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (status), "error"));
  g_assert_true (gtk_stack_get_visible_child (art) == error_box);
  g_assert_true (GTK_IS_IMAGE (gtk_widget_get_first_child (error_box)));
  g_assert_cmpstr (gtk_label_get_text (error_text), ==, long_error);
  g_assert_cmpint (gtk_label_get_ellipsize (error_text), ==, PANGO_ELLIPSIZE_END);
  g_assert_cmpint (gtk_label_get_lines (error_text), >, 0);
  g_assert_cmpstr (gtk_label_get_text (status), ==, "Could not be shown");
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (tile), long_error));
  {
    int min_width, min_height;

    /* The message never widens the tile: it is cut, not the tile grown. */
    gtk_widget_measure (tile, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
    gtk_widget_measure (tile, GTK_ORIENTATION_VERTICAL, min_width, &min_height, NULL, NULL, NULL);
    g_assert_cmpint (min_width, <=, 200);
    g_assert_cmpint (min_height, <=, 260);
  }

  /* Reused for another item: the error style goes, the old item is no
   * longer followed. */
  ub_image_tile_set_item (UB_IMAGE_TILE (tile), second);
  g_assert_cmpstr (gtk_label_get_text (name), ==, "second.png");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (status), "error"));
  g_assert_true (gtk_stack_get_visible_child (art) == picture);
  ub_image_item_set_decoding (first);
  g_assert_cmpstr (gtk_label_get_text (status), ==, "Queued");
  ub_image_item_set_decoding (second);
  g_assert_cmpstr (gtk_label_get_text (status), ==, "Decoding…");

  ub_image_tile_set_item (UB_IMAGE_TILE (tile), NULL);
  g_assert_cmpstr (gtk_label_get_text (name), ==, "");
  g_assert_null (gtk_widget_get_tooltip_text (tile));
  ub_image_item_set_queued (second);
  g_assert_cmpstr (gtk_label_get_text (status), ==, "");

  g_object_unref (tile);
}

static void
on_scanned (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GPtrArray **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = ub_folder_scan_pngs_finish (result, &error);
  g_assert_no_error (error);
}

static gboolean
pointer_set (gpointer user_data)
{
  return *(gpointer *) user_data != NULL;
}

/* The listing keeps regular PNG files only, in the order a file manager
 * shows them (img-9 before img-10), and never opens what it lists. */
static void
test_folder_scan (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "scan-test", NULL);
  const char *names[] = { "img-10.png", "img-9.png", "IMG-1.PNG", "notes.txt" };
  g_autoptr(GPtrArray) paths = NULL;
  g_autofree char *fifo = g_build_filename (dir, "pipe.png", NULL);
  g_autofree char *sub = g_build_filename (dir, "folder.png", NULL);

  g_assert_cmpint (g_mkdir_with_parents (sub, 0755), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);

      g_assert_true (g_file_set_contents (path, "x", 1, NULL));
    }
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);

  ub_folder_scan_pngs_async (dir, NULL, NULL, on_scanned, &paths);
  g_assert_true (ub_test_gtk_run_until (pointer_set, &paths, 10000));

  g_assert_cmpuint (paths->len, ==, 3);
  g_assert_true (g_str_has_suffix (paths->pdata[0], "/IMG-1.PNG"));
  g_assert_true (g_str_has_suffix (paths->pdata[1], "/img-9.png"));
  g_assert_true (g_str_has_suffix (paths->pdata[2], "/img-10.png"));
}

static gboolean
error_shown (gpointer user_data)
{
  return ub_images_page_get_error (user_data) != NULL;
}

static void
test_drop_files (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *one = NULL;
  g_autofree char *text = NULL;
  UbImagesPage *page;

  g_test_summary ("A folder dropped on the page opens as the gallery, PNG files dropped (as a "
                  "list or one file) open as they are, and anything else is refused with a "
                  "message; whether one dropped item is a folder is asked of the file system "
                  "off the main thread, so the drop handler itself opens nothing");

  if (!ub_test_gtk_have_display ())
    return;

  dir = make_gallery ("dropped", 3, 64);
  one = g_build_filename (dir, "img-001.png", NULL);
  text = g_build_filename (gallery_root, "notes.txt", NULL);
  g_assert_true (g_file_set_contents (text, "not an image", -1, NULL));
  page = show_images_page ();

  {
    const char *paths[] = { one, NULL };

    g_assert_true (g_file_test (one, G_FILE_TEST_IS_REGULAR));
    g_assert_true (ub_test_gtk_drop_files (GTK_WIDGET (page), paths, FALSE));
    wait_settled (page, 1);
  }
  {
    const char *paths[] = { dir, NULL };

    g_assert_true (ub_test_gtk_drop_files (GTK_WIDGET (page), paths, TRUE));
    /* The handler only asked: what was open is still shown until the
     * answer comes back, in a later main-loop iteration. */
    g_assert_cmpuint (g_list_model_get_n_items (ub_images_page_get_model (page)), ==, 1);
    wait_settled (page, 3);
  }
  {
    const char *paths[] = { text, NULL };

    g_assert_true (ub_test_gtk_drop_files (GTK_WIDGET (page), paths, TRUE));
    g_assert_true (ub_test_gtk_run_until (error_shown, page, 10000));
    g_assert_cmpstr (ub_images_page_get_error (page), ==, "Nothing to show: drop PNG images or a folder.");
    /* What was open stays open. */
    g_assert_cmpuint (g_list_model_get_n_items (ub_images_page_get_model (page)), ==, 3);
  }
  {
    const char *paths[] = { one, text, NULL };

    /* Several items are told apart by name, at once. */
    g_assert_true (ub_test_gtk_drop_files (GTK_WIDGET (page), paths, TRUE));
    wait_settled (page, 1);
  }
  g_unlink (text);
}

/* A FIFO named like a PNG, in the gallery folder and dropped on its own:
 * never a tile that stays "Decoding…" (this test times out if it does). */
static void
test_fifo_in_gallery (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *fifo = NULL;
  UbImagesPage *page;

  g_test_summary ("A FIFO named *.png in a gallery folder is skipped at once, and dropped "
                  "on its own it is an error at once: nothing waits on it");

  if (!ub_test_gtk_have_display ())
    return;

  dir = make_gallery ("fifo", 2, 64);
  fifo = g_build_filename (dir, "pipe.png", NULL);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);

  page = show_images_page ();
  ub_images_page_open_folder (page, dir);
  wait_settled (page, 2);
  g_assert_cmpuint (ub_test_gtk_count_images (page, UB_IMAGE_DONE), ==, 2);

  {
    const char *paths[] = { fifo, NULL };

    if (ub_test_gtk_drop_files (GTK_WIDGET (page), paths, FALSE))
      {
        /* Taken as a file: its tile fails at once, saying why. */
        wait_settled (page, 1);
        g_assert_cmpuint (ub_test_gtk_count_images (page, UB_IMAGE_ERROR), ==, 1);
        g_test_message ("dropped, it is a tile in error");
      }
    else
      {
        g_assert_nonnull (ub_images_page_get_error (page));
        g_test_message ("dropped, it is refused: %s", ub_images_page_get_error (page));
      }
  }
  g_unlink (fifo);
}

static const UbTestCase cases[] = {
  { "/images-page/tile-follows-item", test_tile_follows_item },
  { "/images-page/folder-scan", test_folder_scan },
  { "/images-page/states-and-errors", test_states_and_errors },
  { "/images-page/visible-first", test_visible_first },
  { "/images-page/scroll-cancels-and-cache-evicts", test_scroll_cancels_and_cache_evicts },
  { "/images-page/blocking-mode", test_blocking_mode },
  { "/images-page/drop-files", test_drop_files },
  { "/images-page/fifo-in-gallery", test_fifo_in_gallery },
};

int
main (int    argc,
      char **argv)
{
  ub_test_gtk_init (&argc, &argv);
  ub_jobs_register_all ();

  g_test_summary ("The Images page: tile states, visible-first decoding, cancel on scroll, "
                  "the thumbnail cache, blocking mode, folders and dropped files (the "
                  "viewer: test-image-viewer; sample images: test-images-samples)");

  UB_TEST_ADD_CASES (cases);
  return ub_test_gtk_run_in_scratch ("unblock-gallery-XXXXXX", &gallery_root);
}
