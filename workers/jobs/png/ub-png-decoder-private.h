/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdio.h>

#include "ub-png.h"
#include "ub-png-failure-private.h"
#include "ub-png-scaler.h"

G_BEGIN_DECLS

/*
 * The libpng decoder behind ub-png.h, shared by the full decode
 * (ub-png.c) and the thumbnail decode (ub-png-thumbnail.c).
 *
 * A UbPngDecoder lives on its caller's stack and belongs to the thread that
 * runs it: _ub_png_decoder_init(), a source (_ub_png_decoder_open_file(), or
 * @data and @size set by hand), _ub_png_decoder_start(), then the rows into
 * @image or through @row into @scaler and @thumbnail, and always
 * _ub_png_decoder_clear(), which frees whatever is left.
 */
typedef struct
{
  png_structp        png;
  png_infop          info;

  /* Source: exactly one of @file and @data. */
  FILE              *file;
  const guint8      *data;
  gsize              size;
  gsize              pos;

  UbPngLimits        limits;
  UbPngPool         *pool;
  GCancellable      *cancellable;
  UbPngProgressFunc  progress;
  gpointer           progress_data;

  UbPngInfo          header;
  int                passes;
  UbPngImage        *image;       /* (owned) full decode, or interlaced source */
  UbPngImage        *thumbnail;   /* (owned) */
  guint8            *row;         /* (owned) one streamed row */
  UbPngScaler        scaler;

  UbPngFailure       failure;     /* set before png_error() by callbacks */
} UbPngDecoder;

void        _ub_png_decoder_init          (UbPngDecoder       *d,
                                           const UbPngLimits  *limits,
                                           UbPngPool          *pool,
                                           GCancellable       *cancellable);
void        _ub_png_decoder_clear         (UbPngDecoder       *d);
gboolean    _ub_png_decoder_open_file     (UbPngDecoder       *d,
                                           const char         *path,
                                           GError            **error);
gboolean    _ub_png_decoder_start         (UbPngDecoder       *d,
                                           GError            **error);
gboolean    _ub_png_decoder_read_rows     (UbPngDecoder       *d,
                                           GError            **error);
UbPngImage *_ub_png_decoder_out_of_memory (GError            **error);

G_END_DECLS
