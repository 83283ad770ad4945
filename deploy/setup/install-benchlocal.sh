#!/usr/bin/env bash
# benchlocal-cli (BenchLocal's behaviour packs: tool calls, instruction following, structured output …)
# for the benchlocal suite, in a project-local venv (.tools/benchlocal-venv).
#
# No registry serves benchlocal-cli: it is installed from the vendored source tarball
# ../shared/vendor/benchlocal-cli-47d1d66-src.tar.gz (v0.9.9; its sha256 is checked first). Its two
# dependencies (httpx, jsonschema) and their transitive ones come from PyPI, every version pinned, and so
# are the build tools (setuptools, wheel; the build runs without isolation), so CI and a laptop get the
# same set.
#
# Idempotent: a stamp file holds the tarball hash and pin list it was built from; a matching stamp and a
# working import mean nothing to do. Prints the `benchlocal-cli` executable's path as its LAST stdout line
# (test/support/tools.ts reads it). The benchlocal suite finds it there without PATH
# (activities/suites/external/find-tool.ts: findBenchlocal).
#
#   NIGHTSHIFT_BENCHLOCAL=/path/to/benchlocal-cli   use an existing executable instead
#   NIGHTSHIFT_VENDOR_DIR=/path/to/vendor           where the tarball is (default: ../shared/vendor)
set -euo pipefail
cd "$(dirname "$0")/../.."
SETUP_NAME=install-benchlocal
# shellcheck source=lib/common.sh
. deploy/setup/lib/common.sh

use_given_executable NIGHTSHIFT_BENCHLOCAL

VENV=".tools/benchlocal-venv"
TARBALL="benchlocal-cli-47d1d66-src.tar.gz"
SHA256="1ff1f3b3812b00b985412981236e1d231c501da67c7960d608a02da109e501dd"
BUILD=(setuptools==84.2.1 wheel==0.48.0 packaging==26.3)
DEPS=(
  httpx==0.28.1 httpcore==1.0.9 h11==0.16.0 anyio==4.16.0 idna==3.20 certifi==2026.10.18
  typing_extensions==4.16.0
  jsonschema==4.26.0 jsonschema-specifications==2025.9.1 referencing==0.37.0 rpds-py==2026.9.1
  attrs==26.1.0
)
STAMP_TEXT="$TARBALL $SHA256 ${BUILD[*]} ${DEPS[*]}"
STAMP="$VENV/.nightshift-pins"
CHECK='import benchlocal_cli.cli, httpx, jsonschema'

ready() {
  [ -x "$VENV/bin/benchlocal-cli" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$STAMP_TEXT" ] &&
    "$VENV/bin/python" -c "$CHECK" >/dev/null 2>&1
}

if ! ready; then
  verify_sha256 "$VENDOR/$TARBALL" "$SHA256"
  find_python
  echo "install-benchlocal: installing benchlocal-cli from $TARBALL into $VENV …" >&2
  rm -f "$STAMP"
  [ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV" >&2
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "${BUILD[@]}" "${DEPS[@]}" >&2
  # --no-deps: the pins above are the whole dependency set; --force-reinstall: a changed tarball with the
  # same version number (0.9.9) is still installed.
  "$VENV/bin/pip" install --quiet --disable-pip-version-check --no-deps --no-build-isolation \
    --force-reinstall "$VENDOR/$TARBALL" >&2
  "$VENV/bin/python" -c "$CHECK" >&2 || {
    echo "install-benchlocal: benchlocal-cli installed into $VENV but does not import" >&2
    exit 1
  }
  if [ ! -x "$VENV/bin/benchlocal-cli" ]; then
    echo "install-benchlocal: benchlocal-cli installed but $VENV/bin/benchlocal-cli is missing" >&2
    exit 1
  fi
  "$VENV/bin/pip" check >&2 || {
    echo "install-benchlocal: the pinned dependency set does not satisfy benchlocal-cli (pip check above)" >&2
    exit 1
  }
  printf '%s' "$STAMP_TEXT" >"$STAMP"
  echo "install-benchlocal: benchlocal-cli $("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("benchlocal-cli"))') ready" >&2
fi
echo "$(pwd)/$VENV/bin/benchlocal-cli"
