/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The sub-commands, each defined beside its entry point. */

#include "ub-cli.h"

extern const UbCliCommand ub_cli_primes_command;
extern const UbCliCommand ub_cli_png_command;
extern const UbCliCommand ub_cli_base64_command;
extern const UbCliCommand ub_cli_sha256_command;
