/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <glib-unix.h>

#include "ub-base64.h"
#include "ub-data-job.h"
#include "ub-durable.h"
#include "ub-sync-private.h"
#include "ub-test-files.h"

/* UbDataJob: encoding, decoding and hashing files and memory in chunks,
 * progress, cancelling, the preview and resuming (bad input and output:
 * test-data-job-errors.c). */

/* Base64 text with whitespace sprinkled in, so quanta straddle chunks. */
static char *
make_messy_text (const guint8 *data,
                 gsize         len,
                 gsize        *text_len)
{
  g_autofree char *enc = NULL;
  GString *text = g_string_new (NULL);
  gsize n;

  enc = ub_base64_encode (data, len, 76, &n);
  for (gsize i = 0; i < n; i++)
    {
      if (enc[i] == '\n')
        g_string_append_c (text, '\r');
      g_string_append_c (text, enc[i]);
      if (i % 29 == 3)
        g_string_append (text, " \t");
    }
  *text_len = text->len;
  return g_string_free (text, FALSE);
}

/* ------------------------------------------------------------------ */

static void
test_encode_file (UbTestDir     *fixture,
                  gconstpointer  data)
{
  static const gsize chunks[] = { 1, 7, 4096, 65537, 0 };
  const gsize len = 200000;
  g_autofree guint8 *input = ub_test_make_bytes (len, 1);
  g_autofree char *in_path = ub_test_dir_path (fixture, "in.bin");
  g_autofree char *out_path = ub_test_dir_path (fixture, "out.b64");
  g_autofree char *expected = NULL;
  gsize expected_len;

  g_test_summary ("Encoding a file to a file in chunks of any size gives the one-call text");

  ub_test_write_file (in_path, input, len);
  expected = ub_base64_encode (input, len, 76, &expected_len);

  for (guint c = 0; c < G_N_ELEMENTS (chunks); c++)
    {
      g_autoptr(UbDataJob) job = ub_data_job_new (UB_DATA_MODE_BASE64_ENCODE);
      g_autoptr(GError) error = NULL;
      /* A one-byte chunk is a syscall per byte: keep that one short. */
      gsize this_len = chunks[c] == 1 ? 3000 : len;
      g_autofree char *this_expected = NULL;
      gsize this_expected_len;

      if (this_len != len)
        ub_test_write_file (in_path, input, this_len);
      this_expected = ub_base64_encode (input, this_len, 76, &this_expected_len);

      ub_data_job_set_chunk_size (job, chunks[c]);
      ub_data_job_set_input_file (job, in_path);
      ub_data_job_set_output_file (job, out_path);
      g_assert_true (ub_data_job_run (job, NULL, &error));
      g_assert_no_error (error);

      ub_test_assert_file_equals (out_path, this_expected, this_expected_len);
      g_assert_cmpuint (ub_data_job_get_bytes_read (job), ==, this_len);
      g_assert_cmpuint (ub_data_job_get_bytes_written (job), ==, this_expected_len);
      g_assert_cmpuint (ub_test_count_entries (fixture->dir), ==, 2);

      if (this_len != len)
        ub_test_write_file (in_path, input, len);
    }
}

static void
test_decode_file (UbTestDir     *fixture,
                  gconstpointer  data)
{
  static const gsize chunks[] = { 5, 1000, 65536, 0 };
  const gsize len = 100000;
  g_autofree guint8 *plain = ub_test_make_bytes (len, 2);
  g_autofree char *text = NULL;
  g_autofree char *in_path = ub_test_dir_path (fixture, "in.b64");
  g_autofree char *out_path = ub_test_dir_path (fixture, "out.bin");
  gsize text_len;

  g_test_summary ("Decoding wrapped CRLF text with stray whitespace, file to file, in "
                  "chunks of any size gives the data back");

  text = make_messy_text (plain, len, &text_len);
  ub_test_write_file (in_path, text, text_len);

  for (guint c = 0; c < G_N_ELEMENTS (chunks); c++)
    {
      g_autoptr(UbDataJob) job = ub_data_job_new (UB_DATA_MODE_BASE64_DECODE);
      g_autoptr(GError) error = NULL;

      ub_data_job_set_chunk_size (job, chunks[c]);
      ub_data_job_set_input_file (job, in_path);
      ub_data_job_set_output_file (job, out_path);
      g_assert_true (ub_data_job_run (job, NULL, &error));
      g_assert_no_error (error);
      ub_test_assert_file_equals (out_path, plain, len);
      g_assert_cmpint (ub_data_job_get_error_offset (job), ==, -1);
    }
}

static void
test_memory (UbTestDir     *fixture,
             gconstpointer  data)
{
  const gsize len = 54321;
  g_autofree guint8 *plain = ub_test_make_bytes (len, 3);
  g_autoptr(GBytes) input = g_bytes_new (plain, len);
  g_autoptr(UbDataJob) enc = ub_data_job_new (UB_DATA_MODE_BASE64_ENCODE);
  g_autoptr(UbDataJob) dec = ub_data_job_new (UB_DATA_MODE_BASE64_DECODE);
  g_autoptr(UbDataJob) sha = ub_data_job_new (UB_DATA_MODE_SHA256);
  g_autoptr(GBytes) text = NULL;
  g_autoptr(GBytes) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *expected_sha = NULL;
  gsize expected_len;

  g_test_summary ("In-memory input and output, in chunks: encode, decode, hash");

  expected = ub_base64_encode (plain, len, 0, &expected_len);
  ub_data_job_set_wrap (enc, 0);
  ub_data_job_set_chunk_size (enc, 1000);
  ub_data_job_set_input_bytes (enc, input);
  g_assert_true (ub_data_job_run (enc, NULL, &error));
  g_assert_no_error (error);
  text = ub_data_job_steal_output (enc);
  g_assert_cmpmem (g_bytes_get_data (text, NULL), g_bytes_get_size (text), expected, expected_len);

  ub_data_job_set_chunk_size (dec, 999);
  ub_data_job_set_input_bytes (dec, text);
  g_assert_true (ub_data_job_run (dec, NULL, &error));
  g_assert_no_error (error);
  back = ub_data_job_steal_output (dec);
  g_assert_cmpmem (g_bytes_get_data (back, NULL), g_bytes_get_size (back), plain, len);

  expected_sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, input);
  g_assert_null (ub_data_job_get_sha256_hex (sha));
  ub_data_job_set_chunk_size (sha, 4097);
  ub_data_job_set_input_bytes (sha, input);
  g_assert_true (ub_data_job_run (sha, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (ub_data_job_get_sha256_hex (sha), ==, expected_sha);
  g_assert_nonnull (ub_data_job_get_sha256 (sha));
  g_assert_null (ub_data_job_steal_output (sha));
}

typedef struct
{
  guint   calls;
  guint64 last_done;
  gint64  total;
} ProgressLog;

static void
log_progress (UbDataJob *job,
              guint64    done,
              gint64     total,
              gpointer   user_data)
{
  ProgressLog *log = user_data;

  g_assert_cmpuint (done, >, log->last_done);
  if (log->calls > 0)
    g_assert_cmpint (total, ==, log->total);
  log->calls++;
  log->last_done = done;
  log->total = total;
}

static void
test_progress (UbTestDir     *fixture,
               gconstpointer  data)
{
  const gsize len = 10500;
  g_autofree guint8 *plain = ub_test_make_bytes (len, 4);
  g_autofree char *in_path = ub_test_dir_path (fixture, "in.bin");
  g_autoptr(UbDataJob) job = ub_data_job_new (UB_DATA_MODE_SHA256);
  g_autoptr(UbDataJob) piped = ub_data_job_new (UB_DATA_MODE_SHA256);
  g_autoptr(GError) error = NULL;
  ProgressLog log = { 0 };
  ProgressLog piped_log = { 0 };
  int fds[2];

  g_test_summary ("Progress comes after every chunk, grows, ends at the total; the "
                  "total is the file size, or -1 for a pipe");

  ub_test_write_file (in_path, plain, len);
  ub_data_job_set_chunk_size (job, 1000);
  ub_data_job_set_input_file (job, in_path);
  ub_data_job_set_progress_func (job, log_progress, &log);
  g_assert_true (ub_data_job_run (job, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (log.calls, ==, 11);
  g_assert_cmpuint (log.last_done, ==, len);
  g_assert_cmpint (log.total, ==, len);

  /* A pipe (smaller than its buffer, so one thread is enough). */
  g_assert_cmpint (pipe (fds), ==, 0);
  g_assert_cmpint (write (fds[1], plain, len), ==, len);
  close (fds[1]);
  ub_data_job_set_chunk_size (piped, 4000);
  ub_data_job_set_input_fd (piped, fds[0], "pipe");
  ub_data_job_set_progress_func (piped, log_progress, &piped_log);
  g_assert_true (ub_data_job_run (piped, NULL, &error));
  g_assert_no_error (error);
  close (fds[0]);
  g_assert_cmpuint (piped_log.calls, ==, 3);
  g_assert_cmpint (piped_log.total, ==, -1);
  g_assert_cmpstr (ub_data_job_get_sha256_hex (piped), ==, ub_data_job_get_sha256_hex (job));
}

static void
test_sha256_vs_sha256sum (UbTestDir     *fixture,
                          gconstpointer  data)
{
  const gsize len = 3 * 1024 * 1024 + 17;
  g_autofree guint8 *plain = ub_test_make_bytes (len, 5);
  g_autofree char *in_path = ub_test_dir_path (fixture, "in.bin");
  g_autofree char *sha256sum = g_find_program_in_path ("sha256sum");
  g_autofree char *expected = g_compute_checksum_for_data (G_CHECKSUM_SHA256, plain, len);
  g_autoptr(UbDataJob) job = ub_data_job_new (UB_DATA_MODE_SHA256);
  g_autoptr(GError) error = NULL;

  g_test_summary ("Hashing a multi-chunk file agrees with GChecksum and with sha256sum");

  ub_test_write_file (in_path, plain, len);
  ub_data_job_set_chunk_size (job, 65536 + 3);
  ub_data_job_set_input_file (job, in_path);
  g_assert_true (ub_data_job_run (job, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (ub_data_job_get_sha256_hex (job), ==, expected);

  if (sha256sum == NULL)
    {
      g_test_skip ("sha256sum is not installed");
      return;
    }

  {
    const char *argv[] = { sha256sum, in_path, NULL };
    g_autofree char *out = NULL;
    int status;

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                  &out, NULL, &status, &error);
    g_assert_no_error (error);
    g_assert_cmpint (status, ==, 0);
    g_assert_cmpuint (strlen (out), >=, 64);
    out[64] = '\0';
    g_assert_cmpstr (ub_data_job_get_sha256_hex (job), ==, out);
  }
}

typedef struct
{
  GCancellable *cancellable;
  guint         calls;
  guint         cancel_at;
  gboolean      saw_partial;
  UbDataCheckpoint checkpoint;
} Interrupt;

static void
interrupt_progress (UbDataJob *job,
                    guint64    done,
                    gint64     total,
                    gpointer   user_data)
{
  Interrupt *in = user_data;
  const char *partial = ub_data_job_get_partial_path (job);

  if (partial != NULL)
    in->saw_partial = g_file_test (partial, G_FILE_TEST_IS_REGULAR);

  if (++in->calls == in->cancel_at)
    {
      g_assert_true (ub_data_job_get_checkpoint (job, &in->checkpoint));
      g_cancellable_cancel (in->cancellable);
    }
}

static void
test_cancel (UbTestDir     *fixture,
             gconstpointer  data)
{
  const gsize len = 1024 * 1024;
  g_autofree guint8 *plain = ub_test_make_bytes (len, 6);
  g_autofree char *in_path = ub_test_dir_path (fixture, "in.bin");
  g_autofree char *out_path = ub_test_dir_path (fixture, "out.b64");
  g_autoptr(UbDataJob) job = ub_data_job_new (UB_DATA_MODE_BASE64_ENCODE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  Interrupt in = { .cancellable = cancellable, .cancel_at = 3 };

  g_test_summary ("Cancelling mid-file stops after the current chunk and leaves neither "
                  "the output nor a temporary file (an unnamed one, or a hidden one)");

  ub_test_write_file (in_path, plain, len);
  ub_data_job_set_chunk_size (job, 4096);
  ub_data_job_set_input_file (job, in_path);
  ub_data_job_set_output_file (job, out_path);
  ub_data_job_set_progress_func (job, interrupt_progress, &in);
  g_assert_false (ub_data_job_run (job, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_assert_false (in.saw_partial);         /* no named partial without asking */
  g_assert_cmpuint (in.calls, ==, 3);
  g_assert_cmpuint (ub_data_job_get_bytes_read (job), ==, 3 * 4096);
  g_assert_false (g_file_test (out_path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (ub_test_count_entries (fixture->dir), ==, 1);
  g_assert_null (ub_data_job_get_partial_path (job));
}

/* A job run in a thread of its own. @mutex (taken through the annotated
 * wrappers of ub-sync-private.h, which ThreadSanitizer sees) protects
 * @progressed, @finished and @ok; @job and @cancellable are set before the
 * thread starts, and @error is the thread's until it is joined. */
typedef struct
{
  GMutex        mutex;
  GCond         cond;
  UbDataJob    *job;
  GCancellable *cancellable;
  gboolean      progressed;
  gboolean      finished;
  gboolean      ok;
  GError       *error;
} ThreadRun;

static void
thread_run_progress (UbDataJob *job,
                     guint64    done,
                     gint64     total,
                     gpointer   user_data)
{
  ThreadRun *run = user_data;

  ub_mutex_lock (&run->mutex);
  run->progressed = TRUE;
  g_cond_broadcast (&run->cond);
  ub_mutex_unlock (&run->mutex);
}

static gpointer
thread_run_main (gpointer data)
{
  ThreadRun *run = data;
  gboolean ok = ub_data_job_run (run->job, run->cancellable, &run->error);

  ub_mutex_lock (&run->mutex);
  run->ok = ok;
  run->finished = TRUE;
  g_cond_broadcast (&run->cond);
  ub_mutex_unlock (&run->mutex);
  return NULL;
}

/* Waits until *@flag is set, or @seconds have gone by; returns *@flag. */
static gboolean
thread_run_wait (ThreadRun *run,
                 gboolean  *flag,
                 int        seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_TIME_SPAN_SECOND;
  gboolean value;

  ub_mutex_lock (&run->mutex);
  while (!*flag && ub_cond_wait_until (&run->cond, &run->mutex, deadline))
    ;
  value = *flag;
  ub_mutex_unlock (&run->mutex);
  return value;
}

/* Waits until nothing is left to read in the pipe @fd (another thread
 * reads it), or @seconds have gone by. */
static gboolean
wait_pipe_empty (int fd,
                 int seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_TIME_SPAN_SECOND;
  int queued = 1;

  while (g_get_monotonic_time () < deadline)
    {
      g_assert_cmpint (ioctl (fd, FIONREAD, &queued), ==, 0);
      if (queued == 0)
        return TRUE;
      g_usleep (1000);
    }
  return FALSE;
}

static void
test_cancel_silent_pipe (UbTestDir     *fixture,
                         gconstpointer  data)
{
  g_autofree char *out_path = ub_test_dir_path (fixture, "out.b64");
  g_autoptr(UbDataJob) job = ub_data_job_new (UB_DATA_MODE_BASE64_ENCODE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  ThreadRun run = { .job = job, .cancellable = cancellable };
  static const guint8 block[4096];
  GThread *thread;
  gboolean stopped;
  int fds[2];

  g_test_summary ("Cancelling a job whose input pipe has gone silent stops it at once, "
                  "not when the writer next writes or closes the pipe");

  g_assert_true (g_unix_open_pipe (fds, FD_CLOEXEC, &error));
  g_assert_no_error (error);
  g_mutex_init (&run.mutex);
  g_cond_init (&run.cond);
  ub_data_job_set_chunk_size (job, sizeof block);
  ub_data_job_set_input_fd (job, fds[0], "pipe");
  ub_data_job_set_output_file (job, out_path);
  ub_data_job_set_progress_func (job, thread_run_progress, &run);
  thread = g_thread_new ("data-job", thread_run_main, &run);

  /* One chunk, then a few bytes of the next: once the pipe is empty again
   * the job is past its check between chunks and waits in the middle of
   * a chunk, with the pipe left open and silent. */
  g_assert_cmpint (write (fds[1], block, sizeof block), ==, sizeof block);
  g_assert_true (thread_run_wait (&run, &run.progressed, 60));
  g_assert_cmpint (write (fds[1], block, 100), ==, 100);
  g_assert_true (wait_pipe_empty (fds[0], 60));
  g_cancellable_cancel (cancellable);
  stopped = thread_run_wait (&run, &run.finished, 10);

  /* A job that missed the cancel ends at the end of its input. */
  close (fds[1]);
  g_thread_join (thread);
  close (fds[0]);
  g_mutex_clear (&run.mutex);
  g_cond_clear (&run.cond);

  g_assert_true (stopped);
  g_assert_false (run.ok);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&run.error);
  g_assert_false (g_file_test (out_path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (ub_test_count_entries (fixture->dir), ==, 0);
}

static void
test_preview (UbTestDir     *fixture,
              gconstpointer  data)
{
  static const gsize sizes[] = { 0, 10, 1500, 2048, 2049, 100000 };
  const gsize preview = 1024;
  g_autofree guint8 *plain = ub_test_make_bytes (100000, 9);

  g_test_summary ("The preview holds the first and last N bytes of the output, never "
                  "overlapping: head + tail is the whole output when it is short");

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      g_autoptr(GBytes) input = g_bytes_new (plain, sizes[s] * 3 / 4);
      g_autoptr(UbDataJob) job = ub_data_job_new (UB_DATA_MODE_BASE64_ENCODE);
      g_autoptr(GBytes) output = NULL;
      g_autoptr(GBytes) head = NULL;
      g_autoptr(GBytes) tail = NULL;
      g_autoptr(GError) error = NULL;
      const guint8 *out;
      gsize out_len, head_len, tail_len;

      ub_data_job_set_chunk_size (job, 333);
      ub_data_job_set_preview_size (job, preview);
      ub_data_job_set_input_bytes (job, input);
      g_assert_true (ub_data_job_run (job, NULL, &error));
      g_assert_no_error (error);

      output = ub_data_job_steal_output (job);
      out = g_bytes_get_data (output, &out_len);
      ub_data_job_dup_preview (job, &head, &tail);
      head_len = g_bytes_get_size (head);
      tail_len = g_bytes_get_size (tail);

      g_assert_cmpuint (head_len, ==, MIN (out_len, preview));
      g_assert_cmpuint (tail_len, ==, MIN (out_len - head_len, preview));
      g_assert_cmpmem (g_bytes_get_data (head, NULL), head_len, out, head_len);
      g_assert_cmpmem (g_bytes_get_data (tail, NULL), tail_len, out + out_len - tail_len, tail_len);
    }
}

/* Runs @mode over @in_path with a "crash" (a cancel after saving the
 * checkpoint and a copy of the partial output) at chunk @stop, then resumes
 * from that and checks the final result. */
static void
crash_and_resume (UbTestDir  *fixture,
                  UbDataMode  mode,
                  const char *in_path,
                  gsize       chunk,
                  guint       stop,
                  const void *expected,
                  gsize       expected_len)
{
  g_autofree char *out_path = ub_test_dir_path (fixture, "out");
  g_autofree char *saved = ub_durable_dup_partial_path ("test.part");
  g_autoptr(UbDataJob) first = ub_data_job_new (mode);
  g_autoptr(UbDataJob) second = ub_data_job_new (mode);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  gboolean to_file = mode != UB_DATA_MODE_SHA256;
  Interrupt in = {
    .cancellable = cancellable,
    .cancel_at = stop,
  };

  g_unlink (out_path);
  ub_data_job_set_chunk_size (first, chunk);
  ub_data_job_set_input_file (first, in_path);
  if (to_file)
    {
      ub_data_job_set_output_file (first, out_path);
      ub_data_job_set_partial_output (first, saved);
    }
  ub_data_job_set_progress_func (first, interrupt_progress, &in);
  g_assert_false (ub_data_job_run (first, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpuint (in.checkpoint.input_offset, >, 0);
  g_assert_cmpuint (in.checkpoint.input_offset, <=, (guint64) chunk * stop);
  /* Stopped: the partial output stays, the destination is not there. */
  g_assert_cmpint (g_file_test (saved, G_FILE_TEST_IS_REGULAR), ==, to_file);
  g_assert_false (g_file_test (out_path, G_FILE_TEST_EXISTS));

  ub_data_job_set_chunk_size (second, chunk);
  ub_data_job_set_input_file (second, in_path);
  if (to_file)
    ub_data_job_set_output_file (second, out_path);
  g_assert_true (ub_data_job_set_resume (second, &in.checkpoint, to_file ? saved : NULL, &error));
  g_assert_true (ub_data_job_run (second, NULL, &error));
  g_assert_no_error (error);

  if (to_file)
    {
      ub_test_assert_file_equals (out_path, expected, expected_len);
      g_assert_false (g_file_test (saved, G_FILE_TEST_EXISTS));
    }
  else
    {
      g_assert_cmpstr (ub_data_job_get_sha256_hex (second), ==, expected);
    }
}

static void
test_resume (UbTestDir     *fixture,
             gconstpointer  data)
{
  const gsize len = 40000;
  g_autofree guint8 *plain = ub_test_make_bytes (len, 10);
  g_autofree char *bin_path = ub_test_dir_path (fixture, "in.bin");
  g_autofree char *b64_path = ub_test_dir_path (fixture, "in.b64");
  g_autofree char *encoded = NULL;
  g_autofree char *text = NULL;
  g_autofree char *sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, plain, len);
  gsize encoded_len, text_len;

  g_test_summary ("A job stopped between chunks resumes from its checkpoint and the "
                  "partial output, and finishes with the same result");

  ub_test_write_file (bin_path, plain, len);
  encoded = ub_base64_encode (plain, len, 76, &encoded_len);
  text = make_messy_text (plain, len, &text_len);
  ub_test_write_file (b64_path, text, text_len);

  /* Chunk sizes that leave carries: not multiples of 3, 4 or 64. */
  for (guint stop = 1; stop <= 7; stop += 3)
    {
      crash_and_resume (fixture, UB_DATA_MODE_BASE64_ENCODE, bin_path, 4001, stop,
                        encoded, encoded_len);
      crash_and_resume (fixture, UB_DATA_MODE_BASE64_DECODE, b64_path, 3001, stop, plain, len);
      crash_and_resume (fixture, UB_DATA_MODE_SHA256, bin_path, 4001, stop, sha, 0);
    }
}

static void
test_resume_mismatch (UbTestDir     *fixture,
                      gconstpointer  data)
{
  g_autoptr(UbDataJob) job = ub_data_job_new (UB_DATA_MODE_BASE64_ENCODE);
  g_autoptr(GError) error = NULL;
  UbDataCheckpoint cp = { .mode = UB_DATA_MODE_SHA256 };

  g_test_summary ("A checkpoint from another kind of job is refused");

  g_assert_false (ub_data_job_set_resume (job, &cp, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

static const UbTestDirCase cases[] = {
  { "encode/file-chunks", test_encode_file },
  { "decode/file-chunks", test_decode_file },
  { "memory", test_memory },
  { "progress", test_progress },
  { "sha256/vs-sha256sum", test_sha256_vs_sha256sum },
  { "cancel/no-output-left", test_cancel },
  { "cancel/silent-pipe", test_cancel_silent_pipe },
  { "preview", test_preview },
  { "resume/crash-and-resume", test_resume },
  { "resume/mismatch", test_resume_mismatch },
};

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  ub_test_dir_add_cases ("/data/job/", cases, G_N_ELEMENTS (cases));

  return g_test_run ();
}
