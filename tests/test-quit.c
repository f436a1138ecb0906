/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "ub-test-gtk.h"

/*
 * `unblock --quit`, run as a user would run it: a running Unblock counting
 * primes (another process, on a private session bus) stops its work,
 * saves it and exits; without the request it would count for minutes.
 */

static char *state_dir;

typedef struct
{
  gboolean exited;
  int      status;
} ChildExit;

static void
on_child_exit (GPid     pid,
               int      status,
               gpointer user_data)
{
  ChildExit *child = user_data;

  child->status = status;
  child->exited = TRUE;
  g_spawn_close_pid (pid);
}

static gboolean
child_exited (gpointer user_data)
{
  return ((ChildExit *) user_data)->exited;
}

static gboolean
file_exists (gpointer user_data)
{
  return g_file_test (user_data, G_FILE_TEST_EXISTS);
}

/* The children die with the test, even when an assertion aborts it. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* A session bus of the test's own; returns its address. */
static char *
start_bus (GPid *pid)
{
  const char *argv[] = { "dbus-daemon", "--session", "--nofork", "--print-address=1", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOChannel) channel = NULL;
  char *address = NULL;
  int out;

  if (!g_spawn_async_with_pipes (NULL, (char **) argv, NULL,
                                 G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD, die_with_parent,
                                 NULL, pid, NULL, &out, NULL, &error))
    return NULL;
  channel = g_io_channel_unix_new (out);
  g_io_channel_set_close_on_unref (channel, TRUE);
  g_io_channel_read_line (channel, &address, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (address);
  g_strchomp (address);
  return address;
}

static void
test_quit_stops_work (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *unblock = g_test_build_filename (G_TEST_BUILT, "..", "app", "unblock", NULL);
  g_autofree char *part = g_build_filename (state_dir, "primes.part.0.gvariant", NULL);
  g_autofree char *address = NULL;
  g_auto(GStrv) envp = g_get_environ ();
  const char *demo_argv[] = { unblock, "--demo", NULL };
  const char *quit_argv[] = { unblock, "--quit", NULL };
  ChildExit child = { 0 };
  GPid bus_pid, pid;
  int status;

  if (!ub_test_gtk_have_display ())
    return;

  address = start_bus (&bus_pid);
  if (address == NULL)
    {
      g_test_skip ("dbus-daemon is not installed");
      return;
    }
  envp = g_environ_setenv (envp, "DBUS_SESSION_BUS_ADDRESS", address, TRUE);

  /* Counting 0..1e12 with every CPU: minutes of work. */
  g_assert_true (g_spawn_async (NULL, (char **) demo_argv, envp, G_SPAWN_DO_NOT_REAP_CHILD,
                                die_with_parent, NULL, &pid, &error));
  g_assert_no_error (error);
  g_child_watch_add (pid, on_child_exit, &child);
  /* Under way: its first checkpoint is on disk. */
  g_assert_true (ub_test_gtk_run_until (file_exists, part, 60000));
  g_assert_false (child.exited);

  g_assert_true (g_spawn_sync (NULL, (char **) quit_argv, envp, G_SPAWN_DEFAULT, NULL, NULL, NULL,
                               NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, &error));
  g_assert_no_error (error);

  /* It stops and exits cleanly, its work saved. */
  g_assert_true (ub_test_gtk_run_until (child_exited, &child, 60000));
  g_assert_true (g_spawn_check_wait_status (child.status, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (part, G_FILE_TEST_EXISTS));

  kill (bus_pid, SIGTERM);
  waitpid (bus_pid, NULL, 0);
  g_spawn_close_pid (bus_pid);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *command = NULL;
  int status;

  state_dir = g_dir_make_tmp ("unblock-quit-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("UNBLOCK_STATE_DIR", state_dir, TRUE);

  ub_test_gtk_init (&argc, &argv);
  g_test_summary ("unblock --quit stops the running instance's work, saved");
  g_test_add_func ("/quit/stops-work", test_quit_stops_work);
  status = g_test_run ();

  command = g_strdup_printf ("rm -rf '%s'", state_dir);
  g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL);
  return status;
}
