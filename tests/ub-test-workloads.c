/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-primes-page.h"
#include "ub-test-workloads.h"

static void
window_action (UbWindow   *window,
               const char *name)
{
  g_action_group_activate_action (G_ACTION_GROUP (window), name, NULL);
}

static void
show_page (UbWindow   *window,
           const char *name)
{
  g_action_group_activate_action (G_ACTION_GROUP (window), "show-page", g_variant_new_string (name));
}

/* Primes: counting with every CPU. */

static UbPrimesPage *
primes_page (UbWindow *window)
{
  return UB_PRIMES_PAGE (ub_window_get_page (window, "primes"));
}

static void
primes_prepare (UbWindow *window,
                gboolean  blocking)
{
  show_page (window, "primes");
  if (blocking)
    ub_primes_page_set_input (primes_page (window), "0", "3e9", FALSE, 0);
  else
    ub_primes_page_set_input (primes_page (window), "1e13", "1e13+1e12", FALSE, 0);
}

static void
primes_start (UbWindow *window)
{
  window_action (window, "start");
}

static gboolean
primes_is_running (UbWindow *window)
{
  return ub_primes_page_get_state (primes_page (window)) == UB_PRIMES_PAGE_RUNNING;
}

static void
primes_cancel (UbWindow *window)
{
  window_action (window, "cancel");
}

static gboolean
primes_finished_ok (UbWindow *window)
{
  guint64 count = 0;

  /* π(3·10^9) */
  return ub_primes_page_get_result (primes_page (window), &count, NULL) &&
         count == G_GUINT64_CONSTANT (144449537);
}

static GtkWidget *
primes_get_entry (UbWindow *window)
{
  return ub_primes_page_get_notes_entry (primes_page (window));
}

static const UbTestWorkload workloads[] = {
  {
    "primes",
    primes_prepare,
    primes_start,
    primes_is_running,
    primes_cancel,
    primes_finished_ok,
    primes_get_entry,
  },
};

guint
ub_test_workloads_get_n (void)
{
  return G_N_ELEMENTS (workloads);
}

const UbTestWorkload *
ub_test_workloads_get (guint index_)
{
  g_return_val_if_fail (index_ < G_N_ELEMENTS (workloads), NULL);

  return &workloads[index_];
}
