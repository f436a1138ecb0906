/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>
#include <glib/gi18n.h>

#include "ub-channels-page.h"
#include "ub-data-page.h"
#include "ub-images-page.h"
#include "ub-meter.h"
#include "ub-primes-page.h"
#include "ub-resume-bar.h"
#include "ub-resources.h"
#include "ub-ui.h"

/**
 * ub_ui_init:
 *
 * Registers the UI's resources and the types its templates name. Safe to
 * call more than once, from the main thread.
 */
void
ub_ui_init (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      ub_register_resource ();
      /* The library's types the templates name, before any template. */
      g_type_ensure (ADW_TYPE_TOAST_OVERLAY);
      g_type_ensure (ADW_TYPE_VIEW_STACK);
      g_type_ensure (ADW_TYPE_VIEW_SWITCHER_TITLE);
      g_type_ensure (ADW_TYPE_VIEW_SWITCHER_BAR);
      g_type_ensure (ADW_TYPE_STATUS_PAGE);
      g_type_ensure (ADW_TYPE_CLAMP);
      g_type_ensure (ADW_TYPE_PREFERENCES_GROUP);
      g_type_ensure (ADW_TYPE_ENTRY_ROW);
      g_type_ensure (ADW_TYPE_COMBO_ROW);
      g_type_ensure (ADW_TYPE_ACTION_ROW);
      g_type_ensure (UB_TYPE_METER);
      g_type_ensure (UB_TYPE_RESUME_BAR);
      g_type_ensure (UB_TYPE_PRIMES_PAGE);
      g_type_ensure (UB_TYPE_DATA_PAGE);
      g_type_ensure (UB_TYPE_IMAGES_PAGE);
      g_type_ensure (UB_TYPE_CHANNELS_PAGE);
      g_once_init_leave (&initialized, 1);
    }
}

/**
 * ub_widget_unparent_children:
 *
 * Unparents every child of @widget: for dispose() of widgets whose
 * template children are not all bound to fields.
 */
void
ub_widget_unparent_children (GtkWidget *widget)
{
  GtkWidget *child;

  g_return_if_fail (GTK_IS_WIDGET (widget));

  while ((child = gtk_widget_get_first_child (widget)) != NULL)
    gtk_widget_unparent (child);
}

/**
 * ub_toast_new:
 * @title: a sentence for the user, as plain text
 *
 * Returns: (transfer full): a toast that shows @title as it is (a toast's
 *   title is otherwise read as markup)
 */
AdwToast *
ub_toast_new (const char *title)
{
  g_autofree char *escaped = NULL;

  g_return_val_if_fail (title != NULL, NULL);

  escaped = g_markup_escape_text (title, -1);
  return adw_toast_new (escaped);
}

static void
on_launched (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* Nothing to answer: the file manager shows its own errors. */
  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    g_debug ("Cannot open the folder: %s", error->message);
}

static void
unref_folder (gpointer  folder,
              GClosure *closure)
{
  g_object_unref (folder);
}

static void
on_open_clicked (AdwToast *toast,
                 GFile    *folder)
{
  g_autofree char *uri = g_file_get_uri (folder);

  g_app_info_launch_default_for_uri_async (uri, NULL, NULL, on_launched, NULL);
}

/**
 * ub_toast_new_for_file:
 * @title: a sentence for the user, as plain text
 * @file: a file just written
 *
 * Returns: (transfer full): a toast saying @title, with an “Open” button
 *   that opens the folder holding @file in the file manager
 */
AdwToast *
ub_toast_new_for_file (const char *title,
                       GFile      *file)
{
  g_autoptr(GFile) folder = NULL;
  AdwToast *toast;

  g_return_val_if_fail (title != NULL, NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  toast = ub_toast_new (title);
  folder = g_file_get_parent (file);
  if (folder == NULL)
    return toast;
  adw_toast_set_button_label (toast, _("Open Folder"));
  adw_toast_set_timeout (toast, 5);
  g_signal_connect_data (toast, "button-clicked", G_CALLBACK (on_open_clicked),
                         g_steal_pointer (&folder), unref_folder, 0);
  return toast;
}

/**
 * ub_widget_toast_written:
 * @widget: a widget inside a window
 * @about: (type GObject): what wrote the file, a run: the toast is shown once
 *   for it, so that a window rebuilt by Reload does not say it again
 * @title: a sentence for the user, as plain text
 * @path: the file written
 *
 * Says that @path was written, with a button that opens its folder.
 */
void
ub_widget_toast_written (GtkWidget  *widget,
                         gpointer    about,
                         const char *title,
                         const char *path)
{
  g_autoptr(GFile) file = NULL;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (G_IS_OBJECT (about));
  g_return_if_fail (path != NULL);

  if (g_object_get_data (about, "ub-toast-written") != NULL)
    return;
  g_object_set_data (about, "ub-toast-written", GINT_TO_POINTER (TRUE));
  file = g_file_new_for_path (path);
  ub_widget_add_toast (widget, ub_toast_new_for_file (title, file));
}

/**
 * ub_widget_add_toast:
 * @widget: a widget inside a window
 * @toast: (transfer full): the toast to show
 *
 * Shows @toast in the toast overlay that holds @widget. Without one (a
 * widget not in a window yet) the toast is dropped.
 */
void
ub_widget_add_toast (GtkWidget *widget,
                     AdwToast  *toast)
{
  GtkWidget *overlay;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (ADW_IS_TOAST (toast));

  overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  if (overlay == NULL)
    {
      g_object_unref (toast);
      return;
    }
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
}

/**
 * ub_file_drop_target_new:
 *
 * Returns: (transfer full): a drop target for files, as a file manager
 *   drops them (a #GdkFileList) or one at a time (a #GFile); its "drop"
 *   handler gets either in its value
 */
GtkDropTarget *
ub_file_drop_target_new (void)
{
  GType types[] = { GDK_TYPE_FILE_LIST, G_TYPE_FILE };
  GtkDropTarget *target = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);

  gtk_drop_target_set_gtypes (target, types, G_N_ELEMENTS (types));
  return target;
}

/**
 * ub_file_drop_get_files:
 * @value: what a drop target from ub_file_drop_target_new() received
 *
 * Returns: (transfer container) (element-type GFile) (nullable): the
 *   files dropped, whichever way they came (a file manager drops a list,
 *   some sources one file)
 */
GSList *
ub_file_drop_get_files (const GValue *value)
{
  if (G_VALUE_HOLDS (value, G_TYPE_FILE) && g_value_get_object (value) != NULL)
    return g_slist_prepend (NULL, g_value_get_object (value));
  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST) && g_value_get_boxed (value) != NULL)
    return gdk_file_list_get_files (g_value_get_boxed (value));
  return NULL;
}

/* Main thread only: where settings are kept when not in the default
 * backend (dconf), or NULL. Set once, before the first window. */
static GSettingsBackend *settings_backend;

/**
 * ub_ui_use_memory_settings:
 *
 * From now on, settings live in memory only: they start at their
 * defaults and nothing is written back. A screenshot uses this, so that
 * it neither depends on the user's saved window nor overwrites it (and
 * needs no D-Bus session for dconf).
 */
void
ub_ui_use_memory_settings (void)
{
  if (settings_backend == NULL)
    settings_backend = g_memory_settings_backend_new ();
}

/**
 * ub_ui_dup_settings:
 *
 * Returns: (transfer full) (nullable): the application's settings, or
 *   %NULL when their schema is not installed (an uninstalled build run
 *   without GSETTINGS_SCHEMA_DIR): the app then starts with defaults
 *   rather than aborting
 */
GSettings *
ub_ui_dup_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    {
      static gsize warned = 0;

      if (g_once_init_enter (&warned))
        {
          g_message ("The settings schema %s is not installed: nothing is remembered", APP_ID);
          g_once_init_leave (&warned, 1);
        }
      return NULL;
    }

  return g_settings_new_full (schema, settings_backend, NULL);
}

/* How many folders the recent list keeps. */
#define N_RECENT_FOLDERS 10

/**
 * ub_ui_remember_folder:
 * @path: a folder just opened in the gallery
 *
 * Puts @path first in the recent folders the primary menu lists.
 */
void
ub_ui_remember_folder (const char *path)
{
  g_autoptr(GSettings) settings = ub_ui_dup_settings ();
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) old = NULL;
  g_auto(GStrv) recent = NULL;
  g_autofree char *utf8 = NULL;
  guint n = 1;

  g_return_if_fail (path != NULL);

  /* The list holds strings: a name that is not UTF-8 is not listed. */
  utf8 = g_filename_to_utf8 (path, -1, NULL, NULL, NULL);
  if (settings == NULL || utf8 == NULL || !g_path_is_absolute (path))
    return;

  old = g_settings_get_strv (settings, "recent-folders");
  if (old[0] != NULL && g_str_equal (old[0], utf8))
    return;
  builder = g_strv_builder_new ();
  g_strv_builder_add (builder, utf8);
  for (guint i = 0; old[i] != NULL && n < N_RECENT_FOLDERS; i++)
    if (!g_str_equal (old[i], utf8))
      {
        g_strv_builder_add (builder, old[i]);
        n++;
      }
  recent = g_strv_builder_end (builder);
  g_settings_set_strv (settings, "recent-folders", (const char * const *) recent);
}

static void
fill_recent_menu (GSettings  *settings,
                  const char *key,
                  GMenu      *menu)
{
  g_auto(GStrv) folders = g_settings_get_strv (settings, "recent-folders");

  g_menu_remove_all (menu);
  for (guint i = 0; folders[i] != NULL; i++)
    {
      g_autofree char *name = g_path_get_basename (folders[i]);
      g_autoptr(GMenuItem) item = g_menu_item_new (NULL, NULL);

      /* No mnemonics: a folder's name is shown as it is. */
      g_menu_item_set_attribute (item, G_MENU_ATTRIBUTE_LABEL, "s", name);
      g_menu_item_set_action_and_target (item, "win.open-recent", "s", folders[i]);
      g_menu_append_item (menu, item);
    }
  if (folders[0] == NULL)
    g_menu_append (menu, _("No Folders Opened Yet"), NULL);
}

/**
 * ub_ui_recent_folders_menu_new:
 *
 * Returns: (transfer full): a menu of the recent folders, one item each
 *   activating "win.open-recent" with the folder's path, kept up to date
 */
GMenuModel *
ub_ui_recent_folders_menu_new (void)
{
  g_autoptr(GSettings) settings = ub_ui_dup_settings ();
  GMenu *menu = g_menu_new ();

  if (settings == NULL)
    return G_MENU_MODEL (menu);

  fill_recent_menu (settings, NULL, menu);
  g_signal_connect_object (settings, "changed::recent-folders", G_CALLBACK (fill_recent_menu),
                           menu, 0);
  g_object_set_data_full (G_OBJECT (menu), "ub-settings", g_steal_pointer (&settings),
                          g_object_unref);
  return G_MENU_MODEL (menu);
}
