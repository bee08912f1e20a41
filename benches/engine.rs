//! In-process benchmarks (divan). Placeholder body replaced by the bench harness work.
fn main() {
    divan::main();
}

#[divan::bench]
fn parse_demo_makefile() -> usize {
    let src = include_str!("../fixtures/demo/Makefile");
    let mut parser = gorun_lint::parse::tree::MakeParser::new();
    gorun_lint::parse::MakeDoc::parse(divan::black_box(src), &mut parser).recipe_lines.len()
}
