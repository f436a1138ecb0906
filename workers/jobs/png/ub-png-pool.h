/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * UbPngPool:
 *
 * A small, bounded, thread-safe pool of pixel buffers keyed by their size.
 *
 * Touching fresh memory is expensive (every 4 KiB page faults in on first
 * write), so decoding a stream of same-sized images into a fresh buffer
 * each time spends more time in the kernel than in inflate. A buffer handed
 * back with ub_png_pool_release() is kept (up to the pool's byte and count
 * bounds) and given out again by the next ub_png_pool_acquire() of exactly
 * the same size. Large buffers are mapped with transparent huge pages
 * requested, which makes their first touch cheaper too.
 *
 * The pool is reference counted; every acquired buffer must be released to
 * the pool it came from (or to no pool: ub_png_pool_release() with a %NULL
 * pool frees it). Any thread may acquire and release.
 */
typedef struct _UbPngPool UbPngPool;

UbPngPool *ub_png_pool_new         (gsize      max_bytes,
                                    guint      max_buffers);
UbPngPool *ub_png_pool_get_default (void);
UbPngPool *ub_png_pool_ref         (UbPngPool *pool);
void       ub_png_pool_unref       (UbPngPool *pool);

guint8    *ub_png_pool_acquire     (UbPngPool *pool,
                                    gsize      size,
                                    gboolean  *out_reused);
void       ub_png_pool_release     (UbPngPool *pool,
                                    guint8    *buffer,
                                    gsize      size);
void       ub_png_pool_trim        (UbPngPool *pool);

gsize      ub_png_pool_get_cached_bytes (UbPngPool *pool);
guint      ub_png_pool_get_cached_count (UbPngPool *pool);

guint8    *ub_png_buffer_alloc     (gsize      size);
void       ub_png_buffer_free      (guint8    *buffer,
                                    gsize      size);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UbPngPool, ub_png_pool_unref)

G_END_DECLS
