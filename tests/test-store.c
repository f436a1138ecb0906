/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ub-error.h"
#include "ub-store.h"

/* UbStore: durable key → GVariant store. */

static char *
state_dir (const char *name)
{
  /* G_TEST_OPTION_ISOLATE_DIRS gives each test its own state folder. */
  return g_build_filename (g_get_user_state_dir (), name, NULL);
}

static UbStore *
open_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  UbStore *store = ub_store_new_for_directory (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

static char *
file_of (const char *dir,
         const char *key)
{
  g_autofree char *name = g_strconcat (key, ".gvariant", NULL);

  return g_build_filename (dir, name, NULL);
}

static void
assert_value (UbStore    *store,
              const char *key,
              GVariant   *expected)
{
  g_autoptr(GVariant) value = ub_store_dup (store, key);

  g_assert_nonnull (value);
  g_assert_cmpstr (g_variant_get_type_string (value), ==, g_variant_get_type_string (expected));
  g_assert_true (g_variant_equal (value, expected));
}

static GPtrArray *
sample_values (void)
{
  GPtrArray *values = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  GVariantBuilder dict;
  guint8 bytes[1000];

  for (guint i = 0; i < sizeof bytes; i++)
    bytes[i] = (guint8) (i * 7 + 3);

  g_variant_builder_init (&dict, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&dict, "{sv}", "name", g_variant_new_string ("Unblock"));
  g_variant_builder_add (&dict, "{sv}", "ratio", g_variant_new_double (0.125));
  g_variant_builder_add (&dict, "{sv}", "empty", g_variant_new_strv (NULL, 0));

  g_ptr_array_add (values, g_variant_ref_sink (g_variant_new_int32 (-42)));
  g_ptr_array_add (values, g_variant_ref_sink (g_variant_new_uint64 (G_MAXUINT64)));
  g_ptr_array_add (values, g_variant_ref_sink (g_variant_new_boolean (TRUE)));
  g_ptr_array_add (values, g_variant_ref_sink (g_variant_new_double (-1.5e300)));
  g_ptr_array_add (values, g_variant_ref_sink (g_variant_new_string ("é, ü and “quotes”")));
  g_ptr_array_add (values, g_variant_ref_sink (g_variant_new_string ("")));
  g_ptr_array_add (values, g_variant_ref_sink (g_variant_new ("(tttub)", (guint64) 0,
                                                              (guint64) 2000000000,
                                                              (guint64) 123456, 99, FALSE)));
  g_ptr_array_add (values, g_variant_ref_sink (g_variant_builder_end (&dict)));
  g_ptr_array_add (values, g_variant_ref_sink (g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE,
                                                                          bytes, sizeof bytes, 1)));
  g_ptr_array_add (values, g_variant_ref_sink (g_variant_new ("(msmi)", NULL, 7)));
  g_ptr_array_add (values, g_variant_ref_sink (g_variant_new_variant (g_variant_new_byte (9))));
  return values;
}

static void
test_round_trip (void)
{
  g_autofree char *dir = state_dir ("round-trip");
  g_autoptr(GPtrArray) values = sample_values ();
  g_autoptr(UbStore) store = open_store (dir);
  g_autoptr(UbStore) again = NULL;

  g_test_summary ("Values of many types read back equal, in the same store and after reopening");

  for (guint i = 0; i < values->len; i++)
    {
      g_autofree char *key = g_strdup_printf ("value-%u", i);
      g_autoptr(GError) error = NULL;

      g_assert_true (ub_store_set (store, key, values->pdata[i], &error));
      g_assert_no_error (error);
      assert_value (store, key, values->pdata[i]);
    }

  /* Overwrite one. */
  g_assert_true (ub_store_set (store, "value-0", g_variant_new_int32 (43), NULL));

  again = open_store (dir);
  g_assert_null (ub_store_take_recovery_message (again));
  for (guint i = 1; i < values->len; i++)
    {
      g_autofree char *key = g_strdup_printf ("value-%u", i);

      assert_value (again, key, values->pdata[i]);
    }
  {
    g_autoptr(GVariant) expected = g_variant_ref_sink (g_variant_new_int32 (43));

    assert_value (again, "value-0", expected);
  }
  g_assert_null (ub_store_dup (again, "missing"));
}

static void
test_persistence (void)
{
  g_autofree char *dir = state_dir ("persistence");
  g_autoptr(UbStore) store = open_store (dir);
  g_autoptr(UbStore) again = NULL;
  g_auto(GStrv) keys = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("Set and remove persist across store instances; keys list by prefix");

  g_assert_true (ub_store_set (store, "primes.b", g_variant_new_uint32 (2), NULL));
  g_assert_true (ub_store_set (store, "primes.a", g_variant_new_uint32 (1), NULL));
  g_assert_true (ub_store_set (store, "png.a", g_variant_new_uint32 (3), NULL));
  g_assert_true (ub_store_set (store, "gone", g_variant_new_uint32 (4), NULL));
  g_assert_true (ub_store_remove (store, "gone", &error));
  g_assert_no_error (error);
  g_assert_true (ub_store_remove (store, "never-there", &error));
  g_assert_no_error (error);
  g_assert_null (ub_store_dup (store, "gone"));

  again = open_store (dir);
  keys = ub_store_list_keys (again, "primes.");
  g_assert_cmpuint (g_strv_length (keys), ==, 2);
  g_assert_cmpstr (keys[0], ==, "primes.a");
  g_assert_cmpstr (keys[1], ==, "primes.b");
  g_clear_pointer (&keys, g_strfreev);

  keys = ub_store_list_keys (again, NULL);
  g_assert_cmpuint (g_strv_length (keys), ==, 3);
  g_assert_null (ub_store_dup (again, "gone"));
}

#define N_THREADS        4
#define KEYS_PER_THREAD  40

typedef struct
{
  UbStore *store;
  guint    index;
} WriterData;

static gpointer
writer_thread (gpointer user_data)
{
  WriterData *data = user_data;

  for (guint i = 0; i < KEYS_PER_THREAD; i++)
    {
      g_autofree char *key = g_strdup_printf ("thread-%u.key-%u", data->index, i);
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) shared = NULL;

      g_assert_true (ub_store_set (data->store, key,
                                   g_variant_new ("(uu)", data->index, i), &error));
      g_assert_no_error (error);
      g_assert_true (ub_store_set (data->store, "shared",
                                   g_variant_new ("(uu)", data->index, i), &error));
      g_assert_no_error (error);

      /* Readers see some value at all times. */
      shared = ub_store_dup (data->store, "shared");
      g_assert_nonnull (shared);
    }

  return NULL;
}

static void
test_concurrent (void)
{
  g_autofree char *dir = state_dir ("concurrent");
  g_autoptr(UbStore) store = open_store (dir);
  g_autoptr(UbStore) again = NULL;
  g_autoptr(GVariant) latest = NULL;
  g_autoptr(GVariant) reloaded = NULL;
  g_auto(GStrv) keys = NULL;
  WriterData data[N_THREADS];
  GThread *threads[N_THREADS];

  g_test_summary ("Four threads writing at once lose no key, and the file of a key "
                  "written by all of them holds the latest value");

  for (guint t = 0; t < N_THREADS; t++)
    {
      data[t].store = store;
      data[t].index = t;
      threads[t] = g_thread_new ("writer", writer_thread, &data[t]);
    }
  for (guint t = 0; t < N_THREADS; t++)
    g_thread_join (threads[t]);

  keys = ub_store_list_keys (store, "thread-");
  g_assert_cmpuint (g_strv_length (keys), ==, N_THREADS * KEYS_PER_THREAD);
  latest = ub_store_dup (store, "shared");

  again = open_store (dir);
  g_assert_null (ub_store_take_recovery_message (again));
  for (guint t = 0; t < N_THREADS; t++)
    for (guint i = 0; i < KEYS_PER_THREAD; i++)
      {
        g_autofree char *key = g_strdup_printf ("thread-%u.key-%u", t, i);
        g_autoptr(GVariant) expected = g_variant_ref_sink (g_variant_new ("(uu)", t, i));

        assert_value (again, key, expected);
      }

  reloaded = ub_store_dup (again, "shared");
  g_assert_nonnull (reloaded);
  g_assert_true (g_variant_equal (reloaded, latest));
}

static void
write_bytes (const char *path,
             const void *data,
             gsize       len)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
}

static void
test_corrupt (void)
{
  g_autofree char *dir = state_dir ("corrupt");
  g_autoptr(UbStore) store = open_store (dir);
  g_autoptr(UbStore) again = NULL;
  g_autoptr(UbStore) third = NULL;
  g_autoptr(GVariant) good = g_variant_ref_sink (g_variant_new_string ("still here"));
  g_autoptr(GVariant) record = g_variant_ref_sink (g_variant_new ("(tt)", (guint64) 1, (guint64) 2));
  static const char *damaged[] = { "truncated", "random", "version", "empty", "other-key",
                                   "flipped" };
  g_autofree char *message = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *path = NULL;
  g_auto(GStrv) keys = NULL;
  gsize len;

  g_test_summary ("Truncated, random, empty, bit-flipped, misplaced and future-version files "
                  "are moved aside as *.corrupt and reported once; other keys survive");

  g_assert_true (ub_store_set (store, "good", good, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (damaged); i++)
    g_assert_true (ub_store_set (store, damaged[i], record, NULL));
  g_clear_object (&store);

  /* Truncated: cut in the middle of the payload. */
  path = file_of (dir, "truncated");
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  write_bytes (path, contents, len - 5);
  g_clear_pointer (&path, g_free);

  /* Random bytes. */
  path = file_of (dir, "random");
  {
    guint8 noise[100];

    for (guint i = 0; i < sizeof noise; i++)
      noise[i] = (guint8) g_test_rand_int_range (0, 256);
    write_bytes (path, noise, sizeof noise);
  }
  g_clear_pointer (&path, g_free);

  /* A future format version. */
  path = file_of (dir, "version");
  {
    char version = contents[8];

    contents[8] = 99;
    write_bytes (path, contents, len);
    contents[8] = version;
  }
  g_clear_pointer (&path, g_free);

  /* Empty. */
  path = file_of (dir, "empty");
  write_bytes (path, "", 0);
  g_clear_pointer (&path, g_free);

  /* A valid file under another key's name. */
  path = file_of (dir, "other-key");
  write_bytes (path, contents, len);
  g_clear_pointer (&path, g_free);

  /* One bit flipped in the payload. */
  path = file_of (dir, "flipped");
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  contents[len - 3] ^= 0x10;
  write_bytes (path, contents, len);
  g_clear_pointer (&path, g_free);

  again = open_store (dir);
  assert_value (again, "good", good);
  keys = ub_store_list_keys (again, NULL);
  g_assert_cmpuint (g_strv_length (keys), ==, 1);

  message = ub_store_take_recovery_message (again);
  g_assert_nonnull (message);
  g_test_message ("recovery message: %s", message);
  g_assert_nonnull (strstr (message, "6 saved items were damaged"));
  g_assert_nonnull (strstr (message, "format version 99"));
  g_assert_null (ub_store_take_recovery_message (again));

  for (guint i = 0; i < G_N_ELEMENTS (damaged); i++)
    {
      g_autofree char *file = file_of (dir, damaged[i]);
      g_autofree char *aside = g_strconcat (file, ".corrupt", NULL);

      g_assert_null (ub_store_dup (again, damaged[i]));
      g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
      g_assert_true (g_file_test (aside, G_FILE_TEST_IS_REGULAR));
      g_assert_nonnull (strstr (message, damaged[i]));
    }

  /* The store is usable: the damaged keys can be written again. */
  g_assert_true (ub_store_set (again, "random", good, NULL));
  third = open_store (dir);
  assert_value (third, "random", good);
  assert_value (third, "good", good);
  g_assert_null (ub_store_take_recovery_message (third));
}

static void
test_corrupt_single (void)
{
  g_autofree char *dir = state_dir ("corrupt-single");
  g_autofree char *path = NULL;
  g_autofree char *message = NULL;
  g_autoptr(UbStore) store = NULL;

  g_test_summary ("One damaged key gives one sentence naming it and its .corrupt copy");

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  path = file_of (dir, "job");
  write_bytes (path, "UbStore\n", 8);

  store = open_store (dir);
  message = ub_store_take_recovery_message (store);
  g_assert_nonnull (message);
  g_test_message ("recovery message: %s", message);
  g_assert_nonnull (strstr (message, "“job”"));
  g_assert_nonnull (strstr (message, "truncated"));
  g_assert_nonnull (strstr (message, "job.gvariant.corrupt"));
  g_assert_null (strchr (message, '\n'));
}

/* Rewrites a store file as a forger without the key would: a payload
 * byte changed and the checksum made right again, the seal left as it
 * was. */
static void
forge_file (const char *path)
{
  g_autofree char *contents = NULL;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  guint32 size;
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  memcpy (&size, contents + 12, 4);
  size = GUINT32_FROM_LE (size);
  g_assert_cmpuint (24 + size + 32, ==, len);

  /* The last byte of the value, inside the payload. */
  contents[24 + size - 2] ^= 0x01;
  g_checksum_update (checksum, (const guint8 *) contents + 24, size);
  g_checksum_get_digest (checksum, digest, &digest_len);
  memcpy (contents + 16, digest, 8);
  write_bytes (path, contents, len);
}

static void
test_forged (void)
{
  g_autofree char *dir = state_dir ("forged");
  g_autofree char *other_dir = state_dir ("forged-elsewhere");
  g_autofree char *path = NULL;
  g_autofree char *copied = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *message = NULL;
  g_autoptr(UbStore) store = open_store (dir);
  g_autoptr(UbStore) other = open_store (other_dir);
  g_autoptr(UbStore) again = NULL;
  g_autoptr(GVariant) good = g_variant_ref_sink (g_variant_new_string ("still here"));
  gsize len;

  g_test_summary ("A file edited with its checksum made right, or sealed by another "
                  "folder's key, is not trusted: moved aside and reported, others kept");

  g_assert_true (ub_store_set (store, "good", good, NULL));
  g_assert_true (ub_store_set (store, "edited", g_variant_new ("(tb)", (guint64) 7, FALSE), NULL));
  g_assert_true (ub_store_set (other, "copied", g_variant_new ("(tb)", (guint64) 8, TRUE), NULL));
  g_clear_object (&store);

  path = file_of (dir, "edited");
  forge_file (path);

  /* A record another installation wrote, put in this folder. */
  copied = file_of (other_dir, "copied");
  g_assert_true (g_file_get_contents (copied, &contents, &len, NULL));
  g_clear_pointer (&copied, g_free);
  copied = file_of (dir, "copied");
  write_bytes (copied, contents, len);

  again = open_store (dir);
  assert_value (again, "good", good);
  g_assert_null (ub_store_dup (again, "edited"));
  g_assert_null (ub_store_dup (again, "copied"));
  message = ub_store_take_recovery_message (again);
  g_test_message ("recovery message: %s", message);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "“edited” could not be trusted"));
  g_assert_nonnull (strstr (message, "“copied” could not be trusted"));
  g_assert_nonnull (strstr (message, "seal does not match"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_replaced_key (void)
{
  g_autofree char *dir = state_dir ("replaced-key");
  g_autofree char *key = NULL;
  g_autofree char *message = NULL;
  g_autoptr(UbStore) store = open_store (dir);
  g_autoptr(UbStore) again = NULL;

  g_test_summary ("A key file others may read is replaced: what it sealed is no longer "
                  "trusted, and the message says why");

  g_assert_true (ub_store_set (store, "job", g_variant_new_uint32 (5), NULL));
  g_clear_object (&store);

  key = g_build_filename (dir, "seal.key", NULL);
  g_assert_cmpint (g_chmod (key, 0644), ==, 0);

  again = open_store (dir);
  g_assert_null (ub_store_dup (again, "job"));
  message = ub_store_take_recovery_message (again);
  g_test_message ("recovery message: %s", message);
  g_assert_nonnull (strstr (message, "others may read or change it"));
  g_assert_nonnull (strstr (message, "“job” could not be trusted"));

  /* The new key works. */
  g_assert_true (ub_store_set (again, "job", g_variant_new_uint32 (6), NULL));
  g_clear_object (&again);
  again = open_store (dir);
  g_assert_nonnull (ub_store_dup (again, "job"));
  g_assert_null (ub_store_take_recovery_message (again));
}

static void
test_unwritable (void)
{
  g_autofree char *dir = state_dir ("unwritable");
  g_autofree char *moved = g_strconcat (dir, ".moved", NULL);
  g_autoptr(UbStore) store = NULL;
  g_autoptr(UbStore) none = NULL;
  g_autoptr(GVariant) value = g_variant_ref_sink (g_variant_new_uint32 (2));
  g_autoptr(GError) error = NULL;

  g_test_summary ("A folder that cannot be written gives a clear error and the value "
                  "stays usable in memory");

  /* /proc refuses new entries even to root. */
  none = ub_store_new_for_directory ("/proc/unblock-store-test", &error);
  g_assert_null (none);
  g_assert_nonnull (error);
  g_test_message ("error: %s", error->message);
  g_assert_nonnull (strstr (error->message, "/proc/unblock-store-test"));
  g_clear_error (&error);

  store = open_store (dir);
  g_assert_true (ub_store_set (store, "key", g_variant_new_uint32 (1), NULL));

  /* A file takes the folder's place. */
  g_assert_cmpint (g_rename (dir, moved), ==, 0);
  write_bytes (dir, "not a folder", 12);

  g_assert_false (ub_store_set (store, "key", value, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY);
  g_test_message ("error: %s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "Cannot save “key”: "));
  g_clear_error (&error);
  assert_value (store, "key", value);

  g_assert_false (ub_store_remove (store, "key", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_null (ub_store_dup (store, "key"));
}

static void
test_default_unwritable (void)
{
  if (g_test_subprocess ())
    {
      UbStore *store;
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) value = NULL;
      g_autofree char *message = NULL;

      g_setenv ("UNBLOCK_STATE_DIR", "/proc/unblock-store-test/state", TRUE);
      store = ub_store_get_default ();
      g_assert_true (store == ub_store_get_default ());
      g_assert_cmpstr (ub_store_get_path (store), ==, "/proc/unblock-store-test/state");

      message = ub_store_take_recovery_message (store);
      g_assert_nonnull (message);
      g_assert_true (g_str_has_prefix (message, "Progress cannot be saved: "));

      g_assert_false (ub_store_set (store, "key", g_variant_new_string ("memory"), &error));
      g_assert_nonnull (error);
      value = ub_store_dup (store, "key");
      g_assert_cmpstr (g_variant_get_string (value, NULL), ==, "memory");
      return;
    }

  g_test_summary ("The default store in a folder that cannot be created still works in memory");
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static gpointer
default_thread (gpointer user_data)
{
  UbStore *store = ub_store_get_default ();
  g_autofree char *key = g_strdup_printf ("thread-%u", GPOINTER_TO_UINT (user_data));

  g_assert_true (ub_store_set (store, key, g_variant_new_uint32 (1), NULL));
  return store;
}

static void
test_default (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *dir = state_dir ("from-env");
      g_autofree char *expected = NULL;
      g_auto(GStrv) keys = NULL;
      GThread *threads[N_THREADS];
      UbStore *store;

      g_setenv ("UNBLOCK_STATE_DIR", dir, TRUE);

      /* The first calls race each other: all get the same store. */
      for (guint t = 0; t < N_THREADS; t++)
        threads[t] = g_thread_new ("default", default_thread, GUINT_TO_POINTER (t));
      store = ub_store_get_default ();
      for (guint t = 0; t < N_THREADS; t++)
        g_assert_true (g_thread_join (threads[t]) == store);
      keys = ub_store_list_keys (store, "thread-");
      g_assert_cmpuint (g_strv_length (keys), ==, N_THREADS);

      g_assert_cmpstr (ub_store_get_path (store), ==, dir);
      g_assert_true (ub_store_set (store, "key", g_variant_new_string ("saved"), NULL));
      expected = file_of (dir, "key");
      g_assert_true (g_file_test (expected, G_FILE_TEST_IS_REGULAR));
      return;
    }

  g_test_summary ("UNBLOCK_STATE_DIR chooses the default store's folder; the first calls "
                  "from several threads get one store");
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_keys (void)
{
  g_autofree char *dir = state_dir ("keys");
  g_autofree char *long_key = g_strnfill (UB_STORE_MAX_KEY_LENGTH + 1, 'k');
  g_autofree char *longest = g_strnfill (UB_STORE_MAX_KEY_LENGTH, 'k');
  g_autoptr(UbStore) store = open_store (dir);
  static const char *bad[] = { "", ".", "..", "../escape", "a/b", "/tmp/x", ".hidden", "-x",
                               "a\\b", "a b", "tab\t", "é", "new\nline", "x*", NULL };
  static const char *good[] = { "a", "primes.run-1_x", "A9", "_", "a..b", NULL };
  g_autofree char *parent = g_path_get_dirname (dir);
  g_autoptr(GDir) listing = NULL;
  const char *name;

  g_test_summary ("Keys that could name another file are refused with an error");

  for (guint i = 0; bad[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (ub_store_key_is_valid (bad[i]));
      g_assert_false (ub_store_set (store, bad[i], g_variant_new_byte (1), &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
      g_assert_false (ub_store_remove (store, bad[i], &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_assert_null (ub_store_dup (store, bad[i]));
    }
  g_assert_false (ub_store_set (store, long_key, g_variant_new_byte (1), NULL));
  g_assert_true (ub_store_set (store, longest, g_variant_new_byte (1), NULL));

  for (guint i = 0; good[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (ub_store_key_is_valid (good[i]));
      g_assert_true (ub_store_set (store, good[i], g_variant_new_byte (1), &error));
      g_assert_no_error (error);
    }

  /* Nothing was written beside the store's folder. */
  listing = g_dir_open (parent, 0, NULL);
  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    g_assert_cmpstr (name, ==, "keys");
}

static void
test_file (void)
{
  g_autofree char *dir = state_dir ("file");
  g_autofree char *path = g_build_filename (dir, "checkpoint", NULL);
  g_autoptr(GVariant) value = g_variant_ref_sink (g_variant_new ("(tt)", (guint64) 5, (guint64) 6));
  g_autoptr(GVariant) read = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("A single value in a file of its own: round trip, missing, wrong key, "
                  "and edited with its checksum made right (UB_ERROR_UNTRUSTED)");

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  read = ub_store_read_file (path, "job", &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (ub_store_write_file (path, "job", value, &error));
  g_assert_no_error (error);
  read = ub_store_read_file (path, "job", &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_equal (read, value));
  g_clear_pointer (&read, g_variant_unref);

  read = ub_store_read_file (path, "another", &error);
  g_assert_null (read);
  g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "checkpoint"));
  g_clear_error (&error);

  g_assert_false (ub_store_write_file ("/proc/unblock-store-test", "job", value, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  forge_file (path);
  read = ub_store_read_file (path, "job", &error);
  g_assert_null (read);
  g_assert_error (error, UB_ERROR, UB_ERROR_UNTRUSTED);
  g_test_message ("error: %s", error->message);
  g_assert_nonnull (strstr (error->message, "checkpoint"));
}

/* Figures, not assertions: run with -m perf. */

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

typedef struct
{
  UbStore      *store;
  gint          stop;      /* (atomic) */
  GArray       *latencies; /* owned by the reader thread until joined */
} Reader;

static gpointer
reader_thread (gpointer user_data)
{
  Reader *reader = user_data;

  while (!g_atomic_int_get (&reader->stop))
    {
      gint64 start = g_get_monotonic_time ();
      GVariant *value = ub_store_dup (reader->store, "checkpoint");
      double us = (double) (g_get_monotonic_time () - start);

      g_clear_pointer (&value, g_variant_unref);
      g_array_append_val (reader->latencies, us);
      g_usleep (100);
    }
  return NULL;
}

static void
test_perf (void)
{
  g_autofree char *dir = state_dir ("perf");
  g_autoptr(UbStore) store = open_store (dir);
  g_autoptr(GArray) saves = g_array_new (FALSE, FALSE, sizeof (double));
  Reader reader = { store, 0, g_array_new (FALSE, FALSE, sizeof (double)) };
  GThread *thread;
  const guint n = 200;
  double open_ms;
  gint64 start;

  g_test_summary ("Time per durable save of a checkpoint-sized value, and how long a "
                  "reader waits meanwhile");

  thread = g_thread_new ("reader", reader_thread, &reader);
  for (guint i = 0; i < n; i++)
    {
      GVariantBuilder parts;
      double ms;

      /* Shaped like a two-part count's checkpoint: a range and its parts. */
      g_variant_builder_init (&parts, G_VARIANT_TYPE ("a(tttt)"));
      for (guint p = 0; p < 2; p++)
        g_variant_builder_add (&parts, "(tttt)", (guint64) p, (guint64) 1000, (guint64) i,
                               (guint64) i);
      start = g_get_monotonic_time ();
      g_assert_true (ub_store_set (store, "checkpoint",
                                   g_variant_new ("(tta(tttt))", (guint64) 0, (guint64) 1000,
                                                  &parts), NULL));
      ms = (g_get_monotonic_time () - start) / 1000.0;
      g_array_append_val (saves, ms);
    }
  g_atomic_int_set (&reader.stop, 1);
  g_thread_join (thread);

  start = g_get_monotonic_time ();
  {
    UbStore *reopened = open_store (dir);

    open_ms = (g_get_monotonic_time () - start) / 1000.0;
    g_object_unref (reopened);
  }

  g_array_sort (saves, compare_doubles);
  g_array_sort (reader.latencies, compare_doubles);
  g_test_message ("save (set, blocks the caller): median %.3f ms, p90 %.3f ms, max %.3f ms (%u saves)",
                  g_array_index (saves, double, n / 2), g_array_index (saves, double, n * 9 / 10),
                  g_array_index (saves, double, n - 1), n);
  g_test_message ("dup from another thread during saves: median %.1f µs, max %.1f µs (%u reads)",
                  g_array_index (reader.latencies, double, reader.latencies->len / 2),
                  g_array_index (reader.latencies, double, reader.latencies->len - 1),
                  reader.latencies->len);
  g_test_message ("open (load one key): %.3f ms", open_ms);
  g_test_minimized_result (g_array_index (saves, double, n / 2), "median save %.3f ms",
                           g_array_index (saves, double, n / 2));
  g_array_unref (reader.latencies);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/store/round-trip", test_round_trip);
  g_test_add_func ("/store/persistence", test_persistence);
  g_test_add_func ("/store/concurrent-writers", test_concurrent);
  g_test_add_func ("/store/corrupt/many", test_corrupt);
  g_test_add_func ("/store/corrupt/single", test_corrupt_single);
  g_test_add_func ("/store/seal/forged", test_forged);
  g_test_add_func ("/store/seal/replaced-key", test_replaced_key);
  g_test_add_func ("/store/unwritable", test_unwritable);
  g_test_add_func ("/store/default/unwritable", test_default_unwritable);
  g_test_add_func ("/store/default/from-env", test_default);
  g_test_add_func ("/store/keys", test_keys);
  g_test_add_func ("/store/file", test_file);
  if (g_test_perf ())
    g_test_add_func ("/store/perf/save", test_perf);

  return g_test_run ();
}
