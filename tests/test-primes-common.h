/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ub-error.h"
#include "ub-primes.h"

G_BEGIN_DECLS

/* Shared by the prime sieve's suites, test-primes.c and test-primes-run.c
 * (test-primes-common.c). */

#define TOP G_MAXUINT64

/* Sanitizer builds run the exhaustive sweeps over fewer sets. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define UNDER_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define UNDER_SANITIZER 1
#endif
#endif
#ifndef UNDER_SANITIZER
#define UNDER_SANITIZER 0
#endif

#if defined(__SANITIZE_THREAD__)
#define UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define UNDER_TSAN 1
#endif
#endif
#ifndef UNDER_TSAN
#define UNDER_TSAN 0
#endif

/* The sieve sizes its segments and blocks from the CPU's caches and counts
 * with POPCNT where the CPU has it. Each case runs on what this machine
 * picks and with sizes pinned, so that no expectation depends on the CPU:
 * they are all derived from ub_primes_get_segment_numbers(). */
typedef struct
{
  const char *name;
  gsize       l1_bytes;   /* 0: the CPU's own */
  gsize       l2_bytes;
  gboolean    portable;
} Config;

extern const Config configs[4];

void     apply_config         (const Config         *config);

/* A plain sieve of Eratosthenes over [0, REF_N) with prefix counts: read
 * only after ref_init (), shared by all tests. */
#define REF_N ((guint64) 1 << 25)
extern guint8 *ref_composite;  /* ref_composite[n]: n is not prime */

void     ref_init             (void);
guint64  ref_count            (guint64               from,
                               guint64               to);
gboolean is_prime_mr          (guint64               n);
void     assert_records_equal (const UbPrimesRecord *a,
                               const UbPrimesRecord *b);
guint64  count                (guint64               from,
                               guint64               to);

/* Collects enumerated primes, checking order as they come. */
typedef struct
{
  GArray  *primes;
  guint64  n;
  guint64  last;
  gboolean any;
  guint    batches;
} Collect;

void     collect_primes       (const guint64        *primes,
                               gsize                 n,
                               gpointer              user_data);
GArray  *enumerate            (guint64               from,
                               guint64               to,
                               guint64              *n_counted);

/* Bits: which configurations a case runs in. */
#define CPU      (1u << 0)
#define PORTABLE (1u << 1)
#define PINNED   (1u << 2 | 1u << 3)

typedef struct
{
  const char    *path;
  GTestDataFunc  func;
  guint          configs;
  guint          sanitizer_skips;  /* of @configs, those skipped under a
                                    * sanitizer unless -m slow */
} PrimesCase;

void     add_cases            (const PrimesCase     *cases,
                               gsize                 n_cases);

G_END_DECLS
