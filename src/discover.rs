//! Discover: the files to check. Directories are walked respecting
//! `.gitignore`; files given explicitly are always checked; `include`d files
//! are added later by the analysis, when they resolve to literal paths.

use std::path::{Path, PathBuf};

use crate::classify::normalize;
use crate::config::{Config, Configs};
use crate::error::Error;

/// A file to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Absolute, normalised.
    pub path: PathBuf,
    /// Named on the command line.
    pub explicit: bool,
}

/// What the walk found.
#[derive(Debug, Default)]
pub struct Discovered {
    pub files: Vec<Found>,
    pub errors: Vec<Error>,
    /// The directories walked (absolute), to know which configs were covered.
    pub dirs: Vec<PathBuf>,
}

/// Whether a file name is a Makefile by name.
pub fn is_makefile_name(name: &str) -> bool {
    matches!(name, "Makefile" | "makefile" | "GNUmakefile")
        || name.ends_with(".mk")
        || name.ends_with(".make")
}

/// Walk `paths` (relative to `cwd`).
pub fn discover(paths: &[PathBuf], cwd: &Path, configs: &Configs) -> Discovered {
    let mut out = Discovered::default();
    for p in paths {
        let abs = normalize(&cwd.join(p));
        match std::fs::metadata(&abs) {
            Err(e) => out.errors.push(Error::io(&abs, e)),
            Ok(m) if m.is_dir() => walk(&abs, configs, &mut out),
            Ok(_) => out.files.push(Found {
                path: abs,
                explicit: true,
            }),
        }
    }
    out.files.sort_by(|a, b| a.path.cmp(&b.path));
    out.files.dedup_by(|a, b| {
        if a.path == b.path {
            b.explicit |= a.explicit;
            true
        } else {
            false
        }
    });
    out
}

/// Walk one directory on every core (the `ignore` crate's parallel walker).
fn walk(dir: &Path, configs: &Configs, out: &mut Discovered) {
    out.dirs.push(dir.to_path_buf());
    let walker = ignore::WalkBuilder::new(dir)
        .hidden(false)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(true)
        .ignore(false)
        .require_git(false)
        .parents(true)
        .filter_entry(|e| e.file_name() != ".git")
        .build_parallel();
    let found = std::sync::Mutex::new((Vec::new(), Vec::new()));
    walker.run(|| {
        let found = &found;
        Box::new(move |entry| {
            let result = visit(dir, configs, entry);
            if !matches!(result, Visit::Skip) {
                let mut f = found.lock().expect("walk results");
                match result {
                    Visit::File(p) => f.0.push(Found {
                        path: p,
                        explicit: false,
                    }),
                    Visit::Error(e) => f.1.push(e),
                    Visit::Skip => {}
                }
            }
            ignore::WalkState::Continue
        })
    });
    let (files, errors) = found.into_inner().expect("walk results");
    out.files.extend(files);
    for e in errors {
        // One broken config would otherwise be reported per file.
        if !out
            .errors
            .iter()
            .any(|o: &Error| o.to_string() == e.to_string())
        {
            out.errors.push(e);
        }
    }
}

enum Visit {
    File(PathBuf),
    Error(Error),
    Skip,
}

fn visit(dir: &Path, configs: &Configs, entry: Result<ignore::DirEntry, ignore::Error>) -> Visit {
    let entry = match entry {
        Ok(e) => e,
        Err(e) => {
            return Visit::Error(Error::Input {
                path: dir.to_path_buf(),
                message: walk_error(&e),
            })
        }
    };
    let is_file = entry.file_type().is_some_and(|t| t.is_file())
        || (entry.path_is_symlink() && entry.path().is_file());
    let name = entry.file_name().to_string_lossy();
    if !is_file {
        // A symlink named like a Makefile that leads nowhere (or loops).
        if entry.path_is_symlink() && !entry.path().exists() && is_makefile_name(&name) {
            return Visit::Error(Error::Input {
                path: entry.path().to_path_buf(),
                message: "symlink that cannot be followed (dangling or a loop), not checked".into(),
            });
        }
        return Visit::Skip;
    }
    let path = entry.path();
    let Some(parent) = path.parent() else {
        return Visit::Skip;
    };
    let cfg = match configs.for_dir(parent) {
        Ok(c) => c,
        Err(e) => return Visit::Error(e),
    };
    if selected(path, &name, &cfg) {
        Visit::File(path.to_path_buf())
    } else {
        Visit::Skip
    }
}

fn walk_error(e: &ignore::Error) -> String {
    let s = e.to_string();
    if s.contains("loop") {
        format!("symlink loop: {s}")
    } else {
        s
    }
}

/// Whether the walk takes a file: a Makefile by name or by an `include` glob,
/// and not excluded.
fn selected(path: &Path, name: &str, cfg: &Config) -> bool {
    let rel = cfg
        .dir()
        .and_then(|d| path.strip_prefix(d).ok())
        .unwrap_or(path);
    if cfg.exclude_set.is_match(rel) {
        return false;
    }
    is_makefile_name(name) || cfg.include_set.is_match(rel)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn makefile_names() {
        for n in ["Makefile", "makefile", "GNUmakefile", "rules.mk", "x.make"] {
            assert!(is_makefile_name(n), "{n}");
        }
        for n in ["Makefile.am", "README", "mk", "make.go"] {
            assert!(!is_makefile_name(n), "{n}");
        }
    }
}
