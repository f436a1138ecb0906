/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-endpoint-private.h"

/*
 * The receiving side of an endpoint for a thread that blocks on it
 * (ub_port_receive() and its async form): take an item, or spin for a
 * moment and then sleep until one comes, the endpoint closes, a
 * cancellable fires or a deadline passes. The owner thread only; the
 * fields it shares with producers are the endpoint's atomics and its
 * locks (ub-endpoint-private.h).
 */

/* How long a blocking receive watches for the next item before it sleeps. */
#define RECEIVE_SPIN_USEC 5
/* After this many fruitless spins in a row it stops spinning for a while. */
#define RECEIVE_SPIN_MISSES 4

/* For a blocking receive: the oldest item, without waiting, from the
 * batch or else from a new batch popped under one lock (as the delivery
 * source does), so that a stream costs the receiver one lock per batch,
 * not one per message. Returns (transfer full) (nullable) the item. The
 * owner thread only. */
UbMessage *
_ub_endpoint_take (UbEndpoint *ep)
{
  if (ep->batch_pos == ep->batch_len && _ub_endpoint_fill_batch (ep) == 0)
    return NULL;

  return g_steal_pointer (&ep->batch[ep->batch_pos++]);
}

static void
receive_cancelled_cb (GCancellable *cancellable,
                      UbEndpoint   *ep)
{
  ub_mutex_lock (&ep->space_mutex);
  g_cond_broadcast (&ep->items_cond);
  ub_mutex_unlock (&ep->space_mutex);
}

/* Makes @cancellable wake a _ub_endpoint_wait_for_item(); disconnect the
 * returned handler with g_cancellable_disconnect(). */
gulong
_ub_endpoint_wake_on_cancel (UbEndpoint   *ep,
                             GCancellable *cancellable)
{
  if (cancellable == NULL)
    return 0;

  return g_cancellable_connect (cancellable, G_CALLBACK (receive_cancelled_cb),
                                _ub_endpoint_ref (ep),
                                (GDestroyNotify) _ub_endpoint_unref);
}

static inline void
cpu_relax (void)
{
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause ();
#elif defined(__aarch64__)
  __asm__ __volatile__ ("yield");
#endif
}

/* Before a receiver sleeps, it watches the depth for a moment: a producer
 * on another core usually posts again within a few microseconds, and
 * catching that costs far less than a sleep and a wake-up (two system
 * calls and a context switch, for every message of a stream whose
 * producer is only a little slower than its consumer). On one CPU the
 * producer cannot run meanwhile, so there is no spinning. */
static void
spin_for_items (UbEndpoint *ep,
                gint64      deadline)
{
  static gsize n_cpus = 0;
  gint64 end = 0;

  if (g_once_init_enter (&n_cpus))
    g_once_init_leave (&n_cpus, MAX (g_get_num_processors (), 1));
  if (n_cpus < 2)
    return;

  /* Adaptive: after a few spins in a row that caught nothing (a ping-pong,
   * not a stream) the receiver sleeps at once, and tries again now and
   * then. */
  if (ep->spin_misses >= RECEIVE_SPIN_MISSES && ++ep->spin_misses % 64 != 0)
    return;

  for (guint i = 0;; i++)
    {
      if (atomic_load_explicit (&ep->depth, memory_order_relaxed) > 0 ||
          atomic_load_explicit (&ep->closed, memory_order_relaxed))
        {
          ep->spin_misses = 0;
          return;
        }
      if (i % 8 == 0)
        {
          gint64 now = g_get_monotonic_time ();

          if (end == 0)
            end = now + RECEIVE_SPIN_USEC;
          if (now >= end || (deadline >= 0 && now >= deadline))
            {
              if (ep->spin_misses < RECEIVE_SPIN_MISSES)
                ep->spin_misses++;
              return;
            }
          /* A thread waiting for a CPU (the producer, or the UI) gets it. */
          g_thread_yield ();
        }
      cpu_relax ();
    }
}

/* Waits until the queue has an item, @cancellable fires, the endpoint
 * stops receiving, or @deadline (-1: never) passes. Returns FALSE on
 * timeout. */
gboolean
_ub_endpoint_wait_for_item (UbEndpoint   *ep,
                            GCancellable *cancellable,
                            gint64        deadline)
{
  gboolean in_time = TRUE;

  spin_for_items (ep, deadline);

  ub_mutex_lock (&ep->space_mutex);
  for (;;)
    {
      guint length;

      /* Before the look at the queue: see wake_receiver(). */
      atomic_store (&ep->receiver_asleep, TRUE);
      ub_mutex_lock (&ep->queue_lock);
      length = ep->queue.length;
      ub_mutex_unlock (&ep->queue_lock);

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
  atomic_store (&ep->receiver_asleep, FALSE);
  ub_mutex_unlock (&ep->space_mutex);
  return in_time;
}
