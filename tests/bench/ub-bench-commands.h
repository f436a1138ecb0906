/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* One line per benchmark: its entry point and its row in the table. */

#include "ub-bench.h"

int ub_bench_png (int argc, char **argv);
int ub_bench_data (int argc, char **argv);
int ub_bench_ui (int argc, char **argv);
int ub_bench_channel (int argc, char **argv);
int ub_bench_primes (int argc, char **argv);
int ub_bench_pipeline (int argc, char **argv);
int ub_bench_thumbnails (int argc, char **argv);
int ub_bench_gallery (int argc, char **argv);

#define UB_BENCH_COMMANDS \
  { "primes", "count primes: the sieve engine vs primesieve", ub_bench_primes }, \
  { "png", "PNG decode vs gdk-pixbuf, GdkTexture, libspng, zlib; thumbnails", ub_bench_png }, \
  { "data", "base64 encode/decode and SHA-256 vs coreutils; peak RSS", ub_bench_data }, \
  { "channel", "MessageChannel: flood, latency, overhead vs g_idle_add and GAsyncQueue", ub_bench_channel }, \
  { "pipeline", "decoder → scaler workers vs decode+scale in one worker", ub_bench_pipeline }, \
  { "thumbnails", "a folder's thumbnails, cold and warm desktop cache, vs vipsthumbnail", ub_bench_thumbnails }, \
  { "gallery", "a folder of 10 000 PNGs: first tile, listing, scroll frames, peak RSS", ub_bench_gallery }, \
  { "ui", "main-loop stalls, frames and key latency per workload, workers vs blocking", ub_bench_ui }, \
  /* end of list */
