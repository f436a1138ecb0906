/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "ub-resume-bar.h"

/*
 * The strip a page shows when it finds unfinished work from an earlier
 * run: "Counting primes in [0, 10^12] — 63 % done.  [Resume] [Discard]".
 * It emits "resume" or "discard" and hides itself. When the saved work
 * cannot be resumed (its input changed, its checkpoint does not fit), it
 * says why and offers "Start over" instead, which also emits "resume":
 * the page's offered run is then a fresh one.
 */

struct _UbResumeBar
{
  GtkWidget  parent_instance;

  GtkWidget *revealer;
  GtkWidget *label;
  GtkWidget *resume;
};

G_DEFINE_FINAL_TYPE (UbResumeBar, ub_resume_bar, GTK_TYPE_WIDGET)

enum {
  RESUME,
  DISCARD,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
on_resume (UbResumeBar *self)
{
  ub_resume_bar_hide (self);
  g_signal_emit (self, signals[RESUME], 0);
}

static void
on_discard (UbResumeBar *self)
{
  ub_resume_bar_hide (self);
  g_signal_emit (self, signals[DISCARD], 0);
}

static void
ub_resume_bar_dispose (GObject *object)
{
  UbResumeBar *self = UB_RESUME_BAR (object);

  g_clear_pointer (&self->revealer, gtk_widget_unparent);

  G_OBJECT_CLASS (ub_resume_bar_parent_class)->dispose (object);
}

static void
ub_resume_bar_class_init (UbResumeBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ub_resume_bar_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "resumebar");

  signals[RESUME] = g_signal_new ("resume", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[DISCARD] = g_signal_new ("discard", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ub_resume_bar_init (UbResumeBar *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *resume = gtk_button_new_with_mnemonic (_("_Resume"));

  self->resume = resume;
  GtkWidget *discard = gtk_button_new_with_mnemonic (_("_Discard"));

  self->label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->label), 0);
  gtk_widget_set_hexpand (self->label, TRUE);
  gtk_widget_add_css_class (resume, "suggested-action");
  g_signal_connect_swapped (resume, "clicked", G_CALLBACK (on_resume), self);
  g_signal_connect_swapped (discard, "clicked", G_CALLBACK (on_discard), self);

  gtk_box_append (GTK_BOX (box), self->label);
  gtk_box_append (GTK_BOX (box), resume);
  gtk_box_append (GTK_BOX (box), discard);
  gtk_widget_add_css_class (box, "resume-bar");

  self->revealer = gtk_revealer_new ();
  gtk_revealer_set_child (GTK_REVEALER (self->revealer), box);
  gtk_widget_set_parent (self->revealer, GTK_WIDGET (self));
}

GtkWidget *
ub_resume_bar_new (void)
{
  return g_object_new (UB_TYPE_RESUME_BAR, NULL);
}

/**
 * ub_resume_bar_offer:
 * @message: what would be resumed and how far it got
 *
 * Shows the bar.
 */
void
ub_resume_bar_offer (UbResumeBar *self,
                     const char  *message)
{
  g_return_if_fail (UB_IS_RESUME_BAR (self));

  gtk_button_set_label (GTK_BUTTON (self->resume), _("_Resume"));
  gtk_label_set_text (GTK_LABEL (self->label), message);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->revealer), TRUE);
}

/**
 * ub_resume_bar_offer_start_over:
 * @message: what was saved and why it cannot be resumed
 *
 * Shows the bar with "Start over" in place of "Resume".
 */
void
ub_resume_bar_offer_start_over (UbResumeBar *self,
                                const char  *message)
{
  g_return_if_fail (UB_IS_RESUME_BAR (self));

  ub_resume_bar_offer (self, message);
  gtk_button_set_label (GTK_BUTTON (self->resume), _("_Start over"));
}

/**
 * ub_resume_bar_get_action_label:
 *
 * Returns: (transfer none): the label of the button that emits "resume"
 */
const char *
ub_resume_bar_get_action_label (UbResumeBar *self)
{
  g_return_val_if_fail (UB_IS_RESUME_BAR (self), NULL);

  return gtk_button_get_label (GTK_BUTTON (self->resume));
}

void
ub_resume_bar_hide (UbResumeBar *self)
{
  g_return_if_fail (UB_IS_RESUME_BAR (self));

  gtk_revealer_set_reveal_child (GTK_REVEALER (self->revealer), FALSE);
}

gboolean
ub_resume_bar_is_offered (UbResumeBar *self)
{
  g_return_val_if_fail (UB_IS_RESUME_BAR (self), FALSE);

  return gtk_revealer_get_reveal_child (GTK_REVEALER (self->revealer));
}

const char *
ub_resume_bar_get_message (UbResumeBar *self)
{
  g_return_val_if_fail (UB_IS_RESUME_BAR (self), NULL);

  return gtk_label_get_text (GTK_LABEL (self->label));
}
