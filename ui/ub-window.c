/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "ub-activity-button.h"
#include "ub-images-page.h"
#include "ub-job.h"
#include "ub-page.h"
#include "ub-primes-page.h"
#include "ub-state.h"
#include "ub-ui.h"
#include "ub-window.h"

struct _UbWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets */
  AdwHeaderBar         *header_bar;
  AdwViewStack         *stack;
  AdwViewSwitcherBar   *switcher_bar;
  UbActivityButton     *activity_button;
  UbMeter              *meter;
  AdwToastOverlay      *toast_overlay;
  GMenu                *primary_menu;

  /* Owned references */
  GSettings            *settings; /* (nullable): none without the schema */

  /* The notice shown, until it is dismissed */
  AdwToast             *message_toast; /* (unowned) */
  char                 *message;

  /* Closing: the checkpoint asked of the workers, and until when to wait */
  guint                 checkpoint_request;
  gint64                checkpoint_deadline;
  guint                 checkpoint_poll_id;
  gboolean              checkpointed;
  gboolean              closed;
};

/* How long a closed window waits, hidden, for workers to save their
 * state and for the state to reach the disk, at most. A loaded machine or
 * a busy disk (an fsync behind a page-cache writeback) can take seconds. */
#define CHECKPOINT_TIMEOUT_USEC (5 * G_TIME_SPAN_SECOND)

G_DEFINE_FINAL_TYPE (UbWindow, ub_window, ADW_TYPE_APPLICATION_WINDOW)

/* The page a child of the stack holds, inside the scrolled window (and
 * its viewport) that lets it scroll when the window is too small. */
static GtkWidget *
page_in (GtkWidget *stack_child)
{
  GtkWidget *widget = stack_child;

  while (widget != NULL && !UB_IS_PAGE (widget))
    {
      if (GTK_IS_SCROLLED_WINDOW (widget))
        widget = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (widget));
      else if (GTK_IS_VIEWPORT (widget))
        widget = gtk_viewport_get_child (GTK_VIEWPORT (widget));
      else
        return stack_child;
    }

  return widget;
}

static UbPage *
visible_page (UbWindow *self)
{
  GtkWidget *child = page_in (adw_view_stack_get_visible_child (self->stack));

  return UB_IS_PAGE (child) ? UB_PAGE (child) : NULL;
}

/* Calls @method on the visible page, if there is one. */
static void
visible_page_call (UbWindow *self,
                   void    (*method) (UbPage *page))
{
  UbPage *page = visible_page (self);

  if (page != NULL)
    method (page);
}

static void
start_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  visible_page_call (user_data, ub_page_start);
}

static void
cancel_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  visible_page_call (user_data, ub_page_cancel);
}

static void
pause_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  visible_page_call (user_data, ub_page_toggle_pause);
}

static void
show_page_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  ub_window_show_page (user_data, g_variant_get_string (parameter, NULL));
}

/* A folder of the primary menu's Recent Folders, in the gallery. */
static void
open_recent_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  UbWindow *self = user_data;
  g_autofree char *path = g_filename_from_utf8 (g_variant_get_string (parameter, NULL), -1,
                                                NULL, NULL, NULL);
  GtkWidget *images = ub_window_get_page (self, "images");

  if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *title = g_strdup_printf (_("“%s” is no longer there"),
                                                g_variant_get_string (parameter, NULL));

      ub_widget_add_toast (GTK_WIDGET (self), ub_toast_new (title));
      return;
    }
  if (UB_IS_IMAGES_PAGE (images))
    {
      ub_images_page_open_folder (UB_IMAGES_PAGE (images), path);
      ub_window_show_page (self, "images");
    }
}

/* The window's actions act on the visible page. */
static const GActionEntry win_actions[] = {
  { "start", start_action },
  { "cancel", cancel_action },
  { "pause", pause_action },
  { "show-page", show_page_action, "s" },
  { "open-recent", open_recent_action, "s" },
};

static void
foreach_page (UbWindow *self,
              void    (*func) (UbPage *page, gpointer data),
              gpointer  data)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->stack));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (UB_IS_PAGE (page_in (child)))
      func (UB_PAGE (page_in (child)), data);
}

static void
save_page (UbPage   *page,
           gpointer  data)
{
  ub_page_save_state (page);
}

static gboolean
checkpoint_poll (gpointer user_data)
{
  UbWindow *self = user_data;
  gboolean saved = ub_jobs_checkpoint_acked (self->checkpoint_request) && ub_state_is_flushed ();

  if (!saved && g_get_monotonic_time () < self->checkpoint_deadline)
    return G_SOURCE_CONTINUE;

  if (!saved)
    g_message ("Closing before every worker saved its state: the work since its last checkpoint is lost");

  self->checkpoint_poll_id = 0;
  self->checkpointed = TRUE;
  self->closed = TRUE;
  gtk_window_close (GTK_WINDOW (self));
  return G_SOURCE_REMOVE;
}

/* The beforeunload analogue: before the window goes, every page saves
 * what it holds and every running resumable job is asked to checkpoint.
 * The window is hidden at once, so closing feels immediate, and waits for
 * their acknowledgements on a timer, for a few seconds at most. */
static gboolean
ub_window_close_request (GtkWindow *window)
{
  UbWindow *self = UB_WINDOW (window);

  if (self->checkpointed)
    return GTK_WINDOW_CLASS (ub_window_parent_class)->close_request (window);

  if (self->checkpoint_poll_id != 0)
    return TRUE;

  foreach_page (self, save_page, NULL);
  self->checkpoint_request = ub_jobs_request_checkpoint ();
  self->checkpoint_deadline = g_get_monotonic_time () + CHECKPOINT_TIMEOUT_USEC;
  self->checkpoint_poll_id = g_timeout_add (5, checkpoint_poll, self);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
  return TRUE;
}

/* The size and state the next window starts with. Saved whenever the
 * window goes, closed or destroyed by a reload. */
static void
save_window_state (UbWindow *self)
{
  int width, height;

  if (self->settings == NULL || !gtk_widget_get_realized (GTK_WIDGET (self)))
    return;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_delay (self->settings);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  if (width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_apply (self->settings);
}

static void
on_visible_page_changed (UbWindow *self)
{
  const char *name = adw_view_stack_get_visible_child_name (self->stack);

  if (self->settings != NULL && name != NULL)
    g_settings_set_string (self->settings, "last-page", name);
}

static void
ub_window_unrealize (GtkWidget *widget)
{
  save_window_state (UB_WINDOW (widget));

  GTK_WIDGET_CLASS (ub_window_parent_class)->unrealize (widget);
}

static void
ub_window_dispose (GObject *object)
{
  UbWindow *self = UB_WINDOW (object);

  if (self->stack != NULL)
    g_signal_handlers_disconnect_by_func (self->stack, on_visible_page_changed, self);
  g_clear_object (&self->settings);

  g_clear_handle_id (&self->checkpoint_poll_id, g_source_remove);
  ub_state_unset_message_func (self);
  if (self->message_toast != NULL)
    g_signal_handlers_disconnect_by_data (self->message_toast, self);
  self->message_toast = NULL;

  G_OBJECT_CLASS (ub_window_parent_class)->dispose (object);
}

static void
ub_window_finalize (GObject *object)
{
  UbWindow *self = UB_WINDOW (object);

  g_clear_pointer (&self->message, g_free);

  G_OBJECT_CLASS (ub_window_parent_class)->finalize (object);
}

static void
show_message (const char *message,
              gpointer    user_data)
{
  ub_window_show_message (user_data, message);
}

static void
offer_saved (UbPage   *page,
             gpointer  data)
{
  ub_page_load_saved (page, GPOINTER_TO_INT (data));
}

/* The saved state is read (ub_state_when_loaded()). */
static void
state_loaded (GObject *object)
{
  UbWindow *self = UB_WINDOW (object);

  /* Failures to save, and a state file set aside as corrupt, show here. */
  ub_state_set_message_func (show_message, self);
  /* Unfinished work from an earlier run is offered in its page. */
  foreach_page (self, offer_saved, GINT_TO_POINTER (FALSE));
}

static void
resume_when_loaded (GObject *object)
{
  foreach_page (UB_WINDOW (object), offer_saved, GINT_TO_POINTER (TRUE));
}

static void restore_view (UbPage *page, gpointer data);

static void
restore_views_when_loaded (GObject *object)
{
  foreach_page (UB_WINDOW (object), restore_view, NULL);
}

static void
ub_window_class_init (UbWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = ub_window_dispose;
  object_class->finalize = ub_window_finalize;
  window_class->close_request = ub_window_close_request;
  widget_class->unrealize = ub_window_unrealize;

  ub_ui_init ();
  g_type_ensure (UB_TYPE_ACTIVITY_BUTTON);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/unblock/Unblock/ub-window.ui");
  gtk_widget_class_bind_template_child (widget_class, UbWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, UbWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, UbWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, UbWindow, activity_button);
  gtk_widget_class_bind_template_child (widget_class, UbWindow, meter);
  gtk_widget_class_bind_template_child (widget_class, UbWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, UbWindow, primary_menu);
}

static void
ub_window_init (UbWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  ub_activity_button_set_page_names (self->activity_button, self->stack);

  self->settings = ub_ui_dup_settings ();
  if (self->settings != NULL)
    {
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   g_settings_get_int (self->settings, "window-width"),
                                   g_settings_get_int (self->settings, "window-height"));
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
    }
  g_signal_connect_swapped (self->stack, "notify::visible-child-name",
                            G_CALLBACK (on_visible_page_changed), self);

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions,
                                   G_N_ELEMENTS (win_actions), self);
  {
    g_autoptr(GMenuModel) recent = ub_ui_recent_folders_menu_new ();
    g_autoptr(GMenu) section = g_menu_new ();

    g_menu_append_submenu (section, _("Recent _Folders"), recent);
    g_menu_insert_section (self->primary_menu, 1, NULL, G_MENU_MODEL (section));
  }

  /* The window shows at once; what the store holds arrives when its
   * background read ends. */
  ub_state_when_loaded (G_OBJECT (self), state_loaded);
}

static void
on_message_dismissed (AdwToast *toast,
                      UbWindow *self)
{
  if (toast == self->message_toast)
    {
      self->message_toast = NULL;
      g_clear_pointer (&self->message, g_free);
    }
}

/**
 * ub_window_show_message:
 * @message: a sentence for the user
 *
 * Shows @message as a notice that needs no answer: a toast, which stays
 * until dismissed, since what it says (state that could not be saved)
 * must not slip by unread.
 */
void
ub_window_show_message (UbWindow   *self,
                        const char *message)
{
  g_autoptr(AdwToast) toast = NULL;

  g_return_if_fail (UB_IS_WINDOW (self));
  g_return_if_fail (message != NULL);

  toast = ub_toast_new (message);
  adw_toast_set_timeout (toast, 0);
  if (self->message_toast != NULL)
    adw_toast_dismiss (self->message_toast);
  self->message_toast = toast;
  g_free (self->message);
  self->message = g_strdup (message);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_message_dismissed), self, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, g_steal_pointer (&toast));
}

/**
 * ub_window_get_message:
 *
 * Returns: (nullable): the message shown, if any
 */
const char *
ub_window_get_message (UbWindow *self)
{
  g_return_val_if_fail (UB_IS_WINDOW (self), NULL);

  return self->message;
}

/**
 * ub_window_resume_saved:
 *
 * Resumes, without asking, the work an earlier window saved: for a
 * reloaded window.
 */
void
ub_window_resume_saved (UbWindow *self)
{
  g_return_if_fail (UB_IS_WINDOW (self));

  ub_state_when_loaded (G_OBJECT (self), resume_when_loaded);
}

static void
save_view (UbPage   *page,
           gpointer  data)
{
  if (UB_PAGE_GET_CLASS (page)->run_key != NULL)
    return;
  ub_page_save_state (page);
  ub_page_hand_over (page);
}

static void
restore_view (UbPage   *page,
              gpointer  data)
{
  if (UB_PAGE_GET_CLASS (page)->run_key == NULL)
    ub_page_load_saved (page, TRUE);
}

/**
 * ub_window_save_views:
 *
 * Before a reload: the pages that are not built on runs save what they
 * show (a gallery's folder and scroll position) and hand their running
 * work over to the next window's pages (ub_page_hand_over()). Runs need
 * nothing: they outlive the window.
 */
void
ub_window_save_views (UbWindow *self)
{
  g_return_if_fail (UB_IS_WINDOW (self));

  foreach_page (self, save_view, NULL);
}

/**
 * ub_window_restore_views:
 *
 * After a reload: the pages that are not built on runs show again what
 * ub_window_save_views() saved.
 */
void
ub_window_restore_views (UbWindow *self)
{
  g_return_if_fail (UB_IS_WINDOW (self));

  ub_state_when_loaded (G_OBJECT (self), restore_views_when_loaded);
}

/**
 * ub_window_was_closed:
 *
 * Returns: whether the window went because it was closed (by the user,
 *   or by quitting), after its checkpoint, rather than destroyed
 */
gboolean
ub_window_was_closed (UbWindow *self)
{
  g_return_val_if_fail (UB_IS_WINDOW (self), FALSE);

  return self->closed;
}

/**
 * ub_window_is_closing:
 *
 * Returns: whether the window is waiting for its workers to save their
 *   state before it closes
 */
gboolean
ub_window_is_closing (UbWindow *self)
{
  g_return_val_if_fail (UB_IS_WINDOW (self), FALSE);

  return self->checkpoint_poll_id != 0;
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
 * ub_window_get_activity_button:
 *
 * Returns: (transfer none): the header bar's list of every run
 */
UbActivityButton *
ub_window_get_activity_button (UbWindow *self)
{
  g_return_val_if_fail (UB_IS_WINDOW (self), NULL);

  return self->activity_button;
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

  return page_in (adw_view_stack_get_child_by_name (self->stack, name));
}

/**
 * ub_window_get_visible_page_name:
 *
 * Returns: (nullable): the name of the page shown
 */
const char *
ub_window_get_visible_page_name (UbWindow *self)
{
  g_return_val_if_fail (UB_IS_WINDOW (self), NULL);

  return adw_view_stack_get_visible_child_name (self->stack);
}

/**
 * ub_window_get_visible_page:
 *
 * Returns: (transfer none) (nullable): the page shown
 */
GtkWidget *
ub_window_get_visible_page (UbWindow *self)
{
  g_return_val_if_fail (UB_IS_WINDOW (self), NULL);

  return page_in (adw_view_stack_get_visible_child (self->stack));
}

/**
 * ub_window_show_last_page:
 *
 * Shows the page the last window showed, as the next start of the
 * application does.
 */
void
ub_window_show_last_page (UbWindow *self)
{
  g_autofree char *name = NULL;

  g_return_if_fail (UB_IS_WINDOW (self));

  if (self->settings == NULL)
    return;

  name = g_settings_get_string (self->settings, "last-page");
  ub_window_show_page (self, name);
}

/**
 * ub_window_show_page:
 * @name: "primes", "images", "data" or "channels"
 *
 * Shows the page called @name, if there is one.
 *
 * Returns: whether there is a page called @name
 */
gboolean
ub_window_show_page (UbWindow   *self,
                     const char *name)
{
  g_return_val_if_fail (UB_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (adw_view_stack_get_child_by_name (self->stack, name) == NULL)
    return FALSE;

  adw_view_stack_set_visible_child_name (self->stack, name);
  return TRUE;
}
