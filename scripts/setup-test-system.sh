#!/usr/bin/env bash
# System packages the integration tests use (Debian/Ubuntu, as root or with sudo):
#   postgresql                 drafts on a real PostgreSQL server (tests/test_store_postgres.py)
#   chromium, chromium-driver  the real-browser test of the review screen (tests/test_browser.py)
# Installs only what is missing; when everything is there it returns at once, without apt-get.
set -euo pipefail
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
