/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <zlib.h>

#include <png.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gdk/gdk.h>
#include <glib/gstdio.h>
#ifdef HAVE_SPNG
#include <spng.h>
#endif

#include "ub-bench.h"
#include "ub-bench-commands.h"
#include "ub-png.h"
#include "ub-png-sample.h"

/*
 * unblock-bench png: full decode to RGBA8 of large photo-like PNGs with
 * Unblock's decoder against gdk-pixbuf, GdkTexture, libspng (if built
 * with it) and zlib's inflate of the same IDAT data (the ceiling), all
 * interleaved in one run; then one thread against two, thumbnail
 * throughput, and the peak RSS of thumbnailing 4 and 16 images, each in a
 * fresh child process.
 */

typedef struct
{
  const char *label;
  char       *path;
  guint32     width;
  guint32     height;
  GBytes     *idat;     /* the concatenated IDAT payload */
  gsize       raw_size; /* inflated size: (1 + row bytes) × height */
} BenchFile;

typedef double (*DecodeFunc) (BenchFile *file);

static UbPngPool *pool;

/* Each decode is timed in CPU time of the calling thread (user + system,
 * so page faults count): on a shared machine that is far steadier than
 * wall time, and every contender here decodes in the calling thread. */
static double
cpu_now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- the contenders; each returns the seconds one decode took ---------- */

/* Times one decode of @file by @decode, which returns what it made, to be
 * freed with @free_func, or %NULL with @error set. */
static double
time_decode (BenchFile      *file,
             gpointer      (*decode) (const char  *path,
                                      GError     **error),
             GDestroyNotify  free_func)
{
  g_autoptr(GError) error = NULL;
  double start = cpu_now ();
  gpointer decoded = decode (file->path, &error);
  double elapsed = cpu_now () - start;

  if (decoded == NULL)
    g_error ("%s: %s", file->path, error->message);
  free_func (decoded);
  return elapsed;
}

static gpointer
unblock_decode (const char  *path,
                GError     **error)
{
  return ub_png_decode_file (path, NULL, pool, NULL, NULL, NULL, error);
}

static gpointer
pixbuf_decode (const char  *path,
               GError     **error)
{
  return gdk_pixbuf_new_from_file (path, error);
}

static gpointer
texture_decode (const char  *path,
                GError     **error)
{
  return gdk_texture_new_from_filename (path, error);
}

static double
decode_unblock (BenchFile *file)
{
  return time_decode (file, unblock_decode, (GDestroyNotify) ub_png_image_free);
}

static double
decode_pixbuf (BenchFile *file)
{
  return time_decode (file, pixbuf_decode, g_object_unref);
}

static double
decode_texture (BenchFile *file)
{
  return time_decode (file, texture_decode, g_object_unref);
}

/* libpng's simplified API to RGBA8, into a buffer reused across calls:
 * the plain libpng decode an application would write. */
static guint8 *libpng_buffer;
static gsize libpng_buffer_size;

static double
decode_libpng (BenchFile *file)
{
  double start = cpu_now ();
  png_image image = { .version = PNG_IMAGE_VERSION };
  gsize size;

  if (!png_image_begin_read_from_file (&image, file->path))
    g_error ("%s: libpng: %s", file->path, image.message);
  image.format = PNG_FORMAT_RGBA;
  size = PNG_IMAGE_SIZE (image);
  if (size != libpng_buffer_size)
    {
      g_free (libpng_buffer);
      libpng_buffer = g_malloc (size);
      libpng_buffer_size = size;
    }
  if (!png_image_finish_read (&image, NULL, libpng_buffer, 0, NULL))
    g_error ("%s: libpng: %s", file->path, image.message);
  png_image_free (&image);
  return cpu_now () - start;
}

#ifdef HAVE_SPNG
/* Byte for byte, Unblock's decoder and libspng must agree. */
static void
check_against_spng (BenchFile *file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UbPngImage) image = NULL;
  g_autofree char *contents = NULL;
  g_autofree guint8 *out = NULL;
  spng_ctx *ctx = spng_ctx_new (0);
  gsize length;
  size_t size;

  image = ub_png_decode_file (file->path, NULL, NULL, NULL, NULL, NULL, &error);
  if (image == NULL || !g_file_get_contents (file->path, &contents, &length, NULL))
    g_error ("%s: cannot read", file->path);
  spng_set_png_buffer (ctx, contents, length);
  if (spng_decoded_image_size (ctx, SPNG_FMT_RGBA8, &size) != 0 || size != image->size)
    g_error ("%s: libspng disagrees on the size", file->path);
  out = g_malloc (size);
  if (spng_decode_image (ctx, out, size, SPNG_FMT_RGBA8, SPNG_DECODE_TRNS) != 0 ||
      memcmp (out, image->pixels, size) != 0)
    g_error ("%s: libspng decodes other pixels", file->path);
  spng_ctx_free (ctx);
  printf ("%s: same RGBA8 as libspng, byte for byte\n", file->label);
}

/* libspng into a buffer reused across calls: its best case. */
static guint8 *spng_buffer;
static gsize spng_buffer_size;

static double
decode_spng (BenchFile *file)
{
  double start = cpu_now ();
  spng_ctx *ctx = spng_ctx_new (0);
  FILE *stream = fopen (file->path, "rb");
  size_t size;
  int ret;

  if (stream == NULL)
    g_error ("%s: cannot open", file->path);
  spng_set_png_file (ctx, stream);
  ret = spng_decoded_image_size (ctx, SPNG_FMT_RGBA8, &size);
  if (ret == 0 && size != spng_buffer_size)
    {
      g_free (spng_buffer);
      spng_buffer = g_malloc (size);
      spng_buffer_size = size;
    }
  if (ret == 0)
    ret = spng_decode_image (ctx, spng_buffer, size, SPNG_FMT_RGBA8, SPNG_DECODE_TRNS);
  if (ret != 0)
    g_error ("%s: spng: %s", file->path, spng_strerror (ret));
  spng_ctx_free (ctx);
  fclose (stream);
  return cpu_now () - start;
}
#endif

/* zlib alone on the IDAT data already in memory, into a reused buffer:
 * as a zlib stream (with its Adler-32, as libpng does by default), or as
 * raw deflate (no checksum, as Unblock's decoder does). */
static guint8 *inflate_buffer;
static gsize inflate_buffer_size;

static double
inflate_idat (BenchFile *file,
              gboolean   raw)
{
  z_stream z = { 0 };
  double start;
  gsize size;
  const guint8 *data;
  int ret;

  if (inflate_buffer_size != file->raw_size)
    {
      g_free (inflate_buffer);
      inflate_buffer = g_malloc (file->raw_size);
      inflate_buffer_size = file->raw_size;
      memset (inflate_buffer, 0, file->raw_size);
    }

  start = cpu_now ();
  data = g_bytes_get_data (file->idat, &size);
  if (raw)
    {
      /* Skip the two-byte zlib header; the trailer is never reached. */
      inflateInit2 (&z, -15);
      data += 2;
      size -= 2;
    }
  else
    inflateInit (&z);
  z.next_in = (Bytef *) data;
  z.avail_in = size;
  z.next_out = inflate_buffer;
  z.avail_out = file->raw_size;
  ret = inflate (&z, Z_FINISH);
  inflateEnd (&z);
  if (ret != Z_STREAM_END)
    g_error ("%s: inflate: %d", file->path, ret);
  return cpu_now () - start;
}

static double
decode_inflate (BenchFile *file)
{
  return inflate_idat (file, FALSE);
}

static double
decode_inflate_raw (BenchFile *file)
{
  return inflate_idat (file, TRUE);
}

/* ---- setup ---------------------------------------------------------------- */

static guint32
be32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static void
bench_file_load_idat (BenchFile *file,
                      guint      channels)
{
  g_autofree char *contents = NULL;
  g_autoptr(GByteArray) idat = g_byte_array_new ();
  gsize length, pos = 8;

  if (!g_file_get_contents (file->path, &contents, &length, NULL))
    g_error ("cannot read %s", file->path);
  while (pos + 12 <= length)
    {
      guint32 chunk = be32 ((const guint8 *) contents + pos);

      if (memcmp (contents + pos + 4, "IDAT", 4) == 0)
        g_byte_array_append (idat, (const guint8 *) contents + pos + 8, chunk);
      pos += 12 + chunk;
    }
  file->raw_size = ((gsize) file->width * channels + 1) * file->height;
  file->idat = g_byte_array_free_to_bytes (g_steal_pointer (&idat));
}

typedef struct
{
  const char *path;
  guint32     width;
  guint32     height;
  guint64     seed;
  UbPngFormat format;
} GenerateJob;

typedef struct
{
  GPtrArray *jobs; /* (element-type GenerateJob) */
  double     cpu;  /* written by the thread, read after the join */
} GenerateWork;

static gpointer
generate_thread (gpointer data)
{
  GenerateWork *work = data;
  GPtrArray *jobs = work->jobs;
  double start = cpu_now ();

  for (guint i = 0; i < jobs->len; i++)
    {
      GenerateJob *job = g_ptr_array_index (jobs, i);
      g_autoptr(GError) error = NULL;

      if (!ub_png_sample_write_file (job->path, job->width, job->height, job->seed,
                                     job->format, NULL, NULL, &error))
        g_error ("%s: %s", job->path, error->message);
    }
  work->cpu = cpu_now () - start;
  return NULL;
}

/* Generates @n_jobs images with two threads; returns the wall seconds
 * taken, and the CPU seconds in *cpu. */
static double
generate (GenerateJob *jobs,
          guint        n_jobs,
          double      *cpu)
{
  g_autoptr(GPtrArray) a = g_ptr_array_new ();
  g_autoptr(GPtrArray) b = g_ptr_array_new ();
  GenerateWork wa = { a, 0 }, wb = { b, 0 };
  double start = ub_bench_now ();
  GThread *ta, *tb;

  for (guint i = 0; i < n_jobs; i++)
    g_ptr_array_add (i % 2 ? b : a, &jobs[i]);
  ta = g_thread_new ("generate", generate_thread, &wa);
  tb = g_thread_new ("generate", generate_thread, &wb);
  g_thread_join (ta);
  g_thread_join (tb);
  *cpu = wa.cpu + wb.cpu;
  return ub_bench_now () - start;
}

/* ---- phases ------------------------------------------------------------ */

typedef struct
{
  const char *name;
  DecodeFunc  func;
} Contender;

static void
bench_full_decode (BenchFile *file,
                   guint      rounds)
{
  Contender contenders[] = {
    { "unblock (libdeflate + SIMD rows)", decode_unblock },
    { "libpng (png_image, RGBA)", decode_libpng },
    { "gdk_pixbuf_new_from_file", decode_pixbuf },
    { "gdk_texture_new_from_filename", decode_texture },
#ifdef HAVE_SPNG
    { "libspng (reused buffer)", decode_spng },
#endif
    { "zlib inflate of IDAT (ceiling)", decode_inflate },
    { "  same, raw, no Adler-32", decode_inflate_raw },
  };
  guint n = G_N_ELEMENTS (contenders);
  g_autofree double *times = g_new0 (double, n * rounds);
  g_autofree double *column = g_new0 (double, rounds);
  double mpx = (double) file->width * file->height / 1e6;

  /* Warm-up: page cache, the pool, lazy initialisation in every library. */
  for (guint c = 0; c < n; c++)
    contenders[c].func (file);

  for (guint r = 0; r < rounds; r++)
    for (guint c = 0; c < n; c++)
      times[r * n + c] = contenders[c].func (file);

  printf ("\n%s, %ux%u, %.1f MiB of IDAT, %u rounds, CPU time (median):\n",
          file->label, file->width, file->height,
          g_bytes_get_size (file->idat) / 1048576.0, rounds);
  printf ("  %-32s %9s %9s %14s\n", "decoder", "ms", "Mpx/s", "unblock speed ÷ its");
  for (guint c = 0; c < n; c++)
    {
      double ms, ratio;

      for (guint r = 0; r < rounds; r++)
        column[r] = times[r * n + c];
      ms = ub_bench_median (column, rounds) * 1000;
      /* Per-round ratio of throughputs: its time ÷ ours. */
      for (guint r = 0; r < rounds; r++)
        column[r] = times[r * n + c] / times[r * n + 0];
      ratio = ub_bench_median (column, rounds);
      printf ("  %-32s %9.1f %9.1f %13.2fx\n", contenders[c].name, ms, mpx / (ms / 1000), ratio);
    }
  fflush (stdout);
}

typedef struct
{
  BenchFile *file;
  guint      count;
  double     cpu;   /* written by the thread, read after the join */
} ThreadWork;

static gpointer
decode_thread (gpointer data)
{
  ThreadWork *work = data;

  work->cpu = 0;
  for (guint i = 0; i < work->count; i++)
    work->cpu += decode_unblock (work->file);
  return NULL;
}

/* Returns the wall time; *cpu_per_decode gets the mean CPU time of one
 * decode while the threads ran side by side. */
static double
decode_with_threads (BenchFile *file,
                     guint      n_threads,
                     guint      per_thread,
                     double    *cpu_per_decode)
{
  ThreadWork work[8];
  GThread *threads[8];
  double start = ub_bench_now ();
  double cpu = 0, elapsed;

  for (guint i = 0; i < n_threads; i++)
    {
      work[i] = (ThreadWork) { file, per_thread, 0 };
      threads[i] = g_thread_new ("decode", decode_thread, &work[i]);
    }
  for (guint i = 0; i < n_threads; i++)
    g_thread_join (threads[i]);
  elapsed = ub_bench_now () - start;

  for (guint i = 0; i < n_threads; i++)
    cpu += work[i].cpu;
  if (cpu_per_decode != NULL)
    *cpu_per_decode = cpu / (n_threads * per_thread);
  return elapsed;
}

static void
bench_threads (BenchFile *file,
               guint      rounds)
{
  g_autofree double *one = g_new0 (double, rounds);
  g_autofree double *two = g_new0 (double, rounds);
  g_autofree double *ratio = g_new0 (double, rounds);
  g_autofree double *cpu_ratio = g_new0 (double, rounds);
  double mpx = (double) file->width * file->height / 1e6;
  const guint per_thread = 2;

  decode_with_threads (file, 2, 1, NULL);
  for (guint r = 0; r < rounds; r++)
    {
      double c1, c2;
      double t1 = decode_with_threads (file, 1, per_thread, &c1);
      double t2 = decode_with_threads (file, 2, per_thread, &c2);

      one[r] = per_thread * mpx / t1;
      two[r] = 2 * per_thread * mpx / t2;
      ratio[r] = two[r] / one[r];
      cpu_ratio[r] = 2 * c1 / c2;
    }

  printf ("\nunblock decode, %s, %u per thread, %u rounds, wall time (median):\n",
          file->label, per_thread, rounds);
  printf ("  1 thread:  %7.1f Mpx/s\n", ub_bench_median (one, rounds));
  printf ("  2 threads: %7.1f Mpx/s aggregate, %.2fx one thread\n",
          ub_bench_median (two, rounds), ub_bench_median (ratio, rounds));
  /* What two free cores would give: each decode's CPU cost alone against
   * its cost with the other thread decoding beside it (memory bandwidth,
   * shared cache). Immune to other processes taking a core away. */
  printf ("  2 threads, from CPU cost per decode (1 thread ÷ 2 threads, x2): %.2fx\n",
          ub_bench_median (cpu_ratio, rounds));
  fflush (stdout);
}

/* Peak RSS of this process image, in KiB: VmHWM, which (unlike
 * getrusage()'s ru_maxrss) starts afresh at exec, so the parent's memory
 * at fork time does not count. */
static gsize
peak_rss_since_exec_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return ub_bench_peak_rss_kib ();
  line = strstr (status, "VmHWM:");
  if (line == NULL)
    return ub_bench_peak_rss_kib ();
  return g_ascii_strtoull (line + strlen ("VmHWM:"), NULL, 10);
}

/* Child: thumbnails (or fully decodes) every file given, then reports its
 * own peak RSS; it is a fresh process so nothing earlier inflates it. */
static int
run_child (int    argc,
           char **argv)
{
  gboolean full = strcmp (argv[0], "--child-decode") == 0;
  double mpx = 0;
  struct rusage usage;

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      UbPngImage *image;
      UbPngInfo info;

      if (!ub_png_read_info_file (argv[i], &info, &error))
        g_error ("%s: %s", argv[i], error->message);
      if (full)
        image = ub_png_decode_file (argv[i], NULL, ub_png_pool_get_default (),
                                    NULL, NULL, NULL, &error);
      else
        image = ub_png_thumbnail_file (argv[i], 256, NULL, ub_png_pool_get_default (),
                                       NULL, &error);
      if (image == NULL)
        g_error ("%s: %s", argv[i], error->message);
      ub_png_image_free (image);
      mpx += (double) info.width * info.height / 1e6;
    }
  /* Process CPU time (one thread), from exec: steadier than wall time. */
  getrusage (RUSAGE_SELF, &usage);
  printf ("%" G_GSIZE_FORMAT " %.6f %.3f\n", peak_rss_since_exec_kib (),
          usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
          usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6, mpx);
  return 0;
}

static void
spawn_child (const char *mode,
             GPtrArray  *paths,
             guint       count,
             gsize      *rss_kib,
             double     *seconds,
             double     *mpx)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  int status;

  g_ptr_array_add (argv, self);
  g_ptr_array_add (argv, (char *) "png");
  g_ptr_array_add (argv, (char *) mode);
  for (guint i = 0; i < count; i++)
    g_ptr_array_add (argv, g_ptr_array_index (paths, i % paths->len));
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                     &out, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    g_error ("child: %s", error->message);
  if (sscanf (out, "%" G_GSIZE_FORMAT " %lf %lf", rss_kib, seconds, mpx) != 3)
    g_error ("child: unexpected output “%s”", out);
}

static void
bench_thumbnails (GPtrArray *folder)
{
  guint counts[] = { 4, 16 };

  printf ("\nthumbnails to 256 of a folder of 4096x4096 RGBA PNGs, each run in a fresh\n"
          "process (Mpx/s of source in process CPU time, peak RSS = VmHWM):\n");
  printf ("  %-22s %7s %9s %12s\n", "", "images", "Mpx/s", "peak RSS");
  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      gsize rss;
      double seconds, mpx;

      spawn_child ("--child-thumbnail", folder, counts[i], &rss, &seconds, &mpx);
      printf ("  %-22s %7u %9.1f %9.1f MiB\n", "thumbnail (streamed)", counts[i],
              mpx / seconds, rss / 1024.0);
    }
  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      gsize rss;
      double seconds, mpx;

      spawn_child ("--child-decode", folder, counts[i], &rss, &seconds, &mpx);
      printf ("  %-22s %7u %9.1f %9.1f MiB\n", "full decode (pooled)", counts[i],
              mpx / seconds, rss / 1024.0);
    }
  fflush (stdout);
}

/* ---- entry point ---------------------------------------------------------- */

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

int
ub_bench_png (int    argc,
              char **argv)
{
  g_autofree char *dir = NULL;
  g_autoptr(GPtrArray) folder = g_ptr_array_new_with_free_func (g_free);
  guint rounds = ub_bench_rounds (5);
  guint n_generate = 4;
  GenerateJob jobs[32];
  BenchFile files[2] = { { "RGBA photo" }, { "RGB photo" } };
  double seconds, cpu;

  if (argc >= 2 && g_str_has_prefix (argv[1], "--child-"))
    return run_child (argc - 1, argv + 1);
  if (argc >= 3 && strcmp (argv[1], "--generate") == 0)
    n_generate = CLAMP (atoi (argv[2]), 2, (int) G_N_ELEMENTS (jobs));

  ub_bench_header ("png: decode, thumbnails, sample generation");
  {
    g_autofree char *loadavg = NULL;

    /* Other work on the machine shows in wall times, the 2-thread figures
     * above all. */
    if (g_file_get_contents ("/proc/loadavg", &loadavg, NULL, NULL))
      printf ("load average at start: %s", loadavg);
  }
  dir = g_dir_make_tmp ("ub-bench-png-XXXXXX", NULL);
  pool = ub_png_pool_get_default ();

  /* The images: photo-like samples written by the project's own generator,
   * row by row, two threads. */
  for (guint i = 0; i < n_generate; i++)
    {
      char *path = g_strdup_printf ("%s/sample-%02u.png", dir, i);

      jobs[i] = (GenerateJob) { path, 4096, 4096, i + 1, UB_PNG_FORMAT_RGBA8 };
      g_ptr_array_add (folder, path);
    }
  seconds = generate (jobs, n_generate, &cpu);
  printf ("\nsample generation (render + encode, level 2, UP), %u x 4096x4096 RGBA, 2 threads:\n"
          "  wall %.1f s (%.1f Mpx/s); CPU %.2f s per image, so 24 images on two free\n"
          "  cores: ~%.0f s\n", n_generate, seconds,
          n_generate * 4096.0 * 4096.0 / 1e6 / seconds, cpu / n_generate,
          cpu / n_generate * 24 / 2);

  files[0].path = g_strdup (g_ptr_array_index (folder, 0));
  files[0].width = files[0].height = 4096;
  files[1].path = g_build_filename (dir, "hd.png", NULL);
  files[1].width = 1920;
  files[1].height = 1080;
  {
    g_autoptr(GError) error = NULL;

    if (!ub_png_sample_write_file (files[1].path, 1920, 1080, 99, UB_PNG_FORMAT_RGB8,
                                   NULL, NULL, &error))
      g_error ("%s", error->message);
  }
  bench_file_load_idat (&files[0], 4);
  bench_file_load_idat (&files[1], 3);

#ifdef HAVE_SPNG
  printf ("\n");
  check_against_spng (&files[0]);
  check_against_spng (&files[1]);
#else
  printf ("(libspng not available at build time: no libspng row)\n");
#endif

  bench_full_decode (&files[0], rounds);
  bench_full_decode (&files[1], rounds * 2);
  bench_threads (&files[0], rounds);
  bench_thumbnails (folder);

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_free (files[i].path);
      g_bytes_unref (files[i].idat);
    }
  g_clear_pointer (&inflate_buffer, g_free);
#ifdef HAVE_SPNG
  g_clear_pointer (&spng_buffer, g_free);
#endif
  ub_png_pool_trim (pool);
  remove_dir (dir);

  return 0;
}
