//! Man pages: one per command, `gorun-lint(1)` and `gorun-lint-check(1)`,
//! `gorun-lint-fix(1)`, ... as git and cargo ship theirs, so that
//! `man gorun-lint-fix` answers a question about `fix` without the reader
//! scrolling past every other command's flags.
//!
//! The parts clap knows (name, synopsis, description, options, the list
//! of subcommands) are rendered by clap_mangen from the same definitions
//! as `--help`, so a flag is documented once, in `cli.rs`. The parts clap
//! does not know are written here, per command: EXIT STATUS, FILES,
//! ENVIRONMENT, EXAMPLES and SEE ALSO. They are held to the code rather
//! than to the README: the exit codes are those `cli.rs` returns for that
//! command, FILES names the keys `lint/config.rs` accepts, and ENVIRONMENT
//! lists only the variables the command reads (`NO_COLOR`,
//! `GORUN_LINT_TIMINGS`, and GOCACHE's lookup in `command/cache/locate.rs`).
//! The fault-injection hook of `fix::apply` (`GORUN_LINT_FAULT`) is a test
//! seam, not an interface, and is left out.
//!
//! These sections are written with clap_mangen's re-export of `roff` (its
//! own dependency), which escapes the text (`-`, leading `.` and `'`), so
//! no roff is written by hand and no crate is added.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::CommandFactory;
use clap_mangen::roff::{bold, italic, roman, Inline, Roff};

use crate::command::cli::Cli;
use crate::error::Error;

/// The command tree as the pages show it: built (so that subcommands are
/// named `gorun-lint-check` and their synopsis `gorun-lint check`), and
/// without clap's `help` subcommand, which has no page.
fn command() -> clap::Command {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    cmd
}

/// The subcommands that have a page, in definition order.
pub fn subcommands() -> Vec<String> {
    command()
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
        .map(|s| s.get_name().to_string())
        .collect()
}

/// The page of the top-level command (`None`) or of one subcommand; an
/// unknown name is a usage error.
pub fn page(subcommand: Option<&str>) -> Result<Vec<u8>, Error> {
    let top = command();
    let cmd = match subcommand {
        None => top,
        Some(name) => top
            .get_subcommands()
            .find(|s| s.get_name() == name && !s.is_hide_set())
            .cloned()
            .ok_or_else(|| {
                Error::Usage(format!(
                    "no man page for `{name}`; pages: {}",
                    subcommands().join(", ")
                ))
            })?,
    };
    render(cmd, subcommand.unwrap_or(""))
        .map_err(|e| Error::Usage(format!("cannot render the man page: {e}")))
}

/// Write every page into `dir` (created if missing); returns the files.
pub fn write_all(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut written = Vec::new();
    let names = std::iter::once(None).chain(subcommands().into_iter().map(Some));
    for name in names {
        let file = dir.join(match &name {
            None => "gorun-lint.1".to_string(),
            Some(n) => format!("gorun-lint-{n}.1"),
        });
        let text = page(name.as_deref())?;
        std::fs::write(&file, text).map_err(|e| Error::io(&file, e))?;
        written.push(file);
    }
    Ok(written)
}

fn render(cmd: clap::Command, name: &str) -> std::io::Result<Vec<u8>> {
    let has_options = cmd.get_arguments().any(|a| !a.is_hide_set());
    let has_subcommands = cmd.get_subcommands().any(|s| !s.is_hide_set());
    let man =
        clap_mangen::Man::new(cmd).source(format!("gorun-lint {}", env!("CARGO_PKG_VERSION")));
    // Each `render_*` writes roff's apostrophe preamble (a string
    // definition) before its section: kept once, at the top.
    let preamble = Roff::new().render();
    let mut out = Vec::new();
    let mut add = |piece: Vec<u8>| {
        let rest = if out.is_empty() {
            &piece[..]
        } else {
            piece.strip_prefix(preamble.as_bytes()).unwrap_or(&piece)
        };
        out.extend_from_slice(rest);
    };
    type Section = fn(&clap_mangen::Man, &mut dyn Write) -> std::io::Result<()>;
    let mut sections: Vec<Section> = vec![
        clap_mangen::Man::render_title,
        clap_mangen::Man::render_name_section,
        clap_mangen::Man::render_synopsis_section,
        clap_mangen::Man::render_description_section,
    ];
    if has_options {
        sections.push(clap_mangen::Man::render_options_section);
    }
    if has_subcommands {
        sections.push(clap_mangen::Man::render_subcommands_section);
    }
    for render in sections {
        let mut piece = Vec::new();
        render(&man, &mut piece)?;
        add(piece);
    }
    let mut roff = Roff::default();
    extra(&mut roff, name);
    add(roff.render().into_bytes());
    Ok(out)
}

/// A tagged paragraph: `tag` in bold, then its text.
fn item(roff: &mut Roff, tag: &str, text: &str) {
    roff.control("TP", []);
    roff.text([bold(tag)]);
    roff.text([roman(text)]);
}

fn section(roff: &mut Roff, title: &str) {
    roff.control("SH", [title]);
}

fn para(roff: &mut Roff, text: impl Into<Vec<Inline>>) {
    roff.control("PP", []);
    roff.text(text);
}

/// A tag (an exit code, a variable, a command line) and its text.
type Item = (&'static str, &'static str);
type Items = &'static [Item];

// Exit codes, as `cli.rs` returns them (its `EXIT_*` constants).
const USAGE: &str = "A usage error (an unknown flag or value), as for every command.";
const CHECK_EXIT: &[(&str, &str)] = &[
    ("0", "No findings (info notes, GR007 and GR015, do not count); also with --exit-zero, --write-baseline, --show-files and --show-settings (2 still when a path cannot be read)."),
    ("1", "Findings: warnings or errors that --select, --ignore, the allowlist or the baseline did not hide."),
    ("2", "A usage error (an unknown flag, rule or source), an invalid configuration file, or a path or file that could not be read; the other files are still checked and reported. --exit-zero does not turn it into 0."),
];
const FIX_EXIT: &[(&str, &str)] = &[
    ("0", "The fixes were written, or there was nothing to fix; with --diff, there is no change; with --stdin-filename, the fixed text was printed."),
    ("1", "With --diff: there are changes (the diff is printed, nothing is written)."),
    ("2", "A usage error (an unknown flag, rule or source; also a --select or --ignore key that names no rule), an invalid configuration file, a file that could not be read, or changes refused or not written (a file edited on disk since it was read, a fix that would add parse errors, a failed write); nothing is left half-written."),
];
const MIGRATE_EXIT: &[(&str, &str)] = &[
    ("0", "The plan was printed (nothing changed), or, with --apply, applied."),
    ("2", "A usage error, an invalid configuration file, or a file that could not be read (the plan is printed and --apply refuses to apply it), or a failed write."),
];
const CACHE_EXIT: &[(&str, &str)] = &[
    ("0", "The report was printed (and, with --prune, the executables removed)."),
    ("2", "PATH does not exist; GOCACHE cannot be located (GOCACHE=off, a relative path, nothing set), does not exist or does not look like a Go build cache; or an entry could not be read or removed (the report is still printed)."),
];
const PRINT_EXIT: &[(&str, &str)] = &[("0", "Printed."), ("2", USAGE)];
const MAN_EXIT: &[(&str, &str)] = &[
    ("0", "The page was printed, or the pages were written."),
    (
        "2",
        "An unknown SUBCOMMAND, a DIR that cannot be written, or a usage error.",
    ),
];
const RULE_EXIT: &[(&str, &str)] = &[
    ("0", "The documentation was printed."),
    ("2", "An unknown rule, or a usage error."),
];
const TOP_EXIT: &[(&str, &str)] = &[
    ("0", "No findings; fix: done; fix --diff: no change."),
    ("1", "check: findings; fix --diff: there are changes."),
    ("2", "A usage, configuration or I/O error (a file that could not be read, a binary file); the other files are still checked and reported. Each command's page has the details."),
];

// Environment variables, as the code reads them.
const NO_COLOR: (&str, &str) = (
    "NO_COLOR",
    "Set and not empty: no colour with --color auto (the default), even on a terminal.",
);
const TIMINGS: (&str, &str) = (
    "GORUN_LINT_TIMINGS",
    "Set (to anything): print the time each stage took on standard error, as --timings does.",
);
const GOCACHE: &[(&str, &str)] = &[
    ("GOCACHE", "The Go build cache (for cache, unless --gocache is given). It must be an absolute path; GOCACHE=off, or a cache that cannot be read, is an error for cache, a line of the report for migrate and a warning for check --cache-cost. The go command is not run."),
    ("GOENV", "The go env file read for a GOCACHE set with `go env -w` when $GOCACHE is not set (off: none). Default: $XDG_CONFIG_HOME/go/env, else $HOME/.config/go/env (macOS: ~/Library/Application Support/go/env; Windows: %AppData%\\go\\env)."),
    ("XDG_CACHE_HOME, HOME", "The default cache when GOCACHE is set nowhere: $XDG_CACHE_HOME/go-build, else $HOME/.cache/go-build (macOS: ~/Library/Caches/go-build; Windows: %LocalAppData%\\go-build)."),
    ("XDG_CONFIG_HOME", "Where the default go env file is (above)."),
];

fn extra(roff: &mut Roff, name: &str) {
    let (exit, env, examples): (Items, Vec<Item>, Items) = match name
    {
        "check" => (
            CHECK_EXIT,
            // (The Go cache's for --cache-cost.)
            [NO_COLOR, TIMINGS]
                .into_iter()
                .chain(GOCACHE.iter().copied())
                .collect(),
            &[
                ("gorun-lint check", "Check the current directory."),
                ("gorun-lint check --format json .", "The findings as JSON (also sarif, github)."),
                ("gorun-lint check --select GR00 --ignore GR005 Makefile scripts", "Only rules GR001-GR009 but GR005, in one Makefile and one directory."),
                ("gorun-lint check --statistics", "Counts per rule instead of the findings."),
                ("gorun-lint check --cache-cost", "Say under each finding what its executable has left in GOCACHE now."),
                ("gorun-lint check --show-files", "The files a check would read; nothing is checked."),
                ("gorun-lint check --show-settings Makefile", "The configuration file and settings that apply to Makefile."),
                ("gorun-lint check --stdin-filename Makefile < buffer", "Check an editor's buffer as if it were Makefile."),
                ("gorun-lint check --write-baseline .gorun-lint-baseline.json", "Record today's findings in a legacy repository; --baseline FILE then reports only new ones."),
            ],
        ),
        "fix" => (
            FIX_EXIT,
            vec![NO_COLOR, TIMINGS],
            &[
                ("gorun-lint fix --diff", "Preview the fixes as a unified diff; write nothing."),
                ("gorun-lint fix", "Apply the safe fixes."),
                ("gorun-lint fix --unsafe-fixes", "Also apply the unsafe ones."),
                ("gorun-lint fix --select GR001 --diff", "Only the fixes of rule GR001 (codes, code prefixes or names; --ignore leaves rules out)."),
                ("gorun-lint fix --out-dir bin/tools", "Build helpers into bin/tools instead of _gen/bin."),
                ("gorun-lint fix --stdin-filename Makefile < buffer", "Print the fixed text of an editor's buffer."),
            ],
        ),
        "migrate" => (
            MIGRATE_EXIT,
            [TIMINGS].into_iter().chain(GOCACHE.iter().copied()).collect(),
            &[
                ("gorun-lint migrate", "Print the plan for the current directory; change nothing."),
                ("gorun-lint migrate --apply", "Apply it, mark what stays on go run at its callsite with the reason, and print the CI lines."),
            ],
        ),
        "cache" => (
            CACHE_EXIT,
            GOCACHE.to_vec(),
            &[
                ("gorun-lint cache", "What go run left in GOCACHE for the repository in the current directory."),
                ("gorun-lint cache --format json", "The same as a JSON object."),
                ("gorun-lint cache --prune --dry-run", "What --prune would remove."),
                ("gorun-lint cache --prune", "Remove this repository's helpers' executables."),
                ("gorun-lint cache --prune --all-executables", "Remove every cached executable."),
            ],
        ),
        "completions" => (
            PRINT_EXIT,
            Vec::new(),
            &[
                ("gorun-lint completions bash > /etc/bash_completion.d/gorun-lint", "Install bash completions."),
                ("gorun-lint completions zsh > ~/.zfunc/_gorun-lint", "The same for zsh."),
            ],
        ),
        "man" => (
            MAN_EXIT,
            Vec::new(),
            &[
                ("gorun-lint man check | man -l -", "Read the page of check."),
                ("gorun-lint man --dir /usr/local/share/man/man1", "Install every page."),
            ],
        ),
        "rules" => (
            PRINT_EXIT,
            Vec::new(),
            &[("gorun-lint rules", "The rules: code, name, severity, fix, summary.")],
        ),
        "rule" => (
            RULE_EXIT,
            Vec::new(),
            &[
                ("gorun-lint rule GR001", "A rule's documentation by code."),
                ("gorun-lint rule local-go-run", "The same by name."),
            ],
        ),
        _ => (
            TOP_EXIT,
            [NO_COLOR, TIMINGS]
                .into_iter()
                .chain(GOCACHE.iter().copied())
                .collect(),
            &[
                ("gorun-lint check", "Report the go run callsites under the current directory."),
                ("gorun-lint fix --diff", "Preview the fixes."),
                ("gorun-lint fix", "Apply the safe fixes."),
                ("gorun-lint migrate", "Plan a legacy repository's migration."),
                ("gorun-lint man check", "The page of one command."),
            ],
        ),
    };

    section(roff, "EXIT STATUS");
    for (code, text) in exit {
        item(roff, code, text);
    }

    section(roff, "FILES");
    files(roff, name);

    section(roff, "ENVIRONMENT");
    if env.is_empty() {
        roff.text([roman("This command reads no environment variable.")]);
    }
    for (var, text) in &env {
        item(roff, var, text);
    }
    if name.is_empty() {
        para(roff, [roman("NO_COLOR is read by check and fix --diff; GORUN_LINT_TIMINGS by check, fix and migrate; the Go cache variables by cache, migrate and check --cache-cost.")]);
    }

    section(roff, "EXAMPLES");
    for (command, text) in examples {
        item(roff, command, text);
    }

    section(roff, "SEE ALSO");
    let mut refs: Vec<String> = std::iter::once(String::new())
        .chain(subcommands())
        .filter(|s| s != name)
        .map(|s| {
            if s.is_empty() {
                "gorun-lint(1)".to_string()
            } else {
                format!("gorun-lint-{s}(1)")
            }
        })
        .collect();
    refs.push("make(1)".into());
    roff.text([roman(refs.join(", "))]);
    para(
        roff,
        [
            roman("The rules' documentation: "),
            bold("gorun-lint rule"),
            roman(" "),
            italic("CODE"),
            roman(". What fix writes: docs/fix.md in the source repository."),
        ],
    );
}

/// The FILES section: the configuration file, for the commands that read
/// it, as `lint/config.rs` reads it; and what each command writes.
fn files(roff: &mut Roff, name: &str) {
    let reads_config = matches!(name, "" | "check" | "fix" | "migrate" | "cache");
    if reads_config {
        roff.control("TP", []);
        roff.text([bold(crate::lint::config::FILE_NAME)]);
        roff.text([roman(
            "The configuration: for each file, the closest one in its directory or a directory above it (--config FILE uses FILE for every file instead); without one, the defaults. Keys: go-commands (wrappers that are go under another name), exec-wrappers (programs that run their trailing arguments as a command: { name, skip-flags }), include and exclude (globs, relative to the configuration file's directory), out-dir (default _gen/bin, relative to the same directory), clean-target (default clean), prerequisites (go-list, the default, or static), ignore (rules not to report), sources (makefiles, scripts, generate, go (exec.Command calls of go run and go tool in .go files), workflows, procfiles; default all), and an [allow] table of tool names or package paths, each with a required reason: a reason alone (every file and rule but GR002, read-time go run) or { reason, files, rules } scoped to file globs and rules. An unknown key, an allow entry without a reason, a bad glob, out-dir outside the repository or an unknown rule or source is an error (exit 2). gorun-lint check --show-settings prints the file and settings that apply to each file.",
        )]);
    }
    match name {
        "check" => item(
            roff,
            "--baseline FILE, --write-baseline FILE",
            "A JSON baseline of findings (file, rule, tool, command text; no line numbers).",
        ),
        "fix" => item(
            roff,
            "Makefiles, scripts, workflows, .gitignore",
            "What fix edits: callsites, the helper targets block, clean, and .gitignore entries for the out dir. Each file is written to a temporary file beside it and renamed into place.",
        ),
        "migrate" => item(
            roff,
            crate::lint::config::FILE_NAME,
            "--apply records each callsite that stays on go run with a `gorun-lint: allow` comment above it, or, where no comment line can go, as an [allow] entry scoped to its file and rules (creating the file at PATH when there is none); besides the files fix edits.",
        ),
        "cache" => item(
            roff,
            "GOCACHE/<xx>/<hash>-d/<tool>",
            "The cached executables the report counts and --prune removes (never action entries or other outputs).",
        ),
        "man" => item(
            roff,
            "DIR/gorun-lint.1, DIR/gorun-lint-<command>.1",
            "The pages --dir writes.",
        ),
        "" => {}
        _ => {
            roff.text([roman("This command reads and writes no file.")]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    /// Every example on every page is a command line `gorun-lint` accepts
    /// (up to a redirection or a pipe).
    #[test]
    fn examples_parse() {
        let mut seen = 0;
        for name in std::iter::once(None).chain(subcommands().into_iter().map(Some)) {
            let page = String::from_utf8(page(name.as_deref()).unwrap()).unwrap();
            let start = page.find(".SH EXAMPLES").expect("an EXAMPLES section");
            let section = &page[start..];
            let end = section[1..].find(".SH").map_or(section.len(), |i| i + 1);
            let mut lines = section[..end].lines();
            while let Some(line) = lines.next() {
                if line != ".TP" {
                    continue;
                }
                let example = lines.next().unwrap();
                let text = example
                    .trim_start_matches("\\fB")
                    .trim_end_matches("\\fR")
                    .replace("\\-", "-");
                let words: Vec<&str> = text
                    .split_whitespace()
                    .take_while(|w| !matches!(*w, "<" | ">" | "|"))
                    .collect();
                assert_eq!(words.first(), Some(&"gorun-lint"), "{example}");
                if let Some(n) = &name {
                    assert_eq!(words.get(1), Some(&n.as_str()), "{example}");
                }
                if let Err(e) = Cli::try_parse_from(&words) {
                    panic!("{text}: {e}");
                }
                seen += 1;
            }
        }
        assert!(seen > 20, "{seen}");
    }
}
