/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "ub-png-unfilter.h"

/*
 * Undoing PNG's row filters (Sub, Up, Average, Paeth) on 8-bit samples, and
 * widening gray, gray+alpha and RGB rows to RGBA.
 *
 * Each operation has a portable version, which is the reference, and on
 * x86 SIMD versions chosen once from the CPU: SSE2 for the pixel-serial
 * filters at 4 bytes per pixel, AVX2 for Up, SSSE3 for widening RGB.
 * ub_png_set_portable_only() makes every call take the portable code, so
 * that tests run both on one machine. The flag is an atomic int: any thread
 * may set it, every decode reads it.
 */

static int portable_only; /* (atomic) */

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#define UB_PNG_HAVE_X86 1
#include <immintrin.h>
#endif

/* ---- portable ---------------------------------------------------------- */

static inline guint8
paeth (int a,
       int b,
       int c)
{
  int pa = ABS (b - c);
  int pb = ABS (a - c);
  int pc = ABS (a + b - 2 * c);

  if (pa <= pb && pa <= pc)
    return a;
  return pb <= pc ? b : c;
}

static void
unfilter_portable (guint8        filter,
                   const guint8 *src,
                   guint8       *dst,
                   const guint8 *prev,
                   gsize         len,
                   guint         bpp)
{
  gsize i;

  switch (filter)
    {
    case 0:
      if (dst != src)
        memmove (dst, src, len);
      break;
    case 1:
      for (i = 0; i < bpp && i < len; i++)
        dst[i] = src[i];
      for (; i < len; i++)
        dst[i] = src[i] + dst[i - bpp];
      break;
    case 2:
      for (i = 0; i < len; i++)
        dst[i] = src[i] + prev[i];
      break;
    case 3:
      for (i = 0; i < bpp && i < len; i++)
        dst[i] = src[i] + (prev[i] >> 1);
      for (; i < len; i++)
        dst[i] = src[i] + ((dst[i - bpp] + prev[i]) >> 1);
      break;
    case 4:
      for (i = 0; i < bpp && i < len; i++)
        dst[i] = src[i] + prev[i];
      for (; i < len; i++)
        dst[i] = src[i] + paeth (dst[i - bpp], prev[i], prev[i - bpp]);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
expand_portable (const guint8 *src,
                 guint8       *rgba,
                 guint32       width,
                 guint         channels)
{
  for (guint32 x = 0; x < width; x++, rgba += 4)
    switch (channels)
      {
      case 1:
        rgba[0] = rgba[1] = rgba[2] = src[x];
        rgba[3] = 0xff;
        break;
      case 2:
        rgba[0] = rgba[1] = rgba[2] = src[2 * x];
        rgba[3] = src[2 * x + 1];
        break;
      case 3:
        rgba[0] = src[3 * x];
        rgba[1] = src[3 * x + 1];
        rgba[2] = src[3 * x + 2];
        rgba[3] = 0xff;
        break;
      default:
        memcpy (rgba, src + 4 * x, 4);
        break;
      }
}

/* ---- x86 --------------------------------------------------------------- */

#ifdef UB_PNG_HAVE_X86

static inline __m128i
load4 (const guint8 *p)
{
  guint32 v;

  memcpy (&v, p, 4);
  return _mm_cvtsi32_si128 ((int) v);
}

static inline void
store4 (guint8  *p,
        __m128i  x)
{
  guint32 v = (guint32) _mm_cvtsi128_si32 (x);

  memcpy (p, &v, 4);
}

static void
up_sse2 (const guint8 *src,
         guint8       *dst,
         const guint8 *prev,
         gsize         len)
{
  gsize i = 0;

  for (; i + 16 <= len; i += 16)
    {
      __m128i x = _mm_loadu_si128 ((const __m128i *) (src + i));
      __m128i b = _mm_loadu_si128 ((const __m128i *) (prev + i));

      _mm_storeu_si128 ((__m128i *) (dst + i), _mm_add_epi8 (x, b));
    }
  for (; i < len; i++)
    dst[i] = src[i] + prev[i];
}

__attribute__ ((target ("avx2")))
static void
up_avx2 (const guint8 *src,
         guint8       *dst,
         const guint8 *prev,
         gsize         len)
{
  gsize i = 0;

  for (; i + 32 <= len; i += 32)
    {
      __m256i x = _mm256_loadu_si256 ((const __m256i *) (src + i));
      __m256i b = _mm256_loadu_si256 ((const __m256i *) (prev + i));

      _mm256_storeu_si256 ((__m256i *) (dst + i), _mm256_add_epi8 (x, b));
    }
  up_sse2 (src + i, dst + i, prev + i, len - i);
}

/* Sub at 4 bytes per pixel: a prefix sum over the four pixels of a block,
 * plus the last pixel of the block before. */
static void
sub4_sse2 (const guint8 *src,
           guint8       *dst,
           gsize         len)
{
  __m128i last = _mm_setzero_si128 ();
  gsize i = 0;

  for (; i + 16 <= len; i += 16)
    {
      __m128i x = _mm_loadu_si128 ((const __m128i *) (src + i));

      x = _mm_add_epi8 (x, _mm_slli_si128 (x, 4));
      x = _mm_add_epi8 (x, _mm_slli_si128 (x, 8));
      x = _mm_add_epi8 (x, last);
      _mm_storeu_si128 ((__m128i *) (dst + i), x);
      last = _mm_shuffle_epi32 (x, 0xff);
    }
  for (; i + 4 <= len; i += 4)
    {
      last = _mm_add_epi8 (load4 (src + i), last);
      store4 (dst + i, last);
    }
}

static void
avg4_sse2 (const guint8 *src,
           guint8       *dst,
           const guint8 *prev,
           gsize         len)
{
  const __m128i one = _mm_set1_epi8 (1);
  __m128i a = _mm_setzero_si128 ();

  for (gsize i = 0; i + 4 <= len; i += 4)
    {
      __m128i b = load4 (prev + i);
      /* avg_epu8 rounds up; PNG's average rounds down. */
      __m128i avg = _mm_sub_epi8 (_mm_avg_epu8 (a, b),
                                  _mm_and_si128 (_mm_xor_si128 (a, b), one));

      a = _mm_add_epi8 (load4 (src + i), avg);
      store4 (dst + i, a);
    }
}

static inline __m128i
abs16_sse2 (__m128i x)
{
  return _mm_max_epi16 (x, _mm_sub_epi16 (_mm_setzero_si128 (), x));
}

/* Paeth at 4 bytes per pixel, in 16-bit lanes: pa = |b - c|,
 * pb = |a - c|, pc = |a + b - 2c|; the first of a, b, c whose distance is
 * the smallest wins. */
static void
paeth4_sse2 (const guint8 *src,
             guint8       *dst,
             const guint8 *prev,
             gsize         len)
{
  const __m128i zero = _mm_setzero_si128 ();
  __m128i a = zero, c = zero;

  for (gsize i = 0; i + 4 <= len; i += 4)
    {
      __m128i b = _mm_unpacklo_epi8 (load4 (prev + i), zero);
      __m128i x = _mm_unpacklo_epi8 (load4 (src + i), zero);
      __m128i bc = _mm_sub_epi16 (b, c);
      __m128i ac = _mm_sub_epi16 (a, c);
      __m128i pa = abs16_sse2 (bc);
      __m128i pb = abs16_sse2 (ac);
      __m128i pc = abs16_sse2 (_mm_add_epi16 (bc, ac));
      __m128i smallest = _mm_min_epi16 (_mm_min_epi16 (pa, pb), pc);
      __m128i use_a = _mm_cmpeq_epi16 (pa, smallest);
      __m128i use_b = _mm_andnot_si128 (use_a, _mm_cmpeq_epi16 (pb, smallest));
      __m128i use_c = _mm_andnot_si128 (_mm_or_si128 (use_a, use_b), _mm_set1_epi16 (-1));
      __m128i pred = _mm_or_si128 (_mm_or_si128 (_mm_and_si128 (use_a, a),
                                                 _mm_and_si128 (use_b, b)),
                                   _mm_and_si128 (use_c, c));

      a = _mm_and_si128 (_mm_add_epi16 (x, pred), _mm_set1_epi16 (0xff));
      store4 (dst + i, _mm_packus_epi16 (a, a));
      c = b;
    }
}

/* RGB to RGBA, four pixels (12 bytes in, 16 out) at a time. Reads up to
 * four bytes past the last pixel of a block, never past the row's end. */
__attribute__ ((target ("ssse3")))
static void
expand_rgb_ssse3 (const guint8 *src,
                  guint8       *rgba,
                  guint32       width)
{
  const __m128i spread = _mm_setr_epi8 (0, 1, 2, -1, 3, 4, 5, -1,
                                        6, 7, 8, -1, 9, 10, 11, -1);
  const __m128i alpha = _mm_set1_epi32 ((int) 0xff000000u);
  guint32 x = 0;

  for (; x + 6 <= width; x += 4)
    {
      __m128i v = _mm_loadu_si128 ((const __m128i *) (src + 3 * x));

      v = _mm_or_si128 (_mm_shuffle_epi8 (v, spread), alpha);
      _mm_storeu_si128 ((__m128i *) (rgba + 4 * x), v);
    }
  expand_portable (src + 3 * x, rgba + 4 * x, width - x, 3);
}

typedef struct
{
  gboolean ssse3;
  gboolean avx2;
} Cpu;

static const Cpu *
cpu_get (void)
{
  static Cpu cpu;
  static gsize ready;

  if (g_once_init_enter (&ready))
    {
      __builtin_cpu_init ();
      cpu.ssse3 = __builtin_cpu_supports ("ssse3");
      cpu.avx2 = __builtin_cpu_supports ("avx2");
      g_once_init_leave (&ready, 1);
    }
  return &cpu;
}

#endif /* UB_PNG_HAVE_X86 */

/* ---- dispatch ---------------------------------------------------------- */

/**
 * ub_png_unfilter_row:
 * @filter: the row's filter byte
 * @src: the filtered row, without its filter byte
 * @dst: where the unfiltered row goes; may be @src
 * @prev: the previous unfiltered row, all zeros for the first
 * @len: bytes in the row
 * @bpp: bytes per pixel, 1 to 8
 *
 * Returns: %FALSE if @filter is not one of PNG's five
 */
gboolean
ub_png_unfilter_row (guint8        filter,
                     const guint8 *src,
                     guint8       *dst,
                     const guint8 *prev,
                     gsize         len,
                     guint         bpp)
{
  if (filter > 4)
    return FALSE;

#ifdef UB_PNG_HAVE_X86
  if (!g_atomic_int_get (&portable_only) && (filter == 2 || bpp == 4) && filter != 0)
    {
      switch (filter)
        {
        case 1:
          sub4_sse2 (src, dst, len);
          return TRUE;
        case 2:
          if (cpu_get ()->avx2)
            up_avx2 (src, dst, prev, len);
          else
            up_sse2 (src, dst, prev, len);
          return TRUE;
        case 3:
          avg4_sse2 (src, dst, prev, len);
          return TRUE;
        case 4:
          paeth4_sse2 (src, dst, prev, len);
          return TRUE;
        }
    }
#endif

  unfilter_portable (filter, src, dst, prev, len, bpp);
  return TRUE;
}

/**
 * ub_png_expand_row:
 * @src: @width pixels of @channels 8-bit samples
 * @rgba: where @width RGBA8 pixels go
 * @width: pixels
 * @channels: 1 (gray), 2 (gray, alpha), 3 (RGB) or 4 (RGBA)
 *
 * Widens one row to RGBA; alpha is opaque where the source has none.
 */
void
ub_png_expand_row (const guint8 *src,
                   guint8       *rgba,
                   guint32       width,
                   guint         channels)
{
  g_assert (channels >= 1 && channels <= 4);

#ifdef UB_PNG_HAVE_X86
  if (channels == 3 && !g_atomic_int_get (&portable_only) && cpu_get ()->ssse3)
    {
      expand_rgb_ssse3 (src, rgba, width);
      return;
    }
#endif
  if (channels == 4)
    memcpy (rgba, src, (gsize) width * 4);
  else
    expand_portable (src, rgba, width, channels);
}

/**
 * ub_png_get_implementation:
 *
 * Returns: (transfer none): "avx2", "ssse3", "sse2" or "portable": the
 *   widest code the decoder's row functions run
 */
const char *
ub_png_get_implementation (void)
{
  if (g_atomic_int_get (&portable_only))
    return "portable";
#ifdef UB_PNG_HAVE_X86
  if (cpu_get ()->avx2)
    return "avx2";
  if (cpu_get ()->ssse3)
    return "ssse3";
  return "sse2";
#else
  return "portable";
#endif
}

/**
 * ub_png_set_portable_only:
 * @only: %TRUE to run the portable row code even where SIMD is available
 *
 * For tests and benchmarks: compares the two paths on one CPU.
 */
void
ub_png_set_portable_only (gboolean only)
{
  g_atomic_int_set (&portable_only, only ? 1 : 0);
}
