//! The directories the lint reasons about: a project's root (where
//! `out-dir` is relative to), a script's assumed root, the nearest ancestor
//! holding a marker (cached per process, bounded), a path relative to
//! another as a Makefile writes it, and the files an `include` glob names
//! ([`expand_glob`]).

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

/// Whether a word of an `include` line is a glob for make: it holds `*`,
/// `?` or `[`.
pub fn has_glob_meta(word: &str) -> bool {
    word.contains(['*', '?', '['])
}

/// At most this many paths from one glob: a `*/*/*` over a large tree
/// stays bounded (make would include them all; no real include line names
/// this many files).
pub const GLOB_LIMIT: usize = 4096;

/// The existing paths a make glob names from `base` (an `include` word:
/// `make/_shared/*/00_mod.mk`), sorted, as GNU make expands each word of
/// an `include` line with the C library's `glob`: one path component at a
/// time, `*` and `?` never matching `/`, `[...]` a class (`[!...]` its
/// complement), a name starting with `.` matched only by a component that
/// starts with `.`, and `\` escaping the next character. Components
/// without a metacharacter are joined as written (`..` included). Empty
/// when nothing matches (make then keeps the word as written, and reports
/// it missing unless the line is `-include`).
///
/// Why a small `read_dir` expansion and not a walk matched against the
/// whole pattern (`ignore`, `globset` over a walk): only the directories
/// the pattern's own components reach are read, which is what make does
/// and what keeps a pattern under a large tree cheap; `globset` matches
/// each component.
pub fn expand_glob(base: &Path, pattern: &str) -> Vec<PathBuf> {
    let mut current = vec![if pattern.starts_with('/') {
        PathBuf::from("/")
    } else {
        base.to_path_buf()
    }];
    let parts: Vec<&str> = pattern.split('/').filter(|c| !c.is_empty()).collect();
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        let mut next = Vec::new();
        if !has_glob_meta(part) {
            for d in &current {
                let p = d.join(part.replace('\\', ""));
                if p.exists() && (last || p.is_dir()) {
                    next.push(p);
                }
            }
        } else {
            let Ok(glob) = globset::GlobBuilder::new(part)
                .literal_separator(true)
                .backslash_escape(true)
                .build()
            else {
                return Vec::new(); // (`[` never closed: make matches nothing either)
            };
            let matcher = glob.compile_matcher();
            let dot = part.starts_with('.');
            for d in &current {
                let Ok(entries) = std::fs::read_dir(d) else {
                    continue;
                };
                let mut names: Vec<std::ffi::OsString> = entries
                    .filter_map(Result::ok)
                    .map(|e| e.file_name())
                    .filter(|n| {
                        (dot || !n.as_encoded_bytes().starts_with(b".")) && matcher.is_match(n)
                    })
                    .collect();
                names.sort();
                for n in names {
                    let p = d.join(n);
                    if last || p.is_dir() {
                        next.push(p);
                    }
                    if next.len() >= GLOB_LIMIT {
                        break;
                    }
                }
            }
        }
        current = next;
        if current.is_empty() {
            break;
        }
    }
    if parts.is_empty() {
        current.clear();
    }
    current.sort();
    current
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for f in files {
            let p = dir.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "").unwrap();
        }
        dir
    }

    fn expand(dir: &tempfile::TempDir, pattern: &str) -> Vec<String> {
        expand_glob(dir.path(), pattern)
            .into_iter()
            .map(|p| relative(dir.path(), &p))
            .collect()
    }

    #[test]
    fn globs_expand_one_component_at_a_time_sorted() {
        let dir = tree(&[
            "make/_shared/tools/00_mod.mk",
            "make/_shared/go/00_mod.mk",
            "make/_shared/go/01_mod.mk",
            "make/_shared/00_mod.mk",
            "make/_shared/.hidden/00_mod.mk",
            "make/_shared/a/b/00_mod.mk",
            "mk/a.mk",
            "mk/b.mk",
            "mk/c.mk",
            "mk/ab.mk",
        ]);
        assert_eq!(
            expand(&dir, "make/_shared/*/00_mod.mk"),
            ["make/_shared/go/00_mod.mk", "make/_shared/tools/00_mod.mk"]
        );
        assert_eq!(
            expand(&dir, "make/_shared/.*/00_mod.mk"),
            ["make/_shared/.hidden/00_mod.mk"]
        );
        assert_eq!(expand(&dir, "mk/[ab].mk"), ["mk/a.mk", "mk/b.mk"]);
        assert_eq!(expand(&dir, "mk/[!ab].mk"), ["mk/c.mk"]);
        assert_eq!(expand(&dir, "mk/?.mk"), ["mk/a.mk", "mk/b.mk", "mk/c.mk"]);
        assert_eq!(expand(&dir, "./mk/??.mk"), ["mk/ab.mk"]);
        assert_eq!(expand(&dir, "make/*/../mk/a*.mk").len(), 0, "no `make/mk`");
        assert!(expand(&dir, "make/_shared/*/02_mod.mk").is_empty());
        assert!(expand(&dir, "nowhere/*.mk").is_empty());
        assert!(expand(&dir, "mk/[a.mk").is_empty());
    }

    #[test]
    fn a_glob_from_another_directory() {
        let dir = tree(&["mk/a.mk", "sub/x"]);
        let sub = dir.path().join("sub");
        let got: Vec<String> = expand_glob(&sub, "../mk/*.mk")
            .iter()
            .map(|p| relative(dir.path(), &normalize(p)))
            .collect();
        assert_eq!(got, ["mk/a.mk"]);
    }
}
