/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * UbSeal: tells a file this installation of Unblock wrote from one it did
 * not. A seal is an HMAC-SHA-256 of the file's bytes under a key of 32
 * random bytes kept in the state folder, in a file of mode 0600
 * (UB_SEAL_KEY_FILE). A record that was edited, forged or copied from
 * elsewhere does not carry the right seal, so it is not trusted, however
 * plausible its contents.
 *
 * The key file is made atomically (a complete file is linked into place,
 * never replaced): two processes starting at once agree on one key. It is
 * checked when read: a regular file, not a link, owned by the user, of
 * mode 0600 or stricter and of exactly the key's size. One that fails is
 * moved aside as `seal.key.corrupt` and a new key made; everything sealed
 * with the old one is then no longer trusted, and ub_seal_take_incident()
 * says why, once.
 *
 * Threads: a UbSeal is immutable once made (its incident is taken
 * atomically), so any thread may use it.
 */

#define UB_SEAL_SIZE     32
#define UB_SEAL_KEY_FILE "seal.key"

typedef struct _UbSeal UbSeal;

UbSeal   *ub_seal_new_for_directory (const char    *dir,
                                     GError       **error);
UbSeal   *ub_seal_new_for_key       (const guint8  *key,
                                     gsize          key_len);
UbSeal   *ub_seal_dup_default       (GError       **error);
UbSeal   *ub_seal_ref               (UbSeal        *seal);
void      ub_seal_unref             (UbSeal        *seal);

void      ub_seal_sign              (UbSeal        *seal,
                                     const guint8  *data,
                                     gsize          len,
                                     guint8         tag[UB_SEAL_SIZE]);
gboolean  ub_seal_check             (UbSeal        *seal,
                                     const guint8  *data,
                                     gsize          len,
                                     const guint8  *tag);
char     *ub_seal_take_incident     (UbSeal        *seal);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UbSeal, ub_seal_unref)

G_END_DECLS
