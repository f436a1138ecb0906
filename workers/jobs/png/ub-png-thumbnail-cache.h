/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ub-png.h"

G_BEGIN_DECLS

/*
 * The desktop's shared thumbnail cache, as the freedesktop.org thumbnail
 * specification lays it out: $XDG_CACHE_HOME/thumbnails/{normal,large,
 * x-large,xx-large}/MD5(URI).png, each a PNG of at most 128, 256, 512 or
 * 1024 pixels a side whose tEXt chunks Thumb::URI and Thumb::MTime name
 * the original and the modification time it was made from. A thumbnail
 * whose URI or MTime does not match is stale and made again. A file that
 * cannot be thumbnailed gets an entry under fail/unblock/, so that it is
 * not decoded again until it changes.
 *
 * Thumbnails other programs made (the file manager's, say) are used as
 * ours are, and ours serve them. All functions are plain file I/O, safe
 * to call from any thread at once: the cache's only shared state is the
 * file system, and every file is written whole to a temporary name and
 * renamed into place, so readers see a complete thumbnail or none.
 */

/**
 * UbThumbnailLookup:
 * @UB_THUMBNAIL_MISS: no usable thumbnail: decode the original
 * @UB_THUMBNAIL_HIT: a thumbnail was found and decoded
 * @UB_THUMBNAIL_FAILED_BEFORE: a failure entry says this very version of
 *   the file could not be thumbnailed
 */
typedef enum
{
  UB_THUMBNAIL_MISS,
  UB_THUMBNAIL_HIT,
  UB_THUMBNAIL_FAILED_BEFORE,
} UbThumbnailLookup;

/**
 * UbThumbnailSource:
 * @path: the original's file name, absolute
 * @uri: its URI, as it is hashed and recorded
 * @mtime: its modification time, in whole seconds
 * @size: its size in bytes
 *
 * What a thumbnail is checked against. Filled by
 * ub_thumbnail_source_init() from one stat() of the original.
 */
typedef struct
{
  char   *path;
  char   *uri;
  gint64  mtime;
  guint64 size;
} UbThumbnailSource;

gboolean           ub_thumbnail_source_init  (UbThumbnailSource  *source,
                                              const char         *path,
                                              GError            **error);
void               ub_thumbnail_source_clear (UbThumbnailSource  *source);

char              *ub_thumbnail_cache_dup_default_root (void);
guint              ub_thumbnail_cache_size_for         (guint               max_size);
char              *ub_thumbnail_cache_dup_path         (const char         *root,
                                                        const char         *uri,
                                                        guint               max_size);

UbThumbnailLookup  ub_thumbnail_cache_lookup    (const char               *root,
                                                 const UbThumbnailSource  *source,
                                                 guint                     max_size,
                                                 const UbPngLimits        *limits,
                                                 UbPngPool                *pool,
                                                 UbPngImage              **out_image,
                                                 guint32                  *out_width,
                                                 guint32                  *out_height,
                                                 GError                  **error);
gboolean           ub_thumbnail_cache_store     (const char               *root,
                                                 const UbThumbnailSource  *source,
                                                 guint                     max_size,
                                                 const UbPngImage         *image,
                                                 guint32                   width,
                                                 guint32                   height,
                                                 GError                  **error);
gboolean           ub_thumbnail_cache_store_failure (const char              *root,
                                                     const UbThumbnailSource *source,
                                                     const GError            *reason,
                                                     GError                 **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (UbThumbnailSource, ub_thumbnail_source_clear)

G_END_DECLS
