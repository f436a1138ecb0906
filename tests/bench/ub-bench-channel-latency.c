/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>
#ifdef HAVE_EVENTFD
# include <sys/eventfd.h>
#endif

#include "ub-bench.h"
#include "ub-bench-channel.h"
#include "ub-runtime.h"

/*
 * unblock-bench channel, latency: one message from a worker to a sleeping
 * main loop, one-way and round trip (main → worker → main), through a
 * UbWorker, a plain thread's UbPort, g_idle_add and a bare GAsyncQueue,
 * and the floor of this machine: a raw eventfd ping between two threads,
 * each asleep in poll() as a main loop is, with nothing else done.
 */

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
  UbLatency *latency;
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

void
ub_latency_port_worker (UbLatency *latency)
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
void
ub_latency_port_thread (UbLatency *latency)
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
  UbLatency      *latency;
  gint64        sent;
  gboolean      got;
} IdlePing;

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

void
ub_latency_idle (UbLatency *latency)
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

void
ub_latency_queue (UbLatency *latency)
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

#ifdef HAVE_EVENTFD
typedef struct
{
  int ping;   /* eventfd: main → echo thread */
  int pong;   /* eventfd: echo → main, carrying the send time + 1 */
} EventfdPair;

/* Sleeps in poll() until @fd is readable, then reads its counter. */
static uint64_t
eventfd_wait (int fd)
{
  struct pollfd pfd = { .fd = fd, .events = POLLIN };
  uint64_t value = 0;

  for (;;)
    {
      if (poll (&pfd, 1, -1) < 0 && errno != EINTR)
        g_error ("poll: %s", g_strerror (errno));
      if (read (fd, &value, sizeof value) == sizeof value)
        return value;
      if (errno != EAGAIN && errno != EINTR)
        g_error ("read: %s", g_strerror (errno));
    }
}

static void
eventfd_send (int      fd,
              uint64_t value)
{
  while (write (fd, &value, sizeof value) != sizeof value)
    if (errno != EINTR)
      g_error ("write: %s", g_strerror (errno));
}

static gpointer
eventfd_echo_thread (gpointer data)
{
  EventfdPair *pair = data;

  /* A ping of 2 says stop; 1 asks for a pong with the time it leaves. */
  while (eventfd_wait (pair->ping) == 1)
    eventfd_send (pair->pong, (uint64_t) g_get_monotonic_time () + 1);
  return NULL;
}

void
ub_latency_eventfd (UbLatency *latency)
{
  EventfdPair pair = { eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK),
                       eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK) };
  GThread *thread;

  if (pair.ping < 0 || pair.pong < 0)
    g_error ("eventfd: %s", g_strerror (errno));
  thread = g_thread_new ("eventfd-echo", eventfd_echo_thread, &pair);

  for (guint i = 0; i < LATENCY_N; i++)
    {
      gint64 sent = g_get_monotonic_time ();
      gint64 stamp, now;

      eventfd_send (pair.ping, 1);
      stamp = (gint64) eventfd_wait (pair.pong) - 1;
      now = g_get_monotonic_time ();
      latency->one_way[latency->n] = (double) (now - stamp);
      latency->round_trip[latency->n] = (double) (now - sent);
      latency->n++;
    }

  eventfd_send (pair.ping, 2);
  g_thread_join (thread);
  close (pair.ping);
  close (pair.pong);
}
#else
void
ub_latency_eventfd (UbLatency *latency)
{
  /* No eventfd here: the row stays empty and is not printed. */
}
#endif

void
ub_latency_init (UbLatency *latency,
              guint    rounds)
{
  latency->one_way = g_new0 (double, (gsize) rounds * LATENCY_N);
  latency->round_trip = g_new0 (double, (gsize) rounds * LATENCY_N);
  latency->n = 0;
}

void
ub_latency_clear (UbLatency *latency)
{
  g_clear_pointer (&latency->one_way, g_free);
  g_clear_pointer (&latency->round_trip, g_free);
}

/* Prints one row (none if it has no samples); returns the one-way
 * median. */
double
ub_latency_print (const char *name,
                  UbLatency  *latency)
{
  if (latency->n == 0)
    {
      ub_latency_clear (latency);
      return 0;
    }

  double ow_median = ub_bench_median (latency->one_way, latency->n);
  double ow_p99 = ub_bench_percentile (latency->one_way, latency->n, 99);
  double rt_median = ub_bench_median (latency->round_trip, latency->n);
  double rt_p99 = ub_bench_percentile (latency->round_trip, latency->n, 99);

  printf ("  %-22s one-way median %6.1f µs  p99 %7.1f µs   round trip median %6.1f µs  p99 %7.1f µs\n",
          name, ow_median, ow_p99, rt_median, rt_p99);
  ub_latency_clear (latency);
  return ow_median;
}

void
ub_latency_register (void)
{
  ub_worker_kind_register ("bench-echo", echo_entry, NULL);
}
