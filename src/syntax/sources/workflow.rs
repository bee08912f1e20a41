//! GitHub Actions workflows (`.github/workflows/*.yml`, `*.yaml`): the shell
//! text of every `run:` step, mapped back to exact byte offsets in the file.
//!
//! The YAML is read with `saphyr-parser`, an event parser that gives every
//! scalar its start and end position. A scalar's *value* cannot be scanned as
//! shell text, because block scalars strip indentation and quoted scalars
//! unescape: offsets into the value are not offsets into the file. So the
//! parser only says where each `run:` value is and what style it has; the
//! content lines are then measured on the file text itself, the way YAML
//! reads them:
//!
//! - literal blocks (`|`, `|-`, `|+`, `|2`, a comment after the header): each
//!   content line after the block's indentation, exactly the lines of the
//!   value;
//! - folded blocks (`>`): the same lines. Folding is ignored: the value joins
//!   lines with spaces, but the file keeps them apart, and a shell scan of the
//!   file lines sees one command per line where the value has one long line.
//!   A folded `run:` is rare, and its callsites are still found;
//! - plain scalars, on one line or several: each line without its
//!   indentation and trailing blanks (the same folding caveat applies to
//!   multi-line ones);
//! - single- and double-quoted scalars: the inside of the quotes. Escapes
//!   (`''`, `\"`, `\n`) stay as written, so the text differs from the value
//!   there; that is accepted.
//!
//! Leading and trailing blank lines of a script are left out, and a step
//! whose script is empty is not returned.
//!
//! `${{ expressions }}` are left as text (the shell layer sees a `$`).
//! Aliases are followed: a step, a `steps:` list or a `run:` value written
//! as `*name` is reported where its anchor is, once for every place that uses
//! it. The merge key `<<` is not expanded (GitHub Actions rejects it).
//! Several documents in one file are read one after the other.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::rc::Rc;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle};

/// One `run:` step of a workflow job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunStep {
    /// The job id (`jobs.<id>`).
    pub job: String,
    /// The step's `name:` or `id:`, else `#<1-based index>`.
    pub step: String,
    /// `shell:` after step/job/workflow defaults; `None` when unset (GitHub's
    /// default is bash on Linux/macOS).
    pub shell: Option<String>,
    /// `working-directory` after step/job/workflow defaults, as written.
    pub working_directory: Option<String>,
    /// Byte ranges in the file text of each line of the script's content, in
    /// order (indentation and the quotes excluded; line ending excluded).
    pub lines: Vec<Range<usize>>,
    /// The file text is the script itself, so a rewrite of a command can be
    /// written in place: a literal block (`|`) or a one-line plain scalar.
    /// Not a quoted scalar (a quote in the rewrite would end it) or a
    /// folded one (the file's lines are not the script's).
    pub rewritable: bool,
}

/// The workflow is not valid YAML, or is too large to read (nesting deeper
/// than 256 levels, aliases that repeat more than a million script lines).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkflowError {
    /// 1-based line of the error.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for WorkflowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for WorkflowError {}

/// Containers nested deeper than this (counting what aliases bring in) are
/// refused: no workflow comes close, and dropping the tree recurses per level.
const MAX_DEPTH: usize = 256;
/// Aliases can make a small file name the same steps many times over; past
/// this many script lines in all, the file is refused.
const MAX_LINES: usize = 1_000_000;

/// Every `run:` step of every job, in file order (documents, then jobs, then
/// steps).
pub fn run_steps(text: &str) -> Result<Vec<RunStep>, WorkflowError> {
    let docs = parse(text)?;
    let mut out = Vec::new();
    let mut cache: HashMap<*const Node, Vec<Range<usize>>> = HashMap::new();
    let mut total = 0usize;
    for doc in &docs {
        let Node::Map(root) = &**doc else { continue };
        let wf = Defaults::of(root);
        let Some(Node::Map(jobs)) = get(root, "jobs") else {
            continue;
        };
        for (id, job) in jobs {
            let (Node::Scalar(id), Node::Map(job)) = (&**id, &**job) else {
                continue;
            };
            let jd = Defaults::of(job);
            let Some(Node::Seq(steps)) = get(job, "steps") else {
                continue;
            };
            for (i, step) in steps.iter().enumerate() {
                let Node::Map(step) = &**step else { continue };
                let Some(run) = get_node(step, "run") else {
                    continue;
                };
                let Node::Scalar(s) = &**run else { continue };
                let key = Rc::as_ptr(run);
                let lines = match cache.get(&key) {
                    Some(l) => l.clone(),
                    None => {
                        let l = script_lines(text, s)?;
                        cache.insert(key, l.clone());
                        l
                    }
                };
                if lines.is_empty() {
                    continue;
                }
                total += lines.len();
                if total > MAX_LINES {
                    return Err(WorkflowError {
                        line: s.line,
                        message: format!(
                            "more than {MAX_LINES} lines of `run:` scripts (aliases repeat them)"
                        ),
                    });
                }
                let name = scalar(step, "name").or_else(|| scalar(step, "id"));
                out.push(RunStep {
                    job: id.value.clone(),
                    step: name.map_or_else(|| format!("#{}", i + 1), str::to_string),
                    shell: scalar(step, "shell")
                        .or(jd.shell)
                        .or(wf.shell)
                        .map(str::to_string),
                    working_directory: scalar(step, "working-directory")
                        .or(jd.working_directory)
                        .or(wf.working_directory)
                        .map(str::to_string),
                    rewritable: matches!(s.style, ScalarStyle::Literal)
                        || (matches!(s.style, ScalarStyle::Plain) && lines.len() == 1),
                    lines,
                });
            }
        }
    }
    Ok(out)
}

/// A copy of `text` with the same byte length where every byte outside the
/// steps' content lines is a space, except line endings (`\n`, `\r`) which
/// stay; multi-byte UTF-8 characters outside are replaced byte-for-byte by
/// spaces so the result stays valid UTF-8 and offsets are unchanged. Scanning
/// `masked[first_line.start..last_line.end]` as shell text then gives spans
/// that are file offsets.
pub fn masked(text: &str, steps: &[RunStep]) -> String {
    let src = text.as_bytes();
    let mut out: Vec<u8> = src
        .iter()
        .map(|&b| if b == b'\n' || b == b'\r' { b } else { b' ' })
        .collect();
    for r in steps.iter().flat_map(|s| s.lines.iter()) {
        if r.start <= r.end
            && r.end <= src.len()
            && text.is_char_boundary(r.start)
            && text.is_char_boundary(r.end)
        {
            out[r.clone()].copy_from_slice(&src[r.clone()]);
        }
    }
    // Only ranges on character boundaries are copied (all of `run_steps`'
    // are), so every multi-byte character is either copied whole or made of
    // spaces; the fallback never runs.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// `defaults.run.shell` and `defaults.run.working-directory` of a workflow
/// or a job.
#[derive(Default, Clone, Copy)]
struct Defaults<'a> {
    shell: Option<&'a str>,
    working_directory: Option<&'a str>,
}

impl<'a> Defaults<'a> {
    fn of(map: &'a [(Rc<Node>, Rc<Node>)]) -> Defaults<'a> {
        let Some(Node::Map(d)) = get(map, "defaults") else {
            return Defaults::default();
        };
        let Some(Node::Map(run)) = get(d, "run") else {
            return Defaults::default();
        };
        Defaults {
            shell: scalar(run, "shell"),
            working_directory: scalar(run, "working-directory"),
        }
    }
}

/// A YAML node, with aliases resolved to the anchored node.
#[derive(Debug)]
enum Node {
    Scalar(Scalar),
    Seq(Vec<Rc<Node>>),
    Map(Vec<(Rc<Node>, Rc<Node>)>),
}

/// A scalar and where it is.
#[derive(Debug)]
struct Scalar {
    value: String,
    style: ScalarStyle,
    /// Byte offset of the parser's span start: node properties (`&a`, `!t`)
    /// when there are some; else the first character (the opening quote of
    /// a quoted scalar, the first content character of a block scalar).
    start: usize,
    /// Column (in characters) of `start`.
    start_col: usize,
    /// Byte offset of the parser's span end: after the last character of a
    /// plain scalar, after the closing quote; for a block scalar somewhere
    /// on the first line after its content (or the end of the text).
    end: usize,
    /// Byte offset of the end of the event before this scalar (its key, for
    /// a mapping value): a block scalar's header is between the two.
    after: usize,
    /// The indentation of the enclosing block collection (the column its
    /// keys or `-` start at), `-1` at the top: explicit block indentation
    /// indicators count from it.
    parent_indent: isize,
    /// 1-based line of `start`.
    line: usize,
}

/// The value of the last entry whose key is the plain text `key`.
fn get_node<'a>(map: &'a [(Rc<Node>, Rc<Node>)], key: &str) -> Option<&'a Rc<Node>> {
    map.iter()
        .rev()
        .find(|(k, _)| matches!(&**k, Node::Scalar(s) if s.value == key))
        .map(|(_, v)| v)
}

fn get<'a>(map: &'a [(Rc<Node>, Rc<Node>)], key: &str) -> Option<&'a Node> {
    get_node(map, key).map(|v| &**v)
}

fn scalar<'a>(map: &'a [(Rc<Node>, Rc<Node>)], key: &str) -> Option<&'a str> {
    match get(map, key) {
        Some(Node::Scalar(s)) => Some(s.value.as_str()),
        _ => None,
    }
}

/// Converts the parser's character indexes to byte offsets.
struct Offsets {
    /// Byte offset of each character, and the text's length at the end;
    /// `None` for ASCII text, where both are the same.
    starts: Option<Vec<usize>>,
    len: usize,
}

impl Offsets {
    fn new(text: &str) -> Offsets {
        let starts = (!text.is_ascii()).then(|| {
            text.char_indices()
                .map(|(i, _)| i)
                .chain(std::iter::once(text.len()))
                .collect()
        });
        Offsets {
            starts,
            len: text.len(),
        }
    }

    fn byte(&self, m: &Marker) -> usize {
        match &self.starts {
            None => m.index().min(self.len),
            Some(v) => v.get(m.index()).copied().unwrap_or(self.len),
        }
    }
}

/// A container being read.
struct Frame {
    anchor: usize,
    /// Column the collection starts at.
    col: usize,
    kind: FrameKind,
    /// Deepest nesting below (1 for a collection of scalars).
    depth: usize,
}

enum FrameKind {
    Seq(Vec<Rc<Node>>),
    Map {
        entries: Vec<(Rc<Node>, Rc<Node>)>,
        key: Option<Rc<Node>>,
    },
}

/// Parse every document of `text` into nodes.
fn parse(text: &str) -> Result<Vec<Rc<Node>>, WorkflowError> {
    let offsets = Offsets::new(text);
    let mut docs = Vec::new();
    let mut anchors: HashMap<usize, (Rc<Node>, usize)> = HashMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut prev_end = 0usize;
    for ev in Parser::new_from_str(text) {
        let (ev, span) = ev.map_err(|e| WorkflowError {
            line: e.marker().line().max(1),
            message: e.info().to_string(),
        })?;
        let line = span.start.line().max(1);
        let too_deep = || WorkflowError {
            line,
            message: format!("YAML nested deeper than {MAX_DEPTH} levels"),
        };
        // A finished node with its depth (0 for a scalar).
        let done: Option<(Rc<Node>, usize, usize)> = match ev {
            Event::Scalar(value, style, anchor, _) => {
                let parent_indent = match stack.last() {
                    Some(Frame {
                        kind: FrameKind::Map { key: Some(key), .. },
                        col,
                        ..
                    }) => match &**key {
                        Node::Scalar(k) => k.start_col as isize,
                        _ => *col as isize,
                    },
                    Some(f) => f.col as isize,
                    None => -1,
                };
                let node = Node::Scalar(Scalar {
                    value: value.into_owned(),
                    style,
                    start: offsets.byte(&span.start),
                    start_col: span.start.col(),
                    end: offsets.byte(&span.end),
                    after: prev_end,
                    parent_indent,
                    line,
                });
                Some((Rc::new(node), anchor, 0))
            }
            Event::Alias(id) => match anchors.get(&id) {
                Some((node, depth)) => Some((node.clone(), 0, *depth)),
                None => {
                    return Err(WorkflowError {
                        line,
                        message: format!("unknown anchor (alias id {id})"),
                    })
                }
            },
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(too_deep());
                }
                let kind = if matches!(ev, Event::SequenceStart(..)) {
                    FrameKind::Seq(Vec::new())
                } else {
                    FrameKind::Map {
                        entries: Vec::new(),
                        key: None,
                    }
                };
                stack.push(Frame {
                    anchor,
                    col: span.start.col(),
                    kind,
                    depth: 1,
                });
                None
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(f) => {
                    let node = match f.kind {
                        FrameKind::Seq(items) => Node::Seq(items),
                        FrameKind::Map { entries, .. } => Node::Map(entries),
                    };
                    Some((Rc::new(node), f.anchor, f.depth))
                }
                None => None,
            },
            Event::DocumentStart(_) => {
                stack.clear();
                None
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => None,
        };
        prev_end = offsets.byte(&span.end);
        let Some((node, anchor, depth)) = done else {
            continue;
        };
        if anchor != 0 {
            anchors.insert(anchor, (node.clone(), depth));
        }
        match stack.last_mut() {
            None => docs.push(node),
            Some(f) => {
                f.depth = f.depth.max(depth + 1);
                if f.depth > MAX_DEPTH {
                    return Err(too_deep());
                }
                match &mut f.kind {
                    FrameKind::Seq(items) => items.push(node),
                    FrameKind::Map { entries, key } => match key.take() {
                        None => *key = Some(node),
                        Some(k) => entries.push((k, node)),
                    },
                }
            }
        }
    }
    Ok(docs)
}

/// The byte ranges of a `run:` scalar's content lines.
fn script_lines(text: &str, s: &Scalar) -> Result<Vec<Range<usize>>, WorkflowError> {
    let lost = |what: &str| WorkflowError {
        line: s.line,
        message: format!("could not find the {what} of this `run:` value in the file text"),
    };
    let b = text.as_bytes();
    let end = s.end.min(b.len());
    let mut lines = match s.style {
        ScalarStyle::Plain => {
            let start = skip_properties(b, s.start, end);
            split_lines(b, start..end)
        }
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
            let q = if s.style == ScalarStyle::SingleQuoted {
                b'\''
            } else {
                b'"'
            };
            let start = skip_properties(b, s.start, end);
            if b.get(start) != Some(&q) || end < start + 2 || b[end - 1] != q {
                return Err(lost("quotes"));
            }
            split_lines(b, start + 1..end - 1)
        }
        ScalarStyle::Literal | ScalarStyle::Folded => {
            let header = find_header(b, s.after, end).ok_or_else(|| lost("`|` or `>` header"))?;
            block_lines(b, header, end, s)
        }
    };
    let blank = |r: &Range<usize>| b[r.clone()].iter().all(|c| matches!(c, b' ' | b'\t'));
    while lines.last().is_some_and(blank) {
        lines.pop();
    }
    let lead = lines.iter().take_while(|r| blank(r)).count();
    lines.drain(..lead);
    Ok(lines)
}

/// Skip node properties (`&anchor`, `!tag`) and the blanks, line breaks and
/// comments after them.
fn skip_properties(b: &[u8], mut p: usize, end: usize) -> usize {
    while p < end {
        match b[p] {
            b'&' | b'!' => {
                while p < end && !matches!(b[p], b' ' | b'\t' | b'\r' | b'\n') {
                    p += 1;
                }
            }
            b' ' | b'\t' | b'\r' | b'\n' => p += 1,
            b'#' => p = line_end(b, p),
            _ => break,
        }
    }
    p
}

/// The `|` or `>` of a block scalar: after the event before it, past
/// indicators (`:`, `-`, `?`), node properties, blanks and comments.
fn find_header(b: &[u8], mut p: usize, end: usize) -> Option<usize> {
    while p < end {
        match b[p] {
            b'|' | b'>' => return Some(p),
            b'&' | b'!' => {
                while p < end && !matches!(b[p], b' ' | b'\t' | b'\r' | b'\n') {
                    p += 1;
                }
            }
            b'#' => p = line_end(b, p),
            b' ' | b'\t' | b'\r' | b'\n' | b':' | b'-' | b'?' => p += 1,
            _ => return None,
        }
    }
    None
}

/// Where the line holding `p` ends (its `\n`, `\r` or the end of the text).
fn line_end(b: &[u8], p: usize) -> usize {
    b[p..]
        .iter()
        .position(|&c| c == b'\n' || c == b'\r')
        .map_or(b.len(), |i| p + i)
}

/// The start of the line after the one ending at `e` (YAML breaks lines at
/// `\r\n`, `\n` and a lone `\r`).
fn next_line(b: &[u8], e: usize) -> Option<usize> {
    match b.get(e) {
        Some(b'\r') if b.get(e + 1) == Some(&b'\n') => Some(e + 2),
        Some(_) => Some(e + 1),
        None => None,
    }
}

/// Split a flow scalar's text (plain or inside quotes) into lines: every
/// line but the first loses its leading blanks, every line but the last its
/// trailing blanks, as YAML line folding reads them.
fn split_lines(b: &[u8], r: Range<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut p = r.start;
    let mut first = true;
    loop {
        let e = line_end(b, p).min(r.end);
        let mut s = p;
        if !first {
            while s < e && matches!(b[s], b' ' | b'\t') {
                s += 1;
            }
        }
        let last = e >= r.end;
        let mut t = e;
        if !last {
            while t > s && matches!(b[t - 1], b' ' | b'\t') {
                t -= 1;
            }
        }
        out.push(s..t);
        if last {
            break;
        }
        match next_line(b, e) {
            Some(n) if n <= r.end => p = n,
            _ => break,
        }
        first = false;
    }
    out
}

/// The content lines of a block scalar whose header (`|`, `>`) is at
/// `header` and whose parser span ends at `end`.
fn block_lines(b: &[u8], header: usize, end: usize, s: &Scalar) -> Vec<Range<usize>> {
    // Indicators: an indentation digit and a chomping sign, in either order.
    let mut increment = None;
    for &c in b[header + 1..].iter().take(2) {
        match c {
            b'1'..=b'9' => increment = Some((c - b'0') as isize),
            b'+' | b'-' => {}
            _ => break,
        }
    }
    let Some(first) = next_line(b, line_end(b, header)) else {
        return Vec::new();
    };
    if s.start >= end {
        // An empty span: no content line (the parser stopped at the first
        // line after the header).
        return Vec::new();
    }
    // Without node properties the parser's span starts at the first content
    // character, at exactly the block's indentation. With them it starts at
    // the properties, and the indentation is worked out as YAML does.
    let indent = if s.start > header {
        s.start_col
    } else if let Some(n) = increment {
        (s.parent_indent.max(0) + n) as usize
    } else {
        let mut most = 0;
        let mut p = Some(first);
        while let Some(l) = p {
            if l >= b.len() {
                break;
            }
            let e = line_end(b, l);
            let spaces = b[l..e].iter().take_while(|&&c| c == b' ').count();
            most = most.max(spaces);
            if l + spaces < e {
                break;
            }
            p = next_line(b, e);
        }
        most.max((s.parent_indent + 1).max(0) as usize)
    };
    let mut out = Vec::new();
    let mut p = Some(first);
    while let Some(l) = p {
        if l >= end || l >= b.len() {
            break;
        }
        let e = line_end(b, l);
        let line = &b[l..e];
        let spaces = line.iter().take_while(|&&c| c == b' ').count();
        if spaces == line.len() {
            out.push(l + spaces.min(indent)..e);
        } else if spaces < indent || (indent == 0 && is_document_marker(line)) {
            break;
        } else {
            out.push(l + indent..e);
        }
        p = next_line(b, e);
    }
    out
}

/// `---` or `...` alone or followed by a blank.
fn is_document_marker(line: &[u8]) -> bool {
    (line.starts_with(b"---") || line.starts_with(b"..."))
        && line.get(3).is_none_or(|c| matches!(c, b' ' | b'\t'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::shell::{self, Cwd, Dialect};
    use proptest::prelude::*;

    /// The text of each step's lines.
    fn scripts(text: &str) -> Vec<Vec<&str>> {
        run_steps(text)
            .unwrap()
            .iter()
            .map(|s| s.lines.iter().map(|r| &text[r.clone()]).collect())
            .collect()
    }

    /// One job `build` holding `steps` (already indented as list items).
    fn job(steps: &str) -> String {
        format!("on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n{steps}")
    }

    /// The value saphyr gives the only `run:` of `text`, for comparison.
    fn run_value(text: &str) -> String {
        let mut run = false;
        for ev in Parser::new_from_str(text) {
            if let (Event::Scalar(v, ..), _) = ev.unwrap() {
                if run {
                    return v.into_owned();
                }
                run = v == "run";
            }
        }
        panic!("no run: in {text:?}");
    }

    /// A literal block's lines, joined, are its value (blank edges aside).
    fn assert_literal_matches_value(text: &str) {
        let got = scripts(text)[0].join("\n");
        let value = run_value(text);
        let lines: Vec<&str> = value.lines().collect();
        let blank = |l: &&str| l.trim_matches([' ', '\t']).is_empty();
        let start = lines.iter().position(|l| !blank(l)).unwrap_or(lines.len());
        let end = lines
            .iter()
            .rposition(|l| !blank(l))
            .map_or(start, |i| i + 1);
        assert_eq!(got, lines[start..end].join("\n"), "in {text:?}");
    }

    #[test]
    fn plain_single_line() {
        let text = job("      - run: go run ./scripts/gen   # trailing comment\n");
        assert_eq!(scripts(&text), [["go run ./scripts/gen"]]);
        let text = job("      - run: echo a#b\n");
        assert_eq!(scripts(&text), [["echo a#b"]]);
    }

    #[test]
    fn plain_multi_line() {
        let text = job(
            "      - run: go run ./x\n          -flag  \n\n          ./more\n        name: m\n",
        );
        assert_eq!(scripts(&text), [["go run ./x", "-flag", "", "./more"]]);
    }

    #[test]
    fn literal_blocks() {
        let text = job(concat!(
            "      - name: lit\n",
            "        run: |   # a comment after the header\n",
            "          cd tools/x && go run .\n",
            "\n",
            "            indented more\n",
            "          go run ./b \\\n",
            "            --flag\n",
            "\n",
            "      - run: |-\n",
            "          strip\n",
            "      - run: |+\n",
            "          keep\n",
            "\n",
            "\n",
            "      - run: |\n",
            "          last\n",
            "          line",
        ));
        assert_eq!(
            scripts(&text),
            vec![
                vec![
                    "cd tools/x && go run .",
                    "",
                    "  indented more",
                    "go run ./b \\",
                    "  --flag",
                ],
                vec!["strip"],
                vec!["keep"],
                vec!["last", "line"],
            ]
        );
    }

    #[test]
    fn literal_matches_the_parsed_value() {
        for body in [
            "      - run: |\n          a\n\n          b\n",
            "      - run: |2\n            two more\n          base\n",
            "      - run: |2-\n            x\n",
            "      - run: |-2\n            x\n          y\n",
            "      - run: |+\n          x\n\n",
            "      - run: |\n\n\n          after blanks\n      - run: x\n",
            "      - run: |\n          tab\there\n          \ttab first\n",
            "      - run: |\n          ${{ matrix.cmd }} && go run ./x\n",
            "      - name: a\n        run: |\n          a\n        shell: bash\n",
        ] {
            assert_literal_matches_value(&job(body));
        }
    }

    #[test]
    fn explicit_indentation_indicator() {
        let text = job("      - run: |2\n            go run ./x\n          go run ./y\n");
        assert_eq!(scripts(&text), [["  go run ./x", "go run ./y"]]);
    }

    #[test]
    fn empty_scripts_are_left_out() {
        let text = job(concat!(
            "      - run: |\n",
            "      - run:\n",
            "      - run: ''\n",
            "      - run: |+\n",
            "\n",
            "      - run: go run ./x\n",
        ));
        assert_eq!(scripts(&text), [["go run ./x"]]);
        let steps = run_steps(&text).unwrap();
        assert_eq!(steps[0].step, "#5");
    }

    #[test]
    fn folded_keeps_the_file_lines() {
        let text =
            job("      - run: >\n          go run ./x\n          -flag\n\n          echo done\n");
        assert_eq!(scripts(&text), [["go run ./x", "-flag", "", "echo done"]]);
    }

    #[test]
    fn quoted_scalars() {
        let text = job(concat!(
            "      - run: \"go run ./scripts/gen -msg \\\"hi\\\"\"\n",
            "      - run: 'go run ./x ''quoted'''\n",
            "      - run: \"go run ./x\n",
            "          --flag\"\n",
            "      - run: \"   \"\n",
        ));
        assert_eq!(
            scripts(&text),
            vec![
                vec![r#"go run ./scripts/gen -msg \"hi\""#],
                vec!["go run ./x ''quoted''"],
                vec!["go run ./x", "--flag"],
            ]
        );
    }

    #[test]
    fn crlf_and_lone_cr() {
        let text = job(concat!(
            "      - run: |\r\n",
            "          go run ./a\r\n",
            "          go run ./b\r\n",
            "      - run: go run ./c\r\n",
            "          ./d\r\n",
        ));
        let text = text.replace('\n', "\r\n").replace("\r\r\n", "\r\n");
        assert_eq!(
            scripts(&text),
            vec![vec!["go run ./a", "go run ./b"], vec!["go run ./c", "./d"]]
        );
        let text = "jobs:\r  j:\r    steps:\r      - run: |\r          go run ./a\r          x\r";
        assert_eq!(scripts(text), [["go run ./a", "x"]]);
    }

    #[test]
    fn utf8_offsets() {
        let text = job(concat!(
            "      - name: héllo wörld ✓\n",
            "        run: |\n",
            "          echo ✓ && go run ./x\n",
            "      - run: echo 日本 && go run ./y\n",
        ));
        assert_eq!(
            scripts(&text),
            vec![
                vec!["echo ✓ && go run ./x"],
                vec!["echo 日本 && go run ./y"]
            ]
        );
        let text = "\u{feff}jobs:\n  j:\n    steps:\n      - run: go run ./x\n";
        assert_eq!(scripts(text), [["go run ./x"]]);
    }

    #[test]
    fn jobs_without_runs() {
        let text = concat!(
            "on: [push]\n",
            "jobs:\n",
            "  call:\n",
            "    uses: ./.github/workflows/reusable.yml\n",
            "    with:\n",
            "      args: go run ./x\n",
            "  matrix:\n",
            "    strategy:\n",
            "      matrix:\n",
            "        go: ['1.24', '1.25']\n",
            "    runs-on: ubuntu-latest\n",
            "    steps:\n",
            "      - uses: actions/setup-go@v5\n",
            "        with:\n",
            "          go-version: ${{ matrix.go }}\n",
            "          run: go run ./not-a-step-run\n",
            "      - name: go run ./x\n",
            "        uses: docker://alpine\n",
            "      - run: go run ./cmd/${{ matrix.go }}\n",
        );
        let steps = run_steps(text).unwrap();
        assert_eq!(steps.len(), 1);
        assert_eq!(steps[0].job, "matrix");
        assert_eq!(steps[0].step, "#3");
        assert_eq!(
            &text[steps[0].lines[0].clone()],
            "go run ./cmd/${{ matrix.go }}"
        );
    }

    #[test]
    fn step_names() {
        let text = job(concat!(
            "      - name: Generate\n",
            "        id: gen\n",
            "        run: a\n",
            "      - id: only-id\n",
            "        run: b\n",
            "      - run: c\n",
        ));
        let names: Vec<String> = run_steps(&text)
            .unwrap()
            .into_iter()
            .map(|s| s.step)
            .collect();
        assert_eq!(names, ["Generate", "only-id", "#3"]);
    }

    #[test]
    fn defaults_precedence() {
        let text = concat!(
            "defaults:\n",
            "  run:\n",
            "    shell: sh\n",
            "    working-directory: wf\n",
            "jobs:\n",
            "  a:\n",
            "    defaults:\n",
            "      run:\n",
            "        working-directory: job\n",
            "    steps:\n",
            "      - run: x\n",
            "      - run: x\n",
            "        shell: pwsh\n",
            "        working-directory: step\n",
            "  b:\n",
            "    defaults:\n",
            "      run:\n",
            "        shell: bash -e {0}\n",
            "    steps:\n",
            "      - run: x\n",
        );
        let got: Vec<(String, Option<String>, Option<String>)> = run_steps(text)
            .unwrap()
            .into_iter()
            .map(|s| (s.job, s.shell, s.working_directory))
            .collect();
        let s = |x: &str| Some(x.to_string());
        assert_eq!(
            got,
            [
                ("a".into(), s("sh"), s("job")),
                ("a".into(), s("pwsh"), s("step")),
                ("b".into(), s("bash -e {0}"), s("wf")),
            ]
        );
        let steps = run_steps(&job("      - run: x\n")).unwrap();
        assert_eq!(
            (
                steps[0].shell.as_deref(),
                steps[0].working_directory.as_deref()
            ),
            (None, None)
        );
    }

    #[test]
    fn anchors_and_aliases() {
        let text = concat!(
            "jobs:\n",
            "  a:\n",
            "    steps:\n",
            "      - &gen\n",
            "        name: gen\n",
            "        run: &script |\n",
            "          go run ./scripts/gen\n",
            "      - run: !!str &tagged |2\n",
            "           go run ./indented\n",
            "  b:\n",
            "    steps:\n",
            "      - *gen\n",
            "      - name: again\n",
            "        run: *script\n",
            "        shell: bash\n",
        );
        let steps = run_steps(text).unwrap();
        let got: Vec<(&str, &str, &str)> = steps
            .iter()
            .map(|s| (s.job.as_str(), s.step.as_str(), &text[s.lines[0].clone()]))
            .collect();
        assert_eq!(
            got,
            [
                ("a", "gen", "go run ./scripts/gen"),
                ("a", "#2", " go run ./indented"),
                ("b", "gen", "go run ./scripts/gen"),
                ("b", "again", "go run ./scripts/gen"),
            ]
        );
        assert_eq!(steps[0].lines, steps[3].lines);
    }

    #[test]
    fn properties_before_a_block_without_indicator() {
        let text = job(
            "      - run: &s\n          |\n          go run ./x\n      - run: !!str go run ./y\n",
        );
        assert_eq!(scripts(&text), [["go run ./x"], ["go run ./y"]]);
    }

    #[test]
    fn multiple_documents() {
        let text = "jobs:\n  a:\n    steps:\n      - run: one\n---\njobs:\n  b:\n    steps:\n      - run: |\n          two\n...\n";
        let steps = run_steps(text).unwrap();
        assert_eq!(
            steps.iter().map(|s| s.job.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert_eq!(scripts(text), [["one"], ["two"]]);
    }

    #[test]
    fn not_workflows() {
        for text in [
            "",
            "\n\n",
            "# only a comment\n",
            "---\n",
            "just a scalar\n",
            "- a\n- b\n",
            "jobs: [a, b]\n",
            "jobs:\n  a: 1\n  b:\n    steps: 2\n  c:\n    steps:\n      - 1\n      - run: [x]\n",
        ] {
            assert_eq!(run_steps(text).unwrap(), [], "{text:?}");
        }
    }

    #[test]
    fn invalid_yaml_is_an_error_with_its_line() {
        for (text, line) in [
            ("jobs:\n  a:\n    steps:\n      - run: \"unterminated\n", 4),
            ("jobs:\n  a: [\nb: 1\n", 3),
            ("jobs: *missing\n", 1),
            ("jobs:\n  a:\n    steps:\n      - run: |\n\tgo run ./x\n", 4),
            ("a: 1\n a: 2\n", 2),
        ] {
            let e = run_steps(text).unwrap_err();
            assert_eq!(e.line, line, "{text:?}: {e}");
            assert!(!e.message.is_empty());
            assert!(e.to_string().starts_with(&format!("line {line}: ")));
        }
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let text = format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        // saphyr has a limit of its own; either refusal will do.
        let e = run_steps(&text).unwrap_err();
        assert!(
            e.message.contains("nested") || e.message.contains("recursion"),
            "{e}"
        );
        // Aliases nest too.
        let mut text = String::from("a0: &a0 [x]\n");
        for i in 1..300 {
            text.push_str(&format!("a{i}: &a{i} [*a{}]\n", i - 1));
        }
        assert!(run_steps(&text).unwrap_err().message.contains("nested"));
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("x:\n  - &step\n    run: |\n");
        for _ in 0..10 {
            text.push_str("      go run ./x\n");
        }
        text.push_str(&format!(
            "y: &many [{}]\njobs:\n",
            ["*step"; 100].join(", ")
        ));
        let jobs = |n: usize| {
            let mut t = text.clone();
            for j in 0..n {
                t.push_str(&format!("  j{j}:\n    steps: *many\n"));
            }
            t
        };
        // 100 jobs × 100 steps × 10 lines is fine …
        assert_eq!(run_steps(&jobs(100)).unwrap().len(), 100 * 100);
        // … 1100 jobs of them are too many.
        let e = run_steps(&jobs(1100)).unwrap_err();
        assert!(e.message.contains("aliases"), "{e}");
    }

    #[test]
    fn masked_keeps_lengths_and_line_breaks() {
        let text = job("      - name: ✓ étape\n        run: |\r\n          go run ./x ✓\r\n");
        let steps = run_steps(&text).unwrap();
        let m = masked(&text, &steps);
        assert_eq!(m.len(), text.len());
        assert_eq!(m.lines().count(), text.lines().count());
        for (i, (a, b)) in text.bytes().zip(m.bytes()).enumerate() {
            let inside = steps[0].lines.iter().any(|r| r.contains(&i));
            if inside || a == b'\n' || a == b'\r' {
                assert_eq!(a, b);
            } else {
                assert_eq!(b, b' ');
            }
        }
        assert_eq!(m.trim(), "go run ./x ✓");
        // A range that cuts a character (not one of ours) is not copied.
        let odd = RunStep {
            job: "j".into(),
            step: "s".into(),
            shell: None,
            working_directory: None,
            lines: vec![1..2, 3..9],
            rewritable: false,
        };
        assert_eq!(masked("é\nab", &[odd]), "  \n  ");
    }

    /// What the integrator does: scan each step's masked text as shell.
    fn go_runs(text: &str) -> Vec<(String, &str, &str)> {
        let steps = run_steps(text).unwrap();
        let m = masked(text, &steps);
        let mut out = Vec::new();
        for s in &steps {
            let range = s.lines[0].start..s.lines[s.lines.len() - 1].end;
            let (scan, _) = shell::scan(&m, range, Dialect::Shell, Cwd::base());
            for c in scan.commands {
                let w = &c.words;
                if w.len() >= 2 && w[0].text == "go" && w[1].text == "run" {
                    let cwd = match &c.cwd {
                        Cwd::Known(p) => p.clone(),
                        Cwd::Unknown(_) => "?".into(),
                    };
                    out.push((cwd, &text[w[0].span.clone()], &text[w[1].span.clone()]));
                    assert_eq!(&text[w[2].span.clone()], w[2].text, "package word");
                }
            }
        }
        out
    }

    #[test]
    fn masked_round_trip_through_the_shell_layer() {
        let text = job(concat!(
            "      # expect: local gen\n",
            "      - run: go run ./scripts/gen\n",
            "      - name: \"go run ./not-this\"\n",
            "        run: |\n",
            "          # go run ./comment\n",
            "          echo \"go run ./quoted\"\n",
            "          cd tools/x && go run .\n",
            "          go test -run TestX ./...\n",
            "      - run: \"go run ./dq\"\n",
            "      - run: >\n",
            "          go run ./folded\n",
            "          -flag\n",
        ));
        let text = text.replace('\n', "\r\n");
        assert_eq!(
            go_runs(&text),
            [
                (String::new(), "go", "run"),
                ("tools/x".to_string(), "go", "run"),
                (String::new(), "go", "run"),
                (String::new(), "go", "run"),
            ]
        );
    }

    /// The fixtures' `go run` / `go tool` commands, as the integrator will
    /// find them: through the shell layer for bash and sh steps, at the
    /// start of a line for other shells; as (1-based line, is `go tool`).
    fn fixture_calls(text: &str) -> Vec<(usize, bool)> {
        let line_of = |at: usize| text[..at].matches('\n').count() + 1;
        let steps = run_steps(text).unwrap();
        let m = masked(text, &steps);
        let mut out = Vec::new();
        for s in &steps {
            let posix = s
                .shell
                .as_deref()
                .is_none_or(|sh| sh.starts_with("bash") || sh.starts_with("sh"));
            if !posix {
                for r in &s.lines {
                    let l = &text[r.clone()];
                    if l.starts_with("go run ") || l.starts_with("go tool ") {
                        out.push((line_of(r.start), l.starts_with("go tool")));
                    }
                }
                continue;
            }
            let range = s.lines[0].start..s.lines[s.lines.len() - 1].end;
            let (scan, _) = shell::scan(&m, range, Dialect::Shell, Cwd::base());
            for c in &scan.commands {
                let Some(i) = shell::command_index(&c.words) else {
                    continue;
                };
                let (go, verb) = (&c.words[i], c.words.get(i + 1));
                let verb = verb.map(|v| &text[v.span.clone()]);
                let prebuilt = c.words.get(i + 2).is_some_and(|w| {
                    crate::syntax::callsite::is_prebuilt_tool(&text[w.span.clone()])
                });
                if &text[go.span.clone()] == "go"
                    && (verb == Some("run") || (verb == Some("tool") && !prebuilt))
                {
                    out.push((line_of(go.span.start), verb == Some("tool")));
                }
            }
        }
        out.sort_unstable();
        out
    }

    /// The `# expect:` annotations: (the line after the stack, is `tool`).
    fn fixture_expectations(text: &str) -> Vec<(usize, bool)> {
        let lines: Vec<&str> = text.lines().collect();
        let mut out = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            let Some(e) = l.trim_start().strip_prefix("# expect: ") else {
                continue;
            };
            if e == "none" {
                continue;
            }
            let target = (i..lines.len())
                .find(|&k| !lines[k].trim_start().starts_with("# expect: "))
                .unwrap();
            out.push((target + 1, e.starts_with("tool ")));
        }
        out.sort_unstable();
        out
    }

    #[test]
    fn fixtures_callsites_sit_under_their_expect_lines() {
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sources/workflows");
        for side in ["pos", "neg"] {
            let dir = root.join(side).join(".github/workflows");
            let mut files: Vec<_> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            files.sort();
            assert!(!files.is_empty(), "{}", dir.display());
            for f in files {
                let text = std::fs::read_to_string(&f).unwrap();
                let want = fixture_expectations(&text);
                assert_eq!(side == "pos", !want.is_empty(), "{}", f.display());
                if side == "neg" {
                    assert!(text.starts_with("# expect: none\n"), "{}", f.display());
                }
                assert_eq!(fixture_calls(&text), want, "{}", f.display());
            }
        }
    }

    /// A generated script line: no leading blank (the first line's
    /// indentation would change the block's), at least one visible byte.
    fn script_line() -> impl Strategy<Value = String> {
        "[a-z./&|$#\"'{}-][ a-z./&|$#\"'{}\t✓-]{0,20}".prop_map(|s| s.trim_end().to_string())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn literal_blocks_map_back_exactly(
            lines in prop::collection::vec(
                (0usize..3, prop::option::weighted(0.8, script_line())), 1..8),
            base in 1usize..6,
            explicit in any::<bool>(),
            chomp in prop::sample::select(vec!["", "-", "+"]),
            crlf in any::<bool>(),
            header_comment in any::<bool>(),
            trailing_blanks in 0usize..3,
            props in prop::sample::select(vec!["", "&a ", "!!str ", "&a !!str "]),
        ) {
            // Script lines: (extra indentation, text or a blank line).
            let mut script: Vec<String> = lines
                .iter()
                .map(|(extra, l)| match l {
                    Some(l) => format!("{}{l}", " ".repeat(*extra)),
                    None => String::new(),
                })
                .collect();
            // The first line sets the indentation unless it is explicit.
            if !explicit {
                if let Some(first) = script.iter_mut().find(|l| !l.is_empty()) {
                    *first = first.trim_start().to_string();
                }
            }
            let indent = 8 + base;
            let ind = if explicit { format!("{}", indent - 8) } else { String::new() };
            let mut text = format!(
                "jobs:\n  j:\n    steps:\n      - run: {props}|{ind}{chomp}{}\n",
                if header_comment { "  # note" } else { "" }
            );
            for l in &script {
                if l.is_empty() {
                    text.push('\n');
                } else {
                    text.push_str(&" ".repeat(indent));
                    text.push_str(l);
                    text.push('\n');
                }
            }
            text.push_str(&"\n".repeat(trailing_blanks));
            text.push_str("        name: after\n      - run: go run ./next\n");
            if crlf {
                text = text.replace('\n', "\r\n");
            }
            let blank = |l: &String| l.trim_matches([' ', '\t']).is_empty();
            let start = script.iter().position(|l| !blank(l)).unwrap_or(script.len());
            let end = script.iter().rposition(|l| !blank(l)).map_or(start, |i| i + 1);
            let expected: Vec<&str> = script[start..end].iter().map(String::as_str).collect();
            let got = scripts(&text);
            let mut want = Vec::new();
            if !expected.is_empty() {
                want.push(expected);
            }
            want.push(vec!["go run ./next"]);
            prop_assert_eq!(got, want);
            let steps = run_steps(&text).unwrap();
            let m = masked(&text, &steps);
            prop_assert_eq!(m.len(), text.len());
        }

        #[test]
        fn any_text_gives_ranges_or_an_error(
            text in "(jobs:\n  j:\n    steps:\n)?([ \t\r\n]|- |run: |[|>][-+1-9]?|[&*!][a-z]|['\"#:\\\\]|go run|é|\\$\\{\\{|x){0,60}",
        ) {
            match run_steps(&text) {
                Err(e) => prop_assert!(e.line >= 1),
                Ok(steps) => {
                    for s in &steps {
                        prop_assert!(!s.lines.is_empty());
                        for r in &s.lines {
                            prop_assert!(r.start <= r.end && r.end <= text.len());
                            prop_assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
                            prop_assert!(!text[r.clone()].contains(['\n', '\r']));
                        }
                        for w in s.lines.windows(2) {
                            prop_assert!(w[0].end < w[1].start);
                        }
                    }
                    prop_assert_eq!(masked(&text, &steps).len(), text.len());
                }
            }
        }
    }
}
