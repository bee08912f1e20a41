//! `--format sarif`: SARIF 2.1.0 for code scanning (GitHub's
//! `upload-sarif`), with one reporting descriptor per rule.

use serde_json::{json, Value};

use super::{RenderOptions, Renderer};
use crate::check::Report;
use crate::diagnostic::Severity;
use crate::rules;

pub struct Sarif;

impl Renderer for Sarif {
    /// Built whole: one JSON value.
    fn write(
        &self,
        report: &Report,
        _opts: &RenderOptions,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        let all = rules::all();
        let descriptors: Vec<Value> = all
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
        let results: Vec<Value> = report
            .iter()
            .map(|d| {
                let ((line, col), (end_line, end_col)) = d.range();
                let mut message = d.message.clone();
                if let Some(h) = &d.help {
                    message.push_str(&format!(" ({h})"));
                }
                json!({
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
                })
            })
            .collect();
        let doc = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "gorun-lint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://github.com/gorun-lint/gorun-lint",
                    "rules": descriptors,
                }},
                "results": results,
            }]
        });
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        out.write_all(b"\n")
    }
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}
