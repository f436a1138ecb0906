/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdio.h>

#include <gio/gio.h>

#include "ub-png.h"

G_BEGIN_DECLS

FILE    *ub_png_open_file  (const char    *path,
                            GError       **error);
gboolean ub_png_check_file (const char    *path,
                            GCancellable  *cancellable,
                            guint         *n_chunks,
                            GError       **error);

G_END_DECLS
