/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "ub-about.h"
#include "ub-application.h"
#include "ub-image-viewer.h"
#include "ub-images-page.h"
#include "ub-jobs.h"
#include "ub-page.h"
#include "ub-png-jobs.h"
#include "ub-png-thumbnail-cache.h"
#include "ub-run-manager.h"
#include "ub-screenshot.h"
#include "ub-state.h"
#include "ub-ui.h"
#include "ub-window.h"

/* Frames the window must have drawn before a screenshot is taken. */
#define SCREENSHOT_FRAMES       5
#define SCREENSHOT_MIN_DELAY_MS 250
/* With --demo: long enough for the workload to be in full swing, and for
 * the start-up's own stall to leave the meter's 10 s window. */
#define SCREENSHOT_DEMO_DELAY_MS 11000

struct _UbApplication
{
  AdwApplication  parent_instance;

  /* Command line */
  char           *screenshot_path;
  char           *page;
  gboolean        demo;
  gboolean        start_blocking;
  int             screenshot_delay_ms;

  int             exit_status;
  gboolean        reloading;
  gboolean        quitting;
  gboolean        background;   /* held: runs go on with no window */
  UbNoticeSink    notice_sink;
  gpointer        notice_data;
  char           *reload_page;  /* (nullable): the page the reloaded window showed */
};

G_DEFINE_FINAL_TYPE (UbApplication, ub_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "screenshot", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Start, draw a few frames, save the window as a PNG to FILE and exit"), N_("FILE") },
  { "page", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Show the given page at start-up"), N_("NAME") },
  { "demo", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Start the page's showcase workload (with --screenshot: capture mid-work)"), NULL },
  { "screenshot-delay", 0, 0, G_OPTION_ARG_INT, NULL,
    N_("With --screenshot: wait this long before capturing (default 250, 11000 with --demo)"), N_("MS") },
  { "blocking", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Start in blocking mode: work runs on the main thread"), NULL },
  { "quit", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Stop the running Unblock, saving its work, and exit"), NULL },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Print the version and exit"), NULL },
  { NULL }
};

/* The application's main window, if it has one: the active window may
 * be an image viewer. */
static GtkWindow *
main_window (UbApplication *self)
{
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (UB_IS_WINDOW (active))
    return active;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (UB_IS_WINDOW (l->data))
      return l->data;

  return NULL;
}

static void
send_notice (UbApplication  *self,
             const UbNotice *notice)
{
  g_autoptr(GNotification) notification = NULL;

  if (self->notice_sink != NULL)
    {
      self->notice_sink (self, notice, self->notice_data);
      return;
    }

  notification = g_notification_new (notice->title);
  if (notice->body != NULL)
    g_notification_set_body (notification, notice->body);
  if (notice->default_action != NULL)
    g_notification_set_default_action (notification, notice->default_action);
  if (notice->button_label != NULL)
    g_notification_add_button (notification, notice->button_label, notice->button_action);
  g_application_send_notification (G_APPLICATION (self), notice->id, notification);
}

static void
leave_background (UbApplication *self)
{
  if (!self->background)
    return;

  self->background = FALSE;
  g_application_withdraw_notification (G_APPLICATION (self), "background");
  g_application_release (G_APPLICATION (self));
}

/* Every run stops where it is, saved; the application can end. */
static void
stop_runs (UbApplication *self)
{
  ub_run_manager_stop_all (ub_run_manager_get_default ());
  self->quitting = FALSE;
  leave_background (self);
}

static void
ub_application_quit_action (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  UbApplication *self = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  /* Closing (not destroying) the windows lets their workers save their
   * state first; the runs stop when the last one has gone. */
  self->quitting = TRUE;
  if (windows == NULL)
    {
      /* In the background: each run saves where its parts last were. */
      stop_runs (self);
      return;
    }

  while (windows != NULL)
    {
      GList *next = windows->next;

      gtk_window_close (GTK_WINDOW (windows->data));
      windows = next;
    }
}

static void
enter_background (UbApplication *self)
{
  UbRunManager *manager = ub_run_manager_get_default ();
  g_autoptr(GString) body = g_string_new (NULL);
  UbNotice notice = { 0 };

  if (!self->background)
    {
      self->background = TRUE;
      g_application_hold (G_APPLICATION (self));
    }

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (manager)); i++)
    {
      g_autoptr(UbRun) run = g_list_model_get_item (G_LIST_MODEL (manager), i);

      if (ub_run_is_active (run))
        g_string_append_printf (body, "%s%s", body->len ? "\n" : "", ub_run_get_title (run));
    }

  notice.id = "background";
  notice.title = _("Unblock goes on working");
  notice.body = body->str;
  notice.default_action = "app.activate";
  notice.button_label = _("Stop");
  notice.button_action = "app.quit";
  send_notice (self, &notice);
}

static void
on_run_finished (UbRunManager  *manager,
                 UbRun         *run,
                 UbApplication *self)
{
  g_autofree char *title = NULL;
  g_autofree char *action = NULL;
  const char *body = NULL;
  UbNotice notice = { 0 };

  /* Only work that went on without a window is worth a notification. */
  if (!self->background || gtk_application_get_windows (GTK_APPLICATION (self)) != NULL)
    {
      if (ub_run_manager_get_n_active (manager) == 0)
        leave_background (self);
      return;
    }

  switch (ub_run_get_state (run))
    {
    case UB_RUN_DONE:
      title = g_strdup_printf (_("Done: %s"), ub_run_get_title (run));
      break;
    case UB_RUN_FAILED:
      title = g_strdup_printf (_("Failed: %s"), ub_run_get_title (run));
      body = ub_run_get_error (run) ? ub_run_get_error (run)->message : NULL;
      break;
    case UB_RUN_CANCELLED:
    default:
      title = g_strdup_printf (_("Stopped: %s"), ub_run_get_title (run));
      break;
    }

  action = g_strdup_printf ("app.show-run::%s", ub_run_get_key (run));
  notice.id = ub_run_get_key (run);
  notice.title = title;
  notice.body = body;
  notice.default_action = action;
  send_notice (self, &notice);

  if (ub_run_manager_get_n_active (manager) == 0)
    leave_background (self);
}

static void
ub_application_show_run_action (GSimpleAction *action,
                                GVariant      *parameter,
                                gpointer       user_data)
{
  UbApplication *self = user_data;
  const char *key = g_variant_get_string (parameter, NULL);
  /* A page's runs are keyed by its name, or by its name and a dot. */
  g_autofree char *page = g_strndup (key, strcspn (key, "."));
  GtkWindow *window;

  g_application_activate (G_APPLICATION (self));
  window = main_window (self);
  if (window != NULL)
    ub_window_show_page (UB_WINDOW (window), page);
  g_application_withdraw_notification (G_APPLICATION (self), key);
}

static void
ub_application_activate_action (GSimpleAction *action,
                                GVariant      *parameter,
                                gpointer       user_data)
{
  g_application_activate (G_APPLICATION (user_data));
}

static void
on_window_removed (GtkApplication *app,
                   GtkWindow      *window,
                   gpointer        user_data)
{
  UbApplication *self = UB_APPLICATION (app);
  UbWindow *fresh;

  if (!self->reloading)
    {
      if (gtk_application_get_windows (app) != NULL)
        return;

      /* The user closed the last window: the work goes on without it, as
       * the Files app's operations do. Quitting, or a window destroyed
       * by the program, stops the work where it is, saved, and the next
       * start offers to resume it. */
      if (!self->quitting && ub_window_was_closed (UB_WINDOW (window)) &&
          ub_run_manager_get_n_active (ub_run_manager_get_default ()) > 0)
        enter_background (self);
      else
        stop_runs (self);
      return;
    }

  /* The page-refresh analogue: the new window's pages find the runs
   * where the old window's left them, still running, in the same
   * workers; only what views keep themselves is handed over. */
  self->reloading = FALSE;
  fresh = ub_window_new (app);
  if (self->reload_page != NULL)
    ub_window_show_page (fresh, self->reload_page);
  g_clear_pointer (&self->reload_page, g_free);
  gtk_window_present (GTK_WINDOW (fresh));
  ub_window_restore_views (fresh);
  g_application_release (G_APPLICATION (self));
}

static void
ub_application_reload_action (GSimpleAction *action,
                              GVariant      *parameter,
                              gpointer       user_data)
{
  UbApplication *self = user_data;
  GtkWindow *window = main_window (self);

  if (window == NULL || self->reloading)
    return;

  /* Kept alive between the old window and the new one. The window is
   * destroyed, not closed: closing would checkpoint work that goes on. */
  self->reloading = TRUE;
  g_application_hold (G_APPLICATION (self));
  g_free (self->reload_page);
  self->reload_page = g_strdup (ub_window_get_visible_page_name (UB_WINDOW (window)));
  ub_window_save_views (UB_WINDOW (window));
  gtk_window_destroy (window);
}

static void
ub_application_about_action (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  UbApplication *self = user_data;

  ub_about_present (gtk_application_get_active_window (GTK_APPLICATION (self)),
                    ub_application_get_blocking (self));
}

static void
ub_application_help_action (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  UbApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  g_autofree char *readme = NULL;

  if (g_file_test (UB_README_PATH, G_FILE_TEST_IS_REGULAR))
    readme = g_filename_to_uri (UB_README_PATH, NULL, NULL);
  gtk_show_uri (parent, readme != NULL ? readme : UB_HOMEPAGE_URL, GDK_CURRENT_TIME);
}

static void
ub_application_blocking_change_state (GSimpleAction *action,
                                      GVariant      *value,
                                      gpointer       user_data)
{
  g_simple_action_set_state (action, value);
}

static const GActionEntry app_actions[] = {
  { "quit", ub_application_quit_action },
  { "activate", ub_application_activate_action },
  { "show-run", ub_application_show_run_action, "s" },
  { "reload", ub_application_reload_action },
  { "about", ub_application_about_action },
  { "help", ub_application_help_action },
  { "blocking", NULL, NULL, "false", ub_application_blocking_change_state },
};

static const struct
{
  const char *action;
  const char *accels[3];
} app_accels[] = {
  { "app.quit", { "<Primary>q", NULL } },
  { "app.help", { "F1", NULL } },
  { "app.reload", { "F5", "<Primary>r", NULL } },
  { "app.blocking", { "<Primary>b", NULL } },
  { "win.show-help-overlay", { "<Primary>question", NULL } },
  { "win.start", { "<Primary>Return", NULL } },
  { "win.pause", { "<Primary>p", NULL } },
  { "win.cancel", { "Escape", NULL } },
  { "win.show-page('primes')", { "<Alt>1", NULL } },
  { "win.show-page('images')", { "<Alt>2", NULL } },
  { "win.show-page('data')", { "<Alt>3", NULL } },
  { "win.show-page('channels')", { "<Alt>4", NULL } },
};

static void
ub_application_startup (GApplication *app)
{
  UbApplication *self = UB_APPLICATION (app);

  /* Before chaining up: GtkApplication looks for gtk/help-overlay.ui then. */
  ub_ui_init ();
  /* Every job, and the worker kind that runs them, before any window. */
  ub_jobs_register_all ();
  /* The saved state is read in the background while GTK starts. */
  ub_state_preload ();
  /* The gallery shares its thumbnails with the rest of the desktop. */
  {
    g_autofree char *thumbnails = ub_thumbnail_cache_dup_default_root ();

    ub_png_jobs_set_thumbnail_cache (thumbnails);
  }

  G_APPLICATION_CLASS (ub_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  for (guint i = 0; i < G_N_ELEMENTS (app_accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self),
                                           app_accels[i].action, app_accels[i].accels);

  /* AdwApplication loads style.css (and style-dark.css, style-hc.css)
   * from the resource base path itself, and follows the system's dark
   * and high-contrast styles. */
  gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                    "/io/unblock/Unblock/icons");
  gtk_window_set_default_icon_name (APP_ID);

  g_signal_connect (self, "window-removed", G_CALLBACK (on_window_removed), NULL);
  g_signal_connect_object (ub_run_manager_get_default (), "run-finished",
                           G_CALLBACK (on_run_finished), self, 0);
}

static void
screenshot_ready (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(UbApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  GtkWidget *window = GTK_WIDGET (object);

  if (!ub_screenshot_when_painted_finish (window, result, &error) ||
      !ub_screenshot_save (window, self->screenshot_path, &error))
    {
      g_printerr ("unblock: %s\n", error->message);
      self->exit_status = 1;
    }

  g_action_group_activate_action (G_ACTION_GROUP (self), "quit", NULL);
  g_application_release (G_APPLICATION (self));
}

static void
ub_application_activate (GApplication *app)
{
  UbApplication *self = UB_APPLICATION (app);
  GtkWindow *window = main_window (self);
  guint screenshot_delay_ms = SCREENSHOT_MIN_DELAY_MS;

  if (window == NULL)
    {
      window = GTK_WINDOW (ub_window_new (GTK_APPLICATION (self)));
      ub_window_show_last_page (UB_WINDOW (window));
    }

  if (self->page != NULL)
    {
      if (!ub_window_show_page (UB_WINDOW (window), self->page))
        g_printerr (_("unblock: there is no page called “%s”\n"), self->page);
    }

  gtk_window_present (window);

  if (self->start_blocking)
    {
      self->start_blocking = FALSE;
      g_action_group_change_action_state (G_ACTION_GROUP (self), "blocking",
                                          g_variant_new_boolean (TRUE));
    }

  if (self->demo)
    {
      GtkWidget *page = ub_window_get_visible_page (UB_WINDOW (window));

      /* Only once: a later activation must not restart it. */
      self->demo = FALSE;
      if (UB_IS_PAGE (page))
        ub_page_start_demo (UB_PAGE (page));
      if (self->screenshot_path != NULL)
        screenshot_delay_ms = SCREENSHOT_DEMO_DELAY_MS;
    }

  if (self->screenshot_delay_ms >= 0)
    screenshot_delay_ms = (guint) self->screenshot_delay_ms;

  if (self->screenshot_path != NULL)
    {
      /* Hold the application until the picture is saved. */
      g_application_hold (app);
      ub_screenshot_when_painted (GTK_WIDGET (window), SCREENSHOT_FRAMES,
                                  screenshot_delay_ms, NULL,
                                  screenshot_ready, g_object_ref (self));
    }
}

/* `unblock FILE|FOLDER…`, or files from the file manager: a folder opens
 * in the gallery, PNG files in the viewer. */
static void
ub_application_open (GApplication  *app,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  UbApplication *self = UB_APPLICATION (app);
  g_autoptr(GPtrArray) images = g_ptr_array_new_with_free_func (g_free);
  GtkWindow *window;

  g_application_activate (app);
  window = main_window (self);
  if (!UB_IS_WINDOW (window))
    return;

  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *path = g_file_get_path (files[i]);

      if (path == NULL)
        {
          g_autofree char *uri = g_file_get_uri (files[i]);

          g_printerr (_("unblock: Cannot open %s: only local files can be opened\n"), uri);
          continue;
        }

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          ub_images_page_open_folder (UB_IMAGES_PAGE (ub_window_get_page (UB_WINDOW (window), "images")),
                                      path);
          ub_window_show_page (UB_WINDOW (window), "images");
        }
      else
        g_ptr_array_add (images, g_steal_pointer (&path));
    }

  if (images->len > 0)
    {
      GtkWidget *viewer;

      g_ptr_array_add (images, NULL);
      viewer = ub_image_viewer_new_for_list ((const char * const *) images->pdata, 0,
                                             ub_application_get_blocking (self));
      gtk_window_set_application (GTK_WINDOW (viewer), GTK_APPLICATION (self));
      gtk_window_present (GTK_WINDOW (viewer));
    }
}

static int
ub_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  UbApplication *self = UB_APPLICATION (app);
  const char *page = NULL;
  g_autofree char *screenshot = NULL;

  if (g_variant_dict_contains (options, "quit"))
    {
      g_autoptr(GError) error = NULL;

      /* Ask the running instance, if there is one, to quit as Ctrl+Q does. */
      if (!g_application_register (app, NULL, &error))
        {
          g_printerr ("unblock: %s\n", error->message);
          return 1;
        }
      if (g_application_get_is_remote (app))
        {
          GDBusConnection *bus = g_application_get_dbus_connection (app);

          g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
          if (bus != NULL)
            g_dbus_connection_flush_sync (bus, NULL, NULL);
        }
      return 0;
    }

  if (g_variant_dict_contains (options, "version"))
    {
      printf ("unblock %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (g_variant_dict_lookup (options, "screenshot", "^ay", &screenshot))
    {
      if (screenshot[0] == '\0')
        {
          g_printerr (_("unblock: --screenshot needs a file name\n"));
          return 2;
        }
      self->screenshot_path = g_steal_pointer (&screenshot);
      /* A screenshot is taken by this process, never by one already running. */
      g_application_set_flags (app, g_application_get_flags (app) | G_APPLICATION_NON_UNIQUE);
      /* Drawn from the defaults, and leaving the user's settings alone. */
      ub_ui_use_memory_settings ();
    }

  if (g_variant_dict_lookup (options, "page", "&s", &page))
    self->page = g_strdup (page);

  self->demo = g_variant_dict_contains (options, "demo");
  self->start_blocking = g_variant_dict_contains (options, "blocking");
  if (!g_variant_dict_lookup (options, "screenshot-delay", "i", &self->screenshot_delay_ms))
    self->screenshot_delay_ms = -1;
  else if (self->screenshot_delay_ms < 0)
    {
      g_printerr (_("unblock: --screenshot-delay must not be negative\n"));
      return 2;
    }

  return -1;
}

static void
ub_application_finalize (GObject *object)
{
  UbApplication *self = UB_APPLICATION (object);

  g_clear_pointer (&self->screenshot_path, g_free);
  g_clear_pointer (&self->page, g_free);
  g_clear_pointer (&self->reload_page, g_free);

  G_OBJECT_CLASS (ub_application_parent_class)->finalize (object);
}

static void
ub_application_class_init (UbApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = ub_application_finalize;

  app_class->startup = ub_application_startup;
  app_class->activate = ub_application_activate;
  app_class->open = ub_application_open;
  app_class->handle_local_options = ub_application_handle_local_options;
}

static void
ub_application_init (UbApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
}

/**
 * ub_application_set_notice_sink:
 * @sink: (nullable): where notifications go, or %NULL for the desktop
 *
 * For tests: notifications they can read, without a session bus.
 */
void
ub_application_set_notice_sink (UbApplication *self,
                                UbNoticeSink   sink,
                                gpointer       user_data)
{
  g_return_if_fail (UB_IS_APPLICATION (self));

  self->notice_sink = sink;
  self->notice_data = user_data;
}

/**
 * ub_application_is_in_background:
 *
 * Returns: whether the application keeps itself alive, with no window,
 *   for runs that go on
 */
gboolean
ub_application_is_in_background (UbApplication *self)
{
  g_return_val_if_fail (UB_IS_APPLICATION (self), FALSE);

  return self->background;
}

UbApplication *
ub_application_new (void)
{
  return g_object_new (UB_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "resource-base-path", "/io/unblock/Unblock",
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       NULL);
}

/**
 * ub_application_get_blocking:
 *
 * Returns: whether work runs on the main thread (the app.blocking action)
 */
gboolean
ub_application_get_blocking (UbApplication *self)
{
  g_autoptr(GVariant) state = NULL;

  g_return_val_if_fail (UB_IS_APPLICATION (self), FALSE);

  state = g_action_group_get_action_state (G_ACTION_GROUP (self), "blocking");
  return state != NULL && g_variant_get_boolean (state);
}

/**
 * ub_application_get_exit_status:
 *
 * Returns: the status the process should exit with once the application
 *   has stopped running (non-zero when --screenshot failed)
 */
int
ub_application_get_exit_status (UbApplication *self)
{
  g_return_val_if_fail (UB_IS_APPLICATION (self), 1);

  return self->exit_status;
}
