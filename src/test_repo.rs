//! For unit tests: a throwaway Go module on disk, and the fixture Makefiles.

/// A temp directory holding `go.mod` (module `example.com/t`), a `package
/// main` in `main_dir`, and `makefile` as its Makefile.
pub fn go_module(main_dir: &str, makefile: &str) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(d.path().join(main_dir)).unwrap();
    std::fs::write(d.path().join("go.mod"), "module example.com/t\n\ngo 1.24\n").unwrap();
    std::fs::write(
        d.path().join(main_dir).join("main.go"),
        "package main\n\nfunc main() {}\n",
    )
    .unwrap();
    std::fs::write(d.path().join("Makefile"), makefile).unwrap();
    d
}

/// Every Makefile under `fixtures/` (by name, as the walk picks them), with
/// its text (invalid UTF-8 replaced).
pub fn fixture_makefiles() -> Vec<(std::path::PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if crate::syntax::sources::is_makefile_name(
                &p.file_name().unwrap().to_string_lossy(),
            ) {
                let text = String::from_utf8_lossy(&std::fs::read(&p).unwrap()).into_owned();
                out.push((p, text));
            }
        }
    }
    out
}

/// The analysis of everything under `dir`, run from `dir`.
pub fn analyse(dir: &std::path::Path) -> crate::lint::analysis::Analysis {
    let opts = crate::lint::analysis::Options {
        paths: vec![dir.to_path_buf()],
        ..Default::default()
    };
    crate::lint::driver::run(&opts, dir).unwrap()
}
