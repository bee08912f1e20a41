//! `gorun-lint cache`: what `go run` has cost this machine in GOCACHE, and
//! cleaning it up.
//!
//! Since Go 1.24, `go run` and `go tool` store every executable they link in
//! the build cache as `GOCACHE/<xx>/<hash>-d/<tool name>` (a hello-world is
//! about 1.5 MB, real helpers tens of MB), once per distinct build: the same
//! helper run with other flags (`-ldflags`, `-tags`) or after a source change
//! gets another copy. `go build -o` stores none. The go command deletes
//! entries unused for five days, so helpers run every day stay.
//!
//! Stages: [`locate`] (find GOCACHE without running go) → [`scan`] (a
//! parallel walk that reads metadata only and never follows a symlink) →
//! [`names`] (which executables are this repository's helpers or tools) →
//! [`report`] (group, render) → [`prune`] (remove executables, nothing
//! else). `check --cache-cost` reuses the first three stages per finding
//! ([`cost`]).
//!
//! A cached executable is a regular executable file directly inside a
//! `GOCACHE/<xx>/<64 hex digits>-d/` directory whose first two digits are
//! `<xx>`; its file name (without `.exe`) is the tool name. It is counted
//! as *this repository's helpers* when the name is that of a repo-local
//! `go run` callsite or `_gen/bin` helper target under PATH and its embedded
//! build information names that package (see [`names`]); as *tools* when it
//! is that of a go.mod `tool` directive, a `go tool NAME` line, a remote or
//! dependency `go run`, or a well-known generator; otherwise as *other*.
//! Last use is the newer of the entry directory's and the file's mtime.
//!
//! `--format json` prints one stable object (`version` changes if a field
//! changes meaning):
//!
//! ```json
//! {
//!   "version": 1,
//!   "gocache": "/home/u/.cache/go-build",
//!   "found_by": "default",
//!   "cache": {"files": 48211, "bytes": 2147483648},
//!   "executables": {"files": 23, "bytes": 401234567},
//!   "groups": {
//!     "helpers": {"files": 3, "bytes": 90123456, "names": [
//!       {"name": "apitypings", "copies": 2, "bytes": 60123456,
//!        "newest": "2025-11-27T16:41:03Z", "oldest": "2025-11-20T09:12:44Z",
//!        "paths": ["/home/u/.cache/go-build/3f/3f...-d/apitypings", "..."]}
//!     ]},
//!     "other": {"files": 19, "bytes": 301000000, "names": []},
//!     "tools": {"files": 1, "bytes": 10111111, "names": []}
//!   },
//!   "skipped": [{"path": "...", "kind": "symlink"}],
//!   "problems": [{"path": "...", "message": "permission denied"}],
//!   "prune": null
//! }
//! ```
//!
//! - `found_by`: `flag` (`--gocache`), `env` (`$GOCACHE`), `go-env-file`
//!   (`go env -w GOCACHE=...`) or `default` (the platform's user cache
//!   directory + `/go-build`).
//! - `cache`: every regular file under GOCACHE; `executables`: the cached
//!   executables (bytes are file sizes).
//! - `groups`: always the three keys `helpers`, `tools`, `other`; `names`
//!   holds one entry per tool name, largest `bytes` first, with the number
//!   of `copies`, the `newest` and `oldest` last use (RFC 3339, UTC) and the
//!   files' absolute `paths`.
//! - `skipped`: entries that are neither regular files nor directories
//!   (`symlink`, `fifo`, `socket`, `device`, `unknown`), or a `directory`
//!   inside an executable's entry; never followed, counted or removed.
//! - `problems`: entries that could not be read (the exit code is then 2).
//! - `prune`: `null` without `--prune`; else `{"scope": "helpers"|"all",
//!   "dry_run": bool, "files": n, "bytes": n, "names": [...as above],
//!   "failed": [{"path", "message"}]}` for what was (or, with `--dry-run`,
//!   would be) removed; the rest of the object describes the cache as it
//!   was before.
//!
//! Exit codes: 0 done; 2 when GOCACHE cannot be located (`GOCACHE=off`, a
//! relative path, nothing set), does not exist, is not a directory or does
//! not look like a Go build cache (no `README` with the go command's text
//! and no two-hex-digit sub-directories), or when some entry could not be
//! read or removed (the report is still printed).

pub mod cost;
pub mod locate;
pub mod names;
pub mod prune;
pub mod report;
pub mod scan;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::error::Error;
use crate::lint::helpers::Helpers;

/// Output formats of `cache`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
}

/// What `cache` was asked to do.
#[derive(Debug, Clone)]
pub struct CacheOptions {
    /// The repository whose helpers to look for.
    pub path: PathBuf,
    pub config: Option<PathBuf>,
    /// `--gocache DIR`.
    pub gocache: Option<PathBuf>,
    pub format: Format,
    pub prune: bool,
    pub dry_run: bool,
    pub all_executables: bool,
    /// `--tool`: prune only the executables of these names.
    pub tools: Vec<String>,
}

/// Locate, check and walk GOCACHE, and group what it holds.
pub fn load(
    gocache: Option<&Path>,
    helpers: &Helpers,
    path: &Path,
    cwd: &Path,
) -> Result<report::Report, Error> {
    let location = locate::locate(gocache, cwd)?;
    locate::check(&location)?;
    let names = names::repo_names(helpers, &cwd.join(path));
    let scan = scan::scan(&location.dir)?;
    Ok(report::build(location, scan, &names))
}

/// The command that prunes the helpers of `path`.
pub fn prune_command(path: &Path, gocache: Option<&Path>) -> String {
    let mut s = "gorun-lint cache --prune".to_string();
    if let Some(g) = gocache {
        s.push_str(&format!(
            " --gocache {}",
            shell_quote(&g.display().to_string())
        ));
    }
    if path != Path::new(".") {
        s.push_str(&format!(" {}", shell_quote(&path.display().to_string())));
    }
    s
}

fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-+:=@%,".contains(&b))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// `gorun-lint cache`: print the report (and prune); returns whether
/// everything could be read (and removed).
pub fn run(opts: &CacheOptions, cwd: &Path) -> Result<bool, Error> {
    let location = locate::locate(opts.gocache.as_deref(), cwd).map_err(|e| {
        Error::Usage(format!(
            "{e}; pass --gocache DIR to inspect a cache directory"
        ))
    })?;
    locate::check(&location)?;
    let spinner = std::io::stderr().is_terminal().then(|| {
        let s = indicatif::ProgressBar::new_spinner();
        s.set_message(format!("reading {}", location.dir.display()));
        s.enable_steady_tick(std::time::Duration::from_millis(100));
        s
    });
    let analysis = crate::lint::driver::run(
        &crate::lint::analysis::Options {
            paths: vec![opts.path.clone()],
            config: opts.config.clone(),
            out_dir: None,
            stdin: None,
            only: None,
            finish: None,
        },
        cwd,
    )?;
    let names = names::repo_names(&crate::lint::helpers::of(&analysis), &cwd.join(&opts.path));
    let scan = scan::scan(&location.dir);
    if let Some(s) = spinner {
        s.finish_and_clear();
    }
    let report = report::build(location, scan?, &names);
    let pruned = opts
        .prune
        .then(|| prune::prune(&report, opts.all_executables, opts.dry_run, &opts.tools));
    let text = match opts.format {
        Format::Human => report::human(
            &report,
            pruned.as_ref(),
            &report::Hints {
                prune: prune_command(&opts.path, opts.gocache.as_deref()),
            },
            SystemTime::now(),
        ),
        Format::Json => report::json(&report, pruned.as_ref()),
    };
    {
        use std::io::Write;
        let mut lock = std::io::stdout().lock();
        let _ = lock.write_all(text.as_bytes());
        let _ = lock.flush();
    }
    // Makefiles that could not be read only make the helper list shorter
    // (fewer executables counted and pruned): a warning, not an error.
    if !analysis.errors.is_empty() {
        let n = analysis.errors.len();
        eprintln!(
            "gorun-lint: warning: {n} file{} under {} could not be read, so {} helpers are not known (`gorun-lint check` lists {}): {}",
            if n == 1 { "" } else { "s" },
            opts.path.display(),
            if n == 1 { "its" } else { "their" },
            if n == 1 { "it" } else { "them" },
            analysis.errors[0]
        );
    }
    if !report.skipped.is_empty() {
        let shown: Vec<String> = report
            .skipped
            .iter()
            .take(5)
            .map(|s| format!("{} ({})", s.path.display(), s.kind))
            .collect();
        eprintln!(
            "gorun-lint: note: skipped {} entr{} that {} not a regular file or directory (never followed or removed): {}{}",
            report.skipped.len(),
            if report.skipped.len() == 1 { "y" } else { "ies" },
            if report.skipped.len() == 1 { "is" } else { "are" },
            shown.join(", "),
            if report.skipped.len() > 5 { ", ..." } else { "" }
        );
    }
    for p in &report.problems {
        eprintln!("gorun-lint: error: {}: {}", p.path.display(), p.message);
    }
    let mut ok = report.problems.is_empty();
    if let Some(p) = &pruned {
        for f in &p.failed {
            eprintln!("gorun-lint: error: {}: {}", f.path.display(), f.message);
        }
        ok &= p.failed.is_empty();
    }
    Ok(ok)
}

/// For `migrate`: the helpers' part of the cache report, or one line
/// saying why there is none; and the report, when there is one.
pub fn migrate_report(
    helpers: &Helpers,
    path: &Path,
    cwd: &Path,
) -> (String, Option<report::Report>) {
    match load(None, helpers, path, cwd) {
        Ok(r) => (report::helpers_summary(&r, SystemTime::now()), Some(r)),
        Err(e) => (format!("GOCACHE not inspected: {e}\n"), None),
    }
}

/// For `migrate --apply`: the command that reclaims the cached executables
/// of the helpers it migrated (`tools`, their names), when there are some.
pub fn migrate_reclaim(
    report: Option<&report::Report>,
    path: &Path,
    tools: &[String],
) -> Option<String> {
    let report = report?;
    let (files, bytes) = report
        .executables
        .iter()
        .filter(|(e, g)| *g == report::Group::Helpers && tools.contains(&e.name))
        .fold((0usize, 0u64), |(n, b), (e, _)| (n + 1, b + e.bytes));
    (files > 0).then(|| {
        let mut command = prune_command(path, None);
        let mut names: Vec<&String> = tools.iter().collect();
        names.sort();
        names.dedup();
        for t in names {
            command.push_str(&format!(" --tool {}", shell_quote(t)));
        }
        format!(
            "Reclaim the {} that `go run` of the migrated helpers left in GOCACHE ({} file{}; safe while no build runs):\n\n  {}\n",
            report::size(bytes),
            files,
            if files == 1 { "" } else { "s" },
            command
        )
    })
}
