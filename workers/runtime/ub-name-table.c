/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-name-table-private.h"
#include "ub-sync-private.h"

/* Takes @value; registering a name again replaces (and frees) the old one. */
void
_ub_name_table_replace (UbNameTable *self,
                        const char  *name,
                        gpointer     value)
{
  ub_mutex_lock (&self->lock);
  if (self->table == NULL)
    self->table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, self->free_value);
  g_hash_table_replace (self->table, g_strdup (name), value);
  ub_mutex_unlock (&self->lock);
}

gboolean
_ub_name_table_contains (UbNameTable *self,
                         const char  *name)
{
  gboolean found;

  ub_mutex_lock (&self->lock);
  found = self->table != NULL && g_hash_table_contains (self->table, name);
  ub_mutex_unlock (&self->lock);
  return found;
}

/* Returns whether @name is registered; if so, @copy has filled @dest. */
gboolean
_ub_name_table_lookup (UbNameTable         *self,
                       const char          *name,
                       UbNameTableCopyFunc  copy,
                       gpointer             dest)
{
  gpointer value = NULL;

  ub_mutex_lock (&self->lock);
  if (self->table != NULL)
    value = g_hash_table_lookup (self->table, name);
  if (value != NULL)
    copy (value, dest);
  ub_mutex_unlock (&self->lock);
  return value != NULL;
}

/* Returns (transfer full): every registered name, in no particular order. */
GStrv
_ub_name_table_dup_names (UbNameTable *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  ub_mutex_lock (&self->lock);
  if (self->table != NULL)
    {
      GHashTableIter iter;
      gpointer name;

      g_hash_table_iter_init (&iter, self->table);
      while (g_hash_table_iter_next (&iter, &name, NULL))
        g_strv_builder_add (builder, name);
    }
  ub_mutex_unlock (&self->lock);
  return g_strv_builder_end (builder);
}
