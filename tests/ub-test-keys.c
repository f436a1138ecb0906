/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gdk/x11/gdkx.h>
#include <X11/Xlib.h>
#include <X11/extensions/XTest.h>
#include <X11/keysym.h>

#include "ub-test-keys.h"

struct _UbKeyTyper
{
  GtkWidget *editable;      /* (owned) main thread only */
  gulong     changed_id;
  guint      n_keys;
  guint      interval_ms;
  char      *display_name;  /* (owned) read-only once the thread runs */
  GThread   *thread;        /* (owned) joined in ub_key_typer_free() */

  /* Written by the sender thread, read by the main thread */
  GMutex     lock;
  gint64    *send_usec;     /* protected by lock: when key i was sent */
  guint      n_sent;        /* protected by lock: keys sent so far */
  gboolean   sender_failed; /* protected by lock */

  /* Main thread only */
  gint64    *recv_usec;
  guint      n_received;
  int        last_length;
};

gboolean
ub_key_typer_supported (void)
{
  GdkDisplay *display = gdk_display_get_default ();
  int event_base, error_base, major, minor;

  if (display == NULL || !GDK_IS_X11_DISPLAY (display))
    return FALSE;

  return XTestQueryExtension (gdk_x11_display_get_xdisplay (display),
                              &event_base, &error_base, &major, &minor);
}

static void
on_changed (GtkEditable *editable,
            UbKeyTyper  *self)
{
  const char *text = gtk_editable_get_text (editable);
  int length = (int) g_utf8_strlen (text, -1);
  gint64 now = g_get_monotonic_time ();

  /* One received character per length increase. */
  while (self->last_length < length && self->n_received < self->n_keys)
    {
      self->recv_usec[self->n_received++] = now;
      self->last_length++;
    }
  self->last_length = length;
}

static gpointer
sender_thread (gpointer user_data)
{
  UbKeyTyper *self = user_data;
  Display *xdisplay = XOpenDisplay (self->display_name);
  KeyCode keycode;
  gint64 next;

  if (xdisplay == NULL)
    {
      g_mutex_lock (&self->lock);
      self->sender_failed = TRUE;
      g_mutex_unlock (&self->lock);
      return NULL;
    }

  keycode = XKeysymToKeycode (xdisplay, XK_a);
  next = g_get_monotonic_time ();

  for (guint i = 0; i < self->n_keys; i++)
    {
      gint64 now;

      /* Pacing, not synchronisation: keys go out on a fixed schedule
       * whatever the main thread is doing. */
      next += self->interval_ms * G_TIME_SPAN_MILLISECOND;
      now = g_get_monotonic_time ();
      if (next > now)
        g_usleep (next - now);

      g_mutex_lock (&self->lock);
      self->send_usec[i] = g_get_monotonic_time ();
      self->n_sent = i + 1;
      g_mutex_unlock (&self->lock);

      XTestFakeKeyEvent (xdisplay, keycode, True, CurrentTime);
      XTestFakeKeyEvent (xdisplay, keycode, False, CurrentTime);
      XFlush (xdisplay);
    }

  XSync (xdisplay, False);
  XCloseDisplay (xdisplay);
  return NULL;
}

/**
 * ub_key_typer_get_n_sent:
 * @self: a #UbKeyTyper
 *
 * Returns: how many keys the sender has started to press. Callable from
 * any thread.
 */
guint
ub_key_typer_get_n_sent (UbKeyTyper *self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = self->n_sent;
  g_mutex_unlock (&self->lock);
  return n;
}

/* Gives the X input focus to @widget's window, so that the keys reach it
 * even when another window of the app (the image viewer) lies under the
 * pointer: without a window manager the focus follows the pointer. */
static void
focus_toplevel (GtkWidget *widget)
{
  GdkSurface *surface = gtk_native_get_surface (gtk_widget_get_native (widget));
  Display *xdisplay = gdk_x11_display_get_xdisplay (gtk_widget_get_display (widget));

  XSetInputFocus (xdisplay, gdk_x11_surface_get_xid (surface), RevertToPointerRoot, CurrentTime);
  XSync (xdisplay, False);
}

/**
 * ub_key_typer_start:
 * @editable: a focused #GtkEditable in a presented window
 * @n_keys: how many keys to press
 * @interval_ms: time between two presses
 *
 * Returns: (transfer full): the typer; free it with ub_key_typer_free()
 */
UbKeyTyper *
ub_key_typer_start (GtkWidget *editable,
                    guint      n_keys,
                    guint      interval_ms)
{
  UbKeyTyper *self;
  GdkDisplay *display;

  g_return_val_if_fail (GTK_IS_EDITABLE (editable), NULL);
  g_return_val_if_fail (n_keys > 0, NULL);

  display = gtk_widget_get_display (editable);
  g_return_val_if_fail (GDK_IS_X11_DISPLAY (display), NULL);

  self = g_new0 (UbKeyTyper, 1);
  g_mutex_init (&self->lock);
  self->editable = g_object_ref (editable);
  self->n_keys = n_keys;
  self->interval_ms = interval_ms;
  self->display_name = g_strdup (gdk_display_get_name (display));
  self->send_usec = g_new0 (gint64, n_keys);
  self->recv_usec = g_new0 (gint64, n_keys);

  gtk_editable_set_text (GTK_EDITABLE (editable), "");
  gtk_widget_grab_focus (editable);
  focus_toplevel (editable);
  self->changed_id = g_signal_connect (editable, "changed", G_CALLBACK (on_changed), self);

  self->thread = g_thread_new ("key-typer", sender_thread, self);
  return self;
}

/* TRUE once every key was sent and every sent key arrived (or the sender
 * could not open the display). */
gboolean
ub_key_typer_is_done (UbKeyTyper *self)
{
  gboolean done;

  g_mutex_lock (&self->lock);
  done = self->sender_failed || (self->n_sent == self->n_keys && self->n_received >= self->n_keys);
  g_mutex_unlock (&self->lock);

  return done;
}

guint
ub_key_typer_get_n_received (UbKeyTyper *self)
{
  return self->n_received;
}

/**
 * ub_key_typer_dup_latencies_ms:
 * @n_latencies: (out): how many keys arrived
 *
 * Returns: (transfer full): per received key, the time from the press to
 *   the entry's change, in milliseconds
 */
double *
ub_key_typer_dup_latencies_ms (UbKeyTyper *self,
                               guint      *n_latencies)
{
  double *latencies = g_new0 (double, MAX (self->n_received, 1));

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->n_received; i++)
    latencies[i] = (self->recv_usec[i] - self->send_usec[i]) / 1000.0;
  g_mutex_unlock (&self->lock);

  *n_latencies = self->n_received;
  return latencies;
}

void
ub_key_typer_free (UbKeyTyper *self)
{
  if (self == NULL)
    return;

  g_thread_join (self->thread);
  g_clear_signal_handler (&self->changed_id, self->editable);
  g_clear_object (&self->editable);
  g_free (self->display_name);
  g_free (self->send_usec);
  g_free (self->recv_usec);
  g_mutex_clear (&self->lock);
  g_free (self);
}
