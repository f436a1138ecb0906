/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-error.h"
#include "ub-number.h"

static void
assert_parses (const char *text,
               guint64     expected)
{
  g_autoptr(GError) error = NULL;
  guint64 value = 0;

  g_test_message ("“%s”", text);
  g_assert_true (ub_number_parse_u64 (text, &value, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (value, ==, expected);
}

static void
assert_rejects (const char *text,
                int         code)
{
  g_autoptr(GError) error = NULL;
  guint64 value = 12345;

  g_test_message ("“%s”", text);
  g_assert_false (ub_number_parse_u64 (text, &value, &error));
  g_assert_error (error, UB_ERROR, code);
  g_assert_cmpuint (value, ==, 12345);
  /* The message quotes the input so the user sees what was refused. */
  g_assert_nonnull (strstr (error->message, text));
}

static void
test_number_plain_and_separators (void)
{
  assert_parses ("0", 0);
  assert_parses ("10000000000", 10000000000);
  assert_parses ("10_000_000_000", 10000000000);
  assert_parses ("10,000,000,000", 10000000000);
  assert_parses ("10 000 000 000", 10000000000);
  assert_parses ("10'000", 10000);
  assert_parses ("  42  ", 42);
  assert_parses ("18446744073709551615", G_MAXUINT64);
}

static void
test_number_scientific_and_powers (void)
{
  assert_parses ("1e10", 10000000000);
  assert_parses ("1E3", 1000);
  assert_parses ("1.5e9", 1500000000);
  assert_parses ("2.25e2", 225);
  assert_parses ("10^10", 10000000000);
  assert_parses ("2^64-1", G_MAXUINT64);
  assert_parses ("2^32", G_GUINT64_CONSTANT (4294967296));
  assert_parses ("1e12+1e10", 1010000000000);
  assert_parses ("1e18 + 1e9", 1000000001000000000);
  assert_parses ("3*10^9", 3000000000);
  assert_parses ("0e30", 0);
  assert_parses ("1^1000", 1);
  assert_parses ("1e19", G_GUINT64_CONSTANT (10000000000000000000));
  assert_parses ("1.50e1", 15);
  assert_parses ("1.500e3", 1500);
  assert_parses ("1-2+3", 2);
  assert_parses ("2^64-1+1-1", G_MAXUINT64);
  assert_parses ("0x10", 16);
  assert_parses ("0XfF", 255);
  assert_parses ("0xffff_ffff_ffff_ffff", G_MAXUINT64);
  assert_parses ("0x10+1", 17);
  assert_parses ("3x10^9", 3000000000);
  assert_parses ("1,500e6", 1500000000);
}

static void
test_number_rejects (void)
{
  assert_rejects ("", UB_ERROR_INVALID_DATA);
  assert_rejects ("   ", UB_ERROR_INVALID_DATA);
  assert_rejects ("-5", UB_ERROR_INVALID_DATA);
  assert_rejects ("abc", UB_ERROR_INVALID_DATA);
  assert_rejects ("12abc", UB_ERROR_INVALID_DATA);
  assert_rejects ("1.5", UB_ERROR_INVALID_DATA);
  assert_rejects ("1.25e1", UB_ERROR_INVALID_DATA);
  assert_rejects ("1e-3", UB_ERROR_INVALID_DATA);
  assert_rejects ("1e", UB_ERROR_INVALID_DATA);
  assert_rejects ("10^", UB_ERROR_INVALID_DATA);
  assert_rejects ("5-6", UB_ERROR_INVALID_DATA);
  assert_rejects ("1__0", UB_ERROR_INVALID_DATA);
  assert_rejects ("1,", UB_ERROR_INVALID_DATA);
  assert_rejects ("18446744073709551616", UB_ERROR_TOO_LARGE);
  assert_rejects ("2^64", UB_ERROR_TOO_LARGE);
  assert_rejects ("1e20", UB_ERROR_TOO_LARGE);
  assert_rejects ("2^64-1+1", UB_ERROR_TOO_LARGE);
  assert_rejects ("99999999999999999999999", UB_ERROR_TOO_LARGE);
  assert_rejects ("10^1001", UB_ERROR_TOO_LARGE);
  assert_rejects ("1,5e9", UB_ERROR_INVALID_DATA);
  assert_rejects ("1,50", UB_ERROR_INVALID_DATA);
  assert_rejects ("1,0000", UB_ERROR_INVALID_DATA);
  assert_rejects ("1000,000", UB_ERROR_INVALID_DATA);
  assert_rejects ("10_00_000", UB_ERROR_INVALID_DATA);
  assert_rejects ("0x", UB_ERROR_INVALID_DATA);
  assert_rejects ("0xg", UB_ERROR_INVALID_DATA);
  assert_rejects ("0x1.5", UB_ERROR_INVALID_DATA);
  assert_rejects ("0x1_0000_0000_0000_0000", UB_ERROR_TOO_LARGE);
  assert_rejects ("1-2", UB_ERROR_INVALID_DATA);
  assert_rejects ("1.25e1", UB_ERROR_INVALID_DATA);
}

static void
test_number_format (void)
{
  g_autofree char *zero = ub_number_format_u64 (0);
  g_autofree char *big = ub_number_format_u64 (10000000000);
  g_autofree char *max = ub_number_format_u64 (G_MAXUINT64);
  guint64 value;

  g_assert_cmpstr (zero, ==, "0");
  g_assert_cmpstr (big, ==, "10\u202f000\u202f000\u202f000");
  g_assert_cmpstr (max, ==, "18\u202f446\u202f744\u202f073\u202f709\u202f551\u202f615");

  /* What is shown can be typed back, but the narrow no-break space is not
   * an ASCII separator: it must be refused rather than misread. */
  g_assert_false (ub_number_parse_u64 (big, &value, NULL));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_summary ("Numbers as users type them for prime ranges");

  g_test_add_func ("/number/plain-and-separators", test_number_plain_and_separators);
  g_test_add_func ("/number/scientific-and-powers", test_number_scientific_and_powers);
  g_test_add_func ("/number/rejects-with-a-reason", test_number_rejects);
  g_test_add_func ("/number/format", test_number_format);

  return g_test_run ();
}
