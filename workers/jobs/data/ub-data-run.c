/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "ub-data-identity.h"
#include "ub-data-run.h"
#include "ub-durable.h"
#include "ub-state.h"

/*
 * Base64 or SHA-256 over a file, random data or pasted text: one part,
 * which first writes the random input when there is one ("data.random")
 * and then runs "data.run". The job saves its own checkpoints under
 * UB_DATA_JOBS_STATE_KEY; the run only reads them back to resume.
 */

typedef enum
{
  STAGE_RANDOM,
  STAGE_RUN,
  STAGE_OVER,
} Stage;

struct _UbDataRun
{
  UbRun       parent_instance;

  UbDataMode  mode;
  char       *input_path;   /* (nullable): NULL reads the text */
  GBytes     *text;         /* (owned) (nullable): pasted text */
  guint64     random_size;  /* > 0: write this much random input first */
  char       *output_path;
  GVariant   *resume;       /* (owned) (nullable): where "data.run" starts */
  GVariant   *result;       /* (owned) (nullable): "data.run"'s reply */
  Stage       stage;
  gint64      total;        /* the input's size, or -1 while unknown */
  gboolean    reported_checkpoint_error;
  char       *start_over_reason; /* (owned) (nullable) */
};

G_DEFINE_FINAL_TYPE (UbDataRun, ub_data_run, UB_TYPE_RUN)

static const char *
verb (UbDataMode mode)
{
  return mode == UB_DATA_MODE_SHA256 ? _("Hashing") :
         mode == UB_DATA_MODE_BASE64_ENCODE ? _("Encoding") : _("Decoding");
}

static char *explain_unfit (GVariant   *resume,
                            const char *input,
                            const char *output);

/* Takes up the checkpoint the job saved last (once a second), if it is
 * this run's and still fits its input; else the run starts over, which
 * is all a pause within the first second costs. Pasted text is never
 * saved and is always redone. */
static void
reload_resume (UbDataRun *self)
{
  g_autoptr(GVariant) saved = NULL;
  g_autoptr(GVariant) resume = NULL;
  g_autofree char *unfit = NULL;
  const char *input = NULL;
  guint32 mode = 0;

  g_clear_pointer (&self->resume, g_variant_unref);
  if (self->input_path == NULL)
    return;

  saved = ub_state_dup (UB_DATA_JOBS_STATE_KEY);
  if (saved == NULL || !g_variant_is_of_type (saved, G_VARIANT_TYPE_VARDICT) ||
      !g_variant_lookup (saved, "mode", "u", &mode) || mode != (guint32) self->mode ||
      !g_variant_lookup (saved, "input", "&s", &input) || g_strcmp0 (input, self->input_path) != 0)
    return;

  resume = g_variant_lookup_value (saved, "resume", G_VARIANT_TYPE_VARDICT);
  unfit = explain_unfit (resume, self->input_path,
                         self->mode == UB_DATA_MODE_SHA256 ? NULL : self->output_path);
  if (unfit == NULL)
    self->resume = g_steal_pointer (&resume);
}

static GVariant *
ub_data_run_dup_part_call (UbRun       *run,
                           guint        part,
                           const char **job)
{
  UbDataRun *self = UB_DATA_RUN (run);

  if (self->stage == STAGE_RANDOM)
    {
      ub_run_set_phase (run, _("Generating random data"));
      *job = UB_DATA_JOB_RANDOM;
      return ub_data_random_params_new (self->input_path, self->random_size, 1);
    }
  if (self->stage == STAGE_OVER)
    return NULL;

  if (g_strcmp0 (ub_run_get_phase (run), verb (self->mode)) != 0)
    ub_run_set_phase (run, verb (self->mode));
  /* Launched again after a pause: on from the job's last checkpoint. */
  if (ub_run_get_n_launches (run) > 1)
    reload_resume (self);

  *job = UB_DATA_JOB_RUN;
  return ub_data_run_params_new (self->mode, 76, self->input_path, self->text,
                                 self->mode == UB_DATA_MODE_SHA256 ? NULL : self->output_path,
                                 self->resume);
}

static void
ub_data_run_part_progress (UbRun    *run,
                           guint     part,
                           GVariant *progress)
{
  UbDataRun *self = UB_DATA_RUN (run);
  const char *checkpoint_error = "";
  guint64 done;

  ub_data_progress_parse (progress, &done, &self->total, &checkpoint_error);

  if (checkpoint_error[0] != '\0' && !self->reported_checkpoint_error)
    {
      self->reported_checkpoint_error = TRUE;
      ub_state_report_failure (checkpoint_error);
    }

  ub_run_set_progress (run, done, self->total > 0 ? (guint64) self->total : 0);
}

static void
ub_data_run_part_finished (UbRun    *run,
                           guint     part,
                           GVariant *result)
{
  UbDataRun *self = UB_DATA_RUN (run);
  guint64 read;

  if (self->stage == STAGE_RANDOM)
    {
      self->stage = STAGE_RUN;
      return;
    }

  self->stage = STAGE_OVER;
  g_clear_pointer (&self->resume, g_variant_unref);
  self->result = g_variant_ref (result);
  ub_data_run_result_parse (result, &read, NULL, NULL, NULL, NULL);
  ub_run_set_progress (run, read, read);
}

static void
ub_data_run_discard (UbRun *run)
{
  ub_data_run_forget_saved ();
}

static void
ub_data_run_finalize (GObject *object)
{
  UbDataRun *self = UB_DATA_RUN (object);

  g_clear_pointer (&self->input_path, g_free);
  g_clear_pointer (&self->output_path, g_free);
  g_clear_pointer (&self->text, g_bytes_unref);
  g_clear_pointer (&self->resume, g_variant_unref);
  g_clear_pointer (&self->result, g_variant_unref);
  g_clear_pointer (&self->start_over_reason, g_free);

  G_OBJECT_CLASS (ub_data_run_parent_class)->finalize (object);
}

static void
ub_data_run_class_init (UbDataRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  UbRunClass *run_class = UB_RUN_CLASS (klass);

  object_class->finalize = ub_data_run_finalize;

  run_class->dup_part_call = ub_data_run_dup_part_call;
  run_class->part_progress = ub_data_run_part_progress;
  run_class->part_finished = ub_data_run_part_finished;
  run_class->discard = ub_data_run_discard;
}

static void
ub_data_run_init (UbDataRun *self)
{
  self->total = -1;
}

/**
 * ub_data_run_new:
 * @input_path: (nullable): the input file; %NULL reads @text
 * @text: (nullable): the input when there is no file
 * @random_size: if not 0, @input_path is first filled with this many
 *   random bytes
 * @output_path: where the result goes (unused for SHA-256)
 *
 * Returns: (transfer full): a queued run
 */
UbDataRun *
ub_data_run_new (UbDataMode   mode,
                 const char  *input_path,
                 GBytes      *text,
                 guint64      random_size,
                 const char  *output_path,
                 gboolean     blocking)
{
  g_autofree char *title = NULL;
  g_autofree char *name = NULL;
  UbDataRun *self;

  g_return_val_if_fail (output_path != NULL, NULL);
  g_return_val_if_fail (random_size == 0 || input_path != NULL, NULL);

  name = input_path ? g_filename_display_basename (input_path) : g_strdup (_("pasted text"));
  /* TRANSLATORS: "Hashing", "Encoding" or "Decoding", then a file name */
  title = g_strdup_printf (_("%s %s"), verb (mode), name);
  self = g_object_new (UB_TYPE_DATA_RUN,
                       "key", UB_DATA_RUN_KEY,
                       "title", title,
                       "unit", "B",
                       "blocking", blocking,
                       NULL);
  self->mode = mode;
  self->input_path = g_strdup (input_path);
  self->text = text ? g_bytes_ref (text) : NULL;
  self->random_size = random_size;
  self->output_path = g_strdup (output_path);
  self->stage = random_size > 0 ? STAGE_RANDOM : STAGE_RUN;
  return self;
}

/**
 * ub_data_run_dup_output_path:
 * @mode: an encoding or decoding mode
 *
 * Where the Data page's result goes: a file of the app's own, in its
 * cache folder, the only output a saved run may name.
 *
 * Returns: (transfer full): the path
 */
char *
ub_data_run_dup_output_path (UbDataMode mode)
{
  g_autofree char *dir = ub_data_run_dup_cache_dir ();

  return g_build_filename (dir, mode == UB_DATA_MODE_BASE64_ENCODE ? "result.b64" : "result.bin",
                           NULL);
}

/**
 * ub_data_run_dup_cache_dir:
 *
 * The Data page's cache folder, created if missing: its random inputs
 * and the results no file was chosen for.
 *
 * Returns: (transfer full): the path
 */
char *
ub_data_run_dup_cache_dir (void)
{
  char *dir = g_build_filename (g_get_user_cache_dir (), "unblock", "data", NULL);

  g_mkdir_with_parents (dir, 0700);
  return dir;
}

/* Why the saved @resume cannot carry on over @input into @output (NULL
 * for a hash), or NULL if it may. Cheap (a stat or two): the job itself
 * compares the contents before it writes. */
static char *
explain_unfit (GVariant   *resume,
               const char *input,
               const char *output)
{
  g_autoptr(GVariant) output_identity = NULL;
  g_autoptr(GVariant) identity = NULL;
  g_autoptr(GError) error = NULL;
  UbDataIdentity saved, now;
  guint64 offset = 0;
  guint64 output_offset = 0;

  if (resume == NULL ||
      !g_variant_lookup (resume, "input-offset", "t", &offset) ||
      !g_variant_lookup (resume, "output-offset", "t", &output_offset) ||
      (identity = g_variant_lookup_value (resume, "identity",
                                          G_VARIANT_TYPE (UB_DATA_IDENTITY_TYPE))) == NULL ||
      !ub_data_identity_from_variant (identity, &saved))
    return g_strdup (_("the saved progress is incomplete or damaged"));
  if (!ub_data_identity_read (input, FALSE, &now, &error))
    return g_strdup (error->message);
  if (offset > saved.size)
    return g_strdup (_("the saved progress lies past the end of the file"));
  if (output != NULL && output_offset > 0)
    {
      g_autofree char *partial = ub_durable_dup_partial_path (UB_DATA_JOBS_PARTIAL_NAME);
      GStatBuf st;

      /* Kept only when the job was stopped, not when it was killed. */
      if (g_lstat (partial, &st) != 0 || !S_ISREG (st.st_mode) ||
          (guint64) st.st_size < output_offset)
        return g_strdup (_("the part already written was not kept"));
    }
  output_identity = g_variant_lookup_value (resume, "output-identity", NULL);
  if (output != NULL && output_identity != NULL)
    {
      char *change = ub_data_identity_explain_output_change (output_identity, output);

      if (change != NULL)
        return change;
    }
  return ub_data_identity_explain_change (&saved, &now);
}

/* Where a saved record's result goes: the destination it names, if the
 * record describes that file as it still is, else the app's own file. */
static char *
saved_output (GVariant   *saved,
              UbDataMode  mode,
              char      **change)
{
  g_autoptr(GVariant) resume = g_variant_lookup_value (saved, "resume", G_VARIANT_TYPE_VARDICT);
  g_autoptr(GVariant) identity = NULL;
  const char *output = NULL;

  if (mode != UB_DATA_MODE_SHA256 && resume != NULL &&
      g_variant_lookup (saved, "output", "&s", &output) && g_path_is_absolute (output) &&
      !ub_durable_is_partial_path (output) &&
      (identity = g_variant_lookup_value (resume, "output-identity", NULL)) != NULL)
    {
      *change = ub_data_identity_explain_output_change (identity, output);
      if (*change == NULL)
        return g_strdup (output);
    }
  return ub_data_run_dup_output_path (mode);
}

/**
 * ub_data_run_new_from_saved:
 * @offer: (out) (optional): a sentence describing the saved work
 *
 * Everything read back is checked, not trusted: the output is the
 * destination the record names only if the record describes that file as
 * it still is (the same file, size and time, or still no file), else the
 * app's own (ub_data_run_dup_output_path()); the partial output is the
 * app's own name, and must hold what the checkpoint claims. A checkpoint
 * that no longer fits (another input, a changed one, offsets past its end,
 * a changed destination, a partial output that was not kept) gives a
 * fresh run instead, with the reason in @offer (see
 * ub_data_run_get_start_over_reason()).
 *
 * Returns: (transfer full) (nullable): a queued run resuming the job a
 *   checkpoint describes, or %NULL if there is none (or its input is gone)
 */
UbDataRun *
ub_data_run_new_from_saved (gboolean   blocking,
                            char     **offer)
{
  g_autoptr(GVariant) saved = ub_state_dup (UB_DATA_JOBS_STATE_KEY);
  g_autofree char *name = NULL;
  g_autofree char *output = NULL;
  g_autofree char *self_change = NULL;
  UbDataRun *self;
  const char *input = NULL;
  guint32 mode = 0;
  guint64 offset = 0;
  gint64 total = -1;

  if (saved == NULL || !g_variant_is_of_type (saved, G_VARIANT_TYPE_VARDICT) ||
      !g_variant_lookup (saved, "mode", "u", &mode) || mode > UB_DATA_MODE_SHA256 ||
      !g_variant_lookup (saved, "input", "&s", &input) || !g_path_is_absolute (input) ||
      !g_file_test (input, G_FILE_TEST_IS_REGULAR))
    return NULL;

  output = saved_output (saved, (UbDataMode) mode, &self_change);
  self = ub_data_run_new ((UbDataMode) mode, input, NULL, 0, output, blocking);
  self->resume = g_variant_lookup_value (saved, "resume", G_VARIANT_TYPE_VARDICT);
  g_variant_lookup (saved, "total", "x", &total);
  /* A destination that changed: start over, into the app's own file. */
  self->start_over_reason = self_change != NULL
                            ? g_steal_pointer (&self_change)
                            : explain_unfit (self->resume, input,
                                             mode == UB_DATA_MODE_SHA256 ? NULL : output);
  if (self->start_over_reason != NULL)
    g_clear_pointer (&self->resume, g_variant_unref);
  if (self->resume != NULL)
    g_variant_lookup (self->resume, "input-offset", "t", &offset);

  if (offer != NULL)
    {
      name = g_filename_display_basename (input);
      if (self->start_over_reason != NULL)
        *offer = g_strdup_printf (_("%s %s cannot be resumed: %s."),
                                  verb (self->mode), name, self->start_over_reason);
      else
        *offer = total > 0 && (guint64) total >= offset
                 ? g_strdup_printf (_("%s %s — %.0f %% done when Unblock last stopped."),
                                    verb (self->mode), name, 100.0 * offset / total)
                 : g_strdup_printf (_("%s %s was not finished when Unblock last stopped."),
                                    verb (self->mode), name);
    }
  return self;
}

/**
 * ub_data_run_get_start_over_reason:
 *
 * Returns: (nullable): why the saved work this run came from could not be
 *   resumed (the run then starts over), or %NULL
 */
const char *
ub_data_run_get_start_over_reason (UbDataRun *self)
{
  g_return_val_if_fail (UB_IS_DATA_RUN (self), NULL);

  return self->start_over_reason;
}

/**
 * ub_data_run_forget_saved:
 *
 * Removes the saved progress and the partial output kept for it: the
 * app's own partial file, whatever the saved record names.
 */
void
ub_data_run_forget_saved (void)
{
  ub_durable_remove_partial (UB_DATA_JOBS_PARTIAL_NAME);
  ub_state_remove (UB_DATA_JOBS_STATE_KEY);
}

UbDataMode
ub_data_run_get_mode (UbDataRun *self)
{
  g_return_val_if_fail (UB_IS_DATA_RUN (self), UB_DATA_MODE_SHA256);

  return self->mode;
}

/**
 * ub_data_run_get_input_path:
 *
 * Returns: (nullable): the input file, %NULL for pasted text
 */
const char *
ub_data_run_get_input_path (UbDataRun *self)
{
  g_return_val_if_fail (UB_IS_DATA_RUN (self), NULL);

  return self->input_path;
}

const char *
ub_data_run_get_output_path (UbDataRun *self)
{
  g_return_val_if_fail (UB_IS_DATA_RUN (self), NULL);

  return self->output_path;
}

/**
 * ub_data_run_is_generating:
 *
 * Returns: whether the run is writing its random input
 */
gboolean
ub_data_run_is_generating (UbDataRun *self)
{
  g_return_val_if_fail (UB_IS_DATA_RUN (self), FALSE);

  return self->stage == STAGE_RANDOM && ub_run_is_active (UB_RUN (self));
}

/**
 * ub_data_run_get_result:
 *
 * Returns: (transfer none) (nullable): "data.run"'s reply, once done
 */
GVariant *
ub_data_run_get_result (UbDataRun *self)
{
  g_return_val_if_fail (UB_IS_DATA_RUN (self), NULL);

  return self->result;
}

/**
 * ub_data_run_get_input_size:
 *
 * Returns: the input's size as the job reported it, or -1 while unknown
 */
gint64
ub_data_run_get_input_size (UbDataRun *self)
{
  g_return_val_if_fail (UB_IS_DATA_RUN (self), -1);

  return self->total;
}
