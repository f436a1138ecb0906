/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Streaming SHA-256 (FIPS 180-4).
 *
 * On x86-64 CPUs with the SHA extensions the compression function runs on
 * them (chosen once, at run time, with cpuid); elsewhere a portable C
 * version runs. Both give the same digests.
 *
 * A context is a plain struct the caller owns; one thread uses it at a
 * time. Its midstate can be saved at a block boundary and restored later
 * (ub_sha256_get_resume(), ub_sha256_init_at()) so a long hash can carry on
 * after a restart.
 */

#define UB_SHA256_DIGEST_SIZE 32
#define UB_SHA256_HEX_SIZE    65 /* 64 digits and a NUL */

typedef struct
{
  /*< private >*/
  guint32 state[8];
  guint64 length;     /* bytes hashed so far */
  guint8  block[64];  /* a partial block waiting for more input */
  guint   n_block;
  void  (*compress) (guint32 *state, const guint8 *blocks, gsize n_blocks);
} UbSha256;

void        ub_sha256_init           (UbSha256       *ctx);
void        ub_sha256_init_at        (UbSha256       *ctx,
                                      const guint32   state[8],
                                      guint64         length);
void        ub_sha256_update         (UbSha256       *ctx,
                                      const void     *data,
                                      gsize           len);
void        ub_sha256_finish         (UbSha256       *ctx,
                                      guint8          digest[UB_SHA256_DIGEST_SIZE]);
void        ub_sha256_get_resume     (const UbSha256 *ctx,
                                      guint32         state[8],
                                      guint64        *length);

void        ub_sha256_digest         (const void     *data,
                                      gsize           len,
                                      guint8          digest[UB_SHA256_DIGEST_SIZE]);
void        ub_sha256_to_hex         (const guint8    digest[UB_SHA256_DIGEST_SIZE],
                                      char            hex[UB_SHA256_HEX_SIZE]);

const char *ub_sha256_get_implementation (void);
void        ub_sha256_set_portable_only  (gboolean    portable_only);

G_END_DECLS
