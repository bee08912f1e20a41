//! Which cached executables belong to this repository: the names the go
//! command gives the executables of the repository's helpers (repo-local
//! `go run` callsites and `_gen/bin` helper targets) and tools (go.mod `tool`
//! directives, `go tool NAME` lines, remote and dependency `go run`s, and a
//! few well-known generators).
//!
//! A cache entry records no package path, but every Go executable embeds
//! its build information (`go version -m`): the main package's import path
//! and the module. A cached executable named like a helper counts as the
//! helper only when that information names the helper's package (or, for
//! `go run file.go`, its module), so another project's `gen` or `main` is
//! not taken for this one's. An executable without readable build
//! information is matched by name.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

pub use crate::lint::classify::exe_from_import_path;
use crate::lint::classify::Class;
use crate::lint::diagnostic::CachedExe;
use crate::lint::gomod::{GoMod, Modules};
use crate::lint::helpers::{Helpers, Run};

/// What identifies one of the repository's helpers among executables of
/// its name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Expected {
    /// The main package's import path; `None` for a files run or when the
    /// package could not be resolved.
    pub package: Option<String>,
    /// For a files run (`go run ./x/main.go`, built as
    /// `command-line-arguments`, with no module recorded): the first file,
    /// whose absolute path the executable's line table holds.
    pub file: Option<PathBuf>,
}

impl Expected {
    /// What identifies the executable a callsite links.
    pub fn of(exe: &CachedExe) -> Expected {
        Expected {
            package: exe.package.clone(),
            file: exe.file.clone(),
        }
    }
}

/// The names to look for.
#[derive(Debug, Clone, Default)]
pub struct RepoNames {
    /// Tool name → what identifies the repository's builds of that name.
    pub helpers: BTreeMap<String, BTreeSet<Expected>>,
    /// Tool names of `go tool` and dependency tools.
    pub tools: BTreeSet<String>,
}

/// Generators and linters commonly run with `go run pkg@version` or
/// `go tool`, and the toolchain commands the go command builds on demand
/// (Go 1.25+), counted as tools wherever they come from.
pub const WELL_KNOWN_TOOLS: &[&str] = &[
    "stringer",
    "mockgen",
    "mockery",
    "moq",
    "counterfeiter",
    "protoc-gen-go",
    "protoc-gen-go-grpc",
    "protoc-gen-grpc-gateway",
    "protoc-gen-openapiv2",
    "buf",
    "golangci-lint",
    "goimports",
    "gofumpt",
    "staticcheck",
    "govulncheck",
    "gotestsum",
    "swag",
    "sqlc",
    "oapi-codegen",
    "controller-gen",
    "deepcopy-gen",
    "conversion-gen",
    "client-gen",
    "enumer",
    "wire",
    "gqlgen",
    "templ",
    "easyjson",
    "goreleaser",
    "addlicense",
    "go-licenses",
    "gopls",
    "dlv",
    "pprof",
    "trace",
    "covdata",
    "doc",
    "fix",
    "test2json",
    "preprofile",
];

/// The names of the repository's helpers and tools, from what the lint
/// found ([`crate::lint::helpers`]) and the go.mod files under and above
/// `root`.
pub fn repo_names(found: &Helpers, root: &Path) -> RepoNames {
    let mut names = RepoNames::default();
    let mut helper = |name: String, e: Expected| {
        if !name.is_empty() {
            names.helpers.entry(name).or_default().insert(e);
        }
    };
    for r in &found.runs {
        if let Some((name, e)) = run_name(r) {
            helper(name, e);
        }
    }
    // Helper targets (`_gen/bin/<name>` built with `go build`): the package
    // they build was often run with `go run` before the migration.
    for h in &found.targets {
        let built = h.build.as_ref().and_then(|class| {
            let (Some(dir), Some(m)) = (class.dir(), class.module()) else {
                return None;
            };
            let ip = m.import_path(dir)?;
            Some((
                exe_from_import_path(&ip),
                Expected {
                    package: Some(ip),
                    file: None,
                },
            ))
        });
        match built {
            Some((name, e)) => helper(name, e),
            None => {
                if let Some(n) = h.path.file_name() {
                    helper(
                        super::scan::tool_name(&n.to_string_lossy()),
                        Expected {
                            package: None,
                            file: None,
                        },
                    );
                }
            }
        }
    }
    for r in &found.runs {
        if matches!(
            r.class.class,
            Class::Remote { .. } | Class::Dependency { .. }
        ) {
            names.tools.insert(exe_from_import_path(&r.class.package));
        }
    }
    for t in &found.go_tools {
        names.tools.insert(exe_from_import_path(t));
    }
    let modules = Modules::default();
    for m in go_mods(root, &modules) {
        for t in &m.tools {
            names.tools.insert(exe_from_import_path(t));
        }
    }
    names
        .tools
        .extend(WELL_KNOWN_TOOLS.iter().map(|s| s.to_string()));
    names.tools.retain(|t| !t.is_empty());
    names
}

/// The cached executable's name and identity of a repo-local `go run`
/// (as [`crate::lint::classify::Classified::cached_exe`] says, the same
/// thing `check --cache-cost` looks up).
fn run_name(r: &Run) -> Option<(String, Expected)> {
    if !r.class.is_local() {
        return None;
    }
    let first = r
        .files
        .as_ref()
        .map(|words| words.first().map_or("", String::as_str));
    let exe = r.class.cached_exe(first)?;
    Some((exe.name.clone(), Expected::of(&exe)))
}

/// The go.mod files under `root` (respecting `.gitignore`, without vendor
/// and testdata) and the one governing it.
fn go_mods(root: &Path, modules: &Modules) -> Vec<GoMod> {
    let dir = if root.is_file() {
        root.parent().unwrap_or(root)
    } else {
        root
    };
    let mut out: Vec<GoMod> = modules
        .find(dir)
        .map(|m| (*m).clone())
        .into_iter()
        .collect();
    let walk = ignore::WalkBuilder::new(dir)
        .filter_entry(|e| {
            !matches!(
                e.file_name().to_str(),
                Some("vendor" | "testdata" | "node_modules" | ".git")
            )
        })
        .build();
    for e in walk.flatten() {
        if e.file_name() == "go.mod" && e.file_type().is_some_and(|t| t.is_file()) {
            if let Ok(text) = std::fs::read_to_string(e.path()) {
                let root = e.path().parent().unwrap_or(dir).to_path_buf();
                if !out.iter().any(|m| m.root == root) {
                    out.push(GoMod::parse(root, &text));
                }
            }
        }
    }
    out
}

/// Whether the executable at `exe`, named like a helper, is one of that
/// helper's builds: its build information names the package, or (a files
/// run) it was built from the helper's first file. Without build
/// information, and for `-trimpath` files runs, the name decides.
pub fn identify(exe: &Path, expected: &BTreeSet<Expected>) -> bool {
    let Some(info) = read_buildinfo(exe) else {
        return true;
    };
    matches(expected, &info, |f| {
        let native = f.to_string_lossy().into_owned();
        let slashed = native.replace('\\', "/");
        file_contains(exe, native.as_bytes())
            || (slashed != native && file_contains(exe, slashed.as_bytes()))
    })
}

/// [`identify`] with the build information read and the file test given.
pub fn matches(
    expected: &BTreeSet<Expected>,
    info: &BuildInfo,
    built_from: impl Fn(&Path) -> bool,
) -> bool {
    expected.iter().any(|e| match (&e.package, &e.file) {
        (Some(p), _) => info.path == *p,
        (None, Some(f)) => {
            info.path == "command-line-arguments" && (info.trimpath || built_from(f))
        }
        (None, None) => true,
    })
}

/// The build information a Go executable embeds (what `go version -m`
/// prints): the main package and its module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildInfo {
    pub path: String,
    pub module: String,
    /// Built with `-trimpath` (no absolute source paths inside).
    pub trimpath: bool,
}

const MAGIC: &[u8] = b"\xff Go buildinf:";
const INFO_START: [u8; 16] = [
    0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02, 0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18, 0xe6,
];

/// Read the build information of the executable at `path` (Go 1.18+
/// format); `None` when there is none (or it cannot be read).
pub fn read_buildinfo(path: &Path) -> Option<BuildInfo> {
    let mut found = None;
    find_in_file(path, MAGIC, |f, at| {
        found = parse_at(f, at);
        found.is_some()
    });
    found
}

/// Whether the file at `path` holds `needle`.
pub fn file_contains(path: &Path, needle: &[u8]) -> bool {
    find_in_file(path, needle, |_, _| true)
}

/// Call `hit` with each offset of `needle` in the regular file at `path`
/// (read in chunks) until it returns true; whether it did.
fn find_in_file(
    path: &Path,
    needle: &[u8],
    mut hit: impl FnMut(&mut std::fs::File, u64) -> bool,
) -> bool {
    if needle.is_empty() || !std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file()) {
        return false;
    }
    let Ok(mut f) = std::fs::File::open(path) else {
        return false;
    };
    let finder = memchr::memmem::Finder::new(needle);
    const CHUNK: usize = 1 << 20;
    let keep = needle.len() - 1;
    let mut buf = vec![0u8; CHUNK + needle.len()];
    let mut carried = 0usize;
    let mut offset = 0u64; // file offset of buf[0]
    loop {
        let Ok(n) = read_full(&mut f, &mut buf[carried..]) else {
            return false;
        };
        let end = carried + n;
        for i in finder.find_iter(&buf[..end]) {
            if hit(&mut f, offset + i as u64) {
                return true;
            }
        }
        if n == 0 || end < keep {
            return false;
        }
        // Keep the tail that may hold the start of a split needle.
        buf.copy_within(end - keep..end, 0);
        offset += (end - keep) as u64;
        carried = keep;
        if f.seek(SeekFrom::Start(offset + keep as u64)).is_err() {
            return false;
        }
    }
}

fn read_full(f: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// Parse the build information header at `at`.
fn parse_at(f: &mut std::fs::File, at: u64) -> Option<BuildInfo> {
    let mut head = vec![0u8; 32 + 64 * 1024];
    f.seek(SeekFrom::Start(at)).ok()?;
    let n = read_full(f, &mut head).ok()?;
    let head = &head[..n];
    if head.len() < 32 || head[15] & 2 == 0 {
        return None;
    }
    let rest = &head[32..];
    let (_version, rest) = varint_string(rest)?;
    let (modinfo, _) = varint_string(rest)?;
    if modinfo.len() < 33 || modinfo[..16] != INFO_START || modinfo[modinfo.len() - 17] != b'\n' {
        return None;
    }
    let text = std::str::from_utf8(&modinfo[16..modinfo.len() - 16]).ok()?;
    let mut path = None;
    let mut module = String::new();
    let mut trimpath = false;
    for line in text.lines() {
        if let Some(p) = line.strip_prefix("path\t") {
            path = Some(p.to_string());
        } else if let Some(m) = line.strip_prefix("mod\t") {
            module = m.split('\t').next().unwrap_or("").to_string();
        } else if line == "build\t-trimpath=true" {
            trimpath = true;
        }
    }
    Some(BuildInfo {
        path: path?,
        module,
        trimpath,
    })
}

fn varint_string(b: &[u8]) -> Option<(&[u8], &[u8])> {
    let mut len: u64 = 0;
    let mut shift = 0;
    for (i, &byte) in b.iter().enumerate().take(10) {
        len |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            let start = i + 1;
            let end = start.checked_add(usize::try_from(len).ok()?)?;
            return (end <= b.len()).then(|| (&b[start..end], &b[end..]));
        }
        shift += 7;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exe_names() {
        assert_eq!(exe_from_import_path("example.com/m/cmd/gen"), "gen");
        assert_eq!(exe_from_import_path("example.com/tool/v2"), "tool");
        assert_eq!(exe_from_import_path("example.com/tool/v1"), "v1");
        assert_eq!(
            exe_from_import_path("golang.org/x/tools/cmd/stringer@v0.1.0"),
            "stringer"
        );
        assert_eq!(exe_from_import_path("v2"), "v2");
    }

    #[test]
    fn buildinfo_in_a_fake_binary() {
        let tmp = tempfile::tempdir().unwrap();
        let mut modinfo = INFO_START.to_vec();
        modinfo.extend_from_slice(b"path\texample.com/m/cmd/gen\nmod\texample.com/m\t(devel)\t\n");
        modinfo.extend_from_slice(&[0xf9; 16]);
        let mut bin = vec![0u8; (1 << 20) - 5]; // the magic straddles a chunk
        bin.extend_from_slice(MAGIC);
        bin.extend_from_slice(b"\x08\x02");
        bin.resize(bin.len() + 16, 0);
        bin.push(4);
        bin.extend_from_slice(b"go1x");
        bin.push(modinfo.len() as u8);
        bin.extend_from_slice(&modinfo);
        bin.extend_from_slice(&[0; 100]);
        let p = tmp.path().join("gen");
        std::fs::write(&p, &bin).unwrap();
        let info = read_buildinfo(&p).unwrap();
        assert_eq!(info.path, "example.com/m/cmd/gen");
        assert_eq!(info.module, "example.com/m");
        assert!(!info.trimpath);
        let e: BTreeSet<Expected> = [Expected {
            package: Some("example.com/m/cmd/gen".into()),
            file: None,
        }]
        .into();
        assert!(matches(&e, &info, |_| false));
        assert!(identify(&p, &e));
        let other = BuildInfo {
            path: "example.com/other/gen".into(),
            module: "example.com/other".into(),
            trimpath: false,
        };
        assert!(!matches(&e, &other, |_| true));
        // A files run: built from the helper's file, or -trimpath.
        let files: BTreeSet<Expected> = [Expected {
            package: None,
            file: Some("/r/scripts/x/main.go".into()),
        }]
        .into();
        let cla = BuildInfo {
            path: "command-line-arguments".into(),
            module: String::new(),
            trimpath: false,
        };
        assert!(matches(&files, &cla, |f| f == Path::new("/r/scripts/x/main.go")));
        assert!(!matches(&files, &cla, |_| false));
        assert!(matches(
            &files,
            &BuildInfo {
                trimpath: true,
                ..cla
            },
            |_| false
        ));
        // No build information: the name decides.
        let plain = tmp.path().join("plain");
        std::fs::write(&plain, b"#!/bin/sh\n").unwrap();
        assert!(identify(&plain, &e));
        assert!(file_contains(&p, b"cmd/gen\nmod"));
        assert!(!file_contains(&p, b"not in there"));
    }
}
