/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

void ub_about_present (GtkWindow *parent,
                       gboolean   blocking);

G_END_DECLS
