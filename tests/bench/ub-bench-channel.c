/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ub-bench-commands.h"
#include "ub-runtime.h"

/*
 * unblock-bench channel: the MessageChannel runtime against its anchors,
 * in one run, interleaved (port, g_idle_add, GAsyncQueue) round after round:
 *
 *  - flood: a thread posts N small messages to the main loop; messages/s,
 *    and the longest gap seen by a 1 ms timer at DEFAULT priority (input)
 *    and one at HIGH_IDLE + 20 (redraw) while the flood is delivered;
 *  - latency: one message from a worker to a sleeping main loop, one-way
 *    and round trip (main → worker → main);
 *  - overhead: N 64-byte payloads from a thread to a blocking consumer, a
 *    UbPort against a bare GAsyncQueue.
 */

#define FLOOD_N         100000
#define OVERHEAD_N      200000
#define LATENCY_N       2000
#define PAYLOAD_SIZE    64
#define REDRAW_PRIORITY (G_PRIORITY_HIGH_IDLE + 20)

/* Gap meter ---------------------------------------------------------------- */

typedef struct
{
  GSource *source;
  gint64   last;
  gint64   max_gap;
} Meter;

static gboolean
meter_tick (gpointer data)
{
  Meter *meter = data;
  gint64 now = g_get_monotonic_time ();

  if (meter->last > 0 && now - meter->last > meter->max_gap)
    meter->max_gap = now - meter->last;
  meter->last = now;
  return G_SOURCE_CONTINUE;
}

static void
meter_start (Meter *meter,
             int    priority)
{
  meter->last = g_get_monotonic_time ();
  meter->max_gap = 0;
  meter->source = g_timeout_source_new (1);
  g_source_set_priority (meter->source, priority);
  g_source_set_callback (meter->source, meter_tick, meter, NULL);
  g_source_attach (meter->source, NULL);
}

static double
meter_stop (Meter *meter)
{
  meter_tick (meter);
  g_source_destroy (meter->source);
  g_clear_pointer (&meter->source, g_source_unref);
  return meter->max_gap / 1000.0;
}

/* Runs the default context for @msec more, so that a stall that ends with
 * the work is recorded too. */
static void
settle (guint msec)
{
  gint64 end = g_get_monotonic_time () + msec * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

typedef struct
{
  double rate;           /* messages per second */
  double gap_default;    /* ms */
  double gap_redraw;     /* ms */
  double dispatch;       /* ms, longest UbPort dispatch */
} FloodResult;

/* Flood: UbPort ----------------------------------------------------------- */

static gpointer
port_flood_producer (gpointer data)
{
  UbPort *port = data;

  for (gint32 i = 0; i < FLOOD_N; i++)
    ub_port_post (port, "bench.int", g_variant_new_int32 (i), NULL);
  return NULL;
}

static void
count_message (UbPort    *port,
               UbMessage *message,
               gpointer   user_data)
{
  (*(guint *) user_data)++;
}

static FloodResult
flood_port (void)
{
  g_autoptr(UbChannel) channel = ub_channel_new (0);
  Meter input, redraw;
  guint delivered = 0;
  FloodResult result;
  UbPortStats stats;
  GThread *thread;
  double start, end;

  ub_port_connect_message (ub_channel_get_port2 (channel), count_message, &delivered);
  meter_start (&input, G_PRIORITY_DEFAULT);
  meter_start (&redraw, REDRAW_PRIORITY);

  start = ub_bench_now ();
  thread = g_thread_new ("flood", port_flood_producer, ub_channel_get_port1 (channel));
  while (delivered < FLOOD_N)
    g_main_context_iteration (NULL, TRUE);
  end = ub_bench_now ();
  g_thread_join (thread);
  settle (20);

  result.rate = FLOOD_N / (end - start);
  result.gap_default = meter_stop (&input);
  result.gap_redraw = meter_stop (&redraw);
  ub_port_get_stats (ub_channel_get_port2 (channel), &stats);
  result.dispatch = stats.longest_dispatch_usec / 1000.0;
  ub_port_close (ub_channel_get_port2 (channel));
  return result;
}

/* Flood: g_idle_add per message ------------------------------------------- */

static guint idle_delivered;

static gboolean
idle_deliver (gpointer data)
{
  g_variant_unref (data);
  idle_delivered++;
  return G_SOURCE_REMOVE;
}

static gpointer
idle_flood_producer (gpointer data)
{
  for (gint32 i = 0; i < FLOOD_N; i++)
    g_idle_add (idle_deliver, g_variant_ref_sink (g_variant_new_int32 (i)));
  return NULL;
}

static FloodResult
flood_idle (void)
{
  Meter input, redraw;
  FloodResult result;
  GThread *thread;
  double start, end;

  idle_delivered = 0;
  meter_start (&input, G_PRIORITY_DEFAULT);
  meter_start (&redraw, REDRAW_PRIORITY);

  start = ub_bench_now ();
  thread = g_thread_new ("flood", idle_flood_producer, NULL);
  while (idle_delivered < FLOOD_N)
    g_main_context_iteration (NULL, TRUE);
  end = ub_bench_now ();
  g_thread_join (thread);
  settle (20);

  result.rate = FLOOD_N / (end - start);
  result.gap_default = meter_stop (&input);
  result.gap_redraw = meter_stop (&redraw);
  result.dispatch = 0;
  return result;
}

/* Flood: bare GAsyncQueue, blocking consumer (no main loop) ---------------- */

static gpointer
queue_flood_producer (gpointer data)
{
  GAsyncQueue *queue = data;

  for (gint32 i = 0; i < FLOOD_N; i++)
    g_async_queue_push (queue, g_variant_ref_sink (g_variant_new_int32 (i)));
  return NULL;
}

static double
flood_queue (void)
{
  GAsyncQueue *queue = g_async_queue_new ();
  GThread *thread;
  double start, end;

  start = ub_bench_now ();
  thread = g_thread_new ("flood", queue_flood_producer, queue);
  for (guint i = 0; i < FLOOD_N; i++)
    g_variant_unref (g_async_queue_pop (queue));
  end = ub_bench_now ();
  g_thread_join (thread);
  g_async_queue_unref (queue);
  return FLOOD_N / (end - start);
}

/* Latency ------------------------------------------------------------------ */

typedef struct
{
  double *one_way;   /* µs */
  double *round_trip;
  guint   n;
} Latency;

static gboolean
echo_entry (UbWorkerScope  *scope,
            gpointer        user_data,
            GError        **error)
{
  UbPort *port = ub_worker_scope_get_port (scope);
  g_autoptr(GCancellable) cancellable = g_object_ref (ub_worker_scope_get_cancellable (scope));

  /* The worker answers each ping with its send time, from its own loop. */
  for (;;)
    {
      g_autoptr(UbMessage) ping = ub_port_receive (port, -1, cancellable, NULL);

      if (ping == NULL)
        break;
      ub_port_post (port, "bench.pong", g_variant_new_int64 (g_get_monotonic_time ()), NULL);
    }
  return TRUE;
}

typedef struct
{
  Latency *latency;
  gint64   sent;
  gboolean got;
} PortPing;

static void
pong_received (UbPort    *port,
               UbMessage *message,
               gpointer   user_data)
{
  PortPing *ping = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 stamp = g_variant_get_int64 (ub_message_get_body (message));

  ping->latency->one_way[ping->latency->n] = (double) (now - stamp);
  ping->latency->round_trip[ping->latency->n] = (double) (now - ping->sent);
  ping->latency->n++;
  ping->got = TRUE;
}

static void
latency_port (Latency *latency)
{
  g_autoptr(UbWorker) worker = ub_worker_new ("bench-echo", NULL);
  PortPing ping = { latency, 0, FALSE };

  ub_port_connect_message (ub_worker_get_port (worker), pong_received, &ping);
  for (guint i = 0; i < LATENCY_N; i++)
    {
      ping.got = FALSE;
      ping.sent = g_get_monotonic_time ();
      ub_port_post (ub_worker_get_port (worker), "bench.ping", NULL, NULL);
      while (!ping.got)
        g_main_context_iteration (NULL, TRUE);
    }
  ub_worker_terminate (worker);
}

static gpointer
port_echo_thread (gpointer data)
{
  UbPort *port = data;

  for (;;)
    {
      g_autoptr(UbMessage) ping = ub_port_receive (port, -1, NULL, NULL);

      if (ping == NULL || ub_message_is_kind (ping, "bench.stop"))
        break;
      ub_port_post (port, "bench.pong", g_variant_new_int64 (g_get_monotonic_time ()), NULL);
    }
  return NULL;
}

/* The same through a thread at the UI's own priority, to tell the cost of
 * the runtime from the effect of a worker's lower priority on a busy box. */
static void
latency_port_thread (Latency *latency)
{
  g_autoptr(UbChannel) channel = ub_channel_new (0);
  PortPing ping = { latency, 0, FALSE };
  GThread *thread = g_thread_new ("port-echo", port_echo_thread, ub_channel_get_port2 (channel));

  ub_port_connect_message (ub_channel_get_port1 (channel), pong_received, &ping);
  for (guint i = 0; i < LATENCY_N; i++)
    {
      ping.got = FALSE;
      ping.sent = g_get_monotonic_time ();
      ub_port_post (ub_channel_get_port1 (channel), "bench.ping", NULL, NULL);
      while (!ping.got)
        g_main_context_iteration (NULL, TRUE);
    }
  ub_port_post (ub_channel_get_port1 (channel), "bench.stop", NULL, NULL);
  g_thread_join (thread);
  ub_port_close (ub_channel_get_port1 (channel));
}

typedef struct
{
  GMainContext *context;
  GMainLoop    *loop;
  Latency      *latency;
  gint64        sent;
  gboolean      got;
} IdlePing;

static gboolean
idle_pong (gpointer data)
{
  gint64 *stamp = data;

  (void) stamp;
  return G_SOURCE_REMOVE;
}

typedef struct
{
  IdlePing *ping;
  gint64    stamp;
} IdlePong;

static gboolean
idle_pong_main (gpointer data)
{
  IdlePong *pong = data;
  IdlePing *ping = pong->ping;
  gint64 now = g_get_monotonic_time ();

  ping->latency->one_way[ping->latency->n] = (double) (now - pong->stamp);
  ping->latency->round_trip[ping->latency->n] = (double) (now - ping->sent);
  ping->latency->n++;
  ping->got = TRUE;
  g_free (pong);
  return G_SOURCE_REMOVE;
}

static gboolean
idle_ping_worker (gpointer data)
{
  IdlePong *pong = g_new0 (IdlePong, 1);

  pong->ping = data;
  pong->stamp = g_get_monotonic_time ();
  g_idle_add (idle_pong_main, pong);
  return G_SOURCE_REMOVE;
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static gpointer
idle_worker_thread (gpointer data)
{
  IdlePing *ping = data;

  g_main_context_push_thread_default (ping->context);
  g_main_loop_run (ping->loop);
  g_main_context_pop_thread_default (ping->context);
  return NULL;
}

static void
latency_idle (Latency *latency)
{
  IdlePing ping = { 0 };
  GThread *thread;

  ping.context = g_main_context_new ();
  ping.loop = g_main_loop_new (ping.context, FALSE);
  ping.latency = latency;
  thread = g_thread_new ("idle-echo", idle_worker_thread, &ping);

  for (guint i = 0; i < LATENCY_N; i++)
    {
      ping.got = FALSE;
      ping.sent = g_get_monotonic_time ();
      g_main_context_invoke (ping.context, idle_ping_worker, &ping);
      while (!ping.got)
        g_main_context_iteration (NULL, TRUE);
    }

  g_main_context_invoke (ping.context, quit_loop, ping.loop);
  g_thread_join (thread);
  g_main_loop_unref (ping.loop);
  g_main_context_unref (ping.context);
  (void) idle_pong;
}

typedef struct
{
  GAsyncQueue *ping;
  GAsyncQueue *pong;
} QueuePair;

static gpointer
queue_echo_thread (gpointer data)
{
  QueuePair *pair = data;

  for (;;)
    {
      gpointer item = g_async_queue_pop (pair->ping);
      gint64 *stamp;

      if (item == pair)
        break;
      stamp = g_new (gint64, 1);
      *stamp = g_get_monotonic_time ();
      g_async_queue_push (pair->pong, stamp);
    }
  return NULL;
}

static void
latency_queue (Latency *latency)
{
  QueuePair pair = { g_async_queue_new (), g_async_queue_new () };
  GThread *thread = g_thread_new ("queue-echo", queue_echo_thread, &pair);

  for (guint i = 0; i < LATENCY_N; i++)
    {
      gint64 sent = g_get_monotonic_time ();
      gint64 *stamp, now;

      g_async_queue_push (pair.ping, GINT_TO_POINTER (1));
      stamp = g_async_queue_pop (pair.pong);
      now = g_get_monotonic_time ();
      latency->one_way[latency->n] = (double) (now - *stamp);
      latency->round_trip[latency->n] = (double) (now - sent);
      latency->n++;
      g_free (stamp);
    }

  g_async_queue_push (pair.ping, &pair);
  g_thread_join (thread);
  g_async_queue_unref (pair.ping);
  g_async_queue_unref (pair.pong);
}

/* Overhead: 64-byte payloads, blocking consumer --------------------------- */

static guint8 payload[PAYLOAD_SIZE];

static gpointer
overhead_port_producer (gpointer data)
{
  UbPort *port = data;

  for (guint i = 0; i < OVERHEAD_N; i++)
    ub_port_post (port, "bench.payload",
                  g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, payload, PAYLOAD_SIZE, 1),
                  NULL);
  return NULL;
}

static double
overhead_port (void)
{
  g_autoptr(UbChannel) channel = ub_channel_new (0);
  UbPort *receiver = ub_channel_get_port2 (channel);
  GThread *thread;
  double start, end;
  gsize sum = 0;

  start = ub_bench_now ();
  thread = g_thread_new ("producer", overhead_port_producer, ub_channel_get_port1 (channel));
  for (guint i = 0; i < OVERHEAD_N; i++)
    {
      g_autoptr(UbMessage) message = ub_port_receive (receiver, -1, NULL, NULL);
      gsize n;
      const guint8 *bytes = g_variant_get_fixed_array (ub_message_get_body (message), &n, 1);

      sum += bytes[n - 1];
    }
  end = ub_bench_now ();
  g_thread_join (thread);
  (void) sum;
  return end - start;
}

static gpointer
overhead_queue_producer (gpointer data)
{
  GAsyncQueue *queue = data;

  for (guint i = 0; i < OVERHEAD_N; i++)
    g_async_queue_push (queue, g_memdup2 (payload, PAYLOAD_SIZE));
  return NULL;
}

static double
overhead_queue (void)
{
  GAsyncQueue *queue = g_async_queue_new ();
  GThread *thread;
  double start, end;
  gsize sum = 0;

  start = ub_bench_now ();
  thread = g_thread_new ("producer", overhead_queue_producer, queue);
  for (guint i = 0; i < OVERHEAD_N; i++)
    {
      guint8 *bytes = g_async_queue_pop (queue);

      sum += bytes[PAYLOAD_SIZE - 1];
      g_free (bytes);
    }
  end = ub_bench_now ();
  g_thread_join (thread);
  g_async_queue_unref (queue);
  (void) sum;
  return end - start;
}

/* Driver ------------------------------------------------------------------- */

static void
latency_init (Latency *latency,
              guint    rounds)
{
  latency->one_way = g_new0 (double, (gsize) rounds * LATENCY_N);
  latency->round_trip = g_new0 (double, (gsize) rounds * LATENCY_N);
  latency->n = 0;
}

static void
latency_print (const char *name,
               Latency    *latency)
{
  double ow_median = ub_bench_median (latency->one_way, latency->n);
  double ow_p99 = ub_bench_percentile (latency->one_way, latency->n, 99);
  double rt_median = ub_bench_median (latency->round_trip, latency->n);
  double rt_p99 = ub_bench_percentile (latency->round_trip, latency->n, 99);

  printf ("  %-22s one-way median %6.1f µs  p99 %7.1f µs   round trip median %6.1f µs  p99 %7.1f µs\n",
          name, ow_median, ow_p99, rt_median, rt_p99);
  g_free (latency->one_way);
  g_free (latency->round_trip);
}

int
ub_bench_channel (int    argc,
                  char **argv)
{
  guint rounds = ub_bench_rounds (5);
  g_autofree double *port_rate = g_new0 (double, rounds);
  g_autofree double *idle_rate = g_new0 (double, rounds);
  g_autofree double *queue_rate = g_new0 (double, rounds);
  g_autofree double *rate_ratio = g_new0 (double, rounds);
  g_autofree double *queue_ratio = g_new0 (double, rounds);
  g_autofree double *port_gap_input = g_new0 (double, rounds);
  g_autofree double *port_gap_redraw = g_new0 (double, rounds);
  g_autofree double *idle_gap_input = g_new0 (double, rounds);
  g_autofree double *idle_gap_redraw = g_new0 (double, rounds);
  g_autofree double *port_cost = g_new0 (double, rounds);
  g_autofree double *queue_cost = g_new0 (double, rounds);
  g_autofree double *cost_ratio = g_new0 (double, rounds);
  double worst_port_input = 0, worst_port_redraw = 0;
  g_autofree double *port_dispatch = g_new0 (double, rounds);
  Latency lat_port, lat_thread, lat_idle, lat_queue;

  ub_worker_kind_register ("bench-echo", echo_entry, NULL);
  memset (payload, 0x5a, sizeof payload);

  ub_bench_header ("channel: UbPort vs g_idle_add vs bare GAsyncQueue");
  printf ("  flood %u msgs/round, latency %u pings/round, overhead %u × %u-byte payloads; "
          "%u rounds after a warm-up\n",
          FLOOD_N, LATENCY_N, OVERHEAD_N, PAYLOAD_SIZE, rounds);
  fflush (stdout);

  /* Warm-up: one of everything. */
  latency_init (&lat_port, 1);
  latency_init (&lat_thread, 1);
  latency_init (&lat_idle, 1);
  latency_init (&lat_queue, 1);
  flood_port ();
  flood_idle ();
  flood_queue ();
  latency_port (&lat_port);
  latency_port_thread (&lat_thread);
  latency_idle (&lat_idle);
  latency_queue (&lat_queue);
  overhead_port ();
  overhead_queue ();
  g_free (lat_port.one_way); g_free (lat_port.round_trip);
  g_free (lat_thread.one_way); g_free (lat_thread.round_trip);
  g_free (lat_idle.one_way); g_free (lat_idle.round_trip);
  g_free (lat_queue.one_way); g_free (lat_queue.round_trip);

  latency_init (&lat_port, rounds);
  latency_init (&lat_thread, rounds);
  latency_init (&lat_idle, rounds);
  latency_init (&lat_queue, rounds);

  for (guint r = 0; r < rounds; r++)
    {
      FloodResult port = flood_port ();
      FloodResult idle = flood_idle ();

      port_rate[r] = port.rate;
      idle_rate[r] = idle.rate;
      queue_rate[r] = flood_queue ();
      rate_ratio[r] = port.rate / idle.rate;
      queue_ratio[r] = port.rate / queue_rate[r];
      port_gap_input[r] = port.gap_default;
      port_gap_redraw[r] = port.gap_redraw;
      port_dispatch[r] = port.dispatch;
      idle_gap_input[r] = idle.gap_default;
      idle_gap_redraw[r] = idle.gap_redraw;
      worst_port_input = MAX (worst_port_input, port.gap_default);
      worst_port_redraw = MAX (worst_port_redraw, port.gap_redraw);

      printf ("  round %u: flood UbPort %.2f M/s (gaps %.1f / %.1f ms, longest dispatch %.1f ms), "
              "g_idle_add %.2f M/s (gaps %.1f / %.1f ms), GAsyncQueue %.2f M/s\n",
              r + 1, port.rate / 1e6, port.gap_default, port.gap_redraw, port.dispatch,
              idle.rate / 1e6, idle.gap_default, idle.gap_redraw, queue_rate[r] / 1e6);
      fflush (stdout);

      latency_port (&lat_port);
      latency_port_thread (&lat_thread);
      latency_idle (&lat_idle);
      latency_queue (&lat_queue);

      port_cost[r] = overhead_port ();
      queue_cost[r] = overhead_queue ();
      cost_ratio[r] = port_cost[r] / queue_cost[r];
    }

  ub_runtime_wait_for_threads (10 * G_USEC_PER_SEC);

  printf ("\n  worker → main loop flood (medians over rounds)\n");
  printf ("  %-22s %10s  %14s  %14s\n", "", "M msgs/s", "max gap DEFAULT", "max gap redraw");
  printf ("  %-22s %10.2f  %12.1f ms  %12.1f ms   (worst round %.1f / %.1f ms)\n", "UbPort",
          ub_bench_median (port_rate, rounds) / 1e6,
          ub_bench_median (port_gap_input, rounds), ub_bench_median (port_gap_redraw, rounds),
          worst_port_input, worst_port_redraw);
  printf ("  %-22s %10.2f  %12.1f ms  %12.1f ms\n", "g_idle_add per message",
          ub_bench_median (idle_rate, rounds) / 1e6,
          ub_bench_median (idle_gap_input, rounds), ub_bench_median (idle_gap_redraw, rounds));
  printf ("  %-22s %10.2f  %14s  %14s\n", "GAsyncQueue (no loop)",
          ub_bench_median (queue_rate, rounds) / 1e6, "-", "-");
  printf ("  UbPort / g_idle_add throughput: median ratio %.1f×\n",
          ub_bench_median (rate_ratio, rounds));
  printf ("  UbPort / GAsyncQueue throughput: median ratio %.2f×\n",
          ub_bench_median (queue_ratio, rounds));
  printf ("  longest single UbPort dispatch: median %.1f ms (budget %.1f ms); a gap longer than\n"
          "  that while both timers show it is the thread being descheduled, not the loop\n",
          ub_bench_median (port_dispatch, rounds), 3.0);

  printf ("\n  one message worker → sleeping main thread (all rounds pooled)\n");
  latency_print ("UbPort (UbWorker)", &lat_port);
  latency_print ("UbPort (plain thread)", &lat_thread);
  latency_print ("g_idle_add", &lat_idle);
  latency_print ("GAsyncQueue (no loop)", &lat_queue);

  printf ("\n  %u × %u-byte payloads, thread → blocking consumer\n", OVERHEAD_N, PAYLOAD_SIZE);
  printf ("  %-22s %8.1f ns/msg\n", "UbPort (receive)",
          ub_bench_median (port_cost, rounds) / OVERHEAD_N * 1e9);
  printf ("  %-22s %8.1f ns/msg\n", "GAsyncQueue",
          ub_bench_median (queue_cost, rounds) / OVERHEAD_N * 1e9);
  printf ("  UbPort / GAsyncQueue cost: median ratio %.2f×\n", ub_bench_median (cost_ratio, rounds));
  printf ("\n  peak RSS %zu KiB\n", ub_bench_peak_rss_kib ());
  fflush (stdout);

  return 0;
}
