#!/usr/bin/env bash
# The floor under `gorun-lint check` (issue 23): side by side and
# interleaved, issue 4's command
#
#   gorun-lint check --format json .
#
# against ripgrep and GNU grep searching exactly the files check reads for
# the lines a `go run` or `go tool` callsite is on,
#
#   rg -n --hidden --no-require-git GLOBS -e '(go|GO[A-Z_]*[)}]?) +(run|tool)' .
#   grep -rnE INCLUDES -e '(go|GO[A-Z_]*[)}]?) +(run|tool)' .
#
# on generated trees: gen-tree.py --files N --sources (400, 4,000 and 40,000
# Makefiles, with Go packages, scripts, workflows and Procfiles; one .go
# file in fifty with a //go:generate line) and gen-tree.py --shape large (a
# kubernetes-shaped monorepo, modelled from memory). rg and grep parse
# nothing and match lines check rightly passes over, but they open and read
# the same files: what is left between them and check is the cost of
# knowing what the lines mean. Reported per tree and command: the median
# wall time of the rounds, their spread (min-max and the interquartile
# range), the median CPU time (user + sys: above the wall time when a
# command runs on both cores, which is why the 4,000 tree is timed again
# with one core taken by a busy loop, as run.sh does), and the max RSS.
#
# The same files. check reads Makefiles by name (Makefile, makefile,
# GNUmakefile, *.mk, *.make) and the files they include, Procfile and
# Procfile.*, *.go, .github/workflows/*.yml|yaml, *.sh, *.bash, and the head
# of every file without an extension (a shell shebang makes it a script);
# it walks hidden directories, skips .git, vendor and testdata, and respects
# .gitignore even outside a git repository. `summary.files` in its JSON
# counts all of those, extension-less files that turn out not to be scripts
# (OWNERS, LICENSE, Dockerfile) and included files of any name included.
# The globs say that rule rather than listing places (hack/, build/) where
# extension-less files may be: rg's `-g '*' -g '!*.*'` takes every name
# without a dot, `-g '*/'` keeps directories with one (.github, k8s.io)
# walkable, later globs re-include the extensions and exclude .git, vendor
# and testdata (the last matching glob wins); --no-require-git makes rg read
# .gitignore as check does (the large tree has one; nothing matches it).
# grep's first option is --exclude='*.*', so that a file no option matches
# is searched; the --include options after it re-include (again the last
# match wins). grep's globs see base names only: a workflow cannot be told
# from other YAML by its path, so the includes name the workflow files (the
# manifest lists them; the trees have no other YAML file of those names).
# The generator names every included Makefile *.mk. That all three read the
# same files is checked, not assumed (below).
#
# Before timing, each command runs once and its output is judged against
# the manifest gen-tree.py wrote (its own walk of the tree, and the findings
# it planted): check's findings per file and rule equal the planted ones;
# summary.files equals the count of files check reads; `check --show-files`,
# `rg --files` with the globs and `grep -rc ''` with the includes list the
# same files; rg and grep report the same lines, as many as the manifest
# counts. After the rounds the last outputs are counted again. Timings are
# never asserted: the harness fails when a command fails (exit status above
# 1) or finds the wrong thing.
#
# Timing: a python runner (stdlib) starts `/usr/bin/time -f %M -o FILE CMD`
# with posix_spawn and reaps it with os.wait4: the wall time is
# perf_counter around spawn and wait (so the runner's own start-up is
# outside it, and one runner times all rounds; GNU time's fork and exec add
# about a millisecond to every command alike, measured and reported with
# the machine); the CPU time is wait4's user
# + sys, which include those of the child's reaped children, CMD's; the max
# RSS is GNU time's %M. Why not one tool for all three: GNU time's %e, %U
# and %S have a resolution of 10 ms, a sixth of a run at 400; and the
# rusage of a child the runner spawns itself starts from the python
# process's RSS (posix_spawn shares its memory until exec, and the kernel
# keeps the larger high-water mark across exec: 13 MiB for `true`), while
# GNU time's child is a fork of a 1 MB process. RUSAGE_CHILDREN deltas would
# not help: their max RSS is the largest of all children so far. Output
# goes to a file, never /dev/null (GNU grep stops at the first match when it
# writes there); stdin is /dev/null (rg searches stdin when it is not a
# terminal and no path is given; the commands name `.` anyway).
# Interleaved: every round runs the three commands in turn, in an order
# rotated each round, so a change of machine load (or of CPU frequency)
# lands on all three rather than on whichever ran last, and no command
# always follows the same one. The verification run warms the page cache;
# every round is kept.
#
# usage: scripts/bench/floor.sh [--quick] [--debug]
#   --quick  the 400 tree only, 2 rounds, no busy pass, no waiting for an
#            idle machine, installs nothing (without rg, rg is left out and
#            said so): keeps the harness from rotting in CI.
#   --debug  measure the dev-profile binary (what `cargo test` built)
#            instead of `cargo build --release`; timings are then not
#            representative.
#
# Environment:
#   GORUN_LINT_BIN  measure this binary, build nothing
#   BENCH_OUT       results directory (default target/bench/floor-<stamp>,
#                   with --quick target/bench/floor-quick)
#   BENCH_WORK      where trees are generated (default a temp dir); a tree
#                   is generated again only when gen-tree.py or its
#                   arguments changed
#   BENCH_KEEP=1    keep the generated trees (else BENCH_WORK is removed)
#   BENCH_ROUNDS    rounds for every tree (default 11 at 400, 9 at 4,000,
#                   5 at 40,000 and large; 2 with --quick)
#   BENCH_SIZES     trees: N (gen-tree.py --files N --sources) or `large`
#                   (default "400 4000 40000 large"; --quick "400")
#   BENCH_IDLE_WAIT seconds to wait for an idle machine (default 300)
#   BENCH_NICE=0    do not raise the priority (full mode as root: nice -10)
#
# Needs: python3 (3.11+, stdlib), GNU grep; ripgrep and GNU time (installed
# with apt-get in full mode when root and missing; without GNU time, no max
# RSS); cargo unless GORUN_LINT_BIN is set.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

parse_mode_args "$@"
# The C locale for everything: check and rg do not read it, GNU grep is at
# its fastest in it (and finds the same lines: the trees are ASCII), and
# GNU time starts 2 ms sooner than in C.UTF-8 (no locale archive to load).
export LC_ALL=C

pattern='(go|GO[A-Z_]*[)}]?) +(run|tool)'
stamp=$(date -u +%Y%m%dT%H%M%SZ)
if [ "$quick" = 1 ]; then
  out=${BENCH_OUT:-$bench_repo/target/bench/floor-quick}
  sizes=${BENCH_SIZES:-400}
else
  out=${BENCH_OUT:-$bench_repo/target/bench/floor-$stamp}
  sizes=${BENCH_SIZES:-400 4000 40000 large}
fi
make_work_dirs floor
busy_pid=
cleanup() {
  if [ -n "$busy_pid" ]; then kill "$busy_pid" 2>/dev/null || true; fi
  remove_work_dir
}
trap cleanup EXIT

build_binary "$profile"
have_rg=1
if ! command -v rg >/dev/null 2>&1; then
  if [ "$quick" = 1 ]; then
    log "rg is missing (--quick installs nothing): timing check and grep only"
    have_rg=0
  elif apt_install ripgrep && command -v rg >/dev/null 2>&1; then
    :
  else
    die "ripgrep (rg) is needed and could not be installed"
  fi
fi
grep --version 2>/dev/null | grep -q 'GNU grep' || die "GNU grep is needed"
if [ "$quick" = 1 ]; then
  HAVE_GNU_TIME=0
  /usr/bin/time -f %M true >/dev/null 2>&1 && HAVE_GNU_TIME=1
else
  setup_gnu_time
fi
if [ "$quick" = 0 ]; then wait_for_idle; raise_priority; fi
{
  # (lib.sh's hyperfine line does not apply: the runner below times.)
  machine_info | grep -v '^- hyperfine:'
  echo "- gorun-lint: $("$BIN" --version)"
  echo "- rg: $(if [ "$have_rg" = 1 ]; then rg --version | sed -n 1p; else echo 'none (left out)'; fi)"
  echo "- locale: LC_ALL=$LC_ALL for all commands (LANG=${LANG:-})"
  if [ "$HAVE_GNU_TIME" = 1 ]; then
    echo "- timing: interleaved rounds; a python runner spawns \`/usr/bin/time -f %M CMD\` (max RSS) and times it (wall: perf_counter; CPU: wait4's user + sys, which include CMD's)"
    python3 - <<'EOF'
import os, statistics, time
def run(argv):
    t0 = time.perf_counter_ns()
    os.wait4(os.posix_spawnp(argv[0], argv, os.environ), 0)
    return (time.perf_counter_ns() - t0) / 1e6
bare = statistics.median(run(["true"]) for _ in range(30))
wrapped = statistics.median(run(["/usr/bin/time", "-f", "%M", "-o", os.devnull, "true"]) for _ in range(30))
print(f"- GNU time's part of every wall time: {wrapped - bare:.2f} ms (median of 30 runs of `true`, "
      f"{wrapped:.2f} ms under it, {bare:.2f} ms bare)")
EOF
  else
    echo "- timing: interleaved rounds; a python runner spawns CMD and times it (wall: perf_counter; CPU: wait4's user + sys); no GNU time, so no max RSS"
  fi
} >"$out/machine.md"
cat "$out/machine.md" >&2
gen=$bench_repo/scripts/bench/gen-tree.py

# rounds_for LABEL
rounds_for() {
  if [ -n "${BENCH_ROUNDS:-}" ]; then echo "$BENCH_ROUNDS"; return; fi
  if [ "$quick" = 1 ]; then echo 2; return; fi
  case $1 in
    400) echo 11 ;;
    4000 | 4000-busy) echo 9 ;;
    *) echo 5 ;;
  esac
}

# tree_for ENTRY: generate the tree (unless the same generator made it with
# the same arguments) and set `tree` and `label`.
tree_for() {
  local entry=$1 args
  if [ "$entry" = large ]; then
    label=large
    args=(--shape large)
  else
    case $entry in *[!0-9]* | '') die "BENCH_SIZES: $entry is neither a number nor large" ;; esac
    label=$entry
    args=(--files "$entry" --sources)
  fi
  tree=$work/tree-$label
  local want have=""
  want="$(sha256sum "$gen" | cut -d' ' -f1) ${args[*]}"
  [ -f "$tree.stamp" ] && have=$(cat "$tree.stamp")
  if [ ! -f "$tree/bench-manifest.json" ] || [ "$want" != "$have" ]; then
    log "+ gen-tree.py ${args[*]} --out $tree"
    local t0=$SECONDS
    python3 "$gen" "${args[@]}" --out "$tree" --force >/dev/null
    echo "$want" >"$tree.stamp"
    log "  generated in $((SECONDS - t0)) s"
  fi
  cp "$tree/bench-manifest.json" "$out/manifest-$label.json"
}

# commands_for LABEL: the three argvs (NUL-separated in $out/cmd-LABEL-NAME.argv),
# from the tree's manifest (the workflow names).
commands_for() {
  local l=$1 name
  local wf=()
  while IFS= read -r name; do
    wf+=("--include=$name")
  done < <(python3 -c 'import json, sys; print("\n".join(json.load(open(sys.argv[1]))["floor"]["workflow_names"]))' \
    "$out/manifest-$l.json")
  rg_globs=(--hidden --no-require-git -g '*' -g '!*.*' -g '*/' -g '*.go' -g '*.mk' -g '*.make'
    -g '*.sh' -g '*.bash' -g 'Procfile.*' -g '**/.github/workflows/*.yml' -g '**/.github/workflows/*.yaml'
    -g '!.git/' -g '!vendor/' -g '!testdata/')
  grep_opts=(--exclude='*.*' --include='*.go' --include='*.mk' --include='*.make' --include='*.sh'
    --include='*.bash' --include='Procfile.*' "${wf[@]}"
    --exclude-dir=.git --exclude-dir=vendor --exclude-dir=testdata)
  check_cmd=("$BIN" check --format json .)
  rg_cmd=(rg -n "${rg_globs[@]}" -e "$pattern" .)
  grep_cmd=(grep -rnE "${grep_opts[@]}" -e "$pattern" .)
  printf '%s\0' "${check_cmd[@]}" >"$out/cmd-$l-check.argv"
  printf '%s\0' "${rg_cmd[@]}" >"$out/cmd-$l-rg.argv"
  printf '%s\0' "${grep_cmd[@]}" >"$out/cmd-$l-grep.argv"
}

# verify LABEL: run each command once in the tree and judge the outputs.
verify() {
  local l=$1 rc=0
  (cd "$tree" && "${check_cmd[@]}" >"$out/check-$l.json" 2>"$out/check-$l.stderr") || rc=$?
  [ "$rc" -le 1 ] || die "gorun-lint check exited $rc on the $l tree (see $out/check-$l.stderr)"
  (cd "$tree" && "$BIN" check --show-files . >"$out/files-$l-check.txt" 2>"$out/files-$l-check.stderr") ||
    die "gorun-lint check --show-files failed on the $l tree"
  rc=0
  (cd "$tree" && grep -rc "${grep_opts[@]}" '' . >"$out/files-$l-grep.txt") || rc=$?
  [ "$rc" = 0 ] || die "grep -rc '' exited $rc on the $l tree"
  rc=0
  (cd "$tree" && "${grep_cmd[@]}" >"$out/grep-$l.txt" </dev/null) || rc=$?
  [ "$rc" = 0 ] || die "grep exited $rc on the $l tree"
  if [ "$have_rg" = 1 ]; then
    (cd "$tree" && rg --files "${rg_globs[@]}" . >"$out/files-$l-rg.txt" </dev/null) ||
      die "rg --files failed on the $l tree"
    rc=0
    (cd "$tree" && "${rg_cmd[@]}" >"$out/rg-$l.txt" </dev/null) || rc=$?
    [ "$rc" = 0 ] || die "rg exited $rc on the $l tree"
  fi
  python3 - "$out" "$l" "$have_rg" <<'EOF' || die "the $l tree's results are not what the generator planted"
import collections, json, os, re, sys
out, l, have_rg = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
m = json.load(open(f"{out}/manifest-{l}.json"))["floor"]
d = json.load(open(f"{out}/check-{l}.json"))
problems = []

def listed(name):
    lines = open(f"{out}/files-{l}-{name}.txt", encoding="utf-8").read().splitlines()
    if name == "grep":
        lines = [x.rsplit(":", 1)[0] for x in lines]
    return {x[2:] if x.startswith("./") else x for x in lines} - {"bench-manifest.json"}

# check: findings per file and rule, and the files it read.
found = collections.defaultdict(collections.Counter)
for x in d["diagnostics"]:
    found[x["file"]][x["rule"]] += 1
for f in sorted(set(found) | set(m["planted_files"])):
    got, want = dict(found.get(f, {})), m["planted_files"].get(f, {})
    if got != want:
        problems.append(f"check: {f}: found {got}, planted {want}")
if d["errors"]:
    problems.append(f"check: errors {d['errors'][:3]}")
files = d["summary"]["files"]
if files != m["check_files"]:
    problems.append(f"check: summary.files {files}, the tree has {m['check_files']} files check reads")
sets = {"check --show-files": listed("check"), "grep -rc ''": listed("grep")}
if have_rg:
    sets["rg --files"] = listed("rg")
for name, s in sets.items():
    if len(s) != m["check_files"]:
        problems.append(f"{name}: {len(s)} files, the manifest counts {m['check_files']}")
    if s != sets["check --show-files"]:
        diff = sorted(s ^ sets["check --show-files"])
        problems.append(f"{name} and check --show-files differ: {diff[:5]} ({len(diff)} in all)")

# rg and grep: the same lines, as many as the manifest counts.
def hits(name):
    out_lines = set()
    for line in open(f"{out}/{name}-{l}.txt", encoding="utf-8"):
        mt = re.match(r"(?:\./)?(.*?):(\d+):", line)
        if not mt:
            problems.append(f"{name}: unparsed line {line[:80]!r}")
            continue
        out_lines.add((mt.group(1), int(mt.group(2))))
    return out_lines
tools = ["grep"] + (["rg"] if have_rg else [])
got = {t: hits(t) for t in tools}
for t in tools:
    if len(got[t]) != m["pattern_lines"]:
        problems.append(f"{t}: {len(got[t])} lines, the manifest counts {m['pattern_lines']}")
if have_rg and got["rg"] != got["grep"]:
    problems.append(f"rg and grep differ: {sorted(got['rg'] ^ got['grep'])[:5]}")
rules = collections.Counter(x["rule"] for x in d["diagnostics"])
facts = {"summary": d["summary"], "rules": dict(sorted(rules.items())),
         "lines": {t: len(got[t]) for t in tools}}
json.dump(facts, open(f"{out}/verified-{l}.json", "w"), indent=1)
print(f"  check: {files} files, {dict(sorted(rules.items()))}; "
      + ", ".join(f"{t}: {len(got[t])} lines" for t in tools)
      + f"; {len(sets['check --show-files'])} files listed alike by " + ", ".join(sets), file=sys.stderr)
for p in problems[:40]:
    print("  MISMATCH:", p, file=sys.stderr)
sys.exit(1 if problems else 0)
EOF
}

# time_rounds LABEL ROUNDS: the interleaved rounds, into $out/times-LABEL.json.
time_rounds() {
  local l=$1 rounds=$2 cl=${1%-busy}
  local specs=("check:$out/cmd-$cl-check.argv")
  if [ "$have_rg" = 1 ]; then specs+=("rg:$out/cmd-$cl-rg.argv"); fi
  specs+=("grep:$out/cmd-$cl-grep.argv")
  mkdir -p "$work/runner"
  python3 - "$tree" "$rounds" "$out/times-$l.json" "$work/runner" "$HAVE_GNU_TIME" "${specs[@]}" <<'EOF' ||
import json, os, sys, time
tree, rounds, dest, tmp, gnu_time = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5] == "1"
cmds = []
for spec in sys.argv[6:]:
    name, path = spec.split(":", 1)
    argv = open(path, "rb").read().split(b"\0")[:-1]
    cmds.append((name, [a.decode() for a in argv]))
os.chdir(tree)
stdin = os.open(os.devnull, os.O_RDONLY)
runs = {name: [] for name, _ in cmds}
for r in range(rounds):
    k = r % len(cmds)
    shown = []
    for name, argv in cmds[k:] + cmds[:k]:
        o = os.open(os.path.join(tmp, name + ".out"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        e = os.open(os.path.join(tmp, name + ".err"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        acts = [(os.POSIX_SPAWN_DUP2, stdin, 0), (os.POSIX_SPAWN_DUP2, o, 1), (os.POSIX_SPAWN_DUP2, e, 2)]
        rss_file = os.path.join(tmp, name + ".rss")
        full = ["/usr/bin/time", "-f", "%M", "-o", rss_file] + argv if gnu_time else argv
        t0 = time.perf_counter_ns()
        pid = os.posix_spawnp(full[0], full, os.environ, file_actions=acts)
        _, status, ru = os.wait4(pid, 0)
        t1 = time.perf_counter_ns()
        os.close(o)
        os.close(e)
        rc = os.waitstatus_to_exitcode(status)
        if rc not in (0, 1):
            err = open(os.path.join(tmp, name + ".err"), errors="replace").read()[:500]
            sys.exit(f"{name} exited {rc} in round {r + 1}: {err}")
        rss = int(open(rss_file).read().split()[-1]) if gnu_time else None
        runs[name].append({"round": r + 1, "wall": (t1 - t0) / 1e9, "user": ru.ru_utime,
                           "sys": ru.ru_stime, "cpu": ru.ru_utime + ru.ru_stime,
                           "maxrss_kib": rss, "rc": rc})
        shown.append(f"{name} {(t1 - t0) / 1e6:.0f} ms (cpu {(ru.ru_utime + ru.ru_stime) * 1e3:.0f})")
    print(f"  round {r + 1}/{rounds}: " + ", ".join(shown), file=sys.stderr)
json.dump({"rounds": rounds, "order": "rotated each round", "runs": runs}, open(dest, "w"), indent=1)
EOF
    die "a command failed while timing the $l tree"
  # The last round's outputs, counted again.
  python3 - "$out" "$cl" "$work/runner" "$have_rg" <<'EOF' || die "a timed run of the $l tree found the wrong thing"
import json, sys
out, l, tmp, have_rg = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
m = json.load(open(f"{out}/manifest-{l}.json"))["floor"]
d = json.load(open(f"{tmp}/check.out"))
bad = []
if d["summary"]["files"] != m["check_files"] or len(d["diagnostics"]) != sum(m["planted"].values()):
    bad.append(f"check: {d['summary']['files']} files, {len(d['diagnostics'])} findings")
for t in ["grep"] + (["rg"] if have_rg else []):
    n = sum(1 for _ in open(f"{tmp}/{t}.out", encoding="utf-8"))
    if n != m["pattern_lines"]:
        bad.append(f"{t}: {n} lines, {m['pattern_lines']} expected")
for b in bad:
    print("  MISMATCH (timed run):", b, file=sys.stderr)
sys.exit(1 if bad else 0)
EOF
}

labels=()
for entry in $sizes; do
  tree_for "$entry"
  commands_for "$label"
  m_files=$(python3 -c 'import json, sys; f = json.load(open(sys.argv[1]))["floor"]; print("{:,} files check reads, {:.1f} MB".format(f["check_files"], f["check_bytes"] / 1e6))' "$out/manifest-$label.json")
  log "== $label: $m_files ($(du -sh "$tree" | cut -f1) on disk)"
  verify "$label"
  time_rounds "$label" "$(rounds_for "$label")"
  labels+=("$label")
  # At 4,000 (full mode), again with one core taken by a busy loop at the
  # same priority (another job on a CI runner).
  if [ "$quick" = 0 ] && [ "$label" = 4000 ]; then
    log "== 4000, one core busy"
    sh -c 'while :; do :; done' &
    busy_pid=$!
    time_rounds 4000-busy "$(rounds_for 4000-busy)"
    kill "$busy_pid"
    wait "$busy_pid" 2>/dev/null || true
    busy_pid=
    labels+=(4000-busy)
  fi
done

echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/machine.md"

# The summary, as markdown.
python3 - "$out" "$quick" "$profile" "${labels[@]}" <<'EOF' | tee "$out/summary.md"
import json, os, shlex, statistics, sys
out, quick, profile, labels = sys.argv[1], sys.argv[2] == "1", sys.argv[3], sys.argv[4:]
def load(name):
    p = os.path.join(out, name)
    return json.load(open(p)) if os.path.exists(p) else None
def shown(l):
    base = l.removesuffix("-busy")
    name = "large shape" if base == "large" else f"{int(base):,}"
    return name + (", one core busy" if l.endswith("-busy") else "")
print(f"## gorun-lint check and its floor: rg and grep over the same files"
      f"{' (quick mode: not representative)' if quick else ''}\n")
if profile != "release":
    print("Binary: dev profile (--debug), not representative.\n")
print(open(os.path.join(out, "machine.md")).read())
print("### Interleaved rounds (wall and CPU time in ms; CPU is user + sys)\n")
print("Each round runs the commands in turn, the order rotated each round. "
      "÷ rg and ÷ grep: this command's median wall time over theirs.\n")
print("| tree | files read | MB | command | median wall | min–max | IQR | median CPU | CPU ÷ wall "
      "| max RSS, MiB | ÷ rg | ÷ grep | rounds |")
print("|--|--:|--:|--|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
for l in labels:
    t = load(f"times-{l}.json")
    m = load(f"manifest-{l.removesuffix('-busy')}.json")["floor"]
    med = {c: statistics.median(r["wall"] for r in runs) for c, runs in t["runs"].items()}
    for c, runs in t["runs"].items():
        wall = [r["wall"] * 1e3 for r in runs]
        cpu = statistics.median(r["cpu"] for r in runs) * 1e3
        iqr = "n/a"
        if len(wall) >= 4:
            q = statistics.quantiles(wall, n=4, method="inclusive")
            iqr = f"{q[0]:.1f}–{q[2]:.1f}"
        rss = f"{max(r['maxrss_kib'] for r in runs) / 1024:.1f}" if runs[0]["maxrss_kib"] else "n/a"
        vs = lambda o: f"{med[c] / med[o]:.2f}x" if o in med else "n/a"
        print(f"| {shown(l)} | {m['check_files']:,} | {m['check_bytes'] / 1e6:.1f} | {c} | "
              f"{statistics.median(wall):.1f} | {min(wall):.1f}–{max(wall):.1f} | {iqr} | {cpu:.1f} | "
              f"{cpu / statistics.median(wall):.2f} | {rss} | {vs('rg')} | {vs('grep')} | {len(runs)} |")
print()
print("### The trees: files check reads (= its summary.files = rg --files = grep's), and what was found\n")
print("| tree | Makefiles | .go (with //go:generate) | .sh, .bash | extension-less: shell, other "
      "| workflows | Procfiles | not walked (vendor, testdata) | planted = check's findings | rg, grep lines |")
print("|--|--:|--:|--:|--:|--:|--:|--:|--|--:|")
for l in labels:
    if l.endswith("-busy"):
        continue
    m = load(f"manifest-{l}.json")["floor"]
    v = load(f"verified-{l}.json")
    k = lambda kind: m["by_kind"].get(kind, {}).get("files", 0)
    planted = ", ".join(f"{r} {n}" for r, n in m["planted"].items())
    lines = ", ".join(str(n) for n in v["lines"].values())
    print(f"| {shown(l)} | {k('makefile'):,} | {k('go'):,} ({m['go_generate_files']:,}) | {k('script'):,} | "
          f"{k('noext-script'):,}, {k('noext-other'):,} | {k('workflow'):,} | {k('procfile'):,} | "
          f"{m['not_walked']['files']:,} | {planted} | {lines} |")
print()
print("Planted by kind of file (rule: count), each found exactly (per file and rule) by check:\n")
for l in labels:
    if l.endswith("-busy"):
        continue
    m = load(f"manifest-{l}.json")["floor"]
    kinds = "; ".join(f"{k}: " + ", ".join(f"{r} {n}" for r, n in sorted(v.items()))
                      for k, v in m["planted_by_kind"].items())
    print(f"- {shown(l)}: {kinds}")
print()
print("### Commands (run in the tree's root; the workflow --include options list the tree's workflow files)\n")
print("```")
for l in labels:
    if l.endswith("-busy"):
        continue
    names = set(load(f"manifest-{l}.json")["floor"]["workflow_names"])
    for c in ("check", "rg", "grep"):
        p = os.path.join(out, f"cmd-{l}-{c}.argv")
        if not os.path.exists(p):
            continue
        argv = open(p, "rb").read().decode().split("\0")[:-1]
        wf = [a for a in argv if a.removeprefix("--include=") in names]
        if len(wf) > 6:
            # Hundreds of workflow names: said once.
            at = argv.index(wf[0])
            argv = [a for a in argv if a not in wf]
            argv.insert(at, f"--include=<each of the {len(wf):,} workflow file names>")
        print(f"# {shown(l)}, {c}:\n{shlex.join(argv)}")
print("```\n")
print(f"Raw results: {out}")
EOF
log "done: $out/summary.md"
