#!/usr/bin/env bash
# Debian's Chromium for the viewer's browser tests (driven by playwright-core; Playwright's own browser
# download cannot work here). Idempotent; prints the browser path last.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" != "0" ]; then
    echo "chromium is not installed; run: sudo apt-get install -y chromium" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2
fi
command -v chromium
