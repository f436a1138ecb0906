/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdatomic.h>

#include <glib/gi18n-lib.h>

#include "ub-broadcast-channel.h"
#include "ub-error.h"
#include "ub-port-private.h"
#include "ub-runtime-private.h"

/**
 * UbBroadcastChannel:
 *
 * A named channel, the analogue of a web `BroadcastChannel`: a message
 * posted on one instance reaches every *other* open instance with the same
 * name, whatever thread created it, each in the thread-default context its
 * creator had. A closed instance neither sends nor receives. Transfers are
 * not allowed (as on the web).
 *
 * Order: the instances of one name that share a context share one hub, an
 * unentangled port started in that context. A post puts the message in
 * each hub's queue once; the hub hands it to every other instance of its
 * context, in creation order, before it looks at the next message. So with
 * three instances in one context, each message reaches both others before
 * the next message reaches any.
 *
 * Threads: an instance is created, receives and is closed on one thread
 * (the one whose context it delivers in). Posting, with a #GVariant body
 * or a block of bytes, is safe from any thread that holds a reference,
 * also while the owner closes the instance: the post and the close are
 * ordered by the registry lock, so a post either reaches the others as if
 * it came before the close or fails with %UB_ERROR_CLOSED.
 */

typedef struct _Hub Hub;

struct _UbBroadcastChannel
{
  GObject     parent_instance;

  char       *name;      /* (owned) immutable */
  Hub        *hub;       /* (owned) (nullable) until closed; owner thread */
  guint64     stamp;     /* immutable: when it was created (registry clock) */
  /* Written by ub_broadcast_channel_close() on the owner thread under
   * registry_mutex; read anywhere (posters on other threads read it again
   * under the mutex, which orders their push against the close). */
  atomic_bool closed;
};

/* One per (name, context) with an open instance. */
struct _Hub
{
  UbRefCount     ref_count;
  char          *name;        /* (owned) immutable */
  GMainContext  *context;     /* (owned) immutable */
  UbPort        *port;        /* (owned) receives; the context's thread only */
  UbEndpoint    *endpoint;    /* (owned) the port's endpoint, for posters */
  GPtrArray     *instances;   /* (owned) UbBroadcastChannel (unowned), creation
                               * order; protected by registry_mutex */
};

/* name → GPtrArray of Hub (unowned: a hub leaves the list, under the
 * mutex, when its last instance closes). registry_clock stamps creations
 * and posts, so that an instance receives only what was posted after it
 * was created, even if it was created before the hub delivered. */
static GMutex registry_mutex;
static GHashTable *registry;       /* (owned) protected by registry_mutex */
static guint64 registry_clock;     /* protected by registry_mutex */

enum {
  SIGNAL_MESSAGE,
  SIGNAL_MESSAGE_ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (UbBroadcastChannel, ub_broadcast_channel, G_TYPE_OBJECT)

static Hub *
hub_ref (Hub *hub)
{
  ub_ref_count_inc (&hub->ref_count);
  return hub;
}

static void
hub_unref (Hub *hub)
{
  if (!ub_ref_count_dec (&hub->ref_count))
    return;

  g_assert (hub->instances->len == 0);
  g_clear_object (&hub->port);
  g_clear_pointer (&hub->endpoint, _ub_endpoint_unref);
  g_ptr_array_unref (hub->instances);
  g_main_context_unref (hub->context);
  g_free (hub->name);
  g_free (hub);
}

/* The hub's port filter: takes every message, hands it to each instance of
 * this context in creation order. Runs in the hub's context. */
static gboolean
hub_deliver (UbPort    *port,
             UbMessage *message,
             gpointer   user_data)
{
  Hub *hub = hub_ref (user_data);
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean valid = _ub_message_body_is_valid (message);

  /* A copy, with references: handlers may create and close instances. */
  ub_mutex_lock (&registry_mutex);
  for (guint i = 0; i < hub->instances->len; i++)
    {
      UbBroadcastChannel *instance = g_ptr_array_index (hub->instances, i);

      if (instance != message->origin && instance->stamp < message->stamp)
        g_ptr_array_add (targets, g_object_ref (instance));
    }
  ub_mutex_unlock (&registry_mutex);

  for (guint i = 0; i < targets->len; i++)
    {
      UbBroadcastChannel *instance = g_ptr_array_index (targets, i);

      /* Closed by an earlier handler of this very message. */
      if (atomic_load (&instance->closed))
        continue;
      g_signal_emit (instance, signals[valid ? SIGNAL_MESSAGE : SIGNAL_MESSAGE_ERROR], 0, message);
    }

  /* The last instance may have closed in a handler, taking the hub down. */
  hub_unref (hub);
  return TRUE;
}

/* Call with registry_mutex held. */
static Hub *
hub_find_locked (const char   *name,
                 GMainContext *context)
{
  GPtrArray *hubs = registry != NULL ? g_hash_table_lookup (registry, name) : NULL;

  for (guint i = 0; hubs != NULL && i < hubs->len; i++)
    {
      Hub *hub = g_ptr_array_index (hubs, i);

      if (hub->context == context)
        return hub;
    }
  return NULL;
}

/* Call with registry_mutex held, on the thread that iterates @context. */
static Hub *
hub_new_locked (const char   *name,
                GMainContext *context)
{
  Hub *hub = g_new0 (Hub, 1);
  GPtrArray *hubs;

  ub_ref_count_init (&hub->ref_count);
  hub->name = g_strdup (name);
  hub->context = g_main_context_ref (context);
  hub->instances = g_ptr_array_new ();
  hub->port = _ub_port_new_unentangled ();
  hub->endpoint = _ub_port_ref_endpoint (hub->port);
  _ub_runtime_set_endpoint_broadcast (hub->endpoint, name);
  _ub_port_set_filter (hub->port, hub_deliver, hub);
  ub_port_start (hub->port);

  if (registry == NULL)
    registry = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) g_ptr_array_unref);
  hubs = g_hash_table_lookup (registry, name);
  if (hubs == NULL)
    {
      hubs = g_ptr_array_new ();
      g_hash_table_insert (registry, g_strdup (name), hubs);
    }
  g_ptr_array_add (hubs, hub);
  return hub;
}

static void
ub_broadcast_channel_dispose (GObject *object)
{
  UbBroadcastChannel *self = UB_BROADCAST_CHANNEL (object);

  ub_broadcast_channel_close (self);

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
  signals[SIGNAL_MESSAGE] = _ub_message_signal_new ("message", G_TYPE_FROM_CLASS (klass));

  /**
   * UbBroadcastChannel::messageerror:
   * @channel: the instance
   * @message: (transfer none): the message that could not be decoded
   */
  signals[SIGNAL_MESSAGE_ERROR] = _ub_message_signal_new ("messageerror", G_TYPE_FROM_CLASS (klass));
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
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();
  UbBroadcastChannel *self;
  Hub *hub;

  g_return_val_if_fail (name != NULL, NULL);

  self = g_object_new (UB_TYPE_BROADCAST_CHANNEL, NULL);
  self->name = g_strdup (name);

  ub_mutex_lock (&registry_mutex);
  /* The registry does not own hubs: each instance holds one reference, and
   * a new hub's first reference is this instance's. */
  hub = hub_find_locked (name, context);
  if (hub == NULL)
    hub = hub_new_locked (name, context);
  else
    hub_ref (hub);
  self->hub = hub;
  self->stamp = ++registry_clock;
  g_ptr_array_add (hub->instances, self);
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

static gboolean
closed_error (UbBroadcastChannel  *self,
              GError             **error)
{
  g_set_error (error, UB_ERROR, UB_ERROR_CLOSED,
               _("The broadcast channel “%s” is closed"), self->name);
  return FALSE;
}

/* Posts @message (consumed) to every other open instance of @self's
 * name. Any thread holding a reference. */
static gboolean
broadcast_post (UbBroadcastChannel  *self,
                UbMessage           *message,
                GError             **error)
{
  g_autoptr(UbMessage) owned = message;
  GPtrArray *hubs;

  if (atomic_load (&self->closed))
    return closed_error (self, error);
  if (!_ub_message_check_kind (message, error))
    return FALSE;

  /* No transfers: this seals (and serialises) the message in place, on
   * the posting thread. */
  ub_message_unref (_ub_message_seal (message, NULL));
  message->origin = self;

  /* The stamp and the pushes happen under one lock, so every hub sees the
   * posts of one name in the same order; the closed flag is read under it
   * too, so a close on the owner thread is either before the post (which
   * fails) or after it (which is delivered). */
  ub_mutex_lock (&registry_mutex);
  if (atomic_load (&self->closed))
    {
      ub_mutex_unlock (&registry_mutex);
      return closed_error (self, error);
    }
  message->stamp = ++registry_clock;
  hubs = g_hash_table_lookup (registry, self->name);
  for (guint i = 0; hubs != NULL && i < hubs->len; i++)
    {
      Hub *hub = g_ptr_array_index (hubs, i);

      /* A hub whose only instance is the sender has nobody to deliver to. */
      if (hub->instances->len > 1 || g_ptr_array_index (hub->instances, 0) != self)
        _ub_endpoint_push (hub->endpoint, ub_message_ref (message));
    }
  ub_mutex_unlock (&registry_mutex);

  return TRUE;
}

/**
 * ub_broadcast_channel_post:
 * @self: a #UbBroadcastChannel
 * @kind: the message kind
 * @body: (nullable): the body; a floating reference is sunk
 * @error: return location for a #GError
 *
 * Posts to every other open instance named like @self. A closed instance
 * fails with %UB_ERROR_CLOSED, a kind starting `ub.` with
 * %UB_ERROR_RESERVED_KIND.
 *
 * Threads: any thread that holds a reference on @self, also while its
 * owner closes it (see #UbBroadcastChannel).
 *
 * Returns: %TRUE if the message was posted
 */
gboolean
ub_broadcast_channel_post (UbBroadcastChannel  *self,
                           const char          *kind,
                           GVariant            *body,
                           GError             **error)
{
  if (body != NULL)
    g_variant_ref_sink (body);

  if (!UB_IS_BROADCAST_CHANNEL (self) || kind == NULL)
    {
      g_clear_pointer (&body, g_variant_unref);
      g_return_val_if_fail (UB_IS_BROADCAST_CHANNEL (self), FALSE);
      g_return_val_if_fail (kind != NULL, FALSE);
    }

  return broadcast_post (self, _ub_message_new_take (kind, g_steal_pointer (&body)), error);
}

/**
 * ub_broadcast_channel_post_bytes:
 * @self: a #UbBroadcastChannel
 * @kind: the message kind
 * @data: (nullable): the body, a block of bytes; a reference is taken
 * @error: return location for a #GError
 *
 * Posts a bytes message (see ub_message_new_bytes()) to every other open
 * instance named like @self, as ub_port_post_bytes() does to a port's
 * peer: receivers read @data with ub_message_get_data(), and one #GBytes
 * is shared by all of them, neither copied nor serialised. It fails as
 * ub_broadcast_channel_post() does, and reaches the others in the same
 * order as every other post of the name; a kind registered with
 * ub_message_register_kind() expects a #GVariant body, so a bytes message
 * of such a kind fires `messageerror` where it arrives.
 *
 * Threads: any thread that holds a reference on @self, also while its
 * owner closes it (see #UbBroadcastChannel).
 *
 * Returns: %TRUE if the message was posted
 */
gboolean
ub_broadcast_channel_post_bytes (UbBroadcastChannel  *self,
                                 const char          *kind,
                                 GBytes              *data,
                                 GError             **error)
{
  g_return_val_if_fail (UB_IS_BROADCAST_CHANNEL (self), FALSE);
  g_return_val_if_fail (kind != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (data != NULL)
    g_bytes_ref (data);
  return broadcast_post (self, _ub_message_new_take_bytes (kind, data), error);
}

/**
 * ub_broadcast_channel_close:
 * @self: a #UbBroadcastChannel
 *
 * Closes the instance: it neither sends nor receives from now on, and
 * what was queued for it is dropped. Closing twice does nothing. Call it
 * on the thread that created the instance.
 */
void
ub_broadcast_channel_close (UbBroadcastChannel *self)
{
  Hub *hub;
  gboolean last = FALSE;

  g_return_if_fail (UB_IS_BROADCAST_CHANNEL (self));

  if (atomic_load (&self->closed) || self->hub == NULL)
    return;
  hub = g_steal_pointer (&self->hub);

  ub_mutex_lock (&registry_mutex);
  atomic_store (&self->closed, TRUE);
  g_ptr_array_remove (hub->instances, self);
  if (hub->instances->len == 0)
    {
      GPtrArray *hubs = g_hash_table_lookup (registry, hub->name);

      last = TRUE;
      g_ptr_array_remove (hubs, hub);
      if (hubs->len == 0)
        g_hash_table_remove (registry, hub->name);
    }
  ub_mutex_unlock (&registry_mutex);

  /* Nobody can post into the hub any more: close its port, outside the
   * registry lock, which posters hold while they push. */
  if (last)
    {
      _ub_port_set_filter (hub->port, NULL, NULL);
      ub_port_close (hub->port);
    }
  hub_unref (hub);
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

  return atomic_load (&self->closed);
}
