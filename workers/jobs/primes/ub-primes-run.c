/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "ub-number.h"
#include "ub-primes-run.h"
#include "ub-state.h"

/*
 * A prime count or listing over [from, to], split into one part per
 * worker. Each part runs "primes.run" from its resumable record; its
 * worker saves the record every second under "primes.part.N", and the
 * run saves the job's description under "primes.job", so that the next
 * start can resume from the records (ub_primes_run_new_from_saved()).
 */

#define STATE_PREFIX "primes."
#define STATE_JOB    "primes.job"
#define MAX_PARTS    256

typedef struct
{
  UbPrimesRecord record;
  guint64        bytes;
  /* The part's latest primes in List mode, oldest first: all of them
   * while the part has found no more than the job reports. */
  guint64        recent[UB_PRIMES_JOB_RECENT];
  guint          n_recent;
} Part;

struct _UbPrimesRun
{
  UbRun     parent_instance;

  guint64   from;
  guint64   to;
  gboolean  list;
  char     *list_path;    /* (nullable): where List mode writes every prime */
  char     *from_text;    /* (nullable): the range as the user wrote it */
  char     *to_text;
  Part     *parts;        /* (owned) one per part */
  guint     latest_part;  /* the part that reported primes last */
  gboolean  saved_once;
  gboolean  reported_checkpoint_error;
};

G_DEFINE_FINAL_TYPE (UbPrimesRun, ub_primes_run, UB_TYPE_RUN)

static guint64
numbers_in (guint64 from,
            guint64 to)
{
  /* The whole 64-bit range has 2^64 numbers: saturate. */
  return to - from == G_MAXUINT64 ? G_MAXUINT64 : to - from + 1;
}

static guint64
part_done (const Part *part)
{
  if (part->record.done)
    return numbers_in (part->record.from, part->record.to);
  return part->record.next - part->record.from;
}

static void
update_progress (UbPrimesRun *self)
{
  guint64 done = 0;

  for (guint i = 0; i < ub_run_get_n_parts (UB_RUN (self)); i++)
    done += part_done (&self->parts[i]);
  ub_run_set_progress (UB_RUN (self), done, numbers_in (self->from, self->to));
}

static char *
part_key (guint part)
{
  return g_strdup_printf (STATE_PREFIX "part.%u", part);
}

static GVariant *
ub_primes_run_dup_part_call (UbRun       *run,
                             guint        index,
                             const char **job)
{
  UbPrimesRun *self = UB_PRIMES_RUN (run);
  Part *part = &self->parts[index];
  g_autofree char *key = NULL;

  if (part->record.done)
    return NULL;

  *job = UB_PRIMES_JOB_RUN;
  /* On the main thread there is no worker to checkpoint. */
  if (ub_run_get_blocking (run))
    return ub_primes_run_params_new (&part->record, self->list, self->list_path, part->bytes, NULL);

  key = part_key (index);
  return ub_primes_run_params_new (&part->record, self->list, self->list_path, part->bytes, key);
}

static void
ub_primes_run_part_progress (UbRun    *run,
                             guint     index,
                             GVariant *progress)
{
  UbPrimesRun *self = UB_PRIMES_RUN (run);
  UbPrimesRecord parsed;
  const char *checkpoint_error;
  const guint64 *values;
  guint64 bytes;
  gsize n = 0;

  if (!ub_primes_run_progress_parse (progress, &parsed, &bytes, &values, &n, &checkpoint_error,
                                     NULL))
    return;

  if (checkpoint_error[0] != '\0' && !self->reported_checkpoint_error)
    {
      self->reported_checkpoint_error = TRUE;
      ub_state_report_failure (checkpoint_error);
    }

  self->parts[index].record = parsed;
  self->parts[index].bytes = bytes;

  if (n > 0)
    {
      memcpy (self->parts[index].recent, values, n * sizeof (guint64));
      self->parts[index].n_recent = (guint) n;
      self->latest_part = index;
    }

  update_progress (self);
}

static void
ub_primes_run_part_finished (UbRun    *run,
                             guint     index,
                             GVariant *result)
{
  UbPrimesRun *self = UB_PRIMES_RUN (run);
  g_autoptr(GError) error = NULL;
  Part *part = &self->parts[index];

  if (!ub_primes_part_state_parse (result, &part->record, &part->bytes, &error))
    {
      ub_run_fail (run, error);
      return;
    }
  /* A reply is the end of the part, whatever it says. */
  part->record.done = TRUE;
  update_progress (self);
}

/* Whether the part's worker has saved a record of this very part further
 * on than @record, the last one it reported: a run stopped without waiting
 * for its workers' replies keeps what they saved last. */
static gboolean
saved_further (const char           *key,
               const UbPrimesRecord *record)
{
  g_autoptr(GVariant) saved = ub_state_dup (key);
  UbPrimesRecord stored;

  return saved != NULL && ub_primes_part_state_parse (saved, &stored, NULL, NULL) &&
         stored.from == record->from && stored.to == record->to &&
         (stored.done || stored.next > record->next);
}

/* The job's description and the parts' records as of their last reports:
 * consistent, so a paused job resumes after a restart. */
static void
ub_primes_run_save (UbRun *run)
{
  UbPrimesRun *self = UB_PRIMES_RUN (run);
  GVariantDict dict;

  /* Forget an older job's parts before describing this one. */
  if (!self->saved_once)
    ub_state_remove_prefix (STATE_PREFIX);
  self->saved_once = TRUE;

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "from", "t", self->from);
  g_variant_dict_insert (&dict, "to", "t", self->to);
  g_variant_dict_insert (&dict, "list", "b", self->list);
  g_variant_dict_insert (&dict, "path", "s", self->list_path ? self->list_path : "");
  g_variant_dict_insert (&dict, "parts", "u", ub_run_get_n_parts (run));
  if (self->from_text != NULL && self->to_text != NULL)
    {
      g_variant_dict_insert (&dict, "from-text", "s", self->from_text);
      g_variant_dict_insert (&dict, "to-text", "s", self->to_text);
    }
  ub_state_set (STATE_JOB, g_variant_dict_end (&dict));

  if (ub_run_get_state (run) != UB_RUN_PAUSED)
    return;

  for (guint i = 0; i < ub_run_get_n_parts (run); i++)
    {
      g_autofree char *key = part_key (i);

      if (!saved_further (key, &self->parts[i].record))
        ub_state_set (key, ub_primes_part_state_new (&self->parts[i].record, self->parts[i].bytes));
    }
}

static void
ub_primes_run_discard (UbRun *run)
{
  ub_state_remove_prefix (STATE_PREFIX);
}

static void
ub_primes_run_finalize (GObject *object)
{
  UbPrimesRun *self = UB_PRIMES_RUN (object);

  g_clear_pointer (&self->parts, g_free);
  g_clear_pointer (&self->list_path, g_free);
  g_clear_pointer (&self->from_text, g_free);
  g_clear_pointer (&self->to_text, g_free);

  G_OBJECT_CLASS (ub_primes_run_parent_class)->finalize (object);
}

static void
ub_primes_run_class_init (UbPrimesRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  UbRunClass *run_class = UB_RUN_CLASS (klass);

  object_class->finalize = ub_primes_run_finalize;

  run_class->dup_part_call = ub_primes_run_dup_part_call;
  run_class->part_progress = ub_primes_run_part_progress;
  run_class->part_finished = ub_primes_run_part_finished;
  run_class->save = ub_primes_run_save;
  run_class->discard = ub_primes_run_discard;
}

static void
ub_primes_run_init (UbPrimesRun *self)
{
}

static UbPrimesRun *
new_run (guint64     from,
         guint64     to,
         gboolean    list,
         const char *list_path,
         guint       n_parts,
         gboolean    blocking)
{
  g_autofree UbPrimesRange *ranges = NULL;
  g_autofree char *from_text = NULL;
  g_autofree char *to_text = NULL;
  g_autofree char *title = NULL;
  UbPrimesRun *self;
  guint n_ranges = 0;

  ranges = ub_primes_split (from, to, n_parts, &n_ranges);
  from_text = ub_number_format_u64 (from);
  to_text = ub_number_format_u64 (to);
  title = list ? g_strdup_printf (_("Listing primes in [%s, %s]"), from_text, to_text)
               : g_strdup_printf (_("Counting primes in [%s, %s]"), from_text, to_text);

  self = g_object_new (UB_TYPE_PRIMES_RUN,
                       "key", UB_PRIMES_RUN_KEY,
                       "title", title,
                       "unit", "numbers",
                       "n-parts", n_ranges,
                       "blocking", blocking,
                       NULL);
  self->from = from;
  self->to = to;
  self->list = list;
  self->list_path = list_path && list_path[0] ? g_strdup (list_path) : NULL;
  self->parts = g_new0 (Part, n_ranges);
  for (guint i = 0; i < n_ranges; i++)
    ub_primes_record_init (&self->parts[i].record, ranges[i].from, ranges[i].to);
  update_progress (self);
  return self;
}

/**
 * ub_primes_run_new:
 * @list_path: (nullable): in List mode, the file that gets every prime;
 *   then there is one part, since a file is written in order
 * @n_workers: how many parts, one per worker
 *
 * Returns: (transfer full): a queued run
 */
UbPrimesRun *
ub_primes_run_new (guint64     from,
                   guint64     to,
                   gboolean    list,
                   const char *list_path,
                   guint       n_workers,
                   gboolean    blocking)
{
  g_return_val_if_fail (from <= to, NULL);

  if (list && list_path != NULL)
    n_workers = 1;
  return new_run (from, to, list, list ? list_path : NULL,
                  CLAMP (n_workers, 1, MAX_PARTS), blocking);
}

/**
 * ub_primes_run_new_from_saved:
 *
 * Rebuilds the run an earlier start saved, each part from its last saved
 * record (a record that does not match its part starts the part again).
 *
 * Returns: (transfer full) (nullable): a queued run, or %NULL if nothing
 *   was saved (no error) or what was saved makes no sense (@error set)
 */
UbPrimesRun *
ub_primes_run_new_from_saved (gboolean   blocking,
                              GError   **error)
{
  g_autoptr(GVariant) saved = ub_state_dup (STATE_JOB);
  g_auto(GVariantDict) job = G_VARIANT_DICT_INIT (NULL);
  UbPrimesRun *self;
  const char *path = "";
  const char *from_text = NULL, *to_text = NULL;
  guint64 from, to;
  gboolean list = FALSE;
  guint n_parts;

  if (saved == NULL)
    return NULL;

  if (g_variant_is_of_type (saved, G_VARIANT_TYPE_VARDICT))
    {
      g_variant_dict_clear (&job);
      g_variant_dict_init (&job, saved);
    }
  if (!g_variant_is_of_type (saved, G_VARIANT_TYPE_VARDICT) ||
      !g_variant_dict_lookup (&job, "from", "t", &from) ||
      !g_variant_dict_lookup (&job, "to", "t", &to) ||
      !g_variant_dict_lookup (&job, "parts", "u", &n_parts) ||
      from > to || n_parts == 0 || n_parts > MAX_PARTS)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The saved work could not be read; it was discarded."));
      ub_state_remove_prefix (STATE_PREFIX);
      return NULL;
    }
  g_variant_dict_lookup (&job, "list", "b", &list);
  g_variant_dict_lookup (&job, "path", "&s", &path);
  g_variant_dict_lookup (&job, "from-text", "&s", &from_text);
  g_variant_dict_lookup (&job, "to-text", "&s", &to_text);

  self = new_run (from, to, list, path, n_parts, blocking);
  self->saved_once = TRUE;
  ub_primes_run_set_range_text (self, from_text, to_text);
  for (guint i = 0; i < ub_run_get_n_parts (UB_RUN (self)); i++)
    {
      g_autofree char *key = part_key (i);
      g_autoptr(GVariant) part = ub_state_dup (key);
      UbPrimesRecord parsed;
      guint64 bytes = 0;

      if (part == NULL)
        continue;
      if (ub_primes_part_state_parse (part, &parsed, &bytes, NULL) &&
          parsed.from == self->parts[i].record.from && parsed.to == self->parts[i].record.to)
        {
          self->parts[i].record = parsed;
          self->parts[i].bytes = bytes;
        }
    }
  update_progress (self);
  return self;
}

/**
 * ub_primes_run_set_range_text:
 * @from_text: (nullable): the range's start as the user wrote it, e.g. "1e12"
 * @to_text: (nullable): its end
 *
 * Kept, and saved, so that a form showing the run (a reloaded window, a
 * resumed run) reads as the user wrote it. Ignored unless both texts
 * spell the run's very range: what is read back is checked, not trusted.
 */
void
ub_primes_run_set_range_text (UbPrimesRun *self,
                              const char  *from_text,
                              const char  *to_text)
{
  guint64 from, to;

  g_return_if_fail (UB_IS_PRIMES_RUN (self));

  g_clear_pointer (&self->from_text, g_free);
  g_clear_pointer (&self->to_text, g_free);
  if (from_text == NULL || to_text == NULL ||
      !ub_number_parse_u64 (from_text, &from, NULL) || from != self->from ||
      !ub_number_parse_u64 (to_text, &to, NULL) || to != self->to)
    return;
  self->from_text = g_strdup (from_text);
  self->to_text = g_strdup (to_text);
}

/**
 * ub_primes_run_dup_range_text:
 * @from_text: (out) (transfer full): the range's start, as the user wrote
 *   it if known, else in digits
 * @to_text: (out) (transfer full): its end
 */
void
ub_primes_run_dup_range_text (UbPrimesRun  *self,
                              char        **from_text,
                              char        **to_text)
{
  g_return_if_fail (UB_IS_PRIMES_RUN (self));
  g_return_if_fail (from_text != NULL && to_text != NULL);

  if (self->from_text != NULL && self->to_text != NULL)
    {
      *from_text = g_strdup (self->from_text);
      *to_text = g_strdup (self->to_text);
      return;
    }
  *from_text = g_strdup_printf ("%" G_GUINT64_FORMAT, self->from);
  *to_text = g_strdup_printf ("%" G_GUINT64_FORMAT, self->to);
}

guint64
ub_primes_run_get_from (UbPrimesRun *self)
{
  g_return_val_if_fail (UB_IS_PRIMES_RUN (self), 0);

  return self->from;
}

guint64
ub_primes_run_get_to (UbPrimesRun *self)
{
  g_return_val_if_fail (UB_IS_PRIMES_RUN (self), 0);

  return self->to;
}

gboolean
ub_primes_run_get_list (UbPrimesRun *self)
{
  g_return_val_if_fail (UB_IS_PRIMES_RUN (self), FALSE);

  return self->list;
}

/**
 * ub_primes_run_get_list_path:
 *
 * Returns: (nullable): the file List mode writes, if any
 */
const char *
ub_primes_run_get_list_path (UbPrimesRun *self)
{
  g_return_val_if_fail (UB_IS_PRIMES_RUN (self), NULL);

  return self->list_path;
}

/**
 * ub_primes_run_get_count:
 *
 * Returns: the primes found so far; the answer once the run is done
 */
guint64
ub_primes_run_get_count (UbPrimesRun *self)
{
  guint64 count = 0;

  g_return_val_if_fail (UB_IS_PRIMES_RUN (self), 0);

  for (guint i = 0; i < ub_run_get_n_parts (UB_RUN (self)); i++)
    count += self->parts[i].record.count;
  return count;
}

/**
 * ub_primes_run_dup_shown:
 * @n_shown: (out): how many
 * @whole: (out): whether they are every prime of the range
 *
 * What List mode can show. Once every part is done, and no part found
 * more primes than the job reports (%UB_PRIMES_JOB_RECENT), that is the
 * whole result, in order, from all the parts. Otherwise it is the latest
 * primes of the part that reported last, or once done, of the last part:
 * the end of the range.
 *
 * Returns: (array length=n_shown) (transfer full) (nullable): the primes
 */
guint64 *
ub_primes_run_dup_shown (UbPrimesRun *self,
                         guint       *n_shown,
                         gboolean    *whole)
{
  gboolean all_done;
  guint n_parts;
  guint64 *shown;
  guint n = 0;

  g_return_val_if_fail (UB_IS_PRIMES_RUN (self), NULL);
  g_return_val_if_fail (n_shown != NULL && whole != NULL, NULL);

  n_parts = ub_run_get_n_parts (UB_RUN (self));
  if (n_parts == 0)
    {
      *n_shown = 0;
      *whole = FALSE;
      return NULL;
    }

  all_done = TRUE;
  *whole = TRUE;
  for (guint i = 0; i < n_parts; i++)
    {
      all_done = all_done && self->parts[i].record.done;
      if (!self->parts[i].record.done || self->parts[i].record.count != self->parts[i].n_recent)
        *whole = FALSE;
    }

  if (!*whole)
    {
      /* Done, the end of the range; running, what is being found now. */
      const Part *latest = &self->parts[all_done ? n_parts - 1 : MIN (self->latest_part, n_parts - 1)];

      *n_shown = latest->n_recent;
      return g_memdup2 (latest->recent, *n_shown * sizeof (guint64));
    }

  shown = g_new (guint64, (gsize) n_parts * UB_PRIMES_JOB_RECENT + 1);
  for (guint i = 0; i < n_parts; i++)
    {
      memcpy (shown + n, self->parts[i].recent, self->parts[i].n_recent * sizeof (guint64));
      n += self->parts[i].n_recent;
    }
  *n_shown = n;
  return shown;
}
