/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the base64 encoder, decoder and their tables share. Not installed;
 * not part of the public API. */

#include <glib.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
# define UB_BASE64_HAVE_AVX2 1
# include <immintrin.h>
#endif

G_BEGIN_DECLS

#define DEC_INVALID 0xff000000u

/* Classes of a byte for the per-character path. */
enum
{
  CLASS_SPACE = 64,
  CLASS_PAD = 65,
  CLASS_BAD = 66,
};

/* Written once by _ub_base64_init_tables() under g_once, read-only
 * afterwards, from any thread. Hidden, so that the hot loops reach them
 * without going through the GOT. */
G_GNUC_INTERNAL extern const char _ub_base64_alphabet[64];
G_GNUC_INTERNAL extern guint16    _ub_base64_enc_pairs[4096];
G_GNUC_INTERNAL extern guint32    _ub_base64_dec_tables[4][256];
G_GNUC_INTERNAL extern guint8     _ub_base64_dec_class[256];
G_GNUC_INTERNAL extern gboolean   _ub_base64_cpu_has_avx2;

/* Set by tests and benchmarks to measure the scalar path; atomic. */
G_GNUC_INTERNAL extern gint       _ub_base64_portable_only;

G_GNUC_INTERNAL void _ub_base64_init_tables (void);

static inline gboolean
_ub_base64_use_avx2 (void)
{
  return _ub_base64_cpu_has_avx2 && !g_atomic_int_get (&_ub_base64_portable_only);
}

#ifdef UB_BASE64_HAVE_AVX2
/* Both lanes of a 256-bit register hold the same 16 bytes. */
# define LANES(...) _mm256_setr_epi8 (__VA_ARGS__, __VA_ARGS__)
#endif

G_END_DECLS
