/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-texture-paintable.h"

/*
 * UbTexturePaintable draws a texture from a cairo node that it makes once
 * per size drawn and appends again in every frame. GTK 4.8's cairo
 * renderer draws a texture node by downloading the texture's pixels into a
 * new cairo surface, through floats when its format is not cairo's own,
 * in every frame the node is drawn: for a screenful of thumbnails or
 * pipeline results, some megabytes converted per frame while anything in
 * the window moves. The paintable downloads its texture once, and a
 * cairo node of it is replayed as a blit (scaled once, when it is drawn at
 * another size than its own).
 *
 * Main thread only.
 */

struct _UbTexturePaintable
{
  GObject          parent_instance;

  GdkTexture      *texture;  /* (owned) */
  cairo_surface_t *surface;  /* (owned) (nullable) its pixels, downloaded once */
  GskRenderNode   *node;     /* (owned) (nullable) drawn at node_width × node_height */
  double           node_width;
  double           node_height;
  guint            n_renders;
};

static void ub_texture_paintable_paintable_init (GdkPaintableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (UbTexturePaintable, ub_texture_paintable, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE,
                                                      ub_texture_paintable_paintable_init))

static cairo_surface_t *
download (GdkTexture *texture)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                                         gdk_texture_get_width (texture),
                                                         gdk_texture_get_height (texture));

  /* GDK_MEMORY_DEFAULT, what gdk_texture_download() writes, is cairo's
   * ARGB32. */
  gdk_texture_download (texture, cairo_image_surface_get_data (surface),
                        cairo_image_surface_get_stride (surface));
  cairo_surface_mark_dirty (surface);
  return surface;
}

static GskRenderNode *
render (UbTexturePaintable *self,
        double              width,
        double              height)
{
  int texture_width = gdk_texture_get_width (self->texture);
  int texture_height = gdk_texture_get_height (self->texture);
  GskRenderNode *node = gsk_cairo_node_new (&GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_t *cr = gsk_cairo_node_get_draw_context (node);

  if (self->surface == NULL)
    self->surface = download (self->texture);
  cairo_scale (cr, width / texture_width, height / texture_height);
  cairo_set_source_surface (cr, self->surface, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_BILINEAR);
  cairo_pattern_set_extend (cairo_get_source (cr), CAIRO_EXTEND_PAD);
  cairo_rectangle (cr, 0, 0, texture_width, texture_height);
  cairo_fill (cr);
  cairo_destroy (cr);
  self->n_renders++;
  return node;
}

static void
ub_texture_paintable_snapshot (GdkPaintable *paintable,
                               GdkSnapshot  *snapshot,
                               double        width,
                               double        height)
{
  UbTexturePaintable *self = UB_TEXTURE_PAINTABLE (paintable);

  if (width <= 0 || height <= 0)
    return;
  if (self->node == NULL || width != self->node_width || height != self->node_height)
    {
      g_clear_pointer (&self->node, gsk_render_node_unref);
      self->node = render (self, width, height);
      self->node_width = width;
      self->node_height = height;
    }
  gtk_snapshot_append_node (GTK_SNAPSHOT (snapshot), self->node);
}

static int
ub_texture_paintable_get_intrinsic_width (GdkPaintable *paintable)
{
  return gdk_texture_get_width (UB_TEXTURE_PAINTABLE (paintable)->texture);
}

static int
ub_texture_paintable_get_intrinsic_height (GdkPaintable *paintable)
{
  return gdk_texture_get_height (UB_TEXTURE_PAINTABLE (paintable)->texture);
}

static GdkPaintableFlags
ub_texture_paintable_get_flags (GdkPaintable *paintable)
{
  return GDK_PAINTABLE_STATIC_SIZE | GDK_PAINTABLE_STATIC_CONTENTS;
}

static void
ub_texture_paintable_paintable_init (GdkPaintableInterface *iface)
{
  iface->snapshot = ub_texture_paintable_snapshot;
  iface->get_intrinsic_width = ub_texture_paintable_get_intrinsic_width;
  iface->get_intrinsic_height = ub_texture_paintable_get_intrinsic_height;
  iface->get_flags = ub_texture_paintable_get_flags;
}

static void
ub_texture_paintable_finalize (GObject *object)
{
  UbTexturePaintable *self = UB_TEXTURE_PAINTABLE (object);

  g_clear_pointer (&self->node, gsk_render_node_unref);
  g_clear_pointer (&self->surface, cairo_surface_destroy);
  g_clear_object (&self->texture);

  G_OBJECT_CLASS (ub_texture_paintable_parent_class)->finalize (object);
}

static void
ub_texture_paintable_class_init (UbTexturePaintableClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ub_texture_paintable_finalize;
}

static void
ub_texture_paintable_init (UbTexturePaintable *self)
{
}

/**
 * ub_texture_paintable_new:
 * @texture: the pixels to draw
 *
 * Returns: (transfer full): a paintable that draws @texture
 */
UbTexturePaintable *
ub_texture_paintable_new (GdkTexture *texture)
{
  UbTexturePaintable *self;

  g_return_val_if_fail (GDK_IS_TEXTURE (texture), NULL);

  self = g_object_new (UB_TYPE_TEXTURE_PAINTABLE, NULL);
  self->texture = g_object_ref (texture);
  return self;
}

GdkTexture *
ub_texture_paintable_get_texture (UbTexturePaintable *self)
{
  g_return_val_if_fail (UB_IS_TEXTURE_PAINTABLE (self), NULL);

  return self->texture;
}

/**
 * ub_texture_paintable_get_n_renders:
 *
 * Returns: how many times the texture was drawn into a new node: once per
 *   size it was drawn at, not once per frame
 */
guint
ub_texture_paintable_get_n_renders (UbTexturePaintable *self)
{
  g_return_val_if_fail (UB_IS_TEXTURE_PAINTABLE (self), 0);

  return self->n_renders;
}
