/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean ub_number_parse_u64  (const char  *text,
                               guint64     *value,
                               GError     **error);
char    *ub_number_format_u64 (guint64      value);

G_END_DECLS
