/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-image-viewer.h"
#include "ub-test-gtk.h"
#include "ub-test-workloads.h"
#include "ub-test-workloads-private.h"

/* Viewer: zooming and panning 4096² images, walking from one to the next
 * every second; a worker makes each image's levels. */


static UbImageViewer *
get_viewer (UbWindow *window)
{
  return g_object_get_data (G_OBJECT (window), "viewer");
}

static void
on_viewer_destroy (GtkWidget *viewer,
                   UbWindow  *window)
{
  if (get_viewer (window) == (gpointer) viewer)
    g_object_set_data (G_OBJECT (window), "viewer", NULL);
}

static gboolean
viewer_settled (gpointer user_data)
{
  UbImageViewer *viewer = user_data;

  return gtk_widget_get_mapped (GTK_WIDGET (viewer)) &&
         (ub_image_viewer_is_loaded (viewer) || ub_image_viewer_get_error (viewer) != NULL);
}

char *
ub_test_ensure_viewer_images (void)
{
  char *dir = g_build_filename (g_get_user_cache_dir (), "unblock", "test-viewer", NULL);

  ub_test_gtk_make_gallery (dir, VIEWER_N_IMAGES, VIEWER_IMAGE_SIZE);
  return dir;
}

/* Opens the viewer on the first image, as the gallery does. */
void
ub_test_viewer_prepare (UbWindow *window,
                        gboolean  blocking)
{
  g_autofree char *dir = ub_test_ensure_viewer_images ();
  char *paths[VIEWER_N_IMAGES + 1] = { NULL };
  GtkWidget *viewer;

  for (guint i = 0; i < VIEWER_N_IMAGES; i++)
    {
      g_autofree char *name = g_strdup_printf ("img-%03u.png", i);

      paths[i] = g_build_filename (dir, name, NULL);
    }
  ub_test_workloads_show_page (window, "images");

  viewer = ub_image_viewer_new_for_list ((const char * const *) paths, 0, blocking);
  for (guint i = 0; i < VIEWER_N_IMAGES; i++)
    g_free (paths[i]);
  gtk_window_set_transient_for (GTK_WINDOW (viewer), GTK_WINDOW (window));
  gtk_window_set_destroy_with_parent (GTK_WINDOW (viewer), TRUE);
  g_object_set_data (G_OBJECT (window), "viewer", viewer);
  g_object_set_data (G_OBJECT (window), "viewer-steps", GUINT_TO_POINTER (0));
  g_signal_connect_object (viewer, "destroy", G_CALLBACK (on_viewer_destroy), window, 0);
  gtk_window_present (GTK_WINDOW (viewer));
  g_assert_true (ub_test_gtk_run_until (viewer_settled, viewer, 60000));
  g_assert_null (ub_image_viewer_get_error (UB_IMAGE_VIEWER (viewer)));
}

static void
viewer_action (UbWindow   *window,
               const char *name)
{
  gtk_widget_activate_action (GTK_WIDGET (get_viewer (window)), name, NULL);
}

/* The next image: a new decode and new levels. */
void
ub_test_viewer_start (UbWindow *window)
{
  viewer_action (window, "viewer.next");
}

gboolean
ub_test_viewer_is_running (UbWindow *window)
{
  return get_viewer (window) != NULL;
}

void
ub_test_viewer_cancel (UbWindow *window)
{
  UbImageViewer *viewer = get_viewer (window);

  if (viewer != NULL)
    gtk_window_destroy (GTK_WINDOW (viewer));
}

/* Every 100 ms a pan; every other step a zoom at a point off the centre,
 * in from fit and out again; every second the next image, back to the
 * first after the last. */
void
ub_test_viewer_step (UbWindow *window)
{
  UbImageViewer *viewer = get_viewer (window);
  guint step = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (window), "viewer-steps"));
  UbImageCanvas *canvas;
  GtkScrolledWindow *scroller;
  GtkAdjustment *adjustments[2];

  if (viewer == NULL)
    return;
  g_object_set_data (G_OBJECT (window), "viewer-steps", GUINT_TO_POINTER (step + 1));

  if (step % 10 == 9)
    {
      guint position = (step / 10 + 1) % VIEWER_N_IMAGES;

      viewer_action (window, position == 0 ? "viewer.zoom-fit" : "viewer.next");
      if (position == 0)
        for (guint i = 1; i < VIEWER_N_IMAGES; i++)
          viewer_action (window, "viewer.previous");
      return;
    }
  if (!ub_image_viewer_is_loaded (viewer))
    return;

  canvas = ub_image_viewer_get_canvas (viewer);
  scroller = ub_image_viewer_get_scroller (viewer);
  if (step % 2 == 0)
    ub_image_canvas_zoom_at (canvas,
                             ub_image_canvas_get_zoom (canvas) * (step % 10 < 5 ? 1.25 : 0.8),
                             gtk_widget_get_width (GTK_WIDGET (canvas)) * 0.3,
                             gtk_widget_get_height (GTK_WIDGET (canvas)) * 0.6);

  adjustments[0] = gtk_scrolled_window_get_hadjustment (scroller);
  adjustments[1] = gtk_scrolled_window_get_vadjustment (scroller);
  for (guint i = 0; i < G_N_ELEMENTS (adjustments); i++)
    {
      double value = gtk_adjustment_get_value (adjustments[i]) + 80;

      if (value > gtk_adjustment_get_upper (adjustments[i]) - gtk_adjustment_get_page_size (adjustments[i]))
        value = 0;
      gtk_adjustment_set_value (adjustments[i], value);
    }
}

/* The second image shown, with its levels. */
gboolean
ub_test_viewer_finished_ok (UbWindow *window)
{
  UbImageViewer *viewer = get_viewer (window);

  return viewer != NULL && ub_image_viewer_is_loaded (viewer) &&
         g_str_has_suffix (ub_image_viewer_get_path (viewer), "img-001.png") &&
         ub_image_canvas_get_n_levels (ub_image_viewer_get_canvas (viewer)) > 1;
}
