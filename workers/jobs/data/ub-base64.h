/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Streaming base64 (RFC 4648, standard alphabet) over memory buffers.
 *
 * Both coders are plain structs the caller owns (on the stack or inside a
 * job); they hold no pointers and need no cleanup. Feed them any number of
 * buffers of any size: the result is the same as for one buffer holding
 * the whole stream. They are not thread-safe; one thread uses one coder.
 *
 * Encoding wraps lines as coreutils `base64 -w N` does: a newline after
 * every N characters and one after a final partial line; empty input gives
 * empty output; N = 0 means one unbroken line with no newline at all.
 *
 * Decoding is strict:
 *  - space, tab, CR and LF are skipped anywhere; any other byte outside the
 *    alphabet is an error;
 *  - '=' may only complete a quantum: "xx==" or "xxx="; after the padding
 *    only whitespace may follow;
 *  - input must be padded: a stream that ends inside a quantum (1, 2 or 3
 *    characters, or "xx=" missing its second '=') is truncated, an error;
 *  - leftover bits of a padded quantum that are not zero ("QR==") are
 *    ignored, as coreutils does.
 * Every error carries the offset, in the whole input stream, of the byte
 * that is wrong; for truncated input that is the offset of the end of the
 * stream, where a character is missing.
 */

#define UB_BASE64_DEFAULT_WRAP 76

typedef struct
{
  /*< private >*/
  guint   wrap;        /* characters per line, 0 for no line breaks */
  guint   column;      /* characters already on the current line */
  guint   n_carry;     /* input bytes held back until a triple is complete */
  guint8  carry[2];
  guint64 total_in;    /* input bytes consumed so far */
  guint64 total_out;   /* output bytes produced so far */
} UbBase64Encoder;

typedef struct
{
  /*< private >*/
  guint32 quantum;        /* sextets of the pending quantum, packed */
  guint   n_quantum;      /* characters in the pending quantum (0–3) */
  guint   n_pad;          /* '=' seen in the final quantum (0–2) */
  gboolean done;          /* a padded quantum ended the data */
  guint64 offset;         /* stream offset of the next input byte */
  guint64 quantum_offset; /* stream offset of the pending (or padded) quantum */
  guint64 total_out;      /* output bytes produced so far */
  guint   padded_out;     /* bytes the padded quantum produced */
  guint64 error_offset;   /* stream offset of the first bad byte */
} UbBase64Decoder;

void      ub_base64_encoder_init         (UbBase64Encoder       *encoder,
                                          guint                  wrap);
void      ub_base64_encoder_init_at      (UbBase64Encoder       *encoder,
                                          guint                  wrap,
                                          guint64                input_offset);
gsize     ub_base64_encoder_bound        (const UbBase64Encoder *encoder,
                                          gsize                  in_len);
gsize     ub_base64_encoder_update       (UbBase64Encoder       *encoder,
                                          const guint8          *in,
                                          gsize                  in_len,
                                          char                  *out);
gsize     ub_base64_encoder_finish       (UbBase64Encoder       *encoder,
                                          char                  *out);
void      ub_base64_encoder_get_resume   (const UbBase64Encoder *encoder,
                                          guint64               *input_offset,
                                          guint64               *output_offset);

void      ub_base64_decoder_init         (UbBase64Decoder       *decoder);
void      ub_base64_decoder_init_at      (UbBase64Decoder       *decoder,
                                          guint64                input_offset,
                                          guint64                output_offset);
gsize     ub_base64_decoder_bound        (gsize                  in_len);
gboolean  ub_base64_decoder_update       (UbBase64Decoder       *decoder,
                                          const char            *in,
                                          gsize                  in_len,
                                          guint8                *out,
                                          gsize                 *out_len,
                                          GError               **error);
gboolean  ub_base64_decoder_finish       (UbBase64Decoder       *decoder,
                                          GError               **error);
guint64   ub_base64_decoder_get_error_offset (const UbBase64Decoder *decoder);
void      ub_base64_decoder_get_resume   (const UbBase64Decoder *decoder,
                                          guint64               *input_offset,
                                          guint64               *output_offset);

char     *ub_base64_encode               (const guint8          *data,
                                          gsize                  len,
                                          guint                  wrap,
                                          gsize                 *out_len);
GBytes   *ub_base64_decode               (const char            *text,
                                          gsize                  len,
                                          GError               **error);

const char *ub_base64_get_implementation (void);
void        ub_base64_set_portable_only  (gboolean               portable_only);

G_END_DECLS
