/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "ub-test-cli.h"

/* unblock-cli primes, run as a user would run it. */

static void
assert_count (const char *expected,
              const char *first,
              ...)
{
  /* Up to three arguments after "primes count". */
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autofree char *line = g_strconcat (expected, "\n", NULL);
  UbTestCliResult result = { 0 };
  const char *arg;
  va_list ap;

  va_start (ap, first);
  for (arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_assert_cmpuint (args->len, <=, 4);
  while (args->len < 4)
    g_ptr_array_add (args, NULL);

  ub_test_cli_run (&result, NULL, "primes", "count", args->pdata[0], args->pdata[1], args->pdata[2],
           args->pdata[3], NULL);
  g_assert_cmpint (result.status, ==, 0);
  g_assert_cmpstr (result.out, ==, line);
  ub_test_cli_result_clear (&result);
}

static void
test_count (void)
{
  assert_count ("78498", "1e6", NULL);
  assert_count ("78498", "0", "10^6", NULL);
  assert_count ("664579", "1e7", "--threads", "3", NULL);
  assert_count ("664579", "10_000_000", "--threads=1", NULL);
  assert_count ("25", "0", "100", NULL);
  assert_count ("0", "0", "1", NULL);
  assert_count ("1", "2", "2", NULL);
  assert_count ("0", "4", "4", NULL);
  /* The three largest primes below 2^64 are 2^64−59, 2^64−83 and 2^64−95. */
  assert_count ("3", "2^64-100", "2^64-1", NULL);
}

static void
test_list (void)
{
  UbTestCliResult result = { 0 };

  ub_test_cli_run (&result, NULL, "primes", "list", "0", "30", NULL);
  g_assert_cmpint (result.status, ==, 0);
  g_assert_cmpstr (result.out, ==, "2\n3\n5\n7\n11\n13\n17\n19\n23\n29\n");
  ub_test_cli_result_clear (&result);

  ub_test_cli_run (&result, NULL, "primes", "list", "2^64-100", "2^64-1", NULL);
  g_assert_cmpint (result.status, ==, 0);
  g_assert_cmpstr (result.out, ==,
                   "18446744073709551521\n18446744073709551533\n18446744073709551557\n");
  ub_test_cli_result_clear (&result);
}

static void
test_bad_input (void)
{
  static const char *cases[][3] = {
    { "-5", NULL, NULL },
    { "abc", NULL, NULL },
    { "10", "5", NULL },
    { "0", "18446744073709551616", NULL },
    { "0", "1e6", "--threads=0" },
    { "0", "1e6", "--bogus" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      UbTestCliResult result = { 0 };

      ub_test_cli_run (&result, NULL, "primes", "count", cases[i][0], cases[i][1], cases[i][2], NULL);
      g_assert_cmpint (result.status, ==, 2);
      g_assert_cmpstr (result.out, ==, "");
      ub_test_assert_one_line (result.err, NULL);
      ub_test_cli_result_clear (&result);
    }
}

/* Every sub-command has its own help, the same three ways. */
static void
test_help (void)
{
  static const char *commands[] = { "primes", "png", "base64", "sha256" };
  g_auto(UbTestCliResult) overview = { 0 };
  g_auto(UbTestCliResult) dashed = { 0 };
  g_auto(UbTestCliResult) unknown = { 0 };
  g_auto(UbTestCliResult) bare = { 0 };
  g_auto(UbTestCliResult) version = { 0 };

  g_test_summary ("unblock-cli help, --help, help CMD, CMD --help and CMD -h exit 0 and print "
                  "usage on standard output; an unknown command is a usage error");

  ub_test_cli_run (&overview, NULL, "help", NULL);
  g_assert_cmpint (overview.status, ==, 0);
  g_assert_cmpstr (overview.err, ==, "");
  g_assert_true (g_str_has_prefix (overview.out, "Usage: unblock-cli "));
  ub_test_cli_run (&dashed, NULL, "--help", NULL);
  g_assert_cmpint (dashed.status, ==, 0);
  g_assert_cmpstr (dashed.out, ==, overview.out);

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *usage = g_strdup_printf ("Usage: unblock-cli %s", commands[i]);
      g_autofree char *listed = g_strdup_printf ("\n  %s ", commands[i]);
      g_auto(UbTestCliResult) by_help = { 0 };
      g_auto(UbTestCliResult) by_option = { 0 };
      g_auto(UbTestCliResult) by_short = { 0 };
      g_auto(UbTestCliResult) after_args = { 0 };

      g_assert_nonnull (strstr (overview.out, listed));

      ub_test_cli_run (&by_help, NULL, "help", commands[i], NULL);
      g_assert_cmpint (by_help.status, ==, 0);
      g_assert_cmpstr (by_help.err, ==, "");
      g_assert_true (g_str_has_prefix (by_help.out, usage));
      g_assert_nonnull (strstr (by_help.out, "--help"));

      ub_test_cli_run (&by_option, NULL, commands[i], "--help", NULL);
      g_assert_cmpint (by_option.status, ==, 0);
      g_assert_cmpstr (by_option.out, ==, by_help.out);
      ub_test_cli_run (&by_short, NULL, commands[i], "-h", NULL);
      g_assert_cmpint (by_short.status, ==, 0);
      g_assert_cmpstr (by_short.out, ==, by_help.out);
      /* After an action and a file, too: nothing is run or read. */
      ub_test_cli_run (&after_args, NULL, commands[i], "info", "/nonexistent", "--help", NULL);
      g_assert_cmpint (after_args.status, ==, 0);
      g_assert_cmpstr (after_args.err, ==, "");
      g_assert_cmpstr (after_args.out, ==, by_help.out);

      /* primes --help spells out the number grammar. */
      if (g_str_equal (commands[i], "primes"))
        g_assert_nonnull (strstr (by_help.out, "expr   := term"));
    }

  ub_test_cli_run (&version, NULL, "--version", NULL);
  g_assert_cmpint (version.status, ==, 0);
  g_assert_cmpstr (version.out, ==, "unblock-cli " PACKAGE_VERSION "\n");

  ub_test_cli_run (&unknown, NULL, "help", "frobnicate", NULL);
  g_assert_cmpint (unknown.status, ==, 2);
  g_assert_cmpstr (unknown.out, ==, "");
  ub_test_assert_one_line (unknown.err, "frobnicate");

  /* No command at all: the overview, on standard error, as a usage error. */
  ub_test_cli_run (&bare, NULL, NULL, NULL);
  g_assert_cmpint (bare.status, ==, 2);
  g_assert_cmpstr (bare.out, ==, "");
  g_assert_cmpstr (bare.err, ==, overview.out);
}

int
main (int    argc,
      char **argv)
{
  /* Isolated: the commands' help must not read or leave anything behind. */
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_summary ("unblock-cli primes: counts, lists and refusals; and every command's help");

  g_test_add_func ("/cli/primes/count", test_count);
  g_test_add_func ("/cli/primes/list", test_list);
  g_test_add_func ("/cli/primes/bad-input", test_bad_input);
  g_test_add_func ("/cli/help", test_help);

  return g_test_run ();
}
