/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib-unix.h>

#include "ub-port-private.h"
#include "ub-port-source-private.h"

/*
 * The delivery source of a started port: a #GSource at
 * UB_PORT_SOURCE_PRIORITY in the context the port was started in. It has
 * no prepare or check: it polls its endpoint's eventfd, which a producer
 * writes when the queue goes from empty to non-empty (one wake-up per
 * burst), and it drains the queue in batches for at most
 * DISPATCH_BUDGET_USEC before it yields, so that input and redraw always
 * get their turn.
 *
 * Why an eventfd: the other way to wake a source from another thread,
 * g_source_set_ready_time(), takes the lock of the source's main context,
 * which the loop holds whenever it prepares, checks or polls its sources,
 * and then writes the context's own wake-up fd. The eventfd is one
 * write(), with no lock shared with the loop, made after the producer
 * has let go of the queue lock that the woken thread takes first. It
 * belongs to the endpoint, so that it outlives every source polling it
 * and travels with a transferred port. Where there is no eventfd (or none
 * could be made) the source falls back to the ready time.
 */

/* GTK's redraw priority (GDK_PRIORITY_REDRAW, which workers/ cannot
 * name): below input, and level with the frame clock. GLib dispatches
 * every ready source of the best ready priority, so when both are ready a
 * frame and one budgeted dispatch run in the same iteration, and neither
 * can starve the other. Below redraw, at G_PRIORITY_DEFAULT_IDLE, the
 * messages never came while a tick callback asked for every frame and
 * each frame took longer than the frame interval (a slow machine, or a
 * sanitizer's build): GLib does not even look at a source whose priority
 * is lower than one that is ready. Above it, a flood would starve redraw. */
#define UB_PORT_SOURCE_PRIORITY (G_PRIORITY_HIGH_IDLE + 20)

/* A redraw waits for at most one dispatch and one loop iteration: 2 ms
 * leaves room within a 4 ms target (3 ms gave measured gaps of 3.0 ms of
 * main-thread CPU, and 4 to 5 ms of wall time on a quiet machine), and
 * costs nothing measurable in throughput, an iteration being a few µs. */
#define DISPATCH_BUDGET_USEC 2000

typedef struct
{
  GSource     source;
  UbEndpoint *ep;        /* (owned); read only by the delivering thread */
  gpointer    wake_tag;  /* the endpoint's eventfd's poll tag, or NULL */
} UbPortSource;

static gboolean
port_source_dispatch (GSource     *source,
                      GSourceFunc  callback,
                      gpointer     user_data)
{
  UbEndpoint *ep = ((UbPortSource *) source)->ep;
  g_autoptr(UbPort) port = g_weak_ref_get (&ep->port);
  gint64 start, deadline;

  /* Before the queue is looked at; see _ub_endpoint_clear_wake(). */
  if (((UbPortSource *) source)->wake_tag != NULL &&
      (g_source_query_unix_fd (source, ((UbPortSource *) source)->wake_tag) & G_IO_IN) != 0)
    _ub_endpoint_clear_wake (ep);
  g_source_set_ready_time (source, -1);

  if (port == NULL)
    return G_SOURCE_CONTINUE;

  start = g_get_monotonic_time ();
  deadline = start + DISPATCH_BUDGET_USEC;

  while (_ub_endpoint_fill_batch (ep) > 0)
    {
      while (ep->batch_pos < ep->batch_len)
        {
          UbMessage *item = g_steal_pointer (&ep->batch[ep->batch_pos]);

          ep->batch_pos++;
          if (port->receive != NULL)
            _ub_port_serve_receive (port, item);
          else
            _ub_port_deliver (port, item, NULL, NULL);

          /* A handler may have transferred or closed the port, or a
           * receive was served. */
          if (!_ub_port_has_endpoint (port, ep) || g_source_is_destroyed (source))
            {
              _ub_endpoint_note_dispatch (ep, start);
              return G_SOURCE_REMOVE;
            }
        }

      if (g_get_monotonic_time () >= deadline)
        {
          g_source_set_ready_time (source, 0);
          break;
        }
    }

  _ub_endpoint_note_dispatch (ep, start);
  return G_SOURCE_CONTINUE;
}

static void
port_source_finalize (GSource *source)
{
  g_clear_pointer (&((UbPortSource *) source)->ep, _ub_endpoint_unref);
}

static GSourceFuncs port_source_funcs = {
  .dispatch = port_source_dispatch,
  .finalize = port_source_finalize,
};

/* Returns (transfer full) a new delivery source for @ep, not attached. */
GSource *
_ub_port_source_new (UbEndpoint *ep)
{
  GSource *source = g_source_new (&port_source_funcs, sizeof (UbPortSource));
  UbPortSource *self = (UbPortSource *) source;
  int wake_fd = _ub_endpoint_get_wake_fd (ep);

  self->ep = _ub_endpoint_ref (ep);
  if (wake_fd >= 0)
    self->wake_tag = g_source_add_unix_fd (source, wake_fd, G_IO_IN);
  g_source_set_priority (source, UB_PORT_SOURCE_PRIORITY);
  g_source_set_static_name (source, "UbPort delivery");
  return source;
}
