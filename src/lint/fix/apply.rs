//! Apply a plan: edits sorted and applied back to front by original byte
//! range (overlaps rejected), CRLF kept, the result re-parsed (a Makefile
//! that would gain parse errors is refused), then every file written
//! atomically under a lock on its tree (temp files in the same directories,
//! fsynced, renamed over the originals, permissions and owner kept, the
//! directories fsynced), after checking each did not change on disk since
//! it was read; see [`write_all`]. The same edited text feeds `fix --diff`,
//! so the preview is exactly what is written.
//!
//! Faults can be injected into the write routine for tests through
//! `GORUN_LINT_FAULT` (see [`FAULT_ENV`]).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::lint::edit::{Edit, FileEdits};
use crate::syntax::parse::tree::MakeParser;
use crate::syntax::parse::{MakeDoc, TREE_SITTER_MAX_BYTES};
use crate::syntax::sources::is_makefile_name;

/// One file's new text.
#[derive(Debug, Clone)]
pub struct Change {
    pub edits: FileEdits,
    pub new_text: String,
}

/// Apply the edits of every file in memory, checking the results.
pub fn render(files: &[FileEdits]) -> Result<Vec<Change>, Error> {
    let mut parser = MakeParser::new();
    let mut out = Vec::new();
    for fe in files {
        let new_text = apply_edits(&fe.original, &fe.edits).map_err(|message| Error::Input {
            path: fe.path.clone(),
            message,
        })?;
        if new_text == fe.original {
            continue;
        }
        let name = fe
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if tab_recipe_under_recipe_prefix(&fe.original, &fe.edits) {
            return Err(Error::Input {
                path: fe.path.clone(),
                message: "sets `.RECIPEPREFIX`, and the fix would add tab-prefixed recipe lines that make would not read as recipes; nothing was written".into(),
            });
        }
        // Only tree-sitter finds error regions: a text too large for it has
        // none, and the original is parsed only when the result has some.
        if (is_makefile_name(&name) || fe.path.extension().is_some_and(|e| e == "mk"))
            && new_text.len() <= TREE_SITTER_MAX_BYTES
        {
            let after = MakeDoc::parse(&new_text, &mut parser).error_regions.len();
            let before = if after == 0 {
                0
            } else {
                MakeDoc::parse(&fe.original, &mut parser)
                    .error_regions
                    .len()
            };
            if after > before {
                return Err(Error::Input {
                    path: fe.path.clone(),
                    message: format!(
                        "the fixed text would have {after} unparsable regions instead of {before}; nothing was written"
                    ),
                });
            }
        }
        out.push(Change {
            edits: fe.clone(),
            new_text,
        });
    }
    Ok(out)
}

/// Whether an edit adds a tab-prefixed recipe line where `.RECIPEPREFIX`
/// makes the recipe prefix something else (make would not read it as a
/// recipe line).
fn tab_recipe_under_recipe_prefix(text: &str, edits: &[Edit]) -> bool {
    let inserts: Vec<usize> = edits
        .iter()
        .filter(|e| e.text.starts_with('\t') || e.text.contains("\n\t"))
        .map(|e| e.span.start)
        .collect();
    if inserts.is_empty() || !text.contains(".RECIPEPREFIX") {
        return false;
    }
    // Read the settings from the lines themselves: tree-sitter-make has a
    // node of its own for them that the structure walk does not capture.
    let mut sets: Vec<(usize, bool)> = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let mut rest = line.trim_start();
        for kw in ["override", "export"] {
            if let Some(r) = rest.strip_prefix(kw).filter(|r| r.starts_with([' ', '\t'])) {
                rest = r.trim_start();
            }
        }
        if let Some(r) = rest.strip_prefix(".RECIPEPREFIX") {
            let r = r.trim_start_matches([' ', '\t']);
            if let Some(op) = ["::=", ":::=", ":=", "?=", "+=", "="]
                .iter()
                .find(|op| r.starts_with(**op))
            {
                let value = r[op.len()..].trim_start_matches(' ');
                let value = value.trim_end_matches(['\n', '\r']);
                sets.push((start, value.is_empty() || value.starts_with('\t')));
            }
        }
        start += line.len();
    }
    inserts.iter().any(|&at| {
        sets.iter()
            .filter(|(start, _)| *start < at)
            .max_by_key(|(start, _)| *start)
            .is_some_and(|(_, tab)| !tab)
    })
}

/// Apply non-overlapping edits to `text`, back to front. Inserted text uses
/// the file's line ending.
pub fn apply_edits(text: &str, edits: &[Edit]) -> Result<String, String> {
    let crlf = text.contains("\r\n");
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by(|a, b| {
        a.span
            .start
            .cmp(&b.span.start)
            .then(a.span.end.cmp(&b.span.end))
    });
    for w in sorted.windows(2) {
        if w[0].span.end > w[1].span.start {
            return Err(format!(
                "internal error: overlapping edits at bytes {:?} and {:?}",
                w[0].span, w[1].span
            ));
        }
    }
    let mut out = text.to_string();
    for e in sorted.iter().rev() {
        if e.span.end > out.len()
            || !out.is_char_boundary(e.span.start)
            || !out.is_char_boundary(e.span.end)
        {
            return Err(format!(
                "internal error: edit {:?} outside the text",
                e.span
            ));
        }
        let replacement = if crlf {
            e.text.replace("\r\n", "\n").replace('\n', "\r\n")
        } else {
            e.text.clone()
        };
        out.replace_range(e.span.clone(), &replacement);
    }
    Ok(out)
}

/// A unified diff of the changes, coloured when `color`.
pub fn diff(changes: &[Change], color: bool) -> String {
    let mut out = String::new();
    for c in changes {
        let d = similar::TextDiff::from_lines(&c.edits.original, &c.new_text);
        let old = if c.edits.created {
            "/dev/null".to_string()
        } else {
            format!("a/{}", c.edits.display)
        };
        let text = d
            .unified_diff()
            .context_radius(3)
            .header(&old, &format!("b/{}", c.edits.display))
            .to_string();
        if color {
            for line in text.split_inclusive('\n') {
                let style = if line.starts_with("+++") || line.starts_with("---") {
                    "\x1b[1m"
                } else if line.starts_with('+') {
                    "\x1b[32m"
                } else if line.starts_with('-') {
                    "\x1b[31m"
                } else if line.starts_with("@@") {
                    "\x1b[36m"
                } else {
                    ""
                };
                if style.is_empty() {
                    out.push_str(line);
                } else {
                    out.push_str(style);
                    out.push_str(line.trim_end_matches('\n'));
                    out.push_str("\x1b[0m\n");
                }
            }
        } else {
            out.push_str(&text);
        }
    }
    out
}

/// Write every change, all or nothing as far as the file system allows.
///
/// 1. Lock the trees the files are in (see [`TreeLock`]), so two `fix` runs
///    never interleave their writes.
/// 2. Check every file: it still holds exactly the bytes that were read (a
///    created file must still be missing), is writable by us and not
///    read-only; a refusal writes nothing.
/// 3. Write each new text to a temp file next to the file it replaces (the
///    real file when the path is a symlink), with the original's permissions
///    and owner, and fsync it. A failure (disk full, read-only directory)
///    removes the temp files and leaves every original untouched.
/// 4. Check the originals once more, then rename each temp file over its
///    original (atomic: a reader, or an interrupted run, sees the old file or
///    the new one, never a mix) and fsync the directories. A created file is
///    linked into place, so it never replaces one made meanwhile. If a rename
///    fails, the files already renamed are put back.
///
/// Errors name the file and say that nothing was written.
pub fn write_all(changes: &[Change]) -> Result<(), Error> {
    if changes.is_empty() {
        return Ok(());
    }
    let fault = Fault::from_env();
    let paths: Vec<&Path> = changes.iter().map(|c| c.edits.path.as_path()).collect();
    let _lock = TreeLock::for_files(&paths)?;
    // Check every file first, so a refusal writes nothing at all.
    let mut targets: Vec<PathBuf> = Vec::new();
    let mut writes: Vec<&Change> = Vec::new();
    for c in changes {
        let real = check_unchanged(&c.edits)?;
        // Two names of one file (`GNUmakefile -> Makefile`): write it once,
        // and only when both agree on the new text.
        if let Some(i) = targets.iter().position(|t| *t == real) {
            if writes[i].new_text != c.new_text {
                return Err(Error::Input {
                    path: c.edits.path.clone(),
                    message: format!(
                        "is the same file as {} (a link) and the fixes of the two names differ; nothing was written",
                        writes[i].edits.path.display()
                    ),
                });
            }
            continue;
        }
        targets.push(real);
        writes.push(c);
    }
    let changes = writes;
    // Temp files, all written before any original is replaced.
    let mut temps: Vec<Temp> = Vec::new();
    for (c, real) in changes.iter().zip(&targets) {
        match Temp::write(real, c.new_text.as_bytes(), &fault) {
            Ok(t) => temps.push(t),
            Err(e) => return Err(nothing_written(&c.edits.path, e)),
        }
    }
    fault.pause();
    for c in &changes {
        check_unchanged(&c.edits)?;
    }
    // Replace the originals; on a failure put back those already replaced.
    let mut done: Vec<(&Change, &Path)> = Vec::new();
    for ((&c, real), temp) in changes.iter().zip(&targets).zip(temps.iter_mut()) {
        let result = if fault.rename_fails(done.len()) {
            Err(std::io::Error::other(
                "rename failed (injected by GORUN_LINT_FAULT)",
            ))
        } else {
            temp.persist(real, c.edits.created)
        };
        if let Err(e) = result {
            let restored = restore(&done);
            return Err(Error::Input {
                path: c.edits.path.clone(),
                message: format!(
                    "cannot replace the file: {}; {}",
                    describe(&e),
                    match restored {
                        Ok(()) if done.is_empty() => "nothing was written".to_string(),
                        Ok(()) => format!(
                            "the {} file{} already written {} restored",
                            done.len(),
                            if done.len() == 1 { "" } else { "s" },
                            if done.len() == 1 { "was" } else { "were" }
                        ),
                        Err(r) => format!("restoring the files already written failed too: {r}"),
                    }
                ),
            });
        }
        done.push((c, real.as_path()));
    }
    let mut dirs: Vec<&Path> = targets.iter().filter_map(|t| t.parent()).collect();
    dirs.sort();
    dirs.dedup();
    for d in dirs {
        sync_dir(d);
    }
    Ok(())
}

/// Write `bytes` to `path` atomically (temp file and rename, permissions
/// kept, symlinks followed), without checking what was there before; for
/// files gorun-lint owns (the baseline, its config).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let fault = Fault::from_env();
    let _lock = TreeLock::for_files(&[path])?;
    let real = resolve(path).map_err(|e| Error::io(path, e))?;
    let mut temp = Temp::write(&real, bytes, &fault).map_err(|e| nothing_written(path, e))?;
    fault.pause();
    temp.persist(&real, false)
        .map_err(|e| nothing_written(path, e))?;
    if let Some(d) = real.parent() {
        sync_dir(d);
    }
    Ok(())
}

fn nothing_written(path: &Path, e: std::io::Error) -> Error {
    Error::Input {
        path: path.to_path_buf(),
        message: format!("cannot write: {}; nothing was written", describe(&e)),
    }
}

fn describe(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Check that the file still holds what was read (or, for a created one,
/// is still missing) and may be written; returns the path to write (the
/// symlink's target for a symlink).
fn check_unchanged(fe: &FileEdits) -> Result<PathBuf, Error> {
    let path = &fe.path;
    let refuse = |message: String| Error::Input {
        path: path.clone(),
        message,
    };
    let real = resolve(path).map_err(|e| Error::io(path, e))?;
    match std::fs::read(&real) {
        Ok(bytes) => {
            if fe.created {
                return Err(refuse(
                    "was created by someone else since it was read; nothing was written, run `gorun-lint fix` again".into(),
                ));
            }
            if bytes != fe.original.as_bytes() {
                return Err(refuse(if std::str::from_utf8(&bytes).is_err() {
                    "is not valid UTF-8; not edited, nothing was written".into()
                } else {
                    "changed on disk since it was read; nothing was written, run `gorun-lint fix` again".into()
                }));
            }
            let meta = std::fs::metadata(&real).map_err(|e| Error::io(path, e))?;
            // Permission bits do not stop root: honour them anyway, as an
            // editor would, and probe that we may write (without writing).
            if meta.permissions().readonly() {
                return Err(refuse("is read-only; nothing was written".into()));
            }
            // The new text is renamed into place: a file with other hard
            // links would keep the old text under its other names.
            let links = std::os::unix::fs::MetadataExt::nlink(&meta);
            if links > 1 {
                return Err(refuse(format!(
                    "has {links} hard links, and the fix would give this name a new file while the others keep the old text; nothing was written (give the file one name, or make the others symlinks)"
                )));
            }
            if let Err(e) = std::fs::OpenOptions::new().write(true).open(&real) {
                return Err(refuse(format!(
                    "cannot be written: {}; nothing was written",
                    describe(&e)
                )));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if !fe.created {
                return Err(refuse(
                    "was removed since it was read; nothing was written, run `gorun-lint fix` again"
                        .into(),
                ));
            }
        }
        Err(e) => return Err(Error::io(path, e)),
    }
    Ok(real)
}

/// The file a path names: symlinks followed (a missing file: the path with
/// its directory resolved), so a fix writes through a symlink instead of
/// replacing it with a regular file.
fn resolve(path: &Path) -> std::io::Result<PathBuf> {
    match std::fs::canonicalize(path) {
        Ok(p) => Ok(p),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if std::fs::symlink_metadata(path).is_ok() {
                // A dangling symlink: do not write through it.
                return Err(std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "dangling symlink",
                ));
            }
            let dir = match path.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => Path::new("."),
            };
            let name = path.file_name().ok_or(e)?;
            Ok(std::fs::canonicalize(dir)?.join(name))
        }
        Err(e) => Err(e),
    }
}

/// Undo the renames already done: originals written back, created files
/// removed.
fn restore(done: &[(&Change, &Path)]) -> Result<(), String> {
    let mut errors = Vec::new();
    for (c, real) in done.iter().rev() {
        let result = if c.edits.created {
            std::fs::remove_file(real)
        } else {
            Temp::write(real, c.edits.original.as_bytes(), &Fault::default())
                .and_then(|mut t| t.persist(real, false))
        };
        if let Err(e) = result {
            errors.push(format!("{}: {e}", c.edits.path.display()));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("; "))
    }
}

/// A temp file next to the file it will replace; removed on drop unless
/// persisted.
struct Temp {
    path: PathBuf,
    persisted: bool,
}

/// Temp files are `.<name>.gorun-lint-<pid>-<n>.tmp`.
const TEMP_MARK: &str = ".gorun-lint-";

impl Temp {
    fn write(real: &Path, bytes: &[u8], fault: &Fault) -> std::io::Result<Temp> {
        static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let dir = real.parent().unwrap_or(Path::new("."));
        let name = real
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        remove_stale_temps(dir, &name);
        if fault.create_fails {
            return Err(std::io::Error::new(
                std::io::ErrorKind::ReadOnlyFilesystem,
                "cannot create a temp file in the directory (injected by GORUN_LINT_FAULT)",
            ));
        }
        let (path, mut f) = loop {
            let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let path = dir.join(format!(".{name}{TEMP_MARK}{}-{n}.tmp", std::process::id()));
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(f) => break (path, f),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        };
        let mut temp = Temp {
            path,
            persisted: false,
        };
        let result = (|| {
            fault.write(&mut f, bytes)?;
            if let Ok(meta) = std::fs::metadata(real) {
                f.set_permissions(meta.permissions())?;
                keep_owner(&f, &meta);
            }
            f.sync_all()
        })();
        match result {
            Ok(()) => Ok(temp),
            Err(e) => {
                drop(f);
                temp.remove();
                Err(e)
            }
        }
    }

    /// Move into place: renamed over an existing file; linked for a created
    /// one, so that a file made meanwhile is never replaced.
    fn persist(&mut self, real: &Path, created: bool) -> std::io::Result<()> {
        if created {
            match std::fs::hard_link(&self.path, real) {
                Ok(()) => {
                    self.remove();
                    self.persisted = true;
                    return Ok(());
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(e),
                // No hard links here (some file systems): rename after all.
                Err(_) => {}
            }
        }
        std::fs::rename(&self.path, real)?;
        self.persisted = true;
        Ok(())
    }

    fn remove(&mut self) {
        let _ = std::fs::remove_file(&self.path);
        self.persisted = true;
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        if !self.persisted {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Temp files of `name` left by a run that was killed before it could
/// remove them. Only called under the tree lock, so no other run is using
/// them.
fn remove_stale_temps(dir: &Path, name: &str) {
    let prefix = format!(".{name}{TEMP_MARK}");
    let ours = format!("{prefix}{}-", std::process::id());
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let n = e.file_name();
        let n = n.to_string_lossy();
        if n.starts_with(&prefix) && !n.starts_with(&ours) && n.ends_with(".tmp") {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

#[cfg(unix)]
fn keep_owner(f: &std::fs::File, meta: &std::fs::Metadata) {
    use std::os::unix::fs::MetadataExt;
    // Only root may give a file away; for anyone else this is a no-op or
    // fails harmlessly.
    let _ = std::os::unix::fs::fchown(f, Some(meta.uid()), Some(meta.gid()));
}

#[cfg(not(unix))]
fn keep_owner(_: &std::fs::File, _: &std::fs::Metadata) {}

/// fsync a directory so a rename in it survives a crash (best effort: not
/// every platform can open a directory).
fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// An exclusive lock on the trees being written, held until dropped: an
/// advisory `flock` on each tree's root directory (the nearest directory
/// holding `.git`, else `go.mod`, else the file's own directory). No lock
/// file is left behind, and a killed run releases its lock with its last
/// file descriptor. The lock is re-entrant on one thread, so a caller may
/// hold it over a whole run (read, plan, write) and [`write_all`] still
/// takes it; other threads and processes wait.
pub struct TreeLock {
    roots: Vec<PathBuf>,
}

/// How long to wait for another run to finish writing.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(60);

/// A root locked by this process: the open directory holding the `flock`,
/// the thread that holds it and how many times.
struct Held {
    _dir: std::fs::File,
    owner: std::thread::ThreadId,
    count: usize,
}

type HeldMap = std::sync::Mutex<std::collections::HashMap<PathBuf, Held>>;

fn held() -> &'static HeldMap {
    static HELD: std::sync::OnceLock<HeldMap> = std::sync::OnceLock::new();
    HELD.get_or_init(Default::default)
}

impl TreeLock {
    /// Lock the trees holding `paths` (files or directories, existing or
    /// not).
    pub fn for_files(paths: &[&Path]) -> Result<TreeLock, Error> {
        let mut roots: Vec<PathBuf> = paths.iter().map(|p| tree_root(p)).collect();
        roots.sort();
        roots.dedup();
        let mut lock = TreeLock { roots: Vec::new() };
        for root in roots {
            lock.acquire(root)?;
        }
        Ok(lock)
    }

    fn acquire(&mut self, root: PathBuf) -> Result<(), Error> {
        let me = std::thread::current().id();
        let start = std::time::Instant::now();
        let busy = |root: &Path| {
            Error::Input {
            path: root.to_path_buf(),
            message: format!(
                "another `gorun-lint` run has been writing files here for {} s; nothing was written",
                LOCK_WAIT.as_secs()
            ),
        }
        };
        let mut dir: Option<std::fs::File> = None;
        loop {
            {
                let mut map = held().lock().unwrap_or_else(|e| e.into_inner());
                match map.get_mut(&root) {
                    Some(h) if h.owner == me => {
                        h.count += 1;
                        self.roots.push(root);
                        return Ok(());
                    }
                    Some(_) => {} // another thread of this process: wait
                    None => {
                        let d = match dir.take() {
                            Some(d) => d,
                            None => std::fs::File::open(&root).map_err(|e| Error::io(&root, e))?,
                        };
                        // A file system without locks: go on; the checks
                        // before each write still catch a concurrent change.
                        if sys::try_lock(&d).unwrap_or(true) {
                            map.insert(
                                root.clone(),
                                Held {
                                    _dir: d,
                                    owner: me,
                                    count: 1,
                                },
                            );
                            self.roots.push(root);
                            return Ok(());
                        }
                        dir = Some(d); // another process: wait
                    }
                }
            }
            if start.elapsed() >= LOCK_WAIT {
                return Err(busy(&root));
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

impl Drop for TreeLock {
    fn drop(&mut self) {
        let mut map = held().lock().unwrap_or_else(|e| e.into_inner());
        for root in &self.roots {
            if let Some(h) = map.get_mut(root) {
                h.count -= 1;
                if h.count == 0 {
                    // Closing the descriptor releases the lock.
                    map.remove(root);
                }
            }
        }
    }
}

/// The directory whose lock covers `path`.
fn tree_root(path: &Path) -> PathBuf {
    let start = if path.is_dir() {
        path.to_path_buf()
    } else {
        match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    };
    let start = std::fs::canonicalize(&start).unwrap_or(start);
    start
        .ancestors()
        .find(|d| d.join(".git").exists())
        .or_else(|| start.ancestors().find(|d| d.join("go.mod").is_file()))
        .map(Path::to_path_buf)
        .unwrap_or(start)
}

#[cfg(unix)]
mod sys {
    use std::os::raw::c_int;
    use std::os::unix::io::AsRawFd;

    extern "C" {
        fn flock(fd: c_int, operation: c_int) -> c_int;
    }
    const LOCK_EX: c_int = 2;
    const LOCK_NB: c_int = 4;

    /// Try to take an exclusive `flock` on `f`: `Ok(false)` when another
    /// open file description holds it.
    pub fn try_lock(f: &std::fs::File) -> std::io::Result<bool> {
        // SAFETY: flock(2) only reads its two integer arguments; the
        // descriptor is valid for as long as `f` is borrowed.
        let r = unsafe { flock(f.as_raw_fd(), LOCK_EX | LOCK_NB) };
        if r == 0 {
            return Ok(true);
        }
        let e = std::io::Error::last_os_error();
        if e.kind() == std::io::ErrorKind::WouldBlock {
            Ok(false)
        } else {
            Err(e)
        }
    }
}

#[cfg(not(unix))]
mod sys {
    pub fn try_lock(_: &std::fs::File) -> std::io::Result<bool> {
        Err(std::io::Error::other("no flock on this platform"))
    }
}

/// Test hook: faults injected into the write routine, so tests can prove
/// that a failing disk never costs a Makefile, even when running as root
/// (where permission bits do not stop a write). Read from the
/// `GORUN_LINT_FAULT` environment variable, a comma-separated list of:
///
/// - `write-fail-after:N`: writing the temp files fails with "no space left
///   on device" once N bytes have been written (in this run);
/// - `create-fail`: the temp file cannot be created (a read-only directory);
/// - `rename-fail:K`: the K-th rename into place (0-based) fails;
/// - `pause:MS`: sleep MS milliseconds after the temp files are written,
///   before the last check and the renames (to change a file or send a
///   signal in that window).
///
/// Not for users; no effect when unset.
#[derive(Debug, Default)]
struct Fault {
    write_fail_after: Option<usize>,
    written: std::cell::Cell<usize>,
    create_fails: bool,
    rename_fail: Option<usize>,
    pause_ms: u64,
}

/// The environment variable of the test hook.
pub const FAULT_ENV: &str = "GORUN_LINT_FAULT";

impl Fault {
    fn from_env() -> Fault {
        let mut f = Fault::default();
        let Ok(spec) = std::env::var(FAULT_ENV) else {
            return f;
        };
        for part in spec.split(',').map(str::trim) {
            let (key, value) = part.split_once(':').unwrap_or((part, ""));
            match key {
                "write-fail-after" => f.write_fail_after = value.parse().ok(),
                "create-fail" => f.create_fails = true,
                "rename-fail" => f.rename_fail = value.parse().ok(),
                "pause" => f.pause_ms = value.parse().unwrap_or(0),
                _ => {}
            }
        }
        f
    }

    /// Write all of `bytes`, failing like a full disk at the configured
    /// byte.
    fn write(&self, f: &mut std::fs::File, bytes: &[u8]) -> std::io::Result<()> {
        let Some(limit) = self.write_fail_after else {
            return f.write_all(bytes);
        };
        let room = limit.saturating_sub(self.written.get());
        let n = room.min(bytes.len());
        f.write_all(&bytes[..n])?;
        self.written.set(self.written.get() + n);
        if n < bytes.len() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::StorageFull,
                "No space left on device (injected by GORUN_LINT_FAULT)",
            ));
        }
        Ok(())
    }

    fn rename_fails(&self, k: usize) -> bool {
        self.rename_fail == Some(k)
    }

    fn pause(&self) {
        if self.pause_ms > 0 {
            std::thread::sleep(std::time::Duration::from_millis(self.pause_ms));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_apply_back_to_front_and_keep_crlf() {
        let text = "a: b\r\n\tgo run ./x\r\n";
        let edits = vec![
            Edit {
                span: 7..17,
                text: "_gen/bin/x".into(),
            },
            Edit::insert(4, " | _gen/bin/x"),
            Edit::insert(text.len(), "\nx:\n"),
        ];
        let out = apply_edits(text, &edits).unwrap();
        assert_eq!(out, "a: b | _gen/bin/x\r\n\t_gen/bin/x\r\n\r\nx:\r\n");
        assert!(apply_edits(
            text,
            &[
                Edit {
                    span: 0..5,
                    text: String::new()
                },
                Edit {
                    span: 4..6,
                    text: String::new()
                }
            ]
        )
        .is_err());
    }

    #[test]
    fn a_relative_path_resolves_against_the_working_directory() {
        // `--write-baseline baseline.json`: the parent of a bare name is "".
        let cwd = std::fs::canonicalize(".").unwrap();
        assert_eq!(
            resolve(Path::new("no-such-file.json")).unwrap(),
            cwd.join("no-such-file.json")
        );
        assert_eq!(tree_root(Path::new("no-such-file.json")), tree_root(&cwd));
    }

    #[test]
    fn the_tree_lock_is_reentrant_on_a_thread_and_exclusive_across_threads() {
        let d = tempfile::tempdir().unwrap();
        let file = d.path().join("Makefile");
        let outer = TreeLock::for_files(&[&file]).unwrap();
        let inner = TreeLock::for_files(&[&file, d.path()]).unwrap();
        drop(inner);
        let (tx, rx) = std::sync::mpsc::channel();
        let f2 = file.clone();
        let t = std::thread::spawn(move || {
            let _l = TreeLock::for_files(&[&f2]).unwrap();
            tx.send(()).unwrap();
        });
        // The other thread waits while this one holds the lock.
        assert!(rx
            .recv_timeout(std::time::Duration::from_millis(300))
            .is_err());
        drop(outer);
        rx.recv_timeout(std::time::Duration::from_secs(10)).unwrap();
        t.join().unwrap();
    }

    #[test]
    fn write_all_refuses_a_changed_file_and_writes_nothing() {
        let d = tempfile::tempdir().unwrap();
        let a = d.path().join("a.mk");
        let b = d.path().join("b.mk");
        std::fs::write(&a, "a:\n").unwrap();
        std::fs::write(&b, "b: changed\n").unwrap();
        let change = |path: &Path, original: &str| Change {
            edits: FileEdits {
                path: path.to_path_buf(),
                display: path.display().to_string(),
                original: original.into(),
                created: false,
                edits: vec![],
            },
            new_text: format!("{original}# fixed\n"),
        };
        let err = write_all(&[change(&a, "a:\n"), change(&b, "b:\n")]).unwrap_err();
        assert!(err
            .to_string()
            .contains("b.mk: changed on disk since it was read"));
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "a:\n");
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "b: changed\n");
        write_all(&[change(&a, "a:\n")]).unwrap();
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "a:\n# fixed\n");
        let names: Vec<String> = std::fs::read_dir(d.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 2, "temp files left: {names:?}");
    }

    #[test]
    fn stale_temp_files_are_removed() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("Makefile");
        std::fs::write(&f, "x:\n").unwrap();
        let stale = d.path().join(".Makefile.gorun-lint-1-0.tmp");
        std::fs::write(&stale, "half a Makef").unwrap();
        write_atomic(&f, b"y:\n").unwrap();
        assert!(!stale.exists());
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "y:\n");
    }

    #[test]
    fn tab_recipe_lines_under_a_recipe_prefix_are_refused() {
        // Found by fuzzing: the helper block and `clean` line were appended
        // with tabs after `.RECIPEPREFIX = >`, so make did not read them as
        // recipes and every run appended the `clean` line again.
        let fe = |text: &str| FileEdits {
            path: PathBuf::from("/r/Makefile"),
            display: "Makefile".into(),
            original: text.into(),
            created: false,
            edits: vec![Edit::insert(text.len(), "\nclean:\n\trm -rf _gen/bin\n")],
        };
        let err = render(&[fe(".RECIPEPREFIX = >\nx:\n>true\n")]).unwrap_err();
        assert!(err.to_string().contains("sets `.RECIPEPREFIX`"), "{err}");
        // Reset before the insertion: fine.
        let ok = render(&[fe(".RECIPEPREFIX = >\nx:\n>true\n.RECIPEPREFIX :=\n")]).unwrap();
        assert_eq!(ok.len(), 1);
    }
}
