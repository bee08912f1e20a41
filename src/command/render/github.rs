//! `--format github`: GitHub Actions workflow commands, one line each:
//! `::error file=...,line=...,col=...,endLine=...,endColumn=...,title=...::message`.
//! With `--cache-cost`, the message ends with a `note:` line saying what
//! the finding's executable has left in GOCACHE, when it has something.

use super::{RenderOptions, Renderer};
use crate::lint::check::Report;
use crate::lint::diagnostic::Severity;

pub struct Github;

impl Renderer for Github {
    fn write(
        &self,
        report: &Report,
        opts: &RenderOptions,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        for d in report.iter() {
            let ((line, col), (end_line, end_col)) = d.range();
            let level = match d.severity() {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            writeln!(
                out,
                "::{level} file={},line={line},col={col},endLine={end_line},endColumn={end_col},title={}::{}",
                property(&d.file.display),
                property(&format!("{} {}", d.rule.code, d.rule.name)),
                data(&{
                    // The code is the title's; the help (and with
                    // --cache-cost the cost), the next lines.
                    let mut m = match &d.help {
                        Some(h) => format!("{}\nhelp: {h}", d.message),
                        None => d.message.clone(),
                    };
                    if let Some(c) = opts.cost(d) {
                        m.push_str(&format!("\nnote: {}", c.sentence()));
                    }
                    m
                })
            )?;
        }
        // What could not be checked, as errors a CI annotation view shows.
        for e in &report.errors {
            let mut props = Vec::new();
            if let Some(file) = &e.file {
                props.push(format!("file={}", property(file)));
            }
            if let Some(line) = e.line {
                props.push(format!("line={line}"));
            }
            props.push(format!("title={}", property("gorun-lint error")));
            writeln!(out, "::error {}::{}", props.join(","), data(&e.message))?;
        }
        Ok(())
    }
}

/// Escape a workflow command's message.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a workflow command's property value.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}
