//! The two Makefile readers (issue 23): tree-sitter-make, the primary one,
//! and the logical-line reader that takes over where the grammar fails,
//! read every fixture Makefile to the same items, span for span. A file
//! may then be read by the line reader alone where that is enough, and a
//! region the line reader recovers reads as the rest of the file does.

use std::path::{Path, PathBuf};

use gorun_lint::syntax::parse::{tree::MakeParser, MakeDoc};

fn makefiles(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            makefiles(&p, out);
        } else if gorun_lint::syntax::sources::kind_of(&p, &p)
            == Some(gorun_lint::syntax::sources::Kind::Makefile)
        {
            out.push(p);
        }
    }
}

/// The items of a document, as comparable text: everything but where a
/// reader marked an item recovered.
fn items(doc: &MakeDoc, text: &str) -> Vec<String> {
    let t = |s: &std::ops::Range<usize>| format!("{s:?} {:?}", &text[s.clone()]);
    let mut out = Vec::new();
    for r in &doc.rules {
        out.push(format!(
            "rule {} {:?} {:?} {:?}",
            t(&r.header),
            r.targets,
            r.prerequisites,
            r.order_only
        ));
    }
    for l in &doc.recipe_lines {
        let rule = l.rule.map(|r| doc.rules[r].header.start);
        out.push(format!(
            "recipe {} of {rule:?} {}",
            t(&l.span),
            l.in_conditional
        ));
    }
    for a in &doc.assignments {
        out.push(format!(
            "assign {} {} {:?} {} {}",
            t(&a.span),
            a.name,
            a.op,
            t(&a.value),
            a.target_specific
        ));
    }
    for d in &doc.defines {
        out.push(format!("define {} {} {}", t(&d.span), d.name, t(&d.body)));
    }
    for i in &doc.includes {
        let files: Vec<&str> = i.files.iter().map(|(w, _)| w.as_str()).collect();
        out.push(format!("include {} {files:?} {}", t(&i.span), i.optional));
    }
    for s in &doc.toplevel {
        out.push(format!("toplevel {}", t(s)));
    }
    out.push(format!("oneshell {}", doc.oneshell));
    out
}

#[test]
fn both_readers_read_every_fixture_makefile_alike() {
    let mut files = Vec::new();
    makefiles(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
        &mut files,
    );
    files.sort();
    assert!(files.len() > 90, "{} Makefiles", files.len());
    let mut parser = MakeParser::new();
    let mut problems = Vec::new();
    for p in &files {
        let Ok(text) = std::fs::read_to_string(p) else {
            continue; // not UTF-8: the bad-input fixtures
        };
        let tree = items(&MakeDoc::parse(&text, &mut parser), &text);
        let lines = items(&MakeDoc::read_lines(&text, 0..text.len()), &text);
        let only = |a: &[String], b: &[String]| -> Vec<String> {
            a.iter().filter(|x| !b.contains(x)).cloned().collect()
        };
        let (t, l) = (only(&tree, &lines), only(&lines, &tree));
        if !t.is_empty() || !l.is_empty() {
            problems.push(format!(
                "{}:\n  tree only: {t:#?}\n  line reader only: {l:#?}",
                p.display()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
