/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sys/wait.h>

#include "ub-data-jobs.h"
#include "ub-data-page.h"
#include "ub-images-page.h"
#include "ub-job.h"
#include "ub-page.h"
#include "ub-png-jobs.h"
#include "ub-primes-job.h"
#include "ub-primes-page.h"
#include "ub-runtime.h"
#include "ub-state.h"
#include "ub-store.h"
#include "ub-test-gtk.h"

/*
 * Work that survives the window: closing it, reloading it, and killing
 * the whole process with SIGKILL all leave a checkpoint from which the
 * next window resumes and reaches exactly the uninterrupted result.
 */

/* Long enough that closing comes before the end on a quiet machine, and
 * that a killed child has written a checkpoint well before its count ends
 * (about 5 s on a quiet machine). Sanitized code counts several times
 * slower: the same happens on shorter ranges, and the suite stays within
 * its time. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
# define UB_TEST_SHORTER 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#  define UB_TEST_SHORTER 1
# endif
#endif
#ifdef UB_TEST_SHORTER
# define RANGE_TO      "1e10"
# define PI_RANGE      G_GUINT64_CONSTANT (455052511)
# define KILL_RANGE_TO "2e10"
# define PI_KILL_RANGE G_GUINT64_CONSTANT (882206716)
#else
# define RANGE_TO      "2e10"
# define PI_RANGE      G_GUINT64_CONSTANT (882206716)
# define KILL_RANGE_TO "1e11"
# define PI_KILL_RANGE G_GUINT64_CONSTANT (4118054813)
#endif

static char *state_dir;
static char *self_path;

static UbPrimesPage *
primes_page (UbWindow *window)
{
  return UB_PRIMES_PAGE (ub_window_get_page (window, "primes"));
}

static gboolean
made_progress (gpointer user_data)
{
  guint64 count, done;

  ub_primes_page_get_result (user_data, &count, &done);
  return done > 0;
}

static gboolean
page_done (gpointer user_data)
{
  return ub_primes_page_get_state (user_data) == UB_PRIMES_PAGE_DONE;
}

static gboolean
no_window (gpointer user_data)
{
  return gtk_application_get_windows (GTK_APPLICATION (ub_test_gtk_get_app ())) == NULL;
}

static gboolean
state_flushed (gpointer user_data)
{
  return ub_state_is_flushed ();
}

/* Whether any worker's part of the count saved progress: with two
 * workers on a busy machine, either may be the first to finish a segment. */
static gboolean
saved_progress (gpointer user_data)
{
  /* A part that had nothing to save yet may have no record at all. */
  for (guint i = 0; i < 64; i++)
    {
      g_autofree char *key = g_strdup_printf ("primes.part.%u", i);
      g_autoptr(GVariant) part = ub_store_dup (ub_store_get_default (), key);
      g_autoptr(GError) error = NULL;
      UbPrimesRecord record;

      if (part == NULL)
        continue;
      g_assert_true (ub_primes_part_state_parse (part, &record, NULL, &error));
      g_assert_no_error (error);
      if (record.next > record.from || record.done)
        return TRUE;
    }
  return FALSE;
}

static void
finish_and_check (UbWindow *window)
{
  UbPrimesPage *page = primes_page (window);
  guint64 count = 0;

  g_assert_true (ub_test_gtk_run_until (page_done, page, 300000));
  g_assert_true (ub_primes_page_get_result (page, &count, NULL));
  g_assert_cmpuint (count, ==, PI_RANGE);

  /* Finished work is forgotten. */
  ub_test_gtk_run_for_ms (200);
  g_assert_null (ub_store_dup (ub_store_get_default (), "primes.job"));
}

static void
test_close_then_resume (void)
{
  UbWindow *window;
  UbPrimesPage *page;

  if (!ub_test_gtk_have_display ())
    return;

  window = ub_test_gtk_new_window ();
  page = primes_page (window);
  ub_primes_page_set_input (page, "0", RANGE_TO, FALSE, 2);
  g_action_group_activate_action (G_ACTION_GROUP (window), "start", NULL);
  g_assert_true (ub_test_gtk_run_until (made_progress, page, 60000));

  /* Quitting (Ctrl+Q) waits for the workers' checkpoints, without
   * blocking, then stops them. */
  g_action_group_activate_action (G_ACTION_GROUP (ub_test_gtk_get_app ()), "quit", NULL);
  g_assert_true (ub_window_is_closing (window));
  g_assert_true (ub_test_gtk_run_until (no_window, NULL, 10000));
  /* What stopping saved is written from the state's own thread: read it
   * back once every queued write has landed, however slow the disk. */
  g_assert_true (ub_test_gtk_run_until (state_flushed, NULL, 30000));
  g_assert_true (saved_progress (NULL));

  /* The next window offers it; resuming finishes exactly. */
  window = ub_test_gtk_get_window ();
  g_assert_cmpint (ub_primes_page_get_state (primes_page (window)), ==, UB_PRIMES_PAGE_IDLE);
  ub_window_resume_saved (window);
  g_assert_cmpint (ub_primes_page_get_state (primes_page (window)), ==, UB_PRIMES_PAGE_RUNNING);
  finish_and_check (window);
}

static gboolean
new_window_running (gpointer user_data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (ub_test_gtk_get_app ()));

  return window != user_data && window != NULL &&
         ub_primes_page_get_state (primes_page (UB_WINDOW (window))) == UB_PRIMES_PAGE_RUNNING;
}

static void
test_reload_continues (void)
{
  UbWindow *window;
  UbPrimesPage *page;
  guint64 count, done_before, done_after;

  if (!ub_test_gtk_have_display ())
    return;

  window = ub_test_gtk_new_window ();
  page = primes_page (window);
  ub_primes_page_set_input (page, "0", RANGE_TO, FALSE, 2);
  g_action_group_activate_action (G_ACTION_GROUP (window), "start", NULL);
  g_assert_true (ub_test_gtk_run_until (made_progress, page, 60000));
  ub_primes_page_get_result (page, &count, &done_before);

  g_action_group_activate_action (G_ACTION_GROUP (ub_test_gtk_get_app ()), "reload", NULL);
  g_assert_true (ub_test_gtk_run_until (new_window_running, window, 10000));

  /* The new window shows the same count still going, not one started
   * again from zero (test-reload checks it is the very same run). */
  window = UB_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (ub_test_gtk_get_app ())));
  ub_primes_page_get_result (primes_page (window), &count, &done_after);
  g_test_message ("sieved %" G_GUINT64_FORMAT " before the reload, %" G_GUINT64_FORMAT " after it",
                  done_before, done_after);
  g_assert_cmpuint (done_after, >, 0);
  finish_and_check (window);
}

static gboolean
gallery_restored (gpointer user_data)
{
  UbImagesPage *page = user_data;
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (ub_images_page_get_scroller (page));

  return g_list_model_get_n_items (ub_images_page_get_model (page)) == 60 &&
         gtk_adjustment_get_value (adjustment) > 0;
}

static gboolean
gallery_listed (gpointer user_data)
{
  return g_list_model_get_n_items (ub_images_page_get_model (user_data)) == 60;
}

static void
test_gallery_folder_and_scroll (void)
{
  g_autofree char *dir = NULL;
  UbWindow *window;
  UbImagesPage *page;
  GtkAdjustment *adjustment;
  double range;

  if (!ub_test_gtk_have_display ())
    return;

  dir = g_build_filename (state_dir, "gallery", NULL);
  ub_test_gtk_make_gallery (dir, 60, 64);

  window = ub_test_gtk_new_window ();
  page = UB_IMAGES_PAGE (ub_window_get_page (window, "images"));
  g_action_group_activate_action (G_ACTION_GROUP (window), "show-page", g_variant_new_string ("images"));
  ub_images_page_open_folder (page, dir);
  g_assert_true (ub_test_gtk_run_until (gallery_listed, page, 10000));
  ub_test_gtk_wait_painted (GTK_WIDGET (page), 3);

  adjustment = gtk_scrolled_window_get_vadjustment (ub_images_page_get_scroller (page));
  range = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);
  g_assert_cmpfloat (range, >, 0);
  gtk_adjustment_set_value (adjustment, range);

  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (ub_test_gtk_run_until (no_window, NULL, 10000));

  /* The next window reopens the folder, scrolled to the end again. */
  window = ub_test_gtk_get_window ();
  g_action_group_activate_action (G_ACTION_GROUP (window), "show-page", g_variant_new_string ("images"));
  page = UB_IMAGES_PAGE (ub_window_get_page (window, "images"));
  ub_window_resume_saved (window);
  g_assert_true (ub_test_gtk_run_until (gallery_restored, page, 10000));
  adjustment = gtk_scrolled_window_get_vadjustment (ub_images_page_get_scroller (page));
  range = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);
  g_test_message ("restored at %.0f of %.0f", gtk_adjustment_get_value (adjustment), range);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), >=, 0.9 * range);
}

/* Some of the input encoded, or (too fast to catch) all of it. */
static gboolean
data_page_progressed (gpointer user_data)
{
  UbDataPage *page = user_data;
  guint64 done = 0;

  ub_data_page_get_progress (page, &done, NULL);
  return done > 0 || ub_data_page_get_state (page) != UB_DATA_PAGE_RUNNING;
}

static gboolean
data_page_settled (gpointer user_data)
{
  UbDataPageState state = ub_data_page_get_state (user_data);

  return state == UB_DATA_PAGE_DONE || state == UB_DATA_PAGE_IDLE;
}

static char *
sha256_of_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) result = NULL;
  const char *digest;

  result = ub_job_run_sync (UB_DATA_JOB_RUN,
                            ub_data_run_params_new (UB_DATA_MODE_SHA256, 0, path, NULL, NULL, NULL),
                            NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  ub_data_run_result_parse (result, NULL, NULL, &digest, NULL, NULL);
  return g_strdup (digest);
}

/* A base64 encode closed half way resumes from its last chunk and writes
 * exactly the file an uninterrupted run writes. */
static void
test_data_close_then_resume (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *input = g_build_filename (state_dir, "input.bin", NULL);
  g_autofree char *reference = g_build_filename (state_dir, "reference.b64", NULL);
  g_autofree char *expected = NULL;
  g_autofree char *actual = NULL;
  UbWindow *window;
  UbDataPage *page;

  if (!ub_test_gtk_have_display ())
    return;

  {
    g_autoptr(GVariant) made = ub_job_run_sync (UB_DATA_JOB_RANDOM,
                                                ub_data_random_params_new (input, (guint64) 512 << 20, 9),
                                                NULL, NULL, NULL, &error);
    g_autoptr(GVariant) encoded = NULL;

    g_assert_no_error (error);
    encoded = ub_job_run_sync (UB_DATA_JOB_RUN,
                               ub_data_run_params_new (UB_DATA_MODE_BASE64_ENCODE, 76, input, NULL,
                                                       reference, NULL),
                               NULL, NULL, NULL, &error);
    g_assert_no_error (error);
  }
  expected = sha256_of_file (reference);

  window = ub_test_gtk_new_window ();
  page = UB_DATA_PAGE (ub_window_get_page (window, "data"));
  ub_data_page_set_input (page, input, 0, UB_DATA_MODE_BASE64_ENCODE);
  g_action_group_activate_action (G_ACTION_GROUP (window), "show-page", g_variant_new_string ("data"));
  g_action_group_activate_action (G_ACTION_GROUP (window), "start", NULL);
  g_assert_true (ub_test_gtk_run_until (data_page_progressed, page, 60000));
  if (ub_data_page_get_state (page) != UB_DATA_PAGE_RUNNING)
    {
      g_test_incomplete ("The encode finished before the window could be closed");
      return;
    }

  g_action_group_activate_action (G_ACTION_GROUP (ub_test_gtk_get_app ()), "quit", NULL);
  g_assert_true (ub_test_gtk_run_until (no_window, NULL, 10000));
  g_assert_true (ub_test_gtk_run_until (state_flushed, NULL, 30000));

  /* The checkpoint taken on closing is part-way, with its partial output. */
  {
    g_autoptr(GVariant) saved = ub_state_dup (UB_DATA_JOBS_STATE_KEY);
    g_autoptr(GVariant) resume = NULL;
    const char *partial = NULL;
    guint64 offset = 0;

    g_assert_nonnull (saved);
    resume = g_variant_lookup_value (saved, "resume", G_VARIANT_TYPE_VARDICT);
    g_assert_nonnull (resume);
    g_assert_true (g_variant_lookup (resume, "input-offset", "t", &offset));
    g_assert_true (g_variant_lookup (resume, "partial", "&s", &partial));
    g_test_message ("closed at byte %" G_GUINT64_FORMAT " of %u", offset, 512u << 20);
    g_assert_cmpuint (offset, >, 0);
    g_assert_cmpuint (offset, <, (guint64) 512 << 20);
    g_assert_true (g_file_test (partial, G_FILE_TEST_EXISTS));
  }

  window = ub_test_gtk_get_window ();
  page = UB_DATA_PAGE (ub_window_get_page (window, "data"));
  ub_window_resume_saved (window);
  g_assert_cmpint (ub_data_page_get_state (page), ==, UB_DATA_PAGE_RUNNING);
  g_assert_true (ub_test_gtk_run_until (data_page_settled, page, 120000));
  g_assert_null (ub_data_page_get_error (page));
  g_assert_cmpint (ub_data_page_get_state (page), ==, UB_DATA_PAGE_DONE);

  actual = sha256_of_file (ub_data_page_get_output_path (page));
  g_assert_cmpstr (actual, ==, expected);

  g_unlink (input);
  g_unlink (reference);
  g_unlink (ub_data_page_get_output_path (page));
}

/* In a child process: start the count and run until killed. */
static int
child_count_forever (void)
{
  UbWindow *window = ub_test_gtk_get_window ();

  ub_primes_page_set_input (primes_page (window), "0", KILL_RANGE_TO, FALSE, 2);
  g_action_group_activate_action (G_ACTION_GROUP (window), "start", NULL);
  for (;;)
    g_main_context_iteration (NULL, TRUE);
  return 1;
}

/* In a child process: resume what a killed process saved, print π. */
static int
child_resume (void)
{
  UbWindow *window = ub_test_gtk_get_window ();
  UbPrimesPage *page = primes_page (window);
  guint64 count = 0;

  ub_window_resume_saved (window);
  if (ub_primes_page_get_state (page) != UB_PRIMES_PAGE_RUNNING)
    {
      g_printerr ("nothing was resumed\n");
      return 1;
    }
  if (!ub_test_gtk_run_until (page_done, page, 300000) ||
      !ub_primes_page_get_result (page, &count, NULL))
    return 1;

  g_print ("%" G_GUINT64_FORMAT "\n", count);

  /* Finished work forgets its saved state; let that write land before
   * the process ends, as the window's closing does. */
  if (!ub_test_gtk_run_until (state_flushed, NULL, 10000))
    return 1;
  return 0;
}

/* In a child process: print what the window tells the user. */
static int
child_message (void)
{
  UbWindow *window = ub_test_gtk_get_window ();
  UbPrimesPage *page = primes_page (window);
  const char *message = ub_window_get_message (window);
  guint64 count = 0;

  g_print ("%s\n", message ? message : "(none)");

  /* And work goes on, saved or not. */
  ub_primes_page_set_input (page, "0", "1e8", FALSE, 2);
  g_action_group_activate_action (G_ACTION_GROUP (window), "start", NULL);
  if (!ub_test_gtk_run_until (page_done, page, 120000) ||
      !ub_primes_page_get_result (page, &count, NULL))
    return 1;
  /* Forgetting the finished work is written from a background thread: let
   * it reach the disk before the process ends, as closing the window does. */
  if (!ub_test_gtk_run_until (state_flushed, NULL, 30000))
    return 1;
  g_print ("%" G_GUINT64_FORMAT "\n", count);
  return 0;
}

/* A damaged state file is set aside, the user is told once, the app
 * starts clean and the other keys survive. */
static void
test_corrupt_state_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (state_dir, "corrupt", NULL);
  g_autofree char *bad = g_build_filename (dir, "primes.job.gvariant", NULL);
  g_autofree char *moved = g_strconcat (bad, ".corrupt", NULL);
  g_autofree char *out = NULL;
  g_auto(GStrv) envp = g_get_environ ();
  const char *argv[] = { self_path, "--child-message", NULL };
  int status;

  if (!ub_test_gtk_have_display ())
    return;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  {
    g_autoptr(UbStore) store = ub_store_new_for_directory (dir, &error);

    g_assert_no_error (error);
    g_assert_true (ub_store_set (store, "images.gallery", g_variant_new ("(sd)", "/nowhere", 0.5),
                                 &error));
    g_assert_no_error (error);
  }
  g_file_set_contents (bad, "\x13\x37 not a state file at all", -1, &error);
  g_assert_no_error (error);

  envp = g_environ_setenv (envp, "UNBLOCK_STATE_DIR", dir, TRUE);
  g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status,
                &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_test_message ("the window said: %s", out);

  g_assert_false (g_str_has_prefix (out, "(none)\n"));
  g_assert_nonnull (strstr (out, "damaged"));
  g_assert_true (g_str_has_suffix (out, "\n5761455\n"));
  g_assert_true (g_file_test (moved, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (bad, G_FILE_TEST_EXISTS));

  /* The other key is still there. */
  {
    g_autoptr(UbStore) store = ub_store_new_for_directory (dir, &error);
    g_autoptr(GVariant) gallery = NULL;

    g_assert_no_error (error);
    gallery = ub_store_dup (store, "images.gallery");
    g_assert_nonnull (gallery);
  }
}

/* In a child process: once the window is up and the store read, print
 * the process's peak memory (KiB), then what the window tells the user. */
static int
child_startup (void)
{
  UbWindow *window = ub_test_gtk_get_window ();
  const char *message = ub_window_get_message (window);
  struct rusage usage;

  g_assert_true (ub_state_is_loaded ());
  g_assert_cmpint (getrusage (RUSAGE_SELF, &usage), ==, 0);
  g_print ("%ld\n%s\n", usage.ru_maxrss, message ? message : "(none)");
  return 0;
}

/* Waits up to @timeout_ms for @pid; kills it if it takes longer. Returns
 * whether it exited with status 0 in time. */
static gboolean
wait_child (GPid  pid,
            guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + timeout_ms * (gint64) 1000;
  int status;

  for (;;)
    {
      pid_t done = waitpid (pid, &status, WNOHANG);

      if (done == pid)
        return WIFEXITED (status) && WEXITSTATUS (status) == 0;
      if (g_get_monotonic_time () >= end)
        {
          kill (pid, SIGKILL);
          waitpid (pid, &status, 0);
          return FALSE;
        }
      /* Not a synchronisation: a poll of a process that has no other way
       * to say it is done. */
      g_usleep (20 * 1000);
    }
}

/* A FIFO, a link to /dev/zero and a 4 GiB sparse file in the state folder,
 * each named as a key: start-up neither hangs (the FIFO) nor reads them
 * (the memory stays small), the window appears, and each is moved aside
 * with one notice. */
static void
test_hostile_state_entries (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (state_dir, "hostile", NULL);
  g_autofree char *fifo = g_build_filename (dir, "primes.job.gvariant", NULL);
  g_autofree char *link = g_build_filename (dir, "images.gallery.gvariant", NULL);
  g_autofree char *sparse = g_build_filename (dir, "data.jobs.gvariant", NULL);
  g_autofree char *out_path = g_build_filename (state_dir, "hostile.out", NULL);
  g_autofree char *out = NULL;
  g_auto(GStrv) envp = g_get_environ ();
  g_auto(GStrv) lines = NULL;
  const char *argv[] = { self_path, "--child-startup", NULL };
  const char *entries[] = { fifo, link, sparse };
  int out_fd, fd;
  GPid pid;

  if (!ub_test_gtk_have_display ())
    return;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_cmpint (symlink ("/dev/zero", link), ==, 0);
  fd = g_open (sparse, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, (off_t) 4 << 30), ==, 0);
  close (fd);

  out_fd = g_open (out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  g_assert_cmpint (out_fd, >=, 0);
  envp = g_environ_setenv (envp, "UNBLOCK_STATE_DIR", dir, TRUE);
  g_spawn_async_with_fds (NULL, (char **) argv, envp, G_SPAWN_DO_NOT_REAP_CHILD,
                          NULL, NULL, &pid, -1, out_fd, -1, &error);
  g_assert_no_error (error);
  close (out_fd);

  g_assert_true (wait_child (pid, 60000));
  g_file_get_contents (out_path, &out, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("the window said: %s", out);
  lines = g_strsplit (out, "\n", 2);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);

  /* Nothing was read: a read of any of them would take gigabytes. And the
   * user is told once, about all three. */
  g_assert_cmpint (g_ascii_strtoll (lines[0], NULL, 10), >, 0);
  g_assert_cmpint (g_ascii_strtoll (lines[0], NULL, 10), <, 1024 * 1024);  /* KiB */
  g_assert_nonnull (strstr (lines[1], "3 saved items were damaged"));

  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    {
      g_autofree char *moved = g_strconcat (entries[i], ".corrupt", NULL);
      GStatBuf st;

      g_assert_true (g_lstat (entries[i], &st) != 0 && errno == ENOENT);
      g_assert_cmpint (g_lstat (moved, &st), ==, 0);
    }
}

/* A state folder that cannot be written: the user is told, work goes on. */
static void
test_unwritable_state_dir (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_auto(GStrv) envp = g_get_environ ();
  const char *argv[] = { self_path, "--child-message", NULL };
  int status;

  if (!ub_test_gtk_have_display ())
    return;

  /* Not creatable, even by root. */
  envp = g_environ_setenv (envp, "UNBLOCK_STATE_DIR", "/proc/unblock-state", TRUE);
  g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status,
                &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_test_message ("the window said: %s", out);

  g_assert_false (g_str_has_prefix (out, "(none)\n"));
  g_assert_true (g_str_has_suffix (out, "\n5761455\n"));
}

static void
test_sigkill_then_resume (void)
{
  g_autoptr(GError) error = NULL;
  const char *argv[] = { self_path, "--child-count", NULL };
  g_autofree char *part = g_build_filename (state_dir, "primes.part.0.gvariant", NULL);
  GPid pid;
  gint64 deadline;

  if (!ub_test_gtk_have_display ())
    return;

  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                &pid, &error));
  g_assert_no_error (error);

  /* Wait for the child's first checkpoint (another process: poll). */
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (!g_file_test (part, G_FILE_TEST_EXISTS) && g_get_monotonic_time () < deadline)
    g_usleep (20 * 1000);
  g_assert_true (g_file_test (part, G_FILE_TEST_EXISTS));

  kill (pid, SIGKILL);
  waitpid (pid, NULL, 0);
  g_spawn_close_pid (pid);

  /* A new process, as after a crash, resumes from what is on disk. */
  {
    const char *resume_argv[] = { self_path, "--child-resume", NULL };
    g_autofree char *out = NULL;
    g_autofree char *expected = g_strdup_printf ("%" G_GUINT64_FORMAT "\n", PI_KILL_RANGE);
    int status;

    g_spawn_sync (NULL, (char **) resume_argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL,
                  &status, &error);
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (out, ==, expected);
  }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  const char *child = argc > 1 && g_str_has_prefix (argv[1], "--child-") ? argv[1] : NULL;

  /* One state folder for this binary and its child. */
  if (g_getenv ("UNBLOCK_STATE_DIR") == NULL)
    {
      state_dir = g_dir_make_tmp ("unblock-state-XXXXXX", &error);
      g_assert_no_error (error);
      g_setenv ("UNBLOCK_STATE_DIR", state_dir, TRUE);
    }
  else
    state_dir = g_strdup (g_getenv ("UNBLOCK_STATE_DIR"));
  self_path = g_strdup (argv[0]);

  if (child != NULL)
    {
      if (!ub_test_gtk_init_app ())
        return 77;
      if (g_str_equal (child, "--child-count"))
        return child_count_forever ();
      if (g_str_equal (child, "--child-message"))
        return child_message ();
      if (g_str_equal (child, "--child-startup"))
        return child_startup ();
      return child_resume ();
    }

  ub_test_gtk_init (&argc, &argv);
  g_test_summary ("Work survives closing the window, reloading it, and SIGKILL");

  g_test_add_func ("/resume/close-then-resume", test_close_then_resume);
  g_test_add_func ("/resume/reload-continues", test_reload_continues);
  g_test_add_func ("/resume/sigkill-then-resume", test_sigkill_then_resume);
  g_test_add_func ("/resume/gallery-folder-and-scroll", test_gallery_folder_and_scroll);
  g_test_add_func ("/resume/data-close-then-resume", test_data_close_then_resume);
  g_test_add_func ("/resume/corrupt-state-file", test_corrupt_state_file);
  g_test_add_func ("/resume/unwritable-state-dir", test_unwritable_state_dir);
  g_test_add_func ("/resume/hostile-state-entries", test_hostile_state_entries);

  {
    int status = g_test_run ();
    g_autofree char *command = g_strdup_printf ("rm -rf '%s'", state_dir);

    g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL);
    return status;
  }
}
