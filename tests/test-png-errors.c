/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ub-error.h"
#include "ub-png.h"
#include "ub-test-png.h"

/* ---- helpers ---------------------------------------------------------- */

static guint32 crc_table[256];

static void
crc_init (void)
{
  for (guint32 n = 0; n < 256; n++)
    {
      guint32 c = n;

      for (int k = 0; k < 8; k++)
        c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
      crc_table[n] = c;
    }
}

static guint32
crc32_of (const guint8 *data,
          gsize         size)
{
  guint32 c = 0xffffffffu;

  for (gsize i = 0; i < size; i++)
    c = crc_table[(c ^ data[i]) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

static void
put_be32 (guint8  *p,
          guint32  v)
{
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}

static guint32
get_be32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* ---- hostile and broken input ------------------------------------------ */

/* Truncating a valid file at every chunk boundary, and inside each chunk,
 * must fail cleanly on every path. */
static void
test_truncated (void)
{
  g_autofree guint8 *pixels = ub_test_random_rgba (160, 120, 7);
  g_autoptr(GBytes) bytes = NULL;
  const guint8 *data;
  gsize size, pos = 8;
  g_autoptr(GArray) cuts = g_array_new (FALSE, FALSE, sizeof (gsize));
  guint n_chunks = 0;

  /* Random pixels do not compress: several IDAT chunks. */
  bytes = ub_test_encode_rgba (pixels, 160, 120);
  data = g_bytes_get_data (bytes, &size);

  for (gsize cut = 0; cut <= 8; cut++)
    g_array_append_val (cuts, cut);
  while (pos + 12 <= size)
    {
      guint32 length = get_be32 (data + pos);
      gsize next = pos + 12 + length;
      gsize inside[] = { pos + 4, pos + 8, pos + 8 + length / 2, next - 1, next };

      for (guint i = 0; i < G_N_ELEMENTS (inside); i++)
        if (inside[i] < size)
          g_array_append_val (cuts, inside[i]);
      pos = next;
      n_chunks++;
    }
  g_assert_cmpuint (pos, ==, size);
  g_assert_cmpuint (n_chunks, >=, 4);

  for (guint i = 0; i < cuts->len; i++)
    {
      gsize cut = g_array_index (cuts, gsize, i);
      g_autoptr(GError) error = NULL;
      g_autoptr(UbPngImage) image = NULL;
      g_autoptr(UbPngImage) thumb = NULL;

      image = ub_png_decode_data (data, cut, NULL, NULL, NULL, &error);
      g_assert_null (image);
      g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
      g_clear_error (&error);

      thumb = ub_png_thumbnail_data (data, cut, 16, NULL, NULL, NULL, &error);
      g_assert_null (thumb);
      g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
    }
}

static GBytes *
make_header_only_png (guint32 width,
                      guint32 height)
{
  guint8 png[8 + 25 + 12 + 12];
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  guint8 *p = png;

  memcpy (p, signature, 8);
  p += 8;
  put_be32 (p, 13);
  memcpy (p + 4, "IHDR", 4);
  put_be32 (p + 8, width);
  put_be32 (p + 12, height);
  p[16] = 8;  /* bit depth */
  p[17] = 6;  /* RGBA */
  p[18] = p[19] = p[20] = 0;
  put_be32 (p + 21, crc32_of (p + 4, 17));
  p += 25;
  /* An empty IDAT and IEND. */
  put_be32 (p, 0);
  memcpy (p + 4, "IDAT", 4);
  put_be32 (p + 8, crc32_of (p + 4, 4));
  p += 12;
  put_be32 (p, 0);
  memcpy (p + 4, "IEND", 4);
  put_be32 (p + 8, crc32_of (p + 4, 4));

  return g_bytes_new (png, sizeof png);
}

static void
test_huge_header (void)
{
  struct { guint32 w, h; } cases[] = {
    { 100000, 100000 }, { 16385, 1 }, { 1, 16385 }, { 16384, 16384 + 1 },
  };
  UbPngLimits limits;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) bytes = make_header_only_png (cases[i].w, cases[i].h);
      g_autoptr(GError) error = NULL;
      g_autoptr(UbPngImage) image = NULL;
      g_autoptr(UbPngImage) thumb = NULL;
      UbPngInfo info;
      gsize size;
      const guint8 *data = g_bytes_get_data (bytes, &size);

      /* The header itself is readable… */
      g_assert_true (ub_png_read_info_data (data, size, &info, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (info.width, ==, cases[i].w);
      g_assert_cmpuint (info.height, ==, cases[i].h);

      /* …but decoding stops at the limit, before allocating anything: a
       * pixel buffer, had one been taken from this unbounded pool, would
       * have been handed back to it on the error path and kept there. */
      {
        g_autoptr(UbPngPool) pool = ub_png_pool_new (G_MAXSIZE, 4);

        image = ub_png_decode_data (data, size, NULL, pool, NULL, &error);
        g_assert_null (image);
        g_assert_error (error, UB_ERROR, UB_ERROR_TOO_LARGE);
        g_clear_error (&error);
        thumb = ub_png_thumbnail_data (data, size, 64, NULL, pool, NULL, &error);
        g_assert_null (thumb);
        g_assert_error (error, UB_ERROR, UB_ERROR_TOO_LARGE);
        g_assert_cmpuint (ub_png_pool_get_cached_count (pool), ==, 0);
      }
    }

  /* The pixel-count limit alone. */
  ub_png_limits_init_default (&limits);
  limits.max_pixels = 1000;
  {
    g_autoptr(GBytes) bytes = make_header_only_png (100, 11);
    g_autoptr(GError) error = NULL;
    gsize size;
    const guint8 *data = g_bytes_get_data (bytes, &size);
    UbPngImage *image = ub_png_decode_data (data, size, &limits, NULL, NULL, &error);

    g_assert_null (image);
    g_assert_error (error, UB_ERROR, UB_ERROR_TOO_LARGE);
  }

  /* Within limits, the empty IDAT is a data error, found after the
   * buffer was taken (and given back). */
  {
    g_autoptr(GBytes) bytes = make_header_only_png (100, 10);
    g_autoptr(GError) error = NULL;
    g_autoptr(UbPngPool) pool = ub_png_pool_new (G_MAXSIZE, 4);
    gsize size;
    const guint8 *data = g_bytes_get_data (bytes, &size);
    UbPngImage *image = ub_png_decode_data (data, size, &limits, pool, NULL, &error);

    g_assert_null (image);
    g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
    g_assert_cmpuint (ub_png_pool_get_cached_count (pool), ==, 1);
  }
}

/* A zTXt chunk whose length exceeds the chunk size limit, before IDAT. */
static void
test_chunk_limit (void)
{
  g_autofree guint8 *pixels = ub_test_random_rgba (8, 8, 3);
  g_autoptr(GBytes) bytes = ub_test_encode_rgba (pixels, 8, 8);
  g_autoptr(GByteArray) evil = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(UbPngImage) image = NULL;
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  gsize payload = 4096;
  guint8 header[8];
  guint8 *body = g_malloc0 (payload + 4);
  guint8 crc[4];
  UbPngLimits limits;

  /* signature + IHDR, then a big private chunk, then the rest. */
  g_byte_array_append (evil, data, 33);
  put_be32 (header, payload);
  memcpy (header + 4, "prIv", 4);
  memcpy (body, "prIv", 4);
  put_be32 (crc, crc32_of (body, payload + 4));
  g_byte_array_append (evil, header, 8);
  g_byte_array_append (evil, body + 4, payload);
  g_byte_array_append (evil, crc, 4);
  g_byte_array_append (evil, data + 33, size - 33);
  g_free (body);

  /* Unknown chunks are skipped, not buffered: decodes under any limit. */
  ub_png_limits_init_default (&limits);
  limits.max_chunk_size = 1024;
  image = ub_png_decode_data (evil->data, evil->len, &limits, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (image->pixels, image->size, pixels, 8 * 8 * 4);
}

static void
assert_file_fails (const char *path,
                   GQuark      domain,
                   int         code)
{
  g_autoptr(GError) error = NULL;
  UbPngInfo info;

  ub_test_png_assert_decode_fails (path, 32, domain, code);
  g_assert_false (ub_png_read_info_file (path, &info, &error));
  g_assert_error (error, domain, code);
}

static void
test_bad_files (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ub-png-XXXXXX", NULL);
  g_autofree char *empty = g_build_filename (dir, "empty.png", NULL);
  g_autofree char *text = g_build_filename (dir, "text.png", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.png", NULL);
  g_autofree char *under_file = g_build_filename (text, "child.png", NULL);
  g_autofree char *locked = g_build_filename (dir, "locked.png", NULL);

  g_assert_nonnull (dir);
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  g_assert_true (g_file_set_contents (text, "hello, world\n", -1, NULL));

  assert_file_fails (empty, UB_ERROR, UB_ERROR_INVALID_DATA);
  assert_file_fails (text, UB_ERROR, UB_ERROR_INVALID_DATA);
  assert_file_fails (dir, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
  assert_file_fails (missing, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  /* Fails for root too: a path through a regular file. */
  assert_file_fails (under_file, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY);
  assert_file_fails ("/dev/null", G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE);

  /* Permissions do not stop root; only check them as another user. */
  g_assert_true (g_file_set_contents (locked, "\x89PNG", -1, NULL));
  g_assert_cmpint (g_chmod (locked, 0), ==, 0);
  if (geteuid () != 0)
    assert_file_fails (locked, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  else
    g_test_message ("running as root: the permission case is not checked");

  g_unlink (locked);
  g_unlink (text);
  g_unlink (empty);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_summary ("The PNG decoder against hostile and broken input: "
                  "truncation, huge headers, chunk limits, bad files.");
  crc_init ();

  g_test_add_func ("/png/errors/truncated", test_truncated);
  g_test_add_func ("/png/errors/huge-header", test_huge_header);
  g_test_add_func ("/png/errors/unknown-chunk", test_chunk_limit);
  g_test_add_func ("/png/errors/bad-files", test_bad_files);

  return g_test_run ();
}
