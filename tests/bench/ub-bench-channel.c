/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

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
 *    and one at HIGH_IDLE + 20 (redraw) while the flood is delivered. Both
 *    in wall time and in CPU time: on a shared machine the wall figures
 *    mostly measure how long other processes keep a thread off the CPU,
 *    so each gap is also measured in the main thread's own CPU time (what
 *    the loop itself spent before it came back to the timer), and the
 *    rate also as N over the busier side's CPU time (the rate a free core
 *    per thread would give);
 *  - latency (ub-bench-channel-latency.c): one message from a worker to a
 *    sleeping main loop, one-way and round trip (main → worker → main);
 *  - overhead (ub-bench-channel-overhead.c): 64-byte payloads from a
 *    thread to a blocking consumer, a UbPort against a bare GAsyncQueue,
 *    in short interleaved repeats, in wall and CPU time;
 *  - with --instructions, the same workloads once more under callgrind:
 *    instructions per message, which the machine's load does not change.
 *
 * Each figure ends with a verdict against the runtime's targets.
 */

#define FLOOD_N         100000
#define OVERHEAD_N      200000  /* per side, in the --workload pass */
#define REDRAW_PRIORITY (G_PRIORITY_HIGH_IDLE + 20)

/* Gap meter ---------------------------------------------------------------- */

/* Seconds of CPU time the calling thread has used. */
static double
thread_cpu_now (void)
{
  struct timespec ts;

  if (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
    return 0.0;
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A timer's longest gap between two ticks, in wall time and in the main
 * thread's CPU time: a dispatch that runs too long shows in both, a
 * thread kept off the CPU by other processes only in the first. */
typedef struct
{
  GSource *source;
  gint64   last;
  gint64   max_gap;
  double   last_cpu;
  double   max_cpu_gap;   /* seconds */
} Meter;

static gboolean
meter_tick (gpointer data)
{
  Meter *meter = data;
  gint64 now = g_get_monotonic_time ();
  double cpu = thread_cpu_now ();

  if (meter->last > 0 && now - meter->last > meter->max_gap)
    meter->max_gap = now - meter->last;
  if (cpu - meter->last_cpu > meter->max_cpu_gap)
    meter->max_cpu_gap = cpu - meter->last_cpu;
  meter->last = now;
  meter->last_cpu = cpu;
  return G_SOURCE_CONTINUE;
}

static void
meter_start (Meter *meter,
             int    priority)
{
  meter->last = g_get_monotonic_time ();
  meter->max_gap = 0;
  meter->last_cpu = thread_cpu_now ();
  meter->max_cpu_gap = 0;
  meter->source = g_timeout_source_new (1);
  g_source_set_priority (meter->source, priority);
  g_source_set_callback (meter->source, meter_tick, meter, NULL);
  g_source_attach (meter->source, NULL);
}

/* Returns the longest wall gap, in ms; @cpu_gap: the longest CPU one. */
static double
meter_stop (Meter  *meter,
            double *cpu_gap)
{
  meter_tick (meter);
  g_source_destroy (meter->source);
  g_clear_pointer (&meter->source, g_source_unref);
  *cpu_gap = meter->max_cpu_gap * 1000.0;
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
  double rate;            /* messages per second, wall */
  double cpu_rate;        /* messages per second of the busier thread's CPU */
  double consumer_cpu;    /* seconds of main-thread CPU */
  double producer_cpu;    /* seconds of producer CPU */
  double gap_default;     /* ms, wall */
  double gap_redraw;      /* ms, wall */
  double cpu_gap_default; /* ms of main-thread CPU */
  double cpu_gap_redraw;  /* ms of main-thread CPU */
  double dispatch;        /* ms, longest UbPort dispatch */
  double wakeups;         /* UbPort: times a post woke the delivery source */
} FloodResult;

/* What a flood producer hands back: its own CPU time. */
typedef struct
{
  gpointer target;
  double   cpu;
} Flood;

/* Shared end of the two main-loop floods: stops the meters, fills @result. */
static void
flood_finish (FloodResult *result,
              Flood       *flood,
              Meter       *input,
              Meter       *redraw,
              double       start,
              double       end,
              double       cpu)
{
  result->rate = FLOOD_N / (end - start);
  result->consumer_cpu = cpu;
  result->producer_cpu = flood->cpu;
  result->cpu_rate = FLOOD_N / MAX (MAX (cpu, flood->cpu), 1e-9);
  result->gap_default = meter_stop (input, &result->cpu_gap_default);
  result->gap_redraw = meter_stop (redraw, &result->cpu_gap_redraw);
}

/* Flood: UbPort ----------------------------------------------------------- */

static G_GNUC_NO_INLINE gpointer
port_flood_producer (gpointer data)
{
  Flood *flood = data;

  for (gint32 i = 0; i < FLOOD_N; i++)
    ub_port_post (flood->target, "bench.int", g_variant_new_int32 (i), NULL);
  flood->cpu = thread_cpu_now ();
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
  Flood flood = { ub_channel_get_port1 (channel), 0 };
  Meter input, redraw;
  guint delivered = 0;
  FloodResult result;
  UbPortStats stats;
  GThread *thread;
  double start, end, cpu;

  ub_port_connect_message (ub_channel_get_port2 (channel), count_message, &delivered);
  meter_start (&input, G_PRIORITY_DEFAULT);
  meter_start (&redraw, REDRAW_PRIORITY);

  start = ub_bench_now ();
  cpu = thread_cpu_now ();
  thread = g_thread_new ("flood", port_flood_producer, &flood);
  while (delivered < FLOOD_N)
    g_main_context_iteration (NULL, TRUE);
  end = ub_bench_now ();
  cpu = thread_cpu_now () - cpu;
  g_thread_join (thread);
  settle (20);

  flood_finish (&result, &flood, &input, &redraw, start, end, cpu);
  ub_port_get_stats (ub_channel_get_port2 (channel), &stats);
  result.dispatch = stats.longest_dispatch_usec / 1000.0;
  result.wakeups = stats.wakeups;
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
  Flood *flood = data;

  for (gint32 i = 0; i < FLOOD_N; i++)
    g_idle_add (idle_deliver, g_variant_ref_sink (g_variant_new_int32 (i)));
  flood->cpu = thread_cpu_now ();
  return NULL;
}

static FloodResult
flood_idle (void)
{
  Flood flood = { NULL, 0 };
  Meter input, redraw;
  FloodResult result;
  GThread *thread;
  double start, end, cpu;

  idle_delivered = 0;
  meter_start (&input, G_PRIORITY_DEFAULT);
  meter_start (&redraw, REDRAW_PRIORITY);

  start = ub_bench_now ();
  cpu = thread_cpu_now ();
  thread = g_thread_new ("flood", idle_flood_producer, &flood);
  while (idle_delivered < FLOOD_N)
    g_main_context_iteration (NULL, TRUE);
  end = ub_bench_now ();
  cpu = thread_cpu_now () - cpu;
  g_thread_join (thread);
  settle (20);

  flood_finish (&result, &flood, &input, &redraw, start, end, cpu);
  result.dispatch = 0;
  result.wakeups = 0;
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
  double port, queue, variant, port_bytes, bytes;

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
  port_bytes = per_message (overhead, "overhead_port_bytes_producer", OVERHEAD_N) +
               per_message (overhead, "overhead_port_bytes_consume", OVERHEAD_N);
  bytes = per_message (overhead, "overhead_bytes_producer", OVERHEAD_N) +
          per_message (overhead, "overhead_bytes_consume", OVERHEAD_N);
  printf ("  %-34s %6.0f Ir/msg\n", "GAsyncQueue, g_memdup2 block", queue);
  printf ("  %-34s %6.0f Ir/msg\n", "GAsyncQueue, the same GVariant", variant);
  printf ("  %-34s %6.0f Ir/msg (ub_port_post_bytes %.0f)\n", "UbPort, GBytes body", port_bytes,
          per_message (overhead, "ub_port_post_bytes", OVERHEAD_N));
  printf ("  %-34s %6.0f Ir/msg\n", "GAsyncQueue, the same GBytes", bytes);
  printf ("  UbPort / GAsyncQueue, like with like: %.2f× (GBytes), %.2f× (GVariant); "
          "against a g_memdup2 block %.2f× (GBytes), %.2f× (GVariant); the channel's own "
          "share %.0f Ir/msg (GBytes), %.0f (GVariant)\n",
          port_bytes / bytes, port / variant, port_bytes / queue, port / queue,
          port_bytes - bytes, port - variant);
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

/* Targets (issue: "as cheap as a bare queue"); the cost ratio's is in
 * ub-bench-channel-overhead.c. */
#define TARGET_FLOOD_RATE   1.5e6  /* messages per second */
#define TARGET_REDRAW_GAP   4.0    /* ms */
#define TARGET_ONE_WAY      20.0   /* µs, UbWorker → sleeping main loop */

static const char *
verdict (gboolean met)
{
  return met ? "met" : "MISSED";
}

/* Everything one round measures but the overhead repeats. */
typedef struct
{
  FloodResult port_flood, idle_flood;
  double      queue_rate;
} Round;

/* The latency rows, in the order they run and print. */
typedef enum
{
  LAT_PORT_WORKER,
  LAT_PORT_THREAD,
  LAT_IDLE,
  LAT_QUEUE,
  LAT_EVENTFD,
  N_LATENCIES
} LatencyRow;

static const struct
{
  const char *name;
  void      (*run) (UbLatency *latency);
} latency_rows[N_LATENCIES] = {
  { "UbPort (UbWorker)", ub_latency_port_worker },
  { "UbPort (plain thread)", ub_latency_port_thread },
  { "g_idle_add", ub_latency_idle },
  { "GAsyncQueue (no loop)", ub_latency_queue },
  { "eventfd (floor)", ub_latency_eventfd },
};

static void
run_round (Round     *round,
           UbLatency *latencies,
           GArray    *overhead)
{
  round->port_flood = flood_port ();
  round->idle_flood = flood_idle ();
  round->queue_rate = flood_queue ();

  for (guint i = 0; i < N_LATENCIES; i++)
    latency_rows[i].run (&latencies[i]);

  ub_overhead_round (overhead);
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
ROUND_FIGURE (port_cpu_rate, r->port_flood.cpu_rate)
ROUND_FIGURE (port_consumer_cpu, r->port_flood.consumer_cpu)
ROUND_FIGURE (port_producer_cpu, r->port_flood.producer_cpu)
ROUND_FIGURE (idle_rate, r->idle_flood.rate)
ROUND_FIGURE (idle_cpu_rate, r->idle_flood.cpu_rate)
ROUND_FIGURE (idle_consumer_cpu, r->idle_flood.consumer_cpu)
ROUND_FIGURE (queue_rate, r->queue_rate)
ROUND_FIGURE (idle_ratio, r->port_flood.rate / r->idle_flood.rate)
ROUND_FIGURE (queue_ratio, r->port_flood.rate / r->queue_rate)
ROUND_FIGURE (port_gap_input, r->port_flood.gap_default)
ROUND_FIGURE (port_gap_redraw, r->port_flood.gap_redraw)
ROUND_FIGURE (port_cpu_gap_input, r->port_flood.cpu_gap_default)
ROUND_FIGURE (port_cpu_gap_redraw, r->port_flood.cpu_gap_redraw)
ROUND_FIGURE (idle_gap_input, r->idle_flood.gap_default)
ROUND_FIGURE (idle_gap_redraw, r->idle_flood.gap_redraw)
ROUND_FIGURE (idle_cpu_gap_input, r->idle_flood.cpu_gap_default)
ROUND_FIGURE (idle_cpu_gap_redraw, r->idle_flood.cpu_gap_redraw)
ROUND_FIGURE (port_dispatch, r->port_flood.dispatch)

static void
print_flood (Round *rounds,
             guint  n)
{
  double worst_input = 0, worst_redraw = 0, worst_cpu_redraw = 0;
  double rate = median_of (rounds, n, port_rate);
  double cpu_rate = median_of (rounds, n, port_cpu_rate);
  double redraw = median_of (rounds, n, port_gap_redraw);
  double cpu_redraw = median_of (rounds, n, port_cpu_gap_redraw);

  for (guint i = 0; i < n; i++)
    {
      worst_input = MAX (worst_input, rounds[i].port_flood.gap_default);
      worst_redraw = MAX (worst_redraw, rounds[i].port_flood.gap_redraw);
      worst_cpu_redraw = MAX (worst_cpu_redraw, rounds[i].port_flood.cpu_gap_redraw);
    }

  printf ("\n  worker → main loop flood (medians over rounds; gaps: wall / main-thread CPU)\n");
  printf ("  %-22s %9s %9s %9s  %17s  %17s\n", "", "M msgs/s", "M/CPU-s", "CPU ns",
          "max gap DEFAULT", "max gap redraw");
  printf ("  %-22s %9.2f %9.2f %9.0f  %7.1f / %4.1f ms  %7.1f / %4.1f ms\n", "UbPort",
          rate / 1e6, cpu_rate / 1e6, median_of (rounds, n, port_consumer_cpu) / FLOOD_N * 1e9,
          median_of (rounds, n, port_gap_input), median_of (rounds, n, port_cpu_gap_input),
          redraw, cpu_redraw);
  printf ("  %-22s %9.2f %9.2f %9.0f  %7.1f / %4.1f ms  %7.1f / %4.1f ms\n",
          "g_idle_add per message",
          median_of (rounds, n, idle_rate) / 1e6, median_of (rounds, n, idle_cpu_rate) / 1e6,
          median_of (rounds, n, idle_consumer_cpu) / FLOOD_N * 1e9,
          median_of (rounds, n, idle_gap_input), median_of (rounds, n, idle_cpu_gap_input),
          median_of (rounds, n, idle_gap_redraw), median_of (rounds, n, idle_cpu_gap_redraw));
  printf ("  %-22s %9.2f %9s %9s  %17s  %17s\n", "GAsyncQueue (no loop)",
          median_of (rounds, n, queue_rate) / 1e6, "-", "-", "-", "-");
  printf ("  (M/CPU-s: messages per second of CPU of the busier thread, the rate with a free\n"
          "  core per thread; CPU ns: main-thread CPU per message delivered; UbPort producer\n"
          "  CPU %.0f ns/msg; worst round redraw gap %.1f ms wall, %.1f ms CPU; wall gap %.1f ms\n"
          "  worst for input)\n",
          median_of (rounds, n, port_producer_cpu) / FLOOD_N * 1e9,
          worst_redraw, worst_cpu_redraw, worst_input);
  printf ("  UbPort / g_idle_add throughput: median ratio %.1f×\n", median_of (rounds, n, idle_ratio));
  printf ("  UbPort / GAsyncQueue throughput: median ratio %.2f×\n", median_of (rounds, n, queue_ratio));
  printf ("  longest single UbPort dispatch (wall): median %.1f ms; a wall gap far above the\n"
          "  CPU gap is the main thread kept off the CPU by other processes, not the loop\n",
          median_of (rounds, n, port_dispatch));
  printf ("  verdict: flood %.2f M msgs/s wall, %.2f M msgs per CPU-second (target ≥ %.1f): "
          "%s wall, %s CPU\n",
          rate / 1e6, cpu_rate / 1e6, TARGET_FLOOD_RATE / 1e6,
          verdict (rate >= TARGET_FLOOD_RATE), verdict (cpu_rate >= TARGET_FLOOD_RATE));
  printf ("  verdict: longest redraw gap during the flood %.1f ms wall, %.1f ms CPU "
          "(target ≤ %.0f ms): %s wall, %s CPU\n",
          redraw, cpu_redraw, TARGET_REDRAW_GAP,
          verdict (redraw <= TARGET_REDRAW_GAP), verdict (cpu_redraw <= TARGET_REDRAW_GAP));
}

/* `channel --workload [overhead|flood|port]`: one untimed pass of the
 * fixed-size workloads (port: only UbPort's), for a profile or perf stat. */
static int
run_workload (const char *only)
{
  gboolean port_only = only != NULL && strcmp (only, "port") == 0;

  if (only == NULL || port_only || strcmp (only, "overhead") == 0)
    ub_overhead_workload (OVERHEAD_N, port_only);
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
  g_autoptr(GArray) overhead = g_array_new (FALSE, TRUE, ub_overhead_sample_size ());
  g_autoptr(GArray) warm_overhead = g_array_new (FALSE, TRUE, ub_overhead_sample_size ());
  gboolean instructions = FALSE;
  UbLatency latencies[N_LATENCIES];
  double medians[N_LATENCIES];
  Round warm;

  ub_latency_register ();
  ub_overhead_init ();

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
  printf ("  flood %u msgs/round, latency %u pings/round, overhead in short repeats; "
          "%u rounds after a warm-up\n",
          FLOOD_N, LATENCY_N, n_rounds);
  fflush (stdout);

  /* Warm-up: one of everything. */
  for (guint i = 0; i < N_LATENCIES; i++)
    ub_latency_init (&latencies[i], 1);
  run_round (&warm, latencies, warm_overhead);
  for (guint i = 0; i < N_LATENCIES; i++)
    {
      ub_latency_clear (&latencies[i]);
      ub_latency_init (&latencies[i], n_rounds);
    }

  for (guint r = 0; r < n_rounds; r++)
    {
      Round *round = &rounds[r];

      run_round (round, latencies, overhead);
      printf ("  round %u: flood UbPort %.2f M/s, %.2f M/CPU-s (redraw gap %.1f ms wall, "
              "%.1f ms CPU; longest dispatch %.1f ms; %.0f wake-ups), g_idle_add %.2f M/s, "
              "GAsyncQueue %.2f M/s; ",
              r + 1, round->port_flood.rate / 1e6, round->port_flood.cpu_rate / 1e6,
              round->port_flood.gap_redraw, round->port_flood.cpu_gap_redraw,
              round->port_flood.dispatch, round->port_flood.wakeups,
              round->idle_flood.rate / 1e6, round->queue_rate / 1e6);
      ub_overhead_print_last (overhead);
      printf ("\n");
      fflush (stdout);
    }

  ub_runtime_wait_for_threads (10 * G_USEC_PER_SEC);

  print_flood (rounds, n_rounds);

  printf ("\n  one message worker → sleeping main thread (all rounds pooled)\n");
  for (guint i = 0; i < N_LATENCIES; i++)
    medians[i] = ub_latency_print (latency_rows[i].name, &latencies[i]);
  if (medians[LAT_EVENTFD] > 0)
    printf ("  one-way median against this machine's floor (eventfd, %.1f µs): UbWorker %.1f×, "
            "plain thread %.1f×, g_idle_add %.1f×\n",
            medians[LAT_EVENTFD], medians[LAT_PORT_WORKER] / medians[LAT_EVENTFD],
            medians[LAT_PORT_THREAD] / medians[LAT_EVENTFD],
            medians[LAT_IDLE] / medians[LAT_EVENTFD]);
  printf ("  verdict: UbWorker one-way median %.1f µs (target ≤ %.0f µs): %s\n",
          medians[LAT_PORT_WORKER], TARGET_ONE_WAY,
          verdict (medians[LAT_PORT_WORKER] <= TARGET_ONE_WAY));

  ub_overhead_print (overhead);

  if (instructions)
    print_instructions ();

  printf ("\n  peak RSS %zu KiB\n", ub_bench_peak_rss_kib ());
  fflush (stdout);

  return 0;
}
