#!/usr/bin/env bash
# The code sandbox for the packs that execute model-written code (HumanEval+, LiveCodeBench, the
# bug-finding and shell packs; activities/sandbox/), without Docker:
#
#   Linux  bubblewrap (Debian package `bubblewrap`), plus, where the sandbox user cannot use what is
#          there: Debian's golang-go and rustc (when the worker runs as root the sandbox runs as nobody,
#          which cannot read a rustup toolchain under /root), and python3-venv.
#   macOS  /usr/bin/sandbox-exec is built in; nothing to install but the venv.
#
# Both: a Python venv for the code packs, .tools/sandbox-venv, made from the system Python (readable by
# the sandbox user) with numpy pinned (the HumanEval+ tests import it); and a warm Go build cache,
# .tools/sandbox-go-cache, that each execution copies (building the standard library cold costs ~8 s).
#
# Idempotent: stamps record what each step was built from. Prints the sandbox program's path
# (bwrap or sandbox-exec) as its LAST stdout line (test/support/tools.ts reads it).
set -euo pipefail
cd "$(dirname "$0")/../.."
SETUP_NAME=install-sandbox
# shellcheck source=lib/common.sh
. deploy/setup/lib/common.sh

VENV=".tools/sandbox-venv"
GO_CACHE=".tools/sandbox-go-cache"
NUMPY="numpy==2.3.5"
OS="$(uname -s)"

apt_install() { # PACKAGE...
  if ! command -v apt-get >/dev/null 2>&1 || [ "$(id -u)" != 0 ]; then
    echo "$SETUP_NAME: please install $* (this script installs them itself only as root on Debian/Ubuntu)" >&2
    exit 1
  fi
  echo "$SETUP_NAME: installing $* …" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2 || {
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
  }
}

# Runs a command as the user the sandbox runs as (nobody when we are root), to see what it can use.
as_sandbox_user() {
  if [ "$(id -u)" = 0 ]; then setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; else "$@"; fi
}

usable_rustc() {
  local rustc sysroot
  for rustc in "$(command -v rustc || true)" /usr/bin/rustc; do
    [ -n "$rustc" ] && [ -x "$rustc" ] || continue
    sysroot="$("$rustc" --print sysroot 2>/dev/null)" || continue
    as_sandbox_user "$sysroot/bin/rustc" --version >/dev/null 2>&1 && { echo "$sysroot/bin/rustc"; return 0; }
  done
  return 1
}

usable_go() {
  local go
  for go in "$(command -v go || true)" /usr/local/go/bin/go /usr/lib/go/bin/go; do
    [ -n "$go" ] && [ -x "$go" ] || continue
    as_sandbox_user "$go" version >/dev/null 2>&1 && { echo "$go"; return 0; }
  done
  return 1
}

if [ "$OS" = Linux ]; then
  command -v bwrap >/dev/null 2>&1 || apt_install bubblewrap
  command -v prlimit >/dev/null 2>&1 && command -v setpriv >/dev/null 2>&1 || apt_install util-linux
  /usr/bin/python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || apt_install python3-venv
  usable_go >/dev/null || apt_install golang-go
  usable_rustc >/dev/null || apt_install rustc
  SANDBOX="$(command -v bwrap)"
  BASE_PY=/usr/bin/python3
elif [ "$OS" = Darwin ]; then
  SANDBOX=/usr/bin/sandbox-exec
  [ -x "$SANDBOX" ] || { echo "$SETUP_NAME: $SANDBOX is missing" >&2; exit 1; }
  find_python
  BASE_PY="$PY"
else
  echo "$SETUP_NAME: no sandbox for $OS (Linux: bubblewrap, macOS: sandbox-exec)" >&2
  exit 1
fi

# The venv: from the system Python, so a sandbox user that cannot read a home directory can run it.
STAMP="$VENV/.nightshift-pins"
STAMP_TEXT="$("$BASE_PY" -c 'import sys; print(sys.version.split()[0])') $NUMPY"
if ! { [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$STAMP_TEXT" ] && "$VENV/bin/python" -c 'import numpy' >/dev/null 2>&1; }; then
  echo "$SETUP_NAME: building $VENV ($NUMPY) …" >&2
  rm -rf "$VENV"
  "$BASE_PY" -m venv "$VENV" >&2
  "$VENV/bin/pip" install --quiet --disable-pip-version-check --only-binary=:all: "$NUMPY" >&2
  printf '%s' "$STAMP_TEXT" >"$STAMP"
fi

# The warm Go cache: the standard-library packages test programs use, built with the environment the
# sandbox sets (activities/sandbox/runtimes.ts), so the entries match.
GO="$(usable_go || true)"
if [ -n "$GO" ]; then
  GO_STAMP_TEXT="$("$GO" version)"
  if ! { [ -f "$GO_CACHE/.nightshift-go" ] && [ "$(cat "$GO_CACHE/.nightshift-go")" = "$GO_STAMP_TEXT" ]; }; then
    echo "$SETUP_NAME: warming $GO_CACHE ($GO_STAMP_TEXT) …" >&2
    rm -rf "$GO_CACHE"
    mkdir -p "$GO_CACHE"
    WARM="$(mktemp -d)"
    printf 'module warm\n\ngo 1.19\n' >"$WARM/go.mod"
    printf 'package warm\n\nimport (\n\t"fmt"\n\t"sort"\n\t"strings"\n)\n\nfunc Warm() string { s := []string{"b", "a"}; sort.Strings(s); return fmt.Sprint(strings.Join(s, ",")) }\n' >"$WARM/warm.go"
    printf 'package warm\n\nimport "testing"\n\nfunc TestWarm(t *testing.T) { if Warm() != "a,b" { t.Fatal(Warm()) } }\n' >"$WARM/warm_test.go"
    GOROOT_DIR="$(dirname "$(dirname "$(readlink -f "$GO")")")"
    CACHE_DIR="$(pwd)/$GO_CACHE"
    go_env() { env -i PATH=/usr/bin:/bin HOME="$WARM" GOROOT="$GOROOT_DIR" GOCACHE="$CACHE_DIR" GOPATH="$WARM/gopath" \
      GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-mod=mod GOTELEMETRY=off CGO_ENABLED=0 "$@"; }
    (cd "$WARM" && go_env "$GO" test -count=1 -vet=off ./... >&2)
    (cd "$WARM" && go_env "$GO" build strconv errors math unicode bytes bufio slices maps os sync time regexp >&2)
    rm -rf "$WARM"
    printf '%s' "$GO_STAMP_TEXT" >"$GO_CACHE/.nightshift-go"
  fi
fi
# Readable by the sandbox user (root's umask may be 077 on some systems).
chmod -R a+rX "$VENV" "$GO_CACHE" 2>/dev/null || true
echo "$SANDBOX"
