/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <unistd.h>
#ifdef HAVE_EVENTFD
# include <sys/eventfd.h>
#endif

#include <glib/gi18n-lib.h>

#include "ub-endpoint-private.h"
#include "ub-error.h"
#include "ub-runtime-private.h"

/*
 * An endpoint is the queue behind a port: what was posted to the port and
 * not yet delivered, oldest first, and the endpoint of the peer it posts
 * into. Producers on any thread push; the thread that owns the port pops,
 * through its delivery source (ub-port-source.c) or a blocking receive.
 *
 * A bounded endpoint counts its depth: a producer reserves a place before
 * it pushes and waits for one (or fails) when there is none. A
 * latest-value slot holds one place however often its payload is
 * replaced. The counters are atomics, readable from any thread.
 */

UbEndpoint *
_ub_endpoint_new (guint  capacity,
                  char  *label)
{
  UbEndpoint *ep = g_new0 (UbEndpoint, 1);

  ub_ref_count_init (&ep->ref_count);
  g_mutex_init (&ep->queue_lock);
  ep->capacity = capacity;
  g_mutex_init (&ep->peer_lock);
  g_mutex_init (&ep->space_mutex);
  g_cond_init (&ep->space_cond);
  g_cond_init (&ep->items_cond);
  g_weak_ref_init (&ep->port, NULL);
  ep->wake_fd = -1;
  atomic_init (&ep->owner, _ub_runtime_get_thread_worker ());
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

  ub_mutex_lock (&ep->queue_lock);
  while ((item = ub_ring_pop_head (&ep->queue)) != NULL)
    ub_message_unref (item);
  ub_ring_clear (&ep->queue);
  ub_mutex_unlock (&ep->queue_lock);
  g_mutex_clear (&ep->queue_lock);
  if (ep->wake_fd >= 0)
    close (ep->wake_fd);
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

/* Makes two new endpoints post into each other. */
void
_ub_endpoint_entangle (UbEndpoint *ep1,
                       UbEndpoint *ep2)
{
  g_assert (ep1->peer == NULL && ep2->peer == NULL);

  ep1->peer = _ub_endpoint_ref (ep2);
  ep2->peer = _ub_endpoint_ref (ep1);
  _ub_runtime_note_entangled (ep1, ep2);
}

/* Returns (transfer full) (nullable) the peer, safe from any thread. */
UbEndpoint *
_ub_endpoint_dup_peer (UbEndpoint *ep)
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

guint
_ub_endpoint_get_owner (UbEndpoint *ep)
{
  return atomic_load_explicit (&ep->owner, memory_order_relaxed);
}

/* The calling thread receives on @ep from now on: a port that was
 * transferred, or handed to a worker thread, changes hands here. */
void
_ub_endpoint_note_owner (UbEndpoint *ep)
{
  guint owner = _ub_runtime_get_thread_worker ();

  if (atomic_load_explicit (&ep->owner, memory_order_relaxed) != owner)
    atomic_store_explicit (&ep->owner, owner, memory_order_relaxed);
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

/* Call with the queue lock held; consumes @item. If the delivery source
 * sleeps, returns the eventfd to write once the lock is released (see
 * wake_source()), or wakes the source through its ready time where there
 * is no eventfd: the lock keeps the source alive (the owner clears
 * ep->source under it before destroying the source). */
static int
push_locked (UbEndpoint *ep,
             UbMessage  *item,
             gboolean    reserved)
{
  if (is_counted (item) && !reserved)
    note_depth (ep, atomic_fetch_add (&ep->depth, 1) + 1);
  else if (reserved)
    note_depth (ep, atomic_load (&ep->depth));

  ub_ring_push_tail (&ep->queue, item);

  if (!ep->needs_wake || ep->source == NULL)
    return -1;

  ep->needs_wake = FALSE;
  atomic_fetch_add_explicit (&ep->wakeups, 1, memory_order_relaxed);
  if (ep->wake_fd >= 0)
    return ep->wake_fd;
  g_source_set_ready_time (ep->source, 0);
  return -1;
}

/* After a push that found the delivery source asleep, outside the queue
 * lock: the woken thread's first step is to take that lock, and finding
 * it held would cost it one more sleep and wake-up. The caller keeps the
 * endpoint alive, and with it the descriptor. A spurious wake-up (the
 * source already drained the item) only costs an empty dispatch. */
static void
wake_source (int fd)
{
  uint64_t one = 1;
  ssize_t written;

  if (fd < 0)
    return;
  /* EAGAIN would mean a counter near 2^64: it is readable already. */
  do
    written = write (fd, &one, sizeof one);
  while (written < 0 && errno == EINTR);
}

/* Returns the eventfd the delivery source polls (-1: none, the source
 * wakes through its ready time), made on first use. The owner thread. */
int
_ub_endpoint_get_wake_fd (UbEndpoint *ep)
{
#ifdef HAVE_EVENTFD
  ub_mutex_lock (&ep->queue_lock);
  if (ep->wake_fd < 0)
    ep->wake_fd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
  ub_mutex_unlock (&ep->queue_lock);
#endif
  return ep->wake_fd;
}

/* Resets the eventfd. The delivering thread, before it looks at the
 * queue: a push after that look writes it again, so no wake-up is lost. */
void
_ub_endpoint_clear_wake (UbEndpoint *ep)
{
  uint64_t count;
  ssize_t got;

  do
    got = read (ep->wake_fd, &count, sizeof count);
  while (got < 0 && errno == EINTR);
}

/* After a push, outside the queue lock: wake a blocked receive, once. The
 * receive sets receiver_asleep before it looks at the queue under the
 * queue lock, and this push released that lock after queueing, so either
 * the receive sees the item or this sees the flag. The receive holds
 * space_mutex until it waits, so the signal cannot come too early. */
static void
wake_receiver (UbEndpoint *ep)
{
  if (atomic_load_explicit (&ep->receiver_asleep, memory_order_relaxed) &&
      atomic_exchange (&ep->receiver_asleep, FALSE))
    {
      ub_mutex_lock (&ep->space_mutex);
      g_cond_signal (&ep->items_cond);
      ub_mutex_unlock (&ep->space_mutex);
    }
}

/* Queues @item (consumed) unless @ep is closed or discarding; then
 * returns it, for the caller to unref once it holds no lock (a message
 * may hold the last reference on a port, whose dispose closes it). */
static UbMessage *
push_or_refuse (UbEndpoint *ep,
                UbMessage  *item,
                gboolean    reserved)
{
  int wake;

  ub_mutex_lock (&ep->queue_lock);
  if (atomic_load (&ep->closed) || atomic_load (&ep->discarding))
    {
      ub_mutex_unlock (&ep->queue_lock);
      if (reserved)
        release_slots (ep, 1);
      if (item->control == UB_CONTROL_NONE)
        _ub_endpoint_count (&ep->dropped);
      return item;
    }
  wake = push_locked (ep, item, reserved);
  ub_mutex_unlock (&ep->queue_lock);

  wake_source (wake);
  wake_receiver (ep);
  return NULL;
}

/* Consumes @item; @reserved: its slot was taken by _ub_endpoint_reserve().
 * Returns FALSE if @ep is closed and the item was dropped. */
gboolean
_ub_endpoint_push_reserved (UbEndpoint *ep,
                            UbMessage  *item,
                            gboolean    reserved)
{
  UbMessage *refused = push_or_refuse (ep, item, reserved);

  if (refused == NULL)
    return TRUE;
  ub_message_unref (refused);
  return FALSE;
}

gboolean
_ub_endpoint_push (UbEndpoint *ep,
                   UbMessage  *message)
{
  return _ub_endpoint_push_reserved (ep, message, FALSE);
}

/* The common post, from any thread: pushes *@item into @ep's peer while
 * holding @ep's peer lock, taking no reference on the peer. The lock is
 * enough to keep the peer alive, since _ub_endpoint_close() clears
 * ep->peer under it before it drops its reference; and it orders the
 * push before the close message that the closing side queues next.
 * A bounded peer needs a reservation, which may wait, and no wait may
 * hold the lock: then nothing is done and the caller takes the slow
 * path (_ub_endpoint_dup_peer(), _ub_endpoint_reserve(),
 * _ub_endpoint_post_reserved()). Steals *@item when it returns
 * %UB_POST_SENT (a peer that closed drops it: the post still counts as
 * sent, as on the web). */
UbPostResult
_ub_endpoint_post_to_peer (UbEndpoint  *ep,
                           UbMessage  **item)
{
  UbMessage *refused;
  UbEndpoint *peer;

  ub_mutex_lock (&ep->peer_lock);
  peer = ep->peer;
  if (peer == NULL || peer->capacity > 0)
    {
      ub_mutex_unlock (&ep->peer_lock);
      return peer == NULL ? UB_POST_NO_PEER : UB_POST_BOUNDED;
    }
  _ub_endpoint_count (&ep->posted);
  refused = push_or_refuse (peer, g_steal_pointer (item), FALSE);
  ub_mutex_unlock (&ep->peer_lock);

  g_clear_pointer (&refused, ub_message_unref);
  return UB_POST_SENT;
}

/* The slow post's end: @peer (a reference the caller holds, from
 * _ub_endpoint_dup_peer()) gets @item (consumed) if it still is @ep's
 * peer, under @ep's peer lock for the same order against a close as
 * _ub_endpoint_post_to_peer(); if @ep closed meanwhile, the item is
 * dropped and its reservation given back. */
void
_ub_endpoint_post_reserved (UbEndpoint *ep,
                            UbEndpoint *peer,
                            UbMessage  *item,
                            gboolean    reserved)
{
  UbMessage *refused = item;

  ub_mutex_lock (&ep->peer_lock);
  if (ep->peer == peer)
    {
      _ub_endpoint_count (&ep->posted);
      refused = push_or_refuse (peer, item, reserved);
      ub_mutex_unlock (&ep->peer_lock);
    }
  else
    {
      ub_mutex_unlock (&ep->peer_lock);
      if (reserved)
        release_slots (peer, 1);
      _ub_endpoint_count (&peer->dropped);
    }

  g_clear_pointer (&refused, ub_message_unref);
}

static void
space_cancelled_cb (GCancellable *cancellable,
                    UbEndpoint   *ep)
{
  ub_mutex_lock (&ep->space_mutex);
  g_cond_broadcast (&ep->space_cond);
  ub_mutex_unlock (&ep->space_mutex);
}

/* Reserves room for one message in a bounded queue, waiting for it on any
 * thread but the main one, and failing at once there. */
gboolean
_ub_endpoint_reserve (UbEndpoint    *ep,
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

      if (!_ub_runtime_thread_may_block ())
        {
          g_set_error (error, UB_ERROR, UB_ERROR_FULL,
                       _("The channel is full (capacity %u)"), ep->capacity);
          return FALSE;
        }

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      handler = cancellable == NULL ? 0 :
        g_cancellable_connect (cancellable, G_CALLBACK (space_cancelled_cb),
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

/* Puts @payload (sealed, consumed) in @ep's latest-value slot for @key:
 * it replaces the payload of an undelivered slot in place, keeping its
 * position in the queue, or else goes in a new slot at the tail. A slot
 * takes no room in a bounded queue beyond its one place. Returns the
 * replaced or refused payload, for the caller to unref outside any
 * lock. */
static UbMessage *
push_latest (UbEndpoint *ep,
             const char *key,
             UbMessage  *payload)
{
  UbMessage *slot, *old = NULL;
  int wake = -1;

  ub_mutex_lock (&ep->queue_lock);
  if (atomic_load (&ep->closed))
    {
      ub_mutex_unlock (&ep->queue_lock);
      _ub_endpoint_count (&ep->dropped);
      return payload;
    }

  slot = ep->latest != NULL ? g_hash_table_lookup (ep->latest, key) : NULL;
  if (slot != NULL)
    {
      old = g_steal_pointer (&slot->latest);
      slot->latest = payload;
      _ub_endpoint_count (&ep->replaced);
    }
  else
    {
      slot = _ub_message_new_control (UB_CONTROL_LATEST);
      slot->latest = payload;
      slot->latest_key = g_strdup (key);
      if (ep->latest == NULL)
        ep->latest = g_hash_table_new (g_str_hash, g_str_equal);
      g_hash_table_insert (ep->latest, slot->latest_key, slot);
      wake = push_locked (ep, slot, FALSE);
    }
  ub_mutex_unlock (&ep->queue_lock);

  wake_source (wake);
  wake_receiver (ep);
  return old;
}

void
_ub_endpoint_push_latest (UbEndpoint *ep,
                          const char *key,
                          UbMessage  *payload)
{
  UbMessage *old = push_latest (ep, key, payload);

  g_clear_pointer (&old, ub_message_unref);
}

/* A latest-value post into @ep's peer, from any thread, under @ep's peer
 * lock as _ub_endpoint_post_to_peer() does (a latest-value post never
 * waits for room). Consumes @payload. Returns FALSE if there is no peer. */
gboolean
_ub_endpoint_post_latest_to_peer (UbEndpoint *ep,
                                  const char *key,
                                  UbMessage  *payload)
{
  UbMessage *old = NULL;
  gboolean sent;

  ub_mutex_lock (&ep->peer_lock);
  sent = ep->peer != NULL;
  if (sent)
    {
      _ub_endpoint_count (&ep->posted);
      old = push_latest (ep->peer, key, payload);
    }
  ub_mutex_unlock (&ep->peer_lock);

  if (!sent)
    old = payload;
  g_clear_pointer (&old, ub_message_unref);
  return sent;
}

/* Makes @source (a reference is taken) the endpoint's delivery source.
 * Returns whether items are already waiting: then wake it at once. */
gboolean
_ub_endpoint_attach_source (UbEndpoint *ep,
                            GSource    *source)
{
  gboolean ready;

  /* What a blocking receive popped and did not take goes first. */
  _ub_endpoint_return_batch (ep);
  _ub_endpoint_note_owner (ep);

  ub_mutex_lock (&ep->queue_lock);
  g_assert (ep->source == NULL);
  ep->source = g_source_ref (source);
  ready = ep->queue.length > 0;
  ep->needs_wake = !ready;
  ub_mutex_unlock (&ep->queue_lock);
  return ready;
}

/* After one dispatch that began at @start. The delivering thread only. */
void
_ub_endpoint_note_dispatch (UbEndpoint *ep,
                            gint64      start)
{
  guint took = (guint) MIN (g_get_monotonic_time () - start, G_MAXUINT);

  if (took > atomic_load_explicit (&ep->longest_dispatch, memory_order_relaxed))
    atomic_store_explicit (&ep->longest_dispatch, took, memory_order_relaxed);
}

/* Puts the undelivered rest of a batch back at the head of the queue, in
 * order, so that it travels with the endpoint. Delivering thread only. */
void
_ub_endpoint_return_batch (UbEndpoint *ep)
{
  if (ep->batch_pos == ep->batch_len)
    return;

  ub_mutex_lock (&ep->queue_lock);
  for (guint i = ep->batch_len; i > ep->batch_pos; i--)
    {
      UbMessage *item = g_steal_pointer (&ep->batch[i - 1]);

      if (is_counted (item))
        atomic_fetch_add (&ep->depth, 1);
      ub_ring_push_head (&ep->queue, item);
    }
  ub_mutex_unlock (&ep->queue_lock);
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
        _ub_endpoint_count (&ep->dropped);
      ub_message_unref (item);
    }
  ep->batch_pos = ep->batch_len = 0;
}

/* Pops up to UB_ENDPOINT_BATCH_SIZE items into ep->batch. When the queue is empty the
 * delivery source goes to sleep until the next push. */
guint
_ub_endpoint_fill_batch (UbEndpoint *ep)
{
  guint n = 0, counted = 0;
  UbMessage *item;

  g_assert (ep->batch_pos == ep->batch_len);

  ub_mutex_lock (&ep->queue_lock);
  while (n < UB_ENDPOINT_BATCH_SIZE &&
         (item = ub_ring_pop_head (&ep->queue)) != NULL)
    {
      if (is_counted (item))
        counted++;
      ep->batch[n++] = unwrap_locked (ep, item);
    }
  if (n == 0)
    ep->needs_wake = TRUE;
  ub_mutex_unlock (&ep->queue_lock);

  release_slots (ep, counted);
  ep->batch_pos = 0;
  ep->batch_len = n;
  if (n > 0)
    _ub_endpoint_note_owner (ep);
  return n;
}

/* Stops the delivery source and puts the undelivered rest of its batch
 * back at the head of the queue. The owner thread only. */
void
_ub_endpoint_stop_source (UbEndpoint *ep)
{
  GSource *source;

  ub_mutex_lock (&ep->queue_lock);
  source = g_steal_pointer (&ep->source);
  ep->needs_wake = FALSE;
  ub_mutex_unlock (&ep->queue_lock);

  _ub_endpoint_return_batch (ep);
  if (source != NULL)
    {
      g_source_destroy (source);
      g_source_unref (source);
    }
}

/* Before the endpoint moves to another handle: what is queued travels
 * with it. The owner thread only. */
void
_ub_endpoint_detach (UbEndpoint *ep)
{
  _ub_endpoint_stop_source (ep);
  g_weak_ref_set (&ep->port, NULL);
}

/* Stops everything incoming: drops what is queued and what comes later,
 * stops the delivery source, wakes whoever waits on the queue. With
 * @close the port is closed, otherwise it only discards (and may still
 * post). Returns FALSE if it was closed already. */
gboolean
_ub_endpoint_shut_incoming (UbEndpoint *ep,
                            gboolean    close)
{
  g_autoptr(GPtrArray) drained = NULL;
  GSource *source;
  UbMessage *item;
  guint counted = 0;

  ub_mutex_lock (&ep->queue_lock);
  if (atomic_load (&ep->closed))
    {
      ub_mutex_unlock (&ep->queue_lock);
      return FALSE;
    }
  if (close)
    atomic_store (&ep->closed, TRUE);
  else
    atomic_store (&ep->discarding, TRUE);
  drained = g_ptr_array_new_with_free_func ((GDestroyNotify) ub_message_unref);
  while ((item = ub_ring_pop_head (&ep->queue)) != NULL)
    {
      if (is_counted (item))
        {
          counted++;
          _ub_endpoint_count (&ep->dropped);
        }
      g_ptr_array_add (drained, item);
    }
  g_clear_pointer (&ep->latest, g_hash_table_unref);
  source = g_steal_pointer (&ep->source);
  ep->needs_wake = FALSE;
  ub_mutex_unlock (&ep->queue_lock);

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

void
_ub_endpoint_close (UbEndpoint *ep)
{
  UbEndpoint *peer;

  if (!_ub_endpoint_shut_incoming (ep, TRUE))
    return;

  /* Tell the peer, after everything this port already posted. A poster
   * that took its reference before this keeps the peer alive. */
  ub_mutex_lock (&ep->peer_lock);
  peer = g_steal_pointer (&ep->peer);
  ub_mutex_unlock (&ep->peer_lock);
  if (peer != NULL)
    {
      _ub_endpoint_push (peer, _ub_message_new_control (UB_CONTROL_CLOSE));
      _ub_endpoint_unref (peer);
    }
}
