//! The callsite model: one `go run` invocation, read once from the shell
//! text, with everything later stages need (which word is the go command, its
//! flags, package, arguments, working directory, owning rule and spans).
//! Classification, rules, the fix planner and every renderer read this type;
//! none of them looks at shell text again.

use std::borrow::Cow;

use crate::syntax::parse::{AssignOp, MakeDoc};
use crate::syntax::shell::{self, command_index, Command, Cwd, Dialect, Word};
use crate::syntax::source::Span;
use crate::syntax::vars::{GoSpelling, VarEnv};

/// Where the shell text that holds the callsite comes from, which decides
/// when it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A recipe line, run when its rule's target is made.
    Recipe {
        /// Index into [`MakeDoc::rules`]; `None` for a recipe line make would
        /// reject (before any rule).
        rule: Option<usize>,
        /// Index into [`MakeDoc::recipe_lines`].
        line: usize,
        /// Inside a `$(shell ...)` expanded with the recipe.
        in_make_shell: bool,
    },
    /// Expanded when the Makefile is read: `:=` and `!=` assignments,
    /// target-specific `:=` variables, top-level `$(shell)`/`$(eval)`, rule
    /// lines. Runs on every `make` invocation, even `make clean`.
    ReadTime { context: String },
    /// `NAME = $(shell go run ...)`: runs wherever `$(NAME)` is expanded.
    Deferred { variable: String },
    /// A `define` body (a canned recipe or an `$(eval)` template).
    Define { name: String },
    /// A line of a shell script (`*.sh`, `*.bash`, a `sh`/`bash` shebang).
    Script,
    /// A `//go:generate` directive in a `.go` file, run by `go generate` in
    /// the file's package directory.
    Generate,
    /// An `exec.Command("go", "run", ...)` (or `CommandContext`) call in a
    /// `.go` file's code, run when the program or test runs, in the
    /// process's working directory (taken as the file's package directory).
    GoCode,
    /// A `run:` step of a CI workflow (`.github/workflows/*.yml`).
    Workflow {
        /// The job id. (Boxed strings, here and below: every callsite
        /// holds an origin, and this variant sets its size.)
        job: Box<str>,
        /// The step's `name:` or `id:`, else its 1-based index in the job.
        step: Box<str>,
        /// The step's `shell:` (`bash` when not set).
        shell: Box<str>,
        /// The step's script can be rewritten in the file
        /// ([`crate::syntax::sources::workflow::RunStep::rewritable`]).
        rewritable: bool,
    },
    /// A process line of a `Procfile` (`name: command`), run by a process
    /// manager (goreman, foreman, overmind, Heroku) in the Procfile's
    /// directory each time the process starts.
    Procfile {
        /// The process name, before the `:`.
        process: String,
    },
}

/// A flag of `go run` with its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoFlag {
    /// Without leading dashes: `tags`, `C`, `ldflags`.
    pub name: String,
    pub value: Option<String>,
    /// The words of the flag (one or two).
    pub span: Span,
    /// The flag words as written, for rebuilding the command.
    pub text: String,
}

/// What `go run` is asked to build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunTarget {
    /// One package (path, import path, pattern, or a variable).
    Package(Word),
    /// A run of `*.go` files.
    Files(Vec<Word>),
    /// Nothing after the flags.
    Missing,
}

impl RunTarget {
    pub fn words(&self) -> &[Word] {
        match self {
            RunTarget::Package(w) => std::slice::from_ref(w),
            RunTarget::Files(ws) => ws,
            RunTarget::Missing => &[],
        }
    }

    /// The package or file list as written (quotes removed).
    pub fn text(&self) -> String {
        self.words()
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The go subcommand of a callsite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    /// `go run`: what gorun-lint reports.
    Run,
    /// `go build`: read by the guard rules (helper targets).
    Build,
    /// `go tool X`: since Go 1.24 it caches its executables in GOCACHE as
    /// `go run` does. Its `target` is the tool name. The toolchain's
    /// prebuilt tools ([`is_prebuilt_tool`]) make no callsite.
    Tool,
}

/// The tools every Go toolchain since 1.24 ships prebuilt in `GOTOOLDIR`
/// (`go tool cover`, `go tool vet`, ...): `go tool` runs the binary there
/// and caches nothing. (Go 1.25 stopped shipping the others, such as
/// `pprof`, `trace` and `nm`: `go tool` builds and caches them on demand as
/// it does module tools, so those stay callsites.)
pub const PREBUILT_TOOLS: &[&str] = &[
    "asm",
    "cgo",
    "compile",
    "cover",
    "fix",
    "link",
    "preprofile",
    "vet",
];

/// Whether `go tool NAME` runs a prebuilt toolchain binary.
pub fn is_prebuilt_tool(name: &str) -> bool {
    PREBUILT_TOOLS.contains(&name)
}

/// Toolchain tools that Go 1.24 shipped prebuilt and that `go tool` builds
/// on demand (and caches in GOCACHE) since Go 1.25 (`go tool -n pprof` with
/// Go 1.26 prints a path in GOCACHE).
pub const ON_DEMAND_TOOLS: &[&str] = &[
    "addr2line",
    "buildid",
    "covdata",
    "nm",
    "objdump",
    "pack",
    "pprof",
    "test2json",
    "trace",
];

/// A variable in command position before the go command that holds env
/// assignments or a prefix command ([`VarEnv::prefix_reference`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrefixVar {
    pub word: Word,
    /// Its definition was read (else it is taken as such because a go
    /// command follows it).
    pub seen: bool,
}

/// One `go run` (or `go build`) callsite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callsite {
    pub verb: Verb,
    pub origin: Origin,
    /// The word that names the go command (`go`, `$(GO)`, `./tool/go`), or the
    /// variable holding `go run` itself (`$(GO_RUN)`).
    pub go: Word,
    pub spelling: GoSpelling,
    /// The `run` word (absent when the variable holds `go run`).
    pub run: Option<Word>,
    /// Env assignments before the command (`CI=true`, also after `env`).
    pub env: Vec<Word>,
    /// Words between the start of the command and the go word (env
    /// assignments, `env -u X --`, keywords), as a span.
    pub prefix: Span,
    /// Variables before the go command that hold env assignments or a
    /// prefix command (`$(GO_ENV) go run`), skipped to find it.
    pub prefix_vars: Vec<PrefixVar>,
    /// Options given to `env` before the go command (`-u GOOS`, `-i`, `-C
    /// dir`): the build runs in another environment or directory
    /// ([`Callsite::env_build_options`]). `env -C dir` is applied to `cwd`.
    pub env_options: Vec<Word>,
    pub flags: Vec<GoFlag>,
    pub target: RunTarget,
    /// Program arguments, redirections excluded.
    pub args: Vec<Word>,
    /// Working directory relative to the file's base directory, after `cd`,
    /// `pushd` (and `.ONESHELL` lines); `-C` is applied by [`Callsite::dir`].
    pub cwd: Cwd,
    /// From the go word to the end of the package or file list: the text a
    /// fix replaces with the binary's path.
    pub span: Span,
    /// The whole logical line (recipe line, assignment) holding the callsite.
    pub line_span: Span,
    /// Found by the line reader inside a region the grammar could not parse.
    pub recovered: bool,
    /// Inside the string a shell runs with `-c` (`bash -c 'go run ./x'`).
    pub in_string: shell::InString,
    /// The program that runs it from its arguments ([`shell::handed`]).
    pub handed_by: Option<String>,
}

impl Callsite {
    /// The watcher that runs it again on every change (`watchexec --`,
    /// `reflex --`, `entr`: [`shell::WATCHERS`]), if one handed it.
    pub fn watcher(&self) -> Option<&str> {
        self.handed_by
            .as_deref()
            .filter(|b| shell::WATCHERS.contains(b))
    }

    /// The `env` options before the go command that a helper's `go build`
    /// keeps as written, joined (`-u GOOS -u GOARCH`; empty without any):
    /// unsetting variables or starting from an empty environment. `None`
    /// for any other option (`-C dir` moves the run, `-S` splits words).
    pub fn env_build_options(&self) -> Option<String> {
        let mut out: Vec<&str> = Vec::new();
        let mut words = self.env_options.iter();
        while let Some(w) = words.next() {
            let t = w.literal()?;
            match t {
                "-u" | "--unset" => {
                    out.push(t);
                    out.push(words.next()?.literal()?);
                }
                "-i" | "--ignore-environment" | "-" => out.push(t),
                _ if t.starts_with("--unset=") || (t.starts_with("-u") && t.len() > 2) => {
                    out.push(t)
                }
                _ => return None,
            }
        }
        Some(out.join(" "))
    }

    /// The `-C dir` flag's value.
    pub fn chdir(&self) -> Option<&str> {
        self.flags
            .iter()
            .find(|f| f.name == "C")
            .and_then(|f| f.value.as_deref())
    }

    /// The directory `go run` resolves the package in, relative to the file's
    /// base directory.
    pub fn dir(&self) -> Cwd {
        match (&self.cwd, self.chdir()) {
            (Cwd::Known(base), Some(c)) if !c.contains('$') && !c.starts_with('/') => {
                Cwd::Known(shell::join_rel(base, c))
            }
            (Cwd::Known(_), Some(c)) => Cwd::Unknown(format!("`-C {c}` depends on a variable")),
            (cwd, _) => cwd.clone(),
        }
    }

    /// Whether the callsite runs when its rule's recipe runs.
    pub fn in_recipe(&self) -> bool {
        matches!(self.origin, Origin::Recipe { .. })
    }

    pub fn rule(&self) -> Option<usize> {
        match self.origin {
            Origin::Recipe { rule, .. } => rule,
            _ => None,
        }
    }
}

/// `go build` flags that take a value (`go help build`), without dashes.
const VALUE_FLAGS: [&str; 18] = [
    "C",
    "p",
    "covermode",
    "coverpkg",
    "asmflags",
    "buildmode",
    "compiler",
    "gccgoflags",
    "gcflags",
    "installsuffix",
    "ldflags",
    "mod",
    "modfile",
    "overlay",
    "pgo",
    "pkgdir",
    "tags",
    "toolexec",
];
/// `go run` only: `-exec prog`.
const RUN_VALUE_FLAGS: [&str; 1] = ["exec"];

/// A recipe command whose command word is a path (`_gen/bin/x`,
/// `$(CURDIR)/bin/tool`): what the guard rules match against helpers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exec {
    pub word: Word,
    pub cwd: Cwd,
    /// Index into [`MakeDoc::rules`].
    pub rule: Option<usize>,
    pub line_span: Span,
    /// Read into the recipe's shell with `source` or `.` (a script's `$0`
    /// is then the shell, not the script).
    pub sourced: bool,
}

/// Everything the shell scan of one Makefile found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Commands {
    /// `go run`, `go build` and `go tool` callsites, in file order.
    pub calls: Vec<Callsite>,
    pub execs: Vec<Exec>,
}

/// Follows make variables in the directory of a recipe's `cd` (`cd
/// $(ROOT)/tools` with `ROOT := $(CURDIR)`, `cd $(TOOLS_DIR)` with
/// `TOOLS_DIR := tools`): the word is rewritten to what make passes the
/// shell, with the file's own directory as `$(CURDIR)`.
struct MakeCd<'a> {
    vars: &'a VarEnv,
}

impl shell::Resolver for MakeCd<'_> {
    fn command(&mut self, words: &mut [Word], _: &[Vec<shell::Expansion>], _: &Cwd, _: bool) {
        let Some(i) = command_index(words) else {
            return;
        };
        if !matches!(words[i].literal(), Some("cd" | "pushd")) {
            return;
        }
        let Some(arg) = words.get_mut(i + 1) else {
            return;
        };
        if !arg.make_ref || arg.shell_expansion || arg.text.starts_with("$(CURDIR)") {
            return;
        }
        let (Some(value), Some(curdir)) = (self.vars.expand(&arg.text), self.vars.value("CURDIR"))
        else {
            return;
        };
        arg.text = match value.strip_prefix(curdir) {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => format!("$(CURDIR){rest}"),
            _ if !value.contains('$') && !value.contains(char::is_whitespace) => {
                arg.make_ref = false;
                value
            }
            _ => return,
        };
    }
}

/// Find every callsite in one parsed Makefile.
pub fn find(src: &str, doc: &MakeDoc, vars: &VarEnv) -> Commands {
    let mut out = Vec::new();
    let mut execs = Vec::new();
    // Recipe lines; under `.ONESHELL` a rule's whole recipe is one script.
    for unit in recipe_units(doc) {
        let first = &doc.recipe_lines[unit[0]];
        let last = &doc.recipe_lines[unit[unit.len() - 1]];
        let start = skip_recipe_prefixes(src, first.span.clone());
        let (scan, _) = shell::scan_recipe(
            src,
            start..last.span.end,
            doc.oneshell,
            Some(&mut MakeCd { vars }),
        );
        for c in &with_wrapped(&scan.commands, vars) {
            let at = c.span().start;
            let i = unit
                .iter()
                .copied()
                .rev()
                .find(|&i| doc.recipe_lines[i].span.start <= at)
                .unwrap_or(unit[0]);
            let line = &doc.recipe_lines[i];
            let origin = Origin::Recipe {
                rule: line.rule,
                line: i,
                in_make_shell: c.depth > 0 && in_make_shell(src, line.span.clone(), c),
            };
            if let Some(cs) = from_command(c, vars, origin, line.span.clone(), line.recovered) {
                out.push(cs);
            } else if let Some(k) =
                command_index(&c.words).filter(|_| shell::shell_string(&c.words).is_none())
            {
                // A path run directly, or a script given to a shell
                // (`bash scripts/gen.sh`, `sh -e ./x.sh`).
                let word = if c.words[k].text.contains('/') {
                    Some(&c.words[k])
                } else if matches!(
                    c.words[k].literal(),
                    Some("sh" | "bash" | "dash" | "ksh" | "zsh" | "source" | ".")
                ) {
                    c.words[k + 1..]
                        .iter()
                        .find(|w| !w.text.starts_with('-'))
                        .filter(|w| {
                            w.literal()
                                .is_some_and(|t| t.contains('/') || t.ends_with(".sh"))
                        })
                } else {
                    None
                };
                if let Some(word) = word {
                    execs.push(Exec {
                        word: word.clone(),
                        cwd: c.cwd.clone(),
                        rule: line.rule,
                        line_span: line.span.clone(),
                        sourced: matches!(c.words[k].literal(), Some("source" | ".")),
                    });
                }
            }
        }
    }
    let simple: Vec<&str> = doc
        .assignments
        .iter()
        .filter(|a| a.op == AssignOp::Simple)
        .map(|a| a.name.as_str())
        .collect();
    // Assignments.
    for a in &doc.assignments {
        let segments = if a.op == AssignOp::Shell {
            vec![a.value.clone()]
        } else {
            shell::make_text_shell_segments(src, a.value.clone())
        };
        let immediate =
            a.op.is_immediate() || (a.op == AssignOp::Append && simple.contains(&a.name.as_str()));
        let origin = if immediate {
            let kind = if a.target_specific {
                "target-specific variable"
            } else {
                "variable"
            };
            Origin::ReadTime {
                context: format!("{kind} `{}` ({})", a.name, op_text(a.op)),
            }
        } else {
            Origin::Deferred {
                variable: a.name.clone(),
            }
        };
        scan_segments(
            src,
            &segments,
            vars,
            &origin,
            a.span.clone(),
            a.recovered,
            &mut out,
        );
    }
    // Rule lines (prerequisites are expanded when read) and top-level text.
    for r in &doc.rules {
        let segments = shell::make_text_shell_segments(src, r.header.clone());
        let origin = Origin::ReadTime {
            context: "rule line".into(),
        };
        scan_segments(
            src,
            &segments,
            vars,
            &origin,
            r.header.clone(),
            r.recovered,
            &mut out,
        );
    }
    for t in &doc.toplevel {
        let segments = shell::make_text_shell_segments(src, t.clone());
        let origin = Origin::ReadTime {
            context: "top-level expansion".into(),
        };
        let recovered = doc.in_error_region(t.start).is_some();
        scan_segments(
            src,
            &segments,
            vars,
            &origin,
            t.clone(),
            recovered,
            &mut out,
        );
    }
    // `define` bodies: canned recipes and `$(eval)` templates.
    for d in &doc.defines {
        let body = MakeDoc::read_define_body(src, d.body.clone());
        let origin = Origin::Define {
            name: d.name.clone(),
        };
        let mut spans: Vec<Span> = body.recipe_lines.iter().map(|l| l.span.clone()).collect();
        spans.extend(body.toplevel.iter().cloned());
        spans.extend(body.assignments.iter().map(|a| a.value.clone()));
        spans.sort_by_key(|s| s.start);
        for span in spans {
            let start = skip_recipe_prefixes(src, span.clone());
            let (scan, _) = shell::scan(src, start..span.end, Dialect::Make, Cwd::base());
            for c in &with_wrapped(&scan.commands, vars) {
                if let Some(cs) = from_command(c, vars, origin.clone(), span.clone(), d.recovered) {
                    out.push(cs);
                }
            }
        }
    }
    out.sort_by_key(|c| c.span.start);
    out.dedup_by_key(|c| c.span.start);
    // Callsites are large (about 500 bytes) and a Makefile may hold
    // hundreds of thousands: no room left from growing the vector.
    out.shrink_to_fit();
    Commands { calls: out, execs }
}

/// Recipe lines grouped into the scripts one shell runs: each line alone,
/// or under `.ONESHELL` all consecutive lines of one rule.
fn recipe_units(doc: &MakeDoc) -> Vec<Vec<usize>> {
    let mut units: Vec<Vec<usize>> = Vec::new();
    for (i, line) in doc.recipe_lines.iter().enumerate() {
        match units.last_mut() {
            Some(u)
                if doc.oneshell
                    && line.rule.is_some()
                    && doc.recipe_lines[u[0]].rule == line.rule =>
            {
                u.push(i)
            }
            _ => units.push(vec![i]),
        }
    }
    units
}

fn op_text(op: AssignOp) -> &'static str {
    match op {
        AssignOp::Simple => ":=",
        AssignOp::Shell => "!=",
        AssignOp::Recursive => "=",
        AssignOp::Conditional => "?=",
        AssignOp::Append => "+=",
    }
}

fn scan_segments(
    src: &str,
    segments: &[Span],
    vars: &VarEnv,
    origin: &Origin,
    line: Span,
    recovered: bool,
    out: &mut Vec<Callsite>,
) {
    for seg in segments {
        let (scan, _) = shell::scan(src, seg.clone(), Dialect::Make, Cwd::base());
        for c in &with_wrapped(&scan.commands, vars) {
            if let Some(cs) = from_command(c, vars, origin.clone(), line.clone(), recovered) {
                out.push(cs);
            }
        }
    }
}

/// Whether a nested command came from a make `$(shell ...)` (rather than a
/// shell `$$(...)`): the nearest `$(` or `$$(` before it decides.
fn in_make_shell(src: &str, line: Span, c: &Command) -> bool {
    let before = &src[line.start..c.span().start.max(line.start)];
    match (before.rfind("$(shell"), before.rfind("$$(")) {
        (Some(a), Some(b)) => a > b,
        (Some(_), None) => true,
        _ => false,
    }
}

/// Skip the `@`, `-`, `+` prefixes (and blanks) at the start of a recipe line.
pub fn skip_recipe_prefixes(src: &str, span: Span) -> usize {
    let b = src.as_bytes();
    let mut i = span.start;
    while i < span.end && matches!(b[i], b'@' | b'-' | b'+' | b' ' | b'\t') {
        i += 1;
    }
    i
}

/// The working directory after `env -C dir` / `--chdir dir` (the last
/// one given), relative to the file's base directory.
fn env_chdir(cwd: &Cwd, options: &[Word]) -> Cwd {
    let mut dir = None;
    for (k, w) in options.iter().enumerate() {
        let t = w.text.as_str();
        if t == "-C" || t == "--chdir" {
            dir = options.get(k + 1).map(|v| (v.literal(), v.text.clone()));
        } else if let Some(d) = t.strip_prefix("--chdir=").or_else(|| {
            t.strip_prefix("-C")
                .filter(|d| !d.is_empty() && !t.starts_with("--"))
        }) {
            dir = Some((w.literal().map(|_| d), d.to_string()));
        }
    }
    match (cwd, dir) {
        (_, None) => cwd.clone(),
        (Cwd::Known(base), Some((Some(d), _))) if !d.starts_with('/') && !d.contains('$') => {
            Cwd::Known(shell::join_rel(base, d))
        }
        (Cwd::Unknown(r), _) => Cwd::Unknown(r.clone()),
        (_, Some((_, text))) => Cwd::Unknown(format!(
            "`env -C {text}` changes to a directory not known before the build"
        )),
    }
}

/// A word that is a go flag: a literal `-name` or `-name=value`, or a
/// `-name=value` whose value holds a variable or a quoted part
/// (`-tags=$(TAGS)`, `-ldflags="${LDFLAGS}"`): one word for the flag
/// parser whatever the value holds, as it is to the go command. Its text.
fn flag_word(w: &Word) -> Option<&str> {
    if let Some(t) = w.literal() {
        return Some(t);
    }
    let t = w.text.as_str();
    let (name, _) = t.split_once('=')?;
    let bare = name.trim_start_matches('-');
    let dashes = name.len() - bare.len();
    ((1..=2).contains(&dashes)
        && !bare.is_empty()
        && bare
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
    .then_some(t)
}

/// The go command's `-C dir` written before its verb (`go -C tools run
/// ./gen`; `-C=dir` too), starting at `at`: the flag and the index after it.
fn chdir_before_verb(words: &[Word], at: usize) -> Option<(GoFlag, usize)> {
    let w = words.get(at)?;
    let t = w.literal()?;
    let name = t.strip_prefix("--").or_else(|| t.strip_prefix('-'))?;
    let (value, end, next) = match name.strip_prefix("C=") {
        Some(v) => (v.to_string(), w.span.end, at + 1),
        None if name == "C" => {
            let v = words.get(at + 1)?;
            (v.text.clone(), v.span.end, at + 2)
        }
        None => return None,
    };
    let text = match next - at {
        1 => w.text.clone(),
        _ => format!("{} {}", w.text, value),
    };
    let flag = GoFlag {
        name: "C".into(),
        value: Some(value),
        span: w.span.start..end,
        text,
    };
    Some((flag, next))
}

/// `commands`, each followed by what a configured exec wrapper among them
/// runs ([`wrapped`]); borrowed as they are when no wrapper is configured.
/// Every source turns the commands of its shell text into callsites through
/// this, so a wrapper is read the same way in each.
pub fn with_wrapped<'a>(commands: &'a [Command], vars: &VarEnv) -> Vec<Cow<'a, Command>> {
    let mut out: Vec<Cow<'a, Command>> = Vec::with_capacity(commands.len());
    for c in commands {
        out.push(Cow::Borrowed(c));
        if vars.exec_wrappers().is_empty() {
            continue;
        }
        // A wrapper may run a wrapper, or hand its command on (`addlicense
        // -file X find . -exec go run ./x {} ;`): a few levels down.
        let mut level: Vec<Command> = wrapped(c, vars).into_iter().collect();
        for _ in 0..4 {
            let mut next = Vec::new();
            for inner in level {
                next.extend(wrapped(&inner, vars));
                next.extend(handed_words(&inner));
                out.push(Cow::Owned(inner));
            }
            level = next;
        }
    }
    out
}

/// The command a configured exec wrapper (config `exec-wrappers`) runs
/// from its trailing arguments, whether the wrapper is run by name
/// (`addlicense -file X go run ./cmd/stringer`, `$(ADDLICENSE) ...`) or
/// with `go run` (`go run tailscale.com/cmd/addlicense -file X go run
/// ...`): those words, run where the wrapper runs. Like the words a
/// built-in carrier hands on (`find -exec`), it is a command of its own:
/// `go run` there caches an executable each time the wrapper runs.
pub fn wrapped(c: &Command, vars: &VarEnv) -> Option<Command> {
    let i = command_index(&c.words)?;
    let (wrapper, start) = match vars.exec_wrapper(&c.words[i]) {
        Some(w) => (w, i + 1),
        None => {
            let cs = from_command(c, vars, Origin::Script, 0..0, false)?;
            let RunTarget::Package(pkg) = (cs.verb == Verb::Run).then_some(&cs.target)? else {
                return None;
            };
            let path = pkg.literal()?;
            let path = path.split('@').next().unwrap_or(path).trim_end_matches('/');
            let w = vars.exec_wrapper_named(path.rsplit('/').next().unwrap_or(path))?;
            let first_arg = cs.args.first()?.span.start;
            (w, c.words.iter().position(|w| w.span.start == first_arg)?)
        }
    };
    let k = wrapper.command_start(&c.words, start)?;
    Some(Command {
        words: c.words[k..].to_vec(),
        cwd: c.cwd.clone(),
        depth: c.depth + 1,
        in_string: c.in_string,
        handed_by: Some(wrapper.name.clone()),
    })
}

/// The commands a wrapped command hands on as words (`find -exec`,
/// watchers: [`shell::handed`]). A string it hands a shell (`addlicense
/// -file X sh -c '...'`) is not read: the wrapper is known only here, after
/// the scanner, which reads such strings, is done with the text.
fn handed_words(c: &Command) -> Vec<Command> {
    shell::handed(&c.words)
        .into_iter()
        .filter_map(|h| match h.what {
            shell::HandedWhat::Words(range) => Some(Command {
                words: c.words[range].to_vec(),
                cwd: if h.execdir {
                    shell::execdir_cwd(&h.program)
                } else {
                    c.cwd.clone()
                },
                depth: c.depth + 1,
                in_string: c.in_string,
                handed_by: c.handed_by.clone(),
            }),
            shell::HandedWhat::Text { .. } => None,
        })
        .collect()
}

/// Build a callsite from a simple command, if it is `go run`, `go build` or
/// `go tool`. Every source of shell text (Makefiles, scripts, `//go:generate`
/// directives, workflows) turns its commands into callsites here.
pub fn from_command(
    c: &Command,
    vars: &VarEnv,
    origin: Origin,
    line: Span,
    recovered: bool,
) -> Option<Callsite> {
    let mut i = command_index(&c.words)?;
    // `$(GO_ENV) go run`: a variable that holds env assignments or a prefix
    // command is skipped, as the shell gets its expansion.
    let mut prefix_vars = Vec::new();
    let spelling = loop {
        let w = &c.words[i];
        let Some(seen) = vars.prefix_reference(w) else {
            break vars.go_spelling(w)?;
        };
        let next = command_index(&c.words[i + 1..]).map(|k| i + 1 + k);
        // One not seen is such a prefix only when a literal go follows it.
        let go_follows = next.is_some_and(|k| {
            c.words[k].literal().is_some() && vars.go_spelling(&c.words[k]).is_some()
        });
        if !seen && !go_follows {
            break vars.go_spelling(w)?;
        }
        prefix_vars.push(PrefixVar {
            word: w.clone(),
            seen,
        });
        i = next?;
    };
    let go = &c.words[i];
    let mut flags = Vec::new();
    let (verb, run, rest_start) = if spelling.holds_run() {
        (Verb::Run, None, i + 1)
    } else {
        // `go -C dir run ...`: the go command's own `-C`, before the verb.
        let mut verb_at = i + 1;
        if let Some((flag, next)) = chdir_before_verb(&c.words, verb_at) {
            flags.push(flag);
            verb_at = next;
        }
        let run = c.words.get(verb_at)?;
        let verb = match run.literal() {
            Some("run") => Verb::Run,
            Some("build") => Verb::Build,
            Some("tool") => Verb::Tool,
            _ => return None,
        };
        (verb, Some(run.clone()), verb_at + 1)
    };
    let env: Vec<Word> = c.words[..i]
        .iter()
        .filter(|w| w.assignment)
        .cloned()
        .collect();
    let prefix = c.words.first().map_or(go.span.start, |w| w.span.start)..go.span.start;
    let env_options = shell::env_options(&c.words, i);
    let rest = &c.words[rest_start..];
    let mut k = 0;
    while k < rest.len() {
        let w = &rest[k];
        if let Some(f) = flag_word(w).and_then(|t| t.strip_prefix('-')) {
            let f = f.strip_prefix('-').unwrap_or(f);
            if f.is_empty() {
                break;
            }
            let (name, value) = match f.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None => (f.to_string(), None),
            };
            let takes_value = VALUE_FLAGS.contains(&name.as_str())
                || (verb == Verb::Run && RUN_VALUE_FLAGS.contains(&name.as_str()))
                || (verb == Verb::Build && name == "o");
            if takes_value && value.is_none() {
                if let Some(v) = rest.get(k + 1) {
                    flags.push(GoFlag {
                        name,
                        value: Some(v.text.clone()),
                        span: w.span.start..v.span.end,
                        text: format!("{} {}", w.text, v.text),
                    });
                    k += 2;
                    continue;
                }
            }
            flags.push(GoFlag {
                name,
                value,
                span: w.span.clone(),
                text: w.text.clone(),
            });
            k += 1;
            continue;
        }
        if vars.is_flags_reference(w) {
            flags.push(GoFlag {
                name: String::new(),
                value: None,
                span: w.span.clone(),
                text: w.text.clone(),
            });
            k += 1;
            continue;
        }
        break;
    }
    let target = match rest.get(k) {
        None => RunTarget::Missing,
        Some(w) if w.text.ends_with(".go") => {
            let files: Vec<Word> = rest[k..]
                .iter()
                .take_while(|w| w.text.ends_with(".go"))
                .cloned()
                .collect();
            k += files.len();
            RunTarget::Files(files)
        }
        Some(w) => {
            k += 1;
            RunTarget::Package(w.clone())
        }
    };
    if verb == Verb::Tool
        && matches!(&target, RunTarget::Package(w) if w.literal().is_some_and(is_prebuilt_tool))
    {
        return None;
    }
    let args = rest[k..].to_vec();
    let end = target
        .words()
        .last()
        .map(|w| w.span.end)
        .or_else(|| flags.last().map(|f| f.span.end))
        .or_else(|| run.as_ref().map(|r| r.span.end))
        .unwrap_or(go.span.end);
    Some(Callsite {
        verb,
        origin,
        prefix_vars,
        go: go.clone(),
        spelling,
        run,
        env,
        prefix,
        cwd: env_chdir(&c.cwd, &env_options),
        env_options,
        flags,
        target,
        args,
        span: go.span.start..end,
        line_span: line,
        recovered,
        in_string: c.in_string,
        handed_by: c.handed_by.clone(),
    })
}
