/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ub-bench.h"
#include "ub-bench-commands.h"
#include "ub-base64.h"
#include "ub-data-job.h"
#include "ub-sha256.h"

/*
 * unblock-bench data: base64 encode/decode and SHA-256 of one big file,
 * file to file, UbDataJob in this process against coreutils `base64`,
 * `base64 -d` and `sha256sum` run as subprocesses writing into the same
 * directory, interleaved round by round. Then the peak RSS of a job for two
 * input sizes, to show memory does not grow with the input.
 *
 * Peak RSS is read from VmHWM in /proc/self/status by a fresh process
 * (this program re-executed as `data --child MODE IN OUT`): a child's
 * rusage would count the parent's pages too, since the high-water mark of
 * the address space it had before exec carries over.
 *
 * UB_BENCH_DATA_MIB sets the file size (512 by default), UB_BENCH_ROUNDS
 * the rounds, UB_BENCH_DATA_BIG_MIB the second size of the memory table
 * (2048). Files go to $TMPDIR.
 */

extern char **environ;

typedef struct
{
  const char *name;
  double     *ours;       /* wall seconds per round */
  double     *anchor;
  double     *ratios;     /* anchor time / our time: > 1 means faster */
  double     *cpu_ratios; /* the same in CPU time (user + system) */
  guint64     bytes;      /* input bytes of one run */
  gboolean    have_anchor;
} Case;

/* What one run took: wall time, and CPU time (user + system). */
typedef struct
{
  double wall;
  double cpu;
} Cost;

static double
rusage_seconds (const struct rusage *usage)
{
  return usage->ru_utime.tv_sec + usage->ru_utime.tv_usec / 1e6 +
         usage->ru_stime.tv_sec + usage->ru_stime.tv_usec / 1e6;
}

static double
self_cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return rusage_seconds (&usage);
}

static guint64
env_mib (const char *name,
         guint64     fallback)
{
  const char *value = g_getenv (name);
  guint64 mib;

  if (value != NULL && g_ascii_string_to_unsigned (value, 10, 1, 1 << 20, &mib, NULL))
    return mib;
  return fallback;
}

/* Fills @path with @size pseudo-random bytes (xorshift; no entropy needed). */
static gboolean
make_input (const char *path,
            guint64     size)
{
  const gsize block = 4 << 20;
  g_autofree guint64 *buf = g_malloc (block);
  guint64 x = 0x9e3779b97f4a7c15ull;
  int fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

  if (fd < 0)
    return FALSE;

  for (guint64 done = 0; done < size; done += block)
    {
      gsize n = (gsize) MIN ((guint64) block, size - done);

      for (gsize i = 0; i < block / 8; i++)
        {
          x ^= x << 13;
          x ^= x >> 7;
          x ^= x << 17;
          buf[i] = x;
        }
      if (write (fd, buf, n) != (gssize) n)
        {
          close (fd);
          return FALSE;
        }
    }

  return close (fd) == 0;
}

/* Runs argv with stdout to @out_path (or /dev/null); returns its exit
 * status and fills in what it cost. */
static int
spawn_wait (const char * const *argv,
            const char         *out_path,
            Cost               *cost)
{
  posix_spawn_file_actions_t actions;
  struct rusage usage;
  double start;
  pid_t pid;
  int status = -1;

  posix_spawn_file_actions_init (&actions);
  posix_spawn_file_actions_addopen (&actions, STDOUT_FILENO,
                                    out_path ? out_path : "/dev/null",
                                    O_WRONLY | O_CREAT | O_TRUNC, 0644);

  start = ub_bench_now ();
  if (posix_spawn (&pid, argv[0], &actions, NULL, (char * const *) argv, environ) != 0)
    {
      posix_spawn_file_actions_destroy (&actions);
      return -1;
    }
  while (wait4 (pid, &status, 0, &usage) < 0 && errno == EINTR)
    ;
  if (cost != NULL)
    {
      cost->wall = ub_bench_now () - start;
      cost->cpu = rusage_seconds (&usage);
    }
  posix_spawn_file_actions_destroy (&actions);

  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static Cost
run_job (UbDataMode  mode,
         const char *in_path,
         const char *out_path,
         char        hex[UB_SHA256_HEX_SIZE])
{
  g_autoptr(UbDataJob) job = ub_data_job_new (mode);
  g_autoptr(GError) error = NULL;
  double cpu_start = self_cpu_seconds ();
  double start = ub_bench_now ();
  Cost cost;

  ub_data_job_set_input_file (job, in_path);
  if (out_path != NULL)
    ub_data_job_set_output_file (job, out_path);
  if (!ub_data_job_run (job, NULL, &error))
    g_error ("data job failed: %s", error->message);
  cost.wall = ub_bench_now () - start;
  cost.cpu = self_cpu_seconds () - cpu_start;

  if (hex != NULL)
    g_strlcpy (hex, ub_data_job_get_sha256_hex (job), UB_SHA256_HEX_SIZE);
  return cost;
}

/* Compares two files a block at a time (they may be bigger than RAM). */
static gboolean
same_contents (const char *a,
               const char *b)
{
  const gsize block = 4 << 20;
  g_autofree char *x = g_malloc (block);
  g_autofree char *y = g_malloc (block);
  FILE *fa = fopen (a, "rb");
  FILE *fb = fopen (b, "rb");
  gboolean same = fa != NULL && fb != NULL;

  while (same)
    {
      gsize na = fread (x, 1, block, fa);
      gsize nb = fread (y, 1, block, fb);

      if (na != nb || memcmp (x, y, na) != 0)
        same = FALSE;
      if (na < block)
        break;
    }

  if (fa != NULL)
    fclose (fa);
  if (fb != NULL)
    fclose (fb);
  return same;
}

static guint64
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (guint64) st.st_size : 0;
}

static void
record (Case  *c,
        guint  round,
        Cost   ours,
        Cost   anchor)
{
  c->ours[round] = ours.wall;
  c->anchor[round] = anchor.wall;
  c->ratios[round] = anchor.wall / ours.wall;
  c->cpu_ratios[round] = anchor.cpu / ours.cpu;
}

static void
print_case (Case  *c,
            guint  rounds)
{
  double ours = ub_bench_median (c->ours, rounds);
  double anchor, med, lo, hi, cpu;
  char range[32];

  if (!c->have_anchor)
    {
      printf ("%-20s %9.0f %10s %9s %15s %9s\n", c->name, c->bytes / ours / 1e6,
              "n/a", "n/a", "", "n/a");
      return;
    }

  anchor = ub_bench_median (c->anchor, rounds);
  med = ub_bench_median (c->ratios, rounds);   /* sorts the ratios */
  lo = c->ratios[0];
  hi = c->ratios[rounds - 1];
  cpu = ub_bench_median (c->cpu_ratios, rounds);
  g_snprintf (range, sizeof range, "[%.2f–%.2f]", lo, hi);
  printf ("%-20s %9.0f %10.0f %8.2f× %15s %8.2f×\n", c->name,
          c->bytes / ours / 1e6, c->bytes / anchor / 1e6, med, range, cpu);
}

static gsize
read_vm_hwm_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmHWM:");
  return line ? (gsize) g_ascii_strtoull (line + 6, NULL, 10) : 0;
}

/* The child side: one job, then its own peak RSS on stdout. */
static int
run_child (int    argc,
           char **argv)
{
  UbDataMode mode;

  if (argc != 5)
    return 2;
  if (strcmp (argv[2], "encode") == 0)
    mode = UB_DATA_MODE_BASE64_ENCODE;
  else if (strcmp (argv[2], "decode") == 0)
    mode = UB_DATA_MODE_BASE64_DECODE;
  else
    mode = UB_DATA_MODE_SHA256;

  run_job (mode, argv[3], mode == UB_DATA_MODE_SHA256 ? NULL : argv[4], NULL);
  printf ("%" G_GSIZE_FORMAT "\n", read_vm_hwm_kib ());
  return 0;
}

static gsize
child_peak_rss (const char *self,
                const char *dir,
                const char *mode,
                const char *in,
                const char *out)
{
  g_autofree char *report = g_build_filename (dir, "rss.txt", NULL);
  g_autofree char *text = NULL;
  const char *argv[] = { self, "data", "--child", mode, in, out, NULL };
  gsize kib;

  if (spawn_wait (argv, report, NULL) != 0 ||
      !g_file_get_contents (report, &text, NULL, NULL))
    g_error ("the %s child failed", mode);
  kib = (gsize) g_ascii_strtoull (text, NULL, 10);
  g_unlink (report);
  return kib;
}

/* Peak RSS of encoding, decoding and hashing @mib MiB (a sparse file: the
 * bytes do not matter for memory), each in a fresh process. */
static void
measure_memory (const char *self,
                const char *dir,
                guint64     mib)
{
  g_autofree char *in = g_build_filename (dir, "mem-in.bin", NULL);
  g_autofree char *enc = g_build_filename (dir, "mem-in.b64", NULL);
  g_autofree char *dec = g_build_filename (dir, "mem-out.bin", NULL);
  gsize rss_enc, rss_dec, rss_sha;
  int fd;

  fd = g_open (in, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0 || ftruncate (fd, (off_t) (mib << 20)) != 0)
    g_error ("cannot create %s", in);
  close (fd);

  rss_enc = child_peak_rss (self, dir, "encode", in, enc);
  rss_dec = child_peak_rss (self, dir, "decode", enc, dec);
  rss_sha = child_peak_rss (self, dir, "sha256", in, "-");
  if (file_size (dec) != mib << 20)
    g_error ("decoded size differs");
  g_unlink (dec);
  g_unlink (enc);
  g_unlink (in);

  printf ("%6" G_GUINT64_FORMAT " MiB %12" G_GSIZE_FORMAT " %12" G_GSIZE_FORMAT
          " %12" G_GSIZE_FORMAT "\n", mib, rss_enc, rss_dec, rss_sha);
  fflush (stdout);
}

int
ub_bench_data (int    argc,
               char **argv)
{
  guint64 mib = env_mib ("UB_BENCH_DATA_MIB", 512);
  guint64 big_mib = env_mib ("UB_BENCH_DATA_BIG_MIB", 2048);
  guint rounds = ub_bench_rounds (5);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *in = NULL, *ub_b64 = NULL, *cu_b64 = NULL, *ub_dec = NULL, *cu_dec = NULL;
  g_autofree char *cu_sum = NULL;
  g_autofree char *base64 = g_find_program_in_path ("base64");
  g_autofree char *sha256sum = g_find_program_in_path ("sha256sum");
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  char our_hex[UB_SHA256_HEX_SIZE];
  /* The scalar/portable rows are compared with the coreutils run of the
   * same round as the row above them. */
  enum { ENCODE, ENCODE_SCALAR, DECODE, DECODE_SCALAR, SHA, SHA_PORTABLE, N_CASES };
  Case cases[N_CASES] = {
    [ENCODE] = { .name = "base64 encode" },
    [ENCODE_SCALAR] = { .name = "  (scalar code)" },
    [DECODE] = { .name = "base64 decode" },
    [DECODE_SCALAR] = { .name = "  (scalar code)" },
    [SHA] = { .name = "sha256" },
    [SHA_PORTABLE] = { .name = "  (portable C)" },
  };

  if (argc > 1 && strcmp (argv[1], "--child") == 0)
    return run_child (argc, argv);

  dir = g_dir_make_tmp ("ub-bench-data-XXXXXX", &error);
  if (dir == NULL)
    {
      fprintf (stderr, "unblock-bench data: %s\n", error->message);
      return 1;
    }

  in = g_build_filename (dir, "in.bin", NULL);
  ub_b64 = g_build_filename (dir, "ub.b64", NULL);
  cu_b64 = g_build_filename (dir, "cu.b64", NULL);
  ub_dec = g_build_filename (dir, "ub.dec", NULL);
  cu_dec = g_build_filename (dir, "cu.dec", NULL);
  cu_sum = g_build_filename (dir, "cu.sum", NULL);

  ub_bench_header ("data: base64 and SHA-256, file to file");
  printf ("input %" G_GUINT64_FORMAT " MiB in %s, %u rounds after a warm-up\n"
          "implementations: base64 %s, SHA-256 %s\n",
          mib, dir, rounds, ub_base64_get_implementation (), ub_sha256_get_implementation ());
  printf ("unblock: UbDataJob in this process; coreutils: %s, %s as subprocesses\n",
          base64 ? base64 : "(base64 missing)", sha256sum ? sha256sum : "(sha256sum missing)");
  fflush (stdout);

  if (!make_input (in, mib << 20))
    g_error ("cannot write %s", in);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      cases[i].ours = g_new0 (double, rounds);
      cases[i].anchor = g_new0 (double, rounds);
      cases[i].ratios = g_new0 (double, rounds);
      cases[i].cpu_ratios = g_new0 (double, rounds);
    }
  cases[ENCODE].bytes = cases[ENCODE_SCALAR].bytes = mib << 20;
  cases[SHA].bytes = cases[SHA_PORTABLE].bytes = mib << 20;
  for (guint i = ENCODE; i <= DECODE_SCALAR; i++)
    cases[i].have_anchor = base64 != NULL;
  cases[SHA].have_anchor = cases[SHA_PORTABLE].have_anchor = sha256sum != NULL;

  /* Round 0 is the warm-up, and checks both sides agree. */
  for (guint r = 0; r <= rounds; r++)
    {
      Cost t_ours, t_anchor = { 0, 0 };

      /* Encode */
      g_unlink (ub_b64);
      g_unlink (cu_b64);
      t_ours = run_job (UB_DATA_MODE_BASE64_ENCODE, in, ub_b64, NULL);
      if (base64 != NULL)
        {
          const char *a[] = { base64, in, NULL };

          if (spawn_wait (a, cu_b64, &t_anchor) != 0)
            g_error ("base64 failed");
        }
      if (r == 0 && base64 != NULL && !same_contents (ub_b64, cu_b64))
        g_error ("the encodings differ");
      cases[DECODE].bytes = cases[DECODE_SCALAR].bytes = file_size (ub_b64);
      if (r > 0)
        record (&cases[ENCODE], r - 1, t_ours, t_anchor);

      g_unlink (ub_b64);
      ub_base64_set_portable_only (TRUE);
      t_ours = run_job (UB_DATA_MODE_BASE64_ENCODE, in, ub_b64, NULL);
      ub_base64_set_portable_only (FALSE);
      if (r == 0 && base64 != NULL && !same_contents (ub_b64, cu_b64))
        g_error ("the scalar encoding differs");
      if (r > 0)
        record (&cases[ENCODE_SCALAR], r - 1, t_ours, t_anchor);

      /* Decode (both read the same text) */
      g_unlink (ub_dec);
      g_unlink (cu_dec);
      t_ours = run_job (UB_DATA_MODE_BASE64_DECODE, ub_b64, ub_dec, NULL);
      if (base64 != NULL)
        {
          const char *a[] = { base64, "-d", ub_b64, NULL };

          if (spawn_wait (a, cu_dec, &t_anchor) != 0)
            g_error ("base64 -d failed");
        }
      if (r == 0 && !same_contents (ub_dec, in))
        g_error ("decoding did not give the input back");
      if (r > 0)
        record (&cases[DECODE], r - 1, t_ours, t_anchor);

      g_unlink (ub_dec);
      ub_base64_set_portable_only (TRUE);
      t_ours = run_job (UB_DATA_MODE_BASE64_DECODE, ub_b64, ub_dec, NULL);
      ub_base64_set_portable_only (FALSE);
      if (r == 0 && !same_contents (ub_dec, in))
        g_error ("scalar decoding did not give the input back");
      if (r > 0)
        record (&cases[DECODE_SCALAR], r - 1, t_ours, t_anchor);
      g_unlink (ub_dec);
      g_unlink (cu_dec);
      g_unlink (cu_b64);

      /* Hash, with the implementation this CPU picks and the portable one. */
      for (guint portable = 0; portable <= 1; portable++)
        {
          Case *c = &cases[portable ? SHA_PORTABLE : SHA];

          ub_sha256_set_portable_only (portable);
          t_ours = run_job (UB_DATA_MODE_SHA256, in, NULL, our_hex);
          ub_sha256_set_portable_only (FALSE);
          if (sha256sum != NULL)
            {
              const char *a[] = { sha256sum, in, NULL };

              if (spawn_wait (a, cu_sum, &t_anchor) != 0)
                g_error ("sha256sum failed");
              if (r == 0)
                {
                  g_autofree char *line = NULL;

                  g_file_get_contents (cu_sum, &line, NULL, NULL);
                  if (line == NULL || strncmp (line, our_hex, 64) != 0)
                    g_error ("the digests differ");
                }
            }
          if (r > 0)
            record (c, r - 1, t_ours, t_anchor);
        }
    }

  printf ("\n%-20s %9s %10s %9s %15s %9s\n", "MB/s of input", "unblock",
          "coreutils", "ratio", "[min–max]", "CPU ratio");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    print_case (&cases[i], rounds);
  printf ("ratio = coreutils wall time / unblock wall time, median of per-round ratios (> 1: unblock\n"
          "is faster); CPU ratio = the same in user + system CPU time, which preemption on a\n"
          "shared machine does not inflate\n");
  printf ("targets: base64 encode and decode ≥ 1.0×, sha256 ≥ 0.9×\n");
  fflush (stdout);

  g_unlink (ub_b64);
  g_unlink (cu_sum);
  g_unlink (in);

  ub_bench_header ("data: peak RSS of one job (KiB, VmHWM of a fresh process)");
  if (self == NULL)
    {
      printf ("cannot find this program to re-execute it: skipped\n");
    }
  else
    {
      printf ("%10s %12s %12s %12s\n", "input", "encode", "decode", "sha256");
      measure_memory (self, dir, mib);
      measure_memory (self, dir, big_mib);
    }

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_free (cases[i].ours);
      g_free (cases[i].anchor);
      g_free (cases[i].ratios);
      g_free (cases[i].cpu_ratios);
    }
  g_rmdir (dir);
  return 0;
}
