/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <pthread.h>

#include "ub-durable-private.h"

/*
 * The fault-injection seam of UbDurableFile (see ub-durable-private.h),
 * and the errno-to-GError helper every writer reports with.
 */

/* The seam: written by tests, read by every writer; fault_lock protects it. */
static pthread_mutex_t fault_lock = PTHREAD_MUTEX_INITIALIZER;
static UbDurableFault  fault_kind;
static guint64         fault_after;
static int             fault_errno;
static gboolean        tmpfile_disabled;   /* (atomic) */

void
_ub_durable_set_fault (UbDurableFault fault,
                       guint64        after_bytes,
                       int            error_number)
{
  pthread_mutex_lock (&fault_lock);
  fault_kind = fault;
  fault_after = after_bytes;
  fault_errno = error_number;
  pthread_mutex_unlock (&fault_lock);
}

void
_ub_durable_clear_fault (void)
{
  _ub_durable_set_fault (UB_DURABLE_FAULT_NONE, 0, 0);
}

void
_ub_durable_set_use_tmpfile (gboolean use_tmpfile)
{
  g_atomic_int_set (&tmpfile_disabled, !use_tmpfile);
}

gboolean
_ub_durable_get_use_tmpfile (void)
{
  return !g_atomic_int_get (&tmpfile_disabled);
}

/* The errno the seam injects into @fault, or 0. A write fault also says
 * how many of the bytes may still be written (@allowed). */
int
_ub_durable_injected (UbDurableFault  fault,
                      guint64         offset,
                      gsize           len,
                      gsize          *allowed)
{
  int errsv = 0;

  pthread_mutex_lock (&fault_lock);
  if (fault_kind == fault)
    {
      if (fault != UB_DURABLE_FAULT_WRITE)
        {
          errsv = fault_errno;
          fault_kind = UB_DURABLE_FAULT_NONE;   /* once */
        }
      else if (offset + len > fault_after)
        {
          errsv = fault_errno;
          *allowed = offset >= fault_after ? 0 : (gsize) (fault_after - offset);
        }
    }
  pthread_mutex_unlock (&fault_lock);

  return errsv;
}

/**
 * ub_set_error_from_errno:
 * @error: return location for a #GError
 * @saved_errno: the errno the failure left
 * @format: what failed, printf-style; ": " and the system's reason follow
 *
 * Sets a %G_IO_ERROR whose code matches @saved_errno.
 */
void
ub_set_error_from_errno (GError     **error,
                         int          saved_errno,
                         const char  *format,
                         ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               "%s: %s", what, g_strerror (saved_errno));
}

