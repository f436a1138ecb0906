/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ub-base64.h"
#include "ub-data-job.h"
#include "ub-data-jobs.h"
#include "ub-error.h"
#include "ub-durable-private.h"
#include "ub-test-files.h"
#include "ub-jobs.h"
#include "ub-png.h"
#include "ub-png-encode.h"
#include "ub-primes-job.h"
#include "ub-store.h"

/*
 * The fault-injection suite: every writer under a full disk and a failing
 * disk (through UbDurableFile's seam), the CLI killed with SIGKILL at
 * random moments and interrupted by SIGINT, SIGTERM and SIGHUP, and a
 * data job killed mid-way and resumed. Afterwards the destination holds
 * its old contents or the complete new ones, and no temporary file is
 * left once the next run has started.
 */

static char *cli_path;

static char *
make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("ub-faults-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* The names in @dir, sorted, joined by spaces: "in out". */
static char *
sorted_entries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

static guint8 *
random_bytes (gsize   len,
              guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  guint8 *data = g_malloc (len);

  for (gsize i = 0; i < len; i++)
    data[i] = (guint8) g_rand_int (rand);
  return data;
}

static void
assert_contents (const char   *path,
                 const void   *expected,
                 gsize         len)
{
  g_autofree char *contents = NULL;
  gsize n;

  g_assert_true (g_file_get_contents (path, &contents, &n, NULL));
  g_assert_cmpmem (contents, n, expected, len);
}

/* ------------------------------------------------------------------ */
/* Every writer under an injected fault                               */

typedef gboolean (*WriterFunc) (const char  *dir,
                                const char  *path,
                                GError     **error);

static gboolean
write_with_store (const char  *dir,
                  const char  *path,
                  GError     **error)
{
  g_autoptr(UbStore) store = NULL;
  g_autofree guint8 *big = random_bytes (300 * 1024, 1);

  store = ub_store_new_for_directory (dir, error);
  return store != NULL &&
         ub_store_set (store, "key", g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, big,
                                                                300 * 1024, 1), error);
}

static gboolean
write_with_data_job (const char  *dir,
                     const char  *path,
                     GError     **error)
{
  g_autofree char *in = g_build_filename (dir, "in", NULL);
  g_autofree guint8 *data = random_bytes (400 * 1024, 2);
  g_autoptr(UbDataJob) job = ub_data_job_new (UB_DATA_MODE_BASE64_ENCODE);

  ub_test_write_file (in, data, 400 * 1024);
  ub_data_job_set_input_file (job, in);
  ub_data_job_set_output_file (job, path);
  return ub_data_job_run (job, NULL, error);
}

static gboolean
write_with_png (const char  *dir,
                const char  *path,
                GError     **error)
{
  g_autofree guint8 *pixels = random_bytes (256 * 256 * 4, 3);
  UbPngEncodeOptions options;

  ub_png_encode_options_init_default (&options);
  options.compression_level = 0;
  return ub_png_encode_file (path, pixels, 256, 256, 256 * 4, UB_PNG_FORMAT_RGBA8, &options,
                             NULL, error);
}

static gboolean
write_with_primes_list (const char  *dir,
                        const char  *path,
                        GError     **error)
{
  g_autoptr(GVariant) reply = NULL;
  UbPrimesRecord record;

  ub_primes_record_init (&record, 0, 3000000);
  reply = ub_job_run_sync (UB_PRIMES_JOB_RUN, ub_primes_run_params_new (&record, TRUE, path, 0, NULL),
                           NULL, NULL, NULL, error);
  return reply != NULL;
}

static gboolean
write_with_random (const char  *dir,
                   const char  *path,
                   GError     **error)
{
  g_autoptr(GVariant) reply = NULL;

  reply = ub_job_run_sync (UB_DATA_JOB_RANDOM,
                           ub_data_random_params_new (path, (guint64) 3 << 20, 7),
                           NULL, NULL, NULL, error);
  return reply != NULL;
}

static const struct
{
  const char *name;
  const char *file;   /* what the writer writes, in the folder */
  WriterFunc  func;
} writers[] = {
  { "store", "key.gvariant", write_with_store },
  { "data-job", "out", write_with_data_job },
  { "png", "out.png", write_with_png },
  { "primes-list", "primes.txt", write_with_primes_list },
  { "data-random", "random.bin", write_with_random },
};

static void
test_injected (gconstpointer data)
{
  const struct { UbDurableFault fault; int errsv; int code; } faults[] = {
    { UB_DURABLE_FAULT_WRITE, ENOSPC, G_IO_ERROR_NO_SPACE },
    { UB_DURABLE_FAULT_WRITE, EIO, G_IO_ERROR_FAILED },
    { UB_DURABLE_FAULT_SYNC, EIO, G_IO_ERROR_FAILED },
    { UB_DURABLE_FAULT_COMMIT, EIO, G_IO_ERROR_FAILED },
  };
  guint w = GPOINTER_TO_UINT (data);

  g_test_summary ("Disk full part-way, and EIO on write, fsync and rename: the writer fails "
                  "with the matching error, the old file is whole, nothing else is left");

  for (guint f = 0; f < G_N_ELEMENTS (faults); f++)
    for (int tmpfile = 0; tmpfile < 2; tmpfile++)
      {
        g_autofree char *dir = make_dir ();
        g_autofree char *path = g_build_filename (dir, writers[w].file, NULL);
        g_autofree char *before = NULL;
        g_autofree char *after = NULL;
        g_autofree char *old = NULL;
        g_autoptr(GError) error = NULL;
        gsize old_len;

        /* The old file: what a first, successful run wrote. */
        _ub_durable_set_use_tmpfile (tmpfile);
        g_assert_true (writers[w].func (dir, path, &error));
        g_assert_no_error (error);
        g_assert_true (g_file_get_contents (path, &old, &old_len, NULL));
        before = sorted_entries (dir);

        _ub_durable_set_fault (faults[f].fault, 4096, faults[f].errsv);
        g_assert_false (writers[w].func (dir, path, &error));
        _ub_durable_clear_fault ();
        g_test_message ("%s: %s", writers[w].name, error->message);
        g_assert_error (error, G_IO_ERROR, faults[f].code);

        assert_contents (path, old, old_len);
        after = sorted_entries (dir);
        g_assert_cmpstr (after, ==, before);
        ub_test_remove_tree (dir);
      }
  _ub_durable_set_use_tmpfile (TRUE);
}

/* ------------------------------------------------------------------ */
/* The CLI killed and interrupted                                     */

/* What the CLI last spawned wrote on standard error (an unlinked
 * temporary file), shown when it fails to exit in time. */
static int cli_stderr_fd = -1;

/* The signals the tests send, as a user's shell leaves them for the
 * programs it starts; @ignore_sighup asks for SIGHUP ignored, as nohup
 * starts a program. Runs in the child between fork and exec: only
 * async-signal-safe calls. */
static void
reset_signals (gpointer user_data)
{
  const int signums[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
  sigset_t none;

  /* A suite started in the background (sh's `&` ignores SIGINT) or under
   * nohup would otherwise hand its ignored signals on to the CLI, which
   * honours them. */
  for (guint i = 0; i < G_N_ELEMENTS (signums); i++)
    signal (signums[i], SIG_DFL);
  if (GPOINTER_TO_INT (user_data))
    signal (SIGHUP, SIG_IGN);
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
}

static GPid
spawn_cli_full (const char * const *args,
                gboolean            named_temporaries,
                gboolean            ignore_sighup)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = g_get_environ ();
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *stderr_path = NULL;
  GPid pid;

  g_ptr_array_add (argv, cli_path);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  if (cli_stderr_fd >= 0)
    close (cli_stderr_fd);
  cli_stderr_fd = g_file_open_tmp ("unblock-cli-stderr-XXXXXX", &stderr_path, &error);
  g_assert_no_error (error);
  g_unlink (stderr_path);

  if (named_temporaries)
    envp = g_environ_setenv (envp, "UNBLOCK_NO_TMPFILE", "1", TRUE);
  g_spawn_async_with_fds (NULL, (char **) argv->pdata, envp,
                          G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                          reset_signals, GINT_TO_POINTER (ignore_sighup), &pid,
                          -1, -1, cli_stderr_fd, &error);
  g_assert_no_error (error);
  return pid;
}

static GPid
spawn_cli (const char * const *args,
           gboolean            named_temporaries)
{
  return spawn_cli_full (args, named_temporaries, FALSE);
}

static char *
read_cli_stderr (void)
{
  GString *text = g_string_new (NULL);
  char buf[4096];
  gssize n;

  if (cli_stderr_fd >= 0 && lseek (cli_stderr_fd, 0, SEEK_SET) == 0)
    while ((n = read (cli_stderr_fd, buf, sizeof buf)) > 0)
      g_string_append_len (text, buf, n);
  return g_string_free (text, FALSE);
}

/* Waits at most a minute for the CLI to exit; a CLI that hangs is killed
 * and the test fails with what it printed. */
static int
wait_for (GPid pid)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  int status;
  pid_t got;

  while ((got = waitpid (pid, &status, WNOHANG)) == 0 && g_get_monotonic_time () < deadline)
    g_usleep (5 * 1000);
  if (got == 0)
    {
      g_autofree char *err = NULL;

      kill (pid, SIGKILL);
      waitpid (pid, &status, 0);
      err = read_cli_stderr ();
      g_error ("the CLI did not exit within a minute; it printed: %s", err);
    }
  g_assert_cmpint (got, ==, pid);
  if (WIFEXITED (status) && WEXITSTATUS (status) != 0 && WEXITSTATUS (status) < 128)
    {
      g_autofree char *err = read_cli_stderr ();

      g_test_message ("the CLI exited with status 0x%x; it printed: %s", status, err);
    }
  return status;
}

/* Kills the CLI and fails the test with what it printed. */
static G_NORETURN void
fail_with_cli (GPid        pid,
               const char *what)
{
  g_autofree char *err = NULL;

  kill (pid, SIGKILL);
  waitpid (pid, NULL, 0);
  err = read_cli_stderr ();
  g_error ("%s; the CLI printed: %s", what, err);
}

/* Opens @fifo for writing once the CLI has opened it for reading: at
 * most a minute, and a CLI that exits first fails the test at once with
 * what it printed, instead of an open() that waits for ever. */
static int
open_fifo_for (GPid        pid,
               const char *fifo)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  for (;;)
    {
      int fd = g_open (fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC, 0);
      int status;

      if (fd >= 0)
        return fd;
      if (errno != ENXIO)
        g_error ("opening %s: %s", fifo, g_strerror (errno));
      if (waitpid (pid, &status, WNOHANG) == pid)
        {
          g_autofree char *err = read_cli_stderr ();

          g_error ("the CLI exited (status 0x%x) before it opened its input; it printed: %s",
                   status, err);
        }
      if (g_get_monotonic_time () >= deadline)
        fail_with_cli (pid, "the CLI did not open its input within a minute");
      /* Polling another process, which has no way to say it opened. */
      g_usleep (2 * 1000);
    }
}

/* Writes all of @data into the non-blocking @fd the CLI reads, within a
 * minute; a CLI that stops reading or exits fails the test with what it
 * printed. */
static void
feed_cli (GPid          pid,
          int           fd,
          const guint8 *data,
          gsize         len)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (len > 0)
    {
      struct pollfd pfd = { .fd = fd, .events = POLLOUT };
      gssize n;

      if (g_get_monotonic_time () >= deadline)
        fail_with_cli (pid, "the CLI stopped reading its input for a minute");
      if (poll (&pfd, 1, 100) <= 0)
        continue;
      n = write (fd, data, len);
      if (n < 0 && (errno == EAGAIN || errno == EINTR))
        continue;
      if (n < 0)
        {
          g_autofree char *what = g_strdup_printf ("writing to the CLI: %s (it stopped reading)",
                                                   g_strerror (errno));

          fail_with_cli (pid, what);
        }
      data += n;
      len -= (gsize) n;
    }
}

/* The next start: any command removes what killed runs left. */
static void
start_cli_again (void)
{
  const char *args[] = { "sha256", "/dev/null", NULL };
  int status = wait_for (spawn_cli (args, FALSE));

  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      g_autofree char *err = read_cli_stderr ();

      g_error ("the next start of the CLI failed (status 0x%x); it printed: %s", status, err);
    }
}

static void
test_kill_base64 (void)
{
  const gsize len = 24 << 20;
  g_autofree char *dir = make_dir ();
  g_autofree char *in = g_build_filename (dir, "in", NULL);
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  g_autofree guint8 *data = random_bytes (len, 11);
  g_autofree char *expected = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  const char *args[] = { "base64", "encode", in, out, NULL };
  gsize expected_len;
  gint64 full_time;
  guint old_seen = 0, new_seen = 0;

  g_test_summary ("base64 encode killed with SIGKILL at random moments: the destination is "
                  "the old file or the complete new one, and no temporary file survives the "
                  "next start");

  ub_test_write_file (in, data, len);
  expected = ub_base64_encode (data, len, 76, &expected_len);

  /* How long a whole run takes here, to spread the kills over it. */
  {
    gint64 start = g_get_monotonic_time ();

    g_assert_true (WIFEXITED (wait_for (spawn_cli (args, FALSE))));
    full_time = MAX (g_get_monotonic_time () - start, 1000);
    assert_contents (out, expected, expected_len);
  }

  for (guint i = 0; i < 16; i++)
    {
      g_autofree char *contents = NULL;
      g_autofree char *entries = NULL;
      gsize n;
      GPid pid;
      int status;

      ub_test_write_file (out, "old", 3);
      pid = spawn_cli (args, FALSE);
      /* The randomness of the moment is the point: not a wait for an event. */
      g_usleep (g_rand_int_range (rand, 0, (gint32) MIN (full_time, G_MAXINT32)));
      kill (pid, SIGKILL);
      status = wait_for (pid);

      g_assert_true (g_file_get_contents (out, &contents, &n, NULL));
      if (n == 3 && memcmp (contents, "old", 3) == 0)
        old_seen++;
      else
        {
          g_assert_cmpmem (contents, n, expected, expected_len);
          new_seen++;
        }

      start_cli_again ();
      entries = sorted_entries (dir);
      g_assert_cmpstr (entries, ==, "in out");
      g_test_message ("kill %u (%s): %s", i, WIFSIGNALED (status) ? "killed" : "had finished",
                      n == 3 ? "old file" : "new file");
    }
  g_test_message ("%u kills left the old file, %u the new one", old_seen, new_seen);
  ub_test_remove_tree (dir);
}

static void
test_signals (void)
{
  const int signums[] = { SIGINT, SIGTERM, SIGHUP };

  g_test_summary ("SIGINT, SIGTERM and SIGHUP mid-encode exit 128 + the signal and leave "
                  "the old destination and no temporary file");

  for (guint s = 0; s < G_N_ELEMENTS (signums); s++)
    for (int named = 0; named < 2; named++)
      {
        g_autofree char *dir = make_dir ();
        g_autofree char *fifo = g_build_filename (dir, "in", NULL);
        g_autofree char *out = g_build_filename (dir, "out", NULL);
        g_autofree guint8 *chunk = random_bytes (1 << 20, 5);
        g_autofree char *entries = NULL;
        const char *args[] = { "base64", "encode", fifo, out, NULL };
        GPid pid;
        int status;
        int fd;

        g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
        ub_test_write_file (out, "old", 3);
        pid = spawn_cli (args, named);

        /* Two full chunks through the pipe: once they are in, the CLI has
         * read the first, so its output is being written. */
        fd = open_fifo_for (pid, fifo);
        feed_cli (pid, fd, chunk, 1 << 20);
        feed_cli (pid, fd, chunk, 1 << 20);

        kill (pid, signums[s]);
        status = wait_for (pid);
        close (fd);

        g_assert_true (WIFEXITED (status));
        g_assert_cmpint (WEXITSTATUS (status), ==, 128 + signums[s]);
        assert_contents (out, "old", 3);
        entries = sorted_entries (dir);
        g_assert_cmpstr (entries, ==, "in out");
        ub_test_remove_tree (dir);
      }
}

static void
test_ignored_sighup (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *fifo = g_build_filename (dir, "in", NULL);
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  g_autofree guint8 *chunk = random_bytes (1 << 20, 6);
  g_autofree char *expected = NULL;
  const char *args[] = { "base64", "encode", fifo, out, NULL };
  gsize expected_len;
  GPid pid;
  int status;
  int fd;

  g_test_summary ("Started with SIGHUP ignored (nohup), the CLI keeps it ignored: a hang-up "
                  "mid-encode neither stops it nor costs its output");

  expected = ub_base64_encode (chunk, 1 << 20, 76, &expected_len);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  pid = spawn_cli_full (args, FALSE, TRUE);
  fd = open_fifo_for (pid, fifo);
  feed_cli (pid, fd, chunk, 512 << 10);
  kill (pid, SIGHUP);
  feed_cli (pid, fd, chunk + (512 << 10), 512 << 10);
  close (fd);
  status = wait_for (pid);

  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  assert_contents (out, expected, expected_len);
  ub_test_remove_tree (dir);
}

/* ------------------------------------------------------------------ */
/* A data job killed and resumed                                      */

#define RESUME_KEY "resume"

typedef struct
{
  const char *checkpoint;
  gboolean    keep;       /* the partial output kept at each checkpoint */
} ChildRun;

static void
save_each_chunk (UbDataJob *job,
                 guint64    done,
                 gint64     total,
                 gpointer   user_data)
{
  ChildRun *run = user_data;
  UbDataCheckpoint cp;

  g_assert_true (ub_data_job_get_checkpoint (job, &cp));
  /* Kept as a link, so what the checkpoint claims is there after a kill. */
  if (run->keep)
    g_assert_true (ub_data_job_keep_partial (job));
  g_assert_true (ub_store_write_file (run->checkpoint, RESUME_KEY,
                                      g_variant_new ("(tt)", cp.input_offset, cp.output_offset),
                                      NULL));
}

/* @keep_data: whether the output goes to the destination's temporary
 * file, kept as the partial output at each checkpoint, rather than to the
 * partial output itself. */
static void
test_kill_and_resume (gconstpointer keep_data)
{
  gboolean keep = GPOINTER_TO_INT (keep_data);
  const gsize len = 6 << 20;
  g_autofree char *dir = make_dir ();
  g_autofree char *in = g_build_filename (dir, "in", NULL);
  g_autofree char *out = g_build_filename (dir, "out.b64", NULL);
  g_autofree char *checkpoint = g_build_filename (dir, "checkpoint", NULL);
  g_autofree char *partial = ub_durable_dup_partial_path ("faults.part");
  g_autofree guint8 *data = random_bytes (len, 13);
  g_autofree char *expected = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  gsize expected_len;
  guint resumed = 0;

  g_test_summary ("A data job killed with SIGKILL at a random moment and resumed from its "
                  "checkpoint and partial output gives byte-identical output");

  ub_test_write_file (in, data, len);
  expected = ub_base64_encode (data, len, 76, &expected_len);

  for (guint i = 0; i < 8; i++)
    {
      g_autoptr(UbDataJob) job = ub_data_job_new (UB_DATA_MODE_BASE64_ENCODE);
      g_autoptr(GVariant) saved = NULL;
      g_autoptr(GError) error = NULL;
      pid_t pid;

      g_unlink (out);
      g_unlink (checkpoint);
      g_unlink (partial);

      pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          g_autoptr(UbDataJob) child = ub_data_job_new (UB_DATA_MODE_BASE64_ENCODE);
          ChildRun run = { checkpoint, keep };

          ub_data_job_set_chunk_size (child, 64 * 1024);
          ub_data_job_set_input_file (child, in);
          ub_data_job_set_output_file (child, out);
          if (keep)
            ub_data_job_set_keep_partial (child, partial);
          else
            ub_data_job_set_partial_output (child, partial);
          ub_data_job_set_progress_func (child, save_each_chunk, &run);
          _exit (ub_data_job_run (child, NULL, NULL) ? 0 : 1);
        }
      g_usleep (g_rand_int_range (rand, 1000, 150000));
      kill (pid, SIGKILL);
      waitpid (pid, NULL, 0);

      ub_data_job_set_chunk_size (job, 64 * 1024);
      ub_data_job_set_input_file (job, in);
      ub_data_job_set_output_file (job, out);
      ub_data_job_set_partial_output (job, partial);
      saved = ub_store_read_file (checkpoint, RESUME_KEY, NULL);
      if (saved != NULL && !g_file_test (out, G_FILE_TEST_EXISTS))
        {
          UbDataCheckpoint cp = { .mode = UB_DATA_MODE_BASE64_ENCODE, .wrap = 76 };

          g_variant_get (saved, "(tt)", &cp.input_offset, &cp.output_offset);
          g_assert_true (ub_data_job_set_resume (job, &cp, partial, &error));
          g_assert_no_error (error);
          resumed++;
        }
      if (!g_file_test (out, G_FILE_TEST_EXISTS))
        {
          g_assert_true (ub_data_job_run (job, NULL, &error));
          g_assert_no_error (error);
        }
      assert_contents (out, expected, expected_len);
      if (keep && g_file_test (partial, G_FILE_TEST_EXISTS))
        {
          GStatBuf a, b;

          /* Killed between putting the result in place and removing the
           * link: the link is the result itself. */
          g_assert_cmpint (g_stat (out, &a), ==, 0);
          g_assert_cmpint (g_stat (partial, &b), ==, 0);
          g_assert_cmpuint (a.st_ino, ==, b.st_ino);
          g_unlink (partial);
        }
      g_assert_false (g_file_test (partial, G_FILE_TEST_EXISTS));
    }
  g_test_message ("%u of 8 runs resumed from a checkpoint", resumed);
  ub_test_remove_tree (dir);
}

/* ------------------------------------------------------------------ */
/* Reads never wait on a FIFO                                         */

static void
test_fifo_reads (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *store_dir = g_build_filename (dir, "state", NULL);
  g_autofree char *png = g_build_filename (dir, "photo.png", NULL);
  g_autofree char *entry = g_build_filename (store_dir, "fifo.gvariant", NULL);
  g_autofree char *zero = g_build_filename (store_dir, "zero.gvariant", NULL);
  g_autofree char *recovery = NULL;
  g_autoptr(UbPngImage) image = NULL;
  g_autoptr(UbStore) store = NULL;
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("A FIFO named *.png, a FIFO and a link to /dev/zero in the state folder, "
                  "and a FIFO as a checkpoint are refused at once (this test hangs if not)");

  g_assert_cmpint (mkfifo (png, 0600), ==, 0);
  image = ub_png_decode_file (png, NULL, NULL, NULL, NULL, NULL, &error);
  g_assert_null (image);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE);
  g_clear_error (&error);

  g_assert_cmpint (g_mkdir (store_dir, 0700), ==, 0);
  g_assert_cmpint (mkfifo (entry, 0600), ==, 0);
  g_assert_cmpint (symlink ("/dev/zero", zero), ==, 0);
  store = ub_store_new_for_directory (store_dir, &error);
  g_assert_no_error (error);
  recovery = ub_store_take_recovery_message (store);
  g_assert_nonnull (recovery);
  g_test_message ("%s", recovery);
  g_assert_null (ub_store_dup (store, "fifo"));
  g_assert_null (ub_store_dup (store, "zero"));
  g_assert_false (g_file_test (entry, G_FILE_TEST_EXISTS));   /* moved aside */

  value = ub_store_read_file (png, "primes-count", &error);
  g_assert_null (value);
  g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
  ub_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  ub_jobs_register_all ();
  /* A CLI that stops reading its input fails the case that feeds it,
   * with a message, instead of killing the whole suite. */
  signal (SIGPIPE, SIG_IGN);

  if (g_getenv ("UB_CLI") != NULL)
    cli_path = g_strdup (g_getenv ("UB_CLI"));
  else
    cli_path = g_test_build_filename (G_TEST_BUILT, "..", "app", "unblock-cli", NULL);

  for (guint w = 0; w < G_N_ELEMENTS (writers); w++)
    {
      g_autofree char *name = g_strdup_printf ("/faults/injected/%s", writers[w].name);

      g_test_add_data_func (name, GUINT_TO_POINTER (w), test_injected);
    }
  g_test_add_data_func ("/faults/kill-9/data-resume", GINT_TO_POINTER (FALSE), test_kill_and_resume);
  g_test_add_data_func ("/faults/kill-9/data-resume-kept-link", GINT_TO_POINTER (TRUE),
                        test_kill_and_resume);
  g_test_add_func ("/faults/fifo/never-waited-on", test_fifo_reads);
  if (g_file_test (cli_path, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_add_func ("/faults/kill-9/cli-base64", test_kill_base64);
      g_test_add_func ("/faults/signals/cli-base64", test_signals);
      g_test_add_func ("/faults/signals/ignored-sighup", test_ignored_sighup);
    }

  return g_test_run ();
}
