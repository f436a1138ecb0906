/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ub-cli.h"
#include "ub-cli-commands.h"
#include "ub-job.h"
#include "ub-number.h"
#include "ub-primes-job.h"
#include "ub-runtime.h"

/*
 * unblock-cli primes count [FROM] TO [--threads N]
 * unblock-cli primes list FROM TO
 *
 * The range is split into parts that run "primes.run" in a pool of
 * workers, exactly as the Primes page does; this thread only runs the
 * main loop that collects progress and results.
 */

typedef struct
{
  GMainLoop      *loop;
  UbPrimesRecord *parts;
  guint           n_parts;
  guint           n_running;
  GError         *error;
  gboolean        show_progress;
  guint64         total;
  gint64          started;
  gint64          last_print;
} PrimesRun;

typedef struct
{
  PrimesRun *run;
  guint      part;
} PartCall;

static guint64
part_done (const UbPrimesRecord *record)
{
  if (record->done)
    return record->to - record->from + 1;
  return record->next - record->from;
}

static void
print_progress (PrimesRun *run,
                gboolean   final)
{
  gint64 now = g_get_monotonic_time ();
  guint64 done = 0;
  double seconds;
  double rate;

  if (!run->show_progress || (!final && now - run->last_print < 200 * G_TIME_SPAN_MILLISECOND))
    return;
  run->last_print = now;

  for (guint i = 0; i < run->n_parts; i++)
    done += part_done (&run->parts[i]);

  seconds = (now - run->started) / (double) G_USEC_PER_SEC;
  rate = seconds > 0 ? done / seconds : 0;

  if (final)
    fprintf (stderr, "\r\033[K%u worker%s, %.3f s, %.3g numbers/s\n", run->n_parts,
             run->n_parts == 1 ? "" : "s", seconds, rate);
  else
    fprintf (stderr, "\r\033[K%5.1f %%  %.3g numbers/s  ETA %.0f s",
             run->total ? 100.0 * done / run->total : 100.0, rate,
             rate > 0 ? (run->total - done) / rate : 0.0);
  fflush (stderr);
}

static void
on_progress (GVariant *progress,
             gpointer  user_data)
{
  PartCall *call = user_data;
  g_autoptr(GVariant) record = NULL;

  g_variant_get (progress, "(@(ttttb)t@at&s)", &record, NULL, NULL, NULL);
  ub_primes_record_from_variant (record, &call->run->parts[call->part], NULL);
  print_progress (call->run, FALSE);
}

static void
on_done (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autofree PartCall *call = user_data;
  PrimesRun *run = call->run;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) record = NULL;
  g_autoptr(GError) error = NULL;

  reply = ub_remote_call_finish (UB_REMOTE (object), result, &error);
  if (reply == NULL)
    {
      if (run->error == NULL)
        run->error = g_steal_pointer (&error);
    }
  else
    {
      g_variant_get (reply, "(@(ttttb)t)", &record, NULL);
      ub_primes_record_from_variant (record, &run->parts[call->part], NULL);
    }

  if (--run->n_running == 0 || run->error != NULL)
    g_main_loop_quit (run->loop);
}

static gboolean
parse_bound (const char *text,
             const char *what,
             guint64    *value)
{
  g_autoptr(GError) error = NULL;

  if (!ub_number_parse_u64 (text, value, &error))
    {
      ub_cli_error ("%s: %s", what, error->message);
      return FALSE;
    }
  return TRUE;
}

static int
run_primes (guint64     from,
            guint64     to,
            guint       n_threads,
            const char *list_path)
{
  g_autofree UbPrimesRange *ranges = NULL;
  g_autoptr(UbWorkerPool) pool = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainContext) context = g_main_context_new ();
  PrimesRun run = { 0 };
  guint64 count = 0;
  guint n_ranges = 0;

  g_main_context_push_thread_default (context);
  ub_jobs_init ();

  ranges = ub_primes_split (from, to, n_threads, &n_ranges);
  run.parts = g_new0 (UbPrimesRecord, n_ranges);
  run.n_parts = n_ranges;
  run.total = to - from == G_MAXUINT64 ? G_MAXUINT64 : to - from + 1;
  run.show_progress = list_path == NULL && isatty (STDERR_FILENO);
  run.started = g_get_monotonic_time ();
  run.loop = g_main_loop_new (context, FALSE);

  pool = ub_worker_pool_new (UB_JOB_WORKER_KIND, n_ranges, &error);
  if (pool == NULL)
    {
      ub_cli_error ("%s", error->message);
      return UB_CLI_EXIT_FAILURE;
    }

  for (guint i = 0; i < n_ranges; i++)
    {
      PartCall *call = g_new0 (PartCall, 1);

      ub_primes_record_init (&run.parts[i], ranges[i].from, ranges[i].to);
      call->run = &run;
      call->part = i;
      run.n_running++;
      ub_worker_pool_call_async (pool, UB_PRIMES_JOB_RUN,
                                 ub_primes_job_params (&run.parts[i], list_path != NULL,
                                                       list_path, 0),
                                 NULL, on_progress, on_done, call);
    }

  g_main_loop_run (run.loop);

  if (run.error != NULL)
    {
      ub_worker_pool_terminate (pool);
      ub_cli_error ("%s", run.error->message);
      g_clear_error (&run.error);
      g_main_loop_unref (run.loop);
      g_free (run.parts);
      g_main_context_pop_thread_default (context);
      return UB_CLI_EXIT_FAILURE;
    }

  for (guint i = 0; i < n_ranges; i++)
    count += run.parts[i].count;

  print_progress (&run, TRUE);
  if (list_path == NULL)
    printf ("%" G_GUINT64_FORMAT "\n", count);

  ub_worker_pool_terminate (pool);
  g_main_loop_unref (run.loop);
  g_free (run.parts);
  g_main_context_pop_thread_default (context);

  if (fflush (stdout) != 0 || ferror (stdout))
    {
      ub_cli_error ("cannot write the result to standard output");
      return UB_CLI_EXIT_FAILURE;
    }

  return UB_CLI_EXIT_OK;
}

static gboolean
parse_threads (const char *text,
               guint      *n_threads)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, 1, 256, &value, NULL))
    {
      ub_cli_error ("--threads: “%s” is not a number of threads between 1 and 256", text);
      return FALSE;
    }
  *n_threads = (guint) value;
  return TRUE;
}

int
ub_cli_primes (int    argc,
               char **argv)
{
  g_autoptr(GPtrArray) positional = g_ptr_array_new ();
  guint n_threads = g_get_num_processors ();
  const char *mode;
  guint64 from = 0;
  guint64 to;

  if (argc < 2)
    {
      ub_cli_error ("usage: primes count [FROM] TO [--threads N] | primes list FROM TO");
      return UB_CLI_EXIT_USAGE;
    }

  mode = argv[1];
  if (!g_str_equal (mode, "count") && !g_str_equal (mode, "list"))
    {
      ub_cli_error ("primes: unknown mode “%s”; use count or list", mode);
      return UB_CLI_EXIT_USAGE;
    }

  for (int i = 2; i < argc; i++)
    {
      const char *arg = argv[i];

      if (g_str_has_prefix (arg, "--threads="))
        {
          if (!parse_threads (arg + strlen ("--threads="), &n_threads))
            return UB_CLI_EXIT_USAGE;
        }
      else if (g_str_equal (arg, "--threads") || g_str_equal (arg, "-t"))
        {
          if (i + 1 >= argc)
            {
              ub_cli_error ("%s needs a number of threads", arg);
              return UB_CLI_EXIT_USAGE;
            }
          if (!parse_threads (argv[++i], &n_threads))
            return UB_CLI_EXIT_USAGE;
        }
      else if (arg[0] == '-' && arg[1] == '-')
        {
          ub_cli_error ("primes: unknown option “%s”", arg);
          return UB_CLI_EXIT_USAGE;
        }
      else
        {
          /* "-5" is a (bad) number, not an option: let the parser say so. */
          g_ptr_array_add (positional, (gpointer) arg);
        }
    }

  if (g_str_equal (mode, "count") && positional->len == 1)
    {
      if (!parse_bound (positional->pdata[0], "TO", &to))
        return UB_CLI_EXIT_USAGE;
    }
  else if (positional->len == 2)
    {
      if (!parse_bound (positional->pdata[0], "FROM", &from) ||
          !parse_bound (positional->pdata[1], "TO", &to))
        return UB_CLI_EXIT_USAGE;
    }
  else
    {
      ub_cli_error (g_str_equal (mode, "count")
                    ? "usage: primes count [FROM] TO [--threads N]"
                    : "usage: primes list FROM TO");
      return UB_CLI_EXIT_USAGE;
    }

  if (from > to)
    {
      ub_cli_error ("FROM (%" G_GUINT64_FORMAT ") is larger than TO (%" G_GUINT64_FORMAT ")", from, to);
      return UB_CLI_EXIT_USAGE;
    }

  /* A list is written in order by one worker. */
  if (g_str_equal (mode, "list"))
    return run_primes (from, to, 1, "-");

  return run_primes (from, to, n_threads, NULL);
}
