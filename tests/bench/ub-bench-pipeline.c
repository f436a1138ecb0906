/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <time.h>

#include "ub-bench-commands.h"
#include "ub-job.h"
#include "ub-jobs.h"
#include "ub-pipeline.h"
#include "ub-png-jobs.h"
#include "ub-runtime.h"

/*
 * pipeline: N PNG files decoded and downscaled by a decoder worker and a
 * scaler worker linked by a transferred channel, against the very same
 * decode+scale done inside one worker. Both pipelines stay up for the
 * whole run and take turns (A B A B …) after a warm-up.
 */

typedef struct
{
  const char  *name;
  UbPipeline  *pipeline;
  double      *seconds;   /* per round, wall time */
  double      *cpu;       /* per round, CPU time of the whole process */
} Case;

/* User + system time of every thread of the process. */
static double
process_cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double
run_once (UbPipeline *pipeline,
          GPtrArray  *paths,
          double     *cpu)
{
  UbPipelineStats stats;
  double start = ub_bench_now ();
  double cpu_start = process_cpu_seconds ();

  ub_pipeline_new_run (pipeline);
  for (guint i = 0; i < paths->len; i++)
    ub_pipeline_push (pipeline, g_ptr_array_index (paths, i));
  while (!ub_pipeline_is_idle (pipeline))
    g_main_context_iteration (NULL, TRUE);

  ub_pipeline_get_stats (pipeline, &stats);
  if (stats.n_errors > 0)
    g_error ("%u images failed", stats.n_errors);
  if (cpu != NULL)
    *cpu = process_cpu_seconds () - cpu_start;
  return ub_bench_now () - start;
}

int
ub_bench_pipeline (int    argc,
                   char **argv)
{
  int n_images = 24, size = 1024, max_size = 96;
  GOptionEntry entries[] = {
    { "images", 'n', 0, G_OPTION_ARG_INT, &n_images, "How many images (24)", "N" },
    { "size", 's', 0, G_OPTION_ARG_INT, &size, "Their width and height (1024)", "PX" },
    { "max-size", 'm', 0, G_OPTION_ARG_INT, &max_size, "Largest side of a result (96)", "PX" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- decoder → scaler vs one worker");
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree double *ratios = NULL;
  g_autofree double *cpu_ratios = NULL;
  g_autofree char *dir = NULL;
  guint rounds = ub_bench_rounds (7);
  Case cases[2] = {
    { "two workers", NULL, NULL, NULL },
    { "one worker", NULL, NULL, NULL },
  };
  double megapixels;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      n_images < 1 || size < 1 || max_size < 1)
    {
      fprintf (stderr, "unblock-bench pipeline: %s\n",
               error != NULL ? error->message : "sizes and counts must be positive");
      return 2;
    }

  ub_jobs_register_all ();
  dir = g_dir_make_tmp ("unblock-bench-pipeline-XXXXXX", &error);
  if (dir == NULL)
    {
      fprintf (stderr, "unblock-bench pipeline: %s\n", error->message);
      return 1;
    }

  for (int i = 0; i < n_images; i++)
    {
      g_autofree char *name = g_strdup_printf ("sample-%02d.png", i);
      char *path = g_build_filename (dir, name, NULL);
      g_autoptr(GVariant) reply = NULL;

      g_ptr_array_add (paths, path);
      reply = ub_job_run_sync (UB_PNG_JOB_SAMPLE,
                               ub_png_sample_params_new (path, (guint32) size, (guint32) size,
                                                         (guint64) i + 1),
                               NULL, NULL, NULL, &error);
      if (reply == NULL)
        {
          fprintf (stderr, "unblock-bench pipeline: %s: %s\n", path, error->message);
          return 1;
        }
    }

  cases[0].pipeline = ub_pipeline_new (UB_PIPELINE_TWO_WORKERS, max_size, NULL, &error);
  if (cases[0].pipeline != NULL)
    cases[1].pipeline = ub_pipeline_new (UB_PIPELINE_ONE_WORKER, max_size, NULL, &error);
  if (cases[1].pipeline == NULL)
    {
      fprintf (stderr, "unblock-bench pipeline: %s\n", error->message);
      g_clear_object (&cases[0].pipeline);
      return 1;
    }

  ub_bench_header ("pipeline: decoder → scaler workers vs decode+scale in one worker");
  printf ("%d PNG images of %d × %d (photo-like samples), results ≤ %d px, %u rounds after "
          "a warm-up, %u CPUs\n", n_images, size, size, max_size, rounds,
          g_get_num_processors ());

  /* Warm-up: page in the pools' buffers on both sides. */
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    run_once (cases[c].pipeline, paths, NULL);

  ratios = g_new (double, rounds);
  cpu_ratios = g_new (double, rounds);
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      cases[c].seconds = g_new (double, rounds);
      cases[c].cpu = g_new (double, rounds);
    }

  printf ("\n%-7s %15s %15s %9s %15s %15s %9s\n", "round", "two workers s", "one worker s",
          "ratio", "two CPU s", "one CPU s", "CPU ratio");
  for (guint r = 0; r < rounds; r++)
    {
      /* Alternate which goes first, so neither always runs on a warm cache. */
      for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
        {
          guint c = (r % 2 == 0) ? k : G_N_ELEMENTS (cases) - 1 - k;

          cases[c].seconds[r] = run_once (cases[c].pipeline, paths, &cases[c].cpu[r]);
        }
      ratios[r] = cases[1].seconds[r] / cases[0].seconds[r];
      cpu_ratios[r] = cases[1].cpu[r] / cases[0].cpu[r];
      printf ("%-7u %15.3f %15.3f %8.2f× %15.3f %15.3f %8.2f×\n", r + 1, cases[0].seconds[r],
              cases[1].seconds[r], ratios[r], cases[0].cpu[r], cases[1].cpu[r], cpu_ratios[r]);
    }

  megapixels = (double) n_images * size * size / 1e6;
  printf ("\n%-20s %10s %10s %10s %14s\n", "median", "images/s", "Mpx/s", "ms/image",
          "CPU ms/image");
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      double s = ub_bench_median (cases[c].seconds, rounds);
      double cpu = ub_bench_median (cases[c].cpu, rounds);

      printf ("%-20s %10.1f %10.1f %10.2f %14.2f\n", cases[c].name, n_images / s,
              megapixels / s, 1000.0 * s / n_images, 1000.0 * cpu / n_images);
    }
  printf ("\nthroughput ratio (two workers / one worker), median of per-round ratios: "
          "%.2f× [%.2f–%.2f]\n", ub_bench_median (ratios, rounds),
          ub_bench_percentile (ratios, rounds, 0), ub_bench_percentile (ratios, rounds, 100));
  printf ("target: ≥ 0.90× (within 10%% of one worker)\n");
  printf ("CPU-time ratio (one worker / two workers: < 1 is what the hand-over costs): "
          "%.2f× [%.2f–%.2f]\n", ub_bench_median (cpu_ratios, rounds),
          ub_bench_percentile (cpu_ratios, rounds, 0), ub_bench_percentile (cpu_ratios, rounds, 100));

  {
    UbPipelineStats stats;
    g_autofree char *owner = NULL, *between = NULL;

    ub_pipeline_get_stats (cases[0].pipeline, &stats);
    owner = g_format_size (stats.owner_bytes);
    between = g_format_size (stats.between_bytes);
    printf ("decoder → scaler, whole run: %s through the owner's thread (%" G_GUINT64_FORMAT
            " messages), %s between the workers (%.3f %% via the owner)\n",
            owner, stats.owner_messages, between,
            100.0 * stats.owner_bytes / (stats.owner_bytes + stats.between_bytes));
  }

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_clear_object (&cases[c].pipeline);
      g_free (cases[c].seconds);
      g_free (cases[c].cpu);
    }
  ub_runtime_wait_for_threads (10 * G_USEC_PER_SEC);
  for (guint i = 0; i < paths->len; i++)
    g_unlink (g_ptr_array_index (paths, i));
  g_rmdir (dir);
  return 0;
}
