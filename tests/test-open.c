/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

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

int
main (int    argc,
      char **argv)
{
  ub_test_gtk_init (&argc, &argv);

  g_test_summary ("Opening files: folders in the gallery, PNG files in the viewer");
  g_test_add_func ("/open/folder-and-file", test_open_folder_and_file);

  return g_test_run ();
}
