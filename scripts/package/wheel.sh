#!/usr/bin/env bash
# Builds the Python wheel from this tree with maturin (pinned, from PyPI),
# installs it into a fresh venv and runs `gorun-lint check fixtures/demo`
# through the installed command: it must exit 1 with the same findings as
# the binary cargo builds from the same tree.
#
# usage: scripts/package/wheel.sh
#   WHEEL_PROFILE=dist   build with the distribution profile (default: release)
#   WHEEL_OUT=DIR        also copy the wheel there
#   PACKAGE_KEEP=1       keep the scratch directory (venvs, wheel)
# Needs python3 (with venv), cargo, and PyPI.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
cd "$repo"
scratch wheel
profile=${WHEEL_PROFILE:-release}

log "== wheel: maturin $MATURIN_VERSION, profile $profile"
venv "$work/build" "maturin==$MATURIN_VERSION"
"$work/build/bin/maturin" build --locked --profile "$profile" --out "$work/dist" \
  --manifest-path Cargo.toml >&2
shopt -s nullglob
wheels=("$work"/dist/gorun_lint-*.whl)
[ "${#wheels[@]}" = 1 ] || die "expected one wheel in $work/dist, found: ${wheels[*]:-none}"
wheel=${wheels[0]}
log "built $(basename "$wheel") ($(du -h "$wheel" | cut -f1))"
if [ -n "${WHEEL_OUT:-}" ]; then mkdir -p "$WHEEL_OUT" && cp "$wheel" "$WHEEL_OUT/"; fi

# A fresh venv that has only the wheel: nothing from the tree or cargo.
venv "$work/run" --no-index "$wheel"
export PATH="$work/run/bin:$PATH"
found=$(command -v gorun-lint)
[ "$found" = "$work/run/bin/gorun-lint" ] || die "gorun-lint on PATH is $found, not the wheel's"
want_version="gorun-lint $(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)"
got_version=$(gorun-lint --version)
[ "$got_version" = "$want_version" ] || die "--version: got '$got_version', want '$want_version'"

# The expected answer: the binary cargo builds from this same tree.
ref=$(cargo_binary)
set +e
"$ref" check --color never fixtures/demo >"$work/want.txt" 2>&1
"$ref" check --format json fixtures/demo >"$work/want.json" 2>/dev/null
gorun-lint check --color never fixtures/demo >"$work/got.txt" 2>&1
rc=$?
gorun-lint check --format json fixtures/demo >"$work/got.json" 2>/dev/null
set -e
cat "$work/got.txt" >&2
[ "$rc" = 1 ] || die "gorun-lint check fixtures/demo exited $rc, want 1 (findings)"
want_summary=$(grep -E '^Found [0-9]+ findings?' "$work/want.txt") ||
  die "cargo's binary printed no 'Found N findings' line: $(cat "$work/want.txt")"
grep -qxF "$want_summary" "$work/got.txt" ||
  die "the wheel's binary did not print '$want_summary'"
cmp -s "$work/want.json" "$work/got.json" ||
  die "JSON findings differ between cargo's binary and the wheel's: $(diff "$work/want.json" "$work/got.json" | head -20)"
n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["diagnostics"]))' "$work/got.json")
[ "$n" -gt 0 ] || die "no diagnostics in the JSON output"
log "ok: wheel $(basename "$wheel") installs gorun-lint; demo: exit 1, '$want_summary', $n diagnostics as cargo's binary"
