/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "ub-error.h"
#include "ub-port.h"
#include "ub-port-private.h"
#include "ub-runtime-private.h"
#include "ub-worker-private.h"

/**
 * UbPort:
 *
 * One end of a #UbChannel, the analogue of a web `MessagePort`.
 *
 * A port is a handle on an endpoint. The endpoint holds the port's
 * incoming queue (a #GAsyncQueue) and a reference to the peer endpoint,
 * into whose queue this port posts. Transferring a port moves the endpoint
 * (with whatever is queued in it) to a new handle and detaches the old one.
 *
 * Threads: posting (ub_port_post() and friends) is safe from several threads
 * at once. Everything else (start, receive, close, transfer) belongs to one
 * thread at a time: once started, the one whose thread-default
 * #GMainContext it delivers in. Statistics and label may be read from any
 * thread. Close a port on the thread that uses it.
 *
 * Delivery: a started port owns a #GSource at %G_PRIORITY_DEFAULT_IDLE. A
 * producer wakes it only when it has gone to sleep on an empty queue, so a
 * burst costs one wake-up; the source then drains the queue in batches for
 * at most a few milliseconds and yields, so that input and redraw always
 * get their turn.
 */

#define BATCH_SIZE 64
#define DISPATCH_BUDGET_USEC 4000

struct _UbEndpoint
{
  UbRefCount       ref_count;

  /* (owned): incoming messages, oldest first; a push takes a reference.
   * The queue's own lock (g_async_queue_lock) also protects every field
   * marked "queue lock" below. */
  GAsyncQueue     *queue;

  /* (owned) (nullable) peer_lock: the endpoint this one posts into, set at
   * creation and cleared on close. Posters on any thread take a reference
   * under peer_lock (endpoint_dup_peer()), so a close racing a post never
   * frees the peer under the poster's feet. */
  GMutex           peer_lock;
  UbEndpoint      *peer;

  /* (owned) (nullable) queue lock: the delivery source while started. */
  GSource         *source;
  /* queue lock: the source is asleep and the next push must wake it. */
  gboolean         needs_wake;
  /* (owned) (nullable) queue lock: latest-value key → queued slot message. */
  GHashTable      *latest;

  /* Set under the queue lock, read anywhere. @discarding: the port stopped
   * receiving (ub_worker_scope_close()) but may still post. */
  atomic_bool      closed;
  atomic_bool      discarding;

  /* Messages queued (or reserved by a waiting producer on a bounded
   * queue), and the largest value seen. */
  atomic_uint      depth;
  atomic_uint      high_water;
  atomic_uint      longest_dispatch;  /* µs, written by the delivering thread */
  guint            capacity;          /* immutable; 0 = unbounded */

  /* Producers waiting for room in a bounded queue sleep on space_cond
   * under space_mutex; space_waiters (atomic) tells consumers to signal.
   * A blocking receive sleeps on items_cond under the same mutex;
   * items_waiters (atomic) tells producers to signal. (GAsyncQueue's own
   * blocking pop is not used: its wait is invisible to ThreadSanitizer.) */
  GMutex           space_mutex;
  GCond            space_cond;
  atomic_uint      space_waiters;
  GCond            items_cond;
  atomic_uint      items_waiters;

  /* (atomic) counters. */
  atomic_uint_fast64_t posted;
  atomic_uint_fast64_t delivered;
  atomic_uint_fast64_t dropped;
  atomic_uint_fast64_t replaced;
  atomic_uint_fast64_t message_errors;
  atomic_uint_fast64_t wakeups;

  /* The handle that currently owns the endpoint (thread-safe weak ref). */
  GWeakRef         port;

  /* Used only by the delivering thread: messages popped by the source and
   * not yet delivered, so that a transfer or close from inside a handler
   * can put them back or drop them. */
  UbMessage       *batch[BATCH_SIZE];
  guint            batch_pos;
  guint            batch_len;
};

struct _UbPort
{
  GObject       parent_instance;

  /* (owned) (nullable): NULL once the port was transferred away. */
  UbEndpoint   *endpoint;

  /* Owner-thread state. */
  UbPortFilter  filter;
  gpointer      filter_data;
};

typedef struct
{
  GSource     source;
  UbEndpoint *ep;      /* (owned) */
} UbPortSource;

enum {
  SIGNAL_MESSAGE,
  SIGNAL_MESSAGE_ERROR,
  SIGNAL_CLOSE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];
static guint next_channel_id = 1;   /* (atomic) */

G_DEFINE_FINAL_TYPE (UbPort, ub_port, G_TYPE_OBJECT)

/* Endpoint ---------------------------------------------------------------- */

static UbEndpoint *
endpoint_new (guint  capacity,
              char  *label)
{
  UbEndpoint *ep = g_new0 (UbEndpoint, 1);

  ub_ref_count_init (&ep->ref_count);
  ep->queue = g_async_queue_new ();
  ep->capacity = capacity;
  g_mutex_init (&ep->peer_lock);
  g_mutex_init (&ep->space_mutex);
  g_cond_init (&ep->space_cond);
  g_cond_init (&ep->items_cond);
  g_weak_ref_init (&ep->port, NULL);
  _ub_runtime_add_endpoint (ep, label);
  return ep;
}

UbEndpoint *
_ub_endpoint_ref (UbEndpoint *ep)
{
  ub_ref_count_inc (&ep->ref_count);
  return ep;
}

static void
endpoint_free (UbEndpoint *ep)
{
  UbMessage *item;

  _ub_runtime_remove_endpoint (ep);

  g_assert (ep->source == NULL);
  g_assert (ep->batch_pos == ep->batch_len);

  ub_queue_lock (ep->queue);
  while ((item = g_async_queue_try_pop_unlocked (ep->queue)) != NULL)
    ub_message_unref (item);
  ub_queue_unlock (ep->queue);
  g_async_queue_unref (ep->queue);
  g_clear_pointer (&ep->peer, _ub_endpoint_unref);
  g_clear_pointer (&ep->latest, g_hash_table_unref);
  g_weak_ref_clear (&ep->port);
  g_mutex_clear (&ep->peer_lock);
  g_mutex_clear (&ep->space_mutex);
  g_cond_clear (&ep->space_cond);
  g_cond_clear (&ep->items_cond);
  g_free (ep);
}

void
_ub_endpoint_unref (UbEndpoint *ep)
{
  if (ub_ref_count_dec (&ep->ref_count))
    endpoint_free (ep);
}

/* Returns (transfer full) (nullable) the peer, safe from any thread. */
static UbEndpoint *
endpoint_dup_peer (UbEndpoint *ep)
{
  UbEndpoint *peer;

  ub_mutex_lock (&ep->peer_lock);
  peer = ep->peer != NULL ? _ub_endpoint_ref (ep->peer) : NULL;
  ub_mutex_unlock (&ep->peer_lock);
  return peer;
}

gboolean
_ub_endpoint_is_closed (UbEndpoint *ep)
{
  return atomic_load (&ep->closed);
}

void
_ub_endpoint_get_stats (UbEndpoint  *ep,
                        UbPortStats *stats)
{
  stats->posted = atomic_load_explicit (&ep->posted, memory_order_relaxed);
  stats->delivered = atomic_load_explicit (&ep->delivered, memory_order_relaxed);
  stats->dropped = atomic_load_explicit (&ep->dropped, memory_order_relaxed);
  stats->replaced = atomic_load_explicit (&ep->replaced, memory_order_relaxed);
  stats->message_errors = atomic_load_explicit (&ep->message_errors, memory_order_relaxed);
  stats->wakeups = atomic_load_explicit (&ep->wakeups, memory_order_relaxed);
  stats->queue_depth = atomic_load (&ep->depth);
  stats->high_water = atomic_load (&ep->high_water);
  stats->capacity = ep->capacity;
  stats->longest_dispatch_usec = atomic_load_explicit (&ep->longest_dispatch, memory_order_relaxed);
  stats->closed = atomic_load (&ep->closed);
}

static inline gboolean
is_counted (UbMessage *item)
{
  return item->control == UB_CONTROL_NONE || item->control == UB_CONTROL_LATEST;
}

static void
note_depth (UbEndpoint *ep,
            guint       depth)
{
  guint high = atomic_load_explicit (&ep->high_water, memory_order_relaxed);

  while (depth > high &&
         !atomic_compare_exchange_weak (&ep->high_water, &high, depth))
    ;
}

/* A counted item left the queue: release its slot, wake a waiting producer. */
static void
release_slots (UbEndpoint *ep,
               guint       n)
{
  if (n == 0)
    return;

  atomic_fetch_sub (&ep->depth, n);
  if (atomic_load (&ep->space_waiters) > 0)
    {
      ub_mutex_lock (&ep->space_mutex);
      g_cond_broadcast (&ep->space_cond);
      ub_mutex_unlock (&ep->space_mutex);
    }
}

/* Call with the queue lock held. A latest-value slot yields its payload and
 * stops being replaceable. Consumes @item, returns the message to deliver. */
static UbMessage *
unwrap_locked (UbEndpoint *ep,
               UbMessage  *item)
{
  UbMessage *payload;

  if (item->control != UB_CONTROL_LATEST)
    return item;

  payload = g_steal_pointer (&item->latest);
  g_hash_table_remove (ep->latest, item->latest_key);
  ub_message_unref (item);
  return payload;
}

/* Call with the queue lock held; consumes @item. Wakes the delivery source
 * if it sleeps: the lock keeps the source alive (the owner clears
 * ep->source under it before destroying the source), and
 * g_source_set_ready_time() is thread-safe. */
static void
push_locked (UbEndpoint *ep,
             UbMessage  *item,
             gboolean    reserved)
{
  if (is_counted (item) && !reserved)
    note_depth (ep, atomic_fetch_add (&ep->depth, 1) + 1);
  else if (reserved)
    note_depth (ep, atomic_load (&ep->depth));

  g_async_queue_push_unlocked (ep->queue, item);

  if (ep->needs_wake && ep->source != NULL)
    {
      ep->needs_wake = FALSE;
      atomic_fetch_add_explicit (&ep->wakeups, 1, memory_order_relaxed);
      g_source_set_ready_time (ep->source, 0);
    }
}

/* After a push, outside the queue lock: wake a blocked receive. */
static void
wake_receiver (UbEndpoint *ep)
{
  if (atomic_load (&ep->items_waiters) > 0)
    {
      ub_mutex_lock (&ep->space_mutex);
      g_cond_broadcast (&ep->items_cond);
      ub_mutex_unlock (&ep->space_mutex);
    }
}

/* Consumes @item. Returns FALSE if @ep is closed and the item was dropped. */
static gboolean
endpoint_push_full (UbEndpoint *ep,
                    UbMessage  *item,
                    gboolean    reserved)
{
  ub_queue_lock (ep->queue);
  if (atomic_load (&ep->closed) || atomic_load (&ep->discarding))
    {
      ub_queue_unlock (ep->queue);
      if (reserved)
        release_slots (ep, 1);
      if (item->control == UB_CONTROL_NONE)
        atomic_fetch_add_explicit (&ep->dropped, 1, memory_order_relaxed);
      ub_message_unref (item);
      return FALSE;
    }
  push_locked (ep, item, reserved);
  ub_queue_unlock (ep->queue);

  wake_receiver (ep);
  return TRUE;
}

gboolean
_ub_endpoint_push (UbEndpoint *ep,
                   UbMessage  *message)
{
  return endpoint_push_full (ep, message, FALSE);
}

static void
space_cancelled_cb (GCancellable *cancellable,
                    UbEndpoint   *ep)
{
  ub_mutex_lock (&ep->space_mutex);
  g_cond_broadcast (&ep->space_cond);
  ub_mutex_unlock (&ep->space_mutex);
}

/* Reserves room for one message in a bounded queue, waiting for it on a
 * worker thread and failing at once elsewhere. */
static gboolean
endpoint_reserve (UbEndpoint    *ep,
                  GCancellable  *cancellable,
                  GError       **error)
{
  for (;;)
    {
      guint depth = atomic_load (&ep->depth);
      gulong handler;

      if (depth < ep->capacity || atomic_load (&ep->closed))
        {
          if (atomic_compare_exchange_weak (&ep->depth, &depth, depth + 1))
            return TRUE;
          continue;
        }

      if (!_ub_thread_may_block ())
        {
          g_set_error (error, UB_ERROR, UB_ERROR_FULL,
                       "The channel is full (capacity %u)", ep->capacity);
          return FALSE;
        }

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      handler = g_cancellable_connect (cancellable, G_CALLBACK (space_cancelled_cb),
                                       _ub_endpoint_ref (ep),
                                       (GDestroyNotify) _ub_endpoint_unref);
      ub_mutex_lock (&ep->space_mutex);
      atomic_fetch_add (&ep->space_waiters, 1);
      while (atomic_load (&ep->depth) >= ep->capacity &&
             !atomic_load (&ep->closed) &&
             !g_cancellable_is_cancelled (cancellable))
        ub_cond_wait (&ep->space_cond, &ep->space_mutex);
      atomic_fetch_sub (&ep->space_waiters, 1);
      ub_mutex_unlock (&ep->space_mutex);
      g_cancellable_disconnect (cancellable, handler);
    }
}

/* Puts the undelivered rest of a batch back at the head of the queue, in
 * order, so that it travels with the endpoint. Delivering thread only. */
static void
endpoint_return_batch (UbEndpoint *ep)
{
  if (ep->batch_pos == ep->batch_len)
    return;

  ub_queue_lock (ep->queue);
  for (guint i = ep->batch_len; i > ep->batch_pos; i--)
    {
      UbMessage *item = g_steal_pointer (&ep->batch[i - 1]);

      if (is_counted (item))
        atomic_fetch_add (&ep->depth, 1);
      g_async_queue_push_front_unlocked (ep->queue, item);
    }
  ub_queue_unlock (ep->queue);
  ep->batch_pos = ep->batch_len = 0;
}

/* Drops the undelivered rest of a batch. Delivering thread only. */
static void
endpoint_drop_batch (UbEndpoint *ep)
{
  for (guint i = ep->batch_pos; i < ep->batch_len; i++)
    {
      UbMessage *item = g_steal_pointer (&ep->batch[i]);

      if (item->control == UB_CONTROL_NONE)
        atomic_fetch_add_explicit (&ep->dropped, 1, memory_order_relaxed);
      ub_message_unref (item);
    }
  ep->batch_pos = ep->batch_len = 0;
}

/* Pops up to BATCH_SIZE items into ep->batch. When the queue is empty the
 * delivery source goes to sleep until the next push. */
static guint
endpoint_fill_batch (UbEndpoint *ep)
{
  guint n = 0, counted = 0;
  UbMessage *item;

  g_assert (ep->batch_pos == ep->batch_len);

  ub_queue_lock (ep->queue);
  while (n < BATCH_SIZE &&
         (item = g_async_queue_try_pop_unlocked (ep->queue)) != NULL)
    {
      if (is_counted (item))
        counted++;
      ep->batch[n++] = unwrap_locked (ep, item);
    }
  if (n == 0)
    ep->needs_wake = TRUE;
  ub_queue_unlock (ep->queue);

  release_slots (ep, counted);
  ep->batch_pos = 0;
  ep->batch_len = n;
  return n;
}

static GSource *
endpoint_stop (UbEndpoint *ep)
{
  GSource *source;

  ub_queue_lock (ep->queue);
  source = g_steal_pointer (&ep->source);
  ep->needs_wake = FALSE;
  ub_queue_unlock (ep->queue);
  return source;
}

/* Stops everything incoming: drops what is queued and what comes later,
 * stops the delivery source, wakes whoever waits on the queue. With
 * @close the port is closed, otherwise it only discards (and may still
 * post). Returns FALSE if it was closed already. */
static gboolean
endpoint_shut_incoming (UbEndpoint *ep,
                        gboolean    close)
{
  g_autoptr(GPtrArray) drained = NULL;
  GSource *source;
  UbMessage *item;
  guint counted = 0;

  ub_queue_lock (ep->queue);
  if (atomic_load (&ep->closed))
    {
      ub_queue_unlock (ep->queue);
      return FALSE;
    }
  if (close)
    atomic_store (&ep->closed, TRUE);
  else
    atomic_store (&ep->discarding, TRUE);
  drained = g_ptr_array_new_with_free_func ((GDestroyNotify) ub_message_unref);
  while ((item = g_async_queue_try_pop_unlocked (ep->queue)) != NULL)
    {
      if (is_counted (item))
        {
          counted++;
          atomic_fetch_add_explicit (&ep->dropped, 1, memory_order_relaxed);
        }
      g_ptr_array_add (drained, item);
    }
  g_clear_pointer (&ep->latest, g_hash_table_unref);
  source = g_steal_pointer (&ep->source);
  ep->needs_wake = FALSE;
  ub_queue_unlock (ep->queue);

  /* Wake producers waiting for room and a receive waiting for items: they
   * see that the port is closed. */
  release_slots (ep, counted);
  ub_mutex_lock (&ep->space_mutex);
  g_cond_broadcast (&ep->space_cond);
  g_cond_broadcast (&ep->items_cond);
  ub_mutex_unlock (&ep->space_mutex);

  endpoint_drop_batch (ep);

  if (source != NULL)
    {
      g_source_destroy (source);
      g_source_unref (source);
    }
  return TRUE;
}

static void
endpoint_close (UbEndpoint *ep)
{
  UbEndpoint *peer;

  if (!endpoint_shut_incoming (ep, TRUE))
    return;

  /* Tell the peer, after everything this port already posted. A poster
   * that took its reference before this keeps the peer alive. */
  ub_mutex_lock (&ep->peer_lock);
  peer = g_steal_pointer (&ep->peer);
  ub_mutex_unlock (&ep->peer_lock);
  if (peer != NULL)
    {
      endpoint_push_full (peer, _ub_message_new_control (UB_CONTROL_CLOSE), FALSE);
      _ub_endpoint_unref (peer);
    }
}

/* Delivery ---------------------------------------------------------------- */

/* Delivers one item on the owner thread; consumes it. */
static void
deliver (UbEndpoint *ep,
         UbPort     *port,
         UbMessage  *item)
{
  switch (item->control)
    {
    case UB_CONTROL_WAKE:
    case UB_CONTROL_LATEST:
      break;

    case UB_CONTROL_CLOSE:
      if (!atomic_load (&ep->closed))
        g_signal_emit (port, signals[SIGNAL_CLOSE], 0);
      break;

    case UB_CONTROL_NONE:
    default:
      if (atomic_load (&ep->closed))
        {
          atomic_fetch_add_explicit (&ep->dropped, 1, memory_order_relaxed);
        }
      else if (port->filter != NULL && port->filter (port, item, port->filter_data))
        {
          atomic_fetch_add_explicit (&ep->delivered, 1, memory_order_relaxed);
        }
      else if (!_ub_message_body_is_valid (item))
        {
          atomic_fetch_add_explicit (&ep->message_errors, 1, memory_order_relaxed);
          g_signal_emit (port, signals[SIGNAL_MESSAGE_ERROR], 0, item);
        }
      else
        {
          atomic_fetch_add_explicit (&ep->delivered, 1, memory_order_relaxed);
          g_signal_emit (port, signals[SIGNAL_MESSAGE], 0, item);
        }
      break;
    }

  ub_message_unref (item);
}

static void
note_dispatch (UbEndpoint *ep,
               gint64      start)
{
  guint took = (guint) MIN (g_get_monotonic_time () - start, G_MAXUINT);

  if (took > atomic_load_explicit (&ep->longest_dispatch, memory_order_relaxed))
    atomic_store_explicit (&ep->longest_dispatch, took, memory_order_relaxed);
}

static gboolean
port_source_dispatch (GSource     *source,
                      GSourceFunc  callback,
                      gpointer     user_data)
{
  UbEndpoint *ep = ((UbPortSource *) source)->ep;
  g_autoptr(UbPort) port = g_weak_ref_get (&ep->port);
  gint64 start, deadline;

  g_source_set_ready_time (source, -1);

  if (port == NULL)
    return G_SOURCE_CONTINUE;

  start = g_get_monotonic_time ();
  deadline = start + DISPATCH_BUDGET_USEC;

  while (endpoint_fill_batch (ep) > 0)
    {
      while (ep->batch_pos < ep->batch_len)
        {
          UbMessage *item = g_steal_pointer (&ep->batch[ep->batch_pos]);

          ep->batch_pos++;
          deliver (ep, port, item);

          /* A handler may have transferred or closed the port. */
          if (port->endpoint != ep || g_source_is_destroyed (source))
            {
              note_dispatch (ep, start);
              return G_SOURCE_REMOVE;
            }
        }

      if (g_get_monotonic_time () >= deadline)
        {
          g_source_set_ready_time (source, 0);
          break;
        }
    }

  note_dispatch (ep, start);
  return G_SOURCE_CONTINUE;
}

static void
port_source_finalize (GSource *source)
{
  g_clear_pointer (&((UbPortSource *) source)->ep, _ub_endpoint_unref);
}

static GSourceFuncs port_source_funcs = {
  .dispatch = port_source_dispatch,
  .finalize = port_source_finalize,
};

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
  UbEndpoint *ep1 = endpoint_new (capacity, g_strdup_printf ("channel %u port1", id));
  UbEndpoint *ep2 = endpoint_new (capacity, g_strdup_printf ("channel %u port2", id));

  ep1->peer = _ub_endpoint_ref (ep2);
  ep2->peer = _ub_endpoint_ref (ep1);
  *port1 = port_new_for_endpoint (ep1);
  *port2 = port_new_for_endpoint (ep2);
}

UbPort *
_ub_port_new_unentangled (void)
{
  guint id = (guint) g_atomic_int_add (&next_channel_id, 1);

  return port_new_for_endpoint (endpoint_new (0, g_strdup_printf ("port %u", id)));
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
    endpoint_shut_incoming (self->endpoint, FALSE);
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
  GSource *source;
  UbPort *moved;

  g_assert (ep != NULL);

  source = endpoint_stop (ep);
  endpoint_return_batch (ep);
  if (source != NULL)
    {
      g_source_destroy (source);
      g_source_unref (source);
    }
  g_weak_ref_set (&ep->port, NULL);
  self->filter = NULL;

  moved = g_object_new (UB_TYPE_PORT, NULL);
  moved->endpoint = ep;
  g_weak_ref_set (&ep->port, moved);
  return moved;
}

static void
ub_port_dispose (GObject *object)
{
  UbPort *self = UB_PORT (object);

  /* Dropping the last reference closes the port. */
  if (self->endpoint != NULL)
    endpoint_close (self->endpoint);

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
  signals[SIGNAL_MESSAGE] =
    g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, UB_TYPE_MESSAGE | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * UbPort::messageerror:
   * @port: the port
   * @message: (transfer none): the message that could not be decoded
   *
   * A message arrived whose body does not have the type registered for its
   * kind, or is not a valid serialised #GVariant.
   */
  signals[SIGNAL_MESSAGE_ERROR] =
    g_signal_new ("messageerror", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, UB_TYPE_MESSAGE | G_SIGNAL_TYPE_STATIC_SCOPE);

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

static gboolean
check_usable (UbPort  *self,
              GError **error)
{
  if (self->endpoint == NULL)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_DETACHED,
                           "The port was transferred and can no longer be used");
      return FALSE;
    }
  if (atomic_load (&self->endpoint->closed))
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_CLOSED, "The port is closed");
      return FALSE;
    }
  return TRUE;
}

/**
 * ub_port_post_message:
 * @self: a #UbPort
 * @message: the message; its transfer list is moved
 * @cancellable: (nullable): cancels a wait for room in a bounded channel
 * @error: return location for a #GError
 *
 * Posts @message to the entangled port. Never blocks the UI thread: if the
 * channel is bounded and full, a worker thread waits for room (until
 * @cancellable fires) and any other thread gets %UB_ERROR_FULL.
 *
 * On failure nothing is sent and nothing is transferred. Posting to a port
 * whose peer has closed succeeds and the message is dropped, as on the web.
 *
 * Returns: %TRUE if the message was sent
 */
gboolean
ub_port_post_message (UbPort        *self,
                      UbMessage     *message,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(UbEndpointRef) peer = NULL;
  gboolean reserved = FALSE;
  UbMessage *sealed;

  g_return_val_if_fail (UB_IS_PORT (self), FALSE);
  g_return_val_if_fail (message != NULL, FALSE);
  g_return_val_if_fail (message->control == UB_CONTROL_NONE, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_usable (self, error))
    return FALSE;

  /* One reference, taken under the lock: a close on another thread may
   * clear ep->peer at any moment, but cannot free what this post holds. */
  peer = endpoint_dup_peer (self->endpoint);
  if (peer == NULL)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_CLOSED, "The port has no peer");
      return FALSE;
    }

  if (!_ub_message_validate_transfers (message, self, peer, error))
    return FALSE;

  if (peer->capacity > 0)
    {
      if (!endpoint_reserve (peer, cancellable, error))
        return FALSE;
      reserved = TRUE;
    }

  sealed = _ub_message_seal (message);
  atomic_fetch_add_explicit (&self->endpoint->posted, 1, memory_order_relaxed);
  endpoint_push_full (peer, sealed, reserved);
  return TRUE;
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
  g_autoptr(UbMessage) message = NULL;

  if (body != NULL)
    g_variant_ref_sink (body);

  if (!UB_IS_PORT (self) || kind == NULL)
    {
      g_clear_pointer (&body, g_variant_unref);
      g_return_val_if_fail (UB_IS_PORT (self), FALSE);
      g_return_val_if_fail (kind != NULL, FALSE);
    }

  message = ub_message_new (kind, body);
  g_clear_pointer (&body, g_variant_unref);
  return ub_port_post_message (self, message, NULL, error);
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
  UbEndpoint *ep, *to;
  UbMessage *payload, *slot, *old = NULL;

  if (body != NULL)
    g_variant_ref_sink (body);

  if (!UB_IS_PORT (self) || key == NULL || kind == NULL || !check_usable (self, error))
    {
      g_clear_pointer (&body, g_variant_unref);
      g_return_val_if_fail (UB_IS_PORT (self), FALSE);
      g_return_val_if_fail (key != NULL, FALSE);
      g_return_val_if_fail (kind != NULL, FALSE);
      return FALSE;
    }

  ep = self->endpoint;
  to = endpoint_dup_peer (ep);
  if (to == NULL)
    {
      g_clear_pointer (&body, g_variant_unref);
      g_set_error_literal (error, UB_ERROR, UB_ERROR_CLOSED, "The port has no peer");
      return FALSE;
    }

  payload = ub_message_new (kind, body);
  g_clear_pointer (&body, g_variant_unref);
  {
    /* No transfers: this seals (and serialises) the payload in place. */
    UbMessage *sealed = _ub_message_seal (payload);

    ub_message_unref (payload);
    payload = sealed;
  }
  atomic_fetch_add_explicit (&ep->posted, 1, memory_order_relaxed);

  ub_queue_lock (to->queue);
  if (atomic_load (&to->closed))
    {
      ub_queue_unlock (to->queue);
      atomic_fetch_add_explicit (&to->dropped, 1, memory_order_relaxed);
      ub_message_unref (payload);
      _ub_endpoint_unref (to);
      return TRUE;
    }

  slot = to->latest != NULL ? g_hash_table_lookup (to->latest, key) : NULL;
  if (slot != NULL)
    {
      old = g_steal_pointer (&slot->latest);
      slot->latest = payload;
      atomic_fetch_add_explicit (&to->replaced, 1, memory_order_relaxed);
    }
  else
    {
      slot = _ub_message_new_control (UB_CONTROL_LATEST);
      slot->latest = payload;
      slot->latest_key = g_strdup (key);
      if (to->latest == NULL)
        to->latest = g_hash_table_new (g_str_hash, g_str_equal);
      g_hash_table_insert (to->latest, slot->latest_key, slot);
      push_locked (to, slot, FALSE);
    }
  ub_queue_unlock (to->queue);

  g_clear_pointer (&old, ub_message_unref);
  wake_receiver (to);
  _ub_endpoint_unref (to);
  return TRUE;
}

static void
receive_cancelled_cb (GCancellable *cancellable,
                      UbEndpoint   *ep)
{
  ub_mutex_lock (&ep->space_mutex);
  g_cond_broadcast (&ep->items_cond);
  ub_mutex_unlock (&ep->space_mutex);
}

/* Waits until the queue has an item, @cancellable fires or @deadline (-1:
 * never) passes. Returns FALSE on timeout. */
static gboolean
wait_for_item (UbEndpoint   *ep,
               GCancellable *cancellable,
               gint64        deadline)
{
  gboolean in_time = TRUE;

  ub_mutex_lock (&ep->space_mutex);
  atomic_fetch_add (&ep->items_waiters, 1);
  for (;;)
    {
      gint length;

      ub_queue_lock (ep->queue);
      length = g_async_queue_length_unlocked (ep->queue);
      ub_queue_unlock (ep->queue);

      if (length > 0 || g_cancellable_is_cancelled (cancellable) ||
          atomic_load (&ep->closed) || atomic_load (&ep->discarding))
        break;
      if (deadline < 0)
        ub_cond_wait (&ep->items_cond, &ep->space_mutex);
      else if (!ub_cond_wait_until (&ep->items_cond, &ep->space_mutex, deadline))
        {
          in_time = FALSE;
          break;
        }
    }
  atomic_fetch_sub (&ep->items_waiters, 1);
  ub_mutex_unlock (&ep->space_mutex);
  return in_time;
}

/**
 * ub_port_receive:
 * @self: a #UbPort that is not started
 * @timeout_usec: how long to wait, -1 for ever, 0 not at all
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Waits for the next message, for code that has no main loop. Filters
 * installed by the runtime (remote calls) are applied on the way.
 *
 * Fails with %G_IO_ERROR_TIMED_OUT, %G_IO_ERROR_CANCELLED, %UB_ERROR_CLOSED
 * (this port or its peer closed; a `close` signal is emitted for the
 * latter), %UB_ERROR_INVALID_DATA (a `messageerror` was emitted),
 * %UB_ERROR_DETACHED, or %G_IO_ERROR_BUSY if the port is started.
 *
 * Returns: (transfer full) (nullable): the message
 */
UbMessage *
ub_port_receive (UbPort        *self,
                 gint64         timeout_usec,
                 GCancellable  *cancellable,
                 GError       **error)
{
  UbEndpoint *ep;
  gint64 deadline;
  gulong handler = 0;
  UbMessage *result = NULL;

  g_return_val_if_fail (UB_IS_PORT (self), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_usable (self, error))
    return NULL;
  ep = self->endpoint;

  if (ep->source != NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                           "The port is started and delivers through its main context");
      return NULL;
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (receive_cancelled_cb),
                                     _ub_endpoint_ref (ep),
                                     (GDestroyNotify) _ub_endpoint_unref);

  if (timeout_usec < 0)
    deadline = -1;
  else if (timeout_usec == 0)
    deadline = 0;
  else
    deadline = g_get_monotonic_time () + timeout_usec;

  while (result == NULL)
    {
      UbMessage *item;
      gboolean counted;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        break;
      if (atomic_load (&ep->closed) || atomic_load (&ep->discarding))
        {
          g_set_error_literal (error, UB_ERROR, UB_ERROR_CLOSED, "The port is closed");
          break;
        }

      ub_queue_lock (ep->queue);
      item = g_async_queue_try_pop_unlocked (ep->queue);
      counted = item != NULL && is_counted (item);
      if (counted)
        item = unwrap_locked (ep, item);
      ub_queue_unlock (ep->queue);

      if (item == NULL)
        {
          if (deadline != 0 && wait_for_item (ep, cancellable, deadline))
            continue;
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            break;
        }

      if (item == NULL)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                               "No message arrived in time");
          break;
        }

      if (counted)
        release_slots (ep, 1);

      switch (item->control)
        {
        case UB_CONTROL_WAKE:
        case UB_CONTROL_LATEST:
          break;

        case UB_CONTROL_CLOSE:
          if (!atomic_load (&ep->closed))
            {
              g_signal_emit (self, signals[SIGNAL_CLOSE], 0);
              g_set_error_literal (error, UB_ERROR, UB_ERROR_CLOSED,
                                   "The entangled port was closed");
              ub_message_unref (item);
              goto out;
            }
          break;

        case UB_CONTROL_NONE:
        default:
          if (atomic_load (&ep->closed))
            {
              atomic_fetch_add_explicit (&ep->dropped, 1, memory_order_relaxed);
            }
          else if (self->filter != NULL && self->filter (self, item, self->filter_data))
            {
              atomic_fetch_add_explicit (&ep->delivered, 1, memory_order_relaxed);
            }
          else if (!_ub_message_body_is_valid (item))
            {
              atomic_fetch_add_explicit (&ep->message_errors, 1, memory_order_relaxed);
              g_signal_emit (self, signals[SIGNAL_MESSAGE_ERROR], 0, item);
              g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                           "A message of kind “%s” could not be decoded", item->kind);
              ub_message_unref (item);
              goto out;
            }
          else
            {
              atomic_fetch_add_explicit (&ep->delivered, 1, memory_order_relaxed);
              result = g_steal_pointer (&item);
            }
          break;
        }

      g_clear_pointer (&item, ub_message_unref);
    }

out:
  g_cancellable_disconnect (cancellable, handler);
  return result;
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

  ep = self->endpoint;
  if (ep == NULL || atomic_load (&ep->closed) || atomic_load (&ep->discarding) ||
      ep->source != NULL)
    return;

  context = g_main_context_ref_thread_default ();
  source = g_source_new (&port_source_funcs, sizeof (UbPortSource));
  ((UbPortSource *) source)->ep = _ub_endpoint_ref (ep);
  g_source_set_priority (source, G_PRIORITY_DEFAULT_IDLE);
  g_source_set_static_name (source, "UbPort delivery");
  g_source_attach (source, context);

  ub_queue_lock (ep->queue);
  ep->source = source;
  ready = g_async_queue_length_unlocked (ep->queue) > 0;
  ep->needs_wake = !ready;
  ub_queue_unlock (ep->queue);

  if (ready)
    g_source_set_ready_time (source, 0);
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
    endpoint_close (self->endpoint);
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

  return self->endpoint != NULL && self->endpoint->source != NULL;
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
