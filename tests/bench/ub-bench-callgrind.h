/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>

G_BEGIN_DECLS

/* One run of this program under callgrind, and its per-function counts. */
typedef struct _UbCallgrind UbCallgrind;

UbCallgrind *ub_callgrind_run       (const char * const *args);
guint64      ub_callgrind_inclusive (UbCallgrind        *self,
                                     const char         *function);
void         ub_callgrind_free      (UbCallgrind        *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UbCallgrind, ub_callgrind_free)

G_END_DECLS
