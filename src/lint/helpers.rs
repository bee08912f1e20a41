//! The repository's helpers and the tools it runs, as the lint found them:
//! what `gorun-lint cache` looks for among GOCACHE's executables. A fact of
//! the whole analysis (its callsites, helper targets and files), so the
//! command reads this, not the analysis.

use std::path::PathBuf;

use regex::Regex;

use crate::lint::analysis::Analysis;
use crate::lint::classify::{self, Classified};
use crate::lint::gomod::Modules;
use crate::syntax::callsite::{RunTarget, Verb};

/// What a repository runs.
#[derive(Debug, Default)]
pub struct Helpers {
    /// Every `go run` callsite: what it runs.
    pub runs: Vec<Run>,
    /// Every helper target (`_gen/bin/<name>` built with `go build`).
    pub targets: Vec<Target>,
    /// The names after `go tool` (or `$(GO) tool`) in the files read, as
    /// written.
    pub go_tools: Vec<String>,
}

/// A `go run` callsite.
#[derive(Debug)]
pub struct Run {
    pub class: Classified,
    /// For a files run (`go run ./x/main.go`): the files as written.
    pub files: Option<Vec<String>>,
}

/// A helper target.
#[derive(Debug)]
pub struct Target {
    /// The binary (absolute).
    pub path: PathBuf,
    /// What its `go build` builds, when it has one.
    pub build: Option<Classified>,
}

/// The helpers and tools of an analysis.
pub fn of(analysis: &Analysis) -> Helpers {
    let mut out = Helpers::default();
    for f in &analysis.files {
        for s in f.sites.iter().filter(|s| s.callsite.verb == Verb::Run) {
            out.runs.push(Run {
                class: s.class.clone(),
                files: match &s.callsite.target {
                    RunTarget::Files(words) => Some(words.iter().map(|w| w.text.clone()).collect()),
                    _ => None,
                },
            });
        }
    }
    let modules = Modules::default();
    for tree in crate::lint::guard::analyse(analysis) {
        for h in &tree.helpers {
            let f = &analysis.files[h.file];
            out.targets.push(Target {
                path: h.path.clone(),
                build: h
                    .build
                    .map(|b| classify::classify(&f.builds[b], &f.base, &f.env, &modules)),
            });
        }
    }
    for f in &analysis.files {
        for c in go_tool_regex().captures_iter(&f.file.text) {
            out.go_tools.push(c[1].to_string());
        }
    }
    out
}

/// `go tool NAME` (or `$(GO) tool NAME`) in a file's text: any mention
/// counts (a tool named in a comment was likely run once).
fn go_tool_regex() -> &'static Regex {
    static RE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?:^|[\s;&|(`@/])(?:go|\$\(GO\)|\$\{GO\})\s+tool\s+(?:-n\s+)?([A-Za-z0-9_.][A-Za-z0-9_./-]*)")
            .expect("go tool regex compiles")
    })
}
