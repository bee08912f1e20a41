#!/usr/bin/env bash
# Tests action.yml's scripts (scripts/action/*.sh) against a local fake
# release laid out as release.yml publishes it (archives made by
# scripts/package/archive.sh, SHA256SUMS by sha256sum), served through
# file:// URLs (GORUN_LINT_RELEASE_URL):
#   - the action's tag (ACTION_REF=v<version>) picks that release; a branch
#     ref picks latest; the binary lands on GITHUB_PATH and runs;
#   - a wrong checksum and a missing release fail, and put nothing on PATH;
#   - a runner with no archive (Linux/ARM) installs the wheel with pip
#     (from ACTION_WHEEL_DIR, e.g. WHEEL_OUT of scripts/package/wheel.sh);
#   - run.sh: exit code 1 as a step output on the demo, GitHub annotations,
#     and with sarif=true a SARIF file with the demo's results.
# usage: [ACTION_WHEEL_DIR=DIR] scripts/package/action.sh
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
cd "$repo"
scratch action
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
bin=$(cargo_binary)

log "== action: fake release v$version"
rel=$work/releases
mkdir -p "$rel/download/v$version"
for t in x86_64-unknown-linux-musl x86_64-apple-darwin; do
  bash scripts/package/archive.sh "$t" "$bin" "$rel/download/v$version" >/dev/null
done
(cd "$rel/download/v$version" && sha256sum -- * >SHA256SUMS)
mkdir -p "$rel/latest" && cp -r "$rel/download/v$version" "$rel/latest/download"
export GORUN_LINT_RELEASE_URL=file://$rel

# install NAME ACTION_REF INPUT_VERSION RUNNER_ARCH: runs install.sh in a
# runner dir of its own; sets rc, out and gp (the GITHUB_PATH file).
install() {
  local rt=$work/runner-$1
  mkdir -p "$rt/temp"
  gp=$rt/github_path
  : >"$gp"
  set +e
  out=$(ACTION_REF=$2 INPUT_VERSION=$3 RUNNER_OS=Linux RUNNER_ARCH=$4 RUNNER_TEMP=$rt/temp \
    GITHUB_PATH=$gp bash scripts/action/install.sh 2>&1)
  rc=$?
  set -e
  printf '%s\n' "$out" | sed "s/^/  [$1] /" >&2
}
installed_ok() {
  [ "$rc" = 0 ] || die "$1: install.sh exited $rc"
  [ "$(wc -l <"$gp")" = 1 ] || die "$1: GITHUB_PATH should have one line: $(cat "$gp")"
  [ "$("$(cat "$gp")/gorun-lint" --version)" = "gorun-lint $version" ] ||
    die "$1: the binary on GITHUB_PATH is not gorun-lint $version"
}

install tag "v$version" "" X64
installed_ok tag
grep -qF "download/v$version/gorun-lint-x86_64-unknown-linux-musl.tar.gz" <<<"$out" ||
  die "tag: did not download the v$version archive"
grep -qF "SHA-256 verified" <<<"$out" || die "tag: no checksum verification reported"

install branch main "" X64
installed_ok branch
grep -qF "latest/download/gorun-lint-x86_64-unknown-linux-musl.tar.gz" <<<"$out" ||
  die "branch: did not take the latest release"

cp "$rel/download/v$version/SHA256SUMS" "$work/sums.good"
# flip the first hex digit of every line
awk '{ $1 = (substr($1, 1, 1) == "0" ? "1" : "0") substr($1, 2); print $1 "  " $2 }' \
  "$work/sums.good" >"$rel/download/v$version/SHA256SUMS"
install tampered "" "$version" X64
cp "$work/sums.good" "$rel/download/v$version/SHA256SUMS"
[ "$rc" != 0 ] || die "tampered: a wrong checksum was accepted"
grep -qF "checksum mismatch" <<<"$out" || die "tampered: no 'checksum mismatch' message"
[ ! -s "$gp" ] || die "tampered: something was put on GITHUB_PATH"

install missing "" 9.9.9 X64
[ "$rc" != 0 ] || die "missing: a release that does not exist was accepted"
[ ! -s "$gp" ] || die "missing: something was put on GITHUB_PATH"

if [ -n "${ACTION_WHEEL_DIR:-}" ]; then
  PIP_NO_INDEX=1 PIP_FIND_LINKS=$ACTION_WHEEL_DIR install pip "" "$version" ARM
  installed_ok pip
  grep -qF "installing the wheel with pip" <<<"$out" || die "pip: the fallback did not say so"
  pip_note=tested
else
  log "SKIPPED: the pip fallback (no ACTION_WHEEL_DIR; scripts/package/wheel.sh with WHEEL_OUT=DIR makes one)"
  [ -z "${CI:-}" ] || die "CI is set: the pip fallback must be tested"
  pip_note="NOT tested"
fi

log "== action: run.sh on fixtures/demo"
install run "v$version" "" X64
installed_ok run
PATH="$(cat "$gp"):$PATH"
export PATH
cp -r fixtures/demo "$work/demo"
# run_sh NAME ARGS SARIF: sets rc, out and code (the exit-code output).
run_sh() {
  local go=$work/out-$1
  : >"$go"
  set +e
  out=$(cd "$work/demo" && INPUT_ARGS=$2 INPUT_SARIF=$3 INPUT_SARIF_FILE=$work/$1.sarif \
    GITHUB_OUTPUT=$go bash "$repo/scripts/action/run.sh" 2>&1)
  rc=$?
  set -e
  code=$(sed -n 's/^exit-code=//p' "$go")
}
run_sh annotations "check --format github ." false
[ "$rc" = 0 ] || die "run.sh itself failed: $out"
[ "$code" = 1 ] || die "exit-code output is '$code', want 1: $out"
grep -qE '^::error file=Makefile,line=[0-9]+' <<<"$out" || die "no ::error annotation for the demo's Makefile: $out"

run_sh sarif "check --format github ." true
if [ "$rc" != 0 ] || [ "$code" != 1 ]; then die "sarif: rc $rc, exit-code '$code': $out"; fi
python3 - "$work/sarif.sarif" <<'PY' || die "sarif: not a SARIF report with results"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["version"] == "2.1.0", doc["version"]
results = doc["runs"][0]["results"]
assert results and all(r["ruleId"].startswith("GR") for r in results), results
PY

run_sh bad "check --format json ." true
[ "$rc" != 0 ] || die "sarif with --format in args was accepted"

log "ok: action scripts: tag/latest install with SHA-256 verified, bad checksum and missing release refused, pip fallback $pip_note, annotations and SARIF"
