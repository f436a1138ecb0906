/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Version of the on-disk format written by this build (see ub-store.c). */
#define UB_STORE_FORMAT_VERSION 2

/* Largest value the store accepts, and largest file it reads back. */
#define UB_STORE_MAX_SIZE (64 * 1024 * 1024)

/* Largest key, in bytes. */
#define UB_STORE_MAX_KEY_LENGTH 128

#define UB_TYPE_STORE (ub_store_get_type ())

G_DECLARE_FINAL_TYPE (UbStore, ub_store, UB, STORE, GObject)

UbStore   *ub_store_get_default            (void);
UbStore   *ub_store_new_for_directory      (const char  *path,
                                            GError     **error);
char      *ub_store_dup_default_path       (void);

const char *ub_store_get_path              (UbStore     *self);

gboolean   ub_store_set                    (UbStore     *self,
                                            const char  *key,
                                            GVariant    *value,
                                            GError     **error);
GVariant  *ub_store_dup                    (UbStore     *self,
                                            const char  *key);
gboolean   ub_store_remove                 (UbStore     *self,
                                            const char  *key,
                                            GError     **error);
char     **ub_store_list_keys              (UbStore     *self,
                                            const char  *prefix);
char      *ub_store_take_recovery_message  (UbStore     *self);

gboolean   ub_store_key_is_valid           (const char  *key);

/* One value in a file of its own, in the store's format. */
gboolean   ub_store_write_file             (const char  *path,
                                            const char  *key,
                                            GVariant    *value,
                                            GError     **error);
GVariant  *ub_store_read_file              (const char  *path,
                                            const char  *key,
                                            GError     **error);
gboolean   ub_store_remove_file            (const char  *path,
                                            GError     **error);

G_END_DECLS
