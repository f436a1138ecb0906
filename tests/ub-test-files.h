/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

G_BEGIN_DECLS

/* Scratch files and data shared by the tests of what the app reads and
 * writes. */

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

/* A new scratch folder, from a g_dir_make_tmp() @template. */
static inline char *
ub_test_make_dir (const char *template)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp (template, &error);

  g_assert_no_error (error);
  return dir;
}

static inline int
ub_test_compare_names (gconstpointer a,
                       gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* The names in @dir, sorted, joined by spaces: "in out". */
static inline char *
ub_test_dup_sorted_entries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, ub_test_compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
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

/* @len deterministic bytes (xorshift from @seed: no dependency on the
 * test's random seed), with one spare byte after them. */
static inline guint8 *
ub_test_make_bytes (gsize   len,
                    guint32 seed)
{
  guint8 *data = g_malloc (len + 1);
  guint32 x = seed * 2654435761u + 7;

  for (gsize i = 0; i < len; i++)
    {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      data[i] = (guint8) (x >> 7);
    }
  data[len] = 0;
  return data;
}

static inline void
ub_test_write_file (const char *path,
                    const void *data,
                    gsize       len)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, (gssize) len, &error);
  g_assert_no_error (error);
}

/* @path holds exactly the @len bytes at @expected. */
static inline void
ub_test_assert_file_equals (const char *path,
                            const void *expected,
                            gsize       len)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize n;

  g_file_get_contents (path, &contents, &n, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (contents, n, expected, len);
}

/* A fixture for g_test_add(): a fresh directory for each test, removed
 * with all it holds afterwards (made writable again first, for the tests
 * that take rights away from it). */
typedef struct
{
  char *dir;
} UbTestDir;

static inline void
ub_test_dir_set_up (UbTestDir     *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("unblock-scratch-XXXXXX", &error);
  g_assert_no_error (error);
}

static inline void
ub_test_dir_tear_down (UbTestDir     *fixture,
                       gconstpointer  data)
{
  g_chmod (fixture->dir, 0700);
  ub_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

typedef void (*UbTestDirFunc) (UbTestDir     *fixture,
                               gconstpointer  data);

/* A table of cases that each get a fresh UbTestDir. */
typedef struct
{
  const char    *path;
  UbTestDirFunc  func;
} UbTestDirCase;

/* Registers each of @cases as @prefix followed by its path. */
static inline void
ub_test_dir_add_cases (const char          *prefix,
                       const UbTestDirCase *cases,
                       gsize                n_cases)
{
  for (gsize i = 0; i < n_cases; i++)
    {
      g_autofree char *path = g_strconcat (prefix, cases[i].path, NULL);

      g_test_add (path, UbTestDir, NULL, ub_test_dir_set_up, cases[i].func,
                  ub_test_dir_tear_down);
    }
}

/* A new path for @name inside the test's directory. */
static inline char *
ub_test_dir_path (UbTestDir  *fixture,
                  const char *name)
{
  return g_build_filename (fixture->dir, name, NULL);
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
