/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define UB_TYPE_TEXTURE_PAINTABLE (ub_texture_paintable_get_type ())

G_DECLARE_FINAL_TYPE (UbTexturePaintable, ub_texture_paintable, UB, TEXTURE_PAINTABLE, GObject)

UbTexturePaintable *ub_texture_paintable_new           (GdkTexture         *texture);
GdkTexture         *ub_texture_paintable_get_texture   (UbTexturePaintable *self);
guint               ub_texture_paintable_get_n_renders (UbTexturePaintable *self);

G_END_DECLS
