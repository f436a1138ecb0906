/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ub-png-encode.h"

G_BEGIN_DECLS

/**
 * UbPngSample:
 *
 * A procedural, photo-like landscape (sky with clouds, a fractal mountain
 * ridge, textured ground, film grain) rendered one row at a time and fully
 * determined by its size and seed. It compresses about as badly as a
 * photograph, which is what benchmarks and the Images page need. A sample
 * is read-only once made, so several threads may render rows from it.
 */
typedef struct _UbPngSample UbPngSample;

UbPngSample *ub_png_sample_new        (guint32              width,
                                       guint32              height,
                                       guint64              seed);
void         ub_png_sample_free       (UbPngSample         *sample);
void         ub_png_sample_render_row (const UbPngSample   *sample,
                                       guint32              y,
                                       UbPngFormat          format,
                                       guint8              *row);

gboolean     ub_png_sample_write_file (const char                *path,
                                       guint32                    width,
                                       guint32                    height,
                                       guint64                    seed,
                                       UbPngFormat                format,
                                       const UbPngEncodeOptions  *options,
                                       GCancellable              *cancellable,
                                       GError                   **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UbPngSample, ub_png_sample_free)

G_END_DECLS
