/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "ub-cli.h"
#include "ub-cli-commands.h"
#include "ub-cli-job.h"
#include "ub-durable.h"
#include "ub-png-jobs.h"

/*
 * unblock-cli png: the PNG engine from a terminal.
 *
 *   png decode IN.png OUT.pam              RGBA8 PAM (TUPLTYPE RGB_ALPHA)
 *   png thumbnail IN.png OUT.png [--size N] fit within N×N (default 256)
 *   png info IN.png                        what the header says, after a
 *                                          check of the whole file
 *
 * Each sub-command runs its jobs ("png.decode", "png.thumbnail" then
 * "png.encode", "png.info") in a worker, as the application does; the
 * decode shows its progress on a terminal. Outputs are written through
 * UbDurableFile (ub-durable.h), so a failure or an interruption never
 * leaves a partial file.
 */

static int
usage_error (const char *message)
{
  return ub_cli_usage_error ("png", "%s", message);
}

/* The exit status of a job that failed, saying why on standard error. */
static int
job_failed (const char *name,
            int         signal_number,
            GError     *error)
{
  if (signal_number != 0)
    return UB_CLI_EXIT_SIGNAL (signal_number);

  ub_cli_error ("%s: %s", name, error->message);
  return UB_CLI_EXIT_FAILURE;
}

/* Header and pixels, durably, in place of @path (see ub-durable.h). */
static gboolean
write_pam (const char  *path,
           const char  *source,
           guint32      width,
           guint32      height,
           GBytes      *pixels,
           GError     **error)
{
  g_autoptr(UbDurableFile) file = NULL;
  g_autofree char *header = NULL;

  header = g_strdup_printf ("P7\nWIDTH %u\nHEIGHT %u\nDEPTH 4\nMAXVAL 255\n"
                            "TUPLTYPE RGB_ALPHA\nENDHDR\n",
                            width, height);

  file = ub_durable_file_new (path, source, error);
  return file != NULL &&
         ub_durable_file_write (file, header, strlen (header), error) &&
         ub_durable_file_write (file, g_bytes_get_data (pixels, NULL), g_bytes_get_size (pixels),
                                error) &&
         ub_durable_file_commit (file, error);
}

static int
run_decode (int    argc,
            char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) result = NULL;
  g_autoptr(GBytes) pixels = NULL;
  guint32 width, height;
  int signal_number;

  if (argc != 3)
    return usage_error (_("decode takes an input and an output file"));

  /* A folder or the input itself is refused before the decode. */
  if (!ub_durable_check_destination (argv[2], argv[1], &error))
    {
      ub_cli_error ("%s", error->message);
      return UB_CLI_EXIT_FAILURE;
    }

  result = ub_cli_run_job (UB_PNG_JOB_DECODE, ub_png_decode_params_new (argv[1]),
                           ub_png_progress_parse, &signal_number, &error);
  if (result == NULL)
    return job_failed (argv[1], signal_number, error);

  ub_png_decode_result_parse (result, &width, &height, &pixels);
  if (!write_pam (argv[2], argv[1], width, height, pixels, &error))
    {
      ub_cli_error ("%s: %s", argv[2], error->message);
      return UB_CLI_EXIT_FAILURE;
    }

  return UB_CLI_EXIT_OK;
}

static int
run_thumbnail (int    argc,
               char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) thumbnail = NULL;
  g_autoptr(GVariant) written = NULL;
  g_autoptr(GBytes) pixels = NULL;
  const char *files[2] = { NULL, NULL };
  guint n_files = 0;
  guint64 size = 256;
  guint32 width, height;
  int signal_number;

  for (int i = 1; i < argc; i++)
    {
      const char *value = NULL;

      if (strcmp (argv[i], "--size") == 0)
        {
          if (i + 1 >= argc)
            return usage_error (_("--size needs a value"));
          value = argv[++i];
        }
      else if (g_str_has_prefix (argv[i], "--size="))
        value = argv[i] + strlen ("--size=");
      else if (argv[i][0] == '-' && argv[i][1] != '\0')
        {
          g_autofree char *message = g_strdup_printf (_("unknown option “%s”"), argv[i]);

          return usage_error (message);
        }
      else if (n_files < 2)
        files[n_files++] = argv[i];
      else
        return usage_error (_("thumbnail takes an input and an output file"));

      if (value != NULL &&
          !g_ascii_string_to_unsigned (value, 10, 1, 16384, &size, NULL))
        return usage_error (_("--size must be a whole number from 1 to 16384"));
    }
  if (n_files != 2)
    return usage_error (_("thumbnail takes an input and an output file"));

  if (!ub_durable_check_destination (files[1], files[0], &error))
    {
      ub_cli_error ("%s", error->message);
      return UB_CLI_EXIT_FAILURE;
    }

  thumbnail = ub_cli_run_job (UB_PNG_JOB_THUMBNAIL,
                              ub_png_thumbnail_params_new (files[0], (guint) size),
                              NULL, &signal_number, &error);
  if (thumbnail == NULL)
    return job_failed (files[0], signal_number, error);

  /* The pixels go back to a worker by reference, not copied. */
  ub_png_thumbnail_result_parse (thumbnail, &width, &height, NULL, NULL, &pixels);
  written = ub_cli_run_job (UB_PNG_JOB_ENCODE,
                            ub_png_encode_params_new (files[1], width, height, pixels),
                            NULL, &signal_number, &error);
  if (written == NULL)
    return job_failed (files[1], signal_number, error);

  return UB_CLI_EXIT_OK;
}

/* Part of the output that scripts read: not translated. */
static const char *
color_type_name (guint8 color_type)
{
  switch (color_type)
    {
    case 0: return "grey";
    case 2: return "RGB";
    case 3: return "palette";
    case 4: return "grey+alpha";
    case 6: return "RGBA";
    default: return "unknown";
    }
}

static int
run_info (int    argc,
          char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) result = NULL;
  g_autoptr(GVariant) checked = NULL;
  UbPngInfo info;
  int signal_number;

  if (argc != 2)
    return usage_error (_("info takes one file"));

  result = ub_cli_run_job (UB_PNG_JOB_INFO, ub_png_info_params_new (argv[1]), NULL,
                           &signal_number, &error);
  if (result == NULL)
    return job_failed (argv[1], signal_number, error);
  ub_png_info_result_parse (result, &info);

  /* The header alone says nothing of the rest: a truncated or damaged
   * file must not pass for a good one. */
  checked = ub_cli_run_job (UB_PNG_JOB_CHECK, ub_png_check_params_new (argv[1]), NULL,
                            &signal_number, &error);

  printf ("width: %u\n"
          "height: %u\n"
          "color-type: %u (%s)\n"
          "bit-depth: %u\n"
          "interlaced: %s\n"
          "alpha: %s\n",
          info.width, info.height, info.color_type,
          color_type_name (info.color_type), info.bit_depth,
          info.interlaced ? "yes" : "no", info.has_alpha ? "yes" : "no");
  if (checked != NULL)
    printf ("chunks: %u, every CRC good; image data: whole\n",
            ub_png_check_result_parse (checked));
  if (!ub_cli_flush_stdout ())
    return UB_CLI_EXIT_FAILURE;

  if (checked == NULL)
    return job_failed (argv[1], signal_number, error);
  return UB_CLI_EXIT_OK;
}

static int
png_main (int    argc,
          char **argv)
{
  if (argc < 2)
    return usage_error (_("decode, thumbnail or info?"));

  if (strcmp (argv[1], "decode") == 0)
    return run_decode (argc - 1, argv + 1);
  if (strcmp (argv[1], "thumbnail") == 0)
    return run_thumbnail (argc - 1, argv + 1);
  if (strcmp (argv[1], "info") == 0)
    return run_info (argc - 1, argv + 1);

  return ub_cli_usage_error ("png", _("unknown action “%s”: expected decode, thumbnail or info"),
                             argv[1]);
}

const UbCliCommand ub_cli_png_command = {
  "png",
  N_("png decode IN.png OUT.pam\n"
     "png thumbnail IN.png OUT.png [--size N]\n"
     "png info IN.png"),
  N_("Decode, shrink or check PNG images"),
  N_("decode writes the image as 8-bit RGBA in a PAM file (TUPLTYPE RGB_ALPHA).\n"
     "thumbnail writes a PNG that fits within N × N pixels, keeping the aspect ratio.\n"
     "info prints what the header says, then checks the whole file: every chunk and\n"
     "its CRC, and the image data to the last row, without keeping the pixels; a\n"
     "truncated or damaged file is a failure (exit status 1).\n"
     "\n"
     "Outputs appear whole or not at all: a failure or Ctrl+C leaves no partial file.\n"
     "\n"
     "Options:\n"
     "  --size N     thumbnail: the largest side, 1 to 16384 (default: 256)\n"
     "  -h, --help   show this help\n"),
  NULL,
  png_main,
};
