/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Helpers shared by the runtime's tests. */

#include <string.h>

#include "ub-runtime.h"

G_BEGIN_DECLS

/* Which sanitizer, if any, this test is built with. */
#if defined(__SANITIZE_ADDRESS__)
# define UB_TEST_ASAN 1
#endif
#if defined(__SANITIZE_THREAD__)
# define UB_TEST_TSAN 1
#endif
#if defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define UB_TEST_ASAN 1
# endif
# if __has_feature(thread_sanitizer)
#  define UB_TEST_TSAN 1
# endif
#endif
#if defined(UB_TEST_ASAN) || defined(UB_TEST_TSAN)
# define UB_TEST_SANITIZED 1
#endif

#ifdef UB_TEST_ASAN
/* GLib is built without frame pointers, so LeakSanitizer's fast unwinder
 * loses the stack of GLib's own known leak (g_set_user_dirs) and the
 * suppression in lsan.supp cannot match it. Unwind slowly instead. */
const char *__asan_default_options (void);

const char *
__asan_default_options (void)
{
  return "fast_unwind_on_malloc=0";
}
#endif

#ifdef UB_TEST_TSAN
/* GLib 2.74 is not built with ThreadSanitizer: its futex locks and atomics
 * are invisible to it, which alone explains two kinds of report. The slice
 * allocator hands a block freed on one thread to another through a
 * per-thread magazine, and GVariant's process-wide type-info cache is
 * refcounted with GLib's atomics; GObject grows its own tables with
 * g_realloc under its own locks (see tests/tsan.supp). Nothing else is
 * suppressed. */
const char *__tsan_default_suppressions (void);

const char *
__tsan_default_suppressions (void)
{
  return "race:g_realloc\n"
         "race:g_rw_lock_reader_lock\n"
         "race:g_slice_alloc\n"
         "race:g_slice_free\n"
         "race:g_variant_type_info_get\n"
         "race:g_variant_type_info_unref\n";
}
#endif

/* ASan unwinds every allocation slowly (see above), so flood cases run
 * smaller there unless `-m slow` is given; TSan copes with the full size. */
static inline guint
ub_test_scale (guint full,
               guint sanitized)
{
#ifdef UB_TEST_ASAN
  return g_test_slow () ? full : sanitized;
#else
  return full;
#endif
}

/* Posts @value as a "test.int" message. */
static inline gboolean
ub_test_post_int (UbPort *port,
                  gint32  value)
{
  return ub_port_post (port, "test.int", g_variant_new_int32 (value), NULL);
}

G_GNUC_UNUSED static gboolean
ub_test_tick (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates the thread-default context until @cond holds. The watchdog
 * only turns a hang into a failure; it never stands in for a wake-up. */
#define UB_TEST_RUN_UNTIL(cond)                                              \
  G_STMT_START {                                                             \
    g_autoptr(GMainContext) ctx_ = g_main_context_ref_thread_default ();     \
    gint64 deadline_ = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;        \
    GSource *tick_ = g_timeout_source_new (100);                             \
    g_source_set_callback (tick_, ub_test_tick, NULL, NULL);                 \
    g_source_attach (tick_, ctx_);                                           \
    while (!(cond))                                                          \
      {                                                                      \
        g_assert_cmpint (g_get_monotonic_time (), <, deadline_);             \
        g_main_context_iteration (ctx_, TRUE);                               \
      }                                                                      \
    g_source_destroy (tick_);                                                \
    g_source_unref (tick_);                                                  \
  } G_STMT_END

/* Runs every source that is ready now, without blocking. */
static inline void
ub_test_drain_context (void)
{
  g_autoptr(GMainContext) ctx = g_main_context_ref_thread_default ();

  while (g_main_context_iteration (ctx, FALSE))
    ;
}

/* Collects what a port delivers. */
typedef struct
{
  GPtrArray *messages;   /* UbMessage */
  guint      n_errors;
  guint      n_close;
} UbTestSink;

static inline void
ub_test_sink_message (UbPort    *port,
                      UbMessage *message,
                      gpointer   user_data)
{
  UbTestSink *sink = user_data;

  g_ptr_array_add (sink->messages, ub_message_ref (message));
}

static inline void
ub_test_sink_error (UbPort    *port,
                    UbMessage *message,
                    gpointer   user_data)
{
  ((UbTestSink *) user_data)->n_errors++;
}

static inline void
ub_test_sink_close (UbPort   *port,
                    gpointer  user_data)
{
  ((UbTestSink *) user_data)->n_close++;
}

static inline void
ub_test_sink_init (UbTestSink *sink,
                   UbPort     *port,
                   gboolean    start)
{
  sink->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) ub_message_unref);
  sink->n_errors = 0;
  sink->n_close = 0;
  g_signal_connect (port, "messageerror", G_CALLBACK (ub_test_sink_error), sink);
  g_signal_connect (port, "close", G_CALLBACK (ub_test_sink_close), sink);
  if (start)
    ub_port_connect_message (port, ub_test_sink_message, sink);
  else
    g_signal_connect (port, "message", G_CALLBACK (ub_test_sink_message), sink);
}

static inline void
ub_test_sink_clear (UbTestSink *sink)
{
  g_clear_pointer (&sink->messages, g_ptr_array_unref);
}

static inline gint32
ub_test_sink_int (UbTestSink *sink,
                  guint       i)
{
  UbMessage *message = g_ptr_array_index (sink->messages, i);

  return g_variant_get_int32 (ub_message_get_body (message));
}

/* The one open port labelled @label, if there is one; asserts that there
 * is no other. */
static inline gboolean
ub_test_find_port (const char  *label,
                   UbPortStats *stats)
{
  g_autoptr(UbRuntimeSnapshot) snapshot = ub_runtime_snapshot ();
  gboolean found = FALSE;

  memset (stats, 0, sizeof *stats);
  for (guint i = 0; i < snapshot->ports->len; i++)
    {
      UbRuntimePortInfo *info = &g_array_index (snapshot->ports, UbRuntimePortInfo, i);

      if (g_strcmp0 (info->label, label) == 0 && !info->stats.closed)
        {
          g_assert_false (found);
          *stats = info->stats;
          found = TRUE;
        }
    }
  return found;
}

/* The worker kinds a test binary registers, as a table. */
typedef struct
{
  const char    *kind;
  UbWorkerEntry  entry;
} UbTestKind;

static inline void
ub_test_register_kinds (const UbTestKind *kinds,
                        gsize             n_kinds)
{
  for (gsize i = 0; i < n_kinds; i++)
    ub_worker_kind_register (kinds[i].kind, kinds[i].entry, NULL);
}

G_END_DECLS
