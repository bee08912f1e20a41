//! Where a run's time goes (`--timings`): time and work per stage, summed
//! over the threads that ran it, printed on standard error after the
//! report.
//!
//! Why process-wide counters rather than a collector passed down: the
//! stages run on the walker's threads, deep inside calls (a read in
//! [`crate::lint::read`], a parse in the analysis, a render in the command
//! layer) whose signatures would all grow an argument that only this flag
//! reads. Here a stage is timed by wrapping it ([`time`], [`Span`]); when
//! the flag is off that costs one relaxed atomic load, and nothing is
//! recorded. The counters are atomics, so threads add to them without a
//! lock; they are summed, so on two cores the stages can add up to twice
//! the wall time. A run enables them once ([`enable`]); tests that call
//! the library in-process leave them off.
//!
//! The walk has no call of its own to wrap: it is the walker's threads'
//! CPU time less the time they spent in the per-file work they were handed
//! (directory reads, ignore rules, `stat`s). CPU time, not wall time: a
//! walker thread with nothing left to walk waits for the others (with one
//! large Makefile, for seconds), and waiting is no walking. The thread's
//! CPU clock is read with `clock_gettime` (libc, already in the build
//! through miette and indicatif); where there is none (Windows), its wall
//! time stands in. The process's CPU time (`getrusage`) is printed
//! beside the wall time, so a stage's share of the CPU shows.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

/// A stage of the pipeline, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Directory walking: the walker threads' time outside the per-file
    /// work.
    Walk,
    /// Reading files (bytes: what was read).
    Read,
    /// Deciding from its bytes whether a file can matter (Makefiles: the
    /// prefilter; other sources: a search for `go`).
    Prefilter,
    /// A Makefile's structure: tree-sitter, or the line reader.
    Parse,
    /// Commands to callsites: the shell scan of recipes, scripts,
    /// workflows, Procfiles and `.go` files.
    Scan,
    /// What each callsite runs, where it is allowed, its build.
    Classify,
    /// Helper target names, and the allowlist.
    Name,
    /// The rules: findings and their fixes.
    Rules,
    /// Writing the report.
    Render,
}

const STAGES: [Stage; 9] = [
    Stage::Walk,
    Stage::Read,
    Stage::Prefilter,
    Stage::Parse,
    Stage::Scan,
    Stage::Classify,
    Stage::Name,
    Stage::Rules,
    Stage::Render,
];

impl Stage {
    pub fn name(self) -> &'static str {
        match self {
            Stage::Walk => "walk",
            Stage::Read => "read",
            Stage::Prefilter => "prefilter",
            Stage::Parse => "parse",
            Stage::Scan => "scan",
            Stage::Classify => "classify",
            Stage::Name => "name",
            Stage::Rules => "rules",
            Stage::Render => "render",
        }
    }
}

static ENABLED: AtomicBool = AtomicBool::new(false);
static NANOS: [AtomicU64; STAGES.len()] = [const { AtomicU64::new(0) }; STAGES.len()];
static CALLS: [AtomicU64; STAGES.len()] = [const { AtomicU64::new(0) }; STAGES.len()];
static BYTES: [AtomicU64; STAGES.len()] = [const { AtomicU64::new(0) }; STAGES.len()];
/// The walker threads' summed lifetimes, and their time in per-file work.
static WALKER: AtomicU64 = AtomicU64::new(0);
static WALKER_WORK: AtomicU64 = AtomicU64::new(0);

/// Record from now on (the `--timings` flag).
pub fn enable() {
    ENABLED.store(true, Relaxed);
}

pub fn enabled() -> bool {
    ENABLED.load(Relaxed)
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// A stage being timed: recorded when dropped.
#[must_use = "a span records when it is dropped"]
pub struct Span {
    stage: Stage,
    start: Option<Instant>,
}

impl Span {
    pub fn new(stage: Stage) -> Span {
        Span {
            stage,
            start: enabled().then(Instant::now),
        }
    }
}

impl Drop for Span {
    fn drop(&mut self) {
        if let Some(start) = self.start {
            let i = self.stage as usize;
            NANOS[i].fetch_add(nanos(start.elapsed()), Relaxed);
            CALLS[i].fetch_add(1, Relaxed);
        }
    }
}

/// Run `f` as `stage`.
pub fn time<T>(stage: Stage, f: impl FnOnce() -> T) -> T {
    let _span = Span::new(stage);
    f()
}

/// Count `n` bytes against `stage` (what was read).
pub fn bytes(stage: Stage, n: usize) {
    if enabled() {
        BYTES[stage as usize].fetch_add(n as u64, Relaxed);
    }
}

/// This thread's CPU time (user and system), or `None` where it cannot be
/// read.
#[cfg(unix)]
fn thread_cpu() -> Option<Duration> {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid, writable timespec for the call's duration.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    (rc == 0).then(|| Duration::new(t.tv_sec as u64, t.tv_nsec as u32))
}

#[cfg(not(unix))]
fn thread_cpu() -> Option<Duration> {
    None
}

/// The process's CPU time so far (user and system, every thread), where it
/// can be read.
#[cfg(unix)]
pub fn process_cpu() -> Option<Duration> {
    // SAFETY: an all-zero rusage is a valid value for getrusage to fill.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `u` is a valid, writable rusage for the call's duration.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    (rc == 0).then(|| tv(u.ru_utime) + tv(u.ru_stime))
}

#[cfg(not(unix))]
pub fn process_cpu() -> Option<Duration> {
    None
}

/// One walker thread's clock: its CPU time (else its lifetime), and the
/// time it spent in per-file work ([`WalkerClock::work`]), recorded when
/// dropped (when the thread's walk ends). Each clock counts one walker
/// thread (the walk's `calls`).
pub struct WalkerClock {
    start: Option<(Instant, Option<Duration>)>,
    work: Duration,
}

impl WalkerClock {
    pub fn new() -> WalkerClock {
        let on = enabled();
        if on {
            CALLS[Stage::Walk as usize].fetch_add(1, Relaxed);
        }
        WalkerClock {
            start: on.then(|| (Instant::now(), thread_cpu())),
            work: Duration::ZERO,
        }
    }

    /// Run the per-file work `f`, which times its own stages.
    pub fn work<T>(&mut self, f: impl FnOnce() -> T) -> T {
        match self.start {
            None => f(),
            Some(_) => {
                let t = Instant::now();
                let r = f();
                self.work += t.elapsed();
                r
            }
        }
    }
}

impl Default for WalkerClock {
    fn default() -> Self {
        WalkerClock::new()
    }
}

impl Drop for WalkerClock {
    fn drop(&mut self) {
        if let Some((wall, cpu)) = self.start {
            let spent = match (cpu, thread_cpu()) {
                (Some(a), Some(b)) => b.saturating_sub(a),
                _ => wall.elapsed(),
            };
            WALKER.fetch_add(nanos(spent), Relaxed);
            WALKER_WORK.fetch_add(nanos(self.work), Relaxed);
        }
    }
}

/// One stage's totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub stage: Stage,
    pub time: Duration,
    /// How many times it ran (files read, Makefiles parsed...); for the
    /// walk, the walker threads.
    pub calls: u64,
    pub bytes: u64,
}

/// The totals so far, every stage in order.
pub fn rows() -> Vec<Row> {
    STAGES
        .iter()
        .map(|&stage| {
            let i = stage as usize;
            let (time, calls) = if stage == Stage::Walk {
                let walker = WALKER.load(Relaxed);
                let work = WALKER_WORK.load(Relaxed);
                (walker.saturating_sub(work), CALLS[i].load(Relaxed))
            } else {
                (NANOS[i].load(Relaxed), CALLS[i].load(Relaxed))
            };
            Row {
                stage,
                time: Duration::from_nanos(time),
                calls,
                bytes: BYTES[i].load(Relaxed),
            }
        })
        .collect()
}

/// The table `--timings` prints: one line per stage, then their sum, the
/// wall time and the process's CPU time (when known).
pub fn table(rows: &[Row], wall: Duration, cpu: Option<Duration>) -> String {
    use std::fmt::Write;
    let mut s = String::from(
        "gorun-lint timings (each stage summed over the threads that ran it):\n  stage          time      calls        bytes\n",
    );
    for r in rows {
        let _ = writeln!(
            s,
            "  {:<10} {:>9.1} ms {:>10} {:>12}",
            r.stage.name(),
            r.time.as_secs_f64() * 1e3,
            r.calls,
            r.bytes
        );
    }
    let summed: Duration = rows.iter().map(|r| r.time).sum();
    let _ = writeln!(
        s,
        "  {:<10} {:>9.1} ms\n  {:<10} {:>9.1} ms",
        "(summed)",
        summed.as_secs_f64() * 1e3,
        "wall",
        wall.as_secs_f64() * 1e3
    );
    if let Some(cpu) = cpu {
        let _ = writeln!(s, "  {:<10} {:>9.1} ms", "cpu", cpu.as_secs_f64() * 1e3);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_lists_every_stage_in_order() {
        let rows: Vec<Row> = STAGES
            .iter()
            .enumerate()
            .map(|(i, &stage)| Row {
                stage,
                time: Duration::from_micros(100 * i as u64),
                calls: i as u64,
                bytes: 0,
            })
            .collect();
        let t = table(
            &rows,
            Duration::from_millis(5),
            Some(Duration::from_millis(7)),
        );
        let names: Vec<&str> = t
            .lines()
            .skip(2)
            .map(|l| l.split_whitespace().next().unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "walk",
                "read",
                "prefilter",
                "parse",
                "scan",
                "classify",
                "name",
                "rules",
                "render",
                "(summed)",
                "wall",
                "cpu"
            ]
        );
        assert!(t.contains("  (summed)         3.6 ms\n"), "{t}");
        assert!(t.ends_with("  cpu              7.0 ms\n"), "{t}");
    }
}
