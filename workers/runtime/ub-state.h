/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/*
 * The application's side of the durable store, where runs keep their
 * checkpoints. It is read on a background thread and the main thread
 * never waits for it: ub_state_when_loaded() runs a callback once it is
 * read, and only then may ub_state_dup() be called there. Writes are
 * queued to the same thread, in order, after the read, so that an fsync
 * never runs on the main thread either. Failures (a full disk, a
 * read-only state folder) are kept as a message for the window to show
 * once; the app goes on with its state in memory.
 */

typedef void (*UbStateMessageFunc) (const char *message,
                                    gpointer    user_data);
typedef void (*UbStateLoadedFunc)  (GObject    *owner);

void      ub_state_preload            (void);
gboolean  ub_state_is_loaded          (void);
void      ub_state_when_loaded        (GObject            *owner,
                                       UbStateLoadedFunc   func);
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
