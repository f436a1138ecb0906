/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* One line per benchmark: its entry point and its row in the table. */

#include "ub-bench.h"

#define UB_BENCH_COMMANDS \
  /* end of list */
