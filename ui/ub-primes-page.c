/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "ub-number.h"
#include "ub-page.h"
#include "ub-primes-page.h"
#include "ub-primes-run.h"
#include "ub-ui.h"

/*
 * The Primes page: a form for a UbPrimesRun and its result. The run
 * belongs to the application (UbPage binds the page to it); the page
 * turns its inputs into a run and shows the count and the latest primes.
 */

struct _UbPrimesPage
{
  UbPage           parent_instance;

  /* Template widgets */
  AdwEntryRow     *from_entry;
  AdwEntryRow     *to_entry;
  AdwComboRow     *mode_row;
  GtkSpinButton   *workers_spin;
  AdwActionRow    *save_box;
  GtkLabel        *result_label;
  GtkLabel        *recent_label;
  GtkFrame        *recent_frame;

  /* Owned references */
  GSettings       *settings; /* (nullable): none without the schema */
  GtkNativeDialog *file_chooser;
  char            *list_path;
};

G_DEFINE_FINAL_TYPE (UbPrimesPage, ub_primes_page, UB_TYPE_PAGE)

static UbPrimesRun *
current_run (UbPrimesPage *self)
{
  UbRun *run = ub_page_get_run (UB_PAGE (self));

  return UB_IS_PRIMES_RUN (run) ? UB_PRIMES_RUN (run) : NULL;
}

/* The number in @row; when it is not one, the row gets the error style
 * and the message names the field. */
static gboolean
parse_field (AdwEntryRow  *row,
             const char   *field,
             guint64      *value,
             GError      **error)
{
  g_autoptr(GError) local_error = NULL;

  if (ub_number_parse_u64 (gtk_editable_get_text (GTK_EDITABLE (row)), value, &local_error))
    return TRUE;

  gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  /* TRANSLATORS: a form's field, then what is wrong with its value */
  g_set_error (error, local_error->domain, local_error->code, _("%s: %s"),
               field, local_error->message);
  return FALSE;
}

static UbRun *
ub_primes_page_create_run (UbPage    *page,
                           gboolean   blocking,
                           GError   **error)
{
  UbPrimesPage *self = UB_PRIMES_PAGE (page);
  UbPrimesRun *run;
  guint64 from;
  guint64 to;

  if (!parse_field (self->from_entry, _("From"), &from, error) ||
      !parse_field (self->to_entry, _("To"), &to, error))
    return NULL;

  if (from > to)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->to_entry), "error");
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("To: “From” must not be larger than “To”."));
      return NULL;
    }

  /* The next start offers the same number of workers. */
  if (self->settings != NULL)
    g_settings_set_uint (self->settings, "workers",
                         (guint) gtk_spin_button_get_value_as_int (self->workers_spin));

  run = ub_primes_run_new (from, to, adw_combo_row_get_selected (self->mode_row) == 1,
                           self->list_path,
                           (guint) gtk_spin_button_get_value_as_int (self->workers_spin), blocking);
  ub_primes_run_set_range_text (run, gtk_editable_get_text (GTK_EDITABLE (self->from_entry)),
                                gtk_editable_get_text (GTK_EDITABLE (self->to_entry)));
  return UB_RUN (run);
}

static UbRun *
ub_primes_page_restore_run (UbPage    *page,
                            gboolean   blocking,
                            char     **offer)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UbPrimesRun) run = ub_primes_run_new_from_saved (blocking, &error);

  if (run == NULL)
    {
      if (error != NULL)
        ub_page_show_error (page, error->message);
      return NULL;
    }

  *offer = g_strdup_printf (_("%s — %.0f %% done when Unblock last stopped."),
                            ub_run_get_title (UB_RUN (run)),
                            100.0 * MAX (ub_run_get_fraction (UB_RUN (run)), 0));
  return UB_RUN (g_steal_pointer (&run));
}

static void update_save_label (UbPrimesPage *self);

static void
ub_primes_page_attach_run (UbPage *page,
                           UbRun  *run)
{
  UbPrimesPage *self = UB_PRIMES_PAGE (page);
  UbPrimesRun *primes = UB_PRIMES_RUN (run);
  g_autofree char *from_text = NULL;
  g_autofree char *to_text = NULL;

  /* As the user wrote them: "1e12" stays "1e12". */
  ub_primes_run_dup_range_text (primes, &from_text, &to_text);
  gtk_editable_set_text (GTK_EDITABLE (self->from_entry), from_text);
  gtk_editable_set_text (GTK_EDITABLE (self->to_entry), to_text);
  adw_combo_row_set_selected (self->mode_row, ub_primes_run_get_list (primes) ? 1 : 0);
  gtk_spin_button_set_value (self->workers_spin, ub_run_get_n_parts (run));
  g_free (self->list_path);
  self->list_path = g_strdup (ub_primes_run_get_list_path (primes));
  update_save_label (self);
}

static char *
ub_primes_page_describe_run (UbPage *page,
                             UbRun  *run)
{
  g_autofree char *count = ub_number_format_u64 (ub_primes_run_get_count (UB_PRIMES_RUN (run)));
  guint n_parts = ub_run_get_n_parts (run);
  gboolean blocking = ub_run_get_blocking (run);

  switch (ub_run_get_state (run))
    {
    case UB_RUN_RUNNING:
    case UB_RUN_QUEUED:
      if (blocking)
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "%u part on the main thread · %s primes so far",
                                             "%u parts on the main thread · %s primes so far",
                                             n_parts), n_parts, count);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%u worker · %s primes so far",
                                           "%u workers · %s primes so far",
                                           n_parts), n_parts, count);
    case UB_RUN_DONE:
      if (blocking)
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "%u part, one after the other on the main thread (blocking mode)",
                                             "%u parts, one after the other on the main thread (blocking mode)",
                                             n_parts), n_parts);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u worker", "%u workers", n_parts),
                              n_parts);
    case UB_RUN_PAUSED:
      return g_strdup_printf (_("%s primes so far"), count);
    case UB_RUN_CANCELLED:
    case UB_RUN_FAILED:
    default:
      return g_strdup_printf (_("%s primes counted before stopping"), count);
    }
}

static void
set_read_only (GtkWidget *entry,
               gboolean   read_only)
{
  /* Only on a change: an entry row given its "editable" again, even the
   * same value, replays its title's animation, which lays the window out
   * at every frame for as long as it lasts; the page refreshes more often
   * than that animation ends. */
  if (gtk_editable_get_editable (GTK_EDITABLE (entry)) == !read_only)
    return;
  gtk_editable_set_editable (GTK_EDITABLE (entry), !read_only);
  if (read_only)
    gtk_widget_add_css_class (entry, "read-only");
  else
    gtk_widget_remove_css_class (entry, "read-only");
}

static void
ub_primes_page_update_view (UbPage *page,
                            UbRun  *run)
{
  UbPrimesPage *self = UB_PRIMES_PAGE (page);
  UbPrimesRun *primes = run ? UB_PRIMES_RUN (run) : NULL;
  gboolean busy = run != NULL && ub_run_is_active (run);
  g_autoptr(GString) recent = g_string_new (NULL);
  g_autofree guint64 *values = NULL;
  guint n_recent = 0;
  gboolean whole = FALSE;
  const char *title;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "primes.choose-file", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "primes.clear-file", !busy && self->list_path);
  /* Read-only rather than insensitive: taking a focused entry's
   * sensitivity away would lose its focus-out. The "read-only" style
   * makes them look insensitive all the same. */
  set_read_only (GTK_WIDGET (self->from_entry), busy);
  set_read_only (GTK_WIDGET (self->to_entry), busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->mode_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->workers_spin), !busy);

  if (primes != NULL && ub_run_get_state (run) == UB_RUN_DONE)
    {
      g_autofree char *count = ub_number_format_u64 (ub_primes_run_get_count (primes));
      g_autofree char *from = ub_number_format_u64 (ub_primes_run_get_from (primes));
      g_autofree char *to = ub_number_format_u64 (ub_primes_run_get_to (primes));
      g_autofree char *result = g_strdup_printf (_("%s primes in [%s, %s]"), count, from, to);
      const char *list = ub_primes_run_get_list_path (primes);

      gtk_label_set_text (self->result_label, result);
      if (list != NULL)
        {
          g_autofree char *name = g_filename_display_basename (list);
          g_autofree char *saved = g_strdup_printf (_("List saved to “%s”"), name);

          ub_widget_toast_written (GTK_WIDGET (self), primes, saved, list);
        }
    }
  else
    {
      gtk_label_set_text (self->result_label, "");
    }

  if (primes != NULL && ub_primes_run_get_list (primes))
    values = ub_primes_run_dup_shown (primes, &n_recent, &whole);
  for (guint i = 0; i < n_recent; i++)
    g_string_append_printf (recent, "%s%" G_GUINT64_FORMAT, i ? "  " : "", values[i]);
  gtk_label_set_text (self->recent_label, recent->str);
  /* A frame's new label is a new widget, and a resize of the window:
   * only when the words change, not at each refresh. */
  title = whole ? _("All the primes found (List mode)") : _("Latest primes found (List mode)");
  if (g_strcmp0 (gtk_frame_get_label (self->recent_frame), title) != 0)
    gtk_frame_set_label (self->recent_frame, title);
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
  adw_combo_row_set_selected (self->mode_row, 0);
  gtk_spin_button_set_value (self->workers_spin, g_get_num_processors ());
  ub_page_start (page);
}

static void
on_entry_activate (UbPrimesPage *self)
{
  ub_page_start (UB_PAGE (self));
}

static void
on_input_changed (UbPrimesPage *self,
                  GtkEditable  *entry)
{
  gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
  if (ub_page_get_error (UB_PAGE (self)) != NULL)
    ub_page_show_error (UB_PAGE (self), NULL);
}

static void
on_mode_changed (UbPrimesPage *self)
{
  gboolean list = adw_combo_row_get_selected (self->mode_row) == 1;

  gtk_widget_set_visible (GTK_WIDGET (self->save_box), list);
}

static void
update_save_label (UbPrimesPage *self)
{
  if (self->list_path != NULL)
    {
      g_autofree char *name = g_filename_display_name (self->list_path);
      g_autofree char *text = g_strdup_printf (_("Writing the full list to %s (one worker)"), name);
      g_autofree char *markup = g_markup_escape_text (text, -1);

      adw_action_row_set_subtitle (self->save_box, markup);
    }
  else
    {
      adw_action_row_set_subtitle (self->save_box, _("Not saved: only the latest primes are shown"));
    }
  ub_page_update (UB_PAGE (self));
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
                                                  _("Save the List of Primes"),
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
ub_primes_page_dispose (GObject *object)
{
  UbPrimesPage *self = UB_PRIMES_PAGE (object);

  ub_page_close_chooser (&self->file_chooser, self);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->list_path, g_free);

  G_OBJECT_CLASS (ub_primes_page_parent_class)->dispose (object);
}

static const UbPageChild primes_children[] = {
  UB_PAGE_CHILD (UbPrimesPage, from_entry), UB_PAGE_CHILD (UbPrimesPage, to_entry),
  UB_PAGE_CHILD (UbPrimesPage, mode_row), UB_PAGE_CHILD (UbPrimesPage, workers_spin),
  UB_PAGE_CHILD (UbPrimesPage, save_box), UB_PAGE_CHILD (UbPrimesPage, result_label),
  UB_PAGE_CHILD (UbPrimesPage, recent_label), UB_PAGE_CHILD (UbPrimesPage, recent_frame),
  { NULL }
};

static const UbPageCallback primes_callbacks[] = {
  UB_PAGE_CALLBACK (on_entry_activate), UB_PAGE_CALLBACK (on_input_changed),
  UB_PAGE_CALLBACK (on_mode_changed),
  { NULL }
};

static void
ub_primes_page_class_init (UbPrimesPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  UbPageClass *page_class = UB_PAGE_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ub_primes_page_dispose;

  UB_PAGE_CLASS_IMPLEMENT_RUNS (page_class, ub_primes_page, UB_PRIMES_RUN_KEY);
  page_class->can_pause = TRUE;

  ub_page_class_set_view (widget_class, "/io/unblock/Unblock/ub-primes-page.ui",
                          UB_PAGE_VIEW_RUN | UB_PAGE_VIEW_PAUSE_BUTTON, primes_children, primes_callbacks);

  gtk_widget_class_install_action (widget_class, "primes.choose-file", NULL, choose_file_action);
  gtk_widget_class_install_action (widget_class, "primes.clear-file", NULL, clear_file_action);
}

static void
ub_primes_page_init (UbPrimesPage *self)
{
  guint n_workers = 0;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = ub_ui_dup_settings ();
  if (self->settings != NULL)
    n_workers = g_settings_get_uint (self->settings, "workers");
  gtk_spin_button_set_value (self->workers_spin, n_workers ? n_workers : g_get_num_processors ());
}

GtkWidget *
ub_primes_page_new (void)
{
  return g_object_new (UB_TYPE_PRIMES_PAGE, NULL);
}

UbPrimesPageState
ub_primes_page_get_state (UbPrimesPage *self)
{
  UbRun *run;

  g_return_val_if_fail (UB_IS_PRIMES_PAGE (self), UB_PRIMES_PAGE_IDLE);

  run = ub_page_get_run (UB_PAGE (self));
  if (run == NULL)
    return UB_PRIMES_PAGE_IDLE;

  switch (ub_run_get_state (run))
    {
    case UB_RUN_QUEUED:
    case UB_RUN_RUNNING:
      return UB_PRIMES_PAGE_RUNNING;
    case UB_RUN_PAUSED:
      return UB_PRIMES_PAGE_PAUSED;
    case UB_RUN_DONE:
      return UB_PRIMES_PAGE_DONE;
    case UB_RUN_CANCELLED:
    case UB_RUN_FAILED:
    default:
      return UB_PRIMES_PAGE_IDLE;
    }
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
  adw_combo_row_set_selected (self->mode_row, list ? 1 : 0);
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
  UbPrimesRun *run;

  g_return_val_if_fail (UB_IS_PRIMES_PAGE (self), FALSE);
  g_return_val_if_fail (count != NULL, FALSE);

  run = current_run (self);
  *count = run ? ub_primes_run_get_count (run) : 0;
  if (done != NULL)
    *done = run ? ub_run_get_done (UB_RUN (run)) : 0;

  return ub_primes_page_get_state (self) == UB_PRIMES_PAGE_DONE;
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

  return ub_page_get_error (UB_PAGE (self));
}
