//! `--format json`: a stable, documented object.
//!
//! ```json
//! {
//!   "version": 1,
//!   "diagnostics": [{
//!     "rule": "GR001", "name": "local-go-run", "severity": "error",
//!     "file": "Makefile", "line": 4, "column": 2, "end_line": 4, "end_column": 25,
//!     "message": "...", "help": "...", "tool": "apitypings",
//!     "package": "./scripts/apitypings", "target": "_gen/bin/apitypings",
//!     "fix": {"applicability": "safe", "description": "..."}
//!   }],
//!   "errors": [{"file": ".gorun-lint.toml", "line": 1, "message": "invalid configuration: ..."}],
//!   "summary": {"files": 3, "diagnostics": 1, "findings": 1, "allowed": 0, "fixable": 1, "errors": 1}
//! }
//! ```
//! With `--statistics`, also `"statistics": [{"rule": "GR001", "name":
//! "local-go-run", "count": 3}]`, most first.
//! With `--cache-cost`, a diagnostic whose `go run` / `go tool` executable
//! has builds in the local GOCACHE also has `"cache_cost": {"tool":
//! "apitypings", "builds": 7, "bytes": 222298112}`: the executable's name
//! as the go command caches it (`cmd` for `./tools/foo/cmd`, `main` for
//! `go run ./x/main.go`, so it may differ from `tool`), the cached builds
//! of that package (their build information names it), and their size in
//! bytes. The key is absent without the flag, when nothing is cached for
//! the finding, and when GOCACHE could not be read (a warning on stderr);
//! see `command::cache::cost`.
//! `summary.findings` counts the diagnostics that fail the run (warnings
//! and errors; `diagnostics` also counts info notes). `errors` lists what
//! could not be checked (a path, a file, a config; `file` and `line` null
//! where unknown): a run with errors exits 2, whatever it found. `file` is relative to
//! the working directory; lines and columns are
//! 1-based, columns count characters, `end_*` is exclusive.

use serde::Serialize;

use super::{RenderOptions, Renderer};
use crate::lint::check::Report;
use crate::lint::diagnostic::{Diagnostic, Fix};

pub struct Json;

#[derive(Serialize)]
struct Out<'a> {
    version: u32,
    diagnostics: Entries<'a>,
    /// Paths, files and configs that could not be checked.
    errors: &'a [crate::lint::check::ReportError],
    summary: Summary,
    /// With `--statistics`: findings per rule, most first.
    #[serde(skip_serializing_if = "Option::is_none")]
    statistics: Option<Vec<Statistic>>,
}

#[derive(Serialize)]
struct Statistic {
    rule: &'static str,
    name: &'static str,
    count: usize,
}

/// The diagnostics, serialised one entry at a time.
struct Entries<'a>(&'a Report, &'a RenderOptions);

impl Serialize for Entries<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for d in self.0.iter() {
            seq.serialize_element(&entry(d, self.1))?;
        }
        seq.end()
    }
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    diagnostics: usize,
    /// Diagnostics that fail the run (warnings and errors, not info notes).
    findings: usize,
    allowed: usize,
    fixable: usize,
    errors: usize,
}

#[derive(Serialize)]
pub(crate) struct Entry<'a> {
    rule: &'static str,
    name: &'static str,
    severity: &'static str,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
    help: Option<&'a str>,
    tool: Option<&'a str>,
    package: Option<&'a str>,
    target: Option<&'a str>,
    fix: Option<&'a Fix>,
    /// `--cache-cost`, when the finding's executable has cached builds.
    #[serde(skip_serializing_if = "Option::is_none")]
    cache_cost: Option<CacheCost<'a>>,
}

#[derive(Serialize)]
pub(crate) struct CacheCost<'a> {
    tool: &'a str,
    builds: usize,
    bytes: u64,
}

pub(crate) fn entry<'a>(d: &'a Diagnostic, opts: &'a RenderOptions) -> Entry<'a> {
    let ((line, column), (end_line, end_column)) = d.range();
    Entry {
        rule: d.rule.code,
        name: d.rule.name,
        severity: d.severity().as_str(),
        file: &d.file.display,
        line,
        column,
        end_line,
        end_column,
        message: &d.message,
        help: d.help.as_deref(),
        tool: d.tool.as_deref(),
        package: d.package.as_deref(),
        target: d.target.as_deref(),
        fix: d.fix.as_ref(),
        cache_cost: opts.cost(d).map(|c| CacheCost {
            tool: &c.tool,
            builds: c.builds,
            bytes: c.bytes,
        }),
    }
}

impl Renderer for Json {
    fn write(
        &self,
        report: &Report,
        opts: &RenderOptions,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        let doc = Out {
            statistics: opts.statistics.then(|| {
                super::statistics(report)
                    .into_iter()
                    .map(|(count, rule, name)| Statistic { rule, name, count })
                    .collect()
            }),
            version: 1,
            diagnostics: Entries(report, opts),
            errors: &report.errors,
            summary: Summary {
                files: report.files_checked,
                diagnostics: report.len(),
                findings: report.failing(),
                allowed: report.allowed,
                fixable: report.fixable(),
                errors: report.errors.len(),
            },
        };
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        out.write_all(b"\n")
    }
}
