/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-test-runtime.h"

/* The runtime snapshot as a graph: every port names its peer and the
 * worker that receives on it, every worker has a name and an activity,
 * and a broadcast channel's hubs say which channel they serve. This is
 * what the Channels page draws. */

/* Worker kinds ------------------------------------------------------------- */

typedef struct
{
  GPtrArray *adopted;   /* (owned) UbPort: worker thread only */
} Adopter;

static void
adopter_message (UbPort    *port,
                 UbMessage *message,
                 gpointer   user_data)
{
  Adopter *adopter = user_data;

  /* A port that arrives here is received on from now on: this thread owns it. */
  if (ub_message_get_n_ports (message) == 1)
    {
      UbPort *adopted = ub_message_get_port (message, 0);

      ub_port_start (adopted);
      g_ptr_array_add (adopter->adopted, g_object_ref (adopted));
    }
}

static GVariant *
busy_method (UbRemoteInvocation  *invocation,
             GVariant            *params,
             gpointer             user_data,
             GError             **error)
{
  const char *activity = g_variant_get_string (params, NULL);

  ub_worker_scope_set_activity (ub_remote_invocation_get_scope (invocation),
                                *activity != '\0' ? activity : NULL);
  return NULL;
}

static gboolean
adopter_entry (UbWorkerScope  *scope,
               gpointer        user_data,
               GError        **error)
{
  Adopter adopter = { g_ptr_array_new_with_free_func (g_object_unref) };

  ub_worker_scope_expose (scope, "busy", busy_method, NULL, NULL);
  ub_port_connect_message (ub_worker_scope_get_port (scope), adopter_message, &adopter);
  ub_worker_scope_run (scope);
  for (guint i = 0; i < adopter.adopted->len; i++)
    ub_port_close (g_ptr_array_index (adopter.adopted, i));
  g_ptr_array_unref (adopter.adopted);
  return TRUE;
}

/* Helpers ------------------------------------------------------------------ */

/* The one live port labelled @label in @snapshot, or NULL. */
static const UbRuntimePortInfo *
find_port (UbRuntimeSnapshot *snapshot,
           const char        *label)
{
  const UbRuntimePortInfo *found = NULL;

  for (guint i = 0; i < snapshot->ports->len; i++)
    {
      const UbRuntimePortInfo *info = &g_array_index (snapshot->ports, UbRuntimePortInfo, i);

      if (g_strcmp0 (info->label, label) == 0 && !info->stats.closed)
        {
          g_assert_null (found);
          found = info;
        }
    }
  return found;
}

static const UbRuntimeWorkerInfo *
find_worker (UbRuntimeSnapshot *snapshot,
             const char        *name)
{
  for (guint i = 0; i < snapshot->workers->len; i++)
    {
      const UbRuntimeWorkerInfo *info = &g_array_index (snapshot->workers, UbRuntimeWorkerInfo, i);

      if (g_strcmp0 (info->name, name) == 0)
        return info;
    }
  return NULL;
}

/* Whether the live port @label is received on by worker @owner_id. */
static gboolean
port_owned_by (const char *label,
               guint       owner_id)
{
  g_autoptr(UbRuntimeSnapshot) snapshot = ub_runtime_snapshot ();
  const UbRuntimePortInfo *info = find_port (snapshot, label);

  return info != NULL && info->owner_id == owner_id;
}

static void
call_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = ub_remote_call_finish (UB_REMOTE (object), result, &error);

  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static void
call_busy (UbWorker   *worker,
           const char *activity)
{
  gboolean done = FALSE;

  ub_remote_call_async (ub_worker_get_remote (worker), "busy", g_variant_new_string (activity),
                        -1, NULL, NULL, NULL, NULL, call_done, &done);
  UB_TEST_RUN_UNTIL (done);
}

/* Tests -------------------------------------------------------------------- */

static void
test_worker_topology (void)
{
  g_autoptr(UbWorker) worker = ub_worker_new ("adopter", NULL);
  g_autoptr(UbChannel) channel = ub_channel_new (0);
  g_autoptr(UbPort) sent = ub_channel_steal_port2 (channel);
  g_autoptr(UbMessage) message = ub_message_new ("test.adopt", NULL);
  g_autoptr(UbRuntimeSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  const UbRuntimePortInfo *owner_end, *worker_end, *kept, *adopted;
  const UbRuntimeWorkerInfo *info;
  guint id;

  g_test_summary ("A worker's name labels it and its channel's two ports; each port names "
                  "its peer and the worker that receives on it, a transferred port changes "
                  "hands, and the activity shows what the worker does");

  g_assert_nonnull (worker);
  ub_worker_set_name (worker, "adopter for the test");
  name = ub_worker_dup_name (worker);
  g_assert_cmpstr (name, ==, "adopter for the test");

  ub_port_set_label (ub_channel_get_port1 (channel), "kept on main");
  ub_port_set_label (sent, "sent to the adopter");

  snapshot = ub_runtime_snapshot ();
  info = find_worker (snapshot, "adopter for the test");
  g_assert_nonnull (info);
  g_assert_cmpstr (info->kind, ==, "adopter");
  g_assert_null (info->activity);
  g_assert_cmpuint (info->id, >, 0);
  id = info->id;
  g_clear_pointer (&snapshot, ub_runtime_snapshot_free);

  /* The worker thread takes its end as it starts. */
  UB_TEST_RUN_UNTIL (port_owned_by ("adopter for the test (worker's end)", id));

  g_assert_true (ub_port_post_message (ub_worker_get_port (worker), message,
                                       (gpointer []) { sent, NULL }, NULL, &error));
  g_assert_no_error (error);
  UB_TEST_RUN_UNTIL (port_owned_by ("sent to the adopter", id));

  snapshot = ub_runtime_snapshot ();
  owner_end = find_port (snapshot, "adopter for the test (owner's end)");
  worker_end = find_port (snapshot, "adopter for the test (worker's end)");
  kept = find_port (snapshot, "kept on main");
  adopted = find_port (snapshot, "sent to the adopter");
  g_assert_nonnull (owner_end);
  g_assert_nonnull (worker_end);
  g_assert_nonnull (kept);
  g_assert_nonnull (adopted);

  g_assert_cmpuint (owner_end->owner_id, ==, 0);
  g_assert_cmpuint (worker_end->owner_id, ==, id);
  g_assert_cmpuint (owner_end->peer_id, ==, worker_end->id);
  g_assert_cmpuint (worker_end->peer_id, ==, owner_end->id);
  g_assert_cmpuint (kept->owner_id, ==, 0);
  g_assert_cmpuint (kept->peer_id, ==, adopted->id);
  g_assert_cmpuint (adopted->peer_id, ==, kept->id);
  g_assert_null (owner_end->broadcast);
  g_assert_cmpuint (owner_end->id, !=, worker_end->id);
  g_clear_pointer (&snapshot, ub_runtime_snapshot_free);

  /* Activity comes and goes. */
  call_busy (worker, "adopting ports");
  snapshot = ub_runtime_snapshot ();
  g_assert_cmpstr (find_worker (snapshot, "adopter for the test")->activity, ==, "adopting ports");
  g_clear_pointer (&snapshot, ub_runtime_snapshot_free);
  call_busy (worker, "");
  snapshot = ub_runtime_snapshot ();
  g_assert_null (find_worker (snapshot, "adopter for the test")->activity);
  g_clear_pointer (&snapshot, ub_runtime_snapshot_free);

  /* Gone: no worker of that id, and no port it receives on. */
  g_clear_object (&worker);
  g_assert_true (ub_runtime_wait_for_threads (30 * G_USEC_PER_SEC));
  snapshot = ub_runtime_snapshot ();
  g_assert_null (find_worker (snapshot, "adopter for the test"));
  for (guint i = 0; i < snapshot->ports->len; i++)
    {
      const UbRuntimePortInfo *port = &g_array_index (snapshot->ports, UbRuntimePortInfo, i);

      g_assert_true (port->owner_id != id || port->stats.closed);
    }
}

static void
test_broadcast_hubs (void)
{
  g_autoptr(UbBroadcastChannel) first = ub_broadcast_channel_new ("test.snapshot.hub");
  g_autoptr(UbBroadcastChannel) second = ub_broadcast_channel_new ("test.snapshot.hub");
  g_autoptr(UbRuntimeSnapshot) snapshot = ub_runtime_snapshot ();
  guint n_hubs = 0;

  g_test_summary ("Instances of a broadcast channel in one context share one hub port, "
                  "which names the channel and has no peer");

  for (guint i = 0; i < snapshot->ports->len; i++)
    {
      const UbRuntimePortInfo *info = &g_array_index (snapshot->ports, UbRuntimePortInfo, i);

      if (g_strcmp0 (info->broadcast, "test.snapshot.hub") != 0)
        continue;
      n_hubs++;
      g_assert_cmpuint (info->peer_id, ==, 0);
      g_assert_cmpuint (info->owner_id, ==, 0);
    }
  g_assert_cmpuint (n_hubs, ==, 1);

  ub_broadcast_channel_close (first);
  ub_broadcast_channel_close (second);
  g_clear_pointer (&snapshot, ub_runtime_snapshot_free);
  snapshot = ub_runtime_snapshot ();
  for (guint i = 0; i < snapshot->ports->len; i++)
    g_assert_cmpstr (g_array_index (snapshot->ports, UbRuntimePortInfo, i).broadcast, !=,
                     "test.snapshot.hub");
}

typedef struct
{
  UbWorker *worker;    /* (unowned) the main thread holds it until joined */
  gint      stop;      /* (atomic) */
  gint      n_done;    /* (atomic) */
} Renamer;

static gpointer
rename_thread (gpointer data)
{
  Renamer *renamer = data;

  while (!g_atomic_int_get (&renamer->stop))
    {
      char name[32];

      g_snprintf (name, sizeof name, "renamed %d", g_atomic_int_add (&renamer->n_done, 1));
      ub_worker_set_name (renamer->worker, name);
      g_free (ub_worker_dup_name (renamer->worker));
    }
  return NULL;
}

static gpointer
snapshot_thread (gpointer data)
{
  Renamer *renamer = data;

  while (!g_atomic_int_get (&renamer->stop))
    {
      ub_runtime_snapshot_free (ub_runtime_snapshot ());
      g_atomic_int_inc (&renamer->n_done);
    }
  return NULL;
}

static void
test_rename_races (void)
{
  g_autoptr(UbWorker) worker = ub_worker_new ("adopter", NULL);
  Renamer renamers[2] = { { worker }, { worker } };
  Renamer snapshots = { worker };
  GThread *threads[3];
  g_autofree char *name = NULL;

  g_test_summary ("Naming a worker from two threads races snapshots on a third and the "
                  "owner terminating it; nothing is torn and the last name holds");

  threads[0] = g_thread_new ("renamer", rename_thread, &renamers[0]);
  threads[1] = g_thread_new ("renamer", rename_thread, &renamers[1]);
  threads[2] = g_thread_new ("snapshots", snapshot_thread, &snapshots);

  /* Let them meet, then terminate under them. */
  UB_TEST_RUN_UNTIL (g_atomic_int_get (&renamers[0].n_done) > 100 &&
                     g_atomic_int_get (&renamers[1].n_done) > 100 &&
                     g_atomic_int_get (&snapshots.n_done) > 20);
  ub_worker_terminate (worker);
  for (guint i = 0; i < 2; i++)
    g_atomic_int_set (&renamers[i].stop, 1);
  g_atomic_int_set (&snapshots.stop, 1);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);

  ub_worker_set_name (worker, "the last name");
  name = ub_worker_dup_name (worker);
  g_assert_cmpstr (name, ==, "the last name");
  g_clear_object (&worker);
  g_assert_true (ub_runtime_wait_for_threads (30 * G_USEC_PER_SEC));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  ub_worker_kind_register ("adopter", adopter_entry, NULL);

  g_test_add_func ("/runtime/snapshot/worker-topology", test_worker_topology);
  g_test_add_func ("/runtime/snapshot/broadcast-hubs", test_broadcast_hubs);
  g_test_add_func ("/runtime/snapshot/rename-races", test_rename_races);

  return g_test_run ();
}
