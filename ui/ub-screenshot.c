/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "ub-png-encode.h"
#include "ub-screenshot.h"

/*
 * Screenshots of a live widget: its GtkWidgetPaintable is snapshotted and
 * rendered with the renderer of the widget's own surface, so the picture is
 * exactly what the window shows, drawn by the same code path.
 */

/**
 * ub_screenshot_render:
 * @widget: a realized widget
 *
 * Returns: (transfer full): the widget rendered at its current size
 */
GdkTexture *
ub_screenshot_render (GtkWidget  *widget,
                      GError    **error)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  GtkSnapshot *snapshot;
  GtkNative *native;
  GskRenderer *renderer;
  int width;
  int height;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  native = gtk_widget_get_native (widget);
  renderer = native != NULL ? gtk_native_get_renderer (native) : NULL;
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);

  if (renderer == NULL || width <= 0 || height <= 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                           _("The window has not been drawn yet"));
      return NULL;
    }

  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);

  if (node == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("The window drew nothing"));
      return NULL;
    }

  return gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
}

/* In place: premultiplied B, G, R, A bytes to straight R, G, B, A. */
static void
unpremultiply_bgra (guint8 *pixels,
                    gsize   n_pixels)
{
  for (gsize i = 0; i < n_pixels; i++)
    {
      guint8 *p = pixels + 4 * i;
      guint a = p[3];
      guint8 b = p[0];
      guint8 g = p[1];
      guint8 r = p[2];

      if (a != 0 && a != 255)
        {
          r = (guint8) MIN (255u, (r * 255u + a / 2) / a);
          g = (guint8) MIN (255u, (g * 255u + a / 2) / a);
          b = (guint8) MIN (255u, (b * 255u + a / 2) / a);
        }
      p[0] = r;
      p[1] = g;
      p[2] = b;
    }
}

/**
 * ub_screenshot_save:
 * @widget: a realized widget
 * @path: where to write the PNG
 *
 * Renders @widget and writes it as a PNG to @path, atomically: either the
 * whole file is written or @path is left as it was.
 */
gboolean
ub_screenshot_save (GtkWidget   *widget,
                    const char  *path,
                    GError     **error)
{
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *display_name = NULL;
  g_autofree guint8 *pixels = NULL;
  UbPngEncodeOptions options;
  int width;
  int height;
  gsize stride;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  display_name = g_filename_display_name (path);

  if (!(texture = ub_screenshot_render (widget, error)))
    return FALSE;

  /* GDK hands out premultiplied BGRA; Unblock's own encoder takes
   * straight RGBA and writes the file atomically. */
  width = gdk_texture_get_width (texture);
  height = gdk_texture_get_height (texture);
  stride = (gsize) width * 4;
  pixels = g_malloc (stride * height);
  gdk_texture_download (texture, pixels, stride);
  unpremultiply_bgra (pixels, (gsize) width * height);

  ub_png_encode_options_init_default (&options);
  if (!ub_png_encode_file (path, pixels, width, height, stride, UB_PNG_FORMAT_RGBA8, &options,
                           NULL, &local_error))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  _("Cannot write the screenshot to “%s”: "), display_name);
      return FALSE;
    }

  return TRUE;
}

typedef struct
{
  GtkWidget     *widget;         /* (owned) */
  guint          tick_id;
  guint          frames_left;
  gint64         not_before;     /* monotonic time */
  GdkFrameClock *frame_clock;    /* (owned) (nullable) */
  gulong         after_paint_id;
} WhenPainted;

static void
when_painted_free (gpointer data)
{
  WhenPainted *state = data;

  if (state->tick_id != 0)
    gtk_widget_remove_tick_callback (state->widget, state->tick_id);
  if (state->frame_clock != NULL)
    g_clear_signal_handler (&state->after_paint_id, state->frame_clock);
  g_clear_object (&state->frame_clock);
  g_clear_object (&state->widget);
  g_free (state);
}

static void
unref_task (gpointer  data,
            GClosure *closure)
{
  g_object_unref (data);
}

static void
when_painted_after_paint (GdkFrameClock *frame_clock,
                          GTask         *task)
{
  /* Disconnecting drops the handler's reference: keep one to return. */
  g_autoptr(GTask) keep = g_object_ref (task);
  WhenPainted *state = g_task_get_task_data (task);

  g_clear_signal_handler (&state->after_paint_id, state->frame_clock);
  g_task_return_boolean (keep, TRUE);
}

static gboolean
when_painted_tick (GtkWidget     *widget,
                   GdkFrameClock *frame_clock,
                   gpointer       user_data)
{
  GTask *task = user_data;
  WhenPainted *state = g_task_get_task_data (task);

  if (g_task_return_error_if_cancelled (task))
    {
      state->tick_id = 0;
      return G_SOURCE_REMOVE;
    }

  if (state->frames_left > 0)
    state->frames_left--;

  if (state->frames_left == 0 && g_get_monotonic_time () >= state->not_before)
    {
      /* Complete after this frame is painted: during the tick a relayout
       * may be pending, and the window would then draw nothing. */
      state->tick_id = 0;
      state->after_paint_id = g_signal_connect_data (frame_clock, "after-paint",
                                                     G_CALLBACK (when_painted_after_paint),
                                                     g_object_ref (task), unref_task, 0);
      state->frame_clock = g_object_ref (frame_clock);
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

/**
 * ub_screenshot_when_painted:
 * @widget: the widget to wait for
 * @n_frames: how many frames must have been drawn
 * @min_delay_ms: and how long to wait at least
 *
 * Completes once @widget has been through @n_frames frames and at least
 * @min_delay_ms have passed: then it is safe to take a screenshot.
 */
void
ub_screenshot_when_painted (GtkWidget           *widget,
                            guint                n_frames,
                            guint                min_delay_ms,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  WhenPainted *state;

  g_return_if_fail (GTK_IS_WIDGET (widget));

  task = g_task_new (widget, cancellable, callback, user_data);
  g_task_set_source_tag (task, ub_screenshot_when_painted);

  state = g_new0 (WhenPainted, 1);
  state->widget = g_object_ref (widget);
  /* One more than asked: a tick precedes the paint of its own frame. */
  state->frames_left = n_frames + 1;
  state->not_before = g_get_monotonic_time () + min_delay_ms * G_TIME_SPAN_MILLISECOND;
  g_task_set_task_data (task, state, when_painted_free);

  state->tick_id = gtk_widget_add_tick_callback (widget, when_painted_tick,
                                                 g_object_ref (task), g_object_unref);
}

gboolean
ub_screenshot_when_painted_finish (GtkWidget     *widget,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, widget), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
