/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* One line per sub-command: its name, its usage line and its entry point. */

#include "ub-cli.h"

#define UB_CLI_COMMANDS \
  /* end of list */
