/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "ub-worker-pool.h"

G_BEGIN_DECLS

#define UB_TYPE_PAGE (ub_page_get_type ())

G_DECLARE_INTERFACE (UbPage, ub_page, UB, PAGE, GtkWidget)

/**
 * UbPageInterface:
 * @start: start the page's job with the values in its inputs
 * @cancel: stop the running job; what it had done is discarded
 * @toggle_pause: pause a running job, or resume a paused one
 * @start_demo: start the page's showcase workload (for --demo)
 * @is_busy: whether a job is running or paused
 * @load_saved: look for unfinished work saved by an earlier run: offer to
 *   resume it, or resume it at once when @resume_now (a reloaded window)
 * @save_state: save what the page's workers do not save themselves
 *
 * What the window's actions (win.start, win.cancel, win.pause) call on the
 * visible page.
 */
struct _UbPageInterface
{
  GTypeInterface parent_iface;

  void     (*start)        (UbPage *self);
  void     (*cancel)       (UbPage *self);
  void     (*toggle_pause) (UbPage *self);
  void     (*start_demo)   (UbPage *self);
  gboolean (*is_busy)      (UbPage *self);
  void     (*load_saved)   (UbPage   *self,
                            gboolean  resume_now);
  void     (*save_state)   (UbPage *self);
};

/*
 * A call a page made to a worker: it reaches the page only through a weak
 * reference, and only if the page's run is still the one that made it.
 */
typedef struct
{
  GWeakRef page;
  guint    generation;
  guint    index;
  gpointer object; /* (owned) (nullable): what the call is about */
} UbPageCall;

UbPageCall *ub_page_call_new      (gpointer      page,
                                   guint         generation,
                                   guint         index);
UbPageCall *ub_page_call_new_for_object (gpointer page,
                                         guint    generation,
                                         gpointer object);
gpointer    ub_page_call_dup_page (UbPageCall   *call);
void        ub_page_call_free     (UbPageCall   *call);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UbPageCall, ub_page_call_free)

GtkFileChooser *ub_page_open_chooser (GtkWidget           *page,
                                      GtkNativeDialog    **chooser,
                                      const char          *title,
                                      GtkFileChooserAction action,
                                      GCallback            on_response);
void        ub_page_close_chooser  (GtkNativeDialog    **chooser,
                                    gpointer             page);
void        ub_page_stop_work      (GCancellable       **cancellable,
                                    UbWorkerPool       **pool);

gboolean    ub_page_ensure_pool   (UbWorkerPool **pool,
                                   guint          n_workers,
                                   GError       **error);
void        ub_page_clear_pool    (UbWorkerPool **pool);

void     ub_page_start        (UbPage *self);
void     ub_page_cancel       (UbPage *self);
void     ub_page_toggle_pause (UbPage *self);
void     ub_page_start_demo   (UbPage *self);
gboolean ub_page_is_busy      (UbPage *self);
void     ub_page_load_saved   (UbPage   *self,
                               gboolean  resume_now);
void     ub_page_save_state   (UbPage *self);
gboolean ub_page_get_blocking (UbPage *self);

G_END_DECLS
