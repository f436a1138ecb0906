/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ub-data-identity.h"
#include "ub-durable.h"
#include "ub-sha256.h"

#define HASHED_SPAN (1024 * 1024)

/* SHA-256 of @len bytes of @fd from @offset. */
static gboolean
hash_span (int      fd,
           guint64  offset,
           gsize    len,
           guint8   digest[32])
{
  g_autofree guint8 *buf = g_malloc (MAX (len, 1));
  gsize done = 0;

  while (done < len)
    {
      gssize n = pread (fd, buf + done, len - done, (off_t) (offset + done));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      done += (gsize) n;
    }
  ub_sha256_digest (buf, len, digest);
  return TRUE;
}

/**
 * ub_data_identity_read:
 * @path: a regular file
 * @with_hashes: also hash its first and last MiB (2 MiB of reading)
 * @identity: (out caller-allocates): filled in
 * @error: return location for a #GError
 *
 * Never waits on a FIFO: anything but a regular file is an error.
 *
 * Returns: %TRUE on success
 */
gboolean
ub_data_identity_read (const char      *path,
                       gboolean         with_hashes,
                       UbDataIdentity  *identity,
                       GError         **error)
{
  g_autofree char *name = g_filename_display_name (path);
  struct stat st;
  int fd;

  memset (identity, 0, sizeof *identity);
  fd = g_open (path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      ub_set_error_from_errno (error, errno, _("%s: cannot open"), name);
      return FALSE;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                   _("%s: not a regular file"), name);
      return FALSE;
    }

  identity->device = st.st_dev;
  identity->inode = st.st_ino;
  identity->size = st.st_size;
  identity->mtime_usec = (gint64) st.st_mtim.tv_sec * G_USEC_PER_SEC + st.st_mtim.tv_nsec / 1000;

  if (with_hashes)
    {
      gsize span = (gsize) MIN (identity->size, (guint64) HASHED_SPAN);

      if (!hash_span (fd, 0, span, identity->head) ||
          !hash_span (fd, identity->size - span, span, identity->tail))
        {
          close (fd);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       _("%s: read failed: it changed while being read"), name);
          return FALSE;
        }
      identity->has_hashes = TRUE;
    }

  close (fd);
  return TRUE;
}

/**
 * ub_data_identity_to_variant:
 *
 * Returns: (transfer floating): a %UB_DATA_IDENTITY_TYPE variant
 */
GVariant *
ub_data_identity_to_variant (const UbDataIdentity *identity)
{
  gsize n = identity->has_hashes ? 32 : 0;

  return g_variant_new ("(tttx@ay@ay)", identity->device, identity->inode, identity->size,
                        identity->mtime_usec,
                        g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, identity->head, n, 1),
                        g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, identity->tail, n, 1));
}

/**
 * ub_data_identity_from_variant:
 * @variant: read back from disk: anything at all
 * @identity: (out caller-allocates): filled in on success
 *
 * Returns: whether @variant is a well-formed identity
 */
gboolean
ub_data_identity_from_variant (GVariant       *variant,
                               UbDataIdentity *identity)
{
  g_autoptr(GVariant) head = NULL;
  g_autoptr(GVariant) tail = NULL;

  memset (identity, 0, sizeof *identity);
  if (variant == NULL || !g_variant_is_of_type (variant, G_VARIANT_TYPE (UB_DATA_IDENTITY_TYPE)))
    return FALSE;

  g_variant_get (variant, "(tttx@ay@ay)", &identity->device, &identity->inode, &identity->size,
                 &identity->mtime_usec, &head, &tail);
  if (g_variant_get_size (head) != g_variant_get_size (tail) ||
      (g_variant_get_size (head) != 0 && g_variant_get_size (head) != 32))
    return FALSE;

  identity->has_hashes = g_variant_get_size (head) == 32;
  if (identity->has_hashes)
    {
      memcpy (identity->head, g_variant_get_data (head), 32);
      memcpy (identity->tail, g_variant_get_data (tail), 32);
    }
  return TRUE;
}

/**
 * ub_data_identity_explain_change:
 * @saved: what a checkpoint recorded
 * @now: the file as it is now
 *
 * The hashes are compared when both have them.
 *
 * Returns: (transfer full) (nullable): %NULL if @now is the file @saved
 *   describes, else why not, as the end of a sentence ("its size changed
 *   from … to … bytes")
 */
char *
ub_data_identity_explain_change (const UbDataIdentity *saved,
                                 const UbDataIdentity *now)
{
  if (saved->size != now->size)
    return g_strdup_printf (_("its size changed from %llu to %llu bytes"),
                            (unsigned long long) saved->size, (unsigned long long) now->size);
  if (saved->device != now->device || saved->inode != now->inode)
    return g_strdup (_("another file has taken its place"));
  if (saved->mtime_usec != now->mtime_usec)
    return g_strdup (_("it was modified"));
  if (saved->has_hashes && now->has_hashes &&
      (memcmp (saved->head, now->head, 32) != 0 || memcmp (saved->tail, now->tail, 32) != 0))
    return g_strdup (_("its contents changed"));
  return NULL;
}

/**
 * ub_data_identity_dup_output:
 * @path: where a job's result goes
 *
 * What a checkpoint records of the file the result will replace: its
 * identity (no hashes), or nothing when no regular file is there.
 *
 * Returns: (transfer floating): a "m(tttxayay)"
 */
GVariant *
ub_data_identity_dup_output (const char *path)
{
  UbDataIdentity identity;

  g_return_val_if_fail (path != NULL, NULL);

  if (!ub_data_identity_read (path, FALSE, &identity, NULL))
    return g_variant_new_maybe (G_VARIANT_TYPE (UB_DATA_IDENTITY_TYPE), NULL);
  return g_variant_new_maybe (NULL, ub_data_identity_to_variant (&identity));
}

/**
 * ub_data_identity_explain_output_change:
 * @saved: (nullable): what ub_data_identity_dup_output() gave for @path
 *   when the job started
 * @path: where the result goes
 *
 * Returns: (transfer full) (nullable): why @path is not as it was when the
 *   job started (another file, a changed one, one put where there was
 *   none), or %NULL if it is
 */
char *
ub_data_identity_explain_output_change (GVariant   *saved,
                                        const char *path)
{
  g_autoptr(GVariant) was = NULL;
  g_autofree char *name = NULL;
  g_autofree char *change = NULL;
  UbDataIdentity before, now;
  gboolean exists;

  g_return_val_if_fail (path != NULL, NULL);

  if (saved == NULL || !g_variant_is_of_type (saved, G_VARIANT_TYPE ("m" UB_DATA_IDENTITY_TYPE)))
    return g_strdup (_("the saved progress is incomplete or damaged"));

  name = g_filename_display_name (path);
  was = g_variant_get_maybe (saved);
  exists = ub_data_identity_read (path, FALSE, &now, NULL);
  if (was == NULL)
    return exists ? g_strdup_printf (_("a file has been put at “%s”, where the result goes"), name)
                  : NULL;
  if (!ub_data_identity_from_variant (was, &before))
    return g_strdup (_("the saved progress is incomplete or damaged"));
  if (!exists)
    return g_strdup_printf (_("“%s”, which the result replaces, is gone"), name);
  change = ub_data_identity_explain_change (&before, &now);
  if (change == NULL)
    return NULL;
  /* TRANSLATORS: a file name, then what changed ("it was modified") */
  return g_strdup_printf (_("“%s”, which the result replaces, changed: %s"), name, change);
}
