/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "ub-data-identity.h"
#include "ub-data-jobs.h"
#include "ub-durable.h"
#include "ub-error.h"
#include "ub-store.h"

#define RANDOM_CHUNK (1024 * 1024)

typedef struct
{
  UbJobContext *context;
  const char   *input;
  const char   *output;
  guint32       mode;
  guint32       wrap;
  char         *partial;     /* (owned) (nullable): the partial output, in the cache */
  UbDataIdentity identity;   /* of the input file, when resumable */
  GVariant     *output_identity; /* (owned) (nullable): of the file the result replaces */
  char         *checkpoint_error;
} RunData;

static void
save_checkpoint (RunData   *run,
                 UbDataJob *job,
                 gint64     total)
{
  UbDataCheckpoint checkpoint;
  g_autoptr(GError) error = NULL;
  GVariantDict resume;
  GVariantDict record;

  if (!ub_data_job_get_checkpoint (job, &checkpoint))
    {
      ub_job_context_checkpoint_saved (run->context);
      return;
    }
  /* What the checkpoint claims, kept where a resume finds it. */
  ub_data_job_keep_partial (job);

  g_variant_dict_init (&resume, NULL);
  g_variant_dict_insert (&resume, "input-offset", "t", checkpoint.input_offset);
  g_variant_dict_insert (&resume, "output-offset", "t", checkpoint.output_offset);
  g_variant_dict_insert_value (&resume, "sha256-state",
                               g_variant_new_fixed_array (G_VARIANT_TYPE_UINT32,
                                                          checkpoint.sha256_state, 8,
                                                          sizeof (guint32)));
  /* For the record only: a resume uses the app's own name, never this. */
  g_variant_dict_insert (&resume, "partial", "s", run->partial ? run->partial : "");
  g_variant_dict_insert_value (&resume, "identity", ub_data_identity_to_variant (&run->identity));
  if (run->output_identity != NULL)
    g_variant_dict_insert_value (&resume, "output-identity", run->output_identity);

  g_variant_dict_init (&record, NULL);
  g_variant_dict_insert (&record, "mode", "u", run->mode);
  g_variant_dict_insert (&record, "wrap", "u", run->wrap);
  g_variant_dict_insert (&record, "input", "s", run->input);
  g_variant_dict_insert (&record, "output", "s", run->output);
  g_variant_dict_insert (&record, "total", "x", total);
  g_variant_dict_insert_value (&record, "resume", g_variant_dict_end (&resume));

  if (!ub_store_set (ub_store_get_default (), UB_DATA_JOBS_STATE_KEY, g_variant_dict_end (&record),
                     &error))
    {
      g_free (run->checkpoint_error);
      run->checkpoint_error = g_strdup (error->message);
    }
  ub_job_context_checkpoint_saved (run->context);
}

static void
on_data_progress (UbDataJob *job,
                  guint64    done,
                  gint64     total,
                  gpointer   user_data)
{
  RunData *run = user_data;
  gboolean checkpoint = run->input[0] != '\0' && ub_job_context_checkpoint_due (run->context) &&
                        !g_cancellable_is_cancelled (ub_job_context_get_cancellable (run->context));

  if (checkpoint)
    save_checkpoint (run, job, total);

  if (checkpoint || ub_job_context_should_report (run->context))
    ub_job_context_report_progress (run->context,
                                    g_variant_new ("(txs)", done, total,
                                                   run->checkpoint_error ? run->checkpoint_error : ""));
}

/* Points @job at the checkpoint an earlier run saved, after checking that
 * it describes this very input: anything else is an error saying why, and
 * the caller offers to start over. */
static gboolean
set_resume (UbDataJob  *job,
            RunData    *run,
            GVariant   *resume,
            GError    **error)
{
  g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (resume);
  UbDataCheckpoint checkpoint = { 0 };
  UbDataIdentity saved;
  g_autoptr(GVariant) state = NULL;
  g_autoptr(GVariant) identity = NULL;
  g_autofree char *change = NULL;
  g_autofree char *name = g_filename_display_basename (run->input);

  checkpoint.mode = (UbDataMode) run->mode;
  checkpoint.wrap = run->wrap;
  if (!g_variant_dict_lookup (&dict, "input-offset", "t", &checkpoint.input_offset) ||
      !g_variant_dict_lookup (&dict, "output-offset", "t", &checkpoint.output_offset) ||
      (state = g_variant_dict_lookup_value (&dict, "sha256-state", G_VARIANT_TYPE ("au"))) == NULL ||
      g_variant_n_children (state) != 8 ||
      (identity = g_variant_dict_lookup_value (&dict, "identity",
                                               G_VARIANT_TYPE (UB_DATA_IDENTITY_TYPE))) == NULL ||
      !ub_data_identity_from_variant (identity, &saved))
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA, _("The saved progress is damaged"));
      return FALSE;
    }
  memcpy (checkpoint.sha256_state, g_variant_get_data (state), sizeof checkpoint.sha256_state);

  change = ub_data_identity_explain_change (&saved, &run->identity);
  if (change != NULL)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                   _("The saved progress does not fit “%s” any more: %s"), name, change);
      return FALSE;
    }
  if (checkpoint.input_offset > saved.size)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                   _("The saved progress lies past the end of “%s”"), name);
      return FALSE;
    }
  /* The result goes where the record says only if nothing else was put
   * there meanwhile (a record from before destinations has no identity,
   * and its output is the app's own). What was there is then what is
   * there now: run->output_identity, read at the start, stays right. */
  if (run->output_identity != NULL)
    {
      g_autoptr(GVariant) output = g_variant_dict_lookup_value (&dict, "output-identity", NULL);
      g_autofree char *output_change = output != NULL
                                       ? ub_data_identity_explain_output_change (output, run->output)
                                       : NULL;

      if (output_change != NULL)
        {
          g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                       _("The saved progress cannot be resumed: %s"), output_change);
          return FALSE;
        }
    }

  return ub_data_job_set_resume (job, &checkpoint, run->partial, error);
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
  g_autoptr(GVariant) resume = NULL;
  g_autoptr(GBytes) head = NULL;
  g_autoptr(GBytes) tail = NULL;
  RunData run = { context };
  const char *input_path;
  const char *output_path;
  guint32 mode;
  guint32 wrap;
  GVariant *result = NULL;

  g_variant_get (params, "(uu&s@ay&s@a{sv})", &mode, &wrap, &input_path, &input_bytes,
                 &output_path, &resume);
  run.input = input_path;
  run.output = output_path;
  run.mode = mode;
  run.wrap = wrap;

  if (mode > UB_DATA_MODE_SHA256)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("Unknown data mode %u"), mode);
      return NULL;
    }

  job = ub_data_job_new ((UbDataMode) mode);
  ub_data_job_set_wrap (job, wrap);
  ub_data_job_set_preview_size (job, UB_DATA_JOBS_PREVIEW);
  ub_data_job_set_progress_func (job, on_data_progress, &run);

  if (input_path[0] != '\0')
    {
      ub_data_job_set_input_file (job, input_path);
      /* What checkpoints are checked against; 2 MiB of reading. */
      if (!ub_data_identity_read (input_path, TRUE, &run.identity, error))
        return NULL;
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
                               _("No output file was given"));
          return NULL;
        }
      ub_data_job_set_output_file (job, output_path);
    }

  /* A file can be resumed after a restart; pasted text is redone. Its
   * output goes to the destination's temporary file, in the destination's
   * folder, and is kept as a partial file in the app's cache (a hard link
   * to it, where the cache is on the same file system) from its first
   * checkpoint on, or copied there when the job is stopped (paused, or the
   * app quits). */
  if (input_path[0] != '\0')
    {
      ub_job_context_set_resumable (context);
      if (mode != UB_DATA_MODE_SHA256)
        {
          run.partial = ub_durable_dup_partial_path (UB_DATA_JOBS_PARTIAL_NAME);
          run.output_identity = g_variant_ref_sink (ub_data_identity_dup_output (output_path));
          ub_data_job_set_keep_partial (job, run.partial);
        }
    }

  if (g_variant_n_children (resume) > 0 && !set_resume (job, &run, resume, error))
    goto out;

  if (!ub_data_job_run (job, ub_job_context_get_cancellable (context), error))
    goto out;

  ub_data_job_dup_preview (job, &head, &tail);
  result = g_variant_new ("(tts@ay@ay)",
                          ub_data_job_get_bytes_read (job),
                          ub_data_job_get_bytes_written (job),
                          mode == UB_DATA_MODE_SHA256 ? ub_data_job_get_sha256_hex (job) : "",
                          bytes_variant (head),
                          bytes_variant (tail));

out:
  g_clear_pointer (&run.output_identity, g_variant_unref);
  g_free (run.partial);
  g_free (run.checkpoint_error);
  return result;
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
  g_autoptr(UbDurableFile) file = NULL;
  const char *path;
  guint64 size;
  guint64 seed;
  guint64 state;
  guint64 done = 0;

  g_variant_get (params, "(&stt)", &path, &size, &seed);
  state = seed ? seed : G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);

  /* Synced before it is used: a generated input then leaves no backlog
   * of dirty pages to be written back while the job that reads it runs. */
  file = ub_durable_file_new (path, NULL, error);
  if (file == NULL)
    return NULL;

  while (done < size)
    {
      gsize n = (gsize) MIN ((guint64) RANDOM_CHUNK, size - done);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;

      for (gsize i = 0; i < RANDOM_CHUNK / sizeof (guint64); i++)
        chunk[i] = next_random (&state);

      if (!ub_durable_file_write (file, chunk, n, error))
        return NULL;
      done += n;

      if (ub_job_context_should_report (context) || done == size)
        ub_job_context_report_progress (context, g_variant_new ("(tx)", done, (gint64) size));
    }

  if (!ub_durable_file_commit (file, error))
    return NULL;

  return g_variant_new ("(t)", done);
}

void
ub_data_jobs_register (void)
{
  ub_job_register (UB_DATA_JOB_RUN, G_VARIANT_TYPE (UB_DATA_JOB_RUN_TYPE), data_run_job);
  ub_job_register (UB_DATA_JOB_RANDOM, G_VARIANT_TYPE (UB_DATA_JOB_RANDOM_TYPE), data_random_job);
}

/* Parameters, progress and results */

/**
 * ub_data_run_params_new:
 * @mode: what to do
 * @wrap: the line length of an encoding, 0 for none
 * @input_path: (nullable): the file to read, or %NULL to read @input_bytes
 * @input_bytes: (nullable): the bytes to read when @input_path is %NULL
 * @output_path: (nullable): the file to write; %NULL for
 *   %UB_DATA_MODE_SHA256
 * @resume: (nullable): the "resume" entry of a record saved under
 *   %UB_DATA_JOBS_STATE_KEY, or %NULL to start afresh
 *
 * Returns: (transfer floating): parameters for "data.run"
 */
GVariant *
ub_data_run_params_new (UbDataMode  mode,
                        guint       wrap,
                        const char *input_path,
                        GBytes     *input_bytes,
                        const char *output_path,
                        GVariant   *resume)
{
  gconstpointer data = NULL;
  gsize size = 0;

  g_return_val_if_fail (resume == NULL || g_variant_is_of_type (resume, G_VARIANT_TYPE_VARDICT),
                        NULL);

  if (input_path == NULL && input_bytes != NULL)
    data = g_bytes_get_data (input_bytes, &size);

  return g_variant_new ("(uus@ays@a{sv})", (guint32) mode, (guint32) wrap,
                        input_path ? input_path : "",
                        g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, data, size, 1),
                        output_path ? output_path : "",
                        resume ? resume : g_variant_new ("a{sv}", NULL));
}

/* An "ay" of a result, as bytes that share its memory. */
static GBytes *
bytes_from_variant (GVariant *array)
{
  return g_variant_get_data_as_bytes (array);
}

/**
 * ub_data_run_result_parse:
 * @result: a result of "data.run"
 * @bytes_read: (out) (optional): input bytes read
 * @bytes_written: (out) (optional): output bytes written
 * @sha256_hex: (out) (optional) (transfer none): the SHA-256 in hex, "" unless
 *   hashing; it belongs to @result
 * @head: (out) (optional) (transfer full): the first bytes of the output, at
 *   most %UB_DATA_JOBS_PREVIEW
 * @tail: (out) (optional) (transfer full): the last bytes of the output, at
 *   most %UB_DATA_JOBS_PREVIEW
 */
void
ub_data_run_result_parse (GVariant    *result,
                          guint64     *bytes_read,
                          guint64     *bytes_written,
                          const char **sha256_hex,
                          GBytes     **head,
                          GBytes     **tail)
{
  g_autoptr(GVariant) head_variant = NULL;
  g_autoptr(GVariant) tail_variant = NULL;

  g_return_if_fail (result != NULL && g_variant_is_of_type (result, G_VARIANT_TYPE ("(ttsayay)")));

  g_variant_get (result, "(tt&s@ay@ay)", bytes_read, bytes_written, sha256_hex,
                 &head_variant, &tail_variant);
  if (head != NULL)
    *head = bytes_from_variant (head_variant);
  if (tail != NULL)
    *tail = bytes_from_variant (tail_variant);
}

/**
 * ub_data_random_params_new:
 * @path: the file to write
 * @size: how many bytes
 * @seed: the seed: the same seed, the same bytes
 *
 * Returns: (transfer floating): parameters for "data.random"
 */
GVariant *
ub_data_random_params_new (const char *path,
                           guint64     size,
                           guint64     seed)
{
  g_return_val_if_fail (path != NULL, NULL);

  return g_variant_new (UB_DATA_JOB_RANDOM_TYPE, path, size, seed);
}

/**
 * ub_data_random_result_parse:
 * @result: a result of "data.random"
 *
 * Returns: the bytes written
 */
guint64
ub_data_random_result_parse (GVariant *result)
{
  guint64 written;

  g_return_val_if_fail (result != NULL && g_variant_is_of_type (result, G_VARIANT_TYPE ("(t)")), 0);

  g_variant_get (result, "(t)", &written);
  return written;
}

/**
 * ub_data_progress_parse:
 * @progress: a progress report of "data.run", "data.random" or "data.stream"
 * @done: (out) (optional): input bytes done
 * @total: (out) (optional): the input's size, or -1 if it is not known
 * @checkpoint_error: (out) (optional) (transfer none): why the last
 *   checkpoint could not be saved, "" if it was (always "" but for
 *   "data.run"); it belongs to @progress
 */
void
ub_data_progress_parse (GVariant    *progress,
                        guint64     *done,
                        gint64      *total,
                        const char **checkpoint_error)
{
  g_return_if_fail (progress != NULL);

  if (g_variant_is_of_type (progress, G_VARIANT_TYPE ("(txs)")))
    {
      g_variant_get (progress, "(tx&s)", done, total, checkpoint_error);
      return;
    }

  g_return_if_fail (g_variant_is_of_type (progress, G_VARIANT_TYPE ("(tx)")));

  g_variant_get (progress, "(tx)", done, total);
  if (checkpoint_error != NULL)
    *checkpoint_error = "";
}
