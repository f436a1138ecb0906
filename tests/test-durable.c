/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ub-durable-private.h"
#include "ub-test-files.h"

/* UbDurableFile: what a writer leaves on disk, whatever happens. Every
 * case runs twice: with O_TMPFILE and with the named temporary fallback. */

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->dir = g_dir_make_tmp ("ub-durable-XXXXXX", NULL);
  g_assert_nonnull (fixture->dir);
  _ub_durable_set_use_tmpfile (GPOINTER_TO_INT (data));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  _ub_durable_clear_fault ();
  _ub_durable_set_use_tmpfile (TRUE);
  ub_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static char *
fixture_path (Fixture    *fixture,
              const char *name)
{
  return g_build_filename (fixture->dir, name, NULL);
}

static void
assert_contents (const char *path,
                 const char *expected)
{
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpmem (contents, len, expected, strlen (expected));
}

static void
write_string (UbDurableFile *file,
              const char    *text)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ub_durable_file_write (file, text, strlen (text), &error));
  g_assert_no_error (error);
}

static mode_t
get_umask (void)
{
  mode_t mask = umask (0);

  umask (mask);
  return mask;
}

static void
test_new_file (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *path = fixture_path (fixture, "out");
  g_autoptr(UbDurableFile) file = NULL;
  g_autoptr(GError) error = NULL;
  struct stat st;

  g_test_summary ("A new file appears only on commit, whole, with 0666 & ~umask");

  file = ub_durable_file_new (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (ub_durable_file_is_direct (file));
  write_string (file, "hello ");
  write_string (file, "world");
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (ub_durable_file_get_size (file), ==, 11);
  g_assert_true (ub_durable_file_commit (file, &error));
  g_assert_no_error (error);

  assert_contents (path, "hello world");
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0666 & ~get_umask ());
  g_assert_cmpuint (ub_test_count_entries (fixture->dir), ==, 1);
}

static void
test_replace_keeps_mode (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *path = fixture_path (fixture, "out");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new_static ("new", 3);
  struct stat st;

  g_test_summary ("Replacing a 0600 file keeps it 0600");

  g_assert_true (g_file_set_contents (path, "old", -1, NULL));
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
  g_assert_true (ub_durable_write_bytes (path, bytes, &error));
  g_assert_no_error (error);
  assert_contents (path, "new");
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0600);
  g_assert_cmpuint (ub_test_count_entries (fixture->dir), ==, 1);
}

static void
test_abandoned (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *path = fixture_path (fixture, "out");
  g_autoptr(GError) error = NULL;
  UbDurableFile *file;

  g_test_summary ("A file freed without a commit leaves the old file and nothing else");

  g_assert_true (g_file_set_contents (path, "old", -1, NULL));
  file = ub_durable_file_new (path, NULL, &error);
  g_assert_no_error (error);
  write_string (file, "new contents, not to be seen");
  g_assert_true (ub_durable_file_flush (file, &error));
  assert_contents (path, "old");
  ub_durable_file_free (file);

  assert_contents (path, "old");
  g_assert_cmpuint (ub_test_count_entries (fixture->dir), ==, 1);
}

static void
test_refuses_folder (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UbDurableFile) file = NULL;
  g_autofree char *sub = fixture_path (fixture, "sub");

  g_test_summary ("A folder as destination is refused before anything is made");

  g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);
  file = ub_durable_file_new (sub, NULL, &error);
  g_assert_null (file);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
  g_clear_error (&error);
  g_assert_false (ub_durable_check_destination (fixture->dir, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
  g_assert_cmpuint (ub_test_count_entries (fixture->dir), ==, 1);
  g_assert_cmpuint (ub_test_count_entries (sub), ==, 0);
}

static void
test_refuses_source (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *path = fixture_path (fixture, "in");
  g_autofree char *soft = fixture_path (fixture, "link");
  g_autofree char *hard = fixture_path (fixture, "hard");
  g_autoptr(GError) error = NULL;
  g_autoptr(UbDurableFile) file = NULL;

  g_test_summary ("The input itself, by any name, is refused as the destination");

  g_assert_true (g_file_set_contents (path, "input", -1, NULL));
  g_assert_cmpint (symlink (path, soft), ==, 0);
  g_assert_cmpint (link (path, hard), ==, 0);

  file = ub_durable_file_new (path, path, &error);
  g_assert_null (file);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (ub_durable_check_destination (soft, path, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (ub_durable_check_destination (hard, soft, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  assert_contents (path, "input");
  g_assert_cmpuint (ub_test_count_entries (fixture->dir), ==, 3);
}

static void
test_symlink_target (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *target = fixture_path (fixture, "target");
  g_autofree char *soft = fixture_path (fixture, "link");
  g_autoptr(GBytes) bytes = g_bytes_new_static ("new", 3);
  g_autoptr(GError) error = NULL;

  g_test_summary ("Writing through a symbolic link replaces the file it names, not the link");

  g_assert_true (g_file_set_contents (target, "old", -1, NULL));
  g_assert_cmpint (symlink (target, soft), ==, 0);
  g_assert_true (ub_durable_write_bytes (soft, bytes, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (soft, G_FILE_TEST_IS_SYMLINK));
  assert_contents (target, "new");
  g_assert_cmpuint (ub_test_count_entries (fixture->dir), ==, 2);
}

static gpointer
read_fifo (gpointer data)
{
  const char *path = data;
  g_autofree char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return g_steal_pointer (&contents);
}

static void
test_fifo (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree char *path = fixture_path (fixture, "fifo");
  g_autoptr(UbDurableFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *got = NULL;
  GThread *reader;
  struct stat st;

  g_test_summary ("A FIFO is written straight into and stays a FIFO");

  g_assert_cmpint (mkfifo (path, 0600), ==, 0);
  reader = g_thread_new ("fifo-reader", read_fifo, path);
  file = ub_durable_file_new (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ub_durable_file_is_direct (file));
  write_string (file, "through the pipe");
  g_assert_true (ub_durable_file_commit (file, &error));
  g_assert_no_error (error);
  got = g_thread_join (reader);

  g_assert_cmpstr (got, ==, "through the pipe");
  g_assert_cmpint (lstat (path, &st), ==, 0);
  g_assert_true (S_ISFIFO (st.st_mode));
  g_assert_cmpuint (ub_test_count_entries (fixture->dir), ==, 1);
}

static void
test_devices (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(UbDurableFile) null_file = NULL;
  g_autoptr(UbDurableFile) full = NULL;
  g_autoptr(GError) error = NULL;
  struct stat st;

  g_test_summary ("/dev/null takes the output and stays a device; /dev/full says the disk is full");

  null_file = ub_durable_file_new ("/dev/null", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ub_durable_file_is_direct (null_file));
  write_string (null_file, "nothing");
  g_assert_true (ub_durable_file_commit (null_file, &error));
  g_assert_no_error (error);
  g_assert_cmpint (lstat ("/dev/null", &st), ==, 0);
  g_assert_true (S_ISCHR (st.st_mode));

  if (lstat ("/dev/full", &st) != 0 || !S_ISCHR (st.st_mode))
    {
      g_test_skip ("/dev/full is missing or not a device here");
      return;
    }
  full = ub_durable_file_new ("/dev/full", NULL, &error);
  g_assert_no_error (error);
  write_string (full, "nowhere to go");
  g_assert_false (ub_durable_file_commit (full, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
  g_assert_cmpint (lstat ("/dev/full", &st), ==, 0);
  g_assert_true (S_ISCHR (st.st_mode));
}

/* Replaces "old" at @path with a long new file under the injected @fault:
 * the write must fail with @code and leave "old" and nothing else. */
static void
assert_fault_leaves_old (Fixture        *fixture,
                         UbDurableFault  fault,
                         int             error_number,
                         int             code)
{
  g_autofree char *path = fixture_path (fixture, "out");
  g_autofree guint8 *big = g_malloc0 (600 * 1024);
  g_autoptr(UbDurableFile) file = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  g_assert_true (g_file_set_contents (path, "old", -1, NULL));
  _ub_durable_set_fault (fault, 1000, error_number);

  file = ub_durable_file_new (path, NULL, &error);
  g_assert_no_error (error);
  ok = ub_durable_file_write (file, big, 600 * 1024, &error) &&
       ub_durable_file_commit (file, &error);
  g_assert_false (ok);
  g_assert_error (error, G_IO_ERROR, code);
  g_test_message ("%s", error->message);
  g_clear_pointer (&file, ub_durable_file_free);
  _ub_durable_clear_fault ();

  assert_contents (path, "old");
  g_assert_cmpuint (ub_test_count_entries (fixture->dir), ==, 1);
}

static void
test_injected_faults (Fixture       *fixture,
                      gconstpointer  data)
{
  g_test_summary ("ENOSPC part-way, EIO on fsync and EIO on the rename each leave the old "
                  "file whole and no temporary file");

  assert_fault_leaves_old (fixture, UB_DURABLE_FAULT_WRITE, ENOSPC, G_IO_ERROR_NO_SPACE);
  assert_fault_leaves_old (fixture, UB_DURABLE_FAULT_WRITE, EIO, G_IO_ERROR_FAILED);
  assert_fault_leaves_old (fixture, UB_DURABLE_FAULT_SYNC, EIO, G_IO_ERROR_FAILED);
  assert_fault_leaves_old (fixture, UB_DURABLE_FAULT_COMMIT, EIO, G_IO_ERROR_FAILED);
}

static void
test_real_disk_full (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *mnt = fixture_path (fixture, "small");
  g_autofree char *path = g_build_filename (mnt, "out", NULL);
  g_autofree guint8 *big = g_malloc0 (1024 * 1024);
  g_autoptr(UbDurableFile) file = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  g_test_summary ("On a real full file system (a 256 KiB tmpfs) the old file survives and "
                  "no temporary file remains");

  g_assert_cmpint (g_mkdir (mnt, 0700), ==, 0);
  if (mount ("tmpfs", mnt, "tmpfs", 0, "size=256k") != 0)
    {
      g_autofree char *why = g_strdup_printf ("cannot mount a small tmpfs (%s): needs root",
                                              g_strerror (errno));

      g_test_skip (why);
      return;
    }

  g_assert_true (g_file_set_contents (path, "old", -1, NULL));
  file = ub_durable_file_new (path, NULL, &error);
  g_assert_no_error (error);
  ok = ub_durable_file_write (file, big, 1024 * 1024, &error) &&
       ub_durable_file_commit (file, &error);
  g_assert_false (ok);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
  g_clear_pointer (&file, ub_durable_file_free);

  assert_contents (path, "old");
  g_assert_cmpuint (ub_test_count_entries (mnt), ==, 1);
  g_assert_cmpint (umount (mnt), ==, 0);
}

static void
test_stale_removed (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *path = fixture_path (fixture, "out");
  g_autoptr(UbDurableFile) live = NULL;
  g_autoptr(GError) error = NULL;
  pid_t pid;
  int status;

  g_test_summary ("A hidden temporary file left by a killed writer is removed at the next "
                  "start; a live writer's is not");

  /* A child that dies with its file written and not committed. */
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      UbDurableFile *file;

      _ub_durable_set_use_tmpfile (FALSE);
      file = ub_durable_file_new (path, NULL, NULL);
      if (file == NULL || !ub_durable_file_write (file, "x", 1, NULL) ||
          !ub_durable_file_flush (file, NULL))
        _exit (1);
      kill (getpid (), SIGKILL);
      _exit (2);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpuint (ub_test_count_entries (fixture->dir), ==, 1);   /* the leftover */

  _ub_durable_set_use_tmpfile (FALSE);
  live = ub_durable_file_new (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ub_test_count_entries (fixture->dir), ==, 2);

  ub_durable_remove_stale ();
  g_assert_cmpuint (ub_test_count_entries (fixture->dir), ==, 1);   /* the live one */
  g_clear_pointer (&live, ub_durable_file_free);
  g_assert_cmpuint (ub_test_count_entries (fixture->dir), ==, 0);
}

#define KILL_FILE_SIZE (256 * 1024)

/* Whether @path holds KILL_FILE_SIZE copies of one of @allowed's bytes:
 * the old file or one complete new version, never a mix or a prefix. */
static gboolean
holds_one_version (const char *path,
                   const char *allowed,
                   char       *seen)
{
  g_autofree char *contents = NULL;
  gsize len;

  if (!g_file_get_contents (path, &contents, &len, NULL) || len != KILL_FILE_SIZE ||
      strchr (allowed, contents[0]) == NULL)
    return FALSE;
  for (gsize i = 1; i < len; i++)
    if (contents[i] != contents[0])
      return FALSE;
  *seen = contents[0];
  return TRUE;
}

/* In the child: replace @path with version A, then B, then A… for ever,
 * through the named fallback, flushing part-way so that the temporary
 * file grows on disk, until killed. */
static G_GNUC_NORETURN void
rewrite_until_killed (const char *path)
{
  char *buffer = g_malloc (KILL_FILE_SIZE);

  _ub_durable_set_use_tmpfile (FALSE);
  for (guint k = 0;; k++)
    {
      UbDurableFile *file = ub_durable_file_new (path, NULL, NULL);

      memset (buffer, k % 2 ? 'A' : 'B', KILL_FILE_SIZE);
      if (file == NULL)
        _exit (1);
      for (guint part = 0; part < 4; part++)
        if (!ub_durable_file_write (file, buffer + part * (KILL_FILE_SIZE / 4),
                                    KILL_FILE_SIZE / 4, NULL) ||
            !ub_durable_file_flush (file, NULL))
          _exit (1);
      if (!ub_durable_file_commit (file, NULL))
        _exit (1);
      ub_durable_file_free (file);
    }
}

static void
test_kill_random_moments (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *path = fixture_path (fixture, "out");
  g_autofree char *registry = _ub_durable_cache_subdir ("temps");
  g_autoptr(GRand) rand = g_rand_new ();
  g_autofree char *old = g_malloc (KILL_FILE_SIZE);
  guint kills = g_test_thorough () ? 200 : 40;
  guint left_behind = 0, old_seen = 0, new_seen = 0;

  g_test_summary ("A writer on the named fallback killed with SIGKILL at random moments: "
                  "the destination holds the old or a complete new file, and the next "
                  "start's cleanup removes every temporary file and registration it left");

  memset (old, 'O', KILL_FILE_SIZE);
  g_assert_true (g_file_set_contents (path, old, KILL_FILE_SIZE, NULL));

  for (guint i = 0; i < kills; i++)
    {
      char seen = 0;
      int status;
      pid_t pid = fork ();

      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        rewrite_until_killed (path);

      /* The moment of the kill, anywhere in the child's cycle of open,
       * register, write, sync, rename and unregister: not a wait for
       * anything. */
      g_usleep (g_rand_int_range (rand, 0, 30000));
      kill (pid, SIGKILL);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);

      g_assert_true (holds_one_version (path, "OAB", &seen));
      if (seen == 'O')
        old_seen++;
      else
        new_seen++;
      if (ub_test_count_entries (fixture->dir) > 1)
        left_behind++;
      g_assert_cmpuint (ub_test_count_entries (fixture->dir), <=, 2);

      /* The next start. */
      ub_durable_remove_stale ();
      g_assert_cmpuint (ub_test_count_entries (fixture->dir), ==, 1);
      g_assert_true (!g_file_test (registry, G_FILE_TEST_IS_DIR) ||
                     ub_test_count_entries (registry) == 0);
    }

  g_test_message ("%u kills: %u left the old file, %u a new one; %u left a temporary file",
                  kills, old_seen, new_seen, left_behind);
  /* Both outcomes of a kill, and the cleanup, were exercised. */
  g_assert_cmpuint (left_behind, >, 0);
  g_assert_cmpuint (new_seen, >, 0);
}

static void
test_partial (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *path = fixture_path (fixture, "out");
  g_autofree char *partial = ub_durable_dup_partial_path ("test.part");
  g_autofree char *outside = fixture_path (fixture, "not-ours.part");
  g_autoptr(GError) error = NULL;
  UbDurableFile *file;

  g_test_summary ("A partial file stays when the writer stops, resumes at a checked "
                  "offset and is put in place; a path outside the cache is refused");

  g_assert_true (ub_durable_is_partial_path (partial));
  g_assert_false (ub_durable_is_partial_path (outside));
  g_assert_false (ub_durable_is_partial_path ("/etc/passwd"));

  g_assert_true (g_file_set_contents (outside, "precious", -1, NULL));
  file = ub_durable_file_new_partial (path, outside, 0, NULL, &error);
  g_assert_null (file);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  assert_contents (outside, "precious");

  file = ub_durable_file_new_partial (path, partial, 0, NULL, &error);
  g_assert_no_error (error);
  write_string (file, "abcdef");
  g_assert_true (ub_durable_file_flush (file, &error));
  ub_durable_file_free (file);
  assert_contents (partial, "abcdef");
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* A checkpoint claiming more than the partial file holds. */
  file = ub_durable_file_new_partial (path, partial, 7, NULL, &error);
  g_assert_null (file);
  g_assert_nonnull (error);
  g_clear_error (&error);

  file = ub_durable_file_new_partial (path, partial, 4, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ub_durable_file_get_size (file), ==, 4);
  write_string (file, "XY");
  g_assert_true (ub_durable_file_commit (file, &error));
  g_assert_no_error (error);
  ub_durable_file_free (file);

  assert_contents (path, "abcdXY");
  g_assert_false (g_file_test (partial, G_FILE_TEST_EXISTS));
}

static void
test_keep_partial (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *path = fixture_path (fixture, "out");
  g_autofree char *partial = ub_durable_dup_partial_path ("kept.part");
  g_autofree char *outside = fixture_path (fixture, "not-ours.part");
  g_autoptr(GError) error = NULL;
  UbDurableFile *file;

  g_test_summary ("A temporary file kept as a partial one (a link, on the same file "
                  "system) holds what was written and what follows, the destination "
                  "untouched; resuming from it puts the whole in place; committing removes "
                  "the link; a name outside the cache, or a file written straight, is "
                  "refused");

  g_assert_true (g_file_set_contents (path, "old", -1, NULL));
  g_unlink (partial);

  file = ub_durable_file_new (path, NULL, &error);
  g_assert_no_error (error);
  write_string (file, "abcdef");
  g_assert_false (ub_durable_file_keep_partial (file, outside, TRUE, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_false (g_file_test (outside, G_FILE_TEST_EXISTS));
  g_assert_true (ub_durable_file_keep_partial (file, partial, FALSE, &error));
  g_assert_no_error (error);
  assert_contents (partial, "abcdef");
  /* On the same file system, a link: what follows is kept too. */
  write_string (file, "gh");
  g_assert_true (ub_durable_file_flush (file, &error));
  assert_contents (partial, "abcdefgh");
  g_assert_true (ub_durable_file_keep_partial (file, partial, TRUE, &error));
  g_assert_no_error (error);
  ub_durable_file_free (file);
  assert_contents (partial, "abcdefgh");
  assert_contents (path, "old");
  /* The temporary file is gone; the kept one is the cache's. */
  g_assert_cmpuint (ub_test_count_entries (fixture->dir), ==, 1);

  file = ub_durable_file_new_partial (path, partial, 6, NULL, &error);
  g_assert_no_error (error);
  write_string (file, "XY");
  g_assert_true (ub_durable_file_commit (file, &error));
  g_assert_no_error (error);
  ub_durable_file_free (file);
  assert_contents (path, "abcdefXY");
  g_assert_false (g_file_test (partial, G_FILE_TEST_EXISTS));

  /* Kept, then committed: the link goes, so no resume can cut the file
   * now in place. */
  file = ub_durable_file_new (path, NULL, &error);
  g_assert_no_error (error);
  write_string (file, "123");
  g_assert_true (ub_durable_file_keep_partial (file, partial, FALSE, &error));
  write_string (file, "45");
  g_assert_true (ub_durable_file_commit (file, &error));
  g_assert_no_error (error);
  ub_durable_file_free (file);
  assert_contents (path, "12345");
  g_assert_false (g_file_test (partial, G_FILE_TEST_EXISTS));

  /* A device is written straight: nothing can be kept of it. */
  file = ub_durable_file_new ("/dev/null", NULL, &error);
  g_assert_no_error (error);
  write_string (file, "abc");
  g_assert_false (ub_durable_file_keep_partial (file, partial, TRUE, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  ub_durable_file_free (file);
  g_assert_false (g_file_test (partial, G_FILE_TEST_EXISTS));
}

static void
test_copy (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree char *source = fixture_path (fixture, "source");
  g_autofree char *path = fixture_path (fixture, "copy");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  g_test_summary ("A copy replaces its destination whole, keeping its mode; cancelled, or "
                  "onto its own source, it leaves everything as it was");

  g_assert_true (g_file_set_contents (source, "the result", -1, NULL));
  g_assert_true (g_file_set_contents (path, "old", -1, NULL));
  g_assert_cmpint (g_chmod (path, 0640), ==, 0);

  g_cancellable_cancel (cancellable);
  g_assert_false (ub_durable_copy (source, path, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  assert_contents (path, "old");

  g_assert_false (ub_durable_copy (source, source, NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  assert_contents (source, "the result");

  g_assert_true (ub_durable_copy (source, path, NULL, &error));
  g_assert_no_error (error);
  assert_contents (path, "the result");
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0640);
  g_assert_cmpuint (ub_test_count_entries (fixture->dir), ==, 2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(name, func) \
  g_test_add ("/durable/tmpfile/" name, Fixture, GINT_TO_POINTER (TRUE), \
              fixture_set_up, func, fixture_tear_down); \
  g_test_add ("/durable/named/" name, Fixture, GINT_TO_POINTER (FALSE), \
              fixture_set_up, func, fixture_tear_down)

  ADD ("new-file", test_new_file);
  ADD ("replace-keeps-mode", test_replace_keeps_mode);
  ADD ("abandoned", test_abandoned);
  ADD ("refuses-folder", test_refuses_folder);
  ADD ("refuses-source", test_refuses_source);
  ADD ("symlink-target", test_symlink_target);
  ADD ("fifo", test_fifo);
  ADD ("devices", test_devices);
  ADD ("injected-faults", test_injected_faults);
  ADD ("real-disk-full", test_real_disk_full);
  ADD ("partial", test_partial);
  ADD ("keep-partial", test_keep_partial);
  ADD ("copy", test_copy);
#undef ADD
  g_test_add ("/durable/stale-removed", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_stale_removed, fixture_tear_down);
  g_test_add ("/durable/named/kill-9-random-moments", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_kill_random_moments, fixture_tear_down);

  return g_test_run ();
}
