#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Builds the PNG decoder's libFuzzer target with clang, ASan and UBSan, and
# runs it. The seed corpus is PngSuite, read in place (never copied); new
# inputs go to tests/fuzz/corpus/ and crashes to tests/fuzz/crash-*.
#
#   tests/fuzz/build-and-run.sh [SECONDS] [extra libFuzzer options…]
#
# The decoder is built with UB_PNG_FUZZING, which makes it ignore CRC and
# Adler-32 mismatches so that mutations reach the image data. The system
# libpng is not instrumented: coverage feedback comes from Unblock's code.
#
# SECONDS defaults to 600. UNBLOCK_PNGSUITE_DIR overrides the suite's place
# (default: ../shared/pngsuite beside the source tree).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${UB_FUZZ_BUILD_DIR:-$root/build-fuzz}
seconds=${1:-600}
[ $# -gt 0 ] && shift
suite=${UNBLOCK_PNGSUITE_DIR:-$root/../shared/pngsuite}

mkdir -p "$out" "$here/corpus"
: > "$out/config.h"

# shellcheck disable=SC2046
clang -g -O1 -fno-omit-frame-pointer \
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -D_GNU_SOURCE -DUB_PNG_FUZZING -I"$out" -I"$root/workers/runtime" -I"$root/workers/jobs/png" \
  "$here/ub-fuzz-png.c" \
  "$root/workers/jobs/png/ub-png.c" "$root/workers/jobs/png/ub-png-image.c" \
  "$root/workers/jobs/png/ub-png-pool.c" "$root/workers/jobs/png/ub-png-scaler.c" \
  "$root/workers/jobs/png/ub-png-unfilter.c" "$root/workers/jobs/png/ub-png-whole.c" \
  "$root/workers/runtime/ub-error.c" \
  $(pkg-config --cflags --libs gio-2.0 libpng libdeflate) \
  -o "$out/ub-fuzz-png"

seeds=
if [ -d "$suite/png" ]; then
  seeds="$suite/png"
else
  echo "PngSuite not found at $suite: starting from an empty corpus" >&2
fi

cd "$here"
exec "$out/ub-fuzz-png" -max_total_time="$seconds" -rss_limit_mb=2048 \
  -timeout=10 "$@" corpus $seeds
