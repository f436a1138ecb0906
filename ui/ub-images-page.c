/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include <glib/gstdio.h>

#include "ub-folder-scan.h"
#include "ub-gallery-place.h"
#include "ub-image-item.h"
#include "ub-image-tile.h"
#include "ub-image-viewer.h"
#include "ub-images-page.h"
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
#define N_SAMPLES            24
#define SAMPLE_SIZE          4096

struct _UbImagesPage
{
  GtkWidget          parent_instance;

  /* Template widgets */
  UbResumeBar       *resume_bar;
  GtkWidget         *content;
  GtkLabel          *status_label;
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

G_DEFINE_FINAL_TYPE (UbImagesPage, ub_images_page, UB_TYPE_PAGE)

static void
show_error (UbImagesPage *self,
            const char   *message)
{
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static guint
n_samples_left (UbImagesPage *self)
{
  return self->samples != NULL ? ub_sample_writer_get_n_left (self->samples) : 0;
}

/* The empty state while nothing is open or coming, and the samples' bar. */
static void
update_views (UbImagesPage *self)
{
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  guint n_left = n_samples_left (self);
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

static void
update_status (UbImagesPage *self)
{
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  g_autofree char *text = NULL;
  UbThumbnailStats stats;

  update_views (self);
  ub_thumbnail_loader_get_stats (self->loader, &stats);

  if (n_samples_left (self) > 0)
    text = g_strdup_printf (_("Generating sample images: %u of %u written by %u workers…"),
                            ub_sample_writer_get_n_images (self->samples) - n_samples_left (self),
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

  gtk_label_set_text (self->status_label, text);
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
  show_error (self, message);
}

/* Opening */

static void
clear_samples (UbImagesPage *self)
{
  if (self->samples == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->samples, self);
  ub_sample_writer_cancel (self->samples);
  g_clear_object (&self->samples);
}

static void
reset (UbImagesPage *self)
{
  self->generation++;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  clear_samples (self);
  ub_thumbnail_loader_reset (self->loader);
  show_error (self, NULL);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_utf8_collate (*(const char * const *) a, *(const char * const *) b);
}

static gboolean
is_png_name (const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);

  return g_str_has_suffix (lower, ".png");
}

/* @paths go after those shown, in the order to show. */
static void
append_paths (UbImagesPage *self,
              GPtrArray    *paths)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < paths->len; i++)
    g_ptr_array_add (items, ub_image_item_new (paths->pdata[i]));

  g_list_store_splice (self->store, g_list_model_get_n_items (G_LIST_MODEL (self->store)), 0,
                       items->pdata, items->len);
  update_status (self);
}

static void
show_if_empty (UbImagesPage *self)
{
  if (g_list_model_get_n_items (G_LIST_MODEL (self->store)) == 0)
    show_error (self, _("There are no PNG images here."));
}

/* The listing arrives in batches: the first tiles show at once. */
static void
on_folder_batch (GPtrArray *paths,
                 gpointer   user_data)
{
  UbPageCall *call = user_data;
  g_autoptr(UbImagesPage) self = ub_page_call_dup_page (call);

  if (self != NULL && call->generation == self->generation)
    append_paths (self, paths);
}

static void
on_folder_scanned (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(UbPageCall) call = user_data;
  g_autoptr(UbImagesPage) self = ub_page_call_dup_page (call);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) paths = ub_folder_scan_pngs_finish (result, &error);

  if (self == NULL || call->generation != self->generation)
    return;

  self->scanning = FALSE;
  ub_gallery_place_set_listing (self->place, FALSE);
  if (paths == NULL)
    {
      show_error (self, error->message);
      update_views (self);
      return;
    }
  update_status (self);
  show_if_empty (self);
}

/**
 * ub_images_page_open_folder:
 * @path: a folder of PNG images
 *
 * Shows the folder's PNG images, listed and sorted in a thread, in name
 * order.
 */
void
ub_images_page_open_folder (UbImagesPage *self,
                            const char   *path)
{
  g_return_if_fail (UB_IS_IMAGES_PAGE (self));
  g_return_if_fail (path != NULL);

  reset (self);
  g_free (self->folder);
  self->folder = g_strdup (path);
  g_list_store_remove_all (self->store);
  ub_resume_bar_hide (self->resume_bar);
  ub_gallery_place_open (self->place, path);

  self->scanning = TRUE;
  ub_gallery_place_set_listing (self->place, TRUE);
  update_views (self);
  ub_folder_scan_pngs_async (path, self->cancellable, on_folder_batch, on_folder_scanned,
                             ub_page_call_new (self, self->generation, 0));
}

/**
 * ub_images_page_open_files:
 * @paths: (element-type filename): PNG files
 */
void
ub_images_page_open_files (UbImagesPage *self,
                           GPtrArray    *paths)
{
  g_autoptr(GPtrArray) pngs = g_ptr_array_new_with_free_func (g_free);

  g_return_if_fail (UB_IS_IMAGES_PAGE (self));

  reset (self);
  g_clear_pointer (&self->folder, g_free);
  ub_gallery_place_open (self->place, NULL);
  for (guint i = 0; i < paths->len; i++)
    g_ptr_array_add (pngs, g_strdup (paths->pdata[i]));
  /* A handful the user picked: sorting them here costs nothing. */
  g_ptr_array_sort (pngs, compare_names);
  g_list_store_remove_all (self->store);
  append_paths (self, pngs);
  show_if_empty (self);
}

static void
on_chosen (GtkNativeDialog *dialog,
           int              response,
           gpointer         user_data)
{
  UbImagesPage *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      GtkFileChooser *chooser = GTK_FILE_CHOOSER (dialog);

      if (gtk_file_chooser_get_action (chooser) == GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER)
        {
          g_autoptr(GFile) folder = gtk_file_chooser_get_file (chooser);
          g_autofree char *path = g_file_get_path (folder);

          if (path != NULL)
            ub_images_page_open_folder (self, path);
        }
      else
        {
          g_autoptr(GListModel) files = gtk_file_chooser_get_files (chooser);
          g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

          for (guint i = 0; i < g_list_model_get_n_items (files); i++)
            {
              g_autoptr(GFile) file = g_list_model_get_item (files, i);
              char *path = g_file_get_path (file);

              if (path != NULL)
                g_ptr_array_add (paths, path);
            }
          ub_images_page_open_files (self, paths);
        }
    }

  g_clear_object (&self->chooser);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  UbImagesPage *self = UB_IMAGES_PAGE (widget);
  gboolean folder = g_str_equal (action_name, "images.open-folder");
  GtkFileChooser *chooser;
  GtkFileFilter *filter;

  chooser = ub_page_open_chooser (widget, &self->chooser,
                                  folder ? _("Open a Folder of Images") : _("Open Images"),
                                  folder ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER
                                         : GTK_FILE_CHOOSER_ACTION_OPEN,
                                  G_CALLBACK (on_chosen));
  if (chooser == NULL || folder)
    return;

  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("PNG images"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_suffix (filter, "png");
  gtk_file_chooser_add_filter (chooser, filter);
  gtk_file_chooser_set_select_multiple (chooser, TRUE);
  g_object_unref (filter);
}

/* Sample images */

static int
compare_items (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  return g_utf8_collate (ub_image_item_get_path ((UbImageItem *) a),
                         ub_image_item_get_path ((UbImageItem *) b));
}

/* Shows a sample as soon as it is there, in name order, once. */
static void
add_sample (UbImagesPage *self,
            const char   *path)
{
  g_autoptr(UbImageItem) item = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->store)); i++)
    {
      g_autoptr(UbImageItem) shown = g_list_model_get_item (G_LIST_MODEL (self->store), i);

      if (g_str_equal (ub_image_item_get_path (shown), path))
        return;
    }
  item = ub_image_item_new (path);
  g_list_store_insert_sorted (self->store, item, compare_items, NULL);
}

static void
on_sample_written (UbImagesPage   *self,
                   const char     *path,
                   UbSampleWriter *samples)
{
  add_sample (self, path);
  update_status (self);
}

static void
on_samples_done (UbImagesPage   *self,
                 UbSampleWriter *samples)
{
  g_autofree char *folder = g_strdup (ub_sample_writer_get_folder (samples));

  /* Every sample is shown already: keep them, and remember the folder. */
  if (g_list_model_get_n_items (G_LIST_MODEL (self->store)) == ub_sample_writer_get_n_images (samples))
    {
      clear_samples (self);
      g_free (self->folder);
      self->folder = g_steal_pointer (&folder);
      ub_gallery_place_open (self->place, self->folder);
      update_status (self);
      return;
    }
  ub_images_page_open_folder (self, folder);
}

static void
on_samples_failed (UbImagesPage   *self,
                   const char     *message,
                   UbSampleWriter *samples)
{
  show_error (self, message);
  update_status (self);
}

static void connect_samples (UbImagesPage *self);

/**
 * ub_images_page_generate_samples:
 * @folder: where to write them
 * @n_images: how many
 * @size: their width and height
 *
 * Writes photo-like sample images in workers, or on the main thread in
 * blocking mode (skipping those already there), then opens the folder.
 */
void
ub_images_page_generate_samples (UbImagesPage *self,
                                 const char   *folder,
                                 guint         n_images,
                                 guint         size)
{
  g_autoptr(GPtrArray) existing = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  UbWorkerPool *pool;

  g_return_if_fail (UB_IS_IMAGES_PAGE (self));
  g_return_if_fail (folder != NULL);

  reset (self);
  pool = ub_thumbnail_loader_ensure_pool (self->loader, &error);
  self->samples = ub_sample_writer_new (folder, n_images, size);

  /* Those already there, looked for before any worker starts writing
   * (a file being written exists before it is whole). */
  for (guint i = 0; i < n_images; i++)
    {
      char *path = ub_sample_writer_dup_path (self->samples, i);

      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (existing, path);
      else
        g_free (path);
    }

  ub_sample_writer_set_blocking (self->samples, ub_page_get_blocking (UB_PAGE (self)));
  if (pool == NULL || !ub_sample_writer_start (self->samples, pool, &error))
    {
      show_error (self, error->message);
      clear_samples (self);
      return;
    }

  if (ub_sample_writer_get_n_left (self->samples) == 0)
    {
      on_samples_done (self, self->samples);
      return;
    }

  /* The gallery fills as the samples are written: those already there now. */
  g_list_store_remove_all (self->store);
  for (guint i = 0; i < existing->len; i++)
    add_sample (self, g_ptr_array_index (existing, i));

  connect_samples (self);
  update_status (self);
}

static char *
samples_folder (void)
{
  return g_build_filename (g_get_user_cache_dir (), "unblock", "samples", NULL);
}

static void
generate_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  g_autofree char *folder = samples_folder ();

  ub_images_page_generate_samples (UB_IMAGES_PAGE (widget), folder, N_SAMPLES, SAMPLE_SIZE);
}

/* Drag and drop */

/* The PNG files among @files; FALSE if there are none. */
static gboolean
open_dropped_files (UbImagesPage *self,
                    GSList       *files)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  for (GSList *l = files; l != NULL; l = l->next)
    {
      char *path = g_file_get_path (l->data);

      if (path != NULL && is_png_name (path))
        g_ptr_array_add (paths, path);
      else
        g_free (path);
    }

  if (paths->len == 0)
    {
      show_error (self, _("Nothing to show: drop PNG images or a folder."));
      return FALSE;
    }

  ub_images_page_open_files (self, paths);
  return TRUE;
}

static void
on_drop_queried (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(UbPageCall) call = user_data;
  g_autoptr(UbImagesPage) self = ub_page_call_dup_page (call);
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  GSList one = { object, NULL };

  info = g_file_query_info_finish (G_FILE (object), result, &error);
  /* Something else was opened meanwhile, or the page went. */
  if (self == NULL || call->generation != self->generation ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (info != NULL && g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
    {
      g_autofree char *path = g_file_get_path (G_FILE (object));

      if (path != NULL)
        ub_images_page_open_folder (self, path);
      else
        show_error (self, _("Only folders on this computer can be opened."));
      return;
    }
  open_dropped_files (self, &one);
}

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         UbImagesPage  *self)
{
  g_autoptr(GSList) files = NULL;

  files = ub_file_drop_get_files (value);
  if (files == NULL)
    return FALSE;

  /* Several: the PNG files among them. */
  if (files->next != NULL)
    return open_dropped_files (self, files);

  /* One: a folder opens, a file is shown; which it is, the file system
   * says, and it may be slow to answer (a network mount): not on the
   * main thread. */
  g_file_query_info_async (files->data, G_FILE_ATTRIBUTE_STANDARD_TYPE, G_FILE_QUERY_INFO_NONE,
                           G_PRIORITY_DEFAULT, self->cancellable, on_drop_queried,
                           ub_page_call_new (self, self->generation, 0));
  return TRUE;
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
      generate_action (GTK_WIDGET (self), "images.generate", NULL);
    }
}

static void
ub_images_page_cancel (UbPage *page)
{
  UbImagesPage *self = UB_IMAGES_PAGE (page);

  clear_samples (self);
  self->scanning = FALSE;
  g_cancellable_cancel (self->cancellable);
  ub_thumbnail_loader_cancel (self->loader);
  update_status (self);
}

static gboolean
ub_images_page_is_busy (UbPage *page)
{
  UbImagesPage *self = UB_IMAGES_PAGE (page);

  return self->scanning || n_samples_left (self) > 0 ||
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
 * the gallery they fill. */
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

  if (work->samples != NULL)
    ub_sample_writer_cancel (work->samples);
  g_clear_object (&work->samples);
  ub_page_clear_pool (&work->pool);
  g_ptr_array_unref (work->items);
  g_free (work->folder);
  g_free (work);
}

static void
connect_samples (UbImagesPage *self)
{
  g_signal_connect_swapped (self->samples, "progress", G_CALLBACK (on_sample_written), self);
  g_signal_connect_swapped (self->samples, "done", G_CALLBACK (on_samples_done), self);
  g_signal_connect_swapped (self->samples, "failed", G_CALLBACK (on_samples_failed), self);
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
      connect_samples (self);
    }
  /* The pool is the loader's now. */
  g_clear_object (&work->pool);
  images_work_free (work);
  update_status (self);
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
  clear_samples (self);
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

static void
ub_images_page_class_init (UbImagesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  UbPageClass *page_class = UB_PAGE_CLASS (klass);

  object_class->dispose = ub_images_page_dispose;
  page_class->load_saved = ub_images_page_load_saved;
  page_class->save_state = ub_images_page_save_state;
  page_class->hand_over = ub_images_page_hand_over;
  page_class->start = ub_images_page_start;
  page_class->cancel = ub_images_page_cancel;
  page_class->start_demo = ub_images_page_start;
  page_class->is_busy = ub_images_page_is_busy;
  object_class->finalize = ub_images_page_finalize;

  ub_page_class_set_template (widget_class, "/io/unblock/Unblock/ub-images-page.ui");
  gtk_widget_class_bind_template_child (widget_class, UbImagesPage, resume_bar);
  gtk_widget_class_bind_template_child (widget_class, UbImagesPage, content);
  gtk_widget_class_bind_template_child (widget_class, UbImagesPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, UbImagesPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, UbImagesPage, samples_box);
  gtk_widget_class_bind_template_child (widget_class, UbImagesPage, samples_bar);
  gtk_widget_class_bind_template_child (widget_class, UbImagesPage, gallery_stack);
  gtk_widget_class_bind_template_child (widget_class, UbImagesPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, UbImagesPage, grid);
  gtk_widget_class_bind_template_callback (widget_class, on_grid_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_resume);
  gtk_widget_class_bind_template_callback (widget_class, on_discard);

  gtk_widget_class_install_action (widget_class, "images.open-folder", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "images.open-files", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "images.generate", NULL, generate_action);
}

static void
ub_images_page_init (UbImagesPage *self)
{
  GtkListItemFactory *factory;
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->store = g_list_store_new (UB_TYPE_IMAGE_ITEM);
  self->loader = ub_thumbnail_loader_new (UB_PAGE (self), self->scroller, THUMBNAIL_SIZE);
  g_signal_connect_object (self->loader, "changed", G_CALLBACK (update_status), self,
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
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
  update_views (self);
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
  stats->n_generating = n_samples_left (self);
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
