//! Plan fixes: the rules' fixes, assembled into edits (byte ranges and
//! replacements) in each file. The rules decide what is fixed and how
//! safely ([`crate::lint::diagnostic::Fix`]); this module only turns their
//! intents into text, once every helper has its name, and applies an
//! intent that several findings share once. `RunHelper` rewrites a
//! repo-local `go run` callsite to run a helper binary, adds that helper
//! as an order-only prerequisite of the consuming rule, and — shared by
//! every callsite of the same build — adds the helper's `go build -o` file
//! target, keeps `clean` removing the out dir and the out dir ignored by
//! git; `Prerequisite` and `CleanAndIgnore` are the guard rules' parts of
//! the same.
//!
//! Why dependency files. A helper is stale when any file of any package it
//! links changes, and only the go command knows that set exactly: build
//! tags, workspaces (`go.work`), `replace` directories, nested modules,
//! embed patterns (which match dot-files that make's `$(wildcard)` skips).
//! A list gorun-lint writes into the Makefile is a snapshot of its own
//! reading: hundreds of prerequisites for a helper in a large module, and
//! stale after the next new import. So the helper's recipe asks go, as C
//! compilers do with `gcc -MMD -MP`: after each build it writes `$@.d` from
//! `go list -deps` and the Makefile includes those files. The list is exact
//! and maintained by the build itself, the Makefile gains a few lines per
//! helper, and `go list` runs only when the helper is rebuilt (never when
//! make reads the Makefile). Teams that want no `go list` in recipes set
//! `prerequisites = "static"` and get the old list ([`prerequisites`]).
//!
//! Which rules' fixes. `fix --select`/`--ignore` choose rules as `check`'s
//! do ([`Selection`]): only the chosen rules run ([`intents`]), so only
//! their fixes are planned, and a fix counted as held back is one of
//! theirs. A config's `ignore` is not applied: it says what `check` does
//! not report, and `fix` fixes what the rules find. A fix brings what it
//! needs with it: a helper GR001 creates gets its `clean` line and its
//! `.gitignore` entry, whether GR012 and GR013 are chosen or not, or the
//! fixed Makefile would trip them. Where there is no such helper, the one
//! intent GR012 and GR013 share (`CleanAndIgnore`) does only the part of
//! the rules chosen: `clean` for GR012, `.gitignore` for GR013.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::lint::analysis::{Analysis, FileAnalysis, Site};
use crate::lint::config::{Prerequisites, Selection};
use crate::lint::diagnostic::{Applicability, Diagnostic, Intent};
use crate::lint::edit::{helper_prerequisite, make_safe, prerequisite_word, Edit, FileEdits};
use crate::lint::gomod::Modules;
use crate::lint::guard::{clean_edits, clean_lines, git_root, ignored, CleanEdit};
use crate::lint::helper_sources::{self as sources, Sources};
use crate::lint::naming::is_build_env;
use crate::lint::paths::relative;
use crate::lint::rules::{self, local_go_run::consumers};
use crate::syntax::callsite::{Origin, RunTarget};
use crate::syntax::shell::Cwd;

/// The whole plan.
#[derive(Debug, Default)]
pub struct Plan {
    pub files: Vec<FileEdits>,
    /// Callsites rewritten.
    pub fixed: usize,
    /// Unsafe fixes not applied (no `--unsafe-fixes`).
    pub held_back: usize,
    /// Guard findings fixed (missing helper prerequisites).
    pub guard_fixes: usize,
}

/// The marker comment of the helper block.
pub const BLOCK_MARKER: &str = "# gorun-lint: helper binaries";

/// The variable a fixed script builds its helpers into.
pub const SCRIPT_BIN_VAR: &str = "GORUN_LINT_BIN";

/// `"<dir>/<tool>"`: the helper as a fixed script or workflow step names
/// it, in a directory the shell expands (`$GORUN_LINT_BIN`, [`WORKFLOW_BIN`]).
fn bin_in(dir: &str, helper: &Path) -> String {
    let name = helper
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("\"{dir}/{name}\"")
}

/// `"$GORUN_LINT_BIN/<tool>"`.
fn script_bin(helper: &Path) -> String {
    bin_in(&format!("${SCRIPT_BIN_VAR}"), helper)
}

/// Whether a script callsite's build can move into a Makefile recipe: its
/// flags and build env are literal (no shell variables, which make would
/// read as its own).
fn prebuilt_ok(f: &FileAnalysis, s: &Site) -> bool {
    let text = &f.file.text;
    let cs = &s.callsite;
    cs.flags
        .iter()
        .all(|fl| !text[fl.span.clone()].contains(['$', '`']))
        && cs
            .env
            .iter()
            .all(|w| w.literal().is_some() && !text[w.span.clone()].contains('$'))
}

/// The flags that make `go build` link the helper as `go run` does. No
/// version-control stamp: `go run` stamps none; `go build` runs git for it,
/// and fails where git cannot read the checkout (no commit yet, "dubious
/// ownership" in a CI container). No symbol table and no DWARF: `go run`
/// links with `-s -w` (a third smaller binary). Each is left to the
/// callsite where it sets the flag itself; a callsite's `-ldflags` gets
/// `-s -w` merged in ([`merged_ldflags`]), since the go command keeps only
/// the last `-ldflags`.
fn link_as_go_run(cs: &crate::syntax::callsite::Callsite) -> String {
    let mut out = String::new();
    if !cs.flags.iter().any(|f| f.name == "buildvcs") {
        out.push_str("-buildvcs=false ");
    }
    if !cs.flags.iter().any(|f| f.name == "ldflags") {
        out.push_str("-ldflags=\"-s -w\" ");
    }
    out
}

/// A callsite's `-ldflags` flag (as written in `src`) with `-s -w` merged
/// into its value: `-ldflags="-X main.v=$(V)"` becomes
/// `-ldflags="-s -w -X main.v=$(V)"`, an unquoted value is quoted. The flag
/// as written where merging could change its meaning: a per-package value
/// (`-ldflags=all=...`), quotes inside an unquoted value, or `-s` and `-w`
/// already there.
fn merged_ldflags(fl: &crate::syntax::callsite::GoFlag, src: &str) -> String {
    let text = &src[fl.span.clone()];
    let (flag, sep, value) = match text.find(['=', ' ', '\t']) {
        Some(i) => (&text[..i], &text[i..i + 1], text[i + 1..].trim_start()),
        None => return text.to_string(),
    };
    let words = fl.value.as_deref().unwrap_or("");
    if words.split_whitespace().any(|w| w == "-s") && words.split_whitespace().any(|w| w == "-w") {
        return text.to_string();
    }
    let merged = match value.chars().next() {
        Some(q @ ('"' | '\'')) if value.len() >= 2 && value.ends_with(q) => {
            let inner = &value[1..value.len() - 1];
            if !(inner.starts_with('-') || inner.starts_with('$') || inner.is_empty()) {
                return text.to_string();
            }
            format!("{q}-s -w {inner}{q}")
        }
        Some('-' | '$') if !value.contains(['"', '\'', '`', '\\', ' ', '\t']) => {
            format!("\"-s -w {value}\"")
        }
        _ => return text.to_string(),
    };
    format!("{flag}{sep}{merged}")
}

/// The directory a fixed workflow step builds its helpers into: the
/// runner's temp dir, outside the checkout (nothing to ignore) and outside
/// GOCACHE (which `actions/setup-go` saves and restores on every job).
pub const WORKFLOW_BIN: &str = "$RUNNER_TEMP/gorun-lint";

/// The edits of one script callsite (see [`script_offer`]), or of a
/// workflow step's: `go build -o BIN PKG && BIN args`.
fn script_edits(f: &FileAnalysis, s: &Site, bin: &str) -> Vec<Edit> {
    let cs = &s.callsite;
    let text = &f.file.text;
    let Some(run) = &cs.run else {
        return Vec::new();
    };
    let env: Vec<&str> = cs.env.iter().map(|w| &text[w.span.clone()]).collect();
    let mut program = env.join(" ");
    if !program.is_empty() {
        program.push(' ');
    }
    program.push_str(bin);
    // The rest as written, but for `-ldflags`, with `-s -w` merged in.
    let mut rest = String::new();
    let mut at = run.span.end;
    for fl in cs.flags.iter().filter(|fl| fl.name == "ldflags") {
        rest.push_str(&text[at..fl.span.start]);
        rest.push_str(&merged_ldflags(fl, text));
        at = fl.span.end;
    }
    rest.push_str(&text[at..cs.span.end]);
    let replacement = format!(
        "{} build {}-o {bin}{rest} && {program}",
        &text[cs.go.span.clone()],
        link_as_go_run(cs),
    );
    vec![Edit {
        span: cs.span.clone(),
        text: replacement,
    }]
}

/// The line that sets `GORUN_LINT_BIN` at the top of a fixed script: the out
/// dir found from the script's own location, so it works from any caller
/// and after any `cd`.
fn script_header(f: &FileAnalysis) -> Option<Edit> {
    let text = &f.file.text;
    if text.contains(&format!("{SCRIPT_BIN_VAR}=")) {
        return None;
    }
    let root = crate::lint::paths::project_root(f.file.dir(), &f.config);
    let up = relative(f.file.dir(), &root);
    let out = relative(&root, &f.out_dir);
    // After the shebang and the comment block that describes the script.
    let mut at = 0;
    if text.starts_with("#!") {
        at = text.find('\n').map_or(text.len(), |i| i + 1);
        while text[at..].starts_with('#') {
            at = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
        }
    }
    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let lead = if at == text.len() && !text.is_empty() && !text.ends_with('\n') {
        nl
    } else {
        ""
    };
    Some(Edit::insert(
        at,
        format!(
            "{lead}# gorun-lint: helpers are built once into the out dir instead of cached by `go run`.{nl}{SCRIPT_BIN_VAR}=\"$(cd \"$(dirname \"$0\")/{up}\" && pwd)/{out}\"{nl}"
        ),
    ))
}

/// The root of the include tree holding file `fi`.
fn root_of(analysis: &Analysis, fi: usize) -> usize {
    analysis.component(fi)[0]
}

fn component(analysis: &Analysis, fi: usize) -> Vec<usize> {
    analysis.component(fi)
}

/// One helper to build.
struct Helper {
    /// Target as written in the root file (relative to its base).
    target: String,
    recipe: String,
    /// The recipe line that writes `<target>.d` ([`DEPS_VARS`]); `None` for
    /// static prerequisites.
    deps: Option<String>,
    prerequisites: Vec<String>,
    /// The calling rules' order-only prerequisites (a toolchain a rule
    /// provides), as written.
    order_only: BTreeSet<String>,
}

/// The two variables a block of helpers whose sources go lists shares (see
/// "Why dependency files" above). `GORUN_LINT_DEPS` is the
/// `go list -deps` template: for each package that is not in the standard
/// library nor the read-only module cache (its module is a main or
/// workspace module, or `replace`d by a local directory), its module
/// directory, its own directory and its Go, cgo and embedded files (as go
/// matched them, dot-files included). `GORUN_LINT_DEPFILE` turns that into
/// `$@.d` as `gcc -MMD -MP` writes one: a rule per file and a rule for the
/// file itself with an empty recipe (`file: ;`: a deleted file then
/// rebuilds the helper instead of stopping make, and make does not search
/// its implicit rules for every listed file, which cost about 26 ms on each
/// make run for 160 files; see BENCHMARKS.md), the module's go.mod/go.sum,
/// and the package's `.go` files by wildcard (a file added to a package
/// rebuilds it too). The files are named by absolute path, as go lists
/// them, so a rule of the Makefile for a relative name (a generated file)
/// is never given a second recipe.
pub const DEPS_VARS: &str = r#"GORUN_LINT_DEPS = -deps -f '{{if and (not .Standard) (or (not .Module) (not .Module.Version) \
    (and .Module.Replace (not .Module.Replace.Version)))}} \
    {{- if .Module}}{{.Module.Dir}}{{else}}{{.Dir}}{{end}}{{"\t"}}{{.Dir}}{{"\t"}}{{join .GoFiles "\t"}} \
    {{- "\t"}}{{join .CgoFiles "\t"}}{{"\t"}}{{join .CFiles "\t"}}{{"\t"}}{{join .CXXFiles "\t"}} \
    {{- "\t"}}{{join .HFiles "\t"}}{{"\t"}}{{join .SFiles "\t"}}{{"\t"}}{{join .SysoFiles "\t"}} \
    {{- "\t"}}{{join .EmbedFiles "\t"}}{{end}}'
GORUN_LINT_DEPFILE = awk -F '\t' 'BEGIN { B = ":;|=%*?[]()\\" } \
    function w(p, i) { for (i = 1; i <= length(B); i++) if (index(p, substr(B, i, 1))) return ""; \
        gsub(/\$$/, "$$$$", p); gsub(/ /, "\\ ", p); gsub(/\043/, "\\\043", p); return p } \
    NF { m = w($$1); d = w($$2); if (m == $$1 && d == $$2) print "$@: $$(wildcard " m "/go.mod " m "/go.sum) \
        $$(filter-out %_test.go,$$(wildcard " d "/*.go))"; for (i = 3; i <= NF; i++) if ($$i != "") { \
        f = $$2 "/" $$i; p = w(f); if (p == "") { sub(/\/[^\/]*$$/, "", f); p = w(f) }; \
        if (p != "") print "$@: " p "\n" p ": ;" } }' > $@.d
"#;

/// [`DEPS_VARS`] for a file; in a CRLF file as one line each (make joins
/// continued lines with one space anyway, and tree-sitter-make reads no
/// backslash before a CRLF).
fn deps_vars(crlf: bool) -> String {
    if crlf {
        DEPS_VARS
            .lines()
            .map(|l| l.trim_start())
            .collect::<Vec<_>>()
            .join("\n")
            .replace(" \\\n", " ")
            + "\n"
    } else {
        DEPS_VARS.to_string()
    }
}

/// The variable that marks a block as holding [`DEPS_VARS`].
pub const DEPS_VAR: &str = "GORUN_LINT_DEPS";

/// What the rules' fixes do: every callsite and include tree of the
/// analysis through every rule (also those a config ignores: `fix` fixes
/// what the rules find, whatever `check` reports), each intent once, in
/// order, with the applicability of the fix that asked for it.
/// Only the rules `selection` chooses run.
pub fn intents(analysis: &Analysis, selection: &Selection) -> BTreeMap<Intent, Applicability> {
    let wants = |r: &crate::lint::diagnostic::RuleInfo| selection.wants(r, &[]);
    let mut out = BTreeMap::new();
    let mut take = |d: Diagnostic| {
        if let Some(fix) = d.fix {
            for i in fix.intents {
                out.entry(i).or_insert(fix.applicability);
            }
        }
    };
    for (fi, f) in analysis.files.iter().enumerate() {
        if !analysis.reports_file(fi) {
            continue;
        }
        for (si, s) in f.sites.iter().enumerate() {
            // The rules an allowance covers offer no fix.
            let allowed = |r: &crate::lint::diagnostic::RuleInfo| {
                s.allowed.as_ref().is_some_and(|a| a.covers(r))
            };
            rules::check(&rules::Site::new(analysis, fi, si), |r| {
                wants(r) && !allowed(r)
            })
            .into_iter()
            .for_each(&mut take);
        }
    }
    for tree in crate::lint::guard::analyse(analysis) {
        let ctx = rules::guard_common::GuardCtx {
            analysis,
            tree: &tree,
        };
        rules::check_guard(&ctx, wants)
            .into_iter()
            .for_each(&mut take);
    }
    out
}

/// Plan the fixes: the rules' intents ([`intents`]) turned into edits, each
/// shared one once. With `unsafe_fixes`, unsafe ones are applied too.
pub fn plan(analysis: &Analysis, unsafe_fixes: bool, clean_override: Option<&str>) -> Plan {
    plan_selected(
        analysis,
        unsafe_fixes,
        clean_override,
        &Selection::default(),
    )
}

/// [`plan`] with only the fixes of the rules `selection` chooses (see the
/// module doc).
pub fn plan_selected(
    analysis: &Analysis,
    unsafe_fixes: bool,
    clean_override: Option<&str>,
    selection: &Selection,
) -> Plan {
    let intents = intents(analysis, selection);
    // Without a helper of its own, a tree gets the parts of
    // `CleanAndIgnore` its chosen rules ask for.
    let guard_clean = selection.wants(&rules::clean_missing_out_dir::RULE, &[]);
    let guard_ignore = selection.wants(&rules::out_dir_not_ignored::RULE, &[]);
    let mut plan = Plan::default();
    let modules = Modules::default();
    let mut edits: BTreeMap<usize, Vec<Edit>> = BTreeMap::new();
    // Prerequisites to add: (file, rule) -> helper targets.
    let mut prereqs: BTreeMap<(usize, usize), BTreeSet<String>> = BTreeMap::new();
    // Helpers per include-tree root: helper path -> Helper.
    let mut helpers: BTreeMap<usize, BTreeMap<PathBuf, Helper>> = BTreeMap::new();
    // Out dirs that fixed scripts build into (for .gitignore).
    let mut script_out_dirs: BTreeSet<PathBuf> = BTreeSet::new();
    for (&intent, &applicability) in &intents {
        if applicability == Applicability::Unsafe && !unsafe_fixes {
            plan.held_back += 1;
            continue;
        }
        let (fi, si) = match intent {
            Intent::RunHelper { file, site } => (file, site),
            // Guard fixes (issue 5) on Makefiles already migrated: a recipe
            // that runs a helper its rule does not depend on gets it as an
            // order-only prerequisite. (Files that are not editable are
            // never edited: [`FileAnalysis::editable`].)
            Intent::Prerequisite { file, exec } => {
                let f = &analysis.files[file];
                let e = &f.execs[exec];
                let Some(path) = f.exec_path(e).filter(|_| f.editable()) else {
                    continue;
                };
                let word = helper_prerequisite(&relative(&f.base, &path));
                if let (Some(r), Some(word)) = (e.rule, word) {
                    prereqs.entry((file, r)).or_default().insert(word);
                    plan.guard_fixes += 1;
                }
                continue;
            }
            // A tree with helper targets gets `clean` and `.gitignore` right
            // below.
            Intent::CleanAndIgnore { root } => {
                if analysis.files[root].editable() {
                    helpers.entry(root).or_default();
                }
                continue;
            }
        };
        let f = &analysis.files[fi];
        let s = &f.sites[si];
        let helper = s.helper.clone().expect("offered fixes have a helper");
        if let Origin::Workflow { .. } = s.callsite.origin {
            edits
                .entry(fi)
                .or_default()
                .extend(script_edits(f, s, &bin_in(WORKFLOW_BIN, &helper)));
            plan.fixed += 1;
            continue;
        }
        if s.callsite.origin == Origin::Script {
            let e = edits.entry(fi).or_default();
            if e.is_empty() {
                e.extend(script_header(f));
            }
            // (Not into a Makefile read only for context: `--only scripts`.)
            let caller = f
                .caller
                .filter(|&(mf, _)| unsafe_fixes && !analysis.files[mf].context_only);
            match caller.filter(|_| prebuilt_ok(f, s)) {
                // Unsafe, opt-in: the Makefile that runs the script builds
                // the helper as a file target its rule depends on, and the
                // script runs the binary (stale or missing when the script
                // runs without make).
                Some((mf, r)) => {
                    e.push(Edit {
                        span: s.callsite.span.clone(),
                        text: script_bin(&helper),
                    });
                    let g = &analysis.files[mf];
                    prereqs
                        .entry((mf, r))
                        .or_default()
                        .insert(relative(&g.base, &helper));
                    helper_entry(
                        &mut helpers,
                        analysis,
                        root_of(analysis, mf),
                        f,
                        s,
                        &helper,
                        &modules,
                    );
                }
                None => {
                    e.extend(script_edits(f, s, &script_bin(&helper)));
                    script_out_dirs.insert(f.out_dir.clone());
                }
            }
            plan.fixed += 1;
            continue;
        }
        edits
            .entry(fi)
            .or_default()
            .extend(callsite_edits(f, s, &helper));
        let target = s.target.clone().expect("offered fixes have a target");
        let rules: Vec<(usize, usize)> = match &s.callsite.origin {
            Origin::Recipe { rule: Some(r), .. } => vec![(fi, *r)],
            Origin::Define { name } | Origin::Deferred { variable: name } => {
                consumers(analysis, fi, name)
            }
            _ => Vec::new(),
        };
        // What the calling rule orders before its go command (`|
        // $(NEEDS_GO)`: a toolchain a rule provides) goes before the
        // helper's build too; not the helpers it runs.
        let mut order_only = BTreeSet::new();
        for &(rf, r) in &rules {
            let g = &analysis.files[rf];
            let t = if g.base == f.base {
                target.to_string()
            } else {
                relative(&g.base, &helper)
            };
            prereqs.entry((rf, r)).or_default().insert(t);
            for w in g.doc.rules[r].order_only.iter().flatten() {
                let helper_word = g
                    .resolve(&crate::syntax::parse::unescape_word(w))
                    .is_some_and(|p| p.starts_with(&g.out_dir));
                if !helper_word && g.base == analysis.files[root_of(analysis, fi)].base {
                    order_only.insert(w.clone());
                }
            }
        }
        let root = root_of(analysis, fi);
        // A team's own target that performs the build (outside the out
        // dir) is run as it is: no helper target, `clean` or ignore entry.
        if !helper.starts_with(&f.out_dir) {
            plan.fixed += 1;
            continue;
        }
        helper_entry(&mut helpers, analysis, root, f, s, &helper, &modules)
            .order_only
            .extend(order_only);
        plan.fixed += 1;
    }
    // Order-only prerequisites on the consuming rules.
    for ((fi, r), targets) in &prereqs {
        let f = &analysis.files[*fi];
        let rule = &f.doc.rules[*r];
        let listed: Vec<&String> = rule
            .prerequisites
            .iter()
            .chain(rule.order_only.iter().flatten())
            .collect();
        let new: Vec<&String> = targets.iter().filter(|t| !listed.contains(t)).collect();
        if new.is_empty() {
            continue;
        }
        let names = new.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ");
        let text = if rule.order_only.is_some() {
            format!(" {names}")
        } else {
            format!(" | {names}")
        };
        edits
            .entry(*fi)
            .or_default()
            .push(Edit::insert(rule.prereq_end, text));
    }
    // Helper targets, clean and .gitignore per include tree. `clean` belongs
    // to the Makefile at the top of the project when it is part of the run;
    // otherwise each tree with helpers keeps its own.
    let mut cleaners: BTreeSet<usize> = BTreeSet::new();
    // Trees whose helpers a fix creates, and the trees cleaning them: they
    // get `clean` and `.gitignore` whatever the selection.
    let mut built: BTreeSet<usize> = BTreeSet::new();
    for (root, hs) in &helpers {
        let owner = crate::lint::guard::clean_owner(analysis, *root);
        if !hs.is_empty() {
            built.extend([*root, owner]);
        }
        if !hs.is_empty() || guard_clean {
            cleaners.insert(owner);
        }
    }
    let no_helpers = BTreeMap::new();
    let roots: BTreeSet<usize> = helpers
        .keys()
        .copied()
        .chain(cleaners.iter().copied())
        .collect();
    let mut gitignores: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
    for d in script_out_dirs {
        gitignores.entry(git_root(&d)).or_default().insert(d);
    }
    for root in &roots {
        if !analysis.files[*root].editable() {
            continue;
        }
        let hs = helpers.get(root).unwrap_or(&no_helpers);
        let f = &analysis.files[*root];
        let comp = component(analysis, *root);
        let existing: BTreeSet<String> = comp
            .iter()
            .flat_map(|&j| {
                analysis.files[j]
                    .doc
                    .rules
                    .iter()
                    .flat_map(|r| r.targets.clone())
            })
            .collect();
        let mut block = String::new();
        let out_rel = relative(&f.base, &f.out_dir);
        let new: Vec<&Helper> = hs
            .values()
            .filter(|h| !existing.contains(&h.target))
            .collect();
        let has_deps_vars = comp.iter().any(|&j| {
            analysis.files[j]
                .doc
                .assignments
                .iter()
                .any(|a| a.name == DEPS_VAR)
        });
        if !has_deps_vars && new.iter().any(|h| h.deps.is_some()) {
            block.push_str(&format!(
                "# Each build also writes <helper>.d: the files `go list -deps` says the\n# helper is built from, as `gcc -MMD -MP` does for C.\n{}-include $(wildcard {out_rel}/*.d)\n\n",
                deps_vars(f.file.text.contains("\r\n"))
            ));
        }
        for (i, h) in new.iter().enumerate() {
            if i > 0 {
                block.push('\n');
            }
            // A prerequisite with a rule of its own (`go.mod: FORCE`, which
            // tidies the module) is named by its absolute path: make then
            // checks the file's time without running that rule first.
            let prerequisites: Vec<String> = h
                .prerequisites
                .iter()
                .map(|p| {
                    if existing.contains(p) && !p.contains('$') {
                        format!("$(CURDIR)/{p}")
                    } else {
                        p.clone()
                    }
                })
                .collect();
            if prerequisites.iter().any(|p| p.starts_with("$(CURDIR)/")) {
                block.push_str("# $(CURDIR)/: the file, without running the rule that makes it.\n");
            }
            block.push_str(&format!("{}:", h.target));
            // One line while it reads as one; else one prerequisite a line.
            let long =
                h.target.len() + prerequisites.iter().map(|p| p.len() + 1).sum::<usize>() > 78;
            for p in &prerequisites {
                if long {
                    block.push_str(" \\\n    ");
                } else {
                    block.push(' ');
                }
                block.push_str(p);
            }
            if !h.order_only.is_empty() {
                let words: Vec<&str> = h.order_only.iter().map(String::as_str).collect();
                block.push_str(&format!(" | {}", words.join(" ")));
            }
            block.push_str(&format!("\n\t{}\n", h.recipe));
            if let Some(d) = &h.deps {
                block.push_str(&format!("\t@{d}\n"));
            }
        }
        let clean = clean_override.unwrap_or(&f.config.clean_target);
        let clean_edit = if cleaners.contains(root) {
            clean_edits(analysis, &comp, clean, &out_rel)
        } else {
            CleanEdit::Done
        };
        let mut new_clean = String::new();
        match clean_edit {
            CleanEdit::Done => {}
            CleanEdit::Insert(j, edit) => edits.entry(j).or_default().push(edit),
            CleanEdit::Create => {
                new_clean = format!("\n.PHONY: {clean}\n{clean}:\n\t{}\n", clean_lines(&out_rel));
            }
        }
        if !block.is_empty() || !new_clean.is_empty() {
            let text = &f.file.text;
            let mut out = String::new();
            if !text.is_empty() && !text.ends_with('\n') {
                out.push('\n');
            }
            if !text.contains(BLOCK_MARKER) && !block.is_empty() {
                if !text.is_empty() && !text.ends_with("\n\n") {
                    out.push('\n');
                }
                out.push_str(&format!(
                    "{BLOCK_MARKER}: each is built once with `go build` and rebuilt when\n# its sources change, instead of linked into GOCACHE by `go run` on every use.\n"
                ));
            }
            out.push_str(&block);
            out.push_str(&new_clean);
            if !text.is_empty() && !text.ends_with('\n') {
                out.pop(); // keep the missing final newline missing
            }
            edits
                .entry(*root)
                .or_default()
                .push(Edit::insert(text.len(), out));
        }
        if built.contains(root) || guard_ignore {
            gitignores
                .entry(git_root(&f.out_dir))
                .or_default()
                .insert(f.out_dir.clone());
        }
    }
    let mut files: Vec<FileEdits> = edits
        .into_iter()
        // (Named files alone: the files around them are not edited.)
        .filter(|(fi, e)| !e.is_empty() && analysis.reports(&analysis.files[*fi].file.path))
        .map(|(fi, e)| {
            let f = &analysis.files[fi];
            FileEdits {
                path: f.file.path.clone(),
                display: f.file.display.clone(),
                original: f.file.text.clone(),
                created: false,
                edits: e,
            }
        })
        .collect();
    for (root, dirs) in gitignores {
        if let Some(fe) = gitignore_edit(&root, &dirs, &analysis.cwd) {
            files.push(fe);
        }
    }
    plan.files = files;
    plan
}

/// The helper target of `helper` in the include tree at `root`, made from
/// callsite `s` of `f` the first time a fix asks for it.
fn helper_entry<'h>(
    helpers: &'h mut BTreeMap<usize, BTreeMap<PathBuf, Helper>>,
    analysis: &Analysis,
    root: usize,
    f: &FileAnalysis,
    s: &Site,
    helper: &Path,
    modules: &Modules,
) -> &'h mut Helper {
    let r = &analysis.files[root];
    helpers
        .entry(root)
        .or_default()
        .entry(helper.to_path_buf())
        .or_insert_with(|| helper_target(f, s, &r.base, helper, modules, r.config.prerequisites))
}

/// Edits at the callsite: run the binary instead of `go run`.
fn callsite_edits(f: &FileAnalysis, s: &Site, helper: &Path) -> Vec<Edit> {
    let cs = &s.callsite;
    let Cwd::Known(run_dir) = cs.dir() else {
        return Vec::new();
    };
    let program_dir = crate::lint::paths::normalize(&f.base.join(&run_dir));
    // After a `cd` (or with `-C`), from make's own directory: a count of
    // `../` would be right only for today's value of a variable in the
    // `cd` (`cd $(UI_PATH)/tools && ...`).
    let path = if program_dir == f.base || s.callsite.origin == Origin::Script {
        let path = relative(&program_dir, helper);
        if path.contains('/') {
            path
        } else {
            format!("./{path}")
        }
    } else {
        format!("$(CURDIR)/{}", relative(&f.base, helper))
    };
    // `-exec prog` runs the binary through prog.
    let path = match cs
        .flags
        .iter()
        .find(|f| f.name == "exec")
        .and_then(|f| f.value.as_deref())
    {
        Some(prog) => format!("{prog} {path}"),
        None => path,
    };
    match cs.chdir() {
        None => vec![Edit {
            span: cs.span.clone(),
            text: path,
        }],
        Some(dir) => {
            // `go run -C dir pkg args` runs the program in `dir`.
            let end = cs.args.last().map_or(cs.span.end, |a| a.span.end);
            // Right after `$(` a `(` would make `$((`, an arithmetic
            // expansion to a POSIX shell (dash): keep them apart.
            let space = if f.file.text[..cs.span.start].ends_with('(') {
                " "
            } else {
                ""
            };
            vec![
                Edit {
                    span: cs.span.clone(),
                    text: format!("{space}(cd {dir} && {path}"),
                },
                Edit::insert(end, ")"),
            ]
        }
    }
}

/// The file target that builds one helper.
fn helper_target(
    f: &FileAnalysis,
    s: &Site,
    base: &Path,
    helper: &Path,
    modules: &Modules,
    mode: Prerequisites,
) -> Helper {
    let cs = &s.callsite;
    let src = &f.file.text;
    if s.class.pinned_version().is_some() {
        return install_target(f, s, base, helper);
    }
    let module = s.class.module().expect("offered fixes have a module");
    // A dependency's package is built from go.mod's requirement: no
    // directory of ours, only go.mod and go.sum decide it.
    let dir = s.class.dir();
    let files: Option<Vec<PathBuf>> = match &cs.target {
        RunTarget::Files(_) => s.build.as_ref().map(|b| b.sources.to_vec()),
        _ => None,
    };
    let srcs = match dir {
        Some(dir) => sources::collect(module, dir, files.as_deref()),
        None => Sources::default(),
    };
    let go = go_word(f, s, base);
    let env: Vec<&str> = cs
        .env
        .iter()
        .filter(|w| is_build_env(&w.text))
        .map(|w| &src[w.span.clone()])
        .collect();
    // Every flag of `go run` that is one of `go build` too (`-v`, `-x`
    // included: a team that asked to see the build still sees it).
    let flags: Vec<String> = cs
        .flags
        .iter()
        .filter(|fl| !["C", "exec", "n"].contains(&fl.name.as_str()))
        .map(|fl| {
            if fl.name == "ldflags" {
                merged_ldflags(fl, src)
            } else {
                src[fl.span.clone()].to_string()
            }
        })
        .collect();
    // Build from the module root when make runs outside that module.
    let base_module = modules.find(base);
    let (chdir, out, from) = if base_module.as_ref().map(|m| &m.root) == Some(&module.root) {
        (String::new(), "$@".to_string(), base.to_path_buf())
    } else {
        (
            format!("-C {} ", relative(base, &module.root)),
            "$(CURDIR)/$@".to_string(),
            module.root.clone(),
        )
    };
    let package = match (&files, dir) {
        (Some(fs), _) => fs
            .iter()
            .map(|p| dot_slash(&relative(&from, p)))
            .collect::<Vec<_>>()
            .join(" "),
        (None, Some(dir)) => dot_slash(&relative(&from, dir)),
        (None, None) => s.class.package.clone(),
    };
    let mut recipe_env = String::new();
    // `env -u GOOS go run`: the build unsets them too (offered only when
    // the options are ones it can keep).
    if let Some(o) = cs.env_build_options().filter(|o| !o.is_empty()) {
        recipe_env.push_str(&format!("env {o} "));
    }
    for e in &env {
        recipe_env.push_str(e);
        recipe_env.push(' ');
    }
    let mut recipe = recipe_env.clone();
    recipe.push_str(&format!("{go} build {chdir}{}", link_as_go_run(cs)));
    for fl in &flags {
        recipe.push_str(fl);
        recipe.push(' ');
    }
    recipe.push_str(&format!("-o {out} {package}"));
    let mut module_files = vec![
        relative(base, &module.root.join("go.mod")),
        format!(
            "$(wildcard {})",
            relative(base, &module.root.join("go.sum"))
        ),
    ];
    // Vendored dependencies change with `go mod vendor`, which rewrites
    // vendor/modules.txt.
    if module.root.join("vendor/modules.txt").is_file() {
        module_files.push(format!(
            "$(wildcard {})",
            relative(base, &module.root.join("vendor/modules.txt"))
        ));
    }
    if let Some(work) = workspace(cs, &module.root) {
        module_files.push(relative(base, &work));
        module_files.push(format!("$(wildcard {}.sum)", relative(base, &work)));
    }
    let (deps, prerequisites) = match mode {
        Prerequisites::GoList => {
            // `go list` sees what the build sees: the same environment and
            // the flags that decide which files are compiled.
            let mut line = recipe_env;
            line.push_str(&format!("{go} list {chdir}"));
            for fl in cs
                .flags
                .iter()
                .filter(|fl| LIST_FLAGS.contains(&fl.name.as_str()))
            {
                line.push_str(&src[fl.span.clone()]);
                line.push(' ');
            }
            line.push_str(&format!("$({DEPS_VAR}) {package} | $(GORUN_LINT_DEPFILE)"));
            (Some(line), module_files)
        }
        Prerequisites::Static => {
            let mut p = prerequisites(&srcs, base);
            p.extend(module_files);
            (None, p)
        }
    };
    Helper {
        target: relative(base, helper),
        recipe,
        deps,
        prerequisites,
        order_only: BTreeSet::new(),
    }
}

/// The go command as the helper's recipe (in make's directory) writes it.
fn go_word(f: &FileAnalysis, s: &Site, base: &Path) -> String {
    let cs = &s.callsite;
    let src = &f.file.text;
    match &cs.spelling {
        crate::syntax::vars::GoSpelling::RunVariable { definition, .. } => definition
            .trim_end()
            .strip_suffix("run")
            .unwrap_or(definition)
            .trim_end()
            .to_string(),
        // A script's go word (`$go`, `"$GO"`) means nothing to make.
        _ if cs.origin == Origin::Script => match cs.go.literal() {
            Some(g) if !cs.go.quoted => g.to_string(),
            _ => "go".to_string(),
        },
        // `cd gokrazy && ../tool/go run .`: the helper's recipe runs from
        // make's directory, where that path names another file.
        _ => match (&cs.cwd, cs.go.literal()) {
            (Cwd::Known(cwd), Some(word))
                if cwd != "." && word.contains('/') && !word.starts_with('/') =>
            {
                let path = crate::lint::paths::normalize(&f.base.join(cwd).join(word));
                dot_slash(&relative(base, &path))
            }
            _ => src[cs.go.span.clone()].to_string(),
        },
    }
}

/// The file target of a pinned `go run pkg@version`: `go install` into a
/// directory beside the target (`go install` names the binary itself),
/// then the binary moved to the target, whose name holds the version. No
/// prerequisites: the version is in the name, so a new version is a new
/// target, and a module version never changes.
fn install_target(f: &FileAnalysis, s: &Site, base: &Path, helper: &Path) -> Helper {
    let cs = &s.callsite;
    let src = &f.file.text;
    let go = go_word(f, s, base);
    let mut recipe = String::new();
    if let Some(o) = cs.env_build_options().filter(|o| !o.is_empty()) {
        recipe.push_str(&format!("env {o} "));
    }
    for w in cs.env.iter().filter(|w| is_build_env(&w.text)) {
        recipe.push_str(&src[w.span.clone()]);
        recipe.push(' ');
    }
    recipe.push_str(&format!("GOBIN=$(CURDIR)/$@.tmp {go} install "));
    if !cs.flags.iter().any(|fl| fl.name == "ldflags") {
        recipe.push_str("-ldflags=\"-s -w\" ");
    }
    for fl in cs
        .flags
        .iter()
        .filter(|fl| !["C", "exec", "n", "buildvcs"].contains(&fl.name.as_str()))
    {
        if fl.name == "ldflags" {
            recipe.push_str(&merged_ldflags(fl, src));
        } else {
            recipe.push_str(&src[fl.span.clone()]);
        }
        recipe.push(' ');
    }
    let package = &s.class.package;
    let path = package.split('@').next().unwrap_or(package);
    recipe.push_str(&format!(
        "{package}\n\tmv $@.tmp/{} $@ && rmdir $@.tmp",
        crate::lint::classify::installed_name(path)
    ));
    Helper {
        target: relative(base, helper),
        recipe,
        deps: None,
        prerequisites: Vec::new(),
        order_only: BTreeSet::new(),
    }
}

/// The build flags that decide which files a build compiles, and so what
/// `go list -deps` must be told too.
const LIST_FLAGS: [&str; 4] = ["tags", "mod", "modfile", "overlay"];

/// The `go.work` the go command uses for a build in module `root`: the
/// nearest one above it, unless the callsite sets `GOWORK` itself.
fn workspace(cs: &crate::syntax::callsite::Callsite, root: &Path) -> Option<PathBuf> {
    if cs.env.iter().any(|w| w.text.starts_with("GOWORK=")) {
        return None;
    }
    root.ancestors()
        .map(|d| d.join("go.work"))
        .find(|p| p.is_file())
}

fn dot_slash(rel: &str) -> String {
    if rel == "." || rel.starts_with("../") || rel == ".." {
        rel.to_string()
    } else {
        format!("./{rel}")
    }
}

/// Prerequisites that keep a helper fresh, relative to `base`.
pub fn prerequisites(srcs: &Sources, base: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for f in &srcs.files {
        out.push(relative(base, f));
    }
    for d in &srcs.package_dirs {
        let rel = relative(base, d);
        out.push(if rel == "." {
            "$(wildcard *.go)".into()
        } else {
            format!("$(wildcard {rel}/*.go)")
        });
    }
    for (p, is_dir) in &srcs.embeds {
        if *is_dir {
            for d in dirs_under(p) {
                push_dir_files(&mut out, base, &d, None);
            }
        } else if p.to_string_lossy().contains(['*', '?', '[']) {
            let dir = p.parent().unwrap_or(p);
            if dir.to_string_lossy().contains(['*', '?', '[']) {
                // A pattern over directories: make's wildcard, as written.
                out.push(format!("$(wildcard {})", relative(base, p)));
            } else {
                let pattern = p.file_name().map(|n| n.to_string_lossy().into_owned());
                push_dir_files(&mut out, base, dir, pattern.as_deref());
            }
        } else {
            let rel = relative(base, p);
            match prerequisite_word(&rel) {
                Some(w) => out.push(w),
                // Not writable as a make word: its directory's time still
                // changes when it is replaced (editors write a new file).
                None => {
                    if let Some(w) = p
                        .parent()
                        .and_then(|d| prerequisite_word(&relative(base, d)))
                    {
                        out.push(w);
                    }
                }
            }
        }
    }
    out
}

/// The files of embedded directory `dir` (those matching `pattern`, a
/// `//go:embed` glob, when given): `$(wildcard dir/*)` (or the pattern) where
/// make can read every name it yields as one word; else the directory
/// itself (its time changes when a file comes or goes) and each file by
/// name, escaped: make splits a wildcard's result at blanks, so a file
/// named `a b.txt` would become two missing prerequisites.
fn push_dir_files(out: &mut Vec<String>, base: &Path, dir: &Path, pattern: Option<&str>) {
    let rel = relative(base, dir);
    let matcher = pattern.and_then(|p| globset::Glob::new(p).ok().map(|g| g.compile_matcher()));
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| !p.is_dir())
                .filter(|p| {
                    matcher
                        .as_ref()
                        .is_none_or(|m| p.file_name().is_some_and(|n| m.is_match(n)))
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let names_ok = files.iter().all(|f| {
        f.file_name()
            .is_some_and(|n| make_safe(&n.to_string_lossy()))
    });
    if make_safe(&rel) && names_ok {
        out.push(match pattern {
            Some(p) => format!("$(wildcard {})", relative(base, &dir.join(p))),
            None => format!("$(wildcard {rel}/*)"),
        });
        return;
    }
    out.extend(prerequisite_word(&rel));
    out.extend(
        files
            .iter()
            .filter_map(|f| prerequisite_word(&relative(base, f))),
    );
}

fn dirs_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![dir.to_path_buf()];
    let mut i = 0;
    while i < out.len() && out.len() < 1000 {
        if let Ok(rd) = std::fs::read_dir(&out[i]) {
            let mut subs: Vec<PathBuf> = rd
                .filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect();
            subs.sort();
            out.extend(subs);
        }
        i += 1;
    }
    out
}

/// Append the out dirs to `<root>/.gitignore` unless git would already
/// ignore them (checked with gitignore semantics over the files between).
fn gitignore_edit(root: &Path, dirs: &BTreeSet<PathBuf>, cwd: &Path) -> Option<FileEdits> {
    let path = root.join(".gitignore");
    let mut missing = Vec::new();
    for d in dirs {
        if !ignored(root, d) {
            missing.push(format!("/{}/", relative(root, d)));
        }
    }
    if missing.is_empty() {
        return None;
    }
    let original = std::fs::read_to_string(&path).unwrap_or_default();
    let mut text = String::new();
    if !original.is_empty() && !original.ends_with('\n') {
        text.push('\n');
    }
    text.push_str("# Helper binaries built for gorun-lint fixes (make targets or scripts)\n");
    for m in missing {
        text.push_str(&m);
        text.push('\n');
    }
    Some(FileEdits {
        display: crate::syntax::source::display_path(&path, cwd),
        created: !path.exists(),
        edits: vec![Edit::insert(original.len(), text)],
        original,
        path,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prerequisite_words_escape_blanks_and_refuse_make_syntax() {
        assert_eq!(
            prerequisite_word("tmpl/a b.txt").as_deref(),
            Some("tmpl/a\\ b.txt")
        );
        assert_eq!(prerequisite_word("x#y$z").as_deref(), Some("x\\#y$$z"));
        for bad in [
            "a:b", "a;b", "a|b", "a=b", "a%b", "a*b", "a(b)", "a\\b", "a\tb", "",
        ] {
            assert_eq!(prerequisite_word(bad), None, "{bad:?}");
        }
        // Round trip through make's reading of a rule line.
        let w = prerequisite_word("static files/a b.css").unwrap();
        assert_eq!(
            crate::syntax::parse::unescape_word(&w),
            "static files/a b.css"
        );
    }

    #[test]
    fn embedded_names_with_blanks_are_listed_and_the_rest_stay_wildcards() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        for f in [
            "a.tmpl",
            "static/x.css",
            "static files/a b.css",
            "odd/c:d.txt",
        ] {
            std::fs::create_dir_all(root.join(f).parent().unwrap()).unwrap();
            std::fs::write(root.join(f), "x").unwrap();
        }
        let mut srcs = sources::Sources::default();
        srcs.embeds.insert((root.join("*.tmpl"), false));
        srcs.embeds.insert((root.join("static"), true));
        srcs.embeds.insert((root.join("static files"), true));
        srcs.embeds.insert((root.join("odd/c:d.txt"), false));
        let got = prerequisites(&srcs, root);
        assert_eq!(
            got,
            [
                "$(wildcard *.tmpl)",
                "odd",
                "$(wildcard static/*)",
                "static\\ files",
                "static\\ files/a\\ b.css",
            ]
        );
    }

    #[test]
    fn a_chdir_subshell_never_makes_arithmetic_expansion() {
        // Found by fuzzing: `x=$$(go run -C x ./y)` became
        // `x=$$((cd x && ...))`, which dash reads as `$((` arithmetic.
        let fixed = fixed_makefile("x/y", "gen:\n\tv=$$(go run -C x ./y) && echo $$v\n");
        assert!(
            fixed.contains("v=$$( (cd x && $(CURDIR)/_gen/bin/y)) && echo $$v"),
            "{fixed}"
        );
    }

    /// The Makefile `fix` (unsafe fixes too) writes in a module with a
    /// `package main` at `main`.
    fn fixed_makefile(main: &str, makefile: &str) -> String {
        let d = crate::test_repo::go_module(main, makefile);
        let analysis = crate::test_repo::analyse(d.path());
        let p = plan(&analysis, true, None);
        let changes = crate::lint::fix::apply::render(&p.files).unwrap();
        changes
            .into_iter()
            .find(|c| c.edits.display.ends_with("Makefile"))
            .unwrap()
            .new_text
    }

    /// The helper's build line for one recipe line running `go run ./y`.
    fn build_line(recipe: &str) -> String {
        let fixed = fixed_makefile("y", &format!("gen:\n\t{recipe}\n"));
        fixed
            .lines()
            .find(|l| l.starts_with("\tgo build"))
            .unwrap_or_else(|| panic!("no build line in\n{fixed}"))
            .to_string()
    }

    #[test]
    fn the_helper_links_as_go_run_does_with_the_callsites_ldflags() {
        let cases = [
            ("go run ./y", "-buildvcs=false -ldflags=\"-s -w\" -o $@ ./y"),
            (
                "go run -ldflags=\"-X main.v=$(V)\" ./y",
                "-buildvcs=false -ldflags=\"-s -w -X main.v=$(V)\" -o $@ ./y",
            ),
            (
                "go run -ldflags '-X a=b' ./y",
                "-buildvcs=false -ldflags '-s -w -X a=b' -o $@ ./y",
            ),
            (
                "go run -ldflags=${LDFLAGS} ./y",
                "-buildvcs=false -ldflags=\"-s -w ${LDFLAGS}\" -o $@ ./y",
            ),
            // Left as written: per-package values, and -s -w already there.
            (
                "go run -ldflags=all=-w ./y",
                "-buildvcs=false -ldflags=all=-w -o $@ ./y",
            ),
            (
                "go run -ldflags=\"-s -w\" -buildvcs=true ./y",
                "-ldflags=\"-s -w\" -buildvcs=true -o $@ ./y",
            ),
            // `-v` is kept: the team asked to see the build.
            (
                "go run -v ./y",
                "-buildvcs=false -ldflags=\"-s -w\" -v -o $@ ./y",
            ),
        ];
        for (recipe, flags) in cases {
            assert_eq!(
                build_line(recipe),
                format!("\tgo build {flags}"),
                "{recipe}"
            );
        }
    }

    #[test]
    fn only_literal_paths_are_make_safe() {
        // Found by fuzzing: `go run ./cm#` became `proto: | _gen/bin/cm#`
        // and `$(wildcard cm#/*.go) \`, where `#` starts a comment.
        for p in [
            "scripts/gen",
            "../tools/x-y_z.v2",
            "cmd/a+b",
            "go.mod",
            "ünïcode",
        ] {
            assert!(make_safe(p), "{p}");
        }
        for p in [
            "cm#", "a b", "a:b", "a;b", "a=b", "a%b", "a,b", "a$b", "a\\b", "a(b",
        ] {
            assert!(!make_safe(p), "{p}");
        }
    }
}
