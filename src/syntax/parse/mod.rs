//! Parse: the structure of one Makefile, as GNU make would read it.
//!
//! Two readers produce the same [`MakeDoc`] items:
//! - [`tree`]: tree-sitter-make (queries in `queries/structure.scm`), the
//!   primary parser;
//! - [`lines`]: a logical-line reader that follows GNU make's own reading
//!   rules (lines joined at `\`-newline, a recipe-prefix line after a rule line
//!   belongs to that rule, conditionals and `define` bodies as make reads them).
//!
//! tree-sitter-make reads the file with its opaque text masked (recipe shell
//! text and assignment values, which make does not parse while reading a
//! file; `opaque_text_masked`): it parses 10-25% faster so, and shell text
//! no longer throws it off. It still leaves ERROR regions where the
//! structure itself is beyond it (`.RECIPEPREFIX`, quoted parentheses in a
//! top-level `$(foreach)`; unmasked, version 1.1.1 did so in about half of
//! the large projects' Makefiles), and a callsite in such a region must not
//! be lost. Where the tree has an ERROR (or MISSING) node, the region is
//! widened to whole logical lines and everything in it comes from the line
//! reader instead; the items are marked `recovered`. We chose the line
//! reader over `makefile-lossless` as the fallback: on the fixtures under
//! `fixtures/check/grammar-errors` it recovers every callsite with its rule,
//! it needs no second syntax tree, and it shares the rule-header parser with
//! the tree-sitter path, so both readers agree on what a rule line means.

pub mod lines;
pub mod tree;

use crate::syntax::source::Span;

/// Files larger than this are read by the line reader alone: tree-sitter
/// needs about 30 bytes of memory per byte of Makefile and most of the time
/// (a 50 MB generated Makefile: 1.5 GB and 25 s), the line reader a fraction
/// of both. No hand-written Makefile comes near this size.
pub const TREE_SITTER_MAX_BYTES: usize = 8 * 1024 * 1024;

/// Assignment operators, as GNU make spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignOp {
    /// `=`: expanded each time the variable is used.
    Recursive,
    /// `:=`, `::=`, `:::=`: expanded when the line is read.
    Simple,
    /// `?=`
    Conditional,
    /// `+=`
    Append,
    /// `!=`: the value is a shell command run when the line is read.
    Shell,
}

impl AssignOp {
    pub fn parse(op: &str) -> Option<AssignOp> {
        Some(match op {
            "=" => AssignOp::Recursive,
            ":=" | "::=" | ":::=" => AssignOp::Simple,
            "?=" => AssignOp::Conditional,
            "+=" => AssignOp::Append,
            "!=" => AssignOp::Shell,
            _ => return None,
        })
    }

    /// Whether the value is expanded when the Makefile is read.
    pub fn is_immediate(self) -> bool {
        matches!(self, AssignOp::Simple | AssignOp::Shell)
    }
}

/// A rule line and what follows its colon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The rule line itself (one logical line, without its recipe).
    pub header: Span,
    /// The target words as written.
    pub targets: Vec<String>,
    /// Where the prerequisite list ends (before an inline `;` recipe, a comment
    /// or the end of the line): new prerequisites are inserted here.
    pub prereq_end: usize,
    /// The normal prerequisite words as written.
    pub prerequisites: Vec<String>,
    /// The order-only prerequisite words (after `|`), if there is a `|`.
    pub order_only: Option<Vec<String>>,
    /// Came from the line reader inside a region the grammar could not parse.
    pub recovered: bool,
}

/// One recipe line, continuation lines included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipeLine {
    /// From after the recipe prefix to the end of the logical line.
    pub span: Span,
    /// Header start of the owning rule (resolved to an index by [`MakeDoc`]).
    pub rule_header: Option<usize>,
    /// Index into [`MakeDoc::rules`].
    pub rule: Option<usize>,
    pub in_conditional: bool,
    pub recovered: bool,
}

/// A variable definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub name: String,
    pub op: AssignOp,
    pub value: Span,
    /// `target: NAME := value`.
    pub target_specific: bool,
    pub span: Span,
    pub recovered: bool,
}

/// `define NAME ... endef`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Define {
    pub name: String,
    pub op: AssignOp,
    pub body: Span,
    pub span: Span,
    pub recovered: bool,
}

/// `include`, `-include` or `sinclude`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Include {
    pub files: Vec<(String, Span)>,
    pub optional: bool,
    pub span: Span,
    pub recovered: bool,
}

/// Everything gorun-lint reads from one Makefile.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MakeDoc {
    pub rules: Vec<Rule>,
    pub recipe_lines: Vec<RecipeLine>,
    pub assignments: Vec<Assignment>,
    pub defines: Vec<Define>,
    pub includes: Vec<Include>,
    /// Make text expanded when the file is read (top-level function calls).
    pub toplevel: Vec<Span>,
    /// Regions (whole lines) where the grammar failed and the line reader was used.
    pub error_regions: Vec<Span>,
    /// `.ONESHELL:` appears: all lines of a recipe run in one shell.
    pub oneshell: bool,
}

/// The items one reader found, before merging.
#[derive(Debug, Default)]
pub(crate) struct Items {
    pub rules: Vec<Rule>,
    pub recipe_lines: Vec<RecipeLine>,
    pub assignments: Vec<Assignment>,
    pub defines: Vec<Define>,
    pub includes: Vec<Include>,
    pub toplevel: Vec<Span>,
}

impl MakeDoc {
    /// Parse `src` with tree-sitter-make, falling back to the line reader in
    /// regions the grammar could not parse.
    pub fn parse(src: &str, parser: &mut tree::MakeParser) -> MakeDoc {
        if src.len() > TREE_SITTER_MAX_BYTES {
            return MakeDoc::read_lines(src, 0..src.len());
        }
        let reader = lines::read(src, 0..src.len());
        let masked = opaque_text_masked(src, &reader);
        let mut parsed = parser.parse(src, &masked);
        parsed
            .errors
            .extend(recipe_lines_lost(&reader, &parsed.items));
        let regions = cover_dropped_items(src, &parsed.items, widen_to_lines(src, &parsed.errors));
        if regions.is_empty() {
            return MakeDoc::assemble(src, parsed.items, Vec::new());
        }
        let all = reader;
        let overlaps = |s: &Span| {
            let end = s.end.max(s.start + 1);
            regions.iter().any(|r| s.start < r.end && r.start < end)
        };
        let mut items = parsed.items;
        retain_outside(&mut items, &overlaps);
        // A recipe line the tree gave to a rule whose header, or part of
        // whose recipe, lies in a region: the grammar may have given it to
        // the wrong rule (seen: `gen: |` followed by `gen:`, and a rule line
        // swallowed by the recipe line above it). The line reader decides.
        let reader_owner: std::collections::HashMap<usize, Option<usize>> = all
            .recipe_lines
            .iter()
            .map(|l| (l.span.start, l.rule_header))
            .collect();
        for l in &mut items.recipe_lines {
            let Some(h) = l.rule_header else { continue };
            if regions.iter().any(|r| r.start < l.span.start && r.end > h) {
                if let Some(owner) = reader_owner.get(&l.span.start) {
                    l.rule_header = *owner;
                }
            }
        }
        // Rules whose header lies outside the regions but whose recipe runs
        // into one: the line reader knows them too; keep the tree's copy, or
        // the reader's when the tree lost it.
        let owners: Vec<usize> = all
            .recipe_lines
            .iter()
            .filter(|l| overlaps(&l.span))
            .filter_map(|l| l.rule_header)
            .collect();
        let mut extra = Items {
            rules: all
                .rules
                .into_iter()
                .filter(|r| overlaps(&r.header) || owners.contains(&r.header.start))
                .filter(|r| !items.rules.iter().any(|t| t.header.start == r.header.start))
                .map(|r| Rule {
                    recovered: true,
                    ..r
                })
                .collect(),
            recipe_lines: all.recipe_lines,
            assignments: all.assignments,
            defines: all.defines,
            includes: all.includes,
            toplevel: all.toplevel,
        };
        extra.rules.sort_by_key(|r| r.header.start);
        let rules = std::mem::take(&mut extra.rules);
        retain_inside(&mut extra, &overlaps);
        extra.rules = rules;
        for l in &mut extra.recipe_lines {
            l.recovered = true;
        }
        for a in &mut extra.assignments {
            a.recovered = true;
        }
        for d in &mut extra.defines {
            d.recovered = true;
        }
        for i in &mut extra.includes {
            i.recovered = true;
        }
        items.rules.extend(extra.rules);
        items.recipe_lines.extend(extra.recipe_lines);
        items.assignments.extend(extra.assignments);
        items.defines.extend(extra.defines);
        items.includes.extend(extra.includes);
        items.toplevel.extend(extra.toplevel);
        MakeDoc::assemble(src, items, regions)
    }

    /// Read `src` with the logical-line reader only (for `define` bodies and
    /// tests that compare both readers).
    pub fn read_lines(src: &str, range: Span) -> MakeDoc {
        let items = lines::read(src, range);
        MakeDoc::assemble(src, items, Vec::new())
    }

    /// Read a `define` body (a canned recipe or an `$(eval)` template) with
    /// the line reader: recipe-prefix lines are recipe lines.
    pub fn read_define_body(src: &str, range: Span) -> MakeDoc {
        let items = lines::read_body(src, range);
        MakeDoc::assemble(src, items, Vec::new())
    }

    fn assemble(src: &str, mut items: Items, error_regions: Vec<Span>) -> MakeDoc {
        items.rules.sort_by_key(|r| r.header.start);
        items.rules.dedup_by_key(|r| r.header.start);
        items.recipe_lines.sort_by_key(|l| l.span.start);
        items.recipe_lines.dedup_by_key(|l| l.span.start);
        for line in &mut items.recipe_lines {
            line.rule = line.rule_header.and_then(|h| {
                items
                    .rules
                    .binary_search_by_key(&h, |r| r.header.start)
                    .ok()
            });
        }
        items.assignments.sort_by_key(|a| a.span.start);
        items.assignments.dedup_by_key(|a| a.span.start);
        items.defines.sort_by_key(|d| d.span.start);
        items.includes.sort_by_key(|i| i.span.start);
        items.toplevel.sort_by_key(|s| s.start);
        items.toplevel.dedup();
        let oneshell = items
            .rules
            .iter()
            .any(|r| r.targets.iter().any(|t| t == ".ONESHELL"));
        let _ = src;
        // A document lives until the report: no room left from growing.
        items.rules.shrink_to_fit();
        items.recipe_lines.shrink_to_fit();
        items.assignments.shrink_to_fit();
        MakeDoc {
            rules: items.rules,
            recipe_lines: items.recipe_lines,
            assignments: items.assignments,
            defines: items.defines,
            includes: items.includes,
            toplevel: items.toplevel,
            error_regions,
            oneshell,
        }
    }

    /// Whether `offset` lies in a region recovered by the line reader.
    pub fn in_error_region(&self, offset: usize) -> Option<&Span> {
        self.error_regions.iter().find(|r| r.contains(&offset))
    }
}

/// The bytes tree-sitter reads. A recipe line's shell text and an
/// assignment's value are opaque to make while it reads a file (they are
/// expanded later, if ever), and they are where tree-sitter-make spends most
/// of its time and where it stumbles (an unterminated `$(` in a recipe line
/// ran to the end of the file). Where the line reader finds a recipe line of
/// a rule (after a tab) or an assignment value, every byte but blanks,
/// newlines and backslashes becomes `x`: offsets, logical lines and
/// continuations stay where they were, and the items are read from `src`.
/// Lines with a `#` are left whole (whether it starts a comment depends on
/// where it stands, and on make's version), and so are lines with a carriage
/// return (tree-sitter-make ends a line at a lone one, make does not). In
/// rule lines only an escaped blank is masked.
fn opaque_text_masked(src: &str, items: &Items) -> Vec<u8> {
    let mut out = src.as_bytes().to_vec();
    let recipes = items
        .recipe_lines
        .iter()
        .filter(|l| {
            l.rule_header.is_some()
                && src.as_bytes().get(l.span.start.wrapping_sub(1)) == Some(&b'\t')
        })
        .map(|l| l.span.clone());
    let values = items.assignments.iter().map(|a| a.value.clone());
    // An escaped blank in a rule line (`gen: tmpl/a\ b.txt`) is part of a
    // file name to make; tree-sitter-make reads it as an error.
    for r in &items.rules {
        let line = &mut out[r.header.clone()];
        for i in 1..line.len() {
            if line[i - 1] == b'\\' && line[i] == b' ' {
                line[i - 1] = b'x';
                line[i] = b'x';
            }
        }
    }
    for span in recipes.chain(values) {
        let bytes = &mut out[span];
        if bytes.iter().any(|&b| b == b'#' || b == b'\r') {
            continue;
        }
        for b in bytes {
            if !matches!(*b, b'\\' | b'\n' | b' ' | b'\t') {
                *b = b'x';
            }
        }
    }
    out
}

fn retain_outside(items: &mut Items, overlaps: &dyn Fn(&Span) -> bool) {
    items.rules.retain(|r| !overlaps(&r.header));
    items.recipe_lines.retain(|l| !overlaps(&l.span));
    items.assignments.retain(|a| !overlaps(&a.span));
    items.defines.retain(|d| !overlaps(&d.span));
    items.includes.retain(|i| !overlaps(&i.span));
    items.toplevel.retain(|t| !overlaps(t));
}

fn retain_inside(items: &mut Items, overlaps: &dyn Fn(&Span) -> bool) {
    items.rules.retain(|r| overlaps(&r.header));
    items.recipe_lines.retain(|l| overlaps(&l.span));
    items.assignments.retain(|a| overlaps(&a.span));
    items.defines.retain(|d| overlaps(&d.span));
    items.includes.retain(|i| overlaps(&i.span));
    items.toplevel.retain(overlaps);
}

/// Grow the error regions until every tree item that overlaps one lies
/// inside it: such an item is dropped whole for the line reader's version,
/// and the line reader only reads inside the regions, so the lines of the
/// item outside them would be lost. (Seen: an unterminated `$(` in a recipe
/// line made one recipe line of the rest of the file; the ERROR covered its
/// first lines only, and a `clean` recipe below was read by neither.)
fn cover_dropped_items(src: &str, items: &Items, mut regions: Vec<Span>) -> Vec<Span> {
    if regions.is_empty() {
        return regions;
    }
    let spans: Vec<Span> = items
        .rules
        .iter()
        .map(|r| r.header.clone())
        .chain(items.recipe_lines.iter().map(|l| l.span.clone()))
        .chain(items.assignments.iter().map(|a| a.span.clone()))
        .chain(items.defines.iter().map(|d| d.span.clone()))
        .chain(items.includes.iter().map(|i| i.span.clone()))
        .chain(items.toplevel.iter().cloned())
        .collect();
    for _ in 0..8 {
        if regions.is_empty() {
            return regions;
        }
        let mut grown = regions.clone();
        for s in &spans {
            let end = s.end.max(s.start + 1);
            // Regions are sorted and disjoint: the last one starting
            // before `end` is the only candidate.
            let i = regions.partition_point(|r| r.start < end);
            if i > 0
                && regions[i - 1].end > s.start
                && !(regions[i - 1].start <= s.start && s.end <= regions[i - 1].end)
            {
                grown.push(s.clone());
            }
        }
        let next = widen_to_lines(src, &grown);
        if next == regions {
            return regions;
        }
        regions = next;
    }
    // Still growing: read the whole file with the line reader.
    std::iter::once(0..src.len()).collect()
}

/// Recipe lines of a rule the line reader has and the tree has not, each
/// from its rule's line on: make runs them, so a tree that lost them, even
/// without an ERROR node, is wrong there, and the line reader reads those
/// lines instead. (Seen by fuzzing: a rule line whose error recovery ran
/// over the recipe lines below it and left the ERROR on the rule line.)
fn recipe_lines_lost(reader: &Items, tree: &Items) -> Vec<Span> {
    let mut found: Vec<usize> = tree.recipe_lines.iter().map(|l| l.span.start).collect();
    found.sort_unstable();
    reader
        .recipe_lines
        .iter()
        .filter(|l| found.binary_search(&l.span.start).is_err())
        .filter_map(|l| Some(l.rule_header?..l.span.end))
        .collect()
}

/// Widen error spans to whole logical lines and merge those that touch.
fn widen_to_lines(src: &str, errors: &[Span]) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::new();
    let mut spans: Vec<Span> = errors.to_vec();
    spans.sort_by_key(|s| s.start);
    for s in spans {
        let start = lines::logical_line_start(src, s.start.min(src.len()));
        let end = lines::logical_line_end(src, s.end.max(s.start).min(src.len()));
        match out.last_mut() {
            Some(last) if start <= last.end + 1 => last.end = last.end.max(end),
            _ => out.push(start..end),
        }
    }
    out
}

/// Split a rule line into targets and prerequisites. `start..end` is the
/// logical line (without its newline). Returns `None` when the line is not a
/// rule (no colon outside references, or it is a target-specific assignment).
pub fn parse_rule_header(src: &str, start: usize, end: usize) -> Option<Rule> {
    let text = &src[start..end];
    let colon = find_rule_colon(text)?;
    let targets: Vec<String> = split_words(&text[..colon]);
    if targets.is_empty() {
        return None;
    }
    let mut after = colon + 1;
    if text[after..].starts_with(':') {
        after += 1; // double-colon rule
    }
    let rest = &text[after..];
    if find_assignment_op(rest).is_some() {
        return None; // target-specific variable
    }
    // The prerequisites end at an unreferenced `;` (inline recipe) or `#`.
    let mut stop = rest.len();
    let bytes = rest.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'$' if i + 1 < bytes.len() && (bytes[i + 1] == b'(' || bytes[i + 1] == b'{') => {
                depth += 1;
                i += 2;
                continue;
            }
            b'$' => {
                i += 2;
                continue;
            }
            b'(' | b'{' if depth > 0 => depth += 1,
            b')' | b'}' if depth > 0 => depth -= 1,
            b'\\' => {
                i += 2;
                continue;
            }
            b';' | b'#' if depth == 0 => {
                stop = i;
                break;
            }
            _ => {}
        }
        i += 1;
    }
    if depth > 0 {
        // An unterminated `$(`: make stops here ("unterminated variable
        // reference"), and the `|` or `;` inside it cannot be found, so an
        // edit of the prerequisites would not be seen by the next run.
        return None;
    }
    let prereqs = &rest[..stop];
    let trimmed_len = prereqs
        .trim_end_matches([' ', '\t', '\\', '\n', '\r'])
        .len();
    let (normal, order_only) = match split_at_pipe(prereqs) {
        Some(p) => (
            split_words(&prereqs[..p]),
            Some(split_words(&prereqs[p + 1..])),
        ),
        None => (split_words(prereqs), None),
    };
    Some(Rule {
        header: start..end,
        targets,
        prereq_end: start + after + trimmed_len,
        prerequisites: normal,
        order_only,
        recovered: false,
    })
}

fn split_at_pipe(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'$' if i + 1 < bytes.len() && (bytes[i + 1] == b'(' || bytes[i + 1] == b'{') => {
                depth += 1;
                i += 2;
                continue;
            }
            b'(' | b'{' if depth > 0 => depth += 1,
            b')' | b'}' if depth > 0 => depth -= 1,
            b'|' if depth == 0 => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// Words of make text, splitting on blanks outside `$(...)`, dropping
/// `\`-newline continuations.
pub fn split_words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0usize;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '$' => {
                cur.push(c);
                if let Some(&n) = chars.peek() {
                    if n == '(' || n == '{' {
                        depth += 1;
                    }
                    cur.push(n);
                    chars.next();
                }
            }
            '(' | '{' if depth > 0 => {
                depth += 1;
                cur.push(c);
            }
            ')' | '}' if depth > 0 => {
                depth -= 1;
                cur.push(c);
            }
            '\\' if matches!(chars.peek(), Some('\n') | Some('\r')) => {}
            // `a\ b.txt`: one file name with a blank in it.
            '\\' if matches!(chars.peek(), Some(' ') | Some('\t')) => {
                cur.push(c);
                cur.extend(chars.next());
            }
            c if depth == 0 && c.is_whitespace() => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The file name a literal word of a target or prerequisite list stands
/// for: `a\ b.txt` is `a b.txt`, `a\#b` is `a#b`.
pub fn unescape_word(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut chars = word.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && matches!(chars.peek(), Some(' ' | '\t' | '#')) {
            out.extend(chars.next());
        } else {
            out.push(c);
        }
    }
    out
}

/// Offset of the rule-separating colon in a line, ignoring colons inside
/// references and those of `:=`-style operators. `None` if an assignment
/// operator comes first.
pub fn find_rule_colon(text: &str) -> Option<usize> {
    match first_separator(text)? {
        (i, Sep::Colon) => Some(i),
        _ => None,
    }
}

/// The assignment operator of a line (`NAME op value`) if it comes before any
/// rule colon: `(op_start, op_end, op)`.
pub fn find_assignment_op(text: &str) -> Option<(usize, usize, AssignOp)> {
    match first_separator(text)? {
        (i, Sep::Assign(len, op)) => Some((i, i + len, op)),
        _ => None,
    }
}

enum Sep {
    Colon,
    Assign(usize, AssignOp),
}

fn first_separator(text: &str) -> Option<(usize, Sep)> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'$' && i + 1 < b.len() {
            if b[i + 1] == b'(' || b[i + 1] == b'{' {
                depth += 1;
                i += 2;
            } else {
                i += 2;
            }
            continue;
        }
        if depth > 0 {
            match c {
                b'(' | b'{' => depth += 1,
                b')' | b'}' => depth -= 1,
                _ => {}
            }
            i += 1;
            continue;
        }
        match c {
            b'#' => return None,
            b'\\' => {
                i += 2;
                continue;
            }
            b':' => {
                let rest = &text[i..];
                for (op, len) in [(":::=", 4), ("::=", 3), (":=", 2)] {
                    if rest.starts_with(op) {
                        return Some((i, Sep::Assign(len, AssignOp::Simple)));
                    }
                }
                // A drive letter (`C:\`) is not a rule colon; good enough.
                return Some((i, Sep::Colon));
            }
            b'=' => return Some((i, Sep::Assign(1, AssignOp::Recursive))),
            b'+' | b'?' | b'!' if b.get(i + 1) == Some(&b'=') => {
                let op = AssignOp::parse(&text[i..i + 2]).expect("known operator");
                return Some((i, Sep::Assign(2, op)));
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_escaped_blank_stays_in_its_word() {
        let src = "_gen/bin/x: tmpl/page\\ header.txt a\\#b go.mod\n\tgo build -o $@ ./x\n";
        let doc = MakeDoc::parse(src, &mut tree::MakeParser::new());
        assert!(doc.error_regions.is_empty(), "{:?}", doc.error_regions);
        assert_eq!(
            doc.rules[0].prerequisites,
            ["tmpl/page\\ header.txt", "a\\#b", "go.mod"]
        );
        assert_eq!(
            unescape_word("tmpl/page\\ header.txt"),
            "tmpl/page header.txt"
        );
        assert_eq!(unescape_word("a\\#b"), "a#b");
        assert_eq!(unescape_word("a\\b"), "a\\b");
    }

    #[test]
    fn rule_header_splits_prerequisites() {
        let src = "gen: a.txt $(wildcard x/*.go) | dir ; echo hi";
        let r = parse_rule_header(src, 0, src.len()).unwrap();
        assert_eq!(r.targets, ["gen"]);
        assert_eq!(r.prerequisites, ["a.txt", "$(wildcard x/*.go)"]);
        assert_eq!(r.order_only, Some(vec!["dir".to_string()]));
        assert_eq!(&src[..r.prereq_end], "gen: a.txt $(wildcard x/*.go) | dir");
    }

    /// The unmasked parse of `src` when the grammar reads it without an
    /// ERROR region (`None` otherwise).
    fn unmasked(src: &str) -> Option<MakeDoc> {
        let p = tree::MakeParser::new().parse(src, src.as_bytes());
        let regions = cover_dropped_items(src, &p.items, widen_to_lines(src, &p.errors));
        regions
            .is_empty()
            .then(|| MakeDoc::assemble(src, p.items, Vec::new()))
    }

    #[test]
    fn masking_changes_nothing_where_the_grammar_had_no_trouble() {
        let files = crate::test_repo::fixture_makefiles();
        let mut compared = 0;
        for (path, src) in &files {
            if let Some(want) = unmasked(src) {
                let got = MakeDoc::parse(src, &mut tree::MakeParser::new());
                assert_eq!(got, want, "{}", path.display());
                compared += 1;
            }
        }
        assert!(
            compared > 30 && compared < files.len(),
            "{compared} of {}",
            files.len()
        );
    }

    #[test]
    fn masked_shell_text_leaves_no_error_region() {
        // GR007's old example: the `case` patterns' unbalanced `)` threw the
        // grammar off; make never parses them, and neither does it now.
        let src = "check:\n\tcase \"$$x\" in '') ;; *) go run ./scripts/x ;; esac\n\
                   V := $(shell case $$(uname) in (Linux) echo l ;; esac)\nall: check\n";
        assert!(unmasked(src).is_none(), "the grammar used to fail here");
        let doc = MakeDoc::parse(src, &mut tree::MakeParser::new());
        assert!(doc.error_regions.is_empty(), "{:?}", doc.error_regions);
        assert_eq!(doc.recipe_lines.len(), 1);
        assert_eq!(doc.recipe_lines[0].rule, Some(0));
        assert!(!doc.recipe_lines[0].recovered);
        assert_eq!(
            &src[doc.assignments[0].value.clone()],
            "$(shell case $$(uname) in (Linux) echo l ;; esac)"
        );
        assert_eq!(doc.rules.len(), 2);
    }

    #[test]
    fn error_regions_cover_the_tree_items_they_drop() {
        // Found by fuzzing: an unterminated `$(` in a recipe line became one
        // recipe line to the end of the file, with an ERROR near its start
        // only; the `clean` recipe below it was lost.
        let src = "proto:\n\t$(GOGS := -X main.version=$(VERSION) -X main.commit=$(GIT_SHA)\n\
                   clean:\n\trm -rf _gen/bin\n# No -o: writes ./apitypings here.\n\
                   _gen/bin/apitypings: $(wildcard scripts/apitypings/*.go) go.mod\n\
                   >ipts/signshortDescri ./scripts/lintcfg)";
        let doc = MakeDoc::parse(src, &mut tree::MakeParser::new());
        let lines: Vec<&str> = doc
            .recipe_lines
            .iter()
            .map(|l| &src[l.span.clone()])
            .collect();
        assert!(
            lines.contains(&"rm -rf _gen/bin"),
            "{lines:?} {:?}",
            doc.error_regions
        );
        let clean = doc
            .rules
            .iter()
            .position(|r| r.targets == ["clean"])
            .unwrap();
        assert!(doc.recipe_lines.iter().any(|l| l.rule == Some(clean)));
    }

    #[test]
    fn recipe_lines_near_a_region_belong_to_the_rule_the_line_reader_sees() {
        // Found by the property tests and the fuzzer: the grammar gave the
        // recipe of `gen:` to `gen: |` above it, and the last recipe line of
        // a rule line swallowed by an unterminated `$(` to the rule above.
        for (src, owner) in [
            ("x:\ngen: |\ngen:\n\t@cd scripts && go run ./gen\n", "gen:"),
            (
                "gen:\n\t$(HOS x\ndocs: | a\n\t(cd t && b)\n\t_gen/bin/m\n",
                "docs: | a",
            ),
        ] {
            let doc = MakeDoc::parse(src, &mut tree::MakeParser::new());
            let last = doc.recipe_lines.last().unwrap();
            let rule = &doc.rules[last.rule.unwrap()];
            assert_eq!(&src[rule.header.clone()], owner, "{src:?}");
        }
    }

    #[test]
    fn recipe_lines_the_tree_lost_are_read_by_the_line_reader() {
        // Found by fuzzing: an unterminated `(` in a prerequisite is read by
        // tree-sitter-make as an archive member list running over the
        // recipe and the next rule, with its ERROR on the rule line only.
        let src = "xpect: lDo(umentation; paths are\n\tgo run ./scripts/gen\n\ny:\n\techo\n";
        let doc = MakeDoc::parse(src, &mut tree::MakeParser::new());
        let owners: Vec<(&str, &str)> = doc
            .recipe_lines
            .iter()
            .map(|l| {
                let rule = &doc.rules[l.rule.unwrap()];
                (&src[l.span.clone()], rule.targets[0].as_str())
            })
            .collect();
        assert_eq!(
            owners,
            [
                (" paths are", "xpect"),
                ("go run ./scripts/gen", "xpect"),
                ("echo", "y")
            ],
            "{doc:?}"
        );
        // Either half of the guard finds it: the rule whose non-recipe
        // children leave its line is an error, and so is a recipe line the
        // line reader has and the tree has not.
        let reader = lines::read(src, 0..src.len());
        let tree = tree::MakeParser::new().parse(src, &opaque_text_masked(src, &reader));
        assert!(tree.errors.iter().any(|e| e.end > src.find('\t').unwrap()));
        let mut lost_tree = tree.items;
        lost_tree.recipe_lines.clear();
        let lost = recipe_lines_lost(&reader, &lost_tree);
        let end = |s: &str| src.find(s).unwrap() + s.len();
        let y = src.find("y:").unwrap();
        assert_eq!(lost, [0..end("are"), 0..end("gen\n") - 1, y..end("echo")]);
    }

    #[test]
    fn an_unterminated_reference_is_not_a_rule_line() {
        // Found by fuzzing: `fix` added ` | _gen/bin/x` after the `|` it
        // could not see inside the unterminated `$(`, once per run.
        let src = "build: $(shell x | _gen/bin/tools";
        assert!(parse_rule_header(src, 0, src.len()).is_none());
        let src = "build: $(shell x) | _gen/bin/tools";
        assert!(parse_rule_header(src, 0, src.len()).is_some());
    }

    #[test]
    fn assignments_are_not_rules() {
        assert!(parse_rule_header("X := a:b", 0, 8).is_none());
        assert!(parse_rule_header("lint: X := 1", 0, 12).is_none());
        assert_eq!(
            find_assignment_op("GO ?= go").map(|x| x.2),
            Some(AssignOp::Conditional)
        );
        assert_eq!(
            find_assignment_op("X != date").map(|x| x.2),
            Some(AssignOp::Shell)
        );
        assert_eq!(
            find_assignment_op("A ::= b").map(|x| (x.0, x.1)),
            Some((2, 5))
        );
        assert!(find_assignment_op("$(1): $(X:.go=.o)").is_none());
    }
}
