/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-run-manager.h"

/*
 * The application's runs, as a list model (the activity list binds to
 * it): one run per key, the latest, whether it is still going or over.
 * Windows come and go; the runs stay here, and so do their workers.
 *
 * Main-thread only, like the runs it holds.
 */

struct _UbRunManager
{
  GObject    parent_instance;

  GPtrArray  *runs;     /* (owned) UbRun*, in the order they were added */
  GHashTable *offered;  /* (owned) keys whose saved work was offered since their last run */
  guint      n_active;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (UbRunManager, ub_run_manager, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_N_ACTIVE,
  N_PROPS
};

enum {
  RUN_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static GType
get_item_type (GListModel *model)
{
  return UB_TYPE_RUN;
}

static guint
get_n_items (GListModel *model)
{
  return UB_RUN_MANAGER (model)->runs->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  UbRunManager *self = UB_RUN_MANAGER (model);

  if (position >= self->runs->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->runs, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
count_active (UbRunManager *self)
{
  guint n = 0;

  for (guint i = 0; i < self->runs->len; i++)
    if (ub_run_is_active (g_ptr_array_index (self->runs, i)))
      n++;

  if (n != self->n_active)
    {
      self->n_active = n;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ACTIVE]);
    }
}

static void
on_run_state (UbRun        *run,
              GParamSpec   *pspec,
              UbRunManager *self)
{
  count_active (self);
}

static void
on_run_finished (UbRun        *run,
                 UbRunManager *self)
{
  count_active (self);
  g_signal_emit (self, signals[RUN_FINISHED], 0, run);
}

static void
forget_run (UbRunManager *self,
            UbRun        *run)
{
  g_signal_handlers_disconnect_by_data (run, self);
}

/**
 * ub_run_manager_add:
 * @run: a new run
 *
 * Keeps @run, in place of the finished run with the same key if there is
 * one. A key has at most one active run: replacing an active one is a
 * programming error.
 */
void
ub_run_manager_add (UbRunManager *self,
                    UbRun        *run)
{
  const char *key;

  g_return_if_fail (UB_IS_RUN_MANAGER (self));
  g_return_if_fail (UB_IS_RUN (run));

  key = ub_run_get_key (run);
  if (key != NULL)
    g_hash_table_remove (self->offered, key);
  for (guint i = 0; i < self->runs->len; i++)
    {
      UbRun *old = g_ptr_array_index (self->runs, i);

      if (old == run)
        return;
      if (g_strcmp0 (ub_run_get_key (old), key) == 0)
        {
          g_return_if_fail (!ub_run_is_active (old));

          forget_run (self, old);
          g_ptr_array_remove_index (self->runs, i);
          g_list_model_items_changed (G_LIST_MODEL (self), i, 1, 0);
          break;
        }
    }

  g_signal_connect (run, "notify::state", G_CALLBACK (on_run_state), self);
  g_signal_connect (run, "finished", G_CALLBACK (on_run_finished), self);
  g_ptr_array_add (self->runs, g_object_ref (run));
  g_list_model_items_changed (G_LIST_MODEL (self), self->runs->len - 1, 0, 1);
  count_active (self);
}

/**
 * ub_run_manager_dup_run:
 * @key: a run's key, e.g. "primes"
 *
 * Returns: (transfer full) (nullable): the latest run with that key
 */
UbRun *
ub_run_manager_dup_run (UbRunManager *self,
                        const char   *key)
{
  g_return_val_if_fail (UB_IS_RUN_MANAGER (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  for (guint i = 0; i < self->runs->len; i++)
    {
      UbRun *run = g_ptr_array_index (self->runs, i);

      if (g_strcmp0 (ub_run_get_key (run), key) == 0)
        return g_object_ref (run);
    }
  return NULL;
}

/**
 * ub_run_manager_get_n_active:
 *
 * Returns: how many runs are queued, running or paused
 */
guint
ub_run_manager_get_n_active (UbRunManager *self)
{
  g_return_val_if_fail (UB_IS_RUN_MANAGER (self), 0);

  return self->n_active;
}

/**
 * ub_run_manager_checkpoint:
 *
 * Every active run saves what it needs to resume after a restart.
 */
void
ub_run_manager_checkpoint (UbRunManager *self)
{
  g_return_if_fail (UB_IS_RUN_MANAGER (self));

  for (guint i = 0; i < self->runs->len; i++)
    ub_run_checkpoint (g_ptr_array_index (self->runs, i));
}

/**
 * ub_run_manager_stop_all:
 *
 * For quitting: every active run stops where it is, keeping what it
 * saved, its workers are terminated, and the manager lets go of every
 * run. What was saved is what the next start offers to resume.
 */
void
ub_run_manager_stop_all (UbRunManager *self)
{
  guint n;

  g_return_if_fail (UB_IS_RUN_MANAGER (self));

  for (guint i = 0; i < self->runs->len; i++)
    {
      /* Stopped, a run saves where its parts last reported they were:
       * workers too busy to answer the window's checkpoint request in
       * time (a loaded machine, a long segment) lose no more than that. */
      ub_run_stop (g_ptr_array_index (self->runs, i));
      ub_run_checkpoint (g_ptr_array_index (self->runs, i));
      forget_run (self, g_ptr_array_index (self->runs, i));
    }
  n = self->runs->len;
  g_ptr_array_set_size (self->runs, 0);
  g_hash_table_remove_all (self->offered);
  if (n > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, n, 0);
  count_active (self);
}

/**
 * ub_run_manager_claim_offer:
 * @key: a run's key
 *
 * Offering to resume saved work happens once: a reloaded window must not
 * ask again what the last one asked.
 *
 * Returns: %TRUE the first time for @key since a run with that key was
 *   last added, %FALSE after that
 */
gboolean
ub_run_manager_claim_offer (UbRunManager *self,
                            const char   *key)
{
  g_return_val_if_fail (UB_IS_RUN_MANAGER (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  return g_hash_table_add (self->offered, g_strdup (key));
}

UbRunManager *
ub_run_manager_new (void)
{
  return g_object_new (UB_TYPE_RUN_MANAGER, NULL);
}

/**
 * ub_run_manager_get_default:
 *
 * The process's run manager: the application's, and the command line's.
 * Main thread only.
 *
 * Returns: (transfer none): the default run manager
 */
UbRunManager *
ub_run_manager_get_default (void)
{
  static UbRunManager *manager;

  if (manager == NULL)
    manager = ub_run_manager_new ();
  return manager;
}

static void
ub_run_manager_dispose (GObject *object)
{
  UbRunManager *self = UB_RUN_MANAGER (object);

  for (guint i = 0; i < self->runs->len; i++)
    forget_run (self, g_ptr_array_index (self->runs, i));
  g_ptr_array_set_size (self->runs, 0);

  G_OBJECT_CLASS (ub_run_manager_parent_class)->dispose (object);
}

static void
ub_run_manager_finalize (GObject *object)
{
  UbRunManager *self = UB_RUN_MANAGER (object);

  g_clear_pointer (&self->runs, g_ptr_array_unref);
  g_clear_pointer (&self->offered, g_hash_table_unref);

  G_OBJECT_CLASS (ub_run_manager_parent_class)->finalize (object);
}

static void
ub_run_manager_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  UbRunManager *self = UB_RUN_MANAGER (object);

  switch (prop_id)
    {
    case PROP_N_ACTIVE:
      g_value_set_uint (value, self->n_active);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ub_run_manager_class_init (UbRunManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ub_run_manager_dispose;
  object_class->finalize = ub_run_manager_finalize;
  object_class->get_property = ub_run_manager_get_property;

  properties[PROP_N_ACTIVE] =
    g_param_spec_uint ("n-active", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * UbRunManager::run-finished:
   * @run: the run
   *
   * One of the runs reached a final state.
   */
  signals[RUN_FINISHED] = g_signal_new ("run-finished", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 1, UB_TYPE_RUN);
}

static void
ub_run_manager_init (UbRunManager *self)
{
  self->runs = g_ptr_array_new_with_free_func (g_object_unref);
  self->offered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}
