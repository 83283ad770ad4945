#!/usr/bin/env bash
# systemd-analyze (Debian's systemd package), which test/deploy/deploy-files.test.ts uses to verify
# deploy/systemd/nightshift-worker.service. Idempotent; prints the systemd-analyze path last. On macOS
# there is no systemd: it says so and prints nothing (the test runs on Linux only).
set -euo pipefail
cd "$(dirname "$0")/../.."
SETUP_NAME=install-deploy-checks
if [ "$(uname -s)" != "Linux" ]; then
  echo "$SETUP_NAME: systemd-analyze exists on Linux only; skipping" >&2
  exit 0
fi
if ! command -v systemd-analyze >/dev/null 2>&1; then
  if [ "$(id -u)" != "0" ]; then
    echo "$SETUP_NAME: systemd-analyze is not installed; run: sudo apt-get install -y systemd" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends systemd >&2
  echo "$SETUP_NAME: installed systemd ($(systemd-analyze --version | head -1))" >&2
else
  echo "$SETUP_NAME: systemd-analyze present ($(systemd-analyze --version | head -1))" >&2
fi
command -v systemd-analyze
