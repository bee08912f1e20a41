//! Arbitrary bytes as a Makefile in a small Go repository: `check` and the
//! fix planning must not panic, and every fix must keep its promises
//! (see `gorun_lint_fuzz::check_and_fix`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    gorun_lint_fuzz::check_and_fix(data);
});
