/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void       ub_folder_scan_pngs_async  (const char           *folder,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
GPtrArray *ub_folder_scan_pngs_finish (GAsyncResult         *result,
                                       GError              **error);

G_END_DECLS
