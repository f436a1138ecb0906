/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "ub-error.h"
#include "ub-message.h"
#include "ub-port.h"
#include "ub-buffer-private.h"
#include "ub-message-private.h"
#include "ub-port-private.h"

/**
 * UbMessage:
 *
 * What travels through a port: a kind name and a #GVariant body (the
 * structured-clone analogue: immutable, thread-safe, serialisable), or
 * instead a #GBytes (ub_message_new_bytes()): a block of bytes with no
 * type to check and nothing to serialise, so that posting one costs
 * about what a bare queue of blocks costs.
 *
 * The transfer list is an argument of the post (ub_port_post_message()),
 * as on the web: posting moves the buffers and ports it names, the
 * receiver's message carries fresh handles on them, and the sender's
 * handles are detached. The posted message itself does not change, so it
 * can be posted again.
 */

G_DEFINE_BOXED_TYPE (UbMessage, ub_message, ub_message_ref, ub_message_unref)

/* kind → GVariantType. Written at start-up, read on every delivery, so a
 * reader/writer lock; n_kinds lets the common "nothing registered" case
 * skip it. */
static GRWLock kinds_lock;
static GHashTable *kinds;       /* (owned) protected by kinds_lock */
static gint n_kinds;            /* (atomic) */

/* Recycled messages ---------------------------------------------------------
 *
 * A message is made on the posting thread and most often freed on the
 * receiving one. With glibc's malloc that pattern misses both threads'
 * caches on every message (the freeing thread's fills, the allocating
 * thread's stays empty, so both calls take an arena lock): about 320 of
 * the 1700 instructions of a bytes message's whole trip. So messages whose
 * kind is short (nearly all) have one size, and a freed one goes to a
 * cache of the freeing thread; a full cache of MESSAGE_CHAIN messages
 * moves, under one lock, to a depot that an allocating thread with an
 * empty cache takes a whole chain from. Making and freeing a message
 * then costs about 140 instructions (clearing it and copying its kind
 * included) instead of 320, and the lock is taken once per chain.
 *
 * Each thread's cache is its own (thread-local, no lock); the depot is
 * protected by depot_lock, through whose hand-over ThreadSanitizer sees
 * that a recycled message's last use happened before its reuse. A thread
 * that ends frees what its cache holds. The depot is bounded: beyond
 * MESSAGE_DEPOT_MAX chains, a chain is freed. Under AddressSanitizer
 * nothing is recycled, so that a use after free is still caught there
 * (valgrind's memcheck, which sees only malloc and free, cannot catch one
 * of a recycled message). */

#define MESSAGE_KIND_INLINE 40   /* kinds up to this length (with NUL) recycle */
#define MESSAGE_CHAIN       32   /* messages a thread caches, and moves at once */
#define MESSAGE_DEPOT_MAX   64   /* chains the depot keeps */

#if defined(__SANITIZE_ADDRESS__)
# define MESSAGE_RECYCLE 0
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define MESSAGE_RECYCLE 0
# endif
#endif
#ifndef MESSAGE_RECYCLE
# define MESSAGE_RECYCLE 1
#endif

#if MESSAGE_RECYCLE
typedef struct
{
  UbMessage *head;      /* linked through ->latest, which a free message
                         * does not use */
  guint      n;
} MessageChain;

static GMutex        depot_lock;
static MessageChain  depot[MESSAGE_DEPOT_MAX];   /* protected by depot_lock */
static guint         depot_len;                  /* protected by depot_lock */

static _Thread_local MessageChain thread_cache;  /* this thread's only */
static void message_cache_flush (gpointer data);
/* Set on a thread's first recycled free, so that its end flushes the cache. */
static GPrivate thread_cache_key = G_PRIVATE_INIT (message_cache_flush);

static void
chain_free (UbMessage *head)
{
  while (head != NULL)
    {
      UbMessage *next = head->latest;

      g_free (head);
      head = next;
    }
}

static void
message_cache_flush (gpointer data)
{
  MessageChain *cache = data;

  chain_free (cache->head);
  cache->head = NULL;
  cache->n = 0;
}

static UbMessage *
message_cache_take (void)
{
  MessageChain *cache = &thread_cache;
  UbMessage *self;

  if (cache->head == NULL)
    {
      ub_mutex_lock (&depot_lock);
      if (depot_len > 0)
        {
          if (g_private_get (&thread_cache_key) == NULL)
            g_private_set (&thread_cache_key, cache);
          *cache = depot[--depot_len];
        }
      ub_mutex_unlock (&depot_lock);
      if (cache->head == NULL)
        return g_malloc (sizeof (UbMessage) + MESSAGE_KIND_INLINE);
    }

  self = cache->head;
  cache->head = self->latest;
  cache->n--;
  return self;
}

static void
message_cache_give (UbMessage *self)
{
  MessageChain *cache = &thread_cache;

  if (cache->n == MESSAGE_CHAIN)
    {
      MessageChain full = *cache;

      ub_mutex_lock (&depot_lock);
      if (depot_len < MESSAGE_DEPOT_MAX)
        {
          depot[depot_len++] = full;
          full.head = NULL;
        }
      ub_mutex_unlock (&depot_lock);
      chain_free (full.head);
      cache->head = NULL;
      cache->n = 0;
    }
  else if (cache->n == 0 && g_private_get (&thread_cache_key) == NULL)
    g_private_set (&thread_cache_key, cache);

  self->latest = cache->head;
  cache->head = self;
  cache->n++;
}
#endif

static UbMessage *
message_alloc (const char *kind)
{
  gsize len = strlen (kind);
  UbMessage *self;

#if MESSAGE_RECYCLE
  if (len < MESSAGE_KIND_INLINE)
    self = message_cache_take ();
  else
#endif
    self = g_malloc (sizeof (UbMessage) + len + 1);

  /* Not g_malloc0(): calloc costs more than clearing the fixed part. */
  memset (self, 0, sizeof (UbMessage));
  ub_ref_count_init (&self->ref_count);
  memcpy (self->kind, kind, len + 1);
  return self;
}

static void
message_free (UbMessage *self)
{
#if MESSAGE_RECYCLE
  if (strlen (self->kind) < MESSAGE_KIND_INLINE)
    {
      message_cache_give (self);
      return;
    }
#endif
  g_free (self);
}

/**
 * ub_message_new:
 * @kind: the message kind, e.g. "primes.count"
 * @body: (nullable): the body; a floating reference is sunk
 *
 * Returns: (transfer full): a new message
 */
UbMessage *
ub_message_new (const char *kind,
                GVariant   *body)
{
  UbMessage *self;

  g_return_val_if_fail (kind != NULL, NULL);

  self = message_alloc (kind);
  if (body != NULL)
    self->body = g_variant_ref_sink (body);
  return self;
}

/* Like ub_message_new(), taking over @body (transfer full, not floating,
 * nullable): a post that has sunk the caller's body already saves the
 * second sink and its unref, each an atomic operation on the value. */
UbMessage *
_ub_message_new_take (const char *kind,
                      GVariant   *body)
{
  UbMessage *self = message_alloc (kind);

  g_assert (body == NULL || !g_variant_is_floating (body));

  self->body = body;
  return self;
}

/**
 * ub_message_new_bytes:
 * @kind: the message kind, e.g. "image.rows"
 * @data: (nullable): the body, a block of bytes; a reference is taken
 *
 * A message whose body is a block of bytes rather than a #GVariant: read
 * it with ub_message_get_data(); ub_message_get_body() returns %NULL. A
 * #GBytes is immutable and thread-safe, so the block is shared, not
 * copied. A kind registered with ub_message_register_kind() expects a
 * #GVariant body, so a bytes message of such a kind fires `messageerror`.
 *
 * Returns: (transfer full): a new message
 */
UbMessage *
ub_message_new_bytes (const char *kind,
                      GBytes     *data)
{
  g_return_val_if_fail (kind != NULL, NULL);

  return _ub_message_new_take_bytes (kind, data != NULL ? g_bytes_ref (data) : NULL);
}

/* Like ub_message_new_bytes(), taking over @data (transfer full, nullable). */
UbMessage *
_ub_message_new_take_bytes (const char *kind,
                            GBytes     *data)
{
  UbMessage *self = message_alloc (kind);

  self->data = data;
  return self;
}

UbMessage *
_ub_message_new_control (UbControl control)
{
  UbMessage *self = message_alloc ("");

  self->control = control;
  return self;
}

/**
 * ub_message_ref:
 * @self: a #UbMessage
 *
 * Returns: (transfer full): @self
 */
UbMessage *
ub_message_ref (UbMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  ub_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * ub_message_unref:
 * @self: (transfer full): a #UbMessage
 */
void
ub_message_unref (UbMessage *self)
{
  g_return_if_fail (self != NULL);

  if (!ub_ref_count_dec (&self->ref_count))
    return;

  g_clear_pointer (&self->body, g_variant_unref);
  g_clear_pointer (&self->data, g_bytes_unref);
  g_clear_pointer (&self->buffers, g_ptr_array_unref);
  g_clear_pointer (&self->ports, g_ptr_array_unref);
  g_clear_pointer (&self->latest, ub_message_unref);
  g_clear_pointer (&self->latest_key, g_free);
  message_free (self);
}

/**
 * ub_message_get_kind:
 * @self: a #UbMessage
 *
 * Returns: (transfer none): the kind
 */
const char *
ub_message_get_kind (UbMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->kind;
}

/**
 * ub_message_is_kind:
 * @self: a #UbMessage
 * @kind: a kind
 *
 * Returns: whether @self is of @kind
 */
gboolean
ub_message_is_kind (UbMessage  *self,
                    const char *kind)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (kind != NULL, FALSE);

  return strcmp (self->kind, kind) == 0;
}

/**
 * ub_message_get_body:
 * @self: a #UbMessage
 *
 * Returns: (transfer none) (nullable): the body
 */
GVariant *
ub_message_get_body (UbMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->body;
}

/**
 * ub_message_get_data:
 * @self: a #UbMessage
 *
 * Returns: (transfer none) (nullable): the body of a bytes message (see
 *   ub_message_new_bytes()), %NULL for any other message
 */
GBytes *
ub_message_get_data (UbMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->data;
}

/**
 * ub_message_get_n_buffers:
 * @self: a #UbMessage
 *
 * Returns: the number of transferred buffers
 */
guint
ub_message_get_n_buffers (UbMessage *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->buffers != NULL ? self->buffers->len : 0;
}

/**
 * ub_message_get_buffer:
 * @self: a #UbMessage
 * @index_: which buffer
 *
 * Returns: (transfer none): the buffer; take a reference to keep it
 */
UbBuffer *
ub_message_get_buffer (UbMessage *self,
                       guint      index_)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index_ < ub_message_get_n_buffers (self), NULL);

  return g_ptr_array_index (self->buffers, index_);
}

/**
 * ub_message_get_n_ports:
 * @self: a #UbMessage
 *
 * Returns: the number of transferred ports
 */
guint
ub_message_get_n_ports (UbMessage *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->ports != NULL ? self->ports->len : 0;
}

/**
 * ub_message_get_port:
 * @self: a #UbMessage
 * @index_: which port
 *
 * Returns: (transfer none): the port; take a reference to keep it (a port
 *   nobody keeps is closed with the message)
 */
UbPort *
ub_message_get_port (UbMessage *self,
                     guint      index_)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index_ < ub_message_get_n_ports (self), NULL);

  return g_ptr_array_index (self->ports, index_);
}

/**
 * ub_message_register_kind:
 * @kind: a message kind
 * @body_type: (nullable): the type every body of @kind must have, or %NULL
 *   to forget a registration
 *
 * Declares the body type of a kind, normally at start-up. A message of a
 * registered kind whose body has another type (or is not in normal form,
 * i.e. corrupt serialised data) fires `messageerror` where it arrives.
 */
void
ub_message_register_kind (const char         *kind,
                          const GVariantType *body_type)
{
  g_return_if_fail (kind != NULL);
  g_return_if_fail (body_type == NULL || g_variant_type_string_is_valid ((const char *) body_type));

  g_rw_lock_writer_lock (&kinds_lock);
  ub_tsan_acquire (&kinds_lock);
  if (kinds == NULL)
    kinds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                   (GDestroyNotify) g_variant_type_free);
  if (body_type != NULL)
    g_hash_table_replace (kinds, g_strdup (kind), g_variant_type_copy (body_type));
  else
    g_hash_table_remove (kinds, kind);
  g_atomic_int_set (&n_kinds, g_hash_table_size (kinds));
  ub_tsan_release (&kinds_lock);
  g_rw_lock_writer_unlock (&kinds_lock);
}

/* An array of fixed-size numbers is in normal form whatever its bytes, as
 * long as its size is a whole number of elements: the common bulk body
 * (pixels, samples) is judged without GLib's walk over every element,
 * which costs about as much as the rest of a message's trip. */
static gboolean
is_numeric_array (GVariant *body)
{
  const char *type = g_variant_get_type_string (body);
  gsize element;

  if (type[0] != 'a' || type[1] == '\0' || type[2] != '\0')
    return FALSE;

  switch (type[1])
    {
    case 'y': element = 1; break;
    case 'n': case 'q': element = 2; break;
    case 'i': case 'u': element = 4; break;
    case 'x': case 't': case 'd': element = 8; break;
    default: return FALSE;
    }

  return g_variant_get_size (body) % element == 0;
}

/* Whether the body can be decoded where it arrives. */
gboolean
_ub_message_body_is_valid (UbMessage *self)
{
  gboolean valid = TRUE;

  if (self->body != NULL && !is_numeric_array (self->body) &&
      !g_variant_is_normal_form (self->body))
    return FALSE;

  if (g_atomic_int_get (&n_kinds) == 0)
    return TRUE;

  g_rw_lock_reader_lock (&kinds_lock);
  ub_tsan_acquire (&kinds_lock);
  {
    const GVariantType *type = g_hash_table_lookup (kinds, self->kind);

    if (type != NULL)
      valid = self->body != NULL && g_variant_is_of_type (self->body, type);
  }
  g_rw_lock_reader_unlock (&kinds_lock);

  return valid;
}

/* Whether the kind is one of the runtime's own (remote calls, worker
 * errors), which its filters take before any handler sees them. */
gboolean
_ub_message_is_reserved (UbMessage *self)
{
  G_STATIC_ASSERT (sizeof UB_RESERVED_KIND_PREFIX == 4);

  /* Three characters compared inline: every post asks. */
  return self->kind[0] == UB_RESERVED_KIND_PREFIX[0] &&
         self->kind[1] == UB_RESERVED_KIND_PREFIX[1] &&
         self->kind[2] == UB_RESERVED_KIND_PREFIX[2];
}

/* Public posts may not use a reserved kind: a handler would never see it. */
gboolean
_ub_message_check_kind (UbMessage  *self,
                        GError    **error)
{
  if (!_ub_message_is_reserved (self))
    return TRUE;

  g_set_error (error, UB_ERROR, UB_ERROR_RESERVED_KIND,
               _("The message kind “%s” uses the reserved prefix “%s”"),
               self->kind, UB_RESERVED_KIND_PREFIX);
  return FALSE;
}

static gboolean
clone_error (GError     **error,
             const char  *what)
{
  g_set_error (error, UB_ERROR, UB_ERROR_DATA_CLONE, _("The message cannot be posted: %s"), what);
  return FALSE;
}

/* Checks a transfer list (NULL-terminated, nullable) before anything
 * moves, so that a failed post sends nothing and detaches nothing. Every
 * failure is one error code, as every failure is a DataCloneError on the
 * web. */
gboolean
_ub_message_validate_transfers (gpointer    *transfer,
                                UbPort      *sender,
                                UbEndpoint  *peer,
                                GError     **error)
{
  for (guint i = 0; transfer != NULL && transfer[i] != NULL; i++)
    {
      gpointer object = transfer[i];

      for (guint j = 0; j < i; j++)
        if (transfer[j] == object)
          return clone_error (error, _("the same object appears twice in the transfer list"));

      if (UB_IS_BUFFER (object))
        {
          if (ub_buffer_is_detached (object))
            return clone_error (error, _("a buffer in the transfer list was already transferred"));
        }
      else if (UB_IS_PORT (object))
        {
          if (object == (gpointer) sender)
            return clone_error (error, _("a port cannot transfer itself"));
          if (ub_port_is_detached (object))
            return clone_error (error, _("a port in the transfer list was already transferred"));
          /* The receiving end would hold itself in its own queue: a cycle
           * that nothing could ever deliver or free. */
          if (peer != NULL && _ub_port_has_endpoint (object, peer))
            return clone_error (error, _("a port cannot transfer its entangled port"));
        }
      else
        return clone_error (error, _("only buffers and ports can be transferred"));
    }

  return TRUE;
}

/* Serialises the body, on the sender's thread: a GVariant built as a
 * tree serialises itself lazily on first read, and that must not happen
 * on the receiver's thread while the sender may still hold parts of it.
 * A bytes body has nothing to serialise. */
void
_ub_message_serialise (UbMessage *self)
{
  if (self->body != NULL)
    (void) g_variant_get_data (self->body);
}

/* Returns the message to enqueue. Without transfers that is @self (a
 * message never changes once made); with transfers it is a new message holding
 * the moved objects (each original is left detached), and @self stays as
 * it was, ready to be posted again. Call after
 * _ub_message_validate_transfers(). */
UbMessage *
_ub_message_seal (UbMessage *self,
                  gpointer  *transfer)
{
  UbMessage *sealed;

  _ub_message_serialise (self);

  if (transfer == NULL || transfer[0] == NULL)
    return ub_message_ref (self);

  sealed = message_alloc (self->kind);
  if (self->body != NULL)
    sealed->body = g_variant_ref (self->body);
  if (self->data != NULL)
    sealed->data = g_bytes_ref (self->data);

  for (guint i = 0; transfer[i] != NULL; i++)
    {
      GPtrArray **list = UB_IS_BUFFER (transfer[i]) ? &sealed->buffers : &sealed->ports;

      if (*list == NULL)
        *list = g_ptr_array_new_with_free_func (g_object_unref);
      if (UB_IS_BUFFER (transfer[i]))
        g_ptr_array_add (*list, _ub_buffer_transfer (transfer[i]));
      else
        g_ptr_array_add (*list, _ub_port_transfer (transfer[i]));
    }

  return sealed;
}

/* Defines a signal of @itype whose handlers get one message (transfer
 * none): `message` and `messageerror` of ports and broadcast channels. */
guint
_ub_message_signal_new (const char *name,
                        GType       itype)
{
  return g_signal_new (name, itype, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                       G_TYPE_NONE, 1, UB_TYPE_MESSAGE | G_SIGNAL_TYPE_STATIC_SCOPE);
}
