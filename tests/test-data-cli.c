/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "ub-base64.h"
#include "ub-test-cli.h"
#include "ub-test-files.h"

/*
 * Runs the built unblock-cli (UB_CLI, or app/unblock-cli next to the test
 * build directory) and, where installed, coreutils for comparison.
 */

static const char *cli_path;
static char *work_dir;

/* Runs @program with the arguments up to a NULL, @input on stdin. */
static void
run (UbTestCliResult *r,
     GBytes          *input,
     const char      *program,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  va_list args;

  g_ptr_array_add (argv, (gpointer) program);
  va_start (args, program);
  for (const char *a = va_arg (args, const char *); a != NULL; a = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) a);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  ub_test_spawn (r, (const char * const *) argv->pdata, NULL, input);
}

static char *
path_in_work (const char *name)
{
  return g_build_filename (work_dir, name, NULL);
}

static GBytes *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize n;

  g_file_get_contents (path, &contents, &n, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, n);
}

static void
assert_bytes_equal (GBytes *a,
                    GBytes *b)
{
  g_assert_cmpmem (g_bytes_get_data (a, NULL), g_bytes_get_size (a),
                   g_bytes_get_data (b, NULL), g_bytes_get_size (b));
}

/* Standard output was exactly @expected. */
static void
assert_out_equal (const UbTestCliResult *r,
                  GBytes                *expected)
{
  g_assert_cmpmem (r->out, r->out_len,
                   g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
}

static guint8 *
make_data (gsize len)
{
  guint8 *data = g_malloc (len + 1);

  for (gsize i = 0; i < len; i++)
    data[i] = (guint8) ((i * 7919) ^ (i >> 8));
  return data;
}

static void
test_encode_like_coreutils (void)
{
  /* Empty, one byte, exactly one line, a line and a bit, many lines. */
  static const gsize sizes[] = { 0, 1, 57, 58, 100000 };
  g_autofree char *base64 = g_find_program_in_path ("base64");
  g_autofree char *in = path_in_work ("in.bin");
  g_autofree char *out = path_in_work ("out.b64");
  g_autofree char *back = path_in_work ("back.bin");

  g_test_summary ("`base64 encode IN OUT` writes what coreutils base64 prints (wrap 76, "
                  "-w 0, -w 10), and `base64 decode` gives the input back");

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      static const char *wraps[] = { NULL, "0", "10" };
      g_autofree guint8 *data = make_data (sizes[s]);
      g_autoptr(GBytes) plain = g_bytes_new (data, sizes[s]);

      ub_test_write_file (in, data, sizes[s]);

      for (guint w = 0; w < G_N_ELEMENTS (wraps); w++)
        {
          g_auto(UbTestCliResult) enc = { 0 };
          g_auto(UbTestCliResult) dec = { 0 };
          g_autoptr(GBytes) got = NULL;
          g_autoptr(GBytes) got_back = NULL;

          if (wraps[w] == NULL)
            run (&enc, NULL, cli_path, "base64", "encode", in, out, NULL);
          else
            run (&enc, NULL, cli_path, "base64", "encode", "-w", wraps[w], in, out, NULL);
          g_assert_cmpstr (enc.err, ==, "");
          g_assert_cmpint (enc.status, ==, 0);
          got = read_file (out);

          if (base64 != NULL)
            {
              g_auto(UbTestCliResult) ref = { 0 };

              if (wraps[w] == NULL)
                run (&ref, NULL, base64, in, NULL);
              else
                run (&ref, NULL, base64, "-w", wraps[w], in, NULL);
              g_assert_cmpint (ref.status, ==, 0);
              assert_out_equal (&ref, got);
            }
          else
            {
              g_autofree char *expected = NULL;
              g_autoptr(GBytes) expected_bytes = NULL;
              gsize n;

              expected = ub_base64_encode (data, sizes[s], wraps[w] ? atoi (wraps[w]) : 76, &n);
              expected_bytes = g_bytes_new (expected, n);
              assert_bytes_equal (got, expected_bytes);
            }

          /* Decoding is the library's, tested at length elsewhere: once a size. */
          if (wraps[w] != NULL)
            continue;
          run (&dec, NULL, cli_path, "base64", "decode", out, back, NULL);
          g_assert_cmpstr (dec.err, ==, "");
          g_assert_cmpint (dec.status, ==, 0);
          got_back = read_file (back);
          assert_bytes_equal (got_back, plain);
        }
    }

  if (base64 == NULL)
    g_test_incomplete ("coreutils base64 is not installed: compared with the library only");
}

static void
test_stdin_stdout (void)
{
  const gsize len = 200000;
  g_autofree guint8 *data = make_data (len);
  g_autoptr(GBytes) plain = g_bytes_new (data, len);
  g_autofree char *expected = NULL;
  g_autoptr(GBytes) expected_bytes = NULL;
  g_auto(UbTestCliResult) enc = { 0 };
  g_auto(UbTestCliResult) dec = { 0 };
  gsize n;

  g_test_summary ("“-” reads standard input and writes standard output");

  expected = ub_base64_encode (data, len, 76, &n);
  expected_bytes = g_bytes_new (expected, n);

  run (&enc, plain, cli_path, "base64", "encode", "-", "-", NULL);
  g_assert_cmpstr (enc.err, ==, "");
  g_assert_cmpint (enc.status, ==, 0);
  assert_out_equal (&enc, expected_bytes);

  run (&dec, expected_bytes, cli_path, "base64", "decode", "-", "-", NULL);
  g_assert_cmpstr (dec.err, ==, "");
  g_assert_cmpint (dec.status, ==, 0);
  assert_out_equal (&dec, plain);
}

/* In the child: SIGINT as in a foreground job, even if the test runner
 * started us with it ignored. */
static void
default_sigint (gpointer user_data)
{
  signal (SIGINT, SIG_DFL);
}

/* Whether @dir holds an entry whose name starts with @prefix. */
static gboolean
dir_has_prefix (const char *dir,
                const char *prefix)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, prefix))
      return TRUE;
  return FALSE;
}

/* Returns FALSE once the CLI is gone: nothing more to feed. */
static gboolean
write_zeros (int   fd,
             gsize len)
{
  g_autofree char *zeros = g_malloc0 (64 * 1024);

  while (len > 0)
    {
      gssize n = write (fd, zeros, MIN (len, 64 * 1024));

      if (n <= 0)
        return FALSE;
      len -= (gsize) n;
    }
  return TRUE;
}

static void
test_interrupt (void)
{
  g_autofree char *dir = path_in_work ("interrupt");
  g_autofree char *out = g_build_filename (dir, "out.b64", NULL);
  g_autoptr(GError) error = NULL;
  const char *argv[] = { cli_path, "base64", "encode", "-", out, NULL };
  g_auto(GStrv) envp = ub_test_cli_environ ();
  void (*old_sigpipe) (int);
  gint64 deadline;
  GPid pid;
  int in_fd;
  int status;

  g_test_summary ("SIGINT stops an encode in its worker: the partial output is removed "
                  "and the exit status is 128 + SIGINT");

  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  /* A named temporary file, not an unnamed one, so that it can be seen. */
  envp = g_environ_setenv (envp, "UNBLOCK_NO_TMPFILE", "1", TRUE);
  g_spawn_async_with_pipes (NULL, (char **) argv, envp, G_SPAWN_DO_NOT_REAP_CHILD,
                            default_sigint, NULL, &pid, &in_fd, NULL, NULL, &error);
  g_assert_no_error (error);
  /* The CLI may stop reading at any point once interrupted. */
  old_sigpipe = signal (SIGPIPE, SIG_IGN);

  /* The job's temporary file shows that it runs, with the signals caught. */
  write_zeros (in_fd, 4096);
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (!dir_has_prefix (dir, ".out.b64.") && g_get_monotonic_time () < deadline)
    g_usleep (10 * 1000);
  g_assert_true (dir_has_prefix (dir, ".out.b64."));

  g_assert_cmpint (kill (pid, SIGINT), ==, 0);
  /* The job looks at its cancellable between chunks, and would end its
   * input and finish if it were closed before the signal reached the
   * job: feed it until the CLI is gone and the pipe breaks. */
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (write_zeros (in_fd, 1 << 20) && g_get_monotonic_time () < deadline)
    ;
  close (in_fd);
  signal (SIGPIPE, old_sigpipe);

  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 128 + SIGINT);
  g_assert_false (dir_has_prefix (dir, ".out.b64."));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_sha256_like_sha256sum (void)
{
  g_autofree char *sha256sum = g_find_program_in_path ("sha256sum");
  g_autofree char *a = path_in_work ("a.bin");
  g_autofree char *b = path_in_work ("b.bin");
  g_autofree guint8 *data = make_data (300000);
  g_autoptr(GBytes) input = g_bytes_new_static ("abc", 3);
  g_auto(UbTestCliResult) ours = { 0 };
  g_autofree char *expected_b = NULL;
  g_autofree char *line = NULL;

  g_test_summary ("`sha256 FILE... -` prints what sha256sum prints, stdin included");

  ub_test_write_file (a, "", 0);
  ub_test_write_file (b, data, 300000);

  run (&ours, input, cli_path, "sha256", a, b, "-", NULL);
  g_assert_cmpstr (ours.err, ==, "");
  g_assert_cmpint (ours.status, ==, 0);

  if (sha256sum != NULL)
    {
      g_auto(UbTestCliResult) ref = { 0 };

      run (&ref, input, sha256sum, a, b, "-", NULL);
      g_assert_cmpint (ref.status, ==, 0);
      g_assert_cmpmem (ours.out, ours.out_len, ref.out, ref.out_len);
    }
  else
    {
      expected_b = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, 300000);
      line = g_strdup_printf ("%s  %s\n", expected_b, b);
      g_assert_nonnull (g_strstr_len (ours.out, ours.out_len, line));
      g_test_incomplete ("sha256sum is not installed: compared with GChecksum only");
    }
}

static void
test_runtime_errors (void)
{
  g_autofree char *bad = path_in_work ("bad.b64");
  g_autofree char *out = path_in_work ("bad.out");
  g_autofree char *missing = path_in_work ("missing.bin");
  g_autofree char *good = path_in_work ("good.bin");
  g_autofree char *expected = NULL;

  g_test_summary ("Runtime failures exit 1 with one line naming the file and, for bad "
                  "data, the byte offset; sha256 goes on with the other files");

  ub_test_write_file (bad, "Zm9vYmFy\nZm9v!mFy\n", 18);
  {
    g_auto(UbTestCliResult) r = { 0 };

    run (&r, NULL, cli_path, "base64", "decode", bad, out, NULL);
    g_assert_cmpint (r.status, ==, 1);
    expected = g_strdup_printf ("unblock-cli: %s: invalid character “!” at byte offset 13\n", bad);
    g_assert_cmpstr (r.err, ==, expected);
    g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  }

  ub_test_write_file (bad, "Zm9vY", 5);
  {
    g_auto(UbTestCliResult) r = { 0 };

    run (&r, NULL, cli_path, "base64", "decode", bad, "-", NULL);
    g_assert_cmpint (r.status, ==, 1);
    ub_test_assert_one_line (r.err, "truncated input");
    g_assert_nonnull (strstr (r.err, "at byte offset 5"));
  }

  {
    g_auto(UbTestCliResult) r = { 0 };

    run (&r, NULL, cli_path, "base64", "encode", missing, out, NULL);
    g_assert_cmpint (r.status, ==, 1);
    ub_test_assert_one_line (r.err, missing);
    g_assert_nonnull (strstr (r.err, "No such file or directory"));
  }

  ub_test_write_file (good, "abc", 3);
  {
    g_auto(UbTestCliResult) r = { 0 };
    g_autofree char *line = g_strdup_printf ("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  %s\n", good);

    run (&r, NULL, cli_path, "sha256", missing, good, NULL);
    g_assert_cmpint (r.status, ==, 1);
    ub_test_assert_one_line (r.err, missing);
    g_assert_cmpmem (r.out, r.out_len, line, strlen (line));
  }
}

static gpointer
drain_fifo (gpointer data)
{
  g_autofree char *contents = NULL;
  gsize n = 0;

  /* Blocks until the CLI opens the FIFO for writing, reads to its end. */
  if (!g_file_get_contents (data, &contents, &n, NULL))
    return NULL;
  return g_bytes_new_take (g_steal_pointer (&contents), n);
}

static void
test_destinations (void)
{
  g_autofree char *in = path_in_work ("dest.bin");
  g_autofree char *other_name = path_in_work ("dest-link.bin");
  g_autofree char *folder = path_in_work ("dest-folder");
  g_autofree char *fifo_in = path_in_work ("dest-in.fifo");
  g_autofree char *fifo_out = path_in_work ("dest-out.fifo");
  g_autofree char *kept = path_in_work ("dest-0600.b64");
  g_autofree guint8 *data = make_data (100000);
  g_autofree char *encoded = NULL;
  g_autoptr(GBytes) original = NULL;
  g_autoptr(GBytes) expected = NULL;
  gsize encoded_len;
  GStatBuf st;

  g_test_summary ("The destination as coreutils treats it: the input itself (by any name) "
                  "and a folder are refused before any input is read, a FIFO, /dev/stdout "
                  "and /dev/full are written straight into and stay what they are, and a "
                  "replaced file keeps its mode");

  ub_test_write_file (in, data, 100000);
  original = read_file (in);
  encoded = ub_base64_encode (data, 100000, 76, &encoded_len);
  expected = g_bytes_new (encoded, encoded_len);
  g_assert_cmpint (link (in, other_name), ==, 0);

  /* The input itself, by its name and by another: refused, left whole. */
  for (guint i = 0; i < 2; i++)
    {
      g_auto(UbTestCliResult) r = { 0 };
      g_autoptr(GBytes) after = NULL;

      run (&r, NULL, cli_path, "base64", "encode", in, i == 0 ? in : other_name, NULL);
      g_assert_cmpint (r.status, ==, 1);
      ub_test_assert_one_line (r.err, "the input file itself");
      after = read_file (in);
      assert_bytes_equal (after, original);
    }

  /* A folder, refused before the input is opened: a FIFO nobody writes
   * to would keep a CLI that read first waiting for ever. */
  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  g_assert_cmpint (mkfifo (fifo_in, 0600), ==, 0);
  {
    g_auto(UbTestCliResult) r = { 0 };

    run (&r, NULL, cli_path, "base64", "encode", fifo_in, folder, NULL);
    g_assert_cmpint (r.status, ==, 1);
    ub_test_assert_one_line (r.err, "folder");
    g_assert_cmpuint (ub_test_count_entries (folder), ==, 0);
  }

  /* /dev/stdout: the encoding on standard output. */
  {
    g_auto(UbTestCliResult) r = { 0 };

    run (&r, NULL, cli_path, "base64", "encode", in, "/dev/stdout", NULL);
    g_assert_cmpint (r.status, ==, 0);
    assert_out_equal (&r, expected);
  }

  /* A FIFO: its reader gets the encoding, and it stays a FIFO. */
  g_assert_cmpint (mkfifo (fifo_out, 0600), ==, 0);
  {
    g_auto(UbTestCliResult) r = { 0 };
    GThread *reader = g_thread_new ("fifo-reader", drain_fifo, fifo_out);
    g_autoptr(GBytes) got = NULL;

    run (&r, NULL, cli_path, "base64", "encode", in, fifo_out, NULL);
    got = g_thread_join (reader);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (got);
    assert_bytes_equal (got, expected);
    g_assert_cmpint (g_lstat (fifo_out, &st), ==, 0);
    g_assert_true (S_ISFIFO (st.st_mode));
  }

  /* /dev/full: the disk is full, and the device stays a device. */
  if (g_lstat ("/dev/full", &st) == 0 && S_ISCHR (st.st_mode))
    {
      g_auto(UbTestCliResult) r = { 0 };

      run (&r, NULL, cli_path, "base64", "encode", in, "/dev/full", NULL);
      g_assert_cmpint (r.status, ==, 1);
      ub_test_assert_one_line (r.err, "No space left on device");
      g_assert_cmpint (g_lstat ("/dev/full", &st), ==, 0);
      g_assert_true (S_ISCHR (st.st_mode));
    }

  /* A 0600 file replaced stays 0600. */
  ub_test_write_file (kept, "old", 3);
  g_assert_cmpint (g_chmod (kept, 0600), ==, 0);
  {
    g_auto(UbTestCliResult) r = { 0 };
    g_autoptr(GBytes) after = NULL;

    run (&r, NULL, cli_path, "base64", "encode", in, kept, NULL);
    g_assert_cmpint (r.status, ==, 0);
    after = read_file (kept);
    assert_bytes_equal (after, expected);
    g_assert_cmpint (g_stat (kept, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 07777, ==, 0600);
  }
}

static void
test_usage_errors (void)
{
  static const char *cases[][6] = {
    { "base64", NULL },
    { "base64", "compress", "a", "b", NULL },
    { "base64", "encode", "a", NULL },
    { "base64", "encode", "a", "b", "c", NULL },
    { "base64", "encode", "-w", "x", "a", NULL },
    { "base64", "encode", "--wrap", NULL },
    { "base64", "decode", "-w", "76", "a", NULL },
    { "base64", "encode", "--bogus", "a", "b", NULL },
    { "sha256", "--bogus", NULL },
    { "no-such-command", NULL },
  };

  g_test_summary ("Usage errors exit 2 with one line on stderr and touch no file");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(UbTestCliResult) r = { 0 };
      const char **c = cases[i];

      run (&r, NULL, cli_path, c[0], c[1], c[2], c[3], c[4], NULL);
      g_assert_cmpint (r.status, ==, 2);
      ub_test_assert_one_line (r.err, NULL);
      g_assert_cmpuint (r.out_len, ==, 0);
    }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  cli_path = ub_test_cli_get_path ();

  g_test_add_func ("/data/cli/base64/encode-like-coreutils", test_encode_like_coreutils);
  g_test_add_func ("/data/cli/base64/stdin-stdout", test_stdin_stdout);
  g_test_add_func ("/data/cli/sha256/like-sha256sum", test_sha256_like_sha256sum);
  g_test_add_func ("/data/cli/errors/runtime", test_runtime_errors);
  g_test_add_func ("/data/cli/errors/usage", test_usage_errors);
  g_test_add_func ("/data/cli/base64/destinations", test_destinations);
  g_test_add_func ("/data/cli/base64/interrupt", test_interrupt);

  if (!ub_test_cli_found ())
    {
      printf ("1..0 # SKIP unblock-cli not found at %s (set UB_CLI)\n", cli_path);
      return 0;
    }

  work_dir = g_dir_make_tmp ("ub-data-cli-XXXXXX", &error);
  g_assert_no_error (error);
  status = g_test_run ();
  ub_test_remove_tree (work_dir);
  g_free (work_dir);
  return status;
}
