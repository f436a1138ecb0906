/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ub-data-job.h"
#include "ub-job.h"

G_BEGIN_DECLS

/*
 * "data.run": base64 encode/decode or SHA-256 of a file or of bytes.
 *   Parameters (uusaysa{sv}): mode (UbDataMode), wrap, input path ("" to
 *     use the bytes instead), input bytes, output path ("" for SHA-256),
 *     and where to resume from: empty to start afresh, else the "resume"
 *     entry of a saved record (see below).
 *   Progress (txs): input bytes done, input size (-1 if unknown), and why
 *     the last checkpoint could not be saved ("" if it was).
 *   A job reading a file saves a record under UB_DATA_JOBS_STATE_KEY every
 *   second and when a checkpoint is requested: a{sv} with "mode", "wrap",
 *   "input", "output", "total" and "resume" (a{sv}: "input-offset",
 *   "output-offset", "sha256-state", "partial", "identity" and
 *   "output-identity", what ub_data_identity_dup_output() saw of the file
 *   the result replaces). The output is written to a temporary file in the
 *   destination's folder and put in place when done; what it wrote is kept
 *   as UB_DATA_JOBS_PARTIAL_NAME in the app's cache (see
 *   ub_durable_dup_partial_path()) with each checkpoint when that costs no
 *   copy (a hard link), and when the job is stopped (cancelled: a pause, a
 *   quit) otherwise. A resumed job checks the input against
 *   "identity" (UbDataIdentity), the destination against
 *   "output-identity", and the offsets against the input and the partial
 *   file, cuts that back to the checkpoint and appends, then moves it into
 *   place. "partial" is informative: it is never read.
 *   Result (ttsayay): bytes read, bytes written, SHA-256 in hex ("" unless
 *     hashing), the first and the last UB_DATA_JOBS_PREVIEW bytes of the
 *     output.
 *
 * "data.random": writes pseudo-random bytes to a file, atomically.
 *   Parameters (stt): path, size in bytes, seed.
 *   Progress (tx): bytes done, size.
 *   Result (t): bytes written.
 *
 * Callers build parameters and read progress and results with the
 * functions below, so that the type strings are spelled only here.
 */

#define UB_DATA_JOB_RUN           "data.run"
#define UB_DATA_JOB_RUN_TYPE      "(uusaysa{sv})"
#define UB_DATA_JOBS_STATE_KEY    "data.job"
#define UB_DATA_JOBS_PARTIAL_NAME "data.job.part"
#define UB_DATA_JOB_RANDOM        "data.random"
#define UB_DATA_JOB_RANDOM_TYPE   "(stt)"
#define UB_DATA_JOBS_PREVIEW      (4 * 1024)

void      ub_data_jobs_register          (void);

GVariant *ub_data_run_params_new         (UbDataMode    mode,
                                          guint         wrap,
                                          const char   *input_path,
                                          GBytes       *input_bytes,
                                          const char   *output_path,
                                          GVariant     *resume);
void      ub_data_run_result_parse       (GVariant     *result,
                                          guint64      *bytes_read,
                                          guint64      *bytes_written,
                                          const char  **sha256_hex,
                                          GBytes      **head,
                                          GBytes      **tail);

GVariant *ub_data_random_params_new      (const char   *path,
                                          guint64       size,
                                          guint64       seed);
guint64   ub_data_random_result_parse    (GVariant     *result);

void      ub_data_progress_parse         (GVariant     *progress,
                                          guint64      *done,
                                          gint64       *total,
                                          const char  **checkpoint_error);

G_END_DECLS
