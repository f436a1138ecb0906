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

G_END_DECLS
