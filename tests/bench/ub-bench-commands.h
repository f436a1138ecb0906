/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* One line per benchmark: its entry point and its row in the table. */

#include "ub-bench.h"

int ub_bench_primes (int argc, char **argv);

#define UB_BENCH_COMMANDS \
  { "primes", "count primes: the sieve engine vs primesieve", ub_bench_primes }, \
  /* end of list */
