//! Every `# expect: <class> <tool>` annotation in `fixtures/check` and
//! `fixtures/sources` (`// expect:` in Go files) must match a callsite found
//! on the logical line after it, and every callsite found must be annotated;
//! negative twins (`# expect: none`) must have none. In `fixtures/sources`,
//! `go tool X` callsites are expected as `tool X`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gorun_lint::lint::analysis::{Options, Site};
use gorun_lint::lint::classify::Class;
use gorun_lint::syntax::callsite::Origin;
use gorun_lint::syntax::parse::lines::logical_line_start;

fn class_of(site: &Site) -> &'static str {
    if matches!(site.callsite.origin, Origin::ReadTime { .. }) || site.deferred_read_time {
        return "read-time";
    }
    match &site.class.class {
        Class::Local { .. } => "local",
        Class::Remote { .. } => "remote",
        Class::Dependency { .. } => "dependency",
        Class::Pattern => "pattern",
        Class::Dynamic { .. } => "dynamic",
    }
}

/// (file, first line of the logical line) -> expected "class tool" in order.
fn expectations(root: &Path) -> BTreeMap<(PathBuf, usize), Vec<String>> {
    let mut out = BTreeMap::new();
    for entry in walk(root) {
        let Ok(text) = std::fs::read(&entry) else {
            continue;
        };
        let text = String::from_utf8_lossy(&text);
        let mut pending: Vec<String> = Vec::new();
        let lines: Vec<&str> = text.split('\n').collect();
        let mut i = 0;
        while i < lines.len() {
            let l = lines[i].trim_end_matches('\r').trim_start();
            if let Some(rest) = l
                .strip_prefix("# expect:")
                .or_else(|| l.strip_prefix("// expect:"))
            {
                let rest = rest.trim();
                if rest != "none" {
                    pending.push(rest.split_whitespace().collect::<Vec<_>>().join(" "));
                }
            } else if !pending.is_empty()
                && !l.starts_with("# gorun-lint:")
                && !l.starts_with("// gorun-lint:")
                && !l.is_empty()
            {
                out.insert((entry.clone(), i + 1), std::mem::take(&mut pending));
            }
            i += 1;
        }
    }
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                if gorun_lint::syntax::sources::kind_of(&p, &p).is_some() {
                    out.push(p);
                }
            }
        }
    }
    out.sort();
    out
}

fn check_group(group: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(group);
    let tools = group.starts_with("sources/");
    let cwd = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut problems = Vec::new();
    for side in ["pos", "neg"] {
        let dir = root.join(side);
        let expected = expectations(&dir);
        let analysis = gorun_lint::lint::driver::run(
            &Options {
                paths: vec![dir.clone()],
                ..Default::default()
            },
            cwd,
        )
        .unwrap();
        let mut found: BTreeMap<(PathBuf, usize), Vec<String>> = BTreeMap::new();
        // Only bad-input has a file that is refused (binary).
        assert!(
            analysis.errors.is_empty() || group.ends_with("bad-input"),
            "{group}/{side}: {:?}",
            analysis.errors
        );
        for f in analysis.files.iter().filter(|f| !f.context_only) {
            if tools {
                for t in &f.tools {
                    let start = if f.kind == gorun_lint::syntax::sources::Kind::Generate {
                        t.line_span.start
                    } else {
                        logical_line_start(&f.file.text, t.span.start)
                    };
                    let line = f.file.line_col(start).0;
                    found
                        .entry((f.file.path.clone(), line))
                        .or_default()
                        .push(format!("tool {}", t.target.text()));
                }
            }
            for s in &f.sites {
                // `go tool X` of a go.mod `tool` directive is a site (GR015
                // may fix it); expected as the other tools are.
                let is_tool = s.callsite.verb == gorun_lint::syntax::callsite::Verb::Tool;
                if is_tool && !tools {
                    continue;
                }
                // A directive using a `-command` alias: its span is on the
                // alias line, the directive is the line that runs it.
                let start = if f.kind == gorun_lint::syntax::sources::Kind::Generate {
                    s.callsite.line_span.start
                } else {
                    logical_line_start(&f.file.text, s.callsite.span.start)
                };
                let line = f.file.line_col(start).0;
                let tool = match &s.class.class {
                    Class::Dynamic { .. } => s.callsite.target.text(),
                    _ => s.class.tool.clone().unwrap_or_default(),
                };
                let class = if is_tool { "tool" } else { class_of(s) };
                found
                    .entry((f.file.path.clone(), line))
                    .or_default()
                    .push(format!("{class} {tool}"));
            }
        }
        for (key, want) in &expected {
            match found.get(key) {
                Some(got) if got == want => {}
                got => problems.push(format!(
                    "{}:{}: expected {want:?}, found {got:?}",
                    key.0.display(),
                    key.1
                )),
            }
        }
        for (key, got) in &found {
            if !expected.contains_key(key) {
                problems.push(format!(
                    "{}:{}: unexpected callsites {got:?}",
                    key.0.display(),
                    key.1
                ));
            }
        }
        if side == "pos" {
            assert!(!expected.is_empty(), "{group}/pos has no expectations");
        }
    }
    assert!(problems.is_empty(), "{group}:\n{}", problems.join("\n"));
}

macro_rules! groups {
    ($($name:ident => $dir:literal),* $(,)?) => {
        $(#[test] fn $name() { check_group($dir); })*
    };
}

groups! {
    basic => "check/basic",
    shell_syntax => "check/shell-syntax",
    env_vars => "check/env-vars",
    handed => "check/handed",
    which_go => "check/which-go",
    arguments => "check/arguments",
    classes => "check/classes",
    read_time => "check/read-time",
    grammar_errors => "check/grammar-errors",
    structure => "check/structure",
    allowlist => "check/allowlist",
    bad_input => "check/bad-input",
    include_globs => "check/include-globs",
    generate => "sources/generate",
    gocode => "sources/gocode",
    workflows => "sources/workflows",
    scripts => "sources/scripts",
    procfiles => "sources/procfiles",
    exec_wrappers => "sources/exec-wrappers",
}
