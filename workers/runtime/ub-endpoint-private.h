/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* UbEndpoint: what a port is a handle on. Its incoming queue (bounded or
 * not, with latest-value slots), the peer it posts into, its counters, and
 * the batch its delivery source works through. Moves from handle to handle
 * when a port is transferred. Not installed; not part of the public API. */

#include <stdatomic.h>

#include "ub-message-private.h"
#include "ub-port.h"
#include "ub-ring-private.h"
#include "ub-sync-private.h"

G_BEGIN_DECLS

/* Messages a delivery source pops under one lock. */
#define UB_ENDPOINT_BATCH_SIZE 64

typedef struct _UbEndpoint UbEndpoint;

/* What _ub_endpoint_post_to_peer() did. */
typedef enum
{
  UB_POST_SENT,      /* queued (or dropped by a peer that closed) */
  UB_POST_NO_PEER,   /* the port has no peer: nothing done */
  UB_POST_BOUNDED,   /* the peer is bounded: take the slow path */
} UbPostResult;

struct _UbEndpoint
{
  UbRefCount       ref_count;

  /* queue_lock: incoming messages, oldest first, each owned by the
   * queue. queue_lock also protects every field marked "queue lock" below,
   * and is never held while taking another lock but a main context's. */
  GMutex           queue_lock;
  UbRing           queue;

  /* (owned) (nullable) peer_lock: the endpoint this one posts into, set at
   * creation and cleared on close. Posters on any thread push into it
   * while holding peer_lock (_ub_endpoint_post_to_peer()), or take a
   * reference under it when they must wait (_ub_endpoint_dup_peer()), so a
   * close racing a post never frees the peer under the poster's feet, and
   * a post that got in first is queued before the close message. Lock
   * order: peer_lock, then the peer's queue_lock (then its main context's
   * lock and its space_mutex); nothing takes a peer_lock while it holds
   * another lock of the runtime's. */
  GMutex           peer_lock;
  UbEndpoint      *peer;

  /* (owned) (nullable) queue lock: the delivery source while started. */
  GSource         *source;
  /* queue lock: the source is asleep and the next push must wake it. */
  gboolean         needs_wake;
  /* queue lock: the eventfd the delivery source polls (-1 until a source
   * first needs it, or where there is none), closed with the endpoint. A
   * producer reads it under the queue lock and writes it after, while it
   * keeps the endpoint alive; the delivering thread reads it. */
  int              wake_fd;
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
   * A blocking receive sleeps on items_cond under the same mutex, with
   * receiver_asleep (atomic) set; the first producer to clear it signals,
   * so a stream into a sleeping receiver costs one wake-up, not one per
   * message (GLib's g_cond_signal() is a system call even when nobody
   * waits). */
  GMutex           space_mutex;
  GCond            space_cond;
  atomic_uint      space_waiters;
  GCond            items_cond;
  atomic_bool      receiver_asleep;

  /* (atomic) counters. */
  atomic_uint_fast64_t posted;
  atomic_uint_fast64_t delivered;
  atomic_uint_fast64_t dropped;
  atomic_uint_fast64_t replaced;
  atomic_uint_fast64_t message_errors;
  atomic_uint_fast64_t wakeups;

  /* The worker whose thread receives here (0: any other thread), as last
   * seen by the receiving thread; written by that thread, read anywhere. */
  atomic_uint      owner;

  /* The handle that currently owns the endpoint (thread-safe weak ref). */
  GWeakRef         port;

  /* Used only by the delivering thread: messages popped by the source (or
   * a blocking receive) and not yet delivered, so that a transfer or close
   * from inside a handler can put them back or drop them. */
  UbMessage       *batch[UB_ENDPOINT_BATCH_SIZE];
  guint            batch_pos;
  guint            batch_len;

  /* Used only by the receiving thread: blocking waits in a row whose spin
   * caught nothing (see spin_for_items()). */
  guint            spin_misses;
};

/* Lifetime and peers; any thread. */
UbEndpoint *_ub_endpoint_new            (guint          capacity,
                                         char          *label);
UbEndpoint *_ub_endpoint_ref            (UbEndpoint    *ep);
void        _ub_endpoint_unref          (UbEndpoint    *ep);
void        _ub_endpoint_entangle       (UbEndpoint    *ep1,
                                         UbEndpoint    *ep2);
UbEndpoint *_ub_endpoint_dup_peer       (UbEndpoint    *ep);
gboolean    _ub_endpoint_is_closed      (UbEndpoint    *ep);
guint       _ub_endpoint_get_owner      (UbEndpoint    *ep);
void        _ub_endpoint_note_owner     (UbEndpoint    *ep);
void        _ub_endpoint_get_stats      (UbEndpoint    *ep,
                                         UbPortStats   *stats);

/* Producers; any thread. */
gboolean    _ub_endpoint_reserve        (UbEndpoint    *ep,
                                         GCancellable  *cancellable,
                                         GError       **error);
gboolean    _ub_endpoint_push           (UbEndpoint    *ep,
                                         UbMessage     *message);
gboolean    _ub_endpoint_push_reserved  (UbEndpoint    *ep,
                                         UbMessage     *message,
                                         gboolean       reserved);
void        _ub_endpoint_push_latest    (UbEndpoint    *ep,
                                         const char    *key,
                                         UbMessage     *payload);
UbPostResult _ub_endpoint_post_to_peer  (UbEndpoint    *ep,
                                         UbMessage    **item);
void        _ub_endpoint_post_reserved  (UbEndpoint    *ep,
                                         UbEndpoint    *peer,
                                         UbMessage     *item,
                                         gboolean       reserved);
gboolean    _ub_endpoint_post_latest_to_peer (UbEndpoint *ep,
                                         const char    *key,
                                         UbMessage     *payload);

/* The consumer; the thread that owns the port. */
UbMessage  *_ub_endpoint_take           (UbEndpoint    *ep);
gboolean    _ub_endpoint_wait_for_item  (UbEndpoint    *ep,
                                         GCancellable  *cancellable,
                                         gint64         deadline);
gulong      _ub_endpoint_wake_on_cancel (UbEndpoint    *ep,
                                         GCancellable  *cancellable);
int         _ub_endpoint_get_wake_fd    (UbEndpoint    *ep);
void        _ub_endpoint_clear_wake     (UbEndpoint    *ep);
gboolean    _ub_endpoint_attach_source  (UbEndpoint    *ep,
                                         GSource       *source);
guint       _ub_endpoint_fill_batch     (UbEndpoint    *ep);
void        _ub_endpoint_return_batch   (UbEndpoint    *ep);
void        _ub_endpoint_note_dispatch  (UbEndpoint    *ep,
                                         gint64         start);
void        _ub_endpoint_stop_source    (UbEndpoint    *ep);
void        _ub_endpoint_detach         (UbEndpoint    *ep);
gboolean    _ub_endpoint_shut_incoming  (UbEndpoint    *ep,
                                         gboolean       close);
void        _ub_endpoint_close          (UbEndpoint    *ep);

static inline void
_ub_endpoint_count (atomic_uint_fast64_t *counter)
{
  atomic_fetch_add_explicit (counter, 1, memory_order_relaxed);
}

/* For g_autoptr() on a reference to an endpoint. */
typedef UbEndpoint UbEndpointRef;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UbEndpointRef, _ub_endpoint_unref)

G_END_DECLS
