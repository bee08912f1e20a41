//! Render: one module per output format behind one trait.

use crate::lint::check::Report;

pub mod github;
pub mod human;
pub mod json;
pub mod sarif;

/// Options every renderer may read.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    pub color: bool,
    pub statistics: bool,
    pub quiet: bool,
    /// `check --cache-cost`: what each finding's executable has left in
    /// GOCACHE (`None` without the flag, or when GOCACHE could not be
    /// read: the output is then exactly as without the flag).
    pub cache_cost: Option<crate::command::cache::cost::Costs>,
}

impl RenderOptions {
    /// The cache cost of a finding, with `--cache-cost` and when its
    /// executable has cached builds.
    pub fn cost(
        &self,
        d: &crate::lint::diagnostic::Diagnostic,
    ) -> Option<&crate::command::cache::cost::Cost> {
        self.cache_cost.as_ref()?.of(d)
    }
}

/// An output format for `check`.
pub trait Renderer {
    /// Write the rendering to `out`: one finding at a time where the format
    /// allows (all but SARIF), so a large report is never held as one
    /// string.
    fn write(
        &self,
        report: &Report,
        opts: &RenderOptions,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()>;

    /// The rendering as one string.
    fn render(&self, report: &Report, opts: &RenderOptions) -> String {
        let mut buf = Vec::new();
        self.write(report, opts, &mut buf)
            .expect("writing to memory cannot fail");
        String::from_utf8(buf).expect("renderers write UTF-8")
    }
}

/// The formats `--format` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
}

impl Format {
    pub fn renderer(self) -> Box<dyn Renderer> {
        match self {
            Format::Human => Box::new(human::Human),
            Format::Json => Box::new(json::Json),
            Format::Sarif => Box::new(sarif::Sarif),
            Format::Github => Box::new(github::Github),
        }
    }
}

/// Counts per rule, for `--statistics`: (count, code, name), most first.
pub fn statistics(report: &Report) -> Vec<(usize, &'static str, &'static str)> {
    let mut counts: Vec<(usize, &'static str, &'static str)> = Vec::new();
    for d in report.iter() {
        match counts.iter_mut().find(|c| c.1 == d.rule.code) {
            Some(c) => c.0 += 1,
            None => counts.push((1, d.rule.code, d.rule.name)),
        }
    }
    counts.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    counts
}
