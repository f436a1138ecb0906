/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "ub-page.h"

#include "ub-image-item.h"
#include "ub-thumbnail-loader.h"

G_BEGIN_DECLS

/**
 * UbImagesPageStats:
 * @thumbnails: the thumbnail loader's figures, since the folder was opened
 * @n_generating: sample images still being written
 * @samples_progress: the share of them written, as the progress bar shows
 *   it; -1 when no bar is shown
 * @empty_shown: the page shows its empty state (nothing open, nothing coming)
 */
typedef struct
{
  UbThumbnailStats thumbnails;
  guint            n_generating;
  double           samples_progress;
  gboolean         empty_shown;
} UbImagesPageStats;

#define UB_TYPE_IMAGES_PAGE (ub_images_page_get_type ())

G_DECLARE_FINAL_TYPE (UbImagesPage, ub_images_page, UB, IMAGES_PAGE, UbPage)

GtkWidget         *ub_images_page_new              (void);
void               ub_images_page_open_folder      (UbImagesPage      *self,
                                                    const char        *path);
void               ub_images_page_open_files       (UbImagesPage      *self,
                                                    GPtrArray         *paths);
void               ub_images_page_generate_samples (UbImagesPage      *self,
                                                    const char        *folder,
                                                    guint              n_images,
                                                    guint              size);
void               ub_images_page_set_cache_size   (UbImagesPage      *self,
                                                    guint              n_thumbnails);
UbWorkerPool      *ub_images_page_get_pool         (UbImagesPage      *self);
GListModel        *ub_images_page_get_model        (UbImagesPage      *self);
GtkScrolledWindow *ub_images_page_get_scroller     (UbImagesPage      *self);
void               ub_images_page_get_stats        (UbImagesPage      *self,
                                                    UbImagesPageStats *stats);
gboolean           ub_images_page_is_visible_item  (UbImagesPage      *self,
                                                    UbImageItem       *item);
const char        *ub_images_page_get_error        (UbImagesPage      *self);

G_END_DECLS
