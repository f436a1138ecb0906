/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "ub-image-item.h"
#include "ub-page.h"

G_BEGIN_DECLS

/**
 * UbThumbnailStats:
 * @n_decoded: thumbnails decoded since the last reset
 * @n_errors: images that could not be decoded
 * @n_evicted: thumbnails dropped from the cache
 * @n_cancelled: decodes cancelled because their tile scrolled away
 * @n_in_flight: decodes running now
 * @n_cached: thumbnails in the cache now
 * @n_visible: tiles bound now (on screen and around it)
 * @cached_bytes: the decoded pixels of the thumbnails in the cache now
 * @cache_max_bytes: the bound on @cached_bytes, but for tiles on screen
 */
typedef struct
{
  guint n_decoded;
  guint n_errors;
  guint n_evicted;
  guint n_cancelled;
  guint n_in_flight;
  guint n_cached;
  guint n_visible;
  gsize cached_bytes;
  gsize cache_max_bytes;
} UbThumbnailStats;

#define UB_TYPE_THUMBNAIL_LOADER (ub_thumbnail_loader_get_type ())

G_DECLARE_FINAL_TYPE (UbThumbnailLoader, ub_thumbnail_loader, UB, THUMBNAIL_LOADER, GObject)

UbThumbnailLoader *ub_thumbnail_loader_new             (UbPage            *page,
                                                        GtkScrolledWindow *scroller,
                                                        guint              thumbnail_size);
UbWorkerPool      *ub_thumbnail_loader_ensure_pool     (UbThumbnailLoader *self,
                                                        GError           **error);
UbWorkerPool      *ub_thumbnail_loader_steal_pool      (UbThumbnailLoader *self);
void               ub_thumbnail_loader_set_pool        (UbThumbnailLoader *self,
                                                        UbWorkerPool      *pool);
guint              ub_thumbnail_loader_get_n_workers   (UbThumbnailLoader *self);
void               ub_thumbnail_loader_set_cache_size  (UbThumbnailLoader *self,
                                                        guint              n_thumbnails);
void               ub_thumbnail_loader_bind            (UbThumbnailLoader *self,
                                                        UbImageItem       *item,
                                                        GtkWidget         *tile,
                                                        guint              position);
void               ub_thumbnail_loader_unbind          (UbThumbnailLoader *self,
                                                        UbImageItem       *item);
void               ub_thumbnail_loader_schedule        (UbThumbnailLoader *self);
void               ub_thumbnail_loader_cancel          (UbThumbnailLoader *self);
void               ub_thumbnail_loader_reset           (UbThumbnailLoader *self);
void               ub_thumbnail_loader_stop            (UbThumbnailLoader *self);
gboolean           ub_thumbnail_loader_is_busy         (UbThumbnailLoader *self);
gboolean           ub_thumbnail_loader_is_visible_item (UbThumbnailLoader *self,
                                                        UbImageItem       *item);
void               ub_thumbnail_loader_get_stats       (UbThumbnailLoader *self,
                                                        UbThumbnailStats  *stats);

G_END_DECLS
