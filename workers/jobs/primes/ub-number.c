/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "ub-error.h"
#include "ub-number.h"

/*
 * Numbers as people type them for ranges of primes: "10000000000",
 * "10_000_000_000", "10,000,000,000", "10 000 000 000", "1e10", "1.5e9",
 * "10^10", "2^64-1", "1e12+1e10", "3*10^9". Every intermediate value is
 * checked against 2^64 - 1; nothing silently wraps.
 *
 * The grammar is UB_NUMBER_GRAMMAR (ub-number.h), which --help prints.
 * Intermediate values are 128-bit, so "2^64-1" works although 2^64 alone
 * does not fit; a sum is the sum of its added terms less the sum of its
 * subtracted ones, so "1-2+3" is 2; only the result must fit in 64 bits
 * and be at least 0.
 */

typedef unsigned __int128 Wide;

typedef struct
{
  const char *text;
  const char *p;
} Parser;

static gboolean
fail (Parser      *parser,
      GError     **error,
      const char  *reason)
{
  g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
               _("“%s” is not a number: %s"), parser->text, reason);
  return FALSE;
}

static gboolean
too_large (Parser  *parser,
           GError **error)
{
  g_set_error (error, UB_ERROR, UB_ERROR_TOO_LARGE,
               _("“%s” is too large: the largest allowed is 2^64−1 = %llu"),
               parser->text, (unsigned long long) G_MAXUINT64);
  return FALSE;
}

static void
skip_spaces (Parser *parser)
{
  while (*parser->p == ' ' || *parser->p == '\t')
    parser->p++;
}

static gboolean
is_separator (char c)
{
  return c == '_' || c == ',' || c == '\'' || c == ' ';
}

static gboolean
mul_wide (Wide  a,
          Wide  b,
          Wide *out)
{
  return !__builtin_mul_overflow (a, b, out);
}

static gboolean
parse_hex (Parser  *parser,
           Wide    *mantissa,
           GError **error)
{
  Wide value = 0;
  guint n_digits = 0;

  parser->p += 2;   /* "0x" */
  while (g_ascii_isxdigit (*parser->p) ||
         (*parser->p == '_' && n_digits > 0 && g_ascii_isxdigit (parser->p[1])))
    {
      if (*parser->p != '_')
        {
          if (!mul_wide (value, 16, &value))
            return too_large (parser, error);
          value += (Wide) g_ascii_xdigit_value (*parser->p);
          n_digits++;
        }
      parser->p++;
    }

  if (n_digits == 0)
    return fail (parser, error, _("hexadecimal digits must follow “0x”"));
  if (g_ascii_isalnum (*parser->p) || *parser->p == '.')
    return fail (parser, error, _("a hexadecimal number has only the digits 0–9 and a–f"));

  *mantissa = value;
  return TRUE;
}

/* Digits with optional single separators between them, in groups of
 * exactly three after the first ("10,000" but never "1,5"). Collects the
 * integer part and, after a '.', the fraction digits (trailing zeros of
 * the fraction dropped, so "1.50e1" is 15). */
static gboolean
parse_number (Parser   *parser,
              Wide     *mantissa,
              guint    *n_fraction_digits,
              GError  **error)
{
  Wide value = 0;
  guint n_digits = 0;
  guint n_fraction = 0;
  guint group = 0;         /* digits since the start or the last separator */
  gboolean grouped = FALSE;
  gboolean in_fraction = FALSE;

  if (parser->p[0] == '0' && (parser->p[1] == 'x' || parser->p[1] == 'X'))
    {
      *n_fraction_digits = 0;
      return parse_hex (parser, mantissa, error);
    }

  if (!g_ascii_isdigit (*parser->p))
    {
      if (*parser->p == '-')
        return fail (parser, error, _("negative numbers are not allowed"));
      if (*parser->p == '\0')
        return fail (parser, error, _("a number is missing"));
      return fail (parser, error, _("expected a digit"));
    }

  for (;;)
    {
      char c = *parser->p;

      if (g_ascii_isdigit (c))
        {
          if (!mul_wide (value, 10, &value) || __builtin_add_overflow (value, (Wide) (c - '0'), &value))
            return too_large (parser, error);
          n_digits++;
          if (in_fraction)
            n_fraction++;
          else
            group++;
          parser->p++;
        }
      else if (is_separator (c) && !in_fraction && g_ascii_isdigit (parser->p[1]))
        {
          /* "1 000" but not "1 + 2": a separator must sit between digits. */
          if ((grouped && group != 3) || (!grouped && group > 3))
            return fail (parser, error, _("digits must be grouped in threes, as in “10,000,000”"));
          grouped = TRUE;
          group = 0;
          parser->p++;
        }
      else if (c == '.' && !in_fraction && g_ascii_isdigit (parser->p[1]))
        {
          in_fraction = TRUE;
          parser->p++;
        }
      else
        break;
    }

  if (grouped && group != 3)
    return fail (parser, error, _("digits must be grouped in threes, as in “10,000,000”"));

  while (n_fraction > 0 && value % 10 == 0)
    {
      value /= 10;
      n_fraction--;
    }

  *mantissa = value;
  *n_fraction_digits = n_fraction;
  return n_digits > 0;
}

static gboolean
parse_exponent (Parser  *parser,
                guint   *exponent,
                GError **error)
{
  guint64 value = 0;

  skip_spaces (parser);
  if (*parser->p == '+')
    parser->p++;
  if (*parser->p == '-')
    return fail (parser, error, _("negative exponents are not allowed"));
  if (!g_ascii_isdigit (*parser->p))
    return fail (parser, error, _("the exponent is missing"));

  while (g_ascii_isdigit (*parser->p))
    {
      value = value * 10 + (guint64) (*parser->p - '0');
      if (value > 1000)
        return too_large (parser, error);
      parser->p++;
    }

  *exponent = (guint) value;
  return TRUE;
}

static gboolean
pow_wide (Wide   base,
          guint  exponent,
          Wide  *out)
{
  Wide result = 1;

  for (guint i = 0; i < exponent; i++)
    if (!mul_wide (result, base, &result))
      {
        /* 0^n and 1^n never overflow; anything else that does is too large. */
        return FALSE;
      }

  *out = result;
  return TRUE;
}

static gboolean
parse_factor (Parser   *parser,
              Wide     *out,
              GError  **error)
{
  Wide mantissa;
  guint n_fraction;
  guint exponent;

  skip_spaces (parser);
  if (!parse_number (parser, &mantissa, &n_fraction, error))
    return FALSE;
  skip_spaces (parser);

  if (*parser->p == 'e' || *parser->p == 'E')
    {
      Wide scale;

      parser->p++;
      if (!parse_exponent (parser, &exponent, error))
        return FALSE;
      if (exponent < n_fraction)
        return fail (parser, error, _("the result is not a whole number"));
      if (!pow_wide (10, exponent - n_fraction, &scale))
        return mantissa == 0 ? (*out = 0, TRUE) : too_large (parser, error);
      if (!mul_wide (mantissa, scale, out))
        return too_large (parser, error);
      return TRUE;
    }

  if (n_fraction > 0)
    return fail (parser, error, _("only whole numbers are allowed"));

  if (*parser->p == '^')
    {
      parser->p++;
      if (!parse_exponent (parser, &exponent, error))
        return FALSE;
      if (!pow_wide (mantissa, exponent, out))
        return too_large (parser, error);
      return TRUE;
    }

  *out = mantissa;
  return TRUE;
}

static gboolean
parse_term (Parser   *parser,
            Wide     *out,
            GError  **error)
{
  Wide value;

  if (!parse_factor (parser, &value, error))
    return FALSE;

  for (;;)
    {
      Wide factor;

      skip_spaces (parser);
      if (*parser->p != '*' && *parser->p != 'x')
        break;
      parser->p++;
      if (!parse_factor (parser, &factor, error))
        return FALSE;
      if (!mul_wide (value, factor, &value))
        return too_large (parser, error);
    }

  *out = value;
  return TRUE;
}

/**
 * ub_number_parse_u64:
 * @text: what the user typed
 * @value: (out): the number
 *
 * Parses a non-negative whole number up to 2^64 − 1, accepting digit
 * separators, scientific notation, powers and simple sums (see above).
 *
 * Returns: %TRUE on success; otherwise @error says what is wrong, in words
 *   that can be shown to the user as they are
 */
gboolean
ub_number_parse_u64 (const char  *text,
                     guint64     *value,
                     GError     **error)
{
  Parser parser = { text, text };
  Wide total;
  Wide subtracted = 0;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  skip_spaces (&parser);
  if (*parser.p == '\0')
    return fail (&parser, error, _("it is empty"));

  if (!parse_term (&parser, &total, error))
    return FALSE;

  for (;;)
    {
      char op;
      Wide term;

      skip_spaces (&parser);
      op = *parser.p;
      if (op != '+' && op != '-')
        break;
      parser.p++;
      if (!parse_term (&parser, &term, error))
        return FALSE;
      if (__builtin_add_overflow (op == '+' ? total : subtracted, term,
                                  op == '+' ? &total : &subtracted))
        return too_large (&parser, error);
    }

  skip_spaces (&parser);
  if (*parser.p != '\0')
    return fail (&parser, error, _("unexpected characters at the end"));

  if (subtracted > total)
    return fail (&parser, error, _("the result is negative"));
  total -= subtracted;
  if (total > G_MAXUINT64)
    return too_large (&parser, error);

  *value = (guint64) total;
  return TRUE;
}

/**
 * ub_number_format_u64:
 *
 * Returns: (transfer full): @value with thin groups of three digits,
 *   e.g. "10 000 000 000"
 */
char *
ub_number_format_u64 (guint64 value)
{
  char digits[32];
  GString *out = g_string_new (NULL);
  int n = g_snprintf (digits, sizeof digits, "%" G_GUINT64_FORMAT, value);

  for (int i = 0; i < n; i++)
    {
      if (i > 0 && (n - i) % 3 == 0)
        g_string_append (out, "\u202f");
      g_string_append_c (out, digits[i]);
    }

  return g_string_free (out, FALSE);
}
