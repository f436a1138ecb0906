/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ub-image-tile.h"
#include "ub-texture-paintable.h"

/*
 * One tile of the gallery: the thumbnail, the file's name and the state of
 * its decode. A tile whose image failed shows an icon and the start of
 * the error instead of the thumbnail, and the whole error in its tooltip.
 * The tile draws itself from its UbImageItem alone and follows the item's
 * "state" while it shows it; the grid reuses tiles by handing them another
 * item.
 *
 * The name and the state are GtkInscriptions, not labels: a label given
 * new text queues a resize, and on X11 each resize makes the window
 * compute its size with round trips to the display server; tiles get new
 * text whenever the grid binds them and whenever a decode moves on.
 *
 * The thumbnail is drawn by UbTileArt, pixel for pixel: the loader asks
 * the workers for thumbnails that fit UB_IMAGE_TILE_ART_SIZE in device
 * pixels, premultiplied, and the art places them on whole pixels, so that
 * the renderer copies each one without scaling or converting it. One made
 * for another scale factor is fitted, scaled; none is ever enlarged.
 */

#define UB_TYPE_TILE_ART (ub_tile_art_get_type ())
G_DECLARE_FINAL_TYPE (UbTileArt, ub_tile_art, UB, TILE_ART, GtkWidget)

struct _UbTileArt
{
  GtkWidget   parent_instance;

  GdkTexture         *texture;    /* (owned) (nullable) */
  UbTexturePaintable *paintable;  /* (owned) (nullable) draws it, from a node kept */
};

G_DEFINE_FINAL_TYPE (UbTileArt, ub_tile_art, GTK_TYPE_WIDGET)

static void
ub_tile_art_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  UbTileArt *self = UB_TILE_ART (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  double scale = gtk_widget_get_scale_factor (widget);
  double w, h;

  if (self->texture == NULL)
    return;

  w = gdk_texture_get_width (self->texture) / scale;
  h = gdk_texture_get_height (self->texture) / scale;
  if (w > width || h > height)
    {
      double fit = MIN (width / w, height / h);

      w *= fit;
      h *= fit;
    }
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (floor ((width - w) / 2),
                                                          floor ((height - h) / 2)));
  gdk_paintable_snapshot (GDK_PAINTABLE (self->paintable), snapshot, w, h);
  gtk_snapshot_restore (snapshot);
}

static void
ub_tile_art_dispose (GObject *object)
{
  g_clear_object (&UB_TILE_ART (object)->texture);
  g_clear_object (&UB_TILE_ART (object)->paintable);

  G_OBJECT_CLASS (ub_tile_art_parent_class)->dispose (object);
}

static void
ub_tile_art_class_init (UbTileArtClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ub_tile_art_dispose;
  GTK_WIDGET_CLASS (klass)->snapshot = ub_tile_art_snapshot;
}

static void
ub_tile_art_init (UbTileArt *self)
{
  gtk_widget_set_size_request (GTK_WIDGET (self), UB_IMAGE_TILE_ART_SIZE, UB_IMAGE_TILE_ART_SIZE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
}

static void
ub_tile_art_set_texture (UbTileArt  *self,
                         GdkTexture *texture)
{
  if (g_set_object (&self->texture, texture))
    {
      g_clear_object (&self->paintable);
      if (texture != NULL)
        self->paintable = ub_texture_paintable_new (texture);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

struct _UbImageTile
{
  GtkWidget       parent_instance;

  /* Template widgets */
  GtkStack       *art;
  UbTileArt      *picture;
  GtkLabel       *error_label;
  GtkInscription *name_label;
  GtkInscription *status_label;

  /* Owned references */
  UbImageItem    *item;
  gulong          state_handler;
};

G_DEFINE_FINAL_TYPE (UbImageTile, ub_image_tile, GTK_TYPE_WIDGET)

static void
sync_from_item (UbImageTile *self)
{
  g_autofree char *text = NULL;
  gboolean failed;

  if (self->item == NULL)
    {
      ub_tile_art_set_texture (self->picture, NULL);
      gtk_stack_set_visible_child (self->art, GTK_WIDGET (self->picture));
      gtk_inscription_set_text (self->name_label, "");
      gtk_inscription_set_text (self->status_label, "");
      return;
    }

  text = ub_image_item_dup_status (self->item);
  failed = ub_image_item_get_state (self->item) == UB_IMAGE_ERROR;
  ub_tile_art_set_texture (self->picture, ub_image_item_get_thumbnail (self->item));
  gtk_inscription_set_text (self->name_label, ub_image_item_get_name (self->item));

  if (failed)
    {
      const char *error = ub_image_item_get_error (self->item);

      gtk_label_set_text (self->error_label, error != NULL ? error : _("Unknown error"));
      gtk_stack_set_visible_child_name (self->art, "error");
      gtk_inscription_set_text (self->status_label, _("Could not be shown"));
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
    }
  else
    {
      gtk_stack_set_visible_child (self->art, GTK_WIDGET (self->picture));
      gtk_inscription_set_text (self->status_label, text);
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
    }
}

/* The tooltip is asked for when it is about to show, not set with each
 * change of state: on X11 GTK 4.8 answers gtk_widget_set_tooltip_text()
 * by looking for the pointer at once, three round trips to the display
 * server that the main thread waits for, for every tile bound while the
 * gallery fills or scrolls. */
static gboolean
on_query_tooltip (UbImageTile *self,
                  int          x,
                  int          y,
                  gboolean     keyboard_mode,
                  GtkTooltip  *tooltip)
{
  g_autofree char *text = ub_image_tile_dup_tooltip (self);

  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
ub_image_tile_dispose (GObject *object)
{
  UbImageTile *self = UB_IMAGE_TILE (object);

  ub_image_tile_set_item (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), UB_TYPE_IMAGE_TILE);

  G_OBJECT_CLASS (ub_image_tile_parent_class)->dispose (object);
}

static void
ub_image_tile_class_init (UbImageTileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ub_image_tile_dispose;

  g_type_ensure (UB_TYPE_TILE_ART);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/unblock/Unblock/ub-image-tile.ui");
  gtk_widget_class_bind_template_child (widget_class, UbImageTile, art);
  gtk_widget_class_bind_template_child (widget_class, UbImageTile, picture);
  gtk_widget_class_bind_template_child (widget_class, UbImageTile, error_label);
  gtk_widget_class_bind_template_child (widget_class, UbImageTile, name_label);
  gtk_widget_class_bind_template_child (widget_class, UbImageTile, status_label);
}

static void
ub_image_tile_init (UbImageTile *self)
{
  GtkLayoutManager *layout;

  gtk_widget_init_template (GTK_WIDGET (self));

  layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 4);

  gtk_widget_set_size_request (GTK_WIDGET (self->art), UB_IMAGE_TILE_ART_SIZE, UB_IMAGE_TILE_ART_SIZE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip), NULL);
}

GtkWidget *
ub_image_tile_new (void)
{
  return g_object_new (UB_TYPE_IMAGE_TILE, NULL);
}

/**
 * ub_image_tile_dup_tooltip:
 *
 * Returns: (transfer full) (nullable): what the tile's tooltip says: the
 *   image's size, its state or its whole error; %NULL without an item
 */
char *
ub_image_tile_dup_tooltip (UbImageTile *self)
{
  g_return_val_if_fail (UB_IS_IMAGE_TILE (self), NULL);

  return self->item != NULL ? ub_image_item_dup_status (self->item) : NULL;
}

/**
 * ub_image_tile_get_thumbnail:
 *
 * Returns: (transfer none) (nullable): the thumbnail the tile draws
 */
GdkTexture *
ub_image_tile_get_thumbnail (UbImageTile *self)
{
  g_return_val_if_fail (UB_IS_IMAGE_TILE (self), NULL);

  return self->picture->texture;
}

/**
 * ub_image_tile_get_item:
 *
 * Returns: (transfer none) (nullable): the item the tile shows
 */
UbImageItem *
ub_image_tile_get_item (UbImageTile *self)
{
  g_return_val_if_fail (UB_IS_IMAGE_TILE (self), NULL);

  return self->item;
}

/**
 * ub_image_tile_set_item:
 * @item: (nullable): the item to show, or %NULL for none
 *
 * Shows @item and follows its state until another item replaces it.
 */
void
ub_image_tile_set_item (UbImageTile *self,
                        UbImageItem *item)
{
  g_return_if_fail (UB_IS_IMAGE_TILE (self));
  g_return_if_fail (item == NULL || UB_IS_IMAGE_ITEM (item));

  if (self->item == item)
    return;

  if (self->item != NULL)
    g_clear_signal_handler (&self->state_handler, self->item);
  g_set_object (&self->item, item);
  if (item != NULL)
    self->state_handler = g_signal_connect_object (item, "notify::state",
                                                   G_CALLBACK (sync_from_item), self,
                                                   G_CONNECT_SWAPPED);
  sync_from_item (self);
}
