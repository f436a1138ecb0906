/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "ub-png-image.h"

G_BEGIN_DECLS

/*
 * UbPngScaler: scales RGBA8 rows down as they stream in, one source row at
 * a time, writing each thumbnail row once it is complete. A box filter
 * with exact fractional coverage, weighted by alpha. In fixed units a
 * source column spans dst_width and a thumbnail column src_width, so all
 * overlaps are integers. Plain memory, used by one thread at a time.
 */
typedef struct
{
  guint32  src_width, src_height;
  guint32  dst_width, dst_height;
  guint32 *col_index;   /* first thumbnail column each source column feeds */
  guint32 *col_weight;  /* its weight there; dst_width - it goes to the next */
  guint64 *hsum;        /* one source row, scaled horizontally, 4 × (dst_width + 1) */
  guint64 *acc;         /* current and next thumbnail row, 2 × 4 × dst_width */
  guint32  next_src_row;
  guint32  next_dst_row;
} UbPngScaler;

void ub_png_scaler_init     (UbPngScaler  *s,
                             guint32       src_width,
                             guint32       src_height,
                             guint32       dst_width,
                             guint32       dst_height);
void ub_png_scaler_clear    (UbPngScaler  *s);
void ub_png_scaler_push_row (UbPngScaler  *s,
                             const guint8 *row,
                             UbPngImage   *dst);

UbPngImage *ub_png_scale_image (const UbPngImage *source,
                                guint32           width,
                                guint32           height,
                                UbPngPool        *pool);

G_END_DECLS
