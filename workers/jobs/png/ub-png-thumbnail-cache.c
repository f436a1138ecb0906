/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <zlib.h>

#include "ub-error.h"
#include "ub-png-encode.h"
#include "ub-png-thumbnail-cache.h"

/* The folder of failure entries: one per program, as the specification
 * asks, so that another thumbnailer's failures do not stop ours. */
#define FAIL_FOLDER "fail" G_DIR_SEPARATOR_S "unblock"

/* A thumbnail is at most 1024² RGBA; anything much larger in the cache is
 * not a thumbnail, and is not read. */
#define MAX_THUMBNAIL_FILE_SIZE (16 * 1024 * 1024)

/* The longest reason a failure entry keeps. */
#define MAX_REASON_LENGTH 512

static const struct
{
  guint       size;
  const char *folder;
} size_classes[] = {
  { 128, "normal" },
  { 256, "large" },
  { 512, "x-large" },
  { 1024, "xx-large" },
};

static const guint8 png_signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

/**
 * ub_thumbnail_source_init:
 * @source: (out caller-allocates): what to fill
 * @path: the original
 * @error: return location for a #GError
 *
 * Reads what a thumbnail of @path is checked against. Only regular files
 * have thumbnails.
 *
 * Returns: %TRUE, or %FALSE with @error set (and @source cleared)
 */
gboolean
ub_thumbnail_source_init (UbThumbnailSource  *source,
                          const char         *path,
                          GError            **error)
{
  g_autofree char *absolute = NULL;
  GStatBuf st;

  g_return_val_if_fail (source != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  memset (source, 0, sizeof *source);

  if (g_stat (path, &st) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("cannot open: %s"), g_strerror (saved_errno));
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                   _("cannot open: %s"), S_ISDIR (st.st_mode) ? _("it is a folder") : _("not a regular file"));
      return FALSE;
    }

  absolute = g_canonicalize_filename (path, NULL);
  source->uri = g_filename_to_uri (absolute, NULL, error);
  if (source->uri == NULL)
    return FALSE;

  source->path = g_steal_pointer (&absolute);
  source->mtime = (gint64) st.st_mtime;
  source->size = (guint64) st.st_size;
  return TRUE;
}

void
ub_thumbnail_source_clear (UbThumbnailSource *source)
{
  g_clear_pointer (&source->path, g_free);
  g_clear_pointer (&source->uri, g_free);
}

/**
 * ub_thumbnail_cache_dup_default_root:
 *
 * Returns: (transfer full): `$XDG_CACHE_HOME/thumbnails`
 */
char *
ub_thumbnail_cache_dup_default_root (void)
{
  return g_build_filename (g_get_user_cache_dir (), "thumbnails", NULL);
}

static int
size_class_for (guint max_size)
{
  for (guint i = 0; i < G_N_ELEMENTS (size_classes); i++)
    if (max_size <= size_classes[i].size)
      return (int) i;
  return -1;
}

/**
 * ub_thumbnail_cache_size_for:
 * @max_size: the largest side wanted
 *
 * Returns: the side of the cache's size class that serves @max_size (128,
 *   256, 512 or 1024), or 0 when @max_size is larger than any
 */
guint
ub_thumbnail_cache_size_for (guint max_size)
{
  int i = size_class_for (max_size);

  return i < 0 ? 0 : size_classes[i].size;
}

static char *
dup_hashed_name (const char *uri)
{
  g_autofree char *md5 = g_compute_checksum_for_string (G_CHECKSUM_MD5, uri, -1);

  return g_strconcat (md5, ".png", NULL);
}

/**
 * ub_thumbnail_cache_dup_path:
 * @root: the cache, as ub_thumbnail_cache_dup_default_root() returns
 * @uri: the original's URI
 * @max_size: the largest side wanted
 *
 * Returns: (transfer full) (nullable): where the thumbnail of @uri for
 *   @max_size lives, or %NULL when @max_size is larger than the cache keeps
 */
char *
ub_thumbnail_cache_dup_path (const char *root,
                             const char *uri,
                             guint       max_size)
{
  g_autofree char *name = NULL;
  int i = size_class_for (max_size);

  g_return_val_if_fail (root != NULL, NULL);
  g_return_val_if_fail (uri != NULL, NULL);

  if (i < 0)
    return NULL;

  name = dup_hashed_name (uri);
  return g_build_filename (root, size_classes[i].folder, name, NULL);
}

static char *
dup_failure_path (const char *root,
                  const char *uri)
{
  g_autofree char *name = dup_hashed_name (uri);

  return g_build_filename (root, FAIL_FOLDER, name, NULL);
}

/* Reading */

/* Reads a whole cache file, refusing anything but a small regular file:
 * a FIFO or a link planted in the cache must not block or redirect us. */
static GBytes *
read_cache_file (const char *path)
{
  g_autofree guint8 *data = NULL;
  struct stat st;
  gsize done = 0;
  int fd;

  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0);
  if (fd < 0)
    return NULL;

  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode) ||
      st.st_size < (off_t) sizeof png_signature || st.st_size > MAX_THUMBNAIL_FILE_SIZE)
    {
      close (fd);
      return NULL;
    }

  data = g_malloc (st.st_size);
  while (done < (gsize) st.st_size)
    {
      ssize_t n = read (fd, data + done, st.st_size - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          close (fd);
          return NULL;
        }
      done += n;
    }
  close (fd);

  return g_bytes_new_take (g_steal_pointer (&data), done);
}

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

/* Adds one tEXt or uncompressed iTXt chunk's keyword and text to @text.
 * Anything else (a compressed iTXt, a malformed chunk) is passed over:
 * the keys that matter are then simply missing. */
static void
collect_text_chunk (GHashTable   *text,
                    const char   *type,
                    const guint8 *data,
                    guint32       length)
{
  const guint8 *nul = memchr (data, 0, length);
  const guint8 *end = data + length;
  const guint8 *value;

  if (nul == NULL || nul == data)
    return;

  value = nul + 1;
  if (memcmp (type, "iTXt", 4) == 0)
    {
      /* compression flag, method, language tag\0, translated keyword\0 */
      if (end - value < 2 || value[0] != 0)
        return;
      value += 2;
      for (int i = 0; i < 2; i++)
        {
          const guint8 *next = memchr (value, 0, end - value);

          if (next == NULL)
            return;
          value = next + 1;
        }
    }

  g_hash_table_replace (text, g_strndup ((const char *) data, nul - data),
                        g_strndup ((const char *) value, end - value));
}

/* The text chunks before the first IDAT, where thumbnailers put theirs.
 * Each chunk read is checked against its CRC. Returns NULL when the data
 * is not a well-formed PNG up to its pixels. */
static GHashTable *
read_text_chunks (const guint8 *data,
                  gsize         size)
{
  g_autoptr(GHashTable) text = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gsize offset = sizeof png_signature;

  if (size < sizeof png_signature || memcmp (data, png_signature, sizeof png_signature) != 0)
    return NULL;

  while (size - offset >= 12)
    {
      guint32 length = read_be32 (data + offset);
      const char *type = (const char *) data + offset + 4;
      const guint8 *body = data + offset + 8;

      if (length > size - offset - 12)
        return NULL;
      if (memcmp (type, "IDAT", 4) == 0 || memcmp (type, "IEND", 4) == 0)
        return g_steal_pointer (&text);

      if (memcmp (type, "tEXt", 4) == 0 || memcmp (type, "iTXt", 4) == 0)
        {
          guint32 crc = crc32 (0, (const Bytef *) type, 4 + length);

          if (crc != read_be32 (body + length))
            return NULL;
          collect_text_chunk (text, type, body, length);
        }

      offset += 12 + (gsize) length;
    }

  return NULL;
}

/* A whole decimal number, nothing around it. */
static gboolean
parse_decimal (const char *text,
               gint64      min,
               gint64      max,
               gint64     *out)
{
  return text != NULL && g_ascii_string_to_signed (text, 10, min, max, out, NULL);
}

/* Whether an entry's text says it was made from this very version of
 * the original. The URI and MTime are what the specification requires;
 * a Size, when the writer recorded one, must match too. */
static gboolean
text_matches_source (GHashTable              *text,
                     const UbThumbnailSource *source)
{
  const char *size_text;
  gint64 mtime;
  gint64 size;

  if (g_strcmp0 (g_hash_table_lookup (text, "Thumb::URI"), source->uri) != 0)
    return FALSE;
  if (!parse_decimal (g_hash_table_lookup (text, "Thumb::MTime"), G_MININT64, G_MAXINT64, &mtime) ||
      mtime != source->mtime)
    return FALSE;

  size_text = g_hash_table_lookup (text, "Thumb::Size");
  if (size_text != NULL &&
      (!parse_decimal (size_text, 0, G_MAXINT64, &size) || (guint64) size != source->size))
    return FALSE;

  return TRUE;
}

static gboolean
lookup_failure (const char              *root,
                const UbThumbnailSource *source,
                GError                 **error)
{
  g_autofree char *path = dup_failure_path (root, source->uri);
  g_autoptr(GBytes) bytes = read_cache_file (path);
  g_autoptr(GHashTable) text = NULL;
  const char *reason;

  if (bytes == NULL)
    return FALSE;

  text = read_text_chunks (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  if (text == NULL || !text_matches_source (text, source))
    return FALSE;

  reason = g_hash_table_lookup (text, "Unblock::Error");
  g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA, "%s",
               reason != NULL && *reason != '\0' ? reason
                                                 : _("This file could not be read when it was last tried"));
  return TRUE;
}

static gboolean
original_size (GHashTable              *text,
               const UbThumbnailSource *source,
               guint32                 *out_width,
               guint32                 *out_height)
{
  gint64 width;
  gint64 height;
  UbPngInfo info;

  if (parse_decimal (g_hash_table_lookup (text, "Thumb::Image::Width"), 1, G_MAXUINT32, &width) &&
      parse_decimal (g_hash_table_lookup (text, "Thumb::Image::Height"), 1, G_MAXUINT32, &height))
    {
      *out_width = (guint32) width;
      *out_height = (guint32) height;
      return TRUE;
    }

  /* Not recorded: the original's header says, without decoding it. */
  if (!ub_png_read_info_file (source->path, &info, NULL))
    return FALSE;

  *out_width = info.width;
  *out_height = info.height;
  return TRUE;
}

/**
 * ub_thumbnail_cache_lookup:
 * @root: the cache
 * @source: the original
 * @max_size: the largest side wanted
 * @limits: (nullable): limits for decoding the cached thumbnail
 * @pool: (nullable): where its pixels come from
 * @out_image: (out) (transfer full): the thumbnail, on a hit
 * @out_width: (out): on a hit, the original's width
 * @out_height: (out): on a hit, the original's height
 * @error: on %UB_THUMBNAIL_FAILED_BEFORE, why the file failed
 *
 * Looks for a fresh thumbnail of @source, decoding only the thumbnail.
 * One larger than @max_size is scaled down. A stale, damaged or missing
 * one is a miss; so is any cache file that is not a small regular file.
 *
 * Returns: what was found
 */
UbThumbnailLookup
ub_thumbnail_cache_lookup (const char               *root,
                           const UbThumbnailSource  *source,
                           guint                     max_size,
                           const UbPngLimits        *limits,
                           UbPngPool                *pool,
                           UbPngImage              **out_image,
                           guint32                  *out_width,
                           guint32                  *out_height,
                           GError                  **error)
{
  g_autofree char *path = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GHashTable) text = NULL;
  const guint8 *data = NULL;
  gsize size = 0;

  g_return_val_if_fail (root != NULL, UB_THUMBNAIL_MISS);
  g_return_val_if_fail (source != NULL && source->uri != NULL, UB_THUMBNAIL_MISS);
  g_return_val_if_fail (out_image != NULL, UB_THUMBNAIL_MISS);
  g_return_val_if_fail (error == NULL || *error == NULL, UB_THUMBNAIL_MISS);

  *out_image = NULL;

  path = ub_thumbnail_cache_dup_path (root, source->uri, max_size);
  if (path == NULL)
    return UB_THUMBNAIL_MISS;

  bytes = read_cache_file (path);
  if (bytes != NULL)
    {
      data = g_bytes_get_data (bytes, &size);
      text = read_text_chunks (data, size);
    }

  if (text == NULL || !text_matches_source (text, source))
    return lookup_failure (root, source, error) ? UB_THUMBNAIL_FAILED_BEFORE : UB_THUMBNAIL_MISS;

  if (!original_size (text, source, out_width, out_height))
    return UB_THUMBNAIL_MISS;

  *out_image = ub_png_thumbnail_data (data, size, max_size, limits, pool, NULL, NULL);
  return *out_image != NULL ? UB_THUMBNAIL_HIT : UB_THUMBNAIL_MISS;
}

/* Writing */

static gboolean
write_entry (const char          *path,
             GBytes              *png,
             GError             **error)
{
  g_autofree char *folder = g_path_get_dirname (path);

  /* The specification wants the cache private to its user. */
  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot create %s: %s"), folder, g_strerror (saved_errno));
      return FALSE;
    }

  /* A temporary file renamed into place: other readers of the cache see
   * the old entry or the whole new one. A lost thumbnail is only made
   * again, so it is not worth an fsync per file. */
  return g_file_set_contents_full (path, g_bytes_get_data (png, NULL), g_bytes_get_size (png),
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

static GBytes *
encode_entry (const guint8        *pixels,
              guint32              width,
              guint32              height,
              const char * const  *text,
              GError             **error)
{
  UbPngEncodeOptions options;

  ub_png_encode_options_init_default (&options);
  options.compression_level = 1;
  options.text = text;

  return ub_png_encode_bytes (pixels, width, height, 4 * (gsize) width,
                              UB_PNG_FORMAT_RGBA8, &options, NULL, error);
}

/**
 * ub_thumbnail_cache_store:
 * @root: the cache
 * @source: the original
 * @max_size: the size class it goes to: 128, 256, 512 or 1024
 * @image: its thumbnail, within @max_size (smaller when the original is)
 * @width: the original's width
 * @height: the original's height
 * @error: return location for a #GError
 *
 * Writes @image as the thumbnail of @source for @max_size.
 *
 * Returns: %TRUE, or %FALSE with @error set
 */
gboolean
ub_thumbnail_cache_store (const char               *root,
                          const UbThumbnailSource  *source,
                          guint                     max_size,
                          const UbPngImage         *image,
                          guint32                   width,
                          guint32                   height,
                          GError                  **error)
{
  g_autofree char *path = NULL;
  g_autofree char *mtime = NULL;
  g_autofree char *size = NULL;
  g_autofree char *width_text = NULL;
  g_autofree char *height_text = NULL;
  g_autoptr(GBytes) png = NULL;

  g_return_val_if_fail (root != NULL, FALSE);
  g_return_val_if_fail (source != NULL && source->uri != NULL, FALSE);
  g_return_val_if_fail (image != NULL, FALSE);
  g_return_val_if_fail (ub_thumbnail_cache_size_for (max_size) == max_size, FALSE);
  g_return_val_if_fail (image->width <= max_size && image->height <= max_size, FALSE);

  path = ub_thumbnail_cache_dup_path (root, source->uri, max_size);

  mtime = g_strdup_printf ("%" G_GINT64_FORMAT, source->mtime);
  size = g_strdup_printf ("%" G_GUINT64_FORMAT, source->size);
  width_text = g_strdup_printf ("%u", width);
  height_text = g_strdup_printf ("%u", height);

  {
    const char * const text[] = {
      "Thumb::URI", source->uri,
      "Thumb::MTime", mtime,
      "Thumb::Size", size,
      "Thumb::Mimetype", "image/png",
      "Thumb::Image::Width", width_text,
      "Thumb::Image::Height", height_text,
      "Software", "Unblock",
      NULL,
    };

    png = encode_entry (image->pixels, image->width, image->height, text, error);
  }

  return png != NULL && write_entry (path, png, error);
}

/* Failure reasons are kept as tEXt, which is Latin-1: anything outside
 * printable ASCII (a file name in another script, say) becomes '?'. */
static char *
dup_reason_text (const GError *reason)
{
  const char *message = reason != NULL ? reason->message : "";
  gsize length = MIN (strlen (message), MAX_REASON_LENGTH);
  char *text = g_strndup (message, length);

  for (char *p = text; *p != '\0'; p++)
    if (!g_ascii_isprint (*p))
      *p = '?';
  return text;
}

/**
 * ub_thumbnail_cache_store_failure:
 * @root: the cache
 * @source: the original that could not be thumbnailed
 * @reason: (nullable): why, kept so that later lookups can say it
 * @error: return location for a #GError
 *
 * Records that this version of @source cannot be thumbnailed, so that it
 * is not decoded again until it changes.
 *
 * Returns: %TRUE, or %FALSE with @error set
 */
gboolean
ub_thumbnail_cache_store_failure (const char              *root,
                                  const UbThumbnailSource *source,
                                  const GError            *reason,
                                  GError                 **error)
{
  static const guint8 transparent[4] = { 0, 0, 0, 0 };
  g_autofree char *path = NULL;
  g_autofree char *mtime = NULL;
  g_autofree char *size = NULL;
  g_autofree char *reason_text = NULL;
  g_autoptr(GBytes) png = NULL;

  g_return_val_if_fail (root != NULL, FALSE);
  g_return_val_if_fail (source != NULL && source->uri != NULL, FALSE);

  path = dup_failure_path (root, source->uri);
  mtime = g_strdup_printf ("%" G_GINT64_FORMAT, source->mtime);
  size = g_strdup_printf ("%" G_GUINT64_FORMAT, source->size);
  reason_text = dup_reason_text (reason);

  {
    const char * const text[] = {
      "Thumb::URI", source->uri,
      "Thumb::MTime", mtime,
      "Thumb::Size", size,
      "Software", "Unblock",
      "Unblock::Error", reason_text,
      NULL,
    };

    png = encode_entry (transparent, 1, 1, text, error);
  }

  return png != NULL && write_entry (path, png, error);
}
