/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "ub-job.h"
#include "ub-page.h"

/*
 * What the pages that call workers themselves (the gallery, the channels
 * demo) share with each other: calls that reach a page only while it
 * lives, their worker pools, and the file choosers every page opens.
 * Main thread only.
 */

/**
 * ub_page_call_new:
 * @page: the page making the call
 * @generation: the page's current run
 * @index: which part of the run the call is for
 *
 * Returns: (transfer full): user data for a remote call; free it in the
 *   call's completion callback
 */
UbPageCall *
ub_page_call_new (gpointer page,
                  guint    generation,
                  guint    index)
{
  UbPageCall *call = g_new0 (UbPageCall, 1);

  g_weak_ref_init (&call->page, page);
  call->generation = generation;
  call->index = index;
  return call;
}

/**
 * ub_page_call_dup_page:
 *
 * Returns: (transfer full) (nullable): the page, or %NULL if it is gone
 */
gpointer
ub_page_call_dup_page (UbPageCall *call)
{
  return g_weak_ref_get (&call->page);
}

/**
 * ub_page_call_new_for_object:
 * @object: (type GObject): what the call is about, e.g. a gallery item
 *
 * Returns: (transfer full): like ub_page_call_new(), holding a reference
 *   to @object until the call is freed
 */
UbPageCall *
ub_page_call_new_for_object (gpointer page,
                             guint    generation,
                             gpointer object)
{
  UbPageCall *call = ub_page_call_new (page, generation, 0);

  call->object = g_object_ref (object);
  return call;
}

void
ub_page_call_free (UbPageCall *call)
{
  if (call == NULL)
    return;
  g_clear_object (&call->object);
  g_weak_ref_clear (&call->page);
  g_free (call);
}

/**
 * ub_page_ensure_pool:
 * @pool: (inout): a page's pool of "jobs" workers, or %NULL
 * @n_workers: how many workers it must have
 *
 * Creates the pool, or replaces it when it has the wrong size.
 */
gboolean
ub_page_ensure_pool (UbWorkerPool **pool,
                     guint          n_workers,
                     GError       **error)
{
  g_return_val_if_fail (pool != NULL, FALSE);
  g_return_val_if_fail (n_workers > 0, FALSE);

  if (*pool != NULL && ub_worker_pool_get_n_workers (*pool) == n_workers)
    return TRUE;

  ub_page_clear_pool (pool);
  *pool = ub_worker_pool_new (UB_JOB_WORKER_KIND, n_workers, error);
  return *pool != NULL;
}

/**
 * ub_page_clear_pool:
 * @pool: (inout): a page's pool, or %NULL
 *
 * Terminates the pool's workers (their pending calls fail with
 * %UB_ERROR_TERMINATED, without waiting) and drops it.
 */
void
ub_page_clear_pool (UbWorkerPool **pool)
{
  g_return_if_fail (pool != NULL);

  if (*pool != NULL)
    ub_worker_pool_terminate (*pool);
  g_clear_object (pool);
}

/**
 * ub_page_open_chooser:
 * @page: the page asking
 * @chooser: (inout): where the page keeps its open chooser, or %NULL
 * @title: the dialog's title
 * @action: open, save or select a folder
 * @on_response: the "response" handler; it gets @page as its data
 *
 * Opens a file chooser for @page, unless one is open already.
 *
 * Returns: (transfer none) (nullable): the new chooser, to fine-tune
 *   before the main loop shows it, or %NULL if one was open
 */
GtkFileChooser *
ub_page_open_chooser (GtkWidget            *page,
                      GtkNativeDialog     **chooser,
                      const char           *title,
                      GtkFileChooserAction  action,
                      GCallback             on_response)
{
  GtkRoot *root;

  g_return_val_if_fail (GTK_IS_WIDGET (page), NULL);
  g_return_val_if_fail (chooser != NULL, NULL);

  if (*chooser != NULL)
    return NULL;

  root = gtk_widget_get_root (page);
  *chooser = GTK_NATIVE_DIALOG (gtk_file_chooser_native_new (title,
                                                             GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                             action,
                                                             action == GTK_FILE_CHOOSER_ACTION_SAVE ? _("_Save") : _("_Open"),
                                                             _("_Cancel")));
  g_signal_connect (*chooser, "response", on_response, page);
  gtk_native_dialog_show (*chooser);
  return GTK_FILE_CHOOSER (*chooser);
}

/**
 * ub_page_close_chooser:
 * @chooser: (inout): a page's chooser, or %NULL
 * @page: the page, whose handlers are disconnected
 *
 * Closes and drops the page's chooser, for dispose().
 */
void
ub_page_close_chooser (GtkNativeDialog **chooser,
                       gpointer          page)
{
  g_return_if_fail (chooser != NULL);

  if (*chooser == NULL)
    return;

  g_signal_handlers_disconnect_by_data (*chooser, page);
  gtk_native_dialog_destroy (*chooser);
  g_clear_object (chooser);
}

/**
 * ub_page_stop_work:
 * @cancellable: (inout): the page's current cancellable, or %NULL
 * @pool: (inout): the page's pool, or %NULL
 *
 * For dispose(): cancels the page's work and terminates its workers.
 */
void
ub_page_stop_work (GCancellable **cancellable,
                   UbWorkerPool **pool)
{
  g_return_if_fail (cancellable != NULL && pool != NULL);

  if (*cancellable != NULL)
    g_cancellable_cancel (*cancellable);
  ub_page_clear_pool (pool);
  g_clear_object (cancellable);
}
