//! Procfiles as a source of callsites (issue 21): `Procfile` and
//! `Procfile.*` (`Procfile.dev`), as goreman, foreman, overmind, hivemind
//! and Heroku read them. Each process line is `name: command`; the process
//! manager hands the command to a shell (`sh -c`, `bash -c` on Heroku) in
//! the Procfile's directory, so every `go run` in it runs each time the
//! process starts, and caches its executable in GOCACHE like any other.
//!
//! **A line reader, not a grammar.** The format has no grammar of its own:
//! every tool splits the file into lines and each line at its first `:`.
//! They differ only at the edges (foreman takes `^[A-Za-z0-9_-]+:\s*(.+)$`,
//! overmind wants a blank after the `:`, goreman trims the name and accepts
//! anything before the `:`), and every one of them skips blank lines and
//! `#` lines. We take the union of what they run: leading blanks are
//! skipped, a name is `[A-Za-z0-9_.-]+` directly followed by `:`, and the
//! rest of the line, blanks trimmed, is the command. A line that is none of
//! these (a stray word, `name :`) is no process for any of them and holds
//! no callsite. There is no continuation: a `\` at the end of a line is
//! the shell's, and the next line is another process line. CRLF endings
//! are read as LF.
//!
//! **The command is shell text.** It goes through the same shell layer as
//! scripts and workflow steps ([`Dialect::Shell`]), one line at a time and
//! in place, so spans are the file's bytes: `cd worker && go run .`, env
//! assignments (`GOFLAGS=-mod=mod go run ./cmd/web`), prefix commands
//! (`exec`, `env`), `sh -c '...'` strings and substitutions are read as
//! everywhere else; `echo "go run ..."` is not a callsite. The working
//! directory starts at the Procfile's directory ([`Cwd::base`]), which is
//! where the process managers run the command. Variables are not resolved:
//! a Procfile assigns none of its own (they come from `.env` files and the
//! environment), so `$GO run` is taken as go only as `$(GO)` is in a
//! Makefile whose definition is not seen.
//!
//! No fix is offered: the process line is run by a tool we do not control
//! (a `go build` prepended with `&&` would rebuild on each restart, which
//! is what the process manager's users may want, or may not); the help
//! says what to do by hand.

use std::ops::Range;

use crate::syntax::callsite::{self, Callsite, Origin};
use crate::syntax::shell::{self, Cwd, Dialect};
use crate::syntax::vars::VarEnv;

/// One process line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Process {
    /// The process (type) name, before the `:`.
    pub name: String,
    /// The command: from its first non-blank byte after the `:` to the end
    /// of the line, trailing blanks and line ending excluded.
    pub command: Range<usize>,
    /// The whole line, line ending excluded.
    pub line: Range<usize>,
}

/// Whether a file name is a Procfile's: `Procfile`, or `Procfile.<suffix>`
/// (`Procfile.dev`, `Procfile.local`).
pub fn is_procfile_name(name: &str) -> bool {
    name == "Procfile"
        || name
            .strip_prefix("Procfile.")
            .is_some_and(|s| !s.is_empty())
}

/// The process lines of a Procfile, in order.
pub fn processes(text: &str) -> Vec<Process> {
    let mut out = Vec::new();
    let mut start = 0;
    for raw in text.split_inclusive('\n') {
        let end = start + raw.trim_end_matches(['\n', '\r']).len();
        let line = start..end;
        start += raw.len();
        let body = &text[line.clone()];
        let indent = body.len() - body.trim_start_matches([' ', '\t']).len();
        let rest = &body[indent..];
        if rest.is_empty() || rest.starts_with('#') {
            continue;
        }
        let Some(colon) = rest.find(':') else {
            continue;
        };
        let name = &rest[..colon];
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        {
            continue;
        }
        let after = line.start + indent + colon + 1;
        let cmd = &text[after..line.end];
        let lead = cmd.len() - cmd.trim_start_matches([' ', '\t']).len();
        let command = after + lead..after + cmd.trim_end_matches([' ', '\t']).len();
        if command.start >= command.end {
            continue;
        }
        out.push(Process {
            name: name.to_string(),
            command,
            line,
        });
    }
    out
}

/// Every `go run`, `go build` and `go tool` callsite of a Procfile, in text
/// order, with [`Origin::Procfile`] naming its process, the working
/// directory relative to the Procfile's directory, and `line_span` the
/// process line. `vars`: the configured go spellings and exec wrappers.
pub fn callsites(text: &str, vars: &VarEnv) -> Vec<Callsite> {
    let mut out = Vec::new();
    for p in processes(text) {
        let (scan, _) = shell::scan(text, p.command.clone(), Dialect::Shell, Cwd::base());
        for c in &callsite::with_wrapped(&scan.commands, vars) {
            let origin = Origin::Procfile {
                process: p.name.clone(),
            };
            if let Some(cs) = callsite::from_command(c, vars, origin, p.line.clone(), false) {
                out.push(cs);
            }
        }
    }
    out.sort_by_key(|c| c.span.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::callsite::Verb;

    fn runs(text: &str) -> Vec<(String, String, String)> {
        callsites(text, &VarEnv::new(&[]))
            .into_iter()
            .filter(|c| c.verb == Verb::Run)
            .map(|c| {
                let Origin::Procfile { process } = &c.origin else {
                    panic!("origin {:?}", c.origin);
                };
                let cwd = match c.dir() {
                    Cwd::Known(d) => d,
                    Cwd::Unknown(why) => format!("? {why}"),
                };
                (process.clone(), c.target.text(), cwd)
            })
            .collect()
    }

    #[test]
    fn names() {
        for n in ["Procfile", "Procfile.dev", "Procfile.local"] {
            assert!(is_procfile_name(n), "{n}");
        }
        for n in [
            "procfile",
            "Procfile.",
            "Procfiles",
            "MyProcfile",
            "Procfile_dev",
        ] {
            assert!(!is_procfile_name(n), "{n}");
        }
    }

    #[test]
    fn process_lines() {
        let text = "# comment: go run ./x\n\nweb: ./bin/web  \r\n  worker:cd w && go run .\nbad line\nname : x\nempty:\n";
        let ps = processes(text);
        let got: Vec<(&str, &str)> = ps
            .iter()
            .map(|p| (p.name.as_str(), &text[p.command.clone()]))
            .collect();
        assert_eq!(got, [("web", "./bin/web"), ("worker", "cd w && go run .")]);
        assert_eq!(&text[ps[0].line.clone()], "web: ./bin/web  ");
    }

    #[test]
    fn commands_through_the_shell_layer() {
        let text = "api: go run ./cmd/api --dev\nworker: cd worker && go run .\nweb: GOFLAGS=-mod=mod go run ./cmd/web\nsh: sh -c 'cd tools && go run ./gen'\n";
        assert_eq!(
            runs(text),
            [
                ("api".into(), "./cmd/api".into(), "".into()),
                ("worker".into(), ".".into(), "worker".into()),
                ("web".into(), "./cmd/web".into(), "".into()),
                ("sh".into(), "./gen".into(), "tools".into()),
            ]
        );
        // Spans are the file's bytes.
        let cs = &callsites(text, &VarEnv::new(&[]))[0];
        assert_eq!(&text[cs.span.clone()], "go run ./cmd/api");
        assert_eq!(&text[cs.line_span.clone()], "api: go run ./cmd/api --dev");
    }

    #[test]
    fn look_alikes_are_not_callsites() {
        let text = "# api: go run ./cmd/api\nweb: ./bin/web\necho: echo \"go run ./cmd/api\"\ntest: go test -run X ./...\nx: ./bin/x # go run ./y\n";
        assert!(runs(text).is_empty());
    }

    #[test]
    fn a_line_is_one_process() {
        // No continuation: the `\` is the shell's, the next line another process.
        let text = "a: go run ./a \\\nb: go run ./b\n";
        let got: Vec<String> = runs(text).into_iter().map(|r| r.0).collect();
        assert_eq!(got, ["a", "b"]);
    }
}
