//! `cache --prune`: remove cached executables, and nothing else.
//!
//! Each file is checked again right before it is removed: it must sit at
//! `GOCACHE/<xx>/<xx...>-d/<name>` (the walk never follows a symlink, and
//! the path is checked, not trusted), still be a regular executable file
//! (not a link) and have the size the walk saw (else a build rewrote it:
//! it is left alone). Then the file is removed, and its `<hash>-d`
//! directory when that is now empty (as the go command's own trim removes
//! the whole entry). Action entries (`-a`), other outputs, `README`,
//! `trim.txt` and anything unexpected are never touched.
//!
//! The go command looks an executable up by its action entry, then checks
//! that the output file exists with the recorded size; a missing file is a
//! cache miss, and the next `go run` rebuilds and re-caches it. So pruning
//! is safe while no build runs (a build running at that moment may fail
//! once to find a file it just looked up).

use std::path::Path;

use super::report::{Group, Report};
use super::scan::{self, Executable, Problem};

/// What `--prune` removed (or would remove, with `--dry-run`).
#[derive(Debug, Clone)]
pub struct Pruned {
    /// `--all-executables`.
    pub all: bool,
    pub dry_run: bool,
    pub removed: Vec<Executable>,
    pub failed: Vec<Problem>,
}

impl Pruned {
    pub fn bytes(&self) -> u64 {
        self.removed.iter().map(|e| e.bytes).sum()
    }
}

/// Remove the helpers' cached executables (`all`: every cached executable;
/// `tools`, when not empty: only those of these names).
pub fn prune(report: &Report, all: bool, dry_run: bool, tools: &[String]) -> Pruned {
    let root = &report.location.dir;
    let mut out = Pruned {
        all,
        dry_run,
        removed: Vec::new(),
        failed: Vec::new(),
    };
    for (e, g) in &report.executables {
        if (!all && *g != Group::Helpers) || (!tools.is_empty() && !tools.contains(&e.name)) {
            continue;
        }
        match check(root, e) {
            Err(message) => out.failed.push(Problem {
                path: e.path.clone(),
                message,
            }),
            Ok(()) if dry_run => out.removed.push(e.clone()),
            Ok(()) => match std::fs::remove_file(&e.path) {
                Ok(()) => {
                    if let Some(dir) = e.path.parent() {
                        // Only succeeds when empty.
                        let _ = std::fs::remove_dir(dir);
                    }
                    out.removed.push(e.clone());
                }
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                    // Gone already (another prune, or the go command's trim).
                }
                Err(err) => out.failed.push(Problem {
                    path: e.path.clone(),
                    message: format!("cannot remove: {err}"),
                }),
            },
        }
    }
    out
}

/// The checks made right before removing a file.
fn check(root: &Path, e: &Executable) -> Result<(), String> {
    if !scan::is_executable_path(root, &e.path) {
        return Err("not a cached executable's path; left alone".into());
    }
    let meta = std::fs::symlink_metadata(&e.path).map_err(|err| format!("cannot read: {err}"))?;
    if !meta.is_file() {
        return Err("no longer a regular file; left alone".into());
    }
    if meta.len() != e.bytes {
        return Err("changed since the walk (a build is running?); left alone".into());
    }
    let dir = e.path.parent().expect("checked above");
    if !std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir()) {
        return Err("its entry is no longer a directory; left alone".into());
    }
    Ok(())
}
