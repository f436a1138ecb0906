/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-page.h"

G_DEFINE_INTERFACE (UbPage, ub_page, GTK_TYPE_WIDGET)

static void
ub_page_default_init (UbPageInterface *iface)
{
}

void
ub_page_start (UbPage *self)
{
  g_return_if_fail (UB_IS_PAGE (self));

  if (UB_PAGE_GET_IFACE (self)->start)
    UB_PAGE_GET_IFACE (self)->start (self);
}

void
ub_page_cancel (UbPage *self)
{
  g_return_if_fail (UB_IS_PAGE (self));

  if (UB_PAGE_GET_IFACE (self)->cancel)
    UB_PAGE_GET_IFACE (self)->cancel (self);
}

void
ub_page_toggle_pause (UbPage *self)
{
  g_return_if_fail (UB_IS_PAGE (self));

  if (UB_PAGE_GET_IFACE (self)->toggle_pause)
    UB_PAGE_GET_IFACE (self)->toggle_pause (self);
}

void
ub_page_start_demo (UbPage *self)
{
  g_return_if_fail (UB_IS_PAGE (self));

  if (UB_PAGE_GET_IFACE (self)->start_demo)
    UB_PAGE_GET_IFACE (self)->start_demo (self);
  else
    ub_page_start (self);
}

gboolean
ub_page_is_busy (UbPage *self)
{
  g_return_val_if_fail (UB_IS_PAGE (self), FALSE);

  if (UB_PAGE_GET_IFACE (self)->is_busy)
    return UB_PAGE_GET_IFACE (self)->is_busy (self);
  return FALSE;
}

/**
 * ub_page_get_blocking:
 *
 * Returns: whether the application's "blocking" action is on: then jobs
 *   run on the main thread, the negative control
 */
gboolean
ub_page_get_blocking (UbPage *self)
{
  GtkRoot *root;
  GtkApplication *app = NULL;
  g_autoptr(GVariant) state = NULL;

  g_return_val_if_fail (UB_IS_PAGE (self), FALSE);

  root = gtk_widget_get_root (GTK_WIDGET (self));
  if (GTK_IS_WINDOW (root))
    app = gtk_window_get_application (GTK_WINDOW (root));
  if (app == NULL || !g_action_group_has_action (G_ACTION_GROUP (app), "blocking"))
    return FALSE;

  state = g_action_group_get_action_state (G_ACTION_GROUP (app), "blocking");
  return state != NULL && g_variant_get_boolean (state);
}
