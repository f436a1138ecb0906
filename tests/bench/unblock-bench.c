/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ub-bench.h"
#include "ub-bench-commands.h"

static const UbBenchCommand commands[] = {
  UB_BENCH_COMMANDS
  { NULL }
};

static void
usage (FILE *stream)
{
  fprintf (stream, "Usage: unblock-bench COMMAND [OPTIONS]\n\nCommands:\n");
  for (guint i = 0; commands[i].name != NULL; i++)
    fprintf (stream, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf (stream, "  %-10s %s\n", "all", "run every benchmark in turn");
  fprintf (stream, "\nUB_BENCH_ROUNDS=N sets the number of measured rounds.\n");
}

int
main (int    argc,
      char **argv)
{
  if (argc < 2)
    {
      usage (stderr);
      return 2;
    }

  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      usage (stdout);
      return 0;
    }

  if (strcmp (argv[1], "all") == 0)
    {
      int status = 0;

      for (guint i = 0; commands[i].name != NULL; i++)
        {
          char *sub_argv[] = { (char *) commands[i].name, NULL };

          if (commands[i].run (1, sub_argv) != 0)
            status = 1;
        }
      return status;
    }

  for (guint i = 0; commands[i].name != NULL; i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      return commands[i].run (argc - 1, argv + 1);

  fprintf (stderr, "unblock-bench: unknown command “%s”\n", argv[1]);
  usage (stderr);
  return 2;
}
