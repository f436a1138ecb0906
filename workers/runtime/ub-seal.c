/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <pthread.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ub-durable.h"
#include "ub-error.h"
#include "ub-seal.h"
#include "ub-store.h"
#include "ub-store-private.h"

/* The key's own size: that of SHA-256's block would add nothing. */
#define KEY_SIZE        32
#define CORRUPT_SUFFIX  ".corrupt"
#define TEMP_PREFIX     "." UB_SEAL_KEY_FILE "."
#define STALE_TEMP_AGE  (60 * G_TIME_SPAN_SECOND)

struct _UbSeal
{
  gint    ref_count;      /* (atomic) */
  guint8  key[KEY_SIZE];  /* immutable */
  char   *incident;       /* (owned) (nullable) (atomic): taken once */
};

static UbSeal *
seal_new (const guint8 *key)
{
  UbSeal *seal = g_new0 (UbSeal, 1);

  seal->ref_count = 1;
  memcpy (seal->key, key, KEY_SIZE);
  return seal;
}

/**
 * ub_seal_new_for_key:
 * @key: (array length=key_len): the key
 * @key_len: its length; a longer key is hashed down, as HMAC does
 *
 * A seal with a given key, for tests and fuzzing.
 *
 * Returns: (transfer full): a new seal
 */
UbSeal *
ub_seal_new_for_key (const guint8 *key,
                     gsize         key_len)
{
  guint8 digest[KEY_SIZE] = { 0 };
  gsize digest_len = sizeof digest;

  g_return_val_if_fail (key != NULL || key_len == 0, NULL);

  if (key_len <= KEY_SIZE)
    memcpy (digest, key, key_len);
  else
    {
      g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

      g_checksum_update (checksum, key, key_len);
      g_checksum_get_digest (checksum, digest, &digest_len);
    }
  return seal_new (digest);
}

UbSeal *
ub_seal_ref (UbSeal *seal)
{
  g_return_val_if_fail (seal != NULL, NULL);

  g_atomic_int_inc (&seal->ref_count);
  return seal;
}

void
ub_seal_unref (UbSeal *seal)
{
  g_return_if_fail (seal != NULL);

  if (!g_atomic_int_dec_and_test (&seal->ref_count))
    return;
  memset (seal->key, 0, KEY_SIZE);
  g_free (seal->incident);
  g_free (seal);
}

/* The key file */

static gboolean
fill_random (guint8  *out,
             gsize    len,
             GError **error)
{
  gsize done = 0;

  while (done < len)
    {
      gssize n = getrandom (out + done, len - done, 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          ub_set_error_from_errno (error, errno, _("Cannot make a key to seal saved progress"));
          return FALSE;
        }
      done += (gsize) n;
    }
  return TRUE;
}

static gboolean
write_all (int           fd,
           const guint8 *data,
           gsize         len)
{
  while (len > 0)
    {
      gssize n = write (fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      data += n;
      len -= (gsize) n;
    }
  return TRUE;
}

/* Hidden names a creation killed half-way left behind (the fallback for a
 * file system without O_TMPFILE). A young one may be in use right now. */
static void
remove_stale_temporaries (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = NULL;
      GStatBuf st;

      if (!g_str_has_prefix (name, TEMP_PREFIX))
        continue;
      path = g_build_filename (dir, name, NULL);
      if (g_lstat (path, &st) == 0 && S_ISREG (st.st_mode) &&
          g_get_real_time () - (gint64) st.st_mtime * G_USEC_PER_SEC > STALE_TEMP_AGE)
        g_unlink (path);
    }
}

/* Makes a new key file at @path, complete before it has its name, and
 * never over an existing one. FALSE with G_IO_ERROR_EXISTS when another
 * process made one first. */
static gboolean
create_key_file (const char  *dir,
                 const char  *path,
                 GError     **error)
{
  g_autofree char *temp = NULL;
  guint8 key[KEY_SIZE];
  int fd;
  int errsv = 0;

  if (!fill_random (key, sizeof key, error))
    return FALSE;

  fd = g_open (dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      remove_stale_temporaries (dir);
      temp = g_build_filename (dir, TEMP_PREFIX "XXXXXX", NULL);
      fd = g_mkstemp_full (temp, O_WRONLY | O_CLOEXEC, 0600);
      if (fd < 0)
        {
          _ub_store_path_error (error, errno, _("Cannot create"), path);
          return FALSE;
        }
    }

  if (!write_all (fd, key, sizeof key) || fchmod (fd, 0600) != 0 || fsync (fd) != 0)
    errsv = errno ? errno : EIO;
  else if (temp != NULL)
    errsv = link (temp, path) == 0 ? 0 : errno;
  else
    {
      g_autofree char *proc = g_strdup_printf ("/proc/self/fd/%d", fd);

      errsv = linkat (AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0 ? 0 : errno;
    }
  memset (key, 0, sizeof key);
  close (fd);
  if (temp != NULL)
    g_unlink (temp);

  if (errsv != 0)
    {
      _ub_store_path_error (error, errsv, _("Cannot create"), path);
      return FALSE;
    }
  return ub_durable_sync_folder (dir, error);
}

typedef enum
{
  KEY_READ,      /* the key is in `key` */
  KEY_MISSING,   /* no file */
  KEY_INVALID,   /* a file that must not be trusted: `reason` says why */
  KEY_FAILED,    /* the file cannot be read now: `error` is set */
} KeyStatus;

static KeyStatus
read_key_file (const char  *path,
               guint8       key[KEY_SIZE],
               const char **reason,
               GError     **error)
{
  struct stat st;
  gssize n;
  int fd;

  fd = g_open (path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);
  if (fd < 0 && errno == ENOENT)
    return KEY_MISSING;
  if (fd < 0 && errno == ELOOP)
    {
      *reason = _("it is a symbolic link");
      return KEY_INVALID;
    }
  if (fd < 0)
    {
      _ub_store_path_error (error, errno, _("Cannot read"), path);
      return KEY_FAILED;
    }

  if (fstat (fd, &st) != 0)
    *reason = _("it cannot be examined");
  else if (!S_ISREG (st.st_mode))
    *reason = _("it is not a regular file");
  else if (st.st_uid != geteuid ())
    *reason = _("it belongs to another user");
  else if ((st.st_mode & 0077) != 0)
    *reason = _("others may read or change it");
  else if (st.st_size != KEY_SIZE)
    *reason = _("it has the wrong size");
  else
    {
      do
        n = pread (fd, key, KEY_SIZE, 0);
      while (n < 0 && errno == EINTR);
      if (n < 0)
        {
          _ub_store_path_error (error, errno, _("Cannot read"), path);
          close (fd);
          return KEY_FAILED;
        }
      if (n != KEY_SIZE)
        *reason = _("it has the wrong size");
    }
  close (fd);

  return *reason == NULL ? KEY_READ : KEY_INVALID;
}

/**
 * ub_seal_new_for_directory:
 * @dir: a folder, which must exist
 * @error: return location for a #GError
 *
 * The seal of @dir: the key in its UB_SEAL_KEY_FILE, made if there is
 * none, and replaced (the old one moved aside) if it fails its checks.
 * Reads only that file; never waits on a FIFO.
 *
 * Returns: (transfer full) (nullable): the seal, or %NULL with an error if
 *   the key can be neither read nor made
 */
UbSeal *
ub_seal_new_for_directory (const char  *dir,
                           GError     **error)
{
  g_autofree char *path = NULL;
  g_autofree char *incident = NULL;

  g_return_val_if_fail (dir != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  path = g_build_filename (dir, UB_SEAL_KEY_FILE, NULL);

  /* Three reads at most: a key moved aside, then one another process made
   * first. */
  for (guint attempt = 0; attempt < 3; attempt++)
    {
      g_autoptr(GError) local_error = NULL;
      const char *reason = NULL;
      guint8 key[KEY_SIZE];
      UbSeal *seal;

      switch (read_key_file (path, key, &reason, error))
        {
        case KEY_READ:
          seal = seal_new (key);
          memset (key, 0, sizeof key);
          seal->incident = g_steal_pointer (&incident);
          return seal;

        case KEY_FAILED:
          return NULL;

        case KEY_INVALID:
          {
            g_autofree char *aside = g_strconcat (path, CORRUPT_SUFFIX, NULL);

            if (g_rename (path, aside) != 0)
              {
                _ub_store_path_error (error, errno, _("Cannot move aside"), path);
                return NULL;
              }
            g_free (incident);
            incident = g_strdup_printf (_("The key that seals saved progress could not be "
                                          "trusted (%s) and has been replaced; progress "
                                          "saved with it cannot be trusted either."), reason);
          }
          G_GNUC_FALLTHROUGH;

        case KEY_MISSING:
          if (create_key_file (dir, path, &local_error))
            continue;
          if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          continue;
        }
    }

  _ub_store_path_error (error, EAGAIN, _("Cannot read"), path);
  return NULL;
}

/* The default seal, kept for as long as the default folder stays the
 * same (tests change it between cases); default_lock protects both. */
static pthread_mutex_t default_lock = PTHREAD_MUTEX_INITIALIZER;
static char   *default_dir;    /* (owned) (nullable) */
static UbSeal *default_seal;   /* (owned) (nullable): the seal of default_dir */

/**
 * ub_seal_dup_default:
 * @error: return location for a #GError
 *
 * The seal of the default state folder (ub_store_dup_default_path()), for
 * the default store and the files of one value (the CLI's checkpoints).
 * Thread-safe; the key is read once, and again only if the folder
 * changes. A folder that cannot be made is tried again at the next call.
 *
 * Returns: (transfer full) (nullable): the seal, or %NULL with an error if
 *   there can be none
 */
UbSeal *
ub_seal_dup_default (GError **error)
{
  g_autofree char *dir = ub_store_dup_default_path ();
  UbSeal *seal = NULL;

  pthread_mutex_lock (&default_lock);
  if (default_seal == NULL || g_strcmp0 (dir, default_dir) != 0)
    {
      g_clear_pointer (&default_seal, ub_seal_unref);
      g_clear_pointer (&default_dir, g_free);
      if (g_mkdir_with_parents (dir, 0700) != 0)
        _ub_store_path_error (error, errno, _("Cannot create the folder"), dir);
      else if ((default_seal = ub_seal_new_for_directory (dir, error)) != NULL)
        default_dir = g_strdup (dir);
    }
  if (default_seal != NULL)
    seal = ub_seal_ref (default_seal);
  pthread_mutex_unlock (&default_lock);

  return seal;
}

/* Sealing */

/**
 * ub_seal_sign:
 * @seal: a seal
 * @data: (array length=len): the bytes to seal
 * @len: their length
 * @tag: (out caller-allocates): their seal
 */
void
ub_seal_sign (UbSeal       *seal,
              const guint8 *data,
              gsize         len,
              guint8        tag[UB_SEAL_SIZE])
{
  g_autoptr(GHmac) hmac = NULL;
  gsize tag_len = UB_SEAL_SIZE;

  g_return_if_fail (seal != NULL);
  g_return_if_fail (data != NULL || len == 0);

  hmac = g_hmac_new (G_CHECKSUM_SHA256, seal->key, KEY_SIZE);
  g_hmac_update (hmac, data, (gssize) len);
  g_hmac_get_digest (hmac, tag, &tag_len);
  g_assert (tag_len == UB_SEAL_SIZE);
}

/**
 * ub_seal_check:
 * @seal: a seal
 * @data: (array length=len): bytes read back
 * @len: their length
 * @tag: (array fixed-size=32): the seal read with them
 *
 * Compares in constant time, so that the time taken says nothing of how
 * much of a forged seal was right.
 *
 * Returns: whether @tag is the seal of @data
 */
gboolean
ub_seal_check (UbSeal       *seal,
               const guint8 *data,
               gsize         len,
               const guint8 *tag)
{
  guint8 expected[UB_SEAL_SIZE];
  guint8 difference = 0;

  g_return_val_if_fail (seal != NULL, FALSE);
  g_return_val_if_fail (tag != NULL, FALSE);

  ub_seal_sign (seal, data, len, expected);
  for (guint i = 0; i < UB_SEAL_SIZE; i++)
    difference |= expected[i] ^ tag[i];
  return difference == 0;
}

/**
 * ub_seal_take_incident:
 * @seal: a seal
 *
 * Returns: (transfer full) (nullable): why the key was replaced when it
 *   was read, as a sentence for the user; %NULL after the first call
 */
char *
ub_seal_take_incident (UbSeal *seal)
{
  g_return_val_if_fail (seal != NULL, NULL);

  return g_atomic_pointer_exchange (&seal->incident, NULL);
}
