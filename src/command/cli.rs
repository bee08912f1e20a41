//! The command line: flags are defined once here (help text included) and
//! dispatched to the library. `main` maps the outcome to exit codes.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::command::render::{Format, RenderOptions};
use crate::error::Error;
use crate::lint::analysis::Options;
use crate::lint::check;
use crate::lint::config::Selection;
use crate::lint::rules;

/// Exit codes.
pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

#[derive(Debug, Parser)]
#[command(name = "gorun-lint", version, about = "Find, fix and guard against `go run` in Makefiles", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Report `go run` callsites (exit 0: none, 1: findings, 2: error).
    Check(CheckArgs),
    /// Rewrite repo-local `go run` callsites into `go build -o` file targets.
    Fix(FixArgs),
    /// Migrate a legacy repository: print the plan, and with --apply fix it,
    /// allowlist what stays on `go run` and print the CI lines.
    Migrate(MigrateArgs),
    /// Report the executables `go run` and `go tool` left in GOCACHE (per
    /// tool: copies, size, last use); --prune removes them.
    Cache(CacheArgs),
    /// Print shell completions.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// Print a man page (roff): gorun-lint's, or a command's
    /// (`gorun-lint man check`); --dir writes them all.
    Man(ManArgs),
    /// List the rules.
    Rules,
    /// Print a rule's documentation.
    Rule {
        /// Code (GR001) or name (local-go-run).
        code: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub struct Common {
    /// Files or directories to check (default: the current directory).
    pub paths: Vec<PathBuf>,
    /// Use this configuration file instead of the closest `.gorun-lint.toml`.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Colour: auto (a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    /// Read the file's text from standard input and report it as this path.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
    /// Read only these sources (comma-separated: makefiles, scripts,
    /// generate, go, workflows, procfiles; default: config `sources`, else all).
    #[arg(long, value_delimiter = ',', value_name = "SOURCES")]
    pub only: Vec<String>,
    /// Print where the time went on standard error: each stage (walk,
    /// read, prefilter, parse, scan, classify, name, rules, render) summed
    /// over the threads that ran it, and the wall time.
    #[arg(long)]
    pub timings: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub common: Common,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Print the number of findings per rule (and the summary) instead of
    /// the findings; in JSON, a `statistics` array beside them.
    #[arg(long)]
    pub statistics: bool,
    /// One line per finding, no snippets or summary decoration.
    #[arg(long, short)]
    pub quiet: bool,
    /// Exit 0 even when there are findings (errors still exit 2).
    #[arg(long)]
    pub exit_zero: bool,
    /// Report only these rules (codes, code prefixes such as `GR00`, or
    /// names; comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Do not report these rules (codes, code prefixes or names;
    /// comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Not a `check` flag: fixes are `gorun-lint fix` (said when given).
    #[arg(long, hide = true)]
    pub fix: bool,
    /// Record today's findings in FILE (for a legacy repository) and exit 0.
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,
    /// Report only findings not recorded in FILE; list entries that no
    /// longer match anything.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Print the files a check would read (one a line, sorted), check
    /// nothing and exit 0.
    #[arg(long, conflicts_with_all = SHOW_CONFLICTS)]
    pub show_files: bool,
    /// Print the configuration file that applies to each file (or to the
    /// given path) and its settings, check nothing and exit 0.
    #[arg(long, conflicts_with_all = SHOW_CONFLICTS, conflicts_with = "show_files")]
    pub show_settings: bool,
    /// Say under each `go run` / `go tool` finding what its executable has
    /// left in the local GOCACHE (builds, size); read-only, go is not run.
    #[arg(long)]
    pub cache_cost: bool,
}

/// What `--show-files` and `--show-settings` take no part of: they check
/// nothing, so flags about the report would be silently ignored.
const SHOW_CONFLICTS: [&str; 8] = [
    "stdin_filename",
    "cache_cost",
    "write_baseline",
    "baseline",
    "statistics",
    "quiet",
    "exit_zero",
    "format",
];

#[derive(Debug, Args)]
pub struct FixArgs {
    #[command(flatten)]
    pub common: Common,
    /// Print the changes as a unified diff and write nothing (exit 1 when
    /// there is a change, 0 when there is none). `--dry-run` is the same.
    #[arg(long, visible_alias = "dry-run")]
    pub diff: bool,
    /// Also apply fixes that may change behaviour.
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Apply only the fixes of these rules (codes, code prefixes such as
    /// `GR00`, or names; comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Do not apply the fixes of these rules (codes, code prefixes or
    /// names; comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Where helper binaries go, relative to the project root (config
    /// `out-dir`, default `_gen/bin`).
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<String>,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The repository (default: the current directory).
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Apply the plan.
    #[arg(long)]
    pub apply: bool,
    /// Also apply fixes that may change behaviour.
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Use this configuration file instead of the closest `.gorun-lint.toml`.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The command whose page to print (check, fix, ...; default: the page
    /// of gorun-lint itself).
    #[arg(value_name = "COMMAND", conflicts_with = "dir")]
    pub command: Option<String>,
    /// Write every page (gorun-lint.1, gorun-lint-check.1, ...) into DIR
    /// instead of printing one.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CacheArgs {
    /// The repository whose helpers to look for.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// The Go build cache (default: $GOCACHE, else the go env file, else the
    /// platform default; go is not run).
    #[arg(long, value_name = "DIR")]
    pub gocache: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: crate::command::cache::Format,
    /// Remove the cached executables of this repository's helpers (only
    /// executables in `<hash>-d` entries; the go command rebuilds on a miss).
    #[arg(long)]
    pub prune: bool,
    /// With --prune: report what would be removed, remove nothing.
    #[arg(long, requires = "prune")]
    pub dry_run: bool,
    /// With --prune: remove every cached executable, not only the helpers'.
    #[arg(long, requires = "prune")]
    pub all_executables: bool,
    /// With --prune: remove only the executables of this tool (repeatable).
    #[arg(long, requires = "prune", value_name = "NAME")]
    pub tool: Vec<String>,
    /// Use this configuration file instead of the closest `.gorun-lint.toml`.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

impl Common {
    pub fn color_enabled(&self, stream_is_terminal: bool) -> bool {
        match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                stream_is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        }
    }

    pub fn options(&self) -> Result<Options, Error> {
        let stdin = match &self.stdin_filename {
            Some(p) => {
                let mut bytes = Vec::new();
                std::io::stdin()
                    .read_to_end(&mut bytes)
                    .map_err(|e| Error::Usage(format!("cannot read standard input: {e}")))?;
                // The same rules as for a file on disk: binary is refused,
                // invalid UTF-8 is checked with the bytes replaced.
                let file = crate::syntax::source::SourceFile::from_bytes(p, Path::new(""), bytes)?;
                if file.lossy {
                    eprintln!(
                        "gorun-lint: warning: {} (standard input): not valid UTF-8; checked with invalid bytes replaced",
                        p.display()
                    );
                }
                Some((p.clone(), file.text))
            }
            None => None,
        };
        let paths = if self.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            self.paths.clone()
        };
        let only = if self.only.is_empty() {
            None
        } else {
            Some(
                crate::syntax::sources::Kinds::parse(&self.only)
                    .map_err(|m| Error::Usage(format!("--only: {m}")))?,
            )
        };
        Ok(Options {
            paths,
            config: self.config.clone(),
            out_dir: None,
            stdin,
            only,
            finish: None,
        })
    }
}

/// `--timings`, or `GORUN_LINT_TIMINGS` set (for any command that reads
/// files: check, fix, migrate): the stages' times on standard error. The
/// command layer reads the flag and the environment, and turns the lint's
/// clocks on ([`crate::lint::timings`]).
fn timings(cli: &Cli) -> bool {
    let flag = match &cli.command {
        Command::Check(a) => a.common.timings,
        Command::Fix(a) => a.common.timings,
        _ => false,
    };
    flag || std::env::var_os("GORUN_LINT_TIMINGS").is_some()
}

/// Run the command line; returns the exit code.
pub fn run(cli: Cli) -> i32 {
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            // Paths below the working directory are shown relative to it,
            // as in every report.
            let msg = match std::env::current_dir() {
                Ok(cwd) => relative_message(&e, &cwd),
                Err(_) => e.to_string(),
            };
            eprintln!("gorun-lint: error: {msg}");
            EXIT_ERROR
        }
    }
}

fn dispatch(cli: Cli) -> Result<i32, Error> {
    let timed = timings(&cli);
    if timed {
        crate::lint::timings::enable();
    }
    let start = std::time::Instant::now();
    let outcome = dispatch_command(cli);
    if timed {
        use crate::lint::timings;
        let (wall, cpu) = (start.elapsed(), timings::process_cpu());
        eprint!("{}", timings::table(&timings::rows(), wall, cpu));
    }
    outcome
}

fn dispatch_command(cli: Cli) -> Result<i32, Error> {
    match cli.command {
        Command::Check(args) => run_check(args),
        Command::Fix(args) => run_fix(args),
        Command::Migrate(args) => run_migrate(args),
        Command::Cache(args) => run_cache(args),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "gorun-lint", &mut std::io::stdout());
            Ok(EXIT_OK)
        }
        Command::Man(args) => {
            if let Some(dir) = &args.dir {
                let written = crate::command::man::write_all(dir)?;
                eprintln!(
                    "gorun-lint: wrote {} man pages to {}",
                    written.len(),
                    dir.display()
                );
            } else {
                let page = crate::command::man::page(args.command.as_deref())?;
                let _ = std::io::stdout().write_all(&page);
            }
            Ok(EXIT_OK)
        }
        Command::Rules => {
            let mut out = String::new();
            let fix = |r: &crate::lint::diagnostic::RuleInfo| match r.fix {
                crate::lint::diagnostic::FixAvailability::Always => "fix",
                crate::lint::diagnostic::FixAvailability::Sometimes => "fix (sometimes)",
                crate::lint::diagnostic::FixAvailability::Never => "",
            };
            // Columns as wide as their longest entry: aligned for any name.
            let all = rules::all();
            let name_w = all.iter().map(|r| r.name.len()).max().unwrap_or(0);
            let sev_w = all
                .iter()
                .map(|r| r.severity.as_str().len())
                .max()
                .unwrap_or(0);
            let fix_w = all.iter().map(|r| fix(r).len()).max().unwrap_or(0);
            for r in all {
                out.push_str(&format!(
                    "{}  {:<name_w$}  {:<sev_w$}  {:<fix_w$}  {}\n",
                    r.code,
                    r.name,
                    r.severity.as_str(),
                    fix(r),
                    r.summary
                ));
            }
            print!("{out}");
            Ok(EXIT_OK)
        }
        Command::Rule { code } => match rules::lookup(&code) {
            Some(r) => {
                print!("{}", r.doc());
                Ok(EXIT_OK)
            }
            None => Err(Error::Usage(format!(
                "unknown rule `{code}`; `gorun-lint rules` lists them"
            ))),
        },
    }
}

/// An error's message with paths below the working directory shown
/// relative to it, as reports show them.
fn relative_message(e: &Error, cwd: &std::path::Path) -> String {
    let prefix = format!("{}/", cwd.display());
    e.to_string().replace(&prefix, "")
}

fn cwd() -> Result<PathBuf, Error> {
    std::env::current_dir()
        .map_err(|e| Error::Usage(format!("cannot read the working directory: {e}")))
}

fn run_check(args: CheckArgs) -> Result<i32, Error> {
    if args.statistics && matches!(args.format, Format::Sarif | Format::Github) {
        return Err(Error::Usage(
            "`--statistics` is for `--format human` and `--format json`".into(),
        ));
    }
    if args.fix {
        return Err(Error::Usage(
            "`check` does not fix: run `gorun-lint fix` (`gorun-lint fix --diff` to see the changes first)"
                .into(),
        ));
    }
    let selection = selection(&args.select, &args.ignore)?;
    let cwd = cwd()?;
    if args.show_files {
        return crate::command::show::show_files(&args.common.options()?, &cwd);
    }
    if args.show_settings {
        return crate::command::show::show_settings(&args.common.options()?, &cwd);
    }
    let opts = Options {
        finish: Some(selection.clone()),
        ..args.common.options()?
    };
    let mut analysis = crate::lint::driver::run(&opts, &cwd)?;
    let mut report = crate::lint::timings::time(crate::lint::timings::Stage::Rules, || {
        check::check(&mut analysis, &selection, &cwd)
    });
    if let Some(path) = &args.write_baseline {
        let n = crate::command::baseline::write(path, &report.diagnostics)?;
        eprintln!(
            "gorun-lint: wrote {n} baseline entr{} to {}",
            if n == 1 { "y" } else { "ies" },
            path.display()
        );
        return Ok(if analysis.errors.is_empty() {
            EXIT_OK
        } else {
            EXIT_ERROR
        });
    }
    if let Some(path) = &args.baseline {
        let entries = crate::command::baseline::read(path)?;
        for stale in crate::command::baseline::filter(&mut report.diagnostics, &entries) {
            eprintln!(
                "gorun-lint: warning: baseline entry no longer matches: {} {} {} `{}`{}",
                stale.file,
                stale.rule,
                stale.tool,
                stale.command,
                if stale.count > 1 {
                    format!(" ({} times)", stale.count)
                } else {
                    String::new()
                }
            );
        }
    }
    // An aside to the findings: a cache that cannot be read is one warning,
    // and the report and exit code are what they are without the flag.
    let cache_cost = if args.cache_cost {
        match crate::command::cache::cost::measure(&report.diagnostics, &cwd) {
            Ok(m) => {
                if m.problems > 0 {
                    eprintln!(
                        "gorun-lint: warning: --cache-cost: {} GOCACHE entr{} could not be read; the costs shown may be low (`gorun-lint cache` lists {})",
                        m.problems,
                        if m.problems == 1 { "y" } else { "ies" },
                        if m.problems == 1 { "it" } else { "them" }
                    );
                }
                Some(m.costs)
            }
            Err(e) => {
                eprintln!(
                    "gorun-lint: warning: --cache-cost: GOCACHE not read, no costs shown: {}",
                    relative_message(&e, &cwd)
                );
                None
            }
        }
    } else {
        None
    };
    let stdout = std::io::stdout();
    let opts = RenderOptions {
        color: args.common.color_enabled(stdout.is_terminal()),
        statistics: args.statistics,
        quiet: args.quiet,
        cache_cost,
    };
    // Streamed: a large report is never one string in memory.
    crate::lint::timings::time(crate::lint::timings::Stage::Render, || {
        let mut out = std::io::BufWriter::new(stdout.lock());
        let _ = args.format.renderer().write(&report, &opts, &mut out);
        let _ = out.flush();
    });
    for w in &analysis.warnings {
        eprintln!("gorun-lint: warning: {w}");
    }
    for e in &analysis.errors {
        eprintln!("gorun-lint: error: {}", relative_message(e, &cwd));
    }
    let code = if !analysis.errors.is_empty() {
        EXIT_ERROR
    } else if report.has_findings() && !args.exit_zero {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    };
    // The process ends here: freeing every file's analysis one by one would
    // only cost time (a few percent of a large check).
    std::mem::forget(report);
    std::mem::forget(analysis);
    Ok(code)
}

/// `--select` and `--ignore` (of `check` and `fix`): every key must
/// choose a rule, or the run would silently report or fix nothing.
fn selection(select: &[String], ignore: &[String]) -> Result<Selection, Error> {
    for key in select.iter().chain(ignore) {
        if !rules::is_rule(key) {
            return Err(Error::Usage(format!(
                "unknown rule `{key}`; `gorun-lint rules` lists them"
            )));
        }
    }
    Ok(Selection {
        select: select.to_vec(),
        ignore: ignore.to_vec(),
    })
}

fn run_fix(args: FixArgs) -> Result<i32, Error> {
    if args.common.stdin_filename.is_some() && args.diff {
        return Err(Error::Usage(
            "`--stdin-filename` prints the fixed text; it takes no `--diff`".into(),
        ));
    }
    let selection = selection(&args.select, &args.ignore)?;
    let cwd = cwd()?;
    let mut opts = args.common.options()?;
    if let Some(d) = &args.out_dir {
        let d = d.trim_end_matches('/').trim_start_matches("./");
        if d.is_empty() || d.starts_with('/') || d.contains("..") {
            return Err(Error::Usage(format!(
                "--out-dir `{d}` must be a relative path inside the repository"
            )));
        }
        opts.out_dir = Some(d.to_string());
    }
    let analysis = crate::lint::driver::run(&opts, &cwd)?;
    for w in &analysis.warnings {
        eprintln!("gorun-lint: warning: {w}");
    }
    for e in &analysis.errors {
        eprintln!("gorun-lint: error: {}", relative_message(e, &cwd));
    }
    let plan =
        crate::lint::fix::plan::plan_selected(&analysis, args.unsafe_fixes, None, &selection);
    let changes = crate::lint::fix::apply::render(&plan.files)?;
    if let Some((name, original)) = &opts.stdin {
        return fix_stdin(name, original, &changes, &analysis, &cwd);
    }
    let guard = if plan.guard_fixes > 0 {
        format!(
            "; {} missing helper prerequisite{} added",
            plan.guard_fixes,
            plural(plan.guard_fixes)
        )
    } else {
        String::new()
    };
    let held = if plan.held_back > 0 {
        format!(
            "; {} unsafe fix{} held back (use --unsafe-fixes)",
            plan.held_back,
            if plan.held_back == 1 { "" } else { "es" }
        )
    } else {
        String::new()
    };
    if args.diff {
        let stdout = std::io::stdout();
        let text = crate::lint::fix::apply::diff(
            &changes,
            args.common.color_enabled(stdout.is_terminal()),
        );
        let mut lock = stdout.lock();
        let _ = lock.write_all(text.as_bytes());
        let _ = lock.flush();
        if !changes.is_empty() {
            eprintln!(
                "Would fix {} callsite{} in {} file{}{guard}{held}.",
                plan.fixed,
                plural(plan.fixed),
                changes.len(),
                plural(changes.len())
            );
        }
        return Ok(if !analysis.errors.is_empty() {
            EXIT_ERROR
        } else if changes.is_empty() {
            EXIT_OK
        } else {
            EXIT_FINDINGS
        });
    }
    crate::lint::fix::apply::write_all(&changes)?;
    if changes.is_empty() {
        eprintln!("Nothing to fix{held}.");
    } else {
        eprintln!(
            "Fixed {} callsite{} in {} file{}{guard}{held}.",
            plan.fixed,
            plural(plan.fixed),
            changes.len(),
            plural(changes.len())
        );
    }
    Ok(if analysis.errors.is_empty() {
        EXIT_OK
    } else {
        EXIT_ERROR
    })
}

/// `fix --stdin-filename PATH`, for editors: the fixed text of PATH (read
/// from standard input) on standard output, its own text when nothing is
/// fixed; nothing is written. The other files a fix would change (the
/// helper block of the Makefile that includes it, `.gitignore`) are named
/// on standard error: `gorun-lint fix` writes them.
fn fix_stdin(
    name: &Path,
    original: &str,
    changes: &[crate::lint::fix::apply::Change],
    analysis: &crate::lint::analysis::Analysis,
    cwd: &Path,
) -> Result<i32, Error> {
    // (Its errors were reported with the analysis's.)
    let path = crate::lint::paths::normalize(&cwd.join(name));
    if analysis
        .files
        .iter()
        .any(|f| f.file.path == path && f.file.lossy)
    {
        return Err(Error::Input {
            path: name.to_path_buf(),
            message: "not valid UTF-8: `fix` does not edit it".into(),
        });
    }
    let text = changes
        .iter()
        .find(|c| c.edits.path == path)
        .map_or(original, |c| c.new_text.as_str());
    let mut lock = std::io::stdout().lock();
    let _ = lock.write_all(text.as_bytes());
    let _ = lock.flush();
    for c in changes.iter().filter(|c| c.edits.path != path) {
        eprintln!(
            "gorun-lint: the fix also changes {} (not written: run `gorun-lint fix`)",
            c.edits.display
        );
    }
    Ok(if analysis.errors.is_empty() {
        EXIT_OK
    } else {
        EXIT_ERROR
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn run_cache(args: CacheArgs) -> Result<i32, Error> {
    // A repository that is not there: an error, not a report (with pruning
    // advice) about a cache no helper of it could have filled.
    let cwd = cwd()?;
    if !cwd.join(&args.path).exists() {
        return Err(Error::io(
            &args.path,
            std::io::Error::from(std::io::ErrorKind::NotFound),
        ));
    }
    let opts = crate::command::cache::CacheOptions {
        path: args.path,
        config: args.config,
        gocache: args.gocache,
        format: args.format,
        prune: args.prune,
        dry_run: args.dry_run,
        all_executables: args.all_executables,
        tools: args.tool,
    };
    Ok(if crate::command::cache::run(&opts, &cwd)? {
        EXIT_OK
    } else {
        EXIT_ERROR
    })
}

fn run_migrate(args: MigrateArgs) -> Result<i32, Error> {
    let cwd = cwd()?;
    let opts = Options {
        paths: vec![args.path.clone()],
        config: args.config.clone(),
        out_dir: None,
        stdin: None,
        only: None,
        finish: None,
    };
    let spinner = std::io::stderr().is_terminal().then(|| {
        let s = indicatif::ProgressBar::new_spinner();
        s.set_message(format!("reading {}", args.path.display()));
        s.enable_steady_tick(std::time::Duration::from_millis(100));
        s
    });
    let analysis = crate::lint::driver::run(&opts, &cwd)?;
    if let Some(s) = spinner {
        s.finish_and_clear();
    }
    for w in &analysis.warnings {
        eprintln!("gorun-lint: warning: {w}");
    }
    for e in &analysis.errors {
        eprintln!("gorun-lint: error: {}", relative_message(e, &cwd));
    }
    // What `go run` of the helpers has left in GOCACHE (one line if unknown).
    let (cache_text, cache_report) = crate::command::cache::migrate_report(
        &crate::lint::helpers::of(&analysis),
        &args.path,
        &cwd,
    );
    println!("{cache_text}");
    let plan = crate::command::migrate::plan(&analysis);
    print!("{}", crate::command::migrate::render(&plan));
    if !args.apply {
        println!("\nNothing was changed. Run `gorun-lint migrate --apply` to apply this plan.");
        return Ok(if analysis.errors.is_empty() {
            EXIT_OK
        } else {
            EXIT_ERROR
        });
    }
    if !analysis.errors.is_empty() {
        return Err(Error::Usage(
            "not applying the migration: some files could not be read (see above)".into(),
        ));
    }
    let mut fix = crate::lint::fix::plan::plan(&analysis, args.unsafe_fixes, None);
    // Record what stays on `go run` at its callsite (a comment above it),
    // or scoped in the config where no comment can go.
    let root = crate::lint::paths::normalize(&cwd.join(&args.path));
    let config_path = match &args.config {
        Some(p) => p.clone(),
        None => crate::lint::config::Configs::new(None, rules::is_rule)?
            .for_dir(&root)?
            .path
            .clone()
            .unwrap_or_else(|| root.join(crate::lint::config::FILE_NAME)),
    };
    let config_dir = config_path.parent().unwrap_or(&root).to_path_buf();
    let kept = crate::command::migrate::keep(&analysis, &plan, &config_dir);
    for c in kept.comments {
        match fix.files.iter_mut().find(|f| f.path == c.path) {
            Some(f) => f.edits.extend(c.edits),
            None => fix.files.push(c),
        }
    }
    let changes = crate::lint::fix::apply::render(&fix.files)?;
    let entries = kept.entries;
    let mut config_change = None;
    if !entries.is_empty() || !config_path.exists() {
        let original = std::fs::read_to_string(&config_path).unwrap_or_default();
        let new_text = crate::command::migrate::add_allow_entries(&original, &entries, "_gen/bin");
        crate::lint::config::Config::from_text(&config_path, &new_text, rules::is_rule)?;
        config_change = Some((original, new_text));
    }
    crate::lint::fix::apply::write_all(&changes)?;
    if let Some((_, text)) = &config_change {
        crate::lint::fix::apply::write_atomic(&config_path, text.as_bytes())?;
    }
    println!(
        "\nFixed {} callsite{} in {} file{}.",
        fix.fixed,
        plural(fix.fixed),
        changes.len(),
        plural(changes.len())
    );
    if kept.callsites > 0 {
        let in_config = if entries.is_empty() {
            String::new()
        } else {
            format!(
                " ({} scoped in {})",
                entries.len(),
                crate::syntax::source::display_path(&config_path, &cwd)
            )
        };
        println!(
            "Recorded {} callsite{} that stay{} on `go run` with a `gorun-lint: allow` comment above {}{in_config}: review the reasons.",
            kept.callsites,
            plural(kept.callsites),
            if kept.callsites == 1 { "s" } else { "" },
            if kept.callsites == 1 { "it" } else { "each" },
        );
    }
    println!("\n{}", crate::command::migrate::ci_lines(&root, &cwd));
    // Only the migrated helpers' executables: a kept tool of the same name
    // is cached again by its next run.
    let kept_tools: Vec<&str> = plan
        .staying
        .iter()
        .filter_map(|s| s.tool.as_deref())
        .collect();
    let migrated: Vec<String> = plan
        .helpers
        .iter()
        .flat_map(|h| h.tools.iter())
        .filter(|t| !kept_tools.contains(&t.as_str()))
        .cloned()
        .collect();
    if let Some(t) =
        crate::command::cache::migrate_reclaim(cache_report.as_ref(), &args.path, &migrated)
    {
        print!("{t}");
    }
    Ok(EXIT_OK)
}
