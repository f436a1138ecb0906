/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-broadcast-channel.h"
#include "ub-error.h"
#include "ub-port-private.h"

/**
 * UbBroadcastChannel:
 *
 * A named channel, the analogue of a web `BroadcastChannel`: a message
 * posted on one instance reaches every *other* open instance with the same
 * name, whatever thread created it, each in the thread-default context its
 * creator had, in creation order. A closed instance neither sends nor
 * receives. Transfers are not allowed (as on the web).
 *
 * Each instance receives through its own unentangled port, started at
 * creation, and re-emits that port's signals.
 */
struct _UbBroadcastChannel
{
  GObject     parent_instance;

  char       *name;      /* (owned) immutable */
  UbPort     *port;      /* (owned) receives; owner thread only */
  UbEndpoint *endpoint;  /* (owned) the port's endpoint, for posters */
  gboolean    closed;    /* owner thread only */
};

/* name → GPtrArray of open instances, in creation order. An instance is
 * in the table from creation to close; the table does not own it, and
 * posters only touch its endpoint (refcounted, thread-safe). */
static GMutex registry_mutex;
static GHashTable *registry;   /* (owned) protected by registry_mutex */

enum {
  SIGNAL_MESSAGE,
  SIGNAL_MESSAGE_ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (UbBroadcastChannel, ub_broadcast_channel, G_TYPE_OBJECT)

static void
forward_message (UbPort             *port,
                 UbMessage          *message,
                 UbBroadcastChannel *self)
{
  g_signal_emit (self, signals[SIGNAL_MESSAGE], 0, message);
}

static void
forward_message_error (UbPort             *port,
                       UbMessage          *message,
                       UbBroadcastChannel *self)
{
  g_signal_emit (self, signals[SIGNAL_MESSAGE_ERROR], 0, message);
}

static void
ub_broadcast_channel_dispose (GObject *object)
{
  UbBroadcastChannel *self = UB_BROADCAST_CHANNEL (object);

  ub_broadcast_channel_close (self);
  g_clear_object (&self->port);
  g_clear_pointer (&self->endpoint, _ub_endpoint_unref);

  G_OBJECT_CLASS (ub_broadcast_channel_parent_class)->dispose (object);
}

static void
ub_broadcast_channel_finalize (GObject *object)
{
  UbBroadcastChannel *self = UB_BROADCAST_CHANNEL (object);

  g_free (self->name);

  G_OBJECT_CLASS (ub_broadcast_channel_parent_class)->finalize (object);
}

static void
ub_broadcast_channel_class_init (UbBroadcastChannelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ub_broadcast_channel_dispose;
  object_class->finalize = ub_broadcast_channel_finalize;

  /**
   * UbBroadcastChannel::message:
   * @channel: the instance
   * @message: (transfer none): the message
   */
  signals[SIGNAL_MESSAGE] =
    g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, UB_TYPE_MESSAGE | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * UbBroadcastChannel::messageerror:
   * @channel: the instance
   * @message: (transfer none): the message that could not be decoded
   */
  signals[SIGNAL_MESSAGE_ERROR] =
    g_signal_new ("messageerror", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, UB_TYPE_MESSAGE | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
ub_broadcast_channel_init (UbBroadcastChannel *self)
{
}

/**
 * ub_broadcast_channel_new:
 * @name: the channel name
 *
 * Creates an instance that delivers in the calling thread's thread-default
 * context. It receives only what is posted after its creation.
 *
 * Returns: (transfer full): a new instance
 */
UbBroadcastChannel *
ub_broadcast_channel_new (const char *name)
{
  UbBroadcastChannel *self;
  g_autofree char *label = NULL;
  GPtrArray *instances;

  g_return_val_if_fail (name != NULL, NULL);

  self = g_object_new (UB_TYPE_BROADCAST_CHANNEL, NULL);
  self->name = g_strdup (name);
  self->port = _ub_port_new_unentangled ();
  self->endpoint = _ub_port_ref_endpoint (self->port);
  label = g_strdup_printf ("broadcast %s", name);
  ub_port_set_label (self->port, label);
  g_signal_connect (self->port, "message", G_CALLBACK (forward_message), self);
  g_signal_connect (self->port, "messageerror", G_CALLBACK (forward_message_error), self);
  ub_port_start (self->port);

  ub_mutex_lock (&registry_mutex);
  if (registry == NULL)
    registry = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) g_ptr_array_unref);
  instances = g_hash_table_lookup (registry, name);
  if (instances == NULL)
    {
      instances = g_ptr_array_new ();
      g_hash_table_insert (registry, g_strdup (name), instances);
    }
  g_ptr_array_add (instances, self);
  ub_mutex_unlock (&registry_mutex);

  return self;
}

/**
 * ub_broadcast_channel_get_name:
 * @self: a #UbBroadcastChannel
 *
 * Returns: (transfer none): the name
 */
const char *
ub_broadcast_channel_get_name (UbBroadcastChannel *self)
{
  g_return_val_if_fail (UB_IS_BROADCAST_CHANNEL (self), NULL);

  return self->name;
}

/**
 * ub_broadcast_channel_post:
 * @self: a #UbBroadcastChannel
 * @kind: the message kind
 * @body: (nullable): the body; a floating reference is sunk
 * @error: return location for a #GError
 *
 * Posts to every other open instance named like @self. A closed instance
 * fails with %UB_ERROR_CLOSED.
 *
 * Returns: %TRUE if the message was posted
 */
gboolean
ub_broadcast_channel_post (UbBroadcastChannel  *self,
                           const char          *kind,
                           GVariant            *body,
                           GError             **error)
{
  g_autoptr(UbMessage) message = NULL;
  GPtrArray *instances;

  if (body != NULL)
    g_variant_ref_sink (body);

  if (!UB_IS_BROADCAST_CHANNEL (self) || kind == NULL)
    {
      g_clear_pointer (&body, g_variant_unref);
      g_return_val_if_fail (UB_IS_BROADCAST_CHANNEL (self), FALSE);
      g_return_val_if_fail (kind != NULL, FALSE);
    }

  message = ub_message_new (kind, body);
  g_clear_pointer (&body, g_variant_unref);

  if (self->closed)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_CLOSED,
                   "The broadcast channel “%s” is closed", self->name);
      return FALSE;
    }

  /* No transfers: this seals (and serialises) the message in place. */
  ub_message_unref (_ub_message_seal (message));

  ub_mutex_lock (&registry_mutex);
  instances = g_hash_table_lookup (registry, self->name);
  for (guint i = 0; instances != NULL && i < instances->len; i++)
    {
      UbBroadcastChannel *other = g_ptr_array_index (instances, i);

      if (other != self)
        _ub_endpoint_push (other->endpoint, ub_message_ref (message));
    }
  ub_mutex_unlock (&registry_mutex);

  return TRUE;
}

/**
 * ub_broadcast_channel_close:
 * @self: a #UbBroadcastChannel
 *
 * Closes the instance: it neither sends nor receives from now on, and
 * what was queued for it is dropped. Closing twice does nothing.
 */
void
ub_broadcast_channel_close (UbBroadcastChannel *self)
{
  GPtrArray *instances;

  g_return_if_fail (UB_IS_BROADCAST_CHANNEL (self));

  if (self->closed || self->name == NULL)
    return;
  self->closed = TRUE;

  ub_mutex_lock (&registry_mutex);
  instances = g_hash_table_lookup (registry, self->name);
  if (instances != NULL)
    {
      g_ptr_array_remove (instances, self);
      if (instances->len == 0)
        g_hash_table_remove (registry, self->name);
    }
  ub_mutex_unlock (&registry_mutex);

  if (self->port != NULL)
    ub_port_close (self->port);
}

/**
 * ub_broadcast_channel_is_closed:
 * @self: a #UbBroadcastChannel
 *
 * Returns: whether the instance is closed
 */
gboolean
ub_broadcast_channel_is_closed (UbBroadcastChannel *self)
{
  g_return_val_if_fail (UB_IS_BROADCAST_CHANNEL (self), TRUE);

  return self->closed;
}
