/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "ub-cli.h"
#include "ub-cli-commands.h"
#include "ub-cli-job.h"
#include "ub-durable.h"
#include "ub-i18n.h"
#include "ub-jobs.h"
#include "ub-number.h"

static const UbCliCommand *const commands[] = {
  &ub_cli_primes_command,
  &ub_cli_png_command,
  &ub_cli_base64_command,
  &ub_cli_sha256_command,
  NULL
};

void
ub_cli_error (const char *format,
              ...)
{
  va_list args;

  fputs ("unblock-cli: ", stderr);
  va_start (args, format);
  vfprintf (stderr, format, args);
  va_end (args);
  fputc ('\n', stderr);
}

/**
 * ub_cli_flush_stdout:
 *
 * Writes out what is buffered for standard output, saying so on standard
 * error if it cannot (a full disk, a closed pipe).
 *
 * Returns: whether everything printed so far reached standard output
 */
gboolean
ub_cli_flush_stdout (void)
{
  errno = 0;
  if (fflush (stdout) == 0 && !ferror (stdout))
    return TRUE;

  ub_cli_error (_("standard output: cannot write: %s"),
                g_strerror (errno != 0 ? errno : EIO));
  return FALSE;
}

/**
 * ub_cli_usage_error:
 * @command: the sub-command whose arguments are wrong
 * @format: what is wrong, as a printf() format
 *
 * Says what is wrong on one line of standard error, with where to read
 * the command's usage.
 *
 * Returns: %UB_CLI_EXIT_USAGE
 */
int
ub_cli_usage_error (const char *command,
                    const char *format,
                    ...)
{
  va_list args;

  fprintf (stderr, "unblock-cli: %s: ", command);
  va_start (args, format);
  vfprintf (stderr, format, args);
  va_end (args);
  fputs ("; ", stderr);
  fprintf (stderr, _("see “unblock-cli help %s”"), command);
  fputc ('\n', stderr);
  return UB_CLI_EXIT_USAGE;
}

/* SIGINT, SIGTERM, SIGHUP: remove what is half-written and leave with
 * 128 + the signal's number, as shells expect. A sub-command that saves
 * its progress first (primes count --checkpoint) installs its own. A
 * signal the process was started with ignored (nohup's SIGHUP, SIGINT
 * in a background job) stays ignored. */
static void
on_fatal_signal (int signum)
{
  ub_durable_remove_for_signal ();
  _exit (128 + signum);
}

static void
install_signal_handlers (void)
{
  static const int signums[] = { SIGINT, SIGTERM, SIGHUP };
  struct sigaction action = { 0 };

  action.sa_handler = on_fatal_signal;
  sigemptyset (&action.sa_mask);
  for (guint i = 0; i < G_N_ELEMENTS (signums); i++)
    if (!ub_cli_signal_is_ignored (signums[i]))
      sigaction (signums[i], &action, NULL);
}

static const UbCliCommand *
find_command (const char *name)
{
  for (guint i = 0; commands[i] != NULL; i++)
    if (strcmp (name, commands[i]->name) == 0)
      return commands[i];
  return NULL;
}

/* Each usage line of @command, the first after @lead, the others
 * indented to match. */
static void
print_usage_lines (FILE               *stream,
                   const UbCliCommand *command,
                   const char         *lead)
{
  g_auto(GStrv) lines = g_strsplit (_(command->usage), "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    fprintf (stream, "%*s unblock-cli %s\n", i == 0 ? 0 : (int) g_utf8_strlen (lead, -1),
             i == 0 ? lead : "", lines[i]);
}

static void
usage (FILE *stream)
{
  fprintf (stream, "%s\n", _("Usage: unblock-cli COMMAND [ARGUMENT…]"));
  fprintf (stream, "%s\n", _("       unblock-cli help [COMMAND]"));
  fprintf (stream, "%s\n", _("       unblock-cli --version"));
  fprintf (stream, "\n%s\n\n", _("Heavy work from a terminal, run in worker threads as the Unblock app runs it."));
  fprintf (stream, "%s\n", _("Commands:"));
  for (guint i = 0; commands[i] != NULL; i++)
    fprintf (stream, "  %-8s %s\n", commands[i]->name, _(commands[i]->summary));
  fprintf (stream, "  %-8s %s\n", "help", _("Show this help, or a command's"));
  fprintf (stream, "\n%s\n", _("Run “unblock-cli help COMMAND” or “unblock-cli COMMAND --help” for a\n"
                               "command's arguments and options."));
  fprintf (stream, "\n%s\n", _("Exit status: 0 on success, 1 when the work fails (a bad or missing\n"
                               "file, an I/O error), 2 for bad arguments, 128 + N when signal N\n"
                               "stops it."));
}

static void
command_help (const UbCliCommand *command)
{
  print_usage_lines (stdout, command, _("Usage:"));
  printf ("\n%s\n\n%s", _(command->summary), _(command->help));
  if (command->more != NULL)
    printf ("\n%s", command->more);
}

/* `CMD --help` and `CMD -h`: a request for help anywhere before "--". */
static gboolean
wants_help (int    argc,
            char **argv)
{
  for (int i = 1; i < argc && strcmp (argv[i], "--") != 0; i++)
    if (strcmp (argv[i], "--help") == 0 || strcmp (argv[i], "-h") == 0)
      return TRUE;
  return FALSE;
}

static int
help (int    argc,
      char **argv)
{
  const UbCliCommand *command;

  if (argc < 2)
    {
      usage (stdout);
      return UB_CLI_EXIT_OK;
    }
  command = find_command (argv[1]);
  if (command == NULL || argc > 2)
    {
      if (argc > 2)
        ub_cli_error (_("help takes one command; see “unblock-cli help”"));
      else
        ub_cli_error (_("there is no command called “%s”; see “unblock-cli help”"), argv[1]);
      return UB_CLI_EXIT_USAGE;
    }

  command_help (command);
  return UB_CLI_EXIT_OK;
}

int
main (int    argc,
      char **argv)
{
  const UbCliCommand *command;

  ub_i18n_init ();

  if (argc < 2)
    {
      usage (stderr);
      return UB_CLI_EXIT_USAGE;
    }

  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      usage (stdout);
      return UB_CLI_EXIT_OK;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("unblock-cli %s\n", PACKAGE_VERSION);
      return UB_CLI_EXIT_OK;
    }
  if (strcmp (argv[1], "help") == 0)
    return help (argc - 1, argv + 1);

  command = find_command (argv[1]);
  if (command == NULL)
    {
      ub_cli_error (_("there is no command called “%s”; see “unblock-cli help”"), argv[1]);
      return UB_CLI_EXIT_USAGE;
    }
  if (wants_help (argc - 1, argv + 1))
    {
      command_help (command);
      return UB_CLI_EXIT_OK;
    }

  /* Before any sub-command runs a job, here or in a worker. */
  ub_jobs_register_all ();
  /* What an earlier run killed half-way left behind. */
  ub_durable_remove_stale ();
  install_signal_handlers ();

  return command->run (argc - 1, argv + 1);
}
