/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Helpers shared by the benchmarks. A benchmark runs the project and its
 * anchor in the same process run, interleaved over several rounds after a
 * warm-up, and reports the median of per-round ratios: on a shared, noisy
 * machine a ratio within one run is trustworthy, an absolute time is not.
 */

typedef int (*UbBenchFunc) (int argc, char **argv);

typedef struct
{
  const char  *name;
  const char  *summary;
  UbBenchFunc  run;
} UbBenchCommand;

double ub_bench_now           (void);
double ub_bench_cpu_now       (void);
double ub_bench_median        (double      *values,
                               guint        n_values);
double ub_bench_percentile    (double      *values,
                               guint        n_values,
                               double       percentile);
gsize  ub_bench_peak_rss_kib  (void);
guint  ub_bench_rounds        (guint        default_rounds);
void   ub_bench_header        (const char  *title);

G_END_DECLS
