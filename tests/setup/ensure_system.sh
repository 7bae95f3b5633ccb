#!/usr/bin/env bash
# What the test suite needs from the system, besides the venv: Debian's Chromium (browser tests)
# with a Chinese font (the UI's default language, legible in the screenshots) and the PostgreSQL
# server binaries (throw-away servers for `make test DB=postgresql` and the
# multi-process scheduler tests). As root, installs whatever is missing with apt-get; otherwise
# stops and names what to install. Never skips. CHROMIUM and PG_BIN_GLOB say where to look.
set -euo pipefail

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
PG_BIN_GLOB=${PG_BIN_GLOB:-/usr/lib/postgresql/*/bin}
CJK_FONT=${CJK_FONT:-/usr/share/fonts/truetype/wqy/wqy-microhei.ttc}

missing() {
  local packages=()
  [ -x "$CHROMIUM" ] || packages+=(chromium)
  compgen -G "$PG_BIN_GLOB/initdb" >/dev/null || packages+=(postgresql)
  [ -f "$CJK_FONT" ] || packages+=(fonts-wqy-microhei)
  echo "${packages[@]}"
}

packages=$(missing)
[ -z "$packages" ] && exit 0
install="apt-get install -y --no-install-recommends $packages"
if [ "$(id -u)" -ne 0 ]; then
  echo "make test needs: $packages (looked for $CHROMIUM and $PG_BIN_GLOB/initdb)." >&2
  echo "Install as root, then run make test again:  apt-get update && $install" >&2
  exit 1
fi

echo "== installing what the tests need: $packages"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends $packages
still=$(missing)
if [ -n "$still" ]; then
  echo "apt-get did not provide: $still (looked for $CHROMIUM and $PG_BIN_GLOB/initdb)" >&2
  exit 1
fi
