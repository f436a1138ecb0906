/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ub-bench-callgrind.h"
#include "ub-bench-channel.h"
#include "ub-bench-commands.h"
#include "ub-runtime.h"

/*
 * unblock-bench channel: the MessageChannel runtime against its anchors,
 * in one run, interleaved (port, g_idle_add, GAsyncQueue) round after round:
 *
 *  - flood: a thread posts N small messages to the main loop; messages/s,
 *    and the longest gap seen by a 1 ms timer at DEFAULT priority (input)
 *    and one at HIGH_IDLE + 20 (redraw) while the flood is delivered;
 *  - latency (ub-bench-channel-latency.c): one message from a worker to a
 *    sleeping main loop, one-way and round trip (main → worker → main);
 *  - overhead: N 64-byte payloads from a thread to a blocking consumer, a
 *    UbPort against a bare GAsyncQueue, in wall and CPU time;
 *  - with --instructions, the same workloads once more under callgrind:
 *    instructions per message, which the machine's load does not change.
 *
 * Each figure ends with a verdict against the runtime's targets.
 */

#define FLOOD_N         100000
#define OVERHEAD_N      200000
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

/* Consumer loops are functions of their own, never inlined, so that an
 * instruction profile (--instructions) can tell each side's cost apart. */
static G_GNUC_NO_INLINE void
flood_queue_consume (GAsyncQueue *queue)
{
  for (guint i = 0; i < FLOOD_N; i++)
    g_variant_unref (g_async_queue_pop (queue));
}

static double
flood_queue (void)
{
  GAsyncQueue *queue = g_async_queue_new ();
  GThread *thread;
  double start, end;

  start = ub_bench_now ();
  thread = g_thread_new ("flood", queue_flood_producer, queue);
  flood_queue_consume (queue);
  end = ub_bench_now ();
  g_thread_join (thread);
  g_async_queue_unref (queue);
  return FLOOD_N / (end - start);
}

/* Overhead: 64-byte payloads, blocking consumer --------------------------- */

/* Wall and CPU seconds (both threads) for OVERHEAD_N messages. */
typedef struct
{
  double wall;
  double cpu;
} Cost;

typedef struct
{
  double   wall;
  double   cpu;
  GThread *thread;
} CostMeter;

static void
cost_start (CostMeter   *meter,
            GThreadFunc  producer,
            gpointer     data)
{
  meter->wall = ub_bench_now ();
  meter->cpu = ub_bench_cpu_now ();
  meter->thread = g_thread_new ("producer", producer, data);
}

static Cost
cost_stop (CostMeter *meter)
{
  Cost cost;

  cost.wall = ub_bench_now () - meter->wall;
  g_thread_join (meter->thread);
  cost.cpu = ub_bench_cpu_now () - meter->cpu;
  return cost;
}

static guint8 payload[PAYLOAD_SIZE];

static GVariant *
payload_variant (void)
{
  return g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, payload, PAYLOAD_SIZE, 1);
}

static gpointer
overhead_port_producer (gpointer data)
{
  UbPort *port = data;

  for (guint i = 0; i < OVERHEAD_N; i++)
    ub_port_post (port, "bench.payload", payload_variant (), NULL);
  return NULL;
}

static G_GNUC_NO_INLINE gsize
overhead_port_consume (UbPort *receiver)
{
  gsize sum = 0;

  for (guint i = 0; i < OVERHEAD_N; i++)
    {
      g_autoptr(UbMessage) message = ub_port_receive (receiver, -1, NULL, NULL);
      gsize n;
      const guint8 *bytes = g_variant_get_fixed_array (ub_message_get_body (message), &n, 1);

      sum += bytes[n - 1];
    }
  return sum;
}

static Cost
overhead_port (void)
{
  g_autoptr(UbChannel) channel = ub_channel_new (0);
  CostMeter meter;

  cost_start (&meter, overhead_port_producer, ub_channel_get_port1 (channel));
  (void) overhead_port_consume (ub_channel_get_port2 (channel));
  return cost_stop (&meter);
}

/* The anchor the target is stated against: the same 64 bytes, copied into
 * a plain block. */
static gpointer
overhead_queue_producer (gpointer data)
{
  GAsyncQueue *queue = data;

  for (guint i = 0; i < OVERHEAD_N; i++)
    g_async_queue_push (queue, g_memdup2 (payload, PAYLOAD_SIZE));
  return NULL;
}

static G_GNUC_NO_INLINE gsize
overhead_queue_consume (GAsyncQueue *queue)
{
  gsize sum = 0;

  for (guint i = 0; i < OVERHEAD_N; i++)
    {
      guint8 *bytes = g_async_queue_pop (queue);

      sum += bytes[PAYLOAD_SIZE - 1];
      g_free (bytes);
    }
  return sum;
}

/* And the GVariant body a UbPort carries, through a bare queue: what the
 * body alone costs, so that the rest is the channel's. */
static gpointer
overhead_variant_producer (gpointer data)
{
  GAsyncQueue *queue = data;

  for (guint i = 0; i < OVERHEAD_N; i++)
    g_async_queue_push (queue, g_variant_ref_sink (payload_variant ()));
  return NULL;
}

static G_GNUC_NO_INLINE gsize
overhead_variant_consume (GAsyncQueue *queue)
{
  gsize sum = 0;

  for (guint i = 0; i < OVERHEAD_N; i++)
    {
      g_autoptr(GVariant) body = g_async_queue_pop (queue);
      gsize n;
      const guint8 *bytes = g_variant_get_fixed_array (body, &n, 1);

      sum += bytes[n - 1];
    }
  return sum;
}

static Cost
overhead_queue (gboolean variant)
{
  GAsyncQueue *queue = g_async_queue_new ();
  CostMeter meter;
  Cost cost;

  cost_start (&meter, variant ? overhead_variant_producer : overhead_queue_producer, queue);
  if (variant)
    (void) overhead_variant_consume (queue);
  else
    (void) overhead_queue_consume (queue);
  cost = cost_stop (&meter);
  g_async_queue_unref (queue);
  return cost;
}

/* Instruction counts ------------------------------------------------------ */

static double
per_message (UbCallgrind *cg,
             const char  *function,
             guint        n)
{
  return (double) ub_callgrind_inclusive (cg, function) / n;
}

static void
print_instructions (void)
{
  const char *overhead_args[] = { "channel", "--workload", "overhead", NULL };
  const char *flood_args[] = { "channel", "--workload", "flood", NULL };
  g_autoptr(UbCallgrind) overhead = NULL;
  g_autoptr(UbCallgrind) flood = NULL;
  double port, queue, variant;

  printf ("\n  instructions per message (callgrind, one pass of %u payloads and %u flood messages)\n",
          OVERHEAD_N, FLOOD_N);
  fflush (stdout);

  overhead = ub_callgrind_run (overhead_args);
  if (overhead == NULL)
    return;

  port = per_message (overhead, "overhead_port_producer", OVERHEAD_N) +
         per_message (overhead, "overhead_port_consume", OVERHEAD_N);
  queue = per_message (overhead, "overhead_queue_producer", OVERHEAD_N) +
          per_message (overhead, "overhead_queue_consume", OVERHEAD_N);
  variant = per_message (overhead, "overhead_variant_producer", OVERHEAD_N) +
            per_message (overhead, "overhead_variant_consume", OVERHEAD_N);
  printf ("  %-34s %6.0f Ir/msg (ub_port_post %.0f, ub_port_receive %.0f)\n",
          "UbPort, GVariant body", port,
          per_message (overhead, "ub_port_post", OVERHEAD_N),
          per_message (overhead, "ub_port_receive", OVERHEAD_N));
  printf ("  %-34s %6.0f Ir/msg\n", "GAsyncQueue, g_memdup2 block", queue);
  printf ("  %-34s %6.0f Ir/msg\n", "GAsyncQueue, the same GVariant", variant);
  printf ("  UbPort / GAsyncQueue: %.2f× (block), %.2f× (same GVariant); "
          "the channel's own share %.0f Ir/msg\n",
          port / queue, port / variant, port - variant);
  fflush (stdout);

  flood = ub_callgrind_run (flood_args);
  if (flood == NULL)
    return;
  printf ("  %-34s %6.0f Ir/msg posting, %.0f Ir/msg delivering (port_source_dispatch)\n",
          "flood, UbPort", per_message (flood, "port_flood_producer", FLOOD_N),
          per_message (flood, "port_source_dispatch", FLOOD_N));
  printf ("  %-34s %6.0f Ir/msg posting, %.0f Ir/msg popping\n",
          "flood, GAsyncQueue", per_message (flood, "queue_flood_producer", FLOOD_N),
          per_message (flood, "flood_queue_consume", FLOOD_N));
}

/* Driver ------------------------------------------------------------------- */

/* Targets (issue: "as cheap as a bare queue"). */
#define TARGET_COST_RATIO   2.0    /* UbPort / GAsyncQueue per message */
#define TARGET_FLOOD_RATE   1.5e6  /* messages per second */
#define TARGET_REDRAW_GAP   4.0    /* ms */
#define TARGET_ONE_WAY      20.0   /* µs, UbWorker → sleeping main loop */

static const char *
verdict (gboolean met)
{
  return met ? "met" : "MISSED";
}

/* Everything one round measures. */
typedef struct
{
  FloodResult port_flood, idle_flood;
  double      queue_rate;
  Cost        port_cost, queue_cost, variant_cost;
} Round;

static void
run_round (Round     *round,
           UbLatency *lat_port,
           UbLatency *lat_thread,
           UbLatency *lat_idle,
           UbLatency *lat_queue)
{
  round->port_flood = flood_port ();
  round->idle_flood = flood_idle ();
  round->queue_rate = flood_queue ();

  ub_latency_port_worker (lat_port);
  ub_latency_port_thread (lat_thread);
  ub_latency_idle (lat_idle);
  ub_latency_queue (lat_queue);

  round->port_cost = overhead_port ();
  round->queue_cost = overhead_queue (FALSE);
  round->variant_cost = overhead_queue (TRUE);
}

/* The median over rounds of one figure, read through @get. */
static double
median_of (Round   *rounds,
           guint    n,
           double (*get) (Round *round))
{
  g_autofree double *values = g_new (double, n);

  for (guint i = 0; i < n; i++)
    values[i] = get (&rounds[i]);
  return ub_bench_median (values, n);
}

#define ROUND_FIGURE(name, expr) \
  static double name (Round *r) { return (expr); }

ROUND_FIGURE (port_rate, r->port_flood.rate)
ROUND_FIGURE (idle_rate, r->idle_flood.rate)
ROUND_FIGURE (queue_rate, r->queue_rate)
ROUND_FIGURE (idle_ratio, r->port_flood.rate / r->idle_flood.rate)
ROUND_FIGURE (queue_ratio, r->port_flood.rate / r->queue_rate)
ROUND_FIGURE (port_gap_input, r->port_flood.gap_default)
ROUND_FIGURE (port_gap_redraw, r->port_flood.gap_redraw)
ROUND_FIGURE (idle_gap_input, r->idle_flood.gap_default)
ROUND_FIGURE (idle_gap_redraw, r->idle_flood.gap_redraw)
ROUND_FIGURE (port_dispatch, r->port_flood.dispatch)
ROUND_FIGURE (port_wall, r->port_cost.wall)
ROUND_FIGURE (queue_wall, r->queue_cost.wall)
ROUND_FIGURE (variant_wall, r->variant_cost.wall)
ROUND_FIGURE (port_cpu, r->port_cost.cpu)
ROUND_FIGURE (queue_cpu, r->queue_cost.cpu)
ROUND_FIGURE (variant_cpu, r->variant_cost.cpu)
ROUND_FIGURE (wall_ratio, r->port_cost.wall / r->queue_cost.wall)
ROUND_FIGURE (cpu_ratio, r->port_cost.cpu / r->queue_cost.cpu)
ROUND_FIGURE (variant_wall_ratio, r->port_cost.wall / r->variant_cost.wall)
ROUND_FIGURE (variant_cpu_ratio, r->port_cost.cpu / r->variant_cost.cpu)

static void
print_flood (Round *rounds,
             guint  n)
{
  double worst_input = 0, worst_redraw = 0;
  double rate = median_of (rounds, n, port_rate);
  double redraw = median_of (rounds, n, port_gap_redraw);

  for (guint i = 0; i < n; i++)
    {
      worst_input = MAX (worst_input, rounds[i].port_flood.gap_default);
      worst_redraw = MAX (worst_redraw, rounds[i].port_flood.gap_redraw);
    }

  printf ("\n  worker → main loop flood (medians over rounds)\n");
  printf ("  %-22s %10s  %14s  %14s\n", "", "M msgs/s", "max gap DEFAULT", "max gap redraw");
  printf ("  %-22s %10.2f  %12.1f ms  %12.1f ms   (worst round %.1f / %.1f ms)\n", "UbPort",
          rate / 1e6, median_of (rounds, n, port_gap_input), redraw, worst_input, worst_redraw);
  printf ("  %-22s %10.2f  %12.1f ms  %12.1f ms\n", "g_idle_add per message",
          median_of (rounds, n, idle_rate) / 1e6,
          median_of (rounds, n, idle_gap_input), median_of (rounds, n, idle_gap_redraw));
  printf ("  %-22s %10.2f  %14s  %14s\n", "GAsyncQueue (no loop)",
          median_of (rounds, n, queue_rate) / 1e6, "-", "-");
  printf ("  UbPort / g_idle_add throughput: median ratio %.1f×\n", median_of (rounds, n, idle_ratio));
  printf ("  UbPort / GAsyncQueue throughput: median ratio %.2f×\n", median_of (rounds, n, queue_ratio));
  printf ("  longest single UbPort dispatch: median %.1f ms (budget %.1f ms); a gap longer than\n"
          "  that while both timers show it is the thread being descheduled, not the loop\n",
          median_of (rounds, n, port_dispatch), 3.0);
  printf ("  verdict: flood %.2f M msgs/s (target ≥ %.1f): %s\n",
          rate / 1e6, TARGET_FLOOD_RATE / 1e6, verdict (rate >= TARGET_FLOOD_RATE));
  printf ("  verdict: longest redraw gap during the flood %.1f ms (target ≤ %.0f ms): %s\n",
          redraw, TARGET_REDRAW_GAP, verdict (redraw <= TARGET_REDRAW_GAP));
}

static void
print_overhead (Round *rounds,
                guint  n)
{
  double wall = median_of (rounds, n, wall_ratio);
  double cpu = median_of (rounds, n, cpu_ratio);
  double same_wall = median_of (rounds, n, variant_wall_ratio);
  double same_cpu = median_of (rounds, n, variant_cpu_ratio);

  printf ("\n  %u × %u-byte payloads, thread → blocking consumer (medians over rounds)\n",
          OVERHEAD_N, PAYLOAD_SIZE);
  printf ("  %-34s %10s %10s\n", "", "wall", "CPU");
  printf ("  %-34s %7.1f ns %7.1f ns\n", "UbPort (receive), GVariant body",
          median_of (rounds, n, port_wall) / OVERHEAD_N * 1e9,
          median_of (rounds, n, port_cpu) / OVERHEAD_N * 1e9);
  printf ("  %-34s %7.1f ns %7.1f ns\n", "GAsyncQueue, g_memdup2 block",
          median_of (rounds, n, queue_wall) / OVERHEAD_N * 1e9,
          median_of (rounds, n, queue_cpu) / OVERHEAD_N * 1e9);
  printf ("  %-34s %7.1f ns %7.1f ns\n", "GAsyncQueue, the same GVariant",
          median_of (rounds, n, variant_wall) / OVERHEAD_N * 1e9,
          median_of (rounds, n, variant_cpu) / OVERHEAD_N * 1e9);
  printf ("  (CPU: both threads, user and system; the wall time also counts waiting for a CPU)\n");
  printf ("  verdict: per-message cost against a bare GAsyncQueue of blocks %.2f× wall, "
          "%.2f× CPU (target ≤ %.0f×): %s\n",
          wall, cpu, TARGET_COST_RATIO, verdict (wall <= TARGET_COST_RATIO));
  printf ("  verdict: per-message cost against a bare GAsyncQueue of the same GVariant %.2f× wall, "
          "%.2f× CPU (target ≤ %.0f×): %s\n",
          same_wall, same_cpu, TARGET_COST_RATIO, verdict (same_wall <= TARGET_COST_RATIO));
}

/* `channel --workload [overhead|flood|port]`: one untimed pass of the
 * fixed-size workloads (port: only UbPort's), for a profile or perf stat. */
static int
run_workload (const char *only)
{
  gboolean port_only = only != NULL && strcmp (only, "port") == 0;

  if (only == NULL || port_only || strcmp (only, "overhead") == 0)
    {
      overhead_port ();
      if (!port_only)
        {
          overhead_queue (FALSE);
          overhead_queue (TRUE);
        }
    }
  if (only == NULL || port_only || strcmp (only, "flood") == 0)
    {
      flood_port ();
      if (!port_only)
        flood_queue ();
    }
  return 0;
}

int
ub_bench_channel (int    argc,
                  char **argv)
{
  guint n_rounds = ub_bench_rounds (5);
  g_autofree Round *rounds = g_new0 (Round, n_rounds);
  gboolean instructions = FALSE;
  UbLatency lat_port, lat_thread, lat_idle, lat_queue;
  Round warm;
  double one_way;

  ub_latency_register ();
  memset (payload, 0x5a, sizeof payload);

  if (argc > 1 && strcmp (argv[1], "--workload") == 0)
    return run_workload (argc > 2 ? argv[2] : NULL);
  if (argc > 1 && strcmp (argv[1], "--instructions") == 0)
    instructions = TRUE;
  else if (argc > 1)
    {
      fprintf (stderr, "Usage: unblock-bench channel [--instructions]\n");
      return 2;
    }

  ub_bench_header ("channel: UbPort vs g_idle_add vs bare GAsyncQueue");
  printf ("  flood %u msgs/round, latency %u pings/round, overhead %u × %u-byte payloads; "
          "%u rounds after a warm-up\n",
          FLOOD_N, LATENCY_N, OVERHEAD_N, PAYLOAD_SIZE, n_rounds);
  fflush (stdout);

  /* Warm-up: one of everything. */
  ub_latency_init (&lat_port, 1);
  ub_latency_init (&lat_thread, 1);
  ub_latency_init (&lat_idle, 1);
  ub_latency_init (&lat_queue, 1);
  run_round (&warm, &lat_port, &lat_thread, &lat_idle, &lat_queue);
  ub_latency_clear (&lat_port);
  ub_latency_clear (&lat_thread);
  ub_latency_clear (&lat_idle);
  ub_latency_clear (&lat_queue);

  ub_latency_init (&lat_port, n_rounds);
  ub_latency_init (&lat_thread, n_rounds);
  ub_latency_init (&lat_idle, n_rounds);
  ub_latency_init (&lat_queue, n_rounds);

  for (guint r = 0; r < n_rounds; r++)
    {
      Round *round = &rounds[r];

      run_round (round, &lat_port, &lat_thread, &lat_idle, &lat_queue);
      printf ("  round %u: flood UbPort %.2f M/s (gaps %.1f / %.1f ms, longest dispatch %.1f ms), "
              "g_idle_add %.2f M/s, GAsyncQueue %.2f M/s; payload UbPort %.0f ns, "
              "GAsyncQueue %.0f ns\n",
              r + 1, round->port_flood.rate / 1e6, round->port_flood.gap_default,
              round->port_flood.gap_redraw, round->port_flood.dispatch,
              round->idle_flood.rate / 1e6, round->queue_rate / 1e6,
              round->port_cost.wall / OVERHEAD_N * 1e9, round->queue_cost.wall / OVERHEAD_N * 1e9);
      fflush (stdout);
    }

  ub_runtime_wait_for_threads (10 * G_USEC_PER_SEC);

  print_flood (rounds, n_rounds);

  printf ("\n  one message worker → sleeping main thread (all rounds pooled)\n");
  one_way = ub_latency_print ("UbPort (UbWorker)", &lat_port);
  ub_latency_print ("UbPort (plain thread)", &lat_thread);
  ub_latency_print ("g_idle_add", &lat_idle);
  ub_latency_print ("GAsyncQueue (no loop)", &lat_queue);
  printf ("  verdict: UbWorker one-way median %.1f µs (target ≤ %.0f µs): %s\n",
          one_way, TARGET_ONE_WAY, verdict (one_way <= TARGET_ONE_WAY));

  print_overhead (rounds, n_rounds);

  if (instructions)
    print_instructions ();

  printf ("\n  peak RSS %zu KiB\n", ub_bench_peak_rss_kib ());
  fflush (stdout);

  return 0;
}
