//! # GR004 dependency-go-run
//!
//! ## What it does
//! Finds `go run` of a module path without a version (`go run
//! golang.org/x/tools/cmd/stringer`), resolved through go.mod's requirements
//! or `tool` directives, in a recipe.
//!
//! ## Why is this bad?
//! Like any `go run`, each run checks staleness and caches the executable in
//! GOCACHE. A `tool` directive run with `go run` instead of `go tool` also
//! skips the tool's own cache entry.
//!
//! ## Example
//! ```make
//! generate:
//! 	go run golang.org/x/tools/cmd/stringer -type=Kind
//! ```
//! Use instead: `go tool stringer` (with a `tool` directive), or a helper
//! built once from the module's requirement (what `gorun-lint fix` writes):
//! ```make
//! generate: | _gen/bin/stringer
//! 	_gen/bin/stringer -type=Kind
//!
//! _gen/bin/stringer: go.mod $(wildcard go.sum)
//! 	go build -buildvcs=false -ldflags="-s -w" -o $@ golang.org/x/tools/cmd/stringer
//! ```
//!
//! ## Fix safety
//! Safe where the module is required (or named by a `tool` directive) and
//! the callsite is a recipe or a script line that `fix` rewrites for
//! repo-local packages too (GR001): the helper is the binary `go run`
//! builds, from the version go.mod selects, rebuilt when go.mod or go.sum
//! change. None for a module go.mod does not require (the go command
//! would resolve it at run time).

use super::Site;
use crate::lint::classify::{Class, DependencyVia};
use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::diagnostic::{FixAvailability, RuleInfo};

pub static RULE: RuleInfo = RuleInfo {
    code: "GR004",
    name: "dependency-go-run",
    summary: "`go run` of a dependency's package (module path without version)",
    severity: Severity::Warning,
    fix: FixAvailability::Sometimes,
    source: include_str!("dependency_go_run.rs"),
};

pub fn check(site: &Site) -> Option<Diagnostic> {
    let Class::Dependency { via, .. } = &site.class.class else {
        return None;
    };
    if site.read_time() {
        return None;
    }
    let how = match via {
        DependencyVia::Require(m) => format!("from required module {m}"),
        DependencyVia::Tool => "from a go.mod `tool` directive".into(),
        DependencyVia::NotFound => "not required in go.mod: the go command resolves it".into(),
    };
    let mut d = site.note_source(
        site.diagnostic(
            &RULE,
            format!(
                "`go run {}` ({how}) caches an executable in GOCACHE on every change",
                site.class.package
            ),
        ),
        false,
    );
    d.help = Some(match via {
        DependencyVia::Tool => format!(
            "run it as `go tool {}`",
            site.class.tool.as_deref().unwrap_or("<tool>")
        ),
        _ => "add a go.mod `tool` directive and use `go tool`, or build it once into a file target"
            .into(),
    });
    site.offer_helper_fix(&mut d, "from go.mod's requirement ");
    Some(d)
}
