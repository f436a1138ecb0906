/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "ub-error.h"
#include "ub-port.h"
#include "ub-port-private.h"
#include "ub-port-source-private.h"
#include "ub-runtime-private.h"

/**
 * UbPort:
 *
 * One end of a #UbChannel, the analogue of a web `MessagePort`.
 *
 * A port is a handle on an endpoint. The endpoint holds the port's
 * incoming queue (a ring of messages under one lock) and a reference to
 * the peer endpoint, into whose queue this port posts. Transferring a port moves the endpoint
 * (with whatever is queued in it) to a new handle and detaches the old one.
 *
 * Threads: posting (ub_port_post() and friends) is safe from several threads
 * at once; on a full bounded channel any thread but the main one waits for
 * room. Everything else (start, receive, close, transfer) belongs to one
 * thread at a time: once started, or while an async receive is pending,
 * the one whose thread-default #GMainContext it delivers in. Statistics
 * and label may be read from any thread. Close a port on the thread that
 * uses it.
 *
 * Delivery: a started port owns a #GSource at GTK's redraw priority
 * (%G_PRIORITY_HIGH_IDLE + 20), below input. A producer wakes it only when
 * it has gone to sleep on an empty queue, so a burst costs one wake-up;
 * the source then drains the queue in batches for at most a few
 * milliseconds and yields, so that input and redraw always get their
 * turn, and a window that redraws every frame never holds messages back.
 */

enum {
  SIGNAL_MESSAGE,
  SIGNAL_MESSAGE_ERROR,
  SIGNAL_CLOSE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];
static guint next_channel_id = 1;   /* (atomic) */

G_DEFINE_FINAL_TYPE (UbPort, ub_port, G_TYPE_OBJECT)

/* Delivery ---------------------------------------------------------------- */

/**
 * _ub_port_deliver:
 * @self: the port that owns the endpoint the item came from
 * @item: (transfer full): an item popped from its queue
 * @out: (out) (optional) (nullable): for a receive, where the message goes
 *   instead of being emitted
 * @error: set for %UB_DELIVERY_CLOSE and %UB_DELIVERY_ERROR
 *
 * Hands one item to the port's owner, on the owner thread: the delivery
 * source emits the signals; a receive gets the message back.
 *
 * Returns: what became of the item
 */
UbDelivery
_ub_port_deliver (UbPort     *self,
                  UbMessage  *item,
                  UbMessage **out,
                  GError    **error)
{
  g_autoptr(UbMessage) owned = item;
  UbEndpoint *ep = self->endpoint;

  switch (item->control)
    {
    case UB_CONTROL_WAKE:
    case UB_CONTROL_LATEST:
      return UB_DELIVERY_NONE;

    case UB_CONTROL_CLOSE:
      if (atomic_load (&ep->closed))
        return UB_DELIVERY_NONE;
      g_signal_emit (self, signals[SIGNAL_CLOSE], 0);
      g_set_error_literal (error, UB_ERROR, UB_ERROR_CLOSED, _("The entangled port was closed"));
      return UB_DELIVERY_CLOSE;

    case UB_CONTROL_NONE:
    default:
      if (atomic_load (&ep->closed))
        {
          _ub_endpoint_count (&ep->dropped);
          return UB_DELIVERY_NONE;
        }
      if (self->filter != NULL && self->filter (self, item, self->filter_data))
        {
          _ub_endpoint_count (&ep->delivered);
          return UB_DELIVERY_NONE;
        }
      if (!_ub_message_body_is_valid (item))
        {
          _ub_endpoint_count (&ep->message_errors);
          g_signal_emit (self, signals[SIGNAL_MESSAGE_ERROR], 0, item);
          g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                       _("A message of kind “%s” could not be decoded"), item->kind);
          return UB_DELIVERY_ERROR;
        }
      _ub_endpoint_count (&ep->delivered);
      /* A signal, not a direct call of the handler ub_port_connect_message()
       * connected, even when it is the only one: the emission costs about
       * 680 instructions of a flood message's 1600 to deliver (GLib already
       * takes its short way for one handler, with no GValues and no
       * libffi), but knowing that exactly one unblocked handler is
       * connected means asking GObject under its global signal lock,
       * and a handler kept aside would miss g_signal_handler_block() and
       * disconnect, which callers use on the id they were given. */
      if (out != NULL)
        *out = g_steal_pointer (&owned);
      else
        g_signal_emit (self, signals[SIGNAL_MESSAGE], 0, item);
      return UB_DELIVERY_MESSAGE;
    }
}

/* Port -------------------------------------------------------------------- */

static UbPort *
port_new_for_endpoint (UbEndpoint *ep)
{
  UbPort *self = g_object_new (UB_TYPE_PORT, NULL);

  self->endpoint = ep;
  g_weak_ref_set (&ep->port, self);
  return self;
}

void
_ub_port_new_pair (guint    capacity,
                   UbPort **port1,
                   UbPort **port2)
{
  guint id = (guint) g_atomic_int_add (&next_channel_id, 1);
  UbEndpoint *ep1 = _ub_endpoint_new (capacity, g_strdup_printf ("channel %u port1", id));
  UbEndpoint *ep2 = _ub_endpoint_new (capacity, g_strdup_printf ("channel %u port2", id));

  _ub_endpoint_entangle (ep1, ep2);
  *port1 = port_new_for_endpoint (ep1);
  *port2 = port_new_for_endpoint (ep2);
}

UbPort *
_ub_port_new_unentangled (void)
{
  guint id = (guint) g_atomic_int_add (&next_channel_id, 1);

  return port_new_for_endpoint (_ub_endpoint_new (0, g_strdup_printf ("port %u", id)));
}

gboolean
_ub_port_has_endpoint (UbPort     *self,
                       UbEndpoint *ep)
{
  return self->endpoint != NULL && self->endpoint == ep;
}

UbEndpoint *
_ub_port_ref_endpoint (UbPort *self)
{
  return self->endpoint != NULL ? _ub_endpoint_ref (self->endpoint) : NULL;
}

/* Stops receiving but keeps posting: what comes in is dropped from now on.
 * The owner thread only; ub_port_close() finishes the job. */
void
_ub_port_close_receive (UbPort *self)
{
  if (self->endpoint != NULL)
    _ub_endpoint_shut_incoming (self->endpoint, FALSE);
  _ub_port_fail_receive (self, UB_ERROR, UB_ERROR_CLOSED, _("The port is closed"));
}

void
_ub_port_set_filter (UbPort       *self,
                     UbPortFilter  filter,
                     gpointer      user_data)
{
  self->filter = filter;
  self->filter_data = user_data;
}

/* Moves the endpoint to a new handle; @self is left detached. */
UbPort *
_ub_port_transfer (UbPort *self)
{
  UbEndpoint *ep = g_steal_pointer (&self->endpoint);

  g_assert (ep != NULL);

  _ub_endpoint_detach (ep);
  self->filter = NULL;
  _ub_port_fail_receive (self, UB_ERROR, UB_ERROR_DETACHED, _("The port was transferred"));
  return port_new_for_endpoint (ep);
}

static void
ub_port_dispose (GObject *object)
{
  UbPort *self = UB_PORT (object);

  /* Dropping the last reference closes the port. */
  if (self->endpoint != NULL)
    _ub_endpoint_close (self->endpoint);

  G_OBJECT_CLASS (ub_port_parent_class)->dispose (object);
}

static void
ub_port_finalize (GObject *object)
{
  UbPort *self = UB_PORT (object);

  g_clear_pointer (&self->endpoint, _ub_endpoint_unref);

  G_OBJECT_CLASS (ub_port_parent_class)->finalize (object);
}

static void
ub_port_class_init (UbPortClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ub_port_dispose;
  object_class->finalize = ub_port_finalize;

  /**
   * UbPort::message:
   * @port: the port
   * @message: (transfer none): the message
   *
   * A message arrived. Emitted in the context the port was started in.
   */
  signals[SIGNAL_MESSAGE] = _ub_message_signal_new ("message", G_TYPE_FROM_CLASS (klass));

  /**
   * UbPort::messageerror:
   * @port: the port
   * @message: (transfer none): the message that could not be decoded
   *
   * A message arrived whose body does not have the type registered for its
   * kind, or is not a valid serialised #GVariant.
   */
  signals[SIGNAL_MESSAGE_ERROR] = _ub_message_signal_new ("messageerror", G_TYPE_FROM_CLASS (klass));

  /**
   * UbPort::close:
   * @port: the port
   *
   * The entangled port was closed. Emitted once, after every message that
   * port posted before closing.
   */
  signals[SIGNAL_CLOSE] =
    g_signal_new ("close", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
ub_port_init (UbPort *self)
{
}

/* The slow half of _ub_port_check_usable(): says why the port is not
 * usable (or, if it became usable meanwhile, that it is). */
gboolean
_ub_port_fail_unusable (UbPort  *self,
                        GError **error)
{
  if (self->endpoint == NULL)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_DETACHED,
                           _("The port was transferred and can no longer be used"));
      return FALSE;
    }
  if (atomic_load (&self->endpoint->closed))
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_CLOSED, _("The port is closed"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
no_peer (GError **error)
{
  g_set_error_literal (error, UB_ERROR, UB_ERROR_CLOSED, _("The port has no peer"));
  return FALSE;
}

/* Posts @message (consumed), moving what @transfer names. Only the
 * runtime's own posts (@runtime) may use a reserved kind. */
static gboolean
port_post (UbPort        *self,
           UbMessage     *message,
           gpointer      *transfer,
           GCancellable  *cancellable,
           gboolean       runtime,
           GError       **error)
{
  g_autoptr(UbMessage) owned = message;
  g_autoptr(UbEndpointRef) peer = NULL;
  gboolean reserved = FALSE;

  if (!_ub_port_check_usable (self, error))
    return FALSE;
  if (!runtime && !_ub_message_check_kind (message, error))
    return FALSE;

  /* The common post, without transfers into an unbounded channel: the
   * message itself is queued (it never changes once made), pushed under
   * the peer lock with no reference taken on the peer. */
  if (transfer == NULL || transfer[0] == NULL)
    {
      _ub_message_serialise (message);
      switch (_ub_endpoint_post_to_peer (self->endpoint, &owned))
        {
        case UB_POST_SENT:
          return TRUE;
        case UB_POST_NO_PEER:
          return no_peer (error);
        case UB_POST_BOUNDED:
        default:
          break;
        }
    }

  /* Transfers, or room to wait for: one reference, taken under the lock,
   * since a close on another thread may clear ep->peer at any moment. */
  peer = _ub_endpoint_dup_peer (self->endpoint);
  if (peer == NULL)
    return no_peer (error);

  if (!_ub_message_validate_transfers (transfer, self, peer, error))
    return FALSE;

  if (peer->capacity > 0)
    {
      if (!_ub_endpoint_reserve (peer, cancellable, error))
        return FALSE;
      reserved = TRUE;
    }

  _ub_endpoint_post_reserved (self->endpoint, peer, _ub_message_seal (message, transfer),
                              reserved);
  return TRUE;
}

static gboolean
port_post_body (UbPort      *self,
                const char  *kind,
                GVariant    *body,
                gboolean     runtime,
                GError     **error)
{
  if (body != NULL)
    g_variant_ref_sink (body);

  if (!UB_IS_PORT (self) || kind == NULL)
    {
      g_clear_pointer (&body, g_variant_unref);
      g_return_val_if_fail (UB_IS_PORT (self), FALSE);
      g_return_val_if_fail (kind != NULL, FALSE);
    }

  return port_post (self, _ub_message_new_take (kind, g_steal_pointer (&body)),
                    NULL, NULL, runtime, error);
}

/**
 * ub_port_post_message:
 * @self: a #UbPort
 * @message: the message
 * @transfer: (array zero-terminated=1) (nullable) (element-type GObject):
 *   the #UbBuffer and #UbPort objects to move with it
 * @cancellable: (nullable): cancels a wait for room in a bounded channel
 * @error: return location for a #GError
 *
 * Posts @message to the entangled port, the analogue of the web's
 * `postMessage (message, transfer)`. Never blocks the main thread: if the
 * channel is bounded and full, any other thread waits for room (until
 * @cancellable fires) and the main thread gets %UB_ERROR_FULL.
 *
 * The objects in @transfer move: the receiver's message carries new
 * handles on them (ub_message_get_buffer(), ub_message_get_port()), and
 * the ones in @transfer are left detached. @message itself does not
 * change and may be posted again.
 *
 * Fails with %UB_ERROR_RESERVED_KIND for a kind starting `ub.`, and with
 * %UB_ERROR_DATA_CLONE for a transfer list that cannot be moved (this
 * port or its peer, an object twice or already transferred, an object
 * that is neither a buffer nor a port). On failure nothing is sent and
 * nothing is transferred. Posting to a port whose peer has closed
 * succeeds and the message is dropped, as on the web.
 *
 * Returns: %TRUE if the message was sent
 */
gboolean
ub_port_post_message (UbPort        *self,
                      UbMessage     *message,
                      gpointer      *transfer,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_return_val_if_fail (UB_IS_PORT (self), FALSE);
  g_return_val_if_fail (message != NULL, FALSE);
  g_return_val_if_fail (message->control == UB_CONTROL_NONE, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return port_post (self, ub_message_ref (message), transfer, cancellable, FALSE, error);
}

/**
 * ub_port_post:
 * @self: a #UbPort
 * @kind: the message kind
 * @body: (nullable): the body; a floating reference is sunk
 * @error: return location for a #GError
 *
 * Posts a message without transfers; see ub_port_post_message().
 *
 * Returns: %TRUE if the message was sent
 */
gboolean
ub_port_post (UbPort      *self,
              const char  *kind,
              GVariant    *body,
              GError     **error)
{
  return port_post_body (self, kind, body, FALSE, error);
}

/**
 * ub_port_post_bytes:
 * @self: a #UbPort
 * @kind: the message kind
 * @data: (nullable): the body, a block of bytes; a reference is taken
 * @error: return location for a #GError
 *
 * Posts a bytes message (see ub_message_new_bytes()) without transfers:
 * the receiver reads @data with ub_message_get_data(). Nothing is copied
 * or serialised, so this is the cheapest post of a block of bytes; it
 * fails, succeeds and waits as ub_port_post_message() does.
 *
 * Returns: %TRUE if the message was sent
 */
gboolean
ub_port_post_bytes (UbPort      *self,
                    const char  *kind,
                    GBytes      *data,
                    GError     **error)
{
  g_return_val_if_fail (UB_IS_PORT (self), FALSE);
  g_return_val_if_fail (kind != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return port_post (self, _ub_message_new_take_bytes (kind, data != NULL ? g_bytes_ref (data) : NULL),
                    NULL, NULL, FALSE, error);
}

/* The runtime's own posts (remote calls, worker errors), of reserved kinds. */
gboolean
_ub_port_post_runtime (UbPort      *self,
                       const char  *kind,
                       GVariant    *body,
                       GError     **error)
{
  return port_post_body (self, kind, body, TRUE, error);
}

static gboolean
port_post_latest (UbPort      *self,
                  const char  *key,
                  const char  *kind,
                  GVariant    *body,
                  gboolean     runtime,
                  GError     **error)
{
  g_autoptr(UbMessage) payload = NULL;

  if (body != NULL)
    g_variant_ref_sink (body);

  if (!UB_IS_PORT (self) || key == NULL || kind == NULL)
    {
      g_clear_pointer (&body, g_variant_unref);
      g_return_val_if_fail (UB_IS_PORT (self), FALSE);
      g_return_val_if_fail (key != NULL, FALSE);
      g_return_val_if_fail (kind != NULL, FALSE);
    }

  payload = _ub_message_new_take (kind, g_steal_pointer (&body));

  if (!_ub_port_check_usable (self, error))
    return FALSE;
  if (!runtime && !_ub_message_check_kind (payload, error))
    return FALSE;

  _ub_message_serialise (payload);
  if (!_ub_endpoint_post_latest_to_peer (self->endpoint, key, g_steal_pointer (&payload)))
    return no_peer (error);
  return TRUE;
}

/**
 * ub_port_post_latest:
 * @self: a #UbPort
 * @key: what the value is the latest of, e.g. "progress"
 * @kind: the message kind
 * @body: (nullable): the body; a floating reference is sunk
 * @error: return location for a #GError
 *
 * Posts a latest-value message: if a message posted with the same @key is
 * still undelivered, it is replaced in place (keeping its position in the
 * queue) instead of queueing another one. Progress reports use this, so
 * they can never flood a port. A latest-value post never waits for room in
 * a bounded channel: there is at most one per key in the queue.
 *
 * Returns: %TRUE if the message was sent or replaced a queued one
 */
gboolean
ub_port_post_latest (UbPort      *self,
                     const char  *key,
                     const char  *kind,
                     GVariant    *body,
                     GError     **error)
{
  return port_post_latest (self, key, kind, body, FALSE, error);
}

/* The runtime's own latest-value posts (remote progress). */
gboolean
_ub_port_post_latest_runtime (UbPort      *self,
                              const char  *key,
                              const char  *kind,
                              GVariant    *body,
                              GError     **error)
{
  return port_post_latest (self, key, kind, body, TRUE, error);
}

/**
 * ub_port_start:
 * @self: a #UbPort
 *
 * Starts delivery: the port attaches to the calling thread's thread-default
 * #GMainContext and emits #UbPort::message there, and only there, for the
 * queued messages and all that follow. Starting twice does nothing; a
 * closed or detached port cannot start.
 */
void
ub_port_start (UbPort *self)
{
  g_autoptr(GMainContext) context = NULL;
  UbEndpoint *ep;
  GSource *source;
  gboolean ready;

  g_return_if_fail (UB_IS_PORT (self));

  g_return_if_fail (self->receive == NULL);

  ep = self->endpoint;
  if (ep == NULL || atomic_load (&ep->closed) || atomic_load (&ep->discarding) ||
      ep->source != NULL)
    return;

  context = g_main_context_ref_thread_default ();
  source = _ub_port_source_new (ep);
  g_source_attach (source, context);
  ready = _ub_endpoint_attach_source (ep, source);
  if (ready)
    g_source_set_ready_time (source, 0);
  g_source_unref (source);
}

/**
 * ub_port_connect_message:
 * @self: a #UbPort
 * @func: (scope notified): the handler
 * @user_data: closure data
 *
 * Connects @func to #UbPort::message and starts the port, like assigning
 * `onmessage` on the web. (Connecting with g_signal_connect() alone does not
 * start it, like `addEventListener`.)
 *
 * Returns: the signal handler id
 */
gulong
ub_port_connect_message (UbPort            *self,
                         UbPortMessageFunc  func,
                         gpointer           user_data)
{
  gulong id;

  g_return_val_if_fail (UB_IS_PORT (self), 0);
  g_return_val_if_fail (func != NULL, 0);

  id = g_signal_connect (self, "message", G_CALLBACK (func), user_data);
  ub_port_start (self);
  return id;
}

/**
 * ub_port_close:
 * @self: a #UbPort
 *
 * Closes the port: nothing more is delivered to it or sent from it, what
 * the peer posted and is still queued here is dropped, and the peer gets
 * one `close` signal after the messages this port posted before. Closing
 * twice, or closing a detached port, does nothing.
 */
void
ub_port_close (UbPort *self)
{
  g_return_if_fail (UB_IS_PORT (self));

  if (self->endpoint != NULL)
    _ub_endpoint_close (self->endpoint);
  /* After the close: a callback that runs at once finds the port closed. */
  _ub_port_fail_receive (self, UB_ERROR, UB_ERROR_CLOSED, _("The port is closed"));
}

/**
 * ub_port_is_started:
 * @self: a #UbPort
 *
 * Returns: whether the port delivers through a main context
 */
gboolean
ub_port_is_started (UbPort *self)
{
  g_return_val_if_fail (UB_IS_PORT (self), FALSE);

  return self->endpoint != NULL && self->endpoint->source != NULL && self->receive == NULL;
}

/**
 * ub_port_is_closed:
 * @self: a #UbPort
 *
 * Returns: whether the port is closed
 */
gboolean
ub_port_is_closed (UbPort *self)
{
  g_return_val_if_fail (UB_IS_PORT (self), TRUE);

  return self->endpoint != NULL && atomic_load (&self->endpoint->closed);
}

/**
 * ub_port_is_detached:
 * @self: a #UbPort
 *
 * Returns: whether the port was transferred away
 */
gboolean
ub_port_is_detached (UbPort *self)
{
  g_return_val_if_fail (UB_IS_PORT (self), TRUE);

  return self->endpoint == NULL;
}

/**
 * ub_port_get_stats:
 * @self: a #UbPort
 * @stats: (out caller-allocates): where to store the counters
 *
 * Reads the port's counters. Safe from any thread while the caller holds a
 * reference.
 *
 * Returns: %FALSE (and zeroes @stats) if the port is detached
 */
gboolean
ub_port_get_stats (UbPort      *self,
                   UbPortStats *stats)
{
  UbEndpoint *ep;

  g_return_val_if_fail (stats != NULL, FALSE);
  memset (stats, 0, sizeof *stats);
  g_return_val_if_fail (UB_IS_PORT (self), FALSE);

  ep = g_atomic_pointer_get (&self->endpoint);
  if (ep == NULL)
    return FALSE;
  _ub_endpoint_get_stats (ep, stats);
  return TRUE;
}

/**
 * ub_port_dup_label:
 * @self: a #UbPort
 *
 * Returns: (transfer full) (nullable): the human-readable label, or %NULL if
 *   the port is detached
 */
char *
ub_port_dup_label (UbPort *self)
{
  g_return_val_if_fail (UB_IS_PORT (self), NULL);

  return self->endpoint != NULL ? _ub_runtime_dup_endpoint_label (self->endpoint) : NULL;
}

/**
 * ub_port_set_label:
 * @self: a #UbPort
 * @label: a human-readable label, shown in the runtime snapshot
 */
void
ub_port_set_label (UbPort     *self,
                   const char *label)
{
  g_return_if_fail (UB_IS_PORT (self));
  g_return_if_fail (label != NULL);

  if (self->endpoint != NULL)
    _ub_runtime_set_endpoint_label (self->endpoint, label);
}
