/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * A test binary's cases as a table, one row a case, registered in one
 * call: the mains of the tests then hold only what is their own.
 */

typedef struct
{
  const char *path;
  GTestFunc   func;
} UbTestCase;

static inline void
ub_test_add_cases (const UbTestCase *cases,
                   gsize             n_cases)
{
  for (gsize i = 0; i < n_cases; i++)
    g_test_add_func (cases[i].path, cases[i].func);
}

#define UB_TEST_ADD_CASES(cases) ub_test_add_cases ((cases), G_N_ELEMENTS (cases))

G_END_DECLS
