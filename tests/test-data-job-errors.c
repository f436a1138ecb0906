/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ub-base64.h"
#include "ub-data-job.h"
#include "ub-durable.h"
#include "ub-error.h"
#include "ub-test-files.h"

/* UbDataJob on bad input and bad output: a bad character deep in a file, a
 * truncated or shrinking input, a folder as input, outputs that cannot be
 * made, and what an existing output or a descriptor gets. Each leaves no
 * output it did not finish, and names the file at fault. */

/* Cuts the file at @path short, 100 bytes past what the job has read, at
 * its first progress report. */
typedef struct
{
  const char *path;
  gboolean    done;
} Shrink;

static void
shrink_on_first_report (UbDataJob *job,
                        guint64    done,
                        gint64     total,
                        gpointer   user_data)
{
  Shrink *shrink = user_data;

  if (shrink->done)
    return;
  g_assert_cmpint (truncate (shrink->path, (off_t) (done + 100)), ==, 0);
  shrink->done = TRUE;
}

static void
test_decode_error (UbTestDir     *fixture,
                   gconstpointer  data)
{
  const gsize len = 60000;
  g_autofree guint8 *plain = ub_test_make_bytes (len, 7);
  g_autofree char *in_path = ub_test_dir_path (fixture, "in.b64");
  g_autofree char *out_path = ub_test_dir_path (fixture, "out.bin");
  g_autofree char *text = NULL;
  g_autofree char *at = NULL;
  gsize n;
  guint64 bad = 50003;

  g_test_summary ("A bad character deep in a multi-chunk file fails the job with its "
                  "file offset and the file name, and leaves no output");

  text = ub_base64_encode (plain, len, 76, &n);
  g_assert_cmpint (text[bad], !=, '\n');
  text[bad] = '*';
  ub_test_write_file (in_path, text, n);
  at = g_strdup_printf ("at byte offset %" G_GUINT64_FORMAT, bad);

  for (gsize chunk = 4096; chunk <= 65536; chunk *= 16)
    {
      g_autoptr(UbDataJob) job = ub_data_job_new (UB_DATA_MODE_BASE64_DECODE);
      g_autoptr(GError) error = NULL;

      ub_data_job_set_chunk_size (job, chunk);
      ub_data_job_set_input_file (job, in_path);
      ub_data_job_set_output_file (job, out_path);
      g_assert_false (ub_data_job_run (job, NULL, &error));
      g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
      g_test_message ("%s", error->message);
      g_assert_true (g_str_has_prefix (error->message, in_path));
      g_assert_nonnull (strstr (error->message, "“*”"));
      g_assert_nonnull (strstr (error->message, at));
      g_assert_cmpint (ub_data_job_get_error_offset (job), ==, bad);
      g_assert_cmpuint (ub_test_count_entries (fixture->dir), ==, 1);
    }
}

static void
test_truncated_file (UbTestDir     *fixture,
                     gconstpointer  data)
{
  g_autofree char *in_path = ub_test_dir_path (fixture, "in.b64");
  g_autofree char *out_path = ub_test_dir_path (fixture, "out.bin");
  g_autoptr(UbDataJob) job = ub_data_job_new (UB_DATA_MODE_BASE64_DECODE);
  g_autoptr(GError) error = NULL;

  g_test_summary ("A file that stops inside a quantum is truncated, at its size");

  ub_test_write_file (in_path, "Zm9vYmFy\nZm9vY\n", 15);
  ub_data_job_set_chunk_size (job, 4);
  ub_data_job_set_input_file (job, in_path);
  ub_data_job_set_output_file (job, out_path);
  g_assert_false (ub_data_job_run (job, NULL, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "truncated"));
  g_assert_cmpint (ub_data_job_get_error_offset (job), ==, 15);
  g_assert_cmpuint (ub_test_count_entries (fixture->dir), ==, 1);
}

static void
test_read_error_directory (UbTestDir     *fixture,
                           gconstpointer  data)
{
  g_autofree char *out_path = ub_test_dir_path (fixture, "out.b64");
  g_autoptr(UbDataJob) job = ub_data_job_new (UB_DATA_MODE_BASE64_ENCODE);
  g_autoptr(GError) error = NULL;

  g_test_summary ("Reading a directory is a read error that names it; no output is left");

  ub_data_job_set_input_file (job, fixture->dir);
  ub_data_job_set_output_file (job, out_path);
  g_assert_false (ub_data_job_run (job, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, fixture->dir));
  g_assert_nonnull (strstr (error->message, "cannot read"));
  g_assert_cmpuint (ub_test_count_entries (fixture->dir), ==, 0);
}

static void
test_read_error_shrinking (UbTestDir     *fixture,
                           gconstpointer  data)
{
  const gsize len = 100000;
  g_autofree guint8 *plain = ub_test_make_bytes (len, 8);
  g_autofree char *in_path = ub_test_dir_path (fixture, "in.bin");
  g_autofree char *out_path = ub_test_dir_path (fixture, "out.b64");
  g_autoptr(UbDataJob) job = ub_data_job_new (UB_DATA_MODE_BASE64_ENCODE);
  g_autoptr(GError) error = NULL;
  Shrink shrink = { in_path, FALSE };

  g_test_summary ("A file cut short while it is read fails the job with a read error, "
                  "and no output is left");

  ub_test_write_file (in_path, plain, len);
  ub_data_job_set_chunk_size (job, 8192);
  ub_data_job_set_input_file (job, in_path);
  ub_data_job_set_output_file (job, out_path);
  ub_data_job_set_progress_func (job, shrink_on_first_report, &shrink);
  g_assert_false (ub_data_job_run (job, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, in_path));
  g_assert_nonnull (strstr (error->message, "shrank from 100000 to 8292 bytes"));
  g_assert_cmpuint (ub_test_count_entries (fixture->dir), ==, 1);
}

/* Encodes "hello" from a file in the test's folder to @out_path, and checks
 * that it fails with @code and a message that names @out_path and says
 * @what. */
static void
assert_output_fails (UbTestDir  *fixture,
                     const char *out_path,
                     int         code,
                     const char *what)
{
  g_autofree char *in_path = ub_test_dir_path (fixture, "in.bin");
  g_autoptr(UbDataJob) job = ub_data_job_new (UB_DATA_MODE_BASE64_ENCODE);
  g_autoptr(GError) error = NULL;

  ub_test_write_file (in_path, "hello", 5);
  ub_data_job_set_input_file (job, in_path);
  ub_data_job_set_output_file (job, out_path);
  g_assert_false (ub_data_job_run (job, NULL, &error));
  g_assert_error (error, G_IO_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, out_path));
  g_assert_nonnull (strstr (error->message, what));
}

static void
test_output_missing_directory (UbTestDir     *fixture,
                               gconstpointer  data)
{
  g_autofree char *out_path = g_build_filename (fixture->dir, "no-such-dir", "out.b64", NULL);

  g_test_summary ("Output into a directory that does not exist is a clear error");

  assert_output_fails (fixture, out_path, G_IO_ERROR_NOT_FOUND, "No such file or directory");
  g_assert_cmpuint (ub_test_count_entries (fixture->dir), ==, 1);
}

static void
test_output_read_only_directory (UbTestDir     *fixture,
                                 gconstpointer  data)
{
  g_autofree char *ro_dir = ub_test_dir_path (fixture, "ro");
  g_autofree char *out_path = NULL;

  g_test_summary ("Output into a directory that cannot be written is a clear error");

  if (geteuid () != 0)
    {
      g_assert_cmpint (g_mkdir (ro_dir, 0500), ==, 0);
      out_path = g_build_filename (ro_dir, "out.b64", NULL);
    }
  else
    {
      /* Permissions do not stop root; sysfs refuses new files to anyone. */
      if (!g_file_test ("/sys/kernel", G_FILE_TEST_IS_DIR))
        {
          g_test_skip ("running as root without sysfs: no read-only directory to try");
          return;
        }
      out_path = g_strdup ("/sys/ub-data-job-out.b64");
    }

  assert_output_fails (fixture, out_path, G_IO_ERROR_PERMISSION_DENIED, "cannot create a file in");
  g_assert_false (g_file_test (out_path, G_FILE_TEST_EXISTS));
}

static void
test_output_replaces (UbTestDir     *fixture,
                      gconstpointer  data)
{
  g_autofree char *in_path = ub_test_dir_path (fixture, "in.bin");
  g_autofree char *out_path = ub_test_dir_path (fixture, "out.b64");
  g_autoptr(UbDataJob) job = ub_data_job_new (UB_DATA_MODE_BASE64_ENCODE);
  g_autoptr(GError) error = NULL;
  struct stat st;
  mode_t mask;

  g_test_summary ("An existing destination is replaced whole; the new file gets the "
                  "usual 0666 & ~umask mode");

  ub_test_write_file (in_path, "foobar", 6);
  ub_test_write_file (out_path, "old contents, longer than the new ones", 38);
  ub_data_job_set_input_file (job, in_path);
  ub_data_job_set_output_file (job, out_path);
  g_assert_true (ub_data_job_run (job, NULL, &error));
  g_assert_no_error (error);
  ub_test_assert_file_equals (out_path, "Zm9vYmFy\n", 9);
  g_assert_cmpuint (ub_test_count_entries (fixture->dir), ==, 2);

  mask = umask (0);
  umask (mask);
  g_assert_cmpint (g_stat (out_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0666 & ~mask);
}

static void
test_output_fd (UbTestDir     *fixture,
                gconstpointer  data)
{
  g_autofree char *out_path = ub_test_dir_path (fixture, "out.bin");
  g_autoptr(UbDataJob) job = ub_data_job_new (UB_DATA_MODE_BASE64_DECODE);
  g_autoptr(GBytes) input = g_bytes_new_static ("Zm9v\nYmFy\n", 10);
  g_autoptr(GError) error = NULL;
  int fd;

  g_test_summary ("Output to a descriptor is written straight to it");

  fd = g_open (out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  g_assert_cmpint (fd, >=, 0);
  ub_data_job_set_input_bytes (job, input);
  ub_data_job_set_output_fd (job, fd, "out");
  g_assert_true (ub_data_job_run (job, NULL, &error));
  g_assert_no_error (error);
  close (fd);
  ub_test_assert_file_equals (out_path, "foobar", 6);
}

/* Runs an encode of @in to @out resumed from @cp with @partial; it must
 * fail as bad data, and leave no output. */
static void
assert_resume_refused (const char             *in,
                       const char             *out,
                       const UbDataCheckpoint *cp,
                       const char             *partial)
{
  g_autoptr(UbDataJob) job = ub_data_job_new (cp->mode);
  g_autoptr(GError) error = NULL;

  ub_data_job_set_input_file (job, in);
  ub_data_job_set_output_file (job, out);
  ub_data_job_set_partial_output (job, partial);
  if (ub_data_job_set_resume (job, cp, partial, &error))
    g_assert_false (ub_data_job_run (job, NULL, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

static void
test_resume_offsets (UbTestDir     *fixture,
                     gconstpointer  data)
{
  g_autofree char *in = ub_test_dir_path (fixture, "in.bin");
  g_autofree char *out = ub_test_dir_path (fixture, "out.b64");
  g_autofree char *partial = ub_durable_dup_partial_path ("errors.part");
  g_autofree guint8 *plain = ub_test_make_bytes (1000, 3);
  g_autofree char *encoded = NULL;
  gsize encoded_len;

  g_test_summary ("A checkpoint past the end of its input, one claiming more output than "
                  "its partial file holds, and a decode claiming more bytes than its input "
                  "can give are each refused as bad data, never padded with NULs");

  ub_test_write_file (in, plain, 1000);
  encoded = ub_base64_encode (plain, 1000, 76, &encoded_len);

  /* Past the end: 20 lines of input in a file of 17.5 (and a partial
   * file long enough for the 20 lines of output claimed). */
  {
    g_autofree char *long_partial = g_strnfill (20 * 77, '#');

    ub_test_write_file (partial, long_partial, 20 * 77);
  }
  assert_resume_refused (in, out, &(UbDataCheckpoint) { .mode = UB_DATA_MODE_BASE64_ENCODE,
                                                        .wrap = 76, .input_offset = 20 * 57,
                                                        .output_offset = 20 * 77 }, partial);

  /* Ten lines claimed, one in the partial file. */
  ub_test_write_file (partial, encoded, 77);
  assert_resume_refused (in, out, &(UbDataCheckpoint) { .mode = UB_DATA_MODE_BASE64_ENCODE,
                                                        .wrap = 76, .input_offset = 10 * 57,
                                                        .output_offset = 10 * 77 }, partial);
  /* Refused before the partial file was cut. */
  ub_test_assert_file_equals (partial, encoded, 77);

  /* Offsets that disagree: ten lines of input, nine of output. */
  ub_test_write_file (partial, encoded, encoded_len);
  assert_resume_refused (in, out, &(UbDataCheckpoint) { .mode = UB_DATA_MODE_BASE64_ENCODE,
                                                        .wrap = 76, .input_offset = 10 * 57,
                                                        .output_offset = 9 * 77 }, partial);

  /* A decode cannot give 600 bytes from 400 characters. */
  ub_test_write_file (in, encoded, encoded_len);
  assert_resume_refused (in, out, &(UbDataCheckpoint) { .mode = UB_DATA_MODE_BASE64_DECODE,
                                                        .input_offset = 400,
                                                        .output_offset = 600 }, partial);
  ub_durable_remove_partial ("errors.part");
}

static const UbTestDirCase cases[] = {
  { "decode/error-offset", test_decode_error },
  { "decode/truncated", test_truncated_file },
  { "read-error/directory", test_read_error_directory },
  { "read-error/file-shrinks", test_read_error_shrinking },
  { "output/missing-directory", test_output_missing_directory },
  { "output/read-only-directory", test_output_read_only_directory },
  { "output/replaces-existing", test_output_replaces },
  { "output/fd", test_output_fd },
  { "resume/offsets-checked", test_resume_offsets },
};

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  ub_test_dir_add_cases ("/data/job/", cases, G_N_ELEMENTS (cases));

  return g_test_run ();
}
