/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <pthread.h>
#include <string.h>
#include <sys/mman.h>

#include "ub-png-pool.h"

/* Buffers at least this large are mapped directly (and asked for huge
 * pages); smaller ones come from malloc. */
#define LARGE_BUFFER_SIZE (1024 * 1024)

typedef struct
{
  guint8 *data; /* (owned) */
  gsize   size;
} CachedBuffer;

struct _UbPngPool
{
  gint   ref_count; /* (atomic) */
  gsize  max_bytes;
  guint  max_buffers;

  /* A pthread mutex rather than a GMutex: GLib's futex-based GMutex lives
   * in uninstrumented code, so ThreadSanitizer would not see it order the
   * accesses below and would report every hand-over as a race. */
  pthread_mutex_t lock;
  /* Protected by @lock: idle buffers, oldest first; room for max_buffers.
   * (Plain arrays, not GArray: its GSlice allocator is GLib-internal
   * locking that ThreadSanitizer cannot see either.) */
  CachedBuffer *cached; /* (owned) */
  guint         n_cached;
  gsize         cached_bytes;
};

/**
 * ub_png_buffer_alloc:
 * @size: bytes, > 0
 *
 * Allocates a pixel buffer that is not pooled. Large buffers are page
 * aligned anonymous mappings with %MADV_HUGEPAGE.
 *
 * Returns: (transfer full) (nullable): the buffer, to be freed with
 *   ub_png_buffer_free(), or %NULL if a large buffer cannot be mapped
 */
guint8 *
ub_png_buffer_alloc (gsize size)
{
  void *data;

  g_return_val_if_fail (size > 0, NULL);

  if (size < LARGE_BUFFER_SIZE)
    return g_malloc (size);

  data = mmap (NULL, size, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (data == MAP_FAILED)
    return NULL;
#ifdef MADV_HUGEPAGE
  (void) madvise (data, size, MADV_HUGEPAGE);
#endif
  return data;
}

/**
 * ub_png_buffer_free:
 * @buffer: (nullable) (transfer full): from ub_png_buffer_alloc()
 * @size: the size it was allocated with
 */
void
ub_png_buffer_free (guint8 *buffer,
                    gsize   size)
{
  if (buffer == NULL)
    return;
  if (size < LARGE_BUFFER_SIZE)
    g_free (buffer);
  else
    munmap (buffer, size);
}

/**
 * ub_png_pool_new:
 * @max_bytes: most bytes kept idle in the pool
 * @max_buffers: most buffers kept idle in the pool
 *
 * Returns: (transfer full): a new pool
 */
UbPngPool *
ub_png_pool_new (gsize max_bytes,
                 guint max_buffers)
{
  UbPngPool *pool = g_new0 (UbPngPool, 1);

  pool->ref_count = 1;
  pool->max_bytes = max_bytes;
  pool->max_buffers = max_buffers;
  pthread_mutex_init (&pool->lock, NULL);
  pool->cached = g_new0 (CachedBuffer, MAX (max_buffers, 1));

  return pool;
}

/**
 * ub_png_pool_get_default:
 *
 * The process-wide pool: up to 4 idle buffers and 320 MiB.
 *
 * Returns: (transfer none): the default pool
 */
UbPngPool *
ub_png_pool_get_default (void)
{
  static UbPngPool *default_pool;

  if (g_once_init_enter (&default_pool))
    g_once_init_leave (&default_pool, ub_png_pool_new (320 * 1024 * 1024, 4));

  return default_pool;
}

UbPngPool *
ub_png_pool_ref (UbPngPool *pool)
{
  g_return_val_if_fail (pool != NULL, NULL);

  g_atomic_int_inc (&pool->ref_count);
  return pool;
}

void
ub_png_pool_unref (UbPngPool *pool)
{
  g_return_if_fail (pool != NULL);

  if (!g_atomic_int_dec_and_test (&pool->ref_count))
    return;

  ub_png_pool_trim (pool);
  g_free (pool->cached);
  pthread_mutex_destroy (&pool->lock);
  g_free (pool);
}

/**
 * ub_png_pool_acquire:
 * @pool: (nullable): a pool, or %NULL for a fresh unpooled buffer
 * @size: bytes, > 0
 * @out_reused: (out) (optional): whether the buffer came from the pool
 *
 * Returns: (transfer full) (nullable): a buffer of @size bytes with
 *   undefined contents, to be handed back with ub_png_pool_release(), or
 *   %NULL if memory is exhausted
 */
guint8 *
ub_png_pool_acquire (UbPngPool *pool,
                     gsize      size,
                     gboolean  *out_reused)
{
  guint8 *data = NULL;

  g_return_val_if_fail (size > 0, NULL);

  if (pool != NULL)
    {
      pthread_mutex_lock (&pool->lock);
      /* The most recently released first: its pages are likeliest warm. */
      for (guint i = pool->n_cached; i > 0; i--)
        {
          if (pool->cached[i - 1].size == size)
            {
              data = pool->cached[i - 1].data;
              pool->cached_bytes -= size;
              memmove (&pool->cached[i - 1], &pool->cached[i],
                       (pool->n_cached - i) * sizeof (CachedBuffer));
              pool->n_cached--;
              break;
            }
        }
      pthread_mutex_unlock (&pool->lock);
    }

  if (out_reused != NULL)
    *out_reused = data != NULL;

  return data != NULL ? data : ub_png_buffer_alloc (size);
}

/**
 * ub_png_pool_release:
 * @pool: (nullable): the pool the buffer was acquired from, or %NULL
 * @buffer: (transfer full) (nullable): the buffer
 * @size: its size
 *
 * Keeps @buffer for reuse, evicting the oldest idle buffers if the pool
 * would exceed its bounds, or frees it if it alone is too large.
 */
void
ub_png_pool_release (UbPngPool *pool,
                     guint8    *buffer,
                     gsize      size)
{
  CachedBuffer *evicted;
  guint n_evicted = 0;

  if (buffer == NULL)
    return;

  if (pool == NULL || size > pool->max_bytes || pool->max_buffers == 0)
    {
      ub_png_buffer_free (buffer, size);
      return;
    }

  evicted = g_new (CachedBuffer, pool->max_buffers);

  pthread_mutex_lock (&pool->lock);
  while (pool->n_cached > 0 &&
         (pool->cached_bytes + size > pool->max_bytes ||
          pool->n_cached + 1 > pool->max_buffers))
    {
      evicted[n_evicted++] = pool->cached[0];
      pool->cached_bytes -= pool->cached[0].size;
      memmove (&pool->cached[0], &pool->cached[1],
               (pool->n_cached - 1) * sizeof (CachedBuffer));
      pool->n_cached--;
    }
  pool->cached[pool->n_cached++] = (CachedBuffer) { buffer, size };
  pool->cached_bytes += size;
  pthread_mutex_unlock (&pool->lock);

  /* Unmap outside the lock. */
  for (guint i = 0; i < n_evicted; i++)
    ub_png_buffer_free (evicted[i].data, evicted[i].size);
  g_free (evicted);
}

/**
 * ub_png_pool_trim:
 * @pool: a pool
 *
 * Frees every idle buffer.
 */
void
ub_png_pool_trim (UbPngPool *pool)
{
  CachedBuffer *idle;
  guint n_idle;

  g_return_if_fail (pool != NULL);

  idle = g_new (CachedBuffer, MAX (pool->max_buffers, 1));
  pthread_mutex_lock (&pool->lock);
  n_idle = pool->n_cached;
  memcpy (idle, pool->cached, n_idle * sizeof (CachedBuffer));
  pool->n_cached = 0;
  pool->cached_bytes = 0;
  pthread_mutex_unlock (&pool->lock);

  for (guint i = 0; i < n_idle; i++)
    ub_png_buffer_free (idle[i].data, idle[i].size);
  g_free (idle);
}

gsize
ub_png_pool_get_cached_bytes (UbPngPool *pool)
{
  gsize bytes;

  g_return_val_if_fail (pool != NULL, 0);

  pthread_mutex_lock (&pool->lock);
  bytes = pool->cached_bytes;
  pthread_mutex_unlock (&pool->lock);
  return bytes;
}

guint
ub_png_pool_get_cached_count (UbPngPool *pool)
{
  guint count;

  g_return_val_if_fail (pool != NULL, 0);

  pthread_mutex_lock (&pool->lock);
  count = pool->n_cached;
  pthread_mutex_unlock (&pool->lock);
  return count;
}
