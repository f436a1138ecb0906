/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ub-message.h"

G_BEGIN_DECLS

#define UB_TYPE_PORT (ub_port_get_type ())

G_DECLARE_FINAL_TYPE (UbPort, ub_port, UB, PORT, GObject)

/**
 * UbPortStats:
 * @posted: messages posted from this port
 * @delivered: messages delivered to this port (signal or receive)
 * @dropped: messages addressed to this port and discarded (closed, terminated)
 * @replaced: latest-value posts to this port that replaced an undelivered message
 * @message_errors: messages to this port that fired `messageerror`
 * @wakeups: times a producer woke this port's sleeping delivery source
 *   (once per burst: only when its queue went from empty to non-empty)
 * @queue_depth: messages waiting in this port's queue now
 * @high_water: the largest @queue_depth seen
 * @capacity: the bound on the queue, 0 if unbounded
 * @longest_dispatch_usec: the longest time one dispatch of the delivery
 *   source kept the main loop, handlers included
 * @closed: whether the port is closed
 *
 * Counters of one port, readable from any thread.
 */
typedef struct
{
  guint64  posted;
  guint64  delivered;
  guint64  dropped;
  guint64  replaced;
  guint64  message_errors;
  guint64  wakeups;
  guint    queue_depth;
  guint    high_water;
  guint    capacity;
  guint    longest_dispatch_usec;
  gboolean closed;
} UbPortStats;

/**
 * UbPortMessageFunc:
 * @port: the receiving port
 * @message: (transfer none): the message
 * @user_data: closure data
 *
 * The handler of a port's #UbPort::message signal.
 */
typedef void (*UbPortMessageFunc) (UbPort    *port,
                                   UbMessage *message,
                                   gpointer   user_data);

gboolean   ub_port_post             (UbPort             *self,
                                     const char         *kind,
                                     GVariant           *body,
                                     GError            **error);
gboolean   ub_port_post_bytes       (UbPort             *self,
                                     const char         *kind,
                                     GBytes             *data,
                                     GError            **error);
gboolean   ub_port_post_message     (UbPort             *self,
                                     UbMessage          *message,
                                     gpointer           *transfer,
                                     GCancellable       *cancellable,
                                     GError            **error);
gboolean   ub_port_post_latest      (UbPort             *self,
                                     const char         *key,
                                     const char         *kind,
                                     GVariant           *body,
                                     GError            **error);
UbMessage *ub_port_receive          (UbPort             *self,
                                     gint64              timeout_usec,
                                     GCancellable       *cancellable,
                                     GError            **error) G_GNUC_WARN_UNUSED_RESULT;
void       ub_port_receive_async    (UbPort             *self,
                                     GCancellable       *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer            user_data);
UbMessage *ub_port_receive_finish   (UbPort             *self,
                                     GAsyncResult       *result,
                                     GError            **error) G_GNUC_WARN_UNUSED_RESULT;
void       ub_port_start            (UbPort             *self);
gulong     ub_port_connect_message  (UbPort             *self,
                                     UbPortMessageFunc   func,
                                     gpointer            user_data);
void       ub_port_close            (UbPort             *self);
gboolean   ub_port_is_started       (UbPort             *self);
gboolean   ub_port_is_closed        (UbPort             *self);
gboolean   ub_port_is_detached      (UbPort             *self);
gboolean   ub_port_get_stats        (UbPort             *self,
                                     UbPortStats        *stats);
char      *ub_port_dup_label        (UbPort             *self);
void       ub_port_set_label        (UbPort             *self,
                                     const char         *label);

G_END_DECLS
