/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "ub-image-item.h"

/*
 * One image of the gallery and the state of its thumbnail. Main thread
 * only. Every change notifies "state", so a tile bound to the item can
 * redraw itself from the item alone.
 */

struct _UbImageItem
{
  GObject       parent_instance;

  char         *path;
  char         *name;
  UbImageState  state;
  char         *error;
  GdkTexture   *thumbnail;
  guint         width;
  guint         height;
};

G_DEFINE_FINAL_TYPE (UbImageItem, ub_image_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
ub_image_item_finalize (GObject *object)
{
  UbImageItem *self = UB_IMAGE_ITEM (object);

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->error, g_free);
  g_clear_object (&self->thumbnail);

  G_OBJECT_CLASS (ub_image_item_parent_class)->finalize (object);
}

static void
ub_image_item_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  UbImageItem *self = UB_IMAGE_ITEM (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ub_image_item_class_init (UbImageItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ub_image_item_finalize;
  object_class->get_property = ub_image_item_get_property;

  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, UB_IMAGE_QUEUED, UB_IMAGE_ERROR, UB_IMAGE_QUEUED,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ub_image_item_init (UbImageItem *self)
{
}

UbImageItem *
ub_image_item_new (const char *path)
{
  UbImageItem *self;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (UB_TYPE_IMAGE_ITEM, NULL);
  self->path = g_strdup (path);
  self->name = g_filename_display_basename (path);
  return self;
}

const char *
ub_image_item_get_path (UbImageItem *self)
{
  g_return_val_if_fail (UB_IS_IMAGE_ITEM (self), NULL);

  return self->path;
}

const char *
ub_image_item_get_name (UbImageItem *self)
{
  g_return_val_if_fail (UB_IS_IMAGE_ITEM (self), NULL);

  return self->name;
}

UbImageState
ub_image_item_get_state (UbImageItem *self)
{
  g_return_val_if_fail (UB_IS_IMAGE_ITEM (self), UB_IMAGE_QUEUED);

  return self->state;
}

const char *
ub_image_item_get_error (UbImageItem *self)
{
  g_return_val_if_fail (UB_IS_IMAGE_ITEM (self), NULL);

  return self->error;
}

/**
 * ub_image_item_get_thumbnail:
 *
 * Returns: (transfer none) (nullable): the thumbnail, if decoded and cached
 */
GdkTexture *
ub_image_item_get_thumbnail (UbImageItem *self)
{
  g_return_val_if_fail (UB_IS_IMAGE_ITEM (self), NULL);

  return self->thumbnail;
}

/**
 * ub_image_item_get_size:
 *
 * The full image's size, known once a thumbnail was made (else 0 × 0).
 */
void
ub_image_item_get_size (UbImageItem *self,
                        guint       *width,
                        guint       *height)
{
  g_return_if_fail (UB_IS_IMAGE_ITEM (self));

  *width = self->width;
  *height = self->height;
}

/**
 * ub_image_item_dup_status:
 *
 * Returns: (transfer full): what a tile says about the item
 */
char *
ub_image_item_dup_status (UbImageItem *self)
{
  g_return_val_if_fail (UB_IS_IMAGE_ITEM (self), NULL);

  switch (self->state)
    {
    case UB_IMAGE_QUEUED:
      return g_strdup (_("Queued"));
    case UB_IMAGE_DECODING:
      return g_strdup (_("Decoding…"));
    case UB_IMAGE_DONE:
      return g_strdup_printf ("%u × %u", self->width, self->height);
    case UB_IMAGE_ERROR:
    default:
      return g_strdup_printf (_("Error: %s"), self->error ? self->error : _("unknown"));
    }
}

static void
set_state (UbImageItem  *self,
           UbImageState  state)
{
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/* Back to the queue: never decoded, cancelled, or evicted from the cache. */
void
ub_image_item_set_queued (UbImageItem *self)
{
  g_return_if_fail (UB_IS_IMAGE_ITEM (self));

  g_clear_object (&self->thumbnail);
  set_state (self, UB_IMAGE_QUEUED);
}

void
ub_image_item_set_decoding (UbImageItem *self)
{
  g_return_if_fail (UB_IS_IMAGE_ITEM (self));

  set_state (self, UB_IMAGE_DECODING);
}

void
ub_image_item_set_thumbnail (UbImageItem *self,
                             GdkTexture  *texture,
                             guint        width,
                             guint        height)
{
  g_return_if_fail (UB_IS_IMAGE_ITEM (self));
  g_return_if_fail (GDK_IS_TEXTURE (texture));

  g_set_object (&self->thumbnail, texture);
  self->width = width;
  self->height = height;
  set_state (self, UB_IMAGE_DONE);
}

void
ub_image_item_set_error (UbImageItem *self,
                         const char  *message)
{
  g_return_if_fail (UB_IS_IMAGE_ITEM (self));

  g_free (self->error);
  self->error = g_strdup (message);
  g_clear_object (&self->thumbnail);
  set_state (self, UB_IMAGE_ERROR);
}
