//! The new sources (issue 7) on arbitrary and script-like text: reading a
//! script, a `.go` file's directives or a workflow never panics, and every
//! callsite's spans lie inside the text on character boundaries, in order.

use gorun_lint::syntax::callsite::Callsite;
use gorun_lint::syntax::sources::{generate, script, workflow};
use gorun_lint::syntax::vars::VarEnv;
use proptest::prelude::*;

fn spans_ok(text: &str, calls: &[Callsite]) -> Result<(), TestCaseError> {
    for c in calls {
        for span in [&c.span, &c.line_span, &c.go.span, &c.prefix] {
            prop_assert!(
                span.start <= span.end && span.end <= text.len(),
                "{span:?} in {}",
                text.len()
            );
            prop_assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
        }
        for w in c.target.words().iter().chain(&c.args).chain(&c.env) {
            prop_assert!(w.span.end <= text.len() && text.is_char_boundary(w.span.start));
        }
    }
    Ok(())
}

/// Lines built from the spellings scripts use, joined at random.
fn script_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("go run ./cmd/x".to_string()),
        Just("$go run \"$SCRIPT_DIR\"/main.go".to_string()),
        Just("go=\"./tool/go\"".to_string()),
        Just("SCRIPT_DIR=$(cd \"$(dirname \"$0\")\" && pwd)".to_string()),
        Just("${GO:-go} run ./x -v".to_string()),
        Just("eval `GOOS=$($go env GOHOSTOS) $go run ./cmd/mk`".to_string()),
        Just("x=$(go run ./a <<< \"$dep\")".to_string()),
        Just("cat <<EOF\ngo run ./not\nEOF".to_string()),
        Just("pushd ./tools/x && go run main.go; popd".to_string()),
        Just("if ! go run \"${T}\" -a; then exit 1; fi".to_string()),
        Just("go tool -modfile=tools.mod stringer".to_string()),
        Just("addlicense -file x.go go run ./cmd/x -y".to_string()),
        Just("go run ./tools/addlicense -file -- addlicense sh -c 'go run ./z'".to_string()),
        Just("parallel -j 2 'go run ./x {}' ::: a b".to_string()),
        Just("docker run img bash -lc \"go run ./c\"".to_string()),
        Just("find . -exec addlicense -file {} go run ./f {} \\;".to_string()),
        Just("'\"\\`$(".to_string()),
        "[ -~\\t\\\\é]{0,20}".prop_map(|s| s),
    ];
    proptest::collection::vec(piece, 0..12).prop_map(|v| v.join("\n"))
}

/// 512 cases per property; `PROPTEST_CASES` for a longer run.
fn config() -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(512),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn scripts_never_panic(text in prop_oneof![script_like(), any::<String>()]) {
        let go = ["go".to_string()];
        let wrappers = [gorun_lint::syntax::vars::ExecWrapper {
            name: "addlicense".into(),
            skip_flags: vec!["-file".into()],
        }];
        let ctx = script::ScriptContext {
            script_dir: "scripts".into(),
            repo_root: String::new(),
            caller_dir: String::new(),
            go_commands: &go,
            exec_wrappers: &wrappers,
        };
        let calls: Vec<Callsite> = script::callsites(&text, &ctx).into_iter().map(|c| c.callsite).collect();
        spans_ok(&text, &calls)?;
    }

    #[test]
    fn directives_never_panic(body in prop_oneof![script_like(), any::<String>()]) {
        let text = format!(
            "package x\n\n{}\n",
            body.lines().map(|l| format!("//go:generate {l}")).collect::<Vec<_>>().join("\n")
        );
        let wrappers = [gorun_lint::syntax::vars::ExecWrapper {
            name: "addlicense".into(),
            skip_flags: vec!["-file".into()],
        }];
        let vars = VarEnv::default().with_exec_wrappers(&wrappers);
        let calls = generate::callsites(&text, "x.go", &vars);
        spans_ok(&text, &calls)?;
    }

    #[test]
    fn workflows_never_panic(body in prop_oneof![script_like(), any::<String>()]) {
        let block: String = body.lines().map(|l| format!("          {l}\n")).collect();
        for text in [
            format!("jobs:\n  a:\n    steps:\n      - run: |\n{block}"),
            body.clone(),
        ] {
            if let Ok(steps) = workflow::run_steps(&text) {
                let masked = workflow::masked(&text, &steps);
                prop_assert_eq!(masked.len(), text.len());
                for s in &steps {
                    for l in &s.lines {
                        prop_assert!(l.end <= text.len() && text.is_char_boundary(l.start) && text.is_char_boundary(l.end));
                    }
                }
            }
        }
    }
}
