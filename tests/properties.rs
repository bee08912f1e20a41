//! Property tests: Makefiles generated from the constructs real ones use
//! (rules, recipes with `@ - +` prefixes, continuations, conditionals,
//! `define`s, includes, env prefixes, `cd`), with and without `go run`.
//!
//! - `check` finds exactly the callsites the generator wrote (by line);
//! - `fix` never changes a line outside the edits it reports, and the
//!   result re-parses with no more ERROR regions;
//! - `fix` on its own output changes nothing.
//!
//! The fuzz targets (fuzz/) check the same promises on arbitrary input;
//! their checker is included here so each input the fuzzer found is a
//! regression test below.

use std::path::Path;

use gorun_lint::lint::analysis::{Analysis, Options};
use gorun_lint::lint::fix::apply::{render, Change};
use gorun_lint::lint::fix::plan::plan;
use proptest::prelude::*;

#[path = "../fuzz/src/promises.rs"]
#[allow(dead_code)]
mod promises;

/// Packages of the generated repository, as `(cd dir, package)` pairs that
/// resolve to a package directory that exists.
const RUNS: &[(&str, &str)] = &[
    ("", "./scripts/gen"),
    ("", "./cmd/tool"),
    ("", "./tools/x"),
    ("scripts", "./gen"),
    ("cmd", "./tool"),
    ("sub", "."),
    ("", "./sub"),
    ("", "example.com/fz/cmd/tool"),
    ("", "golang.org/x/tools/cmd/stringer@v0.1.0"),
    ("", "./cmd/..."),
    ("", "$(PKG)"),
    ("", "./scripts/gen/main.go"),
];
const GO_WORDS: &[&str] = &["go", "$(GO)", "${GO}", "$(HOSTGO)", "$(GOROOT)/bin/go"];
const ENV: &[&str] = &["CI=true", "GOOS=linux", "CGO_ENABLED=0", "X=\"a b\""];
const ARGS: &[&str] = &[
    "-o out.txt",
    "> gen.go",
    "$@",
    "\"quoted arg\"",
    "'single'",
    "2>&1",
    "-v",
];
const FLAGS: &[&str] = &[
    "-tags x",
    "-mod=mod",
    "-race",
    "-trimpath",
    "-ldflags \"-s -w\"",
];
/// Commands that are never a callsite.
const OTHER: &[&str] = &[
    "echo \"go run ./x\"",
    "go test -run TestX ./...",
    "go build -o bin/x ./cmd/tool",
    "mkdir -p out",
    "printf '%s\\n' 'go run'",
    "true",
];
const SEPARATORS: &[&str] = &[" && ", " || ", "; ", " | ", " \\\n\t&& "];
const TARGETS: &[&str] = &["gen", "all", "build", "out/x.txt", "lint", "docs"];
const PREREQS: &[&str] = &["a.txt", "go.mod", "$(wildcard x/*.go)", "gen"];

#[derive(Debug, Clone)]
enum Cmd {
    GoRun {
        wrapper: usize,
        env: Vec<usize>,
        break_env: bool,
        go: usize,
        flags: Vec<usize>,
        run: usize,
        args: Vec<usize>,
        break_args: bool,
    },
    Other(usize),
}

#[derive(Debug, Clone)]
struct Line {
    prefixes: Vec<usize>,
    first: Cmd,
    rest: Vec<(usize, Cmd)>,
    /// A trailing shell comment that mentions `go run`.
    comment: bool,
}

#[derive(Debug, Clone)]
enum Item {
    Rule {
        target: usize,
        prereqs: Vec<usize>,
        /// 0: none, 1: ` | out`, 2: a bare ` |` (an empty order-only list).
        order_only: usize,
        recipe: Vec<Line>,
        /// Put the recipe lines after the first inside `ifdef CI ... endif`.
        conditional: bool,
        /// A `$(TPL)` line that expands a `define`.
        uses_define: bool,
    },
    ShellAssign(usize),
    Assign(usize),
    Define(Vec<Cmd>),
    IncludeCommon,
    IncludeMissing,
    Comment,
    Allow,
    Blank,
    Conditional(Vec<Item>),
}

fn cmd(with_go: bool) -> BoxedStrategy<Cmd> {
    let other = (0..OTHER.len()).prop_map(Cmd::Other);
    if !with_go {
        return other.boxed();
    }
    let go = (
        (0..8usize),
        prop::collection::vec(0..ENV.len(), 0..3),
        any::<bool>(),
        0..GO_WORDS.len(),
        prop::collection::vec(0..FLAGS.len(), 0..2),
        0..RUNS.len(),
        prop::collection::vec(0..ARGS.len(), 0..3),
        any::<bool>(),
    )
        .prop_map(
            |(wrapper, env, break_env, go, flags, run, args, break_args)| Cmd::GoRun {
                wrapper,
                env,
                break_env,
                go,
                flags,
                run,
                args,
                break_args,
            },
        );
    prop_oneof![2 => go, 1 => other].boxed()
}

fn line(with_go: bool) -> impl Strategy<Value = Line> {
    (
        prop::collection::vec(0..3usize, 0..3),
        cmd(with_go),
        prop::collection::vec((0..SEPARATORS.len(), cmd(with_go)), 0..2),
        any::<bool>(),
    )
        .prop_map(|(prefixes, first, rest, comment)| Line {
            prefixes,
            first,
            rest,
            comment,
        })
}

fn item(with_go: bool) -> impl Strategy<Value = Item> {
    let leaf = prop_oneof![
        4 => (
            0..TARGETS.len(),
            prop::collection::vec(0..PREREQS.len(), 0..3),
            0..3usize,
            prop::collection::vec(line(with_go), 0..4),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(
                |(target, prereqs, order_only, recipe, conditional, uses_define)| Item::Rule {
                    target,
                    prereqs,
                    order_only,
                    recipe,
                    conditional,
                    uses_define,
                }
            ),
        1 => (0..RUNS.len()).prop_map(move |r| if with_go { Item::ShellAssign(r) } else { Item::Assign(r) }),
        1 => (0..RUNS.len()).prop_map(Item::Assign),
        1 => prop::collection::vec(cmd(with_go), 1..3).prop_map(Item::Define),
        1 => Just(Item::IncludeCommon),
        1 => Just(Item::IncludeMissing),
        1 => Just(Item::Comment),
        1 => Just(Item::Allow),
        1 => Just(Item::Blank),
    ];
    leaf.prop_recursive(1, 8, 4, |inner| {
        prop::collection::vec(inner, 1..4).prop_map(Item::Conditional)
    })
}

/// A generated Makefile: its text and the 1-based lines of the `go` word
/// of every `go run` it holds.
struct Generated {
    text: String,
    callsites: Vec<usize>,
}

/// The Makefile as it reads, for failure reports.
impl std::fmt::Debug for Generated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "callsites on lines {:?} of\n{}",
            self.callsites, self.text
        )
    }
}

struct Writer {
    text: String,
    callsites: Vec<usize>,
    defines: usize,
}

impl Writer {
    fn line_no(&self) -> usize {
        self.text.matches('\n').count() + 1
    }

    fn cmd(&mut self, c: &Cmd) {
        match c {
            Cmd::Other(i) => self.text.push_str(OTHER[*i]),
            Cmd::GoRun {
                wrapper,
                env,
                break_env,
                go,
                flags,
                run,
                args,
                break_args,
            } => {
                let (dir, pkg) = RUNS[*run];
                if !dir.is_empty() {
                    self.text.push_str(&format!("cd {dir} && "));
                }
                let (open, close) = [
                    ("", ""),
                    ("env -u GOOS -- ", ""),
                    ("time ", ""),
                    ("(", ")"),
                    ("x=$$(", ")"),
                    ("if true; then ", "; fi"),
                    ("echo $(shell ", ")"),
                    // A configured exec wrapper (the template's config).
                    ("addlicense -file x.go ", ""),
                ][*wrapper];
                self.text.push_str(open);
                for e in env {
                    self.text.push_str(ENV[*e]);
                    self.text.push(' ');
                }
                if *break_env && !env.is_empty() {
                    self.text.push_str("\\\n\t");
                }
                self.callsites.push(self.line_no());
                self.text.push_str(GO_WORDS[*go]);
                self.text.push_str(" run");
                for f in flags {
                    self.text.push(' ');
                    self.text.push_str(FLAGS[*f]);
                }
                self.text.push(' ');
                self.text.push_str(pkg);
                for (i, a) in args.iter().enumerate() {
                    if *break_args && i == 1 {
                        self.text.push_str(" \\\n\t\t");
                    } else {
                        self.text.push(' ');
                    }
                    self.text.push_str(ARGS[*a]);
                }
                self.text.push_str(close);
            }
        }
    }

    fn recipe_line(&mut self, l: &Line) {
        self.text.push('\t');
        for p in &l.prefixes {
            self.text.push(['@', '-', '+'][*p]);
        }
        self.cmd(&l.first);
        for (sep, c) in &l.rest {
            self.text.push_str(SEPARATORS[*sep]);
            self.cmd(c);
        }
        if l.comment {
            self.text.push_str(" # then go run ./scripts/gen");
        }
        self.text.push('\n');
    }

    fn item(&mut self, it: &Item) {
        match it {
            Item::Rule {
                target,
                prereqs,
                order_only,
                recipe,
                conditional,
                uses_define,
            } => {
                self.text.push_str(TARGETS[*target]);
                self.text.push(':');
                for p in prereqs {
                    self.text.push(' ');
                    self.text.push_str(PREREQS[*p]);
                }
                match order_only {
                    1 => self.text.push_str(" | out"),
                    2 => self.text.push_str(" |"),
                    _ => {}
                }
                self.text.push('\n');
                for (i, l) in recipe.iter().enumerate() {
                    if *conditional && i == 1 {
                        self.text.push_str("ifdef CI\n");
                    }
                    self.recipe_line(l);
                }
                if *conditional && recipe.len() > 1 {
                    self.text.push_str("endif\n");
                }
                if *uses_define && self.defines > 0 {
                    self.text
                        .push_str(&format!("\t$(TPL{})\n", self.defines - 1));
                }
            }
            Item::ShellAssign(r) => {
                let (dir, pkg) = RUNS[*r];
                let cd = if dir.is_empty() {
                    String::new()
                } else {
                    format!("cd {dir} && ")
                };
                self.callsites.push(self.line_no());
                self.text.push_str(&format!(
                    "V{} := $(shell {cd}go run {pkg})\n",
                    self.line_no()
                ));
            }
            Item::Assign(r) => {
                self.text
                    .push_str(&format!("PKG{} = {}\n", self.line_no(), RUNS[*r].1));
            }
            Item::Define(body) => {
                self.text.push_str(&format!("define TPL{}\n", self.defines));
                self.defines += 1;
                for c in body {
                    self.text.push('\t');
                    self.cmd(c);
                    self.text.push('\n');
                }
                self.text.push_str("endef\n");
            }
            Item::IncludeCommon => self.text.push_str("include common.mk\n"),
            Item::IncludeMissing => self.text.push_str("-include missing.mk\n"),
            Item::Comment => self.text.push_str("# go run ./scripts/gen in a comment\n"),
            Item::Allow => self
                .text
                .push_str("# gorun-lint: allow gen -- generated at release only\n"),
            Item::Blank => self.text.push('\n'),
            Item::Conditional(items) => {
                self.text.push_str("ifeq ($(OS),Windows_NT)\n");
                for (i, it) in items.iter().enumerate() {
                    if i == 1 {
                        self.text.push_str("else\n");
                    }
                    self.item(it);
                }
                self.text.push_str("endif\n");
            }
        }
    }
}

fn makefile(with_go: bool) -> impl Strategy<Value = Generated> {
    (
        prop::collection::vec(item(with_go), 0..8),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(items, crlf, final_newline)| {
            let mut w = Writer {
                text: String::new(),
                callsites: Vec::new(),
                defines: 0,
            };
            for it in &items {
                w.item(it);
            }
            if !final_newline && w.text.ends_with('\n') {
                w.text.pop();
            }
            if crlf {
                w.text = w.text.replace('\n', "\r\n");
            }
            Generated {
                text: w.text,
                callsites: w.callsites,
            }
        })
}

/// The repository a generated Makefile lives in (the fuzz targets' one).
fn repo(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (rel, body) in promises::TEMPLATE {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, body).unwrap();
    }
    std::fs::write(dir.path().join("Makefile"), text).unwrap();
    dir
}

fn analyse(dir: &Path) -> Analysis {
    gorun_lint::lint::driver::run(
        &Options {
            paths: vec![dir.to_path_buf()],
            ..Default::default()
        },
        dir,
    )
    .unwrap()
}

fn fix(analysis: &Analysis) -> Vec<Change> {
    render(&plan(analysis, true, None).files).expect("fix renders")
}

/// Lines of the callsites found in the Makefile.
fn found_lines(analysis: &Analysis, dir: &Path) -> Vec<usize> {
    let makefile = dir.join("Makefile");
    let mut lines: Vec<usize> = analysis
        .files
        .iter()
        .filter(|f| f.file.path == makefile)
        .flat_map(|f| {
            f.sites
                .iter()
                .map(|s| f.file.line_col(s.callsite.span.start).0)
        })
        .collect();
    lines.sort();
    lines
}

/// 256 cases per property (seconds in a debug build); set
/// `PROPTEST_CASES` for a longer run.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(256);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn check_finds_exactly_the_generated_callsites(g in makefile(true)) {
        let dir = repo(&g.text);
        let analysis = analyse(dir.path());
        let mut expected = g.callsites.clone();
        expected.sort();
        prop_assert_eq!(found_lines(&analysis, dir.path()), expected, "Makefile:\n{}", g.text);
    }

    #[test]
    fn without_go_run_check_finds_nothing_and_fix_changes_nothing(g in makefile(false)) {
        prop_assert!(g.callsites.is_empty());
        let dir = repo(&g.text);
        let analysis = analyse(dir.path());
        prop_assert_eq!(found_lines(&analysis, dir.path()), Vec::<usize>::new(), "Makefile:\n{}", g.text);
        prop_assert!(fix(&analysis).is_empty());
    }

    /// Idempotence, untouched lines, no new parse errors: the fuzz targets'
    /// checker, on generated Makefiles.
    #[test]
    fn fix_keeps_its_promises(g in makefile(true)) {
        promises::check_and_fix(g.text.as_bytes());
    }
}

/// Inputs the fuzzer found, each a regression test (see "Guarantees" in
/// docs/guarantees.md).
mod fuzz_regressions {
    use super::promises::check_and_fix;

    /// A helper built from `./cmd/go` was named `_gen/bin/go`; a path ending
    /// in `/go` is the go command, so `_gen/bin/go run ./cmd/tool` (the
    /// program's own arguments) was a new callsite and `fix` was not
    /// idempotent.
    #[test]
    fn helper_named_go() {
        check_and_fix(b"gen:\n\tgo run -tags tools ./cmd/go run ./cmd/tool\n");
    }

    /// A multi-byte `.RECIPEPREFIX` was taken as its first byte and the
    /// line reader sliced a line inside the character (a panic).
    #[test]
    fn non_ascii_recipe_prefix() {
        check_and_fix(
            ".RECIPEPREFIX = \u{bb}\u{f5}\ndist:\n\u{bb}go run ./scripts/gen\n\u{f6}\u{9b}hecksums: dist\n".as_bytes(),
        );
    }

    /// After `else` without `ifeq`, tree-sitter-make read the following
    /// lines (`X != ...`, `define GO`) as one bogus rule headed `else`; the
    /// empty `define GO` was lost once `fix` appended its helper block, so
    /// the second run took `$(GO)` for go and found new callsites.
    #[test]
    fn bogus_rule_after_a_stray_else() {
        check_and_fix(
            b"define GOCMD\r\nendef\r\nOUT += $(shell cd scripts && x=$$(CGO_ENABLED=0 $(GO) run main.go > gen.go))\r\n\
gen:: _gen/bin/gen a.txt | ; cd scripts && echo $(shell $(GO) run main.go 'single')\r\n\
\t+cd sub && env -u GOOS -- CI=true CI=true \\\r\n\tgo run ./scripts/gen/main.go\r\n\
\t-++cd . && echo $(shell X=\"a b\" \\\r\n\t@echo done) | env -u GOOS -- CI=true CI=true CI=true \\\r\n\
\t$(GOCMD) run ./scripts/gen/main.go\r\ndefine X\r\n\tcd scripts && env -u GOOS -- ${GO} run ./cmd/tool\r\n\
\tif true; then ${GO} run main.go; fi\r\nendef\r\ndefine GOCMD\r\nendef\r\nelse\r\nX != $(shell date)\r\n\
define GO\r\nendef",
        );
    }

    /// `go run ./cm#`: the helper became `_gen/bin/cm#` and its
    /// prerequisites `$(wildcard cm#/*.go) \`, where `#` starts a make
    /// comment. Paths make cannot read literally get no fix.
    #[test]
    fn hash_in_a_package_path() {
        check_and_fix(
            b"proto:\n\t$(GO) run ./cm# Protoco\nPROTOS := $(wildcard api/*.protdd/protogen $(PROTOS)",
        );
    }

    /// A rule line with an unterminated `$(`: the `|` that `fix` added was
    /// inside the "reference" for the next run, which added another.
    #[test]
    fn unterminated_reference_on_a_rule_line() {
        check_and_fix(b"build: $(shell riptslocal gen\n\tgo run ./tools/ ../Makefile.");
    }

    /// The helper block and `clean` were appended with tab recipe lines
    /// after `.RECIPEPREFIX = >`; make does not read them as recipes, and
    /// each run added the `clean` line again. Now refused with a message.
    #[test]
    fn tab_recipes_after_recipe_prefix() {
        check_and_fix(
            b"site:\n\tCI=true BASE_PATH=\".\" go run ./scripts/apitypings\n.RECIPEPREFIX = >\n.PHONY: dist checksumsorted by scripts/deps.?'= go",
        );
    }

    /// `go run ./scripts/a=1.2.3`: the helper target `_gen/bin/a=1.2.3` is
    /// a target-specific variable assignment to make, so the next run found
    /// the rule without its helper and fixed again.
    #[test]
    fn equals_sign_in_a_package_path() {
        check_and_fix(
            b".ONESHELL:\n\tCI=true BASE_PATH=\".\" go run ./scripts/apitypings\ndefine\"\"\"\"\"\"\"\"\"\"\" USAGE\nUsage: go run ./hings\n\t\tgo run ./yscripts/apitypings\n\tenv -u GOOS -u GOARCH -- go run ./scripts/a=1.2.3\" ./cmd/mkversion\n\tgo rxn -ldflags \"-s -w -X 'main.version=$(VERSION)'\" -buildvcs=f",
        );
    }

    /// `gen:: ... |` (an empty order-only list at the end of the line): the
    /// grammar read the first recipe line as more prerequisites, so its
    /// callsite was missed until a fix filled the list.
    #[test]
    fn trailing_pipe_swallowed_the_first_recipe_line() {
        check_and_fix(
            b"define GOCMD\r\n\tenv -u GOOS -- GOOS=linux $(HOSTGO) run -v main.go $@\r\nendef\r\ndefine GOFLAGS\r\nendef\r\n\
gen:: _gen/bin/gen go.mod |\r\n\ttime $(HOSTGO) run example.com/fz/cmd/tool; cd scripts && x=$$(CGO_ENABLED=0 $(GOCMD) run -C sub) ;\\\r\n\
\tcd scripts && command $(GOCMD) run main.go\r\n\tcd cmd && x=$$(X=\"a b\" \\\r\n\
\t$(GOROOT)/bin/go run ./cmd/tool $<) | cd .. && command ./tool/go run $(PKG) | tee log \\\r\n\
\t\t--; time go run a.go b.go\r\n# between recipe lines\r\nexport GO_RUN := gen tool\r\n",
        );
        check_and_fix(
            b"define GOCMD\nendef\n.ONESHELL gen: | a.txt go.mod\ndefine GOFLAGS\n\tcd .. && x=$$(${GO} run -mod=mod \"quoted arg\")\n\
\tcd .. && command GOOS=linux \\\n\t${GO} run ./cmd/...\nendef\n.ONESHELL: |\ngen: | ; time @echo done\n\
\t@@@echo $(shell CI=true CGO_ENABLED=0 GOFLAGS=-mod=mod \\\n\t./tool/go run ./tools/x out.txt -o)\n\n",
        );
    }

    /// An unterminated `$(` in a recipe line: tree-sitter-make made one
    /// recipe line of the rest of the file, its ERROR covered only the first
    /// lines, and the `clean` recipe below was read by neither reader, so
    /// each run added `rm -rf _gen/bin` again.
    #[test]
    fn unterminated_reference_in_a_recipe_line() {
        check_and_fix(
            b"proto:\n\t$(GOGS := -X main.version=$(VERSION) -X main.commit=$(GIT_SHA)\nclean:\n\
# No -o: writes ./apitypings in the current directory.\n\
_gen/bin/apitypings: $(wildcard scripts/apitypings/*.go) $(wildcard internal/shared/*.go) go.mod $(wildcard go.sum)\n\
>ipts/signshortDescri ./scripts/lintcfg)",
        );
    }

    /// A migrated Makefile that is not valid UTF-8 got the guard fixes'
    /// `clean` and helper block (fixed in the planner: files decoded lossily
    /// are never edited).
    #[test]
    fn guard_fixes_on_a_file_that_is_not_utf8() {
        check_and_fix(
            b"_gen/bin/site: \\\n# expect: lo'cal enumgen\n\tgo run -tags\xe5\x8b\x90\x90ls ./cmd/enumead-time buildinfo",
        );
    }

    /// `x=$$(go run -C x ...)` became `x=$$((cd x && ...) | tee log)`: `$((`
    /// is arithmetic to a POSIX shell (and to the scanner, which then lost
    /// the `cd /tmp` after it, so the next run fixed a callsite it had
    /// rightly left alone). Now `$$( (cd x && ...)`.
    #[test]
    fn chdir_subshell_right_after_a_substitution() {
        check_and_fix(b"gen: | ; cd scripts && x=$$(CGO_ENABLED=0 CI=true \\\r\n\t$(GOROOT)/bin/go run example.com/fz/cmd/tool out.txt \\\r\n\t\tout.txt out.txt)\r\n\t+command $(GO) run ./scripts/gen/main.go > gen.go $< 2>&1 > gen.go\r\nX := $(shell date)\r\ndefine TOOLS\r\nendef\r\ngen: | _gen/bin/gen b c go.mod ; echo $(shell $(GO) run -trimpath -trimpath -trimpath ./scripts/gen/main.go)\r\n\t+@-cd $(DIR) && x=$$(CGO_ENABLED=0 $(HOSTGO) run -tags=x -mod=mod ./scripts/gen/main.go)\r\n\t-+cd scripts && echo `$(GOROOT)/bin/go run -tags=x ./scripts/gen/main.go`\r\n# between recipe lines\r\n\ttime go run ./scripts/gen/main.go; cd sub && x=$$($(HOSTGO) run -mod=mod -C x -exec x main.go | tee log); cd /tmp && echo $(shell ./tool/go run -v -exec sub ./scripts/gen/main.go) | time go run -ldflags sub -mod=mod ./scripts/gen/main.go\r\n# between recipe lines\r\n\tenv -u GOOS -- GOFLAGS=-mod=mod go run ./scripts/gen 'single'; cd .. && command X=\"a b\" CI=true X=\"a b\" \\\r\n\t$(GOROOT)/bin/go run -race ../gen\r\n\r\n");
    }

    /// Issue 20: a 10-minute `check_fix_bytes` run found "fix is not
    /// idempotent" on a Makefile with an unterminated `define` after
    /// guard-rule helper targets
    /// (tests/fuzz_inputs/check_fix_bytes-unterminated-define-after-guard-targets.mk).
    #[test]
    fn unterminated_define_after_guard_targets() {
        check_and_fix(include_bytes!(
            "fuzz_inputs/check_fix_bytes-unterminated-define-after-guard-targets.mk"
        ));
    }

    /// tests/fuzz_inputs/check_fix_bytes-not-idempotent.txt, minimized: the
    /// unterminated `$(HOS` swallowed `docs:` into `gen`'s first recipe line,
    /// so the grammar gave `docs`'s last recipe line to `gen`, and the guard
    /// fix added `_gen/bin/mkversion` to `gen` on the second run.
    #[test]
    fn swallowed_rule_line_gives_its_recipe_to_the_rule_above() {
        check_and_fix(
            b"gen:\n\t$(HOS version netcheck docs\ndocs:\n\t$(GO) run -C tools ./gen\n\t./tool/go run ./cmd/mkversion",
        );
    }

    /// Found by the fuzzers' fifth promise: a lone `\r` before a callsite.
    /// miette counted it as a line break, so the human report's snippet of
    /// the whole file said line 7 where the header and JSON say 6 (make
    /// breaks lines at `\n` alone), and the excerpt of a finished file,
    /// which starts below the `\r`, said 6. Snippets are now numbered by the file's own lines, both ways.
    #[test]
    fn lone_carriage_return_before_a_callsite() {
        check_and_fix(b"X := a\rb\n\ngen:\n\n\n\tgo run ./cmd/tool\n");
        check_and_fix(b"X := a b\n\ngen:\n\n\n\tgo run ./cmd/tool\n");
    }

    /// Found by the CI fuzz run: a recipe runs `_gen/bin/e#` (a `#` inside
    /// a shell word is part of it), and the guard fix wrote it unescaped
    /// into the rule line, where make reads `#` as a comment: the next run
    /// added it again. Now written `_gen/bin/e\#`, read back as listed.
    #[test]
    fn helper_run_with_a_hash_in_its_name() {
        check_and_fix(b"gen:\n\t_gen/bin/e# expect: none\n");
        check_and_fix(b"gen: | _gen/bin/a\n\t_gen/bin/a\n\t_gen/bin/e#x\n");
    }

    /// Found by the property tests: the grammar read `gen: |` and `gen:` as
    /// one broken rule and gave the recipe of the second to the first, so
    /// the prerequisite went on the wrong rule and the next run added it
    /// again.
    #[test]
    fn empty_order_only_list_then_the_same_target() {
        check_and_fix(
            b"ifeq ($(OS),Windows_NT)\ninclude common.mk\nelse\ngen: |\ngen:\n\t@cd scripts && go run ./gen\nendif\n",
        );
    }

    /// Issue 20: a 30-minute `check_fix_structured` run found "fix is not
    /// idempotent" on a rule line with an unterminated `(` in its
    /// prerequisites (`xpect: lDo(umentation; paths are`): tree-sitter-make
    /// read an archive member list over the recipe lines and the next rule,
    /// with its ERROR on the rule line only, so the recipe's callsite was
    /// not seen until `fix` appended its block and the tree changed
    /// (tests/fuzz_inputs/check_fix_structured-recipe-lost-after-paren-prerequisite.mk).
    #[test]
    fn recipe_lost_after_a_paren_in_a_prerequisite() {
        check_and_fix(include_bytes!(
            "fuzz_inputs/check_fix_structured-recipe-lost-after-paren-prerequisite.mk"
        ));
        check_and_fix(b"xpect: lDo(umentation; paths are\n\tgo run ./scripts/gen\n\ny:\n\techo\n");
    }
}
