#!/usr/bin/env bash
# What `gorun-lint fix` saves, measured (issue 4): the README's reference
# measurement reproduced on fixtures/e2e/eight (standard library only, ten
# helpers under scripts/, a `gen` target running each with `go run`).
#
# Two copies of the fixture; `gorun-lint fix` rewrites one. Each side gets
# its own empty GOCACHE and GOMODCACHE. Then, per side:
#   - the first `make gen` (empty cache: compiles the standard library too);
#   - GOCACHE after it: total size, cached executables (files inside the
#     GOCACHE/??/<hash>-d/ directories, where `go run` keeps linked
#     programs since Go 1.24) and their bytes;
#   - `make gen` repeated with its outputs deleted and the helpers kept;
#   - each helper invoked again with its real arguments (the commands
#     `make -n -B gen` prints): `go run ./scripts/X ...` against
#     `_gen/bin/X ...`;
# and prints the table with ratios.
#
# usage: scripts/bench/fix-saves.sh [--quick] [--debug]
#   --quick  2 repeat runs of make gen and of each helper (CI: keeps the
#            script from rotting; still needs the two cold `make gen`s).
#            Never fails on timing; fails when a command fails.
#   --debug  use the dev-profile gorun-lint instead of a release build
#            (gorun-lint's speed does not enter these numbers).
#
# Environment:
#   GORUN_LINT_BIN  use this binary, build nothing
#   BENCH_OUT       results directory (default target/bench/fix-saves-<stamp>)
#   BENCH_KEEP=1    keep the work directory
#   BENCH_IDLE_WAIT seconds to wait for an idle machine (default 300)
#   BENCH_NICE=0    do not raise the priority (full mode as root: nice -10)
#   BENCH_HYPERFINE=0  time with the bash loop even where hyperfine is
# Needs: cargo, GNU make, Go 1.24+, python3; hyperfine when present.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

parse_mode_args "$@"

need_make_and_go

stamp=$(date -u +%Y%m%dT%H%M%SZ)
if [ "$quick" = 1 ]; then
  out=${BENCH_OUT:-$bench_repo/target/bench/fix-saves-quick}
  repeat_runs=2 repeat_warmup=0 helper_runs=2 helper_warmup=1
else
  out=${BENCH_OUT:-$bench_repo/target/bench/fix-saves-$stamp}
  repeat_runs=7 repeat_warmup=1 helper_runs=15 helper_warmup=2
fi
make_work_dirs fix-saves

build_binary "$profile"
setup_hyperfine "$((1 - quick))"
if [ "$quick" = 0 ]; then wait_for_idle; raise_priority; fi
machine_info > "$out/machine.md"
cat "$out/machine.md" >&2

# The Go environment of both sides: local toolchain only, no network, no
# user go.env, no workspace.
export GOTOOLCHAIN=local GOFLAGS=-modcacherw GOPROXY=off GOWORK=off GOENV=off
export LC_ALL=C

fixture=$bench_repo/fixtures/e2e/eight
for side in gorun fixed; do
  cp -R "$fixture" "$work/$side"
  mkdir -p "$work/$side.gocache" "$work/$side.gomodcache"
done

log "== gorun-lint fix on the fixed side"
(cd "$work/fixed" && "$BIN" fix) 2>"$out/fix.stderr" || die "gorun-lint fix failed: $(cat "$out/fix.stderr")"
log "  $(cat "$out/fix.stderr")"
if grep -qE $'^\t.*(go|\\$\\(GO\\)) run ' "$work/fixed/Makefile"; then
  die "the fixed Makefile still has go run in a recipe"
fi
cp "$work/fixed/Makefile" "$out/Makefile.fixed"

# side_env SIDE: the isolated caches of a side, exported.
side_env() {
  export GOCACHE=$work/$1.gocache GOMODCACHE=$work/$1.gomodcache
}

# cache_stats SIDE FILE: GOCACHE numbers as JSON.
cache_stats() {
  python3 - "$work/$1.gocache" "$work/$1/_gen/bin" >"$2" <<'EOF'
import json, os, sys
cache, helpers = sys.argv[1], sys.argv[2]
total = files = exes = exe_bytes = 0
for root, dirs, names in os.walk(cache):
    rel = os.path.relpath(root, cache).split(os.sep)
    # Executables: GOCACHE/<2 hex>/<hash>-d/<program>
    in_exe_dir = len(rel) == 2 and len(rel[0]) == 2 and rel[1].endswith("-d")
    for n in names:
        size = os.lstat(os.path.join(root, n)).st_size
        total += size
        files += 1
        if in_exe_dir:
            exes += 1
            exe_bytes += size
helper_bytes = helper_count = 0
if os.path.isdir(helpers):
    for n in os.listdir(helpers):
        helper_count += 1
        helper_bytes += os.lstat(os.path.join(helpers, n)).st_size
json.dump({"gocache_bytes": total, "gocache_files": files, "executables": exes,
           "executable_bytes": exe_bytes, "helper_binaries": helper_count,
           "helper_bytes": helper_bytes}, sys.stdout)
EOF
}

for side in gorun fixed; do
  log "== $side: first make gen (empty GOCACHE)"
  (
    side_env "$side"
    cd "$work/$side"
    t0=$(date +%s%N)
    make gen >"$out/$side.first.log" 2>&1 || die "make gen failed on the $side side: $(tail -20 "$out/$side.first.log")"
    t1=$(date +%s%N)
    echo "{\"seconds\": $(python3 -c "print(($t1 - $t0) / 1e9)")}" >"$out/$side.first.json"
    n=$(find out -type f | wc -l)
    [ "$n" -ge 10 ] || die "make gen on the $side side made $n outputs, expected 10"
    log "  $(python3 -c "import json; print(round(json.load(open('$out/$side.first.json'))['seconds'], 1))") s, $n outputs"
  )
  cache_stats "$side" "$out/$side.cache-after-first.json"
  log "  GOCACHE: $(cat "$out/$side.cache-after-first.json")"
done

# Outputs of both sides must agree: the fix changes how helpers run, not
# what they make.
diff -r "$work/gorun/out" "$work/fixed/out" >"$out/outputs.diff" ||
  die "the two sides made different outputs (see $out/outputs.diff)"

for side in gorun fixed; do
  log "== $side: make gen repeated (outputs deleted, helpers kept)"
  (
    side_env "$side"
    cd "$work/$side"
    MEASURE_PREPARE="rm -rf out" measure "$out/$side.repeat.json" "$repeat_runs" "$repeat_warmup" 0 \
      "make gen ($side, repeat)" make gen
    # The last run must have made everything.
    n=$(find out -type f | wc -l)
    [ "$n" -ge 10 ] || die "repeated make gen on the $side side made $n outputs"
  )
  cache_stats "$side" "$out/$side.cache-after-repeats.json"
done

# Growth: one edit of the package most helpers share, then make gen again.
# go run links and caches a new executable for every helper that imports it;
# the fixed side rebuilds those helpers in place.
for side in gorun fixed; do
  log "== $side: make gen after an edit of internal/textutil"
  (
    side_env "$side"
    cd "$work/$side"
    printf '\n// BenchEdit is added by fix-saves.sh to change the package.\nvar BenchEdit = "1"\n' \
      >>internal/textutil/textutil.go
    rm -rf out
    make gen >"$out/$side.edit.log" 2>&1 || die "make gen after the edit failed on the $side side"
  )
  cache_stats "$side" "$out/$side.cache-after-edit.json"
  log "  GOCACHE: $(cat "$out/$side.cache-after-edit.json")"
done
importers=$(grep -l 'internal/textutil' "$work"/gorun/scripts/*/*.go | wc -l)
echo "$importers" >"$out/edit-importers.txt"

# The helper commands make runs, with their real arguments.
(cd "$work/gorun" && make -n -B gen) | grep -E '^go run \./scripts/' >"$out/gorun.commands" ||
  die "no go run commands in make -n -B gen"
(cd "$work/fixed" && make -n -B gen) | grep -E '^_gen/bin/' >"$out/fixed.commands" ||
  die "no _gen/bin commands in make -n -B gen"

helpers=$(sed -E 's|^go run \./scripts/([^ ]+).*|\1|' "$out/gorun.commands" | sort -u)
for h in $helpers; do
  # grep -m1, not `| head -1`: a producer cut off by head gets SIGPIPE,
  # which pipefail turns into a failed run.
  g=$(grep -m1 -E "^go run \./scripts/$h( |$)" "$out/gorun.commands" || true)
  f=$(grep -m1 -E "^_gen/bin/$h( |$)" "$out/fixed.commands" || true)
  [ -n "$f" ] || die "no _gen/bin/$h command on the fixed side"
  log "== helper $h"
  for side in gorun fixed; do
    (
      side_env "$side"
      cd "$work/$side"
      mkdir -p out
      if [ "$side" = gorun ]; then cmd=$g; else cmd=$f; fi
      rc=0
      sh -c "$cmd" >/dev/null 2>"$out/$side.$h.stderr" || rc=$?
      [ "$rc" = 0 ] || die "$cmd failed on the $side side: $(cat "$out/$side.$h.stderr")"
      measure "$out/$side.helper.$h.json" "$helper_runs" "$helper_warmup" 0 "$h ($side)" sh -c "$cmd"
    )
  done
done

echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/machine.md"

# shellcheck disable=SC2086 # one argument per helper
python3 - "$out" "$quick" $helpers <<'EOF' | tee "$out/summary.md"
import json, os, statistics, sys
out, quick, helpers = sys.argv[1], sys.argv[2] == "1", sys.argv[3:]
def load(name):
    return json.load(open(os.path.join(out, name)))
def mb(b):
    return f"{b / 1e6:.1f} MB"
def ratio(a, b):
    return f"{a / b:.1f}x" if b else "all gone"
g, f = load("gorun.cache-after-first.json"), load("fixed.cache-after-first.json")
g2, f2 = load("gorun.cache-after-repeats.json"), load("fixed.cache-after-repeats.json")
ge, fe = load("gorun.cache-after-edit.json"), load("fixed.cache-after-edit.json")
gr, fr = load("gorun.repeat.json"), load("fixed.repeat.json")
gh = {h: load(f"gorun.helper.{h}.json") for h in helpers}
fh = {h: load(f"fixed.helper.{h}.json") for h in helpers}
gmed = statistics.median(r["median"] for r in gh.values())
fmed = statistics.median(r["median"] for r in fh.values())
speedups = sorted(gh[h]["median"] / fh[h]["median"] for h in helpers)
importers = open(os.path.join(out, "edit-importers.txt")).read().strip()
disk = lambda c: c["gocache_bytes"] + c["helper_bytes"]

print(f"## What the fix saves: fixtures/e2e/eight{' (quick mode: not representative)' if quick else ''}\n")
print(open(os.path.join(out, "machine.md")).read())
print(f"{len(helpers)} helpers, one `go run` callsite each; each side starts from its own empty GOCACHE.\n")
print("After one `make gen`:\n")
print("| | `go run` | after `gorun-lint fix` | ratio |")
print("|--|--:|--:|--:|")
print(f"| total GOCACHE size | {mb(g['gocache_bytes'])} | {mb(f['gocache_bytes'])} | {ratio(g['gocache_bytes'], f['gocache_bytes'])} |")
print(f"| cached executables | {g['executables']} | {f['executables']} | {ratio(g['executables'], f['executables'])} |")
print(f"| executable bytes in GOCACHE | {mb(g['executable_bytes'])} | {mb(f['executable_bytes'])} | {ratio(g['executable_bytes'], f['executable_bytes'])} |")
print(f"| `make gen` repeat run (outputs deleted, helpers kept), median | {gr['median']:.2f} s | {fr['median']:.2f} s | {ratio(gr['median'], fr['median'])} |")
print(f"| per-helper repeat invocation, median over the helpers | {gmed*1e3:.0f} ms | {fmed*1e3:.1f} ms | {ratio(gmed, fmed)} (range {speedups[0]:.1f}x-{speedups[-1]:.1f}x) |")
print()
print("What else a maintainer should see:\n")
print("| | `go run` | after `gorun-lint fix` |")
print("|--|--:|--:|")
print(f"| helper binaries in `_gen/bin` (outside GOCACHE) | none | {f['helper_binaries']}, {mb(f['helper_bytes'])} |")
print(f"| disk used after one `make gen`: GOCACHE + `_gen/bin` | {mb(disk(g))} | {mb(disk(f))} |")
print(f"| after editing a package {importers} helpers import and running `make gen` again: cached executables | {ge['executables']} | {fe['executables']} |")
print(f"| same: executable bytes in GOCACHE | {mb(ge['executable_bytes'])} | {mb(fe['executable_bytes'])} |")
print(f"| same: growth of GOCACHE + `_gen/bin` from that edit | +{mb(disk(ge) - disk(g2))} | +{mb(disk(fe) - disk(f2))} |")
print(f"| first `make gen` with an empty GOCACHE (one run) | {load('gorun.first.json')['seconds']:.1f} s | {load('fixed.first.json')['seconds']:.1f} s |")
print(f"| GOCACHE growth from the repeat runs (no edits) | +{(g2['gocache_bytes'] - g['gocache_bytes']) / 1e3:.0f} KB | +{(f2['gocache_bytes'] - f['gocache_bytes']) / 1e3:.0f} KB |")
print()
print(f"`make gen` repeats: go run {gr['mean']:.2f} ± {gr['stddev']:.2f} s (min {gr['min']:.2f}, max {gr['max']:.2f}), "
      f"fixed {fr['mean']:.2f} ± {fr['stddev']:.2f} s (min {fr['min']:.2f}, max {fr['max']:.2f}); "
      f"{gr['runs']} runs each after a warm-up, {gr['tool']}.\n")
print("| helper | `go run ./scripts/X ...`, median ms (± stddev) | `_gen/bin/X ...`, median ms (± stddev) | speed-up | runs |")
print("|--|--:|--:|--:|--:|")
for h in helpers:
    a, b = gh[h], fh[h]
    print(f"| {h} | {a['median']*1e3:.0f} (± {a['stddev']*1e3:.0f}) | {b['median']*1e3:.1f} (± {b['stddev']*1e3:.1f}) | "
          f"{a['median']/b['median']:.1f}x | {a['runs']} |")
print("\nEach helper command is the one `make -n -B gen` prints, run through `sh -c` on both sides "
      "(its redirections need a shell; about 1 ms each).")
print(f"\nRaw results: {out}")
EOF
log "done: $out/summary.md"
