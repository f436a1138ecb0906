/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* UbPort's internals, shared with channels, workers, messages, broadcast
 * channels and the port's delivery source. Not installed; not part of the
 * public API. */

#include "ub-endpoint-private.h"
#include "ub-port.h"

G_BEGIN_DECLS

/* Ports see messages before `message` is emitted; TRUE consumes one. */
typedef gboolean (*UbPortFilter) (UbPort    *port,
                                  UbMessage *message,
                                  gpointer   user_data);

/* What _ub_port_deliver() made of an item. */
typedef enum
{
  UB_DELIVERY_NONE,     /* nothing for the caller: control, dropped or filtered */
  UB_DELIVERY_MESSAGE,  /* a message: emitted, or handed back */
  UB_DELIVERY_CLOSE,    /* the peer closed; `close` was emitted */
  UB_DELIVERY_ERROR,    /* undecodable; `messageerror` was emitted */
} UbDelivery;

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
UbDelivery  _ub_port_deliver         (UbPort        *self,
                                      UbMessage     *item,
                                      UbMessage    **out,
                                      GError       **error);

G_END_DECLS
