//! # GR003 remote-go-run
//!
//! ## What it does
//! Finds `go run pkg@version` in a recipe.
//!
//! ## Why is this bad?
//! Each run resolves the module, checks staleness and, since Go 1.24, caches
//! the linked executable in GOCACHE; a new version leaves the old copies
//! behind.
//!
//! ## Example
//! ```make
//! generate:
//! 	go run golang.org/x/tools/cmd/stringer@v0.30.0 -type=Kind
//! ```
//! Use instead: pin the tool with a `tool` directive in go.mod (`go get
//! -tool`), or install it once into a file target:
//! ```make
//! _gen/bin/stringer:
//! 	GOBIN=$(CURDIR)/_gen/bin go install golang.org/x/tools/cmd/stringer@v0.30.0
//! ```
//!
//! ## Fix safety
//! No fix: where to pin a tool is a project decision.

use super::Site;
use crate::lint::classify::Class;
use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::diagnostic::{FixAvailability, RuleInfo};

pub static RULE: RuleInfo = RuleInfo {
    code: "GR003",
    name: "remote-go-run",
    summary: "`go run pkg@version` in a recipe",
    severity: Severity::Warning,
    fix: FixAvailability::Never,
    source: include_str!("remote_go_run.rs"),
};

pub fn check(site: &Site) -> Option<Diagnostic> {
    let Class::Remote { version } = &site.class.class else {
        return None;
    };
    if site.read_time() {
        return None;
    }
    let mut d = site.note_source(
        site.diagnostic(
            &RULE,
            format!(
                "`go run {}` resolves and caches version {version} on every run",
                site.class.package
            ),
        ),
        false,
    );
    d.help = Some(
        "pin it with a go.mod `tool` directive, or `go install` it once into a file target".into(),
    );
    Some(d)
}
