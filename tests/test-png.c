/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "ub-error.h"
#include "ub-png.h"
#include "ub-png-sample.h"
#include "ub-png-unfilter.h"
#include "ub-test-png.h"

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
  g_autofree char *contents = NULL;
  gsize length;

  ub_test_png_assert_decode_fails (png, 8, UB_ERROR, UB_ERROR_INVALID_DATA);

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
  g_autofree guint8 *pixels = ub_test_random_rgba (sw, sh, sw * 31 + sh);
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

  bytes = ub_test_encode_rgba (pixels, sw, sh);
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
  g_autofree guint8 *pixels = ub_test_random_rgba (40, 30, 5);
  g_autoptr(GBytes) bytes = ub_test_encode_rgba (pixels, 40, 30);
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
  g_autofree guint8 *pixels = ub_test_random_rgba (64, 64, 9);
  g_autoptr(GBytes) bytes = ub_test_encode_rgba (pixels, 64, 64);
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
  g_autofree guint8 *pixels = ub_test_random_rgba (32, 32, 11);
  g_autoptr(GBytes) bytes = ub_test_encode_rgba (pixels, 32, 32);
  PoolThreadData t = { pool, NULL, 0, pixels };
  GThread *threads[4];

  t.data = g_bytes_get_data (bytes, &t.size);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("pool", pool_thread, &t);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  g_assert_cmpuint (ub_png_pool_get_cached_count (pool), <=, 3);
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
  g_test_summary ("The PNG decoder: PngSuite conformance, its fast paths, "
                  "thumbnails, cancellation and the buffer pool (hostile "
                  "input: test-png-errors; the encoder: test-png-encode).");

  add_pngsuite_tests (names);
  g_test_add_func ("/png/pngsuite/thumbnail-interlaced", test_pngsuite_thumbnail_interlaced);
  g_test_add_func ("/png/decode/fast-paths-agree", test_fast_paths_agree);
  g_test_add_func ("/png/decode/unfilter-rows", test_unfilter_rows);
  g_test_add_func ("/png/thumbnail/size", test_thumbnail_size);
  g_test_add_func ("/png/thumbnail/box-filter", test_thumbnail_box);
  g_test_add_func ("/png/thumbnail/small", test_thumbnail_small);
  g_test_add_func ("/png/decode/cancel", test_cancel);
  g_test_add_func ("/png/pool/reuse", test_pool_reuse);
  g_test_add_func ("/png/pool/threads", test_pool_threads);

  return g_test_run ();
}
