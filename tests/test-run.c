/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <pthread.h>

#include "ub-job.h"
#include "ub-run-manager.h"
#include "ub-run.h"
#include "ub-test-runtime.h"

/*
 * The run model: its state machine, how it drives its parts in workers or
 * on this thread, and rate and ETA measured over its own running time.
 *
 * The test job "test.items" processes items [from, to) one at a time and
 * may not pass the gate: it waits there until the test raises it, so a
 * test can pause exactly where it wants. Each item processed is counted,
 * so work done twice shows.
 */

#define N_ITEMS 64

/* pthread rather than GMutex: ThreadSanitizer sees these. */
static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond = PTHREAD_COND_INITIALIZER;
static guint64 gate;               /* protected by gate_lock: items below it may run */
static guint processed[N_ITEMS];   /* protected by gate_lock: times each item ran */
static GThread *last_thread;       /* protected by gate_lock: where an item last ran */
static guint n_in_job;             /* protected by gate_lock: calls of the job running */

static void
set_gate (guint64 value)
{
  pthread_mutex_lock (&gate_lock);
  gate = value;
  pthread_cond_broadcast (&gate_cond);
  pthread_mutex_unlock (&gate_lock);
}

static void
reset_items (guint64 value)
{
  pthread_mutex_lock (&gate_lock);
  memset (processed, 0, sizeof processed);
  gate = value;
  last_thread = NULL;
  pthread_mutex_unlock (&gate_lock);
}

static gboolean
no_job_running (void)
{
  guint n;

  pthread_mutex_lock (&gate_lock);
  n = n_in_job;
  pthread_mutex_unlock (&gate_lock);
  return n == 0;
}

static void
wake_gate (GCancellable *cancellable,
           gpointer      user_data)
{
  pthread_mutex_lock (&gate_lock);
  pthread_cond_broadcast (&gate_cond);
  pthread_mutex_unlock (&gate_lock);
}

/* (tt) from, to → (t) items processed; progress (t) the next item */
static GVariant *
items_job (GVariant      *params,
           UbJobContext  *context,
           GError       **error)
{
  GCancellable *cancellable = ub_job_context_get_cancellable (context);
  guint64 from, to;
  gulong handler = 0;
  gboolean cancelled = FALSE;

  g_variant_get (params, "(tt)", &from, &to);
  if (to > N_ITEMS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Item %" G_GUINT64_FORMAT
                   " does not exist", to - 1);
      return NULL;
    }

  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (wake_gate), NULL, NULL);
  pthread_mutex_lock (&gate_lock);
  n_in_job++;
  pthread_mutex_unlock (&gate_lock);

  for (guint64 item = from; item < to && !cancelled; item++)
    {
      pthread_mutex_lock (&gate_lock);
      while (item >= gate && !(cancelled = g_cancellable_is_cancelled (cancellable)))
        pthread_cond_wait (&gate_cond, &gate_lock);
      cancelled = g_cancellable_is_cancelled (cancellable);
      if (!cancelled)
        {
          processed[item]++;
          last_thread = g_thread_self ();
        }
      pthread_mutex_unlock (&gate_lock);

      if (!cancelled)
        ub_job_context_report_progress (context, g_variant_new ("(t)", item + 1));
    }

  if (handler != 0)
    g_cancellable_disconnect (cancellable, handler);
  pthread_mutex_lock (&gate_lock);
  n_in_job--;
  pthread_mutex_unlock (&gate_lock);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  return g_variant_new ("(t)", to - from);
}

/* A run of "test.items" over [0, total), one range per part. */
#define TEST_TYPE_RUN (test_run_get_type ())
G_DECLARE_FINAL_TYPE (TestRun, test_run, TEST, RUN, UbRun)

struct _TestRun
{
  UbRun    parent_instance;

  guint64  total;
  guint64  next[8];
  guint64  end[8];
  gboolean finished[8];
  guint    n_saves;
  guint    n_discards;
  guint    n_finished;
};

G_DEFINE_FINAL_TYPE (TestRun, test_run, UB_TYPE_RUN)

static GVariant *
test_run_dup_part_call (UbRun       *run,
                        guint        part,
                        const char **job)
{
  TestRun *self = TEST_RUN (run);

  if (self->finished[part])
    return NULL;
  *job = "test.items";
  return g_variant_new ("(tt)", self->next[part], self->end[part]);
}

static void
update_progress (TestRun *self)
{
  guint64 done = 0;
  guint64 start = 0;

  for (guint i = 0; i < ub_run_get_n_parts (UB_RUN (self)); i++)
    {
      done += self->next[i] - start;
      start = self->end[i];
    }
  ub_run_set_progress (UB_RUN (self), done, self->total);
}

static void
test_run_part_progress (UbRun    *run,
                        guint     part,
                        GVariant *progress)
{
  TestRun *self = TEST_RUN (run);

  g_variant_get (progress, "(t)", &self->next[part]);
  update_progress (self);
}

static void
test_run_part_finished (UbRun    *run,
                        guint     part,
                        GVariant *result)
{
  TestRun *self = TEST_RUN (run);

  self->next[part] = self->end[part];
  self->finished[part] = TRUE;
  update_progress (self);
}

static void
test_run_save (UbRun *run)
{
  TEST_RUN (run)->n_saves++;
}

static void
test_run_discard (UbRun *run)
{
  TEST_RUN (run)->n_discards++;
}

static void
test_run_class_init (TestRunClass *klass)
{
  UbRunClass *run_class = UB_RUN_CLASS (klass);

  run_class->dup_part_call = test_run_dup_part_call;
  run_class->part_progress = test_run_part_progress;
  run_class->part_finished = test_run_part_finished;
  run_class->save = test_run_save;
  run_class->discard = test_run_discard;
}

static void
test_run_init (TestRun *self)
{
}

static void
on_finished (UbRun   *run,
             TestRun *self)
{
  self->n_finished++;
}

static TestRun *
test_run_new (const char *key,
              guint64     total,
              guint       n_parts,
              gboolean    blocking)
{
  TestRun *self = g_object_new (TEST_TYPE_RUN, "key", key, "unit", "items",
                                "n-parts", n_parts, "blocking", blocking, NULL);

  self->total = total;
  for (guint i = 0; i < n_parts; i++)
    {
      self->next[i] = total * i / n_parts;
      self->end[i] = total * (i + 1) / n_parts;
    }
  g_signal_connect (self, "finished", G_CALLBACK (on_finished), self);
  return self;
}

static void
assert_each_item_once (guint64 total)
{
  pthread_mutex_lock (&gate_lock);
  for (guint i = 0; i < total; i++)
    g_assert_cmpuint (processed[i], ==, 1);
  pthread_mutex_unlock (&gate_lock);
}

static void
test_run_to_done (void)
{
  g_autoptr(TestRun) run = test_run_new ("items", 40, 2, FALSE);
  UbRun *base = UB_RUN (run);

  reset_items (G_MAXUINT64);
  g_assert_cmpint (ub_run_get_state (base), ==, UB_RUN_QUEUED);
  g_assert_true (ub_run_is_active (base));

  ub_run_start (base);
  g_assert_cmpint (ub_run_get_state (base), ==, UB_RUN_RUNNING);
  g_assert_nonnull (ub_run_get_pool (base));
  g_assert_cmpuint (ub_worker_pool_get_n_workers (ub_run_get_pool (base)), ==, 2);

  UB_TEST_RUN_UNTIL (ub_run_is_finished (base));
  g_assert_cmpint (ub_run_get_state (base), ==, UB_RUN_DONE);
  g_assert_cmpuint (ub_run_get_done (base), ==, 40);
  g_assert_cmpfloat (ub_run_get_fraction (base), ==, 1.0);
  g_assert_cmpuint (run->n_finished, ==, 1);
  g_assert_cmpuint (run->n_discards, ==, 1);
  g_assert_null (ub_run_get_pool (base));
  g_assert_null (ub_run_get_error (base));
  assert_each_item_once (40);

  /* Final: nothing moves it any more. */
  ub_run_cancel (base);
  ub_run_toggle_pause (base);
  g_assert_cmpint (ub_run_get_state (base), ==, UB_RUN_DONE);
  g_assert_cmpuint (run->n_finished, ==, 1);
}

static gboolean
run_reached (TestRun *run,
             guint64  done)
{
  return ub_run_get_done (UB_RUN (run)) >= done;
}

static void
test_pause_resume_same_workers (void)
{
  g_autoptr(TestRun) run = test_run_new ("items", 32, 2, FALSE);
  UbRun *base = UB_RUN (run);
  UbWorker *workers[2];

  /* Part 0 may do items 0..9; part 1 (16..31) none yet. */
  reset_items (10);
  ub_run_start (base);
  UB_TEST_RUN_UNTIL (run_reached (run, 10));
  for (guint i = 0; i < 2; i++)
    workers[i] = ub_worker_pool_get_worker (ub_run_get_pool (base), i);

  ub_run_pause (base);
  g_assert_cmpint (ub_run_get_state (base), ==, UB_RUN_PAUSED);
  g_assert_cmpuint (run->n_saves, ==, 1);
  g_assert_cmpuint (ub_run_get_n_launches (base), ==, 1);
  g_assert_cmpuint (run->next[0], ==, 10);
  /* The workers learn of the pause in their own time. */
  UB_TEST_RUN_UNTIL (no_job_running ());

  /* Resuming goes on in the same workers, from where each part was. */
  set_gate (G_MAXUINT64);
  ub_run_resume (base);
  g_assert_cmpint (ub_run_get_state (base), ==, UB_RUN_RUNNING);
  g_assert_cmpuint (ub_run_get_n_launches (base), ==, 2);
  for (guint i = 0; i < 2; i++)
    g_assert_true (ub_worker_pool_get_worker (ub_run_get_pool (base), i) == workers[i]);

  UB_TEST_RUN_UNTIL (ub_run_is_finished (base));
  g_assert_cmpint (ub_run_get_state (base), ==, UB_RUN_DONE);
  assert_each_item_once (32);
}

static void
test_cancel (void)
{
  g_autoptr(TestRun) run = test_run_new ("items", 20, 1, FALSE);
  UbRun *base = UB_RUN (run);
  guint count;

  reset_items (5);
  ub_run_start (base);
  UB_TEST_RUN_UNTIL (run_reached (run, 5));
  ub_run_cancel (base);
  g_assert_cmpint (ub_run_get_state (base), ==, UB_RUN_CANCELLED);
  g_assert_cmpuint (run->n_discards, ==, 1);
  g_assert_cmpuint (run->n_finished, ==, 1);
  g_assert_null (ub_run_get_pool (base));

  /* The worker is gone: raising the gate runs nothing more. */
  UB_TEST_RUN_UNTIL (no_job_running ());
  set_gate (G_MAXUINT64);
  pthread_mutex_lock (&gate_lock);
  count = 0;
  for (guint i = 0; i < 20; i++)
    count += processed[i];
  pthread_mutex_unlock (&gate_lock);
  g_assert_cmpuint (count, ==, 5);

  ub_run_resume (base);
  g_assert_cmpint (ub_run_get_state (base), ==, UB_RUN_CANCELLED);
}

static void
test_fail (void)
{
  /* Part 1 asks for items that do not exist. */
  g_autoptr(TestRun) run = test_run_new ("items", 2 * N_ITEMS, 2, FALSE);
  UbRun *base = UB_RUN (run);

  reset_items (G_MAXUINT64);
  ub_run_start (base);
  UB_TEST_RUN_UNTIL (ub_run_is_finished (base));
  g_assert_cmpint (ub_run_get_state (base), ==, UB_RUN_FAILED);
  g_assert_error (ub_run_get_error (base), G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_cmpuint (run->n_finished, ==, 1);
  /* A failed run keeps what it saved: the user may look at why. */
  g_assert_cmpuint (run->n_discards, ==, 0);
}

static void
test_blocking_runs_here (void)
{
  g_autoptr(TestRun) run = test_run_new ("items", 30, 3, TRUE);
  UbRun *base = UB_RUN (run);
  GThread *thread;

  reset_items (G_MAXUINT64);
  ub_run_start (base);

  /* Over before start returns, on this very thread, with no workers. */
  g_assert_cmpint (ub_run_get_state (base), ==, UB_RUN_DONE);
  g_assert_null (ub_run_get_pool (base));
  pthread_mutex_lock (&gate_lock);
  thread = last_thread;
  pthread_mutex_unlock (&gate_lock);
  g_assert_true (thread == g_thread_self ());
  assert_each_item_once (30);

  /* Blocking runs cannot be paused: they hold the thread. */
  g_assert_cmpuint (run->n_saves, ==, 0);
}

/* A clock the test moves by hand. */
static gint64
fake_clock (gpointer user_data)
{
  return *(gint64 *) user_data;
}

static void
test_rate_after_restore (void)
{
  g_autoptr(TestRun) run = test_run_new ("items", 1000, 1, FALSE);
  UbRun *base = UB_RUN (run);
  gint64 now = 1000 * (gint64) G_USEC_PER_SEC;
  const guint64 total = G_GUINT64_CONSTANT (1000000000000);

  /* Half of it was done before a restart: that is not work of this run. */
  ub_run_set_clock (base, fake_clock, &now);
  reset_items (0);
  ub_run_set_progress (base, total / 2, total);
  ub_run_start (base);
  g_assert_cmpfloat (ub_run_get_rate (base), ==, 0);
  g_assert_cmpfloat (ub_run_get_eta (base), ==, -1);

  now += 2 * G_USEC_PER_SEC;
  ub_run_set_progress (base, total / 2 + 400000000, total);
  g_assert_cmpfloat_with_epsilon (ub_run_get_rate (base), 2e8, 1);
  g_assert_cmpfloat_with_epsilon (ub_run_get_eta (base), (total / 2 - 400000000) / 2e8, 1e-3);

  /* Paused time counts for nothing. */
  ub_run_pause (base);
  now += 3600 * (gint64) G_USEC_PER_SEC;
  g_assert_cmpfloat_with_epsilon (ub_run_get_rate (base), 2e8, 1);
  ub_run_resume (base);
  now += 2 * G_USEC_PER_SEC;
  ub_run_set_progress (base, total / 2 + 800000000, total);
  g_assert_cmpfloat_with_epsilon (ub_run_get_rate (base), 2e8, 1);
  g_assert_cmpint (ub_run_get_running_time (base), ==, 4 * (gint64) G_USEC_PER_SEC);

  ub_run_cancel (base);
  g_assert_cmpfloat (ub_run_get_eta (base), ==, -1);
}

static void
test_phase_restarts_rate (void)
{
  g_autoptr(TestRun) run = test_run_new ("items", 1000, 1, FALSE);
  UbRun *base = UB_RUN (run);
  gint64 now = 1000 * (gint64) G_USEC_PER_SEC;

  ub_run_set_clock (base, fake_clock, &now);
  reset_items (0);
  ub_run_start (base);
  now += G_USEC_PER_SEC;
  ub_run_set_progress (base, 1000, 1000);
  g_assert_cmpfloat_with_epsilon (ub_run_get_rate (base), 1000, 1e-6);

  ub_run_set_phase (base, "Second");
  g_assert_cmpstr (ub_run_get_phase (base), ==, "Second");
  g_assert_cmpfloat (ub_run_get_rate (base), ==, 0);
  now += G_USEC_PER_SEC;
  ub_run_set_progress (base, 10, 100);
  g_assert_cmpfloat_with_epsilon (ub_run_get_rate (base), 10, 1e-6);
  g_assert_cmpfloat_with_epsilon (ub_run_get_eta (base), 9, 1e-6);
  ub_run_cancel (base);
}

static void
on_run_finished (UbRunManager *manager,
                 UbRun        *run,
                 guint        *n)
{
  (*n)++;
}

static void
test_manager (void)
{
  g_autoptr(UbRunManager) manager = ub_run_manager_new ();
  g_autoptr(TestRun) first = test_run_new ("a", 10, 1, FALSE);
  g_autoptr(TestRun) other = test_run_new ("b", 10, 1, FALSE);
  g_autoptr(TestRun) second = test_run_new ("a", 10, 1, FALSE);
  g_autoptr(UbRun) found = NULL;
  guint n_finished = 0;

  reset_items (0);
  g_signal_connect (manager, "run-finished", G_CALLBACK (on_run_finished), &n_finished);
  ub_run_manager_add (manager, UB_RUN (first));
  ub_run_manager_add (manager, UB_RUN (other));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 2);
  g_assert_cmpuint (ub_run_manager_get_n_active (manager), ==, 2);

  ub_run_start (UB_RUN (first));
  ub_run_start (UB_RUN (other));
  found = ub_run_manager_dup_run (manager, "a");
  g_assert_true (found == UB_RUN (first));
  g_clear_object (&found);
  g_assert_null (ub_run_manager_dup_run (manager, "c"));

  ub_run_cancel (UB_RUN (first));
  g_assert_cmpuint (n_finished, ==, 1);
  g_assert_cmpuint (ub_run_manager_get_n_active (manager), ==, 1);

  /* Saved work is offered once, until a run with its key starts again. */
  g_assert_true (ub_run_manager_claim_offer (manager, "a"));
  g_assert_false (ub_run_manager_claim_offer (manager, "a"));

  /* A new run takes the finished one's place under its key. */
  ub_run_manager_add (manager, UB_RUN (second));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 2);
  found = ub_run_manager_dup_run (manager, "a");
  g_assert_true (found == UB_RUN (second));
  g_assert_cmpuint (ub_run_manager_get_n_active (manager), ==, 2);
  g_assert_true (ub_run_manager_claim_offer (manager, "a"));

  /* Quitting stops the active runs where they are, each saving where it
   * was once (its workers may not have answered a last checkpoint
   * request), and lets go of every run. */
  ub_run_start (UB_RUN (second));
  ub_run_manager_stop_all (manager);
  g_assert_cmpint (ub_run_get_state (UB_RUN (other)), ==, UB_RUN_PAUSED);
  g_assert_cmpint (ub_run_get_state (UB_RUN (second)), ==, UB_RUN_PAUSED);
  g_assert_null (ub_run_get_pool (UB_RUN (other)));
  g_assert_cmpuint (other->n_saves, ==, 1);
  g_assert_cmpuint (other->n_discards, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 0);
  g_assert_cmpuint (ub_run_manager_get_n_active (manager), ==, 0);
  g_assert_cmpuint (n_finished, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_summary ("Runs: state, parts in workers or on this thread, rate and ETA");

  ub_jobs_register_worker_kind ();
  ub_job_register ("test.items", G_VARIANT_TYPE ("(tt)"), items_job);

  g_test_add_func ("/run/state/to-done", test_run_to_done);
  g_test_add_func ("/run/state/pause-resume-same-workers", test_pause_resume_same_workers);
  g_test_add_func ("/run/state/cancel", test_cancel);
  g_test_add_func ("/run/state/fail", test_fail);
  g_test_add_func ("/run/blocking/runs-on-this-thread", test_blocking_runs_here);
  g_test_add_func ("/run/rate/after-restore-and-pause", test_rate_after_restore);
  g_test_add_func ("/run/rate/phase-restarts", test_phase_restarts_rate);
  g_test_add_func ("/run/manager/keys-and-stop", test_manager);

  return g_test_run ();
}
