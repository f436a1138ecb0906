/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ub-data-run.h"
#include "ub-jobs.h"
#include "ub-primes-job.h"
#include "ub-primes-run.h"
#include "ub-runtime.h"
#include "ub-state.h"
#include "ub-store.h"
#include "ub-test-runtime.h"
#include "ub-test-saved.h"

/*
 * Work resumed from what an earlier start saved, a prime count or a data
 * job: the records are sealed (UbSeal), and one this installation did not
 * write is not trusted, however plausible: a count is made again, a data
 * job is not resumed, and the user is told. And what a stop saves never
 * takes back what a worker saved. Each case runs in a subprocess of its
 * own, as the app does, since the default store is read once per process.
 */

typedef enum
{
  WRITTEN_HERE,     /* by this installation: trusted */
  FROM_ELSEWHERE,   /* sealed with another folder's key */
} Origin;

typedef struct
{
  const char *path;
  const char *summary;
  Origin      job;          /* where the job's description (or data record) was sealed */
  Origin      part;         /* where the count's one part was sealed */
  guint64     saved_count;  /* what the part claims */
  gboolean    resumed;      /* whether there is a run to resume */
  guint64     count;        /* the count it then gives */
  const char *message;      /* (nullable): what the recovery message names */
} Case;

static const Case primes_cases[] = {
  /* One short of the truth, which the bounds allow: that it is taken
   * shows the record, not a recount, supplies it. */
  { "/primes/saved/trusted",
    "A finished record this installation sealed is resumed as it is",
    WRITTEN_HERE, WRITTEN_HERE, UB_TEST_PI_1E6 - 1, TRUE, UB_TEST_PI_1E6 - 1, NULL },
  { "/primes/saved/forged-part",
    "A finished record with a plausible count, sealed by another installation, is not "
    "shown: the part is counted again",
    WRITTEN_HERE, FROM_ELSEWHERE, UB_TEST_PI_1E6 - 1, TRUE, UB_TEST_PI_1E6,
    "“primes.part.0” could not be trusted" },
  { "/primes/saved/forged-job",
    "A job description sealed by another installation is not resumed",
    FROM_ELSEWHERE, WRITTEN_HERE, UB_TEST_PI_1E6, FALSE, 0, "“primes.job” could not be trusted" },
};

static const Case data_cases[] = {
  { "/data/saved/trusted", "A data job's record sealed here is offered",
    WRITTEN_HERE, WRITTEN_HERE, 0, TRUE, 0, NULL },
  { "/data/saved/forged",
    "A data job's record sealed by another installation is discarded with a message",
    FROM_ELSEWHERE, WRITTEN_HERE, 0, FALSE, 0, "“" UB_DATA_JOBS_STATE_KEY "” could not be trusted" },
};

/* Saves @value under @key, sealed in the default folder or elsewhere and
 * then put in the default folder, as a forger would. */
static void
save (Origin      origin,
      const char *key,
      GVariant   *value)
{
  g_autofree char *dir = ub_store_dup_default_path ();
  g_autofree char *elsewhere = g_strconcat (dir, "-elsewhere", NULL);
  g_autofree char *name = g_strconcat (key, ".gvariant", NULL);
  g_autoptr(UbStore) store = ub_store_new_for_directory (origin == WRITTEN_HERE ? dir : elsewhere,
                                                         NULL);

  g_assert_nonnull (store);
  g_assert_true (ub_store_set (store, key, value, NULL));
  if (origin == FROM_ELSEWHERE)
    ub_test_copy_saved (elsewhere, dir, name);
}

static void
on_message (const char *message,
            gpointer    user_data)
{
  char **taken = user_data;

  g_free (*taken);
  *taken = g_strdup (message);
}

/* Starts the app's way: the store read in the background, then the
 * recovery message taken, checked against @expected. */
static void
load_state (const char *expected)
{
  g_autofree char *message = NULL;

  ub_state_preload ();
  UB_TEST_RUN_UNTIL (ub_state_is_loaded ());
  ub_state_set_message_func (on_message, &message);
  ub_state_unset_message_func (&message);

  g_test_message ("recovery message: %s", message);
  if (expected == NULL)
    g_assert_null (message);
  else
    g_assert_true (message != NULL && strstr (message, expected) != NULL);
}

static void
resume_primes (const Case *c)
{
  g_autoptr(UbPrimesRun) run = NULL;
  g_autoptr(GError) error = NULL;

  /* What comes from elsewhere last: opening the folder to save the
   * other would already move it aside. */
  if (c->job == WRITTEN_HERE)
    save (c->job, "primes.job", ub_test_primes_job_new ());
  save (c->part, "primes.part.0", ub_test_primes_part_new (c->saved_count));
  if (c->job != WRITTEN_HERE)
    save (c->job, "primes.job", ub_test_primes_job_new ());
  load_state (c->message);

  run = ub_primes_run_new_from_saved (FALSE, &error);
  g_assert_no_error (error);
  g_assert_true ((run != NULL) == c->resumed);
  if (run == NULL)
    return;

  /* A part that is not trusted starts over, and is counted again. */
  g_assert_cmpuint (ub_primes_run_get_count (run), ==,
                    c->count == c->saved_count ? c->saved_count : 0);
  ub_run_start (UB_RUN (run));
  UB_TEST_RUN_UNTIL (ub_run_is_finished (UB_RUN (run)));
  g_assert_cmpint (ub_run_get_state (UB_RUN (run)), ==, UB_RUN_DONE);
  g_assert_cmpuint (ub_primes_run_get_count (run), ==, c->count);
}

static void
resume_data (const Case *c)
{
  g_autofree char *input = g_build_filename (g_get_user_data_dir (), "input.txt", NULL);
  g_autoptr(UbDataRun) run = NULL;
  g_autofree char *offer = NULL;
  GVariantDict record;

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  g_assert_true (g_file_set_contents (input, "hello\n", -1, NULL));

  /* As the job saves it, encoding @input. */
  g_variant_dict_init (&record, NULL);
  g_variant_dict_insert (&record, "mode", "u", (guint32) UB_DATA_MODE_BASE64_ENCODE);
  g_variant_dict_insert (&record, "wrap", "u", 76);
  g_variant_dict_insert (&record, "input", "s", input);
  g_variant_dict_insert (&record, "output", "s", "");
  g_variant_dict_insert (&record, "total", "x", (gint64) 6);
  save (c->job, UB_DATA_JOBS_STATE_KEY, g_variant_dict_end (&record));
  load_state (c->message);

  run = ub_data_run_new_from_saved (FALSE, &offer);
  g_assert_true ((run != NULL) == c->resumed);
  if (run != NULL)
    g_assert_cmpstr (ub_data_run_get_input_path (run), ==, input);
}

/* The record of the run's one part, as saved now. */
static UbPrimesRecord
saved_part (void)
{
  g_autoptr(GVariant) saved = NULL;
  UbPrimesRecord record;

  UB_TEST_RUN_UNTIL (ub_state_is_flushed ());
  saved = ub_state_dup ("primes.part.0");
  g_assert_nonnull (saved);
  g_assert_true (ub_primes_part_state_parse (saved, &record, NULL, NULL));
  return record;
}

/* Saves a record of the part [@from, @to] that has reached @next, with a
 * count the bounds allow, so that it is read back. */
static void
save_part (guint64 from,
           guint64 to,
           guint64 next)
{
  UbPrimesRecord record = { .from = from, .to = to, .next = next };
  guint64 max;

  if (next > from)
    ub_primes_count_bounds (from, next - 1, &record.count, &max);

  ub_state_set ("primes.part.0", ub_primes_part_state_new (&record, 0));
  UB_TEST_RUN_UNTIL (ub_state_is_flushed ());
}

/* A stopped run saves its parts as they last reported, unless the part's
 * worker saved that very part further on: its own checkpoints can land
 * after the last report the run saw, and must not be taken back. */
static void
keep_further (void)
{
  const guint64 from = 0, to = G_GUINT64_CONSTANT (10000000000000);
  g_autoptr(UbPrimesRun) run = NULL;
  UbRun *base;
  guint64 reported;

  load_state (NULL);
  run = ub_primes_run_new (from, to, FALSE, NULL, 1, FALSE);
  base = UB_RUN (run);
  ub_run_start (base);
  UB_TEST_RUN_UNTIL (ub_run_get_done (base) > 0);

  /* Stopped as quitting does, with its worker gone, so that nothing but
   * the test saves from here on. */
  ub_run_stop (base);
  g_assert_true (ub_runtime_wait_for_threads (60 * G_USEC_PER_SEC));
  reported = from + ub_run_get_done (base);

  /* A record behind the last report is replaced by it... */
  save_part (from, to, from);
  ub_run_checkpoint (base);
  g_assert_cmpuint (saved_part ().next, ==, reported);

  /* ...and one further on is kept. */
  save_part (from, to, reported + 1000000);
  ub_run_checkpoint (base);
  g_assert_cmpuint (saved_part ().next, ==, reported + 1000000);

  /* A record of another range says nothing of this one. */
  save_part (from, to - 1, reported + 1000000);
  ub_run_checkpoint (base);
  g_assert_cmpuint (saved_part ().to, ==, to);
  g_assert_cmpuint (saved_part ().next, ==, reported);
}

static void
test_keep_further (void)
{
  if (g_test_subprocess ())
    {
      keep_further ();
      return;
    }

  g_test_summary ("A stop saves each part as last reported, never over a record its worker "
                  "saved further on");
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_case (gconstpointer data)
{
  const Case *c = data;

  if (g_test_subprocess ())
    {
      if (g_str_has_prefix (c->path, "/primes/"))
        resume_primes (c);
      else
        resume_data (c);
      return;
    }

  g_test_summary (c->summary);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  ub_jobs_register_all ();

  for (guint i = 0; i < G_N_ELEMENTS (primes_cases); i++)
    g_test_add_data_func (primes_cases[i].path, &primes_cases[i], test_case);
  for (guint i = 0; i < G_N_ELEMENTS (data_cases); i++)
    g_test_add_data_func (data_cases[i].path, &data_cases[i], test_case);
  g_test_add_func ("/primes/saved/stop-keeps-further", test_keep_further);

  return g_test_run ();
}
