/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * UbDurableFile: the one way Unblock writes a file.
 *
 * A regular destination is written to a file of its own — unnamed
 * (O_TMPFILE) where the file system has that, else a hidden temporary name
 * in the destination's folder — fsync()ed, given the mode of the file it
 * replaces, put in place in one rename and the folder fsync()ed. A reader
 * sees the old file or the complete new one; a process killed half-way
 * leaves nothing behind with O_TMPFILE, and a temporary name that
 * ub_durable_remove_stale() removes at the next start otherwise.
 *
 * A FIFO, a character device, a socket or anything under /dev or /proc
 * (/dev/stdout) is written straight into, as coreutils does: it is never
 * replaced. A folder, or the very file the job reads, is refused before
 * any work starts.
 *
 * A partial file (ub_durable_file_new_partial()) is a named file the caller
 * keeps between runs, in the app's cache folder, so that a stopped job can
 * append to it later; committing moves it into place the same way. A job
 * writes its destination's temporary file and, only when it stops to be
 * resumed, keeps what it wrote as a partial file
 * (ub_durable_file_keep_partial()).
 *
 * Threads: a UbDurableFile belongs to the thread that uses it.
 */

typedef struct _UbDurableFile UbDurableFile;

UbDurableFile *ub_durable_file_new           (const char     *path,
                                              const char     *source,
                                              GError        **error);
UbDurableFile *ub_durable_file_new_partial   (const char     *path,
                                              const char     *partial,
                                              guint64         resume_at,
                                              const char     *source,
                                              GError        **error);
gboolean       ub_durable_file_write         (UbDurableFile  *file,
                                              const void     *data,
                                              gsize           len,
                                              GError        **error);
gboolean       ub_durable_file_flush         (UbDurableFile  *file,
                                              GError        **error);
gboolean       ub_durable_file_commit        (UbDurableFile  *file,
                                              GError        **error);
gboolean       ub_durable_file_keep_partial  (UbDurableFile  *file,
                                              const char     *partial,
                                              gboolean        allow_copy,
                                              GError        **error);
void           ub_durable_file_free          (UbDurableFile  *file);

gboolean       ub_durable_file_is_direct     (UbDurableFile  *file);
guint64        ub_durable_file_get_size      (UbDurableFile  *file);
const char    *ub_durable_file_get_name      (UbDurableFile  *file);

gboolean       ub_durable_write_bytes        (const char     *path,
                                              GBytes         *contents,
                                              GError        **error);
gboolean       ub_durable_copy               (const char     *source,
                                              const char     *path,
                                              GCancellable   *cancellable,
                                              GError        **error);
gboolean       ub_durable_check_destination  (const char     *path,
                                              const char     *source,
                                              GError        **error);
void           ub_durable_remove_stale       (void);
void           ub_durable_remove_for_signal  (void);

char          *ub_durable_dup_partial_path   (const char     *name);
gboolean       ub_durable_is_partial_path    (const char     *path);
gboolean       ub_durable_remove_partial     (const char     *name);
gboolean       ub_durable_sync_folder        (const char     *dir,
                                              GError        **error);

void           ub_set_error_from_errno       (GError        **error,
                                              int             saved_errno,
                                              const char     *format,
                                              ...) G_GNUC_PRINTF (3, 4);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UbDurableFile, ub_durable_file_free)

G_END_DECLS
