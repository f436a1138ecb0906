/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-test-cases.h"
#include "ub-test-runtime.h"

/* Remote calls (the Comlink analogue): matching by id, errors crossing
 * intact, cancellation, timeouts, progress and termination. */

#define TEST_ERROR (g_quark_from_static_string ("ub-test-remote-error-quark"))

/* Worker side -------------------------------------------------------------- */

/* Blocks until @cancellable fires, on a private port nobody posts to. */
static void
wait_for_cancel (GCancellable *cancellable)
{
  g_autoptr(UbChannel) channel = ub_channel_new (0);
  g_autoptr(UbMessage) message = NULL;
  g_autoptr(GError) error = NULL;

  message = ub_port_receive (ub_channel_get_port2 (channel), -1, cancellable, &error);
  g_assert_null (message);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static GVariant *
add_method (UbRemoteInvocation  *invocation,
            GVariant            *params,
            gpointer             user_data,
            GError             **error)
{
  gint32 a, b;

  g_variant_get (params, "(ii)", &a, &b);
  return g_variant_new ("(i)", a + b);
}

static GVariant *
fail_method (UbRemoteInvocation  *invocation,
             GVariant            *params,
             gpointer             user_data,
             GError             **error)
{
  if (params != NULL && g_variant_get_boolean (params))
    g_set_error_literal (error, TEST_ERROR, 42, "custom failure");
  else
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, "nope");
  return NULL;
}

static GVariant *
void_method (UbRemoteInvocation  *invocation,
             GVariant            *params,
             gpointer             user_data,
             GError             **error)
{
  return NULL;
}

static GVariant *
wait_method (UbRemoteInvocation  *invocation,
             GVariant            *params,
             gpointer             user_data,
             GError             **error)
{
  GCancellable *cancellable = ub_remote_invocation_get_cancellable (invocation);
  UbWorkerScope *scope = ub_remote_invocation_get_scope (invocation);

  ub_remote_invocation_report_progress (invocation, g_variant_new_int32 (0));
  wait_for_cancel (cancellable);
  ub_port_post (ub_worker_scope_get_port (scope), "test.saw-cancel", NULL, NULL);
  g_cancellable_set_error_if_cancelled (cancellable, error);
  return NULL;
}

static GVariant *
progress_method (UbRemoteInvocation  *invocation,
                 GVariant            *params,
                 gpointer             user_data,
                 GError             **error)
{
  for (int i = 0; i < 1000; i++)
    ub_remote_invocation_report_progress (invocation, g_variant_new_int32 (i));
  return g_variant_new_int32 (1000);
}

static gboolean
remote_entry (UbWorkerScope  *scope,
              gpointer        user_data,
              GError        **error)
{
  ub_worker_scope_expose (scope, "add", add_method, NULL, NULL);
  ub_worker_scope_expose (scope, "fail", fail_method, NULL, NULL);
  ub_worker_scope_expose (scope, "void", void_method, NULL, NULL);
  ub_worker_scope_expose (scope, "wait", wait_method, NULL, NULL);
  ub_worker_scope_expose (scope, "progress", progress_method, NULL, NULL);
  ub_worker_scope_run (scope);
  return TRUE;
}

static gboolean
exit_entry (UbWorkerScope  *scope,
            gpointer        user_data,
            GError        **error)
{
  return TRUE;
}

/* Owner side --------------------------------------------------------------- */

typedef struct
{
  gboolean       done;
  GVariant      *value;
  GError        *error;
  GArray        *progress;     /* gint32 */
  gboolean       progress_after_done;
  GCancellable  *cancel_on_progress;
  UbWorker      *terminate_on_progress;
} Call;

static void
call_init (Call *call)
{
  *call = (Call) { 0 };
  call->progress = g_array_new (FALSE, FALSE, sizeof (gint32));
}

static void
call_clear (Call *call)
{
  g_clear_pointer (&call->value, g_variant_unref);
  g_clear_error (&call->error);
  g_clear_pointer (&call->progress, g_array_unref);
}

static void
on_progress (GVariant *value,
             gpointer  user_data)
{
  Call *call = user_data;
  gint32 v = g_variant_get_int32 (value);

  if (call->done)
    call->progress_after_done = TRUE;
  g_array_append_val (call->progress, v);
  if (call->cancel_on_progress != NULL)
    g_cancellable_cancel (call->cancel_on_progress);
  if (call->terminate_on_progress != NULL)
    ub_worker_terminate (call->terminate_on_progress);
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Call *call = user_data;

  call->value = ub_remote_call_finish (UB_REMOTE (source), result, &call->error);
  call->done = TRUE;
}

static void
saw_message (UbPort    *port,
             UbMessage *message,
             gpointer   user_data)
{
  if (ub_message_is_kind (message, "test.saw-cancel"))
    (*(guint *) user_data)++;
}

static void
test_round_trip (void)
{
  g_autoptr(UbWorker) worker = ub_worker_new ("remote", NULL);
  UbRemote *remote = ub_worker_get_remote (worker);
  Call calls[3];
  gint32 sum;

  g_test_summary ("Calls are matched by id and return their values");

  for (int i = 0; i < 3; i++)
    {
      call_init (&calls[i]);
      ub_remote_call_async (remote, "add", g_variant_new ("(ii)", i, 10 * i), -1, NULL,
                            NULL, NULL, NULL,
                            on_done, &calls[i]);
    }
  g_assert_cmpuint (ub_remote_get_n_pending (remote), ==, 3);
  UB_TEST_RUN_UNTIL (calls[0].done && calls[1].done && calls[2].done);

  for (int i = 0; i < 3; i++)
    {
      g_assert_no_error (calls[i].error);
      g_variant_get (calls[i].value, "(i)", &sum);
      g_assert_cmpint (sum, ==, 11 * i);
      call_clear (&calls[i]);
    }
  g_assert_cmpuint (ub_remote_get_n_pending (remote), ==, 0);

  call_init (&calls[0]);
  ub_remote_call_async (remote, "void", NULL, -1, NULL, NULL, NULL, NULL, on_done, &calls[0]);
  UB_TEST_RUN_UNTIL (calls[0].done);
  g_assert_no_error (calls[0].error);
  g_assert_null (calls[0].value);
  call_clear (&calls[0]);
}

static void
test_errors (void)
{
  g_autoptr(UbWorker) worker = ub_worker_new ("remote", NULL);
  UbRemote *remote = ub_worker_get_remote (worker);
  Call io, custom, missing;

  g_test_summary ("Errors cross with domain, code and message intact; an unknown "
                  "method fails with UB_ERROR_NO_SUCH_METHOD");

  call_init (&io);
  call_init (&custom);
  call_init (&missing);
  ub_remote_call_async (remote, "fail", g_variant_new_boolean (FALSE), -1, NULL, NULL, NULL, NULL, on_done, &io);
  ub_remote_call_async (remote, "fail", g_variant_new_boolean (TRUE), -1, NULL, NULL, NULL, NULL, on_done, &custom);
  ub_remote_call_async (remote, "no-such-method", NULL, -1, NULL, NULL, NULL, NULL, on_done, &missing);
  UB_TEST_RUN_UNTIL (io.done && custom.done && missing.done);

  g_assert_error (io.error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_cmpstr (io.error->message, ==, "nope");
  g_assert_error (custom.error, TEST_ERROR, 42);
  g_assert_cmpstr (custom.error->message, ==, "custom failure");
  g_assert_error (missing.error, UB_ERROR, UB_ERROR_NO_SUCH_METHOD);

  call_clear (&io);
  call_clear (&custom);
  call_clear (&missing);
}

static void
test_cancel (void)
{
  g_autoptr(UbWorker) worker = ub_worker_new ("remote", NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GCancellable) early = g_cancellable_new ();
  UbRemote *remote = ub_worker_get_remote (worker);
  guint saw_cancel = 0;
  Call call, after, pre;

  g_test_summary ("Cancelling from the owner completes the call with "
                  "G_IO_ERROR_CANCELLED at once and cancels the worker's cancellable");

  g_signal_connect (ub_worker_get_port (worker), "message", G_CALLBACK (saw_message), &saw_cancel);
  call_init (&call);
  call.cancel_on_progress = cancellable;
  ub_remote_call_async (remote, "wait", NULL, -1, cancellable, on_progress, &call, NULL, on_done, &call);
  UB_TEST_RUN_UNTIL (call.done);
  g_assert_error (call.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (ub_remote_get_n_pending (remote), ==, 0);
  UB_TEST_RUN_UNTIL (saw_cancel == 1);

  /* The worker is free again afterwards. */
  call_init (&after);
  ub_remote_call_async (remote, "add", g_variant_new ("(ii)", 1, 2), -1, NULL, NULL, NULL, NULL, on_done, &after);
  UB_TEST_RUN_UNTIL (after.done);
  g_assert_no_error (after.error);

  /* Already cancelled: fails at once, the worker never runs it. */
  g_cancellable_cancel (early);
  call_init (&pre);
  ub_remote_call_async (remote, "wait", NULL, -1, early, NULL, NULL, NULL, on_done, &pre);
  UB_TEST_RUN_UNTIL (pre.done);
  g_assert_error (pre.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (saw_cancel, ==, 1);

  call_clear (&call);
  call_clear (&after);
  call_clear (&pre);
}

static void
test_timeout (void)
{
  g_autoptr(UbWorker) worker = ub_worker_new ("remote", NULL);
  UbRemote *remote = ub_worker_get_remote (worker);
  guint saw_cancel = 0;
  Call call;

  g_test_summary ("A per-call timeout fails the call with G_IO_ERROR_TIMED_OUT "
                  "and cancels it on the worker");

  g_signal_connect (ub_worker_get_port (worker), "message", G_CALLBACK (saw_message), &saw_cancel);
  call_init (&call);
  ub_remote_call_async (remote, "wait", NULL, 20, NULL, NULL, NULL, NULL, on_done, &call);
  UB_TEST_RUN_UNTIL (call.done);
  g_assert_error (call.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  UB_TEST_RUN_UNTIL (saw_cancel == 1);
  call_clear (&call);
}

static void
test_terminate_pending (void)
{
  g_autoptr(UbWorker) worker = ub_worker_new ("remote", NULL);
  UbRemote *remote = ub_worker_get_remote (worker);
  Call calls[3], late;

  g_test_summary ("terminate() fails every pending call with UB_ERROR_TERMINATED, "
                  "and later calls too");

  for (int i = 0; i < 3; i++)
    call_init (&calls[i]);
  calls[0].terminate_on_progress = worker;
  for (int i = 0; i < 3; i++)
    ub_remote_call_async (remote, "wait", NULL, -1, NULL, on_progress, &calls[i], NULL, on_done, &calls[i]);
  UB_TEST_RUN_UNTIL (calls[0].done && calls[1].done && calls[2].done);
  for (int i = 0; i < 3; i++)
    {
      g_assert_error (calls[i].error, UB_ERROR, UB_ERROR_TERMINATED);
      call_clear (&calls[i]);
    }
  g_assert_cmpuint (ub_remote_get_n_pending (remote), ==, 0);

  call_init (&late);
  ub_remote_call_async (remote, "add", g_variant_new ("(ii)", 1, 2), -1, NULL, NULL, NULL, NULL, on_done, &late);
  UB_TEST_RUN_UNTIL (late.done);
  g_assert_error (late.error, UB_ERROR, UB_ERROR_TERMINATED);
  call_clear (&late);

  g_assert_true (ub_runtime_wait_for_threads (30 * G_USEC_PER_SEC));
}

static void
test_worker_exited (void)
{
  g_autoptr(UbWorker) worker = ub_worker_new ("exits", NULL);
  Call call;

  g_test_summary ("A call to a worker whose thread has ended fails with "
                  "UB_ERROR_TERMINATED instead of hanging");

  call_init (&call);
  ub_remote_call_async (ub_worker_get_remote (worker), "add",
                        g_variant_new ("(ii)", 1, 2), -1, NULL, NULL, NULL, NULL, on_done, &call);
  UB_TEST_RUN_UNTIL (call.done);
  g_assert_error (call.error, UB_ERROR, UB_ERROR_TERMINATED);
  call_clear (&call);
}

static void
test_progress (void)
{
  g_autoptr(UbWorker) worker = ub_worker_new ("remote", NULL);
  Call call;

  g_test_summary ("Progress arrives as latest values: in order, possibly "
                  "coalesced, never after the result");

  call_init (&call);
  ub_remote_call_async (ub_worker_get_remote (worker), "progress", NULL, -1, NULL,
                        on_progress, &call, NULL, on_done, &call);
  UB_TEST_RUN_UNTIL (call.done);
  g_assert_no_error (call.error);
  g_assert_cmpint (g_variant_get_int32 (call.value), ==, 1000);
  g_assert_false (call.progress_after_done);
  g_assert_cmpuint (call.progress->len, >=, 1);
  g_assert_cmpuint (call.progress->len, <=, 1000);
  for (guint i = 1; i < call.progress->len; i++)
    g_assert_cmpint (g_array_index (call.progress, gint32, i), >,
                     g_array_index (call.progress, gint32, i - 1));
  g_assert_cmpint (g_array_index (call.progress, gint32, call.progress->len - 1), ==, 999);
  call_clear (&call);
}

typedef struct
{
  Call  *call;
  guint  n_destroyed;
  guint  n_reports;
  gboolean destroyed_before_done;
} ProgressData;

static void
count_progress (GVariant *value,
                gpointer  user_data)
{
  ProgressData *data = user_data;

  data->n_reports++;
}

static void
progress_data_destroyed (gpointer user_data)
{
  ProgressData *data = user_data;

  data->n_destroyed++;
  data->destroyed_before_done = !data->call->done;
}

static void
test_progress_destroy (void)
{
  g_autoptr(UbWorker) worker = ub_worker_new ("remote", NULL);
  g_autoptr(GCancellable) early = g_cancellable_new ();
  Call call, cancelled;
  ProgressData data = { &call, 0 }, cancelled_data = { &cancelled, 0 };

  g_test_summary ("The progress callback has data of its own, freed once by its "
                  "destroy notify when the call is over, before the callback; "
                  "also when the call never starts");

  call_init (&call);
  ub_remote_call_async (ub_worker_get_remote (worker), "progress", NULL, -1, NULL,
                        count_progress, &data, progress_data_destroyed, on_done, &call);
  UB_TEST_RUN_UNTIL (call.done);
  g_assert_no_error (call.error);
  g_assert_cmpuint (data.n_reports, >=, 1);
  g_assert_cmpuint (data.n_destroyed, ==, 1);
  g_assert_true (data.destroyed_before_done);
  call_clear (&call);

  call_init (&cancelled);
  g_cancellable_cancel (early);
  ub_remote_call_async (ub_worker_get_remote (worker), "progress", NULL, -1, early,
                        count_progress, &cancelled_data, progress_data_destroyed,
                        on_done, &cancelled);
  UB_TEST_RUN_UNTIL (cancelled.done);
  g_assert_error (cancelled.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (cancelled_data.n_reports, ==, 0);
  g_assert_cmpuint (cancelled_data.n_destroyed, ==, 1);
  call_clear (&cancelled);
}

static const UbTestKind kinds[] = {
  { "remote", remote_entry },
  { "exits", exit_entry },
};

static const UbTestCase cases[] = {
  { "/runtime/remote/round-trip", test_round_trip },
  { "/runtime/remote/errors", test_errors },
  { "/runtime/remote/cancel", test_cancel },
  { "/runtime/remote/timeout", test_timeout },
  { "/runtime/remote/terminate-pending", test_terminate_pending },
  { "/runtime/remote/worker-exited", test_worker_exited },
  { "/runtime/remote/progress", test_progress },
  { "/runtime/remote/progress-destroy", test_progress_destroy },
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
