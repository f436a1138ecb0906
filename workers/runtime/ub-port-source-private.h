/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* A started port's delivery source. Not installed; not part of the public
 * API. */

#include "ub-endpoint-private.h"

G_BEGIN_DECLS

GSource *_ub_port_source_new (UbEndpoint *ep);

G_END_DECLS
