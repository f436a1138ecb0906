/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "ub-image-viewer.h"
#include "ub-test-gtk.h"

static UbImageViewer *
find_viewer (void)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (ub_test_gtk_get_app ()));
       l != NULL; l = l->next)
    if (UB_IS_IMAGE_VIEWER (l->data))
      return l->data;
  return NULL;
}

/* `unblock FOLDER` shows the folder in the gallery and remembers it;
 * `unblock FILE.png` opens the file in the viewer. */
static void
test_open_folder_and_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *dir = NULL;
  g_autofree char *png = NULL;
  g_auto(GStrv) recent = NULL;
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GFile) file = NULL;
  UbWindow *window;
  UbImageViewer *viewer;

  if (!ub_test_gtk_have_display ())
    return;

  dir = g_dir_make_tmp ("unblock-open-XXXXXX", &error);
  g_assert_no_error (error);
  ub_test_gtk_make_gallery (dir, 2, 64);
  png = g_build_filename (dir, "img-001.png", NULL);

  window = ub_test_gtk_get_window ();
  g_assert_true (ub_window_show_page (window, "primes"));

  folder = g_file_new_for_path (dir);
  g_application_open (G_APPLICATION (ub_test_gtk_get_app ()), &folder, 1, "");
  g_assert_cmpstr (ub_window_get_visible_page_name (window), ==, "images");
  recent = g_settings_get_strv (settings, "recent-folders");
  g_assert_nonnull (recent[0]);
  g_assert_cmpstr (recent[0], ==, dir);

  g_assert_null (find_viewer ());
  file = g_file_new_for_path (png);
  g_application_open (G_APPLICATION (ub_test_gtk_get_app ()), &file, 1, "");
  viewer = find_viewer ();
  g_assert_nonnull (viewer);
  g_assert_cmpstr (ub_image_viewer_get_path (viewer), ==, png);
  gtk_window_destroy (GTK_WINDOW (viewer));
}

/* The targets of the primary menu's Recent Folders, in order. */
static GPtrArray *
recent_menu_targets (UbWindow *window)
{
  GMenuModel *menu = G_MENU_MODEL (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                                  UB_TYPE_WINDOW,
                                                                  "primary_menu"));
  GPtrArray *targets = g_ptr_array_new_with_free_func (g_free);

  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);

      for (int j = 0; section != NULL && j < g_menu_model_get_n_items (section); j++)
        {
          g_autoptr(GMenuModel) submenu = g_menu_model_get_item_link (section, j,
                                                                      G_MENU_LINK_SUBMENU);

          for (int k = 0; submenu != NULL && k < g_menu_model_get_n_items (submenu); k++)
            {
              g_autoptr(GVariant) target = NULL;
              char *action = NULL;

              if (!g_menu_model_get_item_attribute (submenu, k, G_MENU_ATTRIBUTE_ACTION, "s",
                                                    &action))
                continue;
              target = g_menu_model_get_item_attribute_value (submenu, k,
                                                              G_MENU_ATTRIBUTE_TARGET,
                                                              G_VARIANT_TYPE_STRING);
              if (g_str_equal (action, "win.open-recent") && target != NULL)
                g_ptr_array_add (targets, g_variant_dup_string (target, NULL));
              g_free (action);
            }
        }
    }
  return targets;
}

/* Folders opened in the gallery are listed in the primary menu, the most
 * recent first; choosing one opens it again. */
static void
test_recent_folders_menu (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *first = g_dir_make_tmp ("unblock-recent-XXXXXX", &error);
  g_autofree char *second = g_dir_make_tmp ("unblock-recent-XXXXXX", &error);
  g_autofree char *gone = g_dir_make_tmp ("unblock-recent-XXXXXX", &error);
  g_autoptr(GPtrArray) targets = NULL;
  UbWindow *window;
  GtkWidget *images;

  if (!ub_test_gtk_have_display ())
    return;

  g_assert_no_error (error);
  window = ub_test_gtk_get_window ();
  images = ub_window_get_page (window, "images");
  ub_images_page_open_folder (UB_IMAGES_PAGE (images), gone);
  ub_images_page_open_folder (UB_IMAGES_PAGE (images), first);
  ub_images_page_open_folder (UB_IMAGES_PAGE (images), second);
  g_assert_cmpint (g_rmdir (gone), ==, 0);

  targets = recent_menu_targets (window);
  g_assert_cmpuint (targets->len, >=, 3);
  g_assert_cmpstr (targets->pdata[0], ==, second);
  g_assert_cmpstr (targets->pdata[1], ==, first);
  g_assert_cmpstr (targets->pdata[2], ==, gone);
  g_clear_pointer (&targets, g_ptr_array_unref);

  /* Chosen from the menu: opened in the gallery, and first again. */
  g_assert_true (ub_window_show_page (window, "primes"));
  g_action_group_activate_action (G_ACTION_GROUP (window), "open-recent",
                                  g_variant_new_string (first));
  g_assert_cmpstr (ub_window_get_visible_page_name (window), ==, "images");
  targets = recent_menu_targets (window);
  g_assert_cmpstr (targets->pdata[0], ==, first);
  g_assert_cmpstr (targets->pdata[1], ==, second);
  g_clear_pointer (&targets, g_ptr_array_unref);

  /* A folder that is gone is said to be, and the gallery stays. */
  g_action_group_activate_action (G_ACTION_GROUP (window), "open-recent",
                                  g_variant_new_string (gone));
  targets = recent_menu_targets (window);
  g_assert_cmpstr (targets->pdata[0], ==, first);

  g_rmdir (first);
  g_rmdir (second);
}

int
main (int    argc,
      char **argv)
{
  ub_test_gtk_init (&argc, &argv);

  g_test_summary ("Opening files: folders in the gallery, PNG files in the viewer");
  g_test_add_func ("/open/folder-and-file", test_open_folder_and_file);
  g_test_add_func ("/open/recent-folders-menu", test_recent_folders_menu);

  return g_test_run ();
}
