/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-buffer.h"
#include "ub-buffer-private.h"

/**
 * UbBuffer:
 *
 * A transferable byte buffer, the analogue of a transferable `ArrayBuffer`.
 *
 * The bytes live in a #GBytes that the buffer owns. Putting the buffer in a
 * message's transfer list moves that #GBytes to a fresh #UbBuffer on the
 * receiving side: no byte is copied, and the sender's handle is left
 * detached (size 0, data %NULL). A detached handle can still be unreffed.
 *
 * A buffer is used by one thread at a time: the thread that holds it. The
 * handoff to another thread goes through a port queue, which orders it.
 */
struct _UbBuffer
{
  GObject  parent_instance;

  /* (owned) (nullable): the storage; %NULL once detached. Touched only by
   * the thread that currently holds the buffer. */
  GBytes  *bytes;
};

G_DEFINE_FINAL_TYPE (UbBuffer, ub_buffer, G_TYPE_OBJECT)

static void
ub_buffer_finalize (GObject *object)
{
  UbBuffer *self = UB_BUFFER (object);

  g_clear_pointer (&self->bytes, g_bytes_unref);

  G_OBJECT_CLASS (ub_buffer_parent_class)->finalize (object);
}

static void
ub_buffer_class_init (UbBufferClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ub_buffer_finalize;
}

static void
ub_buffer_init (UbBuffer *self)
{
}

/**
 * ub_buffer_new:
 * @size: the size in bytes
 *
 * Creates a zero-filled buffer of @size bytes.
 *
 * Returns: (transfer full): a new #UbBuffer
 */
UbBuffer *
ub_buffer_new (gsize size)
{
  return ub_buffer_new_take (g_malloc0 (size), size, g_free);
}

/**
 * ub_buffer_new_take:
 * @data: (transfer full) (nullable): memory to take over
 * @size: its size in bytes
 * @free_func: (nullable): how to free @data once the last user is gone
 *
 * Creates a buffer that takes ownership of @data without copying it.
 *
 * Returns: (transfer full): a new #UbBuffer
 */
UbBuffer *
ub_buffer_new_take (gpointer       data,
                    gsize          size,
                    GDestroyNotify free_func)
{
  UbBuffer *self;

  g_return_val_if_fail (data != NULL || size == 0, NULL);

  self = g_object_new (UB_TYPE_BUFFER, NULL);
  self->bytes = g_bytes_new_with_free_func (data, size, free_func, data);
  return self;
}

/**
 * ub_buffer_new_from_bytes:
 * @bytes: the bytes to wrap
 *
 * Creates a buffer sharing @bytes (a reference is taken, nothing copied).
 *
 * Returns: (transfer full): a new #UbBuffer
 */
UbBuffer *
ub_buffer_new_from_bytes (GBytes *bytes)
{
  UbBuffer *self;

  g_return_val_if_fail (bytes != NULL, NULL);

  self = g_object_new (UB_TYPE_BUFFER, NULL);
  self->bytes = g_bytes_ref (bytes);
  return self;
}

/**
 * ub_buffer_get_data:
 * @self: a #UbBuffer
 * @size: (out) (optional): where to store the size
 *
 * Returns: (transfer none) (nullable): the bytes, writable by the holder, or
 *   %NULL if the buffer was transferred away
 */
gpointer
ub_buffer_get_data (UbBuffer *self,
                    gsize    *size)
{
  gsize len = 0;
  gpointer data = NULL;

  if (size != NULL)
    *size = 0;

  g_return_val_if_fail (UB_IS_BUFFER (self), NULL);

  if (self->bytes != NULL)
    data = (gpointer) g_bytes_get_data (self->bytes, &len);
  if (size != NULL)
    *size = len;
  return data;
}

/**
 * ub_buffer_get_size:
 * @self: a #UbBuffer
 *
 * Returns: the size in bytes, 0 once detached
 */
gsize
ub_buffer_get_size (UbBuffer *self)
{
  g_return_val_if_fail (UB_IS_BUFFER (self), 0);

  return self->bytes != NULL ? g_bytes_get_size (self->bytes) : 0;
}

/**
 * ub_buffer_is_detached:
 * @self: a #UbBuffer
 *
 * Returns: %TRUE if the buffer was transferred away
 */
gboolean
ub_buffer_is_detached (UbBuffer *self)
{
  g_return_val_if_fail (UB_IS_BUFFER (self), TRUE);

  return self->bytes == NULL;
}

/**
 * ub_buffer_dup_bytes:
 * @self: a #UbBuffer
 *
 * Returns the contents as a #GBytes sharing the same memory (no copy), for
 * example to build a texture. Do not write to the buffer afterwards.
 *
 * Returns: (transfer full) (nullable): the bytes, or %NULL if detached
 */
GBytes *
ub_buffer_dup_bytes (UbBuffer *self)
{
  g_return_val_if_fail (UB_IS_BUFFER (self), NULL);

  return self->bytes != NULL ? g_bytes_ref (self->bytes) : NULL;
}

/* Moves the storage into a new handle and detaches @self. */
UbBuffer *
_ub_buffer_transfer (UbBuffer *self)
{
  UbBuffer *moved;

  g_assert (self->bytes != NULL);

  moved = g_object_new (UB_TYPE_BUFFER, NULL);
  moved->bytes = g_steal_pointer (&self->bytes);
  return moved;
}
