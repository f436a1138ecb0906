/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * UbPngRowFunc:
 * @src: the filtered row, without its filter byte
 * @dst: where the unfiltered row goes; may be @src itself
 * @prev: the previous unfiltered row (all zeros for the first row)
 * @len: bytes in the row
 *
 * Reverses one PNG filter for one row of 8-bit samples.
 */

gboolean    ub_png_unfilter_row          (guint8        filter,
                                          const guint8 *src,
                                          guint8       *dst,
                                          const guint8 *prev,
                                          gsize         len,
                                          guint         bpp);
void        ub_png_expand_row            (const guint8 *src,
                                          guint8       *rgba,
                                          guint32       width,
                                          guint         channels);

const char *ub_png_get_implementation    (void);
void        ub_png_set_portable_only     (gboolean      only);

G_END_DECLS
