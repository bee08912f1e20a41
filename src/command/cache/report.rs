//! Group the cached executables (this repository's helpers, tools, other)
//! and render the report: a table per group with a proportional bar, or the
//! JSON object documented in [`super`].

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::PathBuf;
use std::time::SystemTime;

use serde::Serialize;

use super::locate::Location;
use super::names::{self, RepoNames};
use super::prune::Pruned;
use super::scan::{Executable, Problem, Scan, Skipped};

/// The groups, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    Helpers,
    Tools,
    Other,
}

impl Group {
    pub const ALL: [Group; 3] = [Group::Helpers, Group::Tools, Group::Other];

    /// The JSON key.
    pub fn key(self) -> &'static str {
        match self {
            Group::Helpers => "helpers",
            Group::Tools => "tools",
            Group::Other => "other",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Group::Helpers => "This repository's helpers",
            Group::Tools => "Tools",
            Group::Other => "Other",
        }
    }
}

/// The copies of one tool name.
#[derive(Debug, Clone)]
pub struct Row {
    pub name: String,
    pub copies: usize,
    pub bytes: u64,
    pub newest: SystemTime,
    pub oldest: SystemTime,
    pub paths: Vec<PathBuf>,
}

/// One group's rows (by bytes, largest first) and totals.
#[derive(Debug, Clone)]
pub struct GroupReport {
    pub group: Group,
    pub files: usize,
    pub bytes: u64,
    pub rows: Vec<Row>,
}

/// The whole report.
#[derive(Debug)]
pub struct Report {
    pub location: Location,
    /// Every regular file in the cache.
    pub cache_files: u64,
    pub cache_bytes: u64,
    /// Every cached executable with its group, sorted by path.
    pub executables: Vec<(Executable, Group)>,
    /// In [`Group::ALL`] order.
    pub groups: Vec<GroupReport>,
    pub skipped: Vec<Skipped>,
    pub problems: Vec<Problem>,
}

impl Report {
    pub fn group(&self, g: Group) -> &GroupReport {
        &self.groups[g as usize]
    }

    pub fn executable_files(&self) -> usize {
        self.executables.len()
    }

    pub fn executable_bytes(&self) -> u64 {
        self.executables.iter().map(|(e, _)| e.bytes).sum()
    }
}

/// Group a scan's executables.
pub fn build(location: Location, scan: Scan, names: &RepoNames) -> Report {
    // Build information is read only for executables named like a helper.
    let candidates: Vec<usize> = (0..scan.executables.len())
        .filter(|&i| names.helpers.contains_key(&scan.executables[i].name))
        .collect();
    let identified: BTreeMap<usize, bool> = candidates
        .iter()
        .copied()
        .zip(super::scan::par_map(&candidates, |&i| {
            let e = &scan.executables[i];
            names::identify(&e.path, &names.helpers[&e.name])
        }))
        .collect();
    let executables: Vec<(Executable, Group)> = scan
        .executables
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            let helper = identified.get(&i).copied().unwrap_or(false);
            let g = if helper {
                Group::Helpers
            } else if names.tools.contains(&e.name) {
                Group::Tools
            } else {
                Group::Other
            };
            (e, g)
        })
        .collect();
    let groups = Group::ALL
        .iter()
        .map(|&g| {
            let rows = rows(executables.iter().filter(|(_, h)| *h == g).map(|(e, _)| e));
            GroupReport {
                group: g,
                files: rows.iter().map(|r| r.copies).sum(),
                bytes: rows.iter().map(|r| r.bytes).sum(),
                rows,
            }
        })
        .collect();
    Report {
        location,
        cache_files: scan.files,
        cache_bytes: scan.bytes,
        executables,
        groups,
        skipped: scan.skipped,
        problems: scan.problems,
    }
}

/// Executables grouped by name; largest first, then by name.
pub fn rows<'a>(exes: impl Iterator<Item = &'a Executable>) -> Vec<Row> {
    let mut by_name: BTreeMap<&str, Row> = BTreeMap::new();
    for e in exes {
        let r = by_name.entry(&e.name).or_insert_with(|| Row {
            name: e.name.clone(),
            copies: 0,
            bytes: 0,
            newest: e.used,
            oldest: e.used,
            paths: Vec::new(),
        });
        r.copies += 1;
        r.bytes += e.bytes;
        r.newest = r.newest.max(e.used);
        r.oldest = r.oldest.min(e.used);
        r.paths.push(e.path.clone());
    }
    let mut out: Vec<Row> = by_name.into_values().collect();
    out.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.name.cmp(&b.name)));
    out
}

/// Rows shown per group in the human report; `--format json` lists all.
pub const MAX_ROWS: usize = 20;
const BAR_WIDTH: usize = 24;

/// What the human report says to run to reclaim space.
#[derive(Debug, Clone)]
pub struct Hints {
    /// `gorun-lint cache --prune [--gocache DIR] [PATH]`.
    pub prune: String,
}

/// The human report (and the prune outcome, when pruning).
pub fn human(report: &Report, pruned: Option<&Pruned>, hints: &Hints, now: SystemTime) -> String {
    let mut out = String::new();
    let exe_bytes = report.executable_bytes();
    let _ = writeln!(
        out,
        "GOCACHE {} ({})",
        report.location.dir.display(),
        report.location.source.describe()
    );
    let _ = writeln!(
        out,
        "        {} in {} file{}; {} cached executable{}: {}{}",
        size(report.cache_bytes),
        thousands(report.cache_files),
        plural(report.cache_files as usize),
        thousands(report.executable_files() as u64),
        plural(report.executable_files()),
        size(exe_bytes),
        percent(exe_bytes, report.cache_bytes)
    );
    if let Some(p) = pruned {
        out.push('\n');
        out.push_str(&human_pruned(report, p, now));
        return out;
    }
    let max = report
        .groups
        .iter()
        .flat_map(|g| g.rows.iter().take(MAX_ROWS))
        .map(|r| r.bytes)
        .max()
        .unwrap_or(0);
    for g in &report.groups {
        out.push('\n');
        if g.rows.is_empty() {
            let _ = writeln!(out, "{}: none", g.group.title());
            continue;
        }
        let _ = writeln!(
            out,
            "{}: {} executable{}, {}{}",
            g.group.title(),
            g.files,
            plural(g.files),
            size(g.bytes),
            percent(g.bytes, report.cache_bytes)
        );
        out.push_str(&table(&g.rows, max, now));
    }
    let helpers = report.group(Group::Helpers);
    out.push('\n');
    if helpers.files > 0 {
        let _ = writeln!(
            out,
            "Free {} (the helpers' {} executable{}): {}",
            size(helpers.bytes),
            helpers.files,
            plural(helpers.files),
            hints.prune
        );
    }
    if report.executable_files() > helpers.files {
        let _ = writeln!(
            out,
            "Free {} (all {} cached executables): {} --all-executables",
            size(exe_bytes),
            report.executable_files(),
            hints.prune
        );
    }
    if report.executable_files() > 0 {
        out.push_str(
            "Safe while no build runs: the go command treats a missing executable as a cache miss and rebuilds it.\n",
        );
    }
    out
}

fn human_pruned(report: &Report, p: &Pruned, now: SystemTime) -> String {
    let mut out = String::new();
    let what = if p.all {
        "cached executable"
    } else {
        "cached executable of this repository's helpers"
    };
    let what_pl = if p.all {
        "cached executables"
    } else {
        "cached executables of this repository's helpers"
    };
    let n = p.removed.len();
    if n == 0 {
        let _ = writeln!(out, "No {what} to remove.");
        let rest = report.executable_files();
        if !p.all && rest > 0 {
            let _ = writeln!(
                out,
                "--all-executables would remove all {rest} ({}).",
                size(report.executable_bytes())
            );
        }
    } else {
        let noun = if n == 1 { what } else { what_pl };
        if p.dry_run {
            let _ = writeln!(
                out,
                "Would remove {n} {noun}, {} (dry run: nothing was removed):",
                size(p.bytes())
            );
        } else {
            let _ = writeln!(out, "Removed {n} {noun}: {} freed.", size(p.bytes()));
        }
        let rows = rows(p.removed.iter());
        let max = rows.first().map_or(0, |r| r.bytes);
        out.push_str(&table(&rows, max, now));
        if !p.dry_run {
            out.push_str(
                "The go command treats a missing executable as a cache miss: the next `go run` rebuilds it.\n",
            );
        }
    }
    if !p.failed.is_empty() {
        let _ = writeln!(
            out,
            "{} file{} could not be removed (see the errors).",
            p.failed.len(),
            plural(p.failed.len())
        );
    }
    out
}

/// The helpers' part of the report, for `migrate`.
pub fn helpers_summary(report: &Report, now: SystemTime) -> String {
    let mut out = String::new();
    let h = report.group(Group::Helpers);
    if h.rows.is_empty() {
        let _ = writeln!(
            out,
            "GOCACHE {}: no cached executable of this repository's helpers ({} cache, {} in {} executable{}).",
            report.location.dir.display(),
            size(report.cache_bytes),
            size(report.executable_bytes()),
            report.executable_files(),
            plural(report.executable_files())
        );
        return out;
    }
    let _ = writeln!(
        out,
        "GOCACHE {}: `go run` of this repository's helpers left {} cached executable{}, {} ({} cache):",
        report.location.dir.display(),
        h.files,
        plural(h.files),
        size(h.bytes),
        match percent(h.bytes, report.cache_bytes).trim() {
            "" => format!("of the {}", size(report.cache_bytes)),
            p => format!("{} of the {}", p.trim_matches(['(', ')']), size(report.cache_bytes)),
        }
    );
    let max = h.rows.first().map_or(0, |r| r.bytes);
    out.push_str(&table(&h.rows, max, now));
    out
}

fn table(rows: &[Row], max: u64, now: SystemTime) -> String {
    let shown = &rows[..rows.len().min(MAX_ROWS)];
    let cells: Vec<[String; 5]> = shown
        .iter()
        .map(|r| {
            [
                r.name.clone(),
                r.copies.to_string(),
                size(r.bytes),
                age(now, r.newest),
                age(now, r.oldest),
            ]
        })
        .collect();
    let head = ["tool", "copies", "size", "last used", "oldest"];
    let mut w: Vec<usize> = head.iter().map(|h| h.chars().count()).collect();
    for c in &cells {
        for (w, c) in w.iter_mut().zip(c) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    let header = format!(
        "  {:<w0$}  {:>w1$}  {:>w2$}  {:<w3$}  {}",
        head[0],
        head[1],
        head[2],
        head[3],
        head[4],
        w0 = w[0],
        w1 = w[1],
        w2 = w[2],
        w3 = w[3],
    );
    let _ = writeln!(out, "{header}");
    for (c, r) in cells.iter().zip(shown) {
        let line = format!(
            "  {:<w0$}  {:>w1$}  {:>w2$}  {:<w3$}  {:<w4$}  {}",
            c[0],
            c[1],
            c[2],
            c[3],
            c[4],
            bar(r.bytes, max),
            w0 = w[0],
            w1 = w[1],
            w2 = w[2],
            w3 = w[3],
            w4 = w[4]
        );
        let _ = writeln!(out, "{}", line.trim_end());
    }
    if rows.len() > shown.len() {
        let rest = &rows[shown.len()..];
        let _ = writeln!(
            out,
            "  ... and {} more name{} ({} executable{}, {}); --format json lists all",
            rest.len(),
            plural(rest.len()),
            rest.iter().map(|r| r.copies).sum::<usize>(),
            plural(rest.iter().map(|r| r.copies).sum::<usize>()),
            size(rest.iter().map(|r| r.bytes).sum())
        );
    }
    out
}

/// A bar of `bytes / max` of [`BAR_WIDTH`] cells, in eighths.
pub fn bar(bytes: u64, max: u64) -> String {
    if max == 0 || bytes == 0 {
        return String::new();
    }
    let eighths = ((bytes as u128 * (BAR_WIDTH as u128) * 8) / max as u128).max(1) as usize;
    let mut s = "█".repeat(eighths / 8);
    const PARTS: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
    s.push_str(PARTS[eighths % 8]);
    s
}

/// Decimal units: `1.5 MB` is 1,500,000 bytes.
pub fn size(b: u64) -> String {
    const UNITS: [&str; 5] = ["KB", "MB", "GB", "TB", "PB"];
    if b < 1000 {
        return format!("{b} B");
    }
    let mut v = b as f64 / 1000.0;
    let mut u = 0;
    while v >= 999.95 && u + 1 < UNITS.len() {
        v /= 1000.0;
        u += 1;
    }
    format!("{v:.1} {}", UNITS[u])
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return String::new();
    }
    let p = part as f64 * 100.0 / whole as f64;
    if p > 0.0 && p < 1.0 {
        " (<1%)".into()
    } else {
        format!(" ({p:.0}%)")
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// How long ago: `just now`, `12 min ago`, `5 h ago`, `3 days ago`.
pub fn age(now: SystemTime, t: SystemTime) -> String {
    let secs = now.duration_since(t).map_or(0, |d| d.as_secs());
    match secs {
        0..60 => "just now".into(),
        60..3600 => format!("{} min ago", secs / 60),
        3600..172_800 => format!("{} h ago", secs / 3600),
        _ => format!("{} days ago", secs / 86_400),
    }
}

/// RFC 3339 in UTC, to the second: `2025-11-27T16:41:03Z`.
pub fn rfc3339(t: SystemTime) -> String {
    let secs = match t.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    };
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[derive(Serialize)]
struct JsonOut<'a> {
    version: u32,
    gocache: String,
    found_by: &'static str,
    cache: Totals,
    executables: Totals,
    groups: BTreeMap<&'static str, JsonGroup>,
    skipped: Vec<JsonSkipped>,
    problems: Vec<JsonProblem>,
    prune: Option<JsonPrune<'a>>,
}

#[derive(Serialize)]
struct Totals {
    files: u64,
    bytes: u64,
}

#[derive(Serialize)]
struct JsonGroup {
    files: usize,
    bytes: u64,
    names: Vec<JsonRow>,
}

#[derive(Serialize)]
struct JsonRow {
    name: String,
    copies: usize,
    bytes: u64,
    newest: String,
    oldest: String,
    paths: Vec<String>,
}

#[derive(Serialize)]
struct JsonSkipped {
    path: String,
    kind: &'static str,
}

#[derive(Serialize)]
struct JsonProblem {
    path: String,
    message: String,
}

#[derive(Serialize)]
struct JsonPrune<'a> {
    scope: &'a str,
    dry_run: bool,
    files: usize,
    bytes: u64,
    names: Vec<JsonRow>,
    failed: Vec<JsonProblem>,
}

fn json_rows(rows: &[Row]) -> Vec<JsonRow> {
    rows.iter()
        .map(|r| JsonRow {
            name: r.name.clone(),
            copies: r.copies,
            bytes: r.bytes,
            newest: rfc3339(r.newest),
            oldest: rfc3339(r.oldest),
            paths: r.paths.iter().map(|p| p.display().to_string()).collect(),
        })
        .collect()
}

fn json_problems(ps: &[Problem]) -> Vec<JsonProblem> {
    ps.iter()
        .map(|p| JsonProblem {
            path: p.path.display().to_string(),
            message: p.message.clone(),
        })
        .collect()
}

/// The JSON object (see the module documentation of [`super`]).
pub fn json(report: &Report, pruned: Option<&Pruned>) -> String {
    let out = JsonOut {
        version: 1,
        gocache: report.location.dir.display().to_string(),
        found_by: report.location.source.key(),
        cache: Totals {
            files: report.cache_files,
            bytes: report.cache_bytes,
        },
        executables: Totals {
            files: report.executable_files() as u64,
            bytes: report.executable_bytes(),
        },
        groups: report
            .groups
            .iter()
            .map(|g| {
                (
                    g.group.key(),
                    JsonGroup {
                        files: g.files,
                        bytes: g.bytes,
                        names: json_rows(&g.rows),
                    },
                )
            })
            .collect(),
        skipped: report
            .skipped
            .iter()
            .map(|s| JsonSkipped {
                path: s.path.display().to_string(),
                kind: s.kind,
            })
            .collect(),
        problems: json_problems(&report.problems),
        prune: pruned.map(|p| JsonPrune {
            scope: if p.all { "all" } else { "helpers" },
            dry_run: p.dry_run,
            files: p.removed.len(),
            bytes: p.bytes(),
            names: json_rows(&rows(p.removed.iter())),
            failed: json_problems(&p.failed),
        }),
    };
    let mut s = serde_json::to_string_pretty(&out).expect("the report serializes");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn formats() {
        assert_eq!(size(999), "999 B");
        assert_eq!(size(1_500_000), "1.5 MB");
        assert_eq!(size(401_000_000), "401.0 MB");
        assert_eq!(size(999_990_000), "1.0 GB");
        assert_eq!(thousands(48211), "48,211");
        assert_eq!(thousands(100), "100");
        assert_eq!(bar(0, 10), "");
        assert_eq!(bar(10, 10).chars().count(), BAR_WIDTH);
        assert_eq!(bar(1, 1000), "▏");
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_261_663);
        assert_eq!(rfc3339(t0), "2025-11-27T16:41:03Z");
        assert_eq!(rfc3339(SystemTime::UNIX_EPOCH), "1970-01-01T00:00:00Z");
        assert_eq!(
            rfc3339(SystemTime::UNIX_EPOCH + Duration::from_secs(951_782_400)),
            "2000-02-29T00:00:00Z"
        );
        assert_eq!(age(t0, t0), "just now");
        assert_eq!(age(t0 + Duration::from_secs(7200), t0), "2 h ago");
        assert_eq!(age(t0 + Duration::from_secs(3 * 86_400), t0), "3 days ago");
        assert_eq!(age(t0, t0 + Duration::from_secs(5)), "just now");
    }
}
