#!/usr/bin/env bash
# Installs llama-swap (the model-swapping proxy Nightshift benchmarks through) into .tools/bin, built
# from the vendored source tarball ../shared/vendor/llama-swap-v250-src.tar.gz (release v250, commit
# 60226b63; its sha256 is checked first). `go build .` fetches the Go dependencies go.sum pins from the
# Go module proxy. A plain build serves no web UI (the UI needs the `embed_ui` tag and an npm build);
# Nightshift only uses the API.
#
# Idempotent: an existing v250 binary that answers -version is reused. Prints the binary's path as its
# LAST stdout line (test/support/tools.ts reads it).
#
#   LLAMA_SWAP_BIN=/path/to/llama-swap    use an existing binary instead (e.g. Homebrew's on a Mac)
#   NIGHTSHIFT_VENDOR_DIR=/path/to/vendor where the tarball is (default: ../shared/vendor)
set -euo pipefail
cd "$(dirname "$0")/../.."
SETUP_NAME=install-llama-swap
# shellcheck source=lib/common.sh
. deploy/setup/lib/common.sh

VERSION=v250
COMMIT=60226b63
TARBALL="llama-swap-$VERSION-src.tar.gz"
SHA256="4e6c323340f6fc03442d0925d8e98eff42d3272c73aa21ab40e6781de2cb4d57"
BIN_DIR="$PWD/.tools/bin"
DEST="$BIN_DIR/llama-swap-$VERSION"

use_given_executable LLAMA_SWAP_BIN

if [ -x "$DEST" ] && "$DEST" -version 2>/dev/null | grep -q "version: $VERSION "; then
  ln -sfn "$(basename "$DEST")" "$BIN_DIR/llama-swap"
  echo "$DEST"
  exit 0
fi

verify_sha256 "$VENDOR/$TARBALL" "$SHA256"
if ! command -v go >/dev/null 2>&1; then
  echo "install-llama-swap: Go is not installed (needed to build llama-swap $VERSION); install Go or set LLAMA_SWAP_BIN" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tar -xzf "$VENDOR/$TARBALL" -C "$work"
src="$work/llama-swap-$VERSION"
if [ ! -f "$src/go.mod" ]; then
  echo "install-llama-swap: $TARBALL has no llama-swap-$VERSION/go.mod" >&2
  exit 1
fi

echo "install-llama-swap: building llama-swap $VERSION ($COMMIT) with $(go version) …" >&2
# -mod=readonly: build exactly what go.mod/go.sum pin (the module proxy serves them, checked against
# go.sum). GOTOOLCHAIN=auto lets an older local Go fetch the toolchain go.mod asks for (go 1.26.1) from the
# module proxy. -buildvcs=false: the tarball is no repository (and must not pick up a surrounding one).
# main.version/commit are what `llama-swap -version` and /api/version report (the Makefile sets them so).
start=$SECONDS
if ! (cd "$src" && GOFLAGS="-mod=readonly -buildvcs=false" GOTOOLCHAIN="${GOTOOLCHAIN:-auto}" \
  go build -trimpath -ldflags "-X main.version=$VERSION -X main.commit=$COMMIT" -o "$work/llama-swap" . \
  >"$work/log" 2>&1); then
  cat "$work/log" >&2
  echo "install-llama-swap: go build failed (see above)" >&2
  exit 1
fi
echo "install-llama-swap: built in $((SECONDS - start))s" >&2

if ! "$work/llama-swap" -version >&2; then
  echo "install-llama-swap: the built binary does not run (-version failed)" >&2
  exit 1
fi
mkdir -p "$BIN_DIR"
mv "$work/llama-swap" "$DEST.tmp"
mv "$DEST.tmp" "$DEST"
ln -sfn "$(basename "$DEST")" "$BIN_DIR/llama-swap"
echo "install-llama-swap: installed $DEST (symlink $BIN_DIR/llama-swap)" >&2
echo "$DEST"
