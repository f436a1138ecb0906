/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-channel.h"
#include "ub-port-private.h"

/**
 * UbChannel:
 *
 * Two entangled ports, the analogue of a web `MessageChannel`: what is
 * posted on one arrives at the other. Each direction is its own queue
 * (a ring of messages under one lock; see ub-ring-private.h), bounded to
 * @capacity messages if that is not 0.
 *
 * The channel object only hands the ports out; they live on their own
 * once stolen or referenced.
 */
struct _UbChannel
{
  GObject  parent_instance;

  UbPort  *port1;   /* (owned) (nullable) */
  UbPort  *port2;   /* (owned) (nullable) */
};

G_DEFINE_FINAL_TYPE (UbChannel, ub_channel, G_TYPE_OBJECT)

static void
ub_channel_dispose (GObject *object)
{
  UbChannel *self = UB_CHANNEL (object);

  g_clear_object (&self->port1);
  g_clear_object (&self->port2);

  G_OBJECT_CLASS (ub_channel_parent_class)->dispose (object);
}

static void
ub_channel_class_init (UbChannelClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ub_channel_dispose;
}

static void
ub_channel_init (UbChannel *self)
{
}

/**
 * ub_channel_new:
 * @capacity: the most messages each direction may hold, 0 for no bound
 *
 * Returns: (transfer full): a new channel with two entangled ports
 */
UbChannel *
ub_channel_new (guint capacity)
{
  UbChannel *self = g_object_new (UB_TYPE_CHANNEL, NULL);

  _ub_port_new_pair (capacity, &self->port1, &self->port2);
  return self;
}

/**
 * ub_channel_get_port1:
 * @self: a #UbChannel
 *
 * Returns: (transfer none) (nullable): the first port, unless stolen
 */
UbPort *
ub_channel_get_port1 (UbChannel *self)
{
  g_return_val_if_fail (UB_IS_CHANNEL (self), NULL);

  return self->port1;
}

/**
 * ub_channel_get_port2:
 * @self: a #UbChannel
 *
 * Returns: (transfer none) (nullable): the second port, unless stolen
 */
UbPort *
ub_channel_get_port2 (UbChannel *self)
{
  g_return_val_if_fail (UB_IS_CHANNEL (self), NULL);

  return self->port2;
}

/**
 * ub_channel_steal_port1:
 * @self: a #UbChannel
 *
 * Returns: (transfer full) (nullable): the first port; the channel forgets it
 */
UbPort *
ub_channel_steal_port1 (UbChannel *self)
{
  g_return_val_if_fail (UB_IS_CHANNEL (self), NULL);

  return g_steal_pointer (&self->port1);
}

/**
 * ub_channel_steal_port2:
 * @self: a #UbChannel
 *
 * Returns: (transfer full) (nullable): the second port; the channel forgets it
 */
UbPort *
ub_channel_steal_port2 (UbChannel *self)
{
  g_return_val_if_fail (UB_IS_CHANNEL (self), NULL);

  return g_steal_pointer (&self->port2);
}
