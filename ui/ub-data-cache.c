/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "ub-data-page-private.h"
#include "ub-ui.h"
#include "ub-ui-format.h"

/*
 * The Data page's cache folder: the random inputs it makes and the
 * results no file was chosen for. The "Cache Folder" row says where it is
 * and how much it holds, and Clear… empties it after asking, both in a
 * thread of GIO's: a folder on a slow disk, or a file of gigabytes to
 * unlink, can take a while. Saved work (the partial output a paused job
 * kept) is not the cache's: the resume bar discards it.
 */

static void
on_measured (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(UbDataPage) self = ub_page_call_dup_page (user_data);
  g_autoptr(GError) error = NULL;
  g_autofree char *size = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *markup = NULL;
  const char *dir = g_task_get_task_data (G_TASK (result));
  gssize bytes;

  ub_page_call_free (user_data);
  bytes = g_task_propagate_int (G_TASK (result), &error);
  if (self == NULL || g_task_get_cancellable (G_TASK (result)) != self->cache_cancellable)
    return;

  folder = g_filename_display_name (dir);
  size = ub_format_bytes (bytes > 0 ? (guint64) bytes : 0);
  /* TRANSLATORS: the cache folder, then how much it holds ("12.5 MiB") */
  subtitle = bytes < 0 ? g_strdup_printf (_("%s · size unknown"), folder)
                       : g_strdup_printf (_("%s · %s"), folder, size);
  markup = g_markup_escape_text (subtitle, -1);
  adw_action_row_set_subtitle (self->cache_row, markup);
  self->cache_bytes = bytes > 0 ? (guint64) bytes : 0;
  self->cache_measured = bytes >= 0;
}

/* In a thread of GIO's: the bytes in the files directly in the cache
 * folder (the folder's own; nothing below it is followed), each removed
 * first when the task's source tag says so. */
static void
scan_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  gboolean remove = g_task_get_source_tag (task) == (gpointer) scan_in_thread;
  const char *dir_path = task_data;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  guint64 total = 0;
  const char *name;

  dir = g_dir_open (dir_path, 0, &error);
  if (dir == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      GStatBuf st;

      if (g_lstat (path, &st) != 0 || !S_ISREG (st.st_mode))
        continue;
      if (remove && g_unlink (path) != 0)
        {
          int saved_errno = errno;
          g_autofree char *display = g_filename_display_name (path);

          g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                                   _("%s: cannot remove it: %s"), display,
                                   g_strerror (saved_errno));
          return;
        }
      total += (guint64) st.st_size;
    }
  g_task_return_int (task, (gssize) MIN (total, (guint64) G_MAXSSIZE));
}

/* Scans the cache folder in a thread; @remove empties it too. No source
 * object: the page's last reference is never dropped in GIO's thread. */
static void
scan_cache (UbDataPage          *self,
            gboolean             remove,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, ub_page_call_new (self, 0, 0));

  if (remove)
    g_task_set_source_tag (task, scan_in_thread);
  g_task_set_task_data (task, ub_data_run_dup_cache_dir (), g_free);
  g_task_run_in_thread (task, scan_in_thread);
}

/**
 * _ub_data_page_measure_cache:
 *
 * Measures the cache folder again, and shows its size once known.
 */
void
_ub_data_page_measure_cache (UbDataPage *self)
{
  g_cancellable_cancel (self->cache_cancellable);
  g_clear_object (&self->cache_cancellable);
  self->cache_cancellable = g_cancellable_new ();
  self->cache_measured = FALSE;
  scan_cache (self, FALSE, self->cache_cancellable, on_measured);
}

static void
on_cleared (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(UbDataPage) self = ub_page_call_dup_page (user_data);
  g_autoptr(GError) error = NULL;
  gssize freed;

  ub_page_call_free (user_data);
  freed = g_task_propagate_int (G_TASK (result), &error);
  if (self == NULL)
    return;

  self->clearing = FALSE;
  _ub_data_page_update_cache (self, ub_page_get_run (UB_PAGE (self)));
  _ub_data_page_measure_cache (self);
  if (freed < 0)
    {
      ub_page_show_error (UB_PAGE (self), error->message);
    }
  else
    {
      g_autofree char *size = ub_format_bytes ((guint64) freed);
      g_autofree char *title = g_strdup_printf (_("Cache cleared: %s freed"), size);

      ub_widget_add_toast (GTK_WIDGET (self), ub_toast_new (title));
    }
}

static void
on_clear_response (AdwMessageDialog *dialog,
                   const char       *response,
                   gpointer          user_data)
{
  g_autoptr(UbDataPage) self = ub_page_call_dup_page (user_data);
  UbRun *run;

  if (self == NULL || g_strcmp0 (response, "clear") != 0)
    return;
  /* A run started while the dialog was open may be using the cache. */
  run = ub_page_get_run (UB_PAGE (self));
  if (self->clearing || (run != NULL && ub_run_is_active (run)))
    {
      ub_page_show_error (UB_PAGE (self), _("The cache cannot be cleared while a job runs."));
      return;
    }

  self->clearing = TRUE;
  _ub_data_page_update_cache (self, run);
  scan_cache (self, TRUE, NULL, on_cleared);
}

static void
free_call (gpointer  call,
           GClosure *closure)
{
  ub_page_call_free (call);
}

static void
clear_cache_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  UbDataPage *self = UB_DATA_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autofree char *size = ub_format_bytes (self->cache_bytes);
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  body = self->cache_measured
         ? g_strdup_printf (_("The random inputs made for the Data page and the results kept "
                              "there, %s, are removed. Files the results were written to "
                              "elsewhere are not touched."), size)
         : g_strdup (_("The random inputs made for the Data page and the results kept there "
                       "are removed. Files the results were written to elsewhere are not "
                       "touched."));
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Clear the Cache?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "clear", _("C_lear"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "clear",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_clear_response),
                         ub_page_call_new (self, 0, 0), free_call, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * _ub_data_page_update_cache:
 * @run: (nullable): the page's run
 *
 * The cache can be cleared when no run may be using it.
 */
void
_ub_data_page_update_cache (UbDataPage *self,
                            UbRun      *run)
{
  gboolean busy = run != NULL && ub_run_is_active (run);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "data.clear-cache", !busy && !self->clearing);
}

void
_ub_data_page_cache_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, UbDataPage, cache_row);
  gtk_widget_class_install_action (widget_class, "data.clear-cache", NULL, clear_cache_action);
}

/**
 * ub_data_page_get_cache_size:
 * @size: (out): the bytes the cache folder held when last measured
 *
 * Returns: whether the cache folder's size has been measured since the
 *   last change the page knows of
 */
gboolean
ub_data_page_get_cache_size (UbDataPage *self,
                             guint64    *size)
{
  g_return_val_if_fail (UB_IS_DATA_PAGE (self), FALSE);

  *size = self->cache_bytes;
  return self->cache_measured;
}
