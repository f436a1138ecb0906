/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>

#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ub-test-cli.h"

void
ub_test_cli_result_clear (UbTestCliResult *result)
{
  g_clear_pointer (&result->out, g_free);
  g_clear_pointer (&result->err, g_free);
  result->out_len = 0;
  result->status = 0;
}

/**
 * ub_test_cli_result_dup_out:
 *
 * Returns: (transfer full): standard output as bytes
 */
GBytes *
ub_test_cli_result_dup_out (UbTestCliResult *result)
{
  return g_bytes_new (result->out, result->out_len);
}

/**
 * ub_test_cli_get_path:
 *
 * Returns: (transfer none): $UB_CLI if set, else the unblock-cli built next
 *   to the tests
 */
const char *
ub_test_cli_get_path (void)
{
  static char *path;

  if (path == NULL)
    {
      if (g_getenv ("UB_CLI") != NULL)
        path = g_strdup (g_getenv ("UB_CLI"));
      else
        path = g_test_build_filename (G_TEST_BUILT, "..", "app", "unblock-cli", NULL);
    }
  return path;
}

gboolean
ub_test_cli_found (void)
{
  return g_file_test (ub_test_cli_get_path (), G_FILE_TEST_IS_EXECUTABLE);
}

/**
 * ub_test_cli_argv:
 * @first: the first argument after the program's name
 *
 * Returns: (transfer full): the CLI's path followed by the arguments
 */
GStrv
ub_test_cli_argv (const char *first,
                  ...)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  va_list args;

  g_strv_builder_add (builder, ub_test_cli_get_path ());
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_strv_builder_add (builder, arg);
  va_end (args);
  return g_strv_builder_end (builder);
}

typedef struct
{
  const char *in_path;
  const char *out_path;
} Redirect;

/* Runs in the child after fork: stdin from a file, stdout to a file. */
static void
redirect_child (gpointer user_data)
{
  const Redirect *redirect = user_data;
  int in = open (redirect->in_path, O_RDONLY);
  int out = open (redirect->out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

  if (in >= 0)
    {
      dup2 (in, STDIN_FILENO);
      close (in);
    }
  if (out >= 0)
    {
      dup2 (out, STDOUT_FILENO);
      close (out);
    }
}

static char *
new_temp_file (const char *template)
{
  g_autoptr(GError) error = NULL;
  char *path = NULL;
  int fd = g_file_open_tmp (template, &path, &error);

  g_assert_no_error (error);
  close (fd);
  return path;
}

/**
 * ub_test_cli_reset_signals:
 * @user_data: TRUE (as a pointer) to ignore SIGHUP, as nohup starts a program
 *
 * A #GSpawnChildSetupFunc: the signals the tests send, as a user's shell
 * leaves them for the programs it starts. Runs in the child between fork
 * and exec: only async-signal-safe calls.
 */
void
ub_test_cli_reset_signals (gpointer user_data)
{
  const int signums[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
  sigset_t none;

  /* A suite started in the background (sh's `&` ignores SIGINT) or under
   * nohup would otherwise hand its ignored signals on to the CLI, which
   * honours them. */
  for (guint i = 0; i < G_N_ELEMENTS (signums); i++)
    signal (signums[i], SIG_DFL);
  if (GPOINTER_TO_INT (user_data))
    signal (SIGHUP, SIG_IGN);
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
}

/**
 * ub_test_cli_environ:
 *
 * The test's environment, with its user folders spelled out: GLib's
 * isolated folders exist only inside the test process (the environment
 * says /dev/null), and the program needs the same ones: the key that
 * seals checkpoints is in the state folder, the registry of temporary
 * names that a killed writer leaves in the cache folder.
 *
 * Returns: (transfer full): the environment for a program the test runs
 */
GStrv
ub_test_cli_environ (void)
{
  GStrv envp = g_get_environ ();

  envp = g_environ_setenv (envp, "HOME", g_get_home_dir (), TRUE);
  envp = g_environ_setenv (envp, "XDG_CACHE_HOME", g_get_user_cache_dir (), TRUE);
  envp = g_environ_setenv (envp, "XDG_CONFIG_HOME", g_get_user_config_dir (), TRUE);
  envp = g_environ_setenv (envp, "XDG_DATA_HOME", g_get_user_data_dir (), TRUE);
  envp = g_environ_setenv (envp, "XDG_STATE_HOME", g_get_user_state_dir (), TRUE);
  return envp;
}

/**
 * ub_test_spawn:
 * @argv: the program and its arguments
 * @envp: (nullable): its environment, or %NULL for ub_test_cli_environ()
 * @input: (nullable): its standard input, or %NULL for none
 *
 * Runs a program to its end. g_spawn_sync() rather than GSubprocess: it
 * starts no threads, so the test stays clean under ThreadSanitizer (GLib's
 * own locks are invisible to it). Standard input and output go through
 * files, as they may hold NUL bytes.
 */
void
ub_test_spawn (UbTestCliResult    *result,
               const char * const *argv,
               const char * const *envp,
               GBytes             *input)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *in_path = new_temp_file ("ub-test-stdin-XXXXXX");
  g_autofree char *out_path = new_temp_file ("ub-test-stdout-XXXXXX");
  g_autofree char *err = NULL;
  g_auto(GStrv) own_envp = envp == NULL ? ub_test_cli_environ () : NULL;
  Redirect redirect = { in_path, out_path };
  int status;

  g_file_set_contents (in_path, input ? g_bytes_get_data (input, NULL) : "",
                       input ? (gssize) g_bytes_get_size (input) : 0, &error);
  g_assert_no_error (error);

  g_spawn_sync (NULL, (char **) argv, envp ? (char **) envp : own_envp, G_SPAWN_SEARCH_PATH,
                redirect_child, &redirect, NULL, &err, &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));

  ub_test_cli_result_clear (result);
  g_file_get_contents (out_path, &result->out, &result->out_len, &error);
  g_assert_no_error (error);
  g_unlink (in_path);
  g_unlink (out_path);

  result->status = WEXITSTATUS (status);
  result->err = err != NULL ? g_steal_pointer (&err) : g_strdup ("");
  g_test_message ("%s: exit %d, stdout: %.200s stderr: %s", argv[0], result->status,
                  result->out, result->err);
}

/**
 * ub_test_cli_run_valist:
 * @input: (nullable): standard input, or %NULL for none
 * @first: the first argument after the program's name
 * @args: the others, up to a %NULL
 *
 * Runs unblock-cli in the test's environment.
 */
void
ub_test_cli_run_valist (UbTestCliResult *result,
                        GBytes          *input,
                        const char      *first,
                        va_list          args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (gpointer) ub_test_cli_get_path ());
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  g_ptr_array_add (argv, NULL);

  ub_test_spawn (result, (const char * const *) argv->pdata, NULL, input);
}

/**
 * ub_test_cli_run:
 * @input: (nullable): standard input, or %NULL for none
 * @first: the first argument after the program's name
 *
 * Runs unblock-cli with the arguments, up to a %NULL, in the test's
 * environment.
 */
void
ub_test_cli_run (UbTestCliResult *result,
                 GBytes          *input,
                 const char      *first,
                 ...)
{
  va_list args;

  va_start (args, first);
  ub_test_cli_run_valist (result, input, first, args);
  va_end (args);
}

/**
 * ub_test_assert_one_line:
 * @err: what the CLI printed on standard error
 * @naming: (nullable): what the line must name, e.g. the file at fault
 *
 * Asserts that a failure was reported the CLI's way: one line, prefixed
 * with the program's name.
 */
void
ub_test_assert_one_line (const char *err,
                         const char *naming)
{
  g_assert_nonnull (err);
  g_assert_true (g_str_has_prefix (err, "unblock-cli: "));
  g_assert_true (g_str_has_suffix (err, "\n"));
  g_assert_true (strchr (err, '\n') == err + strlen (err) - 1);
  if (naming != NULL)
    g_assert_nonnull (strstr (err, naming));
}

/* A test case for when there is no unblock-cli to run. */
void
ub_test_cli_skip_missing (void)
{
  g_test_skip ("unblock-cli not found next to the test (G_TEST_BUILDDIR/../app)");
}
