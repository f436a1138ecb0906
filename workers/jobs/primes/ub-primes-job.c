/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <unistd.h>

#include "ub-durable.h"
#include "ub-error.h"
#include "ub-primes-job.h"
#include "ub-store.h"

#define OUTPUT_BUFFER_SIZE (1 << 20)

/* One run of the job, on one thread. */
typedef struct
{
  UbJobContext   *context;
  UbPrimesRecord *record;
  gboolean        list;

  /* Output: standard output (fd), or a file (see ub-durable.h); neither
   * when not writing one */
  int             fd;
  UbDurableFile  *file;
  const char     *path;
  GString        *buffer;
  guint64         bytes_done;
  GError         *write_error;

  /* Checkpoints: the store key ("" for none) and the last failure */
  const char     *checkpoint_key;
  char           *checkpoint_error;

  /* The latest primes, a ring of UB_PRIMES_JOB_RECENT */
  guint64         recent[UB_PRIMES_JOB_RECENT];
  guint           n_recent;
  guint           recent_head;
} PrimesRun;

static gboolean
flush_output (PrimesRun *run)
{
  gsize written = 0;

  if ((run->fd < 0 && run->file == NULL) || run->write_error != NULL)
    return run->write_error == NULL;

  if (run->file != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!ub_durable_file_write (run->file, run->buffer->str, run->buffer->len, &error) ||
          !ub_durable_file_flush (run->file, &error))
        {
          g_set_error (&run->write_error, error->domain, error->code,
                       _("Cannot write the list of primes: %s"), error->message);
          return FALSE;
        }
      written = run->buffer->len;
    }

  while (written < run->buffer->len)
    {
      ssize_t n = write (run->fd, run->buffer->str + written, run->buffer->len - written);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;
          g_autofree char *name = g_filename_display_name (run->path);

          g_set_error (&run->write_error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Cannot write the list of primes to “%s”: %s"),
                       name, g_strerror (saved_errno));
          return FALSE;
        }
      written += (gsize) n;
    }

  run->bytes_done += written;
  g_string_truncate (run->buffer, 0);
  return TRUE;
}

static void
on_primes (const guint64 *primes,
           gsize          n_primes,
           gpointer       user_data)
{
  PrimesRun *run = user_data;

  if ((run->fd >= 0 || run->file != NULL) && run->write_error == NULL)
    {
      for (gsize i = 0; i < n_primes; i++)
        {
          char line[24];
          int len = g_snprintf (line, sizeof line, "%" G_GUINT64_FORMAT "\n", primes[i]);

          g_string_append_len (run->buffer, line, len);
        }
      if (run->buffer->len >= OUTPUT_BUFFER_SIZE)
        flush_output (run);
    }

  /* Only the tail of a batch can be among the latest. */
  for (gsize i = n_primes > UB_PRIMES_JOB_RECENT ? n_primes - UB_PRIMES_JOB_RECENT : 0;
       i < n_primes; i++)
    {
      run->recent[run->recent_head] = primes[i];
      run->recent_head = (run->recent_head + 1) % UB_PRIMES_JOB_RECENT;
      run->n_recent = MIN (run->n_recent + 1, UB_PRIMES_JOB_RECENT);
    }
}

static GVariant *
build_progress (PrimesRun *run)
{
  g_autoptr(GVariant) record = ub_primes_record_to_variant (run->record);
  GVariantBuilder recent;
  guint start = (run->recent_head + UB_PRIMES_JOB_RECENT - run->n_recent) % UB_PRIMES_JOB_RECENT;

  g_variant_builder_init (&recent, G_VARIANT_TYPE ("at"));
  for (guint i = 0; i < run->n_recent; i++)
    g_variant_builder_add (&recent, "t", run->recent[(start + i) % UB_PRIMES_JOB_RECENT]);

  return g_variant_new ("(@(ttttb)t@ats)", record, run->bytes_done,
                        g_variant_builder_end (&recent),
                        run->checkpoint_error ? run->checkpoint_error : "");
}

/* Saves the record, as of the segment just finished, where a later run
 * can find it: from this worker thread, never the UI's. */
static void
save_checkpoint (PrimesRun *run)
{
  g_autoptr(GError) error = NULL;

  if (!ub_store_set (ub_store_get_default (), run->checkpoint_key,
                     ub_primes_part_state_new (run->record, run->bytes_done), &error))
    {
      g_free (run->checkpoint_error);
      run->checkpoint_error = g_strdup (error->message);
    }
  ub_job_context_checkpoint_saved (run->context);
}

static void
on_progress (guint64  done,
             guint64  total,
             gpointer user_data)
{
  PrimesRun *run = user_data;
  gboolean checkpoint = run->checkpoint_key[0] != '\0' &&
                        ub_job_context_checkpoint_due (run->context) &&
                        !g_cancellable_is_cancelled (ub_job_context_get_cancellable (run->context));

  if (!checkpoint && !ub_job_context_should_report (run->context) && !run->record->done)
    return;

  /* The record now stands at a segment boundary: make the file agree. */
  flush_output (run);
  if (checkpoint)
    save_checkpoint (run);
  ub_job_context_report_progress (run->context, build_progress (run));
}

static gboolean
open_output (PrimesRun  *run,
             GError    **error)
{
  g_autofree char *name = g_filename_display_name (run->path);

  /* "-" is standard output, which cannot be truncated or resumed. */
  if (g_str_equal (run->path, "-"))
    {
      run->fd = dup (STDOUT_FILENO);
      if (run->fd < 0 || run->bytes_done > 0)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("Cannot write the list of primes to standard output"));
          return FALSE;
        }
      return TRUE;
    }

  /* A file: written to a partial file in the app's cache, named after
   * the destination, so that a stopped run can go on; put in place when
   * the run is done. A FIFO or a device is written straight into. */
  {
    g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, run->path, -1);
    g_autofree char *leaf = g_strdup_printf ("primes-list-%.16s.part", digest);
    g_autofree char *partial = ub_durable_dup_partial_path (leaf);
    g_autoptr(GError) local_error = NULL;

    run->file = ub_durable_file_new_partial (run->path, partial, run->bytes_done, NULL,
                                             &local_error);
    if (run->file == NULL && run->bytes_done == 0 &&
        g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
      {
        g_clear_error (&local_error);
        run->file = ub_durable_file_new (run->path, NULL, &local_error);
      }
    if (run->file == NULL)
      {
        g_set_error (error, local_error->domain, local_error->code,
                     _("Cannot write the list of primes to “%s”: %s"), name, local_error->message);
        return FALSE;
      }
  }

  return TRUE;
}

static GVariant *
primes_run_job (GVariant      *params,
                UbJobContext  *context,
                GError       **error)
{
  g_autoptr(GVariant) record_variant = NULL;
  UbPrimesRecord record;
  PrimesRun run = { 0 };
  const char *path;
  gboolean ok;

  g_variant_get (params, "(@(ttttb)b&st&s)", &record_variant, &run.list, &path, &run.bytes_done,
                 &run.checkpoint_key);
  if (!ub_primes_record_from_variant (record_variant, &record, error))
    return NULL;

  if (run.checkpoint_key[0] != '\0')
    ub_job_context_set_resumable (context);

  run.context = context;
  run.record = &record;
  run.fd = -1;
  run.path = path;

  if (path[0] != '\0')
    {
      run.list = TRUE;
      if (!open_output (&run, error))
        return NULL;
      run.buffer = g_string_sized_new (OUTPUT_BUFFER_SIZE + 64);
    }

  ok = ub_primes_run (&record, run.list ? on_primes : NULL, on_progress, &run,
                      ub_job_context_get_cancellable (context), error);

  if (ok)
    flush_output (&run);

  if (run.file != NULL)
    {
      g_autoptr(GError) local_error = NULL;

      if (ok && run.write_error == NULL && !ub_durable_file_commit (run.file, &local_error))
        g_set_error (&run.write_error, local_error->domain, local_error->code,
                     _("Cannot finish writing the list of primes: %s"), local_error->message);
      /* Not committed: the partial file stays for the next run. */
      g_clear_pointer (&run.file, ub_durable_file_free);
    }
  if (run.fd >= 0)
    {
      if (close (run.fd) != 0 && run.write_error == NULL && ok)
        {
          int saved_errno = errno;

          g_set_error (&run.write_error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Cannot finish writing the list of primes: %s"), g_strerror (saved_errno));
        }
    }
  if (run.buffer != NULL)
    g_string_free (run.buffer, TRUE);
  g_free (run.checkpoint_error);

  if (ok && run.write_error != NULL)
    {
      g_propagate_error (error, run.write_error);
      return NULL;
    }
  g_clear_error (&run.write_error);

  if (!ok)
    return NULL;

  return ub_primes_part_state_new (&record, run.bytes_done);
}

void
ub_primes_job_register (void)
{
  ub_job_register (UB_PRIMES_JOB_RUN, G_VARIANT_TYPE (UB_PRIMES_JOB_PARAMS_TYPE), primes_run_job);
}

/* Parameters, progress, state */

#define PART_STATE_TYPE       "((ttttb)t)"
#define PROGRESS_TYPE         "((ttttb)tats)"
#define COUNT_CHECKPOINT_TYPE "(tta(ttttb))"

/**
 * ub_primes_run_params_new:
 * @record: the part: its range and how far it got
 * @list: whether to list the primes (in the progress, and in @path)
 * @path: (nullable): a file to write the primes to, "-" for standard
 *   output, %NULL for none
 * @bytes_done: how much of @path a previous run of this part wrote
 * @checkpoint_key: (nullable): where in the store the part saves its
 *   state, every second and when a checkpoint is requested; %NULL for
 *   nowhere
 *
 * Returns: (transfer floating): parameters for "primes.run"
 */
GVariant *
ub_primes_run_params_new (const UbPrimesRecord *record,
                          gboolean              list,
                          const char           *path,
                          guint64               bytes_done,
                          const char           *checkpoint_key)
{
  g_autoptr(GVariant) record_variant = NULL;

  g_return_val_if_fail (record != NULL, NULL);

  record_variant = ub_primes_record_to_variant (record);
  return g_variant_new ("(@(ttttb)bsts)", record_variant, list, path ? path : "", bytes_done,
                        checkpoint_key ? checkpoint_key : "");
}

static gboolean
check_type (GVariant    *value,
            const char  *type,
            const char  *what,
            GError     **error)
{
  if (g_variant_is_of_type (value, G_VARIANT_TYPE (type)))
    return TRUE;

  g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA, _("Not %s: “%s”, not “%s”"),
               what, g_variant_get_type_string (value), type);
  return FALSE;
}

/**
 * ub_primes_run_progress_parse:
 * @progress: a progress report of "primes.run"
 * @record: (out caller-allocates): the part's record as of the report
 * @bytes_done: (out) (optional): the bytes written to the file so far
 * @recent: (out) (optional) (transfer none) (array length=n_recent): the
 *   latest primes when listing, oldest first; they belong to @progress
 * @n_recent: (out) (optional): how many there are, at most
 *   %UB_PRIMES_JOB_RECENT
 * @checkpoint_error: (out) (optional) (transfer none): why the last
 *   checkpoint could not be saved, "" if it was; it belongs to @progress
 * @error: return location for a #GError
 *
 * Returns: %TRUE, or %FALSE with @error set (and nothing else) if the
 *   report holds no valid record
 */
gboolean
ub_primes_run_progress_parse (GVariant        *progress,
                              UbPrimesRecord  *record,
                              guint64         *bytes_done,
                              const guint64  **recent,
                              gsize           *n_recent,
                              const char     **checkpoint_error,
                              GError         **error)
{
  g_autoptr(GVariant) record_variant = NULL;
  g_autoptr(GVariant) recent_variant = NULL;
  const char *message;
  guint64 bytes;
  gsize n;

  g_return_val_if_fail (progress != NULL, FALSE);
  g_return_val_if_fail (record != NULL, FALSE);

  if (!check_type (progress, PROGRESS_TYPE, _("a progress report of primes.run"), error))
    return FALSE;

  g_variant_get (progress, "(@(ttttb)t@at&s)", &record_variant, &bytes, &recent_variant, &message);
  if (!ub_primes_record_from_variant (record_variant, record, error))
    return FALSE;

  if (bytes_done != NULL)
    *bytes_done = bytes;
  /* The array's memory is @progress's: it outlives this reference. */
  if (recent != NULL)
    *recent = g_variant_get_fixed_array (recent_variant, &n, sizeof (guint64));
  else
    n = g_variant_n_children (recent_variant);
  if (n_recent != NULL)
    *n_recent = MIN (n, UB_PRIMES_JOB_RECENT);
  if (checkpoint_error != NULL)
    *checkpoint_error = message;
  return TRUE;
}

/**
 * ub_primes_part_state_new:
 * @record: the part's record
 * @bytes_done: the bytes its run wrote to its file
 *
 * Makes a part's state, as "primes.run" saves it and returns it.
 *
 * Returns: (transfer floating): the state
 */
GVariant *
ub_primes_part_state_new (const UbPrimesRecord *record,
                          guint64               bytes_done)
{
  g_autoptr(GVariant) record_variant = NULL;

  g_return_val_if_fail (record != NULL, NULL);

  record_variant = ub_primes_record_to_variant (record);
  return g_variant_new ("(@(ttttb)t)", record_variant, bytes_done);
}

/**
 * ub_primes_part_state_parse:
 * @state: the result of "primes.run", or a state it saved (maybe read back
 *   from disk, so it is checked)
 * @record: (out caller-allocates): the part's record
 * @bytes_done: (out) (optional): the bytes its run wrote to its file
 * @error: return location for a #GError
 *
 * Returns: %TRUE, or %FALSE with @error set (and nothing else) if @state
 *   is not a part's state or holds an impossible record
 */
gboolean
ub_primes_part_state_parse (GVariant        *state,
                            UbPrimesRecord  *record,
                            guint64         *bytes_done,
                            GError         **error)
{
  g_autoptr(GVariant) record_variant = NULL;
  guint64 bytes;

  g_return_val_if_fail (state != NULL, FALSE);
  g_return_val_if_fail (record != NULL, FALSE);

  if (!check_type (state, PART_STATE_TYPE, _("the state of a part of primes"), error))
    return FALSE;

  g_variant_get (state, "(@(ttttb)t)", &record_variant, &bytes);
  if (!ub_primes_record_from_variant (record_variant, record, error))
    return FALSE;
  if (bytes_done != NULL)
    *bytes_done = bytes;
  return TRUE;
}

/**
 * ub_primes_count_checkpoint_new:
 * @from: the first number of the count
 * @to: the last number of the count
 * @parts: (array length=n_parts) (nullable): the records of its parts, in order
 * @n_parts: how many parts
 *
 * Returns: (transfer floating): the count's checkpoint
 */
GVariant *
ub_primes_count_checkpoint_new (guint64               from,
                                guint64               to,
                                const UbPrimesRecord *parts,
                                gsize                 n_parts)
{
  GVariantBuilder builder;

  g_return_val_if_fail (parts != NULL || n_parts == 0, NULL);

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ttttb)"));
  for (gsize i = 0; i < n_parts; i++)
    {
      g_autoptr(GVariant) record = ub_primes_record_to_variant (&parts[i]);

      g_variant_builder_add_value (&builder, record);
    }

  return g_variant_new ("(tt@a(ttttb))", from, to, g_variant_builder_end (&builder));
}

/**
 * ub_primes_count_checkpoint_parse:
 * @checkpoint: a value that may be a count's checkpoint (it is checked)
 * @from: (out) (optional): the first number of the count
 * @to: (out) (optional): the last number of the count
 * @parts: (out) (optional) (transfer full): the parts, in order, each a
 *   record for ub_primes_record_from_variant() (which checks it)
 *
 * Returns: %TRUE if @checkpoint has the shape of a count's checkpoint,
 *   %FALSE (and nothing set) if it does not
 */
gboolean
ub_primes_count_checkpoint_parse (GVariant  *checkpoint,
                                  guint64   *from,
                                  guint64   *to,
                                  GVariant **parts)
{
  g_return_val_if_fail (checkpoint != NULL, FALSE);

  if (!g_variant_is_of_type (checkpoint, G_VARIANT_TYPE (COUNT_CHECKPOINT_TYPE)))
    return FALSE;

  g_variant_get (checkpoint, "(tt@a(ttttb))", from, to, parts);
  return TRUE;
}
