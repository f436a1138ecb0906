/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "ub-channels-model.h"

/* What the last update saw of one port, to compute rates. */
typedef struct
{
  guint64 posted;
  guint64 delivered;
  guint64 wakeups;
  guint   seen;       /* the update that last saw it */
} PortHistory;

struct _UbChannelsModel
{
  GArray     *nodes;       /* (owned) UbChannelsNode; node 0 is the main thread */
  GArray     *edges;       /* (owned) UbChannelsEdge */
  GHashTable *history;     /* (owned) port id → PortHistory */
  GHashTable *rates;       /* (owned) port id → double[2]: in/s, out/s of the last update */
  guint       generation;
  gint64      last_usec;
};

static void
clear_node (gpointer data)
{
  UbChannelsNode *node = data;

  g_free (node->name);
  g_free (node->detail);
}

static void
clear_edge (gpointer data)
{
  UbChannelsEdge *edge = data;

  g_free (edge->end[0].label);
  g_free (edge->end[1].label);
}

UbChannelsModel *
ub_channels_model_new (void)
{
  UbChannelsModel *self = g_new0 (UbChannelsModel, 1);

  self->nodes = g_array_new (FALSE, TRUE, sizeof (UbChannelsNode));
  g_array_set_clear_func (self->nodes, clear_node);
  self->edges = g_array_new (FALSE, TRUE, sizeof (UbChannelsEdge));
  g_array_set_clear_func (self->edges, clear_edge);
  self->history = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->rates = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  return self;
}

void
ub_channels_model_free (UbChannelsModel *self)
{
  g_array_unref (self->nodes);
  g_array_unref (self->edges);
  g_hash_table_unref (self->history);
  g_hash_table_unref (self->rates);
  g_free (self);
}

const char *
ub_channels_worker_state_name (UbWorkerState state)
{
  switch (state)
    {
    case UB_WORKER_STATE_STARTING:   return _("starting");
    case UB_WORKER_STATE_RUNNING:    return _("running");
    case UB_WORKER_STATE_CLOSED:     return _("closed itself");
    case UB_WORKER_STATE_EXITED:     return _("exited");
    case UB_WORKER_STATE_TERMINATED: return _("terminated");
    default:                         return "?";
    }
}

static void
add_node (UbChannelsModel    *self,
          UbChannelsNodeKind  kind,
          char               *name,
          char               *detail,
          guint               worker_id,
          gboolean            ended)
{
  UbChannelsNode node = { kind, name, detail, worker_id, ended };

  g_array_append_val (self->nodes, node);
}

/* Rates of one port since the last update (-1 when not known yet), and
 * wake-ups since then; updates its history. */
static void
note_port (UbChannelsModel         *self,
           const UbRuntimePortInfo *info,
           double                   seconds)
{
  PortHistory *history = g_hash_table_lookup (self->history, GUINT_TO_POINTER (info->id));
  gboolean known = history != NULL && history->seen + 1 == self->generation && seconds > 0;
  double *rates = g_new (double, 3);

  if (history == NULL)
    {
      history = g_new0 (PortHistory, 1);
      g_hash_table_insert (self->history, GUINT_TO_POINTER (info->id), history);
    }

  rates[0] = known ? (info->stats.delivered - history->delivered) / seconds : -1;
  rates[1] = known ? (info->stats.posted - history->posted) / seconds : -1;
  rates[2] = known ? (double) (info->stats.wakeups - history->wakeups) : 0;
  g_hash_table_insert (self->rates, GUINT_TO_POINTER (info->id), rates);

  history->posted = info->stats.posted;
  history->delivered = info->stats.delivered;
  history->wakeups = info->stats.wakeups;
  history->seen = self->generation;
}

static void
fill_end (UbChannelsModel         *self,
          const UbRuntimePortInfo *info,
          UbChannelsEnd           *end)
{
  const double *rates = g_hash_table_lookup (self->rates, GUINT_TO_POINTER (info->id));

  end->port_id = info->id;
  end->label = g_strdup (info->label);
  end->depth = info->stats.queue_depth;
  end->high_water = info->stats.high_water;
  end->capacity = info->stats.capacity;
  end->rate = MAX (rates[0], 0);
  end->new_batches = (guint) MIN (rates[2], G_MAXUINT);
}

/* The node of the context that receives on a port, or G_MAXUINT when that
 * worker is no longer in the snapshot. */
static guint
owner_node (GHashTable *worker_nodes,
            guint       owner_id)
{
  gpointer index;

  if (owner_id == 0)
    return 0;
  if (g_hash_table_lookup_extended (worker_nodes, GUINT_TO_POINTER (owner_id), NULL, &index))
    return GPOINTER_TO_UINT (index);
  return G_MAXUINT;
}

static void
add_workers (UbChannelsModel   *self,
             UbRuntimeSnapshot *snapshot,
             GHashTable        *worker_nodes)
{
  for (guint i = 0; i < snapshot->workers->len; i++)
    {
      const UbRuntimeWorkerInfo *info = &g_array_index (snapshot->workers, UbRuntimeWorkerInfo, i);
      gboolean ended = info->state > UB_WORKER_STATE_RUNNING;
      char *detail;

      if (ended || info->activity == NULL)
        detail = g_strdup (ended ? ub_channels_worker_state_name (info->state) : _("idle"));
      else if (info->n_pending_calls > 1)
        detail = g_strdup_printf (ngettext ("%s · %u more call waiting", "%s · %u more calls waiting",
                                            info->n_pending_calls - 1),
                                  info->activity, info->n_pending_calls - 1);
      else
        detail = g_strdup (info->activity);

      g_hash_table_insert (worker_nodes, GUINT_TO_POINTER (info->id),
                           GUINT_TO_POINTER (self->nodes->len));
      add_node (self, UB_CHANNELS_NODE_WORKER, g_strdup (info->name), detail, info->id, ended);
    }
}

/**
 * ub_channels_model_update:
 * @snapshot: a fresh runtime snapshot
 * @now_usec: when it was taken (monotonic)
 *
 * Rebuilds the nodes and edges from @snapshot.
 */
void
ub_channels_model_update (UbChannelsModel   *self,
                          UbRuntimeSnapshot *snapshot,
                          gint64             now_usec)
{
  g_autoptr(GHashTable) worker_nodes = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) broadcast_nodes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) ports = g_hash_table_new (NULL, NULL);
  double seconds = self->last_usec > 0 ? (now_usec - self->last_usec) / (double) G_USEC_PER_SEC : 0;
  GHashTableIter iter;
  gpointer value;

  self->generation++;
  self->last_usec = now_usec;
  g_array_set_size (self->nodes, 0);
  g_array_set_size (self->edges, 0);
  g_hash_table_remove_all (self->rates);

  add_node (self, UB_CHANNELS_NODE_MAIN, g_strdup (_("Main thread")),
            g_strdup (_("owns every widget")), 0, FALSE);
  add_workers (self, snapshot, worker_nodes);

  for (guint i = 0; i < snapshot->ports->len; i++)
    {
      const UbRuntimePortInfo *info = &g_array_index (snapshot->ports, UbRuntimePortInfo, i);

      g_hash_table_insert (ports, GUINT_TO_POINTER (info->id), (gpointer) info);
      note_port (self, info, seconds);
    }

  for (guint i = 0; i < snapshot->ports->len; i++)
    {
      const UbRuntimePortInfo *info = &g_array_index (snapshot->ports, UbRuntimePortInfo, i);
      const UbRuntimePortInfo *peer = g_hash_table_lookup (ports, GUINT_TO_POINTER (info->peer_id));
      UbChannelsEdge edge = { 0 };
      guint node = owner_node (worker_nodes, info->owner_id);

      if (info->broadcast != NULL && node != G_MAXUINT)
        {
          gpointer hub;

          if (!g_hash_table_lookup_extended (broadcast_nodes, info->broadcast, NULL, &hub))
            {
              hub = GUINT_TO_POINTER (self->nodes->len);
              g_hash_table_insert (broadcast_nodes, info->broadcast, hub);
              add_node (self, UB_CHANNELS_NODE_BROADCAST,
                        g_strdup_printf ("broadcast %s", info->broadcast),
                        g_strdup_printf (_("broadcast “%s”"), info->broadcast), 0, FALSE);
            }
          edge.key = info->id;
          edge.broadcast = TRUE;
          edge.node[0] = GPOINTER_TO_UINT (hub);
          edge.node[1] = node;
          fill_end (self, info, &edge.end[1]);
          edge.rate = edge.end[1].rate;
          g_array_append_val (self->edges, edge);
          continue;
        }

      /* Each entangled pair once, from its older port; a port whose peer
       * is gone, or whose worker is, joins nothing. */
      if (peer == NULL || info->id > peer->id ||
          node == G_MAXUINT || owner_node (worker_nodes, peer->owner_id) == G_MAXUINT)
        continue;

      edge.key = info->id;
      edge.node[0] = node;
      edge.node[1] = owner_node (worker_nodes, peer->owner_id);
      fill_end (self, info, &edge.end[0]);
      fill_end (self, peer, &edge.end[1]);
      edge.rate = edge.end[0].rate + edge.end[1].rate;
      g_array_append_val (self->edges, edge);
    }

  /* Forget the ports that are gone. */
  g_hash_table_iter_init (&iter, self->history);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((PortHistory *) value)->seen != self->generation)
      g_hash_table_iter_remove (&iter);
}

guint
ub_channels_model_get_n_nodes (UbChannelsModel *self)
{
  return self->nodes->len;
}

const UbChannelsNode *
ub_channels_model_get_node (UbChannelsModel *self,
                            guint            index_)
{
  g_return_val_if_fail (index_ < self->nodes->len, NULL);

  return &g_array_index (self->nodes, UbChannelsNode, index_);
}

guint
ub_channels_model_get_n_edges (UbChannelsModel *self)
{
  return self->edges->len;
}

const UbChannelsEdge *
ub_channels_model_get_edge (UbChannelsModel *self,
                            guint            index_)
{
  g_return_val_if_fail (index_ < self->edges->len, NULL);

  return &g_array_index (self->edges, UbChannelsEdge, index_);
}

/**
 * ub_channels_model_get_port_rates:
 * @port_id: a port in the last update
 * @in_rate: (out): messages delivered to it per second, -1 if not known yet
 * @out_rate: (out): messages posted from it per second, -1 if not known yet
 *
 * Returns: whether the last update saw the port
 */
gboolean
ub_channels_model_get_port_rates (UbChannelsModel *self,
                                  guint            port_id,
                                  double          *in_rate,
                                  double          *out_rate)
{
  const double *rates = g_hash_table_lookup (self->rates, GUINT_TO_POINTER (port_id));

  *in_rate = rates != NULL ? rates[0] : -1;
  *out_rate = rates != NULL ? rates[1] : -1;
  return rates != NULL;
}

/**
 * ub_channels_model_get_owner_name:
 * @owner_id: a port's owner id
 *
 * Returns: (transfer none): the name of the context that receives on the
 *   port: the main thread's or a worker's, "a worker that has gone" when
 *   the last update did not see it
 */
const char *
ub_channels_model_get_owner_name (UbChannelsModel *self,
                                  guint            owner_id)
{
  if (owner_id == 0)
    return g_array_index (self->nodes, UbChannelsNode, 0).name;
  for (guint i = 1; i < self->nodes->len; i++)
    {
      const UbChannelsNode *node = &g_array_index (self->nodes, UbChannelsNode, i);

      if (node->kind == UB_CHANNELS_NODE_WORKER && node->worker_id == owner_id)
        return node->name;
    }
  return _("a worker that has gone");
}
