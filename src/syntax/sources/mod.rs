//! Sources of callsites beyond Makefiles (issue 7): shell scripts,
//! `//go:generate` directives and CI workflow `run:` steps, and (issue 21)
//! Go code that runs the go command (`exec.Command("go", "run", ...)`) and
//! Procfile process lines.
//! Each turns its text into [`crate::syntax::callsite::Callsite`]s through
//! the same [`crate::syntax::callsite::from_command`], so classification,
//! rules, allowlist and renderers work unchanged.
//!
//! A `.go` file holds two sources: its directives ([`Kind::Generate`]) and
//! its code ([`Kind::Go`]). It is walked and read once, as a file of kind
//! [`Kind::Generate`] (the kind [`kind_of`] gives every `.go` file); the
//! selection ([`Kinds::reads`]) takes it when either source is chosen,
//! and [`callsites`] reads the sources chosen ([`SourceContext::sources`]).

pub mod generate;
pub mod gocode;
pub mod procfile;
pub mod script;
pub mod workflow;

use std::path::Path;

use crate::syntax::callsite::{Callsite, Origin};
use crate::syntax::shell::{self, Cwd, Dialect};
use crate::syntax::vars::VarEnv;

/// What a reader needs to know of the project, handed down by the lint
/// layer: the readers never look at the disk.
#[derive(Debug)]
pub struct SourceContext<'a> {
    pub kind: Kind,
    /// The file's name (a directive's `$GOFILE`).
    pub file_name: &'a str,
    /// The configured go spellings, and for a script its directories
    /// relative to its base directory.
    pub script: script::ScriptContext<'a>,
    /// The sources chosen (`--only`, config `sources`): for a `.go` file,
    /// whether its directives, its code or both are read (both when the
    /// selection names neither: a `.go` file named on the command line).
    pub sources: Kinds,
}

/// The callsites of a script, `.go` file, workflow or Procfile, with working
/// directories relative to the file's base directory, each with whether it
/// was resolved against an assumed base (a script's caller directory). An
/// error is a file that cannot be read as what it claims to be (invalid
/// YAML).
pub fn callsites(text: &str, ctx: &SourceContext) -> Result<Vec<(Callsite, bool)>, String> {
    let vars = VarEnv::new(ctx.script.go_commands).with_exec_wrappers(ctx.script.exec_wrappers);
    let plain = |calls: Vec<Callsite>| calls.into_iter().map(|c| (c, false)).collect();
    Ok(match ctx.kind {
        Kind::Makefile => Vec::new(),
        Kind::Script => script::callsites(text, &ctx.script)
            .into_iter()
            .map(|c| {
                let assumed = c.assumes_caller_dir();
                (c.callsite, assumed)
            })
            .collect(),
        Kind::Generate | Kind::Go => {
            let (directives, code) = match (
                ctx.sources.contains(Kind::Generate),
                ctx.sources.contains(Kind::Go),
            ) {
                (false, false) => (true, true),
                chosen => chosen,
            };
            let mut calls = Vec::new();
            if directives {
                calls.extend(generate::callsites(text, ctx.file_name, &vars));
            }
            if code {
                calls.extend(gocode::callsites(text, &vars));
            }
            calls.sort_by_key(|c| c.span.start);
            plain(calls)
        }
        Kind::Workflow => plain(workflow_callsites(text, &vars)?),
        Kind::Procfile => plain(procfile::callsites(text, &vars)),
    })
}

/// Shells whose `run:` text goes through the shell layer.
pub(crate) fn posix_shell(shell: Option<&str>) -> bool {
    match shell {
        None => true,
        Some(s) => {
            let prog = s.split_whitespace().next().unwrap_or("");
            matches!(prog.rsplit('/').next(), Some("bash" | "sh"))
        }
    }
}

fn workflow_callsites(text: &str, vars: &VarEnv) -> Result<Vec<Callsite>, String> {
    let steps = workflow::run_steps(text).map_err(|e| e.to_string())?;
    let masked = workflow::masked(text, &steps);
    let mut out = Vec::new();
    for step in &steps {
        let (Some(first), Some(last)) = (step.lines.first(), step.lines.last()) else {
            continue;
        };
        let cwd = match step.working_directory.as_deref() {
            None => Cwd::base(),
            Some(d) if d.contains('$') || d.starts_with('/') || d.starts_with('~') => Cwd::Unknown(
                format!("`working-directory: {d}` is not a path in the repository"),
            ),
            Some(d) => Cwd::Known(shell::join_rel("", d)),
        };
        let origin = Origin::Workflow {
            job: step.job.as_str().into(),
            step: step.step.as_str().into(),
            shell: step.shell.as_deref().unwrap_or("bash").into(),
            rewritable: step.rewritable,
        };
        let posix = posix_shell(step.shell.as_deref());
        // In pwsh, cmd or python only a `go` command that starts a line is
        // read, one line at a time.
        let ranges: Vec<std::ops::Range<usize>> = if posix {
            std::iter::once(first.start..last.end).collect()
        } else {
            step.lines.clone()
        };
        for range in ranges {
            let (scan, _) = shell::scan(&masked, range.clone(), Dialect::Shell, cwd.clone());
            for c in &crate::syntax::callsite::with_wrapped(&scan.commands, vars) {
                let starts_line =
                    c.span().start == range.start + leading_blanks(&masked[range.clone()]);
                if !posix && (!starts_line || c.depth > 0) {
                    continue;
                }
                let line = line_of(text, c.span().start);
                if let Some(cs) =
                    crate::syntax::callsite::from_command(c, vars, origin.clone(), line, false)
                {
                    out.push(cs);
                }
            }
        }
    }
    Ok(out)
}

fn leading_blanks(s: &str) -> usize {
    s.len() - s.trim_start_matches([' ', '\t']).len()
}

/// The line of `text` holding `offset`, line ending excluded.
fn line_of(text: &str, offset: usize) -> std::ops::Range<usize> {
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let end = if text[..end].ends_with('\r') {
        end - 1
    } else {
        end
    };
    start..end
}

/// The kinds of file gorun-lint reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Makefile,
    Script,
    /// A `.go` file's `//go:generate` directives; also the kind of every
    /// `.go` file as walked (its code is [`Kind::Go`]).
    Generate,
    /// A `.go` file's code: `exec.Command("go", "run", ...)` calls
    /// ([`gocode`]). Never a walked file's kind: `.go` files are
    /// [`Kind::Generate`], read for both.
    Go,
    Workflow,
    /// `Procfile`, `Procfile.*`: process lines (`name: command`).
    Procfile,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Makefile,
        Kind::Script,
        Kind::Generate,
        Kind::Go,
        Kind::Workflow,
        Kind::Procfile,
    ];

    /// The name `--only` and config `sources` use.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Makefile => "makefiles",
            Kind::Script => "scripts",
            Kind::Generate => "generate",
            Kind::Go => "go",
            Kind::Workflow => "workflows",
            Kind::Procfile => "procfiles",
        }
    }

    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name.trim())
    }
}

/// A set of kinds (`--only`, config `sources`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kinds(u8);

impl Kinds {
    pub const ALL: Kinds = Kinds(0b11_1111);

    pub fn contains(self, k: Kind) -> bool {
        self.0 & (1 << k as u8) != 0
    }

    /// Whether a walked file of kind `file` ([`kind_of`]) is read: a `.go`
    /// file when its directives or its code are chosen.
    pub fn reads(self, file: Kind) -> bool {
        match file {
            Kind::Generate | Kind::Go => self.contains(Kind::Generate) || self.contains(Kind::Go),
            k => self.contains(k),
        }
    }

    /// Parse names; the error names the first unknown one.
    pub fn parse<S: AsRef<str>>(names: &[S]) -> Result<Kinds, String> {
        let mut set = 0;
        for n in names {
            let k = Kind::parse(n.as_ref()).ok_or_else(|| {
                format!(
                    "unknown source `{}` (expected one of: {})",
                    n.as_ref(),
                    Kind::ALL.map(Kind::name).join(", ")
                )
            })?;
            set |= 1 << k as u8;
        }
        Ok(Kinds(set))
    }
}

impl Default for Kinds {
    fn default() -> Kinds {
        Kinds::ALL
    }
}

/// What a file is by its path: `rel` is the path below the walked root
/// (`/`-separated components), used to skip `vendor/` and `testdata/` Go
/// files. Files without an extension may be scripts: their shebang decides
/// when they are read ([`script::is_script`]).
pub fn kind_of(path: &Path, rel: &Path) -> Option<Kind> {
    let name = path.file_name()?.to_str()?;
    if is_makefile_name(name) {
        return Some(Kind::Makefile);
    }
    // Before the extension: `Procfile.dev` is a Procfile, `Procfile` has
    // no extension and is no script.
    if procfile::is_procfile_name(name) {
        return Some(Kind::Procfile);
    }
    if let Some(ext) = name.rsplit_once('.').map(|(_, e)| e) {
        return match ext {
            "go" if !rel
                .components()
                .any(|c| matches!(c.as_os_str().to_str(), Some("vendor" | "testdata"))) =>
            {
                Some(Kind::Generate)
            }
            "yml" | "yaml" if is_workflow(path) => Some(Kind::Workflow),
            "sh" | "bash" => Some(Kind::Script),
            _ => None,
        };
    }
    Some(Kind::Script)
}

/// Whether a file name is a Makefile by name.
pub fn is_makefile_name(name: &str) -> bool {
    matches!(name, "Makefile" | "makefile" | "GNUmakefile")
        || name.ends_with(".mk")
        || name.ends_with(".make")
}

/// `.github/workflows/<file>`.
fn is_workflow(path: &Path) -> bool {
    let mut up = path.ancestors().skip(1);
    up.next().and_then(Path::file_name) == Some("workflows".as_ref())
        && up.next().and_then(Path::file_name) == Some(".github".as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_callsites_after_a_heredoc_are_found() {
        let text = "on: push\njobs:\n  gen:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          cat > notes.txt <<EOF\n          go run ./not/a/command\n          EOF\n          go run ./scripts/gen\n";
        let calls = workflow_callsites(text, &VarEnv::new(&[])).unwrap();
        let found: Vec<String> = calls.iter().map(|c| c.target.text()).collect();
        assert_eq!(found, ["./scripts/gen"]);
    }

    #[test]
    fn kinds_by_path() {
        let k = |p: &str| kind_of(Path::new(p), Path::new(p));
        assert_eq!(k("Makefile"), Some(Kind::Makefile));
        assert_eq!(k("mk/rules.mk"), Some(Kind::Makefile));
        assert_eq!(k("scripts/gen.sh"), Some(Kind::Script));
        assert_eq!(k("hack/update-codegen"), Some(Kind::Script));
        assert_eq!(k("internal/x/types.go"), Some(Kind::Generate));
        assert_eq!(k("vendor/a/b.go"), None);
        assert_eq!(k("x/testdata/b.go"), None);
        assert_eq!(k(".github/workflows/ci.yml"), Some(Kind::Workflow));
        assert_eq!(k(".github/workflows/ci.yaml"), Some(Kind::Workflow));
        assert_eq!(k("deploy/ci.yml"), None);
        assert_eq!(k("README.md"), None);
        assert_eq!(k("Procfile"), Some(Kind::Procfile));
        assert_eq!(k("deploy/Procfile.dev"), Some(Kind::Procfile));
        assert_eq!(k("Procfile.mk"), Some(Kind::Makefile));
    }

    #[test]
    fn kinds_parse() {
        let only = Kinds::parse(&["scripts", "workflows"]).unwrap();
        assert!(only.contains(Kind::Script) && only.contains(Kind::Workflow));
        assert!(!only.contains(Kind::Makefile));
        let procfiles = Kinds::parse(&["procfiles"]).unwrap();
        assert!(procfiles.contains(Kind::Procfile) && !procfiles.contains(Kind::Script));
        assert!(Kinds::ALL.contains(Kind::Procfile));
        assert!(Kinds::parse(&["bogus"]).unwrap_err().contains("`bogus`"));
        // A `.go` file is read for either of its sources.
        let go = Kinds::parse(&["go"]).unwrap();
        assert!(go.reads(Kind::Generate) && !go.contains(Kind::Generate));
        assert!(Kinds::parse(&["generate"]).unwrap().reads(Kind::Generate));
        assert!(!only.reads(Kind::Generate));
        assert!(Kinds::ALL.contains(Kind::Go));
    }

    #[test]
    fn a_go_file_reads_the_sources_chosen() {
        let text = "package p

import \"os/exec\"

//go:generate go run ./gen

func f() { _ = exec.Command(\"go\", \"run\", \"./code\") }
";
        let read = |names: &[&str]| -> Vec<String> {
            let ctx = SourceContext {
                kind: Kind::Generate,
                file_name: "p.go",
                script: script::ScriptContext {
                    script_dir: String::new(),
                    repo_root: String::new(),
                    caller_dir: String::new(),
                    go_commands: &[],
                    exec_wrappers: &[],
                },
                sources: Kinds::parse(names).unwrap(),
            };
            callsites(text, &ctx)
                .unwrap()
                .into_iter()
                .map(|(c, _)| c.target.text())
                .collect()
        };
        assert_eq!(read(&["generate", "go"]), ["./gen", "./code"]);
        assert_eq!(read(&["generate"]), ["./gen"]);
        assert_eq!(read(&["go"]), ["./code"]);
        // Named on the command line under `--only makefiles`: both.
        assert_eq!(read(&["makefiles"]), ["./gen", "./code"]);
    }
}
