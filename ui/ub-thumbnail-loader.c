/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-image-tile.h"
#include "ub-png-jobs.h"
#include "ub-thumbnail-loader.h"
#include "ub-worker-pool.h"

/*
 * The gallery's thumbnail loader: which tile to decode next, in which
 * worker, and which thumbnails to keep. Main thread only.
 *
 * Only tiles on screen or up to a screen away ask for a thumbnail. The one
 * nearest the viewport goes first, on-screen tiles before all others, so
 * what the user looks at is decoded first. A decode whose tile scrolls more
 * than a screen away is cancelled (the worker stops between rows) and the
 * item goes back to the queue. Thumbnails are kept in a cache bounded in
 * bytes of decoded pixels (CACHE_MAX_BYTES unless set otherwise) that
 * evicts the least recently seen; an evicted item is decoded again when
 * it comes back into view. Tiles on screen keep their thumbnails whatever
 * the bound, so the cache holds at most the bound or a screenful.
 *
 * Thumbnails come at the size the tiles draw them (UB_IMAGE_TILE_ART_SIZE
 * times the scale factor, in device pixels) and premultiplied, from the
 * "png.screen-thumbnail" job: drawing one is a plain copy, where a larger
 * straight-alpha one would be converted and scaled by the renderer on the
 * main thread every frame. When the scale factor changes, every thumbnail
 * is made again for the new one.
 *
 * In blocking mode the same job runs on the main thread
 * (ub_job_run_blocking()), every thumbnail the tiles want back to back:
 * scrolling then stalls for the whole batch.
 */

/* 256 thumbnails of 256² RGBA: a folder of any size costs at most this. */
#define CACHE_MAX_BYTES (64 * 1024 * 1024)

struct _UbThumbnailLoader
{
  GObject            parent_instance;

  UbPage            *page;       /* (unowned) owns the loader, stops it in dispose */
  GtkScrolledWindow *scroller;   /* (unowned) the page's, around the grid */

  /* Owned references */
  UbWorkerPool      *pool;
  GHashTable        *bound;      /* UbImageItem → BoundTile, for the tiles GTK has bound */
  GHashTable        *in_flight;  /* UbImageItem → its call's GCancellable */
  GQueue             lru;        /* (owned) items holding a thumbnail, most recent first */

  guint              thumbnail_size;
  guint              drawn_size;    /* device pixels, of the thumbnails asked for now */
  guint              generation;
  guint              max_in_flight;
  gsize              cache_max_bytes;
  gsize              cache_bytes;   /* the thumbnails of the items in lru */
  guint              blocking_id;
  guint              pump_id;
  guint              recheck_id;
  gboolean           waiting_for_layout;

  UbThumbnailStats   stats;
};

typedef struct
{
  guint      position; /* in the gallery */
  GtkWidget *tile;     /* (unowned) valid while bound */
} BoundTile;

enum {
  CHANGED,
  ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (UbThumbnailLoader, ub_thumbnail_loader, G_TYPE_OBJECT)

static void pump (UbThumbnailLoader *self);

/* The cache */

static void
touch (UbThumbnailLoader *self,
       UbImageItem       *item)
{
  GList *link = g_queue_find (&self->lru, item);

  if (link != NULL)
    {
      g_queue_unlink (&self->lru, link);
      g_queue_push_head_link (&self->lru, link);
    }
}

static gsize
thumbnail_bytes (UbImageItem *item)
{
  GdkTexture *texture = ub_image_item_get_thumbnail (item);

  return texture != NULL ? (gsize) gdk_texture_get_width (texture) *
                           gdk_texture_get_height (texture) * 4 : 0;
}

static void
evict (UbThumbnailLoader *self)
{
  GList *link = self->lru.tail;

  /* Least recently seen first; never a tile on screen. */
  while (self->cache_bytes > self->cache_max_bytes && link != NULL)
    {
      GList *prev = link->prev;
      UbImageItem *item = link->data;

      if (!ub_thumbnail_loader_is_visible_item (self, item))
        {
          self->cache_bytes -= thumbnail_bytes (item);
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
take_thumbnail (UbThumbnailLoader *self,
                UbImageItem       *item,
                GVariant          *reply)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  guint32 width, height, full_width, full_height;

  ub_png_thumbnail_result_parse (reply, &width, &height, &full_width, &full_height, &bytes);
  texture = gdk_memory_texture_new (width, height, GDK_MEMORY_B8G8R8A8_PREMULTIPLIED, bytes,
                                    (gsize) width * 4);
  ub_image_item_set_thumbnail (item, texture, full_width, full_height);
  g_queue_push_head (&self->lru, g_object_ref (item));
  self->cache_bytes += thumbnail_bytes (item);
  self->stats.n_decoded++;
  evict (self);
}

static void
on_thumbnail_done (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(UbPageCall) call = user_data;
  g_autoptr(UbThumbnailLoader) self = ub_page_call_dup_page (call);
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
  g_signal_emit (self, signals[CHANGED], 0);
}

/* How far a tile is from the viewport, in pixels: 0 when on screen. */
static double
distance_from_view (UbThumbnailLoader *self,
                    GtkWidget         *tile)
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
pick_next (UbThumbnailLoader *self)
{
  GHashTableIter iter;
  gpointer key, value;
  UbImageItem *best = NULL;
  double best_distance = G_MAXDOUBLE;
  guint best_position = 0;
  gboolean cache_full = self->cache_bytes >= self->cache_max_bytes;
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
cancel_far_decodes (UbThumbnailLoader *self)
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

static GVariant *
thumbnail_params (UbThumbnailLoader *self,
                  UbImageItem       *item)
{
  return ub_png_screen_thumbnail_params_new (ub_image_item_get_path (item), self->drawn_size);
}

static void
start_thumbnail (UbThumbnailLoader *self,
                 UbImageItem       *item)
{
  GCancellable *cancellable = g_cancellable_new ();

  g_hash_table_insert (self->in_flight, g_object_ref (item), cancellable);
  ub_image_item_set_decoding (item);
  ub_worker_pool_call_async (self->pool, UB_PNG_JOB_SCREEN_THUMBNAIL, thumbnail_params (self, item),
                             cancellable, NULL, NULL, NULL, on_thumbnail_done,
                             ub_page_call_new_for_object (self, self->generation, item));
}

static void
decode_blocking (UbThumbnailLoader *self,
                 UbImageItem       *item)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = ub_job_run_blocking (UB_PNG_JOB_SCREEN_THUMBNAIL, thumbnail_params (self, item),
                               NULL, NULL, NULL, &error);
  if (reply == NULL)
    {
      ub_image_item_set_error (item, error->message);
      self->stats.n_errors++;
      return;
    }

  take_thumbnail (self, item, reply);
}

/* The negative control, blocking mode's one strategy: every thumbnail
 * the tiles now want, one after the other on the main thread, from one
 * dispatch (the idle only leaves the list's bind callbacks first). Tiles
 * that appear at the next layout start the next batch. */
static gboolean
blocking_batch (gpointer user_data)
{
  g_autoptr(UbThumbnailLoader) self = g_object_ref (user_data);
  UbImageItem *item;

  while (ub_page_get_blocking (self->page) && (item = pick_next (self)) != NULL)
    {
      guint generation = self->generation;

      decode_blocking (self, item);
      g_signal_emit (self, signals[CHANGED], 0);
      /* Stopped or cancelled by a handler meanwhile. */
      if (generation != self->generation || self->blocking_id == 0)
        return G_SOURCE_REMOVE;
    }

  self->blocking_id = 0;
  pump (self);
  return G_SOURCE_REMOVE;
}

static gboolean
recheck_tick (GtkWidget     *widget,
              GdkFrameClock *frame_clock,
              gpointer       user_data)
{
  UbThumbnailLoader *self = user_data;

  self->recheck_id = 0;
  ub_thumbnail_loader_schedule (self);
  return G_SOURCE_REMOVE;
}

static void
recheck_after_frame (UbThumbnailLoader *self)
{
  if (self->recheck_id == 0)
    self->recheck_id = gtk_widget_add_tick_callback (GTK_WIDGET (self->page), recheck_tick,
                                                     self, NULL);
}

static void
pump (UbThumbnailLoader *self)
{
  g_autoptr(GError) error = NULL;
  UbImageItem *item;

  cancel_far_decodes (self);

  if (ub_page_get_blocking (self->page))
    {
      if (self->blocking_id == 0 && pick_next (self) == NULL && self->waiting_for_layout)
        recheck_after_frame (self);
      if (self->blocking_id == 0 && pick_next (self) != NULL)
        self->blocking_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, blocking_batch, self, NULL);
      return;
    }

  if (ub_thumbnail_loader_ensure_pool (self, &error) == NULL)
    {
      g_signal_emit (self, signals[ERROR], 0, error->message);
      return;
    }

  while (g_hash_table_size (self->in_flight) < self->max_in_flight &&
         (item = pick_next (self)) != NULL)
    start_thumbnail (self, item);

  /* Tiles bound but not placed yet: look again after the next frame. */
  if (self->waiting_for_layout && g_hash_table_size (self->in_flight) < self->max_in_flight)
    recheck_after_frame (self);
}

static gboolean
pump_cb (gpointer user_data)
{
  UbThumbnailLoader *self = user_data;

  self->pump_id = 0;
  pump (self);
  return G_SOURCE_REMOVE;
}

static void
cancel_in_flight (UbThumbnailLoader *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->in_flight);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_cancellable_cancel (value);
}

/* Thumbnails made for another scale factor are made again, the ones on
 * screen first. */
static void
on_scale_factor (UbThumbnailLoader *self)
{
  guint drawn_size = UB_IMAGE_TILE_ART_SIZE * gtk_widget_get_scale_factor (GTK_WIDGET (self->scroller));
  GHashTableIter iter;
  UbImageItem *item;

  if (drawn_size == self->drawn_size)
    return;

  self->drawn_size = drawn_size;
  self->generation++;
  cancel_in_flight (self);
  g_hash_table_iter_init (&iter, self->in_flight);
  while (g_hash_table_iter_next (&iter, (gpointer *) &item, NULL))
    ub_image_item_set_queued (item);
  g_hash_table_remove_all (self->in_flight);
  while ((item = g_queue_pop_head (&self->lru)) != NULL)
    {
      ub_image_item_set_queued (item);
      g_object_unref (item);
    }
  self->cache_bytes = 0;
  ub_thumbnail_loader_schedule (self);
}

/* GObject */

static void
ub_thumbnail_loader_dispose (GObject *object)
{
  UbThumbnailLoader *self = UB_THUMBNAIL_LOADER (object);

  ub_thumbnail_loader_stop (self);

  G_OBJECT_CLASS (ub_thumbnail_loader_parent_class)->dispose (object);
}

static void
ub_thumbnail_loader_finalize (GObject *object)
{
  UbThumbnailLoader *self = UB_THUMBNAIL_LOADER (object);

  g_clear_pointer (&self->in_flight, g_hash_table_unref);
  g_clear_pointer (&self->bound, g_hash_table_unref);

  G_OBJECT_CLASS (ub_thumbnail_loader_parent_class)->finalize (object);
}

static void
ub_thumbnail_loader_class_init (UbThumbnailLoaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ub_thumbnail_loader_dispose;
  object_class->finalize = ub_thumbnail_loader_finalize;

  /**
   * UbThumbnailLoader::changed:
   *
   * A thumbnail arrived or failed: the figures of the status line changed.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * UbThumbnailLoader::error:
   * @message: what went wrong
   *
   * The loader could not start its workers.
   */
  signals[ERROR] = g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
ub_thumbnail_loader_init (UbThumbnailLoader *self)
{
  self->bound = g_hash_table_new_full (NULL, NULL, g_object_unref, g_free);
  self->in_flight = g_hash_table_new_full (NULL, NULL, g_object_unref, g_object_unref);
  self->max_in_flight = MAX (g_get_num_processors (), 1);
  self->cache_max_bytes = CACHE_MAX_BYTES;
}

/**
 * ub_thumbnail_loader_new:
 * @page: the page that owns the loader; it must call
 *   ub_thumbnail_loader_stop() in its dispose
 * @scroller: the scrolled window around the page's grid
 * @thumbnail_size: the thumbnails' longest side, in pixels
 *
 * Returns: (transfer full): a loader with an empty cache and no workers yet
 */
UbThumbnailLoader *
ub_thumbnail_loader_new (UbPage            *page,
                         GtkScrolledWindow *scroller,
                         guint              thumbnail_size)
{
  UbThumbnailLoader *self;

  g_return_val_if_fail (UB_IS_PAGE (page), NULL);
  g_return_val_if_fail (GTK_IS_SCROLLED_WINDOW (scroller), NULL);
  g_return_val_if_fail (thumbnail_size > 0, NULL);

  self = g_object_new (UB_TYPE_THUMBNAIL_LOADER, NULL);
  self->page = page;
  self->scroller = scroller;
  self->thumbnail_size = thumbnail_size;
  self->drawn_size = UB_IMAGE_TILE_ART_SIZE * gtk_widget_get_scale_factor (GTK_WIDGET (scroller));
  g_signal_connect_object (scroller, "notify::scale-factor", G_CALLBACK (on_scale_factor), self,
                           G_CONNECT_SWAPPED);
  return self;
}

/**
 * ub_thumbnail_loader_ensure_pool:
 *
 * Starts the loader's workers if they are not running: one per core.
 *
 * Returns: (transfer none) (nullable): the pool, or %NULL with @error set
 */
UbWorkerPool *
ub_thumbnail_loader_ensure_pool (UbThumbnailLoader  *self,
                                 GError            **error)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (UB_IS_THUMBNAIL_LOADER (self), NULL);

  if (!ub_page_ensure_pool (&self->pool, self->max_in_flight, error))
    return NULL;
  /* A new pool: its workers say what they are for. */
  name = ub_worker_dup_name (ub_worker_pool_get_worker (self->pool, 0));
  if (!g_str_has_prefix (name, "thumbnails #"))
    ub_worker_pool_set_name (self->pool, "thumbnails");
  return self->pool;
}

/**
 * ub_thumbnail_loader_steal_pool:
 *
 * Takes the loader's workers away from it, running, for a page that
 * outlives its view (a reload): the loader's decodes are cancelled, their
 * replies dropped, and it starts new workers if it needs some again.
 *
 * Returns: (transfer full) (nullable): the pool, if the loader had one
 */
UbWorkerPool *
ub_thumbnail_loader_steal_pool (UbThumbnailLoader *self)
{
  g_return_val_if_fail (UB_IS_THUMBNAIL_LOADER (self), NULL);

  self->generation++;
  cancel_in_flight (self);
  g_hash_table_remove_all (self->in_flight);
  return g_steal_pointer (&self->pool);
}

/**
 * ub_thumbnail_loader_set_pool:
 * @pool: (transfer none): running workers, from
 *   ub_thumbnail_loader_steal_pool() on an earlier loader
 *
 * Decodes in @pool's workers from now on; the loader terminates them when
 * it stops.
 */
void
ub_thumbnail_loader_set_pool (UbThumbnailLoader *self,
                              UbWorkerPool      *pool)
{
  g_return_if_fail (UB_IS_THUMBNAIL_LOADER (self));
  g_return_if_fail (UB_IS_WORKER_POOL (pool));

  if (self->pool == pool)
    return;
  ub_page_clear_pool (&self->pool);
  self->pool = g_object_ref (pool);
}

/**
 * ub_thumbnail_loader_get_n_workers:
 *
 * Returns: how many decodes run at once
 */
guint
ub_thumbnail_loader_get_n_workers (UbThumbnailLoader *self)
{
  g_return_val_if_fail (UB_IS_THUMBNAIL_LOADER (self), 0);

  return self->max_in_flight;
}

/**
 * ub_thumbnail_loader_set_cache_size:
 * @n_thumbnails: how many thumbnails of the full thumbnail size (a
 *   thumbnail_size² square) the cache has room for; smaller ones take
 *   less. Tiles on screen are kept whatever this says.
 */
void
ub_thumbnail_loader_set_cache_size (UbThumbnailLoader *self,
                                    guint              n_thumbnails)
{
  g_return_if_fail (UB_IS_THUMBNAIL_LOADER (self));
  g_return_if_fail (n_thumbnails > 0);

  self->cache_max_bytes = (gsize) n_thumbnails * self->thumbnail_size * self->thumbnail_size * 4;
  evict (self);
}

/**
 * ub_thumbnail_loader_bind:
 * @item: the item GTK bound
 * @tile: the tile showing it
 * @position: the item's position in the gallery
 *
 * Makes @item a candidate for decoding, by its tile's distance from the
 * viewport.
 */
void
ub_thumbnail_loader_bind (UbThumbnailLoader *self,
                          UbImageItem       *item,
                          GtkWidget         *tile,
                          guint              position)
{
  BoundTile *bound;

  g_return_if_fail (UB_IS_THUMBNAIL_LOADER (self));
  g_return_if_fail (UB_IS_IMAGE_ITEM (item));

  bound = g_new (BoundTile, 1);
  bound->position = position;
  bound->tile = tile;
  g_hash_table_replace (self->bound, g_object_ref (item), bound);
  touch (self, item);
  ub_thumbnail_loader_schedule (self);
}

/**
 * ub_thumbnail_loader_unbind:
 *
 * @item's tile went away: its decode, if one runs, is cancelled.
 */
void
ub_thumbnail_loader_unbind (UbThumbnailLoader *self,
                            UbImageItem       *item)
{
  GCancellable *cancellable;

  g_return_if_fail (UB_IS_THUMBNAIL_LOADER (self));

  g_hash_table_remove (self->bound, item);

  /* Scrolled away before its thumbnail came: stop decoding it. */
  cancellable = g_hash_table_lookup (self->in_flight, item);
  if (cancellable != NULL)
    {
      g_cancellable_cancel (cancellable);
      self->stats.n_cancelled++;
    }
}

/**
 * ub_thumbnail_loader_schedule:
 *
 * Chooses what to decode once the frame's layout is done, so that the
 * tiles' distances from the viewport are known: tiles are bound, and move
 * after a scroll, before they are placed.
 */
void
ub_thumbnail_loader_schedule (UbThumbnailLoader *self)
{
  g_return_if_fail (UB_IS_THUMBNAIL_LOADER (self));

  if (self->pump_id == 0)
    self->pump_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, pump_cb, self, NULL);
}

/**
 * ub_thumbnail_loader_cancel:
 *
 * Cancels the decodes running now; their items go back to the queue.
 */
void
ub_thumbnail_loader_cancel (UbThumbnailLoader *self)
{
  g_return_if_fail (UB_IS_THUMBNAIL_LOADER (self));

  cancel_in_flight (self);
}

/**
 * ub_thumbnail_loader_reset:
 *
 * Forgets the gallery: running decodes are cancelled and their replies
 * dropped, the cache is emptied and the figures start again from zero.
 */
void
ub_thumbnail_loader_reset (UbThumbnailLoader *self)
{
  g_return_if_fail (UB_IS_THUMBNAIL_LOADER (self));

  self->generation++;
  cancel_in_flight (self);
  g_hash_table_remove_all (self->in_flight);
  g_queue_clear_full (&self->lru, g_object_unref);
  self->cache_bytes = 0;
  g_clear_handle_id (&self->blocking_id, g_source_remove);
  memset (&self->stats, 0, sizeof self->stats);
}

/**
 * ub_thumbnail_loader_stop:
 *
 * For the page's dispose(): no reply reaches the loader any more, its
 * workers are terminated and it lets go of the page's widgets.
 */
void
ub_thumbnail_loader_stop (UbThumbnailLoader *self)
{
  g_return_if_fail (UB_IS_THUMBNAIL_LOADER (self));

  self->generation++;
  cancel_in_flight (self);
  ub_page_clear_pool (&self->pool);
  g_clear_handle_id (&self->blocking_id, g_source_remove);
  g_clear_handle_id (&self->pump_id, g_source_remove);
  if (self->recheck_id != 0 && self->page != NULL)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->page), self->recheck_id);
  self->recheck_id = 0;
  if (self->in_flight != NULL)
    g_hash_table_remove_all (self->in_flight);
  if (self->bound != NULL)
    g_hash_table_remove_all (self->bound);
  g_queue_clear_full (&self->lru, g_object_unref);
  self->cache_bytes = 0;
}

/**
 * ub_thumbnail_loader_is_busy:
 *
 * Returns: whether a decode runs, or is due: also between two decodes,
 *   while a pump or a look after layout is pending
 */
gboolean
ub_thumbnail_loader_is_busy (UbThumbnailLoader *self)
{
  g_return_val_if_fail (UB_IS_THUMBNAIL_LOADER (self), FALSE);

  return g_hash_table_size (self->in_flight) > 0 || self->blocking_id != 0 ||
         self->pump_id != 0 || self->recheck_id != 0;
}

/**
 * ub_thumbnail_loader_is_visible_item:
 *
 * Returns: whether @item's tile is on screen now
 */
gboolean
ub_thumbnail_loader_is_visible_item (UbThumbnailLoader *self,
                                     UbImageItem       *item)
{
  BoundTile *bound;

  g_return_val_if_fail (UB_IS_THUMBNAIL_LOADER (self), FALSE);

  bound = g_hash_table_lookup (self->bound, item);
  return bound != NULL && distance_from_view (self, bound->tile) == 0;
}

/**
 * ub_thumbnail_loader_get_stats:
 * @stats: (out caller-allocates): the loader's figures
 */
void
ub_thumbnail_loader_get_stats (UbThumbnailLoader *self,
                               UbThumbnailStats  *stats)
{
  g_return_if_fail (UB_IS_THUMBNAIL_LOADER (self));
  g_return_if_fail (stats != NULL);

  *stats = self->stats;
  stats->n_in_flight = g_hash_table_size (self->in_flight);
  stats->n_cached = self->lru.length;
  stats->cached_bytes = self->cache_bytes;
  stats->cache_max_bytes = self->cache_max_bytes;
  stats->n_visible = g_hash_table_size (self->bound);
}
