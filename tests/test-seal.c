/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ub-seal.h"

/* UbSeal: the per-install key that tells Unblock's own files from others. */

#define N_THREADS 8

static const guint8 sample[] = "primes.part.0: from 0 to 999999, done, 78498";

static char *
fresh_dir (const char *name)
{
  char *dir = g_build_filename (g_get_user_state_dir (), name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  return dir;
}

static UbSeal *
open_seal (const char *dir)
{
  g_autoptr(GError) error = NULL;
  UbSeal *seal = ub_seal_new_for_directory (dir, &error);

  g_assert_no_error (error);
  g_assert_nonnull (seal);
  return seal;
}

static void
sign_sample (UbSeal *seal,
             guint8  tag[UB_SEAL_SIZE])
{
  ub_seal_sign (seal, sample, sizeof sample, tag);
}

static void
assert_only_key_file (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    g_assert_true (g_str_equal (name, UB_SEAL_KEY_FILE) ||
                   g_str_equal (name, UB_SEAL_KEY_FILE ".corrupt"));
}

static void
test_key_file (void)
{
  g_autofree char *dir = fresh_dir ("key-file");
  g_autofree char *path = g_build_filename (dir, UB_SEAL_KEY_FILE, NULL);
  g_autoptr(UbSeal) first = NULL;
  g_autoptr(UbSeal) again = NULL;
  guint8 a[UB_SEAL_SIZE], b[UB_SEAL_SIZE];
  GStatBuf st;

  g_test_summary ("The key is made once, 0600 and 32 bytes, and read back the same");

  first = open_seal (dir);
  g_assert_cmpint (g_lstat (path, &st), ==, 0);
  g_assert_true (S_ISREG (st.st_mode));
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (st.st_size, ==, 32);
  g_assert_null (ub_seal_take_incident (first));
  assert_only_key_file (dir);

  again = open_seal (dir);
  g_assert_null (ub_seal_take_incident (again));
  sign_sample (first, a);
  sign_sample (again, b);
  g_assert_cmpmem (a, sizeof a, b, sizeof b);
}

static void
test_check (void)
{
  g_autofree char *dir = fresh_dir ("check");
  g_autofree char *other_dir = fresh_dir ("check-other");
  g_autoptr(UbSeal) seal = open_seal (dir);
  g_autoptr(UbSeal) other = open_seal (other_dir);
  guint8 data[sizeof sample];
  guint8 tag[UB_SEAL_SIZE];

  g_test_summary ("A seal checks only for its own bytes and its own key: one bit off in "
                  "either, or another folder's key, fails");

  sign_sample (seal, tag);
  g_assert_true (ub_seal_check (seal, sample, sizeof sample, tag));
  g_assert_false (ub_seal_check (other, sample, sizeof sample, tag));

  for (gsize i = 0; i < sizeof sample; i++)
    {
      memcpy (data, sample, sizeof data);
      data[i] ^= 1 << (i % 8);
      g_assert_false (ub_seal_check (seal, data, sizeof data, tag));
    }
  g_assert_false (ub_seal_check (seal, sample, sizeof sample - 1, tag));
  for (guint i = 0; i < UB_SEAL_SIZE; i++)
    {
      guint8 bad[UB_SEAL_SIZE];

      memcpy (bad, tag, sizeof bad);
      bad[i] ^= 0x80;
      g_assert_false (ub_seal_check (seal, sample, sizeof sample, bad));
    }
}

typedef enum
{
  BAD_MODE,
  BAD_SIZE,
  BAD_LINK,
  BAD_FIFO,
  BAD_FOLDER,
} BadKey;

static void
make_bad_key (const char *dir,
              const char *path,
              BadKey      bad)
{
  g_autofree char *elsewhere = g_build_filename (dir, "elsewhere", NULL);
  guint8 bytes[32] = { 1, 2, 3 };

  switch (bad)
    {
    case BAD_MODE:
      g_assert_cmpint (g_chmod (path, 0644), ==, 0);
      break;
    case BAD_SIZE:
      g_assert_true (g_file_set_contents (path, (const char *) bytes, 31, NULL));
      g_assert_cmpint (g_chmod (path, 0600), ==, 0);
      break;
    case BAD_LINK:
      /* A valid key, but reached through a link: anyone could aim it. */
      g_assert_cmpint (g_rename (path, elsewhere), ==, 0);
      g_assert_cmpint (symlink (elsewhere, path), ==, 0);
      break;
    case BAD_FIFO:
      g_assert_cmpint (g_unlink (path), ==, 0);
      g_assert_cmpint (mkfifo (path, 0600), ==, 0);
      break;
    case BAD_FOLDER:
      g_assert_cmpint (g_unlink (path), ==, 0);
      g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
      break;
    }
}

static void
test_untrusted_key (void)
{
  static const char *names[] = { "mode", "size", "link", "fifo", "folder" };

  g_test_summary ("A key file of the wrong mode, size or type, or a link, is moved aside "
                  "and replaced, at once (never waiting on a FIFO), and said so once");

  for (BadKey bad = BAD_MODE; bad <= BAD_FOLDER; bad++)
    {
      g_autofree char *dir = fresh_dir (names[bad]);
      g_autofree char *path = g_build_filename (dir, UB_SEAL_KEY_FILE, NULL);
      g_autofree char *aside = g_strconcat (path, ".corrupt", NULL);
      g_autoptr(UbSeal) original = open_seal (dir);
      g_autoptr(UbSeal) replaced = NULL;
      g_autofree char *incident = NULL;
      guint8 a[UB_SEAL_SIZE], b[UB_SEAL_SIZE];
      GStatBuf st;

      make_bad_key (dir, path, bad);
      replaced = open_seal (dir);
      incident = ub_seal_take_incident (replaced);
      g_test_message ("%s: %s", names[bad], incident);
      g_assert_nonnull (incident);
      g_assert_nonnull (strstr (incident, "has been replaced"));
      g_assert_null (ub_seal_take_incident (replaced));

      /* A new key: what the old one sealed no longer checks. */
      sign_sample (original, a);
      g_assert_false (ub_seal_check (replaced, sample, sizeof sample, a));
      sign_sample (replaced, b);
      g_assert_true (memcmp (a, b, sizeof a) != 0);

      g_assert_cmpint (g_lstat (path, &st), ==, 0);
      g_assert_true (S_ISREG (st.st_mode));
      g_assert_cmpint (st.st_mode & 0777, ==, 0600);
      g_assert_cmpint (g_lstat (aside, &st), ==, 0);
    }
}

typedef struct
{
  const char *dir;
  guint8      tag[UB_SEAL_SIZE];
} Opener;

static gpointer
open_in_thread (gpointer data)
{
  Opener *opener = data;
  g_autoptr(UbSeal) seal = open_seal (opener->dir);

  sign_sample (seal, opener->tag);
  return NULL;
}

static void
test_concurrent (void)
{
  g_autofree char *dir = fresh_dir ("concurrent");
  Opener openers[N_THREADS];
  GThread *threads[N_THREADS];

  g_test_summary ("Threads making the key at once all end up with the same one, and no "
                  "temporary file stays");

  for (guint round = 0; round < 20; round++)
    {
      g_autofree char *path = g_build_filename (dir, UB_SEAL_KEY_FILE, NULL);

      g_unlink (path);
      for (guint t = 0; t < N_THREADS; t++)
        {
          openers[t].dir = dir;
          threads[t] = g_thread_new ("seal", open_in_thread, &openers[t]);
        }
      for (guint t = 0; t < N_THREADS; t++)
        g_thread_join (threads[t]);
      for (guint t = 1; t < N_THREADS; t++)
        g_assert_cmpmem (openers[t].tag, UB_SEAL_SIZE, openers[0].tag, UB_SEAL_SIZE);
      assert_only_key_file (dir);
    }
}

static void
test_unwritable (void)
{
  g_autoptr(GError) error = NULL;
  UbSeal *seal;

  g_test_summary ("A folder where no key can be made is an error, not a seal");

  seal = ub_seal_new_for_directory ("/proc", &error);
  g_assert_null (seal);
  g_assert_nonnull (error);
  g_test_message ("error: %s", error->message);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/seal/key-file", test_key_file);
  g_test_add_func ("/seal/check", test_check);
  g_test_add_func ("/seal/untrusted-key", test_untrusted_key);
  g_test_add_func ("/seal/concurrent", test_concurrent);
  g_test_add_func ("/seal/unwritable", test_unwritable);

  return g_test_run ();
}
