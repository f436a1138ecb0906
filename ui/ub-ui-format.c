/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "ub-ui-format.h"

/**
 * ub_format_rate:
 * @per_second: a rate
 * @unit: what is counted, e.g. "numbers/s" or "B/s"
 *
 * Returns: (transfer full): e.g. "1.23 G numbers/s" or "361 MB/s"
 */
char *
ub_format_rate (double      per_second,
                const char *unit)
{
  static const char *prefixes[] = { "", "k", "M", "G", "T", "P", "E" };
  guint i = 0;

  if (!(per_second > 0) || !isfinite (per_second))
    return g_strdup_printf ("— %s", unit);

  while (per_second >= 1000.0 && i + 1 < G_N_ELEMENTS (prefixes))
    {
      per_second /= 1000.0;
      i++;
    }

  /* "361 MB/s" but "7.49 G numbers/s": a prefix joins a unit symbol. */
  return g_strdup_printf (per_second < 10 ? "%.2f %s%s%s" : "%.1f %s%s%s",
                          per_second, prefixes[i],
                          *prefixes[i] && g_ascii_islower (unit[0]) ? " " : "", unit);
}

/**
 * ub_format_duration:
 *
 * Returns: (transfer full): e.g. "0.84 s", "42 s", "3:05", "2:03:05"
 */
char *
ub_format_duration (double seconds)
{
  guint64 whole;

  if (!(seconds >= 0) || !isfinite (seconds))
    return g_strdup ("—");
  if (seconds < 10)
    return g_strdup_printf ("%.2f s", seconds);
  if (seconds < 60)
    return g_strdup_printf ("%.0f s", seconds);

  whole = (guint64) (seconds + 0.5);
  if (whole < 3600)
    return g_strdup_printf ("%" G_GUINT64_FORMAT ":%02u", whole / 60, (guint) (whole % 60));
  return g_strdup_printf ("%" G_GUINT64_FORMAT ":%02u:%02u", whole / 3600,
                          (guint) (whole / 60 % 60), (guint) (whole % 60));
}

/**
 * ub_format_bytes:
 *
 * Returns: (transfer full): e.g. "512 MiB"
 */
char *
ub_format_bytes (guint64 bytes)
{
  return g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
}
