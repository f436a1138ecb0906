/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "ub-image-canvas.h"
#include "ub-image-viewer.h"
#include "ub-png-jobs.h"
#include "ub-worker-pool.h"

/*
 * A window showing one image of a list (the gallery's folder) at any zoom.
 * A worker of its own decodes the image and makes its levels
 * ("png.levels"); the canvas draws them tile by tile, so the main thread
 * never scales or converts the whole image. In blocking mode the same job
 * runs on the main thread.
 */

#define ZOOM_STEP 1.25

struct _UbImageViewer
{
  GtkWindow       parent_instance;

  /* Widgets */
  GtkWidget      *canvas;
  GtkWidget      *scroller;
  GtkWidget      *zoom_label;
  GtkWidget      *position_label;
  GtkWidget      *status_label;
  GtkWidget      *progress;
  GtkWidget      *fullscreen_button;

  /* Owned references */
  UbWorkerPool   *pool;
  GCancellable   *cancellable;   /* the load in progress; replaced by the next one */
  char          **paths;
  char           *error;

  guint           position;
  guint           blocking : 1;
};

G_DEFINE_FINAL_TYPE (UbImageViewer, ub_image_viewer, GTK_TYPE_WINDOW)

/*
 * A call to the worker, from the main thread and back to it: the viewer
 * is held weakly, and a reply counts only while the viewer is not disposed
 * and still waits for this very load (a later one replaces the
 * cancellable). Main thread only.
 */
typedef struct
{
  GWeakRef      viewer;
  GCancellable *cancellable;   /* (owned) the load this call is for */
} ViewerCall;

static ViewerCall *
viewer_call_new (UbImageViewer *self)
{
  ViewerCall *call = g_new0 (ViewerCall, 1);

  g_weak_ref_init (&call->viewer, self);
  call->cancellable = g_object_ref (self->cancellable);
  return call;
}

static void
viewer_call_free (ViewerCall *call)
{
  g_weak_ref_clear (&call->viewer);
  g_clear_object (&call->cancellable);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ViewerCall, viewer_call_free)

/* Returns: (transfer full) (nullable): the viewer, if the reply is still
 * wanted */
static UbImageViewer *
viewer_call_dup_viewer (ViewerCall *call)
{
  g_autoptr(UbImageViewer) self = g_weak_ref_get (&call->viewer);

  if (self == NULL || self->cancellable != call->cancellable ||
      g_cancellable_is_cancelled (call->cancellable))
    return NULL;
  return g_steal_pointer (&self);
}

static guint
n_paths (UbImageViewer *self)
{
  return self->paths != NULL ? g_strv_length (self->paths) : 0;
}

static void
update_zoom_label (UbImageViewer *self)
{
  UbImageCanvas *canvas = UB_IMAGE_CANVAS (self->canvas);
  g_autofree char *text = NULL;

  if (!ub_image_canvas_has_image (canvas))
    text = g_strdup ("—");
  else
    text = g_strdup_printf ("%.0f %%", ub_image_canvas_get_zoom (canvas) * 100);
  gtk_label_set_text (GTK_LABEL (self->zoom_label), text);
}

static void
update_actions (UbImageViewer *self)
{
  gboolean loaded = ub_image_canvas_has_image (UB_IMAGE_CANVAS (self->canvas));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.previous", self->position > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.next", self->position + 1 < n_paths (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.zoom-in", loaded);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.zoom-out", loaded);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.zoom-original", loaded);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.zoom-fit", loaded);
}

static void
show_levels (UbImageViewer *self,
             GVariant      *reply)
{
  g_autoptr(GVariant) levels = NULL;
  g_autofree char *text = NULL;
  guint32 width, height;

  ub_png_levels_result_parse (reply, &width, &height, &levels);
  ub_image_canvas_set_levels (UB_IMAGE_CANVAS (self->canvas), width, height, levels);
  gtk_widget_set_visible (self->progress, FALSE);

  if (ub_image_canvas_get_n_levels (UB_IMAGE_CANVAS (self->canvas)) > 0)
    {
      g_autoptr(GdkTexture) largest = ub_image_canvas_dup_level (UB_IMAGE_CANVAS (self->canvas), 0);
      guint shown_width = gdk_texture_get_width (largest);

      if (shown_width < width)
        /* Translators: an image too large to hold whole, shown reduced */
        text = g_strdup_printf (_("%u × %u, shown at %u × %u"), width, height, shown_width,
                                gdk_texture_get_height (largest));
    }
  if (text == NULL)
    text = g_strdup_printf ("%u × %u", width, height);
  gtk_label_set_text (GTK_LABEL (self->status_label), text);
  update_zoom_label (self);
  update_actions (self);
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
  g_autoptr(UbImageViewer) self = viewer_call_dup_viewer (user_data);

  if (self != NULL)
    gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress), ub_png_progress_parse (progress));
}

static void
on_levels (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(ViewerCall) call = user_data;
  g_autoptr(UbImageViewer) self = viewer_call_dup_viewer (call);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = ub_worker_pool_call_finish (UB_WORKER_POOL (object), result, &error);
  if (self == NULL)
    return;

  if (reply != NULL)
    show_levels (self, reply);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_error (self, error->message);
}

static gboolean
ensure_pool (UbImageViewer  *self,
             GError        **error)
{
  if (self->pool == NULL)
    self->pool = ub_worker_pool_new (UB_JOB_WORKER_KIND, 1, error);
  if (self->pool != NULL)
    ub_worker_pool_set_name (self->pool, "image viewer");
  return self->pool != NULL;
}

/* Shows the image at @position, dropping whatever was shown or loading. */
static void
load (UbImageViewer *self,
      guint          position)
{
  const char *path = self->paths[position];
  g_autofree char *title = g_filename_display_basename (path);
  g_autofree char *counter = g_strdup_printf ("%u / %u", position + 1, n_paths (self));
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (self->cancellable);
  g_set_object (&self->cancellable, g_cancellable_new ());
  g_clear_pointer (&self->error, g_free);
  self->position = position;

  ub_image_canvas_clear (UB_IMAGE_CANVAS (self->canvas));
  gtk_window_set_title (GTK_WINDOW (self), title);
  gtk_label_set_text (GTK_LABEL (self->position_label), counter);
  gtk_label_set_text (GTK_LABEL (self->status_label),
                      self->blocking ? _("Decoding on the main thread…") : _("Decoding in a worker…"));
  gtk_widget_remove_css_class (self->status_label, "error");
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress), 0);
  gtk_widget_set_visible (self->progress, TRUE);
  update_zoom_label (self);
  update_actions (self);

  if (self->blocking)
    {
      g_autoptr(GVariant) reply = ub_job_run_blocking (UB_PNG_JOB_LEVELS,
                                                       ub_png_levels_params_new (path),
                                                       NULL, NULL, NULL, &error);

      if (reply != NULL)
        show_levels (self, reply);
      else
        show_error (self, error->message);
      return;
    }

  if (!ensure_pool (self, &error))
    {
      show_error (self, error->message);
      return;
    }

  ub_worker_pool_call_async (self->pool, UB_PNG_JOB_LEVELS, ub_png_levels_params_new (path),
                             self->cancellable, on_progress, viewer_call_new (self),
                             (GDestroyNotify) viewer_call_free, on_levels, viewer_call_new (self));
}

/* Actions */

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  UbImageViewer *self = UB_IMAGE_VIEWER (widget);
  UbImageCanvas *canvas = UB_IMAGE_CANVAS (self->canvas);
  double zoom = ub_image_canvas_get_zoom (canvas);

  if (g_str_equal (action_name, "viewer.zoom-in"))
    ub_image_canvas_zoom_centred (canvas, zoom * ZOOM_STEP);
  else if (g_str_equal (action_name, "viewer.zoom-out"))
    ub_image_canvas_zoom_centred (canvas, zoom / ZOOM_STEP);
  else if (g_str_equal (action_name, "viewer.zoom-original"))
    ub_image_canvas_zoom_centred (canvas, 1.0);
  else
    ub_image_canvas_set_fit (canvas);
}

static void
go_action (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  UbImageViewer *self = UB_IMAGE_VIEWER (widget);

  if (g_str_equal (action_name, "viewer.next") && self->position + 1 < n_paths (self))
    load (self, self->position + 1);
  else if (g_str_equal (action_name, "viewer.previous") && self->position > 0)
    load (self, self->position - 1);
}

static void
fullscreen_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  GtkWindow *window = GTK_WINDOW (widget);

  if (gtk_window_is_fullscreen (window))
    gtk_window_unfullscreen (window);
  else
    gtk_window_fullscreen (window);
}

/* Escape leaves fullscreen first, then closes. */
static void
escape_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  if (gtk_window_is_fullscreen (GTK_WINDOW (widget)))
    gtk_window_unfullscreen (GTK_WINDOW (widget));
  else
    gtk_window_close (GTK_WINDOW (widget));
}

static void
on_fullscreened (UbImageViewer *self)
{
  gboolean fullscreen = gtk_window_is_fullscreen (GTK_WINDOW (self));

  gtk_button_set_icon_name (GTK_BUTTON (self->fullscreen_button),
                            fullscreen ? "view-restore-symbolic" : "view-fullscreen-symbolic");
  gtk_widget_set_tooltip_text (self->fullscreen_button,
                               fullscreen ? _("Leave Fullscreen (F11)") : _("Fullscreen (F11)"));
}

/* GObject */

static void
ub_image_viewer_dispose (GObject *object)
{
  UbImageViewer *self = UB_IMAGE_VIEWER (object);

  /* Late replies find no cancellable and are dropped. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->pool != NULL)
    ub_worker_pool_terminate (self->pool);
  g_clear_object (&self->pool);
  /* Borrowed: the window destroys them. */
  self->canvas = self->scroller = NULL;

  G_OBJECT_CLASS (ub_image_viewer_parent_class)->dispose (object);
}

static void
ub_image_viewer_finalize (GObject *object)
{
  UbImageViewer *self = UB_IMAGE_VIEWER (object);

  g_clear_pointer (&self->paths, g_strfreev);
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
  gtk_widget_class_install_action (widget_class, "viewer.next", NULL, go_action);
  gtk_widget_class_install_action (widget_class, "viewer.previous", NULL, go_action);
  gtk_widget_class_install_action (widget_class, "viewer.fullscreen", NULL, fullscreen_action);
  gtk_widget_class_install_action (widget_class, "viewer.escape", NULL, escape_action);
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

/* The viewer's keys, listed in the help overlay. They are caught before
 * the focused widget sees them, so that the arrows go to the next image
 * rather than moving the focus. */
static const struct
{
  const char *accelerator;
  const char *action;
} shortcuts[] = {
  { "plus|equal|KP_Add|<Control>plus|<Control>equal|<Control>KP_Add", "viewer.zoom-in" },
  { "minus|KP_Subtract|<Control>minus|<Control>KP_Subtract", "viewer.zoom-out" },
  { "1|<Control>0|<Control>KP_0", "viewer.zoom-original" },
  { "f|0|KP_0", "viewer.zoom-fit" },
  { "Right|Page_Down|space", "viewer.next" },
  { "Left|Page_Up|BackSpace", "viewer.previous" },
  { "F11", "viewer.fullscreen" },
  { "Escape", "viewer.escape" },
};

static void
add_shortcuts (UbImageViewer *self)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();

  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  for (gsize i = 0; i < G_N_ELEMENTS (shortcuts); i++)
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                          gtk_shortcut_new (gtk_shortcut_trigger_parse_string (shortcuts[i].accelerator),
                                                            gtk_named_action_new (shortcuts[i].action)));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

static void
ub_image_viewer_init (UbImageViewer *self)
{
  GtkWidget *header = gtk_header_bar_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *nav = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

  self->cancellable = g_cancellable_new ();

  gtk_window_set_default_size (GTK_WINDOW (self), 900, 700);
  gtk_window_set_titlebar (GTK_WINDOW (self), header);

  gtk_widget_add_css_class (nav, "linked");
  gtk_box_append (GTK_BOX (nav), icon_button ("go-previous-symbolic", "viewer.previous", _("Previous Image (←)")));
  gtk_box_append (GTK_BOX (nav), icon_button ("go-next-symbolic", "viewer.next", _("Next Image (→)")));
  gtk_header_bar_pack_start (GTK_HEADER_BAR (header), nav);
  self->position_label = gtk_label_new ("");
  gtk_widget_add_css_class (self->position_label, "numeric");
  gtk_header_bar_pack_start (GTK_HEADER_BAR (header), self->position_label);

  self->zoom_label = gtk_label_new ("—");
  gtk_widget_add_css_class (self->zoom_label, "numeric");
  self->fullscreen_button = icon_button ("view-fullscreen-symbolic", "viewer.fullscreen", _("Fullscreen (F11)"));
  gtk_header_bar_pack_end (GTK_HEADER_BAR (header), self->fullscreen_button);
  gtk_header_bar_pack_end (GTK_HEADER_BAR (header), icon_button ("zoom-fit-best-symbolic", "viewer.zoom-fit", _("Fit to Window (F)")));
  gtk_header_bar_pack_end (GTK_HEADER_BAR (header), icon_button ("zoom-original-symbolic", "viewer.zoom-original", _("Original Size (1)")));
  gtk_header_bar_pack_end (GTK_HEADER_BAR (header), icon_button ("zoom-in-symbolic", "viewer.zoom-in", _("Zoom In (+)")));
  gtk_header_bar_pack_end (GTK_HEADER_BAR (header), self->zoom_label);
  gtk_header_bar_pack_end (GTK_HEADER_BAR (header), icon_button ("zoom-out-symbolic", "viewer.zoom-out", _("Zoom Out (−)")));

  self->canvas = ub_image_canvas_new ();
  g_signal_connect_object (self->canvas, "notify::zoom", G_CALLBACK (update_zoom_label), self,
                           G_CONNECT_SWAPPED);

  self->scroller = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (self->scroller, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), self->canvas);

  self->progress = gtk_progress_bar_new ();
  self->status_label = gtk_label_new ("");
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

  add_shortcuts (self);
  g_signal_connect (self, "notify::fullscreened", G_CALLBACK (on_fullscreened), NULL);
}

/**
 * ub_image_viewer_new_for_list:
 * @paths: PNG files, as the gallery lists them; next and previous walk them
 * @position: the one to show first
 * @blocking: decode on the main thread rather than in a worker
 *
 * Returns: (transfer floating): a new viewer window, already loading
 */
GtkWidget *
ub_image_viewer_new_for_list (const char * const *paths,
                              guint               position,
                              gboolean            blocking)
{
  UbImageViewer *self;

  g_return_val_if_fail (paths != NULL, NULL);
  g_return_val_if_fail (position < g_strv_length ((char **) paths), NULL);

  self = g_object_new (UB_TYPE_IMAGE_VIEWER, NULL);
  self->paths = g_strdupv ((char **) paths);
  self->blocking = blocking != FALSE;
  load (self, position);

  return GTK_WIDGET (self);
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
  const char *paths[] = { path, NULL };

  g_return_val_if_fail (path != NULL, NULL);

  return ub_image_viewer_new_for_list (paths, 0, blocking);
}

UbImageCanvas *
ub_image_viewer_get_canvas (UbImageViewer *self)
{
  g_return_val_if_fail (UB_IS_IMAGE_VIEWER (self), NULL);

  return UB_IMAGE_CANVAS (self->canvas);
}

GtkScrolledWindow *
ub_image_viewer_get_scroller (UbImageViewer *self)
{
  g_return_val_if_fail (UB_IS_IMAGE_VIEWER (self), NULL);

  return GTK_SCROLLED_WINDOW (self->scroller);
}

double
ub_image_viewer_get_zoom (UbImageViewer *self)
{
  g_return_val_if_fail (UB_IS_IMAGE_VIEWER (self), 1.0);

  return ub_image_canvas_get_zoom (UB_IMAGE_CANVAS (self->canvas));
}

/**
 * ub_image_viewer_get_progress:
 *
 * How much of the image in view is decoded, 1.0 once it is shown.
 */
double
ub_image_viewer_get_progress (UbImageViewer *self)
{
  g_return_val_if_fail (UB_IS_IMAGE_VIEWER (self), 0);

  if (ub_image_viewer_is_loaded (self))
    return 1.0;
  return gtk_progress_bar_get_fraction (GTK_PROGRESS_BAR (self->progress));
}

gboolean
ub_image_viewer_is_loaded (UbImageViewer *self)
{
  g_return_val_if_fail (UB_IS_IMAGE_VIEWER (self), FALSE);

  return self->canvas != NULL && ub_image_canvas_has_image (UB_IMAGE_CANVAS (self->canvas));
}

const char *
ub_image_viewer_get_error (UbImageViewer *self)
{
  g_return_val_if_fail (UB_IS_IMAGE_VIEWER (self), NULL);

  return self->error;
}

/**
 * ub_image_viewer_get_path:
 *
 * Returns: (transfer none): the file in view
 */
const char *
ub_image_viewer_get_path (UbImageViewer *self)
{
  g_return_val_if_fail (UB_IS_IMAGE_VIEWER (self), NULL);

  return self->paths[self->position];
}
