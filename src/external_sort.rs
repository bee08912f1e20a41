//! Sorting more records than should be held: `check` on a large tree keeps
//! the records of the Makefiles it finished while walking, the builds they
//! run and the helper renames the naming gives them on disk, sorted, so
//! that memory stays flat however many files hold `go run`.
//!
//! A [`Sorter`] holds up to a fixed number of records; when full, it sorts
//! them and writes them as a run to an unnamed temporary file (removed by
//! the operating system when the process ends, however it ends), one JSON
//! record a line. [`Sorted::iter`] merges the runs with what is left in
//! memory; it can be called again (the naming reads its builds twice), and
//! iterations do not disturb each other (each reads at its own offsets).
//!
//! Writing is an optimisation only: records that cannot be written (a full
//! disk, a path that is not UTF-8) stay in memory. A run that cannot be
//! read back is an error of the iteration that reads it.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};

use serde::de::DeserializeOwned;
use serde::Serialize;

/// Records held before a run is written (a few hundred bytes each).
pub const RUN_LEN: usize = 512;

/// Runs merged at once: this many runs of one size are merged into one
/// run, so that reading holds one buffer for each of fewer than this many
/// runs of each size.
const FAN_IN: usize = 32;

/// Records to sort: pushed in any order, then [`Sorter::finish`]ed.
#[derive(Debug)]
pub struct Sorter<T> {
    held: Vec<T>,
    runs: Vec<File>,
    /// Each run's size: `run_len * FAN_IN^level` records.
    levels: Vec<u32>,
    run_len: usize,
    /// Set once a run could not be written: the rest stays in memory.
    in_memory: bool,
}

impl<T: Serialize + DeserializeOwned + Ord + Clone> Sorter<T> {
    /// A sorter that writes a run once it holds `run_len` records (at
    /// least one).
    pub fn new(run_len: usize) -> Sorter<T> {
        Sorter {
            held: Vec::new(),
            runs: Vec::new(),
            levels: Vec::new(),
            run_len: run_len.max(1),
            in_memory: false,
        }
    }

    /// Add a record; a full buffer is written out as a run.
    pub fn push(&mut self, record: T) {
        self.held.push(record);
        if self.held.len() >= self.run_len && !self.in_memory {
            self.in_memory = self.write_run().is_err();
        }
    }

    /// Sort what is held and write it as a run; on failure nothing is lost
    /// (the records stay held). [`FAN_IN`] runs of one size are merged into
    /// one run of the next size (so a record is rewritten once per size,
    /// and there are at most `FAN_IN - 1` runs of each).
    fn write_run(&mut self) -> std::io::Result<()> {
        self.held.sort();
        let run = write::<T, _>(self.held.iter().map(Ok))?;
        self.runs.push(run);
        self.levels.push(0);
        self.held.clear();
        while self.levels.len() >= FAN_IN {
            let from = self.levels.len() - FAN_IN;
            let level = self.levels[from];
            if self.levels[from..].iter().any(|l| *l != level) {
                break;
            }
            let some = Sorted {
                held: Vec::new(),
                runs: self.runs.split_off(from),
            };
            match write::<T, T>(some.iter().map(|r| r.map_err(std::io::Error::other))) {
                Ok(run) => {
                    self.runs.push(run);
                    self.levels.truncate(from);
                    self.levels.push(level + 1);
                }
                Err(_) => {
                    // Kept as they are: the reading merges them.
                    self.runs.extend(some.runs);
                    break;
                }
            }
        }
        Ok(())
    }

    pub fn finish(mut self) -> Sorted<T> {
        self.held.sort();
        self.held.shrink_to_fit();
        Sorted {
            held: self.held,
            runs: self.runs,
        }
    }
}

/// Write records, in order, to a new run: one JSON record a line.
fn write<T: Serialize, R: std::borrow::Borrow<T>>(
    records: impl Iterator<Item = std::io::Result<R>>,
) -> std::io::Result<File> {
    let mut file = std::io::BufWriter::new(tempfile::tempfile()?);
    for r in records {
        serde_json::to_writer(&mut file, r?.borrow())?;
        file.write_all(b"\n")?;
    }
    file.into_inner()
        .map_err(std::io::IntoInnerError::into_error)
}

/// Sorted records: runs on disk and the rest in memory.
#[derive(Debug)]
pub struct Sorted<T> {
    held: Vec<T>,
    runs: Vec<File>,
}

impl<T> Default for Sorted<T> {
    fn default() -> Self {
        Sorted {
            held: Vec::new(),
            runs: Vec::new(),
        }
    }
}

impl<T: DeserializeOwned + Ord + Clone> Sorted<T> {
    /// All records in order (equal ones in no particular order).
    pub fn iter(&self) -> Merge<'_, T> {
        let mut runs: Vec<Run<'_, T>> = self
            .runs
            .iter()
            .map(|file| Run {
                lines: BufReader::with_capacity(4096, At { file, offset: 0 }),
                next: None,
            })
            .collect();
        let mut error = None;
        for r in &mut runs {
            if let Err(e) = r.advance() {
                error.get_or_insert(e);
            }
        }
        Merge {
            held: self.held.iter(),
            next_held: None,
            runs,
            error,
        }
        .started()
    }
}

/// A file read from an offset of its own (`read_at`): iterations of one
/// [`Sorted`] share its files, not their positions.
struct At<'a> {
    file: &'a File,
    offset: u64,
}

impl Read for At<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        #[cfg(unix)]
        let n = std::os::unix::fs::FileExt::read_at(self.file, buf, self.offset)?;
        #[cfg(windows)]
        let n = std::os::windows::fs::FileExt::seek_read(self.file, buf, self.offset)?;
        self.offset += n as u64;
        Ok(n)
    }
}

struct Run<'a, T> {
    lines: BufReader<At<'a>>,
    next: Option<T>,
}

impl<T: DeserializeOwned> Run<'_, T> {
    fn advance(&mut self) -> Result<(), String> {
        let mut line = String::new();
        self.next = None;
        let n = self
            .lines
            .read_line(&mut line)
            .map_err(|e| format!("cannot read records back from a temporary file: {e}"))?;
        if n == 0 {
            return Ok(());
        }
        let record = serde_json::from_str(&line)
            .map_err(|e| format!("records read back from a temporary file are damaged: {e}"))?;
        self.next = Some(record);
        Ok(())
    }
}

/// [`Sorted::iter`]. An error ends the iteration after it is given.
pub struct Merge<'a, T> {
    held: std::slice::Iter<'a, T>,
    next_held: Option<&'a T>,
    runs: Vec<Run<'a, T>>,
    error: Option<String>,
}

impl<'a, T: DeserializeOwned + Ord + Clone> Merge<'a, T> {
    fn started(mut self) -> Self {
        self.next_held = self.held.next();
        self
    }
}

impl<T: DeserializeOwned + Ord + Clone> Iterator for Merge<'_, T> {
    type Item = Result<T, String>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(e) = self.error.take() {
            self.runs.clear();
            self.next_held = None;
            return Some(Err(e));
        }
        // The smallest head (a few runs: a linear scan beats a heap).
        let mut best: Option<usize> = None;
        for (i, r) in self.runs.iter().enumerate() {
            if let Some(x) = &r.next {
                if best.is_none_or(|b| self.runs[b].next.as_ref().is_some_and(|y| x < y)) {
                    best = Some(i);
                }
            }
        }
        let from_run = match (best, self.next_held) {
            (Some(b), Some(h)) => self.runs[b].next.as_ref().is_some_and(|x| x < h),
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => return None,
        };
        if !from_run {
            let h = self.next_held.take().cloned();
            self.next_held = self.held.next();
            return h.map(Ok);
        }
        let run = &mut self.runs[best.expect("a run")];
        let record = run.next.take().expect("a head");
        if let Err(e) = run.advance() {
            self.error = Some(e);
        }
        Some(Ok(record))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(items: &[u32], run_len: usize) -> Sorted<u32> {
        let mut s = Sorter::new(run_len);
        for &i in items {
            s.push(i);
        }
        s.finish()
    }

    #[test]
    fn runs_on_disk_merge_with_what_is_held_in_order() {
        // A scrambled 0..1000 with repeats.
        let items: Vec<u32> = (0..1200).map(|i| (i * 7919) % 1000).collect();
        let s = sorted(&items, 64);
        // 18 runs written, fewer than FAN_IN: none merged yet.
        assert_eq!(s.runs.len(), 18);
        let mut want = items.clone();
        want.sort();
        let got: Vec<u32> = s.iter().map(Result::unwrap).collect();
        assert_eq!(got, want);
        // Again, and two iterations at once do not disturb each other.
        let mut a = s.iter();
        let mut b = s.iter();
        for w in &want {
            assert_eq!(a.next().unwrap().unwrap(), *w);
            assert_eq!(b.next().unwrap().unwrap(), *w);
        }
        assert!(a.next().is_none() && b.next().is_none());
        // Its twin: few enough records are all held, none written.
        let s = sorted(&items[..50], 64);
        assert!(s.runs.is_empty());
        assert_eq!(s.iter().count(), 50);
    }

    #[test]
    fn past_the_fan_in_runs_are_merged_into_one() {
        // FAN_IN + 2 runs of 4 and 3 records held.
        let n = FAN_IN as u32 * 4 + 11;
        let items: Vec<u32> = (0..n).rev().collect();
        let s = sorted(&items, 4);
        // The first FAN_IN runs merged into one, then two more.
        assert_eq!(s.runs.len(), 3);
        assert_eq!(s.held.len(), 3);
        let got: Vec<u32> = s.iter().map(Result::unwrap).collect();
        assert_eq!(got, (0..n).collect::<Vec<_>>());
    }

    #[test]
    #[cfg(unix)]
    fn a_damaged_run_is_an_error_not_a_short_answer() {
        let s = sorted(&[3, 1, 2, 9, 8, 7], 3);
        assert_eq!(s.runs.len(), 2);
        // Damage the second run's first record ("7" -> "x").
        std::os::unix::fs::FileExt::write_at(&s.runs[1], b"x", 0).unwrap();
        let got: Vec<Result<u32, String>> = s.iter().collect();
        assert!(got.iter().any(Result::is_err), "{got:?}");
        assert!(got.last().unwrap().is_err());
    }

    #[test]
    #[cfg(unix)]
    fn records_that_cannot_be_written_stay_in_memory() {
        use std::os::unix::ffi::OsStrExt;
        let odd = std::path::PathBuf::from(std::ffi::OsStr::from_bytes(b"d\xff"));
        let mut s = Sorter::new(2);
        s.push(std::path::PathBuf::from("b"));
        s.push(odd.clone());
        s.push(std::path::PathBuf::from("a"));
        assert!(s.in_memory && s.runs.is_empty());
        let got: Vec<_> = s.finish().iter().map(Result::unwrap).collect();
        assert_eq!(got, ["a".into(), "b".into(), odd]);
    }
}
