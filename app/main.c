/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "ub-application.h"
#include "ub-i18n.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(UbApplication) app = NULL;
  int status;

  ub_i18n_init ();
  g_set_prgname ("unblock");
  g_set_application_name (_("Unblock"));

  app = ub_application_new ();
  status = g_application_run (G_APPLICATION (app), argc, argv);

  if (status == 0)
    status = ub_application_get_exit_status (app);

  return status;
}
