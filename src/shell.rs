//! The shell layer: split recipe text (or `$(shell ...)` text) into simple
//! commands whose words keep their byte spans in the file.
//!
//! Why a hand tokenizer and not tree-sitter-bash: recipe text is make text
//! first and shell text second. `$(VAR)`, `$@` and `$$` must be read by make's
//! rules before the shell sees anything, `\`-newline continuations carry the
//! recipe prefix of the next line, and `$(shell ...)`, `$(foreach ...)` and
//! `$(if ...)` open new shell text inside a word. Masking make references and
//! mapping a second tree back to file offsets costs more code than reading
//! both layers in one pass, and gets spans wrong where a masked reference
//! changed length. The tokenizer below knows exactly what makes a *command*:
//! the first word after a separator (`&&`, `||`, `;`, `|`, `&`, newline,
//! `(`, `)` of a `case` pattern, a substitution's start), after env
//! assignments and prefix commands (`env -u X --`, `exec`, `time`, ...) and
//! shell keywords (`if`, `then`, `do`, `!`, ...). Quoted strings, comments,
//! heredoc bodies and redirection targets are never commands.

use std::ops::Range;

/// A byte range in the source.
pub type Span = Range<usize>;

/// Which layers of quoting apply to the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Make text handed to a shell: `$(X)` is make's, `$$` is the shell's `$`.
    Make,
    /// Plain shell text (scripts).
    Shell,
}

/// One shell word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub span: Span,
    /// The word with shell quoting removed; make references (`$(GO)`, `$@`)
    /// and shell expansions are kept as written.
    pub text: String,
    /// Some part was quoted.
    pub quoted: bool,
    /// Holds a make reference (`$(X)`, `${X}`, `$@`).
    pub make_ref: bool,
    /// Holds a shell expansion (`$$x`, `$$(...)`, a backtick).
    pub shell_expansion: bool,
    /// Text up to the first `=` is a valid name and the `=` is unquoted.
    pub assignment: bool,
}

impl Word {
    /// The literal value, when the word has no expansion at all.
    pub fn literal(&self) -> Option<&str> {
        (!self.make_ref && !self.shell_expansion).then_some(self.text.as_str())
    }
}

/// The working directory at a point of the shell text, relative to the
/// directory the text runs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cwd {
    /// A relative path (`""` = where the text starts), made of `/`-joined
    /// components, possibly starting with `..`.
    Known(String),
    /// A `cd` we could not follow, with the reason.
    Unknown(String),
}

impl Cwd {
    pub fn base() -> Cwd {
        Cwd::Known(String::new())
    }

    /// Apply `cd arg` (the word as written, quotes removed).
    fn cd(&self, arg: Option<&Word>) -> Cwd {
        let Cwd::Known(cur) = self else {
            return self.clone();
        };
        let Some(arg) = arg else {
            return Cwd::Unknown("`cd` without a directory".into());
        };
        let text = arg.text.as_str();
        let text = text
            .strip_prefix("$(CURDIR)/")
            .or_else(|| text.strip_prefix("${CURDIR}/"))
            .map(|rest| (true, rest))
            .unwrap_or((false, text));
        let (from_root, path) = text;
        if path.contains('$') || path.contains('`') || path == "-" {
            return Cwd::Unknown(format!("`cd {}` depends on a variable", arg.text));
        }
        if path.starts_with('/') || path.starts_with('~') {
            return Cwd::Unknown(format!("`cd {}` leaves the repository", arg.text));
        }
        Cwd::Known(join_rel(if from_root { "" } else { cur }, path))
    }
}

/// Join a relative path onto a relative base, resolving `.` and `..`.
pub fn join_rel(base: &str, path: &str) -> String {
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else {
                    parts.push("..");
                }
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// A simple command: words up to a separator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub words: Vec<Word>,
    /// The working directory the command runs in.
    pub cwd: Cwd,
    /// Nesting: 0 for the top level, more inside substitutions and subshells.
    pub depth: usize,
}

impl Command {
    pub fn span(&self) -> Span {
        let s = self.words.first().map_or(0, |w| w.span.start);
        let e = self.words.last().map_or(0, |w| w.span.end);
        s..e
    }
}

/// Commands found in one piece of shell text.
#[derive(Debug, Default)]
pub struct Scan {
    pub commands: Vec<Command>,
}

/// Scan `src[range]` as shell text starting in `cwd`; returns the commands
/// and the working directory at the end (for `.ONESHELL` recipes).
pub fn scan(src: &str, range: Span, dialect: Dialect, cwd: Cwd) -> (Scan, Cwd) {
    scan_with(src, range, dialect, cwd, false)
}

/// Scan a recipe: one line, or under `.ONESHELL` the whole recipe, where the
/// recipe prefix and the `@ - +` prefixes of each line are not shell text.
pub fn scan_recipe(src: &str, range: Span, oneshell: bool) -> (Scan, Cwd) {
    scan_with(src, range, Dialect::Make, Cwd::base(), oneshell)
}

fn scan_with(src: &str, range: Span, dialect: Dialect, cwd: Cwd, oneshell: bool) -> (Scan, Cwd) {
    scan_nested(src, range, dialect, cwd, oneshell, 0)
}

/// Substitutions, subshells and make references nested deeper than this are
/// skipped unread: no real recipe comes close, and the scanner recurses per
/// level, so hostile input (`$$($$($$(...` 100k deep) must not overflow the
/// stack.
pub const MAX_NESTING: usize = 32;

fn scan_nested(
    src: &str,
    range: Span,
    dialect: Dialect,
    cwd: Cwd,
    oneshell: bool,
    nesting: usize,
) -> (Scan, Cwd) {
    let mut s = Scanner {
        nesting,
        oneshell,
        b: src.as_bytes(),
        src,
        pos: range.start,
        end: range.end.min(src.len()),
        dialect,
        out: Vec::new(),
        cwd: vec![cwd],
        pending_heredocs: Vec::new(),
        budget: 200_000 + (range.end - range.start) * 4,
    };
    s.list(None, 0);
    let cwd = s.cwd.pop().unwrap_or_else(Cwd::base);
    (Scan { commands: s.out }, cwd)
}

struct Scanner<'a> {
    /// How deep the scanner that started this one was nested.
    nesting: usize,
    /// Lines after the first start with the recipe prefix and `@ - +`.
    oneshell: bool,
    b: &'a [u8],
    src: &'a str,
    pos: usize,
    end: usize,
    dialect: Dialect,
    out: Vec<Command>,
    cwd: Vec<Cwd>,
    pending_heredocs: Vec<(String, bool)>,
    /// Steps left: bounds the work on hostile input.
    budget: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        (self.pos < self.end).then(|| self.b[self.pos])
    }

    fn at(&self, i: usize) -> Option<u8> {
        let p = self.pos + i;
        (p < self.end).then(|| self.b[p])
    }

    fn cur_cwd(&self) -> Cwd {
        self.cwd.last().cloned().unwrap_or_else(Cwd::base)
    }

    /// A `\`-newline continuation at the cursor: its length (including a
    /// recipe prefix tab on the next line in make text).
    fn continuation(&self) -> usize {
        if self.peek() != Some(b'\\') {
            return 0;
        }
        let mut n = 1;
        if self.at(n) == Some(b'\r') {
            n += 1;
        }
        if self.at(n) != Some(b'\n') {
            return 0;
        }
        n += 1;
        if self.dialect == Dialect::Make && self.at(n) == Some(b'\t') {
            n += 1;
        }
        n
    }

    /// Read a list of commands until `close` (or the end).
    fn list(&mut self, close: Option<u8>, depth: usize) {
        if self.nesting + depth > MAX_NESTING {
            self.skip_unread(close);
            return;
        }
        let mut words: Vec<Word> = Vec::new();
        loop {
            if self.budget == 0 {
                self.pos = self.end;
            }
            self.budget = self.budget.saturating_sub(1);
            // Blanks and continuations.
            loop {
                match self.peek() {
                    Some(b' ' | b'\t' | b'\r') => self.pos += 1,
                    Some(b'\\') if self.continuation() > 0 => self.pos += self.continuation(),
                    _ => break,
                }
            }
            let Some(c) = self.peek() else {
                self.finish(&mut words, depth);
                return;
            };
            if Some(c) == close {
                self.pos += 1;
                self.finish(&mut words, depth);
                return;
            }
            match c {
                b'\n' => {
                    self.pos += 1;
                    self.finish(&mut words, depth);
                    self.skip_heredoc_bodies();
                    if self.oneshell {
                        while matches!(self.peek(), Some(b'\t' | b'@' | b'-' | b'+')) {
                            self.pos += 1;
                        }
                    }
                }
                b';' | b'&' | b'|' => {
                    self.pos += 1;
                    if matches!(self.peek(), Some(b';' | b'&' | b'|')) {
                        self.pos += 1;
                    }
                    self.finish(&mut words, depth);
                }
                b'(' if words.is_empty() => {
                    self.pos += 1;
                    if self.peek() == Some(b'(') {
                        // `((` arithmetic: no commands inside.
                        self.skip_balanced(b'(', b')');
                        continue;
                    }
                    let cwd = self.cur_cwd();
                    self.cwd.push(cwd);
                    self.list(Some(b')'), depth + 1);
                    self.cwd.pop();
                }
                b')' => {
                    // A `case` pattern's `)`: what came before was a pattern.
                    self.pos += 1;
                    words.clear();
                }
                b'#' => {
                    while let Some(c) = self.peek() {
                        if c == b'\n' {
                            break;
                        }
                        self.pos += 1;
                    }
                }
                b'<' | b'>' => self.redirection(depth),
                b'0'..=b'9' if self.is_fd_redirection() => {
                    while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                        self.pos += 1;
                    }
                    self.redirection(depth);
                }
                _ => {
                    let w = self.word(close, depth);
                    if let Some(w) = w {
                        words.push(w);
                    } else {
                        // Nothing consumed: skip one byte to make progress.
                        self.pos += 1;
                    }
                }
            }
        }
    }

    /// Skip to the end of a list nested too deep to read: past its closing
    /// byte (balanced for parentheses), or to the end.
    fn skip_unread(&mut self, close: Option<u8>) {
        match close {
            Some(b')') => {
                let mut depth = 1usize;
                while let Some(c) = self.peek() {
                    self.pos += 1;
                    if c == b'(' {
                        depth += 1;
                    } else if c == b')' {
                        depth -= 1;
                        if depth == 0 {
                            return;
                        }
                    }
                }
            }
            Some(close) => {
                while let Some(c) = self.peek() {
                    self.pos += 1;
                    if c == close {
                        return;
                    }
                }
            }
            None => self.pos = self.end,
        }
    }

    fn is_fd_redirection(&self) -> bool {
        let mut i = 0;
        while self.at(i).is_some_and(|c| c.is_ascii_digit()) {
            i += 1;
        }
        matches!(self.at(i), Some(b'<' | b'>'))
    }

    /// `>`, `>>`, `<`, `>&2`, `<<<`, `<<EOF`, `<(...)`, `>(...)`.
    fn redirection(&mut self, depth: usize) {
        let first = self.peek();
        self.pos += 1;
        if self.peek() == Some(b'(') {
            // Process substitution.
            self.pos += 1;
            let cwd = self.cur_cwd();
            self.cwd.push(cwd);
            self.list(Some(b')'), depth + 1);
            self.cwd.pop();
            return;
        }
        let mut heredoc = false;
        if first == Some(b'<') && self.peek() == Some(b'<') {
            self.pos += 1;
            if self.peek() == Some(b'<') {
                self.pos += 1; // here-string: the next word is data
            } else {
                heredoc = true;
                if self.peek() == Some(b'-') {
                    self.pos += 1;
                }
            }
        }
        while matches!(self.peek(), Some(b'>' | b'&' | b'|')) {
            self.pos += 1;
        }
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
        if self.peek() == Some(b'-') && first == Some(b'>') {
            self.pos += 1;
            return;
        }
        if let Some(w) = self.word(None, depth) {
            if heredoc {
                let quoted = w.quoted;
                let delim = w.text.trim_start_matches('-').to_string();
                self.pending_heredocs.push((delim, quoted));
            }
        }
    }

    fn skip_heredoc_bodies(&mut self) {
        let docs = std::mem::take(&mut self.pending_heredocs);
        for (delim, _) in docs {
            while self.pos < self.end {
                let line_end = self.src[self.pos..self.end]
                    .find('\n')
                    .map_or(self.end, |i| self.pos + i);
                let line = self.src[self.pos..line_end]
                    .trim_start_matches('\t')
                    .trim_end_matches('\r');
                self.pos = (line_end + 1).min(self.end);
                if line == delim {
                    break;
                }
            }
        }
    }

    fn skip_balanced(&mut self, open: u8, close: u8) {
        let mut depth = 0usize;
        while let Some(c) = self.peek() {
            self.pos += 1;
            if c == open {
                depth += 1;
            } else if c == close {
                if depth <= 1 {
                    return;
                }
                depth -= 1;
            }
        }
    }

    /// Read one word; nested substitutions are scanned as command lists.
    fn word(&mut self, close: Option<u8>, depth: usize) -> Option<Word> {
        let start = self.pos;
        let mut w = Word {
            span: start..start,
            text: String::new(),
            quoted: false,
            make_ref: false,
            shell_expansion: false,
            assignment: false,
        };
        let mut name_ok = true; // still reading `NAME` of `NAME=`
        while let Some(c) = self.peek() {
            if Some(c) == close {
                break;
            }
            match c {
                b' ' | b'\t' | b'\n' | b'\r' | b';' | b'&' | b'|' | b'<' | b'>' | b')' => break,
                b'(' if w.text.is_empty() => break,
                b'\\' => {
                    let n = self.continuation();
                    if n > 0 {
                        break;
                    }
                    self.pos += 1;
                    if let Some(ch) = self.next_char() {
                        w.text.push(ch);
                    }
                    name_ok = false;
                }
                b'\'' => {
                    w.quoted = true;
                    name_ok = false;
                    self.pos += 1;
                    let s = self.pos;
                    while self.peek().is_some_and(|c| c != b'\'') {
                        self.pos += 1;
                    }
                    w.text.push_str(&self.src[s..self.pos]);
                    if self.peek().is_some() {
                        self.pos += 1;
                    }
                }
                b'"' => {
                    w.quoted = true;
                    name_ok = false;
                    self.pos += 1;
                    self.double_quoted(&mut w, depth);
                }
                b'`' => {
                    name_ok = false;
                    self.pos += 1;
                    w.shell_expansion = true;
                    let s = self.pos;
                    let cwd = self.cur_cwd();
                    self.cwd.push(cwd);
                    self.list(Some(b'`'), depth + 1);
                    self.cwd.pop();
                    w.text.push('`');
                    w.text.push_str(&self.src[s..self.pos]);
                }
                b'$' => {
                    name_ok = false;
                    self.dollar(&mut w, depth);
                }
                b'=' if name_ok && !w.text.is_empty() => {
                    w.assignment = true;
                    name_ok = false;
                    w.text.push('=');
                    self.pos += 1;
                }
                _ => {
                    let ch = self.next_char().unwrap_or('?');
                    if !(ch.is_ascii_alphanumeric() || ch == '_')
                        || (w.text.is_empty() && ch.is_ascii_digit())
                    {
                        name_ok = false;
                    }
                    w.text.push(ch);
                }
            }
        }
        if self.pos == start {
            return None;
        }
        w.span = start..self.pos;
        Some(w)
    }

    fn next_char(&mut self) -> Option<char> {
        let ch = self.src[self.pos..self.end].chars().next()?;
        self.pos += ch.len_utf8();
        Some(ch)
    }

    fn double_quoted(&mut self, w: &mut Word, depth: usize) {
        while let Some(c) = self.peek() {
            match c {
                b'"' => {
                    self.pos += 1;
                    return;
                }
                b'\\' => {
                    let n = self.continuation();
                    if n > 0 {
                        self.pos += n;
                        continue;
                    }
                    self.pos += 1;
                    if let Some(ch) = self.next_char() {
                        if !matches!(ch, '"' | '\\' | '$' | '`') {
                            w.text.push('\\');
                        }
                        w.text.push(ch);
                    }
                }
                b'`' => {
                    self.pos += 1;
                    w.shell_expansion = true;
                    let cwd = self.cur_cwd();
                    self.cwd.push(cwd);
                    self.list(Some(b'`'), depth + 1);
                    self.cwd.pop();
                    w.text.push_str("`...`");
                }
                b'$' => self.dollar(w, depth),
                _ => {
                    let ch = self.next_char().unwrap_or('?');
                    w.text.push(ch);
                }
            }
        }
    }

    /// A `$` at the cursor: a make reference (make text), a shell expansion,
    /// or a command substitution to scan.
    fn dollar(&mut self, w: &mut Word, depth: usize) {
        let start = self.pos;
        if self.dialect == Dialect::Make {
            match self.at(1) {
                Some(b'$') => {
                    self.pos += 1; // now at the shell's `$`
                    self.shell_dollar(w, depth, start);
                }
                Some(b'(' | b'{') => self.make_reference(w, depth),
                Some(_) => {
                    // `$@`, `$<`, `$X`: one-character make reference.
                    self.pos += 1;
                    self.next_char();
                    w.make_ref = true;
                    w.text.push_str(&self.src[start..self.pos]);
                }
                None => {
                    self.pos += 1;
                    w.text.push('$');
                }
            }
        } else {
            self.shell_dollar(w, depth, start);
        }
    }

    /// The shell's `$` at the cursor; `start` is where the text began
    /// (including make's escaping `$`).
    fn shell_dollar(&mut self, w: &mut Word, depth: usize, start: usize) {
        self.pos += 1; // the `$`
        match self.peek() {
            Some(b'(') if self.at(1) == Some(b'(') => {
                self.skip_balanced(b'(', b')');
                self.skip_balanced(b'(', b')');
                w.shell_expansion = true;
            }
            Some(b'(') => {
                self.pos += 1;
                let cwd = self.cur_cwd();
                self.cwd.push(cwd);
                self.list(Some(b')'), depth + 1);
                self.cwd.pop();
                w.shell_expansion = true;
            }
            Some(b'{') => {
                self.skip_balanced(b'{', b'}');
                w.shell_expansion = true;
            }
            Some(c) if c.is_ascii_alphanumeric() || c == b'_' => {
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
                {
                    self.pos += 1;
                }
                w.shell_expansion = true;
            }
            Some(b'@' | b'*' | b'#' | b'?' | b'!' | b'-' | b'$') => {
                self.pos += 1;
                w.shell_expansion = true;
            }
            _ => {}
        }
        w.text.push_str(&self.src[start..self.pos]);
    }

    /// `$(...)` or `${...}` in make text. `$(shell X)` scans X as shell text;
    /// `$(foreach v,l,BODY)` and `$(if c,THEN,ELSE)` scan their bodies, which
    /// become shell text; other references are kept verbatim in the word.
    fn make_reference(&mut self, w: &mut Word, depth: usize) {
        let start = self.pos;
        let Some(end) = make_ref_end(self.b, start, self.end) else {
            // Unbalanced: take the rest as the word.
            w.make_ref = true;
            w.text.push_str(&self.src[start..self.end]);
            self.pos = self.end;
            return;
        };
        let inner = start + 2..end - 1;
        w.make_ref = true;
        w.text.push_str(&self.src[start..end]);
        for seg in shell_segments(self.src, inner) {
            let (scan, _) = scan_nested(
                self.src,
                seg,
                Dialect::Make,
                self.cur_cwd(),
                false,
                self.nesting + depth + 1,
            );
            for mut c in scan.commands {
                c.depth += depth + 1;
                self.out.push(c);
            }
        }
        self.pos = end;
    }

    fn finish(&mut self, words: &mut Vec<Word>, depth: usize) {
        if words.is_empty() {
            return;
        }
        let words = std::mem::take(words);
        let cwd = self.cur_cwd();
        // Follow `cd`, `pushd` and `popd` for the commands after this one.
        if let Some(i) = command_index(&words) {
            let new = match words[i].literal() {
                Some("cd") => Some(cwd.cd(words.get(i + 1).filter(|w| !w.text.starts_with('-')))),
                Some("pushd") => {
                    let next = cwd.cd(words.get(i + 1));
                    self.cwd.push(next);
                    None
                }
                Some("popd") if self.cwd.len() > 1 => {
                    self.cwd.pop();
                    None
                }
                _ => None,
            };
            if let Some(new) = new {
                if let Some(top) = self.cwd.last_mut() {
                    *top = new;
                }
            }
        }
        self.out.push(Command { words, cwd, depth });
    }
}

/// End (exclusive) of the make reference starting at `start` (`$(` or `${`).
/// Nested references are skipped whole, each counting only its own kind of
/// bracket; iterative, so any depth of nesting is fine.
pub fn make_ref_end(b: &[u8], start: usize, limit: usize) -> Option<usize> {
    let closer = |open: u8| if open == b'(' { b')' } else { b'}' };
    // Per open reference: its opening and closing byte and how many of its
    // brackets are open.
    let open = *b.get(start + 1)?;
    let mut stack: Vec<(u8, u8, usize)> = vec![(open, closer(open), 1)];
    let mut i = start + 2;
    while i < limit {
        let c = b[i];
        if c == b'$' && i + 1 < limit && (b[i + 1] == b'(' || b[i + 1] == b'{') {
            stack.push((b[i + 1], closer(b[i + 1]), 1));
            i += 2;
            continue;
        }
        let top = stack.last_mut()?;
        if c == top.0 {
            top.2 += 1;
        } else if c == top.1 {
            top.2 -= 1;
            if top.2 == 0 {
                stack.pop();
                if stack.is_empty() {
                    return Some(i + 1);
                }
            }
        }
        i += 1;
    }
    None
}

/// Split make-function arguments at top-level commas: spans of each argument.
pub fn split_args(src: &str, range: Span) -> Vec<Span> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut s = range.start;
    let mut i = range.start;
    let mut depth = 0usize;
    while i < range.end {
        match b[i] {
            b'$' if i + 1 < range.end && (b[i + 1] == b'(' || b[i + 1] == b'{') => {
                if let Some(e) = make_ref_end(b, i, range.end) {
                    i = e;
                    continue;
                }
            }
            b'(' | b'{' => depth += 1,
            b')' | b'}' => depth = depth.saturating_sub(1),
            b',' if depth == 0 => {
                out.push(s..i);
                s = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push(s..range.end);
    out
}

/// The parts of a make reference's inner text that become shell text when
/// the reference sits in a recipe: the argument of `shell`, the body of
/// `foreach`, the branches of `if`/`or`/`and`. `$(shell ...)` in the other
/// arguments (and in any other function) is found by
/// [`make_text_shell_segments`].
fn shell_segments(src: &str, inner: Span) -> Vec<Span> {
    let Some((fname, args)) = function_args(src, inner) else {
        return Vec::new();
    };
    let parts = split_args(src, args.clone());
    let (shell, make): (Vec<Span>, Vec<Span>) = match fname {
        "shell" => (vec![args], Vec::new()),
        "foreach" => (
            parts.get(2).cloned().into_iter().collect(),
            parts.iter().take(2).cloned().collect(),
        ),
        "if" | "or" | "and" => (
            parts.iter().skip(1).cloned().collect(),
            parts.iter().take(1).cloned().collect(),
        ),
        _ => (Vec::new(), vec![args]),
    };
    let mut out = shell;
    for m in make {
        out.extend(make_text_shell_segments(src, m));
    }
    out
}

/// A function reference's name and argument span; `None` for a variable.
fn function_args(src: &str, inner: Span) -> Option<(&str, Span)> {
    let text = &src[inner.clone()];
    let name_len = text.find(|c: char| c.is_whitespace())?;
    let fname = &text[..name_len];
    if fname.is_empty() || fname.contains(['$', ':', '=']) {
        return None;
    }
    Some((fname, inner.start + name_len + 1..inner.end))
}

/// Shell text inside make text (an assignment's value, a rule line): the
/// argument of each `$(shell ...)` found in `range`, at any depth
/// (`$(foreach x,$(patsubst ...,$(shell ...)),...)`).
pub fn make_text_shell_segments(src: &str, range: Span) -> Vec<Span> {
    let mut out = Vec::new();
    shell_segments_in_make_text(src, range, 0, &mut out);
    out
}

fn shell_segments_in_make_text(src: &str, range: Span, nesting: usize, out: &mut Vec<Span>) {
    if nesting > MAX_NESTING {
        return;
    }
    let b = src.as_bytes();
    let mut i = range.start;
    while i + 1 < range.end {
        if b[i] == b'$' && b[i + 1] == b'$' {
            i += 2;
            continue;
        }
        if b[i] == b'$' && (b[i + 1] == b'(' || b[i + 1] == b'{') {
            match make_ref_end(b, i, range.end) {
                Some(e) => {
                    let inner = i + 2..e - 1;
                    match function_args(src, inner) {
                        Some(("shell", args)) => out.push(args),
                        Some((_, args)) => shell_segments_in_make_text(src, args, nesting + 1, out),
                        None => {}
                    }
                    i = e;
                    continue;
                }
                None => break,
            }
        }
        i += 1;
    }
}

/// Shell keywords and prefix commands after which the next word is the command.
const KEYWORDS: [&str; 11] = [
    "if", "then", "else", "elif", "while", "until", "do", "!", "{", "time", "exec",
];
const PREFIX_COMMANDS: [&str; 5] = ["command", "nohup", "builtin", "xargs", "sudo"];

/// Index of the word that is the command, skipping keywords, env
/// assignments and prefix commands (`env -u GOOS --`, `nice -n 5`).
pub fn command_index(words: &[Word]) -> Option<usize> {
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        if w.assignment {
            i += 1;
            continue;
        }
        match w.literal() {
            Some(k) if KEYWORDS.contains(&k) || PREFIX_COMMANDS.contains(&k) => {
                i += 1;
                if k == "time" && words.get(i).and_then(|w| w.literal()) == Some("-p") {
                    i += 1;
                }
            }
            Some("env") => {
                i += 1;
                while let Some(w) = words.get(i) {
                    match w.literal() {
                        Some("--") => {
                            i += 1;
                            break;
                        }
                        Some("-u" | "--unset" | "-C" | "--chdir" | "-S" | "--split-string") => {
                            i += 2
                        }
                        Some(o) if o.starts_with('-') => i += 1,
                        _ if w.assignment => i += 1,
                        _ => break,
                    }
                }
            }
            Some("nice") => {
                i += 1;
                if words.get(i).and_then(|w| w.literal()) == Some("-n") {
                    i += 2;
                }
            }
            _ => return Some(i),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commands(src: &str) -> Vec<String> {
        let (s, _) = scan(src, 0..src.len(), Dialect::Make, Cwd::base());
        s.commands
            .iter()
            .map(|c| {
                let words: Vec<&str> = c.words.iter().map(|w| w.text.as_str()).collect();
                let cwd = match &c.cwd {
                    Cwd::Known(p) if p.is_empty() => String::new(),
                    Cwd::Known(p) => format!("[{p}] "),
                    Cwd::Unknown(_) => "[?] ".into(),
                };
                format!("{cwd}{}", words.join(" "))
            })
            .collect()
    }

    #[test]
    fn separators_and_substitutions() {
        assert_eq!(
            commands("cd tools && go run ./gen; echo \"go run x\" | tee `go run ./b` > out"),
            [
                "cd tools",
                "[tools] go run ./gen",
                "[tools] echo go run x",
                "[tools] go run ./b",
                "[tools] tee `go run ./b`"
            ]
        );
        assert_eq!(
            commands("x=$$(go run ./v) && echo $$x"),
            ["go run ./v", "x=$$(go run ./v)", "echo $$x"]
        );
    }

    #[test]
    fn continuations_and_env_prefixes() {
        let src = "CI=true \\\n\tBASE_PATH=\".\" \\\n\tgo run ./scripts/x \\\n\t\t-v";
        let (s, _) = scan(src, 0..src.len(), Dialect::Make, Cwd::base());
        let c = &s.commands[0];
        assert_eq!(command_index(&c.words), Some(2));
        assert_eq!(c.words[1].text, "BASE_PATH=.");
        assert_eq!(&src[c.words[5].span.clone()], "-v");
    }

    #[test]
    fn comments_and_case_patterns() {
        assert_eq!(commands("# go run ./x"), Vec::<String>::new());
        assert_eq!(
            commands("case $$x in '') go run ./a ;; /*) echo ;; esac"),
            ["go run ./a", "echo", "esac"]
        );
    }

    #[test]
    fn make_functions_open_shell_text() {
        assert_eq!(
            commands("$(foreach t,$(TOOLS),go run ./cmd/$(t);) echo $(shell go run ./v)"),
            [
                "go run ./cmd/$(t)",
                "go run ./v",
                "$(foreach t,$(TOOLS),go run ./cmd/$(t);) echo $(shell go run ./v)"
            ]
        );
    }

    #[test]
    fn pushd_popd_and_subshells() {
        assert_eq!(
            commands("pushd hack && go run ./y && popd && (cd a; go run .) && go run ./z"),
            [
                "pushd hack",
                "[hack] go run ./y",
                "[hack] popd",
                "cd a",
                "[a] go run .",
                "go run ./z"
            ]
        );
    }

    #[test]
    fn deep_nesting_neither_overflows_nor_loses_shallow_callsites() {
        // Found by the bad-input tests: 100k levels of `$(`, `$(shell` or
        // `$$(` overflowed the stack (recursive `make_ref_end` and scanner).
        let n = 100_000;
        let refs = format!("echo {}go run ./x{}", "$(".repeat(n), ")".repeat(n));
        let b = refs.as_bytes();
        assert_eq!(make_ref_end(b, 5, b.len()), Some(b.len()));
        assert_eq!(make_ref_end(b, 5, b.len() - 1), None);
        assert_eq!(commands(&refs).len(), 1);
        let shells = format!("{}go run ./x{}", "$(shell ".repeat(n), ")".repeat(n));
        assert_eq!(make_text_shell_segments(&shells, 0..shells.len()).len(), 1);
        let foreach = format!("{}go run ./x{}", "$(foreach x,y,".repeat(n), ")".repeat(n));
        assert!(make_text_shell_segments(&foreach, 0..foreach.len()).is_empty());
        let subst = format!("{}go run ./x{}", "$$(".repeat(n), ")".repeat(n));
        assert!(commands(&subst).len() <= MAX_NESTING + 1);
        let subshells = format!("{}go run ./x{}", "( ".repeat(n), ")".repeat(n));
        commands(&subshells);
        // Within the limit, a nested callsite is still found.
        let shallow = "x=$$(echo $$(go run ./v)) && go run ./w";
        assert_eq!(
            commands(shallow),
            [
                "go run ./v",
                "echo $$(go run ./v)",
                "x=$$(echo $$(go run ./v))",
                "go run ./w"
            ]
        );
    }

    #[test]
    fn env_prefix_command() {
        let src = "env -u GOOS -u GOARCH -- go run ./x";
        let (s, _) = scan(src, 0..src.len(), Dialect::Make, Cwd::base());
        assert_eq!(command_index(&s.commands[0].words), Some(6));
    }
}
