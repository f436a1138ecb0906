/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

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
#include "ub-png.h"

/*
 * Decoding PNG with libpng.
 *
 * libpng reports errors by longjmp()ing out of whatever call failed. Every
 * libpng call is therefore made from a function that does nothing but call
 * setjmp() and then libpng; all the state lives in a Decoder owned by its
 * caller, so nothing the decoder allocated is ever held only in a local of
 * the function that setjmp() returns into, and the caller frees it all on
 * one path whether or not libpng failed.
 *
 * A Decoder belongs to the thread that runs it.
 */

#define ROWS_PER_PROGRESS 64
#define FILE_BUFFER_SIZE  (64 * 1024)
#define IDAT_READ_SIZE    (64 * 1024)

static const guint8 ignored_chunks[] =
  "iCCP" "\0" "iTXt" "\0" "tEXt" "\0" "zTXt" "\0" "sPLT" "\0" "eXIf" "\0"
  "hIST" "\0" "pCAL" "\0" "sCAL" "\0" "tIME" "\0";
#define N_IGNORED_CHUNKS 10

typedef struct
{
  /* Collects one thumbnail row from the streamed source rows: a box filter
   * with exact fractional coverage, weighted by alpha. In fixed units a
   * source column spans dst_width and a thumbnail column src_width, so all
   * overlaps are integers. */
  guint32  src_width, src_height;
  guint32  dst_width, dst_height;
  guint32 *col_index;   /* first thumbnail column each source column feeds */
  guint32 *col_weight;  /* its weight there; dst_width - it goes to the next */
  guint64 *hsum;        /* one source row, scaled horizontally, 4 × (dst_width + 1) */
  guint64 *acc;         /* current and next thumbnail row, 2 × 4 × dst_width */
  guint32  next_src_row;
  guint32  next_dst_row;
} Scaler;

typedef struct
{
  png_structp        png;
  png_infop          info;

  /* Source: exactly one of @file and @data. */
  FILE              *file;
  const guint8      *data;
  gsize              size;
  gsize              pos;

  UbPngLimits        limits;
  UbPngPool         *pool;
  GCancellable      *cancellable;
  UbPngProgressFunc  progress;
  gpointer           progress_data;

  UbPngInfo          header;
  int                passes;
  UbPngImage        *image;       /* (owned) full decode, or interlaced source */
  UbPngImage        *thumbnail;   /* (owned) */
  guint8            *row;         /* (owned) one streamed row */
  Scaler             scaler;

  GError            *error;       /* (owned) set before png_error() by callbacks */
  char               message[256];
} Decoder;

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

static void
on_png_error (png_structp     png,
              png_const_charp message)
{
  Decoder *d = png_get_error_ptr (png);

  g_strlcpy (d->message, message, sizeof d->message);
  png_longjmp (png, 1);
}

static void
on_png_warning (png_structp     png,
                png_const_charp message)
{
  g_debug ("libpng: %s", message);
}

static png_voidp
on_png_malloc (png_structp      png,
               png_alloc_size_t size)
{
  Decoder *d = png_get_mem_ptr (png);

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
  Decoder *d = png_get_io_ptr (png);

  if (fread (out, 1, length, d->file) == length)
    return;

  if (ferror (d->file))
    {
      int saved_errno = errno;

      g_set_error (&d->error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Read error: %s", g_strerror (saved_errno));
    }
  png_error (png, "file is truncated");
}

static void
on_png_read_data (png_structp png,
                  png_bytep   out,
                  png_size_t  length)
{
  Decoder *d = png_get_io_ptr (png);

  if (length > d->size - d->pos)
    png_error (png, "file is truncated");
  memcpy (out, d->data + d->pos, length);
  d->pos += length;
}

/* ---- decoder life cycle -------------------------------------------- */

static void
decoder_init (Decoder           *d,
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

static void
scaler_clear (Scaler *s)
{
  g_clear_pointer (&s->col_index, g_free);
  g_clear_pointer (&s->col_weight, g_free);
  g_clear_pointer (&s->hsum, g_free);
  g_clear_pointer (&s->acc, g_free);
}

static void
decoder_clear (Decoder *d)
{
  if (d->png != NULL)
    png_destroy_read_struct (&d->png, d->info != NULL ? &d->info : NULL, NULL);
  g_clear_pointer (&d->file, fclose);
  g_clear_pointer (&d->image, ub_png_image_free);
  g_clear_pointer (&d->thumbnail, ub_png_image_free);
  g_clear_pointer (&d->row, g_free);
  scaler_clear (&d->scaler);
  g_clear_error (&d->error);
}

static gboolean
decoder_open_file (Decoder     *d,
                   const char  *path,
                   GError     **error)
{
  struct stat st;
  int fd;

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot open: %s", g_strerror (saved_errno));
      return FALSE;
    }

  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      gboolean is_dir = S_ISDIR (st.st_mode);

      close (fd);
      g_set_error_literal (error, G_IO_ERROR,
                           is_dir ? G_IO_ERROR_IS_DIRECTORY : G_IO_ERROR_NOT_REGULAR_FILE,
                           is_dir ? "Is a directory" : "Not a regular file");
      return FALSE;
    }

#ifdef POSIX_FADV_SEQUENTIAL
  (void) posix_fadvise (fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif

  d->file = fdopen (fd, "rb");
  if (d->file == NULL)
    {
      int saved_errno = errno;

      close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot open: %s", g_strerror (saved_errno));
      return FALSE;
    }
  setvbuf (d->file, NULL, _IOFBF, FILE_BUFFER_SIZE);

  return TRUE;
}

/* Turns a libpng failure (or a callback's error) into a GError. */
static void
decoder_propagate_error (Decoder  *d,
                         GError  **error)
{
  if (d->error != NULL)
    g_propagate_error (error, g_steal_pointer (&d->error));
  else if (strcmp (d->message, "Out of memory") == 0 ||
           g_str_has_suffix (d->message, "too large"))
    g_set_error (error, UB_ERROR, UB_ERROR_TOO_LARGE,
                 "Not a usable PNG: %s", d->message);
  else
    g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                 "Not a valid PNG: %s", d->message[0] ? d->message : "unknown error");
}

/* ---- the part that runs under setjmp() ----------------------------- */

/* Reads the signature and the chunks up to the first IDAT. */
static gboolean
decoder_read_header (Decoder  *d,
                     GError  **error)
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
                       "Read error: %s", g_strerror (saved_errno));
          return FALSE;
        }
      if (n != sizeof signature)
        {
          g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                               n == 0 ? "Not a PNG file: the file is empty"
                                      : "Not a PNG file: the file is too short");
          return FALSE;
        }
    }
  else
    {
      if (d->size < sizeof signature)
        {
          g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                               d->size == 0 ? "Not a PNG file: the file is empty"
                                            : "Not a PNG file: the file is too short");
          return FALSE;
        }
      memcpy (signature, d->data, sizeof signature);
      d->pos = sizeof signature;
    }

  if (png_sig_cmp (signature, 0, sizeof signature) != 0)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                           "Not a PNG file: bad signature");
      return FALSE;
    }

  d->png = png_create_read_struct_2 (PNG_LIBPNG_VER_STRING,
                                     d, on_png_error, on_png_warning,
                                     d, on_png_malloc, on_png_free);
  if (d->png == NULL)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_FAILED,
                           "Cannot create a PNG reader");
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
decoder_check_limits (Decoder  *d,
                      GError  **error)
{
  const UbPngInfo *h = &d->header;

  if (h->width > d->limits.max_width || h->height > d->limits.max_height ||
      (guint64) h->width * h->height > d->limits.max_pixels)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_TOO_LARGE,
                   "Image too large: %u×%u exceeds the limit of %u×%u and %"
                   G_GUINT64_FORMAT " pixels",
                   h->width, h->height, d->limits.max_width,
                   d->limits.max_height, d->limits.max_pixels);
      return FALSE;
    }
  return TRUE;
}

/* Sets libpng's transformations so that every row comes out as RGBA8. */
static gboolean
decoder_setup_rgba8 (Decoder  *d,
                     GError  **error)
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

static gboolean
decoder_check_cancelled (Decoder  *d,
                         GError  **error)
{
  return g_cancellable_set_error_if_cancelled (d->cancellable, error);
}

/* Reads every row into d->image, then the chunks after the image data. */
static gboolean
decoder_read_image (Decoder  *d,
                    GError  **error)
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

        if (decoder_check_cancelled (d, error))
          return FALSE;
        if (d->progress != NULL && done % ROWS_PER_PROGRESS == 0)
          d->progress ((double) done / total_rows, d->progress_data);
        png_read_row (d->png, d->image->pixels + y * d->image->stride, NULL);
      }

  png_read_end (d->png, NULL);

  if (d->progress != NULL)
    d->progress (1.0, d->progress_data);

  return TRUE;
}

/* ---- thumbnail scaling --------------------------------------------- */

static void
scaler_init (Scaler  *s,
             guint32  src_width,
             guint32  src_height,
             guint32  dst_width,
             guint32  dst_height)
{
  s->src_width = src_width;
  s->src_height = src_height;
  s->dst_width = dst_width;
  s->dst_height = dst_height;
  s->col_index = g_new (guint32, src_width);
  s->col_weight = g_new (guint32, src_width);
  s->hsum = g_new0 (guint64, 4 * ((gsize) dst_width + 1));
  s->acc = g_new0 (guint64, 2 * 4 * (gsize) dst_width);
  s->next_src_row = 0;
  s->next_dst_row = 0;

  /* Source column x spans [x·dw, (x+1)·dw); thumbnail column i spans
   * [i·sw, (i+1)·sw). Since dw ≤ sw, x overlaps at most two columns. */
  for (guint32 x = 0; x < src_width; x++)
    {
      guint64 start = (guint64) x * dst_width;
      guint64 end = start + dst_width;
      guint32 i = start / src_width;
      guint64 boundary = (guint64) (i + 1) * src_width;

      s->col_index[x] = i;
      s->col_weight[x] = end <= boundary ? dst_width : (guint32) (boundary - start);
    }
}

static void
scaler_emit (Scaler  *s,
             guint8  *out)
{
  guint64 total = (guint64) s->src_width * s->src_height;
  guint64 *acc = s->acc;

  for (guint32 i = 0; i < s->dst_width; i++)
    {
      guint64 a = acc[4 * i + 3];

      if (a == 0)
        memset (out + 4 * i, 0, 4);
      else
        {
          out[4 * i + 0] = (acc[4 * i + 0] + a / 2) / a;
          out[4 * i + 1] = (acc[4 * i + 1] + a / 2) / a;
          out[4 * i + 2] = (acc[4 * i + 2] + a / 2) / a;
          out[4 * i + 3] = (a + total / 2) / total;
        }
    }

  /* The next row's partial sums become the current row's. */
  memmove (acc, acc + 4 * s->dst_width, 4 * s->dst_width * sizeof *acc);
  memset (acc + 4 * s->dst_width, 0, 4 * s->dst_width * sizeof *acc);
}

/* Adds one RGBA8 source row; writes thumbnail rows into @dst as they
 * complete. */
static void
scaler_push_row (Scaler       *s,
                 const guint8 *row,
                 UbPngImage   *dst)
{
  guint32 dw = s->dst_width;
  guint64 *h = s->hsum;
  guint32 y = s->next_src_row++;
  guint64 start = (guint64) y * s->dst_height;
  guint64 end = start + s->dst_height;
  guint32 j = start / s->src_height;
  guint64 boundary = (guint64) (j + 1) * s->src_height;
  guint64 w_here, w_next;

  /* Horizontal: each source pixel's share of its first column, and what
   * spills into the next one (never past the last: the weights add up). */
  memset (h, 0, 4 * (gsize) (dw + 1) * sizeof *h);
  for (guint32 x = 0; x < s->src_width; x++)
    {
      const guint8 *p = row + 4 * (gsize) x;
      guint32 a = p[3];
      guint64 *c = h + 4 * (gsize) s->col_index[x];
      guint64 w0 = s->col_weight[x];
      guint64 w1 = dw - w0;
      guint32 r = p[0] * a, g = p[1] * a, b = p[2] * a;

      c[0] += w0 * r;
      c[1] += w0 * g;
      c[2] += w0 * b;
      c[3] += w0 * a;
      if (w1 != 0)
        {
          c[4] += w1 * r;
          c[5] += w1 * g;
          c[6] += w1 * b;
          c[7] += w1 * a;
        }
    }

  /* Vertical: this row's weight in thumbnail row j, and in j + 1. */
  w_here = end <= boundary ? s->dst_height : boundary - start;
  w_next = s->dst_height - w_here;

  for (gsize k = 0; k < 4 * (gsize) dw; k++)
    {
      s->acc[k] += w_here * h[k];
      if (w_next != 0)
        s->acc[4 * dw + k] += w_next * h[k];
    }

  if (end >= boundary)
    {
      scaler_emit (s, dst->pixels + (gsize) j * dst->stride);
      s->next_dst_row = j + 1;
    }
}

/* Streams rows through the scaler (non-interlaced images), or decodes
 * the whole image first (interlaced ones). */
static gboolean
decoder_read_thumbnail (Decoder  *d,
                        GError  **error)
{
  guint32 height = d->header.height;

  if (setjmp (png_jmpbuf (d->png)))
    {
      decoder_propagate_error (d, error);
      return FALSE;
    }

  if (d->passes == 1)
    {
      for (guint32 y = 0; y < height; y++)
        {
          if (decoder_check_cancelled (d, error))
            return FALSE;
          png_read_row (d->png, d->row, NULL);
          scaler_push_row (&d->scaler, d->row, d->thumbnail);
        }
    }
  else
    {
      for (int pass = 0; pass < d->passes; pass++)
        for (guint32 y = 0; y < height; y++)
          {
            if (decoder_check_cancelled (d, error))
              return FALSE;
            png_read_row (d->png, d->image->pixels + y * d->image->stride, NULL);
          }
      for (guint32 y = 0; y < height; y++)
        scaler_push_row (&d->scaler, d->image->pixels + y * d->image->stride,
                         d->thumbnail);
    }

  png_read_end (d->png, NULL);

  return TRUE;
}

/* ---- public API ----------------------------------------------------- */

static gboolean
decoder_read_info (Decoder    *d,
                   UbPngInfo  *info,
                   GError    **error)
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
  Decoder d;
  gboolean ok;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (info != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  decoder_init (&d, NULL, NULL, NULL);
  ok = decoder_open_file (&d, path, error) && decoder_read_info (&d, info, error);
  decoder_clear (&d);

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
  Decoder d;
  gboolean ok;

  g_return_val_if_fail (data != NULL || size == 0, FALSE);
  g_return_val_if_fail (info != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  decoder_init (&d, NULL, NULL, NULL);
  d.data = data;
  d.size = size;
  ok = decoder_read_info (&d, info, error);
  decoder_clear (&d);

  return ok;
}

static UbPngImage *
decoder_out_of_memory (GError **error)
{
  g_set_error_literal (error, UB_ERROR, UB_ERROR_TOO_LARGE,
                       "Not enough memory for the image");
  return NULL;
}

static UbPngImage *
decoder_decode (Decoder  *d,
                GError  **error)
{
  if (!decoder_read_header (d, error) ||
      !decoder_check_limits (d, error) ||
      !decoder_setup_rgba8 (d, error))
    return NULL;

  d->image = ub_png_image_new (d->header.width, d->header.height, d->pool);
  if (d->image == NULL)
    return decoder_out_of_memory (error);

  if (!decoder_read_image (d, error))
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
 * RGBA8. 16-bit samples are truncated to their high byte; gamma and colour
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
  Decoder d;
  UbPngImage *image = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  decoder_init (&d, limits, pool, cancellable);
  d.progress = progress;
  d.progress_data = progress_data;
  if (decoder_open_file (&d, path, error))
    image = decoder_decode (&d, error);
  decoder_clear (&d);

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
  Decoder d;
  UbPngImage *image;

  g_return_val_if_fail (data != NULL || size == 0, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  decoder_init (&d, limits, pool, cancellable);
  d.data = data;
  d.size = size;
  image = decoder_decode (&d, error);
  decoder_clear (&d);

  return image;
}

/**
 * ub_png_thumbnail_size:
 * @width: source width
 * @height: source height
 * @max_size: the bounding square's side, > 0
 * @out_width: (out): thumbnail width
 * @out_height: (out): thumbnail height
 *
 * The largest size within @max_size × @max_size with the source's aspect
 * ratio (rounded, at least 1), never larger than the source.
 */
void
ub_png_thumbnail_size (guint32  width,
                       guint32  height,
                       guint    max_size,
                       guint32 *out_width,
                       guint32 *out_height)
{
  guint32 w = width, h = height;

  g_return_if_fail (max_size > 0);

  if (width > max_size || height > max_size)
    {
      if (width >= height)
        {
          w = max_size;
          h = ((guint64) height * max_size + width / 2) / width;
        }
      else
        {
          h = max_size;
          w = ((guint64) width * max_size + height / 2) / height;
        }
    }
  *out_width = MAX (w, 1);
  *out_height = MAX (h, 1);
}

static UbPngImage *
decoder_thumbnail (Decoder  *d,
                   guint     max_size,
                   GError  **error)
{
  guint32 tw, th;

  if (!decoder_read_header (d, error) ||
      !decoder_check_limits (d, error) ||
      !decoder_setup_rgba8 (d, error))
    return NULL;

  ub_png_thumbnail_size (d->header.width, d->header.height, max_size, &tw, &th);

  if (tw == d->header.width && th == d->header.height)
    {
      /* Small enough already: a plain decode, from a non-pooled buffer. */
      d->image = ub_png_image_new (tw, th, NULL);
      if (d->image == NULL)
        return decoder_out_of_memory (error);
      if (!decoder_read_image (d, error))
        return NULL;
      return g_steal_pointer (&d->image);
    }

  d->thumbnail = ub_png_image_new (tw, th, d->pool);
  scaler_init (&d->scaler, d->header.width, d->header.height, tw, th);
  if (d->passes == 1)
    d->row = g_malloc ((gsize) d->header.width * 4);
  else
    d->image = ub_png_image_new (d->header.width, d->header.height, d->pool);
  if (d->thumbnail == NULL || (d->passes != 1 && d->image == NULL))
    return decoder_out_of_memory (error);

  if (!decoder_read_thumbnail (d, error))
    return NULL;

  return g_steal_pointer (&d->thumbnail);
}

/**
 * ub_png_thumbnail_file:
 * @path: a file name
 * @max_size: the thumbnail fits within @max_size × @max_size
 * @limits: (nullable): limits, or %NULL for the defaults
 * @pool: (nullable): where the pixel buffers come from, or %NULL
 * @cancellable: (nullable): checked between rows
 * @error: return location for a #GError
 *
 * Decodes and scales down at once with an alpha-weighted box filter of
 * exact coverage. A non-interlaced image is never held whole: each row is
 * folded into the thumbnail as libpng produces it. An interlaced image is
 * decoded whole first. An image already within @max_size is returned as it
 * is.
 *
 * Returns: (transfer full): the thumbnail, or %NULL with @error set
 */
UbPngImage *
ub_png_thumbnail_file (const char         *path,
                       guint               max_size,
                       const UbPngLimits  *limits,
                       UbPngPool          *pool,
                       GCancellable       *cancellable,
                       GError            **error)
{
  Decoder d;
  UbPngImage *image = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (max_size > 0, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  decoder_init (&d, limits, pool, cancellable);
  if (decoder_open_file (&d, path, error))
    image = decoder_thumbnail (&d, max_size, error);
  decoder_clear (&d);

  return image;
}

/**
 * ub_png_thumbnail_data:
 * @data: (array length=size): PNG bytes
 * @size: length of @data
 * @max_size: the thumbnail fits within @max_size × @max_size
 * @limits: (nullable): limits, or %NULL for the defaults
 * @pool: (nullable): where the pixel buffers come from, or %NULL
 * @cancellable: (nullable): checked between rows
 * @error: return location for a #GError
 *
 * As ub_png_thumbnail_file(), from memory.
 *
 * Returns: (transfer full): the thumbnail, or %NULL with @error set
 */
UbPngImage *
ub_png_thumbnail_data (const guint8       *data,
                       gsize               size,
                       guint               max_size,
                       const UbPngLimits  *limits,
                       UbPngPool          *pool,
                       GCancellable       *cancellable,
                       GError            **error)
{
  Decoder d;
  UbPngImage *image;

  g_return_val_if_fail (data != NULL || size == 0, NULL);
  g_return_val_if_fail (max_size > 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  decoder_init (&d, limits, pool, cancellable);
  d.data = data;
  d.size = size;
  image = decoder_thumbnail (&d, max_size, error);
  decoder_clear (&d);

  return image;
}

/* ---- images ----------------------------------------------------------- */

/**
 * ub_png_image_new:
 * @width: > 0
 * @height: > 0
 * @pool: (nullable): where the buffer comes from
 *
 * An RGBA8 image with undefined contents.
 *
 * Returns: (transfer full) (nullable): the image, or %NULL if the memory
 *   for it cannot be had
 */
UbPngImage *
ub_png_image_new (guint32    width,
                  guint32    height,
                  UbPngPool *pool)
{
  UbPngImage *image;

  g_return_val_if_fail (width > 0 && height > 0, NULL);

  image = g_new0 (UbPngImage, 1);
  image->width = width;
  image->height = height;
  image->stride = (gsize) width * 4;
  image->size = image->stride * height;
  image->pool = pool != NULL ? ub_png_pool_ref (pool) : NULL;
  image->pixels = ub_png_pool_acquire (pool, image->size, NULL);
  if (image->pixels == NULL)
    {
      g_clear_pointer (&image->pool, ub_png_pool_unref);
      g_free (image);
      return NULL;
    }

  return image;
}

/**
 * ub_png_image_free:
 * @image: (nullable) (transfer full): an image
 *
 * Returns the pixel buffer to its pool (if it still has it) and frees
 * @image.
 */
void
ub_png_image_free (UbPngImage *image)
{
  if (image == NULL)
    return;

  ub_png_pool_release (image->pool, image->pixels, image->size);
  g_clear_pointer (&image->pool, ub_png_pool_unref);
  g_free (image);
}

typedef struct
{
  UbPngPool *pool;   /* (owned) (nullable) */
  guint8    *pixels; /* (owned) */
  gsize      size;
} PixelsOwner;

static void
pixels_owner_free (gpointer data)
{
  PixelsOwner *owner = data;

  ub_png_pool_release (owner->pool, owner->pixels, owner->size);
  g_clear_pointer (&owner->pool, ub_png_pool_unref);
  g_free (owner);
}

/**
 * ub_png_image_steal_pixels:
 * @image: (transfer full): an image
 * @out_size: (out) (optional): bytes in the buffer
 * @out_free_func: (out): call it with @out_free_data to release the buffer
 * @out_free_data: (out): closure for @out_free_func
 *
 * Takes the pixel buffer out of @image without copying it and frees
 * @image. Releasing the buffer returns it to its pool, from any thread.
 *
 * Returns: (transfer full): the pixels
 */
guint8 *
ub_png_image_steal_pixels (UbPngImage     *image,
                           gsize          *out_size,
                           GDestroyNotify *out_free_func,
                           gpointer       *out_free_data)
{
  PixelsOwner *owner;
  guint8 *pixels;

  g_return_val_if_fail (image != NULL, NULL);
  g_return_val_if_fail (out_free_func != NULL, NULL);
  g_return_val_if_fail (out_free_data != NULL, NULL);

  owner = g_new (PixelsOwner, 1);
  owner->pool = g_steal_pointer (&image->pool);
  owner->pixels = pixels = g_steal_pointer (&image->pixels);
  owner->size = image->size;

  if (out_size != NULL)
    *out_size = image->size;
  *out_free_func = pixels_owner_free;
  *out_free_data = owner;

  g_free (image);
  return pixels;
}

/**
 * ub_png_image_steal_bytes:
 * @image: (transfer full): an image
 *
 * Wraps the pixel buffer in a #GBytes without copying it (suitable for
 * gdk_memory_texture_new() with GDK_MEMORY_R8G8B8A8 and the image's
 * stride) and frees @image. The buffer goes back to its pool when the
 * last reference to the #GBytes is dropped.
 *
 * Returns: (transfer full): the pixels
 */
GBytes *
ub_png_image_steal_bytes (UbPngImage *image)
{
  GDestroyNotify free_func;
  gpointer free_data;
  gsize size;
  guint8 *pixels;

  g_return_val_if_fail (image != NULL, NULL);

  pixels = ub_png_image_steal_pixels (image, &size, &free_func, &free_data);
  return g_bytes_new_with_free_func (pixels, size, free_func, free_data);
}
