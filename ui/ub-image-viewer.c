/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-image-viewer.h"
#include "ub-page.h"
#include "ub-png-jobs.h"
#include "ub-worker-pool.h"

/*
 * A window showing one image at full size, decoded by a worker of its own
 * (or, in blocking mode, on the main thread). Zoom with the buttons,
 * Ctrl+plus / Ctrl+minus / Ctrl+0, or Ctrl+scroll.
 */

#define MIN_ZOOM 0.05
#define MAX_ZOOM 8.0

struct _UbImageViewer
{
  GtkWindow       parent_instance;

  /* Widgets */
  GtkWidget      *picture;
  GtkWidget      *zoom_label;
  GtkWidget      *status_label;
  GtkWidget      *progress;
  GtkWidget      *scroller;

  /* Owned references */
  UbWorkerPool   *pool;
  GCancellable   *cancellable;
  GdkTexture     *texture;
  char           *path;
  char           *error;

  double          zoom;
  gboolean        fit;
};

G_DEFINE_FINAL_TYPE (UbImageViewer, ub_image_viewer, GTK_TYPE_WINDOW)

static void
apply_zoom (UbImageViewer *self)
{
  char text[32];

  if (self->texture == NULL)
    return;

  if (self->fit)
    {
      int avail_w = MAX (gtk_widget_get_width (self->scroller), 1);
      int avail_h = MAX (gtk_widget_get_height (self->scroller), 1);

      self->zoom = MIN ((double) avail_w / gdk_texture_get_width (self->texture),
                        (double) avail_h / gdk_texture_get_height (self->texture));
      self->zoom = CLAMP (self->zoom, MIN_ZOOM, MAX_ZOOM);
    }

  gtk_widget_set_size_request (self->picture,
                               (int) (gdk_texture_get_width (self->texture) * self->zoom),
                               (int) (gdk_texture_get_height (self->texture) * self->zoom));
  g_snprintf (text, sizeof text, "%.0f %%", self->zoom * 100);
  gtk_label_set_text (GTK_LABEL (self->zoom_label), text);
}

static void
zoom_by (UbImageViewer *self,
         double         factor)
{
  self->fit = FALSE;
  self->zoom = CLAMP (self->zoom * factor, MIN_ZOOM, MAX_ZOOM);
  apply_zoom (self);
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  UbImageViewer *self = UB_IMAGE_VIEWER (widget);

  if (g_str_equal (action_name, "viewer.zoom-in"))
    zoom_by (self, 1.25);
  else if (g_str_equal (action_name, "viewer.zoom-out"))
    zoom_by (self, 0.8);
  else if (g_str_equal (action_name, "viewer.zoom-original"))
    {
      self->fit = FALSE;
      self->zoom = 1.0;
      apply_zoom (self);
    }
  else
    {
      self->fit = TRUE;
      apply_zoom (self);
    }
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           UbImageViewer            *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));

  if (!(state & GDK_CONTROL_MASK) || dy == 0)
    return FALSE;

  zoom_by (self, dy < 0 ? 1.1 : 1 / 1.1);
  return TRUE;
}

static void
show_texture (UbImageViewer *self,
              GVariant      *reply)
{
  g_autoptr(GVariant) pixels = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *text = NULL;
  guint32 width, height;

  g_variant_get (reply, "(uu@ay)", &width, &height, &pixels);
  /* The worker's buffer, wrapped as it is. */
  bytes = g_variant_get_data_as_bytes (pixels);
  g_clear_object (&self->texture);
  self->texture = gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8A8, bytes,
                                          (gsize) width * 4);
  gtk_picture_set_paintable (GTK_PICTURE (self->picture), GDK_PAINTABLE (self->texture));
  gtk_widget_set_visible (self->progress, FALSE);

  text = g_strdup_printf ("%u × %u", width, height);
  gtk_label_set_text (GTK_LABEL (self->status_label), text);
  apply_zoom (self);
}

static void
show_error (UbImageViewer *self,
            const char    *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  gtk_label_set_text (GTK_LABEL (self->status_label), message);
  gtk_widget_add_css_class (self->status_label, "error");
  gtk_widget_set_visible (self->progress, FALSE);
}

static void
on_progress (GVariant *progress,
             gpointer  user_data)
{
  g_autoptr(UbImageViewer) self = ub_page_call_dup_page (user_data);

  if (self != NULL)
    gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress), g_variant_get_double (progress));
}

static void
on_decoded (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(UbPageCall) call = user_data;
  g_autoptr(UbImageViewer) self = ub_page_call_dup_page (call);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = ub_worker_pool_call_finish (UB_WORKER_POOL (object), result, &error);
  if (self == NULL)
    return;

  if (reply != NULL)
    show_texture (self, reply);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_error (self, error->message);
}

static void
load (UbImageViewer *self,
      gboolean       blocking)
{
  g_autoptr(GError) error = NULL;

  if (blocking)
    {
      g_autoptr(GVariant) reply = ub_job_run_sync (UB_PNG_JOB_DECODE, g_variant_new ("(s)", self->path),
                                                   NULL, NULL, NULL, &error);

      if (reply != NULL)
        show_texture (self, reply);
      else
        show_error (self, error->message);
      return;
    }

  if (!ub_page_ensure_pool (&self->pool, 1, &error))
    {
      show_error (self, error->message);
      return;
    }

  ub_worker_pool_call_async (self->pool, UB_PNG_JOB_DECODE, g_variant_new ("(s)", self->path),
                             self->cancellable, on_progress, ub_page_call_new (self, 0, 0),
                             (GDestroyNotify) ub_page_call_free, on_decoded,
                             ub_page_call_new (self, 0, 0));
}

static void
on_size_changed (UbImageViewer *self)
{
  if (self->fit)
    apply_zoom (self);
}

static void
ub_image_viewer_dispose (GObject *object)
{
  UbImageViewer *self = UB_IMAGE_VIEWER (object);

  g_cancellable_cancel (self->cancellable);
  ub_page_clear_pool (&self->pool);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->texture);

  G_OBJECT_CLASS (ub_image_viewer_parent_class)->dispose (object);
}

static void
ub_image_viewer_finalize (GObject *object)
{
  UbImageViewer *self = UB_IMAGE_VIEWER (object);

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->error, g_free);

  G_OBJECT_CLASS (ub_image_viewer_parent_class)->finalize (object);
}

static void
ub_image_viewer_class_init (UbImageViewerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ub_image_viewer_dispose;
  object_class->finalize = ub_image_viewer_finalize;

  gtk_widget_class_install_action (widget_class, "viewer.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "viewer.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "viewer.zoom-original", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "viewer.zoom-fit", NULL, zoom_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "viewer.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "viewer.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "viewer.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "viewer.zoom-original", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, 0, "viewer.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static GtkWidget *
icon_button (const char *icon,
             const char *action,
             const char *tooltip)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_widget_set_tooltip_text (button, tooltip);
  return button;
}

static void
ub_image_viewer_init (UbImageViewer *self)
{
  GtkWidget *header = gtk_header_bar_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkEventController *scroll;

  self->zoom = 1.0;
  self->fit = TRUE;
  self->cancellable = g_cancellable_new ();

  gtk_window_set_default_size (GTK_WINDOW (self), 900, 700);
  gtk_window_set_titlebar (GTK_WINDOW (self), header);

  self->zoom_label = gtk_label_new ("—");
  gtk_widget_add_css_class (self->zoom_label, "numeric");
  gtk_header_bar_pack_start (GTK_HEADER_BAR (header), icon_button ("zoom-out-symbolic", "viewer.zoom-out", "Zoom Out (Ctrl+−)"));
  gtk_header_bar_pack_start (GTK_HEADER_BAR (header), self->zoom_label);
  gtk_header_bar_pack_start (GTK_HEADER_BAR (header), icon_button ("zoom-in-symbolic", "viewer.zoom-in", "Zoom In (Ctrl++)"));
  gtk_header_bar_pack_end (GTK_HEADER_BAR (header), icon_button ("zoom-fit-best-symbolic", "viewer.zoom-fit", "Fit to Window (F)"));
  gtk_header_bar_pack_end (GTK_HEADER_BAR (header), icon_button ("zoom-original-symbolic", "viewer.zoom-original", "Original Size (Ctrl+0)"));

  self->picture = gtk_picture_new ();
  gtk_picture_set_can_shrink (GTK_PICTURE (self->picture), TRUE);
  gtk_widget_set_halign (self->picture, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (self->picture, GTK_ALIGN_CENTER);

  self->scroller = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (self->scroller, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), self->picture);
  g_signal_connect_swapped (gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (self->scroller)),
                            "changed", G_CALLBACK (on_size_changed), self);

  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  gtk_event_controller_set_propagation_phase (scroll, GTK_PHASE_CAPTURE);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (self->scroller, scroll);

  self->progress = gtk_progress_bar_new ();
  self->status_label = gtk_label_new ("Decoding in a worker…");
  gtk_widget_set_margin_start (self->status_label, 12);
  gtk_widget_set_margin_end (self->status_label, 12);
  gtk_widget_set_margin_top (self->status_label, 4);
  gtk_widget_set_margin_bottom (self->status_label, 4);
  gtk_label_set_xalign (GTK_LABEL (self->status_label), 0);
  gtk_label_set_wrap (GTK_LABEL (self->status_label), TRUE);

  gtk_box_append (GTK_BOX (box), self->progress);
  gtk_box_append (GTK_BOX (box), self->scroller);
  gtk_box_append (GTK_BOX (box), self->status_label);
  gtk_window_set_child (GTK_WINDOW (self), box);
}

/**
 * ub_image_viewer_new:
 * @path: a PNG file
 * @blocking: decode on the main thread rather than in a worker
 *
 * Returns: (transfer floating): a new viewer window, already loading
 */
GtkWidget *
ub_image_viewer_new (const char *path,
                     gboolean    blocking)
{
  UbImageViewer *self;
  g_autofree char *title = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (UB_TYPE_IMAGE_VIEWER, NULL);
  self->path = g_strdup (path);
  title = g_filename_display_basename (path);
  gtk_window_set_title (GTK_WINDOW (self), title);
  load (self, blocking);

  return GTK_WIDGET (self);
}

double
ub_image_viewer_get_zoom (UbImageViewer *self)
{
  g_return_val_if_fail (UB_IS_IMAGE_VIEWER (self), 1.0);

  return self->zoom;
}

gboolean
ub_image_viewer_is_loaded (UbImageViewer *self)
{
  g_return_val_if_fail (UB_IS_IMAGE_VIEWER (self), FALSE);

  return self->texture != NULL;
}

const char *
ub_image_viewer_get_error (UbImageViewer *self)
{
  g_return_val_if_fail (UB_IS_IMAGE_VIEWER (self), NULL);

  return self->error;
}
