/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What ub_number_parse_u64() accepts, for --help and the docs. */
#define UB_NUMBER_GRAMMAR \
  "Numbers are whole, from 0 to 2^64-1:\n" \
  "  expr   := term (('+' | '-') term)*       1e12+1e10, 2^64-1, 1-2+3\n" \
  "  term   := factor (('*' | 'x') factor)*   3*10^9\n" \
  "  factor := number ('e' digits | '^' digits)?\n" \
  "                                           1e10, 1.5e9, 1.50e1, 10^10\n" \
  "  number := digits ('.' digits)? | '0x' hexdigits\n" \
  "                                           10000, 0x10 (= 16)\n" \
  "Digits may be grouped in threes by '_', ',', an apostrophe or a space\n" \
  "(10_000_000_000, 10,000,000,000); spaces may separate tokens; a\n" \
  "fraction is allowed only where the exponent makes the number whole.\n"

gboolean ub_number_parse_u64  (const char  *text,
                               guint64     *value,
                               GError     **error);
char    *ub_number_format_u64 (guint64      value);

G_END_DECLS
