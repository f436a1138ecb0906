/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * UbCliFractionFunc:
 * @progress: (transfer none): a progress report of the job
 *
 * Reads how far a job is from one of its progress reports.
 *
 * Returns: the fraction done, from 0 to 1, or a negative number when it
 *   is not known
 */
typedef double (*UbCliFractionFunc) (GVariant *progress);

/* The exit status of a sub-command that a signal stopped. */
#define UB_CLI_EXIT_SIGNAL(signal_number) (128 + (signal_number))

GVariant *ub_cli_run_job (const char         *name,
                          GVariant           *params,
                          UbCliFractionFunc   fraction,
                          int                *signal_number,
                          GError            **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean  ub_cli_signal_is_ignored (int                 signal_number);

G_END_DECLS
