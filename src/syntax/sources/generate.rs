//! `//go:generate` directives: the commands `go generate` runs for one `.go`
//! file, as shell-layer [`Command`]s whose words keep exact byte spans in the
//! file.
//!
//! The reading follows `cmd/go/internal/generate` (Go 1.26) rather than the Go
//! grammar, because `go generate` does not parse the file either:
//!
//! - A directive is a line that starts with `//go:generate ` or
//!   `//go:generate\t`: no leading blanks, no space after `//`. Such a line
//!   inside a `/* */` comment or a raw string literal is a directive too; an
//!   indented one (a comment inside a function body) is not.
//! - Files without a valid package clause are skipped, as `go generate` skips
//!   them; `$GOPACKAGE` is read from the clause.
//! - Arguments are blank-separated tokens. A token that *starts* with `"` is a
//!   Go string (escapes decoded); quotes elsewhere are ordinary bytes. There is
//!   no shell: `|`, `&&`, `;`, `'` and `>` are plain arguments.
//! - `$NAME` and `${NAME}` are expanded everywhere, inside quoted strings too,
//!   with `os.Expand` rules. `$GOFILE`, `$GOPACKAGE`, `$GOLINE` and `$DOLLAR`
//!   get their values; every other variable (`$GOARCH`, `$GOOS`, `$GOROOT`,
//!   `$PATH`, `$PWD`, the environment) is kept as written and marks the word
//!   [`Word::shell_expansion`], so a package spelled with it is dynamic.
//! - `-command NAME args...` defines an alias for the rest of the file; a
//!   later directive whose first token is `NAME` runs `args...` followed by
//!   its own arguments. The alias words are expanded when defined and again
//!   when used, as `go generate` does.
//! - `sh -c STRING` (also `bash`, `dash`, `zsh`, `ksh`, `ash`, `mksh`, any
//!   path ending in those, with options such as `-ec` or `-o pipefail`): the
//!   directive's commands are those the shell layer finds in `STRING` (after
//!   Go unquoting and variable expansion), with spans mapped back into the
//!   file. Because `go generate` knows no single quotes,
//!   `bash -c 'go run ./x | gofmt'` hands bash the script `'go` and fails: it
//!   runs no `go run` and yields no callsite.
//!
//! Leniency: `go generate` stops at a directive it cannot read (an unmatched
//! or badly escaped quote, no blank after a closing quote, a line over 4 KiB,
//! a last line without a newline, an alias defined twice). Such directives are
//! read as best we can (an unmatched quote starts a plain token, a bad escape
//! keeps the raw text, the first alias definition wins), since the author
//! will fix them and then they run.
//!
//! Words made here never have `make_ref` set. `assignment` is set only on
//! `NAME=value` words after an `env` command word (`env GOOS=js go run ...`),
//! which [`shell::command_index`] skips like a shell's assignments.

use std::collections::HashMap;
use std::ops::Range;

use crate::syntax::callsite::{self, Callsite, Origin};
use crate::syntax::shell::{self, Command, Cwd, Dialect, Mapped, Word};
use crate::syntax::source::Span;
use crate::syntax::vars::VarEnv;

/// One `//go:generate` directive's commands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// The whole directive line (from `//go:generate` to the line end, line
    /// ending excluded).
    pub line: Range<usize>,
    /// When the directive's first token is a `-command` alias: the line that
    /// defined it. The alias's words (and their spans) come from that line.
    pub alias: Option<Range<usize>>,
    /// The commands it runs: one for a plain directive, those inside
    /// `sh -c "..."`, in order.
    pub commands: Vec<Command>,
}

/// The directives of one `.go` file whose base name is `gofile` (`$GOFILE`).
/// `$GOPACKAGE` comes from the file's package clause; a file without a valid
/// one has no directives (`go generate` ignores it). `-command` lines run
/// nothing and are not returned. Build constraints are not looked at (see
/// [`build_ignored`]).
pub fn directives(text: &str, gofile: &str) -> Vec<Directive> {
    let Some(package) = package_name(text) else {
        return Vec::new();
    };
    let mut aliases: HashMap<String, Alias> = HashMap::new();
    let mut out = Vec::new();
    let mut start = 0;
    let mut lineno = 0;
    while start < text.len() {
        lineno += 1;
        let newline = text[start..].find('\n').map(|i| start + i);
        let next = newline.map_or(text.len(), |e| e + 1);
        let mut end = newline.unwrap_or(text.len());
        if text[start..end].ends_with('\r') {
            end -= 1;
        }
        let line = start..end;
        start = next;
        if !is_directive(&text[line.clone()]) {
            continue;
        }
        let tokens = split(text, line.start + PREFIX.len() + 1..line.end);
        let Some(first) = tokens.first() else {
            continue;
        };
        // As `go generate`: the alias is substituted on the unexpanded
        // words, then every word is expanded.
        let (raw, alias) = match aliases.get(&first.value.text) {
            Some(a) => {
                let mut raw = a.words.clone();
                raw.extend(tokens.into_iter().skip(1));
                (raw, Some(a.line.clone()))
            }
            None => (tokens, None),
        };
        let env = Env {
            gofile,
            package,
            line: lineno,
        };
        let expanded: Vec<(Token, bool)> = raw
            .into_iter()
            .map(|t| {
                let (value, dynamic) = expand(&t.value, &env);
                (Token { value, ..t }, dynamic)
            })
            .collect();
        if expanded[0].0.value.text == "-command" {
            if let Some(name) = expanded.get(1) {
                aliases
                    .entry(name.0.value.text.clone())
                    .or_insert_with(|| Alias {
                        words: expanded[2..].iter().map(|(t, _)| t.clone()).collect(),
                        line: line.clone(),
                    });
            }
            continue;
        }
        let mut words: Vec<Word> = expanded
            .iter()
            .map(|(t, dynamic)| Word {
                span: t.span.clone(),
                text: t.value.text.clone(),
                quoted: t.quoted,
                make_ref: false,
                shell_expansion: *dynamic,
                assignment: false,
            })
            .collect();
        shell::mark_env_assignments(&mut words);
        let commands = match shell::shell_string(&words) {
            Some(k) => shell_commands(&expanded[k].0.value, words[k].span.start),
            None => vec![Command {
                words,
                cwd: Cwd::base(),
                depth: 0,
                in_string: shell::InString::No,
                handed_by: None,
            }],
        };
        out.push(Directive {
            line,
            alias,
            commands,
        });
    }
    out
}

/// The `go run`, `go build` and `go tool` callsites of one `.go` file, via
/// [`callsite::from_command`] with [`Origin::Generate`], the working
/// directory being the package directory ([`Cwd::base`], moved by a `cd`
/// inside `sh -c`). `vars` supplies the configured go wrappers
/// (`VarEnv::new(&config.go_commands)`); a plain `go` is recognised either way.
///
/// A file that `go generate` never reads because of its `//go:build` line
/// ([`build_ignored`]) has none.
///
/// Spans: `line_span` is the directive line. `span` runs from the go word to
/// the end of the package, as for Makefiles, except when an alias supplies the
/// go word and the using line supplies the package
/// (`-command gorun go run` then `gorun ./gen`): `span` is then cut at the
/// end of the alias's words, so it never covers the lines between the alias
/// definition and its use. With `-command gen go run ./cmd/gen` then
/// `gen -out x.go`, `span` is `go run ./cmd/gen` on the definition line and
/// `line_span` the using line.
pub fn callsites(text: &str, gofile: &str, vars: &VarEnv) -> Vec<Callsite> {
    if build_ignored(text) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for d in directives(text, gofile) {
        for c in &callsite::with_wrapped(&d.commands, vars) {
            let Some(mut cs) =
                callsite::from_command(c, vars, Origin::Generate, d.line.clone(), false)
            else {
                continue;
            };
            if let Some(def) = &d.alias {
                if def.contains(&cs.span.start) && cs.span.end > def.end {
                    cs.span.end = c
                        .words
                        .iter()
                        .filter(|w| def.contains(&w.span.start))
                        .map(|w| w.span.end)
                        .max()
                        .unwrap_or(cs.go.span.end);
                }
            }
            out.push(cs);
        }
    }
    out
}

/// The name in the file's package clause, if the file starts (after
/// comments) with a valid one. A leading byte-order mark is skipped.
pub fn package_name(text: &str) -> Option<&str> {
    let mut i = text.strip_prefix('\u{feff}').map_or(0, |_| 3);
    i = skip_blanks_and_comments(text, i)?;
    let rest = text[i..].strip_prefix("package")?;
    i = text.len() - rest.len();
    let after = skip_blanks_and_comments(text, i)?;
    if after == i {
        return None; // `packagemain`
    }
    let rest = &text[after..];
    let mut chars = rest.char_indices();
    let (_, c) = chars.next()?;
    if !(c == '_' || c.is_alphabetic()) {
        return None;
    }
    let len = chars
        .find(|&(_, c)| !(c == '_' || c.is_alphanumeric()))
        .map_or(rest.len(), |(k, _)| k);
    let name = &rest[..len];
    (name != "_").then_some(name)
}

/// Skip blanks, newlines, `//` and `/* */` comments from `i`; `None` inside
/// an unterminated block comment.
fn skip_blanks_and_comments(text: &str, mut i: usize) -> Option<usize> {
    let b = text.as_bytes();
    loop {
        while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\r' | b'\n') {
            i += 1;
        }
        if text[i..].starts_with("//") {
            i = text[i..].find('\n').map_or(text.len(), |k| i + k);
        } else if text[i..].starts_with("/*") {
            i += 2 + text[i + 2..].find("*/")? + 2;
        } else {
            return Some(i);
        }
    }
}

/// Whether the file's `//go:build` line excludes it from `go generate` for
/// sure: its expression is false whatever the unknown tags are, with
/// `generate` set (`go generate` sets it), `ignore` unset (nobody sets it) and
/// every other tag (`GOOS`, `GOARCH`, `cgo`, custom tags that `-tags` could
/// set) unknown. `//go:build ignore` and `//go:build !generate` are excluded;
/// `//go:build linux` is not. The legacy `// +build` lines and file-name
/// constraints (`_windows.go`) are not read.
pub fn build_ignored(text: &str) -> bool {
    match go_build_line(text) {
        Some(expr) => {
            let mut p = ExprParser {
                toks: expr_tokens(expr),
                pos: 0,
            };
            match p.or() {
                Some(v) if p.pos == p.toks.len() => v == Tri::False,
                _ => false,
            }
        }
        None => false,
    }
}

/// The expression of the `//go:build` line in the file header (the comments
/// before the package clause), as `go/build` finds it.
fn go_build_line(text: &str) -> Option<&str> {
    let mut in_block = false;
    for raw in text.split('\n') {
        let line = raw.trim();
        if line.is_empty() && !in_block {
            continue;
        }
        if !in_block {
            if let Some(rest) = line.strip_prefix("//go:build") {
                if rest.is_empty() || rest.starts_with([' ', '\t']) {
                    return Some(rest.trim());
                }
            }
        }
        let mut rest = line;
        loop {
            if in_block {
                match rest.find("*/") {
                    Some(k) => {
                        in_block = false;
                        rest = rest[k + 2..].trim();
                        continue;
                    }
                    None => break,
                }
            }
            if rest.is_empty() || rest.starts_with("//") {
                break;
            }
            if let Some(r) = rest.strip_prefix("/*") {
                in_block = true;
                rest = r.trim();
                continue;
            }
            return None; // non-comment text: the header ended
        }
    }
    None
}

/// A tag's truth value, known or not; ordered so that `&&` is `min` and
/// `||` is `max` (Kleene logic).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Tri {
    False,
    Unknown,
    True,
}

impl Tri {
    fn not(self) -> Tri {
        match self {
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
            Tri::True => Tri::False,
        }
    }
}

fn expr_tokens(expr: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let b = expr.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b' ' | b'\t' => i += 1,
            b'(' | b')' | b'!' => {
                out.push(&expr[i..i + 1]);
                i += 1;
            }
            b'&' | b'|' if b.get(i + 1) == Some(&b[i]) => {
                out.push(&expr[i..i + 2]);
                i += 2;
            }
            _ => {
                let s = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'.')
                {
                    i += 1;
                }
                if i == s {
                    // A byte no expression may hold: make the parse fail.
                    out.push(&expr[s..]);
                    break;
                }
                out.push(&expr[s..i]);
            }
        }
    }
    out
}

/// `//go:build` expressions: `||` binds looser than `&&`, `!` binds tightest.
struct ExprParser<'a> {
    toks: Vec<&'a str>,
    pos: usize,
}

impl ExprParser<'_> {
    fn or(&mut self) -> Option<Tri> {
        let mut v = self.and()?;
        while self.toks.get(self.pos) == Some(&"||") {
            self.pos += 1;
            v = v.max(self.and()?);
        }
        Some(v)
    }

    fn and(&mut self) -> Option<Tri> {
        let mut v = self.unary()?;
        while self.toks.get(self.pos) == Some(&"&&") {
            self.pos += 1;
            v = v.min(self.unary()?);
        }
        Some(v)
    }

    fn unary(&mut self) -> Option<Tri> {
        let tok = *self.toks.get(self.pos)?;
        self.pos += 1;
        match tok {
            "!" => Some(self.unary()?.not()),
            "(" => {
                let v = self.or()?;
                (self.toks.get(self.pos) == Some(&")")).then(|| {
                    self.pos += 1;
                    v
                })
            }
            "ignore" => Some(Tri::False),
            "generate" => Some(Tri::True),
            t if t
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.') =>
            {
                Some(Tri::Unknown)
            }
            _ => None,
        }
    }
}

const PREFIX: &str = "//go:generate";

fn is_directive(line: &str) -> bool {
    line.strip_prefix(PREFIX)
        .is_some_and(|r| r.starts_with([' ', '\t']))
}

/// A `-command` alias: its (already expanded) words and the defining line.
#[derive(Debug, Clone)]
struct Alias {
    words: Vec<Token>,
    line: Span,
}

/// One directive argument.
#[derive(Debug, Clone)]
struct Token {
    /// As written, quotes included.
    span: Span,
    value: Mapped,
    quoted: bool,
}

/// Split a directive's text (after `//go:generate `) into tokens as
/// `go generate` does: blank-separated, a token starting with `"` is a Go
/// string.
fn split(text: &str, range: Span) -> Vec<Token> {
    let b = text.as_bytes();
    let end = range.end;
    let mut i = range.start;
    let mut out = Vec::new();
    loop {
        while i < end && matches!(b[i], b' ' | b'\t') {
            i += 1;
        }
        if i >= end {
            return out;
        }
        if b[i] == b'"' {
            let mut j = i + 1;
            let mut close = None;
            while j < end {
                match b[j] {
                    b'\\' => j += 2,
                    b'"' => {
                        close = Some(j);
                        break;
                    }
                    _ => j += 1,
                }
            }
            if let Some(c) = close {
                let value =
                    unquote(text, i + 1..c).unwrap_or_else(|| Mapped::verbatim(text, i + 1..c));
                out.push(Token {
                    span: i..c + 1,
                    value,
                    quoted: true,
                });
                i = c + 1;
                continue;
            }
            // Unmatched quote (`go generate` fails): read a plain token.
        }
        let s = i;
        while i < end && !matches!(b[i], b' ' | b'\t') {
            i += 1;
        }
        out.push(Token {
            span: s..i,
            value: Mapped::verbatim(text, s..i),
            quoted: false,
        });
    }
}

/// Decode the inside of a Go double-quoted string at `range`; `None` for an
/// invalid escape or bytes that are not UTF-8 (`strconv.Unquote` fails or
/// the value is not text).
pub(super) fn unquote(text: &str, range: Span) -> Option<Mapped> {
    let b = text.as_bytes();
    let mut bytes: Vec<u8> = Vec::new();
    let mut origin: Vec<Span> = Vec::new();
    let mut i = range.start;
    while i < range.end {
        if b[i] != b'\\' {
            let ch = text[i..range.end].chars().next()?;
            let n = ch.len_utf8();
            bytes.extend_from_slice(&b[i..i + n]);
            origin.extend((i..i + n).map(|k| k..k + 1));
            i += n;
            continue;
        }
        let esc = *b.get(i + 1).filter(|_| i + 1 < range.end)?;
        let hex = |len: usize| -> Option<u32> {
            let digits = text
                .get(i + 2..i + 2 + len)
                .filter(|_| i + 2 + len <= range.end)?;
            if !digits.bytes().all(|c| c.is_ascii_hexdigit()) {
                return None;
            }
            u32::from_str_radix(digits, 16).ok()
        };
        let (decoded, len): (Vec<u8>, usize) = match esc {
            b'a' => (vec![7], 2),
            b'b' => (vec![8], 2),
            b'f' => (vec![12], 2),
            b'n' => (vec![b'\n'], 2),
            b'r' => (vec![b'\r'], 2),
            b't' => (vec![b'\t'], 2),
            b'v' => (vec![11], 2),
            b'\\' | b'"' => (vec![esc], 2),
            b'x' => (vec![hex(2)? as u8], 4),
            b'0'..=b'7' => {
                let digits = text.get(i + 1..i + 4).filter(|_| i + 4 <= range.end)?;
                if !digits.bytes().all(|c| (b'0'..=b'7').contains(&c)) {
                    return None;
                }
                let v = u32::from_str_radix(digits, 8).ok()?;
                (vec![u8::try_from(v).ok()?], 4)
            }
            b'u' | b'U' => {
                let n = if esc == b'u' { 4 } else { 8 };
                let ch = char::from_u32(hex(n)?)?;
                (ch.to_string().into_bytes(), 2 + n)
            }
            _ => return None,
        };
        origin.extend((0..decoded.len()).map(|_| i..i + len));
        bytes.extend(decoded);
        i += len;
    }
    let text = String::from_utf8(bytes).ok()?;
    Some(Mapped { text, origin })
}

/// The values `go generate` gives its own variables for one directive.
struct Env<'a> {
    gofile: &'a str,
    package: &'a str,
    line: usize,
}

impl Env<'_> {
    fn get(&self, name: &str) -> Option<String> {
        match name {
            "GOFILE" => Some(self.gofile.to_string()),
            "GOPACKAGE" => Some(self.package.to_string()),
            "GOLINE" => Some(self.line.to_string()),
            "DOLLAR" => Some("$".to_string()),
            _ => None,
        }
    }
}

/// Expand variables in `m` as `os.Expand` does. Variables without a known
/// value are kept as written; the flag says whether any was.
fn expand(m: &Mapped, env: &Env) -> (Mapped, bool) {
    let s = m.text.as_str();
    let b = s.as_bytes();
    let mut out = Mapped::default();
    let mut dynamic = false;
    let mut i = 0; // start of the literal text not yet copied
    let mut j = 0;
    while j < b.len() {
        if b[j] == b'$' && j + 1 < b.len() {
            out.extend_from(m, i..j);
            let (name, w) = shell_name(&s[j + 1..]);
            if name.is_empty() && w > 0 {
                // Bad syntax (`${}`, an unclosed `${`): eaten.
            } else if name.is_empty() {
                out.extend_from(m, j..j + 1);
            } else if let Some(v) = env.get(name) {
                out.push(&v, m.origin[j].start..m.origin[j + w].end);
            } else {
                out.extend_from(m, j..j + 1 + w);
                dynamic = true;
            }
            j += w;
            i = j + 1;
        }
        j += 1;
    }
    out.extend_from(m, i.min(b.len())..b.len());
    (out, dynamic)
}

/// `os.getShellName`: the variable name after a `$` and the bytes it takes.
fn shell_name(s: &str) -> (&str, usize) {
    let b = s.as_bytes();
    let special = |c: u8| {
        matches!(
            c,
            b'*' | b'#' | b'$' | b'@' | b'!' | b'?' | b'-' | b'0'..=b'9'
        )
    };
    if b[0] == b'{' {
        if b.len() > 2 && special(b[1]) && b[2] == b'}' {
            return (&s[1..2], 3);
        }
        return match b.iter().skip(1).position(|&c| c == b'}') {
            Some(0) => ("", 2),
            Some(k) => (&s[1..k + 1], k + 2),
            None => ("", 1),
        };
    }
    if special(b[0]) {
        return (&s[0..1], 1);
    }
    let n = b
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
        .count();
    (&s[..n], n)
}

/// The commands the shell layer finds in a `sh -c` string, spans mapped back
/// into the file.
fn shell_commands(script: &Mapped, at: usize) -> Vec<Command> {
    let (scan, _) = shell::scan(
        &script.text,
        0..script.text.len(),
        Dialect::Shell,
        Cwd::base(),
    );
    scan.commands
        .into_iter()
        .map(|mut c| {
            for w in &mut c.words {
                w.span = script.file_span(w.span.clone(), at);
            }
            c
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::callsite::{RunTarget, Verb};
    use crate::syntax::vars::GoSpelling;

    fn sites(text: &str) -> Vec<Callsite> {
        callsites(text, "kind.go", &VarEnv::new(&[]))
    }

    fn one(text: &str) -> Callsite {
        let s = sites(text);
        assert_eq!(s.len(), 1, "{s:#?}");
        s.into_iter().next().unwrap()
    }

    fn slice(text: &str, span: &Span) -> String {
        text[span.clone()].to_string()
    }

    fn args(cs: &Callsite) -> Vec<&str> {
        cs.args.iter().map(|w| w.text.as_str()).collect()
    }

    fn flags(cs: &Callsite) -> Vec<(&str, Option<&str>)> {
        cs.flags
            .iter()
            .map(|f| (f.name.as_str(), f.value.as_deref()))
            .collect()
    }

    fn file(directives: &str) -> String {
        format!("// Package enum.\npackage enum\n\n{directives}\ntype Kind int\n")
    }

    #[test]
    fn local_package() {
        let t = file("//go:generate go run ./gen");
        let cs = one(&t);
        assert_eq!(cs.verb, Verb::Run);
        assert_eq!(cs.origin, Origin::Generate);
        assert_eq!(cs.spelling, GoSpelling::Literal);
        assert_eq!(cs.target.text(), "./gen");
        assert_eq!(cs.cwd, Cwd::base());
        assert_eq!(slice(&t, &cs.span), "go run ./gen");
        assert_eq!(slice(&t, &cs.line_span), "//go:generate go run ./gen");
        assert_eq!(slice(&t, &cs.go.span), "go");
        assert_eq!(slice(&t, &cs.run.as_ref().unwrap().span), "run");
        assert!(!cs.recovered);
    }

    #[test]
    fn file_runs() {
        let t = file("//go:generate go run gen.go");
        let cs = one(&t);
        assert!(matches!(cs.target, RunTarget::Files(ref f) if f.len() == 1));
        assert_eq!(cs.target.text(), "gen.go");
        assert_eq!(slice(&t, &cs.span), "go run gen.go");

        let t = file("//go:generate go run gen.go helpers.go -- -out zz_kind.go");
        let cs = one(&t);
        assert_eq!(cs.target.text(), "gen.go helpers.go");
        assert_eq!(args(&cs), ["--", "-out", "zz_kind.go"]);
        assert_eq!(slice(&t, &cs.span), "go run gen.go helpers.go");
        assert_eq!(slice(&t, &cs.args[2].span), "zz_kind.go");
    }

    #[test]
    fn module_paths_and_versions() {
        let t = file("//go:generate go run example.com/own/module/cmd/x -v");
        let cs = one(&t);
        assert_eq!(cs.target.text(), "example.com/own/module/cmd/x");
        assert_eq!(args(&cs), ["-v"]);

        let t = file("//go:generate go run golang.org/x/tools/cmd/stringer -type=Kind");
        let cs = one(&t);
        assert_eq!(cs.target.text(), "golang.org/x/tools/cmd/stringer");
        assert_eq!(args(&cs), ["-type=Kind"]);
        assert_eq!(slice(&t, &cs.args[0].span), "-type=Kind");

        let t = file("//go:generate go run golang.org/x/tools/cmd/stringer@latest -type Kind");
        let cs = one(&t);
        assert_eq!(cs.target.text(), "golang.org/x/tools/cmd/stringer@latest");
        assert_eq!(args(&cs), ["-type", "Kind"]);
    }

    #[test]
    fn environment_variables_stay_dynamic() {
        let t = file("//go:generate go run example.com/builder@${BUILDER_VERSION} -o $GOOS.go");
        let cs = one(&t);
        let pkg = &cs.target.words()[0];
        assert_eq!(pkg.text, "example.com/builder@${BUILDER_VERSION}");
        assert!(pkg.shell_expansion);
        assert_eq!(pkg.literal(), None);
        assert_eq!(
            slice(&t, &pkg.span),
            "example.com/builder@${BUILDER_VERSION}"
        );
        assert_eq!(cs.args[1].text, "$GOOS.go");
        assert!(cs.args[1].shell_expansion);
        assert!(!cs.args[0].shell_expansion);
    }

    #[test]
    fn special_variables_are_expanded() {
        let t = file(
            "//go:generate go run ./gen -file $GOFILE -pkg=${GOPACKAGE} -line $GOLINE -d $DOLLAR{X} \"$GOFILE.out\"",
        );
        let cs = one(&t);
        assert_eq!(
            args(&cs),
            [
                "-file",
                "kind.go",
                "-pkg=enum",
                "-line",
                "4",
                "-d",
                "${X}",
                "kind.go.out"
            ]
        );
        // `$DOLLAR` gives a literal `$`: nothing is left to expand.
        assert!(cs.args.iter().all(|w| !w.shell_expansion));
        assert_eq!(slice(&t, &cs.args[1].span), "$GOFILE");
        assert_eq!(slice(&t, &cs.args[7].span), "\"$GOFILE.out\"");
        assert!(cs.args[7].quoted);
        // `os.Expand` corner cases: `${}` and an unclosed `${` are eaten, a
        // `$` before a non-name is kept, `$1` is an (unknown) variable.
        let t = file("//go:generate go run ./gen a${}b ${x $/ $ $1");
        let cs = one(&t);
        assert_eq!(args(&cs), ["ab", "x", "$/", "$", "$1"]);
        let dynamic: Vec<bool> = cs.args.iter().map(|w| w.shell_expansion).collect();
        assert_eq!(dynamic, [false, false, false, false, true]);
    }

    #[test]
    fn go_tool() {
        let t = file("//go:generate go tool stringer -type Kind");
        let cs = one(&t);
        assert_eq!(cs.verb, Verb::Tool);
        assert_eq!(cs.target.text(), "stringer");
        assert_eq!(args(&cs), ["-type", "Kind"]);
        assert_eq!(slice(&t, &cs.span), "go tool stringer");

        let t = file("//go:generate go tool -modfile=tools.mod stringer -type=Kind");
        let cs = one(&t);
        assert_eq!(cs.verb, Verb::Tool);
        assert_eq!(flags(&cs), [("modfile", Some("tools.mod"))]);
        assert_eq!(cs.target.text(), "stringer");
        assert_eq!(slice(&t, &cs.span), "go tool -modfile=tools.mod stringer");
    }

    #[test]
    fn build_flags() {
        let t = file("//go:generate go run -tags gen ./gen -out zz.go");
        let cs = one(&t);
        assert_eq!(flags(&cs), [("tags", Some("gen"))]);
        assert_eq!(slice(&t, &cs.flags[0].span), "-tags gen");
        assert_eq!(cs.target.text(), "./gen");
        assert_eq!(args(&cs), ["-out", "zz.go"]);

        let t = file("//go:generate go run -mod=mod ./gen");
        let cs = one(&t);
        assert_eq!(flags(&cs), [("mod", Some("mod"))]);
        assert_eq!(cs.target.text(), "./gen");
        assert_eq!(slice(&t, &cs.span), "go run -mod=mod ./gen");

        let t = file("//go:generate go build -o bin/gen ./gen");
        assert_eq!(one(&t).verb, Verb::Build);
    }

    #[test]
    fn quoted_go_strings() {
        let t = file(
            r#"//go:generate "go" run "./gen" -header "// Code generated; \"DO NOT EDIT\".\n" "a\x41\101\u00e9""#,
        );
        let cs = one(&t);
        assert!(cs.go.quoted);
        assert_eq!(cs.target.text(), "./gen");
        assert_eq!(slice(&t, &cs.target.words()[0].span), "\"./gen\"");
        assert_eq!(
            args(&cs),
            ["-header", "// Code generated; \"DO NOT EDIT\".\n", "aAAé"]
        );
        assert_eq!(
            slice(&t, &cs.args[1].span),
            r#""// Code generated; \"DO NOT EDIT\".\n""#
        );
        // Quotes only start a string at the start of a token.
        let t = file(r#"//go:generate go run -ldflags="-s -w" ./gen"#);
        let cs = one(&t);
        assert_eq!(flags(&cs), [("ldflags", Some("\"-s")), ("w\"", None)]);
        assert_eq!(cs.target.text(), "./gen");
    }

    #[test]
    fn no_shell_in_plain_directives() {
        // `&&` is an argument: only the first `go run` runs.
        let t = file("//go:generate go run ./a && go run ./b > out.go");
        let cs = one(&t);
        assert_eq!(cs.target.text(), "./a");
        assert_eq!(args(&cs), ["&&", "go", "run", "./b", ">", "out.go"]);
    }

    #[test]
    fn env_prefix() {
        let t = file("//go:generate env GOOS=js GOARCH=wasm go run ./gen");
        let cs = one(&t);
        let env: Vec<&str> = cs.env.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(env, ["GOOS=js", "GOARCH=wasm"]);
        assert_eq!(slice(&t, &cs.prefix), "env GOOS=js GOARCH=wasm ");
        assert_eq!(slice(&t, &cs.span), "go run ./gen");
    }

    #[test]
    fn command_alias() {
        let t = file(
            "//go:generate -command gen go run ./cmd/gen\n//go:generate gen -out $GOFILE.gen.go\n//go:generate gen -check",
        );
        let ds = directives(&t, "kind.go");
        assert_eq!(ds.len(), 2);
        let def = t.find("//go:generate -command").unwrap();
        let def_line = def..def + "//go:generate -command gen go run ./cmd/gen".len();
        assert_eq!(ds[0].alias, Some(def_line.clone()));
        let words: Vec<&str> = ds[0].commands[0]
            .words
            .iter()
            .map(|w| w.text.as_str())
            .collect();
        assert_eq!(words, ["go", "run", "./cmd/gen", "-out", "kind.go.gen.go"]);
        let cs = sites(&t);
        assert_eq!(cs.len(), 2);
        for c in &cs {
            assert_eq!(c.target.text(), "./cmd/gen");
            // The go command is written on the alias line; the directive
            // that runs it is the using line.
            assert_eq!(slice(&t, &c.span), "go run ./cmd/gen");
            assert!(def_line.contains(&c.span.start));
        }
        assert_eq!(
            slice(&t, &cs[0].line_span),
            "//go:generate gen -out $GOFILE.gen.go"
        );
        assert_eq!(slice(&t, &cs[0].args[1].span), "$GOFILE.gen.go");
        assert_eq!(slice(&t, &cs[1].line_span), "//go:generate gen -check");
        assert_eq!(args(&cs[1]), ["-check"]);
    }

    #[test]
    fn alias_split_over_two_lines_keeps_span_on_the_definition() {
        let t =
            file("//go:generate -command gorun go run -mod=mod\n\n//go:generate gorun ./gen -v");
        let cs = one(&t);
        assert_eq!(cs.target.text(), "./gen");
        assert_eq!(flags(&cs), [("mod", Some("mod"))]);
        assert_eq!(slice(&t, &cs.span), "go run -mod=mod");
        assert_eq!(slice(&t, &cs.target.words()[0].span), "./gen");
        assert_eq!(slice(&t, &cs.line_span), "//go:generate gorun ./gen -v");
    }

    #[test]
    fn alias_rules() {
        // Used before its definition: the `gen` binary runs, not `go run`.
        // Redefinition keeps the first; an empty alias drops the name;
        // alias words are expanded at definition and again at use.
        let t = file(
            "//go:generate gen -out x.go\n//go:generate -command gen go run ./gen\n//go:generate -command gen go run ./other\n//go:generate gen\n//go:generate -command nothing\n//go:generate nothing go run ./n\n//go:generate -command at go run ./at -def $GOLINE -use $DOLLAR{GOLINE}\n//go:generate at",
        );
        let cs = sites(&t);
        let targets: Vec<String> = cs.iter().map(|c| c.target.text()).collect();
        assert_eq!(targets, ["./gen", "./n", "./at"]);
        assert_eq!(args(&cs[2]), ["-def", "10", "-use", "11"]);
        let ds = directives(&t, "kind.go");
        assert_eq!(ds.len(), 4);
        assert_eq!(ds[0].commands[0].words[0].text, "gen");
        assert_eq!(ds[0].alias, None);
        assert!(ds[2].alias.is_some());
    }

    #[test]
    fn sh_c_is_scanned_with_the_shell_layer() {
        let t = file(r#"//go:generate sh -c "go run make_tests.go | gofmt > out_test.go""#);
        let ds = directives(&t, "kind.go");
        assert_eq!(ds.len(), 1);
        assert_eq!(ds[0].commands.len(), 2);
        let cs = one(&t);
        assert_eq!(cs.target.text(), "make_tests.go");
        assert_eq!(slice(&t, &cs.span), "go run make_tests.go");
        assert_eq!(slice(&t, &cs.line_span), t.lines().nth(3).unwrap());

        let t = file(
            r#"//go:generate bash -euo pipefail -c "cd tools && go run ./gen -out \"$GOFILE\" && go run golang.org/x/tools/cmd/stringer@v0.30.0 -type=Kind""#,
        );
        let cs = sites(&t);
        assert_eq!(cs.len(), 2);
        assert_eq!(cs[0].target.text(), "./gen");
        assert_eq!(cs[0].cwd, Cwd::Known("tools".into()));
        assert_eq!(args(&cs[0]), ["-out", "kind.go"]);
        assert_eq!(slice(&t, &cs[0].args[1].span), r#"\"$GOFILE\""#);
        assert_eq!(slice(&t, &cs[0].span), "go run ./gen");
        assert_eq!(
            cs[1].target.text(),
            "golang.org/x/tools/cmd/stringer@v0.30.0"
        );
        assert_eq!(
            slice(&t, &cs[1].span),
            "go run golang.org/x/tools/cmd/stringer@v0.30.0"
        );
        assert_eq!(cs[1].line_span, cs[0].line_span);

        // An escaped newline separates two commands for the shell.
        let t = file(r#"//go:generate /bin/sh -ec "go run ./a\ngo run ./b""#);
        let cs = sites(&t);
        let targets: Vec<String> = cs.iter().map(|c| c.target.text()).collect();
        assert_eq!(targets, ["./a", "./b"]);
        assert_eq!(slice(&t, &cs[1].span), "go run ./b");

        // `$DOLLAR` hands the shell a command substitution.
        let t = file(r#"//go:generate sh -c "echo $DOLLAR(go run ./version) > v.txt""#);
        let cs = one(&t);
        assert_eq!(cs.target.text(), "./version");
        assert_eq!(slice(&t, &cs.go.span), "go");
    }

    #[test]
    fn sh_c_negatives() {
        // go generate has no single quotes: bash gets the script `'go`.
        let t = file("//go:generate bash -c 'go run ./gen | gofmt'");
        assert!(sites(&t).is_empty());
        // Strings are data to the shell.
        let t = file(r#"//go:generate sh -c "echo go run ./gen""#);
        assert!(sites(&t).is_empty());
        // Without `-c` the shell runs a script file.
        let t = file("//go:generate bash ./gen.sh go run ./x");
        assert!(sites(&t).is_empty());
        let ds = directives(&t, "kind.go");
        assert_eq!(ds[0].commands[0].words[0].text, "bash");
    }

    #[test]
    fn what_go_generate_reads_as_a_directive() {
        // A raw string or block comment line starting with the marker is a
        // directive: go generate does not parse Go.
        let t = "package enum\n\nconst usage = `\n//go:generate go run ./raw\n`\n\n/*\n//go:generate\tgo run ./block\n*/\n";
        let cs = sites(t);
        let targets: Vec<String> = cs.iter().map(|c| c.target.text()).collect();
        assert_eq!(targets, ["./raw", "./block"]);
        // CRLF: the carriage return is not part of the line.
        let t = "package enum\r\n\r\n//go:generate go run ./gen -v\r\n";
        let cs = one(t);
        assert_eq!(args(&cs), ["-v"]);
        assert_eq!(slice(t, &cs.line_span), "//go:generate go run ./gen -v");
        // A last line without a newline is read (go generate fails on it).
        let t = "package enum\n//go:generate go run ./gen";
        assert_eq!(one(t).target.text(), "./gen");
    }

    #[test]
    fn lookalikes_are_not_directives() {
        let t = file(
            "// go:generate go run ./space\n //go:generate go run ./indented\nfunc f() {\n\t//go:generate go run ./body\n\t_ = \"//go:generate go run ./string\"\n}\n//go:generatego run ./glued\n//go:generate\n//go:generate \n//go:build ignore\n//go:embed go run ./x\n//go:generate echo go run ./gen\n//go:generate go vet ./...\n//go:generate stringer -type Kind\n//go:generate go generate ./...",
        );
        assert!(sites(&t).is_empty(), "{:#?}", sites(&t));
        let ds = directives(&t, "kind.go");
        let firsts: Vec<&str> = ds
            .iter()
            .map(|d| d.commands[0].words[0].text.as_str())
            .collect();
        assert_eq!(firsts, ["echo", "go", "stringer", "go"]);
    }

    #[test]
    fn package_clause() {
        assert_eq!(package_name("package main\n"), Some("main"));
        assert_eq!(
            package_name("\u{feff}// c\n/* x\n*/ package /* y */\n\tenum_test // z\n"),
            Some("enum_test")
        );
        assert_eq!(package_name("package πακέτο\n"), Some("πακέτο"));
        assert_eq!(package_name("packagemain\n"), None);
        assert_eq!(package_name("package _\n"), None);
        assert_eq!(package_name("package 1x\n"), None);
        assert_eq!(package_name("/* open\npackage main\n"), None);
        assert_eq!(package_name("import \"x\"\npackage main\n"), None);
        // No valid package clause: go generate skips the file.
        assert!(sites("//go:generate go run ./gen\n").is_empty());
        let t = "// +build x\n\npackage enum_test\n\n//go:generate go run ./gen -pkg $GOPACKAGE\n";
        assert_eq!(args(&one(t)), ["-pkg", "enum_test"]);
    }

    #[test]
    fn build_constraints() {
        let ignored = [
            "//go:build ignore\n\npackage main\n",
            "// Copyright\n\n/* x */\n//go:build ignore && linux\n\npackage main\n",
            "//go:build !generate\n\npackage main\n",
            "//go:build (ignore || !generate) && tools\n\npackage main\n",
        ];
        for t in ignored {
            assert!(build_ignored(t), "{t}");
        }
        let read = [
            "package main\n",
            "//go:build linux\n\npackage main\n",
            "//go:build generate\n\npackage main\n",
            "//go:build ignore || tools\n\npackage main\n",
            "//go:build !ignore\n\npackage main\n",
            "package main\n\n//go:build ignore\n",
            "/*\n//go:build ignore\n*/\npackage main\n",
            "//go:build ignore &&\n\npackage main\n",
            "//go:buildignore\n\npackage main\n",
        ];
        for t in read {
            assert!(!build_ignored(t), "{t}");
        }
        let t = "//go:build ignore\n\npackage main\n\n//go:generate go run ./gen\n";
        assert!(sites(t).is_empty());
        assert_eq!(directives(t, "gen.go").len(), 1);
    }

    #[test]
    fn broken_directives_are_read_leniently() {
        // An unmatched quote starts a plain token; a bad escape keeps the raw
        // text; no blank after a closing quote starts the next token.
        let t = file(r#"//go:generate go run ./gen "unterminated x"#);
        assert_eq!(args(&one(&t)), ["\"unterminated", "x"]);
        let t = file(r#"//go:generate go run ./gen "bad \q""ok"x"#);
        let cs = one(&t);
        assert_eq!(args(&cs), ["bad \\q", "ok", "x"]);
        assert_eq!(slice(&t, &cs.args[0].span), r#""bad \q""#);
        let t = file(r#"//go:generate go run ./gen "\"#);
        assert_eq!(args(&one(&t)), ["\"\\"]);
    }

    #[test]
    fn configured_wrappers() {
        let t = file("//go:generate ./hack/gow run ./gen");
        assert!(sites(&t).is_empty());
        let vars = VarEnv::new(&["./hack/gow".into()]);
        let cs = callsites(&t, "kind.go", &vars);
        assert_eq!(cs.len(), 1);
        assert_eq!(cs[0].spelling, GoSpelling::Configured);
    }

    /// The fixtures' `// expect:` lines against what [`callsites`] finds and
    /// [`crate::lint::classify::classify`] makes of it, keyed by the directive line
    /// (`line_span`): `go tool X` is `tool X`, `go build` is not reported.
    #[test]
    fn fixtures_match_their_expectations() {
        use crate::lint::classify::{classify, Class};
        use crate::lint::gomod::Modules;
        use std::collections::BTreeMap;
        use std::path::{Path, PathBuf};

        fn go_files(dir: &Path, out: &mut Vec<PathBuf>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                if p.is_dir() {
                    if name != "testdata" && name != "vendor" {
                        go_files(&p, out);
                    }
                } else if name.ends_with(".go") {
                    out.push(p);
                }
            }
        }

        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sources/generate");
        let modules = Modules::default();
        let vars = VarEnv::new(&[]);
        let mut problems = Vec::new();
        let mut annotated = 0;
        for side in ["pos", "neg"] {
            let mut files = Vec::new();
            go_files(&root.join(side), &mut files);
            files.sort();
            for path in files {
                let text = std::fs::read_to_string(&path).unwrap();
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                let dir = path.parent().unwrap();
                let line_of = |offset: usize| text[..offset].matches('\n').count() + 1;
                let mut want: BTreeMap<usize, Vec<String>> = BTreeMap::new();
                let mut pending = Vec::new();
                for (i, l) in text.lines().enumerate() {
                    match l.trim().strip_prefix("// expect:") {
                        Some(e) if e.trim() == "none" => {}
                        Some(e) => pending.push(e.split_whitespace().collect::<Vec<_>>().join(" ")),
                        None if !pending.is_empty() && !l.trim().is_empty() => {
                            want.insert(i + 1, std::mem::take(&mut pending));
                        }
                        None => {}
                    }
                }
                annotated += want.len();
                let mut got: BTreeMap<usize, Vec<String>> = BTreeMap::new();
                for cs in callsites(&text, &name, &vars) {
                    let found = match cs.verb {
                        Verb::Build => continue,
                        Verb::Tool => format!("tool {}", cs.target.text()),
                        Verb::Run => {
                            let c = classify(&cs, dir, &vars, &modules);
                            let (class, tool) = match c.class {
                                Class::Local { .. } => ("local", c.tool),
                                Class::Remote { .. } => ("remote", c.tool),
                                Class::Dependency { .. } => ("dependency", c.tool),
                                Class::Pattern => ("pattern", c.tool),
                                Class::Dynamic { .. } => ("dynamic", Some(cs.target.text())),
                            };
                            format!("{class} {}", tool.unwrap_or_default())
                        }
                    };
                    got.entry(line_of(cs.line_span.start))
                        .or_default()
                        .push(found);
                }
                if side == "neg" {
                    assert!(want.is_empty(), "{}: expectations in neg", path.display());
                }
                if want != got {
                    problems.push(format!("{}: want {want:?}\n   got {got:?}", path.display()));
                }
            }
        }
        assert!(annotated > 20, "only {annotated} annotated directives");
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// Any directive text: no panic, and every span is a slice of the
        /// file on character boundaries.
        #[test]
        fn spans_always_slice_the_text(
            lines in proptest::collection::vec(
                proptest::collection::vec(
                    proptest::sample::select(vec![
                        "go", "run", "tool", "./gen", "x.go", " ", "\t", "\"", "\\", "\\\"",
                        "\\n", "\\x4", "\\u00e9", "\\U0001F600", "\\377", "é", "$", "{", "}",
                        "$GOFILE", "${GOLINE}", "$DOLLAR", "$X", "${", "'", "sh", "-c", "-ec",
                        "bash", "&&", "|", ";", "(", ")", "`", "-command", "g", "env", "A=1",
                        "\r", "cd", "#", "@v1",
                    ]),
                    0..14,
                ),
                1..6,
            )
        ) {
            let mut text = String::from("package p\n");
            for words in &lines {
                text.push_str("//go:generate ");
                text.push_str(&words.concat());
                text.push('\n');
            }
            let ok = |r: &Span| {
                r.start <= r.end && text.get(r.clone()).is_some()
            };
            for d in directives(&text, "p.go") {
                proptest::prop_assert!(ok(&d.line));
                for c in &d.commands {
                    for w in &c.words {
                        proptest::prop_assert!(ok(&w.span), "{:?} in {:?}", w, text);
                    }
                }
            }
            for cs in callsites(&text, "p.go", &VarEnv::new(&[])) {
                proptest::prop_assert!(ok(&cs.span), "{:?} in {:?}", cs.span, text);
                proptest::prop_assert!(ok(&cs.prefix));
            }
        }
    }
}
