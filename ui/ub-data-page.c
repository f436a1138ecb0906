/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include <glib/gstdio.h>

#include "ub-data-page-private.h"
#include "ub-page.h"
#include "ub-resume-bar.h"
#include "ub-ui.h"
#include "ub-ui-format.h"

/*
 * The Data page: a form for a UbDataRun (base64 or SHA-256 over a file,
 * generated random data or pasted text) and its result. The page only
 * ever holds the first and last 4 KiB of the result, for the preview: a
 * gigabyte of text in a widget would itself freeze the window.
 */

typedef enum
{
  INPUT_FILE,
  INPUT_RANDOM,
  INPUT_TEXT,
} InputKind;

G_DEFINE_FINAL_TYPE (UbDataPage, ub_data_page, UB_TYPE_PAGE)

UbDataRun *
_ub_data_page_current_run (UbDataPage *self)
{
  UbRun *run = ub_page_get_run (UB_PAGE (self));

  return UB_IS_DATA_RUN (run) ? UB_DATA_RUN (run) : NULL;
}

static char *
cache_path (const char *name)
{
  g_autofree char *dir = ub_data_run_dup_cache_dir ();

  return g_build_filename (dir, name, NULL);
}

static UbRun *
ub_data_page_create_run (UbPage    *page,
                         gboolean   blocking,
                         GError   **error)
{
  UbDataPage *self = UB_DATA_PAGE (page);
  UbDataMode mode = (UbDataMode) adw_combo_row_get_selected (self->op_dropdown);
  g_autofree char *input = NULL;
  g_autofree char *output = NULL;
  g_autoptr(GBytes) text = NULL;
  guint64 random_size = 0;

  switch ((InputKind) adw_combo_row_get_selected (self->input_dropdown))
    {
    case INPUT_FILE:
      if (self->input_path == NULL)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("Choose a file first."));
          return NULL;
        }
      input = g_strdup (self->input_path);
      break;

    case INPUT_RANDOM:
      {
        guint mib = (guint) gtk_spin_button_get_value_as_int (self->size_spin);
        g_autofree char *name = g_strdup_printf ("random-%u-MiB.bin", mib);
        struct stat st;

        input = cache_path (name);
        /* Made once, then reused: the same bytes every time. */
        if (g_stat (input, &st) != 0 || (guint64) st.st_size != (guint64) mib << 20)
          random_size = (guint64) mib << 20;
      }
      break;

    case INPUT_TEXT:
    default:
      {
        GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->input_view);
        GtkTextIter start, end;
        char *chars;

        /* Pasted text: small enough to copy on the main thread. */
        gtk_text_buffer_get_bounds (buffer, &start, &end);
        chars = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
        text = g_bytes_new_take (chars, strlen (chars));
      }
      break;
    }

  /* A new run replaces whatever an older one left to resume. */
  ub_data_run_forget_saved ();
  output = _ub_data_page_dup_output_path (self, mode);
  return UB_RUN (ub_data_run_new (mode, input, text, random_size, output, blocking));
}

static UbRun *
ub_data_page_restore_run (UbPage    *page,
                          gboolean   blocking,
                          char     **offer)
{
  UbDataPage *self = UB_DATA_PAGE (page);
  UbDataRun *run = ub_data_run_new_from_saved (blocking, offer);

  self->offer_start_over = run != NULL && ub_data_run_get_start_over_reason (run) != NULL;
  return UB_RUN (run);
}

/* Saved work that no longer fits its input is offered as "Start over",
 * with the reason, never resumed. */
static void
ub_data_page_load_saved (UbPage   *page,
                         gboolean  resume_now)
{
  UbDataPage *self = UB_DATA_PAGE (page);
  GObject *bar;

  self->offer_start_over = FALSE;
  UB_PAGE_CLASS (ub_data_page_parent_class)->load_saved (page, resume_now);

  bar = gtk_widget_get_template_child (GTK_WIDGET (self), UB_TYPE_DATA_PAGE, "resume_bar");
  if (self->offer_start_over && UB_IS_RESUME_BAR (bar) &&
      ub_resume_bar_is_offered (UB_RESUME_BAR (bar)))
    {
      g_autofree char *message = g_strdup (ub_resume_bar_get_message (UB_RESUME_BAR (bar)));

      ub_resume_bar_offer_start_over (UB_RESUME_BAR (bar), message);
    }
}

static void set_input_path (UbDataPage *self,
                            const char *path);

static void
ub_data_page_attach_run (UbPage *page,
                         UbRun  *run)
{
  UbDataPage *self = UB_DATA_PAGE (page);
  UbDataRun *data = UB_DATA_RUN (run);
  const char *input = ub_data_run_get_input_path (data);

  adw_combo_row_set_selected (self->op_dropdown, ub_data_run_get_mode (data));
  if (input != NULL && !g_str_has_prefix (input, g_get_user_cache_dir ()))
    {
      adw_combo_row_set_selected (self->input_dropdown, INPUT_FILE);
      set_input_path (self, input);
    }
  if (ub_data_run_get_mode (data) != UB_DATA_MODE_SHA256)
    {
      g_autofree char *cache = ub_data_run_dup_output_path (ub_data_run_get_mode (data));
      const char *output = ub_data_run_get_output_path (data);

      ub_data_page_set_output (self, g_strcmp0 (output, cache) != 0 ? output : NULL);
    }
}

static char *
ub_data_page_describe_run (UbPage *page,
                           UbRun  *run)
{
  UbDataRun *data = UB_DATA_RUN (run);
  g_autofree char *done = ub_format_bytes (ub_run_get_done (run));

  switch (ub_run_get_state (run))
    {
    case UB_RUN_QUEUED:
    case UB_RUN_RUNNING:
    case UB_RUN_PAUSED:
      if (ub_run_get_total (run) > 0)
        {
          g_autofree char *total = ub_format_bytes (ub_run_get_total (run));
          char *of_total = g_strdup_printf (_("%s of %s"), done, total);

          g_free (done);
          done = of_total;
        }
      return g_strdup_printf (_("%s · %s"), done,
                              ub_run_get_blocking (run) ? _("on the main thread") : _("in a worker"));
    case UB_RUN_DONE:
      {
        GVariant *result = ub_data_run_get_result (data);
        g_autofree char *written_text = NULL;
        guint64 read = 0, written = 0;

        if (result != NULL)
          ub_data_run_result_parse (result, &read, &written, NULL, NULL, NULL);
        written_text = ub_format_bytes (written);
        g_free (done);
        done = ub_format_bytes (read);
        return g_strdup_printf (_("read %s, wrote %s"), done, written_text);
      }
    case UB_RUN_CANCELLED:
      return g_strdup (_("no output was kept"));
    case UB_RUN_FAILED:
    default:
      return NULL;
    }
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
             UbDataRun  *run)
{
  GVariant *result = ub_data_run_get_result (run);
  g_autoptr(GBytes) head = NULL;
  g_autoptr(GBytes) tail = NULL;
  g_autoptr(GString) preview = g_string_new (NULL);
  g_autofree char *label = NULL;
  const guint8 *head_data;
  const guint8 *tail_data;
  gsize head_size;
  gsize tail_size;
  const char *digest;
  guint64 written;

  ub_data_run_result_parse (result, NULL, &written, &digest, &head, &tail);
  head_data = g_bytes_get_data (head, &head_size);
  tail_data = g_bytes_get_data (tail, &tail_size);
  append_preview (preview, head_data, head_size);
  if (written > head_size)
    {
      guint64 hidden = written - head_size - tail_size;

      if (hidden > 0)
        {
          g_autofree char *size = ub_format_bytes (hidden);

          g_string_append_printf (preview, _("\n\n… %s not shown …\n\n"), size);
        }
      append_preview (preview, tail_data, tail_size);
    }
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->preview_view), preview->str,
                            (int) preview->len);

  if (ub_data_run_get_mode (run) == UB_DATA_MODE_SHA256)
    {
      label = g_strdup_printf (_("SHA-256: %s"), digest);
    }
  else
    {
      g_autofree char *name = g_filename_display_name (ub_data_run_get_output_path (run));

      label = g_strdup_printf (_("Result: %s"), name);
    }
  gtk_label_set_text (self->result_label, label);
}

static void
ub_data_page_update_view (UbPage *page,
                          UbRun  *run)
{
  UbDataPage *self = UB_DATA_PAGE (page);
  gboolean busy = run != NULL && ub_run_is_active (run);
  gboolean done = run != NULL && ub_run_get_state (run) == UB_RUN_DONE;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "data.choose-input", !busy);
  _ub_data_page_update_output (self, run);
  _ub_data_page_update_cache (self, run);
  /* What a run leaves in the cache, measured once it has ended. */
  if (!busy && ((gpointer) run != self->measured_run ||
                (run != NULL && ub_run_get_state (run) != self->measured_state)))
    {
      self->measured_run = run;
      self->measured_state = run != NULL ? ub_run_get_state (run) : UB_RUN_QUEUED;
      _ub_data_page_measure_cache (self);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->input_dropdown), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->op_dropdown), !busy);
  /* The input a run reads stays as it was while the run goes. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->size_spin), !busy);
  gtk_text_view_set_editable (self->input_view, !busy);

  /* The result view shows the finished run, and nothing else. While a run
   * goes, the page refreshes ten times a second: an empty view is left as
   * it is, since emptying it again re-laid out the text view and made the
   * window compute its size anew, with several synchronous X round trips
   * that wait for the display server, the longest waits of the page's
   * main thread while the disk was busy. */
  if (run == self->shown && (run == NULL || done))
    return;
  if (self->shown == NULL && !done)
    return;
  g_clear_object (&self->shown);
  gtk_label_set_text (self->result_label, "");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->preview_view), "", 0);
  if (done)
    {
      self->shown = g_object_ref (run);
      show_result (self, UB_DATA_RUN (run));
      _ub_data_page_result_shown (self, UB_DATA_RUN (run));
    }
}

static void
ub_data_page_start_demo (UbPage *page)
{
  UbDataPage *self = UB_DATA_PAGE (page);

  adw_combo_row_set_selected (self->input_dropdown, INPUT_RANDOM);
  gtk_spin_button_set_value (self->size_spin, 2048);
  adw_combo_row_set_selected (self->op_dropdown, UB_DATA_MODE_BASE64_ENCODE);
  ub_page_start (page);
}

static void
clear_form_error (UbDataPage *self)
{
  if (ub_page_get_error (UB_PAGE (self)) != NULL)
    ub_page_show_error (UB_PAGE (self), NULL);
}

static void
on_input_kind_changed (UbDataPage *self)
{
  static const char *pages[] = { "file", "random", "text" };
  guint selected = adw_combo_row_get_selected (self->input_dropdown);

  if (selected < G_N_ELEMENTS (pages))
    gtk_stack_set_visible_child_name (self->input_stack, pages[selected]);
  clear_form_error (self);
}

static void
set_input_path (UbDataPage *self,
                const char *path)
{
  g_autofree char *name = path ? g_filename_display_name (path) : NULL;

  g_free (self->input_path);
  self->input_path = g_strdup (path);
  gtk_label_set_text (self->input_label, name ? name : _("No file chosen"));
  /* What was wrong was about the old input. */
  clear_form_error (self);
}

static void
on_input_chosen (GtkNativeDialog *dialog,
                 int              response,
                 gpointer         user_data)
{
  UbDataPage *self = user_data;
  g_autofree char *path = _ub_data_page_take_chosen (self, dialog, response,
                                                     _("Only local files can be read."));

  if (path != NULL)
    set_input_path (self, path);
}

static void
choose_input_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  UbDataPage *self = UB_DATA_PAGE (widget);

  ub_page_open_chooser (widget, &self->chooser, _("Choose the Input"), GTK_FILE_CHOOSER_ACTION_OPEN,
                        G_CALLBACK (on_input_chosen));
}

static void
ub_data_page_dispose (GObject *object)
{
  UbDataPage *self = UB_DATA_PAGE (object);

  /* A copy still saving reaches the page only through a weak reference. */
  g_cancellable_cancel (self->save_cancellable);
  g_clear_object (&self->save_cancellable);
  g_cancellable_cancel (self->cache_cancellable);
  g_clear_object (&self->cache_cancellable);
  ub_page_close_chooser (&self->chooser, self);
  g_clear_object (&self->shown);
  g_clear_pointer (&self->input_path, g_free);
  g_clear_pointer (&self->output_path, g_free);

  G_OBJECT_CLASS (ub_data_page_parent_class)->dispose (object);
}

static const UbPageChild data_children[] = {
  UB_PAGE_CHILD (UbDataPage, input_dropdown), UB_PAGE_CHILD (UbDataPage, op_dropdown),
  UB_PAGE_CHILD (UbDataPage, input_stack), UB_PAGE_CHILD (UbDataPage, input_label),
  UB_PAGE_CHILD (UbDataPage, size_spin), UB_PAGE_CHILD (UbDataPage, input_view),
  UB_PAGE_CHILD (UbDataPage, result_label), UB_PAGE_CHILD (UbDataPage, preview_view),
  { NULL }
};

static const UbPageCallback data_callbacks[] = {
  UB_PAGE_CALLBACK (on_input_kind_changed),
  { NULL }
};

static void
ub_data_page_class_init (UbDataPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  UbPageClass *page_class = UB_PAGE_CLASS (klass);

  object_class->dispose = ub_data_page_dispose;

  UB_PAGE_CLASS_IMPLEMENT_RUNS (page_class, ub_data_page, UB_DATA_RUN_KEY);
  page_class->load_saved = ub_data_page_load_saved;
  page_class->can_pause = TRUE;

  ub_page_class_set_view (widget_class, "/io/unblock/Unblock/ub-data-page.ui",
                          UB_PAGE_VIEW_RUN | UB_PAGE_VIEW_PAUSE_BUTTON, data_children, data_callbacks);
  _ub_data_page_output_class_init (widget_class);
  _ub_data_page_cache_class_init (widget_class);

  gtk_widget_class_install_action (widget_class, "data.choose-input", NULL, choose_input_action);
}

/* A file dropped on the page becomes its input. */
static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         UbDataPage    *self)
{
  g_autoptr(GSList) files = NULL;
  g_autofree char *path = NULL;

  files = ub_file_drop_get_files (value);
  if (files == NULL)
    return FALSE;

  if (ub_page_is_busy (UB_PAGE (self)))
    {
      ub_page_show_error (UB_PAGE (self), _("A job is running: cancel it before dropping another file."));
      return FALSE;
    }
  if (files->next != NULL)
    {
      ub_page_show_error (UB_PAGE (self), _("Drop one file: the page works on one at a time."));
      return FALSE;
    }
  path = g_file_get_path (files->data);
  if (path == NULL)
    {
      ub_page_show_error (UB_PAGE (self), _("Only local files can be read."));
      return FALSE;
    }
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      ub_page_show_error (UB_PAGE (self), _("That is a folder: drop a file."));
      return FALSE;
    }

  adw_combo_row_set_selected (self->input_dropdown, 0);
  set_input_path (self, path);
  return TRUE;
}

static void
ub_data_page_init (UbDataPage *self)
{
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->save_cancellable = g_cancellable_new ();
  /* No run has been measured: the first view measures the cache. */
  self->measured_run = self;

  drop = ub_file_drop_target_new ();
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
}

GtkWidget *
ub_data_page_new (void)
{
  return g_object_new (UB_TYPE_DATA_PAGE, NULL);
}

UbDataPageState
ub_data_page_get_state (UbDataPage *self)
{
  UbDataRun *run;

  g_return_val_if_fail (UB_IS_DATA_PAGE (self), UB_DATA_PAGE_IDLE);

  run = _ub_data_page_current_run (self);
  if (run == NULL)
    return UB_DATA_PAGE_IDLE;
  if (ub_data_run_is_generating (run))
    return UB_DATA_PAGE_GENERATING;

  switch (ub_run_get_state (UB_RUN (run)))
    {
    case UB_RUN_QUEUED:
    case UB_RUN_RUNNING:
    case UB_RUN_PAUSED:
      return UB_DATA_PAGE_RUNNING;
    case UB_RUN_DONE:
      return UB_DATA_PAGE_DONE;
    case UB_RUN_CANCELLED:
    case UB_RUN_FAILED:
    default:
      return UB_DATA_PAGE_IDLE;
    }
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
      adw_combo_row_set_selected (self->input_dropdown, INPUT_FILE);
      set_input_path (self, path);
    }
  else if (random_mib > 0)
    {
      adw_combo_row_set_selected (self->input_dropdown, INPUT_RANDOM);
      gtk_spin_button_set_value (self->size_spin, random_mib);
    }
  else
    {
      adw_combo_row_set_selected (self->input_dropdown, INPUT_TEXT);
    }
  adw_combo_row_set_selected (self->op_dropdown, mode);
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
  UbDataRun *run;
  const char *digest;

  g_return_val_if_fail (UB_IS_DATA_PAGE (self), NULL);

  run = _ub_data_page_current_run (self);
  if (ub_data_page_get_state (self) != UB_DATA_PAGE_DONE ||
      ub_data_run_get_mode (run) != UB_DATA_MODE_SHA256)
    return NULL;
  ub_data_run_result_parse (ub_data_run_get_result (run), NULL, NULL, &digest, NULL, NULL);
  return digest;
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

  if (ub_data_page_get_state (self) != UB_DATA_PAGE_DONE)
    return NULL;
  return ub_data_run_get_output_path (_ub_data_page_current_run (self));
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

  return ub_page_get_error (UB_PAGE (self));
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
  UbDataRun *run;

  g_return_if_fail (UB_IS_DATA_PAGE (self));

  run = _ub_data_page_current_run (self);
  *done = run ? ub_run_get_done (UB_RUN (run)) : 0;
  if (total != NULL)
    *total = run ? ub_data_run_get_input_size (run) : -1;
}
