/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ub-job.h"
#include "ub-primes.h"

G_BEGIN_DECLS

/*
 * "primes.run": sieves one part of a range, resumable.
 *
 * Parameters ((ttttb)bsts), from ub_primes_run_params_new():
 *   the part's record (see ub_primes_record_to_variant()), whether to list
 *   the primes, a file to write them to ("" for none, "-" for standard
 *   output) and how many bytes of that file a previous run of this part
 *   already wrote (it is truncated to that length first, so a resumed run
 *   never duplicates a line), and a store key ("" for none) under which the
 *   part saves its state (see below) every second and when a checkpoint is
 *   requested (see ub_jobs_request_checkpoint()).
 * Progress ((ttttb)tats), read with ub_primes_run_progress_parse(), at
 *   most every 50 ms:
 *   the record as of the last finished segment, the bytes written to the
 *   file so far, (when listing) up to UB_PRIMES_JOB_RECENT of the latest
 *   primes, and why the last checkpoint could not be saved ("" if it was).
 *   Record and bytes always agree: pausing at a progress report and
 *   resuming from it produces exactly the uninterrupted result.
 * Result ((ttttb)t): the part's state, finished: its record and the file's
 *   length. The state saved in the store has the same shape; both are
 *   made by ub_primes_part_state_new() and read by
 *   ub_primes_part_state_parse().
 *
 * A count's checkpoint (tta(ttttb)): the range and the records of the parts
 * it was split into, in order, made by ub_primes_count_checkpoint_new() and
 * read by ub_primes_count_checkpoint_parse().
 */

#define UB_PRIMES_JOB_RUN         "primes.run"
#define UB_PRIMES_JOB_PARAMS_TYPE "((ttttb)bsts)"
#define UB_PRIMES_JOB_RECENT      256

void      ub_primes_job_register           (void);

GVariant *ub_primes_run_params_new         (const UbPrimesRecord  *record,
                                            gboolean               list,
                                            const char            *path,
                                            guint64                bytes_done,
                                            const char            *checkpoint_key);
gboolean  ub_primes_run_progress_parse     (GVariant              *progress,
                                            UbPrimesRecord        *record,
                                            guint64               *bytes_done,
                                            const guint64        **recent,
                                            gsize                 *n_recent,
                                            const char           **checkpoint_error,
                                            GError               **error);

GVariant *ub_primes_part_state_new         (const UbPrimesRecord  *record,
                                            guint64                bytes_done);
gboolean  ub_primes_part_state_parse       (GVariant              *state,
                                            UbPrimesRecord        *record,
                                            guint64               *bytes_done,
                                            GError               **error);

GVariant *ub_primes_count_checkpoint_new   (guint64                from,
                                            guint64                to,
                                            const UbPrimesRecord  *parts,
                                            gsize                  n_parts);
gboolean  ub_primes_count_checkpoint_parse (GVariant              *checkpoint,
                                            guint64               *from,
                                            guint64               *to,
                                            GVariant             **parts);

G_END_DECLS
