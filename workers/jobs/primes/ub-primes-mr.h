/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean _ub_primes_is_prime_mr (guint64  n);
gboolean _ub_primes_mr_pays     (guint64  from,
                                 guint64  to,
                                 guint64  plimit,
                                 guint64  mr_limit);
void     _ub_primes_mr_confirm  (guint64 *words,
                                 guint64  base,
                                 gsize    n_words);

G_END_DECLS
