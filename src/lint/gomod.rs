//! go.mod: the module path, requirements and `tool` directives, found by
//! walking up from a directory. Only what classification needs is read.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// A parsed go.mod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoMod {
    /// The directory holding go.mod.
    pub root: PathBuf,
    pub module: String,
    pub requires: Vec<String>,
    pub tools: Vec<String>,
}

impl GoMod {
    pub fn parse(root: PathBuf, text: &str) -> GoMod {
        let mut module = String::new();
        let mut requires = Vec::new();
        let mut tools = Vec::new();
        let mut block: Option<String> = None;
        for raw in text.lines() {
            let line = raw.split("//").next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            if let Some(kind) = &block {
                if line == ")" {
                    block = None;
                    continue;
                }
                let first = unquote(line.split_whitespace().next().unwrap_or(""));
                match kind.as_str() {
                    "require" => requires.push(first),
                    "tool" => tools.push(first),
                    _ => {}
                }
                continue;
            }
            let mut parts = line.split_whitespace();
            let kw = parts.next().unwrap_or("");
            let rest: Vec<&str> = parts.collect();
            if rest.first() == Some(&"(") {
                block = Some(kw.to_string());
                continue;
            }
            let first = rest.first().map(|s| unquote(s)).unwrap_or_default();
            match kw {
                "module" => module = first,
                "require" => requires.push(first),
                "tool" => tools.push(first),
                _ => {}
            }
        }
        GoMod {
            root,
            module,
            requires,
            tools,
        }
    }

    /// The directory of an import path inside this module.
    pub fn dir_of(&self, import: &str) -> Option<PathBuf> {
        if self.module.is_empty() {
            return None;
        }
        if import == self.module {
            return Some(self.root.clone());
        }
        let rest = import.strip_prefix(&self.module)?.strip_prefix('/')?;
        Some(self.root.join(rest))
    }

    /// The import path of a directory inside this module.
    pub fn import_path(&self, dir: &Path) -> Option<String> {
        let rel = dir.strip_prefix(&self.root).ok()?;
        let rel = rel.to_string_lossy().replace('\\', "/");
        Some(if rel.is_empty() {
            self.module.clone()
        } else {
            format!("{}/{rel}", self.module)
        })
    }

    /// The required module that provides `import`, if any.
    pub fn required_module(&self, import: &str) -> Option<&str> {
        self.requires
            .iter()
            .filter(|m| import == m.as_str() || import.starts_with(&format!("{m}/")))
            .max_by_key(|m| m.len())
            .map(String::as_str)
    }
}

fn unquote(s: &str) -> String {
    s.trim_matches('"').trim_matches('`').to_string()
}

/// Finds and caches go.mod files by directory. Keys are the paths' bytes
/// (hashing a `Path` parses its components); each go.mod is parsed once and
/// shared.
#[derive(Debug, Default)]
pub struct Modules {
    cache: Mutex<HashMap<std::ffi::OsString, Option<Arc<GoMod>>>>,
}

impl Modules {
    /// The go.mod governing `dir`: the nearest one walking up.
    pub fn find(&self, dir: &Path) -> Option<Arc<GoMod>> {
        let mut seen = Vec::new();
        let mut found = None;
        for d in dir.ancestors() {
            let cached = self
                .cache
                .lock()
                .expect("cache lock")
                .get(d.as_os_str())
                .cloned();
            if let Some(hit) = cached {
                found = hit;
                break;
            }
            seen.push(d);
            if let Ok(text) = std::fs::read_to_string(d.join("go.mod")) {
                found = Some(Arc::new(GoMod::parse(d.to_path_buf(), &text)));
                break;
            }
        }
        let mut cache = self.cache.lock().expect("cache lock");
        crate::lint::config::bound_dir_cache(&mut cache, |k, m| {
            m.as_ref().is_some_and(|m| m.root.as_os_str() == k)
        });
        for d in seen {
            cache.insert(d.as_os_str().to_owned(), found.clone());
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_module_requires_and_tools() {
        let m = GoMod::parse(
            "/r".into(),
            "module example.com/x // c\n\ngo 1.24\nrequire golang.org/x/tools v0.1.0\nrequire (\n\tgithub.com/a/b v1.0.0 // indirect\n)\ntool (\n\tgolang.org/x/tools/cmd/stringer\n)\ntool example.com/t\n",
        );
        assert_eq!(m.module, "example.com/x");
        assert_eq!(m.requires, ["golang.org/x/tools", "github.com/a/b"]);
        assert_eq!(
            m.tools,
            ["golang.org/x/tools/cmd/stringer", "example.com/t"]
        );
        assert_eq!(
            m.required_module("golang.org/x/tools/cmd/stringer"),
            Some("golang.org/x/tools")
        );
        assert_eq!(
            m.dir_of("example.com/x/cmd/y"),
            Some(PathBuf::from("/r/cmd/y"))
        );
        assert_eq!(m.dir_of("example.com/xy"), None);
    }
}
