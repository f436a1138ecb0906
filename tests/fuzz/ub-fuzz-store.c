/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdint.h>
#include <stdio.h>

#include <glib/gstdio.h>

#include "ub-error.h"
#include "ub-fuzz-driver.h"
#include "ub-seal.h"
#include "ub-store.h"

/*
 * Fuzz target for the store's file format: every input is put in a state
 * folder as a key's file and the store opened on it (the start-up path),
 * then read as a one-value file (the CLI's checkpoint path). Whatever the
 * bytes, the key holds a value or is reset and its file moved aside.
 *
 * Files are sealed (see UbSeal), and a mutated file almost never carries
 * the right seal: each input is tried twice, as it is (what is not sealed
 * must be refused before its payload is parsed) and sealed again with the
 * folder's key over all but its last 32 bytes (the parser behind the
 * seal, reached as a file this installation wrote).
 */

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

/* The state folder, made once: the default store's too, so that the
 * one-value files are sealed with the same key. */
static const char *
fuzz_dir (void)
{
  static char *dir;

  if (dir == NULL)
    {
      dir = g_dir_make_tmp ("ub-fuzz-store-XXXXXX", NULL);
      g_assert_nonnull (dir);
      g_setenv ("UNBLOCK_STATE_DIR", dir, TRUE);
    }
  return dir;
}

static void
try_file (const uint8_t *data,
          size_t         size)
{
  const char *dir = fuzz_dir ();
  g_autofree char *path = NULL;
  g_autofree char *aside = NULL;
  g_autofree char *recovery = NULL;
  g_autoptr(UbStore) store = NULL;
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GVariant) single = NULL;
  g_autoptr(GError) error = NULL;

  path = g_build_filename (dir, "key.gvariant", NULL);
  aside = g_strconcat (path, ".corrupt", NULL);
  g_assert_true (g_file_set_contents (path, (const char *) data, (gssize) size, NULL));

  single = ub_store_read_file (path, "key", &error);
  /* Whatever is accepted carries the seal of all that precedes it. */
  if (single != NULL)
    {
      g_autoptr(UbSeal) seal = ub_seal_dup_default (NULL);

      g_assert_cmpuint (size, >=, UB_SEAL_SIZE);
      g_assert_true (ub_seal_check (seal, data, size - UB_SEAL_SIZE, data + size - UB_SEAL_SIZE));
    }
  else
    g_assert_true (error->domain == UB_ERROR);

  store = ub_store_new_for_directory (dir, NULL);
  g_assert_nonnull (store);
  value = ub_store_dup (store, "key");
  recovery = ub_store_take_recovery_message (store);
  /* Either read, or reset with a word to the user; never both. */
  g_assert_true ((value != NULL) != (recovery != NULL));
  g_assert_true ((single != NULL) == (value != NULL));
  if (value != NULL)
    g_assert_true (g_variant_equal (value, single));

  g_unlink (path);
  g_unlink (aside);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static UbSeal *seal;   /* the folder's, read once */
  g_autoptr(GByteArray) resealed = NULL;
  guint8 tag[UB_SEAL_SIZE];

  try_file (data, size);
  if (size < UB_SEAL_SIZE)
    return 0;

  if (seal == NULL)
    seal = ub_seal_new_for_directory (fuzz_dir (), NULL);
  g_assert_nonnull (seal);
  resealed = g_byte_array_sized_new (size);
  g_byte_array_append (resealed, data, size - UB_SEAL_SIZE);
  ub_seal_sign (seal, resealed->data, resealed->len, tag);
  g_byte_array_append (resealed, tag, sizeof tag);
  try_file (resealed->data, resealed->len);
  return 0;
}

/* Valid files: a few values in the store's format. */
static G_GNUC_UNUSED GPtrArray *
ub_fuzz_store_seeds (void)
{
  GPtrArray *seeds = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autofree char *path = g_build_filename (fuzz_dir (), "seed", NULL);
  GVariant *values[] = {
    g_variant_new ("(tt)", (guint64) 500, (guint64) 95),
    g_variant_new_parsed ("{'mode': <@u 0>, 'input': <'/tmp/in'>, 'total': <@x 100>}"),
    g_variant_new_string ("hello"),
  };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      char *contents;
      gsize len;

      g_assert_true (ub_store_write_file (path, "key", values[i], NULL));
      g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
      g_ptr_array_add (seeds, g_bytes_new_take (contents, len));
    }
  g_unlink (path);
  return seeds;
}

UB_FUZZ_DRIVER (ub_fuzz_store_seeds)
