/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>

#include <glib/gstdio.h>

#include "ub-durable-private.h"
#include "ub-screenshot.h"
#include "ub-test-cases.h"
#include "ub-test-files.h"
#include "ub-test-gtk.h"

/*
 * The fault-injection suite's writers that need a window (test-faults
 * has the others): a screenshot under a full disk, and EIO on write,
 * fsync and rename, through UbDurableFile's seam.
 */

static void
test_screenshot (void)
{
  const struct { UbDurableFault fault; int errsv; int code; } faults[] = {
    { UB_DURABLE_FAULT_WRITE, ENOSPC, G_IO_ERROR_NO_SPACE },
    { UB_DURABLE_FAULT_WRITE, EIO, G_IO_ERROR_FAILED },
    { UB_DURABLE_FAULT_SYNC, EIO, G_IO_ERROR_FAILED },
    { UB_DURABLE_FAULT_COMMIT, EIO, G_IO_ERROR_FAILED },
  };
  GtkWidget *window;

  g_test_summary ("A screenshot on a full disk, or with EIO on write, fsync or rename, fails "
                  "with the matching error and leaves the older screenshot whole and no "
                  "other file");

  if (!ub_test_gtk_have_display ())
    return;

  window = GTK_WIDGET (ub_test_gtk_get_window ());
  for (guint f = 0; f < G_N_ELEMENTS (faults); f++)
    for (int tmpfile = 0; tmpfile < 2; tmpfile++)
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *dir = g_dir_make_tmp ("unblock-shot-faults-XXXXXX", &error);
        g_autofree char *path = g_build_filename (dir, "shot.png", NULL);
        g_autofree char *old = NULL;
        g_autofree char *now = NULL;
        gsize old_len, now_len;

        g_assert_no_error (error);
        _ub_durable_set_use_tmpfile (tmpfile);
        g_assert_true (ub_screenshot_save (window, path, &error));
        g_assert_no_error (error);
        g_assert_true (g_file_get_contents (path, &old, &old_len, NULL));

        _ub_durable_set_fault (faults[f].fault, 4096, faults[f].errsv);
        g_assert_false (ub_screenshot_save (window, path, &error));
        _ub_durable_clear_fault ();
        g_test_message ("%s", error->message);
        g_assert_error (error, G_IO_ERROR, faults[f].code);

        g_assert_true (g_file_get_contents (path, &now, &now_len, NULL));
        g_assert_cmpmem (now, now_len, old, old_len);
        g_assert_cmpuint (ub_test_count_entries (dir), ==, 1);
        ub_test_remove_tree (dir);
      }
  _ub_durable_set_use_tmpfile (TRUE);
}

static const UbTestCase cases[] = {
  { "/faults-ui/screenshot", test_screenshot },
};

int
main (int    argc,
      char **argv)
{
  ub_test_gtk_init (&argc, &argv);
  UB_TEST_ADD_CASES (cases);
  return g_test_run ();
}
