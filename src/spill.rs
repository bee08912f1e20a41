//! Findings kept on disk. `check` finishes most Makefiles while it walks
//! ([`crate::analysis::Finished`]) and keeps only their findings; on a large
//! tree with many findings those alone would make memory grow with the
//! tree. Past a number of findings held ([`crate::analysis::Options`]'s
//! `spill_after`), each finished file's findings are written to an unnamed
//! temporary file instead (removed by the operating system when the process
//! ends, however it ends) and read back one file at a time, in report
//! order, while the report is written ([`crate::check::Report::iter`]).
//!
//! Spilling is an optimisation only: a finding that cannot be written is
//! kept in memory, and one that cannot be read back is an error of the run.

use std::io::{Read, Seek, SeekFrom, Write};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, FixSummary};
use crate::parse::Span;
use crate::source::SourceFile;

/// The temporary file and the end of what was written to it.
#[derive(Debug)]
pub struct Spill {
    file: Mutex<(std::fs::File, u64)>,
}

/// Where one file's findings are in the spill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    offset: u64,
    len: u64,
}

/// A finished file's findings in the spill, as the report needs them
/// without reading them: where they are, how many (failing, fixable), the
/// path they show (the report's order), and the helper renames the naming
/// of all files gave them ([`crate::analysis::Rename`], by finding index).
#[derive(Debug, Clone)]
pub struct Spilled {
    pub chunk: Chunk,
    pub display: String,
    pub count: usize,
    pub failing: usize,
    pub fixable: usize,
    pub renames: Vec<(usize, crate::analysis::Rename)>,
}

impl Spilled {
    pub fn new(diagnostics: &[Diagnostic], chunk: Chunk) -> Spilled {
        Spilled {
            chunk,
            display: diagnostics
                .first()
                .map(|d| d.file.display.clone())
                .unwrap_or_default(),
            count: diagnostics.len(),
            failing: diagnostics
                .iter()
                .filter(|d| d.severity() >= crate::diagnostic::Severity::Warning)
                .count(),
            fixable: diagnostics.iter().filter(|d| d.fix.is_some()).count(),
            renames: Vec::new(),
        }
    }

    /// Its findings, renamed and in report order.
    pub fn read(&self, spill: &Spill) -> Result<Vec<Diagnostic>, String> {
        let mut ds = spill.read(&self.chunk)?;
        for (i, r) in &self.renames {
            r.apply(ds.get_mut(*i).ok_or("a rename names no finding")?);
        }
        ds.sort_by(Diagnostic::order);
        Ok(ds)
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

    #[test]
    fn a_report_whose_spilled_findings_cannot_be_read_says_so() {
        let a = source("a/Makefile", "x\n");
        let b = source("b/Makefile", "x\n");
        let spill = Arc::new(Spill::new().unwrap());
        let spilled = |file: &Arc<SourceFile>, damage: u64| {
            let ds = vec![finding(file, &crate::rules::local_go_run::RULE)];
            let mut chunk = spill.write(&ds).unwrap();
            chunk.offset += damage;
            Spilled::new(&ds, chunk)
        };
        let mut report = crate::check::Report {
            spilled: vec![spilled(&a, 0), spilled(&b, 1)],
            spill: Some(spill.clone()),
            ..Default::default()
        };
        assert_eq!(report.len(), 2);
        let read: Vec<String> = report.iter().map(|d| d.file.display.clone()).collect();
        assert_eq!(read, ["a/Makefile".to_string()]);
        let lost = report.lost.lock().unwrap().clone().unwrap();
        assert!(lost.contains("temporary file"), "{lost}");
        assert!(report.materialize().is_err());
        // Its twin: undamaged, both are read, in order, and nothing is lost.
        let mut report = crate::check::Report {
            spilled: vec![spilled(&a, 0), spilled(&b, 0)],
            spill: Some(spill),
            ..Default::default()
        };
        report.materialize().unwrap();
        assert_eq!(report.diagnostics.len(), 2);
        assert!(report.spilled.is_empty());
        assert!(report.lost.lock().unwrap().is_none());
    }
}
