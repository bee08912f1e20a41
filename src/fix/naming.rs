//! Helper names: one file target per distinct build, named after the package
//! directory, with a deterministic way out of clashes. `check` uses the same
//! names in its help text as `fix` writes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// Env variables that change what `go build` produces.
pub const BUILD_ENV: [&str; 9] = [
    "GOOS",
    "GOARCH",
    "CGO_ENABLED",
    "GOFLAGS",
    "GOEXPERIMENT",
    "GOAMD64",
    "GOARM",
    "GOARM64",
    "CC",
];

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

/// Assign a unique name to each build. `builds` maps each build to its tool
/// name; `existing` maps the names of helper targets the Makefiles already
/// have to the build each performs (`None`: not known). A build an existing
/// helper already performs gets that helper's name; every other existing
/// name is taken, so that a new build never reuses a target that builds
/// something else.
/// The builds are borrowed (a large tree holds thousands): so is the
/// answer's key.
pub fn assign<'a>(
    builds: &BTreeMap<&'a BuildKey, &str>,
    existing: &BTreeMap<String, Option<BuildKey>>,
) -> BTreeMap<&'a BuildKey, String> {
    let mut taken: BTreeSet<String> = existing.keys().cloned().collect();
    let mut out: BTreeMap<&'a BuildKey, String> = BTreeMap::new();
    for (name, key) in existing {
        if let Some((key, _)) = key.as_ref().and_then(|k| builds.get_key_value(k)) {
            out.entry(*key).or_insert_with(|| name.clone());
        }
    }
    let mut by_tool: BTreeMap<&str, Vec<&'a BuildKey>> = BTreeMap::new();
    for (key, tool) in builds {
        if !out.contains_key(*key) {
            by_tool.entry(tool).or_default().push(key);
        }
    }
    // Names without a clash first, so that they never move.
    let plain = |tool: &str, keys: &[&BuildKey]| {
        keys.len() == 1 && !RESERVED.contains(&tool) && !existing.contains_key(tool)
    };
    for (tool, keys) in &by_tool {
        if plain(tool, keys) {
            taken.insert(tool.to_string());
            out.insert(keys[0], tool.to_string());
        }
    }
    let mut next_number: BTreeMap<&str, usize> = BTreeMap::new();
    for (tool, keys) in &by_tool {
        if plain(tool, keys) {
            continue;
        }
        // The plain build of the shortest path keeps the plain name.
        let mut keys = keys.clone();
        // Compared borrowed: a clash can hold thousands of builds.
        keys.sort_by(|a, b| clash_order(a).cmp(&clash_order(b)));
        for (i, key) in keys.iter().enumerate() {
            let mut candidates = Vec::new();
            if i == 0 && !RESERVED.contains(tool) && !taken.contains(*tool) {
                candidates.push(tool.to_string());
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
            let name = candidates
                .into_iter()
                .find(|c| !taken.contains(c))
                .unwrap_or_else(|| {
                    // Numbered names continue where the last one of this
                    // tool stopped: linear, however many builds share it.
                    let n = next_number.entry(*tool).or_insert(2);
                    loop {
                        let c = format!("{tool}-{n}");
                        *n += 1;
                        if !taken.contains(&c) {
                            break c;
                        }
                    }
                });
            taken.insert(name.clone());
            out.insert(key, name);
        }
    }
    out
}

/// The order of a clash's builds: the plain ones first, then by path.
fn clash_order(k: &BuildKey) -> (bool, &[PathBuf], &[String], &[String]) {
    (
        !k.flags.is_empty() || !k.env.is_empty() || !k.toolchain.is_empty(),
        &k.sources,
        &k.flags,
        &k.env,
    )
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

    fn builds<'a>(keys: &'a [(BuildKey, &'static str)]) -> BTreeMap<&'a BuildKey, &'static str> {
        keys.iter().map(|(k, t)| (k, *t)).collect()
    }

    #[test]
    fn clashes_get_deterministic_names() {
        let keys = [
            (key("/r/scripts/gen", &[]), "gen"),
            (key("/r/tools/gen", &[]), "gen"),
            (key("/r/hack/tagged", &[]), "tagged"),
            (key("/r/hack/tagged", &["-tags gen"]), "tagged"),
        ];
        let names = assign(&builds(&keys), &BTreeMap::new());
        assert_eq!(names[&key("/r/scripts/gen", &[])], "gen");
        assert_eq!(names[&key("/r/tools/gen", &[])], "tools-gen");
        assert_eq!(names[&key("/r/hack/tagged", &[])], "tagged");
        assert_eq!(
            names[&key("/r/hack/tagged", &["-tags gen"])],
            "tagged-tags-gen"
        );
    }

    #[test]
    fn a_helper_is_never_named_go() {
        // Found by fuzzing: `go run ./cmd/go` became `_gen/bin/go`, which the
        // next `check` read as the go command.
        let keys = [(key("/r/cmd/go", &[]), "go"), (key("/go", &[]), "go")];
        let names = assign(&builds(&keys), &BTreeMap::new());
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
        let names = assign(&builds(&keys), &existing);
        assert_eq!(names[&key("/r/a/tool", &[])], "tool");
        assert_eq!(names[&key("/r/b/tool", &[])], "b-tool");
        assert_eq!(names[&key("/r/c/other", &[])], "c-other");
    }
}
