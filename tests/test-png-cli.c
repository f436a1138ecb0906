/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <zlib.h>

#include "ub-png.h"
#include "ub-png-encode.h"
#include "ub-png-sample.h"
#include "ub-test-cli.h"
#include "ub-test-files.h"

/* Runs the built unblock-cli (next to this test in the build tree). */

typedef struct
{
  char *dir;   /* a private temporary directory */
  char *input; /* a 600×300 RGBA sample in it */
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("ub-png-cli-XXXXXX", &error);
  g_assert_no_error (error);
  f->input = g_build_filename (f->dir, "in.png", NULL);
  g_assert_true (ub_png_sample_write_file (f->input, 600, 300, 3, UB_PNG_FORMAT_RGBA8,
                                           NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  ub_test_remove_tree (f->dir);
  g_free (f->input);
  g_free (f->dir);
}

/* Runs the CLI with a NULL-terminated argument list; returns the exit code
 * and, where asked, what it printed. */
static int
run_cli (char       **out,
         char       **err,
         const char  *first,
         ...)
{
  g_auto(UbTestCliResult) result = { 0 };
  va_list args;

  va_start (args, first);
  ub_test_cli_run_valist (&result, NULL, first, args);
  va_end (args);

  if (out != NULL)
    *out = g_steal_pointer (&result.out);
  if (err != NULL)
    *err = g_steal_pointer (&result.err);
  return result.status;
}

static guint
count_entries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static void
test_info (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *out = NULL, *err = NULL;

  const char *header = "width: 600\nheight: 300\ncolor-type: 6 (RGBA)\nbit-depth: 8\n"
                       "interlaced: no\nalpha: yes\n";
  guint n_chunks = 0;
  char tail[64] = "";

  g_assert_cmpint (run_cli (&out, &err, "png", "info", f->input, NULL), ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_assert_true (g_str_has_prefix (out, header));
  /* IHDR, at least one IDAT, IEND. */
  g_assert_cmpint (sscanf (out + strlen (header), "chunks: %u, %63[^\n]", &n_chunks, tail), ==, 2);
  g_assert_cmpuint (n_chunks, >=, 3);
  g_assert_cmpstr (tail, ==, "every CRC good; image data: whole");
}

/* Writes @contents with a tEXt chunk put in before IEND (the last 12
 * bytes), its CRC right or wrong. */
static void
write_with_text_chunk (const char *path,
                       const char *contents,
                       gsize       length,
                       gboolean    good_crc)
{
  static const guint8 chunk[] = { 0, 0, 0, 4, 't', 'E', 'X', 't', 'a', 0, 'b', 'c' };
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  guint32 crc = (guint32) crc32 (0, chunk + 4, sizeof chunk - 4);
  guint8 be[4] = { crc >> 24, crc >> 16, crc >> 8, crc };

  if (!good_crc)
    be[3] ^= 1;
  g_byte_array_append (bytes, (const guint8 *) contents, length - 12);
  g_byte_array_append (bytes, chunk, sizeof chunk);
  g_byte_array_append (bytes, be, sizeof be);
  g_byte_array_append (bytes, (const guint8 *) contents + length - 12, 12);
  g_assert_true (g_file_set_contents (path, (const char *) bytes->data, bytes->len, NULL));
}

static void
test_info_whole_file (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "check.png", NULL);
  g_autofree char *contents = NULL;
  gsize length;
  struct {
    const char *what;
    gsize       cut;        /* bytes kept, 0 for all */
    gssize      flip;       /* byte to change, -1 for none */
    int         text_chunk; /* 0 none, 1 good CRC, 2 bad CRC */
    int         status;
    const char *naming;
  } cases[] = {
    { "whole", 0, -1, 0, 0, NULL },
    { "a good ancillary chunk", 0, -1, 1, 0, NULL },
    { "an ancillary chunk with a bad CRC, which decoders skip", 0, -1, 2, 1, "tEXt" },
    { "cut in the image data", 1, -1, 0, 1, "truncated" },
    { "cut before IEND", 2, -1, 0, 1, "truncated" },
    { "cut inside IEND's CRC", 3, -1, 0, 1, "truncated" },
    { "a flipped byte in the image data", 0, 1, 0, 1, "CRC" },
  };

  g_test_summary ("png info prints the header, then checks every chunk, every CRC and the "
                  "image data: a truncated or damaged file exits 1 with one line that says why");

  g_assert_true (g_file_get_contents (f->input, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 1000);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL, *err = NULL;
      g_autofree char *copy = g_memdup2 (contents, length);
      gsize kept = length;

      g_test_message ("%s", cases[i].what);
      if (cases[i].cut == 1)
        kept = length / 2;
      else if (cases[i].cut == 2)
        kept = length - 12;
      else if (cases[i].cut == 3)
        kept = length - 1;
      if (cases[i].flip >= 0)
        copy[length / 2] ^= 0x20;

      if (cases[i].text_chunk != 0)
        write_with_text_chunk (path, copy, kept, cases[i].text_chunk == 1);
      else
        g_assert_true (g_file_set_contents (path, copy, kept, NULL));

      g_assert_cmpint (run_cli (&out, &err, "png", "info", path, NULL), ==, cases[i].status);
      /* The header is read either way. */
      g_assert_true (g_str_has_prefix (out, "width: 600\nheight: 300\n"));
      if (cases[i].status == 0)
        {
          g_assert_cmpstr (err, ==, "");
          g_assert_nonnull (strstr (out, "every CRC good"));
        }
      else
        {
          ub_test_assert_one_line (err, path);
          g_assert_nonnull (strstr (err, cases[i].naming));
          g_assert_null (strstr (out, "every CRC good"));
          g_test_message ("%s", err);
        }
    }
}

static void
test_decode (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *pam = g_build_filename (f->dir, "out.pam", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(UbPngImage) image = NULL;
  const char *header = "P7\nWIDTH 600\nHEIGHT 300\nDEPTH 4\nMAXVAL 255\n"
                       "TUPLTYPE RGB_ALPHA\nENDHDR\n";
  gsize length;

  g_assert_cmpint (run_cli (NULL, &err, "png", "decode", f->input, pam, NULL), ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_assert_true (g_file_get_contents (pam, &contents, &length, NULL));

  image = ub_png_decode_file (f->input, NULL, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (length, ==, strlen (header) + image->size);
  g_assert_cmpmem (contents, strlen (header), header, strlen (header));
  g_assert_cmpmem (contents + strlen (header), image->size, image->pixels, image->size);
  g_assert_cmpuint (count_entries (f->dir), ==, 2);
}

static void
assert_png_size (const char *path,
                 guint32     width,
                 guint32     height)
{
  g_autoptr(GError) error = NULL;
  UbPngInfo info;

  g_assert_true (ub_png_read_info_file (path, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (info.width, ==, width);
  g_assert_cmpuint (info.height, ==, height);
}

static void
test_thumbnail (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *out = g_build_filename (f->dir, "thumb.png", NULL);
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(UbPngImage) expected = NULL;
  g_autoptr(UbPngImage) written = NULL;

  g_assert_cmpint (run_cli (NULL, NULL, "png", "thumbnail", f->input, out, NULL), ==, 0);
  assert_png_size (out, 256, 128);

  g_assert_cmpint (run_cli (NULL, NULL, "png", "thumbnail", "--size", "50",
                            f->input, out, NULL), ==, 0);
  assert_png_size (out, 50, 25);

  g_assert_cmpint (run_cli (NULL, &err, "png", "thumbnail", f->input, out,
                            "--size=100", NULL), ==, 0);
  g_assert_cmpstr (err, ==, "");
  assert_png_size (out, 100, 50);

  /* The very pixels of the library's thumbnail. */
  expected = ub_png_thumbnail_file (f->input, 100, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  written = ub_png_decode_file (out, NULL, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (written->pixels, written->size, expected->pixels, expected->size);
  g_assert_cmpuint (count_entries (f->dir), ==, 2);
}

static void
test_bad_input (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *bad = g_build_filename (f->dir, "bad.png", NULL);
  g_autofree char *missing = g_build_filename (f->dir, "missing.png", NULL);
  g_autofree char *pam = g_build_filename (f->dir, "out.pam", NULL);
  g_autofree char *thumb = g_build_filename (f->dir, "out.png", NULL);
  g_autofree char *contents = NULL;
  const char *inputs[3];
  gsize length;

  /* The sample, cut in the middle of its image data. */
  g_assert_true (g_file_get_contents (f->input, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (bad, contents, length / 2, NULL));

  inputs[0] = bad;
  inputs[1] = missing;
  inputs[2] = f->dir;
  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autofree char *err1 = NULL, *err2 = NULL, *err3 = NULL;
      g_autofree char *out3 = NULL;

      g_assert_cmpint (run_cli (NULL, &err1, "png", "decode", inputs[i], pam, NULL), ==, 1);
      ub_test_assert_one_line (err1, inputs[i]);
      g_assert_cmpint (run_cli (NULL, &err2, "png", "thumbnail", inputs[i], thumb, NULL), ==, 1);
      ub_test_assert_one_line (err2, inputs[i]);
      g_assert_cmpint (run_cli (&out3, &err3, "png", "info", inputs[i], NULL), ==, 1);
      ub_test_assert_one_line (err3, inputs[i]);
      g_test_message ("%s", err1);
    }

  /* Nothing half-written: only the two inputs remain. */
  g_assert_false (g_file_test (pam, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (thumb, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_entries (f->dir), ==, 2);
}

static void
test_bad_output (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *nowhere = g_build_filename (f->dir, "no", "such", "out.pam", NULL);
  g_autofree char *err1 = NULL, *err2 = NULL;

  g_assert_cmpint (run_cli (NULL, &err1, "png", "decode", f->input, nowhere, NULL), ==, 1);
  ub_test_assert_one_line (err1, nowhere);
  g_assert_cmpint (run_cli (NULL, &err2, "png", "thumbnail", f->input, nowhere, NULL), ==, 1);
  ub_test_assert_one_line (err2, nowhere);
  g_assert_cmpuint (count_entries (f->dir), ==, 1);
}

static void
test_usage (Fixture       *f,
            gconstpointer  data)
{
  const char *cases[][5] = {
    { "png", NULL },
    { "png", "resize", f->input, NULL },
    { "png", "decode", f->input, NULL },
    { "png", "decode", f->input, "a", "b" },
    { "png", "info", NULL },
    { "png", "thumbnail", f->input, NULL },
    { "png", "thumbnail", f->input, "out.png", "--size" },
    { "png", "thumbnail", f->input, "out.png", "--size=0" },
    { "png", "thumbnail", f->input, "out.png", "--size=big" },
    { "png", "thumbnail", f->input, "out.png", "--frobnicate" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *err = NULL;
      int status = run_cli (NULL, &err, cases[i][0], cases[i][1], cases[i][2],
                            cases[i][3], cases[i][4], NULL);

      g_assert_cmpint (status, ==, 2);
      g_assert_true (g_str_has_prefix (err, "unblock-cli: "));
    }
  g_assert_cmpuint (count_entries (f->dir), ==, 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_summary ("unblock-cli png: decode to PAM, thumbnail, info, and "
                  "clean failures (exit codes, one-line messages, no "
                  "partial output).");

  if (!ub_test_cli_found ())
    {
      g_test_add_func ("/png/cli", ub_test_cli_skip_missing);
      return g_test_run ();
    }

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/png/cli/info", test_info);
  ADD ("/png/cli/info/whole-file", test_info_whole_file);
  ADD ("/png/cli/decode", test_decode);
  ADD ("/png/cli/thumbnail", test_thumbnail);
  ADD ("/png/cli/bad-input", test_bad_input);
  ADD ("/png/cli/bad-output", test_bad_output);
  ADD ("/png/cli/usage", test_usage);
#undef ADD

  return g_test_run ();
}
