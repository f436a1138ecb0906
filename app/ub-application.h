/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define UB_TYPE_APPLICATION (ub_application_get_type ())

G_DECLARE_FINAL_TYPE (UbApplication, ub_application, UB, APPLICATION, AdwApplication)

/**
 * UbNotice:
 * @id: the notification's id: a later one with the same id replaces it
 * @title: its title
 * @body: (nullable): its text
 * @default_action: (nullable): the detailed action its activation runs
 * @button_label: (nullable): the label of its one button
 * @button_action: (nullable): the detailed action the button runs
 *
 * A desktop notification, as the application describes it.
 */
typedef struct
{
  const char *id;
  const char *title;
  const char *body;
  const char *default_action;
  const char *button_label;
  const char *button_action;
} UbNotice;

/**
 * UbNoticeSink:
 *
 * Where notifications go: the desktop by default, a test's list in tests.
 */
typedef void (*UbNoticeSink) (UbApplication  *app,
                              const UbNotice *notice,
                              gpointer        user_data);

UbApplication *ub_application_new             (void);
void           ub_application_set_notice_sink (UbApplication *self,
                                               UbNoticeSink   sink,
                                               gpointer       user_data);
gboolean       ub_application_is_in_background (UbApplication *self);
gboolean       ub_application_get_blocking    (UbApplication *self);
int            ub_application_get_exit_status (UbApplication *self);

G_END_DECLS
