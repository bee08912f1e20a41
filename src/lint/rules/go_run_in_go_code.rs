//! # GR016 go-run-in-go-code
//!
//! ## What it does
//! Finds Go code that runs `go run` or `go tool` through `os/exec`:
//! `exec.Command("go", "run", "./cmd/gen", ...)`,
//! `exec.CommandContext(ctx, "go", "run", "pkg@version")`, also with
//! `os/exec` imported under another name, and in `_test.go` files (the
//! `go` source: `--only go`, config `sources`). The package is classified
//! as for every other source (this module's package, a dependency, a remote
//! `@version`, dynamic when an argument is a Go expression). This rule
//! alone reports these callsites: the other per-callsite rules (GR001,
//! GR003-GR005, GR015) leave them to it.
//!
//! ## Why is this bad?
//! Since Go 1.24 each `go run` links the package and caches the executable
//! in GOCACHE, and `go tool` does the same for a module tool. A test that
//! shells out to `go run ./cmd/gen` pays the staleness check (and, after
//! any change, a link and a new cached executable) on every `go test`, in
//! every package whose tests do it, and in parallel test processes at once.
//! The copies pile up until `go clean -cache` or the cache's trimming.
//!
//! ## Example
//! ```go
//! func TestGen(t *testing.T) {
//! 	out, err := exec.Command("go", "run", "./cmd/gen", "-o", t.TempDir()).CombinedOutput()
//! 	// ...
//! }
//! ```
//! Use instead: build the helper once per test binary and run it:
//! ```go
//! var genBin string
//!
//! func TestMain(m *testing.M) {
//! 	dir, err := os.MkdirTemp("", "gen")
//! 	if err != nil {
//! 		log.Fatal(err)
//! 	}
//! 	genBin = filepath.Join(dir, "gen")
//! 	if out, err := exec.Command("go", "build", "-o", genBin, "./cmd/gen").CombinedOutput(); err != nil {
//! 		log.Fatalf("%v: %s", err, out)
//! 	}
//! 	code := m.Run()
//! 	os.RemoveAll(dir)
//! 	os.Exit(code)
//! }
//! ```
//! `go build -o` writes the binary where it is told and leaves no executable
//! in GOCACHE. Where running the go command is the point (a test of a
//! generator's `go run` usage), allowlist it with a reason: the line above
//! the call, `// gorun-lint: allow gen -- exercises go run on purpose`.
//!
//! ## Fix safety
//! No fix: where the binary should be built (`TestMain`, a `sync.Once`, a
//! Makefile target the tests depend on) is the code's own design.

use super::Site;
use crate::lint::classify::{Class, DependencyVia};
use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::diagnostic::{FixAvailability, RuleInfo};
use crate::syntax::callsite::{Origin, Verb};
use crate::syntax::shell::Cwd;

pub static RULE: RuleInfo = RuleInfo {
    code: "GR016",
    name: "go-run-in-go-code",
    summary: "Go code runs `go run` or `go tool` through os/exec",
    severity: Severity::Warning,
    fix: FixAvailability::Never,
    source: include_str!("go_run_in_go_code.rs"),
};

/// Whether a callsite is this rule's (and no other per-callsite rule's).
pub fn owns(site: &Site) -> bool {
    site.callsite.origin == Origin::GoCode
}

pub fn check(site: &Site) -> Option<Diagnostic> {
    if !owns(site) {
        return None;
    }
    let cs = site.callsite;
    let package = &site.class.package;
    let (verb, what) = match cs.verb {
        Verb::Run => ("run", "links the package and caches the executable"),
        Verb::Tool => ("tool", "links the tool and caches the executable"),
        Verb::Build => return None,
    };
    let detail = match &site.class.class {
        Class::Remote { version } => format!(" (version {version}, resolved on each run)"),
        Class::Dynamic { reason } => format!("; the package cannot be resolved: {reason}"),
        Class::Pattern => "; a package pattern matches any number of packages".into(),
        Class::Local {
            unknown_dir: Some(why),
            ..
        } => format!("; its directory is not known: {why}"),
        Class::Dependency {
            via: DependencyVia::NotFound,
            ..
        } if cs.verb == Verb::Tool
            && crate::syntax::callsite::ON_DEMAND_TOOLS.contains(&package.as_str()) =>
        {
            " (a toolchain tool built on demand since Go 1.25)".into()
        }
        _ => String::new(),
    };
    // A tool as written (`stringer`), a package as classified.
    let shown = match cs.verb {
        Verb::Tool => cs.target.text(),
        _ => package.clone(),
    };
    let mut d = site.diagnostic(
        &RULE,
        format!("Go code runs `go {verb} {shown}`: each run {what} in GOCACHE{detail}"),
    );
    if cs.verb == Verb::Tool {
        // As GR015 names it: a go.mod tool by its package, a toolchain
        // tool by name.
        let noted = super::go_tool::check(site.file, cs);
        d.exe = match &site.class.class {
            Class::Dependency {
                via: DependencyVia::Tool,
                ..
            } => site.class.cached_exe(None),
            _ => None,
        }
        .or(noted.exe);
    }
    let name = site.class.tool.as_deref().unwrap_or("tool");
    // Where the command runs, when the code moved it (`cmd.Dir`, `-C`).
    let chdir = match cs.dir() {
        Cwd::Known(d) if !d.is_empty() => format!("-C {d} "),
        _ => String::new(),
    };
    let build = match &site.class.class {
        Class::Dynamic { .. } | Class::Pattern => format!("go build -o <dir>/{name} <package>"),
        Class::Remote { .. } => format!("GOBIN=<dir> go install {package}"),
        _ => format!("go build {chdir}-o <dir>/{name} {package}"),
    };
    d.help = Some(format!(
        "build it once (`{build}` into a temporary directory in `TestMain`, or once when the program starts) and run that binary, or allowlist it with a reason"
    ));
    Some(d)
}
