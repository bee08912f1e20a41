//! Configuration: `.gorun-lint.toml`, the closest one walking up from each
//! checked file, or the one given with `--config`.
//!
//! ```toml
//! go-commands = ["./hack/gow"]      # wrappers that are go under another name
//! exec-wrappers = [{ name = "addlicense", skip-flags = ["-file"] }]
//!                                    # programs that run their trailing arguments
//! include = ["build/**/*.mk"]       # extra globs of files to check
//! exclude = ["third_party/**"]      # globs of files never to check
//! out-dir = "_gen/bin"              # where `fix` puts helper binaries
//! clean-target = "clean"            # the target that must remove out-dir
//! ignore = ["GR003"]                # rules (codes or names) not to report
//! sources = ["makefiles", "scripts"] # what to read (default: all of makefiles,
//!                                    # scripts, generate, workflows, procfiles)
//!
//! [allow]                            # tools or packages allowed to stay on `go run`
//! migrate-ci = "CI-only helper, not on developer paths"
//! "./scripts/version" = { reason = "prints the version at read time", files = ["Makefile"], rules = ["GR002"] }
//! ```
//!
//! An allow entry is a reason alone (the tool anywhere, every rule but
//! GR002: a `go run` while make reads the Makefile costs every `make`, so
//! a tool-wide reason must not hide it), or a table that scopes it: `files`
//! (globs, from the config's directory) and `rules` (codes, prefixes or
//! names; GR002 only when named). The table is read by hand rather than as
//! an untagged serde enum so that a mistake names the key and its line.

use std::collections::BTreeMap;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Deserialize;

use crate::error::Error;
use crate::lint::diagnostic::RuleInfo;
use crate::syntax::vars::ExecWrapper;

pub const FILE_NAME: &str = ".gorun-lint.toml";

/// One loaded configuration file (or the defaults).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub go_commands: Vec<String>,
    /// `exec-wrappers` as written; read into [`Config::exec_wrappers`].
    #[serde(default, rename = "exec-wrappers")]
    exec_wrappers_raw: Vec<ExecWrapperEntry>,
    /// Programs that run their trailing arguments as a command.
    #[serde(skip)]
    pub exec_wrappers: Vec<ExecWrapper>,
    #[serde(default)]
    pub include: Vec<String>,
    #[serde(default)]
    pub exclude: Vec<String>,
    #[serde(default = "default_out_dir")]
    pub out_dir: String,
    #[serde(default = "default_clean_target")]
    pub clean_target: String,
    /// How a fixed helper target learns its sources ([`Prerequisites`]).
    #[serde(default)]
    pub prerequisites: Prerequisites,
    #[serde(default)]
    pub ignore: Vec<String>,
    /// The `[allow]` table as written; read into [`Config::allow`].
    #[serde(default, rename = "allow")]
    allow_raw: BTreeMap<String, toml::Value>,
    /// Tools or packages allowed to stay on `go run`.
    #[serde(skip)]
    pub allow: BTreeMap<String, AllowEntry>,
    /// Which sources to read (`makefiles`, `scripts`, `generate`,
    /// `workflows`); all when absent.
    #[serde(default)]
    pub sources: Option<Vec<String>>,
    /// `sources`, parsed.
    #[serde(skip)]
    pub kinds: crate::syntax::sources::Kinds,
    /// The file this came from (`None` for the defaults).
    #[serde(skip)]
    pub path: Option<PathBuf>,
    /// 1-based line of each allow key in the file, for reports.
    #[serde(skip)]
    pub allow_lines: BTreeMap<String, usize>,
    /// `include` and `exclude`, compiled.
    #[serde(skip)]
    pub include_set: globset::GlobSet,
    #[serde(skip)]
    pub exclude_set: globset::GlobSet,
}

/// One `exec-wrappers` item: `{ name = "addlicense", skip-flags = ["-file"] }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct ExecWrapperEntry {
    name: String,
    #[serde(default)]
    skip_flags: Vec<String>,
}

/// One `[allow]` entry: why, and where it applies.
#[derive(Debug, Clone, Default)]
pub struct AllowEntry {
    pub reason: String,
    /// Globs of the files it applies in (relative to the config's
    /// directory); every file when empty.
    pub files: Vec<String>,
    pub files_set: globset::GlobSet,
    /// The rules it silences (codes, prefixes or names); when empty, every
    /// rule but the read-time one ([`crate::lint::allow::READ_TIME_RULE`]).
    pub rules: Vec<String>,
}

impl AllowEntry {
    /// Whether the entry applies in `file` (absolute), for a config in `dir`.
    pub fn applies_in(&self, file: &Path, dir: Option<&Path>) -> bool {
        if self.files.is_empty() {
            return true;
        }
        let rel = dir.and_then(|d| file.strip_prefix(d).ok()).unwrap_or(file);
        self.files_set.is_match(rel)
    }
}

/// How `fix` keeps a helper target fresh.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Prerequisites {
    /// The helper's recipe writes `<helper>.d` from `go list -deps` each
    /// time it builds, and the Makefile includes those files: the list is
    /// go's own, exact and never stale, and the Makefile gains a few lines.
    #[default]
    GoList,
    /// The sources as gorun-lint reads them today, written into the
    /// Makefile: no `go list` in recipes, but a snapshot that GR008 checks.
    Static,
}

fn default_out_dir() -> String {
    "_gen/bin".into()
}

fn default_clean_target() -> String {
    "clean".into()
}

impl Default for Config {
    fn default() -> Config {
        Config {
            go_commands: Vec::new(),
            exec_wrappers_raw: Vec::new(),
            exec_wrappers: Vec::new(),
            include: Vec::new(),
            exclude: Vec::new(),
            out_dir: default_out_dir(),
            clean_target: default_clean_target(),
            prerequisites: Prerequisites::default(),
            ignore: Vec::new(),
            allow_raw: BTreeMap::new(),
            allow: BTreeMap::new(),
            sources: None,
            kinds: crate::syntax::sources::Kinds::ALL,
            path: None,
            allow_lines: BTreeMap::new(),
            include_set: globset::GlobSet::empty(),
            exclude_set: globset::GlobSet::empty(),
        }
    }
}

impl Config {
    /// Load and validate a configuration file.
    /// Load and validate a configuration file; `known_rule`: whether its
    /// `ignore` may name a key (the rule table sits in a later stage).
    pub fn load(path: &Path, known_rule: fn(&str) -> bool) -> Result<Config, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Config::from_text(path, &text, known_rule)
    }

    pub fn from_text(
        path: &Path,
        text: &str,
        known_rule: fn(&str) -> bool,
    ) -> Result<Config, Error> {
        let mut cfg: Config = toml::from_str(text).map_err(|e| {
            config_error(
                path,
                e.message().to_string(),
                e.span().map(|s| line_col(text, s.start)),
            )
        })?;
        let at = Positions::parse(text);
        let raw = std::mem::take(&mut cfg.allow_raw);
        for (key, value) in raw {
            let entry = allow_entry(path, &at, &key, value, known_rule)?;
            cfg.allow.insert(key, entry);
        }
        if cfg.out_dir.trim().is_empty()
            || cfg.out_dir.starts_with('/')
            || cfg.out_dir.contains("..")
        {
            return Err(config_error(
                path,
                format!(
                    "out-dir `{}` must be a relative path inside the repository",
                    cfg.out_dir
                ),
                at.value("out-dir"),
            ));
        }
        cfg.out_dir = cfg
            .out_dir
            .trim_end_matches('/')
            .trim_start_matches("./")
            .to_string();
        for w in std::mem::take(&mut cfg.exec_wrappers_raw) {
            let bad = if w.name.is_empty() || w.name.contains(['/', ' ', '\t']) {
                Some((
                    format!(
                        "exec-wrappers: name `{}` must be a program's name (the last part of its path, or of the package `go run` runs)",
                        w.name
                    ),
                    &w.name,
                ))
            } else {
                w.skip_flags
                    .iter()
                    .find(|f| !f.starts_with('-') || f.len() < 2 || f.contains([' ', '=']))
                    .map(|f| {
                        (
                            format!(
                                "exec-wrappers: skip-flags of `{}`: `{f}` is not a flag (`-file`, `--holder`)",
                                w.name
                            ),
                            f,
                        )
                    })
            };
            if let Some((message, item)) = bad {
                return Err(config_error(path, message, at.item("exec-wrappers", item)));
            }
            cfg.exec_wrappers.push(ExecWrapper {
                name: w.name,
                skip_flags: w.skip_flags,
            });
        }
        for code in &cfg.ignore {
            if !known_rule(code) {
                return Err(config_error(
                    path,
                    format!("unknown rule `{code}` in ignore"),
                    at.item("ignore", code),
                ));
            }
        }
        if let Some(names) = &cfg.sources {
            cfg.kinds = crate::syntax::sources::Kinds::parse(names).map_err(|message| {
                config_error(path, format!("{message} in sources"), at.value("sources"))
            })?;
        }
        cfg.allow_lines = cfg
            .allow
            .keys()
            .filter_map(|k| Some((k.clone(), at.allow_key(k)?.0)))
            .collect();
        cfg.include_set = compile_globs(path, &cfg.include, |p| at.item("include", p))?;
        cfg.exclude_set = compile_globs(path, &cfg.exclude, |p| at.item("exclude", p))?;
        cfg.path = Some(path.to_path_buf());
        Ok(cfg)
    }

    /// The directory the config applies to (the repository root, usually).
    pub fn dir(&self) -> Option<&Path> {
        self.path.as_deref().and_then(Path::parent)
    }
}

/// One `[allow]` value: a reason, or `{ reason, files, rules }`.
fn allow_entry(
    path: &Path,
    at: &Positions,
    key: &str,
    value: toml::Value,
    known_rule: fn(&str) -> bool,
) -> Result<AllowEntry, Error> {
    let err = |message: String| config_error(path, message, at.allow_key(key));
    let strings = |field: &str, v: Option<toml::Value>| -> Result<Vec<String>, Error> {
        match v {
            None => Ok(Vec::new()),
            Some(toml::Value::Array(items)) => items
                .into_iter()
                .map(|i| match i {
                    toml::Value::String(s) => Ok(s),
                    other => Err(err(format!(
                        "allow entry `{key}`: `{field}` takes strings, not {}",
                        other.type_str()
                    ))),
                })
                .collect(),
            Some(other) => Err(err(format!(
                "allow entry `{key}`: `{field}` is a list of strings, not {}",
                other.type_str()
            ))),
        }
    };
    let mut entry = match value {
        toml::Value::String(reason) => AllowEntry {
            reason,
            ..AllowEntry::default()
        },
        toml::Value::Table(mut t) => {
            let reason = match t.remove("reason") {
                Some(toml::Value::String(r)) => r,
                Some(other) => {
                    return Err(err(format!(
                        "allow entry `{key}`: `reason` is a string, not {}",
                        other.type_str()
                    )))
                }
                None => String::new(),
            };
            let files = strings("files", t.remove("files"))?;
            let rules = strings("rules", t.remove("rules"))?;
            if let Some(other) = t.keys().next() {
                return Err(err(format!(
                    "allow entry `{key}`: unknown field `{other}` (expected `reason`, `files` or `rules`)"
                )));
            }
            AllowEntry {
                reason,
                files,
                rules,
                ..AllowEntry::default()
            }
        }
        other => {
            return Err(err(format!(
                "allow entry `{key}` is a reason (a string) or a table `{{ reason = \"...\", files = [...], rules = [...] }}`, not {}",
                other.type_str()
            )))
        }
    };
    if entry.reason.trim().is_empty() {
        return Err(err(format!("allow entry `{key}` needs a reason")));
    }
    for r in &entry.rules {
        if !known_rule(r) {
            return Err(config_error(
                path,
                format!("allow entry `{key}`: unknown rule `{r}`"),
                at.allow_item(key, r).or(at.allow_key(key)),
            ));
        }
    }
    entry.files_set = compile_globs(path, &entry.files, |p| {
        at.allow_item(key, p).or(at.allow_key(key))
    })?;
    Ok(entry)
}

/// Compile globs; `dir/**` also matches what is below `dir`. `at`: where
/// a pattern is written.
fn compile_globs(
    path: &Path,
    patterns: &[String],
    at: impl Fn(&str) -> Option<(usize, usize)>,
) -> Result<globset::GlobSet, Error> {
    let mut b = globset::GlobSetBuilder::new();
    for p in patterns {
        let glob = globset::Glob::new(p)
            .map_err(|e| config_error(path, format!("invalid glob `{p}`: {e}"), at(p)))?;
        b.add(glob);
        if let Some(stripped) = p.strip_suffix("/**") {
            if let Ok(g) = globset::Glob::new(&format!("{stripped}/**/*")) {
                b.add(g);
            }
        }
    }
    b.build()
        .map_err(|e| config_error(path, e.to_string(), patterns.first().and_then(|p| at(p))))
}

fn config_error(path: &Path, message: String, at: Option<(usize, usize)>) -> Error {
    Error::Config {
        path: path.to_path_buf(),
        message,
        line: at.map(|a| a.0),
        column: at.map(|a| a.1),
    }
}

/// 1-based line and column (in characters) of byte `offset` of `text`.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

/// Where the keys and list items of a config file are written, for errors
/// that name them: the file read again with `toml::Spanned` keys and items
/// (a second, best-effort parse: the first one, into [`Config`], has no
/// spans, and one that fails here leaves errors without a position).
#[derive(Debug, Default)]
struct Positions {
    /// Top-level keys: (key, value) byte ranges.
    top: BTreeMap<String, (std::ops::Range<usize>, std::ops::Range<usize>)>,
    /// `[allow]` keys: (key, value) byte ranges.
    allow: BTreeMap<String, (std::ops::Range<usize>, std::ops::Range<usize>)>,
    text: String,
}

impl Positions {
    fn parse(text: &str) -> Positions {
        use toml::Spanned;
        type Spans = BTreeMap<Spanned<String>, Spanned<toml::Value>>;
        #[derive(Deserialize)]
        struct AllowOnly {
            #[serde(default)]
            allow: Spans,
        }
        let ranges = |m: Spans| {
            m.into_iter()
                .map(|(k, v)| {
                    let kr = k.span();
                    (k.into_inner(), (kr, v.span()))
                })
                .collect()
        };
        Positions {
            top: toml::from_str::<Spans>(text)
                .map(ranges)
                .unwrap_or_default(),
            allow: toml::from_str::<AllowOnly>(text)
                .map(|a| ranges(a.allow))
                .unwrap_or_default(),
            text: text.to_string(),
        }
    }

    /// Where a top-level key's value starts.
    fn value(&self, key: &str) -> Option<(usize, usize)> {
        let (_, v) = self.top.get(key)?;
        Some(line_col(&self.text, v.start))
    }

    /// Where `item` is written in the value of a top-level key (a list).
    fn item(&self, key: &str, item: &str) -> Option<(usize, usize)> {
        let (_, v) = self.top.get(key)?;
        self.within(v.clone(), item)
            .or_else(|| Some(line_col(&self.text, v.start)))
    }

    fn allow_key(&self, key: &str) -> Option<(usize, usize)> {
        let (k, _) = self.allow.get(key)?;
        Some(line_col(&self.text, k.start))
    }

    /// Where `item` is written in an allow entry's value.
    fn allow_item(&self, key: &str, item: &str) -> Option<(usize, usize)> {
        let (_, v) = self.allow.get(key)?;
        self.within(v.clone(), item)
    }

    /// `item` as a quoted string inside `range`.
    fn within(&self, range: std::ops::Range<usize>, item: &str) -> Option<(usize, usize)> {
        let body = self.text.get(range.clone())?;
        ["\"", "'"].iter().find_map(|q| {
            body.find(&format!("{q}{item}{q}"))
                .map(|i| line_col(&self.text, range.start + i))
        })
    }
}

/// Directories a cache keyed by directory ([`Configs`],
/// [`crate::lint::gomod::Modules`], [`crate::lint::paths::nearest_ancestor`])
/// remembers at most.
const MAX_CACHED_DIRS: usize = 1024;

/// Keep a cache keyed by directory bounded, so that memory does not grow
/// with the tree: once full, only the entries `holds` keeps are left (the
/// directories holding the file the cache is about: each is read once),
/// and none when those alone fill half of it.
pub(crate) fn bound_dir_cache<V>(
    cache: &mut HashMap<std::ffi::OsString, V>,
    holds: impl Fn(&std::ffi::OsStr, &V) -> bool,
) {
    if cache.len() >= MAX_CACHED_DIRS {
        cache.retain(|k, v| holds(k, v));
        if cache.len() >= MAX_CACHED_DIRS / 2 {
            cache.clear();
        }
    }
}

/// Which rules to report.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Only these (codes or names); empty means all.
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

impl Selection {
    pub fn wants(&self, rule: &RuleInfo, config_ignore: &[String]) -> bool {
        let named = |keys: &[String]| keys.iter().any(|k| rule.is_selected_by(k));
        (self.select.is_empty() || named(&self.select))
            && !named(&self.ignore)
            && !named(config_ignore)
    }
}

/// Finds the configuration for each file; caches by directory.
///
/// The cache holds the directories that have a config file and those met
/// on the way up from another directory, not every directory asked about:
/// most are leaves, asked about once (the walk hands out a directory's files
/// together), and a tree of 50,000 directories would otherwise keep one
/// entry each. Keys are the paths' bytes (hashing a `Path` parses it into
/// components, a visible cost per walked directory).
#[derive(Debug)]
pub struct Configs {
    /// Whether a config's `ignore` may name a key (the rule table sits in
    /// a later stage, so it is handed in).
    known_rule: fn(&str) -> bool,
    explicit: Option<std::sync::Arc<Config>>,
    default: std::sync::Arc<Config>,
    cache: Mutex<HashMap<std::ffi::OsString, std::sync::Arc<Config>>>,
}

impl Configs {
    pub fn new(explicit: Option<&Path>, known_rule: fn(&str) -> bool) -> Result<Configs, Error> {
        let explicit = match explicit {
            Some(p) => Some(std::sync::Arc::new(Config::load(p, known_rule)?)),
            None => None,
        };
        Ok(Configs {
            known_rule,
            explicit,
            default: std::sync::Arc::new(Config::default()),
            cache: Mutex::new(HashMap::new()),
        })
    }

    /// The configuration for files in `dir` (absolute).
    pub fn for_dir(&self, dir: &Path) -> Result<std::sync::Arc<Config>, Error> {
        if let Some(c) = &self.explicit {
            return Ok(c.clone());
        }
        // Walk up to the nearest config (or a cached answer), then remember
        // the answer for the directories passed on the way.
        let mut passed = Vec::new();
        let mut found = None;
        for d in dir.ancestors() {
            if let Some(c) = self
                .cache
                .lock()
                .expect("config cache")
                .get(d.as_os_str())
                .cloned()
            {
                found = Some(c);
                break;
            }
            let p = d.join(FILE_NAME);
            if p.is_file() {
                let c = std::sync::Arc::new(Config::load(&p, self.known_rule)?);
                passed.push(d);
                found = Some(c);
                break;
            }
            if d != dir {
                passed.push(d);
            }
        }
        let c = found.unwrap_or_else(|| self.default.clone());
        let mut cache = self.cache.lock().expect("config cache");
        bound_dir_cache(&mut cache, |k, c| {
            c.dir().is_some_and(|d| d.as_os_str() == k)
        });
        for d in passed {
            cache.insert(d.as_os_str().to_owned(), c.clone());
        }
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_allowlist_and_rejects_empty_reasons() {
        let c = Config::from_text(
            Path::new("/r/.gorun-lint.toml"),
            "out-dir = \"./bin/\"\n[allow]\nmigrate-ci = \"CI only\"\n",
            crate::lint::rules::is_rule,
        )
        .unwrap();
        assert_eq!(c.out_dir, "bin");
        assert_eq!(c.allow_lines["migrate-ci"], 3);
        let e =
            Config::from_text(Path::new("x.toml"), "[allow]\nx = \"\"\n", |_| true).unwrap_err();
        assert!(e.to_string().contains("needs a reason"), "{e}");
        let e = Config::from_text(Path::new("x.toml"), "bogus = 1\n", |_| true).unwrap_err();
        assert!(e.to_string().contains("x.toml"), "{e}");
    }

    #[test]
    fn exec_wrappers_are_read_and_checked() {
        let c = Config::from_text(
            Path::new("c.toml"),
            "exec-wrappers = [{ name = \"addlicense\", skip-flags = [\"-file\"] }, { name = \"with-db\" }]\n",
            |_| true,
        )
        .unwrap();
        assert_eq!(
            c.exec_wrappers,
            [
                ExecWrapper {
                    name: "addlicense".into(),
                    skip_flags: vec!["-file".into()],
                },
                ExecWrapper {
                    name: "with-db".into(),
                    skip_flags: Vec::new(),
                },
            ]
        );
        let err = |text: &str| {
            Config::from_text(Path::new("c.toml"), text, |_| true)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            err("exec-wrappers = [\n  { name = \"bin/addlicense\" },\n]\n"),
            "c.toml:2:12: invalid configuration: exec-wrappers: name `bin/addlicense` must be a program's name (the last part of its path, or of the package `go run` runs)"
        );
        assert_eq!(
            err("exec-wrappers = [{ name = \"a\", skip-flags = [\"file\"] }]\n"),
            "c.toml:1:46: invalid configuration: exec-wrappers: skip-flags of `a`: `file` is not a flag (`-file`, `--holder`)"
        );
        assert!(err("exec-wrappers = [{ name = \"a\", flags = [] }]\n")
            .contains("unknown field `flags`"));
        assert!(err("exec-wrappers = [{ skip-flags = [] }]\n").contains("missing field `name`"));
    }

    /// A mistake is named at its own line and column: the key, or the
    /// item of a list (toml spans), not the table's first line.
    #[test]
    fn errors_name_the_line_and_column_of_what_is_wrong() {
        let err = |text: &str| {
            Config::from_text(Path::new("c.toml"), text, crate::lint::rules::is_rule)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            err("out-dir = \"bin\"\nignore = [\"GR001\", \"GR999\"]\n"),
            "c.toml:2:20: invalid configuration: unknown rule `GR999` in ignore"
        );
        assert_eq!(
            err("[allow]\nok = \"fine\"\n  gen = \"\"\n"),
            "c.toml:3:3: invalid configuration: allow entry `gen` needs a reason"
        );
        assert_eq!(
            err("[allow]\ngen = { reason = \"r\", rules = [\"GR001\", \"nope\"] }\n"),
            "c.toml:2:41: invalid configuration: allow entry `gen`: unknown rule `nope`"
        );
        assert_eq!(
            err("exclude = [\n  \"ok/**\",\n  \"bad/[\",\n]\n"),
            "c.toml:3:3: invalid configuration: invalid glob `bad/[`: error parsing glob 'bad/[': unclosed character class; missing ']'"
        );
        assert_eq!(
            err("sources = [\"makefiles\"]\nout-dir = \"/abs\"\n"),
            "c.toml:2:11: invalid configuration: out-dir `/abs` must be a relative path inside the repository"
        );
        // A key the schema does not know: toml's own span.
        assert!(
            err("\n\nbogus = 1\n").starts_with("c.toml:3:1: "),
            "{}",
            err("\n\nbogus = 1\n")
        );
    }

    #[test]
    fn nearest_config_wins_whatever_order_directories_are_asked_in() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path();
        let write = |dir: &str, out: &str| {
            std::fs::create_dir_all(root.join(dir)).unwrap();
            std::fs::write(
                root.join(dir).join(FILE_NAME),
                format!("out-dir = \"{out}\"\n"),
            )
            .unwrap();
        };
        write("", "top");
        write("a/inner", "inner");
        for d in ["a/inner/x/y", "a/other/z", "b"] {
            std::fs::create_dir_all(root.join(d)).unwrap();
        }
        let configs = Configs::new(None, crate::lint::rules::is_rule).unwrap();
        let out = |d: &str| configs.for_dir(&root.join(d)).unwrap().out_dir.clone();
        // Leaves first (their answers are not kept), then their ancestors,
        // then the leaves again: the same answer every time.
        for _ in 0..2 {
            assert_eq!(out("a/inner/x/y"), "inner");
            assert_eq!(out("a/other/z"), "top");
            assert_eq!(out("a/inner"), "inner");
            assert_eq!(out("a/inner/x"), "inner");
            assert_eq!(out("a"), "top");
            assert_eq!(out("b"), "top");
            assert_eq!(out(""), "top");
        }
        // A config is read once and shared by every directory below it.
        let a = configs.for_dir(&root.join("a/inner/x/y")).unwrap();
        let b = configs.for_dir(&root.join("a/inner")).unwrap();
        assert!(std::sync::Arc::ptr_eq(&a, &b));
    }
}
