/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The application's side of the durable store, where runs keep their
 * checkpoints: reads are immediate, writes are queued to one background
 * thread, in order, so that an fsync never runs on the main thread. Failures (a full disk, a read-only state folder)
 * are kept as a message for the window to show once; the app goes on
 * with its state in memory.
 */

typedef void (*UbStateMessageFunc) (const char *message,
                                    gpointer    user_data);

void      ub_state_preload            (void);
GVariant *ub_state_dup                (const char         *key);
void      ub_state_set                (const char         *key,
                                       GVariant           *value);
void      ub_state_remove             (const char         *key);
void      ub_state_remove_prefix      (const char         *prefix);
gboolean  ub_state_is_flushed         (void);
void      ub_state_set_message_func   (UbStateMessageFunc  func,
                                       gpointer            user_data);
void      ub_state_unset_message_func (gpointer            user_data);
void      ub_state_report_failure     (const char         *message);

G_END_DECLS
