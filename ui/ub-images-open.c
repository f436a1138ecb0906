/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "ub-images-page-private.h"
#include "ub-folder-scan.h"
#include "ub-image-item.h"
#include "ub-page.h"
#include "ub-ui.h"

/*
 * What the Images page shows: a folder, listed and sorted in a thread and
 * shown batch by batch, or PNG files the user picked or dropped.
 */

/* Opening */

void
_ub_images_page_reset (UbImagesPage *self)
{
  self->generation++;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  _ub_images_page_clear_samples (self);
  ub_thumbnail_loader_reset (self->loader);
  _ub_images_page_show_error (self, NULL);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_utf8_collate (*(const char * const *) a, *(const char * const *) b);
}

static gboolean
is_png_name (const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);

  return g_str_has_suffix (lower, ".png");
}

/* @paths go after those shown, in the order to show. */
static void
append_paths (UbImagesPage *self,
              GPtrArray    *paths)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < paths->len; i++)
    g_ptr_array_add (items, ub_image_item_new (paths->pdata[i]));

  g_list_store_splice (self->store, g_list_model_get_n_items (G_LIST_MODEL (self->store)), 0,
                       items->pdata, items->len);
  _ub_images_page_update_status (self);
}

static void
show_if_empty (UbImagesPage *self)
{
  if (g_list_model_get_n_items (G_LIST_MODEL (self->store)) == 0)
    _ub_images_page_show_error (self, _("There are no PNG images here."));
}

/* The listing arrives in batches: the first tiles show at once. */
static void
on_folder_batch (GPtrArray *paths,
                 gpointer   user_data)
{
  UbPageCall *call = user_data;
  g_autoptr(UbImagesPage) self = ub_page_call_dup_page (call);

  if (self != NULL && call->generation == self->generation)
    append_paths (self, paths);
}

static void
on_folder_scanned (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(UbPageCall) call = user_data;
  g_autoptr(UbImagesPage) self = ub_page_call_dup_page (call);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) paths = ub_folder_scan_pngs_finish (result, &error);

  if (self == NULL || call->generation != self->generation)
    return;

  self->scanning = FALSE;
  ub_gallery_place_set_listing (self->place, FALSE);
  if (paths == NULL)
    {
      _ub_images_page_show_error (self, error->message);
      _ub_images_page_update_views (self);
      return;
    }
  _ub_images_page_update_status (self);
  show_if_empty (self);
}

/**
 * ub_images_page_open_folder:
 * @path: a folder of PNG images
 *
 * Shows the folder's PNG images, listed and sorted in a thread, in name
 * order.
 */
void
ub_images_page_open_folder (UbImagesPage *self,
                            const char   *path)
{
  g_return_if_fail (UB_IS_IMAGES_PAGE (self));
  g_return_if_fail (path != NULL);

  _ub_images_page_reset (self);
  g_free (self->folder);
  self->folder = g_strdup (path);
  ub_ui_remember_folder (path);
  g_list_store_remove_all (self->store);
  ub_resume_bar_hide (self->resume_bar);
  ub_gallery_place_open (self->place, path);

  self->scanning = TRUE;
  ub_gallery_place_set_listing (self->place, TRUE);
  _ub_images_page_update_views (self);
  ub_folder_scan_pngs_async (path, self->cancellable, on_folder_batch, on_folder_scanned,
                             ub_page_call_new (self, self->generation, 0));
}

/**
 * ub_images_page_open_files:
 * @paths: (element-type filename): PNG files
 */
void
ub_images_page_open_files (UbImagesPage *self,
                           GPtrArray    *paths)
{
  g_autoptr(GPtrArray) pngs = g_ptr_array_new_with_free_func (g_free);

  g_return_if_fail (UB_IS_IMAGES_PAGE (self));

  _ub_images_page_reset (self);
  g_clear_pointer (&self->folder, g_free);
  ub_gallery_place_open (self->place, NULL);
  for (guint i = 0; i < paths->len; i++)
    g_ptr_array_add (pngs, g_strdup (paths->pdata[i]));
  /* A handful the user picked: sorting them here costs nothing. */
  g_ptr_array_sort (pngs, compare_names);
  g_list_store_remove_all (self->store);
  append_paths (self, pngs);
  show_if_empty (self);
}

static void
on_chosen (GtkNativeDialog *dialog,
           int              response,
           gpointer         user_data)
{
  UbImagesPage *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      GtkFileChooser *chooser = GTK_FILE_CHOOSER (dialog);

      if (gtk_file_chooser_get_action (chooser) == GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER)
        {
          g_autoptr(GFile) folder = gtk_file_chooser_get_file (chooser);
          g_autofree char *path = g_file_get_path (folder);

          if (path != NULL)
            ub_images_page_open_folder (self, path);
        }
      else
        {
          g_autoptr(GListModel) files = gtk_file_chooser_get_files (chooser);
          g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

          for (guint i = 0; i < g_list_model_get_n_items (files); i++)
            {
              g_autoptr(GFile) file = g_list_model_get_item (files, i);
              char *path = g_file_get_path (file);

              if (path != NULL)
                g_ptr_array_add (paths, path);
            }
          ub_images_page_open_files (self, paths);
        }
    }

  g_clear_object (&self->chooser);
}

void
_ub_images_page_open_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  UbImagesPage *self = UB_IMAGES_PAGE (widget);
  gboolean folder = g_str_equal (action_name, "images.open-folder");
  GtkFileChooser *chooser;
  GtkFileFilter *filter;

  chooser = ub_page_open_chooser (widget, &self->chooser,
                                  folder ? _("Open a Folder of Images") : _("Open Images"),
                                  folder ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER
                                         : GTK_FILE_CHOOSER_ACTION_OPEN,
                                  G_CALLBACK (on_chosen));
  if (chooser == NULL || folder)
    return;

  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("PNG images"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_suffix (filter, "png");
  gtk_file_chooser_add_filter (chooser, filter);
  gtk_file_chooser_set_select_multiple (chooser, TRUE);
  g_object_unref (filter);
}

/* Drag and drop */

/* The PNG files among @files; FALSE if there are none. */
static gboolean
open_dropped_files (UbImagesPage *self,
                    GSList       *files)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  for (GSList *l = files; l != NULL; l = l->next)
    {
      char *path = g_file_get_path (l->data);

      if (path != NULL && is_png_name (path))
        g_ptr_array_add (paths, path);
      else
        g_free (path);
    }

  if (paths->len == 0)
    {
      _ub_images_page_show_error (self, _("Nothing to show: drop PNG images or a folder."));
      return FALSE;
    }

  ub_images_page_open_files (self, paths);
  return TRUE;
}

static void
on_drop_queried (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(UbPageCall) call = user_data;
  g_autoptr(UbImagesPage) self = ub_page_call_dup_page (call);
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  GSList one = { object, NULL };

  info = g_file_query_info_finish (G_FILE (object), result, &error);
  /* Something else was opened meanwhile, or the page went. */
  if (self == NULL || call->generation != self->generation ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (info != NULL && g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
    {
      g_autofree char *path = g_file_get_path (G_FILE (object));

      if (path != NULL)
        ub_images_page_open_folder (self, path);
      else
        _ub_images_page_show_error (self, _("Only folders on this computer can be opened."));
      return;
    }
  open_dropped_files (self, &one);
}

gboolean
_ub_images_page_on_drop (GtkDropTarget *target,
                         const GValue  *value,
                         double         x,
                         double         y,
                         UbImagesPage  *self)
{
  g_autoptr(GSList) files = NULL;

  files = ub_file_drop_get_files (value);
  if (files == NULL)
    return FALSE;

  /* Several: the PNG files among them. */
  if (files->next != NULL)
    return open_dropped_files (self, files);

  /* One: a folder opens, a file is shown; which it is, the file system
   * says, and it may be slow to answer (a network mount): not on the
   * main thread. */
  g_file_query_info_async (files->data, G_FILE_ATTRIBUTE_STANDARD_TYPE, G_FILE_QUERY_INFO_NONE,
                           G_PRIORITY_DEFAULT, self->cancellable, on_drop_queried,
                           ub_page_call_new (self, self->generation, 0));
  return TRUE;
}

