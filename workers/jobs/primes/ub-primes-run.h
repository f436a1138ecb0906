/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ub-primes-job.h"
#include "ub-run.h"

G_BEGIN_DECLS

#define UB_PRIMES_RUN_KEY "primes"

#define UB_TYPE_PRIMES_RUN (ub_primes_run_get_type ())

G_DECLARE_FINAL_TYPE (UbPrimesRun, ub_primes_run, UB, PRIMES_RUN, UbRun)

UbPrimesRun   *ub_primes_run_new           (guint64       from,
                                            guint64       to,
                                            gboolean      list,
                                            const char   *list_path,
                                            guint         n_workers,
                                            gboolean      blocking);
UbPrimesRun   *ub_primes_run_new_from_saved (gboolean     blocking,
                                            GError      **error);
void           ub_primes_run_set_range_text (UbPrimesRun *self,
                                             const char  *from_text,
                                             const char  *to_text);
void           ub_primes_run_dup_range_text (UbPrimesRun *self,
                                             char       **from_text,
                                             char       **to_text);
guint64        ub_primes_run_get_from      (UbPrimesRun  *self);
guint64        ub_primes_run_get_to        (UbPrimesRun  *self);
gboolean       ub_primes_run_get_list      (UbPrimesRun  *self);
const char    *ub_primes_run_get_list_path (UbPrimesRun  *self);
guint64        ub_primes_run_get_count     (UbPrimesRun  *self);
guint64       *ub_primes_run_dup_shown     (UbPrimesRun  *self,
                                            guint        *n_shown,
                                            gboolean     *whole);

G_END_DECLS
