/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "ub-base64.h"
#include "ub-base64-private.h"
#include "ub-error.h"

#ifdef UB_BASE64_HAVE_AVX2

/*
 * Encodes 24 bytes per step into 32 characters; returns the bytes used
 * (a multiple of 24). Each lane gets 12 bytes, spread so that every
 * 32-bit word holds one triple as [b1 b0 b2 b1]; a multiply-high and a
 * multiply-low move the four 6-bit fields into the four bytes; an offset
 * looked up from the field's range turns each into its character.
 * Reads 4 bytes past the 24 it uses, so it stops while 28 remain.
 */
__attribute__ ((target ("avx2")))
static gsize
encode_avx2 (const guint8 *in,
             gsize         len,
             char         *out)
{
  const __m256i spread = LANES (1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10);
  const __m256i mask_ac = _mm256_set1_epi32 (0x0fc0fc00);
  const __m256i mul_ac = _mm256_set1_epi32 (0x04000040);
  const __m256i mask_bd = _mm256_set1_epi32 (0x003f03f0);
  const __m256i mul_bd = _mm256_set1_epi32 (0x01000010);
  /* Offset to add to a field, by range: 26–51 at 0, 52–61 at 1–10, 62 at
   * 11, 63 at 12, 0–25 at 13. */
  const __m256i offsets = LANES ('a' - 26, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52,
                                 '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '+' - 62,
                                 '/' - 63, 'A', 0, 0);
  const __m256i n51 = _mm256_set1_epi8 (51);
  const __m256i n26 = _mm256_set1_epi8 (26);
  const __m256i n13 = _mm256_set1_epi8 (13);
  gsize i = 0;

  for (; i + 28 <= len; i += 24, out += 32)
    {
      __m128i lo = _mm_loadu_si128 ((const __m128i *) (in + i));
      __m128i hi = _mm_loadu_si128 ((const __m128i *) (in + i + 12));
      __m256i v = _mm256_inserti128_si256 (_mm256_castsi128_si256 (lo), hi, 1);
      __m256i fields, range;

      v = _mm256_shuffle_epi8 (v, spread);
      fields = _mm256_or_si256 (_mm256_mulhi_epu16 (_mm256_and_si256 (v, mask_ac), mul_ac),
                                _mm256_mullo_epi16 (_mm256_and_si256 (v, mask_bd), mul_bd));
      range = _mm256_subs_epu8 (fields, n51);
      range = _mm256_or_si256 (range, _mm256_and_si256 (_mm256_cmpgt_epi8 (n26, fields), n13));
      _mm256_storeu_si256 ((__m256i *) out,
                           _mm256_add_epi8 (fields, _mm256_shuffle_epi8 (offsets, range)));
    }

  return i;
}

#endif /* UB_BASE64_HAVE_AVX2 */

/* ------------------------------------------------------------------ */
/* Encoding                                                           */

/* Encodes @n_triples whole triples from @in into @out, unwrapped. */
static char *
encode_triples (const guint8 *in,
                gsize         n_triples,
                char         *out)
{
  gsize len = n_triples * 3;
  gsize i = 0;

#ifdef UB_BASE64_HAVE_AVX2
  if (_ub_base64_use_avx2 ())
    {
      i = encode_avx2 (in, len, out);
      out += i / 3 * 4;
    }
#endif

  /* Six bytes per step through one 64-bit load; it reads two bytes past
   * the six it uses, so stop while eight remain. */
  for (; i + 8 <= len; i += 6, out += 8)
    {
      guint64 w;

      memcpy (&w, in + i, 8);
      w = GUINT64_FROM_BE (w);
      memcpy (out + 0, &_ub_base64_enc_pairs[w >> 52], 2);
      memcpy (out + 2, &_ub_base64_enc_pairs[(w >> 40) & 0xfff], 2);
      memcpy (out + 4, &_ub_base64_enc_pairs[(w >> 28) & 0xfff], 2);
      memcpy (out + 6, &_ub_base64_enc_pairs[(w >> 16) & 0xfff], 2);
    }

  for (; i < len; i += 3, out += 4)
    {
      guint32 x = (guint32) in[i] << 16 | (guint32) in[i + 1] << 8 | in[i + 2];

      memcpy (out + 0, &_ub_base64_enc_pairs[x >> 12], 2);
      memcpy (out + 2, &_ub_base64_enc_pairs[x & 0xfff], 2);
    }

  return out;
}

/* Copies @n characters to @out, breaking lines as the encoder's wrap says. */
static char *
emit_wrapped (UbBase64Encoder *encoder,
              const char      *src,
              gsize            n,
              char            *out)
{
  if (encoder->wrap == 0)
    {
      memmove (out, src, n);
      return out + n;
    }

  while (n > 0)
    {
      gsize room = encoder->wrap - encoder->column;
      gsize k = MIN (room, n);

      memcpy (out, src, k);
      out += k;
      src += k;
      n -= k;
      encoder->column += k;
      if (encoder->column == encoder->wrap)
        {
          *out++ = '\n';
          encoder->column = 0;
        }
    }

  return out;
}

/**
 * ub_base64_encoder_init:
 * @encoder: an encoder to set up
 * @wrap: characters per output line; 0 for none
 *
 * Prepares @encoder for a new stream.
 */
void
ub_base64_encoder_init (UbBase64Encoder *encoder,
                        guint            wrap)
{
  g_return_if_fail (encoder != NULL);

  _ub_base64_init_tables ();
  memset (encoder, 0, sizeof *encoder);
  encoder->wrap = wrap;
}

/**
 * ub_base64_encoder_init_at:
 * @encoder: an encoder to set up
 * @wrap: characters per output line; 0 for none
 * @input_offset: input bytes already encoded, a multiple of 3
 *
 * Prepares @encoder to continue a stream whose first @input_offset bytes
 * were encoded before, as given by ub_base64_encoder_get_resume(). The
 * output then continues exactly where that earlier output stopped.
 */
void
ub_base64_encoder_init_at (UbBase64Encoder *encoder,
                           guint            wrap,
                           guint64          input_offset)
{
  guint64 chars;

  g_return_if_fail (encoder != NULL);
  g_return_if_fail (input_offset % 3 == 0);

  ub_base64_encoder_init (encoder, wrap);
  chars = input_offset / 3 * 4;
  encoder->total_in = input_offset;
  encoder->total_out = chars;
  if (wrap > 0)
    {
      encoder->column = chars % wrap;
      encoder->total_out += chars / wrap;
    }
}

/**
 * ub_base64_encoder_bound:
 * @encoder: an encoder
 * @in_len: bytes about to be passed to ub_base64_encoder_update()
 *
 * Returns: how many bytes the next update of @in_len bytes followed by
 *   ub_base64_encoder_finish() can write, at most
 */
gsize
ub_base64_encoder_bound (const UbBase64Encoder *encoder,
                         gsize                  in_len)
{
  gsize chars;

  g_return_val_if_fail (encoder != NULL, 0);

  chars = (encoder->n_carry + in_len + 2) / 3 * 4;
  if (encoder->wrap == 0)
    return chars;
  return chars + chars / encoder->wrap + 2;
}

/**
 * ub_base64_encoder_update:
 * @encoder: an encoder
 * @in: (array length=in_len): the next input bytes
 * @in_len: how many
 * @out: where the characters go; ub_base64_encoder_bound() bytes at least
 *
 * Encodes the next part of the stream. Up to two trailing bytes are held
 * back until more input or ub_base64_encoder_finish() completes them.
 *
 * Returns: the number of bytes written to @out
 */
gsize
ub_base64_encoder_update (UbBase64Encoder *encoder,
                          const guint8    *in,
                          gsize            in_len,
                          char            *out)
{
  /* Big enough to amortise the copy, small enough to stay in L1. */
  char scratch[16 * 1024];
  const gsize scratch_triples = sizeof scratch / 4;
  char *p = out;
  gsize n_triples;

  g_return_val_if_fail (encoder != NULL, 0);
  g_return_val_if_fail (in != NULL || in_len == 0, 0);
  g_return_val_if_fail (out != NULL, 0);

  encoder->total_in += in_len;

  if (encoder->n_carry > 0)
    {
      /* Complete the held-back triple, then go on with whole ones. */
      while (encoder->n_carry > 0 && in_len > 0)
        {
          guint8 byte = *in++;

          in_len--;
          if (encoder->n_carry < 2)
            encoder->carry[encoder->n_carry] = byte;
          encoder->n_carry++;

          if (encoder->n_carry == 3)
            {
              guint8 triple[3] = { encoder->carry[0], encoder->carry[1], byte };
              char quad[4];

              encode_triples (triple, 1, quad);
              p = emit_wrapped (encoder, quad, 4, p);
              encoder->n_carry = 0;
            }
        }
    }

  n_triples = in_len / 3;
  if (encoder->wrap == 0)
    {
      p = encode_triples (in, n_triples, p);
    }
  else
    {
      const guint8 *src = in;
      gsize left = n_triples;

      while (left > 0)
        {
          gsize k = MIN (left, scratch_triples);

          encode_triples (src, k, scratch);
          p = emit_wrapped (encoder, scratch, k * 4, p);
          src += k * 3;
          left -= k;
        }
    }

  in += n_triples * 3;
  in_len -= n_triples * 3;
  for (gsize i = 0; i < in_len; i++)
    encoder->carry[encoder->n_carry++] = in[i];

  encoder->total_out += (guint64) (p - out);
  return (gsize) (p - out);
}

/**
 * ub_base64_encoder_finish:
 * @encoder: an encoder
 * @out: where the last characters go (16 bytes are always enough)
 *
 * Ends the stream: encodes held-back bytes with padding and ends a partial
 * line. The encoder must be initialised again before further use.
 *
 * Returns: the number of bytes written to @out
 */
gsize
ub_base64_encoder_finish (UbBase64Encoder *encoder,
                          char            *out)
{
  char *p = out;

  g_return_val_if_fail (encoder != NULL, 0);
  g_return_val_if_fail (out != NULL, 0);

  if (encoder->n_carry > 0)
    {
      guint32 x = (guint32) encoder->carry[0] << 16;
      char quad[4];

      if (encoder->n_carry == 2)
        x |= (guint32) encoder->carry[1] << 8;
      quad[0] = _ub_base64_alphabet[(x >> 18) & 63];
      quad[1] = _ub_base64_alphabet[(x >> 12) & 63];
      quad[2] = encoder->n_carry == 2 ? _ub_base64_alphabet[(x >> 6) & 63] : '=';
      quad[3] = '=';
      p = emit_wrapped (encoder, quad, 4, p);
      encoder->n_carry = 0;
    }

  if (encoder->wrap > 0 && encoder->column > 0)
    {
      *p++ = '\n';
      encoder->column = 0;
    }

  encoder->total_out += (guint64) (p - out);
  return (gsize) (p - out);
}

/**
 * ub_base64_encoder_get_resume:
 * @encoder: an encoder
 * @input_offset: (out): input bytes whose encoding is complete
 * @output_offset: (out): output bytes produced for them
 *
 * Gives the point from which a later run can continue with
 * ub_base64_encoder_init_at(): the input from @input_offset on, appended to
 * the first @output_offset bytes of the output.
 */
void
ub_base64_encoder_get_resume (const UbBase64Encoder *encoder,
                              guint64               *input_offset,
                              guint64               *output_offset)
{
  g_return_if_fail (encoder != NULL);

  if (input_offset != NULL)
    *input_offset = encoder->total_in - encoder->n_carry;
  if (output_offset != NULL)
    *output_offset = encoder->total_out;
}
