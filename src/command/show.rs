//! `check --show-files` and `check --show-settings`, as ruff has them: what
//! a check would read, and the configuration each file gets, without
//! checking anything.
//!
//! Both take their files from the walk the check itself runs
//! ([`crate::lint::discover::discover`]: the paths given, `.gitignore`,
//! `vendor/` and `testdata/` left out, config `include`/`exclude` and
//! `sources`, `--only`), not from a walk of their own, so that they cannot
//! disagree with it. What the walk does not see is not listed: files
//! named by a Makefile's `include` lines and scripts a recipe runs are
//! found while the Makefiles are read, which these flags do not do (they
//! would then be a check). Makefiles read under `--only scripts` only for
//! their recipes' working directories are not checked, and not listed.
//!
//! The configuration of a file is the one the walk used for it
//! ([`crate::lint::config::Configs::for_dir`] on its directory, or the
//! `--config` file). `--show-settings` prints each configuration once,
//! with the files it applies to, rather than once per file: a tree has
//! many files and few configurations. Values are written as in the TOML
//! file (quoted strings, arrays), defaults included, so a block can be
//! compared with the file or copied into it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::Error;
use crate::lint::analysis::Options;
use crate::lint::config::{Config, Configs};
use crate::syntax::source::display_path;
use crate::syntax::sources::{Kind, Kinds};

/// The files a check of `opts.paths` would read, as reports name them,
/// sorted; and the walk's errors.
fn files(opts: &Options, cwd: &Path, configs: &Configs) -> (Vec<PathBuf>, Vec<Error>) {
    let found = crate::lint::discover::discover(&opts.paths, cwd, configs, opts.only);
    let mut files: Vec<PathBuf> = found
        .files
        .into_iter()
        .filter(|f| !f.context_only)
        .map(|f| f.path)
        .collect();
    files.sort_by_cached_key(|p| display_path(p, cwd));
    (files, found.errors)
}

/// Print the errors; the exit code.
fn finish(errors: &[Error], cwd: &Path) -> i32 {
    for e in errors {
        eprintln!(
            "gorun-lint: error: {}",
            e.to_string().replace(&format!("{}/", cwd.display()), "")
        );
    }
    if errors.is_empty() {
        crate::command::cli::EXIT_OK
    } else {
        crate::command::cli::EXIT_ERROR
    }
}

/// `--show-files`: one path a line.
pub fn show_files(opts: &Options, cwd: &Path) -> Result<i32, Error> {
    let configs = Configs::new(opts.config.as_deref(), crate::lint::rules::is_rule)?;
    let (files, errors) = files(opts, cwd, &configs);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for f in &files {
        let _ = writeln!(out, "{}", display_path(f, cwd));
    }
    let _ = out.flush();
    Ok(finish(&errors, cwd))
}

/// `--show-settings`: each configuration that applies, with its files.
pub fn show_settings(opts: &Options, cwd: &Path) -> Result<i32, Error> {
    let configs = Configs::new(opts.config.as_deref(), crate::lint::rules::is_rule)?;
    let (files, mut errors) = files(opts, cwd, &configs);
    // (config, its files), in the order of the files' first appearance.
    let mut groups: Vec<(Arc<Config>, Vec<PathBuf>)> = Vec::new();
    let mut add = |cfg: Arc<Config>, file: Option<PathBuf>| {
        let i = match groups.iter().position(|(c, _)| Arc::ptr_eq(c, &cfg)) {
            Some(i) => i,
            None => {
                groups.push((cfg, Vec::new()));
                groups.len() - 1
            }
        };
        groups[i].1.extend(file);
    };
    for f in files {
        match configs.for_dir(f.parent().unwrap_or(&f)) {
            Ok(cfg) => add(cfg, Some(f)),
            Err(e) => errors.push(e),
        }
    }
    // A path given with no file to check still shows what applies there.
    for p in &opts.paths {
        let abs = crate::lint::paths::normalize(&cwd.join(p));
        let dir = if abs.is_dir() {
            abs.as_path()
        } else {
            abs.parent().unwrap_or(&abs)
        };
        if dir.exists() {
            if let Ok(cfg) = configs.for_dir(dir) {
                add(cfg, None);
            }
        }
    }
    let mut text = String::new();
    for (i, (cfg, files)) in groups.iter().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        text.push_str(&settings(cfg, files, opts.only, cwd));
    }
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    Ok(finish(&errors, cwd))
}

/// A TOML string.
fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn array<S: AsRef<str>>(items: &[S]) -> String {
    let items: Vec<String> = items.iter().map(|s| quote(s.as_ref())).collect();
    format!("[{}]", items.join(", "))
}

/// One configuration's block.
fn settings(cfg: &Config, files: &[PathBuf], only: Option<Kinds>, cwd: &Path) -> String {
    let mut s = String::new();
    match &cfg.path {
        Some(p) => s.push_str(&format!("# config: {}\n", display_path(p, cwd))),
        None => s.push_str("# config: defaults (no .gorun-lint.toml found)\n"),
    }
    if files.is_empty() {
        s.push_str("# files: none\n");
    } else {
        s.push_str("# files:\n");
        for f in files {
            s.push_str(&format!("#   {}\n", display_path(f, cwd)));
        }
    }
    let kinds = |k: Kinds| -> Vec<&str> {
        Kind::ALL
            .into_iter()
            .filter(|&x| k.contains(x))
            .map(Kind::name)
            .collect()
    };
    let prerequisites = match cfg.prerequisites {
        crate::lint::config::Prerequisites::GoList => "go-list",
        crate::lint::config::Prerequisites::Static => "static",
    };
    s.push_str(&format!("out-dir = {}\n", quote(&cfg.out_dir)));
    s.push_str(&format!("clean-target = {}\n", quote(&cfg.clean_target)));
    s.push_str(&format!("prerequisites = {}\n", quote(prerequisites)));
    s.push_str(&format!("go-commands = {}\n", array(&cfg.go_commands)));
    let wrappers: Vec<String> = cfg
        .exec_wrappers
        .iter()
        .map(|w| {
            format!(
                "{{ name = {}, skip-flags = {} }}",
                quote(&w.name),
                array(&w.skip_flags)
            )
        })
        .collect();
    s.push_str(&format!("exec-wrappers = [{}]\n", wrappers.join(", ")));
    s.push_str(&format!("include = {}\n", array(&cfg.include)));
    s.push_str(&format!("exclude = {}\n", array(&cfg.exclude)));
    s.push_str(&format!("ignore = {}\n", array(&cfg.ignore)));
    match only {
        Some(k) => s.push_str(&format!("sources = {}  # from --only\n", array(&kinds(k)))),
        None => s.push_str(&format!("sources = {}\n", array(&kinds(cfg.kinds)))),
    }
    s.push_str("\n[allow]\n");
    for (key, e) in &cfg.allow {
        if e.files.is_empty() && e.rules.is_empty() {
            s.push_str(&format!("{} = {}\n", quote(key), quote(&e.reason)));
        } else {
            s.push_str(&format!(
                "{} = {{ reason = {}, files = {}, rules = {} }}\n",
                quote(key),
                quote(&e.reason),
                array(&e.files),
                array(&e.rules)
            ));
        }
    }
    s
}
