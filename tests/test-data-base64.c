/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "ub-base64.h"
#include "ub-error.h"
#include "ub-test-files.h"

/* Encodes @data feeding the encoder @piece bytes at a time. */
static char *
encode_in_pieces (const guint8 *data,
                  gsize         len,
                  guint         wrap,
                  gsize         piece,
                  gsize        *out_len)
{
  UbBase64Encoder encoder;
  GString *out = g_string_new (NULL);
  g_autofree char *buf = NULL;

  ub_base64_encoder_init (&encoder, wrap);
  buf = g_malloc (ub_base64_encoder_bound (&encoder, piece + 2) + 16);
  for (gsize i = 0; i < len; i += piece)
    {
      gsize k = MIN (piece, len - i);
      gsize n = ub_base64_encoder_update (&encoder, data + i, k, buf);

      g_string_append_len (out, buf, n);
    }
  g_string_append_len (out, buf, ub_base64_encoder_finish (&encoder, buf));

  *out_len = out->len;
  return g_string_free (out, FALSE);
}

/* Decodes @text @piece bytes at a time; on failure returns NULL and the
 * error offset. */
static GBytes *
decode_in_pieces (const char  *text,
                  gsize        len,
                  gsize        piece,
                  guint64     *error_offset,
                  GError     **error)
{
  UbBase64Decoder decoder;
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autofree guint8 *buf = g_malloc (ub_base64_decoder_bound (piece));

  ub_base64_decoder_init (&decoder);
  for (gsize i = 0; i < len; i += piece)
    {
      gsize k = MIN (piece, len - i);
      gsize n = 0;
      gboolean ok = ub_base64_decoder_update (&decoder, text + i, k, buf, &n, error);

      g_byte_array_append (out, buf, n);
      if (!ok)
        {
          *error_offset = ub_base64_decoder_get_error_offset (&decoder);
          return NULL;
        }
    }
  if (!ub_base64_decoder_finish (&decoder, error))
    {
      *error_offset = ub_base64_decoder_get_error_offset (&decoder);
      return NULL;
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static void
test_rfc4648_vectors (void)
{
  /* RFC 4648, section 10. */
  static const struct { const char *plain, *encoded; } vectors[] = {
    { "", "" },
    { "f", "Zg==" },
    { "fo", "Zm8=" },
    { "foo", "Zm9v" },
    { "foob", "Zm9vYg==" },
    { "fooba", "Zm9vYmE=" },
    { "foobar", "Zm9vYmFy" },
  };

  g_test_summary ("The test vectors of RFC 4648 encode and decode both ways");

  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      g_autofree char *enc = NULL;
      g_autoptr(GBytes) dec = NULL;
      g_autoptr(GError) error = NULL;
      gsize n;

      enc = ub_base64_encode ((const guint8 *) vectors[i].plain, strlen (vectors[i].plain), 0, &n);
      g_assert_cmpstr (enc, ==, vectors[i].encoded);
      g_assert_cmpuint (n, ==, strlen (vectors[i].encoded));

      dec = ub_base64_decode (vectors[i].encoded, strlen (vectors[i].encoded), &error);
      g_assert_no_error (error);
      g_assert_cmpmem (g_bytes_get_data (dec, NULL), g_bytes_get_size (dec),
                       vectors[i].plain, strlen (vectors[i].plain));
    }
}

static void
test_wrap_layout (void)
{
  g_autofree guint8 *data = ub_test_make_bytes (200, 1);
  g_autofree char *empty = NULL;
  g_autofree char *line = NULL;
  g_autofree char *two = NULL;
  g_autofree char *partial = NULL;
  gsize n;

  g_test_summary ("Wrapping follows coreutils base64: newline after each full line and "
                  "after a final partial one, nothing for empty input");

  empty = ub_base64_encode (data, 0, 76, &n);
  g_assert_cmpuint (n, ==, 0);

  /* 57 bytes are exactly one line of 76. */
  line = ub_base64_encode (data, 57, 76, &n);
  g_assert_cmpuint (n, ==, 77);
  g_assert_cmpint (line[76], ==, '\n');
  g_assert_null (memchr (line, '\n', 76));

  two = ub_base64_encode (data, 114, 76, &n);
  g_assert_cmpuint (n, ==, 154);
  g_assert_cmpint (two[76], ==, '\n');
  g_assert_cmpint (two[153], ==, '\n');

  partial = ub_base64_encode (data, 58, 76, &n);
  g_assert_cmpuint (n, ==, 77 + 4 + 1);
  g_assert_cmpstr (partial + 77 + 2, ==, "==\n");
}

static void
test_round_trip_every_length (void)
{
  static const guint wraps[] = { 0, 76, 1, 5, 64 };
  g_autofree guint8 *data = ub_test_make_bytes (1024, 2);

  g_test_summary ("Every length from 0 to 1024 encodes and decodes back, wrapped or not, "
                  "and the wrapped text has lines of the right length");

  for (guint w = 0; w < G_N_ELEMENTS (wraps); w++)
    for (gsize len = 0; len <= 1024; len++)
      {
        g_autofree char *enc = NULL;
        g_autoptr(GBytes) dec = NULL;
        g_autoptr(GError) error = NULL;
        gsize n, chars = 0, col = 0;

        enc = ub_base64_encode (data, len, wraps[w], &n);
        for (gsize i = 0; i < n; i++)
          {
            if (enc[i] == '\n')
              {
                g_assert_cmpuint (col, >, 0);
                g_assert_cmpuint (col, <=, wraps[w]);
                if (i + 1 < n)
                  g_assert_cmpuint (col, ==, wraps[w]);
                col = 0;
              }
            else
              {
                chars++;
                col++;
              }
          }
        g_assert_cmpuint (chars, ==, (len + 2) / 3 * 4);
        if (wraps[w] > 0 && len > 0)
          g_assert_cmpint (enc[n - 1], ==, '\n');

        dec = ub_base64_decode (enc, n, &error);
        g_assert_no_error (error);
        g_assert_cmpmem (g_bytes_get_data (dec, NULL), g_bytes_get_size (dec), data, len);
      }
}

static void
test_round_trip_pieces (void)
{
  static const gsize pieces[] = { 1, 2, 3, 4, 5, 7, 8, 9, 13, 64, 77, 1000 };
  static const guint wraps[] = { 0, 76, 7 };
  const gsize len = 3001;
  g_autofree guint8 *data = ub_test_make_bytes (len, 3);

  g_test_summary ("Streaming in pieces of any size gives the same text as one call, and "
                  "decoding in pieces gives the data back");

  for (guint w = 0; w < G_N_ELEMENTS (wraps); w++)
    {
      g_autofree char *whole = NULL;
      gsize whole_len;

      whole = ub_base64_encode (data, len, wraps[w], &whole_len);

      for (guint p = 0; p < G_N_ELEMENTS (pieces); p++)
        {
          g_autofree char *enc = NULL;
          g_autoptr(GBytes) dec = NULL;
          g_autoptr(GError) error = NULL;
          guint64 offset = 0;
          gsize n;

          enc = encode_in_pieces (data, len, wraps[w], pieces[p], &n);
          g_assert_cmpmem (enc, n, whole, whole_len);

          dec = decode_in_pieces (whole, whole_len, pieces[p], &offset, &error);
          g_assert_no_error (error);
          g_assert_cmpmem (g_bytes_get_data (dec, NULL), g_bytes_get_size (dec), data, len);
        }
    }
}

static void
test_decode_wrapped_crlf (void)
{
  const gsize len = 1000;
  g_autofree guint8 *data = ub_test_make_bytes (len, 4);
  g_autofree char *enc = NULL;
  g_autoptr(GString) crlf = g_string_new (NULL);
  g_autoptr(GString) messy = g_string_new (NULL);
  gsize n;

  g_test_summary ("76-column text with CRLF line ends, and text with spaces and tabs "
                  "anywhere, decode to the original data");

  enc = ub_base64_encode (data, len, 76, &n);
  for (gsize i = 0; i < n; i++)
    {
      if (enc[i] == '\n')
        g_string_append_c (crlf, '\r');
      g_string_append_c (crlf, enc[i]);
    }
  for (gsize i = 0; i < n; i++)
    {
      g_string_append_c (messy, enc[i]);
      if (i % 7 == 3)
        g_string_append (messy, " \t");
      if (i % 11 == 5)
        g_string_append (messy, "\r\n\n");
    }

  for (gsize piece = 1; piece <= 97; piece += 8)
    {
      g_autoptr(GBytes) a = NULL;
      g_autoptr(GBytes) b = NULL;
      g_autoptr(GError) error = NULL;
      guint64 offset = 0;

      a = decode_in_pieces (crlf->str, crlf->len, piece, &offset, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (g_bytes_get_data (a, NULL), g_bytes_get_size (a), data, len);

      b = decode_in_pieces (messy->str, messy->len, piece, &offset, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (g_bytes_get_data (b, NULL), g_bytes_get_size (b), data, len);
    }
}

typedef struct
{
  const char *text;
  gsize       len;     /* 0: strlen (text) */
  guint64     offset;  /* where the error must point */
  const char *what;    /* a word the message must contain */
} BadCase;

static void
check_bad_cases (const BadCase *cases,
                 guint          n_cases)
{
  for (guint i = 0; i < n_cases; i++)
    {
      gsize len = cases[i].len ? cases[i].len : strlen (cases[i].text);
      g_autofree char *at = g_strdup_printf ("at byte offset %" G_GUINT64_FORMAT, cases[i].offset);
      /* The cases hold bytes that are not UTF-8: TAP wants text. */
      g_autofree char *shown = g_strescape (cases[i].text, NULL);

      /* Whole, and one byte at a time: the offset is a stream offset. */
      for (gsize piece = len ? len : 1; piece >= 1; piece = piece > 1 ? 1 : 0)
        {
          g_autoptr(GBytes) out = NULL;
          g_autoptr(GError) error = NULL;
          guint64 offset = G_MAXUINT64;

          out = decode_in_pieces (cases[i].text, len, piece, &offset, &error);
          g_test_message ("case %u “%s” piece %" G_GSIZE_FORMAT ": %s", i, shown, piece,
                          error ? error->message : "accepted");
          g_assert_null (out);
          g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
          g_assert_cmpuint (offset, ==, cases[i].offset);
          g_assert_nonnull (strstr (error->message, at));
          g_assert_nonnull (strstr (error->message, cases[i].what));
        }
    }
}

static void
test_decode_invalid_characters (void)
{
  static const BadCase cases[] = {
    { "Zm9v!mFy", 0, 4, "“!”" },
    { "Zm9vYmFy-", 0, 8, "“-”" },            /* the URL-safe alphabet is not base64 */
    { "Zm9vYm_y", 0, 6, "“_”" },
    { "\xffZm9v", 0, 0, "0xff" },
    { "Zm 9v\0Zm9v", 10, 5, "0x00" },
    { "Zm9v\vZm9v", 0, 4, "0x0b" },          /* vertical tab is not whitespace here */
    { "Zm9vYmFyZm9vYmFy\nZm9vYmFyZm9v.mFy", 0, 29, "“.”" },
  };

  g_test_summary ("A byte outside the alphabet and the four whitespace bytes is rejected "
                  "with its stream offset, whatever the feeding");

  check_bad_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_decode_bad_padding (void)
{
  static const BadCase cases[] = {
    { "=AAA", 0, 0, "padding" },
    { "Z===", 0, 1, "padding" },
    { "Zm9v=", 0, 4, "padding" },
    { "Zg=A", 0, 3, "missing padding" },
    { "Zg= x", 0, 4, "missing padding" },
    { "Zm8==", 0, 4, "after the padding" },
    { "Zg===", 0, 4, "after the padding" },
    { "Zg==Zg==", 0, 4, "after the padding" },
    { "Zm8=\n\nZm9v", 0, 6, "after the padding" },
  };

  g_test_summary ("'=' only completes a quantum, with the right count, and only "
                  "whitespace may follow it");

  check_bad_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_decode_truncated (void)
{
  static const BadCase cases[] = {
    { "Z", 0, 1, "truncated" },
    { "Zg", 0, 2, "truncated" },         /* unpadded input is rejected */
    { "Zm8", 0, 3, "truncated" },
    { "Zg=", 0, 3, "truncated" },
    { "Zm9vY", 0, 5, "truncated" },
    { "Zm9vYmE\r\n", 0, 9, "truncated" },  /* the offset is the end of the stream */
  };

  g_test_summary ("Input that ends inside a quantum, padded or not, is truncated: an "
                  "error at the end of the stream");

  check_bad_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_decode_accepts (void)
{
  static const struct { const char *text, *plain; } cases[] = {
    { "Zg==\n", "f" },
    { "Zg== \r\n\t", "f" },
    { "Zg\n=\n=", "f" },
    { " Zm9v YmFy ", "foobar" },
    { "QR==", "A" },                     /* non-zero leftover bits are ignored */
    { "\n\n", "" },
  };

  g_test_summary ("Whitespace anywhere, padding split by whitespace and non-canonical "
                  "leftover bits are accepted");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) out = NULL;
      g_autoptr(GError) error = NULL;

      out = ub_base64_decode (cases[i].text, strlen (cases[i].text), &error);
      g_assert_no_error (error);
      g_assert_cmpmem (g_bytes_get_data (out, NULL), g_bytes_get_size (out),
                       cases[i].plain, strlen (cases[i].plain));
    }
}

static void
test_encoder_resume (void)
{
  const gsize len = 1000;
  g_autofree guint8 *data = ub_test_make_bytes (len, 5);
  g_autofree char *whole = NULL;
  gsize whole_len;

  g_test_summary ("An encoder stopped anywhere and restarted from its resume point "
                  "gives the same text");

  whole = ub_base64_encode (data, len, 76, &whole_len);

  for (gsize stop = 0; stop <= len; stop += 37)
    {
      UbBase64Encoder first, second;
      g_autofree char *buf = g_malloc (whole_len + 64);
      guint64 in_off, out_off;
      gsize n;

      ub_base64_encoder_init (&first, 76);
      n = ub_base64_encoder_update (&first, data, stop, buf);
      ub_base64_encoder_get_resume (&first, &in_off, &out_off);
      g_assert_cmpuint (out_off, ==, n);
      g_assert_cmpuint (in_off, <=, stop);

      ub_base64_encoder_init_at (&second, 76, in_off);
      n = out_off;
      n += ub_base64_encoder_update (&second, data + in_off, len - in_off, buf + n);
      n += ub_base64_encoder_finish (&second, buf + n);
      g_assert_cmpmem (buf, n, whole, whole_len);
    }
}

static void
test_decoder_resume (void)
{
  const gsize len = 600;
  g_autofree guint8 *data = ub_test_make_bytes (len, 6);
  g_autofree char *enc = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  gsize n;

  g_test_summary ("A decoder stopped anywhere (inside a quantum, inside the padding) and "
                  "restarted from its resume point gives the same data");

  /* 599 bytes end with a padded quantum; whitespace makes quanta straddle. */
  enc = ub_base64_encode (data, len - 1, 76, &n);
  for (gsize i = 0; i < n; i++)
    {
      g_string_append_c (text, enc[i]);
      if (i % 5 == 2)
        g_string_append_c (text, ' ');
    }

  for (gsize stop = 0; stop <= text->len; stop++)
    {
      UbBase64Decoder first, second;
      g_autofree guint8 *buf = g_malloc (ub_base64_decoder_bound (text->len) * 2);
      g_autoptr(GError) error = NULL;
      guint64 in_off, out_off;
      gsize k;

      ub_base64_decoder_init (&first);
      g_assert_true (ub_base64_decoder_update (&first, text->str, stop, buf, &k, &error));
      ub_base64_decoder_get_resume (&first, &in_off, &out_off);
      g_assert_cmpuint (in_off, <=, stop);
      g_assert_cmpuint (out_off, <=, k);

      ub_base64_decoder_init_at (&second, in_off, out_off);
      g_assert_true (ub_base64_decoder_update (&second, text->str + in_off, text->len - in_off,
                                               buf + out_off, &k, &error));
      g_assert_true (ub_base64_decoder_finish (&second, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (buf, out_off + k, data, len - 1);
    }
}

static void
test_simd_matches_scalar (void)
{
  g_autofree guint8 *data = ub_test_make_bytes (1100, 7);

  g_test_summary ("The vector path encodes every length exactly as the scalar path, and "
                  "decodes every byte value in every position of a block as it does");

  if (g_strcmp0 (ub_base64_get_implementation (), "scalar") == 0)
    {
      g_test_skip ("this CPU has no vector path");
      return;
    }

  for (gsize len = 0; len <= 1100; len++)
    for (guint wrap = 0; wrap <= 76; wrap += 76)
      {
        g_autofree char *fast = NULL;
        g_autofree char *slow = NULL;
        gsize n_fast, n_slow;

        fast = ub_base64_encode (data, len, wrap, &n_fast);
        ub_base64_set_portable_only (TRUE);
        slow = ub_base64_encode (data, len, wrap, &n_slow);
        ub_base64_set_portable_only (FALSE);
        g_assert_cmpmem (fast, n_fast, slow, n_slow);
      }

  /* 96 valid characters (three vector blocks); one byte replaced. */
  for (guint c = 0; c < 256; c++)
    for (gsize pos = 0; pos < 96; pos += 5)
      {
        g_autofree char *text = NULL;
        g_autoptr(GBytes) fast = NULL;
        g_autoptr(GBytes) slow = NULL;
        g_autoptr(GError) fast_error = NULL;
        g_autoptr(GError) slow_error = NULL;
        gsize n;

        text = ub_base64_encode (data, 72, 0, &n);
        g_assert_cmpuint (n, ==, 96);
        text[pos] = (char) c;

        fast = ub_base64_decode (text, n, &fast_error);
        ub_base64_set_portable_only (TRUE);
        slow = ub_base64_decode (text, n, &slow_error);
        ub_base64_set_portable_only (FALSE);

        if (slow == NULL)
          {
            g_assert_null (fast);
            g_assert_nonnull (fast_error);
            g_assert_cmpstr (fast_error->message, ==, slow_error->message);
          }
        else
          {
            g_assert_no_error (fast_error);
            g_assert_cmpmem (g_bytes_get_data (fast, NULL), g_bytes_get_size (fast),
                             g_bytes_get_data (slow, NULL), g_bytes_get_size (slow));
          }
      }
}

typedef struct
{
  const char *name;
  GTestFunc   func;
} TestCase;

static const TestCase test_cases[] = {
  { "rfc4648-vectors", test_rfc4648_vectors },
  { "wrap/coreutils-layout", test_wrap_layout },
  { "round-trip/every-length-0-1024", test_round_trip_every_length },
  { "round-trip/pieces", test_round_trip_pieces },
  { "decode/wrapped-crlf", test_decode_wrapped_crlf },
  { "decode/accepts", test_decode_accepts },
  { "decode/invalid-character", test_decode_invalid_characters },
  { "decode/bad-padding", test_decode_bad_padding },
  { "decode/truncated", test_decode_truncated },
  { "resume/encoder", test_encoder_resume },
  { "resume/decoder", test_decoder_resume },
};

/* Every case runs on the path this CPU picks and on the scalar path. */
static void
run_native (gconstpointer data)
{
  const TestCase *test = data;

  g_test_message ("implementation: %s", ub_base64_get_implementation ());
  test->func ();
}

static void
run_scalar (gconstpointer data)
{
  const TestCase *test = data;

  ub_base64_set_portable_only (TRUE);
  test->func ();
  ub_base64_set_portable_only (FALSE);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (test_cases); i++)
    {
      g_autofree char *native = g_strconcat ("/data/base64/native/", test_cases[i].name, NULL);
      g_autofree char *scalar = g_strconcat ("/data/base64/scalar/", test_cases[i].name, NULL);

      g_test_add_data_func (native, &test_cases[i], run_native);
      g_test_add_data_func (scalar, &test_cases[i], run_scalar);
    }
  g_test_add_func ("/data/base64/native/matches-scalar", test_simd_matches_scalar);

  return g_test_run ();
}
