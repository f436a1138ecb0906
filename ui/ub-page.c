/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ub-page.h"
#include "ub-resume-bar.h"
#include "ub-run-manager.h"
#include "ub-run-status.h"
#include "ub-ui.h"

/*
 * What every page shares. A page built on runs binds to the run the run
 * manager holds under its key: the run belongs to the application, the
 * page only shows it, so a page that goes (a reloaded window) leaves the
 * run and its workers as they are, and the next page picks it up.
 *
 * The run's signals reach the page through handlers the page disconnects
 * in dispose: nothing a run reports reaches a disposed page.
 */

#define REFRESH_INTERVAL_MS 100

typedef struct
{
  /* Template children of the subclass, found by name (all nullable,
   * unowned: the template owns them, until dispose) */
  struct
  {
    GtkInscription *status_label;   /* draws new text without a resize */
    GtkLabel       *error_label;
    GtkProgressBar *progress_bar;
    GtkButton      *pause_button;
    UbResumeBar    *resume_bar;
    GtkWidget      *notes_entry;
  } view;

  /* Owned references */
  UbRun          *run;      /* (nullable): the run shown */
  UbRun          *offered;  /* (nullable): a queued run the resume bar offers */
  char           *error;    /* (nullable): what is wrong with the form */

  guint           refresh_id;
} UbPagePrivate;

G_DEFINE_TYPE_WITH_PRIVATE (UbPage, ub_page, GTK_TYPE_WIDGET)

static gboolean
has_runs (UbPage *self)
{
  return UB_PAGE_GET_CLASS (self)->run_key != NULL;
}

static gboolean
run_is_active (UbPagePrivate *priv)
{
  return priv->run != NULL && ub_run_is_active (priv->run);
}

static char *
compose_status (UbPage *self,
                UbRun  *run)
{
  UbPageClass *klass = UB_PAGE_GET_CLASS (self);
  g_autofree char *detail = klass->describe_run ? klass->describe_run (self, run) : NULL;
  g_autofree char *head = ub_run_status_dup_text (run);

  if (detail == NULL || detail[0] == '\0')
    return g_steal_pointer (&head);
  return g_strdup_printf ("%s · %s", head, detail);
}

/**
 * ub_page_update:
 *
 * Renders the page's run: the status line, the progress bar, the error,
 * the actions' enabled states, then the page's own view. Pages call it
 * when something of theirs changes that the view depends on.
 */
void
ub_page_update (UbPage *self)
{
  UbPagePrivate *priv = ub_page_get_instance_private (self);
  UbPageClass *klass = UB_PAGE_GET_CLASS (self);
  UbRun *run = priv->run;
  gboolean busy = run_is_active (priv);
  const char *error = priv->error;

  g_return_if_fail (UB_IS_PAGE (self));

  if (!has_runs (self))
    return;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.start", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.pause",
                                 busy && klass->can_pause && !ub_run_get_blocking (run));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.cancel", busy);
  if (priv->view.pause_button != NULL)
    gtk_button_set_label (priv->view.pause_button,
                          run && ub_run_get_state (run) == UB_RUN_PAUSED ? _("_Resume") : _("_Pause"));

  if (error == NULL && run != NULL && ub_run_get_error (run) != NULL)
    error = ub_run_get_error (run)->message;
  if (priv->view.error_label != NULL)
    {
      gtk_label_set_text (priv->view.error_label, error ? error : "");
      gtk_widget_set_visible (GTK_WIDGET (priv->view.error_label), error != NULL);
    }

  if (priv->view.progress_bar != NULL)
    ub_run_status_show_progress (run, priv->view.progress_bar);

  if (priv->view.status_label != NULL)
    {
      g_autofree char *status = run ? compose_status (self, run) : g_strdup ("");

      gtk_inscription_set_text (priv->view.status_label, status);
    }

  if (klass->update_view != NULL)
    klass->update_view (self, run);
}

static gboolean
refresh_cb (gpointer user_data)
{
  ub_page_update (user_data);
  return G_SOURCE_CONTINUE;
}

static void
sync_refresh (UbPage *self)
{
  UbPagePrivate *priv = ub_page_get_instance_private (self);
  gboolean running = priv->run != NULL && ub_run_get_state (priv->run) == UB_RUN_RUNNING &&
                     !ub_run_get_blocking (priv->run);

  /* Rate and ETA move with time, not only with reports: redraw on a
   * timer while running, at most ten times a second. */
  if (running && priv->refresh_id == 0)
    priv->refresh_id = g_timeout_add (REFRESH_INTERVAL_MS, refresh_cb, self);
  else if (!running)
    g_clear_handle_id (&priv->refresh_id, g_source_remove);
}

static void
on_run_state (UbRun      *run,
              GParamSpec *pspec,
              UbPage     *self)
{
  sync_refresh (self);
  ub_page_update (self);
}

static void
unbind_run (UbPage *self)
{
  UbPagePrivate *priv = ub_page_get_instance_private (self);

  if (priv->run != NULL)
    g_signal_handlers_disconnect_by_data (priv->run, self);
  g_clear_object (&priv->run);
  g_clear_handle_id (&priv->refresh_id, g_source_remove);
}

static void
bind_run (UbPage *self,
          UbRun  *run)
{
  UbPagePrivate *priv = ub_page_get_instance_private (self);

  unbind_run (self);
  priv->run = g_object_ref (run);
  g_signal_connect (run, "notify::state", G_CALLBACK (on_run_state), self);
  sync_refresh (self);
}

static void
clear_offer (UbPage *self)
{
  UbPagePrivate *priv = ub_page_get_instance_private (self);

  g_clear_object (&priv->offered);
  if (priv->view.resume_bar != NULL)
    ub_resume_bar_hide (priv->view.resume_bar);
}

/* Hands @run to the application and starts it: in blocking mode this
 * returns when it is over. */
static void
launch_run (UbPage *self,
            UbRun  *run)
{
  UbPagePrivate *priv = ub_page_get_instance_private (self);

  g_clear_pointer (&priv->error, g_free);
  clear_offer (self);
  bind_run (self, run);
  ub_run_manager_add (ub_run_manager_get_default (), run);
  if (UB_PAGE_GET_CLASS (self)->attach_run != NULL)
    UB_PAGE_GET_CLASS (self)->attach_run (self, run);
  /* Describe it before it starts, for a restart. */
  ub_run_checkpoint (run);
  ub_page_update (self);
  ub_run_start (run);
}

static void
ub_page_real_start (UbPage *self)
{
  UbPagePrivate *priv = ub_page_get_instance_private (self);
  g_autoptr(UbRun) run = NULL;
  g_autoptr(GError) error = NULL;

  if (!has_runs (self) || run_is_active (priv))
    return;

  /* Whatever the last run said is over, even if this one never starts. */
  unbind_run (self);
  g_clear_pointer (&priv->error, g_free);

  run = UB_PAGE_GET_CLASS (self)->create_run (self, ub_page_get_blocking (self), &error);
  if (run == NULL)
    {
      ub_page_show_error (self, error->message);
      return;
    }

  launch_run (self, run);
}

static void
ub_page_real_cancel (UbPage *self)
{
  UbPagePrivate *priv = ub_page_get_instance_private (self);

  if (priv->run != NULL)
    ub_run_cancel (priv->run);
}

static void
ub_page_real_toggle_pause (UbPage *self)
{
  UbPagePrivate *priv = ub_page_get_instance_private (self);

  if (priv->run != NULL && UB_PAGE_GET_CLASS (self)->can_pause)
    ub_run_toggle_pause (priv->run);
}

static gboolean
ub_page_real_is_busy (UbPage *self)
{
  return run_is_active (ub_page_get_instance_private (self));
}

static void
ub_page_real_load_saved (UbPage   *self,
                         gboolean  resume_now)
{
  UbPagePrivate *priv = ub_page_get_instance_private (self);
  UbPageClass *klass = UB_PAGE_GET_CLASS (self);
  g_autoptr(UbRun) run = NULL;
  g_autofree char *offer = NULL;

  /* Work that is still going is never offered: it never stopped. */
  if (!has_runs (self) || klass->restore_run == NULL || run_is_active (priv))
    return;

  run = klass->restore_run (self, ub_page_get_blocking (self), &offer);
  if (run == NULL)
    return;

  if (resume_now)
    {
      launch_run (self, run);
      return;
    }

  /* Once: a reloaded window does not ask again. */
  if (priv->view.resume_bar == NULL ||
      !ub_run_manager_claim_offer (ub_run_manager_get_default (), klass->run_key))
    return;

  g_set_object (&priv->offered, run);
  ub_resume_bar_offer (priv->view.resume_bar, offer ? offer : _("Unblock stopped before the work was done."));
}

static void
ub_page_real_save_state (UbPage *self)
{
  UbPagePrivate *priv = ub_page_get_instance_private (self);

  if (priv->run != NULL)
    ub_run_checkpoint (priv->run);
}

static void
on_resume (UbResumeBar *bar,
           UbPage      *self)
{
  UbPagePrivate *priv = ub_page_get_instance_private (self);
  g_autoptr(UbRun) run = g_steal_pointer (&priv->offered);

  if (run != NULL && !run_is_active (priv))
    launch_run (self, run);
}

static void
on_discard (UbResumeBar *bar,
            UbPage      *self)
{
  UbPagePrivate *priv = ub_page_get_instance_private (self);
  g_autoptr(UbRun) run = g_steal_pointer (&priv->offered);

  /* Cancelling the queued run forgets what it would have resumed. */
  if (run != NULL)
    ub_run_cancel (run);
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  ub_page_start (UB_PAGE (widget));
}

static void
pause_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  ub_page_toggle_pause (UB_PAGE (widget));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ub_page_cancel (UB_PAGE (widget));
}

static gpointer
template_child (UbPage     *self,
                const char *name,
                GType       type)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (self), G_OBJECT_TYPE (self), name);

  return child != NULL && g_type_is_a (G_OBJECT_TYPE (child), type) ? child : NULL;
}

static void
ub_page_constructed (GObject *object)
{
  UbPage *self = UB_PAGE (object);
  UbPagePrivate *priv = ub_page_get_instance_private (self);
  UbPageClass *klass = UB_PAGE_GET_CLASS (self);
  g_autoptr(UbRun) run = NULL;

  G_OBJECT_CLASS (ub_page_parent_class)->constructed (object);

  /* The subclass's template is built by now. */
  priv->view.notes_entry = template_child (self, "notes_entry", GTK_TYPE_WIDGET);
  if (!has_runs (self))
    return;

  priv->view.status_label = template_child (self, "status_label", GTK_TYPE_INSCRIPTION);
  priv->view.error_label = template_child (self, "error_label", GTK_TYPE_LABEL);
  priv->view.progress_bar = template_child (self, "progress_bar", GTK_TYPE_PROGRESS_BAR);
  priv->view.pause_button = template_child (self, "pause_button", GTK_TYPE_BUTTON);
  priv->view.resume_bar = template_child (self, "resume_bar", UB_TYPE_RESUME_BAR);
  if (priv->view.resume_bar != NULL)
    {
      g_signal_connect_object (priv->view.resume_bar, "resume", G_CALLBACK (on_resume), self, 0);
      g_signal_connect_object (priv->view.resume_bar, "discard", G_CALLBACK (on_discard), self, 0);
    }

  /* A run that outlived an earlier window: show it, as it is, at once. */
  run = ub_run_manager_dup_run (ub_run_manager_get_default (), klass->run_key);
  if (run != NULL)
    {
      bind_run (self, run);
      if (klass->attach_run != NULL)
        klass->attach_run (self, run);
    }
  ub_page_update (self);
}

static void
ub_page_dispose (GObject *object)
{
  UbPage *self = UB_PAGE (object);
  UbPagePrivate *priv = ub_page_get_instance_private (self);

  /* The run goes on without this page. */
  unbind_run (self);
  g_clear_object (&priv->offered);
  g_clear_pointer (&priv->error, g_free);

  /* Every page's template, once the page itself let go of its work. */
  gtk_widget_dispose_template (GTK_WIDGET (self), G_OBJECT_TYPE (self));
  ub_widget_unparent_children (GTK_WIDGET (self));
  memset (&priv->view, 0, sizeof priv->view);

  G_OBJECT_CLASS (ub_page_parent_class)->dispose (object);
}

static void
ub_page_class_init (UbPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = ub_page_constructed;
  object_class->dispose = ub_page_dispose;

  klass->start = ub_page_real_start;
  klass->cancel = ub_page_real_cancel;
  klass->toggle_pause = ub_page_real_toggle_pause;
  klass->is_busy = ub_page_real_is_busy;
  klass->load_saved = ub_page_real_load_saved;
  klass->save_state = ub_page_real_save_state;

  /* The one set of run actions; the window's win.start, win.pause and
   * win.cancel act on the visible page through the same functions. */
  gtk_widget_class_install_action (widget_class, "page.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "page.pause", NULL, pause_action);
  gtk_widget_class_install_action (widget_class, "page.cancel", NULL, cancel_action);
}

static void
ub_page_init (UbPage *self)
{
}

/**
 * ub_page_class_set_template:
 * @widget_class: a page class
 * @resource_path: its template, a resource
 *
 * Every page is its template, in a bin layout, with an entry called
 * "notes_entry" to type in while work runs (ub_page_get_notes_entry()).
 * UbPage disposes the template after the page's own dispose().
 */
void
ub_page_class_set_template (GtkWidgetClass *widget_class,
                            const char     *resource_path)
{
  g_return_if_fail (GTK_IS_WIDGET_CLASS (widget_class));
  g_return_if_fail (resource_path != NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, resource_path);
  gtk_widget_class_bind_template_child_full (widget_class, "notes_entry", FALSE, 0);
}

/**
 * ub_page_class_bind_run_view:
 * @widget_class: a page class, after it set its template
 * @has_pause_button: whether its template has a "pause_button"
 *
 * Declares the template children UbPage renders the run into:
 * "status_label", "error_label", "progress_bar", "resume_bar" and, if
 * asked, "pause_button". A subclass with a run key calls this.
 */
void
ub_page_class_bind_run_view (GtkWidgetClass *widget_class,
                             gboolean        has_pause_button)
{
  static const char *names[] = { "status_label", "error_label", "progress_bar", "resume_bar" };

  g_return_if_fail (GTK_IS_WIDGET_CLASS (widget_class));

  /* Offset 0: found by name, not stored in the subclass's struct. */
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    gtk_widget_class_bind_template_child_full (widget_class, names[i], FALSE, 0);
  if (has_pause_button)
    gtk_widget_class_bind_template_child_full (widget_class, "pause_button", FALSE, 0);
}

/**
 * ub_page_class_set_view:
 * @widget_class: a page class
 * @resource_path: its template, a resource
 * @flags: whether UbPage renders a run into it
 * @children: (nullable) (array zero-terminated=1): the template children
 *   the page keeps in its struct, ending with `{ NULL }`
 * @callbacks: (nullable) (array zero-terminated=1): the template's
 *   callbacks, ending with `{ NULL }`
 *
 * Declares a page's whole view at once: its template
 * (ub_page_class_set_template()), the run view if asked, its children and
 * its callbacks, so that no page repeats the binding.
 */
void
ub_page_class_set_view (GtkWidgetClass       *widget_class,
                        const char           *resource_path,
                        UbPageViewFlags       flags,
                        const UbPageChild    *children,
                        const UbPageCallback *callbacks)
{
  g_return_if_fail (GTK_IS_WIDGET_CLASS (widget_class));

  ub_page_class_set_template (widget_class, resource_path);
  if (flags & UB_PAGE_VIEW_RUN)
    ub_page_class_bind_run_view (widget_class, (flags & UB_PAGE_VIEW_PAUSE_BUTTON) != 0);
  for (guint i = 0; children != NULL && children[i].name != NULL; i++)
    gtk_widget_class_bind_template_child_full (widget_class, children[i].name, FALSE,
                                               children[i].offset);
  for (guint i = 0; callbacks != NULL && callbacks[i].name != NULL; i++)
    gtk_widget_class_bind_template_callback_full (widget_class, callbacks[i].name,
                                                  callbacks[i].callback);
}

void
ub_page_start (UbPage *self)
{
  g_return_if_fail (UB_IS_PAGE (self));

  if (UB_PAGE_GET_CLASS (self)->start)
    UB_PAGE_GET_CLASS (self)->start (self);
}

void
ub_page_cancel (UbPage *self)
{
  g_return_if_fail (UB_IS_PAGE (self));

  if (UB_PAGE_GET_CLASS (self)->cancel)
    UB_PAGE_GET_CLASS (self)->cancel (self);
}

void
ub_page_toggle_pause (UbPage *self)
{
  g_return_if_fail (UB_IS_PAGE (self));

  if (UB_PAGE_GET_CLASS (self)->toggle_pause)
    UB_PAGE_GET_CLASS (self)->toggle_pause (self);
}

void
ub_page_start_demo (UbPage *self)
{
  g_return_if_fail (UB_IS_PAGE (self));

  if (UB_PAGE_GET_CLASS (self)->start_demo)
    UB_PAGE_GET_CLASS (self)->start_demo (self);
  else
    ub_page_start (self);
}

gboolean
ub_page_is_busy (UbPage *self)
{
  g_return_val_if_fail (UB_IS_PAGE (self), FALSE);

  if (UB_PAGE_GET_CLASS (self)->is_busy)
    return UB_PAGE_GET_CLASS (self)->is_busy (self);
  return FALSE;
}

void
ub_page_load_saved (UbPage   *self,
                    gboolean  resume_now)
{
  g_return_if_fail (UB_IS_PAGE (self));

  if (UB_PAGE_GET_CLASS (self)->load_saved)
    UB_PAGE_GET_CLASS (self)->load_saved (self, resume_now);
}

void
ub_page_save_state (UbPage *self)
{
  g_return_if_fail (UB_IS_PAGE (self));

  if (UB_PAGE_GET_CLASS (self)->save_state)
    UB_PAGE_GET_CLASS (self)->save_state (self);
}

/**
 * ub_page_hand_over:
 *
 * Before a reload destroys the page's window: the page keeps its running
 * work (its workers, what they are doing) for the page of the same type
 * in the next window, instead of stopping it in dispose(). Pages built on
 * runs need nothing: their runs belong to the run manager.
 */
void
ub_page_hand_over (UbPage *self)
{
  g_return_if_fail (UB_IS_PAGE (self));

  if (UB_PAGE_GET_CLASS (self)->hand_over)
    UB_PAGE_GET_CLASS (self)->hand_over (self);
}

static char *
work_key (UbPage *self)
{
  return g_strconcat ("ub-page-work:", G_OBJECT_TYPE_NAME (self), NULL);
}

/**
 * ub_page_keep_work:
 * @work: (transfer full): what the page hands over
 * @destroy: frees @work and stops what it does, if no page takes it
 *
 * Gives @work to the application until a page of the same type takes it
 * with ub_page_take_work(): the work lives as long as the application,
 * not as long as the window. Work kept earlier and never taken is
 * destroyed. Without an application, @work is destroyed at once.
 */
void
ub_page_keep_work (UbPage         *self,
                   gpointer        work,
                   GDestroyNotify  destroy)
{
  GApplication *app = g_application_get_default ();
  g_autofree char *key = work_key (self);

  g_return_if_fail (UB_IS_PAGE (self));
  g_return_if_fail (work != NULL && destroy != NULL);

  if (app == NULL)
    {
      destroy (work);
      return;
    }
  g_object_set_data_full (G_OBJECT (app), key, work, destroy);
}

/**
 * ub_page_take_work:
 *
 * Returns: (transfer full) (nullable): the work a page of this type
 *   handed over (ub_page_keep_work()), now the caller's
 */
gpointer
ub_page_take_work (UbPage *self)
{
  GApplication *app = g_application_get_default ();
  g_autofree char *key = work_key (self);

  g_return_val_if_fail (UB_IS_PAGE (self), NULL);

  return app != NULL ? g_object_steal_data (G_OBJECT (app), key) : NULL;
}

/**
 * ub_page_get_run:
 *
 * Returns: (transfer none) (nullable): the run the page shows
 */
UbRun *
ub_page_get_run (UbPage *self)
{
  UbPagePrivate *priv = ub_page_get_instance_private (self);

  g_return_val_if_fail (UB_IS_PAGE (self), NULL);

  return priv->run;
}

/**
 * ub_page_show_error:
 * @message: (nullable): what is wrong with the form, or %NULL to clear it
 *
 * Shows a problem with the page's inputs in the page's error label. A
 * failed run shows its own error there; a new message replaces either.
 */
void
ub_page_show_error (UbPage     *self,
                    const char *message)
{
  UbPagePrivate *priv = ub_page_get_instance_private (self);

  g_return_if_fail (UB_IS_PAGE (self));

  g_free (priv->error);
  priv->error = g_strdup (message);
  /* A fixed input also clears the error of the run it made fail. */
  if (message == NULL && priv->run != NULL && ub_run_get_state (priv->run) == UB_RUN_FAILED)
    unbind_run (self);
  ub_page_update (self);
}

/**
 * ub_page_get_notes_entry:
 *
 * Returns: (transfer none) (nullable): the entry a user can type in while
 *   work runs
 */
GtkWidget *
ub_page_get_notes_entry (UbPage *self)
{
  UbPagePrivate *priv = ub_page_get_instance_private (self);

  g_return_val_if_fail (UB_IS_PAGE (self), NULL);

  return priv->view.notes_entry;
}

/**
 * ub_page_get_status:
 *
 * Returns: the status line the page shows ("" for none), e.g. its run's
 *   rate and ETA
 */
const char *
ub_page_get_status (UbPage *self)
{
  UbPagePrivate *priv = ub_page_get_instance_private (self);

  g_return_val_if_fail (UB_IS_PAGE (self), NULL);

  if (priv->view.status_label == NULL || gtk_inscription_get_text (priv->view.status_label) == NULL)
    return "";
  return gtk_inscription_get_text (priv->view.status_label);
}

/**
 * ub_page_get_error:
 *
 * Returns: (nullable): the error the page shows, if any
 */
const char *
ub_page_get_error (UbPage *self)
{
  UbPagePrivate *priv = ub_page_get_instance_private (self);

  g_return_val_if_fail (UB_IS_PAGE (self), NULL);

  if (priv->error != NULL)
    return priv->error;
  if (priv->run != NULL && ub_run_get_error (priv->run) != NULL)
    return ub_run_get_error (priv->run)->message;
  return NULL;
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
