/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * Synthesised typing for responsiveness tests: a thread of its own, with
 * its own X connection, presses a key every few milliseconds through
 * XTest; the main thread notes when each character reaches the entry. The
 * sender never waits for the main thread, so a blocked main thread shows
 * up as latency instead of slowing the typing down.
 */

typedef struct _UbKeyTyper UbKeyTyper;

gboolean    ub_key_typer_supported    (void);
UbKeyTyper *ub_key_typer_start        (GtkWidget  *editable,
                                       guint       n_keys,
                                       guint       interval_ms);
gboolean    ub_key_typer_is_done      (UbKeyTyper *self);
guint       ub_key_typer_get_n_received (UbKeyTyper *self);
guint       ub_key_typer_get_n_sent   (UbKeyTyper *self);
double     *ub_key_typer_dup_latencies_ms (UbKeyTyper *self,
                                           guint      *n_latencies);
void        ub_key_typer_free         (UbKeyTyper *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UbKeyTyper, ub_key_typer_free)

G_END_DECLS
