/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "ub-png-sample.h"

/* Rows rendered per batch handed to the encoder. */
#define BATCH_ROWS 16

struct _UbPngSample
{
  guint32 width;
  guint32 height;
  guint32 seed;
  float  *ridge; /* (owned) per column: where the mountains meet the sky, in rows */
  float  *alpha; /* (owned) per column: the horizontal part of the alpha falloff */
  float   ridge_min, ridge_max;
};

static inline guint32
hash3 (guint32 x,
       guint32 y,
       guint32 seed)
{
  guint32 h = x * 0x8da6b343u ^ y * 0xd8163841u ^ seed * 0xcb1ab31fu;

  h ^= h >> 15;
  h *= 0x2c1b3c6du;
  h ^= h >> 12;
  h *= 0x297a2d39u;
  h ^= h >> 15;
  return h;
}

/* Lattice value in [0, 1). */
static inline float
lattice (gint32  x,
         gint32  y,
         guint32 seed)
{
  return (hash3 ((guint32) x, (guint32) y, seed) >> 8) * (1.0f / 16777216.0f);
}

static inline float
smooth (float t)
{
  return t * t * (3.0f - 2.0f * t);
}

static float
value_noise (float   x,
             float   y,
             guint32 seed)
{
  float fx = floorf (x), fy = floorf (y);
  gint32 ix = (gint32) fx, iy = (gint32) fy;
  float tx = smooth (x - fx), ty = smooth (y - fy);
  float a = lattice (ix, iy, seed), b = lattice (ix + 1, iy, seed);
  float c = lattice (ix, iy + 1, seed), d = lattice (ix + 1, iy + 1, seed);
  float top = a + (b - a) * tx;
  float bottom = c + (d - c) * tx;

  return top + (bottom - top) * ty;
}

/* Fractal sum of @octaves octaves, gain 1/2, lacunarity 2; in [0, 1). */
static float
fbm (float   x,
     float   y,
     int     octaves,
     guint32 seed)
{
  float sum = 0.0f, amplitude = 0.5f, norm = 0.0f;

  for (int i = 0; i < octaves; i++)
    {
      sum += amplitude * value_noise (x, y, seed + i * 0x9e3779b9u);
      norm += amplitude;
      amplitude *= 0.5f;
      x = x * 2.0f + 17.1f;
      y = y * 2.0f + 31.7f;
    }
  return sum / norm;
}

/*
 * fbm() along one row: out[x] = fbm (x_scale · x / width, y, …) for every
 * x. The lattice values of an octave only change when x crosses a cell
 * boundary, so they are hashed once per cell instead of once per pixel.
 * Same octave offsets as fbm(); the bilinear blend is taken in the other
 * order (y first), which only changes the last bits.
 */
static void
fbm_row (float   *out,
         guint32  width,
         float    x_scale,
         float    y,
         int      octaves,
         guint32  seed)
{
  float amplitude = 0.5f, norm = 0.0f;
  float a = x_scale / width, b = 0.0f;

  for (guint32 x = 0; x < width; x++)
    out[x] = 0.0f;

  for (int i = 0; i < octaves; i++)
    {
      guint32 octave_seed = seed + i * 0x9e3779b9u;
      float fy = floorf (y);
      gint32 iy = (gint32) fy;
      float ty = smooth (y - fy);
      gint32 cell = G_MININT32;
      float left = 0.0f, right = 0.0f;

      for (guint32 x = 0; x < width; x++)
        {
          float px = a * x + b;
          float fx = floorf (px);
          gint32 ix = (gint32) fx;

          if (ix != cell)
            {
              float l0 = lattice (ix, iy, octave_seed), l1 = lattice (ix, iy + 1, octave_seed);
              float r0 = lattice (ix + 1, iy, octave_seed), r1 = lattice (ix + 1, iy + 1, octave_seed);

              left = l0 + (l1 - l0) * ty;
              right = r0 + (r1 - r0) * ty;
              cell = ix;
            }
          out[x] += amplitude * (left + (right - left) * smooth (px - fx));
        }

      norm += amplitude;
      amplitude *= 0.5f;
      a *= 2.0f;
      b = b * 2.0f + 17.1f;
      y = y * 2.0f + 31.7f;
    }

  for (guint32 x = 0; x < width; x++)
    out[x] /= norm;
}

/**
 * ub_png_sample_new:
 * @width: in pixels, > 0
 * @height: in pixels, > 0
 * @seed: any value; the same seed gives the same image
 *
 * Returns: (transfer full): a sample image description
 */
UbPngSample *
ub_png_sample_new (guint32 width,
                   guint32 height,
                   guint64 seed)
{
  UbPngSample *s;

  g_return_val_if_fail (width > 0 && height > 0, NULL);

  s = g_new0 (UbPngSample, 1);
  s->width = width;
  s->height = height;
  s->seed = (guint32) (seed ^ (seed >> 32));
  s->ridge = g_new (float, width);
  s->alpha = g_new (float, width);

  for (guint32 x = 0; x < width; x++)
    {
      float u = (float) x / width;
      float e = fbm (u * 6.0f, 0.5f, 8, s->seed ^ 0x51u);
      float d = u - 0.5f;

      s->ridge[x] = height * (0.22f + 0.38f * e * e * 1.6f);
      s->alpha[x] = 1.0f - 1.6f * d * d;
      s->ridge_min = x == 0 ? s->ridge[x] : MIN (s->ridge_min, s->ridge[x]);
      s->ridge_max = x == 0 ? s->ridge[x] : MAX (s->ridge_max, s->ridge[x]);
    }

  return s;
}

void
ub_png_sample_free (UbPngSample *sample)
{
  if (sample == NULL)
    return;
  g_free (sample->ridge);
  g_free (sample->alpha);
  g_free (sample);
}

static inline guint8
clamp_byte (float v)
{
  return v <= 0.0f ? 0 : v >= 255.0f ? 255 : (guint8) (v + 0.5f);
}

/**
 * ub_png_sample_render_row:
 * @sample: a sample
 * @y: the row, < height
 * @format: %UB_PNG_FORMAT_RGB8 for 3 bytes a pixel, otherwise 4 (RGBA,
 *   with a smooth vignette in alpha for %UB_PNG_FORMAT_RGBA8 and opaque
 *   for %UB_PNG_FORMAT_RGBX8)
 * @row: (out caller-allocates): width × 3 or 4 bytes
 */
void
ub_png_sample_render_row (const UbPngSample *sample,
                          guint32            y,
                          UbPngFormat        format,
                          guint8            *row)
{
  const UbPngSample *s = sample;
  guint bpp = format == UB_PNG_FORMAT_RGB8 ? 3 : 4;
  float v = (float) y / s->height;
  float aspect = (float) s->width / s->height;
  float alpha_row = 1.0f - 1.2f * (v - 0.5f) * (v - 0.5f);
  guint32 grain_state = hash3 (y, 0x1234567u, s->seed) | 1u;
  g_autofree float *clouds = NULL;
  g_autofree float *terrain = NULL;
  g_autofree float *detail = NULL;

  g_return_if_fail (sample != NULL);
  g_return_if_fail (y < sample->height);
  g_return_if_fail (row != NULL);

  /* The noise of this row, for the sky and for the ground, where needed. */
  if (y < s->ridge_max)
    {
      clouds = g_new (float, s->width);
      fbm_row (clouds, s->width, 5.0f * aspect, v * 14.0f, 5, s->seed ^ 0xc10du);
    }
  if (y >= s->ridge_min)
    {
      terrain = g_new (float, s->width);
      detail = g_new (float, s->width);
      fbm_row (terrain, s->width, 8.0f * aspect, v * 8.0f, 6, s->seed ^ 0x9u);
      fbm_row (detail, s->width, 300.0f * aspect, v * 300.0f, 1, s->seed ^ 0xd7u);
    }

  for (guint32 x = 0; x < s->width; x++)
    {
      float ridge = s->ridge[x];
      float r, g, b, grain;
      guint8 *p = row + (gsize) x * bpp;

      /* xorshift32: film grain, a few levels either way. */
      grain_state ^= grain_state << 13;
      grain_state ^= grain_state >> 17;
      grain_state ^= grain_state << 5;
      grain = (float) (grain_state >> 24) * (7.0f / 255.0f) - 3.5f;

      if (y < ridge)
        {
          /* Sky: deep blue above, hazy near the horizon, soft clouds. */
          float t = MIN (1.0f, y / s->ridge_max);
          float cloud = clouds[x];

          cloud = CLAMP ((cloud - 0.48f) * 3.0f, 0.0f, 1.0f);
          r = 40.0f + 150.0f * t;
          g = 90.0f + 120.0f * t;
          b = 170.0f + 70.0f * t;
          r += (245.0f - r) * cloud;
          g += (245.0f - g) * cloud;
          b += (250.0f - b) * cloud;
        }
      else
        {
          /* Ground: rock and grass by a large-scale fractal, detail by a
           * finer one, darker further from the ridge line (closer). */
          float depth = (y - ridge) / (s->height - ridge + 1.0f);
          float n = terrain[x];
          float rock = CLAMP ((n - 0.45f) * 4.0f, 0.0f, 1.0f);
          float shade = 0.55f + 0.6f * n + 0.25f * detail[x] - 0.25f * depth;

          r = (70.0f + 60.0f * rock) * shade;
          g = (110.0f + 5.0f * rock) * shade;
          b = (45.0f + 55.0f * rock) * shade;
          /* Haze at the ridge. */
          if (depth < 0.08f)
            {
              float haze = 1.0f - depth / 0.08f;

              r += (150.0f - r) * 0.5f * haze;
              g += (170.0f - g) * 0.5f * haze;
              b += (190.0f - b) * 0.5f * haze;
            }
        }

      p[0] = clamp_byte (r + grain);
      p[1] = clamp_byte (g + grain);
      p[2] = clamp_byte (b + grain);
      if (bpp == 4)
        p[3] = format == UB_PNG_FORMAT_RGBA8
                 ? clamp_byte (255.0f * MIN (1.0f, s->alpha[x] * alpha_row + 0.15f))
                 : 255;
    }
}

/**
 * ub_png_sample_write_file:
 * @path: the destination (written atomically)
 * @width: in pixels
 * @height: in pixels
 * @seed: the sample's seed
 * @format: %UB_PNG_FORMAT_RGBA8 or %UB_PNG_FORMAT_RGB8
 * @options: (nullable): compression options
 * @cancellable: (nullable): checked between batches of rows
 * @error: return location for a #GError
 *
 * Renders a sample row by row straight into the encoder: memory use is a
 * few rows whatever the size.
 *
 * Returns: %TRUE on success
 */
gboolean
ub_png_sample_write_file (const char                *path,
                          guint32                    width,
                          guint32                    height,
                          guint64                    seed,
                          UbPngFormat                format,
                          const UbPngEncodeOptions  *options,
                          GCancellable              *cancellable,
                          GError                   **error)
{
  g_autoptr(UbPngSample) sample = NULL;
  g_autoptr(UbPngWriter) writer = NULL;
  g_autofree guint8 *rows = NULL;
  gsize stride = (gsize) width * (format == UB_PNG_FORMAT_RGB8 ? 3 : 4);

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (width > 0 && height > 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  writer = ub_png_writer_new_file (path, width, height, format, options, error);
  if (writer == NULL)
    return FALSE;

  sample = ub_png_sample_new (width, height, seed);
  rows = g_malloc (stride * BATCH_ROWS);

  for (guint32 y = 0; y < height; y += BATCH_ROWS)
    {
      guint32 n = MIN (BATCH_ROWS, height - y);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      for (guint32 i = 0; i < n; i++)
        ub_png_sample_render_row (sample, y + i, format, rows + i * stride);
      if (!ub_png_writer_write_rows (writer, rows, n, stride, error))
        return FALSE;
    }

  return ub_png_writer_finish (writer, error);
}
