/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * unblock-cli sub-commands. Each returns the process exit status:
 * 0 on success, 1 for a runtime failure (bad file, I/O error),
 * 2 for a usage error (bad arguments).
 */

typedef int (*UbCliFunc) (int argc, char **argv);

/**
 * UbCliCommand:
 * @name: what follows `unblock-cli`
 * @usage: its usage lines, without the program's name, one a line
 * @summary: one line for `unblock-cli help`
 * @help: the rest of `unblock-cli help NAME`: what it does, its
 *   arguments and options, one paragraph per blank line
 * @more: (nullable): printed after @help as it is, untranslated (the
 *   number grammar that the engine itself defines)
 * @run: the entry point, given the arguments from @name on
 *
 * @usage, @summary and @help are marked with N_() and translated when
 * printed.
 */
typedef struct
{
  const char *name;
  const char *usage;
  const char *summary;
  const char *help;
  const char *more;
  UbCliFunc   run;
} UbCliCommand;

#define UB_CLI_EXIT_OK      0
#define UB_CLI_EXIT_FAILURE 1
#define UB_CLI_EXIT_USAGE   2

void ub_cli_error       (const char *format,
                         ...) G_GNUC_PRINTF (1, 2);
int  ub_cli_usage_error (const char *command,
                         const char *format,
                         ...) G_GNUC_PRINTF (2, 3);
gboolean ub_cli_flush_stdout (void);

G_END_DECLS
