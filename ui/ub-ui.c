/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-channels-page.h"
#include "ub-data-page.h"
#include "ub-images-page.h"
#include "ub-meter.h"
#include "ub-primes-page.h"
#include "ub-resume-bar.h"
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
      g_type_ensure (UB_TYPE_RESUME_BAR);
      g_type_ensure (UB_TYPE_PRIMES_PAGE);
      g_type_ensure (UB_TYPE_DATA_PAGE);
      g_type_ensure (UB_TYPE_IMAGES_PAGE);
      g_type_ensure (UB_TYPE_CHANNELS_PAGE);
      g_once_init_leave (&initialized, 1);
    }
}

/**
 * ub_widget_unparent_children:
 *
 * Unparents every child of @widget: for dispose() of widgets whose
 * template children are not all bound to fields.
 */
void
ub_widget_unparent_children (GtkWidget *widget)
{
  GtkWidget *child;

  g_return_if_fail (GTK_IS_WIDGET (widget));

  while ((child = gtk_widget_get_first_child (widget)) != NULL)
    gtk_widget_unparent (child);
}
