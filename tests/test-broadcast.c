/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "ub-test-runtime.h"

/* BroadcastChannel conformance, after web-platform-tests/webmessaging/
 * broadcastchannel: self-exclusion, creation order, closed instances,
 * instances made during delivery, and other threads. */

typedef struct
{
  GPtrArray *log;       /* (element-type utf8) "name:value" */
  const char *name;
} Receiver;

static void
log_message (UbBroadcastChannel *channel,
             UbMessage          *message,
             gpointer            user_data)
{
  Receiver *receiver = user_data;

  g_ptr_array_add (receiver->log,
                   g_strdup_printf ("%s:%d", receiver->name,
                                    g_variant_get_int32 (ub_message_get_body (message))));
}

static void
test_self_exclusion_and_order (void)
{
  g_autoptr(GPtrArray) log = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(UbBroadcastChannel) a = ub_broadcast_channel_new ("test-order");
  g_autoptr(UbBroadcastChannel) b = ub_broadcast_channel_new ("test-order");
  g_autoptr(UbBroadcastChannel) c = ub_broadcast_channel_new ("test-order");
  g_autoptr(UbBroadcastChannel) other = ub_broadcast_channel_new ("test-other");
  Receiver ra = { log, "a" }, rb = { log, "b" }, rc = { log, "c" }, ro = { log, "o" };

  g_test_summary ("A post reaches every other instance of the name, in creation "
                  "order, never the poster nor other names");

  g_signal_connect (a, "message", G_CALLBACK (log_message), &ra);
  g_signal_connect (b, "message", G_CALLBACK (log_message), &rb);
  g_signal_connect (c, "message", G_CALLBACK (log_message), &rc);
  g_signal_connect (other, "message", G_CALLBACK (log_message), &ro);

  g_assert_cmpstr (ub_broadcast_channel_get_name (a), ==, "test-order");
  g_assert_true (ub_broadcast_channel_post (a, "test.int", g_variant_new_int32 (1), NULL));
  g_assert_true (ub_broadcast_channel_post (c, "test.int", g_variant_new_int32 (2), NULL));
  UB_TEST_RUN_UNTIL (log->len == 4);
  ub_test_drain_context ();

  g_assert_cmpuint (log->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (log, 0), ==, "b:1");
  g_assert_cmpstr (g_ptr_array_index (log, 1), ==, "c:1");
  g_assert_cmpstr (g_ptr_array_index (log, 2), ==, "a:2");
  g_assert_cmpstr (g_ptr_array_index (log, 3), ==, "b:2");
}

static void
test_closed (void)
{
  g_autoptr(GPtrArray) log = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(UbBroadcastChannel) a = ub_broadcast_channel_new ("test-closed");
  g_autoptr(UbBroadcastChannel) b = ub_broadcast_channel_new ("test-closed");
  g_autoptr(GError) error = NULL;
  Receiver ra = { log, "a" }, rb = { log, "b" };

  g_test_summary ("A closed instance neither sends nor receives, and what was "
                  "queued for it is dropped");

  g_signal_connect (a, "message", G_CALLBACK (log_message), &ra);
  g_signal_connect (b, "message", G_CALLBACK (log_message), &rb);

  g_assert_true (ub_broadcast_channel_post (a, "test.int", g_variant_new_int32 (1), NULL));
  ub_broadcast_channel_close (b);
  ub_broadcast_channel_close (b);
  g_assert_true (ub_broadcast_channel_is_closed (b));
  g_assert_false (ub_broadcast_channel_post (b, "test.int", g_variant_new_int32 (2), &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_CLOSED);
  g_assert_true (ub_broadcast_channel_post (a, "test.int", g_variant_new_int32 (3), NULL));

  ub_test_drain_context ();
  g_assert_cmpuint (log->len, ==, 0);
}

typedef struct
{
  GPtrArray          *log;
  UbBroadcastChannel *created;
} Creator;

static void
create_during_delivery (UbBroadcastChannel *channel,
                        UbMessage          *message,
                        gpointer            user_data)
{
  Creator *creator = user_data;

  g_ptr_array_add (creator->log, g_strdup ("b:seen"));
  if (creator->created == NULL)
    creator->created = ub_broadcast_channel_new ("test-create");
}

static void
test_create_during_delivery (void)
{
  g_autoptr(GPtrArray) log = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(UbBroadcastChannel) a = ub_broadcast_channel_new ("test-create");
  g_autoptr(UbBroadcastChannel) b = ub_broadcast_channel_new ("test-create");
  Creator creator = { log, NULL };
  Receiver rd = { log, "d" };

  g_test_summary ("An instance created during delivery gets later posts only");

  g_signal_connect (b, "message", G_CALLBACK (create_during_delivery), &creator);
  g_assert_true (ub_broadcast_channel_post (a, "test.int", g_variant_new_int32 (1), NULL));
  UB_TEST_RUN_UNTIL (creator.created != NULL);
  g_signal_connect (creator.created, "message", G_CALLBACK (log_message), &rd);
  ub_test_drain_context ();
  g_assert_cmpuint (log->len, ==, 1);

  g_assert_true (ub_broadcast_channel_post (a, "test.int", g_variant_new_int32 (2), NULL));
  UB_TEST_RUN_UNTIL (log->len == 3);
  g_assert_cmpstr (g_ptr_array_index (log, 1), ==, "b:seen");
  g_assert_cmpstr (g_ptr_array_index (log, 2), ==, "d:2");
  g_clear_object (&creator.created);
}

typedef struct
{
  GPtrArray          *log;      /* "target:kind" */
  UbBroadcastChannel *c1, *c2, *c3;
} Order;

static void
log_target (UbBroadcastChannel *channel,
            UbMessage          *message,
            gpointer            user_data)
{
  Order *order = user_data;
  const char *target = channel == order->c1 ? "c1" : channel == order->c2 ? "c2" : "c3";

  g_ptr_array_add (order->log, g_strdup_printf ("%s:%s", target, ub_message_get_kind (message)));
}

/* Delivers until @log has @n entries, then checks that nothing more comes
 * and that they are @expected, in order. */
static void
expect_log (GPtrArray         *log,
            const char * const *expected,
            guint               n)
{
  UB_TEST_RUN_UNTIL (log->len == n);
  ub_test_drain_context ();

  g_assert_cmpuint (log->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (g_ptr_array_index (log, i), ==, expected[i]);
}

/* webmessaging/broadcastchannel/basics.html, "messages are delivered in
 * port creation order": each message reaches every other instance, in
 * creation order, before the next message reaches any. */
static void
creation_order (gboolean bytes)
{
  g_autoptr(GPtrArray) log = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(UbBroadcastChannel) c1 = ub_broadcast_channel_new ("test-creation-order");
  g_autoptr(UbBroadcastChannel) c2 = ub_broadcast_channel_new ("test-creation-order");
  g_autoptr(UbBroadcastChannel) c3 = ub_broadcast_channel_new ("test-creation-order");
  Order order = { log, c1, c2, c3 };
  const char *expected[] = {
    "c2:test.from-c1", "c3:test.from-c1",
    "c1:test.from-c3", "c2:test.from-c3",
    "c1:test.done", "c3:test.done",
  };

  g_signal_connect (c1, "message", G_CALLBACK (log_target), &order);
  g_signal_connect (c2, "message", G_CALLBACK (log_target), &order);
  g_signal_connect (c3, "message", G_CALLBACK (log_target), &order);

  /* With @bytes, the first and last as bytes posts: one order for every
   * post of a name, whatever its body. */
  if (bytes)
    {
      g_autoptr(GBytes) block = g_bytes_new ("x", 1);

      g_assert_true (ub_broadcast_channel_post_bytes (c1, "test.from-c1", block, NULL));
      g_assert_true (ub_broadcast_channel_post (c3, "test.from-c3", NULL, NULL));
      g_assert_true (ub_broadcast_channel_post_bytes (c2, "test.done", block, NULL));
    }
  else
    {
      g_assert_true (ub_broadcast_channel_post (c1, "test.from-c1", NULL, NULL));
      g_assert_true (ub_broadcast_channel_post (c3, "test.from-c3", NULL, NULL));
      g_assert_true (ub_broadcast_channel_post (c2, "test.done", NULL, NULL));
    }
  expect_log (log, expected, G_N_ELEMENTS (expected));
}

static void
test_creation_order (void)
{
  g_test_summary ("Three instances in one context: message by message, each "
                  "other instance in creation order (not grouped per instance)");
  creation_order (FALSE);
}

/* The same, after basics.html with bytes for the data of two posts. */
static void
test_bytes_creation_order (void)
{
  g_test_summary ("Three instances in one context, bytes and GVariant posts mixed: "
                  "message by message, each other instance in creation order");
  creation_order (TRUE);
}

typedef struct
{
  GPtrArray          *log;
  UbBroadcastChannel *c1;
  UbBroadcastChannel *c2;
  UbBroadcastChannel *c3;   /* (owned) (nullable) made during delivery */
} Recreate;

static void
recreate_c3_message (UbBroadcastChannel *channel,
                     UbMessage          *message,
                     gpointer            user_data)
{
  Recreate *recreate = user_data;

  g_ptr_array_add (recreate->log, g_strdup_printf ("c3:%s", ub_message_get_kind (message)));
}

static void
recreate_c2_message (UbBroadcastChannel *channel,
                     UbMessage          *message,
                     gpointer            user_data)
{
  Recreate *recreate = user_data;

  g_ptr_array_add (recreate->log, g_strdup_printf ("c2:%s", ub_message_get_kind (message)));
  ub_broadcast_channel_close (recreate->c2);
  recreate->c3 = ub_broadcast_channel_new ("test-recreate");
  g_signal_connect (recreate->c3, "message", G_CALLBACK (recreate_c3_message), recreate);
  g_assert_true (ub_broadcast_channel_post (recreate->c1, "test.done", NULL, NULL));
}

/* webmessaging/broadcastchannel/basics.html, "closing and creating
 * channels during message delivery works correctly". */
static void
test_close_and_create_in_handler (void)
{
  g_autoptr(GPtrArray) log = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(UbBroadcastChannel) c1 = ub_broadcast_channel_new ("test-recreate");
  g_autoptr(UbBroadcastChannel) c2 = ub_broadcast_channel_new ("test-recreate");
  Recreate recreate = { log, c1, c2, NULL };

  g_test_summary ("An instance that closes itself and creates another in its handler: "
                  "the new one gets only what is posted after it was made");

  g_signal_connect (c2, "message", G_CALLBACK (recreate_c2_message), &recreate);
  g_assert_true (ub_broadcast_channel_post (c1, "test.first", NULL, NULL));
  g_assert_true (ub_broadcast_channel_post (c2, "test.second", NULL, NULL));
  UB_TEST_RUN_UNTIL (log->len == 2);
  ub_test_drain_context ();

  g_assert_cmpuint (log->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (log, 0), ==, "c2:test.first");
  g_assert_cmpstr (g_ptr_array_index (log, 1), ==, "c3:test.done");
  g_clear_object (&recreate.c3);
}

static void
reply_and_quit (UbBroadcastChannel *channel,
                UbMessage          *message,
                gpointer            user_data)
{
  gint32 value = g_variant_get_int32 (ub_message_get_body (message));

  ub_broadcast_channel_post (channel, "test.int", g_variant_new_int32 (value + 100), NULL);
  g_main_loop_quit (user_data);
}

static gpointer
thread_instance (gpointer data)
{
  UbPort *ready = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (context, FALSE);
  g_autoptr(UbBroadcastChannel) channel = NULL;

  g_main_context_push_thread_default (context);
  channel = ub_broadcast_channel_new ("test-threads");
  g_signal_connect (channel, "message", G_CALLBACK (reply_and_quit), loop);

  g_assert_true (ub_port_post (ready, "test.ready", NULL, NULL));

  g_main_loop_run (loop);
  g_clear_object (&channel);
  g_main_context_pop_thread_default (context);
  return NULL;
}

static void
test_other_thread (void)
{
  g_autoptr(GPtrArray) log = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(UbBroadcastChannel) main_instance = ub_broadcast_channel_new ("test-threads");
  g_autoptr(UbChannel) handshake = ub_channel_new (0);
  g_autoptr(UbMessage) ready = NULL;
  g_autoptr(GError) error = NULL;
  Receiver receiver = { log, "main" };
  GThread *thread;

  g_test_summary ("Instances on other threads deliver in their own context");

  g_signal_connect (main_instance, "message", G_CALLBACK (log_message), &receiver);
  thread = g_thread_new ("broadcast", thread_instance, ub_channel_get_port1 (handshake));
  ready = ub_port_receive (ub_channel_get_port2 (handshake), -1, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ready);

  g_assert_true (ub_broadcast_channel_post (main_instance, "test.int", g_variant_new_int32 (1), NULL));
  UB_TEST_RUN_UNTIL (log->len == 1);
  g_assert_cmpstr (g_ptr_array_index (log, 0), ==, "main:101");

  g_thread_join (thread);
}

/* Bytes posts ------------------------------------------------------------- */

typedef struct
{
  GPtrArray          *log;      /* "target:kind:text" */
  GPtrArray          *data;     /* GBytes received, in order */
  UbBroadcastChannel *c1, *c2, *c3;
} BytesLog;

static void
log_bytes (UbBroadcastChannel *channel,
           UbMessage          *message,
           gpointer            user_data)
{
  BytesLog *bl = user_data;
  const char *target = channel == bl->c1 ? "c1" : channel == bl->c2 ? "c2" : "c3";
  GBytes *data = ub_message_get_data (message);
  g_autofree char *text = NULL;

  if (data != NULL)
    {
      g_assert_null (ub_message_get_body (message));
      text = g_strndup (g_bytes_get_data (data, NULL), g_bytes_get_size (data));
      g_ptr_array_add (bl->data, g_bytes_ref (data));
    }
  else
    text = g_strdup (ub_message_get_body (message) != NULL ?
                     g_variant_get_string (ub_message_get_body (message), NULL) : "");
  g_ptr_array_add (bl->log, g_strdup_printf ("%s:%s:%s", target,
                                             ub_message_get_kind (message), text));
}

static GBytes *
text_bytes (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

/* webmessaging/broadcastchannel/basics.html, "postMessage results in
 * correct event", with a block of bytes for the data. */
static void
test_bytes_event (void)
{
  g_autoptr(GPtrArray) log = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) data = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(UbBroadcastChannel) c1 = ub_broadcast_channel_new ("test-bytes-event");
  g_autoptr(UbBroadcastChannel) c2 = ub_broadcast_channel_new ("test-bytes-event");
  g_autoptr(GBytes) hello = text_bytes ("hello world");
  BytesLog bl = { log, data, c1, c2, NULL };

  g_test_summary ("A bytes post reaches the other instance as a bytes message "
                  "sharing the poster's GBytes, and never the poster");

  g_signal_connect (c1, "message", G_CALLBACK (log_bytes), &bl);
  g_signal_connect (c2, "message", G_CALLBACK (log_bytes), &bl);
  g_assert_true (ub_broadcast_channel_post_bytes (c1, "test.text", hello, NULL));
  UB_TEST_RUN_UNTIL (log->len == 1);
  ub_test_drain_context ();

  g_assert_cmpuint (log->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (log, 0), ==, "c2:test.text:hello world");
  /* Shared, not copied. */
  g_assert_true (g_ptr_array_index (data, 0) == hello);

  /* A NULL block is a bytes message with no data. */
  g_ptr_array_set_size (log, 0);
  g_assert_true (ub_broadcast_channel_post_bytes (c2, "test.empty", NULL, NULL));
  UB_TEST_RUN_UNTIL (log->len == 1);
  g_assert_cmpstr (g_ptr_array_index (log, 0), ==, "c1:test.empty:");
}

/* webmessaging/broadcastchannel/basics.html, "messages aren't delivered
 * to a closed port"; and a closed instance cannot post bytes either. */
static void
test_bytes_closed (void)
{
  g_autoptr(GPtrArray) log = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) data = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(UbBroadcastChannel) c1 = ub_broadcast_channel_new ("test-bytes-closed");
  g_autoptr(UbBroadcastChannel) c2 = ub_broadcast_channel_new ("test-bytes-closed");
  g_autoptr(UbBroadcastChannel) c3 = ub_broadcast_channel_new ("test-bytes-closed");
  g_autoptr(GBytes) block = text_bytes ("test");
  g_autoptr(GError) error = NULL;
  BytesLog bl = { log, data, c1, c2, c3 };

  g_test_summary ("A closed instance gets no bytes post and cannot make one; a "
                  "reserved kind is refused");

  g_signal_connect (c2, "message", G_CALLBACK (log_bytes), &bl);
  g_signal_connect (c3, "message", G_CALLBACK (log_bytes), &bl);
  ub_broadcast_channel_close (c2);
  g_assert_true (ub_broadcast_channel_post_bytes (c1, "test.text", block, NULL));
  UB_TEST_RUN_UNTIL (log->len == 1);
  ub_test_drain_context ();
  g_assert_cmpuint (log->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (log, 0), ==, "c3:test.text:test");

  g_assert_false (ub_broadcast_channel_post_bytes (c2, "test.text", block, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_CLOSED);
  g_clear_error (&error);
  g_assert_false (ub_broadcast_channel_post_bytes (c1, "ub.reserved", block, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_RESERVED_KIND);
  ub_test_drain_context ();
  g_assert_cmpuint (log->len, ==, 1);
}

static void
count_error (UbBroadcastChannel *channel,
             UbMessage          *message,
             gpointer            user_data)
{
  guint *n_errors = user_data;

  g_assert_nonnull (ub_message_get_data (message));
  (*n_errors)++;
}

static void
test_bytes_registered_kind (void)
{
  g_autoptr(GPtrArray) log = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) data = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(UbBroadcastChannel) c1 = ub_broadcast_channel_new ("test-bytes-kind");
  g_autoptr(UbBroadcastChannel) c2 = ub_broadcast_channel_new ("test-bytes-kind");
  g_autoptr(GBytes) block = text_bytes ("not an int");
  BytesLog bl = { log, data, c1, c2, NULL };
  guint n_errors = 0;

  g_test_summary ("A bytes post of a kind registered with a GVariant type fires "
                  "messageerror where it arrives, not message");

  ub_message_register_kind ("test.typed", G_VARIANT_TYPE_INT32);
  g_signal_connect (c2, "message", G_CALLBACK (log_bytes), &bl);
  g_signal_connect (c2, "messageerror", G_CALLBACK (count_error), &n_errors);
  g_assert_true (ub_broadcast_channel_post_bytes (c1, "test.typed", block, NULL));
  UB_TEST_RUN_UNTIL (n_errors == 1);
  ub_test_drain_context ();
  ub_message_register_kind ("test.typed", NULL);

  g_assert_cmpuint (n_errors, ==, 1);
  g_assert_cmpuint (log->len, ==, 0);
}

/* Posting from several threads while the owner closes or disposes -------- */

#define RACE_POSTERS 3

typedef struct
{
  UbBroadcastChannel *channel;   /* the instance the posters share */
  guint               id;
  gint                n_posted;  /* (atomic) posts that succeeded */
  gboolean            refused;   /* a post failed with UB_ERROR_CLOSED */
} Poster;

static gpointer
race_poster (gpointer data)
{
  Poster *poster = data;
  g_autoptr(UbBroadcastChannel) channel = g_object_ref (poster->channel);

  for (guint32 seq = 0;; seq++)
    {
      guint32 words[2] = { poster->id, seq };
      g_autoptr(GBytes) block = g_bytes_new (words, sizeof words);
      g_autoptr(GError) error = NULL;
      gboolean sent;

      /* Every other post a GVariant, to race both kinds of post. */
      if (seq % 2 == 0)
        sent = ub_broadcast_channel_post_bytes (channel, "test.race", block, &error);
      else
        sent = ub_broadcast_channel_post (channel, "test.race",
                                          g_variant_new_from_bytes (G_VARIANT_TYPE ("(uu)"),
                                                                    block, TRUE),
                                          &error);
      if (!sent)
        {
          g_assert_error (error, UB_ERROR, UB_ERROR_CLOSED);
          poster->refused = TRUE;
          break;
        }
      g_atomic_int_inc (&poster->n_posted);
    }
  return NULL;
}

typedef struct
{
  guint32 next[RACE_POSTERS];   /* the sequence number expected next */
  guint   n_seen;
} RaceReceiver;

static void
race_receive (UbBroadcastChannel *channel,
              UbMessage          *message,
              gpointer            user_data)
{
  RaceReceiver *receiver = user_data;
  GBytes *data = ub_message_get_data (message);
  guint32 id, seq;

  if (data != NULL)
    {
      const guint32 *words = g_bytes_get_data (data, NULL);

      g_assert_cmpuint (g_bytes_get_size (data), ==, 2 * sizeof (guint32));
      id = words[0];
      seq = words[1];
    }
  else
    g_variant_get (ub_message_get_body (message), "(uu)", &id, &seq);

  /* Each poster's messages arrive in its order, none missing. */
  g_assert_cmpuint (id, <, RACE_POSTERS);
  g_assert_cmpuint (seq, ==, receiver->next[id]);
  receiver->next[id]++;
  receiver->n_seen++;
}

static gboolean
all_posted (Poster *posters,
            gint    at_least)
{
  for (guint i = 0; i < RACE_POSTERS; i++)
    if (g_atomic_int_get (&posters[i].n_posted) < at_least)
      return FALSE;
  return TRUE;
}

/* @dispose: end the shared instance with g_object_run_dispose() rather
 * than ub_broadcast_channel_close(). */
static void
race_close (gboolean dispose)
{
  g_autoptr(UbBroadcastChannel) shared = ub_broadcast_channel_new ("test-bytes-race");
  g_autoptr(UbBroadcastChannel) r1 = ub_broadcast_channel_new ("test-bytes-race");
  g_autoptr(UbBroadcastChannel) r2 = ub_broadcast_channel_new ("test-bytes-race");
  RaceReceiver rr1 = { { 0 }, 0 }, rr2 = { { 0 }, 0 };
  Poster posters[RACE_POSTERS];
  GThread *threads[RACE_POSTERS];
  guint total = 0;

  g_signal_connect (r1, "message", G_CALLBACK (race_receive), &rr1);
  g_signal_connect (r2, "message", G_CALLBACK (race_receive), &rr2);
  for (guint i = 0; i < RACE_POSTERS; i++)
    {
      posters[i] = (Poster) { shared, i, 0, FALSE };
      threads[i] = g_thread_new ("poster", race_poster, &posters[i]);
    }

  /* The close lands while every poster is posting. */
  UB_TEST_RUN_UNTIL (all_posted (posters, 50));
  if (dispose)
    g_object_run_dispose (G_OBJECT (shared));
  else
    ub_broadcast_channel_close (shared);
  g_assert_true (ub_broadcast_channel_is_closed (shared));

  for (guint i = 0; i < RACE_POSTERS; i++)
    {
      g_thread_join (threads[i]);
      g_assert_true (posters[i].refused);
      total += (guint) g_atomic_int_get (&posters[i].n_posted);
    }

  /* Every post that succeeded reaches both others; none that failed. */
  UB_TEST_RUN_UNTIL (rr1.n_seen == total && rr2.n_seen == total);
  ub_test_drain_context ();
  g_assert_cmpuint (rr1.n_seen, ==, total);
  g_assert_cmpuint (rr2.n_seen, ==, total);
  for (guint i = 0; i < RACE_POSTERS; i++)
    {
      g_assert_cmpuint (rr1.next[i], ==, (guint) posters[i].n_posted);
      g_assert_cmpuint (rr2.next[i], ==, (guint) posters[i].n_posted);
    }
}

static void
test_bytes_race_close (void)
{
  g_test_summary ("Threads posting bytes and GVariants through one instance while "
                  "its owner closes it: each post is delivered to every other "
                  "instance, in order, or fails with UB_ERROR_CLOSED");
  race_close (FALSE);
}

static void
test_bytes_race_dispose (void)
{
  g_test_summary ("The same race, the owner disposing the instance");
  race_close (TRUE);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/runtime/broadcast/self-exclusion-and-order", test_self_exclusion_and_order);
  g_test_add_func ("/runtime/broadcast/closed", test_closed);
  g_test_add_func ("/runtime/broadcast/creation-order", test_creation_order);
  g_test_add_func ("/runtime/broadcast/close-and-create-in-handler",
                   test_close_and_create_in_handler);
  g_test_add_func ("/runtime/broadcast/create-during-delivery", test_create_during_delivery);
  g_test_add_func ("/runtime/broadcast/other-thread", test_other_thread);
  g_test_add_func ("/runtime/broadcast/bytes/event", test_bytes_event);
  g_test_add_func ("/runtime/broadcast/bytes/creation-order", test_bytes_creation_order);
  g_test_add_func ("/runtime/broadcast/bytes/closed", test_bytes_closed);
  g_test_add_func ("/runtime/broadcast/bytes/registered-kind", test_bytes_registered_kind);
  g_test_add_func ("/runtime/broadcast/bytes/race-close", test_bytes_race_close);
  g_test_add_func ("/runtime/broadcast/bytes/race-dispose", test_bytes_race_dispose);

  return g_test_run ();
}
