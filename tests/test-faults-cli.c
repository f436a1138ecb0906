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
#include "ub-test-cli.h"
#include "ub-test-files.h"
#include "ub-test-png.h"

/*
 * The fault-injection suite, the CLI's part: every CLI writer killed with
 * SIGKILL at random moments, and interrupted by SIGINT, SIGTERM and
 * SIGHUP. Afterwards the destination holds its old contents or the
 * complete new ones, and no temporary file is left once the next run has
 * started. (The primes count's checkpoint: test-cli-checkpoint.c.)
 */

static char *cli_path;

/* What the CLI last spawned wrote on standard error (an unlinked
 * temporary file), shown when it fails to exit in time. */
static int cli_stderr_fd = -1;

static GPid
spawn_cli_full (const char * const *args,
                gboolean            named_temporaries,
                gboolean            ignore_sighup)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = ub_test_cli_environ ();
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
                          ub_test_cli_reset_signals, GINT_TO_POINTER (ignore_sighup), &pid,
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

/* The CLI's writers, each killed at random moments. "IN" and "OUT" in
 * the arguments stand for the files. */
typedef struct
{
  const char *name;
  const char *args[7];
  const char *in_name;
  const char *out_name;
  /* The input's bytes, and what the output must be (NULL: what a whole
   * run writes, which other suites check) */
  GBytes   *(*make_input) (GBytes **expected);
} CliWriter;

/* @len random bytes and their base64 text, as (@bytes, @text). */
static void
base64_pair (gsize    len,
             guint32  seed,
             GBytes **bytes,
             GBytes **text)
{
  guint8 *data = ub_test_make_bytes (len, seed);
  gsize text_len;
  char *encoded = ub_base64_encode (data, len, 76, &text_len);

  *bytes = g_bytes_new_take (data, len);
  *text = g_bytes_new_take (encoded, text_len);
}

static GBytes *
encode_input (GBytes **expected)
{
  GBytes *input;

  base64_pair (24 << 20, 11, &input, expected);
  return input;
}

static GBytes *
decode_input (GBytes **expected)
{
  GBytes *input;

  base64_pair (16 << 20, 12, expected, &input);
  return input;
}

static GBytes *
png_input (GBytes **expected)
{
  g_autofree guint8 *pixels = ub_test_random_rgba (1536, 1536, 13);

  return ub_test_encode_rgba (pixels, 1536, 1536);
}

static const CliWriter cli_writers[] = {
  { "base64-encode", { "base64", "encode", "IN", "OUT" }, "in", "out", encode_input },
  { "base64-decode", { "base64", "decode", "IN", "OUT" }, "in.b64", "out", decode_input },
  { "png-decode", { "png", "decode", "IN", "OUT" }, "in.png", "out.pam", png_input },
  { "png-thumbnail", { "png", "thumbnail", "IN", "OUT", "--size", "1024" }, "in.png", "out.png",
    png_input },
};

static void
test_kill_writer (gconstpointer data)
{
  const CliWriter *writer = data;
  g_autofree char *dir = ub_test_make_dir ("ub-faults-cli-XXXXXX");
  g_autofree char *in = g_build_filename (dir, writer->in_name, NULL);
  g_autofree char *out = g_build_filename (dir, writer->out_name, NULL);
  g_autofree char *listing = g_strdup_printf ("%s %s", writer->in_name, writer->out_name);
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  g_autoptr(GBytes) input = NULL;
  g_autoptr(GBytes) expected = NULL;
  const char *args[G_N_ELEMENTS (writer->args) + 1] = { NULL };
  gint64 full_time;
  guint old_seen = 0, new_seen = 0;

  g_test_summary ("Each CLI writer killed with SIGKILL at random moments: the destination "
                  "is the old file or the complete new one, and no temporary file survives "
                  "the next start");

  for (guint a = 0; a < G_N_ELEMENTS (writer->args) && writer->args[a] != NULL; a++)
    args[a] = g_str_equal (writer->args[a], "IN") ? in
              : g_str_equal (writer->args[a], "OUT") ? out : writer->args[a];
  input = writer->make_input (&expected);
  ub_test_write_file (in, g_bytes_get_data (input, NULL), g_bytes_get_size (input));

  /* How long a whole run takes here, to spread the kills over it. */
  {
    gint64 start = g_get_monotonic_time ();
    g_autofree char *contents = NULL;
    gsize n;
    int status = wait_for (spawn_cli (args, FALSE));

    g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
    full_time = MAX (g_get_monotonic_time () - start, 1000);
    g_assert_true (g_file_get_contents (out, &contents, &n, NULL));
    if (expected != NULL)
      g_assert_cmpmem (contents, n, g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
    else
      expected = g_bytes_new_take (g_steal_pointer (&contents), n);
  }

  for (guint i = 0; i < 12; i++)
    {
      g_autofree char *contents = NULL;
      g_autofree char *entries = NULL;
      gsize n;
      GPid pid;
      int status;

      ub_test_write_file (out, "old", 3);
      pid = spawn_cli (args, g_rand_boolean (rand));
      /* The randomness of the moment is the point: not a wait for an event. */
      g_usleep (g_rand_int_range (rand, 0, (gint32) MIN (full_time, G_MAXINT32)));
      kill (pid, SIGKILL);
      status = wait_for (pid);

      g_assert_true (g_file_get_contents (out, &contents, &n, NULL));
      if (n == 3 && memcmp (contents, "old", 3) == 0)
        old_seen++;
      else
        {
          g_assert_cmpmem (contents, n, g_bytes_get_data (expected, NULL),
                           g_bytes_get_size (expected));
          new_seen++;
        }

      start_cli_again ();
      entries = ub_test_dup_sorted_entries (dir);
      g_assert_cmpstr (entries, ==, listing);
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
        g_autofree char *dir = ub_test_make_dir ("ub-faults-cli-XXXXXX");
        g_autofree char *fifo = g_build_filename (dir, "in", NULL);
        g_autofree char *out = g_build_filename (dir, "out", NULL);
        g_autofree guint8 *chunk = ub_test_make_bytes (1 << 20, 5);
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
        ub_test_assert_file_equals (out, "old", 3);
        entries = ub_test_dup_sorted_entries (dir);
        g_assert_cmpstr (entries, ==, "in out");
        ub_test_remove_tree (dir);
      }
}

static void
test_ignored_sighup (void)
{
  g_autofree char *dir = ub_test_make_dir ("ub-faults-cli-XXXXXX");
  g_autofree char *fifo = g_build_filename (dir, "in", NULL);
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  g_autofree guint8 *chunk = ub_test_make_bytes (1 << 20, 6);
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
  ub_test_assert_file_equals (out, expected, expected_len);
  ub_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  /* A CLI that stops reading its input fails the case that feeds it,
   * with a message, instead of killing the whole suite. */
  signal (SIGPIPE, SIG_IGN);

  cli_path = g_strdup (ub_test_cli_get_path ());
  if (!ub_test_cli_found ())
    {
      g_test_add_func ("/faults/cli", ub_test_cli_skip_missing);
      return g_test_run ();
    }

  for (guint w = 0; w < G_N_ELEMENTS (cli_writers); w++)
    {
      g_autofree char *name = g_strdup_printf ("/faults/kill-9/cli-%s", cli_writers[w].name);

      g_test_add_data_func (name, &cli_writers[w], test_kill_writer);
    }
  g_test_add_func ("/faults/signals/cli-base64", test_signals);
  g_test_add_func ("/faults/signals/ignored-sighup", test_ignored_sighup);

  return g_test_run ();
}
