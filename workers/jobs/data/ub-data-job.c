/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ub-data-job-private.h"
#include "ub-error.h"


/**
 * ub_data_job_new:
 * @mode: what the job does
 *
 * Returns: (transfer full): a job with default options (chunks of
 *   %UB_DATA_JOB_DEFAULT_CHUNK_SIZE, lines of 76 characters, no preview);
 *   free it with ub_data_job_free()
 */
UbDataJob *
ub_data_job_new (UbDataMode mode)
{
  UbDataJob *job;

  g_return_val_if_fail (mode <= UB_DATA_MODE_SHA256, NULL);

  job = g_new0 (UbDataJob, 1);
  job->mode = mode;
  job->chunk_size = UB_DATA_JOB_DEFAULT_CHUNK_SIZE;
  job->wrap = UB_BASE64_DEFAULT_WRAP;
  job->in.fd = -1;
  job->out.fd = -1;
  job->error_offset = -1;
  return job;
}

static void
endpoint_clear (Endpoint *end)
{
  end->kind = ENDPOINT_NONE;
  g_clear_pointer (&end->path, g_free);
  g_clear_pointer (&end->name, g_free);
  end->fd = -1;
}

static void
endpoint_set_file (Endpoint   *end,
                   const char *path)
{
  endpoint_clear (end);
  end->kind = ENDPOINT_FILE;
  end->path = g_strdup (path);
  end->name = g_strdup (path);
}

static void
endpoint_set_fd (Endpoint   *end,
                 int         fd,
                 const char *name)
{
  endpoint_clear (end);
  end->kind = ENDPOINT_FD;
  end->fd = fd;
  end->name = g_strdup (name);
}

static void
clear_input (UbDataJob *job)
{
  endpoint_clear (&job->in);
  g_clear_pointer (&job->in_bytes, g_bytes_unref);
}

/**
 * ub_data_job_free:
 * @job: (transfer full) (nullable): a job that is not running
 */
void
ub_data_job_free (UbDataJob *job)
{
  if (job == NULL)
    return;

  clear_input (job);
  endpoint_clear (&job->out);
  if (job->out_memory != NULL)
    g_string_free (g_steal_pointer (&job->out_memory), TRUE);
  g_clear_pointer (&job->resume_partial, g_free);
  g_clear_pointer (&job->partial_output, g_free);
  g_clear_pointer (&job->keep_partial, g_free);
  g_clear_pointer (&job->out_file, ub_durable_file_free);
  g_clear_pointer (&job->head, g_free);
  g_clear_pointer (&job->tail, g_free);
  g_free (job);
}

/**
 * ub_data_job_set_chunk_size:
 * @job: a job
 * @chunk_size: input bytes per chunk; 0 restores the default
 *
 * Sets how much input is processed between two looks at the cancellable,
 * two progress reports and two checkpoints.
 */
void
ub_data_job_set_chunk_size (UbDataJob *job,
                            gsize      chunk_size)
{
  g_return_if_fail (job != NULL);
  g_return_if_fail (chunk_size <= G_MAXSIZE / 2);

  job->chunk_size = chunk_size ? chunk_size : UB_DATA_JOB_DEFAULT_CHUNK_SIZE;
}

/**
 * ub_data_job_set_wrap:
 * @job: an encoding job
 * @wrap: characters per output line, 0 for none; 76 by default, as
 *   coreutils `base64`
 */
void
ub_data_job_set_wrap (UbDataJob *job,
                      guint      wrap)
{
  g_return_if_fail (job != NULL);

  job->wrap = wrap;
}

/**
 * ub_data_job_set_preview_size:
 * @job: a job
 * @preview_size: bytes kept from the start and from the end of the output
 *
 * With a preview, ub_data_job_dup_preview() can show the output without
 * reading it back. 0 (the default) keeps none.
 */
void
ub_data_job_set_preview_size (UbDataJob *job,
                              gsize      preview_size)
{
  g_return_if_fail (job != NULL);

  job->preview_size = preview_size;
}

/**
 * ub_data_job_set_progress_func:
 * @job: a job
 * @func: (nullable) (scope call): called after each chunk
 * @user_data: data for @func
 */
void
ub_data_job_set_progress_func (UbDataJob          *job,
                               UbDataProgressFunc  func,
                               gpointer            user_data)
{
  g_return_if_fail (job != NULL);

  job->progress_func = func;
  job->progress_data = user_data;
}

/**
 * ub_data_job_set_input_file:
 * @job: a job
 * @path: the file to read
 */
void
ub_data_job_set_input_file (UbDataJob  *job,
                            const char *path)
{
  g_return_if_fail (job != NULL);
  g_return_if_fail (path != NULL);

  clear_input (job);
  endpoint_set_file (&job->in, path);
}

/**
 * ub_data_job_set_input_fd:
 * @job: a job
 * @fd: an open descriptor to read to its end; the job does not close it
 * @name: what errors call it (e.g. "-" for standard input)
 */
void
ub_data_job_set_input_fd (UbDataJob  *job,
                          int         fd,
                          const char *name)
{
  g_return_if_fail (job != NULL);
  g_return_if_fail (fd >= 0);
  g_return_if_fail (name != NULL);

  clear_input (job);
  endpoint_set_fd (&job->in, fd, name);
}

/**
 * ub_data_job_set_input_bytes:
 * @job: a job
 * @bytes: (transfer none): the input, in memory
 */
void
ub_data_job_set_input_bytes (UbDataJob *job,
                             GBytes    *bytes)
{
  g_return_if_fail (job != NULL);
  g_return_if_fail (bytes != NULL);

  clear_input (job);
  job->in.kind = ENDPOINT_BYTES;
  job->in_bytes = g_bytes_ref (bytes);
  job->in.name = g_strdup ("(memory)");
}

/**
 * ub_data_job_set_output_file:
 * @job: an encoding or decoding job
 * @path: the file to create or replace, atomically and durably (see
 *   ub-durable.h: a FIFO or a device is written straight into; a folder,
 *   or the input file itself, is refused before anything is read)
 */
void
ub_data_job_set_output_file (UbDataJob  *job,
                             const char *path)
{
  g_return_if_fail (job != NULL);
  g_return_if_fail (path != NULL);

  endpoint_set_file (&job->out, path);
}

/**
 * ub_data_job_set_output_fd:
 * @job: an encoding or decoding job
 * @fd: an open descriptor to write to; the job does not close it
 * @name: what errors call it (e.g. "-" for standard output)
 *
 * The output is written straight to @fd: there is no temporary file, so
 * whatever was written stays there if the job fails.
 */
void
ub_data_job_set_output_fd (UbDataJob  *job,
                           int         fd,
                           const char *name)
{
  g_return_if_fail (job != NULL);
  g_return_if_fail (fd >= 0);
  g_return_if_fail (name != NULL);

  endpoint_set_fd (&job->out, fd, name);
}

/**
 * ub_data_job_set_partial_output:
 * @job: a job writing to a file
 * @partial: (nullable): a partial output in the app's cache folder (made
 *   by ub_durable_dup_partial_path()), or %NULL for none
 *
 * Makes the output go to @partial until it is complete, instead of an
 * unnamed temporary file. A run that stops before the end (cancelled,
 * failed) leaves @partial for a later run to resume with.
 */
void
ub_data_job_set_partial_output (UbDataJob  *job,
                                const char *partial)
{
  g_return_if_fail (job != NULL);

  g_free (job->partial_output);
  job->partial_output = g_strdup (partial);
}

/**
 * ub_data_job_set_keep_partial:
 * @job: a job writing to a file
 * @partial: (nullable): a partial output in the app's cache folder (made
 *   by ub_durable_dup_partial_path()), or %NULL for none
 *
 * Lets the output go to the destination's own temporary file, in its
 * folder, and keeps what was written as @partial when a checkpoint is
 * saved (ub_data_job_keep_partial(): a hard link, where that is possible)
 * and when the run is cancelled (a pause, a quit: a copy if it must be),
 * for a later run to resume with. Committing removes the link. A resume
 * finds @partial missing or short when it could not be kept (a process
 * killed with the cache on another file system), and starts over.
 */
void
ub_data_job_set_keep_partial (UbDataJob  *job,
                              const char *partial)
{
  g_return_if_fail (job != NULL);

  g_free (job->keep_partial);
  job->keep_partial = g_strdup (partial);
}

/**
 * ub_data_job_keep_partial:
 * @job: a running job with ub_data_job_set_keep_partial()
 *
 * From the progress callback, when a checkpoint is saved: keeps what the
 * job wrote as its partial output now, if that costs no copy (see
 * ub_durable_file_keep_partial()), so that the checkpoint survives the
 * process being killed. A link made once stays up to date.
 *
 * Returns: whether the partial output holds all that was written
 */
gboolean
ub_data_job_keep_partial (UbDataJob *job)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (job != NULL, FALSE);

  if (job->out_file == NULL || job->keep_partial == NULL || job->partial_output != NULL ||
      ub_durable_file_is_direct (job->out_file))
    return FALSE;
  if (!ub_durable_file_keep_partial (job->out_file, job->keep_partial, FALSE, &error))
    {
      g_debug ("%s", error->message);
      return FALSE;
    }
  return TRUE;
}

/**
 * ub_data_job_set_resume:
 * @job: a job whose mode and options match the checkpoint's
 * @checkpoint: where an earlier run got to
 * @partial_path: (nullable): the earlier run's partial output, for a job
 *   writing to a file: a partial output of the app's (see
 *   ub_durable_is_partial_path()), cut back to the checkpoint's output
 *   offset, appended to, then put in place
 * @error: return location for a #GError
 *
 * Makes the next run start from @checkpoint instead of the beginning. With
 * the output in memory or on a descriptor, only the rest of the output is
 * produced.
 *
 * The offsets are checked against each other here and against the input
 * and the partial output when the job runs: a checkpoint that does not fit
 * makes the run fail with %UB_ERROR_INVALID_DATA, it never produces junk.
 *
 * Returns: %TRUE if the checkpoint suits this job
 */
gboolean
ub_data_job_set_resume (UbDataJob              *job,
                        const UbDataCheckpoint *checkpoint,
                        const char             *partial_path,
                        GError                **error)
{
  g_return_val_if_fail (job != NULL, FALSE);
  g_return_val_if_fail (checkpoint != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (checkpoint->mode != job->mode ||
      (job->mode == UB_DATA_MODE_BASE64_ENCODE &&
       (checkpoint->wrap != job->wrap || checkpoint->input_offset % 3 != 0)) ||
      (job->mode == UB_DATA_MODE_SHA256 && checkpoint->input_offset % 64 != 0))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("The checkpoint does not belong to this kind of job"));
      return FALSE;
    }

  if (partial_path != NULL && !ub_durable_is_partial_path (partial_path))
    {
      g_autofree char *name = g_filename_display_name (partial_path);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   _("The checkpoint names “%s”, which is not a partial output of Unblock’s"),
                   name);
      return FALSE;
    }

  /* Base64 makes three bytes from four characters: a decoder can never
   * have written more than that; an encoder's output is fixed by its
   * input (checked when the run starts). */
  if (job->mode == UB_DATA_MODE_BASE64_DECODE &&
      checkpoint->output_offset > checkpoint->input_offset / 4 * 3 + 3)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                   _("The checkpoint claims %llu bytes decoded from %llu"),
                   (unsigned long long) checkpoint->output_offset,
                   (unsigned long long) checkpoint->input_offset);
      return FALSE;
    }

  job->resume = TRUE;
  job->resume_point = *checkpoint;
  g_free (job->resume_partial);
  job->resume_partial = g_strdup (partial_path);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Results                                                            */

/**
 * ub_data_job_steal_output:
 * @job: a job that ran with no output set
 *
 * Returns: (transfer full) (nullable): the output kept in memory
 */
GBytes *
ub_data_job_steal_output (UbDataJob *job)
{
  g_return_val_if_fail (job != NULL, NULL);

  if (job->out_memory == NULL)
    return NULL;
  return g_string_free_to_bytes (g_steal_pointer (&job->out_memory));
}

/**
 * ub_data_job_get_sha256_hex:
 * @job: a hashing job that succeeded
 *
 * Returns: (transfer none) (nullable): the digest as 64 lower-case hex
 *   digits, or %NULL before a successful run
 */
const char *
ub_data_job_get_sha256_hex (UbDataJob *job)
{
  g_return_val_if_fail (job != NULL, NULL);

  return job->have_digest ? job->digest_hex : NULL;
}

/**
 * ub_data_job_get_sha256:
 * @job: a hashing job that succeeded
 *
 * Returns: (transfer none) (nullable): the 32-byte digest
 */
const guint8 *
ub_data_job_get_sha256 (UbDataJob *job)
{
  g_return_val_if_fail (job != NULL, NULL);

  return job->have_digest ? job->digest : NULL;
}

/**
 * ub_data_job_get_bytes_read:
 * @job: a job
 *
 * Returns: the input offset reached, from the start of the stream
 */
guint64
ub_data_job_get_bytes_read (UbDataJob *job)
{
  g_return_val_if_fail (job != NULL, 0);

  return job->bytes_read;
}

/**
 * ub_data_job_get_bytes_written:
 * @job: a job
 *
 * Returns: the size of the output so far (with a resumed output file, from
 *   its start)
 */
guint64
ub_data_job_get_bytes_written (UbDataJob *job)
{
  g_return_val_if_fail (job != NULL, 0);

  return job->bytes_written;
}

/**
 * ub_data_job_get_error_offset:
 * @job: a decoding job that failed
 *
 * Returns: the input offset of the byte that made decoding fail, or -1 if
 *   the failure was not about the data
 */
gint64
ub_data_job_get_error_offset (UbDataJob *job)
{
  g_return_val_if_fail (job != NULL, -1);

  return job->error_offset;
}

/**
 * ub_data_job_get_checkpoint:
 * @job: a running job (call it from the progress callback)
 * @checkpoint: (out caller-allocates): where the job could restart from
 *
 * Returns: %TRUE if @checkpoint was filled in
 */
gboolean
ub_data_job_get_checkpoint (UbDataJob        *job,
                            UbDataCheckpoint *checkpoint)
{
  g_return_val_if_fail (job != NULL, FALSE);
  g_return_val_if_fail (checkpoint != NULL, FALSE);

  memset (checkpoint, 0, sizeof *checkpoint);
  checkpoint->mode = job->mode;
  checkpoint->wrap = job->wrap;

  switch (job->mode)
    {
    case UB_DATA_MODE_BASE64_ENCODE:
      ub_base64_encoder_get_resume (&job->encoder, &checkpoint->input_offset,
                                    &checkpoint->output_offset);
      break;
    case UB_DATA_MODE_BASE64_DECODE:
      ub_base64_decoder_get_resume (&job->decoder, &checkpoint->input_offset,
                                    &checkpoint->output_offset);
      break;
    case UB_DATA_MODE_SHA256:
      ub_sha256_get_resume (&job->sha, checkpoint->sha256_state,
                            &checkpoint->input_offset);
      break;
    default:
      g_assert_not_reached ();
    }

  return TRUE;
}

/**
 * ub_data_job_get_partial_path:
 * @job: a running job writing to a file
 *
 * Returns: (transfer none) (nullable): the partial output the job writes
 *   to while it runs (see ub_data_job_set_partial_output()); %NULL when the
 *   output goes to an unnamed temporary file
 */
const char *
ub_data_job_get_partial_path (UbDataJob *job)
{
  g_return_val_if_fail (job != NULL, NULL);

  return job->out_file != NULL ? job->partial_output : NULL;
}

/**
 * ub_data_job_dup_preview:
 * @job: a job with a preview size
 * @head: (out) (transfer full) (optional): the first bytes of the output
 * @tail: (out) (transfer full) (optional): the last bytes of the output
 *
 * The two never overlap: when the whole output fits in twice the preview
 * size, @head followed by @tail is all of it.
 */
void
ub_data_job_dup_preview (UbDataJob  *job,
                         GBytes    **head,
                         GBytes    **tail)
{
  gsize tail_len;
  guint8 *t;

  g_return_if_fail (job != NULL);

  if (head != NULL)
    *head = g_bytes_new (job->head, job->head_len);

  if (tail == NULL)
    return;

  tail_len = (gsize) MIN ((guint64) job->preview_size, job->preview_total - job->head_len);
  t = g_malloc (tail_len + 1);
  /* The last tail_len bytes end just before tail_pos, in the ring. */
  for (gsize i = 0; i < tail_len; i++)
    {
      gsize pos = (job->tail_pos + job->preview_size - tail_len + i) % job->preview_size;

      t[i] = job->tail[pos];
    }
  *tail = g_bytes_new_take (t, tail_len);
}
