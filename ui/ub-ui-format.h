/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *ub_format_rate     (double per_second,
                          const char *unit);
char *ub_format_duration (double seconds);
char *ub_format_bytes    (guint64 bytes);

G_END_DECLS
