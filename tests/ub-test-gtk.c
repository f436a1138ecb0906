/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ub-job.h"
#include "ub-jobs.h"
#include "ub-png-jobs.h"
#include "ub-screenshot.h"
#include "ub-state.h"
#include "ub-test-gtk.h"

static gboolean have_display;
static UbApplication *test_app;
static char *test_home;

static int
remove_entry (const char        *path,
              const struct stat *st,
              int                flag,
              struct FTW        *ftw)
{
  return remove (path);
}

static void
remove_test_home (void)
{
  if (test_home != NULL)
    nftw (test_home, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
  g_clear_pointer (&test_home, g_free);
}

/* A test that aborts (a failed assertion, a timeout) never runs its
 * atexit handler, and its home can hold gigabytes of workload input.
 * Homes carry their process's id: those whose process is gone are
 * removed by the next test binary that starts. */
static void
remove_abandoned_homes (void)
{
  g_autoptr(GDir) dir = g_dir_open (g_get_tmp_dir (), 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      guint64 pid;
      char *end;

      if (!g_str_has_prefix (name, "unblock-test-"))
        continue;
      pid = g_ascii_strtoull (name + strlen ("unblock-test-"), &end, 10);
      if (*end != '-' || pid == 0 || pid > G_MAXINT ||
          kill ((pid_t) pid, 0) == 0 || errno != ESRCH)
        continue;

      path = g_build_filename (g_get_tmp_dir (), name, NULL);
      nftw (path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    }
}

/* A private home and XDG user directories, so tests never see or change
 * the user's files. The system data directories are kept: GTK needs the
 * MIME database in them to load the SVG icon, which G_TEST_OPTION_ISOLATE_DIRS
 * would hide. */
static void
isolate_user_dirs (void)
{
  g_autoptr(GError) error = NULL;
  static const char *vars[][2] = {
    { "XDG_CONFIG_HOME", "config" },
    { "XDG_CACHE_HOME", "cache" },
    { "XDG_DATA_HOME", "data" },
    { "XDG_STATE_HOME", "state" },
    { "XDG_RUNTIME_DIR", "runtime" },
  };

  g_autofree char *template = g_strdup_printf ("unblock-test-%d-XXXXXX", (int) getpid ());
  const char *shared = g_getenv ("UB_TEST_SHARED_HOME");

  /* A test that restarts the app in subprocesses gives them its own
   * home: what one start leaves, the next one finds. Its owner removes it. */
  if (shared != NULL && shared[0] != '\0')
    {
      test_home = g_strdup (shared);
      g_setenv ("HOME", test_home, TRUE);
      for (guint i = 0; i < G_N_ELEMENTS (vars); i++)
        {
          g_autofree char *dir = g_build_filename (test_home, vars[i][1], NULL);

          g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
          g_setenv (vars[i][0], dir, TRUE);
        }
      return;
    }

  remove_abandoned_homes ();
  test_home = g_dir_make_tmp (template, &error);
  g_assert_no_error (error);
  g_setenv ("HOME", test_home, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (vars); i++)
    {
      g_autofree char *dir = g_build_filename (test_home, vars[i][1], NULL);

      g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
      g_setenv (vars[i][0], dir, TRUE);
    }
  atexit (remove_test_home);
}

/**
 * ub_test_gtk_init:
 *
 * Initialises GTest and, when a display is available, GTK and a registered
 * UbApplication. Call ub_test_gtk_have_display() in each test and skip it
 * when there is none, so that the binary reports why instead of aborting.
 */
gboolean
ub_test_gtk_init (int    *argc,
                  char ***argv)
{
  isolate_user_dirs ();
  g_test_init (argc, argv, NULL);

  return ub_test_gtk_init_app ();
}

/**
 * ub_test_gtk_init_app:
 *
 * Like ub_test_gtk_init() without GTest: for the UI benchmark. The user
 * directories are private to the process and removed at exit.
 *
 * Returns: whether there is a display (and so an application)
 */
gboolean
ub_test_gtk_init_app (void)
{
  g_autoptr(GError) error = NULL;

  if (test_home == NULL)
    isolate_user_dirs ();

  have_display = gtk_init_check ();
  if (!have_display)
    return FALSE;

  test_app = g_object_new (UB_TYPE_APPLICATION,
                           "application-id", APP_ID ".Test",
                           "resource-base-path", "/io/unblock/Unblock",
                           "flags", G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN,
                           NULL);
  if (!g_application_register (G_APPLICATION (test_app), NULL, &error))
    g_error ("Cannot register the application: %s", error->message);

  return TRUE;
}

gboolean
ub_test_gtk_have_display (void)
{
  if (!have_display)
    g_test_skip ("No display: run under Xvfb (meson test does this through build-aux/headless)");
  return have_display;
}

UbApplication *
ub_test_gtk_get_app (void)
{
  return test_app;
}

static gboolean
state_is_loaded (gpointer user_data)
{
  return ub_state_is_loaded ();
}

/**
 * ub_test_gtk_get_window:
 *
 * Returns: (transfer none): the application's window, presented and
 *   painted, created on first use
 */
UbWindow *
ub_test_gtk_get_window (void)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (test_app));

  if (window == NULL)
    {
      g_application_activate (G_APPLICATION (test_app));
      window = gtk_application_get_active_window (GTK_APPLICATION (test_app));
      g_assert_nonnull (window);
      ub_test_gtk_wait_painted (GTK_WIDGET (window), 3);
      /* The saved state arrives after the window (ub_state_when_loaded()):
       * a test sees the window as a user does once it has. */
      g_assert_true (ub_test_gtk_run_until (state_is_loaded, NULL, 30000));
    }

  return UB_WINDOW (window);
}

/**
 * ub_test_gtk_new_window:
 *
 * Destroys the application's window, if any, and opens a fresh one.
 *
 * Returns: (transfer none): the new window, presented and painted
 */
UbWindow *
ub_test_gtk_new_window (void)
{
  GtkWindow *window;

  while ((window = gtk_application_get_active_window (GTK_APPLICATION (test_app))))
    gtk_window_destroy (window);
  return ub_test_gtk_get_window ();
}

static gboolean
set_flag (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the default main context for @ms milliseconds: used to observe the
 * application over a window of time, never to wait for an event. */
void
ub_test_gtk_run_for_ms (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, set_flag, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
timed_out_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
keep_polling_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* How much longer than on a plain build a wait may take: the sanitizer
 * and valgrind setups (tests/meson.build) stretch every bound at once, as
 * they stretch meson's own timeouts, instead of each test guessing. */
static guint
wait_scale (void)
{
  const char *text = g_getenv ("UB_TEST_WAIT_SCALE");
  guint64 scale = text != NULL ? g_ascii_strtoull (text, NULL, 10) : 1;

  return (guint) CLAMP (scale, 1, 50);
}

/**
 * ub_test_gtk_run_until:
 * @condition: checked after every main-loop iteration
 * @timeout_ms: a generous upper bound, so a broken test fails instead of
 *   hanging; multiplied by `UB_TEST_WAIT_SCALE` under a sanitizer
 *
 * Returns: %TRUE if @condition became true, %FALSE on timeout
 */
gboolean
ub_test_gtk_run_until (gboolean (*condition) (gpointer user_data),
                       gpointer   user_data,
                       guint      timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (MIN ((guint64) timeout_ms * wait_scale (), G_MAXUINT),
                            timed_out_cb, &timed_out);
  /* Some conditions change on other threads without waking this one. */
  guint poll_id = g_timeout_add (10, keep_polling_cb, NULL);

  while (!condition (user_data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (poll_id);
  if (!timed_out)
    g_source_remove (id);

  return !timed_out;
}

static void
painted_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  ub_screenshot_when_painted_finish (GTK_WIDGET (object), result, &error);
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static gboolean
flag_is_set (gpointer user_data)
{
  return *(gboolean *) user_data;
}

void
ub_test_gtk_wait_painted (GtkWidget *widget,
                          guint      n_frames)
{
  gboolean painted = FALSE;

  ub_screenshot_when_painted (widget, n_frames, 0, NULL, painted_cb, &painted);
  g_assert_true (ub_test_gtk_run_until (flag_is_set, &painted, 10000));
}

/* The machine's one-minute load average, or 0 if unknown. */
static double
load_average (void)
{
  g_autofree char *contents = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &contents, NULL, NULL))
    return 0;
  return g_ascii_strtod (contents, NULL);
}

/* Timing assertions are meaningless when one thread runs at a time
 * (valgrind sets UB_TEST_NO_TIMING), and when other processes keep every
 * CPU busy: the main thread then waits for a CPU whatever this app does. */
gboolean
ub_test_gtk_skip_timing (void)
{
  double load = load_average ();
  guint n_cpus = g_get_num_processors ();

  if (g_getenv ("UB_TEST_NO_TIMING") != NULL)
    {
      g_test_skip ("UB_TEST_NO_TIMING is set: timing assertions skipped");
      return TRUE;
    }

  if (load > 2.0 * n_cpus && g_getenv ("UB_TEST_TIMING_ALWAYS") == NULL)
    {
      g_autofree char *message = g_strdup_printf ("the machine is overloaded (load %.1f on %u CPUs): "
                                                  "timing not judged; UB_TEST_TIMING_ALWAYS=1 "
                                                  "judges it anyway", load, n_cpus);

      g_test_skip (message);
      return TRUE;
    }

  return FALSE;
}

/**
 * ub_test_gtk_make_gallery:
 * @dir: a folder, made if needed
 * @n_images: how many PNGs it should hold
 * @size: their width and height
 *
 * Fills @dir with img-000.png … : one photo-like sample, copied, so that
 * decoding is the work and writing them is quick. A folder already filled
 * is left as it is.
 */
void
ub_test_gtk_make_gallery (const char *dir,
                          guint       n_images,
                          guint       size)
{
  g_autofree char *first = g_build_filename (dir, "img-000.png", NULL);
  g_autofree char *last_name = g_strdup_printf ("img-%03u.png", n_images - 1);
  g_autofree char *last = g_build_filename (dir, last_name, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GVariant) result = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  if (g_file_test (last, G_FILE_TEST_EXISTS))
    return;

  ub_jobs_register_all ();
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  result = ub_job_run_sync (UB_PNG_JOB_SAMPLE,
                            ub_png_sample_params_new (first, size, size, 7),
                            NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  g_file_get_contents (first, &contents, &length, &error);
  g_assert_no_error (error);
  for (guint i = 1; i < n_images; i++)
    {
      g_autofree char *name = g_strdup_printf ("img-%03u.png", i);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_file_set_contents (path, contents, length, &error);
      g_assert_no_error (error);
    }
}

/**
 * ub_test_gtk_show_page:
 * @name: a page's name, e.g. "primes"
 *
 * Shows the page in the test window, as its sidebar entry would.
 *
 * Returns: (transfer none): the page
 */
GtkWidget *
ub_test_gtk_show_page (const char *name)
{
  UbWindow *window = ub_test_gtk_get_window ();

  g_action_group_activate_action (G_ACTION_GROUP (window), "show-page",
                                  g_variant_new_string (name));
  return GTK_WIDGET (ub_window_get_page (window, name));
}

/**
 * ub_test_gtk_window_action:
 * @name: an action of the test window, without parameter
 */
void
ub_test_gtk_window_action (const char *name)
{
  g_action_group_activate_action (G_ACTION_GROUP (ub_test_gtk_get_window ()), name, NULL);
}

/**
 * ub_test_gtk_set_blocking:
 * @blocking: whether jobs run on the main thread (the negative control)
 */
void
ub_test_gtk_set_blocking (gboolean blocking)
{
  g_action_group_change_action_state (G_ACTION_GROUP (ub_test_gtk_get_app ()), "blocking",
                                      g_variant_new_boolean (blocking));
}

/**
 * ub_test_gtk_drop_files:
 * @widget: a widget with a drop target for files
 * @paths: (array zero-terminated=1): the files to drop
 * @as_list: whether to drop them as a #GdkFileList, as a file manager
 *   does, rather than as one #GFile (then @paths holds one)
 *
 * Hands the files to the widget's drop target, as a drag that ends on it
 * would.
 *
 * Returns: whether the target took the drop
 */
gboolean
ub_test_gtk_drop_files (GtkWidget          *widget,
                        const char * const *paths,
                        gboolean            as_list)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  g_autoptr(GSList) files = NULL;
  g_auto(GValue) value = G_VALUE_INIT;
  GtkDropTarget *target = NULL;
  gboolean taken = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && target == NULL; i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        target = GTK_DROP_TARGET (controller);
    }
  g_assert_nonnull (target);

  for (guint i = 0; paths[i] != NULL; i++)
    files = g_slist_append (files, g_file_new_for_path (paths[i]));

  if (as_list)
    {
      g_value_init (&value, GDK_TYPE_FILE_LIST);
      g_value_take_boxed (&value, gdk_file_list_new_from_list (files));
    }
  else
    {
      g_assert_true (files != NULL && files->next == NULL);
      g_value_init (&value, G_TYPE_FILE);
      g_value_set_object (&value, files->data);
    }

  g_signal_emit_by_name (target, "drop", &value, 1.0, 1.0, &taken);
  g_slist_free_full (g_steal_pointer (&files), g_object_unref);
  return taken;
}

/**
 * ub_test_gtk_count_images:
 * @page: the Images page
 * @state: a tile state
 *
 * Returns: how many of the page's images are in @state
 */
guint
ub_test_gtk_count_images (UbImagesPage *page,
                          UbImageState  state)
{
  GListModel *model = ub_images_page_get_model (page);
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(UbImageItem) item = g_list_model_get_item (model, i);

      n += ub_image_item_get_state (item) == state;
    }
  return n;
}

/**
 * ub_test_gtk_run_in_scratch:
 * @template: a name for g_dir_make_tmp()
 * @dir: (out): set to a new folder while the tests run
 *
 * Runs the registered tests with a scratch folder in @dir, then removes
 * it with all it holds.
 *
 * Returns: g_test_run()'s status
 */
int
ub_test_gtk_run_in_scratch (const char  *template,
                            char       **dir)
{
  g_autoptr(GError) error = NULL;
  int status;

  *dir = g_dir_make_tmp (template, &error);
  g_assert_no_error (error);
  status = g_test_run ();
  nftw (*dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
  g_clear_pointer (dir, g_free);
  return status;
}

/* The window's own allocations. A window is allocated again only when
 * something in it queued a resize (a new size request: a label's new
 * text, a widget shown), not when a child alone is allocated anew; each
 * such allocation measures the whole window again, and on X11 asks the
 * server about the monitor. Counted by wrapping UbWindow's size_allocate. */
static void (*window_size_allocate) (GtkWidget *widget,
                                     int        width,
                                     int        height,
                                     int        baseline);
static GtkWidget *counted_window;
static guint *window_allocations;

static void
counting_size_allocate (GtkWidget *widget,
                        int        width,
                        int        height,
                        int        baseline)
{
  if (widget == counted_window && window_allocations != NULL)
    (*window_allocations)++;
  window_size_allocate (widget, width, height, baseline);
}

/**
 * ub_test_gtk_count_allocations:
 * @window: (nullable): the window to count, or %NULL to stop counting
 * @counter: (nullable): incremented at each allocation of @window
 *
 * Counts how often @window itself is allocated from now on, in @counter;
 * one window at a time.
 */
void
ub_test_gtk_count_allocations (UbWindow *window,
                               guint    *counter)
{
  if (window != NULL && window_size_allocate == NULL)
    {
      GtkWidgetClass *klass = GTK_WIDGET_GET_CLASS (window);

      g_assert_true (G_OBJECT_TYPE (window) == UB_TYPE_WINDOW);
      window_size_allocate = klass->size_allocate;
      klass->size_allocate = counting_size_allocate;
    }
  counted_window = window != NULL ? GTK_WIDGET (window) : NULL;
  window_allocations = window != NULL ? counter : NULL;
}
