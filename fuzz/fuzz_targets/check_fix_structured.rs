//! Makefile-like inputs built from the patterns real Makefiles use (rules,
//! recipes with `@-+` prefixes, continuations, conditionals, defines,
//! includes, env prefixes, `cd`, `go run` variants), then the same checks as
//! `check_fix_bytes`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|doc: gorun_lint_fuzz::structured::Doc| {
    gorun_lint_fuzz::check_and_fix(doc.render().as_bytes());
});
