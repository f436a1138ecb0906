/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sys/types.h>

#include "ub-durable.h"

G_BEGIN_DECLS

/*
 * The fault-injection seam of UbDurableFile, for tests only: the next
 * operation of the given kind, in any thread, fails with @error_number as
 * the system call would have. For %UB_DURABLE_FAULT_WRITE the first
 * @after_bytes bytes of a file are written and the write that would go
 * past them fails (a disk that fills up part-way); the fault then stays
 * until cleared, as a full disk does.
 */
typedef enum
{
  UB_DURABLE_FAULT_NONE,
  UB_DURABLE_FAULT_WRITE,   /* write(2) */
  UB_DURABLE_FAULT_SYNC,    /* fsync(2) of the file */
  UB_DURABLE_FAULT_COMMIT,  /* putting the file in place (linkat, rename) */
  UB_DURABLE_FAULT_SYNC_FOLDER,  /* fsync(2) of the folder, once the file is in place */
} UbDurableFault;

void _ub_durable_set_fault        (UbDurableFault  fault,
                                   guint64         after_bytes,
                                   int             error_number);
void _ub_durable_clear_fault      (void);

/* Makes new files use the named-temporary fallback, as on a file system
 * without O_TMPFILE. */
void     _ub_durable_set_use_tmpfile (gboolean        use_tmpfile);
gboolean _ub_durable_get_use_tmpfile (void);

/* For ub-durable.c: the errno the seam injects into @fault now, or 0. */
int      _ub_durable_injected        (UbDurableFault  fault,
                                      guint64         offset,
                                      gsize           len,
                                      gsize          *allowed);

/* Whether @name is a temporary name UbDurableFile makes. */
gboolean _ub_durable_is_temporary_name (const char *name);

/* Shared by ub-durable.c and ub-durable-names.c (see there). */
#define TEMP_INFIX  ".ubtmp-"
#define TEMP_RANDOM 6

char    *_ub_durable_cache_subdir         (const char  *sub);
char    *_ub_durable_register_temporary   (const char  *temp);
void     _ub_durable_unregister_temporary (char       **marker);
int      _ub_durable_live_add             (const char  *path,
                                           const char  *marker);
void     _ub_durable_live_remove          (int         *slot);

/* UbDurableFile's internals, shared by ub-durable.c (opening, writing)
 * and ub-durable-commit.c (putting the file in place). A UbDurableFile
 * belongs to one thread at a time. */
#define UB_DURABLE_BUFFER_SIZE (256 * 1024)

typedef enum
{
  UB_DURABLE_KIND_TEMPORARY,  /* O_TMPFILE or a hidden name, renamed into place */
  UB_DURABLE_KIND_PARTIAL,    /* a named partial file in the cache, renamed into place */
  UB_DURABLE_KIND_DIRECT,     /* written straight into the destination */
} UbDurableKind;

struct _UbDurableFile
{
  UbDurableKind  kind;
  char          *name;       /* (owned) the destination as given, for messages */
  char          *target;     /* (owned) the file to replace (links followed) */
  char          *dir;        /* (owned) the folder of target */
  char          *temp_path;  /* (owned) (nullable) the hidden name, once there is one */
  char          *marker;     /* (owned) (nullable) the registration of temp_path */
  int            live_slot;  /* in live_slots while temp_path exists, or -1 */
  char          *partial;    /* (owned) (nullable) for UB_DURABLE_KIND_PARTIAL */
  char          *kept;       /* (owned) (nullable) a partial name linked to this very
                              * file by ub_durable_file_keep_partial(): removed
                              * once the file is in place */
  int            fd;
  gboolean       keep_mode;
  mode_t         mode;       /* of the replaced file, when keep_mode */
  guint64        size;       /* bytes in the file, buffered ones included */
  guint8        *buffer;     /* (owned) */
  gsize          buffered;
  gboolean       failed;     /* a write failed: commit refuses */
  gboolean       committed;
};

G_END_DECLS
