/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>

#include "ub-channel.h"
#include "ub-test-runtime.h"

/*
 * Proof that the ThreadSanitizer run can fail. GLib 2.74 is not built for
 * ThreadSanitizer, so tests/tsan.supp hides a few of GLib's own frames:
 * these cases show that the suppressions hide nothing of ours. A
 * deliberate race between two of our threads is reported; the same
 * hand-over through a port is not, because the runtime tells
 * ThreadSanitizer about its locks. Outside a TSan build they skip.
 */

/* Written by both threads: the race is the point. Not atomic on purpose. */
static guint64 shared_counter;

static gpointer
bump_counter (gpointer user_data)
{
  for (guint i = 0; i < 1000; i++)
    shared_counter++;
  return NULL;
}

static void
child_race (void)
{
  GThread *a, *b;

  /* Run only as the subprocess of the case that checks it fails. */
  if (!g_test_subprocess ())
    {
      g_test_skip ("run by /tsan/canary/race");
      return;
    }

  a = g_thread_new ("racer-a", bump_counter, NULL);
  b = g_thread_new ("racer-b", bump_counter, NULL);

  g_thread_join (a);
  g_thread_join (b);
  g_print ("counter %" G_GUINT64_FORMAT "\n", shared_counter);
}

/* Plain memory handed over through a port: written before the post, read
 * after the receive on another thread. */
typedef struct
{
  UbPort  *port;      /* (unowned) the receiving end, used by the thread only */
  guint64 *payload;   /* written by the main thread before posting */
  guint64  seen;
} Handover;

static gpointer
receive_payload (gpointer user_data)
{
  Handover *h = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(UbMessage) message = ub_port_receive (h->port, -1, NULL, &error);

  g_assert_no_error (error);
  h->seen = *h->payload;
  return NULL;
}

static void
child_port_handover (void)
{
  g_autoptr(UbChannel) channel = NULL;
  g_autoptr(GError) error = NULL;
  Handover h;
  GThread *thread;

  if (!g_test_subprocess ())
    {
      g_test_skip ("run by /tsan/canary/port-handover");
      return;
    }

  channel = ub_channel_new (0);
  h = (Handover) { ub_channel_get_port2 (channel), g_new0 (guint64, 1), 0 };
  thread = g_thread_new ("receiver", receive_payload, &h);

  *h.payload = 42;
  g_assert_true (ub_port_post (ub_channel_get_port1 (channel), "canary", NULL, &error));
  g_assert_no_error (error);
  g_thread_join (thread);
  g_assert_cmpuint (h.seen, ==, 42);
  g_free (h.payload);
}

static void
test_race_is_reported (void)
{
  g_test_summary ("Under ThreadSanitizer, a deliberate race in our own code fails the run");

#ifndef UB_TEST_TSAN
  g_test_skip ("not a ThreadSanitizer build");
#else
  g_test_trap_subprocess ("/tsan/canary/child/race", 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*WARNING: ThreadSanitizer: data race*bump_counter*");
#endif
}

static void
test_port_handover_is_clean (void)
{
  g_test_summary ("Under ThreadSanitizer, memory handed over through a port is not a race");

#ifndef UB_TEST_TSAN
  g_test_skip ("not a ThreadSanitizer build");
#else
  g_test_trap_subprocess ("/tsan/canary/child/port-handover", 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr_unmatched ("*ThreadSanitizer*");
#endif
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tsan/canary/race", test_race_is_reported);
  g_test_add_func ("/tsan/canary/port-handover", test_port_handover_is_clean);
  g_test_add_func ("/tsan/canary/child/race", child_race);
  g_test_add_func ("/tsan/canary/child/port-handover", child_port_handover);

  return g_test_run ();
}
