/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "ub-cli.h"
#include "ub-cli-commands.h"
#include "ub-cli-job.h"
#include "ub-error.h"
#include "ub-job.h"
#include "ub-number.h"
#include "ub-primes-job.h"
#include "ub-runtime.h"
#include "ub-store.h"

/*
 * unblock-cli primes count [FROM] TO [--threads N] [--checkpoint FILE]
 * unblock-cli primes list FROM TO
 *
 * The range is split into parts that run "primes.run" in a pool of
 * workers, exactly as the Primes page does; this thread only runs the
 * main loop that collects progress and results.
 *
 * Checkpoints: with --checkpoint FILE, the parts' records (each part's
 * progress carries its resumable record) are written to FILE at start and
 * then at most once a second, atomically and durably (ub_store_write_file():
 * temporary file, fsync, rename, fsync of the folder), from this thread, so
 * the workers never wait for the disk. If FILE exists the count resumes
 * from it: its parts, not --threads, decide the split. A FILE for another
 * range is a usage error (2); a damaged one a failure (1) that names it.
 * FILE is sealed (see UbSeal): one this installation did not write is not
 * trusted, and the count starts over with a warning.
 * When the count completes FILE is removed, so a finished count leaves
 * nothing behind. SIGINT and SIGTERM save FILE before exiting.
 *
 * UB_CLI_CHECKPOINT_INTERVAL_MS changes the interval (for tests).
 */

#define CHECKPOINT_KEY      "primes-count"
#define CHECKPOINT_INTERVAL 1000
#define MAX_PARTS           256

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

  /* Checkpoint (path NULL when none) */
  const char     *checkpoint;
  guint64         from;
  guint64         to;
  gboolean        dirty;
  gboolean        save_failed;
  gboolean        interrupted;
  int             interrupted_by;  /* the signal, once interrupted */
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
    {
      /* Back to the start of the progress line, which is cleared. */
      fputs ("\r\033[K", stderr);
      fprintf (stderr, g_dngettext (GETTEXT_PACKAGE, "%u worker, %.3f s, %.3g numbers/s\n",
                                    "%u workers, %.3f s, %.3g numbers/s\n", run->n_parts),
               run->n_parts, seconds, rate);
    }
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

  ub_primes_run_progress_parse (progress, &call->run->parts[call->part], NULL, NULL, NULL, NULL,
                                NULL);
  call->run->dirty = TRUE;
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
  g_autoptr(GError) error = NULL;

  reply = ub_worker_pool_call_finish (UB_WORKER_POOL (object), result, &error);
  if (reply == NULL)
    {
      if (run->error == NULL)
        run->error = g_steal_pointer (&error);
    }
  else
    {
      ub_primes_part_state_parse (reply, &run->parts[call->part], NULL, NULL);
      run->dirty = TRUE;
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
      ub_cli_usage_error ("primes", "%s: %s", what, error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
save_checkpoint (PrimesRun  *run,
                 GError    **error)
{
  run->dirty = FALSE;
  return ub_store_write_file (run->checkpoint, CHECKPOINT_KEY,
                              ub_primes_count_checkpoint_new (run->from, run->to, run->parts,
                                                              run->n_parts),
                              error);
}

static gboolean
on_checkpoint_tick (gpointer user_data)
{
  PrimesRun *run = user_data;
  g_autoptr(GError) error = NULL;

  if (run->dirty && !save_checkpoint (run, &error) && !run->save_failed)
    {
      /* The count goes on: only the chance to resume from here is lost. */
      run->save_failed = TRUE;
      ub_cli_error (_("%s; counting goes on without checkpoints"), error->message);
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
on_interrupt (gpointer user_data)
{
  PrimesRun *run = user_data;

  run->interrupted = TRUE;
  g_main_loop_quit (run->loop);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_sigint (gpointer user_data)
{
  ((PrimesRun *) user_data)->interrupted_by = SIGINT;
  return on_interrupt (user_data);
}

static gboolean
on_sigterm (gpointer user_data)
{
  ((PrimesRun *) user_data)->interrupted_by = SIGTERM;
  return on_interrupt (user_data);
}

static gboolean
on_sighup (gpointer user_data)
{
  ((PrimesRun *) user_data)->interrupted_by = SIGHUP;
  return on_interrupt (user_data);
}

static guint
checkpoint_interval (void)
{
  const char *env = g_getenv ("UB_CLI_CHECKPOINT_INTERVAL_MS");
  guint64 value;

  if (env != NULL && g_ascii_string_to_unsigned (env, 10, 1, 60000, &value, NULL))
    return (guint) value;
  return CHECKPOINT_INTERVAL;
}

/*
 * Reads the parts saved in @path. Returns an exit status; on success
 * *parts is NULL when there is no checkpoint yet.
 */
static int
load_checkpoint (const char      *path,
                 guint64          from,
                 guint64          to,
                 UbPrimesRecord **parts,
                 guint           *n_parts)
{
  g_autofree char *name = g_filename_display_name (path);
  g_autofree UbPrimesRecord *records = NULL;
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GVariant) array = NULL;
  g_autoptr(GError) error = NULL;
  guint64 saved_from, saved_to;
  gsize n;

  *parts = NULL;
  *n_parts = 0;

  value = ub_store_read_file (path, CHECKPOINT_KEY, &error);
  if (value == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        return UB_CLI_EXIT_OK;
      /* Intact but not sealed here: edited, forged or from another
       * installation. Its counts are not used; the count starts over. */
      if (g_error_matches (error, UB_ERROR, UB_ERROR_UNTRUSTED))
        {
          ub_cli_error (_("%s; counting from the start"), error->message);
          return UB_CLI_EXIT_OK;
        }
      if (g_error_matches (error, UB_ERROR, UB_ERROR_INVALID_DATA))
        ub_cli_error (_("%s; remove it to count from the start"), error->message);
      else
        ub_cli_error ("%s: %s", name, error->message);
      return UB_CLI_EXIT_FAILURE;
    }

  if (!ub_primes_count_checkpoint_parse (value, &saved_from, &saved_to, &array))
    {
      ub_cli_error (_("%s: not a checkpoint of primes count (it holds “%s”)"),
                    name, g_variant_get_type_string (value));
      return UB_CLI_EXIT_FAILURE;
    }

  if (saved_from != from || saved_to != to)
    {
      ub_cli_error (_("%s: this checkpoint counts from %llu to %llu, not from %llu to %llu"),
                    name, (unsigned long long) saved_from, (unsigned long long) saved_to,
                    (unsigned long long) from, (unsigned long long) to);
      return UB_CLI_EXIT_USAGE;
    }

  /* The parts must tile [from, to] exactly, in order. */
  n = g_variant_n_children (array);
  if (n == 0 || n > MAX_PARTS)
    {
      ub_cli_error (_("%s: damaged checkpoint: %lu parts"), name, (unsigned long) n);
      return UB_CLI_EXIT_FAILURE;
    }

  records = g_new0 (UbPrimesRecord, n);
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr(GVariant) record = g_variant_get_child_value (array, i);

      if (!ub_primes_record_from_variant (record, &records[i], &error))
        {
          ub_cli_error (_("%s: damaged checkpoint: %s"), name, error->message);
          return UB_CLI_EXIT_FAILURE;
        }
      if ((i == 0 && records[i].from != from) ||
          (i > 0 && (records[i - 1].to == G_MAXUINT64 ||
                     records[i].from != records[i - 1].to + 1)) ||
          (i == n - 1 && records[i].to != to))
        {
          ub_cli_error (_("%s: damaged checkpoint: its parts do not cover the range"), name);
          return UB_CLI_EXIT_FAILURE;
        }
    }

  *parts = g_steal_pointer (&records);
  *n_parts = (guint) n;
  return UB_CLI_EXIT_OK;
}

static int
run_primes (guint64     from,
            guint64     to,
            guint       n_threads,
            const char *list_path,
            const char *checkpoint)
{
  g_autoptr(UbWorkerPool) pool = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainContext) context = g_main_context_new ();
  PrimesRun run = { 0 };
  guint64 count = 0;
  guint n_pending = 0;
  int status = UB_CLI_EXIT_OK;
  GSource *tick = NULL;
  static const int signums[] = { SIGINT, SIGTERM, SIGHUP };
  static const GSourceFunc on_signal[] = { on_sigint, on_sigterm, on_sighup };
  GSource *signals[3] = { NULL, NULL, NULL };

  run.checkpoint = checkpoint;
  run.from = from;
  run.to = to;

  if (checkpoint != NULL)
    {
      status = load_checkpoint (checkpoint, from, to, &run.parts, &run.n_parts);
      if (status != UB_CLI_EXIT_OK)
        return status;
    }

  if (run.parts == NULL)
    {
      g_autofree UbPrimesRange *ranges = ub_primes_split (from, to, n_threads, &run.n_parts);

      run.parts = g_new0 (UbPrimesRecord, run.n_parts);
      for (guint i = 0; i < run.n_parts; i++)
        ub_primes_record_init (&run.parts[i], ranges[i].from, ranges[i].to);
    }

  for (guint i = 0; i < run.n_parts; i++)
    if (!run.parts[i].done)
      n_pending++;

  /* Written before any work, so a FILE that cannot be written fails now. */
  if (checkpoint != NULL && !save_checkpoint (&run, &error))
    {
      ub_cli_error ("%s", error->message);
      g_free (run.parts);
      return UB_CLI_EXIT_FAILURE;
    }

  g_main_context_push_thread_default (context);

  run.total = to - from == G_MAXUINT64 ? G_MAXUINT64 : to - from + 1;
  run.show_progress = list_path == NULL && isatty (STDERR_FILENO);
  run.started = g_get_monotonic_time ();
  run.loop = g_main_loop_new (context, FALSE);

  if (n_pending > 0)
    {
      pool = ub_worker_pool_new (UB_JOB_WORKER_KIND, n_pending, &error);
      if (pool == NULL)
        {
          ub_cli_error ("%s", error->message);
          status = UB_CLI_EXIT_FAILURE;
          goto out;
        }
    }

  for (guint i = 0; i < run.n_parts; i++)
    {
      PartCall *call;

      if (run.parts[i].done)
        continue;

      call = g_new0 (PartCall, 1);
      call->run = &run;
      call->part = i;
      run.n_running++;
      ub_worker_pool_call_async (pool, UB_PRIMES_JOB_RUN,
                                 ub_primes_run_params_new (&run.parts[i], list_path != NULL,
                                                           list_path, 0, NULL),
                                 NULL, on_progress, call, NULL, on_done, call);
    }

  if (checkpoint != NULL)
    {
      tick = g_timeout_source_new (checkpoint_interval ());
      g_source_set_callback (tick, on_checkpoint_tick, &run, NULL);
      g_source_attach (tick, context);
      for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
        {
          if (ub_cli_signal_is_ignored (signums[i]))
            continue;
          signals[i] = g_unix_signal_source_new (signums[i]);
          g_source_set_callback (signals[i], on_signal[i], &run, NULL);
          g_source_attach (signals[i], context);
        }
    }

  if (run.n_running > 0)
    g_main_loop_run (run.loop);

  /* Join every worker before leaving: threads still running at exit
   * would be cut off mid-flight. */
  if (pool != NULL)
    ub_worker_pool_terminate (pool);
  ub_runtime_wait_for_threads (10 * G_USEC_PER_SEC);

  if (run.error != NULL || run.interrupted)
    {
      /* Keep what was done: the next run resumes from here. */
      if (checkpoint != NULL && !save_checkpoint (&run, &error))
        ub_cli_error ("%s", error->message);
      else if (checkpoint != NULL && run.interrupted)
        ub_cli_error (_("interrupted; progress saved in %s"), checkpoint);
      if (run.error != NULL)
        ub_cli_error ("%s", run.error->message);
      /* Interrupted: 128 + the signal, as a shell expects. */
      status = run.error == NULL && run.interrupted ? 128 + run.interrupted_by
                                                    : UB_CLI_EXIT_FAILURE;
      goto out;
    }

  for (guint i = 0; i < run.n_parts; i++)
    count += run.parts[i].count;

  print_progress (&run, TRUE);
  if (list_path == NULL)
    printf ("%" G_GUINT64_FORMAT "\n", count);

  if (!ub_cli_flush_stdout ())
    {
      status = UB_CLI_EXIT_FAILURE;
      goto out;
    }

  /* Done: a finished count leaves no checkpoint behind. */
  if (checkpoint != NULL && !ub_store_remove_file (checkpoint, &error))
    {
      ub_cli_error ("%s", error->message);
      status = UB_CLI_EXIT_FAILURE;
    }

out:
  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    if (signals[i] != NULL)
      {
        g_source_destroy (signals[i]);
        g_source_unref (signals[i]);
      }
  if (tick != NULL)
    {
      g_source_destroy (tick);
      g_source_unref (tick);
    }
  g_clear_error (&run.error);
  g_main_loop_unref (run.loop);
  g_free (run.parts);
  g_main_context_pop_thread_default (context);
  return status;
}

static gboolean
parse_threads (const char *text,
               guint      *n_threads)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, 1, 256, &value, NULL))
    {
      ub_cli_usage_error ("primes", _("--threads: “%s” is not a number of threads from 1 to 256"), text);
      return FALSE;
    }
  *n_threads = (guint) value;
  return TRUE;
}

static int
primes_main (int    argc,
             char **argv)
{
  g_autoptr(GPtrArray) positional = g_ptr_array_new ();
  guint n_threads = g_get_num_processors ();
  const char *checkpoint = NULL;
  const char *mode;
  guint64 from = 0;
  guint64 to;

  if (argc < 2)
    return ub_cli_usage_error ("primes", _("count or list?"));

  mode = argv[1];
  if (!g_str_equal (mode, "count") && !g_str_equal (mode, "list"))
    return ub_cli_usage_error ("primes", _("unknown mode “%s”: expected count or list"), mode);

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
            return ub_cli_usage_error ("primes", _("%s needs a number of threads"), arg);
          if (!parse_threads (argv[++i], &n_threads))
            return UB_CLI_EXIT_USAGE;
        }
      else if (g_str_has_prefix (arg, "--checkpoint="))
        {
          checkpoint = arg + strlen ("--checkpoint=");
        }
      else if (g_str_equal (arg, "--checkpoint"))
        {
          if (i + 1 >= argc)
            return ub_cli_usage_error ("primes", _("--checkpoint needs a file"));
          checkpoint = argv[++i];
        }
      else if (arg[0] == '-' && arg[1] == '-')
        return ub_cli_usage_error ("primes", _("unknown option “%s”"), arg);
      else
        {
          /* "-5" is a (bad) number, not an option: let the parser say so. */
          g_ptr_array_add (positional, (gpointer) arg);
        }
    }

  if (g_str_equal (mode, "count") && positional->len == 1)
    {
      if (!parse_bound (positional->pdata[0], C_("primes argument", "TO"), &to))
        return UB_CLI_EXIT_USAGE;
    }
  else if (positional->len == 2)
    {
      if (!parse_bound (positional->pdata[0], C_("primes argument", "FROM"), &from) ||
          !parse_bound (positional->pdata[1], C_("primes argument", "TO"), &to))
        return UB_CLI_EXIT_USAGE;
    }
  else
    return ub_cli_usage_error ("primes", g_str_equal (mode, "count")
                                           ? _("count takes TO, or FROM and TO")
                                           : _("list takes FROM and TO"));

  if (from > to)
    return ub_cli_usage_error ("primes", _("FROM (%llu) is larger than TO (%llu)"),
                               (unsigned long long) from, (unsigned long long) to);

  if (checkpoint != NULL && (checkpoint[0] == '\0' || g_str_equal (mode, "list")))
    return ub_cli_usage_error ("primes", checkpoint[0] == '\0'
                                           ? _("--checkpoint needs a file")
                                           : _("--checkpoint only applies to count"));

  /* A list is written in order by one worker. */
  if (g_str_equal (mode, "list"))
    return run_primes (from, to, 1, "-", NULL);

  return run_primes (from, to, n_threads, NULL, checkpoint);
}

const UbCliCommand ub_cli_primes_command = {
  "primes",
  N_("primes count [FROM] TO [--threads N] [--checkpoint FILE]\n"
     "primes list FROM TO"),
  N_("Count the primes in a range, or list them"),
  N_("count prints how many primes lie in [FROM, TO] (FROM is 0 when left out), with a\n"
     "segmented sieve split between worker threads; on a terminal it shows its progress.\n"
     "list prints each prime in [FROM, TO] on a line of its own, in order.\n"
     "\n"
     "Options:\n"
     "  -t, --threads N        split the count between N workers, 1 to 256\n"
     "                         (default: one per processor)\n"
     "  --checkpoint FILE      save the count's progress to FILE at most once a second,\n"
     "                         and on Ctrl+C; if FILE exists, go on from it (the range\n"
     "                         must match; one this installation did not write is\n"
     "                         not trusted: the count starts over); FILE is removed\n"
     "                         when the count completes\n"
     "  -h, --help             show this help\n"),
  UB_NUMBER_GRAMMAR,
  primes_main,
};
