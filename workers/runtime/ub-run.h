/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ub-worker-pool.h"

G_BEGIN_DECLS

/**
 * UbRunState:
 * @UB_RUN_QUEUED: made, not started yet
 * @UB_RUN_RUNNING: its parts are running (in workers, or on the caller's
 *   thread in blocking mode)
 * @UB_RUN_PAUSED: stopped where it was; its workers are kept, idle
 * @UB_RUN_CANCELLED: stopped for good by the user; what it did is dropped
 * @UB_RUN_FAILED: a part failed; the run's error says why
 * @UB_RUN_DONE: every part finished
 *
 * The life of a run. QUEUED → RUNNING ⇄ PAUSED, then one of the three
 * final states; a final state never changes again.
 */
typedef enum
{
  UB_RUN_QUEUED,
  UB_RUN_RUNNING,
  UB_RUN_PAUSED,
  UB_RUN_CANCELLED,
  UB_RUN_FAILED,
  UB_RUN_DONE,
} UbRunState;

GType ub_run_state_get_type (void) G_GNUC_CONST;
#define UB_TYPE_RUN_STATE (ub_run_state_get_type ())

/**
 * UbRunClock:
 *
 * Returns: a monotonic time in microseconds
 */
typedef gint64 (*UbRunClock) (gpointer user_data);

#define UB_TYPE_RUN (ub_run_get_type ())

G_DECLARE_DERIVABLE_TYPE (UbRun, ub_run, UB, RUN, GObject)

/**
 * UbRunClass:
 * @dup_part_call: the next job call of part @part: its job name in @job
 *   and its parameters, from where the part got to (so that a resumed
 *   part goes on rather than starts again); %NULL when the part is done
 * @part_progress: a progress report of part @part, in its job's format;
 *   the subclass keeps what it needs and calls ub_run_set_progress()
 * @part_finished: the result of part @part's call; afterwards the run
 *   asks @dup_part_call again, so a part may be several calls in turn
 * @save: save what resuming after a restart needs and the jobs do not
 *   save themselves (called on pause and by ub_run_checkpoint())
 * @discard: forget everything saved: the run is done or cancelled
 * @launch: (nullable): for a run whose owner does the work itself (its
 *   own workers, a pipeline of them), rather than through job calls:
 *   called, instead of the parts' calls, on each start or resume. The
 *   owner then does the work (in blocking mode, on the spot, through
 *   ub_job_run_blocking()), reports with ub_run_set_progress(), ends
 *   the run with ub_run_complete() or ub_run_fail(), and follows the
 *   run's state through its notify::state: paused (a pause, or
 *   ub_run_stop() when the application quits) or cancelled (from the
 *   activity list), its work must stop.
 *
 * A run is one piece of work the application owns: a job with typed
 * parameters, split into parts that run side by side, one worker each.
 * The base class drives the parts and the state; a subclass knows its
 * job's parameters and progress.
 */
struct _UbRunClass
{
  GObjectClass parent_class;

  GVariant *(*dup_part_call) (UbRun       *self,
                              guint        part,
                              const char **job);
  void      (*part_progress) (UbRun       *self,
                              guint        part,
                              GVariant    *progress);
  void      (*part_finished) (UbRun       *self,
                              guint        part,
                              GVariant    *result);
  void      (*save)          (UbRun       *self);
  void      (*discard)       (UbRun       *self);
  void      (*launch)        (UbRun       *self);

  /*< private >*/
  gpointer padding[7];
};

void          ub_run_start            (UbRun       *self);
void          ub_run_pause            (UbRun       *self);
void          ub_run_resume           (UbRun       *self);
void          ub_run_toggle_pause     (UbRun       *self);
void          ub_run_cancel           (UbRun       *self);
void          ub_run_checkpoint       (UbRun       *self);
void          ub_run_stop             (UbRun       *self);

const char   *ub_run_get_key          (UbRun       *self);
const char   *ub_run_get_title        (UbRun       *self);
void          ub_run_set_title        (UbRun       *self,
                                       const char  *title);
const char   *ub_run_get_unit         (UbRun       *self);
const char   *ub_run_get_phase        (UbRun       *self);
UbRunState    ub_run_get_state        (UbRun       *self);
gboolean      ub_run_is_active        (UbRun       *self);
gboolean      ub_run_is_finished      (UbRun       *self);
gboolean      ub_run_get_blocking     (UbRun       *self);
guint         ub_run_get_n_parts      (UbRun       *self);
guint64       ub_run_get_done         (UbRun       *self);
guint64       ub_run_get_total        (UbRun       *self);
double        ub_run_get_fraction     (UbRun       *self);
double        ub_run_get_rate         (UbRun       *self);
double        ub_run_get_eta          (UbRun       *self);
gint64        ub_run_get_running_time (UbRun       *self);
const GError *ub_run_get_error        (UbRun       *self);
guint         ub_run_get_n_launches   (UbRun       *self);
UbWorkerPool *ub_run_get_pool         (UbRun       *self);

/* For subclasses */
void          ub_run_set_progress     (UbRun       *self,
                                       guint64      done,
                                       guint64      total);
void          ub_run_set_phase        (UbRun       *self,
                                       const char  *phase);
void          ub_run_fail             (UbRun        *self,
                                       const GError *error);
void          ub_run_complete         (UbRun       *self);

/* For tests */
void          ub_run_set_clock        (UbRun       *self,
                                       UbRunClock   clock,
                                       gpointer     user_data);

G_END_DECLS
