/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ub-page.h"

G_BEGIN_DECLS

typedef enum
{
  UB_PRIMES_PAGE_IDLE,
  UB_PRIMES_PAGE_RUNNING,
  UB_PRIMES_PAGE_PAUSED,
  UB_PRIMES_PAGE_DONE,
} UbPrimesPageState;

#define UB_TYPE_PRIMES_PAGE (ub_primes_page_get_type ())

G_DECLARE_FINAL_TYPE (UbPrimesPage, ub_primes_page, UB, PRIMES_PAGE, UbPage)

GtkWidget         *ub_primes_page_new             (void);
UbPrimesPageState  ub_primes_page_get_state       (UbPrimesPage *self);
void               ub_primes_page_set_input       (UbPrimesPage *self,
                                                   const char   *from,
                                                   const char   *to,
                                                   gboolean      list,
                                                   guint         n_workers);
void               ub_primes_page_set_list_path   (UbPrimesPage *self,
                                                   const char   *path);
gboolean           ub_primes_page_get_result      (UbPrimesPage *self,
                                                   guint64      *count,
                                                   guint64      *done);
const char        *ub_primes_page_get_error       (UbPrimesPage *self);

G_END_DECLS
