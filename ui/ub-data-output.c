/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "ub-data-page-private.h"
#include "ub-durable.h"
#include "ub-ui.h"

/*
 * Where the Data page's result goes. With a destination chosen in the
 * "Result" row, the job writes a temporary file in that file's folder and
 * puts it in place when it is done: nothing goes through the cache, and
 * the destination is never seen half-written. Without one, the result is a
 * file in the app's cache folder, which Save Result As… copies out.
 */

static const char *
default_name (UbDataMode mode)
{
  return mode == UB_DATA_MODE_BASE64_ENCODE ? "result.b64" : "result.bin";
}

static UbDataMode
selected_mode (UbDataPage *self)
{
  return (UbDataMode) adw_combo_row_get_selected (self->op_dropdown);
}

static void
update_subtitle (UbDataPage *self)
{
  g_autofree char *markup = NULL;

  if (self->output_path != NULL)
    {
      g_autofree char *name = g_filename_display_name (self->output_path);

      markup = g_markup_escape_text (name, -1);
    }
  else
    {
      markup = g_markup_escape_text (_("The cache folder, until you choose a file"), -1);
    }
  adw_action_row_set_subtitle (self->output_row, markup);
}

/**
 * _ub_data_page_update_output:
 * @run: (nullable): the page's run
 *
 * The "Result" row and the actions about the result, for @run's state:
 * the destination stays as it is while a run writes it.
 */
void
_ub_data_page_update_output (UbDataPage *self,
                             UbRun      *run)
{
  gboolean busy = run != NULL && ub_run_is_active (run);
  gboolean done = run != NULL && ub_run_get_state (run) == UB_RUN_DONE;

  gtk_widget_set_visible (GTK_WIDGET (self->output_row), selected_mode (self) != UB_DATA_MODE_SHA256);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "data.choose-output", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "data.clear-output",
                                 !busy && self->output_path != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "data.save",
                                 done && ub_data_run_get_mode (UB_DATA_RUN (run)) != UB_DATA_MODE_SHA256);
}

/**
 * _ub_data_page_dup_output_path:
 *
 * Returns: (transfer full): where a new run of @mode writes its result:
 *   the chosen destination, or the app's own file in its cache
 */
char *
_ub_data_page_dup_output_path (UbDataPage *self,
                               UbDataMode  mode)
{
  if (self->output_path != NULL)
    return g_strdup (self->output_path);
  return ub_data_run_dup_output_path (mode);
}

static gboolean
is_cache_output (UbDataRun *run)
{
  g_autofree char *cache = ub_data_run_dup_output_path (ub_data_run_get_mode (run));

  return g_strcmp0 (cache, ub_data_run_get_output_path (run)) == 0;
}

/**
 * _ub_data_page_result_shown:
 * @run: a finished run
 *
 * Says, once per run, that its result was written to the destination.
 */
void
_ub_data_page_result_shown (UbDataPage *self,
                            UbDataRun  *run)
{
  g_autofree char *name = NULL;
  g_autofree char *title = NULL;

  if (ub_data_run_get_mode (run) == UB_DATA_MODE_SHA256 || is_cache_output (run))
    return;

  name = g_filename_display_basename (ub_data_run_get_output_path (run));
  title = g_strdup_printf (_("Result written to “%s”"), name);
  ub_widget_toast_written (GTK_WIDGET (self), run, title, ub_data_run_get_output_path (run));
}

static void
set_output (UbDataPage *self,
            const char *path)
{
  g_free (self->output_path);
  self->output_path = g_strdup (path);
  update_subtitle (self);
  _ub_data_page_update_output (self, ub_page_get_run (UB_PAGE (self)));
}

/**
 * _ub_data_page_take_chosen:
 * @dialog: the page's file chooser, which has answered @response
 * @not_local: what to say if the file chosen has no local path
 *
 * Closes the page's file chooser.
 *
 * Returns: (transfer full) (nullable): the local path chosen, or %NULL if
 *   none was (the reason, if any, shown on the page)
 */
char *
_ub_data_page_take_chosen (UbDataPage      *self,
                           GtkNativeDialog *dialog,
                           int              response,
                           const char      *not_local)
{
  g_autoptr(GFile) file = NULL;
  char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      path = file != NULL ? g_file_get_path (file) : NULL;
      if (path == NULL)
        ub_page_show_error (UB_PAGE (self), not_local);
    }
  g_clear_object (&self->chooser);
  return path;
}

static void
on_output_chosen (GtkNativeDialog *dialog,
                  int              response,
                  gpointer         user_data)
{
  UbDataPage *self = user_data;
  g_autofree char *path = _ub_data_page_take_chosen (self, dialog, response,
                                                     _("Only local files can be written."));
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    return;
  /* A folder, or the input itself, is refused now rather than at the start. */
  if (!ub_durable_check_destination (path, self->input_path, &error))
    ub_page_show_error (UB_PAGE (self), error->message);
  else
    set_output (self, path);
}

static void
choose_output_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  UbDataPage *self = UB_DATA_PAGE (widget);
  GtkFileChooser *chooser = ub_page_open_chooser (widget, &self->chooser, _("Choose Where the Result Goes"),
                                                  GTK_FILE_CHOOSER_ACTION_SAVE,
                                                  G_CALLBACK (on_output_chosen));

  if (chooser != NULL)
    gtk_file_chooser_set_current_name (chooser, default_name (selected_mode (self)));
}

static void
clear_output_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  set_output (UB_DATA_PAGE (widget), NULL);
}

/* A copy for Save Result As…: the paths, owned by the task. */
typedef struct
{
  char *source;
  char *target;
} SaveCopy;

static void
save_copy_free (SaveCopy *copy)
{
  g_free (copy->source);
  g_free (copy->target);
  g_free (copy);
}

/* In a thread of GIO's: the copy, written as every file is. */
static void
save_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  SaveCopy *copy = task_data;
  g_autoptr(GError) error = NULL;

  if (ub_durable_copy (copy->source, copy->target, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
on_saved (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(UbDataPage) self = ub_page_call_dup_page (user_data);
  SaveCopy *copy = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  ub_page_call_free (user_data);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (self != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        ub_page_show_error (UB_PAGE (self), error->message);
    }
  else if (self != NULL)
    {
      g_autofree char *name = g_filename_display_basename (copy->target);
      g_autofree char *title = g_strdup_printf (_("Result saved as “%s”"), name);
      g_autoptr(GFile) target = g_file_new_for_path (copy->target);

      gtk_label_set_text (self->result_label, _("Saved."));
      ub_widget_add_toast (GTK_WIDGET (self), ub_toast_new_for_file (title, target));
    }
}

static void
on_save_chosen (GtkNativeDialog *dialog,
                int              response,
                gpointer         user_data)
{
  UbDataPage *self = user_data;
  UbDataRun *run = _ub_data_page_current_run (self);
  g_autofree char *path = _ub_data_page_take_chosen (self, dialog, response,
                                                     _("Only local files can be written."));
  g_autoptr(GTask) task = NULL;
  SaveCopy *copy;

  if (path == NULL || run == NULL)
    return;

  copy = g_new0 (SaveCopy, 1);
  copy->source = g_strdup (ub_data_run_get_output_path (run));
  copy->target = g_steal_pointer (&path);
  /* Copied in a thread: the window stays free. No source object: the
   * page's last reference is never dropped in GIO's thread. */
  gtk_label_set_text (self->result_label, _("Saving…"));
  task = g_task_new (NULL, self->save_cancellable, on_saved, ub_page_call_new (self, 0, 0));
  g_task_set_task_data (task, copy, (GDestroyNotify) save_copy_free);
  g_task_run_in_thread (task, save_in_thread);
}

static void
open_save_chooser (UbDataPage *self,
                   UbDataRun  *run)
{
  GtkFileChooser *chooser = ub_page_open_chooser (GTK_WIDGET (self), &self->chooser,
                                                  _("Save the Result"),
                                                  GTK_FILE_CHOOSER_ACTION_SAVE,
                                                  G_CALLBACK (on_save_chosen));

  if (chooser != NULL && run != NULL)
    gtk_file_chooser_set_current_name (chooser, default_name (ub_data_run_get_mode (run)));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  UbDataPage *self = UB_DATA_PAGE (widget);
  UbDataRun *run = _ub_data_page_current_run (self);

  if (run != NULL && !g_file_test (ub_data_run_get_output_path (run), G_FILE_TEST_IS_REGULAR))
    {
      ub_page_show_error (UB_PAGE (self),
                          _("The result is gone: it was in the cache folder, which was cleared."));
      return;
    }
  open_save_chooser (self, run);
}

static void
on_op_changed (UbDataPage *self)
{
  _ub_data_page_update_output (self, ub_page_get_run (UB_PAGE (self)));
}

void
_ub_data_page_output_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, UbDataPage, output_row);
  gtk_widget_class_bind_template_callback (widget_class, on_op_changed);

  gtk_widget_class_install_action (widget_class, "data.choose-output", NULL, choose_output_action);
  gtk_widget_class_install_action (widget_class, "data.clear-output", NULL, clear_output_action);
  gtk_widget_class_install_action (widget_class, "data.save", NULL, save_action);
}

/**
 * ub_data_page_set_output:
 * @path: (nullable): the file the result goes to, or %NULL for the cache
 *
 * Chooses where the next run's result goes, as the file chooser of the
 * "Result" row does.
 */
void
ub_data_page_set_output (UbDataPage *self,
                         const char *path)
{
  g_return_if_fail (UB_IS_DATA_PAGE (self));

  set_output (self, path);
}
