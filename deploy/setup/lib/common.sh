# Shared by deploy/setup/install-*.sh (sourced, not run): the steps every installer takes the same way.
# Each function names the calling script (SETUP_NAME) in its messages.

# An executable the user named in an environment variable wins over installing: print it and stop.
use_given_executable() { # VAR_NAME
  local var="$1" path="${!1:-}"
  [ -n "$path" ] || return 0
  if [ ! -x "$path" ]; then
    echo "$SETUP_NAME: $var=$path is not an executable file" >&2
    exit 1
  fi
  echo "$path"
  exit 0
}

sha256_of() { # FILE
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1; else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

# Refuses a file whose sha256 is not the pinned one (a changed tarball is never built or installed).
verify_sha256() { # FILE EXPECTED
  local actual
  if [ ! -f "$1" ]; then
    echo "$SETUP_NAME: $1 not found (set NIGHTSHIFT_VENDOR_DIR to the folder holding it)" >&2
    exit 1
  fi
  actual="$(sha256_of "$1")"
  if [ "$actual" != "$2" ]; then
    echo "$SETUP_NAME: $1 has sha256 $actual, expected $2; refusing to use it" >&2
    exit 1
  fi
}

# The Python 3.10+ the venvs are made from, in $PY.
find_python() {
  PY="$(command -v python3 || command -v python || true)"
  if [ -z "$PY" ] || ! "$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)'; then
    echo "$SETUP_NAME: Python >= 3.10 is needed (found: ${PY:-none})" >&2
    exit 1
  fi
}

# Vendored sources (../shared/vendor beside the checkout unless NIGHTSHIFT_VENDOR_DIR says otherwise).
VENDOR="${NIGHTSHIFT_VENDOR_DIR:-$(pwd)/../shared/vendor}"
