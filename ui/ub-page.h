/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "ub-run.h"
#include "ub-worker-pool.h"

G_BEGIN_DECLS

#define UB_TYPE_PAGE (ub_page_get_type ())

G_DECLARE_DERIVABLE_TYPE (UbPage, ub_page, UB, PAGE, GtkWidget)

/**
 * UbPageClass:
 * @run_key: the key of the page's runs in the run manager; %NULL for a
 *   page that does not work through runs
 * @can_pause: whether the page's runs can be paused
 * @create_run: a queued run for the values in the form, or %NULL with
 *   @error set to say what is wrong with them
 * @restore_run: a queued run that resumes work saved by an earlier start,
 *   and in @offer a sentence describing it; %NULL if there is none
 * @attach_run: show @run's parameters in the form (a reloaded window, a
 *   resumed run)
 * @describe_run: the page's part of the status line, e.g. "2 workers ·
 *   1,000 primes so far"
 * @update_view: bring the result view and the form up to date with @run
 *   (%NULL: no run); called whenever the run changes
 * @start: start the page's work (pages without runs)
 * @cancel: stop it; what it had done is discarded
 * @toggle_pause: pause it, or resume it
 * @start_demo: start the page's showcase workload (for --demo)
 * @is_busy: whether work is running or paused
 * @load_saved: offer to resume unfinished work saved by an earlier start,
 *   or resume it at once when @resume_now
 * @save_state: save what the page's workers do not save themselves
 * @hand_over: before a reload, keep the page's running work for the
 *   next window's page (ub_page_keep_work()) rather than stop it
 *
 * The base of every page: its template (ub_page_class_set_template(),
 * disposed by UbPage) and its notes entry. For a page with a @run_key it
 * holds the run
 * lifecycle: the page.start, page.pause and page.cancel actions, their
 * enabled states, the status line, progress bar and error label (template
 * children named "status_label", "progress_bar", "error_label" and
 * "resume_bar", and an optional "pause_button", declared with
 * ub_page_class_bind_run_view()), and the binding to the run
 * manager, so a new window finds the runs that outlived the old one. The
 * page supplies only its form and its result view.
 */
struct _UbPageClass
{
  GtkWidgetClass parent_class;

  const char *run_key;
  gboolean    can_pause;

  UbRun    *(*create_run)   (UbPage    *self,
                             gboolean   blocking,
                             GError   **error);
  UbRun    *(*restore_run)  (UbPage    *self,
                             gboolean   blocking,
                             char     **offer);
  void      (*attach_run)   (UbPage    *self,
                             UbRun     *run);
  char     *(*describe_run) (UbPage    *self,
                             UbRun     *run);
  void      (*update_view)  (UbPage    *self,
                             UbRun     *run);

  void      (*start)        (UbPage    *self);
  void      (*cancel)       (UbPage    *self);
  void      (*toggle_pause) (UbPage    *self);
  void      (*start_demo)   (UbPage    *self);
  gboolean  (*is_busy)      (UbPage    *self);
  void      (*load_saved)   (UbPage    *self,
                             gboolean   resume_now);
  void      (*save_state)   (UbPage    *self);
  void      (*hand_over)    (UbPage    *self);

  /*< private >*/
  gpointer padding[7];
};

void        ub_page_start        (UbPage     *self);
void        ub_page_cancel       (UbPage     *self);
void        ub_page_toggle_pause (UbPage     *self);
void        ub_page_start_demo   (UbPage     *self);
gboolean    ub_page_is_busy      (UbPage     *self);
void        ub_page_load_saved   (UbPage     *self,
                                  gboolean    resume_now);
void        ub_page_save_state   (UbPage     *self);
void        ub_page_hand_over    (UbPage     *self);
void        ub_page_keep_work    (UbPage     *self,
                                  gpointer    work,
                                  GDestroyNotify destroy);
gpointer    ub_page_take_work    (UbPage     *self);
gboolean    ub_page_get_blocking (UbPage     *self);
UbRun      *ub_page_get_run      (UbPage     *self);
void        ub_page_show_error   (UbPage     *self,
                                  const char *message);
const char *ub_page_get_error    (UbPage     *self);
const char *ub_page_get_status   (UbPage     *self);
GtkWidget  *ub_page_get_notes_entry (UbPage  *self);
void        ub_page_update       (UbPage     *self);

void        ub_page_class_set_template  (GtkWidgetClass *widget_class,
                                         const char     *resource_path);

/**
 * UbPageChild:
 * @name: a template child's id, %NULL at the end of a table
 * @offset: where the page's struct keeps it
 *
 * One row of a page's template children (UB_PAGE_CHILD()).
 */
typedef struct
{
  const char *name;
  gssize      offset;
} UbPageChild;

/**
 * UbPageCallback:
 * @name: the callback's name in the template, %NULL at the end of a table
 * @callback: the function (UB_PAGE_CALLBACK())
 */
typedef struct
{
  const char *name;
  GCallback   callback;
} UbPageCallback;

#define UB_PAGE_CHILD(Type, member) { #member, G_STRUCT_OFFSET (Type, member) }
#define UB_PAGE_CALLBACK(function)  { #function, G_CALLBACK (function) }

/**
 * UbPageViewFlags:
 * @UB_PAGE_VIEW_PLAIN: the page renders its work itself
 * @UB_PAGE_VIEW_RUN: UbPage renders the page's run into its template
 *   (ub_page_class_bind_run_view())
 * @UB_PAGE_VIEW_PAUSE_BUTTON: and the template has a "pause_button"
 */
typedef enum
{
  UB_PAGE_VIEW_PLAIN        = 0,
  UB_PAGE_VIEW_RUN          = 1 << 0,
  UB_PAGE_VIEW_PAUSE_BUTTON = 1 << 1,
} UbPageViewFlags;

void        ub_page_class_set_view      (GtkWidgetClass       *widget_class,
                                         const char           *resource_path,
                                         UbPageViewFlags       flags,
                                         const UbPageChild    *children,
                                         const UbPageCallback *callbacks);
void        ub_page_class_bind_run_view (GtkWidgetClass *widget_class,
                                         gboolean        has_pause_button);

/**
 * UB_PAGE_CLASS_IMPLEMENT_RUNS:
 * @page_class: a #UbPageClass
 * @prefix: the page's function prefix, e.g. `ub_primes_page`
 * @key: its runs' key in the run manager
 *
 * Wires a page built on runs: its @prefix`_create_run`, `_restore_run`,
 * `_attach_run`, `_describe_run`, `_update_view` and `_start_demo`.
 */
#define UB_PAGE_CLASS_IMPLEMENT_RUNS(page_class, prefix, key) \
  G_STMT_START { \
    (page_class)->run_key = (key); \
    (page_class)->create_run = prefix##_create_run; \
    (page_class)->restore_run = prefix##_restore_run; \
    (page_class)->attach_run = prefix##_attach_run; \
    (page_class)->describe_run = prefix##_describe_run; \
    (page_class)->update_view = prefix##_update_view; \
    (page_class)->start_demo = prefix##_start_demo; \
  } G_STMT_END

/**
 * UB_PAGE_CLASS_IMPLEMENT_WORK:
 * @page_class: a #UbPageClass
 * @prefix: the page's function prefix, e.g. `ub_images_page`
 *
 * Wires a page whose work is not a run: its @prefix`_start` (which is
 * also its demo), `_cancel`, `_is_busy` and `_hand_over`.
 */
#define UB_PAGE_CLASS_IMPLEMENT_WORK(page_class, prefix) \
  G_STMT_START { \
    (page_class)->start = prefix##_start; \
    (page_class)->start_demo = prefix##_start; \
    (page_class)->cancel = prefix##_cancel; \
    (page_class)->is_busy = prefix##_is_busy; \
    (page_class)->hand_over = prefix##_hand_over; \
  } G_STMT_END

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

G_END_DECLS
