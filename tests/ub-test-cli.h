/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Helpers for the tests that run the built unblock-cli as a user would:
 * where it is, how to run it (or any other program) with a given standard
 * input, and what it printed.
 */

/**
 * UbTestCliResult:
 * @status: the exit code (a run asserts that the program exited normally)
 * @out: standard output, exactly, with a NUL byte after its end
 * @out_len: its length
 * @err: standard error, never %NULL
 */
typedef struct
{
  int    status;
  char  *out;
  gsize  out_len;
  char  *err;
} UbTestCliResult;

void        ub_test_cli_result_clear   (UbTestCliResult    *result);
GBytes     *ub_test_cli_result_dup_out (UbTestCliResult    *result);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (UbTestCliResult, ub_test_cli_result_clear)

const char *ub_test_cli_get_path       (void);
gboolean    ub_test_cli_found          (void);
void        ub_test_cli_skip_missing   (void);
GStrv       ub_test_cli_environ        (void);
void        ub_test_cli_reset_signals  (gpointer            user_data);
GStrv       ub_test_cli_argv           (const char         *first,
                                        ...) G_GNUC_NULL_TERMINATED;
void        ub_test_spawn              (UbTestCliResult    *result,
                                        const char * const *argv,
                                        const char * const *envp,
                                        GBytes             *input);
void        ub_test_cli_run            (UbTestCliResult    *result,
                                        GBytes             *input,
                                        const char         *first,
                                        ...) G_GNUC_NULL_TERMINATED;
void        ub_test_cli_run_valist     (UbTestCliResult    *result,
                                        GBytes             *input,
                                        const char         *first,
                                        va_list             args);
void        ub_test_assert_one_line    (const char         *err,
                                        const char         *naming);

G_END_DECLS
