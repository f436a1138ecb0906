/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-test-runtime.h"

/* The runtime under its own thread contract: posts racing a close from
 * another thread, a port moved back and forth between threads while
 * messages flow into it, broadcast instances joining and leaving during a
 * flood, blocked producers and async receives racing a close, terminate
 * while a worker waits for room. (Terminate during a flood is in
 * test-worker.c.) Every case counts exactly: nothing lost, nothing twice,
 * FIFO per producer. The sizes shrink under the sanitizers, which run
 * every access many times slower. */

#ifdef UB_TEST_SANITIZED
# define STRESS(full, sanitized) (sanitized)
#else
# define STRESS(full, sanitized) (full)
#endif

/* Posting racing a close ---------------------------------------------------- */

#define N_RACERS 3

typedef struct
{
  UbPort     *port;        /* (owned) */
  guint       id;
  guint       n_messages;
  guint       n_ok;        /* posts that returned TRUE */
  gint       *n_started;   /* (atomic) shared: racers that have posted once */
} Racer;

static gpointer
race (gpointer data)
{
  Racer *racer = data;
  gboolean failed = FALSE;

  for (guint i = 0; i < racer->n_messages; i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok;

      /* Every eighth post is a latest-value post, which reads the peer too. */
      if (i % 8 == 7)
        {
          ok = ub_port_post_latest (racer->port, "progress", "test.progress",
                                    g_variant_new_uint32 (i), &error);
        }
      else
        {
          ok = ub_port_post (racer->port, "test.seq",
                             g_variant_new ("(uu)", racer->id, racer->n_ok), &error);
          if (ok)
            racer->n_ok++;
        }

      if (i == 0)
        g_atomic_int_inc (racer->n_started);

      /* A failure is a clean error, and closed stays closed. */
      if (!ok)
        {
          g_assert_error (error, UB_ERROR, UB_ERROR_CLOSED);
          failed = TRUE;
        }
      else
        g_assert_false (failed);
    }

  g_clear_object (&racer->port);
  return NULL;
}

static gpointer
close_port (gpointer data)
{
  ub_port_close (data);
  return NULL;
}

typedef enum
{
  CLOSE_SENDER_HERE,       /* the owner closes the port the racers post on */
  CLOSE_SENDER_THREAD,     /* another thread does */
  CLOSE_RECEIVER_THREAD,   /* another thread closes the receiving end */
} CloseMode;

static void
race_close_once (CloseMode mode)
{
  g_autoptr(UbChannel) channel = ub_channel_new (0);
  UbPort *sender = ub_channel_get_port1 (channel);
  UbPort *receiver = ub_channel_get_port2 (channel);
  Racer racers[N_RACERS];
  GThread *threads[N_RACERS];
  guint next[N_RACERS] = { 0 };
  guint n_ok = 0, n_seq = 0;
  gint n_started = 0;

  for (guint i = 0; i < N_RACERS; i++)
    {
      racers[i] = (Racer) { g_object_ref (sender), i, STRESS (20000, 2000), 0, &n_started };
      threads[i] = g_thread_new ("racer", race, &racers[i]);
    }

  /* Close once every racer is under way, so the close lands mid-flood. */
  while (g_atomic_int_get (&n_started) < N_RACERS)
    g_thread_yield ();

  switch (mode)
    {
    case CLOSE_SENDER_HERE:
      ub_port_close (sender);
      break;
    case CLOSE_SENDER_THREAD:
      g_thread_join (g_thread_new ("closer", close_port, sender));
      break;
    case CLOSE_RECEIVER_THREAD:
      g_thread_join (g_thread_new ("closer", close_port, receiver));
      break;
    }

  for (guint i = 0; i < N_RACERS; i++)
    {
      g_thread_join (threads[i]);
      n_ok += racers[i].n_ok;
    }

  if (mode == CLOSE_RECEIVER_THREAD)
    {
      /* Posting to a closed peer succeeds and drops, as on the web. */
      for (guint i = 0; i < N_RACERS; i++)
        g_assert_cmpuint (racers[i].n_ok, ==, racers[i].n_messages - racers[i].n_messages / 8);
      return;
    }

  /* Every post that succeeded is delivered once, in its racer's order;
   * the close notification comes once, after all of them: a post either
   * got in before the close (and is queued before its notification) or
   * failed. */
  for (guint n_close = 0;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(UbMessage) message = ub_port_receive (receiver, 0, NULL, &error);
      guint id, seq;

      if (message == NULL)
        {
          if (g_error_matches (error, UB_ERROR, UB_ERROR_CLOSED))
            {
              g_assert_cmpuint (++n_close, ==, 1);
              continue;
            }
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
          g_assert_cmpuint (n_close, ==, 1);
          break;
        }
      g_assert_cmpuint (n_close, ==, 0);
      if (!ub_message_is_kind (message, "test.seq"))
        continue;
      g_variant_get (ub_message_get_body (message), "(uu)", &id, &seq);
      g_assert_cmpuint (id, <, N_RACERS);
      g_assert_cmpuint (seq, ==, next[id]);
      next[id]++;
      n_seq++;
    }
  g_assert_cmpuint (n_seq, ==, n_ok);
}

/* webmessaging/message-channels/close.html: a post either arrives or fails
 * cleanly; here three threads post while the port is closed under them. */
static void
test_post_racing_close (void)
{
  guint rounds = STRESS (30, 6);

  g_test_summary ("Threads posting (plain and latest-value) while the port or its "
                  "peer is closed from another thread: every post is delivered "
                  "exactly once or fails with UB_ERROR_CLOSED");

  for (guint r = 0; r < rounds; r++)
    race_close_once (r % 3);
}

/* A port moved back and forth --------------------------------------------- */

typedef struct
{
  UbPort *carrier;     /* (owned) the echo thread's end */
  guint   next;        /* the next value expected; touched by the holder only */
  guint   n_messages;
} Moving;

/* Takes up to @max messages waiting on @port, checking their order. */
static void
take_some (UbPort *port,
           guint  *next,
           guint   max)
{
  for (guint i = 0; i < max; i++)
    {
      g_autoptr(UbMessage) message = ub_port_receive (port, 0, NULL, NULL);

      if (message == NULL)
        return;
      g_assert_cmpuint (g_variant_get_uint32 (ub_message_get_body (message)), ==, *next);
      (*next)++;
    }
}

static gboolean
send_port (UbPort     *carrier,
           UbPort     *port,
           const char *kind)
{
  g_autoptr(UbMessage) envelope = ub_message_new (kind, NULL);

  return ub_port_post_message (carrier, envelope, (gpointer []) { port, NULL }, NULL, NULL);
}

static gpointer
echo_port (gpointer data)
{
  Moving *moving = data;

  for (;;)
    {
      g_autoptr(UbMessage) envelope = ub_port_receive (moving->carrier, -1, NULL, NULL);
      UbPort *port;

      g_assert_nonnull (envelope);
      if (ub_message_is_kind (envelope, "test.stop"))
        break;
      port = ub_message_get_port (envelope, 0);
      take_some (port, &moving->next, 7);
      g_assert_true (ub_port_post (port, "test.ack", NULL, NULL));
      g_assert_true (send_port (moving->carrier, port, "test.port"));
    }

  g_clear_object (&moving->carrier);
  return NULL;
}

static gpointer
produce_into (gpointer data)
{
  UbPort *port = data;

  for (guint i = 0; i < STRESS (50000, 5000); i++)
    g_assert_true (ub_port_post (port, "test.seq", g_variant_new_uint32 (i), NULL));
  return NULL;
}

/* webmessaging/with-ports/ and Transferred_objects_unusable.htm: a moved
 * port keeps its queue and its entanglement; stressed across threads. */
static void
test_transfer_back_and_forth (void)
{
  g_autoptr(UbChannel) flow = ub_channel_new (0);
  g_autoptr(UbChannel) carrier = ub_channel_new (0);
  g_autoptr(UbPort) holder = g_object_ref (ub_channel_get_port1 (flow));
  UbPort *source = ub_channel_get_port2 (flow);
  Moving moving = { ub_channel_steal_port2 (carrier), 0, STRESS (50000, 5000) };
  GThread *echo, *producer;
  guint hops = 0, acks = 0;

  g_test_summary ("A port moved between two threads, round after round, while "
                  "another thread posts into it: every message arrives once, "
                  "in order, whichever handle holds the port");

  echo = g_thread_new ("echo", echo_port, &moving);
  producer = g_thread_new ("producer", produce_into, source);

  while (moving.next < moving.n_messages)
    {
      g_autoptr(UbMessage) back = NULL;
      UbPort *old = holder;

      g_assert_true (send_port (ub_channel_get_port1 (carrier), holder, "test.port"));
      g_assert_true (ub_port_is_detached (old));
      g_assert_false (ub_port_post (old, "test.lost", NULL, NULL));

      back = ub_port_receive (ub_channel_get_port1 (carrier), -1, NULL, NULL);
      g_assert_nonnull (back);
      g_set_object (&holder, ub_message_get_port (back, 0));
      take_some (holder, &moving.next, 5);
      hops++;
    }

  g_thread_join (producer);
  g_assert_true (ub_port_post (ub_channel_get_port1 (carrier), "test.stop", NULL, NULL));
  g_thread_join (echo);

  /* The moved port still posts to its original peer: one ack per hop. */
  for (;;)
    {
      g_autoptr(UbMessage) ack = ub_port_receive (source, 0, NULL, NULL);

      if (ack == NULL)
        break;
      g_assert_true (ub_message_is_kind (ack, "test.ack"));
      acks++;
    }
  g_assert_cmpuint (acks, ==, hops);
  g_assert_cmpuint (moving.next, ==, moving.n_messages);
}

/* Broadcast instances joining and leaving --------------------------------- */

#define BROADCAST_NAME "test-stress-broadcast"

typedef struct
{
  gint32   last;      /* the last value seen, -1 before the first */
  guint    n_seen;
} Run;

/* A transient instance receives exactly the posts made while it was open:
 * one unbroken run of values. */
static void
check_run (UbBroadcastChannel *channel,
           UbMessage          *message,
           gpointer            user_data)
{
  Run *run = user_data;
  GBytes *data = ub_message_get_data (message);
  gint32 value = data != NULL ? *(const gint32 *) g_bytes_get_data (data, NULL) :
                                g_variant_get_int32 (ub_message_get_body (message));

  if (run->last >= 0)
    g_assert_cmpint (value, ==, run->last + 1);
  run->last = value;
  run->n_seen++;
}

typedef struct
{
  gint     done;       /* (atomic) the flood is over */
  guint    n_messages;
  gboolean bytes;      /* every other post a bytes one */
} Flood;

static gpointer
broadcast_flood (gpointer data)
{
  Flood *flood = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(UbBroadcastChannel) poster = NULL;

  g_main_context_push_thread_default (context);
  poster = ub_broadcast_channel_new (BROADCAST_NAME);
  for (gint32 i = 0; i < (gint32) flood->n_messages; i++)
    if (flood->bytes && i % 2 == 0)
      {
        g_autoptr(GBytes) block = g_bytes_new (&i, sizeof i);

        g_assert_true (ub_broadcast_channel_post_bytes (poster, "test.int", block, NULL));
      }
    else
      g_assert_true (ub_broadcast_channel_post (poster, "test.int", g_variant_new_int32 (i), NULL));
  ub_broadcast_channel_close (poster);
  g_main_context_pop_thread_default (context);
  return NULL;
}

/* Another thread's instances come and go in its own context. */
static gpointer
broadcast_churn (gpointer data)
{
  Flood *flood = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  guint n_instances = 0;

  g_main_context_push_thread_default (context);
  while (!g_atomic_int_get (&flood->done) || n_instances == 0)
    {
      g_autoptr(UbBroadcastChannel) instance = ub_broadcast_channel_new (BROADCAST_NAME);
      Run run = { -1, 0 };

      g_signal_connect (instance, "message", G_CALLBACK (check_run), &run);
      for (guint i = 0; i < 20 && g_main_context_iteration (context, FALSE); i++)
        ;
      ub_broadcast_channel_close (instance);
      while (g_main_context_iteration (context, FALSE))
        ;
      n_instances++;
    }
  g_main_context_pop_thread_default (context);
  return NULL;
}

typedef struct
{
  Run                 all;
  UbBroadcastChannel *transient;   /* (owned) (nullable) */
  Run                 transient_run;
  guint               n_transient;
} Stable;

static void
stable_message (UbBroadcastChannel *channel,
                UbMessage          *message,
                gpointer            user_data)
{
  Stable *stable = user_data;

  check_run (channel, message, &stable->all);

  /* Every 97 messages, the transient instance leaves and a new one joins,
   * from inside delivery. */
  if (stable->all.n_seen % 97 == 0)
    {
      if (stable->transient != NULL)
        ub_broadcast_channel_close (stable->transient);
      g_clear_object (&stable->transient);
      stable->transient = ub_broadcast_channel_new (BROADCAST_NAME);
      stable->transient_run = (Run) { -1, 0 };
      g_signal_connect (stable->transient, "message", G_CALLBACK (check_run),
                        &stable->transient_run);
      stable->n_transient++;
    }
}

/* webmessaging/broadcastchannel/basics.html ("closing and creating
 * channels during message delivery works correctly"), under a flood from
 * another thread while a third thread's instances join and leave. */
static void
run_broadcast_churn (gboolean bytes)
{
  Flood flood = { 0, STRESS (50000, 5000), bytes };
  g_autoptr(UbBroadcastChannel) stable_channel = ub_broadcast_channel_new (BROADCAST_NAME);
  Stable stable = { { -1, 0 }, NULL, { -1, 0 }, 0 };
  GThread *poster, *churn;

  g_signal_connect (stable_channel, "message", G_CALLBACK (stable_message), &stable);
  churn = g_thread_new ("churn", broadcast_churn, &flood);
  poster = g_thread_new ("poster", broadcast_flood, &flood);

  UB_TEST_RUN_UNTIL (stable.all.n_seen == flood.n_messages);
  g_thread_join (poster);
  g_atomic_int_set (&flood.done, TRUE);
  g_thread_join (churn);
  ub_test_drain_context ();

  g_assert_cmpint (stable.all.last, ==, (gint32) flood.n_messages - 1);
  g_assert_cmpuint (stable.n_transient, >, 0);
  if (stable.transient != NULL)
    ub_broadcast_channel_close (stable.transient);
  g_clear_object (&stable.transient);
}

static void
test_broadcast_churn (void)
{
  g_test_summary ("Instances joining and leaving, on this thread and another, while "
                  "a third thread floods the name: a steady instance gets every "
                  "message in order, each transient one an unbroken run");
  run_broadcast_churn (FALSE);
}

static void
test_broadcast_churn_bytes (void)
{
  g_test_summary ("The same churn, the flood alternating bytes and GVariant posts");
  run_broadcast_churn (TRUE);
}

/* Blocked producers racing a close ------------------------------------------- */

typedef struct
{
  UbPort  *port;        /* (unowned) the shared sending port */
  guint    id;
  guint    n_messages;
  guint    n_ok;        /* read after the join */
  GError  *error;       /* likewise */
} Blocked;

static gpointer
blocked_producer (gpointer data)
{
  Blocked *b = data;

  for (guint i = 0; i < b->n_messages; i++)
    {
      if (!ub_port_post (b->port, "test.seq", g_variant_new ("(uu)", b->id, i), &b->error))
        break;
      b->n_ok++;
    }
  return NULL;
}

/* Plain threads (not workers) wait for room in a bounded channel; the
 * receiver takes some messages and closes. Every producer must come out of
 * its wait, and what arrived is FIFO per producer. */
static void
test_blocked_producers_racing_close (void)
{
  guint rounds = STRESS (40, 10);

  g_test_summary ("Producers on plain threads waiting on a full bounded channel "
                  "while the receiver closes: none hangs, delivery stays FIFO");

  for (guint round = 0; round < rounds; round++)
    {
      g_autoptr(UbChannel) channel = ub_channel_new (1 + round % 3);
      Blocked producers[N_RACERS];
      GThread *threads[N_RACERS];
      gint32 next[N_RACERS] = { 0 };
      guint take = (round * 37) % 200;

      for (guint i = 0; i < N_RACERS; i++)
        {
          producers[i] = (Blocked) { ub_channel_get_port1 (channel), i, 500, 0, NULL };
          threads[i] = g_thread_new ("blocked-producer", blocked_producer, &producers[i]);
        }

      for (guint n = 0; n < take; n++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(UbMessage) message = NULL;
          guint id, seq;

          message = ub_port_receive (ub_channel_get_port2 (channel), 30 * G_USEC_PER_SEC,
                                     NULL, &error);
          g_assert_no_error (error);
          g_variant_get (ub_message_get_body (message), "(uu)", &id, &seq);
          g_assert_cmpuint (id, <, N_RACERS);
          g_assert_cmpint ((gint32) seq, ==, next[id]);
          next[id]++;
        }
      ub_port_close (ub_channel_get_port2 (channel));

      for (guint i = 0; i < N_RACERS; i++)
        {
          g_thread_join (threads[i]);
          /* Posting to a closed peer succeeds and drops, as on the web. */
          g_assert_no_error (producers[i].error);
          g_assert_cmpuint (producers[i].n_ok, ==, producers[i].n_messages);
        }
    }
}

/* An async receive racing the peer's close --------------------------------- */

typedef struct
{
  UbPort   *port;     /* (owned) */
  gboolean  post;
} Closer;

static gpointer
post_and_close (gpointer data)
{
  Closer *closer = data;

  if (closer->post)
    ub_port_post (closer->port, "test.seq", g_variant_new ("(uu)", 0, 0), NULL);
  ub_port_close (closer->port);
  g_object_unref (closer->port);
  return NULL;
}

typedef struct
{
  guint   n_done;
  guint   n_messages;
  GError *error;
} Outcome;

static void
on_async_received (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Outcome *outcome = user_data;
  g_autoptr(UbMessage) message = NULL;

  g_clear_error (&outcome->error);
  message = ub_port_receive_finish (UB_PORT (object), result, &outcome->error);
  if (message != NULL)
    outcome->n_messages++;
  outcome->n_done++;
}

static void
test_receive_async_racing_close (void)
{
  guint rounds = STRESS (500, 100);

  g_test_summary ("An async receive racing a post and a close of the peer from "
                  "another thread completes once: with the message, then closed");

  for (guint round = 0; round < rounds; round++)
    {
      g_autoptr(UbChannel) channel = ub_channel_new (0);
      Closer closer = { g_object_ref (ub_channel_get_port1 (channel)), round % 4 != 0 };
      Outcome outcome = { 0, 0, NULL };
      GThread *thread;

      ub_port_receive_async (ub_channel_get_port2 (channel), NULL, on_async_received, &outcome);
      thread = g_thread_new ("closer", post_and_close, &closer);
      UB_TEST_RUN_UNTIL (outcome.n_done == 1);
      if (outcome.n_messages == 1)
        {
          g_assert_no_error (outcome.error);
          ub_port_receive_async (ub_channel_get_port2 (channel), NULL, on_async_received,
                                 &outcome);
          UB_TEST_RUN_UNTIL (outcome.n_done == 2);
        }
      g_assert_error (outcome.error, UB_ERROR, UB_ERROR_CLOSED);
      g_assert_cmpuint (outcome.n_messages, ==, closer.post ? 1 : 0);
      g_clear_error (&outcome.error);
      g_thread_join (thread);
    }
}

/* Terminate while the worker waits for room --------------------------------- */

/* Floods the owner through a bounded channel it was given, without a
 * cancellable: only the owner's end closing can end its wait. */
static gboolean
flood_entry (UbWorkerScope  *scope,
             gpointer        user_data,
             GError        **error)
{
  GCancellable *cancellable = ub_worker_scope_get_cancellable (scope);
  UbPort *port = ub_worker_scope_get_port (scope);
  g_autoptr(UbMessage) envelope = ub_port_receive (port, -1, cancellable, error);
  g_autoptr(UbPort) bounded = NULL;

  if (envelope == NULL)
    return FALSE;
  bounded = g_object_ref (ub_message_get_port (envelope, 0));
  /* Once the far end closes, posts succeed and are dropped: the loop ends
   * with the terminate. */
  for (guint32 i = 0; !g_cancellable_is_cancelled (cancellable); i++)
    if (!ub_port_post (bounded, "test.seq", g_variant_new ("(uu)", 0, i), NULL))
      break;
  return TRUE;
}

static void
test_terminate_while_blocked (void)
{
  guint rounds = STRESS (30, 8);

  g_test_summary ("Terminating workers that wait for room in a full bounded channel, "
                  "while the owner drains some: every thread is joined");

  ub_worker_kind_register ("stress-flood", flood_entry, NULL);
  for (guint round = 0; round < rounds; round++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(UbWorker) worker = ub_worker_new ("stress-flood", &error);
      g_autoptr(UbChannel) channel = ub_channel_new (2);
      g_autoptr(UbMessage) envelope = ub_message_new ("test.port", NULL);

      g_assert_no_error (error);
      g_assert_true (ub_port_post_message (ub_worker_get_port (worker), envelope,
                                           (gpointer []) { ub_channel_get_port2 (channel), NULL },
                                           NULL, &error));
      g_assert_no_error (error);

      for (guint n = 0; n < round % 5; n++)
        {
          g_autoptr(UbMessage) message = ub_port_receive (ub_channel_get_port1 (channel),
                                                          30 * G_USEC_PER_SEC, NULL, &error);
          g_assert_no_error (error);
        }
      /* The owner lets go of both, in either order: the wait for room
       * ends when this end closes, and the worker is joined. */
      if (round % 2 == 0)
        ub_worker_terminate (worker);
      ub_port_close (ub_channel_get_port1 (channel));
      if (round % 2 == 1)
        ub_worker_terminate (worker);
    }
  g_assert_true (ub_runtime_wait_for_threads (30 * G_USEC_PER_SEC));
}

/* Waking a sleeping receive ------------------------------------------------ */

typedef struct
{
  UbPort *port;       /* (unowned) the shared sending port */
  UbPort *acks;       /* (unowned) this producer's end of its ack channel */
  guint   rounds;
  guint   n_acked;    /* read after the join */
} Waker;

static gpointer
waker_thread (gpointer data)
{
  Waker *w = data;

  for (guint r = 0; r < w->rounds; r++)
    {
      g_autoptr(UbMessage) ack = NULL;

      if (!ub_port_post (w->port, "test.seq", g_variant_new_uint32 (r), NULL))
        break;
      ack = ub_port_receive (w->acks, 30 * G_USEC_PER_SEC, NULL, NULL);
      if (ack == NULL)
        break;
      w->n_acked++;
    }
  return NULL;
}

/* A blocking receive sleeps until the first post after it looked at an
 * empty queue, and only that post signals it. Rounds of racing posts into
 * a receiver that has just drained its queue, with the acks going back
 * the same way into each producer's own sleeping receive: a lost wake-up
 * is a receive that times out. */
static void
test_wake_sleeping_receiver (void)
{
  guint rounds = STRESS (2000, 300);
  g_autoptr(UbChannel) channel = ub_channel_new (0);
  UbChannel *ack_channels[N_RACERS];
  Waker wakers[N_RACERS];
  GThread *threads[N_RACERS];

  g_test_summary ("Producers racing to wake a receiver asleep on an empty queue, "
                  "round after round: no wake-up is lost");

  for (guint i = 0; i < N_RACERS; i++)
    {
      ack_channels[i] = ub_channel_new (0);
      wakers[i] = (Waker) { ub_channel_get_port1 (channel),
                            ub_channel_get_port2 (ack_channels[i]), rounds, 0 };
      threads[i] = g_thread_new ("waker", waker_thread, &wakers[i]);
    }

  for (guint r = 0; r < rounds; r++)
    {
      for (guint n = 0; n < N_RACERS; n++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(UbMessage) message = ub_port_receive (ub_channel_get_port2 (channel),
                                                          30 * G_USEC_PER_SEC, NULL, &error);

          g_assert_no_error (error);
          g_assert_cmpuint (g_variant_get_uint32 (ub_message_get_body (message)), ==, r);
        }
      for (guint i = 0; i < N_RACERS; i++)
        g_assert_true (ub_port_post (ub_channel_get_port1 (ack_channels[i]), "test.ack", NULL, NULL));
    }

  for (guint i = 0; i < N_RACERS; i++)
    {
      g_thread_join (threads[i]);
      g_assert_cmpuint (wakers[i].n_acked, ==, rounds);
      g_object_unref (ack_channels[i]);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/runtime/stress/post-racing-close", test_post_racing_close);
  g_test_add_func ("/runtime/stress/transfer-back-and-forth", test_transfer_back_and_forth);
  g_test_add_func ("/runtime/stress/broadcast-churn", test_broadcast_churn);
  g_test_add_func ("/runtime/stress/broadcast-churn-bytes", test_broadcast_churn_bytes);
  g_test_add_func ("/runtime/stress/blocked-producers-racing-close",
                   test_blocked_producers_racing_close);
  g_test_add_func ("/runtime/stress/receive-async-racing-close", test_receive_async_racing_close);
  g_test_add_func ("/runtime/stress/terminate-while-blocked", test_terminate_while_blocked);
  g_test_add_func ("/runtime/stress/wake-sleeping-receiver", test_wake_sleeping_receiver);

  return g_test_run ();
}
