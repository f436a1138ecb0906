/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "ub-error.h"
#include "ub-primes-job.h"
#include "ub-store.h"
#include "ub-test-cli.h"

/* unblock-cli primes count --checkpoint: killed with SIGKILL, resumed. */

#define CHECKPOINT_KEY "primes-count"
#define WAIT_TIMEOUT   (60 * G_TIME_SPAN_SECOND)

static char *
checkpoint_path (const char *name)
{
  g_autofree char *dir = g_build_filename (g_get_user_state_dir (), "cli", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  return g_build_filename (dir, name, NULL);
}

static GStrv
count_argv_threads (const char *to,
                    const char *checkpoint,
                    const char *threads)
{
  return ub_test_cli_argv ("primes", "count", "0", to, "--threads", threads,
                           "--checkpoint", checkpoint, NULL);
}

static GStrv
count_argv (const char *to,
            const char *checkpoint)
{
  return count_argv_threads (to, checkpoint, "2");
}

/* The test's environment, with checkpoints every @interval_ms if given. */
static GStrv
checkpoint_environ (const char *interval_ms)
{
  GStrv envp = ub_test_cli_environ ();

  if (interval_ms != NULL)
    envp = g_environ_setenv (envp, "UB_CLI_CHECKPOINT_INTERVAL_MS", interval_ms, TRUE);
  return envp;
}

static void
run_sync (UbTestCliResult *result,
          GStrv            argv,
          const char      *interval_ms)
{
  g_auto(GStrv) envp = checkpoint_environ (interval_ms);

  ub_test_spawn (result, (const char * const *) argv, (const char * const *) envp, NULL);
}

/* Numbers counted so far according to the checkpoint; asserts it is whole. */
static guint64
checkpoint_done (const char *path,
                 guint64     to)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) value = ub_store_read_file (path, CHECKPOINT_KEY, &error);
  g_autoptr(GVariant) parts = NULL;
  guint64 from_saved, to_saved;
  guint64 done = 0;

  g_assert_no_error (error);
  g_assert_true (ub_primes_count_checkpoint_parse (value, &from_saved, &to_saved, &parts));
  g_assert_cmpuint (from_saved, ==, 0);
  g_assert_cmpuint (to_saved, ==, to);
  for (gsize i = 0; i < g_variant_n_children (parts); i++)
    {
      g_autoptr(GVariant) part = g_variant_get_child_value (parts, i);
      UbPrimesRecord record;

      g_assert_true (ub_primes_record_from_variant (part, &record, &error));
      g_assert_no_error (error);
      done += record.done ? record.to - record.from + 1 : record.next - record.from;
    }
  return done;
}

/* The file is binary: compare it as bytes. */
static GBytes *
read_or_null (const char *path)
{
  char *contents = NULL;
  gsize len;

  if (!g_file_get_contents (path, &contents, &len, NULL))
    return NULL;
  return g_bytes_new_take (contents, len);
}

/*
 * Waits (polling: the writer is another process) until @path holds
 * something other than @previous, or the child exits. Returns whether the
 * child is still running.
 */
static gboolean
wait_for_new_checkpoint (const char *path,
                         GBytes     *previous,
                         GPid        pid,
                         int        *status)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_TIMEOUT;

  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(GBytes) now = read_or_null (path);
      pid_t reaped = waitpid (pid, status, WNOHANG);

      g_assert_cmpint (reaped, >=, 0);
      if (reaped == pid)
        return FALSE;
      if (now != NULL && (previous == NULL || !g_bytes_equal (now, previous)))
        return TRUE;
      g_usleep (1000);
    }

  g_assert_not_reached ();
}

static void
kill_and_resume (const char *to,
                 guint64     to_value,
                 const char *threads,
                 const char *expected,
                 const char *interval_ms,
                 guint       n_kills,
                 guint       max_delay_ms)
{
  g_autofree char *path = checkpoint_path ("count.checkpoint");
  g_auto(GStrv) argv = count_argv_threads (to, path, threads);
  g_auto(GStrv) envp = checkpoint_environ (interval_ms);
  g_autofree char *line = g_strconcat (expected, "\n", NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GDir) listing = NULL;
  g_auto(UbTestCliResult) result = { 0 };
  guint64 done_before = 0;
  guint kills = 0;
  gint64 start;

  start = g_get_monotonic_time ();
  while (kills < n_kills)
    {
      g_autoptr(GBytes) previous = read_or_null (path);
      g_autoptr(GError) error = NULL;
      GPid pid;
      int status = 0;
      guint64 done;

      g_spawn_async (NULL, argv, envp,
                     G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, &pid, &error);
      g_assert_no_error (error);

      /* A first run saves an empty checkpoint at once: wait past it. */
      if (previous == NULL && wait_for_new_checkpoint (path, NULL, pid, &status))
        {
          g_clear_pointer (&previous, g_bytes_unref);
          previous = read_or_null (path);
        }

      if (previous == NULL || !wait_for_new_checkpoint (path, previous, pid, &status))
        {
          /* It finished before it could be killed: it must have succeeded. */
          g_assert_true (WIFEXITED (status));
          g_assert_cmpint (WEXITSTATUS (status), ==, 0);
          g_test_message ("run %u completed before the kill", kills + 1);
          break;
        }

      /* A random moment after it saved progress. */
      g_usleep (g_test_rand_int_range (0, max_delay_ms * 1000 + 1));
      g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_spawn_close_pid (pid);
      kills++;

      if (WIFEXITED (status))
        {
          g_assert_cmpint (WEXITSTATUS (status), ==, 0);
          g_test_message ("run %u completed before the kill", kills);
          kills--;
          break;
        }
      g_assert_true (WIFSIGNALED (status));

      /* Killed on its way out, after it removed the finished checkpoint. */
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        {
          g_test_message ("run %u was killed after it completed", kills);
          break;
        }

      /* Whatever the moment, the checkpoint is whole, and it moved on. */
      done = checkpoint_done (path, to_value);
      g_test_message ("kill %u: %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " numbers saved",
                      kills, done, to_value + 1);
      g_assert_cmpuint (done, >, done_before);
      done_before = done;
    }

  run_sync (&result, argv, interval_ms);
  g_test_message ("%u kills, then completed; %.3f s in all", kills,
                  (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
  g_assert_cmpint (result.status, ==, 0);
  g_assert_cmpstr (result.out, ==, line);
  g_assert_cmpstr (result.err, ==, "");

  /* Done: no checkpoint, no temporary file left behind. */
  listing = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (listing);
  g_assert_null (g_dir_read_name (listing));
}

static void
test_signals (void)
{
  const int signums[] = { SIGINT, SIGTERM, SIGHUP };

  g_test_summary ("SIGINT, SIGTERM and SIGHUP mid-count exit 128 + the signal, say so, save "
                  "a whole checkpoint that has moved on, and leave no temporary file");

  for (guint s = 0; s < G_N_ELEMENTS (signums); s++)
    {
      g_autofree char *path = checkpoint_path ("signalled.checkpoint");
      g_autofree char *dir = g_path_get_dirname (path);
      g_autofree char *base = g_path_get_basename (path);
      g_auto(GStrv) argv = count_argv_threads ("2e9", path, "1");
      g_auto(GStrv) envp = checkpoint_environ ("50");
      g_autoptr(GBytes) first = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GDir) listing = NULL;
      g_autofree char *err = NULL;
      const char *name;
      int err_fd;
      int status = 0;
      GPid pid;

      /* Now and then with named temporary files, as on a file system
       * without O_TMPFILE. */
      if (s == 1)
        envp = g_environ_setenv (envp, "UNBLOCK_NO_TMPFILE", "1", TRUE);
      err_fd = g_file_open_tmp ("ub-test-stderr-XXXXXX", &err, &error);
      g_assert_no_error (error);
      g_spawn_async_with_fds (NULL, argv, envp, G_SPAWN_DO_NOT_REAP_CHILD,
                              ub_test_cli_reset_signals, GINT_TO_POINTER (FALSE), &pid,
                              -1, -1, err_fd, &error);
      g_assert_no_error (error);
      close (err_fd);

      /* Past the checkpoint written at start: the count is under way. */
      g_assert_true (wait_for_new_checkpoint (path, NULL, pid, &status));
      first = read_or_null (path);
      g_assert_true (wait_for_new_checkpoint (path, first, pid, &status));
      g_assert_cmpint (kill (pid, signums[s]), ==, 0);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_spawn_close_pid (pid);

      g_assert_true (WIFEXITED (status));
      g_assert_cmpint (WEXITSTATUS (status), ==, 128 + signums[s]);
      {
        g_autofree char *said = NULL;

        g_assert_true (g_file_get_contents (err, &said, NULL, NULL));
        g_test_message ("signal %d: %s", signums[s], said);
        g_assert_nonnull (strstr (said, "interrupted; progress saved"));
        g_unlink (err);
      }
      g_assert_cmpuint (checkpoint_done (path, 2000000000), >, 0);

      listing = g_dir_open (dir, 0, NULL);
      g_assert_nonnull (listing);
      while ((name = g_dir_read_name (listing)) != NULL)
        g_assert_cmpstr (name, ==, base);

      /* That a checkpoint resumes to the exact count, kill-9 shows; a
       * full count here would only cost time under the sanitizers. */
      g_unlink (path);
    }
}

static void
test_kill (void)
{
  g_test_summary ("Killed with SIGKILL at random moments and rerun, primes count still "
                  "gives π(2·10⁹) exactly and removes its checkpoint");

  kill_and_resume ("2e9", 2000000000, "2", "98222287", "20", 6, 60);
}

static void
test_kill_slow (void)
{
  if (!g_test_slow ())
    {
      g_test_skip ("π(10¹⁰) with one-second checkpoints only with -m slow");
      return;
    }

  g_test_summary ("SIGKILL with the default one-second checkpoints, π(10¹⁰)");
  /* One thread: about 3 s of work, so the kills fall mid-count. */
  kill_and_resume ("1e10", 10000000000, "1", "455052511", NULL, 3, 300);
}

static void
write_checkpoint (const char *path,
                  GVariant   *value)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ub_store_write_file (path, CHECKPOINT_KEY, value, &error));
  g_assert_no_error (error);
}

static void
test_resume_from_file (void)
{
  g_autofree char *path = checkpoint_path ("crafted");
  g_auto(GStrv) argv = count_argv ("1999999", path);
  g_auto(UbTestCliResult) result = { 0 };

  g_test_summary ("A resumed count takes finished parts from the file and carries on the "
                  "others from their next number");

  /* π(2·10⁶) = 148933, π(10⁶) = 78498: a first part marked done with a
   * count one short (still possible) shows that the file, not a recount,
   * supplies it. */
  write_checkpoint (path, g_variant_new_parsed (
    "(@t 0, @t 1999999, [(@t 0, @t 999999, @t 999999, @t 78497, true),"
    "                    (@t 1000000, @t 1999999, @t 1000000, @t 0, false)])"));
  run_sync (&result, argv, NULL);
  g_assert_cmpint (result.status, ==, 0);
  g_assert_cmpstr (result.out, ==, "148932\n");
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* A count no range of a million numbers can have is forged: refused,
   * not shown. */
  write_checkpoint (path, g_variant_new_parsed (
    "(@t 0, @t 1999999, [(@t 0, @t 999999, @t 999999, @t 0, true),"
    "                    (@t 1000000, @t 1999999, @t 1000000, @t 0, false)])"));
  run_sync (&result, argv, NULL);
  g_assert_cmpint (result.status, ==, 1);
  g_assert_cmpstr (result.out, ==, "");
  g_assert_nonnull (strstr (result.err, "inconsistent"));

  /* Halfway through the second part: the count so far is carried over.
   * π(1.5·10⁶) − π(10⁶) = 114155 − 78498 = 35657; one short is possible. */
  write_checkpoint (path, g_variant_new_parsed (
    "(@t 0, @t 1999999, [(@t 0, @t 999999, @t 999999, @t 78498, true),"
    "                    (@t 1000000, @t 1999999, @t 1500000, @t 35656, false)])"));
  run_sync (&result, argv, NULL);
  g_assert_cmpint (result.status, ==, 0);
  g_assert_cmpstr (result.out, ==, "148932\n");

  /* Every part done: nothing left to run. */
  write_checkpoint (path, g_variant_new_parsed (
    "(@t 0, @t 1999999, [(@t 0, @t 1999999, @t 1999999, @t 148933, true)])"));
  run_sync (&result, argv, NULL);
  g_assert_cmpint (result.status, ==, 0);
  g_assert_cmpstr (result.out, ==, "148933\n");
}

static void
test_forged (void)
{
  g_autofree char *path = checkpoint_path ("forged");
  g_autofree char *elsewhere = g_build_filename (g_get_user_state_dir (), "elsewhere", NULL);
  g_auto(GStrv) argv = count_argv ("1999999", path);
  g_auto(UbTestCliResult) result = { 0 };

  g_test_summary ("A checkpoint another installation sealed (a forgery, to this one) is not "
                  "trusted: the count starts over and prints the true answer");

  /* Sealed with another key: that of another state folder. Its first
   * part claims a count one short, which the bounds allow. */
  g_setenv ("UNBLOCK_STATE_DIR", elsewhere, TRUE);
  write_checkpoint (path, g_variant_new_parsed (
    "(@t 0, @t 1999999, [(@t 0, @t 999999, @t 999999, @t 78497, true),"
    "                    (@t 1000000, @t 1999999, @t 1999999, @t 70434, true)])"));
  g_unsetenv ("UNBLOCK_STATE_DIR");
  g_assert_null (ub_store_read_file (path, CHECKPOINT_KEY, NULL));

  run_sync (&result, argv, NULL);
  g_assert_cmpint (result.status, ==, 0);
  g_assert_cmpstr (result.out, ==, "148933\n");
  ub_test_assert_one_line (result.err, NULL);
  g_assert_nonnull (strstr (result.err, "cannot be trusted"));
  g_assert_nonnull (strstr (result.err, "counting from the start"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_mismatch (void)
{
  g_autofree char *path = checkpoint_path ("other-range");
  g_auto(GStrv) argv = count_argv ("3000000", path);
  g_auto(UbTestCliResult) result = { 0 };

  g_test_summary ("A checkpoint for another range is a usage error and is kept");

  write_checkpoint (path, g_variant_new_parsed (
    "(@t 0, @t 1999999, [(@t 0, @t 1999999, @t 0, @t 0, false)])"));
  run_sync (&result, argv, NULL);
  g_assert_cmpint (result.status, ==, 2);
  g_assert_cmpstr (result.out, ==, "");
  ub_test_assert_one_line (result.err, NULL);
  g_assert_nonnull (strstr (result.err, path));
  g_assert_nonnull (strstr (result.err, "1999999"));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
}

static void
test_corrupt (void)
{
  g_autofree char *path = checkpoint_path ("damaged");
  g_auto(GStrv) argv = count_argv ("1999999", path);
  GVariant *bad_values[] = {
    /* Not a checkpoint at all. */
    g_variant_new_parsed ("'hello'"),
    /* Parts with a gap. */
    g_variant_new_parsed ("(@t 0, @t 1999999, [(@t 0, @t 99, @t 0, @t 0, false),"
                          " (@t 200, @t 1999999, @t 200, @t 0, false)])"),
    /* An impossible record. */
    g_variant_new_parsed ("(@t 0, @t 1999999, [(@t 0, @t 1999999, @t 5, @t 9, false)])"),
    /* No parts. */
    ub_primes_count_checkpoint_new (0, 1999999, NULL, 0),
  };

  g_test_summary ("A damaged checkpoint is a failure whose message names the file");

  for (guint i = 0; i <= G_N_ELEMENTS (bad_values); i++)
    {
      g_auto(UbTestCliResult) result = { 0 };

      if (i == 0)
        {
          g_autoptr(GError) error = NULL;

          g_file_set_contents (path, "UbStore\n\1\0\0\0garbage", 20, &error);
          g_assert_no_error (error);
        }
      else
        write_checkpoint (path, bad_values[i - 1]);

      run_sync (&result, argv, NULL);
      g_assert_cmpint (result.status, ==, 1);
      g_assert_cmpstr (result.out, ==, "");
      ub_test_assert_one_line (result.err, NULL);
      g_assert_nonnull (strstr (result.err, path));
      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
    }

  /* A FIFO nobody writes to: refused at once, not waited on (the test
   * hangs if it is), and left a FIFO. */
  g_unlink (path);
  g_assert_cmpint (mkfifo (path, 0600), ==, 0);
  {
    g_auto(UbTestCliResult) result = { 0 };
    GStatBuf st;

    run_sync (&result, argv, NULL);
    g_test_message ("a FIFO as the checkpoint: %s", result.err);
    g_assert_cmpint (result.status, ==, 1);
    ub_test_assert_one_line (result.err, NULL);
    g_assert_nonnull (strstr (result.err, path));
    g_assert_cmpint (g_lstat (path, &st), ==, 0);
    g_assert_true (S_ISFIFO (st.st_mode));
  }
  g_unlink (path);
}

static void
test_unwritable (void)
{
  g_auto(GStrv) argv = count_argv ("1000", "/proc/unblock-missing/checkpoint");
  g_auto(UbTestCliResult) result = { 0 };

  g_test_summary ("A checkpoint that cannot be written fails before any work");

  run_sync (&result, argv, NULL);
  g_assert_cmpint (result.status, ==, 1);
  g_assert_cmpstr (result.out, ==, "");
  ub_test_assert_one_line (result.err, NULL);
  g_assert_nonnull (strstr (result.err, "/proc/unblock-missing/checkpoint"));
}

static void
test_usage (void)
{
  g_auto(GStrv) list_argv = ub_test_cli_argv ("primes", "list", "0", "10", "--checkpoint", "x",
                                              NULL);
  g_auto(GStrv) missing_argv = ub_test_cli_argv ("primes", "count", "10", "--checkpoint", NULL);
  g_auto(UbTestCliResult) result = { 0 };

  g_test_summary ("--checkpoint needs a file and applies to count only");

  run_sync (&result, list_argv, NULL);
  g_assert_cmpint (result.status, ==, 2);
  ub_test_assert_one_line (result.err, NULL);

  run_sync (&result, missing_argv, NULL);
  g_assert_cmpint (result.status, ==, 2);
  ub_test_assert_one_line (result.err, NULL);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/cli/checkpoint/kill-9", test_kill);
  g_test_add_func ("/cli/checkpoint/kill-9-slow", test_kill_slow);
  g_test_add_func ("/cli/checkpoint/signals", test_signals);
  g_test_add_func ("/cli/checkpoint/resume-from-file", test_resume_from_file);
  g_test_add_func ("/cli/checkpoint/forged", test_forged);
  g_test_add_func ("/cli/checkpoint/range-mismatch", test_mismatch);
  g_test_add_func ("/cli/checkpoint/corrupt", test_corrupt);
  g_test_add_func ("/cli/checkpoint/unwritable", test_unwritable);
  g_test_add_func ("/cli/checkpoint/usage", test_usage);

  return g_test_run ();
}
