//! Discover: the files to check. Directories are walked respecting
//! `.gitignore`; files given explicitly are always checked; `include`d files
//! are added later by the analysis, when their words resolve to paths
//! (literally, or by expanding a glob as make does).
//! Besides Makefiles the walk takes shell scripts, `.go` files (for their
//! `//go:generate` lines and their `exec.Command` calls), CI workflows and
//! Procfiles ([`crate::syntax::sources::kind_of`]),
//! as `--only` or config `sources` select. Makefiles are always read: a
//! script's working directory comes from the recipe that runs it, so with
//! `--only scripts` they are read for that and not reported.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::Error;
use crate::lint::config::{Config, Configs};
use crate::lint::paths::normalize;
use crate::syntax::sources::{is_makefile_name, Kind, Kinds};

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
    /// The path is a symbolic link (to a file). The walk knows it from the
    /// directory entry; asking the file system again cost a system call
    /// per kept file.
    pub symlink: bool,
}

/// What the walk found.
#[derive(Debug, Default)]
pub struct Discovered {
    pub files: Vec<Found>,
    pub errors: Vec<Error>,
    /// FIFOs, sockets and devices named like a build file: passed over by
    /// the walk, and said (named on the command line, one is an error).
    pub special: Vec<PathBuf>,
    /// The directories walked (absolute), to know which configs were covered.
    pub dirs: Vec<PathBuf>,
}

/// Walk `paths` (relative to `cwd`); `only` overrides config `sources`.
pub fn discover(
    paths: &[PathBuf],
    cwd: &Path,
    configs: &Configs,
    only: Option<Kinds>,
) -> Discovered {
    let found = std::sync::Mutex::new(Vec::new());
    let mut out = discover_each(
        paths,
        cwd,
        configs,
        only,
        || (),
        |_, f, _| found.lock().expect("walk results").push(f),
    );
    out.files = found.into_inner().expect("walk results");
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

/// Walk `paths` (relative to `cwd`) and hand every file to `each` as soon
/// as it is found, on the walker's threads, each with its own state made by
/// `init` (a parser): reading and parsing overlap the walk, and nothing is
/// kept per file unless `each` keeps it. Files come in no particular order,
/// and a file can come twice (overlapping paths, or named and walked): the
/// caller sorts and merges. Walked files come with the configuration that
/// selected them. The returned [`Discovered`] has no files.
pub fn discover_each<S, I, F>(
    paths: &[PathBuf],
    cwd: &Path,
    configs: &Configs,
    only: Option<Kinds>,
    init: I,
    each: F,
) -> Discovered
where
    S: Send,
    I: Fn() -> S + Sync,
    F: Fn(&mut S, Found, Option<&Arc<Config>>) + Sync,
{
    let mut out = Discovered::default();
    let mut state = None;
    for p in paths {
        let abs = normalize(&cwd.join(p));
        match std::fs::metadata(&abs) {
            Err(e) => out.errors.push(Error::io(&abs, e)),
            Ok(m) if m.is_dir() => walk(&abs, configs, only, &mut out, &init, &each),
            Ok(_) => each(
                state.get_or_insert_with(&init),
                Found {
                    kind: explicit_kind(&abs, configs),
                    symlink: abs.is_symlink(),
                    path: abs,
                    explicit: true,
                    context_only: false,
                },
                None,
            ),
        }
    }
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
    match crate::syntax::sources::kind_of(path, &rel) {
        Some(Kind::Script) if !path.extension().is_some_and(|e| e == "sh" || e == "bash") => {
            // No extension: a script only with a shell shebang.
            let head = crate::lint::read::read_head(path).unwrap_or_default();
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default();
            if crate::syntax::sources::script::is_script(&name, &head) {
                Kind::Script
            } else {
                Kind::Makefile
            }
        }
        Some(k) => k,
        None => Kind::Makefile,
    }
}

/// Walk one directory on every core (the `ignore` crate's parallel walker).
fn walk<S, I, F>(
    dir: &Path,
    configs: &Configs,
    only: Option<Kinds>,
    out: &mut Discovered,
    init: &I,
    each: &F,
) where
    S: Send,
    I: Fn() -> S + Sync,
    F: Fn(&mut S, Found, Option<&Arc<Config>>) + Sync,
{
    out.dirs.push(dir.to_path_buf());
    let walker = ignore::WalkBuilder::new(dir)
        .hidden(false)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(true)
        .ignore(false)
        .require_git(false)
        .parents(true)
        .filter_entry(|e| e.file_name() != ".git" && !(e.depth() > 0 && not_the_projects(e)))
        .build_parallel();
    let errors = std::sync::Mutex::new(Vec::new());
    let special = std::sync::Mutex::new(Vec::new());
    walker.run(|| {
        let errors = &errors;
        let special = &special;
        let mut state = init();
        let mut clock = crate::lint::timings::WalkerClock::new();
        // The walker hands out a directory's entries together: the last
        // directory's configuration saves a lookup per file.
        let mut last: Option<(PathBuf, Arc<Config>)> = None;
        Box::new(move |entry| {
            match visit(dir, configs, only, entry, &mut last) {
                Visit::File(found, cfg) => clock.work(|| each(&mut state, found, Some(&cfg))),
                Visit::Error(e) => errors.lock().expect("walk errors").push(e),
                Visit::Special(p) => special.lock().expect("walk specials").push(p),
                Visit::Skip => {}
            }
            ignore::WalkState::Continue
        })
    });
    let mut found_special = special.into_inner().expect("walk specials");
    found_special.sort();
    out.special.extend(found_special);
    let mut errors = errors.into_inner().expect("walk errors");
    // Threads report in no particular order.
    errors.sort_by_cached_key(|e| e.to_string());
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

/// A directory the go command does not take as the project's own: vendored
/// modules (`go mod vendor` rewrites them) and `testdata` (test inputs,
/// often whole other projects). Their Makefiles and scripts are not walked:
/// a fix there would be reverted, and would point at packages that are not
/// there. Named on the command line, they are checked.
fn not_the_projects(e: &ignore::DirEntry) -> bool {
    e.file_type().is_some_and(|t| t.is_dir())
        && matches!(e.file_name().to_str(), Some("vendor" | "testdata"))
}

enum Visit {
    /// A file to read, and the configuration that selected it.
    File(Found, Arc<Config>),
    Error(Error),
    Special(PathBuf),
    Skip,
}

fn visit(
    dir: &Path,
    configs: &Configs,
    only: Option<Kinds>,
    entry: Result<ignore::DirEntry, ignore::Error>,
    last: &mut Option<(PathBuf, Arc<Config>)>,
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
        // A FIFO, socket or device named like a build file: opening it
        // could wait forever; passed over, and said.
        let special = entry
            .file_type()
            .is_some_and(|t| !t.is_dir() && !t.is_symlink());
        if special
            && crate::syntax::sources::kind_of(entry.path(), Path::new(name.as_ref())).is_some()
        {
            return Visit::Special(entry.path().to_path_buf());
        }
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
    let cfg = match last {
        Some((d, c)) if d == parent => c.clone(),
        _ => match configs.for_dir(parent) {
            Ok(c) => {
                *last = Some((parent.to_path_buf(), c.clone()));
                c
            }
            Err(e) => return Visit::Error(e),
        },
    };
    let walk_rel = path.strip_prefix(dir).unwrap_or(path);
    match selected(path, walk_rel, &name, &cfg) {
        Some(kind) => {
            let wanted = only.unwrap_or(cfg.kinds).reads(kind);
            if wanted || kind == Kind::Makefile {
                let found = Found {
                    path: path.to_path_buf(),
                    explicit: false,
                    kind,
                    context_only: !wanted,
                    symlink: entry.path_is_symlink(),
                };
                Visit::File(found, cfg)
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
/// `walk_rel` is the path below the walked directory.
fn selected(path: &Path, walk_rel: &Path, name: &str, cfg: &Config) -> Option<Kind> {
    let rel = cfg
        .dir()
        .and_then(|d| path.strip_prefix(d).ok())
        .unwrap_or(path);
    // (An empty glob set still prepares the path for matching.)
    if !cfg.exclude_set.is_empty() && cfg.exclude_set.is_match(rel) {
        return None;
    }
    if is_makefile_name(name) || (!cfg.include_set.is_empty() && cfg.include_set.is_match(rel)) {
        return Some(Kind::Makefile);
    }
    crate::syntax::sources::kind_of(path, walk_rel)
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
