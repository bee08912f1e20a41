//! Variables: which words name the go command, and literal expansions of
//! make variables, from the definitions in a Makefile and the files it
//! includes (or that include it). [`VarEnv::for_shell`] reads shell
//! references (`$GO`, `${GO}`) instead, for shell scripts.

use std::collections::HashMap;

use crate::syntax::parse::split_words;
use crate::syntax::shell::Word;

/// How a callsite spells the go command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GoSpelling {
    /// `go`, `./tool/go`, `$(GOROOT)/bin/go`: the last path element is `go`.
    Literal,
    /// A wrapper named in the config's `go-commands`.
    Configured,
    /// `$(GO)` whose definition was seen and resolves to go.
    Variable { name: String, definition: String },
    /// `$(GOCMD)` with no definition seen (a missing or generated include):
    /// taken as go because of its name.
    Assumed { name: String },
    /// `$(GO_RUN)` where the variable holds `go run` itself.
    RunVariable { name: String, definition: String },
}

impl GoSpelling {
    /// The variable holds `go run` (no `run` word follows).
    pub fn holds_run(&self) -> bool {
        matches!(self, GoSpelling::RunVariable { .. })
    }
}

/// A program that runs its trailing arguments as a command (config
/// `exec-wrappers`: `addlicense -file X go run ./cmd/stringer -type=Y`).
/// Only its trailing arguments are read: after its flags (those in
/// `skip_flags` take the next word as their value) and an optional `--`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExecWrapper {
    /// The program's name: the last path element of the command word
    /// (`addlicense`, `_gen/bin/addlicense`), or of the package `go run`
    /// runs (`go run tailscale.com/cmd/addlicense`).
    pub name: String,
    /// Flags that take a value in the next word (`-file`).
    pub skip_flags: Vec<String>,
}

impl ExecWrapper {
    /// The index of the first word of the command in `words[start..]`, the
    /// wrapper's arguments: its flags and an optional `--` skipped.
    pub fn command_start(&self, words: &[Word], start: usize) -> Option<usize> {
        let mut k = start;
        while let Some(w) = words.get(k) {
            let t = w.text.as_str();
            if t == "--" {
                k += 1;
                break;
            }
            if !t.starts_with('-') || t == "-" {
                break;
            }
            let takes_value = !t.contains('=') && self.skip_flags.iter().any(|f| f == t);
            k += if takes_value { 2 } else { 1 };
        }
        (k < words.len()).then_some(k)
    }
}

/// One definition of a variable.
#[derive(Debug, Clone)]
pub struct VarDef {
    pub value: String,
    /// Appended (`+=`) rather than set.
    pub append: bool,
}

/// The variables visible to one Makefile.
#[derive(Debug, Default, Clone)]
pub struct VarEnv {
    defs: HashMap<String, Vec<VarDef>>,
    /// Target-specific values (`gen: RUN_ENV := GOOS=linux`): make sets
    /// them only for that target's recipe, so only the prefix test
    /// ([`VarEnv::prefix_reference`]) reads them.
    target_defs: HashMap<String, Vec<VarDef>>,
    go_commands: Vec<String>,
    exec_wrappers: Vec<ExecWrapper>,
    /// References are the shell's (`$NAME`, `${NAME}`), not make's.
    shell: bool,
}

/// Result of resolving a definition.
#[derive(Debug, PartialEq, Eq)]
enum Resolved {
    Go,
    GoRun,
    Other,
}

impl VarEnv {
    /// The configured go command spellings (config `go-commands`).
    pub fn go_commands(&self) -> &[String] {
        &self.go_commands
    }

    pub fn new(go_commands: &[String]) -> VarEnv {
        VarEnv {
            defs: HashMap::new(),
            target_defs: HashMap::new(),
            go_commands: go_commands.to_vec(),
            exec_wrappers: Vec::new(),
            shell: false,
        }
    }

    /// With the configured programs that run their trailing arguments.
    pub fn with_exec_wrappers(mut self, wrappers: &[ExecWrapper]) -> VarEnv {
        self.exec_wrappers = wrappers.to_vec();
        self
    }

    pub fn exec_wrappers(&self) -> &[ExecWrapper] {
        &self.exec_wrappers
    }

    /// The configured exec wrapper `word` runs: its text, or the literal
    /// value of the variable it is, ends in the wrapper's name.
    pub fn exec_wrapper(&self, word: &Word) -> Option<&ExecWrapper> {
        if self.exec_wrappers.is_empty() {
            return None;
        }
        let program = match word.literal() {
            Some(t) => t.to_string(),
            None if self.shell => self.value(self.reference(&word.text)?)?.to_string(),
            None => self.expand(&word.text)?,
        };
        let program = program.trim();
        if program.contains(char::is_whitespace) {
            return None;
        }
        self.exec_wrapper_named(program.rsplit('/').next().unwrap_or(program))
    }

    /// The configured exec wrapper called `name`.
    pub fn exec_wrapper_named(&self, name: &str) -> Option<&ExecWrapper> {
        self.exec_wrappers.iter().find(|w| w.name == name)
    }

    /// The variables of shell text: a word that is wholly `$NAME` or
    /// `${NAME}` (quotes removed) refers to `NAME`, and such words are shell
    /// expansions. Definitions are the values the script gave, already
    /// resolved (no references left in them).
    pub fn for_shell(go_commands: &[String]) -> VarEnv {
        VarEnv {
            shell: true,
            ..VarEnv::new(go_commands)
        }
    }

    /// The variable a whole word refers to, in this environment's syntax.
    fn reference<'t>(&self, text: &'t str) -> Option<&'t str> {
        if self.shell {
            shell_reference(text)
        } else {
            whole_reference(text)
        }
    }

    pub fn define(&mut self, name: &str, value: &str, append: bool) {
        self.defs.entry(name.to_string()).or_default().push(VarDef {
            value: value.trim().to_string(),
            append,
        });
    }

    pub fn is_defined(&self, name: &str) -> bool {
        self.defs.contains_key(name)
    }

    /// The value of a variable when every definition is a plain set (no
    /// `+=`): the last one, as make would see it after reading all files.
    pub fn value(&self, name: &str) -> Option<&str> {
        let defs = self.defs.get(name)?;
        if defs.iter().any(|d| d.append) {
            return None;
        }
        defs.last().map(|d| d.value.as_str())
    }

    /// Whether `word` names the go command (or holds `go run`).
    pub fn go_spelling(&self, word: &Word) -> Option<GoSpelling> {
        if let Some(t) = word.literal() {
            if self.go_commands.iter().any(|g| g == t) {
                return Some(GoSpelling::Configured);
            }
            return is_go_path(t).then_some(GoSpelling::Literal);
        }
        if word.shell_expansion && !self.shell {
            return None;
        }
        if let Some(name) = self.reference(&word.text) {
            return match self.value(name) {
                Some(def) => match self.resolve(def, 0) {
                    Resolved::Go => Some(GoSpelling::Variable {
                        name: name.into(),
                        definition: def.into(),
                    }),
                    Resolved::GoRun => Some(GoSpelling::RunVariable {
                        name: name.into(),
                        definition: def.into(),
                    }),
                    Resolved::Other => None,
                },
                None if !self.is_defined(name) && looks_like_go_variable(name) => {
                    Some(GoSpelling::Assumed { name: name.into() })
                }
                None => None,
            };
        }
        // `$(GOROOT)/bin/go`: a path whose last element is `go`.
        is_go_path(&word.text).then_some(GoSpelling::Literal)
    }

    fn resolve(&self, def: &str, depth: usize) -> Resolved {
        if depth > 8 {
            return Resolved::Other;
        }
        let words = split_words(def);
        let mut i = 0;
        // `env -u GOOS -u GOARCH --` and assignments before the command.
        if words
            .first()
            .is_some_and(|w| crate::syntax::shell::is_env_command(w))
        {
            i = 1;
            while let Some(w) = words.get(i) {
                match w.as_str() {
                    "--" => {
                        i += 1;
                        break;
                    }
                    "-u" | "--unset" => i += 2,
                    w if w.starts_with('-') || w.contains('=') => i += 1,
                    _ => break,
                }
            }
        }
        while words
            .get(i)
            .is_some_and(|w| w.contains('=') && !w.starts_with('$'))
        {
            i += 1;
        }
        let Some(cmd) = words.get(i) else {
            return Resolved::Other;
        };
        let is_go = if let Some(inner) = cmd
            .strip_prefix("$(shell ")
            .and_then(|s| s.strip_suffix(')'))
        {
            let parts: Vec<&str> = inner.split_whitespace().collect();
            matches!(
                parts.as_slice(),
                ["which", "go"]
                    | ["type", "-P", "go"]
                    | ["type", "-p", "go"]
                    | ["command", "-v", "go"]
            )
        } else if let Some(name) = whole_reference(cmd) {
            match self.value(name) {
                Some(v) => match self.resolve(v, depth + 1) {
                    Resolved::GoRun if words.len() == i + 1 => return Resolved::GoRun,
                    r => r == Resolved::Go,
                },
                None => !self.is_defined(name) && looks_like_go_variable(name),
            }
        } else {
            self.go_commands.iter().any(|g| g == cmd) || is_go_path(cmd)
        };
        if !is_go {
            return Resolved::Other;
        }
        match &words[i + 1..] {
            [] => Resolved::Go,
            [run] if run == "run" => Resolved::GoRun,
            _ => Resolved::Other,
        }
    }

    /// A word in command position that is wholly a reference to a variable
    /// holding only what goes before a command: env assignments (`GO_ENV
    /// := GOOS=$(GOOS) CGO_ENABLED=0`) and prefix commands with their
    /// options (`RUN := env -u GOOS --`, `TIMEOUT := timeout 5m`), through
    /// nested references and `+=`. The command after it is then the next
    /// word, as make hands the shell the expanded text. `Some(true)`: its
    /// definitions were seen and hold only that; `Some(false)`: it is not
    /// defined in the files read (taken as such a prefix only when a go
    /// command follows it: the caller checks); `None`: it holds something
    /// else (`TOOL := echo`), or is not a whole reference.
    pub fn prefix_reference(&self, word: &Word) -> Option<bool> {
        if word.shell_expansion && !self.shell {
            return None;
        }
        let name = self.reference(&word.text)?;
        let mut defs = self.prefix_defs(name).peekable();
        if defs.peek().is_none() {
            return Some(false);
        }
        defs.all(|d| self.prefix_only(&d.value, 0)).then_some(true)
    }

    /// Record a target-specific value (`gen: NAME := value`).
    pub fn define_target_specific(&mut self, name: &str, value: &str, append: bool) {
        self.target_defs
            .entry(name.to_string())
            .or_default()
            .push(VarDef {
                value: value.trim().to_string(),
                append,
            });
    }

    /// The definitions of `name` the prefix test reads: global and
    /// target-specific ones.
    fn prefix_defs<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a VarDef> + 'a {
        let global = self.defs.get(name).into_iter().flatten();
        global.chain(self.target_defs.get(name).into_iter().flatten())
    }

    /// Whether a definition holds only env assignments and prefix commands.
    fn prefix_only(&self, def: &str, depth: usize) -> bool {
        if depth > 8 {
            return false;
        }
        let mut words = Vec::new();
        for w in split_words(def) {
            if let Some(name) = whole_reference(&w) {
                // A nested variable must be such a prefix itself.
                let mut defs = self.prefix_defs(name).peekable();
                if defs.peek().is_none() || !defs.all(|d| self.prefix_only(&d.value, depth + 1)) {
                    return false;
                }
                continue;
            }
            words.push(Word {
                span: 0..0,
                assignment: crate::syntax::shell::is_assignment_word(&w),
                make_ref: w.contains('$'),
                quoted: false,
                shell_expansion: false,
                text: w,
            });
        }
        crate::syntax::shell::command_index(&words).is_none()
    }

    /// A word that is wholly a reference to a variable holding flags
    /// (`go run $(RUN_FLAGS) ./x`): its value starts with `-`, or, when it is
    /// not defined, its name says FLAGS or TAGS.
    pub fn is_flags_reference(&self, word: &Word) -> bool {
        let Some(name) = self.reference(&word.text) else {
            return false;
        };
        match self.value(name) {
            Some(v) => v.starts_with('-') || v.is_empty(),
            None => name.contains("FLAGS") || name.contains("TAGS"),
        }
    }

    /// Expand make references in `text` whose values are literal; `None` if
    /// any reference stays unresolved.
    pub fn expand(&self, text: &str) -> Option<String> {
        self.expand_depth(text, 0)
    }

    fn expand_depth(&self, text: &str, depth: usize) -> Option<String> {
        if depth > 8 {
            return None;
        }
        let b = text.as_bytes();
        let mut out = String::new();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'$' {
                if b.get(i + 1) == Some(&b'$') {
                    return None; // a shell variable
                }
                let end = crate::syntax::shell::make_ref_end(b, i, b.len())?;
                let name = &text[i + 2..end - 1];
                if name.contains([' ', ',', ':', '$']) {
                    return None;
                }
                let value = self.value(name)?;
                out.push_str(&self.expand_depth(value, depth + 1)?);
                i = end;
                continue;
            }
            out.push(b[i] as char);
            i += 1;
        }
        // Non-ASCII text: rebuild from the original when nothing expanded.
        if !text.is_ascii() && !text.contains('$') {
            return Some(text.to_string());
        }
        Some(out)
    }
}

/// `$(NAME)` or `${NAME}` as a whole word: the name.
pub fn whole_reference(text: &str) -> Option<&str> {
    let inner = text
        .strip_prefix("$(")
        .and_then(|t| t.strip_suffix(')'))
        .or_else(|| text.strip_prefix("${").and_then(|t| t.strip_suffix('}')))?;
    (!inner.is_empty() && !inner.contains(['$', ' ', ',', ':', '(', '{'])).then_some(inner)
}

/// `$NAME` or `${NAME}` as a whole word (quotes removed): the name.
pub fn shell_reference(text: &str) -> Option<&str> {
    let inner = text
        .strip_prefix("${")
        .and_then(|t| t.strip_suffix('}'))
        .or_else(|| text.strip_prefix('$'))?;
    let b = inner.as_bytes();
    let ok = !b.is_empty()
        && !b[0].is_ascii_digit()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_');
    ok.then_some(inner)
}

/// A path whose last element is `go`.
fn is_go_path(t: &str) -> bool {
    t.rsplit('/').next() == Some("go")
}

/// Names that mean the go command even when the definition was not seen:
/// `GO`, `GOCMD`, `GO_CMD`, `GOEXE`, `GOBIN_CMD`, `HOSTGO`, `GO_BINARY`...
fn looks_like_go_variable(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    let core = n
        .strip_prefix("HOST")
        .or_else(|| n.strip_prefix("HOST_"))
        .unwrap_or(&n);
    matches!(
        core,
        "GO" | "GOCMD"
            | "GO_CMD"
            | "GOEXE"
            | "GO_EXE"
            | "GOBIN_CMD"
            | "GO_BINARY"
            | "GOBINARY"
            | "GO_BIN"
            | "GOTOOL"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the source properties in CI, once exec wrappers made
    /// directive words go through `expand`: `$` before a multi-byte
    /// character was taken for a bracketed reference and sliced inside it.
    #[test]
    fn a_dollar_before_a_multibyte_character_expands_to_nothing() {
        let mut env = VarEnv::new(&[]);
        env.define("U", "u", false);
        assert_eq!(
            env.expand("\u{11719}=..$\u{b1d}$U\u{9f05}<=.\u{468}}"),
            None
        );
        assert_eq!(env.expand("$\u{e9}"), None);
        assert_eq!(env.expand("a$@b"), None);
    }

    fn word(text: &str) -> Word {
        Word {
            span: 0..text.len(),
            text: text.into(),
            quoted: false,
            make_ref: text.contains('$'),
            shell_expansion: false,
            assignment: false,
        }
    }

    #[test]
    fn definitions_that_resolve_to_go() {
        let mut env = VarEnv::new(&["./hack/gow".into()]);
        env.define("GO", "go", false);
        env.define("HOSTGO", "env -u GOOS -u GOARCH -- go", false);
        env.define("HOSTGO2", "/usr/bin/env -u GOOS -- go", false);
        env.define("GOW", "$(shell type -P go)", false);
        env.define("GO_RUN", "$(GO) run", false);
        env.define("GOFMT", "gofmt", false);
        env.define("GOLANGCI", "golangci-lint", false);
        assert!(matches!(
            env.go_spelling(&word("$(GO)")),
            Some(GoSpelling::Variable { .. })
        ));
        assert!(matches!(
            env.go_spelling(&word("$(HOSTGO2)")),
            Some(GoSpelling::Variable { .. })
        ));
        assert!(matches!(
            env.go_spelling(&word("${HOSTGO}")),
            Some(GoSpelling::Variable { .. })
        ));
        assert!(matches!(
            env.go_spelling(&word("$(GOW)")),
            Some(GoSpelling::Variable { .. })
        ));
        assert!(matches!(
            env.go_spelling(&word("$(GO_RUN)")),
            Some(GoSpelling::RunVariable { .. })
        ));
        assert_eq!(env.go_spelling(&word("$(GOFMT)")), None);
        assert_eq!(env.go_spelling(&word("$(GOLANGCI)")), None);
        assert!(matches!(
            env.go_spelling(&word("$(GOCMD)")),
            Some(GoSpelling::Assumed { .. })
        ));
        assert_eq!(env.go_spelling(&word("$(DOCKER)")), None);
        assert_eq!(
            env.go_spelling(&word("./tool/go")),
            Some(GoSpelling::Literal)
        );
        assert_eq!(
            env.go_spelling(&word("$(GOROOT)/bin/go")),
            Some(GoSpelling::Literal)
        );
        assert_eq!(
            env.go_spelling(&word("./hack/gow")),
            Some(GoSpelling::Configured)
        );
        assert_eq!(env.go_spelling(&word("gopher")), None);
    }

    #[test]
    fn shell_references() {
        let shell_word = |text: &str| Word {
            shell_expansion: text.contains('$'),
            make_ref: false,
            ..word(text)
        };
        let mut env = VarEnv::for_shell(&[]);
        env.define("GO", "./tool/go", false);
        env.define("GO_RUN", "go run", false);
        env.define("FLAGS", "-tags x", false);
        assert!(matches!(
            env.go_spelling(&shell_word("$GO")),
            Some(GoSpelling::Variable { .. })
        ));
        assert!(matches!(
            env.go_spelling(&shell_word("${GO_RUN}")),
            Some(GoSpelling::RunVariable { .. })
        ));
        assert!(matches!(
            env.go_spelling(&shell_word("$GOCMD")),
            Some(GoSpelling::Assumed { .. })
        ));
        assert_eq!(
            env.go_spelling(&shell_word("$GOROOT/bin/go")),
            Some(GoSpelling::Literal)
        );
        assert_eq!(env.go_spelling(&shell_word("$(GO)")), None);
        assert_eq!(env.go_spelling(&shell_word("$1")), None);
        assert!(env.is_flags_reference(&shell_word("$FLAGS")));
        assert!(env.is_flags_reference(&shell_word("$BUILD_TAGS")));
        // Make text: `$$GO` is the shell's, never a make variable.
        let make = VarEnv::new(&[]);
        assert_eq!(make.go_spelling(&shell_word("$$GO")), None);
        assert_eq!(make.go_spelling(&shell_word("$GO")), None);
    }

    #[test]
    fn literal_expansion() {
        let mut env = VarEnv::new(&[]);
        env.define("TOOL", "./cmd/$(NAME)", false);
        env.define("NAME", "x", false);
        assert_eq!(env.expand("$(TOOL)").as_deref(), Some("./cmd/x"));
        assert_eq!(env.expand("$(MISSING)"), None);
    }
}
