/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "ub-sha256.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
# define UB_SHA256_HAVE_SHANI 1
# include <cpuid.h>
# include <immintrin.h>
#endif

typedef void (*CompressFunc) (guint32       state[8],
                              const guint8 *blocks,
                              gsize         n_blocks);

static const guint32 K[64] = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static const guint32 H0[8] = {
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
  0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

/* ------------------------------------------------------------------ */
/* Portable compression                                               */

static inline guint32
rotr (guint32 x,
      guint   n)
{
  return (x >> n) | (x << (32 - n));
}

#define BSIG0(x) (rotr ((x), 2) ^ rotr ((x), 13) ^ rotr ((x), 22))
#define BSIG1(x) (rotr ((x), 6) ^ rotr ((x), 11) ^ rotr ((x), 25))
#define SSIG0(x) (rotr ((x), 7) ^ rotr ((x), 18) ^ ((x) >> 3))
#define SSIG1(x) (rotr ((x), 17) ^ rotr ((x), 19) ^ ((x) >> 10))
#define CH(x, y, z) ((z) ^ ((x) & ((y) ^ (z))))
#define MAJ(x, y, z) (((x) & (y)) | ((z) & ((x) | (y))))

/* Message word i of the block: the first 16 as loaded, then the schedule,
 * computed in place in a ring of 16. */
#define W_LOAD(i) (w[(i)])
#define W_NEXT(i) (w[(i) & 15] += SSIG1 (w[((i) - 2) & 15]) + w[((i) - 7) & 15] + \
                                   SSIG0 (w[((i) - 15) & 15]))

/* One round, with the variables renamed instead of moved: after eight
 * rounds every name is back in its place. */
#define ROUND(a, b, c, d, e, f, g, h, i, W)                              \
  do {                                                                   \
    guint32 t1 = (h) + BSIG1 (e) + CH ((e), (f), (g)) + K[(i)] + W (i);  \
    (d) += t1;                                                           \
    (h) = t1 + BSIG0 (a) + MAJ ((a), (b), (c));                          \
  } while (0)

#define EIGHT_ROUNDS(i, W)                        \
  do {                                            \
    ROUND (a, b, c, d, e, f, g, h, (i) + 0, W);   \
    ROUND (h, a, b, c, d, e, f, g, (i) + 1, W);   \
    ROUND (g, h, a, b, c, d, e, f, (i) + 2, W);   \
    ROUND (f, g, h, a, b, c, d, e, (i) + 3, W);   \
    ROUND (e, f, g, h, a, b, c, d, (i) + 4, W);   \
    ROUND (d, e, f, g, h, a, b, c, (i) + 5, W);   \
    ROUND (c, d, e, f, g, h, a, b, (i) + 6, W);   \
    ROUND (b, c, d, e, f, g, h, a, (i) + 7, W);   \
  } while (0)

static void
compress_portable (guint32       state[8],
                   const guint8 *blocks,
                   gsize         n_blocks)
{
  for (gsize blk = 0; blk < n_blocks; blk++, blocks += 64)
    {
      guint32 w[16];
      guint32 a = state[0], b = state[1], c = state[2], d = state[3];
      guint32 e = state[4], f = state[5], g = state[6], h = state[7];

      for (guint i = 0; i < 16; i++)
        {
          guint32 v;

          memcpy (&v, blocks + 4 * i, 4);
          w[i] = GUINT32_FROM_BE (v);
        }

      EIGHT_ROUNDS (0, W_LOAD);
      EIGHT_ROUNDS (8, W_LOAD);
      /* Unrolled, so that every ring index is a constant. */
#pragma GCC unroll 6
      for (guint i = 16; i < 64; i += 8)
        EIGHT_ROUNDS (i, W_NEXT);

      state[0] += a; state[1] += b; state[2] += c; state[3] += d;
      state[4] += e; state[5] += f; state[6] += g; state[7] += h;
    }
}

/* ------------------------------------------------------------------ */
/* SHA extensions (x86-64)                                            */

#ifdef UB_SHA256_HAVE_SHANI

/*
 * The SHA instructions keep the state as two registers, ABEF and CDGH
 * (A in the top lane), and run two rounds per sha256rnds2 on the sum of
 * two message words and their constants. The message schedule moves four
 * words at a time: sha256msg1 adds σ0 of the next words, an alignr brings in
 * W[t-7], sha256msg2 adds σ1.
 */
__attribute__ ((target ("sha,sse4.1,ssse3")))
static void
compress_shani (guint32       state[8],
                const guint8 *blocks,
                gsize         n_blocks)
{
  const __m128i bswap = _mm_set_epi64x (0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
  __m128i abef, cdgh, tmp;

  tmp = _mm_loadu_si128 ((const __m128i *) &state[0]);        /* A B C D */
  cdgh = _mm_loadu_si128 ((const __m128i *) &state[4]);       /* E F G H */
  tmp = _mm_shuffle_epi32 (tmp, 0xb1);                         /* B A D C */
  cdgh = _mm_shuffle_epi32 (cdgh, 0x1b);                       /* H G F E */
  abef = _mm_alignr_epi8 (tmp, cdgh, 8);                       /* F E B A */
  cdgh = _mm_blend_epi16 (cdgh, tmp, 0xf0);                    /* H G D C */

  for (gsize blk = 0; blk < n_blocks; blk++, blocks += 64)
    {
      __m128i abef_start = abef, cdgh_start = cdgh;
      __m128i m[4];

      /* Unrolled, so that m[] lives in registers and the branch goes. */
#pragma GCC unroll 16
      for (guint g = 0; g < 16; g++)
        {
          __m128i wk;

          if (g < 4)
            {
              m[g] = _mm_shuffle_epi8 (_mm_loadu_si128 ((const __m128i *) (blocks + 16 * g)), bswap);
            }
          else
            {
              /* m[g & 3] holds W[4g-16..]; the others the three groups after it. */
              __m128i t = _mm_sha256msg1_epu32 (m[g & 3], m[(g + 1) & 3]);

              t = _mm_add_epi32 (t, _mm_alignr_epi8 (m[(g + 3) & 3], m[(g + 2) & 3], 4));
              m[g & 3] = _mm_sha256msg2_epu32 (t, m[(g + 3) & 3]);
            }

          wk = _mm_add_epi32 (m[g & 3], _mm_loadu_si128 ((const __m128i *) &K[4 * g]));
          cdgh = _mm_sha256rnds2_epu32 (cdgh, abef, wk);
          abef = _mm_sha256rnds2_epu32 (abef, cdgh, _mm_shuffle_epi32 (wk, 0x0e));
        }

      abef = _mm_add_epi32 (abef, abef_start);
      cdgh = _mm_add_epi32 (cdgh, cdgh_start);
    }

  tmp = _mm_shuffle_epi32 (abef, 0x1b);                        /* A B E F */
  cdgh = _mm_shuffle_epi32 (cdgh, 0xb1);                       /* G H C D */
  abef = _mm_blend_epi16 (tmp, cdgh, 0xf0);                    /* A B C D */
  cdgh = _mm_alignr_epi8 (cdgh, tmp, 8);                       /* E F G H */
  _mm_storeu_si128 ((__m128i *) &state[0], abef);
  _mm_storeu_si128 ((__m128i *) &state[4], cdgh);
}

static gboolean
cpu_has_shani (void)
{
  unsigned int a, b, c, d;

  if (!__get_cpuid (1, &a, &b, &c, &d))
    return FALSE;
  if (!(c & (1u << 9)) || !(c & (1u << 19)))      /* SSSE3, SSE4.1 */
    return FALSE;
  if (!__get_cpuid_count (7, 0, &a, &b, &c, &d))
    return FALSE;
  return (b & (1u << 29)) != 0;                    /* SHA */
}

#endif /* UB_SHA256_HAVE_SHANI */

/* Set by tests and benchmarks to measure the portable path; atomic. */
static gint portable_only = 0;

static CompressFunc
pick_compress (void)
{
#ifdef UB_SHA256_HAVE_SHANI
  /* cpuid traps to the hypervisor in a VM: ask once. */
  static gsize has_shani = 0;

  if (g_once_init_enter (&has_shani))
    g_once_init_leave (&has_shani, cpu_has_shani () ? 2 : 1);

  if (has_shani == 2 && !g_atomic_int_get (&portable_only))
    return compress_shani;
#endif
  return compress_portable;
}

/**
 * ub_sha256_get_implementation:
 *
 * Returns: (transfer none): "sha-ni" or "portable": the compression function
 *   new contexts use
 */
const char *
ub_sha256_get_implementation (void)
{
  return pick_compress () == compress_portable ? "portable" : "sha-ni";
}

/**
 * ub_sha256_set_portable_only:
 * @only: %TRUE to make contexts initialised from now on use the portable code
 *
 * For tests and benchmarks: compares the two implementations on one CPU.
 */
void
ub_sha256_set_portable_only (gboolean only)
{
  g_atomic_int_set (&portable_only, only ? 1 : 0);
}

/* ------------------------------------------------------------------ */
/* Streaming                                                          */

/**
 * ub_sha256_init:
 * @ctx: a context to set up
 *
 * Starts a new digest.
 */
void
ub_sha256_init (UbSha256 *ctx)
{
  g_return_if_fail (ctx != NULL);

  memset (ctx, 0, sizeof *ctx);
  memcpy (ctx->state, H0, sizeof H0);
  ctx->compress = pick_compress ();
}

/**
 * ub_sha256_init_at:
 * @ctx: a context to set up
 * @state: a midstate from ub_sha256_get_resume()
 * @length: the bytes it covers, a multiple of 64
 *
 * Continues a digest whose first @length bytes were hashed before.
 */
void
ub_sha256_init_at (UbSha256      *ctx,
                   const guint32  state[8],
                   guint64        length)
{
  g_return_if_fail (ctx != NULL);
  g_return_if_fail (state != NULL);
  g_return_if_fail (length % 64 == 0);

  ub_sha256_init (ctx);
  memcpy (ctx->state, state, sizeof ctx->state);
  ctx->length = length;
}

/**
 * ub_sha256_update:
 * @ctx: a context
 * @data: (array length=len) (nullable): the next bytes
 * @len: how many
 *
 * Hashes the next part of the message.
 */
void
ub_sha256_update (UbSha256   *ctx,
                  const void *data,
                  gsize       len)
{
  CompressFunc compress;
  const guint8 *p = data;

  g_return_if_fail (ctx != NULL);
  g_return_if_fail (data != NULL || len == 0);

  compress = ctx->compress;
  ctx->length += len;

  if (ctx->n_block > 0)
    {
      gsize k = MIN (len, 64 - ctx->n_block);

      memcpy (ctx->block + ctx->n_block, p, k);
      ctx->n_block += k;
      p += k;
      len -= k;
      if (ctx->n_block < 64)
        return;
      compress (ctx->state, ctx->block, 1);
      ctx->n_block = 0;
    }

  if (len >= 64)
    {
      compress (ctx->state, p, len / 64);
      p += len / 64 * 64;
      len %= 64;
    }

  memcpy (ctx->block, p, len);
  ctx->n_block = len;
}

/**
 * ub_sha256_finish:
 * @ctx: a context
 * @digest: (out caller-allocates): the 32-byte digest
 *
 * Pads the message and gives its digest. The context must be initialised
 * again before further use.
 */
void
ub_sha256_finish (UbSha256 *ctx,
                  guint8    digest[UB_SHA256_DIGEST_SIZE])
{
  CompressFunc compress;
  guint64 bits;

  g_return_if_fail (ctx != NULL);
  g_return_if_fail (digest != NULL);

  compress = ctx->compress;
  bits = GUINT64_TO_BE (ctx->length * 8);

  ctx->block[ctx->n_block++] = 0x80;
  if (ctx->n_block > 56)
    {
      memset (ctx->block + ctx->n_block, 0, 64 - ctx->n_block);
      compress (ctx->state, ctx->block, 1);
      ctx->n_block = 0;
    }
  memset (ctx->block + ctx->n_block, 0, 56 - ctx->n_block);
  memcpy (ctx->block + 56, &bits, 8);
  compress (ctx->state, ctx->block, 1);

  for (guint i = 0; i < 8; i++)
    {
      guint32 v = GUINT32_TO_BE (ctx->state[i]);

      memcpy (digest + 4 * i, &v, 4);
    }
}

/**
 * ub_sha256_get_resume:
 * @ctx: a context
 * @state: (out caller-allocates): the midstate after the last whole block
 * @length: (out): the bytes that midstate covers
 *
 * Gives what ub_sha256_init_at() needs to carry on from the last block
 * boundary; the caller feeds the message again from @length on.
 */
void
ub_sha256_get_resume (const UbSha256 *ctx,
                      guint32         state[8],
                      guint64        *length)
{
  g_return_if_fail (ctx != NULL);

  if (state != NULL)
    memcpy (state, ctx->state, sizeof ctx->state);
  if (length != NULL)
    *length = ctx->length - ctx->n_block;
}

/**
 * ub_sha256_digest:
 * @data: (array length=len) (nullable): a message
 * @len: its length
 * @digest: (out caller-allocates): its 32-byte digest
 */
void
ub_sha256_digest (const void *data,
                  gsize       len,
                  guint8      digest[UB_SHA256_DIGEST_SIZE])
{
  UbSha256 ctx;

  ub_sha256_init (&ctx);
  ub_sha256_update (&ctx, data, len);
  ub_sha256_finish (&ctx, digest);
}

/**
 * ub_sha256_to_hex:
 * @digest: a 32-byte digest
 * @hex: (out caller-allocates): 64 lower-case hex digits and a NUL
 */
void
ub_sha256_to_hex (const guint8 digest[UB_SHA256_DIGEST_SIZE],
                  char         hex[UB_SHA256_HEX_SIZE])
{
  static const char digits[] = "0123456789abcdef";

  g_return_if_fail (digest != NULL);
  g_return_if_fail (hex != NULL);

  for (guint i = 0; i < UB_SHA256_DIGEST_SIZE; i++)
    {
      hex[2 * i] = digits[digest[i] >> 4];
      hex[2 * i + 1] = digits[digest[i] & 15];
    }
  hex[64] = '\0';
}
