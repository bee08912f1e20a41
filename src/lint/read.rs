//! The one place the lint layer reads files: bounded (a FIFO, `/dev/zero`
//! or a file that grows while read cannot hang or exhaust a run), with a
//! reused buffer for the many walked files read only to be skipped.

use std::path::Path;

use crate::error::Error;
use crate::lint::timings::{self, Stage};
use crate::syntax::source::SourceFile;

/// Files larger than this are refused (a Makefile is never this big).
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Read a file, refusing binary content.
pub fn source_file(path: &Path, cwd: &Path) -> Result<SourceFile, Error> {
    SourceFile::from_bytes(path, cwd, read_bytes(path)?)
}

/// Refuse what is not a regular file before opening it: opening a FIFO
/// waits for a writer (a run that never ends), and a socket or a device is
/// no build file.
fn regular_file(path: &Path) -> Result<(), Error> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if meta.is_dir() {
        return Err(Error::Input {
            path: path.to_path_buf(),
            message: "is a directory".into(),
        });
    }
    if !meta.is_file() {
        return Err(Error::Input {
            path: path.to_path_buf(),
            message: "not a regular file (a FIFO, socket or device), not checked".into(),
        });
    }
    Ok(())
}

/// The bytes of a file that may be checked: a regular file, not too large.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, Error> {
    let _time = timings::Span::new(Stage::Read);
    regular_file(path)?;
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
    // Room for the whole file and the read that sees its end: two reads for
    // a regular file, not a doubling buffer's dozen.
    let mut bytes = Vec::with_capacity(meta.len() as usize + 64);
    read_bounded(file, path, &mut bytes)?;
    timings::bytes(Stage::Read, bytes.len());
    Ok(bytes)
}

/// Append `file`'s bytes to `buf`, bounded even where the size lies
/// (`/dev/zero`, a FIFO, a file that grows while read).
fn read_bounded(file: std::fs::File, path: &Path, buf: &mut Vec<u8>) -> Result<(), Error> {
    use std::io::Read;
    let start = buf.len();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(buf)
        .map_err(|e| Error::io(path, e))?;
    if (buf.len() - start) as u64 > MAX_FILE_BYTES {
        return Err(Error::Input {
            path: path.to_path_buf(),
            message: format!("file is too large (more than {MAX_FILE_BYTES} bytes)"),
        });
    }
    Ok(())
}

/// Read a walked file (the walk saw a file) into `buf`, which is reused from
/// file to file: no `fstat` and no allocation for the many files that are
/// read only to be skipped. Bounded as [`read_bytes`] is, though a file over
/// the limit is refused only once that much of it was read.
pub fn read_walked(path: &Path, buf: &mut Vec<u8>) -> Result<(), Error> {
    /// Room for nearly every build file in one read; more is given back.
    const KEPT: usize = 256 * 1024;
    if buf.capacity() > KEPT {
        *buf = Vec::new();
    }
    let _time = timings::Span::new(Stage::Read);
    buf.clear();
    buf.reserve(KEPT);
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    read_bounded(file, path, buf)?;
    timings::bytes(Stage::Read, buf.len());
    Ok(())
}

/// The first bytes of a file (for its shebang), without reading the rest.
pub fn read_head(path: &Path) -> Result<Vec<u8>, Error> {
    use std::io::Read;
    let _time = timings::Span::new(Stage::Read);
    regular_file(path)?;
    let mut head = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(256).read_to_end(&mut head))
        .map_err(|e| Error::io(path, e))?;
    timings::bytes(Stage::Read, head.len());
    Ok(head)
}
