/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "ub-screenshot.h"
#include "ub-test-gtk.h"
#include "ub-test-keys.h"

static void
test_window_opens_and_paints (void)
{
  UbWindow *window;

  if (!ub_test_gtk_have_display ())
    return;

  window = ub_test_gtk_get_window ();

  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (window)));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), >, 0);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (window)), >, 0);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (ub_window_get_meter (window))));
}

static gboolean
recorded_enough (gpointer user_data)
{
  UbMeterStats stats;

  ub_meter_get_stats (user_data, &stats);
  return stats.n_frames >= 20 && stats.n_heartbeats >= 20;
}

static void
test_meter_records_frames (void)
{
  UbMeter *meter;
  UbMeterStats stats;

  if (!ub_test_gtk_have_display ())
    return;

  meter = ub_window_get_meter (ub_test_gtk_get_window ());
  ub_meter_reset (meter);
  /* Twenty frames and heartbeats: a third of a second when the machine is
   * quiet, longer when other processes take the CPU. */
  g_assert_true (ub_test_gtk_run_until (recorded_enough, meter, 30000));
  ub_meter_get_stats (meter, &stats);

  g_test_message ("%u frame intervals (p50 %.1f ms, p99 %.1f ms), %u heartbeats, "
                  "longest stall %.1f ms, meter cost %.1f µs/frame",
                  stats.n_frames, stats.frame_p50_ms, stats.frame_p99_ms, stats.n_heartbeats,
                  stats.max_stall_ms, stats.self_cost_us_per_frame);

  g_assert_cmpuint (stats.n_frames, >=, 20);
  g_assert_cmpuint (stats.n_heartbeats, >=, 20);
  g_assert_cmpfloat (stats.frame_p50_ms, >, 0.0);
  g_assert_cmpfloat (stats.frame_p50_ms, <=, stats.frame_p99_ms);
  g_assert_cmpfloat (stats.frame_p99_ms, <=, stats.frame_max_ms);
  g_assert_cmpfloat (ub_meter_get_frame_interval_percentile (meter, 50.0), ==, stats.frame_p50_ms);
}

static gboolean
block_main_thread (gpointer user_data)
{
  guint ms = GPOINTER_TO_UINT (user_data);
  gint64 until = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;

  /* The workload of the negative control: the main thread does nothing
   * else until the time is up. */
  while (g_get_monotonic_time () < until)
    ;

  return G_SOURCE_REMOVE;
}

typedef struct
{
  UbMeter *meter;
  gboolean blocked;
  guint    n_frames_then;
  guint    n_heartbeats_then;
} Blocked;

static gboolean
block_then_note (gpointer user_data)
{
  Blocked *b = user_data;
  UbMeterStats stats;

  block_main_thread (GUINT_TO_POINTER (300));
  ub_meter_get_stats (b->meter, &stats);
  b->n_frames_then = stats.n_frames;
  b->n_heartbeats_then = stats.n_heartbeats;
  b->blocked = TRUE;
  return G_SOURCE_REMOVE;
}

/* The stall is only seen when the loop runs again, and the late frame
 * only when the frame clock ticks after it: a loaded machine may take a
 * while to get there. */
static gboolean
frame_after_block (gpointer user_data)
{
  Blocked *b = user_data;
  UbMeterStats stats;

  if (!b->blocked)
    return FALSE;
  ub_meter_get_stats (b->meter, &stats);
  return stats.n_frames > b->n_frames_then && stats.n_heartbeats > b->n_heartbeats_then;
}

static void
test_meter_negative_control (void)
{
  UbMeter *meter;
  UbMeterStats stats;
  Blocked blocked = { 0 };

  if (!ub_test_gtk_have_display ())
    return;

  meter = ub_window_get_meter (ub_test_gtk_get_window ());
  ub_test_gtk_run_for_ms (100);
  ub_meter_reset (meter);

  blocked.meter = meter;
  g_idle_add (block_then_note, &blocked);
  g_assert_true (ub_test_gtk_run_until (frame_after_block, &blocked, 30000));

  ub_meter_get_stats (meter, &stats);
  g_test_message ("blocked 300 ms: longest stall %.1f ms, label figure %.1f ms",
                  stats.max_stall_ms, ub_meter_get_max_stall_ms (meter));

  g_assert_cmpfloat (stats.max_stall_ms, >=, 300.0);
  g_assert_cmpfloat (ub_meter_get_max_stall_ms (meter), >=, 300.0);
  g_assert_cmpfloat (stats.frame_max_ms, >=, 300.0);
}

static void
test_meter_quiet_has_no_long_stall (void)
{
  UbMeter *meter;
  UbMeterStats stats;

  if (!ub_test_gtk_have_display () || ub_test_gtk_skip_timing ())
    return;

  meter = ub_window_get_meter (ub_test_gtk_get_window ());
  ub_test_gtk_run_for_ms (100);
  ub_meter_reset (meter);
  ub_test_gtk_run_for_ms (500);
  ub_meter_get_stats (meter, &stats);

  /* A generous bound: the point is the contrast with the negative control. */
  g_assert_cmpfloat (stats.max_stall_ms, <, 150.0);
}

static guint
count_distinct_colours (GdkTexture *texture)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  gsize stride = (gsize) width * 4;
  g_autofree guchar *pixels = g_malloc (stride * height);
  g_autoptr(GHashTable) colours = g_hash_table_new (NULL, NULL);

  gdk_texture_download (texture, pixels, stride);
  for (int y = 0; y < height; y += 3)
    for (int x = 0; x < width; x += 3)
      {
        guint32 pixel;

        memcpy (&pixel, pixels + y * stride + x * 4, 4);
        g_hash_table_add (colours, GUINT_TO_POINTER (pixel));
      }

  return g_hash_table_size (colours);
}

static void
test_screenshot_in_process (void)
{
  UbWindow *window;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;

  if (!ub_test_gtk_have_display ())
    return;

  window = ub_test_gtk_get_window ();
  dir = g_dir_make_tmp ("unblock-shot-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "window.png", NULL);

  g_assert_true (ub_screenshot_save (GTK_WIDGET (window), path, &error));
  g_assert_no_error (error);

  texture = gdk_texture_new_from_filename (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, gtk_widget_get_width (GTK_WIDGET (window)));
  g_assert_cmpint (gdk_texture_get_height (texture), ==, gtk_widget_get_height (GTK_WIDGET (window)));
  g_assert_cmpuint (count_distinct_colours (texture), >, 8);

  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static char *
unblock_path (void)
{
  return g_test_build_filename (G_TEST_BUILT, "..", "app", "unblock", NULL);
}

static void
test_screenshot_command_line (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *arg = NULL;
  g_autofree char *program = unblock_path ();
  g_autofree char *err = NULL;
  int status;

  if (!ub_test_gtk_have_display ())
    return;

  dir = g_dir_make_tmp ("unblock-shot-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "shot.png", NULL);
  arg = g_strconcat ("--screenshot=", path, NULL);

  {
    const char *argv[] = { program, arg, NULL };
    /* The default settings backend, as a user's session has: a screenshot
     * must keep to settings of its own in memory, never commit to dconf
     * (which, without a session bus, complains on stderr). */
    g_auto(GStrv) envp = g_environ_unsetenv (g_get_environ (), "GSETTINGS_BACKEND");

    g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_DEFAULT, NULL, NULL,
                  NULL, &err, &status, &error);
  }
  g_assert_no_error (error);
  g_test_message ("unblock --screenshot stderr: %s", err);
  g_assert_true (g_spawn_check_wait_status (status, &error));
  g_assert_no_error (error);
  g_assert_null (strstr (err, "dconf"));
  g_assert_null (strstr (err, "GSettings"));

  texture = gdk_texture_new_from_filename (path, &error);
  g_assert_no_error (error);
  /* The window's default size, give or take its decorations. */
  g_assert_cmpint (gdk_texture_get_width (texture), >=, 1000);
  g_assert_cmpint (gdk_texture_get_height (texture), >=, 600);
  g_assert_cmpuint (count_distinct_colours (texture), >, 8);

  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_screenshot_unwritable (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *program = unblock_path ();
  g_autofree char *err = NULL;
  int status;
  /* A directory that does not exist: fails for root too. */
  const char *argv[] = { program, "--screenshot=/nonexistent-unblock-dir/shot.png", NULL };

  if (!ub_test_gtk_have_display ())
    return;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                NULL, &err, &status, &error);
  g_assert_no_error (error);
  g_assert_false (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (err, "Cannot write the screenshot"));
  g_assert_nonnull (strstr (err, "/nonexistent-unblock-dir/shot.png"));
  g_assert_false (g_file_test ("/nonexistent-unblock-dir", G_FILE_TEST_EXISTS));
}

/* @detailed_name in one spelling, so that two names for the same
 * action and target compare equal. */
static char *
normalize_action (const char *detailed_name)
{
  g_autofree char *name = NULL;
  g_autoptr(GVariant) target = NULL;

  g_assert_true (g_action_parse_detailed_name (detailed_name, &name, &target, NULL));
  return g_action_print_detailed_name (name, target);
}

static gboolean
action_exists (UbWindow   *window,
               const char *detailed_name)
{
  g_autofree char *name = NULL;
  g_autoptr(GVariant) target = NULL;
  GActionGroup *group;

  g_assert_true (g_action_parse_detailed_name (detailed_name, &name, &target, NULL));
  if (g_str_has_prefix (name, "app."))
    group = G_ACTION_GROUP (ub_test_gtk_get_app ());
  else if (g_str_has_prefix (name, "win."))
    group = G_ACTION_GROUP (window);
  else
    return FALSE;

  return g_action_group_has_action (group, name + 4);
}

/* Whether one of the detailed actions bound to an accelerator is @action,
 * with the same target. */
static gboolean
accel_triggers (char       **bound,
                const char  *action)
{
  g_autofree char *wanted = normalize_action (action);

  for (guint i = 0; bound != NULL && bound[i] != NULL; i++)
    {
      g_autofree char *found = normalize_action (bound[i]);

      if (g_str_equal (found, wanted))
        return TRUE;
    }
  return FALSE;
}

static void
test_shortcuts_are_bound (void)
{
  GtkApplication *app;
  UbWindow *window;
  g_autoptr(GtkBuilder) builder = NULL;
  g_autoptr(GHashTable) listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto(GStrv) actions = NULL;
  GSList *objects;
  guint n_shortcuts = 0;

  if (!ub_test_gtk_have_display ())
    return;

  app = GTK_APPLICATION (ub_test_gtk_get_app ());
  window = ub_test_gtk_get_window ();
  builder = gtk_builder_new_from_resource ("/io/unblock/Unblock/gtk/help-overlay.ui");
  objects = gtk_builder_get_objects (builder);

  /* Every accelerator shown to the user triggers the action it names. */
  for (GSList *l = objects; l != NULL; l = l->next)
    {
      g_autofree char *accel = NULL;
      g_autofree char *action = NULL;
      g_auto(GStrv) keys = NULL;

      if (!GTK_IS_SHORTCUTS_SHORTCUT (l->data))
        continue;

      g_object_get (l->data, "accelerator", &accel, "action-name", &action, NULL);
      g_assert_nonnull (accel);
      g_assert_nonnull (action);
      g_test_message ("%s → %s", accel, action);

      g_assert_true (action_exists (window, action));

      /* One shortcut may list several accelerators, space-separated. */
      keys = g_strsplit (accel, " ", -1);
      for (guint k = 0; keys[k] != NULL; k++)
        {
          g_auto(GStrv) bound = gtk_application_get_actions_for_accel (app, keys[k]);

          g_assert_true (accel_triggers (bound, action));
        }

      g_hash_table_add (listed, normalize_action (action));
      n_shortcuts++;
    }
  g_slist_free (objects);
  g_assert_cmpuint (n_shortcuts, >, 0);

  /* And every accelerator the application binds is listed. */
  actions = gtk_application_list_action_descriptions (app);
  for (guint i = 0; actions[i] != NULL; i++)
    {
      g_auto(GStrv) accels = gtk_application_get_accels_for_action (app, actions[i]);
      g_autofree char *name = normalize_action (actions[i]);

      if (accels[0] != NULL && !g_hash_table_contains (listed, name))
        g_error ("%s has the accelerator %s but is missing from the shortcuts window",
                 actions[i], accels[0]);
    }

}

static guint
check_shortcut_keys (GtkWidget *widget)
{
  guint n = 0;

  if (GTK_IS_SHORTCUTS_SHORTCUT (widget))
    {
      g_autofree char *accel = NULL;
      g_autofree char *title = NULL;

      g_object_get (widget, "accelerator", &accel, "title", &title, NULL);
      g_test_message ("%s: %s", title, accel);
      if (accel == NULL || accel[0] == '\0')
        g_error ("The shortcut “%s” shows no keys", title);
      n++;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += check_shortcut_keys (child);
  return n;
}

/* The shortcuts window fills in the keys of a shortcut that names an
 * action from the application's accelerators: an action named without
 * its target gets none, and shows an empty key cap. */
static void
test_shortcuts_window_shows_keys (void)
{
  GtkShortcutsWindow *overlay;

  if (!ub_test_gtk_have_display ())
    return;

  overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (ub_test_gtk_get_window ()));
  g_assert_nonnull (overlay);
  gtk_window_present (GTK_WINDOW (overlay));
  ub_test_gtk_wait_painted (GTK_WIDGET (overlay), 1);
  g_assert_cmpuint (check_shortcut_keys (GTK_WIDGET (overlay)), >, 8);
  gtk_widget_set_visible (GTK_WIDGET (overlay), FALSE);
}

static void
test_blocking_action_defaults_off (void)
{
  GActionGroup *app;
  g_autoptr(GVariant) state = NULL;

  if (!ub_test_gtk_have_display ())
    return;

  app = G_ACTION_GROUP (ub_test_gtk_get_app ());
  g_assert_true (g_action_group_has_action (app, "blocking"));
  g_assert_false (ub_application_get_blocking (ub_test_gtk_get_app ()));

  g_action_group_change_action_state (app, "blocking", g_variant_new_boolean (TRUE));
  g_assert_true (ub_application_get_blocking (ub_test_gtk_get_app ()));
  g_action_group_change_action_state (app, "blocking", g_variant_new_boolean (FALSE));
  g_assert_false (ub_application_get_blocking (ub_test_gtk_get_app ()));
}

static gboolean
typer_done (gpointer user_data)
{
  return ub_key_typer_is_done (user_data);
}

static double
max_latency_ms (UbKeyTyper *typer,
                guint      *n_received)
{
  g_autofree double *latencies = ub_key_typer_dup_latencies_ms (typer, n_received);
  double max = 0;

  for (guint i = 0; i < *n_received; i++)
    max = MAX (max, latencies[i]);
  return max;
}

static GtkWidget *
present_entry_window (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *entry = gtk_entry_new ();

  gtk_window_set_child (GTK_WINDOW (window), entry);
  gtk_window_present (GTK_WINDOW (window));
  ub_test_gtk_wait_painted (window, 3);
  return entry;
}

/* The probe the workload tests rely on: keys typed through XTest reach an
 * entry quickly when the main thread is free, and late when it is not.
 *
 * The block starts from the entry's first change, so it is certain to
 * fall inside the typing: an idle would be starved by the key events
 * themselves on a slow machine and might run only after the last key.
 * It lasts until a second key has gone out and then 200 ms more, so that
 * key waits at least that long whatever the scheduler did to the sender. */
typedef struct
{
  UbKeyTyper *typer;
  gulong      changed_id;
  GtkWidget  *entry;
} BlockOnFirstKey;

static void
block_on_first_key (GtkEditable     *editable,
                    BlockOnFirstKey *b)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_clear_signal_handler (&b->changed_id, b->entry);
  while (ub_key_typer_get_n_sent (b->typer) < 2 && g_get_monotonic_time () < deadline)
    g_usleep (1000);
  block_main_thread (GUINT_TO_POINTER (200));
}

static void
test_input_key_latency_probe (void)
{
  GtkWidget *entry;
  g_autoptr(UbKeyTyper) quiet = NULL;
  g_autoptr(UbKeyTyper) blocked = NULL;
  BlockOnFirstKey block = { 0 };
  double quiet_max;
  double blocked_max;
  guint n;

  if (!ub_test_gtk_have_display ())
    return;
  if (!ub_key_typer_supported ())
    {
      g_test_skip ("The display has no XTest extension");
      return;
    }

  entry = present_entry_window ();

  quiet = ub_key_typer_start (entry, 20, 10);
  g_assert_true (ub_test_gtk_run_until (typer_done, quiet, 10000));
  quiet_max = max_latency_ms (quiet, &n);
  g_assert_cmpuint (n, ==, 20);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "aaaaaaaaaaaaaaaaaaaa");
  g_test_message ("free main thread: longest key latency %.1f ms", quiet_max);

  blocked = ub_key_typer_start (entry, 20, 10);
  block.typer = blocked;
  block.entry = entry;
  block.changed_id = g_signal_connect (entry, "changed", G_CALLBACK (block_on_first_key), &block);
  g_assert_true (ub_test_gtk_run_until (typer_done, blocked, 10000));
  blocked_max = max_latency_ms (blocked, &n);
  g_assert_cmpuint (n, ==, 20);
  g_test_message ("main thread blocked 200 ms: longest key latency %.1f ms", blocked_max);
  g_assert_cmpuint (block.changed_id, ==, 0);

  g_assert_cmpfloat (blocked_max, >=, 100.0);
  if (!ub_test_gtk_skip_timing ())
    g_assert_cmpfloat (quiet_max, <, 100.0);

  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (entry)));
}

int
main (int    argc,
      char **argv)
{
  ub_test_gtk_init (&argc, &argv);

  g_test_summary ("The application shell: window, responsiveness meter, screenshots, shortcuts");

  g_test_add_func ("/window/opens-and-paints", test_window_opens_and_paints);
  g_test_add_func ("/window/blocking-action-defaults-off", test_blocking_action_defaults_off);
  g_test_add_func ("/window/shortcuts-are-bound", test_shortcuts_are_bound);
  g_test_add_func ("/window/shortcuts-window-shows-keys", test_shortcuts_window_shows_keys);
  g_test_add_func ("/meter/records-frames", test_meter_records_frames);
  g_test_add_func ("/meter/negative-control-300ms", test_meter_negative_control);
  g_test_add_func ("/meter/quiet-loop-has-no-long-stall", test_meter_quiet_has_no_long_stall);
  g_test_add_func ("/input/key-latency-probe", test_input_key_latency_probe);
  g_test_add_func ("/screenshot/in-process", test_screenshot_in_process);
  g_test_add_func ("/screenshot/command-line", test_screenshot_command_line);
  g_test_add_func ("/screenshot/unwritable-path-fails", test_screenshot_unwritable);

  return g_test_run ();
}
