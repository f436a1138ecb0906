/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <pthread.h>

#include "ub-state.h"
#include "ub-store.h"
#include "ub-store-private.h"
#include "ub-test-files.h"
#include "ub-test-gtk.h"

/*
 * The store is read off the main thread. A read of the state folder that
 * takes as long as the test likes (the store's read seam blocks on the
 * first file) must not keep the window from being presented and painted:
 * the main loop goes on, the saved state arrives once the read ends. Were
 * the read on the main thread, the seam would block it, give up after
 * READ_GIVE_UP and the test would fail on the thread it saw.
 */

#define READ_GIVE_UP (20 * G_USEC_PER_SEC)

/* Shared between the reading thread (the seam) and the test; the lock
 * protects every field. */
static struct
{
  pthread_mutex_t lock;
  pthread_cond_t  cond;
  gboolean        entered;      /* a read is waiting in the seam */
  gboolean        released;     /* the test let it go on */
  gboolean        gave_up;      /* it waited READ_GIVE_UP in vain */
  GThread        *reader;       /* the thread that read */
} seam = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER };

static GThread *main_thread;
static char *state_dir;

static void
slow_read (const char *path,
           gpointer    user_data)
{
  struct timespec deadline;

  clock_gettime (CLOCK_REALTIME, &deadline);
  deadline.tv_sec += READ_GIVE_UP / G_USEC_PER_SEC;

  pthread_mutex_lock (&seam.lock);
  seam.entered = TRUE;
  seam.reader = g_thread_self ();
  while (!seam.released && !seam.gave_up)
    if (pthread_cond_timedwait (&seam.cond, &seam.lock, &deadline) != 0)
      seam.gave_up = TRUE;
  pthread_mutex_unlock (&seam.lock);
}

static gboolean
read_has_begun (gpointer user_data)
{
  gboolean entered;

  pthread_mutex_lock (&seam.lock);
  entered = seam.entered;
  pthread_mutex_unlock (&seam.lock);
  return entered;
}

static gboolean
state_loaded (gpointer user_data)
{
  return ub_state_is_loaded ();
}

static void
test_window_before_state (void)
{
  GtkWindow *window;
  g_autoptr(GVariant) saved = NULL;
  gboolean gave_up;

  if (!ub_test_gtk_have_display ())
    return;

  g_test_summary ("While the store's read of the state folder is held up, the window is "
                  "presented and painted; the saved state arrives once the read ends");

  g_assert_true (ub_test_gtk_run_until (read_has_begun, NULL, 30000));

  g_application_activate (G_APPLICATION (ub_test_gtk_get_app ()));
  window = gtk_application_get_active_window (GTK_APPLICATION (ub_test_gtk_get_app ()));
  g_assert_nonnull (window);
  ub_test_gtk_wait_painted (GTK_WIDGET (window), 3);

  /* Painted while the read still waits: it is not on this thread. */
  pthread_mutex_lock (&seam.lock);
  g_assert_false (seam.gave_up);
  g_assert_true (seam.reader != main_thread);
  seam.released = TRUE;
  pthread_cond_broadcast (&seam.cond);
  pthread_mutex_unlock (&seam.lock);
  g_assert_false (ub_state_is_loaded ());

  g_assert_true (ub_test_gtk_run_until (state_loaded, NULL, 30000));
  pthread_mutex_lock (&seam.lock);
  gave_up = seam.gave_up;
  pthread_mutex_unlock (&seam.lock);
  g_assert_false (gave_up);

  /* And what was saved is there. */
  saved = ub_state_dup ("test.saved");
  g_assert_nonnull (saved);
  g_assert_cmpstr (g_variant_get_string (saved, NULL), ==, "saved");
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  main_thread = g_thread_self ();

  /* A state folder with one saved value, whose read the seam holds up. */
  state_dir = g_dir_make_tmp ("unblock-state-load-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("UNBLOCK_STATE_DIR", state_dir, TRUE);
  {
    g_autoptr(UbStore) store = ub_store_new_for_directory (state_dir, &error);

    g_assert_no_error (error);
    g_assert_true (ub_store_set (store, "test.saved", g_variant_new_string ("saved"), &error));
    g_assert_no_error (error);
  }
  _ub_store_set_read_hook (slow_read, NULL);

  ub_test_gtk_init (&argc, &argv);
  g_test_add_func ("/state/load/window-before-state", test_window_before_state);
  status = g_test_run ();

  _ub_store_set_read_hook (NULL, NULL);
  ub_test_remove_tree (state_dir);
  return status;
}
