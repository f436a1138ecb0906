/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "ub-data-jobs.h"
#include "ub-data-page.h"
#include "ub-page.h"
#include "ub-resume-bar.h"
#include "ub-state.h"
#include "ub-ui-format.h"
#include "ub-ui.h"
#include "ub-worker-pool.h"

/*
 * The Data page: base64 and SHA-256 over a file, generated random data or
 * pasted text. The job streams in a worker ("data.run"); random data is
 * first written by another job ("data.random") into the cache folder. The
 * page only ever holds the first and last 4 KiB of the result, for the
 * preview: a gigabyte of text in a widget would itself freeze the window.
 */

#define REFRESH_INTERVAL_MS 100

typedef enum
{
  INPUT_FILE,
  INPUT_RANDOM,
  INPUT_TEXT,
} InputKind;

struct _UbDataPage
{
  GtkWidget        parent_instance;

  /* Template widgets */
  UbResumeBar     *resume_bar;
  GtkDropDown     *input_dropdown;
  GtkDropDown     *op_dropdown;
  GtkStack        *input_stack;
  GtkLabel        *input_label;
  GtkSpinButton   *size_spin;
  GtkTextView     *input_view;
  GtkLabel        *error_label;
  GtkProgressBar  *progress_bar;
  GtkLabel        *status_label;
  GtkLabel        *result_label;
  GtkTextView     *preview_view;
  GtkEntry        *notes_entry;

  /* Owned references */
  UbWorkerPool    *pool;
  GCancellable    *cancellable;
  GtkNativeDialog *chooser;
  char            *input_path;
  char            *run_input_path;
  char            *output_path;
  char            *digest;

  /* The current run */
  UbDataPageState  state;
  UbDataMode       mode;
  guint            generation;
  gboolean         blocking;
  guint64          done;
  gint64           total;
  guint64          written;
  gint64           started_usec;
  gint64           finished_usec;
  guint            refresh_id;
  const char      *phase;
  GVariant        *resume;     /* (owned) (nullable): where the next run starts */
  gboolean         reported_checkpoint_error;
};

static void ub_data_page_iface_init (UbPageInterface *iface);
static void set_input_path          (UbDataPage      *self,
                                     const char      *path);

G_DEFINE_FINAL_TYPE_WITH_CODE (UbDataPage, ub_data_page, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (UB_TYPE_PAGE, ub_data_page_iface_init))

static gboolean
is_busy (UbDataPage *self)
{
  return self->state == UB_DATA_PAGE_GENERATING || self->state == UB_DATA_PAGE_RUNNING;
}

static void
update_actions (UbDataPage *self)
{
  gboolean busy = is_busy (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "data.start", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "data.cancel", busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "data.choose-input", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "data.save",
                                 !busy && self->state == UB_DATA_PAGE_DONE &&
                                 self->mode != UB_DATA_MODE_SHA256 && self->output_path != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->input_dropdown), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->op_dropdown), !busy);
}

static void
show_error (UbDataPage *self,
            const char *message)
{
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
refresh (UbDataPage *self)
{
  gint64 now = is_busy (self) ? g_get_monotonic_time () : self->finished_usec;
  double seconds = (now - self->started_usec) / (double) G_USEC_PER_SEC;
  double rate = seconds > 0 ? self->done / seconds : 0;
  g_autofree char *rate_text = ub_format_rate (rate, "B/s");
  g_autofree char *done_text = ub_format_bytes (self->done);
  g_autofree char *status = NULL;

  if (self->total > 0)
    {
      double fraction = CLAMP ((double) self->done / (double) self->total, 0.0, 1.0);
      char text[32];

      gtk_progress_bar_set_fraction (self->progress_bar, fraction);
      g_snprintf (text, sizeof text, "%.1f %%", 100.0 * fraction);
      gtk_progress_bar_set_text (self->progress_bar, text);
    }
  else if (is_busy (self))
    {
      gtk_progress_bar_pulse (self->progress_bar);
    }

  if (is_busy (self))
    {
      g_autofree char *eta = rate > 0 && self->total > 0
                             ? ub_format_duration ((self->total - (gint64) self->done) / rate)
                             : g_strdup ("—");

      status = g_strdup_printf ("%s: %s · %s · ETA %s%s", self->phase, done_text, rate_text, eta,
                                self->blocking ? " · on the main thread" : " · in a worker");
    }
  else if (self->state == UB_DATA_PAGE_DONE)
    {
      g_autofree char *time_text = ub_format_duration (seconds);
      g_autofree char *written = ub_format_bytes (self->written);

      status = g_strdup_printf ("Done: read %s, wrote %s in %s · %s", done_text, written,
                                time_text, rate_text);
    }
  else
    {
      status = g_strdup ("Stopped: no output was kept.");
    }

  gtk_label_set_text (self->status_label, status);
}

static gboolean
refresh_cb (gpointer user_data)
{
  refresh (user_data);
  return G_SOURCE_CONTINUE;
}

static void
set_state (UbDataPage      *self,
           UbDataPageState  state)
{
  self->state = state;

  if (is_busy (self) && self->refresh_id == 0 && !self->blocking)
    self->refresh_id = g_timeout_add (REFRESH_INTERVAL_MS, refresh_cb, self);
  else if (!is_busy (self))
    {
      g_clear_handle_id (&self->refresh_id, g_source_remove);
      self->finished_usec = g_get_monotonic_time ();
    }

  update_actions (self);
  refresh (self);
}

/* Text as text; anything else as a hex dump, 16 bytes a line. */
static void
append_preview (GString      *out,
                const guint8 *data,
                gsize         size)
{
  if (g_utf8_validate ((const char *) data, size, NULL) &&
      (size == 0 || memchr (data, '\0', size) == NULL))
    {
      g_string_append_len (out, (const char *) data, size);
      return;
    }

  for (gsize i = 0; i < size; i += 16)
    {
      g_string_append_printf (out, "%08" G_GSIZE_MODIFIER "x ", i);
      for (gsize j = i; j < i + 16 && j < size; j++)
        g_string_append_printf (out, " %02x", data[j]);
      g_string_append_c (out, '\n');
    }
}

static void
show_result (UbDataPage *self,
             GVariant   *result)
{
  g_autoptr(GVariant) head = NULL;
  g_autoptr(GVariant) tail = NULL;
  g_autoptr(GString) preview = g_string_new (NULL);
  const guint8 *head_data;
  const guint8 *tail_data;
  gsize head_size;
  gsize tail_size;
  const char *digest;
  guint64 read;

  g_variant_get (result, "(tt&s@ay@ay)", &read, &self->written, &digest, &head, &tail);
  self->done = read;
  g_free (self->digest);
  self->digest = g_strdup (digest);

  head_data = g_variant_get_fixed_array (head, &head_size, 1);
  tail_data = g_variant_get_fixed_array (tail, &tail_size, 1);
  append_preview (preview, head_data, head_size);
  if (self->written > head_size)
    {
      guint64 hidden = self->written - head_size - tail_size;

      if (hidden > 0)
        {
          g_autofree char *size = ub_format_bytes (hidden);

          g_string_append_printf (preview, "\n\n… %s not shown …\n\n", size);
        }
      append_preview (preview, tail_data, tail_size);
    }
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->preview_view), preview->str,
                            (int) preview->len);

  g_clear_pointer (&self->resume, g_variant_unref);
  ub_state_remove (UB_DATA_JOBS_STATE_KEY);

  if (self->mode == UB_DATA_MODE_SHA256)
    {
      g_autofree char *text = g_strdup_printf ("SHA-256: %s", digest);

      gtk_label_set_text (self->result_label, text);
    }
  else
    {
      g_autofree char *name = g_filename_display_name (self->output_path);
      g_autofree char *text = g_strdup_printf ("Result: %s", name);

      gtk_label_set_text (self->result_label, text);
    }

  set_state (self, UB_DATA_PAGE_DONE);
}

static void
fail (UbDataPage   *self,
      const GError *error)
{
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_error (self, error->message);
  set_state (self, UB_DATA_PAGE_IDLE);
}

static GVariant *
run_params (UbDataPage *self)
{
  g_autofree char *text = NULL;
  const char *input = self->run_input_path ? self->run_input_path : "";

  if (input[0] == '\0')
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->input_view);
      GtkTextIter start, end;

      /* Pasted text: small enough to copy on the main thread. */
      gtk_text_buffer_get_bounds (buffer, &start, &end);
      text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    }

  return g_variant_new ("(uus@ays@a{sv})", (guint32) self->mode, 76, input,
                        g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, text,
                                                   text ? strlen (text) : 0, 1),
                        self->mode == UB_DATA_MODE_SHA256 ? "" : self->output_path,
                        self->resume ? self->resume : g_variant_new ("a{sv}", NULL));
}

static void
take_progress (UbDataPage *self,
               GVariant   *progress)
{
  const char *checkpoint_error;

  if (g_variant_is_of_type (progress, G_VARIANT_TYPE ("(tx)")))
    {
      g_variant_get (progress, "(tx)", &self->done, &self->total);
      return;
    }

  g_variant_get (progress, "(tx&s)", &self->done, &self->total, &checkpoint_error);
  if (checkpoint_error[0] != '\0' && !self->reported_checkpoint_error)
    {
      self->reported_checkpoint_error = TRUE;
      ub_state_report_failure (checkpoint_error);
    }
}

/* Removes the saved progress and the partial output kept for it. */
static void
forget_saved (void)
{
  g_autoptr(GVariant) saved = ub_state_dup (UB_DATA_JOBS_STATE_KEY);
  g_autoptr(GVariant) resume = NULL;
  const char *partial = NULL;

  if (saved != NULL && g_variant_is_of_type (saved, G_VARIANT_TYPE_VARDICT) &&
      (resume = g_variant_lookup_value (saved, "resume", G_VARIANT_TYPE_VARDICT)) != NULL &&
      g_variant_lookup (resume, "partial", "&s", &partial) && partial[0] != '\0')
    g_unlink (partial);

  ub_state_remove (UB_DATA_JOBS_STATE_KEY);
}

static void
on_progress (GVariant *progress,
             gpointer  user_data)
{
  g_autoptr(UbDataPage) self = ub_page_call_dup_page (user_data);

  if (self != NULL && ((UbPageCall *) user_data)->generation == self->generation)
    take_progress (self, progress);
}

static void start_run (UbDataPage *self);

/* The phases of a run: random data first when asked for, then the job. */
enum {
  CALL_RANDOM,
  CALL_RUN,
};

static void
on_call_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(UbPageCall) call = user_data;
  g_autoptr(UbDataPage) self = ub_page_call_dup_page (call);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = ub_worker_pool_call_finish (UB_WORKER_POOL (object), result, &error);
  if (self == NULL || call->generation != self->generation)
    return;

  if (reply == NULL)
    fail (self, error);
  else if (call->index == CALL_RANDOM)
    start_run (self);
  else
    show_result (self, reply);
}

static void
start_run (UbDataPage *self)
{
  self->phase = self->mode == UB_DATA_MODE_SHA256 ? "Hashing" :
                self->mode == UB_DATA_MODE_BASE64_ENCODE ? "Encoding" : "Decoding";
  self->done = 0;
  self->total = -1;
  self->started_usec = g_get_monotonic_time ();
  set_state (self, UB_DATA_PAGE_RUNNING);

  ub_worker_pool_call_async (self->pool, UB_DATA_JOB_RUN, run_params (self), self->cancellable,
                             on_progress, ub_page_call_new (self, self->generation, CALL_RUN),
                             (GDestroyNotify) ub_page_call_free, on_call_done,
                             ub_page_call_new (self, self->generation, CALL_RUN));
}


static char *
cache_path (const char *name)
{
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "unblock", "data", NULL);

  g_mkdir_with_parents (dir, 0700);
  return g_build_filename (dir, name, NULL);
}

static void
on_blocking_progress (GVariant *progress,
                      gpointer  user_data)
{
  take_progress (user_data, progress);
}

static void
run_blocking (UbDataPage *self,
              guint64     random_size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  /* The negative control: the same jobs, on the main thread. */
  if (random_size > 0)
    {
      self->phase = "Generating random data";
      set_state (self, UB_DATA_PAGE_GENERATING);
      reply = ub_job_run_sync (UB_DATA_JOB_RANDOM,
                               g_variant_new ("(stt)", self->run_input_path, random_size,
                                              (guint64) 1),
                               self->cancellable, on_blocking_progress, self, &error);
      if (reply == NULL)
        {
          fail (self, error);
          return;
        }
      g_clear_pointer (&reply, g_variant_unref);
    }

  self->phase = "Working";
  self->done = 0;
  self->started_usec = g_get_monotonic_time ();
  set_state (self, UB_DATA_PAGE_RUNNING);
  reply = ub_job_run_sync (UB_DATA_JOB_RUN, run_params (self), self->cancellable,
                           on_blocking_progress, self, &error);
  if (reply == NULL)
    fail (self, error);
  else
    show_result (self, reply);
}

static void
ub_data_page_start (UbPage *page)
{
  UbDataPage *self = UB_DATA_PAGE (page);
  g_autoptr(GError) error = NULL;
  InputKind input = gtk_drop_down_get_selected (self->input_dropdown);
  guint64 random_size = 0;

  if (is_busy (self))
    return;

  show_error (self, NULL);
  gtk_label_set_text (self->result_label, "");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->preview_view), "", 0);

  self->mode = (UbDataMode) gtk_drop_down_get_selected (self->op_dropdown);
  g_clear_pointer (&self->run_input_path, g_free);
  g_clear_pointer (&self->digest, g_free);
  g_clear_pointer (&self->resume, g_variant_unref);
  ub_resume_bar_hide (self->resume_bar);
  forget_saved ();

  switch (input)
    {
    case INPUT_FILE:
      if (self->input_path == NULL)
        {
          show_error (self, "Choose a file first.");
          return;
        }
      self->run_input_path = g_strdup (self->input_path);
      break;

    case INPUT_RANDOM:
      {
        guint mib = (guint) gtk_spin_button_get_value_as_int (self->size_spin);
        g_autofree char *name = g_strdup_printf ("random-%u-MiB.bin", mib);
        struct stat st;

        self->run_input_path = cache_path (name);
        /* Made once, then reused: the same bytes every time. */
        if (g_stat (self->run_input_path, &st) != 0 || (guint64) st.st_size != (guint64) mib << 20)
          random_size = (guint64) mib << 20;
      }
      break;

    case INPUT_TEXT:
    default:
      break;
    }

  g_free (self->output_path);
  self->output_path = cache_path (self->mode == UB_DATA_MODE_BASE64_ENCODE ? "result.b64" : "result.bin");

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->generation++;
  self->blocking = ub_page_get_blocking (page);
  self->done = 0;
  self->total = -1;
  self->started_usec = g_get_monotonic_time ();

  if (self->blocking)
    {
      run_blocking (self, random_size);
      return;
    }

  if (!ub_page_ensure_pool (&self->pool, 1, &error))
    {
      fail (self, error);
      return;
    }

  if (random_size > 0)
    {
      self->phase = "Generating random data";
      set_state (self, UB_DATA_PAGE_GENERATING);
      ub_worker_pool_call_async (self->pool, UB_DATA_JOB_RANDOM,
                                 g_variant_new ("(stt)", self->run_input_path, random_size,
                                                (guint64) 1),
                                 self->cancellable,
                                 on_progress, ub_page_call_new (self, self->generation, CALL_RANDOM),
                                 (GDestroyNotify) ub_page_call_free, on_call_done,
                                 ub_page_call_new (self, self->generation, CALL_RANDOM));
      return;
    }

  start_run (self);
}

static void
ub_data_page_cancel (UbPage *page)
{
  UbDataPage *self = UB_DATA_PAGE (page);

  if (!is_busy (self))
    return;

  self->generation++;
  g_cancellable_cancel (self->cancellable);
  g_clear_pointer (&self->resume, g_variant_unref);
  forget_saved ();
  set_state (self, UB_DATA_PAGE_IDLE);
}

static void
resume_saved (UbDataPage *self)
{
  g_autoptr(GVariant) saved = ub_state_dup (UB_DATA_JOBS_STATE_KEY);
  g_autoptr(GError) error = NULL;
  const char *input = NULL;
  const char *output = NULL;
  guint32 mode = 0;

  if (is_busy (self) || saved == NULL || !g_variant_is_of_type (saved, G_VARIANT_TYPE_VARDICT) ||
      !g_variant_lookup (saved, "mode", "u", &mode) || mode > UB_DATA_MODE_SHA256 ||
      !g_variant_lookup (saved, "input", "&s", &input) ||
      !g_variant_lookup (saved, "output", "&s", &output))
    return;

  g_clear_pointer (&self->resume, g_variant_unref);
  self->resume = g_variant_lookup_value (saved, "resume", G_VARIANT_TYPE_VARDICT);

  gtk_drop_down_set_selected (self->input_dropdown, INPUT_FILE);
  gtk_drop_down_set_selected (self->op_dropdown, mode);
  set_input_path (self, input);
  self->mode = (UbDataMode) mode;
  g_free (self->run_input_path);
  self->run_input_path = g_strdup (input);
  g_free (self->output_path);
  self->output_path = g_strdup (output);
  show_error (self, NULL);

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->generation++;
  self->blocking = ub_page_get_blocking (UB_PAGE (self));
  if (!ub_page_ensure_pool (&self->pool, 1, &error))
    {
      fail (self, error);
      return;
    }
  start_run (self);
}

static void
ub_data_page_load_saved (UbPage   *page,
                         gboolean  resume_now)
{
  UbDataPage *self = UB_DATA_PAGE (page);
  g_autoptr(GVariant) saved = ub_state_dup (UB_DATA_JOBS_STATE_KEY);
  g_autoptr(GVariant) resume = NULL;
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;
  static const char *verbs[] = { "Encoding", "Decoding", "Hashing" };
  const char *input = NULL;
  guint32 mode = 0;
  guint64 offset = 0;
  gint64 total = -1;

  if (is_busy (self) || saved == NULL || !g_variant_is_of_type (saved, G_VARIANT_TYPE_VARDICT) ||
      !g_variant_lookup (saved, "mode", "u", &mode) || mode > UB_DATA_MODE_SHA256 ||
      !g_variant_lookup (saved, "input", "&s", &input) || !g_file_test (input, G_FILE_TEST_EXISTS))
    return;

  if (resume_now)
    {
      resume_saved (self);
      return;
    }

  g_variant_lookup (saved, "total", "x", &total);
  resume = g_variant_lookup_value (saved, "resume", G_VARIANT_TYPE_VARDICT);
  if (resume != NULL)
    g_variant_lookup (resume, "input-offset", "t", &offset);

  name = g_filename_display_basename (input);
  message = total > 0
            ? g_strdup_printf ("%s %s — %.0f %% done when Unblock last stopped.", verbs[mode], name,
                               100.0 * offset / total)
            : g_strdup_printf ("%s %s was not finished when Unblock last stopped.", verbs[mode], name);
  ub_resume_bar_offer (self->resume_bar, message);
}

static void
on_resume (UbDataPage *self)
{
  resume_saved (self);
}

static void
on_discard (UbDataPage *self)
{
  forget_saved ();
}

static void
ub_data_page_start_demo (UbPage *page)
{
  UbDataPage *self = UB_DATA_PAGE (page);

  gtk_drop_down_set_selected (self->input_dropdown, INPUT_RANDOM);
  gtk_spin_button_set_value (self->size_spin, 2048);
  gtk_drop_down_set_selected (self->op_dropdown, UB_DATA_MODE_BASE64_ENCODE);
  ub_data_page_start (page);
}

static gboolean
ub_data_page_is_busy (UbPage *page)
{
  return is_busy (UB_DATA_PAGE (page));
}

static void
ub_data_page_iface_init (UbPageInterface *iface)
{
  iface->start = ub_data_page_start;
  iface->cancel = ub_data_page_cancel;
  iface->start_demo = ub_data_page_start_demo;
  iface->is_busy = ub_data_page_is_busy;
  iface->load_saved = ub_data_page_load_saved;
}

static void
on_input_kind_changed (UbDataPage *self)
{
  static const char *pages[] = { "file", "random", "text" };
  guint selected = gtk_drop_down_get_selected (self->input_dropdown);

  if (selected < G_N_ELEMENTS (pages))
    gtk_stack_set_visible_child_name (self->input_stack, pages[selected]);
}

static void
set_input_path (UbDataPage *self,
                const char *path)
{
  g_autofree char *name = path ? g_filename_display_name (path) : NULL;

  g_free (self->input_path);
  self->input_path = g_strdup (path);
  gtk_label_set_text (self->input_label, name ? name : "No file chosen");
}

static void
on_input_chosen (GtkNativeDialog *dialog,
                 int              response,
                 gpointer         user_data)
{
  UbDataPage *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);

      if (path != NULL)
        set_input_path (self, path);
      else
        show_error (self, "Only local files can be read.");
    }
  g_clear_object (&self->chooser);
}

static void
choose_input_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  UbDataPage *self = UB_DATA_PAGE (widget);

  ub_page_open_chooser (widget, &self->chooser, "Choose the Input", GTK_FILE_CHOOSER_ACTION_OPEN,
                        G_CALLBACK (on_input_chosen));
}

static void
on_saved (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(UbDataPage) self = ub_page_call_dup_page (user_data);
  g_autoptr(GError) error = NULL;

  ub_page_call_free (user_data);
  if (!g_file_copy_finish (G_FILE (object), result, &error) && self != NULL)
    show_error (self, error->message);
  else if (self != NULL)
    gtk_label_set_text (self->status_label, "Saved.");
}

static void
on_save_chosen (GtkNativeDialog *dialog,
                int              response,
                gpointer         user_data)
{
  UbDataPage *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT && self->output_path != NULL)
    {
      g_autoptr(GFile) target = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GFile) source = g_file_new_for_path (self->output_path);

      /* GIO copies in a thread of its own: the window stays free. */
      gtk_label_set_text (self->status_label, "Saving…");
      g_file_copy_async (source, target, G_FILE_COPY_OVERWRITE, G_PRIORITY_DEFAULT_IDLE,
                         NULL, NULL, NULL, on_saved, ub_page_call_new (self, self->generation, 0));
    }
  g_clear_object (&self->chooser);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  UbDataPage *self = UB_DATA_PAGE (widget);
  GtkFileChooser *chooser = ub_page_open_chooser (widget, &self->chooser, "Save the Result",
                                                  GTK_FILE_CHOOSER_ACTION_SAVE,
                                                  G_CALLBACK (on_save_chosen));

  if (chooser != NULL)
    gtk_file_chooser_set_current_name (chooser, self->mode == UB_DATA_MODE_BASE64_ENCODE
                                                ? "result.b64" : "result.bin");
}

static void
page_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  if (g_str_equal (action_name, "data.start"))
    ub_data_page_start (UB_PAGE (widget));
  else if (g_str_equal (action_name, "data.cancel"))
    ub_data_page_cancel (UB_PAGE (widget));
}

static void
ub_data_page_dispose (GObject *object)
{
  UbDataPage *self = UB_DATA_PAGE (object);

  self->generation++;
  ub_page_stop_work (&self->cancellable, &self->pool);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  ub_page_close_chooser (&self->chooser, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), UB_TYPE_DATA_PAGE);
  ub_widget_unparent_children (GTK_WIDGET (self));

  G_OBJECT_CLASS (ub_data_page_parent_class)->dispose (object);
}

static void
ub_data_page_finalize (GObject *object)
{
  UbDataPage *self = UB_DATA_PAGE (object);

  g_clear_pointer (&self->input_path, g_free);
  g_clear_pointer (&self->run_input_path, g_free);
  g_clear_pointer (&self->output_path, g_free);
  g_clear_pointer (&self->digest, g_free);
  g_clear_pointer (&self->resume, g_variant_unref);

  G_OBJECT_CLASS (ub_data_page_parent_class)->finalize (object);
}

static void
ub_data_page_class_init (UbDataPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ub_data_page_dispose;
  object_class->finalize = ub_data_page_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/unblock/Unblock/ub-data-page.ui");
  gtk_widget_class_bind_template_child (widget_class, UbDataPage, resume_bar);
  gtk_widget_class_bind_template_child (widget_class, UbDataPage, input_dropdown);
  gtk_widget_class_bind_template_child (widget_class, UbDataPage, op_dropdown);
  gtk_widget_class_bind_template_child (widget_class, UbDataPage, input_stack);
  gtk_widget_class_bind_template_child (widget_class, UbDataPage, input_label);
  gtk_widget_class_bind_template_child (widget_class, UbDataPage, size_spin);
  gtk_widget_class_bind_template_child (widget_class, UbDataPage, input_view);
  gtk_widget_class_bind_template_child (widget_class, UbDataPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, UbDataPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, UbDataPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, UbDataPage, result_label);
  gtk_widget_class_bind_template_child (widget_class, UbDataPage, preview_view);
  gtk_widget_class_bind_template_child (widget_class, UbDataPage, notes_entry);
  gtk_widget_class_bind_template_callback (widget_class, on_input_kind_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_resume);
  gtk_widget_class_bind_template_callback (widget_class, on_discard);

  gtk_widget_class_install_action (widget_class, "data.start", NULL, page_action);
  gtk_widget_class_install_action (widget_class, "data.cancel", NULL, page_action);
  gtk_widget_class_install_action (widget_class, "data.choose-input", NULL, choose_input_action);
  gtk_widget_class_install_action (widget_class, "data.save", NULL, save_action);
}

static void
ub_data_page_init (UbDataPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update_actions (self);
}

GtkWidget *
ub_data_page_new (void)
{
  return g_object_new (UB_TYPE_DATA_PAGE, NULL);
}

UbDataPageState
ub_data_page_get_state (UbDataPage *self)
{
  g_return_val_if_fail (UB_IS_DATA_PAGE (self), UB_DATA_PAGE_IDLE);

  return self->state;
}

/**
 * ub_data_page_set_input:
 * @path: (nullable): a file to read, or %NULL to use @random_mib
 * @random_mib: with no @path, the size of the random input in MiB; with
 *   neither, the text in the page's text view is the input
 * @mode: what to do with it
 *
 * Fills the page's inputs, as a user would.
 */
void
ub_data_page_set_input (UbDataPage *self,
                        const char *path,
                        guint       random_mib,
                        UbDataMode  mode)
{
  g_return_if_fail (UB_IS_DATA_PAGE (self));

  if (path != NULL)
    {
      gtk_drop_down_set_selected (self->input_dropdown, INPUT_FILE);
      set_input_path (self, path);
    }
  else if (random_mib > 0)
    {
      gtk_drop_down_set_selected (self->input_dropdown, INPUT_RANDOM);
      gtk_spin_button_set_value (self->size_spin, random_mib);
    }
  else
    {
      gtk_drop_down_set_selected (self->input_dropdown, INPUT_TEXT);
    }
  gtk_drop_down_set_selected (self->op_dropdown, mode);
}

/**
 * ub_data_page_set_text:
 *
 * Puts @text in the page's text input, as if pasted.
 */
void
ub_data_page_set_text (UbDataPage *self,
                       const char *text)
{
  g_return_if_fail (UB_IS_DATA_PAGE (self));

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->input_view), text, -1);
}

/**
 * ub_data_page_get_digest:
 *
 * Returns: (nullable): the SHA-256 of the last finished hash, in hex
 */
const char *
ub_data_page_get_digest (UbDataPage *self)
{
  g_return_val_if_fail (UB_IS_DATA_PAGE (self), NULL);

  return self->state == UB_DATA_PAGE_DONE ? self->digest : NULL;
}

/**
 * ub_data_page_get_output_path:
 *
 * Returns: (nullable): where the last finished encode or decode was written
 */
const char *
ub_data_page_get_output_path (UbDataPage *self)
{
  g_return_val_if_fail (UB_IS_DATA_PAGE (self), NULL);

  return self->state == UB_DATA_PAGE_DONE ? self->output_path : NULL;
}

/**
 * ub_data_page_dup_preview:
 *
 * Returns: (transfer full): the text the preview shows
 */
char *
ub_data_page_dup_preview (UbDataPage *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (UB_IS_DATA_PAGE (self), NULL);

  buffer = gtk_text_view_get_buffer (self->preview_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

const char *
ub_data_page_get_error (UbDataPage *self)
{
  g_return_val_if_fail (UB_IS_DATA_PAGE (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    return NULL;
  return gtk_label_get_text (self->error_label);
}

GtkWidget *
ub_data_page_get_notes_entry (UbDataPage *self)
{
  g_return_val_if_fail (UB_IS_DATA_PAGE (self), NULL);

  return GTK_WIDGET (self->notes_entry);
}

/**
 * ub_data_page_get_progress:
 * @done: (out): input bytes done by the running job
 * @total: (out) (optional): its input size, or -1 if unknown
 */
void
ub_data_page_get_progress (UbDataPage *self,
                           guint64    *done,
                           gint64     *total)
{
  g_return_if_fail (UB_IS_DATA_PAGE (self));

  *done = self->done;
  if (total != NULL)
    *total = self->total;
}
