/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The mod-30 wheel that the sieve's files share: its layout, the macros
 * that unroll a prime's cycle, and their tables. Constants only. */

#include <glib.h>

G_BEGIN_DECLS

/*
 * Layout: byte i of the whole number line stands for the 30 numbers
 * [30 i, 30 i + 29]; its bit k is the number 30 i + RES(k), RES being the
 * eight residues coprime to 30. A segment is S = 2^log2_seg consecutive
 * bytes of that line.
 *
 * Crossing off the multiples of a sieving prime p = 30 a + rp walks the
 * cofactors q = 30 b + rq that are coprime to 30: rq cycles through the
 * eight residues, and in every cycle of eight steps the byte index of p q
 * grows by exactly p, while the bit hit at step k and the constant part
 * of each step depend only on (rp, k). A prime's state is therefore its
 * a, the next byte to cross and the pair (rp, k) packed in 6 bits.
 */

typedef unsigned __int128 ub_u128;

#define RES(k) ((k) == 0 ? 1 : (k) == 1 ? 7 : (k) == 2 ? 11 : (k) == 3 ? 13 : \
                (k) == 4 ? 17 : (k) == 5 ? 19 : (k) == 6 ? 23 : 29)
#define BIT_OF(r) ((r) == 1 ? 0 : (r) == 7 ? 1 : (r) == 11 ? 2 : (r) == 13 ? 3 : \
                   (r) == 17 ? 4 : (r) == 19 ? 5 : (r) == 23 ? 6 : 7)
/* Mask clearing the bit of p q when p ≡ RES(R) and q ≡ RES(k) (mod 30). */
#define MASK(R, k) ((guint8) ~(1u << BIT_OF ((RES (R) * RES (k)) % 30)))
/* Growth of q between step k and step k + 1 of the cycle. */
#define DQ(k) ((k) == 0 ? 6 : (k) == 1 ? 4 : (k) == 2 ? 2 : (k) == 3 ? 4 : \
               (k) == 4 ? 2 : (k) == 5 ? 4 : (k) == 6 ? 6 : 2)
/* Constant part of the byte step after step k: the step is a DQ(k) + CC. */
#define CC(R, k) ((k) < 7 ? (RES (R) * RES ((k) + 1)) / 30 - (RES (R) * RES (k)) / 30 \
                          : RES (R) - (RES (R) * 29) / 30)
/* Constant part of the byte offset of step k from step 0 of a cycle. */
#define OFF(R, k) ((RES (R) * RES (k)) / 30)

#define ROW8(M, R) M (R, 0), M (R, 1), M (R, 2), M (R, 3), \
                   M (R, 4), M (R, 5), M (R, 6), M (R, 7)
#define TABLE64(M) { ROW8 (M, 0), ROW8 (M, 1), ROW8 (M, 2), ROW8 (M, 3), \
                     ROW8 (M, 4), ROW8 (M, 5), ROW8 (M, 6), ROW8 (M, 7) }
#define DQ2(R, k) DQ (k)
#define NEXT_RW(R, k) ((R) * 8 + ((k) + 1) % 8)

static const guint8 mask_tab[64] = TABLE64 (MASK);
static const guint8 cc_tab[64] = TABLE64 (CC);
static const guint8 dq_tab[64] = TABLE64 (DQ2);
static const guint8 next_rw_tab[64] = TABLE64 (NEXT_RW);

static const guint8 wheel_res[8] = { 1, 7, 11, 13, 17, 19, 23, 29 };

/* Offset from the first number of a 64-bit word to the number of bit b. */
#define OFF64(R, k) (30 * (R) + RES (k))
static const guint8 off64[64] = TABLE64 (OFF64);

/* 0xff for residues that share a factor with 30. */
static const guint8 bit_of_res[30] = {
  0xff, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 0xff, 0xff,
  0xff, 2, 0xff, 3, 0xff, 0xff, 0xff, 4, 0xff, 5,
  0xff, 0xff, 0xff, 6, 0xff, 0xff, 0xff, 0xff, 0xff, 7,
};

/* Distance from a residue to the next residue coprime to 30 (or itself). */
static const guint8 to_coprime[30] = {
  1, 0, 5, 4, 3, 2, 1, 0, 3, 2, 1, 0, 1, 0, 3, 2, 1, 0, 1, 0, 3, 2, 1, 0, 5, 4, 3, 2, 1, 0,
};

/* Bits of a byte whose residue is >= r, and <= r. */
static inline guint8
mask_from_res (guint r)
{
  guint8 m = 0;

  for (guint k = 0; k < 8; k++)
    if (wheel_res[k] >= r)
      m |= 1u << k;
  return m;
}

static inline guint8
mask_upto_res (guint r)
{
  guint8 m = 0;

  for (guint k = 0; k < 8; k++)
    if (wheel_res[k] <= r)
      m |= 1u << k;
  return m;
}

G_END_DECLS
