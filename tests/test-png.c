/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ub-error.h"
#include "ub-png.h"
#include "ub-png-encode.h"
#include "ub-png-sample.h"
#include "ub-png-unfilter.h"

/* ---- helpers ---------------------------------------------------------- */

static char *
pngsuite_dir (void)
{
  const char *env = g_getenv ("UNBLOCK_PNGSUITE_DIR");
  const char *root = g_getenv ("UB_SOURCE_ROOT");
  char *dir;

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (root == NULL)
    return NULL;
  dir = g_build_filename (root, "..", "shared", "pngsuite", NULL);
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    g_clear_pointer (&dir, g_free);
  return dir;
}

/* The reference format is a JSON array of non-negative integers, nothing
 * else; anything unexpected fails the test. */
static GArray *
load_reference (const char *path)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  GArray *values = g_array_new (FALSE, FALSE, sizeof (guint32));
  gboolean in_number = FALSE, opened = FALSE, closed = FALSE;
  guint32 value = 0;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p >= '0' && *p <= '9')
        {
          g_assert_true (opened && !closed);
          g_assert_cmpuint (value, <, 100000);
          value = value * 10 + (*p - '0');
          in_number = TRUE;
          continue;
        }
      if (in_number)
        g_array_append_val (values, value);
      in_number = FALSE;
      value = 0;
      if (*p == '[')
        opened = TRUE;
      else if (*p == ']')
        closed = TRUE;
      else
        g_assert_true (*p == ',' || g_ascii_isspace (*p));
    }
  g_assert_true (opened && closed);

  return values;
}

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

/* Random RGBA with some structure (so that rows are not pure noise). */
static guint8 *
random_rgba (guint32 width,
             guint32 height,
             guint32 seed)
{
  GRand *rand = g_rand_new_with_seed (seed);
  guint8 *pixels = g_malloc ((gsize) width * height * 4);

  for (gsize i = 0; i < (gsize) width * height * 4; i++)
    pixels[i] = g_rand_int_range (rand, 0, 256);
  g_rand_free (rand);
  return pixels;
}

static GBytes *
encode_rgba (const guint8 *pixels,
             guint32       width,
             guint32       height)
{
  g_autoptr(GError) error = NULL;
  GBytes *bytes;

  bytes = ub_png_encode_bytes (pixels, width, height, width * 4,
                               UB_PNG_FORMAT_RGBA8, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (bytes);
  return bytes;
}

static void reference_box (const guint8 *src,
                           guint32       sw,
                           guint32       sh,
                           guint8       *dst,
                           guint32       dw,
                           guint32       dh);


/* ---- the fast path against the streaming one ----------------------------- */

static UbPngImage *
decode_with (const char *path,
             gboolean    portable,
             gboolean    streamed)
{
  g_autoptr(GError) error = NULL;
  UbPngImage *image;

  ub_png_set_portable_only (portable);
  ub_png_set_whole_inflate_max (streamed ? 0 : 160 * 1024 * 1024);
  image = ub_png_decode_file (path, NULL, NULL, NULL, NULL, NULL, &error);
  ub_png_set_portable_only (FALSE);
  ub_png_set_whole_inflate_max (160 * 1024 * 1024);
  g_assert_no_error (error);
  return image;
}

/* Every valid PngSuite file, and sample images with each filter, decode to
 * the same bytes through libdeflate with SIMD rows, libdeflate with the
 * portable rows, and libpng streaming through zlib. */
static void
test_fast_paths_agree (void)
{
  g_autofree char *dir = pngsuite_dir ();
  g_autofree char *tmp = g_dir_make_tmp ("ub-png-XXXXXX", NULL);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  UbPngFormat formats[] = { UB_PNG_FORMAT_RGBA8, UB_PNG_FORMAT_RGB8 };

  g_test_message ("row code: %s", ub_png_get_implementation ());
  if (dir != NULL)
    {
      g_autofree char *png_dir = g_build_filename (dir, "png", NULL);
      g_autoptr(GDir) d = g_dir_open (png_dir, 0, NULL);
      const char *name;

      while (d != NULL && (name = g_dir_read_name (d)) != NULL)
        if (name[0] != 'x' && g_str_has_suffix (name, ".png"))
          g_ptr_array_add (paths, g_build_filename (png_dir, name, NULL));
    }
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autoptr(GError) error = NULL;
      char *path = g_strdup_printf ("%s/sample-%u.png", tmp, i);

      g_assert_true (ub_png_sample_write_file (path, 301, 77, i + 5, formats[i],
                                               NULL, NULL, &error));
      g_assert_no_error (error);
      g_ptr_array_add (paths, path);
    }
  g_assert_cmpuint (paths->len, >=, 2);

  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      g_autoptr(UbPngImage) simd = decode_with (path, FALSE, FALSE);
      g_autoptr(UbPngImage) portable = decode_with (path, TRUE, FALSE);
      g_autoptr(UbPngImage) streamed = decode_with (path, FALSE, TRUE);

      g_assert_cmpmem (simd->pixels, simd->size, streamed->pixels, streamed->size);
      g_assert_cmpmem (portable->pixels, portable->size, streamed->pixels, streamed->size);
    }
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/sample-%u.png", tmp, i);

      g_unlink (path);
    }
  g_rmdir (tmp);
}

/* Each filter at each pixel size, on rows of awkward lengths, in place and
 * not: the SIMD rows equal the portable ones. */
static void
test_unfilter_rows (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (19);

  for (guint bpp = 1; bpp <= 4; bpp++)
    for (guint8 filter = 0; filter <= 4; filter++)
      for (gsize len = bpp; len < 300; len += bpp * 7)
        {
          g_autofree guint8 *src = g_malloc (len + 64);
          g_autofree guint8 *prev = g_malloc (len + 64);
          g_autofree guint8 *a = g_malloc (len + 64);
          g_autofree guint8 *b = g_malloc (len + 64);

          for (gsize i = 0; i < len + 64; i++)
            {
              src[i] = g_rand_int (rand);
              prev[i] = g_rand_int (rand);
            }
          ub_png_set_portable_only (TRUE);
          g_assert_true (ub_png_unfilter_row (filter, src, a, prev, len, bpp));
          ub_png_set_portable_only (FALSE);
          g_assert_true (ub_png_unfilter_row (filter, src, b, prev, len, bpp));
          g_assert_cmpmem (a, len, b, len);
          /* In place, one byte down (over the filter byte), as the
           * decoder does. */
          b[0] = filter;
          memcpy (b + 1, src, len);
          g_assert_true (ub_png_unfilter_row (filter, b + 1, b, prev, len, bpp));
          g_assert_cmpmem (a, len, b, len);
          g_assert_false (ub_png_unfilter_row (5, src, b, prev, len, bpp));
        }
}

/* ---- PngSuite ----------------------------------------------------------- */

static void
test_pngsuite_missing (void)
{
  g_test_skip ("PngSuite not found: set UNBLOCK_PNGSUITE_DIR or put it in "
               "../shared/pngsuite beside the source tree");
}

static void
test_pngsuite_valid (gconstpointer data)
{
  const char *name = data;
  g_autofree char *dir = pngsuite_dir ();
  g_autofree char *png = g_strdup_printf ("%s/png/%s.png", dir, name);
  g_autofree char *json = g_strdup_printf ("%s/json/%s.json", dir, name);
  g_autofree char *json8 = g_strdup_printf ("%s/json/%s_to8.json", dir, name);
  g_autoptr(GError) error = NULL;
  g_autoptr(UbPngImage) image = NULL;
  g_autoptr(GArray) reference = NULL;
  UbPngInfo info;
  gboolean sixteen;

  g_assert_true (ub_png_read_info_file (png, &info, &error));
  g_assert_no_error (error);
  sixteen = info.bit_depth == 16;

  /* The name encodes the header: ..[in][colour type].[bit depth]. */
  g_assert_cmpint (strlen (name), ==, 8);
  g_assert_cmpint (info.interlaced, ==, name[3] == 'i');
  g_assert_cmpint (info.color_type, ==, name[4] - '0');
  g_assert_cmpint (info.bit_depth, ==, atoi (name + 6));

  image = ub_png_decode_file (png, NULL, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (image);
  g_assert_cmpuint (image->stride, ==, image->width * 4);
  g_assert_cmpuint (image->size, ==, image->stride * image->height);
  g_assert_cmpuint (image->width, ==, info.width);
  g_assert_cmpuint (image->height, ==, info.height);

  /* 8-bit files: exactly the reference. 16-bit files: exactly the high
   * byte of each 16-bit reference sample (our rounding is truncation), and
   * within 1 of the _to8 reference where there is one. */
  reference = load_reference (json);
  g_assert_cmpuint (reference->len, ==, image->size);
  for (gsize i = 0; i < image->size; i++)
    {
      guint32 expected = g_array_index (reference, guint32, i);

      if (sixteen)
        expected >>= 8;
      if (image->pixels[i] != expected)
        g_error ("%s: sample %" G_GSIZE_FORMAT " (x=%" G_GSIZE_FORMAT ", y=%"
                 G_GSIZE_FORMAT ", channel %" G_GSIZE_FORMAT ") is %u, expected %u",
                 name, i, i / 4 % image->width, i / 4 / image->width, i % 4,
                 image->pixels[i], expected);
    }

  /* The streamed thumbnail of every colour type and depth matches the
   * box filter applied to the full decode. */
  {
    g_autoptr(UbPngImage) thumb = NULL;
    g_autofree guint8 *expected = NULL;
    guint32 tw, th;

    ub_png_thumbnail_size (image->width, image->height, 13, &tw, &th);
    thumb = ub_png_thumbnail_file (png, 13, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (thumb->width, ==, tw);
    g_assert_cmpuint (thumb->height, ==, th);
    if (tw < image->width || th < image->height)
      {
        expected = g_malloc ((gsize) tw * th * 4);
        reference_box (image->pixels, image->width, image->height, expected, tw, th);
        for (gsize i = 0; i < thumb->size; i++)
          {
            int diff = (int) thumb->pixels[i] - (int) expected[i];

            g_assert_cmpint (ABS (diff), <=, 1);
          }
      }
    else
      g_assert_cmpmem (thumb->pixels, thumb->size, image->pixels, image->size);
  }

  if (sixteen && g_file_test (json8, G_FILE_TEST_EXISTS))
    {
      g_autoptr(GArray) reference8 = load_reference (json8);

      g_assert_cmpuint (reference8->len, ==, image->size);
      for (gsize i = 0; i < image->size; i++)
        {
          int diff = (int) image->pixels[i] - (int) g_array_index (reference8, guint32, i);

          g_assert_cmpint (ABS (diff), <=, 1);
        }
    }
}

static void
test_pngsuite_corrupt (gconstpointer data)
{
  const char *name = data;
  g_autofree char *dir = pngsuite_dir ();
  g_autofree char *png = g_strdup_printf ("%s/png/%s.png", dir, name);
  g_autoptr(GError) error = NULL;
  g_autoptr(UbPngImage) image = NULL;
  g_autoptr(UbPngImage) thumb = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  image = ub_png_decode_file (png, NULL, NULL, NULL, NULL, NULL, &error);
  g_assert_null (image);
  g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
  g_test_message ("%s: %s", name, error->message);
  g_clear_error (&error);

  thumb = ub_png_thumbnail_file (png, 8, NULL, NULL, NULL, &error);
  g_assert_null (thumb);
  g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
  g_clear_error (&error);

  g_assert_true (g_file_get_contents (png, &contents, &length, NULL));
  image = ub_png_decode_data ((const guint8 *) contents, length, NULL, NULL, NULL, &error);
  g_assert_null (image);
  g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
}

/* An interlaced file's thumbnail is made from the whole decode; compare it
 * with the streamed path on the non-interlaced twin. */
static void
test_pngsuite_thumbnail_interlaced (void)
{
  g_autofree char *dir = pngsuite_dir ();
  g_autofree char *a = NULL, *b = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(UbPngImage) ti = NULL, tn = NULL;

  if (dir == NULL)
    {
      test_pngsuite_missing ();
      return;
    }
  a = g_build_filename (dir, "png", "basi6a08.png", NULL);
  b = g_build_filename (dir, "png", "basn6a08.png", NULL);
  ti = ub_png_thumbnail_file (a, 10, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  tn = ub_png_thumbnail_file (b, 10, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ti->width, ==, 10);
  g_assert_cmpuint (ti->height, ==, 10);
  g_assert_cmpmem (ti->pixels, ti->size, tn->pixels, tn->size);
}

/* ---- hostile and broken input ------------------------------------------ */

/* Truncating a valid file at every chunk boundary, and inside each chunk,
 * must fail cleanly on every path. */
static void
test_truncated (void)
{
  g_autofree guint8 *pixels = random_rgba (160, 120, 7);
  g_autoptr(GBytes) bytes = NULL;
  const guint8 *data;
  gsize size, pos = 8;
  g_autoptr(GArray) cuts = g_array_new (FALSE, FALSE, sizeof (gsize));
  guint n_chunks = 0;

  /* Random pixels do not compress: several IDAT chunks. */
  bytes = encode_rgba (pixels, 160, 120);
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
  g_autofree guint8 *pixels = random_rgba (8, 8, 3);
  g_autoptr(GBytes) bytes = encode_rgba (pixels, 8, 8);
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
  g_autoptr(UbPngImage) image = NULL;
  g_autoptr(UbPngImage) thumb = NULL;
  UbPngInfo info;

  image = ub_png_decode_file (path, NULL, NULL, NULL, NULL, NULL, &error);
  g_assert_null (image);
  g_assert_error (error, domain, code);
  g_test_message ("%s: %s", path, error->message);
  g_clear_error (&error);

  thumb = ub_png_thumbnail_file (path, 32, NULL, NULL, NULL, &error);
  g_assert_null (thumb);
  g_assert_error (error, domain, code);
  g_clear_error (&error);

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

/* ---- thumbnails -------------------------------------------------------- */

static void
test_thumbnail_size (void)
{
  struct { guint32 w, h, max, tw, th; } cases[] = {
    { 4096, 4096, 256, 256, 256 },
    { 1920, 1080, 256, 256, 144 },
    { 1080, 1920, 256, 144, 256 },
    { 100, 50, 256, 100, 50 },
    { 10000, 1, 256, 256, 1 },
    { 1, 10000, 256, 1, 256 },
    { 300, 200, 100, 100, 67 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint32 tw, th;

      ub_png_thumbnail_size (cases[i].w, cases[i].h, cases[i].max, &tw, &th);
      g_assert_cmpuint (tw, ==, cases[i].tw);
      g_assert_cmpuint (th, ==, cases[i].th);
    }
}

/* The reference: each thumbnail pixel is the alpha-weighted mean of the
 * source area it covers (fractional coverage at the edges), computed in
 * double precision. */
static void
reference_box (const guint8 *src,
               guint32       sw,
               guint32       sh,
               guint8       *dst,
               guint32       dw,
               guint32       dh)
{
  double fx = (double) sw / dw, fy = (double) sh / dh;

  for (guint32 j = 0; j < dh; j++)
    for (guint32 i = 0; i < dw; i++)
      {
        double x0 = i * fx, x1 = (i + 1) * fx, y0 = j * fy, y1 = (j + 1) * fy;
        double sum[4] = { 0 }, area = 0;

        for (guint32 y = (guint32) y0; y < sh && y < y1; y++)
          for (guint32 x = (guint32) x0; x < sw && x < x1; x++)
            {
              double w = (MIN (x + 1.0, x1) - MAX ((double) x, x0)) *
                         (MIN (y + 1.0, y1) - MAX ((double) y, y0));
              const guint8 *p = src + ((gsize) y * sw + x) * 4;

              if (w <= 0)
                continue;
              for (int c = 0; c < 3; c++)
                sum[c] += w * p[3] * p[c];
              sum[3] += w * p[3];
              area += w;
            }

        for (int c = 0; c < 3; c++)
          dst[(j * dw + i) * 4 + c] = sum[3] > 0 ? (guint8) (sum[c] / sum[3] + 0.5) : 0;
        dst[(j * dw + i) * 4 + 3] = (guint8) (sum[3] / area + 0.5);
      }
}

static void
check_thumbnail (guint32 sw,
                 guint32 sh,
                 guint   max_size,
                 gboolean opaque)
{
  g_autofree guint8 *pixels = random_rgba (sw, sh, sw * 31 + sh);
  g_autofree guint8 *expected = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(UbPngImage) thumb = NULL;
  guint32 tw, th;
  gsize size;
  const guint8 *data;

  /* Smooth the noise a little so averages are not all ~128, and make some
   * pixels transparent. */
  for (gsize i = 0; i < (gsize) sw * sh; i++)
    {
      guint8 *p = pixels + 4 * i;
      guint32 x = i % sw, y = i / sw;

      p[0] = (p[0] / 4) + (x * 255 / sw) * 3 / 4;
      p[1] = (p[1] / 4) + (y * 255 / sh) * 3 / 4;
      p[3] = opaque ? 255 : (x + y) % 7 == 0 ? 0 : p[3];
    }

  bytes = encode_rgba (pixels, sw, sh);
  data = g_bytes_get_data (bytes, &size);
  thumb = ub_png_thumbnail_data (data, size, max_size, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  ub_png_thumbnail_size (sw, sh, max_size, &tw, &th);
  g_assert_cmpuint (thumb->width, ==, tw);
  g_assert_cmpuint (thumb->height, ==, th);
  g_assert_cmpuint (thumb->stride, ==, tw * 4);

  expected = g_malloc ((gsize) tw * th * 4);
  reference_box (pixels, sw, sh, expected, tw, th);
  for (gsize i = 0; i < (gsize) tw * th * 4; i++)
    {
      int diff = (int) thumb->pixels[i] - (int) expected[i];

      if (ABS (diff) > 1)
        g_error ("%ux%u → %ux%u: sample %" G_GSIZE_FORMAT " is %u, expected %u",
                 sw, sh, tw, th, i, thumb->pixels[i], expected[i]);
    }
}

static void
test_thumbnail_box (void)
{
  check_thumbnail (64, 64, 16, TRUE);    /* integer ratio, opaque */
  check_thumbnail (64, 48, 16, FALSE);   /* integer ratio, alpha */
  check_thumbnail (97, 61, 20, FALSE);   /* fractional both ways */
  check_thumbnail (61, 97, 23, FALSE);
  check_thumbnail (300, 7, 256, TRUE);   /* barely scaled */
  check_thumbnail (5, 400, 50, FALSE);
}

static void
test_thumbnail_small (void)
{
  g_autofree guint8 *pixels = random_rgba (40, 30, 5);
  g_autoptr(GBytes) bytes = encode_rgba (pixels, 40, 30);
  g_autoptr(GError) error = NULL;
  g_autoptr(UbPngImage) thumb = NULL;
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  thumb = ub_png_thumbnail_data (data, size, 256, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (thumb->pixels, thumb->size, pixels, 40 * 30 * 4);
}

/* ---- cancellation ------------------------------------------------------ */

typedef struct
{
  GCancellable *cancellable;
  double        cancel_at;
  double        last;
  guint         calls;
} CancelData;

static void
cancel_on_progress (double   fraction,
                    gpointer user_data)
{
  CancelData *c = user_data;

  g_assert_cmpfloat (fraction, >=, c->last);
  c->last = fraction;
  c->calls++;
  if (fraction >= c->cancel_at)
    g_cancellable_cancel (c->cancellable);
}

static void
test_cancel (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ub-png-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "sample.png", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(UbPngPool) pool = ub_png_pool_new (64 << 20, 4);
  UbPngImage *image;
  CancelData c = { cancellable, 0.4, 0, 0 };

  g_assert_true (ub_png_sample_write_file (path, 256, 512, 1, UB_PNG_FORMAT_RGBA8,
                                           NULL, NULL, &error));
  g_assert_no_error (error);

  /* Cancelled part-way, from the decoding thread's own progress. */
  image = ub_png_decode_file (path, NULL, pool, cancellable,
                              cancel_on_progress, &c, &error);
  g_assert_null (image);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpfloat (c.last, >=, 0.4);
  g_assert_cmpfloat (c.last, <, 0.6);
  g_clear_error (&error);
  /* The half-filled buffer went back to the pool. */
  g_assert_cmpuint (ub_png_pool_get_cached_count (pool), ==, 1);

  /* Already cancelled: thumbnails too. */
  image = ub_png_thumbnail_file (path, 32, NULL, pool, cancellable, &error);
  g_assert_null (image);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* And a fresh cancellable lets it through, reporting progress to 1. */
  g_cancellable_reset (cancellable);
  c.cancel_at = 2.0;
  c.last = 0;
  image = ub_png_decode_file (path, NULL, pool, cancellable,
                              cancel_on_progress, &c, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (c.last, ==, 1.0);
  ub_png_image_free (image);

  g_unlink (path);
  g_rmdir (dir);
}

/* ---- the buffer pool ----------------------------------------------------- */

static void
test_pool_reuse (void)
{
  g_autoptr(UbPngPool) pool = ub_png_pool_new (10 << 20, 2);
  g_autofree guint8 *pixels = random_rgba (64, 64, 9);
  g_autoptr(GBytes) bytes = encode_rgba (pixels, 64, 64);
  g_autoptr(GError) error = NULL;
  UbPngImage *image;
  guint8 *first, *a, *b, *c;
  gboolean reused;
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  GBytes *stolen;

  /* A released buffer is handed out again for the same size. */
  image = ub_png_decode_data (data, size, NULL, pool, NULL, &error);
  g_assert_no_error (error);
  first = image->pixels;
  ub_png_image_free (image);
  g_assert_cmpuint (ub_png_pool_get_cached_count (pool), ==, 1);
  image = ub_png_decode_data (data, size, NULL, pool, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (image->pixels == first);
  g_assert_cmpmem (image->pixels, image->size, pixels, 64 * 64 * 4);
  g_assert_cmpuint (ub_png_pool_get_cached_count (pool), ==, 0);

  /* Stolen as GBytes, the buffer returns to the pool on the last unref. */
  stolen = ub_png_image_steal_bytes (image);
  g_assert_true (g_bytes_get_data (stolen, NULL) == first);
  g_assert_cmpuint (g_bytes_get_size (stolen), ==, 64 * 64 * 4);
  g_assert_cmpuint (ub_png_pool_get_cached_count (pool), ==, 0);
  g_bytes_unref (stolen);
  g_assert_cmpuint (ub_png_pool_get_cached_count (pool), ==, 1);

  /* Another size is not matched; a large buffer is mapped. */
  a = ub_png_pool_acquire (pool, 2 << 20, &reused);
  g_assert_false (reused);
  b = ub_png_pool_acquire (pool, 2 << 20, &reused);
  g_assert_false (reused);
  c = ub_png_pool_acquire (pool, 64 * 64 * 4, &reused);
  g_assert_true (reused);
  g_assert_true (c == first);
  memset (a, 1, 2 << 20);
  memset (b, 2, 2 << 20);

  /* Bounded by count: three released, two kept (the newest). */
  ub_png_pool_release (pool, c, 64 * 64 * 4);
  ub_png_pool_release (pool, a, 2 << 20);
  ub_png_pool_release (pool, b, 2 << 20);
  g_assert_cmpuint (ub_png_pool_get_cached_count (pool), ==, 2);
  g_assert_cmpuint (ub_png_pool_get_cached_bytes (pool), ==, 4 << 20);

  /* Bounded by bytes: a buffer larger than the pool is freed at once. */
  a = ub_png_pool_acquire (pool, 11 << 20, NULL);
  ub_png_pool_release (pool, a, 11 << 20);
  g_assert_cmpuint (ub_png_pool_get_cached_bytes (pool), ==, 4 << 20);

  ub_png_pool_trim (pool);
  g_assert_cmpuint (ub_png_pool_get_cached_count (pool), ==, 0);
  g_assert_cmpuint (ub_png_pool_get_cached_bytes (pool), ==, 0);
}

typedef struct
{
  UbPngPool    *pool;
  const guint8 *data;
  gsize         size;
  const guint8 *expected;
} PoolThreadData;

static gpointer
pool_thread (gpointer user_data)
{
  PoolThreadData *t = user_data;

  for (int i = 0; i < 50; i++)
    {
      g_autoptr(GError) error = NULL;
      UbPngImage *image = ub_png_decode_data (t->data, t->size, NULL, t->pool,
                                              NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpmem (image->pixels, image->size, t->expected, 32 * 32 * 4);
      /* Half the buffers go back through the stolen-pixels path (what a
       * transfer to another thread does). Not through GBytes here: GLib
       * 2.74's GSlice, which GBytes uses, looks racy to ThreadSanitizer. */
      if (i % 2)
        {
          GDestroyNotify free_func;
          gpointer free_data;
          gsize size;
          guint8 *pixels = ub_png_image_steal_pixels (image, &size, &free_func, &free_data);

          g_assert_cmpuint (size, ==, 32 * 32 * 4);
          g_assert_cmpmem (pixels, size, t->expected, size);
          free_func (free_data);
        }
      else
        ub_png_image_free (image);
    }
  return NULL;
}

static void
test_pool_threads (void)
{
  g_autoptr(UbPngPool) pool = ub_png_pool_new (1 << 20, 3);
  g_autofree guint8 *pixels = random_rgba (32, 32, 11);
  g_autoptr(GBytes) bytes = encode_rgba (pixels, 32, 32);
  PoolThreadData t = { pool, NULL, 0, pixels };
  GThread *threads[4];

  t.data = g_bytes_get_data (bytes, &t.size);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("pool", pool_thread, &t);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  g_assert_cmpuint (ub_png_pool_get_cached_count (pool), <=, 3);
}

/* ---- encoder ------------------------------------------------------------ */

static void
test_round_trip (void)
{
  const guint32 w = 53, h = 37;
  g_autofree guint8 *pixels = random_rgba (w, h, 13);
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

static guint
count_entries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static void
test_encode_atomic (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ub-png-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "out.png", NULL);
  g_autofree char *bad = g_build_filename (dir, "no", "such", "dir.png", NULL);
  g_autofree guint8 *pixels = random_rgba (16, 16, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  UbPngWriter *writer;

  /* An unfinished writer leaves nothing, and does not touch the target. */
  g_assert_true (g_file_set_contents (path, "old", -1, NULL));
  writer = ub_png_writer_new_file (path, 16, 16, UB_PNG_FORMAT_RGBA8, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ub_png_writer_write_rows (writer, pixels, 8, 64, &error));
  /* An unnamed file (O_TMPFILE) or a hidden one, never the target. */
  g_assert_cmpuint (count_entries (dir), <=, 2);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "old");
  g_clear_pointer (&contents, g_free);
  /* Finishing early is an error. */
  g_assert_false (ub_png_writer_finish (writer, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_FAILED);
  g_clear_error (&error);
  ub_png_writer_free (writer);
  g_assert_cmpuint (count_entries (dir), ==, 1);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "old");

  /* Finishing replaces it. */
  g_assert_true (ub_png_encode_file (path, pixels, 16, 16, 64, UB_PNG_FORMAT_RGBA8,
                                     NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_entries (dir), ==, 1);

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

/* ---- registration -------------------------------------------------------- */

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* Registers one test per PngSuite file; @names keeps the names alive. */
static void
add_pngsuite_tests (GPtrArray *names)
{
  g_autofree char *dir = pngsuite_dir ();
  g_autofree char *png_dir = NULL;
  g_autoptr(GDir) d = NULL;
  const char *name;

  if (dir != NULL)
    {
      png_dir = g_build_filename (dir, "png", NULL);
      d = g_dir_open (png_dir, 0, NULL);
    }
  if (d == NULL)
    {
      g_test_add_func ("/png/pngsuite/valid", test_pngsuite_missing);
      g_test_add_func ("/png/pngsuite/corrupt", test_pngsuite_missing);
      return;
    }

  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".png"))
      g_ptr_array_add (names, g_strndup (name, strlen (name) - 4));
  g_ptr_array_sort (names, compare_names);
  g_assert_cmpuint (names->len, >, 0);

  for (guint i = 0; i < names->len; i++)
    {
      char *n = g_ptr_array_index (names, i);
      g_autofree char *path = NULL;

      if (n[0] == 'x')
        {
          path = g_strdup_printf ("/png/pngsuite/corrupt/%s", n);
          g_test_add_data_func (path, n, test_pngsuite_corrupt);
        }
      else
        {
          path = g_strdup_printf ("/png/pngsuite/valid/%s", n);
          g_test_add_data_func (path, n, test_pngsuite_valid);
        }
    }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_summary ("The PNG engine: PngSuite conformance, hostile input, "
                  "thumbnails, cancellation, the buffer pool, the encoder "
                  "and the sample generator.");
  crc_init ();

  add_pngsuite_tests (names);
  g_test_add_func ("/png/pngsuite/thumbnail-interlaced", test_pngsuite_thumbnail_interlaced);
  g_test_add_func ("/png/decode/fast-paths-agree", test_fast_paths_agree);
  g_test_add_func ("/png/decode/unfilter-rows", test_unfilter_rows);
  g_test_add_func ("/png/errors/truncated", test_truncated);
  g_test_add_func ("/png/errors/huge-header", test_huge_header);
  g_test_add_func ("/png/errors/unknown-chunk", test_chunk_limit);
  g_test_add_func ("/png/errors/bad-files", test_bad_files);
  g_test_add_func ("/png/thumbnail/size", test_thumbnail_size);
  g_test_add_func ("/png/thumbnail/box-filter", test_thumbnail_box);
  g_test_add_func ("/png/thumbnail/small", test_thumbnail_small);
  g_test_add_func ("/png/decode/cancel", test_cancel);
  g_test_add_func ("/png/pool/reuse", test_pool_reuse);
  g_test_add_func ("/png/pool/threads", test_pool_threads);
  g_test_add_func ("/png/encode/round-trip", test_round_trip);
  g_test_add_func ("/png/encode/atomic", test_encode_atomic);
  g_test_add_func ("/png/sample/deterministic", test_sample);
  g_test_add_func ("/png/sample/file", test_sample_file);

  return g_test_run ();
}
