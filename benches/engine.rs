//! In-process benchmarks of the gorun-lint engine (issue 4), with divan.
//!
//! Every input is generated here, deterministically (a splitmix64 seeded with
//! a constant), and shaped like the Makefiles `scripts/bench/gen-tree.py`
//! writes: variables, C and Go build rules, docker, lint, conditionals, phony
//! targets, and in some files repo-local `go run` callsites whose helper
//! packages exist on disk. Files the analysis must read are written to a
//! temporary directory before timing starts.
//!
//! Groups:
//! - `parse`: tree-sitter-make alone (clean input), tree-sitter plus the
//!   logical-line reader (input with regions the grammar fails on), the
//!   line reader alone over the whole file, and tree-sitter per kind of line.
//! - `shell`: the recipe-text scan over every recipe line of a parsed file.
//! - `check`: `driver::run` (discover, read, parse, classify) and the whole
//!   `check --format json` pipeline, on one file and on a 100-file tree.
//! - `fix`: `fix --diff` on a 30 KB Makefile with 15 callsites: the whole
//!   pipeline, and planning and render+diff on their own.
//!
//! Run: `cargo bench --bench engine` (all), `cargo bench --bench engine --
//! fix` (a group), `cargo bench --bench engine -- --test` or
//! `cargo test --bench engine` (each once, the second in the dev profile:
//! CI). Numbers are in BENCHMARKS.md.

use std::path::{Path, PathBuf};

use divan::counter::BytesCount;
use divan::{black_box, Bencher};
use gorun_lint::command::render::{Format, RenderOptions};
use gorun_lint::lint::analysis::Options;
use gorun_lint::lint::check;
use gorun_lint::lint::config::Selection;
use gorun_lint::lint::fix::{apply, plan};
use gorun_lint::syntax::parse::tree::MakeParser;
use gorun_lint::syntax::parse::MakeDoc;

fn main() {
    divan::main();
}

/// File sizes for the per-file benchmarks: a typical Makefile, the fix
/// benchmark's size, and a large generated one.
const SIZES: [usize; 3] = [3_000, 30_000, 300_000];

// ------------------------------------------------------------ generator ---

/// splitmix64: deterministic everywhere, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const WORDS: [&str; 12] = [
    "api", "auth", "billing", "cache", "catalog", "events", "gateway", "ledger", "metrics",
    "orders", "search", "storage",
];

const HELPERS: [&str; 8] = [
    "enumgen",
    "mockgen",
    "docgen",
    "migrate",
    "schemagen",
    "openapi",
    "bindata",
    "versioner",
];

fn header(project: &str) -> String {
    format!(
        "# Makefile for {project} (generated for gorun-lint benchmarks).\n\
         \n\
         PROJECT    := {project}\n\
         VERSION    ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)\n\
         BUILD_DIR  := build\n\
         PREFIX     ?= /usr/local\n\
         GO         ?= go\n\
         GOFLAGS    ?= -trimpath\n\
         LDFLAGS    := -s -w -X main.version=$(VERSION)\n\
         CC         ?= cc\n\
         CFLAGS     ?= -O2 -g -Wall -Wextra -std=c11\n\
         SRCS       := $(wildcard src/*.c)\n\
         OBJS       := $(SRCS:src/%.c=$(BUILD_DIR)/%.o)\n\
         IMAGE      ?= registry.example.com/team/$(PROJECT)\n\
         \n\
         .PHONY: all build test lint clean help\n\
         \n\
         all: build\n\n"
    )
}

/// One ordinary block (no `go run`); `s` keeps target names unique.
fn ordinary_block(kind: usize, s: &str, rng: &mut Rng) -> String {
    let w = rng.pick(&WORDS);
    match kind {
        0 => format!(
            "$(BUILD_DIR)/%.o: src/%.c | $(BUILD_DIR)\n\
             \t$(CC) $(CFLAGS) -MMD -MP -c $< -o $@\n\
             \n\
             $(BUILD_DIR)/$(PROJECT){s}: $(OBJS) | $(BUILD_DIR)\n\
             \t$(CC) $(LDFLAGS_C) -o $@ $^ $(LIBS) -lm\n\
             \n\
             $(BUILD_DIR):\n\
             \t@mkdir -p $@\n\n"
        ),
        1 => format!(
            "build{s}: ## Build the binary\n\
             \t$(GO) build $(GOFLAGS) -ldflags '$(LDFLAGS)' -o $(BUILD_DIR)/$(PROJECT) ./cmd/$(PROJECT)\n\
             \n\
             test{s}:\n\
             \t$(GO) test -race -count=1 $(TESTFLAGS) ./...\n\
             \n\
             test-one{s}:\n\
             \t$(GO) test -run '$(RUN)' -v ./internal/{w}/...\n\
             \n\
             vet{s}:\n\
             \t$(GO) vet ./...\n\n"
        ),
        2 => format!(
            "docker-build{s}:\n\
             \tdocker build --build-arg VERSION=$(VERSION) -t $(IMAGE):$(VERSION) .\n\
             \n\
             docker-push{s}: docker-build{s}\n\
             \tdocker push $(IMAGE):$(VERSION)\n\
             \n\
             docker-run{s}:\n\
             \tdocker run --rm -p 8080:8080 -e SERVICE={w} $(IMAGE):$(VERSION)\n\n"
        ),
        3 => format!(
            "lint{s}: vet{s}\n\
             \tgolangci-lint run --timeout 5m ./...\n\
             \t@test -z \"$$(gofmt -l $$(find . -name '*.go' -not -path './vendor/*'))\" || {{ echo \"run gofmt\"; exit 1; }}\n\
             \n\
             fmt{s}:\n\
             \tgofmt -s -w $(shell find . -name '*.go' -not -path './vendor/*')\n\n"
        ),
        4 => "ifeq ($(OS),Windows_NT)\n  EXE := .exe\nelse\n  EXE :=\nendif\n\n\
              UNAME_S := $(shell uname -s)\n\
              ifeq ($(UNAME_S),Darwin)\n  LIBS += -framework CoreFoundation\n\
              else ifeq ($(UNAME_S),Linux)\n  LIBS += -lpthread -ldl\nendif\n\n\
              ifdef CI\n  TESTFLAGS += -v -json\nendif\n\n"
            .to_string(),
        5 => format!(
            "install{s}: build{s}\n\
             \tinstall -m 0755 $(BUILD_DIR)/$(PROJECT)$(EXE) $(DESTDIR)$(PREFIX)/bin/$(PROJECT)$(EXE)\n\
             \n\
             help{s}:\n\
             \t@grep -E '^[a-zA-Z_-]+:.*?## .*$$' $(MAKEFILE_LIST) | awk 'BEGIN {{FS = \":.*?## \"}}; {{printf \"%-20s %s\\n\", $$1, $$2}}'\n\n"
        ),
        6 => format!(
            "release{s}: clean\n\
             \t@for os in linux darwin windows; do \\\n\
             \t  for arch in amd64 arm64; do \\\n\
             \t    GOOS=$$os GOARCH=$$arch CGO_ENABLED=0 $(GO) build $(GOFLAGS) \\\n\
             \t      -o dist/$(PROJECT)-$$os-$$arch$(EXE) ./cmd/$(PROJECT) || exit 1; \\\n\
             \t  done; \\\n\
             \tdone\n\
             \tcd dist && sha256sum * > SHA256SUMS\n\n"
        ),
        _ => format!(
            "proto{s}:\n\
             \tprotoc -I api --go_out=. --go_opt=paths=source_relative api/{w}/*.proto\n\
             \n\
             generate{s}:\n\
             \t$(GO) generate ./...\n\
             \n\
             up{s}:\n\
             \tdocker compose -f deploy/compose.yaml up -d {w} postgres redis\n\n"
        ),
    }
}

/// Constructs tree-sitter-make 1.1.1 leaves ERROR regions on (seen in real
/// projects): a target-specific `export` and `case` patterns with an
/// unbalanced `(`. The line reader takes over there.
fn error_block(s: &str) -> String {
    format!(
        "lint-strict{s}: export GOFLAGS := -mod=mod\n\
         lint-strict{s}: export CGO_ENABLED := 0\n\
         lint-strict{s}:\n\
         \tgolangci-lint run ./...\n\
         \n\
         HOSTARCH{s} := $(shell case \"$$(uname -m)\" in \\\n\
         \t(x86_64) echo amd64 ;; \\\n\
         \t(aarch64|arm64) echo arm64 ;; \\\n\
         \t(*) uname -m ;; \\\n\
         \tesac)\n\n"
    )
}

/// One rule with one repo-local callsite of `helper`.
fn gorun_block(i: usize, helper: &str) -> String {
    let out = format!("internal/gen/{helper}_{i:02}.go");
    if i % 3 == 2 {
        format!(
            "{out}: $(wildcard api/{helper}/*.yaml)\n\
             \t@mkdir -p $(@D)\n\
             \t$(GO) run ./scripts/{helper} -out $@ $^\n\
             \tgofmt -w $@\n\n"
        )
    } else {
        format!(
            "{out}: api/{helper}.yaml\n\
             \t@mkdir -p $(@D)\n\
             \tgo run ./scripts/{helper} -in $< -out $@\n\n"
        )
    }
}

/// A Makefile of about `size` bytes with `callsites` repo-local `go run`
/// callsites spread through it; with `errors`, one grammar-breaking block per
/// about 3 KB.
fn makefile(seed: u64, size: usize, callsites: usize, errors: bool) -> String {
    let mut rng = Rng(seed);
    let mut text = header(&format!("bench{seed}"));
    if callsites > 0 {
        let gens: Vec<String> = (0..callsites)
            .map(|i| format!("internal/gen/{}_{i:02}.go", HELPERS[i % HELPERS.len()]))
            .collect();
        text.push_str(&format!(
            "GENERATED := {}\n\ngen: $(GENERATED)\n\n",
            gens.join(" \\\n\t")
        ));
    }
    let tail = "clean:\n\trm -rf $(BUILD_DIR) dist\n";
    // Estimate how many ordinary blocks fit, to spread the callsites evenly.
    let blocks_guess = (size.saturating_sub(text.len() + tail.len()) / 400).max(1);
    let every = (blocks_guess / (callsites + 1)).max(1);
    let (mut n, mut placed) = (0usize, 0usize);
    let mut order: Vec<usize> = (0..8).collect();
    while text.len() + tail.len() < size {
        if n % order.len() == 0 {
            for i in (1..order.len()).rev() {
                let j = rng.below(i + 1);
                order.swap(i, j);
            }
        }
        let s = if n < order.len() {
            String::new()
        } else {
            format!("-x{}", n / order.len())
        };
        text.push_str(&ordinary_block(order[n % order.len()], &s, &mut rng));
        if errors && n % 8 == 7 {
            text.push_str(&error_block(&s));
        }
        if placed < callsites && n % every == every - 1 {
            text.push_str(&gorun_block(placed, HELPERS[placed % HELPERS.len()]));
            placed += 1;
        }
        n += 1;
    }
    while placed < callsites {
        text.push_str(&gorun_block(placed, HELPERS[placed % HELPERS.len()]));
        placed += 1;
    }
    text.push_str(tail);
    text
}

const HELPER_MAIN: &str =
    "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"helper\") }\n";

/// A repository on disk: go.mod at the root, the given Makefiles, and the
/// helper packages their callsites name.
struct Repo {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Repo {
    fn new(makefiles: &[(String, String)]) -> Repo {
        let dir = tempfile::Builder::new()
            .prefix("gorun-lint-bench")
            .tempdir()
            .expect("temp dir");
        let root = dir.path().canonicalize().expect("canonical temp dir");
        write(
            &root.join("go.mod"),
            "module example.com/bench\n\ngo 1.24\n",
        );
        for (rel, text) in makefiles {
            let path = root.join(rel);
            write(&path, text);
            let base = path.parent().expect("a Makefile has a directory");
            for h in HELPERS {
                write(&base.join("scripts").join(h).join("main.go"), HELPER_MAIN);
            }
        }
        Repo { _dir: dir, root }
    }

    fn options(&self) -> Options {
        Options {
            paths: vec![self.root.clone()],
            ..Default::default()
        }
    }
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("create dir");
    std::fs::write(path, text).expect("write");
}

/// The 30 KB Makefile with 15 callsites of the `fix --diff` target.
fn fix_repo() -> Repo {
    Repo::new(&[("Makefile".to_string(), makefile(30, 30_000, 15, false))])
}

/// A tree of `n` ~3 KB Makefiles, one in twenty with three callsites.
fn tree_repo(n: usize) -> Repo {
    let files: Vec<(String, String)> = (0..n)
        .map(|i| {
            let callsites = if i % 20 == 10 { 3 } else { 0 };
            (
                format!("area{}/p{i:04}/Makefile", i % 5),
                makefile(1000 + i as u64, 3_000, callsites, false),
            )
        })
        .collect();
    Repo::new(&files)
}

// ---------------------------------------------------------------- parse ---

mod parse {
    use super::*;

    /// Time `MakeDoc::parse` of `src`, which must parse without ERROR
    /// regions (so the line reader never takes over).
    fn bench_clean_parse(bencher: Bencher, src: &str) {
        let mut parser = MakeParser::new();
        assert!(MakeDoc::parse(src, &mut parser).error_regions.is_empty());
        bencher.counter(BytesCount::of_str(src)).bench_local(|| {
            MakeDoc::parse(black_box(src), &mut parser)
                .recipe_lines
                .len()
        });
    }

    /// tree-sitter-make on input it parses without ERROR regions.
    #[divan::bench(args = SIZES)]
    fn tree_sitter(bencher: Bencher, size: usize) {
        bench_clean_parse(bencher, &makefile(1, size, size / 2_000, false));
    }

    /// tree-sitter-make, then the line reader for the regions it failed on.
    #[divan::bench(args = SIZES)]
    fn tree_sitter_with_fallback(bencher: Bencher, size: usize) {
        let src = makefile(2, size, size / 2_000, true);
        let mut parser = MakeParser::new();
        let regions = MakeDoc::parse(&src, &mut parser).error_regions.len();
        assert!(regions > 0, "the error blocks must leave ERROR regions");
        bencher.counter(BytesCount::of_str(&src)).bench_local(|| {
            MakeDoc::parse(black_box(&src), &mut parser)
                .recipe_lines
                .len()
        });
    }

    /// What one item costs the parse: 100 of one kind of Makefile line (a
    /// rule line, a rule with three recipe lines, an assignment, a comment
    /// line), so the time per item is the median divided by 100.
    #[divan::bench(args = ["rule-lines", "recipe-lines", "assignments", "comments"])]
    fn tree_sitter_per_100_items(bencher: Bencher, kind: &str) {
        let src: String = (0..100)
            .map(|i| match kind {
                "rule-lines" => format!("target{i}: dep{i} other{i}\n"),
                "recipe-lines" => format!(
                    "t{i}:\n\tdocker build -t $(IMAGE):$(VERSION) .\n\t$(GO) test -race ./...\n\t@echo done {i}\n"
                ),
                "assignments" => format!("VAR{i} := $(shell git describe --tags)\n"),
                _ => format!("# a comment line about things number {i}\n"),
            })
            .collect();
        bench_clean_parse(bencher, &src);
    }

    /// The logical-line reader alone over the whole file.
    #[divan::bench(args = SIZES)]
    fn line_reader(bencher: Bencher, size: usize) {
        let src = makefile(1, size, size / 2_000, false);
        bencher.counter(BytesCount::of_str(&src)).bench_local(|| {
            MakeDoc::read_lines(black_box(&src), 0..src.len())
                .recipe_lines
                .len()
        });
    }
}

// ---------------------------------------------------------------- shell ---

mod shell {
    use super::*;

    /// The recipe-text scan over every recipe line of a parsed file.
    #[divan::bench(args = SIZES)]
    fn scan_recipes(bencher: Bencher, size: usize) {
        let src = makefile(1, size, size / 2_000, false);
        let doc = MakeDoc::parse(&src, &mut MakeParser::new());
        assert!(!doc.recipe_lines.is_empty());
        let bytes: usize = doc.recipe_lines.iter().map(|l| l.span.len()).sum();
        bencher.counter(BytesCount::new(bytes)).bench_local(|| {
            let mut commands = 0;
            for line in &doc.recipe_lines {
                let (scan, _) = gorun_lint::syntax::shell::scan_recipe(
                    black_box(&src),
                    line.span.clone(),
                    doc.oneshell,
                    None,
                );
                commands += scan.commands.len();
            }
            commands
        });
    }
}

// ---------------------------------------------------------------- check ---

mod check_bench {
    use super::*;

    /// As `gorun-lint check --format json` runs it (finishing files while
    /// walking).
    fn check_json(repo: &Repo) -> usize {
        let opts = gorun_lint::lint::analysis::Options {
            finish: Some(Selection::default()),
            ..repo.options()
        };
        let mut analysis = gorun_lint::lint::driver::run(&opts, &repo.root).expect("analysis");
        let report = check::check(&mut analysis, &Selection::default(), &repo.root);
        Format::Json
            .renderer()
            .render(&report, &RenderOptions::default())
            .len()
    }

    /// `driver::run` on one file: discover, read, parse, classify.
    #[divan::bench(name = "analysis_one_file", args = SIZES)]
    fn analysis_one_file(bencher: Bencher, size: usize) {
        let repo = Repo::new(&[("Makefile".into(), makefile(3, size, size / 2_000, false))]);
        let opts = repo.options();
        let sites = gorun_lint::lint::driver::run(&opts, &repo.root)
            .expect("analysis")
            .files[0]
            .sites
            .len();
        assert_eq!(sites, size / 2_000);
        bencher.bench_local(|| {
            gorun_lint::lint::driver::run(black_box(&opts), &repo.root)
                .expect("analysis")
                .files
                .len()
        });
    }

    /// The whole `check --format json` pipeline on one file.
    #[divan::bench(name = "check_json_one_file", args = SIZES)]
    fn check_json_one_file(bencher: Bencher, size: usize) {
        let repo = Repo::new(&[("Makefile".into(), makefile(3, size, size / 2_000, false))]);
        bencher.bench_local(|| check_json(black_box(&repo)));
    }

    /// The whole `check --format json` pipeline on a tree of 100 Makefiles
    /// (about 300 KB, one in twenty with callsites), without process start.
    #[divan::bench(name = "check_json_tree_100", sample_count = 20)]
    fn check_json_tree_100(bencher: Bencher) {
        let repo = tree_repo(100);
        bencher.bench_local(|| check_json(black_box(&repo)));
    }
}

// ------------------------------------------------------------------ fix ---

mod fix {
    use super::*;

    /// All of `fix --diff` in process on the 30 KB / 15-callsite Makefile:
    /// analysis, plan, render (edits applied and re-parsed), unified diff.
    #[divan::bench]
    fn diff_30k_whole(bencher: Bencher) {
        let repo = fix_repo();
        let opts = repo.options();
        let analysis = gorun_lint::lint::driver::run(&opts, &repo.root).expect("analysis");
        assert_eq!(plan::plan(&analysis, false, None).fixed, 15);
        bencher.bench_local(|| {
            let analysis =
                gorun_lint::lint::driver::run(black_box(&opts), &repo.root).expect("analysis");
            let plan = plan::plan(&analysis, false, None);
            let changes = apply::render(&plan.files).expect("render");
            apply::diff(&changes, false).len()
        });
    }

    /// Planning alone (the analysis done beforehand).
    #[divan::bench]
    fn plan_30k(bencher: Bencher) {
        let repo = fix_repo();
        let analysis =
            gorun_lint::lint::driver::run(&repo.options(), &repo.root).expect("analysis");
        bencher.bench_local(|| plan::plan(black_box(&analysis), false, None).fixed);
    }

    /// Applying the edits, re-parsing before and after, and the diff.
    #[divan::bench]
    fn render_and_diff_30k(bencher: Bencher) {
        let repo = fix_repo();
        let analysis =
            gorun_lint::lint::driver::run(&repo.options(), &repo.root).expect("analysis");
        let plan = plan::plan(&analysis, false, None);
        bencher.bench_local(|| {
            let changes = apply::render(black_box(&plan.files)).expect("render");
            apply::diff(&changes, false).len()
        });
    }
}
