/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* UbBuffer's internals, for the messages that transfer buffers. Not
 * installed; not part of the public API. */

#include "ub-buffer.h"

G_BEGIN_DECLS

UbBuffer *_ub_buffer_transfer (UbBuffer *self);

G_END_DECLS
