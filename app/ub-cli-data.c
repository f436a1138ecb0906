/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ub-base64.h"
#include <glib/gi18n.h>

#include "ub-cli.h"
#include "ub-cli-commands.h"
#include "ub-cli-job.h"
#include "ub-data-jobs.h"
#include "ub-data-stream-job.h"

/*
 * unblock-cli base64 encode|decode [-w N] IN OUT
 * unblock-cli sha256 [FILE...]
 *
 * "-" stands for standard input or output. Encoding wraps at 76 columns by
 * default, so the output is byte for byte that of coreutils `base64`;
 * decoding is strict (see ub-base64.h). A file written by name appears
 * only when it is complete.
 *
 * Each input runs "data.stream" in a worker, as the application runs its
 * data jobs; the progress shows on a terminal.
 */

/* Progress as a fraction of the input, unknown for a pipe. */
static double
data_fraction (GVariant *progress)
{
  guint64 done;
  gint64 total;

  ub_data_progress_parse (progress, &done, &total, NULL);
  return total > 0 ? (double) done / (double) total : -1.0;
}

static int
stream_fd (const char *name,
           int         fd)
{
  return strcmp (name, "-") == 0 ? fd : -1;
}

static gboolean
parse_wrap (const char *text,
            guint      *wrap)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT, &value, NULL))
    {
      ub_cli_usage_error ("base64", _("invalid wrap “%s”: expected a number of columns, 0 for none"),
                          text);
      return FALSE;
    }
  *wrap = (guint) value;
  return TRUE;
}

static int
base64_main (int    argc,
             char **argv)
{
  g_autoptr(GVariant) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *files[2];
  guint n_files = 0;
  guint wrap = UB_BASE64_DEFAULT_WRAP;
  gboolean wrap_given = FALSE;
  gboolean encode;
  int signal_number;

  if (argc < 2)
    return ub_cli_usage_error ("base64", _("encode or decode?"));

  if (strcmp (argv[1], "encode") == 0)
    encode = TRUE;
  else if (strcmp (argv[1], "decode") == 0)
    encode = FALSE;
  else
    return ub_cli_usage_error ("base64", _("unknown action “%s”: expected encode or decode"),
                               argv[1]);

  for (int i = 2; i < argc; i++)
    {
      const char *arg = argv[i];

      if (strcmp (arg, "-w") == 0 || strcmp (arg, "--wrap") == 0)
        {
          if (i + 1 >= argc)
            return ub_cli_usage_error ("base64", _("%s needs a number of columns"), arg);
          if (!parse_wrap (argv[++i], &wrap))
            return UB_CLI_EXIT_USAGE;
          wrap_given = TRUE;
        }
      else if (g_str_has_prefix (arg, "--wrap="))
        {
          if (!parse_wrap (arg + strlen ("--wrap="), &wrap))
            return UB_CLI_EXIT_USAGE;
          wrap_given = TRUE;
        }
      else if (arg[0] == '-' && arg[1] != '\0')
        return ub_cli_usage_error ("base64", _("unknown option “%s”"), arg);
      else if (n_files < 2)
        {
          files[n_files++] = arg;
        }
      else
        return ub_cli_usage_error ("base64", _("%s takes an input and an output file"), argv[1]);
    }

  if (n_files != 2)
    return ub_cli_usage_error ("base64", _("%s takes an input and an output file"), argv[1]);
  if (wrap_given && !encode)
    return ub_cli_usage_error ("base64", _("--wrap only applies to encode"));

  result = ub_cli_run_job (UB_DATA_JOB_STREAM,
                           ub_data_stream_params_new (encode ? UB_DATA_MODE_BASE64_ENCODE
                                                             : UB_DATA_MODE_BASE64_DECODE,
                                                      wrap,
                                                      stream_fd (files[0], STDIN_FILENO), files[0],
                                                      stream_fd (files[1], STDOUT_FILENO), files[1]),
                           data_fraction, &signal_number, &error);
  if (signal_number != 0)
    return UB_CLI_EXIT_SIGNAL (signal_number);
  if (result == NULL)
    {
      ub_cli_error ("%s", error->message);
      return UB_CLI_EXIT_FAILURE;
    }

  return UB_CLI_EXIT_OK;
}

/* sha256sum's format: a name holding a backslash or a newline is escaped
 * and its line starts with a backslash. */
static void
print_digest (const char *hex,
              const char *name)
{
  if (strpbrk (name, "\\\n") == NULL)
    {
      printf ("%s  %s\n", hex, name);
      return;
    }

  putchar ('\\');
  printf ("%s  ", hex);
  for (const char *p = name; *p != '\0'; p++)
    {
      if (*p == '\\')
        fputs ("\\\\", stdout);
      else if (*p == '\n')
        fputs ("\\n", stdout);
      else
        putchar (*p);
    }
  putchar ('\n');
}

static int
sha256_main (int    argc,
             char **argv)
{
  const char *stdin_only[] = { "-" };
  const char **files = (const char **) argv + 1;
  int n_files = argc - 1;
  int status = UB_CLI_EXIT_OK;

  for (int i = 1; i < argc; i++)
    if (argv[i][0] == '-' && argv[i][1] != '\0')
      return ub_cli_usage_error ("sha256", _("unknown option “%s”"), argv[i]);

  if (n_files == 0)
    {
      files = stdin_only;
      n_files = 1;
    }

  for (int i = 0; i < n_files; i++)
    {
      g_autoptr(GVariant) result = NULL;
      g_autoptr(GError) error = NULL;
      const char *hex;
      int signal_number;

      result = ub_cli_run_job (UB_DATA_JOB_STREAM,
                               ub_data_stream_params_new (UB_DATA_MODE_SHA256, 0,
                                                          stream_fd (files[i], STDIN_FILENO),
                                                          files[i], -1, NULL),
                               data_fraction, &signal_number, &error);
      if (signal_number != 0)
        {
          fflush (stdout);
          return UB_CLI_EXIT_SIGNAL (signal_number);
        }
      if (result == NULL)
        {
          fflush (stdout);
          ub_cli_error ("%s", error->message);
          status = UB_CLI_EXIT_FAILURE;
          continue;
        }

      ub_data_stream_result_parse (result, NULL, NULL, &hex);
      print_digest (hex, files[i]);
    }

  if (!ub_cli_flush_stdout ())
    return UB_CLI_EXIT_FAILURE;

  return status;
}

const UbCliCommand ub_cli_base64_command = {
  "base64",
  N_("base64 encode [-w COLS] IN OUT\n"
     "base64 decode IN OUT"),
  N_("Encode a file as base64 (RFC 4648), or decode it"),
  N_("encode writes IN as base64 text to OUT; decode reads base64 text, ignoring line\n"
     "breaks, and writes the bytes. “-” for IN or OUT is standard input or output.\n"
     "Bad input is a failure that names the byte offset. OUT appears whole or not at\n"
     "all: a failure or Ctrl+C leaves no partial file.\n"
     "\n"
     "Options:\n"
     "  -w, --wrap COLS   encode: break lines after COLS characters, 0 for one line\n"
     "                    (default: 76)\n"
     "  -h, --help        show this help\n"),
  NULL,
  base64_main,
};

const UbCliCommand ub_cli_sha256_command = {
  "sha256",
  N_("sha256 [FILE…]"),
  N_("Print the SHA-256 digest of files"),
  N_("Prints one line per FILE, “DIGEST  FILE”, as sha256sum does; with no FILE, or\n"
     "with “-”, reads standard input. A file that cannot be read is reported and the\n"
     "others are still hashed; the exit status is then 1.\n"
     "\n"
     "Options:\n"
     "  -h, --help   show this help\n"),
  NULL,
  sha256_main,
};
