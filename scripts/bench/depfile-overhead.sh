#!/usr/bin/env bash
# What the dependency files cost (issue 19): `fix` now gives each helper
# target a recipe line that writes <helper>.d from `go list -deps`, and a
# once-per-Makefile header (GORUN_LINT_DEPS, GORUN_LINT_DEPFILE and
# `-include $(wildcard _gen/bin/*.d)`). Two measurements:
#
# 1. Makefile lines: `fix --diff` on copies of fixtures/e2e/eight,
#    fixtures/e2e/multi and fixtures/demo, with the default
#    (prerequisites = "go-list") and with prerequisites = "static" (the
#    line prepended to a copy of the fixture's .gorun-lint.toml). Counts
#    the `+` lines of Makefiles (Makefile, *.mk) only: helpers (targets
#    added under _gen/bin), total, the once-per-Makefile header (the
#    comment, the GORUN_LINT_* variables and the -include, with the blank
#    line before them) and lines per helper without the header (goal: <= 8).
#
# 2. A source edit, `make gen` against `go run`, on a generated git
#    repository of ~3,000 tracked files (300 packages of 8 Go files, 600
#    other files, one commit); `scripts/gen` imports 20 of the packages and
#    `gen:` runs `go run ./scripts/gen > out.txt`. Four copies, each with
#    its own GOCACHE and GOMODCACHE (seeded from one build of the helper's
#    dependencies, so no side pays for the standard library):
#      orig    go run, as generated;
#      fixed   after `gorun-lint fix` (committed, as a user would);
#      vcs     fixed, `-buildvcs=false` removed from the build line (go
#              build stamps version-control information: runs git);
#      nolist  fixed, the `@$(GO) list ... | $(GORUN_LINT_DEPFILE)` line
#              deleted after the warm-up (the .d of the warm-up stays, so
#              an edit still rebuilds: the difference is what go list costs).
#    One warm-up `make gen` each; then per round one source file of a
#    package the helper imports gets a comment appended (the same edit on
#    every side) and `make gen` is timed on each side, the order rotating
#    from round to round; then `make gen` again with nothing changed.
#    After every round the out.txt of all sides must be identical, each
#    fixed side must have rebuilt its helper after the edit (and not run
#    go list on nolist), and none may rebuild it when nothing changed.
#    Last, `make -q _gen/bin/gen` on fixed with and without make's
#    built-in implicit rules (-r): make's own time to read gen.d.
#    Bash timing loop on `date +%s%N` (hyperfine cannot interleave sides
#    with an edit between rounds).
#
# usage: scripts/bench/depfile-overhead.sh [--quick] [--debug]
#   --quick  2 rounds (CI: keeps the script from rotting). Never fails on
#            timing; fails when a command fails or an answer is wrong.
#   --debug  use the dev-profile gorun-lint instead of a release build
#
# Environment:
#   GORUN_LINT_BIN  use this binary, build nothing
#   BENCH_OUT       results directory (default target/bench/depfile-overhead-<stamp>)
#   BENCH_ROUNDS    rounds in full mode (default 15; at least 9 is sensible)
#   BENCH_KEEP=1    keep the work directory
#   BENCH_IDLE_WAIT seconds to wait for an idle machine (default 300)
#   BENCH_NICE=0    do not raise the priority (full mode as root: nice -10)
# Needs: cargo, GNU make, Go 1.24+, git, python3.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

parse_mode_args "$@"

need_make_and_go
command -v git >/dev/null || die "git is needed"

stamp=$(date -u +%Y%m%dT%H%M%SZ)
if [ "$quick" = 1 ]; then
  out=${BENCH_OUT:-$bench_repo/target/bench/depfile-overhead-quick}
  rounds=2
else
  out=${BENCH_OUT:-$bench_repo/target/bench/depfile-overhead-$stamp}
  rounds=${BENCH_ROUNDS:-15}
fi
make_work_dirs depfile

build_binary "$profile"
USE_HYPERFINE=0
if [ "$quick" = 0 ]; then wait_for_idle; raise_priority; fi
machine_info >"$out/machine.md"
cat "$out/machine.md" >&2

export GOTOOLCHAIN=local GOFLAGS=-modcacherw GOPROXY=off GOWORK=off GOENV=off
export LC_ALL=C
# git of the generated repository: no user or system configuration.
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null

# ---------------------------------------------------------------- part 1
log "== part 1: Makefile lines added by fix"
: >"$out/lines.jsonl"
for fx in e2e/eight e2e/multi demo; do
  for mode in go-list static; do
    d=$work/lines/$mode/$(basename "$fx")
    mkdir -p "$(dirname "$d")"
    cp -R "$bench_repo/fixtures/$fx" "$d"
    if [ "$mode" = static ]; then
      # A top-level key: before any [table] of the existing file.
      { echo 'prerequisites = "static"'; cat "$d/.gorun-lint.toml" 2>/dev/null || true; } >"$d/.toml.new"
      mv "$d/.toml.new" "$d/.gorun-lint.toml"
    fi
    rc=0
    (cd "$d" && "$BIN" fix --diff) >"$out/lines.$mode.$(basename "$fx").diff" 2>"$out/lines.$mode.$(basename "$fx").stderr" || rc=$?
    [ "$rc" = 1 ] || die "fix --diff on $fx ($mode) exited $rc, expected 1 (changes): $(cat "$out/lines.$mode.$(basename "$fx").stderr")"
    python3 - "$fx" "$mode" "$out/lines.$mode.$(basename "$fx").diff" >>"$out/lines.jsonl" <<'EOF'
import json, os, re, sys
fx, mode, path = sys.argv[1:4]
def is_makefile(p):
    b = os.path.basename(p)
    return b in ("Makefile", "makefile", "GNUmakefile") or b.endswith(".mk")
files, cur = {}, None
for line in open(path, encoding="utf-8"):
    line = line.rstrip("\n")
    if line.startswith("+++ "):
        p = line[4:].split("\t")[0]
        p = p[2:] if p.startswith("b/") else p
        cur = p if is_makefile(p) else None
        if cur is not None:
            files[cur] = []
    elif line.startswith("--- ") or line.startswith("@@"):
        continue
    elif cur is not None and line.startswith("+"):
        files[cur].append(line[1:])
def fail(msg):
    sys.exit(f"{fx} ({mode}): {msg}")
rule = re.compile(r"^((\.\./)*_gen/bin/[^:\s]+):")
total = header = targets = target_lines = makefiles_with_header = 0
names, used = set(), set()
for f, added in files.items():
    total += len(added)
    i = next((k for k, l in enumerate(added) if l.startswith("# gorun-lint: helper binaries")), None)
    hdr = set()
    if i is not None:
        makefiles_with_header += 1
        j, cont = i, False
        while j < len(added):
            l = added[j]
            if cont or l.startswith("#") or re.match(r"^[A-Z_]+ *[:+?]?= ", l) or l.startswith("-include "):
                hdr.add(j)
                cont = l.endswith("\\")
                j += 1
            else:
                break
        if i > 0 and added[i - 1] == "":
            hdr.add(i - 1)
        header += len(hdr)
        text = "\n".join(added[k] for k in sorted(hdr))
        if mode == "go-list" and not ("GORUN_LINT_DEPS" in text and "-include $(wildcard" in text):
            fail(f"{f}: header without GORUN_LINT_DEPS or -include")
        if mode == "static" and "GORUN_LINT_DEP" in text:
            fail(f"{f}: static prerequisites, yet a GORUN_LINT_DEP* variable")
    # Target blocks: the blank line before, the rule (with its
    # continuations) and the recipe.
    k = 0
    while k < len(added):
        m = rule.match(added[k])
        if m and k not in hdr:
            names.add(m.group(1))
            targets += 1
            start = k - 1 if k > 0 and added[k - 1] == "" and (k - 1) not in hdr else k
            k += 1
            recipe = []
            while k < len(added) and added[k] != "" and not rule.match(added[k]):
                recipe.append(added[k])
                k += 1
            target_lines += k - start
            lists = sum(1 for r in recipe if re.search(r"\blist\b.*\$\(GORUN_LINT_DEPS\).*\$\(GORUN_LINT_DEPFILE\)", r))
            if mode == "go-list" and lists != 1:
                fail(f"{f}: target {m.group(1)} has {lists} go list lines, expected 1")
            if mode == "static" and lists:
                fail(f"{f}: static target {m.group(1)} runs go list")
        else:
            if k in hdr:
                k += 1
                continue
            for u in re.findall(r"(?:^|[\s|/])((?:\.\./)*_gen/bin/[A-Za-z0-9_.+-]+)", added[k]):
                used.add(u)
            k += 1
if targets == 0:
    fail("no helper target under _gen/bin")
if targets != len(names):
    fail(f"{targets} helper targets for {len(names)} names")
base = lambda p: p.rsplit("/", 1)[-1]
missing = {base(u) for u in used} - {base(n) for n in names}
if missing:
    fail(f"helpers used without a target: {sorted(missing)}")
print(json.dumps({"fixture": fx, "mode": mode, "makefiles": len(files),
                  "makefiles_with_header": makefiles_with_header, "helpers": targets,
                  "added": total, "header": header, "target_lines": target_lines,
                  "other": total - header - target_lines,
                  "per_helper": (total - header) / targets}))
EOF
    log "  $fx ($mode): $(tail -1 "$out/lines.jsonl")"
  done
done

# ---------------------------------------------------------------- part 2
log "== part 2: generating a git repository of ~3,000 files"
repo=$work/repo
python3 - "$repo" <<'EOF'
import os, sys
root = sys.argv[1]
def w(p, s):
    p = os.path.join(root, p)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w") as f:
        f.write(s)
w("go.mod", "module example.com/bigrepo\n\ngo 1.24\n")
w(".gitignore", "/out.txt\n")
w("Makefile", ".PHONY: gen\n\ngen:\n\tgo run ./scripts/gen > out.txt\n")
for p in range(300):
    pkg = f"p{p:03d}"
    for k in range(8):
        body = [f"// Package {pkg} is generated by depfile-overhead.sh.\n" if k == 0 else "",
                f"package {pkg}\n\nimport \"strings\"\n\n"]
        for n in range(6):
            body.append(
                f"// F{k}x{n} mixes its argument (file {k}, function {n}).\n"
                f"func F{k}x{n}(x int) int {{\n"
                f"\tfor i := 0; i < {n + 3}; i++ {{\n"
                f"\t\tx = x*{31 + k} + i ^ {p + n}\n"
                f"\t\tif x < 0 {{\n\t\t\tx = -x\n\t\t}}\n\t}}\n"
                f"\treturn x % {1000003 + p}\n}}\n\n")
        body.append(f"// Name{k} is a label of the package.\n"
                    f"func Name{k}() string {{ return strings.ToUpper(\"{pkg}-{k}\") }}\n")
        if k == 0:
            calls = " + ".join(f"F{j}x{n}(x)" for j in range(8) for n in range(6))
            body.append(f"\n// Sum is every function of the package.\nfunc Sum(x int) int {{ return ({calls}) % 1000003 }}\n")
        w(f"pkg/{pkg}/f{k}.go", "".join(body))
    w(f"docs/{pkg}.md", f"# {pkg}\n\nGenerated package {pkg}.\n")
    w(f"testdata/{pkg}.json", f'{{"package": "{pkg}", "n": {p}}}\n')
imported = [f"p{p:03d}" for p in range(0, 300, 15)]
w("scripts/gen/imported.txt", "\n".join(imported) + "\n")
lines = ["// Command gen prints a line per imported package.", "package main", "", "import (", '\t"fmt"', ""]
lines += [f'\t"example.com/bigrepo/pkg/{q}"' for q in imported]
lines += [")", "", "func main() {"]
lines += [f'\tfmt.Println({q}.Name0(), {q}.Sum({i}))' for i, q in enumerate(imported)]
lines += ["}", ""]
w("scripts/gen/main.go", "\n".join(lines))
EOF
(
  cd "$repo"
  git init -q
  git config user.name "depfile-overhead.sh"
  git config user.email "bench@example.invalid"
  git config commit.gpgsign false
  git add -A
  git commit -q -m "generated repository"
)
tracked=$(git -C "$repo" ls-files | wc -l)
[ "$tracked" -ge 3000 ] || die "the generated repository tracks $tracked files, expected >= 3000"
mapfile -t imported <"$repo/scripts/gen/imported.txt"
log "  $tracked tracked files, helper imports ${#imported[@]} packages"

# Seed GOCACHE: the helper's dependencies, standard library included.
log "== seeding GOCACHE (one build of the helper's dependencies)"
mkdir -p "$work/seed.gocache" "$work/seed.gomodcache"
(cd "$repo" && GOCACHE=$work/seed.gocache GOMODCACHE=$work/seed.gomodcache \
  go build -buildvcs=false -o /dev/null ./scripts/gen) || die "seeding GOCACHE failed"

sides=(orig fixed vcs nolist)
for s in "${sides[@]}"; do
  cp -R "$repo" "$work/$s"
  cp -R "$work/seed.gocache" "$work/$s.gocache"
  mkdir -p "$work/$s.gomodcache"
done
side_env() { export GOCACHE=$work/$1.gocache GOMODCACHE=$work/$1.gomodcache; }

log "== gorun-lint fix on the fixed sides"
(cd "$work/fixed" && "$BIN" fix) 2>"$out/fix.stderr" || die "gorun-lint fix failed: $(cat "$out/fix.stderr")"
log "  $(cat "$out/fix.stderr")"
mk=$work/fixed/Makefile
grep -qE $'^\t.*(go|\\$\\(GO\\)) run ' "$mk" && die "the fixed Makefile still runs go run"
grep -qE $'^\t.*go build -buildvcs=false .*-o \\$@ \\./scripts/gen$' "$mk" || die "no go build -buildvcs=false line for the helper in $mk"
grep -qE $'^\t@.*go list \\$\\(GORUN_LINT_DEPS\\) \\./scripts/gen \\| \\$\\(GORUN_LINT_DEPFILE\\)$' "$mk" ||
  die "no go list | GORUN_LINT_DEPFILE line for the helper in $mk"
(cd "$work/fixed" && git add -A && git commit -q -m "gorun-lint fix")
for s in vcs nolist; do
  rm -rf "${work:?}/$s"
  cp -R "$work/fixed" "$work/$s"
done
sed -i 's/ -buildvcs=false//' "$work/vcs/Makefile"
(cd "$work/vcs" && git commit -q -am "stamp version-control information")
grep -q -- '-buildvcs' "$work/vcs/Makefile" && die "-buildvcs still in the vcs side's Makefile"
for s in "${sides[@]}"; do cp "$work/$s/Makefile" "$out/Makefile.$s"; done

log "== warm-up: one make gen a side"
for s in "${sides[@]}"; do
  (side_env "$s"; cd "$work/$s" && make gen >"$out/$s.warm.log" 2>&1) ||
    die "make gen failed on $s: $(tail -20 "$out/$s.warm.log")"
done
for s in fixed vcs nolist; do
  [ -s "$work/$s/_gen/bin/gen.d" ] || die "no _gen/bin/gen.d after the warm-up on $s"
  grep -q "pkg/${imported[0]}/f0.go" "$work/$s/_gen/bin/gen.d" || die "_gen/bin/gen.d on $s does not list pkg/${imported[0]}/f0.go"
done
# nolist: the go list line goes after the warm-up; its gen.d stays.
# shellcheck disable=SC2016 # $(GORUN_LINT_DEPS) is make's, matched literally
sed -i '/list \$(GORUN_LINT_DEPS)/d' "$work/nolist/Makefile"
# shellcheck disable=SC2016
grep -q 'list $(GORUN_LINT_DEPS)' "$work/nolist/Makefile" && die "the go list line is still in the nolist side's Makefile"
(cd "$work/nolist" && git commit -q -am "no go list")
cp "$work/nolist/Makefile" "$out/Makefile.nolist"
stamp_of() { (side_env "$1"; go version -m "$work/$1/_gen/bin/gen") || die "go version -m failed on $1"; }
[[ $(stamp_of vcs) == *vcs.revision* ]] || die "the vcs side's helper has no vcs stamp"
[[ $(stamp_of fixed) == *vcs.revision* ]] && die "the fixed side's helper has a vcs stamp"

# timed SIDE KIND ROUND: one timed make gen; appends "side kind round ns".
timed() {
  local s=$1 kind=$2 r=$3 t0 t1 log=$out/$1.$2.$3.log
  (
    side_env "$s"
    cd "$work/$s"
    t0=$(date +%s%N)
    make gen >"$log" 2>&1 || die "make gen failed on $s ($kind, round $r): $(tail -20 "$log")"
    t1=$(date +%s%N)
    echo "$s $kind $r $((t1 - t0))" >>"$out/times.txt"
  )
}
# built LOG: whether make ran the helper's go build (make echoes it).
built() { grep -qE '^go build .*-o _gen/bin/gen ' "$1"; }

: >"$out/times.txt"
log "== $rounds rounds: edit, make gen on every side; make gen again with nothing changed"
for ((r = 0; r < rounds; r++)); do
  pkg=${imported[r % ${#imported[@]}]}
  file=pkg/$pkg/f$((r % 8)).go
  for s in "${sides[@]}"; do
    printf '\n// depfile-overhead.sh: round %d edit\n' "$r" >>"$work/$s/$file"
  done
  for s in fixed vcs nolist; do
    if (cd "$work/$s" && make -q _gen/bin/gen); then die "round $r: $s thinks _gen/bin/gen is up to date after editing $file"; fi
  done
  touch "$work/round.marker"
  for kind in edit same; do
    for ((k = 0; k < ${#sides[@]}; k++)); do
      s=${sides[(k + r) % ${#sides[@]}]}
      timed "$s" "$kind" "$r"
    done
  done
  for s in "${sides[@]}"; do
    cmp -s "$work/orig/out.txt" "$work/$s/out.txt" || die "round $r: out.txt differs between orig and $s"
    [ "$(wc -l <"$work/$s/out.txt")" = "${#imported[@]}" ] || die "round $r: $s/out.txt has not ${#imported[@]} lines"
  done
  for s in fixed vcs nolist; do
    built "$out/$s.edit.$r.log" || die "round $r: $s did not rebuild the helper after editing $file"
    if built "$out/$s.same.$r.log"; then die "round $r: $s rebuilt the helper with nothing changed"; fi
    (cd "$work/$s" && make -q _gen/bin/gen) || die "round $r: $s's helper is not up to date after make gen"
  done
  # go list ran (gen.d rewritten) on fixed and vcs, not on nolist.
  for s in fixed vcs; do
    [ -n "$(find "$work/$s/_gen/bin/gen.d" -newer "$work/round.marker")" ] || die "round $r: $s did not rewrite _gen/bin/gen.d"
  done
  [ -z "$(find "$work/nolist/_gen/bin/gen.d" -newer "$work/round.marker")" ] || die "round $r: nolist rewrote _gen/bin/gen.d"
  log "  round $((r + 1))/$rounds ($file): $(awk -v r="$r" '$3 == r { printf "%s/%s %d ms  ", $1, $2, $4 / 1e6 }' "$out/times.txt")"
done
# make's own time with the .d read: `make -q` of the helper, nothing to
# do, with make's built-in implicit rules (default) and without (-r).
log "== make -q _gen/bin/gen on fixed, with and without built-in rules (-r)"
: >"$out/makeq.txt"
for ((r = 0; r < rounds; r++)); do
  for flags in "-q" "-r -q"; do
    t0=$(date +%s%N)
    # shellcheck disable=SC2086 # flags are words
    (cd "$work/fixed" && make $flags _gen/bin/gen) || die "make $flags _gen/bin/gen: not up to date on fixed"
    t1=$(date +%s%N)
    echo "${flags// /} $r $((t1 - t0))" >>"$out/makeq.txt"
  done
done
echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/machine.md"

python3 - "$out" "$quick" "$tracked" "${#imported[@]}" <<'EOF' | tee "$out/summary.md"
import collections, json, os, statistics, sys
out, quick, tracked, nimp = sys.argv[1], sys.argv[2] == "1", sys.argv[3], sys.argv[4]
rows = [json.loads(l) for l in open(os.path.join(out, "lines.jsonl"))]
print(f"## Dependency files: Makefile lines and source-edit overhead{' (quick mode: not representative)' if quick else ''}\n")
print(open(os.path.join(out, "machine.md")).read())
print("Makefile lines `fix` adds (`+` lines of `fix --diff` in Makefiles and *.mk):\n")
print("| fixture | prerequisites | helpers | Makefiles (with header) | lines added | header | per helper, header excluded | of which target blocks |")
print("|--|--|--:|--:|--:|--:|--:|--:|")
for r in rows:
    print(f"| {r['fixture']} | {r['mode']} | {r['helpers']} | {r['makefiles']} ({r['makefiles_with_header']}) | {r['added']} | "
          f"{r['header']} | {r['per_helper']:.1f} | {r['target_lines'] / r['helpers']:.1f} |")
t = collections.defaultdict(dict)
for l in open(os.path.join(out, "times.txt")):
    s, kind, r, ns = l.split()
    t[(s, kind)][int(r)] = int(ns) / 1e6
names = {"orig": "`go run` (orig)", "fixed": "fixed", "vcs": "fixed, VCS stamp (no `-buildvcs=false`)",
         "nolist": "fixed, no `go list` line"}
rounds = len(t[("orig", "edit")])
for kind, title in (("edit", "after a source edit"), ("same", "nothing changed")):
    print(f"\n`make gen` {title}, {rounds} interleaved rounds, ms ({tracked} tracked files, helper imports {nimp} packages):\n")
    print("| variant | median | min | max | median - go run | per-round difference to go run, median | to fixed, median |")
    print("|--|--:|--:|--:|--:|--:|--:|")
    o, f = t[("orig", kind)], t[("fixed", kind)]
    om = statistics.median(o.values())
    for s in ("orig", "fixed", "vcs", "nolist"):
        v = t[(s, kind)]
        m = statistics.median(v.values())
        diff = "" if s == "orig" else f"{m - om:+.0f} ({(m - om) / om * 100:+.0f}%)"
        pd = "" if s == "orig" else f"{statistics.median(v[r] - o[r] for r in v):+.0f}"
        pf = "" if s in ("orig", "fixed") else f"{statistics.median(v[r] - f[r] for r in v):+.0f}"
        print(f"| {names[s]} | {m:.0f} | {min(v.values()):.0f} | {max(v.values()):.0f} | {diff} | {pd} | {pf} |")
q = collections.defaultdict(list)
for l in open(os.path.join(out, "makeq.txt")):
    flags, r, ns = l.split()
    q[flags].append(int(ns) / 1e6)
print(f"\n`make -q _gen/bin/gen` on fixed (reads Makefile and gen.d, nothing to do), {len(q['-q'])} interleaved rounds, ms:\n")
print("| make | median | min | max |")
print("|--|--:|--:|--:|")
for flags, label in (("-q", "`make -q` (built-in implicit rules)"), ("-r-q", "`make -r -q` (none)")):
    v = q[flags]
    print(f"| {label} | {statistics.median(v):.0f} | {min(v):.0f} | {max(v):.0f} |")
print(f"\nRaw results: {out}")
EOF
log "done: $out/summary.md"
