//! For unit tests: a throwaway Go module on disk.

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
