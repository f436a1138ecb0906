# Shared by build-aux/run and build-aux/test: install what is missing,
# configure once, build incrementally. Sourced, not executed.

UB_SOURCE_ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$UB_SOURCE_ROOT"

# Debian/Ubuntu packages the build and the test suite need.
UB_PACKAGES="
  gcc
  meson
  ninja-build
  pkg-config
  libglib2.0-dev
  libgtk-4-dev
  libadwaita-1-dev
  libpng-dev
  zlib1g-dev
  libdeflate-dev
  librsvg2-common
  xvfb
  xauth
  libxtst-dev
  desktop-file-utils
  appstream
  gettext
  coreutils
"

ub_log () {
  printf '%s\n' "$*" >&2
}

ub_missing_packages () {
  missing=""
  for pkg in $UB_PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    case "$status" in
      *"install ok installed"*) ;;
      *) missing="$missing $pkg" ;;
    esac
  done
  printf '%s' "$missing"
}

ub_install_dependencies () {
  if ! command -v dpkg-query >/dev/null 2>&1; then
    ub_log "build-aux: not a Debian/Ubuntu system; install GTK 4, libpng, meson and Xvfb yourself."
    return 0
  fi

  missing=$(ub_missing_packages "$@")
  if [ -z "$missing" ]; then
    return 0
  fi

  if [ "$(id -u)" -eq 0 ]; then
    sudo=""
  elif command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
  else
    ub_log "build-aux: missing packages:$missing"
    ub_log "build-aux: run as root or install sudo, then try again."
    exit 1
  fi

  ub_log "build-aux: installing:$missing"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  # shellcheck disable=SC2086
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
}

# ub_build BUILDDIR [meson setup options...]
ub_build () {
  builddir=$1
  shift
  if [ ! -f "$builddir/build.ninja" ]; then
    meson setup "$builddir" "$@"
  fi
  meson compile -C "$builddir"
}

# The environment GTK needs to run headless (see docs/TESTING.md).
ub_headless_env () {
  export GDK_BACKEND=x11
  export GSK_RENDERER=cairo
  export GDK_DEBUG=gl-disable
  export GTK_A11Y=none
  export NO_AT_BRIDGE=1
  export UB_TEST_NEEDS_DISPLAY=1
}
