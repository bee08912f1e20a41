//! Discover: the files to check. Directories are walked respecting
//! `.gitignore`; files given explicitly are always checked; `include`d files
//! are added later by the analysis, when they resolve to literal paths.
//! Besides Makefiles the walk takes shell scripts, `.go` files (for their
//! `//go:generate` lines) and CI workflows ([`crate::sources::kind_of`]),
//! as `--only` or config `sources` select. Makefiles are always read: a
//! script's working directory comes from the recipe that runs it, so with
//! `--only scripts` they are read for that and not reported.

use std::path::{Path, PathBuf};

use crate::classify::normalize;
use crate::config::{Config, Configs};
use crate::error::Error;
use crate::sources::{Kind, Kinds};

/// A file to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Absolute, normalised.
    pub path: PathBuf,
    /// Named on the command line.
    pub explicit: bool,
    pub kind: Kind,
    /// Read for what it tells about other files (a Makefile under
    /// `--only scripts`), not reported.
    pub context_only: bool,
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

/// Walk `paths` (relative to `cwd`); `only` overrides config `sources`.
pub fn discover(
    paths: &[PathBuf],
    cwd: &Path,
    configs: &Configs,
    only: Option<Kinds>,
) -> Discovered {
    let mut out = Discovered::default();
    for p in paths {
        let abs = normalize(&cwd.join(p));
        match std::fs::metadata(&abs) {
            Err(e) => out.errors.push(Error::io(&abs, e)),
            Ok(m) if m.is_dir() => walk(&abs, configs, only, &mut out),
            Ok(_) => out.files.push(Found {
                kind: explicit_kind(&abs, configs),
                path: abs,
                explicit: true,
                context_only: false,
            }),
        }
    }
    dedup_links(&mut out.files);
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

/// A file named on the command line: its kind by path, else a Makefile
/// (`make -f build.rules`).
fn explicit_kind(path: &Path, configs: &Configs) -> Kind {
    let rel = configs
        .for_dir(path.parent().unwrap_or(path))
        .ok()
        .and_then(|c| {
            c.dir()
                .and_then(|d| path.strip_prefix(d).ok())
                .map(Path::to_path_buf)
        })
        .unwrap_or_else(|| path.to_path_buf());
    match crate::sources::kind_of(path, &rel) {
        Some(Kind::Script) if !path.extension().is_some_and(|e| e == "sh" || e == "bash") => {
            // No extension: a script only with a shell shebang.
            let head = std::fs::read(path)
                .map(|b| b.into_iter().take(128).collect::<Vec<u8>>())
                .unwrap_or_default();
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default();
            if crate::sources::script::is_script(&name, &head) {
                Kind::Script
            } else {
                Kind::Makefile
            }
        }
        Some(k) => k,
        None => Kind::Makefile,
    }
}

/// Drop a walked symlink whose target was walked too (`GNUmakefile ->
/// Makefile`): one file, reported once, edited once.
fn dedup_links(files: &mut Vec<Found>) {
    let real: std::collections::HashSet<PathBuf> = files
        .iter()
        .filter(|f| !f.path.is_symlink())
        .map(|f| f.path.clone())
        .collect();
    files.retain(|f| {
        f.explicit
            || !f.path.is_symlink()
            || !std::fs::canonicalize(&f.path).is_ok_and(|c| real.contains(&c))
    });
}

/// Walk one directory on every core (the `ignore` crate's parallel walker).
fn walk(dir: &Path, configs: &Configs, only: Option<Kinds>, out: &mut Discovered) {
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
            let result = visit(dir, configs, only, entry);
            if !matches!(result, Visit::Skip) {
                let mut f = found.lock().expect("walk results");
                match result {
                    Visit::File(p, kind, context_only) => f.0.push(Found {
                        path: p,
                        explicit: false,
                        kind,
                        context_only,
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
    /// A file to read: its kind, and whether it is read only for context.
    File(PathBuf, Kind, bool),
    Error(Error),
    Skip,
}

fn visit(
    dir: &Path,
    configs: &Configs,
    only: Option<Kinds>,
    entry: Result<ignore::DirEntry, ignore::Error>,
) -> Visit {
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
    match selected(path, &name, &cfg) {
        Some(kind) => {
            let wanted = only.unwrap_or(cfg.kinds).contains(kind);
            if wanted || kind == Kind::Makefile {
                Visit::File(path.to_path_buf(), kind, !wanted)
            } else {
                Visit::Skip
            }
        }
        None => Visit::Skip,
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

/// Whether the walk takes a file, and as what: a Makefile by name or by an
/// `include` glob, a script, a `.go` file or a workflow; not excluded.
fn selected(path: &Path, name: &str, cfg: &Config) -> Option<Kind> {
    let rel = cfg
        .dir()
        .and_then(|d| path.strip_prefix(d).ok())
        .unwrap_or(path);
    if cfg.exclude_set.is_match(rel) {
        return None;
    }
    if is_makefile_name(name) || cfg.include_set.is_match(rel) {
        return Some(Kind::Makefile);
    }
    crate::sources::kind_of(path, rel)
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
