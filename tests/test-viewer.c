/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "ub-image-viewer.h"
#include "ub-test-files.h"
#include "ub-test-gtk.h"

/*
 * The viewer on images too large to hold: a zlib bomb is shown at screen
 * size, with memory bounded by the screen rather than by its claim.
 */

#define BOMB_SIDE 16384

static void
put_be32 (guint8  *p,
          guint32  v)
{
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}

static void
write_chunk (FILE         *file,
             const char   *type,
             const guint8 *data,
             guint32       length)
{
  guint8 head[8];
  guint8 tail[4];
  uLong crc = crc32 (0, (const Bytef *) type, 4);

  put_be32 (head, length);
  memcpy (head + 4, type, 4);
  if (length > 0)
    crc = crc32 (crc, data, length);
  put_be32 (tail, crc);
  g_assert_cmpuint (fwrite (head, 1, 8, file), ==, 8);
  if (length > 0)
    g_assert_cmpuint (fwrite (data, 1, length, file), ==, length);
  g_assert_cmpuint (fwrite (tail, 1, 4, file), ==, 4);
}

/* A valid RGBA PNG of BOMB_SIDE² pixels (1 GiB decoded) in about 1 MB:
 * one coloured row, then rows that repeat it through the Up filter. */
static void
write_bomb (const char *path,
            gboolean    interlaced)
{
  static const guint8 signature[8] = { 137, 'P', 'N', 'G', '\r', '\n', 26, '\n' };
  gsize row_size = (gsize) BOMB_SIDE * 4 + 1;
  g_autofree guint8 *first = g_malloc (row_size);
  g_autofree guint8 *rest = g_malloc0 (row_size);
  g_autofree guint8 *out = g_malloc (1 << 20);
  guint8 ihdr[13];
  z_stream z = { 0 };
  FILE *file = fopen (path, "wb");

  g_assert_nonnull (file);
  g_assert_cmpuint (fwrite (signature, 1, 8, file), ==, 8);
  put_be32 (ihdr, BOMB_SIDE);
  put_be32 (ihdr + 4, BOMB_SIDE);
  ihdr[8] = 8;     /* bit depth */
  ihdr[9] = 6;     /* RGBA */
  ihdr[10] = 0;
  ihdr[11] = 0;
  ihdr[12] = interlaced;
  write_chunk (file, "IHDR", ihdr, sizeof ihdr);

  first[0] = 0;
  for (gsize x = 0; x < BOMB_SIDE; x++)
    memcpy (first + 1 + x * 4, (guint8[]) { 40, 120, 200, 255 }, 4);
  rest[0] = 2;

  g_assert_cmpint (deflateInit (&z, 9), ==, Z_OK);
  /* Interlaced, the header alone is enough: it is refused before any
   * row is read. */
  for (guint y = 0; y < (interlaced ? 1 : BOMB_SIDE); y++)
    {
      z.next_in = y == 0 ? first : rest;
      z.avail_in = row_size;
      while (z.avail_in > 0)
        {
          z.next_out = out;
          z.avail_out = 1 << 20;
          g_assert_cmpint (deflate (&z, Z_NO_FLUSH), ==, Z_OK);
          if (z.avail_out < 1 << 20)
            write_chunk (file, "IDAT", out, (1 << 20) - z.avail_out);
        }
    }
  for (int status = Z_OK; status != Z_STREAM_END;)
    {
      z.next_out = out;
      z.avail_out = 1 << 20;
      status = deflate (&z, Z_FINISH);
      g_assert_true (status == Z_OK || status == Z_STREAM_END);
      write_chunk (file, "IDAT", out, (1 << 20) - z.avail_out);
    }
  deflateEnd (&z);
  write_chunk (file, "IEND", NULL, 0);
  g_assert_cmpint (fclose (file), ==, 0);
}

/* Resets the process's peak resident size to the current one; FALSE
 * where the kernel cannot. */
static gboolean
reset_peak_rss (void)
{
  FILE *file = fopen ("/proc/self/clear_refs", "w");
  gboolean done;

  if (file == NULL)
    return FALSE;
  done = fputs ("5", file) >= 0;
  return fclose (file) == 0 && done;
}

static gsize
peak_rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, "VmHWM:")) == NULL)
    return 0;
  return g_ascii_strtoull (line + strlen ("VmHWM:"), NULL, 10);
}

static gboolean
viewer_settled (gpointer user_data)
{
  UbImageViewer *viewer = user_data;

  return ub_image_viewer_is_loaded (viewer) || ub_image_viewer_get_error (viewer) != NULL;
}

static void
test_bomb_at_screen_size (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GdkTexture) largest = NULL;
  g_autoptr(GdkTexture) smallest = NULL;
  g_autofree guint8 *pixels = NULL;
  UbImageCanvas *canvas;
  GStatBuf st;
  GtkWidget *viewer;
  gsize before, growth;
  double x, y;

  if (!ub_test_gtk_have_display ())
    return;

  dir = g_dir_make_tmp ("unblock-viewer-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "bomb.png", NULL);
  write_bomb (path, FALSE);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_test_message ("a %d² bomb in %" G_GINT64_FORMAT " bytes", BOMB_SIDE, (gint64) st.st_size);
  g_assert_cmpint (st.st_size, <, 4 << 20);

  if (!reset_peak_rss ())
    g_test_message ("the peak RSS cannot be reset here: growth counts from start-up");
  before = peak_rss_kib ();

  viewer = ub_image_viewer_new (path, FALSE);
  canvas = ub_image_viewer_get_canvas (UB_IMAGE_VIEWER (viewer));
  gtk_window_present (GTK_WINDOW (viewer));
  g_assert_true (ub_test_gtk_run_until (viewer_settled, viewer, 170000));
  g_assert_null (ub_image_viewer_get_error (UB_IMAGE_VIEWER (viewer)));
  ub_test_gtk_wait_painted (viewer, 2);

  /* Zoom counts the image's own pixels; the largest level is screen
   * sized, and its pixels are the bomb's colour (premultiplied BGRA). */
  largest = ub_image_canvas_dup_level (canvas, 0);
  g_assert_cmpint (gdk_texture_get_width (largest), <=, 4096);
  g_assert_cmpint (gdk_texture_get_width (largest), >=, 1024);
  gtk_widget_activate_action (viewer, "viewer.zoom-original", NULL);
  g_assert_cmpfloat (ub_image_viewer_get_zoom (UB_IMAGE_VIEWER (viewer)), ==, 1.0);
  ub_test_gtk_wait_painted (viewer, 1);
  ub_image_canvas_widget_to_image (canvas, gtk_widget_get_width (GTK_WIDGET (canvas)),
                                   gtk_widget_get_height (GTK_WIDGET (canvas)), &x, &y);
  g_assert_cmpfloat (x, <=, BOMB_SIDE);
  g_assert_cmpuint (ub_image_canvas_get_drawn_level (canvas), ==, 0);
  growth = peak_rss_kib () - before;
  g_test_message ("peak RSS grew by %" G_GSIZE_FORMAT " KiB; the full image is %d KiB", growth,
                  BOMB_SIDE / 1024 * BOMB_SIDE * 4);
  /* The full image is 1 GiB; the screen-sized level and its pyramid
   * about 85 MiB. */
  g_assert_cmpuint (growth, <, 300 * 1024);

  smallest = ub_image_canvas_dup_level (canvas, ub_image_canvas_get_n_levels (canvas) - 1);
  pixels = g_malloc ((gsize) gdk_texture_get_width (smallest) * gdk_texture_get_height (smallest) * 4);
  gdk_texture_download (smallest, pixels, (gsize) gdk_texture_get_width (smallest) * 4);
  g_assert_cmpuint (pixels[0], ==, 200);
  g_assert_cmpuint (pixels[1], ==, 120);
  g_assert_cmpuint (pixels[2], ==, 40);
  g_assert_cmpuint (pixels[3], ==, 255);

  gtk_window_destroy (GTK_WINDOW (viewer));
  ub_test_remove_tree (dir);
}

/* An interlaced image that large cannot be reduced as it streams in:
 * a clear error, at once, and nothing allocated for it. */
static void
test_interlaced_bomb_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  GtkWidget *viewer;

  if (!ub_test_gtk_have_display ())
    return;

  dir = g_dir_make_tmp ("unblock-viewer-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "interlaced.png", NULL);
  write_bomb (path, TRUE);

  viewer = ub_image_viewer_new (path, FALSE);
  gtk_window_present (GTK_WINDOW (viewer));
  g_assert_true (ub_test_gtk_run_until (viewer_settled, viewer, 30000));
  g_test_message ("%s", ub_image_viewer_get_error (UB_IMAGE_VIEWER (viewer)));
  g_assert_nonnull (strstr (ub_image_viewer_get_error (UB_IMAGE_VIEWER (viewer)), "interlaced"));

  gtk_window_destroy (GTK_WINDOW (viewer));
  ub_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  ub_test_gtk_init (&argc, &argv);

  g_test_summary ("The viewer shows images too large to hold at screen size");
  g_test_add_func ("/viewer/bomb-at-screen-size", test_bomb_at_screen_size);
  g_test_add_func ("/viewer/interlaced-bomb-refused", test_interlaced_bomb_refused);

  return g_test_run ();
}
