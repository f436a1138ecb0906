/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-channels-page.h"
#include "ub-data-jobs.h"
#include "ub-data-page.h"
#include "ub-images-page.h"
#include "ub-job.h"
#include "ub-pipeline.h"
#include "ub-png-jobs.h"
#include "ub-primes-page.h"
#include "ub-resume-bar.h"
#include "ub-run-manager.h"
#include "ub-state.h"
#include "ub-store.h"
#include "ub-test-files.h"
#include "ub-test-gtk.h"
#include "ub-test-pipeline.h"

/*
 * Reload (F5) rebuilds the window; the runs belong to the application,
 * so they carry on: the new page shows the very same run, in the very
 * same workers (so the same threads), whose progress keeps growing,
 * without a pause, a checkpoint or a restore in between, and without
 * offering to resume work that never stopped.
 */

typedef struct
{
  UbRun    *run;
  UbWorker *workers[8];
  guint     n_workers;
  guint     n_launches;
  guint64   done;
} Snapshot;

static void
snapshot_take (Snapshot *snapshot,
               UbRun    *run)
{
  UbWorkerPool *pool = ub_run_get_pool (run);

  g_assert_nonnull (pool);
  snapshot->run = run;
  snapshot->n_workers = MIN (ub_worker_pool_get_n_workers (pool), G_N_ELEMENTS (snapshot->workers));
  for (guint i = 0; i < snapshot->n_workers; i++)
    snapshot->workers[i] = ub_worker_pool_get_worker (pool, i);
  snapshot->n_launches = ub_run_get_n_launches (run);
  snapshot->done = ub_run_get_done (run);
}

static gboolean
run_made_progress (gpointer user_data)
{
  return ub_run_get_done (user_data) > 0;
}

typedef struct
{
  UbRun   *run;
  guint64  beyond;
} Beyond;

static gboolean
run_went_beyond (gpointer user_data)
{
  Beyond *beyond = user_data;

  return ub_run_get_done (beyond->run) > beyond->beyond;
}

static gboolean
new_window_shown (gpointer user_data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (ub_test_gtk_get_app ()));

  return window != NULL && window != user_data;
}

static gboolean
is_offering (GtkWidget *page,
             GType      type)
{
  GObject *bar = gtk_widget_get_template_child (page, type, "resume_bar");

  return ub_resume_bar_is_offered (UB_RESUME_BAR (bar));
}

/* Reloads the window of @page_name while its run goes on, and checks that
 * the new page took the run over untouched. */
static void
reload_and_check (const char *page_name,
                  GType       page_type)
{
  UbWindow *window = ub_test_gtk_get_window ();
  GtkWidget *page = ub_window_get_page (window, page_name);
  UbRun *run = ub_page_get_run (UB_PAGE (page));
  g_autoptr(UbRun) keep = g_object_ref (run);
  Snapshot before, after;
  Beyond beyond;

  g_assert_true (ub_test_gtk_run_until (run_made_progress, run, 60000));
  snapshot_take (&before, run);
  g_assert_cmpuint (before.n_launches, ==, 1);

  g_action_group_activate_action (G_ACTION_GROUP (ub_test_gtk_get_app ()), "reload", NULL);
  g_assert_true (ub_test_gtk_run_until (new_window_shown, window, 10000));
  window = UB_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (ub_test_gtk_get_app ())));
  page = ub_window_get_page (window, page_name);

  /* At once, before any reply: the same run, running, where it was. */
  g_assert_true (ub_page_get_run (UB_PAGE (page)) == run);
  g_assert_cmpint (ub_run_get_state (run), ==, UB_RUN_RUNNING);
  g_assert_true (ub_page_is_busy (UB_PAGE (page)));
  g_assert_false (is_offering (page, page_type));
  snapshot_take (&after, run);
  g_assert_cmpuint (after.n_workers, ==, before.n_workers);
  for (guint i = 0; i < before.n_workers; i++)
    g_assert_true (after.workers[i] == before.workers[i]);
  g_assert_cmpuint (after.n_launches, ==, 1);
  g_assert_cmpuint (after.done, >=, before.done);

  /* And it keeps going in them. */
  beyond.run = run;
  beyond.beyond = after.done;
  g_assert_true (ub_test_gtk_run_until (run_went_beyond, &beyond, 60000));
  g_assert_cmpuint (ub_run_get_n_launches (run), ==, 1);
  for (guint i = 0; i < before.n_workers; i++)
    g_assert_true (ub_worker_pool_get_worker (ub_run_get_pool (run), i) == before.workers[i]);

  g_action_group_activate_action (G_ACTION_GROUP (window), "cancel", NULL);
  g_assert_cmpint (ub_run_get_state (run), ==, UB_RUN_CANCELLED);
}

static void
test_reload_primes (void)
{
  UbWindow *window;
  UbPrimesPage *page;

  if (!ub_test_gtk_have_display ())
    return;

  window = ub_test_gtk_new_window ();
  page = UB_PRIMES_PAGE (ub_window_get_page (window, "primes"));
  /* Minutes of work: it is cancelled once the checks are done. */
  ub_primes_page_set_input (page, "1e13", "2e13", FALSE, 2);
  g_action_group_activate_action (G_ACTION_GROUP (window), "start", NULL);

  reload_and_check ("primes", UB_TYPE_PRIMES_PAGE);
}

static gboolean
page_shows_done (gpointer user_data)
{
  return ub_run_get_state (user_data) == UB_RUN_DONE;
}

/* Blocking mode: the run holds the main thread until it is over, so a
 * reload comes after it; the new page shows the very run, done, and
 * nothing runs again. */
static void
test_reload_blocking (void)
{
  UbJobBlockingStats before, after;
  UbWindow *window;
  GtkWidget *page;
  UbRun *run;
  g_autoptr(UbRun) keep = NULL;

  if (!ub_test_gtk_have_display ())
    return;

  window = ub_test_gtk_new_window ();
  ub_test_gtk_set_blocking (TRUE);
  page = ub_window_get_page (window, "primes");
  ub_primes_page_set_input (UB_PRIMES_PAGE (page), "0", "2e7", FALSE, 2);

  ub_job_get_blocking_stats (&before);
  g_action_group_activate_action (G_ACTION_GROUP (window), "start", NULL);
  ub_job_get_blocking_stats (&after);
  run = ub_page_get_run (UB_PAGE (page));
  g_assert_nonnull (run);
  keep = g_object_ref (run);
  /* Over when start returns: the job calls ran here. */
  g_assert_cmpint (ub_run_get_state (run), ==, UB_RUN_DONE);
  g_assert_true (ub_run_get_blocking (run));
  g_assert_cmpuint (after.n_calls, >, before.n_calls);
  g_assert_cmpuint (ub_run_get_n_launches (run), ==, 1);
  /* The run's saved state is forgotten by a write still queued: the
   * reloaded page must read that, not what an earlier test left. */

  g_action_group_activate_action (G_ACTION_GROUP (ub_test_gtk_get_app ()), "reload", NULL);
  g_assert_true (ub_test_gtk_run_until (new_window_shown, window, 10000));
  window = UB_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (ub_test_gtk_get_app ())));
  page = ub_window_get_page (window, "primes");

  g_assert_true (ub_page_get_run (UB_PAGE (page)) == run);
  g_assert_true (ub_test_gtk_run_until (page_shows_done, run, 1000));
  g_assert_false (ub_page_is_busy (UB_PAGE (page)));
  g_assert_false (is_offering (page, UB_TYPE_PRIMES_PAGE));
  g_assert_cmpuint (ub_run_get_n_launches (run), ==, 1);
  ub_job_get_blocking_stats (&before);
  g_assert_cmpuint (before.n_calls, ==, after.n_calls);
  ub_test_gtk_set_blocking (FALSE);
}

/* The Data page's jobs: "data.run" hashing or encoding a file, and
 * "data.random" writing a random input before it. */
static void
reload_data_during (UbDataMode mode,
                    guint      random_mib)
{
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  UbWindow *window;
  UbDataPage *page;

  if (!ub_test_gtk_have_display ())
    return;

  /* 64 GiB of holes takes long enough and needs no disk to read. */
  if (random_mib == 0)
    {
      path = ub_test_make_holes ((gint64) 64 << 30);
      dir = g_path_get_dirname (path);
    }

  window = ub_test_gtk_new_window ();
  g_action_group_activate_action (G_ACTION_GROUP (window), "show-page", g_variant_new_string ("data"));
  page = UB_DATA_PAGE (ub_window_get_page (window, "data"));
  ub_data_page_set_input (page, path, random_mib, mode);
  g_action_group_activate_action (G_ACTION_GROUP (window), "start", NULL);
  /* 4 GiB of random input takes seconds to write: the reload comes
   * while it is written. */
  if (random_mib > 0)
    g_assert_cmpint (ub_data_page_get_state (page), ==, UB_DATA_PAGE_GENERATING);

  reload_and_check ("data", UB_TYPE_DATA_PAGE);

  if (dir != NULL)
    ub_test_remove_tree (dir);
}

static void
test_reload_data (void)
{
  reload_data_during (UB_DATA_MODE_SHA256, 0);
}

static void
test_reload_encode (void)
{
  reload_data_during (UB_DATA_MODE_BASE64_ENCODE, 0);
}

static void
test_reload_random (void)
{
  reload_data_during (UB_DATA_MODE_SHA256, 4096);
}

/* The pages whose work is not a run hand it over to the next window's
 * page: the Images page its workers and the samples they write, the
 * Channels page its pipeline. */

#define GALLERY_N    48
#define GALLERY_SIZE 1024
#define PIPELINE_N   48
#define PIPELINE_SIZE 512

static GtkWidget *
reload_window (UbWindow   *window,
               const char *page_name)
{
  g_action_group_activate_action (G_ACTION_GROUP (ub_test_gtk_get_app ()), "reload", NULL);
  g_assert_true (ub_test_gtk_run_until (new_window_shown, window, 10000));
  window = UB_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (ub_test_gtk_get_app ())));
  g_assert_cmpstr (ub_window_get_visible_page_name (window), ==, page_name);
  return ub_window_get_page (window, page_name);
}

static guint
samples_left (GtkWidget *page)
{
  UbImagesPageStats stats;

  ub_images_page_get_stats (UB_IMAGES_PAGE (page), &stats);
  return stats.n_generating;
}

static gboolean
some_samples_written (gpointer user_data)
{
  return samples_left (user_data) < GALLERY_N;
}

static gboolean
gallery_complete (gpointer user_data)
{
  UbImagesPageStats stats;

  ub_images_page_get_stats (user_data, &stats);
  return stats.n_generating == 0 && stats.thumbnails.n_decoded > 0 &&
         g_list_model_get_n_items (ub_images_page_get_model (user_data)) == GALLERY_N;
}

static void
test_reload_images (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(UbWorkerPool) pool = NULL;
  g_autoptr(GPtrArray) workers = g_ptr_array_new_with_free_func (g_object_unref);
  UbWindow *window;
  GtkWidget *page;
  guint n_shown, n_left;

  if (!ub_test_gtk_have_display ())
    return;

  dir = g_dir_make_tmp ("unblock-reload-XXXXXX", NULL);
  window = ub_test_gtk_new_window ();
  ub_window_show_page (window, "images");
  page = ub_window_get_page (window, "images");
  ub_images_page_generate_samples (UB_IMAGES_PAGE (page), dir, GALLERY_N, GALLERY_SIZE);
  pool = g_object_ref (ub_images_page_get_pool (UB_IMAGES_PAGE (page)));
  for (guint i = 0; i < ub_worker_pool_get_n_workers (pool); i++)
    g_ptr_array_add (workers, g_object_ref (ub_worker_pool_get_worker (pool, i)));
  g_assert_true (ub_test_gtk_run_until (some_samples_written, page, 60000));
  n_left = samples_left (page);
  n_shown = g_list_model_get_n_items (ub_images_page_get_model (UB_IMAGES_PAGE (page)));
  g_test_message ("reloading with %u of %u samples left to write", n_left, GALLERY_N);

  page = reload_window (window, "images");

  /* At once: the same workers, the gallery as it was. */
  g_assert_true (ub_images_page_get_pool (UB_IMAGES_PAGE (page)) == pool);
  g_assert_cmpuint (ub_worker_pool_get_n_workers (pool), ==, workers->len);
  for (guint i = 0; i < workers->len; i++)
    g_assert_true (ub_worker_pool_get_worker (pool, i) == workers->pdata[i]);
  g_assert_cmpuint (g_list_model_get_n_items (ub_images_page_get_model (UB_IMAGES_PAGE (page))),
                    >=, n_shown);
  g_assert_cmpuint (samples_left (page), <=, n_left);

  /* The samples left are written, and the thumbnails decoded, in them. */
  g_assert_true (ub_test_gtk_run_until (gallery_complete, page, 120000));
  g_assert_null (ub_images_page_get_error (UB_IMAGES_PAGE (page)));
  g_assert_true (ub_images_page_get_pool (UB_IMAGES_PAGE (page)) == pool);
  for (guint i = 0; i < workers->len; i++)
    g_assert_true (ub_worker_pool_get_worker (pool, i) == workers->pdata[i]);
  for (guint i = 0; i < GALLERY_N; i++)
    {
      g_autoptr(UbImageItem) item = g_list_model_get_item (ub_images_page_get_model (UB_IMAGES_PAGE (page)), i);
      g_autoptr(GVariant) reply = NULL;
      g_autoptr(GError) error = NULL;

      /* Whole images, each once. */
      reply = ub_job_run_sync (UB_PNG_JOB_THUMBNAIL,
                               ub_png_thumbnail_params_new (ub_image_item_get_path (item), 64),
                               NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      if (i > 0)
        {
          g_autoptr(UbImageItem) last = g_list_model_get_item (ub_images_page_get_model (UB_IMAGES_PAGE (page)), i - 1);

          g_assert_cmpstr (ub_image_item_get_path (last), <, ub_image_item_get_path (item));
        }
    }

  ub_test_remove_tree (dir);
}

typedef struct
{
  GtkWidget *page;
  guint      n;
} Arrivals;

static gboolean
all_arrived (gpointer user_data)
{
  Arrivals *arrivals = user_data;
  guint n;

  ub_channels_page_get_arrivals (UB_CHANNELS_PAGE (arrivals->page), &n);
  return n >= arrivals->n;
}

static void
test_reload_channels (void)
{
  g_autofree char *dir = NULL;
  g_auto(GStrv) paths = NULL;
  g_autoptr(UbPipeline) pipeline = NULL;
  g_autofree gboolean *seen = g_new0 (gboolean, PIPELINE_N);
  UbPipelineStats stats;
  const guint *order;
  guint n_before, n_after;
  Arrivals arrivals;
  UbWindow *window;
  GtkWidget *page;

  if (!ub_test_gtk_have_display ())
    return;

  dir = g_dir_make_tmp ("unblock-reload-XXXXXX", NULL);
  paths = ub_test_write_samples (dir, "reload", PIPELINE_N, PIPELINE_SIZE, 7);
  window = ub_test_gtk_new_window ();
  ub_window_show_page (window, "channels");
  page = ub_window_get_page (window, "channels");
  ub_channels_page_run_files (UB_CHANNELS_PAGE (page), (const char * const *) paths);
  pipeline = g_object_ref (ub_channels_page_get_pipeline (UB_CHANNELS_PAGE (page)));
  /* Paused, so that work is left for after the reload on any CPU. */
  ub_page_toggle_pause (UB_PAGE (page));
  g_assert_true (ub_channels_page_is_paused (UB_CHANNELS_PAGE (page)));
  ub_channels_page_get_arrivals (UB_CHANNELS_PAGE (page), &n_before);

  page = reload_window (window, "channels");

  /* At once: the same pipeline, paused, with the results it had. */
  g_assert_true (ub_channels_page_get_pipeline (UB_CHANNELS_PAGE (page)) == pipeline);
  g_assert_true (ub_channels_page_is_paused (UB_CHANNELS_PAGE (page)));
  ub_channels_page_get_arrivals (UB_CHANNELS_PAGE (page), &n_after);
  g_assert_cmpuint (n_after, >=, n_before);
  g_test_message ("reloaded with %u of %u results back", n_after, PIPELINE_N);

  /* Resumed, it finishes in the same workers: every image, once. */
  ub_page_toggle_pause (UB_PAGE (page));
  arrivals.page = page;
  arrivals.n = PIPELINE_N;
  g_assert_true (ub_test_gtk_run_until (all_arrived, &arrivals, 120000));
  g_assert_true (ub_channels_page_get_pipeline (UB_CHANNELS_PAGE (page)) == pipeline);
  g_assert_null (ub_channels_page_get_error (UB_CHANNELS_PAGE (page)));
  order = ub_channels_page_get_arrivals (UB_CHANNELS_PAGE (page), &n_after);
  g_assert_cmpuint (n_after, ==, PIPELINE_N);
  for (guint i = 0; i < n_after; i++)
    {
      g_assert_cmpuint (order[i], <, PIPELINE_N);
      g_assert_false (seen[order[i]]);
      seen[order[i]] = TRUE;
    }
  ub_pipeline_get_stats (pipeline, &stats);
  g_assert_cmpuint (stats.n_posted, ==, PIPELINE_N);
  g_assert_cmpuint (stats.n_results, ==, PIPELINE_N);
  g_assert_cmpuint (stats.n_errors, ==, 0);

  ub_test_remove_tree (dir);
}

static gboolean
no_window (gpointer user_data)
{
  return gtk_application_get_windows (GTK_APPLICATION (ub_test_gtk_get_app ())) == NULL;
}

/* Quits (Ctrl+Q) while the page @page_name runs, as started by
 * @start, then checks the next window offers the work, once: a reload
 * does not offer it again, and keeps it saved. */
static void
offer_once (const char *page_name,
            GType       page_type,
            void      (*start) (GtkWidget *page, const char *path),
            const char *saved_key)
{
  g_autofree char *path = ub_test_make_holes ((gint64) 64 << 30);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GVariant) saved = NULL;
  UbWindow *window;
  GtkWidget *page;

  window = ub_test_gtk_new_window ();
  ub_window_show_page (window, page_name);
  page = ub_window_get_page (window, page_name);
  start (page, path);
  g_action_group_activate_action (G_ACTION_GROUP (window), "start", NULL);
  g_assert_true (ub_test_gtk_run_until (run_made_progress, ub_page_get_run (UB_PAGE (page)), 60000));
  g_action_group_activate_action (G_ACTION_GROUP (ub_test_gtk_get_app ()), "quit", NULL);
  g_assert_true (ub_test_gtk_run_until (no_window, NULL, 10000));

  /* The next window offers it, and a reload does not offer it again. */
  window = ub_test_gtk_get_window ();
  page = ub_window_get_page (window, page_name);
  g_assert_null (ub_page_get_run (UB_PAGE (page)));
  g_assert_true (is_offering (page, page_type));

  g_action_group_activate_action (G_ACTION_GROUP (ub_test_gtk_get_app ()), "reload", NULL);
  g_assert_true (ub_test_gtk_run_until (new_window_shown, window, 10000));
  window = UB_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (ub_test_gtk_get_app ())));
  page = ub_window_get_page (window, page_name);
  g_assert_false (is_offering (page, page_type));
  g_assert_null (ub_page_get_run (UB_PAGE (page)));
  saved = ub_store_dup (ub_store_get_default (), saved_key);
  g_assert_nonnull (saved);

  ub_test_remove_tree (dir);
}

static void
start_count (GtkWidget  *page,
             const char *path)
{
  ub_primes_page_set_input (UB_PRIMES_PAGE (page), "1e13", "2e13", FALSE, 1);
}

static void
start_hash (GtkWidget  *page,
            const char *path)
{
  ub_data_page_set_input (UB_DATA_PAGE (page), path, 0, UB_DATA_MODE_SHA256);
}

static void
test_offer_once (void)
{
  if (!ub_test_gtk_have_display ())
    return;

  offer_once ("primes", UB_TYPE_PRIMES_PAGE, start_count, "primes.job");
}

static void
test_offer_once_data (void)
{
  if (!ub_test_gtk_have_display ())
    return;

  offer_once ("data", UB_TYPE_DATA_PAGE, start_hash, UB_DATA_JOBS_STATE_KEY);
}

int
main (int    argc,
      char **argv)
{
  ub_test_gtk_init (&argc, &argv);

  g_test_summary ("Reload keeps the runs, their workers and their progress; saved work is offered once");

  g_test_add_func ("/reload/primes/same-run-same-workers", test_reload_primes);
  g_test_add_func ("/reload/data/same-run-same-worker", test_reload_data);
  g_test_add_func ("/reload/data/encode", test_reload_encode);
  g_test_add_func ("/reload/data/random-input", test_reload_random);
  g_test_add_func ("/reload/images/same-workers", test_reload_images);
  g_test_add_func ("/reload/channels/same-pipeline", test_reload_channels);
  g_test_add_func ("/reload/primes/blocking", test_reload_blocking);
  g_test_add_func ("/reload/offer-once", test_offer_once);
  g_test_add_func ("/reload/data/offer-once", test_offer_once_data);

  return g_test_run ();
}
