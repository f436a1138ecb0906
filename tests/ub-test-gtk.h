/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "ub-application.h"
#include "ub-image-item.h"
#include "ub-images-page.h"
#include "ub-window.h"

G_BEGIN_DECLS

/*
 * Helpers for the GTK tests: a real UbApplication and UbWindow on the
 * test's display, and ways to run the main loop until something happens.
 */

gboolean       ub_test_gtk_init        (int            *argc,
                                        char         ***argv);
gboolean       ub_test_gtk_init_app    (void);
gboolean       ub_test_gtk_have_display (void);
UbApplication *ub_test_gtk_get_app     (void);
UbWindow      *ub_test_gtk_get_window  (void);
UbWindow      *ub_test_gtk_new_window  (void);
void           ub_test_gtk_run_for_ms  (guint           ms);
gboolean       ub_test_gtk_run_until   (gboolean       (*condition) (gpointer user_data),
                                        gpointer        user_data,
                                        guint           timeout_ms);
void           ub_test_gtk_wait_painted (GtkWidget     *widget,
                                         guint          n_frames);
gboolean       ub_test_gtk_skip_timing (void);
GtkWidget     *ub_test_gtk_show_page   (const char     *name);
void           ub_test_gtk_window_action (const char   *name);
void           ub_test_gtk_set_blocking (gboolean       blocking);
void           ub_test_gtk_make_gallery (const char    *dir,
                                         guint          n_images,
                                         guint          size);
gboolean       ub_test_gtk_drop_files  (GtkWidget          *widget,
                                        const char * const *paths,
                                        gboolean            as_list);
guint          ub_test_gtk_count_images (UbImagesPage  *page,
                                         UbImageState   state);
int            ub_test_gtk_run_in_scratch (const char   *template,
                                           char        **dir);
void           ub_test_gtk_count_allocations (UbWindow   *window,
                                              guint      *counter);

G_END_DECLS
