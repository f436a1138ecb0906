/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "test-primes-common.h"

/* What the two suites of the prime sieve share: the configurations each
 * case runs in, a trivially correct reference, and the registration. */

/* ---- configurations ---------------------------------------------------- */

const Config configs[] = {
  { "cpu", 0, 0, FALSE },
  { "portable", 0, 0, TRUE },
  { "l2-256k", 32 * 1024, 256 * 1024, FALSE },
  { "l2-2m", 48 * 1024, 2048 * 1024, FALSE },
};

void
apply_config (const Config *config)
{
  ub_primes_set_cache_sizes (config->l1_bytes, config->l2_bytes);
  ub_primes_set_portable_only (config->portable);
  g_test_message ("segments of %" G_GUINT64_FORMAT " numbers, %s popcount",
                  ub_primes_get_segment_numbers (0, G_MAXUINT64 / 2),
                  ub_primes_get_implementation ());
}

/* ---- reference -------------------------------------------------------- */

guint8 *ref_composite;
static guint32 *ref_prefix;   /* ref_prefix[n] = primes < n */

void
ref_init (void)
{
  ref_composite = g_malloc0 (REF_N);
  ref_prefix = g_new (guint32, REF_N + 1);
  ref_composite[0] = ref_composite[1] = 1;
  for (guint64 i = 2; i * i < REF_N; i++)
    if (!ref_composite[i])
      for (guint64 j = i * i; j < REF_N; j += i)
        ref_composite[j] = 1;
  ref_prefix[0] = 0;
  for (guint64 i = 0; i < REF_N; i++)
    ref_prefix[i + 1] = ref_prefix[i] + !ref_composite[i];
}

guint64
ref_count (guint64 from,
           guint64 to)
{
  g_assert_cmpuint (to, <, REF_N);
  return ref_prefix[to + 1] - ref_prefix[from];
}

static guint64
mulmod (guint64 a,
        guint64 b,
        guint64 m)
{
  return (guint64) (((unsigned __int128) a * b) % m);
}

static guint64
powmod (guint64 a,
        guint64 e,
        guint64 m)
{
  guint64 r = 1;

  a %= m;
  while (e > 0)
    {
      if (e & 1)
        r = mulmod (r, a, m);
      a = mulmod (a, a, m);
      e >>= 1;
    }
  return r;
}

/* Deterministic Miller–Rabin for all 64-bit numbers (the first twelve
 * primes as bases). */
gboolean
is_prime_mr (guint64 n)
{
  static const guint64 bases[] = { 2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37 };
  guint64 d;
  guint s = 0;

  if (n < 2)
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (bases); i++)
    {
      if (n == bases[i])
        return TRUE;
      if (n % bases[i] == 0)
        return FALSE;
    }
  d = n - 1;
  while ((d & 1) == 0)
    {
      d >>= 1;
      s++;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bases); i++)
    {
      guint64 x = powmod (bases[i], d, n);
      gboolean witness = TRUE;

      if (x == 1 || x == n - 1)
        continue;
      for (guint r = 1; r < s; r++)
        {
          x = mulmod (x, x, n);
          if (x == n - 1)
            {
              witness = FALSE;
              break;
            }
        }
      if (witness)
        return FALSE;
    }
  return TRUE;
}

void
assert_records_equal (const UbPrimesRecord *a,
                      const UbPrimesRecord *b)
{
  g_assert_cmpuint (a->from, ==, b->from);
  g_assert_cmpuint (a->to, ==, b->to);
  g_assert_cmpuint (a->next, ==, b->next);
  g_assert_cmpuint (a->count, ==, b->count);
  g_assert_cmpint (a->done, ==, b->done);
}

guint64
count (guint64 from,
       guint64 to)
{
  g_autoptr(GError) error = NULL;
  guint64 c = G_MAXUINT64;

  g_assert_true (ub_primes_count (from, to, &c, NULL, &error));
  g_assert_no_error (error);
  return c;
}

/* Checks the order of the primes as they come. */
void
collect_primes (const guint64 *primes,
                gsize          n,
                gpointer       user_data)
{
  Collect *c = user_data;

  g_assert_cmpuint (n, >, 0);
  c->batches++;
  for (gsize i = 0; i < n; i++)
    {
      if (c->any)
        g_assert_cmpuint (primes[i], >, c->last);
      c->last = primes[i];
      c->any = TRUE;
      c->n++;
    }
  if (c->primes != NULL)
    g_array_append_vals (c->primes, primes, (guint) n);
}

GArray *
enumerate (guint64  from,
           guint64  to,
           guint64 *n_counted)
{
  g_autoptr(GError) error = NULL;
  Collect c = { g_array_new (FALSE, FALSE, sizeof (guint64)), 0, 0, FALSE, 0 };
  UbPrimesRecord record;

  ub_primes_record_init (&record, from, to);
  g_assert_true (ub_primes_run (&record, collect_primes, NULL, &c, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (record.done);
  g_assert_cmpuint (record.count, ==, c.primes->len);
  *n_counted = record.count;
  return c.primes;
}

/* ---- registration ---------------------------------------------------- */

void
add_cases (const PrimesCase *cases,
           gsize             n_cases)
{
  for (gsize i = 0; i < n_cases; i++)
    for (gsize c = 0; c < G_N_ELEMENTS (configs); c++)
      {
        g_autofree char *path = NULL;

        /* Sizes matter to the cases that walk segments; POPCNT to those
         * that count. The heaviest counts run once, on this CPU's own. */
        if (!(cases[i].configs & (1u << c)))
          continue;
        /* Under a sanitizer, one pinned size (the small one, with the most
         * segments), and not the configurations a case asks to skip. */
        if (UNDER_SANITIZER && !g_test_slow () &&
            (c == 3 || (cases[i].sanitizer_skips & (1u << c))))
          continue;
        path = g_strdup_printf ("/primes/%s/%s", configs[c].name, cases[i].path);
        g_test_add_data_func (path, &configs[c], cases[i].func);
      }
}
