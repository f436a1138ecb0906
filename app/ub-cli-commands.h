/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* One line per sub-command: its name, its usage line and its entry point. */

#include "ub-cli.h"

int ub_cli_primes (int argc, char **argv);
int ub_cli_png (int argc, char **argv);
int ub_cli_base64 (int argc, char **argv);
int ub_cli_sha256 (int argc, char **argv);

#define UB_CLI_COMMANDS \
  { "primes", "primes count [FROM] TO [--threads N] [--checkpoint FILE] | primes list FROM TO", ub_cli_primes }, \
  { "png", "png decode IN.png OUT.pam | thumbnail IN.png OUT.png [--size N] | info IN.png", ub_cli_png }, \
  { "base64", "base64 encode [-w COLS] IN OUT | base64 decode IN OUT", ub_cli_base64 }, \
  { "sha256", "sha256 [FILE...]", ub_cli_sha256 }, \
  /* end of list */
