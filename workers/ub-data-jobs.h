/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ub-data-job.h"
#include "ub-job.h"

G_BEGIN_DECLS

/*
 * "data.run": base64 encode/decode or SHA-256 of a file or of bytes.
 *   Parameters (uusays): mode (UbDataMode), wrap, input path ("" to use the
 *     bytes instead), input bytes, output path ("" for SHA-256).
 *   Progress (tx): input bytes done, input size (-1 if unknown).
 *   Result (ttsayay): bytes read, bytes written, SHA-256 in hex ("" unless
 *     hashing), the first and the last UB_DATA_JOBS_PREVIEW bytes of the
 *     output.
 *
 * "data.random": writes pseudo-random bytes to a file, atomically.
 *   Parameters (stt): path, size in bytes, seed.
 *   Progress (tx): bytes done, size.
 *   Result (t): bytes written.
 */

#define UB_DATA_JOB_RUN           "data.run"
#define UB_DATA_JOB_RUN_TYPE      "(uusays)"
#define UB_DATA_JOB_RANDOM        "data.random"
#define UB_DATA_JOB_RANDOM_TYPE   "(stt)"
#define UB_DATA_JOBS_PREVIEW      (4 * 1024)

void ub_data_jobs_register (void);

G_END_DECLS
