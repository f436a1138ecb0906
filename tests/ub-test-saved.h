/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib/gstdio.h>

G_BEGIN_DECLS

/* What a prime count saves in the store, for the suites that resume one
 * (test-saved.c, test-primes-forged.c): a count over [0, 10⁶) in one part,
 * finished with a given count. */

#define UB_TEST_PI_1E6 G_GUINT64_CONSTANT (78498)   /* primes below 10⁶ */

/* The job's description ("primes.job"). */
static inline GVariant *
ub_test_primes_job_new (void)
{
  GVariantDict job;

  g_variant_dict_init (&job, NULL);
  g_variant_dict_insert (&job, "from", "t", (guint64) 0);
  g_variant_dict_insert (&job, "to", "t", (guint64) 999999);
  g_variant_dict_insert (&job, "list", "b", FALSE);
  g_variant_dict_insert (&job, "path", "s", "");
  g_variant_dict_insert (&job, "parts", "u", 1);
  return g_variant_dict_end (&job);
}

/* Its one part's state ("primes.part.0"), finished with @count. */
static inline GVariant *
ub_test_primes_part_new (guint64 count)
{
  return g_variant_new_parsed ("((@t 0, @t 999999, @t 999999, %t, true), @t 0)", count);
}

/* Copies the file @name of the folder @from into the folder @to (made if
 * missing): a record sealed elsewhere, put where a forger would. */
static inline void
ub_test_copy_saved (const char *from,
                    const char *to,
                    const char *name)
{
  g_autofree char *source = g_build_filename (from, name, NULL);
  g_autofree char *target = g_build_filename (to, name, NULL);
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_cmpint (g_mkdir_with_parents (to, 0700), ==, 0);
  g_assert_true (g_file_get_contents (source, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (target, contents, (gssize) len, NULL));
}

G_END_DECLS
