//! Edits as data: a byte range of a file's original text and its
//! replacement, collected per file. Rules and the planner make them; one
//! routine ([`crate::lint::fix::apply`]) sorts, checks and applies them.
//! Also the one way a path is written as a word of a make rule line.

use std::path::PathBuf;

use crate::syntax::source::Span;

/// One text edit: replace `span` of the original text with `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub text: String,
}

impl Edit {
    pub fn insert(at: usize, text: impl Into<String>) -> Edit {
        Edit {
            span: at..at,
            text: text.into(),
        }
    }
}

/// The edits for one file (new files have an empty original).
#[derive(Debug, Clone, Default)]
pub struct FileEdits {
    pub path: PathBuf,
    pub display: String,
    pub original: String,
    pub created: bool,
    pub edits: Vec<Edit>,
}

/// `rel` as one word of a prerequisite list: blanks and `#` escaped with a
/// backslash and `$` doubled (GNU make reads `a\ b.txt` as one file).
/// `None` for a name make cannot take as a plain prerequisite (`:`, `;`,
/// `|`, `=`, `%`, glob characters, parentheses, backslashes, control
/// characters).
pub(crate) fn prerequisite_word(rel: &str) -> Option<String> {
    let mut out = String::with_capacity(rel.len());
    for c in rel.chars() {
        match c {
            ' ' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '$' => out.push_str("$$"),
            ':' | ';' | '|' | '=' | '%' | '*' | '?' | '[' | ']' | '(' | ')' | '\\' => return None,
            c if c.is_control() => return None,
            c => out.push(c),
        }
    }
    (!out.is_empty()).then_some(out)
}

/// A helper a recipe runs, as the word of a rule line that lists it
/// (`_gen/bin/e#` is `_gen/bin/e\#`); `None` when make cannot read it as one
/// word. Its name comes from make text, where a `$` is make's already, so
/// names with `$` are left alone.
pub(crate) fn helper_prerequisite(rel: &str) -> Option<String> {
    if rel.contains('$') {
        return None;
    }
    prerequisite_word(rel)
}

/// Whether a path reads literally in a make rule line and in `$(wildcard)`.
pub fn make_safe(path: &str) -> bool {
    path.chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '+' | '~' | '@' | '/'))
}
