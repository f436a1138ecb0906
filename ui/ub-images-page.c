/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "ub-gallery-place.h"
#include "ub-image-item.h"
#include "ub-image-tile.h"
#include "ub-image-viewer.h"
#include "ub-images-page-private.h"
#include "ub-page.h"
#include "ub-png-jobs.h"
#include "ub-resume-bar.h"
#include "ub-sample-writer.h"
#include "ub-thumbnail-loader.h"
#include "ub-ui.h"
#include "ub-worker-pool.h"

/*
 * The Images page: a gallery of PNG thumbnails decoded by a pool of
 * workers. The page lists the images and keeps the user's place; which
 * thumbnail is decoded when, and which stay cached, is the
 * UbThumbnailLoader's business, and each tile is a UbImageTile.
 */

#define THUMBNAIL_SIZE       256

G_DEFINE_FINAL_TYPE (UbImagesPage, ub_images_page, UB_TYPE_PAGE)

void
_ub_images_page_show_error (UbImagesPage *self,
                            const char   *message)
{
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

guint
_ub_images_page_n_samples_left (UbImagesPage *self)
{
  return self->samples != NULL ? ub_sample_writer_get_n_left (self->samples) : 0;
}

/* The empty state while nothing is open or coming, and the samples' bar. */
void
_ub_images_page_update_views (UbImagesPage *self)
{
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  guint n_left = _ub_images_page_n_samples_left (self);
  gboolean empty = n_items == 0 && !self->scanning && n_left == 0;

  gtk_stack_set_visible_child_name (self->gallery_stack, empty ? "empty" : "gallery");
  gtk_widget_set_visible (self->samples_box, n_left > 0);
  if (n_left > 0)
    {
      guint n_images = ub_sample_writer_get_n_images (self->samples);
      g_autofree char *text = g_strdup_printf (_("%u of %u sample images written"),
                                               n_images - n_left, n_images);

      gtk_progress_bar_set_fraction (self->samples_bar, (n_images - n_left) / (double) n_images);
      gtk_progress_bar_set_text (self->samples_bar, text);
    }
}

void
_ub_images_page_update_status (UbImagesPage *self)
{
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  g_autofree char *text = NULL;
  UbThumbnailStats stats;

  _ub_images_page_update_views (self);
  ub_thumbnail_loader_get_stats (self->loader, &stats);

  if (_ub_images_page_n_samples_left (self) > 0)
    text = g_strdup_printf (_("Generating sample images: %u of %u written by %u workers…"),
                            ub_sample_writer_get_n_images (self->samples) - _ub_images_page_n_samples_left (self),
                            ub_sample_writer_get_n_images (self->samples),
                            ub_thumbnail_loader_get_n_workers (self->loader));
  else if (n_items == 0)
    return;
  else
    text = g_strdup_printf (_("%u images · %u thumbnails decoded · %u decoding · %u cached · "
                            "%u errors%s"),
                            n_items, stats.n_decoded, stats.n_in_flight, stats.n_cached,
                            stats.n_errors,
                            ub_page_get_blocking (UB_PAGE (self)) ? _(" · blocking mode") : "");

  gtk_inscription_set_text (self->status_label, text);
}

/* After a scroll the tiles move only at the next layout: look then. */
static void
on_scrolled (UbImagesPage *self)
{
  ub_thumbnail_loader_schedule (self->loader);
}

/* Tiles */

static void
setup_tile (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            gpointer                  user_data)
{
  gtk_list_item_set_child (list_item, ub_image_tile_new ());
}

static void
bind_tile (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           UbImagesPage             *self)
{
  UbImageItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *tile = gtk_list_item_get_child (list_item);

  ub_image_tile_set_item (UB_IMAGE_TILE (tile), item);
  ub_thumbnail_loader_bind (self->loader, item, tile, gtk_list_item_get_position (list_item));
}

static void
unbind_tile (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             UbImagesPage             *self)
{
  UbImageItem *item = gtk_list_item_get_item (list_item);

  ub_image_tile_set_item (UB_IMAGE_TILE (gtk_list_item_get_child (list_item)), NULL);
  if (self->loader != NULL)
    ub_thumbnail_loader_unbind (self->loader, item);
}

static void
on_loader_error (UbImagesPage *self,
                 const char   *message)
{
  _ub_images_page_show_error (self, message);
}

/* The viewer */

static void
on_grid_activate (UbImagesPage *self,
                  guint         position)
{
  GListModel *model = G_LIST_MODEL (self->store);
  guint n_items = g_list_model_get_n_items (model);
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) paths = NULL;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *viewer;

  if (position >= n_items)
    return;

  /* The whole folder, so that the viewer can step through it. */
  builder = g_strv_builder_new ();
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(UbImageItem) item = g_list_model_get_item (model, i);

      g_strv_builder_add (builder, ub_image_item_get_path (item));
    }
  paths = g_strv_builder_end (builder);

  viewer = ub_image_viewer_new_for_list ((const char * const *) paths, position,
                                         ub_page_get_blocking (UB_PAGE (self)));
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (viewer), GTK_WINDOW (root));
  gtk_window_present (GTK_WINDOW (viewer));
}

/* UbPage */

static void
ub_images_page_start (UbPage *page)
{
  UbImagesPage *self = UB_IMAGES_PAGE (page);

  if (self->folder != NULL)
    {
      g_autofree char *folder = g_strdup (self->folder);

      ub_images_page_open_folder (self, folder);
    }
  else
    {
      _ub_images_page_generate_action (GTK_WIDGET (self), "images.generate", NULL);
    }
}

static void
ub_images_page_cancel (UbPage *page)
{
  UbImagesPage *self = UB_IMAGES_PAGE (page);

  _ub_images_page_clear_samples (self);
  self->scanning = FALSE;
  g_cancellable_cancel (self->cancellable);
  ub_thumbnail_loader_cancel (self->loader);
  _ub_images_page_update_status (self);
}

static gboolean
ub_images_page_is_busy (UbPage *page)
{
  UbImagesPage *self = UB_IMAGES_PAGE (page);

  return self->scanning || _ub_images_page_n_samples_left (self) > 0 ||
         ub_thumbnail_loader_is_busy (self->loader);
}

static void
reopen_saved (UbImagesPage *self)
{
  g_autofree char *folder = ub_gallery_place_restore (self->place);

  if (folder != NULL)
    ub_images_page_open_folder (self, folder);
}

static void
ub_images_page_load_saved (UbPage   *page,
                           gboolean  resume_now)
{
  UbImagesPage *self = UB_IMAGES_PAGE (page);
  double fraction = 0;
  g_autofree char *folder = NULL;
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;

  /* A gallery shown or coming (a reloaded window's) stays as it is. */
  if (self->folder != NULL || self->samples != NULL ||
      g_list_model_get_n_items (G_LIST_MODEL (self->store)) > 0 ||
      !(folder = ub_gallery_place_dup_saved (&fraction)))
    return;

  if (resume_now)
    {
      reopen_saved (self);
      return;
    }

  name = g_filename_display_name (folder);
  message = g_strdup_printf (_("Reopen %s where you left it (%.0f %% down)?"), name, 100 * fraction);
  ub_resume_bar_offer (self->resume_bar, message);
}

static void
ub_images_page_save_state (UbPage *page)
{
  ub_gallery_place_save (UB_IMAGES_PAGE (page)->place);
}

static void
on_resume (UbImagesPage *self)
{
  reopen_saved (self);
}

static void
on_discard (UbImagesPage *self)
{
  ub_gallery_place_forget ();
}


/* Reload */

/* What a page hands over to the next window's page: running workers and
 * the gallery they fill. Owned by the application between the two pages,
 * then by the page that takes it; used on the main thread only. */
typedef struct
{
  UbWorkerPool   *pool;      /* (owned) (nullable): the thumbnail workers */
  UbSampleWriter *samples;   /* (owned) (nullable): writing, in those workers */
  GPtrArray      *items;     /* (owned) UbImageItem: the gallery */
  char           *folder;    /* (owned) (nullable) */
  gboolean        scanning;
} ImagesWork;

/* No page took it: the work stops. */
static void
images_work_free (gpointer data)
{
  ImagesWork *work = data;

  ub_sample_writer_clear (&work->samples, NULL);
  ub_page_clear_pool (&work->pool);
  g_ptr_array_unref (work->items);
  g_free (work->folder);
  g_free (work);
}

static void
ub_images_page_hand_over (UbPage *page)
{
  UbImagesPage *self = UB_IMAGES_PAGE (page);
  GListModel *model = G_LIST_MODEL (self->store);
  ImagesWork *work = g_new0 (ImagesWork, 1);

  work->pool = ub_thumbnail_loader_steal_pool (self->loader);
  if (self->samples != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->samples, self);
      work->samples = g_steal_pointer (&self->samples);
    }
  work->items = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    g_ptr_array_add (work->items, g_list_model_get_item (model, i));
  work->folder = g_strdup (self->folder);
  work->scanning = self->scanning;
  ub_page_keep_work (page, work, images_work_free);
}

/* A reloaded window: the gallery as it was, in the same workers. */
static void
take_over (UbImagesPage *self)
{
  ImagesWork *work = ub_page_take_work (UB_PAGE (self));

  if (work == NULL)
    return;

  if (work->pool != NULL)
    ub_thumbnail_loader_set_pool (self->loader, work->pool);
  if (work->scanning && work->folder != NULL)
    {
      /* A listing is a thread of its own, not a worker's: list again. */
      ub_images_page_open_folder (self, work->folder);
    }
  else
    {
      g_free (self->folder);
      self->folder = g_steal_pointer (&work->folder);
      ub_gallery_place_open (self->place, self->folder);
      g_list_store_splice (self->store, 0, 0, work->items->pdata, work->items->len);
    }
  if (work->samples != NULL)
    {
      self->samples = g_steal_pointer (&work->samples);
      _ub_images_page_connect_samples (self);
    }
  /* The pool is the loader's now. */
  g_clear_object (&work->pool);
  images_work_free (work);
  _ub_images_page_update_status (self);
}

static void
ub_images_page_dispose (GObject *object)
{
  UbImagesPage *self = UB_IMAGES_PAGE (object);

  /* Nothing the workers still send may reach this page. */
  self->generation++;
  if (self->loader != NULL)
    ub_thumbnail_loader_stop (self->loader);
  g_cancellable_cancel (self->cancellable);
  /* The samples go on being written in their run (the activity list and
   * a notification say when they are there). */
  ub_sample_writer_detach (&self->samples, self);
  ub_page_close_chooser (&self->chooser, self);
  g_clear_pointer (&self->place, ub_gallery_place_free);
  g_clear_object (&self->loader);
  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (ub_images_page_parent_class)->dispose (object);
}

static void
ub_images_page_finalize (GObject *object)
{
  UbImagesPage *self = UB_IMAGES_PAGE (object);

  g_clear_pointer (&self->folder, g_free);

  G_OBJECT_CLASS (ub_images_page_parent_class)->finalize (object);
}

static const UbPageChild images_children[] = {
  UB_PAGE_CHILD (UbImagesPage, resume_bar), UB_PAGE_CHILD (UbImagesPage, status_label),
  UB_PAGE_CHILD (UbImagesPage, error_label), UB_PAGE_CHILD (UbImagesPage, samples_box),
  UB_PAGE_CHILD (UbImagesPage, samples_bar), UB_PAGE_CHILD (UbImagesPage, gallery_stack),
  UB_PAGE_CHILD (UbImagesPage, scroller), UB_PAGE_CHILD (UbImagesPage, grid),
  { NULL }
};

static const UbPageCallback images_callbacks[] = {
  UB_PAGE_CALLBACK (on_grid_activate), UB_PAGE_CALLBACK (on_resume),
  UB_PAGE_CALLBACK (on_discard),
  { NULL }
};

static void
ub_images_page_class_init (UbImagesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  UbPageClass *page_class = UB_PAGE_CLASS (klass);

  object_class->dispose = ub_images_page_dispose;
  page_class->load_saved = ub_images_page_load_saved;
  page_class->save_state = ub_images_page_save_state;
  UB_PAGE_CLASS_IMPLEMENT_WORK (page_class, ub_images_page);
  object_class->finalize = ub_images_page_finalize;

  ub_page_class_set_view (widget_class, "/io/unblock/Unblock/ub-images-page.ui",
                          UB_PAGE_VIEW_PLAIN, images_children, images_callbacks);

  gtk_widget_class_install_action (widget_class, "images.open-folder", NULL, _ub_images_page_open_action);
  gtk_widget_class_install_action (widget_class, "images.open-files", NULL, _ub_images_page_open_action);
  gtk_widget_class_install_action (widget_class, "images.generate", NULL, _ub_images_page_generate_action);
}

static void
ub_images_page_init (UbImagesPage *self)
{
  GtkListItemFactory *factory;
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->store = g_list_store_new (UB_TYPE_IMAGE_ITEM);
  self->loader = ub_thumbnail_loader_new (UB_PAGE (self), self->scroller, THUMBNAIL_SIZE);
  g_signal_connect_object (self->loader, "changed", G_CALLBACK (_ub_images_page_update_status), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->loader, "error", G_CALLBACK (on_loader_error), self,
                           G_CONNECT_SWAPPED);
  self->cancellable = g_cancellable_new ();
  self->place = ub_gallery_place_new (self->scroller, G_LIST_MODEL (self->store));

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_tile), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_tile), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_tile), self);
  gtk_grid_view_set_factory (self->grid, factory);
  g_object_unref (factory);

  {
    GtkSelectionModel *selection = GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->store))));

    gtk_grid_view_set_model (self->grid, selection);
    g_object_unref (selection);
  }

  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->scroller), "value-changed",
                           G_CALLBACK (on_scrolled), self, G_CONNECT_SWAPPED);

  drop = ub_file_drop_target_new ();
  g_signal_connect (drop, "drop", G_CALLBACK (_ub_images_page_on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
  _ub_images_page_update_views (self);
  take_over (self);
}

GtkWidget *
ub_images_page_new (void)
{
  return g_object_new (UB_TYPE_IMAGES_PAGE, NULL);
}

/**
 * ub_images_page_set_cache_size:
 * @n_thumbnails: how many thumbnails the cache keeps at most (tiles on
 *   screen are kept whatever this says)
 */
void
ub_images_page_set_cache_size (UbImagesPage *self,
                               guint         n_thumbnails)
{
  g_return_if_fail (UB_IS_IMAGES_PAGE (self));
  g_return_if_fail (n_thumbnails > 0);

  ub_thumbnail_loader_set_cache_size (self->loader, n_thumbnails);
}

/**
 * ub_images_page_get_pool:
 *
 * Returns: (transfer none) (nullable): the workers that decode the
 *   thumbnails and write the samples, started if they were not
 */
UbWorkerPool *
ub_images_page_get_pool (UbImagesPage *self)
{
  g_return_val_if_fail (UB_IS_IMAGES_PAGE (self), NULL);

  return ub_thumbnail_loader_ensure_pool (self->loader, NULL);
}

/**
 * ub_images_page_get_model:
 *
 * Returns: (transfer none): the gallery's items, #UbImageItem
 */
GListModel *
ub_images_page_get_model (UbImagesPage *self)
{
  g_return_val_if_fail (UB_IS_IMAGES_PAGE (self), NULL);

  return G_LIST_MODEL (self->store);
}

/**
 * ub_images_page_get_scroller:
 *
 * Returns: (transfer none): the scrolled window around the grid
 */
GtkScrolledWindow *
ub_images_page_get_scroller (UbImagesPage *self)
{
  g_return_val_if_fail (UB_IS_IMAGES_PAGE (self), NULL);

  return self->scroller;
}

void
ub_images_page_get_stats (UbImagesPage      *self,
                          UbImagesPageStats *stats)
{
  g_return_if_fail (UB_IS_IMAGES_PAGE (self));
  g_return_if_fail (stats != NULL);

  ub_thumbnail_loader_get_stats (self->loader, &stats->thumbnails);
  stats->n_generating = _ub_images_page_n_samples_left (self);
  stats->samples_progress = gtk_widget_get_visible (self->samples_box)
                              ? gtk_progress_bar_get_fraction (self->samples_bar) : -1;
  stats->empty_shown = g_str_equal (gtk_stack_get_visible_child_name (self->gallery_stack), "empty");
}

/**
 * ub_images_page_is_visible_item:
 *
 * Returns: whether @item's tile is on screen now
 */
gboolean
ub_images_page_is_visible_item (UbImagesPage *self,
                                UbImageItem  *item)
{
  g_return_val_if_fail (UB_IS_IMAGES_PAGE (self), FALSE);

  return ub_thumbnail_loader_is_visible_item (self->loader, item);
}

const char *
ub_images_page_get_error (UbImagesPage *self)
{
  g_return_val_if_fail (UB_IS_IMAGES_PAGE (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    return NULL;
  return gtk_label_get_text (self->error_label);
}
