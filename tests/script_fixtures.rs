//! `fixtures/sources/scripts`: every `# expect: <class> <tool>` annotation in
//! a script must match a callsite that `sources::script` finds on the
//! logical line after it, and every `go run` / `go tool` callsite found must
//! be annotated. Scripts are run from the module root (the caller's
//! directory is the base dir). Negative scripts (`# expect: none`) have no
//! callsites; a file that is not a script is not read at all.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gorun_lint::callsite::Verb;
use gorun_lint::classify::{classify, Class};
use gorun_lint::gomod::Modules;
use gorun_lint::parse::lines::logical_line_start;
use gorun_lint::sources::script::{callsites, is_script, ScriptContext};
use gorun_lint::vars::VarEnv;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sources/scripts")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn name(p: &Path) -> String {
    p.file_name().unwrap().to_string_lossy().into_owned()
}

/// (file, 1-based line of the logical line) -> "class tool" in order.
fn expectations(path: &Path, text: &str) -> BTreeMap<(PathBuf, usize), Vec<String>> {
    let mut out = BTreeMap::new();
    let mut pending: Vec<String> = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        let l = line.trim_end_matches('\r').trim_start();
        if let Some(rest) = l.strip_prefix("# expect:") {
            let rest = rest.trim();
            if rest != "none" {
                pending.push(rest.split_whitespace().collect::<Vec<_>>().join(" "));
            }
        } else if !pending.is_empty() && !l.is_empty() {
            out.insert((path.to_path_buf(), i + 1), std::mem::take(&mut pending));
        }
    }
    out
}

fn found(side: &Path, path: &Path, text: &str) -> BTreeMap<(PathBuf, usize), Vec<String>> {
    let go = ["go".to_string()];
    let script_dir = path
        .parent()
        .unwrap()
        .strip_prefix(side)
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/");
    let ctx = ScriptContext {
        script_dir,
        repo_root: String::new(),
        caller_dir: String::new(),
        go_commands: &go,
    };
    let modules = Modules::default();
    let vars = VarEnv::for_shell(&go);
    let mut out: BTreeMap<(PathBuf, usize), Vec<String>> = BTreeMap::new();
    for s in callsites(text, &ctx) {
        let cs = &s.callsite;
        let label = match cs.verb {
            Verb::Build => continue,
            Verb::Tool => format!("tool {}", cs.target.text()),
            Verb::Run => {
                let c = classify(cs, side, &vars, &modules);
                let (class, tool) = match &c.class {
                    Class::Local { .. } => (
                        "local",
                        c.dir()
                            .and_then(|d| d.file_name())
                            .map(|n| n.to_string_lossy().into_owned()),
                    ),
                    Class::Remote { .. } => ("remote", c.tool.clone()),
                    Class::Dependency { .. } => ("dependency", c.tool.clone()),
                    Class::Pattern => ("pattern", c.tool.clone()),
                    Class::Dynamic { .. } => ("dynamic", Some(cs.target.text())),
                };
                format!("{class} {}", tool.unwrap_or_default())
            }
        };
        let start = logical_line_start(text, cs.span.start);
        let line = text[..start].matches('\n').count() + 1;
        out.entry((path.to_path_buf(), line))
            .or_default()
            .push(label);
    }
    out
}

#[test]
fn script_fixtures_match_their_annotations() {
    let mut problems = Vec::new();
    for side in ["pos", "neg"] {
        let dir = root().join(side);
        let mut annotated = 0;
        let mut scripts = 0;
        for path in files(&dir) {
            let bytes = std::fs::read(&path).unwrap();
            let text = String::from_utf8(bytes).unwrap();
            let first_lines: Vec<&str> = text.lines().take(2).collect();
            if !is_script(&name(&path), text.as_bytes()) {
                continue;
            }
            scripts += 1;
            if side == "neg" && first_lines.get(1) != Some(&"# expect: none") {
                problems.push(format!(
                    "{}: a negative script starts with `# expect: none` after its shebang",
                    path.display()
                ));
            }
            let want = expectations(&path, &text);
            let got = found(&dir, &path, &text);
            annotated += want.values().map(Vec::len).sum::<usize>();
            for (key, w) in &want {
                if got.get(key) != Some(w) {
                    problems.push(format!(
                        "{}:{}: expected {w:?}, found {:?}",
                        key.0.display(),
                        key.1,
                        got.get(key)
                    ));
                }
            }
            for (key, g) in &got {
                if !want.contains_key(key) {
                    problems.push(format!(
                        "{}:{}: unexpected callsites {g:?}",
                        key.0.display(),
                        key.1
                    ));
                }
            }
        }
        assert!(scripts > 0, "{side}: no scripts");
        if side == "pos" {
            assert!(annotated >= 20, "pos has only {annotated} expectations");
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn scripts_are_found_by_name_and_shebang() {
    let pos = root().join("pos");
    let release = pos.join("scripts/release");
    let head = std::fs::read(&release).unwrap();
    assert!(is_script("release", &head));
    assert!(is_script(
        "go",
        &std::fs::read(pos.join("tool/go")).unwrap()
    ));
    // The python file would yield a callsite if it were read as shell: only
    // its shebang keeps it out.
    let report = root().join("neg/scripts/report");
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(!is_script("report", text.as_bytes()));
    assert_eq!(found(&root().join("neg"), &report, &text).len(), 1);
}
