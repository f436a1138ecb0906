/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-error.h"

/* Errors are raised on every thread, and G_DEFINE_QUARK's plain static is
 * a data race when two threads raise the first one at once: the quark is
 * kept in an atomic instead. g_quark_from_static_string() itself is
 * thread-safe and returns the same quark to every caller. */
GQuark
ub_error_quark (void)
{
  static gint quark;   /* (atomic) 0 until first asked for */
  GQuark q = (GQuark) g_atomic_int_get (&quark);

  if (G_UNLIKELY (q == 0))
    {
      q = g_quark_from_static_string ("ub-error-quark");
      g_atomic_int_set (&quark, (gint) q);
    }
  return q;
}
