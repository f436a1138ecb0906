/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "ub-png-scaler.h"

void
ub_png_scaler_init (UbPngScaler *s,
                    guint32      src_width,
                    guint32      src_height,
                    guint32      dst_width,
                    guint32      dst_height)
{
  s->src_width = src_width;
  s->src_height = src_height;
  s->dst_width = dst_width;
  s->dst_height = dst_height;
  s->col_index = g_new (guint32, src_width);
  s->col_weight = g_new (guint32, src_width);
  s->hsum = g_new0 (guint64, 4 * ((gsize) dst_width + 1));
  s->acc = g_new0 (guint64, 2 * 4 * (gsize) dst_width);
  s->next_src_row = 0;
  s->next_dst_row = 0;

  /* Source column x spans [x·dw, (x+1)·dw); thumbnail column i spans
   * [i·sw, (i+1)·sw). Since dw ≤ sw, x overlaps at most two columns. */
  for (guint32 x = 0; x < src_width; x++)
    {
      guint64 start = (guint64) x * dst_width;
      guint64 end = start + dst_width;
      guint32 i = start / src_width;
      guint64 boundary = (guint64) (i + 1) * src_width;

      s->col_index[x] = i;
      s->col_weight[x] = end <= boundary ? dst_width : (guint32) (boundary - start);
    }
}

void
ub_png_scaler_clear (UbPngScaler *s)
{
  g_clear_pointer (&s->col_index, g_free);
  g_clear_pointer (&s->col_weight, g_free);
  g_clear_pointer (&s->hsum, g_free);
  g_clear_pointer (&s->acc, g_free);
}

static void
scaler_emit (UbPngScaler *s,
             guint8      *out)
{
  guint64 total = (guint64) s->src_width * s->src_height;
  guint64 *acc = s->acc;

  for (guint32 i = 0; i < s->dst_width; i++)
    {
      guint64 a = acc[4 * i + 3];

      if (a == 0)
        memset (out + 4 * i, 0, 4);
      else
        {
          out[4 * i + 0] = (acc[4 * i + 0] + a / 2) / a;
          out[4 * i + 1] = (acc[4 * i + 1] + a / 2) / a;
          out[4 * i + 2] = (acc[4 * i + 2] + a / 2) / a;
          out[4 * i + 3] = (a + total / 2) / total;
        }
    }

  /* The next row's partial sums become the current row's. */
  memmove (acc, acc + 4 * s->dst_width, 4 * s->dst_width * sizeof *acc);
  memset (acc + 4 * s->dst_width, 0, 4 * s->dst_width * sizeof *acc);
}

/* Adds one RGBA8 source row; writes thumbnail rows into @dst as they
 * complete. */
void
ub_png_scaler_push_row (UbPngScaler  *s,
                        const guint8 *row,
                        UbPngImage   *dst)
{
  guint32 dw = s->dst_width;
  guint64 *h = s->hsum;
  guint32 y = s->next_src_row++;
  guint64 start = (guint64) y * s->dst_height;
  guint64 end = start + s->dst_height;
  guint32 j = start / s->src_height;
  guint64 boundary = (guint64) (j + 1) * s->src_height;
  guint64 w_here, w_next;

  /* Horizontal: each source pixel's share of its first column, and what
   * spills into the next one (never past the last: the weights add up). */
  memset (h, 0, 4 * (gsize) (dw + 1) * sizeof *h);
  for (guint32 x = 0; x < s->src_width; x++)
    {
      const guint8 *p = row + 4 * (gsize) x;
      guint32 a = p[3];
      guint64 *c = h + 4 * (gsize) s->col_index[x];
      guint64 w0 = s->col_weight[x];
      guint64 w1 = dw - w0;
      guint32 r = p[0] * a, g = p[1] * a, b = p[2] * a;

      c[0] += w0 * r;
      c[1] += w0 * g;
      c[2] += w0 * b;
      c[3] += w0 * a;
      if (w1 != 0)
        {
          c[4] += w1 * r;
          c[5] += w1 * g;
          c[6] += w1 * b;
          c[7] += w1 * a;
        }
    }

  /* Vertical: this row's weight in thumbnail row j, and in j + 1. */
  w_here = end <= boundary ? s->dst_height : boundary - start;
  w_next = s->dst_height - w_here;

  for (gsize k = 0; k < 4 * (gsize) dw; k++)
    {
      s->acc[k] += w_here * h[k];
      if (w_next != 0)
        s->acc[4 * dw + k] += w_next * h[k];
    }

  if (end >= boundary)
    {
      scaler_emit (s, dst->pixels + (gsize) j * dst->stride);
      s->next_dst_row = j + 1;
    }
}

/**
 * ub_png_scale_image:
 * @source: straight RGBA8
 * @width: the result's width, at most @source's
 * @height: the result's height, at most @source's
 * @pool: (nullable): where the result's buffer comes from
 *
 * Scales a whole image down with the scaler's box filter: each result pixel
 * is the alpha-weighted mean of exactly the source area it covers, so a
 * transparent pixel's colour never bleeds into its neighbours. An image
 * already of that size is copied as it is.
 *
 * Returns: (transfer full) (nullable): the result, or %NULL if its buffer
 *   cannot be had
 */
UbPngImage *
ub_png_scale_image (const UbPngImage *source,
                    guint32           width,
                    guint32           height,
                    UbPngPool        *pool)
{
  UbPngScaler scaler;
  UbPngImage *result;

  g_return_val_if_fail (source != NULL && source->pixels != NULL, NULL);
  g_return_val_if_fail (width > 0 && width <= source->width, NULL);
  g_return_val_if_fail (height > 0 && height <= source->height, NULL);

  result = ub_png_image_new (width, height, pool);
  if (result == NULL)
    return NULL;

  if (width == source->width && height == source->height)
    {
      for (guint32 y = 0; y < height; y++)
        memcpy (result->pixels + (gsize) y * result->stride,
                source->pixels + (gsize) y * source->stride, 4 * (gsize) width);
      return result;
    }

  ub_png_scaler_init (&scaler, source->width, source->height, width, height);
  for (guint32 y = 0; y < source->height; y++)
    ub_png_scaler_push_row (&scaler, source->pixels + (gsize) y * source->stride, result);
  ub_png_scaler_clear (&scaler);

  return result;
}
