/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* UbWorker's internals: what the object (ub-worker.c) and the worker
 * thread with its scope (ub-worker-scope.c) share, and what the runtime
 * registry reads. Not installed; not part of the public API. */

#include <stdatomic.h>

#include "ub-message-private.h"
#include "ub-remote-private.h"
#include "ub-runtime.h"
#include "ub-sync-private.h"
#include "ub-worker.h"

G_BEGIN_DECLS

/* The kind of the message that carries a worker's error to its owner. */
#define UB_WORKER_ERROR_KIND UB_RESERVED_KIND_PREFIX "worker.error"

typedef struct _UbWorkerShared UbWorkerShared;

/* What the owner and the worker thread share; refcounted, because either
 * may outlive the other. */
struct _UbWorkerShared
{
  UbRefCount       ref_count;
  char            *kind;          /* (owned) immutable */
  guint            id;            /* immutable, never reused */
  guint            worker_port_id; /* immutable: the worker's end, in the registry */
  char            *name;          /* (owned) protected by the runtime registry's lock */
  char            *activity;      /* (owned) (nullable) the same */
  UbWorkerEntry    entry;         /* immutable */
  gpointer         entry_data;    /* immutable */
  UbPort          *worker_port;   /* (owned) handed to the thread, which steals it */
  GCancellable    *cancellable;   /* (owned) thread-safe; fires on terminate */
  UbRemoteLink    *link;          /* (owned) thread-safe */
  int              nice;          /* the worker thread's nice value */
  atomic_int       state;         /* UbWorkerState */

  /* Whoever comes second joins the thread (through the reaper): the
   * owner terminating (or dropping the worker), or the worker thread
   * itself as its entry point returns. Both under thread_lock. */
  GMutex           thread_lock;
  GThread         *thread;        /* (owned) (nullable) thread_lock */
  gboolean         exited;        /* thread_lock: the thread is on its way out */
};

struct _UbWorkerScope
{
  /* Everything here belongs to the worker thread. */
  UbWorkerShared *shared;        /* (owned) */
  UbPort         *port;          /* (owned) */
  GMainContext   *context;       /* (owned) */
  GMainLoop      *loop;          /* (owned) */
  UbRemoteServer *server;        /* (owned) */
  gboolean        quit;          /* quit or close was requested */
};

/* ub-worker.c */
UbWorkerShared *_ub_worker_shared_ref            (UbWorkerShared *shared);
void            _ub_worker_shared_unref          (UbWorkerShared *shared);
void            _ub_worker_shared_thread_exiting (UbWorkerShared *shared);

/* ub-worker-scope.c: the worker thread's body; @data is a reference on
 * its UbWorkerShared, which it drops. */
gpointer        _ub_worker_thread                (gpointer        data);

/* For the runtime snapshot, with the registry's lock held; safe from any
 * thread while @self is alive. Fills every field of @info. */
void     _ub_worker_get_info_locked (UbWorker            *self,
                                     UbRuntimeWorkerInfo *info);

G_END_DECLS
