/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "ub-data-jobs.h"

#define RANDOM_CHUNK (1024 * 1024)

typedef struct
{
  UbJobContext *context;
} RunData;

static void
on_data_progress (UbDataJob *job,
                  guint64    done,
                  gint64     total,
                  gpointer   user_data)
{
  RunData *run = user_data;

  if (ub_job_context_should_report (run->context))
    ub_job_context_report_progress (run->context, g_variant_new ("(tx)", done, total));
}

static GVariant *
bytes_variant (GBytes *bytes)
{
  gsize size = 0;
  gconstpointer data = bytes ? g_bytes_get_data (bytes, &size) : NULL;

  return g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, data, size, 1);
}

static GVariant *
data_run_job (GVariant      *params,
              UbJobContext  *context,
              GError       **error)
{
  g_autoptr(UbDataJob) job = NULL;
  g_autoptr(GVariant) input_bytes = NULL;
  g_autoptr(GBytes) head = NULL;
  g_autoptr(GBytes) tail = NULL;
  RunData run = { context };
  const char *input_path;
  const char *output_path;
  guint32 mode;
  guint32 wrap;

  g_variant_get (params, "(uu&s@ay&s)", &mode, &wrap, &input_path, &input_bytes, &output_path);

  if (mode > UB_DATA_MODE_SHA256)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Unknown data mode %u", mode);
      return NULL;
    }

  job = ub_data_job_new ((UbDataMode) mode);
  ub_data_job_set_wrap (job, wrap);
  ub_data_job_set_preview_size (job, UB_DATA_JOBS_PREVIEW);
  ub_data_job_set_progress_func (job, on_data_progress, &run);

  if (input_path[0] != '\0')
    {
      ub_data_job_set_input_file (job, input_path);
    }
  else
    {
      g_autoptr(GBytes) bytes = g_variant_get_data_as_bytes (input_bytes);

      ub_data_job_set_input_bytes (job, bytes);
    }

  if (mode != UB_DATA_MODE_SHA256)
    {
      if (output_path[0] == '\0')
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "No output file was given");
          return NULL;
        }
      ub_data_job_set_output_file (job, output_path);
    }

  if (!ub_data_job_run (job, ub_job_context_get_cancellable (context), error))
    return NULL;

  ub_data_job_dup_preview (job, &head, &tail);

  return g_variant_new ("(tts@ay@ay)",
                        ub_data_job_get_bytes_read (job),
                        ub_data_job_get_bytes_written (job),
                        mode == UB_DATA_MODE_SHA256 ? ub_data_job_get_sha256_hex (job) : "",
                        bytes_variant (head),
                        bytes_variant (tail));
}

/* xorshift64*: fast, and random enough to be incompressible test data. */
static inline guint64
next_random (guint64 *state)
{
  guint64 x = *state;

  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *state = x;
  return x * G_GUINT64_CONSTANT (0x2545F4914F6CDD1D);
}

static GVariant *
data_random_job (GVariant      *params,
                 UbJobContext  *context,
                 GError       **error)
{
  GCancellable *cancellable = ub_job_context_get_cancellable (context);
  g_autofree guint64 *chunk = g_new (guint64, RANDOM_CHUNK / sizeof (guint64));
  g_autofree char *tmp_path = NULL;
  g_autofree char *name = NULL;
  const char *path;
  guint64 size;
  guint64 seed;
  guint64 state;
  guint64 done = 0;
  int fd;

  g_variant_get (params, "(&stt)", &path, &size, &seed);
  name = g_filename_display_name (path);
  state = seed ? seed : G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);

  tmp_path = g_strconcat (path, ".XXXXXX", NULL);
  fd = g_mkstemp_full (tmp_path, O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot create “%s”: %s", name, g_strerror (saved_errno));
      return NULL;
    }

  while (done < size)
    {
      gsize n = (gsize) MIN ((guint64) RANDOM_CHUNK, size - done);
      gsize written = 0;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto fail;

      for (gsize i = 0; i < RANDOM_CHUNK / sizeof (guint64); i++)
        chunk[i] = next_random (&state);

      while (written < n)
        {
          ssize_t w = write (fd, (const char *) chunk + written, n - written);

          if (w < 0 && errno == EINTR)
            continue;
          if (w < 0)
            {
              int saved_errno = errno;

              g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                           "Cannot write “%s”: %s", name, g_strerror (saved_errno));
              goto fail;
            }
          written += (gsize) w;
        }

      done += n;
      if (ub_job_context_should_report (context) || done == size)
        ub_job_context_report_progress (context, g_variant_new ("(tx)", done, (gint64) size));
    }

  if (close (fd) != 0)
    {
      int saved_errno = errno;

      fd = -1;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot write “%s”: %s", name, g_strerror (saved_errno));
      goto fail;
    }
  fd = -1;

  if (g_rename (tmp_path, path) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot create “%s”: %s", name, g_strerror (saved_errno));
      goto fail;
    }

  return g_variant_new ("(t)", done);

fail:
  if (fd >= 0)
    close (fd);
  g_unlink (tmp_path);
  return NULL;
}

void
ub_data_jobs_register (void)
{
  ub_job_register (UB_DATA_JOB_RUN, G_VARIANT_TYPE (UB_DATA_JOB_RUN_TYPE), data_run_job);
  ub_job_register (UB_DATA_JOB_RANDOM, G_VARIANT_TYPE (UB_DATA_JOB_RANDOM_TYPE), data_random_job);
}
