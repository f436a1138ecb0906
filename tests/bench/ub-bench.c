/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "ub-bench.h"

double
ub_bench_now (void)
{
  return g_get_monotonic_time () / 1e6;
}

/* CPU time of the whole process (every thread, user and system), in
 * seconds: unlike a wall time, it leaves out the time other programs on a
 * shared machine ran instead of this one. */
double
ub_bench_cpu_now (void)
{
  struct timespec ts;

  if (clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
    return 0.0;
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Nearest-rank percentile; sorts @values in place. */
double
ub_bench_percentile (double *values,
                     guint   n_values,
                     double  percentile)
{
  guint rank;

  g_return_val_if_fail (values != NULL || n_values == 0, 0.0);

  if (n_values == 0)
    return 0.0;

  qsort (values, n_values, sizeof *values, compare_doubles);
  rank = (guint) (percentile / 100.0 * n_values + 0.999999);
  rank = CLAMP (rank, 1, n_values);

  return values[rank - 1];
}

double
ub_bench_median (double *values,
                 guint   n_values)
{
  g_return_val_if_fail (values != NULL || n_values == 0, 0.0);

  if (n_values == 0)
    return 0.0;

  qsort (values, n_values, sizeof *values, compare_doubles);
  if (n_values % 2)
    return values[n_values / 2];
  return (values[n_values / 2 - 1] + values[n_values / 2]) / 2.0;
}

/* Peak resident set size of this process, in KiB (Linux: ru_maxrss). */
gsize
ub_bench_peak_rss_kib (void)
{
  struct rusage usage;

  if (getrusage (RUSAGE_SELF, &usage) != 0)
    return 0;
  return (gsize) usage.ru_maxrss;
}

/* UB_BENCH_ROUNDS overrides the number of measured rounds. */
guint
ub_bench_rounds (guint default_rounds)
{
  const char *env = g_getenv ("UB_BENCH_ROUNDS");
  guint64 value;

  if (env != NULL && g_ascii_string_to_unsigned (env, 10, 1, 1000, &value, NULL))
    return (guint) value;
  return default_rounds;
}

void
ub_bench_header (const char *title)
{
  printf ("\n== %s ==\n", title);
  fflush (stdout);
}
