/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "ub-folder-scan.h"

/*
 * Listing a folder for the gallery. Reading the folder, checking each
 * entry and sorting the names are all I/O or work that grows with the
 * folder (a folder of 10 000 images costs more than a frame to sort by
 * collation on the main thread), so all of it runs in a GIO worker
 * thread.
 *
 * The listing comes in batches, so that the first tiles show before the
 * folder is done. The names alone are read and sorted first (one
 * readdir, no per-file I/O); the entries are then checked in that order
 * (a stat each, the slow part on a cold cache or a network share), and
 * each batch of regular files goes to the main thread as it is complete.
 * A batch is therefore final: it never moves what is already shown. The
 * first batch is small, the next ones double up to a bound, and the main
 * thread takes at most one batch per frame, so neither the first tiles
 * nor the frame wait for a large folder.
 */

#define FIRST_BATCH      64
#define MAX_BATCH        2048
#define BATCH_INTERVAL_US (16 * G_TIME_SPAN_MILLISECOND)

typedef struct
{
  char *name;
  char *key;    /* g_utf8_collate_key_for_filename() of the name */
} Entry;

/*
 * Shared by the scanning thread and the main context. The thread only
 * appends to @pending and sets @finished; the main context takes
 * batches off it. Both under @lock. The other fields are set before the
 * thread starts and only read after.
 */
typedef struct
{
  GMutex                lock;
  GPtrArray            *pending;     /* (owned) of (GPtrArray of filename), oldest first */
  GPtrArray            *all;         /* (owned) every path, for finish(); scanning thread until it returns */
  gboolean              finished;    /* the thread returned; the task's result is set */
  GSource              *drain;       /* (owned) on @context, until the callback has run */

  char                 *folder;
  GMainContext         *context;     /* (owned) where batches and the callback go */
  UbFolderScanBatchFunc batch_func;
  GAsyncReadyCallback   callback;
  gpointer              user_data;
  gint64                last_batch_us; /* main context only */
} Scan;

static void
entry_clear (gpointer data)
{
  Entry *entry = data;

  g_free (entry->name);
  g_free (entry->key);
}

static void
scan_free (gpointer data)
{
  Scan *scan = data;

  if (scan->drain != NULL)
    {
      g_source_destroy (scan->drain);
      g_source_unref (scan->drain);
    }
  g_clear_pointer (&scan->pending, g_ptr_array_unref);
  g_clear_pointer (&scan->all, g_ptr_array_unref);
  g_clear_pointer (&scan->context, g_main_context_unref);
  g_free (scan->folder);
  g_mutex_clear (&scan->lock);
  g_free (scan);
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (((const Entry *) a)->key, ((const Entry *) b)->key);
}

static gboolean
is_png_name (const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);

  return g_str_has_suffix (lower, ".png");
}

static void wake_drain (GTask *task);

/* Scanning thread: hands a complete batch to the main context. */
static void
push_batch (GTask     *task,
            GPtrArray *batch)
{
  Scan *scan = g_task_get_task_data (task);

  if (batch->len == 0)
    return;

  g_mutex_lock (&scan->lock);
  g_ptr_array_add (scan->pending, g_ptr_array_ref (batch));
  g_mutex_unlock (&scan->lock);
  wake_drain (task);
}

static void
scan_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Scan *scan = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (scan->folder, 0, &error);
  g_autoptr(GArray) entries = NULL;
  g_autoptr(GPtrArray) batch = NULL;
  guint batch_size = FIRST_BATCH;
  const char *name;

  if (dir == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The names, sorted: memory and CPU only. */
  entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  g_array_set_clear_func (entries, entry_clear);
  while ((name = g_dir_read_name (dir)) != NULL && !g_cancellable_is_cancelled (cancellable))
    {
      Entry entry;

      if (!is_png_name (name))
        continue;
      entry.name = g_strdup (name);
      entry.key = g_utf8_collate_key_for_filename (name, -1);
      g_array_append_val (entries, entry);
    }
  g_array_sort (entries, compare_entries);

  /* Then each entry checked, in that order. A FIFO or a device named
   * *.png would only fail to decode (or, opened without care, block): it
   * is not an image, so it is not listed. */
  batch = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < entries->len && !g_cancellable_is_cancelled (cancellable); i++)
    {
      g_autofree char *path = g_build_filename (scan->folder,
                                                g_array_index (entries, Entry, i).name, NULL);

      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        continue;

      g_ptr_array_add (scan->all, g_strdup (path));
      g_ptr_array_add (batch, g_steal_pointer (&path));
      if (batch->len >= batch_size)
        {
          push_batch (task, batch);
          g_clear_pointer (&batch, g_ptr_array_unref);
          batch = g_ptr_array_new_with_free_func (g_free);
          batch_size = MIN (batch_size * 2, MAX_BATCH);
        }
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  push_batch (task, batch);
  g_task_return_pointer (task, g_ptr_array_ref (scan->all), (GDestroyNotify) g_ptr_array_unref);
}

/* Main context: one batch per call, at most one call per frame's worth
 * of time; the callback once the thread has returned and every batch is
 * delivered. Whether to run again is settled under the lock, so that a
 * batch pushed meanwhile always wakes the drain. */
static gboolean
drain_cb (gpointer user_data)
{
  GTask *task = user_data;
  Scan *scan = g_task_get_task_data (task);
  g_autoptr(GPtrArray) batch = NULL;
  gint64 now = g_get_monotonic_time ();
  gboolean done;

  g_mutex_lock (&scan->lock);
  if (scan->pending->len > 0 && now - scan->last_batch_us < BATCH_INTERVAL_US)
    {
      g_source_set_ready_time (scan->drain, scan->last_batch_us + BATCH_INTERVAL_US);
      g_mutex_unlock (&scan->lock);
      return G_SOURCE_CONTINUE;
    }
  if (scan->pending->len > 0)
    batch = g_ptr_array_steal_index (scan->pending, 0);
  done = scan->finished && scan->pending->len == 0;
  if (scan->pending->len > 0)
    g_source_set_ready_time (scan->drain, now + BATCH_INTERVAL_US);
  else if (!done)
    g_source_set_ready_time (scan->drain, -1);
  g_mutex_unlock (&scan->lock);

  if (batch != NULL && scan->batch_func != NULL &&
      !g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      scan->last_batch_us = now;
      scan->batch_func (batch, scan->user_data);
    }

  if (!done)
    return G_SOURCE_CONTINUE;

  /* Only the main context touches the drain from here on: the thread
   * has returned. The task may be the last reference to the scan. */
  g_object_ref (task);
  scan->callback (NULL, G_ASYNC_RESULT (task), scan->user_data);
  g_clear_pointer (&scan->drain, g_source_unref);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static gboolean
drain_dispatch (GSource     *source,
                GSourceFunc  callback,
                gpointer     user_data)
{
  return callback (user_data);
}

static GSourceFuncs drain_funcs = { NULL, NULL, drain_dispatch, NULL, NULL, NULL };

/* Scanning thread: makes the drain run soon. */
static void
wake_drain (GTask *task)
{
  Scan *scan = g_task_get_task_data (task);

  g_mutex_lock (&scan->lock);
  if (g_source_get_ready_time (scan->drain) < 0)
    g_source_set_ready_time (scan->drain, 0);
  g_mutex_unlock (&scan->lock);
}

/* The task's own completion, on the main context, once the thread has
 * returned: the batches still pending go first. */
static void
on_thread_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Scan *scan = user_data;

  g_mutex_lock (&scan->lock);
  scan->finished = TRUE;
  g_source_set_ready_time (scan->drain, 0);
  g_mutex_unlock (&scan->lock);
}

/**
 * ub_folder_scan_pngs_async:
 * @folder: the folder to list
 * @cancellable: (nullable): stops the listing
 * @batch_func: (nullable): called with each batch as it is listed
 * @callback: called on the calling thread's main context, after the last
 *   batch
 * @user_data: for @batch_func and @callback
 *
 * Lists the regular files of @folder whose names end in ".png" (in any
 * case), in a worker thread, sorted as a file manager sorts names.
 */
void
ub_folder_scan_pngs_async (const char           *folder,
                           GCancellable         *cancellable,
                           UbFolderScanBatchFunc batch_func,
                           GAsyncReadyCallback   callback,
                           gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  Scan *scan;

  g_return_if_fail (folder != NULL);
  g_return_if_fail (callback != NULL);

  scan = g_new0 (Scan, 1);
  g_mutex_init (&scan->lock);
  scan->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  scan->all = g_ptr_array_new_with_free_func (g_free);
  scan->folder = g_strdup (folder);
  scan->context = g_main_context_ref_thread_default ();
  scan->batch_func = batch_func;
  scan->callback = callback;
  scan->user_data = user_data;

  task = g_task_new (NULL, cancellable, on_thread_done, scan);
  g_task_set_source_tag (task, ub_folder_scan_pngs_async);
  g_task_set_task_data (task, scan, scan_free);

  /* The drain holds the task; the task owns the scan, and the scan the
   * drain, which lets go of the task when it is destroyed. */
  scan->drain = g_source_new (&drain_funcs, sizeof (GSource));
  g_source_set_callback (scan->drain, drain_cb, g_object_ref (task), g_object_unref);
  g_source_set_ready_time (scan->drain, -1);
  /* After input and drawing: a batch never delays a frame. */
  g_source_set_priority (scan->drain, G_PRIORITY_DEFAULT_IDLE);
  g_source_set_static_name (scan->drain, "[unblock] folder scan batches");
  g_source_attach (scan->drain, scan->context);

  g_task_run_in_thread (task, scan_thread);
}

/**
 * ub_folder_scan_pngs_finish:
 *
 * Returns: (transfer full) (element-type filename): every path, in name
 *   order, or %NULL with @error set
 */
GPtrArray *
ub_folder_scan_pngs_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
