/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <string.h>

/*
 * Built with libFuzzer (-DUB_FUZZ_LIBFUZZER), a target is only its
 * LLVMFuzzerTestOneInput(). Built by meson for the test suite, this adds a
 * main() that replays the files named on the command line or, with none,
 * runs the target over its seeds and UB_FUZZ_ROUNDS deterministic
 * mutations of them (bit flips, cuts, inserted and overwritten bytes): a
 * short fuzzing pass that every test run repeats.
 *
 * SEEDS is a function returning a GPtrArray of GBytes.
 */

#define UB_FUZZ_ROUNDS 3000

#ifdef UB_FUZZ_LIBFUZZER
#define UB_FUZZ_DRIVER(SEEDS)
#else
static inline GBytes *
ub_fuzz_mutate (GBytes *seed,
                GRand  *rand)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (seed, &len);
  GByteArray *out = g_byte_array_sized_new (len + 16);
  guint n = g_rand_int_range (rand, 1, 5);

  g_byte_array_append (out, data, len);
  for (guint i = 0; i < n; i++)
    {
      guint what = g_rand_int_range (rand, 0, 4);
      guint pos = out->len ? g_rand_int_range (rand, 0, out->len) : 0;

      if (what == 0 && out->len > 0)
        out->data[pos] ^= 1 << g_rand_int_range (rand, 0, 8);
      else if (what == 1)
        g_byte_array_set_size (out, pos);
      else if (what == 2)
        {
          g_byte_array_set_size (out, out->len + 1);
          memmove (out->data + pos + 1, out->data + pos, out->len - 1 - pos);
          out->data[pos] = g_rand_int_range (rand, 0, 256);
        }
      else if (out->len > 0)
        out->data[pos] = g_rand_int_range (rand, 0, 256);
    }
  return g_byte_array_free_to_bytes (out);
}

#define UB_FUZZ_DRIVER(SEEDS)                                                  \
int                                                                            \
main (int    argc,                                                             \
      char **argv)                                                             \
{                                                                              \
  g_autoptr(GPtrArray) seeds = NULL;                                           \
  g_autoptr(GRand) rand = NULL;                                                \
                                                                               \
  if (argc > 1)                                                                \
    {                                                                          \
      for (int i = 1; i < argc; i++)                                           \
        {                                                                      \
          g_autofree char *contents = NULL;                                    \
          gsize len;                                                           \
                                                                               \
          g_assert_true (g_file_get_contents (argv[i], &contents, &len, NULL)); \
          LLVMFuzzerTestOneInput ((const uint8_t *) contents, len);            \
        }                                                                      \
      return 0;                                                                \
    }                                                                          \
                                                                               \
  printf ("1..1\n");                                                           \
  seeds = SEEDS ();                                                            \
  rand = g_rand_new_with_seed (20261202);                                      \
  for (guint i = 0; i < seeds->len; i++)                                       \
    {                                                                          \
      GBytes *seed = g_ptr_array_index (seeds, i);                             \
                                                                               \
      LLVMFuzzerTestOneInput (g_bytes_get_data (seed, NULL),                   \
                              g_bytes_get_size (seed));                        \
    }                                                                          \
  for (guint round = 0; round < UB_FUZZ_ROUNDS; round++)                       \
    {                                                                          \
      GBytes *seed = g_ptr_array_index (seeds, round % seeds->len);            \
      g_autoptr(GBytes) input = ub_fuzz_mutate (seed, rand);                   \
                                                                               \
      LLVMFuzzerTestOneInput (g_bytes_get_data (input, NULL),                  \
                              g_bytes_get_size (input));                       \
    }                                                                          \
  printf ("ok 1 %u seeds, %u mutations\n", seeds->len, UB_FUZZ_ROUNDS);        \
  return 0;                                                                    \
}
#endif
