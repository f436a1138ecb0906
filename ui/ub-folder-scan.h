/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * UbFolderScanBatchFunc:
 * @paths: (element-type filename) (transfer none): the next paths, in name
 *   order, following those of the batches before
 * @user_data: the scan's user data
 *
 * Called on the scan's main context as the listing goes on, before its
 * callback, never after the scan was cancelled.
 */
typedef void (*UbFolderScanBatchFunc) (GPtrArray *paths,
                                       gpointer   user_data);

void       ub_folder_scan_pngs_async  (const char           *folder,
                                       GCancellable         *cancellable,
                                       UbFolderScanBatchFunc batch_func,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
GPtrArray *ub_folder_scan_pngs_finish (GAsyncResult         *result,
                                       GError              **error);

G_END_DECLS
