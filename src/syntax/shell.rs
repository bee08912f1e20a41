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
//!
//! Plain shell text ([`Dialect::Shell`], scripts) has no make layer: `$(...)`
//! is a command substitution and `${...}` a parameter. It also reads what
//! scripts use more than recipes do: `case` patterns (never commands, and
//! their `)` never closes a substitution), `[[ ... ]]` operators, function
//! definitions (`f() {`, `function f {`), arrays (`a=(...)`), `&>`, and
//! `cd -P`. [`scan_resolved`] hands each command to a [`Resolver`] as it is
//! read, so a script's variables can be resolved in text order (see
//! `sources::script`).

use std::ops::Range;

use crate::syntax::source::Span;

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
        // Make's `$(CURDIR)` is where the recipe's shell starts.
        let text = match text {
            "$(CURDIR)" | "${CURDIR}" => (true, ""),
            _ => text
                .strip_prefix("$(CURDIR)/")
                .or_else(|| text.strip_prefix("${CURDIR}/"))
                .map(|rest| (true, rest))
                .unwrap_or((false, text)),
        };
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
    /// Read from the string a shell runs with `-c` (`sh -c 'go run ./x'`).
    pub in_string: InString,
    /// The program that runs it from its arguments, when another program
    /// does (`find -exec`, `watchexec --`, `gotestsum --post-run-command`;
    /// see [`handed`]), also through a `sh -c` string inside them.
    pub handed_by: Option<String>,
}

/// Whether a command was read from the string a shell runs with `-c`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InString {
    /// No: shell text of its own.
    #[default]
    No,
    /// Yes, and its words' spans are the string's bytes (a single-quoted
    /// string, a double-quoted one without escapes).
    AsWritten,
    /// Yes, read once the outer shell's backslash escapes were undone: a
    /// word's span covers the bytes it came from, escapes included.
    Unescaped,
}

/// Text made from file bytes, with the file range each byte came from.
#[derive(Debug, Clone, Default)]
pub struct Mapped {
    pub text: String,
    /// One range per byte of `text`.
    pub origin: Vec<Span>,
}

impl Mapped {
    /// File text copied as is: each byte maps to itself.
    pub fn verbatim(src: &str, range: Span) -> Mapped {
        Mapped {
            text: src[range.clone()].to_string(),
            origin: range.map(|i| i..i + 1).collect(),
        }
    }

    /// Append `s`, all of it made from the file range `from`.
    pub fn push(&mut self, s: &str, from: Span) {
        self.text.push_str(s);
        self.origin.extend((0..s.len()).map(|_| from.clone()));
    }

    /// Append `other[range]` with its origins.
    pub fn extend_from(&mut self, other: &Mapped, range: Span) {
        self.text.push_str(&other.text[range.clone()]);
        self.origin.extend_from_slice(&other.origin[range]);
    }

    /// The file range that produced `self.text[r]`.
    pub fn file_span(&self, r: Span, fallback: usize) -> Span {
        if r.start >= r.end || r.end > self.origin.len() {
            let p = self.origin.get(r.start).map_or(fallback, |o| o.start);
            return p..p;
        }
        self.origin[r.start].start..self.origin[r.end - 1].end
    }
}

/// The text of a `sh -c` string as the inner shell reads it.
enum StringBody {
    /// The file's own bytes.
    AsWritten(Span),
    /// Another text (escapes undone), mapped to the file.
    Unescaped(Mapped),
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

/// An expansion inside a word as the scanner read it: a parameter (`$x`,
/// `${x:-go}`), a command substitution (`$(...)`, a backtick), arithmetic,
/// an array. Reported to a [`Resolver`] only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expansion {
    /// Where it sits in the word's `text`, as written there (a backtick
    /// inside double quotes reads `` `...` ``).
    pub at: Range<usize>,
    /// Its bytes in the source, from its `$` or backtick.
    pub span: Span,
    /// Inside double quotes: its value is not split into words.
    pub quoted: bool,
}

/// Follows shell text as the scanner reads it, in text order: a script
/// resolves the variables it assigned earlier. The commands nested in a word
/// (substitutions) are reported before the command that holds the word.
pub trait Resolver {
    /// A simple command was read, before `cd`, `pushd` and `popd` are
    /// followed. `expansions[i]` are those of `words[i]`; `anchored` tells
    /// that the working directory came from [`Resolver::chdir`]. The resolver
    /// may rewrite the words (their `text` and `shell_expansion`): the
    /// command is kept as rewritten, and `cd` follows the rewritten text.
    fn command(
        &mut self,
        words: &mut [Word],
        expansions: &[Vec<Expansion>],
        cwd: &Cwd,
        anchored: bool,
    );

    /// A command substitution (`$(...)` or a backtick; `span` from its `$`
    /// or backtick to its end) was read; `commands` are the simple commands
    /// directly inside it (not those of deeper substitutions), in order.
    fn substitution(&mut self, span: Span, commands: &[&Command]) {
        let _ = (span, commands);
    }

    /// Where `cd` or `pushd` with `arg` goes, when the resolver knows the
    /// argument's location itself, and whether that directory is *anchored*
    /// (does not depend on where the text started; relative `cd`s keep it
    /// so). `None`: follow the word's text from `cwd`.
    fn chdir(&mut self, arg: &Word, cwd: &Cwd) -> Option<(Cwd, bool)> {
        let _ = (arg, cwd);
        None
    }
}

/// Scan `src[range]` as shell text starting in `cwd`; returns the commands
/// and the working directory at the end (for `.ONESHELL` recipes).
pub fn scan(src: &str, range: Span, dialect: Dialect, cwd: Cwd) -> (Scan, Cwd) {
    scan_nested(src, range, dialect, cwd, false, 0, None)
}

/// [`scan`] with a [`Resolver`] that sees every command as it is read (in
/// make text, not those inside make's `$(shell ...)`).
pub fn scan_resolved(
    src: &str,
    range: Span,
    dialect: Dialect,
    cwd: Cwd,
    resolver: &mut dyn Resolver,
) -> (Scan, Cwd) {
    scan_nested(src, range, dialect, cwd, false, 0, Some(resolver))
}

/// Scan a recipe: one line, or under `.ONESHELL` the whole recipe, where the
/// recipe prefix and the `@ - +` prefixes of each line are not shell text.
pub fn scan_recipe(
    src: &str,
    range: Span,
    oneshell: bool,
    resolver: Option<&mut dyn Resolver>,
) -> (Scan, Cwd) {
    scan_nested(
        src,
        range,
        Dialect::Make,
        Cwd::base(),
        oneshell,
        0,
        resolver,
    )
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
    resolver: Option<&mut dyn Resolver>,
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
        cwd: vec![Dir {
            cwd,
            anchored: false,
        }],
        pending_heredocs: Vec::new(),
        budget: 200_000 + (range.end - range.start) * 4,
        resolver,
        word_exps: Vec::new(),
        last_exps: Vec::new(),
        in_dquote: false,
    };
    s.list(None, 0);
    let cwd = s.cwd.pop().map_or_else(Cwd::base, |d| d.cwd);
    (Scan { commands: s.out }, cwd)
}

/// A working directory on the scanner's stack.
#[derive(Debug, Clone)]
struct Dir {
    cwd: Cwd,
    /// Set by [`Resolver::chdir`] rather than relative to the start.
    anchored: bool,
}

struct Scanner<'a, 'r> {
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
    /// Subshells and substitutions push a scope; `pushd` pushes too.
    cwd: Vec<Dir>,
    pending_heredocs: Vec<(String, bool)>,
    /// Steps left: bounds the work on hostile input.
    budget: usize,
    resolver: Option<&'r mut dyn Resolver>,
    /// Expansions of the word being read (recorded only for a resolver).
    word_exps: Vec<Expansion>,
    /// Expansions of the word [`Scanner::word`] returned last.
    last_exps: Vec<Expansion>,
    /// Reading inside double quotes.
    in_dquote: bool,
}

impl<'a> Scanner<'a, '_> {
    fn peek(&self) -> Option<u8> {
        (self.pos < self.end).then(|| self.b[self.pos])
    }

    fn at(&self, i: usize) -> Option<u8> {
        let p = self.pos + i;
        (p < self.end).then(|| self.b[p])
    }

    fn cur_dir(&self) -> Dir {
        self.cwd.last().cloned().unwrap_or(Dir {
            cwd: Cwd::base(),
            anchored: false,
        })
    }

    fn cur_cwd(&self) -> Cwd {
        self.cur_dir().cwd
    }

    fn shell(&self) -> bool {
        self.dialect == Dialect::Shell
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

    /// A nested list up to `close` (a subshell, a substitution) in its own
    /// working-directory scope: a `cd` or `pushd` inside does not leak out.
    fn sub_list(&mut self, close: u8, depth: usize) {
        let n = self.cwd.len();
        let dir = self.cur_dir();
        self.cwd.push(dir);
        self.list(Some(close), depth + 1);
        self.cwd.truncate(n.max(1));
    }

    /// A command substitution's list up to `close`, reported to the
    /// resolver; `start` is its `$` or backtick.
    fn substitution(&mut self, close: u8, depth: usize, start: usize) {
        let first = self.out.len();
        self.sub_list(close, depth);
        if let Some(r) = self.resolver.as_deref_mut() {
            let direct: Vec<&Command> = self.out[first..]
                .iter()
                .filter(|c| c.depth == depth + 1)
                .collect();
            r.substitution(start..self.pos, &direct);
        }
    }

    /// Note an expansion of the word being read (for a resolver).
    fn record(&mut self, at: Range<usize>, span: Span) {
        if self.resolver.is_some() {
            self.word_exps.push(Expansion {
                at,
                span,
                quoted: self.in_dquote,
            });
        }
    }

    /// Read a list of commands until `close` (or the end).
    fn list(&mut self, close: Option<u8>, depth: usize) {
        if self.nesting + depth > MAX_NESTING {
            self.skip_unread(close);
            return;
        }
        let shell = self.shell();
        let mut words: Vec<Word> = Vec::new();
        let mut exps: Vec<Vec<Expansion>> = Vec::new();
        // Plain shell only: inside `[[ ... ]]` (with its open parentheses),
        // the `case`s open, and whether a `case` pattern comes next.
        let mut test: Option<usize> = None;
        let mut cases = 0usize;
        let mut pattern = false;
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
            if pattern && self.peek().is_some() {
                pattern = false;
                if self.case_pattern() {
                    cases = cases.saturating_sub(1);
                }
                continue;
            }
            let Some(c) = self.peek() else {
                self.finish(&mut words, &mut exps, depth);
                return;
            };
            if let Some(parens) = test.as_mut() {
                // `[[ ... ]]`: `&&`, `||`, `<`, `>` and parentheses are
                // operators of the test, not of the shell.
                let op = match c {
                    b'(' => {
                        *parens += 1;
                        1
                    }
                    b')' if *parens > 0 => {
                        *parens -= 1;
                        1
                    }
                    b'&' | b'|' if self.at(1) == Some(c) => 2,
                    b'<' | b'>' => 1,
                    b'\n' => {
                        test = None;
                        0
                    }
                    _ => 0,
                };
                if op > 0 {
                    let span = self.pos..self.pos + op;
                    words.push(Word {
                        text: self.src[span.clone()].to_string(),
                        span,
                        quoted: false,
                        make_ref: false,
                        shell_expansion: false,
                        assignment: false,
                    });
                    exps.push(Vec::new());
                    self.pos += op;
                    continue;
                }
            }
            if Some(c) == close {
                self.pos += 1;
                self.finish(&mut words, &mut exps, depth);
                return;
            }
            match c {
                b'\n' => {
                    self.pos += 1;
                    self.finish(&mut words, &mut exps, depth);
                    self.skip_heredoc_bodies();
                    if self.oneshell {
                        while matches!(self.peek(), Some(b'\t' | b'@' | b'-' | b'+')) {
                            self.pos += 1;
                        }
                    }
                }
                b'&' if shell && self.at(1) == Some(b'>') => {
                    // `&>file`, `&>>file`: a redirection of both streams.
                    self.pos += 1;
                    self.redirection(depth);
                }
                b';' | b'&' | b'|' => {
                    let op = self.pos;
                    self.pos += 1;
                    if matches!(self.peek(), Some(b';' | b'&' | b'|')) {
                        self.pos += 1;
                    }
                    self.finish(&mut words, &mut exps, depth);
                    test = None;
                    if shell && cases > 0 && matches!(&self.b[op..self.pos], b";;" | b";&") {
                        // The end of a `case` item (`;;`, `;&`, `;;&`).
                        if self.peek() == Some(b'&') {
                            self.pos += 1;
                        }
                        pattern = true;
                    }
                }
                b'(' if words.is_empty() => {
                    self.pos += 1;
                    if self.peek() == Some(b'(') {
                        // `((` arithmetic: no commands inside.
                        self.skip_balanced(b'(', b')');
                        continue;
                    }
                    self.sub_list(b')', depth);
                }
                b'(' if shell => {
                    // `name ()`: a function definition; the name is no command.
                    let mut k = 1;
                    while matches!(self.at(k), Some(b' ' | b'\t')) {
                        k += 1;
                    }
                    if self.at(k) == Some(b')') {
                        words.clear();
                        exps.clear();
                        self.pos += k + 1;
                    } else {
                        self.pos += 1;
                    }
                }
                b')' => {
                    // A `case` pattern's `)`: what came before was a pattern.
                    self.pos += 1;
                    words.clear();
                    exps.clear();
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
                    let Some(w) = self.word(close, depth) else {
                        // Nothing consumed: skip one byte to make progress.
                        self.pos += 1;
                        continue;
                    };
                    words.push(w);
                    exps.push(std::mem::take(&mut self.last_exps));
                    if !shell {
                        continue;
                    }
                    let n = words.len();
                    let at_command = command_index(&words) == Some(n - 1);
                    match words[n - 1].literal() {
                        Some("esac") if cases > 0 && at_command => {
                            words.pop();
                            exps.pop();
                            cases -= 1;
                        }
                        Some("in")
                            if n >= 3
                                && words[n - 3].literal() == Some("case")
                                && command_index(&words[..n - 2]) == Some(n - 3) =>
                        {
                            self.finish(&mut words, &mut exps, depth);
                            cases += 1;
                            pattern = true;
                        }
                        Some("[[") if at_command => test = Some(0),
                        Some("]]") => test = None,
                        _ if n == 2 && words[0].literal() == Some("function") => {
                            // `function name`: a definition's header.
                            words.clear();
                            exps.clear();
                        }
                        _ => {}
                    }
                }
            }
        }
    }

    /// In a `case` where a pattern comes next: skip blank lines and comments,
    /// then read `esac` (returns true) or a pattern up to its `)`. Patterns
    /// are never commands.
    fn case_pattern(&mut self) -> bool {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\r') => self.pos += 1,
                Some(b'\n') => {
                    self.pos += 1;
                    self.skip_heredoc_bodies();
                }
                Some(b'\\') if self.continuation() > 0 => self.pos += self.continuation(),
                Some(b'#') => {
                    while self.peek().is_some_and(|c| c != b'\n') {
                        self.pos += 1;
                    }
                }
                _ => break,
            }
        }
        let rest = &self.b[self.pos..self.end];
        if rest.starts_with(b"esac")
            && rest.get(4).is_none_or(|c| {
                matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b';' | b'&' | b'|' | b')')
            })
        {
            self.pos += 4;
            return true;
        }
        if self.peek() == Some(b'(') {
            self.pos += 1;
        }
        let mut parens = 0usize;
        while let Some(c) = self.peek() {
            self.pos += 1;
            match c {
                b'\\' => {
                    self.next_char();
                }
                b'\'' => self.skip_single_quoted(),
                b'"' => self.skip_double_quoted(),
                b'(' => parens += 1,
                b')' if parens == 0 => return false,
                b')' => parens -= 1,
                _ => {}
            }
        }
        false
    }

    /// Past a `'...'` string whose opening quote was read.
    fn skip_single_quoted(&mut self) {
        while self.peek().is_some_and(|c| c != b'\'') {
            self.pos += 1;
        }
        if self.peek().is_some() {
            self.pos += 1;
        }
    }

    /// Past a `"..."` string whose opening quote was read (not scanned).
    fn skip_double_quoted(&mut self) {
        while let Some(c) = self.peek() {
            self.pos += 1;
            match c {
                b'\\' => {
                    self.next_char();
                }
                b'"' => return,
                _ => {}
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
            self.sub_list(b')', depth);
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
                // Leading blanks are allowed before the delimiter: tabs
                // for `<<-`, spaces for text indented as a whole (a
                // workflow's `run: |` block, scanned in place).
                let line = self.src[self.pos..line_end]
                    .trim_start_matches(['\t', ' '])
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
    /// Its expansions are left in `last_exps`.
    fn word(&mut self, close: Option<u8>, depth: usize) -> Option<Word> {
        let start = self.pos;
        let outer_exps = std::mem::take(&mut self.word_exps);
        let outer_dquote = std::mem::replace(&mut self.in_dquote, false);
        let mut w = Word {
            span: start..start,
            // (Most words fit: one allocation rather than a few.)
            text: String::with_capacity(24),
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
                b'(' if self.shell() => {
                    // `name=(...)` is an array; any other `(` ends the word
                    // (`name()` of a function definition).
                    if !(w.assignment && w.text.ends_with('=')) {
                        break;
                    }
                    self.array(&mut w);
                }
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
                    let tick = self.pos;
                    self.pos += 1;
                    w.shell_expansion = true;
                    let s = self.pos;
                    self.substitution(b'`', depth, tick);
                    let at = w.text.len();
                    w.text.push('`');
                    w.text.push_str(&self.src[s..self.pos]);
                    self.record(at..w.text.len(), tick..self.pos);
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
                    // The plain bytes after it in one go (most of a word).
                    let run = self.plain_run(close);
                    if !run.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                        name_ok = false;
                    }
                    w.text.push_str(run);
                }
            }
        }
        self.last_exps = std::mem::replace(&mut self.word_exps, outer_exps);
        self.in_dquote = outer_dquote;
        if self.pos == start {
            return None;
        }
        w.span = start..self.pos;
        Some(w)
    }

    /// `name=(...)`: a bash array, kept whole in the word (not resolved).
    fn array(&mut self, w: &mut Word) {
        let start = self.pos;
        let mut parens = 0usize;
        while let Some(c) = self.peek() {
            self.pos += 1;
            match c {
                b'\\' => {
                    self.next_char();
                }
                b'\'' => self.skip_single_quoted(),
                b'"' => self.skip_double_quoted(),
                b'(' => parens += 1,
                b')' => {
                    parens -= 1;
                    if parens == 0 {
                        break;
                    }
                }
                _ => {}
            }
        }
        let at = w.text.len();
        w.text.push_str(&self.src[start..self.pos]);
        w.shell_expansion = true;
        self.record(at..w.text.len(), start..self.pos);
    }

    /// The bytes from the cursor up to the next one [`Scanner::word`]
    /// reads as more than a character of the word (a separator, `close`,
    /// a quote, `$`, `\\`, a backquote, `=` or `(`); the cursor moves past
    /// them. Those bytes are all ASCII, so the run ends on a character
    /// boundary.
    fn plain_run(&mut self, close: Option<u8>) -> &'a str {
        let s = self.pos;
        while let Some(c) = self.peek() {
            if Some(c) == close
                || matches!(
                    c,
                    b' ' | b'\t'
                        | b'\n'
                        | b'\r'
                        | b';'
                        | b'&'
                        | b'|'
                        | b'<'
                        | b'>'
                        | b')'
                        | b'('
                        | b'='
                        | b'\\'
                        | b'\''
                        | b'"'
                        | b'`'
                        | b'$'
                )
            {
                break;
            }
            self.pos += 1;
        }
        &self.src[s..self.pos]
    }

    fn next_char(&mut self) -> Option<char> {
        let ch = self.src[self.pos..self.end].chars().next()?;
        self.pos += ch.len_utf8();
        Some(ch)
    }

    fn double_quoted(&mut self, w: &mut Word, depth: usize) {
        let outer = std::mem::replace(&mut self.in_dquote, true);
        while let Some(c) = self.peek() {
            match c {
                b'"' => {
                    self.pos += 1;
                    break;
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
                    let tick = self.pos;
                    self.pos += 1;
                    w.shell_expansion = true;
                    self.substitution(b'`', depth, tick);
                    let at = w.text.len();
                    w.text.push_str("`...`");
                    self.record(at..w.text.len(), tick..self.pos);
                }
                b'$' => self.dollar(w, depth),
                _ => {
                    let ch = self.next_char().unwrap_or('?');
                    w.text.push(ch);
                }
            }
        }
        self.in_dquote = outer;
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
        let at = w.text.len();
        self.pos += 1; // the `$`
        let expanded = match self.peek() {
            Some(b'(') if self.at(1) == Some(b'(') => {
                // `$((...))`: the balanced skip takes both closing parens.
                self.skip_balanced(b'(', b')');
                true
            }
            Some(b'(') => {
                self.pos += 1;
                self.substitution(b')', depth, start);
                true
            }
            Some(b'{') => {
                self.skip_balanced(b'{', b'}');
                true
            }
            Some(c) if c.is_ascii_digit() => {
                // `$1`: one digit (`$10` is `$1` then `0`).
                self.pos += 1;
                true
            }
            Some(c) if c.is_ascii_alphabetic() || c == b'_' => {
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
                {
                    self.pos += 1;
                }
                true
            }
            Some(b'@' | b'*' | b'#' | b'?' | b'!' | b'-' | b'$') => {
                self.pos += 1;
                true
            }
            _ => false,
        };
        if expanded {
            w.shell_expansion = true;
        }
        w.text.push_str(&self.src[start..self.pos]);
        if expanded {
            self.record(at..w.text.len(), start..self.pos);
        }
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
                None,
            );
            for mut c in scan.commands {
                c.depth += depth + 1;
                self.out.push(c);
            }
        }
        self.pos = end;
    }

    fn finish(&mut self, words: &mut Vec<Word>, exps: &mut Vec<Vec<Expansion>>, depth: usize) {
        if words.is_empty() {
            exps.clear();
            return;
        }
        let mut words = std::mem::take(words);
        let exps = std::mem::take(exps);
        let dir = self.cur_dir();
        if let Some(r) = self.resolver.as_deref_mut() {
            r.command(&mut words, &exps, &dir.cwd, dir.anchored);
        }
        // Follow `cd`, `pushd` and `popd` for the commands after this one.
        if let Some(i) = command_index(&words) {
            match words[i].literal() {
                Some(cmd @ ("cd" | "pushd")) => {
                    let arg = cd_argument(self.dialect, cmd, &words[i + 1..]);
                    let new = self.chdir(&dir, arg);
                    if cmd == "pushd" {
                        self.cwd.push(new);
                    } else if let Some(top) = self.cwd.last_mut() {
                        *top = new;
                    }
                }
                Some("popd") if self.cwd.len() > 1 => {
                    self.cwd.pop();
                }
                _ => {}
            }
        }
        let command = Command {
            words,
            cwd: dir.cwd.clone(),
            depth,
            in_string: InString::No,
            handed_by: None,
        };
        self.push_with_handed(command, 0);
    }

    /// Push a command, then the commands it hands to be run: `sh -c '...'`
    /// (the string is shell text too, run where the command runs), the
    /// words after `find -exec`, `watchexec --`, ... and the strings of
    /// run-hooks ([`handed`]), each read as commands themselves (`find
    /// -exec sh -c '...' \;`), down to a few levels.
    fn push_with_handed(&mut self, c: Command, level: usize) {
        let handed = if level < 4 {
            handed(&c.words)
        } else {
            Vec::new()
        };
        if handed.is_empty() {
            self.out.push(c);
            return;
        }
        let depth = c.depth;
        let (words, cwd, in_string, by) = (
            c.words.clone(),
            c.cwd.clone(),
            c.in_string,
            c.handed_by.clone(),
        );
        self.out.push(c);
        for h in handed {
            let program = h.program.clone();
            // Inside a string or another program's words: the outer
            // program's name is kept (a watcher's re-runs matter).
            let by = if h.shell && !h.elsewhere {
                by.clone()
            } else {
                by.clone().or(Some(program.clone()))
            };
            let cwd = if h.execdir {
                execdir_cwd(&program)
            } else if h.elsewhere {
                Cwd::Unknown(format!(
                    "`{program}` runs the shell command it is given where gorun-lint cannot follow (a container, another host)"
                ))
            } else {
                cwd.clone()
            };
            match h.what {
                HandedWhat::Words(range) => {
                    let inner = Command {
                        words: words[range].to_vec(),
                        cwd,
                        depth: depth + 1,
                        in_string,
                        handed_by: by,
                    };
                    self.push_with_handed(inner, level + 1);
                }
                HandedWhat::Text { word, skip } => {
                    let Some(body) = self.string_body(&words[word], skip) else {
                        continue;
                    };
                    let nesting = self.nesting + depth + 1;
                    let (inner, kind, mapped) = match body {
                        StringBody::AsWritten(body) => {
                            let (inner, _) = scan_nested(
                                self.src,
                                body,
                                self.dialect,
                                cwd,
                                false,
                                nesting,
                                None,
                            );
                            (inner, InString::AsWritten, None)
                        }
                        StringBody::Unescaped(body) => {
                            let (inner, _) = scan_nested(
                                &body.text,
                                0..body.text.len(),
                                self.dialect,
                                cwd,
                                false,
                                nesting,
                                None,
                            );
                            (inner, InString::Unescaped, Some(body))
                        }
                    };
                    for mut c in inner.commands {
                        c.depth += depth + 1;
                        // (Escapes undone once are undone for good.)
                        c.in_string = if in_string == InString::Unescaped {
                            InString::Unescaped
                        } else {
                            kind
                        };
                        c.handed_by = c.handed_by.or(by.clone());
                        if let Some(body) = &mapped {
                            // Back to the file: a word covers the bytes its
                            // text came from, escapes included.
                            let end = body.origin.last().map_or(0, |o| o.end);
                            for w in &mut c.words {
                                w.span = body.file_span(w.span.clone(), end);
                            }
                        }
                        // (Its own `sh -c` strings were read by its scan.)
                        self.out.push(c);
                    }
                }
            }
        }
    }

    /// The text inside a `sh -c` string word as the inner shell reads it:
    /// one single-quoted string as written, one double-quoted string with
    /// its backslash escapes undone (`\"`, `\\`, `\$`, `` \` ``,
    /// `\`-newline). Not a double-quoted string with a command substitution
    /// or backquote of its own: the outer shell runs those first (and the
    /// scan of the word has read their commands).
    /// (`skip`: bytes of the word before the string, `--opt=`.)
    fn string_body(&self, w: &Word, skip: usize) -> Option<StringBody> {
        let start = w.span.start + skip;
        let raw = self.src.get(start..w.span.end)?;
        // ANSI-C quoting, `$'...'` (make text: `$$'...'`): its escapes
        // undone as the shell does.
        let ansi = if self.shell() { "$'" } else { "$$'" };
        if let Some(rest) = raw.strip_prefix(ansi) {
            return self.ansi_c_body(start + ansi.len(), rest);
        }
        let q = *raw.as_bytes().first()?;
        if raw.len() < 2 || raw.as_bytes()[raw.len() - 1] != q {
            return None;
        }
        let body = start + 1..w.span.end - 1;
        let inner = raw.get(1..raw.len() - 1)?;
        if q == b'\'' {
            return (!inner.contains('\'')).then_some(StringBody::AsWritten(body));
        }
        if q != b'"' {
            return None;
        }
        let substitution = if self.shell() { "$(" } else { "$$(" };
        let mut text = Mapped::default();
        let mut i = 0;
        while let Some(c) = inner[i..].chars().next() {
            let at = body.start + i;
            match c {
                '\\' => match inner.as_bytes().get(i + 1) {
                    Some(b'"' | b'\\' | b'$' | b'`') => {
                        text.push(&inner[i + 1..i + 2], at..at + 2);
                        i += 2;
                    }
                    Some(b'\n') => {
                        i += 2;
                        if self.dialect == Dialect::Make && inner[i..].starts_with('\t') {
                            i += 1;
                        }
                    }
                    _ => {
                        text.push("\\", at..at + 1);
                        i += 1;
                    }
                },
                '"' | '`' => return None,
                _ if inner[i..].starts_with(substitution) => return None,
                c => {
                    let n = c.len_utf8();
                    text.push(&inner[i..i + n], at..at + n);
                    i += n;
                }
            }
        }
        if text.text.len() == inner.len() {
            return Some(StringBody::AsWritten(body));
        }
        Some(StringBody::Unescaped(text))
    }

    /// The body of an ANSI-C quoted string whose text after the opening
    /// quote starts at byte `at` (`rest`: from there to the word's end),
    /// with `\\`, `\'`, `\"`, `\?`, `\n`, `\t`, `\r`, `\a`, `\b`, `\e`, `\f`,
    /// `\v` undone; `None` for other escapes (octal, hex, unicode: not
    /// command text worth reading) or when the string does not end the word.
    fn ansi_c_body(&self, at: usize, rest: &str) -> Option<StringBody> {
        let inner = rest.strip_suffix('\'')?;
        let mut text = Mapped::default();
        let mut i = 0;
        while let Some(c) = inner[i..].chars().next() {
            let pos = at + i;
            match c {
                '\'' => return None,
                '\\' => {
                    let e = *inner.as_bytes().get(i + 1)?;
                    let out = match e {
                        b'\\' => "\\",
                        b'\'' => "'",
                        b'"' => "\"",
                        b'?' => "?",
                        b'n' => "\n",
                        b't' => "\t",
                        b'r' => "\r",
                        b'a' => "\u{7}",
                        b'b' => "\u{8}",
                        b'e' | b'E' => "\u{1b}",
                        b'f' => "\u{c}",
                        b'v' => "\u{b}",
                        _ => return None,
                    };
                    text.push(out, pos..pos + 2);
                    i += 2;
                }
                c => {
                    let n = c.len_utf8();
                    text.push(&inner[i..i + n], pos..pos + n);
                    i += n;
                }
            }
        }
        if text.text.len() == inner.len() {
            return Some(StringBody::AsWritten(at..at + inner.len()));
        }
        Some(StringBody::Unescaped(text))
    }

    /// The directory `cd arg` moves to from `dir`.
    fn chdir(&mut self, dir: &Dir, arg: Option<&Word>) -> Dir {
        if let (Some(r), Some(a)) = (self.resolver.as_deref_mut(), arg) {
            if let Some((cwd, anchored)) = r.chdir(a, &dir.cwd) {
                return Dir { cwd, anchored };
            }
        }
        Dir {
            cwd: dir.cwd.cd(arg),
            anchored: dir.anchored,
        }
    }
}

/// The directory argument of `cd` or `pushd`. In plain shell text the
/// options `-P`, `-L`, `-e`, `-@` and `--` are skipped; make text keeps its
/// long-standing reading (an option after `cd` means no known directory).
fn cd_argument<'w>(dialect: Dialect, cmd: &str, args: &'w [Word]) -> Option<&'w Word> {
    if dialect == Dialect::Make {
        return args
            .first()
            .filter(|w| cmd == "pushd" || !w.text.starts_with('-'));
    }
    let mut rest = args.iter();
    while let Some(w) = rest.next() {
        match w.literal() {
            Some("-P" | "-L" | "-e" | "-@") => {}
            Some("--") => return rest.next(),
            _ => return Some(w),
        }
    }
    None
}

/// End (exclusive) of the make reference starting at `start` (`$(` or `${`).
/// Nested references are skipped whole, each counting only its own kind of
/// bracket; iterative, so any depth of nesting is fine.
pub fn make_ref_end(b: &[u8], start: usize, limit: usize) -> Option<usize> {
    let closer = |open: u8| if open == b'(' { b')' } else { b'}' };
    // Per open reference: its opening and closing byte and how many of its
    // brackets are open.
    let open = *b.get(start + 1)?;
    // `$x`, `$@`: a one-character reference, not bracketed (and the next
    // byte may start a multi-byte character).
    if open != b'(' && open != b'{' {
        return None;
    }
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

/// Keywords that open or continue a compound command: the word after one is
/// a command of its own, and the keyword changes nothing about how it runs.
pub const COMPOUND_KEYWORDS: [&str; 8] =
    ["if", "then", "else", "elif", "while", "until", "do", "{"];
/// Commands that run the command after their options, and those of their
/// options that take the next word as their value (`xargs -n 1 go run`,
/// `timeout -k 5s 1m go run`). `timeout` also takes a duration before the
/// command.
const PREFIX_COMMANDS: [(&str, &[&str]); 9] = [
    ("command", &[]),
    ("nohup", &[]),
    ("builtin", &[]),
    ("exec", &["-a"]),
    ("time", &["-f", "--format", "-o", "--output"]),
    ("nice", &["-n", "--adjustment"]),
    (
        "xargs",
        &[
            "-a",
            "-d",
            "-E",
            "-I",
            "-L",
            "-n",
            "-P",
            "-s",
            "--arg-file",
            "--delimiter",
            "--max-args",
            "--max-lines",
            "--max-procs",
            "--max-chars",
            "--process-slot-var",
        ],
    ),
    (
        "sudo",
        &[
            "-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-U", "-T", "--user", "--group",
        ],
    ),
    ("timeout", &["-s", "-k", "--signal", "--kill-after"]),
];

/// A shell variable name: letters, digits and `_`, not starting with a digit.
pub fn is_name(t: &str) -> bool {
    let b = t.as_bytes();
    !b.is_empty()
        && !b[0].is_ascii_digit()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
}

/// A `NAME=value` word, as it stands before a command or after `env`.
pub fn is_assignment_word(t: &str) -> bool {
    t.split_once('=').is_some_and(|(name, _)| is_name(name))
}

/// `env` options that take the next word as their value.
pub const ENV_VALUE_OPTIONS: [&str; 6] = ["-u", "--unset", "-C", "--chdir", "-S", "--split-string"];

/// Whether a command word is `env`, by name or by path (`/usr/bin/env`).
pub fn is_env_command(word: &str) -> bool {
    word == "env" || word.ends_with("/env")
}

/// The index after the arguments of an `env` whose first argument is at
/// `i` (options, `--`, assignments: those `assignment` accepts); `visit`
/// sees the index of each option word, of the value of those that take
/// one (`false`), and of each assignment (`true`).
fn after_env(
    words: &[Word],
    mut i: usize,
    assignment: impl Fn(&Word) -> bool,
    mut visit: impl FnMut(usize, bool),
) -> usize {
    while let Some(w) = words.get(i) {
        match w.literal() {
            Some("--") => return i + 1,
            Some(o) if ENV_VALUE_OPTIONS.contains(&o) => {
                visit(i, false);
                if i + 1 < words.len() {
                    visit(i + 1, false);
                }
                i += 2;
            }
            Some(o) if o.starts_with('-') => {
                visit(i, false);
                i += 1;
            }
            _ if assignment(w) => {
                visit(i, true);
                i += 1;
            }
            _ => break,
        }
    }
    i
}

/// Set `assignment` on the `NAME=value` words an `env` command word
/// takes, in words split by another reader than the scanner (a
/// `//go:generate` directive's).
pub fn mark_env_assignments(words: &mut [Word]) {
    if !words
        .first()
        .and_then(|w| w.literal())
        .is_some_and(is_env_command)
    {
        return;
    }
    let mut marked = Vec::new();
    after_env(
        words,
        1,
        |w| is_assignment_word(&w.text),
        |k, assignment| {
            if assignment {
                marked.push(k);
            }
        },
    );
    for k in marked {
        words[k].assignment = true;
    }
}

/// The options of each `env` before the command word at `command`
/// (`env -u GOOS -C dir go`: `-u`, `GOOS`, `-C`, `dir`).
pub fn env_options(words: &[Word], command: usize) -> Vec<Word> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < command {
        if words[i].literal().is_some_and(is_env_command) {
            i = after_env(
                words,
                i + 1,
                |w| w.assignment,
                |k, assignment| {
                    if !assignment {
                        out.push(words[k].clone());
                    }
                },
            );
        } else {
            i += 1;
        }
    }
    out
}

/// A command one program hands another to run ([`handed`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handed {
    /// The program that runs it (`find`, `watchexec`, `sh`, `docker`).
    pub program: String,
    pub what: HandedWhat,
    /// `find -execdir`: run in each found file's directory.
    pub execdir: bool,
    /// A shell's `-c` string (the shell is not the program to name).
    pub shell: bool,
    /// A shell's `-c` string among the arguments of a program not known to
    /// run it here (`docker run IMAGE sh -c '...'`, `ssh host bash -c`): a
    /// `go run` there is one, but where it runs (a container, another
    /// machine) is not known.
    pub elsewhere: bool,
}

/// Where the handed command is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandedWhat {
    /// These words are the command (`find -exec CMD... ;`).
    Words(Range<usize>),
    /// This word (after `skip` bytes, `--opt=`) is a string read as shell
    /// text (`sh -c STRING`, `gotestsum --post-run-command STRING`).
    Text { word: usize, skip: usize },
}

/// Where `find -execdir` runs what it is handed: not one directory.
pub fn execdir_cwd(program: &str) -> Cwd {
    Cwd::Unknown(format!(
        "`{program} -execdir` runs it in each found file's directory"
    ))
}

/// Programs that run their trailing arguments (after `--`, or after their
/// options) again each time a watched file changes: `go run` there rebuilds
/// on purpose, so no fix swaps it for a binary built once.
pub const WATCHERS: [&str; 3] = ["watchexec", "reflex", "entr"];

/// The commands a command hands to another program to run: the string of
/// `sh|bash|... -c STRING` (also after prefix commands such as `xargs -I{}
/// sh -c`); the words after `find ... -exec`/`-execdir`/`-ok`/`-okdir` up
/// to `;` or `+`; after `watchexec ... --` and `reflex ... --`; after
/// `entr`'s flags; the words before GNU `parallel`'s `:::` (or its one
/// quoted command string); the value of gotestsum's `--post-run-command`;
/// and a shell's `-c` string among any other program's arguments (`docker
/// run IMAGE sh -c '...'`), marked `elsewhere`. Printers are no carriers:
/// `echo sh -c 'go run'` runs nothing.
pub fn handed(words: &[Word]) -> Vec<Handed> {
    let Some(i) = command_index(words) else {
        return Vec::new();
    };
    let Some(name) = words[i]
        .literal()
        .map(|n| n.rsplit('/').next().unwrap_or(n))
    else {
        return Vec::new();
    };
    let one = |program: &str, what, execdir| Handed {
        program: program.to_string(),
        what,
        execdir,
        shell: false,
        elsewhere: false,
    };
    let after_dashdash = |program: &'static str| {
        words[i + 1..]
            .iter()
            .position(|w| w.literal() == Some("--"))
            .map(|p| i + 2 + p)
            .filter(|&k| k < words.len())
            .map(|k| one(program, HandedWhat::Words(k..words.len()), false))
    };
    match name {
        n if SHELLS.contains(&n) => shell_string(words)
            .map(|k| Handed {
                program: "sh".into(),
                what: HandedWhat::Text { word: k, skip: 0 },
                execdir: false,
                shell: true,
                elsewhere: false,
            })
            .into_iter()
            .collect(),
        "find" => {
            let mut out = Vec::new();
            let mut k = i + 1;
            while k < words.len() {
                let action = words[k].literal();
                if let Some(a @ ("-exec" | "-execdir" | "-ok" | "-okdir")) = action {
                    let start = k + 1;
                    let end = words[start..]
                        .iter()
                        .position(|w| w.text == ";" || w.text == "+")
                        .map_or(words.len(), |p| start + p);
                    if end > start {
                        out.push(one(
                            "find",
                            HandedWhat::Words(start..end),
                            a.ends_with("dir"),
                        ));
                    }
                    k = end + 1;
                } else {
                    k += 1;
                }
            }
            out
        }
        "watchexec" => after_dashdash("watchexec").into_iter().collect(),
        "reflex" => after_dashdash("reflex").into_iter().collect(),
        "entr" => {
            let k = i
                + 1
                + words[i + 1..]
                    .iter()
                    .take_while(|w| {
                        w.literal()
                            .is_some_and(|t| t.starts_with('-') && t.len() > 1)
                    })
                    .count();
            (k < words.len())
                .then(|| one("entr", HandedWhat::Words(k..words.len()), false))
                .into_iter()
                .collect()
        }
        "gotestsum" => {
            const HOOK: &str = "--post-run-command";
            let mut out = Vec::new();
            for (k, w) in words.iter().enumerate().skip(i + 1) {
                if w.literal() == Some(HOOK) && k + 1 < words.len() {
                    out.push(one(
                        "gotestsum",
                        HandedWhat::Text {
                            word: k + 1,
                            skip: 0,
                        },
                        false,
                    ));
                } else if w.text.starts_with(&format!("{HOOK}=")) {
                    let skip = HOOK.len() + 1;
                    out.push(one("gotestsum", HandedWhat::Text { word: k, skip }, false));
                }
            }
            out
        }
        "parallel" => {
            // `parallel [options] COMMAND... ::: ARGS`: the command is the
            // words up to `:::` (`::::` reads the arguments from files), or
            // one quoted word of shell text.
            let start = after_options(words, i + 1, PARALLEL_VALUE_OPTIONS);
            let end = words[start.min(words.len())..]
                .iter()
                .position(|w| w.literal().is_some_and(|t| t.starts_with(":::")))
                .map_or(words.len(), |p| start + p);
            if start >= end {
                return Vec::new();
            }
            let quoted = end == start + 1 && words[start].quoted;
            let what = if quoted {
                HandedWhat::Text {
                    word: start,
                    skip: 0,
                }
            } else {
                HandedWhat::Words(start..end)
            };
            vec![one("parallel", what, false)]
        }
        n if PRINTERS.contains(&n) => Vec::new(),
        // A shell's `-c` string anywhere in another program's arguments
        // (`docker run IMAGE sh -c '...'`, `ssh host bash -lc '...'`).
        n => (i + 1..words.len())
            .find(|&k| {
                words[k]
                    .literal()
                    .is_some_and(|t| SHELLS.contains(&t.rsplit('/').next().unwrap_or(t)))
            })
            .and_then(|k| shell_string(&words[k..]).map(|s| k + s))
            .map(|k| Handed {
                program: n.to_string(),
                what: HandedWhat::Text { word: k, skip: 0 },
                execdir: false,
                shell: true,
                elsewhere: true,
            })
            .into_iter()
            .collect(),
    }
}

/// Commands that print their arguments: `echo sh -c 'go run ./x'` runs
/// nothing.
const PRINTERS: [&str; 4] = ["echo", "printf", ":", "true"];

/// GNU parallel's options that take the next word as their value.
const PARALLEL_VALUE_OPTIONS: &[&str] = &[
    "-j",
    "--jobs",
    "-P",
    "--max-procs",
    "-S",
    "--sshlogin",
    "-I",
    "--replace",
    "-n",
    "--max-args",
    "-N",
    "-L",
    "-l",
    "-d",
    "--delimiter",
    "-a",
    "--arg-file",
    "-E",
    "--colsep",
    "-C",
    "--joblog",
    "--results",
    "--tmpdir",
    "--workdir",
    "--wd",
    "--timeout",
    "--retries",
    "--tag-string",
    "--tagstring",
];

/// Shells whose `-c STRING` is read with the shell layer.
pub const SHELLS: [&str; 7] = ["sh", "bash", "dash", "zsh", "ksh", "ash", "mksh"];

/// Index of the `STRING` word of `sh -c STRING`, if the command is that.
pub fn shell_string(words: &[Word]) -> Option<usize> {
    let i = command_index(words)?;
    let name = words[i].literal()?;
    if !SHELLS.contains(&name.rsplit('/').next().unwrap_or(name)) {
        return None;
    }
    let mut dash_c = false;
    let mut k = i + 1;
    while let Some(w) = words.get(k) {
        let t = w.text.as_str();
        match t {
            "--" => {
                k += 1;
                break;
            }
            t if t.starts_with("--") => k += 1,
            t if t.len() > 1 && (t.starts_with('-') || t.starts_with('+')) => {
                dash_c |= t.starts_with('-') && t[1..].contains('c');
                // `-o pipefail`, `-euo pipefail`, `-O extglob`: the option
                // takes the next word.
                k += if t[1..].contains(['o', 'O']) { 2 } else { 1 };
            }
            _ => break,
        }
    }
    (dash_c && k < words.len()).then_some(k)
}

/// The index after the options of a prefix command whose first argument is
/// at `i` (up to `--`, or the first word not starting with `-`); an option
/// in `takes_value` takes the next word too.
fn after_options(words: &[Word], mut i: usize, takes_value: &[&str]) -> usize {
    while let Some(o) = words.get(i).and_then(|w| w.literal()) {
        if o == "--" {
            return i + 1;
        }
        if !o.starts_with('-') || o == "-" {
            break;
        }
        i += if takes_value.contains(&o) { 2 } else { 1 };
    }
    i
}

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
            Some(k) if COMPOUND_KEYWORDS.contains(&k) || k == "!" => i += 1,
            Some(e) if is_env_command(e) => {
                i = after_env(words, i + 1, |w| w.assignment, |_, _| {})
            }
            Some(k) => match PREFIX_COMMANDS.iter().find(|(p, _)| *p == k) {
                Some((p, takes_value)) => {
                    i = after_options(words, i + 1, takes_value);
                    if *p == "timeout" {
                        i += 1;
                    }
                }
                None => return Some(i),
            },
            None => return Some(i),
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

    fn shell_commands(src: &str) -> Vec<String> {
        let (s, _) = scan(src, 0..src.len(), Dialect::Shell, Cwd::base());
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
    fn plain_shell_expansions_and_redirections() {
        assert_eq!(
            shell_commands(
                "x=$(go run \"$d\"/m.go <<< \"$dep\") && echo ${x:-y} $((1+2)); go run ./z"
            ),
            [
                "go run $d/m.go",
                "x=$(go run \"$d\"/m.go <<< \"$dep\")",
                "echo ${x:-y} $((1+2))",
                "go run ./z"
            ]
        );
        let (s, _) = scan("echo $x ${y}", 0..12, Dialect::Shell, Cwd::base());
        assert!(s.commands[0].words[1].shell_expansion);
        assert!(!s.commands[0].words[1].make_ref);
        assert_eq!(
            shell_commands("gen --schema <(go run \"$m\") &> log\ndiff <(a) >(b)"),
            ["go run $m", "gen --schema", "a", "b", "diff"]
        );
        assert_eq!(
            shell_commands("cat <<'EOF'\ngo run ./a\nEOF\necho `go run ./b`"),
            ["cat", "go run ./b", "echo `go run ./b`"]
        );
    }

    #[test]
    fn plain_shell_compound_commands() {
        // `[[ ]]` operators are the test's; function names are not commands.
        assert_eq!(
            shell_commands("[[ -n $a && ( $b < c || -f d ) ]] && go run ./x"),
            ["[[ -n $a && ( $b < c || -f d ) ]]", "go run ./x"]
        );
        assert_eq!(
            shell_commands("run() { \"$@\"; }\nfunction gen {\n go run ./g\n}\nrun go test ./..."),
            ["{ $@", "}", "{", "go run ./g", "}", "run go test ./..."]
        );
        // `case` patterns are never commands, even with `(`, `|` or quotes.
        assert_eq!(
            shell_commands(
                "case \"$1\" in\n  (go) a ;;\n  'go run'|run) b ;;&\n  *) case $2 in x) c;; esac ;;\nesac; d"
            ),
            ["case $1 in", "a", "b", "case $2 in", "c", "d"]
        );
        assert_eq!(
            shell_commands("v=$(case $y in a) go run ./a ;; esac) && go run ./b"),
            [
                "case $y in",
                "go run ./a",
                "v=$(case $y in a) go run ./a ;; esac)",
                "go run ./b"
            ]
        );
        assert_eq!(
            shell_commands("args=(go run \"./x\") && go run ./y"),
            ["args=(go run \"./x\")", "go run ./y"]
        );
    }

    #[test]
    fn plain_shell_directories() {
        assert_eq!(
            shell_commands("cd -P -- tools && go run .; (cd x; pushd y); go run ./z"),
            [
                "cd -P -- tools",
                "[tools] go run .",
                "[tools] cd x",
                "[tools/x] pushd y",
                "[tools] go run ./z"
            ]
        );
    }

    /// Records what a resolver is told, and rewrites `$GO` to `go`.
    #[derive(Default)]
    struct Recorder {
        seen: Vec<String>,
    }

    impl Resolver for Recorder {
        fn command(
            &mut self,
            words: &mut [Word],
            expansions: &[Vec<Expansion>],
            cwd: &Cwd,
            anchored: bool,
        ) {
            let exps: Vec<String> = expansions
                .iter()
                .zip(words.iter())
                .flat_map(|(es, w)| {
                    es.iter().map(|e| {
                        format!(
                            "{}{}",
                            if e.quoted { "q" } else { "" },
                            &w.text[e.at.clone()]
                        )
                    })
                })
                .collect();
            self.seen.push(format!(
                "{} {exps:?} {cwd:?} {anchored}",
                words
                    .iter()
                    .map(|w| w.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            ));
            for w in words.iter_mut() {
                if w.text == "$GO" {
                    w.text = "go".into();
                    w.shell_expansion = false;
                }
            }
        }

        fn substitution(&mut self, span: Span, commands: &[&Command]) {
            self.seen.push(format!("subst {span:?} {}", commands.len()));
        }

        fn chdir(&mut self, arg: &Word, _cwd: &Cwd) -> Option<(Cwd, bool)> {
            (arg.text == "@here").then(|| (Cwd::Known("scripts".into()), true))
        }
    }

    #[test]
    fn resolver_sees_commands_in_order() {
        let src = "D=\"$(cd a && pwd)\"; cd @here; $GO run \"$D\"/x `b` \"`c`\"";
        let mut r = Recorder::default();
        let (s, _) = scan_resolved(src, 0..src.len(), Dialect::Shell, Cwd::base(), &mut r);
        assert_eq!(
            r.seen,
            [
                "cd a [] Known(\"\") false",
                "pwd [] Known(\"a\") false",
                "subst 3..17 2",
                "D=$(cd a && pwd) [\"q$(cd a && pwd)\"] Known(\"\") false",
                "cd @here [] Known(\"\") false",
                "b [] Known(\"scripts\") true",
                "subst 45..48 1",
                "c [] Known(\"scripts\") true",
                "subst 50..53 1",
                "$GO run $D/x `b` `...` [\"$GO\", \"q$D\", \"`b`\", \"q`...`\"] Known(\"scripts\") true",
            ]
        );
        let last = s.commands.last().unwrap();
        assert_eq!(last.words[0].text, "go");
        assert_eq!(last.words[0].literal(), Some("go"));
        assert_eq!(&src[last.words[0].span.clone()], "$GO");
    }

    #[test]
    fn arithmetic_and_subshell_scopes_in_make_text() {
        // `$$((...))` used to swallow the rest of the line.
        assert_eq!(
            commands("echo $$((1+2)); go run ./x"),
            ["echo $$((1+2))", "go run ./x"]
        );
        // A `pushd` inside a subshell used to leave the subshell's `cd`
        // behind when the subshell closed.
        assert_eq!(
            commands("(cd a; pushd b); go run ./x"),
            ["cd a", "[a] pushd b", "go run ./x"]
        );
    }

    #[test]
    fn strings_run_by_a_shell_with_dash_c() {
        let strings = |src: &str| {
            let (s, _) = scan(src, 0..src.len(), Dialect::Make, Cwd::base());
            s.commands
                .iter()
                .filter(|c| c.in_string != InString::No)
                .map(|c| {
                    let words: Vec<&str> = c.words.iter().map(|w| w.text.as_str()).collect();
                    match &c.cwd {
                        Cwd::Known(p) if !p.is_empty() => format!("[{p}] {}", words.join(" ")),
                        _ => words.join(" "),
                    }
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            strings("cd a && bash -euo pipefail -c 'cd b && go run ./x | tee o' > f"),
            ["[a] cd b", "[a/b] go run ./x", "[a/b] tee o"]
        );
        assert_eq!(strings(r#"sh -c "go run ./x $$y""#), ["go run ./x $$y"]);
        // Twins: a script given to the shell and a string the shell only
        // echoes are not read as commands.
        assert!(strings("bash ./gen.sh -c 'go run ./x'").is_empty());
        assert!(strings(r#"echo "sh -c 'go run ./x'""#).is_empty());
        // A double-quoted string with escapes is read as the inner shell
        // gets it; its words' spans cover the escaped bytes in the file.
        let src = r#"sh -c "cd d && go run ./x \"a b\" \$$HOME""#;
        assert_eq!(strings(src), ["cd d", r#"[d] go run ./x a b $$HOME"#]);
        let (s, _) = scan(src, 0..src.len(), Dialect::Make, Cwd::base());
        let go = &s.commands[2];
        assert_eq!(go.in_string, InString::Unescaped);
        let spans: Vec<&str> = go.words.iter().map(|w| &src[w.span.clone()]).collect();
        assert_eq!(spans, ["go", "run", "./x", r#"\"a b\""#, r#"\$$HOME"#]);
        assert_eq!(s.commands[1].in_string, InString::Unescaped);
        // The outer shell runs a substitution in a double-quoted string (its
        // commands are read once, as the outer shell's); in a single-quoted
        // one the inner shell does.
        assert!(strings(r#"sh -c "echo $$(go run ./x)""#).is_empty());
        assert_eq!(
            strings(r#"sh -c 'echo $$(go run ./x)'"#),
            ["go run ./x", "echo $$(go run ./x)"]
        );
    }

    #[test]
    fn prefix_commands_and_their_options() {
        let index = |src: &str| {
            let (s, _) = scan(src, 0..src.len(), Dialect::Make, Cwd::base());
            command_index(&s.commands[0].words)
        };
        assert_eq!(index("xargs -n1 go run ./x"), Some(2));
        assert_eq!(index("xargs -n 1 -P 4 go run ./x"), Some(5));
        assert_eq!(index("timeout 5m go run ./x"), Some(2));
        assert_eq!(
            index("timeout -k 5s --preserve-status 1m go run ./x"),
            Some(5)
        );
        assert_eq!(index("sudo -E -u builder go run ./x"), Some(4));
        assert_eq!(index("nice -n 5 nohup go run ./x"), Some(4));
        assert_eq!(index("time -p go run ./x"), Some(2));
        assert_eq!(index("xargs -- go run ./x"), Some(2));
        // Twins: the options of a command that is not a prefix are its own,
        // and a prefix with nothing after it runs nothing.
        assert_eq!(index("echo -n go run ./x"), Some(0));
        assert_eq!(index("timeouts 5m go run ./x"), Some(0));
        assert_eq!(index("timeout 5m"), None);
    }

    #[test]
    fn env_prefix_command() {
        let src = "env -u GOOS -u GOARCH -- go run ./x";
        let (s, _) = scan(src, 0..src.len(), Dialect::Make, Cwd::base());
        assert_eq!(command_index(&s.commands[0].words), Some(6));
        // `env` by path is the same command.
        let src = "/usr/bin/env GOOS=linux go run ./x";
        let (s, _) = scan(src, 0..src.len(), Dialect::Make, Cwd::base());
        assert_eq!(command_index(&s.commands[0].words), Some(2));
        let src = "/usr/bin/envsubst < a";
        let (s, _) = scan(src, 0..src.len(), Dialect::Make, Cwd::base());
        assert_eq!(command_index(&s.commands[0].words), Some(0));
    }
}
