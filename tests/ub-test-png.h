/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ub-png.h"
#include "ub-png-encode.h"

G_BEGIN_DECLS

/* Pixels and PNG bytes for the PNG engine's suites. */

/* @width × @height random RGBA8 pixels, tightly packed, the same for the
 * same @seed. */
static inline guint8 *
ub_test_random_rgba (guint32 width,
                     guint32 height,
                     guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  guint8 *pixels = g_malloc ((gsize) width * height * 4);

  for (gsize i = 0; i < (gsize) width * height * 4; i++)
    pixels[i] = g_rand_int_range (rand, 0, 256);
  return pixels;
}

/* Tightly packed RGBA8 @pixels as a PNG file's bytes. */
static inline GBytes *
ub_test_encode_rgba (const guint8 *pixels,
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

/* Neither a full decode of @path nor a thumbnail within @max_size works:
 * both fail with @code of @domain. */
static inline void
ub_test_png_assert_decode_fails (const char *path,
                                 guint       max_size,
                                 GQuark      domain,
                                 int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UbPngImage) image = NULL;
  g_autoptr(UbPngImage) thumb = NULL;

  image = ub_png_decode_file (path, NULL, NULL, NULL, NULL, NULL, &error);
  g_assert_null (image);
  g_assert_error (error, domain, code);
  g_test_message ("%s: %s", path, error->message);
  g_clear_error (&error);

  thumb = ub_png_thumbnail_file (path, max_size, NULL, NULL, NULL, &error);
  g_assert_null (thumb);
  g_assert_error (error, domain, code);
}

G_END_DECLS
