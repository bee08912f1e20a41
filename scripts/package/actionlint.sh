#!/usr/bin/env bash
# Lints the GitHub Actions files:
#   - every workflow (.github/workflows/*.yml) with actionlint (pinned, built
#     with `go install` from the Go module proxy), whose `run:` scripts it
#     checks with shellcheck;
#   - action.yml: actionlint does not lint action metadata on its own, only
#     through a workflow step that uses it: release.yml's `uses: ./` step
#     makes it read action.yml and check the inputs that step passes
#     (names, required ones) and the metadata it knows (runs.using, the
#     composite steps' keys);
#   - the action's scripts (scripts/action/*.sh, what action.yml's one-line
#     `run:` steps call) and these packaging scripts, with shellcheck itself.
# Two probes prove the checks are live: a copy of the workflows with a
# `uses: ./` step passing an input action.yml lacks, and one with a `run:`
# step shellcheck rejects, must each fail actionlint.
#
# usage: scripts/package/actionlint.sh
#   ACTIONLINT_BIN_DIR=DIR   where actionlint is installed (default .ci/tools)
# Needs go (1.24+), and shellcheck (apt-get installs it when root).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
cd "$repo"
scratch actionlint

bindir=${ACTIONLINT_BIN_DIR:-$repo/.ci/tools}
actionlint=$bindir/actionlint
if ! [ -x "$actionlint" ] || ! "$actionlint" -version | grep -qx "$ACTIONLINT_VERSION"; then
  command -v go >/dev/null 2>&1 || die "go is needed to install actionlint"
  log "installing actionlint $ACTIONLINT_VERSION with go install"
  mkdir -p "$bindir"
  GOBIN=$bindir go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
fi
if ! command -v shellcheck >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -q >&2 && apt-get install -y -q shellcheck >&2
  fi
fi
command -v shellcheck >/dev/null 2>&1 ||
  die "shellcheck is not installed (apt-get install shellcheck): actionlint would skip every run: script"
shellcheck=$(command -v shellcheck)
log "== $("$actionlint" -version | head -n1) with $(shellcheck --version | sed -n 's/^version: /shellcheck /p')"

lint() { "$actionlint" -no-color -shellcheck="$shellcheck" -pyflakes=; }

lint
log "ok: actionlint on .github/workflows/*.yml (and action.yml through release.yml's uses: ./)"
shellcheck -x scripts/action/*.sh scripts/package/*.sh
log "ok: shellcheck on scripts/action/*.sh scripts/package/*.sh"

# probe NAME STEP MESSAGE: a copy of the repository's actions files plus a
# workflow with STEP must fail actionlint with MESSAGE.
probe() {
  local dir=$work/$1
  mkdir -p "$dir/.github/workflows" "$dir/scripts"
  git init -q "$dir"
  cp action.yml "$dir/"
  cp -r scripts/action "$dir/scripts/"
  cp .github/workflows/*.yml "$dir/.github/workflows/"
  printf '%s\n' 'on: push' 'jobs:' '  probe:' '    runs-on: ubuntu-latest' '    steps:' \
    '      - uses: actions/checkout@v6' "$2" >"$dir/.github/workflows/probe.yml"
  set +e
  out=$(cd "$dir" && lint 2>&1)
  rc=$?
  set -e
  [ "$rc" != 0 ] || die "probe $1: actionlint passed a workflow it should reject"
  grep -qF -- "$3" <<<"$out" || die "probe $1: actionlint failed without '$3': $out"
  log "ok: probe $1 rejected ($3)"
}
probe action-input "      - { uses: ./, with: { no-such-input: x } }" 'input "no-such-input" is not defined in action'
# shellcheck disable=SC2016 # the $1 is the probe's shell text
probe shellcheck '      - run: cd $1' 'shellcheck reported issue'
