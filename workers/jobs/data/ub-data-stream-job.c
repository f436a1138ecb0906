/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "ub-data-stream-job.h"

static void
on_stream_progress (UbDataJob *job,
                    guint64    done,
                    gint64     total,
                    gpointer   user_data)
{
  UbJobContext *context = user_data;

  if (ub_job_context_should_report (context))
    ub_job_context_report_progress (context, g_variant_new ("(tx)", done, total));
}

/* The UbDataJob that @params ask for, reporting its progress to @context. */
static UbDataJob *
stream_job_new (GVariant      *params,
                UbJobContext  *context,
                GError       **error)
{
  const char *input, *output;
  guint32 mode, wrap;
  gint32 input_fd, output_fd;
  UbDataJob *job;

  g_variant_get (params, "(uui&si&s)", &mode, &wrap, &input_fd, &input, &output_fd, &output);
  if (mode > UB_DATA_MODE_SHA256)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("Unknown data mode %u"), mode);
      return NULL;
    }

  job = ub_data_job_new ((UbDataMode) mode);
  ub_data_job_set_wrap (job, wrap);
  ub_data_job_set_progress_func (job, on_stream_progress, context);

  if (input_fd >= 0)
    ub_data_job_set_input_fd (job, input_fd, input);
  else
    ub_data_job_set_input_file (job, input);

  if (mode != UB_DATA_MODE_SHA256 && output_fd >= 0)
    ub_data_job_set_output_fd (job, output_fd, output);
  else if (mode != UB_DATA_MODE_SHA256)
    ub_data_job_set_output_file (job, output);

  return job;
}

static GVariant *
data_stream_job (GVariant      *params,
                 UbJobContext  *context,
                 GError       **error)
{
  g_autoptr(UbDataJob) job = stream_job_new (params, context, error);
  const char *sha256_hex;

  if (job == NULL || !ub_data_job_run (job, ub_job_context_get_cancellable (context), error))
    return NULL;

  /* Set only by a hashing job. */
  sha256_hex = ub_data_job_get_sha256_hex (job);
  return g_variant_new ("(tts)", ub_data_job_get_bytes_read (job),
                        ub_data_job_get_bytes_written (job), sha256_hex ? sha256_hex : "");
}

void
ub_data_stream_job_register (void)
{
  ub_job_register (UB_DATA_JOB_STREAM, G_VARIANT_TYPE (UB_DATA_JOB_STREAM_TYPE), data_stream_job);
}

/**
 * ub_data_stream_params_new:
 * @mode: what to do
 * @wrap: the line length of an encoding, 0 for none
 * @input_fd: a descriptor to read, or -1 to open @input
 * @input: the input's path, or the name of @input_fd for messages
 * @output_fd: a descriptor to write, or -1 to write @output; unused for
 *   %UB_DATA_MODE_SHA256
 * @output: (nullable): the output's path, or the name of @output_fd;
 *   %NULL for %UB_DATA_MODE_SHA256
 *
 * Returns: (transfer floating): parameters for "data.stream"
 */
GVariant *
ub_data_stream_params_new (UbDataMode  mode,
                           guint       wrap,
                           int         input_fd,
                           const char *input,
                           int         output_fd,
                           const char *output)
{
  g_return_val_if_fail (input != NULL, NULL);
  g_return_val_if_fail (mode == UB_DATA_MODE_SHA256 || output != NULL, NULL);

  return g_variant_new (UB_DATA_JOB_STREAM_TYPE, (guint32) mode, (guint32) wrap, (gint32) input_fd,
                        input, (gint32) output_fd, output ? output : "");
}

/**
 * ub_data_stream_result_parse:
 * @result: a result of "data.stream"
 * @bytes_read: (out) (optional): input bytes read
 * @bytes_written: (out) (optional): output bytes written
 * @sha256_hex: (out) (optional) (transfer none): the SHA-256 in hex, "" unless
 *   hashing; it belongs to @result
 */
void
ub_data_stream_result_parse (GVariant    *result,
                             guint64     *bytes_read,
                             guint64     *bytes_written,
                             const char **sha256_hex)
{
  g_return_if_fail (result != NULL && g_variant_is_of_type (result, G_VARIANT_TYPE ("(tts)")));

  g_variant_get (result, "(tt&s)", bytes_read, bytes_written, sha256_hex);
}
