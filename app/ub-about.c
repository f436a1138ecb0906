/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "ub-about.h"
#include "ub-release-notes.h"

/* The newest release's notes, as AppStream description markup, built
 * from the metainfo's own paragraphs (ub-release-notes.h is generated from
 * it) and translated with the metainfo's messages. */
static char *
dup_release_notes (void)
{
  GString *markup = g_string_new (NULL);
  gboolean in_list = FALSE;

  for (gsize i = 0; i < G_N_ELEMENTS (ub_release_notes); i++)
    {
      gboolean item = ub_release_notes[i].kind == UB_RELEASE_NOTE_ITEM;
      g_autofree char *text = g_markup_escape_text (_(ub_release_notes[i].text), -1);

      if (item != in_list)
        g_string_append (markup, item ? "<ul>" : "</ul>");
      in_list = item;
      g_string_append_printf (markup, item ? "<li>%s</li>" : "<p>%s</p>", text);
    }
  if (in_list)
    g_string_append (markup, "</ul>");

  return g_string_free (markup, FALSE);
}

/* What a bug report needs: the versions the app runs with, and how. */
static char *
dup_debug_info (gboolean blocking)
{
  GString *info = g_string_new (NULL);
  GdkDisplay *display = gdk_display_get_default ();
  AdwStyleManager *style = adw_style_manager_get_default ();

  g_string_append_printf (info, "Unblock %s (%s)\n", PACKAGE_VERSION, APP_ID);
  g_string_append_printf (info, "GLib %u.%u.%u\n",
                          glib_major_version, glib_minor_version, glib_micro_version);
  g_string_append_printf (info, "GTK %u.%u.%u\n", gtk_get_major_version (),
                          gtk_get_minor_version (), gtk_get_micro_version ());
  g_string_append_printf (info, "libadwaita %u.%u.%u\n", adw_get_major_version (),
                          adw_get_minor_version (), adw_get_micro_version ());
  g_string_append_printf (info, "Display: %s\n",
                          display != NULL ? G_OBJECT_TYPE_NAME (display) : "none");
  g_string_append_printf (info, "Processors: %u\n", g_get_num_processors ());
  g_string_append_printf (info, "Style: %s%s\n",
                          adw_style_manager_get_dark (style) ? "dark" : "light",
                          adw_style_manager_get_high_contrast (style) ? ", high contrast" : "");
  g_string_append_printf (info, "Blocking mode: %s\n",
                          blocking ? "on" : "off");

  return g_string_free (info, FALSE);
}

/**
 * ub_about_present:
 * @parent: (nullable): the window to show it over
 * @blocking: whether blocking mode is on, for the debug information
 *
 * Shows the About window: the website and issue links, the newest
 * release's notes and what a bug report needs.
 */
void
ub_about_present (GtkWindow *parent,
                  gboolean   blocking)
{
  g_autofree char *debug_info = dup_debug_info (blocking);
  g_autofree char *notes = dup_release_notes ();
  const char *developers[] = { _("The Unblock developers"), NULL };
  AdwAboutWindow *about;

  about = ADW_ABOUT_WINDOW (adw_about_window_new ());
  gtk_window_set_transient_for (GTK_WINDOW (about), parent);
  adw_about_window_set_application_name (about, _("Unblock"));
  adw_about_window_set_application_icon (about, APP_ID);
  adw_about_window_set_version (about, PACKAGE_VERSION);
  adw_about_window_set_developer_name (about, _("The Unblock developers"));
  adw_about_window_set_developers (about, developers);
  adw_about_window_set_comments (about, _("Heavy work in worker threads, a user interface that never freezes."));
  adw_about_window_set_license_type (about, GTK_LICENSE_GPL_3_0);
  /* The translators' names, one a line, for the about window. */
  adw_about_window_set_translator_credits (about, _("translator-credits"));
  adw_about_window_set_website (about, UB_HOMEPAGE_URL);
  adw_about_window_set_issue_url (about, UB_ISSUE_URL);
  adw_about_window_set_release_notes_version (about, PACKAGE_VERSION);
  adw_about_window_set_release_notes (about, notes);
  adw_about_window_set_debug_info (about, debug_info);
  adw_about_window_set_debug_info_filename (about, "unblock-debug-info.txt");
  gtk_window_present (GTK_WINDOW (about));
}
