/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <math.h>

#include "ub-screenshot.h"
#include "ub-test-gtk.h"

/*
 * The meter's text stays legible in every style: in the light, dark and
 * high-contrast styles, its label, quiet and after a stall (when it turns
 * to the error colour), has a contrast of at least 4.5:1 (WCAG AA) with
 * what is drawn behind it. The background is read from the window as it
 * was rendered, the text's colour from the label's style.
 */

#define MIN_CONTRAST 4.5

/* The relative luminance of WCAG 2. */
static double
channel_luminance (double c)
{
  return c <= 0.03928 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4);
}

static double
luminance (const GdkRGBA *colour)
{
  return 0.2126 * channel_luminance (colour->red) +
         0.7152 * channel_luminance (colour->green) +
         0.0722 * channel_luminance (colour->blue);
}

static double
contrast (const GdkRGBA *a,
          const GdkRGBA *b)
{
  double la = luminance (a);
  double lb = luminance (b);

  return (MAX (la, lb) + 0.05) / (MIN (la, lb) + 0.05);
}

/* The colour most pixels of @widget's area have in a rendering of its
 * window: what its text is drawn on. */
static GdkRGBA
background_behind (GtkWidget *widget)
{
  GtkWidget *window = GTK_WIDGET (gtk_widget_get_root (widget));
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GHashTable) counts = g_hash_table_new (NULL, NULL);
  g_autofree guint32 *pixels = NULL;
  graphene_rect_t bounds;
  guint32 best = 0;
  guint best_count = 0;
  GHashTableIter iter;
  gpointer key, value;
  int width, height;
  int x0, y0, x1, y1;

  texture = ub_screenshot_render (window, &error);
  g_assert_no_error (error);
  width = gdk_texture_get_width (texture);
  height = gdk_texture_get_height (texture);
  pixels = g_new (guint32, (gsize) width * height);
  gdk_texture_download (texture, (guchar *) pixels, (gsize) width * 4);

  g_assert_true (gtk_widget_compute_bounds (widget, window, &bounds));
  x0 = CLAMP ((int) floor (bounds.origin.x), 0, width);
  y0 = CLAMP ((int) floor (bounds.origin.y), 0, height);
  x1 = CLAMP ((int) ceil (bounds.origin.x + bounds.size.width), 0, width);
  y1 = CLAMP ((int) ceil (bounds.origin.y + bounds.size.height), 0, height);
  g_assert_cmpint (x1 - x0, >, 0);
  g_assert_cmpint (y1 - y0, >, 0);

  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      {
        gpointer pixel = GUINT_TO_POINTER (pixels[(gsize) y * width + x]);
        guint count = GPOINTER_TO_UINT (g_hash_table_lookup (counts, pixel)) + 1;

        g_hash_table_insert (counts, pixel, GUINT_TO_POINTER (count));
      }

  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (GPOINTER_TO_UINT (value) > best_count)
      {
        best_count = GPOINTER_TO_UINT (value);
        best = GPOINTER_TO_UINT (key);
      }

  /* GDK_MEMORY_DEFAULT: premultiplied B, G, R, A in a native-endian word. */
  {
    double alpha = ((best >> 24) & 0xff) / 255.0;

    g_assert_cmpfloat (alpha, >, 0.99);
    return (GdkRGBA) { ((best >> 16) & 0xff) / 255.0, ((best >> 8) & 0xff) / 255.0,
                       (best & 0xff) / 255.0, 1.0 };
  }
}

/* @label's text colour, blended over @background as it is drawn. */
static GdkRGBA
text_colour (GtkWidget     *label,
             const GdkRGBA *background)
{
  GdkRGBA fg;
  double opacity = gtk_widget_get_opacity (label);

  gtk_style_context_get_color (gtk_widget_get_style_context (label), &fg);
  fg.alpha *= opacity;
  return (GdkRGBA) {
    fg.red * fg.alpha + background->red * (1 - fg.alpha),
    fg.green * fg.alpha + background->green * (1 - fg.alpha),
    fg.blue * fg.alpha + background->blue * (1 - fg.alpha),
    1.0,
  };
}

static GtkWidget *
find_label (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_INSCRIPTION (child))
      return child;
  return NULL;
}

/* The stimulus, not a wait: the loop held up for longer than any stall
 * the meter's last 10 s hold, so that its label changes and turns to the
 * error colour whatever it showed before. */
static gboolean
stall_main_loop (gpointer user_data)
{
  double longest = ub_meter_get_max_stall_ms (user_data);

  g_usleep ((gulong) ((longest + 60) * G_TIME_SPAN_MILLISECOND));
  return G_SOURCE_REMOVE;
}

static gboolean
label_shows_error (gpointer user_data)
{
  return gtk_widget_has_css_class (user_data, "error");
}

static void
check_label (GtkWidget  *label,
             const char *style,
             gboolean    quiet)
{
  const char *state = quiet ? "quiet" : "after a stall";
  GdkRGBA background, text;
  double ratio;

  ub_test_gtk_wait_painted (label, 3);
  /* The quiet colours: a stall in the last 10 s (switching the style may
   * have been one) is taken off until the meter's next update, and the
   * window is drawn at once, before that update. */
  if (quiet)
    gtk_widget_remove_css_class (label, "error");
  g_assert_cmpint (gtk_widget_has_css_class (label, "error"), ==, !quiet);
  background = background_behind (label);
  text = text_colour (label, &background);
  ratio = contrast (&text, &background);
  g_test_message ("%s style, %s: text (%.2f, %.2f, %.2f) on (%.2f, %.2f, %.2f): %.2f:1",
                  style, state, text.red, text.green, text.blue,
                  background.red, background.green, background.blue, ratio);
  g_assert_cmpfloat (ratio, >=, MIN_CONTRAST);
}

static void
check_style (UbMeter    *meter,
             GtkWidget  *label,
             const char *style)
{
  check_label (label, style, TRUE);

  /* A real stall turns the label to the error colour. */
  g_idle_add_full (G_PRIORITY_DEFAULT, stall_main_loop, meter, NULL);
  g_assert_true (ub_test_gtk_run_until (label_shows_error, label, 5000));
  check_label (label, style, FALSE);
}

static void
set_high_contrast (gboolean high_contrast)
{
  g_autoptr(GSettings) a11y = g_settings_new ("org.gnome.desktop.a11y.interface");

  g_settings_set_boolean (a11y, "high-contrast", high_contrast);
}

static gboolean
high_contrast_is (gpointer user_data)
{
  return adw_style_manager_get_high_contrast (adw_style_manager_get_default ()) ==
         GPOINTER_TO_INT (user_data);
}

static void
test_meter_contrast (void)
{
  static const struct
  {
    const char    *name;
    AdwColorScheme scheme;
    gboolean       high_contrast;
  } styles[] = {
    { "light", ADW_COLOR_SCHEME_FORCE_LIGHT, FALSE },
    { "dark", ADW_COLOR_SCHEME_FORCE_DARK, FALSE },
    { "high-contrast light", ADW_COLOR_SCHEME_FORCE_LIGHT, TRUE },
    { "high-contrast dark", ADW_COLOR_SCHEME_FORCE_DARK, TRUE },
  };
  AdwStyleManager *manager;
  GSettingsSchema *schema;
  UbWindow *window;
  GtkWidget *label;

  if (!ub_test_gtk_have_display ())
    return;

  window = ub_test_gtk_get_window ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  label = find_label (GTK_WIDGET (ub_window_get_meter (window)));
  g_assert_nonnull (label);
  manager = adw_style_manager_get_default ();

  /* libadwaita takes high contrast from the desktop's setting. */
  schema = g_settings_schema_source_lookup (g_settings_schema_source_get_default (),
                                            "org.gnome.desktop.a11y.interface", TRUE);
  if (schema == NULL)
    g_test_message ("No desktop settings: high contrast cannot be asked for");

  for (guint i = 0; i < G_N_ELEMENTS (styles); i++)
    {
      if (styles[i].high_contrast && schema == NULL)
        continue;
      if (schema != NULL)
        {
          set_high_contrast (styles[i].high_contrast);
          g_assert_true (ub_test_gtk_run_until (high_contrast_is,
                                                GINT_TO_POINTER (styles[i].high_contrast), 5000));
        }
      adw_style_manager_set_color_scheme (manager, styles[i].scheme);
      g_assert_cmpint (adw_style_manager_get_dark (manager), ==,
                       styles[i].scheme == ADW_COLOR_SCHEME_FORCE_DARK);
      check_style (ub_window_get_meter (window), label, styles[i].name);
    }

  if (schema != NULL)
    set_high_contrast (FALSE);
  g_clear_pointer (&schema, g_settings_schema_unref);
  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_DEFAULT);
}

int
main (int    argc,
      char **argv)
{
  ub_test_gtk_init (&argc, &argv);

  g_test_summary ("The meter's text is legible in the light, dark and high-contrast styles");

  g_test_add_func ("/style/meter-contrast", test_meter_contrast);

  return g_test_run ();
}
