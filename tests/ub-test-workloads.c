/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "ub-data-jobs.h"
#include "ub-data-page.h"
#include "ub-images-page.h"
#include "ub-png-jobs.h"
#include "ub-page.h"
#include "ub-primes-page.h"
#include "ub-test-gtk.h"
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
  return ub_primes_page_get_notes_entry (primes_page (window));
}

/* Data: base64 encoding of a large file of random bytes. */

#define DATA_WORKER_MIB   2048
#define DATA_BLOCKING_MIB 1024

static UbDataPage *
data_page (UbWindow *window)
{
  return UB_DATA_PAGE (ub_window_get_page (window, "data"));
}

/* The page's cached random input, made here so that the measured run is
 * the base64 job alone. */
static void
ensure_random_input (guint mib)
{
  g_autofree char *name = g_strdup_printf ("random-%u-MiB.bin", mib);
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "unblock", "data", NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GVariant) result = NULL;
  g_autoptr(GError) error = NULL;

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  result = ub_job_run_sync (UB_DATA_JOB_RANDOM, g_variant_new ("(stt)", path, (guint64) mib << 20,
                                                               (guint64) 1),
                            NULL, NULL, NULL, &error);
  g_assert_no_error (error);
}

static void
data_prepare (UbWindow *window,
              gboolean  blocking)
{
  guint mib = blocking ? DATA_BLOCKING_MIB : DATA_WORKER_MIB;

  ensure_random_input (mib);
  show_page (window, "data");
  ub_data_page_set_input (data_page (window), NULL, mib, UB_DATA_MODE_BASE64_ENCODE);
}

static gboolean
data_is_running (UbWindow *window)
{
  return ub_data_page_get_state (data_page (window)) == UB_DATA_PAGE_RUNNING;
}

static gboolean
data_finished_ok (UbWindow *window)
{
  const char *output = ub_data_page_get_output_path (data_page (window));
  struct stat st;

  /* 4 characters per 3 bytes, and a newline per 76 characters. */
  return output != NULL && g_stat (output, &st) == 0 &&
         (guint64) st.st_size == ((guint64) DATA_BLOCKING_MIB << 20) / 3 * 4 + 4 +
                                 (((guint64) DATA_BLOCKING_MIB << 20) / 3 * 4 + 4 + 75) / 76;
}

static GtkWidget *
data_get_entry (UbWindow *window)
{
  return ub_data_page_get_notes_entry (data_page (window));
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

/* The desktop thumbnail cache would answer a second run without any
 * decoding: each run starts from an empty one. Entries live two levels
 * down ($XDG_CACHE_HOME/thumbnails/large/…, fail/unblock/…). */
static void
empty_thumbnail_cache (const char *path,
                       guint       depth)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (depth > 0 && g_file_test (child, G_FILE_TEST_IS_DIR))
        empty_thumbnail_cache (child, depth - 1);
      else
        g_unlink (child);
    }
}

static void
images_prepare (UbWindow *window,
                gboolean  blocking)
{
  g_autofree char *thumbnails = g_build_filename (g_get_user_cache_dir (), "thumbnails", NULL);

  empty_thumbnail_cache (thumbnails, 2);
  g_free (g_object_get_data (G_OBJECT (window), "gallery"));
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
  return ub_images_page_get_notes_entry (images_page (window));
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
    data_prepare,
    page_start,
    data_is_running,
    page_cancel,
    NULL,
    data_finished_ok,
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
