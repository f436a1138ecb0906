/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ub-seal.h"
#include "ub-store.h"

G_BEGIN_DECLS

/* Shared between ub-store.c (the object) and ub-store-file.c (the file
 * format), nowhere else. */

gboolean  _ub_store_check_key           (const char  *key,
                                         GError     **error);
GBytes   *_ub_store_encode              (UbSeal      *seal,
                                         const char  *key,
                                         GVariant    *value,
                                         GError     **error);
GVariant *_ub_store_decode              (UbSeal      *seal,
                                         GBytes      *bytes,
                                         const char  *key,
                                         GError     **error);
GBytes   *_ub_store_read_regular_file   (const char  *path,
                                         GError     **error);
gboolean  _ub_store_write_atomically    (const char  *path,
                                         GBytes      *contents,
                                         GError     **error);
void      _ub_store_path_error          (GError     **error,
                                         int          saved_errno,
                                         const char  *what,
                                         const char  *path);

/* For tests: @hook runs before the store reads each of its files, on the
 * thread that reads them (one that may block, to show which thread waits
 * for a slow disk). NULL removes it. */
typedef void (*UbStoreReadHook) (const char *path,
                                 gpointer    user_data);

void      _ub_store_set_read_hook       (UbStoreReadHook  hook,
                                         gpointer         user_data);

G_END_DECLS
