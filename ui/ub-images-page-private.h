/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ub-gallery-place.h"
#include "ub-images-page.h"
#include "ub-resume-bar.h"
#include "ub-sample-writer.h"
#include "ub-thumbnail-loader.h"

G_BEGIN_DECLS

/* The Images page's parts share its instance: the page (ub-images-page.c),
 * what it shows (ub-images-open.c: a folder, files picked or dropped) and
 * the sample images it writes (ub-images-samples.c). All of it is the main
 * thread's. */
struct _UbImagesPage
{
  GtkWidget          parent_instance;

  /* Template widgets */
  UbResumeBar       *resume_bar;
  GtkInscription    *status_label;
  GtkLabel          *error_label;
  GtkWidget         *samples_box;
  GtkProgressBar    *samples_bar;
  GtkStack          *gallery_stack;
  GtkScrolledWindow *scroller;
  GtkGridView       *grid;

  /* Owned references */
  GListStore        *store;
  UbThumbnailLoader *loader;
  UbSampleWriter    *samples;      /* (nullable) while sample images are written */
  GCancellable      *cancellable;  /* the open folder's listing */
  GtkNativeDialog   *chooser;
  char              *folder;

  guint              generation;

  UbGalleryPlace    *place;        /* (owned): where the user was */

  /* Figures for the status line */
  gboolean           scanning;
};

void     _ub_images_page_show_error      (UbImagesPage *self,
                                          const char   *message);
guint    _ub_images_page_n_samples_left  (UbImagesPage *self);
void     _ub_images_page_update_views    (UbImagesPage *self);
void     _ub_images_page_update_status   (UbImagesPage *self);
void     _ub_images_page_reset           (UbImagesPage *self);
void     _ub_images_page_clear_samples   (UbImagesPage *self);
void     _ub_images_page_connect_samples (UbImagesPage *self);
void     _ub_images_page_open_action     (GtkWidget    *widget,
                                          const char   *action_name,
                                          GVariant     *parameter);
void     _ub_images_page_generate_action (GtkWidget    *widget,
                                          const char   *action_name,
                                          GVariant     *parameter);
gboolean _ub_images_page_on_drop         (GtkDropTarget *target,
                                          const GValue  *value,
                                          double         x,
                                          double         y,
                                          UbImagesPage  *self);

G_END_DECLS
