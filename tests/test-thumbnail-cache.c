/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <png.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ub-error.h"
#include "ub-jobs.h"
#include "ub-png-encode.h"
#include "ub-png-jobs.h"
#include "ub-png-sample.h"
#include "ub-png-thumbnail-cache.h"

/* The png.thumbnail job against the freedesktop.org thumbnail cache.
 * G_TEST_OPTION_ISOLATE_DIRS gives each case its own $XDG_CACHE_HOME. */

typedef struct
{
  char *folder;   /* the originals */
  char *root;     /* the cache */
  char *image;    /* a 640×480 sample in folder */
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->folder = g_build_filename (g_get_user_data_dir (), "pictures", NULL);
  g_assert_cmpint (g_mkdir_with_parents (f->folder, 0755), ==, 0);
  f->root = ub_thumbnail_cache_dup_default_root ();
  f->image = g_build_filename (f->folder, "a photo.png", NULL);
  g_assert_true (ub_png_sample_write_file (f->image, 640, 480, 7, UB_PNG_FORMAT_RGBA8, NULL,
                                           NULL, &error));
  g_assert_no_error (error);
  ub_png_jobs_set_thumbnail_cache (f->root);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  ub_png_jobs_set_thumbnail_cache (NULL);
  g_free (f->folder);
  g_free (f->root);
  g_free (f->image);
}

typedef struct
{
  guint32 width;
  guint32 height;
  guint32 original_width;
  guint32 original_height;
  GBytes *pixels;
} Thumbnail;

static void
thumbnail_clear (Thumbnail *t)
{
  g_clear_pointer (&t->pixels, g_bytes_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Thumbnail, thumbnail_clear)

static gboolean
run_thumbnail (const char  *path,
               guint        size,
               Thumbnail   *out,
               GError     **error)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) pixels = NULL;

  reply = ub_job_run_sync (UB_PNG_JOB_THUMBNAIL, g_variant_new ("(su)", path, size),
                           NULL, NULL, NULL, error);
  if (reply == NULL)
    return FALSE;

  g_variant_get (reply, "(uuuu@ay)", &out->width, &out->height, &out->original_width,
                 &out->original_height, &pixels);
  out->pixels = g_variant_get_data_as_bytes (pixels);
  return TRUE;
}

static char *
entry_path (Fixture    *f,
            const char *path,
            guint       size)
{
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);

  return ub_thumbnail_cache_dup_path (f->root, uri, size);
}

/* Reads the text chunks with libpng itself, not with the code under test. */
static GHashTable *
read_text_with_libpng (const char *path)
{
  GHashTable *text = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  png_structp png = png_create_read_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct (png);
  FILE *file = g_fopen (path, "rb");
  png_textp chunks = NULL;
  int n = 0;

  g_assert_nonnull (file);
  if (setjmp (png_jmpbuf (png)))
    g_error ("libpng cannot read %s", path);

  png_init_io (png, file);
  png_read_info (png, info);
  png_get_text (png, info, &chunks, &n);
  for (int i = 0; i < n; i++)
    g_hash_table_insert (text, g_strdup (chunks[i].key), g_strdup (chunks[i].text));

  png_destroy_read_struct (&png, &info, NULL);
  fclose (file);
  return text;
}

static void
set_mtime (const char *path,
           gint64      seconds)
{
  struct timeval times[2] = { { seconds, 0 }, { seconds, 0 } };

  g_assert_cmpint (utimes (path, times), ==, 0);
}

static gint64
get_mtime (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mtime;
}

/* Same size, same mtime, other bytes: what only a decode could notice. */
static void
scramble_keeping_stat (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length;
  gint64 mtime = get_mtime (path);

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  memset (contents, 'x', length);
  g_assert_true (g_file_set_contents (path, contents, length, NULL));
  set_mtime (path, mtime);
}

static void
test_paths (void)
{
  g_autofree char *path = NULL;

  /* The worked example of the specification. */
  path = ub_thumbnail_cache_dup_path ("/c", "file:///home/jens/photos/me.png", 128);
  g_assert_cmpstr (path, ==, "/c/normal/c6ee772d9e49320e97ec29a7eb5b1697.png");

  g_assert_cmpuint (ub_thumbnail_cache_size_for (1), ==, 128);
  g_assert_cmpuint (ub_thumbnail_cache_size_for (128), ==, 128);
  g_assert_cmpuint (ub_thumbnail_cache_size_for (129), ==, 256);
  g_assert_cmpuint (ub_thumbnail_cache_size_for (1024), ==, 1024);
  g_assert_cmpuint (ub_thumbnail_cache_size_for (1025), ==, 0);
  g_assert_null (ub_thumbnail_cache_dup_path ("/c", "file:///a.png", 2048));
}

static void
test_writes_entry (Fixture       *f,
                   gconstpointer  data)
{
  g_auto(Thumbnail) t = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) text = NULL;
  g_autofree char *entry = entry_path (f, f->image, 256);
  g_autofree char *folder = g_path_get_dirname (entry);
  g_autofree char *uri = g_filename_to_uri (f->image, NULL, NULL);
  g_autofree char *mtime = g_strdup_printf ("%" G_GINT64_FORMAT, get_mtime (f->image));
  GStatBuf st;

  g_assert_true (run_thumbnail (f->image, 256, &t, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (t.width, ==, 256);
  g_assert_cmpuint (t.height, ==, 192);
  g_assert_cmpuint (t.original_width, ==, 640);
  g_assert_cmpuint (t.original_height, ==, 480);

  g_assert_true (g_str_has_suffix (folder, "/thumbnails/large"));
  g_assert_cmpint (g_stat (entry, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (folder, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0700);

  text = read_text_with_libpng (entry);
  g_assert_cmpstr (g_hash_table_lookup (text, "Thumb::URI"), ==, uri);
  g_assert_cmpstr (g_hash_table_lookup (text, "Thumb::MTime"), ==, mtime);
  g_assert_cmpstr (g_hash_table_lookup (text, "Thumb::Image::Width"), ==, "640");
  g_assert_cmpstr (g_hash_table_lookup (text, "Thumb::Image::Height"), ==, "480");
  g_assert_true (g_str_has_prefix (uri, "file:///"));
  g_assert_nonnull (strstr (uri, "a%20photo.png"));
}

/* An original smaller than the size class is kept as it is, in the class
 * that was asked for, not in the one its own size would suggest. */
static void
test_small_original (Fixture       *f,
                     gconstpointer  data)
{
  g_auto(Thumbnail) t = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *small = g_build_filename (f->folder, "small.png", NULL);
  g_autofree char *large_entry = NULL;
  g_autofree char *normal_entry = NULL;

  g_assert_true (ub_png_sample_write_file (small, 100, 80, 3, UB_PNG_FORMAT_RGBA8, NULL, NULL,
                                           &error));
  g_assert_true (run_thumbnail (small, 256, &t, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (t.width, ==, 100);
  g_assert_cmpuint (t.height, ==, 80);

  large_entry = entry_path (f, small, 256);
  normal_entry = entry_path (f, small, 128);
  g_assert_true (g_file_test (large_entry, G_FILE_TEST_IS_REGULAR));
  g_assert_false (g_file_test (normal_entry, G_FILE_TEST_EXISTS));
}

static void
test_second_open_decodes_nothing (Fixture       *f,
                                  gconstpointer  data)
{
  g_auto(Thumbnail) first = { 0 };
  g_auto(Thumbnail) second = { 0 };
  g_auto(Thumbnail) third = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_true (run_thumbnail (f->image, 256, &first, &error));
  g_assert_no_error (error);

  /* Were the original decoded again, the scrambled bytes would fail. */
  scramble_keeping_stat (f->image);
  g_assert_true (run_thumbnail (f->image, 256, &second, &error));
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (first.pixels, second.pixels));
  g_assert_cmpuint (second.original_width, ==, 640);

  /* A smaller size is served from the same entry, scaled down. */
  g_assert_true (run_thumbnail (f->image, 200, &third, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (third.width, ==, 200);
  g_assert_cmpuint (third.height, ==, 150);

  /* A new mtime makes the entry stale: the original is read, and fails. */
  set_mtime (f->image, get_mtime (f->image) + 10);
  g_assert_false (run_thumbnail (f->image, 256, &third, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
}

static void
test_stale_entry_is_remade (Fixture       *f,
                            gconstpointer  data)
{
  g_auto(Thumbnail) before = { 0 };
  g_auto(Thumbnail) after = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) text = NULL;
  g_autofree char *entry = entry_path (f, f->image, 256);
  g_autofree char *mtime = NULL;
  gint64 old_mtime = get_mtime (f->image);

  g_assert_true (run_thumbnail (f->image, 256, &before, &error));

  g_assert_true (ub_png_sample_write_file (f->image, 640, 480, 8, UB_PNG_FORMAT_RGBA8, NULL,
                                           NULL, &error));
  set_mtime (f->image, old_mtime + 60);
  g_assert_true (run_thumbnail (f->image, 256, &after, &error));
  g_assert_no_error (error);
  g_assert_false (g_bytes_equal (before.pixels, after.pixels));

  text = read_text_with_libpng (entry);
  mtime = g_strdup_printf ("%" G_GINT64_FORMAT, old_mtime + 60);
  g_assert_cmpstr (g_hash_table_lookup (text, "Thumb::MTime"), ==, mtime);
}

/* A thumbnail as another program would write it: only the keys the
 * specification requires, a plain red square. */
static void
write_foreign_thumbnail (const char *path,
                         const char *uri,
                         gint64      mtime)
{
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *mtime_text = g_strdup_printf ("%" G_GINT64_FORMAT, mtime);
  g_autofree guint8 *pixels = g_malloc (4 * 256 * 192);
  const char * const text[] = { "Thumb::URI", uri, "Thumb::MTime", mtime_text, NULL };
  UbPngEncodeOptions options;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 256 * 192; i++)
    memcpy (pixels + 4 * i, "\xff\x00\x00\xff", 4);

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  ub_png_encode_options_init_default (&options);
  options.text = text;
  g_assert_true (ub_png_encode_file (path, pixels, 256, 192, 4 * 256, UB_PNG_FORMAT_RGBA8,
                                     &options, NULL, &error));
  g_assert_no_error (error);
}

static void
test_uses_foreign_thumbnail (Fixture       *f,
                             gconstpointer  data)
{
  g_auto(Thumbnail) t = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *entry = entry_path (f, f->image, 256);
  g_autofree char *uri = g_filename_to_uri (f->image, NULL, NULL);
  const guint8 *pixels;
  gsize size;

  write_foreign_thumbnail (entry, uri, get_mtime (f->image));

  g_assert_true (run_thumbnail (f->image, 256, &t, &error));
  g_assert_no_error (error);
  pixels = g_bytes_get_data (t.pixels, &size);
  g_assert_cmpuint (size, ==, 4 * 256 * 192);
  g_assert_cmpmem (pixels, 4, "\xff\x00\x00\xff", 4);
  g_assert_cmpmem (pixels + size - 4, 4, "\xff\x00\x00\xff", 4);
  /* Not recorded in the entry: read from the original's header. */
  g_assert_cmpuint (t.original_width, ==, 640);
  g_assert_cmpuint (t.original_height, ==, 480);

  /* A foreign entry for another version of the file is not used. */
  write_foreign_thumbnail (entry, uri, get_mtime (f->image) - 1);
  thumbnail_clear (&t);
  g_assert_true (run_thumbnail (f->image, 256, &t, &error));
  pixels = g_bytes_get_data (t.pixels, NULL);
  g_assert_false (memcmp (pixels, "\xff\x00\x00\xff", 4) == 0 &&
                  memcmp (pixels + 4 * 256 * 100 + 400, "\xff\x00\x00\xff", 4) == 0);
}

static void
test_failure_is_remembered (Fixture       *f,
                            gconstpointer  data)
{
  g_auto(Thumbnail) t = { 0 };
  g_autoptr(GError) first = NULL;
  g_autoptr(GError) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *uri = g_filename_to_uri (f->image, NULL, NULL);
  g_autofree char *md5 = g_compute_checksum_for_string (G_CHECKSUM_MD5, uri, -1);
  g_autofree char *name = g_strconcat (md5, ".png", NULL);
  g_autofree char *fail = g_build_filename (f->root, "fail", "unblock", name, NULL);
  gsize length;
  gint64 mtime;

  /* Damage the pixels, not the header. */
  g_assert_true (g_file_get_contents (f->image, &contents, &length, NULL));
  contents[length / 2] ^= 0x55;
  g_assert_true (g_file_set_contents (f->image, contents, length, NULL));
  mtime = get_mtime (f->image);

  g_assert_false (run_thumbnail (f->image, 256, &t, &first));
  g_assert_error (first, UB_ERROR, UB_ERROR_INVALID_DATA);
  g_assert_true (g_file_test (fail, G_FILE_TEST_IS_REGULAR));

  /* Repaired behind the cache's back, same size and mtime: the failure
   * entry still answers, so the file was not decoded. */
  contents[length / 2] ^= 0x55;
  g_assert_true (g_file_set_contents (f->image, contents, length, NULL));
  set_mtime (f->image, mtime);
  g_assert_false (run_thumbnail (f->image, 256, &t, &second));
  g_assert_error (second, UB_ERROR, UB_ERROR_INVALID_DATA);
  g_assert_cmpstr (second->message, ==, first->message);

  /* Changed: tried again, and it works. */
  set_mtime (f->image, mtime + 1);
  g_assert_true (run_thumbnail (f->image, 256, &t, &error));
  g_assert_no_error (error);
}

static void
test_hostile_entries (Fixture       *f,
                      gconstpointer  data)
{
  g_auto(Thumbnail) t = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *entry = entry_path (f, f->image, 256);
  g_autofree char *folder = g_path_get_dirname (entry);
  GStatBuf st;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);

  /* A FIFO would block a plain open(); the job must not wait on it. */
  g_assert_cmpint (mkfifo (entry, 0600), ==, 0);
  g_assert_true (run_thumbnail (f->image, 256, &t, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (entry, &st), ==, 0);
  g_assert_true (S_ISREG (st.st_mode));

  /* A link to an endless file is not followed. */
  g_assert_cmpint (g_unlink (entry), ==, 0);
  g_assert_cmpint (symlink ("/dev/zero", entry), ==, 0);
  thumbnail_clear (&t);
  g_assert_true (run_thumbnail (f->image, 256, &t, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_lstat (entry, &st), ==, 0);
  g_assert_true (S_ISREG (st.st_mode));

  /* Garbage where a thumbnail should be is a miss, and is replaced. */
  g_assert_true (g_file_set_contents (entry, "\x89PNG\r\n\x1a\nnot really", -1, NULL));
  thumbnail_clear (&t);
  g_assert_true (run_thumbnail (f->image, 256, &t, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (entry, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 1000);
}

static void
test_off_by_default (void)
{
  g_auto(Thumbnail) t = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = g_build_filename (g_get_user_data_dir (), "pictures", NULL);
  g_autofree char *image = g_build_filename (folder, "b.png", NULL);
  g_autofree char *root = ub_thumbnail_cache_dup_default_root ();

  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  g_assert_true (ub_png_sample_write_file (image, 300, 300, 1, UB_PNG_FORMAT_RGBA8, NULL, NULL,
                                           &error));
  g_assert_true (run_thumbnail (image, 256, &t, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (root, G_FILE_TEST_EXISTS));
}

static void
test_no_thumbnails_of_thumbnails (Fixture       *f,
                                  gconstpointer  data)
{
  g_auto(Thumbnail) t = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *entry = entry_path (f, f->image, 256);
  g_autofree char *inner_uri = NULL;
  g_autofree char *inner = NULL;

  g_assert_true (run_thumbnail (f->image, 256, &t, &error));
  thumbnail_clear (&t);

  /* Thumbnailing the entry itself reads it, and keeps nothing of it. */
  g_assert_true (run_thumbnail (entry, 128, &t, &error));
  g_assert_no_error (error);
  inner_uri = g_filename_to_uri (entry, NULL, NULL);
  inner = ub_thumbnail_cache_dup_path (f->root, inner_uri, 128);
  g_assert_false (g_file_test (inner, G_FILE_TEST_EXISTS));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_summary ("png.thumbnail shares the freedesktop.org thumbnail cache");

  ub_jobs_register_all ();

  g_test_add_func ("/thumbnail-cache/paths", test_paths);
  g_test_add_func ("/thumbnail-cache/off-by-default", test_off_by_default);
  g_test_add ("/thumbnail-cache/writes-entry", Fixture, NULL,
              fixture_set_up, test_writes_entry, fixture_tear_down);
  g_test_add ("/thumbnail-cache/small-original", Fixture, NULL,
              fixture_set_up, test_small_original, fixture_tear_down);
  g_test_add ("/thumbnail-cache/second-open-decodes-nothing", Fixture, NULL,
              fixture_set_up, test_second_open_decodes_nothing, fixture_tear_down);
  g_test_add ("/thumbnail-cache/stale-entry-is-remade", Fixture, NULL,
              fixture_set_up, test_stale_entry_is_remade, fixture_tear_down);
  g_test_add ("/thumbnail-cache/uses-foreign-thumbnail", Fixture, NULL,
              fixture_set_up, test_uses_foreign_thumbnail, fixture_tear_down);
  g_test_add ("/thumbnail-cache/failure-is-remembered", Fixture, NULL,
              fixture_set_up, test_failure_is_remembered, fixture_tear_down);
  g_test_add ("/thumbnail-cache/hostile-entries", Fixture, NULL,
              fixture_set_up, test_hostile_entries, fixture_tear_down);
  g_test_add ("/thumbnail-cache/no-thumbnails-of-thumbnails", Fixture, NULL,
              fixture_set_up, test_no_thumbnails_of_thumbnails, fixture_tear_down);

  return g_test_run ();
}
