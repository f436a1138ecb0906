/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "ub-application.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(UbApplication) app = NULL;
  int status;

  setlocale (LC_ALL, "");
  g_set_prgname ("unblock");
  g_set_application_name ("Unblock");

  app = ub_application_new ();
  status = g_application_run (G_APPLICATION (app), argc, argv);

  if (status == 0)
    status = ub_application_get_exit_status (app);

  return status;
}
