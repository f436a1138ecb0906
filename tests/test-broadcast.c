/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

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
  g_assert_cmpstr (g_ptr_array_index (log, 0), ==, "a:2");
  g_assert_cmpstr (g_ptr_array_index (log, 1), ==, "b:1");
  g_assert_cmpstr (g_ptr_array_index (log, 2), ==, "b:2");
  g_assert_cmpstr (g_ptr_array_index (log, 3), ==, "c:1");
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

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/runtime/broadcast/self-exclusion-and-order", test_self_exclusion_and_order);
  g_test_add_func ("/runtime/broadcast/closed", test_closed);
  g_test_add_func ("/runtime/broadcast/create-during-delivery", test_create_during_delivery);
  g_test_add_func ("/runtime/broadcast/other-thread", test_other_thread);

  return g_test_run ();
}
