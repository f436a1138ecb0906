/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

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

G_END_DECLS
