//! `gorun-lint cache` against a real GOCACHE built by Go, and against bad
//! inputs.
//!
//! The end-to-end test builds an isolated GOCACHE with a temporary module:
//! four helpers run with `go run` (one of them twice with different
//! `-ldflags`, one a files run), a `go tool` directive for a package of the
//! module (written into go.mod by hand: works offline with Go >= 1.24), a
//! `go build -o` (which caches no executable), and a second module whose
//! `gen` shares a helper's name. It checks the report's counts and bytes
//! against its own walk of the cache, that `--prune` removes exactly the
//! helpers' executables and nothing else, that `go run` afterwards works and
//! re-caches, and `migrate`'s cache lines.
//!
//! Needs `go` (>= 1.24) on PATH; without it the test prints one
//! `CACHE E2E SKIPPED` line and passes, unless `CI` is set: then it fails.
//! The bad-input tests need no Go: they build fake caches by hand.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use serde_json::Value;

const README: &str = "This directory holds cached build artifacts from the Go build system.\nRun \"go clean -cache\" if the directory is getting too large.\n";

fn bin(dir: &Path) -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("gorun-lint").unwrap();
    c.current_dir(dir)
        .env_remove("GOCACHE")
        .env("GOENV", "off")
        .env("NO_COLOR", "1")
        .timeout(Duration::from_secs(120));
    c
}

/// `gorun-lint cache ARGS --gocache GOCACHE` in `dir`.
fn cache_cmd(dir: &Path, gocache: &Path, args: &[&str]) -> Output {
    bin(dir)
        .arg("cache")
        .args(args)
        .arg("--gocache")
        .arg(gocache)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn describe(out: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    )
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}\n{}", describe(out)))
}

// ---------------------------------------------------------------------------
// The test's own view of the cache: a walk that never follows symlinks.

/// Every regular file under `root`, with its size.
fn all_files(root: &Path) -> BTreeMap<PathBuf, u64> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = fs::read_dir(&d) else { continue };
        for e in rd.flatten() {
            let m = fs::symlink_metadata(e.path()).unwrap();
            if m.is_dir() {
                stack.push(e.path());
            } else if m.is_file() {
                out.insert(e.path(), m.len());
            }
        }
    }
    out
}

/// Every directory under `root`.
fn all_dirs(root: &Path) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = fs::read_dir(&d) else { continue };
        for e in rd.flatten() {
            if fs::symlink_metadata(e.path()).unwrap().is_dir() {
                out.insert(e.path());
                stack.push(e.path());
            }
        }
    }
    out
}

#[cfg(unix)]
fn is_exec(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs::symlink_metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_exec(p: &Path) -> bool {
    fs::symlink_metadata(p).is_ok_and(|m| m.is_file())
}

/// Cached executables: `root/<xx>/<xx...64 hex>-d/<name>`, path → (name, size).
fn executables(root: &Path) -> BTreeMap<PathBuf, (String, u64)> {
    let hex = |s: &str| s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    all_files(root)
        .into_iter()
        .filter(|(p, _)| {
            let entry = p.parent().unwrap();
            let prefix = entry.parent().unwrap();
            let e = entry.file_name().unwrap().to_str().unwrap();
            let x = prefix.file_name().unwrap().to_str().unwrap();
            prefix.parent() == Some(root)
                && x.len() == 2
                && hex(x)
                && e.len() == 66
                && e.ends_with("-d")
                && e.starts_with(x)
                && hex(&e[..64])
                && is_exec(p)
        })
        .map(|(p, size)| {
            let name = p
                .file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .trim_end_matches(".exe")
                .to_string();
            (p, (name, size))
        })
        .collect()
}

/// name → (copies, bytes) of a set of executables.
fn by_name<'a>(
    exes: impl Iterator<Item = (&'a PathBuf, &'a (String, u64))>,
) -> BTreeMap<String, (u64, u64)> {
    let mut out: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for (_, (name, size)) in exes {
        let e = out.entry(name.clone()).or_default();
        e.0 += 1;
        e.1 += size;
    }
    out
}

/// A group of the JSON report as name → (copies, bytes), checking each
/// entry's shape on the way.
fn group(report: &Value, key: &str) -> BTreeMap<String, (u64, u64)> {
    let g = &report["groups"][key];
    let mut out = BTreeMap::new();
    let mut files = 0;
    let mut bytes = 0;
    let mut last = u64::MAX;
    for n in g["names"].as_array().unwrap() {
        let (c, b) = (n["copies"].as_u64().unwrap(), n["bytes"].as_u64().unwrap());
        assert!(b <= last, "names not sorted by bytes: {g}");
        last = b;
        let (newest, oldest) = (n["newest"].as_str().unwrap(), n["oldest"].as_str().unwrap());
        assert!(
            newest.len() == 20 && newest.ends_with('Z') && newest >= oldest,
            "{n}"
        );
        assert_eq!(n["paths"].as_array().unwrap().len() as u64, c, "{n}");
        files += c;
        bytes += b;
        out.insert(n["name"].as_str().unwrap().to_string(), (c, b));
    }
    assert_eq!(g["files"].as_u64(), Some(files), "{g}");
    assert_eq!(g["bytes"].as_u64(), Some(bytes), "{g}");
    out
}

fn group_paths(report: &Value, key: &str) -> BTreeSet<PathBuf> {
    report["groups"][key]["names"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|n| n["paths"].as_array().unwrap().iter())
        .map(|p| PathBuf::from(p.as_str().unwrap()))
        .collect()
}

/// The JSON totals agree with the test's own walk.
fn check_totals(report: &Value, cache: &Path) {
    let files = all_files(cache);
    assert_eq!(report["cache"]["files"].as_u64(), Some(files.len() as u64));
    assert_eq!(
        report["cache"]["bytes"].as_u64(),
        Some(files.values().sum::<u64>())
    );
    let exes = executables(cache);
    assert_eq!(
        report["executables"]["files"].as_u64(),
        Some(exes.len() as u64)
    );
    assert_eq!(
        report["executables"]["bytes"].as_u64(),
        Some(exes.values().map(|(_, s)| s).sum::<u64>())
    );
    let listed: BTreeSet<PathBuf> = ["helpers", "tools", "other"]
        .iter()
        .flat_map(|k| group_paths(report, k))
        .collect();
    assert_eq!(listed, exes.keys().cloned().collect::<BTreeSet<_>>());
}

// ---------------------------------------------------------------------------
// Go.

fn go_available() -> bool {
    let problem = match find_on_path("go") {
        None => Some("`go` not found on PATH".to_string()),
        Some(_) => match Command::new("go")
            .arg("version")
            .env("GOTOOLCHAIN", "local")
            .output()
        {
            Err(e) => Some(format!("`go version` failed to start: {e}")),
            Ok(out) if !out.status.success() => {
                Some(format!("`go version` failed: {}", describe(&out)))
            }
            Ok(out) => {
                let v = text(&out.stdout);
                let minor = v
                    .split_whitespace()
                    .nth(2)
                    .and_then(|s| s.strip_prefix("go1."))
                    .and_then(|s| s.split(['.', 'r', 'b']).next())
                    .and_then(|s| s.parse::<u32>().ok());
                match minor {
                    Some(m) if m < 24 => Some(format!("go >= 1.24 required, found {}", v.trim())),
                    _ => None,
                }
            }
        },
    };
    match problem {
        None => true,
        Some(why) if std::env::var_os("CI").is_some() => {
            panic!("CACHE E2E cannot run: {why} (CI is set, so this is an error)")
        }
        Some(why) => {
            // The real stderr: the harness hides eprintln! of passing tests.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "CACHE E2E SKIPPED: {why} (test cache::real_gocache_report_prune_and_migrate did not run)"
            );
            false
        }
    }
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| [d.join(name), d.join(format!("{name}.exe"))])
        .find(|p| p.is_file())
}

/// Run go in `dir` with an isolated cache, offline.
fn go(dir: &Path, env: &GoEnv, args: &[&str]) -> String {
    let out = Command::new("go")
        .args(args)
        .current_dir(dir)
        .env("GOTOOLCHAIN", "local")
        .env("GOFLAGS", "-modcacherw")
        .env("GOPROXY", "off")
        .env("GOWORK", "off")
        .env("GOENV", "off")
        .env("GOCACHE", &env.cache)
        .env("GOMODCACHE", &env.modcache)
        .env("GOPATH", &env.gopath)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "go {} in {}: {}",
        args.join(" "),
        dir.display(),
        describe(&out)
    );
    text(&out.stdout)
}

struct GoEnv {
    cache: PathBuf,
    modcache: PathBuf,
    gopath: PathBuf,
}

fn write(path: &Path, content: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, content).unwrap();
}

fn main_go(msg: &str) -> String {
    format!("package main\n\nimport \"fmt\"\n\nvar v = \"dev\"\n\nfunc main() {{ fmt.Println(\"{msg}\", v) }}\n")
}

/// The repository: helpers gen, render, tagger (run twice, other
/// -ldflags), scripts/single/main.go (cached as `main`), tool x, and
/// cmd/built (only `go build -o`).
fn write_repo(m: &Path) {
    write(
        &m.join("go.mod"),
        "module example.com/m\n\ngo 1.24\n\ntool example.com/m/cmd/x\n",
    );
    for (dir, msg) in [
        ("scripts/gen", "gen"),
        ("scripts/render", "render"),
        ("scripts/tagger", "tagger"),
        ("cmd/x", "x"),
        ("cmd/built", "built"),
    ] {
        write(&m.join(dir).join("main.go"), &main_go(msg));
    }
    write(&m.join("scripts/single/main.go"), &main_go("single"));
    write(
        &m.join("Makefile"),
        "GO ?= go\n\
         \n\
         gen:\n\
         \t$(GO) run ./scripts/gen > gen.txt\n\
         \t$(GO) run ./scripts/render\n\
         \t$(GO) run -ldflags=-X=main.v=1 ./scripts/tagger\n\
         \t$(GO) run -ldflags=-X=main.v=2 ./scripts/tagger\n\
         \t$(GO) run ./scripts/single/main.go\n\
         \t$(GO) tool x\n\
         \n\
         bin/built:\n\
         \t$(GO) build -o $@ ./cmd/built\n",
    );
}

/// Another project, whose `gen` has the name of one of the helpers.
fn write_other(o: &Path) {
    write(&o.join("go.mod"), "module example.com/other\n\ngo 1.24\n");
    write(&o.join("cmd/gen/main.go"), &main_go("other gen"));
    write(&o.join("cmd/stray/main.go"), &main_go("stray"));
}

#[test]
fn real_gocache_report_prune_and_migrate() {
    if !go_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().canonicalize().unwrap();
    let env = GoEnv {
        cache: base.join("gocache"),
        modcache: base.join("gomodcache"),
        gopath: base.join("gopath"),
    };
    let (m, o) = (base.join("m"), base.join("other"));
    write_repo(&m);
    write_other(&o);

    // The helpers, as the Makefile runs them.
    assert_eq!(go(&m, &env, &["run", "./scripts/gen"]), "gen dev\n");
    go(&m, &env, &["run", "./scripts/render"]);
    assert_eq!(
        go(
            &m,
            &env,
            &["run", "-ldflags=-X=main.v=1", "./scripts/tagger"]
        ),
        "tagger 1\n"
    );
    assert_eq!(
        go(
            &m,
            &env,
            &["run", "-ldflags=-X=main.v=2", "./scripts/tagger"]
        ),
        "tagger 2\n"
    );
    go(&m, &env, &["run", "./scripts/single/main.go"]);
    assert_eq!(go(&m, &env, &["tool", "x"]), "x dev\n");
    go(&m, &env, &["build", "-o", "bin/built", "./cmd/built"]);
    let repo_exes = executables(&env.cache);
    go(&o, &env, &["run", "./cmd/gen"]);
    go(&o, &env, &["run", "./cmd/stray"]);
    let exes = executables(&env.cache);
    let other_paths: BTreeSet<PathBuf> = exes
        .keys()
        .filter(|p| !repo_exes.contains_key(*p))
        .cloned()
        .collect();

    // What Go put there, as the issue describes it.
    let names = by_name(exes.iter());
    let copies: BTreeMap<&str, u64> = names.iter().map(|(k, v)| (k.as_str(), v.0)).collect();
    assert_eq!(
        copies,
        BTreeMap::from([
            ("gen", 2),
            ("main", 1),
            ("render", 1),
            ("stray", 1),
            ("tagger", 2),
            ("x", 1)
        ]),
        "go build -o must cache nothing, the rest one copy per build"
    );
    let helper_paths: BTreeSet<PathBuf> = exes
        .iter()
        .filter(|(p, (n, _))| {
            ["gen", "render", "tagger", "main"].contains(&n.as_str()) && !other_paths.contains(*p)
        })
        .map(|(p, _)| p.clone())
        .collect();
    assert_eq!(helper_paths.len(), 5);

    // The report, against the test's own walk.
    let out = cache_cmd(&base, &env.cache, &["--format", "json", "m"]);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let report = json(&out);
    assert_eq!(report["version"], 1);
    assert_eq!(report["found_by"], "flag");
    assert_eq!(report["prune"], Value::Null);
    check_totals(&report, &env.cache);
    let expect =
        |paths: &BTreeSet<PathBuf>| by_name(exes.iter().filter(|(p, _)| paths.contains(*p)));
    assert_eq!(group(&report, "helpers"), expect(&helper_paths));
    assert_eq!(group_paths(&report, "helpers"), helper_paths);
    let tool_paths: BTreeSet<PathBuf> = exes
        .iter()
        .filter(|(_, (n, _))| n == "x")
        .map(|(p, _)| p.clone())
        .collect();
    assert_eq!(group(&report, "tools"), expect(&tool_paths));
    // The other project's `gen` is not this repository's helper.
    assert_eq!(group(&report, "other"), expect(&other_paths));
    assert_eq!(
        group(&report, "other").keys().collect::<Vec<_>>(),
        ["gen", "stray"]
    );

    // Found through $GOCACHE too.
    let out = bin(&m)
        .env("GOCACHE", &env.cache)
        .args(["cache", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert_eq!(json(&out)["found_by"], "env");

    // check --cache-cost: each finding's builds, read from the real build
    // information (the other project's `gen` is not this one's).
    let out = bin(&m)
        .env("GOCACHE", &env.cache)
        .args(["check", "--cache-cost", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let costs: BTreeSet<(String, u64, u64)> = json(&out)["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| {
            let c = d.get("cache_cost")?;
            Some((
                c["tool"].as_str().unwrap().to_string(),
                c["builds"].as_u64().unwrap(),
                c["bytes"].as_u64().unwrap(),
            ))
        })
        .collect();
    let mine = by_name(exes.iter().filter(|(p, _)| !other_paths.contains(*p)));
    let expected: BTreeSet<(String, u64, u64)> = mine
        .iter()
        .map(|(n, (copies, bytes))| (n.clone(), *copies, *bytes))
        .collect();
    assert_eq!(
        costs, expected,
        "gen, main, render, tagger (2 builds) and the go tool x"
    );

    // The human table: groups, rows by bytes with a bar, the prune command.
    let out = bin(&m)
        .env("GOCACHE", &env.cache)
        .arg("cache")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let human = text(&out.stdout);
    assert!(
        human.contains("This repository's helpers: 5 executables")
            && human.contains("Tools: 1 executable")
            && human.contains("Other: 2 executables")
            && human.contains("█")
            && human.contains("gorun-lint cache --prune\n")
            && human.contains("gorun-lint cache --prune --all-executables"),
        "{human}"
    );
    let helper_rows: Vec<&str> = human
        .lines()
        .skip_while(|l| !l.starts_with("This repository's helpers"))
        .skip(2)
        .take_while(|l| !l.is_empty())
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(helper_rows.len(), 4, "{human}");
    assert_eq!(helper_rows[0], "tagger", "two copies come first: {human}");

    // migrate: the helpers' cache report before the plan.
    let out = bin(&m)
        .env("GOCACHE", &env.cache)
        .arg("migrate")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let plan = text(&out.stdout);
    let cache_at = plan
        .find("`go run` of this repository's helpers left 5 cached executables")
        .unwrap_or_else(|| panic!("{plan}"));
    assert!(cache_at < plan.find("_gen/bin/gen").unwrap(), "{plan}");

    // --prune --dry-run removes nothing.
    let files_before = all_files(&env.cache);
    let dirs_before = all_dirs(&env.cache);
    let out = cache_cmd(
        &m,
        &env.cache,
        &["--prune", "--dry-run", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let r = json(&out);
    assert_eq!(r["prune"]["dry_run"], true);
    assert_eq!(r["prune"]["scope"], "helpers");
    assert_eq!(r["prune"]["files"], 5);
    assert_eq!(all_files(&env.cache), files_before);

    // --prune removes exactly the helpers' executables (and their then
    // empty entry directories), nothing else.
    let out = cache_cmd(&m, &env.cache, &["--prune"]);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let said = text(&out.stdout);
    assert!(
        said.contains("Removed 5 cached executables of this repository's helpers"),
        "{said}"
    );
    let files_after = all_files(&env.cache);
    let removed: BTreeSet<PathBuf> = files_before
        .keys()
        .filter(|p| !files_after.contains_key(*p))
        .cloned()
        .collect();
    assert_eq!(removed, helper_paths);
    for (p, size) in &files_after {
        assert_eq!(
            files_before.get(p),
            Some(size),
            "{} appeared or changed",
            p.display()
        );
    }
    let removed_dirs: BTreeSet<PathBuf> = dirs_before
        .difference(&all_dirs(&env.cache))
        .cloned()
        .collect();
    let entry_dirs: BTreeSet<PathBuf> = helper_paths
        .iter()
        .map(|p| p.parent().unwrap().to_path_buf())
        .collect();
    assert_eq!(removed_dirs, entry_dirs);
    let freed: u64 = helper_paths.iter().map(|p| files_before[p]).sum();
    assert!(
        said.contains(&format!("{:.1} MB freed", freed as f64 / 1e6)),
        "{said}"
    );

    // A second prune finds nothing; the report shows no helper.
    let out = cache_cmd(&m, &env.cache, &["--prune"]);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert!(
        text(&out.stdout).contains("No cached executable of this repository's helpers to remove")
    );

    // go run still works, and caches the executable again.
    assert_eq!(go(&m, &env, &["run", "./scripts/gen"]), "gen dev\n");
    assert_eq!(
        go(
            &m,
            &env,
            &["run", "-ldflags=-X=main.v=2", "./scripts/tagger"]
        ),
        "tagger 2\n"
    );
    let out = cache_cmd(&base, &env.cache, &["--format", "json", "m"]);
    let r = json(&out);
    check_totals(&r, &env.cache);
    let helpers = group(&r, "helpers");
    assert_eq!(helpers.keys().collect::<Vec<_>>(), ["gen", "tagger"], "{r}");
    assert!(helpers.values().all(|(c, _)| *c == 1), "{r}");

    // migrate --apply ends with the command that reclaims the space.
    let out = bin(&m)
        .env("GOCACHE", &env.cache)
        .args(["migrate", "--apply"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let said = text(&out.stdout);
    // (Only the migrated helpers' executables, and a command that prunes
    // only theirs.)
    let last = said.trim_end().lines().last().unwrap().trim();
    assert!(
        said.contains("Reclaim the") && said.contains("(2 files;"),
        "{said}"
    );
    assert!(
        last.starts_with("gorun-lint cache --prune --tool gen ") && last.contains(" --tool tagger"),
        "{said}"
    );
    // `--tool` prunes that tool's executables and no other.
    // (The other repository's `gen` is not this one's helper: it stays.)
    let count = |name: &str| {
        executables(&env.cache)
            .into_values()
            .filter(|(n, _)| n == name)
            .count()
    };
    let (gens, taggers) = (count("gen"), count("tagger"));
    let out = cache_cmd(&m, &env.cache, &["--prune", "--tool", "gen"]);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert_eq!((count("gen"), count("tagger")), (gens - 1, taggers));

    // --all-executables empties the cache of executables, and only of them.
    let files_before = all_files(&env.cache);
    let exes_before = executables(&env.cache);
    let out = cache_cmd(
        &m,
        &env.cache,
        &["--prune", "--all-executables", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let r = json(&out);
    assert_eq!(r["prune"]["scope"], "all");
    assert_eq!(r["prune"]["files"].as_u64(), Some(exes_before.len() as u64));
    assert!(executables(&env.cache).is_empty());
    let after = all_files(&env.cache);
    let expected: BTreeMap<PathBuf, u64> = files_before
        .into_iter()
        .filter(|(p, _)| !exes_before.contains_key(p))
        .collect();
    assert_eq!(after, expected);
    assert_eq!(go(&o, &env, &["run", "./cmd/stray"]), "stray dev\n");
    assert_eq!(go(&m, &env, &["tool", "x"]), "x dev\n");
}

// ---------------------------------------------------------------------------
// Bad inputs (no Go needed).

fn hash(prefix: &str, n: usize) -> String {
    format!("{prefix}{:062x}", n)
}

/// A repository whose helper is `gen`.
fn fake_repo(dir: &Path) {
    write(&dir.join("go.mod"), "module example.com/r\n\ngo 1.24\n");
    write(
        &dir.join("scripts/gen/main.go"),
        "package main\n\nfunc main() {}\n",
    );
    write(&dir.join("Makefile"), "gen:\n\tgo run ./scripts/gen\n");
}

#[cfg(unix)]
fn chmod(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(p, fs::Permissions::from_mode(mode)).unwrap();
}

/// A cache with README, two cached executables (`gen`, the helper, and
/// `other`), an action entry and a plain output file.
fn fake_cache(c: &Path) -> (PathBuf, PathBuf) {
    write(&c.join("README"), README);
    write(&c.join("trim.txt"), "1700000000");
    let gen = c
        .join("ab")
        .join(format!("{}-d", hash("ab", 1)))
        .join("gen");
    write(&gen, &"g".repeat(3000));
    let other = c
        .join("cd")
        .join(format!("{}-d", hash("cd", 2)))
        .join("other");
    write(&other, &"o".repeat(1000));
    write(&c.join("ab").join(format!("{}-a", hash("ab", 1))), "action");
    write(
        &c.join("cd").join(format!("{}-d", hash("cd", 3))),
        "data output",
    );
    #[cfg(unix)]
    {
        chmod(&gen, 0o755);
        chmod(&other, 0o755);
    }
    (gen, other)
}

#[test]
fn gocache_off_relative_and_missing_are_clear_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fake_repo(dir);
    for (gocache, says) in [
        ("off", "GOCACHE=off"),
        ("relative/dir", "not an absolute path"),
    ] {
        let out = bin(dir)
            .env("GOCACHE", gocache)
            .arg("cache")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
        let err = text(&out.stderr);
        assert!(err.contains(says) && err.lines().count() == 1, "{err}");
        // migrate says so in one line and goes on.
        let out = bin(dir)
            .env("GOCACHE", gocache)
            .arg("migrate")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
        let said = text(&out.stdout);
        assert!(
            said.starts_with("GOCACHE not inspected: ") && said.contains(says),
            "{said}"
        );
        assert!(said.contains("_gen/bin/gen"), "{said}");
    }
    let missing = dir.join("no/such/cache");
    for args in [vec!["cache"], vec!["cache", "--prune"]] {
        let out = bin(dir)
            .args(&args)
            .arg("--gocache")
            .arg(&missing)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
        assert!(
            text(&out.stderr).contains("does not exist"),
            "{}",
            describe(&out)
        );
        assert!(!missing.exists());
    }
}

#[cfg(target_os = "linux")]
#[test]
fn default_location_follows_xdg_and_home() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fake_repo(dir);
    fake_cache(&dir.join("home/.cache/go-build"));
    let out = bin(dir)
        .env_remove("XDG_CACHE_HOME")
        .env("HOME", dir.join("home"))
        .args(["cache", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let r = json(&out);
    assert_eq!(r["found_by"], "default");
    assert_eq!(
        r["gocache"],
        dir.join("home/.cache/go-build").display().to_string()
    );
    let out = bin(dir)
        .env("XDG_CACHE_HOME", dir.join("xdg"))
        .env("HOME", dir.join("home"))
        .arg("cache")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(
        text(&out.stderr).contains("xdg/go-build"),
        "{}",
        describe(&out)
    );
}

#[test]
fn a_file_where_a_directory_should_be() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fake_repo(dir);
    // GOCACHE itself is a file.
    write(&dir.join("cachefile"), "x");
    let out = bin(dir)
        .args(["cache", "--prune", "--gocache", "cachefile"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(
        text(&out.stderr).contains("is not a directory"),
        "{}",
        describe(&out)
    );
    assert_eq!(fs::read_to_string(dir.join("cachefile")).unwrap(), "x");
    // A file where a `??` sub-directory or an executable's entry directory
    // should be: counted as a file, not an executable, never removed.
    let c = dir.join("cache");
    let (gen, _) = fake_cache(&c);
    write(&c.join("12"), "not a dir");
    let entry_file = c.join("ab").join(format!("{}-d", hash("ab", 9)));
    write(&entry_file, "a plain output, not an executable's directory");
    let before = all_files(&c);
    let out = bin(dir)
        .args([
            "cache",
            "--prune",
            "--all-executables",
            "--format",
            "json",
            "--gocache",
            "cache",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let r = json(&out);
    assert_eq!(r["cache"]["files"].as_u64(), Some(before.len() as u64));
    assert_eq!(r["executables"]["files"], 2);
    assert_eq!(group(&r, "helpers").keys().collect::<Vec<_>>(), ["gen"]);
    assert_eq!(r["prune"]["files"], 2);
    assert!(!gen.exists() && c.join("12").is_file() && entry_file.is_file());
}

#[test]
fn not_a_go_cache_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fake_repo(dir);
    let c = dir.join("notacache");
    // An executable in the cache's shape, but no README and no `??` dirs.
    let exe = c
        .join("zz")
        .join(format!("{}-d", hash("zz", 1)))
        .join("gen");
    write(&exe, "x");
    write(&c.join("README"), "my notes\n");
    let before = all_files(&c);
    for args in [
        vec!["cache"],
        vec!["cache", "--prune"],
        vec!["cache", "--prune", "--all-executables"],
    ] {
        let out = bin(dir)
            .args(&args)
            .args(["--gocache", "notacache"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
        assert!(
            text(&out.stderr).contains("does not look like a Go build cache"),
            "{}",
            describe(&out)
        );
    }
    assert_eq!(all_files(&c), before);
}

#[cfg(unix)]
#[test]
fn links_fifos_and_loops_are_skipped_never_followed_or_removed() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fake_repo(dir);
    let c = dir.join("cache");
    let (gen, other) = fake_cache(&c);
    let entry = |n: usize| c.join("ab").join(format!("{}-d", hash("ab", n)));
    // A dangling symlink and a symlink loop where executables would be.
    fs::create_dir_all(entry(2)).unwrap();
    symlink("/nonexistent/gen", entry(2).join("gen")).unwrap();
    fs::create_dir_all(entry(3)).unwrap();
    symlink("loop", entry(3).join("loop")).unwrap();
    // A symlink loop at the top, and a link to a directory full of
    // executables outside the cache.
    symlink("ef", c.join("ef")).unwrap();
    let outside = dir.join("outside");
    let bait = outside.join(format!("{}-d", hash("ee", 1))).join("gen");
    write(&bait, "bait");
    chmod(&bait, 0o755);
    symlink(&outside, c.join("ee")).unwrap();
    // A fifo (reading it would block forever) and a socket.
    fs::create_dir_all(entry(4)).unwrap();
    let fifo = entry(4).join("gen");
    let made_fifo = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    // (At the top: socket paths are short.)
    let _socket = std::os::unix::net::UnixListener::bind(c.join("sock")).unwrap();
    // A directory inside an executable's entry.
    write(&entry(5).join("nested/gen"), "nested");
    chmod(&entry(5).join("nested/gen"), 0o755);

    let before = all_files(&c);
    let out = bin(dir)
        .args(["cache", "--format", "json", "--gocache", "cache"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let r = json(&out);
    check_totals(&r, &c);
    assert_eq!(r["executables"]["files"], 2);
    assert_eq!(group_paths(&r, "helpers"), BTreeSet::from([gen.clone()]));
    assert_eq!(group_paths(&r, "other"), BTreeSet::from([other.clone()]));
    let kinds: BTreeSet<(String, String)> = r["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let p = PathBuf::from(s["path"].as_str().unwrap());
            (
                p.strip_prefix(&c).unwrap().display().to_string(),
                s["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let rel = |p: PathBuf| p.strip_prefix(&c).unwrap().display().to_string();
    let mut expected = BTreeSet::from([
        (rel(entry(2).join("gen")), "symlink".to_string()),
        (rel(entry(3).join("loop")), "symlink".to_string()),
        ("ef".to_string(), "symlink".to_string()),
        ("ee".to_string(), "symlink".to_string()),
        ("sock".to_string(), "socket".to_string()),
        (rel(entry(5).join("nested")), "directory".to_string()),
    ]);
    if made_fifo {
        expected.insert((rel(fifo.clone()), "fifo".to_string()));
    }
    assert_eq!(kinds, expected);
    let out = bin(dir)
        .args(["cache", "--gocache", "cache"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out.stderr).contains("gorun-lint: note: skipped"),
        "{}",
        describe(&out)
    );

    let out = bin(dir)
        .args([
            "cache",
            "--prune",
            "--all-executables",
            "--gocache",
            "cache",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let mut expected = before.clone();
    expected.remove(&gen);
    expected.remove(&other);
    assert_eq!(all_files(&c), expected);
    for link in [
        entry(2).join("gen"),
        entry(3).join("loop"),
        c.join("ef"),
        c.join("ee"),
    ] {
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
    }
    assert!(bait.is_file(), "a file behind a symlink was removed");
    if made_fifo {
        assert!(fs::symlink_metadata(&fifo).is_ok());
    }

    // GOCACHE itself a symlink loop.
    symlink("selfloop", dir.join("selfloop")).unwrap();
    let out = bin(dir)
        .args(["cache", "--gocache", "selfloop"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(
        text(&out.stderr).contains("cannot read GOCACHE directory"),
        "{}",
        describe(&out)
    );
}

#[cfg(unix)]
#[test]
fn unreadable_directory_is_reported_and_the_rest_still_counted() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fake_repo(dir);
    let c = dir.join("cache");
    let (gen, other) = fake_cache(&c);
    let locked = c.join("cd");
    chmod(&locked, 0o000);
    if fs::read_dir(&locked).is_ok() {
        // Root reads it anyway: nothing to test here (the fifo and link
        // cases above stand in for unreadable entries).
        chmod(&locked, 0o755);
        return;
    }
    let out = bin(dir)
        .args([
            "cache",
            "--prune",
            "--all-executables",
            "--format",
            "json",
            "--gocache",
            "cache",
        ])
        .output()
        .unwrap();
    chmod(&locked, 0o755);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    let r = json(&out);
    assert_eq!(r["problems"][0]["path"], locked.display().to_string());
    assert_eq!(r["problems"][0]["message"], "permission denied");
    assert!(text(&out.stderr).contains("permission denied"));
    assert!(!gen.exists() && other.exists());
}

/// Issue 20: `cache` on a repository path that does not exist is an error
/// (exit 2) with no report and no pruning advice; the twin, an existing
/// path, reports.
#[test]
fn a_missing_repository_path_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fake_repo(dir);
    let c = dir.join("gocache");
    fake_cache(&c);
    let out = cache_cmd(dir, &c, &["no-such-repo"]);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(text(&out.stdout).is_empty(), "{}", describe(&out));
    assert!(text(&out.stderr).contains("no-such-repo: no such file or directory"));
    let out = cache_cmd(dir, &c, &["."]);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert!(text(&out.stdout).contains("GOCACHE"), "{}", describe(&out));
}

// ---------------------------------------------------------------------------
// `check --cache-cost` (no Go needed: fake caches, fake build information).

const BUILDINFO_MAGIC: &[u8] = b"\xff Go buildinf:";
const INFO_START: [u8; 16] = [
    0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02, 0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18, 0xe6,
];

/// A file of `size` bytes holding Go build information (the Go 1.18+
/// layout `go version -m` reads) whose main package is `main_path`.
fn fake_go_binary(main_path: &str, module: &str, size: usize) -> Vec<u8> {
    let mut modinfo = INFO_START.to_vec();
    modinfo.extend_from_slice(format!("path\t{main_path}\nmod\t{module}\t(devel)\t\n").as_bytes());
    modinfo.extend_from_slice(&[0xf9; 16]);
    assert!(modinfo.len() < 128, "one varint byte");
    let mut bin = vec![0u8; 100];
    bin.extend_from_slice(BUILDINFO_MAGIC);
    bin.extend_from_slice(b"\x08\x02");
    bin.resize(bin.len() + 16, 0);
    bin.push(4);
    bin.extend_from_slice(b"go1x");
    bin.push(modinfo.len() as u8);
    bin.extend_from_slice(&modinfo);
    assert!(bin.len() <= size);
    bin.resize(size, 0);
    bin
}

/// Write a cached executable `GOCACHE/<xx>/<hash>-d/<name>`.
fn put_exe(cache: &Path, n: usize, name: &str, bytes: &[u8]) -> PathBuf {
    let p = cache
        .join("ef")
        .join(format!("{}-d", hash("ef", n)))
        .join(name);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(&p, bytes).unwrap();
    #[cfg(unix)]
    chmod(&p, 0o755);
    p
}

/// A repository whose Makefile runs two helpers, `apitypings` and
/// `nocache`, and a GOCACHE beside it holding two builds of this
/// repository's `apitypings` (one with build information naming its
/// package, one without any: matched by name), another project's
/// `apitypings` (its build information names another package) and an
/// unrelated executable. Returns (repo, cache).
fn cost_fixture(base: &Path) -> (PathBuf, PathBuf) {
    let r = base.join("r");
    write(&r.join("go.mod"), "module example.com/r\n\ngo 1.24\n");
    for tool in ["apitypings", "nocache"] {
        write(
            &r.join("scripts").join(tool).join("main.go"),
            "package main\n\nfunc main() {}\n",
        );
    }
    write(
        &r.join("Makefile"),
        "gen:\n\tgo run ./scripts/apitypings\n\tgo run ./scripts/nocache\n",
    );
    let c = base.join("gocache");
    write(&c.join("README"), README);
    put_exe(
        &c,
        1,
        "apitypings",
        &fake_go_binary("example.com/r/scripts/apitypings", "example.com/r", 3000),
    );
    put_exe(&c, 2, "apitypings", &[b'a'; 5000]);
    put_exe(
        &c,
        3,
        "apitypings",
        &fake_go_binary("example.com/other/apitypings", "example.com/other", 7000),
    );
    put_exe(&c, 4, "other", &[b'o'; 1000]);
    write(&c.join("ef").join(format!("{}-a", hash("ef", 1))), "action");
    (r, c)
}

/// `check ARGS` in `dir` with `GOCACHE` set to `gocache`.
fn check_cmd(dir: &Path, gocache: &Path, args: &[&str]) -> Output {
    bin(dir)
        .env("GOCACHE", gocache)
        .arg("check")
        .args(args)
        .output()
        .unwrap()
}

/// Issue 20: `check --cache-cost` says under each `go run` finding what
/// its helper has left in GOCACHE: this repository's builds only (another
/// project's `apitypings` is not counted), nothing for a helper with no
/// cached build, and otherwise the same output as without the flag, in
/// every format; without the flag no cost appears anywhere.
#[test]
fn check_cache_cost_notes_what_each_go_run_left_in_gocache() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().canonicalize().unwrap();
    let (r, c) = cost_fixture(&base);
    let cache_before = all_files(&c);
    let note = "  note: GOCACHE holds 2 builds of `apitypings` (8.0 KB)";

    // Human: one note, under the apitypings finding; nothing else changes.
    let with = check_cmd(&r, &c, &["--cache-cost"]);
    let without = check_cmd(&r, &c, &[]);
    assert_eq!(with.status.code(), Some(1), "{}", describe(&with));
    assert_eq!(without.status.code(), Some(1), "{}", describe(&without));
    assert!(with.stderr.is_empty(), "{}", describe(&with));
    let human = text(&with.stdout);
    assert_eq!(human.matches("GOCACHE holds").count(), 1, "{human}");
    let at = human.find(note).unwrap_or_else(|| panic!("{human}"));
    assert!(
        human[..at].contains("_gen/bin/apitypings") && !human[..at].contains("nocache`"),
        "the note belongs to the apitypings finding: {human}"
    );
    let plain = text(&without.stdout);
    assert!(!plain.contains("GOCACHE holds"), "{plain}");
    assert_eq!(human.replace(&format!("{note}\n"), ""), plain);

    // JSON: the numbers on the finding; the helper with nothing cached and
    // a run without the flag carry no `cache_cost`.
    let j = json(&check_cmd(&r, &c, &["--cache-cost", "--format", "json"]));
    let diags = j["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 2, "{j}");
    let by_tool = |tool: &str| diags.iter().find(|d| d["tool"] == tool).unwrap();
    assert_eq!(
        by_tool("apitypings")["cache_cost"],
        serde_json::json!({"tool": "apitypings", "builds": 2, "bytes": 8000})
    );
    assert!(by_tool("nocache").get("cache_cost").is_none(), "{j}");
    let j_plain = json(&check_cmd(&r, &c, &["--format", "json"]));
    assert!(j_plain["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d.get("cache_cost").is_none()));
    let mut stripped = j.clone();
    stripped["diagnostics"][0]
        .as_object_mut()
        .unwrap()
        .remove("cache_cost");
    assert_eq!(stripped, j_plain);

    // --quiet, SARIF and GitHub carry the same cost.
    let q = text(&check_cmd(&r, &c, &["--cache-cost", "--quiet"]).stdout);
    assert!(
        q.lines()
            .next()
            .unwrap()
            .ends_with("on every change (GOCACHE holds 2 builds of `apitypings` (8.0 KB))"),
        "{q}"
    );
    let s = json(&check_cmd(&r, &c, &["--cache-cost", "--format", "sarif"]));
    assert_eq!(
        s["runs"][0]["results"][0]["properties"]["cacheCost"],
        serde_json::json!({"tool": "apitypings", "builds": 2, "bytes": 8000})
    );
    assert!(s["runs"][0]["results"][1]["properties"]
        .get("cacheCost")
        .is_none());
    let g = text(&check_cmd(&r, &c, &["--cache-cost", "--format", "github"]).stdout);
    assert!(
        g.lines()
            .next()
            .unwrap()
            .ends_with("%0Anote: GOCACHE holds 2 builds of `apitypings` (8.0 KB)"),
        "{g}"
    );

    // Read-only: the cache is as it was.
    assert_eq!(all_files(&c), cache_before);
}

/// Issue 20: when GOCACHE cannot be read (missing, `off`, not a Go build
/// cache), `check --cache-cost` prints one warning on stderr and reports
/// exactly what `check` reports without the flag, with its exit code.
#[test]
fn check_cache_cost_without_a_readable_gocache_warns_and_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().canonicalize().unwrap();
    let (r, _) = cost_fixture(&base);
    let not_a_cache = base.join("not-a-cache");
    write(&not_a_cache.join("notes.txt"), "mine");
    for gocache in [
        PathBuf::from("/nonexistent"),
        PathBuf::from("off"),
        not_a_cache.clone(),
    ] {
        for format in ["human", "json"] {
            let with = check_cmd(&r, &gocache, &["--cache-cost", "--format", format]);
            let without = check_cmd(&r, &gocache, &["--format", format]);
            assert_eq!(with.status.code(), Some(1), "{}", describe(&with));
            assert_eq!(with.stdout, without.stdout, "{}", describe(&with));
            let err = text(&with.stderr);
            assert_eq!(err.lines().count(), 1, "{}", describe(&with));
            assert!(
                err.starts_with("gorun-lint: warning: --cache-cost: GOCACHE not read")
                    && err.contains(&*gocache.to_string_lossy()),
                "{}",
                describe(&with)
            );
            assert!(without.stderr.is_empty(), "{}", describe(&without));
        }
    }
    assert_eq!(
        fs::read_to_string(not_a_cache.join("notes.txt")).unwrap(),
        "mine"
    );
}
