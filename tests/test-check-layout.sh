#!/bin/sh
# The layout check's own test: on small trees made here, a job's type
# string spelled outside its folder fails the check (as itself, with "&"
# or "@", and inside a longer string), while a generic one passes.
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

expect () {
  want=$1
  text=$2
  printf '%s\n' "$text" > "$tmp/ui/ub-page.c"
  if "$check" "$tmp" > /dev/null 2>&1; then got=pass; else got=fail; fi
  if [ "$got" = "$want" ]; then
    echo "ok - $want: $text"
  else
    echo "not ok - $text should $want the check, it did $got"
    status=1
  fi
}

expect pass 'int x;'
expect pass 'g_variant_new ("(s)", path); g_variant_new ("a{sv}", NULL);'
expect fail 'g_variant_new ("(suut)", path, 1, 2, 3);'
expect fail 'g_variant_get (v, "(&suut)", &path, NULL, NULL, NULL);'
expect fail 'g_variant_get (v, "((ttttb)t)");'
expect fail 'g_variant_new ("(tta(ttttb))", from, to, parts);'

exit $status
