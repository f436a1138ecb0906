/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Locks and reference counts that ThreadSanitizer can see, for every
 * file of the runtime that shares memory between threads. Not installed;
 * not part of the public API. */

#include <stdatomic.h>

#include <glib.h>

/* GLib's GMutex is built on futexes, which ThreadSanitizer cannot see, so
 * every lock the runtime takes goes through these wrappers: under TSan they
 * tell it about the acquire/release; otherwise they are the plain calls. */
#if defined(__SANITIZE_THREAD__)
# define UB_TSAN 1
#elif defined(__has_feature)
# if __has_feature(thread_sanitizer)
#  define UB_TSAN 1
# endif
#endif

#ifdef UB_TSAN
# include <sanitizer/tsan_interface.h>
# define ub_tsan_acquire(addr) __tsan_acquire ((void *) (addr))
# define ub_tsan_release(addr) __tsan_release ((void *) (addr))
#else
# define ub_tsan_acquire(addr) ((void) 0)
# define ub_tsan_release(addr) ((void) 0)
#endif

G_BEGIN_DECLS

static inline void
ub_mutex_lock (GMutex *mutex)
{
  g_mutex_lock (mutex);
  ub_tsan_acquire (mutex);
}

static inline void
ub_mutex_unlock (GMutex *mutex)
{
  ub_tsan_release (mutex);
  g_mutex_unlock (mutex);
}

static inline void
ub_cond_wait (GCond  *cond,
              GMutex *mutex)
{
  ub_tsan_release (mutex);
  g_cond_wait (cond, mutex);
  ub_tsan_acquire (mutex);
}

static inline gboolean
ub_cond_wait_until (GCond  *cond,
                    GMutex *mutex,
                    gint64  end_time)
{
  gboolean signalled;

  ub_tsan_release (mutex);
  signalled = g_cond_wait_until (cond, mutex, end_time);
  ub_tsan_acquire (mutex);
  return signalled;
}

/* Reference counts on plain C11 atomics, which ThreadSanitizer sees. */
typedef atomic_int UbRefCount;

static inline void
ub_ref_count_init (UbRefCount *rc)
{
  atomic_init (rc, 1);
}

static inline void
ub_ref_count_inc (UbRefCount *rc)
{
  atomic_fetch_add_explicit (rc, 1, memory_order_relaxed);
}

/* Returns TRUE when the last reference went away. */
static inline gboolean
ub_ref_count_dec (UbRefCount *rc)
{
  return atomic_fetch_sub_explicit (rc, 1, memory_order_acq_rel) == 1;
}

G_END_DECLS
