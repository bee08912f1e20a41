//! Shell scripts as a source of callsites (issue 7): `*.sh`, `*.bash`, and
//! files whose shebang names `sh`, `bash`, `dash` or `ksh`.
//!
//! The script is read once by the shell layer in [`Dialect::Shell`]. A
//! [`Resolver`] follows it in text order and resolves the variables the
//! script assigned earlier from literals, from its own location (`$0`,
//! `${BASH_SOURCE[0]}`, `$(dirname "$0")`, `$(cd "$(dirname "$0")" && pwd)`)
//! or from the repository root (`$(git rev-parse --show-toplevel)`). A word
//! whose value is known is rewritten in place: its `text` becomes the value
//! (its span stays the original bytes) and it is no longer a shell expansion,
//! so classification reads it as a literal. Everything else stays dynamic:
//! positional parameters, loop and `read` variables, the environment, the
//! output of other commands.
//!
//! **Flow-insensitive.** Assignments count in text order, whatever the
//! control flow: an assignment inside an `if` branch or a function body holds
//! for every line after it, `local` is a plain assignment, and a function's
//! body is read where it is defined, not where it is called. A variable a
//! `for` loop, `read` or `getopts` sets is dynamic from there on.
//!
//! **Working directory.** A script starts in the directory it is run from
//! ([`ScriptContext::caller_dir`]); `cd`, `pushd` and `popd` move it as in
//! recipes, and `cd` to a location the script computed from its own place
//! (`cd "$(dirname "$0")"`, `cd "$REPO_ROOT"`) moves it there whatever the
//! caller's directory. A location value used in a word is written relative
//! to the working directory of that command (`./scripts/gen/main.go`), so
//! classification resolves it as any relative path.
//!
//! Not followed: `source`/`.` of other files, `eval` of a quoted string,
//! `bash -c '...'`, commands inside unquoted heredoc bodies, arrays,
//! `${x/a/b}`-style edits (other than `${x%/*}`), aliases.

use std::borrow::Cow;
// The resolver's maps are looked up per word and command: foldhash, not
// SipHash (their keys are the script's own offsets and names).
use foldhash::{HashMap, HashMapExt};

use crate::syntax::callsite::{self, from_command, Callsite, Origin};
use crate::syntax::parse::lines::{logical_line_end, logical_line_start};
use crate::syntax::shell::Word;
use crate::syntax::shell::{
    self, command_index, is_name, join_rel, Command, Cwd, Dialect, Expansion, Resolver,
};
use crate::syntax::source::Span;
use crate::syntax::vars::{ExecWrapper, GoSpelling, VarEnv};

/// Where a script sits and how it is run.
#[derive(Debug, Clone)]
pub struct ScriptContext<'a> {
    /// The script's directory, relative to the base dir (`/`-joined, may
    /// start with `..`; `""` for the base dir itself).
    pub script_dir: String,
    /// The repository root relative to the base dir (for
    /// `git rev-parse --show-toplevel`).
    pub repo_root: String,
    /// The directory the script is run from, relative to the base dir:
    /// plain relative paths (`go run ./cmd/x`) resolve against it until the
    /// script changes directory.
    pub caller_dir: String,
    /// The configured go spellings (`["go"]` by default).
    pub go_commands: &'a [String],
    /// The configured programs that run their trailing arguments.
    pub exec_wrappers: &'a [ExecWrapper],
}

/// What a location in a script was derived from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// The directory the script is run from ([`ScriptContext::caller_dir`]),
    /// which is an assumption of the caller of [`callsites`].
    Caller,
    /// The script's own location (`$0`, `BASH_SOURCE`) or the repository
    /// root: it holds wherever the script is run from.
    Script,
}

/// One callsite of a script, with what its locations were derived from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptCallsite {
    pub callsite: Callsite,
    /// What the callsite's `cwd` was derived from: `Script` after a `cd` to
    /// the script's location or the repository root (`cd "$(dirname "$0")"`),
    /// else `Caller`.
    pub cwd_anchor: Anchor,
    /// `Script` when a package or file word was built from the script's
    /// location or the repository root (`"$SCRIPT_DIR"/main.go`): it points
    /// at the same place whatever `cwd` is.
    pub target_anchor: Anchor,
}

impl ScriptCallsite {
    /// Whether the package the callsite runs was found relative to the
    /// assumed caller directory.
    pub fn assumes_caller_dir(&self) -> bool {
        self.cwd_anchor == Anchor::Caller && self.target_anchor == Anchor::Caller
    }
}

/// Every `go run`, `go build` and `go tool` callsite of one script, in text
/// order, with [`Origin::Script`] and `cwd` relative to the base dir. Words
/// resolved from the script's variables carry their value in `text` (span
/// still the original bytes) and are literal; `go` spelled through a
/// variable has [`GoSpelling::Variable`] (`definition`: the value the
/// script gives it, as written), or [`GoSpelling::Assumed`] when the script
/// never assigns it (`"$GO"` from the environment).
pub fn callsites(text: &str, ctx: &ScriptContext) -> Vec<ScriptCallsite> {
    let mut script = Script {
        src: text,
        ctx,
        vars: HashMap::new(),
        substs: HashMap::new(),
        words: HashMap::new(),
        dirs: HashMap::new(),
    };
    let start = Cwd::Known(join_rel("", &ctx.caller_dir));
    let (scan, _) = shell::scan_resolved(text, 0..text.len(), Dialect::Shell, start, &mut script);
    let mut out = Vec::new();
    for original in scan.commands.iter().filter(|c| may_be_callsite(c)) {
        let c = without_eval(original);
        let vars = script.env_for(&c);
        // (What an exec wrapper runs is read with the wrapper's variables.)
        for c in callsite::with_wrapped(std::slice::from_ref(&c), &vars) {
            let span = c.span();
            let line = logical_line_start(text, span.start)..logical_line_end(text, span.end);
            let Some(mut cs) = from_command(&c, &vars, Origin::Script, line, false) else {
                continue;
            };
            let var = script
                .words
                .get(&cs.go.span.start)
                .and_then(|i| i.var.as_ref());
            if let Some(var) = var {
                let written = var.definition.clone();
                match &mut cs.spelling {
                    GoSpelling::Literal | GoSpelling::Configured => {
                        cs.spelling = GoSpelling::Variable {
                            name: var.name.clone(),
                            definition: written.unwrap_or_else(|| cs.go.text.clone()),
                        }
                    }
                    GoSpelling::Variable { definition, .. }
                    | GoSpelling::RunVariable { definition, .. } => {
                        if let Some(w) = written {
                            *definition = w;
                        }
                    }
                    GoSpelling::Assumed { .. } => {}
                }
            }
            let cwd_anchor = original
                .words
                .first()
                .and_then(|w| script.dirs.get(&w.span.start))
                .copied()
                .unwrap_or(Anchor::Caller);
            let target_anchor = if cs.target.words().iter().any(|w| {
                matches!(
                    script.words.get(&w.span.start).map(|i| &i.val),
                    Some(Val::Path {
                        anchor: Anchor::Script,
                        ..
                    })
                )
            }) {
                Anchor::Script
            } else {
                Anchor::Caller
            };
            out.push(ScriptCallsite {
                callsite: cs,
                cwd_anchor,
                target_anchor,
            });
        }
    }
    out.sort_by_key(|s| s.callsite.span.start);
    out
}

/// Whether a file is a shell script: named `*.sh` or `*.bash`, or starting
/// with a shebang whose interpreter is `sh`, `bash`, `dash` or `ksh`
/// (`#!/bin/sh -e`, `#!/usr/bin/env bash`, `#!/usr/bin/env -S bash -eu`).
/// zsh, fish and the rest are not read: their syntax differs.
pub fn is_script(name: &str, head: &[u8]) -> bool {
    if name.ends_with(".sh") || name.ends_with(".bash") {
        return true;
    }
    let Some(rest) = head.strip_prefix(b"#!") else {
        return false;
    };
    let line = rest.split(|&b| b == b'\n').next().unwrap_or(rest);
    let line = String::from_utf8_lossy(line);
    let mut words = line.split_whitespace();
    let base = |w: &str| w.rsplit('/').next().unwrap_or(w).to_string();
    let Some(mut prog) = words.next().map(base) else {
        return false;
    };
    if prog == "env" {
        match words.find(|w| !w.starts_with('-') && !w.contains('=')) {
            Some(w) => prog = base(w),
            None => return false,
        }
    }
    matches!(prog.as_str(), "sh" | "bash" | "dash" | "ksh")
}

/// Whether a command (or one its words hand on, or an exec wrapper runs)
/// can be a callsite: a literal `run`, `build` or `tool` among its words
/// (the verb), or a word that is not literal (a variable that holds `go
/// run`: [`GoSpelling::RunVariable`]). Every other command is passed over
/// before its variables are gathered, which is most of a script's: exact,
/// as [`from_command`] finds neither in it, and what is read from a
/// command is made of its words.
fn may_be_callsite(c: &Command) -> bool {
    c.words.iter().any(|w| match w.literal() {
        Some(t) => matches!(t, "run" | "build" | "tool"),
        None => true,
    })
}

/// `eval word...` with unquoted words runs them as a command.
fn without_eval(c: &Command) -> Cow<'_, Command> {
    match command_index(&c.words) {
        Some(i) if c.words[i].literal() == Some("eval") && i + 1 < c.words.len() => {
            let mut c = c.clone();
            c.words.remove(i);
            Cow::Owned(c)
        }
        _ => Cow::Borrowed(c),
    }
}

/// A value the script gives a word or variable.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Val {
    /// Literal text.
    Text(String),
    /// A location, relative to the base dir.
    Path { rel: String, anchor: Anchor },
    /// The script's own path (`$0`, `${BASH_SOURCE[0]}`): only its directory
    /// is known.
    ScriptFile,
    /// Not known before the script runs.
    Unknown,
}

/// A variable's value at some point of the script.
#[derive(Debug, Clone)]
struct Binding {
    val: Val,
    /// The assigned value as written (quotes removed).
    definition: String,
}

/// A word that is wholly one parameter expansion (`$GO`, `"${GO:-go}"`).
#[derive(Debug, Clone)]
struct VarRef {
    name: String,
    /// Its value there (the `:-` default when it was not assigned).
    val: Val,
    /// As written: the assignment's value, or the default's word; `None`
    /// when the script never assigns it.
    definition: Option<String>,
}

/// How the script resolved a word that holds expansions.
#[derive(Debug, Clone)]
struct WordInfo {
    val: Val,
    var: Option<VarRef>,
}

/// Where a command runs.
#[derive(Debug, Clone, Copy)]
struct Here<'c> {
    cwd: &'c Cwd,
    anchor: Anchor,
}

/// The resolver: the script's variables as read so far, and what was
/// resolved, by source offset.
struct Script<'s> {
    src: &'s str,
    ctx: &'s ScriptContext<'s>,
    vars: HashMap<String, Binding>,
    /// The value of each command substitution, by its start.
    substs: HashMap<usize, Val>,
    /// Words holding expansions, by their start.
    words: HashMap<usize, WordInfo>,
    /// What each command's working directory (its [`Command::cwd`]) was
    /// derived from, by its first word's start.
    dirs: HashMap<usize, Anchor>,
}

/// What a command does to the script's variables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Only assignments: they set shell variables.
    Assign,
    /// `export`, `readonly`, `local`, `declare`, `typeset` at this index.
    Declare(usize),
    /// A command: leading assignments only reach its environment.
    Run(usize),
}

impl Resolver for Script<'_> {
    fn command(
        &mut self,
        words: &mut [Word],
        expansions: &[Vec<Expansion>],
        cwd: &Cwd,
        anchored: bool,
    ) {
        let here = Here {
            cwd,
            anchor: if anchored {
                Anchor::Script
            } else {
                Anchor::Caller
            },
        };
        if let Some(w) = words.first() {
            self.dirs.insert(w.span.start, here.anchor);
        }
        let kind = match command_index(words) {
            None => Kind::Assign,
            Some(i) => match words[i].literal() {
                Some("export" | "readonly" | "local" | "declare" | "typeset") => Kind::Declare(i),
                _ => Kind::Run(i),
            },
        };
        let no_exps = Vec::new();
        for (k, w) in words.iter_mut().enumerate() {
            let exps = expansions.get(k).unwrap_or(&no_exps);
            let eq = w.assignment.then(|| w.text.find('=')).flatten();
            let binds = match kind {
                Kind::Assign => eq.is_some(),
                Kind::Declare(i) => k > i && eq.is_some(),
                Kind::Run(_) => false,
            };
            let from = eq.map_or(0, |e| e + 1);
            if exps.is_empty() {
                if binds {
                    let value = w.text[from..].to_string();
                    self.bind(&w.text[..from - 1], Val::Text(value.clone()), value);
                }
                continue;
            }
            let (val, var) = self.word_value(&w.text, exps, from, eq.is_none(), &here);
            if binds {
                let definition = w.text[from..].to_string();
                self.bind(&w.text[..from - 1], val.clone(), definition);
            }
            if let Some(text) = render(&val, cwd) {
                w.text = format!("{}{text}", &w.text[..from]);
                w.shell_expansion = false;
            }
            self.words.insert(w.span.start, WordInfo { val, var });
        }
        self.side_effects(words, kind);
    }

    fn substitution(&mut self, span: Span, commands: &[&Command]) {
        let val = self.output(commands);
        self.substs.insert(span.start, val);
    }

    fn chdir(&mut self, arg: &Word, _cwd: &Cwd) -> Option<(Cwd, bool)> {
        match &self.words.get(&arg.span.start)?.val {
            Val::Path { rel, anchor } => Some((Cwd::Known(rel.clone()), *anchor == Anchor::Script)),
            _ => None,
        }
    }
}

impl Script<'_> {
    fn bind(&mut self, name: &str, val: Val, definition: String) {
        self.vars
            .insert(name.to_string(), Binding { val, definition });
    }

    /// Variables a command sets other than by assignment words.
    fn side_effects(&mut self, words: &[Word], kind: Kind) {
        let names = |from: usize| -> Vec<String> {
            words
                .iter()
                .skip(from)
                .filter_map(|w| w.literal())
                .filter(|t| is_name(t))
                .map(str::to_string)
                .collect()
        };
        let dynamic = |s: &mut Self, names: Vec<String>| {
            for n in names {
                s.bind(&n, Val::Unknown, String::new());
            }
        };
        match kind {
            Kind::Assign => {}
            Kind::Declare(i) => {
                // `local x` without a value: empty, or whatever it was.
                if words[i].literal() != Some("export") && words[i].literal() != Some("readonly") {
                    dynamic(self, names(i + 1));
                }
            }
            Kind::Run(i) => match words[i].literal() {
                Some("for" | "select") => dynamic(self, names(i + 1).into_iter().take(1).collect()),
                Some("read" | "mapfile" | "readarray") => dynamic(self, names(i + 1)),
                Some("getopts") => dynamic(self, names(i + 2).into_iter().take(1).collect()),
                Some("printf") if words.get(i + 1).and_then(|w| w.literal()) == Some("-v") => {
                    dynamic(self, names(i + 2).into_iter().take(1).collect())
                }
                Some("unset") => {
                    for n in names(i + 1) {
                        self.vars.remove(&n);
                    }
                }
                _ => {}
            },
        }
    }

    /// The value of `text[from..]`, whose expansions are `exps`. `split`:
    /// the word is subject to field splitting (not an assignment's value),
    /// so an unquoted expansion whose value holds blanks is not one word.
    fn word_value(
        &self,
        text: &str,
        exps: &[Expansion],
        from: usize,
        split: bool,
        here: &Here<'_>,
    ) -> (Val, Option<VarRef>) {
        let whole = matches!(exps, [e] if e.at.start == from && e.at.end == text.len());
        let mut acc = Val::Text(String::new());
        let mut pos = from;
        let mut var = None;
        for e in exps.iter().filter(|e| e.at.start >= from) {
            acc = concat(acc, Val::Text(text[pos..e.at.start].to_string()));
            let (mut v, r) = self.expansion(e, here);
            if split && !e.quoted && matches!(&v, Val::Text(t) if t.contains(char::is_whitespace)) {
                v = Val::Unknown;
            }
            if whole {
                var = r;
            }
            acc = concat(acc, v);
            pos = e.at.end;
        }
        acc = concat(acc, Val::Text(text[pos..].to_string()));
        (acc, var)
    }

    fn expansion(&self, e: &Expansion, here: &Here<'_>) -> (Val, Option<VarRef>) {
        let raw = &self.src[e.span.clone()];
        if raw.starts_with('`') || (raw.starts_with("$(") && !raw.starts_with("$((")) {
            let v = self.substs.get(&e.span.start).cloned();
            return (v.unwrap_or(Val::Unknown), None);
        }
        if let Some(inner) = raw.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
            return self.braced(inner, here);
        }
        if let Some(inner) = raw.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
            return (self.array(inner, here), None);
        }
        match raw.strip_prefix('$') {
            Some(name) => self.param(name, here),
            None => (Val::Unknown, None),
        }
    }

    /// `$name` (or `${name}`).
    fn param(&self, name: &str, here: &Here<'_>) -> (Val, Option<VarRef>) {
        if let Some(b) = self.vars.get(name) {
            let var = VarRef {
                name: name.to_string(),
                val: b.val.clone(),
                definition: Some(b.definition.clone()),
            };
            return (b.val.clone(), Some(var));
        }
        match name {
            "0" | "BASH_SOURCE" => (Val::ScriptFile, None),
            "PWD" => match &here.cwd {
                Cwd::Known(c) => (
                    Val::Path {
                        rel: c.clone(),
                        anchor: here.anchor,
                    },
                    None,
                ),
                Cwd::Unknown(_) => (Val::Unknown, None),
            },
            n if is_name(n) => {
                let var = VarRef {
                    name: n.to_string(),
                    val: Val::Unknown,
                    definition: None,
                };
                (Val::Unknown, Some(var))
            }
            _ => (Val::Unknown, None),
        }
    }

    /// Whether a parameter has a value the script gave it (or the shell
    /// gives it) at this point.
    fn is_set(&self, name: &str) -> bool {
        self.vars.contains_key(name) || matches!(name, "0" | "BASH_SOURCE" | "PWD")
    }

    /// The inside of `${...}`: a name, `BASH_SOURCE[0]`, and the operators
    /// `:-`, `-`, `:=`, `=`, `:+`, `+` and `%/*`.
    fn braced(&self, inner: &str, here: &Here<'_>) -> (Val, Option<VarRef>) {
        let len = if inner.starts_with(|c: char| c.is_ascii_digit()) {
            inner.bytes().take_while(u8::is_ascii_digit).count()
        } else {
            inner
                .bytes()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_')
                .count()
        };
        if len == 0 {
            return (Val::Unknown, None); // `${#x}`, `${!x}`, `${@}`
        }
        let (name, mut rest) = inner.split_at(len);
        let (val, var) = if let Some(r) = rest.strip_prefix('[') {
            if name == "BASH_SOURCE" && r.starts_with("0]") {
                rest = &r[2..];
                (Val::ScriptFile, None)
            } else if let Some(r) = ["@]", "*]", "0]"].iter().find_map(|i| r.strip_prefix(i)) {
                // An array holds its one element as a scalar ([`Script::array`]);
                // a longer one is unknown, whatever the index.
                rest = r;
                self.param(name, here)
            } else {
                return (Val::Unknown, None);
            }
        } else {
            self.param(name, here)
        };
        if rest.is_empty() {
            return (val, var);
        }
        for op in [":-", ":=", "-", "="] {
            let Some(word) = rest.strip_prefix(op) else {
                continue;
            };
            let empty = matches!(&val, Val::Text(t) if t.is_empty());
            if !self.is_set(name) || (op.starts_with(':') && empty) {
                let d = self.default_word(word, here);
                let var = VarRef {
                    name: name.to_string(),
                    val: d.clone(),
                    definition: Some(word.to_string()),
                };
                return (d, Some(var));
            }
            return (val, var);
        }
        for op in [":+", "+"] {
            let Some(word) = rest.strip_prefix(op) else {
                continue;
            };
            return match &val {
                _ if !self.is_set(name) => (Val::Text(String::new()), None),
                Val::Text(t) if t.is_empty() && op == ":+" => (Val::Text(String::new()), None),
                Val::Unknown => (Val::Unknown, None),
                _ => (self.default_word(word, here), None),
            };
        }
        if rest == "%/*" {
            return (dirname(val, &self.ctx.script_dir), None);
        }
        (Val::Unknown, None)
    }

    /// The value of an array assignment `(...)` (`inner`: between the
    /// parentheses): its one element, as a scalar holds it, so that `$a`,
    /// `"${a[@]}"` and `"${a[0]}"` resolve like a plain variable
    /// (`models_schema=( "${module_name}/cmd/models-schema" )`). Two
    /// elements or more, or an element that is not plain text and
    /// parameters, are unknown.
    fn array(&self, inner: &str, here: &Here<'_>) -> Val {
        let elements = array_elements(inner);
        let [element] = elements.as_slice() else {
            return Val::Unknown;
        };
        let text = element
            .strip_prefix('"')
            .and_then(|e| e.strip_suffix('"'))
            .unwrap_or(element);
        if let Some(t) = element
            .strip_prefix('\'')
            .and_then(|e| e.strip_suffix('\''))
        {
            return Val::Text(t.to_string());
        }
        if text.contains(['"', '\'', '`', '\\', '*', '?', '[']) || text.contains("$(") {
            return Val::Unknown;
        }
        // Literal text and `$name` / `${...}` parameters, in order.
        let mut acc = Val::Text(String::new());
        let mut rest = text;
        while let Some(at) = rest.find('$') {
            acc = concat(acc, Val::Text(rest[..at].to_string()));
            let after = &rest[at + 1..];
            let (v, used) = if let Some(b) = after.strip_prefix('{') {
                let Some(end) = b.find('}') else {
                    return Val::Unknown;
                };
                (self.braced(&b[..end], here).0, end + 2)
            } else {
                let len = after
                    .bytes()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_')
                    .count();
                if len == 0 {
                    return Val::Unknown;
                }
                (self.param(&after[..len], here).0, len)
            };
            acc = concat(acc, v);
            rest = &after[used..];
        }
        concat(acc, Val::Text(rest.to_string()))
    }

    /// The word of `${x:-word}`: quotes removed; one parameter at most.
    fn default_word(&self, word: &str, here: &Here<'_>) -> Val {
        let w = word
            .strip_prefix('"')
            .and_then(|w| w.strip_suffix('"'))
            .or_else(|| word.strip_prefix('\'').and_then(|w| w.strip_suffix('\'')))
            .unwrap_or(word);
        if let Some(inner) = w.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
            return self.braced(inner, here).0;
        }
        if let Some(name) = w.strip_prefix('$') {
            if is_name(name) || name == "0" {
                return self.param(name, here).0;
            }
        }
        if w.contains(['$', '`', '"', '\'', '\\']) {
            return Val::Unknown;
        }
        Val::Text(w.to_string())
    }

    /// What a command substitution prints, for the commands whose output is
    /// known: `pwd`, `dirname`, `realpath`, `readlink -f`, `echo`, `git
    /// rev-parse --show-toplevel`, `command -v go`; `cd`, `pushd` and `popd`
    /// before them print nothing that matters.
    fn output(&self, commands: &[&Command]) -> Val {
        let printing: Vec<&Command> = commands
            .iter()
            .copied()
            .filter(|c| {
                let name = command_index(&c.words).and_then(|i| c.words[i].literal());
                !matches!(name, Some("cd" | "pushd" | "popd" | "set" | "shopt"))
            })
            .collect();
        let [c] = printing[..] else {
            return Val::Unknown;
        };
        let lits: Vec<Option<&str>> = c.words.iter().map(Word::literal).collect();
        match lits.as_slice() {
            [Some("command"), Some("-v"), Some(g)]
            | [Some("which"), Some(g)]
            | [Some("type"), Some("-P" | "-p"), Some(g)] => return Val::Text(g.to_string()),
            [Some("git"), Some("rev-parse"), Some("--show-toplevel")] => {
                return Val::Path {
                    rel: join_rel("", &self.ctx.repo_root),
                    anchor: Anchor::Script,
                }
            }
            _ => {}
        }
        let Some(i) = command_index(&c.words) else {
            return Val::Unknown;
        };
        let here = Here {
            cwd: &c.cwd,
            anchor: c
                .words
                .first()
                .and_then(|w| self.dirs.get(&w.span.start))
                .copied()
                .unwrap_or(Anchor::Caller),
        };
        let opts: Vec<&str> = c.words[i + 1..]
            .iter()
            .filter_map(Word::literal)
            .filter(|t| t.starts_with('-') && *t != "--")
            .collect();
        let args: Vec<&Word> = c.words[i + 1..]
            .iter()
            .filter(|w| !(w.literal().is_some_and(|t| t.starts_with('-'))))
            .collect();
        let arg = match args[..] {
            [a] => self.value_of(a),
            _ => Val::Unknown,
        };
        match c.words[i].literal() {
            Some("pwd") if args.is_empty() => match &here.cwd {
                Cwd::Known(rel) => Val::Path {
                    rel: rel.clone(),
                    anchor: here.anchor,
                },
                Cwd::Unknown(_) => Val::Unknown,
            },
            Some("dirname") => dirname(arg, &self.ctx.script_dir),
            Some("realpath") => real(arg, &here),
            Some("readlink") if opts.iter().any(|o| matches!(*o, "-f" | "-e" | "-m")) => {
                real(arg, &here)
            }
            Some("echo") if opts.is_empty() => arg,
            _ => Val::Unknown,
        }
    }

    /// A word's value: as resolved, or its literal text.
    fn value_of(&self, w: &Word) -> Val {
        match self.words.get(&w.span.start) {
            Some(info) => info.val.clone(),
            None => w
                .literal()
                .map_or(Val::Unknown, |t| Val::Text(t.to_string())),
        }
    }

    /// The variables a callsite's command refers to by whole words, with
    /// the values they had there (for the go word and flag variables).
    fn env_for(&self, c: &Command) -> VarEnv {
        let mut env =
            VarEnv::for_shell(self.ctx.go_commands).with_exec_wrappers(self.ctx.exec_wrappers);
        for w in &c.words {
            let Some(var) = self.words.get(&w.span.start).and_then(|i| i.var.as_ref()) else {
                continue;
            };
            if let Some(value) = render(&var.val, &c.cwd) {
                env.define(&var.name, &value, false);
            }
        }
        env
    }
}

/// Two values side by side in one word.
/// The elements of an array assignment's inside, split at blanks outside
/// quotes (quotes kept).
fn array_elements(inner: &str) -> Vec<&str> {
    let b = inner.as_bytes();
    let mut out = Vec::new();
    let mut start = None;
    let mut quote = None;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) if c == q => quote = None,
            Some(b'"') if c == b'\\' => i += 1,
            Some(_) => {}
            None if c.is_ascii_whitespace() => {
                if let Some(s) = start.take() {
                    out.push(&inner[s..i]);
                }
            }
            None => {
                start.get_or_insert(i);
                match c {
                    b'"' | b'\'' => quote = Some(c),
                    b'\\' => i += 1,
                    _ => {}
                }
            }
        }
        i += 1;
    }
    if let Some(s) = start {
        out.push(&inner[s..inner.len().min(b.len())]);
    }
    out
}

fn concat(a: Val, b: Val) -> Val {
    match (a, b) {
        (Val::Unknown, _) | (_, Val::Unknown) => Val::Unknown,
        (Val::Text(a), Val::Text(b)) => Val::Text(a + &b),
        (Val::Text(a), v) if a.is_empty() => v,
        (v, Val::Text(b)) if b.is_empty() => v,
        (Val::Path { rel, anchor }, Val::Text(b)) if b.starts_with('/') => Val::Path {
            rel: join_rel(&rel, &b),
            anchor,
        },
        _ => Val::Unknown,
    }
}

/// `dirname` of a value; the script is in `script_dir`.
fn dirname(v: Val, script_dir: &str) -> Val {
    match v {
        Val::ScriptFile => Val::Path {
            rel: join_rel("", script_dir),
            anchor: Anchor::Script,
        },
        Val::Path { rel, anchor } => Val::Path {
            rel: join_rel(&rel, ".."),
            anchor,
        },
        Val::Text(t) => {
            let t = t.trim_end_matches('/');
            Val::Text(match t.rsplit_once('/') {
                Some(("", _)) => "/".into(),
                Some((d, _)) => d.into(),
                None => ".".into(),
            })
        }
        Val::Unknown => Val::Unknown,
    }
}

/// `realpath` of a value, from the command's working directory.
fn real(v: Val, here: &Here<'_>) -> Val {
    match (v, &here.cwd) {
        (v @ (Val::ScriptFile | Val::Path { .. }), _) => v,
        (Val::Text(t), Cwd::Known(c)) if !t.starts_with('/') && !t.starts_with('~') => Val::Path {
            rel: join_rel(c, &t),
            anchor: here.anchor,
        },
        _ => Val::Unknown,
    }
}

/// A value as the text of a word run in `cwd`: a location becomes a path
/// relative to `cwd` (`./x`, `../x`, `.`).
fn render(v: &Val, cwd: &Cwd) -> Option<String> {
    match (v, cwd) {
        (Val::Text(t), _) => Some(t.clone()),
        (Val::Path { rel, .. }, Cwd::Known(c)) => relative_to(c, rel),
        _ => None,
    }
}

/// `target` (relative to the base dir) as a path from `from` (also relative
/// to the base dir); `None` when `from` reaches above a directory the
/// target's path does not name.
fn relative_to(from: &str, target: &str) -> Option<String> {
    let f: Vec<&str> = from.split('/').filter(|p| !p.is_empty()).collect();
    let t: Vec<&str> = target.split('/').filter(|p| !p.is_empty()).collect();
    let common = f.iter().zip(&t).take_while(|(a, b)| a == b).count();
    if f[common..].contains(&"..") {
        return None;
    }
    let mut parts: Vec<&str> = vec![".."; f.len() - common];
    parts.extend(&t[common..]);
    let path = parts.join("/");
    Some(match path.as_str() {
        "" => ".".into(),
        p if p.starts_with("..") => path,
        _ => format!("./{path}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::callsite::Verb;

    fn ctx(go: &[String]) -> ScriptContext<'_> {
        ScriptContext {
            script_dir: "scripts/gen".into(),
            repo_root: String::new(),
            caller_dir: String::new(),
            go_commands: go,
            exec_wrappers: &[],
        }
    }

    /// (verb, target text, cwd) of each callsite.
    fn found(src: &str) -> Vec<(Verb, String, String)> {
        let go = ["go".to_string()];
        callsites(src, &ctx(&go))
            .into_iter()
            .map(|s| {
                let c = s.callsite;
                let cwd = match c.cwd {
                    Cwd::Known(p) => p,
                    Cwd::Unknown(_) => "?".into(),
                };
                (c.verb, c.target.text(), cwd)
            })
            .collect()
    }

    fn runs(src: &str) -> Vec<(String, String)> {
        found(src)
            .into_iter()
            .filter(|(v, _, _)| *v == Verb::Run)
            .map(|(_, t, c)| (t, c))
            .collect()
    }

    fn one(t: &str, c: &str) -> Vec<(String, String)> {
        vec![(t.to_string(), c.to_string())]
    }

    #[test]
    fn shebangs_and_names() {
        assert!(is_script("gen.sh", b""));
        assert!(is_script("gen.bash", b"#!/usr/bin/env zsh"));
        assert!(is_script("gen", b"#!/usr/bin/env bash\nset -e\n"));
        assert!(is_script("gen", b"#!/bin/sh -e\n"));
        assert!(is_script("gen", b"#! /bin/bash\r\n"));
        assert!(is_script("gen", b"#!/usr/bin/env -S bash -eu\n"));
        assert!(is_script("gen", b"#!/bin/dash\n"));
        assert!(is_script("gen", b"#!/bin/ksh\n"));
        assert!(!is_script("gen", b"#!/usr/bin/env python3\n"));
        assert!(!is_script("gen", b"#!/usr/bin/env zsh\n"));
        assert!(!is_script("gen", b"#!/usr/bin/env\n"));
        assert!(!is_script("gen.py", b"go run ./x\n"));
        assert!(!is_script("Makefile", b"all:\n\tgo run ./x\n"));
    }

    #[test]
    fn go_through_variables() {
        let go = ["go".to_string()];
        let src = "go=\"./tool/go\"\n$go run ./cmd/a\n";
        let cs = &callsites(src, &ctx(&go))[0].callsite;
        assert_eq!(cs.go.text, "./tool/go");
        assert_eq!(&src[cs.go.span.clone()], "$go");
        assert!(cs.go.literal().is_some());
        assert_eq!(
            cs.spelling,
            GoSpelling::Variable {
                name: "go".into(),
                definition: "./tool/go".into()
            }
        );
        assert_eq!(cs.target.text(), "./cmd/a");

        let src = "GO=go\n\"$GO\" run ./cmd/b\n${GOCMD:-go} run ./cmd/c\n\"$GOTOOL\" run ./cmd/d\n";
        let all = callsites(src, &ctx(&go));
        let spellings: Vec<&GoSpelling> = all.iter().map(|s| &s.callsite.spelling).collect();
        assert_eq!(
            spellings,
            [
                &GoSpelling::Variable {
                    name: "GO".into(),
                    definition: "go".into()
                },
                &GoSpelling::Variable {
                    name: "GOCMD".into(),
                    definition: "go".into()
                },
                &GoSpelling::Assumed {
                    name: "GOTOOL".into()
                },
            ]
        );
        assert_eq!(&src[all[1].callsite.go.span.clone()], "${GOCMD:-go}");

        let src = "export GO=go\nreadonly GO_RUN=\"$GO run\"\n$GO_RUN ./cmd/e\n";
        let all = callsites(src, &ctx(&go));
        assert_eq!(all.len(), 1);
        assert_eq!(
            all[0].callsite.spelling,
            GoSpelling::RunVariable {
                name: "GO_RUN".into(),
                definition: "$GO run".into()
            }
        );
        assert_eq!(all[0].callsite.target.text(), "./cmd/e");
        // Not go: another tool through a variable, an unknown variable.
        assert!(found("GOLANGCI=golangci-lint\n$GOLANGCI run ./...\n$TOOL run ./x\n").is_empty());
    }

    #[test]
    fn eval_backticks_and_substitutions() {
        let src =
            "go=./tool/go\neval `CGO_ENABLED=0 GOOS=$($go env GOHOSTOS) $go run ./cmd/mkversion`\n";
        let go = ["go".to_string()];
        let all = callsites(src, &ctx(&go));
        assert_eq!(all.len(), 1);
        let cs = &all[0].callsite;
        assert_eq!(cs.target.text(), "./cmd/mkversion");
        assert_eq!(cs.env.len(), 2);
        assert_eq!(&src[cs.span.clone()], "$go run ./cmd/mkversion");
        assert_eq!(&src[cs.line_span.clone()], &src[13..src.len() - 1]);

        assert_eq!(
            runs("models_schema=./cmd/models-schema\ngen --openapi-schema <(go run \"$models_schema\") > api.go\n"),
            one("./cmd/models-schema", "")
        );
        assert_eq!(runs("eval $GO run ./cmd/x\n"), one("./cmd/x", ""));
    }

    #[test]
    fn keywords_redirections_and_dynamic_packages() {
        assert_eq!(
            runs("TOOL_SRC=./tools/allowlist\nif ! go run \"${TOOL_SRC}\" -allow-list=a.txt; then\n  exit 1\nfi\n"),
            one("./tools/allowlist", "")
        );
        let src = "for s in memory badger; do\n  for bin in query collector; do\n    SPAN_STORAGE_TYPE=$s go run \"./cmd/$bin\" help > out\n  done\ndone\n";
        let go = ["go".to_string()];
        let all = callsites(src, &ctx(&go));
        assert_eq!(all.len(), 1);
        let cs = &all[0].callsite;
        assert_eq!(cs.target.text(), "./cmd/$bin");
        assert!(cs.target.words()[0].shell_expansion);
        assert_eq!(cs.args.len(), 1);
        // A variable assigned before the loop is the loop's from there on.
        assert_eq!(
            runs("bin=query\nfor bin in a b; do :; done\ngo run ./cmd/$bin\n"),
            one("./cmd/$bin", "")
        );
        assert_eq!(runs("go run \"$1\"\n"), one("$1", ""));
        assert_eq!(runs("read -r pkg\ngo run \"$pkg\"\n"), one("$pkg", ""));
        assert_eq!(
            runs("pkg=$(ls cmd | head -1)\ngo run \"./cmd/$pkg\"\n"),
            one("./cmd/$pkg", "")
        );
    }

    #[test]
    fn script_location_idioms() {
        // The script is scripts/gen/x.sh, run from the base dir.
        let cases = [
            ("go run \"$(dirname \"$0\")/worker/worker.go\"", "./scripts/gen/worker/worker.go"),
            ("SCRIPT_DIR=$(cd \"$(dirname \"$0\")\" && pwd)\nx=$(go run \"$SCRIPT_DIR\"/main.go <<< \"$dep\")", "./scripts/gen/main.go"),
            ("SCRIPT_DIR=\"$(dirname \"${BASH_SOURCE[0]}\")\"\ngo run \"$SCRIPT_DIR/../tools\"", "./scripts/tools"),
            ("SCRIPT_DIR=$(cd \"$(dirname \"${BASH_SOURCE[0]}\")\" &> /dev/null && pwd)\nROOT=$(cd \"$SCRIPT_DIR/../..\" && pwd)\ngo run \"$ROOT/cmd/query\"", "./cmd/query"),
            ("REPO_ROOT=$(git rev-parse --show-toplevel)\ngo run \"${REPO_ROOT}\"/cmd/query", "./cmd/query"),
            ("here=\"${BASH_SOURCE%/*}\"\ngo run \"$here\"", "./scripts/gen"),
            ("d=$(dirname \"$(realpath \"$0\")\")\ngo run \"$d/sub\"", "./scripts/gen/sub"),
        ];
        let go = ["go".to_string()];
        for (src, want) in cases {
            let all = callsites(src, &ctx(&go));
            assert_eq!(all.len(), 1, "{src}");
            let s = &all[0];
            assert_eq!(s.callsite.target.text(), want, "{src}");
            assert_eq!(s.callsite.cwd, Cwd::Known(String::new()), "{src}");
            assert_eq!(s.target_anchor, Anchor::Script, "{src}");
            assert_eq!(s.cwd_anchor, Anchor::Caller, "{src}");
            assert!(!s.assumes_caller_dir());
            let w = &s.callsite.target.words()[0];
            assert!(w.literal().is_some(), "{src}");
            assert!(src[w.span.clone()].contains('$'), "{src}");
        }
    }

    #[test]
    fn working_directories() {
        let go = ["go".to_string()];
        let ctx = ScriptContext {
            script_dir: "scripts".into(),
            repo_root: "..".into(),
            caller_dir: "app".into(),
            go_commands: &go,
            exec_wrappers: &[],
        };
        let run = |src: &str| -> Vec<(String, String, Anchor)> {
            callsites(src, &ctx)
                .into_iter()
                .map(|s| {
                    let cwd = match &s.callsite.cwd {
                        Cwd::Known(p) => p.clone(),
                        Cwd::Unknown(_) => "?".into(),
                    };
                    (s.callsite.target.text(), cwd, s.cwd_anchor)
                })
                .collect()
        };
        let t = |a: &str, b: &str, c: Anchor| (a.to_string(), b.to_string(), c);
        assert_eq!(
            run("go run ./gen\ncd \"$(dirname \"$0\")\"\ngo run ./gen\ncd ..\ngo run ./gen\n"),
            [
                t("./gen", "app", Anchor::Caller),
                t("./gen", "scripts", Anchor::Script),
                t("./gen", "", Anchor::Script),
            ]
        );
        assert_eq!(
            run("pushd ./tools/x > /dev/null\ngo run main.go -v\npopd >/dev/null\ngo run .\n"),
            [
                t("main.go", "app/tools/x", Anchor::Caller),
                t(".", "app", Anchor::Caller),
            ]
        );
        assert_eq!(
            run("ROOT=$(git rev-parse --show-toplevel)\ncd \"$ROOT\" || exit\ngo run ./cmd/a\n(cd sub && go run .)\ngo run ./cmd/b\n"),
            [
                t("./cmd/a", "..", Anchor::Script),
                t(".", "../sub", Anchor::Script),
                t("./cmd/b", "..", Anchor::Script),
            ]
        );
        // A location used after a `cd` is written from the new directory.
        assert_eq!(
            run("D=$(dirname \"$0\")\ncd tools\ngo run \"$D/gen\"\n"),
            [t("../../scripts/gen", "app/tools", Anchor::Caller)]
        );
        // `cd` somewhere unknown, then back to the script's directory.
        assert_eq!(
            run("cd \"$1\"\ngo run ./x\ncd \"$(dirname \"$0\")\" && go run ./y\n"),
            [
                t("./x", "?", Anchor::Caller),
                t("./y", "scripts", Anchor::Script)
            ]
        );
        // A location cannot be written from an unknown directory: dynamic.
        let all = callsites("cd \"$1\"\ngo run \"$(dirname \"$0\")/x\"\n", &ctx);
        assert!(all[0].callsite.target.words()[0].shell_expansion);
        assert_eq!(
            run("cd -P -- \"$(dirname -- \"$0\")\"\ngo run ./z\n"),
            [t("./z", "scripts", Anchor::Script)]
        );
    }

    #[test]
    fn functions_locals_and_case() {
        let src = "\
run() {
  echo \"+ $*\"
  \"$@\"
}
build() {
  local pkg=./cmd/query
  go run \"$pkg\" \"$@\"
}
function gen {
  go run ./cmd/gen
}
case \"$1\" in
  go\\ run|run) go run ./cmd/a ;;
  (build) build ;;
  *) run go test -run TestX ./... ;;
esac
[[ -n \"$CI\" && $x == y ]] && go run ./cmd/ci
";
        assert_eq!(
            found(src),
            [
                (Verb::Run, "./cmd/query".into(), String::new()),
                (Verb::Run, "./cmd/gen".into(), String::new()),
                (Verb::Run, "./cmd/a".into(), String::new()),
                (Verb::Run, "./cmd/ci".into(), String::new()),
            ]
        );
        // A case pattern inside a substitution does not close it.
        assert_eq!(
            runs("x=$(case $y in a) echo a ;; esac) && go run ./cmd/b\n"),
            one("./cmd/b", "")
        );
        assert_eq!(
            runs("echo $((1 + 2)); go run ./cmd/c\n"),
            one("./cmd/c", "")
        );
    }

    #[test]
    fn negatives() {
        let src = "\
#!/bin/sh
# go run ./cmd/a
echo \"go run ./cmd/a\"
echo 'go run ./cmd/a'
printf 'go run %s\\n' ./cmd/a
cat <<EOF
go run ./cmd/a
EOF
cat <<-'EOT'
\tgo run ./cmd/a
\tEOT
go test -run TestGoRun ./...
go help run
grep -q 'go run' Makefile
docker run --rm alpine
arr=(go run ./cmd/a)
[[ \"$x\" == \"go run\" ]]
";
        assert!(found(src).is_empty(), "{:?}", found(src));
        // go build and go tool are callsites of their own verbs.
        assert_eq!(
            found("go build -o bin/a ./cmd/a\ngo tool stringer -type=T\n"),
            [
                (Verb::Build, "./cmd/a".into(), String::new()),
                (Verb::Tool, "stringer".into(), String::new()),
            ]
        );
    }

    #[test]
    fn continuations_keep_spans() {
        let src = "go run ./cmd/mkversion \\\n    -sep \"\\\\\" \\\n    -pattern 'a\\b' \\\n    -out version.txt\necho done\n";
        let go = ["go".to_string()];
        let all = callsites(src, &ctx(&go));
        assert_eq!(all.len(), 1);
        let cs = &all[0].callsite;
        let args: Vec<&str> = cs.args.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(
            args,
            ["-sep", "\\", "-pattern", "a\\b", "-out", "version.txt"]
        );
        assert_eq!(&src[cs.args[1].span.clone()], "\"\\\\\"");
        assert_eq!(
            &src[cs.line_span.clone()],
            &src[..src.find("\necho").unwrap()]
        );
    }

    #[test]
    fn relative_paths() {
        assert_eq!(relative_to("", "scripts/x").as_deref(), Some("./scripts/x"));
        assert_eq!(relative_to("a/b", "a").as_deref(), Some(".."));
        assert_eq!(relative_to("a", "a").as_deref(), Some("."));
        assert_eq!(relative_to("..", "../x").as_deref(), Some("./x"));
        assert_eq!(relative_to("..", "x"), None);
        assert_eq!(relative_to("a", "../x").as_deref(), Some("../../x"));
    }
}
