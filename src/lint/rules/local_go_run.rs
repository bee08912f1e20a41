//! # GR001 local-go-run
//!
//! ## What it does
//! Finds `go run` of a package or files of this repository in a Makefile
//! recipe (`go run ./scripts/<tool>`, `$(GO) run gen.go`, an import path of
//! this module), a shell script, a `//go:generate` directive or a CI
//! workflow step.
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
//! builds it first. Not offered where the working directory depends on a
//! variable, or the rule structure was recovered from a region the grammar
//! could not parse and is ambiguous.
//!
//! In a shell script the fix rewrites `go run PKG args` into
//! `go build -o "<out-dir>/<tool>" PKG && "<out-dir>/<tool>" args`, with the
//! out dir found from the script's own location, so it works from any
//! caller: safe. No fix for `//go:generate` directives and workflow steps:
//! the help says what to do by hand.
//!
//! ## Options
//! `out-dir`, `clean-target`, `[allow]`.

use super::{FixAvailability, RuleInfo, Site};
use crate::lint::diagnostic::{Diagnostic, FixSummary, Severity};

pub static RULE: RuleInfo = RuleInfo {
    code: "GR001",
    name: "local-go-run",
    summary: "`go run` of a package of this repository in a recipe",
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
    d.target = site.target.map(str::to_string);
    match (site.target, site.fix) {
        (Some(target), Some(applicability)) => {
            d.help = Some(format!(
                "build it once as the file target `{target}` and run the binary"
            ));
            d.fix = Some(FixSummary {
                applicability,
                description: format!("Run `{target}`, built by a `go build -o` file target"),
            });
        }
        _ => {
            d.help = site.manual_help().or_else(|| {
                Some("build it with `go build -o` into a file target and run the binary".into())
            })
        }
    }
    Some(d)
}
