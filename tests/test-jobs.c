/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "ub-data-jobs.h"
#include "ub-data-stream-job.h"
#include "ub-error.h"
#include "ub-jobs.h"
#include "ub-png-jobs.h"
#include "ub-primes-job.h"

/*
 * Each job run through its typed builders and parsers, on this thread: what
 * one job returns, the next one takes, so a builder and its job's parser
 * that disagree fail here rather than in a page.
 */

static char *work_dir;

static char *
work_path (const char *name)
{
  return g_build_filename (work_dir, name, NULL);
}

static guint64
size_of (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return (guint64) st.st_size;
}

static void
test_png (void)
{
  g_autofree char *sample = work_path ("sample.png");
  g_autofree char *copy = work_path ("copy.png");
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) levels = NULL;
  g_autoptr(GBytes) pixels = NULL;
  g_autoptr(GBytes) thumbnail = NULL;
  g_autoptr(GBytes) level = NULL;
  g_autoptr(GBytes) copied = NULL;
  guint32 width, height, full_width, full_height;
  UbPngInfo info;

  g_test_summary ("png.sample, info, decode, thumbnail, levels and encode through their "
                  "builders and parsers, each result checked against the others");

  reply = ub_job_run_sync (UB_PNG_JOB_SAMPLE, ub_png_sample_params_new (sample, 200, 150, 3),
                           NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ub_png_sample_result_parse (reply), ==, size_of (sample));
  g_clear_pointer (&reply, g_variant_unref);

  reply = ub_job_run_sync (UB_PNG_JOB_INFO, ub_png_info_params_new (sample), NULL, NULL, NULL,
                           &error);
  g_assert_no_error (error);
  ub_png_info_result_parse (reply, &info);
  g_assert_cmpuint (info.width, ==, 200);
  g_assert_cmpuint (info.height, ==, 150);
  g_assert_cmpuint (info.bit_depth, ==, 8);
  g_assert_cmpuint (info.color_type, ==, 6);
  g_assert_true (info.has_alpha);
  g_assert_false (info.interlaced);
  g_clear_pointer (&reply, g_variant_unref);

  reply = ub_job_run_sync (UB_PNG_JOB_DECODE, ub_png_decode_params_new (sample), NULL, NULL, NULL,
                           &error);
  g_assert_no_error (error);
  ub_png_decode_result_parse (reply, &width, &height, &pixels);
  g_assert_cmpuint (width, ==, 200);
  g_assert_cmpuint (height, ==, 150);
  g_assert_cmpuint (g_bytes_get_size (pixels), ==, 200 * 150 * 4);
  g_clear_pointer (&reply, g_variant_unref);

  reply = ub_job_run_sync (UB_PNG_JOB_THUMBNAIL, ub_png_thumbnail_params_new (sample, 40),
                           NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  ub_png_thumbnail_result_parse (reply, &width, &height, &full_width, &full_height, &thumbnail);
  g_assert_cmpuint (width, ==, 40);
  g_assert_cmpuint (height, ==, 30);
  g_assert_cmpuint (full_width, ==, 200);
  g_assert_cmpuint (full_height, ==, 150);
  g_assert_cmpuint (g_bytes_get_size (thumbnail), ==, 40 * 30 * 4);
  g_clear_pointer (&reply, g_variant_unref);

  reply = ub_job_run_sync (UB_PNG_JOB_LEVELS, ub_png_levels_params_new (sample), NULL, NULL, NULL,
                           &error);
  g_assert_no_error (error);
  ub_png_levels_result_parse (reply, &width, &height, &levels);
  g_assert_cmpuint (width, ==, 200);
  g_assert_cmpuint (height, ==, 150);
  g_assert_cmpuint (ub_png_levels_get_n_levels (levels), >=, 1);
  ub_png_levels_get_level (levels, 0, &width, &height, &level);
  g_assert_cmpuint (g_bytes_get_size (level), ==, (gsize) width * height * 4);
  g_clear_pointer (&reply, g_variant_unref);

  /* The decoded pixels, encoded again, decode to the same pixels. */
  reply = ub_job_run_sync (UB_PNG_JOB_ENCODE, ub_png_encode_params_new (copy, 200, 150, pixels),
                           NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ub_png_encode_result_parse (reply), ==, size_of (copy));
  g_clear_pointer (&reply, g_variant_unref);

  reply = ub_job_run_sync (UB_PNG_JOB_DECODE, ub_png_decode_params_new (copy), NULL, NULL, NULL,
                           &error);
  g_assert_no_error (error);
  ub_png_decode_result_parse (reply, NULL, NULL, &copied);
  g_assert_true (g_bytes_equal (copied, pixels));
  g_clear_pointer (&reply, g_variant_unref);

  /* Pixels that do not fill the size are refused, not read past. */
  reply = ub_job_run_sync (UB_PNG_JOB_ENCODE, ub_png_encode_params_new (copy, 201, 150, pixels),
                           NULL, NULL, NULL, &error);
  g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
  g_assert_null (reply);
  g_clear_error (&error);

  g_unlink (sample);
  g_unlink (copy);
}

/* Straight RGBA as premultiplied B, G, R, A, the way GDK rounds. */
static guint8 *
premultiply (GBytes *rgba)
{
  gsize size;
  const guint8 *p = g_bytes_get_data (rgba, &size);
  guint8 *out = g_malloc (size);

  for (gsize i = 0; i < size; i += 4)
    {
      out[i + 0] = (p[i + 2] * p[i + 3] + 127) / 255;
      out[i + 1] = (p[i + 1] * p[i + 3] + 127) / 255;
      out[i + 2] = (p[i + 0] * p[i + 3] + 127) / 255;
      out[i + 3] = p[i + 3];
    }
  return out;
}

static void
test_png_screen_thumbnail (void)
{
  g_autofree char *sample = work_path ("screen.png");
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GBytes) pixels = NULL;
  g_autoptr(GBytes) straight = NULL;
  g_autoptr(GBytes) drawn = NULL;
  g_autofree guint8 *expected = NULL;
  const guint8 *p, *q;
  guint32 width, height, full_width, full_height;
  guint64 difference = 0;
  int max_difference = 0;
  gsize size;

  g_test_summary ("png.screen-thumbnail: the drawn size, premultiplied B, G, R, A, the same "
                  "picture as png.thumbnail's, never enlarged");

  reply = ub_job_run_sync (UB_PNG_JOB_SAMPLE, ub_png_sample_params_new (sample, 200, 150, 5),
                           NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&reply, g_variant_unref);

  /* Larger than the image: the image itself, premultiplied. */
  reply = ub_job_run_sync (UB_PNG_JOB_DECODE, ub_png_decode_params_new (sample), NULL, NULL, NULL,
                           &error);
  g_assert_no_error (error);
  ub_png_decode_result_parse (reply, NULL, NULL, &pixels);
  g_clear_pointer (&reply, g_variant_unref);
  reply = ub_job_run_sync (UB_PNG_JOB_SCREEN_THUMBNAIL,
                           ub_png_screen_thumbnail_params_new (sample, 360), NULL, NULL, NULL,
                           &error);
  g_assert_no_error (error);
  ub_png_thumbnail_result_parse (reply, &width, &height, &full_width, &full_height, &drawn);
  g_assert_cmpuint (width, ==, 200);
  g_assert_cmpuint (height, ==, 150);
  g_assert_cmpuint (full_width, ==, 200);
  g_assert_cmpuint (full_height, ==, 150);
  expected = premultiply (pixels);
  p = g_bytes_get_data (drawn, &size);
  g_assert_cmpmem (p, size, expected, g_bytes_get_size (pixels));
  g_clear_pointer (&reply, g_variant_unref);
  g_clear_pointer (&drawn, g_bytes_unref);
  g_clear_pointer (&expected, g_free);

  /* Smaller: the drawn size, from the cache's size class above it: the
   * same picture as the straight thumbnail of that size, within what two
   * box filters in a row blur apart from one (a few steps on average). */
  reply = ub_job_run_sync (UB_PNG_JOB_SCREEN_THUMBNAIL,
                           ub_png_screen_thumbnail_params_new (sample, 90), NULL, NULL, NULL,
                           &error);
  g_assert_no_error (error);
  ub_png_thumbnail_result_parse (reply, &width, &height, NULL, NULL, &drawn);
  g_assert_cmpuint (width, ==, 90);
  g_assert_cmpuint (height, ==, 68);
  g_clear_pointer (&reply, g_variant_unref);
  reply = ub_job_run_sync (UB_PNG_JOB_THUMBNAIL, ub_png_thumbnail_params_new (sample, 90),
                           NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  ub_png_thumbnail_result_parse (reply, &width, &height, NULL, NULL, &straight);
  g_assert_cmpuint (width, ==, 90);
  g_assert_cmpuint (height, ==, 68);
  expected = premultiply (straight);
  p = g_bytes_get_data (drawn, &size);
  q = expected;
  g_assert_cmpuint (size, ==, g_bytes_get_size (straight));
  for (gsize i = 0; i < size; i++)
    {
      if (i % 4 != 3)
        g_assert_cmpuint (p[i], <=, p[i - i % 4 + 3]);
      difference += ABS ((int) p[i] - (int) q[i]);
      max_difference = MAX (max_difference, ABS ((int) p[i] - (int) q[i]));
    }
  g_test_message ("mean difference %.2f, largest %d", (double) difference / size, max_difference);
  g_assert_cmpfloat ((double) difference / size, <, 3.0);
  g_assert_cmpint (max_difference, <, 64);

  g_unlink (sample);
}

static void
test_png_wrong_result (void)
{
  g_autoptr(GVariant) other = g_variant_ref_sink (ub_png_sample_params_new ("x", 1, 1, 1));
  guint32 width = 7;

  g_test_summary ("A parser given another job's value is a programmer error, and sets nothing");

  g_test_expect_message ("Unblock-Workers", G_LOG_LEVEL_CRITICAL, "*assertion*failed*");
  ub_png_decode_result_parse (other, &width, NULL, NULL);
  g_test_assert_expected_messages ();
  g_assert_cmpuint (width, ==, 7);
}

static void
on_data_progress (GVariant *progress,
                  gpointer  user_data)
{
  guint64 *last = user_data;
  const char *checkpoint_error = NULL;
  guint64 done;
  gint64 total;

  ub_data_progress_parse (progress, &done, &total, &checkpoint_error);
  g_assert_cmpstr (checkpoint_error, ==, "");
  g_assert_cmpint (total, ==, 3 << 20);
  g_assert_cmpuint (done, >=, *last);
  *last = done;
}

static void
test_data (void)
{
  g_autofree char *random = work_path ("random.bin");
  g_autofree char *encoded = work_path ("random.b64");
  g_autofree char *decoded = work_path ("random.out");
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) hashed = NULL;
  g_autoptr(GBytes) head = NULL;
  g_autoptr(GBytes) tail = NULL;
  g_autoptr(GBytes) text = g_bytes_new_static ("abc", 3);
  const char *by_path;
  const char *by_fd;
  guint64 last = 0;
  guint64 read, written;
  int fd;

  g_test_summary ("data.random, data.run and data.stream through their builders and "
                  "parsers: a path and a descriptor hash alike, an encoding decodes back");

  reply = ub_job_run_sync (UB_DATA_JOB_RANDOM, ub_data_random_params_new (random, 3 << 20, 5),
                           NULL, on_data_progress, &last, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ub_data_random_result_parse (reply), ==, 3 << 20);
  g_assert_cmpuint (last, ==, 3 << 20);
  g_clear_pointer (&reply, g_variant_unref);

  hashed = ub_job_run_sync (UB_DATA_JOB_RUN,
                            ub_data_run_params_new (UB_DATA_MODE_SHA256, 0, random, NULL, NULL, NULL),
                            NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  ub_data_run_result_parse (hashed, &read, NULL, &by_path, NULL, NULL);
  g_assert_cmpuint (read, ==, 3 << 20);
  g_assert_cmpuint (strlen (by_path), ==, 64);

  fd = g_open (random, O_RDONLY | O_CLOEXEC, 0);
  g_assert_cmpint (fd, >=, 0);
  reply = ub_job_run_sync (UB_DATA_JOB_STREAM,
                           ub_data_stream_params_new (UB_DATA_MODE_SHA256, 0, fd, "-", -1, NULL),
                           NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (close (fd), ==, 0);
  ub_data_stream_result_parse (reply, &read, &written, &by_fd);
  g_assert_cmpuint (read, ==, 3 << 20);
  g_assert_cmpuint (written, ==, 0);
  g_assert_cmpstr (by_fd, ==, by_path);
  g_clear_pointer (&reply, g_variant_unref);

  reply = ub_job_run_sync (UB_DATA_JOB_STREAM,
                           ub_data_stream_params_new (UB_DATA_MODE_BASE64_ENCODE, 76, -1, random,
                                                      -1, encoded),
                           NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  ub_data_stream_result_parse (reply, NULL, &written, NULL);
  g_assert_cmpuint (written, ==, size_of (encoded));
  g_clear_pointer (&reply, g_variant_unref);

  reply = ub_job_run_sync (UB_DATA_JOB_RUN,
                           ub_data_run_params_new (UB_DATA_MODE_BASE64_DECODE, 0, encoded, NULL,
                                                   decoded, NULL),
                           NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  ub_data_run_result_parse (reply, NULL, &written, NULL, &head, &tail);
  g_assert_cmpuint (written, ==, 3 << 20);
  g_assert_cmpuint (g_bytes_get_size (head), ==, UB_DATA_JOBS_PREVIEW);
  g_assert_cmpuint (g_bytes_get_size (tail), ==, UB_DATA_JOBS_PREVIEW);
  g_clear_pointer (&reply, g_variant_unref);
  g_clear_pointer (&head, g_bytes_unref);

  reply = ub_job_run_sync (UB_DATA_JOB_RUN,
                           ub_data_run_params_new (UB_DATA_MODE_SHA256, 0, decoded, NULL, NULL, NULL),
                           NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  ub_data_run_result_parse (reply, NULL, NULL, &by_fd, NULL, NULL);
  g_assert_cmpstr (by_fd, ==, by_path);
  g_clear_pointer (&reply, g_variant_unref);

  /* Bytes instead of a file, with the preview of the whole output. */
  reply = ub_job_run_sync (UB_DATA_JOB_RUN,
                           ub_data_run_params_new (UB_DATA_MODE_BASE64_ENCODE, 76, NULL, text,
                                                   encoded, NULL),
                           NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  ub_data_run_result_parse (reply, &read, NULL, NULL, &head, NULL);
  g_assert_cmpuint (read, ==, 3);
  g_assert_cmpmem (g_bytes_get_data (head, NULL), g_bytes_get_size (head), "YWJj\n", 5);

  g_unlink (random);
  g_unlink (encoded);
  g_unlink (decoded);
}

static void
assert_record_equal (const UbPrimesRecord *a,
                     const UbPrimesRecord *b)
{
  g_assert_cmpuint (a->from, ==, b->from);
  g_assert_cmpuint (a->to, ==, b->to);
  g_assert_cmpuint (a->next, ==, b->next);
  g_assert_cmpuint (a->count, ==, b->count);
  g_assert_cmpint (a->done, ==, b->done);
}

static void
on_primes_progress (GVariant *progress,
                    gpointer  user_data)
{
  UbPrimesRecord *last = user_data;
  g_autoptr(GError) error = NULL;
  const guint64 *recent = NULL;
  gsize n_recent = 0;

  g_assert_true (ub_primes_run_progress_parse (progress, last, NULL, &recent, &n_recent, NULL,
                                               &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_recent, >, 0);
  g_assert_cmpuint (n_recent, <=, UB_PRIMES_JOB_RECENT);
  g_assert_cmpuint (recent[n_recent - 1], <=, last->next);
}

static void
test_primes (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) state = NULL;
  g_autoptr(GVariant) checkpoint = NULL;
  g_autoptr(GVariant) parts = NULL;
  g_autoptr(GVariant) not_state = g_variant_ref_sink (g_variant_new_string ("hello"));
  UbPrimesRecord record;
  UbPrimesRecord progress = { 0 };
  UbPrimesRecord back;
  UbPrimesRecord two[2];
  guint64 from, to, bytes = 1;

  g_test_summary ("primes.run, a part's state and a count's checkpoint through their "
                  "builders and parsers");

  ub_primes_record_init (&record, 0, 1000000);
  reply = ub_job_run_sync (UB_PRIMES_JOB_RUN, ub_primes_run_params_new (&record, TRUE, NULL, 0, NULL),
                           NULL, on_primes_progress, &progress, &error);
  g_assert_no_error (error);
  g_assert_true (ub_primes_part_state_parse (reply, &record, &bytes, &error));
  g_assert_no_error (error);
  g_assert_true (record.done);
  g_assert_cmpuint (record.count, ==, 78498);
  g_assert_cmpuint (bytes, ==, 0);
  g_assert_cmpuint (progress.to, ==, 1000000);

  /* A saved state reads back as it was written. */
  ub_primes_record_init (&record, 10, 20);
  state = g_variant_ref_sink (ub_primes_part_state_new (&record, 42));
  g_assert_true (ub_primes_part_state_parse (state, &back, &bytes, &error));
  g_assert_no_error (error);
  assert_record_equal (&back, &record);
  g_assert_cmpuint (bytes, ==, 42);
  g_assert_false (ub_primes_part_state_parse (not_state, &back, NULL, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
  g_clear_error (&error);

  ub_primes_record_init (&two[0], 0, 99);
  ub_primes_record_init (&two[1], 100, 200);
  checkpoint = g_variant_ref_sink (ub_primes_count_checkpoint_new (0, 200, two, 2));
  g_assert_true (ub_primes_count_checkpoint_parse (checkpoint, &from, &to, &parts));
  g_assert_cmpuint (from, ==, 0);
  g_assert_cmpuint (to, ==, 200);
  g_assert_cmpuint (g_variant_n_children (parts), ==, 2);
  for (gsize i = 0; i < 2; i++)
    {
      g_autoptr(GVariant) part = g_variant_get_child_value (parts, i);

      g_assert_true (ub_primes_record_from_variant (part, &back, &error));
      g_assert_no_error (error);
      assert_record_equal (&back, &two[i]);
    }
  g_assert_false (ub_primes_count_checkpoint_parse (state, NULL, NULL, NULL));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  ub_jobs_register_all ();

  work_dir = g_dir_make_tmp ("ub-jobs-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/jobs/png/typed", test_png);
  g_test_add_func ("/jobs/png/screen-thumbnail", test_png_screen_thumbnail);
  g_test_add_func ("/jobs/png/wrong-result", test_png_wrong_result);
  g_test_add_func ("/jobs/data/typed", test_data);
  g_test_add_func ("/jobs/primes/typed", test_primes);

  status = g_test_run ();
  g_rmdir (work_dir);
  g_free (work_dir);
  return status;
}
