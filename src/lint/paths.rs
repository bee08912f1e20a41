//! The directories the lint reasons about: a project's root (where
//! `out-dir` is relative to), a script's assumed root, the nearest ancestor
//! holding a marker (cached per process, bounded), and a path relative to
//! another as a Makefile writes it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::lint::config::Config;

/// Resolve `.` and `..` without touching the file system.
pub fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// The directory `out-dir` is relative to: the config file's directory, else
/// the nearest ancestor holding `.git`, else the module root, else `base`.
pub fn project_root(base: &Path, config: &Config) -> PathBuf {
    if let Some(d) = config.dir() {
        if base.starts_with(d) {
            return d.to_path_buf();
        }
    }
    nearest_ancestor(base, ".git")
        .or_else(|| nearest_ancestor(base, "go.mod"))
        .unwrap_or_else(|| base.to_path_buf())
}

/// The directory a script no Makefile runs is taken to run from: the
/// config file's directory, else its Go module's root, else the repository
/// root, else its own directory.
pub fn script_root(dir: &Path, config: &Config) -> PathBuf {
    if let Some(d) = config.dir() {
        if dir.starts_with(d) {
            return d.to_path_buf();
        }
    }
    nearest_ancestor(dir, "go.mod")
        .or_else(|| nearest_ancestor(dir, ".git"))
        .unwrap_or_else(|| dir.to_path_buf())
}

/// The nearest directory from `dir` upwards that holds `marker`. Answers
/// are remembered for the process (one run reads one tree, and every file
/// of a directory asks the same question of the same parents), bounded
/// like the other caches by directory ([`crate::lint::config::bound_dir_cache`]:
/// memory must not grow with the tree).
pub fn nearest_ancestor(dir: &Path, marker: &'static str) -> Option<PathBuf> {
    // By marker, then by directory (the path's bytes: looked up without
    // allocating).
    type Seen = HashMap<&'static str, HashMap<std::ffi::OsString, bool>>;
    static SEEN: std::sync::OnceLock<std::sync::Mutex<Seen>> = std::sync::OnceLock::new();
    let seen = SEEN.get_or_init(Default::default);
    dir.ancestors()
        .find(|d| {
            let known = |seen: &Seen| seen.get(marker)?.get(d.as_os_str()).copied();
            if let Some(has) = known(&seen.lock().expect("marker cache")) {
                return has;
            }
            let has = d.join(marker).exists();
            let mut seen = seen.lock().expect("marker cache");
            let dirs = seen.entry(marker).or_default();
            // The directories holding the marker are kept.
            crate::lint::config::bound_dir_cache(dirs, |_, has| *has);
            dirs.insert(d.as_os_str().to_owned(), has);
            has
        })
        .map(Path::to_path_buf)
}

/// `to` relative to the directory `from` (both absolute), with `/`.
pub fn relative(from: &Path, to: &Path) -> String {
    let from: Vec<_> = from.components().collect();
    let to_c: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to_c).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> =
        std::iter::repeat_n("..".to_string(), from.len() - common).collect();
    parts.extend(
        to_c[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}
