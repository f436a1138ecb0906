/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdint.h>
#include <stdio.h>

#include "ub-base64.h"
#include "ub-data-identity.h"
#include "ub-data-job.h"
#include "ub-data-jobs.h"
#include "ub-durable.h"
#include "ub-fuzz-driver.h"
#include "ub-job.h"
#include "ub-jobs.h"
#include "ub-primes.h"
#include "../ub-test-files.h"

/*
 * Fuzz target for the checkpoints' GVariants, as they come back from
 * disk: every input is read as a primes part record, a CLI checkpoint, a
 * data job's saved record and an input identity, and each goes through
 * the checks that resuming applies. Whatever the bytes, a check accepts
 * or refuses; an accepted record is self-consistent. A data record also
 * resumes a real "data.run" over a small input, as saved and with the
 * input's true identity put in: the run fails or writes exactly the
 * encoding of its input, and the user's file the record names as its
 * partial output is never touched.
 */

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
check_record (GVariant *variant)
{
  UbPrimesRecord record;
  guint64 min, max;

  if (!ub_primes_record_from_variant (variant, &record, NULL))
    return;
  g_assert_cmpuint (record.from, <=, record.to);
  if (record.done)
    {
      ub_primes_count_bounds (record.from, record.to, &min, &max);
      g_assert_cmpuint (record.count, <=, max);
      g_assert_cmpuint (record.count, >=, min);
    }
  else
    g_assert_cmpuint (record.next, <=, record.to);
}

#define RUN_INPUT_SIZE 1000
#define RUN_RESUME_OUT 770   /* ten lines of 76 characters: 570 bytes of input */

/* The files the resumed runs use, in a scratch folder that also holds the
 * app's state and cache (made once, removed at exit). */
typedef struct
{
  char           *dir;
  char           *input;
  char           *output;
  char           *sentinel;
  char           *partial;
  char           *expected;
  gsize           expected_len;
  UbDataIdentity  identity;
} RunFiles;

static RunFiles run_files;

static void
remove_run_files (void)
{
  ub_test_remove_tree (run_files.dir);
}

static RunFiles *
get_run_files (void)
{
  RunFiles *f = &run_files;

  if (f->dir == NULL)
    {
      g_autofree guint8 *data = ub_test_make_bytes (RUN_INPUT_SIZE, 9);
      g_autofree char *state = NULL;
      g_autofree char *cache = NULL;

      f->dir = g_dir_make_tmp ("ub-fuzz-checkpoint-XXXXXX", NULL);
      g_assert_nonnull (f->dir);
      atexit (remove_run_files);
      state = g_build_filename (f->dir, "state", NULL);
      cache = g_build_filename (f->dir, "cache", NULL);
      g_setenv ("UNBLOCK_STATE_DIR", state, TRUE);
      g_setenv ("UNBLOCK_CACHE_DIR", cache, TRUE);
      ub_jobs_register_all ();

      f->input = g_build_filename (f->dir, "in.bin", NULL);
      f->output = g_build_filename (f->dir, "out.b64", NULL);
      f->sentinel = g_build_filename (f->dir, "users-own-file", NULL);
      f->partial = ub_durable_dup_partial_path (UB_DATA_JOBS_PARTIAL_NAME);
      ub_test_write_file (f->input, data, RUN_INPUT_SIZE);
      ub_test_write_file (f->sentinel, "keep", 4);
      f->expected = ub_base64_encode (data, RUN_INPUT_SIZE, 76, &f->expected_len);
      g_assert_true (ub_data_identity_read (f->input, TRUE, &f->identity, NULL));
    }
  return f;
}

/* Resumes "data.run" from @resume, whatever it holds. */
static void
check_data_run (GVariant *resume)
{
  RunFiles *f = get_run_files ();

  for (int true_identity = 0; true_identity < 2; true_identity++)
    {
      g_autoptr(GVariant) params = NULL;
      g_autoptr(GVariant) reply = NULL;
      g_autoptr(GError) error = NULL;
      GVariantDict dict;

      g_variant_dict_init (&dict, resume);
      if (true_identity)
        g_variant_dict_insert_value (&dict, "identity", ub_data_identity_to_variant (&f->identity));
      params = g_variant_ref_sink (ub_data_run_params_new (UB_DATA_MODE_BASE64_ENCODE, 76,
                                                           f->input, NULL, f->output,
                                                           g_variant_dict_end (&dict)));
      /* What a first run left: the start of the right output. */
      ub_test_write_file (f->partial, f->expected, RUN_RESUME_OUT);
      g_unlink (f->output);

      reply = ub_job_run_sync (UB_DATA_JOB_RUN, g_steal_pointer (&params), NULL, NULL, NULL,
                               &error);
      if (reply != NULL)
        ub_test_assert_file_equals (f->output, f->expected, f->expected_len);
      else
        g_assert_false (g_file_test (f->output, G_FILE_TEST_EXISTS));
      ub_test_assert_file_equals (f->sentinel, "keep", 4);
    }
}

static void
check_data_record (GVariant *saved)
{
  g_autoptr(GVariant) resume = g_variant_lookup_value (saved, "resume", G_VARIANT_TYPE_VARDICT);
  g_autoptr(GVariant) identity = NULL;
  g_autoptr(UbDataJob) job = ub_data_job_new (UB_DATA_MODE_BASE64_DECODE);
  UbDataCheckpoint checkpoint = { .mode = UB_DATA_MODE_BASE64_DECODE, .wrap = 76 };
  UbDataIdentity parsed;
  const char *partial = "";

  if (resume == NULL)
    return;
  identity = g_variant_lookup_value (resume, "identity", G_VARIANT_TYPE (UB_DATA_IDENTITY_TYPE));
  if (identity != NULL && ub_data_identity_from_variant (identity, &parsed))
    g_assert_null (ub_data_identity_explain_change (&parsed, &parsed));

  g_variant_lookup (resume, "input-offset", "t", &checkpoint.input_offset);
  g_variant_lookup (resume, "output-offset", "t", &checkpoint.output_offset);
  g_variant_lookup (resume, "partial", "&s", &partial);
  /* A path from the record is never one a resume may touch. */
  if (ub_data_job_set_resume (job, &checkpoint, partial[0] ? partial : NULL, NULL))
    g_assert_true (partial[0] == '\0');

  check_data_run (resume);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  static char *types[4];

  /* The record's type from the primes job itself, not spelled here. */
  if (types[0] == NULL)
    {
      UbPrimesRecord blank = { 0 };
      g_autoptr(GVariant) record = ub_primes_record_to_variant (&blank);
      const char *record_type = g_variant_get_type_string (record);

      types[0] = g_strdup_printf ("(%st)", record_type);        /* a part's saved state */
      types[1] = g_strdup_printf ("(tta%s)", record_type);      /* the CLI's checkpoint */
      types[2] = g_strdup ("a{sv}");
      types[3] = g_strdup (UB_DATA_IDENTITY_TYPE);
    }

  for (guint t = 0; t < G_N_ELEMENTS (types); t++)
    {
      g_autoptr(GVariant) variant =
        g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE (types[t]), bytes, FALSE));
      UbDataIdentity identity;

      if (t == 0)
        {
          g_autoptr(GVariant) record = g_variant_get_child_value (variant, 0);

          check_record (record);
        }
      else if (t == 1)
        {
          g_autoptr(GVariant) parts = g_variant_get_child_value (variant, 2);

          for (gsize i = 0; i < MIN (g_variant_n_children (parts), 64); i++)
            {
              g_autoptr(GVariant) record = g_variant_get_child_value (parts, i);

              check_record (record);
            }
        }
      else if (t == 2)
        check_data_record (variant);
      else
        ub_data_identity_from_variant (variant, &identity);
    }
  return 0;
}

/* Valid serialised records of each kind. */
static G_GNUC_UNUSED GPtrArray *
ub_fuzz_checkpoint_seeds (void)
{
  GPtrArray *seeds = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  const char *texts[] = {
    "((@t 0, @t 999999, @t 999999, @t 78498, true), @t 0)",
    "(@t 0, @t 1999999, [(@t 0, @t 999999, @t 999999, @t 78498, true),"
    " (@t 1000000, @t 1999999, @t 1500000, @t 35657, false)])",
    "{'mode': <@u 1>, 'input': <'/tmp/in.b64'>, 'resume': <{'input-offset': <@t 4000>,"
    " 'output-offset': <@t 3000>, 'partial': <'/etc/passwd'>,"
    " 'identity': <(@t 2049, @t 12, @t 8000, @x 1700000000000000, @ay [], @ay [])>}>}",
  };

  RunFiles *f = get_run_files ();
  GVariantDict resume;
  GVariantDict record;
  const guint32 sha_state[8] = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GVariant) v = g_variant_ref_sink (g_variant_parse (NULL, texts[i], NULL, NULL, NULL));

      g_assert_nonnull (v);
      g_ptr_array_add (seeds, g_variant_get_data_as_bytes (v));
    }

  /* A record a resume accepts, naming the user's file as its partial
   * output: its mutations reach the checks on the offsets. */
  g_variant_dict_init (&resume, NULL);
  g_variant_dict_insert (&resume, "input-offset", "t", (guint64) 570);
  g_variant_dict_insert (&resume, "output-offset", "t", (guint64) RUN_RESUME_OUT);
  g_variant_dict_insert_value (&resume, "sha256-state",
                               g_variant_new_fixed_array (G_VARIANT_TYPE_UINT32, sha_state, 8,
                                                          sizeof (guint32)));
  g_variant_dict_insert (&resume, "partial", "s", f->sentinel);
  g_variant_dict_insert_value (&resume, "identity", ub_data_identity_to_variant (&f->identity));
  g_variant_dict_init (&record, NULL);
  g_variant_dict_insert (&record, "mode", "u", (guint32) UB_DATA_MODE_BASE64_ENCODE);
  g_variant_dict_insert (&record, "input", "s", f->input);
  g_variant_dict_insert_value (&record, "resume", g_variant_dict_end (&resume));
  {
    g_autoptr(GVariant) v = g_variant_ref_sink (g_variant_dict_end (&record));

    g_ptr_array_add (seeds, g_variant_get_data_as_bytes (v));
  }
  return seeds;
}

UB_FUZZ_DRIVER (ub_fuzz_checkpoint_seeds)
