/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <png.h>

#include <glib.h>

G_BEGIN_DECLS

/*
 * How a libpng failure reaches the code that called libpng, shared by the
 * decoder and the encoder. libpng's error callback gets a UbPngFailure as
 * its error pointer: it keeps libpng's message and longjmp()s back. An I/O
 * callback that knows the real cause (a read or write error, a full disk)
 * stores it in @cause before calling png_error(), and that GError wins.
 *
 * A UbPngFailure lives inside the reader's or writer's state and belongs
 * to the one thread that runs it.
 */
typedef struct
{
  GError *cause;         /* (owned) (nullable) */
  char    message[256];  /* libpng's message, "" if none */
} UbPngFailure;

void     _ub_png_failure_on_error   (png_structp      png,
                                     png_const_charp  message);
void     _ub_png_failure_on_warning (png_structp      png,
                                     png_const_charp  message);
gboolean _ub_png_failure_take_cause (UbPngFailure    *failure,
                                     GError         **error);
void     _ub_png_failure_clear      (UbPngFailure    *failure);

G_END_DECLS
