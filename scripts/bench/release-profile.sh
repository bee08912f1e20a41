#!/usr/bin/env bash
# Build time of the release binary under several LTO settings, taking turns
# (A B C, then C B A, ...) so that a change of machine load lands on every
# setting. Per setting and round: a clean build from scratch in the
# setting's own target dir, then a rebuild after touching src/lib.rs (what a
# contributor pays for each edit: the gorun-lint crate and the link, LTO
# included). The settings are given through cargo's CARGO_PROFILE_RELEASE_*
# variables, so Cargo.toml's profiles are not changed. Prints one line per
# build, then the medians, with the binary size; BENCHMARKS.md ("Release
# profile") has the numbers.
#
# usage: scripts/bench/release-profile.sh [ROUNDS]   (default 2)
#   BENCH_OUT=DIR   keeps the target dirs (default: a temp dir, removed)
#   BENCH_CLEAN=0   no clean builds: only rebuilds, in BENCH_OUT's dirs
#   BENCH_REBUILD=0 no rebuilds: only clean builds
#   BENCH_ONLY="off fat"   only these settings, in this order
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-2}
out=${BENCH_OUT:-$(mktemp -d)}
[ -n "${BENCH_OUT:-}" ] || trap 'rm -rf "$out"' EXIT
clean=${BENCH_CLEAN:-1}
# name:lto:codegen-units
settings=("fat:fat:1" "thin:thin:16" "off:false:16")
if [ -n "${BENCH_ONLY:-}" ]; then
  all=("${settings[@]}")
  settings=()
  for want in $BENCH_ONLY; do
    for s in "${all[@]}"; do [ "${s%%:*}" != "$want" ] || settings+=("$s"); done
  done
fi
cargo fetch --locked >/dev/null
declare -A times
build() { # NAME LTO CGU: one cargo build in NAME's target dir; prints seconds
  local s e
  s=$(date +%s%N)
  CARGO_TARGET_DIR="$out/$1" CARGO_PROFILE_RELEASE_LTO=$2 \
    CARGO_PROFILE_RELEASE_CODEGEN_UNITS=$3 \
    cargo build --release --locked --offline --quiet
  e=$(date +%s%N)
  echo $(( (e - s) / 1000000000 ))
}
one() {
  local name lto cgu secs
  IFS=: read -r name lto cgu <<<"$1"
  if [ "$clean" = 1 ]; then
    rm -rf "${out:?}/$name"
    secs=$(build "$name" "$lto" "$cgu")
    times[$name.clean]+="$secs "
    echo "$name (lto=$lto, codegen-units=$cgu): clean ${secs} s, $(stat -c %s "$out/$name/release/gorun-lint") bytes, load $(cut -d' ' -f1-3 /proc/loadavg)"
  fi
  [ "${BENCH_REBUILD:-1}" = 1 ] || return 0
  touch src/lib.rs
  secs=$(build "$name" "$lto" "$cgu")
  times[$name.rebuild]+="$secs "
  echo "$name (lto=$lto, codegen-units=$cgu): rebuild after touching src/lib.rs ${secs} s, load $(cut -d' ' -f1-3 /proc/loadavg)"
}
for r in $(seq "$rounds"); do
  if [ $((r % 2)) = 1 ]; then order=("${settings[@]}"); else
    order=(); for ((i=${#settings[@]}-1; i>=0; i--)); do order+=("${settings[i]}"); done; fi
  for s in "${order[@]}"; do one "$s"; done
done
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
for s in "${settings[@]}"; do
  name=${s%%:*}
  for kind in clean rebuild; do
    [ -n "${times[$name.$kind]:-}" ] || continue
    # shellcheck disable=SC2086 # space-separated numbers
    echo "$name $kind: median $(median ${times[$name.$kind]}) s [${times[$name.$kind]% }]"
  done
done
