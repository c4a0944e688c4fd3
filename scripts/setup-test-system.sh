#!/usr/bin/env bash
# System packages the integration tests use (Debian/Ubuntu, as root or with sudo):
#   postgresql                 drafts on a real PostgreSQL server (tests/test_store_postgres.py)
#   chromium, chromium-driver  the real-browser test of the review screen (tests/test_browser.py)
# Installs only what is missing; when everything is there it returns at once, without apt-get.
set -euo pipefail
# First, what the public site's tests need (tests/publish/), then the checks above for the other tests:
#   libpango-1.0-0, libpangoft2-1.0-0, fonts-dejavu-core   WeasyPrint makes the PDF documents (also in scripts/setup.sh)
#   nodejs, npm                                            to install axe-core, injected by the browser test of the site
#   axe-core (npm, pinned)   into .venv/npm (ignored, removed by make clean); the test never fetches it
AXE_VERSION=4.14.1
AXE_PREFIX="$(cd "$(dirname "$0")/.." && pwd)/.venv/npm"
site_missing=()
ls /usr/lib/*/libpango-1.0.so.0 >/dev/null 2>&1 || site_missing+=(libpango-1.0-0)
ls /usr/lib/*/libpangoft2-1.0.so.0 >/dev/null 2>&1 || site_missing+=(libpangoft2-1.0-0)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || site_missing+=(fonts-dejavu-core)
command -v npm >/dev/null 2>&1 || site_missing+=(nodejs npm)
if [ "${#site_missing[@]}" -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
  echo "setup: installing ${site_missing[*]} for the site's tests (apt-get)"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${site_missing[@]}" >/dev/null
fi
if ! grep -qs "\"version\": \"$AXE_VERSION\"" "$AXE_PREFIX/node_modules/axe-core/package.json"; then
  echo "setup: installing axe-core $AXE_VERSION into $AXE_PREFIX (npm)"
  mkdir -p "$AXE_PREFIX"
  npm install --silent --no-audit --no-fund --prefix "$AXE_PREFIX" "axe-core@$AXE_VERSION" >/dev/null
fi

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
echo "setup: installing ${missing[*]} for the tests (apt-get)"
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

