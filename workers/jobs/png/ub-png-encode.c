/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <fcntl.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ub-durable.h"
#include "ub-error.h"
#include "ub-png-encode.h"
#include "ub-png-failure-private.h"

/*
 * Encoding PNG with libpng. As in the decoder, each libpng call is made
 * from a function that only calls setjmp() and libpng, with all state in
 * the UbPngWriter, which its owner frees on every path.
 */

struct _UbPngWriter
{
  png_structp  png;
  png_infop    info;

  UbPngFormat  format;
  guint32      width;
  guint32      height;
  guint32      rows_written;
  gboolean     finished;

  /* A file writer: see ub-durable.h */
  UbDurableFile *file;    /* (owned) */

  /* A memory writer. */
  GByteArray  *buffer;    /* (owned) */

  UbPngFailure failure;   /* set by the callbacks before png_error() */
};

void
ub_png_encode_options_init_default (UbPngEncodeOptions *options)
{
  g_return_if_fail (options != NULL);

  options->compression_level = 2;
  options->filter = UB_PNG_FILTER_UP;
  options->text = NULL;
}

/* Hands the key/value pairs of @text to libpng, which copies them. */
static void
writer_set_text (UbPngWriter         *w,
                 const char * const  *text)
{
  g_autofree png_text *chunks = NULL;
  guint n = 0;

  while (text[2 * n] != NULL && text[2 * n + 1] != NULL)
    n++;
  if (n == 0)
    return;

  chunks = g_new0 (png_text, n);
  for (guint i = 0; i < n; i++)
    {
      chunks[i].compression = PNG_TEXT_COMPRESSION_NONE;
      chunks[i].key = (png_charp) text[2 * i];
      chunks[i].text = (png_charp) text[2 * i + 1];
      chunks[i].text_length = strlen (text[2 * i + 1]);
    }
  png_set_text (w->png, w->info, chunks, (int) n);
}

static void
on_png_write_file (png_structp png,
                   png_bytep   data,
                   png_size_t  length)
{
  UbPngWriter *w = png_get_io_ptr (png);

  if (!ub_durable_file_write (w->file, data, length, &w->failure.cause))
    png_error (png, "write error");
}

static void
on_png_write_memory (png_structp png,
                     png_bytep   data,
                     png_size_t  length)
{
  UbPngWriter *w = png_get_io_ptr (png);

  g_byte_array_append (w->buffer, data, length);
}

static void
on_png_flush (png_structp png)
{
}

static void
writer_propagate_error (UbPngWriter  *w,
                        GError      **error)
{
  if (!_ub_png_failure_take_cause (&w->failure, error))
    g_set_error (error, UB_ERROR, UB_ERROR_FAILED,
                 _("Cannot write PNG: %s"), w->failure.message);
}

static gboolean
writer_start (UbPngWriter               *w,
              const UbPngEncodeOptions  *options,
              GError                   **error)
{
  /* @options is not NULL here. */
  static const int filters[] = {
    [UB_PNG_FILTER_NONE] = PNG_FILTER_NONE,
    [UB_PNG_FILTER_SUB] = PNG_FILTER_SUB,
    [UB_PNG_FILTER_UP] = PNG_FILTER_UP,
    [UB_PNG_FILTER_AVERAGE] = PNG_FILTER_AVG,
    [UB_PNG_FILTER_PAETH] = PNG_FILTER_PAETH,
    [UB_PNG_FILTER_ADAPTIVE] = PNG_ALL_FILTERS,
  };
  w->png = png_create_write_struct (PNG_LIBPNG_VER_STRING, &w->failure,
                                    _ub_png_failure_on_error, _ub_png_failure_on_warning);
  if (w->png == NULL)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_FAILED,
                           _("Cannot create a PNG writer"));
      return FALSE;
    }

  if (setjmp (png_jmpbuf (w->png)))
    {
      writer_propagate_error (w, error);
      return FALSE;
    }

  w->info = png_create_info_struct (w->png);
  if (w->info == NULL)
    png_error (w->png, "Out of memory");

  if (w->file != NULL)
    png_set_write_fn (w->png, w, on_png_write_file, on_png_flush);
  else
    png_set_write_fn (w->png, w, on_png_write_memory, on_png_flush);

  png_set_compression_level (w->png, CLAMP (options->compression_level, 0, 9));
  png_set_filter (w->png, PNG_FILTER_TYPE_BASE,
                  filters[CLAMP (options->filter, UB_PNG_FILTER_NONE,
                                 UB_PNG_FILTER_ADAPTIVE)]);
  png_set_IHDR (w->png, w->info, w->width, w->height, 8,
                w->format == UB_PNG_FORMAT_RGBA8 ? PNG_COLOR_TYPE_RGB_ALPHA
                                                 : PNG_COLOR_TYPE_RGB,
                PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                PNG_FILTER_TYPE_DEFAULT);
  if (options->text != NULL)
    writer_set_text (w, options->text);
  png_write_info (w->png, w->info);

  /* RGBX rows carry a fourth byte that is not written. */
  if (w->format == UB_PNG_FORMAT_RGBX8)
    png_set_filler (w->png, 0, PNG_FILLER_AFTER);

  return TRUE;
}

static UbPngWriter *
writer_new (guint32     width,
            guint32     height,
            UbPngFormat format)
{
  UbPngWriter *w = g_new0 (UbPngWriter, 1);

  w->width = width;
  w->height = height;
  w->format = format;
  return w;
}

/**
 * ub_png_writer_new_file:
 * @path: the destination
 * @width: in pixels, > 0
 * @height: in pixels, > 0
 * @format: the layout of the rows that will be written
 * @options: (nullable): compression options, or %NULL for the defaults
 * @error: return location for a #GError
 *
 * Starts a PNG file. Nothing appears at @path until
 * ub_png_writer_finish() succeeds.
 *
 * Returns: (transfer full) (nullable): the writer, or %NULL with @error set
 */
UbPngWriter *
ub_png_writer_new_file (const char                *path,
                        guint32                    width,
                        guint32                    height,
                        UbPngFormat                format,
                        const UbPngEncodeOptions  *options,
                        GError                   **error)
{
  g_autoptr(UbPngWriter) w = NULL;
  UbPngEncodeOptions defaults;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (width > 0 && height > 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  w = writer_new (width, height, format);
  w->file = ub_durable_file_new (path, NULL, error);
  if (w->file == NULL)
    return NULL;

  if (options == NULL)
    {
      ub_png_encode_options_init_default (&defaults);
      options = &defaults;
    }
  if (!writer_start (w, options, error))
    return NULL;

  return g_steal_pointer (&w);
}

/**
 * ub_png_writer_new_memory:
 * @width: in pixels, > 0
 * @height: in pixels, > 0
 * @format: the layout of the rows that will be written
 * @options: (nullable): compression options, or %NULL for the defaults
 * @error: return location for a #GError
 *
 * Starts a PNG in memory; ub_png_writer_finish_bytes() returns it.
 *
 * Returns: (transfer full) (nullable): the writer, or %NULL with @error set
 */
UbPngWriter *
ub_png_writer_new_memory (guint32                    width,
                          guint32                    height,
                          UbPngFormat                format,
                          const UbPngEncodeOptions  *options,
                          GError                   **error)
{
  g_autoptr(UbPngWriter) w = NULL;
  UbPngEncodeOptions defaults;

  g_return_val_if_fail (width > 0 && height > 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  w = writer_new (width, height, format);
  w->buffer = g_byte_array_new ();

  if (options == NULL)
    {
      ub_png_encode_options_init_default (&defaults);
      options = &defaults;
    }
  if (!writer_start (w, options, error))
    return NULL;

  return g_steal_pointer (&w);
}

/**
 * ub_png_writer_write_rows:
 * @writer: a writer
 * @rows: (array): the first row
 * @n_rows: how many rows follow each other at @stride
 * @stride: bytes from one row to the next
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success
 */
gboolean
ub_png_writer_write_rows (UbPngWriter   *writer,
                          const guint8  *rows,
                          guint32        n_rows,
                          gsize          stride,
                          GError       **error)
{
  UbPngWriter *w = writer;

  g_return_val_if_fail (writer != NULL, FALSE);
  g_return_val_if_fail (rows != NULL || n_rows == 0, FALSE);
  g_return_val_if_fail (n_rows <= writer->height - writer->rows_written, FALSE);
  g_return_val_if_fail (!writer->finished, FALSE);

  if (setjmp (png_jmpbuf (w->png)))
    {
      writer_propagate_error (w, error);
      return FALSE;
    }

  for (guint32 i = 0; i < n_rows; i++)
    png_write_row (w->png, rows + i * stride);
  w->rows_written += n_rows;

  return TRUE;
}

static gboolean
writer_end (UbPngWriter  *w,
            GError      **error)
{
  if (w->rows_written != w->height)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_FAILED,
                   _("Cannot write PNG: %u of %u rows written"),
                   w->rows_written, w->height);
      return FALSE;
    }

  if (setjmp (png_jmpbuf (w->png)))
    {
      writer_propagate_error (w, error);
      return FALSE;
    }

  png_write_end (w->png, NULL);
  w->finished = TRUE;

  return TRUE;
}

/**
 * ub_png_writer_finish:
 * @writer: a file writer, every row written
 * @error: return location for a #GError
 *
 * Completes the file and puts it in place of the destination, durably
 * (see ub-durable.h).
 *
 * Returns: %TRUE on success
 */
gboolean
ub_png_writer_finish (UbPngWriter  *writer,
                      GError      **error)
{
  g_return_val_if_fail (writer != NULL, FALSE);
  g_return_val_if_fail (writer->file != NULL, FALSE);

  if (!writer_end (writer, error))
    return FALSE;

  return ub_durable_file_commit (writer->file, error);
}

/**
 * ub_png_writer_finish_bytes:
 * @writer: a memory writer, every row written
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the PNG, or %NULL with @error set
 */
GBytes *
ub_png_writer_finish_bytes (UbPngWriter  *writer,
                            GError      **error)
{
  g_return_val_if_fail (writer != NULL, NULL);
  g_return_val_if_fail (writer->buffer != NULL, NULL);

  if (!writer_end (writer, error))
    return NULL;

  return g_byte_array_free_to_bytes (g_steal_pointer (&writer->buffer));
}

/**
 * ub_png_writer_free:
 * @writer: (nullable) (transfer full): a writer
 *
 * Frees @writer; an unfinished file is removed.
 */
void
ub_png_writer_free (UbPngWriter *writer)
{
  if (writer == NULL)
    return;

  if (writer->png != NULL)
    png_destroy_write_struct (&writer->png,
                              writer->info != NULL ? &writer->info : NULL);
  g_clear_pointer (&writer->file, ub_durable_file_free);
  g_clear_pointer (&writer->buffer, g_byte_array_unref);
  _ub_png_failure_clear (&writer->failure);
  g_free (writer);
}

#define ROWS_PER_CHECK 64

static gboolean
write_all_rows (UbPngWriter   *w,
                const guint8  *pixels,
                guint32        height,
                gsize          stride,
                GCancellable  *cancellable,
                GError       **error)
{
  for (guint32 y = 0; y < height; y += ROWS_PER_CHECK)
    {
      guint32 n = MIN (ROWS_PER_CHECK, height - y);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (!ub_png_writer_write_rows (w, pixels + y * stride, n, stride, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * ub_png_encode_file:
 * @path: the destination
 * @pixels: the first row
 * @width: in pixels
 * @height: in pixels
 * @stride: bytes from one row to the next
 * @format: the layout of @pixels
 * @options: (nullable): compression options
 * @cancellable: (nullable): checked every few rows
 * @error: return location for a #GError
 *
 * Writes a whole image atomically and durably (see ub-durable.h).
 *
 * Returns: %TRUE on success
 */
gboolean
ub_png_encode_file (const char                *path,
                    const guint8              *pixels,
                    guint32                    width,
                    guint32                    height,
                    gsize                      stride,
                    UbPngFormat                format,
                    const UbPngEncodeOptions  *options,
                    GCancellable              *cancellable,
                    GError                   **error)
{
  g_autoptr(UbPngWriter) w = NULL;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (pixels != NULL, FALSE);

  w = ub_png_writer_new_file (path, width, height, format, options, error);
  return w != NULL &&
         write_all_rows (w, pixels, height, stride, cancellable, error) &&
         ub_png_writer_finish (w, error);
}

/**
 * ub_png_encode_bytes:
 * @pixels: the first row
 * @width: in pixels
 * @height: in pixels
 * @stride: bytes from one row to the next
 * @format: the layout of @pixels
 * @options: (nullable): compression options
 * @cancellable: (nullable): checked every few rows
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the PNG, or %NULL with @error set
 */
GBytes *
ub_png_encode_bytes (const guint8              *pixels,
                     guint32                    width,
                     guint32                    height,
                     gsize                      stride,
                     UbPngFormat                format,
                     const UbPngEncodeOptions  *options,
                     GCancellable              *cancellable,
                     GError                   **error)
{
  g_autoptr(UbPngWriter) w = NULL;

  g_return_val_if_fail (pixels != NULL, NULL);

  w = ub_png_writer_new_memory (width, height, format, options, error);
  if (w == NULL || !write_all_rows (w, pixels, height, stride, cancellable, error))
    return NULL;
  return ub_png_writer_finish_bytes (w, error);
}
