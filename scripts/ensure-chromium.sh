#!/usr/bin/env bash
# Install Debian's chromium for the browser tests when it is missing and we may (root + apt-get).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium missing and cannot be installed here (need root and apt-get); browser tests will skip" >&2
  exit 0
fi
echo "installing chromium (apt-get) for the browser tests..."
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
  || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
  || echo "chromium could not be installed; browser tests will skip" >&2
