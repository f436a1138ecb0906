/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib.h>

/* unblock-cli primes, run as a user would run it. */

typedef struct
{
  int   status;
  char *out;
  char *err;
} CliResult;

static void
cli_result_clear (CliResult *result)
{
  g_clear_pointer (&result->out, g_free);
  g_clear_pointer (&result->err, g_free);
}

static void
run_cli (CliResult   *result,
         const char  *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, g_test_build_filename (G_TEST_BUILT, "..", "app", "unblock-cli", NULL));
  va_start (args, first);
  for (arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &result->out, &result->err, &result->status, &error);
  g_assert_no_error (error);
  g_test_message ("stdout: %.200s stderr: %s", result->out, result->err);
}

static int
exit_code (const CliResult *result)
{
  g_assert_true (WIFEXITED (result->status));
  return WEXITSTATUS (result->status);
}

static void
assert_count (const char *expected,
              const char *first,
              ...)
{
  /* Up to three arguments after "primes count". */
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autofree char *line = g_strconcat (expected, "\n", NULL);
  CliResult result = { 0 };
  const char *arg;
  va_list ap;

  va_start (ap, first);
  for (arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_assert_cmpuint (args->len, <=, 4);
  while (args->len < 4)
    g_ptr_array_add (args, NULL);

  run_cli (&result, "primes", "count", args->pdata[0], args->pdata[1], args->pdata[2],
           args->pdata[3], NULL);
  g_assert_cmpint (exit_code (&result), ==, 0);
  g_assert_cmpstr (result.out, ==, line);
  cli_result_clear (&result);
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
  CliResult result = { 0 };

  run_cli (&result, "primes", "list", "0", "30", NULL);
  g_assert_cmpint (exit_code (&result), ==, 0);
  g_assert_cmpstr (result.out, ==, "2\n3\n5\n7\n11\n13\n17\n19\n23\n29\n");
  cli_result_clear (&result);

  run_cli (&result, "primes", "list", "2^64-100", "2^64-1", NULL);
  g_assert_cmpint (exit_code (&result), ==, 0);
  g_assert_cmpstr (result.out, ==,
                   "18446744073709551521\n18446744073709551533\n18446744073709551557\n");
  cli_result_clear (&result);
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
      CliResult result = { 0 };

      run_cli (&result, "primes", "count", cases[i][0], cases[i][1], cases[i][2], NULL);
      g_assert_cmpint (exit_code (&result), ==, 2);
      g_assert_cmpstr (result.out, ==, "");
      /* One line, naming the program. */
      g_assert_true (g_str_has_prefix (result.err, "unblock-cli: "));
      g_assert_nonnull (strchr (result.err, '\n'));
      g_assert_cmpstr (strchr (result.err, '\n') + 1, ==, "");
      cli_result_clear (&result);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_summary ("unblock-cli primes: counts, lists and refusals");

  g_test_add_func ("/cli/primes/count", test_count);
  g_test_add_func ("/cli/primes/list", test_list);
  g_test_add_func ("/cli/primes/bad-input", test_bad_input);

  return g_test_run ();
}
