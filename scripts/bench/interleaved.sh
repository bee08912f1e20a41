#!/usr/bin/env bash
# Interleaved timing of gorun-lint check and grep on one tree: the two
# commands alternate, so a change of machine load lands on both sides.
# Prints the medians and their ratio.
#
# usage: scripts/bench/interleaved.sh BIN TREE [REPS] [CHECK ARGS...]
#   e.g. scripts/bench/interleaved.sh target/release/gorun-lint /tmp/tree-4000 9 --only makefiles
# TREE is a tree from scripts/bench/gen-tree.py (BENCH_KEEP=1 run.sh keeps them).
set -euo pipefail
bin=$(realpath "$1")
tree=$2
reps=${3:-7}
shift $(( $# < 3 ? $# : 3 ))
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cd "$tree"
gl=()
gr=()
ms() { echo $(( ($2 - $1) / 1000000 )); }
for _ in $(seq "$reps"); do
  s=$(date +%s%N); "$bin" check --format json "$@" . >"$out/check.json" 2>/dev/null || true; e=$(date +%s%N)
  gl+=("$(ms "$s" "$e")")
  s=$(date +%s%N); grep -rn --include=Makefile 'go run' . >"$out/grep.txt" || true; e=$(date +%s%N)
  gr+=("$(ms "$s" "$e")")
done
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
mg=$(median "${gl[@]}")
mr=$(median "${gr[@]}")
echo "$(basename "$tree") ${*:-(all sources)}: gorun-lint median ${mg} ms [${gl[*]}], grep median ${mr} ms [${gr[*]}], ratio $(python3 -c "print(round($mg / max($mr, 1), 2))"), load $(cut -d' ' -f1-3 /proc/loadavg)"
