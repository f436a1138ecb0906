/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ub-port.h"

G_BEGIN_DECLS

#define UB_TYPE_CHANNEL (ub_channel_get_type ())

G_DECLARE_FINAL_TYPE (UbChannel, ub_channel, UB, CHANNEL, GObject)

UbChannel *ub_channel_new        (guint      capacity);
UbPort    *ub_channel_get_port1  (UbChannel *self);
UbPort    *ub_channel_get_port2  (UbChannel *self);
UbPort    *ub_channel_steal_port1 (UbChannel *self) G_GNUC_WARN_UNUSED_RESULT;
UbPort    *ub_channel_steal_port2 (UbChannel *self) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
