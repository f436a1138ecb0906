/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ub-buffer.h"
#include "ub-message.h"
#include "ub-png.h"

G_BEGIN_DECLS

/*
 * A worker-to-worker pipeline: PNG files are decoded by a "decoder" worker
 * and downscaled by a "scaler" worker. The owner creates a channel and
 * transfers one port to each worker, so the full-size pixels go from one
 * worker to the other (transferred, never copied) without passing through
 * the owner's thread; the owner only posts file names and receives the
 * small results.
 *
 * Protocol (all bodies are registered, so a wrong one is a messageerror):
 *
 *   owner → decoder/scaler/single  "pipeline.setup" (su): control channel
 *           name ("" for none), largest side of a result; decoder and
 *           scaler get the channel's port in the transfer list
 *   owner → decoder/single  "pipeline.decode" (uus): run, index, path
 *   decoder → scaler        "pipeline.frame" (uuuu): run, index, width,
 *           height; the RGBA8 pixels as a transferred buffer
 *   decoder → scaler        "pipeline.skip" (uus): run, index, why
 *   scaler → decoder        "pipeline.credit" (u): run; one per frame or
 *           skip taken, so that at most UB_PIPELINE_WINDOW frames are in
 *           flight between the workers
 *   scaler/single → owner   "pipeline.result" (uuuuuut): run, index,
 *           width, height, source width, source height, bytes the frame
 *           carried between the workers; the RGBA8 pixels transferred
 *   scaler/single → owner   "pipeline.error" (uus): run, index, why
 *
 * Control, on a UbBroadcastChannel (UB_PIPELINE_CONTROL_CHANNEL in the app):
 *
 *   "pipeline.pause", "pipeline.resume" (no body); "pipeline.cancel" (u):
 *   drop all work of runs up to and including this one. Every pipeline
 *   worker answers on the same channel with "pipeline.ack" (ss): its role
 *   ("decoder", "scaler", "single") and the command it applied ("pause",
 *   "resume", "cancel"). A worker also posts "ready" as soon as it listens
 *   on the channel: a command posted before that did not reach it, so a
 *   controller that is paused says so again.
 */

#define UB_PIPELINE_DECODER_KIND    "pipeline.decoder"
#define UB_PIPELINE_SCALER_KIND     "pipeline.scaler"
#define UB_PIPELINE_SINGLE_KIND     "pipeline.single"
#define UB_PIPELINE_CONTROL_CHANNEL "unblock.control"

/* The workers' names in the runtime snapshot; the decoder → scaler channel's
 * ports are labelled "pipeline decode → scale" and "pipeline scale ← decode". */
#define UB_PIPELINE_DECODER_NAME    "pipeline decode"
#define UB_PIPELINE_SCALER_NAME     "pipeline scale"
#define UB_PIPELINE_SINGLE_NAME     "pipeline decode+scale"
#define UB_PIPELINE_WINDOW          3

#define UB_PIPELINE_PAUSE  "pipeline.pause"
#define UB_PIPELINE_RESUME "pipeline.resume"
#define UB_PIPELINE_CANCEL "pipeline.cancel"
#define UB_PIPELINE_ACK    "pipeline.ack"

/**
 * UbPipelineMode:
 * @UB_PIPELINE_TWO_WORKERS: decoder → scaler, linked by a transferred channel
 * @UB_PIPELINE_ONE_WORKER: decode and scale inside one worker (the reference)
 */
typedef enum
{
  UB_PIPELINE_TWO_WORKERS,
  UB_PIPELINE_ONE_WORKER,
} UbPipelineMode;

/**
 * UbPipelineStats:
 * @n_posted: images posted in the current run
 * @n_results: results received in the current run
 * @n_errors: images that failed in the current run
 * @owner_bytes: bytes that crossed the owner's thread (requests posted and
 *   results received, bodies and buffers), since the pipeline was made
 * @between_bytes: bytes that went from one worker to the other, as the
 *   scaler reported them, since the pipeline was made
 * @owner_messages: messages the owner posted or received
 */
typedef struct
{
  guint   n_posted;
  guint   n_results;
  guint   n_errors;
  guint64 owner_bytes;
  guint64 between_bytes;
  guint64 owner_messages;
} UbPipelineStats;

/* The decode and the scale as one job, for blocking mode: parameters
 * (su) path, largest side; result ((uu)(uu)ay) the result's width and
 * height, the source's width and height, RGBA8 pixels. */
#define UB_PIPELINE_JOB_DECODE_SCALE      "pipeline.decode-scale"
#define UB_PIPELINE_JOB_DECODE_SCALE_TYPE "(su)"

void        ub_pipeline_register          (void);
void        ub_pipeline_job_register      (void);
GVariant   *ub_pipeline_decode_scale_params_new   (const char *path,
                                                   guint       max_size);
GBytes     *ub_pipeline_decode_scale_result_parse (GVariant   *result,
                                                   guint32    *width,
                                                   guint32    *height,
                                                   guint32    *source_width,
                                                   guint32    *source_height);
gboolean    ub_pipeline_ack_parse         (UbMessage         *message,
                                           const char       **role,
                                           const char       **command);

UbPngImage *ub_pipeline_scale             (const UbPngImage  *source,
                                           guint              max_size,
                                           UbPngPool         *pool);
UbPngImage *ub_pipeline_decode_scale_file (const char        *path,
                                           guint              max_size,
                                           guint32           *source_width,
                                           guint32           *source_height,
                                           GCancellable      *cancellable,
                                           GError           **error);

#define UB_TYPE_PIPELINE (ub_pipeline_get_type ())

G_DECLARE_FINAL_TYPE (UbPipeline, ub_pipeline, UB, PIPELINE, GObject)

UbPipeline *ub_pipeline_new               (UbPipelineMode     mode,
                                           guint              max_size,
                                           const char        *control_name,
                                           GError           **error);
UbPipelineMode ub_pipeline_get_mode       (UbPipeline        *self);
guint       ub_pipeline_new_run           (UbPipeline        *self);
guint       ub_pipeline_get_run           (UbPipeline        *self);
guint       ub_pipeline_push              (UbPipeline        *self,
                                           const char        *path);
gboolean    ub_pipeline_is_idle           (UbPipeline        *self);
void        ub_pipeline_get_stats         (UbPipeline        *self,
                                           UbPipelineStats   *stats);
void        ub_pipeline_terminate         (UbPipeline        *self);

G_END_DECLS
