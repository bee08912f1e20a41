# shellcheck shell=bash
# Shared by the scripts/package/*.sh scripts. Sourced, not run.
# shellcheck disable=SC2034 # variables set here are read by the sourcing scripts

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# The pinned tools (PyPI, the Go module proxy). Bump them here.
MATURIN_VERSION=1.16.0
PRE_COMMIT_VERSION=4.7.0
ACTIONLINT_VERSION=v1.7.12

log() { printf '%s\n' "$*" >&2; }
die() { log "FAIL: $*"; exit 1; }

# A scratch directory, removed on exit unless PACKAGE_KEEP=1.
scratch() {
  work=$(mktemp -d "${TMPDIR:-/tmp}/gorun-lint-$1.XXXXXX")
  if [ "${PACKAGE_KEEP:-0}" = 1 ]; then
    log "keeping $work"
  else
    # shellcheck disable=SC2064 # expand now: $work is fixed from here on
    trap "rm -rf '$work'" EXIT
  fi
}

# venv DIR PACKAGE...: a fresh virtual environment with the packages.
venv() {
  local dir=$1
  shift
  python3 -m venv "$dir"
  "$dir/bin/python" -m pip install --quiet --disable-pip-version-check "$@"
}

# The binary that `cargo build` makes from this tree, for comparisons.
cargo_binary() {
  (cd "$repo" && cargo build --quiet --locked --bin gorun-lint)
  local dir
  dir=${CARGO_TARGET_DIR:-$repo/target}
  case $dir in /*) ;; *) dir=$repo/$dir ;; esac
  printf '%s\n' "$dir/debug/gorun-lint"
}
