/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdint.h>
#include <stdio.h>

#include "ub-data-identity.h"
#include "ub-data-job.h"
#include "ub-fuzz-driver.h"
#include "ub-primes.h"

/*
 * Fuzz target for the checkpoints' GVariants, as they come back from
 * disk: every input is read as a primes part record, a CLI checkpoint, a
 * data job's saved record and an input identity, and each goes through
 * the checks that resuming applies. Whatever the bytes, a check accepts
 * or refuses; an accepted record is self-consistent.
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

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GVariant) v = g_variant_ref_sink (g_variant_parse (NULL, texts[i], NULL, NULL, NULL));

      g_assert_nonnull (v);
      g_ptr_array_add (seeds, g_variant_get_data_as_bytes (v));
    }
  return seeds;
}

UB_FUZZ_DRIVER (ub_fuzz_checkpoint_seeds)
