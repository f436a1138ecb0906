/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-meter.h"
#include "ub-resources.h"
#include "ub-ui.h"

/**
 * ub_ui_init:
 *
 * Registers the UI's resources and the types its templates name. Safe to
 * call more than once, from the main thread.
 */
void
ub_ui_init (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      ub_register_resource ();
      g_type_ensure (UB_TYPE_METER);
      g_once_init_leave (&initialized, 1);
    }
}
