//! `--format sarif`: SARIF 2.1.0 for code scanning (GitHub's
//! `upload-sarif`), with one reporting descriptor per rule. With
//! `--cache-cost`, a result whose executable has cached builds carries
//! `properties.cacheCost` (`{"tool", "builds", "bytes"}`, as JSON's
//! `cache_cost`).

use serde::Serialize;
use serde_json::{json, Value};

use super::{RenderOptions, Renderer};
use crate::lint::check::Report;
use crate::lint::diagnostic::RuleInfo;
use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules;

pub struct Sarif;

/// The document, keys in the order serde_json's maps give them (sorted):
/// the results are serialised one at a time, as the report reads them.
#[derive(Serialize)]
struct Doc<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [Run<'a>; 1],
    version: &'static str,
}

#[derive(Serialize)]
struct Run<'a> {
    /// Whether every path, file and config could be checked, and a
    /// notification for each that could not.
    invocations: [Value; 1],
    results: Results<'a>,
    tool: Value,
}

struct Results<'a>(&'a Report, &'a RenderOptions);

impl Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let all = rules::all();
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for d in self.0.iter() {
            seq.serialize_element(&result(d, &all, self.1))?;
        }
        seq.end()
    }
}

impl Renderer for Sarif {
    fn write(
        &self,
        report: &Report,
        opts: &RenderOptions,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        let descriptors: Vec<Value> = rules::all()
            .iter()
            .map(|r| {
                json!({
                    "id": r.code,
                    "name": r.name,
                    "shortDescription": {"text": r.summary},
                    "fullDescription": {"text": r.doc()},
                    "defaultConfiguration": {"level": level(r.severity)},
                    "help": {"text": r.doc(), "markdown": r.doc()},
                })
            })
            .collect();
        let doc = Doc {
            schema: "https://json.schemastore.org/sarif-2.1.0.json",
            runs: [Run {
                invocations: [invocation(report)],
                results: Results(report, opts),
                tool: json!({"driver": driver(descriptors)}),
            }],
            version: "2.1.0",
        };
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        out.write_all(b"\n")
    }
}

/// The tool: its name and version, its rules, and where it lives when
/// Cargo.toml says (`repository`; no address is made up).
fn driver(rules: Vec<Value>) -> Value {
    let mut d = json!({
        "name": "gorun-lint",
        "version": env!("CARGO_PKG_VERSION"),
        "rules": rules,
    });
    if let Some(uri) = option_env!("CARGO_PKG_REPOSITORY").filter(|u| !u.is_empty()) {
        d["informationUri"] = json!(uri);
    }
    d
}

/// The run's invocation: `executionSuccessful` is false when something
/// could not be checked, each such error a `toolExecutionNotifications`
/// entry (with its file, where it has one).
fn invocation(report: &Report) -> Value {
    let notes: Vec<Value> = report
        .errors
        .iter()
        .map(|e| {
            let mut n = json!({"level": "error", "message": {"text": e.message}});
            if let Some(file) = &e.file {
                let mut location = json!({"physicalLocation": {"artifactLocation": {"uri": file}}});
                if let Some(line) = e.line {
                    location["physicalLocation"]["region"] = json!({"startLine": line});
                }
                n["locations"] = json!([location]);
            }
            n
        })
        .collect();
    json!({
        "executionSuccessful": report.errors.is_empty(),
        "toolExecutionNotifications": notes,
    })
}

/// One finding as a SARIF result.
fn result(d: &Diagnostic, all: &[&RuleInfo], opts: &RenderOptions) -> Value {
    let ((line, col), (end_line, end_col)) = d.range();
    let mut message = d.message.clone();
    if let Some(h) = &d.help {
        message.push_str(&format!(" ({h})"));
    }
    let mut r = json!({
        "ruleId": d.rule.code,
        "ruleIndex": all.iter().position(|r| r.code == d.rule.code),
        "level": level(d.severity()),
        "message": {"text": message},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": d.file.display, "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": line, "startColumn": col, "endLine": end_line, "endColumn": end_col}
            }
        }],
        "properties": {"tool": d.tool, "package": d.package, "target": d.target},
    });
    // `--cache-cost`: the same numbers as JSON's `cache_cost`.
    if let Some(c) = opts.cost(d) {
        r["properties"]["cacheCost"] =
            json!({"tool": c.tool, "builds": c.builds, "bytes": c.bytes});
    }
    r
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}
