/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ub-durable-private.h"
#include "ub-error.h"
#include "ub-store.h"
#include "ub-store-private.h"

/**
 * UbStore:
 *
 * A small durable key → #GVariant store, the analogue of the web's
 * localStorage/IndexedDB: workers checkpoint into it and pick up after a
 * restart. Usable from any thread.
 *
 * Layout: one file per key, `DIR/KEY.gvariant`, so a damaged file can only
 * ever cost its own key. Each file is
 *
 * |[
 *   offset  size  content
 *   0       8     magic "UbStore\n"
 *   8       4     format version, little-endian (UB_STORE_FORMAT_VERSION)
 *   12      4     payload length, little-endian
 *   16      8     first 8 bytes of the SHA-256 of the payload
 *   24      n     payload: the little-endian normal form of a "(sv)",
 *                 the key and the value
 *   24 + n  32    seal: HMAC-SHA-256 of bytes 0 to 24 + n under the
 *                 folder's key (see #UbSeal)
 * ]|
 *
 * The checksum tells a damaged file; the seal one that this installation
 * did not write (edited by hand, forged, copied from elsewhere). Either
 * way the file is not trusted: a record with a plausible but false count
 * is refused as surely as a truncated one. Each store has the key of its
 * folder, in `DIR/seal.key`.
 *
 * Every write goes through UbDurableFile: an unnamed (or hidden
 * temporary) file in the same directory, fsync()ed, renamed over the old
 * file, and the directory fsync()ed: after a crash a key holds either its old or
 * its new value, never a mix, and a completed ub_store_set() survives a
 * power cut.
 *
 * All keys are read when the store is opened, each opened with O_NOFOLLOW
 * and O_NONBLOCK and its size checked before a byte is read, so a FIFO, a
 * device, a link or a huge file in the folder costs nothing. A file that
 * is not a regular file, or one that is truncated,
 * fails its checksum, names another key, or comes from an unknown format
 * version is renamed to `KEY.gvariant.corrupt`, the key starts empty, and
 * ub_store_take_recovery_message() reports it once. The other keys are not
 * affected.
 *
 * A write that fails (disk full, read-only directory) returns a #GError,
 * but the new value is kept in memory: the app goes on, only durability is
 * lost.
 */

#define FILE_SUFFIX      ".gvariant"
#define CORRUPT_SUFFIX   ".corrupt"
#define STALE_TEMP_AGE   (60 * G_TIME_SPAN_SECOND)

typedef struct
{
  GVariant *value;        /* (owned) (nullable): NULL once removed */
  guint64   generation;   /* of the latest ub_store_set()/remove() */
} Entry;

struct _UbStore
{
  GObject     parent_instance;

  char       *path;       /* (owned): immutable after construction */
  UbSeal     *seal;       /* (owned) (nullable): the folder's key, immutable
                           * after construction; NULL if it could not be read */

  /* The locks are pthread mutexes rather than GMutexes: GLib's futex-based
   * GMutex lives in uninstrumented code, so ThreadSanitizer would not see
   * it order the accesses and would report every hand-over as a race. */

  /* Protects every field below it. Held only for in-memory work, never
   * across file I/O, so ub_store_dup() never waits for a disk. */
  pthread_mutex_t lock;
  GHashTable *entries;    /* (owned): key (owned) → Entry (owned) */
  guint64     generation; /* last generation handed out */
  GPtrArray  *incidents;  /* (owned): sentences not yet taken */
  GPtrArray  *damaged;    /* (owned): keys reset at load, not yet taken */

  /* Serialises writes to disk, so that the file of a key always ends up
   * holding that key's latest value. Taken before `lock`, never after. */
  pthread_mutex_t write_lock;
};

G_DEFINE_FINAL_TYPE (UbStore, ub_store, G_TYPE_OBJECT)

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_clear_pointer (&entry->value, g_variant_unref);
  g_free (entry);
}

static void
ub_store_finalize (GObject *object)
{
  UbStore *self = UB_STORE (object);

  g_clear_pointer (&self->entries, g_hash_table_unref);
  g_clear_pointer (&self->incidents, g_ptr_array_unref);
  g_clear_pointer (&self->damaged, g_ptr_array_unref);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->seal, ub_seal_unref);
  pthread_mutex_destroy (&self->lock);
  pthread_mutex_destroy (&self->write_lock);

  G_OBJECT_CLASS (ub_store_parent_class)->finalize (object);
}

static void
ub_store_class_init (UbStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ub_store_finalize;
}

static void
ub_store_init (UbStore *self)
{
  pthread_mutex_init (&self->lock, NULL);
  pthread_mutex_init (&self->write_lock, NULL);
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, entry_free);
  self->incidents = g_ptr_array_new_with_free_func (g_free);
  self->damaged = g_ptr_array_new_with_free_func (g_free);
}

/* Loading */

/* The test seam (ub-store-private.h); hook_lock protects both. */
static pthread_mutex_t hook_lock = PTHREAD_MUTEX_INITIALIZER;
static UbStoreReadHook read_hook;
static gpointer        read_hook_data;

void
_ub_store_set_read_hook (UbStoreReadHook hook,
                         gpointer        user_data)
{
  pthread_mutex_lock (&hook_lock);
  read_hook = hook;
  read_hook_data = user_data;
  pthread_mutex_unlock (&hook_lock);
}

static void
call_read_hook (const char *path)
{
  UbStoreReadHook hook;
  gpointer data;

  pthread_mutex_lock (&hook_lock);
  hook = read_hook;
  data = read_hook_data;
  pthread_mutex_unlock (&hook_lock);
  if (hook != NULL)
    hook (path, data);
}

static char *
key_path (UbStore    *self,
          const char *key)
{
  g_autofree char *name = g_strconcat (key, FILE_SUFFIX, NULL);

  return g_build_filename (self->path, name, NULL);
}

/* Called with self->lock held (only during construction). */
static void
move_aside (UbStore      *self,
            const char   *key,
            const char   *path,
            const GError *reason)
{
  g_autofree char *aside = g_strconcat (path, CORRUPT_SUFFIX, NULL);
  g_autofree char *name = g_filename_display_name (aside);
  gboolean untrusted = g_error_matches (reason, UB_ERROR, UB_ERROR_UNTRUSTED);

  if (g_rename (path, aside) == 0)
    {
      g_autoptr(GError) ignored = NULL;

      ub_durable_sync_folder (self->path, &ignored);
      g_ptr_array_add (self->incidents,
                       untrusted
                       ? g_strdup_printf (_("The saved “%s” could not be trusted (%s) and has "
                                            "been reset; the file is kept as “%s”."),
                                          key, reason->message, name)
                       : g_strdup_printf (_("The saved “%s” was damaged (%s) and has been reset; "
                                            "the damaged file is kept as “%s”."),
                                          key, reason->message, name));
    }
  else
    {
      int saved_errno = errno;

      g_ptr_array_add (self->incidents,
                       g_strdup_printf (_("The saved “%s” was damaged (%s) and has been reset; "
                                          "it could not be moved aside: %s."),
                                        key, reason->message, g_strerror (saved_errno)));
    }
  g_ptr_array_add (self->damaged, g_strdup (key));
}

static void
remove_stale_temporary (UbStore    *self,
                        const char *name)
{
  g_autofree char *path = g_build_filename (self->path, name, NULL);
  GStatBuf st;

  /* Left behind by a process killed in the middle of a write. A younger
   * one may belong to a write in progress. */
  if (g_stat (path, &st) == 0 &&
      g_get_real_time () - (gint64) st.st_mtime * G_USEC_PER_SEC > STALE_TEMP_AGE)
    g_unlink (path);
}

static void
load (UbStore      *self,
      const GError *seal_error)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *seal_incident = NULL;
  const char *name;

  /* Without the key nothing can be told apart from a forgery: nothing is
   * read, and nothing is moved aside either, for the key may come back. */
  if (self->seal == NULL)
    {
      g_ptr_array_add (self->incidents,
                       g_strdup_printf (_("Saved progress cannot be checked, so it is not used: %s."),
                                        seal_error ? seal_error->message : ""));
      return;
    }
  seal_incident = ub_seal_take_incident (self->seal);
  if (seal_incident != NULL)
    g_ptr_array_add (self->incidents, g_steal_pointer (&seal_incident));

  dir = g_dir_open (self->path, 0, &error);
  if (dir == NULL)
    {
      g_ptr_array_add (self->incidents,
                       g_strdup_printf (_("Saved progress cannot be read: %s."), error->message));
      return;
    }

  pthread_mutex_lock (&self->lock);

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *key = NULL;
      g_autofree char *path = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) local_error = NULL;
      GVariant *value;
      Entry *entry;

      if (name[0] == '.' && strstr (name, FILE_SUFFIX ".") != NULL)
        {
          remove_stale_temporary (self, name);
          continue;
        }
      if (!g_str_has_suffix (name, FILE_SUFFIX))
        continue;

      key = g_strndup (name, strlen (name) - strlen (FILE_SUFFIX));
      if (!ub_store_key_is_valid (key))
        continue;

      path = g_build_filename (self->path, name, NULL);
      call_read_hook (path);
      bytes = _ub_store_read_regular_file (path, &local_error);
      if (bytes == NULL && local_error->domain != UB_ERROR)
        {
          g_ptr_array_add (self->incidents,
                           g_strdup_printf ("The saved “%s” cannot be read: %s.",
                                            key, local_error->message));
          continue;
        }

      value = bytes ? _ub_store_decode (self->seal, bytes, key, &local_error) : NULL;
      if (value == NULL)
        {
          move_aside (self, key, path, local_error);
          continue;
        }

      entry = g_new0 (Entry, 1);
      entry->value = value;
      g_hash_table_replace (self->entries, g_steal_pointer (&key), entry);
    }

  pthread_mutex_unlock (&self->lock);
}

static UbStore *
store_new (const char *path,
           UbSeal     *seal)
{
  UbStore *self = g_object_new (UB_TYPE_STORE, NULL);

  self->path = g_strdup (path);
  self->seal = seal ? ub_seal_ref (seal) : NULL;
  return self;
}

/* Opens the store in @path with @seal, or the folder's own seal if NULL. */
static UbStore *
store_open (const char  *path,
            UbSeal      *seal,
            GError     **error)
{
  g_autoptr(UbSeal) own_seal = NULL;
  g_autoptr(GError) seal_error = NULL;
  UbStore *self;

  if (g_mkdir_with_parents (path, 0700) != 0)
    {
      _ub_store_path_error (error, errno, _("Cannot create the folder"), path);
      return NULL;
    }

  if (seal == NULL)
    seal = own_seal = ub_seal_new_for_directory (path, &seal_error);

  self = store_new (path, seal);
  load (self, seal_error);
  return self;
}

/**
 * ub_store_new_for_directory:
 * @path: a folder, created if missing
 * @error: return location for a #GError
 *
 * Opens the store kept in @path and reads all its keys. Damaged files are
 * moved aside (see ub_store_take_recovery_message()), which is no error.
 *
 * Returns: (transfer full) (nullable): a new store, or %NULL if @path
 *   cannot be created or is not a folder
 */
UbStore *
ub_store_new_for_directory (const char  *path,
                            GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return store_open (path, NULL, error);
}

static UbStore *default_store;   /* (owned): written once under default_once */
static pthread_once_t default_once = PTHREAD_ONCE_INIT;

/**
 * ub_store_dup_default_path:
 *
 * Returns: (transfer full): the default store's folder:
 *   `$UNBLOCK_STATE_DIR` when that is set, else `$XDG_STATE_HOME/unblock`
 */
char *
ub_store_dup_default_path (void)
{
  const char *env = g_getenv ("UNBLOCK_STATE_DIR");

  if (env != NULL && env[0] != '\0')
    return g_strdup (env);
  return g_build_filename (g_get_user_state_dir (), "unblock", NULL);
}

static void
create_default_store (void)
{
  g_autofree char *path = ub_store_dup_default_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) seal_error = NULL;
  g_autoptr(UbSeal) seal = NULL;

  /* One key for the folder, shared with the files of one value. */
  seal = ub_seal_dup_default (&seal_error);
  if (seal != NULL)
    default_store = store_open (path, seal, &error);
  else if (g_mkdir_with_parents (path, 0700) == 0)
    {
      default_store = store_new (path, NULL);
      load (default_store, seal_error);
      return;
    }
  else
    _ub_store_path_error (&error, errno, _("Cannot create the folder"), path);

  if (default_store == NULL)
    {
      default_store = store_new (path, NULL);
      g_ptr_array_add (default_store->incidents,
                       g_strdup_printf (_("Progress cannot be saved: %s."), error->message));
    }
}

/**
 * ub_store_get_default:
 *
 * The store of the running program, in `$XDG_STATE_HOME/unblock`, or in
 * `$UNBLOCK_STATE_DIR` when that is set. Thread-safe. If the folder cannot
 * be created the store still works in memory: every ub_store_set() then
 * fails with an error, and ub_store_take_recovery_message() says why.
 *
 * Returns: (transfer none): the default store
 */
UbStore *
ub_store_get_default (void)
{
  /* pthread_once rather than g_once_init_enter: ThreadSanitizer sees the
   * former publish the store, not GLib's uninstrumented atomics. */
  pthread_once (&default_once, create_default_store);

  return default_store;
}

/**
 * ub_store_get_path:
 * @self: a #UbStore
 *
 * Returns: (transfer none): the store's folder
 */
const char *
ub_store_get_path (UbStore *self)
{
  g_return_val_if_fail (UB_IS_STORE (self), NULL);

  return self->path;
}

/* Records a new value (NULL: removed) in memory; returns its generation. */
static guint64
update_entry (UbStore    *self,
              const char *key,
              GVariant   *value)
{
  Entry *entry;
  guint64 generation;

  pthread_mutex_lock (&self->lock);
  entry = g_hash_table_lookup (self->entries, key);
  if (entry == NULL)
    {
      entry = g_new0 (Entry, 1);
      g_hash_table_insert (self->entries, g_strdup (key), entry);
    }
  g_clear_pointer (&entry->value, g_variant_unref);
  entry->value = value ? g_variant_ref (value) : NULL;
  generation = entry->generation = ++self->generation;
  pthread_mutex_unlock (&self->lock);

  return generation;
}

/* Called with write_lock held. */
static gboolean
is_latest (UbStore    *self,
           const char *key,
           guint64     generation)
{
  Entry *entry;
  gboolean latest;

  pthread_mutex_lock (&self->lock);
  entry = g_hash_table_lookup (self->entries, key);
  latest = entry != NULL && entry->generation == generation;
  pthread_mutex_unlock (&self->lock);

  return latest;
}

/**
 * ub_store_set:
 * @self: a #UbStore
 * @key: a key (see ub_store_key_is_valid())
 * @value: the value (a floating reference is sunk)
 * @error: return location for a #GError
 *
 * Stores @value under @key, in memory at once and then on disk, durably:
 * when this returns %TRUE the value survives a crash or a power cut. Blocks
 * the caller for the write (a few milliseconds, mostly fsync); readers are
 * never blocked by it.
 *
 * If two threads set the same key at once, the later one wins both in
 * memory and on disk.
 *
 * Returns: %TRUE on success; %FALSE with an error if the key is invalid
 *   (nothing is stored) or if the disk write failed (the value is still
 *   kept in memory)
 */
gboolean
ub_store_set (UbStore     *self,
              const char  *key,
              GVariant    *value,
              GError     **error)
{
  g_autoptr(GVariant) owned = NULL;
  g_autoptr(GBytes) contents = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;
  guint64 generation;
  gboolean ok = TRUE;

  g_return_val_if_fail (UB_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  owned = g_variant_ref_sink (value);
  if (!_ub_store_check_key (key, error))
    return FALSE;

  contents = _ub_store_encode (self->seal, key, owned, &local_error);
  if (contents == NULL)
    {
      /* No key to seal it with: kept in memory only, as after a failed
       * write. Too large: not kept at all. */
      if (self->seal == NULL)
        update_entry (self, key, owned);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  generation = update_entry (self, key, owned);
  path = key_path (self, key);

  pthread_mutex_lock (&self->write_lock);
  /* A later set of the same key will write (or has written) its value. */
  if (is_latest (self, key, generation))
    {
      ok = _ub_store_write_atomically (path, contents, error);
      if (!ok)
        g_prefix_error (error, _("Cannot save “%s”: "), key);
    }
  pthread_mutex_unlock (&self->write_lock);

  return ok;
}

/**
 * ub_store_dup:
 * @self: a #UbStore
 * @key: a key
 *
 * Returns: (transfer full) (nullable): the value of @key, or %NULL if there
 *   is none (or @key is not a valid key)
 */
GVariant *
ub_store_dup (UbStore    *self,
              const char *key)
{
  GVariant *value = NULL;
  Entry *entry;

  g_return_val_if_fail (UB_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  pthread_mutex_lock (&self->lock);
  entry = g_hash_table_lookup (self->entries, key);
  if (entry != NULL && entry->value != NULL)
    value = g_variant_ref (entry->value);
  pthread_mutex_unlock (&self->lock);

  return value;
}

/**
 * ub_store_remove:
 * @self: a #UbStore
 * @key: a key
 * @error: return location for a #GError
 *
 * Removes @key, in memory and on disk. Removing a missing key succeeds.
 *
 * Returns: %TRUE on success
 */
gboolean
ub_store_remove (UbStore     *self,
                 const char  *key,
                 GError     **error)
{
  g_autofree char *path = NULL;
  guint64 generation;
  gboolean ok = TRUE;

  g_return_val_if_fail (UB_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_ub_store_check_key (key, error))
    return FALSE;

  generation = update_entry (self, key, NULL);
  path = key_path (self, key);

  pthread_mutex_lock (&self->write_lock);
  if (is_latest (self, key, generation))
    {
      if (g_unlink (path) != 0 && errno != ENOENT)
        {
          _ub_store_path_error (error, errno, _("Cannot remove"), path);
          ok = FALSE;
        }
      else
        ok = ub_durable_sync_folder (self->path, error);
    }
  pthread_mutex_unlock (&self->write_lock);

  return ok;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/**
 * ub_store_list_keys:
 * @self: a #UbStore
 * @prefix: (nullable): only keys starting with this
 *
 * Returns: (transfer full): the keys that hold a value, sorted
 */
char **
ub_store_list_keys (UbStore    *self,
                    const char *prefix)
{
  GPtrArray *keys = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (UB_IS_STORE (self), NULL);

  pthread_mutex_lock (&self->lock);
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Entry *entry = value;

      if (entry->value != NULL && (prefix == NULL || g_str_has_prefix (key, prefix)))
        g_ptr_array_add (keys, g_strdup (key));
    }
  pthread_mutex_unlock (&self->lock);

  g_ptr_array_sort (keys, compare_strings);
  g_ptr_array_add (keys, NULL);
  return (char **) g_ptr_array_free (keys, FALSE);
}

/**
 * ub_store_take_recovery_message:
 * @self: a #UbStore
 *
 * What went wrong when the store was opened (damaged files moved aside, a
 * folder that cannot be created), as a sentence for the user. Each problem
 * is reported once: the next call returns %NULL until something new
 * happens.
 *
 * Returns: (transfer full) (nullable): the message, or %NULL
 */
char *
ub_store_take_recovery_message (UbStore *self)
{
  g_autoptr(GString) message = NULL;

  g_return_val_if_fail (UB_IS_STORE (self), NULL);

  pthread_mutex_lock (&self->lock);
  if (self->incidents->len > 0)
    {
      message = g_string_new (NULL);
      /* Several damaged keys: one summary line before the details. */
      if (self->damaged->len > 1)
        g_string_append_printf (message, "%u saved items were damaged and have been reset.",
                                self->damaged->len);
      for (guint i = 0; i < self->incidents->len; i++)
        {
          if (message->len > 0)
            g_string_append_c (message, '\n');
          g_string_append (message, g_ptr_array_index (self->incidents, i));
        }
      g_ptr_array_set_size (self->incidents, 0);
      g_ptr_array_set_size (self->damaged, 0);
    }
  pthread_mutex_unlock (&self->lock);

  return message ? g_string_free (g_steal_pointer (&message), FALSE) : NULL;
}
