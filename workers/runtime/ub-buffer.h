/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define UB_TYPE_BUFFER (ub_buffer_get_type ())

G_DECLARE_FINAL_TYPE (UbBuffer, ub_buffer, UB, BUFFER, GObject)

UbBuffer     *ub_buffer_new           (gsize           size);
UbBuffer     *ub_buffer_new_take      (gpointer        data,
                                       gsize           size,
                                       GDestroyNotify  free_func);
UbBuffer     *ub_buffer_new_from_bytes (GBytes        *bytes);
gpointer      ub_buffer_get_data      (UbBuffer       *self,
                                       gsize          *size);
gsize         ub_buffer_get_size      (UbBuffer       *self);
gboolean      ub_buffer_is_detached   (UbBuffer       *self);
GBytes       *ub_buffer_dup_bytes     (UbBuffer       *self);

G_END_DECLS
