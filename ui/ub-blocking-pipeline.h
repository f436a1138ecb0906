/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * UbBlockingResultFunc:
 * @index: which image
 * @width: the result's width
 * @height: the result's height
 * @pixels: (nullable): the result, RGBA; %NULL on error
 * @error: (nullable): why the image failed
 * @main_bytes: bytes decoding and scaling it held on the main thread
 * @user_data: closure data
 */
typedef void (*UbBlockingResultFunc) (guint       index,
                                      guint       width,
                                      guint       height,
                                      GBytes     *pixels,
                                      const char *error,
                                      guint64     main_bytes,
                                      gpointer    user_data);

typedef struct _UbBlockingPipeline UbBlockingPipeline;

UbBlockingPipeline *ub_blocking_pipeline_new        (const char * const   *paths,
                                                     guint                 max_size,
                                                     UbBlockingResultFunc  func,
                                                     gpointer              user_data);
void                ub_blocking_pipeline_free       (UbBlockingPipeline   *self);
gboolean            ub_blocking_pipeline_run        (UbBlockingPipeline   *self);
gboolean            ub_blocking_pipeline_is_running (UbBlockingPipeline   *self);
guint               ub_blocking_pipeline_get_n_done (UbBlockingPipeline   *self);
guint               ub_blocking_pipeline_get_n_images (UbBlockingPipeline *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UbBlockingPipeline, ub_blocking_pipeline_free)

G_END_DECLS
