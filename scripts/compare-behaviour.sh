#!/usr/bin/env bash
# Behaviour of the working tree against a previous commit, byte for byte: a
# refactoring must not change what gorun-lint prints, or how it exits.
#
# Builds the base commit (default HEAD: the last commit) in a temporary
# `git worktree` (removed on exit) and the working tree, then runs both
# binaries on the same inputs and compares stdout, stderr and the exit code
# of every case:
#
#   1. `check --format json .`, `fix --diff .` and `fix --diff
#      --unsafe-fixes .` with the working directory at every directory
#      under fixtures/ (fixtures/ itself, fixtures/demo, fixtures/e2e/*,
#      fixtures/check/*, fixtures/sources/*, fixtures/guard/*, and every
#      directory below them); `check --format json FILE` for every regular
#      file under fixtures/check (from its pos/ or neg/ module root).
#   2. The generated benchmark trees (scripts/bench/gen-tree.py --files N)
#      of 400, 4,000 and 40,000 Makefiles: `check --format json .` and
#      `fix --diff .`; and the single `--fix-makefile` input: `check` and
#      `fix --diff`.
#
# The inputs are copies in a temporary directory (the fixtures under the
# same path for both binaries, so paths in the output compare equal),
# never the repository's own fixtures. `fix --diff` must write nothing:
# after every run the copy is checked (names, sizes, mtimes) and, when
# something changed, the changed files are added to that run's compared
# output and the copy is made again.
#
# Prints one line per case (`same`, or `DIFFERENT` with the first differing
# line), then `N cases compared, M different`; exits 1 when any case
# differs, 0 when none does, 2 on a setup error (a build that fails, a bad
# argument). The outputs of the differing cases are kept in the report
# directory.
#
# usage: scripts/compare-behaviour.sh [--base REV] [--quick]
#   --base REV  the commit to compare against (default HEAD)
#   --quick     the fixtures and the 400-file tree only (CI)
#
# Both binaries are built with `cargo build --release` without LTO and with
# 16 codegen units (much faster on a small machine; behaviour is the same),
# each in its own target directory under target/compare/ (base/, new/), so
# that dependencies are not rebuilt from one run to the next.
#
# Environment:
#   GORUN_LINT_BASE_BIN  use this binary as the base, build nothing
#   GORUN_LINT_NEW_BIN   use this binary as the new one, build nothing
#   COMPARE_OUT          report directory (default target/compare/report)
#   COMPARE_KEEP=1       keep the temporary work directory
#
# Needs: git, cargo, python3 (3.11+, stdlib), cmp, diff.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)

log() { printf '%s\n' "$*" >&2; }
# Setup errors exit 2, never 1 (1 means: behaviour differs).
die() { log "error: $*"; exit 2; }

usage="usage: $(basename "$0") [--base REV] [--quick]"
base_rev=HEAD
quick=0
while [ $# -gt 0 ]; do
  case $1 in
    --base)
      [ $# -ge 2 ] || die "--base needs a revision ($usage)"
      base_rev=$2
      shift
      ;;
    --base=*) base_rev=${1#--base=} ;;
    --quick) quick=1 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1 ($usage)" ;;
  esac
  shift
done
if [ "$quick" = 1 ]; then
  sizes=(400)
else
  sizes=(400 4000 40000)
fi

start=$SECONDS
out=${COMPARE_OUT:-$repo/target/compare/report}
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/gorun-lint-compare.XXXXXX")
worktree=""
cleanup() {
  if [ -n "$worktree" ] && [ -d "$worktree" ]; then
    git -C "$repo" worktree remove --force "$worktree" >/dev/null 2>&1 || true
    git -C "$repo" worktree prune >/dev/null 2>&1 || true
  fi
  if [ "${COMPARE_KEEP:-0}" = 1 ]; then
    log "work directory kept: $work"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

# --- the two binaries -------------------------------------------------------

cargo_build() { # SRC_DIR TARGET_DIR
  (cd "$1" && CARGO_TARGET_DIR=$2 cargo build --release --quiet \
    --config 'profile.release.lto=false' \
    --config 'profile.release.codegen-units=16')
}

abs_bin() { # PATH: the absolute path of an executable, or die
  if [ ! -f "$1" ] || [ ! -x "$1" ]; then die "$1 is not an executable"; fi
  printf '%s/%s\n' "$(cd "$(dirname "$1")" && pwd)" "$(basename "$1")"
}

base_commit=$(git -C "$repo" rev-parse --verify --quiet "$base_rev^{commit}") ||
  die "--base $base_rev: not a commit"
if [ -n "${GORUN_LINT_BASE_BIN:-}" ]; then
  base_bin=$(abs_bin "$GORUN_LINT_BASE_BIN")
  log "base: GORUN_LINT_BASE_BIN=$base_bin (not built; --base ignored)"
else
  worktree=$work/base-src
  log "+ git worktree add --detach $worktree $base_rev (${base_commit:0:12})"
  git -C "$repo" worktree add --detach --quiet "$worktree" "$base_commit" ||
    die "git worktree add failed"
  log "+ cargo build --release (base ${base_commit:0:12}, target/compare/base)"
  cargo_build "$worktree" "$repo/target/compare/base" || die "the base build failed"
  base_bin=$repo/target/compare/base/release/gorun-lint
  git -C "$repo" worktree remove --force "$worktree" >/dev/null 2>&1 || true
  git -C "$repo" worktree prune >/dev/null 2>&1 || true
  worktree=""
fi
if [ -n "${GORUN_LINT_NEW_BIN:-}" ]; then
  new_bin=$(abs_bin "$GORUN_LINT_NEW_BIN")
  log "new: GORUN_LINT_NEW_BIN=$new_bin (not built)"
else
  log "+ cargo build --release (working tree, target/compare/new)"
  cargo_build "$repo" "$repo/target/compare/new" || die "the working tree's build failed"
  new_bin=$repo/target/compare/new/release/gorun-lint
fi
[ -x "$base_bin" ] || die "no binary at $base_bin"
[ -x "$new_bin" ] || die "no binary at $new_bin"
log "built in $((SECONDS - start)) s"

# --- inputs -----------------------------------------------------------------

# An input is a directory under $work with a way to make it again:
# restore_input NAME recreates $work/NAME from scratch.
restore_input() {
  local name=$1
  rm -rf "${work:?}/$name"
  case $name in
    fixtures) cp -a "$repo/fixtures" "$work/fixtures" ;;
    fixmk) python3 "$repo/scripts/bench/gen-tree.py" --fix-makefile --out "$work/fixmk" >/dev/null ;;
    tree-*) python3 "$repo/scripts/bench/gen-tree.py" --files "${name#tree-}" --out "$work/$name" >/dev/null ;;
    *) die "unknown input $name" ;;
  esac
  listing "$work/$name" > "$work/$name.ls"
}

# Names, types, sizes, modes and mtimes of everything in a tree (in find's
# order, which is the same from one run to the next while nothing changes).
listing() { find "$1" -printf '%P\t%y\t%s\t%m\t%T@\n'; }

# --- cases ------------------------------------------------------------------

cases=0
different=0
mkdir -p "$work/case"

# run_side INPUT CWD DEST CMD...: runs CMD in $work/INPUT/CWD, output in
# DEST.{stdout,stderr,rc}.
run_side() {
  local input=$1 cwd=$2 dest=$3
  shift 3
  local rc=0
  (cd "$work/$input/$cwd" &&
    env -u GORUN_LINT_TIMINGS -u NO_COLOR \
      "$@" >"$dest.stdout" 2>"$dest.stderr" </dev/null) || rc=$?
  echo "exit $rc" > "$dest.rc"
}

# modified INPUT: whether $work/INPUT differs from its listing.
modified() {
  listing "$work/$1" > "$work/after.ls"
  ! cmp -s "$work/after.ls" "$work/$1.ls"
}

# What changed in INPUT (path, type, size, mode; not the mtimes, which
# differ from one run to the next), appended to DEST.rc; INPUT is restored.
record_modification() {
  local input=$1 dest=$2
  {
    echo "the input was modified:"
    diff <(cut -f1-4 "$work/$input.ls" | LC_ALL=C sort) \
      <(cut -f1-4 "$work/after.ls" | LC_ALL=C sort) || true
  } >> "$dest.rc"
  restore_input "$input"
}

# case NAME INPUT CWD -- ARGS...: one case, both binaries.
case_() {
  local name=$1 input=$2 cwd=$3
  shift 4
  cases=$((cases + 1))
  local dir=$work/case
  run_side "$input" "$cwd" "$dir/base" "$base_bin" "$@"
  run_side "$input" "$cwd" "$dir/new" "$new_bin" "$@"
  if modified "$input"; then
    # Run again from a fresh input, looking after each binary.
    restore_input "$input"
    run_side "$input" "$cwd" "$dir/base" "$base_bin" "$@"
    if modified "$input"; then record_modification "$input" "$dir/base"; fi
    run_side "$input" "$cwd" "$dir/new" "$new_bin" "$@"
    if modified "$input"; then record_modification "$input" "$dir/new"; fi
  fi
  local stream first=""
  for stream in rc stdout stderr; do
    if ! cmp -s "$dir/base.$stream" "$dir/new.$stream"; then
      first+=" $stream: $(first_difference "$dir/base.$stream" "$dir/new.$stream")"
    fi
  done
  if [ -z "$first" ]; then
    printf 'same       %s\n' "$name"
  else
    different=$((different + 1))
    printf 'DIFFERENT  %s:%s\n' "$name" "$first"
    local keep=$out/$cases
    mkdir -p "$keep"
    cp "$dir"/base.* "$dir"/new.* "$keep/"
    printf '%s\n' "$name" > "$keep/case"
  fi
}

# The first differing line of two files (base, new), both sides, shortened.
first_difference() {
  local a=$1 b=$2 msg line
  msg=$(cmp "$a" "$b" 2>&1 | head -n 1) || true
  case $msg in
    *EOF*) # one is a prefix of the other: its first extra line
      line=$(diff "$a" "$b" | grep -m 1 '^[<>]' | cut -c1-160) || true
      case $line in
        "<"*) printf "base goes on with '%s'" "${line#< }" ;;
        *) printf "new goes on with '%s'" "${line#> }" ;;
      esac
      return
      ;;
  esac
  line=$(printf '%s\n' "$msg" | sed -n 's/.*, line \([0-9]*\)$/\1/p')
  printf "line %s: base '%s' new '%s'" "$line" \
    "$(sed -n "${line}{p;q}" "$a" | cut -c1-160)" "$(sed -n "${line}{p;q}" "$b" | cut -c1-160)"
}

# --- 1. fixtures ------------------------------------------------------------

restore_input fixtures
dirs=()
while IFS= read -r -d '' d; do dirs+=("$d"); done \
  < <(cd "$work" && find fixtures -type d -print0 | LC_ALL=C sort -z)
# The directory D of the repository, inside the copy of fixtures/.
in_copy() { local rel=${1#fixtures}; rel=${rel#/}; printf '%s\n' "${rel:-.}"; }
for d in "${dirs[@]}"; do
  case_ "check $d" fixtures "$(in_copy "$d")" -- check --format json .
done
for d in "${dirs[@]}"; do
  case_ "fix --diff $d" fixtures "$(in_copy "$d")" -- fix --diff .
  case_ "fix --diff --unsafe-fixes $d" fixtures "$(in_copy "$d")" -- fix --diff --unsafe-fixes .
done
files=()
while IFS= read -r -d '' f; do files+=("$f"); done \
  < <(cd "$work" && find fixtures/check -type f -print0 | LC_ALL=C sort -z)
for f in "${files[@]}"; do
  # From the module root (fixtures/check/GROUP/pos or neg) when the file
  # is in one, else from the file's directory.
  IFS=/ read -r _ _ group sub rest <<< "$f"
  if [ -n "${rest:-}" ]; then
    cwd=check/$group/$sub arg=$rest
  else
    cwd=$(in_copy "$(dirname "$f")") arg=$(basename "$f")
  fi
  case_ "check $f" fixtures "$cwd" -- check --format json "$arg"
done

# --- 2. generated trees -----------------------------------------------------

for n in "${sizes[@]}"; do
  log "+ gen-tree.py --files $n"
  restore_input "tree-$n"
  case_ "check tree of $n" "tree-$n" . -- check --format json .
  case_ "fix --diff tree of $n" "tree-$n" . -- fix --diff .
  rm -rf "${work:?}/tree-$n"
done
restore_input fixmk
case_ "check --fix-makefile input" fixmk . -- check --format json .
case_ "fix --diff --fix-makefile input" fixmk . -- fix --diff .

echo "$cases cases compared, $different different ($((SECONDS - start)) s)"
if [ "$different" -gt 0 ]; then
  echo "outputs of the differing cases: $out"
  exit 1
fi
