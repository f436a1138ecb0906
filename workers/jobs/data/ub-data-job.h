/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * UbDataJob: base64 encode/decode or SHA-256 over a stream of any size, a
 * chunk at a time, with progress, cancellation between chunks, an atomic
 * output file and a bounded preview of the output.
 *
 * Set it up (mode, input, output, options), call ub_data_job_run(), then
 * read the results. Memory use is two chunk-sized buffers and the preview,
 * whatever the size of the input (unless the output is kept in memory).
 *
 * Output to a file goes through UbDurableFile (ub-durable.h): an unnamed
 * temporary file, fsync()ed and put in place of the destination on
 * success, gone on error or cancellation, so the destination is never seen
 * half-written. With ub_data_job_set_partial_output() it goes to a named
 * partial file in the app's cache instead, kept when the run stops; with
 * ub_data_job_set_keep_partial() it goes to the temporary file and is kept
 * as a partial file only when the run is cancelled.
 *
 * Resuming: between chunks, ub_data_job_get_checkpoint() describes a point
 * from which ub_data_job_set_resume() lets a new job carry on: it reads the
 * input from the checkpoint's input offset and appends to the partial output
 * cut back to the checkpoint's output offset. Every offset is checked
 * against the input and the partial output before a byte is written.
 *
 * Threads: a job belongs to the thread that runs it; nothing in it is
 * locked. The progress callback runs on that thread, between chunks; it may
 * call the getters (checkpoint, preview, partial path) and
 * ub_data_job_keep_partial(), and nothing else.
 */

typedef enum
{
  UB_DATA_MODE_BASE64_ENCODE,
  UB_DATA_MODE_BASE64_DECODE,
  UB_DATA_MODE_SHA256,
} UbDataMode;

#define UB_DATA_JOB_DEFAULT_CHUNK_SIZE (1024 * 1024)

/**
 * UbDataCheckpoint:
 * @mode: the job's mode
 * @wrap: the line length of an encoding job
 * @input_offset: input bytes fully accounted for; a resumed job reads on
 *   from here
 * @output_offset: output bytes that belong to them; a resumed job cuts the
 *   partial output back to this length and appends
 * @sha256_state: for %UB_DATA_MODE_SHA256, the midstate after @input_offset
 *   bytes
 *
 * A small, self-contained record: store it (with the input path and the
 * partial output path) and a later run can restart from it.
 */
typedef struct
{
  UbDataMode mode;
  guint      wrap;
  guint64    input_offset;
  guint64    output_offset;
  guint32    sha256_state[8];
} UbDataCheckpoint;

typedef struct _UbDataJob UbDataJob;

/**
 * UbDataProgressFunc:
 * @job: the running job
 * @done: input bytes consumed so far, from the start of the stream
 * @total: the input size, or -1 if it is not known (a pipe)
 * @user_data: the data given with the function
 *
 * Called after each chunk, on the job's thread.
 */
typedef void (*UbDataProgressFunc) (UbDataJob *job,
                                    guint64    done,
                                    gint64     total,
                                    gpointer   user_data);

UbDataJob    *ub_data_job_new                (UbDataMode              mode);
void          ub_data_job_free               (UbDataJob              *job);

void          ub_data_job_set_chunk_size     (UbDataJob              *job,
                                              gsize                   chunk_size);
void          ub_data_job_set_wrap           (UbDataJob              *job,
                                              guint                   wrap);
void          ub_data_job_set_preview_size   (UbDataJob              *job,
                                              gsize                   preview_size);
void          ub_data_job_set_progress_func  (UbDataJob              *job,
                                              UbDataProgressFunc      func,
                                              gpointer                user_data);

void          ub_data_job_set_input_file     (UbDataJob              *job,
                                              const char             *path);
void          ub_data_job_set_input_fd       (UbDataJob              *job,
                                              int                     fd,
                                              const char             *name);
void          ub_data_job_set_input_bytes    (UbDataJob              *job,
                                              GBytes                 *bytes);
void          ub_data_job_set_output_file    (UbDataJob              *job,
                                              const char             *path);
void          ub_data_job_set_output_fd      (UbDataJob              *job,
                                              int                     fd,
                                              const char             *name);
void          ub_data_job_set_partial_output (UbDataJob              *job,
                                              const char             *partial);
void          ub_data_job_set_keep_partial   (UbDataJob              *job,
                                              const char             *partial);
gboolean      ub_data_job_keep_partial       (UbDataJob              *job);
gboolean      ub_data_job_set_resume         (UbDataJob              *job,
                                              const UbDataCheckpoint *checkpoint,
                                              const char             *partial_path,
                                              GError                **error);

gboolean      ub_data_job_run                (UbDataJob              *job,
                                              GCancellable           *cancellable,
                                              GError                **error);

GBytes       *ub_data_job_steal_output       (UbDataJob              *job);
const char   *ub_data_job_get_sha256_hex     (UbDataJob              *job);
const guint8 *ub_data_job_get_sha256         (UbDataJob              *job);
guint64       ub_data_job_get_bytes_read     (UbDataJob              *job);
guint64       ub_data_job_get_bytes_written  (UbDataJob              *job);
gint64        ub_data_job_get_error_offset   (UbDataJob              *job);
gboolean      ub_data_job_get_checkpoint     (UbDataJob              *job,
                                              UbDataCheckpoint       *checkpoint);
const char   *ub_data_job_get_partial_path   (UbDataJob              *job);
void          ub_data_job_dup_preview        (UbDataJob              *job,
                                              GBytes                **head,
                                              GBytes                **tail);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UbDataJob, ub_data_job_free)

G_END_DECLS
