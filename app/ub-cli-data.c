/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ub-base64.h"
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
      ub_cli_error ("invalid wrap “%s”: expected a number of columns, 0 for none", text);
      return FALSE;
    }
  *wrap = (guint) value;
  return TRUE;
}

static void
base64_usage (void)
{
  ub_cli_error ("usage: base64 encode [-w COLS] IN OUT | base64 decode IN OUT (“-” for stdin/stdout)");
}

int
ub_cli_base64 (int    argc,
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
    {
      base64_usage ();
      return UB_CLI_EXIT_USAGE;
    }

  if (strcmp (argv[1], "encode") == 0)
    encode = TRUE;
  else if (strcmp (argv[1], "decode") == 0)
    encode = FALSE;
  else
    {
      ub_cli_error ("base64: unknown action “%s”: expected encode or decode", argv[1]);
      return UB_CLI_EXIT_USAGE;
    }

  for (int i = 2; i < argc; i++)
    {
      const char *arg = argv[i];

      if (strcmp (arg, "-w") == 0 || strcmp (arg, "--wrap") == 0)
        {
          if (i + 1 >= argc)
            {
              ub_cli_error ("%s needs a number of columns", arg);
              return UB_CLI_EXIT_USAGE;
            }
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
        {
          ub_cli_error ("base64: unknown option “%s”", arg);
          return UB_CLI_EXIT_USAGE;
        }
      else if (n_files < 2)
        {
          files[n_files++] = arg;
        }
      else
        {
          base64_usage ();
          return UB_CLI_EXIT_USAGE;
        }
    }

  if (n_files != 2)
    {
      base64_usage ();
      return UB_CLI_EXIT_USAGE;
    }
  if (wrap_given && !encode)
    {
      ub_cli_error ("base64 decode: --wrap only applies to encode");
      return UB_CLI_EXIT_USAGE;
    }

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

int
ub_cli_sha256 (int    argc,
               char **argv)
{
  const char *stdin_only[] = { "-" };
  const char **files = (const char **) argv + 1;
  int n_files = argc - 1;
  int status = UB_CLI_EXIT_OK;

  for (int i = 1; i < argc; i++)
    if (argv[i][0] == '-' && argv[i][1] != '\0')
      {
        ub_cli_error ("sha256: unknown option “%s”; usage: sha256 [FILE...]", argv[i]);
        return UB_CLI_EXIT_USAGE;
      }

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

  if (fflush (stdout) != 0 || ferror (stdout))
    {
      ub_cli_error ("-: write failed");
      return UB_CLI_EXIT_FAILURE;
    }

  return status;
}
