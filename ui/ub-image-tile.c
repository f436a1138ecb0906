/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ub-image-tile.h"

/*
 * One tile of the gallery: the thumbnail, the file's name and the state of
 * its decode. A tile whose image failed shows an icon and the start of
 * the error instead of the thumbnail, and the whole error in its tooltip.
 * The tile draws itself from its UbImageItem alone and follows the item's
 * "state" while it shows it; the grid reuses tiles by handing them another
 * item.
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

  GdkTexture *texture;  /* (owned) (nullable) */
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
  gtk_snapshot_append_texture (snapshot, self->texture,
                               &GRAPHENE_RECT_INIT (floor ((width - w) / 2),
                                                    floor ((height - h) / 2), w, h));
}

static void
ub_tile_art_dispose (GObject *object)
{
  g_clear_object (&UB_TILE_ART (object)->texture);

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
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

struct _UbImageTile
{
  GtkWidget    parent_instance;

  /* Template widgets */
  GtkStack    *art;
  UbTileArt   *picture;
  GtkLabel    *error_label;
  GtkLabel    *name_label;
  GtkLabel    *status_label;

  /* Owned references */
  UbImageItem *item;
  gulong       state_handler;
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
      gtk_label_set_text (self->name_label, "");
      gtk_label_set_text (self->status_label, "");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self), NULL);
      return;
    }

  text = ub_image_item_dup_status (self->item);
  failed = ub_image_item_get_state (self->item) == UB_IMAGE_ERROR;
  ub_tile_art_set_texture (self->picture, ub_image_item_get_thumbnail (self->item));
  gtk_label_set_text (self->name_label, ub_image_item_get_name (self->item));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), text);

  if (failed)
    {
      const char *error = ub_image_item_get_error (self->item);

      gtk_label_set_text (self->error_label, error != NULL ? error : _("Unknown error"));
      gtk_stack_set_visible_child_name (self->art, "error");
      gtk_label_set_text (self->status_label, _("Could not be shown"));
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
    }
  else
    {
      gtk_stack_set_visible_child (self->art, GTK_WIDGET (self->picture));
      gtk_label_set_text (self->status_label, text);
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
    }
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
}

GtkWidget *
ub_image_tile_new (void)
{
  return g_object_new (UB_TYPE_IMAGE_TILE, NULL);
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
