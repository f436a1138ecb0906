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

typedef struct
{
  const char *name;
  const char *usage;
  UbCliFunc   run;
} UbCliCommand;

#define UB_CLI_EXIT_OK      0
#define UB_CLI_EXIT_FAILURE 1
#define UB_CLI_EXIT_USAGE   2

void ub_cli_error (const char *format,
                   ...) G_GNUC_PRINTF (1, 2);

G_END_DECLS
