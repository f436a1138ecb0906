/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "ub-test-runtime.h"

/* Transferables: ports with their queues, entangled peers, buffers, and
 * transfers from inside a message handler, after the web-platform-tests'
 * webmessaging/ and html/infrastructure/safe-passing-of-structured-data/. */

/* Transfer ---------------------------------------------------------------- */

static void
test_transfer_port_with_queue (void)
{
  g_autoptr(UbChannel) carrier = ub_channel_new (0);
  g_autoptr(UbChannel) moved = ub_channel_new (0);
  g_autoptr(UbMessage) message = ub_message_new ("test.port", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(UbPort) received = NULL;
  UbPort *old = ub_channel_get_port2 (moved);
  UbTestSink carrier_sink, moved_sink;
  UbPortStats stats;

  g_test_summary ("A transferred port takes its queued messages along; the "
                  "sender's handle is detached and does nothing");

  for (int i = 0; i < 3; i++)
    g_assert_true (ub_test_post_int (ub_channel_get_port1 (moved), i));

  ub_test_sink_init (&carrier_sink, ub_channel_get_port2 (carrier), TRUE);
  g_assert_true (ub_port_post_message (ub_channel_get_port1 (carrier), message,
                                       (gpointer []) { old, NULL }, NULL, &error));
  g_assert_no_error (error);

  g_assert_true (ub_port_is_detached (old));
  g_assert_false (ub_port_post (old, "test.int", g_variant_new_int32 (9), &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_DETACHED);
  g_clear_error (&error);
  g_assert_null (ub_port_receive (old, 0, NULL, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_DETACHED);
  g_clear_error (&error);
  g_assert_false (ub_port_get_stats (old, &stats));
  g_assert_null (ub_port_dup_label (old));
  ub_port_close (old);
  ub_port_start (old);

  UB_TEST_RUN_UNTIL (carrier_sink.messages->len == 1);
  g_assert_cmpuint (ub_message_get_n_ports (g_ptr_array_index (carrier_sink.messages, 0)), ==, 1);
  received = g_object_ref (ub_message_get_port (g_ptr_array_index (carrier_sink.messages, 0), 0));
  g_assert_false (ub_port_is_detached (received));

  g_assert_true (ub_test_post_int (ub_channel_get_port1 (moved), 3));
  ub_test_sink_init (&moved_sink, received, TRUE);
  UB_TEST_RUN_UNTIL (moved_sink.messages->len == 4);
  for (int i = 0; i < 4; i++)
    g_assert_cmpint (ub_test_sink_int (&moved_sink, i), ==, i);

  ub_port_close (received);
  ub_port_close (ub_channel_get_port2 (carrier));
  ub_test_sink_clear (&carrier_sink);
  ub_test_sink_clear (&moved_sink);
}

static void
test_transfer_errors (void)
{
  g_autoptr(UbChannel) carrier = ub_channel_new (0);
  g_autoptr(UbChannel) other = ub_channel_new (0);
  g_autoptr(UbMessage) message = ub_message_new ("test.port", NULL);
  g_autoptr(UbBuffer) buffer = ub_buffer_new (16);
  g_autoptr(GObject) not_transferable = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GError) error = NULL;
  UbPort *sender = ub_channel_get_port1 (carrier);
  UbPortStats stats;

  g_test_summary ("A port cannot transfer itself, an object cannot appear twice, "
                  "and a detached port cannot be transferred; nothing is sent then");

  g_assert_false (ub_port_post_message (sender, message, (gpointer []) { sender, NULL },
                                        NULL, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_DATA_CLONE);
  g_clear_error (&error);
  g_assert_false (ub_port_is_detached (sender));

  g_assert_false (ub_port_post_message (sender, message, (gpointer []) { buffer, buffer, NULL },
                                        NULL, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_DATA_CLONE);
  g_clear_error (&error);
  g_assert_cmpuint (ub_buffer_get_size (buffer), ==, 16);

  g_assert_false (ub_port_post_message (sender, message,
                                        (gpointer []) { ub_channel_get_port1 (other),
                                                        ub_channel_get_port1 (other), NULL },
                                        NULL, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_DATA_CLONE);
  g_clear_error (&error);
  g_assert_false (ub_port_is_detached (ub_channel_get_port1 (other)));

  /* Neither a buffer nor a port: the web's DataCloneError for a
   * non-transferable object in the transfer list. */
  g_assert_false (ub_port_post_message (sender, message, (gpointer []) { not_transferable, NULL },
                                        NULL, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_DATA_CLONE);
  g_clear_error (&error);

  g_assert_true (ub_port_post_message (sender, message,
                                       (gpointer []) { ub_channel_get_port2 (other), NULL },
                                       NULL, &error));
  g_assert_no_error (error);
  g_assert_false (ub_port_post_message (sender, message,
                                        (gpointer []) { ub_channel_get_port2 (other), NULL },
                                        NULL, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_DATA_CLONE);

  g_assert_true (ub_port_get_stats (ub_channel_get_port2 (carrier), &stats));
  g_assert_cmpuint (stats.queue_depth, ==, 1);
  g_assert_cmpuint (stats.delivered, ==, 0);
}

/* webmessaging/Channel_postMessage_clone_port_error.htm throws a
 * DataCloneError for the source port; the HTML postMessage steps do the
 * same for the target port, the sender's entangled peer. */
static void
test_transfer_entangled_peer (void)
{
  g_autoptr(UbChannel) channel = ub_channel_new (0);
  g_autoptr(UbMessage) message = ub_message_new ("test.port", NULL);
  g_autoptr(GError) error = NULL;
  UbPort *port1 = ub_channel_get_port1 (channel);
  UbPort *port2 = ub_channel_get_port2 (channel);
  UbPortStats stats;

  g_test_summary ("Transferring the sender's entangled port is a clone error: "
                  "nothing is sent, nothing detached, nothing leaked");

  g_assert_false (ub_port_post_message (port1, message, (gpointer []) { port2, NULL },
                                        NULL, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_DATA_CLONE);
  g_assert_false (ub_port_is_detached (port2));
  g_assert_true (ub_port_get_stats (port2, &stats));
  g_assert_cmpuint (stats.queue_depth, ==, 0);
  g_assert_true (ub_port_get_stats (port1, &stats));
  g_assert_cmpuint (stats.posted, ==, 0);

  /* Both ends still work. */
  g_assert_true (ub_test_post_int (port1, 1));
  g_clear_pointer (&message, ub_message_unref);
  g_clear_error (&error);
  message = ub_port_receive (port2, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_variant_get_int32 (ub_message_get_body (message)), ==, 1);
}

static int n_freed;

static void
count_free (gpointer data)
{
  n_freed++;
  g_free (data);
}

static void
test_transfer_buffer (void)
{
  g_autoptr(UbChannel) channel = ub_channel_new (0);
  g_autoptr(UbMessage) message = ub_message_new ("test.pixels", g_variant_new ("(uu)", 4, 4));
  g_autoptr(GError) error = NULL;
  g_autoptr(UbMessage) received = NULL;
  g_autoptr(GBytes) bytes = NULL;
  guint8 *data = g_malloc (64);
  UbBuffer *buffer;
  UbBuffer *moved;
  gsize size;

  g_test_summary ("A transferred buffer moves without a copy; the sender's "
                  "handle is detached (size 0) and can still be freed");

  memset (data, 0xab, 64);
  n_freed = 0;
  buffer = ub_buffer_new_take (data, 64, count_free);
  g_assert_true (ub_buffer_get_data (buffer, &size) == data);
  g_assert_cmpuint (size, ==, 64);

  g_assert_true (ub_port_post_message (ub_channel_get_port1 (channel), message,
                                       (gpointer []) { buffer, NULL }, NULL, &error));
  g_assert_no_error (error);

  g_assert_true (ub_buffer_is_detached (buffer));
  g_assert_cmpuint (ub_buffer_get_size (buffer), ==, 0);
  g_assert_null (ub_buffer_get_data (buffer, &size));
  g_assert_cmpuint (size, ==, 0);
  g_assert_null (ub_buffer_dup_bytes (buffer));
  g_clear_object (&buffer);
  g_assert_cmpint (n_freed, ==, 0);

  received = ub_port_receive (ub_channel_get_port2 (channel), 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (received);
  g_assert_cmpuint (ub_message_get_n_buffers (received), ==, 1);
  moved = ub_message_get_buffer (received, 0);
  g_assert_true (ub_buffer_get_data (moved, NULL) == data);
  bytes = ub_buffer_dup_bytes (moved);
  g_assert_true (g_bytes_get_data (bytes, NULL) == data);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, 64);

  g_clear_pointer (&received, ub_message_unref);
  g_assert_cmpint (n_freed, ==, 0);
  g_clear_pointer (&bytes, g_bytes_unref);
  g_assert_cmpint (n_freed, ==, 1);
}

typedef struct
{
  UbPort     *carrier;
  UbTestSink  sink;
  guint       count;
} MidBatch;

static void
transfer_on_third (UbPort    *port,
                   UbMessage *message,
                   gpointer   user_data)
{
  MidBatch *mid = user_data;
  g_autoptr(UbMessage) envelope = NULL;

  g_ptr_array_add (mid->sink.messages, ub_message_ref (message));
  if (++mid->count != 3)
    return;

  envelope = ub_message_new ("test.port", NULL);
  g_assert_true (ub_port_post_message (mid->carrier, envelope, (gpointer []) { port, NULL },
                                       NULL, NULL));
}

static void
test_transfer_inside_handler (void)
{
  g_autoptr(UbChannel) carrier = ub_channel_new (0);
  g_autoptr(UbChannel) moved = ub_channel_new (0);
  g_autoptr(UbMessage) envelope = NULL;
  g_autoptr(UbPort) received = NULL;
  g_autoptr(GError) error = NULL;
  MidBatch mid = { 0 };
  UbTestSink rest;

  g_test_summary ("A port transferred from inside its own handler takes the "
                  "undelivered rest of the batch along, in order");

  mid.carrier = ub_channel_get_port1 (carrier);
  mid.sink.messages = g_ptr_array_new_with_free_func ((GDestroyNotify) ub_message_unref);
  for (int i = 0; i < 10; i++)
    g_assert_true (ub_test_post_int (ub_channel_get_port1 (moved), i));
  ub_port_connect_message (ub_channel_get_port2 (moved), transfer_on_third, &mid);
  UB_TEST_RUN_UNTIL (ub_port_is_detached (ub_channel_get_port2 (moved)));
  ub_test_drain_context ();
  g_assert_cmpuint (mid.count, ==, 3);

  envelope = ub_port_receive (ub_channel_get_port2 (carrier), 0, NULL, &error);
  g_assert_no_error (error);
  received = g_object_ref (ub_message_get_port (envelope, 0));
  ub_test_sink_init (&rest, received, TRUE);
  UB_TEST_RUN_UNTIL (rest.messages->len == 7);
  for (int i = 0; i < 7; i++)
    g_assert_cmpint (ub_test_sink_int (&rest, i), ==, i + 3);

  ub_port_close (received);
  ub_test_sink_clear (&rest);
  ub_test_sink_clear (&mid.sink);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/runtime/transfer/port-with-queue", test_transfer_port_with_queue);
  g_test_add_func ("/runtime/transfer/errors", test_transfer_errors);
  g_test_add_func ("/runtime/transfer/entangled-peer", test_transfer_entangled_peer);
  g_test_add_func ("/runtime/transfer/buffer", test_transfer_buffer);
  g_test_add_func ("/runtime/transfer/inside-handler", test_transfer_inside_handler);

  return g_test_run ();
}
