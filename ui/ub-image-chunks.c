/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "ub-image-chunks.h"

/*
 * UbImageChunks keeps one level of an image scaled to the zoom on screen,
 * in square chunks of UB_IMAGE_CHUNKS_SIZE device pixels, each a render
 * node made once and appended again in every frame until the zoom or the
 * level changes. The cairo renderer scales a texture node's pixels anew in
 * each frame it draws, a full-screen resampling per frame while the user
 * pans; a chunk is drawn at one screen pixel per pixel, a copy.
 *
 * A frame scales only the chunks that came into view since the last one:
 * a pan, the strip it uncovers; a zoom step, the view once. Chunks a
 * chunk's width or less out of view are kept, in case the pan comes back;
 * farther ones are let go of, so that memory stays about a screenful.
 *
 * Main thread only, owned by one canvas.
 */

struct _UbImageChunks
{
  /* What the chunks show: a zoom of one level of one image */
  UbImageLevels  *levels;        /* (unowned) only compared; cleared with the levels */
  guint           level;
  double          zoom;
  int             device_scale;

  /* The kept chunks: a window of the grid, row by row */
  int             first_column;
  int             first_row;
  int             n_columns;
  int             n_rows;
  GskRenderNode **nodes;         /* (owned) (nullable) each, n_columns × n_rows */

  guint           n_drawn;       /* by the last frame */
  guint           n_rendered;    /* scaled since the chunks were made */
};

UbImageChunks *
ub_image_chunks_new (void)
{
  return g_new0 (UbImageChunks, 1);
}

static void
clear_nodes (UbImageChunks *self)
{
  for (int i = 0; i < self->n_columns * self->n_rows; i++)
    g_clear_pointer (&self->nodes[i], gsk_render_node_unref);
  g_clear_pointer (&self->nodes, g_free);
  self->n_columns = self->n_rows = 0;
}

/**
 * ub_image_chunks_clear:
 *
 * Lets go of every chunk: call it before the levels it was drawn from are
 * freed.
 */
void
ub_image_chunks_clear (UbImageChunks *self)
{
  clear_nodes (self);
  self->levels = NULL;
  self->n_drawn = 0;
}

void
ub_image_chunks_free (UbImageChunks *self)
{
  if (self == NULL)
    return;

  clear_nodes (self);
  g_free (self);
}

/* Scales the part of @source under one chunk of the zoomed image, whose
 * size is @width × @height device pixels. */
static GskRenderNode *
render_chunk (cairo_surface_t *source,
              double           scale_x,
              double           scale_y,
              int              column,
              int              row,
              int              width,
              int              height,
              int              device_scale)
{
  int x = column * UB_IMAGE_CHUNKS_SIZE;
  int y = row * UB_IMAGE_CHUNKS_SIZE;
  int chunk_width = MIN (UB_IMAGE_CHUNKS_SIZE, width - x);
  int chunk_height = MIN (UB_IMAGE_CHUNKS_SIZE, height - y);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, chunk_width,
                                                         chunk_height);
  GskRenderNode *node;
  cairo_t *cr = cairo_create (surface);

  cairo_translate (cr, -x, -y);
  cairo_scale (cr, scale_x, scale_y);
  cairo_set_source_surface (cr, source, 0, 0);
  /* The level is never shrunk by more than half (see
   * ub_image_levels_pick()): bilinear is enough, and several times faster
   * than cairo's default filter. */
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_BILINEAR);
  cairo_pattern_set_extend (cairo_get_source (cr), CAIRO_EXTEND_PAD);
  cairo_set_operator (cr, CAIRO_OPERATOR_SOURCE);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_set_device_scale (surface, device_scale, device_scale);

  /* A cairo node that paints the chunk's pixels as they are: the cairo
   * renderer blits it, where it would convert a texture node's pixels to
   * floats and back in every frame (GTK 4.8). */
  node = gsk_cairo_node_new (&GRAPHENE_RECT_INIT ((double) x / device_scale,
                                                  (double) y / device_scale,
                                                  (double) chunk_width / device_scale,
                                                  (double) chunk_height / device_scale));
  cr = gsk_cairo_node_get_draw_context (node);
  cairo_set_source_surface (cr, surface, (double) x / device_scale, (double) y / device_scale);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return node;
}

/* The chunks from @first to @last along one axis that meet [@from, @to). */
static void
chunk_range (double  from,
             double  to,
             int     n_chunks,
             int    *first,
             int    *last)
{
  *first = CLAMP ((int) floor (from / UB_IMAGE_CHUNKS_SIZE), 0, n_chunks);
  *last = CLAMP ((int) ceil (to / UB_IMAGE_CHUNKS_SIZE) - 1, -1, n_chunks - 1);
}

/* Keeps the chunks inside the new window and lets go of the others. */
static void
move_window (UbImageChunks *self,
             int            first_column,
             int            first_row,
             int            n_columns,
             int            n_rows)
{
  GskRenderNode **nodes;

  if (first_column == self->first_column && first_row == self->first_row &&
      n_columns == self->n_columns && n_rows == self->n_rows)
    return;

  nodes = g_new0 (GskRenderNode *, MAX (n_columns * n_rows, 1));
  for (int row = 0; row < self->n_rows; row++)
    for (int column = 0; column < self->n_columns; column++)
      {
        int new_column = self->first_column + column - first_column;
        int new_row = self->first_row + row - first_row;
        GskRenderNode **node = &self->nodes[row * self->n_columns + column];

        if (new_column >= 0 && new_column < n_columns && new_row >= 0 && new_row < n_rows)
          nodes[new_row * n_columns + new_column] = g_steal_pointer (node);
      }
  clear_nodes (self);
  self->nodes = nodes;
  self->first_column = first_column;
  self->first_row = first_row;
  self->n_columns = n_columns;
  self->n_rows = n_rows;
}

/**
 * ub_image_chunks_snapshot:
 * @levels: the image
 * @level: which of its levels to scale from
 * @zoom: screen pixels per image pixel, at full resolution
 * @device_scale: device pixels per screen pixel
 * @origin_x: where the image's top left corner is in the view
 * @origin_y: likewise
 * @view_width: the view's size, in screen pixels
 * @view_height: likewise
 *
 * Appends the chunks in view to @snapshot, placed on whole device pixels,
 * and scales those it does not have yet.
 */
void
ub_image_chunks_snapshot (UbImageChunks *self,
                          GtkSnapshot   *snapshot,
                          UbImageLevels *levels,
                          guint          level,
                          double         zoom,
                          int            device_scale,
                          double         origin_x,
                          double         origin_y,
                          double         view_width,
                          double         view_height)
{
  cairo_surface_t *source = NULL;
  guint level_width, level_height;
  int width, height, n_columns, n_rows;
  int first_column, last_column, first_row, last_row;
  double x, y;

  if (self->levels != levels || self->level != level || self->zoom != zoom ||
      self->device_scale != device_scale)
    {
      clear_nodes (self);
      self->levels = levels;
      self->level = level;
      self->zoom = zoom;
      self->device_scale = device_scale;
      self->n_rendered = 0;
    }

  /* The zoomed image and where it is, in device pixels */
  width = MAX (1, (int) round (ub_image_levels_get_width (levels) * zoom * device_scale));
  height = MAX (1, (int) round (ub_image_levels_get_height (levels) * zoom * device_scale));
  x = round (origin_x * device_scale);
  y = round (origin_y * device_scale);
  ub_image_levels_get_size (levels, level, &level_width, &level_height);
  n_columns = (width + UB_IMAGE_CHUNKS_SIZE - 1) / UB_IMAGE_CHUNKS_SIZE;
  n_rows = (height + UB_IMAGE_CHUNKS_SIZE - 1) / UB_IMAGE_CHUNKS_SIZE;

  chunk_range (-x, view_width * device_scale - x, n_columns, &first_column, &last_column);
  chunk_range (-y, view_height * device_scale - y, n_rows, &first_row, &last_row);
  /* Kept: what is in view and one chunk around it */
  move_window (self, MAX (first_column - 1, 0), MAX (first_row - 1, 0),
               MAX (0, MIN (last_column + 1, n_columns - 1) - MAX (first_column - 1, 0) + 1),
               MAX (0, MIN (last_row + 1, n_rows - 1) - MAX (first_row - 1, 0) + 1));

  self->n_drawn = 0;
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x / device_scale, y / device_scale));
  for (int row = first_row; row <= last_row; row++)
    for (int column = first_column; column <= last_column; column++)
      {
        GskRenderNode **node = &self->nodes[(row - self->first_row) * self->n_columns +
                                            column - self->first_column];

        if (*node == NULL)
          {
            if (source == NULL)
              source = ub_image_levels_create_surface (levels, level);
            *node = render_chunk (source, (double) width / level_width,
                                  (double) height / level_height, column, row, width, height,
                                  device_scale);
            self->n_rendered++;
          }
        gtk_snapshot_append_node (snapshot, *node);
        self->n_drawn++;
      }
  gtk_snapshot_restore (snapshot);

  g_clear_pointer (&source, cairo_surface_destroy);
}

/* How many chunks the last frame drew. */
guint
ub_image_chunks_get_n_drawn (UbImageChunks *self)
{
  return self->n_drawn;
}

/* How many chunks were scaled since the zoom or the level last changed. */
guint
ub_image_chunks_get_n_rendered (UbImageChunks *self)
{
  return self->n_rendered;
}
