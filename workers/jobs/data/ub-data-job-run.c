/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ub-base64.h"
#include "ub-data-job.h"
#include "ub-error.h"
#include "ub-sha256.h"

typedef enum
{
  ENDPOINT_NONE,   /* output only: kept in memory */
  ENDPOINT_FILE,
  ENDPOINT_FD,
  ENDPOINT_BYTES,  /* input only */
} EndpointKind;

/* Owned by the thread that runs the job; nothing here is shared. */
struct _UbDataJob
{
  UbDataMode          mode;
  gsize               chunk_size;
  guint               wrap;
  gboolean            sync;
  UbDataProgressFunc  progress_func;
  gpointer            progress_data;

  /* Input */
  EndpointKind        in_kind;
  char               *in_path;        /* (owned) for ENDPOINT_FILE */
  char               *in_name;        /* (owned) the name errors use */
  int                 in_fd;          /* for ENDPOINT_FD (not owned) */
  GBytes             *in_bytes;       /* (owned) for ENDPOINT_BYTES */

  /* Output */
  EndpointKind        out_kind;
  char               *out_path;       /* (owned) for ENDPOINT_FILE */
  char               *out_name;       /* (owned) the name errors use */
  int                 out_fd;         /* for ENDPOINT_FD (not owned) */
  GString            *out_memory;     /* (owned) for ENDPOINT_NONE; a GString
                                       * because its length is a gsize */

  /* Resuming */
  gboolean            resume;
  UbDataCheckpoint    resume_point;
  char               *resume_partial; /* (owned) (nullable) */

  /* State of a run */
  UbBase64Encoder     encoder;
  UbBase64Decoder     decoder;
  UbSha256            sha;
  char               *partial_path;   /* (owned) (nullable) the temporary output */
  guint64             bytes_read;     /* from the start of the stream */
  guint64             bytes_written;  /* from the start of the output */
  gint64              error_offset;
  guint8              digest[UB_SHA256_DIGEST_SIZE];
  char                digest_hex[UB_SHA256_HEX_SIZE];
  gboolean            have_digest;

  /* Preview: the first and the last preview_size bytes of the output */
  gsize               preview_size;
  guint8             *head;           /* (owned) */
  gsize               head_len;
  guint8             *tail;           /* (owned) a ring of preview_size bytes */
  gsize               tail_pos;       /* where the next byte goes */
  guint64             preview_total;  /* output bytes the preview has seen */
};

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
  job->in_fd = -1;
  job->out_fd = -1;
  job->error_offset = -1;
  return job;
}

static void
clear_input (UbDataJob *job)
{
  job->in_kind = ENDPOINT_NONE;
  g_clear_pointer (&job->in_path, g_free);
  g_clear_pointer (&job->in_name, g_free);
  g_clear_pointer (&job->in_bytes, g_bytes_unref);
  job->in_fd = -1;
}

static void
clear_output (UbDataJob *job)
{
  job->out_kind = ENDPOINT_NONE;
  g_clear_pointer (&job->out_path, g_free);
  g_clear_pointer (&job->out_name, g_free);
  job->out_fd = -1;
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
  clear_output (job);
  if (job->out_memory != NULL)
    g_string_free (g_steal_pointer (&job->out_memory), TRUE);
  g_clear_pointer (&job->resume_partial, g_free);
  g_clear_pointer (&job->partial_path, g_free);
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
 * ub_data_job_set_sync:
 * @job: a job
 * @sync: %TRUE to fsync() the output file before renaming it into place
 */
void
ub_data_job_set_sync (UbDataJob *job,
                      gboolean   sync)
{
  g_return_if_fail (job != NULL);

  job->sync = !!sync;
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
  job->in_kind = ENDPOINT_FILE;
  job->in_path = g_strdup (path);
  job->in_name = g_strdup (path);
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
  job->in_kind = ENDPOINT_FD;
  job->in_fd = fd;
  job->in_name = g_strdup (name);
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
  job->in_kind = ENDPOINT_BYTES;
  job->in_bytes = g_bytes_ref (bytes);
  job->in_name = g_strdup ("(memory)");
}

/**
 * ub_data_job_set_output_file:
 * @job: an encoding or decoding job
 * @path: the file to create or replace, atomically
 */
void
ub_data_job_set_output_file (UbDataJob  *job,
                             const char *path)
{
  g_return_if_fail (job != NULL);
  g_return_if_fail (path != NULL);

  clear_output (job);
  job->out_kind = ENDPOINT_FILE;
  job->out_path = g_strdup (path);
  job->out_name = g_strdup (path);
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

  clear_output (job);
  job->out_kind = ENDPOINT_FD;
  job->out_fd = fd;
  job->out_name = g_strdup (name);
}

/**
 * ub_data_job_set_resume:
 * @job: a job whose mode and options match the checkpoint's
 * @checkpoint: where an earlier run got to
 * @partial_path: (nullable): the earlier run's partial output, for a job
 *   writing to a file; it is appended to, then renamed into place
 * @error: return location for a #GError
 *
 * Makes the next run start from @checkpoint instead of the beginning. With
 * the output in memory or on a descriptor, only the rest of the output is
 * produced.
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
                           "The checkpoint does not belong to this kind of job");
      return FALSE;
    }

  job->resume = TRUE;
  job->resume_point = *checkpoint;
  g_free (job->resume_partial);
  job->resume_partial = g_strdup (partial_path);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Running                                                            */

static gboolean
set_errno_error (GError    **error,
                 int         errsv,
                 const char *name,
                 const char *what)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
               "%s: %s: %s", name, what, g_strerror (errsv));
  return FALSE;
}

/* Reads until @buf is full or the input ends; -1 on error (errno set). */
static gssize
read_full (int    fd,
           void  *buf,
           gsize  len)
{
  gsize done = 0;

  while (done < len)
    {
      gssize n = read (fd, (guint8 *) buf + done, len - done);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return -1;
        }
      if (n == 0)
        break;
      done += n;
    }

  return (gssize) done;
}

static gboolean
write_all (int          fd,
           const void  *buf,
           gsize        len)
{
  const guint8 *p = buf;

  while (len > 0)
    {
      gssize n = write (fd, p, len);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return FALSE;
        }
      p += n;
      len -= n;
    }

  return TRUE;
}

static void
preview_feed (UbDataJob    *job,
              const guint8 *data,
              gsize         len)
{
  gsize size = job->preview_size;

  if (size == 0 || len == 0)
    return;

  if (job->head_len < size)
    {
      gsize k = MIN (len, size - job->head_len);

      memcpy (job->head + job->head_len, data, k);
      job->head_len += k;
    }

  job->preview_total += len;
  if (len >= size)
    {
      memcpy (job->tail, data + len - size, size);
      job->tail_pos = 0;
    }
  else
    {
      gsize first = MIN (len, size - job->tail_pos);

      memcpy (job->tail + job->tail_pos, data, first);
      memcpy (job->tail, data + first, len - first);
      job->tail_pos = (job->tail_pos + len) % size;
    }
}

/* Hands one piece of output on: to the file or descriptor, or to memory. */
static gboolean
emit (UbDataJob    *job,
      int           out_fd,
      const guint8 *data,
      gsize         len,
      GError      **error)
{
  if (len == 0)
    return TRUE;

  if (job->out_kind == ENDPOINT_NONE)
    g_string_append_len (job->out_memory, (const char *) data, (gssize) len);
  else if (!write_all (out_fd, data, len))
    return set_errno_error (error, errno, job->out_name, "write failed");

  job->bytes_written += len;
  preview_feed (job, data, len);
  return TRUE;
}

/* Runs one chunk of input through the coder; @out holds its output. */
static gboolean
process (UbDataJob    *job,
         int           out_fd,
         const guint8 *in,
         gsize         len,
         guint8       *out,
         GError      **error)
{
  gsize n = 0;

  switch (job->mode)
    {
    case UB_DATA_MODE_BASE64_ENCODE:
      n = ub_base64_encoder_update (&job->encoder, in, len, (char *) out);
      return emit (job, out_fd, out, n, error);

    case UB_DATA_MODE_BASE64_DECODE:
      {
        GError *local_error = NULL;
        gboolean ok = ub_base64_decoder_update (&job->decoder, (const char *) in, len,
                                                out, &n, &local_error);

        /* What decoded before the bad byte is kept: it is correct. */
        if (!emit (job, out_fd, out, n, error))
          {
            g_clear_error (&local_error);
            return FALSE;
          }
        if (!ok)
          {
            job->error_offset = (gint64) ub_base64_decoder_get_error_offset (&job->decoder);
            g_propagate_prefixed_error (error, local_error, "%s: ", job->in_name);
            return FALSE;
          }
        return TRUE;
      }

    case UB_DATA_MODE_SHA256:
      ub_sha256_update (&job->sha, in, len);
      return TRUE;

    default:
      g_assert_not_reached ();
    }
}

static gboolean
finish (UbDataJob  *job,
        int         out_fd,
        guint8     *out,
        GError    **error)
{
  switch (job->mode)
    {
    case UB_DATA_MODE_BASE64_ENCODE:
      {
        gsize n = ub_base64_encoder_finish (&job->encoder, (char *) out);

        return emit (job, out_fd, out, n, error);
      }

    case UB_DATA_MODE_BASE64_DECODE:
      if (!ub_base64_decoder_finish (&job->decoder, error))
        {
          job->error_offset = (gint64) ub_base64_decoder_get_error_offset (&job->decoder);
          g_prefix_error (error, "%s: ", job->in_name);
          return FALSE;
        }
      return TRUE;

    case UB_DATA_MODE_SHA256:
      ub_sha256_finish (&job->sha, job->digest);
      ub_sha256_to_hex (job->digest, job->digest_hex);
      job->have_digest = TRUE;
      return TRUE;

    default:
      g_assert_not_reached ();
    }
}

static void
reset_state (UbDataJob *job)
{
  guint64 in_off = job->resume ? job->resume_point.input_offset : 0;
  guint64 out_off = job->resume ? job->resume_point.output_offset : 0;

  if (job->resume && job->mode == UB_DATA_MODE_BASE64_ENCODE)
    ub_base64_encoder_init_at (&job->encoder, job->wrap, in_off);
  else
    ub_base64_encoder_init (&job->encoder, job->wrap);

  if (job->resume)
    ub_base64_decoder_init_at (&job->decoder, in_off, out_off);
  else
    ub_base64_decoder_init (&job->decoder);

  if (job->resume && job->mode == UB_DATA_MODE_SHA256)
    ub_sha256_init_at (&job->sha, job->resume_point.sha256_state, in_off);
  else
    ub_sha256_init (&job->sha);

  job->bytes_read = in_off;
  job->bytes_written = (job->resume && job->out_kind == ENDPOINT_FILE) ? out_off : 0;
  job->error_offset = -1;
  job->have_digest = FALSE;
  job->digest_hex[0] = '\0';

  if (job->out_memory != NULL)
    g_string_free (g_steal_pointer (&job->out_memory), TRUE);
  if (job->out_kind == ENDPOINT_NONE && job->mode != UB_DATA_MODE_SHA256)
    job->out_memory = g_string_new (NULL);

  g_clear_pointer (&job->head, g_free);
  g_clear_pointer (&job->tail, g_free);
  job->head_len = 0;
  job->tail_pos = 0;
  job->preview_total = 0;
  if (job->preview_size > 0)
    {
      job->head = g_malloc (job->preview_size);
      job->tail = g_malloc (job->preview_size);
    }
}

/* Opens the output: a fresh temporary file beside the destination, or the
 * partial file of a resumed run cut back to its checkpoint. */
static int
open_output_file (UbDataJob  *job,
                  GError    **error)
{
  int fd;

  if (job->resume && job->resume_partial != NULL)
    {
      fd = g_open (job->resume_partial, O_WRONLY | O_CLOEXEC, 0);
      if (fd < 0)
        {
          set_errno_error (error, errno, job->resume_partial, "cannot open");
          return -1;
        }
      if (ftruncate (fd, (off_t) job->resume_point.output_offset) != 0 ||
          lseek (fd, 0, SEEK_END) < 0)
        {
          int errsv = errno;

          close (fd);
          set_errno_error (error, errsv, job->resume_partial, "cannot resume");
          return -1;
        }
      job->partial_path = g_strdup (job->resume_partial);
      return fd;
    }

  {
    g_autofree char *dir = g_path_get_dirname (job->out_path);
    g_autofree char *base = g_path_get_basename (job->out_path);
    g_autofree char *name = g_strdup_printf (".%s.XXXXXX", base);
    g_autofree char *tmpl = g_build_filename (dir, name, NULL);

    /* g_mkstemp_full() creates with @mode under the umask, as creat() does. */
    fd = g_mkstemp_full (tmpl, O_WRONLY | O_CLOEXEC, 0666);
    if (fd < 0)
      {
        g_autofree char *what = g_strdup_printf ("cannot create a file in “%s”", dir);

        set_errno_error (error, errno, job->out_name, what);
        return -1;
      }
    job->partial_path = g_steal_pointer (&tmpl);
  }

  return fd;
}

static void
discard_partial (UbDataJob *job)
{
  if (job->partial_path != NULL)
    {
      g_unlink (job->partial_path);
      g_clear_pointer (&job->partial_path, g_free);
    }
}

static void
report_progress (UbDataJob *job,
                 gint64     total)
{
  if (job->progress_func != NULL)
    job->progress_func (job, job->bytes_read, total, job->progress_data);
}

/**
 * ub_data_job_run:
 * @job: a job with an input, and an output unless it hashes
 * @cancellable: (nullable): looked at before each chunk
 * @error: return location for a #GError
 *
 * Runs the job to the end of its input on the calling thread. Errors name
 * the file they concern ("in.b64: invalid character “!” at byte offset
 * 13"); a cancelled run fails with %G_IO_ERROR_CANCELLED. Either way, a
 * temporary output file is removed.
 *
 * Returns: %TRUE on success
 */
gboolean
ub_data_job_run (UbDataJob     *job,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autofree guint8 *in_buf = NULL;
  g_autofree guint8 *out_buf = NULL;
  gsize chunk;
  gsize out_size;
  int in_fd = -1;
  int out_fd = -1;
  gboolean close_in = FALSE;
  gboolean ok = FALSE;
  gint64 total = -1;
  guint64 in_off;

  g_return_val_if_fail (job != NULL, FALSE);
  g_return_val_if_fail (job->in_kind != ENDPOINT_NONE, FALSE);
  g_return_val_if_fail (job->mode != UB_DATA_MODE_SHA256 || job->out_kind == ENDPOINT_NONE, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_clear_pointer (&job->partial_path, g_free);
  reset_state (job);
  in_off = job->bytes_read;
  chunk = job->chunk_size;

  /* The output buffer holds what one chunk can give, plus the ending. */
  if (job->mode == UB_DATA_MODE_BASE64_ENCODE)
    out_size = ub_base64_encoder_bound (&job->encoder, chunk + 2) + 16;
  else if (job->mode == UB_DATA_MODE_BASE64_DECODE)
    out_size = ub_base64_decoder_bound (chunk);
  else
    out_size = 0;
  out_buf = out_size ? g_malloc (out_size) : NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    goto out;

  /* Input */
  if (job->in_kind == ENDPOINT_FILE)
    {
      in_fd = g_open (job->in_path, O_RDONLY | O_CLOEXEC, 0);
      if (in_fd < 0)
        {
          set_errno_error (error, errno, job->in_name, "cannot open");
          goto out;
        }
      close_in = TRUE;
    }
  else if (job->in_kind == ENDPOINT_FD)
    {
      in_fd = job->in_fd;
    }
  else
    {
      total = (gint64) g_bytes_get_size (job->in_bytes);
    }

  if (in_fd >= 0)
    {
      struct stat st;

      if (fstat (in_fd, &st) == 0 && S_ISREG (st.st_mode))
        total = st.st_size;
      posix_fadvise (in_fd, 0, 0, POSIX_FADV_SEQUENTIAL);
      if (in_off > 0 && lseek (in_fd, (off_t) in_off, SEEK_SET) < 0)
        {
          set_errno_error (error, errno, job->in_name, "cannot seek to the checkpoint");
          goto out;
        }
      in_buf = g_malloc (chunk);
    }

  /* Output */
  if (job->out_kind == ENDPOINT_FILE)
    {
      out_fd = open_output_file (job, error);
      if (out_fd < 0)
        goto out;
    }
  else if (job->out_kind == ENDPOINT_FD)
    {
      out_fd = job->out_fd;
    }

  for (;;)
    {
      const guint8 *data;
      gsize len;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto out;

      if (in_fd >= 0)
        {
          gssize n = read_full (in_fd, in_buf, chunk);

          if (n < 0)
            {
              set_errno_error (error, errno, job->in_name, "read failed");
              goto out;
            }
          data = in_buf;
          len = (gsize) n;
        }
      else
        {
          gsize size;
          const guint8 *all = g_bytes_get_data (job->in_bytes, &size);

          if (job->bytes_read > size)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "%s: the checkpoint lies past the end of the input",
                           job->in_name);
              goto out;
            }
          data = all + job->bytes_read;
          len = MIN (chunk, size - job->bytes_read);
        }

      if (len == 0)
        break;

      if (!process (job, out_fd, data, len, out_buf, error))
        goto out;
      job->bytes_read += len;
      report_progress (job, total);
    }

  /* A regular file that ends early was cut short while we read it. */
  if (total >= 0 && job->bytes_read < (guint64) total)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "%s: read failed: the file shrank from %" G_GINT64_FORMAT
                   " to %" G_GUINT64_FORMAT " bytes while being read",
                   job->in_name, total, job->bytes_read);
      goto out;
    }

  if (!finish (job, out_fd, out_buf, error))
    goto out;

  if (job->out_kind == ENDPOINT_FILE)
    {
      int fd = out_fd;

      out_fd = -1;
      if (job->sync && fsync (fd) != 0)
        {
          set_errno_error (error, errno, job->out_name, "fsync failed");
          close (fd);
          goto out;
        }
      if (close (fd) != 0)
        {
          set_errno_error (error, errno, job->out_name, "write failed");
          goto out;
        }
      if (g_rename (job->partial_path, job->out_path) != 0)
        {
          set_errno_error (error, errno, job->out_name, "cannot rename the finished output into place");
          goto out;
        }
      g_clear_pointer (&job->partial_path, g_free);
    }

  ok = TRUE;

out:
  /* A checkpoint serves one run. */
  job->resume = FALSE;
  if (close_in)
    close (in_fd);
  if (job->out_kind == ENDPOINT_FILE && out_fd >= 0)
    close (out_fd);
  if (!ok)
    discard_partial (job);
  return ok;
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
 * Returns: (transfer none) (nullable): the temporary file the output goes
 *   to until it is renamed into place
 */
const char *
ub_data_job_get_partial_path (UbDataJob *job)
{
  g_return_val_if_fail (job != NULL, NULL);

  return job->partial_path;
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
