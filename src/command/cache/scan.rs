//! Walk a Go build cache on every core. Only metadata is read (no file is
//! opened, so a fifo cannot block the walk) and symbolic links are never
//! followed (so a link loop cannot either): a link, fifo, socket or device
//! is skipped and listed.
//!
//! The layout (cmd/go/internal/cache): `GOCACHE/<xx>/<hash>-a` action
//! entries, `GOCACHE/<xx>/<hash>-d` outputs, where `<xx>` is the first two
//! hex digits of the 64-hex-digit `<hash>`. Since Go 1.24 a linked
//! executable (`go run`, `go tool`) is stored as a *directory*
//! `<hash>-d/` holding one executable file named after the tool.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::SystemTime;

use crate::error::Error;

/// One cached executable.
#[derive(Debug, Clone)]
pub struct Executable {
    /// `GOCACHE/<xx>/<hash>-d/<name>`.
    pub path: PathBuf,
    /// The tool name: the file name (`.exe` removed).
    pub name: String,
    pub bytes: u64,
    /// Last use: the newer of the entry directory's mtime (the go command
    /// touches it, at most once an hour, when it reuses the entry) and the
    /// file's.
    pub used: SystemTime,
}

/// An entry the walk did not take.
#[derive(Debug, Clone)]
pub struct Skipped {
    pub path: PathBuf,
    /// `symlink`, `fifo`, `socket`, `device`, `unknown`, or `directory`
    /// (a directory inside an executable's entry).
    pub kind: &'static str,
}

/// An entry that could not be read.
#[derive(Debug, Clone)]
pub struct Problem {
    pub path: PathBuf,
    pub message: String,
}

/// What the walk found.
#[derive(Debug, Default)]
pub struct Scan {
    pub root: PathBuf,
    /// Every regular file under the root (executables included).
    pub files: u64,
    pub bytes: u64,
    /// Sorted by path.
    pub executables: Vec<Executable>,
    pub skipped: Vec<Skipped>,
    pub problems: Vec<Problem>,
}

/// Two lowercase hex digits: a cache sub-directory.
pub fn is_prefix(name: &str) -> bool {
    name.len() == 2 && name.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// `<64 hex>-d` whose first two digits are `prefix`.
pub fn is_output_dir(name: &str, prefix: &str) -> bool {
    name.len() == 66
        && name.ends_with("-d")
        && name.starts_with(prefix)
        && name[..64]
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Whether `path` has the shape `root/<xx>/<xx...>-d/<file>`.
pub fn is_executable_path(root: &Path, path: &Path) -> bool {
    let (Some(entry), Some(_)) = (path.parent(), path.file_name()) else {
        return false;
    };
    let Some(prefix) = entry.parent() else {
        return false;
    };
    let name = |p: &Path| p.file_name().and_then(|n| n.to_str()).map(str::to_string);
    match (name(prefix), name(entry)) {
        (Some(x), Some(e)) => {
            prefix.parent() == Some(root) && is_prefix(&x) && is_output_dir(&e, &x)
        }
        _ => false,
    }
}

/// The tool name of a cached executable's file name.
pub fn tool_name(file_name: &str) -> String {
    let n = file_name.len();
    if n > 4 && file_name[n - 4..].eq_ignore_ascii_case(".exe") {
        file_name[..n - 4].to_string()
    } else {
        file_name.to_string()
    }
}

#[cfg(unix)]
fn is_exec(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_exec(_meta: &std::fs::Metadata) -> bool {
    // Only executables are stored in `<hash>-d/` directories.
    true
}

fn kind(t: &std::fs::FileType) -> &'static str {
    if t.is_symlink() {
        return "symlink";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "fifo";
        }
        if t.is_socket() {
            return "socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "device";
        }
    }
    "unknown"
}

/// Walk the cache at `root` (a directory; a symlink to one is followed).
/// Errors only when the root itself cannot be read; entries that cannot
/// be read are listed in [`Scan::problems`].
pub fn scan(root: &Path) -> Result<Scan, Error> {
    let rd = std::fs::read_dir(root).map_err(|e| Error::io(root, e))?;
    let mut top = Scan {
        root: root.to_path_buf(),
        ..Default::default()
    };
    let mut dirs: Vec<(PathBuf, Option<String>)> = Vec::new();
    for e in rd {
        let e = match e {
            Ok(e) => e,
            Err(err) => {
                top.problem(root, &err);
                continue;
            }
        };
        let path = e.path();
        match e.file_type() {
            Ok(t) if t.is_dir() => {
                let prefix = e
                    .file_name()
                    .to_str()
                    .filter(|n| is_prefix(n))
                    .map(str::to_string);
                dirs.push((path, prefix));
            }
            Ok(t) if t.is_file() => top.file(&path, e.metadata()),
            Ok(t) => top.skip(path, kind(&t)),
            Err(err) => top.problem(&path, &err),
        }
    }
    // The 256 sub-directories (and `fuzz/`, and anything else) on every core.
    let parts = par_map(&dirs, |(dir, prefix)| {
        let mut part = Scan::default();
        match prefix {
            Some(p) => part.walk_prefix(dir, p),
            None => part.walk_any(dir),
        }
        part
    });
    for p in parts {
        top.files += p.files;
        top.bytes += p.bytes;
        top.executables.extend(p.executables);
        top.skipped.extend(p.skipped);
        top.problems.extend(p.problems);
    }
    top.executables.sort_by(|a, b| a.path.cmp(&b.path));
    top.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    top.problems.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(top)
}

impl Scan {
    fn problem(&mut self, path: &Path, err: &std::io::Error) {
        self.problems.push(Problem {
            path: path.to_path_buf(),
            message: match err.kind() {
                std::io::ErrorKind::NotFound => "no such file or directory".into(),
                std::io::ErrorKind::PermissionDenied => "permission denied".into(),
                _ => err.to_string(),
            },
        });
    }

    fn skip(&mut self, path: PathBuf, kind: &'static str) {
        self.skipped.push(Skipped { path, kind });
    }

    fn file(&mut self, path: &Path, meta: std::io::Result<std::fs::Metadata>) {
        match meta {
            Ok(m) => {
                self.files += 1;
                self.bytes += m.len();
            }
            Err(e) => self.problem(path, &e),
        }
    }

    /// The entries of `dir`; what cannot be read is reported as a problem.
    fn entries(&mut self, dir: &Path) -> Vec<std::fs::DirEntry> {
        match std::fs::read_dir(dir) {
            Ok(rd) => rd
                .filter_map(|e| e.map_err(|err| self.problem(dir, &err)).ok())
                .collect(),
            Err(e) => {
                self.problem(dir, &e);
                Vec::new()
            }
        }
    }

    /// `GOCACHE/<xx>/`: entries, and executables in `<hash>-d/` directories.
    fn walk_prefix(&mut self, dir: &Path, prefix: &str) {
        for e in self.entries(dir) {
            let path = e.path();
            match e.file_type() {
                Ok(t) if t.is_file() => self.file(&path, e.metadata()),
                Ok(t) if t.is_dir() => {
                    let name = e.file_name();
                    match name.to_str() {
                        Some(n) if is_output_dir(n, prefix) => {
                            self.walk_output(&path, e.metadata())
                        }
                        _ => self.walk_any(&path),
                    }
                }
                Ok(t) => self.skip(path, kind(&t)),
                Err(err) => self.problem(&path, &err),
            }
        }
    }

    /// `GOCACHE/<xx>/<hash>-d/`: the executable.
    fn walk_output(&mut self, dir: &Path, meta: std::io::Result<std::fs::Metadata>) {
        let dir_time = meta.ok().and_then(|m| m.modified().ok());
        for e in self.entries(dir) {
            let path = e.path();
            match e.file_type() {
                Ok(t) if t.is_file() => {
                    let m = match e.metadata() {
                        Ok(m) => m,
                        Err(err) => {
                            self.problem(&path, &err);
                            continue;
                        }
                    };
                    self.files += 1;
                    self.bytes += m.len();
                    if !is_exec(&m) {
                        continue;
                    }
                    let file_time = m.modified().ok();
                    let used = file_time
                        .into_iter()
                        .chain(dir_time)
                        .max()
                        .unwrap_or(SystemTime::UNIX_EPOCH);
                    self.executables.push(Executable {
                        name: tool_name(&e.file_name().to_string_lossy()),
                        path,
                        bytes: m.len(),
                        used,
                    });
                }
                Ok(t) if t.is_dir() => {
                    self.skip(path.clone(), "directory");
                    self.walk_any(&path);
                }
                Ok(t) => self.skip(path, kind(&t)),
                Err(err) => self.problem(&path, &err),
            }
        }
    }

    /// Any other directory: count its files.
    fn walk_any(&mut self, dir: &Path) {
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in self.entries(&d) {
                let path = e.path();
                match e.file_type() {
                    Ok(t) if t.is_file() => self.file(&path, e.metadata()),
                    Ok(t) if t.is_dir() => stack.push(path),
                    Ok(t) => self.skip(path, kind(&t)),
                    Err(err) => self.problem(&path, &err),
                }
            }
        }
    }
}

/// `f` over `items` on every core; results in the order of `items`.
pub fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len().max(1));
    let next = AtomicUsize::new(0);
    let mut out: Vec<Option<R>> = (0..items.len()).map(|_| None).collect();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        done.push((i, f(item)));
                    }
                    done
                })
            })
            .collect();
        for w in workers {
            for (i, r) in w.join().expect("a cache walker thread panicked") {
                out[i] = Some(r);
            }
        }
    });
    out.into_iter()
        .map(|r| r.expect("every item was mapped"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_shapes() {
        assert!(is_prefix("0f") && !is_prefix("0F") && !is_prefix("0fa"));
        let h = format!("ab{}", "0".repeat(62));
        assert!(is_output_dir(&format!("{h}-d"), "ab"));
        assert!(!is_output_dir(&format!("{h}-a"), "ab"));
        assert!(!is_output_dir(&format!("{h}-d"), "cd"));
        let root = Path::new("/c");
        assert!(is_executable_path(
            root,
            &root.join("ab").join(format!("{h}-d")).join("gen")
        ));
        assert!(!is_executable_path(
            root,
            &root.join("x/ab").join(format!("{h}-d")).join("gen")
        ));
        assert_eq!(tool_name("stringer.exe"), "stringer");
        assert_eq!(tool_name("gen"), "gen");
    }
}
