/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define UB_ERROR (ub_error_quark ())

/**
 * UbError:
 * @UB_ERROR_TERMINATED: the worker was terminated before it replied
 * @UB_ERROR_NO_SUCH_METHOD: a remote call named a method the worker does not expose
 * @UB_ERROR_DETACHED: the object was transferred away and can no longer be used
 * @UB_ERROR_CLOSED: the port or channel is closed
 * @UB_ERROR_FULL: a bounded channel is full and the caller may not wait
 * @UB_ERROR_INVALID_DATA: input data is malformed (bad PNG, bad base64, …)
 * @UB_ERROR_TOO_LARGE: input exceeds a configured limit
 * @UB_ERROR_FAILED: any other failure
 * @UB_ERROR_DATA_CLONE: a message could not be posted as given (the web's
 *   `DataCloneError`): its transfer list names the sending port or its
 *   entangled peer, an object twice, or an object already transferred
 * @UB_ERROR_RESERVED_KIND: a message kind uses the prefix `ub.`, which the
 *   runtime keeps for its own messages
 * @UB_ERROR_UNTRUSTED: a file read back does not carry the seal of this
 *   installation (see #UbSeal): it was edited, forged or made elsewhere
 *
 * Errors raised by Unblock's runtime and jobs.
 */
typedef enum
{
  UB_ERROR_TERMINATED,
  UB_ERROR_NO_SUCH_METHOD,
  UB_ERROR_DETACHED,
  UB_ERROR_CLOSED,
  UB_ERROR_FULL,
  UB_ERROR_INVALID_DATA,
  UB_ERROR_TOO_LARGE,
  UB_ERROR_FAILED,
  UB_ERROR_DATA_CLONE,
  UB_ERROR_RESERVED_KIND,
  UB_ERROR_UNTRUSTED,
} UbError;

GQuark ub_error_quark (void);

G_END_DECLS
