#!/bin/sh
# The POTFILES check's own test: on small trees made here, a file with a
# translatable string that po/POTFILES.in leaves out fails the check (for
# each way of marking a string), a listed file that does not exist fails
# it, a message xgettext warns about fails it, and a complete list
# passes.
#
#   tests/test-check-potfiles.sh CHECK-POTFILES
set -eu

check=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

mkdir -p "$tmp/po" "$tmp/ui" "$tmp/app" "$tmp/data" "$tmp/workers"

# expect WANT FILE CONTENT POTFILES-LINES...
expect () {
  want=$1 file=$2 content=$3
  shift 3
  rm -f "$tmp/ui/"* "$tmp/app/"* "$tmp/data/"*
  printf '%s\n' "$content" > "$tmp/$file"
  printf '%s\n' "# a comment" "$@" > "$tmp/po/POTFILES.in"
  if "$check" "$tmp" > /dev/null 2>&1; then got=pass; else got=fail; fi
  if [ "$got" = "$want" ]; then
    echo "ok - $want: $file with '$content', list: $*"
  else
    echo "not ok - $file with '$content', list: $* should $want the check, it did $got"
    status=1
  fi
}

expect pass ui/a.c 'int x = 1; char *s = "plain";'
expect pass ui/a.c 'x = _("Open");' ui/a.c
expect fail ui/a.c 'x = _("Open");'
expect fail ui/a.c 'x = _ ("Open");'
expect fail ui/a.c 'static const char *n = N_("Open");'
expect fail app/b.c 'x = C_("verb", "Open");'
expect fail ui/a.c 'x = g_dngettext (GETTEXT_PACKAGE, "%u file", "%u files", n);'
expect pass ui/a.c 'x = G_("not a marker"); y = my_("nor this");'
ui='<interface><object class="GtkLabel"><property name="label" translatable="yes">Open</property></object></interface>'
expect fail ui/a.ui "$ui"
expect pass ui/a.ui "$ui" ui/a.ui
expect fail data/x.desktop.in '[Desktop Entry]'
expect pass data/x.desktop.in '[Desktop Entry]' data/x.desktop.in
expect fail ui/a.c 'x = _("Open");' ui/a.c ui/gone.c
# A format macro inside a translatable string, on one line or across two.
expect fail ui/a.c 'x = _("%" G_GUINT64_FORMAT " files");' ui/a.c
expect fail ui/a.c "$(printf 'x = _("at byte %%"\n      G_GUINT64_FORMAT);')" ui/a.c
expect pass ui/a.c 'x = _("%llu files"); y = g_strdup_printf ("%" G_GUINT64_FORMAT, n);' ui/a.c
# Where xgettext is installed, a message it warns about fails the check.
if command -v xgettext > /dev/null 2>&1; then
  expect fail ui/a.c 'x = _("\rOpen");' ui/a.c
else
  echo "ok - # SKIP xgettext is not installed: extraction not checked"
fi

rm -f "$tmp/po/POTFILES.in"
if "$check" "$tmp" > /dev/null 2>&1; then
  echo "not ok - a tree without po/POTFILES.in should fail the check"
  status=1
else
  echo "ok - fail: no po/POTFILES.in"
fi

exit "$status"
