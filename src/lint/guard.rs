//! Guard: the state of a migrated Makefile. Finds the helper targets (rules
//! whose target is a file in the out dir), how each is built, which recipes
//! run them, and whether `clean` and `.gitignore` cover the out dir. The
//! guard rules (GR008-GR014) read this; the source computation is the one
//! `fix` uses to write prerequisites ([`crate::lint::helper_sources`]).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::lint::analysis::{Analysis, FileAnalysis};
use crate::lint::classify::{self, Class};
use crate::lint::edit::Edit;
use crate::lint::gomod::Modules;
use crate::lint::helper_sources as sources;
use crate::lint::paths::normalize;
use crate::syntax::callsite::Callsite;
use crate::syntax::parse::split_words;
use crate::syntax::sources::Kind;

/// A rule whose target is a file in the out dir.
#[derive(Debug, Clone)]
pub struct HelperTarget {
    pub file: usize,
    /// Index into the file's rules.
    pub rule: usize,
    /// The binary (absolute).
    pub path: PathBuf,
    /// The target as written.
    pub target: String,
    /// Its `go build` command (index into the file's `builds`).
    pub build: Option<usize>,
    pub phony: bool,
    /// Sources the prerequisites do not cover (`None`: could not tell).
    pub missing: Option<Vec<PathBuf>>,
    /// The build writes the target (`-o $@` or `-o <target>`).
    pub has_output: bool,
    /// Some recipe runs it or some rule depends on it.
    pub used: bool,
}

/// A recipe that runs a helper by path.
#[derive(Debug, Clone)]
pub struct HelperRun {
    pub file: usize,
    /// Index into the file's `execs`.
    pub exec: usize,
    pub path: PathBuf,
    /// Whether the owning rule lists the helper as a prerequisite.
    pub listed: bool,
}

/// The guard state of one include tree.
#[derive(Debug, Clone)]
pub struct Tree {
    pub root: usize,
    pub helpers: Vec<HelperTarget>,
    pub runs: Vec<HelperRun>,
    /// `clean` removes the out dir (or a parent); the file and rule when a
    /// clean rule exists.
    pub clean_ok: bool,
    pub clean_rule: Option<(usize, usize)>,
    pub ignored: bool,
}

/// Guard state per include tree that has helper targets or runs helpers.
pub fn analyse(analysis: &Analysis) -> Vec<Tree> {
    let modules = Modules::default();
    let mut trees = Vec::new();
    let mut roots: Vec<usize> = (0..analysis.files.len())
        .map(|i| analysis.component(i)[0])
        .collect();
    roots.sort();
    roots.dedup();
    for root in roots {
        if analysis.files[root].context_only || analysis.files[root].kind != Kind::Makefile {
            continue;
        }
        let comp = analysis.component(root);
        let mut helpers = Vec::new();
        for &fi in &comp {
            helpers.extend(helper_targets(analysis, fi, &comp, &modules));
        }
        let mut runs = Vec::new();
        for &fi in &comp {
            let f = &analysis.files[fi];
            for (ei, e) in f.execs.iter().enumerate() {
                let Some(path) = f.exec_path(e) else {
                    continue;
                };
                if !path.starts_with(&f.out_dir) {
                    continue;
                }
                let listed = e.rule.is_some_and(|r| rule_lists(f, r, &path));
                runs.push(HelperRun {
                    file: fi,
                    exec: ei,
                    path,
                    listed,
                });
            }
        }
        if helpers.is_empty() && runs.is_empty() {
            continue;
        }
        for h in &mut helpers {
            h.used = runs.iter().any(|r| r.path == h.path)
                || comp.iter().any(|&fi| {
                    let f = &analysis.files[fi];
                    (0..f.doc.rules.len())
                        .any(|r| !(fi == h.file && r == h.rule) && rule_lists(f, r, &h.path))
                })
                || analysis.files[h.file].builds.iter().any(|b| {
                    b.rule().is_some_and(|r| {
                        // Another helper's recipe may run it (a generator chain).
                        r != h.rule && b.args.iter().any(|a| a.text.contains(&h.target))
                    })
                });
        }
        // `clean` is the top Makefile's job when it is part of the run (as
        // `fix` does it); otherwise this tree's own.
        let f = &analysis.files[root];
        let owner = clean_owner(analysis, root);
        let owner_comp = analysis.component(owner);
        let o = &analysis.files[owner];
        let out_rel = crate::lint::paths::relative(&o.base, &o.out_dir);
        let clean = o.config.clean_target.clone();
        let clean_rule = owner_comp.iter().find_map(|&fi| {
            analysis.files[fi]
                .doc
                .rules
                .iter()
                .position(|r| r.targets.contains(&clean))
                .map(|r| (fi, r))
        });
        let clean_ok = matches!(
            clean_edits(analysis, &owner_comp, &clean, &out_rel),
            CleanEdit::Done
        );
        let ignored = ignored(&git_root(&f.out_dir), &f.out_dir);
        trees.push(Tree {
            root,
            helpers,
            runs,
            clean_ok,
            clean_rule,
            ignored,
        });
    }
    trees
}

/// The Makefile whose `clean` must remove the out dir of the include tree at
/// `root`: the top Makefile of the project (where make runs at the project
/// root, with the same out dir) when it was read, else `root` itself. Never
/// a script, `.go` file or workflow, nor a Makefile read only for context.
pub(crate) fn clean_owner(analysis: &Analysis, root: usize) -> usize {
    let f = &analysis.files[root];
    let top = crate::lint::paths::project_root(&f.base, &f.config);
    (0..analysis.files.len())
        .find(|&j| {
            let g = &analysis.files[j];
            g.kind == Kind::Makefile
                && !g.context_only
                && g.included_by.is_none()
                && g.invoked_by.is_none()
                && g.base == top
                && g.out_dir == f.out_dir
        })
        .unwrap_or(root)
}

/// The helper targets defined in one file of include tree `comp`.
fn helper_targets(
    analysis: &Analysis,
    fi: usize,
    comp: &[usize],
    modules: &Modules,
) -> Vec<HelperTarget> {
    let f = &analysis.files[fi];
    let phony: BTreeSet<String> = f
        .doc
        .rules
        .iter()
        .filter(|r| r.targets.iter().any(|t| t == ".PHONY"))
        .flat_map(|r| {
            r.prerequisites
                .iter()
                .chain(r.order_only.iter().flatten())
                .cloned()
        })
        .collect();
    let mut out = Vec::new();
    for (ri, target, path) in f.out_dir_targets() {
        let rule = &f.doc.rules[ri];
        let build = f.builds.iter().position(|b| b.rule() == Some(ri));
        let has_output = build.is_some_and(|b| f.build_writes(&f.builds[b], &path));
        // A helper whose recipe writes its dependency file, which the tree
        // includes, depends on what go lists: nothing can be missing.
        let missing = if writes_depfile(f, ri, target) && includes_depfile(analysis, comp, &path) {
            Some(Vec::new())
        } else {
            build.and_then(|b| missing_sources(f, rule, &f.builds[b], modules))
        };
        out.push(HelperTarget {
            file: fi,
            rule: ri,
            path,
            target: target.clone(),
            build,
            phony: phony.contains(target),
            missing,
            has_output,
            used: false,
        });
    }
    out
}

/// Whether a recipe line of rule `r` writes the target's dependency file
/// (`$@.d` or `<target>.d`), itself or through a variable (as
/// `$(GORUN_LINT_DEPFILE)` does).
fn writes_depfile(f: &FileAnalysis, r: usize, target: &str) -> bool {
    let names = [format!("{target}.d"), "$@.d".to_string()];
    let writes = |text: &str| names.iter().any(|n| text.contains(n.as_str()));
    f.doc
        .recipe_lines
        .iter()
        .filter(|l| l.rule == Some(r))
        .any(|l| {
            let text = &f.file.text[l.span.clone()];
            writes(text)
                || f.doc.assignments.iter().any(|a| {
                    (text.contains(&format!("$({})", a.name))
                        || text.contains(&format!("${{{}}}", a.name)))
                        && writes(&f.file.text[a.value.clone()])
                })
        })
}

/// Whether an `include` of the tree reads `<helper>.d` (by name or by a
/// `$(wildcard ...)` pattern); a missing file is fine (`-include`).
fn includes_depfile(analysis: &Analysis, comp: &[usize], helper: &Path) -> bool {
    let mut depfile = helper.as_os_str().to_owned();
    depfile.push(".d");
    let depfile = PathBuf::from(depfile);
    comp.iter().any(|&j| {
        let g = &analysis.files[j];
        g.doc.includes.iter().any(|inc| {
            inc.files.iter().any(|(word, _)| {
                let word = g.env.expand(word).unwrap_or_else(|| word.clone());
                let inner = word
                    .strip_prefix("$(wildcard ")
                    .and_then(|w| w.strip_suffix(')'))
                    .unwrap_or(&word);
                split_words(inner).iter().any(|pat| {
                    let p = normalize(&g.base.join(pat));
                    globset::Glob::new(&p.to_string_lossy())
                        .map(|gl| gl.compile_matcher().is_match(&depfile))
                        .unwrap_or(false)
                })
            })
        })
    })
}

/// Whether rule `r` of `f` lists `path` among its prerequisites.
fn rule_lists(f: &FileAnalysis, r: usize, path: &Path) -> bool {
    let rule = &f.doc.rules[r];
    rule.prerequisites
        .iter()
        .chain(rule.order_only.iter().flatten())
        .any(|w| {
            f.resolve(&crate::syntax::parse::unescape_word(w))
                .as_deref()
                == Some(path)
        })
}

/// Sources of the helper's package that its prerequisites do not cover;
/// `None` when the prerequisites use something we cannot expand.
fn missing_sources(
    f: &FileAnalysis,
    rule: &crate::syntax::parse::Rule,
    build: &Callsite,
    modules: &Modules,
) -> Option<Vec<PathBuf>> {
    let class = classify::classify(build, &f.base, &f.env, modules);
    let Class::Local {
        dir: Some(dir),
        module: Some(module),
        ..
    } = &class.class
    else {
        return None;
    };
    let files = match &build.target {
        crate::syntax::callsite::RunTarget::Files(ws) => Some(
            ws.iter()
                .map(|w| dir.join(w.text.rsplit('/').next().unwrap_or(&w.text)))
                .collect::<Vec<_>>(),
        ),
        _ => None,
    };
    let srcs = sources::collect(module, dir, files.as_deref());
    let mut covered: BTreeSet<PathBuf> = BTreeSet::new();
    for word in rule
        .prerequisites
        .iter()
        .chain(rule.order_only.iter().flatten())
    {
        covered.extend(expand_prerequisite(f, word)?);
    }
    let mut required: BTreeSet<PathBuf> = BTreeSet::new();
    required.extend(srcs.files.iter().cloned());
    for d in &srcs.package_dirs {
        required.extend(sources::list_go_files(d));
    }
    for (p, is_dir) in &srcs.embeds {
        if *is_dir {
            required.extend(files_under(p));
        } else {
            required.extend(glob_files(p));
        }
    }
    required.insert(module.root.join("go.mod"));
    let sum = module.root.join("go.sum");
    if sum.is_file() {
        required.insert(sum);
    }
    Some(required.difference(&covered).cloned().collect())
}

/// The files a prerequisite word names: a path, `$(wildcard ...)` or a
/// literal variable; `None` for anything else (a function we cannot expand).
fn expand_prerequisite(f: &FileAnalysis, word: &str) -> Option<Vec<PathBuf>> {
    let word = if crate::syntax::vars::whole_reference(word).is_some() {
        f.env.expand(word)?
    } else {
        word.to_string()
    };
    let mut out = Vec::new();
    for w in split_words(&word) {
        if let Some(inner) = w
            .strip_prefix("$(wildcard ")
            .and_then(|r| r.strip_suffix(')'))
        {
            for pat in split_words(inner) {
                let pat = f.env.expand(&pat)?;
                out.extend(glob_files(&normalize(&f.base.join(pat))));
            }
        } else if w.contains('$') {
            return None;
        } else {
            out.push(normalize(
                &f.base.join(crate::syntax::parse::unescape_word(&w)),
            ));
        }
    }
    Some(out)
}

/// Files matching a pattern whose wildcards are in the last component.
fn glob_files(pattern: &Path) -> Vec<PathBuf> {
    let text = pattern.to_string_lossy();
    if !text.contains(['*', '?', '[']) {
        return vec![pattern.to_path_buf()];
    }
    let (Some(dir), Some(name)) = (pattern.parent(), pattern.file_name()) else {
        return Vec::new();
    };
    let Ok(matcher) = globset::Glob::new(&name.to_string_lossy()).map(|g| g.compile_matcher())
    else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| e.path().is_file() && matcher.is_match(e.file_name()))
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.filter_map(|e| e.ok()) {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

pub(crate) enum CleanEdit {
    /// The clean target already removes the out dir (or a parent).
    Done,
    Insert(usize, Edit),
    Create,
}

pub(crate) fn clean_edits(
    analysis: &Analysis,
    comp: &[usize],
    clean: &str,
    out_rel: &str,
) -> CleanEdit {
    // Rules by target, across the include tree.
    let rules_of = |target: &str| -> Vec<(usize, usize)> {
        comp.iter()
            .flat_map(|&j| {
                analysis.files[j]
                    .doc
                    .rules
                    .iter()
                    .enumerate()
                    .filter(move |(_, r)| r.targets.iter().any(|t| t == target))
                    .map(move |(r, _)| (j, r))
            })
            .collect()
    };
    let Some(&(cj, cr)) = rules_of(clean).first() else {
        return CleanEdit::Create;
    };
    // `clean` and the targets it depends on (`clean: clean-bin`), transitively.
    let mut todo = vec![(cj, cr)];
    let mut seen = Vec::new();
    while let Some((j, r)) = todo.pop() {
        if seen.contains(&(j, r)) || seen.len() > 64 {
            continue;
        }
        seen.push((j, r));
        let g = &analysis.files[j];
        let removes = g
            .doc
            .recipe_lines
            .iter()
            .filter(|l| l.rule == Some(r))
            .any(|l| removes_dir(&g.file.text[l.span.clone()], out_rel));
        if removes {
            return CleanEdit::Done;
        }
        for p in &g.doc.rules[r].prerequisites {
            todo.extend(rules_of(p));
        }
    }
    // First in the recipe, right after the rule line: an earlier line that
    // fails (`test -d bin && $(RM) bin/*` without `bin/`) would stop make
    // before a line added last.
    let rule = &analysis.files[cj].doc.rules[cr];
    CleanEdit::Insert(
        cj,
        Edit::insert(rule.header.end, format!("\n\t{}", clean_lines(out_rel))),
    )
}

/// The recipe lines that remove the out dir `out_rel` (relative to where
/// make runs), tab-separated: the out dir, then its parent when that is
/// left empty (`_gen/` of `_gen/bin`; `rmdir` refuses a directory that
/// still holds something).
pub(crate) fn clean_lines(out_rel: &str) -> String {
    let mut lines = format!("rm -rf {out_rel}");
    if let Some((parent, _)) = out_rel.rsplit_once('/') {
        if !parent.is_empty() && !parent.ends_with("..") && parent != "." {
            lines.push_str(&format!("\n\trmdir {parent} 2>/dev/null || true"));
        }
    }
    lines
}

/// Whether a recipe line removes `out_rel` or a parent of it (`rm -rf`,
/// `$(RM) -r`, with or without `./` and a trailing `/`).
fn removes_dir(line: &str, out_rel: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    let rm_at = words.iter().position(|w| {
        let w = w.trim_start_matches(['@', '-', '+']);
        w == "rm" || w == "$(RM)" || w == "${RM}" || w.ends_with("/rm")
    });
    let Some(i) = rm_at else { return false };
    words[i + 1..].iter().any(|w| {
        let w = w
            .trim_end_matches([';'])
            .trim_end_matches('/')
            .trim_start_matches("./");
        !w.is_empty() && (out_rel == w || out_rel.starts_with(&format!("{w}/")))
    })
}

/// The directory whose `.gitignore` anchors `dir`: the nearest ancestor
/// holding `.git`, else the module root, else the out dir's parent.
pub(crate) fn git_root(dir: &Path) -> PathBuf {
    crate::lint::paths::nearest_ancestor(dir, ".git")
        .or_else(|| crate::lint::paths::nearest_ancestor(dir, "go.mod"))
        .unwrap_or_else(|| dir.parent().unwrap_or(dir).to_path_buf())
}

/// Whether git would ignore a file inside `dir`, reading each `.gitignore`
/// from `root` down to `dir`.
pub fn ignored(root: &Path, dir: &Path) -> bool {
    // The directories from the root down to `dir`, then a file inside it.
    let mut chain: Vec<PathBuf> = dir
        .ancestors()
        .take_while(|d| d.starts_with(root))
        .map(Path::to_path_buf)
        .collect();
    chain.reverse();
    let matchers: Vec<(PathBuf, ignore::gitignore::Gitignore)> = chain
        .iter()
        .filter(|d| d.join(".gitignore").is_file())
        .map(|d| {
            (
                d.clone(),
                ignore::gitignore::Gitignore::new(d.join(".gitignore")).0,
            )
        })
        .collect();
    // Git decides each path by the deepest `.gitignore` with a matching
    // pattern, and never looks inside an ignored directory: a file there
    // stays ignored whatever a later `!pattern` says.
    let decide = |path: &Path, is_dir: bool| -> Option<bool> {
        matchers
            .iter()
            .rev()
            .filter(|(d, _)| path.starts_with(d) && path != d.as_path())
            .find_map(|(_, m)| match m.matched(path, is_dir) {
                ignore::Match::Ignore(_) => Some(true),
                ignore::Match::Whitelist(_) => Some(false),
                ignore::Match::None => None,
            })
    };
    for d in chain.iter().skip(1) {
        if decide(d, true) == Some(true) {
            return true;
        }
    }
    decide(&dir.join("gorun-lint-probe"), false) == Some(true)
}
