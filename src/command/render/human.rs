//! Human output: miette's graphical reports (code, message, the source
//! snippet with the span, help naming the helper target), then a summary.
//! With `--cache-cost`, a `note:` line under a finding whose executable has
//! cached builds (`--quiet`: the same words in parentheses at the end of
//! its line).

use std::fmt::Write;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource};

use super::{statistics, RenderOptions, Renderer};
use crate::lint::check::Report;
use crate::lint::diagnostic::{Diagnostic, Severity};

pub struct Human;

impl Renderer for Human {
    /// One finding at a time: a large report is never one string.
    fn write(
        &self,
        report: &Report,
        opts: &RenderOptions,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        // `--statistics` alone: the counts per rule and the summary, as
        // ruff prints them, not the findings.
        if !opts.statistics && !opts.quiet {
            let theme = if opts.color {
                GraphicalTheme::unicode()
            } else {
                GraphicalTheme::unicode_nocolor()
            };
            let handler = GraphicalReportHandler::new_themed(theme)
                .with_width(100)
                .with_links(false)
                .with_context_lines(crate::lint::diagnostic::CONTEXT_LINES);
            let mut one = String::new();
            for d in report.iter() {
                one.clear();
                let _ = handler.render_report(&mut one, &to_miette(d));
                if let Some(c) = opts.cost(d) {
                    let _ = writeln!(one, "  note: {}", c.sentence());
                }
                one.push('\n');
                out.write_all(one.as_bytes())?;
            }
        } else if !opts.statistics {
            for d in report.iter() {
                let ((line, col), _) = d.range();
                match opts.cost(d) {
                    Some(c) => writeln!(
                        out,
                        "{}:{line}:{col}: {} {} ({})",
                        d.file.display,
                        d.rule.code,
                        d.message,
                        c.sentence()
                    )?,
                    None => writeln!(
                        out,
                        "{}:{line}:{col}: {} {}",
                        d.file.display, d.rule.code, d.message
                    )?,
                }
            }
        }
        if opts.statistics {
            for (n, code, name) in statistics(report) {
                writeln!(out, "{n:>5}  {code}  {name}")?;
            }
        }
        let failing = report.failing();
        let fixable = report.fixable();
        let errors = report.errors.len();
        if errors > 0 && failing == 0 {
            // Never "No findings" for a run that could not check something.
            return writeln!(
                out,
                "{errors} error{}: no `go run` findings ({} file{} checked).",
                plural(errors),
                report.files_checked,
                plural(report.files_checked)
            );
        }
        if failing == 0 && !report.is_empty() {
            writeln!(
                out,
                "No `go run` findings ({} file{} checked; {} note{}).",
                report.files_checked,
                plural(report.files_checked),
                report.len(),
                plural(report.len())
            )
        } else if failing == 0 {
            // What is allowed stays visible: a clean run says how much of
            // it was an exemption.
            let allowed = if report.allowed > 0 {
                format!("; {} allowed", report.allowed)
            } else {
                String::new()
            };
            writeln!(
                out,
                "No `go run` findings ({} file{} checked{allowed}).",
                report.files_checked,
                plural(report.files_checked)
            )
        } else {
            let mut line = format!(
                "Found {failing} finding{} ({} file{} checked)",
                plural(failing),
                report.files_checked,
                plural(report.files_checked)
            );
            if fixable > 0 {
                let _ = write!(line, "; {fixable} fixable with `gorun-lint fix`");
            }
            if report.allowed > 0 {
                let _ = write!(line, "; {} allowed", report.allowed);
            }
            if errors > 0 {
                let _ = write!(line, "; {errors} error{}", plural(errors));
            }
            line.push_str(".\n");
            out.write_all(line.as_bytes())
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// A finding's file as miette reads it: its text, numbered by the file's
/// own lines (as JSON and the header number them: by `\n` alone, as make
/// reads; miette would also count a lone `\r`), also when the text is an
/// excerpt.
struct Snippet(std::sync::Arc<crate::syntax::source::SourceFile>);

impl miette::SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        // miette reads a `str` from its start to the span: over a whole
        // file that made the report quadratic in its findings (40,000 in one
        // Makefile: 92 s). It reads the window around the span instead.
        let end = span.offset() + span.len();
        let window = self.0.context_window(span.offset()..end, before, after);
        let text = &self.0.text[window.clone()];
        #[cfg(test)]
        tests::HANDED.with(|h| h.set(h.get() + text.len()));
        let local = miette::SourceSpan::new((span.offset() - window.start).into(), span.len());
        let c = text.read_span(&local, before, after)?;
        let offset = window.start + c.span().offset();
        Ok(Box::new(miette::MietteSpanContents::new(
            c.data(),
            miette::SourceSpan::new(offset.into(), c.span().len()),
            self.0.line_col(offset).0 - 1,
            c.column(),
            c.line_count(),
        )))
    }
}

/// A finding as miette renders it: its diagnostic, and the source it
/// points into. Not a `miette::Report`: making one asks miette's global
/// hook for a handler, which reads the environment and the terminal's size
/// (a `tcgetattr` and an `ioctl` per finding, a tenth of the human
/// report's time at 40,000 findings), though this handler renders it.
struct WithSource {
    diagnostic: MietteDiagnostic,
    source: NamedSource<Snippet>,
}

impl std::fmt::Display for WithSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.diagnostic, f)
    }
}

impl std::fmt::Debug for WithSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.diagnostic, f)
    }
}

impl std::error::Error for WithSource {}

impl miette::Diagnostic for WithSource {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.diagnostic.code()
    }
    fn severity(&self) -> Option<miette::Severity> {
        self.diagnostic.severity()
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.diagnostic.help()
    }
    fn url<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.diagnostic.url()
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.diagnostic.labels()
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }
}

fn to_miette(d: &Diagnostic) -> WithSource {
    let severity = match d.severity() {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    };
    // Callsite rules carry the package; the others point at a rule or line.
    let label = if d.rule.code == crate::lint::rules::go_tool::RULE.code {
        "go tool here"
    } else if d.rule.code == crate::lint::rules::go_run_in_go_code::RULE.code {
        // `go run` or `go tool`: the message says which.
        "go command here"
    } else if d.package.is_some() {
        "go run here"
    } else {
        "here"
    };
    let mut m = MietteDiagnostic::new(d.message.clone())
        .with_code(format!("{}({})", d.rule.code, d.rule.name))
        .with_severity(severity)
        .with_label(LabeledSpan::at(d.span.clone(), label));
    let mut help = d.help.clone().unwrap_or_default();
    if let Some(fix) = &d.fix {
        let how = match fix.applicability {
            crate::lint::diagnostic::Applicability::Safe => "safe fix",
            crate::lint::diagnostic::Applicability::Unsafe => "unsafe fix, with --unsafe-fixes",
        };
        help = format!("{help} ({how})");
    }
    if !help.is_empty() {
        m = m.with_help(help);
    }
    WithSource {
        diagnostic: m,
        source: NamedSource::new(d.file.display.clone(), Snippet(d.file.clone())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use miette::SourceCode;

    thread_local! {
        /// Bytes of source this thread's snippets handed miette.
        pub(super) static HANDED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }

    /// The human report of one Makefile with `n` callsites: the findings
    /// shown, and the bytes of source handed to miette for them.
    fn render_handing(n: usize) -> (usize, usize) {
        let mut makefile = String::from(".PHONY: gen\ngen:\n");
        for i in 0..n {
            // (Lines of one length: the bytes a finding shows do not grow.)
            makefile.push_str(&format!(
                "\tgo run ./tools/gen -n {i:05} -o out/{i:05}.go\n"
            ));
        }
        let repo = crate::test_repo::go_module("tools/gen", &makefile);
        let selection = crate::lint::config::Selection::default();
        let opts = crate::lint::analysis::Options {
            paths: vec![repo.path().to_path_buf()],
            finish: Some(selection.clone()),
            ..Default::default()
        };
        let mut analysis = crate::lint::driver::run(&opts, repo.path()).unwrap();
        let report = crate::lint::check::check(&mut analysis, &selection, repo.path());
        let opts = RenderOptions {
            color: false,
            statistics: false,
            quiet: false,
            cache_cost: None,
        };
        let mut out = Vec::new();
        HANDED.with(|h| h.set(0));
        Human.write(&report, &opts, &mut out).unwrap();
        let shown = String::from_utf8(out)
            .unwrap()
            .matches("go run here")
            .count();
        (shown, HANDED.with(|h| h.get()))
    }

    /// Rendering work is linear in the findings: each finding hands miette
    /// the same few lines of source, whether the file holds 300 callsites
    /// or 3,000, and wherever the finding is in it (before the windows,
    /// miette walked the file from its start for every finding).
    #[test]
    fn each_finding_hands_miette_the_same_bytes_wherever_it_is() {
        let (few, few_bytes) = render_handing(300);
        let (many, many_bytes) = render_handing(3_000);
        assert_eq!((few, many), (300, 3_000));
        let (per_few, per_many) = (few_bytes / few, many_bytes / many);
        // A finding's line and the context lines around it (miette reads
        // them more than once): about 400 bytes; the whole text above the
        // middle finding would be 60,000.
        assert!(per_few < 1024, "{per_few} bytes a finding");
        assert!(per_many <= per_few + 8, "{per_many} against {per_few}");
    }

    /// The window read around a span gives miette what the whole text
    /// would (data, span, line, column), and its size does not grow with the
    /// span's position: reading around each finding costs the same wherever
    /// it is, so the report is linear in its findings.
    #[test]
    fn snippets_read_a_window_as_the_whole_text_would() {
        let mut text = String::from("gen:\n");
        for i in 0..20_000 {
            text.push_str(&format!("\tgo run ./x{i}\n"));
        }
        text.push_str("lone\rcr\r\nline\n\tgo run ./last");
        let file = std::sync::Arc::new(crate::syntax::source::SourceFile::new(
            std::path::Path::new("/r/Makefile"),
            std::path::Path::new("/r"),
            text.clone(),
            false,
        ));
        let snippet = Snippet(file.clone());
        let starts = [
            0,
            6,
            text.len() / 2,
            text.find("lone").unwrap(),
            text.find("cr\r").unwrap(),
            text.rfind("go run").unwrap(),
        ];
        for start in starts {
            for (before, after) in [(0, 0), (1, 1), (3, 2)] {
                let span = miette::SourceSpan::new(start.into(), 6.min(text.len() - start));
                let whole = text.read_span(&span, before, after).unwrap();
                let ours = snippet.read_span(&span, before, after).unwrap();
                assert_eq!(ours.data(), whole.data(), "{start} {before} {after}");
                assert_eq!(ours.span(), whole.span());
                assert_eq!(ours.column(), whole.column());
                assert_eq!(
                    ours.line(),
                    file.line_col(whole.span().offset()).0 - 1,
                    "numbered by the file's own lines"
                );
                let window = file.context_window(start..start + 6, before, after);
                assert!(window.len() < 200, "{window:?}");
                // miette counted the lines it read: those of the window,
                // not all the lines above the span.
                assert!(
                    ours.line_count() <= before + after + 3,
                    "{}",
                    ours.line_count()
                );
            }
        }
    }
}
