/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-ui.h"
#include "ub-window.h"

struct _UbWindow
{
  GtkApplicationWindow  parent_instance;

  /* Template widgets */
  GtkHeaderBar         *header_bar;
  GtkStack             *stack;
  GtkStackSwitcher     *switcher;
  GtkMenuButton        *menu_button;
  GtkSwitch            *blocking_switch;
  UbMeter              *meter;
};

G_DEFINE_FINAL_TYPE (UbWindow, ub_window, GTK_TYPE_APPLICATION_WINDOW)

static void
ub_window_class_init (UbWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  ub_ui_init ();

  gtk_widget_class_set_template_from_resource (widget_class, "/io/unblock/Unblock/ub-window.ui");
  gtk_widget_class_bind_template_child (widget_class, UbWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, UbWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, UbWindow, switcher);
  gtk_widget_class_bind_template_child (widget_class, UbWindow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, UbWindow, blocking_switch);
  gtk_widget_class_bind_template_child (widget_class, UbWindow, meter);
}

static void
ub_window_init (UbWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

UbWindow *
ub_window_new (GtkApplication *application)
{
  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);

  return g_object_new (UB_TYPE_WINDOW, "application", application, NULL);
}

/**
 * ub_window_get_meter:
 *
 * Returns: (transfer none): the window's responsiveness meter
 */
UbMeter *
ub_window_get_meter (UbWindow *self)
{
  g_return_val_if_fail (UB_IS_WINDOW (self), NULL);

  return self->meter;
}

/**
 * ub_window_get_stack:
 *
 * Returns: (transfer none): the stack that holds the pages
 */
GtkStack *
ub_window_get_stack (UbWindow *self)
{
  g_return_val_if_fail (UB_IS_WINDOW (self), NULL);

  return self->stack;
}
