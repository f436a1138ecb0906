/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* A table of things registered by name, normally at start-up, and read
 * from any thread after that: the worker kinds and the jobs. Not
 * installed; not part of the public API. */

#include <glib.h>

G_BEGIN_DECLS

/* Copies what a caller needs out of @value, under the table's lock, so
 * that the lock is not held while the caller uses it. */
typedef void (*UbNameTableCopyFunc) (gconstpointer value,
                                     gpointer      dest);

typedef struct
{
  GMutex          lock;
  GHashTable     *table;       /* (owned) (nullable) name → value, protected by lock */
  GDestroyNotify  free_value;  /* immutable */
} UbNameTable;

/* For a static table: UbNameTable t = UB_NAME_TABLE_INIT (g_free); */
#define UB_NAME_TABLE_INIT(free_func) { .free_value = (GDestroyNotify) (free_func) }

void     _ub_name_table_replace   (UbNameTable         *self,
                                   const char          *name,
                                   gpointer             value);
gboolean _ub_name_table_contains  (UbNameTable         *self,
                                   const char          *name);
gboolean _ub_name_table_lookup    (UbNameTable         *self,
                                   const char          *name,
                                   UbNameTableCopyFunc  copy,
                                   gpointer             dest);
GStrv    _ub_name_table_dup_names (UbNameTable         *self);

G_END_DECLS
