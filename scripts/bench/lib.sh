# shellcheck shell=bash
# shellcheck disable=SC2034 # variables set here are read by the sourcing scripts
# Shared helpers of scripts/bench/run.sh and scripts/bench/fix-saves.sh.
# Sourced, not run. Needs bash 4+ and python3 (stdlib only).

bench_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

log() { printf '%s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

is_root() { [ "$(id -u)" = 0 ]; }

# apt_install PKG: install a Debian package when running as root; returns 1
# (without failing the script) when that is not possible.
apt_install() {
  is_root || return 1
  command -v apt-get >/dev/null 2>&1 || return 1
  if ! apt-get install -y -q "$1" >/dev/null 2>&1; then
    apt-get update -q >/dev/null 2>&1 || return 1
    apt-get install -y -q "$1" >/dev/null 2>&1 || return 1
  fi
}

# Quote words so hyperfine's own word splitting (-N, no shell) reads them back.
quote_words() {
  local out="" w
  for w in "$@"; do
    out+="'${w//\'/\'\\\'\'}' "
  done
  printf '%s' "${out% }"
}

# The binary under test: $GORUN_LINT_BIN when set (nothing is built), else
# built with cargo in the given profile.
build_binary() {
  local profile=${1:-release}
  if [ -n "${GORUN_LINT_BIN:-}" ]; then
    BIN=$(cd "$(dirname "$GORUN_LINT_BIN")" && pwd)/$(basename "$GORUN_LINT_BIN")
    [ -x "$BIN" ] || die "GORUN_LINT_BIN=$GORUN_LINT_BIN is not an executable"
    log "using GORUN_LINT_BIN=$BIN (not rebuilt)"
    return
  fi
  local target_dir=${CARGO_TARGET_DIR:-$bench_repo/target}
  if [ "$profile" = release ]; then
    log "+ cargo build --release"
    (cd "$bench_repo" && cargo build --release --quiet) || die "cargo build --release failed"
    BIN="$target_dir/release/gorun-lint"
  else
    log "+ cargo build"
    (cd "$bench_repo" && cargo build --quiet) || die "cargo build failed"
    BIN="$target_dir/debug/gorun-lint"
  fi
  [ -x "$BIN" ] || die "no binary at $BIN"
}

# USE_HYPERFINE=1 when hyperfine is there (or installed when `want` and root).
setup_hyperfine() {
  local want=$1
  USE_HYPERFINE=0
  if [ "${BENCH_HYPERFINE:-1}" = 0 ]; then
    log "BENCH_HYPERFINE=0: using a bash timing loop"
  elif command -v hyperfine >/dev/null 2>&1; then
    USE_HYPERFINE=1
  elif [ "$want" = 1 ]; then
    log "hyperfine is missing; installing it with apt-get"
    if apt_install hyperfine && command -v hyperfine >/dev/null 2>&1; then
      USE_HYPERFINE=1
    else
      log "could not install hyperfine (not root, or no apt): using a bash timing loop"
    fi
  fi
}

# GNU time for peak memory.
setup_gnu_time() {
  HAVE_GNU_TIME=0
  if /usr/bin/time -v true >/dev/null 2>&1; then
    HAVE_GNU_TIME=1
  elif apt_install time && /usr/bin/time -v true >/dev/null 2>&1; then
    HAVE_GNU_TIME=1
  else
    log "GNU time (/usr/bin/time) is missing and could not be installed: no peak memory"
  fi
}

# can_drop_caches: whether the page cache can be dropped (root, writable).
can_drop_caches() { is_root && [ -w /proc/sys/vm/drop_caches ]; }

# measure OUT_JSON RUNS WARMUP COLD NAME CMD... (run in the current directory)
#
# Times CMD (exit codes are not judged here: check them before), writes
# {"name", "runs", "mean", "stddev", "median", "min", "max", "times", "tool"}
# to OUT_JSON and prints a one-line summary. COLD=1 drops the page cache
# before every run (root only). MEASURE_PREPARE, when set, is a shell command
# run before every run (warmups included), outside the timing. Uses hyperfine
# when USE_HYPERFINE=1, else a bash loop on `date +%s%N`. Output goes to a
# pipe (hyperfine) or a file (loop), never /dev/null: GNU grep stops at the
# first match when its output is /dev/null.
measure() {
  local out=$1 runs=$2 warmup=$3 cold=$4 name=$5
  shift 5
  local pcmd=${MEASURE_PREPARE:-}
  if [ "$cold" = 1 ]; then
    pcmd="${pcmd:+$pcmd; }sync; echo 3 > /proc/sys/vm/drop_caches"
  fi
  if [ "$USE_HYPERFINE" = 1 ]; then
    local prep=()
    if [ -n "$pcmd" ]; then
      prep=(--prepare "$(quote_words sh -c "$pcmd")")
    fi
    hyperfine -N --style none --output=pipe --ignore-failure --warmup "$warmup" --runs "$runs" \
      "${prep[@]}" --export-json "$out.hyperfine" -n "$name" "$(quote_words "$@")" \
      >/dev/null 2>"$out.hyperfine.log" || die "hyperfine failed on: $* ($(cat "$out.hyperfine.log"))"
    python3 - "$out.hyperfine" "$out" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
json.dump({"name": r["command"], "runs": len(r["times"]), "mean": r["mean"],
           "stddev": r.get("stddev") or 0.0, "median": r["median"], "min": r["min"],
           "max": r["max"], "times": r["times"], "tool": "hyperfine"},
          open(sys.argv[2], "w"), indent=1)
EOF
  else
    local i t0 t1 times=() sink
    sink=$(mktemp)
    for ((i = 0; i < warmup + runs; i++)); do
      if [ -n "$pcmd" ]; then sh -c "$pcmd"; fi
      t0=$(date +%s%N)
      "$@" >"$sink" 2>&1 || true
      t1=$(date +%s%N)
      if [ "$i" -ge "$warmup" ]; then times+=("$((t1 - t0))"); fi
    done
    rm -f "$sink"
    python3 - "$out" "$name" "${times[@]}" <<'EOF'
import json, statistics, sys
out, name, ns = sys.argv[1], sys.argv[2], [int(x) for x in sys.argv[3:]]
t = [x / 1e9 for x in ns]
json.dump({"name": name, "runs": len(t), "mean": statistics.fmean(t),
           "stddev": statistics.stdev(t) if len(t) > 1 else 0.0,
           "median": statistics.median(t), "min": min(t), "max": max(t),
           "times": t, "tool": "bash loop"}, open(out, "w"), indent=1)
EOF
  fi
  python3 - "$out" <<'EOF' >&2
import json, sys
r = json.load(open(sys.argv[1]))
print(f"  {r['name']:<44} {r['mean']*1e3:9.1f} ms ± {r['stddev']*1e3:7.1f}  "
      f"(median {r['median']*1e3:.1f}, min {r['min']*1e3:.1f}, max {r['max']*1e3:.1f}, "
      f"{r['runs']} runs, {r['tool']})")
EOF
}

# max_rss_kb RUNS CMD...: the largest "Maximum resident set size" (KiB) of
# RUNS runs under /usr/bin/time -v.
max_rss_kb() {
  local runs=$1 i kb best=0 f
  shift
  f=$(mktemp)
  for ((i = 0; i < runs; i++)); do
    /usr/bin/time -v -o "$f" "$@" >/dev/null 2>&1 || true
    kb=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$f")
    [ -n "$kb" ] || die "no max RSS from /usr/bin/time for: $*"
    if [ "$kb" -gt "$best" ]; then best=$kb; fi
  done
  rm -f "$f"
  echo "$best"
}

# machine_info: what the numbers ran on, as markdown list items.
machine_info() {
  local cpu
  cpu=$(sed -n '/^model name/{s/^model name[[:space:]]*: //p;q}' /proc/cpuinfo)
  echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "- repository: $(git -C "$bench_repo" rev-parse --short HEAD 2>/dev/null || echo unknown) $(git -C "$bench_repo" log -1 --format=%s 2>/dev/null || true)"
  if [ -n "${GORUN_LINT_BIN:-}" ]; then
    echo "- binary: GORUN_LINT_BIN=$GORUN_LINT_BIN, built from: ${BENCH_BUILT_FROM:-not stated}"
  elif [ -n "$(git -C "$bench_repo" status --porcelain -- src Cargo.toml Cargo.lock 2>/dev/null)" ]; then
    echo "- binary: built from the work tree, which has uncommitted changes in src/ or Cargo.*"
  else
    echo "- binary: built from the repository's HEAD"
  fi
  echo "- CPU: ${cpu:-unknown}; nproc: $(nproc)"
  echo "- memory: $(free -h | awk '/^Mem:/ {print $2 " total, " $7 " available"}')"
  echo "- kernel: $(uname -r)"
  echo "- load average before the run: $(cut -d' ' -f1-3 /proc/loadavg); nice value: $(nice)"
  echo "- rustc: $(rustc --version 2>/dev/null || echo none)"
  echo "- go: $(go version 2>/dev/null || echo none)"
  echo "- make: $(make --version 2>/dev/null | sed -n 1p)"
  echo "- grep: $(grep --version | sed -n 1p)"
  echo "- hyperfine: $(hyperfine --version 2>/dev/null || echo 'none (bash timing loop)')"
}

# raise_priority: in full mode as root, run at nice -10 (children inherit),
# so that other work on a shared machine takes less from the measurements.
# BENCH_NICE=0 turns it off.
raise_priority() {
  if [ "${BENCH_NICE:-1}" = 1 ] && is_root; then
    renice -n -10 -p $$ >/dev/null 2>&1 || true
  fi
}

# wait_for_idle: before full measurements, wait up to BENCH_IDLE_WAIT seconds
# (default 300) for the 1-minute load average to fall below 0.7, so other
# work on the machine does not end up in the numbers. Goes on either way;
# the load is recorded in machine.md.
wait_for_idle() {
  local limit=${BENCH_IDLE_WAIT:-300} waited=0 load
  while :; do
    load=$(cut -d' ' -f1 /proc/loadavg)
    if python3 -c "import sys; sys.exit(0 if float('$load') < 0.7 else 1)"; then
      return 0
    fi
    if [ "$waited" -ge "$limit" ]; then
      log "warning: load average still $load after ${waited}s; measuring anyway (see machine.md)"
      return 0
    fi
    [ "$waited" = 0 ] && log "load average $load: waiting up to ${limit}s for the machine to be idle"
    sleep 10
    waited=$((waited + 10))
  done
}

# The harnesses' arguments: sets `quick` (1 with --quick) and `profile`
# (`dev` with --debug, else `release`); --help prints the calling script's
# header comment.
parse_mode_args() {
  quick=0
  profile=release
  while [ $# -gt 0 ]; do
    case $1 in
      --quick) quick=1 ;;
      --debug) profile=dev ;;
      -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
      *) die "unknown argument: $1 (usage: $(basename "$0") [--quick] [--debug])" ;;
    esac
    shift
  done
}

# The results dir $out, made fresh and absolute, and a work dir $work
# ($BENCH_WORK when set, else mktemp named after $1; absolute) removed on
# exit unless BENCH_KEEP=1, made
# writable first (the module cache is read-only without -modcacherw; the
# scripts set it, but be sure).
make_work_dirs() {
  rm -rf "$out"
  mkdir -p "$out"
  out=$(cd "$out" && pwd)
  if [ -n "${BENCH_WORK:-}" ]; then
    work=$BENCH_WORK
    mkdir -p "$work"
  else
    work=$(mktemp -d "${TMPDIR:-/tmp}/gorun-lint-$1.XXXXXX")
  fi
  work=$(cd "$work" && pwd)
  trap remove_work_dir EXIT
}

remove_work_dir() {
  if [ "${BENCH_KEEP:-0}" = 1 ]; then
    log "kept $work"
  else
    chmod -R u+w "$work" 2>/dev/null || true
    rm -rf "$work"
  fi
}

# GNU make and Go 1.24 or newer (the versions that cache `go run`
# executables), or die.
need_make_and_go() {
  command -v make >/dev/null || die "GNU make is needed"
  command -v go >/dev/null || die "Go 1.24 or newer is needed"
  local gov
  gov=$(go env GOVERSION)
  case $gov in
    go1.2[4-9]* | go1.[3-9][0-9]* | go[2-9]*) ;;
    *) die "Go 1.24 or newer is needed (go run caches executables since 1.24); found $gov" ;;
  esac
}
