//! Helpers shared by the integration tests (each test binary uses some).
#![allow(dead_code)]

use std::path::Path;

/// Copy a directory tree (fixtures into a temp dir, so tests never write
/// into the repository and paths do not depend on its `.git`).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// A Go module (`example.com/m`) at `dir` with a `package main` in each of
/// `mains` (directories relative to `dir`).
pub fn go_module(dir: &Path, mains: &[&str]) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("go.mod"), "module example.com/m\n\ngo 1.24\n").unwrap();
    for m in mains {
        std::fs::create_dir_all(dir.join(m)).unwrap();
        std::fs::write(
            dir.join(m).join("main.go"),
            "package main\n\nfunc main() {}\n",
        )
        .unwrap();
    }
}
