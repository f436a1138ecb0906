/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* UbPort's internals and its endpoint queue, shared with channels,
 * workers, messages, broadcast channels and the runtime registry. Not
 * installed; not part of the public API. */

#include "ub-message-private.h"
#include "ub-port.h"

G_BEGIN_DECLS

typedef struct _UbEndpoint UbEndpoint;

/* Ports see messages before `message` is emitted; TRUE consumes one. */
typedef gboolean (*UbPortFilter) (UbPort    *port,
                                  UbMessage *message,
                                  gpointer   user_data);

UbPort     *_ub_port_transfer        (UbPort        *self);
void        _ub_port_new_pair        (guint          capacity,
                                      UbPort       **port1,
                                      UbPort       **port2);
UbPort     *_ub_port_new_unentangled (void);
void        _ub_port_close_receive   (UbPort        *self);
void        _ub_port_set_filter      (UbPort        *self,
                                      UbPortFilter   filter,
                                      gpointer       user_data);
UbEndpoint *_ub_port_ref_endpoint    (UbPort        *self);
gboolean    _ub_port_has_endpoint    (UbPort        *self,
                                      UbEndpoint    *ep);

UbEndpoint *_ub_endpoint_ref         (UbEndpoint    *ep);
void        _ub_endpoint_unref       (UbEndpoint    *ep);
gboolean    _ub_endpoint_push        (UbEndpoint    *ep,
                                      UbMessage     *message);
void        _ub_endpoint_get_stats   (UbEndpoint    *ep,
                                      UbPortStats   *stats);
gboolean    _ub_endpoint_is_closed   (UbEndpoint    *ep);

/* For g_autoptr() on a reference to an endpoint. */
typedef UbEndpoint UbEndpointRef;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UbEndpointRef, _ub_endpoint_unref)

G_END_DECLS
