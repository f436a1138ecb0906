#!/bin/sh
# Installs the build into a private DESTDIR and checks what a distribution
# would ship: the programs, the desktop file, the metainfo, the icons, the
# settings schema, the manual page, the README and a .mo file for every
# language in po/LINGUAS, each validated by the tool made for it.
# Exits 77 (skipped) only when a validator is missing, naming it.
#
#   tests/test-install.sh SOURCE_ROOT BUILD_ROOT PREFIX DATADIR BINDIR MANDIR LOCALEDIR
set -eu

src=$1 build=$2 prefix=$3 datadir=$4 bindir=$5 mandir=$6 localedir=$7
app_id=io.unblock.Unblock

missing=""
for tool in desktop-file-validate appstreamcli glib-compile-schemas; do
  command -v "$tool" > /dev/null 2>&1 || missing="$missing $tool"
done
if [ -n "$missing" ]; then
  echo "SKIP: not installed:$missing (build-aux/common.sh installs them)"
  exit 77
fi

dest=$(mktemp -d "${TMPDIR:-/tmp}/unblock-install-XXXXXX")
trap 'rm -rf "$dest"' EXIT
status=0

fail () {
  echo "FAIL: $*"
  status=1
}

# Relative install dirs are under the prefix; absolute ones stand alone.
under () {
  case "$1" in
    /*) printf '%s%s' "$dest" "$1" ;;
    *) printf '%s%s/%s' "$dest" "$prefix" "$1" ;;
  esac
}

if ! meson install -C "$build" --destdir "$dest" --no-rebuild --quiet > "$dest.log" 2>&1; then
  cat "$dest.log"
  rm -f "$dest.log"
  fail "meson install into a DESTDIR failed"
  exit 1
fi
rm -f "$dest.log"

bin=$(under "$bindir")
share=$(under "$datadir")
man=$(under "$mandir")
locale=$(under "$localedir")

for file in \
    "$bin/unblock" \
    "$bin/unblock-cli" \
    "$share/applications/$app_id.desktop" \
    "$share/metainfo/$app_id.metainfo.xml" \
    "$share/icons/hicolor/scalable/apps/$app_id.svg" \
    "$share/icons/hicolor/symbolic/apps/$app_id-symbolic.svg" \
    "$share/glib-2.0/schemas/$app_id.gschema.xml" \
    "$share/doc/unblock/README.md" \
    "$man/man1/unblock-cli.1"; do
  if [ -s "$file" ]; then echo "ok - installed ${file#"$dest"}"; else fail "not installed: ${file#"$dest"}"; fi
done

for lang in $(sed -e 's/#.*//' "$src/po/LINGUAS"); do
  mo="$locale/$lang/LC_MESSAGES/unblock.mo"
  if [ -s "$mo" ]; then echo "ok - translation $lang"; else fail "no translation for $lang: ${mo#"$dest"}"; fi
done

# The programs that were installed are the ones that run.
version=$(sed -n "s/^ *version: '\\([^']*\\)'.*/\\1/p" "$src/meson.build" | head -n 1)
for program in unblock unblock-cli; do
  if [ -x "$bin/$program" ] && [ "$("$bin/$program" --version 2>/dev/null)" = "$program $version" ]; then
    echo "ok - $program --version says $version"
  else
    fail "$program --version does not say “$program $version”"
  fi
done

desktop="$share/applications/$app_id.desktop"
if desktop-file-validate "$desktop"; then echo "ok - desktop-file-validate"; else fail "desktop-file-validate"; fi
grep -q '^Exec=unblock %U$' "$desktop" || fail "the desktop file's Exec is not “unblock %U”"
for type in image/png inode/directory; do
  grep -q "^MimeType=.*$type;" "$desktop" || fail "the desktop file's MimeType lacks $type"
done
grep -q "^Icon=$app_id$" "$desktop" || fail "the desktop file's Icon is not $app_id"

metainfo="$share/metainfo/$app_id.metainfo.xml"
if appstreamcli validate --no-net --pedantic --explain "$metainfo"; then
  echo "ok - appstreamcli validate --pedantic"
else
  fail "appstreamcli validate --pedantic"
fi
grep -q "<release version=\"$version\"" "$metainfo" || fail "the metainfo has no release $version"
grep -q '<content_rating type="oars-1.1"' "$metainfo" || fail "the metainfo has no OARS rating"
# Every screenshot is one of docs/screenshots, and there is at least one.
shots=$(sed -n 's|.*<image[^>]*>.*/docs/screenshots/\([^<]*\)</image>.*|\1|p' "$metainfo")
[ -n "$shots" ] || fail "the metainfo has no screenshots from docs/screenshots"
for shot in $shots; do
  [ -f "$src/docs/screenshots/$shot" ] || fail "the metainfo shows $shot, which docs/screenshots lacks"
done

if glib-compile-schemas --strict --dry-run "$share/glib-2.0/schemas"; then
  echo "ok - glib-compile-schemas --strict"
else
  fail "glib-compile-schemas --strict"
fi

# The manual page renders without a warning, where man is installed.
if command -v man > /dev/null 2>&1; then
  warnings=$(LC_ALL=C MANWIDTH=80 man --warnings -l "$man/man1/unblock-cli.1" 2>&1 > /dev/null || echo "man failed")
  if [ -z "$warnings" ]; then echo "ok - man renders unblock-cli.1"; else fail "man unblock-cli.1: $warnings"; fi
  grep -q "^\\.TH UNBLOCK-CLI 1 .*unblock $version" "$man/man1/unblock-cli.1" || fail "the manual page is not for $version"
else
  echo "# man is not installed: the manual page was not rendered"
fi

exit "$status"
