/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "ub-gallery-place.h"
#include "ub-state.h"

#define STATE_GALLERY        "images.gallery"
#define SAVE_SCROLL_DELAY_MS 1000

struct _UbGalleryPlace
{
  GtkAdjustment *adjustment;       /* (owned): the gallery's vertical scroll */
  GListModel    *items;            /* (owned): what the gallery lists */
  char          *folder;           /* (nullable): the folder shown */
  guint          save_id;          /* a second after scrolling stops */
  double         restore_fraction; /* < 0: nothing to put back */
  gboolean       listing;          /* the folder is still being listed, in batches */
};

static double
scroll_fraction (UbGalleryPlace *self)
{
  double range = gtk_adjustment_get_upper (self->adjustment) -
                 gtk_adjustment_get_page_size (self->adjustment);

  return range > 0 ? gtk_adjustment_get_value (self->adjustment) / range : 0;
}

/**
 * ub_gallery_place_save:
 *
 * Saves the folder shown and how far down it is, for the next start;
 * nothing while a place is still being put back.
 */
void
ub_gallery_place_save (UbGalleryPlace *self)
{
  g_clear_handle_id (&self->save_id, g_source_remove);
  if (self->folder != NULL && self->restore_fraction < 0)
    ub_state_set (STATE_GALLERY, g_variant_new ("(sd)", self->folder, scroll_fraction (self)));
}

static gboolean
save_cb (gpointer user_data)
{
  UbGalleryPlace *self = user_data;

  self->save_id = 0;
  ub_gallery_place_save (self);
  return G_SOURCE_REMOVE;
}

static void
on_scrolled (GtkAdjustment  *adjustment,
             UbGalleryPlace *self)
{
  if (self->folder == NULL || self->restore_fraction >= 0)
    return;
  g_clear_handle_id (&self->save_id, g_source_remove);
  self->save_id = g_timeout_add (SAVE_SCROLL_DELAY_MS, save_cb, self);
}

/* Once the folder is listed and laid out, scroll to where the user was. */
static void
on_adjustment_changed (GtkAdjustment  *adjustment,
                       UbGalleryPlace *self)
{
  double range = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);

  /* Not while the listing goes on: the fraction is of the whole folder. */
  if (self->restore_fraction < 0 || self->listing || g_list_model_get_n_items (self->items) == 0 ||
      gtk_adjustment_get_upper (adjustment) <= 0)
    return;

  /* Laid out, and it all fits: nothing to scroll to. */
  if (range > 0)
    gtk_adjustment_set_value (adjustment, self->restore_fraction * range);
  self->restore_fraction = -1;
}

/**
 * ub_gallery_place_new:
 * @scroller: the gallery's scrolled window
 * @items: what the gallery lists
 *
 * Returns: (transfer full): the place, nothing shown yet
 */
UbGalleryPlace *
ub_gallery_place_new (GtkScrolledWindow *scroller,
                      GListModel        *items)
{
  UbGalleryPlace *self = g_new0 (UbGalleryPlace, 1);

  self->adjustment = g_object_ref (gtk_scrolled_window_get_vadjustment (scroller));
  self->items = g_object_ref (items);
  self->restore_fraction = -1;
  g_signal_connect (self->adjustment, "value-changed", G_CALLBACK (on_scrolled), self);
  g_signal_connect (self->adjustment, "changed", G_CALLBACK (on_adjustment_changed), self);
  return self;
}

void
ub_gallery_place_free (UbGalleryPlace *self)
{
  if (self == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->adjustment, self);
  g_clear_handle_id (&self->save_id, g_source_remove);
  g_clear_object (&self->adjustment);
  g_clear_object (&self->items);
  g_clear_pointer (&self->folder, g_free);
  g_free (self);
}

/**
 * ub_gallery_place_open:
 * @folder: (nullable): the folder the gallery shows now, or %NULL for
 *   files picked one by one
 *
 * A new folder is saved at its top, unless it is the saved one being
 * reopened where the user left it.
 */
void
ub_gallery_place_open (UbGalleryPlace *self,
                       const char     *folder)
{
  g_clear_handle_id (&self->save_id, g_source_remove);
  g_free (self->folder);
  self->folder = g_strdup (folder);
  if (folder != NULL && self->restore_fraction < 0)
    ub_state_set (STATE_GALLERY, g_variant_new ("(sd)", folder, 0.0));
}

/**
 * ub_gallery_place_set_listing:
 * @listing: whether the folder shown is still being listed
 *
 * A folder is listed in batches: its place is put back only once the
 * whole of it is there.
 */
void
ub_gallery_place_set_listing (UbGalleryPlace *self,
                              gboolean        listing)
{
  self->listing = listing;
  if (!listing)
    on_adjustment_changed (self->adjustment, self);
}

/**
 * ub_gallery_place_dup_saved:
 * @fraction: (out): how far down it was, from 0 to 1
 *
 * Returns: (transfer full) (nullable): the folder saved, if it is still
 *   a folder
 */
char *
ub_gallery_place_dup_saved (double *fraction)
{
  g_autoptr(GVariant) saved = ub_state_dup (STATE_GALLERY);
  const char *folder;

  if (saved == NULL || !g_variant_is_of_type (saved, G_VARIANT_TYPE ("(sd)")))
    return NULL;

  g_variant_get (saved, "(&sd)", &folder, fraction);
  if (!g_file_test (folder, G_FILE_TEST_IS_DIR))
    return NULL;
  *fraction = isfinite (*fraction) ? CLAMP (*fraction, 0.0, 1.0) : 0.0;
  return g_strdup (folder);
}

/**
 * ub_gallery_place_restore:
 *
 * Makes the saved place the one to put back once its folder is laid out.
 *
 * Returns: (transfer full) (nullable): the folder to open, if one was saved
 */
char *
ub_gallery_place_restore (UbGalleryPlace *self)
{
  double fraction = 0;
  char *folder = ub_gallery_place_dup_saved (&fraction);

  if (folder != NULL)
    self->restore_fraction = fraction;
  return folder;
}

/**
 * ub_gallery_place_forget:
 *
 * The user declined to reopen the saved place: it is not offered again.
 */
void
ub_gallery_place_forget (void)
{
  ub_state_remove (STATE_GALLERY);
}
