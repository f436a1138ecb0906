/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * UbDataIdentity:
 * @device: st_dev of the input
 * @inode: st_ino
 * @size: its size in bytes
 * @mtime_usec: its modification time, in microseconds since the epoch
 * @head: SHA-256 of its first MiB (or all of it, if smaller)
 * @tail: SHA-256 of its last MiB
 * @has_hashes: whether @head and @tail were computed
 *
 * What a checkpoint records of the file it was made for, so that resuming
 * can tell that file from an older or newer version of it, or from another
 * file put in its place.
 */
typedef struct
{
  guint64  device;
  guint64  inode;
  guint64  size;
  gint64   mtime_usec;
  guint8   head[32];
  guint8   tail[32];
  gboolean has_hashes;
} UbDataIdentity;

#define UB_DATA_IDENTITY_TYPE "(tttxayay)"

gboolean  ub_data_identity_read          (const char            *path,
                                          gboolean               with_hashes,
                                          UbDataIdentity        *identity,
                                          GError               **error);
GVariant *ub_data_identity_to_variant    (const UbDataIdentity  *identity);
gboolean  ub_data_identity_from_variant  (GVariant              *variant,
                                          UbDataIdentity        *identity);
char     *ub_data_identity_explain_change (const UbDataIdentity *saved,
                                           const UbDataIdentity *now);
GVariant *ub_data_identity_dup_output    (const char            *path);
char     *ub_data_identity_explain_output_change (GVariant    *saved,
                                                  const char  *path);

G_END_DECLS
