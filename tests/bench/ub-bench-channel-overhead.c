/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "ub-bench.h"
#include "ub-bench-channel.h"
#include "ub-runtime.h"

/*
 * unblock-bench channel, overhead: 64-byte payloads from a thread to a
 * blocking consumer, through a UbPort and through a bare GAsyncQueue, like
 * with like: a GVariant body through the port against the same GVariant
 * through the queue, a bytes message (a GBytes body) through the port
 * against the same GBytes through the queue, and both against the plain
 * g_memdup2 block the runtime's target is stated for.
 *
 * Why the ratio is measured the way it is. A producer/consumer pair runs
 * in one of two regimes: when the consumer keeps up, it sleeps on every
 * message and each post pays for a futex wake-up and a context switch
 * (microseconds); when it falls behind, it finds the queue full and pops
 * without sleeping (tens of nanoseconds). Which one a run lands in
 * depends on where the scheduler puts the two threads: on two idle cores,
 * on one core shared by both, or beside other processes. On a shared
 * machine that changes from one second to the next, so one long run of
 * each side, one after the other, compares two regimes as often as two
 * channels: that is how the wall-time ratio swung between 1.0× and 3.4×.
 * Hence: many short repeats, each running all three sides back to back in
 * a rotating order; a ratio per repeat, between sides that ran under the
 * same conditions; the median and the interquartile range of those
 * ratios; and CPU time beside wall time, since CPU time does not count
 * the waits for a core that other processes cause. The voluntary context
 * switches per message are printed too: they tell the regime.
 */

#define PAYLOAD_SIZE       64
#define REPEAT_N           20000  /* messages per side per repeat */
#define REPEATS_PER_ROUND  6
#define TARGET_COST_RATIO  2.0    /* UbPort / GAsyncQueue per message */

typedef enum
{
  SIDE_PORT,        /* UbPort, GVariant body */
  SIDE_BLOCK,       /* GAsyncQueue of g_memdup2 blocks: the stated anchor */
  SIDE_VARIANT,     /* GAsyncQueue of the same GVariant */
  SIDE_PORT_BYTES,  /* UbPort, bytes message */
  SIDE_BYTES,       /* GAsyncQueue of the same GBytes */
  N_SIDES
} Side;

static const char *side_names[N_SIDES] = {
  "UbPort (receive), GVariant body",
  "GAsyncQueue, g_memdup2 block",
  "GAsyncQueue, the same GVariant",
  "UbPort (receive), GBytes body",
  "GAsyncQueue, the same GBytes",
};

typedef struct
{
  double wall;   /* seconds */
  double cpu;    /* seconds, both threads, user and system */
  double csw;    /* voluntary context switches, both threads */
} Cost;

typedef struct
{
  Cost  cost[N_SIDES];
  guint n;       /* messages per side */
} Sample;

/* Sources and sinks ------------------------------------------------------- */

static guint8 payload[PAYLOAD_SIZE];

typedef struct
{
  gpointer target;   /* UbPort or GAsyncQueue */
  guint    n;
} Producer;

static GVariant *
payload_variant (void)
{
  return g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, payload, PAYLOAD_SIZE, 1);
}

/* Producer and consumer loops are functions of their own, never inlined,
 * so that an instruction profile (--instructions) tells each side's cost
 * apart. */
static G_GNUC_NO_INLINE gpointer
overhead_port_producer (gpointer data)
{
  Producer *producer = data;

  for (guint i = 0; i < producer->n; i++)
    ub_port_post (producer->target, "bench.payload", payload_variant (), NULL);
  return NULL;
}

static G_GNUC_NO_INLINE gsize
overhead_port_consume (UbPort *receiver,
                       guint   n)
{
  gsize sum = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(UbMessage) message = ub_port_receive (receiver, -1, NULL, NULL);
      gsize len;
      const guint8 *bytes = g_variant_get_fixed_array (ub_message_get_body (message), &len, 1);

      sum += bytes[len - 1];
    }
  return sum;
}

static G_GNUC_NO_INLINE gpointer
overhead_queue_producer (gpointer data)
{
  Producer *producer = data;

  for (guint i = 0; i < producer->n; i++)
    g_async_queue_push (producer->target, g_memdup2 (payload, PAYLOAD_SIZE));
  return NULL;
}

static G_GNUC_NO_INLINE gsize
overhead_queue_consume (GAsyncQueue *queue,
                        guint        n)
{
  gsize sum = 0;

  for (guint i = 0; i < n; i++)
    {
      guint8 *bytes = g_async_queue_pop (queue);

      sum += bytes[PAYLOAD_SIZE - 1];
      g_free (bytes);
    }
  return sum;
}

static G_GNUC_NO_INLINE gpointer
overhead_variant_producer (gpointer data)
{
  Producer *producer = data;

  for (guint i = 0; i < producer->n; i++)
    g_async_queue_push (producer->target, g_variant_ref_sink (payload_variant ()));
  return NULL;
}

static G_GNUC_NO_INLINE gsize
overhead_variant_consume (GAsyncQueue *queue,
                          guint        n)
{
  gsize sum = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GVariant) body = g_async_queue_pop (queue);
      gsize len;
      const guint8 *bytes = g_variant_get_fixed_array (body, &len, 1);

      sum += bytes[len - 1];
    }
  return sum;
}

static G_GNUC_NO_INLINE gpointer
overhead_port_bytes_producer (gpointer data)
{
  Producer *producer = data;

  for (guint i = 0; i < producer->n; i++)
    {
      GBytes *bytes = g_bytes_new (payload, PAYLOAD_SIZE);

      ub_port_post_bytes (producer->target, "bench.payload", bytes, NULL);
      g_bytes_unref (bytes);
    }
  return NULL;
}

static G_GNUC_NO_INLINE gsize
overhead_port_bytes_consume (UbPort *receiver,
                             guint   n)
{
  gsize sum = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(UbMessage) message = ub_port_receive (receiver, -1, NULL, NULL);
      gsize len;
      const guint8 *bytes = g_bytes_get_data (ub_message_get_data (message), &len);

      sum += bytes[len - 1];
    }
  return sum;
}

static G_GNUC_NO_INLINE gpointer
overhead_bytes_producer (gpointer data)
{
  Producer *producer = data;

  for (guint i = 0; i < producer->n; i++)
    g_async_queue_push (producer->target, g_bytes_new (payload, PAYLOAD_SIZE));
  return NULL;
}

static G_GNUC_NO_INLINE gsize
overhead_bytes_consume (GAsyncQueue *queue,
                        guint        n)
{
  gsize sum = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GBytes) body = g_async_queue_pop (queue);
      gsize len;
      const guint8 *bytes = g_bytes_get_data (body, &len);

      sum += bytes[len - 1];
    }
  return sum;
}

/* One side, timed ---------------------------------------------------------- */

static double
voluntary_switches (void)
{
  struct rusage usage;

  if (getrusage (RUSAGE_SELF, &usage) != 0)
    return 0;
  return (double) usage.ru_nvcsw;
}

static Cost
run_side (Side  side,
          guint n)
{
  g_autoptr(UbChannel) channel = NULL;
  GAsyncQueue *queue = NULL;
  Producer producer = { NULL, n };
  GThreadFunc produce;
  GThread *thread;
  double wall, cpu, csw;
  Cost cost;

  if (side == SIDE_PORT || side == SIDE_PORT_BYTES)
    {
      channel = ub_channel_new (0);
      producer.target = ub_channel_get_port1 (channel);
      produce = side == SIDE_PORT ? overhead_port_producer : overhead_port_bytes_producer;
    }
  else
    {
      queue = g_async_queue_new ();
      producer.target = queue;
      produce = side == SIDE_BLOCK ? overhead_queue_producer :
                side == SIDE_VARIANT ? overhead_variant_producer : overhead_bytes_producer;
    }

  csw = voluntary_switches ();
  cpu = ub_bench_cpu_now ();
  wall = ub_bench_now ();
  thread = g_thread_new ("producer", produce, &producer);
  switch (side)
    {
    case SIDE_PORT:
      (void) overhead_port_consume (ub_channel_get_port2 (channel), n);
      break;
    case SIDE_BLOCK:
      (void) overhead_queue_consume (queue, n);
      break;
    case SIDE_VARIANT:
      (void) overhead_variant_consume (queue, n);
      break;
    case SIDE_PORT_BYTES:
      (void) overhead_port_bytes_consume (ub_channel_get_port2 (channel), n);
      break;
    case SIDE_BYTES:
    case N_SIDES:
    default:
      (void) overhead_bytes_consume (queue, n);
      break;
    }
  cost.wall = ub_bench_now () - wall;
  g_thread_join (thread);
  cost.cpu = ub_bench_cpu_now () - cpu;
  cost.csw = voluntary_switches () - csw;

  g_clear_pointer (&queue, g_async_queue_unref);
  return cost;
}

/* Rounds ------------------------------------------------------------------ */

/* For g_array_new() of samples. */
guint
ub_overhead_sample_size (void)
{
  return sizeof (Sample);
}

void
ub_overhead_init (void)
{
  memset (payload, 0x5a, sizeof payload);
}

/* One untimed pass of @n messages per side (@port_only: the port's), for
 * callgrind or perf stat. */
void
ub_overhead_workload (guint    n,
                      gboolean port_only)
{
  for (Side side = 0; side < N_SIDES; side++)
    if (!port_only || side == SIDE_PORT || side == SIDE_PORT_BYTES)
      (void) run_side (side, n);
}

/* Appends REPEATS_PER_ROUND samples to @samples; each runs every side
 * back to back, starting with a different side each time. */
void
ub_overhead_round (GArray *samples)
{
  for (guint r = 0; r < REPEATS_PER_ROUND; r++)
    {
      Sample sample = { .n = REPEAT_N };
      guint first = (samples->len + r) % N_SIDES;

      for (guint i = 0; i < N_SIDES; i++)
        {
          Side side = (first + i) % N_SIDES;

          sample.cost[side] = run_side (side, REPEAT_N);
        }
      g_array_append_val (samples, sample);
    }
}

/* Median and quartiles of one figure over the samples. */
typedef struct
{
  double median, q1, q3;
} Spread;

/* Per-message figures of one side, and ratios of one side to another. */
typedef enum { FIGURE_WALL, FIGURE_CPU, FIGURE_CSW } Figure;

static double
figure_of (const Cost *cost,
           Figure      figure)
{
  return figure == FIGURE_WALL ? cost->wall : figure == FIGURE_CPU ? cost->cpu : cost->csw;
}

static Spread
side_spread (GArray *samples,
             Side    side,
             Side    anchor,   /* N_SIDES: per message, not a ratio */
             Figure  figure)
{
  g_autofree double *values = g_new (double, MAX (samples->len, 1));
  Spread spread;

  for (guint i = 0; i < samples->len; i++)
    {
      const Sample *s = &g_array_index (samples, Sample, i);
      double value = figure_of (&s->cost[side], figure);

      values[i] = anchor == N_SIDES ? value / s->n :
                  value / MAX (figure_of (&s->cost[anchor], figure), 1e-12);
    }
  spread.q1 = ub_bench_percentile (values, samples->len, 25);
  spread.q3 = ub_bench_percentile (values, samples->len, 75);
  spread.median = ub_bench_median (values, samples->len);
  return spread;
}

static void
print_ratio (GArray *samples,
             Side    side,
             Side    anchor)
{
  Spread w = side_spread (samples, side, anchor, FIGURE_WALL);
  Spread c = side_spread (samples, side, anchor, FIGURE_CPU);

  printf ("  verdict: %s / %s: %.2f× CPU (quartiles %.2f–%.2f), %.2f× wall (%.2f–%.2f) "
          "(target ≤ %.0f×, judged on CPU): %s\n",
          side_names[side], side_names[anchor], c.median, c.q1, c.q3, w.median, w.q1, w.q3,
          TARGET_COST_RATIO, c.median <= TARGET_COST_RATIO ? "met" : "MISSED");
}

void
ub_overhead_print (GArray *samples)
{
  printf ("\n  %u-byte payloads, thread → blocking consumer: %u repeats of %u messages per side,\n"
          "  the sides back to back in a rotating order; medians of per-message figures\n",
          PAYLOAD_SIZE, samples->len, REPEAT_N);
  printf ("  %-34s %10s %10s %14s\n", "", "wall", "CPU", "sleeps/1k msgs");
  for (Side side = 0; side < N_SIDES; side++)
    printf ("  %-34s %7.1f ns %7.1f ns %14.1f\n", side_names[side],
            side_spread (samples, side, N_SIDES, FIGURE_WALL).median * 1e9,
            side_spread (samples, side, N_SIDES, FIGURE_CPU).median * 1e9,
            side_spread (samples, side, N_SIDES, FIGURE_CSW).median * 1e3);
  printf ("  (CPU: both threads, user and system; the wall time also counts waiting for a CPU;\n"
          "  sleeps: voluntary context switches, high when the consumer sleeps on each message;\n"
          "  ratios: the median of the per-repeat ratios, sides of one repeat run back to back)\n");
  /* Like with like first: each body through the port and through the queue. */
  print_ratio (samples, SIDE_PORT_BYTES, SIDE_BYTES);
  print_ratio (samples, SIDE_PORT, SIDE_VARIANT);
  print_ratio (samples, SIDE_PORT_BYTES, SIDE_BLOCK);
  print_ratio (samples, SIDE_PORT, SIDE_BLOCK);
}

/* A one-line summary of the last repeat, for the per-round progress. */
void
ub_overhead_print_last (GArray *samples)
{
  const Sample *s;

  if (samples->len == 0)
    return;
  s = &g_array_index (samples, Sample, samples->len - 1);
  printf ("payload UbPort %.0f ns (GBytes %.0f ns), GAsyncQueue %.0f ns (GBytes %.0f ns) (CPU)",
          s->cost[SIDE_PORT].cpu / s->n * 1e9, s->cost[SIDE_PORT_BYTES].cpu / s->n * 1e9,
          s->cost[SIDE_VARIANT].cpu / s->n * 1e9, s->cost[SIDE_BYTES].cpu / s->n * 1e9);
}
