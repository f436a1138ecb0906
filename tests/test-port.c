/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-test-runtime.h"

/* Conformance of MessageChannel / MessagePort, after the ideas of the
 * web-platform-tests (webmessaging/). Transferables: test-transfer.c. */

/* UbMessage --------------------------------------------------------------- */

static void
test_message_basics (void)
{
  g_autoptr(UbMessage) message = ub_message_new ("test.hello", g_variant_new_string ("hi"));
  g_autoptr(UbMessage) empty = ub_message_new ("test.empty", NULL);

  g_assert_cmpstr (ub_message_get_kind (message), ==, "test.hello");
  g_assert_true (ub_message_is_kind (message, "test.hello"));
  g_assert_false (ub_message_is_kind (message, "test.other"));
  g_assert_cmpstr (g_variant_get_string (ub_message_get_body (message), NULL), ==, "hi");
  g_assert_null (ub_message_get_body (empty));
  g_assert_cmpuint (ub_message_get_n_buffers (message), ==, 0);
  g_assert_cmpuint (ub_message_get_n_ports (message), ==, 0);
}

/* Start ------------------------------------------------------------------- */

static void
test_nothing_delivered_before_start (void)
{
  g_autoptr(UbChannel) channel = ub_channel_new (0);
  UbPort *port1 = ub_channel_get_port1 (channel);
  UbPort *port2 = ub_channel_get_port2 (channel);
  UbTestSink sink;

  g_test_summary ("A port queues but delivers nothing until started; a bare "
                  "signal connection (addEventListener) does not start it");

  ub_test_sink_init (&sink, port2, FALSE);
  for (int i = 0; i < 3; i++)
    g_assert_true (ub_test_post_int (port1, i));

  ub_test_drain_context ();
  g_assert_cmpuint (sink.messages->len, ==, 0);
  g_assert_false (ub_port_is_started (port2));

  ub_port_start (port2);
  g_assert_true (ub_port_is_started (port2));
  UB_TEST_RUN_UNTIL (sink.messages->len == 3);
  for (int i = 0; i < 3; i++)
    g_assert_cmpint (ub_test_sink_int (&sink, i), ==, i);

  ub_port_close (port2);
  ub_test_sink_clear (&sink);
}

static void
test_connect_message_starts (void)
{
  g_autoptr(UbChannel) channel = ub_channel_new (0);
  UbTestSink sink;

  g_test_summary ("Connecting through ub_port_connect_message() starts the port (onmessage=)");

  g_assert_true (ub_test_post_int (ub_channel_get_port1 (channel), 7));
  ub_test_sink_init (&sink, ub_channel_get_port2 (channel), TRUE);
  UB_TEST_RUN_UNTIL (sink.messages->len == 1);
  g_assert_cmpint (ub_test_sink_int (&sink, 0), ==, 7);

  ub_port_close (ub_channel_get_port2 (channel));
  ub_test_sink_clear (&sink);
}

static void
test_delivers_in_starting_context (void)
{
  g_autoptr(UbChannel) channel = ub_channel_new (0);
  g_autoptr(GMainContext) other = g_main_context_new ();
  UbTestSink sink;

  g_test_summary ("A started port delivers in the thread-default context it was started in, and only there");

  g_main_context_push_thread_default (other);
  ub_test_sink_init (&sink, ub_channel_get_port2 (channel), TRUE);
  g_main_context_pop_thread_default (other);

  g_assert_true (ub_test_post_int (ub_channel_get_port1 (channel), 1));
  ub_test_drain_context ();
  g_assert_cmpuint (sink.messages->len, ==, 0);

  while (g_main_context_iteration (other, FALSE))
    ;
  g_assert_cmpuint (sink.messages->len, ==, 1);

  ub_port_close (ub_channel_get_port2 (channel));
  ub_test_sink_clear (&sink);
}

static void
test_fifo (void)
{
  g_autoptr(UbChannel) channel = ub_channel_new (0);
  UbTestSink sink;

  g_test_summary ("Delivery is FIFO and both directions work");

  ub_test_sink_init (&sink, ub_channel_get_port1 (channel), TRUE);
  for (int i = 0; i < 1000; i++)
    g_assert_true (ub_test_post_int (ub_channel_get_port2 (channel), i));
  UB_TEST_RUN_UNTIL (sink.messages->len == 1000);
  for (int i = 0; i < 1000; i++)
    g_assert_cmpint (ub_test_sink_int (&sink, i), ==, i);

  ub_port_close (ub_channel_get_port1 (channel));
  ub_test_sink_clear (&sink);
}

/* Close ------------------------------------------------------------------- */

static void
test_close_from_sender (void)
{
  g_autoptr(UbChannel) channel = ub_channel_new (0);
  UbPort *port1 = ub_channel_get_port1 (channel);
  UbPort *port2 = ub_channel_get_port2 (channel);
  g_autoptr(GError) error = NULL;
  UbTestSink sink1, sink2;
  UbPortStats stats;

  g_test_summary ("Messages posted before close still arrive, then one close "
                  "on the peer only; the closed port can no longer post");

  ub_test_sink_init (&sink1, port1, TRUE);
  ub_test_sink_init (&sink2, port2, TRUE);
  g_assert_true (ub_test_post_int (port1, 1));
  g_assert_true (ub_test_post_int (port1, 2));
  ub_port_close (port1);
  ub_port_close (port1);
  g_assert_true (ub_port_is_closed (port1));

  g_assert_false (ub_port_post (port1, "test.int", g_variant_new_int32 (3), &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_CLOSED);

  UB_TEST_RUN_UNTIL (sink2.n_close == 1);
  g_assert_cmpuint (sink2.messages->len, ==, 2);

  /* The peer may still post: it is dropped, as on the web. */
  g_assert_true (ub_test_post_int (port2, 4));
  ub_test_drain_context ();
  g_assert_cmpuint (sink1.messages->len, ==, 0);
  g_assert_cmpuint (sink1.n_close, ==, 0);
  g_assert_cmpuint (sink2.n_close, ==, 1);
  g_assert_true (ub_port_get_stats (port1, &stats));
  g_assert_cmpuint (stats.dropped, ==, 1);
  g_assert_true (stats.closed);

  ub_port_close (port2);
  ub_test_drain_context ();
  g_assert_cmpuint (sink1.n_close, ==, 0);
  ub_test_sink_clear (&sink1);
  ub_test_sink_clear (&sink2);
}

static void
test_close_from_receiver (void)
{
  g_autoptr(UbChannel) channel = ub_channel_new (0);
  UbPort *port1 = ub_channel_get_port1 (channel);
  UbPort *port2 = ub_channel_get_port2 (channel);
  UbTestSink sink1, sink2;
  UbPortStats stats;

  g_test_summary ("Closing the receiving port drops what the peer queued for it");

  ub_test_sink_init (&sink1, port1, TRUE);
  ub_test_sink_init (&sink2, port2, FALSE);
  for (int i = 0; i < 5; i++)
    g_assert_true (ub_test_post_int (port1, i));
  ub_port_close (port2);
  ub_port_start (port2);
  g_assert_false (ub_port_is_started (port2));

  UB_TEST_RUN_UNTIL (sink1.n_close == 1);
  g_assert_cmpuint (sink2.messages->len, ==, 0);
  g_assert_true (ub_port_get_stats (port2, &stats));
  g_assert_cmpuint (stats.dropped, ==, 5);
  g_assert_cmpuint (stats.queue_depth, ==, 0);

  ub_port_close (port1);
  ub_test_sink_clear (&sink1);
  ub_test_sink_clear (&sink2);
}

static void
close_on_third (UbPort    *port,
                UbMessage *message,
                gpointer   user_data)
{
  guint *count = user_data;

  if (++*count == 3)
    ub_port_close (port);
}

static void
test_close_inside_handler (void)
{
  g_autoptr(UbChannel) channel = ub_channel_new (0);
  UbPort *port2 = ub_channel_get_port2 (channel);
  guint count = 0;
  UbPortStats stats;

  g_test_summary ("Closing from inside a message handler stops delivery at once");

  for (int i = 0; i < 10; i++)
    g_assert_true (ub_test_post_int (ub_channel_get_port1 (channel), i));
  ub_port_connect_message (port2, close_on_third, &count);
  UB_TEST_RUN_UNTIL (ub_port_is_closed (port2));
  ub_test_drain_context ();
  g_assert_cmpuint (count, ==, 3);
  g_assert_true (ub_port_get_stats (port2, &stats));
  g_assert_cmpuint (stats.delivered, ==, 3);
  g_assert_cmpuint (stats.dropped, ==, 7);
}

static void
test_close_on_last_unref (void)
{
  g_autoptr(UbChannel) channel = ub_channel_new (0);
  g_autoptr(UbPort) port1 = ub_channel_steal_port1 (channel);
  UbTestSink sink;

  g_test_summary ("Dropping the last reference to a port closes it");

  ub_test_sink_init (&sink, ub_channel_get_port2 (channel), TRUE);
  g_clear_object (&port1);
  UB_TEST_RUN_UNTIL (sink.n_close == 1);

  ub_port_close (ub_channel_get_port2 (channel));
  ub_test_sink_clear (&sink);
}

/* messageerror ------------------------------------------------------------ */

static void
test_messageerror (void)
{
  g_autoptr(UbChannel) channel = ub_channel_new (0);
  g_autoptr(GBytes) corrupt = g_bytes_new_static ("abc", 3);   /* no NUL */
  UbTestSink sink;

  g_test_summary ("A body of the wrong type for its registered kind, or a corrupt "
                  "serialised body, fires messageerror instead of message");

  ub_message_register_kind ("test.point", G_VARIANT_TYPE ("(ii)"));
  ub_message_register_kind ("test.name", G_VARIANT_TYPE_STRING);

  ub_test_sink_init (&sink, ub_channel_get_port2 (channel), TRUE);
  g_assert_true (ub_port_post (ub_channel_get_port1 (channel), "test.point",
                               g_variant_new ("(ii)", 1, 2), NULL));
  g_assert_true (ub_port_post (ub_channel_get_port1 (channel), "test.point",
                               g_variant_new ("(s)", "one"), NULL));
  g_assert_true (ub_port_post (ub_channel_get_port1 (channel), "test.point", NULL, NULL));
  g_assert_true (ub_port_post (ub_channel_get_port1 (channel), "test.name",
                               g_variant_new_from_bytes (G_VARIANT_TYPE_STRING, corrupt, FALSE),
                               NULL));
  g_assert_true (ub_port_post (ub_channel_get_port1 (channel), "test.name",
                               g_variant_new_string ("ok"), NULL));
  UB_TEST_RUN_UNTIL (sink.messages->len + sink.n_errors == 5);
  g_assert_cmpuint (sink.messages->len, ==, 2);
  g_assert_cmpuint (sink.n_errors, ==, 3);

  ub_message_register_kind ("test.point", NULL);
  ub_message_register_kind ("test.name", NULL);
  ub_port_close (ub_channel_get_port2 (channel));
  ub_test_sink_clear (&sink);
}

/* Ordering under producers ------------------------------------------------ */

#define N_PRODUCERS 4

typedef struct
{
  UbPort *port;
  guint   producer;
  guint   n_messages;
} Producer;

static gpointer
produce (gpointer data)
{
  Producer *producer = data;

  for (guint i = 0; i < producer->n_messages; i++)
    if (!ub_port_post (producer->port, "test.seq",
                       g_variant_new ("(uu)", producer->producer, i), NULL))
      break;
  return NULL;
}

typedef struct
{
  guint   next[N_PRODUCERS];
  guint   total;
  guint   out_of_order;
} Ordering;

static void
check_order (UbPort    *port,
             UbMessage *message,
             gpointer   user_data)
{
  Ordering *ordering = user_data;
  guint producer, seq;

  g_variant_get (ub_message_get_body (message), "(uu)", &producer, &seq);
  if (producer >= N_PRODUCERS || seq != ordering->next[producer])
    ordering->out_of_order++;
  else
    ordering->next[producer]++;
  ordering->total++;
}

static void
test_ordering_producers (void)
{
  g_autoptr(UbChannel) channel = ub_channel_new (0);
  Producer producers[N_PRODUCERS];
  GThread *threads[N_PRODUCERS];
  Ordering ordering = { { 0 } };
  guint n = ub_test_scale (100000, 10000);
  UbPortStats stats;

  g_test_summary ("4 threads posting 100k messages each on one port: every "
                  "message arrives, each producer's in order (10k each under "
                  "ASan unless -m slow)");

  ub_port_connect_message (ub_channel_get_port2 (channel), check_order, &ordering);
  for (guint i = 0; i < N_PRODUCERS; i++)
    {
      producers[i] = (Producer) { ub_channel_get_port1 (channel), i, n };
      threads[i] = g_thread_new ("producer", produce, &producers[i]);
    }

  UB_TEST_RUN_UNTIL (ordering.total == N_PRODUCERS * n);
  for (guint i = 0; i < N_PRODUCERS; i++)
    g_thread_join (threads[i]);

  g_assert_cmpuint (ordering.out_of_order, ==, 0);
  for (guint i = 0; i < N_PRODUCERS; i++)
    g_assert_cmpuint (ordering.next[i], ==, n);
  g_assert_true (ub_port_get_stats (ub_channel_get_port2 (channel), &stats));
  g_assert_cmpuint (stats.delivered, ==, N_PRODUCERS * n);
  g_assert_cmpuint (stats.dropped, ==, 0);
  g_assert_cmpuint (stats.queue_depth, ==, 0);
  g_assert_cmpuint (stats.high_water, >=, 1);
  g_assert_true (ub_port_get_stats (ub_channel_get_port1 (channel), &stats));
  g_assert_cmpuint (stats.posted, ==, N_PRODUCERS * n);

  ub_port_close (ub_channel_get_port2 (channel));
}

/* Back-pressure on the main thread ----------------------------------------- */

static void
test_bounded_main_thread (void)
{
  g_autoptr(UbChannel) channel = ub_channel_new (2);
  g_autoptr(GError) error = NULL;
  g_autoptr(UbMessage) message = NULL;
  UbPortStats stats;

  g_test_summary ("A full bounded channel never blocks a non-worker thread: "
                  "the post fails with UB_ERROR_FULL and sends nothing");

  g_assert_true (ub_test_post_int (ub_channel_get_port1 (channel), 1));
  g_assert_true (ub_test_post_int (ub_channel_get_port1 (channel), 2));
  g_assert_false (ub_port_post (ub_channel_get_port1 (channel), "test.int",
                                g_variant_new_int32 (3), &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_FULL);
  g_clear_error (&error);

  g_assert_true (ub_port_get_stats (ub_channel_get_port2 (channel), &stats));
  g_assert_cmpuint (stats.queue_depth, ==, 2);
  g_assert_cmpuint (stats.capacity, ==, 2);

  message = ub_port_receive (ub_channel_get_port2 (channel), 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ub_test_post_int (ub_channel_get_port1 (channel), 3));
  g_assert_true (ub_port_get_stats (ub_channel_get_port2 (channel), &stats));
  g_assert_cmpuint (stats.high_water, ==, 2);
}

/* Latest value ------------------------------------------------------------ */

static void
test_latest_value (void)
{
  g_autoptr(UbChannel) channel = ub_channel_new (0);
  UbPort *port1 = ub_channel_get_port1 (channel);
  UbTestSink sink;
  UbPortStats stats;

  g_test_summary ("A latest-value post replaces an undelivered one with the same "
                  "key, in place; other keys and plain messages are untouched");

  ub_test_sink_init (&sink, ub_channel_get_port2 (channel), FALSE);
  g_assert_true (ub_test_post_int (port1, -1));
  for (int i = 0; i < 100; i++)
    g_assert_true (ub_port_post_latest (port1, "progress", "test.int",
                                        g_variant_new_int32 (i), NULL));
  g_assert_true (ub_port_post_latest (port1, "other", "test.int",
                                      g_variant_new_int32 (1000), NULL));
  g_assert_true (ub_test_post_int (port1, -2));
  g_assert_true (ub_port_post_latest (port1, "progress", "test.int",
                                      g_variant_new_int32 (100), NULL));

  g_assert_true (ub_port_get_stats (ub_channel_get_port2 (channel), &stats));
  g_assert_cmpuint (stats.queue_depth, ==, 4);
  g_assert_cmpuint (stats.replaced, ==, 100);

  ub_port_start (ub_channel_get_port2 (channel));
  UB_TEST_RUN_UNTIL (sink.messages->len == 4);
  g_assert_cmpint (ub_test_sink_int (&sink, 0), ==, -1);
  g_assert_cmpint (ub_test_sink_int (&sink, 1), ==, 100);
  g_assert_cmpint (ub_test_sink_int (&sink, 2), ==, 1000);
  g_assert_cmpint (ub_test_sink_int (&sink, 3), ==, -2);

  /* Once delivered, the key queues afresh. */
  g_assert_true (ub_port_post_latest (port1, "progress", "test.int",
                                      g_variant_new_int32 (101), NULL));
  UB_TEST_RUN_UNTIL (sink.messages->len == 5);
  g_assert_cmpint (ub_test_sink_int (&sink, 4), ==, 101);

  ub_port_close (ub_channel_get_port2 (channel));
  ub_test_sink_clear (&sink);
}

/* Blocking receive -------------------------------------------------------- */

static gpointer
cancel_soon (gpointer data)
{
  g_cancellable_cancel (data);
  return NULL;
}

static void
test_receive (void)
{
  g_autoptr(UbChannel) channel = ub_channel_new (0);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(UbMessage) message = NULL;
  GThread *thread;

  g_test_summary ("Blocking receive: a message, a timeout, a cancellation from "
                  "another thread, the peer's close, and refusal on a started port");

  g_assert_true (ub_test_post_int (ub_channel_get_port1 (channel), 5));
  message = ub_port_receive (ub_channel_get_port2 (channel), -1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_variant_get_int32 (ub_message_get_body (message)), ==, 5);
  g_clear_pointer (&message, ub_message_unref);

  message = ub_port_receive (ub_channel_get_port2 (channel), 1000, NULL, &error);
  g_assert_null (message);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_clear_error (&error);

  thread = g_thread_new ("cancel", cancel_soon, cancellable);
  message = ub_port_receive (ub_channel_get_port2 (channel), -1, cancellable, &error);
  g_thread_join (thread);
  g_assert_null (message);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  ub_port_close (ub_channel_get_port1 (channel));
  message = ub_port_receive (ub_channel_get_port2 (channel), -1, NULL, &error);
  g_assert_null (message);
  g_assert_error (error, UB_ERROR, UB_ERROR_CLOSED);
  g_clear_error (&error);

  {
    g_autoptr(UbChannel) started = ub_channel_new (0);

    ub_port_start (ub_channel_get_port2 (started));
    message = ub_port_receive (ub_channel_get_port2 (started), 0, NULL, &error);
    g_assert_null (message);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
    ub_port_close (ub_channel_get_port2 (started));
  }
}

/* Delivery source ---------------------------------------------------------- */

static gboolean
count_idle (gpointer data)
{
  (*(guint *) data)++;
  return G_SOURCE_CONTINUE;
}

static void
count_delivered (UbPort    *port,
                 UbMessage *message,
                 gpointer   user_data)
{
  (*(guint *) user_data)++;
}

static void
test_delivery_yields (void)
{
  g_autoptr(UbChannel) channel = ub_channel_new (0);
  guint n = ub_test_scale (300000, 30000), delivered = 0, ticks = 0, ticks_during = 0;
  GSource *idle;
  UbPortStats stats;

  g_test_summary ("A flood is drained in time-budgeted batches: "
                  "a 1 ms timer at DEFAULT priority keeps running while it drains");

  for (guint i = 0; i < n; i++)
    g_assert_true (ub_port_post (ub_channel_get_port1 (channel), "test.nil", NULL, NULL));

  idle = g_timeout_source_new (1);
  g_source_set_priority (idle, G_PRIORITY_DEFAULT);
  g_source_set_callback (idle, count_idle, &ticks, NULL);
  g_source_attach (idle, NULL);

  ub_port_connect_message (ub_channel_get_port2 (channel), count_delivered, &delivered);
  while (delivered < n)
    {
      g_main_context_iteration (NULL, TRUE);
      if (delivered > 0 && delivered < n)
        ticks_during = ticks;
    }
  g_source_destroy (idle);
  g_source_unref (idle);

  g_assert_cmpuint (delivered, ==, n);
  g_assert_cmpuint (ticks_during, >=, 1);
  g_assert_true (ub_port_get_stats (ub_channel_get_port2 (channel), &stats));
  g_assert_cmpuint (stats.high_water, ==, n);
  ub_port_close (ub_channel_get_port2 (channel));
}

static gpointer
post_burst (gpointer data)
{
  for (int i = 0; i < 1000; i++)
    ub_test_post_int (data, i);
  return NULL;
}

/* GTK's frame clock, standing in: at GDK_PRIORITY_REDRAW, always ready
 * again, each frame taking longer than a frame interval (a slow machine,
 * a sanitizer's build, with a tick callback asking for every frame). */
#define REDRAW_PRIORITY (G_PRIORITY_HIGH_IDLE + 20)

static gboolean
slow_frame (gpointer data)
{
  gint64 end = g_get_monotonic_time () + 20000;

  (*(guint *) data)++;
  while (g_get_monotonic_time () < end)
    ;
  return G_SOURCE_CONTINUE;
}

static void
test_delivery_beside_slow_frames (void)
{
  g_autoptr(UbChannel) channel = ub_channel_new (0);
  g_autoptr(GThread) producer = NULL;
  guint n = ub_test_scale (300000, 30000), delivered = 0, frames = 0, frames_during = 0;
  gint64 deadline;
  GSource *frame;

  g_test_summary ("Messages still arrive while every iteration has a redraw ready that "
                  "takes longer than a frame, and a flood lets the frames go on");

  frame = g_idle_source_new ();
  g_source_set_priority (frame, REDRAW_PRIORITY);
  g_source_set_callback (frame, slow_frame, &frames, NULL);
  g_source_attach (frame, NULL);
  ub_port_connect_message (ub_channel_get_port2 (channel), count_delivered, &delivered);

  /* A burst from another thread, as a worker's replies come. Below
   * redraw, nothing at all came in 30 s. */
  g_main_context_iteration (NULL, FALSE);
  producer = g_thread_new ("producer", post_burst, ub_channel_get_port1 (channel));
  deadline = g_get_monotonic_time () + 30 * G_TIME_SPAN_SECOND;
  while (delivered < 1000 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (delivered, ==, 1000);

  /* A flood that takes many budgeted dispatches: the frames go on. */
  delivered = 0;
  for (guint i = 0; i < n; i++)
    g_assert_true (ub_port_post (ub_channel_get_port1 (channel), "test.nil", NULL, NULL));
  frames = 0;
  while (delivered < n)
    {
      g_main_context_iteration (NULL, TRUE);
      if (delivered < n)
        frames_during = frames;
    }
  g_source_destroy (frame);
  g_source_unref (frame);
  g_assert_cmpuint (frames_during, >=, 2);
  ub_port_close (ub_channel_get_port2 (channel));
}

static void
test_delivery_wakes_once_per_burst (void)
{
  g_autoptr(UbChannel) channel = ub_channel_new (0);
  UbTestSink sink;
  UbPortStats stats;
  GThread *thread;

  g_test_summary ("The delivery source is woken only when its queue goes from "
                  "empty to non-empty: one wake-up for a burst");

  ub_test_sink_init (&sink, ub_channel_get_port2 (channel), TRUE);
  ub_test_drain_context ();

  /* The loop does not run while the burst is posted from another thread. */
  thread = g_thread_new ("burst", post_burst, ub_channel_get_port1 (channel));
  g_thread_join (thread);
  g_assert_true (ub_port_get_stats (ub_channel_get_port2 (channel), &stats));
  g_assert_cmpuint (stats.wakeups, ==, 1);
  g_assert_cmpuint (stats.queue_depth, ==, 1000);

  UB_TEST_RUN_UNTIL (sink.messages->len == 1000);
  ub_test_drain_context ();
  g_assert_true (ub_port_get_stats (ub_channel_get_port2 (channel), &stats));
  g_assert_cmpuint (stats.wakeups, ==, 1);

  /* Asleep again on the empty queue: the next post wakes it once more. */
  g_assert_true (ub_test_post_int (ub_channel_get_port1 (channel), 1));
  g_assert_true (ub_test_post_int (ub_channel_get_port1 (channel), 2));
  g_assert_true (ub_port_get_stats (ub_channel_get_port2 (channel), &stats));
  g_assert_cmpuint (stats.wakeups, ==, 2);
  UB_TEST_RUN_UNTIL (sink.messages->len == 1002);

  ub_port_close (ub_channel_get_port2 (channel));
  ub_test_sink_clear (&sink);
}

/* A ping-pong between the main loop and a thread's own loop, each asleep
 * between two messages: every post must wake the other side's delivery
 * source (a lost wake-up hangs here until the test's timeout). Each
 * started port polls a descriptor of its own, given back when its source
 * goes: starting and closing many ports leaves as many open as before. */

typedef struct
{
  UbPort       *port;      /* (unowned) the echoing end */
  GMainContext *context;   /* (owned) the thread's own */
  gboolean      stop;      /* only the echo thread reads and writes it */
} Echo;

static void
echo_message (UbPort    *port,
              UbMessage *message,
              gpointer   user_data)
{
  Echo *echo = user_data;

  if (ub_message_is_kind (message, "test.stop"))
    echo->stop = TRUE;
  else
    g_assert_true (ub_port_post (port, "test.int", ub_message_get_body (message), NULL));
}

static gpointer
echo_thread (gpointer data)
{
  Echo *echo = data;

  g_main_context_push_thread_default (echo->context);
  ub_port_connect_message (echo->port, echo_message, echo);
  while (!echo->stop)
    g_main_context_iteration (echo->context, TRUE);
  ub_port_close (echo->port);
  g_main_context_pop_thread_default (echo->context);
  return NULL;
}

static guint
count_open_fds (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  if (dir == NULL)
    return 0;
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static void
test_delivery_wakes_sleeping_loops (void)
{
  g_autoptr(UbChannel) channel = ub_channel_new (0);
  Echo echo = { ub_channel_get_port2 (channel), g_main_context_new (), FALSE };
  guint n_pings = 2000, before;
  UbTestSink sink;
  GThread *thread;

  g_test_summary ("Every post wakes a delivery source asleep in another thread's "
                  "loop; a started port gives its wake-up descriptor back");

  ub_test_sink_init (&sink, ub_channel_get_port1 (channel), TRUE);
  thread = g_thread_new ("echo", echo_thread, &echo);
  for (guint i = 0; i < n_pings; i++)
    {
      g_assert_true (ub_test_post_int (ub_channel_get_port1 (channel), (gint32) i));
      UB_TEST_RUN_UNTIL (sink.messages->len == i + 1);
    }
  g_assert_true (ub_port_post (ub_channel_get_port1 (channel), "test.stop", NULL, NULL));
  g_thread_join (thread);
  for (guint i = 0; i < n_pings; i++)
    g_assert_cmpint (g_variant_get_int32 (ub_message_get_body (sink.messages->pdata[i])), ==,
                     (gint32) i);
  ub_port_close (ub_channel_get_port1 (channel));
  ub_test_sink_clear (&sink);
  g_main_context_unref (echo.context);

  before = count_open_fds ();
  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(UbChannel) other = ub_channel_new (0);

      ub_port_start (ub_channel_get_port1 (other));
      ub_port_start (ub_channel_get_port2 (other));
      ub_port_close (ub_channel_get_port1 (other));
    }
  ub_test_drain_context ();
  g_assert_cmpuint (count_open_fds (), <=, before);
}

/* Bad input ---------------------------------------------------------------- */

static void
test_bad_input (void)
{
  g_autoptr(UbChannel) channel = ub_channel_new (0);
  UbPortStats stats;

  g_test_summary ("Public functions reject bad arguments with a critical, not a crash");

  g_test_expect_message ("Unblock-Workers", G_LOG_LEVEL_CRITICAL, "*UB_IS_PORT*");
  g_assert_false (ub_port_post (NULL, "test", NULL, NULL));
  g_test_assert_expected_messages ();

  g_test_expect_message ("Unblock-Workers", G_LOG_LEVEL_CRITICAL, "*kind != NULL*");
  g_assert_false (ub_port_post (ub_channel_get_port1 (channel), NULL,
                                g_variant_new_int32 (1), NULL));
  g_test_assert_expected_messages ();

  g_test_expect_message ("Unblock-Workers", G_LOG_LEVEL_CRITICAL, "*message != NULL*");
  g_assert_false (ub_port_post_message (ub_channel_get_port1 (channel), NULL, NULL, NULL, NULL));
  g_test_assert_expected_messages ();

  g_test_expect_message ("Unblock-Workers", G_LOG_LEVEL_CRITICAL, "*UB_IS_PORT*");
  g_assert_false (ub_port_get_stats (NULL, &stats));
  g_test_assert_expected_messages ();

  g_test_expect_message ("Unblock-Workers", G_LOG_LEVEL_CRITICAL, "*kind != NULL*");
  g_assert_null (ub_message_new (NULL, NULL));
  g_test_assert_expected_messages ();

  g_test_expect_message ("Unblock-Workers", G_LOG_LEVEL_CRITICAL, "*data != NULL*");
  g_assert_null (ub_buffer_new_take (NULL, 4, NULL));
  g_test_assert_expected_messages ();
}

static void
test_labels_and_snapshot (void)
{
  g_autoptr(UbChannel) channel = ub_channel_new (0);
  g_autoptr(UbRuntimeSnapshot) snapshot = NULL;
  g_autofree char *label = NULL;
  gboolean found = FALSE;

  g_test_summary ("Ports carry a label and appear in the runtime snapshot with their counters");

  ub_port_set_label (ub_channel_get_port2 (channel), "test sink");
  label = ub_port_dup_label (ub_channel_get_port2 (channel));
  g_assert_cmpstr (label, ==, "test sink");
  g_assert_true (ub_test_post_int (ub_channel_get_port1 (channel), 1));
  g_assert_true (ub_port_post_latest (ub_channel_get_port1 (channel), "k", "test.int",
                                      g_variant_new_int32 (1), NULL));
  g_assert_true (ub_port_post_latest (ub_channel_get_port1 (channel), "k", "test.int",
                                      g_variant_new_int32 (2), NULL));

  snapshot = ub_runtime_snapshot ();
  for (guint i = 0; i < snapshot->ports->len; i++)
    {
      UbRuntimePortInfo *info = &g_array_index (snapshot->ports, UbRuntimePortInfo, i);

      if (g_strcmp0 (info->label, "test sink") == 0)
        {
          found = TRUE;
          g_assert_cmpuint (info->stats.queue_depth, ==, 2);
          g_assert_cmpuint (info->stats.replaced, ==, 1);
        }
    }
  g_assert_true (found);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/runtime/message/basics", test_message_basics);
  g_test_add_func ("/runtime/port/start/nothing-before-start", test_nothing_delivered_before_start);
  g_test_add_func ("/runtime/port/start/connect-message-starts", test_connect_message_starts);
  g_test_add_func ("/runtime/port/start/delivers-in-starting-context", test_delivers_in_starting_context);
  g_test_add_func ("/runtime/port/fifo", test_fifo);
  g_test_add_func ("/runtime/port/close/from-sender", test_close_from_sender);
  g_test_add_func ("/runtime/port/close/from-receiver", test_close_from_receiver);
  g_test_add_func ("/runtime/port/close/inside-handler", test_close_inside_handler);
  g_test_add_func ("/runtime/port/close/last-unref", test_close_on_last_unref);
  g_test_add_func ("/runtime/port/messageerror", test_messageerror);
  g_test_add_func ("/runtime/port/ordering/4-producers-100k", test_ordering_producers);
  g_test_add_func ("/runtime/port/bounded/main-thread-fails", test_bounded_main_thread);
  g_test_add_func ("/runtime/port/latest-value", test_latest_value);
  g_test_add_func ("/runtime/port/receive", test_receive);
  g_test_add_func ("/runtime/port/delivery/yields", test_delivery_yields);
  g_test_add_func ("/runtime/port/delivery/wakes-once-per-burst", test_delivery_wakes_once_per_burst);
  g_test_add_func ("/runtime/port/delivery/wakes-sleeping-loops", test_delivery_wakes_sleeping_loops);
  g_test_add_func ("/runtime/port/delivery/beside-slow-frames", test_delivery_beside_slow_frames);
  g_test_add_func ("/runtime/port/bad-input", test_bad_input);
  g_test_add_func ("/runtime/port/snapshot", test_labels_and_snapshot);

  return g_test_run ();
}
