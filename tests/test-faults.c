/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
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
 * disk (through UbDurableFile's seam), and a data job killed mid-way and
 * resumed. Afterwards the destination holds its old contents or the
 * complete new ones, and no temporary file is left. The CLI killed and
 * interrupted is test-faults-cli.c.
 */

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
    { UB_DURABLE_FAULT_SYNC_FOLDER, EIO, G_IO_ERROR_FAILED },
  };
  guint w = GPOINTER_TO_UINT (data);

  g_test_summary ("Disk full part-way, and EIO on write, fsync, rename and the folder's "
                  "fsync: the writer fails with the matching error, the file is whole, "
                  "nothing else is left");

  for (guint f = 0; f < G_N_ELEMENTS (faults); f++)
    for (int tmpfile = 0; tmpfile < 2; tmpfile++)
      {
        g_autofree char *dir = ub_test_make_dir ("ub-faults-XXXXXX");
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
        before = ub_test_dup_sorted_entries (dir);

        _ub_durable_set_fault (faults[f].fault, 4096, faults[f].errsv);
        g_assert_false (writers[w].func (dir, path, &error));
        _ub_durable_clear_fault ();
        g_test_message ("%s: %s", writers[w].name, error->message);
        g_assert_error (error, G_IO_ERROR, faults[f].code);

        assert_contents (path, old, old_len);
        after = ub_test_dup_sorted_entries (dir);
        g_assert_cmpstr (after, ==, before);
        ub_test_remove_tree (dir);
      }
  _ub_durable_set_use_tmpfile (TRUE);
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
  g_autofree char *dir = ub_test_make_dir ("ub-faults-XXXXXX");
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
  g_autofree char *dir = ub_test_make_dir ("ub-faults-XXXXXX");
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
  for (guint w = 0; w < G_N_ELEMENTS (writers); w++)
    {
      g_autofree char *name = g_strdup_printf ("/faults/injected/%s", writers[w].name);

      g_test_add_data_func (name, GUINT_TO_POINTER (w), test_injected);
    }
  g_test_add_data_func ("/faults/kill-9/data-resume", GINT_TO_POINTER (FALSE), test_kill_and_resume);
  g_test_add_data_func ("/faults/kill-9/data-resume-kept-link", GINT_TO_POINTER (TRUE),
                        test_kill_and_resume);
  g_test_add_func ("/faults/fifo/never-waited-on", test_fifo_reads);

  return g_test_run ();
}
