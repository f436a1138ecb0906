#!/bin/sh
# The translations at work: with LANGUAGE set to each language of
# po/LINGUAS that has a check below, the CLI's help, an error built in a
# worker (the number parser, the PNG reader), the app's own --help and the
# merged desktop file and metainfo are translated from the build's
# catalogues; with no language, and with a catalogue tree that lacks the
# language, the same output is English. Every po/LANG.po passes
# `msgfmt --check`.
#
#   tests/test-translation.sh SOURCE_ROOT BUILD_ROOT
set -eu

src=$1 build=$2
cli=$build/app/unblock-cli
app=$build/app/unblock
status=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok () { echo "ok - $*"; }
fail () { echo "not ok - $*"; status=1; }

# contains WHAT TEXT OUTPUT-FILE
contains () {
  if grep -qF -- "$2" "$3"; then ok "$1: “$2”"; else fail "$1 lacks “$2”:"; sed 's/^/# /' "$3"; fi
}
lacks () {
  if grep -qF -- "$2" "$3"; then fail "$1 has “$2”"; else ok "$1 without “$2”"; fi
}

# run LANG OUTPUT-FILE COMMAND…: stdout and stderr of COMMAND in LANG, from
# the build's catalogues (LANG "" for none).
run () {
  lang=$1 out=$2
  shift 2
  env -u LANG -u LC_MESSAGES LC_ALL=C.UTF-8 LANGUAGE="$lang" \
      UNBLOCK_LOCALEDIR="${LOCALEDIR_OVERRIDE:-$build/po}" "$@" > "$out" 2>&1 || true
}

for po in "$src"/po/*.po; do
  if msgfmt --check --output-file=/dev/null "$po" 2> "$tmp/msgfmt"; then
    ok "msgfmt --check $(basename "$po")"
  else
    fail "msgfmt --check $(basename "$po")"
    sed 's/^/# /' "$tmp/msgfmt"
  fi
done

printf '\x89PNG\r\n\x1a\n' > "$tmp/short.png"
echo "not an image" > "$tmp/text.png"

languages=$(sed -e 's/#.*//' "$src/po/LINGUAS")
if ! printf '%s\n' $languages | grep -qx de; then
  echo "ok - # SKIP po/LINGUAS has no de: no strings to look for"
  exit "$status"
fi

mo=$build/po/de/LC_MESSAGES/unblock.mo
[ -s "$mo" ] && ok "built $mo" || fail "no $mo"

run de "$tmp/help" "$cli" help
contains "unblock-cli help in German" "Aufruf: unblock-cli BEFEHL" "$tmp/help"
run de "$tmp/primes-help" "$cli" primes --help
contains "unblock-cli primes --help in German" "Die Primzahlen in einem Bereich zählen" "$tmp/primes-help"
run de "$tmp/number" "$cli" primes count 12abc
contains "the number parser's error in German" "„12abc“ ist keine Zahl" "$tmp/number"
contains "the argument's name in German" "BIS:" "$tmp/number"
run de "$tmp/png" "$cli" png info "$tmp/text.png"
contains "the PNG reader's error in German" "Keine PNG-Datei: falsche Signatur" "$tmp/png"
run de "$tmp/app-help" "$app" --help
contains "unblock --help in German" "Die angegebene Seite beim Start zeigen" "$tmp/app-help"

# The negative controls: no language, and a tree without the catalogue.
run "" "$tmp/help-c" "$cli" help
contains "unblock-cli help with no language" "Usage: unblock-cli COMMAND" "$tmp/help-c"
lacks "unblock-cli help with no language" "Aufruf" "$tmp/help-c"
run "" "$tmp/number-c" "$cli" primes count 12abc
contains "the number parser's error with no language" "“12abc” is not a number" "$tmp/number-c"
mkdir "$tmp/empty"
LOCALEDIR_OVERRIDE=$tmp/empty run de "$tmp/help-none" "$cli" help
contains "unblock-cli help without the catalogue" "Usage: unblock-cli COMMAND" "$tmp/help-none"

# The desktop file and the metainfo, merged at build time.
desktop=$build/data/io.unblock.Unblock.desktop
if grep -q '^Comment\[de\]=..*' "$desktop"; then ok "the desktop file has Comment[de]"; else fail "$desktop has no Comment[de]"; fi
metainfo=$build/data/io.unblock.Unblock.metainfo.xml
if grep -q 'xml:lang="de">Die erste Version:<' "$metainfo"; then
  ok "the metainfo's release notes in German"
else
  fail "$metainfo has no German release notes"
fi

exit "$status"
