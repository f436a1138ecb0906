/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-page.h"
#include "ub-primes-page.h"
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
  UbPrimesPage         *primes_page;
};

G_DEFINE_FINAL_TYPE (UbWindow, ub_window, GTK_TYPE_APPLICATION_WINDOW)

static UbPage *
visible_page (UbWindow *self)
{
  GtkWidget *child = gtk_stack_get_visible_child (self->stack);

  return UB_IS_PAGE (child) ? UB_PAGE (child) : NULL;
}

static void
start_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  UbPage *page = visible_page (user_data);

  if (page != NULL)
    ub_page_start (page);
}

static void
cancel_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  UbPage *page = visible_page (user_data);

  if (page != NULL)
    ub_page_cancel (page);
}

static void
pause_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  UbPage *page = visible_page (user_data);

  if (page != NULL)
    ub_page_toggle_pause (page);
}

static void
show_page_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  UbWindow *self = user_data;
  const char *name = g_variant_get_string (parameter, NULL);

  if (gtk_stack_get_child_by_name (self->stack, name) != NULL)
    gtk_stack_set_visible_child_name (self->stack, name);
}

/* The window's actions act on the visible page. */
static const GActionEntry win_actions[] = {
  { "start", start_action },
  { "cancel", cancel_action },
  { "pause", pause_action },
  { "show-page", show_page_action, "s" },
};

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
  gtk_widget_class_bind_template_child (widget_class, UbWindow, primes_page);
}

static void
ub_window_init (UbWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions,
                                   G_N_ELEMENTS (win_actions), self);
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
 * ub_window_get_page:
 * @name: "primes", "images", "data" or "channels"
 *
 * Returns: (transfer none) (nullable): the page with that name
 */
GtkWidget *
ub_window_get_page (UbWindow   *self,
                    const char *name)
{
  g_return_val_if_fail (UB_IS_WINDOW (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return gtk_stack_get_child_by_name (self->stack, name);
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
