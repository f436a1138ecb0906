/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ub-job.h"
#include "ub-primes.h"

G_BEGIN_DECLS

/*
 * "primes.run": sieves one part of a range, resumable.
 *
 * Parameters ((ttttb)bsts):
 *   the part's record (see ub_primes_record_to_variant()), whether to list
 *   the primes, a file to write them to ("" for none, "-" for standard
 *   output) and how many bytes of that file a previous run of this part
 *   already wrote (it is truncated to that length first, so a resumed run
 *   never duplicates a line), and a store key ("" for none) under which the
 *   part saves ((ttttb)t), its record and bytes, every second and when a
 *   checkpoint is requested (see ub_jobs_request_checkpoint()).
 * Progress ((ttttb)tats), at most every 50 ms:
 *   the record as of the last finished segment, the bytes written to the
 *   file so far, (when listing) up to UB_PRIMES_JOB_RECENT of the latest
 *   primes, and why the last checkpoint could not be saved ("" if it was). Record and bytes always agree: pausing at a progress
 *   report and resuming from it produces exactly the uninterrupted result.
 * Result ((ttttb)t): the finished record and the file's length.
 */

#define UB_PRIMES_JOB_RUN         "primes.run"
#define UB_PRIMES_JOB_PARAMS_TYPE "((ttttb)bsts)"
#define UB_PRIMES_JOB_RECENT      48

void      ub_primes_job_register (void);
GVariant *ub_primes_job_params   (const UbPrimesRecord *record,
                                  gboolean              list,
                                  const char           *path,
                                  guint64               bytes_done);
GVariant *ub_primes_job_params_resumable (const UbPrimesRecord *record,
                                          gboolean              list,
                                          const char           *path,
                                          guint64               bytes_done,
                                          const char           *checkpoint_key);

G_END_DECLS
