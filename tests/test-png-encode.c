/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "ub-error.h"
#include "ub-png.h"
#include "ub-png-encode.h"
#include "ub-png-sample.h"
#include "ub-test-files.h"
#include "ub-test-png.h"

/* ---- encoder ------------------------------------------------------------ */

static void
test_round_trip (void)
{
  const guint32 w = 53, h = 37;
  g_autofree guint8 *pixels = ub_test_random_rgba (w, h, 13);
  g_autofree guint8 *rgb = g_malloc (w * h * 3);
  g_autofree char *dir = g_dir_make_tmp ("ub-png-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "out.png", NULL);
  UbPngFormat formats[] = { UB_PNG_FORMAT_RGBA8, UB_PNG_FORMAT_RGB8, UB_PNG_FORMAT_RGBX8 };

  for (gsize i = 0; i < (gsize) w * h; i++)
    memcpy (rgb + 3 * i, pixels + 4 * i, 3);

  for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
    for (int filter = UB_PNG_FILTER_NONE; filter <= UB_PNG_FILTER_ADAPTIVE; filter++)
      for (int level = 0; level <= 9; level += 3)
        {
          UbPngEncodeOptions options = { level, filter };
          UbPngFormat format = formats[f];
          const guint8 *src = format == UB_PNG_FORMAT_RGB8 ? rgb : pixels;
          gsize stride = format == UB_PNG_FORMAT_RGB8 ? w * 3 : w * 4;
          g_autoptr(GError) error = NULL;
          g_autoptr(GBytes) bytes = NULL;
          g_autoptr(UbPngImage) image = NULL;
          g_autoptr(UbPngImage) from_file = NULL;
          UbPngInfo info;
          gsize size;
          const guint8 *data;

          bytes = ub_png_encode_bytes (src, w, h, stride, format, &options, NULL, &error);
          g_assert_no_error (error);
          data = g_bytes_get_data (bytes, &size);

          g_assert_true (ub_png_read_info_data (data, size, &info, &error));
          g_assert_cmpuint (info.color_type, ==, format == UB_PNG_FORMAT_RGBA8 ? 6 : 2);
          g_assert_cmpuint (info.bit_depth, ==, 8);
          g_assert_cmpint (info.has_alpha, ==, format == UB_PNG_FORMAT_RGBA8);

          image = ub_png_decode_data (data, size, NULL, NULL, NULL, &error);
          g_assert_no_error (error);
          for (gsize i = 0; i < (gsize) w * h; i++)
            {
              g_assert_cmpmem (image->pixels + 4 * i, 3, src + (stride / w) * i, 3);
              g_assert_cmpuint (image->pixels[4 * i + 3], ==,
                                format == UB_PNG_FORMAT_RGBA8 ? pixels[4 * i + 3] : 255);
            }

          /* The file path gives the very same bytes. */
          g_assert_true (ub_png_encode_file (path, src, w, h, stride, format,
                                             &options, NULL, &error));
          g_assert_no_error (error);
          from_file = ub_png_decode_file (path, NULL, NULL, NULL, NULL, NULL, &error);
          g_assert_no_error (error);
          g_assert_cmpmem (from_file->pixels, from_file->size, image->pixels, image->size);
        }

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_encode_atomic (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ub-png-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "out.png", NULL);
  g_autofree char *bad = g_build_filename (dir, "no", "such", "dir.png", NULL);
  g_autofree guint8 *pixels = ub_test_random_rgba (16, 16, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  UbPngWriter *writer;

  /* An unfinished writer leaves nothing, and does not touch the target. */
  g_assert_true (g_file_set_contents (path, "old", -1, NULL));
  writer = ub_png_writer_new_file (path, 16, 16, UB_PNG_FORMAT_RGBA8, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ub_png_writer_write_rows (writer, pixels, 8, 64, &error));
  /* An unnamed file (O_TMPFILE) or a hidden one, never the target. */
  g_assert_cmpuint (ub_test_count_entries (dir), <=, 2);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "old");
  g_clear_pointer (&contents, g_free);
  /* Finishing early is an error. */
  g_assert_false (ub_png_writer_finish (writer, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_FAILED);
  g_clear_error (&error);
  ub_png_writer_free (writer);
  g_assert_cmpuint (ub_test_count_entries (dir), ==, 1);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "old");

  /* Finishing replaces it. */
  g_assert_true (ub_png_encode_file (path, pixels, 16, 16, 64, UB_PNG_FORMAT_RGBA8,
                                     NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ub_test_count_entries (dir), ==, 1);

  /* A destination that cannot be created. */
  g_assert_false (ub_png_encode_file (bad, pixels, 16, 16, 64, UB_PNG_FORMAT_RGBA8,
                                      NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);

  g_unlink (path);
  g_rmdir (dir);
}

/* ---- sample images ------------------------------------------------------- */

static void
test_sample (void)
{
  const guint32 w = 512, h = 384;
  g_autoptr(UbPngSample) a = ub_png_sample_new (w, h, 42);
  g_autoptr(UbPngSample) b = ub_png_sample_new (w, h, 42);
  g_autoptr(UbPngSample) c = ub_png_sample_new (w, h, 43);
  g_autofree guint8 *pa = g_malloc (w * h * 4);
  g_autofree guint8 *pb = g_malloc (w * h * 4);
  g_autofree guint8 *pc = g_malloc (w * h * 4);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  guint histogram[256] = { 0 };
  guint used = 0;

  for (guint32 y = 0; y < h; y++)
    {
      ub_png_sample_render_row (a, y, UB_PNG_FORMAT_RGBA8, pa + y * w * 4);
      ub_png_sample_render_row (b, y, UB_PNG_FORMAT_RGBA8, pb + y * w * 4);
      ub_png_sample_render_row (c, y, UB_PNG_FORMAT_RGBA8, pc + y * w * 4);
    }

  /* Deterministic from the seed, different across seeds. */
  g_assert_cmpmem (pa, w * h * 4, pb, w * h * 4);
  g_assert_true (memcmp (pa, pc, w * h * 4) != 0);

  /* Not flat: many levels in use and it compresses like a photograph
   * (losslessly to well over a third of its size). */
  for (gsize i = 0; i < (gsize) w * h; i++)
    histogram[pa[4 * i + 1]]++;
  for (guint i = 0; i < 256; i++)
    used += histogram[i] > 0;
  g_assert_cmpuint (used, >, 150);

  bytes = ub_png_encode_bytes (pa, w, h, w * 4, UB_PNG_FORMAT_RGBA8, NULL, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("sample %ux%u RGBA: %" G_GSIZE_FORMAT " bytes (%.0f%%)", w, h,
                  g_bytes_get_size (bytes), 100.0 * g_bytes_get_size (bytes) / (w * h * 4));
  g_assert_cmpuint (g_bytes_get_size (bytes), >, w * h * 4 / 3);
}

static void
test_sample_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ub-png-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "sample.png", NULL);
  const guint32 w = 300, h = 200;
  g_autoptr(UbPngSample) sample = ub_png_sample_new (w, h, 5);
  g_autofree guint8 *row = g_malloc (w * 3);
  g_autoptr(GError) error = NULL;
  g_autoptr(UbPngImage) image = NULL;

  g_assert_true (ub_png_sample_write_file (path, w, h, 5, UB_PNG_FORMAT_RGB8,
                                           NULL, NULL, &error));
  g_assert_no_error (error);
  image = ub_png_decode_file (path, NULL, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (image->width, ==, w);
  g_assert_cmpuint (image->height, ==, h);
  for (guint32 y = 0; y < h; y++)
    {
      ub_png_sample_render_row (sample, y, UB_PNG_FORMAT_RGB8, row);
      for (guint32 x = 0; x < w; x++)
        {
          g_assert_cmpmem (image->pixels + y * image->stride + 4 * x, 3, row + 3 * x, 3);
          g_assert_cmpuint (image->pixels[y * image->stride + 4 * x + 3], ==, 255);
        }
    }

  g_unlink (path);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_summary ("The PNG encoder and the sample generator.");

  g_test_add_func ("/png/encode/round-trip", test_round_trip);
  g_test_add_func ("/png/encode/atomic", test_encode_atomic);
  g_test_add_func ("/png/sample/deterministic", test_sample);
  g_test_add_func ("/png/sample/file", test_sample_file);

  return g_test_run ();
}
