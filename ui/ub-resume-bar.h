/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define UB_TYPE_RESUME_BAR (ub_resume_bar_get_type ())

G_DECLARE_FINAL_TYPE (UbResumeBar, ub_resume_bar, UB, RESUME_BAR, GtkWidget)

GtkWidget *ub_resume_bar_new   (void);
void       ub_resume_bar_offer (UbResumeBar *self,
                                const char  *message);
void       ub_resume_bar_offer_start_over (UbResumeBar *self,
                                           const char  *message);
void       ub_resume_bar_hide  (UbResumeBar *self);
const char *ub_resume_bar_get_action_label (UbResumeBar *self);
gboolean   ub_resume_bar_is_offered (UbResumeBar *self);
const char *ub_resume_bar_get_message (UbResumeBar *self);

G_END_DECLS
