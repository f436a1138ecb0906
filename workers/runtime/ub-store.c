/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

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
 * ]|
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
#define HEADER_SIZE      24
#define CHECKSUM_SIZE    8
#define STALE_TEMP_AGE   (60 * G_TIME_SPAN_SECOND)

static const char file_magic[8] = { 'U', 'b', 'S', 't', 'o', 'r', 'e', '\n' };

typedef struct
{
  GVariant *value;        /* (owned) (nullable): NULL once removed */
  guint64   generation;   /* of the latest ub_store_set()/remove() */
} Entry;

struct _UbStore
{
  GObject     parent_instance;

  char       *path;       /* (owned): immutable after construction */

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

/**
 * ub_store_key_is_valid:
 * @key: a key
 *
 * A key is 1 to %UB_STORE_MAX_KEY_LENGTH bytes of ASCII letters, digits,
 * `_`, `-` and `.`, not starting with `.` or `-`: it is used as a file name
 * and can never name another file or directory.
 *
 * Returns: whether @key may be used
 */
gboolean
ub_store_key_is_valid (const char *key)
{
  gsize len;

  if (key == NULL)
    return FALSE;

  len = strlen (key);
  if (len == 0 || len > UB_STORE_MAX_KEY_LENGTH || key[0] == '.' || key[0] == '-')
    return FALSE;

  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (key[i]) && key[i] != '_' && key[i] != '-' && key[i] != '.')
      return FALSE;

  return TRUE;
}

static gboolean
check_key (const char  *key,
           GError     **error)
{
  if (ub_store_key_is_valid (key))
    return TRUE;

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               "“%s” is not a valid store key (use letters, digits, “_”, “-” and “.”)", key);
  return FALSE;
}

/* File format */

static void
payload_checksum (const guint8 *data,
                  gsize         len,
                  guint8        out[CHECKSUM_SIZE])
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize digest_len = sizeof digest;

  g_checksum_update (checksum, data, len);
  g_checksum_get_digest (checksum, digest, &digest_len);
  memcpy (out, digest, CHECKSUM_SIZE);
}

static GBytes *
encode (const char  *key,
        GVariant    *value,
        GError     **error)
{
  g_autoptr(GVariant) record = NULL;
  g_autoptr(GVariant) normal = NULL;
  g_autoptr(GByteArray) contents = NULL;
  guint32 word;
  guint8 checksum[CHECKSUM_SIZE];
  gsize size;

  record = g_variant_ref_sink (g_variant_new ("(sv)", key, value));
  normal = g_variant_get_normal_form (record);
  if (G_BYTE_ORDER == G_BIG_ENDIAN)
    {
      GVariant *swapped = g_variant_byteswap (normal);

      g_variant_unref (normal);
      normal = swapped;
    }

  size = g_variant_get_size (normal);
  if (size > UB_STORE_MAX_SIZE - HEADER_SIZE)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_TOO_LARGE,
                   "“%s” is too large to save (%" G_GSIZE_FORMAT " bytes)", key, size);
      return NULL;
    }

  contents = g_byte_array_sized_new (HEADER_SIZE + size);
  g_byte_array_append (contents, (const guint8 *) file_magic, sizeof file_magic);
  word = GUINT32_TO_LE (UB_STORE_FORMAT_VERSION);
  g_byte_array_append (contents, (const guint8 *) &word, 4);
  word = GUINT32_TO_LE ((guint32) size);
  g_byte_array_append (contents, (const guint8 *) &word, 4);
  payload_checksum (g_variant_get_data (normal), size, checksum);
  g_byte_array_append (contents, checksum, CHECKSUM_SIZE);
  g_byte_array_append (contents, g_variant_get_data (normal), size);

  return g_byte_array_free_to_bytes (g_steal_pointer (&contents));
}

/* Returns the value, or NULL and UB_ERROR_INVALID_DATA with a short reason
 * that completes "… is damaged: REASON". */
static GVariant *
decode (GBytes      *bytes,
        const char  *key,
        GError     **error)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GVariant) record = NULL;
  guint8 checksum[CHECKSUM_SIZE];
  guint32 version;
  guint32 size;
  const char *stored_key;

  if (len < HEADER_SIZE || memcmp (data, file_magic, sizeof file_magic) != 0)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                           len < HEADER_SIZE && len > 0 && memcmp (data, file_magic, MIN (len, sizeof file_magic)) == 0
                           ? "it is truncated"
                           : "it is not an Unblock store file");
      return NULL;
    }

  memcpy (&version, data + 8, 4);
  version = GUINT32_FROM_LE (version);
  if (version != UB_STORE_FORMAT_VERSION)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                   "it was written in format version %u, this version of Unblock reads version %u",
                   version, UB_STORE_FORMAT_VERSION);
      return NULL;
    }

  memcpy (&size, data + 12, 4);
  size = GUINT32_FROM_LE (size);
  if ((guint64) size + HEADER_SIZE != len)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                           (guint64) size + HEADER_SIZE > len ? "it is truncated"
                                                              : "it has bytes past its end");
      return NULL;
    }

  payload_checksum (data + HEADER_SIZE, size, checksum);
  if (memcmp (checksum, data + 16, CHECKSUM_SIZE) != 0)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                           "its checksum does not match its contents");
      return NULL;
    }

  payload = g_bytes_new_from_bytes (bytes, HEADER_SIZE, size);
  record = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE ("(sv)"), payload, FALSE));
  if (G_BYTE_ORDER == G_BIG_ENDIAN)
    {
      GVariant *swapped = g_variant_byteswap (record);

      g_variant_unref (record);
      record = swapped;
    }
  if (!g_variant_is_normal_form (record))
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                           "its contents are not well formed");
      return NULL;
    }

  g_variant_get_child (record, 0, "&s", &stored_key);
  if (!g_str_equal (stored_key, key))
    {
      g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                   "it holds “%s” instead of “%s”", stored_key, key);
      return NULL;
    }

  {
    g_autoptr(GVariant) boxed = g_variant_get_child_value (record, 1);

    return g_variant_get_variant (boxed);
  }
}

static void
path_error (GError     **error,
            int          saved_errno,
            const char  *what,
            const char  *path)
{
  g_autofree char *name = g_filename_display_name (path);

  ub_set_error_from_errno (error, saved_errno, "%s “%s”", what, name);
}

/* Every file of the store is written by UbDurableFile: a hidden temporary
 * file (or an unnamed one), fsync()ed, renamed over the old file, and the
 * folder fsync()ed. */
static gboolean
write_atomically (const char  *path,
                  GBytes      *contents,
                  GError     **error)
{
  return ub_durable_write_bytes (path, contents, error);
}

/**
 * ub_store_write_file:
 * @path: the file to write
 * @key: a valid key, recorded in the file and checked when it is read back
 * @value: the value (a floating reference is sunk)
 * @error: return location for a #GError
 *
 * Writes @value alone to @path in the store's format, atomically and
 * durably (temporary file, fsync, rename, fsync of the folder). For a file
 * whose name the user chooses, such as a command-line checkpoint.
 *
 * Returns: %TRUE on success
 */
gboolean
ub_store_write_file (const char  *path,
                     const char  *key,
                     GVariant    *value,
                     GError     **error)
{
  g_autoptr(GVariant) owned = NULL;
  g_autoptr(GBytes) contents = NULL;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  owned = g_variant_ref_sink (value);
  if (!check_key (key, error))
    return FALSE;

  contents = encode (key, owned, error);
  return contents != NULL && write_atomically (path, contents, error);
}

/* Reads @path whole, if it is a regular file of at most UB_STORE_MAX_SIZE
 * bytes. Never follows a link and never waits: a FIFO, a device or a link
 * in its place is refused at once, before anything is read. NULL with a
 * G_IO_ERROR when it cannot be opened, or with UB_ERROR_INVALID_DATA and a
 * reason that completes "… is damaged: REASON". */
static GBytes *
read_regular_file (const char  *path,
                   GError     **error)
{
  g_autofree guint8 *data = NULL;
  struct stat st;
  gsize done = 0;
  int fd;

  fd = g_open (path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved_errno = errno;

      if (saved_errno == ELOOP)
        g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                             "it is a symbolic link, not a file");
      else
        path_error (error, saved_errno, "Cannot read", path);
      return NULL;
    }

  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size > UB_STORE_MAX_SIZE)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                           !S_ISREG (st.st_mode) ? "it is not a regular file" : "it is too large");
      close (fd);
      return NULL;
    }

  /* One byte more than its size: a file that grows is read as damaged. */
  data = g_malloc ((gsize) st.st_size + 1);
  while (done < (gsize) st.st_size + 1)
    {
      gssize n = read (fd, data + done, (gsize) st.st_size + 1 - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          close (fd);
          path_error (error, saved_errno, "Cannot read", path);
          return NULL;
        }
      if (n == 0)
        break;
      done += (gsize) n;
    }
  close (fd);

  if (done > (gsize) st.st_size)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA, "it grew while being read");
      return NULL;
    }
  return g_bytes_new_take (g_steal_pointer (&data), done);
}

/**
 * ub_store_read_file:
 * @path: a file written by ub_store_write_file()
 * @key: the key it must hold
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the value; %NULL with a
 *   %G_IO_ERROR (%G_IO_ERROR_NOT_FOUND when there is no such file) or, when
 *   the file is damaged or from an unknown version,
 *   %UB_ERROR_INVALID_DATA with a message naming the file
 */
GVariant *
ub_store_read_file (const char  *path,
                    const char  *key,
                    GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = NULL;
  GVariant *value;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  name = g_filename_display_name (path);
  bytes = read_regular_file (path, &local_error);
  if (bytes == NULL && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "“%s” does not exist", name);
      return NULL;
    }
  if (bytes == NULL && local_error->domain != UB_ERROR)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  value = bytes ? decode (bytes, key, &local_error) : NULL;
  if (value == NULL)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                   "“%s” is damaged: %s", name, local_error->message);
      return NULL;
    }
  return value;
}

/* Whether @name is a temporary file of write_atomically() for @base. */
static gboolean
is_temporary_of (const char *name,
                 const char *base)
{
  gsize base_len = strlen (base);

  return _ub_durable_is_temporary_name (name) && strncmp (name + 1, base, base_len) == 0 &&
         name[1 + base_len] == '.';
}

/**
 * ub_store_remove_file:
 * @path: a file written by ub_store_write_file()
 * @error: return location for a #GError
 *
 * Removes @path, and the temporary files that writes to it interrupted by a
 * crash may have left beside it. A missing file is no error.
 *
 * Returns: %TRUE on success
 */
gboolean
ub_store_remove_file (const char  *path,
                      GError     **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autoptr(GDir) listing = NULL;
  const char *name;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      path_error (error, errno, "Cannot remove", path);
      return FALSE;
    }

  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  listing = g_dir_open (dir, 0, NULL);
  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    if (is_temporary_of (name, base))
      {
        g_autofree char *temp = g_build_filename (dir, name, NULL);

        g_unlink (temp);
      }

  return ub_durable_sync_folder (dir, error);
}

/* Loading */

static char *
key_path (UbStore    *self,
          const char *key)
{
  g_autofree char *name = g_strconcat (key, FILE_SUFFIX, NULL);

  return g_build_filename (self->path, name, NULL);
}

/* Called with self->lock held (only during construction). */
static void
move_aside (UbStore    *self,
            const char *key,
            const char *path,
            const char *reason)
{
  g_autofree char *aside = g_strconcat (path, CORRUPT_SUFFIX, NULL);
  g_autofree char *name = g_filename_display_name (aside);

  if (g_rename (path, aside) == 0)
    {
      g_autoptr(GError) ignored = NULL;

      ub_durable_sync_folder (self->path, &ignored);
      g_ptr_array_add (self->incidents,
                       g_strdup_printf ("The saved “%s” was damaged (%s) and has been reset; "
                                        "the damaged file is kept as “%s”.", key, reason, name));
    }
  else
    {
      int saved_errno = errno;

      g_ptr_array_add (self->incidents,
                       g_strdup_printf ("The saved “%s” was damaged (%s) and has been reset; "
                                        "it could not be moved aside: %s.",
                                        key, reason, g_strerror (saved_errno)));
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
load (UbStore *self)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;

  dir = g_dir_open (self->path, 0, &error);
  if (dir == NULL)
    {
      g_ptr_array_add (self->incidents,
                       g_strdup_printf ("Saved progress cannot be read: %s.", error->message));
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
      bytes = read_regular_file (path, &local_error);
      if (bytes == NULL && local_error->domain != UB_ERROR)
        {
          g_ptr_array_add (self->incidents,
                           g_strdup_printf ("The saved “%s” cannot be read: %s.",
                                            key, local_error->message));
          continue;
        }

      value = bytes ? decode (bytes, key, &local_error) : NULL;
      if (value == NULL)
        {
          move_aside (self, key, path, local_error->message);
          continue;
        }

      entry = g_new0 (Entry, 1);
      entry->value = value;
      g_hash_table_replace (self->entries, g_steal_pointer (&key), entry);
    }

  pthread_mutex_unlock (&self->lock);
}

static UbStore *
store_new (const char *path)
{
  UbStore *self = g_object_new (UB_TYPE_STORE, NULL);

  self->path = g_strdup (path);
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
  UbStore *self;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_mkdir_with_parents (path, 0700) != 0)
    {
      path_error (error, errno, "Cannot create the folder", path);
      return NULL;
    }

  self = store_new (path);
  load (self);
  return self;
}

static UbStore *default_store;   /* (owned): written once under default_once */
static pthread_once_t default_once = PTHREAD_ONCE_INIT;

static void
create_default_store (void)
{
  const char *env = g_getenv ("UNBLOCK_STATE_DIR");
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (env != NULL && env[0] != '\0')
    path = g_strdup (env);
  else
    path = g_build_filename (g_get_user_state_dir (), "unblock", NULL);

  default_store = ub_store_new_for_directory (path, &error);
  if (default_store == NULL)
    {
      default_store = store_new (path);
      g_ptr_array_add (default_store->incidents,
                       g_strdup_printf ("Progress cannot be saved: %s.", error->message));
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
  g_autofree char *path = NULL;
  guint64 generation;
  gboolean ok = TRUE;

  g_return_val_if_fail (UB_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  owned = g_variant_ref_sink (value);
  if (!check_key (key, error))
    return FALSE;

  contents = encode (key, owned, error);
  if (contents == NULL)
    return FALSE;

  generation = update_entry (self, key, owned);
  path = key_path (self, key);

  pthread_mutex_lock (&self->write_lock);
  /* A later set of the same key will write (or has written) its value. */
  if (is_latest (self, key, generation))
    {
      ok = write_atomically (path, contents, error);
      if (!ok)
        g_prefix_error (error, "Cannot save “%s”: ", key);
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

  if (!check_key (key, error))
    return FALSE;

  generation = update_entry (self, key, NULL);
  path = key_path (self, key);

  pthread_mutex_lock (&self->write_lock);
  if (is_latest (self, key, generation))
    {
      if (g_unlink (path) != 0 && errno != ENOENT)
        {
          path_error (error, errno, "Cannot remove", path);
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
