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
//! -tool`), or install it once into a file target keyed by its version
//! (what `gorun-lint fix` writes):
//! ```make
//! generate: | _gen/bin/stringer@v0.30.0
//! 	_gen/bin/stringer@v0.30.0 -type=Kind
//!
//! _gen/bin/stringer@v0.30.0:
//! 	GOBIN=$(CURDIR)/$@.tmp go install -ldflags="-s -w" golang.org/x/tools/cmd/stringer@v0.30.0
//! 	mv $@.tmp/stringer $@ && rmdir $@.tmp
//! ```
//! Changing the version in the Makefile changes the target, so the new
//! version is installed on the next run; `GOBIN=... go install` leaves no
//! executable in GOCACHE.
//!
//! ## Fix safety
//! Safe in a Makefile recipe for a version that names one release (a
//! semantic version or a pseudo-version): the helper is the binary `go run
//! pkg@version` links. None for `@latest`, a branch or a commit (they
//! resolve anew on each run: a file target would pin what they resolved
//! to once), for a package or version from a variable (the target's name
//! would freeze today's value), nor in scripts and workflow steps.

use super::Site;
use crate::lint::classify::Class;
use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::diagnostic::{FixAvailability, RuleInfo};

pub static RULE: RuleInfo = RuleInfo {
    code: "GR003",
    name: "remote-go-run",
    summary: "`go run pkg@version`",
    severity: Severity::Warning,
    fix: FixAvailability::Sometimes,
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
    site.offer_helper_fix(&mut d, "with `go install`, keyed by its version, ");
    Some(d)
}
