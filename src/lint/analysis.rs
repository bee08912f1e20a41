//! The analysis every command shares, the driver of the lint layer's
//! stages: walk ([`crate::lint::discover`]) and read on every core, drop
//! what the [`crate::lint::prefilter`] says cannot matter, parse, finish
//! on the walker thread the Makefiles no other file reads ([`Finished`]:
//! only their findings are kept), then for the rest follow includes, place
//! scripts by the recipes that run them, find and classify callsites,
//! apply the allowlist ([`crate::lint::allow`]) and name the helpers
//! ([`crate::lint::naming`]). `check` turns the result into diagnostics;
//! `fix` plans edits from it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::Error;
use crate::lint::allow::{find_suppressions, matches_key, Allowance, Suppression};
use crate::lint::classify::{self, Classified};
use crate::lint::config::{Config, Configs};
use crate::lint::diagnostic::BuildId;
use crate::lint::discover::{self, Found};
use crate::lint::gomod::Modules;
use crate::lint::naming::{self, build_key, Build, BuildKey};
use crate::lint::paths::normalize;
use crate::lint::paths::{
    expand_glob, has_glob_meta, nearest_ancestor, project_root, relative, script_root,
};
use crate::lint::prefilter::{may_matter, Matter};
use crate::lint::timings::{self, Stage};
use crate::syntax::callsite::{self, Callsite, Origin, Verb};
use crate::syntax::parse::tree::MakeParser;
use crate::syntax::parse::{AssignOp, MakeDoc};
use crate::syntax::shell::Cwd;
use crate::syntax::source::SourceFile;
use crate::syntax::sources::{self, Kind, Kinds};
use crate::syntax::vars::VarEnv;

/// One classified callsite with what the later stages decided about it.
#[derive(Debug, Clone)]
pub struct Site {
    pub callsite: Callsite,
    pub class: Classified,
    /// The allowlist entry or inline comment that exempts it (from the
    /// rules [`Allowance::covers`]).
    pub allowed: Option<Box<Allowance>>,
    /// `NAME = $(shell go run)` expanded while make reads the file.
    pub deferred_read_time: bool,
    /// The build this callsite performs (repo-local, directory known):
    /// one key shared by the sites of a file that perform it
    /// ([`share_build`]), as the helper's target and path are.
    pub build: Option<Arc<BuildKey>>,
    /// The helper target (`_gen/bin/<name>`, relative to the base directory).
    pub target: Option<Arc<str>>,
    /// The helper binary (absolute).
    pub helper: Option<Arc<Path>>,
    /// Resolved against an assumed base directory (a script's caller).
    pub assumed_base: bool,
}

/// One file and everything found in it.
#[derive(Debug)]
pub struct FileAnalysis {
    pub file: Arc<SourceFile>,
    pub kind: Kind,
    /// Read for what it tells about other files (a Makefile under `--only
    /// scripts`): its findings are not reported and `fix` does not edit it.
    pub context_only: bool,
    /// The Makefile structure (empty for other kinds).
    pub doc: MakeDoc,
    /// The directory callsite working directories are relative to. For a
    /// Makefile, where make runs: its own directory, or the base of the file
    /// that includes it. For a script: the directory of the recipe that runs
    /// it, else the repository root ([`FileAnalysis::base_note`]). For a `.go`
    /// file: its package directory. For a workflow: the repository root.
    pub base: PathBuf,
    /// How a script's base was chosen, for messages.
    pub base_note: Option<String>,
    /// For a script: the Makefile rule whose recipe runs it (file, rule).
    pub caller: Option<(usize, usize)>,
    /// For a script: the directory it is taken to run from when no recipe
    /// runs it ([`crate::lint::paths::script_root`]), as found while walking.
    pub walked_root: Option<PathBuf>,
    /// For a script: some recipe reads it with `source` or `.`.
    pub sourced: bool,
    pub config: Arc<Config>,
    pub sites: Vec<Site>,
    pub suppressions: Vec<Suppression>,
    /// Indices of the files it includes.
    pub includes: Vec<usize>,
    /// Index of the file that first includes it.
    pub included_by: Option<usize>,
    /// For a Makefile another one's recipe runs with `$(MAKE) -f` (and no
    /// `-C`): that file. Make then runs in the invoker's directory, which
    /// is this file's base.
    pub invoked_by: Option<usize>,
    pub explicit: bool,
    /// Where helper binaries go (absolute).
    pub out_dir: PathBuf,
    /// `go build` commands (helper targets' recipes).
    pub builds: Vec<callsite::Callsite>,
    /// Recipe commands run by path.
    pub execs: Vec<callsite::Exec>,
    /// `go tool X` callsites.
    pub tools: Vec<Callsite>,
    /// The variables visible to this file.
    pub env: VarEnv,
}

impl FileAnalysis {
    /// For a script: the directory it is taken to run from when no recipe
    /// runs it, as found while walking (else found now).
    fn script_root(&self) -> PathBuf {
        self.walked_root
            .clone()
            .unwrap_or_else(|| script_root(self.file.dir(), &self.config))
    }

    /// Whether `fix` may edit the file: its text is what is on disk (valid
    /// UTF-8), and text appended to it would be read as make text, not
    /// swallowed by a `define` that never ends (make stops at such a file
    /// with "missing 'endef'"; the helper block and `clean` a fix appends
    /// would be part of the variable, and the next `fix` would add them
    /// again).
    pub fn editable(&self) -> bool {
        let end = self.file.text.len();
        !self.file.lossy && !self.doc.defines.iter().any(|d| d.body.end >= end)
    }

    /// The rule targets of a file that lie in its out dir: (rule index, target
    /// as written, path). the naming and the guard rules read these.
    pub fn out_dir_targets(&self) -> Vec<(usize, &String, PathBuf)> {
        let f = self;
        let mut out = Vec::new();
        for (ri, rule) in f.doc.rules.iter().enumerate() {
            for target in &rule.targets {
                // A file in the out dir is named with a `/` (or a variable).
                if !target.contains(['/', '$']) {
                    continue;
                }
                if let Some(path) = f.resolve(target) {
                    if path.starts_with(&f.out_dir) && path != f.out_dir {
                        out.push((ri, target, path));
                    }
                }
            }
        }
        out
    }

    /// Whether a `go build` of this file writes `path` (`-o $@`, or `-o`
    /// and the path from the build's directory): a helper target has its
    /// output, a team's own target can be reused.
    pub fn build_writes(&self, b: &Callsite, path: &Path) -> bool {
        let f = self;
        b.flags
            .iter()
            .filter(|fl| fl.name == "o")
            .any(|fl| match fl.value.as_deref() {
                Some("$@" | "$(CURDIR)/$@" | "${CURDIR}/$@") => true,
                Some(v) => {
                    let v = v.strip_prefix("$(CURDIR)/").unwrap_or(v);
                    let dir = match b.dir() {
                        Cwd::Known(d) => d,
                        Cwd::Unknown(_) => return false,
                    };
                    f.resolve(&crate::syntax::shell::join_rel(&dir, v))
                        .as_deref()
                        == Some(path)
                }
                None => false,
            })
    }

    /// A make word naming a file, resolved against the file's base directory.
    pub fn resolve(&self, word: &str) -> Option<PathBuf> {
        let f = self;
        let word = word
            .strip_prefix("$(CURDIR)/")
            .or_else(|| word.strip_prefix("${CURDIR}/"))
            .unwrap_or(word);
        let word = if word.contains('$') {
            f.env.expand(word)?
        } else {
            word.to_string()
        };
        if word.contains(['%', '*', '$']) || word.is_empty() {
            return None;
        }
        Some(normalize(&f.base.join(word)))
    }

    /// The path a recipe command runs, when it is a literal path.
    pub fn exec_path(&self, e: &crate::syntax::callsite::Exec) -> Option<PathBuf> {
        let f = self;
        let Cwd::Known(cwd) = &e.cwd else { return None };
        let text = &e.word.text;
        if let Some(rest) = text
            .strip_prefix("$(CURDIR)/")
            .or_else(|| text.strip_prefix("${CURDIR}/"))
        {
            return f.resolve(rest);
        }
        if text.starts_with('/') {
            return None;
        }
        let joined = crate::syntax::shell::join_rel(cwd, text);
        f.resolve(&joined)
    }
}

/// The whole analysis.
#[derive(Debug, Default)]
pub struct Analysis {
    pub files: Vec<FileAnalysis>,
    /// Files that could not be checked.
    pub errors: Vec<Error>,
    /// Problems that do not stop checking (a missing include).
    pub warnings: Vec<String>,
    /// Directories walked (absolute).
    pub dirs: Vec<PathBuf>,
    /// Files named alone and checked with their projects around them: only
    /// theirs are reported ([`Analysis::reports`]).
    pub named: Option<HashSet<PathBuf>>,
    /// Allowlist keys used, per config file.
    pub used_allow: HashMap<PathBuf, Vec<String>>,
    /// The working directory paths are shown relative to.
    pub cwd: PathBuf,
    /// Files the walk found (also those skipped because they cannot hold a
    /// callsite).
    pub files_walked: usize,
    /// Walked files the prefilter skipped, by path hash ([`path_hash`]): a
    /// skipped file that another one includes is read then, and counted
    /// once.
    skipped: HashSet<u64>,
    /// Hashes of files counted in `files_walked` already (held in memory),
    /// and of files loaded since the walk, to count if the walk did not.
    counted: HashSet<u64>,
    loaded_since: Vec<u64>,
    /// Makefiles whose check was finished while walking, by path (`check`
    /// only: [`Options::finish`]).
    pub finished: Vec<Finished>,
    /// Every helper's name, by its build: what findings name
    /// ([`crate::lint::diagnostic::Diagnostic::name_helper`]).
    pub names: HashMap<BuildId, Box<str>>,
}

/// Who gets a build's helper name ([`Analysis::name_targets`]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Owner {
    /// A callsite of a kept file.
    Kept { file: usize, site: usize },
    /// A build of a finished file.
    Held { file: usize, build: u32 },
}

/// A walked Makefile that `check` finished in the walker thread that read
/// it, keeping its findings and dropping its text's structure: memory
/// grows with the findings, not with the Makefiles read. Finished are the
/// files no other file's analysis reads: no `include` lines, not at the
/// project root (where `clean` may be another tree's job), no helper
/// target or helper run (the guard rules), no recipe running an existing
/// file by path (scripts take their base from it). Two things are known
/// only at the end: another file includes it (it is then analysed again in
/// full, from the includer's directory), and the names of the helpers its
/// findings name (a name depends on every build in the out dir: the
/// findings name their builds, [`crate::lint::diagnostic::BuildId`], and
/// the report looks the names up, [`Analysis::names`]).
#[derive(Debug)]
pub struct Finished {
    pub path: PathBuf,
    pub config: Arc<Config>,
    pub diagnostics: Vec<crate::lint::diagnostic::Diagnostic>,
    /// Callsites the allowlist exempts.
    pub allowed: usize,
    /// Where its helpers go (one shared value per directory: the files of
    /// a project share it).
    out_dir: Arc<Path>,
    /// Each build it runs, once. Dropped once named.
    builds: Box<[FinishedBuild]>,
    /// Allowlist keys used, per config file.
    used_allow: Box<[(PathBuf, Vec<String>)]>,
}

/// A build a finished file runs, and its tool.
#[derive(Debug)]
struct FinishedBuild {
    key: BuildKey,
    tool: Box<str>,
    /// The file's own target that performs this build, if any
    /// ([`reusable_targets`]).
    reuse: Option<PathBuf>,
}

/// A file read, parsed and ready to analyse.
struct Loaded {
    file: SourceFile,
    kind: Kind,
    context_only: bool,
    config: Arc<Config>,
    doc: MakeDoc,
    /// [`FileAnalysis::walked_root`].
    walked_root: Option<PathBuf>,
}

fn read_and_parse(
    path: &Path,
    text: Option<&str>,
    cwd: &Path,
    configs: &Configs,
    parser: &mut MakeParser,
) -> Result<Loaded, Error> {
    let file = match text {
        Some(t) => SourceFile::new(path, cwd, t.to_string(), false),
        None => crate::lint::read::source_file(path, cwd)?,
    };
    let config = configs.for_dir(file.dir())?;
    let doc = timings::time(Stage::Parse, || MakeDoc::parse(&file.text, parser));
    Ok(Loaded {
        file,
        kind: Kind::Makefile,
        context_only: false,
        config,
        doc,
        walked_root: None,
    })
}

/// What loading kept: the files that may matter (or could not be read),
/// sorted by path, the Makefiles finished while walking, and the hashes of
/// the paths the prefilter skipped.
struct LoadedAll {
    found: discover::Discovered,
    kept: Vec<(Found, Result<Loaded, Error>)>,
    skipped: HashSet<u64>,
    finished: Vec<Finished>,
}

/// Walk, read, filter and parse on every core, one parser per thread, as
/// the walker finds each file. A file that cannot hold a callsite is
/// dropped as soon as it is read: only its path's hash is kept (a skipped
/// file that another one includes is read then, and counted once), so
/// memory does not grow with the files that do not matter.
fn load_all(
    opts: &Options,
    cwd: &Path,
    configs: &Configs,
    finisher: Option<&Finisher>,
    stdin_context: bool,
) -> LoadedAll {
    // Standard input stands for the file at its path: the walk (of its
    // project, for context: [`named_in_context`]) passes that file over.
    let stdin = opts.stdin.as_ref().map(|(p, text)| {
        let path = normalize(&cwd.join(p));
        let f = Found {
            kind: sources::kind_of(&path, p).unwrap_or(Kind::Makefile),
            symlink: path.is_symlink(),
            path,
            explicit: true,
            context_only: false,
        };
        let l = if f.kind == Kind::Makefile {
            read_and_parse(&f.path, Some(text), cwd, configs, &mut MakeParser::new())
        } else {
            load_other(&f, Some(text.as_bytes()), None, cwd, configs)
                .map(|l| l.expect("an explicit file is always loaded"))
        };
        (f, l)
    });
    let stdin_path = stdin.as_ref().map(|(f, _)| f.path.clone());
    let walked = |f: &Found| stdin_path.as_ref() != Some(&f.path);
    let walk_paths: &[PathBuf] = if stdin.is_some() && !stdin_context {
        &[]
    } else {
        &opts.paths
    };
    let kept = std::sync::Mutex::new(Vec::new());
    let skipped = std::sync::Mutex::new(HashSet::new());
    let finished = std::sync::Mutex::new(Vec::new());
    let out_dirs = std::sync::Mutex::new(HashSet::<Arc<Path>>::new());
    let modules = Modules::default();
    let found = discover::discover_each(
        walk_paths,
        cwd,
        configs,
        opts.only,
        || (MakeParser::new(), Vec::new()),
        |(parser, buf), f, cfg| match load_one(&f, cfg, cwd, configs, parser, buf)
            .map(|l| l.filter(|_| walked(&f)))
        {
            // (Standard input's path is not taken from disk, nor counted
            // as skipped.)
            Ok(None) if !walked(&f) => {}
            Ok(None) => {
                let h = path_hash(&f.path);
                skipped.lock().expect("skipped").insert(h);
            }
            Ok(Some(l)) => match finish(l, &f, opts, cwd, &modules, finisher) {
                Ok(mut done) => {
                    let mut dirs = out_dirs.lock().expect("out dirs");
                    match dirs.get(&done.out_dir) {
                        Some(dir) => done.out_dir = dir.clone(),
                        None => {
                            dirs.insert(done.out_dir.clone());
                        }
                    }
                    drop(dirs);
                    finished.lock().expect("finished").push(done)
                }
                Err(l) => kept.lock().expect("loaded").push((f, Ok(*l))),
            },
            Err(e) => kept.lock().expect("loaded").push((f, Err(e))),
        },
    );
    let mut kept = kept.into_inner().expect("loaded");
    kept.extend(stdin);
    let skipped = skipped.into_inner().expect("skipped");
    let mut finished = finished.into_inner().expect("finished");
    kept.sort_by(|a, b| a.0.path.cmp(&b.0.path));
    kept.dedup_by(|a, b| {
        if a.0.path == b.0.path {
            b.0.explicit |= a.0.explicit;
            true
        } else {
            false
        }
    });
    // Named and walked, finished as walked: the named copy is kept.
    let kept_paths: HashSet<&Path> = kept.iter().map(|(f, _)| f.path.as_path()).collect();
    finished.retain(|x| !kept_paths.contains(x.path.as_path()));
    finished.sort_by(|a, b| a.path.cmp(&b.path));
    // Overlapping paths (`check . ./sub`) walk a file twice: reported once.
    finished.dedup_by(|a, b| a.path == b.path);
    // A walked symlink whose target was walked too (`GNUmakefile ->
    // Makefile`): one file, reported once, edited once. (Symlinks are not
    // finished while walking.)
    let real: HashSet<PathBuf> = kept
        .iter()
        .filter(|(f, _)| !f.symlink)
        .map(|(f, _)| f.path.clone())
        .chain(finished.iter().map(|x| x.path.clone()))
        .collect();
    // (Kept files are one per path: a path names the file to drop.)
    let targets: Vec<(PathBuf, PathBuf)> = kept
        .iter()
        .filter(|(f, _)| !f.explicit && f.symlink)
        .filter_map(|(f, _)| Some((f.path.clone(), std::fs::canonicalize(&f.path).ok()?)))
        .collect();
    let gone: HashSet<PathBuf> = targets
        .into_iter()
        .filter(|(_, c)| real.contains(c))
        .map(|(p, _)| p)
        .collect();
    kept.retain(|(f, _)| !gone.contains(&f.path));
    LoadedAll {
        found,
        kept,
        skipped,
        finished,
    }
}

/// How the walk finishes a Makefile that stands alone: given its one-file
/// analysis (callsites classified, allowlist applied, helpers named), the
/// [`Finished`] file, or the analysis back when it must be kept (the
/// driver's check, [`crate::lint::driver`]: this stage cannot run rules).
pub type Finisher<'a> = dyn Fn(Analysis) -> Result<Finished, Box<Analysis>> + Sync + 'a;

/// A walked Makefile that no other file's analysis reads, analysed alone
/// for `finish`; or the file handed back to be kept.
fn finish(
    l: Loaded,
    f: &Found,
    opts: &Options,
    cwd: &Path,
    modules: &Modules,
    finish: Option<&Finisher>,
) -> Result<Finished, Box<Loaded>> {
    let Some(finish) = finish else {
        return Err(Box::new(l));
    };
    if f.explicit
        || l.context_only
        || l.kind != Kind::Makefile
        || l.file.lossy
        || !l.doc.includes.is_empty()
        || f.symlink
    {
        return Err(Box::new(l));
    }
    let mut a = Analysis {
        cwd: cwd.to_path_buf(),
        ..Default::default()
    };
    a.push(l, false, &mut HashMap::new());
    let found = a.makefile_sites(0, modules);
    a.store_sites(0, found);
    timings::time(Stage::Name, || {
        a.apply_allowlist();
        a.name_targets(opts);
    });
    finish(a).map_err(|mut a| {
        let g = a.files.pop().expect("one file");
        let file = Arc::try_unwrap(g.file).expect("nothing else holds the file yet");
        Box::new(Loaded {
            file,
            kind: g.kind,
            context_only: g.context_only,
            config: g.config,
            doc: g.doc,
            walked_root: g.walked_root,
        })
    })
}

impl Analysis {
    /// For a one-file analysis: whether its file stands alone, as far as
    /// this stage can tell: not at its project root (where `clean` may be
    /// another tree's job) and running no existing file by path (a script
    /// takes its base from it). The guard facts decide the rest.
    pub fn stands_alone(&self) -> bool {
        let g = &self.files[0];
        g.base != project_root(&g.base, &g.config)
            && g.execs
                .iter()
                .all(|e| g.exec_path(e).is_none_or(|p| !p.is_file()))
    }
}

/// The builds a one-file analysis runs, taken from its sites before the
/// rules release them ([`Finished::builds`]).
pub struct HeldBuilds(Vec<FinishedBuild>);

impl Finished {
    /// The builds the sites of one-file analysis `a` run, each once.
    pub fn builds(a: &Analysis) -> HeldBuilds {
        let g = &a.files[0];
        let reusable = reusable_targets(g, &Modules::default());
        let mut builds: Vec<FinishedBuild> = Vec::new();
        for s in &g.sites {
            let (Some(key), Some(tool), Some(_)) = (&s.build, s.class.helper_tool(), &s.target)
            else {
                continue;
            };
            if !builds.iter().any(|b| b.key == **key) {
                builds.push(FinishedBuild {
                    key: (**key).clone(),
                    tool: tool.as_str().into(),
                    reuse: reusable
                        .iter()
                        .find(|(k, _)| *k == **key)
                        .map(|(_, p)| p.clone()),
                });
            }
        }
        HeldBuilds(builds)
    }

    /// A one-file analysis finished with its findings (`allowed`: the
    /// callsites the allowlist exempts): the builds it runs
    /// ([`Finished::builds`], taken before its sites were released), and
    /// the findings with only the lines they show.
    pub fn new(
        a: Analysis,
        HeldBuilds(builds): HeldBuilds,
        diagnostics: Vec<crate::lint::diagnostic::Diagnostic>,
        allowed: usize,
    ) -> Finished {
        let g = &a.files[0];
        // The findings keep only the lines they show, not the file.
        let mut diagnostics = diagnostics;
        let mine = |d: &crate::lint::diagnostic::Diagnostic| Arc::ptr_eq(&d.file, &g.file);
        let mut spans: Vec<_> = diagnostics
            .iter()
            .filter(|d| mine(d))
            .map(|d| d.span.clone())
            .collect();
        let excerpt = Arc::new(
            g.file
                .excerpt(&mut spans, crate::lint::diagnostic::CONTEXT_LINES),
        );
        let mut spans = spans.into_iter();
        for d in &mut diagnostics {
            // Its fixes' intents name this one-file analysis: `check` only
            // reports them.
            if let Some(fix) = &mut d.fix {
                fix.intents = Vec::new();
            }
        }
        for d in diagnostics.iter_mut().filter(|d| mine(d)) {
            d.span = spans.next().expect("one span per finding");
            d.file = excerpt.clone();
        }
        Finished {
            path: g.file.path.clone(),
            config: g.config.clone(),
            diagnostics,
            allowed,
            out_dir: Arc::from(g.out_dir.as_path()),
            // Kept until the end of the walk, one per Makefile with `go
            // run`: no spare capacity.
            builds: builds.into_boxed_slice(),
            used_allow: a.used_allow.into_iter().collect(),
        }
    }
}

/// The key of a skipped path (64 bits: a collision among a million paths is
/// a one-in-ten-million chance, and would only miscount `files_checked`).
fn path_hash(p: &Path) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    // The bytes: hashing a `Path` parses it into components first.
    p.as_os_str().hash(&mut h);
    h.finish()
}

/// A walked file: loaded, or skipped (`None`). `buf` is the walker thread's
/// read buffer: a skipped file costs no allocation.
fn load_one(
    f: &Found,
    config: Option<&Arc<Config>>,
    cwd: &Path,
    configs: &Configs,
    parser: &mut MakeParser,
    buf: &mut Vec<u8>,
) -> Result<Option<Loaded>, Error> {
    if f.explicit {
        *buf = crate::lint::read::read_bytes(&f.path)?;
    } else if f.kind == Kind::Makefile || f.kind == Kind::Generate {
        crate::lint::read::read_walked(&f.path, buf)?;
    }
    if f.kind != Kind::Makefile {
        let read = f.explicit || f.kind == Kind::Generate;
        return load_other(f, read.then_some(&buf[..]), config, cwd, configs);
    }
    let bytes = &buf[..];
    let config = match config {
        Some(c) => c.clone(),
        None => configs.for_dir(f.path.parent().unwrap_or(cwd))?,
    };
    // Explicit files are always checked; walked ones only when they may matter.
    let matter = if f.explicit {
        Matter::Full
    } else {
        timings::time(Stage::Prefilter, || {
            may_matter(bytes, &config.out_dir, &config.go_commands)
        })
    };
    if matter == Matter::No {
        return Ok(None);
    }
    let file = SourceFile::from_bytes(&f.path, cwd, bytes.to_vec())?;
    let _parse = timings::Span::new(Stage::Parse);
    let doc = if matter == Matter::Light {
        let mut doc = MakeDoc::read_lines(&file.text, 0..file.text.len());
        // Only lines that name a tool or a script can report anything; the
        // `clean` rule's recipe is kept whole (`fix` may add a line to it).
        if !doc.oneshell {
            let clean: Vec<bool> = doc
                .rules
                .iter()
                .map(|r| r.targets.contains(&config.clean_target))
                .collect();
            doc.recipe_lines.retain(|l| {
                let t = &file.text[l.span.clone()];
                t.contains("tool")
                    || t.contains(".sh")
                    || (t.contains("MAKE") && t.contains(" -f"))
                    || l.rule
                        .is_some_and(|r| clean.get(r).copied().unwrap_or(false))
            });
        }
        doc
    } else {
        MakeDoc::parse(&file.text, parser)
    };
    Ok(Some(Loaded {
        file,
        kind: Kind::Makefile,
        context_only: f.context_only,
        config,
        doc,
        walked_root: None,
    }))
}

/// Load a script, `.go` file, workflow or Procfile; `None` when it cannot
/// hold a callsite (no `go` word, no directive nor `os/exec`, not a shell
/// script). `read`: its
/// bytes, when they were read already (or come from standard input); they
/// are copied only for a file that is kept.
fn load_other(
    f: &Found,
    read: Option<&[u8]>,
    config: Option<&Arc<Config>>,
    cwd: &Path,
    configs: &Configs,
) -> Result<Option<Loaded>, Error> {
    let config = match config {
        Some(c) => c.clone(),
        None => configs.for_dir(f.path.parent().unwrap_or(cwd))?,
    };
    let name = f
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let bytes: std::borrow::Cow<[u8]> = match read {
        Some(b) => b.into(),
        None => {
            // A file without an extension is a script only with a shell
            // shebang: read its head first (it may be a large binary).
            if f.kind == Kind::Script && !f.explicit && !name.contains('.') {
                let head = crate::lint::read::read_head(&f.path)?;
                if !sources::script::is_script(&name, &head) {
                    return Ok(None);
                }
            }
            crate::lint::read::read_bytes(&f.path)?.into()
        }
    };
    let wanted = |bytes: &[u8]| match f.kind {
        Kind::Generate | Kind::Go => {
            generate_finder().find(bytes).is_some()
                || sources::gocode::may_matter(bytes, &config.go_commands)
        }
        _ => memchr::memmem::find(bytes, b"go").is_some(),
    };
    if !f.explicit && !timings::time(Stage::Prefilter, || wanted(&bytes)) {
        return Ok(None);
    }
    let file = SourceFile::from_bytes(&f.path, cwd, bytes.into_owned())?;
    // (Found here, on the walker's thread: it probes for go.mod and .git.)
    let walked_root = (f.kind == Kind::Script).then(|| script_root(file.dir(), &config));
    Ok(Some(Loaded {
        file,
        kind: f.kind,
        context_only: f.context_only,
        config,
        doc: MakeDoc::default(),
        walked_root,
    }))
}

/// The search for `//go:generate`, built once: every walked `.go` file is
/// searched for it.
fn generate_finder() -> &'static memchr::memmem::Finder<'static> {
    static FINDER: std::sync::OnceLock<memchr::memmem::Finder<'static>> =
        std::sync::OnceLock::new();
    FINDER.get_or_init(|| memchr::memmem::Finder::new("//go:generate"))
}

impl Site {
    /// `go tool X` of a go.mod `tool` directive
    /// ([`classify::classify_tool`]): a site GR015 alone reads.
    fn tool(callsite: Callsite, class: Classified) -> Site {
        let build = build_key(&callsite, &class).map(Arc::new);
        Site {
            callsite,
            class,
            allowed: None,
            deferred_read_time: false,
            build,
            target: None,
            helper: None,
            assumed_base: false,
        }
    }

    /// A `go run` callsite of file `f`, classified, with its build key; not
    /// yet allowlisted or named.
    fn classified(
        callsite: Callsite,
        f: &FileAnalysis,
        env: &VarEnv,
        modules: &Modules,
        deferred_read_time: bool,
        assumed_base: bool,
    ) -> Site {
        let class = classify::classify(&callsite, &f.base, env, modules);
        let build = build_key(&callsite, &class).map(Arc::new);
        Site {
            callsite,
            class,
            allowed: None,
            deferred_read_time,
            build,
            target: None,
            helper: None,
            assumed_base,
        }
    }
}

/// Give `site` the key of its file's other sites that perform the same
/// build (`shared`, the file's keys so far), rather than a copy of its
/// own: a Makefile of 400,000 callsites of a few helpers kept 400,000
/// copies of a few keys.
fn share_build(site: &mut Site, shared: &mut HashSet<Arc<BuildKey>>) {
    if let Some(key) = &site.build {
        match shared.get(key) {
            Some(same) => site.build = Some(same.clone()),
            None => {
                shared.insert(key.clone());
            }
        }
    }
}

/// A Makefile recipe that runs a script.
struct ScriptCaller {
    /// Its working directory (absolute).
    dir: PathBuf,
    /// `file:line`, for messages.
    at: String,
    /// (file, rule).
    rule: Option<(usize, usize)>,
    /// It reads the script with `source` or `.`.
    sourced: bool,
}

/// What the callsite stage finds in one file.
struct FileSites {
    sites: Vec<Site>,
    tools: Vec<Callsite>,
    builds: Vec<Callsite>,
    execs: Vec<callsite::Exec>,
    env: VarEnv,
}

/// Files named on the command line (and no directory), with the project
/// roots walked around them for context ([`named_in_context`]).
struct NamedContext {
    /// The named files (absolute, normalised).
    named: HashSet<PathBuf>,
    /// Their projects' roots, each walked once.
    roots: Vec<PathBuf>,
}

/// One answer per file: a file named alone (pre-commit passes the changed
/// files, an editor the one open) gets the findings, messages and fixes
/// the check of its whole repository gives it. What a file means depends
/// on files around it: the recipe that runs a script gives its working
/// directory, another file's build of the same name moves a helper's name,
/// an including Makefile defines its variables. Rather than guess which of
/// them matter (and miss one), the named files' project roots (the
/// config's directory, else the repository or module root: the root the
/// walk would start from) are walked as `check .` would, and everything
/// but the named files is then read for context only
/// ([`Analysis::narrow_to`]). A walk costs little next to reading: the
/// prefilter skips what cannot matter. Text on standard input is the file
/// at its path, in its project. With a directory among the paths, files
/// are checked as given.
fn named_in_context(opts: &Options, cwd: &Path, configs: &Configs) -> Option<NamedContext> {
    let stdin = opts.stdin.as_ref().map(|(p, _)| p.clone());
    if opts.paths.is_empty() && stdin.is_none() {
        return None;
    }
    let mut named = HashSet::new();
    let mut roots: Vec<PathBuf> = Vec::new();
    if let Some(p) = stdin {
        // Standard input stands for one file, wherever it is (it need not
        // exist): its project is the one of its directory, when that does.
        let abs = normalize(&cwd.join(p));
        let dir = abs.parent()?.to_path_buf();
        if !dir.is_dir() {
            return None;
        }
        let config = configs.for_dir(&dir).ok()?;
        roots.push(project_root(&dir, &config));
        named.insert(abs);
        return Some(NamedContext { named, roots });
    }
    for p in &opts.paths {
        let abs = normalize(&cwd.join(p));
        // Only regular files: a FIFO or a missing path is refused as named.
        if !std::fs::metadata(&abs).is_ok_and(|m| m.is_file()) {
            return None;
        }
        let dir = abs.parent()?.to_path_buf();
        let config = configs.for_dir(&dir).ok()?;
        let root = project_root(&dir, &config);
        if !roots.contains(&root) {
            roots.push(root);
        }
        named.insert(abs);
    }
    // A root inside another is walked with it.
    let all = roots.clone();
    roots.retain(|r| !all.iter().any(|o| o != r && r.starts_with(o)));
    Some(NamedContext { named, roots })
}

/// Options shared by the commands that analyse.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub paths: Vec<PathBuf>,
    pub config: Option<PathBuf>,
    /// Overrides config `out-dir`.
    pub out_dir: Option<String>,
    /// Text to check in place of the file at this path (`--stdin-filename`).
    pub stdin: Option<(PathBuf, String)>,
    /// `--only`: the sources to read (overrides config `sources`).
    pub only: Option<Kinds>,
    /// For `check`: the rules to report. Makefiles no other file's analysis
    /// reads are then checked as they are read and only their findings kept
    /// ([`Finished`]); `None` keeps every file's analysis (what `fix` needs).
    pub finish: Option<crate::lint::config::Selection>,
}

impl Analysis {
    /// Walk, read and analyse (see the module doc); `finisher` finishes the
    /// Makefiles that stand alone as they are read (the driver passes it
    /// for `check`: [`crate::lint::driver::run`]).
    pub fn load(
        opts: &Options,
        cwd: &Path,
        configs: &Configs,
        finisher: Option<&Finisher>,
    ) -> Result<Analysis, Error> {
        // Named files alone: read with the project around them.
        let context = named_in_context(opts, cwd, configs);
        let widened;
        let opts = match &context {
            Some(c) => {
                let paths = match opts.stdin {
                    // (The paths given with standard input are not read.)
                    Some(_) => c.roots.clone(),
                    None => opts.paths.iter().chain(&c.roots).cloned().collect(),
                };
                widened = Options {
                    paths,
                    ..opts.clone()
                };
                &widened
            }
            None => opts,
        };
        let LoadedAll {
            mut found,
            kept,
            skipped,
            finished,
        } = load_all(opts, cwd, configs, finisher, context.is_some());
        // Held, or named: counted as such, not as walked.
        let counted = finished
            .iter()
            .map(|x| x.path.as_path())
            .chain(kept.iter().map(|(f, _)| f.path.as_path()))
            .map(path_hash)
            .collect();
        let mut analysis = Analysis {
            errors: std::mem::take(&mut found.errors),
            warnings: found
                .special
                .iter()
                .map(|p| {
                    format!(
                        "{}: not a regular file (a FIFO, socket or device), not checked",
                        crate::syntax::source::display_path(p, cwd)
                    )
                })
                .collect(),
            dirs: found.dirs,
            cwd: cwd.to_path_buf(),
            files_walked: finished.len(),
            skipped,
            counted,
            finished,
            ..Default::default()
        };
        let mut parser = MakeParser::new();
        let mut index: HashMap<PathBuf, usize> = HashMap::new();
        for (f, loaded) in kept {
            match loaded {
                Ok(l) => {
                    analysis.files_walked += 1;
                    analysis.push(l, f.explicit, &mut index);
                }
                Err(e) => analysis.errors.push(e),
            }
        }
        analysis.place_sub_makefiles(cwd, configs, &mut parser, &mut index);
        analysis.follow_includes(cwd, configs, &mut parser, &mut index);
        analysis.find_sites(opts, cwd, configs);
        timings::time(Stage::Name, || analysis.name_targets(opts));
        // The walked files not held, and those loaded since that were not
        // walked.
        let skipped = analysis.skipped.difference(&analysis.counted).count();
        let unseen: HashSet<u64> = analysis
            .loaded_since
            .iter()
            .filter(|h| !analysis.skipped.contains(h))
            .copied()
            .collect();
        analysis.files_walked += skipped + unseen.len();
        for x in &analysis.finished {
            for (p, keys) in &x.used_allow {
                analysis
                    .used_allow
                    .entry(p.clone())
                    .or_default()
                    .extend(keys.iter().cloned());
            }
        }
        if let Some(c) = context {
            analysis.narrow_to(c);
        }
        Ok(analysis)
    }

    /// Load a file found through an `include` line.
    fn load_file(
        &mut self,
        path: &Path,
        cwd: &Path,
        configs: &Configs,
        parser: &mut MakeParser,
        index: &mut HashMap<PathBuf, usize>,
    ) -> Option<usize> {
        // A file finished while walking that turns out to be included is
        // analysed again in full.
        let finished = match self
            .finished
            .binary_search_by(|x| x.path.as_path().cmp(path))
        {
            Ok(k) => {
                self.finished.remove(k);
                true
            }
            Err(_) => false,
        };
        if let Some(&i) = index.get(path) {
            return Some(i);
        }
        match read_and_parse(path, None, cwd, configs, parser) {
            Ok(l) => {
                // Counted once: a held file was counted already, a skipped
                // one is.
                if !finished {
                    self.loaded_since.push(path_hash(path));
                }
                Some(self.push(l, false, index))
            }
            Err(e) => {
                self.errors.push(e);
                None
            }
        }
    }

    fn push(&mut self, l: Loaded, explicit: bool, index: &mut HashMap<PathBuf, usize>) -> usize {
        if l.file.lossy {
            self.warnings.push(format!(
                "{}: not valid UTF-8; checked with invalid bytes replaced, `fix` will not edit it",
                l.file.display
            ));
        }
        let suppressions = find_suppressions(&l.file, l.kind);
        let base = match l.kind {
            // `.github/workflows/x.yml`: steps run in the repository root.
            Kind::Workflow => l.file.dir().ancestors().nth(2).unwrap_or(l.file.dir()),
            _ => l.file.dir(),
        }
        .to_path_buf();
        let path = l.file.path.clone();
        self.files.push(FileAnalysis {
            file: Arc::new(l.file),
            kind: l.kind,
            context_only: l.context_only,
            doc: l.doc,
            walked_root: l.walked_root,
            base,
            base_note: None,
            caller: None,
            sourced: false,
            config: l.config,
            sites: Vec::new(),
            suppressions,
            includes: Vec::new(),
            included_by: None,
            invoked_by: None,
            explicit,
            out_dir: PathBuf::new(),
            builds: Vec::new(),
            execs: Vec::new(),
            tools: Vec::new(),
            env: VarEnv::default(),
        });
        let i = self.files.len() - 1;
        index.insert(path, i);
        i
    }

    /// A Makefile that a recipe runs with `$(MAKE) -f path` (without `-C`,
    /// and without a `cd` before it) is read by a make running in the
    /// invoker's directory: its recipes' relative paths start there
    /// (`release/Makefile`, "to be called from the project root"). Its
    /// base becomes the invoker's, before includes pass bases on.
    fn place_sub_makefiles(
        &mut self,
        cwd: &Path,
        configs: &Configs,
        parser: &mut MakeParser,
        index: &mut HashMap<PathBuf, usize>,
    ) {
        static SUB_MAKE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
            regex::Regex::new(r"(?:\$\(MAKE\)|\$\{MAKE\}|(?:^|[\s;&|(])make)((?:\s+[^\s;&|]+)*?)\s+-f\s*([^\s;&|)]+)")
                .expect("valid regex")
        });
        let mut found: Vec<(usize, PathBuf, usize)> = Vec::new();
        for (i, f) in self.files.iter().enumerate() {
            if f.kind != Kind::Makefile || f.context_only {
                continue;
            }
            for line in &f.doc.recipe_lines {
                let text = &f.file.text[line.span.clone()];
                if text.contains("cd ") || text.contains(" -C") {
                    continue;
                }
                for m in SUB_MAKE.captures_iter(text) {
                    let name = &m[2];
                    if name.contains('$') {
                        continue;
                    }
                    let path = normalize(&f.base.join(name));
                    if path != f.file.path && path.parent() != Some(f.base.as_path()) {
                        found.push((i, path, f.file.line_col(line.span.start).0));
                    }
                }
            }
        }
        for (i, path, line) in found {
            if !path.is_file() {
                continue;
            }
            let Some(j) = self.load_file(&path, cwd, configs, parser, index) else {
                continue;
            };
            if j == i || self.files[j].invoked_by.is_some() || self.files[j].kind != Kind::Makefile
            {
                continue;
            }
            let base = self.files[i].base.clone();
            self.files[j].invoked_by = Some(i);
            self.files[j].base_note = Some(format!(
                "relative paths taken from `{}`, where {}:{line} runs it with `-f`",
                crate::syntax::source::display_path(&base, cwd),
                self.files[i].file.display
            ));
            self.files[j].base = base;
        }
    }

    /// Resolve `include` lines breadth-first from the files nothing includes,
    /// so each included file gets the base directory of its includer.
    fn follow_includes(
        &mut self,
        cwd: &Path,
        configs: &Configs,
        parser: &mut MakeParser,
        index: &mut HashMap<PathBuf, usize>,
    ) {
        // First pass: who includes whom, resolved against the includer's own dir.
        let n = self.files.len();
        let mut included = vec![false; n];
        for i in 0..n {
            for target in self.include_targets(i, &self.files[i].base.clone()) {
                if let Some(&j) = index.get(&target.0) {
                    if j != i {
                        included[j] = true;
                    }
                }
            }
        }
        let mut queue: std::collections::VecDeque<usize> =
            (0..n).filter(|&i| !included[i]).collect();
        let mut done = vec![false; n];
        loop {
            while let Some(i) = queue.pop_front() {
                if done.get(i).copied().unwrap_or(false) {
                    continue;
                }
                if done.len() <= i {
                    done.resize(i + 1, false);
                }
                done[i] = true;
                let base = self.files[i].base.clone();
                for (path, optional, line) in self.include_targets(i, &base) {
                    let j = match index.get(&path) {
                        Some(&j) => Some(j),
                        None if path.is_file() => {
                            self.load_file(&path, cwd, configs, parser, index)
                        }
                        None => {
                            if !optional {
                                self.warnings.push(format!(
                                    "{}:{line}: included file `{}` not found; variables defined there are not known",
                                    self.files[i].file.display,
                                    crate::syntax::source::display_path(&path, cwd)
                                ));
                            }
                            None
                        }
                    };
                    let Some(j) = j else { continue };
                    if j == i || self.files[i].includes.contains(&j) {
                        continue;
                    }
                    self.files[i].includes.push(j);
                    if self.files[j].included_by.is_none() && !self.is_ancestor(j, i) {
                        self.files[j].included_by = Some(i);
                        self.files[j].base = base.clone();
                        queue.push_back(j);
                    }
                }
            }
            // Files only reachable through include cycles: take them as roots.
            match (0..self.files.len()).find(|&i| !done.get(i).copied().unwrap_or(false)) {
                Some(i) => queue.push_back(i),
                None => break,
            }
        }
    }

    fn is_ancestor(&self, a: usize, mut b: usize) -> bool {
        let mut steps = 0;
        while let Some(p) = self.files[b].included_by {
            if p == a || steps > self.files.len() {
                return true;
            }
            b = p;
            steps += 1;
        }
        false
    }

    /// The files an `include` line names: (path, optional, line). A word
    /// is taken from the base directory (where make runs), else from the
    /// file's own directory. A glob (`make/_shared/*/00_mod.mk`, `?`,
    /// `[...]`) is expanded as make expands it ([`expand_glob`]), its
    /// matches in sorted order; one that matches nothing stays as written,
    /// as in make, where `include` then reports it missing and `-include`
    /// passes it over. A word with a variable is not followed.
    fn include_targets(&self, i: usize, base: &Path) -> Vec<(PathBuf, bool, usize)> {
        let f = &self.files[i];
        let mut out = Vec::new();
        for inc in &f.doc.includes {
            let line = f.file.line_col(inc.span.start).0;
            for (name, _) in &inc.files {
                if name.contains('$') {
                    continue;
                }
                if has_glob_meta(name) {
                    let mut found = expand_glob(base, name);
                    if found.is_empty() && f.file.dir() != base {
                        found = expand_glob(f.file.dir(), name);
                    }
                    if !found.is_empty() {
                        out.extend(found.iter().map(|p| (normalize(p), inc.optional, line)));
                        continue;
                    }
                }
                let p = normalize(&base.join(name));
                let p = if p.is_file() {
                    p
                } else {
                    normalize(&f.file.dir().join(name))
                };
                out.push((p, inc.optional, line));
            }
        }
        out
    }

    /// The files connected to `i` by includes (both ways), its root first.
    pub fn component(&self, i: usize) -> Vec<usize> {
        let mut root = i;
        let mut steps = 0;
        while let Some(p) = self.files[root].included_by {
            root = p;
            steps += 1;
            if steps > self.files.len() {
                break;
            }
        }
        let mut out = vec![root];
        let mut k = 0;
        while k < out.len() {
            for &j in &self.files[out[k]].includes {
                if !out.contains(&j) {
                    out.push(j);
                }
            }
            k += 1;
        }
        if !out.contains(&i) {
            out.push(i);
        }
        out
    }

    fn var_env(&self, i: usize) -> VarEnv {
        let config = &self.files[i].config;
        let mut env = VarEnv::new(&config.go_commands).with_exec_wrappers(&config.exec_wrappers);
        // Make's own: the directory make runs in, the file's base (unless
        // a Makefile sets it).
        if let Some(base) = self.files[i].base.to_str() {
            env.define("CURDIR", base, false);
        }
        for j in self.component(i) {
            let f = &self.files[j];
            for a in &f.doc.assignments {
                if a.target_specific {
                    env.define_target_specific(
                        &a.name,
                        &f.file.text[a.value.clone()],
                        a.op == AssignOp::Append,
                    );
                    continue;
                }
                env.define(
                    &a.name,
                    &f.file.text[a.value.clone()],
                    a.op == AssignOp::Append,
                );
            }
            for d in &f.doc.defines {
                env.define(&d.name, &f.file.text[d.body.clone()], false);
            }
        }
        env
    }

    /// The callsites of Makefile `i`, classified, with its commands and
    /// variables (reads the other files of its include component).
    fn makefile_sites(&self, i: usize, modules: &Modules) -> FileSites {
        let env = self.var_env(i);
        let component = self.component(i);
        let f = &self.files[i];
        let callsite::Commands { mut calls, execs } =
            timings::time(Stage::Scan, || callsite::find(&f.file.text, &f.doc, &env));
        let _classify = timings::Span::new(Stage::Classify);
        // The callsites move into their sites, and their list gives its
        // memory back as it empties: a file with 400,000 of them held two
        // copies at once when they were cloned, and both lists when they
        // were moved. (The sites' list is reserved whole, but only the
        // pages written count; the callsites are taken first to last.)
        let mut sites = Vec::with_capacity(calls.iter().filter(|c| c.verb != Verb::Build).count());
        let (mut tool_calls, mut builds) = (Vec::new(), Vec::new());
        let mut shared = HashSet::new();
        calls.reverse();
        while let Some(cs) = calls.pop() {
            if calls.capacity() > 4096 && calls.len() < calls.capacity() / 8 * 7 {
                calls.shrink_to_fit();
            }
            match cs.verb {
                Verb::Run => {
                    let deferred_read_time = match &cs.origin {
                        Origin::Deferred { variable } => component
                            .iter()
                            .any(|&j| read_time_reference(&self.files[j], variable)),
                        _ => false,
                    };
                    let mut site =
                        Site::classified(cs, f, &env, modules, deferred_read_time, false);
                    share_build(&mut site, &mut shared);
                    sites.push(site);
                }
                Verb::Tool => tool_calls.push(cs),
                Verb::Build => builds.push(cs),
            }
        }
        let mut tools = Vec::new();
        for cs in tool_calls {
            match classify::classify_tool(&cs, &f.base, modules) {
                Some(class) => {
                    let mut site = Site::tool(cs, class);
                    share_build(&mut site, &mut shared);
                    sites.push(site);
                }
                None => tools.push(cs),
            }
        }
        FileSites {
            sites,
            tools,
            builds,
            execs,
            env,
        }
    }

    /// The callsites of script, Go file, workflow or Procfile `i`, classified (scripts
    /// placed already), split by verb, with its variables.
    fn source_sites(
        &self,
        i: usize,
        modules: &Modules,
        only: Option<Kinds>,
    ) -> Result<FileSites, String> {
        let f = &self.files[i];
        let go_commands = &f.config.go_commands;
        let env = VarEnv::new(go_commands).with_exec_wrappers(&f.config.exec_wrappers);
        let mut sites = Vec::new();
        let mut tools = Vec::new();
        let mut builds = Vec::new();
        let file_name = f
            .file
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // A script's directories, relative to where it runs.
        let (script_dir, repo_root) = match f.kind {
            Kind::Script => {
                let root =
                    nearest_ancestor(f.file.dir(), ".git").unwrap_or_else(|| f.script_root());
                (relative(&f.base, f.file.dir()), relative(&f.base, &root))
            }
            _ => Default::default(),
        };
        let ctx = sources::SourceContext {
            kind: f.kind,
            file_name: &file_name,
            script: sources::script::ScriptContext {
                script_dir,
                repo_root,
                caller_dir: String::new(),
                go_commands,
                exec_wrappers: &f.config.exec_wrappers,
            },
            sources: only.unwrap_or(f.config.kinds),
        };
        let calls = timings::time(Stage::Scan, || sources::callsites(&f.file.text, &ctx))?;
        let mut shared = HashSet::new();
        let _classify = timings::Span::new(Stage::Classify);
        for (cs, assumed_base) in calls {
            let code = cs.origin == Origin::GoCode;
            let mut site = match cs.verb {
                callsite::Verb::Run => Site::classified(cs, f, &env, modules, false, assumed_base),
                callsite::Verb::Tool => match classify::classify_tool(&cs, &f.base, modules) {
                    Some(class) => Site::tool(cs, class),
                    // Go code's `go tool X` is a site all the same: its
                    // rule (GR016) reports it, allowlist and all.
                    None if code => {
                        let class = classify::tool_by_name(&cs);
                        Site::tool(cs, class)
                    }
                    None => {
                        tools.push(cs);
                        continue;
                    }
                },
                callsite::Verb::Build => {
                    builds.push(cs);
                    continue;
                }
            };
            // Go code gets no helper target: no fix writes one, and its
            // builds must not move the helper names of the files that do.
            if code {
                site.build = None;
            }
            share_build(&mut site, &mut shared);
            sites.push(site);
        }
        Ok(FileSites {
            sites,
            tools,
            builds,
            execs: Vec::new(),
            env,
        })
    }

    fn store_sites(&mut self, i: usize, found: FileSites) {
        let f = &mut self.files[i];
        f.sites = found.sites;
        f.tools = found.tools;
        f.builds = found.builds;
        f.execs = found.execs;
        f.env = found.env;
    }

    fn find_sites(&mut self, opts: &Options, cwd: &Path, configs: &Configs) {
        let modules = Modules::default();
        // Makefiles first: the recipes that run scripts decide where the
        // scripts' relative paths lead.
        let makefiles: Vec<usize> = (0..self.files.len())
            .filter(|&i| self.files[i].kind == Kind::Makefile)
            .collect();
        let found = crate::lint::par::map(&makefiles, |&i| self.makefile_sites(i, &modules));
        for (i, found) in makefiles.into_iter().zip(found) {
            self.store_sites(i, found);
        }
        for i in self.load_skipped_script_callers(cwd, configs, opts.only) {
            let found = self.makefile_sites(i, &modules);
            self.store_sites(i, found);
        }
        self.place_scripts(cwd, configs, opts.only);
        let others: Vec<usize> = (0..self.files.len())
            .filter(|&i| self.files[i].kind != Kind::Makefile)
            .collect();
        let found = crate::lint::par::map(&others, |&i| self.source_sites(i, &modules, opts.only));
        for (i, found) in others.into_iter().zip(found) {
            match found {
                Ok(found) => self.store_sites(i, found),
                Err(message) => self.errors.push(Error::Input {
                    path: self.files[i].file.path.clone(),
                    message,
                }),
            }
        }
        timings::time(Stage::Name, || self.apply_allowlist());
        self.spare_other_sources_comments(opts.only);
    }

    /// A `.go` file read for one of its two sources (`--only go`, `--only
    /// generate`): an inline comment above a callsite of the source not
    /// read was never matched against it, so it is not reported as unused
    /// (GR006). A comment whose next line is a `//go:generate` directive is
    /// the directives'; any other, the code's.
    fn spare_other_sources_comments(&mut self, only: Option<Kinds>) {
        for f in self.files.iter_mut().filter(|f| f.kind == Kind::Generate) {
            let chosen = only.unwrap_or(f.config.kinds);
            let directives = chosen.contains(Kind::Generate);
            if directives == chosen.contains(Kind::Go) {
                continue;
            }
            let text = &f.file.text;
            for s in f.suppressions.iter_mut().filter(|s| !s.used) {
                // (`line` is 1-based: the next line is the `line`-th.)
                let next = text.lines().nth(s.line);
                if next.is_some_and(|l| l.starts_with("//go:generate")) != directives {
                    s.used = true;
                }
            }
        }
    }

    /// After a named-files analysis walked their projects for context
    /// ([`named_in_context`]): report the named files only. The files
    /// around them stay as the walk read them (their own part in the
    /// guard's trees included, so a tree is judged as in the whole check),
    /// and the report keeps the findings located in the named files
    /// ([`Analysis::reports`]). What the walk said about the other files
    /// (one it could not read, a config of another directory) is not about
    /// what was asked.
    fn narrow_to(&mut self, c: NamedContext) {
        self.finished.retain(|x| c.named.contains(&x.path));
        self.files_walked = c.named.len();
        self.dirs.clear();
        // Warnings start with the file they are about (`Makefile:3: ...`).
        let cwd = self.cwd.clone();
        self.warnings.retain(|w| {
            w.split(':')
                .next()
                .is_some_and(|f| c.named.contains(&normalize(&cwd.join(f))))
        });
        let configs: Vec<PathBuf> = self
            .files
            .iter()
            .filter(|f| c.named.contains(&f.file.path))
            .filter_map(|f| f.config.path.clone())
            .collect();
        self.errors.retain(|e| {
            e.path().is_none_or(|p| {
                c.named.contains(p)
                    || configs.iter().any(|k| k == p)
                    || (p
                        .file_name()
                        .is_some_and(|n| n == crate::lint::config::FILE_NAME)
                        && c.named
                            .iter()
                            .any(|n| p.parent().is_some_and(|d| n.starts_with(d))))
            })
        });
        self.named = Some(c.named);
    }

    /// Whether the findings (and fixes) of a file at `path` are reported:
    /// all but those read for context ([`FileAnalysis::context_only`], and
    /// the files around the named ones, [`named_in_context`]).
    pub fn reports(&self, path: &Path) -> bool {
        self.named.as_ref().is_none_or(|n| n.contains(path))
    }

    /// [`Analysis::reports`] for file `fi`, with its `context_only`.
    pub fn reports_file(&self, fi: usize) -> bool {
        let f = &self.files[fi];
        !f.context_only && self.reports(&f.file.path)
    }

    /// Whether the prefilter skipped the file at `path`.
    fn was_skipped(&self, path: &Path) -> bool {
        self.skipped.contains(&path_hash(path))
    }

    /// Read the Makefiles the prefilter skipped that may run a script no
    /// kept Makefile runs: those in the script's directory and its parents up
    /// to its root that name it. The prefilter keeps a Makefile for a
    /// script only by a `.sh` word, so `./gen-all` in `tools/Makefile`, with
    /// no callsite of its own, would leave the script's relative paths to the
    /// repository root. Returns the indices of the Makefiles read.
    fn load_skipped_script_callers(
        &mut self,
        cwd: &Path,
        configs: &Configs,
        only: Option<Kinds>,
    ) -> Vec<usize> {
        let run = self.script_callers();
        // The scripts no recipe runs, by directory and root (a directory's
        // scripts share their parents).
        let mut by_dir: HashMap<(&Path, PathBuf), Vec<String>> = HashMap::new();
        for f in self.files.iter().filter(|f| f.kind == Kind::Script) {
            let Some(name) = f.file.path.file_name() else {
                continue;
            };
            if run.contains_key(&f.file.path) {
                continue;
            }
            let root = f.script_root();
            by_dir
                .entry((f.file.dir(), root))
                .or_default()
                .push(name.to_string_lossy().into_owned());
        }
        // The Makefiles the prefilter skipped in their directories and
        // parents, in path order.
        let mut candidates: BTreeMap<PathBuf, Vec<String>> = BTreeMap::new();
        for ((dir, root), names) in by_dir {
            for d in dir.ancestors() {
                for mk in ["GNUmakefile", "makefile", "Makefile"] {
                    let p = d.join(mk);
                    if self.was_skipped(&p) {
                        candidates
                            .entry(p)
                            .or_default()
                            .extend(names.iter().cloned());
                    }
                }
                if d == root || !d.starts_with(&root) {
                    break;
                }
            }
        }
        let mut index: HashMap<PathBuf, usize> = self
            .files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.file.path.clone(), i))
            .collect();
        let mut parser = MakeParser::new();
        let mut added = Vec::new();
        for (path, names) in candidates {
            let names_it = crate::lint::read::read_bytes(&path).is_ok_and(|b| {
                names
                    .iter()
                    .any(|n| memchr::memmem::find(&b, n.as_bytes()).is_some())
            });
            if !names_it || index.contains_key(&path) {
                continue;
            }
            if let Some(i) = self.load_file(&path, cwd, configs, &mut parser, &mut index) {
                let f = &mut self.files[i];
                f.context_only = !only.unwrap_or(f.config.kinds).contains(Kind::Makefile);
                added.push(i);
            }
        }
        added
    }

    /// The Makefile recipes that run each path, in file order.
    fn script_callers(&self) -> BTreeMap<PathBuf, Vec<ScriptCaller>> {
        let mut callers: BTreeMap<PathBuf, Vec<ScriptCaller>> = BTreeMap::new();
        for (fi, f) in self.files.iter().enumerate() {
            if f.kind != Kind::Makefile {
                continue;
            }
            for e in &f.execs {
                let Some(path) = f.exec_path(e) else {
                    continue;
                };
                let Cwd::Known(dir) = &e.cwd else { continue };
                let line = f.file.line_col(e.line_span.start).0;
                callers.entry(path).or_default().push(ScriptCaller {
                    dir: normalize(&f.base.join(dir)),
                    at: format!("{}:{line}", f.file.display),
                    rule: e.rule.map(|r| (fi, r)),
                    sourced: e.sourced,
                });
            }
        }
        callers
    }

    /// Give each script its base directory: the directory of the first
    /// Makefile recipe (in file order) that runs it, else the repository
    /// root. A script a recipe runs is read even when the walk did not take
    /// it (excluded, or outside the paths given).
    fn place_scripts(&mut self, cwd: &Path, configs: &Configs, only: Option<Kinds>) {
        let callers = self.script_callers();
        let walked: std::collections::HashSet<PathBuf> =
            self.files.iter().map(|f| f.file.path.clone()).collect();
        for path in callers.keys() {
            if walked.contains(path) || self.was_skipped(path) || !path.is_file() {
                continue;
            }
            let wanted = configs
                .for_dir(path.parent().unwrap_or(path))
                .is_ok_and(|c| only.unwrap_or(c.kinds).contains(Kind::Script));
            if !wanted {
                continue;
            }
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            let head = crate::lint::read::read_head(path).unwrap_or_default();
            if !sources::script::is_script(name.as_deref().unwrap_or(""), &head) {
                continue;
            }
            let found = Found {
                path: path.clone(),
                explicit: false,
                kind: Kind::Script,
                context_only: false,
                symlink: path.is_symlink(),
            };
            match load_other(&found, None, None, cwd, configs) {
                Ok(Some(l)) => {
                    self.files_walked += 1;
                    let mut index = HashMap::new();
                    self.push(l, false, &mut index);
                }
                Ok(None) => {}
                Err(e) => self.errors.push(e),
            }
        }
        for f in &mut self.files {
            if f.kind != Kind::Script {
                continue;
            }
            let runs = callers.get(&f.file.path);
            f.sourced = runs.is_some_and(|c| c.iter().any(|c| c.sourced));
            match runs.and_then(|c| c.first()) {
                Some(ScriptCaller { dir, at, rule, .. }) => {
                    f.base = dir.clone();
                    f.caller = *rule;
                    f.base_note = Some(format!(
                        "relative paths taken from `{}`, where the recipe at {at} runs this script",
                        crate::syntax::source::display_path(dir, cwd)
                    ));
                }
                None => {
                    let root = f.script_root();
                    f.base_note = Some(format!(
                        "relative paths taken from the repository root `{}`: no Makefile recipe runs this script",
                        crate::syntax::source::display_path(&root, cwd)
                    ));
                    f.base = root;
                }
            }
        }
    }

    fn apply_allowlist(&mut self) {
        for f in &mut self.files {
            let cfg = f.config.clone();
            for site in &mut f.sites {
                // Inline comments first: they are the closer statement.
                let line = f.file.line_col(site.callsite.span.start).0;
                let first_line = f.file.line_col(site.callsite.line_span.start).0;
                // A comment without a reason allows nothing (as a config
                // entry without one is refused); GR006 says so.
                if let Some(s) = f.suppressions.iter_mut().find(|s| {
                    (s.line == line || s.line + 1 == first_line || s.line + 1 == line)
                        && !s.reason.trim().is_empty()
                        && matches_key(&s.tool, &site.callsite, &site.class, Some(&f.base))
                }) {
                    s.used = true;
                    site.allowed = Some(Box::new(Allowance {
                        key: s.tool.clone(),
                        reason: s.reason.clone(),
                        rules: Vec::new(),
                    }));
                    continue;
                }
                // A config entry: its key, in its files; a tool-wide one
                // (no `rules`) never reaches a read-time callsite. The
                // scoped entries are tried first: they are the closer
                // statement.
                let read_time = match site.callsite.origin {
                    Origin::ReadTime { .. } => true,
                    Origin::Deferred { .. } => site.deferred_read_time,
                    _ => false,
                };
                let path = f.file.path.as_path();
                let matching = cfg.allow.iter().filter(|(k, e)| {
                    (!e.rules.is_empty() || !read_time)
                        && e.applies_in(path, cfg.dir())
                        && matches_key(k, &site.callsite, &site.class, cfg.dir())
                });
                if let Some((k, e)) = matching
                    .clone()
                    .find(|(_, e)| !e.rules.is_empty() || !e.files.is_empty())
                    .or_else(|| matching.clone().next())
                {
                    // No `rules`: every rule (this callsite is not
                    // read-time, so GR002 cannot fire on it).
                    site.allowed = Some(Box::new(Allowance {
                        key: k.clone(),
                        reason: e.reason.clone(),
                        rules: e.rules.clone(),
                    }));
                    if let Some(p) = &cfg.path {
                        self.used_allow
                            .entry(p.clone())
                            .or_default()
                            .push(k.clone());
                    }
                }
            }
        }
    }

    /// Give every distinct build a helper name, per output directory: the
    /// kept callsites get theirs (`target`, `helper`), and [`Analysis::names`]
    /// holds them all by build, for the findings (the builds of finished
    /// files count too: alone, a file may have named a helper that clashes
    /// with another file's).
    fn name_targets(&mut self, opts: &Options) {
        for f in &mut self.files {
            let out_dir = opts
                .out_dir
                .clone()
                .unwrap_or_else(|| f.config.out_dir.clone());
            f.out_dir = normalize(&project_root(&f.base, &f.config).join(out_dir));
        }
        let existing = self.existing_helpers();
        // One build to name per distinct build (out dir, tool, key), with
        // every owner it has: the naming gives the records of one build
        // one name, so it needs each build once, and a file of 400,000
        // callsites of a few helpers held 400,000 cloned keys and paths.
        let mut builds: Vec<Build<usize>> = Vec::new();
        let mut owners: Vec<Vec<Owner>> = Vec::new();
        let mut distinct: HashMap<BuildId, Vec<usize>> = HashMap::new();
        let mut add = |out_dir: &Path, tool: &str, key: &BuildKey, owner: Owner| {
            let same = distinct.entry(naming::build_id(out_dir, key)).or_default();
            let found = same.iter().copied().find(|&k| {
                let b = &builds[k];
                b.out_dir == out_dir && b.tool == tool && b.key == *key
            });
            match found {
                Some(k) => owners[k].push(owner),
                None => {
                    let k = builds.len();
                    builds.push(Build::new(
                        out_dir.to_path_buf(),
                        tool.into(),
                        key.clone(),
                        k,
                    ));
                    owners.push(vec![owner]);
                    same.push(k);
                }
            }
        };
        // A team's own target that performs a build (`.bin/clidoc`) is the
        // helper of that build in its include tree: named by its path.
        let mut reused: Vec<(usize, usize, PathBuf)> = Vec::new();
        let modules = Modules::default();
        let mut reusable: HashMap<usize, Vec<(BuildKey, PathBuf)>> = HashMap::new();
        for (fi, f) in self.files.iter().enumerate() {
            if f.kind == Kind::Makefile && !f.builds.is_empty() {
                let root = self.component(fi)[0];
                reusable
                    .entry(root)
                    .or_default()
                    .extend(reusable_targets(f, &modules));
            }
        }
        for (xi, x) in self.finished.iter_mut().enumerate() {
            for (ni, b) in std::mem::take(&mut x.builds)
                .into_vec()
                .into_iter()
                .enumerate()
            {
                if let Some(path) = &b.reuse {
                    self.names
                        .entry(naming::build_id(&x.out_dir, &b.key))
                        .or_insert_with(|| relative(&x.out_dir, path).into());
                    continue;
                }
                let owner = Owner::Held {
                    file: xi,
                    build: u32::try_from(ni).expect("fewer than 2^32 builds"),
                };
                add(&x.out_dir, &b.tool, &b.key, owner);
            }
        }
        for (fi, f) in self.files.iter().enumerate() {
            for (si, s) in f.sites.iter().enumerate() {
                if let (Some(key), Some(tool)) = (&s.build, s.class.helper_tool()) {
                    let own = reusable
                        .get(&self.component(fi)[0])
                        .and_then(|r| r.iter().find(|(k, _)| *k == **key));
                    if let Some((_, path)) = own {
                        self.names
                            .entry(naming::build_id(&f.out_dir, key))
                            .or_insert_with(|| relative(&f.out_dir, path).into());
                        reused.push((fi, si, path.clone()));
                        continue;
                    }
                    add(&f.out_dir, &tool, key, Owner::Kept { file: fi, site: si });
                }
            }
        }
        let mut helpers = Vec::new();
        let names = &mut self.names;
        naming::assign(&mut builds, &existing, |b, name| {
            names
                .entry(naming::build_id(&b.out_dir, &b.key))
                .or_insert_with(|| name.into());
            // One path for all the sites of a build.
            let helper: Arc<Path> = Arc::from(b.out_dir.join(name));
            for owner in &owners[b.owner] {
                if let Owner::Kept { file, site } = *owner {
                    helpers.push((file, site, helper.clone()));
                }
            }
        });
        drop(builds);
        let reused = reused
            .into_iter()
            .map(|(fi, si, path)| (fi, si, Arc::<Path>::from(path)));
        // A build's sites come together: one target text for the sites of
        // one file and one helper.
        let mut last: Option<(usize, Arc<Path>, Arc<str>)> = None;
        for (fi, si, helper) in helpers.into_iter().chain(reused) {
            let f = &mut self.files[fi];
            let target = match &last {
                Some((lf, lh, t)) if *lf == fi && Arc::ptr_eq(lh, &helper) => t.clone(),
                _ => {
                    let t: Arc<str> = Arc::from(relative(&f.base, &helper));
                    last = Some((fi, helper.clone(), t.clone()));
                    t
                }
            };
            let s = &mut f.sites[si];
            s.target = Some(target);
            s.helper = Some(helper);
        }
    }
}

impl Analysis {
    /// The helper targets the Makefiles already define, per out dir: name ->
    /// the build its recipe performs (`None` when it has no `go build` whose
    /// package we can resolve).
    fn existing_helpers(&self) -> BTreeMap<PathBuf, BTreeMap<String, Option<BuildKey>>> {
        let modules = Modules::default();
        let mut out: BTreeMap<PathBuf, BTreeMap<String, Option<BuildKey>>> = BTreeMap::new();
        for f in &self.files {
            for (ri, _, path) in f.out_dir_targets() {
                if path.parent() != Some(f.out_dir.as_path()) {
                    continue;
                }
                let Some(name) = path.file_name() else {
                    continue;
                };
                let key = f
                    .builds
                    .iter()
                    .find(|b| b.rule() == Some(ri))
                    .and_then(|b| build_key(b, &classify::classify(b, &f.base, &f.env, &modules)));
                let slot = out
                    .entry(f.out_dir.clone())
                    .or_default()
                    .entry(name.to_string_lossy().into_owned())
                    .or_insert(None);
                if slot.is_none() {
                    *slot = key;
                }
            }
        }
        out
    }
}

/// The file targets outside the out dir that a rule of `f` builds with `go
/// build -o $@` (or `-o` and the target's path, [`FileAnalysis::build_writes`]): a
/// team's own helper (`.bin/clidoc: ...; go build -o .bin/clidoc
/// ./cmd/clidoc`). A callsite of the same build runs it instead of a new
/// helper of its own. Not `.PHONY` targets, pattern rules, or rules with
/// several targets.
fn reusable_targets(f: &FileAnalysis, modules: &Modules) -> Vec<(BuildKey, PathBuf)> {
    let phony: HashSet<&String> = f
        .doc
        .rules
        .iter()
        .filter(|r| r.targets.iter().any(|t| t == ".PHONY"))
        .flat_map(|r| r.prerequisites.iter())
        .collect();
    let mut out = Vec::new();
    for b in &f.builds {
        let Some(rule) = b.rule().and_then(|r| f.doc.rules.get(r)) else {
            continue;
        };
        let [target] = rule.targets.as_slice() else {
            continue;
        };
        if phony.contains(target) || target.contains('%') {
            continue;
        }
        let Some(path) = f.resolve(target) else {
            continue;
        };
        if path.starts_with(&f.out_dir) || !f.build_writes(b, &path) {
            continue;
        }
        if let Some(key) = build_key(b, &classify::classify(b, &f.base, &f.env, modules)) {
            out.push((key, path));
        }
    }
    out
}

/// Whether `$(variable)` is expanded while make reads this file.
fn read_time_reference(f: &FileAnalysis, variable: &str) -> bool {
    let refs = [format!("$({variable})"), format!("${{{variable}}}")];
    let has = |span: &std::ops::Range<usize>| {
        refs.iter()
            .any(|r| f.file.text[span.clone()].contains(r.as_str()))
    };
    f.doc
        .assignments
        .iter()
        .any(|a| (a.op.is_immediate() || a.target_specific) && has(&a.value))
        || f.doc
            .rules
            .iter()
            .any(|r| has(&(r.header.start..r.prereq_end)))
        || f.doc.toplevel.iter().any(has)
}

#[cfg(test)]
mod build_key_tests {
    /// The toolchain part of each callsite's build key, in file order.
    fn toolchains(makefile: &str, config: Option<&str>) -> Vec<String> {
        let d = crate::test_repo::go_module("cmd/x", makefile);
        if let Some(c) = config {
            std::fs::write(d.path().join(".gorun-lint.toml"), c).unwrap();
        }
        let a = crate::test_repo::analyse(d.path());
        a.files
            .iter()
            .flat_map(|f| &f.sites)
            .map(|s| {
                s.build
                    .as_ref()
                    .expect("a local build")
                    .toolchain
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn a_go_command_that_sets_the_environment_is_its_own_build() {
        let mk = "\
GO := $(shell type -P go)
GOEXE ?= go
HOSTGO := env -u GOOS -u GOARCH -- go
NOCGO := CGO_ENABLED=0 go
ENVGO := env GOFLAGS=-mod=mod go
x:
\tgo run ./cmd/x
\t./tool/go run ./cmd/x
\t$(GO) run ./cmd/x
\t$(GOEXE) run ./cmd/x
\t$(HOSTGO) run ./cmd/x
\t$(NOCGO) run ./cmd/x
\t$(ENVGO) run ./cmd/x
";
        assert_eq!(
            toolchains(mk, None),
            ["", "", "", "", "$(HOSTGO)", "$(NOCGO)", "$(ENVGO)"]
        );
        // A configured wrapper may set anything.
        assert_eq!(
            toolchains(
                "x:\n\t./hack/gow run ./cmd/x\n\tgo run ./cmd/x\n",
                Some("go-commands = [\"./hack/gow\"]\n")
            ),
            ["./hack/gow", ""]
        );
    }
}

#[cfg(test)]
mod script_caller_tests {
    use super::Kind;

    /// `tools/Makefile` runs `./gen-all` (a script without `.sh`, with a
    /// `go run ./x` relative to `tools/`); the Makefile itself holds nothing
    /// the prefilter keeps.
    fn script_base(makefile: &str) -> (String, usize) {
        let d = crate::test_repo::go_module("tools/x", "all:\n\t@true\n");
        std::fs::write(d.path().join("tools/Makefile"), makefile).unwrap();
        let script = d.path().join("tools/gen-all");
        std::fs::write(&script, "#!/bin/sh\nset -e\ngo run ./x\n").unwrap();
        let a = crate::test_repo::analyse(d.path());
        let s = a
            .files
            .iter()
            .find(|f| f.kind == Kind::Script)
            .expect("the script is read");
        let base = s.base.strip_prefix(d.path()).unwrap().display().to_string();
        (base, a.files_walked)
    }

    #[test]
    fn a_script_run_from_a_skipped_makefile_takes_its_directory() {
        // Walked: go.mod, Makefile, tools/Makefile, tools/gen-all, tools/x/main.go
        // (the .go file is read for directives); counted once each.
        assert_eq!(script_base("gen:\n\t./gen-all\n"), ("tools".into(), 4));
        // The negative twin: nothing runs it, so the repository root.
        assert_eq!(script_base("gen:\n\t./other\n"), ("".into(), 4));
    }
}
