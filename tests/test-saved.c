/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ub-data-run.h"
#include "ub-jobs.h"
#include "ub-primes-run.h"
#include "ub-state.h"
#include "ub-store.h"
#include "ub-test-runtime.h"

/*
 * Work resumed from what an earlier start saved, a prime count or a data
 * job: the records are sealed (UbSeal), and one this installation did not
 * write is not trusted, however plausible: a count is made again, a data
 * job is not resumed, and the user is told. Each case runs in a
 * subprocess of its own, as the app does, since the default store is read
 * once per process.
 */

#define PI_1E6 78498   /* primes below 10⁶ */

typedef enum
{
  WRITTEN_HERE,     /* by this installation: trusted */
  FROM_ELSEWHERE,   /* sealed with another folder's key */
} Origin;

/* Copies @name from the folder @from into the default folder. */
static void
put_in_default_folder (const char *from,
                       const char *name)
{
  g_autofree char *dir = ub_store_dup_default_path ();
  g_autofree char *source = g_build_filename (from, name, NULL);
  g_autofree char *target = g_build_filename (dir, name, NULL);
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_get_contents (source, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (target, contents, (gssize) len, NULL));
}

/* The job's description and its one part, as a count over [0, 10⁶) that
 * a first run finished with @count, saved in the default folder. */
static void
save_job (Origin  job_origin,
          Origin  part_origin,
          guint64 count)
{
  g_autofree char *dir = ub_store_dup_default_path ();
  g_autofree char *elsewhere = g_strconcat (dir, "-elsewhere", NULL);
  g_autoptr(UbStore) here = ub_store_new_for_directory (dir, NULL);
  g_autoptr(UbStore) other = ub_store_new_for_directory (elsewhere, NULL);
  GVariantDict job;

  g_assert_nonnull (here);
  g_assert_nonnull (other);
  g_variant_dict_init (&job, NULL);
  g_variant_dict_insert (&job, "from", "t", (guint64) 0);
  g_variant_dict_insert (&job, "to", "t", (guint64) 999999);
  g_variant_dict_insert (&job, "list", "b", FALSE);
  g_variant_dict_insert (&job, "path", "s", "");
  g_variant_dict_insert (&job, "parts", "u", 1);
  g_assert_true (ub_store_set (job_origin == WRITTEN_HERE ? here : other, "primes.job",
                               g_variant_dict_end (&job), NULL));
  g_assert_true (ub_store_set (part_origin == WRITTEN_HERE ? here : other, "primes.part.0",
                               g_variant_new_parsed ("((@t 0, @t 999999, @t 999999, %t, true), @t 0)",
                                                     count),
                               NULL));

  /* What was sealed elsewhere is put in this folder, as a forger would. */
  if (job_origin == FROM_ELSEWHERE)
    put_in_default_folder (elsewhere, "primes.job.gvariant");
  if (part_origin == FROM_ELSEWHERE)
    put_in_default_folder (elsewhere, "primes.part.0.gvariant");
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
 * recovery message taken. */
static char *
load_state (void)
{
  char *message = NULL;

  ub_state_preload ();
  UB_TEST_RUN_UNTIL (ub_state_is_loaded ());
  ub_state_set_message_func (on_message, &message);
  ub_state_unset_message_func (&message);
  return message;
}

static guint64
run_to_done (UbPrimesRun *run)
{
  ub_run_start (UB_RUN (run));
  UB_TEST_RUN_UNTIL (ub_run_is_finished (UB_RUN (run)));
  g_assert_cmpint (ub_run_get_state (UB_RUN (run)), ==, UB_RUN_DONE);
  return ub_primes_run_get_count (run);
}

static void
test_trusted (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(UbPrimesRun) run = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *message = NULL;

      /* One short of the truth, which the bounds allow: that it is taken
       * shows the record, not a recount, supplies it. */
      save_job (WRITTEN_HERE, WRITTEN_HERE, PI_1E6 - 1);
      message = load_state ();
      g_assert_null (message);

      run = ub_primes_run_new_from_saved (FALSE, &error);
      g_assert_no_error (error);
      g_assert_nonnull (run);
      g_assert_cmpuint (ub_primes_run_get_count (run), ==, PI_1E6 - 1);
      g_assert_cmpuint (run_to_done (run), ==, PI_1E6 - 1);
      return;
    }

  g_test_summary ("A finished record this installation sealed is resumed as it is");
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_forged_part (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(UbPrimesRun) run = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *message = NULL;

      save_job (WRITTEN_HERE, FROM_ELSEWHERE, PI_1E6 - 1);
      message = load_state ();
      g_test_message ("recovery message: %s", message);
      g_assert_nonnull (message);
      g_assert_nonnull (strstr (message, "“primes.part.0” could not be trusted"));

      run = ub_primes_run_new_from_saved (FALSE, &error);
      g_assert_no_error (error);
      g_assert_nonnull (run);
      /* The part starts over and is counted again, truly. */
      g_assert_cmpuint (ub_primes_run_get_count (run), ==, 0);
      g_assert_cmpuint (ub_run_get_done (UB_RUN (run)), ==, 0);
      g_assert_cmpuint (run_to_done (run), ==, PI_1E6);
      return;
    }

  g_test_summary ("A finished record with a plausible count, sealed by another "
                  "installation, is not shown: the part is counted again");
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_forged_job (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(UbPrimesRun) run = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *message = NULL;

      save_job (FROM_ELSEWHERE, WRITTEN_HERE, PI_1E6);
      message = load_state ();
      g_test_message ("recovery message: %s", message);
      g_assert_nonnull (strstr (message, "“primes.job” could not be trusted"));

      /* No job to resume: nothing is offered. */
      run = ub_primes_run_new_from_saved (FALSE, &error);
      g_assert_no_error (error);
      g_assert_null (run);
      return;
    }

  g_test_summary ("A job description sealed by another installation is not resumed");
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* A data job's record, as the job saves it, encoding @input. */
static void
save_data_job (Origin      origin,
               const char *input)
{
  g_autofree char *dir = ub_store_dup_default_path ();
  g_autofree char *elsewhere = g_strconcat (dir, "-elsewhere", NULL);
  g_autoptr(UbStore) store = ub_store_new_for_directory (origin == WRITTEN_HERE ? dir : elsewhere,
                                                         NULL);
  GVariantDict record;

  g_assert_nonnull (store);
  g_variant_dict_init (&record, NULL);
  g_variant_dict_insert (&record, "mode", "u", (guint32) UB_DATA_MODE_BASE64_ENCODE);
  g_variant_dict_insert (&record, "wrap", "u", 76);
  g_variant_dict_insert (&record, "input", "s", input);
  g_variant_dict_insert (&record, "output", "s", "");
  g_variant_dict_insert (&record, "total", "x", (gint64) 6);
  g_assert_true (ub_store_set (store, UB_DATA_JOBS_STATE_KEY, g_variant_dict_end (&record), NULL));
  if (origin == FROM_ELSEWHERE)
    put_in_default_folder (elsewhere, UB_DATA_JOBS_STATE_KEY ".gvariant");
}

static void
test_data (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *input = g_build_filename (g_get_user_data_dir (), "input.txt", NULL);
      const char *origin = g_getenv ("UB_TEST_ORIGIN");
      g_autoptr(UbDataRun) run = NULL;
      g_autofree char *offer = NULL;
      g_autofree char *message = NULL;

      g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
      g_assert_true (g_file_set_contents (input, "hello\n", -1, NULL));
      save_data_job (g_str_equal (origin, "here") ? WRITTEN_HERE : FROM_ELSEWHERE, input);
      message = load_state ();
      run = ub_data_run_new_from_saved (FALSE, &offer);

      if (g_str_equal (origin, "here"))
        {
          /* The control: the same record, sealed here, is offered. */
          g_assert_null (message);
          g_assert_nonnull (run);
          g_assert_cmpstr (ub_data_run_get_input_path (run), ==, input);
        }
      else
        {
          g_test_message ("recovery message: %s", message);
          g_assert_null (run);
          g_assert_nonnull (message);
          g_assert_nonnull (strstr (message, "“" UB_DATA_JOBS_STATE_KEY "” could not be trusted"));
        }
      return;
    }

  g_test_summary ("A data job's record sealed here is offered; the same record sealed by "
                  "another installation is discarded with a message");
  g_setenv ("UB_TEST_ORIGIN", "here", TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  g_setenv ("UB_TEST_ORIGIN", "elsewhere", TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  g_unsetenv ("UB_TEST_ORIGIN");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  ub_jobs_register_all ();

  g_test_add_func ("/primes/saved/trusted", test_trusted);
  g_test_add_func ("/primes/saved/forged-part", test_forged_part);
  g_test_add_func ("/primes/saved/forged-job", test_forged_job);
  g_test_add_func ("/data/saved/forged", test_data);

  return g_test_run ();
}
