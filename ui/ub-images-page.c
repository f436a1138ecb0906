/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "ub-image-item.h"
#include "ub-image-viewer.h"
#include "ub-images-page.h"
#include "ub-page.h"
#include "ub-png-jobs.h"
#include "ub-resume-bar.h"
#include "ub-state.h"
#include "ub-ui.h"
#include "ub-worker-pool.h"

/*
 * The Images page: a gallery of PNG thumbnails decoded by a pool of
 * workers.
 *
 * Only tiles on screen or up to a screen away ask for a thumbnail. The
 * one nearest the viewport goes first, on-screen tiles before all others,
 * so what the user looks at is decoded first. A decode whose tile scrolls
 * more than a screen away is cancelled (the worker stops between rows) and the item goes
 * back to the queue. Thumbnails are kept in a cache of bounded size that
 * evicts the least recently seen; an evicted item is decoded again when
 * it comes back into view.
 *
 * In blocking mode the same job runs on the main thread, one thumbnail per
 * main-loop iteration: scrolling then stutters with every decode.
 */

#define STATE_GALLERY        "images.gallery"
#define SAVE_SCROLL_DELAY_MS 1000
#define THUMBNAIL_SIZE       256
#define CACHE_MAX_THUMBNAILS 240
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
  GtkScrolledWindow *scroller;
  GtkGridView       *grid;
  GtkEntry          *notes_entry;

  /* Owned references */
  GListStore        *store;
  UbWorkerPool      *pool;
  GCancellable      *cancellable;  /* the open folder's work and sample generation */
  GHashTable        *bound;        /* UbImageItem → BoundTile, for the tiles GTK has bound */
  GHashTable        *in_flight;    /* UbImageItem → its call's GCancellable */
  GQueue             lru;          /* (owned) items holding a thumbnail, most recent first */
  GtkNativeDialog   *chooser;
  char              *folder;

  guint              generation;
  guint              max_in_flight;
  guint              cache_size;
  guint              blocking_id;
  guint              pump_id;
  guint              recheck_id;
  gboolean           waiting_for_layout;

  /* Where the user was, saved a second after scrolling stops */
  guint              save_scroll_id;
  double             restore_fraction; /* < 0: nothing to restore */

  /* Figures for the status line and for tests */
  UbImagesPageStats  stats;
  guint              n_samples_left;
  guint              n_samples;
  gboolean           scanning;
};

typedef struct
{
  guint      position; /* in the gallery */
  GtkWidget *tile;     /* (unowned) valid while bound */
} BoundTile;


G_DEFINE_FINAL_TYPE (UbImagesPage, ub_images_page, UB_TYPE_PAGE)

static void pump (UbImagesPage *self);
static void schedule_pump (UbImagesPage *self);

static void
show_error (UbImagesPage *self,
            const char   *message)
{
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
update_status (UbImagesPage *self)
{
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  g_autofree char *text = NULL;

  if (self->n_samples_left > 0)
    text = g_strdup_printf ("Generating sample images: %u of %u written by %u workers…",
                            self->n_samples - self->n_samples_left, self->n_samples,
                            self->max_in_flight);
  else if (n_items == 0)
    return;
  else
    text = g_strdup_printf ("%u images · %u thumbnails decoded · %u decoding · %u cached · "
                            "%u errors%s",
                            n_items, self->stats.n_decoded, g_hash_table_size (self->in_flight),
                            self->lru.length, self->stats.n_errors,
                            ub_page_get_blocking (UB_PAGE (self)) ? " · blocking mode" : "");

  gtk_label_set_text (self->status_label, text);
}

/* The cache */

static void
touch (UbImagesPage *self,
       UbImageItem  *item)
{
  GList *link = g_queue_find (&self->lru, item);

  if (link != NULL)
    {
      g_queue_unlink (&self->lru, link);
      g_queue_push_head_link (&self->lru, link);
    }
}

static void
evict (UbImagesPage *self)
{
  GList *link = self->lru.tail;

  /* Least recently seen first; never a tile on screen. */
  while (self->lru.length > self->cache_size && link != NULL)
    {
      GList *prev = link->prev;
      UbImageItem *item = link->data;

      if (!ub_images_page_is_visible_item (self, item))
        {
          g_queue_delete_link (&self->lru, link);
          ub_image_item_set_queued (item);
          g_object_unref (item);
          self->stats.n_evicted++;
        }
      link = prev;
    }
}

/* Decoding */

/* A thumbnail from a "png.thumbnail" reply: the worker's own buffer
 * becomes the texture, without a copy. */
static void
take_thumbnail (UbImagesPage *self,
                UbImageItem  *item,
                GVariant     *reply)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  guint32 width, height, full_width, full_height;

  ub_png_thumbnail_result_parse (reply, &width, &height, &full_width, &full_height, &bytes);
  texture = gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8A8, bytes, (gsize) width * 4);
  ub_image_item_set_thumbnail (item, texture, full_width, full_height);
  g_queue_push_head (&self->lru, g_object_ref (item));
  self->stats.n_decoded++;
  evict (self);
}

static void
on_thumbnail_done (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(UbPageCall) call = user_data;
  g_autoptr(UbImagesPage) self = ub_page_call_dup_page (call);
  UbImageItem *item = call->object;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = ub_worker_pool_call_finish (UB_WORKER_POOL (object), result, &error);
  if (self == NULL || call->generation != self->generation)
    return;

  g_hash_table_remove (self->in_flight, item);

  if (reply != NULL)
    {
      take_thumbnail (self, item, reply);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      ub_image_item_set_queued (item);
    }
  else
    {
      ub_image_item_set_error (item, error->message);
      self->stats.n_errors++;
    }

  pump (self);
  update_status (self);
}

/* How far a tile is from the viewport, in pixels: 0 when on screen. */
static double
distance_from_view (UbImagesPage *self,
                    GtkWidget    *tile)
{
  graphene_rect_t bounds;
  double height = gtk_widget_get_height (GTK_WIDGET (self->scroller));
  double top;
  double bottom;

  /* Tiles GTK keeps around but has not placed are as far as can be. */
  if (tile == NULL || !gtk_widget_get_mapped (tile) ||
      !gtk_widget_compute_bounds (tile, GTK_WIDGET (self->scroller), &bounds) ||
      bounds.size.height <= 0)
    return G_MAXDOUBLE;

  top = bounds.origin.y;
  bottom = top + bounds.size.height;
  if (bottom <= 0)
    return -bottom;
  if (top >= height)
    return top - height;
  return 0;
}

static UbImageItem *
pick_next (UbImagesPage *self)
{
  GHashTableIter iter;
  gpointer key, value;
  UbImageItem *best = NULL;
  double best_distance = G_MAXDOUBLE;
  guint best_position = 0;
  gboolean cache_full = self->lru.length >= self->cache_size;
  double reach = gtk_widget_get_height (GTK_WIDGET (self->scroller));

  self->waiting_for_layout = FALSE;

  /* The bound tile nearest the viewport that still needs its thumbnail;
   * among equals, the first in reading order. Tiles up to a screen away are
   * decoded ahead, unless the cache is full: then only tiles on screen
   * qualify, as decoding ahead would just evict what is there. */
  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      UbImageItem *item = key;
      BoundTile *bound = value;
      double distance;

      if (ub_image_item_get_state (item) != UB_IMAGE_QUEUED ||
          g_hash_table_contains (self->in_flight, item))
        continue;

      distance = distance_from_view (self, bound->tile);
      if (distance == G_MAXDOUBLE)
        self->waiting_for_layout = TRUE;
      if (distance > reach || (cache_full && distance > 0))
        continue;
      if (best == NULL || distance < best_distance ||
          (distance == best_distance && bound->position < best_position))
        {
          best = item;
          best_distance = distance;
          best_position = bound->position;
        }
    }

  return best;
}

/* Stop decoding what went far out of view. */
static void
cancel_far_decodes (UbImagesPage *self)
{
  GHashTableIter iter;
  gpointer key, value;
  double height = gtk_widget_get_height (GTK_WIDGET (self->scroller));

  g_hash_table_iter_init (&iter, self->in_flight);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      BoundTile *bound = g_hash_table_lookup (self->bound, key);

      if (bound != NULL && distance_from_view (self, bound->tile) > height &&
          !g_cancellable_is_cancelled (value))
        {
          g_cancellable_cancel (value);
          self->stats.n_cancelled++;
        }
    }
}

static double
scroll_fraction (UbImagesPage *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scroller);
  double range = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);

  return range > 0 ? gtk_adjustment_get_value (adjustment) / range : 0;
}

/* The open folder and how far down it was scrolled, for the next start. */
static void
save_gallery (UbImagesPage *self)
{
  g_clear_handle_id (&self->save_scroll_id, g_source_remove);
  if (self->folder != NULL && self->restore_fraction < 0)
    ub_state_set (STATE_GALLERY, g_variant_new ("(sd)", self->folder, scroll_fraction (self)));
}

static gboolean
save_scroll_cb (gpointer user_data)
{
  UbImagesPage *self = user_data;

  self->save_scroll_id = 0;
  save_gallery (self);
  return G_SOURCE_REMOVE;
}

/* Once the folder is listed and laid out, scroll to where the user was. */
static void
on_adjustment_changed (UbImagesPage *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scroller);
  double range = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);

  if (self->restore_fraction < 0 || g_list_model_get_n_items (G_LIST_MODEL (self->store)) == 0 ||
      gtk_adjustment_get_upper (adjustment) <= 0)
    return;

  /* Laid out, and it all fits: nothing to scroll to. */
  if (range <= 0)
    {
      self->restore_fraction = -1;
      return;
    }

  gtk_adjustment_set_value (adjustment, self->restore_fraction * range);
  self->restore_fraction = -1;
}

/* After a scroll the tiles move only at the next layout: look then. */
static void
on_scrolled (UbImagesPage *self)
{
  schedule_pump (self);

  if (self->folder != NULL && self->restore_fraction < 0)
    {
      g_clear_handle_id (&self->save_scroll_id, g_source_remove);
      self->save_scroll_id = g_timeout_add (SAVE_SCROLL_DELAY_MS, save_scroll_cb, self);
    }
}

static void
start_thumbnail (UbImagesPage *self,
                 UbImageItem  *item)
{
  GCancellable *cancellable = g_cancellable_new ();

  g_hash_table_insert (self->in_flight, g_object_ref (item), cancellable);
  ub_image_item_set_decoding (item);
  ub_worker_pool_call_async (self->pool, UB_PNG_JOB_THUMBNAIL,
                             ub_png_thumbnail_params_new (ub_image_item_get_path (item), THUMBNAIL_SIZE),
                             cancellable, NULL, NULL, NULL, on_thumbnail_done,
                             ub_page_call_new_for_object (self, self->generation, item));
}

static void
decode_blocking (UbImagesPage *self,
                 UbImageItem  *item)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = ub_job_run_sync (UB_PNG_JOB_THUMBNAIL,
                           ub_png_thumbnail_params_new (ub_image_item_get_path (item), THUMBNAIL_SIZE),
                           NULL, NULL, NULL, &error);
  if (reply == NULL)
    {
      ub_image_item_set_error (item, error->message);
      self->stats.n_errors++;
      return;
    }

  take_thumbnail (self, item, reply);
}

static gboolean
blocking_step (gpointer user_data)
{
  UbImagesPage *self = user_data;
  UbImageItem *item = pick_next (self);

  if (item == NULL || !ub_page_get_blocking (UB_PAGE (self)))
    {
      self->blocking_id = 0;
      pump (self);
      return G_SOURCE_REMOVE;
    }

  /* The negative control: one decode per main-loop iteration, on the
   * main thread. */
  decode_blocking (self, item);
  update_status (self);
  return G_SOURCE_CONTINUE;
}

static gboolean
recheck_tick (GtkWidget     *widget,
              GdkFrameClock *frame_clock,
              gpointer       user_data)
{
  UbImagesPage *self = UB_IMAGES_PAGE (widget);

  self->recheck_id = 0;
  schedule_pump (self);
  return G_SOURCE_REMOVE;
}

static void
pump (UbImagesPage *self)
{
  g_autoptr(GError) error = NULL;
  UbImageItem *item;

  cancel_far_decodes (self);

  if (ub_page_get_blocking (UB_PAGE (self)))
    {
      if (self->blocking_id == 0 && pick_next (self) == NULL && self->waiting_for_layout &&
          self->recheck_id == 0)
        self->recheck_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), recheck_tick, NULL, NULL);
      if (self->blocking_id == 0 && pick_next (self) != NULL)
        self->blocking_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, blocking_step, self, NULL);
      return;
    }

  if (!ub_page_ensure_pool (&self->pool, self->max_in_flight, &error))
    {
      show_error (self, error->message);
      return;
    }

  while (g_hash_table_size (self->in_flight) < self->max_in_flight &&
         (item = pick_next (self)) != NULL)
    start_thumbnail (self, item);

  /* Tiles bound but not placed yet: look again after the next frame. */
  if (self->waiting_for_layout && self->recheck_id == 0 &&
      g_hash_table_size (self->in_flight) < self->max_in_flight)
    self->recheck_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), recheck_tick, NULL, NULL);
}

static gboolean
pump_cb (gpointer user_data)
{
  UbImagesPage *self = user_data;

  self->pump_id = 0;
  pump (self);
  return G_SOURCE_REMOVE;
}

/* Tiles are bound before they are placed: choose what to decode once the
 * frame's layout is done, so distances from the viewport are known. */
static void
schedule_pump (UbImagesPage *self)
{
  if (self->pump_id == 0)
    self->pump_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, pump_cb, self, NULL);
}

/* Tiles */

static void
sync_tile (GtkWidget   *tile,
           UbImageItem *item)
{
  GtkPicture *picture = g_object_get_data (G_OBJECT (tile), "picture");
  GtkLabel *name = g_object_get_data (G_OBJECT (tile), "name");
  GtkLabel *status = g_object_get_data (G_OBJECT (tile), "status");
  g_autofree char *text = ub_image_item_dup_status (item);

  gtk_picture_set_paintable (picture, GDK_PAINTABLE (ub_image_item_get_thumbnail (item)));
  gtk_label_set_text (name, ub_image_item_get_name (item));
  gtk_label_set_text (status, text);
  gtk_widget_set_tooltip_text (tile, text);

  if (ub_image_item_get_state (item) == UB_IMAGE_ERROR)
    gtk_widget_add_css_class (GTK_WIDGET (status), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (status), "error");
}

static void
on_item_state (UbImageItem *item,
               GParamSpec  *pspec,
               GtkWidget   *tile)
{
  sync_tile (tile, item);
}

static void
setup_tile (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            gpointer                  user_data)
{
  GtkWidget *tile = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *picture = gtk_picture_new ();
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *status = gtk_label_new (NULL);

  gtk_widget_set_size_request (picture, 180, 180);
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_CONTAIN);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_ellipsize (GTK_LABEL (status), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (name), 20);
  gtk_label_set_max_width_chars (GTK_LABEL (status), 20);
  gtk_widget_add_css_class (status, "dim-label");
  gtk_widget_add_css_class (status, "caption");
  gtk_widget_set_margin_top (tile, 6);
  gtk_widget_set_margin_bottom (tile, 6);

  gtk_box_append (GTK_BOX (tile), picture);
  gtk_box_append (GTK_BOX (tile), name);
  gtk_box_append (GTK_BOX (tile), status);
  g_object_set_data (G_OBJECT (tile), "picture", picture);
  g_object_set_data (G_OBJECT (tile), "name", name);
  g_object_set_data (G_OBJECT (tile), "status", status);

  gtk_list_item_set_child (list_item, tile);
}

static void
bind_tile (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           UbImagesPage             *self)
{
  UbImageItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *tile = gtk_list_item_get_child (list_item);
  BoundTile *bound = g_new (BoundTile, 1);
  gulong handler;

  handler = g_signal_connect_object (item, "notify::state", G_CALLBACK (on_item_state), tile, 0);
  g_object_set_data (G_OBJECT (list_item), "handler", GSIZE_TO_POINTER (handler));
  sync_tile (tile, item);

  bound->position = gtk_list_item_get_position (list_item);
  bound->tile = tile;
  g_hash_table_replace (self->bound, g_object_ref (item), bound);
  touch (self, item);
  schedule_pump (self);
}

static void
unbind_tile (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             UbImagesPage             *self)
{
  UbImageItem *item = gtk_list_item_get_item (list_item);
  gulong handler = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (list_item), "handler"));
  GCancellable *cancellable;

  if (handler != 0)
    g_signal_handler_disconnect (item, handler);
  g_object_set_data (G_OBJECT (list_item), "handler", NULL);

  g_hash_table_remove (self->bound, item);

  /* Scrolled away before its thumbnail came: stop decoding it. */
  cancellable = g_hash_table_lookup (self->in_flight, item);
  if (cancellable != NULL)
    {
      g_cancellable_cancel (cancellable);
      self->stats.n_cancelled++;
    }
}

/* Opening */

static void
reset (UbImagesPage *self)
{
  GHashTableIter iter;
  gpointer value;

  self->generation++;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  g_hash_table_iter_init (&iter, self->in_flight);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_cancellable_cancel (value);
  g_hash_table_remove_all (self->in_flight);
  g_queue_clear_full (&self->lru, g_object_unref);
  g_clear_handle_id (&self->blocking_id, g_source_remove);
  memset (&self->stats, 0, sizeof self->stats);
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

static void
set_paths (UbImagesPage *self,
           GPtrArray    *paths)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  g_ptr_array_sort (paths, compare_names);
  for (guint i = 0; i < paths->len; i++)
    g_ptr_array_add (items, ub_image_item_new (paths->pdata[i]));

  g_list_store_splice (self->store, 0, g_list_model_get_n_items (G_LIST_MODEL (self->store)),
                       items->pdata, items->len);
  update_status (self);

  if (items->len == 0)
    show_error (self, "There are no PNG images here.");
}

typedef struct
{
  char      *folder;
  GPtrArray *paths;
} FolderScan;

static void
folder_scan_free (gpointer data)
{
  FolderScan *scan = data;

  g_free (scan->folder);
  g_ptr_array_unref (scan->paths);
  g_free (scan);
}

/* Listing a folder is I/O: it runs in a GIO thread, never here. */
static void
scan_folder_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  FolderScan *scan = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (scan->folder, 0, &error);
  const char *name;

  if (dir == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    if (is_png_name (name))
      g_ptr_array_add (scan->paths, g_build_filename (scan->folder, name, NULL));

  g_task_return_boolean (task, TRUE);
}

static void
on_folder_scanned (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(UbPageCall) call = user_data;
  g_autoptr(UbImagesPage) self = ub_page_call_dup_page (call);
  g_autoptr(GError) error = NULL;
  FolderScan *scan = g_task_get_task_data (G_TASK (result));

  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);

  if (self == NULL || call->generation != self->generation)
    return;

  self->scanning = FALSE;
  if (!ok)
    show_error (self, error->message);
  else
    set_paths (self, scan->paths);
}

/**
 * ub_images_page_open_folder:
 * @path: a folder of PNG images
 *
 * Shows the folder's PNG images, listed in a thread, in name order.
 */
void
ub_images_page_open_folder (UbImagesPage *self,
                            const char   *path)
{
  g_autoptr(GTask) task = NULL;
  FolderScan *scan;

  g_return_if_fail (UB_IS_IMAGES_PAGE (self));
  g_return_if_fail (path != NULL);

  reset (self);
  g_free (self->folder);
  self->folder = g_strdup (path);
  g_list_store_remove_all (self->store);
  ub_resume_bar_hide (self->resume_bar);
  if (self->restore_fraction < 0)
    ub_state_set (STATE_GALLERY, g_variant_new ("(sd)", path, 0.0));

  scan = g_new0 (FolderScan, 1);
  scan->folder = g_strdup (path);
  scan->paths = g_ptr_array_new_with_free_func (g_free);

  self->scanning = TRUE;
  task = g_task_new (NULL, self->cancellable, on_folder_scanned,
                     ub_page_call_new (self, self->generation, 0));
  g_task_set_task_data (task, scan, folder_scan_free);
  g_task_run_in_thread (task, scan_folder_thread);
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
  for (guint i = 0; i < paths->len; i++)
    g_ptr_array_add (pngs, g_strdup (paths->pdata[i]));
  set_paths (self, pngs);
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
                                  folder ? "Open a Folder of Images" : "Open Images",
                                  folder ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER
                                         : GTK_FILE_CHOOSER_ACTION_OPEN,
                                  G_CALLBACK (on_chosen));
  if (chooser == NULL || folder)
    return;

  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, "PNG images");
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_suffix (filter, "png");
  gtk_file_chooser_add_filter (chooser, filter);
  gtk_file_chooser_set_select_multiple (chooser, TRUE);
  g_object_unref (filter);
}

/* Sample images */

static void
on_sample_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(UbPageCall) call = user_data;
  g_autoptr(UbImagesPage) self = ub_page_call_dup_page (call);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = ub_worker_pool_call_finish (UB_WORKER_POOL (object), result, &error);
  if (self == NULL || call->generation != self->generation || self->n_samples_left == 0)
    return;

  if (reply == NULL)
    {
      self->n_samples_left = 0;
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error->message);
      return;
    }

  if (--self->n_samples_left == 0)
    ub_images_page_open_folder (self, call->object ? g_object_get_data (call->object, "folder") : NULL);
  else
    update_status (self);
}

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
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) marker = g_object_new (G_TYPE_OBJECT, NULL);
  guint n_missing = 0;

  g_return_if_fail (UB_IS_IMAGES_PAGE (self));
  g_return_if_fail (folder != NULL);

  reset (self);
  if (g_mkdir_with_parents (folder, 0755) != 0)
    {
      int saved_errno = errno;
      g_autofree char *message = g_strdup_printf ("Cannot create “%s”: %s", folder,
                                                  g_strerror (saved_errno));

      show_error (self, message);
      return;
    }

  if (!ub_page_ensure_pool (&self->pool, self->max_in_flight, &error))
    {
      show_error (self, error->message);
      return;
    }

  /* The folder to open when the last image is written. */
  g_object_set_data_full (marker, "folder", g_strdup (folder), g_free);

  for (guint i = 0; i < n_images; i++)
    {
      g_autofree char *name = g_strdup_printf ("sample-%02u-%ux%u.png", i + 1, size, size);
      g_autofree char *path = g_build_filename (folder, name, NULL);

      if (g_file_test (path, G_FILE_TEST_EXISTS))
        continue;

      /* Blocking mode: the very same job, here, before anything else runs. */
      if (ub_page_get_blocking (UB_PAGE (self)))
        {
          g_autoptr(GVariant) reply = ub_job_run_sync (UB_PNG_JOB_SAMPLE,
                                                       ub_png_sample_params_new (path, size, size,
                                                                                 (guint64) i + 1),
                                                       NULL, NULL, NULL, &error);

          if (reply == NULL)
            {
              show_error (self, error->message);
              return;
            }
          continue;
        }

      n_missing++;
      ub_worker_pool_call_async (self->pool, UB_PNG_JOB_SAMPLE,
                                 ub_png_sample_params_new (path, size, size, (guint64) i + 1),
                                 self->cancellable, NULL, NULL, NULL, on_sample_done,
                                 ub_page_call_new_for_object (self, self->generation, marker));
    }

  self->n_samples = n_images;
  self->n_samples_left = n_missing;
  if (n_missing == 0)
    ub_images_page_open_folder (self, folder);
  else
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

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         UbImagesPage  *self)
{
  GSList *files = g_value_get_boxed (value);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  if (files == NULL)
    return FALSE;

  /* One folder: open it; otherwise the PNG files among what was dropped. */
  if (files->next == NULL &&
      g_file_query_file_type (files->data, G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_DIRECTORY)
    {
      g_autofree char *path = g_file_get_path (files->data);

      if (path == NULL)
        return FALSE;
      ub_images_page_open_folder (self, path);
      return TRUE;
    }

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
      show_error (self, "Nothing to show: drop PNG images or a folder.");
      return FALSE;
    }

  ub_images_page_open_files (self, paths);
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
  GHashTableIter iter;
  gpointer value;

  self->n_samples_left = 0;
  self->scanning = FALSE;
  g_cancellable_cancel (self->cancellable);
  g_hash_table_iter_init (&iter, self->in_flight);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_cancellable_cancel (value);
  update_status (self);
}

static gboolean
ub_images_page_is_busy (UbPage *page)
{
  UbImagesPage *self = UB_IMAGES_PAGE (page);

  /* Also between two decodes: while a pump or a look after layout is due. */
  return self->scanning || self->n_samples_left > 0 || g_hash_table_size (self->in_flight) > 0 ||
         self->blocking_id != 0 || self->pump_id != 0 || self->recheck_id != 0;
}

static char *
saved_folder (double *fraction)
{
  g_autoptr(GVariant) saved = ub_state_dup (STATE_GALLERY);
  const char *folder;

  if (saved == NULL || !g_variant_is_of_type (saved, G_VARIANT_TYPE ("(sd)")))
    return NULL;

  g_variant_get (saved, "(&sd)", &folder, fraction);
  if (!g_file_test (folder, G_FILE_TEST_IS_DIR))
    return NULL;
  *fraction = CLAMP (*fraction, 0.0, 1.0);
  return g_strdup (folder);
}

static void
reopen_saved (UbImagesPage *self)
{
  double fraction = 0;
  g_autofree char *folder = saved_folder (&fraction);

  if (folder == NULL)
    return;

  self->restore_fraction = fraction;
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

  if (self->folder != NULL || !(folder = saved_folder (&fraction)))
    return;

  if (resume_now)
    {
      reopen_saved (self);
      return;
    }

  name = g_filename_display_name (folder);
  message = g_strdup_printf ("Reopen %s where you left it (%.0f %% down)?", name, 100 * fraction);
  ub_resume_bar_offer (self->resume_bar, message);
}

static void
ub_images_page_save_state (UbPage *page)
{
  save_gallery (UB_IMAGES_PAGE (page));
}

static void
on_resume (UbImagesPage *self)
{
  reopen_saved (self);
}

static void
on_discard (UbImagesPage *self)
{
  ub_state_remove (STATE_GALLERY);
}


static void
ub_images_page_dispose (GObject *object)
{
  UbImagesPage *self = UB_IMAGES_PAGE (object);

  /* Nothing the workers still send may reach this page. */
  self->generation++;
  ub_page_stop_work (&self->cancellable, &self->pool);
  g_clear_handle_id (&self->blocking_id, g_source_remove);
  ub_page_close_chooser (&self->chooser, self);
  g_clear_handle_id (&self->pump_id, g_source_remove);
  g_clear_handle_id (&self->save_scroll_id, g_source_remove);
  if (self->recheck_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->recheck_id);
  self->recheck_id = 0;


  gtk_widget_dispose_template (GTK_WIDGET (self), UB_TYPE_IMAGES_PAGE);
  ub_widget_unparent_children (GTK_WIDGET (self));

  g_clear_pointer (&self->in_flight, g_hash_table_unref);
  g_clear_pointer (&self->bound, g_hash_table_unref);
  g_queue_clear_full (&self->lru, g_object_unref);
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
  page_class->start = ub_images_page_start;
  page_class->cancel = ub_images_page_cancel;
  page_class->start_demo = ub_images_page_start;
  page_class->is_busy = ub_images_page_is_busy;
  object_class->finalize = ub_images_page_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/unblock/Unblock/ub-images-page.ui");
  gtk_widget_class_bind_template_child (widget_class, UbImagesPage, resume_bar);
  gtk_widget_class_bind_template_child (widget_class, UbImagesPage, content);
  gtk_widget_class_bind_template_child (widget_class, UbImagesPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, UbImagesPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, UbImagesPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, UbImagesPage, grid);
  gtk_widget_class_bind_template_child (widget_class, UbImagesPage, notes_entry);
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
  self->bound = g_hash_table_new_full (NULL, NULL, g_object_unref, g_free);
  self->in_flight = g_hash_table_new_full (NULL, NULL, g_object_unref, g_object_unref);
  self->cancellable = g_cancellable_new ();
  self->max_in_flight = MAX (g_get_num_processors (), 1);
  self->cache_size = CACHE_MAX_THUMBNAILS;
  self->restore_fraction = -1;

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
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->scroller), "changed",
                           G_CALLBACK (on_adjustment_changed), self, G_CONNECT_SWAPPED);

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
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

  self->cache_size = n_thumbnails;
  evict (self);
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

  *stats = self->stats;
  stats->n_in_flight = g_hash_table_size (self->in_flight);
  stats->n_cached = self->lru.length;
  stats->n_visible = g_hash_table_size (self->bound);
  stats->n_generating = self->n_samples_left;
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
  BoundTile *bound;

  g_return_val_if_fail (UB_IS_IMAGES_PAGE (self), FALSE);

  bound = g_hash_table_lookup (self->bound, item);
  return bound != NULL && distance_from_view (self, bound->tile) == 0;
}

GtkWidget *
ub_images_page_get_notes_entry (UbImagesPage *self)
{
  g_return_val_if_fail (UB_IS_IMAGES_PAGE (self), NULL);

  return GTK_WIDGET (self->notes_entry);
}

const char *
ub_images_page_get_error (UbImagesPage *self)
{
  g_return_val_if_fail (UB_IS_IMAGES_PAGE (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    return NULL;
  return gtk_label_get_text (self->error_label);
}
