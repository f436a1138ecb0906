/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Internals shared by the runtime's files; not part of the public API. */

#include <stdatomic.h>

#include "ub-buffer.h"
#include "ub-message.h"
#include "ub-port.h"

G_BEGIN_DECLS

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
void __tsan_acquire (void *addr);
void __tsan_release (void *addr);
# define ub_tsan_acquire(addr) __tsan_acquire ((void *) (addr))
# define ub_tsan_release(addr) __tsan_release ((void *) (addr))
#else
# define ub_tsan_acquire(addr) ((void) 0)
# define ub_tsan_release(addr) ((void) 0)
#endif

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

static inline void
ub_queue_lock (GAsyncQueue *queue)
{
  g_async_queue_lock (queue);
  ub_tsan_acquire (queue);
}

static inline void
ub_queue_unlock (GAsyncQueue *queue)
{
  ub_tsan_release (queue);
  g_async_queue_unlock (queue);
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

/* Reserved message kinds start with this prefix. */
#define UB_RESERVED_KIND_PREFIX "ub."

typedef enum
{
  UB_CONTROL_NONE,    /* an ordinary message */
  UB_CONTROL_CLOSE,   /* the peer closed: fire `close` once */
  UB_CONTROL_LATEST,  /* a latest-value slot wrapping the current payload */
  UB_CONTROL_WAKE,    /* wakes a blocked receive; carries nothing */
} UbControl;

/* A message is immutable once posted (@sealed), so the same instance may
 * sit in a queue while its sender still holds a reference. The exception
 * is a latest-value slot, whose @latest is swapped under the lock of the
 * queue holding it. */
struct _UbMessage
{
  UbRefCount       ref_count;
  UbControl        control;
  gboolean         sealed;      /* no more transfers may be added */
  GVariant        *body;        /* (owned) (nullable) */
  GPtrArray       *buffers;     /* (owned) (nullable) UbBuffer, transfer list */
  GPtrArray       *ports;       /* (owned) (nullable) UbPort, transfer list */
  UbMessage       *latest;      /* (owned) (nullable) UB_CONTROL_LATEST payload,
                                 * protected by the holding queue's lock */
  char            *latest_key;  /* (owned) (nullable) UB_CONTROL_LATEST key */
  char             kind[];      /* inline, NUL-terminated */
};

typedef struct _UbEndpoint UbEndpoint;

/* Ports see messages before `message` is emitted; TRUE consumes one. */
typedef gboolean (*UbPortFilter) (UbPort    *port,
                                  UbMessage *message,
                                  gpointer   user_data);

UbMessage  *_ub_message_new_control          (UbControl     control);
gboolean    _ub_message_validate_transfers   (UbMessage    *message,
                                              UbPort       *sender,
                                              GError      **error);
UbMessage  *_ub_message_seal                 (UbMessage    *message);
gboolean    _ub_message_body_is_valid        (UbMessage    *message);

UbBuffer   *_ub_buffer_transfer              (UbBuffer     *self);

UbPort     *_ub_port_transfer                (UbPort       *self);
void        _ub_port_new_pair                (guint         capacity,
                                              UbPort      **port1,
                                              UbPort      **port2);
UbPort     *_ub_port_new_unentangled         (void);
void        _ub_port_set_filter              (UbPort       *self,
                                              UbPortFilter  filter,
                                              gpointer      user_data);
UbEndpoint *_ub_port_ref_endpoint            (UbPort       *self);

UbEndpoint *_ub_endpoint_ref                 (UbEndpoint   *ep);
void        _ub_endpoint_unref               (UbEndpoint   *ep);
gboolean    _ub_endpoint_push                (UbEndpoint   *ep,
                                              UbMessage    *message);
void        _ub_endpoint_get_stats           (UbEndpoint   *ep,
                                              UbPortStats  *stats);
gboolean    _ub_endpoint_is_closed           (UbEndpoint   *ep);

/* Threads started by UbWorker may wait on a full bounded channel; others
 * (the UI thread above all) get UB_ERROR_FULL instead. */
gboolean    _ub_thread_may_block             (void);

/* Registry (ub-runtime.c). The registry lock also protects every label. */
void        _ub_runtime_lock                 (void);
void        _ub_runtime_unlock               (void);
void        _ub_runtime_add_endpoint         (UbEndpoint   *ep,
                                              char         *label);
void        _ub_runtime_remove_endpoint      (UbEndpoint   *ep);
char       *_ub_runtime_dup_endpoint_label   (UbEndpoint   *ep);
void        _ub_runtime_set_endpoint_label   (UbEndpoint   *ep,
                                              const char   *label);
void        _ub_runtime_add_worker           (GObject      *worker);
void        _ub_runtime_remove_worker        (GObject      *worker);
void        _ub_runtime_thread_started       (void);
void        _ub_runtime_thread_joined        (void);

/* Remote calls (ub-remote.c). The link is shared by the owner's UbRemote
 * and the worker's scope: it maps call ids to the worker-side cancellable
 * of each call still pending, so that the owner can cancel a call that is
 * running on the worker thread. */
typedef struct _UbRemoteLink UbRemoteLink;
typedef struct _UbRemoteServer UbRemoteServer;
typedef struct _UbRemote UbRemote;

UbRemoteLink   *_ub_remote_link_new          (void);
UbRemoteLink   *_ub_remote_link_ref          (UbRemoteLink  *link);
void            _ub_remote_link_unref        (UbRemoteLink  *link);
void            _ub_remote_link_cancel_all   (UbRemoteLink  *link);

UbRemote       *_ub_remote_new               (UbPort        *owner_port,
                                              UbRemoteLink  *link);
gboolean        _ub_remote_handle_message    (UbRemote      *self,
                                              UbMessage     *message);
void            _ub_remote_fail_all          (UbRemote      *self,
                                              const GError  *error);

UbRemoteServer *_ub_remote_server_new        (UbRemoteLink  *link,
                                              gpointer       scope);
void            _ub_remote_server_free       (UbRemoteServer *server);
void            _ub_remote_server_add        (UbRemoteServer *server,
                                              const char     *method,
                                              gpointer        func,
                                              gpointer        user_data,
                                              GDestroyNotify  destroy);
gboolean        _ub_remote_server_handle     (UbRemoteServer *server,
                                              UbPort         *port,
                                              UbMessage      *message);
UbRemoteServer *_ub_worker_scope_get_server  (gpointer        scope);

G_END_DECLS
