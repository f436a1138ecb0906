/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <pthread.h>

#include "ub-state.h"
#include "ub-store.h"
#include "ub-store-private.h"
#include "ub-test-files.h"

/* What is read back is what was last set or removed, before its write
 * reaches the disk: while the writer's thread is held up in the store's
 * first read, every value queued behind it is answered from the queue. */

static char *state_dir;

/* The read the store makes at load, held until the test lets it go (or,
 * so that a broken build fails rather than hangs, for 30 s). */
static struct
{
  pthread_mutex_t lock;
  pthread_cond_t  cond;
  gboolean        entered;
  gboolean        released;
  gboolean        gave_up;
} seam = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, FALSE, FALSE, FALSE };

static void
held_read (const char *path,
           gpointer    user_data)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_TIME_SPAN_SECOND;

  pthread_mutex_lock (&seam.lock);
  seam.entered = TRUE;
  pthread_cond_broadcast (&seam.cond);
  while (!seam.released && !seam.gave_up)
    {
      /* A second at a time on the condition's (realtime) clock; the
       * deadline itself is on the monotonic one. */
      struct timespec until;

      clock_gettime (CLOCK_REALTIME, &until);
      until.tv_sec += 1;
      if (pthread_cond_timedwait (&seam.cond, &seam.lock, &until) != 0 &&
          g_get_monotonic_time () > deadline)
        seam.gave_up = TRUE;
    }
  pthread_mutex_unlock (&seam.lock);
}

static void
assert_string (const char *key,
               const char *expected)
{
  g_autoptr(GVariant) value = ub_state_dup (key);

  if (expected == NULL)
    {
      g_assert_null (value);
      return;
    }
  g_assert_nonnull (value);
  g_assert_cmpstr (g_variant_get_string (value, NULL), ==, expected);
}

static void
test_read_your_writes (void)
{
  g_autoptr(UbStore) disk = NULL;
  g_autoptr(GVariant) on_disk = NULL;
  g_autoptr(GError) error = NULL;
  gboolean gave_up;

  g_test_summary ("A value set or removed is what ub_state_dup() returns at once, "
                  "while the writer is still held up behind the store's first read");

  ub_state_preload ();
  pthread_mutex_lock (&seam.lock);
  while (!seam.entered)
    pthread_cond_wait (&seam.cond, &seam.lock);
  pthread_mutex_unlock (&seam.lock);

  ub_state_set ("test.changed", g_variant_new_string ("first"));
  ub_state_set ("test.changed", g_variant_new_string ("newest"));
  ub_state_remove ("test.gone");
  ub_state_remove_prefix ("test.run.");
  ub_state_set ("test.run.again", g_variant_new_string ("again"));

  /* The writer has done none of these yet. */
  g_assert_false (ub_state_is_flushed ());
  assert_string ("test.changed", "newest");
  assert_string ("test.gone", NULL);
  assert_string ("test.run.part-0", NULL);
  assert_string ("test.run.part-1", NULL);
  assert_string ("test.run.again", "again");

  pthread_mutex_lock (&seam.lock);
  gave_up = seam.gave_up;
  seam.released = TRUE;
  pthread_cond_broadcast (&seam.cond);
  pthread_mutex_unlock (&seam.lock);
  g_assert_false (gave_up);

  /* Polled, bounded: the writer keeps no event for its last write. */
  for (guint i = 0; i < 30000 && !ub_state_is_flushed (); i++)
    g_usleep (1000);
  g_assert_true (ub_state_is_flushed ());

  /* The same answers once on the disk, from the store and from a new
   * store over the same folder. */
  assert_string ("test.changed", "newest");
  assert_string ("test.gone", NULL);
  assert_string ("test.run.part-0", NULL);
  assert_string ("test.run.again", "again");
  assert_string ("test.kept", "kept");

  disk = ub_store_new_for_directory (state_dir, &error);
  g_assert_no_error (error);
  on_disk = ub_store_dup (disk, "test.changed");
  g_assert_nonnull (on_disk);
  g_assert_cmpstr (g_variant_get_string (on_disk, NULL), ==, "newest");
  g_clear_pointer (&on_disk, g_variant_unref);
  on_disk = ub_store_dup (disk, "test.gone");
  g_assert_null (on_disk);
  on_disk = ub_store_dup (disk, "test.run.part-1");
  g_assert_null (on_disk);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  /* A state folder with values to change, remove and keep. */
  state_dir = g_dir_make_tmp ("unblock-state-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("UNBLOCK_STATE_DIR", state_dir, TRUE);
  {
    g_autoptr(UbStore) store = ub_store_new_for_directory (state_dir, &error);
    const char *keys[] = { "test.changed", "test.gone", "test.run.part-0",
                           "test.run.part-1", "test.kept" };

    g_assert_no_error (error);
    for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
      {
        const char *value = g_str_equal (keys[i], "test.kept") ? "kept" : "old";

        g_assert_true (ub_store_set (store, keys[i], g_variant_new_string (value), &error));
        g_assert_no_error (error);
      }
  }
  _ub_store_set_read_hook (held_read, NULL);

  g_test_add_func ("/state/read-your-writes", test_read_your_writes);
  status = g_test_run ();

  _ub_store_set_read_hook (NULL, NULL);
  ub_test_remove_tree (state_dir);
  return status;
}
