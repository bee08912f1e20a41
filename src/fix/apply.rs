//! Apply a plan: edits sorted and applied back to front by original byte
//! range (overlaps rejected), CRLF kept, the result re-parsed (a Makefile
//! that would gain parse errors is refused), then every file written
//! atomically (a temp file in the same directory, renamed over the original,
//! permissions kept), after checking it did not change on disk since it was
//! read. The same edited text feeds `fix --diff`, so the preview is exactly
//! what is written.

use std::io::Write;
use std::path::Path;

use super::plan::{Edit, FileEdits};
use crate::discover::is_makefile_name;
use crate::error::Error;
use crate::parse::tree::MakeParser;
use crate::parse::MakeDoc;

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
        if is_makefile_name(&name) || fe.path.extension().is_some_and(|e| e == "mk") {
            let before = MakeDoc::parse(&fe.original, &mut parser)
                .error_regions
                .len();
            let after = MakeDoc::parse(&new_text, &mut parser).error_regions.len();
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

/// Write every change. Each file is checked against what was read and
/// written atomically; on the first failure the rest are not written and
/// the error names the file (files already renamed into place are complete).
pub fn write_all(changes: &[Change]) -> Result<(), Error> {
    // Check every file first, so a refusal writes nothing at all.
    for c in changes {
        let on_disk = std::fs::read(&c.edits.path);
        let unchanged = match on_disk {
            Ok(bytes) => !c.edits.created && String::from_utf8_lossy(&bytes) == c.edits.original,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => c.edits.created,
            Err(e) => return Err(Error::io(&c.edits.path, e)),
        };
        if !unchanged {
            return Err(Error::Input {
                path: c.edits.path.clone(),
                message: "changed on disk since it was read; nothing was written, run `gorun-lint fix` again".into(),
            });
        }
    }
    for c in changes {
        write_atomic(&c.edits.path, c.new_text.as_bytes())?;
    }
    Ok(())
}

/// Write `bytes` to `path` through a temp file in the same directory.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.gorun-lint-{}.tmp", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        if let Ok(meta) = std::fs::metadata(path) {
            std::fs::set_permissions(&tmp, meta.permissions())?;
        }
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(path, e));
    }
    Ok(())
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
}
