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

struct _UbPort
{
  GObject       parent_instance;

  /* (owned) (nullable): NULL once the port was transferred away. */
  UbEndpoint   *endpoint;

  /* Owner-thread state. */
  UbPortFilter  filter;
  gpointer      filter_data;

  /* (owned) (nullable): the pending ub_port_receive_async(), served by
   * the delivery source, and the source that fires if it is cancelled. */
  GTask        *receive;
  GSource      *receive_cancel;
};

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
gboolean    _ub_port_post_runtime    (UbPort        *self,
                                      const char    *kind,
                                      GVariant      *body,
                                      GError       **error);
gboolean    _ub_port_post_latest_runtime (UbPort    *self,
                                      const char    *key,
                                      const char    *kind,
                                      GVariant      *body,
                                      GError       **error);
gboolean    _ub_port_fail_unusable   (UbPort        *self,
                                      GError       **error);
UbDelivery  _ub_port_deliver         (UbPort        *self,
                                      UbMessage     *item,
                                      UbMessage    **out,
                                      GError       **error);

/* ub-port-receive.c */
gboolean    _ub_port_serve_receive   (UbPort        *self,
                                      UbMessage     *item);
void        _ub_port_fail_receive    (UbPort        *self,
                                      GQuark         domain,
                                      int            code,
                                      const char    *message);

/* Whether the port may post or receive (neither transferred away nor
 * closed); sets @error if not. Inline: every post and receive asks, and
 * the answer is nearly always yes. */
static inline gboolean
_ub_port_check_usable (UbPort  *self,
                       GError **error)
{
  if (G_LIKELY (self->endpoint != NULL && !atomic_load (&self->endpoint->closed)))
    return TRUE;
  return _ub_port_fail_unusable (self, error);
}

G_END_DECLS
