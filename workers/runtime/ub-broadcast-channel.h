/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ub-message.h"

G_BEGIN_DECLS

#define UB_TYPE_BROADCAST_CHANNEL (ub_broadcast_channel_get_type ())

G_DECLARE_FINAL_TYPE (UbBroadcastChannel, ub_broadcast_channel, UB, BROADCAST_CHANNEL, GObject)

UbBroadcastChannel *ub_broadcast_channel_new      (const char         *name);
const char         *ub_broadcast_channel_get_name (UbBroadcastChannel *self);
gboolean            ub_broadcast_channel_post     (UbBroadcastChannel *self,
                                                   const char         *kind,
                                                   GVariant           *body,
                                                   GError            **error);
gboolean            ub_broadcast_channel_post_bytes (UbBroadcastChannel *self,
                                                     const char         *kind,
                                                     GBytes             *data,
                                                     GError            **error);
void                ub_broadcast_channel_close    (UbBroadcastChannel *self);
gboolean            ub_broadcast_channel_is_closed (UbBroadcastChannel *self);

G_END_DECLS
