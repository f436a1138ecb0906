/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <pthread.h>

#include "ub-state.h"
#include "ub-durable.h"
#include "ub-store.h"

typedef struct
{
  gboolean  load;   /* open the store, nothing else */
  char     *key;
  char     *prefix; /* (nullable): remove every key with this prefix */
  GVariant *value;  /* (nullable): NULL removes the key */
} Write;

/* The writer: one thread, so writes keep their order. queue_lock
 * protects the queue of writes (Write, oldest first) and whether the
 * thread has been started; the thread waits on queue_cond. A pthread
 * mutex rather than a GThreadPool: ThreadSanitizer sees it hand each
 * Write over, not GLib's uninstrumented locks. in_flight is set and
 * cleared under queue_lock too; other threads only read the Write it
 * points to, and the writer frees it only once it is cleared. Until a
 * write has landed, ub_state_dup() answers from these two (see
 * find_unwritten()). pending counts queued
 * writes (atomic); message_func and its data are main-thread only;
 * failures travel to the main thread by post_to_main_thread(). */
static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queue_cond = PTHREAD_COND_INITIALIZER;
static GQueue writes = G_QUEUE_INIT;
static Write *in_flight; /* (nullable): the write the thread is doing */
static gboolean writer_started;
static gint pending;
static UbStateMessageFunc message_func;
static gpointer message_data;
static gboolean reported_failure; /* main thread only */

/* Main thread only: whether the store has been read, and who waits for
 * it (Waiter, oldest first) until then. */
static gboolean loaded;
static GQueue waiters = G_QUEUE_INIT;

typedef struct
{
  GWeakRef          owner;
  UbStateLoadedFunc func;
} Waiter;

static void
write_free (Write *write)
{
  g_free (write->key);
  g_free (write->prefix);
  g_clear_pointer (&write->value, g_variant_unref);
  g_free (write);
}

/* Queues @func for the main thread from the writer's thread. GLib hands
 * the source over under its own futex lock, which ThreadSanitizer does
 * not see, so the source and its callback (allocated here, freed by the
 * main thread) would look racy. They are allocated under queue_lock
 * instead, and every such @func takes queue_lock first (see
 * acquire_from_writer()): that orders the main thread after them. */
static void
post_to_main_thread (int         priority,
                     GSourceFunc func,
                     gpointer    data)
{
  pthread_mutex_lock (&queue_lock);
  g_idle_add_full (priority, func, data, NULL);
  pthread_mutex_unlock (&queue_lock);
}

/* The main thread's half of post_to_main_thread(). */
static void
acquire_from_writer (void)
{
  pthread_mutex_lock (&queue_lock);
  pthread_mutex_unlock (&queue_lock);
}

static gboolean
report_on_main_thread (gpointer data)
{
  g_autofree char *message = data;

  acquire_from_writer ();

  /* Once: a full disk would otherwise say so every second. */
  if (!reported_failure && message_func != NULL)
    {
      reported_failure = TRUE;
      message_func (message, message_data);
    }
  return G_SOURCE_REMOVE;
}

/* The store has been read: run the callbacks that waited, in order. One
 * may queue another; it runs at once, since the store is read now. */
static gboolean
loaded_on_main_thread (gpointer data)
{
  Waiter *waiter;

  acquire_from_writer ();
  loaded = TRUE;
  while ((waiter = g_queue_pop_head (&waiters)) != NULL)
    {
      g_autoptr(GObject) owner = g_weak_ref_get (&waiter->owner);

      if (owner != NULL)
        waiter->func (owner);
      g_weak_ref_clear (&waiter->owner);
      g_free (waiter);
    }
  return G_SOURCE_REMOVE;
}

static void
write_in_thread (gpointer data,
                 gpointer user_data)
{
  Write *write = data;
  UbStore *store = ub_store_get_default ();
  g_autoptr(GError) error = NULL;

  if (write->load)
    {
      /* The store is read here, off the main thread (by
       * ub_store_get_default() above), and the temporary files writers
       * killed half-way left behind are removed. Then the main thread
       * learns of it. */
      ub_durable_remove_stale ();
      post_to_main_thread (G_PRIORITY_DEFAULT, loaded_on_main_thread, NULL);
    }
  else if (write->prefix != NULL)
    {
      g_auto(GStrv) keys = ub_store_list_keys (store, write->prefix);

      for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
        if (!ub_store_remove (store, keys[i], &error))
          break;
    }
  else if (write->value != NULL)
    ub_store_set (store, write->key, write->value, &error);
  else
    ub_store_remove (store, write->key, &error);

  if (error != NULL)
    post_to_main_thread (G_PRIORITY_DEFAULT_IDLE, report_on_main_thread,
                         g_strdup_printf (_("Your work goes on, but it cannot be saved for "
                                            "after a restart: %s"), error->message));
}

static gpointer
writer_main (gpointer data)
{
  for (;;)
    {
      Write *write;

      pthread_mutex_lock (&queue_lock);
      while (g_queue_is_empty (&writes))
        pthread_cond_wait (&queue_cond, &queue_lock);
      write = g_queue_pop_head (&writes);
      in_flight = write;
      pthread_mutex_unlock (&queue_lock);

      write_in_thread (write, NULL);

      pthread_mutex_lock (&queue_lock);
      in_flight = NULL;
      pthread_mutex_unlock (&queue_lock);
      write_free (write);
      g_atomic_int_dec_and_test (&pending);
    }
  return NULL;
}

static void
queue (Write *write)
{
  g_atomic_int_inc (&pending);

  pthread_mutex_lock (&queue_lock);
  if (!writer_started)
    {
      writer_started = TRUE;
      g_thread_unref (g_thread_new ("state-writer", writer_main, NULL));
    }
  g_queue_push_tail (&writes, write);
  pthread_cond_signal (&queue_cond);
  pthread_mutex_unlock (&queue_lock);
}

/**
 * ub_state_preload:
 *
 * Starts reading the store in the background, so that the main thread
 * finds it read (ub_state_dup() waits only for what is left of that). Call
 * it as early as possible; calling it again does nothing.
 */
void
ub_state_preload (void)
{
  static gboolean done; /* main thread only */
  Write *write;

  if (done)
    return;
  done = TRUE;

  /* The writer wakes the main context when the store is read: made here,
   * before the writer's thread starts, it is seen to exist first (GLib
   * makes it under a lock ThreadSanitizer does not see). */
  (void) g_main_context_default ();

  write = g_new0 (Write, 1);
  write->load = TRUE;
  queue (write);
}

/**
 * ub_state_is_loaded:
 *
 * Returns: whether the main thread has learnt that the store is read.
 *   Main thread only.
 */
gboolean
ub_state_is_loaded (void)
{
  return loaded;
}

/**
 * ub_state_when_loaded:
 * @owner: the object @func is for; if it is finalized first, @func is not
 *   called
 * @func: called on the main thread with @owner once the store is read
 *
 * Runs @func as soon as the saved state can be read without waiting: at
 * once if it already can, otherwise from the main loop when the
 * background read ends, in the order of the calls. Starts that read if
 * ub_state_preload() was not called. Main thread only.
 */
void
ub_state_when_loaded (GObject           *owner,
                      UbStateLoadedFunc  func)
{
  Waiter *waiter;

  g_return_if_fail (G_IS_OBJECT (owner));
  g_return_if_fail (func != NULL);

  if (loaded && g_queue_is_empty (&waiters))
    {
      func (owner);
      return;
    }

  waiter = g_new0 (Waiter, 1);
  g_weak_ref_init (&waiter->owner, owner);
  waiter->func = func;
  g_queue_push_tail (&waiters, waiter);
  ub_state_preload ();
}

/* Whether @write decides what @key holds, and if so what (NULL: removed). */
static gboolean
write_answers (const Write  *write,
               const char   *key,
               GVariant    **value)
{
  if (write->load)
    return FALSE;
  if (write->prefix != NULL)
    {
      if (!g_str_has_prefix (key, write->prefix))
        return FALSE;
      *value = NULL;
      return TRUE;
    }
  if (!g_str_equal (write->key, key))
    return FALSE;
  *value = write->value != NULL ? g_variant_ref (write->value) : NULL;
  return TRUE;
}

/* The newest write of @key not yet on the disk, if there is one: what was
 * set or removed is what is read back, even before the writer gets to it
 * (a Reload right after a run ends must not find the run's old state). */
static gboolean
find_unwritten (const char  *key,
                GVariant   **value)
{
  gboolean found = FALSE;

  pthread_mutex_lock (&queue_lock);
  for (GList *l = writes.tail; l != NULL && !found; l = l->prev)
    found = write_answers (l->data, key, value);
  if (!found && in_flight != NULL)
    found = write_answers (in_flight, key, value);
  pthread_mutex_unlock (&queue_lock);
  return found;
}

/**
 * ub_state_dup:
 *
 * Reads a saved value: the last one set or removed, whether or not its
 * write has reached the disk yet. On the main thread, call it only once
 * the store is read (ub_state_when_loaded()): before that it would wait
 * for the disk. Any thread.
 *
 * Returns: (transfer full) (nullable): the saved value of @key
 */
GVariant *
ub_state_dup (const char *key)
{
  GVariant *value = NULL;

  g_return_val_if_fail (key != NULL, NULL);
  if (find_unwritten (key, &value))
    return value;
  if (!loaded && g_main_context_is_owner (g_main_context_default ()))
    g_warning ("ub_state_dup (\"%s\") before the store was read: the main thread waits", key);

  return ub_store_dup (ub_store_get_default (), key);
}

/**
 * ub_state_set:
 * @value: (transfer floating): what to save
 *
 * Saves @value under @key, durably, from a background thread.
 */
void
ub_state_set (const char *key,
              GVariant   *value)
{
  Write *write;

  g_return_if_fail (key != NULL);
  g_return_if_fail (value != NULL);

  write = g_new0 (Write, 1);
  write->key = g_strdup (key);
  write->value = g_variant_ref_sink (value);
  queue (write);
}

void
ub_state_remove (const char *key)
{
  Write *write;

  g_return_if_fail (key != NULL);

  write = g_new0 (Write, 1);
  write->key = g_strdup (key);
  queue (write);
}

/* Removes every key that starts with @prefix, e.g. "primes.". */
void
ub_state_remove_prefix (const char *prefix)
{
  Write *write;

  g_return_if_fail (prefix != NULL);

  write = g_new0 (Write, 1);
  write->prefix = g_strdup (prefix);
  queue (write);
}

/**
 * ub_state_is_flushed:
 *
 * Returns: whether every queued write has reached the disk (or failed)
 */
gboolean
ub_state_is_flushed (void)
{
  return g_atomic_int_get (&pending) == 0;
}

/**
 * ub_state_report_failure:
 * @message: why something could not be saved
 *
 * Shows @message, once per run of the app: for failures met by workers
 * that save their own checkpoints. Main thread only.
 */
void
ub_state_report_failure (const char *message)
{
  g_return_if_fail (message != NULL);

  report_on_main_thread (g_strdup_printf (_("Your work goes on, but it cannot be saved for after "
                                          "a restart: %s"), message));
}

/**
 * ub_state_unset_message_func:
 * @user_data: the data given to ub_state_set_message_func()
 *
 * Stops reporting to @user_data, if it is still the one reported to.
 */
void
ub_state_unset_message_func (gpointer user_data)
{
  if (message_data == user_data)
    {
      message_func = NULL;
      message_data = NULL;
    }
}

/**
 * ub_state_set_message_func:
 * @func: shows a message to the user, on the main thread
 *
 * Where failures to save, and the store's recovery notice, are reported.
 * Call it once the store is read (ub_state_when_loaded()).
 */
void
ub_state_set_message_func (UbStateMessageFunc func,
                           gpointer           user_data)
{
  g_autofree char *recovery = NULL;

  message_func = func;
  message_data = user_data;

  recovery = ub_store_take_recovery_message (ub_store_get_default ());
  if (recovery != NULL && func != NULL)
    func (recovery, user_data);
}
