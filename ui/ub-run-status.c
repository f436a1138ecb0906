/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "ub-run-status.h"
#include "ub-ui-format.h"

/**
 * ub_run_status_dup_text:
 * @run: a run
 *
 * Returns: (transfer full): what the run is doing, e.g. "Hashing:
 *   361 MB/s · ETA 42 s", "Paused" or "Done in 3.1 s · 1.2 G numbers/s"
 */
char *
ub_run_status_dup_text (UbRun *run)
{
  g_autofree char *unit = NULL;
  g_autofree char *rate = NULL;
  const char *phase;

  g_return_val_if_fail (UB_IS_RUN (run), NULL);

  /* TRANSLATORS: a rate's unit, e.g. "numbers/s" or "B/s" */
  unit = g_strdup_printf (_("%s/s"), ub_run_get_unit (run) ? ub_run_get_unit (run) : "");
  rate = ub_format_rate (ub_run_get_rate (run), unit);
  phase = ub_run_get_phase (run);

  switch (ub_run_get_state (run))
    {
    case UB_RUN_QUEUED:
      return g_strdup (_("Starting…"));

    case UB_RUN_RUNNING:
      {
        double eta = ub_run_get_eta (run);
        g_autofree char *eta_text = eta >= 0 ? ub_format_duration (eta) : g_strdup ("—");

        if (phase != NULL)
          /* TRANSLATORS: what the run does, its rate and the time left */
          return g_strdup_printf (_("%s: %s · ETA %s"), phase, rate, eta_text);
        /* TRANSLATORS: a rate and the time left */
        return g_strdup_printf (_("%s · ETA %s"), rate, eta_text);
      }

    case UB_RUN_PAUSED:
      return g_strdup (_("Paused"));

    case UB_RUN_DONE:
      {
        g_autofree char *time = ub_format_duration (ub_run_get_running_time (run) /
                                                    (double) G_USEC_PER_SEC);

        /* TRANSLATORS: how long the run took, then its rate */
        return g_strdup_printf (_("Done in %s · %s"), time, rate);
      }

    case UB_RUN_FAILED:
      return g_strdup (_("Failed"));

    case UB_RUN_CANCELLED:
    default:
      return g_strdup (_("Stopped"));
    }
}

/**
 * ub_run_status_show_progress:
 * @run: (nullable): a run, or %NULL for none
 * @bar: the bar to show it in
 *
 * Sets @bar's fraction and its text, the same number: a run whose total
 * is not known yet pulses.
 */
void
ub_run_status_show_progress (UbRun          *run,
                             GtkProgressBar *bar)
{
  double fraction;
  char text[32] = "";

  g_return_if_fail (run == NULL || UB_IS_RUN (run));
  g_return_if_fail (GTK_IS_PROGRESS_BAR (bar));

  fraction = run != NULL ? ub_run_get_fraction (run) : 0;
  if (fraction < 0 && run != NULL && ub_run_get_state (run) == UB_RUN_RUNNING)
    {
      gtk_progress_bar_pulse (bar);
      gtk_progress_bar_set_text (bar, "");
      return;
    }

  fraction = MAX (fraction, 0);
  if (run != NULL)
    /* Whole percents: the pages show the text in an inscription, which
     * is only redrawn, but a bar that shows its own text (the activity
     * rows) resizes the window at each new text (and on X11 asks the
     * server about its monitor): a hundred times a run, not at every
     * refresh. */
    g_snprintf (text, sizeof text, "%.0f %%", floor (100.0 * fraction));
  gtk_progress_bar_set_fraction (bar, fraction);
  gtk_progress_bar_set_text (bar, text);
}
