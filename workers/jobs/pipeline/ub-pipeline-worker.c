/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "ub-broadcast-channel.h"
#include "ub-channel.h"
#include "ub-error.h"
#include "ub-pipeline.h"
#include "ub-pipeline-private.h"
#include "ub-worker.h"

/* Worker side -------------------------------------------------------------- */

/* The state of one pipeline worker. Lives on the worker thread's stack and
 * is touched only by that thread. */
typedef struct
{
  UbWorkerScope      *scope;
  const char         *role;          /* "decoder", "scaler" or "single" */
  GMainContext       *context;       /* (unowned) the worker's context */
  UbBroadcastChannel *control;       /* (owned) (nullable) */
  UbPort             *pipe;          /* (owned) (nullable) the other worker */
  guint               max_size;
  guint               cancelled_run; /* work of runs up to this is dropped */
  guint               in_flight;     /* decoder: frames not yet credited */
  gboolean            paused;
  gboolean            pipe_closed;
} PipeWorker;

static void
post_error (PipeWorker *w,
            UbPort     *port,
            const char *kind,
            guint       run,
            guint       index,
            const char *why)
{
  g_autoptr(GError) error = NULL;

  if (!ub_port_post (port, kind, g_variant_new ("(uus)", run, index, why), &error))
    g_debug ("Pipeline %s could not report an error: %s", w->role, error->message);
}

/* Waits, running the worker's other sources (control broadcasts, credits),
 * until the work of @run may go on. Returns FALSE if it must be dropped:
 * cancelled, terminated, or nobody left to take it. */
static gboolean
gate (PipeWorker *w,
      guint       run,
      gboolean    needs_credit)
{
  GCancellable *cancellable = ub_worker_scope_get_cancellable (w->scope);

  /* Let a pause or cancel that arrived during the last item count first. */
  while (g_main_context_iteration (w->context, FALSE))
    ;

  for (;;)
    {
      if (g_cancellable_is_cancelled (cancellable) || run <= w->cancelled_run ||
          (needs_credit && w->pipe_closed))
        return FALSE;
      if (!w->paused && (!needs_credit || w->in_flight < UB_PIPELINE_WINDOW))
        return TRUE;
      g_main_context_iteration (w->context, TRUE);
    }
}

static void
post_result (PipeWorker *w,
             guint       run,
             guint       index,
             UbPngImage *small,
             guint32     source_width,
             guint32     source_height,
             guint64     between_bytes)
{
  g_autoptr(UbMessage) message = NULL;
  g_autoptr(UbBuffer) buffer = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  guint32 width = small->width, height = small->height;

  bytes = ub_png_image_steal_bytes (small);
  buffer = ub_buffer_new_from_bytes (bytes);
  g_clear_pointer (&bytes, g_bytes_unref);

  message = ub_message_new (KIND_RESULT, g_variant_new ("(uuuuuut)", run, index, width, height,
                                                   source_width, source_height, between_bytes));
  if (!ub_port_post_message (ub_worker_scope_get_port (w->scope), message,
                             (gpointer []) { buffer, NULL }, NULL, &error))
    g_debug ("Pipeline %s could not post a result: %s", w->role, error->message);
}

/* Decoder: decode @path and transfer the pixels to the scaler. */
static void
decode_and_forward (PipeWorker *w,
                    guint       run,
                    guint       index,
                    const char *path)
{
  g_autoptr(UbPngImage) image = NULL;
  g_autoptr(UbMessage) message = NULL;
  g_autoptr(UbBuffer) buffer = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  UbPngLimits limits;
  guint32 width, height;

  if (w->pipe == NULL || !gate (w, run, TRUE))
    return;

  ub_png_limits_init_default (&limits);
  image = ub_png_decode_file (path, &limits, ub_png_pool_get_default (),
                              ub_worker_scope_get_cancellable (w->scope), NULL, NULL, &error);
  w->in_flight++;
  if (image == NULL)
    {
      post_error (w, w->pipe, KIND_SKIP, run, index, error->message);
      return;
    }

  width = image->width;
  height = image->height;
  bytes = ub_png_image_steal_bytes (g_steal_pointer (&image));
  buffer = ub_buffer_new_from_bytes (bytes);
  g_clear_pointer (&bytes, g_bytes_unref);

  message = ub_message_new (KIND_FRAME, g_variant_new ("(uuuu)", run, index, width, height));
  if (!ub_port_post_message (w->pipe, message, (gpointer []) { buffer, NULL }, NULL, &error))
    {
      w->in_flight--;
      g_debug ("Pipeline decoder could not post a frame: %s", error->message);
    }
}

/* Scaler: shrink a frame from the decoder and send the result to the owner. */
static void
scale_frame (PipeWorker *w,
             UbMessage  *message)
{
  GVariant *body = ub_message_get_body (message);
  UbPngImage frame = { 0 };
  g_autoptr(UbPngImage) small = NULL;
  guint run, index, width, height;
  UbBuffer *buffer;
  gsize size = 0;

  g_variant_get (body, "(uuuu)", &run, &index, &width, &height);
  if (ub_message_get_n_buffers (message) != 1)
    {
      post_error (w, ub_worker_scope_get_port (w->scope), KIND_ERROR, run, index,
                  _("The frame arrived without its pixels"));
      return;
    }

  buffer = ub_message_get_buffer (message, 0);
  frame.pixels = ub_buffer_get_data (buffer, &size);
  frame.width = width;
  frame.height = height;
  frame.stride = (gsize) width * 4;
  frame.size = size;
  if (frame.pixels == NULL || width == 0 || height == 0 || size != frame.stride * height)
    {
      post_error (w, ub_worker_scope_get_port (w->scope), KIND_ERROR, run, index,
                  _("The frame's pixels do not match its size"));
      return;
    }

  if (!gate (w, run, FALSE))
    return;

  small = ub_pipeline_scale (&frame, w->max_size, ub_png_pool_get_default ());
  if (small == NULL)
    {
      post_error (w, ub_worker_scope_get_port (w->scope), KIND_ERROR, run, index,
                  _("Out of memory while scaling"));
      return;
    }
  post_result (w, run, index, g_steal_pointer (&small), width, height,
               size + g_variant_get_size (body));
}

/* Single: decode and scale here. */
static void
decode_and_scale (PipeWorker *w,
                  guint       run,
                  guint       index,
                  const char *path)
{
  g_autoptr(UbPngImage) small = NULL;
  g_autoptr(GError) error = NULL;
  guint32 width = 0, height = 0;

  if (!gate (w, run, FALSE))
    return;

  small = ub_pipeline_decode_scale_file (path, w->max_size, &width, &height,
                                         ub_worker_scope_get_cancellable (w->scope), &error);
  if (small == NULL)
    post_error (w, ub_worker_scope_get_port (w->scope), KIND_ERROR, run, index, error->message);
  else
    post_result (w, run, index, g_steal_pointer (&small), width, height, 0);
}

static void
ack (PipeWorker *w,
     const char *command)
{
  g_autoptr(GError) error = NULL;

  if (!ub_broadcast_channel_post (w->control, UB_PIPELINE_ACK,
                                  g_variant_new ("(ss)", w->role, command), &error))
    g_debug ("Pipeline %s could not acknowledge: %s", w->role, error->message);
}

static void
on_control (UbBroadcastChannel *control,
            UbMessage          *message,
            PipeWorker         *w)
{
  if (ub_message_is_kind (message, UB_PIPELINE_PAUSE))
    {
      w->paused = TRUE;
      ack (w, "pause");
    }
  else if (ub_message_is_kind (message, UB_PIPELINE_RESUME))
    {
      w->paused = FALSE;
      ack (w, "resume");
    }
  else if (ub_message_is_kind (message, UB_PIPELINE_CANCEL))
    {
      w->cancelled_run = MAX (w->cancelled_run, g_variant_get_uint32 (ub_message_get_body (message)));
      ack (w, "cancel");
    }
}

static void
on_pipe_message (UbPort    *port,
                 UbMessage *message,
                 gpointer   user_data)
{
  PipeWorker *w = user_data;

  if (ub_message_is_kind (message, KIND_CREDIT))
    {
      if (w->in_flight > 0)
        w->in_flight--;
    }
  else if (ub_message_is_kind (message, KIND_FRAME))
    {
      scale_frame (w, message);
      ub_port_post (port, KIND_CREDIT, g_variant_new_uint32 (0), NULL);
    }
  else if (ub_message_is_kind (message, KIND_SKIP))
    {
      guint run, index;
      const char *why;

      g_variant_get (ub_message_get_body (message), "(uu&s)", &run, &index, &why);
      if (run > w->cancelled_run)
        post_error (w, ub_worker_scope_get_port (w->scope), KIND_ERROR, run, index, why);
      ub_port_post (port, KIND_CREDIT, g_variant_new_uint32 (0), NULL);
    }
}

static void
on_pipe_close (UbPort     *port,
               PipeWorker *w)
{
  w->pipe_closed = TRUE;
}

static void
on_worker_message (UbPort    *port,
                   UbMessage *message,
                   gpointer   user_data)
{
  PipeWorker *w = user_data;

  if (ub_message_is_kind (message, KIND_SETUP))
    {
      const char *control_name;

      g_variant_get (ub_message_get_body (message), "(&su)", &control_name, &w->max_size);
      w->max_size = MAX (w->max_size, 1);
      if (*control_name != '\0' && w->control == NULL)
        {
          w->control = ub_broadcast_channel_new (control_name);
          g_signal_connect (w->control, "message", G_CALLBACK (on_control), w);
          /* Commands posted before this instance existed never reach it:
           * the controller re-sends its state on this. */
          ack (w, "ready");
        }
      if (ub_message_get_n_ports (message) == 1 && w->pipe == NULL)
        {
          w->pipe = g_object_ref (ub_message_get_port (message, 0));
          g_signal_connect (w->pipe, "close", G_CALLBACK (on_pipe_close), w);
          ub_port_connect_message (w->pipe, on_pipe_message, w);
        }
    }
  else if (ub_message_is_kind (message, KIND_DECODE))
    {
      guint run, index;
      const char *path;

      g_variant_get (ub_message_get_body (message), "(uu&s)", &run, &index, &path);
      if (strcmp (w->role, "single") == 0)
        decode_and_scale (w, run, index, path);
      else
        decode_and_forward (w, run, index, path);
    }
}

static gboolean
pipeline_worker_entry (UbWorkerScope  *scope,
                       gpointer        user_data,
                       GError        **error)
{
  PipeWorker w = { 0 };
  UbPort *port = ub_worker_scope_get_port (scope);
  gulong handler;

  w.scope = scope;
  w.role = user_data;
  w.context = ub_worker_scope_get_context (scope);
  w.max_size = 256;

  handler = ub_port_connect_message (port, on_worker_message, &w);
  ub_worker_scope_run (scope);
  g_signal_handler_disconnect (port, handler);

  if (w.pipe != NULL)
    {
      g_signal_handlers_disconnect_by_data (w.pipe, &w);
      ub_port_close (w.pipe);
      g_clear_object (&w.pipe);
    }
  if (w.control != NULL)
    {
      g_signal_handlers_disconnect_by_data (w.control, &w);
      ub_broadcast_channel_close (w.control);
      g_clear_object (&w.control);
    }
  return TRUE;
}

/**
 * ub_pipeline_register:
 *
 * Registers the pipeline's worker kinds and message bodies. Safe to repeat.
 */
void
ub_pipeline_register (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      ub_worker_kind_register (UB_PIPELINE_DECODER_KIND, pipeline_worker_entry, (gpointer) "decoder");
      ub_worker_kind_register (UB_PIPELINE_SCALER_KIND, pipeline_worker_entry, (gpointer) "scaler");
      ub_worker_kind_register (UB_PIPELINE_SINGLE_KIND, pipeline_worker_entry, (gpointer) "single");

      ub_message_register_kind (KIND_SETUP, G_VARIANT_TYPE ("(su)"));
      ub_message_register_kind (KIND_DECODE, G_VARIANT_TYPE ("(uus)"));
      ub_message_register_kind (KIND_FRAME, G_VARIANT_TYPE ("(uuuu)"));
      ub_message_register_kind (KIND_SKIP, G_VARIANT_TYPE ("(uus)"));
      ub_message_register_kind (KIND_CREDIT, G_VARIANT_TYPE_UINT32);
      ub_message_register_kind (KIND_RESULT, G_VARIANT_TYPE ("(uuuuuut)"));
      ub_message_register_kind (KIND_ERROR, G_VARIANT_TYPE ("(uus)"));
      ub_message_register_kind (UB_PIPELINE_CANCEL, G_VARIANT_TYPE_UINT32);
      ub_message_register_kind (UB_PIPELINE_ACK, G_VARIANT_TYPE ("(ss)"));
      g_once_init_leave (&initialized, 1);
    }
}

/**
 * ub_pipeline_ack_parse:
 * @message: a message from the control channel
 * @role: (out) (optional) (transfer none): the role of the worker that
 *   answered: "decoder", "scaler" or "single"
 * @command: (out) (optional) (transfer none): the command it applied:
 *   "pause", "resume" or "cancel"
 *
 * Reads a "pipeline.ack". The strings belong to @message.
 *
 * Returns: %TRUE if @message is an acknowledgement, %FALSE (and nothing
 *   set) for any other message
 */
gboolean
ub_pipeline_ack_parse (UbMessage   *message,
                       const char **role,
                       const char **command)
{
  GVariant *body;

  g_return_val_if_fail (message != NULL, FALSE);

  body = ub_message_get_body (message);
  if (!ub_message_is_kind (message, UB_PIPELINE_ACK) || body == NULL ||
      !g_variant_is_of_type (body, G_VARIANT_TYPE ("(ss)")))
    return FALSE;

  g_variant_get (body, "(&s&s)", role, command);
  return TRUE;
}
