//! Source files: the text of one file, how to show its path, and byte
//! offset to line/column conversion.

use std::path::{Path, PathBuf};

use crate::error::Error;

/// A byte range in a file's text: the one span type every stage uses
/// (shell words, Makefile structure, callsites, findings, edits).
pub type Span = std::ops::Range<usize>;

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
    /// For an excerpt ([`SourceFile::excerpt`]): where each kept block of
    /// lines starts, (line index in the excerpt, line index in the file).
    /// Empty for a whole file.
    line_map: Vec<(usize, usize)>,
}

impl SourceFile {
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
            line_map: Vec::new(),
        }
    }

    /// A copy holding only the lines `spans` touch and `context` lines on
    /// each side, for findings kept after their file's analysis is dropped.
    /// The spans are moved to the copy's offsets; [`SourceFile::line_col`]
    /// and [`SourceFile::original_line`] still give the file's own line
    /// numbers, so reports read the same.
    pub fn excerpt(&self, spans: &mut [std::ops::Range<usize>], context: usize) -> SourceFile {
        let last = self.line_starts.len() - 1;
        let mut lines: Vec<(usize, usize)> = spans
            .iter()
            .map(|r| {
                let (a, b) = (
                    self.line_index(r.start),
                    self.line_index(r.end.max(r.start)),
                );
                (a.saturating_sub(context), (b + context).min(last))
            })
            .collect();
        lines.sort_unstable();
        let mut blocks: Vec<(usize, usize)> = Vec::new();
        for (a, b) in lines {
            match blocks.last_mut() {
                Some(l) if a <= l.1 + 1 => l.1 = l.1.max(b),
                _ => blocks.push((a, b)),
            }
        }
        // (first byte in the file, past its last byte, first byte in the copy)
        let mut bytes: Vec<(usize, usize, usize)> = Vec::new();
        let mut text = String::new();
        let mut line_map = Vec::new();
        let mut excerpt_line = 0;
        for (a, b) in blocks {
            let start = self.line_starts[a];
            let end = self
                .line_starts
                .get(b + 1)
                .copied()
                .unwrap_or(self.text.len());
            bytes.push((start, end, text.len()));
            line_map.push((excerpt_line, a));
            excerpt_line += b + 1 - a;
            text.push_str(&self.text[start..end]);
        }
        // Blocks are sorted and disjoint: a binary search per span keeps
        // this linear in the findings of the file.
        let map = |o: usize| {
            let k = bytes.partition_point(|&(s, _, _)| s <= o);
            k.checked_sub(1)
                .map(|k| bytes[k])
                .filter(|&(_, e, _)| o <= e)
                .map_or(0, |(s, _, at)| at + (o - s))
        };
        for r in spans.iter_mut() {
            *r = map(r.start)..map(r.end.max(r.start));
        }
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile {
            path: self.path.clone(),
            display: self.display.clone(),
            text,
            lossy: self.lossy,
            line_starts,
            line_map,
        }
    }

    /// The bytes a report needs around `span`: from the start of the line
    /// `before` lines above it to the end of the line `after` lines below
    /// it (one more, with its line break, so a reader that counts a lone
    /// `\r` as a line break too finds all it wants). Found with the line
    /// index, so a report reads around each finding in time independent of
    /// where in the file it is.
    pub fn context_window(
        &self,
        span: std::ops::Range<usize>,
        before: usize,
        after: usize,
    ) -> std::ops::Range<usize> {
        let first = self.line_index(span.start).saturating_sub(before);
        let last = self.line_index(span.end.max(span.start)) + after + 2;
        let end = self
            .line_starts
            .get(last)
            .copied()
            .unwrap_or(self.text.len());
        self.line_starts[first]..end
    }

    /// The 0-based index of the line of this text holding `offset`.
    fn line_index(&self, offset: usize) -> usize {
        self.line_starts
            .partition_point(|&s| s <= offset.min(self.text.len()))
            - 1
    }

    /// The file's 0-based line index of line index `line` of this text (they
    /// differ in an excerpt).
    fn original_line(&self, line: usize) -> usize {
        let k = self.line_map.partition_point(|&(at, _)| at <= line);
        match k.checked_sub(1).map(|k| self.line_map[k]) {
            Some((at, orig)) => orig + (line - at),
            None => line,
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_index(offset);
        let start = self.line_starts[line];
        let col = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (self.original_line(line) + 1, col + 1)
    }

    /// Byte range of the 1-based line `line` (without its newline), of a
    /// whole file.
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

    #[test]
    fn an_excerpt_keeps_the_lines_around_spans_with_their_numbers() {
        let text: String = (1..=20).map(|i| format!("line {i} é\n")).collect();
        let f = SourceFile::new(Path::new("/r/Makefile"), Path::new("/r"), text, false);
        let at = |line: usize, col: usize| f.line_starts[line - 1] + col - 1;
        // Line 2 (its context reaches line 1), lines 9-10 and 11 (one block
        // with their context), the end of line 20 (the last line).
        let spans = vec![
            at(2, 1)..at(2, 7),
            at(9, 3)..at(10, 2),
            at(11, 1)..at(11, 5),
            at(20, 6)..f.text.len() - 1,
        ];
        let mut moved = spans.clone();
        let e = f.excerpt(&mut moved, 1);
        assert_eq!(
            e.text,
            "line 1 é\nline 2 é\nline 3 é\nline 8 é\nline 9 é\nline 10 é\nline 11 é\nline 12 é\nline 19 é\nline 20 é\n"
        );
        for (was, now) in spans.iter().zip(&moved) {
            assert_eq!(f.text[was.clone()], e.text[now.clone()]);
            assert_eq!(f.line_col(was.start), e.line_col(now.start));
            assert_eq!(f.line_col(was.end), e.line_col(now.end));
        }
        assert_eq!(e.line_col(moved[3].start), (20, 6));
        assert_eq!(e.original_line(3), 7);
        // Its twin: no context, a file without a final newline.
        let f = SourceFile::new(
            Path::new("/r/x.mk"),
            Path::new("/r"),
            "a\nb\nc".into(),
            false,
        );
        let mut moved = [4..5, 4..5];
        let e = f.excerpt(&mut moved, 0);
        assert_eq!((e.text.as_str(), moved[0].clone()), ("c", 0..1));
        assert_eq!(moved[0], moved[1]);
        assert_eq!(e.line_col(0), (3, 1));
    }
}
