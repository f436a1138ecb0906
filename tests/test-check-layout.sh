#!/bin/sh
# The layout check's own test, on small trees made here: GTK included
# anywhere under workers/ fails the check, and so does a job's header or
# libpng included by the runtime, while the runtime's own headers and GLib
# pass; a job's type string spelled outside its folder fails (as itself,
# with "&" or "@", and inside a longer string), while a generic one passes.
#
#   tests/test-check-layout.sh CHECK-LAYOUT
set -eu

check=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

mkdir -p "$tmp/workers/runtime" "$tmp/workers/jobs/demo" "$tmp/ui" "$tmp/app" "$tmp/tests"
cat > "$tmp/workers/jobs/demo/ub-demo-jobs.c" <<'SOURCE'
#define RECORD_TYPE "(ttttb)"
  g_variant_get (params, "(&suut)", &path, &width, &height, &seed);
  return g_variant_new ("(@(ttttb)t)", record, bytes);
SOURCE

cat > "$tmp/workers/runtime/ub-thing.h" <<'SOURCE'
#pragma once
SOURCE

# expect pass|fail FILE TEXT: the check over the tree with TEXT as FILE.
expect_in () {
  want=$1
  file=$2
  text=$3
  printf '%s\n' "$text" > "$tmp/$file"
  if "$check" "$tmp" > /dev/null 2>&1; then got=pass; else got=fail; fi
  rm -f "$tmp/$file"
  shown=$(printf '%s' "$text" | tr '\n' ' ')
  if [ "$got" = "$want" ]; then
    echo "ok - $want: $file: $shown"
  else
    echo "not ok - $file: $shown should $want the check, it did $got"
    status=1
  fi
}

expect () {
  expect_in "$1" ui/ub-page.c "$2"
}

expect_in pass workers/runtime/ub-thing.c '#include "config.h"
#include <gio/gio.h>
#include "ub-thing.h"'
expect_in fail workers/runtime/ub-thing.c '#include <gtk/gtk.h>'
expect_in fail workers/jobs/demo/ub-demo.c '#include <gtk/gtk.h>'
expect_in fail workers/jobs/demo/ub-demo.h '  #  include "gdk/gdk.h"'
expect_in fail workers/runtime/ub-thing.c '#include "ub-demo-jobs.h"'
expect_in fail workers/runtime/ub-thing.h '#include <png.h>'
expect_in fail workers/runtime/ub-thing.c '#include <zlib.h>'

expect pass 'int x;'
expect pass 'g_variant_new ("(s)", path); g_variant_new ("a{sv}", NULL);'
expect fail 'g_variant_new ("(suut)", path, 1, 2, 3);'
expect fail 'g_variant_get (v, "(&suut)", &path, NULL, NULL, NULL);'
expect fail 'g_variant_get (v, "((ttttb)t)");'
expect fail 'g_variant_new ("(tta(ttttb))", from, to, parts);'

exit $status
