/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ub-cli.h"
#include "ub-cli-commands.h"
#include "ub-durable.h"
#include "ub-jobs.h"
#include "ub-number.h"

static const UbCliCommand commands[] = {
  UB_CLI_COMMANDS
  { NULL }
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

/* SIGINT, SIGTERM, SIGHUP: remove what is half-written and leave with
 * 128 + the signal's number, as shells expect. A sub-command that saves
 * its progress first (primes count --checkpoint) installs its own. */
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
    sigaction (signums[i], &action, NULL);
}

static void
usage (FILE *stream)
{
  fprintf (stream, "Usage:\n");
  for (guint i = 0; commands[i].name != NULL; i++)
    fprintf (stream, "  unblock-cli %s\n", commands[i].usage);
  fprintf (stream, "\n%s", UB_NUMBER_GRAMMAR);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");

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

  /* Before any sub-command runs a job, here or in a worker. */
  ub_jobs_register_all ();
  /* What an earlier run killed half-way left behind. */
  ub_durable_remove_stale ();
  install_signal_handlers ();

  for (guint i = 0; commands[i].name != NULL; i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      return commands[i].run (argc - 1, argv + 1);

  ub_cli_error ("unknown command “%s”; try --help", argv[1]);
  return UB_CLI_EXIT_USAGE;
}
