#!/usr/bin/env bash
# Runs the real pre-commit (pinned, from PyPI) with this repository's
# .pre-commit-hooks.yaml, as a user's `rev:` would: `pre-commit try-repo
# <checkout> gorun-lint --all-files` in two throwaway git repositories.
#   dirty: a Makefile recipe runs `go run ./scripts/gen`, an extension-less,
#          non-executable shell script and a Procfile run other helpers, and
#          an extension-less binary file sits beside them: the hook must fail
#          and print all three findings (and not choke on the binary).
#   clean: the same kinds of files without a `go run`: the hook must pass.
# pre-commit pip-installs the checkout (`language: python`), which builds
# the binary from source through maturin: this needs cargo and PyPI.
#
# try-repo tries the checkout's HEAD commit; with changes to tracked files it
# commits them to a shadow clone first, but it leaves untracked files out. So
# when the checkout has untracked files, this script tries a snapshot
# repository of the working tree instead (said loudly), so a new file is
# tested before it is committed. Each try-repo installs the hook into a
# store of its own (it ignores PRE_COMMIT_HOME), so the two runs build twice;
# a shared CARGO_TARGET_DIR (exported, default: the checkout's target/)
# keeps the second build to the gorun-lint crate itself.
#
# usage: scripts/package/pre-commit.sh     (PACKAGE_KEEP=1 keeps the scratch dir)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
cd "$repo"
scratch pre-commit
export PRE_COMMIT_HOME=$work/home   # private: nothing lands in ~/.cache/pre-commit
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$repo/target}
case $CARGO_TARGET_DIR in /*) ;; *) CARGO_TARGET_DIR=$repo/$CARGO_TARGET_DIR ;; esac
export GIT_AUTHOR_NAME=gorun-lint-test GIT_AUTHOR_EMAIL=test@example.invalid
export GIT_COMMITTER_NAME=gorun-lint-test GIT_COMMITTER_EMAIL=test@example.invalid
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null

log "== pre-commit $PRE_COMMIT_VERSION"
venv "$work/tools" "pre-commit==$PRE_COMMIT_VERSION"
pre_commit=$work/tools/bin/pre-commit

git -C "$repo" rev-parse --git-dir >/dev/null 2>&1 || die "$repo is not a git checkout"
hooks_repo=$repo
if [ -n "$(git -C "$repo" ls-files --others --exclude-standard)" ]; then
  log "NOTE: the checkout has untracked files, which try-repo would leave out: trying a snapshot of the working tree"
  hooks_repo=$work/snapshot
  git init -q "$hooks_repo"
  git -C "$repo" ls-files -z --cached --others --exclude-standard |
    (cd "$repo" && while IFS= read -r -d '' f; do
      [ -e "$f" ] && printf '%s\0' "$f"
    done) | (cd "$repo" && xargs -0 cp --parents -t "$hooks_repo")
  git -C "$hooks_repo" add -A
  git -C "$hooks_repo" commit -q -m snapshot
fi

# new_repo DIR: an empty git repository with a Go module.
new_repo() {
  mkdir -p "$1"
  git init -q "$1"
  printf 'module example.com/throwaway\n\ngo 1.24\n' >"$1/go.mod"
}
main_go() { mkdir -p "$1" && printf 'package main\n\nfunc main() {}\n' >"$1/main.go"; }

dirty=$work/dirty
new_repo "$dirty"
printf '.PHONY: gen\ngen:\n\tgo run ./scripts/gen\n' >"$dirty/Makefile"
main_go "$dirty/scripts/gen"
mkdir -p "$dirty/tools"
printf '#!/bin/sh\nset -e\ngo run ./tools/regen-api\n' >"$dirty/tools/regen"   # no extension, not executable
main_go "$dirty/tools/regen-api"
printf 'web: go run ./cmd/web\n' >"$dirty/Procfile"
main_go "$dirty/cmd/web"
printf 'GIF89a\0\0\1\0' >"$dirty/tools/blob"   # binary, no extension
git -C "$dirty" add -A && git -C "$dirty" commit -q -m dirty

clean=$work/clean
new_repo "$clean"
printf '.PHONY: build test\nbuild:\n\tgo build ./...\ntest:\n\tgo test ./...\n' >"$clean/Makefile"
main_go "$clean/cmd/app"
mkdir -p "$clean/scripts"
printf '#!/bin/sh\ngo vet ./...\n' >"$clean/scripts/lint"
printf 'web: ./bin/app\n' >"$clean/Procfile"
git -C "$clean" add -A && git -C "$clean" commit -q -m clean

# try DIR: try-repo the hook in DIR; sets rc and out.
try() {
  log "-- pre-commit try-repo $hooks_repo gorun-lint --all-files   (in $(basename "$1"))"
  set +e
  out=$(cd "$1" && "$pre_commit" try-repo "$hooks_repo" gorun-lint --all-files --color never 2>&1)
  rc=$?
  set -e
  printf '%s\n' "$out" >&2
}

try "$dirty"
[ "$rc" != 0 ] || die "the hook passed on a repository with go run callsites"
grep -qE '^gorun-lint\.+Failed$' <<<"$out" || die "no 'gorun-lint...Failed' line"
for where in 'Makefile:3:' 'tools/regen:3:' 'Procfile:1:'; do
  grep -qF -- "$where" <<<"$out" || die "the finding at $where is not in the hook's output"
done
grep -qE '^Found 3 findings' <<<"$out" || die "want 'Found 3 findings'"
if grep -qiE 'binary file|^error' <<<"$out"; then die "the hook read the binary file or failed otherwise"; fi

try "$clean"
[ "$rc" = 0 ] || die "the hook failed on a repository without go run callsites (exit $rc)"
grep -qE '^gorun-lint\.+Passed$' <<<"$out" || die "no 'gorun-lint...Passed' line"

log "ok: pre-commit try-repo: fails with the 3 findings on the dirty repository, passes on the clean one"
