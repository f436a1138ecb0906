/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ub-error.h"
#include "ub-png-check.h"

/*
 * The whole-file check behind `unblock-cli png info`: every chunk's
 * length, name and CRC, in a file that starts with IHDR and ends with
 * IEND, then every row of the image data through the streaming decoder,
 * folded into a 1 × 1 thumbnail so that no pixels are kept (an interlaced
 * image is the exception: the decoder needs it whole). The decoder checks
 * the critical chunks' CRCs itself; the walk here covers the ancillary
 * and unknown ones, which the decoder skips.
 */

#define READ_BLOCK (64 * 1024)
/* The format's bound on a chunk's length. */
#define MAX_CHUNK_LENGTH 0x7fffffffu

static const guint8 png_signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

static guint32
be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static gboolean
name_valid (const guint8 *name)
{
  for (guint i = 0; i < 4; i++)
    if (!g_ascii_isalpha (name[i]))
      return FALSE;
  return TRUE;
}

/* Reads exactly @size bytes, or says how the file ended: inside @what
 * of the chunk named @name (NULL: not yet known) at byte @offset. */
static gboolean
read_exactly (FILE        *file,
              guint8      *buffer,
              gsize        size,
              const char  *what,
              const char  *name,
              guint64      offset,
              GError     **error)
{
  if (fread (buffer, 1, size, file) == size)
    return TRUE;

  if (ferror (file))
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("cannot read: %s"), g_strerror (errno));
  else if (name == NULL)
    g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                 /* Translators: %s is a part of a chunk, "header" or "data" */
                 _("truncated: the file ends inside the %s of the next chunk at byte %llu"),
                 what, (unsigned long long) offset);
  else
    g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                 /* Translators: the first %s is a part of a chunk, "header" or
                  * "data", the second the chunk's four-letter type */
                 _("truncated: the file ends inside the %s of the %s chunk at byte %llu"),
                 what, name, (unsigned long long) offset);
  return FALSE;
}

static gboolean
walk_chunks (FILE          *file,
             GCancellable  *cancellable,
             guint         *n_chunks,
             GError       **error)
{
  g_autofree guint8 *block = g_malloc (READ_BLOCK);
  guint8 head[8];
  guint64 offset = sizeof png_signature;

  if (fread (head, 1, sizeof png_signature, file) != sizeof png_signature ||
      memcmp (head, png_signature, sizeof png_signature) != 0)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA, _("Not a PNG file: bad signature"));
      return FALSE;
    }

  for (guint n = 0;; n++)
    {
      char name[5] = { 0 };
      guint32 length;
      guint32 crc;
      guint8 stored[4];

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (!read_exactly (file, head, sizeof head, _("header"), NULL, offset, error))
        return FALSE;

      length = be32 (head);
      memcpy (name, head + 4, 4);
      if (!name_valid (head + 4) || length > MAX_CHUNK_LENGTH)
        {
          g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                       _("damaged: no valid chunk at byte %llu"),
                       (unsigned long long) offset);
          return FALSE;
        }
      if (n == 0 && strcmp (name, "IHDR") != 0)
        {
          g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                       _("damaged: the first chunk is %s, not IHDR"), name);
          return FALSE;
        }
      if (n > 0 && strcmp (name, "IHDR") == 0)
        {
          g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                       _("damaged: a second IHDR chunk at byte %llu"),
                       (unsigned long long) offset);
          return FALSE;
        }

      crc = libdeflate_crc32 (0, head + 4, 4);
      for (guint32 left = length; left > 0;)
        {
          gsize piece = MIN (left, READ_BLOCK);

          if (!read_exactly (file, block, piece, _("data"), name, offset, error))
            return FALSE;
          crc = libdeflate_crc32 (crc, block, piece);
          left -= piece;
        }
      if (!read_exactly (file, stored, sizeof stored, "CRC", name, offset, error))
        return FALSE;
      if (crc != be32 (stored))
        {
          g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                       _("damaged: the %s chunk at byte %llu fails its CRC"),
                       name, (unsigned long long) offset);
          return FALSE;
        }

      offset += 12 + (guint64) length;
      if (strcmp (name, "IEND") == 0)
        {
          *n_chunks = n + 1;
          return TRUE;
        }
    }
}

/**
 * ub_png_open_file:
 * @path: a file name
 * @error: return location for a #GError
 *
 * Opens a regular file for reading from start to end. A folder, a FIFO or
 * a device is refused at once (O_NONBLOCK: a FIFO named *.png is never
 * waited on), with an error that says so. Any thread may call this.
 *
 * Returns: (transfer full): the stream, or %NULL with @error set
 */
FILE *
ub_png_open_file (const char  *path,
                  GError     **error)
{
  struct stat st;
  FILE *file;
  int fd;

  fd = g_open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("cannot open: %s"), g_strerror (saved_errno));
      return NULL;
    }

  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      gboolean is_dir = S_ISDIR (st.st_mode);

      close (fd);
      g_set_error_literal (error, G_IO_ERROR,
                           is_dir ? G_IO_ERROR_IS_DIRECTORY : G_IO_ERROR_NOT_REGULAR_FILE,
                           is_dir ? _("cannot open: it is a folder") : _("cannot open: not a regular file"));
      return NULL;
    }

#ifdef POSIX_FADV_SEQUENTIAL
  (void) posix_fadvise (fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif

  file = fdopen (fd, "rb");
  if (file == NULL)
    {
      int saved_errno = errno;

      close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("cannot open: %s"), g_strerror (saved_errno));
    }
  return file;
}

/**
 * ub_png_check_file:
 * @path: a file name
 * @cancellable: (nullable): checked between chunks and between rows
 * @n_chunks: (out) (optional): how many chunks the file has, IEND included
 * @error: return location for a #GError
 *
 * Checks the whole of a PNG file: every chunk and its CRC, IHDR first and
 * IEND last, and the image data decoded to its last row (see the decoder's
 * limits). Bytes after IEND are not read. Any thread may call this.
 *
 * Returns: whether the file is whole and valid
 */
gboolean
ub_png_check_file (const char    *path,
                   GCancellable  *cancellable,
                   guint         *n_chunks,
                   GError       **error)
{
  g_autoptr(UbPngImage) image = NULL;
  FILE *file;
  guint count = 0;
  gboolean ok;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  file = ub_png_open_file (path, error);
  if (file == NULL)
    return FALSE;

  ok = walk_chunks (file, cancellable, &count, error);
  fclose (file);
  if (!ok)
    return FALSE;

  image = ub_png_thumbnail_file (path, 1, NULL, NULL, cancellable, error);
  if (image == NULL)
    return FALSE;

  if (n_chunks != NULL)
    *n_chunks = count;
  return TRUE;
}
