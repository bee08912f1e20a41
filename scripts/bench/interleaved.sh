#!/usr/bin/env bash
# Interleaved timing of gorun-lint check and grep on one tree: the commands
# take turns, so a change of machine load lands on every side. Prints the
# medians and their ratios to grep.
#
# usage: scripts/bench/interleaved.sh BIN[,BIN...] TREE [REPS] [CHECK ARGS...]
#   e.g. scripts/bench/interleaved.sh target/release/gorun-lint /tmp/tree-4000 9 --only makefiles
# Several binaries (comma-separated) are timed in the same rounds, e.g. a
# build before and after a change, or an experiment build (BENCHMARKS.md).
# TREE is a tree from scripts/bench/gen-tree.py (BENCH_KEEP=1 run.sh keeps them).
set -euo pipefail
IFS=, read -r -a bins <<<"$1"
for i in "${!bins[@]}"; do bins[i]=$(realpath "${bins[i]}"); done
tree=$2
reps=${3:-7}
shift $(( $# < 3 ? $# : 3 ))
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cd "$tree"
declare -A times
ms() { echo $(( ($2 - $1) / 1000000 )); }
for _ in $(seq "$reps"); do
  for b in "${!bins[@]}"; do
    s=$(date +%s%N); "${bins[b]}" check --format json "$@" . >"$out/check.json" 2>/dev/null || true; e=$(date +%s%N)
    times[$b]+="$(ms "$s" "$e") "
  done
  s=$(date +%s%N); grep -rn --include=Makefile 'go run' . >"$out/grep.txt" || true; e=$(date +%s%N)
  times[grep]+="$(ms "$s" "$e") "
done
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
# shellcheck disable=SC2086 # the lists are space-separated numbers
mr=$(median ${times[grep]})
for b in "${!bins[@]}"; do
  # shellcheck disable=SC2086
  mg=$(median ${times[$b]})
  echo "$(basename "$tree") ${*:-(all sources)}: ${bins[b]} median ${mg} ms [${times[$b]% }], grep median ${mr} ms [${times[grep]% }], ratio $(python3 -c "print(round($mg / max($mr, 1), 2))"), load $(cut -d' ' -f1-3 /proc/loadavg)"
done
