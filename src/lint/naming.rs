//! Helper names: one file target per distinct build, named after the package
//! directory, with a deterministic way out of clashes. `check` uses the same
//! names in its help text as `fix` writes.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use crate::lint::classify::Classified;
use crate::lint::diagnostic::BuildId;
use crate::syntax::callsite::{Callsite, RunTarget};
use crate::syntax::shell::Cwd;

/// Env variables that change what `go build` produces.
const BUILD_ENV: [&str; 15] = [
    "GOOS",
    "GOARCH",
    "CGO_ENABLED",
    "GOFLAGS",
    "GOEXPERIMENT",
    "GOAMD64",
    "GOARM",
    "GOARM64",
    "CC",
    "CXX",
    "CGO_CFLAGS",
    "CGO_LDFLAGS",
    "GO111MODULE",
    "GOWORK",
    "GOTOOLCHAIN",
];

/// Whether an environment assignment (`GOOS=linux`) changes what `go build`
/// produces.
pub fn is_build_env(assignment: &str) -> bool {
    BUILD_ENV.iter().any(|e| {
        assignment
            .strip_prefix(e)
            .is_some_and(|rest| rest.starts_with('='))
    })
}

/// What makes two callsites the same build. (Boxed slices: `check` keeps
/// one per build of a large tree until all are named.)
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BuildKey {
    /// The package directory, or the files of a file run (absolute).
    pub sources: Box<[PathBuf]>,
    /// Build flags as written (`-tags x`), `-C` excluded.
    pub flags: Box<[String]>,
    /// Build-affecting env assignments (`GOOS=linux`).
    pub env: Box<[String]>,
    /// The go command as written when it changes the build's environment
    /// (`$(HOSTGO)` with `HOSTGO := env -u GOOS -u GOARCH -- go` builds for
    /// the host, `$(GO)` maybe not); empty for go itself, however spelled.
    pub toolchain: Box<str>,
}

/// Names a helper never gets: `_gen/bin/go` ends in `/go`, so a second
/// `check` would read `_gen/bin/go run ...` as the go command running again.
const RESERVED: [&str; 1] = ["go"];

/// A build to name, as the naming reads them: sorted (`Ord`) by out dir,
/// tool, then the clash order (the plain build first, then by path), and
/// its owner (the finding or callsite that gets the name).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Build<O> {
    pub out_dir: PathBuf,
    pub tool: String,
    /// With flags, env or another toolchain: after the plain build.
    variant: bool,
    pub key: BuildKey,
    pub owner: O,
}

impl<O> Build<O> {
    pub fn new(out_dir: PathBuf, tool: String, key: BuildKey, owner: O) -> Build<O> {
        Build {
            out_dir,
            tool,
            variant: !key.flags.is_empty() || !key.env.is_empty() || !key.toolchain.is_empty(),
            key,
            owner,
        }
    }
}

/// Assign a unique name to each build, per out dir, and give it to `named`
/// with each of its records. `existing` maps, per out dir, the names of
/// helper targets the Makefiles already have to the build each performs
/// (`None`: not known). A build an existing helper already performs gets
/// that helper's name; every other existing name is taken, so that a new
/// build never reuses a target that builds something else. Names without a
/// clash come first (so that they never move): the builds are read twice,
/// once to find them, once to name. The builds are sorted here.
pub fn assign<O: Ord>(
    builds: &mut [Build<O>],
    existing: &BTreeMap<PathBuf, BTreeMap<String, Option<BuildKey>>>,
    mut named: impl FnMut(&Build<O>, &str),
) {
    builds.sort_unstable();
    let mut n = Naming::new(existing);
    for b in builds.iter() {
        n.count(b);
    }
    n.close_group();
    n.counting = false;
    for b in builds.iter() {
        let name = n.name(b);
        named(b, &name);
    }
}

/// The state of [`assign`]: the names taken and the groups (out dir and
/// tool) named plainly, by hash (8 bytes a name: a collision, one in 2^64,
/// would only pass over a free name), and the group being read.
struct Naming<'e> {
    existing: &'e BTreeMap<PathBuf, BTreeMap<String, Option<BuildKey>>>,
    taken: HashSet<u64>,
    plain: HashSet<u64>,
    group: Option<Group>,
    /// The first reading.
    counting: bool,
}

/// The group (out dir and tool) being read, and its last build.
struct Group {
    out_dir: PathBuf,
    tool: String,
    last: Option<(BuildKey, String)>,
    /// Its builds that no existing helper performs, so far.
    new: usize,
    next_number: usize,
}

/// The id findings name a build by ([`BuildId`]).
pub fn build_id(out_dir: &Path, key: &BuildKey) -> BuildId {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    out_dir.as_os_str().hash(&mut h);
    key.hash(&mut h);
    BuildId(h.finish())
}

fn hash(out_dir: &Path, name: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    out_dir.as_os_str().hash(&mut h);
    name.hash(&mut h);
    h.finish()
}

impl<'e> Naming<'e> {
    fn new(existing: &'e BTreeMap<PathBuf, BTreeMap<String, Option<BuildKey>>>) -> Naming<'e> {
        let taken = existing
            .iter()
            .flat_map(|(dir, names)| names.keys().map(|n| hash(dir, n)))
            .collect();
        Naming {
            existing,
            taken,
            plain: HashSet::new(),
            group: None,
            counting: true,
        }
    }

    /// The existing helper that performs a build (the first by name).
    fn existing_name(&self, b: &Build<impl Sized>) -> Option<&'e str> {
        let names = self.existing.get(&b.out_dir)?;
        names
            .iter()
            .find(|(_, k)| k.as_ref() == Some(&b.key))
            .map(|(n, _)| n.as_str())
    }

    /// Make `b`'s group the current one; whether `b` is a build not seen
    /// just before (records of one build are adjacent).
    fn enter(&mut self, b: &Build<impl Sized>) -> bool {
        let same_group = self
            .group
            .as_ref()
            .is_some_and(|g| g.out_dir == b.out_dir && g.tool == b.tool);
        if !same_group {
            self.close_group();
            self.group = Some(Group {
                out_dir: b.out_dir.clone(),
                tool: b.tool.clone(),
                last: None,
                new: 0,
                next_number: 2,
            });
        }
        let g = self.group.as_ref().expect("a group");
        g.last.as_ref().is_none_or(|(k, _)| *k != b.key)
    }

    /// First reading: count each group's new builds.
    fn count(&mut self, b: &Build<impl Sized>) {
        let fresh = self.enter(b);
        let existing = self.existing_name(b).is_some();
        let g = self.group.as_mut().expect("a group");
        if fresh {
            g.last = Some((b.key.clone(), String::new()));
            if !existing {
                g.new += 1;
            }
        }
    }

    /// Close the current group. Counting, one new build, its plain name
    /// free, is named plainly.
    fn close_group(&mut self) {
        let Some(g) = self.group.take() else {
            return;
        };
        if !self.counting {
            return;
        }
        let existing = self
            .existing
            .get(&g.out_dir)
            .is_some_and(|names| names.contains_key(&g.tool));
        if g.new == 1 && !RESERVED.contains(&g.tool.as_str()) && !existing {
            let h = hash(&g.out_dir, &g.tool);
            self.plain.insert(h);
            self.taken.insert(h);
        }
    }

    /// Second reading: the name of `b`'s build.
    fn name(&mut self, b: &Build<impl Sized>) -> String {
        if !self.enter(b) {
            let g = self.group.as_ref().expect("a group");
            return g.last.as_ref().expect("a last build").1.clone();
        }
        let name = match self.existing_name(b) {
            Some(name) => name.to_string(),
            None => self.new_name(b),
        };
        let g = self.group.as_mut().expect("a group");
        g.last = Some((b.key.clone(), name.clone()));
        name
    }

    fn new_name(&mut self, b: &Build<impl Sized>) -> String {
        let (dir, tool, key) = (&b.out_dir, b.tool.as_str(), &b.key);
        if self.plain.contains(&hash(dir, tool)) {
            return tool.to_string();
        }
        let g = self.group.as_mut().expect("a group");
        let first = g.new == 0;
        g.new += 1;
        let mut candidates = Vec::new();
        if first && !RESERVED.contains(&tool) && !self.taken.contains(&hash(dir, tool)) {
            candidates.push(tool.to_string());
        }
        // A file run: its directory's name, then the file's.
        if let Some(stem) = key
            .sources
            .first()
            .filter(|p| p.extension().is_some_and(|e| e == "go"))
            .and_then(|p| p.file_stem())
        {
            let stem = sanitize(&stem.to_string_lossy());
            if !stem.is_empty() && stem != tool && stem != "main" {
                candidates.push(format!("{tool}-{stem}"));
            }
        }
        let variant: Vec<String> = std::iter::once(&key.toolchain.to_ascii_lowercase())
            .chain(&key.env)
            .chain(&key.flags)
            .map(|s| sanitize(s))
            .filter(|s| !s.is_empty())
            .collect();
        let variant = variant.join("-");
        if !variant.is_empty() && variant.len() <= 24 {
            candidates.push(format!("{tool}-{variant}"));
        }
        if let Some(parent) = key.sources.first().and_then(|p| {
            let dir = if p.extension().is_some_and(|e| e == "go") {
                p.parent()?
            } else {
                p.as_path()
            };
            dir.parent()?
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        }) {
            candidates.push(format!("{}-{tool}", sanitize(&parent)));
        }
        let taken = &mut self.taken;
        let name = candidates
            .into_iter()
            .find(|c| !taken.contains(&hash(dir, c)))
            .unwrap_or_else(|| {
                // Numbered names continue where the last one of this tool
                // stopped: linear, however many builds share it.
                loop {
                    let c = format!("{tool}-{}", g.next_number);
                    g.next_number += 1;
                    if !taken.contains(&hash(dir, &c)) {
                        break c;
                    }
                }
            });
        taken.insert(hash(dir, &name));
        name
    }
}

/// Keep `[A-Za-z0-9._]`, map the rest to `-`, trim dashes.
pub fn sanitize(s: &str) -> String {
    let s: String = s
        .trim_start_matches('-')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let mut out = String::new();
    for part in s.split('-').filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(part);
    }
    out
}

/// `go run` flags that do not change the binary (or are not build flags):
/// left out of the build key and the helper's `go build` line.
pub const NON_BUILD_FLAGS: [&str; 7] = ["C", "exec", "v", "x", "n", "work", "p"];

/// The build of a repo-local callsite whose directory is known.
/// `None` where a package directory or file is not on disk: no helper can
/// build it, so it takes no name ([`build_sources`] says which).
pub(crate) fn build_key(cs: &Callsite, class: &Classified) -> Option<BuildKey> {
    let sources = build_sources(cs, class)?;
    if sources.iter().any(|p| p.is_absolute() && !p.exists()) {
        return None;
    }
    let flags = cs
        .flags
        .iter()
        // `-o` is a `go build` flag: an existing helper's build has it.
        .filter(|f| !NON_BUILD_FLAGS.contains(&f.name.as_str()) && f.name != "o")
        .filter_map(|f| match f.name.as_str() {
            // What `go run` does anyway (and `fix` writes on a helper's
            // build to link it as `go run` does): the same build.
            "buildvcs" if f.value.as_deref() == Some("false") => None,
            "ldflags" => {
                let rest: Vec<&str> = f
                    .value
                    .as_deref()
                    .unwrap_or("")
                    .split_whitespace()
                    .filter(|w| *w != "-s" && *w != "-w")
                    .collect();
                (!rest.is_empty()).then(|| format!("-ldflags={}", rest.join(" ")))
            }
            _ => Some(format!("-{}", f.text.trim_start_matches('-'))),
        })
        .collect();
    let env = cs
        .env
        .iter()
        .filter(|w| is_build_env(&w.text))
        .map(|w| w.text.clone())
        .collect();
    Some(BuildKey {
        sources: sources.into(),
        flags,
        env,
        toolchain: toolchain(cs).into(),
    })
}

/// What a build compiles: its package directory, or a file run's files
/// (absolute).
///
/// A dependency's package (a module path that go.mod requires or names
/// in a `tool` directive) is its import path, relative: the build is go's
/// from the module's requirement.
pub(crate) fn build_sources(cs: &Callsite, class: &Classified) -> Option<Vec<PathBuf>> {
    if class.pinned_version().is_some() {
        return Some(vec![PathBuf::from(&class.package)]);
    }
    if let crate::lint::classify::Class::Dependency { via, .. } = &class.class {
        return match via {
            crate::lint::classify::DependencyVia::NotFound => None,
            _ => Some(vec![PathBuf::from(&class.package)]),
        };
    }
    let dir = class.dir()?;
    Some(match &cs.target {
        RunTarget::Files(words) => {
            let Cwd::Known(_) = cs.dir() else { return None };
            match &class.expanded {
                Some(e) => e.split_whitespace().map(|w| file_in(dir, w)).collect(),
                None => words.iter().map(|w| file_in(dir, &w.text)).collect(),
            }
        }
        _ => vec![dir.to_path_buf()],
    })
}

/// The go command of a build when it changes the environment the build
/// sees: a variable whose definition runs go through `env` or after
/// assignments (`HOSTGO := env -u GOOS -u GOARCH -- go`, `GO := CGO_ENABLED=0
/// go`), a configured wrapper, or `env` options written before it (`env -u
/// GOOS go run`). Empty for go itself: `go`, `./tool/go`,
/// `$(GO)` with `GO := $(shell which go)` build the same binary.
fn toolchain(cs: &Callsite) -> String {
    let go = spelled_toolchain(cs);
    // `env -u GOOS go run`: another build than `go run`'s.
    match cs.env_build_options().filter(|o| !o.is_empty()) {
        Some(o) if go.is_empty() => format!("env {o} go"),
        Some(o) => format!("env {o} {go}"),
        None => go,
    }
}

/// [`toolchain`] from the go word alone.
fn spelled_toolchain(cs: &Callsite) -> String {
    use crate::syntax::vars::GoSpelling;
    let sets_env = |definition: &str| {
        definition.split_whitespace().any(|w| {
            crate::syntax::shell::is_env_command(w) || crate::syntax::shell::is_assignment_word(w)
        })
    };
    match &cs.spelling {
        GoSpelling::Variable { definition, .. } | GoSpelling::RunVariable { definition, .. }
            if sets_env(definition) =>
        {
            cs.go.text.clone()
        }
        GoSpelling::Configured => cs.go.text.clone(),
        _ => String::new(),
    }
}

/// The absolute path of a file of a file run, given its package directory.
fn file_in(dir: &Path, written: &str) -> PathBuf {
    let name = written.rsplit('/').next().unwrap_or(written);
    dir.join(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(src: &str, flags: &[&str]) -> BuildKey {
        BuildKey {
            sources: Box::new([PathBuf::from(src)]),
            flags: flags.iter().map(|s| s.to_string()).collect(),
            env: Box::default(),
            toolchain: Box::default(),
        }
    }

    /// The names of builds in one out dir (`/r/_gen/bin`).
    fn names(
        keys: &[(BuildKey, &str)],
        existing: BTreeMap<String, Option<BuildKey>>,
    ) -> BTreeMap<BuildKey, String> {
        let dir = PathBuf::from("/r/_gen/bin");
        let mut builds: Vec<_> = keys
            .iter()
            .enumerate()
            .map(|(i, (k, t))| Build::new(dir.clone(), t.to_string(), k.clone(), i))
            .collect();
        let existing = BTreeMap::from([(dir, existing)]);
        let mut out = BTreeMap::new();
        assign(&mut builds, &existing, |b, name| {
            let old = out.insert(b.key.clone(), name.to_string());
            assert!(old.is_none_or(|o| o == name), "one name a build");
        });
        out
    }

    #[test]
    fn clashes_get_deterministic_names() {
        let keys = [
            (key("/r/scripts/gen", &[]), "gen"),
            (key("/r/tools/gen", &[]), "gen"),
            (key("/r/hack/tagged", &[]), "tagged"),
            (key("/r/hack/tagged", &["-tags gen"]), "tagged"),
        ];
        let names = names(&keys, BTreeMap::new());
        assert_eq!(names[&key("/r/scripts/gen", &[])], "gen");
        assert_eq!(names[&key("/r/tools/gen", &[])], "tools-gen");
        assert_eq!(names[&key("/r/hack/tagged", &[])], "tagged");
        assert_eq!(
            names[&key("/r/hack/tagged", &["-tags gen"])],
            "tagged-tags-gen"
        );
    }

    #[test]
    fn a_plain_name_later_in_order_is_taken_before_the_clashes_are_named() {
        // `tools-gen` sorts after `gen`: the clash of the two `gen`s would
        // take it for `./tools/gen` if names were given in one reading.
        let keys = [
            (key("/r/scripts/gen", &[]), "gen"),
            (key("/r/tools/gen", &[]), "gen"),
            (key("/r/a/tools-gen", &[]), "tools-gen"),
        ];
        let got = names(&keys, BTreeMap::new());
        assert_eq!(got[&key("/r/scripts/gen", &[])], "gen");
        assert_eq!(got[&key("/r/a/tools-gen", &[])], "tools-gen");
        assert_eq!(got[&key("/r/tools/gen", &[])], "gen-2");
        // Its twin: without the plain `tools-gen`, the clash takes it.
        let got = names(&keys[..2], BTreeMap::new());
        assert_eq!(got[&key("/r/tools/gen", &[])], "tools-gen");
    }

    #[test]
    fn names_come_from_the_package_and_file_runs_from_their_directory() {
        use crate::lint::classify::name_of;
        for (path, name) in [
            ("./scripts/rbacgen", "rbacgen"),
            ("/r/tools/foo/cmd", "foo"),
            ("example.com/x/v2", "x"),
            ("example.com/x/cmd/", "x"),
            ("./cmd", "cmd"),
            ("v2", "v2"),
            ("/r/gokrazy", "gokrazy"),
        ] {
            assert_eq!(name_of(path).as_deref(), Some(name), "{path}");
        }
        // Two file runs in one directory (named after it): the second is
        // told apart by its file.
        let keys = [
            (key("/r/gokrazy/build.go", &[]), "gokrazy"),
            (key("/r/gokrazy/image.go", &[]), "gokrazy"),
        ];
        let got = names(&keys, BTreeMap::new());
        assert_eq!(got[&key("/r/gokrazy/build.go", &[])], "gokrazy");
        assert_eq!(got[&key("/r/gokrazy/image.go", &[])], "gokrazy-image");
    }

    #[test]
    fn a_helper_is_never_named_go() {
        // Found by fuzzing: `go run ./cmd/go` became `_gen/bin/go`, which the
        // next `check` read as the go command.
        let keys = [(key("/r/cmd/go", &[]), "go"), (key("/go", &[]), "go")];
        let names = names(&keys, BTreeMap::new());
        assert_eq!(names[&key("/r/cmd/go", &[])], "cmd-go");
        assert_eq!(names[&key("/go", &[])], "go-2");
        assert!(names.values().all(|n| n != "go"));
    }

    #[test]
    fn existing_helpers_keep_their_builds() {
        // `_gen/bin/tool` already builds ./a/tool: a new `go run ./b/tool`
        // must not be pointed at it, and `go run ./a/tool` reuses it.
        let keys = [
            (key("/r/b/tool", &[]), "tool"),
            (key("/r/a/tool", &[]), "tool"),
            (key("/r/c/other", &[]), "other"),
        ];
        let mut existing = BTreeMap::new();
        existing.insert("tool".to_string(), Some(key("/r/a/tool", &[])));
        existing.insert("other".to_string(), None);
        let names = names(&keys, existing);
        assert_eq!(names[&key("/r/a/tool", &[])], "tool");
        assert_eq!(names[&key("/r/b/tool", &[])], "b-tool");
        assert_eq!(names[&key("/r/c/other", &[])], "c-other");
    }
}
