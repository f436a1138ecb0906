/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-test-gtk.h"
#include "ub-texture-paintable.h"

/*
 * UbTexturePaintable: a texture drawn from a node made once per size, with
 * the texture's own pixels (premultiplied as cairo keeps them).
 */

#define SIZE 8

/* A straight-alpha texture of SIZE × SIZE: red rising along x, alpha
 * along y. */
static GdkTexture *
make_texture (void)
{
  guchar *pixels = g_malloc (SIZE * SIZE * 4);
  g_autoptr(GBytes) bytes = NULL;

  for (int y = 0; y < SIZE; y++)
    for (int x = 0; x < SIZE; x++)
      {
        guchar *p = pixels + (y * SIZE + x) * 4;

        p[0] = (guchar) (x * 255 / (SIZE - 1));
        p[1] = 40;
        p[2] = 200;
        p[3] = (guchar) (255 - y * 16);
      }
  bytes = g_bytes_new_take (pixels, SIZE * SIZE * 4);
  return gdk_memory_texture_new (SIZE, SIZE, GDK_MEMORY_R8G8B8A8, bytes, SIZE * 4);
}

static GskRenderNode *
snapshot_at (GdkPaintable *paintable,
             double        width,
             double        height)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  return gtk_snapshot_free_to_node (snapshot);
}

static void
test_node_made_once_per_size (void)
{
  g_autoptr(GdkTexture) texture = make_texture ();
  g_autoptr(UbTexturePaintable) paintable = ub_texture_paintable_new (texture);
  GskRenderNode *nodes[3];

  g_assert_cmpint (gdk_paintable_get_intrinsic_width (GDK_PAINTABLE (paintable)), ==, SIZE);
  g_assert_cmpint (gdk_paintable_get_intrinsic_height (GDK_PAINTABLE (paintable)), ==, SIZE);
  g_assert_true (ub_texture_paintable_get_texture (paintable) == texture);

  for (guint i = 0; i < G_N_ELEMENTS (nodes); i++)
    nodes[i] = snapshot_at (GDK_PAINTABLE (paintable), SIZE, SIZE);
  g_assert_cmpuint (ub_texture_paintable_get_n_renders (paintable), ==, 1);
  /* The very same node, frame after frame. */
  g_assert_true (nodes[0] == nodes[1] && nodes[1] == nodes[2]);
  g_assert_cmpint (gsk_render_node_get_node_type (nodes[0]), ==, GSK_CAIRO_NODE);
  for (guint i = 0; i < G_N_ELEMENTS (nodes); i++)
    gsk_render_node_unref (nodes[i]);

  nodes[0] = snapshot_at (GDK_PAINTABLE (paintable), SIZE / 2, SIZE / 2);
  g_assert_cmpuint (ub_texture_paintable_get_n_renders (paintable), ==, 2);
  gsk_render_node_unref (nodes[0]);
}

static void
test_pixels_as_the_texture (void)
{
  g_autoptr(GdkTexture) texture = make_texture ();
  g_autoptr(UbTexturePaintable) paintable = ub_texture_paintable_new (texture);
  g_autofree guchar *expected = g_malloc (SIZE * SIZE * 4);
  GskRenderNode *node = snapshot_at (GDK_PAINTABLE (paintable), SIZE, SIZE);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, SIZE, SIZE);
  cairo_t *cr = cairo_create (surface);
  const guchar *drawn;
  int stride;

  gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  /* What GDK makes of the texture, in the same format. */
  gdk_texture_download (texture, expected, SIZE * 4);
  drawn = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (int y = 0; y < SIZE; y++)
    g_assert_cmpmem (drawn + y * stride, SIZE * 4, expected + y * SIZE * 4, SIZE * 4);

  cairo_surface_destroy (surface);
  gsk_render_node_unref (node);
}

int
main (int   argc,
      char *argv[])
{
  ub_test_gtk_init (&argc, &argv);

  g_test_add_func ("/texture-paintable/node-made-once-per-size", test_node_made_once_per_size);
  g_test_add_func ("/texture-paintable/pixels-as-the-texture", test_pixels_as_the_texture);
  return g_test_run ();
}
