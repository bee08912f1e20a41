//! Classify: what a callsite runs (a package of this repository, a remote
//! `pkg@version`, a dependency, a pattern, something dynamic), resolved
//! against its working directory, the make variables and go.mod.

use std::path::{Path, PathBuf};

use crate::lint::diagnostic::CachedExe;
use crate::lint::gomod::{GoMod, Modules};
use crate::lint::paths::normalize;
use crate::syntax::callsite::{Callsite, RunTarget};
use crate::syntax::shell::{join_rel, Cwd};
use crate::syntax::vars::VarEnv;

/// The kind of package a callsite runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Class {
    /// A package or files of this repository.
    Local {
        /// The package directory (absolute), when the working directory is known.
        dir: Option<PathBuf>,
        /// The go.mod governing it, if one was found.
        module: Option<std::sync::Arc<GoMod>>,
        /// Why `dir` is unknown.
        unknown_dir: Option<String>,
    },
    /// `pkg@version`.
    Remote { version: String },
    /// A module path without version: resolved through go.mod.
    Dependency {
        via: DependencyVia,
        /// The go.mod that resolves it (the callsite's module).
        module: Option<std::sync::Arc<GoMod>>,
    },
    /// `./x/...`.
    Pattern,
    /// The package comes from something we cannot resolve.
    Dynamic { reason: String },
}

/// How a versionless module path is resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DependencyVia {
    Require(String),
    Tool,
    /// Not in go.mod (or no go.mod): resolved by the go command at run time.
    NotFound,
}

/// A classified callsite: what it runs and the helper name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classified {
    pub class: Class,
    /// The package as the report shows it: as written, or its literal
    /// expansion when it came from a variable.
    pub package: String,
    /// The helper name: the package directory's base name (or a single
    /// file's directory name).
    pub tool: Option<String>,
    /// The package spelling after variable expansion (may differ from
    /// `package` for files: the file list).
    pub expanded: Option<String>,
}

impl Classified {
    pub fn is_local(&self) -> bool {
        matches!(self.class, Class::Local { .. })
    }

    pub fn dir(&self) -> Option<&Path> {
        match &self.class {
            Class::Local { dir, .. } => dir.as_deref(),
            _ => None,
        }
    }

    /// The version of a `pkg@version` run when it names one release (a
    /// semantic version, or a pseudo-version): what a version-keyed helper
    /// can pin. `None` for `@latest`, a branch or a commit, which resolve
    /// anew on each run.
    pub fn pinned_version(&self) -> Option<&str> {
        let Class::Remote { version } = &self.class else {
            return None;
        };
        let core = version.strip_prefix('v')?;
        let core = core.split(['-', '+']).next().unwrap_or("");
        let parts: Vec<&str> = core.split('.').collect();
        (parts.len() == 3
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit())))
        .then_some(version.as_str())
    }

    /// The name a helper of this run is given before clashes: its tool, and
    /// for a pinned remote run its version too (`stringer@v0.30.0`): a new
    /// version is a new file target.
    pub fn helper_tool(&self) -> Option<String> {
        let tool = self.tool.clone()?;
        Some(match self.pinned_version() {
            Some(v) => format!("{tool}@{v}"),
            None => tool,
        })
    }

    /// The executable the go command links for this run and caches in
    /// GOCACHE: for a package of this repository its import path's
    /// executable name (the package's directory name when no go.mod
    /// resolves it); for a files run the first file's name without `.go`
    /// (`first_file`: the first file as written); for a remote or
    /// dependency run the package's. `None` for a pattern or a package that
    /// is not known.
    pub fn cached_exe(&self, first_file: Option<&str>) -> Option<CachedExe> {
        match &self.class {
            Class::Local { .. } => {
                if let Some(written) = first_file {
                    // `go run a.go b.go`: named after the first file.
                    let first = match &self.expanded {
                        Some(e) => e.split_whitespace().next()?,
                        None => written,
                    };
                    let file = first.rsplit('/').next().unwrap_or(first);
                    let stem = file.strip_suffix(".go").unwrap_or(file);
                    return (!stem.is_empty()).then(|| CachedExe {
                        name: stem.to_string(),
                        package: None,
                        file: self.dir().map(|d| d.join(file)),
                    });
                }
                if let (Some(dir), Some(m)) = (self.dir(), self.module()) {
                    if let Some(ip) = m.import_path(dir) {
                        return Some(CachedExe {
                            name: exe_from_import_path(&ip),
                            package: Some(ip),
                            file: None,
                        });
                    }
                }
                self.tool
                    .clone()
                    .filter(|t| !t.is_empty())
                    .map(|name| CachedExe {
                        name,
                        package: None,
                        file: None,
                    })
            }
            Class::Remote { .. } | Class::Dependency { .. } => {
                let written = self.expanded.as_deref().unwrap_or(&self.package);
                let path = written.split_whitespace().next()?.split('@').next()?;
                let name = exe_from_import_path(path);
                (!name.is_empty()).then(|| CachedExe {
                    name,
                    package: Some(path.trim_end_matches('/').to_string()),
                    file: None,
                })
            }
            Class::Pattern | Class::Dynamic { .. } => None,
        }
    }

    /// The go.mod of a repo-local package, or the one that resolves a
    /// dependency's.
    pub fn module(&self) -> Option<&GoMod> {
        match &self.class {
            Class::Local { module, .. } | Class::Dependency { module, .. } => module.as_deref(),
            _ => None,
        }
    }
}

/// Classify one callsite of a file whose base directory (where make runs,
/// absolute) is `base`.
pub fn classify(cs: &Callsite, base: &Path, vars: &VarEnv, modules: &Modules) -> Classified {
    let written = cs.target.text();
    let words = cs.target.words();
    if words.is_empty() {
        return Classified {
            class: Class::Dynamic {
                reason: "no package after `go run`".into(),
            },
            package: written,
            tool: None,
            expanded: None,
        };
    }
    // Expand make variables whose values are literal.
    let mut expanded = Vec::new();
    for w in words {
        if w.shell_expansion && cs.origin == crate::syntax::callsite::Origin::GoCode {
            return dynamic(
                written,
                format!(
                    "`{}` is a Go expression, known only when the program runs",
                    w.text
                ),
            );
        }
        if w.shell_expansion {
            // A workflow's `${{ matrix.pkg }}` reaches the shell expanded.
            let by = if w.text.contains("${{") {
                "GitHub Actions before the step runs"
            } else {
                "the shell"
            };
            return dynamic(written, format!("`{}` is expanded by {by}", w.text));
        }
        if w.make_ref {
            match vars.expand(&w.text) {
                Some(e) => expanded.extend(e.split_whitespace().map(str::to_string)),
                None => {
                    return dynamic(
                        written,
                        format!("`{}` is not a literal defined in the Makefile", w.text),
                    );
                }
            }
        } else {
            expanded.push(w.text.clone());
        }
    }
    let files =
        matches!(cs.target, RunTarget::Files(_)) || expanded.iter().all(|e| e.ends_with(".go"));
    let first = expanded.first().cloned().unwrap_or_default();
    let expanded_text = expanded.join(" ");
    let shown = if expanded_text != written {
        // Make's `$(CURDIR)` is this machine's directory: shown as itself.
        match base.to_str() {
            Some(b) if b.len() > 1 => expanded_text
                .split(' ')
                .map(|w| match w.strip_prefix(b) {
                    Some(rest) if rest.is_empty() || rest.starts_with('/') => {
                        format!("$(CURDIR){rest}")
                    }
                    _ => w.to_string(),
                })
                .collect::<Vec<_>>()
                .join(" "),
            _ => expanded_text.clone(),
        }
    } else {
        written.clone()
    };
    let result = |class: Class, tool: Option<String>| Classified {
        class,
        package: shown.clone(),
        tool,
        expanded: (expanded_text != written).then(|| expanded_text.clone()),
    };
    if let Some((_, version)) = first.split_once('@') {
        let tool = first.split('@').next().and_then(name_of);
        return result(
            Class::Remote {
                version: version.to_string(),
            },
            tool,
        );
    }
    if first.contains("...") {
        let tool = first
            .split("/...")
            .next()
            .and_then(name_of)
            .filter(|t| t != ".");
        return result(Class::Pattern, tool);
    }
    let relative = files
        || first == "."
        || first == ".."
        || first.starts_with("./")
        || first.starts_with("../")
        || first.starts_with('/');
    let dir = cs.dir();
    if relative {
        let pkg_dir_rel = local_dir(&first, files);
        let (dir, unknown_dir) = match &dir {
            Cwd::Known(_) if first.starts_with('/') => (Some(PathBuf::from(&pkg_dir_rel)), None),
            Cwd::Known(cwd) => (
                Some(normalize(&base.join(join_rel(cwd, &pkg_dir_rel)))),
                None,
            ),
            Cwd::Unknown(why) => (None, Some(why.clone())),
        };
        // (Its directory unknown: named from the path as written, when that
        // names a directory of its own: `./tools/x`, not `.` or `..`.)
        let tool = match &dir {
            Some(d) => name_of(&d.to_string_lossy()),
            None => Some(pkg_dir_rel.as_str())
                .filter(|p| {
                    !p.split('/')
                        .next_back()
                        .is_some_and(|l| l.is_empty() || l == "." || l == "..")
                })
                .and_then(name_of),
        };
        let module = modules.find(dir.as_deref().unwrap_or(base));
        return result(
            Class::Local {
                dir,
                module,
                unknown_dir,
            },
            tool,
        );
    }
    // An import path: this module's, a dependency's, or unknown.
    let here = match &dir {
        Cwd::Known(cwd) => normalize(&base.join(cwd)),
        Cwd::Unknown(_) => base.to_path_buf(),
    };
    let module = modules.find(&here);
    let tool = name_of(&first);
    if let Some(m) = &module {
        if let Some(d) = m.dir_of(&first) {
            return result(
                Class::Local {
                    dir: Some(d),
                    module: module.clone(),
                    unknown_dir: None,
                },
                tool,
            );
        }
        if m.tools.iter().any(|t| t == &first) {
            return result(
                Class::Dependency {
                    via: DependencyVia::Tool,
                    module: module.clone(),
                },
                tool,
            );
        }
        if let Some(req) = m.required_module(&first) {
            return result(
                Class::Dependency {
                    via: DependencyVia::Require(req.to_string()),
                    module: module.clone(),
                },
                tool,
            );
        }
    }
    result(
        Class::Dependency {
            via: DependencyVia::NotFound,
            module,
        },
        tool,
    )
}

fn dynamic(written: String, reason: String) -> Classified {
    Classified {
        class: Class::Dynamic { reason },
        package: written,
        tool: None,
        expanded: None,
    }
}

/// The package directory of a run, relative to the working directory: a
/// file run's is the files' directory.
fn local_dir(first: &str, files: bool) -> String {
    if !files {
        return first.trim_end_matches('/').to_string();
    }
    match first.rsplit_once('/') {
        Some((dir, _)) => dir.to_string(),
        None => ".".to_string(),
    }
}

/// `go tool X` where a go.mod `tool` directive names X (by its full path
/// or by the name `go install` gives it): a dependency's package, built
/// from go.mod's requirement as GR004's are. `None` for anything else (a
/// toolchain tool such as `pprof`, a name from a variable).
pub fn classify_tool(cs: &Callsite, base: &Path, modules: &Modules) -> Option<Classified> {
    let name = cs.target.text();
    if name.is_empty() || name.contains('$') {
        return None;
    }
    let Cwd::Known(cwd) = cs.dir() else {
        return None;
    };
    let module = modules.find(&normalize(&base.join(cwd)))?;
    let path = module
        .tools
        .iter()
        .find(|t| **t == name || installed_name(t) == name)?
        .clone();
    Some(Classified {
        class: Class::Dependency {
            via: DependencyVia::Tool,
            module: Some(module),
        },
        package: path,
        tool: Some(name),
        expanded: None,
    })
}

/// `go tool X` that no go.mod `tool` directive names (where
/// [`classify_tool`] gives `None`): a toolchain tool built on demand
/// (`pprof`) or a name the go command will not find, named as written, the
/// go command's resolution left to it; dynamic when X is not a literal.
pub fn tool_by_name(cs: &Callsite) -> Classified {
    let name = cs.target.text();
    match cs.target.words() {
        [w] if w.literal().is_some() => Classified {
            class: Class::Dependency {
                via: DependencyVia::NotFound,
                module: None,
            },
            package: name.clone(),
            tool: name_of(&name),
            expanded: None,
        },
        [] => dynamic(name, "no tool after `go tool`".into()),
        _ => dynamic(name.clone(), format!("`{name}` is not a literal tool name")),
    }
}

/// The go command's executable name for a package (`go run`'s cached
/// executable, `go build`'s output): the last element of its import path,
/// or the one before a major-version suffix (`/v2`; `/v1` and `/v0…` are
/// not one). A version after `@` is ignored.
pub fn exe_from_import_path(import: &str) -> String {
    let import = import.split('@').next().unwrap_or(import);
    let import = import.trim_end_matches('/');
    let mut parts = import.rsplit('/');
    let last = parts.next().unwrap_or("");
    if is_version_element(last) {
        if let Some(prev) = parts.next() {
            return prev.to_string();
        }
    }
    last.to_string()
}

/// As cmd/go's `isVersionElement`: `v2`, `v10`, not `v1` or `v0`.
fn is_version_element(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2
        && b[0] == b'v'
        && b[1] != b'0'
        && !(b[1] == b'1' && b.len() == 2)
        && b[1..].iter().all(u8::is_ascii_digit)
}

/// The file `go install` (and `go tool`) names a program by: the last
/// element of its import path, or the one before a major version suffix
/// (`example.com/x/v2` is `x`).
pub fn installed_name(path: &str) -> &str {
    let mut parts = path.rsplit('/');
    let last = parts.next().unwrap_or(path);
    match parts.next() {
        Some(parent) if is_major_version(last) => parent,
        _ => last,
    }
}

/// A module path's major version suffix (`v2`): it says nothing of the
/// program.
fn is_major_version(element: &str) -> bool {
    element.len() > 1
        && element.starts_with('v')
        && element[1..].chars().all(|c| c.is_ascii_digit())
}

/// A helper's name from its package's path (a directory or an import
/// path): the last element, or the one before it when the last says
/// nothing of the program: `cmd` (`./tools/foo/cmd` is `foo`) or a major
/// version (`example.com/x/v2` is `x`). A file run is named after its
/// files' directory, as `go build` names it (`cd gokrazy && go run
/// build.go` is `gokrazy`); two runs there are told apart by the file
/// ([`crate::lint::naming`]).
pub fn name_of(path: &str) -> Option<String> {
    let mut parts = path
        .trim_end_matches('/')
        .rsplit(['/', '\\'])
        .filter(|p| !p.is_empty());
    let last = parts.next()?;
    let says_nothing = last == "cmd" || is_major_version(last);
    match parts.next() {
        Some(parent) if says_nothing && parent != "." && parent != ".." => Some(parent.to_string()),
        _ => Some(last.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn classified(class: Class, package: &str, tool: Option<&str>) -> Classified {
        Classified {
            class,
            package: package.into(),
            tool: tool.map(str::to_string),
            expanded: None,
        }
    }

    #[test]
    fn cached_exe_names_what_go_caches() {
        let m = Arc::new(GoMod::parse("/r".into(), "module example.com/r\n"));
        let local = |dir: &str| Class::Local {
            dir: Some(dir.into()),
            module: Some(m.clone()),
            unknown_dir: None,
        };
        // A package: the go command's name, which is not the helper's for
        // `./tools/foo/cmd`.
        let c = classified(local("/r/tools/foo/cmd"), "./tools/foo/cmd", Some("foo"));
        assert_eq!(
            c.cached_exe(None),
            Some(CachedExe {
                name: "cmd".into(),
                package: Some("example.com/r/tools/foo/cmd".into()),
                file: None,
            })
        );
        // A files run: the first file.
        let c = classified(local("/r/x"), "./x/main.go ./x/b.go", Some("x"));
        assert_eq!(
            c.cached_exe(Some("./x/main.go")),
            Some(CachedExe {
                name: "main".into(),
                package: None,
                file: Some("/r/x/main.go".into()),
            })
        );
        // No go.mod: the helper's name, matched by name alone.
        let c = classified(
            Class::Local {
                dir: None,
                module: None,
                unknown_dir: Some("?".into()),
            },
            "./gen",
            Some("gen"),
        );
        assert_eq!(c.cached_exe(None).unwrap().name, "gen");
        assert_eq!(c.cached_exe(None).unwrap().package, None);
        // Remote and dependency runs: the package without its version.
        let c = classified(
            Class::Remote {
                version: "v2.1.0".into(),
            },
            "example.com/tool/v2@v2.1.0",
            Some("tool"),
        );
        assert_eq!(
            c.cached_exe(None),
            Some(CachedExe {
                name: "tool".into(),
                package: Some("example.com/tool/v2".into()),
                file: None,
            })
        );
        let c = classified(
            Class::Dependency {
                via: DependencyVia::NotFound,
                module: None,
            },
            "golang.org/x/tools/cmd/stringer",
            Some("stringer"),
        );
        assert_eq!(c.cached_exe(None).unwrap().name, "stringer");
        // Nothing known.
        assert_eq!(
            classified(Class::Pattern, "./...", None).cached_exe(None),
            None
        );
        assert_eq!(exe_from_import_path("example.com/tool/v1"), "v1");
    }
}
