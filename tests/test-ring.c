/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib.h>

#include "ub-ring-private.h"

/*
 * UbRing, the queue inside every endpoint, against a GQueue doing the
 * same: pushes at both ends across the wrap-around point, growth with the
 * head anywhere, and a big ring giving its memory back once it empties.
 */

static void
check_same (UbRing *ring,
            GQueue *model)
{
  GList *l = model->head;

  g_assert_cmpuint (ring->length, ==, model->length);
  for (guint i = 0; i < ring->length; i++, l = l->next)
    g_assert_true (ring->items[(ring->head + i) & (ring->size - 1)] == l->data);
}

static void
test_ring_model (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (15);
  UbRing ring = { 0 };
  GQueue model = G_QUEUE_INIT;
  guintptr next = 1;

  g_test_summary ("Random pushes at both ends and pops keep the ring equal to a GQueue");

  for (guint step = 0; step < 200000; step++)
    {
      guint op = g_rand_int_range (rand, 0, 10);

      /* Bursts: long runs of pushes make it grow several times over,
       * long runs of pops empty it. */
      if (step % 20000 < 9000)
        op = op < 8 ? 0 : op;
      else if (step % 20000 >= 15000)
        op = 9;

      if (op <= 5)
        {
          ub_ring_push_tail (&ring, GUINT_TO_POINTER (next));
          g_queue_push_tail (&model, GUINT_TO_POINTER (next));
          next++;
        }
      else if (op <= 7)
        {
          ub_ring_push_head (&ring, GUINT_TO_POINTER (next));
          g_queue_push_head (&model, GUINT_TO_POINTER (next));
          next++;
        }
      else
        g_assert_true (ub_ring_pop_head (&ring) == g_queue_pop_head (&model));

      if (step % 997 == 0)
        check_same (&ring, &model);
    }

  while (model.length > 0)
    g_assert_true (ub_ring_pop_head (&ring) == g_queue_pop_head (&model));
  g_assert_null (ub_ring_pop_head (&ring));
  ub_ring_clear (&ring);
}

static void
test_ring_shrinks (void)
{
  UbRing ring = { 0 };

  g_test_summary ("A ring that grew past UB_RING_SHRINK_AT frees its slots once empty; "
                  "a small one keeps them");

  for (guint i = 1; i <= 10; i++)
    ub_ring_push_tail (&ring, GUINT_TO_POINTER (i));
  for (guint i = 1; i <= 10; i++)
    g_assert_cmpuint (GPOINTER_TO_UINT (ub_ring_pop_head (&ring)), ==, i);
  g_assert_cmpuint (ring.size, ==, UB_RING_MIN_SIZE);
  g_assert_nonnull (ring.items);

  for (guint i = 1; i <= UB_RING_SHRINK_AT + 1; i++)
    ub_ring_push_tail (&ring, GUINT_TO_POINTER (i));
  g_assert_cmpuint (ring.size, >=, UB_RING_SHRINK_AT * 2);
  for (guint i = 1; i <= UB_RING_SHRINK_AT + 1; i++)
    g_assert_cmpuint (GPOINTER_TO_UINT (ub_ring_pop_head (&ring)), ==, i);
  g_assert_cmpuint (ring.size, ==, 0);
  g_assert_null (ring.items);

  /* And it works again from nothing, from either end. */
  ub_ring_push_head (&ring, GUINT_TO_POINTER (2));
  ub_ring_push_head (&ring, GUINT_TO_POINTER (1));
  ub_ring_push_tail (&ring, GUINT_TO_POINTER (3));
  for (guint i = 1; i <= 3; i++)
    g_assert_cmpuint (GPOINTER_TO_UINT (ub_ring_pop_head (&ring)), ==, i);
  ub_ring_clear (&ring);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/runtime/ring/model", test_ring_model);
  g_test_add_func ("/runtime/ring/shrinks", test_ring_shrinks);

  return g_test_run ();
}
