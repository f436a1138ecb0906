/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The messages the pipeline's owner (ub-pipeline.c) and its workers
 * (ub-pipeline-worker.c) exchange; their bodies are registered by
 * ub_pipeline_register(). Not installed; not part of the public API. */

#define KIND_SETUP  "pipeline.setup"
#define KIND_DECODE "pipeline.decode"
#define KIND_FRAME  "pipeline.frame"
#define KIND_SKIP   "pipeline.skip"
#define KIND_CREDIT "pipeline.credit"
#define KIND_RESULT "pipeline.result"
#define KIND_ERROR  "pipeline.error"
