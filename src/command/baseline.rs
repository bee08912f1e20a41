//! Baselines for legacy repositories: `check --write-baseline FILE` records
//! today's findings; `check --baseline FILE` reports only the findings that
//! are not in it, and the entries that no longer match anything.
//!
//! A finding's fingerprint is (file, rule, tool, normalised command text):
//! no line numbers, so unrelated edits that move lines keep it matching.
//! Identical fingerprints in one file are counted.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::lint::diagnostic::Diagnostic;

/// One recorded finding (with how many times it occurs).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Entry {
    pub file: String,
    pub rule: String,
    #[serde(default)]
    pub tool: String,
    pub command: String,
    #[serde(default = "one")]
    pub count: usize,
}

fn one() -> usize {
    1
}

#[derive(Debug, Serialize, Deserialize)]
struct File {
    version: u32,
    entries: Vec<Entry>,
}

type Key = (String, String, String, String);

fn key(d: &Diagnostic) -> Key {
    let text = d.file.text.get(d.span.clone()).unwrap_or("");
    let command = text
        .split_whitespace()
        .filter(|w| *w != "\\")
        .collect::<Vec<_>>()
        .join(" ");
    (
        d.file.display.clone(),
        d.rule.code.to_string(),
        d.tool.clone().unwrap_or_default(),
        command,
    )
}

/// Write the baseline of `diagnostics` to `path` (atomically).
pub fn write(path: &Path, diagnostics: &[Diagnostic]) -> Result<usize, Error> {
    let mut counts: BTreeMap<Key, usize> = BTreeMap::new();
    for d in diagnostics {
        *counts.entry(key(d)).or_default() += 1;
    }
    let entries: Vec<Entry> = counts
        .into_iter()
        .map(|((file, rule, tool, command), count)| Entry {
            file,
            rule,
            tool,
            command,
            count,
        })
        .collect();
    let n = entries.len();
    let mut text = serde_json::to_string_pretty(&File {
        version: 1,
        entries,
    })
    .expect("baseline serialises");
    text.push('\n');
    crate::lint::fix::apply::write_atomic(path, text.as_bytes())?;
    Ok(n)
}

/// Read a baseline file.
pub fn read(path: &Path) -> Result<Vec<Entry>, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let file: File = serde_json::from_str(&text).map_err(|e| Error::Input {
        path: path.to_path_buf(),
        message: format!("not a gorun-lint baseline: {e}"),
    })?;
    Ok(file.entries)
}

/// Drop the diagnostics the baseline covers; return the entries (with the
/// counts) that matched nothing.
pub fn filter(diagnostics: &mut Vec<Diagnostic>, entries: &[Entry]) -> Vec<Entry> {
    let mut left: BTreeMap<Key, usize> = BTreeMap::new();
    for e in entries {
        *left
            .entry((
                e.file.clone(),
                e.rule.clone(),
                e.tool.clone(),
                e.command.clone(),
            ))
            .or_default() += e.count;
    }
    diagnostics.retain(|d| match left.get_mut(&key(d)) {
        Some(n) if *n > 0 => {
            *n -= 1;
            false
        }
        _ => true,
    });
    left.into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|((file, rule, tool, command), count)| Entry {
            file,
            rule,
            tool,
            command,
            count,
        })
        .collect()
}
