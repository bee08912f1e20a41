//! Finished files kept on disk. `check` finishes most Makefiles while it
//! walks ([`crate::analysis::Finished`]) and keeps only their findings, the
//! builds they run (for the helper naming of all files) and a few counts;
//! on a large tree with many findings those alone would make memory grow
//! with the tree. Past a number of findings held
//! ([`crate::analysis::Options`]'s `spill_after`), each file finished is
//! written out instead: its findings to an unnamed temporary file (the
//! spill, removed by the operating system when the process ends, however it
//! ends), its record ([`FileRecord`]) and builds to external sorts
//! ([`crate::external_sort`]). The naming reads the builds sorted and
//! writes the renames it gives ([`RenameRecord`]) to another; the report
//! reads the records, each file's findings and renames one file at a time,
//! in report order ([`crate::check::Report::iter`]).
//!
//! Writing out is an optimisation only: a file that cannot be written is
//! kept in memory, and one that cannot be read back is an error of the run.

use std::collections::HashSet;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, FixSummary};
use crate::external_sort::Sorted;
use crate::parse::Span;
use crate::source::SourceFile;

/// The temporary file and the end of what was written to it.
#[derive(Debug)]
pub struct Spill {
    file: Mutex<(std::fs::File, u64)>,
}

/// Where one file's findings are in the spill.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Chunk {
    offset: u64,
    len: u64,
}

/// A finished file written out: what the report needs of it without its
/// findings (the path it shows, its report order; where its findings are,
/// how many, failing, fixable) and what the rest of the run needs (its
/// allowlist use; which findings name which of its builds' helpers, for
/// the renames). Sorted by the path shown.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FileRecord {
    pub display: String,
    pub path: PathBuf,
    pub chunk: Option<Chunk>,
    pub count: usize,
    pub failing: usize,
    pub fixable: usize,
    /// Callsites the allowlist exempts.
    pub allowed: usize,
    /// Allowlist keys used, per config file.
    pub used_allow: Vec<(PathBuf, Vec<String>)>,
    /// The findings that name a helper: (finding, build) indices.
    pub named: Vec<(u32, u32)>,
}

impl FileRecord {
    /// Count its findings: all, failing, fixable.
    pub fn count(&mut self, diagnostics: &[Diagnostic]) {
        self.count = diagnostics.len();
        self.failing = diagnostics
            .iter()
            .filter(|d| d.severity() >= crate::diagnostic::Severity::Warning)
            .count();
        self.fixable = diagnostics.iter().filter(|d| d.fix.is_some()).count();
    }

    /// Its findings, renamed (`renames`: its own, by build) and in report
    /// order.
    pub fn read(&self, spill: &Spill, renames: &[RenameRecord]) -> Result<Vec<Diagnostic>, String> {
        let Some(chunk) = &self.chunk else {
            return Ok(Vec::new());
        };
        let mut ds = spill.read(chunk)?;
        for &(di, ni) in &self.named {
            if let Some(r) = renames.iter().find(|r| r.build == ni) {
                let d = ds.get_mut(di as usize).ok_or("a rename names no finding")?;
                crate::analysis::Rename::new(&r.name).apply(d);
            }
        }
        ds.sort_by(Diagnostic::order);
        Ok(ds)
    }
}

/// A written-out file's helper that the naming of all files renamed.
/// Sorted like [`FileRecord`]s, by the file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RenameRecord {
    pub display: String,
    pub path: PathBuf,
    pub build: u32,
    pub name: String,
}

/// The finished files written out ([`FileRecord`]), their findings (the
/// spill) and their renames, as the report reads them; what they add to
/// the run's totals ([`Written::tally`]).
#[derive(Debug)]
pub struct Written {
    pub spill: Arc<Spill>,
    pub files: Sorted<FileRecord>,
    pub renames: Sorted<RenameRecord>,
    /// Files whose record does not count: also named, or included by
    /// another file (analysed again in full), or finished in memory too.
    pub dropped: HashSet<PathBuf>,
    /// The totals of the records that count ([`Written::tally`]).
    pub count: usize,
    pub failing: usize,
    pub fixable: usize,
    pub allowed: usize,
}

impl Written {
    /// The records that count, in report order, each file once.
    pub fn records(&self) -> impl Iterator<Item = Result<FileRecord, String>> + '_ {
        let mut last: Option<PathBuf> = None;
        self.files.iter().filter(move |r| {
            let Ok(r) = r else {
                return true;
            };
            if self.dropped.contains(&r.path) || last.as_ref() == Some(&r.path) {
                return false;
            }
            last = Some(r.path.clone());
            true
        })
    }

    /// Add up the records that count; their allowlist use goes into
    /// `used_allow`.
    pub fn tally(
        &mut self,
        used_allow: &mut std::collections::HashMap<PathBuf, Vec<String>>,
    ) -> Result<(), String> {
        let (mut count, mut failing, mut fixable, mut allowed) = (0, 0, 0, 0);
        for r in self.records() {
            let r = r?;
            count += r.count;
            failing += r.failing;
            fixable += r.fixable;
            allowed += r.allowed;
            for (p, keys) in r.used_allow {
                let used = used_allow.entry(p).or_default();
                for k in keys {
                    if !used.contains(&k) {
                        used.push(k);
                    }
                }
            }
        }
        (self.count, self.failing, self.fixable, self.allowed) = (count, failing, fixable, allowed);
        Ok(())
    }
}

/// One file's findings as written: the source excerpts they show (a
/// finished file's findings share one; borrowed when written, owned when
/// read back) and the findings.
#[derive(Serialize, Deserialize)]
struct Stored<F> {
    files: Vec<F>,
    diagnostics: Vec<StoredDiagnostic>,
}

#[derive(Serialize, Deserialize)]
struct StoredDiagnostic {
    rule: String,
    /// Index into [`Stored::files`].
    file: usize,
    span: Span,
    message: String,
    help: Option<String>,
    tool: Option<String>,
    package: Option<String>,
    target: Option<String>,
    fix: Option<FixSummary>,
}

impl Spill {
    /// An unnamed temporary file in the system's temporary directory.
    pub fn new() -> std::io::Result<Spill> {
        Ok(Spill {
            file: Mutex::new((tempfile::tempfile()?, 0)),
        })
    }

    /// Write findings; `None` when they cannot be (they are then kept in
    /// memory by the caller).
    pub fn write(&self, diagnostics: &[Diagnostic]) -> Option<Chunk> {
        let mut files: Vec<&Arc<SourceFile>> = Vec::new();
        let mut stored = Vec::with_capacity(diagnostics.len());
        for d in diagnostics {
            let file = match files.iter().position(|f| Arc::ptr_eq(f, &d.file)) {
                Some(i) => i,
                None => {
                    files.push(&d.file);
                    files.len() - 1
                }
            };
            stored.push(StoredDiagnostic {
                rule: d.rule.code.to_string(),
                file,
                span: d.span.clone(),
                message: d.message.clone(),
                help: d.help.clone(),
                tool: d.tool.clone(),
                package: d.package.clone(),
                target: d.target.clone(),
                fix: d.fix.clone(),
            });
        }
        // (Fails only for a path that is not UTF-8.)
        let bytes = serde_json::to_vec(&Stored {
            files: files.iter().map(|f| f.as_ref()).collect(),
            diagnostics: stored,
        })
        .ok()?;
        let mut guard = self.file.lock().expect("spill file");
        let (file, end) = &mut *guard;
        let offset = *end;
        // Written at the recorded end: a failed write leaves nothing that a
        // later chunk would be read from.
        file.seek(SeekFrom::Start(offset)).ok()?;
        file.write_all(&bytes).ok()?;
        *end += bytes.len() as u64;
        Some(Chunk {
            offset,
            len: bytes.len() as u64,
        })
    }

    /// Read back the findings of one chunk, in the order written.
    pub fn read(&self, chunk: &Chunk) -> Result<Vec<Diagnostic>, String> {
        let mut bytes = vec![0; chunk.len as usize];
        {
            let mut guard = self.file.lock().expect("spill file");
            let file = &mut guard.0;
            file.seek(SeekFrom::Start(chunk.offset))
                .and_then(|_| file.read_exact(&mut bytes))
                .map_err(|e| format!("cannot read findings back from the temporary file: {e}"))?;
        }
        let stored: Stored<SourceFile> = serde_json::from_slice(&bytes)
            .map_err(|e| format!("findings read back from the temporary file are damaged: {e}"))?;
        let files: Vec<Arc<SourceFile>> = stored.files.into_iter().map(Arc::new).collect();
        stored
            .diagnostics
            .into_iter()
            .map(|d| {
                Ok(Diagnostic {
                    rule: crate::rules::lookup(&d.rule).ok_or_else(|| {
                        format!("unknown rule `{}` in the temporary file", d.rule)
                    })?,
                    file: files
                        .get(d.file)
                        .ok_or("a finding read back names no file")?
                        .clone(),
                    span: d.span,
                    message: d.message,
                    help: d.help,
                    tool: d.tool,
                    package: d.package,
                    target: d.target,
                    fix: d.fix,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::Applicability;

    /// A file under `/r`, shown relative to it.
    fn source(rel: &str, text: &str) -> Arc<SourceFile> {
        let cwd = std::path::Path::new("/r");
        Arc::new(SourceFile::new(&cwd.join(rel), cwd, text.into(), false))
    }

    fn finding(file: &Arc<SourceFile>, rule: &'static crate::rules::RuleInfo) -> Diagnostic {
        Diagnostic {
            rule,
            file: file.clone(),
            span: 4..10,
            message: "m".into(),
            help: Some("h `x`".into()),
            tool: Some("t".into()),
            package: None,
            target: Some("_gen/bin/t".into()),
            fix: Some(FixSummary {
                applicability: Applicability::Unsafe,
                description: "d".into(),
            }),
        }
    }

    #[test]
    fn findings_read_back_as_written_with_shared_excerpts() {
        let a = source("a/Makefile", "x:\n\tgo run ./t\r\n");
        let b = source("b.toml", "k\n");
        let spill = Spill::new().unwrap();
        let first = vec![
            finding(&a, &crate::rules::local_go_run::RULE),
            finding(&b, &crate::rules::unused_allow::RULE),
            finding(&a, &crate::rules::remote_go_run::RULE),
        ];
        let second = vec![finding(&b, &crate::rules::go_tool::RULE)];
        let c1 = spill.write(&first).unwrap();
        let c2 = spill.write(&second).unwrap();
        assert_ne!(c1, c2);
        let back = spill.read(&c1).unwrap();
        assert_eq!(back.len(), 3);
        for (x, y) in back.iter().zip(&first) {
            assert_eq!(x.rule.code, y.rule.code);
            assert_eq!(x.span, y.span);
            assert_eq!(x.help, y.help);
            assert_eq!(x.fix, y.fix);
            assert_eq!(x.file.display, y.file.display);
            assert_eq!(x.range(), y.range());
        }
        assert!(Arc::ptr_eq(&back[0].file, &back[2].file));
        assert!(!Arc::ptr_eq(&back[0].file, &back[1].file));
        assert_eq!(spill.read(&c2).unwrap()[0].rule.code, "GR015");
        // A chunk that lies about its bytes is an error, not a panic.
        let bad = Chunk {
            offset: c1.offset + 1,
            len: c1.len,
        };
        assert!(spill.read(&bad).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn findings_of_a_file_whose_path_is_not_utf8_are_not_spilled() {
        use std::os::unix::ffi::OsStrExt;
        let cwd = std::path::Path::new("/r");
        let odd = cwd.join(std::ffi::OsStr::from_bytes(b"d\xff/Makefile"));
        let file = Arc::new(SourceFile::new(&odd, cwd, "x\n".into(), false));
        let spill = Spill::new().unwrap();
        assert_eq!(
            spill.write(&[finding(&file, &crate::rules::local_go_run::RULE)]),
            None
        );
        // Its twin: a UTF-8 path is written.
        let file = source("d/Makefile", "x\n");
        assert!(spill
            .write(&[finding(&file, &crate::rules::local_go_run::RULE)])
            .is_some());
    }

    /// A report whose findings are all written out: one file each, the
    /// second one's chunk moved by `damage` bytes.
    fn written_report(damage: u64) -> crate::check::Report {
        let spill = Arc::new(Spill::new().unwrap());
        // Run length 1: the records go through runs on disk.
        let mut files = crate::external_sort::Sorter::new(1);
        for (i, dir) in ["b", "a"].iter().enumerate() {
            let file = source(&format!("{dir}/Makefile"), "x\n");
            let ds = vec![finding(&file, &crate::rules::local_go_run::RULE)];
            let mut chunk = spill.write(&ds).unwrap();
            if i == 0 {
                chunk.offset += damage;
            }
            let mut record = FileRecord {
                display: file.display.clone(),
                path: file.path.clone(),
                chunk: Some(chunk),
                count: 0,
                failing: 0,
                fixable: 0,
                allowed: 0,
                used_allow: Vec::new(),
                named: vec![(0, 0)],
            };
            record.count(&ds);
            files.push(record);
        }
        // b's helper is renamed.
        let mut renames = crate::external_sort::Sorter::new(1);
        renames.push(RenameRecord {
            display: "b/Makefile".into(),
            path: "/r/b/Makefile".into(),
            build: 0,
            name: "b-t".into(),
        });
        let mut written = Written {
            spill,
            files: files.finish(),
            renames: renames.finish(),
            dropped: HashSet::new(),
            count: 0,
            failing: 0,
            fixable: 0,
            allowed: 0,
        };
        written.tally(&mut Default::default()).unwrap();
        crate::check::Report {
            written: Some(written),
            ..Default::default()
        }
    }

    #[test]
    fn a_report_whose_written_findings_cannot_be_read_says_so() {
        let mut report = written_report(1);
        assert_eq!(report.len(), 2);
        let read: Vec<String> = report.iter().map(|d| d.file.display.clone()).collect();
        assert_eq!(read, ["a/Makefile".to_string()]);
        let lost = report.lost.lock().unwrap().clone().unwrap();
        assert!(lost.contains("temporary file"), "{lost}");
        assert!(report.materialize().is_err());
        // Its twin: undamaged, both are read, in order, renamed, and nothing
        // is lost.
        let mut report = written_report(0);
        report.materialize().unwrap();
        let targets: Vec<_> = report
            .diagnostics
            .iter()
            .map(|d| d.target.clone())
            .collect();
        assert_eq!(
            targets,
            [Some("_gen/bin/t".into()), Some("_gen/bin/b-t".into())]
        );
        assert!(report.written.is_none());
        assert!(report.lost.lock().unwrap().is_none());
    }
}
