/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "ub-image-chunks.h"
#include "ub-image-viewer.h"
#include "ub-jobs.h"
#include "ub-png-scaler.h"
#include "ub-png.h"
#include "ub-test-files.h"
#include "ub-test-gtk.h"

/* The image viewer: loading, errors, its mipmap levels, zoom about the
 * pointer, and walking a list of images. */

static char *gallery_root;

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

static gboolean
viewer_settled (gpointer user_data)
{
  UbImageViewer *viewer = user_data;

  return ub_image_viewer_is_loaded (viewer) || ub_image_viewer_get_error (viewer) != NULL;
}

static void
test_viewer (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *broken = NULL;
  GtkWidget *viewer;
  double zoom;

  if (!ub_test_gtk_have_display ())
    return;

  dir = make_gallery ("viewer", 1, 640);
  path = g_build_filename (dir, "img-000.png", NULL);

  viewer = ub_image_viewer_new (path, FALSE);
  gtk_window_present (GTK_WINDOW (viewer));
  g_assert_true (ub_test_gtk_run_until (viewer_settled, viewer, 30000));
  g_assert_null (ub_image_viewer_get_error (UB_IMAGE_VIEWER (viewer)));
  ub_test_gtk_wait_painted (viewer, 2);

  zoom = ub_image_viewer_get_zoom (UB_IMAGE_VIEWER (viewer));
  gtk_widget_activate_action (viewer, "viewer.zoom-in", NULL);
  g_assert_cmpfloat (ub_image_viewer_get_zoom (UB_IMAGE_VIEWER (viewer)), >, zoom);
  gtk_widget_activate_action (viewer, "viewer.zoom-original", NULL);
  g_assert_cmpfloat (ub_image_viewer_get_zoom (UB_IMAGE_VIEWER (viewer)), ==, 1.0);
  gtk_window_destroy (GTK_WINDOW (viewer));

  broken = g_build_filename (dir, "broken.png", NULL);
  g_file_set_contents (broken, "\x89PNG\r\n\x1a\nnot really", -1, NULL);
  viewer = ub_image_viewer_new (broken, FALSE);
  gtk_window_present (GTK_WINDOW (viewer));
  g_assert_true (ub_test_gtk_run_until (viewer_settled, viewer, 30000));
  g_test_message ("broken: %s", ub_image_viewer_get_error (UB_IMAGE_VIEWER (viewer)));
  g_assert_nonnull (ub_image_viewer_get_error (UB_IMAGE_VIEWER (viewer)));
  gtk_window_destroy (GTK_WINDOW (viewer));
}

/* The largest difference between a level's texture and straight RGBA
 * pixels, premultiplied here the way cairo lays them out. */
static guint
level_difference (GdkTexture       *texture,
                  const UbPngImage *expected)
{
  guint width = gdk_texture_get_width (texture);
  guint height = gdk_texture_get_height (texture);
  g_autofree guint8 *got = g_malloc ((gsize) width * height * 4);
  guint max_diff = 0;

  g_assert_cmpuint (width, ==, expected->width);
  g_assert_cmpuint (height, ==, expected->height);
  gdk_texture_download (texture, got, (gsize) width * 4);
  for (gsize i = 0; i < (gsize) width * height; i++)
    {
      const guint8 *e = expected->pixels + 4 * i;
      guint a = e[3];
      guint32 word = ((guint32) a << 24) | (((e[0] * a + 127) / 255) << 16) |
                     (((e[1] * a + 127) / 255) << 8) | ((e[2] * a + 127) / 255);
      guint32 got_word;

      memcpy (&got_word, got + 4 * i, 4);
      for (guint c = 0; c < 4; c++)
        max_diff = MAX (max_diff, (guint) ABS ((int) ((word >> (8 * c)) & 0xff) -
                                               (int) ((got_word >> (8 * c)) & 0xff)));
    }
  return max_diff;
}

static UbPngImage *
box_scale (const UbPngImage *src,
           guint32           width,
           guint32           height)
{
  return ub_png_scale_image (src, width, height, NULL);
}

/* Each level is the box-scaled half of the one above, exactly; where the
 * halvings are exact it is also within rounding of a box scale straight
 * from the decoded image. */
static void
check_levels (UbImageCanvas *canvas,
              const char    *path)
{
  g_autoptr(UbPngImage) image = NULL;
  g_autoptr(UbPngImage) above = NULL;
  g_autoptr(GError) error = NULL;
  UbPngLimits limits;

  ub_png_limits_init_default (&limits);
  image = ub_png_decode_file (path, &limits, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ub_image_canvas_get_n_levels (canvas), >=, 3);

  for (guint k = 0; k < ub_image_canvas_get_n_levels (canvas); k++)
    {
      g_autoptr(GdkTexture) texture = ub_image_canvas_dup_level (canvas, k);
      guint32 width = k == 0 ? image->width : (above->width + 1) / 2;
      guint32 height = k == 0 ? image->height : (above->height + 1) / 2;
      g_autoptr(UbPngImage) chained = k == 0 ? box_scale (image, width, height)
                                             : box_scale (above, width, height);
      guint chained_diff = level_difference (texture, chained);

      g_test_message ("level %u: %u × %u, off by %u", k, width, height, chained_diff);
      g_assert_cmpuint (chained_diff, ==, 0);
      if (width << k == image->width && height << k == image->height)
        {
          g_autoptr(UbPngImage) direct = box_scale (image, width, height);

          g_assert_cmpuint (level_difference (texture, direct), <=, k + 1);
        }
      g_clear_pointer (&above, ub_png_image_free);
      above = g_steal_pointer (&chained);
    }
}

static gboolean
viewer_shows (gpointer user_data)
{
  UbImageViewer *viewer = user_data;
  const char *want = g_object_get_data (G_OBJECT (viewer), "want");

  return ub_image_viewer_is_loaded (viewer) && g_str_equal (ub_image_viewer_get_path (viewer), want);
}

/* Levels are right, zoom keeps the pixel under the pointer, next and
 * previous walk the list. */
static void
test_viewer_levels_zoom_walk (void)
{
  g_autofree char *dir = NULL;
  g_auto(GStrv) paths = g_new0 (char *, 4);
  UbImageViewer *viewer;
  UbImageCanvas *canvas;
  double before_x, before_y, after_x, after_y, zoom;

  if (!ub_test_gtk_have_display ())
    return;

  dir = make_gallery ("walk", 3, 700);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("img-%03u.png", i);

      paths[i] = g_build_filename (dir, name, NULL);
    }

  viewer = UB_IMAGE_VIEWER (ub_image_viewer_new_for_list ((const char * const *) paths, 1, FALSE));
  canvas = ub_image_viewer_get_canvas (viewer);
  gtk_window_present (GTK_WINDOW (viewer));
  g_object_set_data (G_OBJECT (viewer), "want", paths[1]);
  g_assert_true (ub_test_gtk_run_until (viewer_shows, viewer, 30000));
  ub_test_gtk_wait_painted (GTK_WIDGET (viewer), 2);
  check_levels (canvas, paths[1]);

  /* Zoom in and out at a point off centre, far enough from the edges for
   * the image to keep it where it is. */
  zoom = ub_image_canvas_get_zoom (canvas);
  for (guint i = 0; i < 4; i++)
    {
      double factor = i < 3 ? 1.7 : 0.6;

      ub_image_canvas_widget_to_image (canvas, 400, 280, &before_x, &before_y);
      ub_image_canvas_zoom_at (canvas, ub_image_canvas_get_zoom (canvas) * factor, 400, 280);
      ub_test_gtk_wait_painted (GTK_WIDGET (viewer), 1);
      ub_image_canvas_widget_to_image (canvas, 400, 280, &after_x, &after_y);
      g_test_message ("zoom %.2f: (%.1f, %.1f) → (%.1f, %.1f), level %u, %u tiles",
                      ub_image_canvas_get_zoom (canvas), before_x, before_y, after_x, after_y,
                      ub_image_canvas_get_drawn_level (canvas),
                      ub_image_canvas_get_n_drawn_tiles (canvas));
      g_assert_cmpfloat (fabs (after_x - before_x) * ub_image_canvas_get_zoom (canvas), <=, 1.0);
      g_assert_cmpfloat (fabs (after_y - before_y) * ub_image_canvas_get_zoom (canvas), <=, 1.0);
    }
  g_assert_cmpfloat (ub_image_canvas_get_zoom (canvas), >, zoom);
  /* Zoomed in: the full level, and only part of it drawn. */
  g_assert_cmpuint (ub_image_canvas_get_drawn_level (canvas), ==, 0);
  g_assert_cmpuint (ub_image_canvas_get_n_drawn_tiles (canvas), <, ub_image_canvas_get_n_tiles (canvas, 0));

  /* The cairo renderer's frames draw the zoomed level from chunks scaled
   * once: a frame that does not move scales none, a small pan only those
   * that came into view. */
  if (GSK_IS_CAIRO_RENDERER (gtk_native_get_renderer (GTK_NATIVE (viewer))))
    {
      GtkAdjustment *hadjustment = gtk_scrolled_window_get_hadjustment (ub_image_viewer_get_scroller (viewer));
      guint n_scaled = ub_image_canvas_get_n_scaled_chunks (canvas);
      guint most_new = (gtk_widget_get_height (GTK_WIDGET (canvas)) + UB_IMAGE_CHUNKS_SIZE - 1) / UB_IMAGE_CHUNKS_SIZE + 1;

      g_assert_cmpuint (n_scaled, >, 0);
      gtk_widget_queue_draw (GTK_WIDGET (canvas));
      ub_test_gtk_wait_painted (GTK_WIDGET (viewer), 1);
      g_assert_cmpuint (ub_image_canvas_get_n_scaled_chunks (canvas), ==, n_scaled);

      gtk_adjustment_set_value (hadjustment, gtk_adjustment_get_value (hadjustment) + 40);
      ub_test_gtk_wait_painted (GTK_WIDGET (viewer), 1);
      g_test_message ("%u chunks scaled, then %u after a pan", n_scaled,
                      ub_image_canvas_get_n_scaled_chunks (canvas));
      g_assert_cmpuint (ub_image_canvas_get_n_scaled_chunks (canvas), >=, n_scaled);
      g_assert_cmpuint (ub_image_canvas_get_n_scaled_chunks (canvas), <=, n_scaled + most_new);
    }

  gtk_widget_activate_action (GTK_WIDGET (viewer), "viewer.next", NULL);
  g_object_set_data (G_OBJECT (viewer), "want", paths[2]);
  g_assert_true (ub_test_gtk_run_until (viewer_shows, viewer, 30000));
  g_assert_true (ub_image_canvas_get_fit (canvas));
  gtk_widget_activate_action (GTK_WIDGET (viewer), "viewer.previous", NULL);
  gtk_widget_activate_action (GTK_WIDGET (viewer), "viewer.previous", NULL);
  g_object_set_data (G_OBJECT (viewer), "want", paths[0]);
  g_assert_true (ub_test_gtk_run_until (viewer_shows, viewer, 30000));

  gtk_window_destroy (GTK_WINDOW (viewer));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  ub_test_gtk_init (&argc, &argv);
  ub_jobs_register_all ();
  gallery_root = g_dir_make_tmp ("unblock-viewer-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/images-page/viewer", test_viewer);
  g_test_add_func ("/images-page/viewer-levels-zoom-walk", test_viewer_levels_zoom_walk);

  status = g_test_run ();
  ub_test_remove_tree (gallery_root);
  g_free (gallery_root);
  return status;
}
