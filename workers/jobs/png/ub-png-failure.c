/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-png-failure-private.h"

/* libpng's error callback: its error pointer is a UbPngFailure. */
void
_ub_png_failure_on_error (png_structp     png,
                          png_const_charp message)
{
  UbPngFailure *failure = png_get_error_ptr (png);

  g_strlcpy (failure->message, message, sizeof failure->message);
  png_longjmp (png, 1);
}

void
_ub_png_failure_on_warning (png_structp     png,
                            png_const_charp message)
{
  g_debug ("libpng: %s", message);
}

/* Moves the cause an I/O callback recorded, if there is one, to @error.
 * Returns FALSE when libpng's message is all there is. */
gboolean
_ub_png_failure_take_cause (UbPngFailure  *failure,
                            GError       **error)
{
  if (failure->cause == NULL)
    return FALSE;
  g_propagate_error (error, g_steal_pointer (&failure->cause));
  return TRUE;
}

void
_ub_png_failure_clear (UbPngFailure *failure)
{
  g_clear_error (&failure->cause);
  failure->message[0] = '\0';
}
