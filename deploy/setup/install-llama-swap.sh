#!/usr/bin/env bash
# Installs llama-swap (the model-swapping proxy Nightshift benchmarks through) into .tools/bin, pinned
# BY COMMIT: llama-swap's release tags (v1xx) are not semantic versions, so `go install …@latest`
# resolves to an ancient v0.1.x. The pinned commit's module zip carries internal/server/ui_dist (the
# built UI is committed there), so a plain `go install` builds without a UI build step.
#
# Idempotent: an existing pinned binary is reused. Prints the binary's path as its LAST stdout line
# (test/support/tools.ts reads it).
#
#   LLAMA_SWAP_BIN=/path/to/llama-swap   use an existing binary instead (e.g. Homebrew's on a Mac)
#   LLAMA_SWAP_COMMIT=<sha>              build another commit
#
# When the Go module proxy refuses the module (it answers 403 "not available" in some sandboxes), the
# script says so on stderr, prints no path and exits 0, so CI's install loop continues; tests that need
# llama-swap then report themselves skipped with that reason. Any other failure exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/../.."

COMMIT="${LLAMA_SWAP_COMMIT:-02e015fa49d6d3871d6f57e15373e7fb7051062c}"
MODULE=github.com/mostlygeek/llama-swap
BIN_DIR="$PWD/.tools/bin"
DEST="$BIN_DIR/llama-swap-${COMMIT:0:12}"

if [ -n "${LLAMA_SWAP_BIN:-}" ]; then
  if [ ! -x "$LLAMA_SWAP_BIN" ]; then
    echo "LLAMA_SWAP_BIN=$LLAMA_SWAP_BIN is not an executable file" >&2
    exit 1
  fi
  echo "$LLAMA_SWAP_BIN"
  exit 0
fi

if [ -x "$DEST" ]; then
  echo "$DEST"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "install-llama-swap: Go is not installed (needed to build llama-swap from the module proxy);" \
    "install Go or set LLAMA_SWAP_BIN" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "install-llama-swap: building $MODULE@${COMMIT:0:12} …" >&2
# GOFLAGS=-mod=mod: never consult a go.mod/vendor of the surrounding directory.
if ! GOBIN="$work/bin" GOFLAGS=-mod=mod GOTOOLCHAIN="${GOTOOLCHAIN:-auto}" \
  go install "$MODULE@$COMMIT" >"$work/log" 2>&1; then
  cat "$work/log" >&2
  if grep -qE '403 Forbidden|410 Gone|not available' "$work/log"; then
    echo "install-llama-swap: NOT INSTALLED — the Go module proxy refuses $MODULE here." \
      "Set LLAMA_SWAP_BIN to an existing llama-swap binary to run the llama-swap integration tests." >&2
    exit 0
  fi
  echo "install-llama-swap: go install failed (see above)" >&2
  exit 1
fi

mkdir -p "$BIN_DIR"
built="$(find "$work/bin" -type f -name 'llama-swap*' | head -n 1)"
if [ -z "$built" ]; then
  echo "install-llama-swap: go install produced no llama-swap binary in $work/bin" >&2
  exit 1
fi
mv "$built" "$DEST.tmp"
mv "$DEST.tmp" "$DEST"
ln -sfn "$(basename "$DEST")" "$BIN_DIR/llama-swap"
echo "$DEST"
