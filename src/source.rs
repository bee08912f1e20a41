//! Source files: the text of one file, how to show its path, and byte
//! offset to line/column conversion.

use std::path::{Path, PathBuf};

use crate::error::Error;

/// Files larger than this are refused (a Makefile is never this big).
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// One file read for checking.
#[derive(Debug)]
pub struct SourceFile {
    /// Absolute, normalised path.
    pub path: PathBuf,
    /// The path as reports show it: relative to the working directory when
    /// the file is under it.
    pub display: String,
    pub text: String,
    /// The file was not valid UTF-8 and was decoded lossily: reports work,
    /// `fix` refuses to write it.
    pub lossy: bool,
    /// The file ends with CRLF line endings.
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// Read a file, refusing binary content.
    pub fn read(path: &Path, cwd: &Path) -> Result<SourceFile, Error> {
        SourceFile::from_bytes(path, cwd, read_bytes(path)?)
    }

    pub fn from_bytes(path: &Path, cwd: &Path, bytes: Vec<u8>) -> Result<SourceFile, Error> {
        if let Some(i) = memchr_nul(&bytes) {
            return Err(Error::Input {
                path: path.to_path_buf(),
                message: format!("binary file (NUL byte at offset {i}), not checked"),
            });
        }
        let (text, lossy) = match String::from_utf8(bytes) {
            Ok(t) => (t, false),
            Err(e) => (String::from_utf8_lossy(e.as_bytes()).into_owned(), true),
        };
        Ok(SourceFile::new(path, cwd, text, lossy))
    }

    pub fn new(path: &Path, cwd: &Path, text: String, lossy: bool) -> SourceFile {
        let display = display_path(path, cwd);
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile {
            path: path.to_path_buf(),
            display,
            text,
            lossy,
            line_starts,
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let col = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line + 1, col + 1)
    }

    /// Byte range of the 1-based line `line` (without its newline).
    pub fn line_span(&self, line: usize) -> std::ops::Range<usize> {
        let start = self
            .line_starts
            .get(line - 1)
            .copied()
            .unwrap_or(self.text.len());
        let end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |i| start + i);
        let end = if end > start && self.text.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        start..end
    }

    /// The directory holding the file.
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("/"))
    }
}

fn memchr_nul(b: &[u8]) -> Option<usize> {
    memchr::memchr(0, b)
}

/// The bytes of a file that may be checked: not a directory, not too large.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, Error> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let meta = file.metadata().map_err(|e| Error::io(path, e))?;
    if meta.is_dir() {
        return Err(Error::Input {
            path: path.to_path_buf(),
            message: "is a directory".into(),
        });
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(Error::Input {
            path: path.to_path_buf(),
            message: format!(
                "file is too large ({} bytes; the limit is {MAX_FILE_BYTES})",
                meta.len()
            ),
        });
    }
    // Bounded even where the size lies (`/dev/zero`, a FIFO, a file that
    // grows while read). Room for the whole file and the read that sees its
    // end: two reads for a regular file, not a doubling buffer's dozen.
    let mut bytes = Vec::with_capacity(meta.len() as usize + 64);
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(Error::Input {
            path: path.to_path_buf(),
            message: format!("file is too large (more than {MAX_FILE_BYTES} bytes)"),
        });
    }
    Ok(bytes)
}

/// The first bytes of a file (for its shebang), without reading the rest.
pub fn read_head(path: &Path) -> Result<Vec<u8>, Error> {
    use std::io::Read;
    let mut head = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(256).read_to_end(&mut head))
        .map_err(|e| Error::io(path, e))?;
    Ok(head)
}

/// `path` relative to `cwd` when below it, else as given.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    let shown = path
        .strip_prefix(cwd)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf());
    let s = shown.to_string_lossy().replace('\\', "/");
    if s.is_empty() {
        ".".into()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column() {
        let f = SourceFile::new(
            Path::new("/r/Makefile"),
            Path::new("/r"),
            "a\nbé c\n".into(),
            false,
        );
        assert_eq!(f.display, "Makefile");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(2), (2, 1));
        assert_eq!(f.line_col(6), (2, 4));
        assert_eq!(f.line_span(2), 2..7);
    }
}
