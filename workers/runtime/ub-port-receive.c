/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "ub-error.h"
#include "ub-port-private.h"
#include "ub-port-source-private.h"

/*
 * Receiving without a handler: ub_port_receive() waits on the endpoint's
 * condition, for code that has no main loop; ub_port_receive_async()
 * borrows the port's delivery source for one message and completes a
 * #GTask in the caller's context, as libdex's receive gives a future.
 * Either way the port is not started, and the runtime's filters (remote
 * calls) still see every message on the way.
 */

/**
 * ub_port_receive:
 * @self: a #UbPort that is not started
 * @timeout_usec: how long to wait, -1 for ever, 0 not at all
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Waits for the next message, for code that has no main loop. Filters
 * installed by the runtime (remote calls) are applied on the way.
 *
 * Fails with %G_IO_ERROR_TIMED_OUT, %G_IO_ERROR_CANCELLED, %UB_ERROR_CLOSED
 * (this port or its peer closed; a `close` signal is emitted for the
 * latter), %UB_ERROR_INVALID_DATA (a `messageerror` was emitted),
 * %UB_ERROR_DETACHED, or %G_IO_ERROR_BUSY if the port is started.
 *
 * Returns: (transfer full) (nullable): the message
 */
UbMessage *
ub_port_receive (UbPort        *self,
                 gint64         timeout_usec,
                 GCancellable  *cancellable,
                 GError       **error)
{
  UbEndpoint *ep;
  gint64 deadline;
  gulong handler = 0;
  UbMessage *result = NULL;

  g_return_val_if_fail (UB_IS_PORT (self), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!_ub_port_check_usable (self, error))
    return NULL;
  ep = self->endpoint;

  if (ep->source != NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                           _("The port is started and delivers through its main context"));
      return NULL;
    }

  if (cancellable != NULL)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      handler = _ub_endpoint_wake_on_cancel (ep, cancellable);
    }

  if (timeout_usec < 0)
    deadline = -1;
  else if (timeout_usec == 0)
    deadline = 0;
  else
    deadline = g_get_monotonic_time () + timeout_usec;

  while (result == NULL)
    {
      UbMessage *item;

      /* Without a cancellable, not even the call: a stream asks once a
       * message. */
      if (cancellable != NULL && g_cancellable_set_error_if_cancelled (cancellable, error))
        break;
      if (atomic_load (&ep->closed) || atomic_load (&ep->discarding))
        {
          g_set_error_literal (error, UB_ERROR, UB_ERROR_CLOSED, _("The port is closed"));
          break;
        }

      item = _ub_endpoint_take (ep);
      if (item == NULL)
        {
          if (deadline != 0 && _ub_endpoint_wait_for_item (ep, cancellable, deadline))
            continue;
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            break;
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                               _("No message arrived in time"));
          break;
        }

      switch (_ub_port_deliver (self, item, &result, error))
        {
        case UB_DELIVERY_CLOSE:
        case UB_DELIVERY_ERROR:
          goto out;
        case UB_DELIVERY_NONE:
        case UB_DELIVERY_MESSAGE:
        default:
          break;
        }
    }

out:
  if (handler != 0)
    g_cancellable_disconnect (cancellable, handler);
  return result;
}

/* Completes the pending receive; the delivery source stops serving it and
 * the undelivered rest of its batch goes back to the queue. */
static void
complete_receive (UbPort    *self,
                  UbMessage *message,
                  GError    *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->receive);

  g_assert (task != NULL);

  if (self->receive_cancel != NULL)
    {
      g_source_destroy (self->receive_cancel);
      g_clear_pointer (&self->receive_cancel, g_source_unref);
    }
  if (self->endpoint != NULL)
    _ub_endpoint_stop_source (self->endpoint);

  /* Last: the callback may run at once and receive again. */
  if (message != NULL)
    g_task_return_pointer (task, message, (GDestroyNotify) ub_message_unref);
  else
    g_task_return_error (task, error);
}

/* For the delivery source: hands @item (consumed) to the pending receive.
 * Returns TRUE if that completed it. */
gboolean
_ub_port_serve_receive (UbPort    *self,
                        UbMessage *item)
{
  UbMessage *message = NULL;
  GError *error = NULL;

  if (_ub_port_deliver (self, item, &message, &error) == UB_DELIVERY_NONE)
    return FALSE;

  complete_receive (self, message, error);
  return TRUE;
}

/* Fails a pending receive, if there is one: the port closes or moves. */
void
_ub_port_fail_receive (UbPort     *self,
                       GQuark      domain,
                       int         code,
                       const char *message)
{
  if (self->receive != NULL)
    complete_receive (self, NULL, g_error_new_literal (domain, code, message));
}

static gboolean
receive_cancelled_cb (GCancellable *cancellable,
                      gpointer      user_data)
{
  UbPort *self = user_data;

  if (self->receive != NULL)
    complete_receive (self, NULL,
                      g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                           _("The receive was cancelled")));
  return G_SOURCE_REMOVE;
}

/**
 * ub_port_receive_async:
 * @self: a #UbPort that is not started
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async) (closure user_data): called with the next message
 * @user_data: data for @callback
 *
 * Receives the next message without blocking: @callback runs in the
 * calling thread's thread-default context once one arrives (or at once,
 * in the next iteration, if one is queued). Cancelling leaves the queue as
 * it was: no message is lost. One receive may be pending at a time.
 *
 * Finish with ub_port_receive_finish(), which fails as ub_port_receive()
 * does, with %G_IO_ERROR_PENDING while another receive is pending, or
 * with %UB_ERROR_CLOSED if the port is closed while it waits.
 */
void
ub_port_receive_async (UbPort              *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GMainContext) context = NULL;
  g_autoptr(GSource) source = NULL;
  GError *error = NULL;

  g_return_if_fail (UB_IS_PORT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ub_port_receive_async);
  g_task_set_name (task, "ub_port_receive");

  if (self->receive != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               _("Another receive is pending on this port"));
      return;
    }
  if (!_ub_port_check_usable (self, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (self->endpoint->source != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY,
                               _("The port is started and delivers through its main context"));
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;

  context = g_main_context_ref_thread_default ();
  self->receive = g_steal_pointer (&task);
  if (cancellable != NULL)
    {
      self->receive_cancel = g_cancellable_source_new (cancellable);
      g_source_set_callback (self->receive_cancel, G_SOURCE_FUNC (receive_cancelled_cb),
                             self, NULL);
      g_source_attach (self->receive_cancel, context);
    }

  source = _ub_port_source_new (self->endpoint);
  g_source_attach (source, context);
  if (_ub_endpoint_attach_source (self->endpoint, source))
    g_source_set_ready_time (source, 0);
}

/**
 * ub_port_receive_finish:
 * @self: a #UbPort
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the message
 */
UbMessage *
ub_port_receive_finish (UbPort        *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (UB_IS_PORT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ub_port_receive_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
