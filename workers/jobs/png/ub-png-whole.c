/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ub-png-unfilter.h"
#include "ub-png-whole-private.h"

/*
 * The fast decoder: the whole file in memory, every IDAT inflated in one
 * call to libdeflate (which needs all of its input and output at once, and
 * is much faster than zlib's streaming inflate), then each row unfiltered
 * and widened to RGBA while it is still in the cache.
 *
 * It takes only the plain, common case: 8-bit gray, gray+alpha, RGB or
 * RGBA, not interlaced, no palette, no tRNS, chunks in order with good
 * CRCs, one zlib stream that fills the image exactly, and a filtered image
 * within the memory bound. Anything else, including every malformed file,
 * goes to the libpng decoder in ub-png.c, which streams through zlib and
 * says what is wrong; so the two can never disagree about a file, only the
 * speed differs. Everything here is checked at least as strictly as
 * libpng checks it.
 *
 * Scratch buffers (the file, the inflated rows) come from a pool of their
 * own: first touch of fresh memory costs more here than unfiltering does.
 */

#define ROWS_PER_PROGRESS 64
#define SCRATCH_GRAIN     (1024 * 1024)
/* Room after the inflated rows, for SIMD loads that run past a row. */
#define SCRATCH_SLACK     64

static gpointer whole_max_bytes = GSIZE_TO_POINTER (160 * 1024 * 1024); /* (atomic) */

/**
 * ub_png_set_whole_inflate_max:
 * @bytes: the largest filtered image (rows with their filter bytes) that is
 *   inflated whole; 0 streams every image through zlib
 *
 * Images over the bound are decoded by the streaming path, which holds only
 * a few rows at a time. The default is 160 MiB. Any thread may call this.
 */
void
ub_png_set_whole_inflate_max (gsize bytes)
{
  g_atomic_pointer_set (&whole_max_bytes, GSIZE_TO_POINTER (bytes));
}

static UbPngPool *
scratch_pool (void)
{
  static UbPngPool *pool;

  /* Shared by every decoding thread; the pool locks itself. */
  if (g_once_init_enter (&pool))
    g_once_init_leave (&pool, ub_png_pool_new (192 * 1024 * 1024, 3));
  return pool;
}

static gsize
scratch_size (gsize size)
{
  return (size + SCRATCH_SLACK + SCRATCH_GRAIN - 1) / SCRATCH_GRAIN * SCRATCH_GRAIN;
}

static guint32
be32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

typedef struct
{
  guint32 width;
  guint32 height;
  guint   channels;
  gsize   row_bytes;
  gsize   filtered_size;
  /* The IDAT chunks: where the first starts and where the last ends. */
  gsize   idat_start;
  gsize   idat_end;
  guint   n_idat;
} Layout;

static gboolean
chunk_name_valid (const guint8 *name)
{
  for (int i = 0; i < 4; i++)
    if (!g_ascii_isalpha (name[i]))
      return FALSE;
  return TRUE;
}

static gboolean
crc_ok (const guint8 *chunk,
        guint32       length)
{
#ifdef UB_PNG_FUZZING
  return TRUE;
#else
  return libdeflate_crc32 (0, chunk + 4, (gsize) length + 4) == be32 (chunk + 8 + length);
#endif
}

/* Walks the chunks; FALSE for anything the fast path does not take. */
static gboolean
parse_layout (const guint8      *data,
              gsize              size,
              const UbPngLimits *limits,
              Layout            *out)
{
  static const guint8 signature[8] = { 137, 'P', 'N', 'G', '\r', '\n', 26, '\n' };
  gsize pos = 8;
  gboolean seen_ihdr = FALSE, idat_done = FALSE;
  guint8 color_type;
  gsize idat_limit;

  memset (out, 0, sizeof *out);
  if (size < 8 + 25 || memcmp (data, signature, 8) != 0)
    return FALSE;

  for (;;)
    {
      const guint8 *chunk = data + pos;
      guint32 length;

      if (size - pos < 12)
        return FALSE;
      length = be32 (chunk);
      if (length > G_MAXINT32 || length > size - pos - 12 ||
          !chunk_name_valid (chunk + 4) || !crc_ok (chunk, length))
        return FALSE;

      if (memcmp (chunk + 4, "IHDR", 4) == 0)
        {
          const guint8 *h = chunk + 8;

          if (seen_ihdr || pos != 8 || length != 13)
            return FALSE;
          out->width = be32 (h);
          out->height = be32 (h + 4);
          color_type = h[9];
          /* 8 bits, deflate, filter method 0, not interlaced. */
          if (out->width == 0 || out->height == 0 ||
              out->width > G_MAXINT32 || out->height > G_MAXINT32 ||
              h[8] != 8 || h[10] != 0 || h[11] != 0 || h[12] != 0)
            return FALSE;
          switch (color_type)
            {
            case 0: out->channels = 1; break;
            case 4: out->channels = 2; break;
            case 2: out->channels = 3; break;
            case 6: out->channels = 4; break;
            default: return FALSE;
            }
          if (out->width > limits->max_width || out->height > limits->max_height ||
              (guint64) out->width * out->height > limits->max_pixels)
            return FALSE;
          out->row_bytes = (gsize) out->width * out->channels;
          out->filtered_size = (out->row_bytes + 1) * out->height;
          if (out->filtered_size > GPOINTER_TO_SIZE (g_atomic_pointer_get (&whole_max_bytes)))
            return FALSE;
          seen_ihdr = TRUE;
        }
      else if (!seen_ihdr)
        return FALSE;
      else if (memcmp (chunk + 4, "IDAT", 4) == 0)
        {
          /* Stricter than libpng's bound on one IDAT chunk. */
          idat_limit = out->filtered_size + 6 + 5 * (out->filtered_size / 32566 + 1);
          if (idat_done || length > idat_limit)
            return FALSE;
          if (out->n_idat++ == 0)
            out->idat_start = pos;
          out->idat_end = pos + 12 + length;
        }
      else if (memcmp (chunk + 4, "IEND", 4) == 0)
        return length == 0 && out->n_idat > 0;
      else if (g_ascii_isupper (chunk[4]) || memcmp (chunk + 4, "tRNS", 4) == 0 ||
               length > limits->max_chunk_size)
        /* PLTE, unknown critical chunks, transparency, huge chunks. */
        return FALSE;

      if (out->n_idat > 0 && memcmp (chunk + 4, "IDAT", 4) != 0)
        idat_done = TRUE;
      pos += 12 + (gsize) length;
    }
}

/* Gathers the IDAT payloads into one run starting at *out_stream. @data
 * may be written to when @writable (payloads are moved down over the
 * chunk headers between them); otherwise they are copied to *out_copy. */
static gboolean
gather_idat (guint8        *data,
             gboolean       writable,
             const Layout  *layout,
             const guint8 **out_stream,
             gsize         *out_length,
             guint8       **out_copy,
             gsize         *out_copy_size)
{
  guint8 *to;
  gsize pos = layout->idat_start, n = 0;

  if (layout->n_idat == 1)
    {
      *out_stream = data + pos + 8;
      *out_length = be32 (data + pos);
      return TRUE;
    }

  if (writable)
    to = data + pos;
  else
    {
      *out_copy_size = scratch_size (layout->idat_end - layout->idat_start);
      *out_copy = ub_png_pool_acquire (scratch_pool (), *out_copy_size, NULL);
      if (*out_copy == NULL)
        return FALSE;
      to = *out_copy;
    }

  while (pos < layout->idat_end)
    {
      guint32 length = be32 (data + pos);

      memmove (to + n, data + pos + 8, length);
      n += length;
      pos += 12 + (gsize) length;
    }
  *out_stream = to;
  *out_length = n;
  return TRUE;
}

/* Inflates, unfilters and widens; FALSE to fall back, or with @error set
 * when cancelled. */
static gboolean
decode (guint8             *data,
        gsize               size,
        gboolean            writable,
        const UbPngLimits  *limits,
        UbPngPool          *pool,
        GCancellable       *cancellable,
        UbPngProgressFunc   progress,
        gpointer            progress_data,
        UbPngImage        **out_image,
        GError            **error)
{
  struct libdeflate_decompressor *inflater = NULL;
  g_autoptr(UbPngImage) image = NULL;
  g_autofree guint8 *zero_row = NULL;
  const guint8 *stream;
  guint8 *copy = NULL, *rows = NULL;
  gsize stream_length, copy_size = 0, rows_size = 0, in_used = 0, out_used = 0;
  gboolean ok = FALSE;
  Layout layout;

  if (!parse_layout (data, size, limits, &layout) ||
      !gather_idat (data, writable, &layout, &stream, &stream_length, &copy, &copy_size))
    return FALSE;

  /* The zlib header: deflate, a window PNG allows, no preset dictionary.
   * The Adler-32 after the stream is not checked, as in ub-png.c: the
   * chunks' CRCs already cover every byte. */
  if (stream_length < 6 || (stream[0] & 0x0f) != 8 || (stream[0] >> 4) > 7 ||
      (stream[1] & 0x20) != 0 || ((guint) stream[0] << 8 | stream[1]) % 31 != 0)
    goto out;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      ok = TRUE;
      goto out;
    }
  if (progress != NULL)
    progress (0.0, progress_data);

  rows_size = scratch_size (layout.filtered_size);
  rows = ub_png_pool_acquire (scratch_pool (), rows_size, NULL);
  inflater = libdeflate_alloc_decompressor ();
  if (rows == NULL || inflater == NULL)
    goto out;
  if (libdeflate_deflate_decompress_ex (inflater, stream + 2, stream_length - 2,
                                        rows, layout.filtered_size,
                                        &in_used, &out_used) != LIBDEFLATE_SUCCESS ||
      out_used != layout.filtered_size || in_used + 6 != stream_length)
    goto out;

  image = ub_png_image_new (layout.width, layout.height, pool);
  zero_row = g_try_malloc0 (layout.row_bytes);
  if (image == NULL || zero_row == NULL)
    goto out;

  /* Inflate is most of the work but cannot report as it goes: it counts
   * as the first half. */
  for (guint32 y = 0; y < layout.height; y++)
    {
      guint8 *filtered = rows + y * (layout.row_bytes + 1);
      guint8 *out_row = image->pixels + y * image->stride;
      const guint8 *prev;
      guint8 *dst;

      if (y % ROWS_PER_PROGRESS == 0)
        {
          if (progress != NULL)
            progress (0.5 + 0.5 * y / layout.height, progress_data);
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            {
              ok = TRUE;
              goto out;
            }
        }

      /* RGBA rows are unfiltered straight into the image, whose previous
       * row is the previous unfiltered row; other formats in place, then
       * widened. */
      if (layout.channels == 4)
        {
          dst = out_row;
          prev = y > 0 ? out_row - image->stride : zero_row;
        }
      else
        {
          dst = filtered;
          prev = y > 0 ? filtered - (layout.row_bytes + 1) : zero_row;
        }
      if (!ub_png_unfilter_row (filtered[0], filtered + 1, dst, prev,
                                layout.row_bytes, layout.channels))
        goto out;
      if (layout.channels != 4)
        ub_png_expand_row (dst, out_row, layout.width, layout.channels);
    }

  if (progress != NULL)
    progress (1.0, progress_data);
  *out_image = g_steal_pointer (&image);
  ok = TRUE;

out:
  if (inflater != NULL)
    libdeflate_free_decompressor (inflater);
  if (rows != NULL)
    ub_png_pool_release (scratch_pool (), rows, rows_size);
  if (copy != NULL)
    ub_png_pool_release (scratch_pool (), copy, copy_size);
  return ok;
}

/**
 * _ub_png_whole_decode_file:
 * @out_image: (out): the image, when decoded
 *
 * As ub_png_decode_file(), on the fast path only.
 *
 * Returns: %TRUE when done (an image in @out_image, or cancelled with
 *   @error set); %FALSE to decode with the streaming path instead
 */
gboolean
_ub_png_whole_decode_file (const char         *path,
                           const UbPngLimits  *limits,
                           UbPngPool          *pool,
                           GCancellable       *cancellable,
                           UbPngProgressFunc   progress,
                           gpointer            progress_data,
                           UbPngImage        **out_image,
                           GError            **error)
{
  struct stat st;
  guint8 *contents = NULL;
  gsize contents_size = 0, n = 0;
  gboolean done = FALSE;
  int fd;

  /* O_NONBLOCK: a FIFO named *.png is refused at once, never waited on. */
  fd = g_open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC, 0);
  if (fd < 0)
    return FALSE;
  /* A file too big for the bound has an image too big for it too, or
   * ancillary data the streaming path skips without holding it. */
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size < 8 ||
      (guint64) st.st_size > GPOINTER_TO_SIZE (g_atomic_pointer_get (&whole_max_bytes)))
    goto out;

  contents_size = scratch_size (st.st_size);
  contents = ub_png_pool_acquire (scratch_pool (), contents_size, NULL);
  if (contents == NULL)
    goto out;
  while (n < (gsize) st.st_size)
    {
      gssize got = read (fd, contents + n, st.st_size - n);

      if (got < 0 && errno == EINTR)
        continue;
      if (got <= 0)
        goto out;
      n += got;
    }

  done = decode (contents, n, TRUE, limits, pool, cancellable,
                 progress, progress_data, out_image, error);

out:
  if (contents != NULL)
    ub_png_pool_release (scratch_pool (), contents, contents_size);
  close (fd);
  return done;
}

/**
 * _ub_png_whole_decode_data:
 *
 * As _ub_png_whole_decode_file(), from memory.
 */
gboolean
_ub_png_whole_decode_data (const guint8       *data,
                           gsize               size,
                           const UbPngLimits  *limits,
                           UbPngPool          *pool,
                           GCancellable       *cancellable,
                           UbPngImage        **out_image,
                           GError            **error)
{
  /* Read only: with @writable FALSE the data is never written to. */
  return decode ((guint8 *) data, size, FALSE, limits, pool, cancellable,
                 NULL, NULL, out_image, error);
}
