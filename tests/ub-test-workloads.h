/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ub-window.h"

G_BEGIN_DECLS

/*
 * The showcase workloads, driven through the window's actions as a user
 * would drive them. Shared by the responsiveness tests and the UI
 * benchmark so that both measure the same thing.
 */

typedef struct
{
  const char *name;
  /* Shows the page and fills its inputs: a long job for worker mode, a
   * job of a second or so for blocking mode (it freezes the window). */
  void       (*prepare)     (UbWindow *window,
                             gboolean  blocking);
  void       (*start)       (UbWindow *window);
  gboolean   (*is_running)  (UbWindow *window);
  void       (*cancel)      (UbWindow *window);
  /* Called every 100 ms while the work is measured (the gallery scrolls). */
  void       (*step)        (UbWindow *window);
  /* Whether it finished, with the right result. */
  gboolean   (*finished_ok) (UbWindow *window);
  /* Somewhere to type while it runs. */
  GtkWidget *(*get_entry)   (UbWindow *window);
  /* In blocking mode, the least part of the work's time the main loop is
   * stalled: nearly all of it for work done in one piece; less for work
   * done piece by piece, where the loop runs between two pieces (one
   * thumbnail after another), and more so on a faster CPU. */
  double      blocking_stall_fraction;
} UbTestWorkload;

guint                 ub_test_workloads_get_n (void);
const UbTestWorkload *ub_test_workloads_get   (guint index_);

G_END_DECLS
