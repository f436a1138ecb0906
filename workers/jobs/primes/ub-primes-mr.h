/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean _ub_primes_is_prime_mr (guint64 n);

G_END_DECLS
