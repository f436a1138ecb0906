/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "ub-bench.h"
#include "ub-bench-commands.h"
#include "ub-images-page.h"
#include "ub-test-files.h"
#include "ub-test-gtk.h"

/*
 * unblock-bench gallery: a folder of 10 000 small PNGs opened in the
 * gallery of the real window. Per round, from an empty thumbnail cache:
 * the time to the first tile bound and to the first thumbnail shown, the
 * time to the full listing, then a steady scroll through the folder (3000
 * px/s for 3 s) with its frame intervals and longest stall, and the growth
 * of the peak resident size over the round. The anchors, in the same
 * run: the listing against a bare readdir + stat of the folder in this
 * process (the floor), and the scroll against the same scroll in blocking
 * mode (thumbnails decoded on the main thread).
 *
 * Needs a display: build-aux/bench gallery runs it on a private Xvfb.
 */

#define N_FILES       10000
#define IMAGE_SIZE    64
#define SCROLL_MS     3000
#define SCROLL_PX_S   3000.0

typedef struct
{
  double first_tile_ms;
  double first_thumbnail_ms;
  double listed_ms;
  double frame_p50_ms;
  double frame_p99_ms;
  double frame_max_ms;
  double max_stall_ms;
  double rss_growth_mib;
} Figures;

typedef struct
{
  UbImagesPage *page;
  double        start;
  Figures      *figures;
  /* Scrolling */
  double        scroll_start;
  double        scroll_from;
  gboolean      scrolled;
} Round;

static gboolean
reset_peak_rss (void)
{
  FILE *file = fopen ("/proc/self/clear_refs", "w");
  gboolean done;

  if (file == NULL)
    return FALSE;
  done = fputs ("5", file) >= 0;
  return fclose (file) == 0 && done;
}

static double
status_kib (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, field)) == NULL)
    return 0;
  return g_ascii_strtod (line + strlen (field), NULL);
}

static double
since_ms (double start)
{
  return (ub_bench_now () - start) * 1000;
}

static gboolean
watch_open (GtkWidget     *widget,
            GdkFrameClock *clock,
            gpointer       user_data)
{
  Round *round = user_data;
  UbImagesPageStats stats;

  ub_images_page_get_stats (round->page, &stats);
  if (round->figures->first_tile_ms < 0 && stats.thumbnails.n_visible > 0)
    round->figures->first_tile_ms = since_ms (round->start);
  if (round->figures->first_thumbnail_ms < 0 && stats.thumbnails.n_decoded > 0)
    round->figures->first_thumbnail_ms = since_ms (round->start);
  return G_SOURCE_CONTINUE;
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Round      *round)
{
  if (round->figures->listed_ms < 0 && g_list_model_get_n_items (model) == N_FILES)
    round->figures->listed_ms = since_ms (round->start);
}

static gboolean
opened (gpointer user_data)
{
  Round *round = user_data;

  return round->figures->listed_ms >= 0 && round->figures->first_thumbnail_ms >= 0;
}

/* Each frame, the view moves on at a steady speed. */
static gboolean
scroll_tick (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       user_data)
{
  Round *round = user_data;
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (ub_images_page_get_scroller (round->page));
  double elapsed = ub_bench_now () - round->scroll_start;
  double end = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);

  gtk_adjustment_set_value (adjustment, MIN (round->scroll_from + elapsed * SCROLL_PX_S, end));
  if (elapsed * 1000 >= SCROLL_MS)
    {
      round->scrolled = TRUE;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
scrolled (gpointer user_data)
{
  return ((Round *) user_data)->scrolled;
}

static void
run_round (const char *folder,
           gboolean    blocking,
           Figures    *figures)
{
  g_autofree char *thumbnails = g_build_filename (g_get_user_cache_dir (), "thumbnails", NULL);
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  UbMeter *meter = ub_window_get_meter (ub_test_gtk_get_window ());
  Round round = { 0 };
  GListModel *model;
  UbMeterStats stats;
  gulong handler;
  guint tick;
  double rss_before;

  *figures = (Figures) { -1, -1, -1, 0, 0, 0, 0, 0 };
  round.figures = figures;
  round.page = UB_IMAGES_PAGE (ub_test_gtk_show_page ("images"));
  model = ub_images_page_get_model (round.page);

  /* Each round from an empty desktop thumbnail cache and an empty page. */
  ub_images_page_open_files (round.page, none);
  ub_test_remove_tree (thumbnails);
  ub_test_gtk_set_blocking (blocking);
  ub_test_gtk_wait_painted (GTK_WIDGET (round.page), 2);

  reset_peak_rss ();
  rss_before = status_kib ("VmRSS:");
  handler = g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), &round);
  tick = gtk_widget_add_tick_callback (GTK_WIDGET (round.page), watch_open, &round, NULL);
  round.start = ub_bench_now ();
  ub_images_page_open_folder (round.page, folder);
  if (!ub_test_gtk_run_until (opened, &round, 120000))
    g_printerr ("  (the folder did not open in 120 s)\n");
  gtk_widget_remove_tick_callback (GTK_WIDGET (round.page), tick);
  g_signal_handler_disconnect (model, handler);

  ub_meter_reset (meter);
  round.scroll_from = gtk_adjustment_get_value (gtk_scrolled_window_get_vadjustment (ub_images_page_get_scroller (round.page)));
  round.scroll_start = ub_bench_now ();
  gtk_widget_add_tick_callback (GTK_WIDGET (round.page), scroll_tick, &round, NULL);
  ub_test_gtk_run_until (scrolled, &round, SCROLL_MS * 10);
  ub_meter_get_stats (meter, &stats);

  figures->frame_p50_ms = stats.frame_p50_ms;
  figures->frame_p99_ms = stats.frame_p99_ms;
  figures->frame_max_ms = stats.frame_max_ms;
  figures->max_stall_ms = stats.max_stall_ms;
  figures->rss_growth_mib = (status_kib ("VmHWM:") - rss_before) / 1024;

  ub_page_cancel (UB_PAGE (round.page));
  ub_test_gtk_set_blocking (FALSE);
}

/* The floor of a listing: the names and a stat of each, nothing else. */
static double
bare_listing_ms (const char *folder)
{
  double start = ub_bench_now ();
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;
  guint n = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);
      GStatBuf st;

      n += g_stat (path, &st) == 0 && S_ISREG (st.st_mode);
    }
  if (n != N_FILES)
    g_printerr ("  (the folder holds %u files, not %d)\n", n, N_FILES);
  return since_ms (start);
}

static double
median_of (Figures *rounds,
           guint    n,
           gsize    offset)
{
  g_autofree double *values = g_new (double, n);

  for (guint i = 0; i < n; i++)
    values[i] = G_STRUCT_MEMBER (double, &rounds[i], offset);
  return ub_bench_median (values, n);
}

#define MEDIAN(rounds, field) median_of (rounds, n_rounds, G_STRUCT_OFFSET (Figures, field))

static void
print_line (const char *what,
            double      ours,
            double      anchor,
            const char *anchor_name)
{
  if (anchor > 0)
    printf ("  %-24s %10.1f %10.1f %8.2f   (%s)\n", what, ours, anchor, ours / anchor, anchor_name);
  else
    printf ("  %-24s %10.1f %10s %8s\n", what, ours, "", "");
}

int
ub_bench_gallery (int    argc,
                  char **argv)
{
  guint n_rounds = ub_bench_rounds (3);
  g_autofree Figures *workers = g_new0 (Figures, n_rounds);
  g_autofree Figures *blocking = g_new0 (Figures, n_rounds);
  g_autofree double *floors = g_new0 (double, n_rounds);
  g_autofree char *folder = NULL;
  Figures warm_up;
  guint n_early = 0;

  if (!ub_test_gtk_init_app ())
    {
      fprintf (stderr, "unblock-bench gallery: no display; run it as build-aux/bench gallery\n");
      return 1;
    }

  ub_bench_header ("gallery: a folder of 10 000 PNGs, opened and scrolled");
  folder = g_build_filename (g_get_user_cache_dir (), "unblock-bench", "gallery-10000", NULL);
  ub_test_gtk_make_gallery (folder, N_FILES, IMAGE_SIZE);
  printf ("%d PNGs of %d²; %u rounds, medians, each from an empty thumbnail cache; "
          "scrolling at %.0f px/s for %d ms; %u CPUs\n", N_FILES, IMAGE_SIZE, n_rounds,
          SCROLL_PX_S, SCROLL_MS, g_get_num_processors ());

  /* A warm-up round, unmeasured: page cache, first-use costs. */
  run_round (folder, FALSE, &warm_up);
  for (guint r = 0; r < n_rounds; r++)
    {
      floors[r] = bare_listing_ms (folder);
      run_round (folder, FALSE, &workers[r]);
      run_round (folder, TRUE, &blocking[r]);
    }

  printf ("  %-24s %10s %10s %8s\n", "", "workers", "anchor", "ratio");
  print_line ("first tile, ms", MEDIAN (workers, first_tile_ms), 0, NULL);
  print_line ("first thumbnail, ms", MEDIAN (workers, first_thumbnail_ms),
              MEDIAN (blocking, first_thumbnail_ms), "blocking mode");
  print_line ("full listing, ms", MEDIAN (workers, listed_ms),
              ub_bench_median (floors, n_rounds), "bare readdir + stat");
  print_line ("scroll frame p50, ms", MEDIAN (workers, frame_p50_ms),
              MEDIAN (blocking, frame_p50_ms), "blocking mode");
  print_line ("scroll frame p99, ms", MEDIAN (workers, frame_p99_ms),
              MEDIAN (blocking, frame_p99_ms), "blocking mode");
  print_line ("scroll frame max, ms", MEDIAN (workers, frame_max_ms),
              MEDIAN (blocking, frame_max_ms), "blocking mode");
  print_line ("scroll stall max, ms", MEDIAN (workers, max_stall_ms),
              MEDIAN (blocking, max_stall_ms), "blocking mode");
  print_line ("peak RSS growth, MiB", MEDIAN (workers, rss_growth_mib),
              MEDIAN (blocking, rss_growth_mib), "blocking mode");
  for (guint r = 0; r < n_rounds; r++)
    n_early += workers[r].first_tile_ms >= 0 && workers[r].first_tile_ms < workers[r].listed_ms;
  printf ("  the first tile came before the full listing in %u of %u rounds\n", n_early,
          n_rounds);
  return 0;
}
