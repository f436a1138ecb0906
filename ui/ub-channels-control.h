/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define UB_TYPE_CHANNELS_CONTROL (ub_channels_control_get_type ())

G_DECLARE_FINAL_TYPE (UbChannelsControl, ub_channels_control, UB, CHANNELS_CONTROL, GObject)

UbChannelsControl *ub_channels_control_new      (const char         *channel_name);
gboolean           ub_channels_control_send     (UbChannelsControl  *self,
                                                 const char         *kind,
                                                 const char         *command,
                                                 GVariant           *body,
                                                 gboolean            expect_acks,
                                                 GError            **error);
const char        *ub_channels_control_get_text (UbChannelsControl  *self);
void               ub_channels_control_close    (UbChannelsControl  *self);

G_END_DECLS
