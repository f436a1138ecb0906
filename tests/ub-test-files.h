/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

G_BEGIN_DECLS

/* Scratch files shared by the tests of what the app writes. */

/* Removes @path and everything below it, links not followed. */
static inline void
ub_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        ub_test_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* How many entries @path holds: catches leftover temporary files. */
static inline guint
ub_test_count_entries (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* A file of @size bytes that are all holes, in a new folder of the
 * temporary folder: long work for a hash or an encoder, on no disk.
 * Remove it with ub_test_remove_tree (g_path_get_dirname (path)). */
static inline char *
ub_test_make_holes (gint64 size)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("unblock-holes-XXXXXX", &error);
  char *path;
  int fd;

  g_assert_no_error (error);
  path = g_build_filename (dir, "holes.bin", NULL);
  fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, (off_t) size), ==, 0);
  close (fd);
  return path;
}

G_END_DECLS
