/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ub-durable-private.h"
#include "ub-error.h"

/*
 * How a regular destination is written (see ub-durable.h):
 *
 *  1. The destination is looked at first: a folder, or the file being read,
 *     is an error before anything is created; a symbolic link is followed,
 *     so the file it names is the one replaced.
 *  2. The new contents go to an unnamed file in the destination's folder
 *     (O_TMPFILE), or, where the file system cannot make one, to a hidden
 *     name `.BASE.ubtmp-XXXXXX` in that folder.
 *  3. Commit (ub-durable-commit.c): fsync() the file, give it the mode of
 *     the file it replaces, give the unnamed file a hidden name (linkat),
 *     rename that over the destination, fsync() the folder.
 *
 * Each hidden name is registered first, as a symbolic link to it in the
 * cache folder's `temps/`, and removed with it. A process killed while a
 * hidden name exists leaves its registration behind, and
 * ub_durable_remove_stale() at the next start removes both. A writer holds
 * flock() on its file, so a live writer's file is never taken for a stale
 * one.
 */

/**
 * ub_durable_sync_folder:
 * @dir: a folder
 * @error: return location for a #GError
 *
 * fsync()s @dir, so that names just made or removed in it last. A file
 * system that cannot sync a folder is no failure.
 *
 * Returns: %TRUE on success
 */
gboolean
ub_durable_sync_folder (const char  *dir,
                        GError     **error)
{
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  int saved_errno;
  gsize unused;

  if (fd < 0)
    {
      g_autofree char *name = g_filename_display_name (dir);

      ub_set_error_from_errno (error, errno, _("Cannot open the folder “%s”"), name);
      return FALSE;
    }

  if ((saved_errno = _ub_durable_injected (UB_DURABLE_FAULT_SYNC_FOLDER, 0, 0, &unused)) != 0 ||
      (fsync (fd) != 0 && (saved_errno = errno) != EINVAL && saved_errno != ENOTSUP &&
       saved_errno != EROFS))
    {
      g_autofree char *name = g_filename_display_name (dir);

      close (fd);
      ub_set_error_from_errno (error, saved_errno, _("Cannot sync the folder “%s”"), name);
      return FALSE;
    }

  close (fd);
  return TRUE;
}

static gboolean
is_special_name (const char *path)
{
  return g_str_has_prefix (path, "/dev/") || g_str_has_prefix (path, "/proc/");
}

/* Looks at the destination before any work: fills @file's kind, target
 * and mode, or fails. */
static gboolean
inspect_destination (UbDurableFile  *file,
                     const char     *path,
                     const char     *source,
                     GError        **error)
{
  GStatBuf st;
  GStatBuf src;
  g_autofree char *name = g_filename_display_name (path);

  if (path[0] == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                           _("No output file was given"));
      return FALSE;
    }

  if (g_stat (path, &st) != 0)
    {
      int saved_errno = errno;

      if (saved_errno != ENOENT)
        {
          ub_set_error_from_errno (error, saved_errno, _("%s: cannot write"), name);
          return FALSE;
        }
      if (g_str_has_suffix (path, G_DIR_SEPARATOR_S))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY,
                       _("%s: it names a folder"), name);
          return FALSE;
        }
      /* A new file, or a dangling link, which is then replaced. */
      file->target = g_strdup (path);
      file->kind = UB_DURABLE_KIND_TEMPORARY;
    }
  else if (S_ISDIR (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY,
                   _("%s: it is a folder"), name);
      return FALSE;
    }
  else
    {
      if (source != NULL && g_stat (source, &src) == 0 &&
          src.st_dev == st.st_dev && src.st_ino == st.st_ino)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("%s: it is the input file itself"), name);
          return FALSE;
        }

      if (!S_ISREG (st.st_mode) || is_special_name (path))
        {
          file->kind = UB_DURABLE_KIND_DIRECT;
          file->target = g_strdup (path);
        }
      else
        {
          char *resolved = realpath (path, NULL);

          file->kind = UB_DURABLE_KIND_TEMPORARY;
          file->target = resolved ? g_strdup (resolved) : g_strdup (path);
          free (resolved);
          file->keep_mode = TRUE;
          file->mode = st.st_mode & 07777;
        }
    }

  file->dir = g_path_get_dirname (file->target);
  return TRUE;
}

/**
 * ub_durable_check_destination:
 * @path: where a job will write
 * @source: (nullable): the file the job will read
 * @error: return location for a #GError
 *
 * Whether @path may be written: not a folder, not @source itself. For
 * callers that want to refuse before they start other work.
 *
 * Returns: %TRUE if @path can be written
 */
gboolean
ub_durable_check_destination (const char  *path,
                              const char  *source,
                              GError     **error)
{
  UbDurableFile probe = { 0 };
  gboolean ok;

  g_return_val_if_fail (path != NULL, FALSE);

  ok = inspect_destination (&probe, path, source, error);
  g_free (probe.target);
  g_free (probe.dir);
  return ok;
}

static UbDurableFile *
file_new (const char *path)
{
  UbDurableFile *file = g_new0 (UbDurableFile, 1);

  file->fd = -1;
  file->live_slot = -1;
  file->name = g_filename_display_name (path);
  file->buffer = g_malloc (UB_DURABLE_BUFFER_SIZE);
  return file;
}

/* A hidden name beside the target, created and held. */
static int
open_named_temporary (UbDurableFile  *file,
                      GError        **error)
{
  g_autofree char *base = g_path_get_basename (file->target);

  for (guint attempt = 0; attempt < 64; attempt++)
    {
      g_autofree char *leaf = g_strdup_printf (".%s" TEMP_INFIX "%06x", base,
                                               g_random_int () & 0xffffff);
      g_autofree char *temp = g_build_filename (file->dir, leaf, NULL);
      int fd;

      file->marker = _ub_durable_register_temporary (temp);
      fd = g_open (temp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
      if (fd >= 0)
        {
          (void) flock (fd, LOCK_EX | LOCK_NB);
          file->temp_path = g_steal_pointer (&temp);
          file->live_slot = _ub_durable_live_add (file->temp_path, file->marker);
          return fd;
        }
      {
        int saved_errno = errno;

        _ub_durable_unregister_temporary (&file->marker);
        if (saved_errno != EEXIST)
          {
            g_autofree char *dir = g_filename_display_name (file->dir);

            ub_set_error_from_errno (error, saved_errno,
                                     _("%s: cannot create a file in “%s”"),
                                     file->name, dir);
            return -1;
          }
      }
    }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
               _("%s: no free temporary name"), file->name);
  return -1;
}

static int
open_temporary (UbDurableFile  *file,
                GError        **error)
{
#ifdef O_TMPFILE
  /* UNBLOCK_NO_TMPFILE=1 tries the fallback, as tests of the CLI do. */
  if (!!_ub_durable_get_use_tmpfile () &&
      g_strcmp0 (g_getenv ("UNBLOCK_NO_TMPFILE"), "1") != 0)
    {
      int fd = g_open (file->dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0666);

      if (fd >= 0)
        {
          (void) flock (fd, LOCK_EX | LOCK_NB);
          return fd;
        }
      /* Only "this file system cannot" falls back to a name. */
      if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
        {
          g_autofree char *dir = g_filename_display_name (file->dir);

          ub_set_error_from_errno (error, errno,
                                   _("%s: cannot create a file in “%s”"),
                                   file->name, dir);
          return -1;
        }
    }
#endif

  return open_named_temporary (file, error);
}

/**
 * ub_durable_file_new:
 * @path: the destination
 * @source: (nullable): the file the writer reads, which @path may not be
 * @error: return location for a #GError
 *
 * Starts writing @path: nothing changes there until
 * ub_durable_file_commit() succeeds (unless @path is a FIFO, a device or
 * under /dev, which are written straight into).
 *
 * Returns: (transfer full) (nullable): the file, or %NULL with @error set
 *   (a folder, @source itself, a folder that cannot be written)
 */
UbDurableFile *
ub_durable_file_new (const char  *path,
                     const char  *source,
                     GError     **error)
{
  g_autoptr(UbDurableFile) file = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  file = file_new (path);
  if (!inspect_destination (file, path, source, error))
    return NULL;

  if (file->kind == UB_DURABLE_KIND_DIRECT)
    {
      file->fd = g_open (file->target, O_WRONLY | O_CREAT | O_TRUNC | O_NOCTTY | O_CLOEXEC, 0666);
      if (file->fd < 0)
        {
          ub_set_error_from_errno (error, errno, _("%s: cannot open"), file->name);
          return NULL;
        }
      return g_steal_pointer (&file);
    }

  file->fd = open_temporary (file, error);
  if (file->fd < 0)
    return NULL;

  return g_steal_pointer (&file);
}

/**
 * ub_durable_file_new_partial:
 * @path: the destination
 * @partial: a partial file in the cache (see ub_durable_dup_partial_path())
 * @resume_at: bytes of @partial to keep; 0 starts it afresh
 * @source: (nullable): the file the writer reads
 * @error: return location for a #GError
 *
 * Like ub_durable_file_new(), but the contents go to @partial, which stays
 * when the file is freed without being committed, so that a later run can
 * append to it. @partial must be a name ub_durable_dup_partial_path() made
 * and a regular file at least @resume_at bytes long.
 *
 * Returns: (transfer full) (nullable): the file, or %NULL with @error set
 */
UbDurableFile *
ub_durable_file_new_partial (const char  *path,
                             const char  *partial,
                             guint64      resume_at,
                             const char  *source,
                             GError     **error)
{
  g_autoptr(UbDurableFile) file = NULL;
  struct stat st;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (partial != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!ub_durable_is_partial_path (partial))
    {
      g_autofree char *name = g_filename_display_name (partial);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   _("“%s” is not a partial output of Unblock’s"), name);
      return NULL;
    }

  file = file_new (path);
  if (!inspect_destination (file, path, source, error))
    return NULL;
  if (file->kind == UB_DURABLE_KIND_DIRECT)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("%s: cannot resume writing it: it is not a regular file"), file->name);
      return NULL;
    }

  file->kind = UB_DURABLE_KIND_PARTIAL;
  file->partial = g_strdup (partial);
  file->fd = g_open (partial, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
  if (file->fd < 0)
    {
      ub_set_error_from_errno (error, errno, _("%s: cannot open its partial output"), file->name);
      return NULL;
    }

  if (fstat (file->fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                   _("%s: its partial output is not a regular file"), file->name);
      return NULL;
    }
  if ((guint64) st.st_size < resume_at)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                   _("%s: the partial output holds %llu bytes, the checkpoint "
                     "claims %llu"),
                   file->name, (unsigned long long) st.st_size, (unsigned long long) resume_at);
      return NULL;
    }
  if (ftruncate (file->fd, (off_t) resume_at) != 0 ||
      lseek (file->fd, (off_t) resume_at, SEEK_SET) < 0)
    {
      ub_set_error_from_errno (error, errno, _("%s: cannot resume writing it"), file->name);
      return NULL;
    }
  file->size = resume_at;

  return g_steal_pointer (&file);
}

static gboolean
write_fd (UbDurableFile  *file,
          const guint8   *data,
          gsize           len,
          GError        **error)
{
  guint64 offset = file->size - file->buffered;
  gsize allowed = len;
  int errsv = _ub_durable_injected (UB_DURABLE_FAULT_WRITE, offset, len, &allowed);

  while (allowed > 0)
    {
      gssize n = write (file->fd, data, allowed);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          errsv = errno;
          break;
        }
      data += n;
      allowed -= (gsize) n;
      len -= (gsize) n;
    }

  if (errsv != 0 || len > 0)
    {
      file->failed = TRUE;
      ub_set_error_from_errno (error, errsv ? errsv : EIO, _("%s: cannot write"), file->name);
      return FALSE;
    }
  return TRUE;
}

/**
 * ub_durable_file_flush:
 * @file: a file
 * @error: return location for a #GError
 *
 * Hands what is buffered to the system, so that another process reading
 * the partial file sees every byte ub_durable_file_get_size() counts.
 *
 * Returns: %TRUE on success
 */
gboolean
ub_durable_file_flush (UbDurableFile  *file,
                       GError        **error)
{
  gsize n;

  g_return_val_if_fail (file != NULL, FALSE);

  if (file->failed)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("%s: an earlier write failed"), file->name);
      return FALSE;
    }

  n = file->buffered;
  file->buffered = 0;
  file->size -= n;
  if (!write_fd (file, file->buffer, n, error))
    return FALSE;
  file->size += n;
  return TRUE;
}

/**
 * ub_durable_file_write:
 * @file: a file
 * @data: (array length=len): bytes
 * @len: how many
 * @error: return location for a #GError
 *
 * Appends @data, through a buffer: a failure may be reported by a later
 * call, at the latest by ub_durable_file_commit().
 *
 * Returns: %TRUE on success
 */
gboolean
ub_durable_file_write (UbDurableFile  *file,
                       const void     *data,
                       gsize           len,
                       GError        **error)
{
  g_return_val_if_fail (file != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (!file->committed, FALSE);

  if (file->failed)
    return ub_durable_file_flush (file, error);

  if (file->buffered + len > UB_DURABLE_BUFFER_SIZE && !ub_durable_file_flush (file, error))
    return FALSE;

  if (len >= UB_DURABLE_BUFFER_SIZE)
    {
      if (!write_fd (file, data, len, error))
        return FALSE;
      file->size += len;
      return TRUE;
    }

  memcpy (file->buffer + file->buffered, data, len);
  file->buffered += len;
  file->size += len;
  return TRUE;
}

/**
 * ub_durable_file_free:
 * @file: (transfer full) (nullable): a file
 *
 * Frees @file. An uncommitted temporary file is removed; a partial file
 * stays for a later run (ub_durable_remove_partial() removes it).
 */
void
ub_durable_file_free (UbDurableFile *file)
{
  if (file == NULL)
    return;

  if (file->temp_path != NULL)
    g_unlink (file->temp_path);
  _ub_durable_live_remove (&file->live_slot);
  _ub_durable_unregister_temporary (&file->marker);
  if (file->fd >= 0)
    close (file->fd);
  g_free (file->temp_path);
  g_free (file->partial);
  g_free (file->kept);
  g_free (file->name);
  g_free (file->target);
  g_free (file->dir);
  g_free (file->buffer);
  g_free (file);
}

/**
 * ub_durable_file_is_direct:
 *
 * Returns: whether @file is written straight into its destination (a
 *   FIFO, a device), which then cannot be resumed or taken back
 */
gboolean
ub_durable_file_is_direct (UbDurableFile *file)
{
  g_return_val_if_fail (file != NULL, FALSE);

  return file->kind == UB_DURABLE_KIND_DIRECT;
}

/**
 * ub_durable_file_get_size:
 *
 * Returns: the bytes written so far, a resumed partial file's included
 */
guint64
ub_durable_file_get_size (UbDurableFile *file)
{
  g_return_val_if_fail (file != NULL, 0);

  return file->size;
}

/**
 * ub_durable_file_get_name:
 *
 * Returns: (transfer none): the destination, for messages
 */
const char *
ub_durable_file_get_name (UbDurableFile *file)
{
  g_return_val_if_fail (file != NULL, NULL);

  return file->name;
}

/**
 * ub_durable_write_bytes:
 * @path: the destination
 * @contents: the whole file
 * @error: return location for a #GError
 *
 * Replaces @path with @contents, atomically and durably.
 *
 * Returns: %TRUE on success
 */
gboolean
ub_durable_write_bytes (const char  *path,
                        GBytes      *contents,
                        GError     **error)
{
  g_autoptr(UbDurableFile) file = NULL;
  gsize len;
  const guint8 *data;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (contents != NULL, FALSE);

  data = g_bytes_get_data (contents, &len);
  file = ub_durable_file_new (path, NULL, error);
  return file != NULL &&
         ub_durable_file_write (file, data, len, error) &&
         ub_durable_file_commit (file, error);
}

