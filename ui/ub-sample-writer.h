/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "ub-run.h"
#include "ub-worker-pool.h"

G_BEGIN_DECLS

#define UB_TYPE_SAMPLE_WRITER (ub_sample_writer_get_type ())

G_DECLARE_FINAL_TYPE (UbSampleWriter, ub_sample_writer, UB, SAMPLE_WRITER, GObject)

UbSampleWriter *ub_sample_writer_new          (const char      *folder,
                                               guint            n_images,
                                               guint            size);
gboolean        ub_sample_writer_start        (UbSampleWriter  *self,
                                               UbWorkerPool    *pool,
                                               GError         **error);
void            ub_sample_writer_set_blocking (UbSampleWriter  *self,
                                               gboolean         blocking);
void            ub_sample_writer_cancel       (UbSampleWriter  *self);
void            ub_sample_writer_set_run_key  (UbSampleWriter  *self,
                                               const char      *key);
UbRun          *ub_sample_writer_get_run      (UbSampleWriter  *self);
void            ub_sample_writer_connect      (UbSampleWriter  *self,
                                               GCallback        on_progress,
                                               GCallback        on_done,
                                               GCallback        on_failed,
                                               gpointer         data);
void            ub_sample_writer_detach       (UbSampleWriter **writer,
                                               gpointer         data);
void            ub_sample_writer_clear        (UbSampleWriter **writer,
                                               gpointer         data);
const char     *ub_sample_writer_get_folder   (UbSampleWriter  *self);
guint           ub_sample_writer_get_n_images (UbSampleWriter  *self);
guint           ub_sample_writer_get_n_left   (UbSampleWriter  *self);
char           *ub_sample_writer_dup_path     (UbSampleWriter  *self,
                                               guint            index);
GStrv           ub_sample_writer_dup_paths    (UbSampleWriter  *self);

G_END_DECLS
