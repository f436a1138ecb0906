/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "ub-image-tile.h"

/*
 * One tile of the gallery: the thumbnail, the file's name and the state of
 * its decode. A tile whose image failed shows an icon and the start of
 * the error instead of the thumbnail, and the whole error in its tooltip. The tile draws itself from its UbImageItem alone and follows
 * the item's "state" while it shows it; the grid reuses tiles by handing
 * them another item.
 */

struct _UbImageTile
{
  GtkWidget    parent_instance;

  /* Template widgets */
  GtkStack    *art;
  GtkPicture  *picture;
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
      gtk_picture_set_paintable (self->picture, NULL);
      gtk_stack_set_visible_child (self->art, GTK_WIDGET (self->picture));
      gtk_label_set_text (self->name_label, "");
      gtk_label_set_text (self->status_label, "");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self), NULL);
      return;
    }

  text = ub_image_item_dup_status (self->item);
  failed = ub_image_item_get_state (self->item) == UB_IMAGE_ERROR;
  gtk_picture_set_paintable (self->picture,
                             GDK_PAINTABLE (ub_image_item_get_thumbnail (self->item)));
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
