/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "ub-buffer.h"

G_BEGIN_DECLS

#define UB_TYPE_MESSAGE (ub_message_get_type ())

typedef struct _UbMessage UbMessage;
typedef struct _UbPort UbPort;

GType              ub_message_get_type       (void) G_GNUC_CONST;
UbMessage         *ub_message_new            (const char         *kind,
                                              GVariant           *body);
UbMessage         *ub_message_new_bytes      (const char         *kind,
                                              GBytes             *data);
UbMessage         *ub_message_ref            (UbMessage          *self);
void               ub_message_unref          (UbMessage          *self);
const char        *ub_message_get_kind       (UbMessage          *self);
GVariant          *ub_message_get_body       (UbMessage          *self);
GBytes            *ub_message_get_data       (UbMessage          *self);
gboolean           ub_message_is_kind        (UbMessage          *self,
                                              const char         *kind);
guint              ub_message_get_n_buffers  (UbMessage          *self);
UbBuffer          *ub_message_get_buffer     (UbMessage          *self,
                                              guint               index_);
guint              ub_message_get_n_ports    (UbMessage          *self);
UbPort            *ub_message_get_port       (UbMessage          *self,
                                              guint               index_);

void               ub_message_register_kind  (const char         *kind,
                                              const GVariantType *body_type);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UbMessage, ub_message_unref)

G_END_DECLS
