//! `check --cache-cost`: what each `go run` (and `go tool`) finding's
//! executable has left in GOCACHE on this machine, now.
//!
//! The lint says what a callsite links ([`CachedExe`]: the go command's
//! name for the executable and, where known, its main package or first
//! file); this module reads the cache with the `cache` subcommand's own
//! stages ([`super::locate`], [`super::scan`], [`super::names::identify`]),
//! read-only, and counts per executable the cached builds that are *that*
//! callsite's: same name, and build information naming the same package
//! (so another project's `gen` is not charged to this one's; an executable
//! without build information is matched by name, as `cache` does). The
//! findings are not changed: the renderers look the cost up by the
//! finding's executable ([`Costs::of`]), so the lint layer never depends on
//! the cache, and without the flag nothing here runs and no output changes.
//!
//! Decisions:
//!
//! - **Nothing cached, nothing said.** A finding whose executable has no
//!   cached build gets no note and no `cache_cost` field, in every format:
//!   the cost is what is there, and a "none cached" line on every clean
//!   helper would bury the ones that cost something. Absent therefore means
//!   zero (or, with a warning on stderr, that GOCACHE could not be read).
//! - **A cache that cannot be read is a warning, not an error.** The cost
//!   is an aside to `check`'s findings: `GOCACHE=off`, a missing or foreign
//!   directory, or unreadable entries print one warning on stderr and the
//!   findings and exit code stay what they are without the flag.
//! - **Builds, not runs.** Each cached executable is one distinct build
//!   (other flags, other sources); the count says how many copies the cache
//!   holds, and bytes are their file sizes, as `cache` reports them.
//! - **Located as `cache` locates it** (`$GOCACHE`, the go env file, the
//!   platform default), without running go; `check` has no `--gocache`
//!   (set `GOCACHE` to look elsewhere).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::names::{self, Expected};
use super::{locate, scan};
use crate::error::Error;
use crate::lint::diagnostic::{CachedExe, Diagnostic};

/// What one executable has left in GOCACHE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cost {
    /// The executable's name (the cached file's).
    pub tool: String,
    /// Cached builds (files).
    pub builds: usize,
    /// Their size in bytes.
    pub bytes: u64,
}

impl Cost {
    /// `GOCACHE holds 2 builds of `apitypings` (212.3 MB)`.
    pub fn sentence(&self) -> String {
        format!(
            "GOCACHE holds {} build{} of `{}` ({})",
            self.builds,
            if self.builds == 1 { "" } else { "s" },
            self.tool,
            super::report::size(self.bytes)
        )
    }
}

/// The costs of a report's findings: only executables with at least one
/// cached build are held.
#[derive(Debug, Clone, Default)]
pub struct Costs {
    by_exe: BTreeMap<CachedExe, Cost>,
}

impl Costs {
    /// The cost of a finding's executable, when it has cached builds.
    pub fn of(&self, d: &Diagnostic) -> Option<&Cost> {
        self.by_exe.get(d.exe.as_ref()?)
    }
}

/// What was measured, and what could not be read (entries of the cache).
#[derive(Debug)]
pub struct Measured {
    pub costs: Costs,
    /// Entries the walk could not read: the costs may be low.
    pub problems: usize,
}

/// Locate GOCACHE from `cwd` and the environment, walk it and count the
/// cached builds of each finding's executable.
pub fn measure<'a>(
    diagnostics: impl IntoIterator<Item = &'a Diagnostic>,
    cwd: &Path,
) -> Result<Measured, Error> {
    let location = locate::locate(None, cwd)?;
    locate::check(&location)?;
    let wanted: BTreeSet<&CachedExe> = diagnostics
        .into_iter()
        .filter_map(|d| d.exe.as_ref())
        .collect();
    if wanted.is_empty() {
        return Ok(Measured {
            costs: Costs::default(),
            problems: 0,
        });
    }
    let scan = scan::scan(&location.dir)?;
    Ok(Measured {
        costs: count(&scan.executables, &wanted),
        problems: scan.problems.len(),
    })
}

/// The cached builds of each wanted executable among `cached`.
fn count(cached: &[scan::Executable], wanted: &BTreeSet<&CachedExe>) -> Costs {
    let mut by_name: BTreeMap<&str, Vec<&CachedExe>> = BTreeMap::new();
    for w in wanted {
        by_name.entry(w.name.as_str()).or_default().push(w);
    }
    // (cached executable, wanted executable) pairs of one name; build
    // information is read only for these.
    let pairs: Vec<(&scan::Executable, &CachedExe)> = cached
        .iter()
        .flat_map(|e| {
            by_name
                .get(e.name.as_str())
                .into_iter()
                .flatten()
                .map(move |w| (e, *w))
        })
        .collect();
    let hits = scan::par_map(&pairs, |(e, w)| {
        names::identify(&e.path, &BTreeSet::from([Expected::of(w)]))
    });
    let mut by_exe: BTreeMap<CachedExe, Cost> = BTreeMap::new();
    for ((e, w), hit) in pairs.into_iter().zip(hits) {
        if !hit {
            continue;
        }
        let c = by_exe.entry(w.clone()).or_insert_with(|| Cost {
            tool: w.name.clone(),
            builds: 0,
            bytes: 0,
        });
        c.builds += 1;
        c.bytes += e.bytes;
    }
    Costs { by_exe }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use std::time::SystemTime;

    fn exe(path: &str, bytes: u64) -> scan::Executable {
        let path = PathBuf::from(path);
        scan::Executable {
            name: scan::tool_name(&path.file_name().unwrap().to_string_lossy()),
            path,
            bytes,
            used: SystemTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn counts_by_name_and_says_it() {
        // Files that do not exist have no build information: matched by name.
        let cached = [
            exe("/c/aa/aa-d/apitypings", 100),
            exe("/c/bb/bb-d/apitypings", 2_000_000),
            exe("/c/cc/cc-d/other", 7),
        ];
        let api = CachedExe {
            name: "apitypings".into(),
            package: None,
            file: None,
        };
        let gen = CachedExe {
            name: "gen".into(),
            package: None,
            file: None,
        };
        let costs = count(&cached, &BTreeSet::from([&api, &gen]));
        let cost = costs.by_exe.get(&api).unwrap();
        assert_eq!((cost.builds, cost.bytes), (2, 2_000_100));
        assert_eq!(
            cost.sentence(),
            "GOCACHE holds 2 builds of `apitypings` (2.0 MB)"
        );
        // Nothing cached: nothing held.
        assert!(!costs.by_exe.contains_key(&gen));
        let one = Cost {
            tool: "x".into(),
            builds: 1,
            bytes: 10,
        };
        assert_eq!(one.sentence(), "GOCACHE holds 1 build of `x` (10 B)");
    }
}
