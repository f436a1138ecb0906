/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "ub-base64.h"
#include "ub-error.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
# define UB_BASE64_HAVE_AVX2 1
# include <immintrin.h>
#endif

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
 */

static const char alphabet[64] =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

#define DEC_INVALID 0xff000000u

/* Classes of a byte for the per-character path. */
enum
{
  CLASS_SPACE = 64,
  CLASS_PAD = 65,
  CLASS_BAD = 66,
};

/* Written once under g_once, read-only afterwards. */
static guint16 enc_pairs[4096];
static guint32 dec_tables[4][256];
static guint8 dec_class[256];
static gboolean cpu_has_avx2;

/* Set by tests and benchmarks to measure the scalar path; atomic. */
static gint portable_only = 0;

static void
build_tables (void)
{
  static gsize ready = 0;

  if (!g_once_init_enter (&ready))
    return;

  for (guint i = 0; i < 4096; i++)
    {
      char pair[2] = { alphabet[i >> 6], alphabet[i & 63] };

      memcpy (&enc_pairs[i], pair, 2);
    }

  for (guint c = 0; c < 256; c++)
    {
      for (guint k = 0; k < 4; k++)
        dec_tables[k][c] = DEC_INVALID;
      dec_class[c] = CLASS_BAD;
    }
  for (guint s = 0; s < 64; s++)
    {
      guint8 c = (guint8) alphabet[s];

      for (guint k = 0; k < 4; k++)
        dec_tables[k][c] = (guint32) s << (18 - 6 * k);
      dec_class[c] = (guint8) s;
    }
  dec_class[' '] = dec_class['\t'] = dec_class['\r'] = dec_class['\n'] = CLASS_SPACE;
  dec_class['='] = CLASS_PAD;

#ifdef UB_BASE64_HAVE_AVX2
  __builtin_cpu_init ();
  cpu_has_avx2 = __builtin_cpu_supports ("avx2");
#endif

  g_once_init_leave (&ready, 1);
}

static inline gboolean
use_avx2 (void)
{
  return cpu_has_avx2 && !g_atomic_int_get (&portable_only);
}

/**
 * ub_base64_get_implementation:
 *
 * Returns: (transfer none): "avx2" or "scalar": the code the coders run
 */
const char *
ub_base64_get_implementation (void)
{
  build_tables ();
  return use_avx2 () ? "avx2" : "scalar";
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
  g_atomic_int_set (&portable_only, only ? 1 : 0);
}

#ifdef UB_BASE64_HAVE_AVX2

/* Both lanes of a 256-bit register hold the same 16 bytes. */
#define LANES(...) _mm256_setr_epi8 (__VA_ARGS__, __VA_ARGS__)

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
  if (use_avx2 ())
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
      memcpy (out + 0, &enc_pairs[w >> 52], 2);
      memcpy (out + 2, &enc_pairs[(w >> 40) & 0xfff], 2);
      memcpy (out + 4, &enc_pairs[(w >> 28) & 0xfff], 2);
      memcpy (out + 6, &enc_pairs[(w >> 16) & 0xfff], 2);
    }

  for (; i < len; i += 3, out += 4)
    {
      guint32 x = (guint32) in[i] << 16 | (guint32) in[i + 1] << 8 | in[i + 2];

      memcpy (out + 0, &enc_pairs[x >> 12], 2);
      memcpy (out + 2, &enc_pairs[x & 0xfff], 2);
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

  build_tables ();
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
      quad[0] = alphabet[(x >> 18) & 63];
      quad[1] = alphabet[(x >> 12) & 63];
      quad[2] = encoder->n_carry == 2 ? alphabet[(x >> 6) & 63] : '=';
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

  build_tables ();
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
               "%s at byte offset %" G_GUINT64_FORMAT, what, offset);
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
  const guint32 *d0 = dec_tables[0], *d1 = dec_tables[1];
  const guint32 *d2 = dec_tables[2], *d3 = dec_tables[3];
  guint8 *o = *out;
  gsize i = 0;

#ifdef UB_BASE64_HAVE_AVX2
  if (use_avx2 ())
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
      cls = dec_class[c];
      at = decoder->offset + i;
      i++;

      if (cls == CLASS_SPACE)
        continue;

      if (decoder->done)
        {
          ok = decoder_fail (decoder, at, error, "data after the padding");
          break;
        }

      if (decoder->n_pad > 0)
        {
          /* "xx=" must be followed by a second '='. */
          if (cls != CLASS_PAD)
            {
              ok = decoder_fail (decoder, at, error, "missing padding");
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
              ok = decoder_fail (decoder, at, error, "unexpected padding");
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
        ok = decoder_fail (decoder, at, error, "invalid character “%c”", c);
      else
        ok = decoder_fail (decoder, at, error, "invalid byte 0x%02x", c);
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
                       "truncated input: %u of 4 characters in the last quantum",
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
