/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The largest pre-sieved prime: the sieve crosses off only primes above. */
#define UB_PRESIEVE_LAST 101u

void _ub_presieve_fill    (guint8  *buf,
                           guint64  base,
                           gsize    n);
void _ub_presieve_restore (guint8  *buf,
                           guint64  base,
                           gsize    n);

G_END_DECLS
