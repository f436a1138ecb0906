/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ub-window.h"

G_BEGIN_DECLS

/* Shared by the files that define the workloads of ub-test-workloads.h. */

void      ub_test_workloads_show_page  (UbWindow   *window,
                                        const char *name);

#define VIEWER_IMAGE_SIZE 4096
#define VIEWER_N_IMAGES   4

char     *ub_test_ensure_viewer_images (void);

/* Viewer: zooming and panning 4096² images (ub-test-workloads-viewer.c) */
void      ub_test_viewer_prepare       (UbWindow   *window,
                                        gboolean    blocking);
void      ub_test_viewer_start         (UbWindow   *window);
gboolean  ub_test_viewer_is_running    (UbWindow   *window);
void      ub_test_viewer_cancel        (UbWindow   *window);
void      ub_test_viewer_step          (UbWindow   *window);
gboolean  ub_test_viewer_finished_ok   (UbWindow   *window);

G_END_DECLS
