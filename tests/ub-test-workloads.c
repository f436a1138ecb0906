/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "ub-channels-page.h"
#include "ub-data-jobs.h"
#include "ub-image-viewer.h"
#include "ub-data-page.h"
#include "ub-images-page.h"
#include "ub-png-jobs.h"
#include "ub-page.h"
#include "ub-primes-page.h"
#include "ub-test-files.h"
#include "ub-test-gtk.h"
#include "ub-test-keys.h"
#include "ub-test-workloads.h"

static void
window_action (UbWindow   *window,
               const char *name)
{
  g_action_group_activate_action (G_ACTION_GROUP (window), name, NULL);
}

static void
show_page (UbWindow   *window,
           const char *name)
{
  g_action_group_activate_action (G_ACTION_GROUP (window), "show-page", g_variant_new_string (name));
}

/* Primes: counting with every CPU. */

static UbPrimesPage *
primes_page (UbWindow *window)
{
  return UB_PRIMES_PAGE (ub_window_get_page (window, "primes"));
}

static void
primes_prepare (UbWindow *window,
                gboolean  blocking)
{
  show_page (window, "primes");
  if (blocking)
    ub_primes_page_set_input (primes_page (window), "0", "1e10", FALSE, 0);
  else
    ub_primes_page_set_input (primes_page (window), "1e13", "1e13+1e12", FALSE, 0);
}

static void
page_start (UbWindow *window)
{
  window_action (window, "start");
}

static gboolean
primes_is_running (UbWindow *window)
{
  return ub_primes_page_get_state (primes_page (window)) == UB_PRIMES_PAGE_RUNNING;
}

static void
page_cancel (UbWindow *window)
{
  window_action (window, "cancel");
}

static gboolean
primes_finished_ok (UbWindow *window)
{
  guint64 count = 0;

  /* π(10^10): about a second on one core, long enough on any CPU for the
   * stall to be measured */
  return ub_primes_page_get_result (primes_page (window), &count, NULL) &&
         count == G_GUINT64_CONSTANT (455052511);
}

static GtkWidget *
primes_get_entry (UbWindow *window)
{
  return ub_page_get_notes_entry (UB_PAGE (primes_page (window)));
}

/* Data: base64 encoding, decoding to a file and SHA-256 of large files of
 * random bytes. A worker-mode run must outlast the measurement window, so
 * its input grows with the window, at more than the fastest machine here
 * goes through it (MiB per second of window). Inputs of the same size are
 * one file: these are gigabytes, on a disk that others share. */

#define ENCODE_MIB_PER_S  1024
#define SHA256_MIB_PER_S  2560
#define DECODE_MIB_PER_S  1024
#define DATA_BLOCKING_MIB 1024

static guint sized_for_ms = 3000;

/**
 * ub_test_workloads_set_window:
 * @ms: how long a worker-mode run is measured
 *
 * Sizes the workloads so that a worker-mode run outlasts @ms on any
 * machine of this kind.
 */
void
ub_test_workloads_set_window (guint ms)
{
  sized_for_ms = ms;
}

/* @mib_per_s MiB per second of the window, in whole 256 MiB. */
static guint
window_mib (guint mib_per_s)
{
  guint64 mib = (guint64) mib_per_s * sized_for_ms / 1000;

  return MAX (256, (mib + 255) / 256 * 256);
}

static UbDataPage *
data_page (UbWindow *window)
{
  return UB_DATA_PAGE (ub_window_get_page (window, "data"));
}

static char *
data_cache_path (guint       mib,
                 const char *suffix)
{
  g_autofree char *name = g_strdup_printf ("random-%u-MiB.%s", mib, suffix);
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "unblock", "data", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  return g_build_filename (dir, name, NULL);
}

/* The page's cached random input (made here so that the measured run is
 * the job alone), and its path. */
static char *
ensure_random_input (guint mib)
{
  g_autofree char *path = data_cache_path (mib, "bin");
  g_autoptr(GVariant) result = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      result = ub_job_run_sync (UB_DATA_JOB_RANDOM,
                                ub_data_random_params_new (path, (guint64) mib << 20, 1),
                                NULL, NULL, NULL, &error);
      g_assert_no_error (error);
    }
  return g_steal_pointer (&path);
}

/* Base64 of @mib MiB of random bytes, to decode. */
static char *
ensure_base64_input (guint mib)
{
  g_autofree char *input = ensure_random_input (mib);
  g_autofree char *path = data_cache_path (mib, "b64");
  g_autoptr(GVariant) result = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      result = ub_job_run_sync (UB_DATA_JOB_RUN,
                                ub_data_run_params_new (UB_DATA_MODE_BASE64_ENCODE, 76, input,
                                                        NULL, path, NULL),
                                NULL, NULL, NULL, &error);
      g_assert_no_error (error);
    }
  return g_steal_pointer (&path);
}

/* The digest GLib computes of the blocking run's input, computed before the
 * run so that it is not measured. */
static char *expected_digest;

static void
sha256_prepare_blocking (void)
{
  g_autofree char *path = NULL;
  g_autoptr(GMappedFile) file = NULL;
  g_autoptr(GError) error = NULL;

  if (expected_digest != NULL)
    return;
  path = data_cache_path (DATA_BLOCKING_MIB, "bin");
  file = g_mapped_file_new (path, FALSE, &error);
  g_assert_no_error (error);
  expected_digest = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                                 (const guchar *) g_mapped_file_get_contents (file),
                                                 g_mapped_file_get_length (file));
}

static gboolean
sha256_finished_ok (UbWindow *window)
{
  const char *digest = ub_data_page_get_digest (data_page (window));

  return digest != NULL && expected_digest != NULL && g_str_equal (digest, expected_digest);
}

static void
encode_prepare (UbWindow *window,
                gboolean  blocking)
{
  guint mib = blocking ? DATA_BLOCKING_MIB : window_mib (ENCODE_MIB_PER_S);

  g_free (ensure_random_input (mib));
  show_page (window, "data");
  ub_data_page_set_input (data_page (window), NULL, mib, UB_DATA_MODE_BASE64_ENCODE);
}

static void
decode_prepare (UbWindow *window,
                gboolean  blocking)
{
  guint mib = blocking ? DATA_BLOCKING_MIB : window_mib (DECODE_MIB_PER_S);
  g_autofree char *input = ensure_base64_input (mib);

  show_page (window, "data");
  ub_data_page_set_input (data_page (window), input, 0, UB_DATA_MODE_BASE64_DECODE);
}

static void
sha256_prepare (UbWindow *window,
                gboolean  blocking)
{
  guint mib = blocking ? DATA_BLOCKING_MIB : window_mib (SHA256_MIB_PER_S);

  g_free (ensure_random_input (mib));
  if (blocking)
    sha256_prepare_blocking ();
  show_page (window, "data");
  ub_data_page_set_input (data_page (window), NULL, mib, UB_DATA_MODE_SHA256);
}

static gboolean
data_is_running (UbWindow *window)
{
  return ub_data_page_get_state (data_page (window)) == UB_DATA_PAGE_RUNNING;
}

static guint64
output_size (UbWindow *window)
{
  const char *output = ub_data_page_get_output_path (data_page (window));
  struct stat st;

  if (output == NULL || g_stat (output, &st) != 0)
    return 0;
  return st.st_size;
}

static gboolean
encode_finished_ok (UbWindow *window)
{
  guint64 size = (guint64) DATA_BLOCKING_MIB << 20;

  /* 4 characters per 3 bytes, and a newline per 76 characters. */
  return output_size (window) == (size + 2) / 3 * 4 + ((size + 2) / 3 * 4 + 75) / 76;
}

static gboolean
decode_finished_ok (UbWindow *window)
{
  return output_size (window) == (guint64) DATA_BLOCKING_MIB << 20;
}

static GtkWidget *
data_get_entry (UbWindow *window)
{
  return ub_page_get_notes_entry (UB_PAGE (data_page (window)));
}

/* Images: the gallery decoding a folder of large PNGs while it scrolls. */

#define GALLERY_IMAGE_SIZE 2048
#define GALLERY_N_IMAGES   96

static UbImagesPage *
images_page (UbWindow *window)
{
  return UB_IMAGES_PAGE (ub_window_get_page (window, "images"));
}

/* One photo-like sample, made once, copied: decoding is the work. */
static char *
ensure_gallery (void)
{
  char *dir = g_build_filename (g_get_user_cache_dir (), "unblock", "test-gallery", NULL);

  ub_test_gtk_make_gallery (dir, GALLERY_N_IMAGES, GALLERY_IMAGE_SIZE);
  return dir;
}

static void
images_prepare (UbWindow *window,
                gboolean  blocking)
{
  g_autofree char *thumbnails = g_build_filename (g_get_user_cache_dir (), "thumbnails", NULL);

  /* The desktop thumbnail cache would answer a second run without any
   * decoding: each run starts without one. */
  ub_test_remove_tree (thumbnails);
  g_object_set_data_full (G_OBJECT (window), "gallery", ensure_gallery (), g_free);
  show_page (window, "images");
}

static void
images_start (UbWindow *window)
{
  ub_images_page_open_folder (images_page (window), g_object_get_data (G_OBJECT (window), "gallery"));
}

static gboolean
images_is_running (UbWindow *window)
{
  return ub_page_is_busy (UB_PAGE (images_page (window)));
}

static void
images_cancel (UbWindow *window)
{
  ub_page_cancel (UB_PAGE (images_page (window)));
}

static void
images_step (UbWindow *window)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (ub_images_page_get_scroller (images_page (window)));
  double value = gtk_adjustment_get_value (adjustment) + 60;

  if (value > gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment))
    value = 0;
  gtk_adjustment_set_value (adjustment, value);
}

/* Every tile on screen shows its thumbnail (or says why not). */
static gboolean
images_finished_ok (UbWindow *window)
{
  UbImagesPage *page = images_page (window);
  GListModel *model = ub_images_page_get_model (page);
  guint n_visible = 0;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(UbImageItem) item = g_list_model_get_item (model, i);

      if (!ub_images_page_is_visible_item (page, item))
        continue;
      n_visible++;
      if (ub_image_item_get_state (item) != UB_IMAGE_DONE)
        return FALSE;
    }

  return n_visible > 0;
}

static GtkWidget *
images_get_entry (UbWindow *window)
{
  return ub_page_get_notes_entry (UB_PAGE (images_page (window)));
}

/* Viewer: zooming and panning 4096² images, walking from one to the next
 * every second; a worker makes each image's levels. */

#define VIEWER_IMAGE_SIZE 4096
#define VIEWER_N_IMAGES   4

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

static char *
ensure_viewer_images (void)
{
  char *dir = g_build_filename (g_get_user_cache_dir (), "unblock", "test-viewer", NULL);

  ub_test_gtk_make_gallery (dir, VIEWER_N_IMAGES, VIEWER_IMAGE_SIZE);
  return dir;
}

/* Opens the viewer on the first image, as the gallery does. */
static void
viewer_prepare (UbWindow *window,
                gboolean  blocking)
{
  g_autofree char *dir = ensure_viewer_images ();
  char *paths[VIEWER_N_IMAGES + 1] = { NULL };
  GtkWidget *viewer;

  for (guint i = 0; i < VIEWER_N_IMAGES; i++)
    {
      g_autofree char *name = g_strdup_printf ("img-%03u.png", i);

      paths[i] = g_build_filename (dir, name, NULL);
    }
  show_page (window, "images");

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
static void
viewer_start (UbWindow *window)
{
  viewer_action (window, "viewer.next");
}

static gboolean
viewer_is_running (UbWindow *window)
{
  return get_viewer (window) != NULL;
}

static void
viewer_cancel (UbWindow *window)
{
  UbImageViewer *viewer = get_viewer (window);

  if (viewer != NULL)
    gtk_window_destroy (GTK_WINDOW (viewer));
}

/* Every 100 ms a pan; every other step a zoom at a point off the centre,
 * in from fit and out again; every second the next image, back to the
 * first after the last. */
static void
viewer_step (UbWindow *window)
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
static gboolean
viewer_finished_ok (UbWindow *window)
{
  UbImageViewer *viewer = get_viewer (window);

  return viewer != NULL && ub_image_viewer_is_loaded (viewer) &&
         g_str_has_suffix (ub_image_viewer_get_path (viewer), "img-001.png") &&
         ub_image_canvas_get_n_levels (ub_image_viewer_get_canvas (viewer)) > 1;
}

/* Channels: the gallery's images through the decoder → scaler pipeline. */

/* On the main thread each image is one piece of work: the viewer's 4096²
 * images make every piece stall for several frames on any CPU, where the
 * gallery's small ones take about two frames on a fast one. */

static UbChannelsPage *
channels_page (UbWindow *window)
{
  return UB_CHANNELS_PAGE (ub_window_get_page (window, "channels"));
}

static void
channels_prepare (UbWindow *window,
                  gboolean  blocking)
{
  g_autofree char *dir = blocking ? ensure_viewer_images () : ensure_gallery ();
  guint n = blocking ? VIEWER_N_IMAGES : GALLERY_N_IMAGES;
  char **paths = g_new0 (char *, n + 1);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("img-%03u.png", i);

      paths[i] = g_build_filename (dir, name, NULL);
    }
  g_object_set_data_full (G_OBJECT (window), "channels-paths", paths, (GDestroyNotify) g_strfreev);
  show_page (window, "channels");
}

static void
channels_start (UbWindow *window)
{
  ub_channels_page_run_files (channels_page (window),
                              g_object_get_data (G_OBJECT (window), "channels-paths"));
}

static gboolean
channels_is_running (UbWindow *window)
{
  return ub_page_is_busy (UB_PAGE (channels_page (window)));
}

static void
channels_cancel (UbWindow *window)
{
  ub_page_cancel (UB_PAGE (channels_page (window)));
}

static gboolean
channels_finished_ok (UbWindow *window)
{
  const char * const *paths = g_object_get_data (G_OBJECT (window), "channels-paths");
  guint n = 0;

  ub_channels_page_get_arrivals (channels_page (window), &n);
  return n == g_strv_length ((char **) paths) && ub_channels_page_get_error (channels_page (window)) == NULL;
}

static GtkWidget *
channels_get_entry (UbWindow *window)
{
  return ub_page_get_notes_entry (UB_PAGE (channels_page (window)));
}

/* Samples: Generate Sample Images, into a folder emptied first. */

#define SAMPLES_N          24
#define SAMPLES_SIZE       4096
#define SAMPLES_BLOCKING_N 2
#define SAMPLES_BLOCKING_SIZE 2048

static void
samples_prepare (UbWindow *window,
                 gboolean  blocking)
{
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "unblock", "test-samples", NULL);
  g_autoptr(GDir) contents = g_dir_open (dir, 0, NULL);
  const char *name;

  while (contents != NULL && (name = g_dir_read_name (contents)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert_cmpint (g_unlink (path), ==, 0);
    }
  g_object_set_data_full (G_OBJECT (window), "samples", g_steal_pointer (&dir), g_free);
  g_object_set_data (G_OBJECT (window), "samples-n",
                     GUINT_TO_POINTER (blocking ? SAMPLES_BLOCKING_N : SAMPLES_N));
  g_object_set_data (G_OBJECT (window), "samples-size",
                     GUINT_TO_POINTER (blocking ? SAMPLES_BLOCKING_SIZE : SAMPLES_SIZE));
  show_page (window, "images");
}

static void
samples_start (UbWindow *window)
{
  ub_images_page_generate_samples (images_page (window),
                                   g_object_get_data (G_OBJECT (window), "samples"),
                                   GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (window), "samples-n")),
                                   GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (window), "samples-size")));
}

static gboolean
samples_is_running (UbWindow *window)
{
  UbImagesPageStats stats;

  ub_images_page_get_stats (images_page (window), &stats);
  return stats.n_generating > 0;
}

/* Every sample written, and the gallery showing them. */
static gboolean
samples_finished_ok (UbWindow *window)
{
  GListModel *model = ub_images_page_get_model (images_page (window));

  return !samples_is_running (window) && model != NULL &&
         g_list_model_get_n_items (model) ==
         GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (window), "samples-n"));
}

/* Several at once: a prime count, an encode and the gallery scrolling. */

static const UbTestWorkload *const *
several (void)
{
  static const UbTestWorkload *parts[3];

  if (parts[0] == NULL)
    {
      parts[0] = ub_test_workloads_get (0);
      parts[1] = ub_test_workloads_get (1);
      parts[2] = ub_test_workloads_get (2);
    }
  return parts;
}

static void
several_prepare (UbWindow *window,
                 gboolean  blocking)
{
  for (guint i = 0; i < 3; i++)
    several ()[i]->prepare (window, blocking);
  g_object_set_data (G_OBJECT (window), "several-blocking", GINT_TO_POINTER (blocking));
}

/* Each page is shown and started in turn, as a user would. */
static void
several_start (UbWindow *window)
{
  gboolean blocking = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (window), "several-blocking"));

  for (guint i = 0; i < 3; i++)
    {
      several ()[i]->prepare (window, blocking);
      several ()[i]->start (window);
    }
}

static gboolean
several_is_running (UbWindow *window)
{
  for (guint i = 0; i < 3; i++)
    if (!several ()[i]->is_running (window))
      return FALSE;
  return TRUE;
}

static void
several_cancel (UbWindow *window)
{
  ub_page_cancel (UB_PAGE (primes_page (window)));
  ub_page_cancel (UB_PAGE (data_page (window)));
  images_cancel (window);
}

static gboolean
several_finished_ok (UbWindow *window)
{
  for (guint i = 0; i < 3; i++)
    if (!several ()[i]->finished_ok (window))
      return FALSE;
  return TRUE;
}

static const UbTestWorkload workloads[] = {
  {
    "primes",
    primes_prepare,
    page_start,
    primes_is_running,
    page_cancel,
    NULL,
    primes_finished_ok,
    primes_get_entry,
    0.9,
  },
  {
    "data",
    encode_prepare,
    page_start,
    data_is_running,
    page_cancel,
    NULL,
    encode_finished_ok,
    data_get_entry,
    0.9,
  },
  {
    "images",
    images_prepare,
    images_start,
    images_is_running,
    images_cancel,
    images_step,
    images_finished_ok,
    images_get_entry,
    0.6,
  },
  {
    "decode",
    decode_prepare,
    page_start,
    data_is_running,
    page_cancel,
    NULL,
    decode_finished_ok,
    data_get_entry,
    0.9,
  },
  {
    "sha256",
    sha256_prepare,
    page_start,
    data_is_running,
    page_cancel,
    NULL,
    sha256_finished_ok,
    data_get_entry,
    0.9,
  },
  {
    "viewer",
    viewer_prepare,
    viewer_start,
    viewer_is_running,
    viewer_cancel,
    viewer_step,
    viewer_finished_ok,
    images_get_entry,
    0.9,
  },
  {
    "channels",
    channels_prepare,
    channels_start,
    channels_is_running,
    channels_cancel,
    NULL,
    channels_finished_ok,
    channels_get_entry,
    0.6,
  },
  {
    "samples",
    samples_prepare,
    samples_start,
    samples_is_running,
    images_cancel,
    NULL,
    samples_finished_ok,
    images_get_entry,
    0.6,
  },
  {
    "several",
    several_prepare,
    several_start,
    several_is_running,
    several_cancel,
    images_step,
    several_finished_ok,
    images_get_entry,
    0.6,
  },
};

guint
ub_test_workloads_get_n (void)
{
  return G_N_ELEMENTS (workloads);
}

const UbTestWorkload *
ub_test_workloads_get (guint index_)
{
  g_return_val_if_fail (index_ < G_N_ELEMENTS (workloads), NULL);

  return &workloads[index_];
}

/* Measuring */

/* The main thread's time on a CPU and waiting for one (Linux schedstat),
 * in ms: tells a stall caused here from one caused by the machine. */
static void
read_schedstat (double *run_ms,
                double *wait_ms)
{
  g_autofree char *contents = NULL;
  guint64 run = 0, wait = 0;

  *run_ms = *wait_ms = 0;
  if (!g_file_get_contents ("/proc/thread-self/schedstat", &contents, NULL, NULL))
    return;
  if (sscanf (contents, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT, &run, &wait) == 2)
    {
      *run_ms = run / 1e6;
      *wait_ms = wait / 1e6;
    }
}

static gboolean
typer_done (gpointer user_data)
{
  return ub_key_typer_is_done (user_data);
}

static UbKeyTyper *
start_typing (GtkWidget *entry,
              guint      n_keys,
              guint      key_interval_ms)
{
  if (n_keys == 0 || !ub_key_typer_supported ())
    return NULL;
  return ub_key_typer_start (entry, n_keys, key_interval_ms);
}

static void
finish_typing (UbKeyTyper        *typer,
               UbTestMeasurement *measurement)
{
  if (typer == NULL)
    return;
  g_assert_true (ub_test_gtk_run_until (typer_done, typer, 60000));
  measurement->key_latencies = ub_key_typer_dup_latencies_ms (typer, &measurement->n_keys);
}

/* With UB_TEST_STALL_LOG=MS in the environment, every gap of more than MS
 * ms in the main loop is printed with its monotonic start and end (µs), to
 * be matched with a profile recorded with `perf record -k mono`. */
typedef struct
{
  gint64 last;
  gint64 threshold;
} StallLog;

static gboolean
stall_log_beat (gpointer user_data)
{
  StallLog *log = user_data;
  gint64 now = g_get_monotonic_time ();

  if (log->last != 0 && now - log->last > log->threshold)
    g_printerr ("stall %.1f ms from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT "\n",
                (now - log->last) / 1000.0, log->last, now);
  log->last = now;
  return G_SOURCE_CONTINUE;
}

static guint
stall_log_start (void)
{
  const char *threshold = g_getenv ("UB_TEST_STALL_LOG");
  StallLog *log;

  if (threshold == NULL)
    return 0;
  log = g_new0 (StallLog, 1);
  log->threshold = g_ascii_strtoll (threshold, NULL, 10) * 1000;
  return g_timeout_add_full (G_PRIORITY_HIGH, 1, stall_log_beat, log, g_free);
}

/**
 * ub_test_workload_measure_workers:
 * @window_ms: how long to measure, at most: the work must outlast it
 * @n_keys: keys to type into the page while it runs (0: none)
 *
 * Runs @workload in workers in a new window, as a user would, and measures
 * the main loop while the work runs and the keys arrive; the last 100 ms
 * after the window let a stall that ends late be recorded.
 */
void
ub_test_workload_measure_workers (const UbTestWorkload *workload,
                                  guint                 window_ms,
                                  guint                 n_keys,
                                  guint                 key_interval_ms,
                                  UbTestMeasurement    *measurement)
{
  UbWindow *window = ub_test_gtk_new_window ();
  UbMeter *meter = ub_window_get_meter (window);
  g_autoptr(UbKeyTyper) typer = NULL;
  double run_before, wait_before, run_after, wait_after;
  guint stall_log;
  gint64 start;

  memset (measurement, 0, sizeof *measurement);
  workload->prepare (window, FALSE);
  ub_test_gtk_run_for_ms (200);
  ub_meter_reset (meter);
  read_schedstat (&run_before, &wait_before);

  stall_log = stall_log_start ();
  start = g_get_monotonic_time ();
  workload->start (window);
  g_assert_true (workload->is_running (window));
  typer = start_typing (workload->get_entry (window), n_keys, key_interval_ms);

  while (measurement->measured_ms < window_ms && workload->is_running (window))
    {
      if (workload->step != NULL)
        workload->step (window);
      ub_test_gtk_run_for_ms (100);
      measurement->measured_ms += 100;
    }
  measurement->outlasted = workload->is_running (window);
  finish_typing (typer, measurement);
  measurement->work_ms = (g_get_monotonic_time () - start) / 1000.0;
  ub_test_gtk_run_for_ms (100);

  ub_meter_get_stats (meter, &measurement->stats);
  read_schedstat (&run_after, &wait_after);
  measurement->cpu_ms = run_after - run_before;
  measurement->wait_ms = wait_after - wait_before;
  g_clear_handle_id (&stall_log, g_source_remove);

  workload->cancel (window);
  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct
{
  const UbTestWorkload *workload;
  UbWindow             *window;
  gint64                started;
} BlockingRun;

static gboolean
start_blocking (gpointer user_data)
{
  BlockingRun *run = user_data;

  /* Activated from the main loop, as a click would be. */
  run->started = g_get_monotonic_time ();
  run->workload->start (run->window);
  return G_SOURCE_REMOVE;
}

static gboolean
blocking_finished (gpointer user_data)
{
  BlockingRun *run = user_data;

  return run->started != 0 && run->workload->finished_ok (run->window);
}

static void
set_blocking (gboolean blocking)
{
  g_action_group_change_action_state (G_ACTION_GROUP (ub_test_gtk_get_app ()), "blocking",
                                      g_variant_new_boolean (blocking));
}

/**
 * ub_test_workload_measure_blocking:
 * @n_keys: keys to type into the page while it runs (0: none)
 *
 * Runs @workload's blocking-mode job to its end in a new window, started
 * from the main loop as a click would, and measures the main loop.
 */
void
ub_test_workload_measure_blocking (const UbTestWorkload *workload,
                                   guint                 n_keys,
                                   guint                 key_interval_ms,
                                   UbTestMeasurement    *measurement)
{
  BlockingRun run = { workload, ub_test_gtk_new_window (), 0 };
  UbMeter *meter = ub_window_get_meter (run.window);
  g_autoptr(UbKeyTyper) typer = NULL;
  double run_before, wait_before, run_after, wait_after;

  memset (measurement, 0, sizeof *measurement);
  workload->prepare (run.window, TRUE);
  set_blocking (TRUE);
  ub_test_gtk_run_for_ms (200);
  ub_meter_reset (meter);
  read_schedstat (&run_before, &wait_before);

  typer = start_typing (workload->get_entry (run.window), n_keys, key_interval_ms);
  g_idle_add (start_blocking, &run);
  measurement->finished = ub_test_gtk_run_until (blocking_finished, &run, 600000);
  measurement->work_ms = (g_get_monotonic_time () - run.started) / 1000.0;
  finish_typing (typer, measurement);
  /* The last stall is recorded when the loop runs again. */
  ub_test_gtk_run_for_ms (100);
  set_blocking (FALSE);

  ub_meter_get_stats (meter, &measurement->stats);
  read_schedstat (&run_after, &wait_after);
  measurement->cpu_ms = run_after - run_before;
  measurement->wait_ms = wait_after - wait_before;

  workload->cancel (run.window);
  gtk_window_destroy (GTK_WINDOW (run.window));
}

double
ub_test_measurement_get_max_key_ms (const UbTestMeasurement *measurement)
{
  double max = 0;

  for (guint i = 0; i < measurement->n_keys; i++)
    max = MAX (max, measurement->key_latencies[i]);
  return max;
}

void
ub_test_measurement_clear (UbTestMeasurement *measurement)
{
  g_clear_pointer (&measurement->key_latencies, g_free);
}
