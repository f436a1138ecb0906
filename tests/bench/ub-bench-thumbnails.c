/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "ub-bench-commands.h"
#include "ub-test-files.h"
#include "ub-job.h"
#include "ub-jobs.h"
#include "ub-png-jobs.h"
#include "ub-png-thumbnail-cache.h"
#include "ub-worker-pool.h"

/*
 * thumbnails: a folder of photo-like PNGs thumbnailed to 256 px through
 * the gallery's own path (png.thumbnail on a pool of workers), against
 * vipsthumbnail on the same files with as many processes as we have
 * workers. Each round starts from an empty thumbnail cache ("cold") and
 * then opens the folder again ("warm": the desktop cache answers, nothing
 * is decoded). The page cache is warm for both. Rounds alternate which
 * side goes first.
 */

#define THUMBNAIL_SIZE 256

/* CPU seconds of this process, or of its reaped children. */
static double
cpu_seconds (int who)
{
  struct rusage usage;

  getrusage (who, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

typedef struct
{
  UbWorkerPool *pool;
  GPtrArray    *paths;
  guint         next;       /* next path to send */
  guint         n_done;
  guint         n_failed;
  guint         max_side;   /* largest side of any thumbnail seen */
  GError       *error;      /* first failure */
} Run;

static void send_next (Run *run);

static void
on_thumbnail (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = ub_worker_pool_call_finish (UB_WORKER_POOL (object), result, &error);

  run->n_done++;
  if (reply == NULL)
    {
      run->n_failed++;
      if (run->error == NULL)
        run->error = g_steal_pointer (&error);
    }
  else
    {
      guint32 width = 0, height = 0;

      ub_png_thumbnail_result_parse (reply, &width, &height, NULL, NULL, NULL);
      run->max_side = MAX (run->max_side, MAX (width, height));
    }
  send_next (run);
}

static void
send_next (Run *run)
{
  const char *path;

  if (run->next >= run->paths->len)
    return;

  path = g_ptr_array_index (run->paths, run->next++);
  ub_worker_pool_call_async (run->pool, UB_PNG_JOB_THUMBNAIL,
                             ub_png_thumbnail_params_new (path, THUMBNAIL_SIZE),
                             NULL, NULL, NULL, NULL, on_thumbnail, run);
}

/* Keeps a few calls in flight per worker, as the gallery does. */
static double
run_ours (UbWorkerPool *pool,
          GPtrArray    *paths,
          const char   *cache_root,
          double       *cpu)
{
  Run run = { pool, paths, 0, 0, 0, 0, NULL };
  guint window = 4 * ub_worker_pool_get_n_workers (pool);
  double start = ub_bench_now ();
  double cpu_start = cpu_seconds (RUSAGE_SELF);

  ub_png_jobs_set_thumbnail_cache (cache_root);
  for (guint i = 0; i < window; i++)
    send_next (&run);
  while (run.n_done < paths->len)
    g_main_context_iteration (NULL, TRUE);

  if (run.n_failed > 0)
    g_error ("%u thumbnails failed, the first: %s", run.n_failed, run.error->message);
  if (run.max_side != THUMBNAIL_SIZE)
    g_error ("thumbnails should be %d px at most, not %u", THUMBNAIL_SIZE, run.max_side);
  if (cpu != NULL)
    *cpu = cpu_seconds (RUSAGE_SELF) - cpu_start;
  return ub_bench_now () - start;
}

static guint
count_files (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  guint n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* vipsthumbnail in @n_processes processes, each given a share of the
 * files, all writing PNGs into @out. */
static double
run_vips (const char *vips,
          GPtrArray  *paths,
          guint       n_processes,
          const char *out,
          double     *cpu)
{
  g_autofree GPid *pids = g_new0 (GPid, n_processes);
  g_autofree char *pattern = g_build_filename (out, "%s.png", NULL);
  double start = ub_bench_now ();
  double cpu_start = cpu_seconds (RUSAGE_CHILDREN);

  for (guint p = 0; p < n_processes; p++)
    {
      g_autoptr(GPtrArray) argv = g_ptr_array_new ();
      g_autoptr(GError) error = NULL;

      g_ptr_array_add (argv, (char *) vips);
      g_ptr_array_add (argv, (char *) "--size");
      g_ptr_array_add (argv, (char *) G_STRINGIFY (THUMBNAIL_SIZE));
      g_ptr_array_add (argv, (char *) "-o");
      g_ptr_array_add (argv, pattern);
      for (guint i = p; i < paths->len; i += n_processes)
        g_ptr_array_add (argv, g_ptr_array_index (paths, i));
      g_ptr_array_add (argv, NULL);

      if (!g_spawn_async (NULL, (char **) argv->pdata, NULL,
                          G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                          NULL, NULL, &pids[p], &error))
        g_error ("cannot run %s: %s", vips, error->message);
    }

  for (guint p = 0; p < n_processes; p++)
    {
      int status;
      g_autoptr(GError) error = NULL;

      while (waitpid (pids[p], &status, 0) < 0 && errno == EINTR)
        ;
      if (!g_spawn_check_wait_status (status, &error))
        g_error ("vipsthumbnail failed: %s", error->message);
      g_spawn_close_pid (pids[p]);
    }

  if (count_files (out) != paths->len)
    g_error ("vipsthumbnail wrote %u thumbnails for %u files", count_files (out), paths->len);
  *cpu = cpu_seconds (RUSAGE_CHILDREN) - cpu_start;
  return ub_bench_now () - start;
}

/* Resets the peak RSS the kernel reports, so that what follows is
 * measured alone. Returns FALSE where the kernel does not offer it. */
static gboolean
reset_peak_rss (void)
{
  int fd = g_open ("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC, 0);
  gboolean done;

  if (fd < 0)
    return FALSE;
  done = write (fd, "5", 1) == 1;
  close (fd);
  return done;
}

static gsize
peak_rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, "VmHWM:")) == NULL)
    return ub_bench_peak_rss_kib ();
  return (gsize) g_ascii_strtoull (line + strlen ("VmHWM:"), NULL, 10);
}

static gboolean
make_folder (UbWorkerPool *pool,
             const char   *folder,
             guint         n_files,
             guint         width,
             guint         height,
             GPtrArray    *paths,
             GError      **error)
{
  if (g_mkdir_with_parents (folder, 0755) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot create %s: %s", folder, g_strerror (saved_errno));
      return FALSE;
    }

  for (guint i = 0; i < n_files; i++)
    {
      g_autofree char *name = g_strdup_printf ("photo-%05u.png", i);
      char *path = g_build_filename (folder, name, NULL);

      g_ptr_array_add (paths, path);
      /* Kept between runs: making 10 000 images takes a while. */
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        {
          g_autoptr(GVariant) reply = NULL;

          reply = ub_job_run_sync (UB_PNG_JOB_SAMPLE,
                                   ub_png_sample_params_new (path, (guint32) width,
                                                             (guint32) height, (guint64) i + 1),
                                   NULL, NULL, NULL, error);
          if (reply == NULL)
            return FALSE;
        }
    }

  return TRUE;
}

static char *
find_vipsthumbnail (void)
{
  return g_find_program_in_path ("vipsthumbnail");
}

int
ub_bench_thumbnails (int    argc,
                     char **argv)
{
  int n_files = 10000, width = 640, height = 480, n_workers = 2;
  g_autofree char *folder = NULL;
  GOptionEntry entries[] = {
    { "files", 'n', 0, G_OPTION_ARG_INT, &n_files, "How many images (10000)", "N" },
    { "width", 0, 0, G_OPTION_ARG_INT, &width, "Their width (640)", "PX" },
    { "height", 0, 0, G_OPTION_ARG_INT, &height, "Their height (480)", "PX" },
    { "workers", 'w', 0, G_OPTION_ARG_INT, &n_workers, "Workers, and vipsthumbnail processes (2)", "N" },
    { "folder", 0, 0, G_OPTION_ARG_FILENAME, &folder, "Where the images are kept between runs", "DIR" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- the gallery's thumbnails vs vipsthumbnail");
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(UbWorkerPool) pool = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *vips = find_vipsthumbnail ();
  g_autofree char *scratch = NULL;
  g_autofree double *cold = NULL;
  g_autofree double *warm = NULL;
  g_autofree double *theirs = NULL;
  g_autofree double *ratios = NULL;
  g_autofree double *cold_cpu = NULL;
  g_autofree double *theirs_cpu = NULL;
  g_autofree double *cpu_ratios = NULL;
  guint rounds = ub_bench_rounds (3);
  gsize cold_rss = 0;
  gboolean rss_reset;
  struct rusage children;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      n_files < 1 || width < 1 || height < 1 || n_workers < 1)
    {
      fprintf (stderr, "unblock-bench thumbnails: %s\n",
               error != NULL ? error->message : "sizes and counts must be positive");
      return 2;
    }

  ub_jobs_register_all ();
  pool = ub_worker_pool_new (UB_JOB_WORKER_KIND, n_workers, &error);
  if (folder == NULL)
    {
      g_autofree char *name = g_strdup_printf ("thumbnails-%dx%d", width, height);

      folder = g_build_filename (g_get_user_cache_dir (), "unblock-bench", name, NULL);
    }
  scratch = g_dir_make_tmp ("unblock-bench-thumbnails-XXXXXX", &error);
  if (pool == NULL || scratch == NULL ||
      !make_folder (pool, folder, n_files, width, height, paths, &error))
    {
      fprintf (stderr, "unblock-bench thumbnails: %s\n", error->message);
      return 1;
    }

  ub_bench_header ("thumbnails: the gallery's png.thumbnail vs vipsthumbnail");
  printf ("%d photo-like PNGs of %d × %d in %s, thumbnails ≤ %d px, %d workers / processes, "
          "%u rounds after a warm-up, %u CPUs\n", n_files, width, height, folder,
          THUMBNAIL_SIZE, n_workers, rounds, g_get_num_processors ());
  if (vips == NULL)
    printf ("vipsthumbnail not installed (Debian: libvips-tools): ratios skipped\n");

  /* Warm-up: the page cache holds the files, the pools their buffers. */
  {
    g_autofree char *root = g_build_filename (scratch, "warm-up", NULL);

    run_ours (pool, paths, root, NULL);
    ub_test_remove_tree (root);
  }

  cold = g_new0 (double, rounds);
  warm = g_new0 (double, rounds);
  theirs = g_new0 (double, rounds);
  ratios = g_new0 (double, rounds);
  cold_cpu = g_new0 (double, rounds);
  theirs_cpu = g_new0 (double, rounds);
  cpu_ratios = g_new0 (double, rounds);

  /* Wall time is what a user waits; CPU time is fairer on a loaded
   * machine, where vipsthumbnail's extra threads win it a larger share. */
  printf ("\n%-7s %9s %9s %9s %10s %11s %11s %10s\n", "round", "cold s", "warm s", "vips s",
          "vips/cold", "cold CPU s", "vips CPU s", "CPU ratio");
  for (guint r = 0; r < rounds; r++)
    {
      g_autofree char *name = g_strdup_printf ("cache-%u", r);
      g_autofree char *root = g_build_filename (scratch, name, NULL);
      g_autofree char *vips_name = g_strdup_printf ("vips-%u", r);
      g_autofree char *out = g_build_filename (scratch, vips_name, NULL);

      g_mkdir_with_parents (out, 0700);
      if (vips != NULL && r % 2 == 1)
        theirs[r] = run_vips (vips, paths, n_workers, out, &theirs_cpu[r]);

      rss_reset = reset_peak_rss ();
      cold[r] = run_ours (pool, paths, root, &cold_cpu[r]);
      if (rss_reset)
        cold_rss = MAX (cold_rss, peak_rss_kib ());
      warm[r] = run_ours (pool, paths, root, NULL);

      if (vips != NULL && r % 2 == 0)
        theirs[r] = run_vips (vips, paths, n_workers, out, &theirs_cpu[r]);

      ratios[r] = vips != NULL ? theirs[r] / cold[r] : 0;
      cpu_ratios[r] = vips != NULL ? theirs_cpu[r] / cold_cpu[r] : 0;
      printf ("%-7u %9.3f %9.3f %9.3f %9.2f× %11.3f %11.3f %9.2f×\n", r + 1, cold[r], warm[r],
              theirs[r], ratios[r], cold_cpu[r], theirs_cpu[r], cpu_ratios[r]);
      ub_test_remove_tree (root);
      ub_test_remove_tree (out);
    }
  ub_png_jobs_set_thumbnail_cache (NULL);

  printf ("\n%-34s %10s %10s\n", "median", "images/s", "ms/image");
  printf ("%-34s %10.1f %10.3f\n", "ours, cold thumbnail cache", n_files / ub_bench_median (cold, rounds),
          1000 * ub_bench_median (cold, rounds) / n_files);
  printf ("%-34s %10.1f %10.3f\n", "ours, warm (nothing decoded)", n_files / ub_bench_median (warm, rounds),
          1000 * ub_bench_median (warm, rounds) / n_files);
  if (vips != NULL)
    {
      double ratio = ub_bench_median (ratios, rounds);

      printf ("%-34s %10.1f %10.3f\n", "vipsthumbnail", n_files / ub_bench_median (theirs, rounds),
              1000 * ub_bench_median (theirs, rounds) / n_files);
      printf ("\ncold ratio (vipsthumbnail time / ours), median of per-round ratios: %.2f× "
              "[%.2f–%.2f]\n", ratio, ub_bench_percentile (ratios, rounds, 0),
              ub_bench_percentile (ratios, rounds, 100));
      printf ("cold CPU-time ratio (vipsthumbnail / ours): %.2f× [%.2f–%.2f]\n",
              ub_bench_median (cpu_ratios, rounds), ub_bench_percentile (cpu_ratios, rounds, 0),
              ub_bench_percentile (cpu_ratios, rounds, 100));
      printf ("target: ≥ 1.50× wall time: %s\n", ratio >= 1.5 ? "met" : "NOT met");
    }
  printf ("warm / cold speed-up: %.1f×\n",
          ub_bench_median (cold, rounds) / ub_bench_median (warm, rounds));

  if (cold_rss > 0)
    printf ("peak RSS while thumbnailing %d files cold: %.1f MiB\n", n_files, cold_rss / 1024.0);
  if (getrusage (RUSAGE_CHILDREN, &children) == 0 && vips != NULL)
    printf ("peak RSS of one vipsthumbnail process: %.1f MiB\n", children.ru_maxrss / 1024.0);

  ub_worker_pool_terminate (pool);
  ub_test_remove_tree (scratch);
  return 0;
}
