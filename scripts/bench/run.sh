#!/usr/bin/env bash
# Whole-process benchmarks of gorun-lint (issue 4), side by side in one run:
#
#   1. `gorun-lint check --format json .` (issue 4's command: it also reads
#      .go files, scripts and workflows) and `gorun-lint check --format json
#      --only makefiles .` (the Makefiles only, as grep) against
#      `grep -rn --include=Makefile 'go run' .` on generated trees of 400,
#      4,000 and 40,000 Makefiles (about 3 KB each; a mix of Go, C, infra
#      and docs projects; one in 20 with `go run`), 40,000 with one in 200
#      (the 4,000 tree's findings in a tree ten times its size) and 4,000
#      all-Go ones: warm page cache, and cold (page cache dropped before
#      every run) where that is allowed; the ratio of the means, against
#      the goal of 1.5x. At 4,000, warm again with one of the two cores
#      taken by a busy loop at the same priority (gorun-lint runs on every
#      core, grep on one).
#   2. Peak memory (max RSS, /usr/bin/time -v) of issue 4's command and
#      grep on each tree of the default mix.
#   3. `gorun-lint fix --diff` on a generated 30 KB Makefile with 15
#      callsites (goal: under 20 ms).
#
# Before timing, each command is run once and its output checked against
# what the generator planted (every callsite found, every file read), so a
# fast wrong answer cannot pass for a fast right one.
#
# usage: scripts/bench/run.sh [--quick] [--debug]
#   --quick  the 400-file tree only, 2 runs each, no cold cache, installs
#            nothing (CI: keeps the harness from rotting). Never fails on
#            timing; fails when a command fails or finds the wrong thing.
#   --debug  measure the dev-profile binary (what `cargo test` built) instead
#            of `cargo build --release`; timings are then not representative.
#
# Environment:
#   GORUN_LINT_BIN  measure this binary, build nothing
#   BENCH_OUT       results directory (default target/bench/run-<stamp>)
#   BENCH_WORK      where trees are generated (default a temp dir)
#   BENCH_KEEP=1    keep the generated trees
#   BENCH_SIZES     trees, N[:MIX][@EVERY] (gen-tree.py --files N --mix MIX
#                   --every EVERY; default "400 4000 40000 40000@200 4000:go")
#   BENCH_IDLE_WAIT seconds to wait for an idle machine (default 300)
#   BENCH_NICE=0    do not raise the priority (full mode as root: nice -10)
#   BENCH_HYPERFINE=0  time with the bash loop even where hyperfine is
#
# Needs: cargo, python3 (3.11+, stdlib), grep; hyperfine and GNU time are
# used when present, and installed with apt-get in full mode when root.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

parse_mode_args "$@"

stamp=$(date -u +%Y%m%dT%H%M%SZ)
if [ "$quick" = 1 ]; then
  out=${BENCH_OUT:-$bench_repo/target/bench/quick}
  sizes=${BENCH_SIZES:-400}
else
  out=${BENCH_OUT:-$bench_repo/target/bench/run-$stamp}
  sizes=${BENCH_SIZES:-400 4000 40000 40000@200 4000:go}
fi
make_work_dirs bench

machine_info > "$out/machine.md"
build_binary "$profile"
if [ "$quick" = 1 ]; then
  setup_hyperfine 0
  HAVE_GNU_TIME=0
  /usr/bin/time -v true >/dev/null 2>&1 && HAVE_GNU_TIME=1
  cold=0
else
  setup_hyperfine 1
  setup_gnu_time
  cold=0
  if can_drop_caches; then cold=1; else log "cannot drop the page cache (needs root): warm runs only"; fi
fi
if [ "$quick" = 0 ]; then wait_for_idle; raise_priority; fi
# machine_info again now that hyperfine may be installed.
machine_info > "$out/machine.md"
cat "$out/machine.md" >&2
gen=$bench_repo/scripts/bench/gen-tree.py

# runs_for SIZE KIND -> "RUNS WARMUP"
runs_for() {
  if [ "$quick" = 1 ]; then echo "2 1"; return; fi
  case "$2:$1" in
    warm:400) echo "30 3" ;;
    warm:4000) echo "15 2" ;;
    warm:*) echo "7 1" ;;
    cold:40000) echo "3 0" ;;
    cold:*) echo "5 0" ;;
  esac
}

# check_outputs LABEL TREE: run the three commands once, judge their output.
check_outputs() {
  local n=$1 tree=$2 rc=0
  (cd "$tree" && "$BIN" check --format json . >"$out/check-$n.json" 2>"$out/check-$n.stderr") || rc=$?
  [ "$rc" -le 1 ] || die "gorun-lint check exited $rc on the $n tree (see $out/check-$n.stderr)"
  rc=0
  (cd "$tree" && "$BIN" check --format json --only makefiles . >"$out/check-$n-makefiles.json" 2>"$out/check-$n-makefiles.stderr") || rc=$?
  [ "$rc" -le 1 ] || die "gorun-lint check --only makefiles exited $rc on the $n tree (see $out/check-$n-makefiles.stderr)"
  rc=0
  (cd "$tree" && grep -rn --include=Makefile 'go run' . >"$out/grep-$n.txt") || rc=$?
  [ "$rc" = 0 ] || die "grep exited $rc on the $n tree"
  python3 - "$tree/bench-manifest.json" "$out/check-$n.json" "$out/check-$n-makefiles.json" "$out/grep-$n.txt" <<'EOF' || die "the $n tree's results are not what the generator planted"
import collections, json, sys
m = json.load(open(sys.argv[1]))
grep_lines = sum(1 for _ in open(sys.argv[4], encoding="utf-8"))
problems = []
for path, only in ((sys.argv[2], ""), (sys.argv[3], " --only makefiles")):
    d = json.load(open(path))
    rules = collections.Counter(x["rule"] for x in d["diagnostics"])
    files = d["summary"]["files"]
    # Every Makefile; all sources also counts the .go files and scripts.
    if (files != m["makefiles"]) if only else (files < m["makefiles"]):
        problems.append(f"check{only}: {files} files checked, the tree has {m['makefiles']} Makefiles")
    if rules["GR001"] != m["local_callsites"]:
        problems.append(f"check{only}: GR001 {rules['GR001']} found, {m['local_callsites']} planted")
    if rules["GR003"] != m["remote_callsites"]:
        problems.append(f"check{only}: GR003 {rules['GR003']} found, {m['remote_callsites']} planted")
    print(f"  check{only}: {files} files, {dict(sorted(rules.items()))}", file=sys.stderr)
if grep_lines != m["grep_lines"]:
    problems.append(f"grep: {grep_lines} lines, {m['grep_lines']} expected")
for p in problems:
    print("  MISMATCH:", p, file=sys.stderr)
print(f"  grep: {grep_lines} lines", file=sys.stderr)
sys.exit(1 if problems else 0)
EOF
}

for entry in $sizes; do
  # An entry is N[:MIX][@EVERY]: N Makefiles of the default mix of
  # projects or of MIX (gen-tree.py --mix), one in EVERY (20) with go run.
  spec=${entry%%@*}
  every=20
  if [ "$spec" != "$entry" ]; then every=${entry#*@}; fi
  n=${spec%%:*}
  mix=default
  label=$n
  if [ "$spec" != "$n" ]; then mix=${spec#*:}; label=$n-$mix; fi
  if [ "$every" != 20 ]; then label=$label-every$every; fi
  tree=$work/tree-$label
  if [ ! -f "$tree/bench-manifest.json" ]; then
    log "+ gen-tree.py --files $n --mix $mix --every $every --out $tree"
    python3 "$gen" --files "$n" --mix "$mix" --every "$every" --out "$tree" --force >/dev/null
  fi
  cp "$tree/bench-manifest.json" "$out/manifest-$label.json"
  log "== $n Makefiles, mix $mix, one in $every with go run ($(du -sh "$tree" | cut -f1) on disk)"
  check_outputs "$label" "$tree"
  (
    cd "$tree"
    read -r runs warmup < <(runs_for "$n" warm)
    measure "$out/warm-$label-gorun-lint.json" "$runs" "$warmup" 0 "gorun-lint check ($label, warm)" \
      "$BIN" check --format json .
    measure "$out/warm-$label-gorun-lint-makefiles.json" "$runs" "$warmup" 0 "gorun-lint check --only makefiles ($label, warm)" \
      "$BIN" check --format json --only makefiles .
    measure "$out/warm-$label-grep.json" "$runs" "$warmup" 0 "grep -rn ($label, warm)" \
      grep -rn --include=Makefile 'go run' .
    # Cold cache and memory for the default mix only.
    if [ "$cold" = 1 ] && [ "$mix" = default ]; then
      read -r runs warmup < <(runs_for "$n" cold)
      measure "$out/cold-$label-gorun-lint.json" "$runs" "$warmup" 1 "gorun-lint check ($label, cold)" \
        "$BIN" check --format json .
      measure "$out/cold-$label-grep.json" "$runs" "$warmup" 1 "grep -rn ($label, cold)" \
        grep -rn --include=Makefile 'go run' .
    fi
    # Warm again with one of the cores taken by a busy loop at the same
    # priority (another job on a CI runner): gorun-lint runs on every core,
    # grep on one (4,000, full mode only).
    if [ "$quick" = 0 ] && [ "$label" = 4000 ]; then
      read -r runs warmup < <(runs_for "$n" warm)
      sh -c 'while :; do :; done' &
      busy_pid=$!
      # (This subshell's own trap: the script's is not inherited.)
      trap 'kill "$busy_pid" 2>/dev/null || true' EXIT
      measure "$out/busy-$label-gorun-lint.json" "$runs" "$warmup" 0 "gorun-lint check ($label, warm, one core busy)" \
        "$BIN" check --format json .
      measure "$out/busy-$label-grep.json" "$runs" "$warmup" 0 "grep -rn ($label, warm, one core busy)" \
        grep -rn --include=Makefile 'go run' .
      kill "$busy_pid"
      wait "$busy_pid" 2>/dev/null || true
      trap - EXIT
    fi
    if [ "$HAVE_GNU_TIME" = 1 ] && [ "$mix" = default ]; then
      rss_runs=3
      [ "$quick" = 1 ] && rss_runs=1
      g=$(max_rss_kb "$rss_runs" "$BIN" check --format json .)
      r=$(max_rss_kb "$rss_runs" grep -rn --include=Makefile 'go run' .)
      big=$(find . -name Makefile -printf '%s\n' | sort -n | tail -1)
      printf '{"gorun-lint": %s, "grep": %s, "runs": %s, "largest": %s}\n' "$g" "$r" "$rss_runs" "$big" >"$out/rss-$label.json"
      log "  max RSS: gorun-lint $g KiB, grep $r KiB"
    fi
  )
done

# fix --diff on the 30 KB Makefile with 15 callsites.
fixdir=$work/fix30k
if [ ! -f "$fixdir/bench-manifest.json" ]; then
  python3 "$gen" --fix-makefile --out "$fixdir" --force >/dev/null
fi
cp "$fixdir/bench-manifest.json" "$out/manifest-fix.json"
log "== fix --diff on a $(wc -c <"$fixdir/Makefile")-byte Makefile"
(
  cd "$fixdir"
  rc=0
  "$BIN" fix --diff >"$out/fix.diff" 2>"$out/fix.stderr" || rc=$?
  [ "$rc" = 1 ] || die "gorun-lint fix --diff exited $rc, expected 1 (changes); see $out/fix.stderr"
  grep -q "Would fix 15 callsites in 2 files" "$out/fix.stderr" ||
    die "fix --diff did not plan the 15 fixes: $(cat "$out/fix.stderr")"
  if [ -e _gen ] || [ -e .gitignore ]; then die "fix --diff wrote files"; fi
  log "  $(cat "$out/fix.stderr")"
  if [ "$quick" = 1 ]; then runs=2 warmup=1; else runs=50 warmup=5; fi
  measure "$out/fix-diff.json" "$runs" "$warmup" 0 "gorun-lint fix --diff (30 KB, 15 callsites)" \
    "$BIN" fix --diff
)

echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/machine.md"

# The summary, as markdown.
python3 - "$out" "$sizes" "$quick" "$profile" <<'EOF' | tee "$out/summary.md"
import json, os, sys
out, sizes, quick, profile = sys.argv[1], sys.argv[2].split(), sys.argv[3] == "1", sys.argv[4]
def load(name):
    p = os.path.join(out, name)
    return json.load(open(p)) if os.path.exists(p) else None
def ms(r):
    return f"{r['mean']*1e3:.1f} ± {r['stddev']*1e3:.1f}" if r else "n/a"
print(f"## gorun-lint benchmarks{' (quick mode: not representative)' if quick else ''}\n")
if profile != "release":
    print("Binary: dev profile (--debug), not representative.\n")
print(open(os.path.join(out, "machine.md")).read())
print("### check vs grep (mean ± stddev, ms)\n")
def label(entry):
    spec, _, every = entry.partition("@")
    n, _, mix = spec.partition(":")
    lab = (f"{n}-{mix}" if mix else n) + (f"-every{every}" if every and every != "20" else "")
    return lab, int(n), mix or "default"
def shown(lab, n, mix, m):
    extra = [] if mix == "default" else [f"{mix} mix"]
    if "-every" in lab:
        extra.append(f"one in {lab.split('-every')[1]} with go run")
    return f"{n:,}" + (f" ({', '.join(extra)})" if extra else "")
print("Goal: `gorun-lint check --format json .` (issue 4's command) within 1.5x of grep; "
      "`--only makefiles` reads only the Makefiles, as grep does.\n")
print("| Makefiles | MB | files with `go run` | cache | check --format json . | ratio | goal ≤ 1.5x | --only makefiles | ratio | grep -rn --include=Makefile 'go run' . | runs |")
print("|--:|--:|--:|--|--:|--:|--|--:|--:|--:|--:|")
for entry in sizes:
    lab, n, mix = label(entry)
    m = load(f"manifest-{lab}.json")
    for cache in ("warm", "cold", "busy"):
        g, r = load(f"{cache}-{lab}-gorun-lint.json"), load(f"{cache}-{lab}-grep.json")
        if not g or not r:
            continue
        ratio = g["mean"] / r["mean"]
        goal = "met" if ratio <= 1.5 else "NOT met"
        gm = load(f"{cache}-{lab}-gorun-lint-makefiles.json")
        only = (ms(gm), f"{gm['mean'] / r['mean']:.2f}x") if gm else ("n/a", "")
        shown_cache = "warm, one core busy" if cache == "busy" else cache
        print(f"| {shown(lab, n, mix, m)} | {m['makefile_bytes']/1e6:.1f} | {m['gorun_makefiles']:,} | {shown_cache} | "
              f"{ms(g)} | {ratio:.2f}x | {goal} | {only[0]} | {only[1]} | {ms(r)} | {g['runs']} + {r['runs']} |")
print()
rows = [(label(e), load(f"rss-{label(e)[0]}.json")) for e in sizes]
if any(r for _, r in rows):
    print("### Peak memory (max RSS of the runs, MiB)\n")
    print("| Makefiles | files with `go run` | findings | largest Makefile, KB | check --format json . | grep |")
    print("|--:|--:|--:|--:|--:|--:|")
    for (lab, n, mix), r in rows:
        if r:
            m = load(f"manifest-{lab}.json")
            findings = m["local_callsites"] + m["remote_callsites"]
            print(f"| {shown(lab, n, mix, m)} | {m['gorun_makefiles']:,} | {findings:,} | {r['largest']/1e3:.1f} | "
                  f"{r['gorun-lint']/1024:.1f} | {r['grep']/1024:.1f} |")
    print()
f = load("fix-diff.json")
if f:
    fm = load("manifest-fix.json")
    verdict = "met" if f["mean"] < 0.020 else "NOT met"
    print("### fix --diff\n")
    print("| input | mean ± stddev | median | min | max | runs | goal < 20 ms |")
    print("|--|--:|--:|--:|--:|--:|--|")
    print(f"| {fm['makefile_bytes']:,} B, {fm['local_callsites']} callsites | {ms(f)} ms | "
          f"{f['median']*1e3:.1f} ms | {f['min']*1e3:.1f} ms | {f['max']*1e3:.1f} ms | {f['runs']} | {verdict} |")
    print()
print(f"Raw results: {out}")
EOF
log "done: $out/summary.md"
