/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "ub-channels-page.h"
#include "ub-data-jobs.h"
#include "ub-data-page.h"
#include "ub-images-page.h"
#include "ub-png-jobs.h"
#include "ub-page.h"
#include "ub-primes-page.h"
#include "ub-test-files.h"
#include "ub-test-gtk.h"
#include "ub-test-keys.h"
#include "ub-test-workloads.h"
#include "ub-test-workloads-private.h"

static void
window_action (UbWindow   *window,
               const char *name)
{
  g_action_group_activate_action (G_ACTION_GROUP (window), name, NULL);
}

void
ub_test_workloads_show_page (UbWindow   *window,
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
  ub_test_workloads_show_page (window, "primes");
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
  ub_test_workloads_show_page (window, "data");
  ub_data_page_set_input (data_page (window), NULL, mib, UB_DATA_MODE_BASE64_ENCODE);
}

static void
decode_prepare (UbWindow *window,
                gboolean  blocking)
{
  guint mib = blocking ? DATA_BLOCKING_MIB : window_mib (DECODE_MIB_PER_S);
  g_autofree char *input = ensure_base64_input (mib);

  ub_test_workloads_show_page (window, "data");
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
  ub_test_workloads_show_page (window, "data");
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
  ub_test_workloads_show_page (window, "images");
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
  g_autofree char *dir = blocking ? ub_test_ensure_viewer_images () : ensure_gallery ();
  guint n = blocking ? VIEWER_N_IMAGES : GALLERY_N_IMAGES;
  char **paths = g_new0 (char *, n + 1);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("img-%03u.png", i);

      paths[i] = g_build_filename (dir, name, NULL);
    }
  g_object_set_data_full (G_OBJECT (window), "channels-paths", paths, (GDestroyNotify) g_strfreev);
  ub_test_workloads_show_page (window, "channels");
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
  ub_test_workloads_show_page (window, "images");
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
    0.8,
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
    ub_test_viewer_prepare,
    ub_test_viewer_start,
    ub_test_viewer_is_running,
    ub_test_viewer_cancel,
    ub_test_viewer_step,
    ub_test_viewer_finished_ok,
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
    0.8,
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
    0.8,
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
    0.8,
  },
};

/* No work at all: the window with the Primes page up and nothing running,
 * measured the same way, for the floor that the display and the machine
 * give every other row. */

static gboolean idle_running;

static void
idle_prepare (UbWindow *window,
              gboolean  blocking)
{
  ub_test_workloads_show_page (window, "primes");
}

static void
idle_start (UbWindow *window)
{
  idle_running = TRUE;
}

static gboolean
idle_is_running (UbWindow *window)
{
  return idle_running;
}

static void
idle_cancel (UbWindow *window)
{
  idle_running = FALSE;
}

static gboolean
idle_finished_ok (UbWindow *window)
{
  return TRUE;
}

static const UbTestWorkload idle = {
  "idle",
  idle_prepare,
  idle_start,
  idle_is_running,
  idle_cancel,
  NULL,
  idle_finished_ok,
  primes_get_entry,
  0,
};

/**
 * ub_test_workloads_get_idle:
 *
 * A workload that does nothing, in worker mode only: not one of
 * ub_test_workloads_get()'s, since blocking mode has nothing to block.
 */
const UbTestWorkload *
ub_test_workloads_get_idle (void)
{
  return &idle;
}

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
