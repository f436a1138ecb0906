/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "ub-images-page-private.h"
#include "ub-image-item.h"
#include "ub-page.h"

/*
 * The Images page's sample images: photo-like PNGs written in the
 * thumbnail workers (or on the main thread in blocking mode), each shown
 * as soon as it is there.
 */

#define N_SAMPLES            24
#define SAMPLE_SIZE          4096

/* Sample images */

void
_ub_images_page_clear_samples (UbImagesPage *self)
{
  ub_sample_writer_clear (&self->samples, self);
}


static int
compare_items (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  return g_utf8_collate (ub_image_item_get_path ((UbImageItem *) a),
                         ub_image_item_get_path ((UbImageItem *) b));
}

/* Shows a sample as soon as it is there, in name order, once. */
static void
add_sample (UbImagesPage *self,
            const char   *path)
{
  g_autoptr(UbImageItem) item = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->store)); i++)
    {
      g_autoptr(UbImageItem) shown = g_list_model_get_item (G_LIST_MODEL (self->store), i);

      if (g_str_equal (ub_image_item_get_path (shown), path))
        return;
    }
  item = ub_image_item_new (path);
  g_list_store_insert_sorted (self->store, item, compare_items, NULL);
}

static void
on_sample_written (UbImagesPage   *self,
                   const char     *path,
                   UbSampleWriter *samples)
{
  add_sample (self, path);
  _ub_images_page_update_status (self);
}

static void
on_samples_done (UbImagesPage   *self,
                 UbSampleWriter *samples)
{
  g_autofree char *folder = g_strdup (ub_sample_writer_get_folder (samples));

  /* Every sample is shown already: keep them, and remember the folder. */
  if (g_list_model_get_n_items (G_LIST_MODEL (self->store)) == ub_sample_writer_get_n_images (samples))
    {
      _ub_images_page_clear_samples (self);
      g_free (self->folder);
      self->folder = g_steal_pointer (&folder);
      ub_gallery_place_open (self->place, self->folder);
      _ub_images_page_update_status (self);
      return;
    }
  ub_images_page_open_folder (self, folder);
}

static void
on_samples_failed (UbImagesPage   *self,
                   const char     *message,
                   UbSampleWriter *samples)
{
  _ub_images_page_show_error (self, message);
  _ub_images_page_update_status (self);
}

void
_ub_images_page_connect_samples (UbImagesPage *self)
{
  ub_sample_writer_connect (self->samples,
                            G_CALLBACK (on_sample_written),
                            G_CALLBACK (on_samples_done),
                            G_CALLBACK (on_samples_failed),
                            self);
}

/**
 * ub_images_page_generate_samples:
 * @folder: where to write them
 * @n_images: how many
 * @size: their width and height
 *
 * Writes photo-like sample images in workers, or on the main thread in
 * blocking mode (skipping those already there), then opens the folder.
 */
void
ub_images_page_generate_samples (UbImagesPage *self,
                                 const char   *folder,
                                 guint         n_images,
                                 guint         size)
{
  g_autoptr(GPtrArray) existing = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  g_return_if_fail (UB_IS_IMAGES_PAGE (self));
  g_return_if_fail (folder != NULL);

  _ub_images_page_reset (self);
  self->samples = ub_sample_writer_new (folder, n_images, size);
  /* A run of its own, in workers of its own: the writing goes on if the
   * window closes, and the activity list shows it. */
  ub_sample_writer_set_run_key (self->samples, "images.samples");

  /* Those already there, looked for before any worker starts writing
   * (a file being written exists before it is whole). */
  for (guint i = 0; i < n_images; i++)
    {
      char *path = ub_sample_writer_dup_path (self->samples, i);

      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (existing, path);
      else
        g_free (path);
    }

  ub_sample_writer_set_blocking (self->samples, ub_page_get_blocking (UB_PAGE (self)));
  if (!ub_sample_writer_start (self->samples, NULL, &error))
    {
      _ub_images_page_show_error (self, error->message);
      _ub_images_page_clear_samples (self);
      return;
    }

  if (ub_sample_writer_get_n_left (self->samples) == 0)
    {
      on_samples_done (self, self->samples);
      return;
    }

  /* The gallery fills as the samples are written: those already there now. */
  g_list_store_remove_all (self->store);
  for (guint i = 0; i < existing->len; i++)
    add_sample (self, g_ptr_array_index (existing, i));

  _ub_images_page_connect_samples (self);
  _ub_images_page_update_status (self);
}

static char *
samples_folder (void)
{
  return g_build_filename (g_get_user_cache_dir (), "unblock", "samples", NULL);
}

void
_ub_images_page_generate_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  g_autofree char *folder = samples_folder ();

  ub_images_page_generate_samples (UB_IMAGES_PAGE (widget), folder, N_SAMPLES, SAMPLE_SIZE);
}

