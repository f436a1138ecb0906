/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "ub-base64.h"
#include "ub-base64-private.h"
#include "ub-error.h"

#ifdef UB_BASE64_HAVE_AVX2

/*
 * Decodes 32 characters per step into 24 bytes while a block holds only
 * alphabet characters; returns the characters used (a multiple of 32) and
 * advances *@out. A byte is valid when the bit its high nibble selects is
 * clear in the mask its low nibble selects; the sextet is the byte plus an
 * offset chosen by its high nibble ('/' shares a nibble with '+', so it is
 * moved to an index of its own). Two multiply-adds pack four sextets into
 * three bytes. Writes exactly the bytes it decodes.
 */
__attribute__ ((target ("avx2")))
static gsize
decode_avx2 (const guint8  *in,
             gsize          len,
             guint8       **out)
{
  const __m256i bad_by_lo = LANES (0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
                                   0x11, 0x11, 0x13, 0x1a, 0x1b, 0x1b, 0x1b, 0x1a);
  const __m256i bad_by_hi = LANES (0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08,
                                   0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10);
  const __m256i shift_by_hi = LANES (0, 63 - '/', 62 - '+', 52 - '0', -'A', -'A', 26 - 'a', 26 - 'a',
                                     0, 0, 0, 0, 0, 0, 0, 0);
  const __m256i nibble = _mm256_set1_epi8 (0x0f);
  const __m256i slash = _mm256_set1_epi8 ('/');
  const __m256i merge_pairs = _mm256_set1_epi32 (0x01400140);
  const __m256i merge_quads = _mm256_set1_epi32 (0x00011000);
  const __m256i gather = LANES (2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
  const __m256i close_gap = _mm256_setr_epi32 (0, 1, 2, 4, 5, 6, 3, 7);
  guint8 *o = *out;
  gsize i = 0;

  for (; i + 32 <= len; i += 32, o += 24)
    {
      __m256i v = _mm256_loadu_si256 ((const __m256i *) (in + i));
      __m256i hi = _mm256_and_si256 (_mm256_srli_epi32 (v, 4), nibble);
      __m256i lo = _mm256_and_si256 (v, nibble);
      __m256i bad = _mm256_and_si256 (_mm256_shuffle_epi8 (bad_by_lo, lo),
                                      _mm256_shuffle_epi8 (bad_by_hi, hi));
      __m256i shift, w;

      if (!_mm256_testz_si256 (bad, bad))
        break;

      shift = _mm256_shuffle_epi8 (shift_by_hi, _mm256_add_epi8 (_mm256_cmpeq_epi8 (v, slash), hi));
      w = _mm256_add_epi8 (v, shift);
      w = _mm256_maddubs_epi16 (w, merge_pairs);
      w = _mm256_madd_epi16 (w, merge_quads);
      w = _mm256_shuffle_epi8 (w, gather);
      w = _mm256_permutevar8x32_epi32 (w, close_gap);
      _mm_storeu_si128 ((__m128i *) o, _mm256_castsi256_si128 (w));
      _mm_storel_epi64 ((__m128i *) (o + 16), _mm256_extracti128_si256 (w, 1));
    }

  *out = o;
  return i;
}

#endif /* UB_BASE64_HAVE_AVX2 */

/* ------------------------------------------------------------------ */
/* Decoding                                                           */

/**
 * ub_base64_decoder_init:
 * @decoder: a decoder to set up
 *
 * Prepares @decoder for a new stream.
 */
void
ub_base64_decoder_init (UbBase64Decoder *decoder)
{
  g_return_if_fail (decoder != NULL);

  _ub_base64_init_tables ();
  memset (decoder, 0, sizeof *decoder);
}

/**
 * ub_base64_decoder_init_at:
 * @decoder: a decoder to set up
 * @input_offset: stream offset of the first byte the decoder will see
 * @output_offset: output bytes produced before that point
 *
 * Prepares @decoder to continue a stream from a point given by
 * ub_base64_decoder_get_resume(); offsets in errors stay stream offsets.
 */
void
ub_base64_decoder_init_at (UbBase64Decoder *decoder,
                           guint64          input_offset,
                           guint64          output_offset)
{
  g_return_if_fail (decoder != NULL);

  ub_base64_decoder_init (decoder);
  decoder->offset = input_offset;
  decoder->quantum_offset = input_offset;
  decoder->total_out = output_offset;
}

/**
 * ub_base64_decoder_bound:
 * @in_len: bytes about to be passed to ub_base64_decoder_update()
 *
 * Returns: the size the output buffer of that update needs
 */
gsize
ub_base64_decoder_bound (gsize in_len)
{
  return (in_len / 4 + 1) * 3 + 8;
}

static gboolean
decoder_fail (UbBase64Decoder *decoder,
              guint64          offset,
              GError         **error,
              const char      *format,
              ...) G_GNUC_PRINTF (4, 5);

static gboolean
decoder_fail (UbBase64Decoder *decoder,
              guint64          offset,
              GError         **error,
              const char      *format,
              ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  decoder->error_offset = offset;
  g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
               _("%s at byte offset %llu"), what, (unsigned long long) offset);
  return FALSE;
}

/* Decodes whole quanta from @in while none holds a byte outside the
 * alphabet; returns how many characters it used (a multiple of 4) and
 * advances *@out. Needs one spare byte after the output. */
static gsize
decode_run (const guint8 *in,
            gsize         len,
            guint8      **out)
{
  const guint32 *d0 = _ub_base64_dec_tables[0], *d1 = _ub_base64_dec_tables[1];
  const guint32 *d2 = _ub_base64_dec_tables[2], *d3 = _ub_base64_dec_tables[3];
  guint8 *o = *out;
  gsize i = 0;

#ifdef UB_BASE64_HAVE_AVX2
  if (_ub_base64_use_avx2 ())
    i = decode_avx2 (in, len, &o);
#endif

  for (; i + 8 <= len; i += 8, o += 6)
    {
      guint32 x = d0[in[i]] | d1[in[i + 1]] | d2[in[i + 2]] | d3[in[i + 3]];
      guint32 y = d0[in[i + 4]] | d1[in[i + 5]] | d2[in[i + 6]] | d3[in[i + 7]];

      if (G_UNLIKELY ((x | y) & DEC_INVALID))
        break;
      x = GUINT32_TO_BE (x << 8);
      y = GUINT32_TO_BE (y << 8);
      memcpy (o, &x, 4);
      memcpy (o + 3, &y, 4);
    }

  for (; i + 4 <= len; i += 4, o += 3)
    {
      guint32 x = d0[in[i]] | d1[in[i + 1]] | d2[in[i + 2]] | d3[in[i + 3]];

      if (x & DEC_INVALID)
        break;
      x = GUINT32_TO_BE (x << 8);
      memcpy (o, &x, 4);
    }

  *out = o;
  return i;
}

/**
 * ub_base64_decoder_update:
 * @decoder: a decoder
 * @in: (array length=in_len): the next input characters
 * @in_len: how many
 * @out: where the bytes go; ub_base64_decoder_bound() bytes at least
 * @out_len: (out): the number of bytes written to @out
 * @error: return location for a #GError
 *
 * Decodes the next part of the stream. On failure
 * ub_base64_decoder_get_error_offset() gives the offset of the bad byte, and
 * the decoder must not be used further.
 *
 * Returns: %TRUE on success, %FALSE if the input is not valid base64
 */
gboolean
ub_base64_decoder_update (UbBase64Decoder *decoder,
                          const char      *in,
                          gsize            in_len,
                          guint8          *out,
                          gsize           *out_len,
                          GError         **error)
{
  const guint8 *src = (const guint8 *) in;
  guint8 *o = out;
  gsize i = 0;
  gboolean ok = TRUE;

  g_return_val_if_fail (decoder != NULL, FALSE);
  g_return_val_if_fail (in != NULL || in_len == 0, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (out_len != NULL, FALSE);

  while (i < in_len)
    {
      guint8 c;
      guint cls;
      guint64 at;

      if (decoder->n_quantum == 0 && decoder->n_pad == 0 && !decoder->done)
        {
          i += decode_run (src + i, in_len - i, &o);
          if (i == in_len)
            break;
        }

      c = src[i];
      cls = _ub_base64_dec_class[c];
      at = decoder->offset + i;
      i++;

      if (cls == CLASS_SPACE)
        continue;

      if (decoder->done)
        {
          ok = decoder_fail (decoder, at, error, _("data after the padding"));
          break;
        }

      if (decoder->n_pad > 0)
        {
          /* "xx=" must be followed by a second '='. */
          if (cls != CLASS_PAD)
            {
              ok = decoder_fail (decoder, at, error, _("missing padding"));
              break;
            }
          *o++ = (guint8) (decoder->quantum >> 4);
          decoder->padded_out = 1;
          decoder->n_pad = 2;
          decoder->done = TRUE;
          continue;
        }

      if (cls < 64)
        {
          if (decoder->n_quantum == 0)
            decoder->quantum_offset = at;
          decoder->quantum = decoder->quantum << 6 | cls;
          if (++decoder->n_quantum == 4)
            {
              guint32 x = decoder->quantum;

              o[0] = (guint8) (x >> 16);
              o[1] = (guint8) (x >> 8);
              o[2] = (guint8) x;
              o += 3;
              decoder->quantum = 0;
              decoder->n_quantum = 0;
            }
          continue;
        }

      if (cls == CLASS_PAD)
        {
          if (decoder->n_quantum < 2)
            {
              ok = decoder_fail (decoder, at, error, _("unexpected padding"));
              break;
            }
          if (decoder->n_quantum == 2)
            {
              decoder->n_pad = 1;
            }
          else
            {
              guint32 x = decoder->quantum;

              o[0] = (guint8) (x >> 10);
              o[1] = (guint8) (x >> 2);
              o += 2;
              decoder->padded_out = 2;
              decoder->n_pad = 1;
              decoder->done = TRUE;
            }
          continue;
        }

      if (g_ascii_isprint (c))
        ok = decoder_fail (decoder, at, error, _("invalid character “%c”"), c);
      else
        ok = decoder_fail (decoder, at, error, _("invalid byte 0x%02x"), c);
      break;
    }

  decoder->offset += i;
  decoder->total_out += (guint64) (o - out);
  *out_len = (gsize) (o - out);
  return ok;
}

/**
 * ub_base64_decoder_finish:
 * @decoder: a decoder
 * @error: return location for a #GError
 *
 * Ends the stream. Input that stops inside a quantum is truncated: an error
 * at the offset of the end of the stream.
 *
 * Returns: %TRUE if the stream ended on a quantum boundary
 */
gboolean
ub_base64_decoder_finish (UbBase64Decoder *decoder,
                          GError         **error)
{
  g_return_val_if_fail (decoder != NULL, FALSE);

  if (decoder->done || (decoder->n_quantum == 0 && decoder->n_pad == 0))
    return TRUE;

  return decoder_fail (decoder, decoder->offset, error,
                       _("truncated input: %u of 4 characters in the last quantum"),
                       decoder->n_quantum + decoder->n_pad);
}

/**
 * ub_base64_decoder_get_error_offset:
 * @decoder: a decoder that failed
 *
 * Returns: the stream offset of the byte that made the last call fail
 */
guint64
ub_base64_decoder_get_error_offset (const UbBase64Decoder *decoder)
{
  g_return_val_if_fail (decoder != NULL, 0);

  return decoder->error_offset;
}

/**
 * ub_base64_decoder_get_resume:
 * @decoder: a decoder
 * @input_offset: (out): stream offset from which decoding can restart
 * @output_offset: (out): output bytes produced before that offset
 *
 * Gives the point from which a later run can continue with
 * ub_base64_decoder_init_at(): it is the start of the pending quantum (or
 * of the padded last one), so nothing is lost and nothing written twice
 * once the output is cut back to @output_offset bytes.
 */
void
ub_base64_decoder_get_resume (const UbBase64Decoder *decoder,
                              guint64               *input_offset,
                              guint64               *output_offset)
{
  guint64 in_off, out_off;

  g_return_if_fail (decoder != NULL);

  in_off = decoder->offset;
  out_off = decoder->total_out;

  if (decoder->done || decoder->n_pad > 0 || decoder->n_quantum > 0)
    {
      in_off = decoder->quantum_offset;
      if (decoder->done)
        out_off -= decoder->padded_out;
    }

  if (input_offset != NULL)
    *input_offset = in_off;
  if (output_offset != NULL)
    *output_offset = out_off;
}
