/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-test-runtime.h"

/* The port's posting and receiving API: the transfer list as an argument
 * of the post, one clone error, reserved kinds, back-pressure on any
 * thread but the main one, the asynchronous receive, and bytes messages. */

static gint32
message_int (UbMessage *message)
{
  g_assert_nonnull (message);
  g_assert_true (ub_message_is_kind (message, "test.int"));
  return g_variant_get_int32 (ub_message_get_body (message));
}

/* Transfer list ------------------------------------------------------------ */

/* webmessaging/Transferred_objects_unusable.sub.htm: what the transfer
 * list names is moved and unusable on the sending side; the message data
 * itself is only cloned, so posting it again sends it again. Posting it
 * again with the same, now detached, list is a DataCloneError
 * (webmessaging/Channel_postMessage_clone_port_error.any.js). */
static void
test_transfer_list_is_an_argument (void)
{
  g_autoptr(UbChannel) channel = ub_channel_new (0);
  g_autoptr(UbMessage) message = ub_message_new ("test.pixels", g_variant_new_uint32 (7));
  g_autoptr(UbBuffer) buffer = ub_buffer_new (32);
  g_autoptr(UbMessage) first = NULL;
  g_autoptr(UbMessage) second = NULL;
  g_autoptr(GError) error = NULL;
  UbPort *port1 = ub_channel_get_port1 (channel);
  UbPort *port2 = ub_channel_get_port2 (channel);

  g_test_summary ("The transfer list is an argument of the post: the posted "
                  "message keeps nothing of it and can be posted again");

  g_assert_true (ub_port_post_message (port1, message, (gpointer []) { buffer, NULL },
                                       NULL, &error));
  g_assert_no_error (error);
  g_assert_true (ub_buffer_is_detached (buffer));
  g_assert_cmpuint (ub_message_get_n_buffers (message), ==, 0);

  /* Again, without transfers: the same body, no buffer. */
  g_assert_true (ub_port_post_message (port1, message, NULL, NULL, &error));
  g_assert_no_error (error);

  /* Again, with the detached buffer: nothing is sent. */
  g_assert_false (ub_port_post_message (port1, message, (gpointer []) { buffer, NULL },
                                        NULL, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_DATA_CLONE);
  g_clear_error (&error);

  first = ub_port_receive (port2, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ub_message_get_n_buffers (first), ==, 1);
  g_assert_cmpuint (ub_buffer_get_size (ub_message_get_buffer (first, 0)), ==, 32);
  g_assert_cmpuint (g_variant_get_uint32 (ub_message_get_body (first)), ==, 7);

  second = ub_port_receive (port2, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ub_message_get_n_buffers (second), ==, 0);
  g_assert_cmpuint (g_variant_get_uint32 (ub_message_get_body (second)), ==, 7);

  g_assert_null (ub_port_receive (port2, 0, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
}

/* One code for every clone failure, as every one is a DataCloneError on
 * the web: webmessaging/Channel_postMessage_DataCloneErr.any.js (an
 * object that cannot be cloned), Channel_postMessage_clone_port_error
 * (the source port), postMessage_dup_transfer_objects.htm (an object
 * twice), Transferred_objects_unusable.sub.htm (already transferred). */
static void
test_one_clone_error (void)
{
  g_autoptr(UbChannel) channel = ub_channel_new (0);
  g_autoptr(UbChannel) other = ub_channel_new (0);
  g_autoptr(UbMessage) message = ub_message_new ("test.transfer", NULL);
  g_autoptr(UbBuffer) buffer = ub_buffer_new (8);
  g_autoptr(UbBuffer) moved = ub_buffer_new (8);
  g_autoptr(GObject) plain = g_object_new (G_TYPE_OBJECT, NULL);
  UbPort *port1 = ub_channel_get_port1 (channel);
  UbPort *port2 = ub_channel_get_port2 (channel);
  UbPort *spare = ub_channel_get_port1 (other);
  gpointer *lists[] = {
    (gpointer []) { plain, NULL },
    (gpointer []) { port1, NULL },
    (gpointer []) { port2, NULL },
    (gpointer []) { buffer, spare, buffer, NULL },
    (gpointer []) { spare, spare, NULL },
    (gpointer []) { buffer, moved, NULL },
  };
  UbPortStats stats;

  g_test_summary ("Every transfer list that cannot be moved fails with "
                  "UB_ERROR_DATA_CLONE and moves nothing");

  g_assert_true (ub_port_post_message (port1, message, (gpointer []) { moved, NULL },
                                       NULL, NULL));

  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (ub_port_post_message (port1, message, lists[i], NULL, &error));
      g_assert_error (error, UB_ERROR, UB_ERROR_DATA_CLONE);
    }

  g_assert_false (ub_buffer_is_detached (buffer));
  g_assert_false (ub_port_is_detached (spare));
  g_assert_false (ub_port_is_detached (port2));
  g_assert_true (ub_port_get_stats (port2, &stats));
  g_assert_cmpuint (stats.queue_depth, ==, 1);
}

/* Reserved kinds ----------------------------------------------------------- */

static void
test_reserved_kind_rejected (void)
{
  g_autoptr(UbChannel) channel = ub_channel_new (0);
  g_autoptr(UbMessage) message = ub_message_new ("ub.remote.call", NULL);
  g_autoptr(UbMessage) received = NULL;
  g_autoptr(GError) error = NULL;
  UbPort *port1 = ub_channel_get_port1 (channel);
  UbPort *port2 = ub_channel_get_port2 (channel);
  UbPortStats stats;

  g_test_summary ("A user message kind starting with the runtime's prefix ub. is "
                  "rejected with UB_ERROR_RESERVED_KIND by every post, not swallowed");

  g_assert_false (ub_port_post (port1, "ub.anything", g_variant_new_int32 (1), &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_RESERVED_KIND);
  g_clear_error (&error);
  g_assert_false (ub_port_post_message (port1, message, NULL, NULL, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_RESERVED_KIND);
  g_clear_error (&error);
  g_assert_false (ub_port_post_latest (port1, "progress", "ub.remote.progress", NULL, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_RESERVED_KIND);
  g_clear_error (&error);

  g_assert_true (ub_port_get_stats (port1, &stats));
  g_assert_cmpuint (stats.posted, ==, 0);
  g_assert_true (ub_port_get_stats (port2, &stats));
  g_assert_cmpuint (stats.queue_depth, ==, 0);

  /* Only the prefix is reserved. */
  g_assert_true (ub_port_post (port1, "ubx.kind", NULL, &error));
  g_assert_no_error (error);
  received = ub_port_receive (port2, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ub_message_get_kind (received), ==, "ubx.kind");
}

/* Back-pressure ------------------------------------------------------------ */

typedef struct
{
  UbPort *port;       /* (unowned) */
  guint   n;
  guint   n_sent;     /* written by the producer, read after the join */
  GError *error;      /* likewise */
} Producer;

static gpointer
plain_producer (gpointer data)
{
  Producer *p = data;

  for (guint i = 0; i < p->n; i++)
    {
      if (!ub_port_post (p->port, "test.int", g_variant_new_int32 ((gint32) i), &p->error))
        break;
      p->n_sent++;
    }
  return NULL;
}

static void
test_bounded_plain_thread_waits (void)
{
  g_autoptr(UbChannel) channel = ub_channel_new (2);
  Producer producer = { ub_channel_get_port1 (channel), 200, 0, NULL };
  UbPort *port2 = ub_channel_get_port2 (channel);
  GThread *thread;
  UbPortStats stats;

  g_test_summary ("A thread that is not a UbWorker's, but not the main one, waits "
                  "on a full bounded channel instead of failing with UB_ERROR_FULL");

  thread = g_thread_new ("plain-producer", plain_producer, &producer);
  for (guint i = 0; i < producer.n; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(UbMessage) message = ub_port_receive (port2, 30 * G_USEC_PER_SEC, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (message_int (message), ==, (gint32) i);
    }
  g_thread_join (thread);

  g_assert_no_error (producer.error);
  g_assert_cmpuint (producer.n_sent, ==, producer.n);
  g_assert_true (ub_port_get_stats (port2, &stats));
  g_assert_cmpuint (stats.high_water, <=, 2);
}

/* A producer that waits for room and the receiving port closing under it:
 * the wait ends with an error, it never hangs. */
static void
test_bounded_wait_ends_on_close (void)
{
  g_autoptr(UbChannel) channel = ub_channel_new (1);
  Producer producer = { ub_channel_get_port1 (channel), 50, 0, NULL };
  UbPort *port2 = ub_channel_get_port2 (channel);
  GThread *thread;
  UbPortStats stats;

  g_test_summary ("Closing the receiving port wakes a producer waiting for room");

  thread = g_thread_new ("plain-producer", plain_producer, &producer);
  /* Wait until the producer is blocked on the full queue. */
  do
    {
      g_thread_yield ();
      g_assert_true (ub_port_get_stats (port2, &stats));
    }
  while (stats.queue_depth < 1);
  ub_port_close (port2);
  g_thread_join (thread);

  /* Posting to a closed peer succeeds and drops (as on the web), so the
   * producer either finished or was told the port closed; it did not hang. */
  g_assert_true (producer.n_sent == producer.n ||
                 g_error_matches (producer.error, UB_ERROR, UB_ERROR_CLOSED));
  g_clear_error (&producer.error);
}

/* Asynchronous receive ----------------------------------------------------- */

typedef struct
{
  GPtrArray *messages;   /* (owned) UbMessage */
  GError    *error;      /* (owned) (nullable) the last failure */
  guint      n_done;
} Receiver;

static void
receiver_clear (Receiver *r)
{
  g_clear_pointer (&r->messages, g_ptr_array_unref);
  g_clear_error (&r->error);
}

static void
on_received (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Receiver *r = user_data;
  UbMessage *message;

  g_clear_error (&r->error);
  message = ub_port_receive_finish (UB_PORT (object), result, &r->error);
  g_assert_true ((message != NULL) != (r->error != NULL));
  if (message != NULL)
    g_ptr_array_add (r->messages, message);
  r->n_done++;
}

static void
receiver_init (Receiver *r)
{
  r->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) ub_message_unref);
  r->error = NULL;
  r->n_done = 0;
}

static gpointer
post_later (gpointer data)
{
  ub_test_post_int (data, 42);
  return NULL;
}

static void
test_receive_async_basics (void)
{
  g_autoptr(UbChannel) channel = ub_channel_new (0);
  UbPort *port1 = ub_channel_get_port1 (channel);
  UbPort *port2 = ub_channel_get_port2 (channel);
  Receiver r;
  GThread *thread;

  g_test_summary ("An async receive completes with a queued message, or with the "
                  "next one posted from another thread, in order, in the caller's "
                  "context; the port is not started by it");

  receiver_init (&r);
  for (int i = 0; i < 3; i++)
    g_assert_true (ub_test_post_int (port1, i));

  for (guint i = 0; i < 3; i++)
    {
      ub_port_receive_async (port2, NULL, on_received, &r);
      g_assert_false (ub_port_is_started (port2));
      UB_TEST_RUN_UNTIL (r.n_done == i + 1);
      g_assert_no_error (r.error);
      g_assert_cmpint (message_int (g_ptr_array_index (r.messages, i)), ==, (gint32) i);
    }

  /* Nothing queued: it waits for a post from another thread. */
  ub_port_receive_async (port2, NULL, on_received, &r);
  thread = g_thread_new ("poster", post_later, port1);
  UB_TEST_RUN_UNTIL (r.n_done == 4);
  g_thread_join (thread);
  g_assert_no_error (r.error);
  g_assert_cmpint (message_int (g_ptr_array_index (r.messages, 3)), ==, 42);

  /* Afterwards the port can still be started. */
  ub_port_start (port2);
  g_assert_true (ub_port_is_started (port2));
  receiver_clear (&r);
}

static void
test_receive_async_cancel_loses_nothing (void)
{
  g_autoptr(UbChannel) channel = ub_channel_new (0);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GCancellable) early = g_cancellable_new ();
  UbPort *port1 = ub_channel_get_port1 (channel);
  UbPort *port2 = ub_channel_get_port2 (channel);
  Receiver r;

  g_test_summary ("Cancelling an async receive fails it with G_IO_ERROR_CANCELLED "
                  "and leaves later messages queued for the next receive");

  receiver_init (&r);
  ub_port_receive_async (port2, cancellable, on_received, &r);
  ub_test_drain_context ();
  g_assert_cmpuint (r.n_done, ==, 0);
  g_cancellable_cancel (cancellable);
  UB_TEST_RUN_UNTIL (r.n_done == 1);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_cancellable_cancel (early);
  ub_port_receive_async (port2, early, on_received, &r);
  UB_TEST_RUN_UNTIL (r.n_done == 2);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_assert_true (ub_test_post_int (port1, 5));
  ub_port_receive_async (port2, NULL, on_received, &r);
  UB_TEST_RUN_UNTIL (r.n_done == 3);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.messages->len, ==, 1);
  g_assert_cmpint (message_int (g_ptr_array_index (r.messages, 0)), ==, 5);
  receiver_clear (&r);
}

/* webmessaging/message-channels/close.any.js: closing a port stops what
 * it would receive; the peer's close reaches a waiting receive too. */
static void
test_receive_async_close (void)
{
  g_autoptr(UbChannel) channel = ub_channel_new (0);
  g_autoptr(UbChannel) other = ub_channel_new (0);
  UbPort *port2 = ub_channel_get_port2 (channel);
  Receiver r;

  g_test_summary ("A pending async receive fails with UB_ERROR_CLOSED when its port "
                  "closes or its peer closes; a second one at once is G_IO_ERROR_PENDING; "
                  "a started port is G_IO_ERROR_BUSY");

  receiver_init (&r);
  ub_port_receive_async (port2, NULL, on_received, &r);
  ub_port_receive_async (port2, NULL, on_received, &r);
  UB_TEST_RUN_UNTIL (r.n_done == 1);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_PENDING);

  ub_port_close (ub_channel_get_port1 (channel));
  UB_TEST_RUN_UNTIL (r.n_done == 2);
  g_assert_error (r.error, UB_ERROR, UB_ERROR_CLOSED);

  ub_port_receive_async (ub_channel_get_port2 (other), NULL, on_received, &r);
  ub_test_drain_context ();
  ub_port_close (ub_channel_get_port2 (other));
  UB_TEST_RUN_UNTIL (r.n_done == 3);
  g_assert_error (r.error, UB_ERROR, UB_ERROR_CLOSED);

  ub_port_start (ub_channel_get_port1 (other));
  ub_port_receive_async (ub_channel_get_port1 (other), NULL, on_received, &r);
  UB_TEST_RUN_UNTIL (r.n_done == 4);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_assert_cmpuint (r.messages->len, ==, 0);
  receiver_clear (&r);
}

/* A chain of async receives on the main thread against a producer on
 * another: every message arrives once, in order. */
static void
test_receive_async_stream (void)
{
  g_autoptr(UbChannel) channel = ub_channel_new (4);
  Producer producer = { ub_channel_get_port1 (channel), ub_test_scale (5000, 1000), 0, NULL };
  UbPort *port2 = ub_channel_get_port2 (channel);
  GThread *thread;
  Receiver r;

  g_test_summary ("Async receives against a producer on another thread, through a "
                  "bounded channel, see every message once and in order");

  receiver_init (&r);
  thread = g_thread_new ("plain-producer", plain_producer, &producer);
  while (r.messages->len < producer.n)
    {
      guint before = r.n_done;

      ub_port_receive_async (port2, NULL, on_received, &r);
      UB_TEST_RUN_UNTIL (r.n_done == before + 1);
      g_assert_no_error (r.error);
    }
  g_thread_join (thread);

  g_assert_no_error (producer.error);
  for (guint i = 0; i < producer.n; i++)
    g_assert_cmpint (message_int (g_ptr_array_index (r.messages, i)), ==, (gint32) i);
  receiver_clear (&r);
}

/* Bodies of bulk numbers ---------------------------------------------------- */

/* webmessaging/message-channels/basics.any.js delivers what was posted;
 * a body that is not a valid serialised value fires messageerror
 * instead. Arrays of fixed-size numbers are judged by their size alone. */
static void
test_numeric_array_bodies (void)
{
  static const guint8 bytes[6] = { 1, 2, 3, 4, 5, 6 };
  g_autoptr(UbChannel) channel = ub_channel_new (0);
  UbPort *port1 = ub_channel_get_port1 (channel);
  UbPort *port2 = ub_channel_get_port2 (channel);
  const char *types[] = { "ay", "aq", "ai", "at", "ab" };
  gboolean valid[] = { TRUE, TRUE, FALSE, FALSE, FALSE };

  g_test_summary ("A numeric array body whose size is a whole number of elements is "
                  "delivered; one that is not, or a boolean array with other bytes "
                  "than 0 and 1, fires messageerror");

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(UbMessage) received = NULL;
      GVariant *body = g_variant_new_from_data (G_VARIANT_TYPE (types[i]), bytes, sizeof bytes,
                                                FALSE, NULL, NULL);

      g_assert_true (ub_port_post (port1, "test.numbers", body, &error));
      g_assert_no_error (error);
      received = ub_port_receive (port2, 0, NULL, &error);
      if (valid[i])
        {
          g_assert_no_error (error);
          g_assert_cmpuint (g_variant_get_size (ub_message_get_body (received)), ==, 6);
        }
      else
        {
          g_assert_null (received);
          g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
        }
    }
}

/* Bytes messages ------------------------------------------------------------ */

static void
collect_message (UbPort    *port,
                 UbMessage *message,
                 gpointer   user_data)
{
  g_ptr_array_add (user_data, ub_message_ref (message));
}

/* webmessaging/message-channels/basics.any.js: what was posted arrives, in
 * order, whether it is received or delivered to a handler. A bytes body is
 * shared, not copied; a kind registered with a GVariant type expects one,
 * so a bytes message of it fires messageerror (as a body of the wrong type
 * does); the reserved prefix is refused as for any post. */
static void
test_bytes_messages (void)
{
  static const char text[] = "sixty-four bytes, or a few less";
  g_autoptr(UbChannel) channel = ub_channel_new (0);
  g_autoptr(GBytes) data = g_bytes_new_static (text, sizeof text);
  g_autoptr(UbMessage) message = ub_message_new_bytes ("test.bytes", data);
  g_autoptr(UbBuffer) buffer = ub_buffer_new (16);
  g_autoptr(GPtrArray) delivered = g_ptr_array_new_with_free_func ((GDestroyNotify) ub_message_unref);
  g_autoptr(GError) error = NULL;
  UbPort *port1 = ub_channel_get_port1 (channel);
  UbPort *port2 = ub_channel_get_port2 (channel);
  UbMessage *received;

  g_test_summary ("A bytes message carries its GBytes, shared, with or without "
                  "transfers, received or delivered, and is checked like any other");

  g_assert_true (ub_message_get_data (message) == data);
  g_assert_null (ub_message_get_body (message));

  g_assert_true (ub_port_post_bytes (port1, "test.bytes", data, &error));
  g_assert_no_error (error);
  g_assert_true (ub_port_post_bytes (port1, "test.empty", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (ub_port_post_message (port1, message, (gpointer []) { buffer, NULL },
                                       NULL, &error));
  g_assert_no_error (error);

  g_assert_false (ub_port_post_bytes (port1, "ub.bytes", data, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_RESERVED_KIND);
  g_clear_error (&error);

  received = ub_port_receive (port2, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ub_message_is_kind (received, "test.bytes"));
  g_assert_true (ub_message_get_data (received) == data);
  g_assert_null (ub_message_get_body (received));
  g_assert_cmpuint (ub_message_get_n_buffers (received), ==, 0);
  ub_message_unref (received);

  received = ub_port_receive (port2, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ub_message_is_kind (received, "test.empty"));
  g_assert_null (ub_message_get_data (received));
  ub_message_unref (received);

  /* The transfer list moves the buffer and leaves the body as it was. */
  received = ub_port_receive (port2, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ub_message_get_data (received) == data);
  g_assert_cmpuint (ub_message_get_n_buffers (received), ==, 1);
  g_assert_true (ub_buffer_is_detached (buffer));
  ub_message_unref (received);

  /* A registered kind wants its GVariant type. */
  ub_message_register_kind ("test.typed", G_VARIANT_TYPE_UINT32);
  g_assert_true (ub_port_post_bytes (port1, "test.typed", data, &error));
  g_assert_no_error (error);
  g_assert_null (ub_port_receive (port2, 0, NULL, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
  g_clear_error (&error);
  ub_message_register_kind ("test.typed", NULL);

  /* Delivered through the port's source, in order. */
  ub_port_connect_message (port2, collect_message, delivered);
  for (guint i = 0; i < 100; i++)
    {
      g_autoptr(GBytes) block = g_bytes_new (&i, sizeof i);

      g_assert_true (ub_port_post_bytes (port1, "test.bytes", block, NULL));
    }
  while (delivered->len < 100)
    g_main_context_iteration (NULL, TRUE);
  for (guint i = 0; i < delivered->len; i++)
    {
      gsize size;
      const guint *value = g_bytes_get_data (ub_message_get_data (delivered->pdata[i]), &size);

      g_assert_cmpuint (size, ==, sizeof (guint));
      g_assert_cmpuint (*value, ==, i);
    }
  ub_port_close (port2);
}

/* Messages made on one thread and freed on another ---------------------- */

#define RECYCLE_PRODUCERS 3
#define RECYCLE_N         3000

/* Kinds of 36 to 43 characters: on both sides of the length up to which
 * the runtime recycles a message's memory. */
static char *
recycle_kind (guint seq)
{
  return g_strdup_printf ("test.recycle.%0*u", 23 + (int) (seq % 8), seq);
}

typedef struct
{
  UbPort *port;   /* (unowned) the shared sending port */
  guint32 id;
} Recycler;

static gpointer
recycle_producer (gpointer data)
{
  Recycler *r = data;

  for (guint32 seq = 0; seq < RECYCLE_N; seq++)
    {
      g_autofree char *kind = recycle_kind (seq);
      guint32 words[2] = { r->id, seq };
      g_autoptr(GBytes) block = g_bytes_new (words, sizeof words);
      /* One made and freed here too, so this thread's cache is used both
       * ways. */
      g_autoptr(UbMessage) local = ub_message_new_bytes (kind, block);

      g_assert_cmpstr (ub_message_get_kind (local), ==, kind);
      g_assert_true (ub_port_post_bytes (r->port, kind, block, NULL));
    }
  return NULL;
}

static void
test_messages_freed_elsewhere (void)
{
  g_autoptr(UbChannel) channel = ub_channel_new (0);
  Recycler recyclers[RECYCLE_PRODUCERS];
  GThread *threads[RECYCLE_PRODUCERS];
  guint32 next[RECYCLE_PRODUCERS] = { 0 };

  g_test_summary ("Messages of short and long kinds, made on several threads and "
                  "freed on another, arrive whole: a recycled message never "
                  "carries another's kind or body");

  for (guint i = 0; i < RECYCLE_PRODUCERS; i++)
    {
      recyclers[i] = (Recycler) { ub_channel_get_port1 (channel), i };
      threads[i] = g_thread_new ("recycle", recycle_producer, &recyclers[i]);
    }

  for (guint n = 0; n < RECYCLE_PRODUCERS * RECYCLE_N; n++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(UbMessage) message = ub_port_receive (ub_channel_get_port2 (channel), -1,
                                                      NULL, &error);
      g_autofree char *kind = NULL;
      const guint32 *words;
      gsize size;

      g_assert_no_error (error);
      words = g_bytes_get_data (ub_message_get_data (message), &size);
      g_assert_cmpuint (size, ==, 2 * sizeof (guint32));
      g_assert_cmpuint (words[0], <, RECYCLE_PRODUCERS);
      /* Each producer's messages in its order, none missing. */
      g_assert_cmpuint (words[1], ==, next[words[0]]);
      next[words[0]]++;
      kind = recycle_kind (words[1]);
      g_assert_cmpstr (ub_message_get_kind (message), ==, kind);
      g_assert_null (ub_message_get_body (message));
    }

  for (guint i = 0; i < RECYCLE_PRODUCERS; i++)
    g_thread_join (threads[i]);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/runtime/port/transfer-list/argument", test_transfer_list_is_an_argument);
  g_test_add_func ("/runtime/port/transfer-list/one-clone-error", test_one_clone_error);
  g_test_add_func ("/runtime/port/reserved-kind", test_reserved_kind_rejected);
  g_test_add_func ("/runtime/port/bounded/plain-thread-waits", test_bounded_plain_thread_waits);
  g_test_add_func ("/runtime/port/bounded/wait-ends-on-close", test_bounded_wait_ends_on_close);
  g_test_add_func ("/runtime/port/receive-async/basics", test_receive_async_basics);
  g_test_add_func ("/runtime/port/receive-async/cancel", test_receive_async_cancel_loses_nothing);
  g_test_add_func ("/runtime/port/receive-async/close", test_receive_async_close);
  g_test_add_func ("/runtime/port/receive-async/stream", test_receive_async_stream);
  g_test_add_func ("/runtime/port/numeric-array-bodies", test_numeric_array_bodies);
  g_test_add_func ("/runtime/port/bytes-messages", test_bytes_messages);
  g_test_add_func ("/runtime/port/messages-freed-elsewhere", test_messages_freed_elsewhere);

  return g_test_run ();
}
