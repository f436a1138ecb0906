/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ub-png.h"

G_BEGIN_DECLS

gboolean _ub_png_whole_decode_file (const char         *path,
                                    const UbPngLimits  *limits,
                                    UbPngPool          *pool,
                                    GCancellable       *cancellable,
                                    UbPngProgressFunc   progress,
                                    gpointer            progress_data,
                                    UbPngImage        **out_image,
                                    GError            **error);
gboolean _ub_png_whole_decode_data (const guint8       *data,
                                    gsize               size,
                                    const UbPngLimits  *limits,
                                    UbPngPool          *pool,
                                    GCancellable       *cancellable,
                                    UbPngImage        **out_image,
                                    GError            **error);

G_END_DECLS
