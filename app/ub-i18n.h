/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <libintl.h>
#include <locale.h>

#include "config.h"

G_BEGIN_DECLS

/*
 * ub_i18n_init:
 *
 * Takes the user's locale and binds the text domain, which the workers'
 * messages share with the app and the CLI: called first thing in main(),
 * before any worker can build a message. `UNBLOCK_LOCALEDIR` points it at
 * another tree of catalogues, such as the build's po/ folder in the tests.
 */
static inline void
ub_i18n_init (void)
{
  const char *dir = g_getenv ("UNBLOCK_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, dir != NULL && *dir != '\0' ? dir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

G_END_DECLS
