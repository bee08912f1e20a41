//! Faults while `fix` writes: a read-only Makefile or directory, a file
//! changed between read and write, a full disk, a failing rename, two runs
//! at once, an interrupt. Each ends with a clear error naming the file and
//! the original bytes intact (or, for concurrent runs and interrupts, with
//! either the original or the complete fixed file, never a torn one).
//!
//! Tests and CI run as root, where permission bits do not stop a write, so
//! each fault is made real another way: the write routine's test hook
//! (`GORUN_LINT_FAULT`, see `src/lint/fix/apply.rs`), a read-only bind mount or a
//! tiny tmpfs where this machine lets the test mount one (skipped with a
//! note where it does not), or a path whose parent is a regular file.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

mod common;

const MAKEFILE: &str = "GO ?= go\n\n.PHONY: gen\ngen:\n\t@echo generating\n\t$(GO) run ./scripts/gen -o out.txt\n\nlint:\n\tgo vet ./...\n";

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("gorun-lint")
}

/// A small Go repository whose Makefile has one fixable callsite; `fix`
/// rewrites the Makefile and creates `.gitignore`.
fn repo_in(dir: &Path) {
    common::go_module(dir, &["scripts/gen"]);
    std::fs::write(dir.join("Makefile"), MAKEFILE).unwrap();
}

fn repo() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    repo_in(d.path());
    d
}

fn fix(dir: &Path, fault: Option<&str>) -> Output {
    let mut c = Command::new(bin());
    c.arg("fix").current_dir(dir).env_remove("GORUN_LINT_FAULT");
    if let Some(f) = fault {
        c.env("GORUN_LINT_FAULT", f);
    }
    c.output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// What one undisturbed `fix` writes: (Makefile, .gitignore).
fn reference() -> (String, String) {
    let d = repo();
    let o = fix(d.path(), None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mk = std::fs::read_to_string(d.path().join("Makefile")).unwrap();
    assert_ne!(mk, MAKEFILE);
    let gi = std::fs::read_to_string(d.path().join(".gitignore")).unwrap();
    (mk, gi)
}

/// Temp files the write stage left behind.
fn temps(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".gorun-lint-") && n.ends_with(".tmp"))
        .collect()
}

/// The refusal left everything as it was: the Makefile's bytes, no
/// `.gitignore`, no temp file.
fn assert_untouched(dir: &Path) {
    assert_eq!(
        std::fs::read_to_string(dir.join("Makefile")).unwrap(),
        MAKEFILE
    );
    assert!(
        !dir.join(".gitignore").exists(),
        ".gitignore was written although the Makefile was not"
    );
    assert_eq!(temps(dir), Vec::<String>::new());
}

fn assert_refused(o: &Output, file: &str, words: &str) {
    let e = stderr(o);
    assert_eq!(o.status.code(), Some(2), "stderr:\n{e}");
    assert!(e.contains(file), "the error does not name {file}:\n{e}");
    assert!(e.contains(words), "the error does not say `{words}`:\n{e}");
}

#[test]
fn read_only_makefile_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let d = repo();
    let mk = d.path().join("Makefile");
    std::fs::set_permissions(&mk, std::fs::Permissions::from_mode(0o444)).unwrap();
    let o = fix(d.path(), None);
    assert_refused(&o, "Makefile", "is read-only; nothing was written");
    assert_untouched(d.path());
    assert_eq!(
        std::fs::metadata(&mk).unwrap().permissions().mode() & 0o777,
        0o444
    );
}

#[test]
fn directory_where_no_temp_file_can_be_created() {
    let d = repo();
    let o = fix(d.path(), Some("create-fail"));
    assert_refused(&o, "Makefile", "cannot create a temp file");
    assert!(stderr(&o).contains("nothing was written"));
    assert_untouched(d.path());
}

/// Mount helpers: the real faults, where this machine allows mounting.
struct Mount(PathBuf);

impl Mount {
    fn run(args: &[&str]) -> bool {
        Command::new("mount")
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    /// A read-only bind mount of `src` at `dst`.
    fn read_only(src: &Path, dst: &Path) -> Option<Mount> {
        let (s, t) = (src.to_str()?, dst.to_str()?);
        if !Mount::run(&["--bind", s, t]) {
            return None;
        }
        let m = Mount(dst.to_path_buf());
        Mount::run(&["-o", "remount,bind,ro", t]).then_some(m)
    }

    fn tmpfs(dst: &Path, size: &str) -> Option<Mount> {
        let opts = format!("size={size}");
        Mount::run(&["-t", "tmpfs", "-o", &opts, "tmpfs", dst.to_str()?])
            .then(|| Mount(dst.to_path_buf()))
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn read_only_file_system() {
    let src = repo();
    let dst = tempfile::tempdir().unwrap();
    let Some(_m) = Mount::read_only(src.path(), dst.path()) else {
        eprintln!("note: cannot make a read-only bind mount here; covered by the create-fail hook");
        return;
    };
    let o = fix(dst.path(), None);
    assert_refused(&o, "Makefile", "nothing was written");
    assert!(
        stderr(&o).to_lowercase().contains("read-only"),
        "{}",
        stderr(&o)
    );
    assert_untouched(src.path());
}

#[test]
fn disk_full_mid_write_leaves_the_original() {
    // In the Makefile's temp file, and in the second file after the first
    // temp file was written in full.
    let (mk, _) = reference();
    for after in [0, 10, mk.len() + 5] {
        let d = repo();
        let o = fix(d.path(), Some(&format!("write-fail-after:{after}")));
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{e}");
        assert!(e.contains("No space left on device"), "{e}");
        assert!(e.contains("nothing was written"), "{e}");
        assert!(e.contains("Makefile") || e.contains(".gitignore"), "{e}");
        assert_untouched(d.path());
    }
}

#[test]
fn disk_full_on_a_tiny_file_system() {
    let mnt = tempfile::tempdir().unwrap();
    let Some(_m) = Mount::tmpfs(mnt.path(), "64k") else {
        eprintln!("note: cannot mount a tmpfs here; covered by the write-fail-after hook");
        return;
    };
    let d = mnt.path();
    repo_in(d);
    // Fill the file system to the last byte.
    let mut filler = std::fs::File::create(d.join("filler")).unwrap();
    let chunk = vec![b'x'; 4096];
    while std::io::Write::write_all(&mut filler, &chunk).is_ok() {}
    while std::io::Write::write_all(&mut filler, b"x").is_ok() {}
    drop(filler);
    let o = fix(d, None);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(e.contains("No space left on device"), "{e}");
    assert!(e.contains("nothing was written"), "{e}");
    assert_untouched(d);
}

#[test]
fn a_failed_rename_puts_back_the_files_already_replaced() {
    // The first file is renamed into place, the second rename fails: the
    // first is restored.
    let d = repo();
    let o = fix(d.path(), Some("rename-fail:1"));
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(e.contains("cannot replace the file"), "{e}");
    assert!(e.contains("already written was restored"), "{e}");
    assert_untouched(d.path());
}

/// Wait until `fix` has written its temp files (it pauses there).
fn wait_for_temps(child: &mut Child, dir: &Path) {
    let start = Instant::now();
    while temps(dir).is_empty() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "fix ended before writing"
        );
        assert!(start.elapsed() < Duration::from_secs(60), "no temp file");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn spawn_fix(dir: &Path, fault: Option<&str>) -> Child {
    let mut c = Command::new(bin());
    c.arg("fix")
        .current_dir(dir)
        .env_remove("GORUN_LINT_FAULT")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(f) = fault {
        c.env("GORUN_LINT_FAULT", f);
    }
    c.spawn().unwrap()
}

#[test]
fn a_file_changed_between_read_and_write_is_refused() {
    let d = repo();
    let mut child = spawn_fix(d.path(), Some("pause:1500"));
    wait_for_temps(&mut child, d.path());
    let edited = format!("{MAKEFILE}# edited by someone else\n");
    std::fs::write(d.path().join("Makefile"), &edited).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_refused(&o, "Makefile", "changed on disk since it was read");
    assert_eq!(
        std::fs::read_to_string(d.path().join("Makefile")).unwrap(),
        edited
    );
    assert!(!d.path().join(".gitignore").exists());
    assert_eq!(temps(d.path()), Vec::<String>::new());
}

#[test]
fn a_directory_replaced_by_a_file_is_a_clear_error() {
    // A path whose parent is a regular file.
    let d = tempfile::tempdir().unwrap();
    let file = d.path().join("not-a-dir");
    std::fs::write(&file, "x").unwrap();
    let err =
        gorun_lint::lint::fix::apply::write_atomic(&file.join("Makefile"), b"all:\n").unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("not-a-dir/Makefile"), "{msg}");
    assert!(msg.to_lowercase().contains("not a directory"), "{msg}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
}

#[test]
fn concurrent_fix_runs_equal_one_fix() {
    let (mk, gi) = reference();
    for round in 0..4 {
        let d = repo();
        let children: Vec<Child> = (0..4).map(|_| spawn_fix(d.path(), None)).collect();
        let mut ok = 0;
        for c in children {
            let o = c.wait_with_output().unwrap();
            let e = stderr(&o);
            match o.status.code() {
                Some(0) => ok += 1,
                // Read before another run wrote: refused, nothing written.
                Some(2) => assert!(
                    e.contains("changed on disk since it was read")
                        || e.contains("was created by someone else"),
                    "round {round}: {e}"
                ),
                other => panic!("round {round}: exit {other:?}: {e}"),
            }
        }
        assert!(ok >= 1, "round {round}: no run succeeded");
        assert_eq!(
            std::fs::read_to_string(d.path().join("Makefile")).unwrap(),
            mk,
            "round {round}"
        );
        assert_eq!(
            std::fs::read_to_string(d.path().join(".gitignore")).unwrap(),
            gi,
            "round {round}"
        );
        assert_eq!(temps(d.path()), Vec::<String>::new());
    }
}

fn interrupt(child: &Child) {
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
}

#[test]
fn sigint_while_writing_leaves_the_original_and_the_next_run_cleans_up() {
    let (mk, gi) = reference();
    let d = repo();
    let mut child = spawn_fix(d.path(), Some("pause:5000"));
    wait_for_temps(&mut child, d.path());
    interrupt(&child);
    let o = child.wait_with_output().unwrap();
    assert!(!o.status.success());
    assert_eq!(
        std::fs::read_to_string(d.path().join("Makefile")).unwrap(),
        MAKEFILE
    );
    assert!(!d.path().join(".gitignore").exists());
    // The interrupted run's temp files are stale; the next run removes them.
    assert!(!temps(d.path()).is_empty());
    let o = fix(d.path(), None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(d.path().join("Makefile")).unwrap(),
        mk
    );
    assert_eq!(
        std::fs::read_to_string(d.path().join(".gitignore")).unwrap(),
        gi
    );
    assert_eq!(temps(d.path()), Vec::<String>::new());
}

#[test]
fn sigint_at_any_moment_never_tears_a_file() {
    let (mk, gi) = reference();
    for i in 0..24u64 {
        let d = repo();
        let child = spawn_fix(d.path(), None);
        // Spread the interrupts over the run (a debug build takes some tens
        // of milliseconds).
        std::thread::sleep(Duration::from_micros(i * 2500));
        interrupt(&child);
        let _ = child.wait_with_output().unwrap();
        let now = std::fs::read_to_string(d.path().join("Makefile")).unwrap();
        assert!(now == MAKEFILE || now == mk, "torn Makefile:\n{now}");
        if let Ok(g) = std::fs::read_to_string(d.path().join(".gitignore")) {
            assert_eq!(g, gi, "torn .gitignore");
        }
    }
}

#[test]
fn a_symlinked_makefile_is_written_through_the_link() {
    use std::os::unix::fs::PermissionsExt;
    let (mk, _) = reference();
    let d = repo();
    let real = d.path().join("build.mk.real");
    std::fs::rename(d.path().join("Makefile"), &real).unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
    std::os::unix::fs::symlink("build.mk.real", d.path().join("Makefile")).unwrap();
    let o = fix(d.path(), None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let link = std::fs::symlink_metadata(d.path().join("Makefile")).unwrap();
    assert!(link.file_type().is_symlink(), "the symlink was replaced");
    assert_eq!(std::fs::read_to_string(&real).unwrap(), mk);
    assert_eq!(
        std::fs::metadata(&real).unwrap().permissions().mode() & 0o777,
        0o640,
        "permissions kept"
    );
}

#[test]
fn a_hard_linked_makefile_is_refused() {
    // Renaming the new text into place would split the names: the other
    // hard link would keep the old Makefile.
    let d = repo();
    let other = d.path().join("Makefile.orig");
    std::fs::hard_link(d.path().join("Makefile"), &other).unwrap();
    let o = fix(d.path(), None);
    assert_refused(&o, "Makefile", "has 2 hard links");
    assert_untouched(d.path());
    assert_eq!(std::fs::read_to_string(&other).unwrap(), MAKEFILE);
}

#[test]
fn a_gitignore_that_is_not_utf8_is_refused_with_a_clear_error() {
    let d = repo();
    std::fs::write(d.path().join(".gitignore"), b"/bin\n\xff\xfe\n").unwrap();
    let o = fix(d.path(), None);
    assert_refused(&o, ".gitignore", "not valid UTF-8");
    assert_eq!(
        std::fs::read_to_string(d.path().join("Makefile")).unwrap(),
        MAKEFILE
    );
    assert_eq!(
        std::fs::read(d.path().join(".gitignore")).unwrap(),
        b"/bin\n\xff\xfe\n"
    );
}

#[test]
fn two_names_of_one_file_are_written_once_or_refused() {
    // `GNUmakefile -> Makefile`: both names are checked; a fix must never
    // write the file twice from the same original (the second rename would
    // drop the first's edits) nor half of it.
    let (mk, _) = reference();
    let d = repo();
    std::os::unix::fs::symlink("Makefile", d.path().join("GNUmakefile")).unwrap();
    let o = fix(d.path(), None);
    let now = std::fs::read_to_string(d.path().join("Makefile")).unwrap();
    match o.status.code() {
        Some(0) => assert_eq!(now, mk),
        Some(2) => {
            assert_refused(&o, "Makefile", "is the same file as");
            assert_untouched(d.path());
        }
        other => panic!("exit {other:?}: {}", stderr(&o)),
    }
    assert!(std::fs::symlink_metadata(d.path().join("GNUmakefile"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(temps(d.path()), Vec::<String>::new());
}
