/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "ub-sha256.h"

/* Every test runs once per implementation: the one this CPU picks, then
 * the portable one (on a CPU without SHA extensions both are portable). */
typedef struct
{
  gboolean portable;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->portable = GPOINTER_TO_INT (data);
  ub_sha256_set_portable_only (fixture->portable);
  g_test_message ("implementation: %s", ub_sha256_get_implementation ());
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  ub_sha256_set_portable_only (FALSE);
}

static void
check_hex (const void *data,
           gsize       len,
           const char *expected)
{
  guint8 digest[UB_SHA256_DIGEST_SIZE];
  char hex[UB_SHA256_HEX_SIZE];

  ub_sha256_digest (data, len, digest);
  ub_sha256_to_hex (digest, hex);
  g_assert_cmpstr (hex, ==, expected);
}

static void
test_nist_vectors (Fixture       *fixture,
                   gconstpointer  data)
{
  /* FIPS 180-4 examples and the NIST short-message set. */
  g_test_summary ("SHA-256 of the NIST vectors: empty, \"abc\", the 448- and 896-bit "
                  "messages");

  check_hex ("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  check_hex ("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  check_hex ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
             "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  check_hex ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
             "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu", 112,
             "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static void
test_million_a (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *a = g_malloc (1000000);
  guint8 digest[UB_SHA256_DIGEST_SIZE];
  char hex[UB_SHA256_HEX_SIZE];
  UbSha256 ctx;

  g_test_summary ("SHA-256 of one million 'a', in one call and in uneven pieces");

  memset (a, 'a', 1000000);
  check_hex (a, 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");

  ub_sha256_init (&ctx);
  for (gsize i = 0, piece = 1; i < 1000000; i += piece, piece = piece * 3 % 4099 + 1)
    ub_sha256_update (&ctx, a + i, MIN (piece, 1000000 - i));
  ub_sha256_finish (&ctx, digest);
  ub_sha256_to_hex (digest, hex);
  g_assert_cmpstr (hex, ==, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void
test_against_gchecksum (Fixture       *fixture,
                        gconstpointer  data)
{
  guint8 buf[1100];

  g_test_summary ("Every length from 0 to 1100 (all padding cases) agrees with GChecksum, "
                  "fed whole and split in two anywhere");

  for (gsize i = 0; i < sizeof buf; i++)
    buf[i] = (guint8) (i * 131 + (i >> 3));

  for (gsize len = 0; len <= sizeof buf; len++)
    {
      g_autofree char *expected = g_compute_checksum_for_data (G_CHECKSUM_SHA256, buf, len);
      guint8 digest[UB_SHA256_DIGEST_SIZE];
      char hex[UB_SHA256_HEX_SIZE];
      UbSha256 ctx;
      gsize split = len * 7 / 13;

      ub_sha256_digest (buf, len, digest);
      ub_sha256_to_hex (digest, hex);
      g_assert_cmpstr (hex, ==, expected);

      ub_sha256_init (&ctx);
      ub_sha256_update (&ctx, buf, split);
      ub_sha256_update (&ctx, buf + split, len - split);
      ub_sha256_finish (&ctx, digest);
      ub_sha256_to_hex (digest, hex);
      g_assert_cmpstr (hex, ==, expected);
    }
}

static void
test_resume (Fixture       *fixture,
             gconstpointer  data)
{
  guint8 buf[5000];
  guint8 whole[UB_SHA256_DIGEST_SIZE];

  g_test_summary ("A midstate saved anywhere and restored gives the same digest");

  for (gsize i = 0; i < sizeof buf; i++)
    buf[i] = (guint8) (i ^ (i >> 5));
  ub_sha256_digest (buf, sizeof buf, whole);

  for (gsize stop = 0; stop <= sizeof buf; stop += 97)
    {
      UbSha256 first, second;
      guint32 state[8];
      guint64 length;
      guint8 digest[UB_SHA256_DIGEST_SIZE];

      ub_sha256_init (&first);
      ub_sha256_update (&first, buf, stop);
      ub_sha256_get_resume (&first, state, &length);
      g_assert_cmpuint (length % 64, ==, 0);
      g_assert_cmpuint (length, <=, stop);
      g_assert_cmpuint (stop - length, <, 64);

      ub_sha256_init_at (&second, state, length);
      ub_sha256_update (&second, buf + length, sizeof buf - length);
      ub_sha256_finish (&second, digest);
      g_assert_cmpmem (digest, sizeof digest, whole, sizeof whole);
    }
}

static void
add_both (const char *path,
          void      (*func) (Fixture *, gconstpointer))
{
  g_autofree char *native = g_strconcat ("/data/sha256/native/", path, NULL);
  g_autofree char *portable = g_strconcat ("/data/sha256/portable/", path, NULL);

  g_test_add (native, Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, func, fixture_tear_down);
  g_test_add (portable, Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, func, fixture_tear_down);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  add_both ("nist-vectors", test_nist_vectors);
  add_both ("million-a", test_million_a);
  add_both ("gchecksum-every-length", test_against_gchecksum);
  add_both ("resume", test_resume);

  return g_test_run ();
}
