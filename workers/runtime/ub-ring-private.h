/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* UbRing: a growable circular array of pointers, oldest first, with
 * pushes at both ends. An endpoint's queue is one, under the endpoint's
 * lock: a push stores one pointer, with no list node to allocate inside
 * the lock and free on the other thread (what a GAsyncQueue costs per
 * message), so the critical sections that producers and the consumer
 * contend for are a few instructions long. Not thread-safe by itself; not
 * installed; not part of the public API. */

#include <glib.h>

G_BEGIN_DECLS

#define UB_RING_MIN_SIZE   64u     /* a power of two */
#define UB_RING_SHRINK_AT  4096u   /* an empty ring this big shrinks back */

typedef struct
{
  gpointer *items;   /* (owned) @size slots; NULL until the first push */
  guint     head;    /* slot of the oldest item */
  guint     length;
  guint     size;    /* 0 or a power of two */
} UbRing;

static inline void
ub_ring_grow (UbRing *ring)
{
  guint size = ring->size == 0 ? UB_RING_MIN_SIZE : ring->size * 2;
  gpointer *items;

  g_assert (size > ring->size);

  items = g_new (gpointer, size);
  for (guint i = 0; i < ring->length; i++)
    items[i] = ring->items[(ring->head + i) & (ring->size - 1)];
  g_free (ring->items);
  ring->items = items;
  ring->head = 0;
  ring->size = size;
}

static inline void
ub_ring_push_tail (UbRing   *ring,
                   gpointer  item)
{
  if (ring->length == ring->size)
    ub_ring_grow (ring);
  ring->items[(ring->head + ring->length) & (ring->size - 1)] = item;
  ring->length++;
}

static inline void
ub_ring_push_head (UbRing   *ring,
                   gpointer  item)
{
  if (ring->length == ring->size)
    ub_ring_grow (ring);
  ring->head = (ring->head - 1) & (ring->size - 1);
  ring->items[ring->head] = item;
  ring->length++;
}

/* Returns (nullable) the oldest item, removed. A big ring that empties
 * gives its memory back: one burst must not pin it for the port's life. */
static inline gpointer
ub_ring_pop_head (UbRing *ring)
{
  gpointer item;

  if (ring->length == 0)
    return NULL;

  item = ring->items[ring->head];
  ring->head = (ring->head + 1) & (ring->size - 1);
  ring->length--;

  if (ring->length == 0 && ring->size >= UB_RING_SHRINK_AT)
    {
      g_clear_pointer (&ring->items, g_free);
      ring->head = ring->size = 0;
    }
  return item;
}

static inline void
ub_ring_clear (UbRing *ring)
{
  g_assert (ring->length == 0);
  g_clear_pointer (&ring->items, g_free);
  ring->head = ring->size = 0;
}

G_END_DECLS
