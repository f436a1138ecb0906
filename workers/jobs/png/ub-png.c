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

#include "ub-error.h"
#include "ub-png-check.h"
#include "ub-png-decoder-private.h"
#include "ub-png-whole-private.h"

/*
 * Decoding PNG with libpng.
 *
 * libpng reports errors by longjmp()ing out of whatever call failed. Every
 * libpng call is therefore made from a function that does nothing but call
 * setjmp() and then libpng; all the state lives in a UbPngDecoder owned by
 * its caller, so nothing the decoder allocated is ever held only in a local
 * of the function that setjmp() returns into, and the caller frees it all
 * on one path whether or not libpng failed.
 *
 * This file reads headers and whole images; ub-png-thumbnail.c scales down
 * as it reads, with the same decoder.
 */

#define ROWS_PER_PROGRESS 64
#define FILE_BUFFER_SIZE  (64 * 1024)
#define IDAT_READ_SIZE    (64 * 1024)

static const guint8 ignored_chunks[] =
  "iCCP" "\0" "iTXt" "\0" "tEXt" "\0" "zTXt" "\0" "sPLT" "\0" "eXIf" "\0"
  "hIST" "\0" "pCAL" "\0" "sCAL" "\0" "tIME" "\0";
#define N_IGNORED_CHUNKS 10

void
ub_png_limits_init_default (UbPngLimits *limits)
{
  g_return_if_fail (limits != NULL);

  limits->max_width = 16384;
  limits->max_height = 16384;
  limits->max_pixels = G_GUINT64_CONSTANT (1) << 28;
  limits->max_chunk_size = 8 * 1024 * 1024;
  limits->max_chunk_cache = 1000;
  limits->max_malloc = 64 * 1024 * 1024;
}

/* ---- libpng callbacks ---------------------------------------------- */

static png_voidp
on_png_malloc (png_structp      png,
               png_alloc_size_t size)
{
  UbPngDecoder *d = png_get_mem_ptr (png);

  if (size > d->limits.max_malloc)
    return NULL;
  return g_try_malloc (size);
}

static void
on_png_free (png_structp png,
             png_voidp   ptr)
{
  g_free (ptr);
}

static void
on_png_read_file (png_structp png,
                  png_bytep   out,
                  png_size_t  length)
{
  UbPngDecoder *d = png_get_io_ptr (png);

  if (fread (out, 1, length, d->file) == length)
    return;

  if (ferror (d->file))
    {
      int saved_errno = errno;

      g_set_error (&d->failure.cause, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Read error: %s"), g_strerror (saved_errno));
    }
  png_error (png, "file is truncated");
}

static void
on_png_read_data (png_structp png,
                  png_bytep   out,
                  png_size_t  length)
{
  UbPngDecoder *d = png_get_io_ptr (png);

  if (length > d->size - d->pos)
    png_error (png, "file is truncated");
  memcpy (out, d->data + d->pos, length);
  d->pos += length;
}

/* ---- decoder life cycle -------------------------------------------- */

void
_ub_png_decoder_init (UbPngDecoder      *d,
                      const UbPngLimits *limits,
                      UbPngPool         *pool,
                      GCancellable      *cancellable)
{
  memset (d, 0, sizeof *d);
  if (limits != NULL)
    d->limits = *limits;
  else
    ub_png_limits_init_default (&d->limits);
  d->pool = pool;
  d->cancellable = cancellable;
}

void
_ub_png_decoder_clear (UbPngDecoder *d)
{
  if (d->png != NULL)
    png_destroy_read_struct (&d->png, d->info != NULL ? &d->info : NULL, NULL);
  g_clear_pointer (&d->file, fclose);
  g_clear_pointer (&d->image, ub_png_image_free);
  g_clear_pointer (&d->thumbnail, ub_png_image_free);
  g_clear_pointer (&d->row, g_free);
  ub_png_scaler_clear (&d->scaler);
  _ub_png_failure_clear (&d->failure);
}

gboolean
_ub_png_decoder_open_file (UbPngDecoder  *d,
                           const char    *path,
                           GError       **error)
{
  d->file = ub_png_open_file (path, error);
  if (d->file == NULL)
    return FALSE;
  setvbuf (d->file, NULL, _IOFBF, FILE_BUFFER_SIZE);

  return TRUE;
}

/* Turns a libpng failure (or a callback's error) into a GError. */
static void
decoder_propagate_error (UbPngDecoder  *d,
                         GError       **error)
{
  const char *message = d->failure.message;

  if (_ub_png_failure_take_cause (&d->failure, error))
    return;
  if (strcmp (message, "Out of memory") == 0 || g_str_has_suffix (message, "too large"))
    g_set_error (error, UB_ERROR, UB_ERROR_TOO_LARGE,
                 _("Not a usable PNG: %s"), message);
  else
    g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                 _("Not a valid PNG: %s"), message[0] ? message : _("unknown error"));
}

/* ---- the part that runs under setjmp() ----------------------------- */

/* Reads the signature and the chunks up to the first IDAT. */
static gboolean
decoder_read_header (UbPngDecoder  *d,
                     GError       **error)
{
  guint8 signature[8];
  png_uint_32 width, height;
  int bit_depth, color_type, interlace;

  /* The signature is checked before libpng is involved so that "not a PNG
   * at all" gets a clear message. */
  if (d->file != NULL)
    {
      gsize n = fread (signature, 1, sizeof signature, d->file);

      if (n == 0 && ferror (d->file))
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Read error: %s"), g_strerror (saved_errno));
          return FALSE;
        }
      if (n != sizeof signature)
        {
          g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                               n == 0 ? _("Not a PNG file: the file is empty")
                                      : _("Not a PNG file: the file is too short"));
          return FALSE;
        }
    }
  else
    {
      if (d->size < sizeof signature)
        {
          g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                               d->size == 0 ? _("Not a PNG file: the file is empty")
                                            : _("Not a PNG file: the file is too short"));
          return FALSE;
        }
      memcpy (signature, d->data, sizeof signature);
      d->pos = sizeof signature;
    }

  if (png_sig_cmp (signature, 0, sizeof signature) != 0)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                           _("Not a PNG file: bad signature"));
      return FALSE;
    }

  d->png = png_create_read_struct_2 (PNG_LIBPNG_VER_STRING,
                                     &d->failure, _ub_png_failure_on_error,
                                     _ub_png_failure_on_warning,
                                     d, on_png_malloc, on_png_free);
  if (d->png == NULL)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_FAILED,
                           _("Cannot create a PNG reader"));
      return FALSE;
    }

  if (setjmp (png_jmpbuf (d->png)))
    {
      decoder_propagate_error (d, error);
      return FALSE;
    }

  d->info = png_create_info_struct (d->png);
  if (d->info == NULL)
    png_error (d->png, "Out of memory");

  if (d->file != NULL)
    png_set_read_fn (d->png, d, on_png_read_file);
  else
    png_set_read_fn (d->png, d, on_png_read_data);
  png_set_sig_bytes (d->png, sizeof signature);

  /* Our own width/height/pixel limits are checked below, with a clearer
   * error; libpng is only asked to stay within what the format allows. */
  png_set_user_limits (d->png, PNG_UINT_31_MAX, PNG_UINT_31_MAX);
  png_set_chunk_cache_max (d->png, d->limits.max_chunk_cache);
  png_set_chunk_malloc_max (d->png, d->limits.max_chunk_size);
  /* The zlib stream's Adler-32 is not checked: each IDAT chunk's CRC-32
   * already covers every compressed byte, and a stream that inflates
   * without error from intact bytes cannot yield other data, so the
   * second checksum only costs time (about a fifth of inflate's, measured
   * by unblock-bench png). CRCs of critical chunks are always checked. */
  png_set_option (d->png, PNG_IGNORE_ADLER32, PNG_OPTION_ON);
  /* Hand inflate bigger pieces of IDAT at once (libpng's default: 8 KiB). */
  png_set_compression_buffer_size (d->png, IDAT_READ_SIZE);
#ifdef UB_PNG_FUZZING
  /* Fuzzing builds only: accept bad CRCs, so that mutated inputs get past
   * them into the image data. */
  png_set_crc_action (d->png, PNG_CRC_QUIET_USE, PNG_CRC_QUIET_USE);
#endif
  png_set_keep_unknown_chunks (d->png, PNG_HANDLE_CHUNK_NEVER, NULL, 0);
  png_set_keep_unknown_chunks (d->png, PNG_HANDLE_CHUNK_NEVER,
                               ignored_chunks, N_IGNORED_CHUNKS);

  png_read_info (d->png, d->info);

  png_get_IHDR (d->png, d->info, &width, &height, &bit_depth, &color_type,
                &interlace, NULL, NULL);
  d->header.width = width;
  d->header.height = height;
  d->header.bit_depth = bit_depth;
  d->header.color_type = color_type;
  d->header.interlaced = interlace != PNG_INTERLACE_NONE;
  d->header.has_alpha = (color_type & PNG_COLOR_MASK_ALPHA) != 0 ||
                        png_get_valid (d->png, d->info, PNG_INFO_tRNS) != 0;

  return TRUE;
}

static gboolean
decoder_check_limits (UbPngDecoder  *d,
                      GError       **error)
{
  const UbPngInfo *h = &d->header;

  if (h->width > d->limits.max_width || h->height > d->limits.max_height ||
      (guint64) h->width * h->height > d->limits.max_pixels)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_TOO_LARGE,
                   _("Image too large: %u×%u exceeds the limit of %u×%u and %llu pixels"),
                   h->width, h->height, d->limits.max_width,
                   d->limits.max_height, (unsigned long long) d->limits.max_pixels);
      return FALSE;
    }
  return TRUE;
}

/* Sets libpng's transformations so that every row comes out as RGBA8. */
static gboolean
decoder_setup_rgba8 (UbPngDecoder  *d,
                     GError       **error)
{
  int color_type = d->header.color_type;

  if (setjmp (png_jmpbuf (d->png)))
    {
      decoder_propagate_error (d, error);
      return FALSE;
    }

  if (color_type == PNG_COLOR_TYPE_PALETTE)
    png_set_palette_to_rgb (d->png);
  if (color_type == PNG_COLOR_TYPE_GRAY && d->header.bit_depth < 8)
    png_set_expand_gray_1_2_4_to_8 (d->png);
  if (png_get_valid (d->png, d->info, PNG_INFO_tRNS))
    png_set_tRNS_to_alpha (d->png);
  if (d->header.bit_depth == 16)
    png_set_strip_16 (d->png);
  if ((color_type & PNG_COLOR_MASK_COLOR) == 0)
    png_set_gray_to_rgb (d->png);
  if (!d->header.has_alpha)
    png_set_filler (d->png, 0xff, PNG_FILLER_AFTER);
  d->passes = png_set_interlace_handling (d->png);

  png_read_update_info (d->png, d->info);

  if (png_get_rowbytes (d->png, d->info) != (gsize) d->header.width * 4)
    png_error (d->png, "unexpected row size after conversion");

  return TRUE;
}

/* Reads the header, checks it against the limits and sets the decoder up
 * to produce RGBA8 rows. */
gboolean
_ub_png_decoder_start (UbPngDecoder  *d,
                       GError       **error)
{
  return decoder_read_header (d, error) &&
         decoder_check_limits (d, error) &&
         decoder_setup_rgba8 (d, error);
}

static gboolean
decoder_check_cancelled (UbPngDecoder  *d,
                         GError       **error)
{
  return g_cancellable_set_error_if_cancelled (d->cancellable, error);
}

/* Reads every row, then the chunks after the image data. Rows land in
 * d->image when there is one: a full decode, or the whole of an interlaced
 * source for a thumbnail. Otherwise (a non-interlaced thumbnail) each row
 * goes through d->row into the scaler as libpng produces it, so the image
 * is never held whole. */
gboolean
_ub_png_decoder_read_rows (UbPngDecoder  *d,
                           GError       **error)
{
  guint32 height = d->header.height;
  guint64 total_rows = (guint64) height * d->passes;

  if (setjmp (png_jmpbuf (d->png)))
    {
      decoder_propagate_error (d, error);
      return FALSE;
    }

  for (int pass = 0; pass < d->passes; pass++)
    for (guint32 y = 0; y < height; y++)
      {
        guint64 done = (guint64) pass * height + y;
        guint8 *row = d->image != NULL ? d->image->pixels + y * d->image->stride : d->row;

        if (decoder_check_cancelled (d, error))
          return FALSE;
        if (d->progress != NULL && done % ROWS_PER_PROGRESS == 0)
          d->progress ((double) done / total_rows, d->progress_data);
        png_read_row (d->png, row, NULL);
        if (d->image == NULL)
          ub_png_scaler_push_row (&d->scaler, row, d->thumbnail);
      }

  png_read_end (d->png, NULL);

  if (d->progress != NULL)
    d->progress (1.0, d->progress_data);

  return TRUE;
}

/* ---- public API ----------------------------------------------------- */

static gboolean
decoder_read_info (UbPngDecoder  *d,
                   UbPngInfo     *info,
                   GError       **error)
{
  if (!decoder_read_header (d, error))
    return FALSE;
  *info = d->header;
  return TRUE;
}

/**
 * ub_png_read_info_file:
 * @path: a file name
 * @info: (out caller-allocates): the header
 * @error: return location for a #GError
 *
 * Reads only the signature and the chunks before the image data.
 *
 * Returns: %TRUE on success
 */
gboolean
ub_png_read_info_file (const char  *path,
                       UbPngInfo   *info,
                       GError     **error)
{
  UbPngDecoder d;
  gboolean ok;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (info != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  _ub_png_decoder_init (&d, NULL, NULL, NULL);
  ok = _ub_png_decoder_open_file (&d, path, error) && decoder_read_info (&d, info, error);
  _ub_png_decoder_clear (&d);

  return ok;
}

/**
 * ub_png_read_info_data:
 * @data: (array length=size): PNG bytes
 * @size: length of @data
 * @info: (out caller-allocates): the header
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success
 */
gboolean
ub_png_read_info_data (const guint8  *data,
                       gsize          size,
                       UbPngInfo     *info,
                       GError       **error)
{
  UbPngDecoder d;
  gboolean ok;

  g_return_val_if_fail (data != NULL || size == 0, FALSE);
  g_return_val_if_fail (info != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  _ub_png_decoder_init (&d, NULL, NULL, NULL);
  d.data = data;
  d.size = size;
  ok = decoder_read_info (&d, info, error);
  _ub_png_decoder_clear (&d);

  return ok;
}

UbPngImage *
_ub_png_decoder_out_of_memory (GError **error)
{
  g_set_error_literal (error, UB_ERROR, UB_ERROR_TOO_LARGE,
                       _("Not enough memory for the image"));
  return NULL;
}

static UbPngImage *
decoder_decode (UbPngDecoder  *d,
                GError       **error)
{
  if (!_ub_png_decoder_start (d, error))
    return NULL;

  d->image = ub_png_image_new (d->header.width, d->header.height, d->pool);
  if (d->image == NULL)
    return _ub_png_decoder_out_of_memory (error);

  if (!_ub_png_decoder_read_rows (d, error))
    return NULL;

  return g_steal_pointer (&d->image);
}

/**
 * ub_png_decode_file:
 * @path: a file name
 * @limits: (nullable): limits, or %NULL for the defaults
 * @pool: (nullable): where the pixel buffer comes from, or %NULL
 * @cancellable: (nullable): checked between rows
 * @progress: (nullable) (scope call): progress callback
 * @progress_data: its closure
 * @error: return location for a #GError
 *
 * Decodes any PNG (every colour type, bit depth, tRNS, Adam7) to straight
 * RGBA8. Plain 8-bit images within the bound set by
 * ub_png_set_whole_inflate_max() are inflated whole with libdeflate and
 * unfiltered with SIMD (ub-png-whole.c); the rest, and every malformed
 * file, stream through libpng and zlib. 16-bit samples are truncated to their high byte; gamma and colour
 * profiles are not applied. Errors are %UB_ERROR_INVALID_DATA for a
 * malformed file, %UB_ERROR_TOO_LARGE for one beyond @limits, a
 * %G_IO_ERROR for the file system, %G_IO_ERROR_CANCELLED.
 *
 * Returns: (transfer full): the image, or %NULL with @error set
 */
UbPngImage *
ub_png_decode_file (const char         *path,
                    const UbPngLimits  *limits,
                    UbPngPool          *pool,
                    GCancellable       *cancellable,
                    UbPngProgressFunc   progress,
                    gpointer            progress_data,
                    GError            **error)
{
  UbPngDecoder d;
  UbPngImage *image = NULL;
  UbPngLimits default_limits;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ub_png_limits_init_default (&default_limits);
  if (_ub_png_whole_decode_file (path, limits != NULL ? limits : &default_limits,
                                 pool, cancellable, progress, progress_data,
                                 &image, error))
    return image;

  _ub_png_decoder_init (&d, limits, pool, cancellable);
  d.progress = progress;
  d.progress_data = progress_data;
  if (_ub_png_decoder_open_file (&d, path, error))
    image = decoder_decode (&d, error);
  _ub_png_decoder_clear (&d);

  return image;
}

/**
 * ub_png_decode_data:
 * @data: (array length=size): PNG bytes
 * @size: length of @data
 * @limits: (nullable): limits, or %NULL for the defaults
 * @pool: (nullable): where the pixel buffer comes from, or %NULL
 * @cancellable: (nullable): checked between rows
 * @error: return location for a #GError
 *
 * As ub_png_decode_file(), from memory.
 *
 * Returns: (transfer full): the image, or %NULL with @error set
 */
UbPngImage *
ub_png_decode_data (const guint8       *data,
                    gsize               size,
                    const UbPngLimits  *limits,
                    UbPngPool          *pool,
                    GCancellable       *cancellable,
                    GError            **error)
{
  UbPngDecoder d;
  UbPngImage *image = NULL;
  UbPngLimits default_limits;

  g_return_val_if_fail (data != NULL || size == 0, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ub_png_limits_init_default (&default_limits);
  if (_ub_png_whole_decode_data (data, size, limits != NULL ? limits : &default_limits,
                                 pool, cancellable, &image, error))
    return image;

  _ub_png_decoder_init (&d, limits, pool, cancellable);
  d.data = data;
  d.size = size;
  image = decoder_decode (&d, error);
  _ub_png_decoder_clear (&d);

  return image;
}
