//! The sources a helper binary is built from: the non-test `.go` files of
//! its package and, transitively, of every package of the same module it
//! imports, the files its `//go:embed` directives name, and go.mod/go.sum.
//! Read from import blocks and directives; nothing is executed.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::lint::gomod::GoMod;

/// What a helper target must depend on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sources {
    /// Package directories (absolute) whose non-test `.go` files matter.
    pub package_dirs: BTreeSet<PathBuf>,
    /// `//go:embed` patterns, absolute (may hold `*`), and whether each
    /// names a directory (whose files all matter).
    pub embeds: BTreeSet<(PathBuf, bool)>,
    /// For a file run: the files themselves (absolute).
    pub files: Vec<PathBuf>,
}

/// Collect the sources of a package directory (or of a file run's files).
pub fn collect(module: &GoMod, dir: &Path, files: Option<&[PathBuf]>) -> Sources {
    let mut out = Sources::default();
    let mut queue: Vec<(PathBuf, Option<Vec<PathBuf>>)> =
        vec![(dir.to_path_buf(), files.map(|f| f.to_vec()))];
    if let Some(f) = files {
        out.files = f.to_vec();
    }
    let mut seen = BTreeSet::new();
    while let Some((d, only)) = queue.pop() {
        if !seen.insert(d.clone()) && only.is_none() {
            continue;
        }
        let go_files: Vec<PathBuf> = match &only {
            Some(f) => f.clone(),
            None => {
                out.package_dirs.insert(d.clone());
                list_go_files(&d)
            }
        };
        for file in go_files {
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            let (imports, embeds) = scan_go_file(&text);
            for imp in imports {
                if let Some(pd) = module.dir_of(&imp) {
                    if !seen.contains(&pd) {
                        queue.push((pd, None));
                    }
                }
            }
            for e in embeds {
                let p = crate::lint::paths::normalize(&d.join(&e));
                let is_dir = p.is_dir();
                out.embeds.insert((p, is_dir));
            }
        }
    }
    out
}

/// Non-test `.go` files of a directory, sorted.
pub fn list_go_files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| {
                    let n = p
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    n.ends_with(".go") && !n.ends_with("_test.go") && p.is_file()
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Import paths and `//go:embed` patterns of one Go file.
pub fn scan_go_file(text: &str) -> (Vec<String>, Vec<String>) {
    let mut imports = Vec::new();
    let mut embeds = Vec::new();
    let mut in_block = false;
    for raw in text.lines() {
        let line = raw.trim();
        if let Some(rest) = line.strip_prefix("//go:embed") {
            embeds.extend(split_embed_patterns(rest));
            continue;
        }
        if in_block {
            if line.starts_with(')') {
                in_block = false;
                continue;
            }
            if let Some(p) = quoted(line) {
                imports.push(p);
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix("import") {
            let rest = rest.trim_start();
            if let Some(inner) = rest.strip_prefix('(') {
                in_block = true;
                if let Some(p) = quoted(inner) {
                    imports.push(p);
                }
            } else if let Some(p) = quoted(rest) {
                imports.push(p);
            }
        }
        // Stop at the first declaration after the imports.
        if line.starts_with("func ")
            || line.starts_with("type ")
            || line.starts_with("var ")
            || line.starts_with("const ")
        {
            // Embeds sit above `var` declarations: keep scanning for them only.
            continue;
        }
    }
    (imports, embeds)
}

/// The first `"..."` string of a line (after an optional import name).
fn quoted(line: &str) -> Option<String> {
    let s = line.find('"')?;
    let e = line[s + 1..].find('"')?;
    Some(line[s + 1..s + 1 + e].to_string())
}

/// Patterns of a `//go:embed` line: space-separated, quoted with `"` or `` ` ``.
fn split_embed_patterns(rest: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = rest.trim().chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut word = String::new();
        if c == '"' || c == '`' {
            chars.next();
            for ch in chars.by_ref() {
                if ch == c {
                    break;
                }
                word.push(ch);
            }
        } else {
            while let Some(&ch) = chars.peek() {
                if ch.is_whitespace() {
                    break;
                }
                word.push(ch);
                chars.next();
            }
        }
        let word = word.strip_prefix("all:").unwrap_or(&word).to_string();
        if !word.is_empty() {
            out.push(word);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_and_embeds() {
        let src = "package main\n\nimport \"fmt\"\nimport (\n\t\"os\"\n\tsh \"example.com/m/internal/shared\"\n)\n\n//go:embed tmpl/*.tmpl \"a b.txt\" all:static\nvar fs embed.FS\n";
        let (imports, embeds) = scan_go_file(src);
        assert_eq!(imports, ["fmt", "os", "example.com/m/internal/shared"]);
        assert_eq!(embeds, ["tmpl/*.tmpl", "a b.txt", "static"]);
    }
}
