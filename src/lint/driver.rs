//! The driver: the lint layer's stages wired in order, and the only module
//! that sees them all. `check` and `fix` start here.
//!
//! walk → units → facts → names → diagnostics (with their fixes) → report:
//! [`Analysis::load`] walks and reads on every core and turns the files
//! into units; a Makefile that stands alone is finished on the walker
//! thread that read it (`finish`: its guard facts, its rules, its
//! findings with excerpts of its lines), the rest are analysed together
//! once the include graph and the scripts' callers are known. The rules
//! sit in a later stage than the analysis, so the analysis is handed the
//! finishing step rather than calling it.

use std::path::Path;

use crate::error::Error;
use crate::lint::analysis::{Analysis, Finished, Options};
use crate::lint::config::{Configs, Selection};

/// The analysis of `opts.paths` from `cwd`; for `check`
/// (`opts.finish`), with the Makefiles that stand alone finished as they
/// are read.
pub fn run(opts: &Options, cwd: &Path) -> Result<Analysis, Error> {
    let configs = Configs::new(opts.config.as_deref(), crate::lint::rules::is_rule)?;
    match &opts.finish {
        Some(selection) => {
            let finisher = |a: Analysis| finish(a, selection);
            Analysis::load(opts, cwd, &configs, Some(&finisher))
        }
        None => Analysis::load(opts, cwd, &configs, None),
    }
}

/// Finish a one-file analysis: its findings, when it stands alone (no
/// helper target and no helper run in it, [`crate::lint::guard`]); else
/// the analysis back, to be analysed with the others.
fn finish(mut a: Analysis, selection: &Selection) -> Result<Finished, Box<Analysis>> {
    if !a.stands_alone() {
        return Err(Box::new(a));
    }
    let trees = crate::lint::timings::time(crate::lint::timings::Stage::Rules, || {
        crate::lint::guard::analyse(&a)
    });
    if !trees.is_empty() {
        return Err(Box::new(a));
    }
    let builds = Finished::builds(&a);
    let report = crate::lint::timings::time(crate::lint::timings::Stage::Rules, || {
        crate::lint::check::check_alone(&mut a, selection)
    });
    Ok(Finished::new(a, builds, report.diagnostics, report.allowed))
}
