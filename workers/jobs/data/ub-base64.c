/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "ub-base64.h"
#include "ub-base64-private.h"
#include "ub-error.h"

/*
 * Speed comes from wide tables rather than from SIMD:
 *  - encoding maps 12 bits to two characters at once (4096 × 2 bytes, fits
 *    in L1), six input bytes per 64-bit load;
 *  - decoding has one table per position in the quantum, each giving the
 *    sextet already shifted into place, so a quantum is four loads and three
 *    ORs; a byte outside the alphabet (whitespace and '=' included) sets the
 *    top byte, and one test per eight characters sends the rare group that
 *    has one to the careful per-character path.
 * On x86-64 CPUs with AVX2 both directions first take 24 bytes / 32
 * characters per step in vector registers (chosen once at run time); the
 * table code does what is left and every case the vector code declines:
 * a block holding whitespace, padding or a bad byte goes to the scalar
 * path, so errors and their offsets come from one place.
 * The tables are built once, on first use, and only read afterwards.
 *
 * This file holds the tables and the one-shot helpers; the streaming
 * coders are in ub-base64-encoder.c and ub-base64-decoder.c.
 */

const char _ub_base64_alphabet[64] =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

guint16  _ub_base64_enc_pairs[4096];
guint32  _ub_base64_dec_tables[4][256];
guint8   _ub_base64_dec_class[256];
gboolean _ub_base64_cpu_has_avx2;
gint     _ub_base64_portable_only = 0;

void
_ub_base64_init_tables (void)
{
  static gsize ready = 0;

  if (!g_once_init_enter (&ready))
    return;

  for (guint i = 0; i < 4096; i++)
    {
      char pair[2] = { _ub_base64_alphabet[i >> 6], _ub_base64_alphabet[i & 63] };

      memcpy (&_ub_base64_enc_pairs[i], pair, 2);
    }

  for (guint c = 0; c < 256; c++)
    {
      for (guint k = 0; k < 4; k++)
        _ub_base64_dec_tables[k][c] = DEC_INVALID;
      _ub_base64_dec_class[c] = CLASS_BAD;
    }
  for (guint s = 0; s < 64; s++)
    {
      guint8 c = (guint8) _ub_base64_alphabet[s];

      for (guint k = 0; k < 4; k++)
        _ub_base64_dec_tables[k][c] = (guint32) s << (18 - 6 * k);
      _ub_base64_dec_class[c] = (guint8) s;
    }
  _ub_base64_dec_class[' '] = CLASS_SPACE;
  _ub_base64_dec_class['\t'] = CLASS_SPACE;
  _ub_base64_dec_class['\r'] = CLASS_SPACE;
  _ub_base64_dec_class['\n'] = CLASS_SPACE;
  _ub_base64_dec_class['='] = CLASS_PAD;

#ifdef UB_BASE64_HAVE_AVX2
  __builtin_cpu_init ();
  _ub_base64_cpu_has_avx2 = __builtin_cpu_supports ("avx2");
#endif

  g_once_init_leave (&ready, 1);
}

/**
 * ub_base64_get_implementation:
 *
 * Returns: (transfer none): "avx2" or "scalar": the code the coders run
 */
const char *
ub_base64_get_implementation (void)
{
  _ub_base64_init_tables ();
  return _ub_base64_use_avx2 () ? "avx2" : "scalar";
}

/**
 * ub_base64_set_portable_only:
 * @only: %TRUE to run the scalar code even where AVX2 is available
 *
 * For tests and benchmarks: compares the two paths on one CPU.
 */
void
ub_base64_set_portable_only (gboolean only)
{
  g_atomic_int_set (&_ub_base64_portable_only, only ? 1 : 0);
}

/* ------------------------------------------------------------------ */
/* One-shot helpers                                                   */

/**
 * ub_base64_encode:
 * @data: (array length=len) (nullable): bytes to encode
 * @len: how many
 * @wrap: characters per line, 0 for none
 * @out_len: (out) (optional): length of the result, without its NUL
 *
 * Returns: (transfer full): the encoding, NUL-terminated
 */
char *
ub_base64_encode (const guint8 *data,
                  gsize         len,
                  guint         wrap,
                  gsize        *out_len)
{
  UbBase64Encoder encoder;
  char *out;
  gsize n;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  ub_base64_encoder_init (&encoder, wrap);
  out = g_malloc (ub_base64_encoder_bound (&encoder, len) + 1);
  n = ub_base64_encoder_update (&encoder, data, len, out);
  n += ub_base64_encoder_finish (&encoder, out + n);
  out[n] = '\0';
  if (out_len != NULL)
    *out_len = n;
  return out;
}

/**
 * ub_base64_decode:
 * @text: (array length=len) (nullable): base64 text
 * @len: its length in bytes
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the decoded bytes, or %NULL with
 *   @error set if @text is not valid base64
 */
GBytes *
ub_base64_decode (const char *text,
                  gsize       len,
                  GError    **error)
{
  UbBase64Decoder decoder;
  g_autofree guint8 *out = NULL;
  gsize n = 0;

  g_return_val_if_fail (text != NULL || len == 0, NULL);

  ub_base64_decoder_init (&decoder);
  out = g_malloc (ub_base64_decoder_bound (len));
  if (!ub_base64_decoder_update (&decoder, text, len, out, &n, error) ||
      !ub_base64_decoder_finish (&decoder, error))
    return NULL;

  return g_bytes_new_take (g_steal_pointer (&out), n);
}
