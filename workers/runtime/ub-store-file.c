/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ub-durable-private.h"
#include "ub-error.h"
#include "ub-store.h"
#include "ub-store-private.h"

/* The store's file format (see ub-store.c), its keys, and the files of
 * one value that the CLI's checkpoints use. */

#define HEADER_SIZE      24
#define CHECKSUM_SIZE    8
#define TRAILER_SIZE     UB_SEAL_SIZE

static const char file_magic[8] = { 'U', 'b', 'S', 't', 'o', 'r', 'e', '\n' };

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

gboolean
_ub_store_check_key (const char  *key,
                     GError     **error)
{
  if (ub_store_key_is_valid (key))
    return TRUE;

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               _("“%s” is not a valid store key (use letters, digits, “_”, “-” and “.”)"), key);
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

GBytes *
_ub_store_encode (UbSeal      *seal,
                  const char  *key,
                  GVariant    *value,
                  GError     **error)
{
  g_autoptr(GVariant) record = NULL;
  g_autoptr(GVariant) normal = NULL;
  g_autoptr(GByteArray) contents = NULL;
  guint32 word;
  guint8 checksum[CHECKSUM_SIZE];
  guint8 tag[UB_SEAL_SIZE];
  gsize size;

  if (seal == NULL)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_FAILED,
                   _("“%s” cannot be sealed: there is no key to seal it with"), key);
      return NULL;
    }

  record = g_variant_ref_sink (g_variant_new ("(sv)", key, value));
  normal = g_variant_get_normal_form (record);
  if (G_BYTE_ORDER == G_BIG_ENDIAN)
    {
      GVariant *swapped = g_variant_byteswap (normal);

      g_variant_unref (normal);
      normal = swapped;
    }

  size = g_variant_get_size (normal);
  if (size > UB_STORE_MAX_SIZE - HEADER_SIZE - TRAILER_SIZE)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_TOO_LARGE,
                   _("“%s” is too large to save (%zu bytes)"), key, size);
      return NULL;
    }

  contents = g_byte_array_sized_new (HEADER_SIZE + size + TRAILER_SIZE);
  g_byte_array_append (contents, (const guint8 *) file_magic, sizeof file_magic);
  word = GUINT32_TO_LE (UB_STORE_FORMAT_VERSION);
  g_byte_array_append (contents, (const guint8 *) &word, 4);
  word = GUINT32_TO_LE ((guint32) size);
  g_byte_array_append (contents, (const guint8 *) &word, 4);
  payload_checksum (g_variant_get_data (normal), size, checksum);
  g_byte_array_append (contents, checksum, CHECKSUM_SIZE);
  g_byte_array_append (contents, g_variant_get_data (normal), size);
  ub_seal_sign (seal, contents->data, contents->len, tag);
  g_byte_array_append (contents, tag, sizeof tag);

  return g_byte_array_free_to_bytes (g_steal_pointer (&contents));
}

/* Returns the value, or NULL and UB_ERROR_INVALID_DATA with a short reason
 * that completes "… is damaged: REASON". */
GVariant *
_ub_store_decode (UbSeal      *seal,
                  GBytes      *bytes,
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
                           ? _("it is truncated")
                           : _("it is not an Unblock store file"));
      return NULL;
    }

  memcpy (&version, data + 8, 4);
  version = GUINT32_FROM_LE (version);
  if (version != UB_STORE_FORMAT_VERSION)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                   _("it was written in format version %u, this version of Unblock reads version %u"),
                   version, UB_STORE_FORMAT_VERSION);
      return NULL;
    }

  memcpy (&size, data + 12, 4);
  size = GUINT32_FROM_LE (size);
  if ((guint64) size + HEADER_SIZE + TRAILER_SIZE != len)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                           (guint64) size + HEADER_SIZE + TRAILER_SIZE > len
                           ? _("it is truncated") : _("it has bytes past its end"));
      return NULL;
    }

  payload_checksum (data + HEADER_SIZE, size, checksum);
  if (memcmp (checksum, data + 16, CHECKSUM_SIZE) != 0)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                           _("its checksum does not match its contents"));
      return NULL;
    }

  /* Intact, but was it written here? Checked before a byte of the
   * payload is parsed: what is not sealed is not even looked at. */
  if (seal == NULL)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_UNTRUSTED,
                           _("there is no key to check its seal with"));
      return NULL;
    }
  if (!ub_seal_check (seal, data, HEADER_SIZE + size, data + HEADER_SIZE + size))
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_UNTRUSTED,
                           _("its seal does not match: this installation of Unblock "
                             "did not write it"));
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
                           _("its contents are not well formed"));
      return NULL;
    }

  g_variant_get_child (record, 0, "&s", &stored_key);
  if (!g_str_equal (stored_key, key))
    {
      g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                   _("it holds “%s” instead of “%s”"), stored_key, key);
      return NULL;
    }

  {
    g_autoptr(GVariant) boxed = g_variant_get_child_value (record, 1);

    return g_variant_get_variant (boxed);
  }
}

void
_ub_store_path_error (GError     **error,
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
gboolean
_ub_store_write_atomically (const char  *path,
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
  g_autoptr(GError) seal_error = NULL;
  g_autoptr(UbSeal) seal = NULL;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  owned = g_variant_ref_sink (value);
  if (!_ub_store_check_key (key, error))
    return FALSE;

  seal = ub_seal_dup_default (&seal_error);
  if (seal == NULL)
    {
      g_autofree char *name = g_filename_display_name (path);

      g_set_error (error, UB_ERROR, UB_ERROR_FAILED, _("Cannot save “%s”: %s"),
                   name, seal_error->message);
      return FALSE;
    }

  contents = _ub_store_encode (seal, key, owned, error);
  return contents != NULL && _ub_store_write_atomically (path, contents, error);
}

/* Reads @path whole, if it is a regular file of at most UB_STORE_MAX_SIZE
 * bytes. Never follows a link and never waits: a FIFO, a device or a link
 * in its place is refused at once, before anything is read. NULL with a
 * G_IO_ERROR when it cannot be opened, or with UB_ERROR_INVALID_DATA and a
 * reason that completes "… is damaged: REASON". */
GBytes *
_ub_store_read_regular_file (const char  *path,
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
                             _("it is a symbolic link, not a file"));
      else
        _ub_store_path_error (error, saved_errno, _("Cannot read"), path);
      return NULL;
    }

  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size > UB_STORE_MAX_SIZE)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                           !S_ISREG (st.st_mode) ? _("it is not a regular file") : _("it is too large"));
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
          _ub_store_path_error (error, saved_errno, _("Cannot read"), path);
          return NULL;
        }
      if (n == 0)
        break;
      done += (gsize) n;
    }
  close (fd);

  if (done > (gsize) st.st_size)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA, _("it grew while being read"));
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
 *   %UB_ERROR_INVALID_DATA with a message naming the file, or when it is
 *   intact but not sealed by this installation (see #UbSeal),
 *   %UB_ERROR_UNTRUSTED
 */
GVariant *
ub_store_read_file (const char  *path,
                    const char  *key,
                    GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(UbSeal) seal = NULL;
  g_autofree char *name = NULL;
  GVariant *value;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  name = g_filename_display_name (path);
  bytes = _ub_store_read_regular_file (path, &local_error);
  if (bytes == NULL && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("“%s” does not exist"), name);
      return NULL;
    }
  if (bytes == NULL && local_error->domain != UB_ERROR)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  seal = ub_seal_dup_default (NULL);
  value = bytes ? _ub_store_decode (seal, bytes, key, &local_error) : NULL;
  if (value == NULL && g_error_matches (local_error, UB_ERROR, UB_ERROR_UNTRUSTED))
    {
      g_set_error (error, UB_ERROR, UB_ERROR_UNTRUSTED,
                   _("“%s” cannot be trusted: %s"), name, local_error->message);
      return NULL;
    }
  if (value == NULL)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                   _("“%s” is damaged: %s"), name, local_error->message);
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
      _ub_store_path_error (error, errno, _("Cannot remove"), path);
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

