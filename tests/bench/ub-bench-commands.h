/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* One line per benchmark: its entry point and its row in the table. */

#include "ub-bench.h"

int ub_bench_channel (int argc, char **argv);

#define UB_BENCH_COMMANDS \
  { "channel", "MessageChannel: flood, latency, overhead vs g_idle_add and GAsyncQueue", ub_bench_channel }, \
  /* end of list */
