/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "ub-data-page.h"
#include "ub-primes-page.h"
#include "ub-test-files.h"
#include "ub-test-gtk.h"

/*
 * What the GNOME HIG asks of the window, checked on the real one: the
 * primary menu's items, the About window's links and release notes,
 * validation that names the field and marks its entry, entries that look
 * read-only while a job runs, and forms that keep their width when their
 * options change.
 */

static GtkWidget *
template_child (GtkWidget  *widget,
                GType       type,
                const char *name)
{
  GObject *child = gtk_widget_get_template_child (widget, type, name);

  g_assert_nonnull (child);
  return GTK_WIDGET (child);
}

/* The primary menu's button: the header bar's "open-menu-symbolic" one. */
static GtkMenuButton *
find_primary_menu_button (GtkWidget *widget)
{
  if (GTK_IS_MENU_BUTTON (widget) &&
      g_strcmp0 (gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (widget)), "open-menu-symbolic") == 0)
    return GTK_MENU_BUTTON (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkMenuButton *found = find_primary_menu_button (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
collect_actions (GMenuModel *model,
                 GPtrArray  *actions)
{
  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autoptr(GMenuLinkIter) links = g_menu_model_iterate_item_links (model, i);
      char *action = NULL;

      if (g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_ACTION, "s", &action))
        g_ptr_array_add (actions, action);
      while (g_menu_link_iter_next (links))
        {
          g_autoptr(GMenuModel) linked = g_menu_link_iter_get_value (links);

          collect_actions (linked, actions);
        }
    }
}

static void
test_primary_menu (void)
{
  static const char *const wanted[] = {
    "app.reload", "win.show-help-overlay", "app.help", "app.about", "app.quit",
  };
  g_autoptr(GPtrArray) actions = g_ptr_array_new_with_free_func (g_free);
  UbWindow *window;
  GtkMenuButton *button;

  if (!ub_test_gtk_have_display ())
    return;

  window = ub_test_gtk_get_window ();
  button = find_primary_menu_button (GTK_WIDGET (window));
  g_assert_nonnull (button);
  g_assert_nonnull (gtk_menu_button_get_menu_model (button));
  collect_actions (gtk_menu_button_get_menu_model (button), actions);

  for (guint i = 0; i < G_N_ELEMENTS (wanted); i++)
    {
      const char *dot = strchr (wanted[i], '.');
      g_autofree char *prefix = g_strndup (wanted[i], dot - wanted[i]);
      /* "win." actions are the window's own, "app." ones the application's. */
      GActionGroup *group = g_str_equal (prefix, "win") ? G_ACTION_GROUP (window)
                                                        : G_ACTION_GROUP (ub_test_gtk_get_app ());
      gboolean listed = FALSE;

      for (guint k = 0; k < actions->len; k++)
        listed |= g_str_equal (actions->pdata[k], wanted[i]);
      g_test_message ("%s: %s", wanted[i], listed ? "in the menu" : "missing");
      g_assert_true (listed);

      g_assert_true (g_action_group_has_action (group, dot + 1));
      g_assert_true (g_action_group_get_action_enabled (group, dot + 1));
    }
}

/* The texts of the <p> and <li> of the metainfo's newest <release>. */
static GPtrArray *
metainfo_release_notes (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data",
                                                 APP_ID ".metainfo.xml.in", NULL);
  g_autofree char *xml = NULL;
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);
  const char *at, *end;

  g_assert_true (g_file_get_contents (path, &xml, NULL, NULL));
  at = strstr (xml, "<release ");
  g_assert_nonnull (at);
  end = strstr (at, "</release>");
  g_assert_nonnull (end);

  while ((at = strstr (at, "<")) != NULL && at < end)
    {
      gboolean p = g_str_has_prefix (at, "<p>");
      gboolean li = g_str_has_prefix (at, "<li>");
      const char *close;
      g_autofree char *raw = NULL;
      g_auto(GStrv) words = NULL;

      if (!p && !li)
        {
          at++;
          continue;
        }
      at += p ? 3 : 4;
      close = strstr (at, p ? "</p>" : "</li>");
      g_assert_nonnull (close);
      raw = g_strndup (at, close - at);
      words = g_strsplit_set (g_strstrip (raw), " \n\t", -1);
      g_ptr_array_add (texts, g_strjoinv (" ", words));
      at = close;
    }
  return texts;
}

static AdwAboutWindow *
find_about_window (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_ABOUT_WINDOW (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_ABOUT_WINDOW (window);
    }
  return NULL;
}

static void
test_about (void)
{
  g_autoptr(GPtrArray) texts = NULL;
  AdwAboutWindow *about;
  const char *notes;
  guint n_items = 0;

  if (!ub_test_gtk_have_display ())
    return;

  g_action_group_activate_action (G_ACTION_GROUP (ub_test_gtk_get_app ()), "about", NULL);
  about = find_about_window ();
  g_assert_nonnull (about);

  g_assert_cmpstr (adw_about_window_get_website (about), ==, UB_HOMEPAGE_URL);
  g_assert_cmpstr (adw_about_window_get_issue_url (about), ==, UB_ISSUE_URL);
  g_assert_true (g_str_has_prefix (adw_about_window_get_website (about), "https://"));
  g_assert_true (g_str_has_prefix (adw_about_window_get_issue_url (about), "https://"));
  g_assert_cmpstr (adw_about_window_get_version (about), ==, PACKAGE_VERSION);
  g_assert_cmpstr (adw_about_window_get_release_notes_version (about), ==, PACKAGE_VERSION);
  g_assert_nonnull (strstr (adw_about_window_get_debug_info (about), PACKAGE_VERSION));

  /* The notes are the metainfo's, every paragraph and item, in order. */
  notes = adw_about_window_get_release_notes (about);
  g_test_message ("release notes: %s", notes);
  texts = metainfo_release_notes ();
  g_assert_cmpuint (texts->len, >, 1);
  for (const char *at = notes; (at = strstr (at, "<li>")) != NULL; at++)
    n_items++;
  for (guint i = 0, from = 0; i < texts->len; i++)
    {
      g_autofree char *escaped = g_markup_escape_text (texts->pdata[i], -1);
      const char *found = strstr (notes + from, escaped);

      g_assert_nonnull (found);
      from = found - notes;
    }
  /* Every text but the lead paragraph is an item. */
  g_assert_cmpuint (n_items, ==, texts->len - 1);

  gtk_window_destroy (GTK_WINDOW (about));
}

static UbPrimesPage *
show_primes_page (void)
{
  return UB_PRIMES_PAGE (ub_test_gtk_show_page ("primes"));
}

static void
test_validation_names_field (void)
{
  static const struct
  {
    const char *from;
    const char *to;
    const char *field;
    gboolean    from_marked;
  } cases[] = {
    { "abc", "10", "From: ", TRUE },
    { "-5", "10", "From: ", TRUE },
    { "0", "abc", "To: ", FALSE },
    { "0", "2^64", "To: ", FALSE },
    { "10", "5", "To: ", FALSE },
  };
  UbPrimesPage *page;
  GtkWidget *from_entry, *to_entry;

  if (!ub_test_gtk_have_display ())
    return;

  page = show_primes_page ();
  from_entry = template_child (GTK_WIDGET (page), UB_TYPE_PRIMES_PAGE, "from_entry");
  to_entry = template_child (GTK_WIDGET (page), UB_TYPE_PRIMES_PAGE, "to_entry");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *message;

      ub_primes_page_set_input (page, cases[i].from, cases[i].to, FALSE, 1);
      g_assert_false (gtk_widget_has_css_class (from_entry, "error"));
      g_assert_false (gtk_widget_has_css_class (to_entry, "error"));

      ub_test_gtk_window_action ("start");
      message = ub_primes_page_get_error (page);
      g_test_message ("[%s, %s] → %s", cases[i].from, cases[i].to, message);
      g_assert_nonnull (message);
      g_assert_true (g_str_has_prefix (message, cases[i].field));
      g_assert_cmpint (gtk_widget_has_css_class (from_entry, "error"), ==, cases[i].from_marked);
      g_assert_cmpint (gtk_widget_has_css_class (to_entry, "error"), ==, !cases[i].from_marked);
      g_assert_cmpint (ub_primes_page_get_state (page), !=, UB_PRIMES_PAGE_RUNNING);
    }

  /* Editing the field clears its mark and the message. */
  gtk_editable_set_text (GTK_EDITABLE (to_entry), "50");
  g_assert_false (gtk_widget_has_css_class (to_entry, "error"));
  g_assert_null (ub_primes_page_get_error (page));
}

/* Until the page shows the run as running, or the run is over. */
static gboolean
entries_read_only (gpointer user_data)
{
  GtkWidget *entry = template_child (user_data, UB_TYPE_PRIMES_PAGE, "from_entry");

  return !gtk_editable_get_editable (GTK_EDITABLE (entry)) ||
         ub_primes_page_get_state (user_data) != UB_PRIMES_PAGE_RUNNING;
}

static gboolean
page_idle (gpointer user_data)
{
  return ub_primes_page_get_state (user_data) != UB_PRIMES_PAGE_RUNNING;
}

static void
assert_entry_looks (GtkWidget *entry,
                    gboolean   read_only)
{
  g_assert_cmpint (gtk_editable_get_editable (GTK_EDITABLE (entry)), ==, !read_only);
  /* It looks different (style.css dims it), not just behaves differently. */
  g_assert_cmpint (gtk_widget_has_css_class (entry, "read-only"), ==, read_only);
}

static void
test_read_only_while_running (void)
{
  UbPrimesPage *page;
  GtkWidget *from_entry, *to_entry, *mode_row;

  if (!ub_test_gtk_have_display ())
    return;

  page = show_primes_page ();
  from_entry = template_child (GTK_WIDGET (page), UB_TYPE_PRIMES_PAGE, "from_entry");
  to_entry = template_child (GTK_WIDGET (page), UB_TYPE_PRIMES_PAGE, "to_entry");
  mode_row = template_child (GTK_WIDGET (page), UB_TYPE_PRIMES_PAGE, "mode_row");
  assert_entry_looks (from_entry, FALSE);
  assert_entry_looks (to_entry, FALSE);

  /* A range no machine finishes before it is cancelled. */
  ub_primes_page_set_input (page, "1e12", "1e13", FALSE, 1);
  ub_test_gtk_window_action ("start");
  g_assert_true (ub_test_gtk_run_until (entries_read_only, page, 60000));
  g_assert_cmpint (ub_primes_page_get_state (page), ==, UB_PRIMES_PAGE_RUNNING);
  assert_entry_looks (from_entry, TRUE);
  assert_entry_looks (to_entry, TRUE);
  g_assert_false (gtk_widget_get_sensitive (mode_row));

  ub_test_gtk_window_action ("cancel");
  g_assert_true (ub_test_gtk_run_until (page_idle, page, 60000));
  assert_entry_looks (from_entry, FALSE);
  assert_entry_looks (to_entry, FALSE);
  g_assert_true (gtk_widget_get_sensitive (mode_row));
}

static gboolean
data_busy (gpointer user_data)
{
  return ub_page_is_busy (user_data);
}

static gboolean
data_idle (gpointer user_data)
{
  return !ub_page_is_busy (user_data);
}

/* The Data page: its size field and its text box stay as the running job
 * read them. */
static void
test_data_input_fixed_while_running (void)
{
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  GtkWidget *page, *size_spin, *input_view;

  if (!ub_test_gtk_have_display ())
    return;

  ub_test_gtk_new_window ();
  page = ub_test_gtk_show_page ("data");
  size_spin = template_child (page, UB_TYPE_DATA_PAGE, "size_spin");
  input_view = template_child (page, UB_TYPE_DATA_PAGE, "input_view");
  g_assert_true (gtk_widget_get_sensitive (size_spin));
  g_assert_true (gtk_text_view_get_editable (GTK_TEXT_VIEW (input_view)));

  /* Holes: a hash no machine finishes before it is cancelled. */
  path = ub_test_make_holes ((gint64) 64 << 30);
  dir = g_path_get_dirname (path);
  ub_data_page_set_input (UB_DATA_PAGE (page), path, 0, UB_DATA_MODE_SHA256);
  ub_test_gtk_window_action ("start");
  g_assert_true (ub_test_gtk_run_until (data_busy, page, 60000));
  g_assert_false (gtk_widget_get_sensitive (size_spin));
  g_assert_false (gtk_text_view_get_editable (GTK_TEXT_VIEW (input_view)));

  ub_test_gtk_window_action ("cancel");
  g_assert_true (ub_test_gtk_run_until (data_idle, page, 60000));
  g_assert_true (gtk_widget_get_sensitive (size_spin));
  g_assert_true (gtk_text_view_get_editable (GTK_TEXT_VIEW (input_view)));
  ub_test_remove_tree (dir);
}

static int
allocated_width (GtkWidget *widget)
{
  ub_test_gtk_wait_painted (GTK_WIDGET (ub_test_gtk_get_window ()), 2);
  return gtk_widget_get_width (widget);
}

static void
test_forms_keep_their_width (void)
{
  UbPrimesPage *primes;
  GtkWidget *data;
  GtkWidget *from_entry, *mode_row, *input_row, *op_row;
  int width;

  if (!ub_test_gtk_have_display ())
    return;

  primes = show_primes_page ();
  from_entry = template_child (GTK_WIDGET (primes), UB_TYPE_PRIMES_PAGE, "from_entry");
  mode_row = template_child (GTK_WIDGET (primes), UB_TYPE_PRIMES_PAGE, "mode_row");
  width = allocated_width (from_entry);
  g_assert_cmpint (width, >, 0);
  for (guint mode = 0; mode < 4; mode++)
    {
      adw_combo_row_set_selected (ADW_COMBO_ROW (mode_row), mode % 2 == 0 ? 1 : 0);
      g_test_message ("Primes, mode %u: From is %d px wide", mode % 2 == 0 ? 1 : 0,
                      allocated_width (from_entry));
      g_assert_cmpint (allocated_width (from_entry), ==, width);
    }

  data = ub_test_gtk_show_page ("data");
  input_row = template_child (data, UB_TYPE_DATA_PAGE, "input_dropdown");
  op_row = template_child (data, UB_TYPE_DATA_PAGE, "op_dropdown");
  width = allocated_width (op_row);
  g_assert_cmpint (width, >, 0);
  for (guint input = 0; input < 3; input++)
    for (guint op = 0; op < 3; op++)
      {
        adw_combo_row_set_selected (ADW_COMBO_ROW (input_row), input);
        adw_combo_row_set_selected (ADW_COMBO_ROW (op_row), op);
        g_test_message ("Data, input %u, operation %u: the rows are %d and %d px wide",
                        input, op, allocated_width (input_row), allocated_width (op_row));
        g_assert_cmpint (allocated_width (input_row), ==, width);
        g_assert_cmpint (allocated_width (op_row), ==, width);
      }
  adw_combo_row_set_selected (ADW_COMBO_ROW (input_row), 0);
  adw_combo_row_set_selected (ADW_COMBO_ROW (op_row), 0);
}

int
main (int    argc,
      char **argv)
{
  ub_test_gtk_init (&argc, &argv);

  g_test_summary ("The HIG: the primary menu, About, validation, read-only entries, forms that keep still");

  g_test_add_func ("/hig/primary-menu", test_primary_menu);
  g_test_add_func ("/hig/about-links-and-notes", test_about);
  g_test_add_func ("/hig/validation-names-field", test_validation_names_field);
  g_test_add_func ("/hig/read-only-while-running", test_read_only_while_running);
  g_test_add_func ("/hig/data-input-fixed-while-running", test_data_input_fixed_while_running);
  g_test_add_func ("/hig/forms-keep-their-width", test_forms_keep_their_width);

  return g_test_run ();
}
