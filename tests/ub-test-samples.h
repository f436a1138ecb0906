/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ub-job.h"
#include "ub-png-jobs.h"

G_BEGIN_DECLS

/* Sample images for the tests of what reads PNG files, made by the sample
 * job the app uses (so the jobs must be registered first). */

/* Writes @n images of @size × @size, PREFIX-00.png, PREFIX-01.png …, into
 * @dir, from the seeds @first_seed, @first_seed + 1 … Returns their paths,
 * %NULL-terminated. */
static inline GStrv
ub_test_write_samples (const char *dir,
                       const char *prefix,
                       guint       n,
                       guint       size,
                       guint64     first_seed)
{
  GStrv paths = g_new0 (char *, n + 1);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s-%02u.png", prefix, i);
      g_autoptr(GVariant) reply = NULL;
      g_autoptr(GError) error = NULL;

      paths[i] = g_build_filename (dir, name, NULL);
      reply = ub_job_run_sync (UB_PNG_JOB_SAMPLE,
                               ub_png_sample_params_new (paths[i], size, size, first_seed + i),
                               NULL, NULL, NULL, &error);
      g_assert_no_error (error);
    }
  return paths;
}

G_END_DECLS
