/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#ifdef __linux__
# include <sys/resource.h>
# include <unistd.h>
#endif

#include "ub-test-cases.h"
#include "ub-test-runtime.h"

/* Conformance of workers, after the web-platform-tests ideas for Worker
 * creation, terminate(), self.close() and error events. */

#define TEST_ERROR (g_quark_from_static_string ("ub-test-error-quark"))

static gint flood_saw_cancel;     /* (atomic) */
static gint bounded_posted;       /* (atomic) */
static gint bounded_error_code;   /* (atomic) -1 if none */

/* Worker kinds ------------------------------------------------------------- */

static void
echo_message (UbPort    *port,
              UbMessage *message,
              gpointer   user_data)
{
  UbWorkerScope *scope = user_data;

  if (ub_message_is_kind (message, "test.close-me"))
    {
      ub_port_post (port, "test.closing", NULL, NULL);
      ub_worker_scope_close (scope);
      return;
    }
  if (ub_message_is_kind (message, "test.fail"))
    {
      g_autoptr(GError) error = g_error_new_literal (TEST_ERROR, 7, "reported from the worker");

      ub_worker_scope_report_error (scope, error);
      return;
    }

  ub_port_post (port, ub_message_get_kind (message), ub_message_get_body (message), NULL);
}

static GVariant *
echo_method (UbRemoteInvocation  *invocation,
             GVariant            *params,
             gpointer             user_data,
             GError             **error)
{
  return params != NULL ? g_variant_ref (params) : NULL;
}

static gboolean
echo_entry (UbWorkerScope  *scope,
            gpointer        user_data,
            GError        **error)
{
  ub_worker_scope_expose (scope, "echo", echo_method, NULL, NULL);
  ub_port_connect_message (ub_worker_scope_get_port (scope), echo_message, scope);
  ub_worker_scope_run (scope);
  return TRUE;
}

static gboolean
flood_entry (UbWorkerScope  *scope,
             gpointer        user_data,
             GError        **error)
{
  for (int i = 0; i < 1000; i++)
    ub_port_post (ub_worker_scope_get_port (scope), "test.int", g_variant_new_int32 (i), NULL);
  ub_worker_scope_run (scope);
  g_atomic_int_set (&flood_saw_cancel,
                    g_cancellable_is_cancelled (ub_worker_scope_get_cancellable (scope)));
  return TRUE;
}

static gboolean
failing_entry (UbWorkerScope  *scope,
               gpointer        user_data,
               GError        **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, "no access");
  return FALSE;
}

static gboolean
nice_entry (UbWorkerScope  *scope,
            gpointer        user_data,
            GError        **error)
{
  int value = 0;

#ifdef __linux__
  value = getpriority (PRIO_PROCESS, (id_t) gettid ());
#endif
  ub_port_post (ub_worker_scope_get_port (scope), "test.nice", g_variant_new_int32 (value), NULL);
  return TRUE;
}

static gboolean
bounded_entry (UbWorkerScope  *scope,
               gpointer        user_data,
               GError        **error)
{
  g_autoptr(UbMessage) envelope = NULL;
  g_autoptr(UbPort) port = NULL;
  GCancellable *cancellable = ub_worker_scope_get_cancellable (scope);

  envelope = ub_port_receive (ub_worker_scope_get_port (scope), -1, cancellable, error);
  if (envelope == NULL)
    return FALSE;
  port = g_object_ref (ub_message_get_port (envelope, 0));

  for (int i = 0; i < 1000; i++)
    {
      g_autoptr(UbMessage) message = ub_message_new ("test.int", g_variant_new_int32 (i));
      g_autoptr(GError) local_error = NULL;

      if (!ub_port_post_message (port, message, NULL, cancellable, &local_error))
        {
          g_atomic_int_set (&bounded_error_code, local_error->code);
          break;
        }
      g_atomic_int_inc (&bounded_posted);
    }
  return TRUE;
}

/* Closes itself on its first message, then posts three more and returns:
 * what it posts after closing must still reach the owner. */
static gboolean
close_then_post_entry (UbWorkerScope  *scope,
                       gpointer        user_data,
                       GError        **error)
{
  UbPort *port = ub_worker_scope_get_port (scope);
  g_autoptr(UbMessage) first = ub_port_receive (port, -1, ub_worker_scope_get_cancellable (scope),
                                                error);
  g_autoptr(UbMessage) after = NULL;
  g_autoptr(GError) local_error = NULL;

  if (first == NULL)
    return FALSE;

  ub_worker_scope_close (scope);
  for (gint32 i = 0; i < 3; i++)
    if (!ub_port_post (port, "test.int", g_variant_new_int32 (i), error))
      return FALSE;

  /* Incoming messages are discarded now: receiving reports a closed port. */
  after = ub_port_receive (port, 0, NULL, &local_error);
  g_assert_null (after);
  g_assert_error (local_error, UB_ERROR, UB_ERROR_CLOSED);
  return ub_port_post (port, "test.done", NULL, error);
}

static gboolean
return_at_once_entry (UbWorkerScope  *scope,
                      gpointer        user_data,
                      GError        **error)
{
  return TRUE;
}

/* Posts until it is terminated. */
static gboolean
endless_entry (UbWorkerScope  *scope,
               gpointer        user_data,
               GError        **error)
{
  GCancellable *cancellable = ub_worker_scope_get_cancellable (scope);
  UbPort *port = ub_worker_scope_get_port (scope);

  for (gint32 i = 0; !g_cancellable_is_cancelled (cancellable); i++)
    {
      g_autoptr(UbMessage) message = ub_message_new ("test.int", g_variant_new_int32 (i));

      /* Fails once the owner's end is closed: then the worker stops. */
      if (!ub_port_post_message (port, message, NULL, cancellable, NULL))
        break;
    }
  return TRUE;
}

/* Tests -------------------------------------------------------------------- */

static void
test_unknown_kind (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UbWorker) worker = ub_worker_new ("no-such-kind", &error);

  g_test_summary ("Only registered kinds can be spawned");

  g_assert_null (worker);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_false (ub_worker_kind_is_registered ("no-such-kind"));
  g_assert_true (ub_worker_kind_is_registered ("echo"));
}

static void
test_messages_before_ready (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UbWorker) worker = ub_worker_new ("echo", &error);
  UbTestSink sink;

  g_test_summary ("Messages posted before the worker is ready are queued, not lost");

  g_assert_no_error (error);
  g_assert_cmpstr (ub_worker_get_kind (worker), ==, "echo");
  ub_test_sink_init (&sink, ub_worker_get_port (worker), TRUE);
  for (int i = 0; i < 100; i++)
    g_assert_true (ub_port_post (ub_worker_get_port (worker), "test.int",
                                 g_variant_new_int32 (i), NULL));
  UB_TEST_RUN_UNTIL (sink.messages->len == 100);
  for (int i = 0; i < 100; i++)
    g_assert_cmpint (ub_test_sink_int (&sink, i), ==, i);

  ub_worker_terminate (worker);
  g_assert_true (ub_runtime_wait_for_threads (30 * G_USEC_PER_SEC));
  ub_test_sink_clear (&sink);
}

typedef struct
{
  UbWorker *worker;
  guint     count;
} TerminateData;

static void
terminate_on_first (UbPort    *port,
                    UbMessage *message,
                    gpointer   user_data)
{
  TerminateData *data = user_data;

  data->count++;
  ub_worker_terminate (data->worker);
  ub_worker_terminate (data->worker);
}

static void
test_terminate_queued (void)
{
  g_autoptr(UbWorker) worker = NULL;
  TerminateData data = { 0 };
  UbPortStats stats;

  g_test_summary ("terminate() returns at once, delivers nothing more from the "
                  "worker even if already queued, cancels the scope and joins the thread");

  g_atomic_int_set (&flood_saw_cancel, FALSE);
  worker = ub_worker_new ("flood", NULL);
  data.worker = worker;
  ub_port_connect_message (ub_worker_get_port (worker), terminate_on_first, &data);
  UB_TEST_RUN_UNTIL (data.count > 0);
  ub_test_drain_context ();
  g_assert_cmpuint (data.count, ==, 1);
  g_assert_cmpint (ub_worker_get_state (worker), ==, UB_WORKER_STATE_TERMINATED);
  g_assert_true (ub_port_is_closed (ub_worker_get_port (worker)));
  g_assert_true (ub_port_get_stats (ub_worker_get_port (worker), &stats));
  g_assert_cmpuint (stats.delivered, ==, 1);

  g_assert_true (ub_runtime_wait_for_threads (30 * G_USEC_PER_SEC));
  g_assert_true (g_atomic_int_get (&flood_saw_cancel));
  ub_test_drain_context ();
  g_assert_cmpuint (data.count, ==, 1);
}

static void
test_unref_terminates (void)
{
  g_autoptr(UbWorker) worker = ub_worker_new ("flood", NULL);

  g_test_summary ("Dropping the last reference to a worker terminates and joins it");

  g_assert_nonnull (worker);
  g_assert_cmpuint (ub_runtime_get_n_running_threads (), >=, 1);
  g_clear_object (&worker);
  g_assert_true (ub_runtime_wait_for_threads (30 * G_USEC_PER_SEC));
  g_assert_cmpuint (ub_runtime_get_n_running_threads (), ==, 0);
}

/* workers/interfaces/WorkerGlobalScope/close/sending-messages.html: what a
 * worker posts after self.close() still arrives;
 * workers/interfaces/WorkerGlobalScope/close/incoming-message.html: what
 * is posted to it after self.close() is not handled. */
static void
test_scope_close_then_post (void)
{
  g_autoptr(UbWorker) worker = ub_worker_new ("close-then-post", NULL);
  UbPort *port = ub_worker_get_port (worker);
  UbTestSink sink;

  g_test_summary ("Messages a worker posts after closing itself reach the owner, "
                  "before the close notification");

  ub_test_sink_init (&sink, port, TRUE);
  g_assert_true (ub_port_post (port, "test.go", NULL, NULL));
  UB_TEST_RUN_UNTIL (sink.n_close == 1);
  ub_test_drain_context ();

  g_assert_cmpuint (sink.messages->len, ==, 4);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (ub_test_sink_int (&sink, i), ==, (gint32) i);
  g_assert_cmpstr (ub_message_get_kind (g_ptr_array_index (sink.messages, 3)), ==, "test.done");
  g_assert_cmpint (ub_worker_get_state (worker), ==, UB_WORKER_STATE_CLOSED);

  g_clear_object (&worker);
  g_assert_true (ub_runtime_wait_for_threads (30 * G_USEC_PER_SEC));
  ub_test_sink_clear (&sink);
}

static void
test_returned_is_joined (void)
{
  g_autoptr(UbWorker) worker = ub_worker_new ("return-at-once", NULL);
  UbTestSink sink;

  g_test_summary ("A worker whose entry point returns is joined without being "
                  "terminated or dropped");

  g_assert_nonnull (worker);
  ub_test_sink_init (&sink, ub_worker_get_port (worker), TRUE);

  /* The owner still holds the worker and never terminates it. */
  g_assert_true (ub_runtime_wait_for_threads (30 * G_USEC_PER_SEC));
  g_assert_cmpuint (ub_runtime_get_n_running_threads (), ==, 0);
  UB_TEST_RUN_UNTIL (sink.n_close == 1);
  g_assert_cmpint (ub_worker_get_state (worker), ==, UB_WORKER_STATE_EXITED);

  /* Terminating an exited worker, and dropping it, join nothing twice. */
  ub_worker_terminate (worker);
  g_clear_object (&worker);
  g_assert_cmpuint (ub_runtime_get_n_running_threads (), ==, 0);
  ub_test_sink_clear (&sink);
}

typedef struct
{
  UbWorker *worker;
  guint     n_seen;
  guint     n_at_terminate;
  guint     terminate_after;
  gint32    next;
} Flood;

static void
flood_message (UbPort    *port,
               UbMessage *message,
               gpointer   user_data)
{
  Flood *flood = user_data;

  /* FIFO to the end: nothing lost, nothing twice, nothing after terminate. */
  g_assert_cmpint (g_variant_get_int32 (ub_message_get_body (message)), ==, flood->next);
  flood->next++;
  flood->n_seen++;
  g_assert_cmpuint (flood->n_at_terminate, ==, 0);
  if (flood->n_seen == flood->terminate_after)
    {
      ub_worker_terminate (flood->worker);
      flood->n_at_terminate = flood->n_seen;
    }
}

/* workers/Worker_terminate_event_queue.htm: after terminate() no queued
 * message is delivered; stressed here while the worker floods the owner. */
static void
test_terminate_during_flood (void)
{
  guint rounds = ub_test_scale (20, 5);

  g_test_summary ("Terminating a worker that floods its owner, from inside a "
                  "handler, stops delivery at once and joins the thread");

  for (guint r = 0; r < rounds; r++)
    {
      g_autoptr(UbWorker) worker = ub_worker_new ("endless", NULL);
      Flood flood = { worker, 0, 0, 50 + r * 37, 0 };

      g_assert_nonnull (worker);
      ub_port_connect_message (ub_worker_get_port (worker), flood_message, &flood);
      UB_TEST_RUN_UNTIL (flood.n_at_terminate > 0);
      g_assert_true (ub_runtime_wait_for_threads (30 * G_USEC_PER_SEC));
      ub_test_drain_context ();
      g_assert_cmpuint (flood.n_seen, ==, flood.n_at_terminate);
      g_assert_cmpint (ub_worker_get_state (worker), ==, UB_WORKER_STATE_TERMINATED);
    }
}

static void
count_error (UbWorker     *worker,
             const GError *error,
             gpointer      user_data)
{
  (*(guint *) user_data)++;
}

static void
test_scope_close (void)
{
  g_autoptr(UbWorker) worker = ub_worker_new ("echo", NULL);
  UbPort *port = ub_worker_get_port (worker);
  UbTestSink sink;
  UbPortStats stats;
  guint n_errors = 0;

  g_test_summary ("A worker that closes itself discards incoming messages silently; "
                  "no error is raised");

  g_signal_connect (worker, "error", G_CALLBACK (count_error), &n_errors);
  ub_test_sink_init (&sink, port, TRUE);
  g_assert_true (ub_port_post (port, "test.int", g_variant_new_int32 (1), NULL));
  g_assert_true (ub_port_post (port, "test.close-me", NULL, NULL));
  g_assert_true (ub_port_post (port, "test.int", g_variant_new_int32 (2), NULL));
  UB_TEST_RUN_UNTIL (sink.n_close == 1);

  /* Posting to the closed worker is silently dropped. */
  g_assert_true (ub_port_post (port, "test.int", g_variant_new_int32 (3), NULL));
  ub_test_drain_context ();

  g_assert_cmpuint (sink.messages->len, ==, 2);
  g_assert_cmpint (ub_test_sink_int (&sink, 0), ==, 1);
  g_assert_cmpstr (ub_message_get_kind (g_ptr_array_index (sink.messages, 1)), ==, "test.closing");
  g_assert_cmpuint (n_errors, ==, 0);
  g_assert_true (ub_port_get_stats (port, &stats));
  g_assert_cmpuint (stats.posted, ==, 4);

  ub_worker_terminate (worker);
  g_assert_true (ub_runtime_wait_for_threads (30 * G_USEC_PER_SEC));
  ub_test_sink_clear (&sink);
}

static void
collect_error (UbWorker     *worker,
               const GError *error,
               gpointer      user_data)
{
  GError **out = user_data;

  g_assert_null (*out);
  *out = g_error_copy (error);
}

static void
test_error_signal (void)
{
  g_autoptr(UbWorker) failing = ub_worker_new ("failing", NULL);
  g_autoptr(UbWorker) echo = ub_worker_new ("echo", NULL);
  g_autoptr(GError) failed = NULL;
  g_autoptr(GError) reported = NULL;

  g_test_summary ("An error in a worker reaches the owner as the error signal, "
                  "domain, code and message intact, and the app goes on");

  g_signal_connect (failing, "error", G_CALLBACK (collect_error), &failed);
  g_signal_connect (echo, "error", G_CALLBACK (collect_error), &reported);
  g_assert_true (ub_port_post (ub_worker_get_port (echo), "test.fail", NULL, NULL));

  UB_TEST_RUN_UNTIL (failed != NULL && reported != NULL);
  g_assert_error (failed, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_cmpstr (failed->message, ==, "no access");
  g_assert_error (reported, TEST_ERROR, 7);
  g_assert_cmpstr (reported->message, ==, "reported from the worker");

  UB_TEST_RUN_UNTIL (ub_port_is_closed (ub_worker_get_port (echo)) ||
                     ub_worker_get_state (failing) == UB_WORKER_STATE_EXITED);
  g_clear_object (&failing);
  g_clear_object (&echo);
  g_assert_true (ub_runtime_wait_for_threads (30 * G_USEC_PER_SEC));
}

static void
test_lower_priority (void)
{
#ifdef __linux__
  g_autoptr(UbWorker) worker = ub_worker_new ("nice", NULL);
  UbTestSink sink;
  int mine;

  g_test_summary ("Worker threads run nicer than the thread that created them (Linux)");

  errno = 0;
  mine = getpriority (PRIO_PROCESS, (id_t) gettid ());
  g_assert_cmpint (errno, ==, 0);

  ub_test_sink_init (&sink, ub_worker_get_port (worker), TRUE);
  UB_TEST_RUN_UNTIL (sink.messages->len == 1);
  g_assert_cmpint (ub_test_sink_int (&sink, 0), ==, MIN (mine + UB_WORKER_NICE_INCREMENT, 19));

  g_clear_object (&worker);
  g_assert_true (ub_runtime_wait_for_threads (30 * G_USEC_PER_SEC));
  ub_test_sink_clear (&sink);
#else
  g_test_skip ("Per-thread nice values exist on Linux only");
#endif
}

static void
start_bounded (UbWorker  *worker,
               UbChannel *channel)
{
  g_autoptr(UbMessage) envelope = ub_message_new ("test.port", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (ub_port_post_message (ub_worker_get_port (worker), envelope,
                                       (gpointer []) { ub_channel_get_port1 (channel), NULL },
                                       NULL, &error));
  g_assert_no_error (error);
}

static void
test_bounded_back_pressure (void)
{
  g_autoptr(UbChannel) channel = ub_channel_new (4);
  g_autoptr(UbWorker) worker = ub_worker_new ("bounded", NULL);
  UbTestSink sink;
  UbPortStats stats;

  g_test_summary ("A worker posting into a full bounded channel waits for room: "
                  "nothing is lost and the queue never exceeds its capacity");

  g_atomic_int_set (&bounded_posted, 0);
  g_atomic_int_set (&bounded_error_code, -1);
  ub_test_sink_init (&sink, ub_channel_get_port2 (channel), TRUE);
  start_bounded (worker, channel);

  UB_TEST_RUN_UNTIL (sink.messages->len == 1000);
  for (int i = 0; i < 1000; i++)
    g_assert_cmpint (ub_test_sink_int (&sink, i), ==, i);
  g_assert_true (ub_port_get_stats (ub_channel_get_port2 (channel), &stats));
  g_assert_cmpuint (stats.high_water, <=, 4);
  g_assert_cmpuint (stats.capacity, ==, 4);

  g_clear_object (&worker);
  g_assert_true (ub_runtime_wait_for_threads (30 * G_USEC_PER_SEC));
  g_assert_cmpint (g_atomic_int_get (&bounded_error_code), ==, -1);
  ub_port_close (ub_channel_get_port2 (channel));
  ub_test_sink_clear (&sink);
}

static void
test_bounded_wait_cancelled (void)
{
  g_autoptr(UbChannel) channel = ub_channel_new (4);
  g_autoptr(UbWorker) worker = ub_worker_new ("bounded", NULL);
  UbPortStats stats = { 0 };

  g_test_summary ("A worker waiting on a full channel is released by terminate "
                  "with G_IO_ERROR_CANCELLED");

  g_atomic_int_set (&bounded_posted, 0);
  g_atomic_int_set (&bounded_error_code, -1);
  start_bounded (worker, channel);

  UB_TEST_RUN_UNTIL (ub_port_get_stats (ub_channel_get_port2 (channel), &stats) &&
                     stats.queue_depth == 4);
  ub_worker_terminate (worker);
  g_assert_true (ub_runtime_wait_for_threads (30 * G_USEC_PER_SEC));
  g_assert_cmpint (g_atomic_int_get (&bounded_posted), ==, 4);
  g_assert_cmpint (g_atomic_int_get (&bounded_error_code), ==, G_IO_ERROR_CANCELLED);
}

typedef struct
{
  guint n_done;
  guint n_ok;
} PoolData;

static void
pool_call_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  PoolData *data = user_data;
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (UB_IS_WORKER_POOL (source));
  value = ub_worker_pool_call_finish (UB_WORKER_POOL (source), result, &error);
  g_assert_no_error (error);
  if (value != NULL && g_variant_get_int32 (value) >= 0)
    data->n_ok++;
  data->n_done++;
}

static void
test_pool (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UbWorkerPool) pool = ub_worker_pool_new ("echo", 3, &error);
  PoolData data = { 0 };

  g_test_summary ("A pool dispatches each job to the least busy worker");

  g_assert_no_error (error);
  g_assert_cmpuint (ub_worker_pool_get_n_workers (pool), ==, 3);
  for (int i = 0; i < 6; i++)
    ub_worker_pool_call_async (pool, "echo", g_variant_new_int32 (i), NULL,
                               NULL, NULL, NULL,
                               pool_call_done, &data);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (ub_remote_get_n_pending (ub_worker_get_remote (ub_worker_pool_get_worker (pool, i))), ==, 2);

  UB_TEST_RUN_UNTIL (data.n_done == 6);
  g_assert_cmpuint (data.n_ok, ==, 6);

  ub_worker_pool_terminate (pool);
  g_clear_object (&pool);
  g_assert_true (ub_runtime_wait_for_threads (30 * G_USEC_PER_SEC));
}

static void
test_snapshot (void)
{
  g_autoptr(UbWorker) worker = ub_worker_new ("echo", NULL);
  g_autoptr(UbRuntimeSnapshot) before = NULL;
  g_autoptr(UbRuntimeSnapshot) after = NULL;
  guint n_echo = 0;

  g_test_summary ("The snapshot lists live workers and their ports, and counts "
                  "worker threads until they are joined");

  before = ub_runtime_snapshot ();
  for (guint i = 0; i < before->workers->len; i++)
    {
      UbRuntimeWorkerInfo *info = &g_array_index (before->workers, UbRuntimeWorkerInfo, i);

      if (g_strcmp0 (info->kind, "echo") == 0)
        {
          n_echo++;
          g_assert_cmpint (info->state, <=, UB_WORKER_STATE_RUNNING);
          g_assert_cmpuint (info->n_pending_calls, ==, 0);
        }
    }
  g_assert_cmpuint (n_echo, ==, 1);
  g_assert_cmpuint (before->n_running_threads, ==, 1);
  g_assert_cmpuint (before->ports->len, >=, 2);

  g_clear_object (&worker);
  g_assert_true (ub_runtime_wait_for_threads (30 * G_USEC_PER_SEC));
  after = ub_runtime_snapshot ();
  g_assert_cmpuint (after->workers->len, ==, 0);
  g_assert_cmpuint (after->n_running_threads, ==, 0);
}

static const UbTestKind kinds[] = {
  { "echo", echo_entry },
  { "flood", flood_entry },
  { "failing", failing_entry },
  { "nice", nice_entry },
  { "bounded", bounded_entry },
  { "close-then-post", close_then_post_entry },
  { "return-at-once", return_at_once_entry },
  { "endless", endless_entry },
};

static const UbTestCase cases[] = {
  { "/runtime/worker/unknown-kind", test_unknown_kind },
  { "/runtime/worker/messages-before-ready", test_messages_before_ready },
  { "/runtime/worker/terminate/queued-messages", test_terminate_queued },
  { "/runtime/worker/terminate/on-last-unref", test_unref_terminates },
  { "/runtime/worker/scope-close", test_scope_close },
  { "/runtime/worker/scope-close/then-post", test_scope_close_then_post },
  { "/runtime/worker/exit/joined", test_returned_is_joined },
  { "/runtime/worker/stress/terminate-during-flood", test_terminate_during_flood },
  { "/runtime/worker/error-signal", test_error_signal },
  { "/runtime/worker/lower-priority", test_lower_priority },
  { "/runtime/worker/bounded/back-pressure", test_bounded_back_pressure },
  { "/runtime/worker/bounded/wait-cancelled", test_bounded_wait_cancelled },
  { "/runtime/worker/pool/least-busy", test_pool },
  { "/runtime/worker/snapshot", test_snapshot },
};

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  ub_test_register_kinds (kinds, G_N_ELEMENTS (kinds));

  UB_TEST_ADD_CASES (cases);

  return g_test_run ();
}
