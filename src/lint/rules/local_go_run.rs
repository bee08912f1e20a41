//! # GR001 local-go-run
//!
//! ## What it does
//! Finds `go run` of a package or files of this repository in a Makefile
//! recipe (`go run ./scripts/<tool>`, `$(GO) run gen.go`, an import path of
//! this module), a shell script, a `//go:generate` directive, a CI
//! workflow step or a Procfile process line.
//!
//! ## Why is this bad?
//! Since Go 1.24, `go run` stores every linked executable in the build cache
//! (GOCACHE), keyed on build metadata, so each helper piles up copies, and
//! every run still pays a staleness check (about 0.35 s against 0.03 s for a
//! built binary). One repository measured 11 cached executables (401 MB) for
//! one `make gen`, and 4 (25 MB) after moving its helpers to file targets.
//!
//! ## Example
//! ```make
//! gen:
//! 	go run ./scripts/apitypings > site/api.ts
//! ```
//! Use instead:
//! ```make
//! gen: | _gen/bin/apitypings
//! 	_gen/bin/apitypings > site/api.ts
//!
//! _gen/bin/apitypings: $(wildcard scripts/apitypings/*.go) go.mod go.sum
//! 	go build -o $@ ./scripts/apitypings
//! ```
//!
//! ## Fix safety
//! Safe where the callsite's working directory and owning rule are known:
//! the helper target builds the same package with the same flags and
//! build-affecting env, depends on every source file that can change the
//! binary (its package, the module packages it imports, `//go:embed` files,
//! go.mod and go.sum), and the consuming rule gets it as an order-only
//! prerequisite, so `$<`, `$^`, `$+` and `$?` keep their values and `make -j`
//! builds it first. The helper's own dependencies come from `go list
//! -deps` (a `.d` file its recipe writes) or, with `prerequisites =
//! "static"`, from the list above. Not offered where the working directory
//! depends on a variable, the package is not on disk where the callsite
//! runs, or the rule structure was recovered from a region the grammar
//! could not parse and is ambiguous.
//!
//! In a shell script the fix rewrites `go run PKG args` into
//! `go build -o "<out-dir>/<tool>" PKG && "<out-dir>/<tool>" args`, with the
//! out dir found from the script's own location, so it works from any
//! caller: safe. In a workflow `run:` step (bash or sh) the same rewrite,
//! into `"$RUNNER_TEMP/gorun-lint/<tool>"`, edited in place where the YAML
//! holds the script as written (a literal block or a one-line plain
//! scalar): safe. No fix for `//go:generate` directives or Procfile process
//! lines: the help says what to do by hand.
//!
//! ## Options
//! `out-dir`, `clean-target`, `[allow]`.

use std::collections::HashMap;

use super::Site;
use crate::lint::analysis::{self, Analysis, FileAnalysis};
use crate::lint::diagnostic::{Applicability, Diagnostic, Severity};
use crate::lint::diagnostic::{FixAvailability, RuleInfo};
use crate::lint::edit::make_safe;
use crate::lint::paths::relative;
use crate::syntax::callsite::Origin;
use crate::syntax::shell::Cwd;

pub static RULE: RuleInfo = RuleInfo {
    code: "GR001",
    name: "local-go-run",
    summary: "`go run` of a package of this repository",
    severity: Severity::Error,
    fix: FixAvailability::Sometimes,
    source: include_str!("local_go_run.rs"),
};

pub fn check(site: &Site) -> Option<Diagnostic> {
    if !site.class.is_local() || site.read_time() {
        return None;
    }
    let tool = site.class.tool.as_deref().unwrap_or("helper");
    let mut message = format!(
        "`go run {}` caches a new executable of `{tool}` in GOCACHE on every change",
        site.class.package
    );
    if let crate::syntax::callsite::Origin::Deferred { variable } = &site.callsite.origin {
        message.push_str(&format!(" (through `$({variable})`)"));
    }
    let mut notes = Vec::new();
    if site.class.module().is_none() {
        notes.push("no go.mod was found above it, so it is taken as repo-local".to_string());
    }
    if let crate::lint::classify::Class::Local {
        unknown_dir: Some(why),
        ..
    } = &site.class.class
    {
        notes.push(format!("its directory is not known: {why}"));
    }
    if let Some(missing) = missing_source(site.callsite, site.class) {
        let f = &site.analysis.files[site.index.0];
        notes.push(format!(
            "no fix: there is no `{}` where this file's recipes run (`{}`)",
            relative(&f.base, &missing),
            crate::syntax::source::display_path(&f.base, &site.analysis.cwd)
        ));
    }
    if let Some(n) = site.spelling_note() {
        notes.push(n);
    }
    if let Some(n) = site.source_note() {
        notes.push(n);
    }
    if !notes.is_empty() {
        message.push_str(&format!("; {}", notes.join("; ")));
    }
    let mut d = site.diagnostic(&RULE, message);
    d.helper = site.helper.clone();
    if !site.offer_helper_fix(&mut d, "") {
        let prefix: Vec<&str> = site
            .callsite
            .prefix_vars
            .iter()
            .map(|p| p.word.text.as_str())
            .collect();
        let watcher = site.callsite.watcher();
        d.help = site.manual_help().or_else(|| {
            Some(if let Some(w) = watcher {
                let t = site.target.unwrap_or("_gen/bin/<tool>");
                format!(
                    "have `{w}` run `make {t} && {t}` (a file target rebuilds only when its sources changed), or allowlist it with a reason"
                )
            } else if prefix.is_empty() {
                "build it with `go build -o` into a file target and run the binary".into()
            } else {
                // The variables set up the build too: a fix cannot tell
                // whether one helper target may serve them all.
                let p = prefix.join(" ");
                format!(
                    "no automatic fix after `{p}`: build it with `{p} go build -o` into a file target and run the binary after `{p}`"
                )
            })
        });
    }
    Some(d)
}

// When the fix is offered: a callsite whose helper can be built by a file
// target and run in its place without changing what runs.

/// What fix, if any, each site of the analysis gets (`migrate` reads
/// them all).
pub fn offers(analysis: &Analysis) -> HashMap<(usize, usize), Applicability> {
    let mut out = HashMap::new();
    for (fi, f) in analysis.files.iter().enumerate() {
        for (si, s) in f.sites.iter().enumerate() {
            if let Some(a) = offer(analysis, fi, s) {
                out.insert((fi, si), a);
            }
        }
    }
    out
}

pub fn offer(analysis: &Analysis, fi: usize, s: &analysis::Site) -> Option<Applicability> {
    let f = &analysis.files[fi];
    // A pinned `pkg@version` run needs no module of ours, but only make
    // can give it its own install recipe (a script's `go build -o` cannot
    // build `pkg@version`).
    let pinned = s.class.pinned_version().is_some();
    // Its version must be written in the callsite: a version from a
    // variable would be frozen into the target's name.
    if pinned && s.callsite.target.text().contains('$') {
        return None;
    }
    // (`$(GO_ENV) go run`: the variable would set up the helper's build
    // too, and one helper target serves every callsite of its build.)
    if s.allowed.as_ref().is_some_and(|a| a.covers(&RULE))
        || !s.callsite.prefix_vars.is_empty()
        || s.helper.is_none()
        || (s.class.module().is_none() && !pinned)
        || (pinned && matches!(s.callsite.origin, Origin::Script | Origin::Workflow { .. }))
        || !f.editable()
        || f.context_only
    {
        return None;
    }
    if !matches!(s.callsite.dir(), Cwd::Known(_)) {
        return None;
    }
    // A `sh -c "..."` string read with its escapes undone: the fix copies
    // the callsite's words as written (into the helper's build), so only
    // where they hold no escape.
    if s.callsite.in_string == crate::syntax::shell::InString::Unescaped
        && f.file.text[s.callsite.prefix.start..s.callsite.span.end].contains('\\')
    {
        return None;
    }
    if s.callsite.chdir().is_some() && s.callsite.prefix.start != s.callsite.prefix.end {
        return None; // `X=1 go run -C dir`: no subshell can keep the env prefix.
    }
    // `env -C dir go run`, `env -S ...`: the helper's build and path would
    // not follow (`env -u GOOS` and `env -i` are kept in its build).
    s.callsite.env_build_options()?;
    // A package that is not where the callsite runs: the wrong directory
    // was taken, or it is gone; a helper target would not build.
    if missing_source(&s.callsite, &s.class).is_some() {
        return None;
    }
    // The fix writes the package's paths into rule lines, where make reads
    // `#` as a comment and `:`, `;`, `=`, `%`, `,` and blanks as syntax; a
    // Go package directory cannot hold such characters anyway.
    let sources = s.build.iter().flat_map(|b| b.sources.iter());
    let module = s.class.module().map(|m| m.root.as_path());
    if !sources.map(|p| p.as_path()).chain(module).all(|p| {
        make_safe(&if p.is_absolute() {
            relative(&f.base, p)
        } else {
            p.to_string_lossy().into_owned()
        })
    }) {
        return None;
    }
    // `go tool X` (GR015): the same helper, but it changes the team's
    // idiom; only where make builds it.
    if s.callsite.verb == crate::syntax::callsite::Verb::Tool {
        return match &s.callsite.origin {
            Origin::Recipe { rule: Some(_), .. } => Some(Applicability::Unsafe),
            _ => None,
        };
    }
    // Run by another program: a watcher re-runs it on each change (`go
    // run` rebuilds then, on purpose); and only make's form (the binary's
    // path in place of `go run PKG`) fits inside another program's words.
    if s.callsite.handed_by.is_some()
        && (s.callsite.watcher().is_some()
            || !matches!(s.callsite.origin, Origin::Recipe { rule: Some(_), .. }))
    {
        return None;
    }
    match &s.callsite.origin {
        Origin::Recipe { rule: Some(_), .. } => Some(Applicability::Safe),
        Origin::Script => script_offer(f, s),
        // A `run:` step: the script form, built into the runner's temp dir,
        // where the YAML holds the script as written.
        Origin::Workflow {
            shell, rewritable, ..
        } if *rewritable && crate::syntax::sources::posix_shell(Some(&**shell)) => {
            script_offer(f, s)
        }
        Origin::Define { name } | Origin::Deferred { variable: name } if !s.deferred_read_time => {
            (!consumers(analysis, fi, name).is_empty()).then_some(Applicability::Safe)
        }
        _ => None,
    }
}

/// The first package directory or file of a build that is not on disk.
fn missing_source(
    cs: &crate::syntax::callsite::Callsite,
    class: &crate::lint::classify::Classified,
) -> Option<std::path::PathBuf> {
    crate::lint::naming::build_sources(cs, class)?
        .into_iter()
        .find(|p| p.is_absolute() && !p.exists())
}

/// A script callsite gets `go build -o "$GORUN_LINT_BIN/<tool>" PKG &&
/// "$GORUN_LINT_BIN/<tool>" args` where that keeps its meaning: not after
/// `!`, `|` or `||` (the `&&` would bind differently), not with `-C` or
/// `-exec` (the program would run elsewhere or through another program),
/// not after a prefix command (`exec`, `time`, `env -u X`), not where
/// `go run` is one variable, and not in a script a recipe reads with
/// `source` (its `$0` is the shell).
fn script_offer(f: &FileAnalysis, s: &analysis::Site) -> Option<Applicability> {
    let cs = &s.callsite;
    // A sourced script's `$0` is the shell: GORUN_LINT_BIN would be wrong.
    // In a `bash -c '...'` string the quotes of the rewrite would clash.
    if f.sourced || cs.in_string != crate::syntax::shell::InString::No {
        return None;
    }
    if cs.run.is_none()
        || cs
            .flags
            .iter()
            .any(|fl| fl.name == "C" || fl.name == "exec")
    {
        return None;
    }
    let text = &f.file.text;
    // Before `go`: env assignments and keywords only. `exec`, `time`,
    // `nohup`, `env -u X` and the like would apply to the build alone.
    let mut prefix = text[cs.prefix.clone()].to_string();
    for w in cs.env.iter().rev() {
        if cs.prefix.start <= w.span.start && w.span.end <= cs.prefix.end {
            let at = w.span.start - cs.prefix.start..w.span.end - cs.prefix.start;
            prefix.replace_range(at, " ");
        }
    }
    if !prefix
        .split_whitespace()
        .all(|w| crate::syntax::shell::COMPOUND_KEYWORDS.contains(&w))
    {
        return None;
    }
    let before = text[..cs.prefix.start].trim_end_matches([' ', '\t']);
    if before.ends_with('|') || before.ends_with("|&") || before.ends_with('!') {
        return None;
    }
    Some(Applicability::Safe)
}

/// Rules whose recipe expands `$(name)` or `$(call name,...)`: (file, rule).
pub fn consumers(analysis: &Analysis, fi: usize, name: &str) -> Vec<(usize, usize)> {
    let pats = [
        format!("$({name})"),
        format!("${{{name}}}"),
        format!("$(call {name}"),
        format!("$(call {name},"),
    ];
    let mut out = Vec::new();
    for j in analysis.component(fi) {
        let g = &analysis.files[j];
        for line in &g.doc.recipe_lines {
            let text = &g.file.text[line.span.clone()];
            if let Some(r) = line.rule {
                if pats.iter().any(|p| text.contains(p.as_str())) && !out.contains(&(j, r)) {
                    out.push((j, r));
                }
            }
        }
    }
    out
}
