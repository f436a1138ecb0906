/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ub-data-job.h"
#include "ub-job.h"

G_BEGIN_DECLS

/*
 * "data.stream": base64 encode/decode or SHA-256 from a file or a
 * descriptor to a file or a descriptor, as a command line does; no preview,
 * no checkpoint. Descriptors belong to the process (workers are threads of
 * it): the job neither closes nor keeps them.
 *
 *   Parameters (uuisis): mode (UbDataMode), wrap, input descriptor (-1 to
 *     open the input path instead), input path or the descriptor's name,
 *     output descriptor (-1 to write the output path; unused for
 *     SHA-256), output path or the descriptor's name.
 *   Progress (tx): input bytes done, input size (-1 if unknown); read it
 *     with ub_data_progress_parse().
 *   Result (tts): bytes read, bytes written, SHA-256 in hex ("" unless
 *     hashing).
 *
 * A file written by name appears only when complete (see UbDataJob); a
 * cancelled job leaves nothing behind.
 */

#define UB_DATA_JOB_STREAM      "data.stream"
#define UB_DATA_JOB_STREAM_TYPE "(uuisis)"

void      ub_data_stream_job_register (void);

GVariant *ub_data_stream_params_new   (UbDataMode    mode,
                                       guint         wrap,
                                       int           input_fd,
                                       const char   *input,
                                       int           output_fd,
                                       const char   *output);
void      ub_data_stream_result_parse (GVariant     *result,
                                       guint64      *bytes_read,
                                       guint64      *bytes_written,
                                       const char  **sha256_hex);

G_END_DECLS
