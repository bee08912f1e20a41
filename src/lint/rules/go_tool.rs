//! # GR015 go-tool
//!
//! ## What it does
//! Notes `go tool X` in a recipe, a script, a `//go:generate` directive or a
//! workflow step. Informational: it never fails a run. The toolchain's
//! prebuilt tools (`cover`, `vet`, `compile`, `asm`, `cgo`, `link`, `fix`,
//! `preprofile`) run from `GOTOOLDIR` and cache nothing, so `go tool cover`
//! is not noted; the toolchain's other tools (`pprof`, `trace`, `nm`, ...)
//! were prebuilt up to Go 1.24 and are built on demand and cached since Go
//! 1.25, which the note says.
//!
//! ## Why is this bad?
//! It is not bad as such: a go.mod `tool` directive run with `go tool` is the
//! supported way to pin a tool. But since Go 1.24 `go tool` links the tool
//! and caches the executable in GOCACHE exactly as `go run` does, and pays
//! the same staleness check on every call. In a hot loop (a generator run
//! per package) a binary built once is faster and keeps GOCACHE small.
//!
//! ## Example
//! ```go
//! //go:generate go tool stringer -type=Kind
//! ```
//! Where it matters, build it once:
//! ```make
//! _gen/bin/stringer: go.mod go.sum
//! 	go build -o $@ golang.org/x/tools/cmd/stringer
//! ```
//!
//! ## Fix safety
//! Unsafe (`--unsafe-fixes`), for a tool a go.mod `tool` directive names,
//! in a Makefile recipe: the helper GR004 gives a dependency's package
//! (`_gen/bin/stringer`, built with `go build -o $@` from go.mod's
//! requirement) and the recipe runs it. The binary is the same; what
//! changes is the team's idiom (`go tool` is the supported way to run a
//! pinned tool), so it is theirs to choose. No fix for toolchain tools
//! (`pprof`), nor in scripts, `//go:generate` and workflows.

use std::sync::Arc;

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::diagnostic::{FixAvailability, RuleInfo};
use crate::syntax::callsite::Callsite;
use crate::syntax::source::SourceFile;

pub static RULE: RuleInfo = RuleInfo {
    code: "GR015",
    name: "go-tool",
    summary: "`go tool X` caches its executable in GOCACHE as `go run` does (informational)",
    severity: Severity::Info,
    fix: FixAvailability::Sometimes,
    source: include_str!("go_tool.rs"),
};

/// A `go tool X` of a go.mod `tool` directive: the finding, with the
/// unsafe helper fix where it is offered.
pub fn check_site(site: &super::Site) -> Option<Diagnostic> {
    let mut d = check(site.file, site.callsite);
    // A go.mod `tool` directive: the package it names.
    d.exe = site.class.cached_exe(None).or(d.exe);
    site.offer_helper_fix(&mut d, "from go.mod's requirement ");
    Some(d)
}

pub fn check(file: &Arc<SourceFile>, cs: &Callsite) -> Diagnostic {
    let tool = cs.target.text();
    let shown = if tool.is_empty() {
        "<tool>"
    } else {
        tool.as_str()
    };
    let message = if crate::syntax::callsite::ON_DEMAND_TOOLS.contains(&shown) {
        format!(
            "`go tool {shown}` is built on demand and cached in GOCACHE since Go 1.25 (a toolchain tool no longer shipped prebuilt)"
        )
    } else {
        format!(
            "`go tool {shown}` links and caches the tool in GOCACHE on every change, as `go run` does"
        )
    };
    Diagnostic {
        rule: &RULE,
        file: file.clone(),
        span: cs.span.clone(),
        message,
        help: Some(
            "fine for a pinned tool; where it runs often, build it once with `go build -o` into a file target"
                .into(),
        ),
        tool: (!tool.is_empty()).then(|| tool.rsplit('/').next().unwrap_or(&tool).to_string()),
        package: (!tool.is_empty()).then_some(tool.clone()),
        target: None,
        helper: None,
        fix: None,
        // A full path is the package its build information names; a short
        // name (a toolchain tool, `cmd/pprof`) is matched by name alone.
        exe: (!tool.is_empty() && !tool.contains(['$', '`'])).then(|| {
            crate::lint::diagnostic::CachedExe {
                name: crate::lint::classify::exe_from_import_path(&tool),
                package: tool.contains('/').then(|| tool.clone()),
                file: None,
            }
        }),
    }
}
