/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "ub-runtime.h"

G_BEGIN_DECLS

/*
 * The runtime as a graph, built from successive runtime snapshots: the
 * main thread, every worker and every broadcast channel are nodes; an
 * entangled pair of ports is one edge between the nodes that receive on
 * them; each hub port of a broadcast channel is an edge between the
 * channel's node and the context it serves. Rates come from the counters'
 * deltas between two updates. Plain data, main thread only.
 */

typedef enum
{
  UB_CHANNELS_NODE_MAIN,
  UB_CHANNELS_NODE_WORKER,
  UB_CHANNELS_NODE_BROADCAST,
} UbChannelsNodeKind;

/**
 * UbChannelsNode:
 * @kind: what the node stands for
 * @name: (owned): the worker's name, "Main thread", or "broadcast NAME"
 * @detail: (owned): what it is doing, one line
 * @worker_id: the worker's id (workers only)
 * @ended: the worker has exited or was terminated
 */
typedef struct
{
  UbChannelsNodeKind  kind;
  char               *name;
  char               *detail;
  guint               worker_id;
  gboolean            ended;
} UbChannelsNode;

/**
 * UbChannelsEnd:
 * @port_id: the port at this end, 0 for the hub side of a broadcast edge
 * @label: (owned) (nullable): the port's label
 * @depth: messages waiting in its queue
 * @high_water: the most that ever waited
 * @capacity: its bound, 0 if unbounded
 * @rate: messages delivered to it per second since the last update
 * @new_batches: bursts delivered to it since the last update (wake-ups)
 */
typedef struct
{
  guint   port_id;
  char   *label;
  guint   depth;
  guint   high_water;
  guint   capacity;
  double  rate;
  guint   new_batches;
} UbChannelsEnd;

/**
 * UbChannelsEdge:
 * @key: stable for the edge's life: the smaller port id (the hub port's
 *   for a broadcast edge)
 * @node: the two nodes joined, indices into the model's nodes
 * @end: the port at each of them
 * @broadcast: a broadcast channel's edge: @node[0] is the channel
 * @rate: messages per second over both ends
 */
typedef struct
{
  guint          key;
  guint          node[2];
  UbChannelsEnd  end[2];
  gboolean       broadcast;
  double         rate;
} UbChannelsEdge;

typedef struct _UbChannelsModel UbChannelsModel;

UbChannelsModel      *ub_channels_model_new        (void);
void                  ub_channels_model_free       (UbChannelsModel   *self);
void                  ub_channels_model_update     (UbChannelsModel   *self,
                                                    UbRuntimeSnapshot *snapshot,
                                                    gint64             now_usec);
guint                 ub_channels_model_get_n_nodes (UbChannelsModel  *self);
const UbChannelsNode *ub_channels_model_get_node   (UbChannelsModel   *self,
                                                    guint              index_);
guint                 ub_channels_model_get_n_edges (UbChannelsModel  *self);
const UbChannelsEdge *ub_channels_model_get_edge   (UbChannelsModel   *self,
                                                    guint              index_);
gboolean              ub_channels_model_get_port_rates (UbChannelsModel *self,
                                                    guint              port_id,
                                                    double            *in_rate,
                                                    double            *out_rate);
const char           *ub_channels_model_get_owner_name (UbChannelsModel *self,
                                                    guint              owner_id);
const char           *ub_channels_worker_state_name (UbWorkerState     state);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UbChannelsModel, ub_channels_model_free)

G_END_DECLS
