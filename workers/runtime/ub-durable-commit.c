/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ub-durable-private.h"
#include "ub-error.h"

/* Putting a UbDurableFile in place: step 3 of what ub-durable.c
 * describes. */

static mode_t
current_umask (void)
{
  static gsize once;
  static mode_t mask;

  /* umask() can only be read by setting it, which races with other
   * threads creating files: the kernel tells it without that. */
  if (g_once_init_enter (&once))
    {
      g_autofree char *status = NULL;
      const char *line;

      mask = 022;
      if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL) &&
          (line = strstr (status, "\nUmask:")) != NULL)
        mask = (mode_t) g_ascii_strtoull (line + 7, NULL, 8) & 0777;
      g_once_init_leave (&once, 1);
    }
  return mask;
}

/* Writes what @fd holds from its start to @copy, looking at @cancellable
 * (if any) between chunks. A read that fails returns FALSE with
 * *@read_errno set, for the caller to say which file; anything else sets
 * @error. */
static gboolean
copy_fd (int            fd,
         UbDurableFile *copy,
         int           *read_errno,
         GCancellable  *cancellable,
         GError       **error)
{
  g_autofree guint8 *chunk = g_malloc (UB_DURABLE_BUFFER_SIZE);

  *read_errno = 0;
  if (lseek (fd, 0, SEEK_SET) < 0)
    {
      *read_errno = errno;
      return FALSE;
    }
  for (;;)
    {
      gssize n;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      n = read (fd, chunk, UB_DURABLE_BUFFER_SIZE);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          *read_errno = errno;
          return FALSE;
        }
      if (n == 0)
        return TRUE;
      if (!ub_durable_file_write (copy, chunk, (gsize) n, error))
        return FALSE;
    }
}

/* Copies the partial file to the target through a temporary file: for a
 * cache folder on another file system than the destination. */
static gboolean
copy_into_place (UbDurableFile  *file,
                 GError        **error)
{
  g_autoptr(UbDurableFile) copy = NULL;
  int read_errno;

  copy = ub_durable_file_new (file->target, NULL, error);
  if (copy == NULL)
    return FALSE;
  g_free (copy->name);
  copy->name = g_strdup (file->name);

  if (!copy_fd (file->fd, copy, &read_errno, NULL, error))
    {
      if (read_errno != 0)
        ub_set_error_from_errno (error, read_errno, _("%s: cannot read back its partial output"),
                                 file->name);
      return FALSE;
    }
  if (!ub_durable_file_commit (copy, error))
    return FALSE;
  g_unlink (file->partial);
  return TRUE;
}

/**
 * ub_durable_copy:
 * @source: a file to copy
 * @path: the destination
 * @cancellable: (nullable): looked at between chunks
 * @error: return location for a #GError
 *
 * Copies @source to @path the way every file is written (see
 * ub_durable_file_new()): @path is replaced only by the complete copy,
 * keeping its mode; a FIFO or a device is written straight into. Blocks:
 * call it in a thread of its own.
 *
 * Returns: %TRUE on success; on failure or cancellation @path is as it was
 */
gboolean
ub_durable_copy (const char    *source,
                 const char    *path,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(UbDurableFile) copy = NULL;
  g_autofree char *name = NULL;
  int read_errno = 0;
  gboolean ok;
  int fd;

  g_return_val_if_fail (source != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  name = g_filename_display_name (source);
  fd = g_open (source, O_RDONLY | O_NOCTTY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      ub_set_error_from_errno (error, errno, _("%s: cannot open"), name);
      return FALSE;
    }
  copy = ub_durable_file_new (path, source, error);
  ok = copy != NULL && copy_fd (fd, copy, &read_errno, cancellable, error) &&
       ub_durable_file_commit (copy, error);
  if (!ok && read_errno != 0)
    ub_set_error_from_errno (error, read_errno, "%s: %s", name, _("cannot read"));
  close (fd);
  return ok;
}

static gboolean
fail_commit (UbDurableFile  *file,
             int             saved_errno,
             const char     *what,
             GError        **error)
{
  file->failed = TRUE;
  ub_set_error_from_errno (error, saved_errno, "%s: %s", file->name, what);
  return FALSE;
}

/* Gives the unnamed file a hidden name, so that it can be renamed. */
static gboolean
link_anonymous (UbDurableFile  *file,
                GError        **error)
{
  g_autofree char *base = g_path_get_basename (file->target);
  g_autofree char *proc = g_strdup_printf ("/proc/self/fd/%d", file->fd);

  for (guint attempt = 0; attempt < 64; attempt++)
    {
      g_autofree char *leaf = g_strdup_printf (".%s" TEMP_INFIX "%06x", base,
                                               g_random_int () & 0xffffff);
      g_autofree char *temp = g_build_filename (file->dir, leaf, NULL);

      file->marker = _ub_durable_register_temporary (temp);
      file->live_slot = _ub_durable_live_add (temp, file->marker);
      if (linkat (AT_FDCWD, proc, AT_FDCWD, temp, AT_SYMLINK_FOLLOW) == 0)
        {
          file->temp_path = g_steal_pointer (&temp);
          return TRUE;
        }
      _ub_durable_live_remove (&file->live_slot);
      {
        int saved_errno = errno;

        _ub_durable_unregister_temporary (&file->marker);
        if (saved_errno != EEXIST)
          return fail_commit (file, saved_errno, _("cannot put it in place"), error);
      }
    }
  return fail_commit (file, EEXIST, _("cannot put it in place"), error);
}

/**
 * ub_durable_file_commit:
 * @file: a file
 * @error: return location for a #GError
 *
 * Writes what is buffered, fsync()s the file, puts it in place of the
 * destination with the mode of the file it replaces, and fsync()s the
 * folder. When this returns %TRUE the new file survives a power cut.
 *
 * Returns: %TRUE on success; on failure the destination is untouched
 *   (unless it is written straight into)
 */
gboolean
ub_durable_file_commit (UbDurableFile  *file,
                        GError        **error)
{
  gsize unused;
  int errsv;

  g_return_val_if_fail (file != NULL, FALSE);
  g_return_val_if_fail (!file->committed, FALSE);

  if (!ub_durable_file_flush (file, error))
    return FALSE;

  if (file->kind == UB_DURABLE_KIND_DIRECT)
    {
      /* A pipe or a terminal cannot be synced; a disk behind /dev can. */
      if ((errsv = _ub_durable_injected (UB_DURABLE_FAULT_SYNC, 0, 0, &unused)) != 0 ||
          (fsync (file->fd) != 0 && (errsv = errno) != EINVAL && errsv != ENOTSUP &&
           errsv != EROFS))
        return fail_commit (file, errsv, _("cannot sync it"), error);
      errsv = close (file->fd) == 0 ? 0 : errno;
      file->fd = -1;
      if (errsv != 0)
        return fail_commit (file, errsv, _("cannot close it"), error);
      file->committed = TRUE;
      return TRUE;
    }

  if ((errsv = _ub_durable_injected (UB_DURABLE_FAULT_SYNC, 0, 0, &unused)) != 0 ||
      (fsync (file->fd) != 0 && (errsv = errno) != 0))
    return fail_commit (file, errsv, _("cannot sync it"), error);

  if (fchmod (file->fd, file->keep_mode ? file->mode : 0666 & ~current_umask ()) != 0)
    return fail_commit (file, errno, _("cannot set its mode"), error);

  if ((errsv = _ub_durable_injected (UB_DURABLE_FAULT_COMMIT, 0, 0, &unused)) != 0)
    return fail_commit (file, errsv, _("cannot put it in place"), error);

  if (file->kind == UB_DURABLE_KIND_PARTIAL)
    {
      if (g_rename (file->partial, file->target) != 0)
        {
          if (errno != EXDEV)
            return fail_commit (file, errno, _("cannot put it in place"), error);
          if (!copy_into_place (file, error))
            {
              file->failed = TRUE;
              return FALSE;
            }
        }
    }
  else
    {
      if (file->temp_path == NULL && !link_anonymous (file, error))
        return FALSE;
      if (g_rename (file->temp_path, file->target) != 0)
        return fail_commit (file, errno, _("cannot put it in place"), error);
      g_clear_pointer (&file->temp_path, g_free);
      _ub_durable_live_remove (&file->live_slot);
      _ub_durable_unregister_temporary (&file->marker);
    }
  /* The partial name kept for a resume is this very file, now in place:
   * a resume must never cut it. */
  if (file->kept != NULL)
    {
      g_unlink (file->kept);
      g_clear_pointer (&file->kept, g_free);
    }

  errsv = close (file->fd) == 0 ? 0 : errno;
  file->fd = -1;
  file->committed = TRUE;
  if (errsv != 0 && errsv != EINTR)
    {
      ub_set_error_from_errno (error, errsv, _("%s: cannot write"), file->name);
      return FALSE;
    }

  return ub_durable_sync_folder (file->dir, error);
}

/* Copies what @file holds into a fresh @partial: for a destination on
 * another file system than the cache. */
static gboolean
copy_to_partial (UbDurableFile  *file,
                 const char     *partial,
                 GError        **error)
{
  g_autofree guint8 *chunk = g_malloc (UB_DURABLE_BUFFER_SIZE);
  guint64 offset = 0;
  int fd;

  fd = g_open (partial, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      ub_set_error_from_errno (error, errno, _("%s: cannot keep its partial output"), file->name);
      return FALSE;
    }
  while (offset < file->size)
    {
      gssize n = pread (file->fd, chunk, (gsize) MIN ((guint64) UB_DURABLE_BUFFER_SIZE,
                                                      file->size - offset), (off_t) offset);
      gssize k = 0;

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      while (k < n)
        {
          gssize w = write (fd, chunk + k, (gsize) (n - k));

          if (w < 0 && errno == EINTR)
            continue;
          if (w < 0)
            break;
          k += w;
        }
      if (k < n)
        break;
      offset += (guint64) n;
    }
  if (offset < file->size || fsync (fd) != 0)
    {
      int saved_errno = errno ? errno : EIO;

      close (fd);
      g_unlink (partial);
      ub_set_error_from_errno (error, saved_errno, _("%s: cannot keep its partial output"),
                               file->name);
      return FALSE;
    }
  close (fd);
  return TRUE;
}

/**
 * ub_durable_file_keep_partial:
 * @file: a file written to a temporary file, not committed
 * @partial: a partial file of the app's (see ub_durable_dup_partial_path())
 * @allow_copy: whether to copy what @file holds when it cannot be linked
 * @error: return location for a #GError
 *
 * Keeps what @file holds so far as @partial, for a job that a later one
 * resumes with ub_durable_file_new_partial(), replacing an older @partial.
 * Where the cache is on the destination's file system, @partial becomes a
 * hard link to @file itself: no byte is copied, it holds whatever is
 * written next as well (so keeping it again only flushes), it survives
 * the process being killed, and committing removes it. Elsewhere, and only
 * if @allow_copy, @partial is a copy of what @file holds now. @file stays
 * uncommitted: freeing it leaves the destination as it was.
 *
 * Returns: %TRUE if @partial holds all that was written to @file
 */
gboolean
ub_durable_file_keep_partial (UbDurableFile  *file,
                              const char     *partial,
                              gboolean        allow_copy,
                              GError        **error)
{
  g_autofree char *proc = NULL;
  g_autofree char *dir = NULL;
  int link_errno;

  g_return_val_if_fail (file != NULL, FALSE);
  g_return_val_if_fail (!file->committed, FALSE);
  g_return_val_if_fail (partial != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!ub_durable_is_partial_path (partial))
    {
      g_autofree char *name = g_filename_display_name (partial);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   _("“%s” is not a partial output of Unblock’s"), name);
      return FALSE;
    }
  if ((file->kind == UB_DURABLE_KIND_PARTIAL && g_str_equal (file->partial, partial)) ||
      g_strcmp0 (file->kept, partial) == 0)
    return ub_durable_file_flush (file, error);
  if (file->kind != UB_DURABLE_KIND_TEMPORARY || file->failed)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("%s: its partial output cannot be kept"), file->name);
      return FALSE;
    }

  if (!ub_durable_file_flush (file, error))
    return FALSE;

  if (g_unlink (partial) != 0 && errno != ENOENT)
    {
      ub_set_error_from_errno (error, errno, _("%s: cannot keep its partial output"), file->name);
      return FALSE;
    }
  proc = g_strdup_printf ("/proc/self/fd/%d", file->fd);
  if (file->temp_path != NULL)
    link_errno = link (file->temp_path, partial) == 0 ? 0 : errno;
  else
    link_errno = linkat (AT_FDCWD, proc, AT_FDCWD, partial, AT_SYMLINK_FOLLOW) == 0 ? 0 : errno;
  if (link_errno == 0)
    {
      g_free (file->kept);
      file->kept = g_strdup (partial);
    }
  else if (!allow_copy)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("%s: its partial output cannot be kept without a copy"), file->name);
      return FALSE;
    }
  else
    {
      if (fsync (file->fd) != 0)
        return fail_commit (file, errno, _("cannot sync it"), error);
      if (!copy_to_partial (file, partial, error))
        return FALSE;
    }

  dir = g_path_get_dirname (partial);
  return ub_durable_sync_folder (dir, error);
}
