/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "ub-run.h"

G_BEGIN_DECLS

/*
 * How a run reads to people, wherever it is shown: its page's status
 * line and progress bar, and its row in the activity list. One place, so
 * that the two never disagree.
 */

char *ub_run_status_dup_text      (UbRun          *run);
void  ub_run_status_show_progress (UbRun          *run,
                                   GtkProgressBar *bar);

G_END_DECLS
