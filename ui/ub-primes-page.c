/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-job.h"
#include "ub-number.h"
#include "ub-page.h"
#include "ub-primes-job.h"
#include "ub-primes-page.h"
#include "ub-resume-bar.h"
#include "ub-state.h"
#include "ub-ui-format.h"
#include "ub-ui.h"
#include "ub-worker-pool.h"

/*
 * The Primes page. A range is split into one part per worker; each part
 * runs "primes.run" in a worker of the page's pool and reports its
 * resumable record as progress. Pausing cancels the calls and keeps the
 * last reported records; resuming starts the unfinished parts from them.
 * In blocking mode the very same job runs part after part on the main
 * thread.
 *
 * Work survives a restart: the page saves the job's description when it
 * starts, and each part's worker saves its record every second and when
 * the window asks before closing (ub_jobs_request_checkpoint()). On the
 * next start the page offers to resume from those records.
 *
 * Replies are matched to the run that asked for them by a generation
 * number, and reach the page only through a weak reference: a reply that
 * arrives after the page was disposed, or for a run that was cancelled,
 * is dropped.
 */

#define REFRESH_INTERVAL_MS 100
#define STATE_PREFIX        "primes."
#define STATE_JOB           "primes.job"

typedef struct
{
  UbPrimesRecord record;
  guint64        bytes;
} Part;

struct _UbPrimesPage
{
  GtkWidget          parent_instance;

  /* Template widgets */
  UbResumeBar       *resume_bar;
  GtkEntry          *from_entry;
  GtkEntry          *to_entry;
  GtkDropDown       *mode_dropdown;
  GtkSpinButton     *workers_spin;
  GtkWidget         *save_box;
  GtkLabel          *save_label;
  GtkLabel          *error_label;
  GtkProgressBar    *progress_bar;
  GtkLabel          *status_label;
  GtkLabel          *result_label;
  GtkLabel          *recent_label;
  GtkButton         *pause_button;
  GtkEntry          *notes_entry;

  /* Owned references */
  UbWorkerPool      *pool;
  GCancellable      *cancellable;
  GtkNativeDialog   *file_chooser;
  char              *list_path;

  /* The current run */
  UbPrimesPageState  state;
  guint              generation;
  guint64            from;
  guint64            to;
  gboolean           list;
  gboolean           blocking;
  Part              *parts;
  guint              n_parts;
  guint              n_running;
  guint64            recent[UB_PRIMES_JOB_RECENT];
  guint              n_recent;
  gboolean           dirty;
  gboolean           reported_checkpoint_error;
  guint              refresh_id;

  /* Time spent running, excluding pauses */
  gint64             run_started_usec;
  gint64             active_usec;
  gint64             rate_sample_usec;
  guint64            rate_sample_done;
  double             rate;
};

static void ub_primes_page_iface_init (UbPageInterface *iface);
static void update_save_label         (UbPrimesPage    *self);
static void save_job                  (UbPrimesPage    *self);

G_DEFINE_FINAL_TYPE_WITH_CODE (UbPrimesPage, ub_primes_page, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (UB_TYPE_PAGE, ub_primes_page_iface_init))

static gboolean
is_busy_state (UbPrimesPageState state)
{
  return state == UB_PRIMES_PAGE_RUNNING || state == UB_PRIMES_PAGE_PAUSED;
}

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
totals (UbPrimesPage *self,
        guint64      *done,
        guint64      *count)
{
  *done = 0;
  *count = 0;
  for (guint i = 0; i < self->n_parts; i++)
    {
      *done += part_done (&self->parts[i]);
      *count += self->parts[i].record.count;
    }
}

static gint64
active_time (UbPrimesPage *self)
{
  if (self->state == UB_PRIMES_PAGE_RUNNING)
    return self->active_usec + (g_get_monotonic_time () - self->run_started_usec);
  return self->active_usec;
}

static void
update_actions (UbPrimesPage *self)
{
  gboolean busy = self->state == UB_PRIMES_PAGE_RUNNING || self->state == UB_PRIMES_PAGE_PAUSED;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "primes.start", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "primes.pause", busy && !self->blocking);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "primes.cancel", busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "primes.choose-file", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "primes.clear-file", !busy && self->list_path);

  gtk_button_set_label (self->pause_button,
                        self->state == UB_PRIMES_PAGE_PAUSED ? "_Resume" : "_Pause");
  /* Read-only rather than insensitive: taking a focused entry's
   * sensitivity away would lose its focus-out. */
  gtk_editable_set_editable (GTK_EDITABLE (self->from_entry), !busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->to_entry), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->mode_dropdown), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->workers_spin), !busy);
}

static void
show_error (UbPrimesPage *self,
            const char   *message)
{
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
refresh (UbPrimesPage *self)
{
  guint64 done;
  guint64 count;
  guint64 total = numbers_in (self->from, self->to);
  gint64 elapsed = active_time (self);
  gint64 now = g_get_monotonic_time ();
  double fraction;
  char text[64];
  g_autofree char *count_text = NULL;
  g_autofree char *rate_text = NULL;
  g_autofree char *eta_text = NULL;
  g_autofree char *status = NULL;

  self->dirty = FALSE;
  if (self->parts == NULL)
    return;

  totals (self, &done, &count);
  fraction = total ? (double) done / (double) total : 1.0;
  gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (fraction, 0.0, 1.0));
  g_snprintf (text, sizeof text, "%.1f %%", 100.0 * fraction);
  gtk_progress_bar_set_text (self->progress_bar, text);

  /* The rate over the last second or so, smoothed. */
  if (self->state == UB_PRIMES_PAGE_RUNNING && now - self->rate_sample_usec >= G_USEC_PER_SEC / 2)
    {
      double instant = (done - self->rate_sample_done) * (double) G_USEC_PER_SEC /
                       (double) (now - self->rate_sample_usec);

      self->rate = self->rate > 0 ? 0.5 * self->rate + 0.5 * instant : instant;
      self->rate_sample_usec = now;
      self->rate_sample_done = done;
    }
  if (self->rate <= 0 && elapsed > 0)
    self->rate = done * (double) G_USEC_PER_SEC / elapsed;

  count_text = ub_number_format_u64 (count);
  rate_text = ub_format_rate (self->rate, "numbers/s");
  eta_text = self->rate > 0 && done < total
             ? ub_format_duration ((total - done) / self->rate)
             : g_strdup ("—");

  switch (self->state)
    {
    case UB_PRIMES_PAGE_RUNNING:
      status = g_strdup_printf ("%s · ETA %s · %u %s · %s primes so far",
                                rate_text, eta_text, self->n_parts,
                                self->blocking ? "part on the main thread" :
                                self->n_parts == 1 ? "worker" : "workers",
                                count_text);
      break;

    case UB_PRIMES_PAGE_PAUSED:
      status = g_strdup_printf ("Paused · %s primes so far", count_text);
      break;

    case UB_PRIMES_PAGE_DONE:
      {
        g_autofree char *time_text = ub_format_duration (elapsed / (double) G_USEC_PER_SEC);

        if (self->blocking)
          status = g_strdup_printf ("Done in %s · %s · %u %s, one after the other on the main "
                                    "thread (blocking mode)", time_text, rate_text, self->n_parts,
                                    self->n_parts == 1 ? "part" : "parts");
        else
          status = g_strdup_printf ("Done in %s · %s · %u %s", time_text, rate_text,
                                    self->n_parts, self->n_parts == 1 ? "worker" : "workers");
      }
      break;

    case UB_PRIMES_PAGE_IDLE:
    default:
      status = g_strdup_printf ("Stopped · %s primes counted before stopping", count_text);
      break;
    }
  gtk_label_set_text (self->status_label, status);

  if (self->list && self->n_recent > 0)
    {
      GString *recent = g_string_new (NULL);

      for (guint i = 0; i < self->n_recent; i++)
        g_string_append_printf (recent, "%s%" G_GUINT64_FORMAT, i ? "  " : "", self->recent[i]);
      gtk_label_set_text (self->recent_label, recent->str);
      g_string_free (recent, TRUE);
    }
}

static gboolean
refresh_cb (gpointer user_data)
{
  UbPrimesPage *self = user_data;

  if (self->dirty || self->state == UB_PRIMES_PAGE_RUNNING)
    refresh (self);
  return G_SOURCE_CONTINUE;
}

static void
set_state (UbPrimesPage      *self,
           UbPrimesPageState  state)
{
  gint64 now = g_get_monotonic_time ();

  if (self->state == UB_PRIMES_PAGE_RUNNING && state != UB_PRIMES_PAGE_RUNNING)
    self->active_usec += now - self->run_started_usec;
  if (state == UB_PRIMES_PAGE_RUNNING && self->state != UB_PRIMES_PAGE_RUNNING)
    {
      self->run_started_usec = now;
      self->rate_sample_usec = now;
      totals (self, &self->rate_sample_done, &(guint64) { 0 });
    }

  self->state = state;

  if (state == UB_PRIMES_PAGE_RUNNING && self->refresh_id == 0 && !self->blocking)
    self->refresh_id = g_timeout_add (REFRESH_INTERVAL_MS, refresh_cb, self);
  else if (state != UB_PRIMES_PAGE_RUNNING)
    g_clear_handle_id (&self->refresh_id, g_source_remove);

  update_actions (self);
  refresh (self);
}

static void
finish (UbPrimesPage *self)
{
  guint64 done;
  guint64 count;
  g_autofree char *count_text = NULL;
  g_autofree char *from_text = NULL;
  g_autofree char *to_text = NULL;
  g_autofree char *result = NULL;

  totals (self, &done, &count);
  count_text = ub_number_format_u64 (count);
  from_text = ub_number_format_u64 (self->from);
  to_text = ub_number_format_u64 (self->to);
  result = g_strdup_printf ("%s primes in [%s, %s]", count_text, from_text, to_text);
  gtk_label_set_text (self->result_label, result);

  ub_state_remove_prefix (STATE_PREFIX);
  set_state (self, UB_PRIMES_PAGE_DONE);
}

static void
take_progress (UbPrimesPage *self,
               guint         part,
               GVariant     *progress)
{
  g_autoptr(GVariant) record = NULL;
  g_autoptr(GVariant) recent = NULL;
  UbPrimesRecord parsed;
  const char *checkpoint_error;
  guint64 bytes;
  gsize n = 0;
  const guint64 *values;

  g_variant_get (progress, "(@(ttttb)t@at&s)", &record, &bytes, &recent, &checkpoint_error);
  if (!ub_primes_record_from_variant (record, &parsed, NULL))
    return;

  if (checkpoint_error[0] != '\0' && !self->reported_checkpoint_error)
    {
      self->reported_checkpoint_error = TRUE;
      ub_state_report_failure (checkpoint_error);
    }

  self->parts[part].record = parsed;
  self->parts[part].bytes = bytes;

  values = g_variant_get_fixed_array (recent, &n, sizeof (guint64));
  if (n > 0)
    {
      n = MIN (n, UB_PRIMES_JOB_RECENT);
      memcpy (self->recent, values, n * sizeof (guint64));
      self->n_recent = (guint) n;
    }

  self->dirty = TRUE;
}

static void
on_call_progress (GVariant *progress,
                  gpointer  user_data)
{
  UbPageCall *call = user_data;
  g_autoptr(UbPrimesPage) self = ub_page_call_dup_page (call);

  if (self == NULL || call->generation != self->generation || self->parts == NULL)
    return;

  take_progress (self, call->index, progress);
}

static void
on_call_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(UbPageCall) call = user_data;
  g_autoptr(UbPrimesPage) self = ub_page_call_dup_page (call);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) record = NULL;
  guint64 bytes;

  /* The pool hands each call to one of its workers' remotes. */
  reply = ub_worker_pool_call_finish (UB_WORKER_POOL (object), result, &error);

  /* Disposed, or a reply to a run that was cancelled or restarted. */
  if (self == NULL || call->generation != self->generation || self->parts == NULL)
    return;

  self->n_running--;

  if (reply == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      /* A real failure: stop the other parts and say why. */
      show_error (self, error->message);
      self->generation++;
      g_cancellable_cancel (self->cancellable);
      set_state (self, UB_PRIMES_PAGE_IDLE);
      return;
    }

  g_variant_get (reply, "(@(ttttb)t)", &record, &bytes);
  ub_primes_record_from_variant (record, &self->parts[call->index].record, NULL);
  self->parts[call->index].bytes = bytes;

  if (self->n_running == 0 && self->state == UB_PRIMES_PAGE_RUNNING)
    finish (self);
}

static void
on_blocking_progress (GVariant *progress,
                      gpointer  user_data)
{
  UbPrimesPage *self = user_data;

  /* Only the one part being run on this thread reports here. */
  for (guint i = 0; i < self->n_parts; i++)
    if (!self->parts[i].record.done)
      {
        take_progress (self, i, progress);
        break;
      }
}

static void
run_blocking (UbPrimesPage *self)
{
  /* The negative control: every part, one after the other, on the main
   * thread. The window cannot repaint until this returns. */
  for (guint i = 0; i < self->n_parts; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) reply = NULL;
      g_autoptr(GVariant) record = NULL;
      Part *part = &self->parts[i];

      if (part->record.done)
        continue;

      reply = ub_job_run_sync (UB_PRIMES_JOB_RUN,
                               ub_primes_job_params (&part->record, self->list,
                                                     self->list_path, part->bytes),
                               self->cancellable, on_blocking_progress, self, &error);
      if (reply == NULL)
        {
          show_error (self, error->message);
          set_state (self, UB_PRIMES_PAGE_IDLE);
          return;
        }

      g_variant_get (reply, "(@(ttttb)t)", &record, &part->bytes);
      ub_primes_record_from_variant (record, &part->record, NULL);
    }

  finish (self);
}

static void
launch (UbPrimesPage *self)
{
  g_autoptr(GError) error = NULL;

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->generation++;
  self->blocking = ub_page_get_blocking (UB_PAGE (self));

  if (self->blocking)
    {
      set_state (self, UB_PRIMES_PAGE_RUNNING);
      run_blocking (self);
      return;
    }

  if (!ub_page_ensure_pool (&self->pool, self->n_parts, &error))
    {
      show_error (self, error->message);
      set_state (self, UB_PRIMES_PAGE_IDLE);
      return;
    }

  self->n_running = 0;
  for (guint i = 0; i < self->n_parts; i++)
    {
      Part *part = &self->parts[i];
      g_autofree char *key = NULL;

      if (part->record.done)
        continue;

      key = g_strdup_printf (STATE_PREFIX "part.%u", i);

      self->n_running++;
      ub_worker_pool_call_async (self->pool, UB_PRIMES_JOB_RUN,
                                 ub_primes_job_params_resumable (&part->record, self->list,
                                                                 self->list_path, part->bytes,
                                                                 key),
                                 self->cancellable,
                                 on_call_progress, ub_page_call_new (self, self->generation, i),
                                 (GDestroyNotify) ub_page_call_free, on_call_done,
                                 ub_page_call_new (self, self->generation, i));
    }

  if (self->n_running == 0)
    finish (self);
  else
    set_state (self, UB_PRIMES_PAGE_RUNNING);
}

static gboolean
parse_input (UbPrimesPage *self,
             guint64      *from,
             guint64      *to)
{
  g_autoptr(GError) error = NULL;

  if (!ub_number_parse_u64 (gtk_editable_get_text (GTK_EDITABLE (self->from_entry)), from, &error) ||
      !ub_number_parse_u64 (gtk_editable_get_text (GTK_EDITABLE (self->to_entry)), to, &error))
    {
      show_error (self, error->message);
      return FALSE;
    }

  if (*from > *to)
    {
      show_error (self, "“From” must not be larger than “To”.");
      return FALSE;
    }

  return TRUE;
}

static void
ub_primes_page_start (UbPage *page)
{
  UbPrimesPage *self = UB_PRIMES_PAGE (page);
  g_autofree UbPrimesRange *ranges = NULL;
  guint64 from;
  guint64 to;
  guint n_workers;
  guint n_ranges = 0;

  if (self->state == UB_PRIMES_PAGE_RUNNING || self->state == UB_PRIMES_PAGE_PAUSED)
    return;

  show_error (self, NULL);
  if (!parse_input (self, &from, &to))
    return;

  self->from = from;
  self->to = to;
  self->list = gtk_drop_down_get_selected (self->mode_dropdown) == 1;
  n_workers = (guint) gtk_spin_button_get_value_as_int (self->workers_spin);

  /* A list written to one file is sequential: one part. */
  if (self->list && self->list_path != NULL)
    n_workers = 1;

  ranges = ub_primes_split (from, to, n_workers, &n_ranges);
  g_clear_pointer (&self->parts, g_free);
  self->parts = g_new0 (Part, n_ranges);
  self->n_parts = n_ranges;
  for (guint i = 0; i < n_ranges; i++)
    ub_primes_record_init (&self->parts[i].record, ranges[i].from, ranges[i].to);

  self->n_recent = 0;
  self->active_usec = 0;
  self->rate = 0;
  gtk_label_set_text (self->result_label, "");
  gtk_label_set_text (self->recent_label, "");
  ub_resume_bar_hide (self->resume_bar);

  /* Forget any older job, then describe this one for a later restart. */
  ub_state_remove_prefix (STATE_PREFIX);
  save_job (self);

  launch (self);
}

/* Saved work: the job's description and each part's last record. */
static gboolean
read_saved (UbPrimesPage  *self,
            Part         **parts_out,
            guint         *n_parts_out,
            GVariantDict  *job)
{
  g_autoptr(GVariant) saved = ub_state_dup (STATE_JOB);
  g_autofree Part *parts = NULL;
  guint64 from, to;
  guint n_parts;

  if (saved == NULL || !g_variant_is_of_type (saved, G_VARIANT_TYPE_VARDICT))
    return FALSE;

  g_variant_dict_init (job, saved);
  if (!g_variant_dict_lookup (job, "from", "t", &from) ||
      !g_variant_dict_lookup (job, "to", "t", &to) ||
      !g_variant_dict_lookup (job, "parts", "u", &n_parts) ||
      from > to || n_parts == 0 || n_parts > 256)
    {
      g_variant_dict_clear (job);
      return FALSE;
    }

  /* Each part resumes from its record, or starts again without one. */
  {
    g_autofree UbPrimesRange *ranges = NULL;
    guint n_ranges = 0;

    ranges = ub_primes_split (from, to, n_parts, &n_ranges);
    parts = g_new0 (Part, n_ranges);
    for (guint i = 0; i < n_ranges; i++)
      {
        g_autofree char *key = g_strdup_printf (STATE_PREFIX "part.%u", i);
        g_autoptr(GVariant) part = ub_state_dup (key);
        g_autoptr(GVariant) record = NULL;
        UbPrimesRecord parsed;
        guint64 bytes = 0;

        ub_primes_record_init (&parts[i].record, ranges[i].from, ranges[i].to);
        if (part == NULL || !g_variant_is_of_type (part, G_VARIANT_TYPE ("((ttttb)t)")))
          continue;
        g_variant_get (part, "(@(ttttb)t)", &record, &bytes);
        if (ub_primes_record_from_variant (record, &parsed, NULL) &&
            parsed.from == ranges[i].from && parsed.to == ranges[i].to)
          {
            parts[i].record = parsed;
            parts[i].bytes = bytes;
          }
      }
    n_parts = n_ranges;
  }

  *parts_out = g_steal_pointer (&parts);
  *n_parts_out = n_parts;
  return TRUE;
}

static void
resume_saved (UbPrimesPage *self)
{
  g_auto(GVariantDict) job = G_VARIANT_DICT_INIT (NULL);
  g_autofree char *from_text = NULL;
  g_autofree char *to_text = NULL;
  const char *path = "";
  Part *parts = NULL;
  guint n_parts = 0;
  gboolean list = FALSE;
  gint64 active = 0;

  if (is_busy_state (self->state))
    return;

  g_variant_dict_clear (&job);
  if (!read_saved (self, &parts, &n_parts, &job))
    {
      show_error (self, "The saved work could not be read; it was discarded.");
      ub_state_remove_prefix (STATE_PREFIX);
      return;
    }

  g_variant_dict_lookup (&job, "from", "t", &self->from);
  g_variant_dict_lookup (&job, "to", "t", &self->to);
  g_variant_dict_lookup (&job, "list", "b", &list);
  g_variant_dict_lookup (&job, "path", "&s", &path);
  g_variant_dict_lookup (&job, "active-usec", "x", &active);
  g_variant_dict_clear (&job);

  from_text = g_strdup_printf ("%" G_GUINT64_FORMAT, self->from);
  to_text = g_strdup_printf ("%" G_GUINT64_FORMAT, self->to);
  gtk_editable_set_text (GTK_EDITABLE (self->from_entry), from_text);
  gtk_editable_set_text (GTK_EDITABLE (self->to_entry), to_text);
  gtk_drop_down_set_selected (self->mode_dropdown, list ? 1 : 0);
  gtk_spin_button_set_value (self->workers_spin, n_parts);
  g_free (self->list_path);
  self->list_path = path[0] ? g_strdup (path) : NULL;
  update_save_label (self);

  g_clear_pointer (&self->parts, g_free);
  self->parts = parts;
  self->n_parts = n_parts;
  self->list = list;
  self->n_recent = 0;
  self->active_usec = active;
  self->rate = 0;
  gtk_label_set_text (self->result_label, "");
  show_error (self, NULL);

  launch (self);
}

static void
ub_primes_page_load_saved (UbPage   *page,
                           gboolean  resume_now)
{
  UbPrimesPage *self = UB_PRIMES_PAGE (page);
  g_auto(GVariantDict) job = G_VARIANT_DICT_INIT (NULL);
  g_autofree Part *parts = NULL;
  g_autofree char *message = NULL;
  g_autofree char *from_text = NULL;
  g_autofree char *to_text = NULL;
  guint n_parts = 0;
  guint64 done = 0;
  guint64 from = 0, to = 0;
  gboolean list = FALSE;

  if (is_busy_state (self->state))
    return;

  g_variant_dict_clear (&job);
  if (!read_saved (self, &parts, &n_parts, &job))
    return;

  if (resume_now)
    {
      g_variant_dict_clear (&job);
      resume_saved (self);
      return;
    }

  g_variant_dict_lookup (&job, "from", "t", &from);
  g_variant_dict_lookup (&job, "to", "t", &to);
  g_variant_dict_lookup (&job, "list", "b", &list);
  g_variant_dict_clear (&job);
  for (guint i = 0; i < n_parts; i++)
    done += part_done (&parts[i]);

  from_text = ub_number_format_u64 (from);
  to_text = ub_number_format_u64 (to);
  message = g_strdup_printf ("%s primes in [%s, %s] — %.0f %% done when Unblock last stopped.",
                             list ? "Listing" : "Counting", from_text, to_text,
                             100.0 * done / (double) numbers_in (from, to));
  ub_resume_bar_offer (self->resume_bar, message);
}

static void
on_resume (UbPrimesPage *self)
{
  resume_saved (self);
}

static void
on_discard (UbPrimesPage *self)
{
  ub_state_remove_prefix (STATE_PREFIX);
}

static void
ub_primes_page_cancel (UbPage *page)
{
  UbPrimesPage *self = UB_PRIMES_PAGE (page);

  if (self->state != UB_PRIMES_PAGE_RUNNING && self->state != UB_PRIMES_PAGE_PAUSED)
    return;

  self->generation++;
  g_cancellable_cancel (self->cancellable);
  ub_state_remove_prefix (STATE_PREFIX);
  set_state (self, UB_PRIMES_PAGE_IDLE);
}

/* The parts' records as of their last reports: consistent, so a paused
 * job can be resumed after a restart. */
static void
save_parts (UbPrimesPage *self)
{
  for (guint i = 0; i < self->n_parts; i++)
    {
      g_autoptr(GVariant) record = ub_primes_record_to_variant (&self->parts[i].record);
      g_autofree char *key = g_strdup_printf (STATE_PREFIX "part.%u", i);

      ub_state_set (key, g_variant_new ("(@(ttttb)t)", record, self->parts[i].bytes));
    }
}

static void
save_job (UbPrimesPage *self)
{
  GVariantDict dict;

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "from", "t", self->from);
  g_variant_dict_insert (&dict, "to", "t", self->to);
  g_variant_dict_insert (&dict, "list", "b", self->list);
  g_variant_dict_insert (&dict, "path", "s", self->list_path ? self->list_path : "");
  g_variant_dict_insert (&dict, "parts", "u", self->n_parts);
  g_variant_dict_insert (&dict, "active-usec", "x", active_time (self));
  ub_state_set (STATE_JOB, g_variant_dict_end (&dict));
}

static void
ub_primes_page_toggle_pause (UbPage *page)
{
  UbPrimesPage *self = UB_PRIMES_PAGE (page);

  if (self->state == UB_PRIMES_PAGE_RUNNING && !self->blocking)
    {
      /* Keep the records of the last reports: they are consistent. */
      self->generation++;
      g_cancellable_cancel (self->cancellable);
      set_state (self, UB_PRIMES_PAGE_PAUSED);
      save_job (self);
      save_parts (self);
    }
  else if (self->state == UB_PRIMES_PAGE_PAUSED)
    {
      launch (self);
    }
}

static void
ub_primes_page_start_demo (UbPage *page)
{
  UbPrimesPage *self = UB_PRIMES_PAGE (page);

  /* On the main thread a shorter count makes the point: the window is
   * frozen for all of it. */
  gtk_editable_set_text (GTK_EDITABLE (self->from_entry), "0");
  gtk_editable_set_text (GTK_EDITABLE (self->to_entry),
                         ub_page_get_blocking (page) ? "1e10" : "1e12");
  gtk_drop_down_set_selected (self->mode_dropdown, 0);
  gtk_spin_button_set_value (self->workers_spin, g_get_num_processors ());
  ub_primes_page_start (page);
}

static gboolean
ub_primes_page_is_busy (UbPage *page)
{
  return is_busy_state (UB_PRIMES_PAGE (page)->state);
}

static void
ub_primes_page_iface_init (UbPageInterface *iface)
{
  iface->start = ub_primes_page_start;
  iface->cancel = ub_primes_page_cancel;
  iface->toggle_pause = ub_primes_page_toggle_pause;
  iface->start_demo = ub_primes_page_start_demo;
  iface->is_busy = ub_primes_page_is_busy;
  iface->load_saved = ub_primes_page_load_saved;
}

static void
on_entry_activate (UbPrimesPage *self)
{
  ub_primes_page_start (UB_PAGE (self));
}

static void
on_input_changed (UbPrimesPage *self)
{
  show_error (self, NULL);
}

static void
on_mode_changed (UbPrimesPage *self)
{
  gboolean list = gtk_drop_down_get_selected (self->mode_dropdown) == 1;

  gtk_widget_set_visible (self->save_box, list);
}

static void
update_save_label (UbPrimesPage *self)
{
  if (self->list_path != NULL)
    {
      g_autofree char *name = g_filename_display_name (self->list_path);
      g_autofree char *text = g_strdup_printf ("Writing the full list to %s (one worker)", name);

      gtk_label_set_text (self->save_label, text);
    }
  else
    {
      gtk_label_set_text (self->save_label, "Not saved: only the latest primes are shown");
    }
  update_actions (self);
}

static void
on_file_chosen (GtkNativeDialog *dialog,
                int              response,
                gpointer         user_data)
{
  UbPrimesPage *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      g_free (self->list_path);
      self->list_path = g_file_get_path (file);
      update_save_label (self);
    }

  g_clear_object (&self->file_chooser);
}

static void
choose_file_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  UbPrimesPage *self = UB_PRIMES_PAGE (widget);
  GtkFileChooser *chooser = ub_page_open_chooser (widget, &self->file_chooser,
                                                  "Save the List of Primes",
                                                  GTK_FILE_CHOOSER_ACTION_SAVE,
                                                  G_CALLBACK (on_file_chosen));

  if (chooser != NULL)
    gtk_file_chooser_set_current_name (chooser, "primes.txt");
}

static void
clear_file_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  UbPrimesPage *self = UB_PRIMES_PAGE (widget);

  g_clear_pointer (&self->list_path, g_free);
  update_save_label (self);
}

static void
page_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  if (g_str_equal (action_name, "primes.start"))
    ub_primes_page_start (UB_PAGE (widget));
  else if (g_str_equal (action_name, "primes.pause"))
    ub_primes_page_toggle_pause (UB_PAGE (widget));
  else if (g_str_equal (action_name, "primes.cancel"))
    ub_primes_page_cancel (UB_PAGE (widget));
}

static void
ub_primes_page_dispose (GObject *object)
{
  UbPrimesPage *self = UB_PRIMES_PAGE (object);

  /* Nothing the workers still send may reach this page. */
  self->generation++;
  ub_page_stop_work (&self->cancellable, &self->pool);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  ub_page_close_chooser (&self->file_chooser, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), UB_TYPE_PRIMES_PAGE);
  ub_widget_unparent_children (GTK_WIDGET (self));

  G_OBJECT_CLASS (ub_primes_page_parent_class)->dispose (object);
}

static void
ub_primes_page_finalize (GObject *object)
{
  UbPrimesPage *self = UB_PRIMES_PAGE (object);

  g_clear_pointer (&self->parts, g_free);
  g_clear_pointer (&self->list_path, g_free);

  G_OBJECT_CLASS (ub_primes_page_parent_class)->finalize (object);
}

static void
ub_primes_page_class_init (UbPrimesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ub_primes_page_dispose;
  object_class->finalize = ub_primes_page_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/unblock/Unblock/ub-primes-page.ui");
  gtk_widget_class_bind_template_child (widget_class, UbPrimesPage, resume_bar);
  gtk_widget_class_bind_template_child (widget_class, UbPrimesPage, from_entry);
  gtk_widget_class_bind_template_child (widget_class, UbPrimesPage, to_entry);
  gtk_widget_class_bind_template_child (widget_class, UbPrimesPage, mode_dropdown);
  gtk_widget_class_bind_template_child (widget_class, UbPrimesPage, workers_spin);
  gtk_widget_class_bind_template_child (widget_class, UbPrimesPage, save_box);
  gtk_widget_class_bind_template_child (widget_class, UbPrimesPage, save_label);
  gtk_widget_class_bind_template_child (widget_class, UbPrimesPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, UbPrimesPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, UbPrimesPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, UbPrimesPage, result_label);
  gtk_widget_class_bind_template_child (widget_class, UbPrimesPage, recent_label);
  gtk_widget_class_bind_template_child (widget_class, UbPrimesPage, pause_button);
  gtk_widget_class_bind_template_child (widget_class, UbPrimesPage, notes_entry);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_input_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_mode_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_resume);
  gtk_widget_class_bind_template_callback (widget_class, on_discard);

  gtk_widget_class_install_action (widget_class, "primes.start", NULL, page_action);
  gtk_widget_class_install_action (widget_class, "primes.pause", NULL, page_action);
  gtk_widget_class_install_action (widget_class, "primes.cancel", NULL, page_action);
  gtk_widget_class_install_action (widget_class, "primes.choose-file", NULL, choose_file_action);
  gtk_widget_class_install_action (widget_class, "primes.clear-file", NULL, clear_file_action);
}

static void
ub_primes_page_init (UbPrimesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_spin_button_set_value (self->workers_spin, g_get_num_processors ());
  update_actions (self);
}

GtkWidget *
ub_primes_page_new (void)
{
  return g_object_new (UB_TYPE_PRIMES_PAGE, NULL);
}

UbPrimesPageState
ub_primes_page_get_state (UbPrimesPage *self)
{
  g_return_val_if_fail (UB_IS_PRIMES_PAGE (self), UB_PRIMES_PAGE_IDLE);

  return self->state;
}

/**
 * ub_primes_page_set_input:
 * @from: the text for the From entry
 * @to: the text for the To entry
 * @list: List mode rather than Count
 * @n_workers: how many workers, 0 for one per CPU
 *
 * Fills the page's inputs, as a user would.
 */
void
ub_primes_page_set_input (UbPrimesPage *self,
                          const char   *from,
                          const char   *to,
                          gboolean      list,
                          guint         n_workers)
{
  g_return_if_fail (UB_IS_PRIMES_PAGE (self));
  g_return_if_fail (from != NULL && to != NULL);

  gtk_editable_set_text (GTK_EDITABLE (self->from_entry), from);
  gtk_editable_set_text (GTK_EDITABLE (self->to_entry), to);
  gtk_drop_down_set_selected (self->mode_dropdown, list ? 1 : 0);
  gtk_spin_button_set_value (self->workers_spin, n_workers ? n_workers : g_get_num_processors ());
}

/**
 * ub_primes_page_set_list_path:
 * @path: (nullable): where List mode writes every prime, or %NULL
 */
void
ub_primes_page_set_list_path (UbPrimesPage *self,
                              const char   *path)
{
  g_return_if_fail (UB_IS_PRIMES_PAGE (self));

  g_free (self->list_path);
  self->list_path = g_strdup (path);
  update_save_label (self);
}

/**
 * ub_primes_page_get_result:
 * @count: (out): the number of primes found so far
 * @done: (out) (optional): how many numbers of the range were sieved
 *
 * Returns: %TRUE when the run finished (then @count is the answer)
 */
gboolean
ub_primes_page_get_result (UbPrimesPage *self,
                           guint64      *count,
                           guint64      *done)
{
  guint64 numbers;

  g_return_val_if_fail (UB_IS_PRIMES_PAGE (self), FALSE);
  g_return_val_if_fail (count != NULL, FALSE);

  totals (self, &numbers, count);
  if (done != NULL)
    *done = numbers;

  return self->state == UB_PRIMES_PAGE_DONE;
}

/**
 * ub_primes_page_get_error:
 *
 * Returns: (nullable): the message shown to the user, if any
 */
const char *
ub_primes_page_get_error (UbPrimesPage *self)
{
  g_return_val_if_fail (UB_IS_PRIMES_PAGE (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    return NULL;
  return gtk_label_get_text (self->error_label);
}

/**
 * ub_primes_page_get_notes_entry:
 *
 * Returns: (transfer none): the entry a user can type in while work runs
 */
GtkWidget *
ub_primes_page_get_notes_entry (UbPrimesPage *self)
{
  g_return_val_if_fail (UB_IS_PRIMES_PAGE (self), NULL);

  return GTK_WIDGET (self->notes_entry);
}
