/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ub-data-job-private.h"
#include "ub-error.h"

/* Running a UbDataJob: reading the input a chunk at a time, the coders,
 * the output (through UbDurableFile) and the preview. */

/* ------------------------------------------------------------------ */
/* Running                                                            */

/* "NAME: WHAT: the system's reason", the form every data error takes. */
static gboolean
set_errno_error (GError    **error,
                 int         errsv,
                 const char *name,
                 const char *what)
{
  ub_set_error_from_errno (error, errsv, "%s: %s", name, what);
  return FALSE;
}

/* How often a read that waits on a silent pipe looks at the cancellable. */
#define CANCEL_CHECK_MS 50

/* Reads until @buf is full or the input ends; -1 on error (errno set).
 * For an input that can keep a read waiting (a pipe, a FIFO, a terminal),
 * @cancellable is not %NULL: each read first waits for data, looking at
 * @cancellable every CANCEL_CHECK_MS, and a cancel fails the read with
 * ECANCELED within that time however long the writer stays silent.
 * (g_cancellable_make_pollfd() would wake it at the very moment, but the
 * descriptor then passes between threads under GLib's locks, which
 * ThreadSanitizer cannot see.) */
static gssize
read_full (int           fd,
           void         *buf,
           gsize         len,
           GCancellable *cancellable)
{
  gsize done = 0;

  while (done < len)
    {
      gssize n;

      if (cancellable != NULL)
        {
          struct pollfd pfd = { .fd = fd, .events = POLLIN };
          int ready = poll (&pfd, 1, CANCEL_CHECK_MS);

          if (ready < 0 && errno != EINTR)
            return -1;
          if (g_cancellable_is_cancelled (cancellable))
            {
              errno = ECANCELED;
              return -1;
            }
          if (ready <= 0)
            continue;
        }

      n = read (fd, (guint8 *) buf + done, len - done);
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

  if (job->out.kind == ENDPOINT_NONE)
    g_string_append_len (job->out_memory, (const char *) data, (gssize) len);
  else if (job->out_file != NULL)
    {
      if (!ub_durable_file_write (job->out_file, data, len, error))
        return FALSE;
    }
  else if (!write_all (out_fd, data, len))
    return set_errno_error (error, errno, job->out.name, _("cannot write"));

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
            g_propagate_prefixed_error (error, local_error, "%s: ", job->in.name);
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
          g_prefix_error (error, "%s: ", job->in.name);
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
  job->bytes_written = (job->resume && job->out.kind == ENDPOINT_FILE) ? out_off : 0;
  job->error_offset = -1;
  job->have_digest = FALSE;
  job->digest_hex[0] = '\0';

  if (job->out_memory != NULL)
    g_string_free (g_steal_pointer (&job->out_memory), TRUE);
  if (job->out.kind == ENDPOINT_NONE && job->mode != UB_DATA_MODE_SHA256)
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

/* Opens the output: an unnamed temporary file for the destination, or a
 * partial file in the app's cache, fresh or, resuming, cut back to the
 * checkpoint (which must not claim more than the partial file holds). */
static gboolean
open_output_file (UbDataJob  *job,
                  GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  const char *source = job->in.kind == ENDPOINT_FILE ? job->in.path : NULL;

  if (job->resume && job->resume_partial != NULL)
    {
      job->out_file = ub_durable_file_new_partial (job->out.path, job->resume_partial,
                                                   job->resume_point.output_offset, source,
                                                   &local_error);
      if (job->out_file == NULL)
        {
          /* The message names the file already. */
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                      _("Cannot resume: "));
          return FALSE;
        }
      g_free (job->partial_output);
      job->partial_output = g_strdup (job->resume_partial);
      return TRUE;
    }

  if (job->resume && job->resume_point.output_offset > 0)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                   _("%s: cannot resume: the checkpoint names no partial output"), job->out.name);
      return FALSE;
    }

  if (job->partial_output != NULL)
    {
      job->out_file = ub_durable_file_new_partial (job->out.path, job->partial_output, 0,
                                                   source, &local_error);
      /* A FIFO or a device cannot be resumed into: written straight. */
      if (job->out_file != NULL ||
          !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
        {
          if (local_error != NULL)
            g_propagate_error (error, g_steal_pointer (&local_error));
          return job->out_file != NULL;
        }
      g_clear_error (&local_error);
    }

  job->out_file = ub_durable_file_new (job->out.path, source, error);
  return job->out_file != NULL;
}

/* The offsets of a checkpoint against the input they describe. */
static gboolean
check_resume_point (UbDataJob  *job,
                    gint64      total,
                    GError    **error)
{
  guint64 in_off = job->resume_point.input_offset;
  guint64 out_off = 0;

  if (!job->resume)
    return TRUE;

  if (total >= 0 && in_off > (guint64) total)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                   _("%s: the checkpoint lies past the end of the input (byte %llu of %lld)"),
                   job->in.name, (unsigned long long) in_off, (long long) total);
      return FALSE;
    }

  if (job->mode == UB_DATA_MODE_BASE64_ENCODE && job->out.kind == ENDPOINT_FILE)
    {
      ub_base64_encoder_get_resume (&job->encoder, NULL, &out_off);
      if (out_off != job->resume_point.output_offset)
        {
          g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                       _("%s: the checkpoint's output offset %llu does not match its input offset %llu"),
                       job->in.name, (unsigned long long) job->resume_point.output_offset,
                       (unsigned long long) in_off);
          return FALSE;
        }
    }

  return TRUE;
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
  GCancellable *wait_cancellable = NULL;  /* for an input that may wait */
  gboolean close_in = FALSE;
  gboolean ok = FALSE;
  gint64 total = -1;
  guint64 in_off;

  g_return_val_if_fail (job != NULL, FALSE);
  g_return_val_if_fail (job->in.kind != ENDPOINT_NONE, FALSE);
  g_return_val_if_fail (job->mode != UB_DATA_MODE_SHA256 || job->out.kind == ENDPOINT_NONE, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_clear_pointer (&job->out_file, ub_durable_file_free);
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

  /* Output first: a folder, or the input itself, is refused before any
   * work. */
  if (job->out.kind == ENDPOINT_FILE && !open_output_file (job, error))
    goto out;
  if (job->out.kind == ENDPOINT_FD)
    out_fd = job->out.fd;

  /* Input. O_NONBLOCK: a FIFO does not wait for a writer here. */
  if (job->in.kind == ENDPOINT_FILE)
    {
      in_fd = g_open (job->in.path, O_RDONLY | O_NONBLOCK | O_CLOEXEC, 0);
      if (in_fd < 0)
        {
          set_errno_error (error, errno, job->in.name, _("cannot open"));
          goto out;
        }
      close_in = TRUE;
    }
  else if (job->in.kind == ENDPOINT_FD)
    {
      in_fd = job->in.fd;
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
      else
        wait_cancellable = cancellable;
      /* Opened without waiting for a writer; reads may wait for data. */
      if (close_in)
        fcntl (in_fd, F_SETFL, fcntl (in_fd, F_GETFL) & ~O_NONBLOCK);
      posix_fadvise (in_fd, 0, 0, POSIX_FADV_SEQUENTIAL);
      if (in_off > 0 && lseek (in_fd, (off_t) in_off, SEEK_SET) < 0)
        {
          set_errno_error (error, errno, job->in.name, _("cannot seek to the checkpoint"));
          goto out;
        }
      in_buf = g_malloc (chunk);
    }

  if (!check_resume_point (job, total, error))
    goto out;

  for (;;)
    {
      const guint8 *data;
      gsize len;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto out;

      if (in_fd >= 0)
        {
          gssize n = read_full (in_fd, in_buf, chunk, wait_cancellable);

          if (n < 0 && errno == ECANCELED)
            {
              g_cancellable_set_error_if_cancelled (cancellable, error);
              goto out;
            }
          if (n < 0)
            {
              set_errno_error (error, errno, job->in.name, _("cannot read"));
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
                           _("%s: the checkpoint lies past the end of the input"),
                           job->in.name);
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
      /* The partial file holds all the output a checkpoint may claim. */
      if (job->out_file != NULL && !ub_durable_file_flush (job->out_file, error))
        goto out;
      report_progress (job, total);
    }

  /* A regular file that ends early was cut short while we read it. */
  if (total >= 0 && job->bytes_read < (guint64) total)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("%s: read failed: the file shrank from %lld to %llu bytes while being read"),
                   job->in.name, (long long) total, (unsigned long long) job->bytes_read);
      goto out;
    }

  if (!finish (job, out_fd, out_buf, error))
    goto out;

  if (job->out_file != NULL && !ub_durable_file_commit (job->out_file, error))
    goto out;

  ok = TRUE;

out:
  /* A checkpoint serves one run. */
  job->resume = FALSE;
  if (close_in)
    close (in_fd);
  /* Stopped to be resumed: what was written is kept in the cache. A
   * resume checks that the partial output holds what its checkpoint
   * claims, so one that could not be kept is only a fresh start. */
  if (!ok && job->out_file != NULL && job->keep_partial != NULL && job->partial_output == NULL &&
      !ub_durable_file_is_direct (job->out_file) && g_cancellable_is_cancelled (cancellable))
    {
      g_autoptr(GError) keep_error = NULL;

      if (!ub_durable_file_keep_partial (job->out_file, job->keep_partial, TRUE, &keep_error))
        g_debug ("%s", keep_error->message);
    }
  /* Uncommitted: an unnamed file vanishes, a partial one stays. */
  g_clear_pointer (&job->out_file, ub_durable_file_free);
  return ok;
}

