/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ub-base64.h"
#include "ub-data-job.h"
#include "ub-durable.h"
#include "ub-sha256.h"

G_BEGIN_DECLS

typedef enum
{
  ENDPOINT_NONE,   /* output only: kept in memory */
  ENDPOINT_FILE,
  ENDPOINT_FD,
  ENDPOINT_BYTES,  /* input only */
} EndpointKind;

/* Where a job's input comes from, or where its output goes. */
typedef struct
{
  EndpointKind  kind;
  char         *path;   /* (owned) for ENDPOINT_FILE */
  char         *name;   /* (owned) the name errors use */
  int           fd;     /* for ENDPOINT_FD (not owned) */
} Endpoint;

/* Owned by the thread that runs the job; nothing here is shared. */
struct _UbDataJob
{
  UbDataMode          mode;
  gsize               chunk_size;
  guint               wrap;
  UbDataProgressFunc  progress_func;
  gpointer            progress_data;

  Endpoint            in;
  GBytes             *in_bytes;       /* (owned) for ENDPOINT_BYTES */

  Endpoint            out;
  GString            *out_memory;     /* (owned) for ENDPOINT_NONE; a GString
                                       * because its length is a gsize */

  /* Resuming */
  gboolean            resume;
  UbDataCheckpoint    resume_point;
  char               *resume_partial; /* (owned) (nullable): must be a partial
                                       * output of the app's (see ub-durable.h) */

  /* A named partial output in the app's cache, kept when a run stops */
  char               *partial_output; /* (owned) (nullable) */
  /* Or: the partial output the destination's temporary file becomes if
   * the run is cancelled, and only then */
  char               *keep_partial;   /* (owned) (nullable) */

  /* State of a run */
  UbBase64Encoder     encoder;
  UbBase64Decoder     decoder;
  UbSha256            sha;
  UbDurableFile      *out_file;       /* (owned) (nullable) for ENDPOINT_FILE */
  guint64             bytes_read;     /* from the start of the stream */
  guint64             bytes_written;  /* from the start of the output */
  gint64              error_offset;
  guint8              digest[UB_SHA256_DIGEST_SIZE];
  char                digest_hex[UB_SHA256_HEX_SIZE];
  gboolean            have_digest;

  /* Preview: the first and the last preview_size bytes of the output */
  gsize               preview_size;
  guint8             *head;           /* (owned) */
  gsize               head_len;
  guint8             *tail;           /* (owned) a ring of preview_size bytes */
  gsize               tail_pos;       /* where the next byte goes */
  guint64             preview_total;  /* output bytes the preview has seen */
};

G_END_DECLS
