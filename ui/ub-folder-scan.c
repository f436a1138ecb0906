/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "ub-folder-scan.h"

/*
 * Listing a folder for the gallery. Reading the folder, checking each
 * entry and sorting the names are all I/O or work that grows with the
 * folder (a folder of 10 000 images costs more than a frame to sort by
 * collation on the main thread), so all of it runs in a GIO worker
 * thread; the main thread receives the finished, sorted list.
 */

typedef struct
{
  char *path;
  char *key;    /* g_utf8_collate_key_for_filename() of the name */
} Entry;

static void
entry_clear (gpointer data)
{
  Entry *entry = data;

  g_free (entry->path);
  g_free (entry->key);
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

static void
scan_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *folder = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (folder, 0, &error);
  g_autoptr(GArray) entries = NULL;
  g_autoptr(GPtrArray) paths = NULL;
  const char *name;

  if (dir == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  g_array_set_clear_func (entries, entry_clear);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      Entry entry;

      if (!is_png_name (name))
        continue;

      /* A FIFO or a device named *.png would only fail to decode (or,
       * opened without care, block): it is not an image, so it is not
       * listed. */
      entry.path = g_build_filename (folder, name, NULL);
      if (!g_file_test (entry.path, G_FILE_TEST_IS_REGULAR))
        {
          g_free (entry.path);
          continue;
        }
      entry.key = g_utf8_collate_key_for_filename (name, -1);
      g_array_append_val (entries, entry);

      if (g_cancellable_is_cancelled (cancellable))
        break;
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  g_array_sort (entries, compare_entries);
  paths = g_ptr_array_new_full (entries->len, g_free);
  for (guint i = 0; i < entries->len; i++)
    g_ptr_array_add (paths, g_steal_pointer (&g_array_index (entries, Entry, i).path));

  g_task_return_pointer (task, g_steal_pointer (&paths), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * ub_folder_scan_pngs_async:
 * @folder: the folder to list
 * @cancellable: (nullable): stops the listing
 * @callback: called on the calling thread's main context
 * @user_data: for @callback
 *
 * Lists the regular files of @folder whose names end in ".png" (in any
 * case), in a worker thread, sorted as a file manager sorts names.
 */
void
ub_folder_scan_pngs_async (const char          *folder,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (folder != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ub_folder_scan_pngs_async);
  g_task_set_task_data (task, g_strdup (folder), g_free);
  g_task_run_in_thread (task, scan_thread);
}

/**
 * ub_folder_scan_pngs_finish:
 *
 * Returns: (transfer full) (element-type filename): the paths, in name
 *   order, or %NULL with @error set
 */
GPtrArray *
ub_folder_scan_pngs_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
