/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* UbMessage's internals, shared with the port, the worker, remote calls
 * and broadcast channels. Not installed; not part of the public API. */

#include "ub-message.h"
#include "ub-port.h"
#include "ub-sync-private.h"

G_BEGIN_DECLS

typedef struct _UbEndpoint UbEndpoint;   /* see ub-endpoint-private.h */

/* Reserved message kinds start with this prefix. */
#define UB_RESERVED_KIND_PREFIX "ub."

typedef enum
{
  UB_CONTROL_NONE,    /* an ordinary message */
  UB_CONTROL_CLOSE,   /* the peer closed: fire `close` once */
  UB_CONTROL_LATEST,  /* a latest-value slot wrapping the current payload */
  UB_CONTROL_WAKE,    /* wakes a blocked receive; carries nothing */
} UbControl;

/* A message is immutable once made, so the same instance may sit in a
 * queue (or several) while its sender still holds a reference. The
 * exception is a latest-value slot, whose @latest is swapped under the
 * lock of the queue holding it. */
struct _UbMessage
{
  UbRefCount       ref_count;
  UbControl        control;
  GVariant        *body;        /* (owned) (nullable) */
  GBytes          *data;        /* (owned) (nullable) a bytes message's body,
                                 * instead of @body: never both */
  GPtrArray       *buffers;     /* (owned) (nullable) UbBuffer: received
                                 * with the message (moved by the post) */
  GPtrArray       *ports;       /* (owned) (nullable) UbPort: likewise */
  UbMessage       *latest;      /* (owned) (nullable) UB_CONTROL_LATEST payload,
                                 * protected by the holding queue's lock */
  char            *latest_key;  /* (owned) (nullable) UB_CONTROL_LATEST key */
  gconstpointer    origin;      /* (unowned) broadcast: the posting instance,
                                 * only compared; set before it is queued */
  guint64          stamp;       /* broadcast: when it was posted, on the clock
                                 * that also stamps each instance's creation */
  char             kind[];      /* inline, NUL-terminated */
};

UbMessage *_ub_message_new_take           (const char *kind,
                                           GVariant   *body);
UbMessage *_ub_message_new_take_bytes     (const char *kind,
                                           GBytes     *data);
UbMessage *_ub_message_new_control        (UbControl   control);
gboolean   _ub_message_validate_transfers (gpointer   *transfer,
                                           UbPort     *sender,
                                           UbEndpoint *peer,
                                           GError    **error);
void       _ub_message_serialise          (UbMessage  *message);
UbMessage *_ub_message_seal               (UbMessage  *message,
                                           gpointer   *transfer);
gboolean   _ub_message_body_is_valid      (UbMessage  *message);
gboolean   _ub_message_is_reserved        (UbMessage  *message);
gboolean   _ub_message_check_kind         (UbMessage  *message,
                                           GError    **error);
guint      _ub_message_signal_new         (const char *name,
                                           GType       itype);

G_END_DECLS
